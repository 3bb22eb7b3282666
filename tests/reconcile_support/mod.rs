//! Models for the reconcile tests: the seed's and the departments' expected
//! models from `fixtures/expected.json`, with the cell sources the
//! normalizer would give them (expected.json carries no sources).
#![allow(dead_code)]

use bilag::finding::{Code, Finding, Severity};
use bilag::model::{AmountSource, Model, SourceRef, Submission};

#[path = "../common/mod.rs"]
mod common;

pub use common::expected_json;

pub fn model_of(case: &str) -> Model {
    serde_json::from_value(expected_json()[case]["model"].clone()).expect("model deserializes")
}

fn src(sheet: &str, cell: &str) -> SourceRef {
    SourceRef {
        sheet: sheet.into(),
        cell: cell.into(),
    }
}

/// Sets the title cell (A{row}) and the Økonomi cell (B{row+1}) of each
/// initiative, in order.
pub fn set_initiative_sources(sub: &mut Submission, rows: &[(&str, u32)]) {
    assert_eq!(sub.initiatives.len(), rows.len(), "{}", sub.source);
    for (init, (sheet, row)) in sub.initiatives.iter_mut().zip(rows) {
        init.source = src(sheet, &format!("A{row}"));
        for (k, i) in init.fields.keys().zip(1u32..) {
            init.field_sources
                .insert(k.clone(), src(sheet, &format!("B{}", row + i)));
        }
    }
}

/// Sets the title cells (A), year cells (B..E for 2008..2011) and I alt
/// cells (F) of the budget lines and stated totals; `raw` gives the cell
/// text for an amount in kroner.
pub fn set_budget_sources(
    sub: &mut Submission,
    sheet: &str,
    line_rows: &[u32],
    total_rows: &[u32],
    raw: fn(&rust_decimal::Decimal) -> String,
) {
    let col = |y: &str| match y {
        "2008" => "B",
        "2009" => "C",
        "2010" => "D",
        "2011" => "E",
        other => panic!("year {other}"),
    };
    assert_eq!(sub.budget_lines.len(), line_rows.len());
    for (line, row) in sub.budget_lines.iter_mut().zip(line_rows) {
        line.source = src(sheet, &format!("A{row}"));
        line.amount_sources = line
            .amounts
            .iter()
            .map(|(y, a)| {
                (
                    y.clone(),
                    AmountSource {
                        cell: format!("{}{row}", col(y)).into(),
                        raw: raw(a).into(),
                        unit: None,
                    },
                )
            })
            .collect();
        line.total_source = line.stated_total.map(|t| AmountSource {
            cell: format!("F{row}").into(),
            raw: raw(&t).into(),
            unit: None,
        });
    }
    let n = sub.budget_lines.len();
    assert_eq!(sub.stated_totals.len(), total_rows.len());
    for (total, row) in sub.stated_totals.iter_mut().zip(total_rows) {
        total.source = src(sheet, &format!("A{row}"));
        total.covers = Some((0, n));
        total.amount_sources = total
            .amounts
            .iter()
            .map(|(y, a)| {
                (
                    y.clone(),
                    AmountSource {
                        cell: format!("{}{row}", col(y)).into(),
                        raw: raw(a).into(),
                        unit: None,
                    },
                )
            })
            .collect();
        total.total_source = total.total.map(|t| AmountSource {
            cell: format!("F{row}").into(),
            raw: raw(&t).into(),
            unit: None,
        });
    }
}

/// "73,19 mio." — how the seed's Økonomi sheet writes amounts (text cells).
pub fn seed_raw(kroner: &rust_decimal::Decimal) -> String {
    let mio = (kroner / rust_decimal::Decimal::from(1_000_000)).normalize();
    let s = if mio.scale() == 0 {
        format!("{mio}")
    } else {
        mio.to_string().replace('.', ",")
    };
    // The seed writes "6,0 mio." and "1,0 mio." but "24 mio.".
    let s = if mio.scale() == 0 && mio < rust_decimal::Decimal::from(10) {
        format!("{s},0")
    } else {
        s
    };
    format!("{s} mio.")
}

/// "12.29" — a number cell in mio. kr., as the departments write them.
pub fn number_raw(kroner: &rust_decimal::Decimal) -> String {
    (kroner / rust_decimal::Decimal::from(1_000_000))
        .normalize()
        .to_string()
}

/// The seed's model with the cells of `fixtures/seed/socialudvalget-2008.xlsx`.
pub fn seed_model() -> Model {
    let mut m = model_of("seed");
    let sub = &mut m.submissions[0];
    let s1 = "Statusskema 1";
    set_initiative_sources(
        sub,
        &[
            (s1, 3),
            (s1, 13),
            (s1, 22),
            (s1, 31),
            (s1, 41),
            (s1, 51),
            ("Statusskema 2", 3),
        ],
    );
    set_budget_sources(sub, "Økonomi", &[4, 5, 6, 8, 9], &[12], seed_raw);
    m
}

/// The departments' model with the cells of `fixtures/departments/`.
pub fn departments_model() -> Model {
    let mut m = model_of("departments");
    let subs = &mut m.submissions;
    let s1 = "Statusskema 1";
    set_initiative_sources(&mut subs[0], &[(s1, 1), (s1, 11), (s1, 20)]);
    set_budget_sources(&mut subs[0], "Økonomi", &[3, 4, 5], &[6], number_raw);
    set_initiative_sources(&mut subs[1], &[("Statusskemaer", 3), ("Statusskemaer", 13)]);
    set_initiative_sources(&mut subs[2], &[("Skema 1", 1)]);
    set_initiative_sources(&mut subs[3], &[("Sektion 2", 1)]);
    set_budget_sources(&mut subs[3], "Økonomi", &[4, 5], &[6], number_raw);
    m
}

/// A finding's identity for exact comparison.
pub type Key = (Code, Severity, String, Option<String>, Option<String>);

pub fn key(f: &Finding) -> Key {
    (
        f.code,
        f.severity,
        f.file.clone(),
        f.sheet.clone(),
        f.cell.clone(),
    )
}

pub fn k(code: Code, file: &str, sheet: &str, cell: &str) -> Key {
    (
        code,
        code.severity(),
        file.into(),
        Some(sheet.into()),
        Some(cell.into()),
    )
}

pub fn keys(fs: &[Finding]) -> Vec<Key> {
    fs.iter().map(key).collect()
}

pub fn show(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.code,
                f.location(),
                f.severity.danish(),
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
