//! `budget.xlsx`: the committee's consolidated budget workbook.
//!
//! Sheets, in order:
//! - "Økonomisk oversigt": the overview of every budget line by group and
//!   year in the committee format's unit, with group subtotals and the grand
//!   total "I ALT";
//! - "Diagram": a column chart of the yearly totals per group;
//! - one sheet per submission: its lines and its STATED totals beside the
//!   computed ones, differences marked "Afviger";
//! - "Kilder": every amount with the file, sheet, cell and raw text it was
//!   read from;
//! - "Afstemning": the findings, errors first, with an autofilter.
//!
//! Every total is a live `SUM` formula whose cached value is the exact
//! decimal sum from [`Overview`], so readers that do not recalculate show the
//! same numbers as Excel. Amounts are converted to `f64` only when a cell is
//! written, from the exact decimal already divided into the display unit.
//! Text that came from a submission is always written as text (a title
//! "=HYPERLINK(…)" stays literal); text over Excel's 32,767-character cell
//! limit is cut and reported as a `text-truncated` finding.

use crate::finding::{count_by_severity, sort_findings, Code, Finding};
use crate::format::Format;
use crate::model::{kroner_string, Model};
use crate::normalize::danish::parse_unit;
use crate::reconcile::departments::Status;
use crate::write::overview::Overview;
use crate::write::status_sheet;
use crate::write::xml::a1;
use crate::write::WriteError;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Format as XFormat, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Seek, Write};
use std::path::Path;
use std::rc::Rc;

mod cells;
#[cfg(test)]
mod differential;
mod layout;
mod overview_sheet;
mod sources;
mod splice;
mod strings;
mod styles;
mod submission_sheet;
use cells::{Cells, Direct, Sink};
use layout::Sheet;
pub(crate) use styles::{base_format, FILL_GROUP, FILL_HEADER};
pub(crate) use styles::{StyleId, Styles};
use StyleId as S;

/// Name of the overview sheet.
pub const OVERVIEW_SHEET: &str = "Økonomisk oversigt";
/// Name of the sources sheet.
pub const SOURCES_SHEET: &str = "Kilder";

/// The last 0-based row the Kilder sheet writes an amount in: Excel's last
/// row (1,048,576) less two for the note and the closing blank row.
pub const LAST_SOURCE_ROW: u32 = 1_048_572;
/// Name of the findings sheet.
pub const FINDINGS_SHEET: &str = "Afstemning";
/// Name of the chart sheet.
pub const CHART_SHEET: &str = "Diagram";
/// Excel's limit on the characters (UTF-16 units) in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Excel opens at most this many hyperlinks on one worksheet (its limit is
/// 65,530); Kilder rows past it show their target as plain text.
pub const MAX_LINKS_PER_SHEET: usize = 65_530;

/// Row (0-based) of the overview's header row ("Indsats | Afdeling | 2008
/// | … | I alt").
pub const OVERVIEW_HEADER_ROW: u32 = 4;
/// Column (0-based) of the overview's "Afdeling": which department each
/// line comes from.
pub const OVERVIEW_DEPARTMENT_COL: u16 = 1;
/// Column (0-based) of the overview's first year; the others follow, then
/// "I alt".
pub const OVERVIEW_FIRST_YEAR_COL: u16 = 2;
/// Name of the status sheet (who has sent what), right after the overview.
pub const STATUS_SHEET: &str = "Status";

/// Worksheet part numbers (the chart sheet is numbered apart): the
/// overview is sheet1.xml, Status sheet2.xml, then the submissions.
const FIRST_SUBMISSION_PART: usize = 3;

/// Kilder's column headers.
const SOURCES_HEADERS: [&str; 12] = [
    "Afdeling",
    "Fil",
    "Ark",
    "Celle",
    "Indsats",
    "År",
    "Art",
    "Indtastet tekst",
    "Enhed",
    "Kroner",
    "Kroner (eksakt)",
    "Vist i",
];

/// The zip part of a worksheet by its number.
fn worksheet_part(n: usize) -> String {
    format!("xl/worksheets/sheet{n}.xml")
}

