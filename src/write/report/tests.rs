use super::*;
use crate::finding::Code;
use crate::model::{BudgetLine, SetAside, SetAsideReason, StatedTotal, Submission};
use rust_decimal::Decimal;

const G1: &str = "Integrationsindsatser i relation til mål i integrationspolitikken";

fn line(title: &str, amounts: &[(&str, i64)], stated: Option<i64>) -> BudgetLine {
    BudgetLine {
        format_group: Some(G1.into()),
        group: Some(G1.into()),
        title: title.into(),
        amounts: amounts
            .iter()
            .map(|(y, a)| (crate::model::Year::from(*y), Decimal::from(*a)))
            .collect(),
        stated_total: stated.map(Decimal::from),
        ..Default::default()
    }
}

fn model() -> Model {
    let mut bolig = Submission {
        source: "01-bolig.xlsx".into(),
        department: Some("Bolig <script>alert(1)</script>".into()),
        budget_lines: vec![
            line(
                "<img src=x onerror=alert(1)>",
                &[("2008", 6_000_000), ("2009", 6_000_000)],
                Some(13_000_000),
            ),
            line("Boligsociale projekter", &[("2008", 12_290_000)], None),
        ],
        ..Default::default()
    };
    let mut total = StatedTotal {
        title: "I alt".into(),
        total: Some(Decimal::from(20_000_000)),
        ..Default::default()
    };
    total.source.sheet = "Økonomi".into();
    total.source.cell = "A9".into();
    bolig.stated_totals.push(total);
    let ssp = Submission {
        source: "02-ssp.xlsx".into(),
        department: Some("SSP København".into()),
        ..Default::default()
    };
    Model {
        submissions: vec![bolig, ssp],
        set_aside: vec![SetAside {
            source: "01-bolig-gammel.xlsx".into(),
            sha256: String::new(),
            reason: SetAsideReason::Superseded,
            current: "01-bolig.xlsx".into(),
            department: Some("Bolig".into()),
            date: Some("2008-03-01".into()),
            received: None,
            why: String::new(),
        }],
        ..Default::default()
    }
}

fn findings() -> Vec<Finding> {
    vec![
        Finding::new(
            Code::TotalMismatch,
            "01-bolig.xlsx",
            "Totalrækken 'I alt' angiver I alt 20,0 mio., men linjerne summer til 24,29 mio.",
        )
        .at("Økonomi", "A9"),
        Finding::new(Code::AmbiguousNumber, "01-bolig.xlsx", "'10.1 mio.' <b>").at("Skema", "B2"),
        Finding::new(Code::Superseded, "01-bolig-gammel.xlsx", "Ældre version."),
        Finding::new(Code::FileRejected, "kaput.xlsx", "Filen er beskadiget."),
        Finding::new(
            Code::MissingSubmission,
            "",
            "Afdeling X har ikke afleveret.",
        ),
    ]
}

fn build(watch: bool) -> BuildInfo {
    BuildInfo {
        id: "20261205T013728-42".into(),
        time: "2026-12-05T01:37:28+01:00".into(),
        watch,
        pdf: false,
    }
}

fn page() -> String {
    report_html(
        &model(),
        &findings(),
        &Format::default_format(),
        &build(false),
    )
}

