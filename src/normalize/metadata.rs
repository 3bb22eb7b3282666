//! Metadata rows (contract §1.1): a label cell and its value in the next
//! non-empty cell to the right, plus "Til Socialudvalget" in one cell, and
//! the appendix texts a Forside may carry (Titel, Indledning, Mål n,
//! Afsluttende tekst).

use super::{cell_text, danish, labels, Ctx};
use crate::finding::Code;
use crate::format::MetaKey;
use crate::model::Submission;
use crate::read::{Row, Sheet, Value};

/// What one metadata row holds.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaRow {
    /// A metadata key and its value cell (None when the value is empty).
    Field(MetaKey, Option<(u32, Value)>),
    Title(Option<String>),
    Intro(Option<String>),
    /// A goal number ("Mål 2" → 2) and its text.
    Goal(u32, Option<String>),
    Closing(Option<String>),
    /// "Til Socialudvalget" alone in a cell.
    To(String),
    /// "Postnr./By": the address's next line (the seed's address is two
    /// lines).
    Postal(Option<String>),
}

/// Recognizes a metadata row by its first filled cell.
pub(crate) fn recognize(row: &Row, ctx: &Ctx) -> Option<MetaRow> {
    let mut filled = row.filled();
    let first = filled.next()?;
    let label = cell_text(&first.value)?;
    let value = filled.next().map(|c| (c.col, c.value.clone()));
    let text = value.as_ref().and_then(|(_, v)| cell_text(v));
    let f = ctx.format;
    if let Some(key) = f.metadata.key_for(&label) {
        return Some(MetaRow::Field(key, value));
    }
    if f.metadata
        .postal
        .iter()
        .any(|l| labels::label_matches(l, &label).is_some())
    {
        return Some(MetaRow::Postal(
            value.as_ref().and_then(|(_, v)| typed_text(v)),
        ));
    }
    let dl = &f.document_labels;
    let any = |ls: &[String]| {
        ls.iter()
            .any(|l| labels::label_matches(l, &label).is_some())
    };
    if any(&dl.title) {
        return Some(MetaRow::Title(text));
    }
    if any(&dl.intro) {
        return Some(MetaRow::Intro(text));
    }
    if any(&dl.closing) {
        return Some(MetaRow::Closing(text));
    }
    for pattern in &dl.goal {
        if let Some(Some(n)) = labels::label_matches(pattern, &label) {
            return Some(MetaRow::Goal(n.parse().unwrap_or(0), text));
        }
    }
    if value.is_none() {
        let norm = labels::normalize_label(&label);
        if let Some(rest) = norm.strip_prefix("til ") {
            if !rest.is_empty() && label.split_whitespace().count() <= 6 {
                let committee = label.trim()[3..].trim().to_string();
                return Some(MetaRow::To(committee));
            }
        }
    }
    None
}

/// Stores a recognized metadata row in the submission. The first value for a
/// key wins; an unreadable date is reported, not guessed.
pub(crate) fn apply(meta: MetaRow, sheet: &Sheet, row: u32, sub: &mut Submission, ctx: &mut Ctx) {
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if slot.is_none() {
            *slot = v;
        }
    };
    let doc = &mut sub.document;
    match meta {
        MetaRow::Field(key, value) => {
            ctx.metadata_labels_seen += 1;
            let Some((col, value)) = value else { return };
            let m = &mut sub.metadata;
            // Telefon, Telefax, EAN nummer, Sagsnr. … typed as a number cell
            // are the digits as typed, not a formatted number.
            let text = typed_text(&value);
            match key {
                MetaKey::Date => {
                    if m.date.is_some() {
                        return;
                    }
                    match date_of(&value) {
                        Some(d) => m.date = Some(d),
                        None => ctx.finding(
                            Code::DateUnparseable,
                            &sheet.name,
                            row,
                            col,
                            format!(
                                "Datoen '{}' kan ikke læses; skriv den som 03-03-2008 eller 3. marts 2008.",
                                text.unwrap_or_default()
                            ),
                        ),
                    }
                }
                MetaKey::Committee => set(&mut m.committee, text),
                MetaKey::Department => set(&mut m.department, text),
                MetaKey::CaseNumber => set(&mut m.case_number, text),
                MetaKey::DocumentNumber => set(&mut m.document_number, text),
                MetaKey::Caseworker => set(&mut m.caseworker, text),
                MetaKey::Address => set(&mut m.address, text),
                MetaKey::Phone => set(&mut m.phone, text),
                MetaKey::Fax => set(&mut m.fax, text),
                MetaKey::Email => set(&mut m.email, text),
                MetaKey::Ean => set(&mut m.ean, text),
            }
        }
        MetaRow::To(committee) => {
            ctx.metadata_labels_seen += 1;
            set(&mut sub.metadata.committee, Some(committee));
        }
        MetaRow::Postal(text) => {
            ctx.metadata_labels_seen += 1;
            if let Some(t) = text {
                ctx.postal.get_or_insert(t);
            }
        }
        MetaRow::Title(t) => set(&mut doc.title, t),
        MetaRow::Intro(t) => set(&mut doc.intro, t),
        MetaRow::Closing(t) => set(&mut doc.closing, t),
        MetaRow::Goal(n, t) => {
            if let Some(t) = t {
                let i = (n as usize).saturating_sub(1);
                if doc.goals.len() <= i {
                    doc.goals.resize(i + 1, String::new());
                }
                doc.goals[i] = t;
            }
        }
    }
}

/// A Forside value as a person typed it: text as [`cell_text`] gives it, a
/// number cell as its plain digits ("33173731", "5798009682833"; a
/// fraction with a decimal comma), never grouped like an amount.
///
/// ```
/// # use bilag::read::Value;
/// # use bilag::normalize::metadata::typed_text;
/// assert_eq!(typed_text(&Value::Number(33173731.0)).as_deref(), Some("33173731"));
/// assert_eq!(typed_text(&Value::Number(5798009682833.0)).as_deref(), Some("5798009682833"));
/// assert_eq!(typed_text(&Value::Int(2008)).as_deref(), Some("2008"));
/// assert_eq!(typed_text(&Value::Number(12.5)).as_deref(), Some("12,5"));
/// assert_eq!(typed_text(&Value::Text(" 33 17 33 17 ".into())).as_deref(), Some("33 17 33 17"));
/// ```
pub fn typed_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(f) => Some(match danish::float_to_decimal(*f) {
            Some(d) => d.normalize().to_string().replace('.', ","),
            None => format!("{f}"),
        }),
        _ => cell_text(v),
    }
}

/// Keeps a Forside row the format does not know in `metadata.other`: the
/// first cell is the label (without a trailing colon), the rest the value.
pub(crate) fn keep_other(texts: &[(u32, String)], sub: &mut Submission) {
    let label = texts[0].1.trim().trim_end_matches(':').trim().to_string();
    let value = texts[1..]
        .iter()
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if label.is_empty() || value.is_empty() {
        return;
    }
    sub.metadata.other.entry(label).or_insert(value);
}

/// A date cell or Danish date text as yyyy-mm-dd.
fn date_of(v: &Value) -> Option<String> {
    let d = match v {
        Value::Date(dt) => dt.date(),
        Value::Text(_) => danish::parse_date_text(v.text()?)?,
        _ => return None,
    };
    Some(d.format("%Y-%m-%d").to_string())
}
