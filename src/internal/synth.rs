//! Synthetic inboxes for the benchmark (`bilag-bench`) and scale tests:
//! departmental submissions in varied layouts within the contract (§1),
//! deterministic from a seed, and one huge workbook.
//!
//! Every submission is first made as a [`Submission`] (what a correct
//! reading must give) and then written in one of four [`Layout`]s:
//!
//! - [`Layout::Template`]: bilag's own filled-in submission template;
//! - [`Layout::Blocks`]: Forside / Statusskema n / Økonomi sheets as in
//!   `fixtures/departments/01-bolig.xlsx` — block-form schemas, number cells
//!   in mio. kr. under a caption in the header's first cell or above it;
//! - [`Layout::Tabular`]: metadata above the schemas on the first sheet ("Til
//!   Socialudvalget", a value two columns right), schemas in tabular form
//!   with a Sektion column, a budget table further right on its own sheet
//!   with text years ("B2008"), a Konto and a Bemærkning column, group
//!   subtotals and a note, amounts in mio. kr. or 1.000 kr.;
//! - [`Layout::OneSheet`]: everything on one sheet — metadata, section
//!   heading rows, merged title cells, then the budget table with the first
//!   group heading in the header's first cell and Danish text amounts with
//!   their unit in the cell ("2,41 mio.", "2.410 t.kr.", "÷ 0,5 mio.").
//!
//! A submission has 3–12 status schemas and 4–20 budget lines (about 12 KB
//! as .xlsx). Titles carry a unique project or account number, so titles
//! from different submissions never match by accident; a few submissions
//! get a planted error (a wrong stated "I alt") or the title of an
//! initiative of the submission before them (a duplicate), recorded in
//! [`Expect`]. Economy texts name the amounts of the initiative's own
//! budget line, so a correct reconciliation finds nothing else to report.
//!
//! The same seed and index always give the same bytes, whatever N is: an
//! inbox of 10 is the first 10 files of an inbox of 100.

use crate::format::Format;
use crate::model::{BudgetLine, Initiative, Metadata, Submission, YearMap};
use crate::normalize::danish::format_danish_decimal;
use indexmap::IndexMap;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as XFormat, Workbook, Worksheet, XlsxError,
};
use std::io::{Read, Write};
use std::path::Path;

/// Budget lines in the huge workbook.
pub const HUGE_LINES: usize = 200_000;
/// Status schemas in the huge workbook.
pub const HUGE_INITIATIVES: usize = 40;
/// File name of the huge workbook.
pub const HUGE_FILE: &str = "00001-stor-indberetning.xlsx";

/// Why generating failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write the template workbook: {0}")]
    Template(String),
    #[error("cannot rewrite the zip: {0}")]
    Zip(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

// ---------------------------------------------------------------------------
// Randomness: splitmix64, no crate needed.

/// A small deterministic random source (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for one item of a run.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed
            ^ stream.wrapping_mul(0xA076_1D64_78BD_642F)
            ^ index.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// lo..=hi.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with the given chance in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const STREAM_CONTENT: u64 = 1;
const STREAM_TITLES: u64 = 2;
const STREAM_HUGE: u64 = 3;

// ---------------------------------------------------------------------------
// What was generated.

/// The layout a submission is written in (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    Template,
    Blocks,
    Tabular,
    OneSheet,
    /// The single huge workbook.
    Huge,
}

impl Layout {
    pub const VARIED: [Layout; 4] = [
        Layout::Template,
        Layout::Blocks,
        Layout::Tabular,
        Layout::OneSheet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Template => "template",
            Layout::Blocks => "blocks",
            Layout::Tabular => "tabular",
            Layout::OneSheet => "one-sheet",
            Layout::Huge => "huge",
        }
    }
}

/// What a correct reading of a generated file gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub file: String,
    pub layout: Layout,
    pub initiatives: usize,
    /// Of which in section 2.
    pub section2: usize,
    pub budget_lines: usize,
    pub stated_totals: usize,
    /// The sum of every line's amounts, in kroner.
    pub line_sum: Decimal,
    /// A stated "I alt" was written wrong on purpose (total-mismatch).
    pub planted_total_error: bool,
    /// The first initiative has the title of an initiative of the previous
    /// submission (duplicate-initiative).
    pub duplicate_title: bool,
    /// The submission as generated (titles, fields, amounts in kroner).
    pub submission: Submission,
}

