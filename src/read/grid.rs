//! The cell grid: what the reader hands to normalization.

/// Which file format a workbook was read as (recognized by content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Xlsx => "xlsx",
            SourceKind::Xlsm => "xlsm",
            SourceKind::Xlsb => "xlsb",
            SourceKind::Xls => "xls",
            SourceKind::Ods => "ods",
        }
    }
}

/// A workbook: the sheets a person sees, in workbook order, and what it
/// hides.
///
/// What the workbook shows is what counts (contract §1.4): hidden and very
/// hidden sheets, and hidden rows and columns, are not in `sheets`. They are
/// kept in `hidden`, so that normalization can say what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub kind: SourceKind,
    /// The visible sheets, without their hidden rows and columns.
    pub sheets: Vec<Sheet>,
    /// Hidden content that holds cells, in workbook order: for each sheet
    /// the whole sheet, or its hidden rows, then its hidden columns. Hidden
    /// parts without a filled cell are not listed.
    pub hidden: Vec<Hidden>,
}

/// One hidden part of a workbook and the cells it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Hidden {
    pub part: HiddenPart,
    /// The hidden cells at their own positions, as a sheet with the sheet's
    /// name: the whole sheet, the hidden rows, or the cells of the hidden
    /// columns outside hidden rows (a cell is listed once).
    pub cells: Sheet,
}

/// What kind of thing is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenPart {
    /// A hidden sheet (Vis ark / Unhide shows it).
    Sheet,
    /// A very hidden sheet (.xlsx/.xlsb/.xls): only a macro or the VBA
    /// editor can show it.
    VeryHiddenSheet,
    /// Hidden rows of a visible sheet (hidden by hand, by a filter or a
    /// collapsed outline).
    Rows,
    /// Hidden columns of a visible sheet.
    Columns,
}

/// One sheet: only its non-empty rows, in row order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
    /// Merged regions (first row, first col, last row, last col), 0-based,
    /// inclusive. The value sits in the first cell; the others are empty.
    pub merged: Vec<MergedRange>,
}

/// A merged region, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedRange {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// One row: its non-empty cells in column order. `index` is 0-based.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<Cell>,
}

/// One non-empty cell. `col` is 0-based.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub col: u32,
    pub value: Value,
}

/// A cell's value. Formula cells carry their cached result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text as stored (line breaks kept as `\n`; not trimmed).
    Text(String),
    /// A number cell as stored (may carry float noise: 12.290000000000001).
    Number(f64),
    /// An integer cell (xls/xlsb/ods may store these).
    Int(i64),
    Bool(bool),
    /// A date or date-time cell, already converted from the workbook's date
    /// system (1900 or 1904).
    Date(chrono::NaiveDateTime),
    /// An error value such as #DIV/0! or #REF!.
    Error(String),
}

impl Value {
    /// The text a person sees, roughly: text as is, numbers in Rust's
    /// shortest form, dates as dd-mm-yyyy.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(f) => format!("{f}"),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => if *b { "SAND" } else { "FALSK" }.to_string(),
            Value::Date(d) => d.format("%d-%m-%Y").to_string(),
            Value::Error(e) => e.clone(),
        }
    }

    /// The text of a text cell, trimmed (including non-breaking spaces); None
    /// for other kinds and for blank text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => {
                let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
                (!t.is_empty()).then_some(t)
            }
            _ => None,
        }
    }

    /// True for text that is blank after trimming.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Text(_)) && self.text().is_none()
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Value::Number(_) | Value::Int(_))
    }
}

impl Sheet {
    /// The row with this 0-based index, if it has any cells.
    pub fn row(&self, index: u32) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .ok()
            .map(|i| &self.rows[i])
    }

    /// The cell at a 0-based position, if not empty.
    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        self.row(row).and_then(|r| r.get(col))
    }

    /// The merged region whose first cell is at (row, col), if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&MergedRange> {
        self.merged
            .iter()
            .find(|m| m.first_row == row && m.first_col == col)
    }
}

impl Row {
    /// The cell in a 0-based column, if not empty.
    pub fn get(&self, col: u32) -> Option<&Value> {
        self.cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .map(|i| &self.cells[i].value)
    }

    /// Cells that are not blank text, in column order.
    pub fn filled(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| !c.value.is_blank())
    }
}

/// "A1"-style reference for a 0-based (row, col).
///
/// ```
/// assert_eq!(bilag::read::a1(11, 5), "F12");
/// assert_eq!(bilag::read::a1(0, 26), "AA1");
/// ```
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row as u64 + 1)
}

/// Column letters for a 0-based column: 0 → "A", 25 → "Z", 26 → "AA".
pub fn col_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Parses "F12" into a 0-based (row, col).
///
/// ```
/// assert_eq!(bilag::read::parse_a1("F12"), Some((11, 5)));
/// assert_eq!(bilag::read::parse_a1("12F"), None);
/// ```
pub fn parse_a1(s: &str) -> Option<(u32, u32)> {
    let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &s[letters.len()..];
    if letters.is_empty()
        || letters.len() > 3
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.to_ascii_uppercase().bytes() {
        col = col * 26 + (b - b'A' + 1) as u32;
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trips() {
        for (r, c) in [(0, 0), (11, 5), (1_048_575, 16_383), (99, 701), (5, 702)] {
            assert_eq!(parse_a1(&a1(r, c)), Some((r, c)), "{}", a1(r, c));
        }
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1(""), None);
    }
}
