//! `OUT/rapport.html` (contract §4): the pack for a browser — the status per
//! department, the findings by department, the economic overview with a
//! chart, and links to the pack's files. One self-contained page: no
//! external files, fonts or scripts, readable with scripting off, printable
//! on A4.
//!
//! Every text that came from a submission (department names, titles, file
//! names, findings quoting cells) goes through [`html::escape`]: a title
//! `<script>alert(1)</script>` shows as text.
//!
//! **Reloading in watch mode.** A page built by `bilag watch` reloads itself
//! when a newer build is published, with no server: every
//! [`RELOAD_SECONDS`] an inline script loads the sibling file
//! [`RELOAD_SCRIPT`] (written with every build, published with the pack),
//! which calls `bilagBuild("<build id>")`; when that id is not the
//! page's own, the page reloads. A page opened from disk (`file://`) may load
//! a sibling script, but not read a sibling file, which is why it is a script
//! and not JSON. With scripting off a `<noscript>` refresh reloads the page
//! every [`RELOAD_SECONDS`] instead. A page built by `bilag build` has
//! neither: it is a document to read, print or mail, and does not change.
//!
//! ```
//! use bilag::format::Format;
//! use bilag::model::Model;
//! use bilag::write::report::{report_html, BuildInfo};
//! let build = BuildInfo { id: "20261205T013728-1".into(), time: "2026-12-05T01:37:28+01:00".into(), watch: false, pdf: false };
//! let html = report_html(&Model::default(), &[], &Format::default_format(), &build);
//! assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
//! ```

mod chart;
pub(crate) mod html;

use crate::finding::{count_by_severity, Finding};
use crate::format::Format;
use crate::model::Model;
use crate::normalize::danish::{format_amount, Unit};
use crate::reconcile::departments::{department_name, Status, StatusRow};
use crate::write::overview::{Overview, OverviewGroup};
use html::push_escaped;
use std::collections::HashMap;
use std::fmt::Write as _;

/// File name of the report in the pack.
pub const RAPPORT_HTML: &str = "rapport.html";
/// File name of the script every build writes beside the report; it names
/// the latest build (see the module docs).
pub const RELOAD_SCRIPT: &str = "rapport-build.js";
/// At most this many budget lines are shown on the page's overview.
pub const MAX_LINES: usize = 2_500;

/// How often a page built by watch looks for a newer build.
pub const RELOAD_SECONDS: u32 = 5;

/// The build a report belongs to (as in pack.json).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildInfo {
    /// Build id, unique within OUT.
    pub id: String,
    /// When the build ran (RFC 3339).
    pub time: String,
    /// Built by `bilag watch`: the page reloads itself when a newer build
    /// is published.
    pub watch: bool,
    /// Built with `--pdf`: the pack also has appendix.pdf and oversigt.pdf,
    /// and the page links them.
    pub pdf: bool,
}

/// The contents of [`RELOAD_SCRIPT`] for a build.
pub fn reload_script(build: &BuildInfo) -> String {
    format!("bilagBuild({});\n", js_string(&build.id))
}

/// A JavaScript string literal that is also safe inside `<script>`.
fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// The report page for one build. Pure: the caller writes it.
pub fn report_html(
    model: &Model,
    findings: &[Finding],
    format: &Format,
    build: &BuildInfo,
) -> String {
    let status = Status::of(model, findings, format);
    let overview = Overview::build(model, format);
    let unit = crate::reconcile::display_unit(format);
    let mut p = Page {
        out: String::with_capacity(64 * 1024 + findings.len() * 400),
    };
    p.head(format, build);
    p.header(format, build, &status, findings);
    p.out.push_str("<main>\n");
    p.status(&status);
    p.findings(findings, &status);
    p.overview(model, format, &overview, findings, &unit);
    p.chart(format, &overview, &unit);
    p.out.push_str("</main>\n");
    p.footer(build);
    p.out
}

