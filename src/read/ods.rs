//! .ods (OpenDocument spreadsheet), through calamine.
//!
//! calamine has no streaming reader for .ods: `Ods::new` parses content.xml
//! and builds every sheet's dense `Range` at once. An ODS file describes
//! repetition instead of storing it — `table:number-rows-repeated` and
//! `table:number-columns-repeated` on a cell with a value, or `text:s
//! text:c="…"` for runs of spaces — so a few kilobytes can ask calamine for
//! billions of cells or gigabytes of spaces. calamine caps sheets at
//! 1 048 576 × 16 384 and 100 million cells, far beyond what a machine holds.
//! So before calamine sees the file we stream content.xml ourselves,
//! mirroring calamine's counting, and check each sheet's stored cells, dense
//! area, filled cells and expanded text against the limits.
//!
//! The same pass notes each table's hidden rows and columns
//! (`table:visibility="collapse"` or `"filter"` on `table:table-row` and
//! `table:table-column`, repeats counted), which calamine does not report.
//! Rows are counted as calamine 0.38 places them (ods.rs `read_table` and
//! `get_range`: a row's index is the sum of the capped repeats before it),
//! columns as the `table:table-column` elements repeat; tables are taken in
//! the order calamine lists them in `sheets_metadata()` (every `table:table`
//! with a `table:name`). Re-check those on a calamine upgrade.

use std::io::{BufReader, Cursor, Read};

use calamine::{Ods, Reader};
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::format_error as error;
use super::hidden::{Layout, ReadSheet};
use super::limits::{self, Budget};
use super::sheet::read_dense_sheets;
use super::xlsx::parse_count;
use super::{Limits, ReadError};

/// calamine's caps (ods.rs: MAX_ROWS, MAX_COLUMNS).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Reads every sheet of an .ods. calamine reads no merged regions from .ods.
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<ReadSheet>, ReadError> {
    let layouts = prescan(bytes, budget.limits)?;
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(error)?;
    read_dense_sheets(&mut wb, budget, layouts, error, |_, _, _| Ok(Vec::new()))
}

/// One table's numbers as calamine would build it.
#[derive(Default)]
struct Table {
    name: String,
    /// calamine lists only tables with a `table:name`.
    named: bool,
    /// Rows so far after calamine's repeat cap.
    total_rows: u64,
    /// Row elements so far.
    elements: u64,
    /// Cells calamine stores while reading rows (values and formulas).
    stored: u64,
    /// Filled cells after expanding repeats.
    filled: u64,
    /// Bytes of text after expanding repeats.
    text: u64,
    /// Expanded rows before the first filled row, and through the last one.
    rows_before_first: Option<u64>,
    rows_through_last: u64,
    elements_first: u64,
    elements_last: u64,
    col_min: u64,
    col_max: u64,
    /// Columns declared so far by `table:table-column`.
    columns: u64,
    layout: Layout,
}

/// The row being read.
#[derive(Default)]
struct RowScan {
    repeats: u64,
    /// Cells calamine has pushed for this row (trailing empties are not).
    len: u64,
    pending_empty: u64,
    filled: u64,
    first_col: Option<u64>,
    last_col: u64,
    text: u64,
}

/// The cell being read (its content may hold more text).
struct CellScan {
    repeats: u64,
    text: u64,
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

fn repeats(e: &BytesStart, key: &str) -> u64 {
    attr(e, key).map(|v| parse_count(v.as_bytes())).unwrap_or(1)
}

/// Streams content.xml and checks every table against the limits; returns
/// each named table's hidden rows and columns.
fn prescan(bytes: &[u8], limits: &Limits) -> Result<Vec<Layout>, ReadError> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Vec::new()); // calamine reports the broken archive
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(Vec::new()); // calamine reports the missing part
    };
    scan_content(BufReader::new(content), limits)
}

/// `table:visibility` other than visible: hidden by hand or by a filter.
fn hidden(e: &BytesStart) -> bool {
    attr(e, "table:visibility").is_some_and(|v| v == "collapse" || v == "filter")
}

/// Streams content.xml once (see the module doc): every table is checked
/// against the limits when it ends, and each named table's layout is kept.
fn scan_content<R: Read + std::io::BufRead>(
    input: R,
    limits: &Limits,
) -> Result<Vec<Layout>, ReadError> {
    let mut xml = quick_xml::Reader::from_reader(input);
    // As lenient as calamine's reader, so that it stops where calamine stops.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut buf = Vec::new();
    let mut scan = Scan::default();
    loop {
        buf.clear();
        // calamine's parser would stop at the same error; refusing here
        // keeps it from ever reading past what was checked.
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| ReadError::Corrupt(format!("content.xml kan ikke læses: {e}")))?;
        match ev {
            Event::Eof => return Ok(scan.layouts),
            Event::Start(ref e) => scan.start(e, false),
            Event::Empty(ref e) => scan.start(e, true),
            Event::Text(ref t) => scan.add_text(t.len() as u64),
            Event::CData(ref t) => scan.add_text(t.len() as u64),
            Event::GeneralRef(_) => scan.add_text(4),
            Event::End(ref e) => scan.end(e.name().as_ref(), limits)?,
            _ => {}
        }
    }
}

