//! `bilag watch INBOX --out OUT`
//!
//! # A state file for programs: `BILAG_WATCH_STATE`
//!
//! The log on stderr is for a person, in Danish, and its wording changes. A
//! program that drives a watch (a script, bilag's own tests) sets
//! `BILAG_WATCH_STATE=FILE` in the watch's environment and reads FILE: one
//! JSON object, always replaced whole (a reader never sees half of it):
//!
//! ```json
//! {"pid":4711,"state":"watching","builds":2,"build":"20261205-100215-3f2a","time":"2026-12-05T10:02:15+01:00"}
//! ```
//!
//! - `pid`: the watch's process id;
//! - `state`: `"watching"` once the watcher runs — from then on every change
//!   in the inbox is noticed, and Ctrl-C/SIGTERM stop it cleanly — and
//!   `"stopped"` after a clean stop (a killed watch leaves `"watching"`);
//! - `builds`: packs this run has published; `build`: the last one's id, as
//!   in `pack.json` (`null` before the first); the file is rewritten after
//!   each publish, after the `--json` line of that build is printed;
//! - `time`: when the file was written (local time, RFC 3339).
//!
//! The file is written when the watch starts watching, after every publish
//! and at a clean stop. It is left out of `--help`: a caseworker has no use
//! for it.

use super::progress::{print_report, Progress};
use super::{Exit, Fatal};
use bilag::inbox::ledger::{Entry, Removal, Status};
use bilag::inbox::watch::{watch, BuildReport, Hooks, Intake, Options, Trigger, Wake};
use bilag::normalize::danish::time_dk;
use bilag::read::Limits;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Hold øje med en indbakke og byg bilagspakken, hver gang den ændres.
///
/// Bygger pakken ved start og igen, hver gang et regneark i INDBAKKE lægges
/// ind, erstattes eller fjernes — ingen skal køre en kommando. En fil læses
/// først, når den er færdig (størrelse og tid er de samme ved to kig, og den
/// kan åbnes); en fil, der stadig kopieres, læses, når kopieringen er slut.
///
/// INDBAKKE ændres aldrig. Hver version af hver modtaget fil kopieres til
/// MAPPE/archive/ (navngivet med tid, filnavn og en kort hash) og får en
/// linje i MAPPE/ledger.jsonl (tid, fil, sha256, læst eller afvist og
/// hvorfor, hvad der blev læst, hvad der er ændret siden sidste version).
/// Samme fil lagt ind to gange registreres én gang; en fil, der vender
/// tilbage til en tidligere version, får en ny linje. En fil, der fjernes
/// fra INDBAKKE, får en "removed"-linje, også når den blev fjernet, mens
/// bilag watch ikke kørte.
///
/// Versioner afgøres som i bilag build: en ny udgave under et nyt navn
/// ("01-bolig (rettet).xlsx") erstatter den ældre fil i pakken, og dens
/// linje siger hvilken og hvad der er ændret; en identisk kopi tælles én
/// gang. Kan en ny version af en fil ikke læses, beholder pakken afdelingens
/// sidste gode version, og et fund siger det. Pakkens filer (budget.xlsx,
/// appendix.docx, model.json, findings.json) udskiftes samlet;
/// MAPPE/pack.json siger, hvilken kørsel de kommer fra.
///
/// Med --pdf får hver pakke også appendix.pdf og oversigt.pdf; LibreOffice
/// er et par sekunder om dem, og linjen "laver PDF'er" siger, når det sker.
///
/// Stop med Ctrl-C (eller SIGTERM): det igangværende trin gøres færdigt
/// først, afslutningskode 0. En watch, der bliver slået ihjel, kan bare
/// startes igen.
///
/// Eksempel: bilag watch indbakke --out pakke --departments afdelinger.toml
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Mappen, afdelingerne lægger deres regneark i.
    #[arg(value_name = "INDBAKKE")]
    pub inbox: PathBuf,
    /// Mappen, pakken, archive/ og ledger.jsonl skrives til (oprettes, hvis
    /// den ikke findes; må ikke ligge i INDBAKKE).
    #[arg(long, short, value_name = "MAPPE")]
    pub out: PathBuf,
    /// Kig efter ændringer hvert SEKUNDER sekund i stedet for at vente på
    /// styresystemets besked (til netværksdrev, hvor beskeden ikke altid
    /// kommer). Decimaler er tilladt: --poll 0.5.
    #[arg(long, value_name = "SEKUNDER")]
    pub poll: Option<f64>,
    #[command(flatten)]
    pub format: super::FormatArgs,
    /// Skriv kun problemer (ingen statuslinje, ingen opsummeringer).
    #[arg(long, short)]
    pub quiet: bool,
    /// Skriv én JSON-linje pr. kørsel på stdout (time, build, accepted,
    /// rejected, older_versions, skipped, waiting, errors, warnings, infos,
    /// out, set_aside, departments).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub pdf: super::build::PdfArgs,
}

