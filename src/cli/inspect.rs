//! `bilag inspect FILE [--json]`

use super::{Exit, Fatal};
use bilag::finding::Finding;
use bilag::format::Format;
use bilag::inbox::{read_one, Outcome};
use bilag::model::Submission;
use bilag::normalize::danish::format_danish_decimal;
use bilag::read::Limits;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Vis hvad bilag læser i ét regneark.
///
/// Viser, hvad bilag læser i ét regneark: forsidens felter, hvert
/// statusskema (ark, celle, sektion, felter) og hver budgetlinje med beløb i
/// kroner, og de fund, læsningen gav. Brug den til at tjekke en afdelings
/// fil før en kørsel. Afslutningskode: 0 filen blev læst, 1 filen kan ikke
/// læses som en aflevering.
///
/// Eksempel: bilag inspect indbakke/01-bolig.xlsx
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Regnearket, der skal læses.
    #[arg(value_name = "FIL")]
    pub file: PathBuf,
    /// Skriv afleveringen og dens fund som JSON ({"submission", "findings"}).
    #[arg(long)]
    pub json: bool,
    /// Udvalgsformat (TOML) i stedet for det indbyggede.
    #[arg(long, value_name = "FIL")]
    pub format: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    let format = Format::load_or_default(args.format.as_deref()).map_err(Fatal::new)?;
    if args.file.is_dir() {
        return Err(Fatal::new(format!(
            "{} er en mappe; inspect læser ét regneark. Brug bilag check {} for at tjekke alle regneark i mappen",
            args.file.display(),
            args.file.display()
        )));
    }
    if !args.file.is_file() {
        return Err(Fatal::new(format!("{} findes ikke", args.file.display())));
    }
    let (sub, findings, exit) = match read_one(&args.file, &format, &Limits::default()) {
        Outcome::Accepted(sub, mut findings) => {
            // Every finding `check FILE` gives this file alone: what reading
            // met and what reconciling finds.
            let model = bilag::model::Model {
                format: format.id.clone(),
                submissions: vec![*sub],
                ..Default::default()
            };
            findings.extend(bilag::reconcile::reconcile(&model, &format));
            bilag::finding::sort_findings(&mut findings);
            let sub = model.submissions.into_iter().next();
            (sub, findings, Exit::Clean)
        }
        Outcome::Rejected(f) => (None, vec![f], Exit::Findings),
    };
    if sub.is_none() {
        for f in &findings {
            eprintln!(
                "bilag: {} kan ikke læses som en indberetning: {}",
                f.file, f.message
            );
        }
    }
    if args.json {
        let v = serde_json::json!({ "submission": sub, "findings": findings });
        println!("{}", serde_json::to_string_pretty(&v).map_err(Fatal::new)?);
    } else if let Some(s) = &sub {
        print!("{}", summary(s, &findings));
    }
    Ok(exit)
}

/// The readable summary `inspect` prints.
pub fn summary(s: &Submission, findings: &[Finding]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}  (sha256 {})",
        s.source,
        &s.sha256[..s.sha256.len().min(12)]
    );
    let m = &s.metadata;
    let _ = writeln!(o, "\nForside:");
    for (label, v) in [
        ("Udvalg", &m.committee),
        ("Dato", &m.date),
        ("Sagsnr.", &m.case_number),
        ("Dokumentnr.", &m.document_number),
        ("Sagsbehandler", &m.caseworker),
        ("Afdeling", &m.department),
        ("Adresse", &m.address),
        ("Telefon", &m.phone),
        ("Telefax", &m.fax),
        ("E-mail", &m.email),
        ("EAN nummer", &m.ean),
    ] {
        let shown = v
            .as_deref()
            .map_or("—".to_string(), |t| t.replace('\n', " / "));
        let _ = writeln!(o, "  {label:<14} {shown}");
    }
    let _ = writeln!(o, "\nStatusskemaer: {}", s.initiatives.len());
    for i in &s.initiatives {
        let _ = writeln!(
            o,
            "  sektion {}  {}!{:<5} {}  ({} {})",
            i.section,
            i.source.sheet,
            i.source.cell,
            i.title,
            i.fields.len(),
            if i.fields.len() == 1 {
                "felt"
            } else {
                "felter"
            }
        );
    }
    let _ = writeln!(o, "\nBudgetlinjer: {}", s.budget_lines.len());
    for l in &s.budget_lines {
        let amounts: Vec<String> = l
            .amounts
            .iter()
            .map(|(y, a)| format!("{y}: {} kr.", format_danish_decimal(*a)))
            .collect();
        let _ = writeln!(
            o,
            "  {}!{:<5} {}{}",
            l.source.sheet,
            l.source.cell,
            l.title,
            l.group
                .as_deref()
                .map_or(String::new(), |g| format!("  [{g}]"))
        );
        if !amounts.is_empty() {
            let _ = writeln!(o, "         {}", amounts.join(" · "));
        }
        if let Some(t) = l.stated_total {
            let _ = writeln!(
                o,
                "         I alt (angivet): {} kr.",
                format_danish_decimal(t)
            );
        }
    }
    if !s.stated_totals.is_empty() {
        let _ = writeln!(o, "\nAngivne totaler:");
        for t in &s.stated_totals {
            let amounts: Vec<String> = t
                .amounts
                .iter()
                .map(|(y, a)| format!("{y}: {} kr.", format_danish_decimal(*a)))
                .collect();
            let _ = writeln!(
                o,
                "  {}!{:<5} {}  {}{}",
                t.source.sheet,
                t.source.cell,
                t.title,
                amounts.join(" · "),
                t.total.map_or(String::new(), |v| format!(
                    " · i alt {} kr.",
                    format_danish_decimal(v)
                ))
            );
        }
    }
    let _ = writeln!(o, "\nFund: {}", findings.len());
    for f in findings {
        let _ = writeln!(
            o,
            "  {:<8} {:<20} {}  {}",
            f.severity.danish(),
            f.code.as_str(),
            f.location(),
            f.message
        );
    }
    o
}