/// Where [`scan_content`] is: the table, row and cell open now, and the
/// layouts of the named tables already ended.
#[derive(Default)]
struct Scan {
    layouts: Vec<Layout>,
    table: Option<Table>,
    row: Option<RowScan>,
    cell: Option<CellScan>,
}

impl Scan {
    /// An element starts (`empty`: and ends at once, `<… />`).
    fn start(&mut self, e: &BytesStart, empty: bool) {
        match e.name().as_ref() {
            "table:table" if self.table.is_none() => self.start_table(e, empty),
            "table:table-column" if self.table.is_some() && self.row.is_none() => {
                self.column(e);
            }
            "table:table-row" if self.table.is_some() && self.cell.is_none() => {
                self.start_row(e, empty);
            }
            "table:table-cell" | "table:covered-table-cell"
                if self.row.is_some() && self.cell.is_none() =>
            {
                self.start_cell(e, empty);
            }
            "text:s" if self.cell.is_some() => self.add_text(repeats(e, "text:c")),
            // text:p, text:line-break, ... in a cell: a character at most.
            _ => self.add_text(1),
        }
    }

    /// `n` bytes of text in the open cell (none outside a cell).
    fn add_text(&mut self, n: u64) {
        if let Some(c) = self.cell.as_mut() {
            c.text = c.text.saturating_add(n);
        }
    }

    /// A `table:table`; an empty one is a sheet without cells.
    fn start_table(&mut self, e: &BytesStart, empty: bool) {
        let name = attr(e, "table:name");
        if empty {
            if name.is_some() {
                self.layouts.push(Layout::default());
            }
        } else {
            self.table = Some(Table {
                named: name.is_some(),
                name: name.unwrap_or_default(),
                ..Table::default()
            });
        }
    }

    /// A `table:table-column`: columns declared, hidden ones noted.
    fn column(&mut self, e: &BytesStart) {
        let t = self.table.as_mut().expect("checked");
        let n =
            repeats(e, "table:number-columns-repeated").min(MAX_COLUMNS.saturating_sub(t.columns));
        if n > 0 && hidden(e) {
            t.layout
                .cols
                .add(t.columns as u32, (t.columns + n - 1) as u32);
        }
        t.columns += n;
    }

    /// A `table:table-row`: its repeats counted as calamine caps them,
    /// hidden rows noted.
    fn start_row(&mut self, e: &BytesStart, empty: bool) {
        let t = self.table.as_mut().expect("checked");
        let wanted = repeats(e, "table:number-rows-repeated");
        let capped = wanted.min(MAX_ROWS.saturating_sub(t.total_rows));
        if capped > 0 && hidden(e) {
            let first = t.total_rows as u32;
            t.layout.rows.add(first, first + (capped - 1) as u32);
        }
        t.total_rows += capped;
        let row = RowScan {
            repeats: capped,
            ..RowScan::default()
        };
        // A row that starts inside an unclosed one (malformed XML) ends it
        // uncounted.
        if empty {
            self.row = None;
            end_row(t, row);
        } else {
            self.row = Some(row);
        }
    }

    /// A cell: the empty cells before it are pushed only when a filled one
    /// follows (as calamine does), its repeats and text are counted.
    fn start_cell(&mut self, e: &BytesStart, empty: bool) {
        let r = self.row.as_mut().expect("checked");
        let flush = r.pending_empty.min(MAX_COLUMNS.saturating_sub(r.len));
        r.len += flush;
        r.pending_empty = 0;
        let capped =
            repeats(e, "table:number-columns-repeated").min(MAX_COLUMNS.saturating_sub(r.len));
        let (filled, text) = cell_value(e);
        if filled {
            r.first_col.get_or_insert(r.len);
            r.len += capped;
            r.filled += capped;
            if capped > 0 {
                r.last_col = r.len - 1;
            }
        } else {
            r.pending_empty = capped;
        }
        if empty {
            r.text = r.text.saturating_add(text.saturating_mul(capped));
        } else {
            self.cell = Some(CellScan {
                repeats: capped,
                text,
            });
        }
    }

