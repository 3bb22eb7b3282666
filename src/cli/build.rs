//! `bilag build INBOX --out OUT`

use super::progress::{print_report, Progress};
use super::{Exit, Fatal};
use bilag::finding::{count_by_severity, Finding};
use bilag::inbox::pack::{
    publish_with, reconcile_and_write_pack, remove_stale, Manifest, ManifestInput,
};
use bilag::inbox::watch::BuildReport;
use bilag::inbox::{list_inbox, load_files_with};
use bilag::read::Limits;
use bilag::reconcile::departments::Status;
use std::path::PathBuf;

/// Læs alle afleveringer i en mappe og skriv bilagspakken.
///
/// Læser alle regneark i INDBAKKE (.xlsx .xlsm .xlsb .xls .ods, flere ad
/// gangen), tæller hver afdelings nyeste aflevering én gang (ældre versioner
/// og kopier lægges til side med et fund), afstemmer tallene og skriver
/// pakken til MAPPE: budget.xlsx (oversigt, status, afdelingsark, kilder og
/// afstemning), appendix.docx (bilaget i udvalgets format), model.json (det
/// læste), findings.json (det, der skal ses på), rapport.html (det hele på
/// én side til browseren) og pack.json (hvilken kørsel filerne kommer fra).
///
/// Låsefiler fra Excel og LibreOffice (~$*, .~lock.*#), skjulte filer og
/// filer, der ikke er regneark, springes over. En fil, der ikke kan læses,
/// afvises med et fund, der siger hvorfor; de andre filer bygges stadig.
/// INDBAKKE ændres aldrig, og MAPPE må ikke ligge i den. Hver fil skrives
/// først til en midlertidig fil og omdøbes bagefter.
///
/// På en terminal vises en statuslinje, mens filerne læses; hver kørsel
/// slutter med en opsummering: filer læst, afvist og sprunget over, fund
/// efter alvor, hvilke afdelinger der har afleveret, og hvor pakken ligger.
///
/// Med --pdf laves også appendix.pdf og oversigt.pdf (se --pdf).
///
/// Eksempel: bilag build indbakke --out pakke --departments afdelinger.toml
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Mappen med afdelingernes regneark.
    #[arg(value_name = "INDBAKKE")]
    pub inbox: PathBuf,
    /// Mappen, pakken skrives til (oprettes, hvis den ikke findes).
    #[arg(long, short, value_name = "MAPPE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub format: super::FormatArgs,
    /// Skriv kun fejl (ingen statuslinje, ingen opsummering).
    #[arg(long, short)]
    pub quiet: bool,
    /// Skriv også navnet på hver fil og undermappe, der er sprunget over, og
    /// hvorfor.
    #[arg(long, short)]
    pub verbose: bool,
    /// Skriv også opsummeringen som én JSON-linje på stdout (time,
    /// accepted, rejected, skipped, errors, warnings, infos, out, set_aside,
    /// departments).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub pdf: PdfArgs,
}

pub fn run(args: Args) -> Result<Exit, Fatal> {
    // Without LibreOffice, --pdf stops before anything is read or written.
    let soffice = args.pdf.soffice()?;
    let format = args.format.load()?;
    if args.inbox.is_file() {
        return Err(Fatal::new(format!(
            "{} er en fil; build læser en hel mappe med regneark. Læg filen i en mappe, eller brug bilag check {} (eller bilag inspect) for at se på den alene",
            args.inbox.display(),
            args.inbox.display()
        )));
    }
    super::refuse_out_in_inbox(&args.inbox, &args.out)?;
    let listing = list_inbox(&args.inbox).map_err(|e| {
        Fatal::new(format!(
            "kan ikke læse mappen {}: {}",
            args.inbox.display(),
            bilag::internal::oserror::danish(&e)
        ))
    })?;
    // One bilag at a time on OUT; then what a killed run of our own left.
    let _lock = super::claim_out(&args.out, "bilag build")?;
    remove_stale(&args.out);

    let progress = Progress::new(args.quiet);
    super::report_listing(&progress, &args.inbox, &listing, args.verbose);
    progress.start(listing.files.len(), "læser");
    let loaded = load_files_with(&listing.files, &format, &Limits::default(), &|_| {
        progress.inc()
    });
    progress.finish();
    let (accepted, rejected) = (loaded.accepted.len(), loaded.rejected.len());
    let status = Status::of(&loaded.model, &[], &format);
    let started = chrono::Local::now();
    let manifest = Manifest {
        build: format!("{}-{}", started.format("%Y%m%dT%H%M%S"), std::process::id()),
        time: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        format: format.id.clone(),
        inputs: manifest_inputs(&listing.files, &loaded),
        files: Vec::new(),
    };
    progress.log_waiting("skriver pakken");
    let build = bilag::write::report::BuildInfo::of(&manifest, false).with_pdf(soffice.is_some());
    let (findings, manifest) = publish_with(&args.out, manifest, |staging| {
        let findings = reconcile_and_write_pack(staging, loaded, &format, &build)?;
        if let Some(soffice) = &soffice {
            progress.log_waiting(PDF_WAITING);
            bilag::inbox::watch::convert_staged(soffice, staging)?;
        }
        Ok(findings)
    })
    .map_err(Fatal::new)?;
    progress.finish();

    let (errors, warnings, infos) = count_by_severity(&findings);
    let report = BuildReport {
        time: manifest.time.clone(),
        build: Some(manifest.build.clone()),
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
        new_findings: Vec::new(),
    };
    print_report(&progress, &report, args.json);
    Ok(exit_for(&findings))
}

