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
use crate::normalize::labels::{label_matches, normalize_label};

/// The missing-field findings of one submission.
pub fn check_fields(sub: &Submission, format: &Format) -> Vec<Finding> {
    let mut out = Vec::new();
    for init in &sub.initiatives {
        let Some(section) = format.section(init.section) else {
            continue;
        };
        for field in &section.fields {
            let present = init.fields.iter().any(|(key, value)| {
                !value.trim().is_empty()
                    && if field.label.contains("{year}") {
                        label_matches(&field.label, key).is_some()
                    } else {
                        normalize_label(key) == normalize_label(&field.label)
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
