//! Normalizing: cell grid → model. Finds the three parts of a submission by
//! content — metadata, status schemas and budget tables — in any sheet and
//! position, using the committee format's labels.

pub mod danish;
pub mod labels;

use crate::finding::Finding;
use crate::format::Format;
use crate::model::Submission;
use crate::read::Workbook;

/// Normalizes one workbook into a submission, with the findings met while
/// reading it (ambiguous-number, amount-unparseable, unit-assumed,
/// missing-field). `file_name` names the file in findings and in `source`.
pub fn normalize_workbook(
    wb: &Workbook,
    file_name: &str,
    sha256: &str,
    format: &Format,
) -> (Submission, Vec<Finding>) {
    let _ = (wb, file_name, sha256, format);
    unimplemented!("normalize")
}