/// One generated workbook.
#[derive(Debug, Clone)]
pub struct Generated {
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

// ---------------------------------------------------------------------------
// Words.

const ACTIVITIES: &[&str] = &[
    "Lektiecafé",
    "Mentorordning for unge",
    "Forældrenetværk",
    "Sprogundervisning for voksne",
    "Jobrettet indsats",
    "Boligsocial helhedsplan",
    "Gadeplansarbejde",
    "Fritidsjob for unge",
    "Kvindenetværk",
    "Sundhedsformidling",
    "Idrætstilbud for piger",
    "Brobygning til uddannelse",
    "Familiekurser",
    "Frivilligcenter",
    "Netværksmøder for nydanskere",
    "Uddannelsesvejledning",
    "Opsøgende indsats",
    "Ungdomsklub",
    "Kulturtilbud for børn",
    "Beskæftigelsesprojekt",
];

const PLACES: &[&str] = &[
    "Tingbjerg",
    "Mjølnerparken",
    "Ydre Nørrebro",
    "Bispebjerg",
    "Sydhavnen",
    "Valby",
    "Amager Øst",
    "Husum",
    "Utterslev",
    "Vesterbro",
    "Brønshøj",
    "Urbanplanen",
    "Akacieparken",
    "Folehaven",
    "Lundtoftegade",
    "Hørgården",
];

const EXTRA_LINES: &[&str] = &[
    "Administration og koordinering",
    "Evaluering og dokumentation",
    "Tolkebistand",
    "Kompetenceudvikling af medarbejdere",
    "Lokaleleje",
    "Informationsmateriale",
    "Puljemidler til foreninger",
    "Transport og ekskursioner",
    "Husleje og drift",
    "Konsulentbistand",
];

const DEPARTMENTS: &[&str] = &[
    "Center for Integration",
    "Mål- og Rammekontor for Misbrug og Bolig",
    "SSP København, Sekretariatet",
    "Børne- og Ungdomsforvaltningen",
    "Socialforvaltningen, Center for Udsatte Voksne",
    "Beskæftigelses- og Integrationsforvaltningen",
    "Kultur- og Fritidsforvaltningen",
    "Sundheds- og Omsorgsforvaltningen",
    "Center for Familier med Særlige Behov",
    "Kontor for Boligsociale Indsatser",
];

const CASEWORKERS: &[&str] = &[
    "Susan Fiil Præstegaard",
    "Mette Holm Jensen",
    "Ahmed Yilmaz",
    "Karen Sørensen",
    "Jens Peter Nielsen",
    "Fatima Hansen",
    "Ole Bøgh",
    "Lise Møller",
];

const TARGET_GROUPS: &[&str] = &[
    "Børn og unge mellem 6 og 17 år",
    "Unge mellem 15 og 25 år uden uddannelse",
    "Forældre med anden etnisk baggrund end dansk",
    "Kvinder uden for arbejdsmarkedet",
    "Beboere i de almene boligområder",
    "Nyankomne flygtninge og familiesammenførte",
    "Ledige med sproglige barrierer",
];

const SENTENCES: &[&str] = &[
    "Indsatsen gennemføres i tæt samarbejde med boligorganisationerne og de lokale skoler.",
    "Der afholdes faste møder hver anden uge med deltagelse af frivillige og fagpersoner.",
    "Aktiviteterne tilrettelægges, så de når de grupper, der ellers ikke deltager i foreningslivet.",
    "Erfaringerne fra det første år viser, at deltagerne fastholdes bedre, når der følges op individuelt.",
    "Projektet evalueres af en ekstern evaluator, og resultaterne forelægges udvalget.",
    "Målet er at øge andelen af unge, der gennemfører en ungdomsuddannelse.",
    "Der følges op med halvårlige statusrapporter til forvaltningen.",
    "Indsatsen er forankret i det lokale netværk og videreføres efter projektperioden.",
    "Aktiviteterne er i gang som planlagt, og tilslutningen er god.",
    "Der er ansat to medarbejdere, som varetager den daglige drift.",
    "Samarbejdet med jobcentret sikrer, at deltagerne får tilbud om praktik.",
    "Forældrene inddrages gennem åbne arrangementer og hjemmebesøg.",
    "Indsatsen bidrager til målet om, at der ikke opstår nye udsatte boligområder.",
    "Den lokale styregruppe mødes fire gange om året og følger fremdriften.",
    "Deltagerne henvises fra skoler, sagsbehandlere og boligsociale medarbejdere.",
    "Der er etableret et samarbejde med tre idrætsforeninger i området.",
];

fn sentences(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    (0..n)
        .map(|_| *rng.pick(SENTENCES))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The title of initiative `j` of submission `index`: its own stream, so a
/// later submission can borrow it for a planted duplicate.
fn initiative_title(seed: u64, index: usize, j: usize) -> String {
    let mut r = Rng::for_item(seed, STREAM_TITLES, (index as u64) << 5 | j as u64);
    let number = 10_000 + index * 16 + j;
    format!(
        "{} i {} (projekt {number})",
        r.pick(ACTIVITIES),
        r.pick(PLACES)
    )
}

// ---------------------------------------------------------------------------
// Content.

/// Kroner 50.000–15.000.000 in steps of 10.000 (at most two decimals in mio.).
fn amount(rng: &mut Rng) -> Decimal {
    Decimal::from(rng.range(5, 1500) as i64 * 10_000)
}

fn mio_text(kroner: Decimal) -> String {
    format_danish_decimal((kroner / Decimal::from(1_000_000)).normalize())
}

fn years(format: &Format) -> Vec<String> {
    format.years.iter().map(|y| y.to_string()).collect()
}

/// An Økonomi text that agrees with a line's `amounts` (at least one year),
/// in one of the ways departments write it: per year, in total over the
/// period, a year's amount, parts of a total ("heraf", "hvoraf", "inkl.",
/// in parentheses) that are not added to it. `per_year`: the line has this
/// amount in every year.
fn economy_text(rng: &mut Rng, amounts: &YearMap<Decimal>, per_year: Option<Decimal>) -> String {
    let years: Vec<(&str, Decimal)> = amounts.iter().map(|(y, a)| (&**y, *a)).collect();
    let sum: Decimal = years.iter().map(|(_, a)| *a).sum();
    let (y0, a0) = years[0];
    let (yn, an) = years[years.len() - 1];
    let n = years.len();
    let dash = if rng.chance(50) { "-" } else { "–" };
    let each: Vec<String> = years
        .iter()
        .map(|(y, a)| format!("{} mio. kr. i {y}", mio_text(*a)))
        .collect();
    let each = crate::reconcile::join_danish(&each);
    match per_year {
        Some(py) => match rng.below(8) {
            0 => format!("Der er afsat {} mio. kr. pr. år.", mio_text(py)),
            1 => format!("{} mio. kr./år", mio_text(py)),
            2 => format!(
                "Der er afsat {} t.kr. pr. år til aktiviteterne.",
                format_danish_decimal(py / Decimal::from(1000))
            ),
            3 => format!(
                "Der er afsat {} mio. kr. i perioden {y0}{dash}{yn}, heraf {} mio. kr. i {y0}.",
                mio_text(sum),
                mio_text(py)
            ),
            4 => format!(
                "Samlet {} mio. kr. over {n} år ({} mio. kr. årligt).",
                mio_text(sum),
                mio_text(py)
            ),
            5 => format!("{} kr. om året", format_danish_decimal(py)),
            6 => format!(
                "Budget: {} mio. kr., hvoraf {} mio. kr. er medfinansiering.",
                mio_text(sum),
                mio_text(py)
            ),
            _ => format!("Ca. {} mio. kr. årligt til drift.", mio_text(py)),
        },
        None => match rng.below(6) {
            0 => format!(
                "Samlet budget {} mio. kr. i projektperioden.",
                mio_text(sum)
            ),
            1 => format!(
                "Der er afsat {} mio. kr. i perioden {y0}{dash}{yn}, heraf {} mio. kr. i {y0}.",
                mio_text(sum),
                mio_text(a0)
            ),
            2 => format!("{each}."),
            3 => format!(
                "{} mio. kr. (heraf {} mio. kr. til evaluering).",
                mio_text(sum),
                mio_text(a0.min(an))
            ),
            4 => format!(
                "Der er afsat i alt {} mio. kr. over {n} år, inkl. {} mio. kr. i {yn}.",
                mio_text(sum),
                mio_text(an)
            ),
            _ => format!("{} mio. kr. fordelt med {each}.", mio_text(sum)),
        },
    }
}

struct Content {
    sub: Submission,
    planted_total_error: bool,
    duplicate_title: bool,
}

/// The submission `index` of a run, as a model (amounts in kroner).
fn content(seed: u64, index: usize, format: &Format) -> Content {
    let mut rng = Rng::for_item(seed, STREAM_CONTENT, index as u64);
    let years = years(format);
    let g1 = format.budget.groups.first().map(|g| g.name.clone());
    let g2 = format
        .budget
        .groups
        .get(1)
        .map(|g| g.name.clone())
        .or(g1.clone());
    let day = 1 + index % 28;
    let department = rng.pick(DEPARTMENTS).to_string();
    let metadata = Metadata {
        committee: Some(format.committee.clone()),
        date: Some(format!("2008-03-{day:02}")),
        case_number: Some(format!("2008-{}", 20_000 + index)),
        document_number: Some(format!("2008-{}", 118_000 + index * 7)),
        caseworker: Some(rng.pick(CASEWORKERS).to_string()),
        department: Some(department.clone()),
        address: Some(format!(
            "Bernstorffsgade {}\n1592 København V",
            1 + index % 40
        )),
        phone: Some(format!(
            "33 17 {:02} {:02}",
            index % 100,
            (index / 100) % 100
        )),
        fax: None,
        email: Some(format!("indberetning{index}@kk.dk")),
        ean: Some(format!("579800968{:04}", index % 10_000)),
        other: Default::default(),
    };

    let k = rng.range(3, 12);
    let m = rng.range(4, 20);
    let duplicate_title = index > 0 && rng.chance(3);
    let mut initiatives = Vec::new();
    let mut lines: Vec<BudgetLine> = Vec::new();
    for j in 0..k {
        let section: u8 = if format.sections.len() > 1 && rng.chance(25) {
            2
        } else {
            1
        };
        let title = if j == 0 && duplicate_title {
            initiative_title(seed, index - 1, 1)
        } else {
            initiative_title(seed, index, j)
        };
        // Its budget line, if any, and the economy text naming it.
        let economy = if lines.len() < m && rng.chance(85) {
            let mut amounts = YearMap::new();
            let first = rng.below(2);
            let last = years.len() - 1 - rng.below(2).min(years.len() - 1 - first);
            let without_amounts = rng.chance(5);
            let constant = rng.chance(70);
            let per_year = amount(&mut rng);
            if !without_amounts {
                for y in &years[first..=last] {
                    let a = if constant { per_year } else { amount(&mut rng) };
                    amounts.insert(y.into(), a);
                }
            }
            let group = if section == 2 { g2.clone() } else { g1.clone() };
            lines.push(BudgetLine {
                group: group.clone(),
                format_group: group,
                title: title.clone(),
                amounts: amounts.clone(),
                ..Default::default()
            });
            if without_amounts {
                "Finansieres via Landsbyggefonden; kommunen bidrager med personale.".to_string()
            } else {
                economy_text(&mut rng, &amounts, constant.then_some(per_year))
            }
        } else {
            "Finansieres inden for forvaltningens eksisterende ramme.".to_string()
        };
        let mut fields = IndexMap::new();
        if let Some(s) = format.section(section) {
            for f in &s.fields {
                let label = f.label.replace("{year}", "2009");
                let text = if f.economy {
                    economy.clone()
                } else if label.starts_with("Målgruppe") {
                    format!("{}. {}", rng.pick(TARGET_GROUPS), sentences(&mut rng, 0, 1))
                        .trim()
                        .to_string()
                } else if label.starts_with("Mål i") {
                    format!(
                        "{} deltagere gennemfører forløbet, og mindst halvdelen fortsætter i uddannelse eller job.",
                        rng.range(12, 400)
                    )
                } else {
                    sentences(&mut rng, 1, 3)
                };
                fields.insert(label, text);
            }
        }
        initiatives.push(Initiative {
            section,
            title,
            fields,
            ..Default::default()
        });
    }
    // Lines of their own (administration, evaluation …) up to m.
    while lines.len() < m {
        let number = 50_000 + index * 32 + lines.len();
        let group = if rng.chance(70) {
            g1.clone()
        } else {
            g2.clone()
        };
        let mut amounts = YearMap::new();
        for y in &years {
            if rng.chance(85) || amounts.is_empty() {
                amounts.insert(y.into(), amount(&mut rng));
            }
        }
        lines.push(BudgetLine {
            group: group.clone(),
            format_group: group,
            title: format!("{} (konto {number})", rng.pick(EXTRA_LINES)),
            amounts,
            ..Default::default()
        });
    }
    // Lines in group order, as every layout writes them.
    let mut ordered: Vec<BudgetLine> = Vec::new();
    for g in [&g1, &g2] {
        for l in &lines {
            if &l.format_group == g && !ordered.iter().any(|o| o.title == l.title) {
                ordered.push(l.clone());
            }
        }
    }
    for l in lines {
        if !ordered.iter().any(|o| o.title == l.title) {
            ordered.push(l);
        }
    }
    let planted_total_error = rng.chance(5);
    Content {
        sub: Submission {
            source: String::new(),
            department: Some(department),
            metadata,
            initiatives,
            budget_lines: ordered,
            ..Default::default()
        },
        planted_total_error,
        duplicate_title,
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'æ' => "ae".to_string(),
            'ø' => "oe".to_string(),
            'å' => "aa".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        if !(c == "-" && (out.is_empty() || out.ends_with('-'))) {
            out.push_str(&c);
        }
    }
    out.trim_end_matches('-').chars().take(30).collect()
}

/// The file name of submission `index`: "00042-center-for-integration.xlsx".
pub fn file_name(index: usize, department: &str) -> String {
    format!("{:05}-{}.xlsx", index + 1, slug(department))
}

/// Generates submission `index` of the inbox made from `seed`.
///
/// # Errors
/// [`SynthError`] if a workbook cannot be assembled.
pub fn generate(seed: u64, index: usize, format: &Format) -> Result<Generated, SynthError> {
    let c = content(seed, index, format);
    let mut rng = Rng::for_item(seed, STREAM_CONTENT + 100, index as u64);
    let layout = *rng.pick(&Layout::VARIED);
    let planted = c.planted_total_error && layout != Layout::Template;
    let mut sub = c.sub;
    sub.source = file_name(index, sub.department.as_deref().unwrap_or("afdeling"));
    let (bytes, stated_totals) = match layout {
        Layout::Template => {
            let b = crate::write::template::filled_template_bytes(format, &sub)
                .map_err(|e| SynthError::Template(e.to_string()))?;
            (fixed_zip_times(&b)?, 1)
        }
        Layout::Blocks => blocks(&sub, format, planted, &mut rng)?,
        Layout::Tabular => tabular(&sub, format, planted, &mut rng)?,
        Layout::OneSheet => one_sheet(&sub, format, planted, &mut rng)?,
        Layout::Huge => unreachable!("not a varied layout"),
    };
    let expect = Expect {
        file: sub.source.clone(),
        layout,
        initiatives: sub.initiatives.len(),
        section2: sub.initiatives.iter().filter(|i| i.section == 2).count(),
        budget_lines: sub.budget_lines.len(),
        stated_totals,
        line_sum: line_sum(&sub),
        planted_total_error: planted,
        duplicate_title: c.duplicate_title,
        submission: sub,
    };
    Ok(Generated { bytes, expect })
}

fn line_sum(sub: &Submission) -> Decimal {
    sub.budget_lines
        .iter()
        .flat_map(|l| l.amounts.values())
        .copied()
        .sum()
}

/// Writes submissions 0..n of the inbox made from `seed` into `dir` (in
/// parallel) and returns what each should read as, in file order.
///
/// # Errors
/// [`SynthError`] if a workbook cannot be assembled or written.
pub fn write_inbox(
    dir: &Path,
    n: usize,
    seed: u64,
    format: &Format,
) -> Result<Vec<Expect>, SynthError> {
    std::fs::create_dir_all(dir)?;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let g = generate(seed, i, format)?;
            std::fs::write(dir.join(&g.expect.file), &g.bytes)?;
            let mut e = g.expect;
            e.submission = Submission::default(); // keep the list small
            Ok(e)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Writing helpers.

fn new_workbook() -> Result<Workbook, SynthError> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_author("bilag-bench")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2008, 3, 3)?);
    wb.set_properties(&props);
    Ok(wb)
}

