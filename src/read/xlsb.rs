//! .xlsb (Excel binary workbook), through calamine's streaming cell reader,
//! for the same reason as [`super::xlsx`]: `worksheet_range` would build a
//! dense rectangle over the used cells. calamine reads no merged regions
//! from .xlsb.
//!
//! Before calamine runs, the binary parts' records are walked once:
//! - A record longer than what is left of its part is refused (calamine would
//!   first allocate its declared length, up to 256 MB, then fail).
//! - A worksheet written with the "short" cell records (BrtShortRk,
//!   BrtShortSt, …: a cell without its column, which follows the previous
//!   cell) is refused: Excel writes the full records, but other producers
//!   (SheetJS, some Aspose settings) write the short ones for every cell after
//!   the first in a row, and calamine 0.38 skips them without a word — the
//!   sheet would silently lose all but its first column.

use std::io::{Cursor, Read};

use calamine::{Reader, SheetType, Xlsb, XlsbError};
use zip::ZipArchive;

use super::limits::Budget;
use super::sheet::SheetBuilder;
use super::sniff::norm_name;
use super::{ReadError, Sheet};

fn error(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(e.to_string()),
    }
}

fn error_in(sheet: &str, e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(format!("arket »{sheet}«: {e}")),
    }
}

/// Reads every worksheet of an .xlsb.
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Sheet>, ReadError> {
    check_records(bytes)?;
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(error)?;
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
            let mut cells = wb
                .worksheet_cells_reader(&name)
                .map_err(|e| error_in(&name, e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| error_in(&name, e))? {
                let (row, col) = cell.get_position();
                builder.push_ref(budget, row, col, cell.get_value().clone())?;
            }
        }
        out.push(builder.finish(budget, Vec::new())?);
    }
    Ok(out)
}

/// BrtShortRk … BrtShortIsst (MS-XLSB 2.4): cells stored without a column.
/// BrtShortBlank (0x0C) is left out: a blank cell loses nothing.
const SHORT_CELLS: std::ops::RangeInclusive<u16> = 0x000D..=0x0012;

/// Walks the records of the parts calamine reads (see the module doc).
fn check_records(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the broken archive
    };
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = norm_name(entry.name_raw());
        let is_sheet = name.starts_with("xl/worksheets/") && name.ends_with(".bin");
        let is_part = is_sheet
            || ["xl/workbook.bin", "xl/sharedstrings.bin", "xl/styles.bin"]
                .contains(&name.as_str());
        if !is_part {
            continue;
        }
        let size = entry.size();
        walk(std::io::BufReader::new(entry), size, is_sheet)
            .map_err(|why| ReadError::Corrupt(format!("delen »{name}«: {why}")))?;
    }
    Ok(())
}

/// One part's records: (type, length) headers, contents skipped.
fn walk(mut part: impl Read, size: u64, is_sheet: bool) -> Result<(), String> {
    let byte = |part: &mut dyn Read| -> Option<u8> {
        let mut b = [0u8; 1];
        part.read_exact(&mut b).ok().map(|()| b[0])
    };
    let mut pos: u64 = 0;
    loop {
        let Some(b) = byte(&mut part) else {
            return Ok(());
        };
        pos += 1;
        let typ = if b & 0x80 != 0 {
            let Some(b2) = byte(&mut part) else {
                return Ok(());
            };
            pos += 1;
            (b & 0x7F) as u16 + (((b2 & 0x7F) as u16) << 7)
        } else {
            b as u16
        };
        let mut len: u64 = 0;
        for i in 0..4 {
            let Some(b) = byte(&mut part) else {
                return Ok(());
            };
            pos += 1;
            len += ((b & 0x7F) as u64) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        if is_sheet && SHORT_CELLS.contains(&typ) {
            return Err("cellerne er gemt i den korte form (BrtShort…), som læseren ikke kan læse uden at miste \
                        celler; åbn filen i Excel og gem den igen, eller gem den som .xlsx"
                .to_string());
        }
        if len > size.saturating_sub(pos) {
            return Err(format!(
                "en post siger den fylder {len} bytes, men der er kun {} tilbage",
                size.saturating_sub(pos)
            ));
        }
        let skipped = std::io::copy(&mut (&mut part).take(len), &mut std::io::sink())
            .map_err(|e| e.to_string())?;
        if skipped < len {
            return Ok(()); // truncated: calamine reports it
        }
        pos += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_bytes(b: &[u8], is_sheet: bool) -> Result<(), String> {
        walk(b, b.len() as u64, is_sheet)
    }

    #[test]
    fn full_records_pass() {
        // BrtBeginSheetData (0x91 → two-byte type 0x91 0x01), BrtRowHdr, BrtCellReal, BrtEndSheetData.
        let mut b = vec![0x91, 0x01, 0x00];
        b.extend([0x00, 0x02, 0, 0]);
        b.extend([0x05, 0x10]);
        b.extend([0u8; 16]);
        b.extend([0x92, 0x01, 0x00]);
        assert_eq!(walk_bytes(&b, true), Ok(()));
    }

    #[test]
    fn short_cell_records_are_refused_in_sheets_only() {
        // BrtShortReal (0x10): style (4 bytes) + value (8 bytes).
        let mut b = vec![0x10, 0x0C];
        b.extend([0u8; 12]);
        assert!(walk_bytes(&b, true).unwrap_err().contains("korte form"));
        assert_eq!(walk_bytes(&b, false), Ok(()));
    }

    #[test]
    fn record_longer_than_its_part_is_refused() {
        // A record declaring 2^21 - 1 bytes in a 10-byte part.
        let b = [0x05, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0];
        let err = walk_bytes(&b, true).unwrap_err();
        assert!(err.contains("2097151 bytes"), "{err}");
    }
}
