//! The data rows of the "Kilder" sheet, written as worksheet XML straight
//! into the package instead of cell by cell through rust_xlsxwriter.
//!
//! Kilder has a row per amount, 12 cells each: most of the workbook's cells
//! (940,000 rows for a 200,000-line submission). Through rust_xlsxwriter
//! every cell costs a `Format` hash, a shared-string hash, an `Arc<str>`
//! and a `BTreeMap` entry before its XML is written; here a row costs a few
//! hash look-ups of its texts and is written once, as the bytes
//! rust_xlsxwriter writes for a low-memory sheet.
//!
//! What rust_xlsxwriter still does, so that the package stays the same:
//! - the sheet itself: title, caption, header row, the closing rows, column
//!   widths, autofilter, print setup (everything around the data rows);
//! - the styles: each cell format of the data rows is registered in the
//!   order of its first use, in one throw-away row (the first data row) that
//!   is cut out of the sheet's XML when the real rows are spliced in
//!   ([`splice_package`]), so the `xf` indices are those rust_xlsxwriter
//!   would give them and styles.xml is unchanged;
//! - the shared-string table of every other sheet.
//!
//! Kilder's texts are numbered here in order of first use and added to the
//! end of rust_xlsxwriter's shared-string table when the package is
//! spliced, a text the table already has keeping its index there (texts
//! are matched by the bytes rust_xlsxwriter writes for them, [`xml::push_si`]).
//! Registering two million texts one by one with rust_xlsxwriter took
//! longer than writing the whole sheet. Only the order of the table
//! differs from a workbook written cell by cell: the same texts, each once,
//! the same `count` and `uniqueCount`.
//!
//! Pass 1 ([`Builder::plan_sources`]) walks the rows once to number texts
//! and formats and to find the texts that must be cut; pass 2
//! ([`SourcesPlan::write_rows`]) walks them again, at packaging time, and
//! streams the XML into the deflater.

use super::styles::{StyleId, Xfs};
use super::{
    cut_to_cell, quote_sheet, to_f64, wrapped_lines, Builder, Finding, LAST_SOURCE_ROW,
    MAX_CELL_CHARS, MAX_LINKS_PER_SHEET, OVERVIEW_FIRST_YEAR_COL, OVERVIEW_SHEET, SOURCES_SHEET,
};
use crate::model::AmountSource;
use crate::write::deflate::zip_part;
use crate::write::xml;
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Cursor, Read, Write};

/// Widths (characters) of Kilder's columns.
pub(super) const WIDTHS: [f64; 12] = [
    24.0, 22.0, 12.0, 7.0, 36.0, 7.0, 14.0, 16.0, 27.0, 13.0, 13.0, 24.0,
];

