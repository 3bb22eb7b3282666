//! Table tests per check, on small hand-built submissions using the seed's
//! real titles, texts and amounts.

mod reconcile_support;

use bilag::finding::{Code, Severity};
use bilag::format::Format;
use bilag::model::{BudgetLine, Initiative, Model, SourceRef, StatedTotal, Submission};
use bilag::reconcile::reconcile;
use indexmap::IndexMap;
use reconcile_support::show;
use rstest::rstest;
use rust_decimal::Decimal;

const YEARS: [&str; 4] = ["2008", "2009", "2010", "2011"];

fn initiative(section: u8, title: &str, economy: &str) -> Initiative {
    let format = Format::default_format();
    let mut fields = IndexMap::new();
    for f in &format.section(section).unwrap().fields {
        let label = f.label.replace("{year}", "2009");
        let text = if f.economy {
            economy.to_string()
        } else {
            "tekst".to_string()
        };
        fields.insert(label, text);
    }
    Initiative {
        section,
        title: title.into(),
        fields,
        source: SourceRef {
            sheet: "Statusskema".into(),
            cell: "A1".into(),
        },
        field_sources: [(
            "Økonomi".to_string(),
            SourceRef {
                sheet: "Statusskema".into(),
                cell: "B2".into(),
            },
        )]
        .into_iter()
        .collect(),
    }
}

/// A line with the same amount (kroner) in each of the first `years` years.
fn line(title: &str, per_year: i64, years: usize) -> BudgetLine {
    BudgetLine {
        title: title.into(),
        amounts: YEARS[..years]
            .iter()
            .map(|y| (y.to_string(), Decimal::from(per_year)))
            .collect(),
        ..Default::default()
    }
}

fn with_year(mut l: BudgetLine, year: &str, kroner: i64) -> BudgetLine {
    l.amounts.insert(year.into(), Decimal::from(kroner));
    l
}

fn one(initiatives: Vec<Initiative>, lines: Vec<BudgetLine>) -> Model {
    Model {
        submissions: vec![Submission {
            source: "a.xlsx".into(),
            initiatives,
            budget_lines: lines,
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn codes(m: &Model) -> Vec<Code> {
    let fs = reconcile(m, &Format::default_format());
    println!("{}", show(&fs));
    fs.iter().map(|f| f.code).collect()
}

#[rstest]
#[case::per_year_differs(
    "Boligsociale projekter", "11,9 mio. kr./ år",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![Code::EconomyMismatch]
)]
#[case::per_year_agrees_fuzzy_title(
    "Aftalen med de almene boligorganisationer om nye udlejningsmodeller", "6,0 mio pr. år",
    vec![line("Aftalen om nye udlejningsmodeller", 6_000_000, 4)],
    vec![]
)]
#[case::per_year_one_year_differs(
    "Aftalen med de almene boligorganisationer om nye udlejningsmodeller", "6,0 mio pr. år",
    vec![with_year(line("Aftalen om nye udlejningsmodeller", 6_000_000, 4), "2011", 6_500_000)],
    vec![Code::EconomyMismatch]
)]
// A year the line leaves blank is not compared.
#[case::per_year_blank_year_not_compared(
    "Aftalen med de almene boligorganisationer om nye udlejningsmodeller", "6,0 mio pr. år",
    vec![line("Aftalen om nye udlejningsmodeller", 6_000_000, 2)],
    vec![]
)]
// Per-year and one-off amounts in one text: bilag cannot tell whether the
// 2 mio. are part of the line, so it says so as info (not a warning; see
// economy_cannot_tell_is_info).
#[case::mixed_per_year_and_total(
    "Boligsociale projekter", "11,9 mio. kr./ år og 2 mio. kr. til evaluering",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![Code::EconomyUnclear]
)]
#[case::two_amounts_two_lines_agree(
    "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro", "7, 5 mio.kr plus 1 mio.kr",
    vec![
        line("§ 18 midler til integrationsformål", 1_000_000, 1),
        line("Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.", 7_500_000, 1),
    ],
    vec![Code::AmbiguousNumber]
)]
#[case::two_amounts_one_line_differs(
    "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro", "7,5 mio. kr. plus 1 mio. kr.",
    vec![line("§ 18 midler til integrationsformål", 1_000_000, 1)],
    vec![Code::EconomyMismatch]
)]
#[case::total_differs(
    "Boligsociale projekter", "Der er afsat 49 mio. kr.",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![Code::EconomyMismatch]
)]
#[case::total_agrees(
    "Boligsociale projekter", "Der er afsat 49,16 mio. kr.",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![]
)]
#[case::no_line(
    "Den korte snor", "Der er afsat 1,653 mio. kr.",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![Code::MissingBudgetLine]
)]
#[case::no_line_ambiguous(
    "Ny døgninstitution til unge der begår personfarlig kriminalitet",
    "Der er afsat 10.1 mio. kr. til drift af institutionen i årene 2007-9 i medfør af budgetforliget for 2007. Der er endvidere afsat 1,5 mio. kr. til etablering i medfør af budgetforliget.",
    vec![],
    vec![Code::AmbiguousNumber, Code::MissingBudgetLine]
)]
#[case::only_percentages(
    "21 boligsociale helhedsplaner",
    "Landsbyggefonden finansierer 75 % af budgetterne i helhedsplaner. De resterende 25 % tilvejebringes som medfinansiering.",
    vec![],
    vec![]
)]
#[case::no_amount(
    "Styrket SSP indsats", "Finansieres via SSP – sekretariatets ordinære ramme",
    vec![],
    vec![]
)]
#[case::line_without_amounts(
    "21 boligsociale helhedsplaner", "Der er afsat 3 mio. kr. pr. år",
    vec![line("Helhedsplaner for 21 almene boligområder", 0, 0)],
    vec![Code::EconomyMismatch]
)]
fn economy(
    #[case] title: &str,
    #[case] text: &str,
    #[case] lines: Vec<BudgetLine>,
    #[case] want: Vec<Code>,
) {
    let section = if title.starts_with('§') { 2 } else { 1 };
    let m = one(vec![initiative(section, title, text)], lines);
    assert_eq!(codes(&m), want);
}

