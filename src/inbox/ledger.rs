//! `OUT/ledger.jsonl`: one JSON line per file version received and per file
//! removed from the inbox, appended and synced, never rewritten.
//!
//! Every line names its `"event"`: `"received"` ([`Entry`]) or `"removed"`
//! ([`Removal`]). Lines written before removals were recorded have no
//! `"event"`; they are read as `"received"`.
//!
//! Each line is written with a single `write` of the whole line (newline
//! included) to a file opened for appending, then `fsync`ed before bilag goes
//! on. A process killed at any moment therefore leaves either the whole line
//! or none of it. Only a power cut in the middle of that write can leave a
//! torn last line (no final newline); [`Ledger::open`] cuts such a tail off
//! (it was never acknowledged) and that version is recorded again. Other
//! lines that do not parse are reported and skipped, never rewritten.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// File name of the ledger inside OUT.
pub const LEDGER_FILE: &str = "ledger.jsonl";

/// Whether a version could be read as a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Accepted,
    Rejected,
}

/// One line of the ledger.
// Most lines are receipts; a box per receipt would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Record {
    /// A version of a file arrived in the inbox.
    Received(Entry),
    /// A file left the inbox.
    Removed(Removal),
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        use serde::de::Error;
        let mut v = serde_json::Value::deserialize(d)?;
        let Some(line) = v.as_object_mut() else {
            return Err(D::Error::custom("a ledger line is a JSON object"));
        };
        // Lines from before removals were recorded carry no event: receipts.
        let event = match line.remove("event") {
            None => "received".to_string(),
            Some(serde_json::Value::String(s)) => s,
            Some(other) => return Err(D::Error::custom(format!("event {other}"))),
        };
        match event.as_str() {
            "received" => Entry::deserialize(v)
                .map(Record::Received)
                .map_err(D::Error::custom),
            "removed" => Removal::deserialize(v)
                .map(Record::Removed)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!("unknown event '{other}'"))),
        }
    }
}

impl From<Entry> for Record {
    fn from(e: Entry) -> Record {
        Record::Received(e)
    }
}

impl From<Removal> for Record {
    fn from(r: Removal) -> Record {
        Record::Removed(r)
    }
}

impl Record {
    /// The file the line is about.
    pub fn file(&self) -> &str {
        match self {
            Record::Received(e) => &e.file,
            Record::Removed(r) => &r.file,
        }
    }
}

/// A `"removed"` line: a file that was in the inbox is no longer there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removal {
    /// When bilag noticed (local time, RFC 3339).
    pub time: String,
    /// File name in the inbox.
    pub file: String,
    /// sha256 of the last version of the file that was received.
    pub sha256: String,
    /// That version's copy in `OUT/archive/`.
    pub archive: String,
    /// The file was already gone when the watch started (it was removed
    /// while the watch was stopped); `time` is when that was noticed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub while_stopped: bool,
}

/// A `"received"` line: one version of one file. The same bytes under the
/// same name get a new line only when the file held other bytes (or was
/// removed) in between: see `returns_to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When bilag received the version (local time, RFC 3339).
    pub time: String,
    /// File name in the inbox.
    pub file: String,
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    pub status: Status,
    /// Why the version was rejected (Danish), `null` when accepted.
    pub reason: Option<String>,
    /// Status schemas read (`null` when rejected).
    pub initiatives: Option<usize>,
    /// Budget lines read (`null` when rejected).
    pub budget_lines: Option<usize>,
    /// Name of the copy in `OUT/archive/`.
    pub archive: String,
    /// sha256 of the version of the same file received before this one, if any.
    pub replaces: Option<String>,
    /// sha256 of the last accepted version this one was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    /// What changed against `compared_with`, one Danish sentence per change
    /// (empty when the content is the same); `null` when there was nothing
    /// to compare (first version, or this one was rejected).
    pub changes: Option<Vec<String>>,
    /// Another file in the inbox that was in the pack and that this version
    /// replaces there: the other file is an older version of the same
    /// submission (contract §1a) and is now set aside. `compared_with` and
    /// `changes` are then against that file's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// The file in the inbox that this version is an older version of: it
    /// is set aside, not counted in the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// The file in the inbox this version is byte for byte identical to: it
    /// is counted once, as that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identical_to: Option<String>,
    /// The file returned to bytes it held before (A → B → A): the time of
    /// the line that first received them. `archive` is that line's copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns_to: Option<String>,
    /// What this version means for the pack, for people (Danish), when it is
    /// more than "read": which file it replaces, that it is set aside, that
    /// the pack uses an earlier version again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The inbox file's modification time when this version was read (local
    /// time, RFC 3339): when it was saved. `null` in lines from before it was
    /// recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// The ledger file, open for appending.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    file: File,
}

/// What [`Ledger::open`] found in an existing ledger.
#[derive(Debug, Default)]
pub struct Recovered {
    pub entries: Vec<Record>,
    /// Lines that are not ledger entries (1-based line numbers) — reported, kept.
    pub bad_lines: Vec<usize>,
    /// Bytes of a torn last line that were cut off.
    pub torn_bytes: u64,
}