/// Builds budget.xlsx in memory. Returns the bytes and the `text-truncated`
/// findings for texts that were too long for a cell.
///
/// # Errors
/// [`WriteError::Build`] if the workbook cannot be assembled.
///
/// ```
/// use bilag::format::Format;
/// use bilag::model::Model;
/// let format = Format::default_format();
/// let (bytes, truncated) =
///     bilag::write::xlsx::budget_workbook_bytes(&Model::default(), &[], &format).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// assert!(truncated.is_empty());
/// ```
pub fn budget_workbook_bytes(
    model: &Model,
    findings: &[Finding],
    format: &Format,
) -> Result<(Vec<u8>, Vec<Finding>), WriteError> {
    let (out, truncated) =
        budget_workbook_to(std::io::Cursor::new(Vec::new()), model, findings, format)?;
    Ok((out.into_inner(), truncated))
}

/// Builds budget.xlsx into `out` (a file, or a buffer as
/// [`budget_workbook_bytes`] does): the large sheets go to it as they are
/// zipped, not through a copy of the whole package in memory. Returns
/// `out` and the `text-truncated` findings.
///
/// # Errors
/// [`WriteError::Build`] if the workbook cannot be assembled or `out`
/// cannot be written.
pub fn budget_workbook_to<W: Write + Seek>(
    out: W,
    model: &Model,
    findings: &[Finding],
    format: &Format,
) -> Result<(W, Vec<Finding>), WriteError> {
    let err = |e: XlsxError| WriteError::build(Path::new("budget.xlsx"), e);
    let mut b = Builder::new(model, format);
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(crate::write::deflate::LEVEL as u8);
    let copied_strings = b.build(&mut wb, findings).map_err(err)?;
    let skeleton = wb.save_to_buffer().map_err(err)?;
    drop(wb);
    let plan = b.sources_plan.take();
    let mut sheets = std::mem::take(&mut b.cells);
    let parts = splice::Parts {
        sheets: &mut sheets,
        strings: &b.strings,
        sources: plan.as_ref().map(|p| (p, &b)),
        copied_strings,
    };
    let out = splice::splice_package(&skeleton, parts, out).map_err(err)?;
    Ok((out, b.truncated))
}

/// Writes budget.xlsx to `path` atomically (see
/// [`write_atomic_file`](crate::write::write_atomic_file)), zipped straight
/// into the temporary file. Returns the `text-truncated` findings.
///
/// # Errors
/// [`WriteError`] naming the path.
pub fn write_budget(
    model: &Model,
    findings: &[Finding],
    format: &Format,
    path: &Path,
) -> Result<Vec<Finding>, WriteError> {
    crate::write::write_atomic_file(path, |file| {
        let (_, truncated) =
            budget_workbook_to(&mut *file, model, findings, format).map_err(|e| match e {
                WriteError::Build { message, .. } => WriteError::build(path, message),
                other => other,
            })?;
        Ok(truncated)
    })
}

// ---------------------------------------------------------------------------
// Small helpers shared with the template writer.

/// Kroner per display unit (1 000 000 for "mio."); 1 if the unit is unknown
/// (the format validates its units when loaded).
pub(crate) fn unit_factor(unit: &str) -> (Decimal, String) {
    match parse_unit(unit) {
        Some(u) => (u.factor, u.name.to_string()),
        None => (Decimal::ONE, "kr.".to_string()),
    }
}

/// An exact decimal as the nearest `f64`, for writing a number cell. Goes
/// through the decimal text, which Rust parses with correct rounding.
pub(crate) fn to_f64(d: Decimal) -> f64 {
    // Fast path, same result: a mantissa below 2^53 and a power of ten up
    // to 10^22 are both exact doubles, and one IEEE division of exact
    // operands is correctly rounded, as parsing the decimal text is. Zero
    // keeps the slow path for its sign.
    let m = d.mantissa();
    let scale = d.scale();
    if m != 0 && m.unsigned_abs() < (1u128 << 53) && scale <= 22 {
        return m as f64 / crate::normalize::danish::EXACT_POW10[scale as usize];
    }
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// kroner → display unit, exactly.
pub(crate) fn in_unit(kroner: Decimal, factor: Decimal) -> Decimal {
    kroner.checked_div(factor).unwrap_or(kroner).normalize()
}

/// A number format that shows at least one and at most `decimals` decimals
/// without padding ("#,##0.0##" for 3): 12,29 stays 12,29 and 1,653 stays 1,653.
pub(crate) fn amount_num_format(decimals: u32) -> String {
    let d = decimals.clamp(1, 12) as usize;
    format!("#,##0.0{}", "#".repeat(d - 1))
}

/// `SUM` over cells in one column at the given rows, runs of consecutive rows
/// collapsed to ranges: rows 5,6,7,9 in column B → "=SUM(B6:B8,B10)".
pub(crate) fn sum_rows_formula(col: u16, rows: &[u32]) -> String {
    let mut rows = rows.to_vec();
    rows.sort_unstable();
    rows.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let start = rows[i];
        let mut end = start;
        while i + 1 < rows.len() && rows[i + 1] == end + 1 {
            i += 1;
            end = rows[i];
        }
        if start == end {
            parts.push(a1(start, col));
        } else {
            parts.push(format!("{}:{}", a1(start, col), a1(end, col)));
        }
        i += 1;
    }
    format!("=SUM({})", parts.join(","))
}

