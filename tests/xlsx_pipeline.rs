//! budget.xlsx from the real fixture workbooks, through bilag's reader,
//! normalizer and reconciler: the overview has the seed's computed totals,
//! every amount on "Kilder" names the cell and the text the department typed,
//! and the reconciliation findings are on "Afstemning". Also checked by
//! openpyxl and LibreOffice when available.

mod xlsx_support;

use bilag::inbox::load_and_reconcile;
use bilag::read::Limits;
use bilag::write::xlsx::write_budget;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use xlsx_support::format;

fn inbox(case: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    v.sort();
    v
}

fn build(case: &str) -> PathBuf {
    let loaded = load_and_reconcile(&inbox(case), &format(), &Limits::default());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xlsx-pipeline");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("budget-{case}.xlsx"));
    let truncated = write_budget(&loaded.model, &loaded.findings, &format(), &path).unwrap();
    assert!(truncated.is_empty());
    path
}

fn cell(r: &calamine::Range<Data>, a1: &str) -> Data {
    r.get_value(bilag::read::parse_a1(a1).unwrap())
        .cloned()
        .unwrap_or(Data::Empty)
}

#[test]
fn departments_pack_overview_and_sources_from_the_real_workbooks() {
    let path = build("departments");
    let mut x: Xlsx<_> = open_workbook(&path).unwrap();
    let ov = x.worksheet_range("Økonomisk oversigt").unwrap();
    assert_eq!(cell(&ov, "A18"), Data::String("I ALT".into()));
    assert_eq!(cell(&ov, "C18"), Data::Float(26.79));
    assert_eq!(cell(&ov, "G18"), Data::Float(81.66));
    assert_eq!(cell(&ov, "G10"), Data::Float(73.16));

    let k = x.worksheet_range("Kilder").unwrap();
    let rows: Vec<Vec<String>> = k
        .rows()
        .skip(4 - k.start().unwrap().0 as usize)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // 01-bolig's Boligsociale projekter 2008: Økonomi!B5, typed as the number 12.29.
    let b = rows
        .iter()
        .find(|r| r[1] == "01-bolig.xlsx" && r[4] == "Boligsociale projekter" && r[5] == "2008")
        .expect("a Kilder row for Boligsociale projekter 2008");
    assert_eq!(b[2], "Økonomi");
    assert_eq!(b[3], "B5");
    assert_eq!(b[7], "12,29");
    assert_eq!(b[10], "12290000");
    assert_eq!(b[11], "Økonomisk oversigt C9");
    // Every amount row names its cell.
    assert!(rows
        .iter()
        .filter(|r| r[6] == "Beløb")
        .all(|r| !r[3].is_empty()));
    assert_eq!(rows.iter().filter(|r| r[6] == "Beløb").count(), 10);
}

#[test]
fn seed_pack_marks_the_stated_73_19_against_the_computed_81_66() {
    let path = build("seed");
    let mut x: Xlsx<_> = open_workbook(&path).unwrap();
    let sub = x.worksheet_range("socialudvalget-2008").unwrap();
    let stated = sub
        .rows()
        .find(|r| r[0] == Data::String("Angivet: I ALT".into()))
        .expect("the stated I ALT row");
    assert_eq!(stated[6], Data::Float(73.19));
    assert_eq!(
        stated[7],
        Data::String("Afviger: I alt (8,47 mio. kr. under beregnet)".into())
    );
    let a = x.worksheet_range("Afstemning").unwrap();
    let first = a.rows().nth(4 - a.start().unwrap().0 as usize).unwrap();
    assert_eq!(first[0], Data::String("total-mismatch".into()));
    assert_eq!(first[1], Data::String("total passer ikke".into()));
    assert_eq!(first[2], Data::String("fejl".into()));
}
