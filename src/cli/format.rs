//! `bilag format [--out FILE]`

use super::{Exit, Fatal};
use bilag::format::{Format, DEFAULT_FORMAT_TOML};
use std::path::PathBuf;

/// Vis det indbyggede udvalgsformat, så et nyt udvalg eller år kan starte
/// fra det.
///
/// Skriver det indbyggede udvalgsformat (Socialudvalget 2008) som TOML:
/// ledetekster og synonymer, overskrifter, indledning, mål, budgetgrupper og
/// standardenhed, med forklaringer. Kopiér det, ret udvalgets navn
/// (committee, committee_genitive), teksterne og evt. afdelingslisten
/// ([[department]]), og byg med --format. Med --format FIL tjekkes og
/// skrives det format i stedet.
///
/// Eksempel: bilag format --out boerne-og-ungdomsudvalget.toml
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skriv formatet til FIL i stedet for til skærmen. En fil, der findes i
    /// forvejen, overskrives kun med --force.
    #[arg(long, short, value_name = "FIL.toml")]
    pub out: Option<PathBuf>,
    /// Overskriv FIL, selv om den findes.
    #[arg(long)]
    pub force: bool,
    /// Et andet udvalgsformat at tjekke og skrive.
    #[arg(long, value_name = "FIL")]
    pub format: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let text = match &args.format {
        None => DEFAULT_FORMAT_TOML.to_string(),
        Some(p) => {
            // Checked first: a broken format is named, not copied on.
            Format::load(p).map_err(Fatal::new)?;
            std::fs::read_to_string(p).map_err(|e| {
                Fatal::new(format!(
                    "kan ikke læse {}: {}",
                    p.display(),
                    bilag::internal::oserror::danish(&e)
                ))
            })?
        }
    };
    match &args.out {
        None => print!("{text}"),
        Some(out) => {
            if out.exists() && !args.force {
                return Err(Fatal::new(format!(
                    "{} findes allerede; vælg et andet navn, eller brug --force for at overskrive den",
                    out.display()
                )));
            }
            bilag::write::write_atomic(out, text.as_bytes()).map_err(Fatal::new)?;
            eprintln!(
                "bilag: udvalgsformatet er skrevet til {}; ret det, og byg med --format {}",
                out.display(),
                out.display()
            );
        }
    }
    Ok(Exit::Clean)
}
