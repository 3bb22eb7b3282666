//! `bilag check INBOX|FILE… [--json]`

use super::build::exit_for;
use super::{Exit, Fatal};
use bilag::finding::{count_by_severity, Finding};
use bilag::inbox::{list_inbox, load_and_reconcile};
use bilag::read::Limits;
use bilag::reconcile::departments::Status;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Læs og afstem afleveringerne uden at skrive noget.
///
/// Læser og afstemmer afleveringerne og skriver fundene, ordnet efter fil
/// med fejl først, og en opsummering ("3 fejl, 5 advarsler i 4 filer") og
/// hvilke afdelinger der har afleveret. Skriver ingen filer. En mappe læses
/// som build læser sin indbakke (ældre versioner og kopier lægges til side);
/// en fil, der nævnes på kommandolinjen, læses altid. Afslutningskode: 0
/// ingen fejl, 1 fejl fundet, 2 kunne ikke køre — så den kan bruges i et
/// script.
///
/// Eksempel: bilag check indbakke
///
/// Eksempel: bilag check indbakke/01-bolig.xlsx indbakke/02-ssp.xlsx --json
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Mapper og/eller regneark, der skal tjekkes.
    #[arg(required = true, value_name = "INDBAKKE|FIL")]
    pub paths: Vec<PathBuf>,
    /// Skriv fundene som en JSON-liste (kontraktens §5) i stedet for tekst.
    #[arg(long)]
    pub json: bool,
    /// Skriv også navnet på hver fil og undermappe i en mappe, der er
    /// sprunget over, og hvorfor.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub format: super::FormatArgs,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = args.format.load()?;
    let mut files = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            let listing = list_inbox(p).map_err(|e| {
                Fatal::new(format!(
                    "kan ikke læse mappen {}: {}",
                    p.display(),
                    bilag::internal::oserror::danish(&e)
                ))
            })?;
            super::report_listing(
                &super::progress::Progress::new(args.json),
                p,
                &listing,
                args.verbose,
            );
            files.extend(listing.files);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(Fatal::new(format!("{} findes ikke", p.display())));
        }
    }
    // The same file named twice (check DIR DIR, or a file and its folder)
    // is one file, read once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    let loaded = load_and_reconcile(&files, &format, &Limits::default());
    let n_files = loaded.accepted.len() + loaded.rejected.len();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&loaded.findings).map_err(Fatal::new)?
        );
    } else {
        print!("{}", report(&loaded.findings, n_files));
        println!(
            "{}",
            Status::of(&loaded.model, &loaded.findings, &format).summary()
        );
    }
    Ok(exit_for(&loaded.findings))
}

/// The human report: findings grouped by file (files with errors first),
/// then the summary line.
pub fn report(findings: &[Finding], n_files: usize) -> String {
    let mut files: Vec<&str> = Vec::new();
    for f in findings {
        if !files.contains(&f.file.as_str()) {
            files.push(&f.file);
        }
    }
    // `findings` is sorted errors first, so files appear in order of their worst finding.
    let place_of = |f: &Finding| match (&f.sheet, &f.cell) {
        (Some(s), Some(c)) => format!("{s}!{c}"),
        (Some(s), None) => s.clone(),
        _ => "—".to_string(),
    };
    // Columns as wide as their longest entry, so a long sheet name does not
    // push the message out of line.
    let place_w = findings
        .iter()
        .map(|f| place_of(f).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(6, 40);
    let code_w = findings
        .iter()
        .map(|f| f.code.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for file in files {
        // Findings about the inbox as a whole (a roster department that
        // sent nothing) name no file.
        let _ = writeln!(
            out,
            "{}",
            if file.is_empty() {
                "Afdelingslisten"
            } else {
                file
            }
        );
        for f in findings.iter().filter(|f| f.file == file) {
            let _ = writeln!(
                out,
                "  {:<9} {:<code_w$} {:<place_w$} {}",
                f.severity.danish(),
                f.code.as_str(),
                place_of(f),
                f.message
            );
        }
        out.push('\n');
    }
    out.push_str(&summary_line(findings, n_files));
    out.push('\n');
    out
}

/// "3 fejl, 5 advarsler, 1 info i 4 filer".
pub fn summary_line(findings: &[Finding], n_files: usize) -> String {
    let (e, w, i) = count_by_severity(findings);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = format!(
        "{}, {}",
        plural(e, "fejl", "fejl"),
        plural(w, "advarsel", "advarsler")
    );
    if i > 0 {
        s.push_str(&format!(", {i} info"));
    }
    s.push_str(&format!(" i {}", plural(n_files, "fil", "filer")));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use bilag::finding::Code;

    #[test]
    fn messages_line_up_whatever_the_length_of_the_place() {
        let f = vec![
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "kort").at("S", "B2"),
            Finding::new(Code::EconomyMismatch, "a.xlsx", "lang")
                .at("Statusskema for boligområder", "B21"),
        ];
        let r = report(&f, 1);
        let cols: Vec<usize> = r
            .lines()
            .filter(|l| l.starts_with("  "))
            .map(|l| {
                let at = l.find("kort").or_else(|| l.find("lang")).unwrap();
                l[..at].chars().count()
            })
            .collect();
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[0], cols[1], "{r}");
    }

    #[test]
    fn summary_counts_in_danish() {
        let f = vec![
            Finding::new(Code::TotalMismatch, "a.xlsx", "x"),
            Finding::new(Code::AmbiguousNumber, "a.xlsx", "x"),
            Finding::new(Code::AmbiguousNumber, "b.xlsx", "x"),
            Finding::new(Code::UnitAssumed, "b.xlsx", "x"),
        ];
        assert_eq!(summary_line(&f, 4), "1 fejl, 2 advarsler, 1 info i 4 filer");
        assert_eq!(summary_line(&[], 1), "0 fejl, 0 advarsler i 1 fil");
        let r = report(&f, 2);
        assert!(r.starts_with("a.xlsx\n  fejl"), "{r}");
        assert!(r.contains("\nb.xlsx\n"), "{r}");
    }
}
