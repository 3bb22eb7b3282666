//! Reconciling: model → findings, as pure functions.
//!
//! [`reconcile`] runs every check over the whole model and returns the
//! findings sorted for people (errors first, then file, sheet, cell):
//!
//! - [`totals`]: every stated total (a line's "I alt" cell, a group's
//!   "i alt" row, the "I ALT" row per year and overall) against the exact sum
//!   of the lines it covers — `total-mismatch`.
//! - [`economy`]: the amounts a status schema's Økonomi text names against
//!   the budget lines matched to it by title ([`matching`]) —
//!   `economy-mismatch`, `missing-budget-line`, and `ambiguous-number` for a
//!   number in that text read under an assumption.
//! - [`duplicates`]: the same initiative title in two submissions —
//!   `duplicate-initiative`.
//! - [`fields`]: a status schema without a field its section requires —
//!   `missing-field`.
//! - [`committee`]: a submission addressed to another committee than the
//!   format's — `committee-mismatch`.
//!
//! [`diff_submissions`] compares two versions of one department's
//! submission (`bilag diff`).
//!
//! Findings met while reading (file-rejected, amount-unparseable,
//! unit-assumed, ambiguous numbers in budget cells) come from the reader and
//! the normalizer, not from here.

pub mod committee;
pub mod departments;
pub mod diff;
pub mod duplicates;
pub mod economy;
pub mod fields;
pub mod matching;
pub mod totals;

pub use diff::{diff_submissions, SubmissionDiff};

use crate::finding::{sort_findings, Finding};
use crate::format::Format;
use crate::model::{Model, SourceRef};
use crate::normalize::danish::{format_amount, format_danish_decimal, parse_unit, Unit};
use rust_decimal::Decimal;

/// Runs every reconciliation check over the model. Pure: reads nothing,
/// writes nothing. The findings are sorted with [`sort_findings`].
pub fn reconcile(model: &Model, format: &Format) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sub in &model.submissions {
        findings.extend(totals::check_totals(sub, format));
        findings.extend(fields::check_fields(sub, format));
    }
    let matching = matching::match_initiatives(model);
    findings.extend(economy::check_economy(model, format, &matching));
    findings.extend(duplicates::check_duplicates(model));
    findings.extend(committee::check_committee(model, format));
    sort_findings(&mut findings);
    findings
}

/// Points a finding at a source cell when the model knows it.
pub(crate) fn located(finding: Finding, source: &SourceRef) -> Finding {
    match (source.sheet.is_empty(), source.cell.is_empty()) {
        (false, false) => finding.at(source.sheet.clone(), source.cell.clone()),
        (false, true) => finding.on_sheet(source.sheet.clone()),
        _ => finding,
    }
}

/// The unit amounts are shown in (the format's display unit; kroner if the
/// format names none we know).
pub(crate) fn display_unit(format: &Format) -> Unit {
    parse_unit(&format.document.display_unit).unwrap_or(Unit {
        name: "kr.",
        factor: Decimal::ONE,
    })
}

/// An amount for a caseworker: "73,19 mio. (73.190.000 kr.)" — the display
/// unit's Danish text and the exact kroner.
pub(crate) fn money(kroner: Decimal, unit: &Unit) -> String {
    format!(
        "{} ({} kr.)",
        format_amount(kroner, unit),
        format_danish_decimal(kroner)
    )
}

/// Quotes a text for a message, cut at `max` characters with "…".
pub(crate) fn quote(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        format!("'{flat}'")
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("'{}…'", cut.trim_end())
    }
}

/// "a", "a og b", "a, b og c": a list in a Danish sentence, as the
/// findings' messages and the command line's help write it.
///
/// ```
/// let items = ["Bolig".to_string(), "Skole".to_string(), "Kultur".to_string()];
/// assert_eq!(bilag::reconcile::join_danish(&items), "Bolig, Skole og Kultur");
/// ```
pub fn join_danish(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {}", rest.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_flatten_and_cut() {
        assert_eq!(quote("6,0 mio\npr. år", 40), "'6,0 mio pr. år'");
        assert_eq!(quote("abcdefghij", 5), "'abcd…'");
    }

    #[test]
    fn joins_in_danish() {
        let v: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(join_danish(&v[..1]), "a");
        assert_eq!(join_danish(&v[..2]), "a og b");
        assert_eq!(join_danish(&v), "a, b og c");
    }
}
