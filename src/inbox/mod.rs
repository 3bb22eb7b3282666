//! Folder intake: which files of an inbox are submissions, and reading them
//! all (in parallel) into one model. A file that cannot be read becomes a
//! file-rejected finding; it never stops the other files.

pub mod archive;
pub mod ledger;
pub mod pack;
pub mod versions;
pub mod watch;

use crate::finding::{sort_findings, Code, Finding};
use crate::format::Format;
use crate::model::{Model, Submission};
use crate::normalize::normalize_workbook;
use crate::read::{read_workbook_bytes, Limits};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// File extensions bilag reads (compared case-insensitively).
pub const SPREADSHEET_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Why a file in the inbox is not read, or None when it is a submission.
///
/// ```
/// use bilag::inbox::skip_reason;
/// assert_eq!(skip_reason("01-bolig.XLSX"), None);
/// assert!(skip_reason("~$01-bolig.xlsx").is_some());
/// assert!(skip_reason(".~lock.01-bolig.xlsx#").is_some());
/// assert!(skip_reason("noter.txt").is_some());
/// ```
pub fn skip_reason(name: &str) -> Option<&'static str> {
    if name.starts_with("~$") {
        return Some("Excel-låsefil (filen er åben i Excel)");
    }
    if name.starts_with(".~lock.") {
        return Some("LibreOffice-låsefil (filen er åben i LibreOffice)");
    }
    if name.starts_with('.') {
        return Some("skjult fil");
    }
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext {
        Some(e) if SPREADSHEET_EXTENSIONS.contains(&e.as_str()) => None,
        _ => Some("ikke et regneark (.xlsx, .xlsm, .xlsb, .xls eller .ods)"),
    }
}

/// The files of an inbox folder: submissions to read (sorted by file name)
/// and the entries skipped with the reason (files and sub-folders).
#[derive(Debug, Default, Clone)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(String, &'static str)>,
}

/// Why a sub-folder of the inbox is not read.
pub const SUBFOLDER: &str = "undermappe: bilag læser kun filer, der ligger direkte i indbakken";

/// Lists an inbox folder. Spreadsheets are recognized by content, as the
/// reader recognizes them: a file with a spreadsheet extension is always a
/// submission (a broken one is rejected with the reason); a file with
/// another extension or none is one when its content is a spreadsheet
/// ("budget.xlsx.bak", "01-bolig" without extension), else it is skipped.
/// Lock files and hidden files are skipped by name. Sub-folders are not
/// read; they are listed as skipped.
///
/// # Errors
/// The folder cannot be read.
pub fn list_inbox(dir: &Path) -> std::io::Result<Listing> {
    let limits = Limits::default();
    let mut listing = Listing::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') {
                listing.skipped.push((name, SUBFOLDER));
            }
            continue;
        }
        if !path.is_file() {
            continue;
        }
        match skip_reason(&name) {
            None => listing.files.push(path),
            Some(why) if by_name_only(&name) => listing.skipped.push((name, why)),
            Some(why) => {
                if content_is_spreadsheet(&path, &limits) {
                    listing.files.push(path);
                } else {
                    listing.skipped.push((name, why));
                }
            }
        }
    }
    listing.files.sort_by_key(|p| file_name(p));
    listing.skipped.sort();
    Ok(listing)
}

/// Lock files and hidden files are skipped whatever they hold.
fn by_name_only(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with('.')
}

/// Does a file without a spreadsheet extension hold a spreadsheet? Only
/// files that start like a zip or OLE container (and are not over the size
/// limit) are read to find out.
fn content_is_spreadsheet(path: &Path, limits: &Limits) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if f.read_exact(&mut head).is_err() {
        return false;
    }
    let container =
        head.starts_with(b"PK\x03\x04") || head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let small = f.metadata().is_ok_and(|m| m.len() <= limits.max_file_bytes);
    container
        && small
        && std::fs::read(path).is_ok_and(|bytes| crate::read::is_spreadsheet(&bytes, limits))
}

/// The file name of a path as text.
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// What reading one file gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    Accepted(Box<Submission>, Vec<Finding>),
    Rejected(Finding),
}

/// Lower-case hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads and normalizes one file. Never panics: a panic inside a reader
/// becomes a rejection.
pub fn read_one(path: &Path, format: &Format, limits: &Limits) -> Outcome {
    let name = file_name(path);
    let reject = |why: String| Outcome::Rejected(Finding::new(Code::FileRejected, &name, why));
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return reject(format!(
                "Filen kan ikke åbnes: {}.",
                crate::internal::oserror::danish(&e)
            ))
        }
    };
    if let Some(f) = too_large(&name, meta.len(), limits) {
        return Outcome::Rejected(f);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return reject(format!(
                "Filen kan ikke læses: {}.",
                crate::internal::oserror::danish(&e)
            ))
        }
    };
    let mut outcome = read_bytes(&name, &bytes, format, limits);
    if let (Outcome::Accepted(sub, _), Ok(modified)) = (&mut outcome, meta.modified()) {
        sub.received = Some(rfc3339(modified));
    }
    outcome
}

