//! The pack (contract §4): every output of one build, each written to a
//! temporary file and renamed into place.

use super::Loaded;
use crate::finding::{sort_findings, Finding};
use crate::format::Format;
use crate::model::Model;
use crate::write::{docx, write_atomic, write_atomic_with, xlsx, WriteError};
use std::path::Path;

/// File names of the pack, in the order they are written.
pub const MODEL_JSON: &str = "model.json";
pub const BUDGET_XLSX: &str = "budget.xlsx";
pub const APPENDIX_DOCX: &str = "appendix.docx";
pub const FINDINGS_JSON: &str = "findings.json";

/// Writes the pack for one build into `out` (which must exist). Returns the
/// findings of writing itself (e.g. text cut to fit a cell), which the caller
/// adds to the build's findings before `findings.json` is final — so
/// `findings` is written last.
///
/// # Errors
/// [`WriteError`] naming the file that could not be written.
pub fn write_pack(
    out: &Path,
    loaded: &Loaded,
    format: &Format,
) -> Result<Vec<Finding>, WriteError> {
    let (_, write_findings) = write_files(out, &loaded.model, format, || loaded.findings.clone())?;
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
) -> Result<Vec<Finding>, WriteError> {
    let Loaded {
        model,
        findings: mut found,
        ..
    } = loaded;
    let model = &model;
    let (all, _) = write_files(out, model, format, || {
        found.extend(crate::reconcile::reconcile(model, format));
        sort_findings(&mut found);
        found
    })?;
    Ok(all)
}

/// The pack's files: budget.xlsx on one thread (after `findings` gives the
/// build's findings, which its reconciliation sheet lists), appendix.docx
/// and model.json on the other; findings.json last. Returns all findings
/// (with those of writing) and those of writing.
fn write_files(
    out: &Path,
    model: &Model,
    format: &Format,
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
    write_json(&out.join(FINDINGS_JSON), &all)?;
    Ok((all, write_findings))
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

/// Writes the pack of one build and swaps it into `out` as one unit, as far
/// as a folder of separate files allows:
///
/// 1. [`write_pack`] writes every file into `out/.bilag-build-<id>/` (each
///    synced). This is the slow part; OUT is untouched while it runs, so a
///    crash here leaves the previous pack whole (the stale folder is removed
///    at the next start, see [`remove_stale`]).
/// 2. The files are renamed into `out` one after the other (microseconds;
///    `findings.json` last), and the folder entry is synced.
/// 3. `pack.json` is written last (atomically), naming the build and the
///    sha256 of every file — until it is replaced it names the previous
///    build, so a reader that finds pack.json agreeing with the files has
///    one consistent build.
///
/// Returns the findings of writing (see [`write_pack`]) and the manifest
/// written.
///
/// # Errors
/// [`WriteError`] naming the file that could not be written or moved.
pub fn publish_pack(
    out: &Path,
    loaded: &Loaded,
    format: &Format,
    mut manifest: Manifest,
) -> Result<(Vec<Finding>, Manifest), WriteError> {
    let staging = out.join(format!("{STAGING_PREFIX}{}", manifest.build));
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| WriteError::Io { path, source }
    };
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let write_findings = write_pack(&staging, loaded, format)?;

    let mut names: Vec<String> = std::fs::read_dir(&staging)
        .map_err(io(&staging))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort_by_key(|n| (n == FINDINGS_JSON, n.clone()));
    manifest.files.clear();
    for name in &names {
        let p = staging.join(name);
        let bytes = std::fs::read(&p).map_err(io(&p))?;
        manifest.files.push(PackFile {
            name: name.clone(),
            sha256: super::sha256_hex(&bytes),
        });
    }
    for name in &names {
        let to = out.join(name);
        std::fs::rename(staging.join(name), &to).map_err(io(&to))?;
    }
    sync_dir(out);
    write_json(&out.join(PACK_JSON), &manifest)?;
    let _ = std::fs::remove_dir_all(&staging);
    Ok((write_findings, manifest))
}

/// Removes what a killed run left in `out`: staging folders and temporary
/// files. Pack files themselves are always whole (renamed into place).
pub fn remove_stale(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) {
            let _ = std::fs::remove_dir_all(e.path());
        } else if name.starts_with(".bilag-tmp-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Syncs a folder's entries (renames) to disk where the platform allows.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
