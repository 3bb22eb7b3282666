//! A pack larger than an Excel sheet: more amounts than Kilder has rows.
//! The build must still write budget.xlsx, show what fits, and say what
//! did not (a text-truncated finding) — never fail. Ignored by default (it
//! writes over a million rows); run with `cargo test --release -- --ignored`.

use bilag::finding::Code;
use bilag::format::Format;
use bilag::model::{BudgetLine, Model, Submission};
use bilag::write::xlsx::{budget_workbook_bytes, LAST_SOURCE_ROW};
use rust_decimal::Decimal;

#[test]
#[ignore]
fn more_amounts_than_excel_rows_are_reported_not_fatal() {
    let years = ["2008", "2009", "2010", "2011"];
    let lines: Vec<BudgetLine> = (0..270_000)
        .map(|i| BudgetLine {
            title: format!("Linje {i}"),
            amounts: years
                .iter()
                .map(|y| (y.to_string(), Decimal::from(1000 + i)))
                .collect(),
            ..Default::default()
        })
        .collect();
    let model = Model {
        submissions: vec![Submission {
            source: "stor.xlsx".into(),
            budget_lines: lines,
            ..Default::default()
        }],
        ..Default::default()
    };
    let (bytes, findings) = budget_workbook_bytes(&model, &[], &Format::default_format()).unwrap();
    assert!(bytes.len() > 1_000_000);
    let cut: Vec<_> = findings
        .iter()
        .filter(|f| f.code == Code::TextTruncated)
        .collect();
    assert_eq!(cut.len(), 1, "{findings:#?}");
    let shown = (LAST_SOURCE_ROW - 3) as usize;
    let omitted = 270_000 * 4 - shown;
    assert!(
        cut[0].message.contains(&format!("{omitted} beløb mere")),
        "{}",
        cut[0].message
    );
}
