//! Reconciling the seed (fixtures/seed/socialudvalget-2008.xlsx):
//! exactly its real problems, none of the not_expected ones.

mod reconcile_support;

use bilag::finding::{Code, Severity};
use bilag::format::Format;
use bilag::reconcile::reconcile;
use reconcile_support::*;
use rstest::rstest;
use rust_decimal::Decimal;

const SEED: &str = "socialudvalget-2008.xlsx";

fn kr(n: i64) -> Decimal {
    Decimal::from(n)
}

#[test]
fn seed_gives_exactly_its_real_problems() {
    let fs = reconcile(&seed_model(), &Format::default_format());
    assert_eq!(
        keys(&fs),
        vec![
            k(Code::TotalMismatch, SEED, "Økonomi", "F12"),
            k(Code::EconomyMismatch, SEED, "Statusskema 1", "B23"),
            k(Code::MissingBudgetLine, SEED, "Statusskema 1", "B42"),
            k(Code::AmbiguousNumber, SEED, "Statusskema 1", "B52"),
            k(Code::MissingBudgetLine, SEED, "Statusskema 1", "B52"),
            k(Code::AmbiguousNumber, SEED, "Statusskema 2", "B4"),
        ],
        "{}",
        show(&fs)
    );
    println!("{}", show(&fs));
}

#[test]
fn every_expected_finding_of_expected_json_is_there() {
    let fs = reconcile(&seed_model(), &Format::default_format());
    let exp = expected_json();
    for e in exp["seed"]["expected_findings"].as_array().unwrap() {
        let code: Code = serde_json::from_value(e["code"].clone()).unwrap();
        let severity: Severity = serde_json::from_value(e["severity"].clone()).unwrap();
        let found = fs.iter().any(|f| {
            f.code == code
                && f.severity == severity
                && f.file == e["file"].as_str().unwrap()
                && e["sheet"]
                    .as_str()
                    .is_none_or(|s| f.sheet.as_deref() == Some(s))
                && e["cell"]
                    .as_str()
                    .is_none_or(|c| f.cell.as_deref() == Some(c))
        });
        assert!(found, "missing {e}\n{}", show(&fs));
    }
    // Any other warning or error is a false alarm: the counts match exactly.
    let expected = exp["seed"]["expected_findings"].as_array().unwrap().len();
    assert_eq!(fs.len(), expected, "{}", show(&fs));
}

#[test]
fn codes_the_seed_must_never_give() {
    let fs = reconcile(&seed_model(), &Format::default_format());
    for code in [
        Code::AmountUnparseable,
        Code::MissingField,
        Code::UnitAssumed,
    ] {
        assert!(fs.iter().all(|f| f.code != code), "{code}\n{}", show(&fs));
    }
    // Aftalen (6,0 pr. år vs its 6,0 line), 21 helhedsplaner and Styrket SSP
    // (no amount) get nothing at all.
    for title in [
        "Aftalen med de almene",
        "21 boligsociale helhedsplaner",
        "Styrket SSP indsats",
    ] {
        assert!(
            fs.iter().all(|f| !f.message.contains(title)),
            "{title}\n{}",
            show(&fs)
        );
    }
}

#[test]
fn total_mismatch_message_quotes_the_cell_and_both_numbers() {
    let fs = reconcile(&seed_model(), &Format::default_format());
    let f = fs.iter().find(|f| f.code == Code::TotalMismatch).unwrap();
    assert_eq!(f.severity, Severity::Error);
    for part in [
        "'I ALT'",
        "'73,19 mio.'",
        "73.190.000 kr.",
        "81,66 mio.",
        "81.660.000 kr.",
        "73,16 mio.",
        "73.160.000 kr.",
    ] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
}

