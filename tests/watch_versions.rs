//! `bilag watch` and versions of one submission (contract §1a, §4), driven
//! through [`Intake`] directly with a short settle time: re-saves under a new
//! name, identical copies, files removed while watching and while stopped,
//! and a file that returns to an earlier version.
//!
//! Every pack is compared with what a one-shot build of the inbox gives.

mod common;

use bilag::format::Format;
use bilag::inbox::ledger::Removal;
use bilag::inbox::watch::{BuildReport, Hooks, Intake, Options, ScanReport, Silent};
use bilag::read::Limits;
use common::{fixture_bytes, json, sha, with_comment, write};
use serde_json::Value;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const SETTLE: Duration = Duration::from_millis(20);

/// The workbook with `from` replaced by `to` in one of its parts.
fn edited(bytes: &[u8], part: &str, edits: &[(&str, &str)]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            let mut text = String::from_utf8(data).unwrap();
            for (from, to) in edits {
                assert!(text.contains(from), "{from} not in {part}");
                text = text.replacen(from, to, 1);
            }
            data = text.into_bytes();
        }
        w.start_file(
            name,
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// 01-bolig with its first budget line's 2008 amount 6 → 7 mio. (and the
/// row's stated total with it).
fn bolig_corrected() -> Vec<u8> {
    edited(
        &fixture_bytes("departments/01-bolig.xlsx"),
        "xl/worksheets/sheet3.xml",
        &[
            (
                r#"<c r="B3" s="5" t="n"><v>6</v>"#,
                r#"<c r="B3" s="5" t="n"><v>7</v>"#,
            ),
            (
                r#"<c r="F3" s="5" t="n"><v>24</v>"#,
                r#"<c r="F3" s="5" t="n"><v>25</v>"#,
            ),
        ],
    )
}

/// Writes a file and dates it `ago` back.
fn write_aged(dir: &Path, name: &str, bytes: &[u8], ago: Duration) {
    write(dir, name, bytes);
    std::fs::File::options()
        .write(true)
        .open(dir.join(name))
        .unwrap()
        .set_modified(SystemTime::now() - ago)
        .unwrap();
}

fn options(inbox: &Path, out: &Path) -> Options {
    Options {
        inbox: inbox.to_path_buf(),
        out: out.to_path_buf(),
        format: Format::default_format(),
        limits: Limits::default(),
        settle: SETTLE,
        pdf: None,
    }
}

fn open(inbox: &Path, out: &Path, hooks: &dyn Hooks) -> Intake {
    Intake::open(options(inbox, out), hooks).unwrap()
}

/// Scans until nothing is left to look at again (no file waiting, none
/// missed once); returns every scan's report.
fn take_in(intake: &mut Intake, hooks: &dyn Hooks) -> Vec<ScanReport> {
    let mut reports = Vec::new();
    for _ in 0..1000 {
        reports.push(intake.scan(hooks).unwrap());
        if !intake.looking() {
            return reports;
        }
        std::thread::sleep(SETTLE + Duration::from_millis(5));
    }
    panic!("files still waiting: {:?}", reports.last().unwrap().waiting);
}

fn removed(reports: Vec<ScanReport>) -> Vec<Removal> {
    reports.into_iter().flat_map(|r| r.removed).collect()
}

/// Takes in what is in the inbox and builds the pack.
fn settle_and_build(intake: &mut Intake) -> BuildReport {
    take_in(intake, &Silent);
    intake.build(&Silent).unwrap()
}

fn ledger(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join("ledger.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn archive_names(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out.join("archive"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// model.json is what a one-shot build of the inbox gives (versions
/// decided the same way).
fn assert_pack_is_build(inbox: &Path, out: &Path) {
    let listing = bilag::inbox::list_inbox(inbox).unwrap();
    let loaded = bilag::inbox::load_and_reconcile(
        &listing.files,
        &Format::default_format(),
        &Limits::default(),
    );
    assert_eq!(
        json(&out.join("model.json")),
        serde_json::to_value(&loaded.model).unwrap(),
        "model.json differs from a one-shot build"
    );
}

fn sources(model: &Value, key: &str) -> Vec<String> {
    model[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap().to_string())
        .collect()
}

fn findings_of<'a>(findings: &'a Value, file: &str, code: &str) -> Vec<&'a Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file && f["code"] == code)
        .collect()
}

#[test]
fn a_resave_under_a_new_name_replaces_its_predecessor_in_the_pack() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let bolig = fixture_bytes("departments/01-bolig.xlsx");
    let ssp = fixture_bytes("departments/02-ssp.xlsx");
    write_aged(inbox, "01-bolig.xlsx", &bolig, Duration::from_secs(3600));
    write(inbox, "02-ssp.xlsx", &ssp);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);
    let model = json(&out.join("model.json"));
    assert_eq!(
        sources(&model, "submissions"),
        ["01-bolig.xlsx", "02-ssp.xlsx"]
    );

    let fixed = bolig_corrected();
    write(inbox, "01-bolig (rettet).xlsx", &fixed);
    let report = settle_and_build(&mut intake);
    assert_eq!(report.set_aside, 1);

    // The pack: the re-save in, its predecessor set aside.
    let model = json(&out.join("model.json"));
    assert_eq!(
        sources(&model, "submissions"),
        ["01-bolig (rettet).xlsx", "02-ssp.xlsx"]
    );
    let aside = &model["set_aside"][0];
    assert_eq!(aside["source"], "01-bolig.xlsx");
    assert_eq!(aside["reason"], "superseded");
    assert_eq!(aside["current"], "01-bolig (rettet).xlsx");
    assert_eq!(aside["sha256"], sha(&bolig));
    let findings = json(&out.join("findings.json"));
    assert_eq!(
        findings_of(&findings, "01-bolig.xlsx", "superseded").len(),
        1
    );
    assert_pack_is_build(inbox, out);

    // The ledger: which file it supersedes and what changed against it.
    let lines = ledger(out);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let line = &lines[2];
    assert_eq!(line["event"], "received");
    assert_eq!(line["file"], "01-bolig (rettet).xlsx");
    assert_eq!(line["status"], "accepted");
    assert_eq!(line["supersedes"], "01-bolig.xlsx");
    assert_eq!(
        line["replaces"],
        Value::Null,
        "no earlier version of this name"
    );
    assert_eq!(line["compared_with"], sha(&bolig));
    let changes = line["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{line}");
    assert!(
        changes.iter().any(|c| c.as_str().unwrap().contains("2008")),
        "{changes:#?}"
    );
    assert!(
        line["note"]
            .as_str()
            .unwrap()
            .starts_with("Erstatter '01-bolig.xlsx' i pakken"),
        "{line}"
    );
    assert_eq!(line.get("superseded_by"), None);

    // An older version dropped afterwards is ledgered as set aside.
    let old = edited(
        &bolig,
        "xl/worksheets/sheet3.xml",
        &[(
            r#"<c r="C3" s="5" t="n"><v>6</v>"#,
            r#"<c r="C3" s="5" t="n"><v>5</v>"#,
        )],
    );
    write_aged(inbox, "01-bolig v1.xlsx", &old, Duration::from_secs(7200));
    settle_and_build(&mut intake);
    let line = ledger(out).pop().unwrap();
    assert_eq!(line["file"], "01-bolig v1.xlsx");
    assert_eq!(line["superseded_by"], "01-bolig (rettet).xlsx");
    assert_eq!(line.get("supersedes"), None);
    assert_eq!(
        sources(&json(&out.join("model.json")), "submissions"),
        ["01-bolig (rettet).xlsx", "02-ssp.xlsx"]
    );
    assert_pack_is_build(inbox, out);
}

