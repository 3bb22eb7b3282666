//! The committee appendix (`appendix.docx`): the model and the committee
//! format as a Word document in the seed's order — letter head, title,
//! intro and goals, one two-column table per status schema, and the
//! economic overview with computed totals.
//!
//! The letter head is addressed to the format's committee and is ONE
//! sender's (contract §1a): the `[sender]` table when given, else the
//! coordinating department's submission, else field by field what every
//! submission shares — never one department's caseworker beside another's
//! Dokumentnr.
//!
//! docx-rs builds the document; [`post`] then fixes what
//! docx-rs cannot express or gets wrong (language tag, core properties,
//! schema element order, compression).
//!
//! ```no_run
//! use bilag::format::Format;
//! use bilag::model::Model;
//! let model = Model::default();
//! bilag::write::docx::write_appendix(&model, &Format::default_format(), "pack/appendix.docx".as_ref())?;
//! # Ok::<(), bilag::write::WriteError>(())
//! ```

mod post;
mod schema_order;
mod wml;

use super::overview::{Overview, OverviewGroup, OverviewLine};
use super::{write_atomic, WriteError};
use crate::format::{Format, Section, Sender};
use crate::model::{DocumentTexts, Initiative, Model, Submission, Year};
use crate::normalize::danish;
use crate::reconcile::departments::department_of;
use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, NumPages, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Style, StyleType, Tab, TabValueType, Table, TableCell, TableLayoutType,
    TableRow, WidthType,
};
use indexmap::IndexMap;
use post::CoreProps;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use wml::{cell, clean_text, Body, CellProps, Para};

/// Page geometry in twentieths of a point (twips): A4, 2,5 cm top and
/// bottom, 2 cm left and right.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN_TB: i32 = 1_418;
const MARGIN_LR: i32 = 1_134;
/// Width of the text area.
const TEXT_W: usize = (PAGE_W as usize) - 2 * (MARGIN_LR as usize);

/// Paragraph style ids. Heading ids are the ones Word and LibreOffice know
/// ("heading 1" / "heading 2"), so the navigation pane and a table of
/// contents pick them up.
pub const STYLE_TITLE: &str = "Heading1";
pub const STYLE_SECTION: &str = "Heading2";
const STYLE_TABLE_TEXT: &str = "Tabeltekst";
/// Cells of a table's header row carry this style; the table writer
/// (`wml::Body::row`) marks those rows as header rows repeated on every page
/// (w:tblHeader).
pub const STYLE_TABLE_HEADER: &str = "Tabelhoved";
/// Bold table text: group headings and totals.
const STYLE_TABLE_BOLD: &str = "Tabelfed";
const STYLE_LETTERHEAD: &str = "Brevhoved";

const FONT: &str = "Arial";
/// Sizes in half-points.
const SIZE_BODY: usize = 20;
const SIZE_TABLE: usize = 18;
const SIZE_LETTERHEAD: usize = 16;
const SHADE_TITLE: &str = "D9D9D9";
const SHADE_GROUP: &str = "F2F2F2";

/// The appendix as .docx bytes.
///
/// # Errors
/// [`WriteError::Build`] if docx-rs or the post-processing step fails
/// (which would be a bug, not a property of the input).
pub fn appendix_bytes(model: &Model, format: &Format) -> Result<Vec<u8>, WriteError> {
    let path = Path::new("appendix.docx");
    let texts = Texts::collect(model, format);
    let (docx, chunks) = build(model, format, &texts);
    let parts = package_parts(docx.build()).map_err(|e| WriteError::build(path, e))?;
    let props = CoreProps {
        title: texts.title.clone(),
        creator: "bilag".into(),
        language: "da-DK".into(),
        created: chrono::Utc::now(),
    };
    let year_hint = common_goal_year(model, format);
    let mut write_document = |document: &[u8], out: &mut dyn Write| {
        splice_chunks(document, chunks.len(), out, |k, out| match &chunks[k] {
            Chunk::Schemas(section, initiatives) => {
                let mut body = Body::new(out);
                for ini in initiatives {
                    initiative_table(&mut body, ini, *section, &year_hint);
                    body.paragraph("Normal", Para::default(), "");
                    body.flush_if_full()?;
                }
                body.finish()
            }
            Chunk::Economy => {
                let mut body = Body::new(out);
                economy_table(&mut body, model, format)?;
                body.finish()
            }
        })
    };
    post::postprocess_parts_with(parts, &props, Some(&mut write_document))
        .map_err(|e| WriteError::build(path, e))
}

