//! What one sheet's rows need while it is written: the widths wrapped text
//! is measured against, and the row heights it needs. Excel fits row
//! heights itself; LibreOffice and merged cells do not, so they are set.

use super::cells::{Direct, Sink};
use super::styles::StyleId;
use super::wrapped_lines;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::{BTreeMap, HashMap};
use std::ops::{Deref, DerefMut};

/// The sheet being written: where its cells go (`out`) and its layout.
pub(super) struct Sheet<W> {
    out: W,
    /// Column widths (characters).
    widths: HashMap<u16, f64>,
    /// Rows whose first cell is merged across the table: the merged width.
    merged_rows: HashMap<u32, f64>,
    /// Row heights (points) that wrapped text needs.
    heights: BTreeMap<u32, f64>,
}

impl<W: Sink> Sheet<W> {
    pub fn new(out: W) -> Self {
        Sheet {
            out,
            widths: HashMap::new(),
            merged_rows: HashMap::new(),
            heights: BTreeMap::new(),
        }
    }

    /// Sets a column width in the skeleton `sk` and remembers it.
    pub fn col_width(&mut self, sk: &mut Worksheet, col: u16, width: f64) -> Result<(), XlsxError> {
        sk.set_column_width(col, width)?;
        self.widths.insert(col, width);
        Ok(())
    }

    /// Remembers that row `row`'s first cell is merged across `width`.
    pub fn merged_width(&mut self, row: u32, width: f64) {
        self.merged_rows.insert(row, width);
    }

    /// Remembers the height a text in `style` needs in its row, if the
    /// style wraps.
    pub fn note_height(&mut self, row: u32, col: u16, text: &str, style: StyleId) {
        let Some(bold) = style.wraps() else {
            return;
        };
        let width = match self.merged_rows.get(&row) {
            Some(w) if col == 0 => *w,
            _ => self.widths.get(&col).copied().unwrap_or(8.43),
        };
        let h = 15.0 * wrapped_lines(text, width, bold) as f64 + 1.0;
        let e = self.heights.entry(row).or_insert(15.0);
        *e = e.max(h);
    }

    /// Sets the row heights wrapped text needs; returns the sink.
    ///
    /// # Errors
    /// As the sink's.
    pub fn finish(mut self) -> Result<W, XlsxError> {
        for (row, h) in &self.heights {
            if *h > 16.0 {
                self.out.put_row_height(*row, *h)?;
            }
        }
        Ok(self.out)
    }
}

impl Sheet<Direct<'_>> {
    /// As [`Sheet::col_width`], for a sheet written straight into its
    /// rust_xlsxwriter worksheet.
    pub fn own_col_width(&mut self, col: u16, width: f64) -> Result<(), XlsxError> {
        self.out.ws.set_column_width(col, width)?;
        self.widths.insert(col, width);
        Ok(())
    }
}

impl<W> Deref for Sheet<W> {
    type Target = W;
    fn deref(&self) -> &W {
        &self.out
    }
}

impl<W> DerefMut for Sheet<W> {
    fn deref_mut(&mut self) -> &mut W {
        &mut self.out
    }
}
