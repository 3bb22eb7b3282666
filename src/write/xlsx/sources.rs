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
//!   ([`splice_package`](super::splice::splice_package)), so the `xf` indices are those rust_xlsxwriter
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

use super::strings::{check_len, Strings};
use super::styles::StyleId;
use super::{
    cut_to_cell, quote_sheet, to_f64, wrapped_lines, Builder, Finding, LAST_SOURCE_ROW,
    MAX_CELL_CHARS, MAX_LINKS_PER_SHEET, OVERVIEW_FIRST_YEAR_COL, OVERVIEW_SHEET, SOURCES_SHEET,
};
use crate::model::{AmountSource, BudgetLine, StatedTotal};
use crate::write::xml;
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;
use std::borrow::Cow;
use std::io::Write;

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

/// Writes row `row`'s `<row>` start tag into the room left for it
/// (`room`, before the row's cells, written first), now that the height its
/// wrapped texts need is known; the room's unused part is removed.
fn place_row_tag(buf: &mut Vec<u8>, room: std::ops::Range<usize>, row: u32, height: f64) {
    let mut tag: Vec<u8> = Vec::with_capacity(64);
    // As Worksheet::set_row_height: points → whole pixels → points.
    let px = (height > 16.0).then(|| xml::height_px(height));
    xml::push_row_open(&mut tag, row, None, px, false);
    if tag.len() <= room.len() {
        let at = room.end - tag.len();
        buf[at..room.end].copy_from_slice(&tag);
        buf.drain(room.start..at);
    } else {
        buf.splice(room, tag);
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

/// The last text seen in a column and what it gave: a row repeats most of
/// its neighbour's texts (department, file, sheet, title), which then need
/// no hashing, cutting or measuring again.
#[derive(Clone, Copy)]
struct Seen<'t> {
    text: Option<&'t str>,
    value: u32,
}

impl<'t> Seen<'t> {
    const NONE: Seen<'static> = Seen {
        text: None,
        value: 0,
    };

    fn get(&self, s: &str) -> Option<u32> {
        (self.text == Some(s)).then_some(self.value)
    }

    fn set(&mut self, s: &'t str, value: u32) {
        *self = Seen {
            text: Some(s),
            value,
        };
    }
}

/// What every row of one submission shares.
struct SubCtx<'m, 's> {
    /// The submission's index.
    si: usize,
    dept: &'m str,
    /// The submission's file.
    file: &'m str,
    /// The submission's sheet in the workbook.
    sheet: &'s str,
    /// The stated-total column on that sheet.
    stated_col: u16,
    /// The year column's text for a stated total.
    total_label: &'m str,
}

/// What pass 1 learned, for pass 2.
pub(super) struct SourcesPlan {
    /// The zip part of the Kilder sheet ("xl/worksheets/sheet3.xml").
    pub part: String,
    /// First data row (0-based) and the number of rows written.
    first_row: u32,
    rows: u32,
    /// The local string index of each non-empty string cell, in order.
    ids: Vec<u32>,
    /// The data rows' styles in order of first use: Kilder's registration
    /// row.
    registered: Vec<StyleId>,
    /// String cells in the data rows (added to the table's `count`).
    string_cells: u64,
    /// An estimate of the XML's size, for the zip's large-file flag.
    estimate: u64,
}