/// An exact decimal as the nearest f64 (through its text).
fn f64_of(d: Decimal) -> f64 {
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// The stated totals of a set of lines: per year and overall.
fn sums(lines: &[&BudgetLine], years: &[String]) -> (YearMap<Decimal>, Decimal) {
    let mut per = YearMap::new();
    for y in years {
        let s: Decimal = lines.iter().filter_map(|l| l.amounts.get(y)).sum();
        if lines.iter().any(|l| l.amounts.contains_key(y)) {
            per.insert(y.into(), s);
        }
    }
    let all = per.values().copied().sum();
    (per, all)
}

fn lines_of<'a>(sub: &'a Submission, group: &Option<String>) -> Vec<&'a BudgetLine> {
    sub.budget_lines
        .iter()
        .filter(|l| &l.format_group == group)
        .collect()
}

fn groups(format: &Format) -> Vec<Option<String>> {
    format
        .budget
        .groups
        .iter()
        .map(|g| Some(g.name.clone()))
        .collect()
}

/// Writes the metadata rows label | value from (row, 0); returns the next row.
fn meta_rows(
    ws: &mut Worksheet,
    m: &Metadata,
    row: u32,
    rng: &mut Rng,
    date_as_cell: bool,
) -> Result<u32, SynthError> {
    let mut r = row;
    fn put(
        ws: &mut Worksheet,
        r: &mut u32,
        label: &str,
        v: &Option<String>,
    ) -> Result<(), XlsxError> {
        if let Some(v) = v {
            ws.write_string(*r, 0, label)?;
            ws.write_string(*r, 1, v)?;
            *r += 1;
        }
        Ok(())
    }
    put(ws, &mut r, "Udvalg", &m.committee)?;
    if let Some(d) = &m.date {
        let (y, mo, da) = (&d[0..4], &d[5..7], &d[8..10]);
        ws.write_string(r, 0, "Dato")?;
        if date_as_cell {
            let x = ExcelDateTime::from_ymd(
                y.parse().unwrap_or(2008),
                mo.parse().unwrap_or(3),
                da.parse().unwrap_or(3),
            )?;
            ws.write_datetime_with_format(r, 1, &x, &XFormat::new().set_num_format("dd-mm-yyyy"))?;
        } else if rng.chance(50) {
            ws.write_string(r, 1, format!("{da}-{mo}-{y}"))?;
        } else {
            let day: u32 = da.parse().unwrap_or(3);
            ws.write_string(r, 1, format!("{day}. marts {y}"))?;
        }
        r += 1;
    }
    put(ws, &mut r, "Sagsnr.", &m.case_number)?;
    put(ws, &mut r, "Dokumentnr.", &m.document_number)?;
    put(ws, &mut r, "Sagsbehandler", &m.caseworker)?;
    let dept_label = *rng.pick(&["Forvaltning", "Kontor", "Afsender", "Afdeling"]);
    put(ws, &mut r, dept_label, &m.department)?;
    put(ws, &mut r, "Adresse", &m.address)?;
    put(ws, &mut r, "Telefon", &m.phone)?;
    put(ws, &mut r, "E-mail", &m.email)?;
    put(ws, &mut r, "EAN nummer", &m.ean)?;
    Ok(r)
}

