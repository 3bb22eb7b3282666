//! Departments and their current submissions (contract §1a): the roster
//! checks (`missing-submission`, `unknown-department`) and the [`Status`]
//! shown on budget.xlsx's "Status" sheet, in the terminal summary and in
//! rapport.html.
//!
//! ```
//! use bilag::format::{Format, RosterDepartment};
//! use bilag::model::{Model, Submission};
//! use bilag::reconcile::departments::Status;
//! let mut format = Format::default_format();
//! for name in ["SSP København", "Center for Integration"] {
//!     format.departments.push(RosterDepartment { name: name.into(), ..Default::default() });
//! }
//! let model = Model {
//!     submissions: vec![Submission {
//!         source: "04-integration.xlsx".into(),
//!         department: Some("Center for Integration".into()),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let status = Status::of(&model, &[], &format);
//! assert_eq!(status.summary(), "1 af 2 afdelinger har afleveret; mangler: SSP København");
//! ```

use crate::finding::{Code, Finding, Severity};
use crate::format::{department_key, Format};
use crate::model::{Model, SetAside, Submission};
use serde::Serialize;

/// The department a submission names (Forside), if any.
pub fn department_of(sub: &Submission) -> Option<&str> {
    sub.department
        .as_deref()
        .or(sub.metadata.department.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

/// The roster name a submission belongs to: its roster department's name
/// when the roster knows it, else the department as written.
pub fn department_name(sub: &Submission, format: &Format) -> Option<String> {
    let d = department_of(sub)?;
    Some(
        format
            .roster_department(d)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| d.to_string()),
    )
}

/// `missing-submission` for each roster department without a readable
/// current submission, `unknown-department` for each submission whose
/// department is not on the roster. Nothing without a roster. `rejected`
/// are the file-rejected findings of the build: a rejected file does not
/// count as submitted, and the message says which rejected files may have
/// been the department's.
pub fn check_roster(model: &Model, format: &Format, rejected: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    if format.departments.is_empty() {
        return out;
    }
    for sub in &model.submissions {
        match department_of(sub) {
            Some(d) if format.roster_department(d).is_some() => {}
            Some(d) => out.push(Finding::new(
                Code::UnknownDepartment,
                &sub.source,
                format!(
                    "Afdelingen '{d}' står ikke på listen over afdelinger ({}); afleveringen er med i pakken, men tjek stavemåden, eller tilføj afdelingen (eller navnet som alias) i afdelingslisten.",
                    roster_names(format)
                ),
            )),
            None => out.push(Finding::new(
                Code::UnknownDepartment,
                &sub.source,
                "Forsiden nævner ingen afdeling (Forvaltning, Kontor, Afsender eller Afdeling), så afleveringen kan ikke knyttes til en afdeling på listen; den er med i pakken. Udfyld afdelingen på forsiden.".to_string(),
            )),
        }
    }
    for dept in &format.departments {
        let submitted = model.submissions.iter().any(|s| {
            department_of(s)
                .and_then(|d| format.roster_department(d))
                .is_some_and(|r| r.name == dept.name)
        });
        if submitted {
            continue;
        }
        let maybe: Vec<&str> = rejected
            .iter()
            .filter(|f| f.code == Code::FileRejected && file_may_be(&f.file, dept))
            .map(|f| f.file.as_str())
            .collect();
        let mut message = format!(
            "Afdelingen '{}' har ikke afleveret en læsbar indberetning.",
            dept.name
        );
        if !maybe.is_empty() {
            message.push_str(&format!(
                " {} blev afvist og tæller ikke som afleveret; bed afdelingen sende filen igen.",
                crate::reconcile::join_danish(
                    &maybe.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>()
                )
            ));
        } else if rejected.iter().any(|f| f.code == Code::FileRejected) {
            message.push_str(" Afviste filer tæller ikke som afleveret; se fil-afvisningerne.");
        }
        out.push(Finding::new(Code::MissingSubmission, "", message));
    }
    out
}

/// Could a file name be this department's (its name or an alias in the
/// file name)? Used only to point at a rejected file in a message.
fn file_may_be(file: &str, dept: &crate::format::RosterDepartment) -> bool {
    let f = department_key(file);
    std::iter::once(&dept.name)
        .chain(&dept.aliases)
        .map(|n| department_key(n))
        .any(|k| k.len() >= 3 && f.contains(&k))
}

fn roster_names(format: &Format) -> String {
    let names: Vec<String> = format.departments.iter().map(|d| d.name.clone()).collect();
    if names.len() <= 6 {
        crate::reconcile::join_danish(&names)
    } else {
        format!("{} afdelinger", names.len())
    }
}

/// One current submission on the status.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatusRow {
    /// The department (roster name when on the roster), `null` when the
    /// Forside names none.
    pub department: Option<String>,
    /// Whether the department is on the roster (`null` without a roster).
    pub on_roster: Option<bool>,
    pub file: String,
    /// Forside Dato, yyyy-mm-dd.
    pub date: Option<String>,
    /// When the file was received, RFC 3339.
    pub received: Option<String>,
    pub initiatives: usize,
    pub budget_lines: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// A file that was read but is not in the pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedFile {
    pub file: String,
    pub reason: String,
}

