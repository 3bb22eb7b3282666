//! "Økonomisk oversigt": every budget line by group and year in the
//! committee format's unit, group subtotals and the grand total "I ALT";
//! and the chart sheet drawn from its subtotal rows.

use super::cells::{Cells, Sink};
use super::layout::Sheet;
use super::{
    a1, fit_width, non_empty, page_setup, sum_rows_formula, Builder, Origin, StyleId, StyleId as S,
    XlsxError, CHART_SHEET, FOOTER, OVERVIEW_DEPARTMENT_COL, OVERVIEW_FIRST_YEAR_COL,
    OVERVIEW_HEADER_ROW, OVERVIEW_SHEET,
};
use crate::model::{Model, Year};
use crate::reconcile::departments::department_name;
use crate::write::overview::OverviewGroup;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Chart, ChartDataLabel, ChartLegendPosition, Worksheet};
use std::rc::Rc;

/// The overview's columns: title, department, the years, "I alt".
struct Columns {
    years: Vec<Year>,
    title_width: f64,
    department_width: f64,
    /// Which department each submission is (by index).
    departments: Vec<String>,
}

impl Columns {
    fn ny(&self) -> u16 {
        self.years.len() as u16
    }

    /// The "I alt" column.
    fn total(&self) -> u16 {
        OVERVIEW_FIRST_YEAR_COL + self.ny()
    }

    /// The whole table's width (characters).
    fn table_width(&self) -> f64 {
        self.title_width + self.department_width + 12.0 * f64::from(self.ny() + 1)
    }
}

impl<'a> Builder<'a> {
    /// The overview: its name, widths and print setup into the skeleton
    /// `sk`; returns its cells, and keeps the chart's series.
    pub(super) fn write_overview(&mut self, sk: &mut Worksheet) -> Result<Cells, XlsxError> {
        sk.set_name(OVERVIEW_SHEET)?;
        let mut ws = Sheet::new(Cells::new(OVERVIEW_SHEET));
        let cols = self.overview_columns(sk, &mut ws)?;
        self.overview_heading(&mut ws, &cols)?;
        let mut row = OVERVIEW_HEADER_ROW + 1;
        let mut subtotal_rows: Vec<u32> = Vec::new();
        let mut chart_series: Vec<(u32, u32)> = Vec::new(); // (heading row, subtotal row)
        let overview = Rc::clone(&self.overview);
        for g in &overview.groups {
            let subtotal_row = self.overview_group(&mut ws, g, &cols, row)?;
            subtotal_rows.push(subtotal_row);
            chart_series.push((row, subtotal_row));
            row = subtotal_row + 2;
        }
        let grand_row = self.overview_closing(&mut ws, &cols, row, &subtotal_rows)?;
        let cells = ws.finish()?;
        page_setup(sk, OVERVIEW_HEADER_ROW, 0)?;
        if cols.ny() == 0 {
            chart_series.clear();
        }
        sk.set_print_area(0, 0, grand_row, cols.total())?;
        self.chart_series = chart_series;
        Ok(cells)
    }

    /// The column widths: titles and departments fit, up to a limit where
    /// they wrap.
    fn overview_columns(
        &mut self,
        sk: &mut Worksheet,
        ws: &mut Sheet<Cells>,
    ) -> Result<Columns, XlsxError> {
        // Which department each line comes from: three "Boligsociale
        // projekter" from three departments are told apart by it.
        let departments: Vec<String> = self
            .model
            .submissions
            .iter()
            .map(|s| department_name(s, self.format).unwrap_or_else(|| s.source.clone()))
            .collect();
        let lines = || self.overview.groups.iter().flat_map(|g| &g.lines);
        let titles = lines()
            .map(|l| l.title.as_str())
            .chain(["Indsats", self.format.document.grand_total_label.as_str()]);
        let title_width = fit_width(titles, 30, 60);
        let department_width = fit_width(
            lines()
                .map(|l| departments[l.submission].as_str())
                .chain(["Afdeling"]),
            12,
            46,
        );
        let cols = Columns {
            years: self.overview.years.clone(),
            title_width,
            department_width,
            departments,
        };
        ws.col_width(sk, 0, title_width)?;
        ws.col_width(sk, OVERVIEW_DEPARTMENT_COL, department_width)?;
        for c in OVERVIEW_FIRST_YEAR_COL..=cols.total() {
            ws.col_width(sk, c, 12.0)?;
        }
        Ok(cols)
    }

