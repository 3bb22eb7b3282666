//! The submission template (`bilag template`): a workbook a department fills
//! in, laid out by the committee format so that bilag reads it back without
//! loss (contract §1):
//!
//! - "Forside": label | value rows, one per metadata key (the first label the
//!   format gives it: Udvalg, Forvaltning, Dato, Sagsnr. …), then the
//!   optional appendix texts (Titel, Indledning, Mål 1…, Afsluttende tekst);
//! - "Statusskema 1", "Statusskema 2" …: the section's heading row, then
//!   ready blocks — a title row alone in its row, then one label | value row
//!   per field of the section;
//! - "Økonomi": the caption "Beløb i <unit>", the header row (Nr., Indsats,
//!   the format's years, I alt), each budget group's heading with numbered
//!   empty line rows under it, and the total row "I alt". The "I alt" column
//!   and row are formulas that stay blank until amounts are typed.
//!
//! Label cells are locked and input cells unlocked; every sheet is protected
//! without a password (Gennemse › Ophæv arkbeskyttelse). Dates and amounts
//! have data validation, input cells short Danish hints. The line numbers in
//! the Økonomi sheet keep the table in one piece when rows are left empty.
//!
//! [`filled_template_bytes`] writes the same layout with a submission's
//! values typed in: for tests, and to show a department an example.

use crate::format::{Format, MetaKey};
use crate::model::{Initiative, Metadata, Submission};
use crate::write::xlsx::{
    base_format, cut_to_cell, in_unit, print_setup, to_f64, unit_factor, wrapped_lines, FILL_GROUP,
    FILL_HEADER,
};
use crate::write::xml::a1;
use crate::write::{write_atomic, WriteError};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format as XFormat, FormatAlign, FormatBorder, Formula, Note, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};
use std::path::Path;

/// Ready blocks on the section 1 sheet, and on the others.
pub const BLOCKS_SECTION_1: usize = 5;
pub const BLOCKS_OTHER_SECTIONS: usize = 3;
/// Empty line rows under each budget group heading.
pub const LINES_PER_GROUP: usize = 8;
/// Name of the metadata sheet.
pub const FORSIDE_SHEET: &str = "Forside";
/// Name of the budget sheet.
pub const BUDGET_SHEET: &str = "Økonomi";

/// The blank template.
///
/// # Errors
/// [`WriteError::Build`] if the workbook cannot be assembled.
///
/// ```
/// let format = bilag::format::Format::default_format();
/// let bytes = bilag::write::template::template_bytes(&format).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn template_bytes(format: &Format) -> Result<Vec<u8>, WriteError> {
    build(format, None).map_err(|e| WriteError::build(Path::new("skabelon.xlsx"), e))
}

/// The template with a submission's metadata, appendix texts, initiatives and
/// budget lines filled in, as a department would type them.
///
/// # Errors
/// [`WriteError::Build`] if the workbook cannot be assembled.
pub fn filled_template_bytes(format: &Format, sub: &Submission) -> Result<Vec<u8>, WriteError> {
    build(format, Some(sub)).map_err(|e| WriteError::build(Path::new("skabelon.xlsx"), e))
}

/// Writes the blank template to `path` atomically.
///
/// # Errors
/// [`WriteError`] naming the path.
pub fn write_template(format: &Format, path: &Path) -> Result<(), WriteError> {
    let bytes = build(format, None).map_err(|e| WriteError::build(path, e))?;
    write_atomic(path, &bytes)
}

/// The sheet name for a section's status schemas: "Statusskema 1". Uses the
/// section's marker of that form when the format has one.
pub fn section_sheet_name(format: &Format, number: u8) -> String {
    let wanted = format!("Statusskema {number}");
    format
        .section(number)
        .and_then(|s| {
            s.markers
                .iter()
                .find(|m| m.eq_ignore_ascii_case(&wanted))
                .cloned()
        })
        .unwrap_or(wanted)
}

/// The year a "Mål i {year}" field asks about: the year after the format's
/// first budget year (the seed: 2009).
fn goal_year(format: &Format) -> i32 {
    format.years.first().map_or_else(
        || chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1,
        |y| y + 1,
    )
}

