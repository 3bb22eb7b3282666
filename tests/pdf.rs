//! `--pdf` (issue 16.3, contract §4): `bilag build` and `bilag watch` also
//! write appendix.pdf and oversigt.pdf by LibreOffice headless — tagged,
//! Danish, titled, the overview sheet only — staged and published with the
//! rest of the pack and named in pack.json. Without LibreOffice bilag stops
//! before anything is read or written; a conversion that fails or runs past
//! its time limit fails the build and leaves the previous pack whole.
//!
//! Tests that need LibreOffice and poppler-utils skip with a note when they
//! are missing, and fail instead when `BILAG_REQUIRE_EXTERNAL=1` (CI). The
//! others use a fake `soffice` (a shell script) and run everywhere on unix.

use bilag::inbox::pack::{publish_with, Manifest};
use bilag::inbox::watch::{convert_staged, Intake, Options, Silent};
use bilag::write::pdf::Soffice;
mod common;

use common::cli::{bilag, build, have, text};
use common::{fixture, pack_json, sha};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether every tool is installed. A missing one skips the test with a
/// note — or fails it when BILAG_REQUIRE_EXTERNAL=1.
fn tools(names: &[&str]) -> bool {
    let missing: Vec<&str> = names.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("BILAG_REQUIRE_EXTERNAL").as_deref() == Ok("1") {
        panic!(
            "BILAG_REQUIRE_EXTERNAL=1 but {missing:?} is not installed \
             (scripts/install-test-deps.sh installs LibreOffice and poppler-utils)"
        );
    }
    eprintln!("SKIPPED: {missing:?} is not installed (LibreOffice, poppler-utils)");
    false
}

/// Every file in OUT but the lock, with its bytes' sha256.
fn snapshot(out: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".bilag.lock")
        .map(|n| {
            let p = out.join(&n);
            let s = if p.is_file() {
                sha(&std::fs::read(&p).unwrap())
            } else {
                "folder".into()
            };
            (n, s)
        })
        .collect();
    v.sort();
    v
}