    /// Title, the format's economy heading, the unit, the header row.
    fn overview_heading(&mut self, ws: &mut Sheet<Cells>, cols: &Columns) -> Result<(), XlsxError> {
        let total_col = cols.total();
        let title = self.format.title();
        let heading = self.format.fill(&self.format.document.economy_heading);
        ws.merge_range(&mut self.strings, 0, 0, 0, total_col, "", S::Title)?;
        ws.put_string(&mut self.strings, 0, 0, &title, S::Title)?;
        ws.put_row_height(0, 21.0)?;
        ws.merge_range(&mut self.strings, 1, 0, 1, total_col, "", S::Heading)?;
        ws.merged_width(1, cols.table_width());
        let nowhere = Origin {
            file: "",
            sheet: None,
            cell: None,
        };
        self.text(ws, 1, 0, &heading, S::Heading, nowhere)?;
        let unit = format!("Beløb i {}", self.unit_name);
        ws.put_string(&mut self.strings, 2, 0, &unit, S::Caption)?;

        let hr = OVERVIEW_HEADER_ROW;
        self.header_row(ws, hr, OVERVIEW_FIRST_YEAR_COL, &cols.years)?;
        let strings = &mut self.strings;
        ws.put_string(strings, hr, OVERVIEW_DEPARTMENT_COL, "Afdeling", S::Header)?;
        let label = &self.format.document.total_column_label;
        ws.put_string(strings, hr, total_col, label, S::HeaderNum)?;
        Ok(())
    }

    /// A group from `row` on: its heading, its lines, "<group> i alt".
    /// Returns the subtotal's row.
    fn overview_group(
        &mut self,
        ws: &mut Sheet<Cells>,
        g: &OverviewGroup,
        cols: &Columns,
        row: u32,
    ) -> Result<u32, XlsxError> {
        let first_year = OVERVIEW_FIRST_YEAR_COL;
        let name = g.name.clone().unwrap_or_else(|| "Uden gruppe".to_string());
        let heading_row = row;
        // A heading named by a submission (not the format) came from a line.
        let (file, sheet, cell) = self.line_origin(g.lines.first().map(|l| (l.submission, l.line)));
        let origin = || Origin { file, sheet, cell };
        ws.merge_range(&mut self.strings, row, 0, row, cols.total(), "", S::Group)?;
        ws.merged_width(row, cols.table_width());
        self.text(ws, row, 0, &name, S::Group, origin())?;
        let mut row = row + 1;
        let mut line_rows = Vec::new();
        for l in &g.lines {
            let (file, sheet, cell) = self.line_origin(Some((l.submission, l.line)));
            self.text(ws, row, 0, &l.title, S::Wrap, Origin { file, sheet, cell })?;
            let department = &cols.departments[l.submission];
            let at = Origin {
                file,
                sheet: None,
                cell: None,
            };
            self.text(ws, row, OVERVIEW_DEPARTMENT_COL, department, S::Wrap, at)?;
            for (i, y) in cols.years.iter().enumerate() {
                if let Some(a) = l.amounts.get(y) {
                    self.amount(ws, row, first_year + i as u16, *a, S::Amount)?;
                }
            }
            if !l.amounts.is_empty() && cols.ny() > 0 {
                let f = format!(
                    "=SUM({}:{})",
                    a1(row, first_year),
                    a1(row, cols.total() - 1)
                );
                self.total(ws, row, cols.total(), &f, l.total, S::Amount)?;
            }
            self.placed
                .overview_rows
                .insert((l.submission, l.line), row);
            line_rows.push(row);
            row += 1;
        }
        // An empty group sums its (empty) heading row: a live 0.
        let sum_rows = if line_rows.is_empty() {
            vec![heading_row]
        } else {
            line_rows
        };
        // "<group> i alt" has the Afdeling column's room too.
        let (strings, dept) = (&mut self.strings, OVERVIEW_DEPARTMENT_COL);
        ws.merge_range(strings, row, 0, row, dept, "", S::SubtotalText)?;
        ws.merged_width(row, cols.title_width + cols.department_width);
        let label = format!("{name} i alt");
        self.text(ws, row, 0, &label, S::SubtotalText, origin())?;
        for (i, y) in cols.years.iter().enumerate() {
            let col = first_year + i as u16;
            let v = g.totals.get(y).copied().unwrap_or_default();
            let f = sum_rows_formula(col, &sum_rows);
            self.total(ws, row, col, &f, v, S::SubtotalAmount)?;
        }
        self.row_total(ws, row, cols.ny(), g.total, S::SubtotalAmount)?;
        Ok(row)
    }