struct Styles {
    title: XFormat,
    hint: XFormat,
    heading: XFormat,
    label: XFormat,
    input: XFormat,
    input_title: XFormat,
    input_date: XFormat,
    input_amount: XFormat,
    header: XFormat,
    header_num: XFormat,
    group: XFormat,
    number: XFormat,
    total_label: XFormat,
    formula: XFormat,
    total_formula: XFormat,
    unlocked: XFormat,
}

const FILL_LABEL: u32 = 0xF2F2F2;
const FILL_TITLE: u32 = 0xFFF2CC;
const BORDER: u32 = 0xBFBFBF;

impl Styles {
    fn new(decimals: u32) -> Styles {
        let base = base_format().set_align(FormatAlign::Top);
        let boxed = |f: XFormat| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER))
        };
        let num = crate::write::xlsx::amount_num_format(decimals.max(3));
        Styles {
            title: base.clone().set_bold().set_font_size(14),
            hint: base.clone().set_italic().set_text_wrap(),
            heading: base.clone().set_bold().set_text_wrap(),
            label: boxed(
                base.clone()
                    .set_bold()
                    .set_text_wrap()
                    .set_background_color(Color::RGB(FILL_LABEL)),
            ),
            input: boxed(
                base.clone()
                    .set_text_wrap()
                    .set_num_format("@")
                    .set_unlocked(),
            ),
            input_title: boxed(
                base.clone()
                    .set_bold()
                    .set_text_wrap()
                    .set_num_format("@")
                    .set_background_color(Color::RGB(FILL_TITLE))
                    .set_unlocked(),
            ),
            input_date: boxed(
                base.clone()
                    .set_num_format("dd-mm-yyyy")
                    .set_align(FormatAlign::Left)
                    .set_unlocked(),
            ),
            input_amount: boxed(base.clone().set_num_format(&num).set_unlocked()),
            header: boxed(
                base.clone()
                    .set_bold()
                    .set_text_wrap()
                    .set_background_color(Color::RGB(FILL_HEADER)),
            ),
            header_num: boxed(
                base.clone()
                    .set_bold()
                    .set_align(FormatAlign::Right)
                    .set_background_color(Color::RGB(FILL_HEADER)),
            ),
            group: boxed(
                base.clone()
                    .set_bold()
                    .set_text_wrap()
                    .set_background_color(Color::RGB(FILL_GROUP)),
            ),
            number: boxed(
                base.clone()
                    .set_font_color(Color::RGB(0x808080))
                    .set_align(FormatAlign::Center),
            ),
            total_label: boxed(
                base.clone()
                    .set_bold()
                    .set_background_color(Color::RGB(FILL_HEADER)),
            ),
            formula: boxed(base.clone().set_num_format(&num)),
            total_formula: boxed(
                base.clone()
                    .set_bold()
                    .set_num_format(&num)
                    .set_background_color(Color::RGB(FILL_HEADER)),
            ),
            unlocked: XFormat::new().set_unlocked(),
        }
    }
}

fn protect(ws: &mut Worksheet) {
    ws.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
}

/// A short input hint (Excel shows it when the cell is selected). Titles
/// are cut to Excel's 32 characters and messages to 255.
fn hint(title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    let t: String = title.chars().take(32).collect();
    let m: String = message.chars().take(255).collect();
    DataValidation::new()
        .allow_any_value()
        .set_input_title(t)?
        .set_input_message(m)
}

/// Writes a typed-in text; text over a cell's limit is cut (a template is
/// written from bilag's own model, so there is nobody to report it to).
fn put_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    f: &XFormat,
) -> Result<(), XlsxError> {
    let (cut, _) = cut_to_cell(text);
    super::xlsx::write_text(ws, row, col, cut.as_ref(), f)
}

