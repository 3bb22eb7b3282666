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
//!   `OUT/archive/` and gets one line in `OUT/ledger.jsonl`; the same bytes
//!   under the same name are recorded once, also across restarts (the state
//!   is read back from the ledger).
//! - The pack is built from the archive copies of the versions in the inbox.
//!   When the version in the inbox was rejected, the last accepted version of
//!   that file is used instead and a file-rejected finding says so.
//! - The pack is published by [`publish_pack`]: staged, renamed into place,
//!   `pack.json` last.

use super::archive::Archive;
use super::ledger::{Entry, Ledger, Status};
use super::pack::{publish_pack, remove_stale, Manifest, ManifestInput};
use super::{assemble, list_inbox, read_bytes, reconcile_loaded, sha256_hex, Outcome};
use crate::finding::{count_by_severity, sort_findings, Code, Finding};
use crate::format::Format;
use crate::read::Limits;
use crate::reconcile::departments::Status as DepartmentStatus;
use crate::reconcile::diff::diff_submissions;
use crate::write::WriteError;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

/// What a watch needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    pub inbox: PathBuf,
    pub out: PathBuf,
    pub format: Format,
    pub limits: Limits,
    /// Least time between the two looks that must agree before a file is read.
    pub settle: Duration,
}

/// Called as a watch goes on (from several threads while files are read).
/// Every method does nothing by default.
pub trait Hooks: Sync {
    /// `n` new file versions are about to be read.
    fn reading(&self, _n: usize) {}
    /// One of them has been read.
    fn read_one(&self, _file: &str) {}
    /// All of them have been read.
    fn read_done(&self) {}
    /// A new version was archived and ledgered.
    fn received(&self, _entry: &Entry) {}
    /// A file that was in the pack is no longer in the inbox.
    fn removed(&self, _file: &str) {}
    /// A pack is being built from `n` files.
    fn building(&self, _n: usize) {}
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
}

/// What one scan of the inbox did.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Versions archived and ledgered in this scan.
    pub received: Vec<Entry>,
    /// Files not read yet (still changing, or waiting for a second look).
    pub waiting: Vec<String>,
    pub skipped: usize,
}

/// Errors that stop a watch.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("kan ikke bruge {path}: {source}")]
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
    /// Every ledgered version: (file, sha256) → its line and, when loaded,
    /// what reading it gave.
    versions: HashMap<(String, String), Version>,
    /// Per file: sha256 of the latest ledgered version and of the latest
    /// accepted one.
    last: HashMap<String, String>,
    last_accepted: HashMap<String, String>,
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
    builds: u64,
}

