//! budget.xlsx's "Status" sheet (contract §1a, §4 "status") and the
//! overview's "Afdeling" column, read back with calamine: who has sent
//! what (current files, missing roster departments, files set aside and
//! rejected), and which department each overview line comes from.

mod xlsx_support;

use bilag::finding::{Code, Finding};
use bilag::format::{Format, RosterDepartment};
use bilag::inbox::load_and_reconcile;
use bilag::model::{BudgetLine, Initiative, Metadata, Model, SetAside, SetAsideReason, Submission};
use bilag::read::Limits;
use bilag::write::xlsx::budget_workbook_bytes;
use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use std::io::Cursor;
use std::path::{Path, PathBuf};

const G1: &str = "Integrationsindsatser i relation til mål i integrationspolitikken";
const BOLIG: &str = "Mål- og Rammekontor for Misbrug og Bolig";

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("budget.xlsx opens")
}

fn cell(r: &Range<Data>, a1: &str) -> Data {
    r.get_value(bilag::read::parse_a1(a1).unwrap())
        .cloned()
        .unwrap_or(Data::Empty)
}

fn s(text: &str) -> Data {
    Data::String(text.into())
}

fn line(title: &str, amounts: &[(&str, i64)]) -> BudgetLine {
    BudgetLine {
        group: Some(G1.into()),
        format_group: Some(G1.into()),
        title: title.into(),
        amounts: amounts
            .iter()
            .map(|(y, a)| (y.to_string(), Decimal::from(*a)))
            .collect(),
        ..Default::default()
    }
}

fn submission(file: &str, department: &str, date: &str, received: &str) -> Submission {
    Submission {
        source: file.into(),
        department: Some(department.into()),
        metadata: Metadata {
            date: Some(date.into()),
            ..Default::default()
        },
        received: Some(received.into()),
        ..Default::default()
    }
}

fn roster(names: &[(&str, &[&str])]) -> Format {
    let mut f = Format::default_format();
    f.departments = names
        .iter()
        .map(|(n, a)| RosterDepartment {
            name: n.to_string(),
            aliases: a.iter().map(|s| s.to_string()).collect(),
            coordinator: false,
        })
        .collect();
    f
}

/// Two roster departments have sent a file each, both with a line
/// "Boligsociale projekter"; a third roster department has sent nothing; a
/// department not on the roster is named "=1+1"; one file is an older
/// version, one an identical copy, one could not be read.
fn committee() -> (Model, Vec<Finding>, Format) {
    let mut bolig = submission(
        "01-bolig.xlsx",
        BOLIG,
        "2008-03-03",
        "2008-03-05T14:02:00+01:00",
    );
    bolig.initiatives = vec![Initiative::default(); 3];
    bolig.budget_lines = vec![
        line("Boligsociale projekter", &[("2008", 12_290_000)]),
        line("Aftalen om nye udlejningsmodeller", &[("2008", 6_000_000)]),
    ];
    let mut integration = submission(
        "04-integration.xlsx",
        "Integrationssekretariatet, Socialforvaltningen",
        "2008-03-04",
        "2008-03-06T09:30:00+01:00",
    );
    integration.initiatives = vec![Initiative::default()];
    integration.budget_lines = vec![line("Boligsociale projekter", &[("2008", 1_500_000)])];
    let odd = submission(
        "=2+2.xlsx",
        "=1+1",
        "2008-03-01",
        "2008-03-02T08:00:00+01:00",
    );
    let model = Model {
        submissions: vec![bolig, integration, odd],
        set_aside: vec![
            SetAside {
                source: "01-bolig (gammel).xlsx".into(),
                sha256: "a".into(),
                reason: SetAsideReason::Superseded,
                current: "01-bolig.xlsx".into(),
                department: Some(BOLIG.into()),
                date: Some("2008-02-20".into()),
                received: None,
                why: "samme filnavn uden versionsmærke".into(),
            },
            SetAside {
                source: "Kopi af 04-integration.xlsx".into(),
                sha256: "b".into(),
                reason: SetAsideReason::DuplicateFile,
                current: "04-integration.xlsx".into(),
                department: None,
                date: None,
                received: None,
                why: "filerne er byte for byte ens".into(),
            },
        ],
        ..Default::default()
    };
    let findings = vec![
        Finding::new(
            Code::FileRejected,
            "02-ssp.xlsx",
            "Filen kan ikke åbnes: den er beskadiget.",
        ),
        Finding::new(Code::TotalMismatch, "01-bolig.xlsx", "I alt stemmer ikke."),
        Finding::new(Code::AmbiguousNumber, "01-bolig.xlsx", "10.1 mio."),
        Finding::new(Code::UnknownDepartment, "=2+2.xlsx", "ukendt"),
    ];
    let format = roster(&[
        ("Mål- og Rammekontor for Misbrug og Bolig", &["Bolig"]),
        (
            "Center for Integration",
            &["Integrationssekretariatet, Socialforvaltningen"],
        ),
        ("SSP København", &["SSP"]),
    ]);
    (model, findings, format)
}