/// Row height for typed-in text in a wrapped column `width` wide (only set
/// for a filled template; Excel grows rows itself while typing).
fn fit_row(ws: &mut Worksheet, row: u32, text: &str, width: f64) -> Result<(), XlsxError> {
    let lines = wrapped_lines(text, width, false);
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64 + 2.0)?;
    }
    Ok(())
}

fn build(format: &Format, fill: Option<&Submission>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let (factor, unit_name) = unit_factor(&format.default_unit);
    let mut decimals = 1;
    if let Some(sub) = fill {
        for l in &sub.budget_lines {
            for a in l.amounts.values() {
                decimals = decimals.max(in_unit(*a, factor).scale());
            }
        }
    }
    let st = Styles::new(decimals);

    let mut ws = Worksheet::new();
    write_forside(&mut ws, format, fill, &st)?;
    wb.push_worksheet(ws);

    for section in &format.sections {
        let mut ws = Worksheet::new();
        write_section(&mut ws, format, section.number, fill, &st)?;
        wb.push_worksheet(ws);
    }

    let mut ws = Worksheet::new();
    write_budget(&mut ws, format, fill, &st, factor, &unit_name)?;
    wb.push_worksheet(ws);

    let props = DocProperties::new()
        .set_title(format!(
            "Indberetning til {}: {}",
            format.committee, format.name
        ))
        .set_subject(format.title())
        .set_author("bilag")
        .set_company(format.committee.clone())
        .set_comment(
            "Skabelon lavet af bilag. Udfyld de hvide og gule felter; grå felter er låste.",
        )
        .set_custom_property("Udvalgsformat", format.id.as_str());
    wb.set_properties(&props);
    wb.save_to_buffer()
}

// --- Forside -------------------------------------------------------------------

fn meta_value(m: &Metadata, key: MetaKey) -> Option<&str> {
    match key {
        MetaKey::Committee => m.committee.as_deref(),
        MetaKey::Department => m.department.as_deref(),
        MetaKey::Date => m.date.as_deref(),
        MetaKey::CaseNumber => m.case_number.as_deref(),
        MetaKey::DocumentNumber => m.document_number.as_deref(),
        MetaKey::Caseworker => m.caseworker.as_deref(),
        MetaKey::Address => m.address.as_deref(),
        MetaKey::Phone => m.phone.as_deref(),
        MetaKey::Fax => m.fax.as_deref(),
        MetaKey::Email => m.email.as_deref(),
        MetaKey::Ean => m.ean.as_deref(),
    }
}

fn meta_hint(key: MetaKey, committee: &str) -> String {
    match key {
        MetaKey::Committee => format!("Udvalget, der får bilaget, fx {committee}."),
        MetaKey::Department => "Forvaltning eller kontor, der indberetter.".to_string(),
        MetaKey::Date => "Datoen som dd-mm-åååå, fx 03-03-2008.".to_string(),
        MetaKey::CaseNumber => "Sagsnummer, fx 2008-20510.".to_string(),
        MetaKey::DocumentNumber => "Dokumentnummer, fx 2008-124406.".to_string(),
        MetaKey::Caseworker => "Navn på sagsbehandler eller kontaktperson.".to_string(),
        MetaKey::Address => "Adresse; ny linje med Alt+Enter.".to_string(),
        MetaKey::Phone | MetaKey::Fax => "Nummeret som tekst, fx 3317 3214.".to_string(),
        MetaKey::Email => "E-mailadresse.".to_string(),
        MetaKey::Ean => "EAN-nummer (13 cifre).".to_string(),
    }
}