impl<'a> Builder<'a> {
    /// Calls `f` for each Kilder row in order, borrowed from the model:
    /// per submission, its budget lines' amounts, then its stated totals'.
    pub(super) fn for_each_source<'s>(&'s self, mut f: impl FnMut(&SrcRow<'a, 's>)) {
        let total_label = self.format.document.total_column_label.as_str();
        for (si, sub) in self.model.submissions.iter().enumerate() {
            let ctx = SubCtx {
                si,
                dept: sub
                    .department
                    .as_deref()
                    .or(sub.metadata.department.as_deref())
                    .unwrap_or(""),
                file: &sub.source,
                sheet: self.sub_sheets[si].as_str(),
                stated_col: self.overview.years.len() as u16 + 2,
                total_label,
            };
            for (li, line) in sub.budget_lines.iter().enumerate() {
                self.line_sources(&ctx, li, line, &mut f);
            }
            for (ti, t) in sub.stated_totals.iter().enumerate() {
                self.stated_total_sources(&ctx, ti, t, &mut f);
            }
        }
    }

    /// A budget line's rows: an amount per year, each linked to its cell
    /// on the overview, then the stated total, linked to the line's row on
    /// the submission's sheet.
    #[inline]
    fn line_sources<'s>(
        &'s self,
        ctx: &SubCtx<'a, 's>,
        li: usize,
        line: &'a BudgetLine,
        f: &mut impl FnMut(&SrcRow<'a, 's>),
    ) {
        let row = |year, kind, src, kroner, target| SrcRow {
            dept: ctx.dept,
            file: ctx.file,
            sheet: line.source.sheet.as_str(),
            title: &line.title,
            year,
            kind,
            src,
            kroner,
            target,
        };
        let ov_row = self.placed.overview_rows.get(&(ctx.si, li)).copied();
        for (y, a) in &line.amounts {
            let target = ov_row.and_then(|r| {
                let i = self.overview.years.iter().position(|x| x == y)?;
                Some((OVERVIEW_SHEET, r, OVERVIEW_FIRST_YEAR_COL + i as u16))
            });
            f(&row(y, "Beløb", line.amount_sources.get(y), *a, target));
        }
        if let Some(t) = line.stated_total {
            // The stated column of the line's row on its sheet.
            let target = self
                .placed
                .sub_line_rows
                .get(&(ctx.si, li))
                .map(|r| (ctx.sheet, *r, ctx.stated_col));
            let src = line.total_source.as_ref();
            f(&row(ctx.total_label, "Angivet i alt", src, t, target));
        }
    }

    /// A stated total's rows: an amount per year, then its total, each
    /// linked to its cell on the submission's sheet.
    #[inline]
    fn stated_total_sources<'s>(
        &'s self,
        ctx: &SubCtx<'a, 's>,
        ti: usize,
        t: &'a StatedTotal,
        f: &mut impl FnMut(&SrcRow<'a, 's>),
    ) {
        let row = |year, src, kroner, target| SrcRow {
            dept: ctx.dept,
            file: ctx.file,
            sheet: t.source.sheet.as_str(),
            title: &t.title,
            year,
            kind: "Angivet total",
            src,
            kroner,
            target,
        };
        let stated_row = self.placed.sub_stated_rows.get(&(ctx.si, ti)).copied();
        for (y, a) in &t.amounts {
            let col = self.overview.years.iter().position(|x| x == y);
            let target = match (stated_row, col) {
                (Some(r), Some(i)) => Some((ctx.sheet, r, 1 + i as u16)),
                _ => None,
            };
            f(&row(y, t.amount_sources.get(y), *a, target));
        }
        if let Some(total) = t.total {
            // "I alt (angivet)" on the stated total's row.
            let target = stated_row.map(|r| (ctx.sheet, r, ctx.stated_col));
            f(&row(
                ctx.total_label,
                t.total_source.as_ref(),
                total,
                target,
            ));
        }
    }

    /// Pass 1: walks the data rows from `first_row` on. Returns the plan;
    /// numbers the rows' texts (in the builder's strings), counts omitted
    /// rows and pushes text-truncated findings.
    pub(super) fn plan_sources(
        &mut self,
        first_row: u32,
        part: String,
    ) -> Result<SourcesPlan, XlsxError> {
        // The overview's and the submissions' texts are numbered already;
        // Kilder's follow them. (Taken out while the rows are walked.)
        let strings = std::mem::replace(&mut self.strings, Strings::new());
        let mut planner = Planner::new(strings, first_row, part);
        let mut cells: Vec<Cell<'a, '_>> = Vec::with_capacity(12);
        let mut err: Option<XlsxError> = None;
        self.for_each_source(|r| {
            if err.is_none() {
                err = planner.row(r, &mut cells).err();
            }
        });
        let Planner {
            strings,
            plan,
            omitted,
            findings,
            ..
        } = planner;
        self.strings = strings;
        err.map_or(Ok(()), Err)?;
        self.sources_omitted = omitted;
        self.truncated.extend(findings);
        Ok(plan)
    }
}

