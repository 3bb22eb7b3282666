//! `bilag diff`: what changed between two versions of one department's
//! submission — initiatives added, removed and changed (which fields, old →
//! new text), budget amounts changed per line and year (old → new and the
//! difference in kroner), stated totals and metadata.
//!
//! Initiatives and budget lines are paired by normalized title
//! ([`normalize_label`]); when a title occurs several times, the n-th
//! occurrence pairs with the n-th. A renamed initiative or line therefore
//! shows as one removed and one added.

use super::{display_unit, quote};
use crate::format::{Format, MetaKey};
use crate::model::{BudgetLine, Initiative, StatedTotal, Submission, Year, YearMap};
use crate::normalize::danish::{format_amount, format_danish_decimal, Unit};
use crate::normalize::labels::normalize_label;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The differences between two versions of a submission.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SubmissionDiff {
    pub old_source: String,
    pub new_source: String,
    /// Whether the two files are versions of one submission at all
    /// (contract §1a), and the departments they name.
    pub versions: VersionRelation,
    /// Metadata rows that changed; `field` is the model's key ("date").
    pub metadata: Vec<TextChange>,
    /// Appendix texts on the Forside that changed ("title", "intro",
    /// "goal 1", "closing").
    pub document: Vec<TextChange>,
    pub initiatives_added: Vec<InitiativeSummary>,
    pub initiatives_removed: Vec<InitiativeSummary>,
    pub initiatives_changed: Vec<InitiativeChange>,
    pub lines_added: Vec<LineSummary>,
    pub lines_removed: Vec<LineSummary>,
    /// Amounts of lines present in both versions that changed.
    pub amounts_changed: Vec<AmountChange>,
    /// Stated total rows ("I alt") whose amounts changed.
    pub totals_changed: Vec<AmountChange>,
}

/// Are two files versions of one submission (contract §1a)?
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VersionRelation {
    /// True when a rule of [`crate::inbox::versions::version_rule`] holds.
    pub same_submission: bool,
    /// Why they are (or, when not, why not), in Danish.
    pub why: String,
    pub old_department: Option<String>,
    pub new_department: Option<String>,
}

impl VersionRelation {
    /// What [`diff_submissions`] finds about two submissions.
    pub fn of(old: &Submission, new: &Submission) -> VersionRelation {
        use crate::reconcile::departments::department_of;
        let (od, nd) = (department_of(old), department_of(new));
        let rule = crate::inbox::versions::version_rule(old, new);
        let different = matches!((od, nd), (Some(a), Some(b)) if different_departments(a, b));
        VersionRelation {
            same_submission: rule.is_some() && !different,
            why: match rule {
                Some(why) if !different => why,
                _ if different => "filerne er fra to forskellige afdelinger".into(),
                _ => "hverken filnavn, dokumentnr. eller statusskemaernes titler er fælles".into(),
            },
            old_department: od.map(String::from),
            new_department: nd.map(String::from),
        }
    }

    /// The note `bilag diff` prints first when the files are not two
    /// versions of one department's submission; `None` when they are.
    pub fn note(&self, old: &str, new: &str) -> Option<String> {
        if self.same_submission {
            return None;
        }
        Some(match (&self.old_department, &self.new_department) {
            (Some(a), Some(b)) if different_departments(a, b) => format!(
                "Bemærk: {old} er fra '{a}' og {new} er fra '{b}' — to forskellige afdelinger, ikke to versioner af samme aflevering. Forskellene nedenfor er forskellene mellem to afdelingers afleveringer."
            ),
            _ => format!(
                "Bemærk: {old} og {new} ligner ikke to versioner af samme aflevering ({}); forskellene nedenfor kan være store af den grund.",
                self.why
            ),
        })
    }
}

/// Do two department names (as the submissions write them) name two
/// departments?
fn different_departments(a: &str, b: &str) -> bool {
    crate::format::department_key(a) != crate::format::department_key(b)
}

/// One text that changed; `None` when absent on that side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitiativeSummary {
    pub title: String,
    pub section: u8,
}

/// An initiative present in both versions whose fields changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitiativeChange {
    pub title: String,
    pub section: u8,
    /// Field label → old and new text; "Sektion" when the section changed.
    pub fields: Vec<TextChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineSummary {
    pub title: String,
    pub group: Option<String>,
    pub amounts: YearMap<Decimal>,
    /// Sum of the amounts.
    pub total: Decimal,
}

/// One amount that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmountChange {
    /// The line's (or total row's) title.
    pub line: String,
    /// The year column; `None` for the "I alt" column.
    pub year: Option<Year>,
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
    /// new − old in kroner (a blank counts as 0).
    pub difference: Decimal,
}

