//! The reader on the seed workbooks and on the same content in every format
//! we can produce (fixtures/variants/, made by make_variants.py): the sheets,
//! the cells at their positions, dates in both date systems, merged regions,
//! and recognition by content whatever the file is called.

mod common;
mod external;
use common::fixture;

use bilag::read::{read_workbook, Limits, MergedRange, SourceKind, Value, Workbook};
use chrono::{NaiveDate, NaiveDateTime};
use rstest::rstest;

fn read(rel: &str) -> Workbook {
    read_workbook(&fixture(rel), &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn sheet<'a>(wb: &'a Workbook, name: &str) -> &'a bilag::read::Sheet {
    wb.sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

/// The value at an A1 reference.
fn at<'a>(wb: &'a Workbook, sheet_name: &str, cell: &str) -> Option<&'a Value> {
    let (r, c) = bilag::read::parse_a1(cell).expect("A1 reference");
    sheet(wb, sheet_name).get(r, c)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn date(y: i32, m: u32, d: u32) -> Value {
    Value::Date(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(chrono::NaiveTime::MIN),
    )
}

fn names(wb: &Workbook) -> Vec<&str> {
    wb.sheets.iter().map(|s| s.name.as_str()).collect()
}

const SEED: &str = "seed/socialudvalget-2008.xlsx";
const SEED_SHEETS: [&str; 4] = ["Forside", "Statusskema 1", "Statusskema 2", "Økonomi"];

#[test]
fn seed_workbook_sheets_and_cells() {
    let wb = read(SEED);
    assert_eq!(wb.kind, SourceKind::Xlsx);
    assert_eq!(names(&wb), SEED_SHEETS);

    assert_eq!(at(&wb, "Forside", "A1"), Some(&text("Udvalg")));
    assert_eq!(at(&wb, "Forside", "B1"), Some(&text("Socialudvalget")));
    assert_eq!(at(&wb, "Forside", "B2"), Some(&date(2008, 3, 3)));
    assert_eq!(at(&wb, "Forside", "B3"), Some(&text("2008-20510")));
    // Line breaks inside a cell are kept.
    assert_eq!(
        at(&wb, "Forside", "B7"),
        Some(&text("Bernstorffsgade 17, 5\n1592 København V"))
    );
    // Row 12 is empty and absent.
    assert!(sheet(&wb, "Forside").row(11).is_none());

    assert_eq!(
        at(&wb, "Statusskema 1", "A3"),
        Some(&text(
            "Aftalen med de almene boligorganisationer om nye udlejningsmodeller"
        ))
    );
    assert_eq!(
        at(&wb, "Statusskema 1", "B4"),
        Some(&text("6,0 mio pr. år"))
    );
    assert_eq!(
        at(&wb, "Statusskema 2", "B4"),
        Some(&text("7, 5 mio.kr plus 1 mio.kr"))
    );

    assert_eq!(
        at(&wb, "Økonomi", "A3"),
        Some(&text(
            "Integrationsindsatser i relation til mål i integrationspolitikken"
        ))
    );
    assert_eq!(at(&wb, "Økonomi", "B3"), Some(&Value::Number(2008.0)));
    assert_eq!(at(&wb, "Økonomi", "F3"), Some(&text("I alt")));
    assert_eq!(at(&wb, "Økonomi", "B6"), Some(&text("12,29 mio.")));
    assert_eq!(at(&wb, "Økonomi", "F6"), Some(&text("49,16 mio.")));
    assert_eq!(at(&wb, "Økonomi", "F12"), Some(&text("73,19 mio.")));
    assert_eq!(at(&wb, "Økonomi", "G12"), None);
}

#[test]
fn rows_are_sorted_without_empty_rows_and_cells_sorted_by_column() {
    for rel in [
        SEED,
        "variants/socialudvalget-2008.ods",
        "variants/socialudvalget-2008.xls",
    ] {
        let wb = read(rel);
        for s in &wb.sheets {
            assert!(
                s.rows.windows(2).all(|w| w[0].index < w[1].index),
                "{rel} {}",
                s.name
            );
            for row in &s.rows {
                assert!(!row.cells.is_empty(), "{rel} {} row {}", s.name, row.index);
                assert!(
                    row.cells.windows(2).all(|w| w[0].col < w[1].col),
                    "{rel} {}",
                    s.name
                );
                assert!(
                    row.cells.iter().all(|c| c.value != text("")),
                    "{rel}: empty text kept"
                );
            }
        }
    }
}

