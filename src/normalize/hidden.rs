//! hidden-content: what a hidden sheet, hidden rows or hidden columns held
//! (contract §1.4). The reader has kept them out of the sheets the model is
//! read from; here the workbook is read once more with everything put back,
//! and each hidden part is told the budget lines, amounts and status schemas
//! that reading found in its cells — what it would have given. When it would
//! have given none, the message counts its filled cells.
//!
//! This runs only for workbooks that hide something.

use std::collections::HashSet;

use super::{normalize_workbook, Ctx};
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::{SourceRef, Submission};
use crate::read::{a1, col_name, parse_a1, Cell, Hidden, HiddenPart, Row, Sheet, Workbook};

/// Adds one hidden-content finding per part of `wb.hidden` that holds a
/// filled cell.
pub(super) fn report(wb: &Workbook, format: &Format, ctx: &mut Ctx) {
    if wb.hidden.is_empty() {
        return;
    }
    let everything = read_everything(wb, format);
    for h in &wb.hidden {
        let Some((row, col)) = first_filled(&h.cells) else {
            continue;
        };
        let name = h.cells.name.as_str();
        let held = match h.part {
            HiddenPart::Sheet | HiddenPart::VeryHiddenSheet => {
                Held::count(&everything, &h.cells, |sheet, _| sheet == name)
            }
            HiddenPart::Rows | HiddenPart::Columns => {
                let cells: HashSet<(u32, u32)> = h
                    .cells
                    .rows
                    .iter()
                    .flat_map(|r| r.cells.iter().map(move |c| (r.index, c.col)))
                    .collect();
                Held::count(&everything, &h.cells, |sheet, at| {
                    sheet == name && cells.contains(&at)
                })
            }
        };
        let finding = Finding::new(Code::HiddenContent, ctx.file, message(h, &held));
        ctx.findings.push(match h.part {
            HiddenPart::Sheet | HiddenPart::VeryHiddenSheet => finding.on_sheet(name),
            HiddenPart::Rows | HiddenPart::Columns => finding.at(name, a1(row, col)),
        });
    }
}

/// The workbook read as if nothing were hidden (hidden rows and columns put
/// back, hidden sheets after the visible ones), findings dropped: what each
/// hidden part would have given is what this reading finds in its cells.
fn read_everything(wb: &Workbook, format: &Format) -> Submission {
    let mut sheets: Vec<Sheet> = wb
        .sheets
        .iter()
        .map(|s| {
            let parts: Vec<&Sheet> = wb
                .hidden
                .iter()
                .filter(|h| matches!(h.part, HiddenPart::Rows | HiddenPart::Columns))
                .map(|h| &h.cells)
                .filter(|c| c.name == s.name)
                .collect();
            if parts.is_empty() {
                s.clone()
            } else {
                restore(s, &parts)
            }
        })
        .collect();
    sheets.extend(
        wb.hidden
            .iter()
            .filter(|h| matches!(h.part, HiddenPart::Sheet | HiddenPart::VeryHiddenSheet))
            .map(|h| h.cells.clone()),
    );
    let everything = Workbook {
        kind: wb.kind,
        sheets,
        hidden: Vec::new(),
    };
    normalize_workbook(&everything, "", "", format).0
}

/// A visible sheet with its hidden rows' and columns' cells put back.
fn restore(shown: &Sheet, parts: &[&Sheet]) -> Sheet {
    let mut cells: Vec<(u32, Cell)> = std::iter::once(shown)
        .chain(parts.iter().copied())
        .flat_map(|s| s.rows.iter())
        .flat_map(|r| r.cells.iter().map(move |c| (r.index, c.clone())))
        .collect();
    cells.sort_by_key(|(r, c)| (*r, c.col));
    let mut sheet = Sheet {
        name: shown.name.clone(),
        rows: Vec::new(),
        merged: shown.merged.clone(),
    };
    for (r, c) in cells {
        match sheet.rows.last_mut() {
            Some(row) if row.index == r => row.cells.push(c),
            _ => sheet.rows.push(Row {
                index: r,
                cells: vec![c],
            }),
        }
    }
    sheet
}

fn first_filled(sheet: &Sheet) -> Option<(u32, u32)> {
    sheet
        .rows
        .iter()
        .find_map(|r| r.filled().next().map(|c| (r.index, c.col)))
}

/// What a hidden part held.
#[derive(Debug, Default, PartialEq, Eq)]
struct Held {
    lines: usize,
    /// Amounts of those lines, and amounts in the part on visible lines.
    amounts: usize,
    schemas: usize,
    cells: usize,
    numbers: usize,
}

impl Held {
    /// Counts what `sub` (read with the part in) holds at cells where
    /// `inside` (sheet, position) is true, and the part's filled cells.
    fn count(sub: &Submission, part: &Sheet, inside: impl Fn(&str, (u32, u32)) -> bool) -> Held {
        let at = |s: &SourceRef| parse_a1(&s.cell).is_some_and(|p| inside(&s.sheet, p));
        let mut held = Held::default();
        for line in &sub.budget_lines {
            let amounts = line
                .amount_sources
                .iter()
                .filter(|(_, src)| {
                    parse_a1(&src.cell).is_some_and(|p| inside(&line.source.sheet, p))
                })
                .count();
            if at(&line.source) {
                held.lines += 1;
                held.amounts += line.amounts.len();
            } else {
                held.amounts += amounts;
            }
        }
        held.schemas = sub.initiatives.iter().filter(|i| at(&i.source)).count();
        for cell in part.rows.iter().flat_map(|r| r.filled()) {
            held.cells += 1;
            held.numbers += usize::from(cell.value.is_numeric());
        }
        held
    }

