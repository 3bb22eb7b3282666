//! Normalizing: cell grid → model. Finds the three parts of a submission by
//! content — metadata, status schemas and budget tables — in any sheet and
//! position, using the committee format's labels (contract §1).
//!
//! The order of work on a workbook:
//! 1. [`budget`] finds every budget table (a header row with year columns)
//!    and claims its rows;
//! 2. [`schemas`] finds status schemas in the remaining rows — tabular form
//!    (a header row of field labels) and block form (a title row followed by
//!    label | value rows) — and [`metadata`] the key/value rows of a
//!    Forside/Info/Metadata sheet or above the other parts of a sheet;
//! 3. the budget tables' rows are classified (group heading, line, caption,
//!    stated total) knowing the initiatives, since a titled row without
//!    amounts that names an initiative is a line, not a heading;
//! 4. what the workbook hides ([`Workbook::hidden`]) is not read into the
//!    model; each hidden sheet, and each sheet's hidden rows and hidden
//!    columns, gives a hidden-content warning saying what it held (see
//!    [`hidden`]).

pub mod budget;
pub mod danish;
mod hidden;
pub mod labels;
pub mod metadata;
pub mod schemas;

use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::{SourceRef, Submission};
use crate::read::{a1, Row, Sheet, Value, Workbook};
use std::collections::HashSet;

/// Normalizes one workbook into a submission, with the findings met while
/// reading it (ambiguous-number, amount-unparseable, unit-assumed,
/// date-unparseable, hidden-content). Only [`Workbook::sheets`] are read into
/// the model; each part of [`Workbook::hidden`] gives a hidden-content
/// warning. When nothing recognizable is found (no metadata label,
/// no status schema, no budget table) the findings hold a file-rejected error.
/// `file_name` names the file in findings and in `source`.
pub fn normalize_workbook(
    wb: &Workbook,
    file_name: &str,
    sha256: &str,
    format: &Format,
) -> (Submission, Vec<Finding>) {
    let mut ctx = Ctx::new(format, file_name);
    let mut sub = Submission {
        source: file_name.to_string(),
        sha256: sha256.to_string(),
        ..Default::default()
    };

    // 1. Budget tables claim their rows first.
    let mut tables = Vec::new();
    let mut claimed: Vec<HashSet<u32>> = Vec::with_capacity(wb.sheets.len());
    for sheet in &wb.sheets {
        let found = budget::find_tables(sheet, &ctx);
        let mut rows = HashSet::new();
        for t in &found {
            rows.extend(t.claimed_rows());
        }
        claimed.push(rows);
        tables.push(found);
    }

    // 2. Status schemas and metadata in the remaining rows.
    let mut recognized = tables.iter().any(|t| !t.is_empty());
    for (si, sheet) in wb.sheets.iter().enumerate() {
        let found = schemas::read_sheet(sheet, &claimed[si], &mut sub, &mut ctx);
        recognized |= found;
    }
    recognized |= ctx.metadata_labels_seen > 0;

    // 3. Budget rows, now that the initiatives are known.
    for (si, sheet) in wb.sheets.iter().enumerate() {
        for table in &tables[si] {
            budget::read_table(sheet, table, &mut sub, &mut ctx);
        }
    }

    // "Postnr./By" is the address's next line, wherever the row stood.
    if let Some(postal) = ctx.postal.take() {
        let m = &mut sub.metadata;
        m.address = Some(match m.address.take() {
            Some(a) if !a.contains(postal.as_str()) => format!("{a}\n{postal}"),
            Some(a) => a,
            None => postal,
        });
    }
    sub.department = sub.metadata.department.clone();
    hidden::report(wb, format, &mut ctx);
    if !recognized {
        ctx.findings.push(Finding::new(
            Code::FileRejected,
            file_name,
            "Ingen genkendelige dele i regnearket: hverken forside-oplysninger (Udvalg, Dato, Sagsnr. …), \
             statusskemaer eller en økonomisk oversigt med årstal. Brug skabelonen fra `bilag template`.",
        ));
    }
    (sub, ctx.findings)
}

/// What the normalizer carries while reading one workbook.
pub(crate) struct Ctx<'a> {
    pub format: &'a Format,
    pub file: &'a str,
    pub findings: Vec<Finding>,
    pub metadata_labels_seen: usize,
    /// A "Postnr./By" value, joined to the address at the end.
    pub postal: Option<String>,
}

impl<'a> Ctx<'a> {
    fn new(format: &'a Format, file: &'a str) -> Self {
        Ctx {
            format,
            file,
            findings: Vec::new(),
            metadata_labels_seen: 0,
            postal: None,
        }
    }

    pub fn finding(&mut self, code: Code, sheet: &str, row: u32, col: u32, message: String) {
        self.findings
            .push(Finding::new(code, self.file, message).at(sheet, a1(row, col)));
    }
}

/// A cell's value as text a person would read: text trimmed (CRLF → LF,
/// non-breaking spaces at the ends removed), numbers exact in Danish form,
/// dates dd-mm-yyyy. None for blank cells.
pub fn cell_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(_) => v
            .text()
            .map(|t| t.replace("\r\n", "\n").replace('\r', "\n")),
        Value::Number(f) => Some(match danish::float_to_decimal(*f) {
            Some(d) => danish::format_danish_decimal(d),
            None => format!("{f}"),
        }),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(if *b { "Sand" } else { "Falsk" }.to_string()),
        Value::Date(d) => Some(d.format("%d-%m-%Y").to_string()),
        Value::Error(e) => Some(e.clone()),
    }
}

/// The filled cells of a row as (column, text).
pub(crate) fn row_texts(row: &Row) -> Vec<(u32, String)> {
    row.cells
        .iter()
        .filter_map(|c| cell_text(&c.value).map(|t| (c.col, t)))
        .collect()
}

pub(crate) fn source(sheet: &Sheet, row: u32, col: u32) -> SourceRef {
    SourceRef {
        sheet: sheet.name.as_str().into(),
        cell: a1(row, col).into(),
    }
}
