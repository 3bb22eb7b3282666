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
//!
//! The same walk notes what calamine does not report: hidden rows (BrtRowHdr
//! with fDyZero) and hidden columns (BrtColInfo with fHidden) of each sheet
//! part, and the order of the sheets' parts (BrtBundleSh in workbook.bin
//! with xl/_rels/workbook.bin.rels), so that each sheet's hidden rows and
//! columns reach the sheet calamine reads from that part.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use calamine::{Reader, SheetType, SheetVisible, Xlsb};
use quick_xml::events::Event;
use zip::ZipArchive;

use super::hidden::{Layout, ReadSheet};
use super::le::{u32_at, utf16};
use super::limits::Budget;
use super::sheet::SheetBuilder;
use super::sniff::norm_name;
use super::xlsx::attr;
use super::ReadError;
use super::{format_error as error, sheet_error as error_in};

/// Reads every worksheet of an .xlsb.
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<ReadSheet>, ReadError> {
    let mut layouts = check_records(bytes)?;
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(error)?;
    let sheets: Vec<(String, SheetType, SheetVisible)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ, s.visible))
        .collect();
    if layouts.len() != sheets.len() {
        layouts.clear(); // not calamine's sheets: nothing known to be hidden
    }
    let mut out: Vec<ReadSheet> = Vec::new();
    for (i, (name, typ, visible)) in sheets.into_iter().enumerate() {
        if typ != SheetType::WorkSheet || out.iter().any(|s| s.sheet.name == name) {
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
        out.push(ReadSheet {
            sheet: builder.finish(budget, Vec::new())?,
            visible,
            layout: layouts.get_mut(i).map(std::mem::take).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// BrtShortRk … BrtShortIsst (MS-XLSB 2.4): cells stored without a column.
/// BrtShortBlank (0x0C) is left out: a blank cell loses nothing.
const SHORT_CELLS: std::ops::RangeInclusive<u16> = 0x000D..=0x0012;

/// Walks the records of the parts calamine reads (see the module doc), and
/// returns each sheet's hidden rows and columns in calamine's sheet order.
fn check_records(bytes: &[u8]) -> Result<Vec<Layout>, ReadError> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Vec::new()); // calamine reports the broken archive
    };
    let mut parts: HashMap<String, Layout> = HashMap::new();
    let mut bundles: Vec<String> = Vec::new();
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
        let mut seen = Seen::default();
        walk(BufReader::new(entry), size, is_sheet, &mut seen)
            .map_err(|why| ReadError::Corrupt(format!("delen »{name}«: {why}")))?;
        if name == "xl/workbook.bin" {
            bundles = seen.bundles;
        } else if !seen.layout.rows.is_empty() || !seen.layout.cols.is_empty() {
            parts.insert(name, seen.layout.finish());
        }
    }
    if parts.is_empty() {
        // Nothing hidden: every sheet's layout is empty.
        return Ok(vec![Layout::default(); bundles.len()]);
    }
    let targets = relationships(&mut zip);
    Ok(bundles
        .iter()
        .map(|id| {
            // calamine: path = "xl/" + target, opened ignoring case.
            let path = norm_name(format!("xl/{}", targets.get(id).map_or("", |t| t)).as_bytes());
            parts.remove(&path).unwrap_or_default()
        })
        .collect())
}

