//! `bilag template [--format F] --out FILE.xlsx`

use super::{Exit, Fatal};
use bilag::format::Format;
use bilag::write::template::write_template;
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
    /// Hvor skabelonen skrives (.xlsx eller .xlsm). En fil, der findes i
    /// forvejen, overskrives kun med --force.
    #[arg(long, short, value_name = "FIL.xlsx")]
    pub out: PathBuf,
    /// Overskriv FIL, selv om den findes (den kan være en udfyldt
    /// indberetning).
    #[arg(long)]
    pub force: bool,
    /// Udvalgsformat (TOML) i stedet for det indbyggede.
    #[arg(long, value_name = "FIL")]
    pub format: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("xlsx" | "xlsm")) {
        return Err(Fatal::new(format!(
            "skabelonen er et Excel-regneark og skal hedde noget med .xlsx (fx {}); {} ville ikke kunne åbnes",
            args.out.with_extension("xlsx").display(),
            args.out.display()
        )));
    }
    if args.out.is_dir() {
        return Err(Fatal::new(format!(
            "{} er en mappe; angiv et filnavn, fx --out {}",
            args.out.display(),
            args.out.join("indberetning.xlsx").display()
        )));
    }
    if args.out.exists() && !args.force {
        return Err(Fatal::new(format!(
            "{} findes allerede og kan være en udfyldt indberetning; vælg et andet navn, eller brug --force for at overskrive den",
            args.out.display()
        )));
    }
    let format = Format::load_or_default(args.format.as_deref()).map_err(Fatal::new)?;
    write_template(&format, &args.out).map_err(Fatal::new)?;
    eprintln!("bilag: skabelonen er skrevet til {}", args.out.display());
    Ok(Exit::Clean)
}
