//! The pack (contract §4): every output of one build, each written to a
//! temporary file and renamed into place.

use super::Loaded;
use crate::finding::{sort_findings, Finding};
use crate::format::Format;
use crate::model::Model;
use crate::write::report::{self, BuildInfo, RAPPORT_HTML, RELOAD_SCRIPT};
use crate::write::{docx, write_atomic, write_atomic_with, xlsx, WriteError};
use std::path::Path;

/// File names of the pack, in the order they are written.
pub const MODEL_JSON: &str = "model.json";
pub const BUDGET_XLSX: &str = "budget.xlsx";
pub const APPENDIX_DOCX: &str = "appendix.docx";
pub const FINDINGS_JSON: &str = "findings.json";
// rapport.html ([`RAPPORT_HTML`]) is written after findings.json: it shows
// every finding.

/// Writes the pack for one build into `out` (which must exist). Returns the
/// findings of writing itself (e.g. text cut to fit a cell), which the caller
/// adds to the build's findings before `findings.json` is final — so
/// `findings` is written last. `build` names the build in rapport.html.
///
/// # Errors
/// [`WriteError`] naming the file that could not be written.
pub fn write_pack(
    out: &Path,
    loaded: &Loaded,
    format: &Format,
    build: &BuildInfo,
) -> Result<Vec<Finding>, WriteError> {
    let (_, write_findings) = write_files(out, &loaded.model, format, build, || {
        loaded.findings.clone()
    })?;
    Ok(write_findings)
}

/// Reconciles what [`super::load_files`] read and writes the pack, as
/// [`write_pack`]: the appendix and model.json do not depend on the
/// findings, so they are written while the model is reconciled. Returns
/// every finding of the build: reading, reconciling and writing, sorted.
///
/// # Errors
/// [`WriteError`] naming the file that could not be written.
pub fn reconcile_and_write_pack(
    out: &Path,
    loaded: Loaded,
    format: &Format,
    build: &BuildInfo,
) -> Result<Vec<Finding>, WriteError> {
    let Loaded {
        model,
        findings: mut found,
        ..
    } = loaded;
    let model = &model;
    let (all, _) = write_files(out, model, format, build, || {
        found.extend(crate::reconcile::reconcile(model, format));
        sort_findings(&mut found);
        found
    })?;
    Ok(all)
}

/// The pack's files: budget.xlsx on one thread (after `findings` gives the
/// build's findings, which its reconciliation sheet lists), appendix.docx
/// and model.json on the other; findings.json and rapport.html (which show
/// every finding) last. Returns all findings (with those of writing) and
/// those of writing.
fn write_files(
    out: &Path,
    model: &Model,
    format: &Format,
    build: &BuildInfo,
    findings: impl FnOnce() -> Vec<Finding> + Send,
) -> Result<(Vec<Finding>, Vec<Finding>), WriteError> {
    let (budget, (appendix, model_json)) = rayon::join(
        || write_budget(out, model, findings(), format),
        || {
            rayon::join(
                || {
                    let bytes = docx::appendix_bytes(model, format)?;
                    write_atomic(&out.join(APPENDIX_DOCX), &bytes)
                },
                || write_json(&out.join(MODEL_JSON), model),
            )
        },
    );
    model_json?;
    let (all, write_findings) = budget?;
    appendix?;
    // Both show every finding; neither waits for the other.
    let (findings_json, report) = rayon::join(
        || write_json(&out.join(FINDINGS_JSON), &all),
        || write_report(out, model, &all, format, build),
    );
    findings_json?;
    report?;
    Ok((all, write_findings))
}

/// Writes OUT/rapport.html and the script beside it that tells an open
/// watch-built report which build is the latest (see
/// [`crate::write::report`]). Every build writes the script, so build and
/// watch publish the same files, and a page left open by watch also
/// reloads after a one-shot build into the same OUT.
///
/// # Errors
/// [`WriteError`] naming the file.
pub fn write_report(
    out: &Path,
    model: &Model,
    findings: &[Finding],
    format: &Format,
    build: &BuildInfo,
) -> Result<(), WriteError> {
    let html = report::report_html(model, findings, format, build);
    write_atomic(&out.join(RAPPORT_HTML), html.as_bytes())?;
    write_atomic(
        &out.join(RELOAD_SCRIPT),
        report::reload_script(build).as_bytes(),
    )
}

