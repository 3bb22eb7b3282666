//! The committee appendix (`appendix.docx`): the model and the committee
//! format as a Word document in the seed's order — letter head, title,
//! intro and goals, one two-column table per status schema, and the
//! economic overview with computed totals.
//!
//! docx-rs builds the document; [`super::docx_post`] then fixes what
//! docx-rs cannot express or gets wrong (language tag, repeated table
//! header rows, core properties, schema element order, compression).
//!
//! ```no_run
//! use bilag::format::Format;
//! use bilag::model::Model;
//! let model = Model::default();
//! bilag::write::docx::write_appendix(&model, &Format::default_format(), "pack/appendix.docx".as_ref())?;
//! # Ok::<(), bilag::write::WriteError>(())
//! ```

use super::docx_post::{self, CoreProps};
use super::overview::Overview;
use super::{write_atomic, WriteError};
use crate::format::{Format, Section};
use crate::model::{Initiative, Metadata, Model};
use crate::normalize::danish;
use docx_rs::{
    AlignmentType, BreakType, BuildXML, Docx, Footer, LineSpacing, NumPages, PageMargin, PageNum,
    Paragraph, Run, RunFonts, Shading, ShdType, Style, StyleType, Tab, TabValueType, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::Path;

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
/// Cells of a table's header row carry this style; the post-processing step
/// marks their rows as header rows repeated on every page (w:tblHeader).
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
    let mut xml = docx.build();
    xml.document = splice_chunks(&xml.document, chunks).map_err(|e| WriteError::build(path, e))?;
    let props = CoreProps {
        title: texts.title.clone(),
        creator: "bilag".into(),
        language: "da-DK".into(),
        created: chrono::Utc::now(),
    };
    let processed = match package_parts(xml) {
        Ok(parts) => docx_post::postprocess_parts(parts, &props),
        Err(xml) => {
            let mut raw = std::io::Cursor::new(Vec::new());
            xml.pack(&mut raw).map_err(|e| WriteError::build(path, e))?;
            docx_post::postprocess(&raw.into_inner(), &props)
        }
    };
    processed.map_err(|e| WriteError::build(path, e))
}

/// The parts docx-rs would zip ([`docx_rs::XMLDocx::pack`]), by name and in
/// the same order, without zipping and unzipping them again. Hands the
/// package back when it holds parts this does not name (media, web
/// extensions, custom XML; the appendix has none), to be packed by docx-rs.
#[allow(clippy::result_large_err)]
fn package_parts(xml: docx_rs::XMLDocx) -> Result<Vec<(String, Vec<u8>)>, docx_rs::XMLDocx> {
    if !xml.media.is_empty() || xml.taskpanes.is_some() || !xml.custom_items.is_empty() {
        return Err(xml);
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

/// The texts of the document head: the format's, overridden by the first
/// submission that carries its own (Forside rows), committee filled in.
struct Texts {
    committee: String,
    title: String,
    intro: String,
    goals: Vec<String>,
    closing: String,
    meta: Metadata,
    /// The sending department/office.
    department: Option<String>,
}

impl Texts {
    fn collect(model: &Model, format: &Format) -> Texts {
        let subs = &model.submissions;
        let first = |f: &dyn Fn(&crate::model::Submission) -> Option<String>| {
            subs.iter()
                .find_map(|s| f(s).filter(|v| !v.trim().is_empty()))
        };
        let meta = Metadata {
            committee: first(&|s| s.metadata.committee.clone()),
            date: first(&|s| s.metadata.date.clone()),
            case_number: first(&|s| s.metadata.case_number.clone()),
            document_number: first(&|s| s.metadata.document_number.clone()),
            caseworker: first(&|s| s.metadata.caseworker.clone()),
            department: first(&|s| s.metadata.department.clone()),
            address: first(&|s| s.metadata.address.clone()),
            phone: first(&|s| s.metadata.phone.clone()),
            fax: first(&|s| s.metadata.fax.clone()),
            email: first(&|s| s.metadata.email.clone()),
            ean: first(&|s| s.metadata.ean.clone()),
        };
        let department = meta
            .department
            .clone()
            .or_else(|| first(&|s| s.department.clone()));
        let doc = &format.document;
        let goals = subs
            .iter()
            .map(|s| &s.document.goals)
            .find(|g| g.iter().any(|t| !t.trim().is_empty()))
            .cloned()
            .unwrap_or_else(|| doc.goals.clone());
        Texts {
            committee: meta
                .committee
                .as_deref()
                .map(strip_til)
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| format.committee.clone()),
            title: format
                .fill(&first(&|s| s.document.title.clone()).unwrap_or_else(|| doc.title.clone())),
            intro: format
                .fill(&first(&|s| s.document.intro.clone()).unwrap_or_else(|| doc.intro.clone())),
            goals: goals.iter().map(|g| format.fill(g)).collect(),
            closing: format.fill(
                &first(&|s| s.document.closing.clone()).unwrap_or_else(|| doc.closing.clone()),
            ),
            meta,
            department,
        }
    }
}

/// "Til Socialudvalget" (the whole cell) → "Socialudvalget".
fn strip_til(committee: &str) -> String {
    let c = committee.trim();
    match c.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("til ") => c[4..].trim().to_string(),
        _ => c.to_string(),
    }
}