/// The parts docx-rs would zip ([`docx_rs::XMLDocx::pack`]), by name and in
/// the same order, without zipping and unzipping them again. The appendix
/// has no media, web extensions or custom XML; a package with any is an
/// error (a bug in the builder), never a part silently left out.
fn package_parts(xml: docx_rs::XMLDocx) -> Result<Vec<(String, Vec<u8>)>, String> {
    if !xml.media.is_empty() || xml.taskpanes.is_some() || !xml.custom_items.is_empty() {
        return Err("uventet del i dokumentpakken (billeder eller tilføjelser)".into());
    }
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), xml.content_type),
        ("_rels/.rels".into(), xml.rels),
        ("docProps/app.xml".into(), xml.doc_props.app),
        ("docProps/core.xml".into(), xml.doc_props.core),
        ("docProps/custom.xml".into(), xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), xml.document_rels),
        ("word/document.xml".into(), xml.document),
        ("word/styles.xml".into(), xml.styles),
        ("word/settings.xml".into(), xml.settings),
        ("word/fontTable.xml".into(), xml.font_table),
        ("word/comments.xml".into(), xml.comments),
        ("word/numbering.xml".into(), xml.numberings),
        ("word/commentsExtended.xml".into(), xml.comments_extended),
        ("word/footnotes.xml".into(), xml.footnotes),
    ];
    let mut header_rels = xml.header_rels.into_iter();
    for (i, h) in xml.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = header_rels.next() {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    let mut footer_rels = xml.footer_rels.into_iter();
    for (i, f) in xml.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(rels) = footer_rels.next() {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }
    Ok(parts)
}

/// Writes the appendix to `path` atomically (see [`write_atomic`]).
///
/// # Errors
/// As [`appendix_bytes`], and [`WriteError::Io`] naming the path.
pub fn write_appendix(model: &Model, format: &Format, path: &Path) -> Result<(), WriteError> {
    let bytes = appendix_bytes(model, format).map_err(|e| match e {
        WriteError::Build { message, .. } => WriteError::build(path, message),
        other => other,
    })?;
    write_atomic(path, &bytes)
}

/// The texts of the document head: the letterhead of ONE sender
/// ([`letterhead_sender`]), addressed to the format's committee, and the
/// format's texts unless the sender's submissions carry their own
/// ([`document_texts`]), committee filled in.
struct Texts {
    committee: String,
    title: String,
    intro: String,
    goals: Vec<String>,
    closing: String,
    /// Every letterhead field but the addressee (department, address,
    /// numbers, caseworker, date as yyyy-mm-dd).
    sender: Sender,
}

impl Texts {
    fn collect(model: &Model, format: &Format) -> Texts {
        let from = LetterheadFrom::of(model, format);
        let own = document_texts(model, &from);
        let doc = &format.document;
        let goals = if own.goals.is_empty() {
            &doc.goals
        } else {
            &own.goals
        };
        Texts {
            committee: format.committee.clone(),
            title: format.fill(own.title.as_ref().unwrap_or(&doc.title)),
            intro: format.fill(own.intro.as_ref().unwrap_or(&doc.intro)),
            goals: goals.iter().map(|g| format.fill(g)).collect(),
            closing: format.fill(own.closing.as_ref().unwrap_or(&doc.closing)),
            sender: letterhead_sender(model, &from),
        }
    }
}

/// Whose letterhead the appendix has (contract §1a): never fields of two
/// senders.
enum LetterheadFrom<'a> {
    /// The `[sender]` table of the committee format or the roster file.
    Table(&'a Sender),
    /// One submission: the coordinating department's, or the only one.
    Submission(&'a Submission),
    /// Field by field, a value every current submission shares.
    Shared,
}

impl<'a> LetterheadFrom<'a> {
    fn of(model: &'a Model, format: &'a Format) -> LetterheadFrom<'a> {
        if let Some(s) = &format.sender {
            return LetterheadFrom::Table(s);
        }
        if let Some(sub) = coordinator_submission(model, format) {
            return LetterheadFrom::Submission(sub);
        }
        match model.submissions.as_slice() {
            [one] => LetterheadFrom::Submission(one),
            _ => LetterheadFrom::Shared,
        }
    }
}

/// The current submission of the roster's coordinating department; of
/// several, the newest by Forside Dato, then file name.
fn coordinator_submission<'a>(model: &'a Model, format: &Format) -> Option<&'a Submission> {
    let coordinator = format.coordinator()?;
    model
        .submissions
        .iter()
        .filter(|s| {
            department_of(s)
                .and_then(|d| format.roster_department(d))
                .is_some_and(|r| r.name == coordinator.name)
        })
        .max_by(|a, b| {
            a.metadata
                .date
                .cmp(&b.metadata.date)
                .then_with(|| a.source.cmp(&b.source))
        })
}

