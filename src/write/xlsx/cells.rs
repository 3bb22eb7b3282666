//! The cells of the overview and the submission sheets, kept compactly and
//! written as worksheet XML when the package is spliced, instead of through
//! rust_xlsxwriter (a `Format` hash, a `BTreeMap` entry and an `Arc<str>`
//! per cell, and every cell of every sheet held until saving).
//!
//! The writers call the same methods they would call on a
//! [`Worksheet`]; the XML is what rust_xlsxwriter writes for a worksheet in
//! its standard mode (row spans, heights, merged cells). rust_xlsxwriter
//! still writes the sheet around the cells (name, column widths, panes,
//! print setup) and registers the sheet's formats, in order of first use,
//! in one throw-away row that is cut out again; the `xf` index each format
//! got is read back from that row, so styles.xml and every `s` attribute
//! stay as they were. Texts are numbered in the builder's [`Strings`]
//! table, which joins the workbook's shared-string table at its end.

use super::strings::{check_len, Strings};
use super::styles::{StyleId, Styles};
use crate::write::xml;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// A cell's value in 16 bytes (a sheet of 200,000 lines has 1,5 million
/// cells): texts and formulas are kept elsewhere, by index.
enum Val {
    /// A string: its index in the builder's strings.
    Str(u32),
    Number(f64),
    /// A formula and its cached result: an index into [`Cells::formulas`].
    Formula(u32),
    Blank,
}

struct Entry {
    row: u32,
    col: u16,
    /// Local style index (order of first use in this sheet).
    style: u16,
    val: Val,
}

/// One sheet's cells.
pub(super) struct Cells {
    name: String,
    entries: Vec<Entry>,
    /// Row → height in pixels (as rust_xlsxwriter keeps it).
    heights: HashMap<u32, u32>,
    merges: Vec<(u32, u16, u32, u16)>,
    /// The styles in order of first use (a cell's local style index).
    styles: Vec<StyleId>,
    /// The styles this sheet registered with rust_xlsxwriter (the ones no
    /// earlier sheet did), in the order of the registration row.
    registered: Vec<StyleId>,
    /// Each formula's text and result, one after the other in
    /// `formula_text`: where the formula starts, where the result starts.
    formulas: Vec<(u32, u32)>,
    formula_text: String,
}

/// What the sink of a writer must do: a rust_xlsxwriter worksheet, or
/// [`Cells`].
pub(super) trait Sink {
    fn put_string(
        &mut self,
        strings: &mut Strings<'_>,
        row: u32,
        col: u16,
        text: &str,
        style: StyleId,
    ) -> Result<(), XlsxError>;
    fn put_number(&mut self, row: u32, col: u16, n: f64, style: StyleId) -> Result<(), XlsxError>;
    fn put_formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        result: String,
        style: StyleId,
    ) -> Result<(), XlsxError>;
    fn put_row_height(&mut self, row: u32, points: f64) -> Result<(), XlsxError>;
    fn sheet_name(&self) -> String;
}

/// A rust_xlsxwriter worksheet as a [`Sink`], with the styles' formats.
pub(super) struct Direct<'w> {
    pub ws: &'w mut Worksheet,
    pub styles: &'w Styles,
}

impl<'w> Direct<'w> {
    pub fn new(ws: &'w mut Worksheet, styles: &'w Styles) -> Self {
        Direct { ws, styles }
    }
}

impl Sink for Direct<'_> {
    fn put_string(
        &mut self,
        _: &mut Strings<'_>,
        row: u32,
        col: u16,
        text: &str,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        super::write_text(self.ws, row, col, text, &self.styles[style])
    }
    fn put_number(&mut self, row: u32, col: u16, n: f64, style: StyleId) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(row, col, n, &self.styles[style])?;
        Ok(())
    }
    fn put_formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        result: String,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        let f = rust_xlsxwriter::Formula::new(formula).set_result(result);
        self.ws
            .write_formula_with_format(row, col, f, &self.styles[style])?;
        Ok(())
    }
    fn put_row_height(&mut self, row: u32, points: f64) -> Result<(), XlsxError> {
        self.ws.set_row_height(row, points)?;
        Ok(())
    }
    fn sheet_name(&self) -> String {
        self.ws.name()
    }
}

/// Excel's last row and column (0-based).
const ROW_MAX: u32 = 1_048_575;
const COL_MAX: u16 = 16_383;

