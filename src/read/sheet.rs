//! Building a [`Sheet`] from cells in any order, and turning calamine's cell
//! values into [`Value`]s. Shared by every format module.

use calamine::{Data, DataRef, ExcelDateTime, Reader, SheetType, SheetVisible};
use chrono::{NaiveDate, NaiveDateTime};

use super::hidden::{Layout, ReadSheet};
use super::limits::Budget;
use super::{MergedRange, ReadError, Row, Sheet, Value};

/// The largest serial date Excel shows (31-12-9999).
const MAX_SERIAL: f64 = 2_958_466.0;

/// Collects one sheet's filled cells, counting them against the limits.
/// Once a limit is passed it stops storing but keeps counting, so the error
/// can say how many cells the sheet really has.
pub(crate) struct SheetBuilder {
    name: String,
    cells: Vec<(u32, u32, Value)>,
    count: u64,
    over: bool,
}

impl SheetBuilder {
    pub fn new(name: &str) -> Self {
        SheetBuilder {
            name: name.to_string(),
            cells: Vec::new(),
            count: 0,
            over: false,
        }
    }

    /// Adds a cell value from a streaming reader (xlsx, xlsb).
    pub fn push_ref(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        data: DataRef<'_>,
    ) -> Result<(), ReadError> {
        if !self.admit(budget, filled_ref(&data)) {
            return Ok(());
        }
        let value = match data {
            DataRef::String(s) => text(budget, &s).map(|()| Value::Text(s))?,
            DataRef::SharedString(s) => text(budget, s).map(|()| Value::Text(s.to_string()))?,
            DataRef::DateTimeIso(s) => text(budget, &s).map(|()| iso_date(&s))?,
            DataRef::DurationIso(s) => text(budget, &s).map(|()| Value::Text(s))?,
            DataRef::Int(i) => Value::Int(i),
            DataRef::Float(f) => Value::Number(f),
            DataRef::Bool(b) => Value::Bool(b),
            DataRef::DateTime(d) => excel_date(d),
            DataRef::Error(e) => Value::Error(e.to_string()),
            DataRef::Empty => return Ok(()),
        };
        self.cells.push((row, col, value));
        Ok(())
    }

    /// Adds a cell value from a calamine `Range` (xls, ods).
    pub fn push(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        data: &Data,
    ) -> Result<(), ReadError> {
        if !self.admit(budget, filled(data)) {
            return Ok(());
        }
        let value = match data {
            Data::String(s) => text(budget, s).map(|()| Value::Text(s.clone()))?,
            Data::DateTimeIso(s) => text(budget, s).map(|()| iso_date(s))?,
            Data::DurationIso(s) => text(budget, s).map(|()| Value::Text(s.clone()))?,
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Number(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(d) => excel_date(*d),
            Data::Error(e) => Value::Error(e.to_string()),
            Data::Empty => return Ok(()),
        };
        self.cells.push((row, col, value));
        Ok(())
    }

    /// Counts a filled cell; false when it must not be stored.
    fn admit(&mut self, budget: &Budget, filled: bool) -> bool {
        if !filled {
            return false;
        }
        self.count += 1;
        if !self.over && !budget.fits(self.count) {
            self.over = true;
            self.cells = Vec::new();
        }
        !self.over
    }

    /// The finished sheet: rows in order, cells in column order, no empty
    /// rows; a position given twice keeps the last value.
    pub fn finish(self, budget: &mut Budget, merged: Vec<MergedRange>) -> Result<Sheet, ReadError> {
        if self.over {
            return Err(budget.over_limit(&self.name, self.count));
        }
        budget.total_cells += self.count;
        let mut cells = self.cells;
        // Stable: among equal positions the later value stays last.
        cells.sort_by_key(|&(r, c, _)| (r, c));
        let mut rows: Vec<Row> = Vec::new();
        for (r, c, value) in cells {
            match rows.last_mut() {
                Some(row) if row.index == r => match row.cells.last_mut() {
                    Some(last) if last.col == c => last.value = value,
                    _ => row.cells.push(super::Cell { col: c, value }),
                },
                _ => rows.push(Row {
                    index: r,
                    cells: vec![super::Cell { col: c, value }],
                }),
            }
        }
        let mut merged = merged;
        merged.sort_by_key(|m| (m.first_row, m.first_col));
        merged.dedup();
        Ok(Sheet {
            name: self.name,
            rows,
            merged,
        })
    }
}

fn text(budget: &mut Budget, s: &str) -> Result<(), ReadError> {
    budget.text(s.len())
}

fn filled_ref(d: &DataRef<'_>) -> bool {
    match d {
        DataRef::Empty => false,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => !s.is_empty(),
        DataRef::SharedString(s) => !s.is_empty(),
        _ => true,
    }
}

fn filled(d: &Data) -> bool {
    match d {
        Data::Empty => false,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => !s.is_empty(),
        _ => true,
    }
}

/// A merged region from calamine's `Dimensions`, if well-formed.
pub(crate) fn merged_range(d: &calamine::Dimensions) -> Option<MergedRange> {
    let ((r0, c0), (r1, c1)) = (d.start, d.end);
    (r0 <= r1 && c0 <= c1).then_some(MergedRange {
        first_row: r0,
        first_col: c0,
        last_row: r1,
        last_col: c1,
    })
}

/// An Excel serial date (1900 or 1904 system, which calamine's
/// `ExcelDateTime` carries) as a date-time. Durations and serials outside
/// 0..=31-12-9999 stay numbers; chrono's conversion would panic on some.
fn excel_date(d: ExcelDateTime) -> Value {
    let v = d.as_f64();
    if d.is_datetime() && v.is_finite() && (0.0..MAX_SERIAL).contains(&v) {
        if let Some(dt) = d.as_datetime() {
            return Value::Date(dt);
        }
    }
    Value::Number(v)
}

/// An ISO 8601 date or date-time (ods `office:date-value`): "2008-03-03",
/// "2008-03-03T00:00:00", "2008-03-03T12:30:00.5". Anything else stays text.
pub(crate) fn iso_date(s: &str) -> Value {
    let t = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
        return Value::Date(dt);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Value::Date(d.and_time(chrono::NaiveTime::MIN));
    }
    Value::Text(s.to_string())
}

