//! `bilag watch INBOX --out OUT`

use super::progress::{print_report, Progress};
use super::{Exit, Fatal};
use crate::inbox::ledger::{Entry, Status};
use crate::inbox::watch::{watch, BuildReport, Hooks, Intake, Options, Trigger, Wake};
use crate::read::Limits;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Hold øje med en indbakke og byg bilagspakken, hver gang den ændres.
///
/// Builds the pack at start and again whenever a workbook in INBOX is added,
/// replaced or removed — nobody has to run a command. A file is read only
/// when it is complete (its size and time stay the same between two looks
/// and it opens); a file still being copied is read when the copy is done.
///
/// INBOX is never changed. Every version of every file received is copied to
/// OUT/archive/ (named with the time, the file name and a short hash) and
/// gets one line in OUT/ledger.jsonl (time, file, sha256, accepted or
/// rejected and why, what was read, what changed since the last version).
/// The same file dropped twice is recorded once.
///
/// When a new version of a file cannot be read, the pack keeps that
/// department's last good version and a finding says so. The pack files are
/// replaced together; OUT/pack.json names the build they come from.
///
/// Stop with Ctrl-C (or SIGTERM): the step in hand is finished first, exit
/// status 0. A watch that is killed can simply be started again.
///
/// Example: bilag watch indbakke --out pakke
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder the departments drop their workbooks in.
    pub inbox: PathBuf,
    /// Folder to write the pack, archive/ and ledger.jsonl to (created if
    /// missing).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Look for changes every SECONDS instead of waiting for the operating
    /// system's notifications (for network drives, where they may not
    /// arrive). Decimals allowed: --poll 0.5.
    #[arg(long, value_name = "SECONDS")]
    pub poll: Option<f64>,
    #[command(flatten)]
    pub format: super::FormatArgs,
    /// Print nothing but problems (no progress bar, no summaries).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print one JSON line per build on stdout (time, build, accepted,
    /// rejected, older_versions, skipped, waiting, errors, warnings, infos,
    /// out).
    #[arg(long)]
    pub json: bool,
}

/// Time between the two looks at a file when notifications are used.
const SETTLE: Duration = Duration::from_secs(1);

struct CliHooks {
    progress: Progress,
    json: bool,
    stop: Arc<AtomicBool>,
    /// The last warning, so a lasting problem (a network drive gone) is
    /// told once, not at every look.
    last_warning: Mutex<String>,
}

impl Hooks for CliHooks {
    fn reading(&self, n: usize) {
        self.progress.start(n, "læser");
    }
    fn read_one(&self, _file: &str) {
        self.progress.inc();
    }
    fn read_done(&self) {
        self.progress.finish();
    }
    fn received(&self, e: &Entry) {
        self.progress.log(&received_line(e));
    }
    fn building(&self, _n: usize) {}
    fn built(&self, r: &BuildReport) {
        if let Ok(mut last) = self.last_warning.lock() {
            last.clear();
        }
        print_report(&self.progress, r, self.json);
    }
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
    fn removed(&self, file: &str) {
        self.progress.log(&format!(
            "bilag: {file} er fjernet fra indbakken og tages ud af pakken"
        ));
    }
    fn warn(&self, message: &str) {
        if let Ok(mut last) = self.last_warning.lock() {
            if *last == message {
                return;
            }
            *last = message.to_string();
        }
        self.progress.warn(&format!("bilag: {message}"));
    }
}

/// "modtaget 01-bolig.xlsx: læst (3 statusskemaer, 5 budgetlinjer), 2 ændringer"
fn received_line(e: &Entry) -> String {
    match e.status {
        Status::Accepted => {
            let changes = match &e.changes {
                None => String::new(),
                Some(c) if c.is_empty() => ", samme indhold som før".into(),
                Some(c) => format!(
                    ", {} ændring{}",
                    c.len(),
                    if c.len() == 1 { "" } else { "er" }
                ),
            };
            format!(
                "bilag: modtaget {}: læst ({} statusskemaer, {} budgetlinjer){changes}",
                e.file,
                e.initiatives.unwrap_or(0),
                e.budget_lines.unwrap_or(0)
            )
        }
        Status::Rejected => format!(
            "bilag: modtaget {}: afvist — {}",
            e.file,
            e.reason.as_deref().unwrap_or("")
        ),
    }
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = args.format.load()?;
    if !args.inbox.is_dir() {
        return Err(Fatal::new(format!(
            "mappen {} findes ikke (eller er ikke en mappe)",
            args.inbox.display()
        )));
    }
    if let (Ok(i), Ok(o)) = (args.inbox.canonicalize(), args.out.canonicalize()) {
        if o == i {
            return Err(Fatal::new(
                "--out må ikke være indbakken selv: bilag ændrer aldrig indbakken",
            ));
        }
    }
    let trigger = match args.poll {
        Some(s) if s.is_finite() && s > 0.0 => Trigger::Poll(Duration::from_secs_f64(s.max(0.05))),
        Some(_) => return Err(Fatal::new("--poll skal være et positivt antal sekunder")),
        None => Trigger::Notify,
    };
    let settle = match trigger {
        Trigger::Poll(d) => d,
        Trigger::Notify => SETTLE,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let hooks = CliHooks {
        progress: Progress::new(args.quiet),
        json: args.json,
        stop: stop.clone(),
        last_warning: Mutex::new(String::new()),
    };
    {
        let (stop, tx) = (stop.clone(), tx.clone());
        ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            let _ = tx.send(Wake::Stop);
        })
        .map_err(|e| Fatal::new(format!("kan ikke fange Ctrl-C: {e}")))?;
    }

    let opts = Options {
        inbox: args.inbox.clone(),
        out: args.out.clone(),
        format,
        limits: Limits::default(),
        settle,
    };
    let mut intake = Intake::open(opts, &hooks).map_err(Fatal::new)?;
    hooks.progress.log(&format!(
        "bilag: holder øje med {} — pakken skrives til {}. Stop med Ctrl-C.",
        args.inbox.display(),
        args.out.display()
    ));
    watch(&mut intake, trigger, &stop, tx, rx, &hooks).map_err(Fatal::new)?;
    hooks.progress.log("bilag: stoppet.");
    Ok(Exit::Clean)
}