/// One Kilder row, borrowed from the model.
pub(super) struct SrcRow<'m, 't> {
    pub dept: &'m str,
    pub file: &'m str,
    pub sheet: &'m str,
    pub title: &'m str,
    pub year: &'m str,
    pub kind: &'static str,
    pub src: Option<&'m AmountSource>,
    pub kroner: Decimal,
    /// The cell the row links to: sheet, row, column.
    pub target: Option<(&'t str, u32, u16)>,
}

/// A cell's value.
enum Val<'m, 't> {
    /// Text; `cut` says it goes through [`cut_to_cell`] (texts from the
    /// submission), else it is written as it is.
    Text { text: &'m str, cut: bool },
    /// The amount in kroner, as a number.
    Number(Decimal),
    /// The amount in kroner, as exact text.
    Kroner(Decimal),
    /// "Sheet B7": an internal link to the cell, or (past Excel's limit on
    /// links) its text only.
    Target {
        sheet: &'t str,
        row: u32,
        col: u16,
        link: bool,
    },
}

impl Val<'_, '_> {
    /// The text of a value bilag makes (exact kroner, link text) into
    /// `buf`; false for the others.
    fn made_text(&self, buf: &mut String) -> bool {
        buf.clear();
        match self {
            Val::Kroner(d) => {
                push_kroner(buf, *d);
                true
            }
            Val::Target {
                sheet, row, col, ..
            } => {
                buf.push_str(sheet);
                buf.push(' ');
                xml::push_a1_str(buf, *row, *col);
                true
            }
            _ => false,
        }
    }
}

/// A decimal's mantissa and scale without trailing zeros (as
/// `Decimal::normalize`, without building a new decimal).
fn normalized(d: Decimal) -> (i128, u32) {
    let mut m = d.mantissa();
    let mut scale = d.scale();
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    (m, scale)
}

/// The exact kroner as [`kroner_string`](crate::model::kroner_string)
/// writes them (`Decimal::normalize().to_string()`).
fn push_kroner(buf: &mut String, d: Decimal) {
    use std::fmt::Write as _;
    let (m, scale) = normalized(d);
    if m == 0 {
        // Zero keeps Decimal's own text (and sign handling).
        let _ = write!(buf, "{}", d.normalize());
        return;
    }
    if m < 0 {
        buf.push('-');
    }
    let digits = m.unsigned_abs().to_string();
    let scale = scale as usize;
    if scale == 0 {
        buf.push_str(&digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        buf.push_str(int);
        buf.push('.');
        buf.push_str(frac);
    } else {
        buf.push_str("0.");
        for _ in 0..scale - digits.len() {
            buf.push('0');
        }
        buf.push_str(&digits);
    }
}

struct Cell<'m, 't> {
    col: u16,
    sty: StyleId,
    val: Val<'m, 't>,
}

/// Whether column `col`'s texts are written in the cell (`t="inlineStr"`)
/// rather than through the shared-string table: the cell address, the text
/// as typed, the exact kroner and the link are different on nearly every
/// row. For 200,000 budget lines they were 2 million one-off table entries,
/// which took longer to number, look up and write than the whole sheet.
/// The texts that repeat (department, file, sheet, title, year, kind,
/// unit) stay shared.
fn inline(col: u16) -> bool {
    matches!(col, 3 | 7 | 10 | 11)
}

/// The cells of one row, in column order (as today's writer wrote them).
fn row_cells<'m, 't>(r: &SrcRow<'m, 't>, links: &mut usize, out: &mut Vec<Cell<'m, 't>>) {
    out.clear();
    let text = |col, sty, text: &'m str, cut| Cell {
        col,
        sty,
        val: Val::Text { text, cut },
    };
    out.push(text(0, StyleId::Wrap, r.dept, true));
    out.push(text(1, StyleId::Text, r.file, true));
    out.push(text(2, StyleId::Text, r.sheet, true));
    let cell = r.src.map(|s| s.cell.as_str()).unwrap_or("");
    out.push(text(3, StyleId::Text, cell, false));
    out.push(text(4, StyleId::Wrap, r.title, true));
    out.push(text(5, StyleId::Text, r.year, false));
    out.push(text(6, StyleId::Text, r.kind, false));
    if let Some(s) = r.src {
        out.push(text(7, StyleId::Text, &s.raw, true));
        if let Some(u) = &s.unit {
            out.push(text(8, StyleId::Text, u, true));
        }
    }
    let sty = if normalized(r.kroner).1 == 0 {
        StyleId::KronerInt
    } else {
        StyleId::KronerDec
    };
    out.push(Cell {
        col: 9,
        sty,
        val: Val::Number(r.kroner),
    });
    out.push(Cell {
        col: 10,
        sty: StyleId::TextRight,
        val: Val::Kroner(r.kroner),
    });
    if let Some((sheet, row, col)) = r.target {
        let link = *links < MAX_LINKS_PER_SHEET;
        if link {
            *links += 1;
        }
        out.push(Cell {
            col: 11,
            sty: if link { StyleId::Link } else { StyleId::Text },
            val: Val::Target {
                sheet,
                row,
                col,
                link,
            },
        });
    }
}

/// The last text seen in each column, by address: a row repeats most of
/// its neighbour's texts (department, file, sheet, title), which then need
/// no hashing, cutting or measuring again.
#[derive(Clone, Copy)]
struct Seen {
    ptr: usize,
    len: usize,
    value: u32,
}

impl Seen {
    const NONE: Seen = Seen {
        ptr: 0,
        len: usize::MAX,
        value: 0,
    };

    fn get(&self, s: &str) -> Option<u32> {
        (self.ptr == s.as_ptr() as usize && self.len == s.len()).then_some(self.value)
    }

    fn set(&mut self, s: &str, value: u32) {
        *self = Seen {
            ptr: s.as_ptr() as usize,
            len: s.len(),
            value,
        };
    }
}

/// What pass 1 learned, for pass 2.
pub(super) struct SourcesPlan<'m> {
    /// The zip part of the Kilder sheet ("xl/worksheets/sheet3.xml").
    pub part: String,
    /// First data row (0-based) and the number of rows written.
    first_row: u32,
    rows: u32,
    /// The local string index of each non-empty string cell, in order.
    ids: Vec<u32>,
    /// The strings those indices stand for.
    strings: Strings<'m>,
    /// The data rows' styles in order of first use: Kilder's registration
    /// row.
    registered: Vec<StyleId>,
    /// String cells in the data rows (added to the table's `count`).
    string_cells: u64,
    /// String cells copied into rust_xlsxwriter's sheets for the chart
    /// (taken off the table's `count`, counted with their sheet).
    pub copied_strings: u64,
    /// An estimate of the XML's size, for the zip's large-file flag.
    estimate: u64,
}

/// A tiny FxHash: string keys hashed fast (no DoS concern: the texts come
/// from the committee's own submissions, and the map lives for one write).
#[derive(Default)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Kilder's own strings, numbered locally in order of first use (no
/// duplicates); [`splice_package`] maps them to the workbook's table.
pub(super) struct Strings<'m> {
    /// Hash → the first string with that hash; `clash` holds the others.
    ids: FxMap<u64, u32>,
    clash: HashMap<String, u32>,
    order: Vec<Cow<'m, str>>,
}

