//! The blank template's layout and its protection: label cells locked, input
//! cells unlocked, every sheet protected without a password, data
//! validation for the date and the amounts, Danish input hints.

#[path = "xlsx_support/mod.rs"]
mod xlsx_support;

use bilag::write::template::template_bytes;
use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use std::io::{Cursor, Read};
use xlsx_support::format;

fn bytes() -> Vec<u8> {
    template_bytes(&format()).unwrap()
}

fn sheet(name: &str) -> (Range<Data>, Range<String>) {
    let mut x: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes())).unwrap();
    (
        x.worksheet_range(name).unwrap(),
        x.worksheet_formula(name).unwrap(),
    )
}

fn s(r: &Range<Data>, a1: &str) -> String {
    r.get_value(bilag::read::parse_a1(a1).unwrap())
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn part(name: &str) -> String {
    let b = bytes();
    let mut zip = zip::ZipArchive::new(Cursor::new(b)).unwrap();
    let mut out = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

/// Is the cell's style unlocked? (Its xf in styles.xml says locked="0".)
fn unlocked(sheet_xml: &str, styles_xml: &str, cell: &str) -> bool {
    let key = format!("<c r=\"{cell}\" s=\"");
    let at = sheet_xml
        .find(&key)
        .unwrap_or_else(|| panic!("{cell} not in sheet"))
        + key.len();
    let idx: usize = sheet_xml[at..].split('"').next().unwrap().parse().unwrap();
    let xfs = &styles_xml[styles_xml.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(idx + 1).unwrap();
    let xf = &xf[..xf.find("</xf>").or_else(|| xf.find("/>")).unwrap() + 2];
    xf.contains("locked=\"0\"")
}

#[test]
fn sheets_in_the_committee_format() {
    let mut x: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes())).unwrap();
    assert_eq!(
        x.sheet_names(),
        vec!["Forside", "Statusskema 1", "Statusskema 2", "Økonomi"]
    );
    let _ = x.worksheet_range("Forside").unwrap();
}

#[test]
fn forside_labels_are_the_formats_first_labels() {
    let (r, _) = sheet("Forside");
    let labels: Vec<String> = (4..=22).map(|n| s(&r, &format!("A{n}"))).collect();
    assert_eq!(
        labels,
        vec![
            "Udvalg",
            "Forvaltning",
            "Dato",
            "Sagsnr.",
            "Dokumentnr.",
            "Sagsbehandler",
            "Adresse",
            "Telefon",
            "Telefax",
            "E-mail",
            "EAN nummer",
            "",
            "Tekster til bilaget (valgfrit; tomme felter giver udvalgsformatets tekster)",
            "Titel",
            "Indledning",
            "Mål 1",
            "Mål 2",
            "Mål 3",
            "Afsluttende tekst",
        ]
    );
    for n in 4..=14 {
        assert_eq!(s(&r, &format!("B{n}")), "", "B{n} is empty");
    }
}

#[test]
fn status_schema_sheets_have_ready_blocks() {
    let f = format();
    let (r, _) = sheet("Statusskema 1");
    assert_eq!(s(&r, "A1"), f.sections[0].heading);
    // 5 blocks: an empty title row, 7 label rows, an empty row.
    let mut labels = Vec::new();
    for b in 0..5 {
        let first = 3 + b * 9;
        assert_eq!(s(&r, &format!("A{first}")), "", "title of block {b}");
        let block: Vec<String> = (1..=7).map(|k| s(&r, &format!("A{}", first + k))).collect();
        labels.push(block);
    }
    assert!(labels.iter().all(|b| b == &labels[0]));
    assert_eq!(
        labels[0],
        vec![
            "Økonomi",
            "Målgruppe",
            "Beskriv aktiviteterne",
            "Mål i 2009",
            "Hvordan bidrager indsatsen til mål i integrationspolitikken",
            "Planlagt opfølgning",
            "Status ift. målopfyldelse"
        ]
    );
    let (r, _) = sheet("Statusskema 2");
    assert_eq!(s(&r, "A1"), f.sections[1].heading);
    let block: Vec<String> = (4..=8).map(|n| s(&r, &format!("A{n}"))).collect();
    assert_eq!(
        block,
        vec![
            "Økonomi",
            "Målgruppe",
            "Aktivitet",
            "Mål i 2009",
            "Status på indsatsen"
        ]
    );
    // Three blocks, then nothing.
    assert_eq!(s(&r, "A22"), "Status på indsatsen");
    assert_eq!(s(&r, "A24"), "");
}

#[test]
fn budget_sheet_has_years_groups_and_a_live_total() {
    let f = format();
    let (r, formulas) = sheet("Økonomi");
    assert_eq!(s(&r, "B1"), "Beløb i mio. kr.");
    let header: Vec<String> = ["A2", "B2", "C2", "D2", "E2", "F2", "G2"]
        .iter()
        .map(|c| s(&r, c))
        .collect();
    assert_eq!(
        header,
        vec!["Nr.", "Indsats", "2008", "2009", "2010", "2011", "I alt"]
    );
    assert_eq!(s(&r, "B3"), f.budget.groups[0].name);
    assert_eq!(s(&r, "A4"), "1");
    assert_eq!(s(&r, "B12"), f.budget.groups[1].name);
    assert_eq!(s(&r, "A13"), "9");
    assert_eq!(s(&r, "B21"), "I alt");
    let fx = |c: &str| {
        formulas
            .get_value(bilag::read::parse_a1(c).unwrap())
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(fx("G4"), "IF(COUNT(C4:F4)=0,\"\",SUM(C4:F4))");
    assert_eq!(fx("C21"), "IF(COUNT(C3:C20)=0,\"\",SUM(C3:C20))");
    assert_eq!(fx("G21"), "IF(COUNT(C21:F21)=0,\"\",SUM(C21:F21))");
    // Blank until something is typed.
    assert_eq!(s(&r, "C21"), "");
}

#[test]
fn labels_locked_inputs_unlocked_sheets_protected_without_password() {
    let styles = part("xl/styles.xml");
    let forside = part("xl/worksheets/sheet1.xml");
    let s1 = part("xl/worksheets/sheet2.xml");
    let budget = part("xl/worksheets/sheet4.xml");
    assert!(!unlocked(&forside, &styles, "A4"), "label Udvalg");
    assert!(unlocked(&forside, &styles, "B4"), "value of Udvalg");
    assert!(unlocked(&forside, &styles, "B6"), "the date");
    assert!(!unlocked(&s1, &styles, "A4"), "label Økonomi");
    assert!(unlocked(&s1, &styles, "A3"), "block title");
    assert!(unlocked(&s1, &styles, "B4"), "Økonomi value");
    assert!(!unlocked(&budget, &styles, "B2"), "header");
    assert!(unlocked(&budget, &styles, "B4"), "line title");
    assert!(unlocked(&budget, &styles, "C4"), "amount");
    assert!(!unlocked(&budget, &styles, "G4"), "line total formula");
    for n in 1..=4 {
        let xml = part(&format!("xl/worksheets/sheet{n}.xml"));
        let prot = &xml[xml.find("<sheetProtection").expect("protected")..];
        let prot = &prot[..prot.find("/>").unwrap()];
        assert!(!prot.contains("password"), "sheet{n}: {prot}");
        assert!(
            prot.contains("insertRows=\"0\""),
            "sheet{n} lets rows be inserted: {prot}"
        );
    }
}

#[test]
fn dates_and_amounts_are_validated_with_danish_hints() {
    let forside = part("xl/worksheets/sheet1.xml");
    assert!(
        forside.contains("<dataValidation type=\"date\""),
        "date rule"
    );
    assert!(forside.contains("sqref=\"B6\""));
    assert!(forside.contains("promptTitle=\"Dato\""));
    assert!(forside.contains("Skriv datoen som dd-mm-åååå"));
    let budget = part("xl/worksheets/sheet4.xml");
    assert!(
        budget.contains("<dataValidation type=\"decimal\""),
        "amount rule"
    );
    assert!(budget.contains("sqref=\"C4:F11\""));
    assert!(budget.contains("Skriv beløbet som tal i mio. kr."));
    let s1 = part("xl/worksheets/sheet2.xml");
    assert!(s1.contains("promptTitle=\"Indsatsens navn\""));
    // The note on the heading tells how to add more blocks.
    let notes = part("xl/comments1.xml");
    assert!(notes.contains("kopiér en hel blok"), "{notes}");
}

#[test]
fn the_schema_sheets_say_on_paper_what_the_yellow_title_rows_are_for() {
    // The title rows' hint is a data-validation message (screen only);
    // printed, they were blank yellow bars (issue 14, layout faults).
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skabelon.xlsx");
    bilag::write::template::write_template(&bilag::format::Format::default_format(), &path)
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut with_header = 0;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if !f.name().unwrap().starts_with("xl/worksheets/sheet") {
            continue;
        }
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        if xml.contains("<oddHeader>") && xml.contains("den gule række") {
            with_header += 1;
        }
    }
    assert_eq!(
        with_header, 2,
        "both status-schema sheets carry the printed hint"
    );
    // The header is not a cell: the blank template still reads as nothing filled in.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bilag"))
        .args(["inspect", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let n = v["submission"]["initiatives"]
        .as_array()
        .map_or(0, |a| a.len());
    assert_eq!(n, 0, "{v}");
}