/// Writes one status schema in block form from `row` (title row, then
/// label | value rows; sometimes a continuation row); returns the next row.
fn block(
    ws: &mut Worksheet,
    init: &Initiative,
    row: u32,
    merged_title: bool,
    bold: &XFormat,
    rng: &mut Rng,
) -> Result<u32, SynthError> {
    if merged_title {
        ws.merge_range(row, 0, row, 1, &init.title, bold)?;
    } else {
        ws.write_string_with_format(row, 0, &init.title, bold)?;
    }
    let mut r = row + 1;
    for (label, value) in &init.fields {
        ws.write_string(r, 0, label)?;
        // A long value is sometimes split over a continuation row.
        match value.split_once(". ") {
            Some((a, b)) if rng.chance(15) && !label.starts_with("Økonomi") => {
                ws.write_string(r, 1, format!("{a}."))?;
                r += 1;
                ws.write_string(r, 1, b)?;
            }
            _ => {
                ws.write_string(r, 1, value)?;
            }
        }
        r += 1;
    }
    Ok(r)
}

/// A line's amounts and its "I alt" as numbers in `unit` kroner.
fn number_row(
    ws: &mut Worksheet,
    row: u32,
    first_col: u16,
    years: &[String],
    amounts: &YearMap<Decimal>,
    total: Option<Decimal>,
    unit: Decimal,
) -> Result<(), XlsxError> {
    for (i, y) in years.iter().enumerate() {
        if let Some(a) = amounts.get(y) {
            ws.write_number(row, first_col + i as u16, f64_of(*a / unit))?;
        }
    }
    if let Some(t) = total {
        ws.write_number(row, first_col + years.len() as u16, f64_of(t / unit))?;
    }
    Ok(())
}