#[test]
fn an_identical_copy_is_ledgered_and_counted_once() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let integration = fixture_bytes("departments/04-integration.xlsx");
    write(inbox, "04-integration.xlsx", &integration);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);

    write(inbox, "Kopi af 04-integration.xlsx", &integration);
    let report = settle_and_build(&mut intake);
    assert_eq!(report.accepted, 2);
    assert_eq!(report.set_aside, 1);
    let lines = ledger(out);
    assert_eq!(lines.len(), 2);
    let copy = &lines[1];
    assert_eq!(copy["event"], "received");
    assert_eq!(copy["file"], "Kopi af 04-integration.xlsx");
    assert_eq!(copy["status"], "accepted");
    assert_eq!(copy["sha256"], sha(&integration));
    assert_eq!(copy["identical_to"], "04-integration.xlsx");
    assert!(copy["note"]
        .as_str()
        .unwrap()
        .contains("tælles kun én gang"));

    let model = json(&out.join("model.json"));
    assert_eq!(sources(&model, "submissions"), ["04-integration.xlsx"]);
    assert_eq!(
        model["set_aside"][0]["source"],
        "Kopi af 04-integration.xlsx"
    );
    assert_eq!(model["set_aside"][0]["reason"], "duplicate-file");
    let findings = json(&out.join("findings.json"));
    assert_eq!(
        findings_of(&findings, "Kopi af 04-integration.xlsx", "duplicate-file").len(),
        1
    );
    assert_pack_is_build(inbox, out);
}

