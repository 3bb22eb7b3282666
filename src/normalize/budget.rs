//! Budget tables (contract §1.3): a header row with year columns (numbers or
//! text, 2000–2099) and optionally an "I alt" column, anywhere on any sheet.
//!
//! Rows under the header are classified:
//! - a row titled I alt / I ALT / Total / "<group> i alt" is a STATED total,
//!   kept for reconciliation and never added as a line;
//! - a row with amounts is a line;
//! - a titled row without amounts is a group heading when it names one of the
//!   format's budget groups (exactly, by synonym, or by most significant
//!   words), a line when it names an initiative of the submission (the seed's
//!   "Helhedsplaner for 21 almene boligområder"), a heading of its own when
//!   lines with amounts follow it, a caption when a total follows it
//!   directly, and otherwise a line without amounts;
//! - notes under the last total ("Note: …", "Kilde: …") are not lines.
//!
//! Units: the cell's own ("6,0 mio."), else the column header's
//! ("2008 (t.kr.)"), else the table's caption ("Beløb i mio. kr." in the
//! header's first cell or in a row just above), else the format's default,
//! reported once per table as unit-assumed.

use super::danish::{self, Assumption, Unit};
use super::{cell_text, labels, row_texts, source, Ctx};
use crate::finding::Code;
use crate::format::Format;
use crate::model::{AmountSource, BudgetLine, StatedTotal, Submission, Year, YearMap};
use crate::read::{a1, Row, Sheet, Value};
use rust_decimal::Decimal;

/// Where a unit came from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitFrom {
    Cell,
    Header,
    Caption,
    Default,
}

impl UnitFrom {
    /// Where the unit came from, in Danish (model.json and Kilder show it:
    /// "mio. kr. (tabeltekst)").
    fn as_str(self) -> &'static str {
        match self {
            UnitFrom::Cell => "i cellen",
            UnitFrom::Header => "kolonneoverskrift",
            UnitFrom::Caption => "tabeltekst",
            UnitFrom::Default => "formatets standard",
        }
    }
}

/// A budget table found on a sheet: its header and the rows it claims.
#[derive(Debug, Clone)]
pub struct Table {
    pub header_row: u32,
    /// Rows above the header that state the unit ("Beløb i mio. kr.").
    pub caption_rows: Vec<u32>,
    pub first_year_col: u32,
    /// The column of line titles: the header's title label ("Indsats") or
    /// first cell; a row without text there takes its first text cell left
    /// of the years.
    pub title_col: Option<u32>,
    pub years: Vec<YearCol>,
    pub total_col: Option<(u32, Option<Unit>)>,
    pub unit: Option<(Unit, UnitFrom)>,
    /// The header's first cell when it is the first group heading.
    pub header_group: Option<(u32, String)>,
    /// Non-empty body rows, in order.
    pub body: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct YearCol {
    pub col: u32,
    pub year: Year,
    pub unit: Option<Unit>,
}

impl Table {
    pub fn claimed_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.caption_rows
            .iter()
            .copied()
            .chain(std::iter::once(self.header_row))
            .chain(self.body.iter().copied())
    }
}

/// A year in a header cell: 2008 as a number, or text such as "2008",
/// "Budget 2008", "2008 (mio. kr.)". Returns the year and a unit the cell
/// names.
pub fn year_of(v: &Value) -> Option<(Year, Option<Unit>)> {
    let in_range = |y: i64| (2000..=2099).contains(&y);
    match v {
        Value::Int(i) if in_range(*i) => Some((i.to_string().into(), None)),
        Value::Number(f) if f.fract() == 0.0 && in_range(*f as i64) => {
            Some(((*f as i64).to_string().into(), None))
        }
        Value::Text(_) => {
            let t = v.text()?;
            let bytes = t.as_bytes();
            let mut found = None;
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() {
                    let start = i;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i - start == 4 && in_range(t[start..i].parse().ok()?) && found.is_none() {
                        found = Some((start, i));
                    } else if !(t[..start].ends_with("1.") || t[..start].ends_with("1 ")) {
                        // Another number (a date, "2008-09"): not a year header,
                        // unless it is part of a unit such as "1.000 kr.".
                        if found.is_some() || i - start != 3 {
                            return None;
                        }
                    }
                } else {
                    i += 1;
                }
            }
            let (s, e) = found?;
            let rest = format!("{} {}", &t[..s], &t[e..]);
            let unit = danish::find_unit(&rest);
            if unit.is_none() {
                const WORDS: &[&str] = &[
                    "budget",
                    "år",
                    "regnskab",
                    "overslag",
                    "bo",
                    "b",
                    "r",
                    "forventet",
                    "estimat",
                    "bf",
                ];
                let ok = rest
                    .split(|c: char| !c.is_alphabetic())
                    .filter(|w| !w.is_empty())
                    .all(|w| WORDS.contains(&w.to_lowercase().as_str()));
                if !ok {
                    return None;
                }
            }
            Some((t[s..e].into(), unit))
        }
        _ => None,
    }
}