/// Time between the two looks at a file when notifications are used.
const SETTLE: Duration = Duration::from_secs(1);

/// The environment variable naming the state file (see the module doc).
const STATE_ENV: &str = "BILAG_WATCH_STATE";

/// What the state file holds (see the module doc).
#[derive(Debug, Clone, serde::Serialize)]
struct WatchState {
    pid: u32,
    state: &'static str,
    builds: u64,
    build: Option<String>,
    time: String,
}

/// The state file named by [`STATE_ENV`], and what it holds now.
struct StateFile {
    path: PathBuf,
    state: Mutex<WatchState>,
}

impl StateFile {
    fn from_env() -> Option<StateFile> {
        let path = std::env::var_os(STATE_ENV).filter(|p| !p.is_empty())?;
        Some(StateFile {
            path: PathBuf::from(path),
            state: Mutex::new(WatchState {
                pid: std::process::id(),
                state: "watching",
                builds: 0,
                build: None,
                time: String::new(),
            }),
        })
    }

    /// Changes the state and replaces the file with it.
    ///
    /// # Errors
    /// The Danish message of a file that cannot be written.
    fn update(&self, change: impl FnOnce(&mut WatchState)) -> Result<(), String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut state);
        state.time = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let mut line = serde_json::to_string(&*state).map_err(|e| e.to_string())?;
        line.push('\n');
        bilag::write::write_atomic(&self.path, line.as_bytes()).map_err(|e| e.to_string())
    }
}

struct CliHooks {
    progress: Progress,
    /// `BILAG_WATCH_STATE`, when set.
    state: Option<StateFile>,
    json: bool,
    stop: Arc<AtomicBool>,
    /// The last warning, so a lasting problem (a network drive gone) is
    /// told once, not at every look.
    last_warning: Mutex<String>,
}

impl CliHooks {
    fn update_state(&self, change: impl FnOnce(&mut WatchState)) {
        if let Some(file) = &self.state {
            if let Err(message) = file.update(change) {
                self.warn(&message);
            }
        }
    }
}

impl Hooks for CliHooks {
    fn watching(&self) {
        self.update_state(|s| s.state = "watching");
    }
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
        self.progress.log(&stamped(&received_line(e)));
    }
    fn building(&self, _n: usize) {}
    fn converting_pdf(&self) {
        self.progress
            .log("bilag: laver PDF'er (appendix.pdf og oversigt.pdf) med LibreOffice …");
    }
    fn built(&self, r: &BuildReport) {
        if let Ok(mut last) = self.last_warning.lock() {
            last.clear();
        }
        self.progress.log(&stamped(&format!(
            "bilag: ny pakke bygget ({})",
            r.build.as_deref().unwrap_or("")
        )));
        print_report(&self.progress, r, self.json);
        for line in new_findings_lines(&r.new_findings, 5) {
            self.progress.log(&line);
        }
        self.update_state(|s| {
            s.builds += 1;
            s.build = r.build.clone();
        });
    }
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
    fn removed(&self, r: &Removal) {
        self.progress.log(&stamped(&removed_line(r)));
    }
    fn warn(&self, message: &str) {
        if let Ok(mut last) = self.last_warning.lock() {
            if *last == message {
                return;
            }
            *last = message.to_string();
        }
        self.progress.warn(&stamped(&format!("bilag: {message}")));
    }
}

/// A watch line with the time it happened: "bilag: 10:02:15 modtaget …".
fn stamped(line: &str) -> String {
    let now = chrono::Local::now().format("%H:%M:%S");
    match line.strip_prefix("bilag: ") {
        Some(rest) => format!("bilag: {now} {rest}"),
        None => format!("{now} {line}"),
    }
}