#[test]
fn economy_messages_quote_the_text_the_amounts_and_the_match() {
    let fs = reconcile(&seed_model(), &Format::default_format());
    let get = |code: Code, cell: &str| {
        fs.iter()
            .filter(|f| f.code == code && f.cell.as_deref() == Some(cell))
            .map(|f| f.message.clone())
            .next()
            .unwrap_or_else(|| panic!("{code} at {cell}\n{}", show(&fs)))
    };
    let m = get(Code::EconomyMismatch, "B23");
    for part in [
        "'Boligsociale projekter'",
        "'11,9 mio. kr./ år'",
        "11.900.000 kr.",
        "12.290.000 kr.",
        "pr. år",
        "budgetlinjen 'Boligsociale projekter' (Økonomi!A6)",
        "2008, 2009, 2010 og 2011",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let m = get(Code::MissingBudgetLine, "B42");
    for part in [
        "'Den korte snor'",
        "'Der er afsat 1,653 mio. kr.'",
        "1.653.000 kr.",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let m = get(Code::MissingBudgetLine, "B52");
    for part in [
        "'Ny døgninstitution til unge der begår personfarlig kriminalitet'",
        "'10.1 mio. kr.' og '1,5 mio. kr.'",
        "11.600.000 kr.",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let m = get(Code::AmbiguousNumber, "B52");
    assert!(
        m.contains("'10.1 mio. kr.'") && m.contains("= 10.100.000 kr."),
        "{m}"
    );
    assert!(m.contains("decimalkomma"), "{m}");
    let m = get(Code::AmbiguousNumber, "B4");
    assert!(
        m.contains("'7, 5 mio.kr'") && m.contains("= 7.500.000 kr."),
        "{m}"
    );
    assert!(m.contains("mellemrummet"), "{m}");
}

/// total-mismatch, one case per kind of stated total, on the seed.
#[rstest]
// The seed as sent: only the I ALT row's I alt column is wrong.
#[case::seed_as_sent(None, vec!["F12"])]
// I ALT corrected to the lines' sum: no total finding at all.
#[case::grand_total_fixed(Some(("I ALT", None, 81_660_000)), vec![])]
// A year column of the I ALT row wrong too (its I alt stays wrong).
#[case::year_column_wrong(Some(("I ALT", Some("2009"), 18_300_000)), vec!["C12", "F12"])]
// A line's own I alt cell wrong.
#[case::line_total_wrong(Some(("Boligsociale projekter", None, 49_170_000)), vec!["F6", "F12"])]
fn totals(#[case] change: Option<(&str, Option<&str>, i64)>, #[case] cells: Vec<&str>) {
    let mut m = seed_model();
    let sub = &mut m.submissions[0];
    if let Some((title, year, v)) = change {
        if title == "I ALT" {
            let t = &mut sub.stated_totals[0];
            match year {
                Some(y) => *t.amounts.get_mut(y).unwrap() = kr(v),
                None => t.total = Some(kr(v)),
            }
        } else {
            let l = sub
                .budget_lines
                .iter_mut()
                .find(|l| l.title == title)
                .unwrap();
            l.stated_total = Some(kr(v));
        }
    }
    let fs = reconcile(&m, &Format::default_format());
    let got: Vec<&str> = fs
        .iter()
        .filter(|f| f.code == Code::TotalMismatch)
        .map(|f| {
            assert_eq!(f.sheet.as_deref(), Some("Økonomi"));
            f.cell.as_deref().unwrap()
        })
        .collect();
    assert_eq!(got, cells, "{}", show(&fs));
}

#[test]
fn a_total_without_covers_covers_every_line() {
    let mut m = seed_model();
    m.submissions[0].stated_totals[0].covers = None;
    let fs = reconcile(&m, &Format::default_format());
    let cells: Vec<_> = fs
        .iter()
        .filter(|f| f.code == Code::TotalMismatch)
        .map(|f| f.cell.clone().unwrap())
        .collect();
    assert_eq!(cells, vec!["F12"]);
}

#[test]
fn a_line_total_message_names_the_line_and_both_numbers() {
    let mut m = seed_model();
    m.submissions[0].budget_lines[2].stated_total = Some(kr(49_170_000));
    m.submissions[0].budget_lines[2]
        .total_source
        .as_mut()
        .unwrap()
        .raw = "49,17 mio.".into();
    let fs = reconcile(&m, &Format::default_format());
    let f = fs
        .iter()
        .find(|f| f.cell.as_deref() == Some("F6"))
        .expect("F6");
    for part in [
        "'Boligsociale projekter'",
        "'49,17 mio.'",
        "49.170.000 kr.",
        "49.160.000 kr.",
        "2008–2011",
    ] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
}

#[test]
fn a_year_the_total_states_but_no_line_has_counts_as_zero() {
    let mut m = seed_model();
    let t = &mut m.submissions[0].stated_totals[0];
    t.amounts.insert("2012".into(), kr(0));
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(
        fs.iter().filter(|f| f.code == Code::TotalMismatch).count(),
        1
    );
    m.submissions[0].stated_totals[0]
        .amounts
        .insert("2012".into(), kr(1_000_000));
    let fs = reconcile(&m, &Format::default_format());
    let f = fs
        .iter()
        .find(|f| f.code == Code::TotalMismatch && f.message.contains("2012"))
        .expect("2012 mismatch");
    assert!(f.message.contains("0 kr."), "{}", f.message);
}
