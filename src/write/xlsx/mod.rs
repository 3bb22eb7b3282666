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
use crate::model::{kroner_string, BudgetLine, Model, StatedTotal, Submission};
use crate::normalize::danish::parse_unit;
use crate::reconcile::departments::{department_name, Status};
use crate::write::overview::Overview;
use crate::write::status_sheet;
use crate::write::xml::a1;
use crate::write::WriteError;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartLegendPosition, DocProperties, Format as XFormat, Workbook,
    Worksheet, XlsxError,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Seek, Write};
use std::path::Path;
use std::rc::Rc;

mod cells;
#[cfg(test)]
mod differential;
mod sources;
mod splice;
mod strings;
mod styles;
use cells::{Cells, Direct, Sink};
pub(crate) use styles::{StyleId, Styles};
pub(crate) use styles::{FILL_GROUP, FILL_HEADER};
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
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        return m as f64 / POW10[scale as usize];
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

/// Cuts `text` to Excel's cell limit (UTF-16 units, never inside a
/// character). Returns the text to write and its original length in
/// characters when it was cut.
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

pub(crate) fn cut_to_cell(text: &str) -> (Cow<'_, str>, Option<usize>) {
    let units: usize = text.chars().map(char::len_utf16).sum();
    if units <= MAX_CELL_CHARS {
        return (Cow::Borrowed(text), None);
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        // Room for the closing "…" (one unit).
        if used + ch.len_utf16() > MAX_CELL_CHARS - 1 {
            break;
        }
        used += ch.len_utf16();
        out.push(ch);
    }
    out.push('…');
    (Cow::Owned(out), Some(text.chars().count()))
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
        let mut out = String::new();
        let mut used = 0;
        for ch in s.chars() {
            if used + ch.len_utf16() > room {
                break;
            }
            used += ch.len_utf16();
            out.push(ch);
        }
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

/// Print and view setup every sheet shares: A4 landscape, one page wide,
/// "Side x af y" in the footer, header rows repeated and frozen.
pub(crate) fn page_setup(
    ws: &mut Worksheet,
    header_row: u32,
    freeze_col: u16,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&L&8&A&R&8Side &P af &N");
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_freeze_panes(header_row + 1, freeze_col)?;
    Ok(())
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
    taken: HashSet<String>,
    /// (submission, line) → overview row.
    overview_rows: HashMap<(usize, usize), u32>,
    /// submission → its sheet name.
    sub_sheets: Vec<String>,
    /// (submission, line) → row on the submission's sheet.
    sub_line_rows: HashMap<(usize, usize), u32>,
    /// (submission, stated total) → row on the submission's sheet.
    sub_stated_rows: HashMap<(usize, usize), u32>,
    /// Column widths of the sheet being written (characters).
    widths: HashMap<u16, f64>,
    /// Rows of the sheet being written whose first cell is merged across
    /// the table: the merged width.
    merged_rows: HashMap<u32, f64>,
    /// Row heights (points) that wrapped text needs, for the current sheet.
    heights: BTreeMap<u32, f64>,
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
            taken,
            overview_rows: HashMap::new(),
            sub_sheets: Vec::new(),
            sub_line_rows: HashMap::new(),
            sub_stated_rows: HashMap::new(),
            widths: HashMap::new(),
            merged_rows: HashMap::new(),
            heights: BTreeMap::new(),
            chart_series: Vec::new(),
        }
    }

    fn shown(&self, kroner: Decimal) -> Decimal {
        in_unit(kroner, self.factor)
    }

    /// Writes a text cell, cutting over-long text with a finding.
    fn text<W: Sink>(
        &mut self,
        ws: &mut W,
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
        self.note_height(row, col, &cut, style);
        Ok(())
    }

    /// Sets a column width and remembers it for row heights.
    fn col_width(&mut self, ws: &mut Worksheet, col: u16, width: f64) -> Result<(), XlsxError> {
        ws.set_column_width(col, width)?;
        self.widths.insert(col, width);
        Ok(())
    }

    /// Remembers the height a wrapped text needs in its row. Excel fits row
    /// heights itself, LibreOffice and merged cells do not: set them.
    fn note_height(&mut self, row: u32, col: u16, text: &str, style: StyleId) {
        let Some(bold) = style.wraps() else {
            return;
        };
        let width = match self.merged_rows.get(&row) {
            Some(w) if col == 0 => *w,
            _ => self.widths.get(&col).copied().unwrap_or(8.43),
        };
        let h = 15.0 * wrapped_lines(text, width, bold) as f64 + 1.0;
        let e = self.heights.entry(row).or_insert(15.0);
        *e = e.max(h);
    }

    /// Starts a new sheet's bookkeeping.
    fn start_sheet(&mut self) {
        self.widths.clear();
        self.merged_rows.clear();
        self.heights.clear();
    }

    /// Applies the row heights wrapped text needs.
    fn finish_sheet<W: Sink>(&mut self, ws: &mut W) -> Result<(), XlsxError> {
        for (row, h) in &self.heights {
            if *h > 16.0 {
                ws.put_row_height(*row, *h)?;
            }
        }
        Ok(())
    }

    fn amount<W: Sink>(
        &self,
        ws: &mut W,
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
        ws: &mut W,
        row: u32,
        col: u16,
        formula: &str,
        kroner: Decimal,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        ws.put_formula(row, col, formula, kroner_string(&self.shown(kroner)), style)?;
        Ok(())
    }

    /// Writes the workbook's sheets; returns the number of string cells
    /// copied into the overview's skeleton for the chart.
    fn build(&mut self, wb: &mut Workbook, findings: &[Finding]) -> Result<u64, XlsxError> {
        // Sheet names first: the overview and the sources link to them.
        for s in &self.model.submissions {
            let stem = Path::new(&s.source)
                .file_stem()
                .and_then(|x| x.to_str())
                .unwrap_or(&s.source)
                .to_string();
            let name = unique_sheet_name(&stem, &mut self.taken);
            self.sub_sheets.push(name);
        }

        let styles = Rc::clone(&self.styles);
        let mut overview = Worksheet::new();
        let mut cells = Cells::new(OVERVIEW_SHEET);
        self.write_overview(&mut overview, &mut cells)?;
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
            let mut cells = Cells::new(&self.sub_sheets[si]);
            self.write_submission(&mut ws, &mut cells, si)?;
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

    // --- Økonomisk oversigt -------------------------------------------------

    fn write_overview(&mut self, sk: &mut Worksheet, ws: &mut Cells) -> Result<(), XlsxError> {
        sk.set_name(OVERVIEW_SHEET)?;
        self.start_sheet();
        let years = self.overview.years.clone();
        let ny = years.len() as u16;
        let first_year = OVERVIEW_FIRST_YEAR_COL;
        let total_col = first_year + ny;
        // Which department each line comes from: three "Boligsociale
        // projekter" from three departments are told apart by it.
        let departments: Vec<String> = self
            .model
            .submissions
            .iter()
            .map(|s| department_name(s, self.format).unwrap_or_else(|| s.source.clone()))
            .collect();

        // Column widths: titles fit, up to a limit where they wrap.
        let mut titles: Vec<&str> = vec!["Indsats", &self.format.document.grand_total_label];
        for g in &self.overview.groups {
            for l in &g.lines {
                titles.push(&l.title);
            }
        }
        let title_width = fit_width(titles.into_iter(), 30, 60);
        self.col_width(sk, 0, title_width)?;
        let used = self.overview.groups.iter().flat_map(|g| &g.lines);
        let department_width = fit_width(
            used.map(|l| departments[l.submission].as_str())
                .chain(["Afdeling"]),
            12,
            46,
        );
        self.col_width(sk, OVERVIEW_DEPARTMENT_COL, department_width)?;
        for c in first_year..=total_col {
            self.col_width(sk, c, 12.0)?;
        }
        let table_width = title_width + department_width + 12.0 * f64::from(ny + 1);

        // Title, the format's economy heading, the unit.
        let title = self.format.title();
        let heading = self.format.fill(&self.format.document.economy_heading);
        ws.merge_range(&mut self.strings, 0, 0, 0, total_col, "", S::Title)?;
        ws.put_string(&mut self.strings, 0, 0, &title, S::Title)?;
        ws.put_row_height(0, 21.0)?;
        ws.merge_range(&mut self.strings, 1, 0, 1, total_col, "", S::Heading)?;
        self.merged_rows.insert(1, table_width);
        self.text(
            ws,
            1,
            0,
            &heading,
            S::Heading,
            Origin {
                file: "",
                sheet: None,
                cell: None,
            },
        )?;
        ws.put_string(
            &mut self.strings,
            2,
            0,
            &format!("Beløb i {}", self.unit_name),
            S::Caption,
        )?;

        let hr = OVERVIEW_HEADER_ROW;
        self.header_row(ws, hr, first_year, &years)?;
        ws.put_string(
            &mut self.strings,
            hr,
            OVERVIEW_DEPARTMENT_COL,
            "Afdeling",
            S::Header,
        )?;
        ws.put_string(
            &mut self.strings,
            hr,
            total_col,
            &self.format.document.total_column_label,
            S::HeaderNum,
        )?;

        let mut row = hr + 1;
        let mut subtotal_rows: Vec<u32> = Vec::new();
        let mut chart_series: Vec<(u32, u32)> = Vec::new(); // (heading row, subtotal row)
        let overview = Rc::clone(&self.overview);
        for g in &overview.groups {
            let name = g.name.clone().unwrap_or_else(|| "Uden gruppe".to_string());
            let heading_row = row;
            // A heading named by a submission (not the format) came from a line.
            let (file, sheet, cell) =
                self.line_origin(g.lines.first().map(|l| (l.submission, l.line)));
            let origin = || Origin { file, sheet, cell };
            ws.merge_range(&mut self.strings, row, 0, row, total_col, "", S::Group)?;
            self.merged_rows.insert(row, table_width);
            self.text(ws, row, 0, &name, S::Group, origin())?;
            row += 1;
            let mut line_rows = Vec::new();
            for l in &g.lines {
                let (file, sheet, cell) = self.line_origin(Some((l.submission, l.line)));
                self.text(ws, row, 0, &l.title, S::Wrap, Origin { file, sheet, cell })?;
                self.text(
                    ws,
                    row,
                    OVERVIEW_DEPARTMENT_COL,
                    &departments[l.submission],
                    S::Wrap,
                    Origin {
                        file,
                        sheet: None,
                        cell: None,
                    },
                )?;
                for (i, y) in years.iter().enumerate() {
                    if let Some(a) = l.amounts.get(y) {
                        self.amount(ws, row, first_year + i as u16, *a, S::Amount)?;
                    }
                }
                if !l.amounts.is_empty() && ny > 0 {
                    let f = format!("=SUM({}:{})", a1(row, first_year), a1(row, total_col - 1));
                    self.total(ws, row, total_col, &f, l.total, S::Amount)?;
                }
                self.overview_rows.insert((l.submission, l.line), row);
                line_rows.push(row);
                row += 1;
            }
            // An empty group sums its (empty) heading row: a live 0.
            let sum_rows = if line_rows.is_empty() {
                vec![heading_row]
            } else {
                line_rows
            };
            // "<group> i alt" has the Afdeling column's room too.
            ws.merge_range(
                &mut self.strings,
                row,
                0,
                row,
                OVERVIEW_DEPARTMENT_COL,
                "",
                S::SubtotalText,
            )?;
            self.merged_rows.insert(row, title_width + department_width);
            self.text(
                ws,
                row,
                0,
                &format!("{name} i alt"),
                S::SubtotalText,
                origin(),
            )?;
            for (i, y) in years.iter().enumerate() {
                let col = first_year + i as u16;
                let v = g.totals.get(y).copied().unwrap_or_default();
                self.total(
                    ws,
                    row,
                    col,
                    &sum_rows_formula(col, &sum_rows),
                    v,
                    S::SubtotalAmount,
                )?;
            }
            self.row_total(ws, row, first_year, ny, g.total, S::SubtotalAmount)?;
            subtotal_rows.push(row);
            chart_series.push((heading_row, row));
            row += 2;
        }

        // The seed's closing rows: the caption, then I ALT.
        ws.put_string(
            &mut self.strings,
            row,
            0,
            &self.format.document.total_caption,
            S::Text,
        )?;
        row += 1;
        let grand_row = row;
        ws.put_string(
            &mut self.strings,
            row,
            0,
            &self.format.document.grand_total_label,
            S::GrandText,
        )?;
        ws.write_blank(row, OVERVIEW_DEPARTMENT_COL, S::GrandText)?;
        for (i, y) in years.iter().enumerate() {
            let col = first_year + i as u16;
            let v = self.overview.totals.get(y).copied().unwrap_or_default();
            let f = if subtotal_rows.is_empty() {
                "=0".to_string()
            } else {
                sum_rows_formula(col, &subtotal_rows)
            };
            self.total(ws, row, col, &f, v, S::GrandAmount)?;
        }
        self.row_total(
            ws,
            row,
            first_year,
            ny,
            self.overview.grand_total,
            S::GrandAmount,
        )?;
        self.finish_sheet(ws)?;
        page_setup(sk, hr, 0)?;
        if ny == 0 {
            chart_series.clear();
        }

        sk.set_print_area(0, 0, grand_row, total_col)?;
        self.chart_series = chart_series;
        Ok(())
    }

    /// The chart sheet: a column chart of the yearly totals per group, one
    /// series per group, read from the overview's subtotal rows.
    fn write_chart(&mut self, cs: &mut Worksheet) -> Result<(), XlsxError> {
        cs.set_name(CHART_SHEET)?;
        let ny = self.overview.years.len() as u16;
        let hr = OVERVIEW_HEADER_ROW;
        let first = OVERVIEW_FIRST_YEAR_COL;
        let last = first + ny.max(1) - 1;
        let mut chart = Chart::new_column();
        chart.title().set_name(&format!(
            "{} – beløb pr. år fordelt på grupper ({})",
            self.format.committee, self.unit_name
        ));
        let mut label = ChartDataLabel::new();
        label.show_value().set_num_format("#,##0.0#");
        for (heading_row, sub_row) in &self.chart_series {
            chart
                .add_series()
                .set_name((OVERVIEW_SHEET, *heading_row, 0))
                .set_categories((OVERVIEW_SHEET, hr, first, hr, last))
                .set_values((OVERVIEW_SHEET, *sub_row, first, *sub_row, last))
                .set_data_label(&label);
        }
        chart.y_axis().set_name(&self.unit_name);
        chart.y_axis().set_num_format("#,##0");
        chart.legend().set_position(ChartLegendPosition::Bottom);
        cs.insert_chart(0, 0, &chart)?;
        cs.set_paper_size(9);
        cs.set_landscape();
        cs.set_footer("&L&8&A&R&8Side &P af &N");
        Ok(())
    }

    /// "Indsats | 2008 | 2009 | …" (years as numbers from column
    /// `first_year`; the caller writes what stands between).
    fn header_row<W: Sink>(
        &mut self,
        ws: &mut W,
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

    /// The "I alt" column of a total row: SUM of the `ny` year cells to its
    /// left, which start at column `first_year`.
    #[allow(clippy::too_many_arguments)]
    fn row_total<W: Sink>(
        &self,
        ws: &mut W,
        row: u32,
        first_year: u16,
        ny: u16,
        kroner: Decimal,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        let f = if ny == 0 {
            "=0".to_string()
        } else {
            format!(
                "=SUM({}:{})",
                a1(row, first_year),
                a1(row, first_year + ny - 1)
            )
        };
        self.total(ws, row, first_year + ny, &f, kroner, style)
    }

    /// File, sheet and cell of a budget line's title, for findings.
    fn line_origin(
        &self,
        at: Option<(usize, usize)>,
    ) -> (&'a str, Option<&'a str>, Option<&'a str>) {
        let model: &'a Model = self.model;
        match at.and_then(|(s, l)| {
            let sub = model.submissions.get(s)?;
            Some((sub, sub.budget_lines.get(l)?))
        }) {
            Some((sub, line)) => (
                sub.source.as_str(),
                non_empty(&line.source.sheet),
                non_empty(&line.source.cell),
            ),
            None => ("", None, None),
        }
    }

    // --- One sheet per submission -------------------------------------------

    fn write_submission(
        &mut self,
        sk: &mut Worksheet,
        ws: &mut Cells,
        si: usize,
    ) -> Result<(), XlsxError> {
        let model: &'a Model = self.model;
        let sub: &'a Submission = &model.submissions[si];
        let name = self.sub_sheets[si].clone();
        sk.set_name(&name)?;
        self.start_sheet();
        let years = self.overview.years.clone();
        let ny = years.len() as u16;
        let computed_col = 1 + ny;
        let stated_col = computed_col + 1;
        let check_col = stated_col + 1;
        let file = sub.source.clone();
        let origin = |sheet: &'a str, cell: &'a str| Origin {
            file: &sub.source,
            sheet: (!sheet.is_empty()).then_some(sheet),
            cell: (!cell.is_empty()).then_some(cell),
        };

        let titles = sub
            .budget_lines
            .iter()
            .map(|l| l.title.as_str())
            .chain(sub.stated_totals.iter().map(|t| t.title.as_str()))
            .chain(["Beregnet i alt", "Indsats"]);
        let title_width = fit_width(titles, 30, 55);
        self.col_width(sk, 0, title_width)?;
        for c in 1..computed_col {
            self.col_width(sk, c, 12.0)?;
        }
        // "I alt (beregnet)" and "I alt (angivet)" on one line when printed.
        self.col_width(sk, computed_col, 17.0)?;
        self.col_width(sk, stated_col, 17.0)?;
        self.col_width(sk, check_col, 30.0)?;

        let heading = sub
            .department
            .clone()
            .or_else(|| sub.metadata.department.clone())
            .unwrap_or_else(|| file.clone());
        self.text(ws, 0, 0, &heading, S::Title, origin("", ""))?;
        ws.put_string(&mut self.strings, 1, 0, &format!("Fil: {file}"), S::Text)?;
        let caption = format!(
            "Beløb i {} Beregnet = summen bilag har regnet; angivet = det afdelingen har skrevet.",
            self.unit_name
        );
        ws.put_string(&mut self.strings, 2, 0, &caption, S::Caption)?;

        let hr = 4;
        self.header_row(ws, hr, 1, &years)?;
        ws.put_string(
            &mut self.strings,
            hr,
            computed_col,
            "I alt (beregnet)",
            S::HeaderNum,
        )?;
        ws.put_string(
            &mut self.strings,
            hr,
            stated_col,
            "I alt (angivet)",
            S::HeaderNum,
        )?;
        ws.put_string(&mut self.strings, hr, check_col, "Kontrol", S::Header)?;
        ws.put_row_height(hr, 30.0)?;

        let mut row = hr + 1;
        let mut last_group: Option<&str> = None;
        let mut line_rows: Vec<u32> = Vec::new();
        for (li, line) in sub.budget_lines.iter().enumerate() {
            if let Some(g) = line.group.as_deref() {
                if last_group != Some(g) {
                    ws.merge_range(&mut self.strings, row, 0, row, check_col, "", S::Group)?;
                    let w = title_width + 12.0 * f64::from(stated_col) + 2.0 * 5.0 + 30.0;
                    self.merged_rows.insert(row, w);
                    self.text(
                        ws,
                        row,
                        0,
                        g,
                        S::Group,
                        origin(&line.source.sheet, &line.source.cell),
                    )?;
                    row += 1;
                }
            }
            last_group = line.group.as_deref();
            self.text(
                ws,
                row,
                0,
                &line.title,
                S::Wrap,
                origin(&line.source.sheet, &line.source.cell),
            )?;
            for (i, y) in years.iter().enumerate() {
                if let Some(a) = line.amounts.get(y) {
                    self.amount(ws, row, 1 + i as u16, *a, S::Amount)?;
                }
            }
            let computed: Decimal = line.amounts.values().copied().sum();
            if !line.amounts.is_empty() && ny > 0 {
                let f = format!("=SUM({}:{})", a1(row, 1), a1(row, ny));
                self.total(ws, row, computed_col, &f, computed, S::Amount)?;
            }
            if let Some(stated) = line.stated_total {
                if stated == computed {
                    self.amount(ws, row, stated_col, stated, S::Amount)?;
                    ws.put_string(&mut self.strings, row, check_col, "Stemmer", S::AgreesText)?;
                } else {
                    self.amount(ws, row, stated_col, stated, S::DiffersAmount)?;
                    let msg = format!("Afviger ({})", self.diff_text(stated - computed));
                    ws.put_string(&mut self.strings, row, check_col, &msg, S::DiffersText)?;
                }
            }
            self.sub_line_rows.insert((si, li), row);
            line_rows.push(row);
            row += 1;
        }
        if sub.budget_lines.is_empty() {
            ws.put_string(
                &mut self.strings,
                row,
                0,
                "Indberetningen har ingen budgetlinjer.",
                S::Caption,
            )?;
            row += 1;
        }
        row += 1;

        // Computed totals, then each stated total beside the computed sum of
        // the lines it covers.
        let all: Vec<usize> = (0..sub.budget_lines.len()).collect();
        let mut pairs: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        if sub.stated_totals.is_empty() && !all.is_empty() {
            pairs.push((None, all.clone()));
        }
        for (ti, t) in sub.stated_totals.iter().enumerate() {
            pairs.push((Some(ti), covered_lines(sub, t)));
        }
        for (ti, covered) in pairs {
            let stated = ti.map(|i| &sub.stated_totals[i]);
            let label = match stated {
                Some(t) => format!("Beregnet: {}", t.title),
                None => "Beregnet i alt".to_string(),
            };
            self.text(
                ws,
                row,
                0,
                &label,
                S::SubtotalText,
                match stated {
                    Some(t) => origin(&t.source.sheet, &t.source.cell),
                    None => origin("", ""),
                },
            )?;
            let rows: Vec<u32> = covered
                .iter()
                .filter_map(|li| self.sub_line_rows.get(&(si, *li)).copied())
                .collect();
            let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
            for li in &covered {
                for (y, a) in &sub.budget_lines[*li].amounts {
                    *sums.entry(y.as_str()).or_default() += *a;
                }
            }
            let computed_total: Decimal = sums.values().copied().sum();
            for (i, y) in years.iter().enumerate() {
                let col = 1 + i as u16;
                let v = sums.get(y.as_str()).copied().unwrap_or_default();
                let f = if rows.is_empty() {
                    "=0".to_string()
                } else {
                    sum_rows_formula(col, &rows)
                };
                self.total(ws, row, col, &f, v, S::SubtotalAmount)?;
            }
            let f = if ny == 0 {
                "=0".to_string()
            } else {
                format!("=SUM({}:{})", a1(row, 1), a1(row, ny))
            };
            self.total(ws, row, computed_col, &f, computed_total, S::SubtotalAmount)?;
            for c in [stated_col, check_col] {
                ws.write_blank(row, c, S::SubtotalAmount)?;
            }
            row += 1;

            if let (Some(ti), Some(t)) = (ti, stated) {
                self.text(
                    ws,
                    row,
                    0,
                    &format!("Angivet: {}", t.title),
                    S::Text,
                    origin(&t.source.sheet, &t.source.cell),
                )?;
                let mut differs: Vec<String> = Vec::new();
                for (i, y) in years.iter().enumerate() {
                    if let Some(a) = t.amounts.get(y) {
                        let c = sums.get(y.as_str()).copied().unwrap_or_default();
                        let fmt = if *a == c {
                            S::Amount
                        } else {
                            differs.push(y.to_string());
                            S::DiffersAmount
                        };
                        self.amount(ws, row, 1 + i as u16, *a, fmt)?;
                    }
                }
                // Years the stated row has that no line has.
                for y in t.amounts.keys() {
                    if !years.contains(y) {
                        differs.push(y.to_string());
                    }
                }
                if let Some(total) = t.total {
                    let fmt = if total == computed_total {
                        S::Amount
                    } else {
                        differs.push(self.format.document.total_column_label.clone());
                        S::DiffersAmount
                    };
                    self.amount(ws, row, stated_col, total, fmt)?;
                }
                if differs.is_empty() {
                    ws.put_string(&mut self.strings, row, check_col, "Stemmer", S::AgreesText)?;
                } else {
                    let mut msg = format!("Afviger: {}", differs.join(", "));
                    if let Some(total) = t.total {
                        if total != computed_total {
                            msg = format!("{msg} ({})", self.diff_text(total - computed_total));
                        }
                    }
                    ws.put_string(&mut self.strings, row, check_col, &msg, S::DiffersText)?;
                }
                self.sub_stated_rows.insert((si, ti), row);
                row += 2;
            } else {
                row += 1;
            }
        }
        self.finish_sheet(ws)?;
        page_setup(sk, hr, 0)?;
        Ok(())
    }

    /// "8,47 mio. kr. under beregnet": how far a stated amount is from the
    /// computed one, in the display unit.
    fn diff_text(&self, stated_minus_computed: Decimal) -> String {
        let d = self.shown(stated_minus_computed);
        let amount = d.abs().to_string().replace('.', ",");
        let side = if d.is_sign_negative() {
            "under"
        } else {
            "over"
        };
        format!("{amount} {} {side} beregnet", self.unit_name)
    }

    // --- Kilder --------------------------------------------------------------

    /// The Kilder sheet. rust_xlsxwriter writes everything but the data rows
    /// (title, header, closing rows, autofilter, print setup); the data rows
    /// are planned here and written into the package by
    /// [`sources::splice_package`] (see that module for why and how).
    fn write_sources(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_name(SOURCES_SHEET)?;
        self.start_sheet();
        let st = self.styles.clone();
        let title = "Kilder: hvor hvert beløb er læst";
        let caption = "Én række pr. beløb: afdeling, fil, ark og celle i indberetningen, teksten som den stod der, og beløbet i kroner som bilag har læst det.";
        ws.write_string_with_format(0, 0, title, &st[S::Title])?;
        ws.write_string_with_format(1, 0, caption, &st[S::Caption])?;
        let hr = 3;
        let headers = [
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
        for (c, (h, w)) in headers.iter().zip(sources::WIDTHS).enumerate() {
            ws.write_string_with_format(hr, c as u16, *h, &st[S::Header])?;
            self.col_width(ws, c as u16, w)?;
        }
        ws.set_row_height(hr, 30)?;

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
                ws.write_blank(first, c as u16, &st[*s])?;
            }
        }
        let row = first + plan.rows();
        self.sources_plan = Some(plan);

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
            ws.autofilter(hr, 0, row - 1, (headers.len() - 1) as u16)?;
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
        self.start_sheet();
        let st = self.styles.clone();
        let mut sorted = findings.to_vec();
        sort_findings(&mut sorted);
        let (e, w, i) = count_by_severity(&sorted);
        ws.write_string_with_format(0, 0, "Afstemning: fund der skal ses på", &st[S::Title])?;
        ws.write_string_with_format(
            1,
            0,
            format!("{e} fejl, {w} advarsler, {i} info. Fejl står først."),
            &st[S::Caption],
        )?;
        let hr = 3;
        let headers = ["Kode", "Hvad", "Alvor", "Fil", "Ark", "Celle", "Besked"];
        let widths = [20.0, 22.0, 10.0, 24.0, 14.0, 7.0, 90.0];
        for (c, (h, wd)) in headers.iter().zip(widths).enumerate() {
            ws.write_string_with_format(hr, c as u16, *h, &st[S::Header])?;
            self.col_width(ws, c as u16, wd)?;
        }
        let mut row = hr + 1;
        for f in &sorted {
            let origin = || Origin {
                file: &f.file,
                sheet: f.sheet.as_deref(),
                cell: f.cell.as_deref(),
            };
            let sev_fmt = match f.severity {
                crate::finding::Severity::Error => &st[S::DiffersText],
                _ => &st[S::Text],
            };
            ws.write_string_with_format(row, 0, f.code.as_str(), &st[S::Text])?;
            ws.write_string_with_format(row, 1, f.code.danish(), &st[S::Text])?;
            ws.write_string_with_format(row, 2, f.severity.danish(), sev_fmt)?;
            let mut d = Direct::new(ws, &st);
            self.text(&mut d, row, 3, &f.file, S::Text, origin())?;
            if let Some(s) = &f.sheet {
                self.text(&mut d, row, 4, s, S::Text, origin())?;
            }
            if let Some(c) = &f.cell {
                self.text(&mut d, row, 5, c, S::Text, origin())?;
            }
            self.text(&mut d, row, 6, &f.message, S::Wrap, origin())?;
            row += 1;
        }
        ws.autofilter(hr, 0, row.max(hr + 1) - 1, 6)?;
        self.finish_sheet(&mut Direct::new(ws, &st))?;
        page_setup(ws, hr, 0)?;
        Ok(())
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The lines a stated total covers: its `covers` range, else the lines of
/// its group, else every line.
fn covered_lines(sub: &Submission, t: &StatedTotal) -> Vec<usize> {
    let n = sub.budget_lines.len();
    if let Some((a, b)) = t.covers {
        return (a.min(n)..b.min(n)).collect();
    }
    if let Some(g) = &t.group {
        let in_group = |l: &BudgetLine| {
            l.group.as_deref() == Some(g.as_str()) || l.format_group.as_deref() == Some(g.as_str())
        };
        return (0..n).filter(|i| in_group(&sub.budget_lines[*i])).collect();
    }
    (0..n).collect()
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