    /// "3 budgetlinjer med 12 beløb og 2 statusskemaer", or "14 udfyldte
    /// celler, heraf 6 tal" when nothing is recognizable.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.lines > 0 {
            let with = match self.amounts {
                0 => "uden beløb".to_string(),
                n => format!("med {n} beløb"),
            };
            parts.push(format!(
                "{} {with}",
                count(self.lines, "budgetlinje", "budgetlinjer")
            ));
        } else if self.amounts > 0 {
            parts.push(format!("{} beløb", self.amounts));
        }
        if self.schemas > 0 {
            parts.push(count(self.schemas, "statusskema", "statusskemaer"));
        }
        if parts.is_empty() {
            let mut s = count(self.cells, "udfyldt celle", "udfyldte celler");
            if self.numbers > 0 {
                s.push_str(&format!(", heraf {} med tal", self.numbers));
            }
            return s;
        }
        join(&parts)
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a", "a og b", "a, b og c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} og {last}", init.join(", ")),
    }
}

/// Consecutive indices as runs: "7", "7-9"; at most six, then "og N andre".
fn runs(indices: &[u32], name: impl Fn(u32) -> String) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            name(indices[i])
        } else {
            format!("{}-{}", name(indices[i]), name(indices[j]))
        });
        i = j + 1;
    }
    if out.len() > 6 {
        let rest = out.len() - 5;
        out.truncate(5);
        out.push(format!("{rest} andre"));
    }
    join(&out)
}

/// The hidden part's finding message: what it is, that it was left out,
/// what it held, and what to do.
fn message(h: &Hidden, held: &Held) -> String {
    let sheet = &h.cells.name;
    let what = held.describe();
    match h.part {
        HiddenPart::Sheet => format!(
            "Arket '{sheet}' er skjult og er ikke læst med; det indeholder {what}. \
             Vis arket, hvis det skal med, eller slet det."
        ),
        HiddenPart::VeryHiddenSheet => format!(
            "Arket '{sheet}' er meget skjult (det kan kun vises med en makro) og er ikke læst med; \
             det indeholder {what}. Gør arket synligt, hvis det skal med, eller slet det."
        ),
        HiddenPart::Rows => {
            let rows: Vec<u32> = h
                .cells
                .rows
                .iter()
                .filter(|r| r.filled().next().is_some())
                .map(|r| r.index)
                .collect();
            let names = runs(&rows, |r| (r + 1).to_string());
            if rows.len() == 1 {
                format!(
                    "Række {names} på arket '{sheet}' er skjult og er ikke læst med; den indeholder {what}. \
                     Vis rækken, hvis den skal med, eller slet den."
                )
            } else {
                format!(
                    "Række {names} på arket '{sheet}' er skjulte og er ikke læst med; de indeholder {what}. \
                     Vis rækkerne, hvis de skal med, eller slet dem."
                )
            }
        }
        HiddenPart::Columns => {
            let mut cols: Vec<u32> = h
                .cells
                .rows
                .iter()
                .flat_map(|r| r.filled().map(|c| c.col))
                .collect();
            cols.sort_unstable();
            cols.dedup();
            let names = runs(&cols, col_name);
            if cols.len() == 1 {
                format!(
                    "Kolonne {names} på arket '{sheet}' er skjult og er ikke læst med; den indeholder {what}. \
                     Vis kolonnen, hvis den skal med, eller slet den."
                )
            } else {
                format!(
                    "Kolonne {names} på arket '{sheet}' er skjulte og er ikke læst med; de indeholder {what}. \
                     Vis kolonnerne, hvis de skal med, eller slet dem."
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_held_in_danish() {
        let held = |lines, amounts, schemas, cells, numbers| Held {
            lines,
            amounts,
            schemas,
            cells,
            numbers,
        };
        assert_eq!(
            held(3, 12, 0, 40, 12).describe(),
            "3 budgetlinjer med 12 beløb"
        );
        assert_eq!(
            held(1, 0, 2, 9, 0).describe(),
            "1 budgetlinje uden beløb og 2 statusskemaer"
        );
        assert_eq!(held(0, 4, 0, 4, 4).describe(), "4 beløb");
        assert_eq!(
            held(0, 0, 0, 14, 6).describe(),
            "14 udfyldte celler, heraf 6 med tal"
        );
        assert_eq!(held(0, 0, 0, 1, 0).describe(), "1 udfyldt celle");
    }

    #[test]
    fn runs_of_rows_and_columns() {
        let row = |r: u32| (r + 1).to_string();
        assert_eq!(runs(&[6], row), "7");
        assert_eq!(runs(&[6, 8], row), "7 og 9");
        assert_eq!(runs(&[6, 7, 8, 11], row), "7-9 og 12");
        assert_eq!(
            runs(&[0, 2, 4, 6, 8, 10, 12], row),
            "1, 3, 5, 7, 9 og 2 andre"
        );
        assert_eq!(runs(&[5], col_name), "F");
    }
}
