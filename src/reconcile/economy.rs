//! The amounts a status schema's Økonomi text names, against its budget
//! lines: `economy-mismatch`, `missing-budget-line` and `ambiguous-number`.
//!
//! The amounts come from [`find_amounts`] on the text of the section's
//! economy field (the format field with `economy = true`, "Økonomi"). The
//! initiative's lines are those [`super::matching`] gave it. Then:
//!
//! - no amount named ("Finansieres via SSP – sekretariatets ordinære ramme",
//!   a text with only percentages): nothing to check;
//! - amounts named, no line: `missing-budget-line`;
//! - every amount is per year ("6,0 mio pr. år", "11,9 mio. kr./ år"): their
//!   sum against the lines' sum for each year the lines state an amount for;
//!   a year no line states is not compared;
//! - no amount is per year ("7, 5 mio.kr plus 1 mio.kr"): their sum against
//!   the sum of all the lines' amounts;
//! - some per year and some not: the text cannot be compared with a table
//!   without guessing the years, so nothing is reported.
//!
//! Every amount read under an assumption ("10.1 mio. kr.", "7, 5 mio.kr")
//! is reported as `ambiguous-number`, also when it agrees with the budget.

use super::matching::{LineMatch, Matching};
use super::{display_unit, join_danish, located, money, quote};
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::{Initiative, Model, Year};
use crate::normalize::danish::{
    find_amounts, format_amount, format_danish_decimal, Assumption, TextAmount, Unit,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// A text this long or shorter is quoted whole; a longer one by its amounts.
const QUOTE_WHOLE_MAX: usize = 100;

/// The economy findings of the whole model.
pub fn check_economy(model: &Model, format: &Format, matching: &Matching) -> Vec<Finding> {
    let unit = display_unit(format);
    let mut out = Vec::new();
    for (s, sub) in model.submissions.iter().enumerate() {
        for (i, init) in sub.initiatives.iter().enumerate() {
            let Some((label, text)) = economy_text(init, format) else {
                continue;
            };
            let amounts = find_amounts(text);
            if amounts.is_empty() {
                continue;
            }
            let at = init
                .field_sources
                .get(label)
                .filter(|src| !src.sheet.is_empty())
                .unwrap_or(&init.source);
            let finding = |code, msg: String| located(Finding::new(code, &sub.source, msg), at);

            for a in amounts.iter().filter(|a| a.assumption.is_some()) {
                out.push(finding(
                    Code::AmbiguousNumber,
                    ambiguous_message(init, label, a, &unit),
                ));
            }

            let lines = matching.lines_for(s, i);
            let named = quote_amounts(text, &amounts);
            let sum: Decimal = amounts.iter().map(|a| a.kroner).sum();
            if lines.is_empty() {
                out.push(finding(
                    Code::MissingBudgetLine,
                    format!(
                        "Statusskemaet '{}' nævner {named} = {} under {label}, men ingen budgetlinje matcher titlen; tilføj budgetlinjen, eller ret titlen, så den svarer til budgettets.",
                        init.title,
                        money(sum, &unit),
                    ),
                ));
                continue;
            }
            let per_year = amounts.iter().filter(|a| a.per_year).count();
            let mismatch = if per_year == amounts.len() {
                per_year_mismatch(model, s, init, label, &named, sum, lines, &unit)
            } else if per_year == 0 {
                total_mismatch(model, s, init, label, &named, sum, lines, &unit)
            } else {
                None
            };
            if let Some(msg) = mismatch {
                out.push(finding(Code::EconomyMismatch, msg));
            }
        }
    }
    out
}

/// The initiative's economy field label and text, if it has one.
fn economy_text<'a>(init: &'a Initiative, format: &'a Format) -> Option<(&'a str, &'a str)> {
    let labels: Vec<&str> = match format.section(init.section) {
        Some(sec) => sec
            .fields
            .iter()
            .filter(|f| f.economy)
            .map(|f| f.label.as_str())
            .collect(),
        None => format
            .sections
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.economy)
            .map(|f| f.label.as_str())
            .collect(),
    };
    labels
        .into_iter()
        .find_map(|l| init.fields.get_key_value(l))
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

/// The text quoted whole when short, else its amounts as written.
fn quote_amounts(text: &str, amounts: &[TextAmount]) -> String {
    if text.chars().count() <= QUOTE_WHOLE_MAX {
        quote(text, QUOTE_WHOLE_MAX)
    } else {
        let parts: Vec<String> = amounts.iter().map(|a| quote(&a.raw, 40)).collect();
        join_danish(&parts)
    }
}