/// Removes what may not stand in a WordprocessingML text: C0 control
/// characters other than tab and line feed (a carriage return becomes a
/// line feed) and the non-characters U+FFFE/U+FFFF. docx-rs passes them
/// through, and one such byte makes the whole part unreadable (LibreOffice
/// then opens an empty document).
pub fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    s.chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\t' | '\n' => Some(c),
            c if (c as u32) < 0x20 => None,
            '\u{FFFE}' | '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
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

fn styles(docx: Docx) -> Docx {
    let fonts = || {
        RunFonts::new()
            .ascii(FONT)
            .hi_ansi(FONT)
            .cs(FONT)
            .east_asia(FONT)
    };
    let mut normal = Style::new("Normal", StyleType::Paragraph)
        .name("Normal")
        .fonts(fonts())
        .size(SIZE_BODY)
        .line_spacing(LineSpacing::new().after(120).line(264));
    normal.paragraph_property = normal.paragraph_property.widow_control(true);
    let mut h1 = Style::new(STYLE_TITLE, StyleType::Paragraph)
        .name("heading 1")
        .based_on("Normal")
        .next("Normal")
        .bold()
        .size(28)
        .outline_lvl(0)
        .line_spacing(LineSpacing::new().before(240).after(240));
    h1.paragraph_property = h1.paragraph_property.keep_next(true).keep_lines(true);
    let mut h2 = Style::new(STYLE_SECTION, StyleType::Paragraph)
        .name("heading 2")
        .based_on("Normal")
        .next("Normal")
        .bold()
        .size(22)
        .outline_lvl(1)
        .line_spacing(LineSpacing::new().before(360).after(160));
    h2.paragraph_property = h2.paragraph_property.keep_next(true).keep_lines(true);
    let table_text = Style::new(STYLE_TABLE_TEXT, StyleType::Paragraph)
        .name("Tabeltekst")
        .based_on("Normal")
        .size(SIZE_TABLE)
        .line_spacing(LineSpacing::new().before(20).after(40).line(240));
    let mut table_header = Style::new(STYLE_TABLE_HEADER, StyleType::Paragraph)
        .name("Tabelhoved")
        .based_on(STYLE_TABLE_TEXT)
        .bold();
    table_header.paragraph_property = table_header.paragraph_property.keep_next(true);
    let table_bold = Style::new(STYLE_TABLE_BOLD, StyleType::Paragraph)
        .name("Tabelfed")
        .based_on(STYLE_TABLE_TEXT)
        .bold();
    let letterhead = Style::new(STYLE_LETTERHEAD, StyleType::Paragraph)
        .name("Brevhoved")
        .based_on("Normal")
        .size(SIZE_LETTERHEAD)
        .line_spacing(LineSpacing::new().after(0).line(240));
    let footer = Style::new("Footer", StyleType::Paragraph)
        .name("footer")
        .based_on("Normal")
        .size(SIZE_LETTERHEAD)
        .align(AlignmentType::Right);
    docx.default_fonts(fonts())
        .default_size(SIZE_BODY)
        .add_style(normal)
        .add_style(h1)
        .add_style(h2)
        .add_style(table_text)
        .add_style(table_header)
        .add_style(table_bold)
        .add_style(letterhead)
        .add_style(footer)
}

