//! One sheet per submission: its lines, then each of its STATED totals
//! beside the sum bilag computes of the lines it covers, differences marked
//! "Afviger".

use super::cells::{Cells, Sink};
use super::layout::Sheet;
use super::{
    a1, fit_width, page_setup, sum_rows_formula, Builder, Origin, StyleId as S, XlsxError,
};
use crate::model::{BudgetLine, StatedTotal, Submission, Year};
use rust_decimal::Decimal;
use rust_xlsxwriter::Worksheet;
use std::collections::BTreeMap;

/// Row (0-based) of a submission sheet's header.
const HEADER_ROW: u32 = 4;

/// A submission sheet's columns: the title, the years from column 1, then
/// the computed total, the stated total and the check.
struct Columns {
    years: Vec<Year>,
    title_width: f64,
    computed: u16,
    stated: u16,
    check: u16,
}

impl Columns {
    fn ny(&self) -> u16 {
        self.years.len() as u16
    }
}

/// Where a text of `sub` came from.
fn origin<'s>(sub: &'s Submission, sheet: &'s str, cell: &'s str) -> Origin<'s> {
    Origin {
        file: &sub.source,
        sheet: (!sheet.is_empty()).then_some(sheet),
        cell: (!cell.is_empty()).then_some(cell),
    }
}

impl<'a> Builder<'a> {
    /// Submission `si`'s sheet: the skeleton's name, widths and print setup
    /// into `sk`; returns its cells.
    pub(super) fn write_submission(
        &mut self,
        sk: &mut Worksheet,
        si: usize,
    ) -> Result<Cells, XlsxError> {
        let sub: &'a Submission = &self.model.submissions[si];
        let name = self.sub_sheets[si].clone();
        sk.set_name(&name)?;
        let mut ws = Sheet::new(Cells::new(&name));
        let cols = self.submission_columns(sk, &mut ws, sub)?;
        self.submission_heading(&mut ws, sub, &cols)?;
        let mut row = HEADER_ROW + 1;
        let mut last_group: Option<&str> = None;
        for (li, line) in sub.budget_lines.iter().enumerate() {
            if let Some(g) = line.group.as_deref() {
                if last_group != Some(g) {
                    self.group_row(&mut ws, sub, line, g, &cols, row)?;
                    row += 1;
                }
            }
            last_group = line.group.as_deref();
            self.line_row(&mut ws, sub, line, &cols, row)?;
            self.placed.sub_line_rows.insert((si, li), row);
            row += 1;
        }
        if sub.budget_lines.is_empty() {
            let note = "Indberetningen har ingen budgetlinjer.";
            ws.put_string(&mut self.strings, row, 0, note, S::Caption)?;
            row += 1;
        }
        row += 1;
        // Computed totals, then each stated total beside the computed sum
        // of the lines it covers.
        for (ti, covered) in total_pairs(sub) {
            let stated = ti.map(|i| &sub.stated_totals[i]);
            let computed = self.computed_row(&mut ws, si, stated, &covered, &cols, row)?;
            match (ti, stated) {
                (Some(ti), Some(t)) => {
                    self.stated_row(&mut ws, sub, t, &computed, &cols, row + 1)?;
                    self.placed.sub_stated_rows.insert((si, ti), row + 1);
                    row += 3;
                }
                _ => row += 2,
            }
        }
        let cells = ws.finish()?;
        page_setup(sk, HEADER_ROW, 0)?;
        Ok(cells)
    }

    /// The column widths: titles fit, up to a limit where they wrap.
    fn submission_columns(
        &mut self,
        sk: &mut Worksheet,
        ws: &mut Sheet<Cells>,
        sub: &Submission,
    ) -> Result<Columns, XlsxError> {
        let years = self.overview.years.clone();
        let ny = years.len() as u16;
        let titles = sub
            .budget_lines
            .iter()
            .map(|l| l.title.as_str())
            .chain(sub.stated_totals.iter().map(|t| t.title.as_str()))
            .chain(["Beregnet i alt", "Indsats"]);
        let cols = Columns {
            years,
            title_width: fit_width(titles, 30, 55),
            computed: 1 + ny,
            stated: 2 + ny,
            check: 3 + ny,
        };
        ws.col_width(sk, 0, cols.title_width)?;
        for c in 1..cols.computed {
            ws.col_width(sk, c, 12.0)?;
        }
        // "I alt (beregnet)" and "I alt (angivet)" on one line when printed.
        ws.col_width(sk, cols.computed, 17.0)?;
        ws.col_width(sk, cols.stated, 17.0)?;
        ws.col_width(sk, cols.check, 30.0)?;
        Ok(cols)
    }