/// Writes a text cell through rust_xlsxwriter, as text whatever it holds.
/// rust_xlsxwriter takes a string that starts with `<r>` and ends with
/// `</r>` for rich-text markup and writes it unescaped into the workbook (a
/// title "<r>a & b</r>" made the file unreadable): such a text goes as a
/// rich string of one run in the cell's own font, which escapes it.
///
/// # Errors
/// As rust_xlsxwriter's `write_string_with_format`.
pub(crate) fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    fmt: &XFormat,
) -> Result<(), XlsxError> {
    if text.starts_with("<r>") && text.ends_with("</r>") {
        ws.write_rich_string_with_format(row, col, &[(fmt, text)], fmt)?;
    } else {
        ws.write_string_with_format(row, col, text, fmt)?;
    }
    Ok(())
}

/// Cuts `text` to Excel's cell limit (UTF-16 units, never inside a
/// character). Returns the text to write and its original length in
/// characters when it was cut.
pub(crate) fn cut_to_cell(text: &str) -> (Cow<'_, str>, Option<usize>) {
    let units: usize = text.chars().map(char::len_utf16).sum();
    if units <= MAX_CELL_CHARS {
        return (Cow::Borrowed(text), None);
    }
    // Room for the closing "…" (one unit).
    let out = format!("{}…", utf16_prefix(text, MAX_CELL_CHARS - 1));
    (Cow::Owned(out), Some(text.chars().count()))
}

/// The longest start of `s` of at most `units` UTF-16 units (Excel's
/// measure of text), never cutting a character.
fn utf16_prefix(s: &str, units: usize) -> &str {
    let mut used = 0;
    for (i, ch) in s.char_indices() {
        if used + ch.len_utf16() > units {
            return &s[..i];
        }
        used += ch.len_utf16();
    }
    s
}

/// A sheet name Excel accepts: no []:*?/\ characters, no leading or trailing
/// apostrophe, at most 31 UTF-16 units, not blank, and unique
/// (case-insensitively) among `taken`, which it is added to.
pub(crate) fn unique_sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base = if cleaned.is_empty() {
        "Indberetning"
    } else {
        cleaned
    };
    let fit = |s: &str, room: usize| -> String {
        let out = utf16_prefix(s, room);
        out.trim_end().trim_end_matches('\'').to_string()
    };
    let mut n = 1;
    loop {
        let name = if n == 1 {
            fit(base, 31)
        } else {
            let suffix = format!(" ({n})");
            format!("{}{suffix}", fit(base, 31 - suffix.len()))
        };
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// A sheet name quoted for a formula or link: 'Økonomisk oversigt'.
pub(crate) fn quote_sheet(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// The text-truncated finding for a text of `n` characters from `file`
/// (at `sheet`/`cell` there), cut in budget.xlsx's `ws_name` at (row, col).
pub(crate) fn truncated_finding(
    file: &str,
    sheet: Option<&str>,
    cell: Option<&str>,
    n: usize,
    ws_name: &str,
    row: u32,
    col: u16,
) -> Finding {
    let place = match (sheet, cell) {
        (Some(s), Some(c)) => format!(" i {s} {c}"),
        (Some(s), None) => format!(" på arket {s}"),
        _ => String::new(),
    };
    let mut f = Finding::new(
        Code::TextTruncated,
        file,
        format!(
            "Teksten{place} er {n} tegn lang; en Excel-celle kan højst rumme 32.767 tegn, så den er afkortet i budget.xlsx (arket {ws_name}, celle {}).",
            a1(row, col)
        ),
    );
    f.sheet = sheet.map(String::from);
    f.cell = cell.map(String::from);
    f
}

/// Where a written text came from, for a text-truncated finding.
struct Origin<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    cell: Option<&'a str>,
}

// ---------------------------------------------------------------------------

/// The footer of every printed page: the sheet's name left, "Side x af y"
/// right.
pub(crate) const FOOTER: &str = "&L&8&A&R&8Side &P af &N";

/// The print setup of bilag's workbooks (budget.xlsx and the submission
/// template): A4, one page wide, [`FOOTER`].
pub(crate) fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer(FOOTER);
}