/// Recognizes a header row: two or more year columns, or one with an "I alt"
/// column or a title/caption cell before it.
fn header_of(row: &Row, format: &Format) -> Option<Table> {
    // Most rows hold no year at all: say so before making their texts.
    if !row.filled().any(|c| year_of(&c.value).is_some()) {
        return None;
    }
    let texts = row_texts(row);
    let first_col = texts.first()?.0;
    let years: Vec<YearCol> = row
        .filled()
        .filter(|c| c.col != first_col || texts.len() == 1)
        .filter_map(|c| {
            year_of(&c.value).map(|(year, unit)| YearCol {
                col: c.col,
                year,
                unit,
            })
        })
        .collect();
    let first_year_col = years.iter().map(|y| y.col).min()?;
    // Two columns of the same year are not a budget header.
    let mut seen: Vec<&str> = years.iter().map(|y| y.year.as_str()).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != years.len() {
        return None;
    }
    let total_col = texts
        .iter()
        .filter(|(c, _)| *c > first_year_col)
        .find(|(_, t)| {
            let stripped = strip_unit_suffix(t);
            format.is_total_column_label(&stripped)
        })
        .map(|(c, t)| (*c, danish::find_unit(t)));
    let is_title_label = |t: &str| {
        let t = strip_unit_suffix(t);
        format
            .budget
            .title_labels
            .iter()
            .any(|l| labels::label_matches(l, &t).is_some())
    };
    let lead = texts
        .iter()
        .find(|(c, t)| *c < first_year_col && is_title_label(t))
        .or_else(|| texts.iter().find(|(c, _)| *c < first_year_col));
    let lead_is_label =
        lead.is_some_and(|(_, t)| danish::find_unit(t).is_some() || is_title_label(t));
    if years.len() < 2 && total_col.is_none() && !lead_is_label {
        return None;
    }
    let mut unit = None;
    let mut header_group = None;
    if let Some((c, t)) = lead {
        if let Some(u) = danish::find_unit(t) {
            unit = Some((u, UnitFrom::Caption));
        } else if !is_title_label(t) {
            header_group = Some((*c, t.clone()));
        }
    }
    Some(Table {
        header_row: row.index,
        caption_rows: Vec::new(),
        first_year_col,
        title_col: lead.map(|(c, _)| *c),
        years,
        total_col,
        unit,
        header_group,
        body: Vec::new(),
    })
}

/// "I alt (mio. kr.)" → "I alt".
fn strip_unit_suffix(t: &str) -> String {
    match t.find('(') {
        Some(i) if danish::find_unit(&t[i..]).is_some() => t[..i].trim().to_string(),
        _ => t.to_string(),
    }
}