/// A `u64` key that is already a hash.
#[derive(Default)]
struct Id(u64);

impl Hasher for Id {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Id>>;

fn fx(bytes: &[u8]) -> u64 {
    let mut h = Fx::default();
    h.write(bytes);
    h.finish()
}

impl<'m> Strings<'m> {
    pub fn new() -> Self {
        Strings {
            ids: FxMap::default(),
            clash: HashMap::new(),
            order: Vec::new(),
        }
    }

    pub fn id(&mut self, s: Cow<'_, str>, borrowed: Option<&'m str>) -> u32 {
        let h = fx(s.as_bytes());
        let next = self.order.len() as u32;
        match self.ids.get(&h) {
            Some(&id) if self.order[id as usize] == s.as_ref() => return id,
            Some(_) => {
                if let Some(&id) = self.clash.get(s.as_ref()) {
                    return id;
                }
                self.clash.insert(s.to_string(), next);
            }
            None => {
                self.ids.insert(h, next);
            }
        }
        self.order.push(match borrowed {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(s.into_owned()),
        });
        next
    }

    /// The string with local index `id`.
    pub fn get(&self, id: u32) -> &str {
        self.order
            .get(id as usize)
            .map(|s| s.as_ref())
            .unwrap_or("")
    }

    /// The strings, by local index.
    pub fn len(&self) -> usize {
        self.order.len()
    }
}

/// A string too long for Excel's cell, as rust_xlsxwriter reports it.
fn check_len(s: &str) -> Result<(), XlsxError> {
    if s.len() > MAX_CELL_CHARS && s.encode_utf16().count() > MAX_CELL_CHARS {
        return Err(XlsxError::MaxStringLengthExceeded);
    }
    Ok(())
}

impl<'a> Builder<'a> {
    /// Calls `f` for each Kilder row in order, borrowed from the model.
    pub(super) fn for_each_source<'s>(&'s self, mut f: impl FnMut(&SrcRow<'a, 's>)) {
        let model = self.model;
        let total_label = self.format.document.total_column_label.as_str();
        for (si, sub) in model.submissions.iter().enumerate() {
            let dept = sub
                .department
                .as_deref()
                .or(sub.metadata.department.as_deref())
                .unwrap_or("");
            let sub_sheet = self.sub_sheets[si].as_str();
            let ny = self.overview.years.len() as u16;
            for (li, line) in sub.budget_lines.iter().enumerate() {
                let sheet = line.source.sheet.as_str();
                let ov_row = self.overview_rows.get(&(si, li)).copied();
                for (y, a) in &line.amounts {
                    let target = ov_row.and_then(|r| {
                        let i = self.overview.years.iter().position(|x| x == y)?;
                        let col = OVERVIEW_FIRST_YEAR_COL + i as u16;
                        Some((OVERVIEW_SHEET, r, col))
                    });
                    f(&SrcRow {
                        dept,
                        file: &sub.source,
                        sheet,
                        title: &line.title,
                        year: y,
                        kind: "Beløb",
                        src: line.amount_sources.get(y),
                        kroner: *a,
                        target,
                    });
                }
                if let Some(t) = line.stated_total {
                    // The stated column of the line's row on its sheet.
                    let target = self
                        .sub_line_rows
                        .get(&(si, li))
                        .map(|r| (sub_sheet, *r, ny + 2));
                    f(&SrcRow {
                        dept,
                        file: &sub.source,
                        sheet,
                        title: &line.title,
                        year: total_label,
                        kind: "Angivet i alt",
                        src: line.total_source.as_ref(),
                        kroner: t,
                        target,
                    });
                }
            }
            for (ti, t) in sub.stated_totals.iter().enumerate() {
                let sheet = t.source.sheet.as_str();
                let stated_row = self.sub_stated_rows.get(&(si, ti)).copied();
                for (y, a) in &t.amounts {
                    let col = self
                        .overview
                        .years
                        .iter()
                        .position(|x| x == y)
                        .map(|i| 1 + i as u16);
                    let target = match (stated_row, col) {
                        (Some(r), Some(c)) => Some((sub_sheet, r, c)),
                        _ => None,
                    };
                    f(&SrcRow {
                        dept,
                        file: &sub.source,
                        sheet,
                        title: &t.title,
                        year: y,
                        kind: "Angivet total",
                        src: t.amount_sources.get(y),
                        kroner: *a,
                        target,
                    });
                }
                if let Some(total) = t.total {
                    // "I alt (angivet)" on the stated total's row.
                    let target = stated_row.map(|r| (sub_sheet, r, ny + 2));
                    f(&SrcRow {
                        dept,
                        file: &sub.source,
                        sheet,
                        title: &t.title,
                        year: total_label,
                        kind: "Angivet total",
                        src: t.total_source.as_ref(),
                        kroner: total,
                        target,
                    });
                }
            }
        }
    }