fn check(row: u32, col: u16) -> Result<(), XlsxError> {
    if row > ROW_MAX || col > COL_MAX {
        return Err(XlsxError::RowColumnLimitError);
    }
    Ok(())
}

impl Cells {
    pub fn new(name: &str) -> Cells {
        Cells {
            name: name.to_string(),
            entries: Vec::new(),
            heights: HashMap::new(),
            merges: Vec::new(),
            styles: Vec::new(),
            registered: Vec::new(),
            formulas: Vec::new(),
            formula_text: String::new(),
        }
    }

    /// Formula `i`'s text and cached result.
    fn formula(&self, i: u32) -> (&str, &str) {
        let at = |j: usize| self.formulas.get(j).map(|f| f.0 as usize);
        let (start, mid) = self.formulas[i as usize];
        let end = at(i as usize + 1).unwrap_or(self.formula_text.len());
        (
            &self.formula_text[start as usize..mid as usize],
            &self.formula_text[mid as usize..end],
        )
    }

    /// The local index of `style`.
    fn local(&mut self, style: StyleId) -> u16 {
        if let Some(i) = self.styles.iter().position(|s| *s == style) {
            return i as u16;
        }
        self.styles.push(style);
        (self.styles.len() - 1) as u16
    }

    fn push(&mut self, row: u32, col: u16, style: StyleId, val: Val) -> Result<(), XlsxError> {
        check(row, col)?;
        let style = self.local(style);
        self.entries.push(Entry {
            row,
            col,
            style,
            val,
        });
        Ok(())
    }

    pub fn write_blank(&mut self, row: u32, col: u16, style: StyleId) -> Result<(), XlsxError> {
        self.push(row, col, style, Val::Blank)
    }

    /// As `Worksheet::merge_range`: the text in the first cell, formatted
    /// blanks in the others.
    #[allow(clippy::too_many_arguments)]
    pub fn merge_range(
        &mut self,
        strings: &mut Strings<'_>,
        first_row: u32,
        first_col: u16,
        last_row: u32,
        last_col: u16,
        text: &str,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        check(first_row, first_col)?;
        check(last_row, last_col)?;
        if first_row > last_row || first_col > last_col {
            return Err(XlsxError::RowColumnOrderError);
        }
        if first_row == last_row && first_col == last_col {
            return Err(XlsxError::MergeRangeSingleCell);
        }
        self.put_string(strings, first_row, first_col, text, style)?;
        for col in first_col + 1..=last_col {
            self.write_blank(first_row, col, style)?;
        }
        for row in first_row + 1..=last_row {
            for col in first_col..=last_col {
                self.write_blank(row, col, style)?;
            }
        }
        self.merges.push((first_row, first_col, last_row, last_col));
        Ok(())
    }

    /// Registers with rust_xlsxwriter, in order of first use, the sheet's
    /// formats that no earlier sheet registered (`known`, updated): as
    /// formatted blanks in row 0 of the skeleton sheet. rust_xlsxwriter
    /// numbers formats in order of first use, sheet by sheet, so the
    /// workbook's styles are those it would make from the cells themselves;
    /// a sheet that uses no new format gets no registration row (8 KB less
    /// per sheet in rust_xlsxwriter, 40 MB for 5,000 submissions). `all`
    /// are the formats the writers use (the builder's styles).
    pub fn register_formats(
        &mut self,
        sk: &mut Worksheet,
        styles: &Styles,
        known: &mut HashSet<StyleId>,
    ) -> Result<(), XlsxError> {
        for s in &self.styles {
            if known.insert(*s) {
                sk.write_blank(0, self.registered.len() as u16, &styles[*s])?;
                self.registered.push(*s);
            }
        }
        Ok(())
    }

    /// The styles in this sheet's registration row, by column.
    pub fn registered(&self) -> &[StyleId] {
        &self.registered
    }

    /// The styles the sheet uses, by local index.
    pub fn styles(&self) -> &[StyleId] {
        &self.styles
    }

