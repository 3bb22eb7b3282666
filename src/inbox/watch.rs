//! `bilag watch`: turns a shared inbox folder into an up-to-date pack,
//! keeping a copy and a ledger line of every version ever dropped.
//!
//! [`Intake`] holds the state; [`Intake::scan`] looks at the inbox and takes
//! in every file that has become complete, [`Intake::build`] rebuilds the
//! pack when what it would contain changed, and [`watch`] runs the two on
//! every change notify reports (or every poll on a network drive).
//!
//! - A file is read only when complete: two looks at least `settle` apart
//!   agree on its size and modification time, and its bytes do not change
//!   while they are read. A workbook that does not open is rejected only
//!   when its bytes are still the same three `settle`s later (a copy may
//!   have paused); a file that cannot be opened at all (in use, no access)
//!   waits.
//! - The inbox is only ever read. Every new (file name, sha256) is copied to
//!   `OUT/archive/` and gets a line in `OUT/ledger.jsonl`; the same bytes
//!   under the same name seen again are recorded once, also across restarts
//!   (the state is read back from the ledger). A file that returns to bytes
//!   it held before (A → B → A) is a new arrival: a new line (`returns_to`)
//!   that reuses the earlier archive copy.
//! - A file that leaves the inbox gets a `"removed"` line, also when it left
//!   while the watch was stopped (found when it starts; recorded once).
//! - Versions of one submission are decided as in `bilag build`
//!   ([`assemble`]): a re-save under another name replaces its predecessor in
//!   the pack, and its ledger line says which file it supersedes and what
//!   changed against that file's version.
//! - The pack is built from the archive copies of the versions in the inbox.
//!   When the version in the inbox was rejected, the last accepted version of
//!   that file is used instead and a file-rejected finding says so.
//! - The pack is published by [`publish_with`]: staged, renamed into place,
//!   `pack.json` last.

use super::archive::Archive;
use super::ledger::{Entry, Ledger, Record, Removal, Status};
use super::pack::{publish_with, remove_stale, write_pack, Manifest, ManifestInput};
use super::versions::decide;
use super::{assemble, list_inbox, read_bytes, reconcile_loaded, sha256_hex, Listing, Outcome};
use crate::finding::{count_by_severity, sort_findings, Code, Finding};
use crate::format::Format;
use crate::model::{SetAsideReason, Submission};
use crate::normalize::danish::time_dk;
use crate::read::Limits;
use crate::reconcile::departments::Status as DepartmentStatus;
use crate::reconcile::diff::diff_submissions;
use crate::write::pdf::Soffice;
use crate::write::WriteError;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

/// Writes appendix.pdf and oversigt.pdf (`--pdf`) from the appendix.docx
/// and budget.xlsx staged in `staging`, so they are published with them and
/// named in pack.json.
///
/// # Errors
/// A Danish [`WriteError`] naming the PDF that LibreOffice could not make.
pub fn convert_staged(soffice: &Soffice, staging: &Path) -> Result<(), WriteError> {
    use super::pack::{APPENDIX_DOCX, BUDGET_XLSX};
    soffice.convert_pack(
        &staging.join(APPENDIX_DOCX),
        &staging.join(BUDGET_XLSX),
        staging,
    )
}

/// What a watch needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    pub inbox: PathBuf,
    pub out: PathBuf,
    pub format: Format,
    pub limits: Limits,
    /// Least time between the two looks that must agree before a file is read.
    pub settle: Duration,
    /// `--pdf`: every pack published also gets appendix.pdf and
    /// oversigt.pdf, made by this LibreOffice.
    pub pdf: Option<Soffice>,
}

/// Called as a watch goes on (from several threads while files are read).
/// Every method does nothing by default.
pub trait Hooks: Sync {
    /// The watcher runs: from now on a change in the inbox is noticed.
    /// Called once by [`watch`], before its first scan.
    fn watching(&self) {}
    /// `n` new file versions are about to be read.
    fn reading(&self, _n: usize) {}
    /// One of them has been read.
    fn read_one(&self, _file: &str) {}
    /// All of them have been read.
    fn read_done(&self) {}
    /// A new version was archived and ledgered.
    fn received(&self, _entry: &Entry) {}
    /// A file that was received is no longer in the inbox (its removal is
    /// ledgered).
    fn removed(&self, _removal: &Removal) {}
    /// A pack is being built from `n` files.
    fn building(&self, _n: usize) {}
    /// LibreOffice is about to make the pack's PDFs (`--pdf`; slow).
    fn converting_pdf(&self) {}
    /// A pack was published.
    fn built(&self, _report: &BuildReport) {}
    /// Something went wrong that the watch survives (Danish text).
    fn warn(&self, _message: &str) {}
    /// True once the watch was asked to stop (Ctrl-C, SIGTERM): a scan then
    /// reads and records no more versions; those already recorded stay.
    fn stopping(&self) -> bool {
        false
    }
}

/// Hooks that do nothing.
pub struct Silent;
impl Hooks for Silent {}