/// What pack.json says of each inbox file: its sha256 and whether it is
/// in the pack ("accepted"), set aside ("superseded", "duplicate-file") or
/// could not be read ("rejected").
fn manifest_inputs(
    files: &[std::path::PathBuf],
    loaded: &bilag::inbox::Loaded,
) -> Vec<ManifestInput> {
    let model = &loaded.model;
    files
        .iter()
        .map(|p| {
            let name = bilag::inbox::file_name(p);
            let sub = model.submissions.iter().find(|s| s.source == name);
            let aside = model.set_aside.iter().find(|s| s.source == name);
            // Only an accepted file's own version is used in the pack.
            let (status, sha, used_sha256) = match (sub, aside) {
                (Some(s), _) => (
                    "accepted".to_string(),
                    s.sha256.clone(),
                    Some(s.sha256.clone()),
                ),
                (None, Some(a)) => (a.reason.as_str().to_string(), a.sha256.clone(), None),
                (None, None) => (
                    "rejected".to_string(),
                    std::fs::read(p)
                        .map(|b| bilag::inbox::sha256_hex(&b))
                        .unwrap_or_default(),
                    None,
                ),
            };
            ManifestInput {
                used_sha256,
                file: name,
                sha256: sha,
                status,
                archive: None,
            }
        })
        .collect()
}

/// 0 when no finding is an error, else 1.
pub fn exit_for(findings: &[Finding]) -> Exit {
    if count_by_severity(findings).0 > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// `--pdf` and `--soffice`: shared by build and watch.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PdfArgs {
    /// Lav også appendix.pdf (bilaget) og oversigt.pdf (arket "Økonomisk
    /// oversigt") som tilgængelige PDF'er (tagget PDF/UA, dansk, med
    /// bilagets titel). Kræver LibreOffice, der kører i en profil for sig
    /// selv, så et åbent LibreOffice ikke forstyrres. Findes LibreOffice
    /// ikke, stopper bilag, før noget læses eller skrives.
    #[arg(long)]
    pub pdf: bool,
    /// LibreOffice-programmet (soffice), når det ikke findes på PATH, fx
    /// "C:\Program Files\LibreOffice\program\soffice.exe". Bruges med
    /// --pdf.
    #[arg(long, value_name = "STI", requires = "pdf")]
    pub soffice: Option<PathBuf>,
}

impl PdfArgs {
    /// LibreOffice when --pdf is given, else `None`.
    ///
    /// # Errors
    /// --pdf without LibreOffice: a Danish message saying what to do.
    pub fn soffice(&self) -> Result<Option<bilag::write::pdf::Soffice>, Fatal> {
        if !self.pdf {
            return Ok(None);
        }
        bilag::write::pdf::Soffice::find(self.soffice.as_deref())
            .map(Some)
            .map_err(Fatal::new)
    }
}

/// What the spinner says while LibreOffice converts.
pub const PDF_WAITING: &str = "laver appendix.pdf og oversigt.pdf med LibreOffice";
