//! Golden test of budget.xlsx's structure, in the style of rust_xlsxwriter's
//! own integration tests: every XML part of the seed's workbook, normalized
//! (one element per line, per-run dates stripped), compared with the
//! committed tests/golden/budget_seed_structure.txt. Sheet names, formulas
//! and their cached values, number formats, merged cells, frozen panes,
//! print setup and the chart are all in it.
//!
//! After an intended change, regenerate with
//! `BILAG_UPDATE_GOLDEN=1 cargo test --test xlsx_golden` and review the diff.

mod xlsx_support;

use bilag::write::xlsx::budget_workbook_bytes;
use std::path::Path;
use xlsx_support::{findings, format, model, xml_dump};

#[test]
fn seed_budget_structure_matches_the_golden_file() {
    let (bytes, _) = budget_workbook_bytes(&model("seed"), &findings("seed"), &format()).unwrap();
    let dump = xml_dump(&bytes);
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/budget_seed_structure.txt");
    if std::env::var_os("BILAG_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &dump).unwrap();
    }
    let want =
        std::fs::read_to_string(&golden).expect("golden file (BILAG_UPDATE_GOLDEN=1 writes it)");
    if dump != want {
        let (n, (got, exp)) = dump
            .lines()
            .zip(want.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((
                dump.lines().count().min(want.lines().count()),
                ("<end>", "<end>"),
            ));
        panic!(
            "budget.xlsx structure differs from {} at line {}:\n  got:  {got}\n  want: {exp}\n(BILAG_UPDATE_GOLDEN=1 regenerates it; review the diff)",
            golden.display(),
            n + 1
        );
    }
}

#[test]
fn the_dump_strips_per_run_dates_and_keeps_formulas() {
    let (a, _) = budget_workbook_bytes(&model("seed"), &[], &format()).unwrap();
    let dump = xml_dump(&a);
    let created = dump
        .lines()
        .skip_while(|l| !l.contains("dcterms:created"))
        .nth(1)
        .unwrap();
    assert_eq!(created.trim(), "= <stripped>");
    assert!(dump.contains("= SUM(C10,C15)"));
    assert!(dump.contains("formatCode=\"#,##0.0#\""));
    assert!(dump.contains("pane xSplit=") || dump.contains("pane ySplit=\"5\""));
}
