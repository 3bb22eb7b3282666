//! What the workbook hides (contract §1.4): hidden and very hidden sheets,
//! hidden rows and hidden columns are taken out of the sheets normalization
//! reads, and kept as [`Hidden`] parts so that it can say what was left out.
//!
//! calamine reports a sheet's visibility (`Sheet::visible` in
//! `sheets_metadata`) for every format, but not hidden rows or columns: each
//! format module finds those in the file itself, in the pre-scan it already
//! makes (.xlsb, .xls, .ods) or in one extra pass over the worksheet XML
//! (.xlsx, see [`scan_sheet_xml`]), and hands them over as [`Layout`].

use std::io::Read;

use calamine::SheetVisible;

use super::{Hidden, HiddenPart, Row, Sheet};

/// 0-based indices as inclusive ranges; sorted and merged by [`Spans::finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Spans(Vec<(u32, u32)>);

impl Spans {
    /// Adds `first..=last` (in any order; call [`Spans::finish`] before
    /// looking up).
    pub fn add(&mut self, first: u32, last: u32) {
        if first > last {
            return;
        }
        match self.0.last_mut() {
            // Consecutive rows (the common case) extend the last range.
            Some(prev) if prev.0 <= first && first <= prev.1.saturating_add(1) => {
                prev.1 = prev.1.max(last)
            }
            _ => self.0.push((first, last)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts and merges overlapping or adjacent ranges.
    pub fn finish(mut self) -> Self {
        self.0.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.0.len());
        for (a, b) in self.0 {
            match out.last_mut() {
                Some(prev) if a <= prev.1.saturating_add(1) => prev.1 = prev.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Spans(out)
    }

    /// True if `i` lies in a range (after [`Spans::finish`]).
    pub fn contains(&self, i: u32) -> bool {
        let at = self.0.partition_point(|&(_, last)| last < i);
        self.0.get(at).is_some_and(|&(first, _)| first <= i)
    }
}

/// The hidden rows and columns of one sheet, as its format module found them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    pub rows: Spans,
    pub cols: Spans,
}

impl Layout {
    pub fn finish(self) -> Layout {
        Layout {
            rows: self.rows.finish(),
            cols: self.cols.finish(),
        }
    }
}

/// One sheet as a format module read it: all its cells, and how it is shown.
#[derive(Debug)]
pub(crate) struct ReadSheet {
    pub sheet: Sheet,
    pub visible: SheetVisible,
    pub layout: Layout,
}

/// Splits what the workbook shows from what it hides. Hidden parts without a
/// filled cell are dropped; nothing is copied when nothing is hidden.
pub(crate) fn split(read: Vec<ReadSheet>) -> (Vec<Sheet>, Vec<Hidden>) {
    let mut shown = Vec::with_capacity(read.len());
    let mut hidden = Vec::new();
    for r in read {
        let part = match r.visible {
            SheetVisible::Visible => None,
            SheetVisible::Hidden => Some(HiddenPart::Sheet),
            SheetVisible::VeryHidden => Some(HiddenPart::VeryHiddenSheet),
        };
        if let Some(part) = part {
            if has_filled(&r.sheet.rows) {
                hidden.push(Hidden {
                    part,
                    cells: r.sheet,
                });
            }
            continue;
        }
        let Layout { rows, cols } = r.layout;
        if rows.is_empty() && cols.is_empty() {
            shown.push(r.sheet);
            continue;
        }
        let mut sheet = r.sheet;
        let mut in_rows = Vec::new();
        let mut in_cols = Vec::new();
        let mut keep = Vec::with_capacity(sheet.rows.len());
        for row in std::mem::take(&mut sheet.rows) {
            if rows.contains(row.index) {
                in_rows.push(row);
                continue;
            }
            if cols.is_empty() || !row.cells.iter().any(|c| cols.contains(c.col)) {
                keep.push(row);
                continue;
            }
            let (out, stay): (Vec<_>, Vec<_>) =
                row.cells.into_iter().partition(|c| cols.contains(c.col));
            in_cols.push(Row {
                index: row.index,
                cells: out,
            });
            if !stay.is_empty() {
                keep.push(Row {
                    index: row.index,
                    cells: stay,
                });
            }
        }
        sheet.rows = keep;
        for (part, rows) in [(HiddenPart::Rows, in_rows), (HiddenPart::Columns, in_cols)] {
            if has_filled(&rows) {
                hidden.push(Hidden {
                    part,
                    cells: Sheet {
                        name: sheet.name.clone(),
                        rows,
                        merged: Vec::new(),
                    },
                });
            }
        }
        shown.push(sheet);
    }
    (shown, hidden)
}

fn has_filled(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.filled().next().is_some())
}

/// Finds the hidden rows (`<row r="7" hidden="1">`) and columns (`<col
/// min="6" max="6" hidden="1">`) of an .xlsx worksheet part.
///
/// calamine's cell reader parses the same XML but keeps neither attribute,
/// so the part is streamed once more. To keep that pass cheap it is not an
/// XML parser: it looks at tags only (from `<` to the next `>`), skips text,
/// and stops at `</sheetData>` (`<cols>` comes before the cells). The row
/// number follows calamine's `XlsxCellReader::next_cell` (calamine 0.38,
/// xlsx/cells_reader.rs): a `<row>`'s `r` sets it, a row without `r` is the
/// one after the previous row. Re-check that on a calamine upgrade.
pub(crate) fn scan_sheet_xml(mut input: impl Read) -> Layout {
    let mut scan = XmlScan::default();
    let mut buf = vec![0u8; 64 * 1024];
    // A tag cut by the end of a chunk, from its `<`.
    let mut carry: Vec<u8> = Vec::new();
    'chunks: loop {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        if !carry.is_empty() {
            match chunk.iter().position(|&b| b == b'>') {
                Some(gt) => {
                    carry.extend_from_slice(&chunk[..=gt]);
                    scan.tag(&carry);
                    carry.clear();
                    chunk = &chunk[gt + 1..];
                }
                None => {
                    carry.extend_from_slice(chunk);
                    continue;
                }
            }
        }
        while !scan.done {
            let Some(lt) = chunk.iter().position(|&b| b == b'<') else {
                continue 'chunks;
            };
            let rest = &chunk[lt..];
            match rest.iter().position(|&b| b == b'>') {
                Some(gt) => {
                    scan.tag(&rest[..=gt]);
                    chunk = &rest[gt + 1..];
                }
                None => {
                    carry.extend_from_slice(rest);
                    continue 'chunks;
                }
            }
        }
        break;
    }
    Layout {
        rows: scan.rows,
        cols: scan.cols,
    }
    .finish()
}