/// Writes OUT/budget.xlsx; returns every finding of the build (with the
/// ones writing the workbook produced) and the ones writing produced.
///
/// # Errors
/// [`WriteError`] naming the file.
pub fn write_budget(
    out: &Path,
    model: &Model,
    findings: Vec<Finding>,
    format: &Format,
) -> Result<(Vec<Finding>, Vec<Finding>), WriteError> {
    // The workbook's reconciliation sheet lists every finding, including the
    // ones writing it produced (text cut to fit a cell): when there are any,
    // the workbook is built a second time with them.
    let path = out.join(BUDGET_XLSX);
    let write_findings = xlsx::write_budget(model, &findings, format, &path)?;
    let mut all = findings;
    if !write_findings.is_empty() {
        all.extend(write_findings.iter().cloned());
        sort_findings(&mut all);
        xlsx::write_budget(model, &all, format, &path)?;
    }
    Ok((all, write_findings))
}

/// Pretty JSON with a final newline, written atomically.
///
/// # Errors
/// [`WriteError`] naming the path.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), WriteError> {
    write_atomic_with(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// File name of the manifest that [`publish_pack`] writes last.
pub const PACK_JSON: &str = "pack.json";

/// Prefix of the folder a pack is staged in before it is published.
pub const STAGING_PREFIX: &str = ".bilag-build-";

/// `OUT/pack.json`: which build the pack files in OUT come from and what
/// went into it. Written after every pack file is in place.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Build id (local time and a counter), unique within OUT.
    pub build: String,
    /// When the build finished (local time, RFC 3339).
    pub time: String,
    /// Committee format id.
    pub format: String,
    /// One entry per submission file in the inbox, in file-name order.
    pub inputs: Vec<ManifestInput>,
    /// The pack files published, with their sha256 (filled in by
    /// [`publish_pack`]): a reader can check that it sees one build.
    #[serde(default)]
    pub files: Vec<PackFile>,
}

impl BuildInfo {
    /// The build a manifest names; `watch` for a build of `bilag watch`
    /// (`pdf` stays false: see [`BuildInfo::with_pdf`]).
    pub fn of(manifest: &Manifest, watch: bool) -> BuildInfo {
        BuildInfo {
            id: manifest.build.clone(),
            time: manifest.time.clone(),
            watch,
            pdf: false,
        }
    }

    /// The same build, made with `--pdf` when `pdf` is true.
    pub fn with_pdf(self, pdf: bool) -> BuildInfo {
        BuildInfo { pdf, ..self }
    }
}

/// One inbox file in a build.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManifestInput {
    pub file: String,
    /// sha256 of the version in the inbox.
    pub sha256: String,
    /// "accepted", "rejected", or "older-version" (the version in the inbox
    /// was rejected; the last accepted one is in the pack).
    pub status: String,
    /// sha256 of the version in the pack, `null` when none is.
    pub used_sha256: Option<String>,
    /// Archive copy the pack was read from.
    pub archive: Option<String>,
}

/// One published pack file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackFile {
    pub name: String,
    pub sha256: String,
}

/// Prefix of the folder the previous pack's files wait in while a new pack
/// is swapped in (see [`publish_pack`]).
pub const BACKUP_PREFIX: &str = ".bilag-old-";

/// The lock file in OUT (see [`OutLock`]).
pub const LOCK_FILE: &str = ".bilag.lock";

/// Writes the pack of one build and swaps it into `out` as one unit:
///
/// 1. [`write_pack`] writes every file into `out/.bilag-build-<id>/` (each
///    synced). This is the slow part; OUT is untouched while it runs, so a
///    crash here leaves the previous pack whole.
/// 2. Every pack file that would be replaced must be replaceable (not
///    read-only); else nothing is moved and the error names the file.
/// 3. The previous pack's files move to `out/.bilag-old-<id>/`, the new ones
///    into `out` (renames: microseconds), and `pack.json` is written last,
///    naming the build and the sha256 of every file. A rename that fails
///    puts everything back.
/// 4. The previous files are deleted.
///
/// A run killed during step 3 leaves `.bilag-old-<id>/`; [`remove_stale`]
/// at the next start puts the previous pack back (or, when `pack.json`
/// already names the new build, keeps it), so OUT never holds files of two
/// builds and `pack.json` is true for every pack file in it.
///
/// `watch`: the build is one of `bilag watch`'s (rapport.html reloads
/// itself when a newer build is published). Returns the findings of writing
/// (see [`write_pack`]) and the manifest written.
///
/// # Errors
/// [`WriteError`] naming the file that could not be written or moved.
pub fn publish_pack(
    out: &Path,
    loaded: &Loaded,
    format: &Format,
    manifest: Manifest,
    watch: bool,
) -> Result<(Vec<Finding>, Manifest), WriteError> {
    let build = BuildInfo::of(&manifest, watch);
    publish_with(out, manifest, |staging| {
        write_pack(staging, loaded, format, &build)
    })
}

