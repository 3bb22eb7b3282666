//! Findings (contract §5): what reading and reconciling found that a person
//! must look at. Every finding names the file, and where it can, the sheet and
//! cell to open.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered so that errors sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Danish word for the severity, as shown to a caseworker.
    pub fn danish(self) -> &'static str {
        match self {
            Severity::Error => "fejl",
            Severity::Warning => "advarsel",
            Severity::Info => "info",
        }
    }
}

/// The finding codes of contract §5. Serialized in kebab-case
/// ("total-mismatch").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    FileRejected,
    AmountUnparseable,
    TotalMismatch,
    EconomyMismatch,
    MissingBudgetLine,
    DuplicateInitiative,
    AmbiguousNumber,
    MissingField,
    UnitAssumed,
    /// Text longer than a cell can hold was cut (written outputs).
    TextTruncated,
    /// A metadata date that is not a date bilag can read.
    DateUnparseable,
    /// A submission addressed to another committee than the format's.
    CommitteeMismatch,
    /// A hidden sheet, row or column held content that was left out.
    HiddenContent,
    /// A file byte-identical to another in the inbox (counted once).
    DuplicateFile,
    /// An older version of a submission whose newer version is current.
    Superseded,
    /// A roster department without a readable current submission.
    MissingSubmission,
    /// A submission whose department is not on the roster.
    UnknownDepartment,
    /// An Økonomi text whose amounts bilag cannot tell the meaning of (two
    /// unrelated amounts, no scope): said, not warned (v2 addition).
    EconomyUnclear,
}

impl Code {
    /// The severity the contract assigns to the code.
    pub fn severity(self) -> Severity {
        match self {
            Code::FileRejected | Code::AmountUnparseable | Code::TotalMismatch => Severity::Error,
            Code::EconomyMismatch
            | Code::MissingBudgetLine
            | Code::DuplicateInitiative
            | Code::AmbiguousNumber
            | Code::MissingField
            | Code::TextTruncated
            | Code::DateUnparseable
            | Code::CommitteeMismatch
            | Code::HiddenContent
            | Code::DuplicateFile
            | Code::MissingSubmission
            | Code::UnknownDepartment => Severity::Warning,
            Code::UnitAssumed | Code::Superseded | Code::EconomyUnclear => Severity::Info,
        }
    }

    /// What the code means, in Danish, for a person ("total passer ikke"):
    /// shown beside the code on the Afstemning sheet.
    pub fn danish(self) -> &'static str {
        match self {
            Code::FileRejected => "fil afvist",
            Code::AmountUnparseable => "beløb kan ikke læses",
            Code::TotalMismatch => "total passer ikke",
            Code::EconomyMismatch => "Økonomi-tekst passer ikke",
            Code::MissingBudgetLine => "budgetlinje mangler",
            Code::DuplicateInitiative => "indsats to steder",
            Code::AmbiguousNumber => "tvetydigt tal",
            Code::MissingField => "felt mangler",
            Code::UnitAssumed => "enhed antaget",
            Code::TextTruncated => "tekst afkortet",
            Code::DateUnparseable => "dato kan ikke læses",
            Code::CommitteeMismatch => "andet udvalg",
            Code::HiddenContent => "skjult indhold",
            Code::DuplicateFile => "identisk kopi",
            Code::Superseded => "ældre version",
            Code::MissingSubmission => "aflevering mangler",
            Code::UnknownDepartment => "ukendt afdeling",
            Code::EconomyUnclear => "Økonomi-tekst uklar",
        }
    }

    /// The kebab-case name used in JSON ("total-mismatch").
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FileRejected => "file-rejected",
            Code::AmountUnparseable => "amount-unparseable",
            Code::TotalMismatch => "total-mismatch",
            Code::EconomyMismatch => "economy-mismatch",
            Code::MissingBudgetLine => "missing-budget-line",
            Code::DuplicateInitiative => "duplicate-initiative",
            Code::AmbiguousNumber => "ambiguous-number",
            Code::MissingField => "missing-field",
            Code::UnitAssumed => "unit-assumed",
            Code::TextTruncated => "text-truncated",
            Code::DateUnparseable => "date-unparseable",
            Code::CommitteeMismatch => "committee-mismatch",
            Code::HiddenContent => "hidden-content",
            Code::DuplicateFile => "duplicate-file",
            Code::Superseded => "superseded",
            Code::MissingSubmission => "missing-submission",
            Code::UnknownDepartment => "unknown-department",
            Code::EconomyUnclear => "economy-unclear",
        }
    }

    /// Every code, in the contract's order.
    pub const ALL: [Code; 18] = [
        Code::FileRejected,
        Code::AmountUnparseable,
        Code::TotalMismatch,
        Code::EconomyMismatch,
        Code::MissingBudgetLine,
        Code::DuplicateInitiative,
        Code::AmbiguousNumber,
        Code::MissingField,
        Code::DateUnparseable,
        Code::TextTruncated,
        Code::UnitAssumed,
        Code::CommitteeMismatch,
        Code::HiddenContent,
        Code::DuplicateFile,
        Code::Superseded,
        Code::MissingSubmission,
        Code::UnknownDepartment,
        Code::EconomyUnclear,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, as written to `findings.json`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// File name of the submission (no directory).
    pub file: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub message: String,
}