/// Compares two versions of one department's submission.
pub fn diff_submissions(old: &Submission, new: &Submission) -> SubmissionDiff {
    let mut d = SubmissionDiff {
        old_source: old.source.clone(),
        new_source: new.source.clone(),
        versions: VersionRelation::of(old, new),
        ..Default::default()
    };

    // Metadata: every key of the model's metadata, in its order.
    let (om, nm) = (
        serde_json::to_value(&old.metadata).unwrap_or_default(),
        serde_json::to_value(&new.metadata).unwrap_or_default(),
    );
    if let (Some(om), Some(nm)) = (om.as_object(), nm.as_object()) {
        for (k, ov) in om {
            let o = ov.as_str().map(str::to_string);
            let n = nm.get(k).and_then(|v| v.as_str()).map(str::to_string);
            push_text_change(&mut d.metadata, k, o, n);
        }
    }

    // Appendix texts.
    let (od, nd) = (&old.document, &new.document);
    push_text_change(&mut d.document, "title", od.title.clone(), nd.title.clone());
    push_text_change(&mut d.document, "intro", od.intro.clone(), nd.intro.clone());
    for n in 0..od.goals.len().max(nd.goals.len()) {
        push_text_change(
            &mut d.document,
            &format!("goal {}", n + 1),
            od.goals.get(n).cloned(),
            nd.goals.get(n).cloned(),
        );
    }
    push_text_change(
        &mut d.document,
        "closing",
        od.closing.clone(),
        nd.closing.clone(),
    );

    // Initiatives.
    let (pairs, removed, added) =
        pair_by_title(&old.initiatives, &new.initiatives, |i: &Initiative| {
            &i.title
        });
    for (o, n) in pairs {
        let (o, n) = (&old.initiatives[o], &new.initiatives[n]);
        let mut fields = Vec::new();
        if o.section != n.section {
            fields.push(TextChange {
                field: "Sektion".into(),
                old: Some(o.section.to_string()),
                new: Some(n.section.to_string()),
            });
        }
        let keys: Vec<&String> = o
            .fields
            .keys()
            .chain(n.fields.keys().filter(|k| !o.fields.contains_key(*k)))
            .collect();
        for k in keys {
            push_text_change(
                &mut fields,
                k,
                o.fields.get(k).cloned(),
                n.fields.get(k).cloned(),
            );
        }
        if !fields.is_empty() {
            d.initiatives_changed.push(InitiativeChange {
                title: n.title.clone(),
                section: n.section,
                fields,
            });
        }
    }
    d.initiatives_removed = removed
        .into_iter()
        .map(|i| summary(&old.initiatives[i]))
        .collect();
    d.initiatives_added = added
        .into_iter()
        .map(|i| summary(&new.initiatives[i]))
        .collect();

    // Budget lines.
    let (pairs, removed, added) =
        pair_by_title(&old.budget_lines, &new.budget_lines, |l: &BudgetLine| {
            &l.title
        });
    for (o, n) in pairs {
        let (o, n) = (&old.budget_lines[o], &new.budget_lines[n]);
        amount_changes(
            &mut d.amounts_changed,
            &n.title,
            &o.amounts,
            &n.amounts,
            o.stated_total,
            n.stated_total,
        );
    }
    d.lines_removed = removed
        .into_iter()
        .map(|i| line_summary(&old.budget_lines[i]))
        .collect();
    d.lines_added = added
        .into_iter()
        .map(|i| line_summary(&new.budget_lines[i]))
        .collect();

    // Stated totals.
    let (pairs, _, _) = pair_by_title(&old.stated_totals, &new.stated_totals, |t: &StatedTotal| {
        &t.title
    });
    for (o, n) in pairs {
        let (o, n) = (&old.stated_totals[o], &new.stated_totals[n]);
        amount_changes(
            &mut d.totals_changed,
            &n.title,
            &o.amounts,
            &n.amounts,
            o.total,
            n.total,
        );
    }
    d
}

/// Texts compare with line endings and surrounding space normalized.
fn same_text(a: &str, b: &str) -> bool {
    a.replace("\r\n", "\n").trim() == b.replace("\r\n", "\n").trim()
}

fn push_text_change(
    out: &mut Vec<TextChange>,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) {
    let changed = match (&old, &new) {
        (Some(a), Some(b)) => !same_text(a, b),
        (None, None) => false,
        (Some(a), None) | (None, Some(a)) => !a.trim().is_empty(),
    };
    if changed {
        out.push(TextChange {
            field: field.to_string(),
            old,
            new,
        });
    }
}

fn summary(i: &Initiative) -> InitiativeSummary {
    InitiativeSummary {
        title: i.title.clone(),
        section: i.section,
    }
}