/// Print and view setup every sheet of budget.xlsx shares: landscape
/// [`print_setup`], narrow margins, header rows repeated and frozen.
pub(crate) fn page_setup(
    ws: &mut Worksheet,
    header_row: u32,
    freeze_col: u16,
) -> Result<(), XlsxError> {
    print_setup(ws, true);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_freeze_panes(header_row + 1, freeze_col)?;
    Ok(())
}

/// A package rust_xlsxwriter laid out otherwise than the splice expects,
/// or an error writing it.
pub(super) fn package_err(e: impl std::fmt::Display) -> XlsxError {
    XlsxError::ParameterError(format!("budget.xlsx: {e}"))
}

/// Width (in characters) that fits the longest of `texts`, within limits.
pub(crate) fn fit_width<'a>(texts: impl Iterator<Item = &'a str>, min: usize, max: usize) -> f64 {
    let longest = texts
        .flat_map(|t| t.lines())
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    (longest.clamp(min, max) + 2) as f64
}

/// Lines a text needs when wrapped in a column `width` characters wide
/// (greedy word wrap; bold text is wider).
pub(crate) fn wrapped_lines(text: &str, width: f64, bold: bool) -> usize {
    let per_char = if bold { 0.95 } else { 0.85 };
    let cap = ((width - 1.0) / per_char).floor().max(4.0) as usize;
    let mut lines = 0;
    for para in text.split('\n') {
        let mut used = 0usize;
        lines += 1;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let n = word.chars().count();
            if used == 0 {
                used = n;
            } else if used + 1 + n <= cap {
                used += 1 + n;
            } else {
                lines += 1;
                used = n;
            }
            while used > cap {
                lines += 1;
                used -= cap;
            }
        }
    }
    lines.max(1)
}

/// Where the sheet writers put each budget line and stated total: the
/// cells Kilder links to.
#[derive(Default)]
struct Placed {
    /// (submission, line) → overview row.
    overview_rows: HashMap<(usize, usize), u32>,
    /// (submission, line) → row on the submission's sheet.
    sub_line_rows: HashMap<(usize, usize), u32>,
    /// (submission, stated total) → row on the submission's sheet.
    sub_stated_rows: HashMap<(usize, usize), u32>,
}

/// The workbook being built: the model, the format and what the sheets
/// share (styles, texts, the cells of the hand-written sheets, where each
/// amount landed). What one sheet needs while it is written is its
/// [`Sheet`].
struct Builder<'a> {
    model: &'a Model,
    format: &'a Format,
    /// Shared: the sheet writers walk it while they borrow the builder.
    overview: Rc<Overview>,
    factor: Decimal,
    unit_name: String,
    /// Shared: methods take a cheap handle while they borrow the builder.
    styles: Rc<Styles>,
    truncated: Vec<Finding>,
    /// Kilder rows past Excel's last row, not written.
    sources_omitted: usize,
    /// Kilder's data rows, planned while building, written when packaging.
    sources_plan: Option<sources::SourcesPlan>,
    /// The texts of the overview, the submission sheets and Kilder, in
    /// order of first use (they join the shared-string table at its end).
    strings: strings::Strings<'a>,
    /// The overview's and the submission sheets' cells, by zip part.
    cells: Vec<(String, Cells)>,
    /// Where each line and total landed, for Kilder's links.
    placed: Placed,
    /// submission → its sheet name.
    sub_sheets: Vec<String>,
    /// Overview (group heading row, subtotal row) pairs for the chart.
    chart_series: Vec<(u32, u32)>,
}