/// The summary of one build (also `--json`'s line).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BuildReport {
    /// When the build finished (local time, RFC 3339).
    pub time: String,
    /// Build id (also in `pack.json`); `null` for `bilag build`.
    pub build: Option<String>,
    /// Files whose version in the inbox was read.
    pub accepted: usize,
    /// Files whose version in the inbox could not be read.
    pub rejected: usize,
    /// Of those, files whose last accepted version is in the pack instead.
    pub older_versions: usize,
    /// Lock files, hidden files and other files that are not spreadsheets.
    pub skipped: usize,
    /// Files still being written (not in this build, or with their previous
    /// version).
    pub waiting: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Where the pack is.
    pub out: String,
    /// Files read but set aside (older versions, identical copies).
    pub set_aside: usize,
    /// Who has sent what, one line ("3 af 4 afdelinger har afleveret;
    /// mangler: SSP København").
    pub departments: String,
    /// Findings this build has that the watch's previous build had not
    /// (empty at the first build): what a person should look at now.
    #[serde(skip)]
    pub new_findings: Vec<Finding>,
}

/// What one scan of the inbox did.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Versions archived and ledgered in this scan.
    pub received: Vec<Entry>,
    /// Files gone from the inbox, ledgered in this scan.
    pub removed: Vec<Removal>,
    /// Files not read yet (still changing, or waiting for a second look).
    pub waiting: Vec<String>,
    pub skipped: usize,
}

