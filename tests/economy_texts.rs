//! Økonomi texts as departments write them ("heraf", "i perioden",
//! "årligt", parentheses …), through the real pipeline: generated
//! submissions whose texts agree with their budget lines give no
//! economy-mismatch at all, and a disagreement planted in one year is caught
//! with that year's two amounts.

use bilag::finding::{Code, Finding, Severity};
use bilag::format::Format;
use bilag::inbox::{list_inbox, load_and_reconcile, Loaded};
use bilag::internal::synth;
use bilag::read::Limits;
use bilag::reconcile::reconcile;
use rust_decimal::Decimal;

const SEED: u64 = 1;
const N: usize = 60;

fn generated_inbox() -> (tempfile::TempDir, Loaded) {
    let f = Format::default_format();
    let dir = tempfile::tempdir().unwrap();
    synth::write_inbox(dir.path(), N, SEED, &f).unwrap();
    let listing = list_inbox(dir.path()).unwrap();
    let loaded = load_and_reconcile(&listing.files, &f, &Limits::default());
    assert_eq!(loaded.accepted.len(), N);
    (dir, loaded)
}

fn economy(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| matches!(f.code, Code::EconomyMismatch | Code::EconomyUnclear))
        .collect()
}

fn texts(loaded: &Loaded) -> Vec<&str> {
    loaded
        .model
        .submissions
        .iter()
        .flat_map(|s| &s.initiatives)
        .filter_map(|i| i.fields.get("Økonomi").map(String::as_str))
        .collect()
}

#[test]
fn texts_that_agree_with_their_lines_give_no_economy_mismatch() {
    let (_dir, loaded) = generated_inbox();
    // The inbox holds the phrasings this is about.
    let all = texts(&loaded);
    for phrase in [
        ", heraf ",
        "hvoraf",
        "(heraf",
        "inkl.",
        "fordelt med",
        "årligt)",
        "om året",
        "Ca. ",
        "i perioden",
    ] {
        assert!(
            all.iter().any(|t| t.contains(phrase)),
            "no text with {phrase:?} in {N} submissions"
        );
    }
    let found = economy(&loaded.findings);
    assert!(found.is_empty(), "{found:#?}");
}

/// The first initiative whose text names a year's part of a total
/// ("…, heraf 18,64 mio. kr. i 2008."), its submission, its line and the
/// year.
fn heraf_initiative(loaded: &Loaded) -> (usize, usize, String) {
    for (s, sub) in loaded.model.submissions.iter().enumerate() {
        for init in &sub.initiatives {
            let text = init.fields.get("Økonomi").map_or("", String::as_str);
            let Some((_, part)) = text.split_once(", heraf ") else {
                continue;
            };
            let year = part.trim_end_matches('.').rsplit(' ').next().unwrap();
            let line = sub
                .budget_lines
                .iter()
                .position(|l| l.title == init.title)
                .unwrap();
            return (s, line, year.to_string());
        }
    }
    panic!("no 'heraf' text in {N} submissions");
}

#[test]
fn a_year_that_disagrees_with_its_heraf_is_caught_with_both_amounts() {
    let (_dir, mut loaded) = generated_inbox();
    let (s, l, year) = heraf_initiative(&loaded);
    // Move 10.000 kr. from the named year to another: the total still
    // agrees, the year does not.
    let line = &mut loaded.model.submissions[s].budget_lines[l];
    let said = *line.amounts.get(&year).unwrap();
    let other = line
        .amounts
        .keys()
        .find(|y| y.as_str() != year)
        .unwrap()
        .clone();
    *line.amounts.get_mut(&year).unwrap() -= Decimal::from(10_000);
    *line.amounts.get_mut(&other).unwrap() += Decimal::from(10_000);
    let now = said - Decimal::from(10_000);
    let title = line.title.clone();

    let findings = reconcile(&loaded.model, &Format::default_format());
    let found = economy(&findings);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.file, loaded.model.submissions[s].source);
    let kroner = |d: Decimal| bilag::normalize::danish::format_danish_decimal(d) + " kr.";
    for part in [
        format!("'{title}'"),
        format!("({}) i {year}, men", kroner(said)),
        format!("({}) i {year};", kroner(now)),
    ] {
        assert!(f.message.contains(&part), "{part}: {}", f.message);
    }
    assert!(!f.message.contains("i alt"), "{}", f.message);
}

#[test]
fn a_yearly_amount_that_disagrees_with_one_year_is_caught() {
    let (_dir, mut loaded) = generated_inbox();
    // A text of one yearly amount, whose line has that amount every year.
    let (s, l) = loaded
        .model
        .submissions
        .iter()
        .enumerate()
        .find_map(|(s, sub)| {
            sub.initiatives.iter().find_map(|init| {
                let text = init.fields.get("Økonomi")?;
                if !text.ends_with("mio. kr./år") {
                    return None;
                }
                let l = sub
                    .budget_lines
                    .iter()
                    .position(|l| l.title == init.title)?;
                Some((s, l))
            })
        })
        .expect("a '… mio. kr./år' text");
    let line = &mut loaded.model.submissions[s].budget_lines[l];
    let (year, said) = line
        .amounts
        .iter()
        .next_back()
        .map(|(y, a)| (y.clone(), *a))
        .unwrap();
    *line.amounts.get_mut(&year).unwrap() += Decimal::from(1_000);

    let findings = reconcile(&loaded.model, &Format::default_format());
    let found = economy(&findings);
    assert_eq!(found.len(), 1, "{found:#?}");
    let kroner = |d: Decimal| bilag::normalize::danish::format_danish_decimal(d) + " kr.";
    let m = &found[0].message;
    assert_eq!(found[0].severity, Severity::Warning);
    for part in [
        format!("({}) pr. år, men", kroner(said)),
        format!("({}) i {year};", kroner(said + Decimal::from(1_000))),
    ] {
        assert!(m.contains(&part), "{part}: {m}");
    }
}
