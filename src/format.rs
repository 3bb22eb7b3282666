//! The committee format: labels, headings, texts and the default unit, as
//! data (`templates/*.toml`). The seed's format (Socialudvalget 2008) is
//! embedded as the default, so a new committee or year needs no code change.
//!
//! ```
//! let format = bilag::format::Format::default_format();
//! assert_eq!(format.committee, "Socialudvalget");
//! assert_eq!(format.sections.len(), 2);
//! assert_eq!(format.title(), "Bilag 1: Socialudvalgets redegørelse for integrationsindsatsen");
//! ```

use crate::normalize::labels::{label_matches_normalized, normalize_label, with_normalized};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The seed's format, compiled into the binary.
pub const DEFAULT_FORMAT_TOML: &str = include_str!("../templates/socialudvalget-2008.toml");

/// Errors loading a committee format.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(
        "kan ikke læse udvalgsformatet {path}: {}",
        crate::internal::oserror::danish(source)
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("udvalgsformatet {path} er ikke gyldigt: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub id: String,
    pub name: String,
    pub committee: String,
    pub committee_genitive: String,
    pub default_unit: String,
    pub years: Vec<i32>,
    pub document: DocumentFormat,
    pub metadata: MetadataLabels,
    pub document_labels: DocumentLabels,
    pub sheets: SheetNames,
    pub sections: Vec<Section>,
    pub tabular: TabularLabels,
    pub budget: BudgetFormat,
    /// The departments expected to submit (`[[department]]`, contract §1a).
    /// Empty: no roster, nobody is missing. `--departments FILE` replaces it.
    #[serde(default, rename = "department", skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<RosterDepartment>,
    /// The appendix letterhead's sender (`[sender]`), when the format or the
    /// roster file names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
}

/// One department on the roster (`[[department]]`).
///
/// ```toml
/// [[department]]
/// name = "SSP København"
/// aliases = ["SSP", "SSP København, Sekretariatet"]
/// coordinator = true
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterDepartment {
    /// The department's name as the committee knows it.
    pub name: String,
    /// Other names a Forside may give it (matched like the name: ignoring
    /// case, punctuation and spacing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The coordinating department: its submission gives the appendix
    /// letterhead when no `[sender]` is given.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub coordinator: bool,
}

/// The appendix letterhead's sender (`[sender]`): every field optional;
/// those given are the letterhead, no field is taken from a submission.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub fax: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub ean: Option<String>,
    #[serde(default)]
    pub caseworker: Option<String>,
    #[serde(default)]
    pub case_number: Option<String>,
    #[serde(default)]
    pub document_number: Option<String>,
    /// yyyy-mm-dd; without it the letterhead shows the date the submissions
    /// share, else today's.
    #[serde(default)]
    pub date: Option<String>,
}

/// A roster file (`--departments FILE`): `[[department]]` entries and an
/// optional `[sender]`, as in a committee format.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    #[serde(default, rename = "department")]
    pub departments: Vec<RosterDepartment>,
    #[serde(default)]
    pub sender: Option<Sender>,
}

