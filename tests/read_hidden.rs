//! What the workbook shows is what counts (contract §1.4): hidden and very
//! hidden sheets, hidden rows and hidden columns are not read into the model,
//! and each one that holds something gives one hidden-content warning saying
//! what it held. For every format bilag reads.
//!
//! .xlsx and .ods are built here (rust_xlsxwriter; content.xml by hand); the
//! .xls and .xlsb are the seed's format variants with sheets, a row and a
//! column hidden in their records (fixtures/hidden/make_hidden.py).

mod common;

use common::fixture;
use std::io::{Cursor, Read, Write};

use bilag::finding::{Code, Finding};
use bilag::format::Format;
use bilag::model::Submission;
use bilag::normalize::normalize_workbook;
use bilag::read::{read_workbook_bytes, HiddenPart, Limits, SourceKind, Workbook};
use rust_xlsxwriter::Workbook as XlsxBook;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn read(bytes: &[u8]) -> Workbook {
    read_workbook_bytes(bytes, &Limits::default()).expect("readable")
}

fn normalize(wb: &Workbook, name: &str) -> (Submission, Vec<Finding>) {
    normalize_workbook(wb, name, "00", &Format::default_format())
}

/// The hidden-content findings as (sheet, cell, message).
fn hidden_findings(findings: &[Finding]) -> Vec<(String, Option<String>, String)> {
    findings
        .iter()
        .filter(|f| f.code == Code::HiddenContent)
        .map(|f| {
            (
                f.sheet.clone().unwrap_or_default(),
                f.cell.clone(),
                f.message.clone(),
            )
        })
        .collect()
}

/// Budget lines as (title, [(year, kroner)]).
fn lines(sub: &Submission) -> Vec<(String, Vec<(String, String)>)> {
    sub.budget_lines
        .iter()
        .map(|l| {
            (
                l.title.clone(),
                l.amounts
                    .iter()
                    .map(|(y, v)| (y.to_string(), v.to_string()))
                    .collect(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &[(&str, &str)])]) -> Vec<(String, Vec<(String, String)>)> {
    v.iter()
        .map(|(t, a)| {
            (
                t.to_string(),
                a.iter()
                    .map(|(y, k)| (y.to_string(), k.to_string()))
                    .collect(),
            )
        })
        .collect()
}

// ------------------------------------------------- the synthetic workbook

/// Sheet "Økonomi": a budget table whose row 3 ("Gammelt skøn") and column
/// D (2010) are hidden; sheet "Økonomi 2007" hidden; sheet "Opslag" very
/// hidden (.ods: hidden).
const ECONOMY: [[&str; 4]; 4] = [
    ["Projekter", "2008", "2009", "2010"],
    ["Projekt A", "100.000 kr.", "200.000 kr.", "50.000 kr."],
    ["Gammelt skøn", "999.000 kr.", "888.000 kr.", "777.000 kr."],
    ["Projekt B", "300.000 kr.", "400.000 kr.", "60.000 kr."],
];
const OLD: [[&str; 3]; 3] = [
    ["Projekter", "2006", "2007"],
    ["Projekt X", "10.000 kr.", "20.000 kr."],
    ["Projekt Y", "30.000 kr.", "40.000 kr."],
];
const LOOKUP: [&str; 3] = ["Ja", "Nej", "Måske"];

fn synthetic_xlsx() -> Vec<u8> {
    let mut wb = XlsxBook::new();
    let front = wb.add_worksheet().set_name("Forside").unwrap();
    front.write_string(0, 0, "Udvalg").unwrap();
    front.write_string(0, 1, "Socialudvalget").unwrap();
    front.write_string(1, 0, "Forvaltning").unwrap();
    front.write_string(1, 1, "Socialforvaltningen").unwrap();
    let eco = wb.add_worksheet().set_name("Økonomi").unwrap();
    write_table(eco, &ECONOMY.map(|r| r.to_vec()));
    eco.set_row_hidden(2).unwrap();
    eco.set_column_hidden(3).unwrap();
    let old = wb.add_worksheet().set_name("Økonomi 2007").unwrap();
    write_table(old, &OLD.map(|r| r.to_vec()));
    old.set_hidden(true);
    let lookup = wb.add_worksheet().set_name("Opslag").unwrap();
    for (r, v) in LOOKUP.iter().enumerate() {
        lookup.write_string(r as u32, 0, *v).unwrap();
    }
    lookup.set_very_hidden(true);
    wb.save_to_buffer().unwrap()
}

/// Years as numbers, everything else as text.
fn write_table(ws: &mut rust_xlsxwriter::Worksheet, rows: &[Vec<&str>]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *v).unwrap(),
            };
        }
    }
}