#[derive(Default)]
struct XmlScan {
    /// The 0-based row a `<row>` without `r` would be.
    row: u32,
    rows: Spans,
    cols: Spans,
    done: bool,
}

impl XmlScan {
    /// One tag, from `<` to `>` inclusive.
    fn tag(&mut self, tag: &[u8]) {
        let Some(body) = tag.get(1..tag.len() - 1) else {
            return;
        };
        if let Some(end) = body.strip_prefix(b"/") {
            match local_name(end) {
                b"row" => self.row = self.row.saturating_add(1),
                b"sheetData" => self.done = true,
                _ => {}
            }
            return;
        }
        match local_name(body) {
            b"row" => {
                if let Some(r) = attr(body, b"r") {
                    // calamine: get_row() is the 1-based number minus one.
                    self.row = digits(r).unwrap_or(1).saturating_sub(1);
                }
                if attr(body, b"hidden").is_some_and(truthy) {
                    self.rows.add(self.row, self.row);
                }
                if body.ends_with(b"/") {
                    self.row = self.row.saturating_add(1);
                }
            }
            b"col" if attr(body, b"hidden").is_some_and(truthy) => {
                let min = attr(body, b"min").and_then(digits).unwrap_or(1);
                let max = attr(body, b"max").and_then(digits).unwrap_or(min);
                self.cols.add(min.saturating_sub(1), max.saturating_sub(1));
            }
            _ => {}
        }
    }
}

