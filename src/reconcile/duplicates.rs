//! `duplicate-initiative`: the same initiative (same normalized title, see
//! [`normalize_label`]) sent in two submissions — the consolidated overview
//! and appendix would count it twice.
//!
//! The first submission (in the model's file order) that has a title keeps
//! it; every occurrence in another submission gets one finding, at its title
//! cell, naming both files. Two schemas with one title inside one submission
//! are not this check's business.

use super::located;
use crate::finding::{Code, Finding};
use crate::model::Model;
use crate::normalize::labels::normalize_label;
use std::collections::HashMap;

/// The duplicate-initiative findings of the whole model.
pub fn check_duplicates(model: &Model) -> Vec<Finding> {
    // normalized title → (submission, initiative) of its first occurrence.
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    let mut out = Vec::new();
    for (s, sub) in model.submissions.iter().enumerate() {
        for (i, init) in sub.initiatives.iter().enumerate() {
            let key = normalize_label(&init.title);
            if key.is_empty() {
                continue;
            }
            let &mut (fs, fi) = first.entry(key).or_insert((s, i));
            if fs == s {
                continue;
            }
            let orig = &model.submissions[fs];
            let orig_init = &orig.initiatives[fi];
            let at = if orig_init.source.sheet.is_empty() {
                String::new()
            } else {
                format!(" ({}!{})", orig_init.source.sheet, orig_init.source.cell)
            };
            let msg = format!(
                "Statusskemaet '{}' findes både i {} og i {}{at}; det tælles dobbelt i den samlede redegørelse, så fjern det fra den ene fil, eller giv indsatserne hver sin titel.",
                init.title.trim(),
                sub.source,
                orig.source,
            );
            out.push(located(
                Finding::new(Code::DuplicateInitiative, &sub.source, msg),
                &init.source,
            ));
        }
    }
    out
}