/// Pass 1's state while it walks the rows.
struct Planner<'a> {
    /// Every text of the hand-written sheets so far.
    strings: Strings<'a>,
    plan: SourcesPlan,
    /// The next row (0-based).
    row: u32,
    /// Links made so far (Excel opens at most [`MAX_LINKS_PER_SHEET`]).
    links: usize,
    /// Rows past Excel's last row.
    omitted: usize,
    findings: Vec<Finding>,
    /// Per column, the last text and its string index.
    seen: [Seen<'a>; 12],
    /// Scratch for texts bilag makes (exact kroner, link text).
    made: String,
}

impl<'a> Planner<'a> {
    fn new(strings: Strings<'a>, first_row: u32, part: String) -> Self {
        Planner {
            strings,
            plan: SourcesPlan {
                part,
                first_row,
                rows: 0,
                ids: Vec::new(),
                registered: Vec::new(),
                string_cells: 0,
                estimate: 0,
            },
            row: first_row,
            links: 0,
            omitted: 0,
            findings: Vec::new(),
            seen: [Seen::NONE; 12],
            made: String::new(),
        }
    }

    /// One Kilder row: its styles, the indices of its shared texts, the
    /// findings for texts cut to fit.
    fn row<'t>(
        &mut self,
        r: &SrcRow<'a, 't>,
        cells: &mut Vec<Cell<'a, 't>>,
    ) -> Result<(), XlsxError> {
        if self.row > LAST_SOURCE_ROW {
            // Past Excel's last row: counted and reported, never a failed build.
            self.omitted += 1;
            return Ok(());
        }
        row_cells(r, &mut self.links, cells);
        self.plan.estimate += 300;
        for c in cells.iter() {
            if !self.plan.registered.contains(&c.sty) {
                self.plan.registered.push(c.sty);
            }
            if inline(c.col) {
                self.inline_cell(r, c)?;
            } else if let Some(id) = self.shared_cell(r, c)? {
                self.plan.string_cells += 1;
                self.plan.ids.push(id);
            }
        }
        self.row += 1;
        self.plan.rows += 1;
        Ok(())
    }

    /// A text written in its cell: only its length matters here.
    fn inline_cell(&mut self, r: &SrcRow<'a, '_>, c: &Cell<'a, '_>) -> Result<(), XlsxError> {
        match c.val {
            Val::Text { text, cut } if text.len() > MAX_CELL_CHARS => {
                if cut {
                    if let (_, Some(n)) = cut_to_cell(text) {
                        let f = self.cut_finding(r, n, c.col);
                        self.findings.push(f);
                    }
                } else {
                    check_len(text)?;
                }
                self.plan.estimate += MAX_CELL_CHARS as u64 * 4;
            }
            Val::Text { text, .. } => self.plan.estimate += text.len() as u64 + 20,
            _ => self.plan.estimate += 40,
        }
        Ok(())
    }

    /// A text through the shared-string table: its local index (none for
    /// a number or an empty text).
    fn shared_cell(
        &mut self,
        r: &SrcRow<'a, '_>,
        c: &Cell<'a, '_>,
    ) -> Result<Option<u32>, XlsxError> {
        let id = match c.val {
            Val::Number(_) => return Ok(None),
            Val::Text { text: "", .. } => return Ok(None),
            Val::Text { text, .. } if text.len() <= MAX_CELL_CHARS => {
                // Within the limit however it is counted.
                self.plan.estimate += text.len() as u64;
                let seen = &mut self.seen[c.col as usize];
                match seen.get(text) {
                    Some(id) => id,
                    None => {
                        let id = self.strings.id(Cow::Borrowed(text), Some(text));
                        seen.set(text, id);
                        id
                    }
                }
            }
            Val::Text { text, cut: true } => {
                self.plan.estimate += text.len() as u64;
                let (shown, original) = cut_to_cell(text);
                if let Some(n) = original {
                    let f = self.cut_finding(r, n, c.col);
                    self.findings.push(f);
                }
                let borrowed = (shown.len() == text.len()).then_some(text);
                self.strings.id(shown, borrowed)
            }
            Val::Text { text, cut: false } => {
                self.plan.estimate += text.len() as u64;
                check_len(text)?;
                self.strings.id(Cow::Borrowed(text), Some(text))
            }
            _ => {
                c.val.made_text(&mut self.made);
                self.plan.estimate += self.made.len() as u64;
                self.strings.id(Cow::Borrowed(self.made.as_str()), None)
            }
        };
        Ok(Some(id))
    }

    /// The finding for a text of `n` characters cut to fit its cell at
    /// this row and column `col`.
    fn cut_finding(&self, r: &SrcRow<'_, '_>, n: usize, col: u16) -> Finding {
        let cell = r.src.map(|s| s.cell.as_str()).unwrap_or("");
        super::truncated_finding(
            r.file,
            (!r.sheet.is_empty()).then_some(r.sheet),
            (!cell.is_empty()).then_some(cell),
            n,
            SOURCES_SHEET,
            self.row,
            col,
        )
    }
}