    /// The department, the file, the caption and the header row.
    fn submission_heading(
        &mut self,
        ws: &mut Sheet<Cells>,
        sub: &Submission,
        cols: &Columns,
    ) -> Result<(), XlsxError> {
        let file = &sub.source;
        let heading = sub
            .department
            .clone()
            .or_else(|| sub.metadata.department.clone())
            .unwrap_or_else(|| file.clone());
        self.text(ws, 0, 0, &heading, S::Title, origin(sub, "", ""))?;
        ws.put_string(&mut self.strings, 1, 0, &format!("Fil: {file}"), S::Text)?;
        let caption = format!(
            "Beløb i {} Beregnet = summen bilag har regnet; angivet = det afdelingen har skrevet.",
            self.unit_name
        );
        ws.put_string(&mut self.strings, 2, 0, &caption, S::Caption)?;

        let hr = HEADER_ROW;
        self.header_row(ws, hr, 1, &cols.years)?;
        let strings = &mut self.strings;
        ws.put_string(strings, hr, cols.computed, "I alt (beregnet)", S::HeaderNum)?;
        ws.put_string(strings, hr, cols.stated, "I alt (angivet)", S::HeaderNum)?;
        ws.put_string(strings, hr, cols.check, "Kontrol", S::Header)?;
        ws.put_row_height(hr, 30.0)?;
        Ok(())
    }

    /// A group heading `g` merged across the table, before the group's
    /// first line.
    fn group_row(
        &mut self,
        ws: &mut Sheet<Cells>,
        sub: &Submission,
        line: &BudgetLine,
        g: &str,
        cols: &Columns,
        row: u32,
    ) -> Result<(), XlsxError> {
        ws.merge_range(&mut self.strings, row, 0, row, cols.check, "", S::Group)?;
        let w = cols.title_width + 12.0 * f64::from(cols.stated) + 2.0 * 5.0 + 30.0;
        ws.merged_width(row, w);
        let at = origin(sub, &line.source.sheet, &line.source.cell);
        self.text(ws, row, 0, g, S::Group, at)
    }

    /// A budget line: title, amounts, their computed sum, and the line's
    /// stated total checked against it.
    fn line_row(
        &mut self,
        ws: &mut Sheet<Cells>,
        sub: &Submission,
        line: &BudgetLine,
        cols: &Columns,
        row: u32,
    ) -> Result<(), XlsxError> {
        let at = origin(sub, &line.source.sheet, &line.source.cell);
        self.text(ws, row, 0, &line.title, S::Wrap, at)?;
        for (i, y) in cols.years.iter().enumerate() {
            if let Some(a) = line.amounts.get(y) {
                self.amount(ws, row, 1 + i as u16, *a, S::Amount)?;
            }
        }
        let computed: Decimal = line.amounts.values().copied().sum();
        let ny = cols.ny();
        if !line.amounts.is_empty() && ny > 0 {
            let f = format!("=SUM({}:{})", a1(row, 1), a1(row, ny));
            self.total(ws, row, cols.computed, &f, computed, S::Amount)?;
        }
        if let Some(stated) = line.stated_total {
            if stated == computed {
                self.amount(ws, row, cols.stated, stated, S::Amount)?;
                let strings = &mut self.strings;
                ws.put_string(strings, row, cols.check, "Stemmer", S::AgreesText)?;
            } else {
                self.amount(ws, row, cols.stated, stated, S::DiffersAmount)?;
                let msg = format!("Afviger ({})", self.diff_text(stated - computed));
                ws.put_string(&mut self.strings, row, cols.check, &msg, S::DiffersText)?;
            }
        }
        Ok(())
    }