impl Intake {
    /// Opens OUT (creating it), cleans what a killed run left there, and
    /// reads the ledger back.
    ///
    /// # Errors
    /// OUT, its archive or its ledger cannot be created or read.
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
            .map(|e| e.archive.clone())
            .collect();
        let archive = Archive::open(&out, &known).map_err(io_err(&out.join("archive")))?;
        let mut intake = Intake {
            opts,
            ledger,
            archive,
            versions: HashMap::new(),
            last: HashMap::new(),
            last_accepted: HashMap::new(),
            current: BTreeMap::new(),
            looks: HashMap::new(),
            failing: HashMap::new(),
            waiting: BTreeSet::new(),
            skipped: 0,
            last_inputs: None,
            builds: 0,
        };
        for e in recovered.entries {
            intake.remember(e, None);
        }
        Ok(intake)
    }

    fn remember(&mut self, entry: Entry, outcome: Option<Outcome>) {
        let key = (entry.file.clone(), entry.sha256.clone());
        self.last.insert(entry.file.clone(), entry.sha256.clone());
        if entry.status == Status::Accepted {
            self.last_accepted
                .insert(entry.file.clone(), entry.sha256.clone());
        }
        // The same (file, sha256) twice can only come from a ledger written
        // by hand; the first line stands.
        self.versions
            .entry(key)
            .or_insert(Version { entry, outcome });
    }

    /// Files not read yet (still changing, or waiting for a second look).
    pub fn waiting(&self) -> &BTreeSet<String> {
        &self.waiting
    }

    /// Looks at the inbox once: forgets files that are gone, takes a look at
    /// changed ones, and reads, archives and ledgers every file whose two
    /// looks agree.
    ///
    /// # Errors
    /// The inbox cannot be listed, or a version cannot be archived or
    /// ledgered (it is tried again at the next scan).
    pub fn scan(&mut self, hooks: &dyn Hooks) -> Result<ScanReport, WatchError> {
        let listing = list_inbox(&self.opts.inbox).map_err(io_err(&self.opts.inbox))?;
        let now = Instant::now();
        let names: HashSet<String> = listing.files.iter().map(|p| super::file_name(p)).collect();
        let gone: Vec<String> = self
            .current
            .keys()
            .filter(|n| !names.contains(*n))
            .cloned()
            .collect();
        for n in &gone {
            self.current.remove(n);
            hooks.removed(n);
        }
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
        let new_count = candidates.len();
        if new_count > 0 {
            hooks.reading(new_count);
        }
        let mut reads: Vec<(String, Key, Result<Read, String>)> = candidates
            .into_par_iter()
            .map(|(name, path, key)| {
                let r = if hooks.stopping() {
                    Err(STOPPED.to_string())
                } else {
                    read_candidate(&name, &path, key, versions, format, limits)
                };
                hooks.read_one(&name);
                (name, key, r)
            })
            .collect();
        reads.sort_by(|a, b| a.0.cmp(&b.0));
        if new_count > 0 {
            hooks.read_done();
        }

        let mut report = ScanReport::default();
        for (name, key, read) in reads {
            if hooks.stopping() {
                waiting.insert(name);
                continue;
            }
            let read = match read {
                Ok(r) => r,
                Err(why) => {
                    // Could not open or the file changed while read: look again.
                    if why != CHANGED && why != STOPPED {
                        hooks.warn(&format!("{name} kan ikke åbnes endnu ({why}); prøver igen"));
                    }
                    self.looks.insert(name.clone(), Look { key, at: now });
                    waiting.insert(name);
                    continue;
                }
            };
            match read {
                Read::Known { sha } => {
                    self.looks.remove(&name);
                    self.failing.remove(&name);
                    self.current.insert(name, Current { sha, key });
                }
                Read::New {
                    sha,
                    bytes,
                    outcome,
                } => {
                    if let Outcome::Rejected(_) = outcome {
                        // Rejected only when the same bytes still fail
                        // REJECT_AFTER_SETTLES settles later: a copy that
                        // paused gets time to go on.
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
                    let entry = self.record(&name, &sha, &bytes, outcome)?;
                    hooks.received(&entry);
                    report.received.push(entry);
                    self.looks.remove(&name);
                    self.failing.remove(&name);
                    self.current.insert(name, Current { sha, key });
                }
            }
        }
        // A file waiting for a new version keeps its previous one in the pack.
        self.waiting = waiting;
        report.waiting = self.waiting.iter().cloned().collect();
        report.skipped = self.skipped;
        Ok(report)
    }

    /// Archives a new version and appends its ledger line.
    fn record(
        &mut self,
        name: &str,
        sha: &str,
        bytes: &[u8],
        outcome: Outcome,
    ) -> Result<Entry, WatchError> {
        let now = chrono::Local::now();
        let archive = self.archive.store(
            &now.format("%Y-%m-%dT%H-%M-%S").to_string(),
            name,
            sha,
            bytes,
        )?;
        let mut entry = Entry {
            time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            file: name.to_string(),
            sha256: sha.to_string(),
            size: bytes.len() as u64,
            status: Status::Rejected,
            reason: None,
            initiatives: None,
            budget_lines: None,
            archive: archive.clone(),
            replaces: self.last.get(name).cloned(),
            compared_with: None,
            changes: None,
        };
        match &outcome {
            Outcome::Accepted(sub, _) => {
                entry.status = Status::Accepted;
                entry.initiatives = Some(sub.initiatives.len());
                entry.budget_lines = Some(sub.budget_lines.len());
                if let Some(prev) = self.last_accepted.get(name).cloned() {
                    if let Some(Outcome::Accepted(old, _)) = self.outcome(name, &prev) {
                        let diff = diff_submissions(&old, sub);
                        entry.compared_with = Some(prev);
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
            }
            Outcome::Rejected(f) => entry.reason = Some(f.message.clone()),
        }
        if let Err(e) = self.ledger.append(&entry) {
            self.archive.keep_unledgered(name, sha, &archive);
            return Err(io_err(self.ledger.path())(e));
        }
        self.remember(entry.clone(), Some(outcome));
        Ok(entry)
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
                sub.received = self
                    .current
                    .get(name.as_str())
                    .and_then(|c| c.key.1)
                    .map(super::rfc3339);
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
        let (write_findings, manifest) =
            publish_pack(&self.opts.out, &loaded, &self.opts.format, manifest)?;
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
        };
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
        let when = |v: Option<&Version>| v.map(|v| display_time(&v.entry.time)).unwrap_or_default();
        Finding::new(
            Code::FileRejected,
            name,
            format!(
                "Den nyeste version af filen (modtaget {}) kan ikke læses: {} Pakken bruger i stedet den seneste gode version, modtaget {} (archive/{}).",
                when(new),
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

/// "25-11-2026 kl. 12:03" from an RFC 3339 time.
fn display_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d-%m-%Y kl. %H:%M:%S").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn stat(path: &Path) -> Option<Key> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| (m.len(), m.modified().ok()))
}

/// A file whose complete-looking bytes do not open is rejected only when
/// they are unchanged this many settle times after the first failure.
const REJECT_AFTER_SETTLES: u32 = 3;

const CHANGED: &str = "ændret under læsning";
const STOPPED: &str = "stopper";

enum Read {
    /// A (file, sha256) already ledgered.
    Known { sha: String },
    New {
        sha: String,
        bytes: Vec<u8>,
        outcome: Outcome,
    },
}

fn read_candidate(
    name: &str,
    path: &Path,
    key: Key,
    versions: &HashMap<(String, String), Version>,
    format: &Format,
    limits: &Limits,
) -> Result<Read, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if stat(path) != Some(key) || bytes.len() as u64 != key.0 {
        return Err(CHANGED.into());
    }
    let sha = sha256_hex(&bytes);
    if versions.contains_key(&(name.to_string(), sha.clone())) {
        return Ok(Read::Known { sha });
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
        } else if intake.waiting().is_empty() {
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