fn write_forside(
    ws: &mut Worksheet,
    format: &Format,
    fill: Option<&Submission>,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(FORSIDE_SHEET)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 80)?;
    put_text(
        ws,
        0,
        0,
        &format!("Indberetning: {}", format.name),
        &st.title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        1,
        "Udfyld de hvide felter. Grå felter er låste; arket er beskyttet uden adgangskode.",
        &st.hint,
    )?;

    let mut row = 3;
    for key in MetaKey::ALL {
        let Some(label) = format.metadata.labels(key).first() else {
            continue;
        };
        super::xlsx::write_text(ws, row, 0, label, &st.label)?;
        let value = fill.and_then(|s| meta_value(&s.metadata, key));
        if key == MetaKey::Date {
            let date = value.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match date {
                Some(d) => {
                    let x = ExcelDateTime::from_ymd(
                        chrono::Datelike::year(&d) as u16,
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )?;
                    ws.write_datetime_with_format(row, 1, &x, &st.input_date)?;
                }
                None => {
                    ws.write_blank(row, 1, &st.input_date)?;
                }
            }
            let dv = DataValidation::new()
                .allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(2000, 1, 1)?,
                    ExcelDateTime::from_ymd(2099, 12, 31)?,
                ))
                .set_input_title("Dato")?
                .set_input_message(meta_hint(key, &format.committee))?
                .set_error_title("Ikke en dato")?
                .set_error_message("Skriv datoen som dd-mm-åååå, fx 03-03-2008.")?
                .set_error_style(DataValidationErrorStyle::Stop);
            ws.add_data_validation(row, 1, row, 1, &dv)?;
        } else {
            match value {
                Some(v) => {
                    put_text(ws, row, 1, v, &st.input)?;
                    if fill.is_some() {
                        fit_row(ws, row, v, 80.0)?;
                    }
                }
                None => {
                    ws.write_blank(row, 1, &st.input)?;
                }
            }
            ws.add_data_validation(
                row,
                1,
                row,
                1,
                &hint(label, &meta_hint(key, &format.committee))?,
            )?;
        }
        row += 1;
    }

    row += 1;
    ws.merge_range(
        row,
        0,
        row,
        1,
        "Tekster til bilaget (valgfrit; tomme felter giver udvalgsformatets tekster)",
        &st.heading,
    )?;
    row += 1;
    let doc = fill.map(|s| &s.document);
    let mut doc_rows: Vec<(String, Option<String>, &str)> = Vec::new();
    if let Some(l) = format.document_labels.title.first() {
        doc_rows.push((
            l.clone(),
            doc.and_then(|d| d.title.clone()),
            "Bilagets titel, hvis den skal afvige fra udvalgsformatets.",
        ));
    }
    if let Some(l) = format.document_labels.intro.first() {
        doc_rows.push((
            l.clone(),
            doc.and_then(|d| d.intro.clone()),
            "Indledende tekst til bilaget.",
        ));
    }
    if let Some(pattern) = format.document_labels.goal.first() {
        let n = format
            .document
            .goals
            .len()
            .max(doc.map_or(0, |d| d.goals.len()))
            .max(1);
        for i in 0..n {
            doc_rows.push((
                pattern.replace("{n}", &(i + 1).to_string()),
                doc.and_then(|d| d.goals.get(i).cloned())
                    .filter(|g| !g.is_empty()),
                "Et af målene, som bilaget redegør for.",
            ));
        }
    }
    if let Some(l) = format.document_labels.closing.first() {
        doc_rows.push((
            l.clone(),
            doc.and_then(|d| d.closing.clone()),
            "Teksten efter målene.",
        ));
    }
    for (label, value, h) in doc_rows {
        super::xlsx::write_text(ws, row, 0, &label, &st.label)?;
        match value {
            Some(v) => {
                put_text(ws, row, 1, &v, &st.input)?;
                fit_row(ws, row, &v, 80.0)?;
            }
            None => {
                ws.write_blank(row, 1, &st.input)?;
            }
        }
        ws.add_data_validation(row, 1, row, 1, &hint(&label, h)?)?;
        row += 1;
    }
    protect(ws);
    print_setup(ws, false);
    Ok(())
}

// --- Statusskemaer --------------------------------------------------------------