/// The element name of a tag body, without its namespace prefix.
fn local_name(body: &[u8]) -> &[u8] {
    let end = body
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'/')
        .unwrap_or(body.len());
    let name = &body[..end];
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The raw value of attribute `name` in a tag body.
fn attr<'a>(body: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = body[from..]
        .windows(name.len())
        .position(|w| w == name)
        .map(|p| from + p)
    {
        from = at + 1;
        if at == 0 || !body[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &body[at + name.len()..];
        let rest = trim_start(rest);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = trim_start(rest);
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value = &rest[1..];
        let end = value.iter().position(|&b| b == quote)?;
        return Some(&value[..end]);
    }
    None
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// xsd:boolean true.
fn truthy(v: &[u8]) -> bool {
    v == b"1" || v == b"true"
}

fn digits(v: &[u8]) -> Option<u32> {
    let v = std::str::from_utf8(v).ok()?;
    v.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Cell, Value};

    fn spans(v: &[(u32, u32)]) -> Spans {
        let mut s = Spans::default();
        for &(a, b) in v {
            s.add(a, b);
        }
        s.finish()
    }

    #[test]
    fn spans_merge_and_look_up() {
        let s = spans(&[(9, 9), (2, 3), (4, 4), (20, 30), (25, 40)]);
        assert_eq!(s.0, vec![(2, 4), (9, 9), (20, 40)]);
        for (i, want) in [
            (1, false),
            (2, true),
            (4, true),
            (5, false),
            (9, true),
            (40, true),
        ] {
            assert_eq!(s.contains(i), want, "{i}");
        }
        assert!(!Spans::default().contains(0));
    }

    fn scan(xml: &str) -> Layout {
        scan_sheet_xml(xml.as_bytes())
    }

    #[test]
    fn rows_and_columns_from_sheet_xml() {
        let xml = r#"<?xml version="1.0"?><worksheet xmlns="x"><cols><col min="2" max="2" width="0" hidden="1" customWidth="1"/><col min="6" max="8" hidden="true"/><col min="9" max="9" hidden="0"/></cols><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="7" spans="1:3" hidden="1"><c r="A7" t="inlineStr"><is><t>a &gt; b</t></is></c></row><row hidden="1"/><row r="12" hidden="0"/></sheetData><row r="99" hidden="1"/></worksheet>"#;
        let l = scan(xml);
        assert_eq!(l.rows.0, vec![(6, 7)]);
        assert_eq!(l.cols.0, vec![(1, 1), (5, 7)]);
    }

    #[test]
    fn rows_without_numbers_follow_the_previous_row() {
        let l = scan(r#"<sheetData><x:row><x:c/></x:row><x:row hidden='1'></x:row></sheetData>"#);
        assert_eq!(l.rows.0, vec![(1, 1)]);
    }

    #[test]
    fn tags_cut_by_chunk_ends_are_read_whole() {
        // Enough cells that the hidden row's tag crosses a 64 KB boundary
        // somewhere in the sweep of lengths.
        for pad in 0..40 {
            let mut xml = String::from("<sheetData>");
            xml.push_str(&"x".repeat(65_500 + pad * 3));
            xml.push_str(r#"<row r="5" spans="1:2" hidden="1"></row></sheetData>"#);
            assert_eq!(scan(&xml).rows.0, vec![(4, 4)], "{pad}");
        }
    }

    fn sheet(name: &str, cells: &[(u32, u32, &str)]) -> Sheet {
        let mut rows: Vec<Row> = Vec::new();
        for &(r, c, t) in cells {
            let cell = Cell {
                col: c,
                value: Value::Text(t.into()),
            };
            match rows.last_mut() {
                Some(row) if row.index == r => row.cells.push(cell),
                _ => rows.push(Row {
                    index: r,
                    cells: vec![cell],
                }),
            }
        }
        Sheet {
            name: name.into(),
            rows,
            merged: Vec::new(),
        }
    }

    #[test]
    fn split_takes_hidden_rows_then_columns_once() {
        let s = sheet(
            "Ark",
            &[
                (0, 0, "a"),
                (0, 2, "b"),
                (1, 0, "c"),
                (1, 2, "d"),
                (2, 2, "e"),
            ],
        );
        let layout = Layout {
            rows: spans(&[(1, 1)]),
            cols: spans(&[(2, 2)]),
        };
        let (shown, hidden) = split(vec![ReadSheet {
            sheet: s,
            visible: SheetVisible::Visible,
            layout,
        }]);
        assert_eq!(shown, vec![sheet("Ark", &[(0, 0, "a")])]);
        assert_eq!(hidden.len(), 2);
        assert_eq!(hidden[0].part, HiddenPart::Rows);
        assert_eq!(hidden[0].cells, sheet("Ark", &[(1, 0, "c"), (1, 2, "d")]));
        assert_eq!(hidden[1].part, HiddenPart::Columns);
        assert_eq!(hidden[1].cells, sheet("Ark", &[(0, 2, "b"), (2, 2, "e")]));
    }

    #[test]
    fn empty_hidden_things_are_dropped() {
        let blank = sheet("Tom", &[(0, 0, "  ")]);
        let (shown, hidden) = split(vec![
            ReadSheet {
                sheet: blank.clone(),
                visible: SheetVisible::VeryHidden,
                layout: Layout::default(),
            },
            ReadSheet {
                sheet: sheet("Ark", &[(0, 0, "a")]),
                visible: SheetVisible::Visible,
                layout: Layout {
                    rows: spans(&[(5, 9)]),
                    cols: spans(&[(3, 3)]),
                },
            },
        ]);
        assert_eq!(shown, vec![sheet("Ark", &[(0, 0, "a")])]);
        assert!(hidden.is_empty());
    }
}
