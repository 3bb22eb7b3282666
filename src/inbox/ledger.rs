//! `OUT/ledger.jsonl`: one JSON line per file version received, appended and
//! synced, never rewritten.
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

/// One line of the ledger: one version of one file, received once.
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
    pub entries: Vec<Entry>,
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
            match serde_json::from_slice::<Entry>(line) {
                Ok(e) => recovered.entries.push(e),
                Err(_) => recovered.bad_lines.push(n + 1),
            }
        }
        Ok((Ledger { path, file }, recovered))
    }

    /// Appends one entry as one line with a single write, then syncs it to
    /// disk.
    ///
    /// # Errors
    /// The line could not be written or synced.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
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

    fn entry(file: &str, sha: &str) -> Entry {
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
        }
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
        let files: Vec<_> = r.entries.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["a.xlsx", "b.xlsx"]);
        let text = std::fs::read_to_string(dir.path().join(LEDGER_FILE)).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
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
        let files: Vec<_> = r.entries.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["a.xlsx", "b.xlsx"]);
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
}