impl Finding {
    /// A finding with the contract's severity for `code`.
    pub fn new(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            file: file.into(),
            sheet: None,
            cell: None,
            message: message.into(),
        }
    }

    /// Points the finding at a sheet and cell.
    pub fn at(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        self.sheet = Some(sheet.into());
        self.cell = Some(cell.into());
        self
    }

    /// Points the finding at a sheet only.
    pub fn on_sheet(mut self, sheet: impl Into<String>) -> Self {
        self.sheet = Some(sheet.into());
        self
    }

    /// "file › sheet › cell" for human output.
    pub fn location(&self) -> String {
        let mut s = self.file.clone();
        if let Some(sheet) = &self.sheet {
            s.push_str(" › ");
            s.push_str(sheet);
        }
        if let Some(cell) = &self.cell {
            s.push_str(" › ");
            s.push_str(cell);
        }
        s
    }
}

/// Sorts findings for people: errors first, then by file, sheet and cell
/// position (row before column), keeping the order of equal ones.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.sheet.cmp(&b.sheet))
            .then_with(|| cell_key(a.cell.as_deref()).cmp(&cell_key(b.cell.as_deref())))
    });
}

fn cell_key(cell: Option<&str>) -> (u32, u32) {
    cell.and_then(crate::read::parse_a1)
        .map_or((0, 0), |(r, c)| (r, c))
}

/// Counts (errors, warnings, infos) of a list of findings, or of any
/// selection of them (`group.iter().copied()`).
pub fn count_by_severity<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> (usize, usize, usize) {
    findings
        .into_iter()
        .fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_the_contract_names_them() {
        let f = Finding::new(Code::TotalMismatch, "a.xlsx", "x").at("Økonomi", "F12");
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["code"], "total-mismatch");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["sheet"], "Økonomi");
        assert_eq!(v["cell"], "F12");
        for code in Code::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
        let sev = |c: Code| c.severity().danish();
        assert_eq!(sev(Code::Superseded), "info");
        assert_eq!(sev(Code::DuplicateFile), "advarsel");
        assert_eq!(sev(Code::MissingSubmission), "advarsel");
        assert_eq!(sev(Code::UnknownDepartment), "advarsel");
        assert_eq!(sev(Code::CommitteeMismatch), "advarsel");
        assert_eq!(sev(Code::HiddenContent), "advarsel");
        let g = Finding::new(Code::UnitAssumed, "a.xlsx", "x");
        let v = serde_json::to_value(&g).unwrap();
        assert_eq!(v["severity"], "info");
        assert_eq!(v["sheet"], serde_json::Value::Null);
    }

    #[test]
    fn errors_sort_first_then_cells_by_row() {
        let mut v = vec![
            Finding::new(Code::UnitAssumed, "a.xlsx", "i"),
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "w").at("S", "B10"),
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "w").at("S", "B9"),
            Finding::new(Code::FileRejected, "b.xlsx", "e"),
        ];
        sort_findings(&mut v);
        let cells: Vec<_> = v.iter().map(|f| (f.severity, f.cell.clone())).collect();
        assert_eq!(
            cells,
            vec![
                (Severity::Error, None),
                (Severity::Warning, Some("B9".into())),
                (Severity::Warning, Some("B10".into())),
                (Severity::Info, None),
            ]
        );
    }
}
