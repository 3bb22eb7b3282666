//! Runs tests/py/check_appendix_docx.py (python-docx, lxml) on the seed's
//! appendix: an independent reader agrees on the texts, their order and the
//! package. Skips with a note when python3 with python-docx is missing.

mod docx_support;

mod external;
use bilag::write::docx::write_appendix;
use docx_support::*;
use std::process::Command;

fn python_docx_available() -> bool {
    Command::new("python3")
        .args(["-c", "import docx, lxml"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn python_docx_reads_the_seed_appendix() {
    if !external::available("python3 with python-docx", python_docx_available()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("appendix.docx");
    write_appendix(&seed_model(), &seed_format(), &path).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/py/check_appendix_docx.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(&path)
        .arg(fixtures_dir().join("expected.json"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