/// Hooks that remember the removals they were told.
#[derive(Default)]
struct Removals(Mutex<Vec<Removal>>);

impl Hooks for Removals {
    fn removed(&self, r: &Removal) {
        self.0.lock().unwrap().push(r.clone());
    }
}

impl Removals {
    fn take(&self) -> Vec<Removal> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[test]
fn a_file_removed_while_watching_gets_a_removed_line() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let bolig = fixture_bytes("departments/01-bolig.xlsx");
    let ssp = fixture_bytes("departments/02-ssp.xlsx");
    write(inbox, "01-bolig.xlsx", &bolig);
    write(inbox, "02-ssp.xlsx", &ssp);
    let hooks = Removals::default();
    let mut intake = open(inbox, out, &hooks);
    settle_and_build(&mut intake);
    assert!(!intake.needs_build());

    // Missing for a moment (a program saving by renaming the old file away
    // and the new one in): no removal, one new version.
    let ssp2 = with_comment(&ssp, "gemt igen");
    std::fs::remove_file(inbox.join("02-ssp.xlsx")).unwrap();
    assert!(intake.scan(&hooks).unwrap().removed.is_empty());
    assert!(intake.looking());
    write(inbox, "02-ssp.xlsx", &ssp2);
    assert!(removed(take_in(&mut intake, &hooks)).is_empty());
    assert!(hooks.take().is_empty());
    let received = ledger(out);
    assert_eq!(received.len(), 3);
    assert_eq!(received[2]["sha256"], sha(&ssp2));
    assert_eq!(received[2]["changes"], Value::Array(vec![]));
    intake.build(&Silent).unwrap();

    // Gone: missed by two looks a settle apart.
    std::fs::remove_file(inbox.join("02-ssp.xlsx")).unwrap();
    let first = intake.scan(&hooks).unwrap();
    assert!(first.removed.is_empty(), "one look is not enough");
    assert!(!intake.needs_build(), "the pack keeps it until it is gone");
    assert_eq!(removed(take_in(&mut intake, &hooks)).len(), 1);
    assert_eq!(hooks.take().len(), 1);
    let lines = ledger(out);
    assert_eq!(lines.len(), 4);
    let gone = &lines[3];
    assert_eq!(gone["event"], "removed");
    assert_eq!(gone["file"], "02-ssp.xlsx");
    assert_eq!(gone["sha256"], sha(&ssp2), "the last version seen");
    assert_eq!(gone["archive"], received[2]["archive"]);
    assert!(gone["time"].as_str().unwrap().len() >= 19);
    assert_eq!(gone.get("while_stopped"), None);

    // The pack follows; nothing is recorded twice, now or after a restart.
    assert!(intake.needs_build());
    intake.build(&Silent).unwrap();
    assert_eq!(
        sources(&json(&out.join("model.json")), "submissions"),
        ["01-bolig.xlsx"]
    );
    assert_pack_is_build(inbox, out);
    take_in(&mut intake, &hooks);
    drop(intake);
    let mut intake = open(inbox, out, &hooks);
    take_in(&mut intake, &hooks);
    assert!(hooks.take().is_empty());
    assert_eq!(ledger(out).len(), 4);
}