    /// Copies the cells of `rows` (final values) into the skeleton sheet:
    /// rust_xlsxwriter fills a chart's cached values from the worksheet it
    /// charts. Returns the number of string cells copied (they are counted
    /// in rust_xlsxwriter's string table). Call after
    /// [`Cells::register_formats`], so the formats keep their order.
    pub fn copy_rows_to(
        &self,
        sk: &mut Worksheet,
        rows: &std::collections::HashSet<u32>,
        strings: &Strings<'_>,
        styles: &Styles,
    ) -> Result<usize, XlsxError> {
        let mut last: std::collections::BTreeMap<(u32, u16), &Entry> = Default::default();
        for e in self.entries.iter().filter(|e| rows.contains(&e.row)) {
            last.insert((e.row, e.col), e);
        }
        let mut n = 0;
        for ((row, col), e) in last {
            let f = &styles[self.styles[e.style as usize]];
            match &e.val {
                Val::Str(id) => {
                    super::write_text(sk, row, col, strings.get(*id), f)?;
                    n += 1;
                }
                Val::Number(v) => {
                    sk.write_number_with_format(row, col, *v, f)?;
                }
                Val::Formula(i) => {
                    let (formula, result) = self.formula(*i);
                    let fo = rust_xlsxwriter::Formula::new(formula).set_result(result);
                    sk.write_formula_with_format(row, col, fo, f)?;
                }
                Val::Blank => {
                    sk.write_blank(row, col, f)?;
                }
            }
        }
        Ok(n)
    }

