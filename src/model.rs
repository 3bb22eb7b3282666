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
    /// One entry per accepted CURRENT submission, in file-name order
    /// (contract §1a): older versions and byte-identical copies are not here.
    pub submissions: Vec<Submission>,
    /// Files read but left out of the pack: older versions of a submission
    /// and byte-identical copies, each naming the current file.
    #[serde(default)]
    pub set_aside: Vec<SetAside>,
}

/// Why a readable file is not in the pack (contract §1a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetAsideReason {
    /// An older version of the submission that is current.
    Superseded,
    /// Byte-identical to the current file.
    DuplicateFile,
}

impl SetAsideReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SetAsideReason::Superseded => "superseded",
            SetAsideReason::DuplicateFile => "duplicate-file",
        }
    }

    /// Danish, for a person: "ældre version", "identisk kopi".
    pub fn danish(self) -> &'static str {
        match self {
            SetAsideReason::Superseded => "ældre version",
            SetAsideReason::DuplicateFile => "identisk kopi",
        }
    }
}

/// A file set aside (`model.json`'s `set_aside`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    /// File name of the file set aside.
    pub source: String,
    pub sha256: String,
    pub reason: SetAsideReason,
    /// File name of the current version that is in the pack instead.
    pub current: String,
    /// The department the file names, if any.
    #[serde(default)]
    pub department: Option<String>,
    /// Forside Dato of the file set aside (yyyy-mm-dd), if any.
    #[serde(default)]
    pub date: Option<String>,
    /// When the file was received (its modification time, or when watch
    /// received it), RFC 3339.
    #[serde(default)]
    pub received: Option<String>,
    /// Which rule made the two files versions of one submission (Danish).
    #[serde(default)]
    pub why: String,
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
    /// When the file was received: its modification time (build, check) or
    /// when watch received it; local time, RFC 3339. Decides between two
    /// versions with the same Forside Dato (contract §1a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
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
    /// Forside label|value rows the committee format does not know: label as
    /// written → text (contract §1.1, v2). Never silently dropped.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub other: IndexMap<String, String>,
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
    pub sheet: Text,
    pub cell: Text,
}

/// The cell an amount was read from and the text as the department typed it
/// (for a number cell: the number as stored, e.g. "12.29").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountSource {
    pub cell: Text,
    pub raw: Text,
    /// The unit the amount was multiplied by ("mio.", "t.kr.", "kr.") and where
    /// it came from ("cell", "header", "caption", "default").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
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
pub type Year = Text;

/// Text that is usually short (a year, a cell address, a sheet name, an
/// amount as typed): kept inline up to 24 bytes, so the model of a workbook
/// with 200,000 budget lines is not millions of tiny allocations. Reads as a
/// `&str`; serializes as a string.
pub type Text = compact_str::CompactString;

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
    pub amounts: YearMap<Decimal>,
    /// The line's own "I alt" cell, if the table has one and it is filled.
    #[serde(with = "kroner_opt")]
    pub stated_total: Option<Decimal>,
    /// The title cell.
    #[serde(default)]
    pub source: SourceRef,
    #[serde(default)]
    pub amount_sources: YearMap<AmountSource>,
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
    pub amounts: YearMap<Decimal>,
    #[serde(with = "kroner_opt")]
    pub total: Option<Decimal>,
    #[serde(default)]
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "YearMap::is_empty")]
    pub amount_sources: YearMap<AmountSource>,
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

/// A small map from year to value, ordered by year: what a budget line
/// holds per year. A sorted vector, not a `BTreeMap` (whose every node holds
/// room for eleven entries): a budget line has four or five years, and a
/// workbook can have 200,000 lines. Serialized as a JSON object, as a map.
///
/// ```
/// use bilag::model::YearMap;
/// let mut m: YearMap<u32> = YearMap::new();
/// m.insert("2009".into(), 2);
/// m.insert("2008".into(), 1);
/// assert_eq!(m.keys().collect::<Vec<_>>(), ["2008", "2009"]);
/// assert_eq!(m["2009"], 2);
/// assert_eq!(m.insert("2008".into(), 3), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMap<V> {
    entries: Vec<(Year, V)>,
}

impl<V> Default for YearMap<V> {
    fn default() -> Self {
        YearMap {
            entries: Vec::new(),
        }
    }
}

impl<V> YearMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `n` years.
    pub fn with_capacity(n: usize) -> Self {
        YearMap {
            entries: Vec::with_capacity(n),
        }
    }

    fn find(&self, year: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(year))
    }

    /// Sets the value of `year`; returns the value it replaces.
    pub fn insert(&mut self, year: Year, value: V) -> Option<V> {
        match self.find(&year) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (year, value));
                None
            }
        }
    }

    pub fn get(&self, year: &str) -> Option<&V> {
        self.find(year).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, year: &str) -> Option<&mut V> {
        self.find(year).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, year: &str) -> bool {
        self.find(year).is_ok()
    }

    pub fn remove(&mut self, year: &str) -> Option<V> {
        self.find(year).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (year, value) in year order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Year, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&Year, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Year> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Frees room the map does not use (after it is filled).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

impl<V> std::ops::Index<&str> for YearMap<V> {
    type Output = V;
    fn index(&self, year: &str) -> &V {
        self.get(year)
            .unwrap_or_else(|| panic!("no value for the year {year:?}"))
    }
}

impl<K: Into<Year>, V> FromIterator<(K, V)> for YearMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = YearMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Into<Year>, V> Extend<(K, V)> for YearMap<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k.into(), v);
        }
    }
}

impl<K: Into<Year>, V, const N: usize> From<[(K, V); N]> for YearMap<V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<'a, V> IntoIterator for &'a YearMap<V> {
    type Item = (&'a Year, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Year, V)>, fn(&(Year, V)) -> (&Year, &V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V> IntoIterator for YearMap<V> {
    type Item = (Year, V);
    type IntoIter = std::vec::IntoIter<(Year, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<V: Serialize> Serialize for YearMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for YearMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: BTreeMap<Year, V> = BTreeMap::deserialize(d)?;
        Ok(raw.into_iter().collect())
    }
}

mod kroner_map {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &YearMap<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(m.len()))?;
        for (k, v) in m {
            map.serialize_entry(k, &kroner_string(v))?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<YearMap<Decimal>, D::Error> {
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
