//! .xlsb (Excel binary workbook), through calamine's streaming cell reader,
//! for the same reason as [`super::xlsx`]: `worksheet_range` would build a
//! dense rectangle over the used cells. calamine reads no merged regions
//! from .xlsb.

use std::io::Cursor;

use calamine::{Reader, SheetType, Xlsb, XlsbError};

use super::limits::Budget;
use super::sheet::SheetBuilder;
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