fn line_total(l: &BudgetLine) -> Option<Decimal> {
    (!l.amounts.is_empty()).then(|| l.amounts.values().copied().sum())
}

// ---------------------------------------------------------------------------
// Layouts.

fn blocks(
    sub: &Submission,
    format: &Format,
    planted: bool,
    rng: &mut Rng,
) -> Result<(Vec<u8>, usize), SynthError> {
    let mut wb = new_workbook()?;
    let bold = XFormat::new().set_bold();
    let years = years(format);

    let ws = wb.add_worksheet();
    ws.set_name("Forside")?;
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 60)?;
    meta_rows(ws, &sub.metadata, 0, rng, true)?;

    for s in &format.sections {
        let inits: Vec<&Initiative> = sub
            .initiatives
            .iter()
            .filter(|i| i.section == s.number)
            .collect();
        if inits.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(format!("Statusskema {}", s.number))?;
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 80)?;
        let mut row = 0;
        if rng.chance(50) {
            ws.write_string_with_format(0, 0, &s.heading, &bold)?;
            row = 2;
        }
        for init in inits {
            row = block(ws, init, row, false, &bold, rng)? + 1;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("Økonomi")?;
    ws.set_column_width(0, 55)?;
    let mio = Decimal::from(1_000_000);
    let mut hr = 0;
    let caption_in_header = rng.chance(50);
    if !caption_in_header {
        ws.write_string(0, 0, "Beløb i mio. kr.")?;
        hr = 2;
    }
    let lead = if caption_in_header {
        "Beløb i mio. kr."
    } else {
        "Indsats"
    };
    ws.write_string_with_format(hr, 0, lead, &bold)?;
    for (i, y) in years.iter().enumerate() {
        ws.write_number_with_format(hr, 1 + i as u16, y.parse::<f64>().unwrap_or(0.0), &bold)?;
    }
    ws.write_string_with_format(hr, 1 + years.len() as u16, "I alt", &bold)?;
    let mut row = hr + 1;
    for g in groups(format) {
        let lines = lines_of(sub, &g);
        if lines.is_empty() {
            continue;
        }
        ws.write_string_with_format(row, 0, g.as_deref().unwrap_or(""), &bold)?;
        row += 1;
        for l in lines {
            ws.write_string(row, 0, &l.title)?;
            number_row(ws, row, 1, &years, &l.amounts, line_total(l), mio)?;
            row += 1;
        }
    }
    let all: Vec<&BudgetLine> = sub.budget_lines.iter().collect();
    let (mut per, total) = sums(&all, &years);
    if planted {
        if let Some(v) = per.values_mut().next() {
            *v += mio;
        }
    }
    ws.write_string_with_format(row, 0, "I alt", &bold)?;
    number_row(ws, row, 1, &years, &per, Some(total), mio)?;
    Ok((wb.save_to_buffer()?, 1))
}