#[test]
fn department_workbooks() {
    let wb = read("departments/01-bolig.xlsx");
    assert_eq!(names(&wb), ["Forside", "Statusskema 1", "Økonomi"]);
    assert_eq!(at(&wb, "Økonomi", "B5"), Some(&Value::Number(12.29)));
    assert_eq!(at(&wb, "Økonomi", "F5"), Some(&Value::Number(49.16)));
    assert_eq!(at(&wb, "Økonomi", "F6"), Some(&Value::Number(73.16)));
    assert_eq!(at(&wb, "Økonomi", "C1"), Some(&Value::Number(2009.0)));

    assert_eq!(
        names(&read("departments/02-ssp.xlsx")),
        ["Forside", "Statusskemaer"]
    );
    assert_eq!(
        names(&read("departments/03-boern-unge.xlsx")),
        ["Info", "Skema 1"]
    );
    let wb = read("departments/04-integration.xlsx");
    assert_eq!(names(&wb), ["Metadata", "Sektion 2", "Økonomi"]);
    assert_eq!(at(&wb, "Økonomi", "B5"), Some(&Value::Number(7.5)));
}

fn merged(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> MergedRange {
    MergedRange {
        first_row,
        first_col,
        last_row,
        last_col,
    }
}

/// B2:D2 … B9:D9 on "Skema 1": the values sit in column B.
fn boern_unge_merges() -> Vec<MergedRange> {
    (1..=8).map(|r| merged(r, 1, r, 3)).collect()
}

#[rstest]
#[case::xlsx("departments/03-boern-unge.xlsx", SourceKind::Xlsx)]
#[case::xls("variants/03-boern-unge.xls", SourceKind::Xls)]
fn merged_regions(#[case] rel: &str, #[case] kind: SourceKind) {
    let wb = read(rel);
    assert_eq!(wb.kind, kind);
    let s = sheet(&wb, "Skema 1");
    assert_eq!(s.merged, boern_unge_merges());
    // B3:D3 holds its value in B3; C3 and D3 are empty.
    assert_eq!(s.merge_at(2, 1), Some(&merged(2, 1, 2, 3)));
    assert!(s.get(2, 1).is_some());
    assert!(s.get(2, 2).is_none() && s.get(2, 3).is_none());
    assert!(sheet(&wb, "Info").merged.is_empty());
}

#[test]
fn merged_title_rows_in_ssp() {
    let wb = read("departments/02-ssp.xlsx");
    assert_eq!(
        sheet(&wb, "Statusskemaer").merged,
        [merged(2, 0, 2, 1), merged(12, 0, 12, 1)]
    );
}

/// Every text cell of every sheet, by position.
fn texts(wb: &Workbook) -> Vec<(String, u32, u32, String)> {
    let mut out = Vec::new();
    for s in &wb.sheets {
        for row in &s.rows {
            for c in &row.cells {
                if let Value::Text(t) = &c.value {
                    out.push((s.name.clone(), row.index, c.col, t.clone()));
                }
            }
        }
    }
    out
}

/// The same workbook in other formats and under other names reads the same
/// sheets and the same texts at the same positions, and its kind comes from
/// the content, not the extension.
#[rstest]
#[case::ods("variants/socialudvalget-2008.ods", SourceKind::Ods)]
#[case::xls("variants/socialudvalget-2008.xls", SourceKind::Xls)]
#[case::xlsb("variants/socialudvalget-2008.xlsb", SourceKind::Xlsb)]
#[case::upper_case_extension("variants/SOCIALUDVALGET-2008.XLSX", SourceKind::Xlsx)]
#[case::xlsx_named_xls("variants/xlsx-named-as.xls", SourceKind::Xlsx)]
#[case::ods_named_xlsx("variants/ods-named-as.xlsx", SourceKind::Ods)]
#[case::date_1904("variants/socialudvalget-2008-1904.xlsx", SourceKind::Xlsx)]
fn variants_read_the_same_texts(#[case] rel: &str, #[case] kind: SourceKind) {
    let original = read(SEED);
    let wb = read(rel);
    assert_eq!(wb.kind, kind, "{rel}");
    assert_eq!(names(&wb), SEED_SHEETS, "{rel}");
    let (want, got) = (texts(&original), texts(&wb));
    assert_eq!(
        want.len(),
        168,
        "text cells in the seed (openpyxl counts 168)"
    );
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(w, g, "{rel}");
    }
    assert_eq!(want.len(), got.len(), "{rel}");
    // The date cell is a date in every format and date system.
    assert_eq!(at(&wb, "Forside", "B2"), Some(&date(2008, 3, 3)), "{rel}");
}

