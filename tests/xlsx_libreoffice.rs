//! budget.xlsx checked by other readers: openpyxl compares every cached
//! total with sums computed in Python Decimal from expected.json, and
//! LibreOffice recalculates every formula (cached values removed first) to
//! the same numbers. Skipped with a note when python3/openpyxl or soffice are
//! missing.

mod xlsx_support;

mod external;
use bilag::write::xlsx::write_budget;
use std::path::{Path, PathBuf};
use std::process::Command;
use xlsx_support::{expected_path, findings, format, model};

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xlsx-check");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn has_openpyxl() -> bool {
    Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|s| s.success())
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

fn write_case(case: &str) -> PathBuf {
    let path = out_dir().join(format!("budget-{case}.xlsx"));
    write_budget(&model(case), &findings(case), &format(), &path).unwrap();
    path
}

fn run_check(path: &Path, case: &str, extra: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/check_budget_xlsx.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(path)
        .arg(expected_path())
        .args(["--case", case])
        .args(extra)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "check failed for {case}:\n{stdout}\n{stderr}"
    );
}

#[test]
fn openpyxl_sees_the_exact_totals() {
    if !external::available("python3 with openpyxl", has_openpyxl()) {
        return;
    }
    for case in ["seed", "departments"] {
        run_check(&write_case(case), case, &[]);
    }
}

#[test]
fn libreoffice_recalculates_the_cached_totals() {
    if !external::available(
        "LibreOffice (soffice) or python3 with openpyxl",
        has_openpyxl() && (on_path("soffice") || on_path("libreoffice")),
    ) {
        return;
    }
    for case in ["seed", "departments"] {
        run_check(&write_case(case), case, &["--libreoffice"]);
    }
}

/// The checker must fail on a wrong cached value (it is not a rubber stamp).
#[test]
fn the_checker_catches_a_wrong_total() {
    if !external::available("python3 with openpyxl", has_openpyxl()) {
        return;
    }
    let mut m = model("seed");
    // The workbook is built from a model with one amount changed; checked
    // against the true model, the totals must not match.
    m.submissions[0].budget_lines[0]
        .amounts
        .insert("2008".into(), rust_decimal::Decimal::from(6_100_000));
    let path = out_dir().join("budget-wrong.xlsx");
    write_budget(&m, &[], &format(), &path).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/check_budget_xlsx.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&path)
        .arg(expected_path())
        .args(["--case", "seed"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("(I ALT 2008): cached 26.89 != 26.79"),
        "{stdout}"
    );
}
