//! Running the built `bilag` binary and reading what it printed.

use std::process::{Command, Output};

/// A `Command` for the `bilag` binary of this build.
pub fn command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bilag"))
}

/// Runs `bilag` with `args` and waits for it.
pub fn bilag(args: &[&str]) -> Output {
    command().args(args).output().expect("bilag runs")
}

/// What a run printed: stdout, then stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Whether `tool` is on PATH (`command -v`).
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// `bilag build INBOX --out OUT` with `extra` arguments after them.
pub fn build(inbox: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Output {
    command()
        .arg("build")
        .arg(inbox)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("bilag runs")
}