    /// Pass 1: walks the data rows from `first_row` on. Returns the plan,
    /// the strings to register (in `strings.new`) and the formats in order
    /// of first use; counts omitted rows and pushes text-truncated findings.
    pub(super) fn plan_sources(
        &mut self,
        first_row: u32,
        part: String,
    ) -> Result<SourcesPlan<'a>, XlsxError> {
        // The overview's and the submissions' texts are numbered already.
        let mut strings = std::mem::replace(&mut self.strings, Strings::new());
        let strings = &mut strings;
        let mut ids: Vec<u32> = Vec::new();
        let mut first_use: Vec<StyleId> = Vec::new();
        let mut links = 0usize;
        let mut row = first_row;
        let mut omitted = 0usize;
        let mut cells: Vec<Cell<'a, '_>> = Vec::with_capacity(12);
        let mut findings: Vec<Finding> = Vec::new();
        let mut string_cells = 0u64;
        let mut estimate = 0u64;
        let mut err: Option<XlsxError> = None;
        let mut seen = [Seen::NONE; 12];
        let mut made = String::new();
        self.for_each_source(|r| {
            if err.is_some() {
                return;
            }
            if row > LAST_SOURCE_ROW {
                // Past Excel's last row: counted and reported, never a failed build.
                omitted += 1;
                return;
            }
            row_cells(r, &mut links, &mut cells);
            estimate += 300;
            let cell = r.src.map(|s| s.cell.as_str()).unwrap_or("");
            // A text cut to fit its cell, at this row and column `col`.
            let cut_finding = |n: usize, col: u16| {
                super::truncated_finding(
                    r.file,
                    (!r.sheet.is_empty()).then_some(r.sheet),
                    (!cell.is_empty()).then_some(cell),
                    n,
                    SOURCES_SHEET,
                    row,
                    col,
                )
            };
            for c in &cells {
                if !first_use.contains(&c.sty) {
                    first_use.push(c.sty);
                }
                let col = c.col as usize;
                if inline(c.col) {
                    // Written in the cell: only its length matters here.
                    match c.val {
                        Val::Text { text, cut } if text.len() > MAX_CELL_CHARS => {
                            if cut {
                                if let (_, Some(n)) = cut_to_cell(text) {
                                    findings.push(cut_finding(n, c.col));
                                }
                            } else if let Err(e) = check_len(text) {
                                err = Some(e);
                                return;
                            }
                            estimate += MAX_CELL_CHARS as u64 * 4;
                        }
                        Val::Text { text, .. } => estimate += text.len() as u64 + 20,
                        _ => estimate += 40,
                    }
                    continue;
                }
                let id = match c.val {
                    Val::Number(_) => continue,
                    Val::Text { text, cut } => {
                        if text.is_empty() {
                            continue;
                        }
                        estimate += text.len() as u64;
                        if text.len() <= MAX_CELL_CHARS {
                            // Within the limit however it is counted.
                            match seen[col].get(text) {
                                Some(id) => id,
                                None => {
                                    let id = strings.id(Cow::Borrowed(text), Some(text));
                                    seen[col].set(text, id);
                                    id
                                }
                            }
                        } else if cut {
                            let (shown, original) = cut_to_cell(text);
                            if let Some(n) = original {
                                findings.push(cut_finding(n, c.col));
                            }
                            let borrowed = (shown.len() == text.len()).then_some(text);
                            strings.id(shown, borrowed)
                        } else {
                            if let Err(e) = check_len(text) {
                                err = Some(e);
                                return;
                            }
                            strings.id(Cow::Borrowed(text), Some(text))
                        }
                    }
                    _ => {
                        c.val.made_text(&mut made);
                        estimate += made.len() as u64;
                        strings.id(Cow::Borrowed(made.as_str()), None)
                    }
                };
                string_cells += 1;
                ids.push(id);
            }
            row += 1;
        });
        if let Some(e) = err {
            return Err(e);
        }
        self.sources_omitted = omitted;
        self.truncated.extend(findings);
        Ok(SourcesPlan {
            part,
            first_row,
            rows: row - first_row,
            ids,
            registered: first_use,
            string_cells,
            copied_strings: 0,
            strings: std::mem::replace(strings, Strings::new()),
            estimate,
        })
    }
}