/// A text that says something: not empty after trimming.
fn stated(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// The letterhead's fields from whom [`LetterheadFrom`] names.
fn letterhead_sender(model: &Model, from: &LetterheadFrom) -> Sender {
    match from {
        LetterheadFrom::Table(table) => {
            let given = |v: &Option<String>| stated(v.as_deref()).map(String::from);
            Sender {
                department: given(&table.department),
                address: given(&table.address),
                phone: given(&table.phone),
                fax: given(&table.fax),
                email: given(&table.email),
                ean: given(&table.ean),
                caseworker: given(&table.caseworker),
                case_number: given(&table.case_number),
                document_number: given(&table.document_number),
                // Without a date of its own: the date the submissions share
                // (see [`Sender::date`]), else today's.
                date: given(&table.date).or_else(|| shared(model, &|s| s.metadata.date.as_deref())),
            }
        }
        LetterheadFrom::Submission(sub) => sender_by(&|f| stated(f(sub)).map(String::from)),
        LetterheadFrom::Shared => sender_by(&|f| shared(model, f)),
    }
}

/// A field of a submission.
type FieldOf = dyn Fn(&Submission) -> Option<&str>;

/// Every letterhead field, each as `value` gives it for one field of a
/// submission.
fn sender_by(value: &dyn Fn(&FieldOf) -> Option<String>) -> Sender {
    Sender {
        department: value(&department_of),
        address: value(&|s| s.metadata.address.as_deref()),
        phone: value(&|s| s.metadata.phone.as_deref()),
        fax: value(&|s| s.metadata.fax.as_deref()),
        email: value(&|s| s.metadata.email.as_deref()),
        ean: value(&|s| s.metadata.ean.as_deref()),
        caseworker: value(&|s| s.metadata.caseworker.as_deref()),
        case_number: value(&|s| s.metadata.case_number.as_deref()),
        document_number: value(&|s| s.metadata.document_number.as_deref()),
        date: value(&|s| s.metadata.date.as_deref()),
    }
}

/// The value every submission states, equal after trimming; `None` when
/// one lacks it, two differ, or there are no submissions.
fn shared(model: &Model, f: &FieldOf) -> Option<String> {
    let mut values = model
        .submissions
        .iter()
        .map(|s| stated(f(s)).map(str::trim));
    let first = values.next()??;
    values.all(|v| v == Some(first)).then(|| first.to_string())
}

/// The appendix texts a submission may carry (Titel, Indledning, Mål n,
/// Afsluttende tekst), from the same sender as the letterhead: the
/// coordinator's (or the only) submission; with a `[sender]` table (which
/// has no texts) or no single sender, each text that every submission
/// stating it agrees on. What is left empty is the format's.
fn document_texts(model: &Model, from: &LetterheadFrom) -> DocumentTexts {
    match from {
        LetterheadFrom::Submission(s) => DocumentTexts {
            title: stated(s.document.title.as_deref()).map(String::from),
            intro: stated(s.document.intro.as_deref()).map(String::from),
            goals: if s.document.goals.iter().any(|g| !g.trim().is_empty()) {
                s.document.goals.clone()
            } else {
                Vec::new()
            },
            closing: stated(s.document.closing.as_deref()).map(String::from),
        },
        LetterheadFrom::Table(_) | LetterheadFrom::Shared => {
            let agreed =
                |f: &FieldOf| agreed(model.submissions.iter().filter_map(|s| stated(f(s))));
            let goals: Vec<&Vec<String>> = model
                .submissions
                .iter()
                .map(|s| &s.document.goals)
                .filter(|g| g.iter().any(|t| !t.trim().is_empty()))
                .collect();
            let same_goals = goals.windows(2).all(|w| {
                w[0].len() == w[1].len() && w[0].iter().zip(w[1]).all(|(a, b)| a.trim() == b.trim())
            });
            DocumentTexts {
                title: agreed(&|s| s.document.title.as_deref()),
                intro: agreed(&|s| s.document.intro.as_deref()),
                goals: match goals.first() {
                    Some(g) if same_goals => (*g).clone(),
                    _ => Vec::new(),
                },
                closing: agreed(&|s| s.document.closing.as_deref()),
            }
        }
    }
}

/// The one text all of `texts` are (equal after trimming); `None` when
/// there are none or two differ.
fn agreed<'t>(mut texts: impl Iterator<Item = &'t str>) -> Option<String> {
    let first = texts.next()?;
    texts
        .all(|t| t.trim() == first.trim())
        .then(|| first.to_string())
}

/// One run per line piece: tabs become w:tab, line feeds w:br.
fn text_run(text: &str) -> Run {
    let text = clean_text(text);
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !piece.is_empty() {
                run = run.add_text(piece);
            }
        }
    }
    run
}

fn para(style: &str, text: &str) -> Paragraph {
    Paragraph::new().style(style).add_run(text_run(text))
}

