//! `bilag build INBOX --out OUT`

use super::progress::{print_report, Progress};
use super::{Exit, Fatal};
use crate::finding::{count_by_severity, Finding};
use crate::inbox::pack::reconcile_and_write_pack;
use crate::inbox::watch::BuildReport;
use crate::inbox::{list_inbox, load_files_with};
use crate::read::Limits;
use crate::reconcile::departments::Status;
use std::path::PathBuf;

/// Læs alle afleveringer i en mappe og skriv bilagspakken.
///
/// Reads every submission in INBOX (in parallel) and writes the pack to OUT:
/// model.json (what was read) and findings.json (what needs a look).
/// Excel/LibreOffice lock files (~$*, .~lock.*#), hidden files and files that
/// are not spreadsheets are skipped. A file that cannot be read is rejected
/// with a finding that says why; the other files are still built. INBOX is
/// never changed. Every output is written to a temporary file and renamed, so
/// an interrupted run leaves the previous pack whole.
///
/// On a terminal a progress bar shows while the files are read; every run
/// ends with a summary on stderr: files read, rejected and skipped, findings
/// by severity, where the pack is.
///
/// Example: bilag build indbakke --out pakke
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder with the departments' workbooks (.xlsx .xlsm .xlsb .xls .ods).
    pub inbox: PathBuf,
    /// Folder to write the pack to (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub format: super::FormatArgs,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print the summary as one JSON line on stdout (time, accepted,
    /// rejected, skipped, errors, warnings, infos, out).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = args.format.load()?;
    super::refuse_out_in_inbox(&args.inbox, &args.out)?;
    let listing = list_inbox(&args.inbox).map_err(|e| {
        Fatal::new(format!(
            "kan ikke læse mappen {}: {e}",
            args.inbox.display()
        ))
    })?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Fatal::new(format!("kan ikke oprette {}: {e}", args.out.display())))?;

    let progress = Progress::new(args.quiet);
    progress.start(listing.files.len(), "læser");
    let loaded = load_files_with(&listing.files, &format, &Limits::default(), &|_| {
        progress.inc()
    });
    progress.finish();
    let (accepted, rejected) = (loaded.accepted.len(), loaded.rejected.len());
    let status = Status::of(&loaded.model, &[], &format);
    let findings = reconcile_and_write_pack(&args.out, loaded, &format).map_err(Fatal::new)?;

    let (errors, warnings, infos) = count_by_severity(&findings);
    let report = BuildReport {
        time: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        build: None,
        accepted,
        rejected,
        older_versions: 0,
        skipped: listing.skipped.len(),
        waiting: 0,
        errors,
        warnings,
        infos,
        out: args.out.display().to_string(),
        set_aside: status.set_aside.len(),
        departments: status.summary(),
    };
    print_report(&progress, &report, args.json);
    Ok(exit_for(&findings))
}

/// 0 when no finding is an error, else 1.
pub fn exit_for(findings: &[Finding]) -> Exit {
    if count_by_severity(findings).0 > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