#[test]
fn economy_mismatch_names_the_lines_it_compared_with() {
    let m = one(
        vec![initiative(
            2,
            "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro",
            "7,5 mio. kr. plus 2 mio. kr.",
        )],
        vec![
            line("§ 18 midler til integrationsformål", 1_000_000, 1),
            line(
                "Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.",
                7_500_000,
                1,
            ),
        ],
    );
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(fs.len(), 1, "{}", show(&fs));
    let f = &fs[0];
    assert_eq!(f.code, Code::EconomyMismatch);
    assert_eq!(
        (f.sheet.as_deref(), f.cell.as_deref()),
        (Some("Statusskema"), Some("B2"))
    );
    for part in [
        "'7,5 mio. kr. plus 2 mio. kr.'",
        "9.500.000 kr.",
        "8.500.000 kr.",
        "budgetlinjerne '§ 18 midler til integrationsformål' og 'Ressourcecenter på ydre Nørrebro",
        "i alt for 2008",
    ] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
}

#[test]
fn a_line_is_never_counted_for_two_initiatives() {
    // Both initiatives match the one line; the exact title takes it, the
    // other has no line left.
    let m = one(
        vec![
            initiative(
                1,
                "Boligsociale projekter i Tingbjerg og Husum",
                "2 mio. kr. pr. år",
            ),
            initiative(1, "Boligsociale projekter", "12,29 mio. kr. pr. år"),
        ],
        vec![line("Boligsociale projekter", 12_290_000, 4)],
    );
    assert_eq!(codes(&m), vec![Code::MissingBudgetLine]);
}

#[test]
fn an_initiative_without_own_line_uses_a_free_line_of_another_file() {
    let mut m = one(vec![], vec![line("Den korte snor", 1_653_000, 1)]);
    m.submissions.push(Submission {
        source: "b.xlsx".into(),
        initiatives: vec![initiative(
            1,
            "Den korte snor",
            "Der er afsat 1,653 mio. kr.",
        )],
        ..Default::default()
    });
    assert_eq!(codes(&m), vec![]);
    // …and names that file when the amounts differ.
    m.submissions[1].initiatives[0]
        .fields
        .insert("Økonomi".into(), "Der er afsat 2 mio. kr.".into());
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(fs.len(), 1, "{}", show(&fs));
    assert_eq!(fs[0].file, "b.xlsx");
    assert!(
        fs[0].message.contains("'Den korte snor' i a.xlsx"),
        "{}",
        fs[0].message
    );
}