fn build(model: &Model, format: &Format, texts: &Texts) -> (Docx, Vec<Vec<u8>>) {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .style("Footer")
            .add_run(Run::new().add_text("Side "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" af "))
            .add_num_pages(NumPages::new()),
    );
    let mut docx = styles(Docx::new())
        .page_size(PAGE_W, PAGE_H)
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
        .footer(footer);

    docx = docx.add_table(letterhead(texts));

    // Title, intro, goals, closing.
    docx = docx.add_paragraph(para(STYLE_TITLE, &texts.title));
    for p in paragraphs("Normal", &texts.intro) {
        docx = docx.add_paragraph(p);
    }
    for (i, goal) in texts.goals.iter().enumerate() {
        let p = Paragraph::new()
            .style("Normal")
            .indent(
                Some(567),
                Some(docx_rs::SpecialIndentType::Hanging(567)),
                None,
                None,
            )
            .add_tab(Tab::new().val(TabValueType::Left).pos(567))
            .add_run(text_run(&format!("{})\t{}", i + 1, goal)));
        docx = docx.add_paragraph(p);
    }
    for p in paragraphs("Normal", &texts.closing) {
        docx = docx.add_paragraph(p);
    }

    // The status schemas, by section, then submission, then workbook order.
    let year_hint = common_goal_year(model, format);
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
    for (number, section) in sections {
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
        }
        if !initiatives.is_empty() {
            let mut chunk = Vec::new();
            for ini in initiatives {
                chunk.extend(initiative_table(ini, section, &year_hint).build());
                chunk.extend(Paragraph::new().style("Normal").build());
            }
            docx = docx.add_paragraph(placeholder(chunks.len()));
            chunks.push(chunk);
        }
    }

    // The economic overview, computed from the model.
    docx = docx.add_paragraph(para(
        STYLE_SECTION,
        &format.fill(&format.document.economy_heading),
    ));
    let has_lines = model.submissions.iter().any(|s| !s.budget_lines.is_empty());
    if has_lines {
        chunks.push(economy_table(model, format).build());
        docx = docx.add_paragraph(placeholder(chunks.len() - 1));
    } else {
        docx = docx.add_paragraph(para("Normal", "Ingen budgetlinjer er indberettet."));
    }
    (docx, chunks)
}

/// The text of the paragraph that stands in for chunk `k` of the body. U+FFFF
/// cannot occur in the document's own text ([`clean_text`] drops it).
fn placeholder_text(k: usize) -> String {
    format!("\u{FFFF}bilag-chunk-{k}\u{FFFF}")
}

fn placeholder(k: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(placeholder_text(k)))
}

/// Replaces each placeholder paragraph of `document` (document.xml) by its
/// chunk: the status schemas and the economy table are serialised one by
/// one as they are made, so the docx-rs object tree of the whole appendix
/// (about ten times the XML) never exists at once.
fn splice_chunks(document: &[u8], chunks: Vec<Vec<u8>>) -> Result<Vec<u8>, String> {
    let total: usize = chunks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(document.len() + total);
    let mut rest = document;
    for (k, chunk) in chunks.into_iter().enumerate() {
        let marker = placeholder_text(k);
        let missing = || format!("word/document.xml: pladsholder {k} mangler");
        let at = find(rest, marker.as_bytes()).ok_or_else(missing)?;
        let start = rfind(&rest[..at], b"<w:p ")
            .or_else(|| rfind(&rest[..at], b"<w:p>"))
            .ok_or_else(missing)?;
        let end = at + find(&rest[at..], b"</w:p>").ok_or_else(missing)? + b"</w:p>".len();
        out.extend_from_slice(&rest[..start]);
        out.extend_from_slice(&chunk);
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    Ok(out)
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
    let m = &texts.meta;
    let date = m
        .date
        .as_deref()
        .map(danish_date)
        .unwrap_or_else(|| chrono::Local::now().format("%d-%m-%Y").to_string());
    let labelled = |label: &str, value: &str| -> Vec<Paragraph> {
        // A multi-line value continues under the first line, after the tab.
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
    };

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

    // The sender block, as the seed has it beside the text.
    let mut right = TableCell::new()
        .width(SENDER_W, WidthType::Dxa)
        .clear_all_border();
    let mut any = false;
    if let Some(d) = &texts.department {
        for line in clean_text(d).split('\n') {
            right = right.add_paragraph(
                Paragraph::new()
                    .style(STYLE_LETTERHEAD)
                    .add_run(text_run(line).bold()),
            );
        }
        any = true;
    }
    if let Some(a) = &m.address {
        for p in paragraphs(STYLE_LETTERHEAD, a) {
            right = right.add_paragraph(p);
        }
        any = true;
    }
    let mut first_label = true;
    for (l, v) in [
        ("Telefon", &m.phone),
        ("Telefax", &m.fax),
        ("E-mail", &m.email),
        ("EAN nummer", &m.ean),
    ] {
        if let Some(v) = v {
            for mut p in labelled(l, v) {
                if first_label && any {
                    p = p.line_spacing(LineSpacing::new().before(120).after(0).line(240));
                }
                first_label = false;
                right = right.add_paragraph(p);
            }
            any = true;
        }
    }
    if !any {
        right = right.add_paragraph(Paragraph::new().style(STYLE_LETTERHEAD));
    }
    Table::without_borders(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![TEXT_W - SENDER_W, SENDER_W])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
        .margins(docx_rs::TableCellMargins::new().margin(0, 0, 0, 0))
}

/// "2008-03-03" → "03-03-2008"; anything else as written.
fn danish_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d") {
        Ok(d) => d.format("%d-%m-%Y").to_string(),
        Err(_) => iso.to_string(),
    }
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

