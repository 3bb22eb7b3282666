//! The normalizer on small hand-built grids: one rule per test, named after
//! what it protects.

use bilag::finding::{Code, Finding};
use bilag::format::Format;
use bilag::model::Submission;
use bilag::normalize::normalize_workbook;
use bilag::read::{parse_a1, Cell, Row, Sheet, SourceKind, Value, Workbook};

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// A sheet from (A1 cell, value) pairs.
fn sheet(name: &str, cells: &[(&str, Value)]) -> Sheet {
    let mut rows: Vec<Row> = Vec::new();
    let mut sorted: Vec<(u32, u32, Value)> = cells
        .iter()
        .map(|(a, v)| {
            let (r, c) = parse_a1(a).unwrap();
            (r, c, v.clone())
        })
        .collect();
    sorted.sort_by_key(|(r, c, _)| (*r, *c));
    for (r, c, v) in sorted {
        match rows.last_mut() {
            Some(row) if row.index == r => row.cells.push(Cell { col: c, value: v }),
            _ => rows.push(Row {
                index: r,
                cells: vec![Cell { col: c, value: v }],
            }),
        }
    }
    Sheet {
        name: name.to_string(),
        rows,
        merged: Vec::new(),
    }
}

fn normalize(sheets: Vec<Sheet>) -> (Submission, Vec<Finding>) {
    let wb = Workbook {
        kind: SourceKind::Xlsx,
        sheets,
        hidden: Vec::new(),
    };
    normalize_workbook(&wb, "test.xlsx", "00", &Format::default_format())
}

#[test]
fn nothing_recognizable_is_rejected() {
    let (_, f) = normalize(vec![sheet(
        "Ark1",
        &[
            ("A1", t("Indkøbsliste")),
            ("A2", t("Mælk")),
            ("B2", Value::Number(2.0)),
        ],
    )]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, Code::FileRejected);
    assert!(
        f[0].message.contains("Ingen genkendelige dele"),
        "{}",
        f[0].message
    );
}

#[test]
fn block_section_inferred_from_section_2_fields_when_nothing_else_says() {
    let (s, _) = normalize(vec![sheet(
        "Ark1",
        &[
            ("A1", t("Frivillignetværk")),
            ("A2", t("Økonomi")),
            ("B2", t("0,8 mio. kr.")),
            ("A3", t("Aktivitet")),
            ("B3", t("Kurser")),
            ("A4", t("Status på indsatsen")),
            ("B4", t("I gang")),
        ],
    )]);
    assert_eq!(s.initiatives.len(), 1);
    assert_eq!(s.initiatives[0].section, 2);
    assert_eq!(s.initiatives[0].title, "Frivillignetværk");
}

#[test]
fn heading_row_sets_the_section_for_the_blocks_below() {
    let (s, _) = normalize(vec![sheet(
        "Ark1",
        &[
            (
                "A1",
                t("2. Statusskema for integrationsindsatser, der ligger ud over"),
            ),
            ("A3", t("Lektiecafé")),
            ("A4", t("Økonomi")),
            ("B4", t("Ingen")),
            ("A5", t("Målgruppe")),
            ("B5", t("Børn")),
        ],
    )]);
    assert_eq!(s.initiatives[0].section, 2);
}

#[test]
fn continuation_rows_unknown_labels_and_labels_with_colons() {
    let (s, _) = normalize(vec![sheet(
        "Skema 1",
        &[
            ("B2", t("Lektiecafé")),
            ("B3", t("Økonomi:")),
            ("C3", t("1 mio. kr.")),
            ("C4", t("plus frivillige timer")),
            ("B5", t("Kontaktperson i forvaltningen")),
            ("C5", t("Jens Hansen")),
            ("B6", t("Mål i 2010")),
            ("C6", t("100 børn")),
        ],
    )]);
    let i = &s.initiatives[0];
    assert_eq!(i.source.cell, "B2");
    assert_eq!(i.fields["Økonomi"], "1 mio. kr.\nplus frivillige timer");
    // A label the format does not know is kept as written, not lost.
    assert_eq!(i.fields["Kontaktperson i forvaltningen"], "Jens Hansen");
    assert_eq!(i.fields["Mål i 2010"], "100 børn");
    assert_eq!(i.field_sources["Økonomi"].cell, "C3");
}