#[test]
fn submission_texts_are_escaped_everywhere() {
    let html = page();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>"));
    assert!(html.contains("Bolig &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // A page built by `bilag build` has no script at all.
    assert!(!html.contains("<script"));
}

#[test]
fn the_page_is_danish_and_names_the_build_and_the_pack_files() {
    let html = page();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
    assert!(html.contains("Kørsel 20261205T013728-42, 05-12-2026 kl. 01:37."));
    for f in [
        "budget.xlsx",
        "appendix.docx",
        "model.json",
        "findings.json",
        "pack.json",
    ] {
        assert!(html.contains(&format!("<a href=\"{f}\">{f}</a>")), "{f}");
    }
    // Without --pdf there are no PDFs to link.
    assert!(!html.contains("appendix.pdf"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn findings_are_grouped_by_department_errors_first() {
    let html = page();
    let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    let bolig = pos("<h3>Bolig &lt;script&gt;");
    let other = pos("<h3>Øvrige filer");
    let roster = pos("<h3>Afdelingslisten");
    assert!(bolig < other && other < roster);
    // Within Bolig: the error, then the warning, then the set-aside file's info.
    let e = pos(">fejl</span></td><td data-label=\"Fil\">01-bolig.xlsx");
    let w = pos(">advarsel</span></td><td data-label=\"Fil\">01-bolig.xlsx");
    let i = pos(">info</span></td><td data-label=\"Fil\">01-bolig-gammel.xlsx");
    assert!(bolig < e && e < w && w < i && i < other);
    assert!(html.contains("(1 fejl, 1 advarsel, 1 info)"));
    assert!(html.contains("Filen er beskadiget."));
}

#[test]
fn overview_has_computed_totals_the_grand_total_and_differing_stated_totals() {
    let html = page();
    // Computed: 6 + 6 + 12,29 = 24,29 mio.; the line states 13,0 (computed 12,0).
    assert!(
        html.contains("<td class=\"tal\">24,29 mio.</td><td class=\"tal\"></td></tr>"),
        "{html}"
    );
    assert!(html.contains("<tr class=\"i-alt\"><th scope=\"row\" colspan=\"2\">I ALT</th>"));
    assert!(html.contains("<td class=\"tal afviger\">13,0 mio.</td>"));
    assert!(html.contains("<h3>Angivne totaler, der afviger</h3>"));
    assert!(html.contains("<td class=\"tal afviger\">20,0 mio.</td>"));
    // The line's department.
    assert!(html.contains(
        "</th><td>Bolig &lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"tal\">6,0 mio.</td>"
    ));
    // The chart with its text alternative.
    assert!(html.contains("<svg role=\"img\""));
    assert!(html.contains("<desc id=\"diagram-beskrivelse\">2008: "));
}

#[test]
fn status_lists_departments_set_aside_and_rejected_files() {
    let html = page();
    assert!(
        html.contains("<p class=\"opsummering\">2 afdelinger har afleveret; 1 fil lagt til side")
    );
    assert!(html.contains("<th scope=\"row\">SSP København</th><td>02-ssp.xlsx</td>"));
    assert!(html.contains("<td>01-bolig-gammel.xlsx</td><td>Bolig</td><td>ældre version</td><td>01-bolig.xlsx</td><td class=\"dato\">01-03-2008</td>"));
    assert!(html.contains("<td>kaput.xlsx</td><td>Filen er beskadiget.</td>"));
}

#[test]
fn a_watch_page_reloads_itself_from_the_sibling_script() {
    let html = report_html(
        &model(),
        &findings(),
        &Format::default_format(),
        &build(true),
    );
    assert!(html.contains("var me = \"20261205T013728-42\";"));
    assert!(html.contains("s.src = \"rapport-build.js?\""));
    assert!(html.contains("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>"));
    assert_eq!(
        reload_script(&build(true)),
        "bilagBuild(\"20261205T013728-42\");\n"
    );
    let odd = BuildInfo {
        id: "</script><script>x".into(),
        ..build(true)
    };
    assert!(!reload_script(&odd).contains('<'));
    let html = report_html(&Model::default(), &[], &Format::default_format(), &odd);
    assert_eq!(html.matches("</script>").count(), 1);
}

#[test]
fn an_empty_build_still_makes_a_page() {
    let html = report_html(
        &Model::default(),
        &[],
        &Format::default_format(),
        &build(false),
    );
    assert!(html.contains("Ingen indberetninger er læst."));
    assert!(html.contains("Ingen fund"));
    assert!(html.contains("Indberetningerne har ingen budgetlinjer."));
    assert!(!html.contains("<svg"));
}

#[test]
fn dates_and_times_are_danish() {
    assert_eq!(date_dk("2008-03-14"), "14-03-2008");
    assert_eq!(date_dk("marts 2008"), "marts 2008");
    assert_eq!(time_dk("2026-12-05T01:37:28+01:00"), "05-12-2026 kl. 01:37");
    assert_eq!(time_dk("i går"), "i går");
}

#[test]
fn a_huge_overview_shows_its_first_lines_and_counts_the_rest_in_the_totals() {
    let lines: Vec<BudgetLine> = (0..MAX_LINES + 500)
        .map(|i| line(&format!("Linje {i}"), &[("2008", 1_000_000)], None))
        .collect();
    let model = Model {
        submissions: vec![Submission {
            source: "stor.xlsx".into(),
            budget_lines: lines,
            ..Default::default()
        }],
        ..Default::default()
    };
    let html = report_html(&model, &[], &Format::default_format(), &build(false));
    assert!(html.contains(">Linje 2499<"), "the first lines are shown");
    assert!(!html.contains(">Linje 2500<"), "lines past the cap are not");
    assert!(html.contains("500 flere budgetlinjer i gruppen vises ikke her"));
    // I ALT is every line's: 3.000 lines of 1 mio.
    assert!(html.contains("3.000,0 mio."), "grand total of all lines");
}

#[test]
fn a_pdf_build_links_both_pdfs() {
    let pdf = BuildInfo {
        pdf: true,
        ..build(false)
    };
    let html = report_html(&model(), &findings(), &Format::default_format(), &pdf);
    for f in ["appendix.pdf", "oversigt.pdf"] {
        assert!(
            html.contains(&format!("<li><a href=\"{f}\">{f}</a> – ")),
            "{f}"
        );
    }
}
