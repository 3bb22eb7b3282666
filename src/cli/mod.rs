//! The command line: one file per subcommand, each with its arguments (whose
//! doc comments are the `--help` text) and a `run` function.

pub mod build;
pub mod check;
pub mod diff;
pub mod format;
pub mod inspect;
pub mod progress;
pub mod template;
pub mod usage;
pub mod watch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// bilag læser afdelingernes regneark, afstemmer tallene og skriver
/// udvalgets bilagspakke (budget.xlsx, appendix.docx, model.json,
/// findings.json, pack.json).
///
/// bilag samler afdelingernes indberetninger fra en mappe, tæller hver
/// afdelings nyeste aflevering én gang, afstemmer tallene og skriver pakken.
/// Filerne i mappen ændres aldrig.
///
/// Afslutningskode: 0 = ingen fejl fundet, 1 = færdig, men der er fundet
/// fejl (se fundene), 2 = kunne ikke køre (mappe findes ikke, forkerte
/// argumenter, kan ikke skrive).
#[derive(Debug, Parser)]
#[command(
    name = "bilag",
    version,
    max_term_width = 100,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Vis hjælp (-h giver en kort udgave, --help den lange)
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Vis bilags versionsnummer
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
}

impl Cli {
    /// Parses the process's arguments with Danish help and errors: prints
    /// --help/--version and exits 0, prints a Danish usage error and exits 2.
    pub fn parse_danish() -> Cli {
        use clap::FromArgMatches;
        let parsed = usage::command()
            .try_get_matches()
            .and_then(|m| Cli::from_arg_matches(&m));
        match parsed {
            Ok(cli) => cli,
            Err(e) => match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    std::process::exit(0);
                }
                _ => {
                    eprint!("{}", usage::danish_error(&e));
                    std::process::exit(2);
                }
            },
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Build(build::Args),
    Check(check::Args),
    Inspect(inspect::Args),
    Diff(diff::Args),
    Template(template::Args),
    Format(format::Args),
    Watch(watch::Args),
}

/// The committee format and the roster: shared by build, check and watch.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FormatArgs {
    /// Udvalgsformat (TOML) i stedet for det indbyggede (Socialudvalget
    /// 2008). Det kan også rumme afdelingslisten ([[department]]) og
    /// brevhovedets afsender ([sender]).
    #[arg(long, value_name = "FIL")]
    pub format: Option<std::path::PathBuf>,
    /// Afdelingsliste (TOML): de afdelinger, der skal aflevere — én
    /// [[department]] pr. afdeling med name = "…", evt. aliases = ["…"] og
    /// coordinator = true, og evt. en [sender]-tabel til bilagets brevhoved.
    /// En afdeling uden en læsbar aflevering meldes som manglende
    /// (missing-submission), en afsender, der ikke står på listen, som
    /// unknown-department. Erstatter en liste i udvalgsformatet. Eksempel:
    /// templates/afdelinger-eksempel.toml.
    #[arg(long, value_name = "FIL")]
    pub departments: Option<std::path::PathBuf>,
}

impl FormatArgs {
    /// The format with the roster applied.
    ///
    /// # Errors
    /// A file that cannot be read or is not valid, named.
    pub fn load(&self) -> Result<bilag::format::Format, Fatal> {
        bilag::format::Format::load_with_roster(self.format.as_deref(), self.departments.as_deref())
            .map_err(Fatal::new)
    }
}

/// Creates OUT if needed and takes its lock for `who` ("bilag build",
/// "bilag watch"): one bilag at a time on a pack folder.
///
/// # Errors
/// A Danish sentence when OUT cannot be created, or naming who holds it.
pub fn claim_out(out: &std::path::Path, who: &str) -> Result<bilag::inbox::pack::OutLock, Fatal> {
    std::fs::create_dir_all(out).map_err(|e| {
        Fatal::new(format!(
            "kan ikke oprette {}: {}",
            out.display(),
            bilag::internal::oserror::danish(&e)
        ))
    })?;
    bilag::inbox::pack::OutLock::acquire(out, who).map_err(Fatal::new)
}

/// Refuses an OUT that is INBOX or lies inside it (contract §4): the next
/// build would read its own pack as a submission, and bilag never writes
/// into the inbox. OUT need not exist yet.
///
/// # Errors
/// A Danish sentence naming both folders.
pub fn refuse_out_in_inbox(inbox: &std::path::Path, out: &std::path::Path) -> Result<(), Fatal> {
    let Ok(inbox_abs) = inbox.canonicalize() else {
        return Ok(());
    };
    // The nearest folder of OUT that exists, resolved, with the rest added.
    let out_abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut existing = out_abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(name)) => {
                rest.push(name.to_os_string());
                existing = p;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        resolved.push(name);
    }
    if resolved.starts_with(&inbox_abs) {
        return Err(Fatal::new(format!(
            "--out {} ligger i indbakken {}: bilag skriver aldrig i indbakken, og næste kørsel ville læse sin egen pakke som en aflevering. Vælg en mappe uden for indbakken, fx --out {}",
            out.display(),
            inbox.display(),
            inbox_abs
                .parent()
                .map(|p| p.join("pakke").display().to_string())
                .unwrap_or_else(|| "pakke".into())
        )));
    }
    Ok(())
}

/// Tells what a folder scan left out: with --verbose each skipped entry and
/// why, else their number and how to see them; and a warning when the
/// folder holds no spreadsheet at all.
pub fn report_listing(
    progress: &progress::Progress,
    dir: &std::path::Path,
    listing: &bilag::inbox::Listing,
    verbose: bool,
) {
    let n = listing.skipped.len();
    if verbose {
        for (name, why) in &listing.skipped {
            progress.log(&format!("bilag: springer over {name}: {why}"));
        }
    } else if n > 0 {
        progress.log(&format!(
            "bilag: {n} {} i {} er sprunget over (ikke regneark, låsefiler, skjulte filer eller undermapper); se hvilke med --verbose",
            if n == 1 { "fil eller mappe" } else { "filer eller mapper" },
            dir.display()
        ));
    }
    if listing.files.is_empty() {
        progress.warn(&format!(
            "bilag: advarsel: der er ingen regneark i {} (.xlsx, .xlsm, .xlsb, .xls eller .ods){}",
            dir.display(),
            if n > 0 {
                "; kun filer, der springes over"
            } else {
                "; mappen er tom"
            }
        ));
    }
}

/// Exit statuses (contract §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, no error findings.
    Clean = 0,
    /// Done, error findings exist (or: not readable as a submission).
    Findings = 1,
    /// Could not run.
    Failure = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// An error that stops a command; printed as "bilag: <message>" with its
/// causes, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Fatal(pub String);

impl Fatal {
    pub fn new(msg: impl std::fmt::Display) -> Self {
        Fatal(msg.to_string())
    }
}

/// Parses the arguments and runs the command.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Template(args) => template::run(args),
        Command::Format(args) => format::run(args),
        Command::Watch(args) => watch::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("bilag: {e}");
            Exit::Failure.into()
        }
    }
}
