//! `OUT/archive/`: a copy of every file version received, one per
//! (file name, sha256), named so a person can find it:
//! `2026-11-25T12-03-00_01-bolig_1a2b3c4d.xlsx` (local time received,
//! the original name, the first 8 hex digits of the sha256).
//!
//! A copy is written to a temporary file, synced and renamed, before its
//! ledger line is appended; a crash between the two leaves a copy without a
//! line, which [`Archive::open`] finds (by hashing the copies the ledger does
//! not name) so the version is ledgered once with that copy, not copied twice.

use crate::inbox::sha256_hex;
use crate::write::{write_atomic, WriteError};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Folder name of the archive inside OUT.
pub const ARCHIVE_DIR: &str = "archive";

/// Length of the time prefix `2026-11-25T12-03-00`.
const TIME_LEN: usize = 19;

/// The archive folder.
#[derive(Debug)]
pub struct Archive {
    dir: PathBuf,
    /// Copies no ledger line names yet: (file name, sha256) → archive name.
    orphans: HashMap<(String, String), String>,
}

/// The archive name of a version: `<time>_<stem>_<sha8>.<ext>`.
///
/// ```
/// use bilag::inbox::archive::archive_name;
/// assert_eq!(
///     archive_name("2026-11-25T12-03-00", "01-bolig.xlsx", "1a2b3c4d5e6f"),
///     "2026-11-25T12-03-00_01-bolig_1a2b3c4d.xlsx"
/// );
/// ```
pub fn archive_name(time: &str, file: &str, sha: &str) -> String {
    named(time, file, &sha[..sha.len().min(8)])
}

fn named(time: &str, file: &str, short: &str) -> String {
    let (stem, ext) = split_ext(file);
    match ext {
        Some(ext) => format!("{time}_{stem}_{short}.{ext}"),
        None => format!("{time}_{stem}_{short}"),
    }
}

/// The original file name and short hash an archive name was made from.
pub fn parse_archive_name(name: &str) -> Option<(String, String)> {
    let rest = name.get(TIME_LEN..)?.strip_prefix('_')?;
    let (base, ext) = split_ext(rest);
    let (stem, short) = base.rsplit_once('_')?;
    if short.len() < 8 || !short.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let file = match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_string(),
    };
    Some((file, short.to_string()))
}

fn split_ext(file: &str) -> (&str, Option<&str>) {
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (file, None),
    }
}

impl Archive {
    /// Opens (creates) `out/archive`, removes temporary files a killed run
    /// left, and indexes copies that `known` (archive names the ledger
    /// names) does not hold.
    ///
    /// # Errors
    /// The folder cannot be created or read.
    pub fn open(out: &Path, known: &HashSet<String>) -> std::io::Result<Archive> {
        let dir = out.join(ARCHIVE_DIR);
        std::fs::create_dir_all(&dir)?;
        let mut orphans = HashMap::new();
        for e in std::fs::read_dir(&dir)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(".bilag-tmp-") {
                let _ = std::fs::remove_file(e.path());
                continue;
            }
            if known.contains(&name) {
                continue;
            }
            let Some((file, short)) = parse_archive_name(&name) else {
                continue;
            };
            let Ok(bytes) = std::fs::read(e.path()) else {
                continue;
            };
            let sha = sha256_hex(&bytes);
            if sha.starts_with(&short) {
                orphans.insert((file, sha), name);
            }
        }
        Ok(Archive { dir, orphans })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Copies a version into the archive (or finds the copy a killed run
    /// made) and returns its archive name. `time` is the `2026-11-25T12-03-00`
    /// prefix.
    ///
    /// # Errors
    /// [`WriteError`] naming the archive file.
    pub fn store(
        &mut self,
        time: &str,
        file: &str,
        sha: &str,
        bytes: &[u8],
    ) -> Result<String, WriteError> {
        if let Some(name) = self.orphans.remove(&(file.to_string(), sha.to_string())) {
            return Ok(name);
        }
        let mut name = archive_name(time, file, sha);
        let path = self.dir.join(&name);
        if path.exists() && std::fs::read(&path).map(|b| b != bytes).unwrap_or(true) {
            // Two different versions of one name in the same second whose
            // hashes share 8 digits: name the second by its full hash.
            name = named(time, file, sha);
        }
        write_atomic(&self.dir.join(&name), bytes)?;
        Ok(name)
    }

    /// Remembers a copy whose ledger line could not be written, so the next
    /// try reuses it.
    pub fn keep_unledgered(&mut self, file: &str, sha: &str, name: &str) {
        self.orphans
            .insert((file.to_string(), sha.to_string()), name.to_string());
    }

    /// The bytes of an archived copy.
    ///
    /// # Errors
    /// The copy cannot be read.
    pub fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("01-bolig.xlsx", "2026-11-25T12-03-00_01-bolig_1a2b3c4d.xlsx")]
    #[case(
        "budget 2008_v2.ods",
        "2026-11-25T12-03-00_budget 2008_v2_1a2b3c4d.ods"
    )]
    #[case("a.b.xls", "2026-11-25T12-03-00_a.b_1a2b3c4d.xls")]
    fn names_round_trip(#[case] file: &str, #[case] archived: &str) {
        let sha = "1a2b3c4d00000000";
        assert_eq!(archive_name("2026-11-25T12-03-00", file, sha), archived);
        assert_eq!(
            parse_archive_name(archived),
            Some((file.to_string(), "1a2b3c4d".to_string()))
        );
    }

    #[test]
    fn a_copy_without_a_ledger_line_is_found_again() {
        let out = tempfile::tempdir().unwrap();
        let bytes = b"workbook bytes";
        let sha = sha256_hex(bytes);
        let mut a = Archive::open(out.path(), &HashSet::new()).unwrap();
        let name = a
            .store("2026-11-25T12-03-00", "01-bolig.xlsx", &sha, bytes)
            .unwrap();
        std::fs::write(a.dir().join(".bilag-tmp-x"), b"half").unwrap();
        // Killed before the ledger line: the next run reuses the copy.
        let mut a = Archive::open(out.path(), &HashSet::new()).unwrap();
        let again = a
            .store("2026-11-25T13-00-00", "01-bolig.xlsx", &sha, bytes)
            .unwrap();
        assert_eq!(again, name);
        let names: Vec<_> = std::fs::read_dir(a.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![name]);
    }
}
