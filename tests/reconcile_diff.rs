//! `diff_submissions` on two versions of the seed submission.

mod reconcile_support;

use bilag::format::Format;
use bilag::model::Submission;
use bilag::reconcile::diff::{AmountChange, TextChange};
use bilag::reconcile::diff_submissions;
use reconcile_support::seed_model;
use rust_decimal::Decimal;

fn seed() -> Submission {
    seed_model().submissions.remove(0)
}

/// The seed re-sent with one amount and one text changed.
fn resubmitted() -> Submission {
    let mut new = seed();
    new.source = "socialudvalget-2008-v2.xlsx".into();
    let line = new
        .budget_lines
        .iter_mut()
        .find(|l| l.title == "Boligsociale projekter")
        .unwrap();
    line.amounts
        .insert("2009".into(), Decimal::from(12_500_000));
    let init = new
        .initiatives
        .iter_mut()
        .find(|i| i.title == "Boligsociale projekter")
        .unwrap();
    init.fields
        .insert("Økonomi".into(), "12,29 mio. kr./ år".into());
    new
}

#[test]
fn one_amount_and_one_text() {
    let d = diff_submissions(&seed(), &resubmitted());
    assert!(!d.is_empty());
    assert_eq!(
        d.amounts_changed,
        vec![AmountChange {
            line: "Boligsociale projekter".into(),
            year: Some("2009".into()),
            old: Some(Decimal::from(12_290_000)),
            new: Some(Decimal::from(12_500_000)),
            difference: Decimal::from(210_000),
        }]
    );
    assert_eq!(d.initiatives_changed.len(), 1);
    assert_eq!(d.initiatives_changed[0].title, "Boligsociale projekter");
    assert_eq!(
        d.initiatives_changed[0].fields,
        vec![TextChange {
            field: "Økonomi".into(),
            old: Some("11,9 mio. kr./ år".into()),
            new: Some("12,29 mio. kr./ år".into()),
        }]
    );
    assert!(d.initiatives_added.is_empty() && d.initiatives_removed.is_empty());
    assert!(d.lines_added.is_empty() && d.lines_removed.is_empty());
    assert!(d.metadata.is_empty() && d.totals_changed.is_empty());

    let text = d.render(&Format::default_format());
    assert_eq!(
        text,
        "Ændringer fra socialudvalget-2008.xlsx til socialudvalget-2008-v2.xlsx:\n\
         - Statusskemaet 'Boligsociale projekter', Økonomi: '11,9 mio. kr./ år' → '12,29 mio. kr./ år'\n\
         - Budgetlinjen 'Boligsociale projekter', 2009: 12,29 mio. → 12,5 mio. (+210.000 kr.)\n"
    );

    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["amounts_changed"][0]["difference"], "210000");
    assert_eq!(json["amounts_changed"][0]["old"], "12290000");
    assert_eq!(
        json["initiatives_changed"][0]["fields"][0]["field"],
        "Økonomi"
    );
}

#[test]
fn the_same_submission_has_no_differences() {
    let d = diff_submissions(&seed(), &seed());
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(
        d.render(&Format::default_format()),
        "Ingen ændringer mellem socialudvalget-2008.xlsx og socialudvalget-2008.xlsx.\n"
    );
}

#[test]
fn line_endings_and_surrounding_space_are_no_change() {
    let mut new = seed();
    for i in &mut new.initiatives {
        for v in i.fields.values_mut() {
            *v = format!(" {} ", v.replace('\n', "\r\n"));
        }
    }
    assert!(diff_submissions(&seed(), &new).is_empty());
}

#[test]
fn added_removed_and_metadata() {
    let old = seed();
    let mut new = seed();
    new.metadata.date = Some("2008-03-10".into());
    let removed = new.initiatives.remove(4); // Den korte snor
    assert_eq!(removed.title, "Den korte snor");
    let mut added = new.initiatives[0].clone();
    added.title = "Lektiecafé i Tingbjerg".into();
    new.initiatives.push(added);
    new.budget_lines.remove(1); // Helhedsplaner for 21 almene boligområder
    new.stated_totals[0].total = Some(Decimal::from(81_660_000));

    let d = diff_submissions(&old, &new);
    assert_eq!(d.initiatives_removed.len(), 1);
    assert_eq!(d.initiatives_removed[0].title, "Den korte snor");
    assert_eq!(d.initiatives_added[0].title, "Lektiecafé i Tingbjerg");
    assert_eq!(
        d.lines_removed[0].title,
        "Helhedsplaner for 21 almene boligområder"
    );
    assert_eq!(
        d.totals_changed,
        vec![AmountChange {
            line: "I ALT".into(),
            year: None,
            old: Some(Decimal::from(73_190_000)),
            new: Some(Decimal::from(81_660_000)),
            difference: Decimal::from(8_470_000),
        }]
    );
    let text = d.render(&Format::default_format());
    for line in [
        "- Dato: '2008-03-03' → '2008-03-10'\n",
        "- Nyt statusskema: 'Lektiecafé i Tingbjerg' (sektion 1)\n",
        "- Fjernet statusskema: 'Den korte snor' (sektion 1)\n",
        "- Fjernet budgetlinje: 'Helhedsplaner for 21 almene boligområder' (ingen beløb)\n",
        "- Totalen 'I ALT', I alt: 73,19 mio. → 81,66 mio. (+8.470.000 kr.)\n",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert_eq!(text.lines().count(), 6, "{text}");
}

#[test]
fn a_long_text_change_shows_the_part_that_changed() {
    let old = seed();
    let mut new = seed();
    let f = new.initiatives[0]
        .fields
        .get_mut("Beskriv aktiviteterne")
        .unwrap();
    *f = f.replace("500 nye særboliger", "400 nye særboliger");
    let d = diff_submissions(&old, &new);
    let text = d.render(&Format::default_format());
    assert!(text.contains("500 nye særboliger"), "{text}");
    assert!(text.contains("400 nye særboliger"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 400), "{text}");
}
