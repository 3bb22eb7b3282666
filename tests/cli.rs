//! The `bilag` binary driven as a user would, in temporary folders: exit
//! statuses, outputs, skipped and rejected files, an inbox left untouched.

mod docx_support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bilag(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bilag"))
        .args(args)
        .output()
        .unwrap()
}

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir)
}

/// A temp inbox with copies of the fixture files.
fn inbox_with(dir: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(fixtures(dir)).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
    }
    tmp
}

/// (name, bytes, mtime) of every file: the inbox must not change at all.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let m = std::fs::metadata(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
                m.modified().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn s(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn build_departments_writes_the_model_and_exits_0() {
    let inbox = inbox_with("departments");
    let out = tempfile::tempdir().unwrap();
    let before = snapshot(inbox.path());
    let o = bilag(&[
        "build",
        inbox.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    assert_eq!(snapshot(inbox.path()), before, "the inbox changed");
    let model = json(&out.path().join("model.json"));
    let subs = model["submissions"].as_array().unwrap();
    let sources: Vec<&str> = subs.iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        vec![
            "01-bolig.xlsx",
            "02-ssp.xlsx",
            "03-boern-unge.xlsx",
            "04-integration.xlsx"
        ]
    );
    assert_eq!(subs[0]["budget_lines"][2]["amounts"]["2008"], "12290000");
    assert_eq!(model["format"], "socialudvalget-integration-2008");
    let findings = json(&out.path().join("findings.json"));
    assert_eq!(findings.as_array().unwrap().len(), 5);
    assert!(s(&o).contains("4 filer læst"), "{}", s(&o));
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".bilag-tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn build_seed_exits_1_for_the_i_alt_mismatch() {
    let out = tempfile::tempdir().unwrap();
    let o = bilag(&[
        "build",
        fixtures("seed").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    let findings = json(&out.path().join("findings.json"));
    let first = &findings[0];
    assert_eq!(first["code"], "total-mismatch");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "socialudvalget-2008.xlsx");
    assert_eq!(first["sheet"], "Økonomi");
    assert_eq!(first["cell"], "F12");
    let msg = first["message"].as_str().unwrap();
    assert!(
        msg.contains("73,19 mio.") && msg.contains("81,66 mio."),
        "{msg}"
    );
}

#[test]
fn lock_hidden_and_other_files_are_skipped_and_a_corrupt_file_is_rejected_alone() {
    let inbox = inbox_with("departments");
    let p = inbox.path();
    std::fs::write(p.join("~$01-bolig.xlsx"), b"lock").unwrap();
    std::fs::write(p.join(".~lock.02-ssp.xlsx#"), b"lock").unwrap();
    std::fs::write(p.join(".skjult.xlsx"), b"hidden").unwrap();
    std::fs::write(p.join("noter.txt"), b"noter").unwrap();
    std::fs::write(
        p.join("05-ødelagt.xlsx"),
        b"PK\x03\x04 this is not really a zip",
    )
    .unwrap();
    std::fs::copy(
        fixtures("departments/02-ssp.xlsx"),
        p.join("06-STORE-BOGSTAVER.XLSX"),
    )
    .unwrap();
    let before = snapshot(p);
    let out = tempfile::tempdir().unwrap();
    let o = bilag(&[
        "build",
        p.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    assert_eq!(snapshot(p), before, "the inbox changed");
    let model = json(&out.path().join("model.json"));
    let sources: Vec<&str> = model["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        vec![
            "01-bolig.xlsx",
            "02-ssp.xlsx",
            "03-boern-unge.xlsx",
            "04-integration.xlsx",
        ]
    );
    // A byte-identical copy under another name is one submission: set aside,
    // named, not counted twice (contract §1a).
    assert_eq!(model["set_aside"][0]["source"], "06-STORE-BOGSTAVER.XLSX");
    assert_eq!(model["set_aside"][0]["reason"], "duplicate-file");
    assert_eq!(model["set_aside"][0]["current"], "02-ssp.xlsx");
    let findings = json(&out.path().join("findings.json"));
    let rejected: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "file-rejected")
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["file"], "05-ødelagt.xlsx");
    assert!(!rejected[0]["message"].as_str().unwrap().is_empty());
    // The same file twice: reported, not silently counted twice.
    let dup: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "duplicate-file")
        .collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0]["file"], "06-STORE-BOGSTAVER.XLSX");
    assert!(dup[0]["message"]
        .as_str()
        .unwrap()
        .contains("'02-ssp.xlsx'"));
    assert!(!findings
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "duplicate-initiative"));
}

