//! Reading: workbook file → [`Workbook`] (sheets of non-empty cells with
//! their positions). One entry point, [`read_workbook`], recognizes the format
//! by content (not by the extension, which may lie or be upper-case) and
//! enforces size limits before anything large is allocated.
//!
//! The grid knows nothing of submissions: finding metadata, status schemas
//! and budget tables is the job of [`crate::normalize`].

mod grid;

pub use grid::*;

use std::path::Path;

/// Limits that protect against hostile or broken files (zip bombs, sheets
/// that claim a million rows). A file over a limit is rejected with a reason.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total uncompressed size of a zip-based workbook, in bytes.
    pub max_uncompressed_bytes: u64,
    /// Largest compression ratio of one zip entry (uncompressed / compressed)
    /// for entries over 1 MB uncompressed.
    pub max_compression_ratio: u64,
    /// Most non-empty cells read from one sheet.
    pub max_cells_per_sheet: usize,
    /// Most non-empty cells read from the whole workbook.
    pub max_cells_total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
            max_compression_ratio: 200,
            max_cells_per_sheet: 5_000_000,
            max_cells_total: 10_000_000,
        }
    }
}

/// Why a file could not be read. The Display text is Danish and names the
/// problem a caseworker can act on; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("filen kan ikke åbnes: {0}")]
    Io(#[from] std::io::Error),
    #[error("filen er ikke et regneark (hverken .xlsx, .xlsm, .xlsb, .xls eller .ods)")]
    NotASpreadsheet,
    #[error("regnearket er beskyttet med adgangskode (krypteret); gem det uden adgangskode og send det igen")]
    Encrypted,
    #[error("regnearket er beskadiget og kan ikke læses ({0})")]
    Corrupt(String),
    #[error("regnearket er for stort: {0}")]
    TooLarge(String),
}

/// Reads a workbook from disk. See [`read_workbook_bytes`].
///
/// # Errors
/// [`ReadError`] when the file is not a readable spreadsheet or breaks a limit.
pub fn read_workbook(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge(format!(
            "filen fylder {} MB; grænsen er {} MB",
            meta.len() / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path)?;
    read_workbook_bytes(&bytes, limits)
}

/// Reads a workbook from its bytes, recognizing the format by content.
///
/// # Errors
/// [`ReadError`] when the bytes are not a readable spreadsheet or break a limit.
pub fn read_workbook_bytes(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    // Placeholder implementation: the robust reader (format sniffing, limits,
    // merged cells, streaming) replaces this.
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let _ = limits;
    let cursor = std::io::Cursor::new(bytes.to_vec());
    let mut wb =
        open_workbook_auto_from_rs(cursor).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let names = wb.sheet_names().to_vec();
    let mut sheets = Vec::new();
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ReadError::Corrupt(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Row> = Vec::new();
        for (ri, row) in range.rows().enumerate() {
            let mut cells = Vec::new();
            for (ci, v) in row.iter().enumerate() {
                let value = match v {
                    Data::Empty => continue,
                    Data::String(s) => Value::Text(s.clone()),
                    Data::Float(f) => Value::Number(*f),
                    Data::Int(i) => Value::Int(*i),
                    Data::Bool(b) => Value::Bool(*b),
                    Data::DateTime(d) => match d.as_datetime() {
                        Some(dt) => Value::Date(dt),
                        None => Value::Number(d.as_f64()),
                    },
                    Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
                    Data::Error(e) => Value::Error(format!("{e:?}")),
                };
                cells.push(Cell {
                    col: c0 + ci as u32,
                    value,
                });
            }
            if !cells.is_empty() {
                rows.push(Row {
                    index: r0 + ri as u32,
                    cells,
                });
            }
        }
        sheets.push(Sheet {
            name,
            rows,
            merged: Vec::new(),
        });
    }
    Ok(Workbook {
        kind: SourceKind::Xlsx,
        sheets,
    })
}
