//! `total-mismatch`: every stated total against the exact sum bilag computes.
//!
//! - A line's own "I alt" cell against the sum of its year amounts.
//! - A stated total row ("I alt", "I ALT", "<group> i alt"), per year: the
//!   year cell against the sum of the covered lines' amounts for that year
//!   (a year no covered line has counts as 0).
//! - The same row's "I alt" column against the sum of all the covered
//!   lines' amounts.
//!
//! The lines a total covers: its `covers` range of the submission's budget
//! lines (all lines when the normalizer did not say); for a group subtotal
//! only the lines of that group within the range. Comparison is exact, in
//! kroner: a total is right or it is not.

use super::{display_unit, located, money, quote};
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::{AmountSource, BudgetLine, SourceRef, StatedTotal, Submission};
use crate::normalize::danish::{format_amount, format_danish_decimal, Unit};
use crate::normalize::labels::normalize_label;
use rust_decimal::Decimal;

/// The total-mismatch findings of one submission.
pub fn check_totals(sub: &Submission, format: &Format) -> Vec<Finding> {
    let unit = display_unit(format);
    let mut out = Vec::new();

    for line in &sub.budget_lines {
        let Some(stated) = line.stated_total else {
            continue;
        };
        let sum: Decimal = line.amounts.values().copied().sum();
        if stated == sum {
            continue;
        }
        let src = cell_of(&line.source, line.total_source.as_ref());
        let years = year_span(line.amounts.keys().map(|y| y.as_str()));
        let computed = if years.is_empty() {
            "linjen har ingen årsbeløb (0 kr.)".to_string()
        } else {
            format!("årsbeløbene {years} summer til {}", money(sum, &unit))
        };
        let msg = format!(
            "Budgetlinjen '{}' angiver I alt {}, men {computed}; ret I alt-cellen eller årsbeløbene.",
            line.title,
            stated_phrase(line.total_source.as_ref(), stated, &unit),
        );
        out.push(located(
            Finding::new(Code::TotalMismatch, &sub.source, msg),
            &src,
        ));
    }

    for total in &sub.stated_totals {
        let Some(lines) = covered_lines(sub, total) else {
            continue;
        };
        for (year, &stated) in &total.amounts {
            let sum: Decimal = lines.iter().filter_map(|l| l.amounts.get(year)).sum();
            if stated == sum {
                continue;
            }
            let src = cell_of(&total.source, total.amount_sources.get(year));
            let msg = format!(
                "Totalrækken '{}' angiver {} for {year}, men linjerne summer til {} for {year}; ret totalen eller linjerne.",
                total.title,
                stated_phrase(total.amount_sources.get(year), stated, &unit),
                money(sum, &unit),
            );
            out.push(located(
                Finding::new(Code::TotalMismatch, &sub.source, msg),
                &src,
            ));
        }
        if let Some(stated) = total.total {
            let sum: Decimal = lines.iter().flat_map(|l| l.amounts.values()).sum();
            if stated == sum {
                continue;
            }
            let own: Vec<Decimal> = lines.iter().filter_map(|l| l.stated_total).collect();
            let own_sum: Decimal = own.iter().sum();
            let own_note = if !own.is_empty() && own_sum != sum {
                format!(
                    ", og linjernes egne I alt-celler summer til {}",
                    money(own_sum, &unit)
                )
            } else {
                String::new()
            };
            let src = cell_of(&total.source, total.total_source.as_ref());
            let msg = format!(
                "Totalrækken '{}' angiver I alt {}, men alle linjernes beløb summer til {}{own_note}; ret totalen eller linjerne.",
                total.title,
                stated_phrase(total.total_source.as_ref(), stated, &unit),
                money(sum, &unit),
            );
            out.push(located(
                Finding::new(Code::TotalMismatch, &sub.source, msg),
                &src,
            ));
        }
    }
    out
}

/// The lines a stated total covers, or `None` when it cannot be told (a
/// group subtotal whose group no line has): then no comparison is made
/// rather than a false alarm.
fn covered_lines<'a>(sub: &'a Submission, total: &StatedTotal) -> Option<Vec<&'a BudgetLine>> {
    let n = sub.budget_lines.len();
    let range: &[BudgetLine] = match total.covers {
        Some((first, end)) => {
            let end = end.min(n);
            &sub.budget_lines[first.min(end)..end]
        }
        None => &sub.budget_lines,
    };
    let Some(group) = &total.group else {
        return Some(range.iter().collect());
    };
    let g = normalize_label(group);
    let in_group: Vec<&BudgetLine> = range
        .iter()
        .filter(|l| {
            [&l.group, &l.format_group]
                .into_iter()
                .flatten()
                .any(|lg| normalize_label(lg) == g)
        })
        .collect();
    if !in_group.is_empty() {
        Some(in_group)
    } else if total.covers.is_some() {
        // The normalizer chose the range: trust it.
        Some(range.iter().collect())
    } else {
        None
    }
}

/// The cell an amount was read from, on the sheet of its row's title cell.
fn cell_of(row: &SourceRef, amount: Option<&AmountSource>) -> SourceRef {
    match amount {
        Some(a) if !a.cell.is_empty() => SourceRef {
            sheet: row.sheet.clone(),
            cell: a.cell.clone(),
        },
        _ => row.clone(),
    }
}

/// A stated amount for a message: the cell's text as typed, quoted, then
/// the amount — "'73,19 mio.' (73.190.000 kr.)", or "'12.29' = 12,29 mio.
/// (12.290.000 kr.)" when the text is not already the display form.
fn stated_phrase(src: Option<&AmountSource>, kroner: Decimal, unit: &Unit) -> String {
    let shown = format_amount(kroner, unit);
    match src {
        Some(a) if !a.raw.trim().is_empty() && a.raw.trim() != shown => {
            format!("{} = {}", quote(&a.raw, 60), money(kroner, unit))
        }
        _ => format!("'{shown}' ({} kr.)", format_danish_decimal(kroner)),
    }
}

/// "2008–2011" for consecutive years, else "2008, 2010".
fn year_span<'a>(years: impl Iterator<Item = &'a str>) -> String {
    let ys: Vec<&str> = years.collect();
    let nums: Option<Vec<i64>> = ys.iter().map(|y| y.parse().ok()).collect();
    match (ys.first(), ys.last(), nums) {
        (Some(first), Some(last), Some(nums))
            if ys.len() > 2 && nums.windows(2).all(|w| w[1] == w[0] + 1) =>
        {
            format!("{first}–{last}")
        }
        _ => ys.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_spans() {
        assert_eq!(
            year_span(["2008", "2009", "2010", "2011"].into_iter()),
            "2008–2011"
        );
        assert_eq!(year_span(["2008", "2010"].into_iter()), "2008, 2010");
        assert_eq!(year_span(["2008", "2009"].into_iter()), "2008, 2009");
        assert_eq!(year_span(std::iter::empty()), "");
    }
}