#[test]
fn an_interrupted_pack_is_never_half_written() {
    // A previous pack exists; a run that cannot read its inbox leaves it whole.
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("model.json"), b"{\"previous\": true}").unwrap();
    let o = bilag(&[
        "build",
        "/nonexistent/indbakke",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(s(&o).contains("/nonexistent/indbakke"), "{}", s(&o));
    assert_eq!(
        std::fs::read(out.path().join("model.json")).unwrap(),
        b"{\"previous\": true}"
    );
}

#[test]
fn check_groups_by_file_and_summarizes() {
    let o = bilag(&["check", fixtures("departments").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.trim_end()
            .ends_with("0 fejl, 5 advarsler i 4 filer\n4 afdelinger har afleveret"),
        "{text}"
    );
    assert!(text.starts_with("01-bolig.xlsx\n"), "{text}");

    let o = bilag(&[
        "check",
        fixtures("seed/socialudvalget-2008.xlsx").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![
            "total-mismatch",
            "economy-mismatch",
            "missing-budget-line",
            "ambiguous-number",
            "missing-budget-line",
            "ambiguous-number"
        ]
    );
}

#[test]
fn inspect_exit_statuses_and_json() {
    let o = bilag(&[
        "inspect",
        fixtures("departments/04-integration.xlsx")
            .to_str()
            .unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["submission"]["metadata"]["date"], "2008-03-03");
    assert_eq!(
        v["submission"]["budget_lines"][1]["amounts"]["2008"],
        "7500000"
    );
    // What check says of the file alone (the Økonomi text's "7, 5 mio.kr").
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ambiguous-number"]);

    let o = bilag(&[
        "inspect",
        fixtures("departments/04-integration.xlsx")
            .to_str()
            .unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Sektion 2!A1"), "{text}");
    assert!(text.contains("2008: 7.500.000 kr."), "{text}");

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("tekst.xlsx");
    std::fs::write(&bad, "Dette er ikke et regneark").unwrap();
    let o = bilag(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("tekst.xlsx"),
        "{}",
        s(&o)
    );

    let o = bilag(&["inspect"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_bad_format_file_names_the_unknown_key_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("udvalg.toml");
    let text = bilag::format::DEFAULT_FORMAT_TOML
        .replace("default_unit =", "standard_enhed = \"kr.\"\ndefault_unit =");
    std::fs::write(&f, text).unwrap();
    let out = tmp.path().join("pakke");
    let o = bilag(&[
        "build",
        fixtures("departments").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(s(&o).contains("standard_enhed"), "{}", s(&o));
}

#[test]
fn diff_same_file_is_no_change_and_different_departments_are_changes() {
    let a = fixtures("departments/02-ssp.xlsx");
    let o = bilag(&["diff", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let b = fixtures("departments/03-boern-unge.xlsx");
    let o = bilag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    assert!(s(&o).contains("Den korte snor"), "{}", s(&o));
    let o = bilag(&["diff", a.to_str().unwrap(), "/nonexistent.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_teaches() {
    let o = bilag(&["--help"]);
    let t = String::from_utf8_lossy(&o.stdout);
    for cmd in ["build", "check", "inspect", "diff", "template"] {
        assert!(t.contains(cmd), "{t}");
    }
    let o = bilag(&["build", "--help"]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("~$"), "{t}");
    assert!(t.contains("--format"), "{t}");
}

#[test]
fn build_writes_the_budget_workbook_and_template_reads_back_empty() {
    let out = tempfile::tempdir().unwrap();
    let o = bilag(&[
        "build",
        fixtures("departments").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    for name in ["budget.xlsx", "appendix.docx"] {
        let bytes = std::fs::read(out.path().join(name)).unwrap();
        assert_eq!(&bytes[..2], b"PK", "{name}");
    }
    let problems =
        docx_support::check_package(&std::fs::read(out.path().join("appendix.docx")).unwrap());
    assert!(problems.is_empty(), "{problems:?}");

    let tpl = out.path().join("skabelon.xlsx");
    let o = bilag(&["template", "--out", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let o = bilag(&["inspect", tpl.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["submission"]["initiatives"].as_array().unwrap().len(), 0);
    assert_eq!(v["submission"]["budget_lines"].as_array().unwrap().len(), 0);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

/// Two versions of one department's submission that differ in one amount
/// and one text: `bilag diff` says exactly that, in a few lines.
#[test]
fn diff_explains_a_resubmission_in_a_few_lines() {
    use bilag::format::Format;
    use bilag::inbox::{read_one, Outcome};
    use bilag::read::Limits;
    use bilag::write::template::filled_template_bytes;
    use rust_decimal::Decimal;

    let format = Format::default_format();
    let Outcome::Accepted(sub, _) = read_one(
        &fixtures("departments/01-bolig.xlsx"),
        &format,
        &Limits::default(),
    ) else {
        panic!("fixture rejected")
    };
    let mut changed = (*sub).clone();
    let line = changed
        .budget_lines
        .iter_mut()
        .find(|l| l.title == "Boligsociale projekter")
        .unwrap();
    line.amounts
        .insert("2009".into(), Decimal::from(12_500_000));
    let init = changed
        .initiatives
        .iter_mut()
        .find(|i| i.title == "Boligsociale projekter")
        .unwrap();
    init.fields
        .insert("Økonomi".into(), "12,5 mio. kr./ år".into());

    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (
        tmp.path().join("01-bolig-v1.xlsx"),
        tmp.path().join("01-bolig-v2.xlsx"),
    );
    std::fs::write(&old, filled_template_bytes(&format, &sub).unwrap()).unwrap();
    std::fs::write(&new, filled_template_bytes(&format, &changed).unwrap()).unwrap();

    let o = bilag(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    // The template's I alt cells are formulas, so the line's and the table's
    // totals change with the amount.
    assert_eq!(
        text,
        "Ændringer fra 01-bolig-v1.xlsx til 01-bolig-v2.xlsx:\n\
         - Statusskemaet 'Boligsociale projekter', Økonomi: '11,9 mio. kr./ år' → '12,5 mio. kr./ år'\n\
         - Budgetlinjen 'Boligsociale projekter', 2009: 12,29 mio. → 12,5 mio. (+210.000 kr.)\n\
         - Budgetlinjen 'Boligsociale projekter', I alt: 49,16 mio. → 49,37 mio. (+210.000 kr.)\n\
         - Totalen 'I alt', 2009: 18,29 mio. → 18,5 mio. (+210.000 kr.)\n\
         - Totalen 'I alt', I alt: 73,16 mio. → 73,37 mio. (+210.000 kr.)\n"
    );

    let o = bilag(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // 2009 and the line's own I alt column (year null).
    assert_eq!(v["amounts_changed"].as_array().unwrap().len(), 2);
    assert_eq!(v["amounts_changed"][0]["year"], "2009");
    assert_eq!(v["amounts_changed"][0]["old"], "12290000");
    assert_eq!(v["amounts_changed"][0]["new"], "12500000");
    assert_eq!(v["initiatives_changed"][0]["fields"][0]["field"], "Økonomi");
}

#[test]
fn build_refuses_an_out_folder_in_the_inbox() {
    // Issue 14.1: the next build would read its own budget.xlsx as a department.
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("indbakke");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(
        fixtures("departments/01-bolig.xlsx"),
        inbox.join("01-bolig.xlsx"),
    )
    .unwrap();
    for out in [
        inbox.clone(),
        inbox.join("pakke"),
        inbox.join("a/b/../pakke"),
    ] {
        let o = bilag(&[
            "build",
            inbox.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}: {}", out.display(), s(&o));
        assert!(s(&o).contains("ligger i indbakken"), "{}", s(&o));
    }
    let names: Vec<_> = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["01-bolig.xlsx"],
        "nothing was written into the inbox"
    );
    // Beside the inbox is fine.
    let o = bilag(&[
        "build",
        inbox.to_str().unwrap(),
        "--out",
        dir.path().join("pakke").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
}

#[test]
fn check_reads_a_file_named_twice_once() {
    // Issue 14.7: check DIR DIR reported every file as its own duplicate.
    let d = fixtures("departments");
    let one = bilag(&["check", d.to_str().unwrap(), "--json"]);
    let twice = bilag(&[
        "check",
        d.to_str().unwrap(),
        d.to_str().unwrap(),
        d.join("01-bolig.xlsx").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(twice.status.code(), Some(0), "{}", s(&twice));
    assert_eq!(
        serde_json::from_slice::<Value>(&one.stdout).unwrap(),
        serde_json::from_slice::<Value>(&twice.stdout).unwrap()
    );
}

#[test]
fn inspect_shows_every_finding_check_gives_the_file_alone() {
    // Issue 14.5: inspect ended "Fund: 0" where check reported an economy-mismatch.
    let f = fixtures("departments/01-bolig.xlsx");
    let o = bilag(&["inspect", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\nFund: 1\n"), "{out}");
    assert!(out.contains("economy-mismatch"), "{out}");
    // Stated totals in kroner as the lines are, not raw.
    assert!(out.contains("i alt 73.160.000 kr."), "{out}");
    let inspect = bilag(&["inspect", f.to_str().unwrap(), "--json"]);
    let check = bilag(&["check", f.to_str().unwrap(), "--json"]);
    let a: Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let b: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(a["findings"], b);
}

#[test]
fn template_never_overwrites_a_file_without_force_and_writes_only_xlsx() {
    // Issue 14.4.
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("01-bolig.xlsx");
    std::fs::copy(fixtures("departments/01-bolig.xlsx"), &filled).unwrap();
    let before = std::fs::read(&filled).unwrap();
    let o = bilag(&["template", "--out", filled.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", s(&o));
    assert!(s(&o).contains("--force"), "{}", s(&o));
    assert_eq!(
        std::fs::read(&filled).unwrap(),
        before,
        "the filled-in workbook is untouched"
    );
    let docx = dir.path().join("skabelon.docx");
    let o = bilag(&["template", "--out", docx.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", s(&o));
    assert!(s(&o).contains(".xlsx"), "{}", s(&o));
    assert!(!docx.exists());
    let o = bilag(&["template", "--out", filled.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    assert_ne!(std::fs::read(&filled).unwrap(), before);
}

#[test]
fn format_prints_the_built_in_format_and_writes_it_once() {
    let o = bilag(&["format"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        bilag::format::DEFAULT_FORMAT_TOML
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mit-udvalg.toml");
    let o = bilag(&["format", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    // What it wrote is a format bilag builds with.
    let f = bilag::format::Format::load(&out).unwrap();
    assert_eq!(f.committee, "Socialudvalget");
    let o = bilag(&["format", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", s(&o));
}

#[test]
fn a_build_with_errors_says_where_to_look() {
    let dir = tempfile::tempdir().unwrap();
    let o = bilag(&[
        "build",
        fixtures("seed").to_str().unwrap(),
        "--out",
        dir.path().join("pakke").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", s(&o));
    assert!(s(&o).contains("arket Afstemning"), "{}", s(&o));
    assert!(s(&o).contains("bilag check"), "{}", s(&o));
}

#[test]
fn every_help_and_common_usage_error_is_danish() {
    // Issue 14: no English sentence reaches a person.
    const ENGLISH: &[&str] = &[
        "Usage:",
        "Options:",
        "Arguments:",
        "Commands:",
        "Print ",
        "error:",
        " the ",
        "The ",
        " and ",
        " or ",
        "Folder",
        "Example",
        "instead of",
        "Reads ",
        "Writes ",
        "required",
        "For more information",
        "tip:",
        "(see a summary",
    ];
    let mut runs: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"], vec![]];
    for cmd in [
        "build", "check", "inspect", "diff", "template", "format", "watch",
    ] {
        runs.push(vec![cmd, "--help"]);
        runs.push(vec![cmd, "-h"]);
        runs.push(vec![cmd, "--ukendt"]);
    }
    runs.push(vec!["bygg"]);
    runs.push(vec!["build"]);
    runs.push(vec!["watch", "x", "--out", "y", "--poll", "hurtigt"]);
    for args in runs {
        let o = bilag(&args);
        let text = s(&o);
        assert!(!text.trim().is_empty(), "{args:?} printed nothing");
        for e in ENGLISH {
            assert!(!text.contains(e), "{args:?}: English {e:?} in:\n{text}");
        }
    }
}

#[test]
fn the_folder_scan_goes_by_content_and_names_what_it_skips() {
    // Issue 14.6: the README says the format is recognized by content.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::copy(
        fixtures("departments/01-bolig.xlsx"),
        p.join("01-bolig.xlsx"),
    )
    .unwrap();
    // A spreadsheet under another extension is read; a .docx (also a zip) is not.
    std::fs::copy(
        fixtures("departments/02-ssp.xlsx"),
        p.join("02-ssp.xlsx.bak"),
    )
    .unwrap();
    std::fs::copy(
        fixtures("departments/03-boern-unge.xlsx"),
        p.join("03-boern-unge"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = bilag(&[
        "build",
        fixtures("seed").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some());
    std::fs::copy(out.path().join("appendix.docx"), p.join("bilag.docx")).unwrap();
    std::fs::write(p.join("noter.txt"), b"noter").unwrap();
    std::fs::create_dir(p.join("gammelt")).unwrap();
    std::fs::copy(
        fixtures("departments/04-integration.xlsx"),
        p.join("gammelt/04.xlsx"),
    )
    .unwrap();

    let o = bilag(&["check", p.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let o = bilag(&[
        "build",
        p.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", s(&o));
    let model = json(&out.path().join("model.json"));
    let sources: Vec<&str> = model["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["01-bolig.xlsx", "02-ssp.xlsx.bak", "03-boern-unge"]
    );
    let text = s(&o);
    assert!(text.contains("3 filer eller mapper"), "{text}");
    assert!(text.contains("--verbose"), "{text}");
    let o = bilag(&[
        "build",
        p.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--verbose",
    ]);
    let text = s(&o);
    assert!(text.contains("springer over gammelt: undermappe"), "{text}");
    assert!(
        text.contains("springer over bilag.docx: ikke et regneark"),
        "{text}"
    );
    assert!(text.contains("springer over noter.txt"), "{text}");

    // An empty inbox is a warning, not silence.
    let empty = tempfile::tempdir().unwrap();
    let o = bilag(&["check", empty.path().to_str().unwrap()]);
    assert!(
        s(&o).contains("advarsel: der er ingen regneark"),
        "{}",
        s(&o)
    );
}

#[test]
fn os_and_reader_errors_reach_a_person_in_danish() {
    let o = bilag(&[
        "build",
        "/nonexistent/indbakke",
        "--out",
        "/tmp/bilag-ikke-brugt",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(s(&o).contains("findes ikke"), "{}", s(&o));
    assert!(
        !s(&o).contains("No such file") && !s(&o).contains("os error"),
        "{}",
        s(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("afkortet.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 afkortet").unwrap();
    let o = bilag(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = s(&o);
    assert!(text.contains("zip-arkivet er afkortet"), "{text}");
    assert!(
        !text.contains("invalid Zip archive") && !text.contains("EOCD"),
        "{text}"
    );
}

#[test]
fn a_folder_where_a_file_is_expected_and_the_reverse_suggest_the_right_command() {
    let folder = fixtures("departments");
    let o = bilag(&["inspect", folder.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        s(&o).contains("er en mappe") && s(&o).contains("bilag check"),
        "{}",
        s(&o)
    );
    let file = fixtures("departments/01-bolig.xlsx");
    let o = bilag(&[
        "build",
        file.to_str().unwrap(),
        "--out",
        "/tmp/bilag-ikke-brugt",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        s(&o).contains("er en fil") && s(&o).contains("bilag check"),
        "{}",
        s(&o)
    );
    let o = bilag(&["diff", folder.to_str().unwrap(), file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(s(&o).contains("er en mappe"), "{}", s(&o));
}