impl Roster {
    /// Parses a roster from TOML text; `origin` names it in errors.
    ///
    /// ```
    /// let r = bilag::format::Roster::from_toml(r#"
    /// [[department]]
    /// name = "SSP København"
    /// aliases = ["SSP"]
    /// "#, "afdelinger.toml").unwrap();
    /// assert_eq!(r.departments[0].aliases, ["SSP"]);
    /// let err = bilag::format::Roster::from_toml("[[department]]\nnavn = \"x\"", "a.toml");
    /// assert!(err.unwrap_err().to_string().contains("navn"));
    /// ```
    ///
    /// # Errors
    /// An unknown key, a missing name or a wrong type names it.
    pub fn from_toml(text: &str, origin: &str) -> Result<Roster, FormatError> {
        let roster: Roster = toml::from_str(text).map_err(|e| FormatError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        validate_roster(&roster.departments).map_err(|message| FormatError::Invalid {
            path: origin.to_string(),
            message,
        })?;
        Ok(roster)
    }

    /// Loads a roster file.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid roster.
    pub fn load(path: &Path) -> Result<Roster, FormatError> {
        let text = std::fs::read_to_string(path).map_err(|source| FormatError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Roster::from_toml(&text, &path.display().to_string())
    }
}

/// Names must be non-empty, and no name or alias may name two departments;
/// at most one coordinator.
fn validate_roster(departments: &[RosterDepartment]) -> Result<(), String> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for d in departments {
        if department_key(&d.name).is_empty() {
            return Err("en [[department]] mangler et navn (name = \"…\")".into());
        }
        for n in std::iter::once(&d.name).chain(&d.aliases) {
            let key = department_key(n);
            if let Some((_, other)) = seen.iter().find(|(k, o)| *k == key && *o != d.name) {
                return Err(format!(
                    "navnet {n:?} står ved både {other:?} og {:?} i [[department]]",
                    d.name
                ));
            }
            seen.push((key, &d.name));
        }
    }
    let coordinators: Vec<&str> = departments
        .iter()
        .filter(|d| d.coordinator)
        .map(|d| d.name.as_str())
        .collect();
    if coordinators.len() > 1 {
        return Err(format!(
            "kun én afdeling kan være koordinator (coordinator = true); her er det {}",
            coordinators.join(" og ")
        ));
    }
    Ok(())
}

/// A department name for comparison: lower case, letters and digits only,
/// so "SSP København, Sekretariatet" = "ssp københavn sekretariatet" and
/// "Mål- og Rammekontor" = "Mål og Rammekontor".
///
/// ```
/// use bilag::format::department_key;
/// assert_eq!(department_key(" SSP  København, Sekretariatet "), department_key("ssp københavn sekretariatet"));
/// assert_eq!(department_key("Mål- og Rammekontor"), "målogrammekontor");
/// ```
pub fn department_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFormat {
    pub bilag_nr: u32,
    pub title: String,
    pub intro: String,
    pub goals: Vec<String>,
    pub closing: String,
    pub economy_heading: String,
    pub total_caption: String,
    pub grand_total_label: String,
    pub total_column_label: String,
    pub display_unit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataLabels {
    pub committee: Vec<String>,
    pub department: Vec<String>,
    pub date: Vec<String>,
    pub case_number: Vec<String>,
    pub document_number: Vec<String>,
    pub caseworker: Vec<String>,
    pub address: Vec<String>,
    pub phone: Vec<String>,
    pub fax: Vec<String>,
    pub email: Vec<String>,
    pub ean: Vec<String>,
    /// "Postnr./By" rows: joined to the address as its next line.
    #[serde(default = "default_postal_labels")]
    pub postal: Vec<String>,
}

fn default_postal_labels() -> Vec<String> {
    [
        "Postnr./By",
        "Postnr. og by",
        "Postnummer og by",
        "Postnr.",
        "By",
    ]
    .map(String::from)
    .to_vec()
}

/// A metadata key of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    Committee,
    Department,
    Date,
    CaseNumber,
    DocumentNumber,
    Caseworker,
    Address,
    Phone,
    Fax,
    Email,
    Ean,
}

impl MetaKey {
    pub const ALL: [MetaKey; 11] = [
        MetaKey::Committee,
        MetaKey::Department,
        MetaKey::Date,
        MetaKey::CaseNumber,
        MetaKey::DocumentNumber,
        MetaKey::Caseworker,
        MetaKey::Address,
        MetaKey::Phone,
        MetaKey::Fax,
        MetaKey::Email,
        MetaKey::Ean,
    ];
}

impl MetadataLabels {
    pub fn labels(&self, key: MetaKey) -> &[String] {
        match key {
            MetaKey::Committee => &self.committee,
            MetaKey::Department => &self.department,
            MetaKey::Date => &self.date,
            MetaKey::CaseNumber => &self.case_number,
            MetaKey::DocumentNumber => &self.document_number,
            MetaKey::Caseworker => &self.caseworker,
            MetaKey::Address => &self.address,
            MetaKey::Phone => &self.phone,
            MetaKey::Fax => &self.fax,
            MetaKey::Email => &self.email,
            MetaKey::Ean => &self.ean,
        }
    }

