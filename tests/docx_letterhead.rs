//! The appendix letterhead is ONE sender's (contract §1a): the `[sender]`
//! table when given, else the coordinating department's submission, else
//! field by field what every current submission shares — never the
//! caseworker of one department beside another's Dokumentnr. And it is
//! always addressed to the format's committee; a submission addressed to
//! another gives `committee-mismatch`.

mod docx_support;

use bilag::finding::{Code, Finding};
use bilag::format::{Format, DEFAULT_FORMAT_TOML};
use bilag::inbox::load_files;
use bilag::model::{DocumentTexts, Model, Submission};
use bilag::read::Limits;
use bilag::reconcile::reconcile;
use bilag::write::docx::appendix_bytes;
use docx_support::*;

/// The fixture workbooks `names` (in fixtures/departments) read by bilag.
fn departments(names: &[&str], format: &Format) -> Model {
    let paths: Vec<_> = names
        .iter()
        .map(|n| fixtures_dir().join("departments").join(n))
        .collect();
    let loaded = load_files(&paths, format, &Limits::default());
    assert_eq!(loaded.model.submissions.len(), names.len(), "{names:?}");
    loaded.model
}

/// The letterhead's left and right cells of the appendix of `model`.
fn letterhead(model: &Model, format: &Format) -> (Vec<String>, Vec<String>) {
    let bytes = appendix_bytes(model, format).unwrap();
    let problems = check_package(&bytes);
    assert!(problems.is_empty(), "{problems:#?}");
    let mut cells = letterhead_cells(&bytes);
    assert_eq!(cells.len(), 2, "{cells:#?}");
    let right = cells.pop().unwrap();
    (cells.pop().unwrap(), right)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn today() -> String {
    chrono::Local::now().format("%d-%m-%Y").to_string()
}

fn with_roster(extra: &str) -> Format {
    Format::from_toml(&format!("{DEFAULT_FORMAT_TOML}\n{extra}"), "med-liste.toml").unwrap()
}

const ROSTER: &str = r#"
[[department]]
name = "SSP København"
aliases = ["SSP København, Sekretariatet"]

[[department]]
name = "Mål- og Rammekontor for Børn og Familier"

[[department]]
name = "Integrationssekretariatet"
aliases = ["Integrationssekretariatet, Socialforvaltningen"]
coordinator = true
"#;

fn seed_left() -> Vec<String> {
    strings(&[
        "Til Socialudvalget",
        "Dato\t03-03-2008",
        "Sagsnr.\t2008-20510",
        "Dokumentnr.\t2008-124406",
        "Sagsbehandler\tSusan Fiil Præstegaard",
    ])
}

fn seed_right() -> Vec<String> {
    strings(&[
        "Mål- og Rammekontor for Misbrug og Bolig",
        "Bernstorffsgade 17, 5",
        "1592 København V",
        "Telefon\t3317 3214",
        "Telefax\t33173731",
        "E-mail\tPA07@SOF.kk.dk",
        "EAN nummer\t5798009682833",
    ])
}

#[test]
fn the_seed_alone_gives_the_seeds_letterhead_exactly() {
    let (left, right) = letterhead(&seed_model(), &seed_format());
    assert_eq!(left, seed_left());
    assert_eq!(right, seed_right());
}

#[test]
fn the_seed_workbook_read_alone_gives_the_seeds_letterhead_exactly() {
    let format = seed_format();
    let loaded = load_files(
        &[fixtures_dir().join("seed/socialudvalget-2008.xlsx")],
        &format,
        &Limits::default(),
    );
    let (left, right) = letterhead(&loaded.model, &format);
    assert_eq!(left, seed_left());
    assert_eq!(right, seed_right());
}

/// Regression: 02-ssp's caseworker stood beside 04-integration's
/// Dokumentnr. — a letterhead of two senders.
#[test]
fn three_departments_without_a_sender_share_only_what_all_of_them_state() {
    let format = seed_format();
    let model = departments(
        &["02-ssp.xlsx", "03-boern-unge.xlsx", "04-integration.xlsx"],
        &format,
    );
    let (left, right) = letterhead(&model, &format);
    assert_eq!(
        left,
        strings(&[
            "Til Socialudvalget",
            "Dato\t03-03-2008",
            "Sagsnr.\t2008-20510"
        ])
    );
    assert_eq!(right, Vec::<String>::new());
    // Every value shown is every submission's.
    for sub in &model.submissions {
        let m = &sub.metadata;
        assert_eq!(m.date.as_deref(), Some("2008-03-03"), "{}", sub.source);
        assert_eq!(
            m.case_number.as_deref(),
            Some("2008-20510"),
            "{}",
            sub.source
        );
    }
    let all = format!("{left:?}{right:?}");
    for only_one in [
        "Mette Holm Jensen",
        "Anders Krogh Nielsen",
        "Lone Berg Madsen",
        "2008-119411",
        "Sagsbehandler",
        "Dokumentnr.",
        "Integrationssekretariatet",
    ] {
        assert!(!all.contains(only_one), "{only_one} in {all}");
    }
}

#[test]
fn a_field_one_submission_lacks_or_two_state_differently_is_left_out() {
    let mut model = seed_model();
    let mut second = model.submissions[0].clone();
    second.source = "02.xlsx".into();
    second.metadata.caseworker = Some("Anden Sagsbehandler".into());
    second.metadata.fax = None;
    second.metadata.date = Some("2008-03-04".into());
    // Equal after trimming is the same value.
    second.metadata.phone = Some(" 3317 3214 ".into());
    model.submissions.push(second);
    let (left, right) = letterhead(&model, &seed_format());
    assert_eq!(
        left,
        vec![
            "Til Socialudvalget".to_string(),
            format!("Dato\t{}", today()),
            "Sagsnr.\t2008-20510".into(),
            "Dokumentnr.\t2008-124406".into(),
        ]
    );
    let mut want = seed_right();
    want.retain(|t| !t.starts_with("Telefax"));
    assert_eq!(right, want);
}

#[test]
fn a_sender_table_is_the_whole_letterhead() {
    let format = with_roster(
        r#"
[sender]
department = "Socialforvaltningen\nIntegrationssekretariatet"
address = "Bernstorffsgade 17\n1592 København V"
email = "integration@sof.kk.dk"
caseworker = "Karen Sørensen"
document_number = "2008-200000"
date = "2008-03-10"
"#,
    );
    // 01-bolig states every field; none of them may show.
    let model = departments(
        &["01-bolig.xlsx", "02-ssp.xlsx", "04-integration.xlsx"],
        &format,
    );
    let (left, right) = letterhead(&model, &format);
    assert_eq!(
        left,
        strings(&[
            "Til Socialudvalget",
            "Dato\t10-03-2008",
            "Dokumentnr.\t2008-200000",
            "Sagsbehandler\tKaren Sørensen",
        ])
    );
    assert_eq!(
        right,
        strings(&[
            "Socialforvaltningen",
            "Integrationssekretariatet",
            "Bernstorffsgade 17",
            "1592 København V",
            "E-mail\tintegration@sof.kk.dk",
        ])
    );
}

#[test]
fn a_sender_table_without_a_date_shows_the_date_the_submissions_share() {
    let format = with_roster("[sender]\ndepartment = \"Socialforvaltningen\"\n");
    let mut model = seed_model();
    let (left, right) = letterhead(&model, &format);
    assert_eq!(left, strings(&["Til Socialudvalget", "Dato\t03-03-2008"]));
    assert_eq!(right, strings(&["Socialforvaltningen"]));
    model.submissions[0].metadata.date = None;
    let (left, _) = letterhead(&model, &format);
    assert_eq!(left[1], format!("Dato\t{}", today()));
}

#[test]
fn the_coordinators_submission_is_the_whole_letterhead() {
    let format = with_roster(ROSTER);
    let model = departments(
        &["02-ssp.xlsx", "03-boern-unge.xlsx", "04-integration.xlsx"],
        &format,
    );
    let (left, right) = letterhead(&model, &format);
    assert_eq!(
        left,
        strings(&[
            "Til Socialudvalget",
            "Dato\t03-03-2008",
            "Sagsnr.\t2008-20510",
            "Dokumentnr.\t2008-119411",
            "Sagsbehandler\tLone Berg Madsen",
        ])
    );
    assert_eq!(
        right,
        strings(&["Integrationssekretariatet, Socialforvaltningen"])
    );
}

#[test]
fn of_several_coordinator_submissions_the_newest_gives_the_letterhead() {
    let format = with_roster(ROSTER);
    let mut model = departments(
        &["02-ssp.xlsx", "03-boern-unge.xlsx", "04-integration.xlsx"],
        &format,
    );
    let mut nord = model.submissions[2].clone();
    nord.source = "05-integration-nord.xlsx".into();
    nord.metadata.date = Some("2008-03-05".into());
    nord.metadata.caseworker = Some("Per Nord".into());
    nord.metadata.document_number = None;
    let mut syd = nord.clone();
    syd.source = "00-integration-syd.xlsx".into();
    syd.metadata.caseworker = Some("Sanne Syd".into());
    model.submissions.insert(0, syd);
    model.submissions.push(nord);
    let (left, right) = letterhead(&model, &format);
    assert_eq!(
        left,
        strings(&[
            "Til Socialudvalget",
            "Dato\t05-03-2008",
            "Sagsnr.\t2008-20510",
            "Sagsbehandler\tPer Nord",
        ])
    );
    assert_eq!(
        right,
        strings(&["Integrationssekretariatet, Socialforvaltningen"])
    );
}

#[test]
fn the_coordinators_texts_are_the_appendixs_and_disagreeing_texts_are_the_formats() {
    let own = |title: &str| DocumentTexts {
        title: Some(title.into()),
        ..Default::default()
    };
    let sub = |source: &str, department: &str, title: &str| Submission {
        source: source.into(),
        department: Some(department.into()),
        document: own(title),
        ..Default::default()
    };
    let model = Model {
        submissions: vec![
            sub("02.xlsx", "SSP København", "SSP's titel"),
            sub(
                "04.xlsx",
                "Integrationssekretariatet",
                "{udvalg_genitiv} bilag",
            ),
        ],
        ..Default::default()
    };
    let text_of =
        |format: &Format| document_texts(&appendix_bytes(&model, format).unwrap()).join("\n");
    let text = text_of(&with_roster(ROSTER));
    assert!(text.contains("Socialudvalgets bilag"), "{text}");
    assert!(!text.contains("SSP's titel"), "{text}");
    let f = seed_format();
    let text = text_of(&f);
    assert!(text.contains(&f.title()), "{text}");
    assert!(!text.contains("SSP's titel") && !text.contains("Socialudvalgets bilag"));
}

fn buu_format() -> Format {
    let text = DEFAULT_FORMAT_TOML
        .replace(
            "committee = \"Socialudvalget\"",
            "committee = \"Børne- og Ungdomsudvalget\"",
        )
        .replace(
            "committee_genitive = \"Socialudvalgets\"",
            "committee_genitive = \"Børne- og Ungdomsudvalgets\"",
        );
    Format::from_toml(&text, "buu.toml").unwrap()
}

fn mismatches(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.code == Code::CommitteeMismatch)
        .collect()
}

