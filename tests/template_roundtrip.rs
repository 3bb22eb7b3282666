//! `bilag template` read back through bilag's own reader and normalizer:
//! the blank template is an empty submission without errors, and a filled
//! template gives back exactly what was typed.

#[path = "xlsx_support/mod.rs"]
mod xlsx_support;

use bilag::finding::{Finding, Severity};
use bilag::model::{BudgetLine, DocumentTexts, Metadata, Submission};
use bilag::normalize::normalize_workbook;
use bilag::read::{read_workbook_bytes, Limits};
use bilag::write::template::{filled_template_bytes, template_bytes, write_template};
use rust_decimal::Decimal;
use xlsx_support::{expected, format, model};

fn read_back(bytes: &[u8]) -> (Submission, Vec<Finding>) {
    let wb = read_workbook_bytes(bytes, &Limits::default()).expect("the template reads");
    normalize_workbook(&wb, "skabelon.xlsx", "", &format())
}

fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

#[test]
fn blank_template_reads_back_as_an_empty_submission_without_errors() {
    let bytes = template_bytes(&format()).unwrap();
    let (sub, findings) = read_back(&bytes);
    assert!(errors(&findings).is_empty(), "{findings:#?}");
    assert!(
        findings.is_empty(),
        "no findings at all expected: {findings:#?}"
    );
    assert_eq!(sub.metadata, Metadata::default());
    assert_eq!(sub.department, None);
    assert_eq!(sub.document, DocumentTexts::default());
    assert!(sub.initiatives.is_empty(), "{:#?}", sub.initiatives);
    assert!(sub.budget_lines.is_empty(), "{:#?}", sub.budget_lines);
    // The "I alt" row is there, with nothing in it.
    assert!(
        sub.stated_totals
            .iter()
            .all(|t| t.amounts.is_empty() && t.total.is_none()),
        "{:#?}",
        sub.stated_totals
    );
}

#[test]
fn write_template_writes_the_same_workbook_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skabelon.xlsx");
    write_template(&format(), &path).unwrap();
    let (sub, findings) = read_back(&std::fs::read(&path).unwrap());
    assert!(errors(&findings).is_empty(), "{findings:#?}");
    assert!(sub.initiatives.is_empty());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["skabelon.xlsx"]);
}

/// The seed submission with the appendix texts of its Forside.
fn seed_submission() -> Submission {
    let mut sub = model("seed").submissions.remove(0);
    let doc = &expected()["seed"]["document"];
    sub.document = DocumentTexts {
        title: doc["title"].as_str().map(String::from),
        intro: doc["intro"].as_str().map(String::from),
        goals: doc["goals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap().to_string())
            .collect(),
        closing: doc["intro_closing"].as_str().map(String::from),
    };
    sub
}

fn assert_reads_back(typed: &Submission) {
    let bytes = filled_template_bytes(&format(), typed).unwrap();
    let (got, findings) = read_back(&bytes);
    assert!(errors(&findings).is_empty(), "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");

    assert_eq!(got.metadata, typed.metadata);
    assert_eq!(got.department, typed.metadata.department);
    assert_eq!(got.document, typed.document);

    assert_eq!(got.initiatives.len(), typed.initiatives.len());
    for (g, t) in got.initiatives.iter().zip(&typed.initiatives) {
        assert_eq!((g.section, &g.title), (t.section, &t.title));
        let gf: Vec<_> = g.fields.iter().collect();
        let tf: Vec<_> = t.fields.iter().collect();
        assert_eq!(gf, tf, "fields of {}", t.title);
    }

    let strip = |l: &BudgetLine| {
        (
            l.group.clone(),
            l.format_group.clone(),
            l.title.clone(),
            l.amounts.clone(),
        )
    };
    let got_lines: Vec<_> = got.budget_lines.iter().map(strip).collect();
    let typed_lines: Vec<_> = typed.budget_lines.iter().map(strip).collect();
    assert_eq!(got_lines, typed_lines);
    // The template's "I alt" column is a sum formula: every line with
    // amounts states its sum.
    for (g, t) in got.budget_lines.iter().zip(&typed.budget_lines) {
        let sum: Decimal = t.amounts.values().copied().sum();
        let want = (!t.amounts.is_empty()).then_some(sum);
        assert_eq!(g.stated_total, want, "{}", t.title);
    }
    // And the "I alt" row states the sums per year.
    if !typed.budget_lines.is_empty() {
        assert_eq!(got.stated_totals.len(), 1, "{:#?}", got.stated_totals);
        let total = &got.stated_totals[0];
        assert_eq!(total.title, "I alt");
        let mut want = std::collections::BTreeMap::new();
        for l in &typed.budget_lines {
            for (y, a) in &l.amounts {
                *want.entry(y.clone()).or_insert(Decimal::ZERO) += *a;
            }
        }
        assert_eq!(total.amounts, want.clone().into_iter().collect());
        assert_eq!(total.total, Some(want.values().copied().sum()));
    }
}

#[test]
fn filled_template_with_the_whole_seed_reads_back_what_was_typed() {
    let sub = seed_submission();
    assert_eq!(sub.initiatives.len(), 7); // more than the 5 ready blocks
    assert_eq!(sub.budget_lines.len(), 5);
    assert_eq!(sub.document.goals.len(), 3);
    assert_reads_back(&sub);
}

#[test]
fn partly_filled_templates_keep_every_part() {
    // Every department of the fixtures: some with only section 1, one with
    // only section 2 and only the second budget group, two without budget.
    for sub in model("departments").submissions {
        assert_reads_back(&sub);
    }
}

#[test]
fn amounts_with_three_decimals_and_negative_amounts_survive() {
    let mut sub = seed_submission();
    sub.budget_lines[0]
        .amounts
        .insert("2008".into(), Decimal::from(1_653_000));
    sub.budget_lines[2]
        .amounts
        .insert("2011".into(), Decimal::from(-500_000));
    assert_reads_back(&sub);
}
