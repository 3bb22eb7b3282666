//! `bilag diff OLD NEW [--json]`

use super::{Exit, Fatal};
use crate::format::Format;
use crate::inbox::{read_one, Outcome};
use crate::model::Submission;
use crate::read::Limits;
use crate::reconcile::diff::diff_submissions;
use std::path::{Path, PathBuf};

/// Vis hvad der er ændret mellem to udgaver af en afdelings aflevering.
///
/// Compares two versions of one department's submission: initiatives added,
/// removed or changed (which fields, old → new text) and budget amounts
/// changed per line and year (old → new, difference in kroner). When the two
/// files are not versions of one submission (two departments, or nothing in
/// common: no shared name, Dokumentnr. or status-schema titles), the first
/// line says so. Exit status 0 when nothing changed, 1 when something did,
/// 2 when a file cannot be read.
///
/// Example: bilag diff arkiv/01-bolig-v1.xlsx indbakke/01-bolig.xlsx
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier version.
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Print the differences as JSON.
    #[arg(long)]
    pub json: bool,
    /// Committee format (TOML) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub format: Option<PathBuf>,
}

fn read(path: &Path, format: &Format) -> Result<Submission, Fatal> {
    if !path.is_file() {
        return Err(Fatal::new(format!(
            "{} findes ikke eller er ikke en fil",
            path.display()
        )));
    }
    match read_one(path, format, &Limits::default()) {
        Outcome::Accepted(sub, _) => Ok(*sub),
        Outcome::Rejected(f) => Err(Fatal::new(format!("{}: {}", path.display(), f.message))),
    }
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = Format::load_or_default(args.format.as_deref()).map_err(Fatal::new)?;
    let old = read(&args.old, &format)?;
    let new = read(&args.new, &format)?;
    let diff = diff_submissions(&old, &new);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&diff).map_err(Fatal::new)?
        );
    } else {
        if let Some(note) = diff.versions.note(&diff.old_source, &diff.new_source) {
            println!("{note}");
        }
        print!("{}", diff.render(&format));
    }
    Ok(if diff.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}
