//! The pack (contract §4): every output of one build, each written to a
//! temporary file and renamed into place.

use super::Loaded;
use crate::finding::{sort_findings, Finding};
use crate::format::Format;
use crate::write::{docx, write_atomic, xlsx, WriteError};
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
    write_json(&out.join(MODEL_JSON), &loaded.model)?;

    // The workbook's reconciliation sheet lists every finding, including the
    // ones writing it produced (text cut to fit a cell): when there are any,
    // the workbook is built a second time with them.
    let budget_path = out.join(BUDGET_XLSX);
    let (mut bytes, write_findings) =
        xlsx::budget_workbook_bytes(&loaded.model, &loaded.findings, format)?;
    let mut all = loaded.findings.clone();
    if !write_findings.is_empty() {
        all.extend(write_findings.iter().cloned());
        sort_findings(&mut all);
        bytes = xlsx::budget_workbook_bytes(&loaded.model, &all, format)?.0;
    }
    write_atomic(&budget_path, &bytes)?;

    write_atomic(
        &out.join(APPENDIX_DOCX),
        &docx::appendix_bytes(&loaded.model, format)?,
    )?;

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
