//! .xls (BIFF5/BIFF8 in an OLE container), through calamine.
//!
//! calamine has no streaming reader for .xls: `Xls::new` parses every sheet
//! and builds each one's dense `Range` (rows × columns of the used area) at
//! once, and it reserves room for the area a DIMENSIONS record declares. A
//! hostile record can put a cell at column 65535 or declare four billion
//! rows, and the failed allocation aborts the process. So before calamine
//! sees the file we walk the Workbook stream's records ourselves — the same
//! records calamine will walk — and check each sheet's used area, declared
//! area and cell count against the limits.
//!
//! The same walk notes each sheet's hidden rows (ROW records with fDyZero)
//! and hidden columns (COLINFO records with fHidden), which calamine does not
//! report. Sheets are taken in BoundSheet8 order, which is the order of
//! calamine 0.38's `sheets_metadata()` (xls.rs `parse_workbook` pushes one
//! entry per BoundSheet8 record); re-check that on a calamine upgrade.

use std::io::Cursor;

use calamine::{Reader, Xls};

use super::cfb::Cfb;
use super::format_error as error;
use super::hidden::{Layout, ReadSheet};
use super::le::{u16_at, u32_at, utf16};
use super::limits::{self, Budget};
use super::sheet::{merged_range, read_dense_sheets};
use super::{Limits, ReadError};

/// Room calamine may reserve for a declared DIMENSIONS area without harm
/// (a whole BIFF8 sheet, 65536 × 256): the reservation is never touched.
const BIFF8_SHEET_CELLS: u64 = 65_536 * 256;

/// Reads every worksheet of an .xls.
pub(super) fn read(bytes: &[u8], budget: &mut Budget) -> Result<Vec<ReadSheet>, ReadError> {
    let layouts = {
        let cfb = Cfb::parse(bytes)
            .map_err(|e| ReadError::Corrupt(format!("OLE-beholderen kan ikke læses: {e}")))?;
        let corrupt = |e: super::cfb::CfbError| {
            ReadError::Corrupt(format!("Workbook-strømmen kan ikke læses: {e}"))
        };
        let stream = match cfb.stream("Workbook") {
            Ok(Some(s)) => s,
            _ => cfb
                .stream("Book")
                .map_err(corrupt)?
                .ok_or_else(|| ReadError::Corrupt("Workbook-strømmen mangler".into()))?,
        };
        prescan(&stream, budget.limits)?
    };

    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(error)?;
    read_dense_sheets(&mut wb, budget, layouts, error, |wb, name, budget| {
        let regions = wb.merge_cells_by_sheet_name(name).map_err(error)?;
        limits::check_merged(name, regions.len(), budget.limits)?;
        Ok(regions.iter().filter_map(merged_range).collect())
    })
}

/// BIFF records of a stream from an offset: (type, data). Stops at the end or
/// at a record that runs past it, as calamine's iterator does.
struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.len() < 4 {
            return None;
        }
        let (Some(typ), Some(len)) = (u16_at(self.stream, 0), u16_at(self.stream, 2)) else {
            return None;
        };
        let len = usize::from(len);
        if self.stream.len() < 4 + len {
            return None;
        }
        let data = &self.stream[4..4 + len];
        self.stream = &self.stream[4 + len..];
        Some((typ, data))
    }
}

/// A BIFF8 u16 field widened to u32: row and column numbers go into the
/// same layout and extent as the u32 fields of other records.
fn u16_wide(b: &[u8], at: usize) -> Option<u32> {
    u16_at(b, at).map(u32::from)
}

/// What one sheet's records would make calamine allocate.
#[derive(Default)]
struct Extent {
    cells: u64,
    min_row: u32,
    max_row: u32,
    min_col: u32,
    max_col: u32,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32, n: u64) {
        if self.cells == 0 {
            (self.min_row, self.max_row, self.min_col, self.max_col) = (row, row, col, col);
        } else {
            self.min_row = self.min_row.min(row);
            self.max_row = self.max_row.max(row);
            self.min_col = self.min_col.min(col);
            self.max_col = self.max_col.max(col);
        }
        self.cells += n;
    }
}