fn cell(width: usize) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa)
}

fn initiative_table(
    ini: &Initiative,
    section: Option<&Section>,
    year_hint: &HashMap<String, String>,
) -> Table {
    let title = if ini.title.trim().is_empty() {
        "(uden titel)"
    } else {
        ini.title.as_str()
    };
    let mut title_cell = cell(TEXT_W)
        .grid_span(2)
        .shading(Shading::new().shd_type(ShdType::Clear).fill(SHADE_TITLE));
    for p in paragraphs(STYLE_TABLE_HEADER, title) {
        title_cell = title_cell.add_paragraph(p.keep_next(true));
    }
    let mut rows = vec![TableRow::new(vec![title_cell]).cant_split()];
    let fields = field_rows(ini, section, year_hint);
    let n = fields.len();
    for (i, (label, value)) in fields.into_iter().enumerate() {
        let keep = i == 0 && n > 1;
        let mut l = cell(LABEL_W);
        for p in paragraphs(STYLE_TABLE_TEXT, &label) {
            l = l.add_paragraph(p.keep_next(keep));
        }
        let mut v = cell(TEXT_W - LABEL_W);
        for p in paragraphs(STYLE_TABLE_TEXT, value) {
            v = v.add_paragraph(p.keep_next(keep));
        }
        let row = TableRow::new(vec![l, v]);
        // A short row moves to the next page whole; a long one may break
        // (a row taller than a page must).
        rows.push(
            if estimated_lines(value) <= 12 && estimated_lines(&label) <= 12 {
                row.cant_split()
            } else {
                row
            },
        );
    }
    Table::new(rows)
        .set_grid(vec![LABEL_W, TEXT_W - LABEL_W])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
}