/// Errors that stop a watch.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("kan ikke bruge {path}: {}", crate::internal::oserror::danish(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("kan ikke holde øje med {path}: {message}")]
    Notify { path: String, message: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> WatchError {
    let path = path.display().to_string();
    move |source| WatchError::Io { path, source }
}

type Key = (u64, Option<SystemTime>);

#[derive(Debug, Clone, Copy)]
struct Look {
    key: Key,
    at: Instant,
}

#[derive(Debug, Clone)]
struct Current {
    sha: String,
    key: Key,
}

#[derive(Debug)]
struct Version {
    entry: Entry,
    outcome: Option<Outcome>,
}

/// The state of a watch: ledger, archive and what is in the inbox.
pub struct Intake {
    opts: Options,
    ledger: Ledger,
    archive: Archive,
    /// Every ledgered version: (file, sha256) → the line that first received
    /// it (and named its archive copy) and, when loaded, what reading it gave.
    versions: HashMap<(String, String), Version>,
    /// Per file: the latest line that received a version, and the sha256 of
    /// the latest accepted version.
    latest: HashMap<String, Entry>,
    last_accepted: HashMap<String, String>,
    /// Per file: when its latest accepted version was saved (the file's
    /// modification time then; the ledger time for lines without one).
    accepted_saved: HashMap<String, String>,
    /// Files whose latest ledger line is a removal.
    removed: HashSet<String>,
    /// Received files missing from the inbox, not yet ledgered as removed:
    /// when first missed.
    missing: HashMap<String, Instant>,
    /// Files in the inbox whose version is ledgered, with the size and
    /// modification time it had when read.
    current: BTreeMap<String, Current>,
    /// First looks at files not yet read.
    looks: HashMap<String, Look>,
    /// Files whose stable bytes did not open: sha256 and when first seen.
    failing: HashMap<String, (String, Instant)>,
    waiting: BTreeSet<String>,
    skipped: usize,
    last_inputs: Option<Vec<ManifestInput>>,
    /// The previous build's findings, to tell which are new.
    last_findings: Option<HashSet<Finding>>,
    builds: u64,
}

impl Intake {
    /// Opens OUT (creating it), cleans what a killed run left there, reads
    /// the ledger back, and ledgers as removed every file the ledger last
    /// saw in the inbox that is not there now (removed while the watch was
    /// stopped).
    ///
    /// # Errors
    /// OUT, its archive or its ledger cannot be created, read or written.
    pub fn open(opts: Options, hooks: &dyn Hooks) -> Result<Intake, WatchError> {
        let out = opts.out.clone();
        std::fs::create_dir_all(&out).map_err(io_err(&out))?;
        remove_stale(&out);
        let (ledger, recovered) = Ledger::open(&out).map_err(io_err(&out))?;
        if recovered.torn_bytes > 0 {
            hooks.warn(&format!(
                "den sidste linje i {} var ufuldstændig (afbrudt skrivning) og er fjernet; versionen registreres igen",
                ledger.path().display()
            ));
        }
        for n in &recovered.bad_lines {
            hooks.warn(&format!(
                "linje {n} i {} er ikke en gyldig linje og springes over",
                ledger.path().display()
            ));
        }
        let known: HashSet<String> = recovered
            .entries
            .iter()
            .map(|r| match r {
                Record::Received(e) => e.archive.clone(),
                Record::Removed(r) => r.archive.clone(),
            })
            .collect();
        let archive = Archive::open(&out, &known).map_err(io_err(&out.join("archive")))?;
        let mut intake = Intake {
            opts,
            ledger,
            archive,
            versions: HashMap::new(),
            latest: HashMap::new(),
            last_accepted: HashMap::new(),
            accepted_saved: HashMap::new(),
            removed: HashSet::new(),
            missing: HashMap::new(),
            current: BTreeMap::new(),
            looks: HashMap::new(),
            failing: HashMap::new(),
            waiting: BTreeSet::new(),
            skipped: 0,
            last_inputs: None,
            last_findings: None,
            builds: 0,
        };
        for r in recovered.entries {
            intake.remember(r, None);
        }
        // An inbox that cannot be listed now (a network drive away) says
        // nothing about what was removed; the first scan reports the error.
        if let Ok(listing) = list_inbox(&intake.opts.inbox) {
            intake.record_removals(&inbox_names(&listing), true, hooks)?;
        }
        Ok(intake)
    }

    fn remember(&mut self, record: Record, outcome: Option<Outcome>) {
        let entry = match record {
            Record::Removed(r) => {
                self.removed.insert(r.file);
                return;
            }
            Record::Received(e) => e,
        };
        self.removed.remove(&entry.file);
        if entry.status == Status::Accepted {
            self.last_accepted
                .insert(entry.file.clone(), entry.sha256.clone());
            let saved = entry.modified.clone().unwrap_or_else(|| entry.time.clone());
            self.accepted_saved.insert(entry.file.clone(), saved);
        }
        self.latest.insert(entry.file.clone(), entry.clone());
        // A version received again (A → B → A) keeps the line that first
        // received it: its time and archive copy name the version.
        match self
            .versions
            .entry((entry.file.clone(), entry.sha256.clone()))
        {
            std::collections::hash_map::Entry::Occupied(mut v) => {
                if v.get().outcome.is_none() {
                    v.get_mut().outcome = outcome;
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(Version { entry, outcome });
            }
        }
    }

    /// Ledgers a removal for every file whose latest line received a
    /// version and that is not among `names` (the inbox's spreadsheets).
    /// While watching, a file counts as gone only when two looks at least
    /// `settle` apart miss it: a program that saves by renaming the old file
    /// away and the new one into place leaves it missing for a moment.
    fn record_removals(
        &mut self,
        names: &HashSet<String>,
        while_stopped: bool,
        hooks: &dyn Hooks,
    ) -> Result<Vec<Removal>, WatchError> {
        let now = Instant::now();
        self.missing.retain(|f, _| !names.contains(f));
        let mut gone: Vec<&Entry> = Vec::new();
        for e in self.latest.values() {
            if self.removed.contains(&e.file) || names.contains(&e.file) {
                continue;
            }
            let since = *self.missing.entry(e.file.clone()).or_insert(now);
            if while_stopped || now.duration_since(since) >= self.opts.settle {
                gone.push(e);
            }
        }
        gone.sort_by(|a, b| a.file.cmp(&b.file));
        let time = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let gone: Vec<Removal> = gone
            .into_iter()
            .map(|e| Removal {
                time: time.clone(),
                file: e.file.clone(),
                sha256: e.sha256.clone(),
                archive: e.archive.clone(),
                while_stopped,
            })
            .collect();
        for removal in &gone {
            let record = Record::Removed(removal.clone());
            self.ledger
                .append(&record)
                .map_err(io_err(self.ledger.path()))?;
            self.current.remove(&removal.file);
            self.missing.remove(&removal.file);
            self.remember(record, None);
            hooks.removed(removal);
        }
        Ok(gone)
    }

    /// Files not read yet (still changing, or waiting for a second look).
    pub fn waiting(&self) -> &BTreeSet<String> {
        &self.waiting
    }

    /// Whether a scan has something to look at again after `settle`: a file
    /// not read yet, or one missed once that may be gone.
    pub fn looking(&self) -> bool {
        !self.waiting.is_empty() || !self.missing.is_empty()
    }

    /// Looks at the inbox once: ledgers files that are gone, takes a look at
    /// changed ones, and reads, archives and ledgers every file whose two
    /// looks agree.
    ///
    /// # Errors
    /// The inbox cannot be listed, or a version or removal cannot be
    /// archived or ledgered (it is tried again at the next scan).
    pub fn scan(&mut self, hooks: &dyn Hooks) -> Result<ScanReport, WatchError> {
        let listing = list_inbox(&self.opts.inbox).map_err(io_err(&self.opts.inbox))?;
        let now = Instant::now();
        let names = inbox_names(&listing);
        let mut report = ScanReport {
            removed: self.record_removals(&names, false, hooks)?,
            ..ScanReport::default()
        };
        self.looks.retain(|n, _| names.contains(n));
        self.failing.retain(|n, _| names.contains(n));
        self.skipped = listing.skipped.len();

        let mut waiting = BTreeSet::new();
        let mut candidates: Vec<(String, PathBuf, Key)> = Vec::new();
        for path in &listing.files {
            let name = super::file_name(path);
            let Some(key) = stat(path) else {
                waiting.insert(name);
                continue;
            };
            if self.current.get(&name).is_some_and(|c| c.key == key) {
                continue;
            }
            match self.looks.get(&name) {
                Some(l) if l.key == key && now.duration_since(l.at) >= self.opts.settle => {
                    candidates.push((name, path.clone(), key));
                }
                Some(l) if l.key == key => {
                    waiting.insert(name);
                }
                _ => {
                    self.looks.insert(name.clone(), Look { key, at: now });
                    waiting.insert(name);
                }
            }
        }

        // Read the candidates in parallel; parse only versions not yet known.
        let (format, limits) = (&self.opts.format, &self.opts.limits);
        let versions = &self.versions;
        // What each file in the inbox held when last seen.
        let held: HashMap<&str, &str> = self
            .latest
            .iter()
            .filter(|(f, _)| !self.removed.contains(*f))
            .map(|(f, e)| (f.as_str(), e.sha256.as_str()))
            .collect();
        let new_count = candidates.len();
        if new_count > 0 {
            hooks.reading(new_count);
        }
        let mut reads: Vec<(String, Key, Result<Read, NotRead>)> = candidates
            .into_par_iter()
            .map(|(name, path, key)| {
                let r = if hooks.stopping() {
                    Err(NotRead::Stopping)
                } else {
                    let held = held.get(name.as_str()).copied();
                    read_candidate(&name, &path, key, held, versions, format, limits)
                };
                hooks.read_one(&name);
                (name, key, r)
            })
            .collect();
        reads.sort_by(|a, b| a.0.cmp(&b.0));
        if new_count > 0 {
            hooks.read_done();
        }

        let mut arrivals = Vec::new();
        for (name, key, read) in reads {
            if hooks.stopping() {
                waiting.insert(name);
                continue;
            }
            let read = match read {
                Ok(r) => r,
                Err(why) => {
                    // Could not open or the file changed while read: look again.
                    if let NotRead::Unreadable(_) = why {
                        hooks.warn(&format!("{name} kan ikke åbnes endnu ({why}); prøver igen"));
                    }
                    self.looks.insert(name.clone(), Look { key, at: now });
                    waiting.insert(name);
                    continue;
                }
            };
            let (sha, bytes, outcome, returns) = match read {
                Read::Known { sha } => {
                    self.looks.remove(&name);
                    self.failing.remove(&name);
                    self.current.insert(name, Current { sha, key });
                    continue;
                }
                Read::Return { sha, bytes } => match self.outcome(&name, &sha) {
                    Some(o) => (sha, bytes, o, true),
                    None => {
                        let outcome =
                            read_version(&name, &bytes, &self.opts.format, &self.opts.limits);
                        (sha, bytes, outcome, false)
                    }
                },
                Read::New {
                    sha,
                    bytes,
                    outcome,
                } => (sha, bytes, outcome, false),
            };
            if let Outcome::Rejected(_) = outcome {
                // Rejected only when the same bytes still fail
                // REJECT_AFTER_SETTLES settles later: a copy that paused
                // gets time to go on.
                match self.failing.get(&name) {
                    Some((s, since))
                        if *s == sha
                            && now.duration_since(*since)
                                >= self.opts.settle * REJECT_AFTER_SETTLES => {}
                    Some((s, _)) if *s == sha => {
                        waiting.insert(name);
                        continue;
                    }
                    _ => {
                        self.failing.insert(name.clone(), (sha, now));
                        waiting.insert(name);
                        continue;
                    }
                }
            }
            arrivals.push(Arrival {
                name,
                sha,
                key,
                bytes,
                outcome,
                returns,
            });
        }

        let mut placements = self.placements(&arrivals);
        for a in arrivals {
            let placement = placements.remove(&a.name).unwrap_or_default();
            let entry = self.record(&a, placement)?;
            hooks.received(&entry);
            report.received.push(entry);
            self.looks.remove(&a.name);
            self.failing.remove(&a.name);
            self.current.insert(
                a.name,
                Current {
                    sha: a.sha,
                    key: a.key,
                },
            );
        }
        // A file waiting for a new version keeps its previous one in the pack.
        self.waiting = waiting;
        report.waiting = self.waiting.iter().cloned().collect();
        report.skipped = self.skipped;
        Ok(report)
    }

    /// The submission the pack uses for each file in the inbox (as
    /// [`Intake::build`] gives them to [`assemble`]), by file name.
    fn pack_submissions(&mut self) -> BTreeMap<String, Submission> {
        let mut subs = BTreeMap::new();
        for input in self.inputs() {
            let Some(used) = &input.used_sha256 else {
                continue;
            };
            if let Some(Outcome::Accepted(sub, _)) = self.outcome(&input.file, used) {
                let mut sub = *sub;
                sub.received = self.received(&input.file);
                subs.insert(input.file, sub);
            }
        }
        subs
    }

    /// When the version of a file the pack uses was received, as a
    /// submission says it: the file's modification time, as in a one-shot
    /// build. When the version in the inbox was rejected and the pack uses
    /// the last accepted one, when that one was saved.
    fn received(&self, name: &str) -> Option<String> {
        let cur = self.current.get(name)?;
        let accepted = self
            .versions
            .get(&(name.to_string(), cur.sha.clone()))
            .is_some_and(|v| v.entry.status == Status::Accepted);
        if accepted {
            cur.key.1.map(super::rfc3339)
        } else {
            self.accepted_saved.get(name).cloned()
        }
    }

    /// Where each accepted arrival stands among the versions of its
    /// submission (contract §1a), decided as the next build will decide it:
    /// the pack's submissions before this scan's arrivals, and after.
    fn placements(&mut self, arrivals: &[Arrival]) -> HashMap<String, Placement> {
        let mut out = HashMap::new();
        if !arrivals
            .iter()
            .any(|a| matches!(a.outcome, Outcome::Accepted(..)))
        {
            return out;
        }
        let before = self.pack_submissions();
        let mut after = before.clone();
        for a in arrivals {
            let sub = match &a.outcome {
                Outcome::Accepted(sub, _) => Some((**sub).clone()),
                // The pack keeps the file's last accepted version.
                Outcome::Rejected(_) => match self.last_accepted.get(&a.name).cloned() {
                    Some(prev) => match self.outcome(&a.name, &prev) {
                        Some(Outcome::Accepted(sub, _)) => Some(*sub),
                        _ => None,
                    },
                    None => None,
                },
            };
            if let Some(mut sub) = sub {
                sub.received = match &a.outcome {
                    Outcome::Accepted(..) => a.key.1.map(super::rfc3339),
                    Outcome::Rejected(_) => self.accepted_saved.get(&a.name).cloned(),
                };
                after.insert(a.name.clone(), sub);
            }
        }
        let before: Vec<Submission> = before.into_values().collect();
        let in_pack_before: HashSet<&str> = {
            let aside: HashSet<usize> = decide(&before).iter().map(|d| d.index).collect();
            (0..before.len())
                .filter(|i| !aside.contains(i))
                .map(|i| before[i].source.as_str())
                .collect()
        };
        let after: Vec<Submission> = after.into_values().collect();
        let decisions = decide(&after);
        for a in arrivals {
            if !matches!(a.outcome, Outcome::Accepted(..)) {
                continue;
            }
            let mut p = Placement::default();
            for d in &decisions {
                let (this, current) = (&after[d.index].source, &after[d.current].source);
                if *this == a.name {
                    match d.reason {
                        SetAsideReason::Superseded => p.superseded_by = Some(current.clone()),
                        SetAsideReason::DuplicateFile => {
                            let same = d.identical_to.unwrap_or(d.current);
                            p.identical_to = Some(after[same].source.clone());
                        }
                    }
                } else if *current == a.name
                    && p.supersedes.is_none()
                    && in_pack_before.contains(this.as_str())
                {
                    p.supersedes = before.iter().find(|s| s.source == *this).cloned();
                }
            }
            out.insert(a.name.clone(), p);
        }
        out
    }

    /// Archives a version (or reuses the copy of an earlier arrival of the
    /// same bytes) and appends its ledger line.
    fn record(&mut self, a: &Arrival, placement: Placement) -> Result<Entry, WatchError> {
        let now = chrono::Local::now();
        let name = a.name.as_str();
        let earlier = if a.returns {
            self.versions
                .get(&(a.name.clone(), a.sha.clone()))
                .map(|v| v.entry.clone())
        } else {
            None
        };
        let reuse = earlier
            .as_ref()
            .map(|e| e.archive.clone())
            .filter(|n| self.archive.dir().join(n).is_file());
        let (archive, stored) = match reuse {
            Some(n) => (n, false),
            None => {
                let n = self.archive.store(
                    &now.format("%Y-%m-%dT%H-%M-%S").to_string(),
                    name,
                    &a.sha,
                    &a.bytes,
                )?;
                (n, true)
            }
        };
        let mut entry = Entry {
            time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            file: name.to_string(),
            sha256: a.sha.clone(),
            size: a.bytes.len() as u64,
            status: Status::Rejected,
            reason: None,
            initiatives: None,
            budget_lines: None,
            archive: archive.clone(),
            replaces: self.latest.get(name).map(|e| e.sha256.clone()),
            compared_with: None,
            changes: None,
            supersedes: None,
            superseded_by: placement.superseded_by,
            identical_to: placement.identical_to,
            returns_to: earlier.map(|e| e.time),
            note: None,
            modified: a.key.1.map(super::rfc3339),
        };
        match &a.outcome {
            Outcome::Accepted(sub, _) => {
                entry.status = Status::Accepted;
                entry.initiatives = Some(sub.initiatives.len());
                entry.budget_lines = Some(sub.budget_lines.len());
                // Compared with what the pack held for this submission: the
                // file this one supersedes, else this file's last accepted
                // version.
                let before = match placement.supersedes {
                    Some(old) => {
                        entry.supersedes = Some(old.source.clone());
                        Some((old.sha256.clone(), old))
                    }
                    None => match self.last_accepted.get(name).cloned() {
                        Some(prev) => match self.outcome(name, &prev) {
                            Some(Outcome::Accepted(old, _)) => Some((prev, *old)),
                            _ => None,
                        },
                        None => None,
                    },
                };
                if let Some((sha, old)) = before {
                    let diff = diff_submissions(&old, sub);
                    entry.compared_with = Some(sha);
                    entry.changes = Some(if diff.is_empty() {
                        Vec::new()
                    } else {
                        diff.render(&self.opts.format)
                            .lines()
                            .skip(1)
                            .map(|l| l.trim_start_matches("- ").to_string())
                            .collect()
                    });
                }
            }
            Outcome::Rejected(f) => entry.reason = Some(f.message.clone()),
        }
        entry.note = self.note(&entry);
        if let Err(e) = self.ledger.append(&Record::Received(entry.clone())) {
            if stored {
                self.archive.keep_unledgered(name, &a.sha, &archive);
            }
            return Err(io_err(self.ledger.path())(e));
        }
        self.remember(Record::Received(entry.clone()), Some(a.outcome.clone()));
        Ok(entry)
    }

    /// The ledger line's `note` (Danish): what the version means for the
    /// pack when that is more than "read" or "rejected".
    fn note(&self, e: &Entry) -> Option<String> {
        let mut parts = Vec::new();
        let aside = e.superseded_by.is_some() || e.identical_to.is_some();
        if let Some(t) = &e.returns_to {
            let back = format!(
                "{} er vendt tilbage til versionen fra {}",
                e.file,
                time_dk(t, true)
            );
            parts.push(match (e.status, aside) {
                (Status::Accepted, false) => format!("{back}; pakken bruger den igen."),
                (Status::Accepted, true) => format!("{back}."),
                (Status::Rejected, _) => {
                    let good = self
                        .last_accepted
                        .get(&e.file)
                        .and_then(|s| self.versions.get(&(e.file.clone(), s.clone())));
                    match good {
                        Some(v) => format!(
                            "{back}, som ikke kan læses; pakken bruger fortsat den seneste gode version, modtaget {}.",
                            time_dk(&v.entry.time, true)
                        ),
                        None => format!("{back}, som ikke kan læses; filen er ikke med i pakken."),
                    }
                }
            });
        }
        if let Some(f) = &e.supersedes {
            parts.push(format!(
                "Erstatter '{f}' i pakken; '{f}' er en ældre version af samme aflevering og er lagt til side."
            ));
        }
        if let Some(f) = &e.superseded_by {
            parts.push(format!(
                "En ældre version af '{f}'; lagt til side og tæller ikke med i pakken."
            ));
        }
        if let Some(f) = &e.identical_to {
            parts.push(format!(
                "Byte for byte identisk med '{f}'; tælles kun én gang."
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// What reading a ledgered version gives (from memory, else from its
    /// archive copy).
    fn outcome(&mut self, name: &str, sha: &str) -> Option<Outcome> {
        let key = (name.to_string(), sha.to_string());
        let v = self.versions.get(&key)?;
        if let Some(o) = &v.outcome {
            return Some(o.clone());
        }
        // The archive copy; if someone removed or changed it, the inbox file
        // when it still holds these bytes.
        let bytes = [
            self.archive.dir().join(&v.entry.archive),
            self.opts.inbox.join(name),
        ]
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .find(|b| sha256_hex(b) == sha);
        let outcome = match bytes {
            Some(bytes) => read_version(name, &bytes, &self.opts.format, &self.opts.limits),
            None => Outcome::Rejected(Finding::new(
                Code::FileRejected,
                name,
                format!(
                    "Arkivkopien {} mangler eller er ændret; læg filen i indbakken igen.",
                    v.entry.archive
                ),
            )),
        };
        if let Some(v) = self.versions.get_mut(&key) {
            v.outcome = Some(outcome.clone());
        }
        Some(outcome)
    }

    /// What the pack would be built from now: one input per file in the
    /// inbox with a ledgered version, in file-name order.
    fn inputs(&self) -> Vec<ManifestInput> {
        self.current
            .iter()
            .map(|(name, cur)| {
                let key = (name.clone(), cur.sha.clone());
                let accepted = self
                    .versions
                    .get(&key)
                    .is_some_and(|v| v.entry.status == Status::Accepted);
                let used = if accepted {
                    Some(cur.sha.clone())
                } else {
                    self.last_accepted.get(name).cloned()
                };
                let status = match (&used, accepted) {
                    (_, true) => "accepted",
                    (Some(_), false) => "older-version",
                    (None, false) => "rejected",
                };
                let archive = self
                    .versions
                    .get(&(
                        name.clone(),
                        used.clone().unwrap_or_else(|| cur.sha.clone()),
                    ))
                    .map(|v| v.entry.archive.clone());
                ManifestInput {
                    file: name.clone(),
                    sha256: cur.sha.clone(),
                    status: status.to_string(),
                    used_sha256: used,
                    archive,
                }
            })
            .collect()
    }

    /// Whether the pack in OUT is out of date (or none was built by this
    /// watch yet).
    pub fn needs_build(&self) -> bool {
        self.last_inputs.as_ref() != Some(&self.inputs())
    }

    /// Builds the pack from the versions in the inbox and publishes it.
    ///
    /// # Errors
    /// A pack file cannot be written (the previous pack stays whole).
    pub fn build(&mut self, hooks: &dyn Hooks) -> Result<BuildReport, WatchError> {
        let inputs = self.inputs();
        hooks.building(inputs.len());
        let mut outcomes = Vec::with_capacity(inputs.len());
        let (mut accepted, mut rejected, mut older) = (0, 0, 0);
        for input in &inputs {
            let name = &input.file;
            match input.status.as_str() {
                "accepted" => {
                    accepted += 1;
                    if let Some(o) = self.outcome(name, &input.sha256) {
                        outcomes.push((name.clone(), o));
                    }
                }
                "older-version" => {
                    rejected += 1;
                    older += 1;
                    let used = input.used_sha256.clone().unwrap_or_default();
                    let note = self.older_version_finding(name, &input.sha256, &used);
                    match self.outcome(name, &used) {
                        Some(Outcome::Accepted(sub, mut findings)) => {
                            findings.push(note);
                            outcomes.push((name.clone(), Outcome::Accepted(sub, findings)));
                        }
                        _ => {
                            if let Some(o) = self.outcome(name, &input.sha256) {
                                outcomes.push((name.clone(), o));
                            }
                        }
                    }
                }
                _ => {
                    rejected += 1;
                    if let Some(o) = self.outcome(name, &input.sha256) {
                        outcomes.push((name.clone(), o));
                    }
                }
            }
        }
        // When each file was received decides between versions with the
        // same Forside Dato (contract §1a), as in a one-shot build: the
        // inbox file's modification time.
        for (name, outcome) in &mut outcomes {
            if let Outcome::Accepted(sub, _) = outcome {
                sub.received = self.received(name);
            }
        }
        let mut loaded = assemble(&self.opts.format, outcomes);
        reconcile_loaded(&mut loaded, &self.opts.format);
        let status = DepartmentStatus::of(&loaded.model, &loaded.findings, &self.opts.format);

        self.builds += 1;
        let now = chrono::Local::now();
        let manifest = Manifest {
            build: format!(
                "{}-{}-{}",
                now.format("%Y%m%dT%H%M%S"),
                std::process::id(),
                self.builds
            ),
            time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            format: self.opts.format.id.clone(),
            inputs: inputs.clone(),
            files: Vec::new(),
        };
        let build =
            crate::write::report::BuildInfo::of(&manifest, true).with_pdf(self.opts.pdf.is_some());
        let (write_findings, manifest) = publish_with(&self.opts.out, manifest, |staging| {
            let findings = write_pack(staging, &loaded, &self.opts.format, &build)?;
            if let Some(soffice) = &self.opts.pdf {
                hooks.converting_pdf();
                convert_staged(soffice, staging)?;
            }
            Ok(findings)
        })?;
        let mut findings = loaded.findings;
        findings.extend(write_findings);
        sort_findings(&mut findings);
        let (errors, warnings, infos) = count_by_severity(&findings);
        let report = BuildReport {
            time: manifest.time.clone(),
            build: Some(manifest.build.clone()),
            accepted,
            rejected,
            older_versions: older,
            skipped: self.skipped,
            waiting: self.waiting.len(),
            errors,
            warnings,
            infos,
            out: self.opts.out.display().to_string(),
            set_aside: status.set_aside.len(),
            departments: status.summary(),
            new_findings: match &self.last_findings {
                Some(before) => findings
                    .iter()
                    .filter(|f| !before.contains(*f))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            },
        };
        self.last_findings = Some(findings.into_iter().collect());
        self.last_inputs = Some(inputs);
        self.forget_unused_outcomes();
        hooks.built(&report);
        Ok(report)
    }

    fn older_version_finding(&self, name: &str, sha: &str, used: &str) -> Finding {
        let get = |s: &str| self.versions.get(&(name.to_string(), s.to_string()));
        let (new, old) = (get(sha), get(used));
        let reason = new
            .and_then(|v| v.entry.reason.clone())
            .unwrap_or_else(|| "Filen kan ikke læses.".into());
        let when =
            |v: Option<&Version>| v.map(|v| time_dk(&v.entry.time, true)).unwrap_or_default();
        // The version in the inbox may have returned (A → B → A): when it
        // arrived last.
        let new_time = match self.latest.get(name) {
            Some(e) if e.sha256 == sha => time_dk(&e.time, true),
            _ => when(new),
        };
        Finding::new(
            Code::FileRejected,
            name,
            format!(
                "Den nyeste version af filen (modtaget {}) kan ikke læses: {} Pakken bruger i stedet den seneste gode version, modtaget {} (archive/{}).",
                new_time,
                reason.trim_end(),
                when(old),
                old.map(|v| v.entry.archive.as_str()).unwrap_or("?"),
            ),
        )
    }

    /// Keeps read results only for versions a later build may need.
    fn forget_unused_outcomes(&mut self) {
        let keep: HashSet<(String, String)> = self
            .current
            .iter()
            .map(|(n, c)| (n.clone(), c.sha.clone()))
            .chain(
                self.last_accepted
                    .iter()
                    .map(|(n, s)| (n.clone(), s.clone())),
            )
            .collect();
        for (k, v) in self.versions.iter_mut() {
            if !keep.contains(k) {
                v.outcome = None;
            }
        }
    }
}

fn stat(path: &Path) -> Option<Key> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| (m.len(), m.modified().ok()))
}

/// A file whose complete-looking bytes do not open is rejected only when
/// they are unchanged this many settle times after the first failure.
const REJECT_AFTER_SETTLES: u32 = 3;

/// Why a file whose two looks agreed was not read this time. It is looked
/// at again; only [`NotRead::Unreadable`] is told (as a warning).
#[derive(Debug)]
enum NotRead {
    /// It cannot be opened or read now (in use, no access).
    Unreadable(std::io::Error),
    /// Its size or modification time changed while it was read.
    Changed,
    /// The watch was asked to stop before it was read.
    Stopping,
}

impl std::fmt::Display for NotRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRead::Unreadable(e) => f.write_str(&crate::internal::oserror::danish(e)),
            NotRead::Changed => f.write_str("ændret under læsning"),
            NotRead::Stopping => f.write_str("stopper"),
        }
    }
}

enum Read {
    /// The bytes the file held when last seen: nothing to record.
    Known { sha: String },
    /// Bytes this file held before, then others (or it was removed): a new
    /// arrival of a version already read.
    Return { sha: String, bytes: Vec<u8> },
    New {
        sha: String,
        bytes: Vec<u8>,
        outcome: Outcome,
    },
}

/// A version to archive and ledger.
struct Arrival {
    name: String,
    sha: String,
    key: Key,
    bytes: Vec<u8>,
    outcome: Outcome,
    /// The file held these bytes before (A → B → A).
    returns: bool,
}

/// Where an accepted arrival stands among the versions of its submission.
#[derive(Default)]
struct Placement {
    /// The pack's submission of another file that was in the pack and is
    /// set aside now, as an older version of this one.
    supersedes: Option<Submission>,
    superseded_by: Option<String>,
    identical_to: Option<String>,
}

/// The names of the spreadsheets in a listing.
fn inbox_names(listing: &Listing) -> HashSet<String> {
    listing.files.iter().map(|p| super::file_name(p)).collect()
}

/// Reads a file whose two looks agreed. `held`: the sha256 of the bytes the
/// file held when last seen, if it was in the inbox.
fn read_candidate(
    name: &str,
    path: &Path,
    key: Key,
    held: Option<&str>,
    versions: &HashMap<(String, String), Version>,
    format: &Format,
    limits: &Limits,
) -> Result<Read, NotRead> {
    let bytes = std::fs::read(path).map_err(NotRead::Unreadable)?;
    if stat(path) != Some(key) || bytes.len() as u64 != key.0 {
        return Err(NotRead::Changed);
    }
    let sha = sha256_hex(&bytes);
    if held == Some(sha.as_str()) {
        return Ok(Read::Known { sha });
    }
    if versions.contains_key(&(name.to_string(), sha.clone())) {
        return Ok(Read::Return { sha, bytes });
    }
    let outcome = read_version(name, &bytes, format, limits);
    Ok(Read::New {
        sha,
        bytes,
        outcome,
    })
}

/// What reading a version's bytes gives, as `bilag build` would read it.
fn read_version(name: &str, bytes: &[u8], format: &Format, limits: &Limits) -> Outcome {
    match super::too_large(name, bytes.len() as u64, limits) {
        Some(f) => Outcome::Rejected(f),
        None => read_bytes(name, bytes, format, limits),
    }
}

/// Why the watch loop wakes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Something changed in the inbox.
    Changed,
    /// Ctrl-C / SIGTERM: finish the current step and stop.
    Stop,
}