impl Ledger {
    /// Opens (or creates) `dir/ledger.jsonl` and reads the entries it holds.
    ///
    /// # Errors
    /// The file cannot be opened, read or repaired.
    pub fn open(dir: &Path) -> std::io::Result<(Ledger, Recovered)> {
        let path = dir.join(LEDGER_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mut recovered = Recovered::default();
        let complete = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => 0,
        };
        if complete < bytes.len() {
            // A torn last line: cut it off so the next line starts clean.
            recovered.torn_bytes = (bytes.len() - complete) as u64;
            file.set_len(complete as u64)?;
            file.sync_all()?;
            file.seek(SeekFrom::End(0))?;
        }
        for (n, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(line) {
                Ok(e) => recovered.entries.push(e),
                Err(_) => recovered.bad_lines.push(n + 1),
            }
        }
        Ok((Ledger { path, file }, recovered))
    }

    /// Appends one record as one line with a single write, then syncs it to
    /// disk.
    ///
    /// # Errors
    /// The line could not be written or synced.
    pub fn append(&mut self, record: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, sha: &str) -> Record {
        Entry {
            time: "2026-11-25T12:03:00+01:00".into(),
            file: file.into(),
            sha256: sha.into(),
            size: 10,
            status: Status::Accepted,
            reason: None,
            initiatives: Some(3),
            budget_lines: Some(5),
            archive: format!("2026-11-25T12-03-00_{file}"),
            replaces: None,
            compared_with: None,
            changes: None,
            supersedes: None,
            superseded_by: None,
            identical_to: None,
            returns_to: None,
            note: None,
            modified: None,
        }
        .into()
    }

    fn files(r: &Recovered) -> Vec<&str> {
        r.entries.iter().map(Record::file).collect()
    }

    #[test]
    fn entries_survive_a_reopen_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (mut l, r) = Ledger::open(dir.path()).unwrap();
        assert!(r.entries.is_empty());
        l.append(&entry("a.xlsx", "aa")).unwrap();
        l.append(&entry("b.xlsx", "bb")).unwrap();
        drop(l);
        let (_, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(files(&r), ["a.xlsx", "b.xlsx"]);
        let text = std::fs::read_to_string(dir.path().join(LEDGER_FILE)).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["event"], "received");
        assert_eq!(v["status"], "accepted");
        assert_eq!(v["initiatives"], 3);
        assert_eq!(v["reason"], serde_json::Value::Null);
    }

    #[test]
    fn a_torn_last_line_is_cut_off_and_the_next_line_starts_clean() {
        let dir = tempfile::tempdir().unwrap();
        let (mut l, _) = Ledger::open(dir.path()).unwrap();
        l.append(&entry("a.xlsx", "aa")).unwrap();
        drop(l);
        let p = dir.path().join(LEDGER_FILE);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(br#"{"time":"2026-11-25T12:04:00+01:00","file":"b.xl"#)
            .unwrap();
        drop(f);
        let (mut l, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(r.entries.len(), 1);
        assert_eq!(r.torn_bytes, 48);
        l.append(&entry("b.xlsx", "bb")).unwrap();
        drop(l);
        let (_, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(files(&r), ["a.xlsx", "b.xlsx"]);
        assert!(r.bad_lines.is_empty());
    }

    #[test]
    fn a_foreign_line_is_skipped_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(LEDGER_FILE);
        std::fs::write(&p, "not json\n").unwrap();
        let (mut l, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(r.bad_lines, [1]);
        l.append(&entry("a.xlsx", "aa")).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("not json\n{"), "{text}");
    }

    #[test]
    fn a_line_without_an_event_is_a_receipt_and_a_removal_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(LEDGER_FILE);
        // A line as bilag wrote it before removals were recorded.
        std::fs::write(
            &p,
            concat!(
                r#"{"time":"2026-11-25T12:03:00+01:00","file":"01-bolig.xlsx","sha256":"aa","#,
                r#""size":10,"status":"accepted","reason":null,"initiatives":3,"budget_lines":3,"#,
                r#""archive":"2026-11-25T12-03-00_01-bolig_aa.xlsx","replaces":null,"changes":null}"#,
                "\n"
            ),
        )
        .unwrap();
        let (mut l, r) = Ledger::open(dir.path()).unwrap();
        assert!(r.bad_lines.is_empty());
        match &r.entries[..] {
            [Record::Received(e)] => {
                assert_eq!(e.file, "01-bolig.xlsx");
                assert_eq!(e.initiatives, Some(3));
                assert_eq!(e.supersedes, None);
            }
            other => panic!("{other:?}"),
        }
        let removal = Removal {
            time: "2026-11-25T13:00:00+01:00".into(),
            file: "01-bolig.xlsx".into(),
            sha256: "aa".into(),
            archive: "2026-11-25T12-03-00_01-bolig_aa.xlsx".into(),
            while_stopped: true,
        };
        l.append(&removal.clone().into()).unwrap();
        l.append(&Record::Removed(Removal {
            while_stopped: false,
            ..removal.clone()
        }))
        .unwrap();
        drop(l);
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[1]["event"], "removed");
        assert_eq!(lines[1]["sha256"], "aa");
        assert_eq!(lines[1]["while_stopped"], true);
        assert_eq!(lines[2].get("while_stopped"), None);
        assert!(text
            .lines()
            .nth(1)
            .unwrap()
            .starts_with(r#"{"event":"removed","#));
        let (_, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(r.entries.len(), 3);
        assert_eq!(r.entries[1], Record::Removed(removal));
    }

    #[test]
    fn an_unknown_event_is_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(LEDGER_FILE),
            "{\"event\":\"renamed\",\"file\":\"a.xlsx\"}\n",
        )
        .unwrap();
        let (_, r) = Ledger::open(dir.path()).unwrap();
        assert_eq!(r.bad_lines, [1]);
    }
}