fn economy_table(model: &Model, format: &Format) -> Table {
    let ov = Overview::build(model, format);
    let unit = danish::parse_unit(&format.document.display_unit)
        .or_else(|| danish::parse_unit(&format.default_unit))
        .unwrap_or(danish::Unit {
            name: "kr.",
            factor: rust_decimal::Decimal::ONE,
        });
    let amount = |d: &rust_decimal::Decimal| danish::format_amount(*d, &unit);
    let ncols = ov.years.len() + 1;
    let amount_w = (TEXT_W * 6 / 10 / ncols).min(1_300);
    let title_w = TEXT_W - amount_w * ncols;
    let grid: Vec<usize> = std::iter::once(title_w)
        .chain(std::iter::repeat_n(amount_w, ncols))
        .collect();

    let groups: Vec<_> = ov.groups.iter().filter(|g| !g.lines.is_empty()).collect();
    let heading_of = |name: &Option<String>| {
        name.clone().unwrap_or_else(|| {
            format
                .budget
                .title_labels
                .first()
                .cloned()
                .unwrap_or_default()
        })
    };
    let text_cell = |w: usize, style: &str, t: &str| {
        let mut c = cell(w);
        for p in paragraphs(style, t) {
            c = c.add_paragraph(p);
        }
        c
    };
    let num_cell = |style: &str, t: &str| {
        cell(amount_w).add_paragraph(para(style, t).align(AlignmentType::Right))
    };
    let shaded =
        |c: TableCell| c.shading(Shading::new().shd_type(ShdType::Clear).fill(SHADE_GROUP));

    // Header row: first group's name | years | I alt; repeated on each page.
    let first_name = groups
        .first()
        .map(|g| heading_of(&g.name))
        .unwrap_or_default();
    let mut header = vec![shaded(text_cell(title_w, STYLE_TABLE_HEADER, &first_name))];
    for y in &ov.years {
        header.push(shaded(num_cell(STYLE_TABLE_HEADER, y)));
    }
    header.push(shaded(num_cell(
        STYLE_TABLE_HEADER,
        &format.document.total_column_label,
    )));
    let mut rows = vec![TableRow::new(header).cant_split()];

    for (gi, g) in groups.iter().enumerate() {
        if gi > 0 {
            let mut r = vec![shaded(text_cell(
                title_w,
                STYLE_TABLE_BOLD,
                &heading_of(&g.name),
            ))];
            for _ in 0..ncols {
                r.push(shaded(num_cell(STYLE_TABLE_BOLD, "")));
            }
            rows.push(TableRow::new(r).cant_split());
        }
        for line in &g.lines {
            let mut r = vec![text_cell(title_w, STYLE_TABLE_TEXT, &line.title)];
            for y in &ov.years {
                let t = line.amounts.get(y).map(amount).unwrap_or_default();
                r.push(num_cell(STYLE_TABLE_TEXT, &t));
            }
            let total = if line.amounts.is_empty() {
                String::new()
            } else {
                amount(&line.total)
            };
            r.push(num_cell(STYLE_TABLE_TEXT, &total));
            rows.push(TableRow::new(r).cant_split());
        }
        let mut r = vec![text_cell(
            title_w,
            STYLE_TABLE_BOLD,
            &format.document.total_column_label,
        )];
        for y in &ov.years {
            // A year none of the group's lines has stays empty, as in the lines.
            let any = g.lines.iter().any(|l| l.amounts.contains_key(y));
            let t = if any {
                amount(&g.totals[y])
            } else {
                String::new()
            };
            r.push(num_cell(STYLE_TABLE_BOLD, &t));
        }
        r.push(num_cell(STYLE_TABLE_BOLD, &amount(&g.total)));
        rows.push(TableRow::new(r).cant_split());
    }

    // Caption row, then the grand total.
    let mut r = vec![text_cell(
        title_w,
        STYLE_TABLE_BOLD,
        &format.document.total_caption,
    )];
    for _ in 0..ncols {
        r.push(num_cell(STYLE_TABLE_TEXT, ""));
    }
    rows.push(TableRow::new(r).cant_split());
    let mut r = vec![shaded(text_cell(
        title_w,
        STYLE_TABLE_BOLD,
        &format.document.grand_total_label,
    ))];
    for y in &ov.years {
        r.push(shaded(num_cell(STYLE_TABLE_BOLD, &amount(&ov.totals[y]))));
    }
    r.push(shaded(num_cell(STYLE_TABLE_BOLD, &amount(&ov.grand_total))));
    rows.push(TableRow::new(r).cant_split());

    Table::new(rows)
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_paragraphs_are_replaced_by_their_chunks_in_order() {
        let doc = |k: usize| String::from_utf8(placeholder(k).build()).unwrap();
        let document = format!(
            "<w:body><w:p><w:r><w:t>før</w:t></w:r></w:p>{}<w:p/>{}</w:body>",
            doc(0),
            doc(1)
        );
        let out = splice_chunks(
            document.as_bytes(),
            vec![b"<w:tbl>A</w:tbl>".to_vec(), b"<w:tbl>B</w:tbl>".to_vec()],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<w:body><w:p><w:r><w:t>før</w:t></w:r></w:p><w:tbl>A</w:tbl><w:p/><w:tbl>B</w:tbl></w:body>"
        );
    }

    #[test]
    fn a_missing_placeholder_is_an_error_not_a_silent_loss() {
        let err = splice_chunks(b"<w:body/>", vec![b"<w:tbl/>".to_vec()]).unwrap_err();
        assert_eq!(err, "word/document.xml: pladsholder 0 mangler");
    }

    #[test]
    fn control_characters_are_stripped_tabs_and_breaks_kept() {
        assert_eq!(clean_text("a\u{0}b\u{7}c\u{1b}d"), "abcd");
        assert_eq!(clean_text("a\r\nb\rc\td"), "a\nb\nc\td");
        assert_eq!(clean_text("x\u{FFFE}y\u{FFFF}z"), "xyz");
        assert_eq!(clean_text("=SUM(A1)"), "=SUM(A1)");
    }

    #[test]
    fn a_committee_written_with_til_is_not_addressed_twice() {
        assert_eq!(strip_til("Til Socialudvalget"), "Socialudvalget");
        assert_eq!(strip_til(" til  Socialudvalget "), "Socialudvalget");
        assert_eq!(strip_til("Tilsynsudvalget"), "Tilsynsudvalget");
        assert_eq!(strip_til("Til"), "Til");
    }

    #[test]
    fn iso_dates_are_shown_danish() {
        assert_eq!(danish_date("2008-03-03"), "03-03-2008");
        assert_eq!(danish_date("marts 2008"), "marts 2008");
    }
}
