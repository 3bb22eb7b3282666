//! Reads one workbook with bilag's reader and prints a short summary — the
//! kind, each sheet's size, or the rejection reason. With `--cells` it also
//! prints every cell. Used to try the reader on odd files by hand:
//!
//! ```text
//! cargo run --release --example read_one -- FILE [--cells]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use bilag::read::{a1, read_workbook, Limits};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("brug: read_one FIL [--cells]");
        return ExitCode::from(2);
    };
    let cells = args.any(|a| a == "--cells");
    match read_workbook(&path, &Limits::default()) {
        Ok(wb) => {
            println!("{}: {}", path.display(), wb.kind.as_str());
            for sheet in &wb.sheets {
                let n: usize = sheet.rows.iter().map(|r| r.cells.len()).sum();
                println!(
                    "  »{}«: {} rækker, {} celler, {} flettede",
                    sheet.name,
                    sheet.rows.len(),
                    n,
                    sheet.merged.len()
                );
                if cells {
                    for row in &sheet.rows {
                        for c in &row.cells {
                            println!("    {} {:?}", a1(row.index, c.col), c.value);
                        }
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}