    /// The seed's closing rows from `row` on: the caption, then I ALT, the
    /// sum of the subtotals. Returns I ALT's row.
    fn overview_closing(
        &mut self,
        ws: &mut Sheet<Cells>,
        cols: &Columns,
        row: u32,
        subtotal_rows: &[u32],
    ) -> Result<u32, XlsxError> {
        let doc = &self.format.document;
        ws.put_string(&mut self.strings, row, 0, &doc.total_caption, S::Text)?;
        let row = row + 1;
        let label = &doc.grand_total_label;
        ws.put_string(&mut self.strings, row, 0, label, S::GrandText)?;
        ws.write_blank(row, OVERVIEW_DEPARTMENT_COL, S::GrandText)?;
        for (i, y) in cols.years.iter().enumerate() {
            let col = OVERVIEW_FIRST_YEAR_COL + i as u16;
            let v = self.overview.totals.get(y).copied().unwrap_or_default();
            let f = if subtotal_rows.is_empty() {
                "=0".to_string()
            } else {
                sum_rows_formula(col, subtotal_rows)
            };
            self.total(ws, row, col, &f, v, S::GrandAmount)?;
        }
        let grand_total = self.overview.grand_total;
        self.row_total(ws, row, cols.ny(), grand_total, S::GrandAmount)?;
        Ok(row)
    }

    /// The "I alt" column of a total row: SUM of the `ny` year cells to
    /// its left.
    fn row_total<W: Sink>(
        &self,
        ws: &mut Sheet<W>,
        row: u32,
        ny: u16,
        kroner: Decimal,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        let first_year = OVERVIEW_FIRST_YEAR_COL;
        let f = if ny == 0 {
            "=0".to_string()
        } else {
            let last = a1(row, first_year + ny - 1);
            format!("=SUM({}:{last})", a1(row, first_year))
        };
        self.total(ws, row, first_year + ny, &f, kroner, style)
    }

    /// File, sheet and cell of a budget line's title, for findings.
    fn line_origin(
        &self,
        at: Option<(usize, usize)>,
    ) -> (&'a str, Option<&'a str>, Option<&'a str>) {
        let model: &'a Model = self.model;
        match at.and_then(|(s, l)| {
            let sub = model.submissions.get(s)?;
            Some((sub, sub.budget_lines.get(l)?))
        }) {
            Some((sub, line)) => (
                sub.source.as_str(),
                non_empty(&line.source.sheet),
                non_empty(&line.source.cell),
            ),
            None => ("", None, None),
        }
    }

    /// The chart sheet: a column chart of the yearly totals per group, one
    /// series per group, read from the overview's subtotal rows.
    pub(super) fn write_chart(&mut self, cs: &mut Worksheet) -> Result<(), XlsxError> {
        cs.set_name(CHART_SHEET)?;
        let ny = self.overview.years.len() as u16;
        let hr = OVERVIEW_HEADER_ROW;
        let first = OVERVIEW_FIRST_YEAR_COL;
        let last = first + ny.max(1) - 1;
        let mut chart = Chart::new_column();
        chart.title().set_name(&format!(
            "{} – beløb pr. år fordelt på grupper ({})",
            self.format.committee, self.unit_name
        ));
        let mut label = ChartDataLabel::new();
        label.show_value().set_num_format("#,##0.0#");
        for (heading_row, sub_row) in &self.chart_series {
            chart
                .add_series()
                .set_name((OVERVIEW_SHEET, *heading_row, 0))
                .set_categories((OVERVIEW_SHEET, hr, first, hr, last))
                .set_values((OVERVIEW_SHEET, *sub_row, first, *sub_row, last))
                .set_data_label(&label);
        }
        chart.y_axis().set_name(&self.unit_name);
        chart.y_axis().set_num_format("#,##0");
        chart.legend().set_position(ChartLegendPosition::Bottom);
        cs.insert_chart(0, 0, &chart)?;
        cs.set_paper_size(9);
        cs.set_landscape();
        cs.set_footer(FOOTER);
        Ok(())
    }
}