/// A multi-line value as one paragraph per line (the seed's layout: each
/// line of a cell is its own paragraph).
fn paragraphs(style: &str, text: &str) -> Vec<Paragraph> {
    clean_text(text)
        .split('\n')
        .map(|line| para(style, line))
        .collect()
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// The paragraph styles the appendix uses, and its default font and size.
fn styles(docx: Docx) -> Docx {
    docx.default_fonts(fonts())
        .default_size(SIZE_BODY)
        .add_style(normal_style())
        .add_style(heading_style(STYLE_TITLE, "heading 1", 28, 0, (240, 240)))
        .add_style(heading_style(STYLE_SECTION, "heading 2", 22, 1, (360, 160)))
        .add_style(table_text_style())
        .add_style(table_header_style())
        .add_style(table_bold_style())
        .add_style(letterhead_style())
        .add_style(footer_style())
}

fn normal_style() -> Style {
    let mut normal = Style::new("Normal", StyleType::Paragraph)
        .name("Normal")
        .fonts(fonts())
        .size(SIZE_BODY)
        .line_spacing(LineSpacing::new().after(120).line(264));
    normal.paragraph_property = normal.paragraph_property.widow_control(true);
    normal
}

/// A heading kept with the next paragraph; `spacing` is (before, after).
fn heading_style(id: &str, name: &str, size: usize, level: usize, spacing: (u32, u32)) -> Style {
    let (before, after) = spacing;
    let mut h = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .bold()
        .size(size)
        .outline_lvl(level)
        .line_spacing(LineSpacing::new().before(before).after(after));
    h.paragraph_property = h.paragraph_property.keep_next(true).keep_lines(true);
    h
}

fn table_text_style() -> Style {
    Style::new(STYLE_TABLE_TEXT, StyleType::Paragraph)
        .name("Tabeltekst")
        .based_on("Normal")
        .size(SIZE_TABLE)
        .line_spacing(LineSpacing::new().before(20).after(40).line(240))
}

fn table_header_style() -> Style {
    let mut table_header = Style::new(STYLE_TABLE_HEADER, StyleType::Paragraph)
        .name("Tabelhoved")
        .based_on(STYLE_TABLE_TEXT)
        .bold();
    table_header.paragraph_property = table_header.paragraph_property.keep_next(true);
    table_header
}

fn table_bold_style() -> Style {
    Style::new(STYLE_TABLE_BOLD, StyleType::Paragraph)
        .name("Tabelfed")
        .based_on(STYLE_TABLE_TEXT)
        .bold()
}

fn letterhead_style() -> Style {
    Style::new(STYLE_LETTERHEAD, StyleType::Paragraph)
        .name("Brevhoved")
        .based_on("Normal")
        .size(SIZE_LETTERHEAD)
        .line_spacing(LineSpacing::new().after(0).line(240))
}

fn footer_style() -> Style {
    Style::new("Footer", StyleType::Paragraph)
        .name("footer")
        .based_on("Normal")
        .size(SIZE_LETTERHEAD)
        .align(AlignmentType::Right)
}

/// What stands in for a placeholder paragraph of the body: written straight
/// as WordprocessingML when the package is zipped (see [`Body`]).
enum Chunk<'a> {
    /// One table per initiative of a section, each followed by an empty
    /// paragraph.
    Schemas(Option<&'a Section>, Vec<&'a Initiative>),
    /// The economic overview.
    Economy,
}

fn build<'a>(model: &'a Model, format: &'a Format, texts: &Texts) -> (Docx, Vec<Chunk<'a>>) {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut docx = page_setup(styles(Docx::new()));
    docx = docx.add_table(letterhead(texts));
    docx = document_head(docx, texts);
    docx = schema_sections(docx, model, format, &mut chunks);
    docx = economy_section(docx, model, format, &mut chunks);
    (docx, chunks)
}

/// A4 with the appendix's margins and the page-number footer.
fn page_setup(docx: Docx) -> Docx {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .style("Footer")
            .add_run(Run::new().add_text("Side "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" af "))
            .add_num_pages(NumPages::new()),
    );
    docx.page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TB)
                .bottom(MARGIN_TB)
                .left(MARGIN_LR)
                .right(MARGIN_LR)
                .header(709)
                .footer(567)
                .gutter(0),
        )
        .footer(footer)
}

/// Title, intro, goals, closing.
fn document_head(mut docx: Docx, texts: &Texts) -> Docx {
    docx = docx.add_paragraph(para(STYLE_TITLE, &texts.title));
    for p in paragraphs("Normal", &texts.intro) {
        docx = docx.add_paragraph(p);
    }
    for (i, goal) in texts.goals.iter().enumerate() {
        docx = docx.add_paragraph(goal_paragraph(i + 1, goal));
    }
    for p in paragraphs("Normal", &texts.closing) {
        docx = docx.add_paragraph(p);
    }
    docx
}

/// "n)" and the goal, hanging after a tab.
fn goal_paragraph(n: usize, goal: &str) -> Paragraph {
    Paragraph::new()
        .style("Normal")
        .indent(
            Some(567),
            Some(docx_rs::SpecialIndentType::Hanging(567)),
            None,
            None,
        )
        .add_tab(Tab::new().val(TabValueType::Left).pos(567))
        .add_run(text_run(&format!("{n})\t{goal}")))
}

/// The format's sections, then any section number an initiative has that
/// the format does not name.
fn schema_section_list<'a>(model: &Model, format: &'a Format) -> Vec<(u8, Option<&'a Section>)> {
    let mut sections: Vec<(u8, Option<&Section>)> = format
        .sections
        .iter()
        .map(|s| (s.number, Some(s)))
        .collect();
    for s in model.submissions.iter().flat_map(|s| &s.initiatives) {
        if !sections.iter().any(|(n, _)| *n == s.section) {
            sections.push((s.section, None));
        }
    }
    sections
}

