//! .xlsx and .xlsm, through calamine's streaming cell reader.
//!
//! `Xlsx::worksheet_range` would build a dense rectangle from A1-ish to the
//! last used cell: a 2 KB file with cells in A1 and XFD1048576 asks for
//! 17 billion cells and the process aborts (calamine issue #693). We never
//! call it: cells are streamed with `worksheet_cells_reader` and stored
//! sparsely, counted against the limits as they come.

use std::io::{BufReader, Cursor};

use calamine::{Reader, SheetType, Xlsx, XlsxError};
use quick_xml::events::Event;
use zip::ZipArchive;

use super::limits::{self, Budget};
use super::sheet::{merged_range, SheetBuilder};
use super::sniff::norm_name;
use super::{Limits, ReadError, Sheet};

fn error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(e.to_string()),
    }
}

fn error_in(sheet: &str, e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(format!("arket »{sheet}«: {e}")),
    }
}

/// Reads every worksheet of an .xlsx/.xlsm.
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Sheet>, ReadError> {
    check_shared_strings(bytes, budget.limits)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(error)?;
    let sheets: Vec<(String, SheetType)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ))
        .collect();
    let mut out: Vec<Sheet> = Vec::new();
    for (name, typ) in sheets {
        if typ != SheetType::WorkSheet || out.iter().any(|s| s.name == name) {
            continue;
        }
        let mut builder = SheetBuilder::new(&name);
        {
            let mut cells = match wb.worksheet_cells_reader(&name) {
                Ok(r) => r,
                // A chart or dialog sheet listed as a worksheet: nothing to read.
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(error_in(&name, e)),
            };
            while let Some(cell) = cells.next_cell().map_err(|e| error_in(&name, e))? {
                let (row, col) = cell.get_position();
                builder.push_ref(budget, row, col, cell.get_value().clone())?;
            }
        }
        let regions = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| error_in(&name, e))?;
        limits::check_merged(&name, regions.len(), budget.limits)?;
        let merged = regions.iter().filter_map(merged_range).collect();
        out.push(builder.finish(budget, merged)?);
    }
    Ok(out)
}

/// calamine reserves room for the shared-string table's declared
/// `uniqueCount` before reading a single string: a 1 KB file claiming 10^15
/// strings makes the allocation fail and the process abort. Check the number
/// first (it is on the `<sst>` start tag at the top of the part).
fn check_shared_strings(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the broken archive
    };
    let parts: Vec<usize> = (0..zip.len())
        .filter(|&i| {
            zip.by_index_data(i)
                .map(|e| norm_name(e.name_raw()).ends_with("sharedstrings.xml"))
                .unwrap_or(false)
        })
        .collect();
    for i in parts {
        let Ok(file) = zip.by_index(i) else { continue };
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
        // As lenient as calamine's reader, so that both reach the same tag.
        let config = xml.config_mut();
        config.check_end_names = false;
        config.check_comments = false;
        config.trim_text(false);
        let mut buf = Vec::new();
        for _ in 0..1000 {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    let declared = e
                        .attributes()
                        .with_checks(false)
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                        .map(|a| parse_count(a.value.as_bytes()))
                        .unwrap_or(0);
                    if declared > limits.max_cells_total as u64 {
                        return Err(limits::too_large(format!(
                            "listen over delte tekster siger {} tekster; grænsen er {}",
                            limits::tal(declared),
                            limits::tal(limits.max_cells_total as u64)
                        )));
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Digits as a number, saturating (calamine reads the same digits as usize).
pub(crate) fn parse_count(raw: &[u8]) -> u64 {
    let digits = raw
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == b'+');
    let mut n: u64 = 0;
    for &b in digits.take_while(|b| b.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((b - b'0') as u64);
    }
    n
}