#[test]
fn status_sheet_follows_the_overview_and_lists_who_has_sent_what() {
    let (model, findings, format) = committee();
    let (bytes, truncated) = budget_workbook_bytes(&model, &findings, &format).unwrap();
    assert!(truncated.is_empty());
    let mut x = open(bytes);
    assert_eq!(
        x.sheet_names(),
        vec![
            "Økonomisk oversigt",
            "Status",
            "Diagram",
            "01-bolig",
            "04-integration",
            "=2+2",
            "Kilder",
            "Afstemning"
        ]
    );
    let v = x.worksheet_range("Status").unwrap();
    let f = x.worksheet_formula("Status").unwrap();
    assert!(
        f.used_cells().all(|(_, _, t)| t.is_empty()),
        "no formulas on Status"
    );
    assert_eq!(cell(&v, "A1"), s("Status: hvem har afleveret"));
    assert_eq!(
        cell(&v, "A2"),
        s("2 af 3 afdelinger har afleveret; mangler: SSP København; 2 filer lagt til side (ældre version eller kopi)")
    );
    let header: Vec<Data> = ["A4", "B4", "C4", "D4", "E4", "F4", "G4", "H4"]
        .iter()
        .map(|a| cell(&v, a))
        .collect();
    assert_eq!(
        header,
        [
            "Afdeling",
            "Fil",
            "Dato",
            "Modtaget",
            "Statusskemaer",
            "Budgetlinjer",
            "Fejl",
            "Advarsler"
        ]
        .map(s)
    );

    // Roster departments in roster order (by their roster names), then the
    // department not on the roster.
    assert_eq!(cell(&v, "A5"), s(BOLIG));
    assert_eq!(cell(&v, "B5"), s("01-bolig.xlsx"));
    let date = |a1: &str| match cell(&v, a1) {
        Data::DateTime(d) => d.as_datetime().expect("a date"),
        other => panic!("{a1}: expected a date, got {other:?}"),
    };
    assert_eq!(date("C5").to_string(), "2008-03-03 00:00:00");
    assert_eq!(date("D5").to_string(), "2008-03-05 14:02:00");
    assert_eq!(
        ["E5", "F5", "G5", "H5"].map(|a| cell(&v, a)),
        [3.0, 2.0, 1.0, 1.0].map(Data::Float)
    );
    assert_eq!(cell(&v, "A6"), s("Center for Integration"));
    assert_eq!(cell(&v, "B6"), s("04-integration.xlsx"));
    assert_eq!(date("D6").to_string(), "2008-03-06 09:30:00");
    assert_eq!(
        ["E6", "F6", "G6", "H6"].map(|a| cell(&v, a)),
        [1.0, 1.0, 0.0, 0.0].map(Data::Float)
    );
    // Text from a submission is data, never a formula.
    assert_eq!(cell(&v, "A7"), s("=1+1"));
    assert_eq!(cell(&v, "B7"), s("=2+2.xlsx"));
    assert_eq!(cell(&v, "H7"), Data::Float(1.0));
    assert_eq!(cell(&v, "A8"), Data::Empty);

    // The blocks below, found by their headings.
    let rows: Vec<Vec<String>> = v
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(v.start(), Some((0, 0)), "rows index from A1");
    let at = |heading: &str| {
        rows.iter()
            .position(|r| r[0] == heading)
            .unwrap_or_else(|| panic!("no {heading:?} block"))
    };
    let missing = at("Mangler");
    assert_eq!(rows[missing + 1][0], "SSP København");
    assert_eq!(rows[missing + 2][0], "");

    let set_aside = at("Lagt til side");
    assert!(set_aside > missing);
    let cols = |r: &Vec<String>| vec![r[0].clone(), r[1].clone(), r[2].clone(), r[4].clone()];
    assert_eq!(
        cols(&rows[set_aside + 1]),
        ["Fil", "Gældende fil", "Årsag", "Regel"]
    );
    assert_eq!(
        cols(&rows[set_aside + 2]),
        [
            "01-bolig (gammel).xlsx",
            "01-bolig.xlsx",
            "ældre version",
            "samme filnavn uden versionsmærke"
        ]
    );
    assert_eq!(
        cols(&rows[set_aside + 3]),
        [
            "Kopi af 04-integration.xlsx",
            "04-integration.xlsx",
            "identisk kopi",
            "filerne er byte for byte ens"
        ]
    );

    let rejected = at("Afviste filer");
    assert!(rejected > set_aside);
    assert_eq!(rows[rejected + 1][..2], ["Fil", "Årsag"]);
    assert_eq!(
        rows[rejected + 2][..2],
        ["02-ssp.xlsx", "Filen kan ikke åbnes: den er beskadiget."]
    );
    assert_eq!(rows.len(), rejected + 3, "nothing after the rejected files");
}