/// The status schemas, by section, then submission, then workbook order:
/// per section a heading and a placeholder for its tables (see [`Chunk`]).
fn schema_sections<'a>(
    mut docx: Docx,
    model: &'a Model,
    format: &'a Format,
    chunks: &mut Vec<Chunk<'a>>,
) -> Docx {
    for (number, section) in schema_section_list(model, format) {
        let heading = match section {
            Some(s) => format.fill(&s.heading),
            None => format!("{number}. Statusskema"),
        };
        docx = docx.add_paragraph(para(STYLE_SECTION, &heading));
        let initiatives: Vec<&Initiative> = model
            .submissions
            .iter()
            .flat_map(|s| &s.initiatives)
            .filter(|i| i.section == number)
            .collect();
        if initiatives.is_empty() {
            docx = docx.add_paragraph(para("Normal", "Ingen indsatser er indberettet."));
        } else {
            docx = docx.add_paragraph(placeholder(chunks.len()));
            chunks.push(Chunk::Schemas(section, initiatives));
        }
    }
    docx
}

/// The economic overview, computed from the model: its heading and a
/// placeholder for the table (see [`Chunk`]).
fn economy_section<'a>(
    mut docx: Docx,
    model: &Model,
    format: &Format,
    chunks: &mut Vec<Chunk<'a>>,
) -> Docx {
    docx = docx.add_paragraph(para(
        STYLE_SECTION,
        &format.fill(&format.document.economy_heading),
    ));
    let has_lines = model.submissions.iter().any(|s| !s.budget_lines.is_empty());
    if has_lines {
        docx = docx.add_paragraph(placeholder(chunks.len()));
        chunks.push(Chunk::Economy);
    } else {
        docx = docx.add_paragraph(para("Normal", "Ingen budgetlinjer er indberettet."));
    }
    docx
}

/// The text of the paragraph that stands in for chunk `k` of the body. U+FFFF
/// cannot occur in the document's own text ([`clean_text`] drops it).
fn placeholder_text(k: usize) -> String {
    format!("\u{FFFF}bilag-chunk-{k}\u{FFFF}")
}

fn placeholder(k: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(placeholder_text(k)))
}

/// Writes `document` (document.xml) to `out` with each of its `n`
/// placeholder paragraphs replaced by what `chunk(k, out)` writes: the
/// status schemas and the economy table are written as XML straight into
/// the deflater, so neither a docx-rs object tree nor the XML text of the
/// whole appendix ever exists at once.
fn splice_chunks(
    document: &[u8],
    n: usize,
    out: &mut dyn Write,
    mut chunk: impl FnMut(usize, &mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    let mut rest = document;
    for k in 0..n {
        let marker = placeholder_text(k);
        let missing = || format!("word/document.xml: pladsholder {k} mangler");
        let at = find(rest, marker.as_bytes()).ok_or_else(missing)?;
        let start = rfind(&rest[..at], b"<w:p ")
            .or_else(|| rfind(&rest[..at], b"<w:p>"))
            .ok_or_else(missing)?;
        let end = at + find(&rest[at..], b"</w:p>").ok_or_else(missing)? + b"</w:p>".len();
        out.write_all(&rest[..start]).map_err(io)?;
        chunk(k, out).map_err(io)?;
        rest = &rest[end..];
    }
    out.write_all(rest).map_err(io)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Width of the letter head's right-hand column (the sender block).
const SENDER_W: usize = 3_969;
/// Tab stop after the labels of the letter head ("Sagsnr.", "Telefon").
const LABEL_TAB: usize = 1_304;

/// The letter head: addressee, date and case numbers on the left, the
/// sending office beside them on the right, as a borderless two-column
/// table (renders the same in Word and LibreOffice, unlike text frames).
fn letterhead(texts: &Texts) -> Table {
    let left = letterhead_addressee(texts);
    let right = letterhead_sender_block(&texts.sender);
    Table::without_borders(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![TEXT_W - SENDER_W, SENDER_W])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
        .margins(docx_rs::TableCellMargins::new().margin(0, 0, 0, 0))
}

/// "Label<tab>value" in the letterhead style; a multi-line value continues
/// under the first line, after the tab.
fn labelled(label: &str, value: &str) -> Vec<Paragraph> {
    let value = clean_text(value);
    value
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let p = Paragraph::new()
                .style(STYLE_LETTERHEAD)
                .add_tab(Tab::new().val(TabValueType::Left).pos(LABEL_TAB));
            let p = if i == 0 {
                p.add_run(text_run(label).bold())
            } else {
                p
            };
            p.add_run(Run::new().add_tab()).add_run(text_run(line))
        })
        .collect()
}

/// The letterhead's date: the sender's, shown Danish, else today's.
fn letterhead_date(m: &Sender) -> String {
    m.date
        .as_deref()
        .map(crate::normalize::danish::date_dk)
        .unwrap_or_else(|| chrono::Local::now().format("%d-%m-%Y").to_string())
}

