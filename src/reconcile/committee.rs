//! One committee per pack (contract §1a, §5): the appendix, its letterhead
//! and its texts are the committee format's. A submission whose Forside
//! names another committee gives `committee-mismatch`; it stays in the pack.
//!
//! ```
//! use bilag::format::Format;
//! use bilag::model::{Model, Submission};
//! use bilag::reconcile::committee::check_committee;
//! let mut sub = Submission { source: "03-boern-unge.xlsx".into(), ..Default::default() };
//! sub.metadata.committee = Some("Til Børne- og Ungdomsudvalget".into());
//! let model = Model { submissions: vec![sub], ..Default::default() };
//! let findings = check_committee(&model, &Format::default_format());
//! assert_eq!(findings.len(), 1);
//! assert!(findings[0].message.contains("Socialudvalget"));
//! ```

use crate::finding::{Code, Finding};
use crate::format::{department_key, Format};
use crate::model::Model;

/// The committee format a person copies to make one for another committee.
const FORMAT_TO_COPY: &str = "templates/socialudvalget-2008.toml";

/// A committee as written, without a leading "Til"/"Til:" ("Til
/// Socialudvalget" → "Socialudvalget"); "Tilsynsudvalget" stays whole.
pub fn committee_name(text: &str) -> &str {
    let t = text.trim();
    match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("til") => {
            let rest = &t[3..];
            if rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ':') {
                rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':')
                    .trim_end()
            } else {
                t
            }
        }
        _ => t,
    }
}

/// A committee for comparison: without "Til", ignoring case, punctuation
/// and spacing (see [`department_key`]).
pub fn committee_key(text: &str) -> String {
    department_key(committee_name(text))
}

/// `committee-mismatch` for each submission whose Forside names another
/// committee than the format's. A submission naming none is not checked.
pub fn check_committee(model: &Model, format: &Format) -> Vec<Finding> {
    let ours = committee_key(&format.committee);
    model
        .submissions
        .iter()
        .filter_map(|sub| {
            let raw = sub.metadata.committee.as_deref()?;
            let key = committee_key(raw);
            if key.is_empty() || key == ours {
                return None;
            }
            let theirs = committee_name(raw);
            // The model does not keep the Forside cell of the committee, so
            // the finding names the file only.
            Some(Finding::new(
                Code::CommitteeMismatch,
                &sub.source,
                format!(
                    "Forsiden er stilet til {}, men pakken er lavet til {}, så afleveringen står i {} bilag; hvis afleveringen er til {theirs}, så kopiér udvalgsformatet ({FORMAT_TO_COPY}) til fx mit-udvalg.toml, ret committee og committee_genitive dér, og byg med --format mit-udvalg.toml.",
                    crate::reconcile::quote(raw, 80),
                    format.committee,
                    format.committee_genitive,
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::model::Submission;

    fn addressed(source: &str, committee: Option<&str>) -> Submission {
        let mut s = Submission {
            source: source.into(),
            ..Default::default()
        };
        s.metadata.committee = committee.map(String::from);
        s
    }

    #[test]
    fn til_is_not_part_of_the_committee() {
        assert_eq!(committee_name("Til Socialudvalget"), "Socialudvalget");
        assert_eq!(committee_name(" til  Socialudvalget "), "Socialudvalget");
        assert_eq!(committee_name("Til: Socialudvalget"), "Socialudvalget");
        assert_eq!(committee_name("TIL:Socialudvalget"), "Socialudvalget");
        assert_eq!(committee_name("Tilsynsudvalget"), "Tilsynsudvalget");
        assert_eq!(committee_name("Til"), "");
    }

    #[test]
    fn the_same_committee_written_differently_is_no_mismatch() {
        let f = Format::default_format();
        let model = Model {
            submissions: [
                "Socialudvalget",
                "Til Socialudvalget",
                "til: SOCIALUDVALGET.",
                "  Social udvalget ",
                "Til",
                "",
            ]
            .iter()
            .enumerate()
            .map(|(i, c)| addressed(&format!("{i}.xlsx"), Some(c)))
            .chain(std::iter::once(addressed("none.xlsx", None)))
            .collect(),
            ..Default::default()
        };
        assert_eq!(check_committee(&model, &f), Vec::new());
    }

    #[test]
    fn another_committee_is_a_warning_naming_both_and_the_way_out() {
        let f = Format::default_format();
        let model = Model {
            submissions: vec![addressed("03.xlsx", Some("Til Børne- og Ungdomsudvalget"))],
            ..Default::default()
        };
        let found = check_committee(&model, &f);
        assert_eq!(found.len(), 1);
        let x = &found[0];
        assert_eq!(x.code, Code::CommitteeMismatch);
        assert_eq!(x.severity, Severity::Warning);
        assert_eq!(x.file, "03.xlsx");
        assert_eq!(
            x.message,
            "Forsiden er stilet til 'Til Børne- og Ungdomsudvalget', men pakken er lavet til Socialudvalget, så afleveringen står i Socialudvalgets bilag; hvis afleveringen er til Børne- og Ungdomsudvalget, så kopiér udvalgsformatet (templates/socialudvalget-2008.toml) til fx mit-udvalg.toml, ret committee og committee_genitive dér, og byg med --format mit-udvalg.toml."
        );
        assert_eq!(x.message.matches(". ").count(), 0, "one sentence");
    }
}