/// Checks the workbook stream before calamine parses it: FILEPASS means the
/// file is encrypted; every sheet's used area, declared area and cell count
/// must stay within the limits. Returns each sheet's hidden rows and columns,
/// in BoundSheet8 order.
fn prescan(stream: &[u8], limits: &Limits) -> Result<Vec<Layout>, ReadError> {
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for (typ, data) in (Records { stream }) {
        match typ {
            // FilePass: RC4 or XOR encryption (calamine only notices the former).
            0x002F => return Err(ReadError::Encrypted),
            // BoundSheet8: stream offset of a sheet, and its name.
            0x0085 => {
                if let Some(pos) = u32_at(data, 0) {
                    let name =
                        sheet_name(data).unwrap_or_else(|| format!("ark nr. {}", sheets.len() + 1));
                    sheets.push((pos as usize, name));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut layouts = Vec::with_capacity(sheets.len());
    for (pos, name) in sheets {
        let mut layout = Layout::default();
        let Some(sub) = stream.get(pos..) else {
            layouts.push(layout);
            continue;
        };
        let mut ext = Extent::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in (Records { stream: sub }) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x0200 => check_dimensions(&name, data, limits)?,
                // Row: rw (2) … grbit at 12, fDyZero (hidden) is 0x20.
                0x0208 => {
                    if let (Some(rw), Some(&grbit)) = (u16_wide(data, 0), data.get(12)) {
                        if grbit & 0x20 != 0 {
                            layout.rows.add(rw, rw);
                        }
                    }
                }
                // ColInfo: colFirst (2), colLast (2), coldx, ixfe, flags at
                // 8, fHidden is 0x01.
                0x007D => {
                    if let (Some(first), Some(last), Some(&flags)) =
                        (u16_wide(data, 0), u16_wide(data, 2), data.get(8))
                    {
                        if flags & 0x01 != 0 {
                            layout.cols.add(first, last);
                        }
                    }
                }
                // Number, Label, RString, BoolErr, RK, LabelSst, Formula.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_wide(data, 0), u16_wide(data, 2)) {
                        ext.add(r, c, 1);
                    }
                }
                // MulRk: a run of RK cells in one row.
                0x00BD if data.len() >= 6 => {
                    let (Some(r), Some(first)) = (u16_wide(data, 0), u16_wide(data, 2)) else {
                        continue;
                    };
                    let last = u16_wide(data, data.len() - 2).unwrap_or(first);
                    let n = ((data.len() - 6) / 6).max(1) as u32;
                    ext.add(r, first, n as u64);
                    ext.add(r, first.max(last).max(first + n - 1), 0);
                }
                0x000A => break,
                _ => {}
            }
        }
        if ext.cells > 0 {
            let rows = (ext.max_row - ext.min_row) as u64 + 1;
            let cols = (ext.max_col - ext.min_col) as u64 + 1;
            limits::check_dense(&name, rows, cols, limits)?;
        }
        limits::check_sheet_cells(&name, ext.cells, limits)?;
        layouts.push(layout.finish());
    }
    Ok(layouts)
}

/// A DIMENSIONS record, computed as calamine computes the room it reserves
/// (with its wrapping arithmetic in release builds).
fn check_dimensions(sheet: &str, data: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u16_wide(data, 0).unwrap_or(0),
            u16_wide(data, 2).unwrap_or(0),
            u16_wide(data, 4).unwrap_or(0),
            u16_wide(data, 6).unwrap_or(0),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u16_wide(data, 8).unwrap_or(0),
            u16_wide(data, 10).unwrap_or(0),
        ),
        _ => return Ok(()), // calamine rejects the record itself
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as u64;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as u64;
    let declared = rows.saturating_mul(cols);
    if declared > limits.max_dense_cells_per_sheet.max(BIFF8_SHEET_CELLS) {
        return Err(limits::too_large(format!(
            "arket »{sheet}« siger det spænder over {} rækker × {} kolonner = {} celler; grænsen er {} celler pr. ark",
            limits::tal(rows),
            limits::tal(cols),
            limits::tal(declared),
            limits::tal(limits.max_dense_cells_per_sheet.max(BIFF8_SHEET_CELLS))
        )));
    }
    Ok(())
}

/// The sheet name in a BoundSheet8 record (BIFF8 short unicode string, or
/// BIFF5 8-bit text read as Latin-1), for messages only.
fn sheet_name(data: &[u8]) -> Option<String> {
    let cch = *data.get(6)? as usize;
    let flags = *data.get(7)?;
    let rest = data.get(8..)?;
    let name = match flags {
        0 if rest.len() >= cch => rest[..cch].iter().map(|&b| b as char).collect(),
        1 if rest.len() >= 2 * cch => utf16(&rest[..2 * cch]),
        _ => data.get(7..7 + cch)?.iter().map(|&b| b as char).collect(),
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    /// A workbook stream: globals with one BoundSheet8 → a sheet substream.
    fn stream(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let mut bound = Vec::new();
        bound.extend(0u32.to_le_bytes()); // patched below
        bound.extend([0, 0, 4, 0]);
        bound.extend(b"Ark1");
        let mut globals = record(0x0809, &[0, 6, 5, 0]);
        let bound_at = globals.len() + 4;
        globals.extend(record(0x0085, &bound));
        globals.extend(record(0x000A, &[]));
        let pos = globals.len() as u32;
        globals[bound_at..bound_at + 4].copy_from_slice(&pos.to_le_bytes());
        globals.extend(record(0x0809, &[0, 6, 16, 0]));
        for r in sheet_records {
            globals.extend(r);
        }
        globals.extend(record(0x000A, &[]));
        globals
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0, 0]);
        d.extend(1.0f64.to_le_bytes());
        record(0x0203, &d)
    }

    #[test]
    fn far_apart_cells_break_the_dense_limit() {
        let s = stream(&[number(0, 0), number(65535, 65535)]);
        let err = prescan(&s, &Limits::default()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("»Ark1«") && msg.contains("65.536 rækker × 65.536 kolonner"),
            "{msg}"
        );
        assert!(prescan(
            &stream(&[number(0, 0), number(100, 10)]),
            &Limits::default()
        )
        .is_ok());
    }

    #[test]
    fn inverted_dimensions_are_refused() {
        // rwMic 5, rwMac 1: calamine's row count wraps to four billion.
        let mut d = 5u32.to_le_bytes().to_vec();
        d.extend(1u32.to_le_bytes());
        d.extend([0, 0, 3, 0, 0, 0]);
        let s = stream(&[record(0x0200, &d)]);
        assert!(matches!(
            prescan(&s, &Limits::default()),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[test]
    fn filepass_means_encrypted() {
        let s = [
            record(0x0809, &[0, 6, 5, 0]),
            record(0x002F, &[0, 0]),
            record(0x000A, &[]),
        ]
        .concat();
        assert!(matches!(
            prescan(&s, &Limits::default()),
            Err(ReadError::Encrypted)
        ));
    }
}