/// The left column: the addressee, then date and case numbers.
fn letterhead_addressee(texts: &Texts) -> TableCell {
    let m = &texts.sender;
    let date = letterhead_date(m);
    let mut left = TableCell::new()
        .width(TEXT_W - SENDER_W, WidthType::Dxa)
        .clear_all_border()
        .add_paragraph(
            Paragraph::new()
                .style("Normal")
                .line_spacing(LineSpacing::new().after(240))
                .add_run(
                    text_run(&format!("Til {}", texts.committee))
                        .bold()
                        .size(24),
                ),
        );
    for (l, v) in [
        ("Dato", Some(&date)),
        ("Sagsnr.", m.case_number.as_ref()),
        ("Dokumentnr.", m.document_number.as_ref()),
        ("Sagsbehandler", m.caseworker.as_ref()),
    ] {
        if let Some(v) = v {
            for p in labelled(l, v) {
                left = left.add_paragraph(p);
            }
        }
    }
    left
}

/// The right column: the sending office, as the seed has it beside the
/// text — department in bold, address, then the numbers.
fn letterhead_sender_block(m: &Sender) -> TableCell {
    let mut paras: Vec<Paragraph> = Vec::new();
    if let Some(d) = &m.department {
        for line in clean_text(d).split('\n') {
            paras.push(
                Paragraph::new()
                    .style(STYLE_LETTERHEAD)
                    .add_run(text_run(line).bold()),
            );
        }
    }
    if let Some(a) = &m.address {
        paras.extend(paragraphs(STYLE_LETTERHEAD, a));
    }
    // Department or address given: a gap before the first number.
    let mut gap_before = m.department.is_some() || m.address.is_some();
    for (l, v) in [
        ("Telefon", &m.phone),
        ("Telefax", &m.fax),
        ("E-mail", &m.email),
        ("EAN nummer", &m.ean),
    ] {
        if let Some(v) = v {
            for mut p in labelled(l, v) {
                if gap_before {
                    p = p.line_spacing(LineSpacing::new().before(120).after(0).line(240));
                }
                gap_before = false;
                paras.push(p);
            }
        }
    }
    if paras.is_empty() {
        paras.push(Paragraph::new().style(STYLE_LETTERHEAD));
    }
    let mut right = TableCell::new()
        .width(SENDER_W, WidthType::Dxa)
        .clear_all_border();
    for p in paras {
        right = right.add_paragraph(p);
    }
    right
}

/// For a `{year}` field an initiative lacks: the year most initiatives use
/// ("Mål i 2009"), per field label.
fn common_goal_year(model: &Model, format: &Format) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for section in &format.sections {
        for field in section.fields.iter().filter(|f| f.label.contains("{year}")) {
            let mut counts: IndexMap<String, usize> = IndexMap::new();
            for ini in model.submissions.iter().flat_map(|s| &s.initiatives) {
                for key in ini.fields.keys() {
                    if field.matches(key).is_some() {
                        *counts.entry(key.clone()).or_default() += 1;
                    }
                }
            }
            let best = counts
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| {
                    let year = format.years.get(1).or(format.years.first());
                    match year {
                        Some(y) => field.label.replace("{year}", &y.to_string()),
                        None => field.label.replace(" {year}", "").replace("{year}", ""),
                    }
                });
            out.entry(field.label.clone()).or_insert(best);
        }
    }
    out
}

/// The rows of a status schema: the format's fields in its order (a missing
/// field as an empty row), then fields the format does not name.
fn field_rows<'a>(
    ini: &'a Initiative,
    section: Option<&Section>,
    year_hint: &HashMap<String, String>,
) -> Vec<(String, &'a str)> {
    let mut used = vec![false; ini.fields.len()];
    let mut rows = Vec::new();
    if let Some(section) = section {
        for field in &section.fields {
            let mut found = false;
            for (i, (key, value)) in ini.fields.iter().enumerate() {
                if !used[i] && field.matches(key).is_some() {
                    used[i] = true;
                    found = true;
                    rows.push((key.clone(), value.as_str()));
                }
            }
            if !found {
                let label = year_hint
                    .get(&field.label)
                    .cloned()
                    .unwrap_or_else(|| field.label.clone());
                rows.push((label, ""));
            }
        }
    }
    for (i, (key, value)) in ini.fields.iter().enumerate() {
        if !used[i] {
            rows.push((key.clone(), value.as_str()));
        }
    }
    rows
}

const LABEL_W: usize = 2_835;

/// Roughly how many lines a value takes in the value column (about 90
/// characters a line at 9 pt).
fn estimated_lines(text: &str) -> usize {
    text.split('\n')
        .map(|l| l.chars().count().div_ceil(90).max(1))
        .sum()
}