fn tabular(
    sub: &Submission,
    format: &Format,
    planted: bool,
    rng: &mut Rng,
) -> Result<(Vec<u8>, usize), SynthError> {
    let mut wb = new_workbook()?;
    let bold = XFormat::new().set_bold();
    let years = years(format);

    let ws = wb.add_worksheet();
    ws.set_name("Indberetning")?;
    let m = &sub.metadata;
    ws.write_string(0, 0, format!("Til {}", format.committee))?;
    if let Some(d) = &m.date {
        ws.write_string(1, 0, "Dato:")?;
        ws.write_string(1, 1, d)?;
    }
    ws.write_string(2, 0, "Sagsnr.")?;
    ws.write_string(2, 1, m.case_number.as_deref().unwrap_or(""))?;
    ws.write_string(3, 0, "Afdeling")?;
    ws.write_string(3, 2, m.department.as_deref().unwrap_or(""))?; // two columns right
    ws.write_string(4, 0, "E-mail")?;
    ws.write_string(4, 1, m.email.as_deref().unwrap_or(""))?;

    // Header: Sektion | Indsats | every field label of every section.
    let mut labels: Vec<String> = Vec::new();
    for s in &format.sections {
        for f in &s.fields {
            let l = f.label.replace("{year}", "2009");
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    let hr = 7;
    ws.write_string_with_format(hr, 0, "Sektion", &bold)?;
    ws.write_string_with_format(hr, 1, "Indsats", &bold)?;
    for (i, l) in labels.iter().enumerate() {
        ws.write_string_with_format(hr, 2 + i as u16, l, &bold)?;
    }
    let mut row = hr + 1;
    for init in &sub.initiatives {
        if init.section == 2 || rng.chance(50) {
            ws.write_string(row, 0, format!("Sektion {}", init.section))?;
        } else {
            ws.write_number(row, 0, f64::from(init.section))?;
        }
        ws.write_string(row, 1, &init.title)?;
        let mut continuation: Option<(u16, String)> = None;
        for (i, l) in labels.iter().enumerate() {
            let col = 2 + i as u16;
            if let Some(v) = init.fields.get(l) {
                match v.split_once(". ") {
                    Some((a, b)) if continuation.is_none() && rng.chance(10) && l != "Økonomi" => {
                        ws.write_string(row, col, format!("{a}."))?;
                        continuation = Some((col, b.to_string()));
                    }
                    _ => {
                        ws.write_string(row, col, v)?;
                    }
                }
            }
        }
        row += 1;
        if let Some((col, rest)) = continuation {
            ws.write_string(row, col, rest)?;
            row += 1;
        }
    }

    // The budget table on its own sheet, from C5.
    let ws = wb.add_worksheet();
    ws.set_name("Budget")?;
    let thousands = rng.chance(50);
    let unit = Decimal::from(if thousands { 1000 } else { 1_000_000 });
    ws.write_string(1, 2, "Økonomisk oversigt")?;
    ws.write_string(
        2,
        2,
        if thousands {
            "Beløb i 1.000 kr."
        } else {
            "(mio. kr.)"
        },
    )?;
    let hr = 4;
    ws.write_string_with_format(hr, 1, "Konto", &bold)?;
    ws.write_string_with_format(hr, 2, "Indsats", &bold)?;
    for (i, y) in years.iter().enumerate() {
        let text = if i == 0 { format!("B{y}") } else { y.clone() };
        ws.write_string_with_format(hr, 3 + i as u16, text, &bold)?;
    }
    let total_col = 3 + years.len() as u16;
    ws.write_string_with_format(hr, total_col, "I alt", &bold)?;
    ws.write_string_with_format(hr, total_col + 1, "Bemærkning", &bold)?;
    let mut row = hr + 1;
    let mut stated = 0;
    for g in groups(format) {
        let lines = lines_of(sub, &g);
        if lines.is_empty() {
            continue;
        }
        let name = g.clone().unwrap_or_default();
        ws.write_string(row, 2, &name)?;
        row += 1;
        for l in &lines {
            ws.write_string(row, 1, format!("5.{}", 20 + row))?;
            ws.write_string(row, 2, &l.title)?;
            number_row(ws, row, 3, &years, &l.amounts, line_total(l), unit)?;
            if rng.chance(20) {
                ws.write_string(row, total_col + 1, "Videreføres")?;
            }
            row += 1;
        }
        let (per, total) = sums(&lines, &years);
        ws.write_string(row, 2, format!("{name} i alt"))?;
        number_row(ws, row, 3, &years, &per, Some(total), unit)?;
        stated += 1;
        row += 1;
    }
    row += 1;
    let all: Vec<&BudgetLine> = sub.budget_lines.iter().collect();
    let (mut per, total) = sums(&all, &years);
    if planted {
        if let Some(v) = per.values_mut().last() {
            *v += unit * Decimal::from(10);
        }
    }
    ws.write_string_with_format(row, 2, "I alt", &bold)?;
    number_row(ws, row, 3, &years, &per, Some(total), unit)?;
    stated += 1;
    ws.write_string(row + 2, 2, "Note: 2010 og 2011 er budgetoverslag.")?;
    Ok((wb.save_to_buffer()?, stated))
}

/// Danish text for an amount with its unit in the cell.
fn amount_text(kroner: Decimal, unit: usize) -> String {
    let (factor, name) = match unit {
        0 => (1_000_000, "mio."),
        1 => (1_000_000, "mio. kr."),
        2 => (1000, "t.kr."),
        _ => (1, "kr."),
    };
    let v = (kroner.abs() / Decimal::from(factor)).normalize();
    let sign = if kroner.is_sign_negative() && !kroner.is_zero() {
        "÷ "
    } else {
        ""
    };
    format!("{sign}{} {name}", format_danish_decimal(v))
}

fn one_sheet(
    sub: &Submission,
    format: &Format,
    planted: bool,
    rng: &mut Rng,
) -> Result<(Vec<u8>, usize), SynthError> {
    let mut wb = new_workbook()?;
    let bold = XFormat::new().set_bold().set_text_wrap();
    let years = years(format);
    let ws = wb.add_worksheet();
    ws.set_name("Indberetning")?;
    ws.set_column_width(0, 45)?;
    ws.set_column_width(1, 70)?;
    let mut row = meta_rows(ws, &sub.metadata, 0, rng, false)? + 1;
    for s in &format.sections {
        let inits: Vec<&Initiative> = sub
            .initiatives
            .iter()
            .filter(|i| i.section == s.number)
            .collect();
        if inits.is_empty() {
            continue;
        }
        ws.write_string_with_format(row, 0, &s.heading, &bold)?;
        row += 2;
        for init in inits {
            row = block(ws, init, row, true, &bold, rng)? + 1;
        }
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Økonomisk oversigt", &bold)?;
    row += 2;

    let gs = groups(format);
    let g1_lines = gs.first().map(|g| lines_of(sub, g)).unwrap_or_default();
    let hr = row;
    let total_col = 1 + years.len() as u16;
    for (i, y) in years.iter().enumerate() {
        ws.write_number_with_format(hr, 1 + i as u16, y.parse::<f64>().unwrap_or(0.0), &bold)?;
    }
    ws.write_string_with_format(hr, total_col, "I alt", &bold)?;
    row += 1;
    for (gi, g) in gs.iter().enumerate() {
        let lines = lines_of(sub, g);
        if gi == 0 {
            // The header's first cell is the first group heading.
            let lead = if g1_lines.is_empty() {
                "Budgetlinje"
            } else {
                g.as_deref().unwrap_or("")
            };
            ws.write_string_with_format(hr, 0, lead, &bold)?;
        } else if !lines.is_empty() {
            ws.write_string_with_format(row, 0, g.as_deref().unwrap_or(""), &bold)?;
            row += 1;
        }
        for l in lines {
            ws.write_string(row, 0, &l.title)?;
            let unit = if rng.chance(70) {
                rng.below(2)
            } else {
                2 + rng.below(2)
            };
            for (i, y) in years.iter().enumerate() {
                if let Some(a) = l.amounts.get(y) {
                    ws.write_string(row, 1 + i as u16, amount_text(*a, unit))?;
                }
            }
            if let Some(t) = line_total(l) {
                ws.write_string(row, total_col, amount_text(t, 0))?;
            }
            row += 1;
        }
    }
    row += 1;
    let all: Vec<&BudgetLine> = sub.budget_lines.iter().collect();
    let (mut per, total) = sums(&all, &years);
    if planted {
        if let Some(v) = per.values_mut().next() {
            *v -= Decimal::from(500_000);
        }
    }
    ws.write_string_with_format(row, 0, &format.document.grand_total_label, &bold)?;
    for (i, y) in years.iter().enumerate() {
        if let Some(a) = per.get(y) {
            ws.write_string(row, 1 + i as u16, amount_text(*a, 1))?;
        }
    }
    ws.write_string(row, total_col, amount_text(total, 1))?;
    Ok((wb.save_to_buffer()?, 1))
}

// ---------------------------------------------------------------------------
// The huge workbook.

/// One workbook with `lines` budget lines (the benchmark uses
/// [`HUGE_LINES`]) and [`HUGE_INITIATIVES`] status schemas whose economy
/// texts name their own lines' amounts.
///
/// # Errors
/// [`SynthError`] if the workbook cannot be assembled.
pub fn generate_huge(seed: u64, lines: usize, format: &Format) -> Result<Generated, SynthError> {
    let mut rng = Rng::for_item(seed, STREAM_HUGE, 0);
    let years = years(format);
    let mut wb = new_workbook()?;
    let bold = XFormat::new().set_bold();
    let base = content(seed, 0, format);
    let mut sub = Submission {
        source: HUGE_FILE.to_string(),
        department: base.sub.department.clone(),
        metadata: base.sub.metadata.clone(),
        ..Default::default()
    };

    let ws = wb.add_worksheet();
    ws.set_name("Forside")?;
    meta_rows(ws, &sub.metadata, 0, &mut rng, true)?;

    let g1 = format.budget.groups.first().map(|g| g.name.clone());
    let g2 = format
        .budget
        .groups
        .get(1)
        .map(|g| g.name.clone())
        .or(g1.clone());
    let n_init = HUGE_INITIATIVES.min(lines);
    let section1 = format.section(1);
    for j in 0..n_init {
        let title = format!(
            "{} i {} (projekt {})",
            rng.pick(ACTIVITIES),
            rng.pick(PLACES),
            900_000 + j
        );
        let per_year = amount(&mut rng);
        let mut fields = IndexMap::new();
        if let Some(s) = section1 {
            for f in &s.fields {
                let label = f.label.replace("{year}", "2009");
                let text = if f.economy {
                    format!("Der er afsat {} mio. kr. pr. år.", mio_text(per_year))
                } else {
                    sentences(&mut rng, 1, 2)
                };
                fields.insert(label, text);
            }
        }
        sub.initiatives.push(Initiative {
            section: 1,
            title: title.clone(),
            fields,
            ..Default::default()
        });
        sub.budget_lines.push(BudgetLine {
            group: g1.clone(),
            format_group: g1.clone(),
            title,
            amounts: years.iter().map(|y| (y.as_str(), per_year)).collect(),
            ..Default::default()
        });
    }
    let ws = wb.add_worksheet();
    ws.set_name("Statusskema 1")?;
    let mut row = 0;
    for init in &sub.initiatives {
        row = block(ws, init, row, false, &bold, &mut rng)? + 1;
    }

    while sub.budget_lines.len() < lines {
        let k = sub.budget_lines.len();
        let group = if k < lines / 2 {
            g1.clone()
        } else {
            g2.clone()
        };
        let mut amounts = YearMap::new();
        for y in &years {
            if rng.chance(90) || amounts.is_empty() {
                amounts.insert(y.into(), amount(&mut rng));
            }
        }
        sub.budget_lines.push(BudgetLine {
            group: group.clone(),
            format_group: group,
            title: format!(
                "{} – {} (konto {})",
                rng.pick(EXTRA_LINES),
                rng.pick(PLACES),
                1_000_000 + k
            ),
            amounts,
            ..Default::default()
        });
    }

    let ws = wb.add_worksheet();
    ws.set_name("Økonomi")?;
    let mio = Decimal::from(1_000_000);
    ws.write_string_with_format(0, 0, "Beløb i mio. kr.", &bold)?;
    for (i, y) in years.iter().enumerate() {
        ws.write_number_with_format(0, 1 + i as u16, y.parse::<f64>().unwrap_or(0.0), &bold)?;
    }
    ws.write_string_with_format(0, 1 + years.len() as u16, "I alt", &bold)?;
    let mut row = 1;
    let mut current: Option<&Option<String>> = None;
    for l in &sub.budget_lines {
        if current != Some(&l.format_group) {
            ws.write_string_with_format(row, 0, l.format_group.as_deref().unwrap_or(""), &bold)?;
            row += 1;
            current = Some(&l.format_group);
        }
        ws.write_string(row, 0, &l.title)?;
        number_row(ws, row, 1, &years, &l.amounts, line_total(l), mio)?;
        row += 1;
    }
    let all: Vec<&BudgetLine> = sub.budget_lines.iter().collect();
    let (per, total) = sums(&all, &years);
    ws.write_string_with_format(row, 0, "I alt", &bold)?;
    number_row(ws, row, 1, &years, &per, Some(total), mio)?;
    let bytes = wb.save_to_buffer()?;
    let expect = Expect {
        file: HUGE_FILE.to_string(),
        layout: Layout::Huge,
        initiatives: sub.initiatives.len(),
        section2: 0,
        budget_lines: sub.budget_lines.len(),
        stated_totals: 1,
        line_sum: line_sum(&sub),
        planted_total_error: false,
        duplicate_title: false,
        submission: sub,
    };
    Ok(Generated { bytes, expect })
}

// ---------------------------------------------------------------------------

/// Rewrites an xlsx so its bytes do not depend on the clock: the document's
/// created/modified times (rust_xlsxwriter writes "now" unless told
/// otherwise) become 2008-03-03.
fn fixed_zip_times(bytes: &[u8]) -> Result<Vec<u8>, SynthError> {
    let zerr = |e: zip::result::ZipError| SynthError::Zip(e.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zerr)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(zerr)?;
        let name = f.name().map_err(zerr)?.into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data)?;
        if name == "docProps/core.xml" {
            let mut text = String::from_utf8_lossy(&data).into_owned();
            for tag in ["dcterms:created", "dcterms:modified"] {
                let open = format!("<{tag} xsi:type=\"dcterms:W3CDTF\">");
                let close = format!("</{tag}>");
                if let (Some(a), Some(b)) = (text.find(&open), text.find(&close)) {
                    let start = a + open.len();
                    if start <= b {
                        text.replace_range(start..b, "2008-03-03T12:00:00Z");
                    }
                }
            }
            data = text.into_bytes();
        }
        out.start_file(name, opts).map_err(zerr)?;
        out.write_all(&data)?;
    }
    Ok(out.finish().map_err(zerr)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_spread() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r = Rng::new(7);
        let mut seen = [0usize; 4];
        for _ in 0..4000 {
            seen[r.below(4)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 900), "{seen:?}");
    }

    #[test]
    fn amounts_in_cells_are_danish() {
        let k = Decimal::from(2_410_000);
        assert_eq!(amount_text(k, 0), "2,41 mio.");
        assert_eq!(amount_text(k, 1), "2,41 mio. kr.");
        assert_eq!(amount_text(k, 2), "2.410 t.kr.");
        assert_eq!(amount_text(k, 3), "2.410.000 kr.");
        assert_eq!(amount_text(-Decimal::from(500_000), 0), "÷ 0,5 mio.");
    }

    #[test]
    fn file_names_are_ascii_and_ordered() {
        assert_eq!(
            file_name(41, "Mål- og Rammekontor for Misbrug og Bolig"),
            "00042-maal-og-rammekontor-for-misbru.xlsx"
        );
    }
}
