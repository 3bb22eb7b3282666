//! What a person sees: a progress bar on stderr while files are read (only
//! on a terminal, never with --quiet), log lines on stderr, and a short
//! summary after each build — or, with --json, one JSON line per build on
//! stdout.

use bilag::inbox::watch::BuildReport;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::sync::Mutex;

/// A progress bar that may be shown or not, and log lines that do not
/// tear it.
pub struct Progress {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            quiet,
            bar: Mutex::new(None),
        }
    }

    /// Starts a bar of `len` steps (hidden when stderr is not a terminal).
    pub fn start(&self, len: usize, message: &'static str) {
        let bar = if self.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(len as u64)
        };
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} filer ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        if let Ok(mut b) = self.bar.lock() {
            if let Some(old) = b.replace(bar) {
                old.finish_and_clear();
            }
        }
    }

    /// One step done.
    pub fn inc(&self) {
        if let Ok(b) = self.bar.lock() {
            if let Some(bar) = b.as_ref() {
                bar.inc(1);
            }
        }
    }

    /// A spinner with a message while a step of unknown length runs
    /// (hidden when stderr is not a terminal, never with --quiet).
    pub fn log_waiting(&self, message: &'static str) {
        let bar = if self.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut b) = self.bar.lock() {
            if let Some(old) = b.replace(bar) {
                old.finish_and_clear();
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Ok(mut b) = self.bar.lock() {
            if let Some(bar) = b.take() {
                bar.finish_and_clear();
            }
        }
    }

    /// A log line on stderr (not with --quiet).
    pub fn log(&self, line: &str) {
        if !self.quiet {
            self.eprint(line);
        }
    }

    /// A line on stderr even with --quiet (problems).
    pub fn warn(&self, line: &str) {
        self.eprint(line);
    }

    /// Writes a line to stderr; a closed terminal (the window was closed,
    /// SIGHUP) is ignored instead of stopping bilag in the middle of a step.
    fn eprint(&self, line: &str) {
        let write = || {
            let _ = writeln!(std::io::stderr(), "{line}");
        };
        match self.bar.lock().ok().and_then(|b| b.clone()) {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

/// The summary of a build, one line for a person:
/// "bilag: 4 filer læst, 1 afvist, 0 sprunget over · 0 fejl, 0 advarsler,
/// 5 info · pakken ligger i pakke".
pub fn summary_line(r: &BuildReport) -> String {
    let mut rejected = format!("{} afvist", r.rejected);
    if r.older_versions > 0 {
        rejected.push_str(&format!(
            " ({} med en ældre version i pakken)",
            r.older_versions
        ));
    }
    let waiting = if r.waiting > 0 {
        format!(", {} venter (kopieres stadig)", r.waiting)
    } else {
        String::new()
    };
    let set_aside = if r.set_aside > 0 {
        format!(" ({} lagt til side)", r.set_aside)
    } else {
        String::new()
    };
    format!(
        "bilag: {} filer læst{set_aside}, {rejected}, {} sprunget over{waiting} · {} fejl, {} advarsler, {} info · pakken ligger i {}",
        r.accepted, r.skipped, r.errors, r.warnings, r.infos, r.out
    )
}

/// Prints a build's summary: the line on stderr unless quiet, the JSON line
/// on stdout with --json.
pub fn print_report(progress: &Progress, r: &BuildReport, json: bool) {
    progress.log(&summary_line(r));
    if !r.departments.is_empty() {
        progress.log(&format!("bilag: {}", r.departments));
    }
    if r.errors > 0 {
        progress.log(&format!(
            "bilag: se fejlene på arket Afstemning i {}/budget.xlsx, eller kør bilag check på indbakken",
            r.out
        ));
    }
    if json {
        if let Ok(line) = serde_json::to_string(r) {
            // A closed pipe must not stop a watch in the middle of a step.
            let _ = writeln!(std::io::stdout(), "{line}");
        }
    }
}