/// How changes are noticed.
#[derive(Debug, Clone, Copy)]
pub enum Trigger {
    /// The operating system's notifications (inotify, FSEvents,
    /// ReadDirectoryChangesW), debounced.
    Notify,
    /// notify's PollWatcher every interval (network drives), and a rescan at
    /// the same interval.
    Poll(Duration),
}

/// Runs a watch until `stop` is set (or a [`Wake::Stop`] arrives): builds
/// once at start, then after every change. Returns after the step in hand is
/// finished.
///
/// # Errors
/// The watcher cannot be started. Errors while scanning or building are
/// passed to [`Hooks::warn`] and tried again.
pub fn watch(
    intake: &mut Intake,
    trigger: Trigger,
    stop: &AtomicBool,
    wake: Sender<Wake>,
    woken: Receiver<Wake>,
    hooks: &dyn Hooks,
) -> Result<(), WatchError> {
    let inbox = intake.opts.inbox.clone();
    let notify_err = |e: notify::Error| WatchError::Notify {
        path: inbox.display().to_string(),
        message: e.to_string(),
    };
    let settle = intake.opts.settle;
    let idle = match trigger {
        Trigger::Poll(d) => d,
        Trigger::Notify => Duration::from_secs(30),
    };
    let _watcher: Box<dyn std::any::Any> = match trigger {
        Trigger::Notify => {
            let tx = wake.clone();
            let mut w = notify_debouncer_full::new_debouncer(
                Duration::from_millis(200),
                None,
                move |_res: notify_debouncer_full::DebounceEventResult| {
                    let _ = tx.send(Wake::Changed);
                },
            )
            .map_err(notify_err)?;
            w.watch(&inbox, notify::RecursiveMode::NonRecursive)
                .map_err(notify_err)?;
            Box::new(w)
        }
        Trigger::Poll(interval) => {
            use notify::Watcher as _;
            let tx = wake.clone();
            let mut w = notify::PollWatcher::new(
                move |_res: notify::Result<notify::Event>| {
                    let _ = tx.send(Wake::Changed);
                },
                notify::Config::default().with_poll_interval(interval),
            )
            .map_err(notify_err)?;
            w.watch(&inbox, notify::RecursiveMode::NonRecursive)
                .map_err(notify_err)?;
            Box::new(w)
        }
    };
    drop(wake);
    hooks.watching();

    // The first build waits until every file had its two looks.
    let first_build_at = Instant::now() + settle;
    loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let scanned_at = Instant::now();
        match intake.scan(hooks) {
            Ok(_) => {}
            Err(e) => hooks.warn(&e.to_string()),
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if scanned_at >= first_build_at && intake.needs_build() {
            if let Err(e) = intake.build(hooks) {
                hooks.warn(&format!("pakken kunne ikke bygges: {e}; prøver igen"));
            }
        }
        let timeout = if scanned_at < first_build_at {
            first_build_at.saturating_duration_since(Instant::now())
        } else if !intake.looking() {
            idle
        } else {
            settle
        };
        match woken.recv_timeout(timeout) {
            Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Ok(Wake::Changed) | Err(RecvTimeoutError::Timeout) => {}
        }
        // Coalesce a burst of events into one scan.
        while let Ok(w) = woken.try_recv() {
            if w == Wake::Stop {
                stop.store(true, Ordering::SeqCst);
            }
        }
    }
    Ok(())
}