/// [`publish_pack`] with `write` filling the staging folder (it returns
/// what the caller needs back: the build's findings, say).
///
/// # Errors
/// The error `write` returns, or [`WriteError`] naming the file that could
/// not be moved.
pub fn publish_with<T>(
    out: &Path,
    mut manifest: Manifest,
    write: impl FnOnce(&Path) -> Result<T, WriteError>,
) -> Result<(T, Manifest), WriteError> {
    let staging = out.join(format!("{STAGING_PREFIX}{}", manifest.build));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let value = match write(&staging) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(without_staging(e, &staging, out));
        }
    };

    let mut names: Vec<String> = std::fs::read_dir(&staging)
        .map_err(io(&staging))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort_by_key(|n| (n == FINDINGS_JSON, n.clone()));
    manifest.files.clear();
    // Hashed side by side and streamed: model.json of 200,000 lines is
    // 250 MB, budget.xlsx 90 MB; read whole, one after the other, they cost
    // their size in memory and half a second.
    use rayon::prelude::*;
    let hashed: Vec<Result<PackFile, WriteError>> = names
        .par_iter()
        .map(|name| {
            let p = staging.join(name);
            Ok(PackFile {
                name: name.clone(),
                sha256: sha256_file(&p).map_err(io(&p))?,
            })
        })
        .collect();
    for f in hashed {
        manifest.files.push(f?);
    }
    let swapped = swap_in(out, &staging, &names, &manifest.build);
    if let Err(e) = swapped {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let written = write_json(&out.join(PACK_JSON), &manifest);
    let backup = out.join(format!("{BACKUP_PREFIX}{}", manifest.build));
    if let Err(e) = written {
        // The new files without their manifest: put the previous pack back.
        restore(out, &backup);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    sync_dir(out);
    let _ = std::fs::remove_dir_all(&backup);
    let _ = std::fs::remove_dir_all(&staging);
    Ok((value, manifest))
}

/// A person is told about the pack file (OUT/budget.xlsx), never about the
/// staging folder it was being written in (OUT/.bilag-build-…/budget.xlsx).
fn without_staging(e: WriteError, staging: &Path, out: &Path) -> WriteError {
    let fix = |path: String| match Path::new(&path).strip_prefix(staging) {
        Ok(rest) => out.join(rest).display().to_string(),
        Err(_) => path.replace(&staging.display().to_string(), &out.display().to_string()),
    };
    match e {
        WriteError::Io { path, source } => WriteError::Io {
            path: fix(path),
            source,
        },
        WriteError::Build { path, message } => WriteError::Build {
            path: fix(path),
            message: message.replace(&staging.display().to_string(), &out.display().to_string()),
        },
    }
}

/// Lower-case hex sha256 of a file, read in 1 MB pieces.
fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = p.display().to_string();
    move |source| WriteError::Io { path, source }
}

/// The name of the list of a build's new files, kept in its backup folder.
const NEW_FILES: &str = ".new-files";

/// Steps 2 and 3 of [`publish_pack`] (without pack.json).
fn swap_in(out: &Path, staging: &Path, names: &[String], build: &str) -> Result<(), WriteError> {
    for name in names {
        let to = out.join(name);
        if let Ok(m) = std::fs::metadata(&to) {
            if m.permissions().readonly() || m.is_dir() {
                return Err(WriteError::Io {
                    path: to.display().to_string(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::PermissionDenied,
                        "filen er skrivebeskyttet (eller er en mappe) og kan ikke erstattes; den forrige pakke er urørt",
                    ),
                });
            }
        }
    }
    let backup = out.join(format!("{BACKUP_PREFIX}{build}"));
    if backup.exists() {
        std::fs::remove_dir_all(&backup).map_err(io(&backup))?;
    }
    std::fs::create_dir_all(&backup).map_err(io(&backup))?;
    let list = backup.join(NEW_FILES);
    std::fs::write(&list, names.join("\n")).map_err(io(&list))?;
    if let Ok(d) = std::fs::File::open(&backup) {
        let _ = d.sync_all();
    }
    // The previous pack out of the way, then the new one in; any failure
    // puts the previous pack back.
    let result = (|| {
        for name in names.iter().map(String::as_str).chain([PACK_JSON]) {
            let from = out.join(name);
            if from.exists() {
                std::fs::rename(&from, backup.join(name)).map_err(io(&from))?;
            }
        }
        // The previous pack.json stays in place until the new one replaces
        // it: a reader sees the previous build's manifest, not none.
        let old_manifest = backup.join(PACK_JSON);
        if old_manifest.exists() {
            std::fs::copy(&old_manifest, out.join(PACK_JSON)).map_err(io(&old_manifest))?;
        }
        for name in names {
            let to = out.join(name);
            std::fs::rename(staging.join(name), &to).map_err(io(&to))?;
        }
        Ok(())
    })();
    if result.is_err() {
        restore(out, &backup);
    }
    result
}

