//! `missing-field`: a status schema without a field its section requires
//! (the section's `fields` in the committee format), or with the field left
//! blank. A `{year}` field ("Mål i {year}") is satisfied by any year
//! ("Mål i 2009").
//!
//! An initiative whose section the format does not know is not checked.

use super::located;
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::Submission;
use crate::normalize::labels::{label_matches_normalized, normalize_label};

/// The missing-field findings of one submission.
pub fn check_fields(sub: &Submission, format: &Format) -> Vec<Finding> {
    let mut out = Vec::new();
    for init in &sub.initiatives {
        let Some(section) = format.section(init.section) else {
            continue;
        };
        // Each key normalized once, not once per field.
        let keys: Vec<String> = init
            .fields
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(key, _)| normalize_label(key))
            .collect();
        for field in &section.fields {
            let label = normalize_label(&field.label);
            let present = keys.iter().any(|key| {
                if field.label.contains("{year}") {
                    label_matches_normalized(&field.label, key).is_some()
                } else {
                    *key == label
                }
            });
            if present {
                continue;
            }
            let name = field.label.replace("{year}", "<år>");
            let msg = format!(
                "Statusskemaet '{}' (sektion {}) mangler feltet '{name}' eller har det tomt; udfyld feltet i statusskemaet.",
                init.title.trim(),
                section.number,
            );
            out.push(located(
                Finding::new(Code::MissingField, &sub.source, msg),
                &init.source,
            ));
        }
    }
    out
}