#[test]
fn an_empty_template_block_is_not_an_initiative() {
    let (s, f) = normalize(vec![sheet(
        "Statusskema 1",
        &[
            ("A1", t("Økonomi")),
            ("A2", t("Målgruppe")),
            ("A3", t("Beskriv aktiviteterne")),
        ],
    )]);
    assert!(s.initiatives.is_empty());
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn unreadable_date_is_reported_not_guessed() {
    let (s, f) = normalize(vec![sheet(
        "Forside",
        &[
            ("A1", t("Udvalg")),
            ("B1", t("Socialudvalget")),
            ("A2", t("Dato")),
            ("B2", t("primo marts")),
        ],
    )]);
    assert_eq!(s.metadata.date, None);
    assert_eq!(f[0].code, Code::DateUnparseable);
    assert_eq!(f[0].cell.as_deref(), Some("B2"));
    assert!(f[0].message.contains("primo marts"));
}

#[test]
fn date_cells_and_1904_converted_dates_become_iso() {
    let d = chrono::NaiveDate::from_ymd_opt(2008, 3, 3)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let (s, _) = normalize(vec![sheet(
        "Info",
        &[("A1", t("Dato")), ("B1", Value::Date(d))],
    )]);
    assert_eq!(s.metadata.date.as_deref(), Some("2008-03-03"));
}

#[test]
fn a_heading_of_its_own_groups_the_lines_under_it() {
    let (s, _) = normalize(vec![sheet(
        "Økonomi",
        &[
            ("A1", t("Beløb i t.kr.")),
            ("B1", Value::Number(2008.0)),
            ("C1", Value::Number(2009.0)),
            ("A2", t("Anlæg og ombygning")),
            ("A3", t("Nyt køkken")),
            ("B3", Value::Number(250.0)),
            ("A4", t("Nyt tag")),
            ("C4", Value::Number(1200.5)),
        ],
    )]);
    assert_eq!(s.budget_lines.len(), 2);
    assert_eq!(
        s.budget_lines[0].group.as_deref(),
        Some("Anlæg og ombygning")
    );
    assert_eq!(s.budget_lines[0].format_group, None);
    assert_eq!(s.budget_lines[1].amounts["2009"].to_string(), "1200500");
}

#[test]
fn a_line_without_amounts_at_the_end_is_kept_and_a_caption_before_a_total_is_not_a_line() {
    let (s, _) = normalize(vec![sheet(
        "Økonomi",
        &[
            ("A1", t("Indsats")),
            ("B1", t("2008")),
            ("C1", t("2009")),
            ("A2", t("Boligsociale projekter")),
            ("B2", t("12,29 mio.")),
            ("A3", t("Samlet beløb for projekterne")),
            ("A4", t("I alt")),
            ("B4", t("12,29 mio.")),
        ],
    )]);
    let titles: Vec<&str> = s.budget_lines.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, vec!["Boligsociale projekter"]);
    assert_eq!(s.stated_totals.len(), 1);
    assert_eq!(s.stated_totals[0].amounts["2008"].to_string(), "12290000");
}

#[test]
fn float_noise_in_number_cells_is_not_money() {
    let (s, _) = normalize(vec![sheet(
        "Økonomi",
        &[
            ("A1", t("Beløb i mio. kr.")),
            ("B1", Value::Number(2008.0)),
            ("C1", Value::Number(2009.0)),
            ("A2", t("Boligsociale projekter")),
            ("B2", Value::Number(12.290000000000001)),
            ("C2", Value::Number(0.1 + 0.2)),
        ],
    )]);
    assert_eq!(s.budget_lines[0].amounts["2008"].to_string(), "12290000");
    assert_eq!(s.budget_lines[0].amounts["2009"].to_string(), "300000");
}

#[test]
fn a_title_starting_with_equals_is_data() {
    let (s, _) = normalize(vec![sheet(
        "Skema 1",
        &[
            ("A1", t("=HYPERLINK(\"http://x\";\"klik\")")),
            ("A2", t("Økonomi")),
            ("B2", t("=1+1")),
        ],
    )]);
    assert_eq!(s.initiatives[0].title, "=HYPERLINK(\"http://x\";\"klik\")");
    assert_eq!(s.initiatives[0].fields["Økonomi"], "=1+1");
}

#[test]
fn til_in_one_cell_names_the_committee_and_nbsp_is_trimmed() {
    let (s, _) = normalize(vec![sheet(
        "Forside",
        &[
            ("A1", t("Til Børne- og Ungdomsudvalget")),
            ("A2", t("Sagsnr.\u{a0}")),
            ("B2", t("\u{a0}2008-20510\u{a0}")),
        ],
    )]);
    assert_eq!(
        s.metadata.committee.as_deref(),
        Some("Børne- og Ungdomsudvalget")
    );
    assert_eq!(s.metadata.case_number.as_deref(), Some("2008-20510"));
}

#[test]
fn a_gap_of_empty_rows_inside_a_table_does_not_lose_the_lines_after_it() {
    let (s, _) = normalize(vec![sheet(
        "Økonomi",
        &[
            ("A1", t("Indsats")),
            ("B1", t("2008")),
            ("C1", t("2009")),
            ("A2", t("Første")),
            ("B2", t("1 mio.")),
            ("A9", t("Anden")),
            ("C9", t("2 mio.")),
            ("A10", t("I alt")),
            ("B10", t("1 mio.")),
            ("C10", t("2 mio.")),
        ],
    )]);
    let titles: Vec<&str> = s.budget_lines.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, vec!["Første", "Anden"]);
    assert_eq!(s.stated_totals[0].covers, Some((0, 2)));
}

#[test]
fn a_total_row_with_nothing_stated_is_not_a_stated_total() {
    let (s, _) = normalize(vec![sheet(
        "Økonomi",
        &[
            ("A1", t("Indsats")),
            ("B1", t("2008")),
            ("C1", t("2009")),
            ("A2", t("Første")),
            ("B2", t("1 mio.")),
            ("A3", t("I alt")),
        ],
    )]);
    assert!(s.stated_totals.is_empty());
    assert_eq!(s.budget_lines.len(), 1);
}

#[test]
fn a_lone_number_is_not_a_section_heading() {
    let (s, _) = normalize(vec![sheet(
        "Ark1",
        &[
            ("A1", Value::Number(2.0)),
            ("A2", t("Lektiecafé")),
            ("A3", t("Økonomi")),
            ("B3", t("1 mio. kr.")),
            ("A4", t("Beskriv aktiviteterne")),
            ("B4", t("Lektiehjælp")),
        ],
    )]);
    assert_eq!(s.initiatives[0].section, 1);
}