/// The findings a build has that the previous one had not, at most `max`
/// of them, errors first: "bilag: 2 nye fund siden sidste pakke:" and one
/// line each.
fn new_findings_lines(new: &[bilag::finding::Finding], max: usize) -> Vec<String> {
    if new.is_empty() {
        return Vec::new();
    }
    let mut sorted = new.to_vec();
    bilag::finding::sort_findings(&mut sorted);
    let mut lines = vec![format!(
        "bilag: {} {} siden sidste pakke:",
        new.len(),
        if new.len() == 1 {
            "nyt fund"
        } else {
            "nye fund"
        }
    )];
    for f in sorted.iter().take(max) {
        lines.push(format!(
            "  {} {} {}: {}",
            f.severity.danish(),
            f.code.as_str(),
            f.location(),
            f.message
        ));
    }
    if new.len() > max {
        lines.push(format!(
            "  … og {} flere (se findings.json)",
            new.len() - max
        ));
    }
    lines
}

/// "bilag: 01-bolig.xlsx er fjernet fra indbakken og tages ud af pakken"
fn removed_line(r: &Removal) -> String {
    if r.while_stopped {
        format!(
            "bilag: {} er fjernet fra indbakken, mens bilag ikke holdt øje, og tages ud af pakken",
            r.file
        )
    } else {
        format!(
            "bilag: {} er fjernet fra indbakken og tages ud af pakken",
            r.file
        )
    }
}

