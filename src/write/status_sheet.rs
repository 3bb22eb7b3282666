//! budget.xlsx's "Status" sheet (contract §4 "status"): who has sent what.
//! One row per current submission (department, file, Forside date, when it
//! was received, counts, errors and warnings), then the roster departments
//! that are missing, the files set aside (older versions, identical copies)
//! and the files that were rejected.
//!
//! The sheet is small (a row per submission), so it is written with the
//! ordinary rust_xlsxwriter API, cell by cell. Every text that came from a
//! submission (file and department names, reasons quoting cells) is written
//! as text: a department "=HYPERLINK(…)" stays literal.

use super::xlsx::{
    base_format, cut_to_cell, fit_width, page_setup, truncated_finding, wrapped_lines, write_text,
    StyleId, StyleId as S, Styles,
};
use crate::finding::Finding;
use crate::reconcile::departments::{Status, StatusRow};
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, FormatAlign, Worksheet, XlsxError};

/// The table's columns: header, width (characters), numeric.
const COLUMNS: [(&str, f64, bool); 8] = [
    ("Afdeling", 0.0, false),
    ("Fil", 0.0, false),
    ("Dato", 12.0, false),
    ("Modtaget", 19.0, false),
    ("Statusskemaer", 15.0, true),
    ("Budgetlinjer", 14.0, true),
    ("Fejl", 9.0, true),
    ("Advarsler", 12.0, true),
];
const LAST_COL: u16 = COLUMNS.len() as u16 - 1;
/// Row (0-based) of the submissions' header.
pub(crate) const HEADER_ROW: u32 = 3;

/// Writes the sheet (named by the caller) into `ws`; returns the
/// `text-truncated` findings of texts too long for a cell.
///
/// # Errors
/// As rust_xlsxwriter's.
pub(crate) fn write_status(
    ws: &mut Worksheet,
    status: &Status,
    st: &Styles,
) -> Result<Vec<Finding>, XlsxError> {
    let mut w = Writer {
        ws,
        st,
        truncated: Vec::new(),
        widths: [0.0; COLUMNS.len()],
        date: base_format()
            .set_num_format("dd-mm-yyyy")
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::Top),
        datetime: base_format()
            .set_num_format("dd-mm-yyyy \"kl.\" hh:mm")
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::Top),
    };
    w.columns(status)?;
    w.ws.write_string_with_format(0, 0, "Status: hvem har afleveret", &st[S::Title])?;
    w.ws.set_row_height(0, 21)?;
    w.merged(1, 0, LAST_COL, &status.summary(), S::Heading, "")?;

    let hr = HEADER_ROW;
    for (c, (h, _, numeric)) in COLUMNS.iter().enumerate() {
        let f = if *numeric {
            &st[S::HeaderNum]
        } else {
            &st[S::Header]
        };
        w.ws.write_string_with_format(hr, c as u16, *h, f)?;
    }
    let mut row = hr + 1;
    for r in &status.submitted {
        w.submission(row, r)?;
        row += 1;
    }
    if status.submitted.is_empty() {
        w.ws.write_string_with_format(row, 0, "Ingen indberetninger er læst.", &st[S::Caption])?;
        row += 1;
    } else {
        w.ws.autofilter(hr, 0, row - 1, LAST_COL)?;
    }

    // The blocks below, a blank row before each.
    row = w.missing(row + 1, status)?;
    row = w.set_aside(row + 1, status)?;
    w.rejected(row + 1, status)?;
    page_setup(w.ws, hr, 0)?;
    Ok(w.truncated)
}

struct Writer<'w> {
    ws: &'w mut Worksheet,
    st: &'w Styles,
    truncated: Vec<Finding>,
    widths: [f64; COLUMNS.len()],
    date: XFormat,
    datetime: XFormat,
}