    /// An element ends: a cell adds its text to its row, a row and a table
    /// are counted; a table that breaks a limit stops the scan.
    fn end(&mut self, name: &str, limits: &Limits) -> Result<(), ReadError> {
        match name {
            "table:table-cell" | "table:covered-table-cell" if self.cell.is_some() => {
                let c = self.cell.take().expect("checked");
                if let Some(r) = self.row.as_mut() {
                    r.text = r.text.saturating_add(c.text.saturating_mul(c.repeats));
                }
            }
            "table:table-row" if self.cell.is_none() => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    end_row(t, r);
                }
            }
            "table:table" if self.cell.is_none() => {
                if let Some(mut t) = self.table.take() {
                    end_table(&t, limits)?;
                    if t.named {
                        self.layouts.push(std::mem::take(&mut t.layout).finish());
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Whether a cell's attributes give it a value (calamine pushes it), and
/// the bytes of text they hold.
fn cell_value(e: &BytesStart) -> (bool, u64) {
    let mut filled = false;
    let mut text: u64 = 0;
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "office:value" | "office:boolean-value" => filled = true,
            "office:string-value" | "office:date-value" | "office:time-value" => {
                filled = true;
                text += a.value.len() as u64;
            }
            "office:value-type" if a.value == "string" => filled = true,
            "table:formula" if !a.value.is_empty() => {
                filled = true;
                text += a.value.len() as u64;
            }
            _ => {}
        }
    }
    (filled, text)
}

fn end_row(t: &mut Table, r: RowScan) {
    let before = t.total_rows - r.repeats;
    t.stored += r.len;
    t.elements += 1;
    let times = r.repeats.max(1);
    t.text = t.text.saturating_add(r.text.saturating_mul(times));
    if let Some(first) = r.first_col {
        t.filled = t.filled.saturating_add(r.filled.saturating_mul(r.repeats));
        if t.rows_before_first.is_none() {
            t.rows_before_first = Some(before);
            t.elements_first = t.elements - 1;
            t.col_min = first;
            t.col_max = r.last_col;
        }
        t.col_min = t.col_min.min(first);
        t.col_max = t.col_max.max(r.last_col);
        t.rows_through_last = t.total_rows;
        t.elements_last = t.elements - 1;
    }
}

fn check_stored(t: &Table, limits: &Limits) -> Result<(), ReadError> {
    if t.stored > limits.max_dense_cells_per_sheet {
        return Err(limits::too_large(format!(
            "arket »{}« gemmer {} celler (med tomme mellemrum); grænsen er {} celler pr. ark",
            t.name,
            limits::tal(t.stored),
            limits::tal(limits.max_dense_cells_per_sheet)
        )));
    }
    Ok(())
}

/// The table's totals against the limits, most telling first.
fn end_table(t: &Table, limits: &Limits) -> Result<(), ReadError> {
    limits::check_sheet_cells(&t.name, t.filled, limits)?;
    if let Some(before) = t.rows_before_first {
        let rows = (t.rows_through_last - before).max(t.elements_last - t.elements_first + 1);
        let cols = t.col_max - t.col_min + 1;
        limits::check_dense(&t.name, rows, cols, limits)?;
    }
    check_stored(t, limits)?;
    if t.text > limits.max_text_bytes {
        return Err(limits::too_large(format!(
            "arket »{}« rummer {} tekst, når gentagne celler foldes ud; grænsen er {}",
            t.name,
            limits::bytes(t.text),
            limits::bytes(limits.max_text_bytes)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(table_body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Ark1">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn scan(body: &str) -> Result<Vec<Layout>, ReadError> {
        scan_content(content(body).as_bytes(), &Limits::default())
    }

    #[test]
    fn hidden_rows_and_columns_with_repeats() {
        // Columns A, B-C hidden (repeated), D visible, E hidden by a filter
        // inside a header group; rows 2-4 collapsed (repeated), row 6 filtered.
        let body = r#"<table:table-column table:visibility="collapse"/><table:table-column table:number-columns-repeated="2" table:visibility="collapse"/><table:table-column/><table:table-header-columns><table:table-column table:visibility="filter"/></table:table-header-columns><table:table-row><table:table-cell/></table:table-row><table:table-row table:number-rows-repeated="3" table:visibility="collapse"><table:table-cell/></table:table-row><table:table-row table:visibility="visible"/><table:table-row table:visibility="filter"><table:table-cell/></table:table-row>"#;
        let layouts = scan(body).unwrap();
        assert_eq!(layouts.len(), 1);
        let l = &layouts[0];
        assert_eq!(
            (0..8).map(|r| l.rows.contains(r)).collect::<Vec<_>>(),
            [false, true, true, true, false, true, false, false]
        );
        assert_eq!(
            (0..6).map(|c| l.cols.contains(c)).collect::<Vec<_>>(),
            [true, true, true, false, true, false]
        );
    }

    #[test]
    fn trailing_empty_repeats_are_harmless() {
        // What LibreOffice writes after the last used row and column.
        let body = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Økonomi</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert!(scan(body).is_ok());
    }

    #[test]
    fn repeated_filled_cells_break_the_limits() {
        let row = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
        let msg = scan(row).unwrap_err().to_string();
        assert!(msg.contains("»Ark1«"), "{msg}");
    }

    #[test]
    fn far_apart_cells_break_the_dense_limit() {
        let body = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row>"#;
        let msg = scan(body).unwrap_err().to_string();
        assert!(msg.contains("1.048.576 rækker × 16.384 kolonner"), "{msg}");
    }

    #[test]
    fn a_billion_spaces_are_refused() {
        let body = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row>"#;
        let msg = scan(body).unwrap_err().to_string();
        assert!(msg.contains("tekst"), "{msg}");
    }
}