impl<'a> Builder<'a> {
    fn new(model: &'a Model, format: &'a Format) -> Builder<'a> {
        let overview = Overview::build(model, format);
        let (factor, unit_name) = unit_factor(&format.document.display_unit);
        // Decimals the display needs: the most any shown amount has.
        let mut decimals = 1;
        let mut see = |k: &Decimal| decimals = decimals.max(in_unit(*k, factor).scale());
        for s in &model.submissions {
            for l in &s.budget_lines {
                l.amounts.values().for_each(&mut see);
                l.stated_total.iter().for_each(&mut see);
            }
            for t in &s.stated_totals {
                t.amounts.values().for_each(&mut see);
                t.total.iter().for_each(&mut see);
            }
        }
        let mut taken = HashSet::new();
        for n in [
            OVERVIEW_SHEET,
            STATUS_SHEET,
            CHART_SHEET,
            SOURCES_SHEET,
            FINDINGS_SHEET,
            "History",
        ] {
            taken.insert(n.to_lowercase());
        }
        // Sheet names first: the overview and the sources link to them.
        let sub_sheets = model
            .submissions
            .iter()
            .map(|s| {
                let stem = Path::new(&s.source)
                    .file_stem()
                    .and_then(|x| x.to_str())
                    .unwrap_or(&s.source);
                unique_sheet_name(stem, &mut taken)
            })
            .collect();
        Builder {
            model,
            format,
            overview: Rc::new(overview),
            factor,
            unit_name,
            styles: Rc::new(Styles::new(decimals)),
            truncated: Vec::new(),
            sources_omitted: 0,
            sources_plan: None,
            strings: strings::Strings::new(),
            cells: Vec::new(),
            placed: Placed::default(),
            sub_sheets,
            chart_series: Vec::new(),
        }
    }

    fn shown(&self, kroner: Decimal) -> Decimal {
        in_unit(kroner, self.factor)
    }

    /// Writes a text cell, cutting over-long text with a finding.
    fn text<W: Sink>(
        &mut self,
        ws: &mut Sheet<W>,
        row: u32,
        col: u16,
        text: &str,
        style: StyleId,
        origin: Origin<'_>,
    ) -> Result<(), XlsxError> {
        let (cut, original) = cut_to_cell(text);
        if let Some(n) = original {
            let f = truncated_finding(
                origin.file,
                origin.sheet,
                origin.cell,
                n,
                ws.sheet_name().as_str(),
                row,
                col,
            );
            self.truncated.push(f);
        }
        ws.put_string(&mut self.strings, row, col, cut.as_ref(), style)?;
        ws.note_height(row, col, &cut, style);
        Ok(())
    }

    fn amount<W: Sink>(
        &self,
        ws: &mut Sheet<W>,
        row: u32,
        col: u16,
        kroner: Decimal,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        ws.put_number(row, col, to_f64(self.shown(kroner)), style)?;
        Ok(())
    }

    /// A live formula with its cached value: the exact sum in the display unit.
    fn total<W: Sink>(
        &self,
        ws: &mut Sheet<W>,
        row: u32,
        col: u16,
        formula: &str,
        kroner: Decimal,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        ws.put_formula(row, col, formula, kroner_string(&self.shown(kroner)), style)?;
        Ok(())
    }

    /// "Indsats | 2008 | 2009 | …" (years as numbers from column
    /// `first_year`; the caller writes what stands between).
    fn header_row<W: Sink>(
        &mut self,
        ws: &mut Sheet<W>,
        hr: u32,
        first_year: u16,
        years: &[crate::model::Year],
    ) -> Result<(), XlsxError> {
        ws.put_string(&mut self.strings, hr, 0, "Indsats", S::Header)?;
        for (i, y) in years.iter().enumerate() {
            let col = first_year + i as u16;
            match y.parse::<f64>() {
                Ok(n) if n.is_finite() => ws.put_number(hr, col, n, S::HeaderNum)?,
                // rust_xlsxwriter writes these as the texts NAN, INF, -INF.
                Ok(n) => {
                    let t = if n.is_nan() {
                        "NAN"
                    } else if n > 0.0 {
                        "INF"
                    } else {
                        "-INF"
                    };
                    ws.put_string(&mut self.strings, hr, col, t, S::HeaderNum)?
                }
                Err(_) => ws.put_string(&mut self.strings, hr, col, y.as_str(), S::HeaderNum)?,
            };
        }
        Ok(())
    }

    /// Writes the workbook's sheets; returns the number of string cells
    /// copied into the overview's skeleton for the chart.
    fn build(&mut self, wb: &mut Workbook, findings: &[Finding]) -> Result<u64, XlsxError> {
        let styles = Rc::clone(&self.styles);
        let mut overview = Worksheet::new();
        let mut cells = self.write_overview(&mut overview)?;
        // Formats registered by an earlier sheet (see Cells::register_formats).
        let mut known = HashSet::new();
        cells.register_formats(&mut overview, &styles, &mut known)?;
        // The chart's series names, categories and values, for its cache.
        let mut chart_rows: HashSet<u32> = HashSet::new();
        if !self.chart_series.is_empty() {
            chart_rows.insert(OVERVIEW_HEADER_ROW);
            for (heading, subtotal) in &self.chart_series {
                chart_rows.insert(*heading);
                chart_rows.insert(*subtotal);
            }
        }
        let copied = cells.copy_rows_to(&mut overview, &chart_rows, &self.strings, &styles)?;
        wb.push_worksheet(overview);
        self.cells.push((worksheet_part(1), cells));
        let mut status = Worksheet::new();
        self.write_status(&mut status, findings)?;
        wb.push_worksheet(status);
        if !self.chart_series.is_empty() {
            let mut cs = Worksheet::new_chartsheet();
            self.write_chart(&mut cs)?;
            wb.push_worksheet(cs);
        }

        for si in 0..self.model.submissions.len() {
            let mut ws = Worksheet::new();
            let mut cells = self.write_submission(&mut ws, si)?;
            cells.register_formats(&mut ws, &styles, &mut known)?;
            wb.push_worksheet(ws);
            self.cells
                .push((worksheet_part(si + FIRST_SUBMISSION_PART), cells));
        }

        // Kilder has a row per amount (most of the workbook's cells) and is
        // written strictly row by row: "low memory" mode flushes each row to
        // a temporary file instead of keeping every cell until saving.
        let sources = wb.add_worksheet_with_low_memory()?;
        self.write_sources(sources)?;

        let mut fs = Worksheet::new();
        self.write_findings(&mut fs, findings)?;
        wb.push_worksheet(fs);

        let committee = self.format.committee.clone();
        let props = DocProperties::new()
            .set_title(format!(
                "{} – {}",
                self.format.title(),
                self.economy_title()
            ))
            .set_subject(self.format.name.clone())
            .set_author("bilag")
            .set_company(committee.clone())
            .set_keywords(format!("{committee}, budget, økonomisk oversigt"))
            .set_comment(format!(
                "Lavet af bilag ud fra {} indberetning(er). Totaler er formler med beregnede værdier.",
                self.model.submissions.len()
            ))
            .set_custom_property("Udvalg", committee.as_str())
            .set_custom_property("Udvalgsformat", self.format.id.as_str());
        wb.set_properties(&props);
        Ok(copied as u64)
    }

    /// The Status sheet (see [`status_sheet`]): worksheet part 2.
    fn write_status(&mut self, ws: &mut Worksheet, findings: &[Finding]) -> Result<(), XlsxError> {
        ws.set_name(STATUS_SHEET)?;
        let status = Status::of(self.model, findings, self.format);
        let st = Rc::clone(&self.styles);
        let truncated = status_sheet::write_status(ws, &status, &st)?;
        self.truncated.extend(truncated);
        Ok(())
    }

    fn economy_title(&self) -> &'static str {
        "Økonomisk oversigt"
    }

    // --- Kilder --------------------------------------------------------------

    /// The Kilder sheet. rust_xlsxwriter writes everything but the data rows
    /// (title, header, closing rows, autofilter, print setup); the data rows
    /// are planned here and written into the package by
    /// [`sources::splice_package`] (see that module for why and how).
    fn write_sources(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_name(SOURCES_SHEET)?;
        let hr = 3;
        self.sources_head(ws, hr)?;
        // Worksheets are numbered without the chart sheet: the overview,
        // Status, the submissions, then Kilder.
        let part = worksheet_part(self.model.submissions.len() + FIRST_SUBMISSION_PART);
        let first = hr + 1;
        let plan = self.plan_sources(first, part)?;
        if plan.has_rows() {
            // The registration row (cut out of the sheet again when the
            // rows are spliced in): each data style in order of first use.
            // Kilder is written in low-memory mode, which numbers its
            // styles as they are written, so they come first in the
            // workbook's table, as in a Kilder written cell by cell.
            for (c, s) in plan.registered().iter().enumerate() {
                ws.write_blank(first, c as u16, &self.styles[*s])?;
            }
        }
        let row = first + plan.rows();
        self.sources_plan = Some(plan);
        self.sources_foot(ws, hr, row)
    }

    /// Kilder's title, caption and header row (row `hr`), and its column
    /// widths.
    fn sources_head(&self, ws: &mut Worksheet, hr: u32) -> Result<(), XlsxError> {
        let st = &self.styles;
        let title = "Kilder: hvor hvert beløb er læst";
        let caption = "Én række pr. beløb: afdeling, fil, ark og celle i indberetningen, teksten som den stod der, og beløbet i kroner som bilag har læst det.";
        ws.write_string_with_format(0, 0, title, &st[S::Title])?;
        ws.write_string_with_format(1, 0, caption, &st[S::Caption])?;
        for (c, (h, w)) in SOURCES_HEADERS.iter().zip(sources::WIDTHS).enumerate() {
            ws.write_string_with_format(hr, c as u16, *h, &st[S::Header])?;
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_row_height(hr, 30)?;
        Ok(())
    }

    /// Below Kilder's data rows (which end before `row`): the note on rows
    /// past Excel's last one, the closing blank, the autofilter from the
    /// header row `hr`, and the print setup.
    fn sources_foot(&mut self, ws: &mut Worksheet, hr: u32, row: u32) -> Result<(), XlsxError> {
        let st = self.styles.clone();
        // rust_xlsxwriter 0.102 in low-memory mode writes the last row a
        // second time (an empty duplicate <row>, which Excel rejects) when
        // that row has a height: a styled blank cell below the table makes
        // the last row one without.
        let row = row.min(LAST_SOURCE_ROW + 1);
        if self.sources_omitted > 0 {
            let n = self.sources_omitted;
            let message = format!(
                "Kilder viser de første {} beløb; {n} beløb mere er ikke vist, fordi et Excel-ark højst har {} rækker. Alle beløb og deres celler står i model.json.",
                LAST_SOURCE_ROW - hr,
                LAST_SOURCE_ROW + 2
            );
            write_text(ws, row, 0, &message, &st[S::Caption])?;
            self.truncated.push(
                Finding::new(Code::TextTruncated, "budget.xlsx", message).on_sheet(SOURCES_SHEET),
            );
        }
        ws.write_blank(
            row.min(LAST_SOURCE_ROW + 1) + u32::from(self.sources_omitted > 0),
            0,
            &st[S::Text],
        )?;
        if row > hr + 1 {
            ws.autofilter(hr, 0, row - 1, (SOURCES_HEADERS.len() - 1) as u16)?;
        }
        page_setup(ws, hr, 0)?;
        Ok(())
    }

    // --- Afstemning ----------------------------------------------------------

    fn write_findings(
        &mut self,
        ws: &mut Worksheet,
        findings: &[Finding],
    ) -> Result<(), XlsxError> {
        ws.set_name(FINDINGS_SHEET)?;
        let st = Rc::clone(&self.styles);
        let mut sorted = findings.to_vec();
        sort_findings(&mut sorted);
        let (e, w, i) = count_by_severity(&sorted);
        let mut sheet = Sheet::new(Direct::new(ws, &st));
        let ws = &mut sheet;
        let title = "Afstemning: fund der skal ses på";
        ws.ws.write_string_with_format(0, 0, title, &st[S::Title])?;
        let caption = format!("{e} fejl, {w} advarsler, {i} info. Fejl står først.");
        ws.ws
            .write_string_with_format(1, 0, caption, &st[S::Caption])?;
        let hr = 3;
        let headers = ["Kode", "Hvad", "Alvor", "Fil", "Ark", "Celle", "Besked"];
        let widths = [20.0, 22.0, 10.0, 24.0, 14.0, 7.0, 90.0];
        for (c, (h, wd)) in headers.iter().zip(widths).enumerate() {
            ws.ws
                .write_string_with_format(hr, c as u16, *h, &st[S::Header])?;
            ws.own_col_width(c as u16, wd)?;
        }
        let mut row = hr + 1;
        for f in &sorted {
            let origin = || Origin {
                file: &f.file,
                sheet: f.sheet.as_deref(),
                cell: f.cell.as_deref(),
            };
            let severity = match f.severity {
                crate::finding::Severity::Error => S::DiffersText,
                _ => S::Text,
            };
            ws.ws
                .write_string_with_format(row, 0, f.code.as_str(), &st[S::Text])?;
            ws.ws
                .write_string_with_format(row, 1, f.code.danish(), &st[S::Text])?;
            ws.ws
                .write_string_with_format(row, 2, f.severity.danish(), &st[severity])?;
            self.text(ws, row, 3, &f.file, S::Text, origin())?;
            if let Some(s) = &f.sheet {
                self.text(ws, row, 4, s, S::Text, origin())?;
            }
            if let Some(c) = &f.cell {
                self.text(ws, row, 5, c, S::Text, origin())?;
            }
            self.text(ws, row, 6, &f.message, S::Wrap, origin())?;
            row += 1;
        }
        ws.ws.autofilter(hr, 0, row.max(hr + 1) - 1, 6)?;
        let direct = sheet.finish()?;
        page_setup(direct.ws, hr, 0)?;
        Ok(())
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_formula_collapses_runs() {
        assert_eq!(sum_rows_formula(1, &[5, 6, 7, 9]), "=SUM(B6:B8,B10)");
        assert_eq!(sum_rows_formula(27, &[0]), "=SUM(AB1)");
        assert_eq!(sum_rows_formula(2, &[12, 11]), "=SUM(C12:C13)");
    }

    #[test]
    fn number_format_keeps_the_decimals_typed() {
        assert_eq!(amount_num_format(0), "#,##0.0");
        assert_eq!(amount_num_format(2), "#,##0.0#");
        assert_eq!(amount_num_format(3), "#,##0.0##");
    }

    #[test]
    fn decimal_to_f64_is_the_nearest_double() {
        use std::str::FromStr;
        let d = Decimal::from(12_290_000) / Decimal::from(1_000_000);
        assert_eq!(to_f64(d), 12.29);
        assert_eq!(to_f64(Decimal::from_str("1.653").unwrap()), 1.653);
        assert_eq!(to_f64(Decimal::from_str("-0.5").unwrap()), -0.5);
        // The fast path agrees with the decimal text, digit for digit.
        let slow = |d: Decimal| -> f64 { d.normalize().to_string().parse().unwrap() };
        let mut x: i64 = 1;
        for scale in 0..=24u32 {
            for m in [
                1i64,
                7,
                12_290_000,
                1_653,
                999_999_999_999,
                x,
                -x,
                (1 << 53) - 1,
            ] {
                let d = Decimal::new(m, scale);
                assert_eq!(to_f64(d).to_bits(), slow(d).to_bits(), "{d}");
            }
            x = x.wrapping_mul(31).wrapping_add(17) % (1 << 52);
        }
        assert!(
            to_f64(Decimal::from_str("-0").unwrap()).is_sign_negative()
                == slow(Decimal::from_str("-0").unwrap()).is_sign_negative()
        );
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        taken.insert("kilder".to_string());
        assert_eq!(unique_sheet_name("Kilder", &mut taken), "Kilder (2)");
        assert_eq!(unique_sheet_name("a/b:c[d]*?\\", &mut taken), "a-b-c-d----");
        let long = "Mål- og Rammekontor for Misbrug og Bolig";
        let n1 = unique_sheet_name(long, &mut taken);
        let n2 = unique_sheet_name(long, &mut taken);
        assert_eq!(n1, "Mål- og Rammekontor for Misbrug");
        assert_eq!(n2, "Mål- og Rammekontor for Mis (2)");
        assert!(n2.encode_utf16().count() <= 31);
        assert_eq!(unique_sheet_name("'x'", &mut taken), "x");
        assert_eq!(unique_sheet_name("  ", &mut taken), "Indberetning");
        for n in [&n1, &n2] {
            rust_xlsxwriter::utility::check_sheet_name(n).unwrap();
        }
    }

    #[test]
    fn long_text_is_cut_inside_the_limit() {
        let s = "€".repeat(40_000);
        let (cut, n) = cut_to_cell(&s);
        assert_eq!(n, Some(40_000));
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
        // Astral characters are two UTF-16 units and never split.
        let s = "😀".repeat(20_000);
        let (cut, _) = cut_to_cell(&s);
        assert!(cut.encode_utf16().count() <= MAX_CELL_CHARS);
        let (same, n) = cut_to_cell("kort");
        assert_eq!((same.as_ref(), n), ("kort", None));
    }
}