impl SourcesPlan {
    /// Whether any data row is written (and so a registration row too).
    pub fn has_rows(&self) -> bool {
        self.rows > 0
    }

    /// Data rows written.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// The first data row (0-based): the registration row in the skeleton.
    pub fn first_row(&self) -> u32 {
        self.first_row
    }

    /// String cells in the data rows (they count in the table's `count`).
    pub fn string_cells(&self) -> u64 {
        self.string_cells
    }

    /// An estimate of the sheet's XML size, for the zip's large-file flag.
    pub fn estimate(&self) -> u64 {
        self.estimate
    }

    /// The data rows' styles in order of first use, for the registration
    /// row.
    pub fn registered(&self) -> &[StyleId] {
        &self.registered
    }

    /// Pass 2: the `<row>` elements of the data rows into `out`, and the
    /// `<hyperlink>` elements into `links`.
    pub(super) fn write_rows(
        &self,
        b: &Builder<'_>,
        table: &[u32],
        xfs: &[u32; StyleId::ALL.len()],
        out: &mut dyn Write,
        links: &mut Vec<u8>,
    ) -> std::io::Result<()> {
        let mut w = RowWriter::new(self, table, xfs);
        let end = self.first_row + self.rows;
        let mut io_err: Option<std::io::Error> = None;
        b.for_each_source(|r| {
            if w.row >= end || io_err.is_some() {
                return;
            }
            w.row(r, links);
            if w.buf.len() > FLUSH_AT {
                if let Err(e) = out.write_all(&w.buf) {
                    io_err = Some(e);
                }
                w.buf.clear();
            }
        });
        if let Some(e) = io_err {
            return Err(e);
        }
        out.write_all(&w.buf)
    }

    /// The table index of the next shared-string cell (`next` counts them).
    #[inline]
    fn next_shared(&self, table: &[u32], next: &mut usize) -> u32 {
        let local = self.ids.get(*next).copied().unwrap_or(0);
        *next += 1;
        table.get(local as usize).copied().unwrap_or(0)
    }
}

/// Pass 2's buffer size; it is written out when it fills up to within 8
/// KiB of it.
const BUF_SIZE: usize = 1 << 18;
const FLUSH_AT: usize = BUF_SIZE - 8192;

/// Pass 2's state while it walks the rows.
struct RowWriter<'p, 'm, 't> {
    plan: &'p SourcesPlan,
    /// The final index of each local string.
    table: &'p [u32],
    /// The global xf index of each style.
    xfs: &'p [u32; StyleId::ALL.len()],
    /// The XML not yet written out.
    buf: Vec<u8>,
    /// The current row's cells (reused).
    cells: Vec<Cell<'m, 't>>,
    /// The current row (0-based).
    row: u32,
    /// Shared-string cells written so far.
    next_id: usize,
    /// Links made so far.
    link_count: usize,
    /// Scratch for texts bilag makes (exact kroner, link text).
    made: String,
    /// Per column: the last text and the row height it needs.
    heights: [Seen<'m>; 12],
}