/// Finds every budget table on a sheet and the rows each one claims.
pub(crate) fn find_tables(sheet: &Sheet, ctx: &Ctx) -> Vec<Table> {
    let format = ctx.format;
    let mut tables: Vec<Table> = Vec::new();
    let rows = &sheet.rows;
    let mut i = 0;
    while i < rows.len() {
        let Some(mut table) = header_of(&rows[i], format) else {
            i += 1;
            continue;
        };
        // A caption row just above the header states the unit.
        let floor = tables
            .last()
            .and_then(|t| t.body.last().copied())
            .unwrap_or(0);
        for back in 1..=3 {
            let Some(prev) = i.checked_sub(back).map(|k| &rows[k]) else {
                break;
            };
            if prev.index < floor || (tables.last().is_some() && prev.index <= floor) {
                break;
            }
            let texts = row_texts(prev);
            if texts.len() == 1 {
                if let Some(u) = danish::find_unit(&texts[0].1) {
                    if table.unit.is_none() {
                        table.unit = Some((u, UnitFrom::Caption));
                    }
                    table.caption_rows.push(prev.index);
                    break;
                }
            }
        }
        let mut last = rows[i].index;
        let mut j = i + 1;
        while j < rows.len() {
            let row = &rows[j];
            // The row's first filled cell as text, and how many are filled:
            // all the table's end needs to know (no text for every amount).
            let mut filled = row.filled();
            let Some(first) = filled.next() else {
                j += 1;
                continue;
            };
            let n_filled = 1 + filled.count();
            let first_text = cell_text(&first.value).unwrap_or_default();
            // A gap of more than three empty rows ends the table, unless the
            // row after it has amounts in the table's columns.
            let in_amount_cols = table
                .years
                .iter()
                .map(|y| y.col)
                .chain(table.total_col.map(|t| t.0))
                .any(|c| row.get(c).is_some_and(|v| !v.is_blank()));
            if (row.index > last + 4 && !in_amount_cols) || header_of(row, format).is_some() {
                break;
            }
            // A section heading ends the table; a bare number does not (a
            // template's line number in an otherwise empty line row).
            let is_text = row
                .filled()
                .next()
                .is_some_and(|c| matches!(c.value, Value::Text(_)));
            if n_filled == 1 && is_text && format.section_named_by(&first_text).is_some() {
                break;
            }
            if first.col < table.first_year_col
                && n_filled >= 2
                && super::schemas::field_label(&first_text, None, format).is_some()
            {
                // A status schema starts here; a title row just above it is its title.
                if let Some(&prev) = table.body.last() {
                    let prev_row = sheet.row(prev).map(row_texts).unwrap_or_default();
                    if prev_row.len() == 1 && prev + 1 == row.index {
                        table.body.pop();
                    }
                }
                break;
            }
            table.body.push(row.index);
            last = row.index;
            j += 1;
        }
        tables.push(table);
        i = j;
    }
    tables
}

/// One body row, parsed.
struct BodyRow {
    index: u32,
    title: Option<(u32, String)>,
    /// Some amount cell is filled, readable or not.
    amount_cells: bool,
    amounts: YearMap<(Decimal, AmountSource)>,
    total: Option<(Decimal, AmountSource)>,
}

impl BodyRow {
    fn has_amounts(&self) -> bool {
        self.amount_cells
    }
    fn title_text(&self) -> &str {
        self.title.as_ref().map_or("", |(_, t)| t.as_str())
    }

    /// The title cell, or the first year column when the row has no title.
    fn title_source(&self, sheet: &Sheet, table: &Table) -> crate::model::SourceRef {
        let col = self
            .title
            .as_ref()
            .map_or(table.first_year_col, |(c, _)| *c);
        source(sheet, self.index, col)
    }

    /// The row's amounts and "I alt" cell as the model holds them: kroner per
    /// year, their sources, the stated total and its source. Moves them out
    /// of the row (each row becomes one line or total).
    #[allow(clippy::type_complexity)]
    fn take_values(
        &mut self,
    ) -> (
        YearMap<Decimal>,
        YearMap<AmountSource>,
        Option<Decimal>,
        Option<AmountSource>,
    ) {
        let n = self.amounts.len();
        let mut amounts = YearMap::with_capacity(n);
        let mut sources = YearMap::with_capacity(n);
        for (y, (d, src)) in std::mem::take(&mut self.amounts) {
            amounts.insert(y.clone(), d);
            sources.insert(y, src);
        }
        let (total, total_source) = self.total.take().unzip();
        (amounts, sources, total, total_source)
    }
}

/// Words that start a note under a table, not a line.
const NOTE_MARKERS: &[&str] = &[
    "note",
    "noter",
    "anm",
    "anmærkning",
    "bemærk",
    "bemærkning",
    "kilde",
    "obs",
    "*",
];