/// xl/_rels/workbook.bin.rels: relationship id → target, as calamine 0.38
/// reads it (`Xlsb::read_relationships`: the exact part name, elements named
/// `Relationship`, the target's entities decoded).
fn relationships(zip: &mut ZipArchive<Cursor<&[u8]>>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(file) = zip.by_name("xl/_rels/workbook.bin.rels") else {
        return out;
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.insert(id, target);
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// What a walk noted on the way.
#[derive(Default)]
struct Seen {
    /// Sheet parts: hidden rows and columns.
    layout: Layout,
    /// workbook.bin: the relationship id of each sheet, in order.
    bundles: Vec<String>,
}

/// BrtRowHdr, BrtColInfo, BrtBundleSh (MS-XLSB 2.4.726, 2.4.323, 2.4.303).
const ROW_HDR: u16 = 0x0000;
const COL_INFO: u16 = 0x003C;
const BUNDLE_SH: u16 = 0x009C;

/// Notes a record's content (see [`Seen`]).
fn note(typ: u16, data: &[u8], is_sheet: bool, seen: &mut Seen) {
    let u32_at = |at: usize| u32_at(data, at);
    match typ {
        // rw (4), ixfe (4), miyRw (2), flags: fDyZero is bit 4 of byte 11.
        ROW_HDR if is_sheet => {
            if let (Some(rw), Some(&flags)) = (u32_at(0), data.get(11)) {
                if flags & 0x10 != 0 {
                    seen.layout.rows.add(rw, rw);
                }
            }
        }
        // colFirst (4), colLast (4), coldx (4), ixfe (4), flags: fHidden is bit 0.
        COL_INFO if is_sheet => {
            if let (Some(first), Some(last), Some(&flags)) = (u32_at(0), u32_at(4), data.get(16)) {
                if flags & 0x01 != 0 {
                    seen.layout.cols.add(first, last);
                }
            }
        }
        // hsState (4), iTabID (4), strRelID (cch u32 + UTF-16), strName.
        // calamine lists no sheet for a null relationship id (cch 0xFFFFFFFF).
        BUNDLE_SH if !is_sheet => {
            let Some(cch) = u32_at(8) else { return };
            if cch == 0xFFFF_FFFF {
                return;
            }
            let name = data.get(12..12 + 2 * cch as usize).unwrap_or_default();
            seen.bundles.push(utf16(name));
        }
        _ => {}
    }
}

/// One part's records: (type, length) headers; contents skipped except what
/// [`note`] looks at.
fn walk(mut part: impl Read, size: u64, is_sheet: bool, seen: &mut Seen) -> Result<(), String> {
    let byte = |part: &mut dyn Read| -> Option<u8> {
        let mut b = [0u8; 1];
        part.read_exact(&mut b).ok().map(|()| b[0])
    };
    let mut pos: u64 = 0;
    let mut data = Vec::new();
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
        if matches!(typ, ROW_HDR | COL_INFO | BUNDLE_SH) && len <= 64 * 1024 {
            data.clear();
            (&mut part)
                .take(len)
                .read_to_end(&mut data)
                .map_err(|e| e.to_string())?;
            if (data.len() as u64) < len {
                return Ok(()); // truncated: calamine reports it
            }
            note(typ, &data, is_sheet, seen);
        } else {
            let skipped = std::io::copy(&mut (&mut part).take(len), &mut std::io::sink())
                .map_err(|e| e.to_string())?;
            if skipped < len {
                return Ok(()); // truncated: calamine reports it
            }
        }
        pos += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_bytes(b: &[u8], is_sheet: bool) -> Result<(), String> {
        walk(b, b.len() as u64, is_sheet, &mut Seen::default())
    }

    #[test]
    fn hidden_rows_and_columns_are_noted() {
        // BrtColInfo: columns C..D hidden; BrtRowHdr row 6 hidden, row 7 not.
        let mut b = vec![0x3C, 18];
        b.extend(2u32.to_le_bytes());
        b.extend(3u32.to_le_bytes());
        b.extend([0u8; 8]);
        b.extend([0x01, 0x00]);
        for (rw, flags) in [(6u32, 0x10u8), (7, 0x00)] {
            b.extend([0x00, 17]);
            b.extend(rw.to_le_bytes());
            b.extend([0u8; 6]);
            b.extend([0, flags, 0]);
            b.extend([0u8; 4]);
        }
        let mut seen = Seen::default();
        walk(&b[..], b.len() as u64, true, &mut seen).unwrap();
        let layout = seen.layout.finish();
        assert!(layout.rows.contains(6) && !layout.rows.contains(7));
        assert!(layout.cols.contains(2) && layout.cols.contains(3) && !layout.cols.contains(4));
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