fn initiative_table(
    body: &mut Body,
    ini: &Initiative,
    section: Option<&Section>,
    year_hint: &HashMap<String, String>,
) {
    let title = if ini.title.trim().is_empty() {
        "(uden titel)"
    } else {
        ini.title.as_str()
    };
    body.table(TEXT_W, &[LABEL_W, TEXT_W - LABEL_W]);
    body.row(true, true);
    body.cell(
        CellProps {
            width: TEXT_W,
            span: 2,
            shade: Some(SHADE_TITLE),
        },
        STYLE_TABLE_HEADER,
        Para {
            keep_next: true,
            right: false,
        },
        title,
    );
    body.end_row();
    let fields = field_rows(ini, section, year_hint);
    let n = fields.len();
    for (i, (label, value)) in fields.into_iter().enumerate() {
        let p = Para {
            keep_next: i == 0 && n > 1,
            right: false,
        };
        // A short row moves to the next page whole; a long one may break
        // (a row taller than a page must).
        body.row(
            estimated_lines(value) <= 12 && estimated_lines(&label) <= 12,
            false,
        );
        body.cell(cell(LABEL_W), STYLE_TABLE_TEXT, p, &label);
        body.cell(cell(TEXT_W - LABEL_W), STYLE_TABLE_TEXT, p, value);
        body.end_row();
    }
    body.end_table();
}

/// The economic overview as one table: a header row repeated on every
/// page, per group a heading (but the first's, which is the header), its
/// lines and its total, then the caption and the grand total.
fn economy_table(body: &mut Body, model: &Model, format: &Format) -> std::io::Result<()> {
    let ov = Overview::build(model, format);
    let t = EconomyTable::new(&ov, format);
    let groups: Vec<_> = ov.groups.iter().filter(|g| !g.lines.is_empty()).collect();
    body.table(TEXT_W, &t.grid());
    let first_name = groups
        .first()
        .map(|g| t.heading_of(&g.name))
        .unwrap_or_default();
    t.header_row(body, &first_name);
    for (gi, g) in groups.iter().enumerate() {
        if gi > 0 {
            t.group_heading_row(body, &t.heading_of(&g.name));
        }
        for line in &g.lines {
            t.line_row(body, line);
            body.flush_if_full()?;
        }
        t.group_total_row(body, g);
    }
    t.caption_row(body);
    t.grand_total_row(body, &ov);
    body.end_table();
    Ok(())
}

/// The economy table's layout and labels: a title column, then one amount
/// column per year and one for the total.
struct EconomyTable<'a> {
    format: &'a Format,
    years: &'a [Year],
    unit: danish::Unit,
    title_cell: CellProps<'static>,
    num_cell: CellProps<'static>,
}

const PLAIN: Para = Para {
    keep_next: false,
    right: false,
};
const RIGHT: Para = Para {
    keep_next: false,
    right: true,
};

fn shaded(c: CellProps<'static>) -> CellProps<'static> {
    CellProps {
        shade: Some(SHADE_GROUP),
        ..c
    }
}

impl<'a> EconomyTable<'a> {
    fn new(ov: &'a Overview, format: &'a Format) -> EconomyTable<'a> {
        let unit = danish::parse_unit(&format.document.display_unit)
            .or_else(|| danish::parse_unit(&format.default_unit))
            .unwrap_or(danish::Unit {
                name: "kr.",
                factor: rust_decimal::Decimal::ONE,
            });
        let ncols = ov.years.len() + 1;
        let amount_w = (TEXT_W * 6 / 10 / ncols).min(1_300);
        EconomyTable {
            format,
            years: &ov.years,
            unit,
            title_cell: cell(TEXT_W - amount_w * ncols),
            num_cell: cell(amount_w),
        }
    }

    fn ncols(&self) -> usize {
        self.years.len() + 1
    }

    fn grid(&self) -> Vec<usize> {
        std::iter::once(self.title_cell.width)
            .chain(std::iter::repeat_n(self.num_cell.width, self.ncols()))
            .collect()
    }

    fn amount(&self, d: &rust_decimal::Decimal) -> String {
        danish::format_amount(*d, &self.unit)
    }

    /// A group's name; an unnamed group is the budget's first title label.
    fn heading_of(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| {
            self.format
                .budget
                .title_labels
                .first()
                .cloned()
                .unwrap_or_default()
        })
    }

    /// First group's name | years | I alt; repeated on each page.
    fn header_row(&self, body: &mut Body, first_name: &str) {
        let (title, num) = (shaded(self.title_cell), shaded(self.num_cell));
        body.row(true, true);
        body.cell(title, STYLE_TABLE_HEADER, PLAIN, first_name);
        for y in self.years {
            body.cell(num, STYLE_TABLE_HEADER, RIGHT, y);
        }
        let total = &self.format.document.total_column_label;
        body.cell(num, STYLE_TABLE_HEADER, RIGHT, total);
        body.end_row();
    }

    fn group_heading_row(&self, body: &mut Body, name: &str) {
        body.row(true, false);
        body.cell(shaded(self.title_cell), STYLE_TABLE_BOLD, PLAIN, name);
        for _ in 0..self.ncols() {
            body.cell(shaded(self.num_cell), STYLE_TABLE_BOLD, RIGHT, "");
        }
        body.end_row();
    }

    fn line_row(&self, body: &mut Body, line: &OverviewLine) {
        body.row(true, false);
        body.cell(self.title_cell, STYLE_TABLE_TEXT, PLAIN, &line.title);
        for y in self.years {
            let t = line
                .amounts
                .get(y)
                .map(|d| self.amount(d))
                .unwrap_or_default();
            body.cell(self.num_cell, STYLE_TABLE_TEXT, RIGHT, &t);
        }
        let total = if line.amounts.is_empty() {
            String::new()
        } else {
            self.amount(&line.total)
        };
        body.cell(self.num_cell, STYLE_TABLE_TEXT, RIGHT, &total);
        body.end_row();
    }

    fn group_total_row(&self, body: &mut Body, g: &OverviewGroup) {
        body.row(true, false);
        let label = &self.format.document.total_column_label;
        body.cell(self.title_cell, STYLE_TABLE_BOLD, PLAIN, label);
        for y in self.years {
            // A year none of the group's lines has stays empty, as in the lines.
            let any = g.lines.iter().any(|l| l.amounts.contains_key(y));
            let t = if any {
                self.amount(&g.totals[y])
            } else {
                String::new()
            };
            body.cell(self.num_cell, STYLE_TABLE_BOLD, RIGHT, &t);
        }
        body.cell(
            self.num_cell,
            STYLE_TABLE_BOLD,
            RIGHT,
            &self.amount(&g.total),
        );
        body.end_row();
    }

    /// The caption above the grand total, alone in its row.
    fn caption_row(&self, body: &mut Body) {
        body.row(true, false);
        let caption = &self.format.document.total_caption;
        body.cell(self.title_cell, STYLE_TABLE_BOLD, PLAIN, caption);
        for _ in 0..self.ncols() {
            body.cell(self.num_cell, STYLE_TABLE_TEXT, RIGHT, "");
        }
        body.end_row();
    }

    fn grand_total_row(&self, body: &mut Body, ov: &Overview) {
        let (title, num) = (shaded(self.title_cell), shaded(self.num_cell));
        body.row(true, false);
        let label = &self.format.document.grand_total_label;
        body.cell(title, STYLE_TABLE_BOLD, PLAIN, label);
        for y in self.years {
            body.cell(num, STYLE_TABLE_BOLD, RIGHT, &self.amount(&ov.totals[y]));
        }
        body.cell(num, STYLE_TABLE_BOLD, RIGHT, &self.amount(&ov.grand_total));
        body.end_row();
    }
}