    /// The metadata key a label cell names, if any.
    pub fn key_for(&self, label: &str) -> Option<MetaKey> {
        let label = normalize_label(label);
        MetaKey::ALL.into_iter().find(|k| {
            self.labels(*k)
                .iter()
                .any(|l| label_matches_normalized(l, &label).is_some())
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentLabels {
    pub title: Vec<String>,
    pub intro: Vec<String>,
    /// Patterns with `{n}`: "Mål {n}".
    pub goal: Vec<String>,
    pub closing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetNames {
    pub metadata: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub number: u8,
    pub heading: String,
    pub markers: Vec<String>,
    pub budget_group: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The label as the model and the appendix name it; may contain `{year}`.
    pub label: String,
    pub synonyms: Vec<String>,
    /// The field whose text names the initiative's amounts.
    #[serde(default)]
    pub economy: bool,
}

impl Field {
    /// If `text` names this field, the label to store it under (with the
    /// year filled in for `{year}` labels: "Mål i 2009").
    pub fn matches(&self, text: &str) -> Option<String> {
        self.matches_normalized(&normalize_label(text))
    }

    /// [`Field::matches`] for a text already passed through
    /// [`normalize_label`].
    pub fn matches_normalized(&self, text: &str) -> Option<String> {
        std::iter::once(&self.label)
            .chain(self.synonyms.iter())
            .find_map(|syn| label_matches_normalized(syn, text))
            .map(|year| match year {
                Some(y) => self.label.replace("{year}", &y),
                None => self.label.clone(),
            })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabularLabels {
    pub title: Vec<String>,
    pub section: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetFormat {
    pub groups: Vec<BudgetGroup>,
    pub total_labels: Vec<String>,
    pub title_labels: Vec<String>,
    pub unit_caption_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetGroup {
    pub name: String,
    pub synonyms: Vec<String>,
}

impl Format {
    /// The embedded default format (the seed's).
    pub fn default_format() -> Format {
        Format::from_toml(DEFAULT_FORMAT_TOML, "templates/socialudvalget-2008.toml")
            .expect("the embedded format is valid (tested)")
    }

    /// Parses a format from TOML text; `origin` names it in errors.
    ///
    /// # Errors
    /// An unknown key, a missing key or a wrong type is an error that names it.
    pub fn from_toml(text: &str, origin: &str) -> Result<Format, FormatError> {
        let format: Format = toml::from_str(text).map_err(|e| FormatError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        format.validate().map_err(|message| FormatError::Invalid {
            path: origin.to_string(),
            message,
        })?;
        Ok(format)
    }

    /// Loads a format from a TOML file.
    ///
    /// # Errors
    /// The file cannot be read, or is not a valid format.
    pub fn load(path: &Path) -> Result<Format, FormatError> {
        let text = std::fs::read_to_string(path).map_err(|source| FormatError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Format::from_toml(&text, &path.display().to_string())
    }

    /// `--format FILE` or the default.
    ///
    /// # Errors
    /// See [`Format::load`].
    pub fn load_or_default(path: Option<&Path>) -> Result<Format, FormatError> {
        match path {
            Some(p) => Format::load(p),
            None => Ok(Format::default_format()),
        }
    }

    /// `--format FILE` (or the default) with `--departments FILE`'s roster:
    /// the roster file's departments replace the format's, and its
    /// `[sender]`, when given, the format's.
    ///
    /// # Errors
    /// See [`Format::load`] and [`Roster::load`].
    pub fn load_with_roster(
        format: Option<&Path>,
        departments: Option<&Path>,
    ) -> Result<Format, FormatError> {
        let mut f = Format::load_or_default(format)?;
        if let Some(p) = departments {
            f.set_roster(Roster::load(p)?);
        }
        Ok(f)
    }

    /// Replaces the roster (and the sender, when the roster names one).
    pub fn set_roster(&mut self, roster: Roster) {
        self.departments = roster.departments;
        if roster.sender.is_some() {
            self.sender = roster.sender;
        }
    }

    /// The roster department a Forside department names (by name or alias,
    /// ignoring case, punctuation and spacing).
    pub fn roster_department(&self, name: &str) -> Option<&RosterDepartment> {
        let key = department_key(name);
        if key.is_empty() {
            return None;
        }
        self.departments.iter().find(|d| {
            std::iter::once(&d.name)
                .chain(&d.aliases)
                .any(|n| department_key(n) == key)
        })
    }

    /// The coordinating department, if the roster marks one.
    pub fn coordinator(&self) -> Option<&RosterDepartment> {
        self.departments.iter().find(|d| d.coordinator)
    }

    fn validate(&self) -> Result<(), String> {
        validate_roster(&self.departments)?;
        if self.sections.is_empty() {
            return Err("der skal være mindst én sektion ([[sections]])".into());
        }
        for s in &self.sections {
            if s.fields.is_empty() {
                return Err(format!("sektion {} har ingen felter", s.number));
            }
        }
        if crate::normalize::danish::parse_unit(&self.default_unit).is_none() {
            return Err(format!(
                "default_unit = {:?} er ikke en kendt enhed (kr., t.kr., 1.000 kr., mio. kr., mia. kr.)",
                self.default_unit
            ));
        }
        if crate::normalize::danish::parse_unit(&self.document.display_unit).is_none() {
            return Err(format!(
                "document.display_unit = {:?} er ikke en kendt enhed",
                self.document.display_unit
            ));
        }
        Ok(())
    }

    /// Fills {udvalg}, {udvalg_genitiv} and {bilag_nr} in a format text.
    pub fn fill(&self, text: &str) -> String {
        text.replace("{udvalg_genitiv}", &self.committee_genitive)
            .replace("{udvalg}", &self.committee)
            .replace("{bilag_nr}", &self.document.bilag_nr.to_string())
    }

    /// The appendix title with the committee filled in.
    pub fn title(&self) -> String {
        self.fill(&self.document.title)
    }

    pub fn section(&self, number: u8) -> Option<&Section> {
        self.sections.iter().find(|s| s.number == number)
    }

    /// The section a heading row, sheet name or Sektion cell names, if any.
    /// Matches a section marker at the start of the text ("1. Statusskema …",
    /// "Statusskema 2", "Sektion 2"), or a bare section number ("2").
    pub fn section_named_by(&self, text: &str) -> Option<u8> {
        let norm = normalize_label(text);
        self.sections
            .iter()
            .find(|s| {
                s.markers.iter().any(|m| {
                    with_normalized(m, |m, _| {
                        norm.strip_prefix(m).is_some_and(|rest| {
                            rest.is_empty() || rest.starts_with([' ', ':', ','])
                        })
                    })
                })
            })
            .map(|s| s.number)
    }

    /// The section a Sektion/Skema column cell names: a bare number ("2")
    /// or any text [`Format::section_named_by`] accepts.
    pub fn section_in_column(&self, text: &str) -> Option<u8> {
        match normalize_label(text).parse::<u8>() {
            Ok(n) => self.section(n).map(|s| s.number),
            Err(_) => self.section_named_by(text),
        }
    }

    /// Is this text one of the total labels ("I alt", "Total", "<group> i alt")?
    pub fn is_total_label(&self, text: &str) -> bool {
        // A normalized text ends with the last character normalizing keeps,
        // lower-cased: most titles are told apart by it, without normalizing
        // them (a budget table can have 200,000 lines).
        let kept = text.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.'));
        let Some(last) = kept
            .chars()
            .next_back()
            .and_then(|c| c.to_lowercase().last())
        else {
            return false;
        };
        let mut norm: Option<String> = None;
        self.budget.total_labels.iter().any(|l| {
            with_normalized(l, |l, _| {
                l.ends_with(last)
                    && norm
                        .get_or_insert_with(|| normalize_label(text))
                        .strip_suffix(l)
                        .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
            })
        })
    }

    /// Is this the "I alt" header of a budget table's total column?
    pub fn is_total_column_label(&self, text: &str) -> bool {
        let norm = normalize_label(text);
        self.budget
            .total_labels
            .iter()
            .any(|l| with_normalized(l, |l, _| l == norm))
            || with_normalized(&self.document.total_column_label, |l, _| l == norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_format_parses_and_fills_texts() {
        let f = Format::default_format();
        assert_eq!(f.id, "socialudvalget-integration-2008");
        assert_eq!(f.document.goals.len(), 3);
        assert!(f.fill(&f.document.intro).contains("bedt Socialudvalget om"));
        assert_eq!(f.sections[0].fields.len(), 7);
        assert_eq!(f.sections[1].fields.len(), 5);
    }

    #[test]
    fn unknown_key_is_an_error_that_names_it() {
        let text =
            DEFAULT_FORMAT_TOML.replace("default_unit =", "defualt_unit = \"x\"\ndefault_unit =");
        let err = Format::from_toml(&text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("defualt_unit"), "{err}");
        assert!(err.contains("x.toml"), "{err}");
    }

    #[test]
    fn a_format_may_carry_a_roster_and_a_sender() {
        let text = format!(
            "{DEFAULT_FORMAT_TOML}\n[sender]\ndepartment = \"Socialforvaltningen\"\nphone = \"33 17 33 17\"\n\n[[department]]\nname = \"SSP København\"\naliases = [\"SSP\"]\n\n[[department]]\nname = \"Center for Integration\"\ncoordinator = true\n"
        );
        let f = Format::from_toml(&text, "x.toml").unwrap();
        assert_eq!(f.departments.len(), 2);
        assert_eq!(f.roster_department("ssp").unwrap().name, "SSP København");
        assert_eq!(
            f.roster_department("SSP  KØBENHAVN").unwrap().name,
            "SSP København"
        );
        assert!(f.roster_department("SSP Nord").is_none());
        assert_eq!(f.coordinator().unwrap().name, "Center for Integration");
        let s = f.sender.unwrap();
        assert_eq!(s.department.as_deref(), Some("Socialforvaltningen"));
        assert_eq!(s.phone.as_deref(), Some("33 17 33 17"));
        assert_eq!(s.address, None);
    }

    #[test]
    fn roster_errors_name_the_key_or_the_conflict() {
        for (toml, want) in [
            ("[[department]]\nname = \"A\"\nalias = [\"B\"]\n", "alias"),
            ("[[department]]\nnavn = \"A\"\n", "navn"),
            ("[[department]]\nname = \" \"\n", "mangler et navn"),
            (
                "[[department]]\nname = \"A\"\naliases = [\"X\"]\n[[department]]\nname = \"B\"\naliases = [\"x\"]\n",
                "både",
            ),
            (
                "[[department]]\nname = \"A\"\ncoordinator = true\n[[department]]\nname = \"B\"\ncoordinator = true\n",
                "koordinator",
            ),
            ("[sender]\nafdeling = \"A\"\n", "afdeling"),
            ("[[afdeling]]\nname = \"A\"\n", "afdeling"),
        ] {
            let err = Roster::from_toml(toml, "afdelinger.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{toml}: {err}");
            assert!(err.contains("afdelinger.toml"), "{err}");
        }
    }

    #[test]
    fn a_roster_file_replaces_the_formats_departments() {
        let mut f = Format::default_format();
        assert!(f.departments.is_empty() && f.sender.is_none());
        f.set_roster(
            Roster::from_toml(
                "[[department]]\nname = \"A\"\n[[department]]\nname = \"B\"\n",
                "r.toml",
            )
            .unwrap(),
        );
        assert_eq!(f.departments.len(), 2);
        assert!(f.sender.is_none());
    }

    #[test]
    fn unknown_unit_is_an_error() {
        let text =
            DEFAULT_FORMAT_TOML.replace("default_unit = \"mio. kr.\"", "default_unit = \"gryn\"");
        let err = Format::from_toml(&text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("gryn"), "{err}");
    }

    #[test]
    fn another_committee_needs_no_code() {
        let text = DEFAULT_FORMAT_TOML
            .replace(
                "committee = \"Socialudvalget\"",
                "committee = \"Børne- og Ungdomsudvalget\"",
            )
            .replace(
                "committee_genitive = \"Socialudvalgets\"",
                "committee_genitive = \"Børne- og Ungdomsudvalgets\"",
            );
        let f = Format::from_toml(&text, "buu.toml").unwrap();
        assert_eq!(
            f.title(),
            "Bilag 1: Børne- og Ungdomsudvalgets redegørelse for integrationsindsatsen"
        );
        assert!(f
            .fill(&f.document.intro)
            .contains("bedt Børne- og Ungdomsudvalget om"));
    }

    #[test]
    fn fields_match_synonyms_and_years() {
        let f = Format::default_format();
        let s1 = f.section(1).unwrap();
        let found: Vec<_> = [
            "Økonomi:",
            "  mål i 2009 ",
            "MÅL FOR 2010",
            "Status ift målopfyldelse",
            "Budgettet",
        ]
        .iter()
        .map(|t| s1.fields.iter().find_map(|fl| fl.matches(t)))
        .collect();
        assert_eq!(
            found,
            vec![
                Some("Økonomi".to_string()),
                Some("Mål i 2009".to_string()),
                Some("Mål i 2010".to_string()),
                Some("Status ift. målopfyldelse".to_string()),
                None
            ]
        );
    }

    #[test]
    fn sections_named_by_heading_sheet_or_column() {
        let f = Format::default_format();
        let cases = [
            (
                "1. Statusskema for integrationsindsatser, der bidrager",
                Some(1),
            ),
            (
                "2. Statusskema for integrationsindsatser, der ligger ud over",
                Some(2),
            ),
            ("Statusskema 1", Some(1)),
            ("Skema 1", Some(1)),
            ("Sektion 2", Some(2)),
            ("2", None),
            ("Statusskemaer", None),
            ("Økonomi", None),
            ("3", None),
        ];
        for (text, want) in cases {
            assert_eq!(f.section_named_by(text), want, "{text}");
        }
        for (text, want) in [
            ("1", Some(1)),
            ("2", Some(2)),
            ("3", None),
            ("Sektion 2", Some(2)),
            ("x", None),
        ] {
            assert_eq!(f.section_in_column(text), want, "{text}");
        }
    }

    #[test]
    fn total_labels() {
        let f = Format::default_format();
        for t in [
            "I alt",
            "I ALT",
            "i alt:",
            "Total",
            "Integrationsindsatser i alt",
            "Samlet",
            "I\u{a0}ALT.",
            "Boligsociale  projekter   I Alt :",
            "TOTAL\n",
        ] {
            assert!(f.is_total_label(t), "{t}");
        }
        for t in [
            "Integrationsprojekter – samlet beløb",
            "Boligsociale projekter",
            "Altid",
            "Halt",
            "Projekt",
            "Subtotal",
            "",
            " .: ",
        ] {
            assert!(!f.is_total_label(t), "{t}");
        }
    }
}