#[rstest]
#[case::same_title_two_files(&[("a.xlsx", "Boligsociale projekter"), ("b.xlsx", "Boligsociale projekter")], &["b.xlsx"])]
#[case::case_and_space_ignored(&[("a.xlsx", "Boligsociale projekter"), ("b.xlsx", "  BOLIGSOCIALE  projekter: ")], &["b.xlsx"])]
#[case::three_files(&[("a.xlsx", "Den korte snor"), ("b.xlsx", "Den korte snor"), ("c.xlsx", "Den korte snor")], &["b.xlsx", "c.xlsx"])]
#[case::same_file_twice(&[("a.xlsx", "Den korte snor"), ("a.xlsx", "Den korte snor")], &[])]
#[case::different_titles(&[("a.xlsx", "Boligsociale projekter"), ("b.xlsx", "21 boligsociale helhedsplaner")], &[])]
fn duplicates(#[case] inits: &[(&str, &str)], #[case] files: &[&str]) {
    let mut m = Model::default();
    for (file, title) in inits {
        if m.submissions.last().is_none_or(|s| s.source != *file) {
            m.submissions.push(Submission {
                source: file.to_string(),
                ..Default::default()
            });
        }
        m.submissions
            .last_mut()
            .unwrap()
            .initiatives
            .push(initiative(1, title, "Finansieres via den ordinære ramme"));
    }
    let fs = reconcile(&m, &Format::default_format());
    let got: Vec<&str> = fs
        .iter()
        .filter(|f| f.code == Code::DuplicateInitiative)
        .map(|f| {
            assert!(f.message.contains(inits[0].0), "{}", f.message);
            assert_eq!(f.cell.as_deref(), Some("A1"));
            f.file.as_str()
        })
        .collect();
    assert_eq!(got, files, "{}", show(&fs));
    assert_eq!(fs.len(), files.len(), "{}", show(&fs));
}

#[rstest]
#[case::complete(1, &[], &[], 0)]
#[case::one_missing(1, &["Planlagt opfølgning"], &[], 1)]
#[case::blank_counts_as_missing(1, &[], &["Målgruppe"], 1)]
#[case::two_missing(1, &["Målgruppe", "Planlagt opfølgning"], &[], 2)]
#[case::year_field_missing(1, &["Mål i 2009"], &[], 1)]
#[case::section_2_complete(2, &[], &[], 0)]
#[case::section_2_missing_activity(2, &["Aktivitet"], &[], 1)]
fn missing_fields(
    #[case] section: u8,
    #[case] remove: &[&str],
    #[case] blank: &[&str],
    #[case] want: usize,
) {
    let mut i = initiative(section, "Styrket SSP indsats", "Finansieres via SSP");
    for r in remove {
        assert!(i.fields.shift_remove(*r).is_some(), "{r}");
    }
    for b in blank {
        i.fields.insert(b.to_string(), "  ".into());
    }
    let fs = reconcile(&one(vec![i], vec![]), &Format::default_format());
    assert!(
        fs.iter().all(|f| f.code == Code::MissingField),
        "{}",
        show(&fs)
    );
    assert_eq!(fs.len(), want, "{}", show(&fs));
    for (f, r) in fs.iter().zip(remove.iter().chain(blank)) {
        let name = r.replace("2009", "<år>");
        assert!(f.message.contains(&format!("'{name}'")), "{}", f.message);
        assert_eq!(f.cell.as_deref(), Some("A1"));
    }
}

#[test]
fn any_year_satisfies_a_year_field() {
    let mut i = initiative(1, "Styrket SSP indsats", "Finansieres via SSP");
    i.fields.shift_remove("Mål i 2009");
    i.fields
        .insert("Mål i 2010".into(), "At få aktiviteterne opstartet".into());
    assert_eq!(codes(&one(vec![i], vec![])), vec![]);
}

#[test]
fn a_group_subtotal_covers_only_its_group() {
    let group_a = "Integrationsindsatser i relation til mål i integrationspolitikken";
    let group_b = "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken";
    let mut lines = vec![
        line("Aftalen om nye udlejningsmodeller", 6_000_000, 4),
        line("Boligsociale projekter", 12_290_000, 4),
        line("§ 18 midler til integrationsformål", 1_000_000, 1),
    ];
    lines[0].group = Some(group_a.into());
    lines[1].group = Some(group_a.into());
    lines[2].group = Some(group_b.into());
    let subtotal = |group: &str, per_year: i64, total: i64| StatedTotal {
        title: format!("{group} i alt"),
        group: Some(group.into()),
        amounts: YEARS
            .iter()
            .map(|y| (y.to_string(), Decimal::from(per_year)))
            .collect(),
        total: Some(Decimal::from(total)),
        covers: Some((0, 3)),
        source: SourceRef {
            sheet: "Økonomi".into(),
            cell: "A7".into(),
        },
        ..Default::default()
    };
    let mut m = one(vec![], lines);
    m.submissions[0].stated_totals = vec![subtotal(group_a, 18_290_000, 73_160_000)];
    assert_eq!(codes(&m), vec![]);
    m.submissions[0].stated_totals = vec![subtotal(group_a, 18_290_000, 73_190_000)];
    assert_eq!(codes(&m), vec![Code::TotalMismatch]);
}

