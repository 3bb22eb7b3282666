//! `bilag template [--format F] --out FILE.xlsx`

use super::{Exit, Fatal};
use crate::format::Format;
use crate::write::template::write_template;
use std::path::PathBuf;

/// Lav en tom indberetningsskabelon til afdelingerne.
///
/// Writes a blank submission workbook in the committee format for a
/// department to fill in: a Forside with labelled input cells, ready status
/// schema blocks for section 1 and section 2, and an Økonomi sheet with the
/// format's years, groups and unit. Labels are locked (sheet protection
/// without a password), input cells are open, dates and amounts are
/// validated, and short Danish hints show in the input cells. bilag reads a
/// filled-in template back exactly as typed.
///
/// Example: bilag template --out indberetning-2009.xlsx
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the template (.xlsx).
    #[arg(long, short, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    /// Committee format (TOML) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub format: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = Format::load_or_default(args.format.as_deref()).map_err(Fatal::new)?;
    write_template(&format, &args.out).map_err(Fatal::new)?;
    eprintln!("bilag: skabelonen er skrevet til {}", args.out.display());
    Ok(Exit::Clean)
}