fn pdfinfo(pdf: &Path) -> String {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    assert!(o.status.success(), "pdfinfo {}", pdf.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn info_field(info: &str, field: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in\n{info}"))
        .trim()
        .to_string()
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

/// An executable shell script (a fake soffice) in `dir`.
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A fake soffice that "converts" like LibreOffice: writes
/// `<outdir>/<stem>.pdf` for its last argument.
#[cfg(unix)]
const FAKE_CONVERTER: &str = r#"out=""; prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; last="$a"; done
stem=$(basename "$last"); stem="${stem%.*}"
printf '%%PDF-1.4 fake of %s\n' "$stem" > "$out/$stem.pdf""#;

#[test]
fn build_pdf_writes_tagged_danish_pdfs_named_in_pack_json() {
    if !tools(&["soffice", "pdfinfo", "pdftotext"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("departments"), &out, &["--pdf", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // pack.json names both PDFs with the sha256 of the bytes in OUT.
    let manifest = pack_json(&out);
    let files = manifest["files"].as_array().unwrap();
    for name in ["appendix.pdf", "oversigt.pdf"] {
        let listed = files
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in pack.json: {manifest}"));
        assert_eq!(
            listed["sha256"].as_str().unwrap(),
            sha(&std::fs::read(out.join(name)).unwrap()),
            "{name}"
        );
    }
    // The report page links both PDFs.
    let page = std::fs::read_to_string(out.join("rapport.html")).unwrap();
    for name in ["appendix.pdf", "oversigt.pdf"] {
        assert!(
            page.contains(&format!("<a href=\"{name}\">{name}</a>")),
            "rapport.html does not link {name}"
        );
    }
    // Nothing of LibreOffice's work is left in OUT.
    let names: Vec<String> = snapshot(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "appendix.docx",
            "appendix.pdf",
            "budget.xlsx",
            "findings.json",
            "model.json",
            "oversigt.pdf",
            "pack.json",
            "rapport-build.js",
            "rapport.html"
        ]
    );

    let title = bilag::format::Format::default_format().title();
    let appendix = out.join("appendix.pdf");
    let info = pdfinfo(&appendix);
    assert_eq!(info_field(&info, "Tagged"), "yes", "{info}");
    assert_eq!(info_field(&info, "Title"), title, "{info}");
    let pages: usize = info_field(&info, "Pages").parse().unwrap();
    assert!(pages > 1, "appendix has {pages} pages");
    let bytes = std::fs::read(&appendix).unwrap();
    assert!(
        bytes.windows(12).any(|w| w == b"/Lang(da-DK)"),
        "appendix.pdf declares Danish"
    );
    let text = pdftotext(&appendix);
    assert!(text.contains("Til Socialudvalget"), "{text}");
    assert!(text.contains(&title), "{text}");

    let oversigt = out.join("oversigt.pdf");
    let info = pdfinfo(&oversigt);
    assert_eq!(info_field(&info, "Tagged"), "yes", "{info}");
    assert!(
        info_field(&info, "Title").contains("Økonomisk oversigt"),
        "{info}"
    );
    let pages: usize = info_field(&info, "Pages").parse().unwrap();
    assert!((1..=2).contains(&pages), "oversigt has {pages} pages");
    let bytes = std::fs::read(&oversigt).unwrap();
    assert!(
        bytes.windows(12).any(|w| w == b"/Lang(da-DK)"),
        "oversigt.pdf declares Danish (the private profile's locale)"
    );
    let text = pdftotext(&oversigt);
    // The overview, with Danish numbers…
    assert!(text.contains("I ALT"), "{text}");
    assert!(text.contains("81,66"), "{text}");
    // …and nothing of the other sheets: Status, department sheets, Kilder
    // (its column headings), Afstemning (a finding's code and its headings).
    for other in [
        "Kilder",
        "Afstemning",
        "Kildefil",
        "economy-mismatch",
        "Alvor",
        "Afleveret",
        "Status ift. målopfyldelse",
    ] {
        assert!(!text.contains(other), "{other:?} in oversigt.pdf:\n{text}");
    }
}

#[test]
fn build_pdf_without_libreoffice_exits_2_before_reading_or_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    // A previous pack, without --pdf.
    let o = build(&fixture("departments"), &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = snapshot(&out);

    let o = build(
        &fixture("departments"),
        &out,
        &["--pdf", "--soffice", "/nonexistent/soffice"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("LibreOffice"), "{said}");
    assert!(said.contains("/nonexistent/soffice findes ikke"), "{said}");
    assert!(said.contains("uden --pdf"), "{said}");
    assert_eq!(snapshot(&out), before, "the previous pack is untouched");

    // A new OUT is not even created.
    let fresh = dir.path().join("ny");
    let o = build(
        &fixture("departments"),
        &fresh,
        &["--pdf", "--soffice", "/nonexistent/soffice"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!fresh.exists(), "nothing is written without LibreOffice");

    // Watch checks first too.
    let o = bilag(&[
        "watch",
        fixture("departments").to_str().unwrap(),
        "--out",
        fresh.to_str().unwrap(),
        "--pdf",
        "--soffice",
        "/nonexistent/soffice",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("LibreOffice"), "{}", text(&o));
    assert!(!fresh.exists(), "watch writes nothing without LibreOffice");
}

#[test]
fn soffice_without_pdf_is_a_danish_usage_error() {
    let o = bilag(&["build", "x", "--out", "y", "--soffice", "/usr/bin/soffice"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--pdf"), "{}", text(&o));
    assert!(!text(&o).contains("required"), "{}", text(&o));
}

#[cfg(unix)]
#[test]
fn a_failed_conversion_fails_the_build_and_leaves_the_previous_pack_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("departments"), &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = snapshot(&out);

    // LibreOffice answers 0 when it cannot load a file; bilag goes by the
    // PDF, not the exit status.
    let fake = script(
        dir.path(),
        "soffice",
        "echo 'Error: source file could not be loaded'; exit 0",
    );
    let o = bilag(&[
        "build",
        fixture("departments").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pdf",
        "--soffice",
        fake.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("appendix.pdf"), "{said}");
    assert!(said.contains("LibreOffice lavede ingen PDF"), "{said}");
    assert!(said.contains("source file could not be loaded"), "{said}");
    assert_eq!(snapshot(&out), before, "the previous pack is whole");

    // A converter that works: the PDFs join the pack.
    let fake = script(dir.path(), "soffice-ok", FAKE_CONVERTER);
    let o = bilag(&[
        "build",
        fixture("departments").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pdf",
        "--quiet",
        "--soffice",
        fake.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let oversigt = std::fs::read_to_string(out.join("oversigt.pdf")).unwrap();
    // LibreOffice got the one-sheet copy of the workbook, not budget.xlsx.
    assert_eq!(oversigt, "%PDF-1.4 fake of oversigt\n");
    let appendix = std::fs::read_to_string(out.join("appendix.pdf")).unwrap();
    assert_eq!(appendix, "%PDF-1.4 fake of appendix\n");
}

#[cfg(unix)]
#[test]
fn a_conversion_past_its_time_limit_is_stopped_and_the_previous_pack_stays() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("departments"), &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = snapshot(&out);

    // A LibreOffice that hangs, with a child of its own (as oosplash starts
    // soffice.bin): both must be stopped.
    let pids = dir.path().join("pids");
    let fake = script(
        dir.path(),
        "soffice",
        &format!("sleep 60 &\necho $! > '{}'\nwait", pids.display()),
    );
    let soffice = Soffice::find(Some(&fake))
        .unwrap()
        .with_time_limit(Duration::from_millis(800));
    let manifest = Manifest {
        build: "timeout-test".into(),
        ..Manifest::default()
    };
    let started = Instant::now();
    let err = publish_with(&out, manifest, |staging| {
        for name in ["appendix.docx", "budget.xlsx"] {
            std::fs::copy(out.join(name), staging.join(name)).unwrap();
        }
        convert_staged(&soffice, staging)
    })
    .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let said = err.to_string();
    assert!(said.contains("appendix.pdf"), "{said}");
    assert!(
        said.contains("blev ikke færdig inden for 0,8 sekunder"),
        "{said}"
    );
    assert_eq!(snapshot(&out), before, "the previous pack is whole");

    // The child was stopped with its parent (the process group).
    let child = std::fs::read_to_string(&pids).unwrap();
    let gone = (0..50).any(|_| {
        let alive = Command::new("kill")
            .args(["-0", child.trim()])
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if alive {
            std::thread::sleep(Duration::from_millis(100));
        }
        !alive
    });
    assert!(gone, "the sleeping child {} still runs", child.trim());
}

#[cfg(unix)]
#[test]
fn watch_publishes_the_pdfs_with_every_pack() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("indbakke");
    let out = dir.path().join("pakke");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    for e in std::fs::read_dir(fixture("departments")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, inbox.join(p.file_name().unwrap())).unwrap();
    }
    let fake = script(dir.path(), "soffice", FAKE_CONVERTER);

    struct Told(std::sync::atomic::AtomicUsize);
    impl bilag::inbox::watch::Hooks for Told {
        fn converting_pdf(&self) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let told = Told(Default::default());
    let opts = Options {
        inbox: inbox.clone(),
        out: out.clone(),
        format: bilag::format::Format::default_format(),
        limits: bilag::read::Limits::default(),
        settle: Duration::from_millis(20),
        pdf: Some(Soffice::find(Some(&fake)).unwrap()),
    };
    let mut intake = Intake::open(opts, &Silent).unwrap();
    for _ in 0..1000 {
        intake.scan(&Silent).unwrap();
        if !intake.looking() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    intake.build(&told).unwrap();
    assert_eq!(told.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    let manifest = pack_json(&out);
    let names: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"appendix.pdf"), "{names:?}");
    assert!(names.contains(&"oversigt.pdf"), "{names:?}");
}

#[test]
fn help_tells_of_pdf_in_danish() {
    for cmd in ["build", "watch"] {
        let o = bilag(&[cmd, "--help"]);
        let help = text(&o);
        assert!(help.contains("--pdf"), "{help}");
        assert!(help.contains("--soffice <STI>"), "{help}");
        assert!(help.contains("LibreOffice"), "{help}");
    }
}