/// Year headers: xlsx stores floats, LibreOffice's .xls stores integers (RK).
#[rstest]
#[case::xlsx(SEED, Value::Number(2008.0))]
#[case::ods("variants/socialudvalget-2008.ods", Value::Number(2008.0))]
#[case::xls("variants/socialudvalget-2008.xls", Value::Int(2008))]
fn year_header_cells(#[case] rel: &str, #[case] want: Value) {
    assert_eq!(at(&read(rel), "Økonomi", "B3"), Some(&want));
}

/// The 1904 fixture really is in the 1904 system: the flag is set and the
/// date cell holds serial 38048 (which is 1908-03-04 in the 1900 system).
/// Reading it as 03-03-2008 proves the date system is applied.
#[test]
fn date_system_1904_is_applied() {
    let bytes = std::fs::read(fixture("variants/socialudvalget-2008-1904.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains(r#"date1904="1""#), "{xml}");
    let mut sheet1 = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet1,
    )
    .unwrap();
    assert!(sheet1.contains("<v>38048</v>"));

    let wb = read("variants/socialudvalget-2008-1904.xlsx");
    let expected = NaiveDate::from_ymd_opt(2008, 3, 3)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(at(&wb, "Forside", "B2"), Some(&Value::Date(expected)));
    let wrong: NaiveDateTime = NaiveDate::from_ymd_opt(1908, 3, 4)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_ne!(at(&wb, "Forside", "B2"), Some(&Value::Date(wrong)));
}

/// calamine's own 1900/1904 pairs, when the corpus is present: the same
/// dates in both systems, in every format that has the pair.
#[rstest]
#[case::xlsx("date.xlsx", "date_1904.xlsx")]
#[case::xlsb("date.xlsb", "date_1904.xlsb")]
#[case::xls("date.xls", "date_1904.xls")]
fn corpus_date_systems_agree(#[case] a: &str, #[case] b: &str) {
    let dir = common::corpus_dir().filter(|d| d.join(a).is_file());
    if !external::available("the calamine corpus", dir.is_some()) {
        return;
    }
    let dir = dir.unwrap();
    let wa = read_workbook(&dir.join(a), &Limits::default()).unwrap();
    let wb = read_workbook(&dir.join(b), &Limits::default()).unwrap();
    let dates = |w: &Workbook| -> Vec<Value> {
        w.sheets[0]
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| matches!(c.value, Value::Date(_)))
            .map(|c| c.value.clone())
            .collect()
    };
    let (da, db) = (dates(&wa), dates(&wb));
    assert!(!da.is_empty(), "{a} has dates");
    assert_eq!(da, db);
    assert!(da.contains(&date(2021, 1, 1)), "{da:?}");
}

/// SheetJS writes .xlsb cells after the first in a row in the "short" record
/// form, which calamine skips without a word: read as is, every sheet would
/// keep only column A. The reader refuses the file and says what to do.
#[test]
fn xlsb_with_short_cell_records_is_refused_not_truncated() {
    match read_workbook(
        &fixture("variants/sheetjs-short-records.xlsb"),
        &Limits::default(),
    ) {
        Err(bilag::read::ReadError::Corrupt(msg)) => {
            assert!(
                msg.contains("xl/worksheets/sheet1.bin") && msg.contains("korte form"),
                "{msg}"
            );
            assert!(msg.contains("gem den som .xlsx"), "{msg}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