/// Regression: three submissions addressed "Til Børne- og
/// Ungdomsudvalget" gave an appendix headed "Til Børne- og
/// Ungdomsudvalget" above "Bilag 1: Socialudvalgets redegørelse".
#[test]
fn the_appendix_is_the_formats_committees_and_another_committee_is_a_warning() {
    let format = seed_format();
    let mut model = departments(
        &["02-ssp.xlsx", "03-boern-unge.xlsx", "04-integration.xlsx"],
        &format,
    );
    for sub in &mut model.submissions {
        sub.metadata.committee = Some("Til Børne- og Ungdomsudvalget".into());
    }
    let (left, _) = letterhead(&model, &format);
    assert_eq!(left[0], "Til Socialudvalget");
    let texts = document_texts(&appendix_bytes(&model, &format).unwrap()).join("\n");
    assert!(!texts.contains("Børne- og Ungdomsudvalget"), "{texts}");
    assert!(texts.contains(&format.title()));

    let findings = reconcile(&model, &format);
    let found = mismatches(&findings);
    assert_eq!(found.len(), 3, "{findings:#?}");
    for (f, sub) in found.iter().zip(&model.submissions) {
        assert_eq!(f.file, sub.source);
        assert!(
            f.message.contains("Børne- og Ungdomsudvalget"),
            "{}",
            f.message
        );
        assert!(f.message.contains("Socialudvalget"), "{}", f.message);
        assert!(f.message.contains("--format"), "{}", f.message);
    }

    let buu = buu_format();
    let (left, _) = letterhead(&model, &buu);
    assert_eq!(left[0], "Til Børne- og Ungdomsudvalget");
    let texts = document_texts(&appendix_bytes(&model, &buu).unwrap()).join("\n");
    assert!(texts.contains(&buu.title()), "{texts}");
    assert!(!texts.contains("Socialudvalget"), "{texts}");
    assert_eq!(mismatches(&reconcile(&model, &buu)).len(), 0);
}