fn is_note(title: &str) -> bool {
    let n = labels::normalize_label(title);
    n.starts_with('*')
        || NOTE_MARKERS.iter().any(|m| {
            n == *m
                || n.starts_with(&format!("{m}:"))
                || n.starts_with(&format!("{m} "))
                || n.starts_with(&format!("{m}."))
        })
}

/// The format group a heading names: exactly or by synonym, else the group
/// whose name or synonym covers most of the heading's significant words
/// (at least 75 % and two words), if one is clearly best.
pub fn match_format_group(title: &str, format: &Format) -> Option<String> {
    let norm = labels::normalize_label(title);
    for g in &format.budget.groups {
        if std::iter::once(&g.name)
            .chain(g.synonyms.iter())
            .any(|s| labels::normalize_label(s) == norm)
        {
            return Some(g.name.clone());
        }
    }
    let mut scored: Vec<(f64, usize, &str)> = format
        .budget
        .groups
        .iter()
        .map(|g| {
            let best = std::iter::once(&g.name)
                .chain(g.synonyms.iter())
                .map(|s| labels::coverage(title, s))
                .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
            (best.0, best.1, g.name.as_str())
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(s, n, name), rest @ ..]
            if *s >= 0.75 && *n >= 2 && rest.first().is_none_or(|r| r.0 < *s) =>
        {
            Some(name.to_string())
        }
        _ => None,
    }
}

/// Does a budget row title name one of the submission's initiatives?
fn names_initiative(title: &str, sub: &Submission) -> bool {
    sub.initiatives.iter().any(|i| {
        let (share, shared) = labels::title_similarity(title, &i.title);
        share >= 0.6 && shared >= 2
            || labels::normalize_label(title) == labels::normalize_label(&i.title)
    })
}

/// Reads one table's rows into the submission's budget lines and stated totals.
pub(crate) fn read_table(sheet: &Sheet, table: &Table, sub: &mut Submission, ctx: &mut Ctx) {
    let format = ctx.format;
    let default_unit =
        danish::parse_unit(&format.default_unit).expect("validated when the format was loaded");
    let mut assumed_unit = false;
    let mut body: Vec<BodyRow> = table
        .body
        .iter()
        .filter_map(|&r| sheet.row(r))
        .map(|row| parse_row(sheet, row, table, default_unit, &mut assumed_unit, ctx))
        .collect();

    // Which rows are totals, decided once per row.
    let totals: Vec<bool> = body
        .iter()
        .map(|b| match &b.title {
            Some((_, t)) => format.is_total_label(t),
            None => b.has_amounts(),
        })
        .collect();
    let last_total = totals.iter().rposition(|&t| t);
    let last_amount = body
        .iter()
        .zip(&totals)
        .rposition(|(b, &t)| b.has_amounts() && !t);
    // Rows after the last total (or, without totals, after the last line
    // with amounts and a gap) that carry no amounts are notes.
    let notes_from = match (last_total, last_amount) {
        (Some(t), _) => t + 1,
        (None, Some(a)) => {
            let mut k = a + 1;
            while k < body.len() && body[k].index <= body[k - 1].index + 1 {
                k += 1;
            }
            k
        }
        (None, None) => body.len(),
    };

    sub.budget_lines.reserve(body.len());
    let start = sub.budget_lines.len();
    let mut group: Option<(String, Option<String>)> = table
        .header_group
        .as_ref()
        .map(|(_, t)| (t.clone(), match_format_group(t, format)));
    let mut group_start = start;
    let mut since_total = start;
    for k in 0..body.len() {
        let b = &body[k];
        let title = b.title_text().to_string();
        if totals[k] && !b.has_amounts() {
            continue; // a total row with nothing stated (a blank template's "I alt")
        }
        if totals[k] {
            let bare = format
                .budget
                .total_labels
                .iter()
                .any(|l| labels::normalize_label(l) == labels::normalize_label(&title));
            let is_group_total = !bare && !title.is_empty();
            let covers = if is_group_total {
                (group_start, sub.budget_lines.len())
            } else if Some(k) == last_total {
                (start, sub.budget_lines.len())
            } else {
                (since_total, sub.budget_lines.len())
            };
            let source = b.title_source(sheet, table);
            let (amounts, amount_sources, total, total_source) = body[k].take_values();
            sub.stated_totals.push(StatedTotal {
                title,
                group: if is_group_total {
                    group.as_ref().map(|g| g.0.clone())
                } else {
                    None
                },
                amounts,
                total,
                source,
                amount_sources,
                total_source,
                covers: Some(covers),
            });
            since_total = sub.budget_lines.len();
            continue;
        }
        if k >= notes_from && !b.has_amounts() {
            continue;
        }
        if !b.has_amounts() {
            if title.is_empty() || is_note(&title) {
                continue;
            }
            if let Some(g) = match_format_group(&title, format) {
                group = Some((title, Some(g)));
                group_start = sub.budget_lines.len();
                continue;
            }
            if !names_initiative(&title, sub) {
                let next = (k + 1..body.len())
                    .find(|&n| !body[n].title_text().is_empty() || body[n].has_amounts());
                match next.map(|n| (&body[n], totals[n])) {
                    Some((_, true)) => continue, // a caption over a total
                    Some((n, _)) if n.has_amounts() => {
                        group = Some((title, None));
                        group_start = sub.budget_lines.len();
                        continue;
                    }
                    _ => {}
                }
            }
        }
        let source = b.title_source(sheet, table);
        let (amounts, amount_sources, stated_total, total_source) = body[k].take_values();
        sub.budget_lines.push(BudgetLine {
            group: group.as_ref().map(|g| g.0.clone()),
            format_group: group.as_ref().and_then(|g| g.1.clone()),
            title,
            amounts,
            stated_total,
            source,
            amount_sources,
            total_source,
        });
    }
    if assumed_unit {
        let col = table.first_year_col;
        ctx.finding(
            Code::UnitAssumed,
            &sheet.name,
            table.header_row,
            col,
            format!(
                "Tabellen angiver ingen enhed (hverken i cellerne, i kolonneoverskriften eller i en tekst som \
                 'Beløb i mio. kr.' over tabellen); beløbene er læst i {} (udvalgsformatets standard).",
                default_unit.name
            ),
        );
    }
}