/// Puts the previous pack back from a backup folder: the files of the
/// interrupted build that were new are removed, the previous ones renamed
/// back, the folder removed.
fn restore(out: &Path, backup: &Path) {
    // The previous build's manifest tells its files from the new ones: a
    // file of the new build's list that is not in the backup folder is new
    // unless the previous manifest names it with these very bytes (it was
    // not moved aside yet when the run stopped).
    let previous: Vec<PackFile> = [backup.join(PACK_JSON), out.join(PACK_JSON)]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str::<Manifest>(&t).ok())
        .map(|m| m.files)
        .unwrap_or_default();
    if let Ok(list) = std::fs::read_to_string(backup.join(NEW_FILES)) {
        for name in list
            .lines()
            .filter(|n| !n.is_empty() && !n.contains(['/', '\\']))
        {
            if backup.join(name).exists() {
                continue;
            }
            let here = out.join(name);
            let is_previous = std::fs::read(&here).ok().is_some_and(|b| {
                let sha = super::sha256_hex(&b);
                previous.iter().any(|f| f.name == name && f.sha256 == sha)
            });
            if !is_previous {
                let _ = std::fs::remove_file(here);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(backup) {
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let _ = std::fs::rename(e.path(), out.join(&name));
        }
    }
    sync_dir(out);
    let _ = std::fs::remove_dir_all(backup);
}

/// Removes what a killed run left in `out`: staging folders and temporary
/// files of its own (`.bilag-build-*`, `.bilag-tmp-*`), and finishes an
/// interrupted swap (`.bilag-old-*`): when `pack.json` names that build the
/// new pack stays, else the previous pack is put back. Call it only while
/// holding the [`OutLock`]: another running bilag's files are its own.
pub fn remove_stale(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    let current = std::fs::read_to_string(out.join(PACK_JSON))
        .ok()
        .and_then(|t| serde_json::from_str::<Manifest>(&t).ok())
        .map(|m| m.build);
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) {
            let _ = std::fs::remove_dir_all(e.path());
        } else if name.starts_with(".bilag-tmp-") {
            let _ = std::fs::remove_file(e.path());
        } else if let Some(build) = name.strip_prefix(BACKUP_PREFIX) {
            if current.as_deref() == Some(build) {
                let _ = std::fs::remove_dir_all(e.path());
            } else {
                restore(out, &e.path());
            }
        }
    }
}

/// An exclusive lock on OUT for one running bilag (build or watch): a
/// second one on the same OUT is told who holds it. The lock is the
/// operating system's (released when the process ends, also by kill -9);
/// the file says who took it.
#[derive(Debug)]
pub struct OutLock {
    _file: std::fs::File,
}

impl OutLock {
    /// Takes the lock on `out` (which must exist) for `what` ("bilag
    /// build").
    ///
    /// # Errors
    /// A Danish sentence naming the holder when another bilag holds it, or
    /// the lock file cannot be made.
    pub fn acquire(out: &Path, what: &str) -> Result<OutLock, String> {
        let path = out.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("kan ikke oprette låsefilen {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                return Err(format!(
                    "{} bruges allerede af en anden kørsel af bilag{}; vent til den er færdig (eller stop den), eller vælg en anden --out",
                    out.display(),
                    if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" ({holder})")
                    }
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("kan ikke låse {}: {e}", path.display()));
            }
        }
        let who = format!(
            "{what}, proces {}, startet {}",
            std::process::id(),
            chrono::Local::now().format("%d-%m-%Y kl. %H:%M:%S")
        );
        use std::io::Write;
        let mut f = &file;
        let _ = f.set_len(0);
        let _ = f.write_all(who.as_bytes());
        let _ = f.sync_all();
        Ok(OutLock { _file: file })
    }
}

/// Syncs a folder's entries (renames) to disk where the platform allows.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_pack_file_not_the_staging_folder() {
        let out = Path::new("/srv/pakke");
        let staging = out.join(".bilag-build-20261205T100000-1");
        let e = WriteError::Io {
            path: staging.join("budget.xlsx").display().to_string(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        };
        let msg = without_staging(e, &staging, out).to_string();
        assert_eq!(
            msg,
            "kan ikke skrive /srv/pakke/budget.xlsx: der er ikke mere plads på drevet"
        );
    }
}