/// Økonomi texts read as meant: a part is not added to its whole, a year's
/// amount is compared with that year, a total with the total, a yearly
/// amount with each year.
#[rstest]
#[case::heraf_part_not_added(
    "Boligsociale projekter",
    "Der er afsat 49,16 mio. kr. i perioden 2008-2011, heraf 12,29 mio. kr. i 2008.",
    vec![line("Boligsociale projekter", 12_290_000, 4)],
    vec![]
)]
#[case::hvoraf_earmarked_not_added(
    "Den korte snor", "Budget: 1,653 mio. kr., hvoraf 0,5 mio. kr. er medfinansiering",
    vec![line("Den korte snor", 1_653_000, 1)],
    vec![]
)]
#[case::total_with_yearly_in_parentheses(
    "Aftalen med de almene boligorganisationer om nye udlejningsmodeller",
    "Samlet 24 mio. kr. over 4 år (6 mio. kr. årligt)",
    vec![line("Aftalen om nye udlejningsmodeller", 6_000_000, 4)],
    vec![]
)]
#[case::two_years_each_compared(
    "Den korte snor", "2,5 mio. kr. i 2009 og 3 mio. kr. i 2010",
    vec![with_year(with_year(line("Den korte snor", 0, 0), "2009", 2_500_000), "2010", 3_000_000)],
    vec![]
)]
fn economy_texts_read_as_meant(
    #[case] title: &str,
    #[case] text: &str,
    #[case] lines: Vec<BudgetLine>,
    #[case] want: Vec<Code>,
) {
    let m = one(vec![initiative(1, title, text)], lines);
    assert_eq!(codes(&m), want);
}

#[test]
fn economy_year_mismatch_compares_that_year() {
    let m = one(
        vec![initiative(
            1,
            "Boligsociale projekter",
            "Der er afsat 49,16 mio. kr. i perioden 2008-2011, heraf 12,29 mio. kr. i 2008.",
        )],
        vec![with_year(
            with_year(
                line("Boligsociale projekter", 12_290_000, 4),
                "2008",
                12_000_000,
            ),
            "2009",
            12_580_000,
        )],
    );
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(fs.len(), 1, "{}", show(&fs));
    let f = &fs[0];
    assert_eq!(
        (f.code, f.severity),
        (Code::EconomyMismatch, Severity::Warning)
    );
    let part = "siger '12,29 mio. kr.' = 12,29 mio. (12.290.000 kr.) i 2008, men budgetlinjen 'Boligsociale projekter' har 12,0 mio. (12.000.000 kr.) i 2008;";
    assert!(f.message.contains(part), "{part}: {}", f.message);
}

#[test]
fn economy_cannot_tell_is_info() {
    let m = one(
        vec![initiative(
            1,
            "Boligsociale projekter",
            "11,9 mio. kr./ år og 2 mio. kr. til evaluering",
        )],
        vec![line("Boligsociale projekter", 12_290_000, 4)],
    );
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(fs.len(), 1, "{}", show(&fs));
    let f = &fs[0];
    assert_eq!((f.code, f.severity), (Code::EconomyUnclear, Severity::Info));
    for part in ["bilag kan ikke afgøre", "'2 mio. kr.'", "12.290.000 kr."] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
    // An amount with no scope that agrees with no reading (neither the total
    // nor any year) disagrees whatever it means: a warning, like with like.
    let m = one(
        vec![initiative(
            1,
            "Boligsociale projekter",
            "Der er afsat 49 mio. kr.",
        )],
        vec![line("Boligsociale projekter", 12_290_000, 4)],
    );
    let fs = reconcile(&m, &Format::default_format());
    assert_eq!(fs.len(), 1, "{}", show(&fs));
    assert_eq!(
        (fs[0].code, fs[0].severity),
        (Code::EconomyMismatch, Severity::Warning),
        "{}",
        fs[0].message
    );
    for part in ["49.000.000 kr.", "49.160.000 kr.", "i alt"] {
        assert!(fs[0].message.contains(part), "{part}: {}", fs[0].message);
    }
}