fn ambiguous_message(init: &Initiative, label: &str, a: &TextAmount, unit: &Unit) -> String {
    let why = match a.assumption {
        Some(Assumption::DotAsDecimalComma) => "punktummet er læst som decimalkomma",
        Some(Assumption::StraySpace) => "mellemrummet efter kommaet er ignoreret",
        None => "",
    };
    format!(
        "'{}' under {label} i '{}' er læst som {} = {} kr. ({why}); ret teksten, hvis beløbet er ment anderledes.",
        a.raw,
        init.title,
        format_amount(a.kroner, unit),
        format_danish_decimal(a.kroner),
    )
}

/// "budgetlinjen 'X'" / "budgetlinjerne 'X' og 'Y'", naming another file
/// when a line is not in the initiative's own submission.
fn lines_phrase(model: &Model, own: usize, lines: &[LineMatch]) -> String {
    let names: Vec<String> = lines
        .iter()
        .map(|m| {
            let sub = &model.submissions[m.submission];
            let line = &sub.budget_lines[m.line];
            let mut s = format!("'{}'", line.title.trim());
            let src = &line.source;
            if m.submission != own {
                s.push_str(&format!(" i {}", sub.source));
            }
            if !src.sheet.is_empty() && !src.cell.is_empty() {
                s.push_str(&format!(" ({}!{})", src.sheet, src.cell));
            }
            s
        })
        .collect();
    let noun = if lines.len() == 1 {
        "budgetlinjen"
    } else {
        "budgetlinjerne"
    };
    format!("{noun} {}", join_danish(&names))
}

#[allow(clippy::too_many_arguments)]
fn per_year_mismatch(
    model: &Model,
    own: usize,
    init: &Initiative,
    label: &str,
    named: &str,
    per_year: Decimal,
    lines: &[LineMatch],
    unit: &Unit,
) -> Option<String> {
    let mut sums: BTreeMap<Year, Decimal> = BTreeMap::new();
    for m in lines {
        for (y, a) in &model.submissions[m.submission].budget_lines[m.line].amounts {
            *sums.entry(y.clone()).or_default() += *a;
        }
    }
    let phrase = lines_phrase(model, own, lines);
    let head = format!(
        "{label} for '{}' siger {named} = {} pr. år",
        init.title,
        money(per_year, unit)
    );
    if sums.is_empty() {
        return Some(format!(
            "{head}, men {phrase} har ingen beløb; ret teksten eller budgettet."
        ));
    }
    // Differing years, grouped by the lines' amount.
    let mut by_amount: BTreeMap<Decimal, BTreeSet<Year>> = BTreeMap::new();
    for (y, sum) in &sums {
        if *sum != per_year {
            by_amount.entry(*sum).or_default().insert(y.clone());
        }
    }
    if by_amount.is_empty() {
        return None;
    }
    let parts: Vec<String> = by_amount
        .iter()
        .map(|(sum, years)| {
            let ys: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            format!("{} i {}", money(*sum, unit), join_danish(&ys))
        })
        .collect();
    Some(format!(
        "{head}, men {phrase} har {}; ret teksten eller budgettet.",
        join_danish(&parts)
    ))
}

#[allow(clippy::too_many_arguments)]
fn total_mismatch(
    model: &Model,
    own: usize,
    init: &Initiative,
    label: &str,
    named: &str,
    named_sum: Decimal,
    lines: &[LineMatch],
    unit: &Unit,
) -> Option<String> {
    let mut years: BTreeSet<&str> = BTreeSet::new();
    let mut sum = Decimal::ZERO;
    for m in lines {
        for (y, a) in &model.submissions[m.submission].budget_lines[m.line].amounts {
            years.insert(y);
            sum += *a;
        }
    }
    if sum == named_sum {
        return None;
    }
    let phrase = lines_phrase(model, own, lines);
    let span = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!(" for {a}–{b}"),
        (Some(a), _) => format!(" for {a}"),
        _ => String::new(),
    };
    Some(format!(
        "{label} for '{}' nævner {named} = {} i alt, men {phrase} har {} i alt{span}; ret teksten eller budgettet.",
        init.title,
        money(named_sum, unit),
        money(sum, unit),
    ))
}
