//! Departments, not files (issue 13, contract §1a) end to end: an inbox as
//! it looks after a week of intake — 01-bolig.xlsx and its corrected
//! re-save, 03, 04 and a byte-identical copy of 04, with SSP missing — built
//! and checked with the real binary and a roster of the four departments.
//! The pack counts each department's current submission once: I ALT is
//! 82,16 mio. (81,66 of the fixtures plus the re-save's correction of
//! 0,5 mio.), not the 163,82 mio. of counting every file.

mod common;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::cli::{bilag, build, text};
use common::json;
use rust_decimal::Decimal;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// A file of `fixtures/departments/` (the folder itself for "").
fn fixture(name: &str) -> PathBuf {
    common::fixture("departments").join(name)
}

/// 01-bolig.xlsx as its department re-saved it: "Aftalen om nye
/// udlejningsmodeller" 2009 corrected from 6,0 to 6,5 mio., its line total
/// and the I alt row with it.
fn corrected_bolig() -> Vec<u8> {
    let bytes = std::fs::read(fixture("01-bolig.xlsx")).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet3.xml" {
            let mut xml = String::from_utf8(data).unwrap();
            for (from, to) in [
                (
                    r#"<c r="C3" s="5" t="n"><v>6</v>"#,
                    r#"<c r="C3" s="5" t="n"><v>6.5</v>"#,
                ),
                (
                    r#"<c r="F3" s="5" t="n"><v>24</v>"#,
                    r#"<c r="F3" s="5" t="n"><v>24.5</v>"#,
                ),
                (
                    r#"<c r="C6" s="6" t="n"><v>18.29</v>"#,
                    r#"<c r="C6" s="6" t="n"><v>18.79</v>"#,
                ),
                (
                    r#"<c r="F6" s="6" t="n"><v>73.16</v>"#,
                    r#"<c r="F6" s="6" t="n"><v>73.66</v>"#,
                ),
            ] {
                assert!(xml.contains(from), "fixture changed: {from}");
                xml = xml.replace(from, to);
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const ROSTER: &str = r#"
[[department]]
name = "Mål- og Rammekontor for Misbrug og Bolig"

[[department]]
name = "SSP København"
aliases = ["SSP København, Sekretariatet"]

[[department]]
name = "Mål- og Rammekontor for Børn og Familier"

[[department]]
name = "Integrationssekretariatet"
aliases = ["Integrationssekretariatet, Socialforvaltningen"]
"#;

fn set_mtime(path: &Path, secs_ago: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
        .unwrap();
}

/// The inbox of the issue, with a roster file beside it.
fn week_of_intake() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("indbakke");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(fixture("01-bolig.xlsx"), inbox.join("01-bolig.xlsx")).unwrap();
    std::fs::write(inbox.join("01-bolig (rettet).xlsx"), corrected_bolig()).unwrap();
    std::fs::copy(
        fixture("03-boern-unge.xlsx"),
        inbox.join("03-boern-unge.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        fixture("04-integration.xlsx"),
        inbox.join("04-integration.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        fixture("04-integration.xlsx"),
        inbox.join("Kopi af 04-integration.xlsx"),
    )
    .unwrap();
    // Same Forside Dato: the re-save is the newer file on disk.
    set_mtime(&inbox.join("01-bolig.xlsx"), 3 * 86_400);
    set_mtime(&inbox.join("01-bolig (rettet).xlsx"), 86_400);
    let roster = dir.path().join("afdelinger.toml");
    std::fs::write(&roster, ROSTER).unwrap();
    (dir, inbox, roster)
}

fn codes(findings: &Value, code: &str) -> Vec<Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect()
}

fn kroner(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn the_pack_counts_each_departments_current_submission_once() {
    let (dir, inbox, roster) = week_of_intake();
    let out = dir.path().join("pakke");
    let o = bilag(&[
        "build",
        inbox.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--departments",
        roster.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("3 af 4 afdelinger har afleveret; mangler: SSP København"),
        "{}",
        text(&o)
    );

    let model = json(&out.join("model.json"));
    let sources: Vec<&str> = model["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "01-bolig (rettet).xlsx",
            "03-boern-unge.xlsx",
            "04-integration.xlsx"
        ]
    );
    let set_aside = model["set_aside"].as_array().unwrap();
    assert_eq!(set_aside.len(), 2, "{set_aside:?}");
    assert_eq!(set_aside[0]["source"], "01-bolig.xlsx");
    assert_eq!(set_aside[0]["reason"], "superseded");
    assert_eq!(set_aside[0]["current"], "01-bolig (rettet).xlsx");
    assert_eq!(set_aside[1]["source"], "Kopi af 04-integration.xlsx");
    assert_eq!(set_aside[1]["reason"], "duplicate-file");
    assert_eq!(set_aside[1]["current"], "04-integration.xlsx");
    assert_eq!(
        set_aside[1]["sha256"], model["submissions"][2]["sha256"],
        "a byte copy has the current file's sha256"
    );

    // Every amount of the pack's model, summed exactly.
    let total: Decimal = model["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["budget_lines"].as_array().unwrap())
        .flat_map(|l| l["amounts"].as_object().unwrap().values())
        .map(kroner)
        .sum();
    assert_eq!(total, Decimal::from(82_160_000));

    let findings = json(&out.join("findings.json"));
    let superseded = codes(&findings, "superseded");
    assert_eq!(superseded.len(), 1);
    assert_eq!(superseded[0]["file"], "01-bolig.xlsx");
    assert_eq!(superseded[0]["severity"], "info");
    let msg = superseded[0]["message"].as_str().unwrap();
    assert!(msg.contains("'01-bolig (rettet).xlsx'"), "{msg}");
    let dup = codes(&findings, "duplicate-file");
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0]["file"], "Kopi af 04-integration.xlsx");
    assert!(dup[0]["message"]
        .as_str()
        .unwrap()
        .contains("'04-integration.xlsx'"));
    let missing = codes(&findings, "missing-submission");
    assert_eq!(missing.len(), 1);
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("'SSP København'"));
    assert!(codes(&findings, "unknown-department").is_empty());
    // The set-aside files' own findings are gone with them: no initiative
    // counted twice, no total checked twice.
    assert!(
        codes(&findings, "duplicate-initiative").is_empty(),
        "{findings:#}"
    );
    assert!(
        codes(&findings, "total-mismatch").is_empty(),
        "{findings:#}"
    );

    // The overview's I ALT: the computed total, cached in the formula cell.
    let bytes = std::fs::read(out.join("budget.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    let row = range
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "I ALT"))
        .expect("an I ALT row on the overview");
    let last = row
        .iter()
        .rev()
        .find_map(|c| match c {
            Data::Float(f) => Some(*f),
            Data::Int(i) => Some(*i as f64),
            _ => None,
        })
        .unwrap();
    assert!(
        (last - 82.16).abs() < 1e-9,
        "I ALT on the overview is {last}"
    );
}

#[test]
fn check_reports_versions_and_the_missing_department() {
    let (_dir, inbox, roster) = week_of_intake();
    let o = bilag(&[
        "check",
        inbox.to_str().unwrap(),
        "--departments",
        roster.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("superseded"), "{out}");
    assert!(out.contains("duplicate-file"), "{out}");
    assert!(out.contains("missing-submission"), "{out}");
    assert!(
        out.trim_end()
            .ends_with("3 af 4 afdelinger har afleveret; mangler: SSP København; 2 filer lagt til side (ældre version eller kopi)"),
        "{out}"
    );
    // --json gives the same findings.
    let o = bilag(&[
        "check",
        inbox.to_str().unwrap(),
        "--departments",
        roster.to_str().unwrap(),
        "--json",
    ]);
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes(&findings, "superseded").len(), 1);
    assert_eq!(codes(&findings, "duplicate-file").len(), 1);
    assert_eq!(codes(&findings, "missing-submission").len(), 1);
}

#[test]
fn without_versions_every_file_counts_and_nothing_is_missing_without_a_roster() {
    // The four fixtures: four departments, nothing set aside, no roster.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture(""), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("bilag: 4 afdelinger har afleveret\n"),
        "{}",
        text(&o)
    );
    let model = json(&out.join("model.json"));
    assert_eq!(model["submissions"].as_array().unwrap().len(), 4);
    assert_eq!(model["set_aside"], Value::Array(vec![]));
    let findings = json(&out.join("findings.json"));
    for code in [
        "missing-submission",
        "unknown-department",
        "superseded",
        "duplicate-file",
    ] {
        assert!(codes(&findings, code).is_empty(), "{code}");
    }
}