#[cfg(test)]
mod tests {
    use super::schema_order::order_problems;
    use super::*;

    fn spliced(document: &str, chunks: &[&str]) -> Result<String, String> {
        let mut out = Vec::new();
        splice_chunks(document.as_bytes(), chunks.len(), &mut out, |k, out| {
            out.write_all(chunks[k].as_bytes())
        })?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn placeholder_paragraphs_are_replaced_by_their_chunks_in_order() {
        let doc = |k: usize| String::from_utf8(docx_rs::BuildXML::build(&placeholder(k))).unwrap();
        let document = format!(
            "<w:body><w:p><w:r><w:t>før</w:t></w:r></w:p>{}<w:p/>{}</w:body>",
            doc(0),
            doc(1)
        );
        assert_eq!(
            spliced(&document, &["<w:tbl>A</w:tbl>", "<w:tbl>B</w:tbl>"]).unwrap(),
            "<w:body><w:p><w:r><w:t>før</w:t></w:r></w:p><w:tbl>A</w:tbl><w:p/><w:tbl>B</w:tbl></w:body>"
        );
    }

    #[test]
    fn a_missing_placeholder_is_an_error_not_a_silent_loss() {
        let err = spliced("<w:body/>", &["<w:tbl/>"]).unwrap_err();
        assert_eq!(err, "word/document.xml: pladsholder 0 mangler");
    }

    fn body_xml(f: impl FnOnce(&mut Body)) -> String {
        let mut out = Vec::new();
        let mut body = Body::new(&mut out);
        f(&mut body);
        body.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_schema_table_has_a_repeated_shaded_title_row_and_one_row_per_field() {
        let ini = Initiative {
            title: "Den korte snor".into(),
            section: 1,
            fields: [("Økonomi".to_string(), "1,653 mio.".to_string())]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let xml = body_xml(|b| initiative_table(b, &ini, None, &HashMap::new()));
        let doc = format!("<w:document xmlns:w=\"w\"><w:body>{xml}</w:body></w:document>");
        assert_eq!(order_problems(doc.as_bytes()), Vec::<String>::new());
        assert_eq!(xml.matches("<w:tr>").count(), 2);
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        assert!(xml.contains(
            "<w:gridSpan w:val=\"2\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"D9D9D9\"/>"
        ));
        assert!(xml.contains(">Den korte snor<"));
        assert!(xml.contains(">Økonomi<") && xml.contains(">1,653 mio.<"));
    }

    #[test]
    fn iso_dates_are_shown_danish() {
        assert_eq!(
            crate::normalize::danish::date_dk("2008-03-03"),
            "03-03-2008"
        );
        assert_eq!(
            crate::normalize::danish::date_dk("marts 2008"),
            "marts 2008"
        );
    }
}