fn parse_row(
    sheet: &Sheet,
    row: &Row,
    table: &Table,
    default: Unit,
    assumed: &mut bool,
    ctx: &mut Ctx,
) -> BodyRow {
    let in_title_col = table
        .title_col
        .and_then(|c| row.get(c).and_then(cell_text).map(|t| (c, t)));
    let title = in_title_col.or_else(|| {
        row.filled()
            .filter(|c| c.col < table.first_year_col && matches!(c.value, Value::Text(_)))
            .find_map(|c| cell_text(&c.value).map(|t| (c.col, t)))
    });
    let amount_cols = table
        .years
        .iter()
        .map(|y| y.col)
        .chain(table.total_col.map(|t| t.0));
    let amount_cells = amount_cols
        .into_iter()
        .any(|c| row.get(c).is_some_and(|v| !v.is_blank()));
    let mut amounts = YearMap::with_capacity(table.years.len());
    for y in &table.years {
        if let Some(v) = row.get(y.col) {
            if let Some(a) = parse_cell(
                sheet, row.index, y.col, v, y.unit, table, default, assumed, ctx,
            ) {
                amounts.insert(y.year.clone(), a);
            }
        }
    }
    let total = table.total_col.and_then(|(col, unit)| {
        row.get(col)
            .and_then(|v| parse_cell(sheet, row.index, col, v, unit, table, default, assumed, ctx))
    });
    BodyRow {
        index: row.index,
        title,
        amount_cells,
        amounts,
        total,
    }
}