impl SourcesPlan<'_> {
    /// Whether any data row is written (and so a registration row too).
    pub fn has_rows(&self) -> bool {
        self.rows > 0
    }

    /// Data rows written.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// The data rows' styles in order of first use, for the registration
    /// row.
    pub fn registered(&self) -> &[StyleId] {
        &self.registered
    }

    /// Pass 2: the `<row>` elements of the data rows into `out`, and the
    /// `<hyperlink>` elements into `links`.
    fn write_rows(
        &self,
        b: &Builder<'_>,
        table: &[u32],
        xfs: &[u32; StyleId::ALL.len()],
        out: &mut dyn Write,
        links: &mut Vec<u8>,
    ) -> std::io::Result<()> {
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 18);
        let mut cells: Vec<Cell<'_, '_>> = Vec::with_capacity(12);
        let mut row = self.first_row;
        let end = self.first_row + self.rows;
        let mut next_id = 0usize;
        let mut link_count = 0usize;
        let mut io_err: Option<std::io::Error> = None;
        let mut made = String::new();
        // Per column: the last text and the row height it needs.
        let mut heights = [Seen::NONE; 12];
        b.for_each_source(|r| {
            if row >= end || io_err.is_some() {
                return;
            }
            row_cells(r, &mut link_count, &mut cells);
            let row_start = buf.len();
            // Room for the <row> start tag, written once the height is known.
            buf.extend_from_slice(&[b' '; 64]);
            let cells_start = buf.len();
            let mut height: f64 = 15.0;
            for c in &cells {
                let xf = xfs[c.sty as usize];
                let text: Cow<'_, str> = match &c.val {
                    Val::Number(d) => {
                        xml::push_number_cell(&mut buf, row, c.col, xf, to_f64(*d));
                        continue;
                    }
                    Val::Text { text, cut: true } if text.len() > MAX_CELL_CHARS => {
                        cut_to_cell(text).0
                    }
                    Val::Text { text, .. } => Cow::Borrowed(*text),
                    v => {
                        v.made_text(&mut made);
                        Cow::Borrowed(made.as_str())
                    }
                };
                if c.sty == StyleId::Wrap {
                    // As Builder::note_height: Excel fits rows itself,
                    // LibreOffice does not.
                    let col = c.col as usize;
                    let lines = match heights[col].get(&text) {
                        Some(n) => n,
                        None => {
                            let n = wrapped_lines(&text, WIDTHS[col], false) as u32;
                            if let Val::Text { text: t, .. } = c.val {
                                heights[col].set(t, n);
                            }
                            n
                        }
                    };
                    height = height.max(15.0 * f64::from(lines) + 1.0);
                }
                if text.is_empty() {
                    // rust_xlsxwriter writes an empty text as a formatted
                    // blank cell.
                    xml::push_blank_cell(&mut buf, row, c.col, xf);
                } else if inline(c.col) {
                    xml::push_inline_string_cell(&mut buf, row, c.col, xf, &text);
                } else {
                    let local = self.ids.get(next_id).copied().unwrap_or(0);
                    let id = table.get(local as usize).copied().unwrap_or(0);
                    next_id += 1;
                    xml::push_shared_string_cell(&mut buf, row, c.col, xf, id);
                }
                if let Val::Target {
                    sheet,
                    row: trow,
                    col: tcol,
                    link: true,
                } = c.val
                {
                    links.extend_from_slice(b"<hyperlink ref=\"");
                    xml::push_a1(links, row, c.col);
                    links.extend_from_slice(b"\" location=\"");
                    xml::push_attr(links, &quote_sheet(sheet));
                    links.push(b'!');
                    xml::push_a1(links, trow, tcol);
                    links.extend_from_slice(b"\" display=\"");
                    xml::push_attr(links, &text);
                    links.extend_from_slice(b"\"/>");
                }
            }
            // The <row> start tag, moved up against the cells.
            let mut tag: Vec<u8> = Vec::with_capacity(64);
            // As Worksheet::set_row_height: points → whole pixels → points.
            let px = (height > 16.0).then(|| xml::height_px(height));
            xml::push_row_open(&mut tag, row, None, px, false);
            if tag.len() <= cells_start - row_start {
                let at = cells_start - tag.len();
                buf[at..cells_start].copy_from_slice(&tag);
                buf.drain(row_start..at);
            } else {
                buf.splice(row_start..cells_start, tag);
            }
            buf.extend_from_slice(b"</row>");
            row += 1;
            if buf.len() > (1 << 18) - 8192 {
                if let Err(e) = out.write_all(&buf) {
                    io_err = Some(e);
                }
                buf.clear();
            }
        });
        if let Some(e) = io_err {
            return Err(e);
        }
        out.write_all(&buf)
    }
}