/// "bilag: modtaget 01-bolig (rettet).xlsx: læst (3 statusskemaer, 3
/// budgetlinjer), erstatter 01-bolig.xlsx, 1 ændring"
fn received_line(e: &Entry) -> String {
    let back = e
        .returns_to
        .as_deref()
        .map(|t| format!(", vendt tilbage til versionen fra {}", time_dk(t, true)))
        .unwrap_or_default();
    match e.status {
        Status::Accepted => {
            let (n, m) = (e.initiatives.unwrap_or(0), e.budget_lines.unwrap_or(0));
            let mut line = format!(
                "bilag: modtaget {}: læst ({n} {}, {m} {}){back}",
                e.file,
                if n == 1 {
                    "statusskema"
                } else {
                    "statusskemaer"
                },
                if m == 1 {
                    "budgetlinje"
                } else {
                    "budgetlinjer"
                },
            );
            if let Some(f) = &e.supersedes {
                line.push_str(&format!(", erstatter {f}"));
            }
            if let Some(f) = &e.superseded_by {
                line.push_str(&format!(", ældre version af {f} (lagt til side)"));
            }
            if let Some(f) = &e.identical_to {
                line.push_str(&format!(", identisk med {f} (tælles én gang)"));
            }
            match &e.changes {
                None => {}
                Some(c) if c.is_empty() => line.push_str(", samme indhold som før"),
                Some(c) => {
                    // Name what changed: "Budgetlinjen 'Aftalen …', 2009:
                    // 6,0 mio. → 6,5 mio. (+500.000 kr.)".
                    line.push_str(&format!(
                        ", {} ændring{}: {}",
                        c.len(),
                        if c.len() == 1 { "" } else { "er" },
                        c.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
                    ));
                    if c.len() > 3 {
                        line.push_str(&format!("; … og {} flere", c.len() - 3));
                    }
                }
            }
            if e.returns_to.is_some() && e.superseded_by.is_none() && e.identical_to.is_none() {
                line.push_str("; pakken bruger den igen");
            }
            line
        }
        Status::Rejected => format!(
            "bilag: modtaget {}{back}: afvist — {}",
            e.file,
            e.reason.as_deref().unwrap_or("")
        ),
    }
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    // Without LibreOffice, --pdf stops before anything is read or written.
    let pdf = args.pdf.soffice()?;
    let format = args.format.load()?;
    if !args.inbox.is_dir() {
        return Err(Fatal::new(format!(
            "mappen {} findes ikke (eller er ikke en mappe)",
            args.inbox.display()
        )));
    }
    super::refuse_out_in_inbox(&args.inbox, &args.out)?;
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
        state: StateFile::from_env(),
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
        pdf,
    };
    let _lock = super::claim_out(&args.out, "bilag watch")?;
    let mut intake = Intake::open(opts, &hooks).map_err(Fatal::new)?;
    hooks.progress.log(&format!(
        "bilag: holder øje med {} — pakken skrives til {}. Stop med Ctrl-C.",
        args.inbox.display(),
        args.out.display()
    ));
    watch(&mut intake, trigger, &stop, tx, rx, &hooks).map_err(Fatal::new)?;
    hooks.update_state(|s| s.state = "stopped");
    hooks.progress.log("bilag: stoppet.");
    Ok(Exit::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str) -> Entry {
        Entry {
            time: "2026-12-05T10:05:00+01:00".into(),
            file: file.into(),
            sha256: "bb".into(),
            size: 10,
            status: Status::Accepted,
            reason: None,
            initiatives: Some(3),
            budget_lines: Some(3),
            archive: format!("2026-12-05T10-05-00_{file}"),
            replaces: None,
            compared_with: None,
            changes: None,
            supersedes: None,
            superseded_by: None,
            identical_to: None,
            returns_to: None,
            note: None,
            modified: None,
        }
    }

    #[test]
    fn a_resave_under_a_new_name_says_what_it_replaces() {
        let e = Entry {
            supersedes: Some("01-bolig.xlsx".into()),
            compared_with: Some("aa".into()),
            changes: Some(vec!["Beløb ændret".into()]),
            ..entry("01-bolig (rettet).xlsx")
        };
        assert_eq!(
            received_line(&e),
            "bilag: modtaget 01-bolig (rettet).xlsx: læst (3 statusskemaer, 3 budgetlinjer), erstatter 01-bolig.xlsx, 1 ændring: Beløb ændret"
        );
    }

    #[test]
    fn a_copy_a_return_and_a_removal_are_told() {
        let copy = Entry {
            identical_to: Some("04-integration.xlsx".into()),
            ..entry("Kopi af 04-integration.xlsx")
        };
        assert!(
            received_line(&copy).ends_with(", identisk med 04-integration.xlsx (tælles én gang)"),
            "{}",
            received_line(&copy)
        );
        let back = Entry {
            returns_to: Some("2026-12-05T10:02:00+01:00".into()),
            changes: Some(vec!["a".into(), "b".into()]),
            ..entry("01-bolig.xlsx")
        };
        assert_eq!(
            received_line(&back),
            "bilag: modtaget 01-bolig.xlsx: læst (3 statusskemaer, 3 budgetlinjer), vendt tilbage til versionen fra 05-12-2026 kl. 10:02:00, 2 ændringer: a; b; pakken bruger den igen"
        );
        let r = Removal {
            time: "2026-12-05T11:00:00+01:00".into(),
            file: "02-ssp.xlsx".into(),
            sha256: "cc".into(),
            archive: "x".into(),
            while_stopped: true,
        };
        assert!(removed_line(&r).contains("mens bilag ikke holdt øje"));
    }

    #[test]
    fn one_schema_is_singular_and_changes_are_named() {
        let e = Entry {
            initiatives: Some(1),
            budget_lines: Some(1),
            changes: Some(vec![
                "Budgetlinjen 'Aftalen om nye udlejningsmodeller', 2009: 6,0 mio. → 6,5 mio. (+500.000 kr.)".into(),
                "b".into(),
                "c".into(),
                "d".into(),
            ]),
            ..entry("01-bolig.xlsx")
        };
        assert_eq!(
            received_line(&e),
            "bilag: modtaget 01-bolig.xlsx: læst (1 statusskema, 1 budgetlinje), 4 ændringer: Budgetlinjen 'Aftalen om nye udlejningsmodeller', 2009: 6,0 mio. → 6,5 mio. (+500.000 kr.); b; c; … og 1 flere"
        );
    }

    #[test]
    fn watch_lines_carry_a_time_and_new_findings_are_listed() {
        let line = stamped("bilag: modtaget x.xlsx");
        let time = &line["bilag: ".len().."bilag: 10:02:15".len()];
        assert!(
            chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").is_ok(),
            "{line}"
        );
        assert!(line.ends_with(" modtaget x.xlsx"), "{line}");
        use bilag::finding::{Code, Finding};
        assert!(new_findings_lines(&[], 5).is_empty());
        let new: Vec<Finding> = (0..7)
            .map(|i| Finding::new(Code::AmbiguousNumber, "a.xlsx", format!("fund {i}")))
            .chain([Finding::new(Code::TotalMismatch, "b.xlsx", "fejl")])
            .collect();
        let lines = new_findings_lines(&new, 5);
        assert_eq!(lines[0], "bilag: 8 nye fund siden sidste pakke:");
        assert!(
            lines[1].starts_with("  fejl total-mismatch b.xlsx"),
            "{lines:?}"
        );
        assert_eq!(lines.last().unwrap(), "  … og 3 flere (se findings.json)");
    }
}