fn line_summary(l: &BudgetLine) -> LineSummary {
    LineSummary {
        title: l.title.clone(),
        group: l.group.clone(),
        amounts: l.amounts.clone(),
        total: l.amounts.values().sum(),
    }
}

/// Pairs items by normalized title, n-th occurrence with n-th. Returns the
/// pairs (old index, new index) in new order, the unpaired old indexes and
/// the unpaired new indexes.
fn pair_by_title<T>(
    old: &[T],
    new: &[T],
    title: impl Fn(&T) -> &String,
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut pool: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in old.iter().enumerate().rev() {
        pool.entry(normalize_label(title(o))).or_default().push(i);
    }
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for (j, n) in new.iter().enumerate() {
        match pool.get_mut(&normalize_label(title(n))).and_then(Vec::pop) {
            Some(i) => pairs.push((i, j)),
            None => added.push(j),
        }
    }
    let mut removed: Vec<usize> = pool.into_values().flatten().collect();
    removed.sort_unstable();
    (pairs, removed, added)
}

fn amount_changes(
    out: &mut Vec<AmountChange>,
    title: &str,
    old: &YearMap<Decimal>,
    new: &YearMap<Decimal>,
    old_total: Option<Decimal>,
    new_total: Option<Decimal>,
) {
    let years: BTreeSet<&Year> = old.keys().chain(new.keys()).collect();
    for y in years {
        push_amount_change(
            out,
            title,
            Some(y.clone()),
            old.get(y).copied(),
            new.get(y).copied(),
        );
    }
    push_amount_change(out, title, None, old_total, new_total);
}

fn push_amount_change(
    out: &mut Vec<AmountChange>,
    title: &str,
    year: Option<Year>,
    old: Option<Decimal>,
    new: Option<Decimal>,
) {
    if old == new {
        return;
    }
    out.push(AmountChange {
        line: title.to_string(),
        year,
        old,
        new,
        difference: new.unwrap_or_default() - old.unwrap_or_default(),
    });
}

impl SubmissionDiff {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.metadata.is_empty()
            && self.document.is_empty()
            && self.initiatives_added.is_empty()
            && self.initiatives_removed.is_empty()
            && self.initiatives_changed.is_empty()
            && self.lines_added.is_empty()
            && self.lines_removed.is_empty()
            && self.amounts_changed.is_empty()
            && self.totals_changed.is_empty()
    }

    /// A few readable Danish lines for a caseworker, amounts in the format's
    /// display unit.
    pub fn render(&self, format: &Format) -> String {
        let unit = display_unit(format);
        if self.is_empty() {
            return format!(
                "Ingen ændringer mellem {} og {}.\n",
                self.old_source, self.new_source
            );
        }
        let mut out = format!(
            "Ændringer fra {} til {}:\n",
            self.old_source, self.new_source
        );
        let mut line = |s: String| {
            out.push_str("- ");
            out.push_str(&s);
            out.push('\n');
        };
        for c in &self.metadata {
            let label = meta_label(&c.field, format);
            line(format!("{label}: {}", text_change(c)));
        }
        for c in &self.document {
            line(format!(
                "{}: {}",
                document_label(&c.field, format),
                text_change(c)
            ));
        }
        for i in &self.initiatives_added {
            line(format!(
                "Nyt statusskema: '{}' (sektion {})",
                i.title.trim(),
                i.section
            ));
        }
        for i in &self.initiatives_removed {
            line(format!(
                "Fjernet statusskema: '{}' (sektion {})",
                i.title.trim(),
                i.section
            ));
        }
        for i in &self.initiatives_changed {
            for c in &i.fields {
                line(format!(
                    "Statusskemaet '{}', {}: {}",
                    i.title.trim(),
                    c.field,
                    text_change(c)
                ));
            }
        }
        for l in &self.lines_added {
            line(format!(
                "Ny budgetlinje: '{}' ({})",
                l.title.trim(),
                amounts_text(&l.amounts, &unit)
            ));
        }
        for l in &self.lines_removed {
            line(format!(
                "Fjernet budgetlinje: '{}' ({})",
                l.title.trim(),
                amounts_text(&l.amounts, &unit)
            ));
        }
        let total_label = &format.document.total_column_label;
        for c in &self.amounts_changed {
            line(format!(
                "Budgetlinjen '{}', {}: {}",
                c.line.trim(),
                c.year.as_deref().unwrap_or(total_label),
                amount_change(c, &unit)
            ));
        }
        for c in &self.totals_changed {
            line(format!(
                "Totalen '{}', {}: {}",
                c.line.trim(),
                c.year.as_deref().unwrap_or(total_label),
                amount_change(c, &unit)
            ));
        }
        out
    }
}

