//! `bilag diff OLD NEW [--json]`

use super::{Exit, Fatal};
use bilag::format::Format;
use bilag::inbox::{read_one, Outcome};
use bilag::model::Submission;
use bilag::read::Limits;
use bilag::reconcile::diff::diff_submissions;
use std::path::{Path, PathBuf};

/// Vis hvad der er ændret mellem to udgaver af en afdelings aflevering.
///
/// Sammenligner to udgaver af en afdelings aflevering: statusskemaer
/// tilføjet, fjernet eller ændret (hvilke felter, gammel → ny tekst) og
/// beløb ændret pr. budgetlinje og år (gammelt → nyt, forskel i kroner).
/// Er de to filer ikke udgaver af samme aflevering (to afdelinger, eller
/// hverken filnavn, dokumentnr. eller statusskemaernes titler til fælles),
/// siger første linje det. Afslutningskode: 0 ingen ændringer, 1 ændringer,
/// 2 en fil kan ikke læses.
///
/// Eksempel: bilag diff pakke/archive/01-bolig-v1.xlsx indbakke/01-bolig.xlsx
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Den tidligere udgave.
    #[arg(value_name = "GAMMEL")]
    pub old: PathBuf,
    /// Den nye udgave.
    #[arg(value_name = "NY")]
    pub new: PathBuf,
    /// Skriv forskellene som JSON.
    #[arg(long)]
    pub json: bool,
    /// Udvalgsformat (TOML) i stedet for det indbyggede.
    #[arg(long, value_name = "FIL")]
    pub format: Option<PathBuf>,
}

fn read(path: &Path, format: &Format) -> Result<Submission, Fatal> {
    if path.is_dir() {
        return Err(Fatal::new(format!(
            "{} er en mappe; diff sammenligner to regneark (fx bilag diff pakke/archive/01-bolig-v1.xlsx indbakke/01-bolig.xlsx)",
            path.display()
        )));
    }
    if !path.is_file() {
        return Err(Fatal::new(format!("{} findes ikke", path.display())));
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