fn zip_err(e: impl std::fmt::Display) -> XlsxError {
    XlsxError::ParameterError(format!("budget.xlsx: {e}"))
}

/// The workbook's shared-string table as rust_xlsxwriter saved it, with
/// Kilder's strings added at its end: where each of Kilder's local
/// indices ends up, and the new table's parts.
struct Table {
    /// Local index → index in the table.
    ids: Vec<u32>,
    count: u64,
    unique: u64,
    /// The `<si>` elements rust_xlsxwriter wrote (bytes of `xml`).
    body: std::ops::Range<usize>,
    /// Text before `count`'s value, between count and uniqueCount's, and
    /// after uniqueCount's up to the end of the `<sst>` start tag.
    head: [std::ops::Range<usize>; 3],
}

fn attr_value(xml: &[u8], tag_end: usize, name: &[u8]) -> Option<std::ops::Range<usize>> {
    let at = xml[..tag_end].windows(name.len()).position(|w| w == name)? + name.len();
    let end = at + xml[at..tag_end].iter().position(|b| *b == b'"')?;
    Some(at..end)
}

fn number(xml: &[u8], r: &std::ops::Range<usize>) -> Result<u64, XlsxError> {
    std::str::from_utf8(&xml[r.clone()])
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| zip_err("sharedStrings.xml: bad count"))
}

fn merge_table(
    xml: &[u8],
    plan: &SourcesPlan<'_>,
    cells_strings: u64,
) -> Result<(Table, Vec<usize>), XlsxError> {
    let bad = || zip_err("sharedStrings.xml: unexpected layout");
    let sst = xml.windows(4).position(|w| w == b"<sst").ok_or_else(bad)?;
    let tag_end = sst + xml[sst..].iter().position(|b| *b == b'>').ok_or_else(bad)? + 1;
    let count_at = attr_value(xml, tag_end, b" count=\"").ok_or_else(bad)?;
    let unique_at = attr_value(xml, tag_end, b" uniqueCount=\"").ok_or_else(bad)?;
    if count_at.end > unique_at.start {
        return Err(bad());
    }
    let close = xml
        .windows(6)
        .rposition(|w| w == b"</sst>")
        .ok_or_else(bad)?;
    let count = number(xml, &count_at)?;
    let unique = number(xml, &unique_at)?;
    // Index rust_xlsxwriter's entries by their bytes.
    let mut known: FxMap<u64, u32> = FxMap::default();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut clash: HashMap<&[u8], u32> = HashMap::new();
    let mut at = tag_end;
    while at < close {
        let len = xml[at..close]
            .windows(5)
            .position(|w| w == b"</si>")
            .ok_or_else(bad)?
            + 5;
        let si = &xml[at..at + len];
        let n = spans.len() as u32;
        match known.get(&fx(si)) {
            Some(&i) if &xml[spans[i as usize].clone()] == si => {}
            Some(_) => {
                clash.entry(si).or_insert(n);
            }
            None => {
                known.insert(fx(si), n);
            }
        }
        spans.push(at..at + len);
        at += len;
    }
    let mut ids = Vec::with_capacity(plan.strings.len());
    let mut added = Vec::new();
    let mut buf = Vec::new();
    let mut next = unique as u32;
    for (local, s) in plan.strings.order.iter().enumerate() {
        buf.clear();
        xml::push_si(&mut buf, s);
        let found = match known.get(&fx(&buf)) {
            Some(&i) if xml[spans[i as usize].clone()] == buf[..] => Some(i),
            _ => clash.get(&buf[..]).copied(),
        };
        ids.push(match found {
            Some(i) => i,
            None => {
                added.push(local);
                next += 1;
                next - 1
            }
        });
    }
    Ok((
        Table {
            ids,
            count: (count + plan.string_cells + cells_strings).saturating_sub(plan.copied_strings),
            unique: unique + added.len() as u64,
            body: tag_end..close,
            head: [
                0..count_at.start,
                count_at.end..unique_at.start,
                unique_at.end..tag_end,
            ],
        },
        added,
    ))
}

/// Part `i` of the skeleton package, as text.
fn read_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<String, XlsxError> {
    let mut xml = String::new();
    archive
        .by_index(i)
        .map_err(zip_err)?
        .read_to_string(&mut xml)
        .map_err(zip_err)?;
    Ok(xml)
}

/// Where the `<row>` element starting at `start` ends (after `</row>`).
fn row_end(xml: &str, start: usize) -> Option<usize> {
    xml[start..]
        .find("</row>")
        .map(|e| start + e + "</row>".len())
}

