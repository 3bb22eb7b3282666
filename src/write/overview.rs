//! The committee's economic overview, consolidated across submissions: the
//! same numbers for every writer (budget.xlsx, appendix.docx), computed once
//! from the model with exact decimals.
//!
//! ```
//! use bilag::model::{BudgetLine, Model, Submission};
//! use bilag::format::Format;
//! use bilag::write::overview::Overview;
//! use rust_decimal::Decimal;
//!
//! let mut line = BudgetLine { title: "Boligsociale projekter".into(), ..Default::default() };
//! line.format_group = Some("Integrationsindsatser i relation til mål i integrationspolitikken".into());
//! line.amounts.insert("2008".into(), Decimal::from(12_290_000));
//! line.amounts.insert("2009".into(), Decimal::from(12_290_000));
//! let model = Model {
//!     submissions: vec![Submission { budget_lines: vec![line], ..Default::default() }],
//!     ..Default::default()
//! };
//! let ov = Overview::build(&model, &Format::default_format());
//! assert_eq!(ov.years, vec!["2008", "2009"]);
//! assert_eq!(ov.grand_total, Decimal::from(24_580_000));
//! assert_eq!(ov.groups.len(), 2); // both format groups are shown, even an empty one
//! ```

use crate::format::Format;
use crate::model::{Model, Year, YearMap};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The consolidated overview.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Every year any line has an amount for, ascending.
    pub years: Vec<Year>,
    /// The committee format's groups in its order (also when empty), then
    /// headings that matched no format group in order of appearance, then
    /// lines without any heading (name `None`).
    pub groups: Vec<OverviewGroup>,
    /// Sum of all lines per year (every year in `years` present).
    pub totals: BTreeMap<Year, Decimal>,
    /// Sum of all amounts.
    pub grand_total: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverviewGroup {
    /// The format's group name, or the heading as written, or None.
    pub name: Option<String>,
    pub lines: Vec<OverviewLine>,
    /// Sum of the group's lines per year (every year present).
    pub totals: BTreeMap<Year, Decimal>,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverviewLine {
    pub title: String,
    /// Index of the submission in `model.submissions`.
    pub submission: usize,
    /// Index of the line in that submission's `budget_lines`.
    pub line: usize,
    /// The line's amounts (only years it has).
    pub amounts: YearMap<Decimal>,
    /// Sum of the line's amounts.
    pub total: Decimal,
}

impl Overview {
    /// Consolidates every budget line of the model.
    pub fn build(model: &Model, format: &Format) -> Overview {
        let years: Vec<Year> = model
            .submissions
            .iter()
            .flat_map(|s| s.budget_lines.iter())
            .flat_map(|l| l.amounts.keys().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();

        let mut groups: Vec<OverviewGroup> = format
            .budget
            .groups
            .iter()
            .map(|g| OverviewGroup::new(Some(g.name.clone())))
            .collect();
        let mut ungrouped = OverviewGroup::new(None);

        for (si, sub) in model.submissions.iter().enumerate() {
            for (li, line) in sub.budget_lines.iter().enumerate() {
                let ol = OverviewLine {
                    title: line.title.clone(),
                    submission: si,
                    line: li,
                    amounts: line.amounts.clone(),
                    total: line.amounts.values().copied().sum(),
                };
                let name = line.format_group.as_ref().or(line.group.as_ref());
                match name {
                    None => ungrouped.lines.push(ol),
                    Some(name) => match groups
                        .iter_mut()
                        .find(|g| g.name.as_deref() == Some(name.as_str()))
                    {
                        Some(g) => g.lines.push(ol),
                        None => {
                            let mut g = OverviewGroup::new(Some(name.clone()));
                            g.lines.push(ol);
                            groups.push(g);
                        }
                    },
                }
            }
        }
        if !ungrouped.lines.is_empty() {
            groups.push(ungrouped);
        }

        let mut totals: BTreeMap<Year, Decimal> =
            years.iter().map(|y| (y.clone(), Decimal::ZERO)).collect();
        for g in &mut groups {
            g.totals = years.iter().map(|y| (y.clone(), Decimal::ZERO)).collect();
            for l in &g.lines {
                for (y, a) in &l.amounts {
                    *g.totals.entry(y.clone()).or_default() += *a;
                    *totals.entry(y.clone()).or_default() += *a;
                }
            }
            g.total = g.totals.values().copied().sum();
        }
        let grand_total = totals.values().copied().sum();
        Overview {
            years,
            groups,
            totals,
            grand_total,
        }
    }
}

impl OverviewGroup {
    fn new(name: Option<String>) -> Self {
        OverviewGroup {
            name,
            lines: Vec::new(),
            totals: BTreeMap::new(),
            total: Decimal::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BudgetLine, Submission};

    fn line(group: Option<&str>, title: &str, amounts: &[(&str, i64)]) -> BudgetLine {
        BudgetLine {
            format_group: group.map(String::from),
            group: group.map(String::from),
            title: title.into(),
            amounts: amounts
                .iter()
                .map(|(y, a)| (y.to_string(), Decimal::from(*a)))
                .collect(),
            ..Default::default()
        }
    }

    /// The seed's economic overview: its lines sum to 81,66 mio. (not the
    /// 73,19 mio. it states).
    #[test]
    fn seed_overview_sums_exactly() {
        let g1 = "Integrationsindsatser i relation til mål i integrationspolitikken";
        let g2 = "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken";
        let all = [("2008", 0), ("2009", 0), ("2010", 0), ("2011", 0)];
        let each = |v: i64| all.map(|(y, _)| (y, v));
        let sub = Submission {
            budget_lines: vec![
                line(
                    Some(g1),
                    "Aftalen om nye udlejningsmodeller",
                    &each(6_000_000),
                ),
                line(Some(g1), "Helhedsplaner for 21 almene boligområder", &[]),
                line(Some(g1), "Boligsociale projekter", &each(12_290_000)),
                line(
                    Some(g2),
                    "§ 18 midler til integrationsformål",
                    &[("2008", 1_000_000)],
                ),
                line(
                    Some(g2),
                    "Ressourcecenter på ydre Nørrebro",
                    &[("2008", 7_500_000)],
                ),
            ],
            ..Default::default()
        };
        let model = Model {
            submissions: vec![sub],
            ..Default::default()
        };
        let ov = Overview::build(&model, &crate::format::Format::default_format());
        assert_eq!(ov.years, vec!["2008", "2009", "2010", "2011"]);
        assert_eq!(ov.groups.len(), 2);
        assert_eq!(ov.groups[0].name.as_deref(), Some(g1));
        assert_eq!(ov.groups[0].lines.len(), 3);
        assert_eq!(ov.groups[0].total, Decimal::from(73_160_000));
        assert_eq!(ov.groups[1].total, Decimal::from(8_500_000));
        assert_eq!(ov.groups[1].totals["2009"], Decimal::ZERO);
        assert_eq!(ov.totals["2008"], Decimal::from(26_790_000));
        assert_eq!(ov.totals["2011"], Decimal::from(18_290_000));
        assert_eq!(ov.grand_total, Decimal::from(81_660_000));
        assert_eq!(ov.groups[0].lines[1].total, Decimal::ZERO);
    }

    #[test]
    fn unknown_headings_and_ungrouped_lines_come_last() {
        let sub = Submission {
            budget_lines: vec![
                line(None, "Løs linje", &[("2010", 5)]),
                line(Some("Andre udgifter"), "Husleje", &[("2009", 7)]),
            ],
            ..Default::default()
        };
        let model = Model {
            submissions: vec![sub],
            ..Default::default()
        };
        let ov = Overview::build(&model, &crate::format::Format::default_format());
        let names: Vec<_> = ov.groups.iter().map(|g| g.name.clone()).collect();
        assert_eq!(names[2], Some("Andre udgifter".to_string()));
        assert_eq!(names[3], None);
        assert_eq!(ov.groups[2].totals["2010"], Decimal::ZERO);
        assert_eq!(ov.grand_total, Decimal::from(12));
    }
}