/// The field labels of one block: the section's fields in the format's
/// order ("Mål i {year}" with the initiative's year, else the template's),
/// then fields the initiative has that the format does not name.
fn block_labels(
    format: &Format,
    number: u8,
    init: Option<&Initiative>,
) -> Vec<(String, Option<String>)> {
    let Some(section) = format.section(number) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    for field in &section.fields {
        let typed: Vec<(&String, &String)> = init
            .map(|i| {
                i.fields
                    .iter()
                    .filter(|(k, _)| field.matches(k).as_deref() == Some(k.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        if typed.is_empty() {
            let label = field
                .label
                .replace("{year}", &goal_year(format).to_string());
            out.push((label, None));
        } else {
            for (k, v) in typed {
                used.push(k);
                out.push((k.clone(), Some(v.clone())));
            }
        }
    }
    if let Some(i) = init {
        for (k, v) in &i.fields {
            if !used.contains(&k.as_str()) {
                out.push((k.clone(), Some(v.clone())));
            }
        }
    }
    out
}

fn write_section(
    ws: &mut Worksheet,
    format: &Format,
    number: u8,
    fill: Option<&Submission>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let Some(section) = format.section(number) else {
        return Ok(());
    };
    ws.set_name(section_sheet_name(format, number))?;
    // The label column fits the longest label, so labels never wrap and
    // Excel can grow the value rows while a department types.
    let longest = section
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(20);
    let label_width = (longest.clamp(24, 64) + 3) as f64;
    let value_width = 80.0;
    ws.set_column_width(0, label_width)?;
    ws.set_column_width(1, value_width)?;

    // The heading row, alone: it names the section.
    ws.merge_range(0, 0, 0, 1, "", &st.heading)?;
    put_text(ws, 0, 0, &section.heading, &st.heading)?;
    ws.set_row_height(0, 32)?;
    let add_more = "Flere indsatser: ophæv arkbeskyttelsen (Gennemse › Ophæv arkbeskyttelse; \
                    der er ingen adgangskode), kopiér en hel blok – titelrækken og felterne – \
                    og indsæt den under den sidste blok med en tom række imellem.";
    ws.insert_note(
        0,
        0,
        &Note::new(add_more)
            .set_author("bilag")
            .add_author_prefix(false)
            .set_width(360)
            .set_height(110),
    )?;

    let inits: Vec<&Initiative> = fill
        .map(|s| {
            s.initiatives
                .iter()
                .filter(|i| i.section == number)
                .collect()
        })
        .unwrap_or_default();
    let ready = if number == 1 {
        BLOCKS_SECTION_1
    } else {
        BLOCKS_OTHER_SECTIONS
    };
    let blocks = ready.max(inits.len());
    let title_hint = hint(
        "Indsatsens navn",
        &format!(
            "Skriv indsatsens navn her, alene i rækken. Udfyld felterne nedenfor. {}",
            "Flere indsatser: kopiér en blok (se noten i række 1)."
        ),
    )?;
    let value_hint = hint(
        "Udfyld feltet",
        "Skriv teksten; ny linje med Alt+Enter. Beløb skrives med enhed, fx 6,0 mio. kr. pr. år.",
    )?;

    let mut row = 2;
    for b in 0..blocks {
        let init = inits.get(b).copied();
        // The title row: one merged input cell, alone in its row.
        ws.merge_range(row, 0, row, 1, "", &st.input_title)?;
        if let Some(i) = init {
            put_text(ws, row, 0, &i.title, &st.input_title)?;
            fit_row(ws, row, &i.title, label_width + value_width)?;
        }
        ws.add_data_validation(row, 0, row, 0, &title_hint)?;
        row += 1;
        let first_value_row = row;
        for (label, value) in block_labels(format, number, init) {
            super::xlsx::write_text(ws, row, 0, &label, &st.label)?;
            match value {
                Some(v) => {
                    put_text(ws, row, 1, &v, &st.input)?;
                    fit_row(ws, row, &v, value_width)?;
                }
                None => {
                    ws.write_blank(row, 1, &st.input)?;
                }
            }
            row += 1;
        }
        if row > first_value_row {
            ws.add_data_validation(first_value_row, 1, row - 1, 1, &value_hint)?;
        }
        row += 1; // an empty row between blocks
    }
    // Room below the blocks for copied blocks: unlocked rows.
    for r in row..row + 200 {
        ws.set_row_format(r, &st.unlocked)?;
    }
    protect(ws);
    print_setup(ws, true);
    // The title hint is a data-validation message: on screen only. On paper
    // the yellow rows would be blank bars, so the page header says what
    // they are for (in the header, not a cell: bilag reads every cell).
    ws.set_header(
        "&L&9&\"-,Italic\"Skriv hver indsats' navn i den gule række og udfyld felterne under den. Tomme skemaer springes over.",
    );
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

// --- Økonomi ----------------------------------------------------------------------

/// Lines to pre-fill under one heading.
struct GroupRows<'s> {
    heading: Option<String>,
    lines: Vec<&'s crate::model::BudgetLine>,
}

fn budget_groups<'s>(format: &Format, fill: Option<&'s Submission>) -> Vec<GroupRows<'s>> {
    let mut groups: Vec<GroupRows<'s>> = Vec::new();
    let lines: Vec<&crate::model::BudgetLine> = fill
        .map(|s| s.budget_lines.iter().collect())
        .unwrap_or_default();
    let ungrouped: Vec<_> = lines
        .iter()
        .copied()
        .filter(|l| l.format_group.is_none() && l.group.is_none())
        .collect();
    if !ungrouped.is_empty() {
        groups.push(GroupRows {
            heading: None,
            lines: ungrouped,
        });
    }
    for g in &format.budget.groups {
        groups.push(GroupRows {
            heading: Some(g.name.clone()),
            lines: lines
                .iter()
                .copied()
                .filter(|l| l.format_group.as_ref().or(l.group.as_ref()) == Some(&g.name))
                .collect(),
        });
    }
    // Headings the format does not know, in order of appearance.
    for l in &lines {
        let name = l.format_group.as_ref().or(l.group.as_ref());
        if let Some(name) = name {
            if !groups.iter().any(|g| g.heading.as_ref() == Some(name)) {
                groups.push(GroupRows {
                    heading: Some(name.clone()),
                    lines: lines
                        .iter()
                        .copied()
                        .filter(|x| x.format_group.as_ref().or(x.group.as_ref()) == Some(name))
                        .collect(),
                });
            }
        }
    }
    groups
}

fn write_budget(
    ws: &mut Worksheet,
    format: &Format,
    fill: Option<&Submission>,
    st: &Styles,
    factor: Decimal,
    unit_name: &str,
) -> Result<(), XlsxError> {
    ws.set_name(BUDGET_SHEET)?;
    // Formulas with an empty result (nothing typed yet) cache "", not 0.
    ws.set_formula_result_default("");
    let years: Vec<String> = format.years.iter().map(|y| y.to_string()).collect();
    let ny = years.len() as u16;
    let (nr_col, title_col, first_year) = (0u16, 1u16, 2u16);
    let last_year = first_year + ny.max(1) - 1;
    let total_col = first_year + ny;
    ws.set_column_width(nr_col, 5)?;
    ws.set_column_width(title_col, 55)?;
    for c in first_year..total_col {
        ws.set_column_width(c, 11)?;
    }
    ws.set_column_width(total_col, 12)?;

    // Row 0: the unit caption, alone in its row.
    ws.write_string_with_format(0, title_col, format!("Beløb i {unit_name}"), &st.title)?;
    let hr = 1;
    ws.write_string_with_format(hr, nr_col, "Nr.", &st.header)?;
    ws.write_string_with_format(hr, title_col, "Indsats", &st.header)?;
    for (i, y) in format.years.iter().enumerate() {
        ws.write_number_with_format(hr, first_year + i as u16, f64::from(*y), &st.header_num)?;
    }
    ws.write_string_with_format(
        hr,
        total_col,
        &format.document.total_column_label,
        &st.header_num,
    )?;

    let amount_rule = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1.0e9, 1.0e9))
        .set_input_title(format!("Beløb i {unit_name}"))?
        .set_input_message(format!(
            "Skriv beløbet som tal i {unit_name}, fx 12,29. Lad cellen stå tom, hvis der ikke er et beløb."
        ))?
        .set_error_title("Ikke et beløb")?
        .set_error_message(format!(
            "Skriv et tal, fx 12,29 eller -0,5. Beløbet er i {unit_name}; skriv ikke enheden."
        ))?;
    let title_rule = hint(
        "Budgetlinje",
        "Indsatsens navn som i statusskemaet. Flere linjer: indsæt rækker (højreklik › Indsæt).",
    )?;

    let shown = |k: Decimal| in_unit(k, factor);
    let mut row = hr + 1;
    let first_body = row;
    let mut n = 0;
    let mut sums: Vec<Decimal> = vec![Decimal::ZERO; years.len()];
    let mut any_amount = vec![false; years.len()];
    for g in budget_groups(format, fill) {
        if let Some(h) = &g.heading {
            ws.write_blank(row, nr_col, &st.group)?;
            ws.merge_range(row, title_col, row, total_col, "", &st.group)?;
            put_text(ws, row, title_col, h, &st.group)?;
            row += 1;
        }
        let rows = LINES_PER_GROUP.max(g.lines.len() + 2);
        let block_start = row;
        for k in 0..rows {
            n += 1;
            ws.write_number_with_format(row, nr_col, f64::from(n), &st.number)?;
            let line = g.lines.get(k);
            match line {
                Some(l) => {
                    put_text(ws, row, title_col, &l.title, &st.input)?;
                    fit_row(ws, row, &l.title, 55.0)?;
                }
                None => {
                    ws.write_blank(row, title_col, &st.input)?;
                }
            }
            let mut line_sum = Decimal::ZERO;
            let mut line_has = false;
            for (i, y) in years.iter().enumerate() {
                let col = first_year + i as u16;
                match line.and_then(|l| l.amounts.get(y)) {
                    Some(a) => {
                        let v = shown(*a);
                        ws.write_number_with_format(row, col, to_f64(v), &st.input_amount)?;
                        line_sum += v;
                        line_has = true;
                        sums[i] += v;
                        any_amount[i] = true;
                    }
                    None => {
                        ws.write_blank(row, col, &st.input_amount)?;
                    }
                }
            }
            let range = format!("{}:{}", a1(row, first_year), a1(row, last_year));
            let f = Formula::new(format!("=IF(COUNT({range})=0,\"\",SUM({range}))")).set_result(
                if line_has {
                    crate::model::kroner_string(&line_sum)
                } else {
                    String::new()
                },
            );
            ws.write_formula_with_format(row, total_col, f, &st.formula)?;
            row += 1;
        }
        ws.add_data_validation(block_start, title_col, row - 1, title_col, &title_rule)?;
        if ny > 0 {
            ws.add_data_validation(block_start, first_year, row - 1, last_year, &amount_rule)?;
        }
    }
    let last_body = row - 1;

    // The stated total row: live sums that stay blank while nothing is typed.
    ws.write_blank(row, nr_col, &st.total_label)?;
    ws.write_string_with_format(row, title_col, "I alt", &st.total_label)?;
    let mut grand = Decimal::ZERO;
    for (i, sum) in sums.iter().enumerate() {
        let col = first_year + i as u16;
        let range = format!("{}:{}", a1(first_body, col), a1(last_body, col));
        let f = Formula::new(format!("=IF(COUNT({range})=0,\"\",SUM({range}))")).set_result(
            if any_amount[i] {
                crate::model::kroner_string(sum)
            } else {
                String::new()
            },
        );
        ws.write_formula_with_format(row, col, f, &st.total_formula)?;
        grand += *sum;
    }
    let range = format!("{}:{}", a1(row, first_year), a1(row, last_year));
    let f = Formula::new(format!("=IF(COUNT({range})=0,\"\",SUM({range}))")).set_result(
        if any_amount.iter().any(|x| *x) {
            crate::model::kroner_string(&grand)
        } else {
            String::new()
        },
    );
    ws.write_formula_with_format(row, total_col, f, &st.total_formula)?;

    ws.set_freeze_panes(hr + 1, 0)?;
    ws.set_repeat_rows(hr, hr)?;
    protect(ws);
    print_setup(ws, true);
    Ok(())
}