impl Writer<'_> {
    /// Column widths: names fit, within limits where they wrap.
    fn columns(&mut self, status: &Status) -> Result<(), XlsxError> {
        let first = status
            .submitted
            .iter()
            .filter_map(|r| r.department.as_deref())
            .chain(status.missing.iter().map(String::as_str))
            .chain(status.set_aside.iter().map(|s| s.source.as_str()))
            .chain(status.rejected.iter().map(|r| r.file.as_str()))
            .chain(["Afdeling", "Ikke angivet på forsiden"]);
        let files = status
            .submitted
            .iter()
            .map(|r| r.file.as_str())
            .chain(status.set_aside.iter().map(|s| s.current.as_str()))
            .chain(["Gældende fil"]);
        for (c, (_, width, _)) in COLUMNS.iter().enumerate() {
            let w = match c {
                0 => fit_width(first.clone(), 20, 40),
                1 => fit_width(files.clone(), 16, 36),
                _ => *width,
            };
            self.ws.set_column_width(c as u16, w)?;
            self.widths[c] = w;
        }
        Ok(())
    }

    /// Width of columns `first..=last` together.
    fn width(&self, first: u16, last: u16) -> f64 {
        self.widths[first as usize..=last as usize].iter().sum()
    }

    /// A text from a submission or a finding, cut to a cell with a finding,
    /// in one cell or merged across `first..=last`; the row is made as high
    /// as the wrapped text needs.
    fn merged(
        &mut self,
        row: u32,
        first: u16,
        last: u16,
        text: &str,
        style: StyleId,
        file: &str,
    ) -> Result<(), XlsxError> {
        let fmt = &self.st[style];
        let (cut, original) = cut_to_cell(text);
        if let Some(n) = original {
            let name = self.ws.name();
            self.truncated
                .push(truncated_finding(file, None, None, n, &name, row, first));
        }
        if first == last {
            write_text(self.ws, row, first, &cut, fmt)?;
        } else {
            self.ws.merge_range(row, first, row, last, "", fmt)?;
            write_text(self.ws, row, first, &cut, fmt)?;
        }
        let bold = matches!(style, S::Heading | S::Header);
        if style == S::Wrap || bold {
            let lines = wrapped_lines(&cut, self.width(first, last), bold);
            if lines > 1 {
                self.ws.set_row_height(row, 15.0 * lines as f64 + 1.0)?;
            }
        }
        Ok(())
    }

    fn submission(&mut self, row: u32, r: &StatusRow) -> Result<(), XlsxError> {
        let st = self.st;
        match &r.department {
            Some(d) => self.merged(row, 0, 0, d, S::Wrap, &r.file)?,
            None => {
                self.ws.write_string_with_format(
                    row,
                    0,
                    "Ikke angivet på forsiden",
                    &st[S::Caption],
                )?;
            }
        }
        self.merged(row, 1, 1, &r.file, S::Wrap, &r.file)?;
        if let Some(d) = &r.date {
            match date(d) {
                Some(x) => {
                    self.ws.write_datetime_with_format(row, 2, x, &self.date)?;
                }
                None => self.merged(row, 2, 2, d, S::Text, &r.file)?,
            }
        }
        if let Some(t) = &r.received {
            match received(t) {
                Some(x) => {
                    self.ws
                        .write_datetime_with_format(row, 3, x, &self.datetime)?;
                }
                None => self.merged(row, 3, 3, t, S::Text, &r.file)?,
            }
        }
        let counts = [r.initiatives, r.budget_lines, r.errors, r.warnings];
        for (i, n) in counts.into_iter().enumerate() {
            let f = if i == 2 && n > 0 {
                &st[S::DiffersText]
            } else {
                &st[S::Text]
            };
            self.ws
                .write_number_with_format(row, 4 + i as u16, n as f64, f)?;
        }
        Ok(())
    }

    /// "Mangler": the roster departments without a current submission.
    /// Each block starts at `row` and returns the row after its last.
    fn missing(&mut self, mut row: u32, status: &Status) -> Result<u32, XlsxError> {
        let st = self.st;
        self.ws
            .write_string_with_format(row, 0, "Mangler", &st[S::Heading])?;
        row += 1;
        if status.roster == 0 {
            let note = "Ingen afdelingsliste er angivet, så bilag kan ikke se, om nogen mangler. Angiv listen med --departments FIL (eller [[department]] i udvalgsformatet).";
            self.merged(row, 0, LAST_COL, note, S::Wrap, "")?;
            row += 1;
        } else if status.missing.is_empty() {
            self.ws.write_string_with_format(
                row,
                0,
                "Alle afdelinger på listen har afleveret.",
                &st[S::Text],
            )?;
            row += 1;
        }
        for d in &status.missing {
            self.merged(row, 0, 0, d, S::Wrap, "")?;
            row += 1;
        }
        Ok(row)
    }

    /// "Lagt til side": file, why, the current file, the rule.
    fn set_aside(&mut self, mut row: u32, status: &Status) -> Result<u32, XlsxError> {
        let st = self.st;
        self.ws
            .write_string_with_format(row, 0, "Lagt til side", &st[S::Heading])?;
        row += 1;
        if status.set_aside.is_empty() {
            self.ws.write_string_with_format(
                row,
                0,
                "Ingen filer er lagt til side.",
                &st[S::Text],
            )?;
            return Ok(row + 1);
        }
        self.merged(row, 0, 0, "Fil", S::Header, "")?;
        self.merged(row, 1, 1, "Gældende fil", S::Header, "")?;
        self.merged(row, 2, 3, "Årsag", S::Header, "")?;
        self.merged(row, 4, LAST_COL, "Regel", S::Header, "")?;
        row += 1;
        for s in &status.set_aside {
            self.merged(row, 0, 0, &s.source, S::Wrap, &s.source)?;
            self.merged(row, 1, 1, &s.current, S::Wrap, &s.source)?;
            self.merged(row, 2, 3, s.reason.danish(), S::Wrap, &s.source)?;
            self.merged(row, 4, LAST_COL, &s.why, S::Wrap, &s.source)?;
            row += 1;
        }
        Ok(row)
    }

    /// "Afviste filer": file and why it could not be read.
    fn rejected(&mut self, mut row: u32, status: &Status) -> Result<u32, XlsxError> {
        let st = self.st;
        self.ws
            .write_string_with_format(row, 0, "Afviste filer", &st[S::Heading])?;
        row += 1;
        if status.rejected.is_empty() {
            self.ws
                .write_string_with_format(row, 0, "Ingen filer er afvist.", &st[S::Text])?;
            return Ok(row + 1);
        }
        self.merged(row, 0, 0, "Fil", S::Header, "")?;
        self.merged(row, 1, LAST_COL, "Årsag", S::Header, "")?;
        row += 1;
        for r in &status.rejected {
            self.merged(row, 0, 0, &r.file, S::Wrap, &r.file)?;
            self.merged(row, 1, LAST_COL, &r.reason, S::Wrap, &r.file)?;
            row += 1;
        }
        Ok(row)
    }
}

/// A Forside date (yyyy-mm-dd) as an Excel date.
fn date(iso: &str) -> Option<ExcelDateTime> {
    let d = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    excel(d.and_hms_opt(0, 0, 0)?)
}

/// When a file was received (RFC 3339, local time) as an Excel date and
/// time, as the clock showed it (Excel has no time zones).
fn received(rfc3339: &str) -> Option<ExcelDateTime> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    excel(t.naive_local())
}

fn excel(t: chrono::NaiveDateTime) -> Option<ExcelDateTime> {
    use chrono::{Datelike, Timelike};
    let year = u16::try_from(t.year()).ok()?;
    let d = ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8).ok()?;
    d.and_hms(t.hour() as u16, t.minute() as u8, t.second())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_excel_dates_and_odd_ones_stay_text() {
        assert_eq!(date("2008-03-03").unwrap().to_excel(), 39510.0);
        let t = received("2008-03-05T12:00:00+01:00").unwrap();
        assert_eq!(t.to_excel(), 39512.5);
        assert!(date("3. marts 2008").is_none());
        assert!(received("i går").is_none());
        assert!(date("1850-01-01").is_none(), "before Excel's epoch");
    }
}
