//! The exact model of the public fixtures, as `fixtures/expected.json` gives
//! it: every field's text, every amount in kroner, each initiative's section
//! and the metadata — for the seed workbook and for the four-department split.

mod common;

use bilag::format::Format;
use bilag::inbox::{list_inbox, load_files, Loaded};
use bilag::read::Limits;
use common::expected_json;
use serde_json::Value;
use std::path::Path;

fn load(dir: &str) -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir);
    let listing = list_inbox(&dir).unwrap();
    load_files(
        &listing.files,
        &Format::default_format(),
        &Limits::default(),
    )
}

/// Compares the keys expected.json names (and only those), reporting the path
/// of the first difference.
fn assert_subset(path: &str, want: &Value, got: &Value) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or(&Value::Null);
                assert_subset(&format!("{path}.{k}"), wv, gv);
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            assert_eq!(
                w.len(),
                g.len(),
                "{path}: {} entries expected, {} read",
                w.len(),
                g.len()
            );
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                assert_subset(&format!("{path}[{i}]"), wv, gv);
            }
        }
        (Value::String(w), Value::String(g)) => {
            assert_eq!(w.replace("\r\n", "\n"), g.replace("\r\n", "\n"), "{path}");
        }
        _ => assert_eq!(want, got, "{path}"),
    }
}

fn check_case(case: &str, dir: &str) {
    let exp = &expected_json()[case];
    let loaded = load(dir);
    let got = serde_json::to_value(&loaded.model).unwrap();
    assert_subset(case, &exp["model"], &got);
    let accepted: Vec<&str> = exp["files"]["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(loaded.accepted, accepted);
    assert!(loaded.rejected.is_empty());
}

#[test]
fn seed_model_is_exactly_expected() {
    check_case("seed", "seed");
}

#[test]
fn departments_model_is_exactly_expected() {
    check_case("departments", "departments");
}

#[test]
fn seed_key_values_in_kroner() {
    let loaded = load("seed");
    let s = &loaded.model.submissions[0];
    assert_eq!(s.metadata.date.as_deref(), Some("2008-03-03"));
    assert_eq!(s.metadata.case_number.as_deref(), Some("2008-20510"));
    let bolig = s
        .budget_lines
        .iter()
        .find(|l| l.title == "Boligsociale projekter")
        .unwrap();
    assert_eq!(bolig.amounts["2008"].to_string(), "12290000");
    assert_eq!(bolig.amount_sources["2008"].cell, "B6");
    assert_eq!(bolig.amount_sources["2008"].raw, "12,29 mio.");
    assert_eq!(s.stated_totals[0].total.unwrap().to_string(), "73190000");
    assert_eq!(
        s.stated_totals[0].total_source.as_ref().unwrap().cell,
        "F12"
    );
    assert_eq!(s.stated_totals[0].covers, Some((0, 5)));
    let sections: Vec<u8> = s.initiatives.iter().map(|i| i.section).collect();
    assert_eq!(sections, vec![1, 1, 1, 1, 1, 1, 2]);
    // The appendix texts on the Forside.
    assert_eq!(s.document.goals.len(), 3);
    assert_eq!(
        s.document.title.as_deref(),
        Some("Bilag 1: Socialudvalgets redegørelse for integrationsindsatsen")
    );
}

#[test]
fn departments_units_come_from_the_caption_and_nothing_is_assumed() {
    let loaded = load("departments");
    assert!(
        loaded
            .findings
            .iter()
            .all(|f| f.code != bilag::finding::Code::UnitAssumed),
        "{:#?}",
        loaded.findings
    );
    let bolig = &loaded.model.submissions[0];
    let line = &bolig.budget_lines[2];
    assert_eq!(line.amounts["2011"].to_string(), "12290000");
    assert_eq!(
        line.amount_sources["2011"].unit.as_deref(),
        Some("mio. kr. (tabeltekst)")
    );
}

/// The seed saved as .ods, .xls and .xlsb (by LibreOffice and SheetJS), with
/// an upper-case extension, with a lying extension, and in the 1904 date
/// system: each reads into exactly the model of the .xlsx.
#[test]
fn every_format_variant_of_the_seed_reads_the_same_model() {
    use bilag::inbox::{read_one, Outcome};
    let format = Format::default_format();
    let read = |p: &Path| match read_one(p, &format, &Limits::default()) {
        Outcome::Accepted(s, f) => (*s, f),
        Outcome::Rejected(f) => panic!("{}: {}", p.display(), f.message),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let (mut want, want_findings) = read(&root.join("seed/socialudvalget-2008.xlsx"));
    want.source.clear();
    want.sha256.clear();
    for name in [
        "socialudvalget-2008.ods",
        "socialudvalget-2008.xls",
        "socialudvalget-2008.xlsb",
        "SOCIALUDVALGET-2008.XLSX",
        "xlsx-named-as.xls",
        "ods-named-as.xlsx",
        "socialudvalget-2008-1904.xlsx",
    ] {
        let (mut got, findings) = read(&root.join("variants").join(name));
        assert_eq!(got.source, name);
        got.source.clear();
        got.sha256.clear();
        assert_eq!(got, want, "{name}");
        assert_eq!(findings.len(), want_findings.len(), "{name}");
    }
}
