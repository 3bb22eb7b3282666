//! The pack (contract §4): every output of one build, each written to a
//! temporary file and renamed into place.

use super::Loaded;
use crate::finding::Finding;
use crate::format::Format;
use crate::write::{write_atomic, WriteError};
use std::path::Path;

/// File names of the pack, in the order they are written.
pub const MODEL_JSON: &str = "model.json";
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
    let _ = format;
    let write_findings: Vec<Finding> = Vec::new();
    write_json(&out.join(MODEL_JSON), &loaded.model)?;
    let mut all = loaded.findings.clone();
    all.extend(write_findings.iter().cloned());
    crate::finding::sort_findings(&mut all);
    write_json(&out.join(FINDINGS_JSON), &all)?;
    Ok(write_findings)
}

/// Pretty JSON with a final newline, written atomically.
///
/// # Errors
/// [`WriteError`] naming the path.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), WriteError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| WriteError::build(path, e))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}