#[test]
fn a_file_removed_while_stopped_is_found_at_start_and_recorded_once() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let bolig = fixture_bytes("departments/01-bolig.xlsx");
    let ssp = fixture_bytes("departments/02-ssp.xlsx");
    write(inbox, "01-bolig.xlsx", &bolig);
    write(inbox, "02-ssp.xlsx", &ssp);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);
    drop(intake);

    // Removed while no watch ran: found when the next one starts.
    std::fs::remove_file(inbox.join("02-ssp.xlsx")).unwrap();
    let hooks = Removals::default();
    let mut intake = open(inbox, out, &hooks);
    let told = hooks.take();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].file, "02-ssp.xlsx");
    assert!(told[0].while_stopped);
    let lines = ledger(out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["event"], "removed");
    assert_eq!(lines[2]["file"], "02-ssp.xlsx");
    assert_eq!(lines[2]["sha256"], sha(&ssp));
    assert_eq!(lines[2]["while_stopped"], true);
    settle_and_build(&mut intake);
    assert_eq!(
        sources(&json(&out.join("model.json")), "submissions"),
        ["01-bolig.xlsx"]
    );
    assert_pack_is_build(inbox, out);
    drop(intake);

    // Two more starts: the ledger read back knows it is recorded.
    for _ in 0..2 {
        let mut intake = open(inbox, out, &hooks);
        take_in(&mut intake, &hooks);
        drop(intake);
        assert!(hooks.take().is_empty());
        assert_eq!(ledger(out).len(), 3);
    }

    // Dropped again: a new arrival of the version it had.
    write(inbox, "02-ssp.xlsx", &ssp);
    let mut intake = open(inbox, out, &hooks);
    settle_and_build(&mut intake);
    let lines = ledger(out);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[3]["event"], "received");
    assert_eq!(lines[3]["file"], "02-ssp.xlsx");
    assert_eq!(lines[3]["returns_to"], lines[1]["time"]);
    assert_eq!(lines[3]["archive"], lines[1]["archive"]);
    assert_eq!(
        sources(&json(&out.join("model.json")), "submissions"),
        ["01-bolig.xlsx", "02-ssp.xlsx"]
    );
    assert_eq!(archive_names(out).len(), 2);
}

#[test]
fn a_file_that_returns_to_an_earlier_version_is_a_new_arrival() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let a = fixture_bytes("departments/01-bolig.xlsx");
    let b = bolig_corrected();
    write(inbox, "01-bolig.xlsx", &a);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);
    write(inbox, "01-bolig.xlsx", &b);
    settle_and_build(&mut intake);
    assert_eq!(
        json(&out.join("model.json"))["submissions"][0]["sha256"],
        sha(&b)
    );

    // A again: the old bytes restored.
    write(inbox, "01-bolig.xlsx", &a);
    let scans = take_in(&mut intake, &Silent);
    let received: Vec<_> = scans.iter().flat_map(|s| &s.received).collect();
    assert_eq!(received.len(), 1);
    intake.build(&Silent).unwrap();

    let lines = ledger(out);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let shas: Vec<&str> = lines
        .iter()
        .map(|l| l["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(shas, [sha(&a), sha(&b), sha(&a)]);
    let back = &lines[2];
    assert_eq!(back["event"], "received");
    assert_eq!(back["status"], "accepted");
    assert_eq!(back["returns_to"], lines[0]["time"]);
    assert_eq!(back["archive"], lines[0]["archive"], "the copy is reused");
    assert_eq!(back["replaces"], sha(&b));
    assert_eq!(back["compared_with"], sha(&b));
    assert!(!back["changes"].as_array().unwrap().is_empty());
    let note = back["note"].as_str().unwrap();
    assert!(
        note.starts_with("01-bolig.xlsx er vendt tilbage til versionen fra ")
            && note.ends_with("; pakken bruger den igen."),
        "{note}"
    );
    assert_eq!(archive_names(out).len(), 2, "one copy per distinct version");

    // The pack uses A's content again.
    let model = json(&out.join("model.json"));
    assert_eq!(model["submissions"][0]["sha256"], sha(&a));
    assert_pack_is_build(inbox, out);

    // The same bytes seen again (a new modification time), or after a
    // restart with no change: still three lines.
    write(inbox, "01-bolig.xlsx", &a);
    std::fs::File::options()
        .write(true)
        .open(inbox.join("01-bolig.xlsx"))
        .unwrap()
        .set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    take_in(&mut intake, &Silent);
    drop(intake);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);
    assert_eq!(ledger(out).len(), 3);
    assert_eq!(
        json(&out.join("model.json"))["submissions"][0]["sha256"],
        sha(&a)
    );
}