/// Rewrites the package rust_xlsxwriter saved: the Kilder sheet gets its
/// data rows (in place of the registration row) and their hyperlinks, and
/// the shared-string table Kilder's strings that it does not have yet.
/// Every other part is copied as it was compressed.
pub(super) fn splice_package<W: Write + std::io::Seek>(
    skeleton: &[u8],
    plan: &SourcesPlan<'_>,
    b: &Builder<'_>,
    sheets: &mut [(String, super::cells::Cells)],
    out: W,
) -> Result<W, XlsxError> {
    let by_part: HashMap<&str, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_str(), i))
        .collect();
    let by_part: HashMap<String, usize> = by_part
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    use zip::write::SimpleFileOptions;
    const SST: &str = "xl/sharedStrings.xml";
    let mut archive = zip::ZipArchive::new(Cursor::new(skeleton)).map_err(zip_err)?;
    let mut sst = Vec::new();
    archive
        .by_name(SST)
        .map_err(zip_err)?
        .read_to_end(&mut sst)
        .map_err(zip_err)?;
    // Cells in order first: the table's count needs their string cells.
    let dimensions: Vec<String> = sheets.iter_mut().map(|(_, c)| c.finish()).collect();
    let cells_strings: u64 = sheets.iter().map(|(_, c)| c.string_cells()).sum();
    let (table, added) = merge_table(&sst, plan, cells_strings)?;
    let mut out = zip::ZipWriter::new(out);
    // Each style's xf index, from the registration rows.
    let mut xfs = Xfs::default();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(i64::from(crate::write::deflate::LEVEL)))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let name = archive
            .by_index_raw(i)
            .map_err(zip_err)?
            .name()
            .map_err(zip_err)?
            .to_string();
        if let Some(&si) = by_part.get(name.as_str()) {
            let cells = &mut sheets[si].1;
            let xml = read_part(&mut archive, i)?;
            // The registration row (row 1), if the sheet registered formats:
            // their xf indices. Sheets come in order, so every format a
            // sheet uses was registered by it or an earlier one.
            let registration = match xml.find("<row r=\"1\"") {
                Some(start) if !cells.registered().is_empty() => {
                    let end = row_end(&xml, start)
                        .ok_or_else(|| zip_err("registration row not closed"))?;
                    xfs.learn(cells.registered(), &xml[start..end])?;
                    Some(start)
                }
                Some(_) => return Err(zip_err("a row in a sheet that registered nothing")),
                None => None,
            };
            let local_xfs = cells
                .styles()
                .iter()
                .map(|s| xfs.get(*s))
                .collect::<Result<Vec<u32>, _>>()?;
            let dimension = &dimensions[si];
            // Every row rust_xlsxwriter wrote (the registration row and the
            // chart's copies) makes way for the sheet's own, up to and with
            // </sheetData>; a sheet without any has an empty <sheetData/>,
            // which opens here instead.
            let (start, after, open) = match registration {
                Some(start) => {
                    let end = xml
                        .find("</sheetData>")
                        .ok_or_else(|| zip_err("sheetData not closed"))?;
                    (start, end + "</sheetData>".len(), "")
                }
                None => {
                    let at = xml
                        .find("<sheetData/>")
                        .ok_or_else(|| zip_err("sheetData not found"))?;
                    (at, at + "<sheetData/>".len(), "<sheetData>")
                }
            };
            let head = &xml[..start];
            let d = head
                .find("<dimension ref=\"")
                .map(|d| d + "<dimension ref=\"".len())
                .ok_or_else(|| zip_err("dimension not found"))?;
            let d_end = d + head[d..].find('"').unwrap_or(0);
            let rest = &xml[after..];
            let ids = &table.ids;
            zip_part(&mut out, &name, options, |w| {
                w.write_all(&head.as_bytes()[..d])?;
                w.write_all(dimension.as_bytes())?;
                w.write_all(&head.as_bytes()[d_end..])?;
                w.write_all(open.as_bytes())?;
                let merges = cells.write(&local_xfs, ids, w)?;
                w.write_all(b"</sheetData>")?;
                w.write_all(&merges)?;
                w.write_all(rest.as_bytes())
            })
            .map_err(zip_err)?;
        } else if name == plan.part && plan.has_rows() {
            let xml = read_part(&mut archive, i)?;
            let large = plan.estimate + xml.len() as u64 > u64::from(u32::MAX) / 2;
            // The registration row is the first data row.
            let open = format!("<row r=\"{}\"", plan.first_row + 1);
            let start = xml
                .find(&open)
                .ok_or_else(|| zip_err("Kilder: registration row not found"))?;
            let end = row_end(&xml, start)
                .ok_or_else(|| zip_err("Kilder: registration row not closed"))?;
            xfs.learn(plan.registered(), &xml[start..end])?;
            let mut row_xfs = [0u32; StyleId::ALL.len()];
            for s in plan.registered() {
                row_xfs[*s as usize] = xfs.get(*s)?;
            }
            let ids = &table.ids;
            zip_part(&mut out, &name, options.large_file(large), |w| {
                w.write_all(&xml.as_bytes()[..start])?;
                let mut links = Vec::new();
                plan.write_rows(b, ids, &row_xfs, w, &mut links)?;
                let rest = &xml[end..];
                // <hyperlinks> comes right before <printOptions>/<pageMargins>.
                let at = rest
                    .find("<printOptions")
                    .or_else(|| rest.find("<pageMargins"))
                    .unwrap_or(rest.len());
                w.write_all(&rest.as_bytes()[..at])?;
                if !links.is_empty() {
                    w.write_all(b"<hyperlinks>")?;
                    w.write_all(&links)?;
                    w.write_all(b"</hyperlinks>")?;
                }
                w.write_all(&rest.as_bytes()[at..])
            })
            .map_err(zip_err)?;
        } else if name == SST {
            zip_part(&mut out, &name, options, |w| {
                let [h0, h1, h2] = &table.head;
                w.write_all(&sst[h0.clone()])?;
                w.write_all(table.count.to_string().as_bytes())?;
                w.write_all(&sst[h1.clone()])?;
                w.write_all(table.unique.to_string().as_bytes())?;
                w.write_all(&sst[h2.clone()])?;
                w.write_all(&sst[table.body.clone()])?;
                let mut buf = Vec::with_capacity(1 << 16);
                for local in &added {
                    xml::push_si(&mut buf, &plan.strings.order[*local]);
                    if buf.len() > 60_000 {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                w.write_all(&buf)?;
                w.write_all(&sst[table.body.end..])
            })
            .map_err(zip_err)?;
        } else {
            let f = archive.by_index_raw(i).map_err(zip_err)?;
            out.raw_copy_file(f).map_err(zip_err)?;
        }
    }
    out.finish().map_err(zip_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kilder's strings are matched against rust_xlsxwriter's table by their
    /// written form, and written after it in that form: it must be exactly
    /// rust_xlsxwriter's.
    #[test]
    fn strings_are_written_as_rust_xlsxwriter_writes_them() {
        let samples = [
            "plain",
            " lead",
            "trail ",
            "\ttab",
            "line\nbreak",
            "a&b<c>d\"e'",
            "ctl\u{1}\u{8}\u{b}\u{1f}\r",
            "_x0041_",
            "a_x00G1_b_x12AB_c_x00",
            "__x0041__x1",
            "æøå €_xABCD_",
            "nonchar\u{FFFE}\u{FFFF}",
            "=HYPERLINK(\"x\")",
        ];
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (i, s) in samples.iter().enumerate() {
            ws.write_string(i as u32, 0, *s).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut sst = String::new();
        zip.by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_string(&mut sst)
            .unwrap();
        let mut want = String::new();
        for s in samples {
            let mut b = Vec::new();
            xml::push_si(&mut b, s);
            want.push_str(std::str::from_utf8(&b).unwrap());
        }
        assert!(sst.contains(&want), "{sst}\n{want}");
    }

    #[test]
    fn kroner_text_is_the_normalized_decimal() {
        use std::str::FromStr;
        let mut buf = String::new();
        let mut x: i64 = 7;
        for scale in 0..=28u32 {
            for m in [
                0i64,
                1,
                -1,
                10,
                -10,
                12_290_000,
                -1_653,
                1_000_000_000_000,
                999_999_999_999_999_999,
                i64::MAX,
                i64::MIN + 1,
                x,
                -x,
            ] {
                let d = Decimal::new(m, scale);
                buf.clear();
                push_kroner(&mut buf, d);
                assert_eq!(buf, d.normalize().to_string(), "{m} e-{scale}");
                assert_eq!(normalized(d).1, d.normalize().scale(), "{m} e-{scale}");
            }
            x = x.wrapping_mul(1_000_003).wrapping_add(12_345) % 1_000_000_000_000_000;
        }
        for t in [
            "-0",
            "0.000",
            "79228162514264337593543950335",
            "-0.0000000000000000000000000001",
        ] {
            let d = Decimal::from_str(t).unwrap();
            buf.clear();
            push_kroner(&mut buf, d);
            assert_eq!(buf, d.normalize().to_string(), "{t}");
        }
    }

    #[test]
    fn local_string_indices_are_first_use_without_duplicates() {
        let mut s = Strings::new();
        let a = String::from("Beløb");
        assert_eq!(s.id(Cow::Borrowed(&a), Some(&a)), 0);
        assert_eq!(s.id(Cow::Borrowed("x"), None), 1);
        assert_eq!(s.id(Cow::Owned("Beløb".to_string()), None), 0);
        assert_eq!(s.id(Cow::Borrowed("x"), None), 1);
        assert_eq!(s.len(), 2);
    }
}
