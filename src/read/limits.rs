//! Limit checks, run before anything large is allocated. Every rejection is a
//! [`ReadError::TooLarge`] whose Danish text names the number found and the
//! limit it broke.

use super::{Limits, ReadError};

/// A whole number with Danish thousands separators: 5000000 → "5.000.000".
pub(crate) fn tal(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A byte count for people: "512 bytes", "3 KB", "1.024 MB".
pub(crate) fn bytes(n: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if n >= 10 * MB {
        format!("{} MB", tal(n / MB))
    } else if n >= 10 * KB {
        format!("{} KB", tal(n / KB))
    } else {
        format!("{} bytes", tal(n))
    }
}

pub(crate) fn too_large(msg: String) -> ReadError {
    ReadError::TooLarge(msg)
}

/// The file itself.
pub(crate) fn check_file_size(len: u64, limits: &Limits) -> Result<(), ReadError> {
    if len > limits.max_file_bytes {
        return Err(too_large(format!(
            "filen fylder {}; grænsen er {}",
            bytes(len),
            bytes(limits.max_file_bytes)
        )));
    }
    Ok(())
}

/// One zip entry's declared size and compression ratio (zip bombs). The zip
/// reader refuses to inflate an entry beyond its declared size, so checking
/// the declared sizes bounds what calamine can unpack.
pub(crate) fn check_zip_entry(
    name: &str,
    size: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), ReadError> {
    if size > limits.max_uncompressed_bytes {
        return Err(too_large(format!(
            "delen »{name}« fylder {} udpakket; grænsen er {}",
            bytes(size),
            bytes(limits.max_uncompressed_bytes)
        )));
    }
    if size > 1024 * 1024 {
        let ratio = size / compressed.max(1);
        if ratio > limits.max_compression_ratio {
            return Err(too_large(format!(
                "delen »{name}« er pakket {} gange sammen ({} bliver til {}), som i en zip-bombe; grænsen er {} gange",
                tal(ratio),
                bytes(compressed),
                bytes(size),
                tal(limits.max_compression_ratio)
            )));
        }
    }
    Ok(())
}

/// The sum of all zip entries' declared sizes.
pub(crate) fn check_zip_total(total: u64, limits: &Limits) -> Result<(), ReadError> {
    if total > limits.max_uncompressed_bytes {
        return Err(too_large(format!(
            "indholdet fylder {} udpakket; grænsen er {}",
            bytes(total),
            bytes(limits.max_uncompressed_bytes)
        )));
    }
    Ok(())
}

/// A sheet whose reader (xls, ods) builds a dense rectangle over its used
/// cells: rows × columns must stay under the dense-cell limit.
pub(crate) fn check_dense(
    sheet: &str,
    rows: u64,
    cols: u64,
    limits: &Limits,
) -> Result<(), ReadError> {
    let cells = rows.saturating_mul(cols);
    if cells > limits.max_dense_cells_per_sheet {
        return Err(too_large(format!(
            "arket »{sheet}« spænder over {} rækker × {} kolonner = {} celler; grænsen er {} celler pr. ark",
            tal(rows),
            tal(cols),
            tal(cells),
            tal(limits.max_dense_cells_per_sheet)
        )));
    }
    Ok(())
}

/// A known count of filled cells in one sheet (from a pre-scan).
pub(crate) fn check_sheet_cells(sheet: &str, cells: u64, limits: &Limits) -> Result<(), ReadError> {
    if cells > limits.max_cells_per_sheet as u64 {
        return Err(too_large(format!(
            "arket »{sheet}« har {} udfyldte celler; grænsen er {} pr. ark",
            tal(cells),
            tal(limits.max_cells_per_sheet as u64)
        )));
    }
    Ok(())
}

/// The merged regions listed for one sheet.
pub(crate) fn check_merged(sheet: &str, regions: usize, limits: &Limits) -> Result<(), ReadError> {
    if regions > limits.max_cells_per_sheet {
        return Err(too_large(format!(
            "arket »{sheet}« har {} flettede områder; grænsen er {} pr. ark",
            tal(regions as u64),
            tal(limits.max_cells_per_sheet as u64)
        )));
    }
    Ok(())
}

/// Counts cells and text across the whole workbook as sheets are read.
pub(crate) struct Budget<'a> {
    pub limits: &'a Limits,
    /// Filled cells in the sheets finished so far.
    pub total_cells: u64,
    text_bytes: u64,
}

impl<'a> Budget<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            total_cells: 0,
            text_bytes: 0,
        }
    }

    /// Accounts for `len` more bytes of cell text, before they are copied.
    pub fn text(&mut self, len: usize) -> Result<(), ReadError> {
        self.text_bytes = self.text_bytes.saturating_add(len as u64);
        if self.text_bytes > self.limits.max_text_bytes {
            return Err(too_large(format!(
                "cellerne rummer mere end {} tekst, som er grænsen",
                bytes(self.limits.max_text_bytes)
            )));
        }
        Ok(())
    }

    /// The error for a sheet that went over a cell limit, with the count
    /// found (the sheet was counted to its end without storing the cells).
    pub fn over_limit(&self, sheet: &str, sheet_cells: u64) -> ReadError {
        if sheet_cells > self.limits.max_cells_per_sheet as u64 {
            too_large(format!(
                "arket »{sheet}« har {} udfyldte celler; grænsen er {} pr. ark",
                tal(sheet_cells),
                tal(self.limits.max_cells_per_sheet as u64)
            ))
        } else {
            too_large(format!(
                "projektmappen har mindst {} udfyldte celler (til og med arket »{sheet}«); grænsen er {} i alt",
                tal(self.total_cells + sheet_cells),
                tal(self.limits.max_cells_total as u64)
            ))
        }
    }

    /// True while one more cell in a sheet that has `sheet_cells` (including
    /// it) stays within both cell limits.
    pub fn fits(&self, sheet_cells: u64) -> bool {
        sheet_cells <= self.limits.max_cells_per_sheet as u64
            && self.total_cells + sheet_cells <= self.limits.max_cells_total as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_thousands() {
        assert_eq!(tal(0), "0");
        assert_eq!(tal(999), "999");
        assert_eq!(tal(1000), "1.000");
        assert_eq!(tal(5_000_000), "5.000.000");
        assert_eq!(tal(17_179_869_184), "17.179.869.184");
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(200 * 1024 * 1024), "200 MB");
    }
}