/// A time as local RFC 3339 to the second ("2026-12-05T10:03:00+01:00").
pub fn rfc3339(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Local>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The file-rejected finding for a file over the size limit, with the
/// reader's own message (one wording for the limit, wherever it is met).
pub fn too_large(name: &str, len: u64, limits: &Limits) -> Option<Finding> {
    crate::read::check_file_size(len, limits)
        .err()
        .map(|e| Finding::new(Code::FileRejected, name, capitalize(&format!("{e}."))))
}

/// Reads and normalizes one file's bytes (see [`read_one`]).
pub fn read_bytes(name: &str, bytes: &[u8], format: &Format, limits: &Limits) -> Outcome {
    let reject = |why: String| Outcome::Rejected(Finding::new(Code::FileRejected, name, why));
    let result = crate::read::catch_panic(|| {
        let wb = read_workbook_bytes(bytes, limits)?;
        Ok::<_, crate::read::ReadError>(normalize_workbook(&wb, name, &sha256_hex(bytes), format))
    });
    match result {
        Err(_) => reject(
            "Regnearket fik læseren til at fejle internt; filen er sandsynligvis beskadiget."
                .into(),
        ),
        Ok(Err(e)) => reject(capitalize(&format!("{e}."))),
        Ok(Ok((sub, findings))) => match findings.iter().find(|f| f.code == Code::FileRejected) {
            Some(f) => Outcome::Rejected(f.clone()),
            None => Outcome::Accepted(Box::new(sub), findings),
        },
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Everything read from a set of files.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub model: Model,
    /// Findings met while reading (not yet reconciled), sorted.
    pub findings: Vec<Finding>,
    pub accepted: Vec<String>,
    pub rejected: Vec<String>,
}

/// Reads files in parallel into one model and reconciles it: the findings
/// hold what reading met and what reconciling found, sorted errors first.
pub fn load_and_reconcile(paths: &[PathBuf], format: &Format, limits: &Limits) -> Loaded {
    load_and_reconcile_with(paths, format, limits, &|_| {})
}

/// [`load_and_reconcile`], calling `done(file name)` as each file has been
/// read (from several threads; for a progress bar).
pub fn load_and_reconcile_with(
    paths: &[PathBuf],
    format: &Format,
    limits: &Limits,
    done: &(dyn Fn(&str) + Sync),
) -> Loaded {
    let mut loaded = load_files_with(paths, format, limits, done);
    reconcile_loaded(&mut loaded, format);
    loaded
}

/// Adds the reconcile findings to what reading found and sorts them.
pub fn reconcile_loaded(loaded: &mut Loaded, format: &Format) {
    loaded
        .findings
        .extend(crate::reconcile::reconcile(&loaded.model, format));
    sort_findings(&mut loaded.findings);
}

/// Reads files in parallel into one model; submissions in file-name order.
pub fn load_files(paths: &[PathBuf], format: &Format, limits: &Limits) -> Loaded {
    load_files_with(paths, format, limits, &|_| {})
}

/// [`load_files`] with a callback per file read (see
/// [`load_and_reconcile_with`]).
pub fn load_files_with(
    paths: &[PathBuf],
    format: &Format,
    limits: &Limits,
    done: &(dyn Fn(&str) + Sync),
) -> Loaded {
    let outcomes: Vec<(String, Outcome)> = paths
        .par_iter()
        .map(|p| {
            let name = file_name(p);
            let outcome = read_one(p, format, limits);
            done(&name);
            (name, outcome)
        })
        .collect();
    assemble(format, outcomes)
}

/// One model from the outcomes of reading files (in any order): accepted
/// submissions in file-name order, the findings of reading sorted. Not yet
/// reconciled (see [`reconcile_loaded`]).
///
/// Departments, not files (contract §1a): of the files that are versions of
/// one submission only the current one stays in the model
/// ([`versions::decide`]); the others move to `model.set_aside`, their own
/// findings are dropped and each gets one `superseded` or `duplicate-file`
/// finding naming the current file. With a roster, `missing-submission` and
/// `unknown-department` are added.
pub fn assemble(format: &Format, mut outcomes: Vec<(String, Outcome)>) -> Loaded {
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut loaded = Loaded {
        model: Model {
            format: format.id.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    for (name, outcome) in outcomes {
        match outcome {
            Outcome::Accepted(sub, findings) => {
                loaded.model.submissions.push(*sub);
                loaded.findings.extend(findings);
                loaded.accepted.push(name);
            }
            Outcome::Rejected(f) => {
                loaded.findings.push(f);
                loaded.rejected.push(name);
            }
        }
    }
    set_aside_versions(&mut loaded);
    let rejected: Vec<Finding> = loaded
        .findings
        .iter()
        .filter(|f| f.code == Code::FileRejected)
        .cloned()
        .collect();
    loaded
        .findings
        .extend(crate::reconcile::departments::check_roster(
            &loaded.model,
            format,
            &rejected,
        ));
    sort_findings(&mut loaded.findings);
    loaded
}

/// Moves every submission that is not current out of the model (see
/// [`assemble`]).
fn set_aside_versions(loaded: &mut Loaded) {
    let subs = &loaded.model.submissions;
    let decisions = versions::decide(subs);
    if decisions.is_empty() {
        return;
    }
    let mut findings = Vec::with_capacity(decisions.len());
    for d in &decisions {
        let entry = versions::set_aside_entry(subs, d);
        findings.push(set_aside_finding(subs, d, &entry));
        loaded.model.set_aside.push(entry);
    }
    let gone: std::collections::HashSet<&str> = decisions
        .iter()
        .map(|d| subs[d.index].source.as_str())
        .collect();
    loaded.findings.retain(|f| !gone.contains(f.file.as_str()));
    let mut index = 0;
    let out: std::collections::HashSet<usize> = decisions.iter().map(|d| d.index).collect();
    loaded.model.submissions.retain(|_| {
        index += 1;
        !out.contains(&(index - 1))
    });
    loaded.findings.extend(findings);
}

/// The superseded / duplicate-file finding for a file set aside.
fn set_aside_finding(
    subs: &[Submission],
    d: &versions::Decision,
    e: &crate::model::SetAside,
) -> Finding {
    use crate::model::SetAsideReason;
    let current = &subs[d.current];
    let when = |s: &Submission| {
        let date = s
            .metadata
            .date
            .as_deref()
            .map(|d| format!("dato {}", crate::normalize::danish::date_dk(d)));
        let rec = s
            .received
            .as_deref()
            .filter(|r| chrono::DateTime::parse_from_rfc3339(r).is_ok())
            .map(|r| format!("gemt {}", crate::normalize::danish::time_dk(r, false)));
        let parts: Vec<String> = date.into_iter().chain(rec).collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    };
    match (e.reason, d.identical_to) {
        (SetAsideReason::DuplicateFile, Some(same)) if same != d.current => Finding::new(
            Code::DuplicateFile,
            &e.source,
            format!(
                "Filen er byte for byte identisk med '{}', som selv er en ældre version af '{}'; den tæller ikke med i pakken, der bruger '{}'.",
                subs[same].source, current.source, current.source
            ),
        ),
        (SetAsideReason::DuplicateFile, _) => Finding::new(
            Code::DuplicateFile,
            &e.source,
            format!(
                "Filen er byte for byte identisk med '{}' og tælles kun én gang; pakken bruger '{}'. Slet kopien fra indbakken, hvis den ikke skal bruges.",
                current.source, current.source
            ),
        ),
        (SetAsideReason::Superseded, _) => Finding::new(
            Code::Superseded,
            &e.source,
            format!(
                "Filen{} er en ældre version af '{}'{} ({}); den er lagt til side og tæller ikke med i pakken.",
                when(&subs[d.index]),
                current.source,
                when(current),
                e.why
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("01-bolig.xlsx", true)]
    #[case("01-bolig.XLSX", true)]
    #[case("budget.Ods", true)]
    #[case("gammel.xls", true)]
    #[case("makro.xlsm", true)]
    #[case("binær.xlsb", true)]
    #[case("~$01-bolig.xlsx", false)]
    #[case(".~lock.01-bolig.xlsx#", false)]
    #[case(".DS_Store", false)]
    #[case("noter.txt", false)]
    #[case("bilag.docx", false)]
    #[case("uden-endelse", false)]
    fn which_files_are_read(#[case] name: &str, #[case] read: bool) {
        assert_eq!(skip_reason(name).is_none(), read, "{name}");
    }

    #[test]
    fn a_file_over_the_limit_has_the_readers_wording() {
        let limits = Limits::default();
        assert!(too_large("x.xlsx", limits.max_file_bytes, &limits).is_none());
        let f = too_large("x.xlsx", 300 * 1024 * 1024, &limits).unwrap();
        assert_eq!(f.code, Code::FileRejected);
        assert_eq!(
            f.message,
            "Regnearket er for stort: filen fylder 300 MB; grænsen er 200 MB."
        );
    }

    #[test]
    fn garbage_bytes_are_rejected_with_the_file_name() {
        match read_bytes(
            "x.xlsx",
            b"not a workbook",
            &Format::default_format(),
            &Limits::default(),
        ) {
            Outcome::Rejected(f) => {
                assert_eq!(f.code, Code::FileRejected);
                assert_eq!(f.file, "x.xlsx");
                assert!(!f.message.is_empty());
            }
            Outcome::Accepted(..) => panic!("garbage accepted"),
        }
    }
}
