//! The normalized model: plain serde data, no I/O (contract §2).
//!
//! Amounts are kroner as exact [`Decimal`]s and are serialized as decimal
//! strings without trailing zeros ("12290000", "-500000.5"), never as floats.
//! Every value keeps its provenance: the sheet and cell it was read from and,
//! for amounts, the raw text the department typed.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything bilag read from one inbox: the input to reconcile and the writers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Id of the committee format used (`id` in the format's TOML).
    #[serde(default)]
    pub format: String,
    /// One entry per accepted submission, in file-name order.
    pub submissions: Vec<Submission>,
}

/// One department's workbook, normalized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// File name (no directory).
    pub source: String,
    /// sha256 of the file's bytes, lower-case hex.
    #[serde(default)]
    pub sha256: String,
    /// The sending department (Forvaltning/Kontor/Afsender/Afdeling), if stated.
    pub department: Option<String>,
    pub metadata: Metadata,
    pub initiatives: Vec<Initiative>,
    pub budget_lines: Vec<BudgetLine>,
    pub stated_totals: Vec<StatedTotal>,
    /// Appendix texts a submission may carry on its Forside (Titel,
    /// Indledning, Mål 1…, Afsluttende tekst). They override the format's.
    #[serde(default, skip_serializing_if = "DocumentTexts::is_empty")]
    pub document: DocumentTexts,
}

/// Metadata key/value rows (contract §1.1). `None` (JSON null) when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub committee: Option<String>,
    /// ISO date, yyyy-mm-dd.
    pub date: Option<String>,
    pub case_number: Option<String>,
    pub document_number: Option<String>,
    pub caseworker: Option<String>,
    pub department: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub ean: Option<String>,
}

/// Appendix texts from a submission's Forside, when present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentTexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
}

impl DocumentTexts {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.intro.is_none()
            && self.goals.is_empty()
            && self.closing.is_none()
    }
}

/// Where a value was read: sheet name and A1 cell reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub sheet: String,
    pub cell: String,
}

/// The cell an amount was read from and the text as the department typed it
/// (for a number cell: the number as stored, e.g. "12.29").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountSource {
    pub cell: String,
    pub raw: String,
    /// The unit the amount was multiplied by ("mio.", "t.kr.", "kr.") and where
    /// it came from ("cell", "header", "caption", "default").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// One status schema (contract §1.2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Initiative {
    /// 1 or 2: the status-schema section.
    pub section: u8,
    pub title: String,
    /// Field label as the committee format names it → text. Multi-line values
    /// keep their line breaks as `\n`. Insertion order is the workbook's order.
    pub fields: IndexMap<String, String>,
    /// The title cell.
    #[serde(default)]
    pub source: SourceRef,
    /// Where each field's value was read (first cell of the value).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub field_sources: IndexMap<String, SourceRef>,
}

/// A year column key: "2008".
pub type Year = String;

/// One line of a budget table (contract §1.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The group heading above the line as written, if any.
    pub group: Option<String>,
    /// The committee format's group this line consolidates into, if the
    /// heading matched one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_group: Option<String>,
    pub title: String,
    #[serde(with = "kroner_map")]
    pub amounts: BTreeMap<Year, Decimal>,
    /// The line's own "I alt" cell, if the table has one and it is filled.
    #[serde(with = "kroner_opt")]
    pub stated_total: Option<Decimal>,
    /// The title cell.
    #[serde(default)]
    pub source: SourceRef,
    #[serde(default)]
    pub amount_sources: BTreeMap<Year, AmountSource>,
    /// The "I alt" cell of this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_source: Option<AmountSource>,
}

/// A stated total row ("I alt", "I ALT", "<group> i alt"): kept for
/// reconciliation, never added as a line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatedTotal {
    pub title: String,
    /// The group this total closes, when it is a group subtotal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(with = "kroner_map")]
    pub amounts: BTreeMap<Year, Decimal>,
    #[serde(with = "kroner_opt")]
    pub total: Option<Decimal>,
    #[serde(default)]
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amount_sources: BTreeMap<Year, AmountSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_source: Option<AmountSource>,
    /// Index into the submission's `budget_lines` of the first and one past
    /// the last line this total covers (the table it closes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<(usize, usize)>,
}

/// Formats a kroner amount the way the model stores it: no trailing zeros.
pub fn kroner_string(d: &Decimal) -> String {
    d.normalize().to_string()
}

fn parse_kroner<E: serde::de::Error>(s: &str) -> Result<Decimal, E> {
    s.parse::<Decimal>()
        .map_err(|e| E::custom(format!("not a kroner amount {s:?}: {e}")))
}

mod kroner_map {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &BTreeMap<Year, Decimal>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(m.len()))?;
        for (k, v) in m {
            map.serialize_entry(k, &kroner_string(v))?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Year, Decimal>, D::Error> {
        let raw: BTreeMap<Year, String> = BTreeMap::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| Ok((k, parse_kroner(&v)?)))
            .collect()
    }
}

mod kroner_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_some(&kroner_string(d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|v| parse_kroner(&v)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_serialize_as_exact_strings_without_trailing_zeros() {
        let mut line = BudgetLine {
            title: "Boligsociale projekter".into(),
            ..Default::default()
        };
        line.amounts
            .insert("2008".into(), Decimal::from_str("12290000.00").unwrap());
        line.amounts
            .insert("2009".into(), Decimal::from_str("-500000.50").unwrap());
        line.stated_total = Some(Decimal::from_str("49160000.000").unwrap());
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(json["amounts"]["2008"], "12290000");
        assert_eq!(json["amounts"]["2009"], "-500000.5");
        assert_eq!(json["stated_total"], "49160000");
        assert_eq!(json["group"], serde_json::Value::Null);
        let back: BudgetLine = serde_json::from_value(json).unwrap();
        assert_eq!(back.amounts["2008"], Decimal::from(12_290_000));
        assert_eq!(back.stated_total, Some(Decimal::from(49_160_000)));
    }
}