/// The page being written.
struct Page {
    out: String,
}

/// A column's header: its text and whether it holds numbers.
type Col<'a> = (&'a str, bool);

const STYLE: &str = include_str!("report.css");

impl Page {
    fn text(&mut self, s: &str) {
        push_escaped(&mut self.out, s);
    }

    fn head(&mut self, format: &Format, build: &BuildInfo) {
        self.out.push_str(
            "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        );
        self.text(&format!(
            "Rapport – {} – kørsel {}",
            format.committee, build.id
        ));
        self.out.push_str("</title>\n");
        if build.watch {
            let _ = writeln!(
                self.out,
                "<noscript><meta http-equiv=\"refresh\" content=\"{RELOAD_SECONDS}\"></noscript>"
            );
            let _ = writeln!(
                self.out,
                "<script>\n(function () {{\n  var me = {id};\n  window.bilagBuild = function (id) {{ if (id !== me) {{ location.reload(); }} }};\n  setInterval(function () {{\n    var s = document.createElement(\"script\");\n    s.src = \"{RELOAD_SCRIPT}?\" + Date.now();\n    s.onload = s.onerror = function () {{ s.remove(); }};\n    document.head.appendChild(s);\n  }}, {ms});\n}})();\n</script>",
                id = js_string(&build.id),
                ms = RELOAD_SECONDS * 1000
            );
        }
        self.out.push_str("<style>\n");
        self.out.push_str(STYLE);
        self.out.push_str("</style>\n</head>\n<body>\n");
    }

    fn header(
        &mut self,
        format: &Format,
        build: &BuildInfo,
        status: &Status,
        findings: &[Finding],
    ) {
        self.out
            .push_str("<header>\n<h1>Rapport over bilagspakken</h1>\n<p class=\"undertitel\">");
        self.text(&format.title());
        self.out.push_str("</p>\n<p class=\"opsummering\">");
        self.text(&status.summary());
        let (e, w, i) = count_by_severity(findings);
        let _ = write!(
            self.out,
            ".</p>\n<p class=\"fund-antal\">Fund: <span class=\"{}\">{e} fejl</span>, {w} {}, {i} info.</p>\n",
            if e > 0 { "fejl" } else { "ingen-fejl" },
            if w == 1 { "advarsel" } else { "advarsler" }
        );
        self.out.push_str("<p class=\"koersel\">Kørsel ");
        self.text(&build.id);
        self.out.push_str(", ");
        self.text(&time_dk(&build.time));
        if build.watch {
            self.out.push_str(
                " · bygget af <code>bilag watch</code>: siden opdaterer sig selv, når en ny kørsel er færdig",
            );
        }
        self.out.push_str(".</p>\n<nav aria-label=\"Pakkens filer\">\n<h2 id=\"filer\">Pakkens filer</h2>\n<ul class=\"filer\">\n");
        for (file, what) in [
            (
                crate::inbox::pack::BUDGET_XLSX,
                "regnearket: oversigt, status, afdelingsark, kilder og afstemning",
            ),
            (
                crate::inbox::pack::APPENDIX_DOCX,
                "bilaget i udvalgets format",
            ),
            (
                crate::inbox::pack::MODEL_JSON,
                "alt det læste, til programmer",
            ),
            (crate::inbox::pack::FINDINGS_JSON, "fundene, til programmer"),
            (
                crate::inbox::pack::PACK_JSON,
                "kørslen: hvilke filer, med kontrolsummer",
            ),
        ] {
            let _ = writeln!(self.out, "<li><a href=\"{file}\">{file}</a> – {what}</li>");
        }
        if build.pdf {
            for (file, what) in [
                (
                    crate::write::pdf::APPENDIX_PDF,
                    "bilaget som PDF, til udvalget",
                ),
                (
                    crate::write::pdf::OVERSIGT_PDF,
                    "arket med den økonomiske oversigt som PDF",
                ),
            ] {
                let _ = writeln!(self.out, "<li><a href=\"{file}\">{file}</a> – {what}</li>");
            }
        }
        self.out.push_str("</ul>\n</nav>\n</header>\n");
    }

    /// `<table>` with a caption and a header row; the caller writes the rows
    /// and [`Page::table_end`].
    fn table_start(&mut self, class: &str, caption: &str, cols: &[Col<'_>]) {
        let _ = write!(
            self.out,
            "<div class=\"rul\"><table class=\"{class}\">\n<caption>"
        );
        self.text(caption);
        self.out.push_str("</caption>\n<thead><tr>");
        for (h, num) in cols {
            self.out.push_str(if *num {
                "<th scope=\"col\" class=\"tal\">"
            } else {
                "<th scope=\"col\">"
            });
            self.text(h);
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
    }

    fn table_end(&mut self) {
        self.out.push_str("</tbody>\n</table></div>\n");
    }

    fn cell(&mut self, s: &str) {
        self.out.push_str("<td>");
        self.text(s);
        self.out.push_str("</td>");
    }

    /// A cell with a class (a fixed word of ours).
    fn cell_class(&mut self, s: &str, class: &str) {
        let _ = write!(self.out, "<td class=\"{class}\">");
        self.text(s);
        self.out.push_str("</td>");
    }

    /// A cell whose column `label` (a fixed Danish word) a narrow screen
    /// shows before it, where the row is a block (`data-label`).
    fn labelled(&mut self, s: &str, label: &str) {
        let _ = write!(self.out, "<td data-label=\"{label}\">");
        self.text(s);
        self.out.push_str("</td>");
    }

    fn num(&mut self, n: usize) {
        let _ = write!(self.out, "<td class=\"tal\">{n}</td>");
    }

    fn status(&mut self, status: &Status) {
        self.out.push_str(
            "<section aria-labelledby=\"status\">\n<h2 id=\"status\">Status pr. afdeling</h2>\n",
        );
        if status.submitted.is_empty() {
            self.out.push_str("<p>Ingen indberetninger er læst.</p>\n");
        } else {
            self.table_start(
                "status",
                "Gældende indberetninger: én pr. afdeling",
                &[
                    ("Afdeling", false),
                    ("Fil", false),
                    ("Dato", false),
                    ("Modtaget", false),
                    ("Statusskemaer", true),
                    ("Budgetlinjer", true),
                    ("Fejl", true),
                    ("Advarsler", true),
                ],
            );
            for r in &status.submitted {
                self.status_row(r);
            }
            self.table_end();
        }
        if !status.missing.is_empty() {
            self.out
                .push_str("<h3>Mangler</h3>\n<p>Disse afdelinger på afdelingslisten har ikke afleveret en fil, der kan læses:</p>\n<ul class=\"mangler\">\n");
            for m in &status.missing {
                self.out.push_str("<li>");
                self.text(m);
                self.out.push_str("</li>\n");
            }
            self.out.push_str("</ul>\n");
        }
        if !status.set_aside.is_empty() {
            self.out.push_str("<h3>Lagt til side</h3>\n");
            self.table_start(
                "til-side",
                "Filer, der ikke tælles med, fordi en anden fil er gældende",
                &[
                    ("Fil", false),
                    ("Afdeling", false),
                    ("Årsag", false),
                    ("Gældende fil", false),
                    ("Dato", false),
                ],
            );
            for s in &status.set_aside {
                self.out.push_str("<tr>");
                self.cell(&s.source);
                self.cell(s.department.as_deref().unwrap_or(""));
                self.cell(s.reason.danish());
                self.cell(&s.current);
                self.cell_class(&s.date.as_deref().map(date_dk).unwrap_or_default(), "dato");
                self.out.push_str("</tr>\n");
            }
            self.table_end();
        }
        if !status.rejected.is_empty() {
            self.out.push_str("<h3>Afviste filer</h3>\n");
            self.table_start(
                "afvist",
                "Filer, der ikke kunne læses som en indberetning",
                &[("Fil", false), ("Årsag", false)],
            );
            for r in &status.rejected {
                self.out.push_str("<tr>");
                self.cell(&r.file);
                self.cell(&r.reason);
                self.out.push_str("</tr>\n");
            }
            self.table_end();
        }
        self.out.push_str("</section>\n");
    }

    fn status_row(&mut self, r: &StatusRow) {
        self.out.push_str("<tr><th scope=\"row\">");
        match &r.department {
            Some(d) => self.text(d),
            None => self
                .out
                .push_str("<span class=\"svag\">Ikke angivet på forsiden</span>"),
        }
        self.out.push_str("</th>");
        self.cell(&r.file);
        self.cell_class(&r.date.as_deref().map(date_dk).unwrap_or_default(), "dato");
        self.cell_class(
            &r.received.as_deref().map(time_dk).unwrap_or_default(),
            "dato",
        );
        self.num(r.initiatives);
        self.num(r.budget_lines);
        let _ = write!(
            self.out,
            "<td class=\"tal{}\">{}</td>",
            if r.errors > 0 { " fejl" } else { "" },
            r.errors
        );
        self.num(r.warnings);
        self.out.push_str("</tr>\n");
    }

    fn findings(&mut self, findings: &[Finding], status: &Status) {
        self.out.push_str(
            "<section aria-labelledby=\"fund\">\n<h2 id=\"fund\">Fund pr. afdeling</h2>\n",
        );
        if findings.is_empty() {
            self.out
                .push_str("<p>Ingen fund: alle tal stemmer, og intet mangler.</p>\n</section>\n");
            return;
        }
        self.out
            .push_str("<p>Fejl først, så advarsler og info. Hvert fund siger, hvilken fil, hvilket ark og hvilken celle der skal ses på.</p>\n");
        for (name, group) in findings_by_department(findings, status) {
            let (e, w, i) = count_by_severity(group.iter().copied());
            // One block per department: printed whole on a page when it fits.
            self.out.push_str("<div class=\"afdeling\">\n<h3>");
            self.text(&name);
            let _ = writeln!(
                self.out,
                " <span class=\"antal\">({e} fejl, {w} {}, {i} info)</span></h3>",
                if w == 1 { "advarsel" } else { "advarsler" }
            );
            self.table_start(
                "fund",
                &format!("Fund for {name}"),
                &[
                    ("Alvor", false),
                    ("Fil", false),
                    ("Ark", false),
                    ("Celle", false),
                    ("Besked", false),
                ],
            );
            for f in group {
                let _ = write!(
                    self.out,
                    "<tr class=\"{sev}\"><td class=\"alvor-celle\"><span class=\"alvor {sev}\">{}</span></td>",
                    f.severity.danish(),
                    sev = f.severity.danish()
                );
                self.labelled(&f.file, "Fil");
                self.labelled(f.sheet.as_deref().unwrap_or(""), "Ark");
                self.labelled(f.cell.as_deref().unwrap_or(""), "Celle");
                self.out.push_str("<td class=\"besked\">");
                self.text(&f.message);
                self.out.push_str("</td></tr>\n");
            }
            self.table_end();
            self.out.push_str("</div>\n");
        }
        self.out.push_str("</section>\n");
    }

    fn overview(
        &mut self,
        model: &Model,
        format: &Format,
        ov: &Overview,
        findings: &[Finding],
        unit: &Unit,
    ) {
        self.out.push_str(
            "<section aria-labelledby=\"oversigt\">\n<h2 id=\"oversigt\">Økonomisk oversigt</h2>\n",
        );
        let groups: Vec<&OverviewGroup> =
            ov.groups.iter().filter(|g| !g.lines.is_empty()).collect();
        if groups.is_empty() {
            self.out
                .push_str("<p>Indberetningerne har ingen budgetlinjer.</p>\n</section>\n");
            return;
        }
        let _ = writeln!(
            self.out,
            "<p>Beløb i {}, som bilag har lagt dem sammen fra budgetlinjerne. En afdelings egen I alt-celle vises kun, hvor den afviger.</p>",
            html::escape(unit.name)
        );
        let total_label = &format.document.total_column_label;
        let amount = |d: &rust_decimal::Decimal| format_amount(*d, unit);
        let departments: Vec<Option<String>> = model
            .submissions
            .iter()
            .map(|s| department_name(s, format))
            .collect();
        let stated_differs = |g: &OverviewGroup| {
            g.lines.iter().any(|l| {
                model.submissions[l.submission].budget_lines[l.line]
                    .stated_total
                    .is_some_and(|s| s != l.total)
            })
        };
        let show_stated = groups.iter().any(|g| stated_differs(g));
        let mut cols: Vec<Col<'_>> = vec![("Budgetlinje", false), ("Afdeling", false)];
        cols.extend(ov.years.iter().map(|y| (y.as_str(), true)));
        cols.push((total_label.as_str(), true));
        if show_stated {
            cols.push(("Angivet I alt", true));
        }
        let ncols = cols.len();
        self.table_start(
            "oversigt",
            &format!("{} ({})", format.document.total_caption, unit.name),
            &cols,
        );
        let mut shown = 0usize;
        for g in &groups {
            let name = g.name.clone().unwrap_or_else(|| "Uden overskrift".into());
            let _ = write!(
                self.out,
                "<tr class=\"gruppe\"><th scope=\"rowgroup\" colspan=\"{ncols}\">"
            );
            self.text(&name);
            self.out.push_str("</th></tr>\n");
            // A page of 200,000 lines helps nobody and costs seconds: past
            // MAX_LINES the lines are counted, not shown (every total is
            // still the sum of all of them; budget.xlsx has each line).
            let room = MAX_LINES.saturating_sub(shown).min(g.lines.len());
            shown += room;
            for l in &g.lines[..room] {
                self.out.push_str("<tr><th scope=\"row\">");
                self.text(&l.title);
                self.out.push_str("</th>");
                self.cell(departments[l.submission].as_deref().unwrap_or(""));
                for y in &ov.years {
                    let t = l.amounts.get(y).map(amount).unwrap_or_default();
                    self.amount_cell(&t, "");
                }
                let t = if l.amounts.is_empty() {
                    String::new()
                } else {
                    amount(&l.total)
                };
                self.amount_cell(&t, "");
                if show_stated {
                    let stated = model.submissions[l.submission].budget_lines[l.line].stated_total;
                    match stated {
                        Some(s) if s != l.total => self.amount_cell(&amount(&s), " afviger"),
                        _ => self.amount_cell("", ""),
                    }
                }
                self.out.push_str("</tr>\n");
            }
            if room < g.lines.len() {
                let _ = writeln!(
                    self.out,
                    "<tr class=\"flere\"><td colspan=\"{ncols}\">{} flere budgetlinjer i gruppen vises ikke her (siden viser højst {} linjer); de står alle på arket Økonomisk oversigt i budget.xlsx, og totalerne nedenfor medregner dem.</td></tr>",
                    crate::normalize::danish::format_danish_decimal((g.lines.len() - room).into()),
                    crate::normalize::danish::format_danish_decimal(MAX_LINES.into()),
                );
            }
            self.out
                .push_str("<tr class=\"sum\"><th scope=\"row\" colspan=\"2\">");
            self.text(&format!("{total_label}: {name}"));
            self.out.push_str("</th>");
            for y in &ov.years {
                let any = g.lines.iter().any(|l| l.amounts.contains_key(y));
                let t = if any {
                    amount(&g.totals[y])
                } else {
                    String::new()
                };
                self.amount_cell(&t, "");
            }
            self.amount_cell(&amount(&g.total), "");
            if show_stated {
                self.amount_cell("", "");
            }
            self.out.push_str("</tr>\n");
        }
        self.out
            .push_str("<tr class=\"i-alt\"><th scope=\"row\" colspan=\"2\">");
        self.text(&format.document.grand_total_label);
        self.out.push_str("</th>");
        for y in &ov.years {
            self.amount_cell(&amount(&ov.totals[y]), "");
        }
        self.amount_cell(&amount(&ov.grand_total), "");
        if show_stated {
            self.amount_cell("", "");
        }
        self.out.push_str("</tr>\n");
        self.table_end();
        self.stated_totals(model, &departments, findings, unit);
        self.out.push_str("</section>\n");
    }

    fn amount_cell(&mut self, text: &str, class: &str) {
        let _ = write!(self.out, "<td class=\"tal{class}\">");
        self.text(text);
        self.out.push_str("</td>");
    }

    /// The departments' stated total rows whose amounts differ from bilag's
    /// sums: the reconciliation (total-mismatch) found them; its message
    /// names both numbers.
    fn stated_totals(
        &mut self,
        model: &Model,
        departments: &[Option<String>],
        findings: &[Finding],
        unit: &Unit,
    ) {
        let mismatches: HashMap<(&str, &str, &str), &Finding> = findings
            .iter()
            .filter(|f| f.code == crate::finding::Code::TotalMismatch)
            .map(|f| {
                (
                    (
                        f.file.as_str(),
                        f.sheet.as_deref().unwrap_or(""),
                        f.cell.as_deref().unwrap_or(""),
                    ),
                    f,
                )
            })
            .collect();
        if mismatches.is_empty() {
            return;
        }
        let mut rows: Vec<(usize, String, String, String, &Finding)> = Vec::new();
        for (si, sub) in model.submissions.iter().enumerate() {
            for t in &sub.stated_totals {
                let sheet = t.source.sheet.as_str();
                let at = |cell: &str| mismatch_at(&mismatches, (&sub.source, sheet, cell));
                for (year, a) in &t.amounts {
                    let cell = t
                        .amount_sources
                        .get(year)
                        .map_or(t.source.cell.as_str(), |s| s.cell.as_str());
                    if let Some(f) = at(cell) {
                        rows.push((
                            si,
                            t.title.clone(),
                            year.to_string(),
                            format_amount(*a, unit),
                            f,
                        ));
                    }
                }
                if let Some(total) = t.total {
                    let cell = t
                        .total_source
                        .as_ref()
                        .map_or(t.source.cell.as_str(), |s| s.cell.as_str());
                    if let Some(f) = at(cell) {
                        rows.push((
                            si,
                            t.title.clone(),
                            "I alt".into(),
                            format_amount(total, unit),
                            f,
                        ));
                    }
                }
            }
        }
        if rows.is_empty() {
            return;
        }
        self.out.push_str("<h3>Angivne totaler, der afviger</h3>\n");
        self.table_start(
            "afvigelser",
            "Totalrækker i afdelingernes ark, der ikke stemmer med summen af linjerne",
            &[
                ("Afdeling", false),
                ("Totalrække", false),
                ("År", false),
                ("Angivet", true),
                ("Celle", false),
                ("Afstemning", false),
            ],
        );
        for (si, title, year, stated, f) in rows {
            self.out.push_str("<tr>");
            self.cell(
                departments[si]
                    .as_deref()
                    .unwrap_or(&model.submissions[si].source),
            );
            self.cell(&title);
            self.cell(&year);
            self.amount_cell(&stated, " afviger");
            self.cell(&format!(
                "{} › {}",
                f.sheet.as_deref().unwrap_or(""),
                f.cell.as_deref().unwrap_or("")
            ));
            self.out.push_str("<td class=\"besked\">");
            self.text(&f.message);
            self.out.push_str("</td></tr>\n");
        }
        self.table_end();
    }

    fn chart(&mut self, format: &Format, ov: &Overview, unit: &Unit) {
        let unnamed = "Uden overskrift";
        let series = chart::series(ov, unit, unnamed);
        let Some(svg) = chart::svg(&ov.years, &series, unit) else {
            return;
        };
        self.out.push_str(
            "<section aria-labelledby=\"diagram\">\n<h2 id=\"diagram\">Diagram: årlige beløb pr. gruppe</h2>\n<figure>\n",
        );
        self.out.push_str(&svg);
        self.out.push_str("\n<ul class=\"forklaring\">\n");
        for (k, s) in series.iter().enumerate() {
            let (r, g, b) = chart::COLOURS[k % chart::COLOURS.len()];
            let _ = write!(
                self.out,
                "<li><span class=\"farve\" style=\"background:#{r:02x}{g:02x}{b:02x}\"></span>"
            );
            self.text(&s.name);
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ul>\n<figcaption>");
        self.text(&format!(
            "Summen af budgetlinjerne pr. år og gruppe, i {}; tallene står i tabellen ovenfor ({}).",
            unit.name, format.document.total_caption
        ));
        self.out.push_str("</figcaption>\n</figure>\n</section>\n");
    }

    fn footer(&mut self, build: &BuildInfo) {
        self.out.push_str("<footer><p>Skrevet af bilag, kørsel ");
        self.text(&build.id);
        self.out.push_str(
            ". Se pack.json for kontrolsummerne af pakkens filer.</p></footer>\n</body>\n</html>\n",
        );
    }
}

/// The findings grouped for the report: each department (in the status's
/// order) with the findings of its files, then files without a department
/// on the Forside, then other files (rejected ones), then the roster's own
/// findings (no file: "Afdelingslisten"). Within a group errors come first.
fn findings_by_department<'f>(
    findings: &'f [Finding],
    status: &Status,
) -> Vec<(String, Vec<&'f Finding>)> {
    const NO_DEPARTMENT: &str = "Afdeling ikke angivet på forsiden";
    const OTHER: &str = "Øvrige filer";
    const ROSTER: &str = "Afdelingslisten";
    let mut order: Vec<String> = Vec::new();
    let mut of_file: HashMap<&str, usize> = HashMap::new();
    let index = |name: &str, order: &mut Vec<String>| match order.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            order.push(name.to_string());
            order.len() - 1
        }
    };
    for r in &status.submitted {
        let i = index(r.department.as_deref().unwrap_or(NO_DEPARTMENT), &mut order);
        of_file.insert(r.file.as_str(), i);
    }
    for s in &status.set_aside {
        if let Some(&i) = of_file.get(s.current.as_str()) {
            of_file.insert(s.source.as_str(), i);
        }
    }
    let other = index(OTHER, &mut order);
    let roster = index(ROSTER, &mut order);
    let mut groups: Vec<Vec<&Finding>> = vec![Vec::new(); order.len()];
    for f in findings {
        let g = if f.file.is_empty() {
            roster
        } else {
            of_file.get(f.file.as_str()).copied().unwrap_or(other)
        };
        groups[g].push(f);
    }
    for g in &mut groups {
        g.sort_by_key(|f| f.severity);
    }
    order
        .into_iter()
        .zip(groups)
        .filter(|(_, g)| !g.is_empty())
        .collect()
}

/// The total-mismatch finding at (file, sheet, cell), if any.
fn mismatch_at<'f>(
    mismatches: &HashMap<(&str, &str, &str), &'f Finding>,
    key: (&str, &str, &str),
) -> Option<&'f Finding> {
    mismatches.get(&key).copied()
}

use crate::normalize::danish::date_dk;

/// A received or build time to the minute ([`crate::normalize::danish::time_dk`]).
fn time_dk(s: &str) -> String {
    crate::normalize::danish::time_dk(s, false)
}

#[cfg(test)]
mod tests;