impl<'p, 'm, 't> RowWriter<'p, 'm, 't> {
    fn new(plan: &'p SourcesPlan, table: &'p [u32], xfs: &'p [u32; StyleId::ALL.len()]) -> Self {
        RowWriter {
            plan,
            table,
            xfs,
            buf: Vec::with_capacity(BUF_SIZE),
            cells: Vec::with_capacity(12),
            row: plan.first_row,
            next_id: 0,
            link_count: 0,
            made: String::new(),
            heights: [Seen::NONE; 12],
        }
    }

    /// One `<row>` element into the buffer, its link into `links`.
    #[inline]
    fn row(&mut self, r: &SrcRow<'m, 't>, links: &mut Vec<u8>) {
        row_cells(r, &mut self.link_count, &mut self.cells);
        let row_start = self.buf.len();
        // Room for the <row> start tag, written once the height is known.
        self.buf.extend_from_slice(&[b' '; 64]);
        let cells_start = self.buf.len();
        // Taken out while its cells are written (no allocation).
        let cells = std::mem::take(&mut self.cells);
        let mut height: f64 = 15.0;
        for c in &cells {
            height = height.max(self.cell(c, links));
        }
        self.cells = cells;
        place_row_tag(&mut self.buf, row_start..cells_start, self.row, height);
        self.buf.extend_from_slice(b"</row>");
        self.row += 1;
    }

    /// One cell into the buffer (and its link into `links`); returns the
    /// row height its text needs.
    #[inline]
    fn cell(&mut self, c: &Cell<'m, 't>, links: &mut Vec<u8>) -> f64 {
        let (row, col) = (self.row, c.col);
        let xf = self.xfs[c.sty as usize];
        if let Val::Number(d) = c.val {
            xml::push_number_cell(&mut self.buf, row, col, xf, to_f64(d));
            return 15.0;
        }
        let text = cell_text(&c.val, &mut self.made);
        let height = if c.sty == StyleId::Wrap {
            wrap_height(&mut self.heights[col as usize], c, &text)
        } else {
            15.0
        };
        if text.is_empty() {
            // rust_xlsxwriter writes an empty text as a formatted blank cell.
            xml::push_blank_cell(&mut self.buf, row, col, xf);
        } else if inline(col) {
            xml::push_inline_string_cell(&mut self.buf, row, col, xf, &text);
        } else {
            let id = self.plan.next_shared(self.table, &mut self.next_id);
            xml::push_shared_string_cell(&mut self.buf, row, col, xf, id);
        }
        if let Val::Target {
            sheet,
            row: trow,
            col: tcol,
            link: true,
        } = c.val
        {
            let location = quote_sheet(sheet);
            xml::push_hyperlink(links, (row, col), &location, (trow, tcol), &text);
        }
        height
    }
}

/// The text a cell shows (not for a number): a submission's text cut to
/// fit, or one bilag makes (into `made`).
#[inline]
fn cell_text<'c>(val: &'c Val<'_, '_>, made: &'c mut String) -> Cow<'c, str> {
    match val {
        Val::Text { text, cut: true } if text.len() > MAX_CELL_CHARS => cut_to_cell(text).0,
        Val::Text { text, .. } => Cow::Borrowed(*text),
        v => {
            v.made_text(made);
            Cow::Borrowed(made.as_str())
        }
    }
}

/// The row height a wrapped text needs, as Builder::note_height (Excel
/// fits rows itself, LibreOffice does not); `seen` keeps the column's last
/// text and its line count.
#[inline]
fn wrap_height<'m>(seen: &mut Seen<'m>, c: &Cell<'m, '_>, text: &str) -> f64 {
    let lines = match seen.get(text) {
        Some(n) => n,
        None => {
            let n = wrapped_lines(text, WIDTHS[c.col as usize], false) as u32;
            if let Val::Text { text: t, .. } = c.val {
                seen.set(t, n);
            }
            n
        }
    };
    15.0 * f64::from(lines) + 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