/// One amount cell → kroner and its source, or a finding.
#[allow(clippy::too_many_arguments)]
fn parse_cell(
    sheet: &Sheet,
    row: u32,
    col: u32,
    v: &Value,
    col_unit: Option<Unit>,
    table: &Table,
    default: Unit,
    assumed: &mut bool,
    ctx: &mut Ctx,
) -> Option<(Decimal, AmountSource)> {
    let raw = cell_text(v)?;
    let (value, own_unit) = match v {
        Value::Number(f) => (danish::float_to_decimal(*f)?, None),
        Value::Int(i) => (Decimal::from(*i), None),
        Value::Text(_) => match danish::parse_amount(&raw) {
            Ok(a) => {
                if let Some(assumption) = a.assumption {
                    let how = match assumption {
                        Assumption::DotAsDecimalComma => "punktum læst som decimalkomma",
                        Assumption::StraySpace => "mellemrum efter kommaet ignoreret",
                    };
                    ctx.finding(
                        Code::AmbiguousNumber,
                        &sheet.name,
                        row,
                        col,
                        format!(
                            "'{raw}' er læst som {} ({how}); ret cellen, hvis det ikke er ment sådan.",
                            danish::format_danish_decimal(a.value)
                        ),
                    );
                }
                (a.value, a.unit)
            }
            Err(danish::AmountError::Empty) => return None,
            Err(danish::AmountError::NotANumber(why)) => {
                ctx.finding(
                    Code::AmountUnparseable,
                    &sheet.name,
                    row,
                    col,
                    format!("'{raw}' i {} kan ikke læses som et beløb ({why}); beløbet er ikke talt med.", a1(row, col)),
                );
                return None;
            }
        },
        _ => {
            ctx.finding(
                Code::AmountUnparseable,
                &sheet.name,
                row,
                col,
                format!(
                    "'{raw}' i {} er ikke et beløb; beløbet er ikke talt med.",
                    a1(row, col)
                ),
            );
            return None;
        }
    };
    let (unit, from) = match (own_unit, col_unit, table.unit) {
        (Some(u), _, _) => (u, UnitFrom::Cell),
        (None, Some(u), _) => (u, UnitFrom::Header),
        (None, None, Some((u, from))) => (u, from),
        (None, None, None) => {
            *assumed = true;
            (default, UnitFrom::Default)
        }
    };
    let kroner = (value * unit.factor).normalize();
    Some((
        kroner,
        AmountSource {
            cell: a1(row, col).into(),
            raw: raw.into(),
            unit: Some(format!("{} ({})", unit.name, from.as_str()).into()),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Value::Number(2008.0), Some("2008"))]
    #[case(Value::Int(2011), Some("2011"))]
    #[case(Value::Text("2009".into()), Some("2009"))]
    #[case(Value::Text(" Budget 2010 ".into()), Some("2010"))]
    #[case(Value::Text("2008 (mio. kr.)".into()), Some("2008"))]
    #[case(Value::Number(2008.5), None)]
    #[case(Value::Number(1999.0), None)]
    #[case(Value::Text("03-03-2008".into()), None)]
    #[case(Value::Text("2008-2011".into()), None)]
    #[case(Value::Text("Mål i 2009".into()), None)]
    #[case(Value::Text("I alt".into()), None)]
    fn years_in_header_cells(#[case] v: Value, #[case] want: Option<&str>) {
        assert_eq!(year_of(&v).map(|y| y.0), want.map(crate::model::Text::from));
    }

    #[rstest]
    #[case(
        "Integrationsindsatser i relation til mål i integrationspolitikken",
        Some(0)
    )]
    #[case(
        "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken",
        Some(1)
    )]
    #[case("Integrationsindsatser ud over mål i integrationspolitikken", Some(1))]
    #[case(
        "øvrige integrationsindsatser hvor målet ligger ud over integrationspolitikken:",
        Some(1)
    )]
    #[case("Helhedsplaner for 21 almene boligområder", None)]
    #[case("Integrationsprojekter – samlet beløb", None)]
    #[case("Boligsociale projekter", None)]
    fn format_groups(#[case] title: &str, #[case] want: Option<usize>) {
        let f = Format::default_format();
        assert_eq!(
            match_format_group(title, &f),
            want.map(|i| f.budget.groups[i].name.clone())
        );
    }

    #[rstest]
    #[case("Note: tallene er foreløbige", true)]
    #[case("* Inkl. moms", true)]
    #[case("Kilde: Økonomiforvaltningen", true)]
    #[case("Noteringer af aktier", false)]
    #[case("Boligsociale projekter", false)]
    fn notes(#[case] title: &str, #[case] want: bool) {
        assert_eq!(is_note(title), want);
    }
}