/// Reads every worksheet of a workbook that calamine parses into dense
/// ranges (.xls, .ods; their pre-scan has checked the limits), in workbook
/// order, leaving out chart and macro sheets and repeated names. `merged`
/// gives a sheet's merged regions (.ods has none). `layouts` holds the hidden
/// rows and columns of each sheet in `sheets_metadata()` order, as the
/// format's pre-scan found them; when it does not list as many sheets as
/// calamine, no row or column is taken as hidden.
pub(crate) fn read_dense_sheets<RS, R>(
    wb: &mut R,
    budget: &mut Budget,
    mut layouts: Vec<Layout>,
    error: impl Fn(R::Error) -> ReadError,
    mut merged: impl FnMut(&mut R, &str, &mut Budget) -> Result<Vec<MergedRange>, ReadError>,
) -> Result<Vec<ReadSheet>, ReadError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    let sheets: Vec<(String, SheetType, SheetVisible)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ, s.visible))
        .collect();
    if layouts.len() != sheets.len() {
        layouts.clear();
    }
    let mut out: Vec<ReadSheet> = Vec::new();
    for (i, (name, typ, visible)) in sheets.into_iter().enumerate() {
        if typ != SheetType::WorkSheet || out.iter().any(|s| s.sheet.name == name) {
            continue;
        }
        let range = wb.worksheet_range(&name).map_err(&error)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut builder = SheetBuilder::new(&name);
        for (r, c, value) in range.used_cells() {
            builder.push(budget, r0 + r as u32, c0 + c as u32, value)?;
        }
        drop(range);
        let regions = merged(wb, &name, budget)?;
        out.push(ReadSheet {
            sheet: builder.finish(budget, regions)?,
            visible,
            layout: layouts.get_mut(i).map(std::mem::take).unwrap_or_default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(chrono::NaiveTime::MIN)
    }

    #[test]
    fn serial_dates_in_both_date_systems() {
        // 03-03-2008 is serial 39510 in the 1900 system and 38048 in the 1904 system.
        let d1900 = ExcelDateTime::new(39510.0, ExcelDateTimeType::DateTime, false);
        let d1904 = ExcelDateTime::new(38048.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_date(d1900), Value::Date(ymd(2008, 3, 3)));
        assert_eq!(excel_date(d1904), Value::Date(ymd(2008, 3, 3)));
    }

    #[test]
    fn hostile_serials_stay_numbers() {
        for v in [-1e300, f64::NAN, f64::INFINITY, 1e18, -1.0] {
            let d = ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false);
            assert!(matches!(excel_date(d), Value::Number(_)), "{v}");
        }
        let dur = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(excel_date(dur), Value::Number(1.5));
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date("2008-03-03"), Value::Date(ymd(2008, 3, 3)));
        assert_eq!(
            iso_date("2008-03-03T00:00:00"),
            Value::Date(ymd(2008, 3, 3))
        );
        assert_eq!(
            iso_date("2008-03-03T12:30:00.5"),
            Value::Date(ymd(2008, 3, 3) + chrono::Duration::milliseconds(45_000_500))
        );
        assert_eq!(iso_date("marts 2008"), Value::Text("marts 2008".into()));
    }
}
