//! Reconciling the departments split (fixtures/departments): the
//! seed's problems, each in the file it came from, and no false alarm — also
//! for a clean submission.

mod reconcile_support;

use bilag::finding::{Code, Severity};
use bilag::format::Format;
use bilag::model::{BudgetLine, Model};
use bilag::reconcile::reconcile;
use reconcile_support::*;
use rust_decimal::Decimal;

#[test]
fn departments_give_exactly_their_expected_findings() {
    let fs = reconcile(&departments_model(), &Format::default_format());
    assert_eq!(
        keys(&fs),
        vec![
            k(
                Code::EconomyMismatch,
                "01-bolig.xlsx",
                "Statusskema 1",
                "B21"
            ),
            k(
                Code::MissingBudgetLine,
                "02-ssp.xlsx",
                "Statusskemaer",
                "B14"
            ),
            k(Code::AmbiguousNumber, "03-boern-unge.xlsx", "Skema 1", "B2"),
            k(
                Code::MissingBudgetLine,
                "03-boern-unge.xlsx",
                "Skema 1",
                "B2"
            ),
            k(
                Code::AmbiguousNumber,
                "04-integration.xlsx",
                "Sektion 2",
                "B2"
            ),
        ],
        "{}",
        show(&fs)
    );
    // No error: `bilag check` exits 0 on the departments.
    assert!(fs.iter().all(|f| f.severity != Severity::Error));
}

#[test]
fn every_expected_finding_of_expected_json_is_there_and_nothing_else() {
    let fs = reconcile(&departments_model(), &Format::default_format());
    let exp = expected_json();
    let expected = exp["departments"]["expected_findings"].as_array().unwrap();
    for e in expected {
        let code: Code = serde_json::from_value(e["code"].clone()).unwrap();
        assert!(
            fs.iter()
                .any(|f| f.code == code && f.file == e["file"].as_str().unwrap()),
            "missing {e}\n{}",
            show(&fs)
        );
    }
    assert_eq!(fs.len(), expected.len(), "{}", show(&fs));
}

#[test]
fn the_section_2_initiative_matches_both_its_lines_and_agrees() {
    // '7, 5 mio.kr plus 1 mio.kr' = 8,5 mio. = 1,0 + 7,5: no economy finding
    // (expected.json tolerates one; the best result is none).
    let fs = reconcile(&departments_model(), &Format::default_format());
    assert!(
        fs.iter()
            .all(|f| !(f.file == "04-integration.xlsx" && f.code == Code::EconomyMismatch)),
        "{}",
        show(&fs)
    );
}

/// The departments with their problems fixed as a caseworker would: the
/// Boligsociale text says 12,29, Den korte snor and the døgninstitution get
/// budget lines, the ambiguous numbers are written plainly.
fn cleaned() -> Model {
    let mut m = departments_model();
    let subs = &mut m.submissions;
    subs[0].initiatives[2]
        .fields
        .insert("Økonomi".into(), "12,29 mio. kr./ år".into());
    let line = |title: &str, amounts: &[(&str, i64)]| BudgetLine {
        title: title.into(),
        amounts: amounts
            .iter()
            .map(|(y, a)| (y.to_string(), Decimal::from(*a)))
            .collect(),
        ..Default::default()
    };
    subs[1]
        .budget_lines
        .push(line("Den korte snor", &[("2008", 1_653_000)]));
    subs[2].initiatives[0].fields.insert(
        "Økonomi".into(),
        "Der er afsat 10,1 mio. kr. til drift af institutionen i årene 2008-10 og 1,5 mio. kr. til etablering.".into(),
    );
    subs[2].budget_lines.push(line(
        "Døgninstitution til unge der begår personfarlig kriminalitet",
        &[
            ("2008", 4_866_667),
            ("2009", 3_366_667),
            ("2010", 3_366_666),
        ],
    ));
    subs[3].initiatives[0]
        .fields
        .insert("Økonomi".into(), "7,5 mio. kr. plus 1 mio. kr.".into());
    m
}

#[test]
fn a_clean_inbox_gives_no_finding_at_all() {
    let fs = reconcile(&cleaned(), &Format::default_format());
    assert!(fs.is_empty(), "{}", show(&fs));
}

#[test]
fn a_clean_single_submission_gives_no_finding_at_all() {
    let mut m = cleaned();
    m.submissions.truncate(1);
    let fs = reconcile(&m, &Format::default_format());
    assert!(fs.is_empty(), "{}", show(&fs));
}

#[test]
fn the_same_department_sent_twice_is_a_duplicate_per_initiative() {
    let mut m = departments_model();
    let mut again = m.submissions[1].clone();
    again.source = "02-ssp-igen.xlsx".into();
    m.submissions.push(again);
    let fs = reconcile(&m, &Format::default_format());
    let dups: Vec<_> = fs
        .iter()
        .filter(|f| f.code == Code::DuplicateInitiative)
        .collect();
    assert_eq!(dups.len(), 2, "{}", show(&fs));
    for (f, cell) in dups.iter().zip(["A3", "A13"]) {
        assert_eq!(f.file, "02-ssp-igen.xlsx");
        assert_eq!(f.sheet.as_deref(), Some("Statusskemaer"));
        assert_eq!(f.cell.as_deref(), Some(cell));
        assert!(
            f.message.contains("02-ssp.xlsx") && f.message.contains("02-ssp-igen.xlsx"),
            "{}",
            f.message
        );
    }
    // Den korte snor still has no line, in both files.
    assert_eq!(
        fs.iter()
            .filter(|f| f.code == Code::MissingBudgetLine && f.message.contains("Den korte snor"))
            .count(),
        2
    );
}