/// The Danish label of a metadata key: the format's first label for it.
fn meta_label(field: &str, format: &Format) -> String {
    let key = match field {
        "committee" => MetaKey::Committee,
        "date" => MetaKey::Date,
        "case_number" => MetaKey::CaseNumber,
        "document_number" => MetaKey::DocumentNumber,
        "caseworker" => MetaKey::Caseworker,
        "department" => MetaKey::Department,
        "address" => MetaKey::Address,
        "phone" => MetaKey::Phone,
        "fax" => MetaKey::Fax,
        "email" => MetaKey::Email,
        "ean" => MetaKey::Ean,
        other => return other.to_string(),
    };
    format
        .metadata
        .labels(key)
        .first()
        .cloned()
        .unwrap_or_else(|| field.to_string())
}

fn document_label(field: &str, format: &Format) -> String {
    let l = &format.document_labels;
    let first = |v: &[String], dflt: &str| v.first().cloned().unwrap_or_else(|| dflt.to_string());
    match field {
        "title" => first(&l.title, "Titel"),
        "intro" => first(&l.intro, "Indledning"),
        "closing" => first(&l.closing, "Afsluttende tekst"),
        other => match other.strip_prefix("goal ") {
            Some(n) => first(&l.goal, "Mål {n}").replace("{n}", n),
            None => other.to_string(),
        },
    }
}

/// "'old' → 'new'", showing only the part that differs of long texts.
fn text_change(c: &TextChange) -> String {
    const MAX: usize = 80;
    match (&c.old, &c.new) {
        (None, Some(n)) => format!("tilføjet {}", quote(n, MAX)),
        (Some(o), None) => format!("fjernet (var {})", quote(o, MAX)),
        (Some(o), Some(n)) => {
            let (o, n) = differing_parts(o, n, MAX);
            format!("{o} → {n}")
        }
        (None, None) => String::new(),
    }
}

/// Both texts quoted; when either is long, only the differing middle with a
/// little context, marked with "…".
fn differing_parts(old: &str, new: &str, max: usize) -> (String, String) {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (o, n) = (flat(old), flat(new));
    let (oc, nc): (Vec<char>, Vec<char>) = (o.chars().collect(), n.chars().collect());
    if oc.len() <= max && nc.len() <= max {
        return (format!("'{o}'"), format!("'{n}'"));
    }
    let prefix = oc.iter().zip(&nc).take_while(|(a, b)| a == b).count();
    let suffix = oc[prefix..]
        .iter()
        .rev()
        .zip(nc[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    const CONTEXT: usize = 20;
    let start = prefix.saturating_sub(CONTEXT);
    let cut = |cs: &[char]| {
        let end = (cs.len() - suffix + CONTEXT).min(cs.len());
        let mut s: String = cs[start..end].iter().take(max).collect();
        if start > 0 {
            s.insert(0, '…');
        }
        if end < cs.len() || end - start > max {
            s.push('…');
        }
        format!("'{s}'")
    };
    (cut(&oc), cut(&nc))
}

fn amounts_text(amounts: &YearMap<Decimal>, unit: &Unit) -> String {
    if amounts.is_empty() {
        return "ingen beløb".into();
    }
    amounts
        .iter()
        .map(|(y, a)| format!("{y}: {}", format_amount(*a, unit)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn amount_change(c: &AmountChange, unit: &Unit) -> String {
    let show = |a: Option<Decimal>| match a {
        Some(a) => format_amount(a, unit),
        None => "tom".to_string(),
    };
    let sign = if c.difference > Decimal::ZERO {
        "+"
    } else {
        ""
    };
    format!(
        "{} → {} ({sign}{} kr.)",
        show(c.old),
        show(c.new),
        format_danish_decimal(c.difference)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_show_the_differing_middle() {
        let a = format!("{} 11,9 mio. kr. {}", "a".repeat(100), "b".repeat(100));
        let b = format!("{} 12,3 mio. kr. {}", "a".repeat(100), "b".repeat(100));
        let (o, n) = differing_parts(&a, &b, 80);
        assert!(o.contains("11,9") && o.starts_with("'…"), "{o}");
        assert!(n.contains("12,3") && n.ends_with("…'"), "{n}");
        assert!(o.chars().count() < 80, "{o}");
    }

    #[test]
    fn titles_pair_by_occurrence() {
        let old = vec!["A".to_string(), "b".into(), "A".into(), "C".into()];
        let new = vec!["a".to_string(), "D".into(), "A".into(), "B ".into()];
        let (pairs, removed, added) = pair_by_title(&old, &new, |s| s);
        assert_eq!(pairs, vec![(0, 0), (2, 2), (1, 3)]);
        assert_eq!(removed, vec![3]);
        assert_eq!(added, vec![1]);
    }
}