/// Who has sent what: the status of one build.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Status {
    /// One row per current submission: roster departments in roster order,
    /// then departments not on the roster, then submissions without one.
    pub submitted: Vec<StatusRow>,
    /// Roster departments without a readable current submission.
    pub missing: Vec<String>,
    /// Files set aside (older versions, identical copies).
    pub set_aside: Vec<SetAside>,
    /// Files that could not be read.
    pub rejected: Vec<RejectedFile>,
    /// Number of roster departments (0 without a roster).
    pub roster: usize,
}

impl Status {
    /// The status of a build from its model, its findings and the format's
    /// roster.
    pub fn of(model: &Model, findings: &[Finding], format: &Format) -> Status {
        // Errors and warnings per file, counted in one pass (a build of
        // 5,000 submissions has tens of thousands of findings).
        let mut counts: std::collections::HashMap<&str, (usize, usize)> =
            std::collections::HashMap::new();
        for f in findings {
            let c = counts.entry(f.file.as_str()).or_default();
            match f.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Info => {}
            }
        }
        let count = |file: &str, sev: Severity| {
            let (e, w) = counts.get(file).copied().unwrap_or_default();
            if sev == Severity::Error {
                e
            } else {
                w
            }
        };
        let has_roster = !format.departments.is_empty();
        let mut rows: Vec<(usize, StatusRow)> = model
            .submissions
            .iter()
            .map(|s| {
                let roster_index = department_of(s)
                    .and_then(|d| format.roster_department(d))
                    .and_then(|r| format.departments.iter().position(|d| d.name == r.name));
                let row = StatusRow {
                    department: department_name(s, format),
                    on_roster: has_roster.then_some(roster_index.is_some()),
                    file: s.source.clone(),
                    date: s.metadata.date.clone(),
                    received: s.received.clone(),
                    initiatives: s.initiatives.len(),
                    budget_lines: s.budget_lines.len(),
                    errors: count(&s.source, Severity::Error),
                    warnings: count(&s.source, Severity::Warning),
                };
                let rank = match (roster_index, &row.department) {
                    (Some(i), _) => i,
                    (None, Some(_)) => usize::MAX - 1,
                    (None, None) => usize::MAX,
                };
                (rank, row)
            })
            .collect();
        rows.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then_with(|| a.department.cmp(&b.department))
                .then_with(|| a.file.cmp(&b.file))
        });
        let missing = format
            .departments
            .iter()
            .filter(|d| {
                !rows
                    .iter()
                    .any(|(_, r)| r.department.as_deref() == Some(&d.name))
            })
            .map(|d| d.name.clone())
            .collect();
        let rejected = findings
            .iter()
            .filter(|f| f.code == Code::FileRejected)
            .map(|f| RejectedFile {
                file: f.file.clone(),
                reason: f.message.clone(),
            })
            .collect();
        Status {
            submitted: rows.into_iter().map(|(_, r)| r).collect(),
            missing,
            set_aside: model.set_aside.clone(),
            rejected,
            roster: format.departments.len(),
        }
    }

    /// Distinct departments that have a current submission.
    pub fn departments_submitted(&self) -> usize {
        let mut names: Vec<&str> = self
            .submitted
            .iter()
            .filter_map(|r| r.department.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// One line for a person: "3 af 4 afdelinger har afleveret; mangler:
    /// SSP København" with a roster; "4 afdelinger har afleveret (5 filer)"
    /// without. Set-aside and rejected files are counted after a ";".
    pub fn summary(&self) -> String {
        let files = self.submitted.len();
        let mut s = if self.roster > 0 {
            let on_roster = self.roster - self.missing.len();
            let mut s = format!(
                "{on_roster} af {} {} har afleveret",
                self.roster,
                if self.roster == 1 {
                    "afdeling"
                } else {
                    "afdelinger"
                }
            );
            if !self.missing.is_empty() {
                s.push_str(&format!("; mangler: {}", self.missing.join(", ")));
            }
            s
        } else {
            let n = self.departments_submitted();
            let mut s = format!(
                "{n} {} har afleveret",
                if n == 1 { "afdeling" } else { "afdelinger" }
            );
            if files != n {
                s.push_str(&format!(
                    " ({files} {})",
                    if files == 1 {
                        "aflevering"
                    } else {
                        "afleveringer"
                    }
                ));
            }
            s
        };
        if !self.set_aside.is_empty() {
            let n = self.set_aside.len();
            s.push_str(&format!(
                "; {n} {} lagt til side (ældre version eller kopi)",
                if n == 1 { "fil" } else { "filer" }
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::RosterDepartment;
    use crate::model::SetAsideReason;

    fn roster(names: &[(&str, &[&str])]) -> Format {
        let mut f = Format::default_format();
        f.departments = names
            .iter()
            .map(|(n, a)| RosterDepartment {
                name: n.to_string(),
                aliases: a.iter().map(|s| s.to_string()).collect(),
                coordinator: false,
            })
            .collect();
        f
    }

    fn sub(file: &str, dept: Option<&str>) -> Submission {
        Submission {
            source: file.into(),
            department: dept.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn without_a_roster_nothing_is_missing_or_unknown() {
        let model = Model {
            submissions: vec![sub("a.xlsx", Some("X")), sub("b.xlsx", None)],
            ..Default::default()
        };
        assert!(check_roster(&model, &Format::default_format(), &[]).is_empty());
        let st = Status::of(&model, &[], &Format::default_format());
        assert_eq!(st.summary(), "1 afdeling har afleveret (2 afleveringer)");
        assert_eq!(st.submitted[0].on_roster, None);
    }

    #[test]
    fn roster_findings_name_the_department_and_the_rejected_file() {
        let f = roster(&[
            ("Mål- og Rammekontor for Misbrug og Bolig", &["Bolig"]),
            ("SSP København", &["SSP"]),
            ("Center for Integration", &[]),
        ]);
        let model = Model {
            submissions: vec![
                sub("01-bolig.xlsx", Some("bolig")),
                sub("05-kultur.xlsx", Some("Kultur- og Fritidsforvaltningen")),
            ],
            ..Default::default()
        };
        let rejected = [Finding::new(
            Code::FileRejected,
            "02-ssp.xlsx",
            "Filen er beskadiget.",
        )];
        let found = check_roster(&model, &f, &rejected);
        let codes: Vec<_> = found.iter().map(|f| (f.code, f.file.as_str())).collect();
        assert_eq!(
            codes,
            [
                (Code::UnknownDepartment, "05-kultur.xlsx"),
                (Code::MissingSubmission, ""),
                (Code::MissingSubmission, ""),
            ]
        );
        assert!(found[0]
            .message
            .contains("'Kultur- og Fritidsforvaltningen'"));
        assert!(
            found[1].message.contains("'SSP København'"),
            "{}",
            found[1].message
        );
        assert!(
            found[1].message.contains("'02-ssp.xlsx' blev afvist"),
            "{}",
            found[1].message
        );
        assert!(found[2].message.contains("'Center for Integration'"));
        assert!(!found[2].message.contains("02-ssp"), "{}", found[2].message);
    }

    #[test]
    fn status_rows_follow_the_roster_then_the_rest() {
        let f = roster(&[
            ("B-afdeling", &[]),
            ("A-afdeling", &[]),
            ("C-afdeling", &[]),
        ]);
        let mut a = sub("a.xlsx", Some("a-afdeling"));
        a.budget_lines = vec![Default::default(); 2];
        let model = Model {
            submissions: vec![
                a,
                sub("b.xlsx", Some("B-Afdeling")),
                sub("x.xlsx", Some("X")),
                sub("y.xlsx", None),
            ],
            set_aside: vec![SetAside {
                source: "b (1).xlsx".into(),
                sha256: "s".into(),
                reason: SetAsideReason::DuplicateFile,
                current: "b.xlsx".into(),
                department: None,
                date: None,
                received: None,
                why: String::new(),
            }],
            ..Default::default()
        };
        let findings = [
            Finding::new(Code::TotalMismatch, "a.xlsx", "x"),
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "x"),
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "x"),
        ];
        let st = Status::of(&model, &findings, &f);
        let order: Vec<_> = st.submitted.iter().map(|r| r.file.as_str()).collect();
        assert_eq!(order, ["b.xlsx", "a.xlsx", "x.xlsx", "y.xlsx"]);
        assert_eq!(st.submitted[1].department.as_deref(), Some("A-afdeling"));
        assert_eq!((st.submitted[1].errors, st.submitted[1].warnings), (1, 2));
        assert_eq!(st.submitted[1].budget_lines, 2);
        assert_eq!(st.submitted[2].on_roster, Some(false));
        assert_eq!(st.missing, ["C-afdeling"]);
        assert_eq!(
            st.summary(),
            "2 af 3 afdelinger har afleveret; mangler: C-afdeling; 1 fil lagt til side (ældre version eller kopi)"
        );
    }
}