#[test]
fn a_broken_copy_dropped_again_is_a_new_arrival_and_the_pack_keeps_the_good_version() {
    let inbox = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (inbox, out) = (inbox.path(), out.path());
    let good = fixture_bytes("departments/01-bolig.xlsx");
    let broken = good[..good.len() / 2].to_vec();
    write(inbox, "01-bolig.xlsx", &good);
    let mut intake = open(inbox, out, &Silent);
    settle_and_build(&mut intake);
    write(inbox, "01-bolig.xlsx", &broken);
    settle_and_build(&mut intake);
    let fixed = bolig_corrected();
    write_aged(inbox, "01-bolig.xlsx", &fixed, Duration::from_secs(3600));
    let saved = bilag::inbox::rfc3339(
        std::fs::metadata(inbox.join("01-bolig.xlsx"))
            .unwrap()
            .modified()
            .unwrap(),
    );
    settle_and_build(&mut intake);
    assert_eq!(ledger(out)[2]["modified"], saved.as_str());

    write(inbox, "01-bolig.xlsx", &broken);
    let report = settle_and_build(&mut intake);
    assert_eq!(report.older_versions, 1);
    let lines = ledger(out);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    let again = &lines[3];
    assert_eq!(again["status"], "rejected");
    assert_eq!(again["returns_to"], lines[1]["time"]);
    assert_eq!(again["archive"], lines[1]["archive"]);
    let note = again["note"].as_str().unwrap();
    assert!(
        note.contains("som ikke kan læses; pakken bruger fortsat den seneste gode version"),
        "{note}"
    );
    // The pack keeps the last good version, and says when the broken one
    // arrived: now, not when it first did.
    let model = json(&out.join("model.json"));
    assert_eq!(model["submissions"][0]["sha256"], sha(&fixed));
    assert_eq!(
        model["submissions"][0]["received"],
        saved.as_str(),
        "when the version in use was saved, not the broken one"
    );
    let findings = json(&out.join("findings.json"));
    let rejected = findings_of(&findings, "01-bolig.xlsx", "file-rejected");
    assert_eq!(rejected.len(), 1);
    let when = chrono::DateTime::parse_from_rfc3339(again["time"].as_str().unwrap())
        .unwrap()
        .format("%d-%m-%Y kl. %H:%M:%S")
        .to_string();
    assert!(
        rejected[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("(modtaget {when})")),
        "{}",
        rejected[0]["message"]
    );
    assert_eq!(archive_names(out).len(), 3);
}

#[test]
fn a_build_names_the_findings_the_previous_build_had_not() {
    // Issue 14: watch says which findings are new, not all of them again.
    let (inbox, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(
        inbox.path(),
        "01-bolig.xlsx",
        &fixture_bytes("departments/01-bolig.xlsx"),
    );
    let mut intake = open(inbox.path(), out.path(), &Silent);
    let first = settle_and_build(&mut intake);
    assert!(
        first.new_findings.is_empty(),
        "nothing to compare the first build with"
    );
    write(
        inbox.path(),
        "03-boern-unge.xlsx",
        &fixture_bytes("departments/03-boern-unge.xlsx"),
    );
    let second = settle_and_build(&mut intake);
    let files: Vec<&str> = second
        .new_findings
        .iter()
        .map(|f| f.file.as_str())
        .collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|f| *f == "03-boern-unge.xlsx"),
        "{files:?}"
    );
    let all: Vec<Value> = json(&out.path().join("findings.json"))
        .as_array()
        .unwrap()
        .clone();
    let of_03 = all
        .iter()
        .filter(|f| f["file"] == "03-boern-unge.xlsx")
        .count();
    assert_eq!(second.new_findings.len(), of_03);
    // Nothing changed: nothing new.
    std::fs::remove_file(inbox.path().join("03-boern-unge.xlsx")).unwrap();
    write(
        inbox.path(),
        "03-boern-unge.xlsx",
        &fixture_bytes("departments/03-boern-unge.xlsx"),
    );
    let third = settle_and_build(&mut intake);
    assert!(third.new_findings.is_empty(), "{:?}", third.new_findings);
}
