//! Reads every file of a corpus of odd spreadsheets (calamine's test files)
//! and checks that each one ends in `Ok` or a clear `ReadError`: no panic, no
//! abort, no hang. Each file is read in its own thread with a time bound.
//!
//! The corpus is test data only and not part of the repository: the test
//! looks in `$BILAG_CORPUS`, else `../shared/corpus/calamine-tests` beside the checkout, and
//! passes with a note when neither exists.
//!
//! `cargo test --release --test corpus_sweep -- --nocapture` prints a table
//! of every file's outcome and the total time.

mod external;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bilag::read::{read_workbook, Limits, ReadError, Workbook};

/// Generous for a debug build on a shared 2-core machine; the whole corpus
/// reads in about a second in release.
const PER_FILE: Duration = Duration::from_secs(20);

mod common;
use common::corpus_dir;

enum Outcome {
    Read(Workbook),
    Rejected(ReadError),
    Panicked(String),
    TimedOut,
}

fn read_bounded(path: &Path) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    let handle = std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| read_workbook(&p, &Limits::default()));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(PER_FILE) {
        Ok(Ok(Ok(wb))) => Outcome::Read(wb),
        Ok(Ok(Err(e))) => Outcome::Rejected(e),
        Ok(Err(panic)) => Outcome::Panicked(
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
        Err(_) => {
            drop(handle); // left running; the test fails below
            Outcome::TimedOut
        }
    }
}

fn kind(e: &ReadError) -> &'static str {
    match e {
        ReadError::Io(_) => "Io",
        ReadError::NotASpreadsheet => "NotASpreadsheet",
        ReadError::Encrypted => "Encrypted",
        ReadError::Corrupt(_) => "Corrupt",
        ReadError::TooLarge(_) => "TooLarge",
    }
}

#[test]
fn every_corpus_file_reads_or_is_rejected_with_a_reason() {
    let dir = corpus_dir();
    if !external::available(
        "the calamine corpus (../shared/corpus/calamine-tests or BILAG_CORPUS)",
        dir.is_some(),
    ) {
        return;
    }
    let dir = dir.unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();

    let start = Instant::now();
    let (mut ok, mut rejected, mut bad) = (0, 0, Vec::new());
    let mut outcomes = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let t = Instant::now();
        let outcome = read_bounded(path);
        let ms = t.elapsed().as_millis();
        let line = match &outcome {
            Outcome::Read(wb) => {
                ok += 1;
                let cells: usize = wb
                    .sheets
                    .iter()
                    .flat_map(|s| &s.rows)
                    .map(|r| r.cells.len())
                    .sum();
                // The normalizer must survive whatever the reader hands it.
                let fmt = bilag::format::Format::default_format();
                let normalized = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    bilag::normalize::normalize_workbook(wb, &name, "", &fmt)
                }));
                let parts = match normalized {
                    Ok((sub, findings)) => format!(
                        "initiatives={} lines={} findings={}",
                        sub.initiatives.len(),
                        sub.budget_lines.len(),
                        findings.len()
                    ),
                    Err(_) => {
                        bad.push(name.clone());
                        "NORMALIZE PANIC".to_string()
                    }
                };
                format!(
                    "ok {} sheets={} cells={} {parts}",
                    wb.kind.as_str(),
                    wb.sheets.len(),
                    cells
                )
            }
            Outcome::Rejected(e) => {
                rejected += 1;
                format!("{}: {e}", kind(e))
            }
            Outcome::Panicked(m) => {
                bad.push(name.clone());
                format!("PANIC {m}")
            }
            Outcome::TimedOut => {
                bad.push(name.clone());
                "TIMEOUT".to_string()
            }
        };
        println!("{name:<45} {ms:>6} ms  {line}");
        outcomes.push((name, outcome));
    }
    println!(
        "corpus_sweep: {} files, {ok} read, {rejected} rejected, {} bad, {:.2} s",
        files.len(),
        bad.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(bad.is_empty(), "panicked or hung: {bad:?}");

    // Files whose outcome is known: they must be rejected for the right reason.
    let expect = |file: &str, want: &str| {
        if let Some((_, o)) = outcomes.iter().find(|(n, _)| n == file) {
            match o {
                Outcome::Rejected(e) => assert_eq!(kind(e), want, "{file}: {e}"),
                _ => panic!("{file}: expected {want}"),
            }
        }
    };
    expect("pass_protected.xlsx", "Encrypted");
    expect("pass_protected.xlsb", "Encrypted");
    expect("pass_protected.ods", "Encrypted");
    expect("adhocallbabynames1996to2016.xls", "NotASpreadsheet"); // empty file
    expect("too_small.xls", "NotASpreadsheet"); // a text file
    expect("issue_385.xls", "Encrypted"); // FILEPASS
    expect("OOM_alloc3.xls", "Corrupt"); // FAT points past the end of the file
    expect("issue252.xlsx", "Corrupt"); // zip entries with bad sizes/CRCs
    expect("issue_594_dos.ods", "TooLarge"); // a billion repeated rows × columns
}