    /// Number of string cells (after [`Cells::finish`]).
    pub fn string_cells(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| matches!(e.val, Val::Str(_)))
            .count() as u64
    }

    /// Puts the cells in order (a later write to a cell replaces an
    /// earlier one) and returns the sheet's dimension ("A1:F5931").
    pub fn finish(&mut self) -> String {
        self.entries.sort_by_key(|e| (e.row, e.col));
        self.entries.dedup_by(|later, kept| {
            let same = later.row == kept.row && later.col == kept.col;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        let mut first_row = u32::MAX;
        let mut last_row = 0;
        let mut first_col = u16::MAX;
        let mut last_col = 0;
        for e in &self.entries {
            first_row = first_row.min(e.row);
            last_row = last_row.max(e.row);
            first_col = first_col.min(e.col);
            last_col = last_col.max(e.col);
        }
        for r in self.heights.keys() {
            first_row = first_row.min(*r);
            last_row = last_row.max(*r);
            first_col = 0;
        }
        if first_row == u32::MAX {
            return "A1".to_string();
        }
        let a = xml::a1(first_row, first_col);
        let b = xml::a1(last_row, last_col);
        if a == b {
            a
        } else {
            format!("{a}:{b}")
        }
    }

    /// The sheet's `<row>` elements into `out` (after [`Cells::finish`]),
    /// given the global xf index of each local format and the final index
    /// of each string; returns the `<mergeCells>` element.
    pub fn write(
        &self,
        xfs: &[u32],
        strings: &[u32],
        out: &mut dyn Write,
    ) -> std::io::Result<Vec<u8>> {
        let cells = &self.entries[..];
        let spans = self.spans();
        // Rows with a height but no cell are written empty.
        let mut rows_with_height: Vec<u32> = self.heights.keys().copied().collect();
        rows_with_height.sort_unstable();
        let (mut i, mut hi) = (0, 0);
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
        while i < cells.len() || hi < rows_with_height.len() {
            let next_cell_row = cells.get(i).map(|e| e.row).unwrap_or(u32::MAX);
            let next_h_row = rows_with_height.get(hi).copied().unwrap_or(u32::MAX);
            if next_h_row < next_cell_row {
                self.push_row_open(&mut buf, &spans, next_h_row, true);
                hi += 1;
                continue;
            }
            let row = next_cell_row;
            if next_h_row == row {
                hi += 1;
            }
            self.push_row_open(&mut buf, &spans, row, false);
            while i < cells.len() && cells[i].row == row {
                self.push_cell(&mut buf, &cells[i], xfs, strings);
                i += 1;
            }
            buf.extend_from_slice(b"</row>");
            if buf.len() > (1 << 17) - 4096 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)?;
        Ok(self.merge_cells_xml())
    }

    /// Spans: the first and last column with a cell in each block of 16
    /// rows.
    fn spans(&self) -> HashMap<u32, (u16, u16)> {
        let mut spans: HashMap<u32, (u16, u16)> = HashMap::new();
        for e in &self.entries {
            let s = spans.entry(e.row / 16).or_insert((e.col, e.col));
            s.0 = s.0.min(e.col);
            s.1 = s.1.max(e.col);
        }
        spans
    }

    /// Row `row`'s start tag, with its block's span and its height.
    fn push_row_open(
        &self,
        buf: &mut Vec<u8>,
        spans: &HashMap<u32, (u16, u16)>,
        row: u32,
        empty: bool,
    ) {
        let spans = spans.get(&(row / 16)).copied();
        let px = self.heights.get(&row).copied();
        let px = px.filter(|px| *px != xml::DEFAULT_ROW_PX);
        xml::push_row_open(buf, row, spans, px, empty);
    }

    /// One cell's element (none for a blank without a format).
    #[inline]
    fn push_cell(&self, buf: &mut Vec<u8>, e: &Entry, xfs: &[u32], strings: &[u32]) {
        let xf = xfs.get(e.style as usize).copied().unwrap_or(0);
        match &e.val {
            Val::Str(id) => {
                let id = strings.get(*id as usize).copied().unwrap_or(0);
                xml::push_shared_string_cell(buf, e.row, e.col, xf, id);
            }
            Val::Number(n) => xml::push_number_cell(buf, e.row, e.col, xf, *n),
            Val::Formula(i) => {
                let (formula, result) = self.formula(*i);
                xml::push_formula_cell(buf, e.row, e.col, xf, formula, result);
            }
            // As rust_xlsxwriter: a blank without a format is no cell.
            Val::Blank if xf > 0 => xml::push_blank_cell(buf, e.row, e.col, xf),
            Val::Blank => {}
        }
    }

    /// The `<mergeCells>` element (empty without merged cells).
    fn merge_cells_xml(&self) -> Vec<u8> {
        let mut merges = Vec::new();
        if self.merges.is_empty() {
            return merges;
        }
        merges.extend_from_slice(b"<mergeCells count=\"");
        xml::push_u64(&mut merges, self.merges.len() as u64);
        merges.extend_from_slice(b"\">");
        for (r1, c1, r2, c2) in &self.merges {
            merges.extend_from_slice(b"<mergeCell ref=\"");
            xml::push_a1(&mut merges, *r1, *c1);
            merges.push(b':');
            xml::push_a1(&mut merges, *r2, *c2);
            merges.extend_from_slice(b"\"/>");
        }
        merges.extend_from_slice(b"</mergeCells>");
        merges
    }
}

impl Sink for Cells {
    fn put_string(
        &mut self,
        strings: &mut Strings<'_>,
        row: u32,
        col: u16,
        text: &str,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        if text.is_empty() {
            // As rust_xlsxwriter: an empty text is a formatted blank.
            return self.write_blank(row, col, style);
        }
        check(row, col)?;
        check_len(text)?;
        let id = strings.id(Cow::Borrowed(text), None);
        self.push(row, col, style, Val::Str(id))
    }
    fn put_number(&mut self, row: u32, col: u16, n: f64, style: StyleId) -> Result<(), XlsxError> {
        if !n.is_finite() {
            // rust_xlsxwriter writes NaN and infinities as text; amounts
            // are never either.
            return Err(XlsxError::ParameterError("not a finite number".into()));
        }
        self.push(row, col, style, Val::Number(n))
    }
    fn put_formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        result: String,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        let f = formula.strip_prefix('=').unwrap_or(formula);
        // Offsets are u32: past 4 GB of formula text, refuse as rust_xlsxwriter
        // refuses what it cannot write.
        let too_big = || XlsxError::ParameterError("too much formula text".into());
        let start = u32::try_from(self.formula_text.len()).map_err(|_| too_big())?;
        let mid = u32::try_from(self.formula_text.len() + f.len()).map_err(|_| too_big())?;
        u32::try_from(self.formula_text.len() + f.len() + result.len()).map_err(|_| too_big())?;
        let i = u32::try_from(self.formulas.len()).map_err(|_| too_big())?;
        self.formula_text.push_str(f);
        self.formula_text.push_str(&result);
        self.formulas.push((start, mid));
        self.push(row, col, style, Val::Formula(i))
    }
    fn put_row_height(&mut self, row: u32, points: f64) -> Result<(), XlsxError> {
        check(row, 0)?;
        let px = (points * 4.0 / 3.0).round() as u32;
        self.heights.insert(row, px);
        Ok(())
    }
    fn sheet_name(&self) -> String {
        self.name.clone()
    }
}
