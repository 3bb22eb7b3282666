//! `bilag template [--format F] --out FILE.xlsx`

use super::{Exit, Fatal};
use crate::format::Format;
use crate::write::template::write_template;
use std::path::PathBuf;

/// Lav en tom indberetningsskabelon til afdelingerne.
///
/// Skriver et tomt indberetningsregneark i udvalgets format, som en
/// afdeling kan udfylde: en forside med felter, klar-til-brug statusskemaer
/// for sektion 1 og 2 og et Økonomi-ark med formatets år, grupper og enhed.
/// Ledeteksterne er låst (arkbeskyttelse uden adgangskode), felterne er
/// åbne, datoer og beløb kontrolleres, og korte danske hjælpetekster står i
/// felterne. bilag læser en udfyldt skabelon præcis som den er skrevet.
///
/// Eksempel: bilag template --out indberetning-2009.xlsx
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Hvor skabelonen skrives (.xlsx).
    #[arg(long, short, value_name = "FIL.xlsx")]
    pub out: PathBuf,
    /// Udvalgsformat (TOML) i stedet for det indbyggede.
    #[arg(long, value_name = "FIL")]
    pub format: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = Format::load_or_default(args.format.as_deref()).map_err(Fatal::new)?;
    write_template(&format, &args.out).map_err(Fatal::new)?;
    eprintln!("bilag: skabelonen er skrevet til {}", args.out.display());
    Ok(Exit::Clean)
}