#[test]
fn overview_names_the_department_of_each_line() {
    let (model, findings, format) = committee();
    let (bytes, _) = budget_workbook_bytes(&model, &findings, &format).unwrap();
    let mut x = open(bytes);
    let v = x.worksheet_range("Økonomisk oversigt").unwrap();
    let f = x.worksheet_formula("Økonomisk oversigt").unwrap();
    assert_eq!(cell(&v, "A5"), s("Indsats"));
    assert_eq!(cell(&v, "B5"), s("Afdeling"));
    assert_eq!(cell(&v, "C5"), Data::Float(2008.0));
    assert_eq!(cell(&v, "D5"), s("I alt"));
    assert_eq!(cell(&v, "A6"), s(G1));
    // Two "Boligsociale projekter", told apart by their departments (the
    // roster's names).
    let lines: Vec<(Data, Data, Data)> = (7..=9)
        .map(|r| {
            (
                cell(&v, &format!("A{r}")),
                cell(&v, &format!("B{r}")),
                cell(&v, &format!("C{r}")),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (s("Boligsociale projekter"), s(BOLIG), Data::Float(12.29)),
            (
                s("Aftalen om nye udlejningsmodeller"),
                s(BOLIG),
                Data::Float(6.0)
            ),
            (
                s("Boligsociale projekter"),
                s("Center for Integration"),
                Data::Float(1.5)
            ),
        ]
    );
    let formula = |a1: &str| {
        f.get_value(bilag::read::parse_a1(a1).unwrap())
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(formula("D7"), "SUM(C7:C7)");
    assert_eq!(cell(&v, "A10"), s(&format!("{G1} i alt")));
    assert_eq!(formula("C10"), "SUM(C7:C9)");
    assert_eq!(cell(&v, "C10"), Data::Float(19.79));
    assert_eq!(cell(&v, "B10"), Data::Empty);
}

fn fixtures(case: &str) -> Vec<PathBuf> {
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

/// The four departments through the real pipeline, without a roster: the
/// overview's lines name their departments and I ALT is still the exact
/// 81,66 mio.; Status lists the four files and says how to give a roster.
#[test]
fn departments_pipeline_status_and_overview() {
    let format = Format::default_format();
    let loaded = load_and_reconcile(&fixtures("departments"), &format, &Limits::default());
    let (bytes, _) = budget_workbook_bytes(&loaded.model, &loaded.findings, &format).unwrap();
    let mut x = open(bytes);
    let v = x.worksheet_range("Økonomisk oversigt").unwrap();
    let f = x.worksheet_formula("Økonomisk oversigt").unwrap();
    let formula = |a1: &str| {
        f.get_value(bilag::read::parse_a1(a1).unwrap())
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(cell(&v, "A18"), s("I ALT"));
    assert_eq!(formula("G18"), "SUM(C18:F18)");
    assert_eq!(cell(&v, "G18"), Data::Float(81.66));
    assert_eq!(formula("C18"), "SUM(C10,C15)");
    assert_eq!(cell(&v, "C18"), Data::Float(26.79));
    assert_eq!(cell(&v, "A9"), s("Boligsociale projekter"));
    assert_eq!(cell(&v, "B9"), s(BOLIG));
    assert_eq!(
        cell(&v, "B13"),
        s("Integrationssekretariatet, Socialforvaltningen")
    );

    let st = x.worksheet_range("Status").unwrap();
    assert_eq!(cell(&st, "A2"), s("4 afdelinger har afleveret"));
    // Without a roster: by department name.
    let files: Vec<Data> = (5..=8).map(|r| cell(&st, &format!("B{r}"))).collect();
    assert_eq!(
        files,
        [
            "04-integration.xlsx",
            "03-boern-unge.xlsx",
            "01-bolig.xlsx",
            "02-ssp.xlsx"
        ]
        .map(s)
    );
    assert_eq!(cell(&st, "A7"), s(BOLIG));
    assert_eq!(cell(&st, "F7"), Data::Float(3.0), "01-bolig's budget lines");
    for r in 5..=8 {
        let a = format!("D{r}");
        assert!(
            matches!(cell(&st, &a), Data::DateTime(_)),
            "received is a date and time: {:?}",
            cell(&st, &a)
        );
    }
    let text: Vec<String> = st
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(
        text.iter().any(|t| t.contains("--departments FIL")),
        "without a roster, Status says how to give one"
    );
}