#[test]
fn a_sender_not_on_the_roster_is_unknown_and_stays_in_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("afdelinger.toml");
    std::fs::write(
        &roster,
        "[[department]]\nname = \"Mål- og Rammekontor for Misbrug og Bolig\"\n",
    )
    .unwrap();
    let o = bilag(&[
        "check",
        fixture("").to_str().unwrap(),
        "--departments",
        roster.to_str().unwrap(),
        "--json",
    ]);
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unknown: Vec<String> = codes(&findings, "unknown-department")
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        unknown,
        ["02-ssp.xlsx", "03-boern-unge.xlsx", "04-integration.xlsx"]
    );
    assert!(codes(&findings, "missing-submission").is_empty());
}

#[test]
fn a_bad_roster_file_names_the_key_and_stops_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("afdelinger.toml");
    std::fs::write(&roster, "[[department]]\nnavn = \"SSP\"\n").unwrap();
    let o = bilag(&[
        "check",
        fixture("").to_str().unwrap(),
        "--departments",
        roster.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(t.contains("navn") && t.contains("afdelinger.toml"), "{t}");
}

#[test]
fn diff_of_two_departments_says_so_first() {
    let o = bilag(&[
        "diff",
        fixture("02-ssp.xlsx").to_str().unwrap(),
        fixture("04-integration.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("Bemærk: 02-ssp.xlsx er fra 'SSP København, Sekretariatet' og 04-integration.xlsx er fra 'Integrationssekretariatet, Socialforvaltningen'"),
        "{out}"
    );
    // A re-save of one department: no note, the change itself.
    let dir = tempfile::tempdir().unwrap();
    let resave = dir.path().join("01-bolig (rettet).xlsx");
    std::fs::write(&resave, corrected_bolig()).unwrap();
    let o = bilag(&[
        "diff",
        fixture("01-bolig.xlsx").to_str().unwrap(),
        resave.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("Ændringer fra 01-bolig.xlsx til 01-bolig (rettet).xlsx:"),
        "{out}"
    );
    assert!(!out.contains("Bemærk"), "{out}");
    let o = bilag(&[
        "diff",
        fixture("01-bolig.xlsx").to_str().unwrap(),
        resave.to_str().unwrap(),
        "--json",
    ]);
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["versions"]["same_submission"], true);
}

#[test]
fn five_hundred_generated_submissions_of_ten_departments_are_all_current() {
    // Many submissions per department (ten departments), none a version of
    // another: every one is in the model, nothing is set aside.
    use bilag::inbox::{assemble, read_bytes, Outcome};
    use rayon::prelude::*;
    let format = bilag::format::Format::default_format();
    let limits = bilag::read::Limits::default();
    let n = 500;
    let outcomes: Vec<(String, Outcome, Decimal)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let g = bilag::internal::synth::generate(1, i, &format).unwrap();
            let o = read_bytes(&g.expect.file, &g.bytes, &format, &limits);
            (g.expect.file.clone(), o, g.expect.line_sum)
        })
        .collect();
    let want: Decimal = outcomes.iter().map(|(_, _, s)| *s).sum();
    let loaded = assemble(
        &format,
        outcomes.into_iter().map(|(f, o, _)| (f, o)).collect(),
    );
    assert_eq!(loaded.model.submissions.len(), n);
    assert!(
        loaded.model.set_aside.is_empty(),
        "{:?}",
        loaded.model.set_aside
    );
    let got: Decimal = loaded
        .model
        .submissions
        .iter()
        .flat_map(|s| &s.budget_lines)
        .flat_map(|l| l.amounts.values())
        .sum();
    assert_eq!(got, want);
    let departments: std::collections::BTreeSet<_> = loaded
        .model
        .submissions
        .iter()
        .filter_map(|s| s.department.clone())
        .collect();
    assert!(departments.len() <= 10, "{departments:?}");
}

#[test]
fn the_example_roster_in_templates_is_valid_and_knows_the_four_fixtures() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/afdelinger-eksempel.toml");
    let o = bilag(&[
        "check",
        fixture("").to_str().unwrap(),
        "--departments",
        path.to_str().unwrap(),
        "--json",
    ]);
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        codes(&findings, "unknown-department").is_empty(),
        "{findings:#}"
    );
    assert!(
        codes(&findings, "missing-submission").is_empty(),
        "{findings:#}"
    );
    let roster = bilag::format::Roster::load(&path).unwrap();
    assert_eq!(roster.departments.len(), 4);
    assert_eq!(
        roster.departments.iter().filter(|d| d.coordinator).count(),
        1
    );
}