fn ods_cell(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(n) => format!(
            r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{v}</text:p></table:table-cell>"#
        ),
        Err(_) => format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        ),
    }
}

fn ods_rows(rows: &[Vec<&str>], hidden_row: Option<usize>) -> String {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let vis = if Some(i) == hidden_row {
                r#" table:visibility="collapse""#
            } else {
                ""
            };
            let cells: String = r.iter().map(|v| ods_cell(v)).collect();
            format!(r#"<table:table-row{vis}>{cells}</table:table-row>"#)
        })
        .collect()
}

fn synthetic_ods() -> Vec<u8> {
    let front = ods_rows(
        &[
            vec!["Udvalg", "Socialudvalget"],
            vec!["Forvaltning", "Socialforvaltningen"],
        ],
        None,
    );
    // Column D hidden: A-C visible (one element repeated), D collapsed.
    let eco_cols = r#"<table:table-column table:number-columns-repeated="3"/><table:table-column table:visibility="collapse"/>"#;
    let eco = ods_rows(&ECONOMY.map(|r| r.to_vec()), Some(2));
    let old = ods_rows(&OLD.map(|r| r.to_vec()), None);
    let lookup = ods_rows(&LOOKUP.map(|v| vec![v]), None);
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:automatic-styles><style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Forside" table:style-name="ta1">{front}</table:table><table:table table:name="Økonomi" table:style-name="ta1">{eco_cols}{eco}</table:table><table:table table:name="Økonomi 2007" table:style-name="ta2">{old}</table:table><table:table table:name="Opslag" table:style-name="ta2">{lookup}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    for (name, data) in [
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ] {
        w.start_file(name, SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn synthetic_lines() -> Vec<(String, Vec<(String, String)>)> {
    owned(&[
        ("Projekt A", &[("2008", "100000"), ("2009", "200000")]),
        ("Projekt B", &[("2008", "300000"), ("2009", "400000")]),
    ])
}

/// Row 3's three amounts include D3, which also lies in the hidden column:
/// a cell in a hidden row and a hidden column is told once, with the row.
fn synthetic_findings(lookup: &str) -> Vec<(String, Option<String>, String)> {
    vec![
        (
            "Økonomi".into(),
            Some("A3".into()),
            "Række 3 på arket 'Økonomi' er skjult og er ikke læst med; den indeholder 1 budgetlinje \
             med 3 beløb. Vis rækken, hvis den skal med, eller slet den."
                .into(),
        ),
        (
            "Økonomi".into(),
            Some("D1".into()),
            "Kolonne D på arket 'Økonomi' er skjult og er ikke læst med; den indeholder 2 beløb. \
             Vis kolonnen, hvis den skal med, eller slet den."
                .into(),
        ),
        (
            "Økonomi 2007".into(),
            None,
            "Arket 'Økonomi 2007' er skjult og er ikke læst med; det indeholder 2 budgetlinjer med \
             4 beløb. Vis arket, hvis det skal med, eller slet det."
                .into(),
        ),
        ("Opslag".into(), None, lookup.into()),
    ]
}

const LOOKUP_VERY_HIDDEN: &str = "Arket 'Opslag' er meget skjult (det kan kun vises med en makro) \
     og er ikke læst med; det indeholder 3 udfyldte celler. Gør arket synligt, hvis det skal med, \
     eller slet det.";
const LOOKUP_HIDDEN: &str = "Arket 'Opslag' er skjult og er ikke læst med; det indeholder 3 \
     udfyldte celler. Vis arket, hvis det skal med, eller slet det.";

#[test]
fn xlsx_hidden_sheets_rows_and_columns_are_left_out() {
    let wb = read(&synthetic_xlsx());
    assert_eq!(wb.kind, SourceKind::Xlsx);
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Forside", "Økonomi"]);
    let parts: Vec<(&str, HiddenPart)> = wb
        .hidden
        .iter()
        .map(|h| (h.cells.name.as_str(), h.part))
        .collect();
    assert_eq!(
        parts,
        [
            ("Økonomi", HiddenPart::Rows),
            ("Økonomi", HiddenPart::Columns),
            ("Økonomi 2007", HiddenPart::Sheet),
            ("Opslag", HiddenPart::VeryHiddenSheet),
        ]
    );
    let (sub, findings) = normalize(&wb, "skjult.xlsx");
    assert_eq!(lines(&sub), synthetic_lines());
    assert_eq!(
        hidden_findings(&findings),
        synthetic_findings(LOOKUP_VERY_HIDDEN)
    );
    assert!(findings
        .iter()
        .filter(|f| f.code == Code::HiddenContent)
        .all(|f| f.code.severity() == bilag::finding::Severity::Warning));
}

#[test]
fn ods_hidden_sheets_rows_and_columns_are_left_out() {
    let wb = read(&synthetic_ods());
    assert_eq!(wb.kind, SourceKind::Ods);
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Forside", "Økonomi"]);
    let (sub, findings) = normalize(&wb, "skjult.ods");
    assert_eq!(lines(&sub), synthetic_lines());
    // .ods has no "very hidden": the lookup sheet is simply hidden.
    assert_eq!(
        hidden_findings(&findings),
        synthetic_findings(LOOKUP_HIDDEN)
    );
}

#[test]
fn nothing_hidden_gives_no_finding_and_no_hidden_parts() {
    let mut wb = XlsxBook::new();
    let ws = wb.add_worksheet().set_name("Økonomi").unwrap();
    write_table(ws, &ECONOMY.map(|r| r.to_vec()));
    // A hidden row and column with nothing in them, and an empty hidden sheet.
    ws.set_row_hidden(10).unwrap();
    ws.set_column_hidden(8).unwrap();
    wb.add_worksheet().set_name("Tom").unwrap().set_hidden(true);
    let wb = read(&wb.save_to_buffer().unwrap());
    assert!(wb.hidden.is_empty(), "{:?}", wb.hidden);
    let (sub, findings) = normalize(&wb, "tom.xlsx");
    assert_eq!(sub.budget_lines.len(), 3);
    assert!(hidden_findings(&findings).is_empty());
}

// ------------------------------------------------- the seed, .xls and .xlsb

/// The seed variant read as it is and with its hidden parts
/// (fixtures/hidden/make_hidden.py): Statusskema 1 hidden, Statusskema 2
/// very hidden, Økonomi row 6 and column E (2011) hidden.
fn seed_case(plain: &str, hidden: &str) {
    let plain_bytes = std::fs::read(fixture(plain)).unwrap();
    let hidden_bytes = std::fs::read(fixture(hidden)).unwrap();
    let (all, _) = normalize(&read(&plain_bytes), plain);
    let wb = read(&hidden_bytes);
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Forside", "Økonomi"]);
    let (sub, findings) = normalize(&wb, hidden);

    // No status schema: both schema sheets are hidden.
    assert!(!all.initiatives.is_empty());
    assert!(sub.initiatives.is_empty(), "{:?}", sub.initiatives);

    // The budget lines are the plain file's, without the line in row 6 and
    // without the 2011 amounts, in exact kroner.
    let mut want = all.budget_lines.clone();
    let dropped: Vec<_> = want
        .iter()
        .filter(|l| l.source.cell.as_str() == "A6")
        .map(|l| l.title.clone())
        .collect();
    assert_eq!(dropped.len(), 1, "row 6 holds one line");
    want.retain(|l| l.source.cell.as_str() != "A6");
    for l in &mut want {
        l.amounts.remove("2011");
        l.amount_sources.remove("2011");
    }
    assert_eq!(
        lines(&sub),
        lines(&Submission {
            budget_lines: want.clone(),
            ..Default::default()
        })
    );
    assert_eq!(sub.budget_lines, want);
    assert!(sub
        .budget_lines
        .iter()
        .all(|l| !l.amounts.contains_key("2011")));

    let schemas = |n: usize| {
        if n == 1 {
            "1 statusskema".to_string()
        } else {
            format!("{n} statusskemaer")
        }
    };
    let count = |sheet: &str| {
        all.initiatives
            .iter()
            .filter(|i| i.source.sheet.as_str() == sheet)
            .count()
    };
    let line = all
        .budget_lines
        .iter()
        .find(|l| l.source.cell.as_str() == "A6")
        .unwrap();
    let years_2011 = all
        .budget_lines
        .iter()
        .filter(|l| l.source.cell.as_str() != "A6" && l.amounts.contains_key("2011"))
        .count();
    let got = hidden_findings(&findings);
    assert_eq!(got.len(), 4, "{got:#?}");
    assert_eq!(got[0].0, "Statusskema 1");
    assert_eq!(got[0].1, None);
    assert_eq!(
        got[0].2,
        format!(
            "Arket 'Statusskema 1' er skjult og er ikke læst med; det indeholder {}. Vis arket, hvis det skal med, eller slet det.",
            schemas(count("Statusskema 1"))
        )
    );
    assert_eq!(got[1].0, "Statusskema 2");
    assert!(
        got[1]
            .2
            .starts_with("Arket 'Statusskema 2' er meget skjult"),
        "{}",
        got[1].2
    );
    assert!(
        got[1].2.contains(&format!(
            "det indeholder {}.",
            schemas(count("Statusskema 2"))
        )),
        "{}",
        got[1].2
    );
    assert_eq!(got[2].0, "Økonomi");
    assert_eq!(got[2].1.as_deref(), Some("A6"));
    assert_eq!(
        got[2].2,
        format!(
            "Række 6 på arket 'Økonomi' er skjult og er ikke læst med; den indeholder 1 budgetlinje med {} beløb. Vis rækken, hvis den skal med, eller slet den.",
            line.amounts.len()
        )
    );
    assert_eq!(got[3].0, "Økonomi");
    assert!(
        got[3]
            .2
            .starts_with("Kolonne E på arket 'Økonomi' er skjult"),
        "{}",
        got[3].2
    );
    assert!(
        got[3]
            .2
            .contains(&format!("den indeholder {years_2011} beløb.")),
        "{}",
        got[3].2
    );
}

#[test]
fn xls_hidden_sheets_rows_and_columns_are_left_out() {
    seed_case(
        "variants/socialudvalget-2008.xls",
        "hidden/socialudvalget-2008-hidden.xls",
    );
}

#[test]
fn xlsb_hidden_sheets_rows_and_columns_are_left_out() {
    seed_case(
        "variants/socialudvalget-2008.xlsb",
        "hidden/socialudvalget-2008-hidden.xlsb",
    );
}

// ------------------------------------------------- the issue's user case

/// 01-bolig.xlsx with a hidden copy of its Økonomi sheet added (last year's
/// table kept out of sight), as the department in issue 13 sent it.
fn bolig_with_hidden_copy() -> Vec<u8> {
    let bytes = std::fs::read(fixture("departments/01-bolig.xlsx")).unwrap();
    let mut zin = ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        parts.push((f.name().unwrap().to_string(), data));
    }
    let text = |parts: &[(String, Vec<u8>)], name: &str| {
        String::from_utf8(parts.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap()
    };
    let economy = parts
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet3.xml")
        .unwrap()
        .1
        .clone();
    let workbook = text(&parts, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="Økonomi" sheetId="3" state="visible" r:id="rId3""#));
    let workbook = workbook.replace(
        "</sheets>",
        r#"<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="Økonomi 2007" sheetId="9" state="hidden" r:id="rId9"/></sheets>"#,
    );
    let rels = text(&parts, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        r#"<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet9.xml" Id="rId9"/></Relationships>"#,
    );
    let types = text(&parts, "[Content_Types].xml").replace(
        "</Types>",
        r#"<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    for (name, data) in &mut parts {
        match name.as_str() {
            "xl/workbook.xml" => *data = workbook.clone().into_bytes(),
            "xl/_rels/workbook.xml.rels" => *data = rels.clone().into_bytes(),
            "[Content_Types].xml" => *data = types.clone().into_bytes(),
            _ => {}
        }
    }
    parts.push(("xl/worksheets/sheet9.xml".into(), economy));
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        w.start_file(name, SimpleFileOptions::default()).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn hidden_copy_of_the_economy_sheet_does_not_double_the_lines() {
    let original = std::fs::read(fixture("departments/01-bolig.xlsx")).unwrap();
    let (want, want_findings) = normalize(&read(&original), "01-bolig.xlsx");
    let wb = read(&bolig_with_hidden_copy());
    let (sub, findings) = normalize(&wb, "01-bolig.xlsx");
    assert!(!want.budget_lines.is_empty());
    assert_eq!(sub.budget_lines, want.budget_lines);
    assert_eq!(sub.stated_totals, want.stated_totals);
    assert_eq!(sub.initiatives, want.initiatives);
    let got = hidden_findings(&findings);
    let amounts: usize = want.budget_lines.iter().map(|l| l.amounts.len()).sum();
    assert_eq!(
        got,
        [(
            "Økonomi 2007".to_string(),
            None,
            format!(
                "Arket 'Økonomi 2007' er skjult og er ikke læst med; det indeholder {} budgetlinjer med {amounts} beløb. Vis arket, hvis det skal med, eller slet det.",
                want.budget_lines.len()
            )
        )]
    );
    // Every other finding is the original's.
    let rest: Vec<_> = findings
        .iter()
        .filter(|f| f.code != Code::HiddenContent)
        .collect();
    assert_eq!(rest, want_findings.iter().collect::<Vec<_>>());
}

#[test]
fn a_large_sheet_is_scanned_for_hidden_rows_beside_calamine() {
    // Over 4 MB of worksheet XML: the scan runs on a thread of its own.
    let mut wb = XlsxBook::new();
    let ws = wb.add_worksheet().set_name("Stor").unwrap();
    for r in 0..55_000u32 {
        ws.write_string(r, 0, "En linje med lidt tekst").unwrap();
        ws.write_number(r, 1, r as f64).unwrap();
    }
    ws.set_row_hidden(44_444).unwrap();
    ws.set_column_hidden(2).unwrap();
    ws.write_number(5, 2, 1.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let wb = read(&bytes);
    let parts: Vec<(HiddenPart, Vec<u32>)> = wb
        .hidden
        .iter()
        .map(|h| (h.part, h.cells.rows.iter().map(|r| r.index).collect()))
        .collect();
    assert_eq!(
        parts,
        [
            (HiddenPart::Rows, vec![44_444]),
            (HiddenPart::Columns, vec![5])
        ]
    );
    assert_eq!(wb.sheets[0].rows.len(), 54_999);
}