    /// "Beregnet: <stated total's title>" (or "Beregnet i alt"): live sums
    /// of the `covered` lines per year and in all. Returns the exact sums.
    fn computed_row(
        &mut self,
        ws: &mut Sheet<Cells>,
        si: usize,
        stated: Option<&StatedTotal>,
        covered: &[usize],
        cols: &Columns,
        row: u32,
    ) -> Result<Computed<'a>, XlsxError> {
        let sub: &'a Submission = &self.model.submissions[si];
        let (label, at) = match stated {
            Some(t) => (
                format!("Beregnet: {}", t.title),
                origin(sub, &t.source.sheet, &t.source.cell),
            ),
            None => ("Beregnet i alt".to_string(), origin(sub, "", "")),
        };
        self.text(ws, row, 0, &label, S::SubtotalText, at)?;
        let rows: Vec<u32> = covered
            .iter()
            .filter_map(|li| self.placed.sub_line_rows.get(&(si, *li)).copied())
            .collect();
        let mut sums: BTreeMap<&'a str, Decimal> = BTreeMap::new();
        for li in covered {
            for (y, a) in &sub.budget_lines[*li].amounts {
                *sums.entry(y.as_str()).or_default() += *a;
            }
        }
        let total: Decimal = sums.values().copied().sum();
        for (i, y) in cols.years.iter().enumerate() {
            let col = 1 + i as u16;
            let v = sums.get(y.as_str()).copied().unwrap_or_default();
            let f = if rows.is_empty() {
                "=0".to_string()
            } else {
                sum_rows_formula(col, &rows)
            };
            self.total(ws, row, col, &f, v, S::SubtotalAmount)?;
        }
        let ny = cols.ny();
        let f = if ny == 0 {
            "=0".to_string()
        } else {
            format!("=SUM({}:{})", a1(row, 1), a1(row, ny))
        };
        self.total(ws, row, cols.computed, &f, total, S::SubtotalAmount)?;
        for c in [cols.stated, cols.check] {
            ws.write_blank(row, c, S::SubtotalAmount)?;
        }
        Ok(Computed { sums, total })
    }

    /// "Angivet: <title>": the stated amounts, each marked where it is not
    /// the computed one, and the verdict.
    fn stated_row(
        &mut self,
        ws: &mut Sheet<Cells>,
        sub: &Submission,
        t: &StatedTotal,
        computed: &Computed<'_>,
        cols: &Columns,
        row: u32,
    ) -> Result<(), XlsxError> {
        let at = origin(sub, &t.source.sheet, &t.source.cell);
        self.text(ws, row, 0, &format!("Angivet: {}", t.title), S::Text, at)?;
        let mut differs: Vec<String> = Vec::new();
        for (i, y) in cols.years.iter().enumerate() {
            if let Some(a) = t.amounts.get(y) {
                let c = computed.sums.get(y.as_str()).copied().unwrap_or_default();
                let style = if *a == c {
                    S::Amount
                } else {
                    differs.push(y.to_string());
                    S::DiffersAmount
                };
                self.amount(ws, row, 1 + i as u16, *a, style)?;
            }
        }
        // Years the stated row has that no line has.
        for y in t.amounts.keys() {
            if !cols.years.contains(y) {
                differs.push(y.to_string());
            }
        }
        if let Some(total) = t.total {
            let style = if total == computed.total {
                S::Amount
            } else {
                differs.push(self.format.document.total_column_label.clone());
                S::DiffersAmount
            };
            self.amount(ws, row, cols.stated, total, style)?;
        }
        if differs.is_empty() {
            ws.put_string(&mut self.strings, row, cols.check, "Stemmer", S::AgreesText)?;
        } else {
            let mut msg = format!("Afviger: {}", differs.join(", "));
            if let Some(total) = t.total {
                if total != computed.total {
                    msg = format!("{msg} ({})", self.diff_text(total - computed.total));
                }
            }
            ws.put_string(&mut self.strings, row, cols.check, &msg, S::DiffersText)?;
        }
        Ok(())
    }

    /// "8,47 mio. kr. under beregnet": how far a stated amount is from the
    /// computed one, in the display unit.
    fn diff_text(&self, stated_minus_computed: Decimal) -> String {
        let d = self.shown(stated_minus_computed);
        let amount = d.abs().to_string().replace('.', ",");
        let side = if d.is_sign_negative() {
            "under"
        } else {
            "over"
        };
        format!("{amount} {} {side} beregnet", self.unit_name)
    }
}

/// The exact sums of the lines a total covers.
struct Computed<'s> {
    /// Per year.
    sums: BTreeMap<&'s str, Decimal>,
    total: Decimal,
}

/// The totals of a submission sheet: each stated total with the lines it
/// covers, or (without any) one computed total of every line.
fn total_pairs(sub: &Submission) -> Vec<(Option<usize>, Vec<usize>)> {
    let mut pairs: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    if sub.stated_totals.is_empty() && !sub.budget_lines.is_empty() {
        pairs.push((None, (0..sub.budget_lines.len()).collect()));
    }
    for (ti, t) in sub.stated_totals.iter().enumerate() {
        pairs.push((Some(ti), covered_lines(sub, t)));
    }
    pairs
}

/// The lines a stated total covers: its `covers` range, else the lines of
/// its group, else every line.
fn covered_lines(sub: &Submission, t: &StatedTotal) -> Vec<usize> {
    let n = sub.budget_lines.len();
    if let Some((a, b)) = t.covers {
        return (a.min(n)..b.min(n)).collect();
    }
    if let Some(g) = &t.group {
        let in_group = |l: &BudgetLine| {
            l.group.as_deref() == Some(g.as_str()) || l.format_group.as_deref() == Some(g.as_str())
        };
        return (0..n).filter(|i| in_group(&sub.budget_lines[*i])).collect();
    }
    (0..n).collect()
}
