//! rapport.html in a real browser (issue 16): `bilag build` writes it with
//! the pack; headless Chromium renders it (DOM, screenshots at desktop and
//! phone width, printed to PDF), and a submission's markup shows as text.
//!
//! Needs `chromium` (and `pdfinfo`/`pdftotext` for the PDF):
//! `scripts/install-test-deps.sh` installs them. Without them a test prints a
//! note and passes — unless `BILAG_REQUIRE_EXTERNAL=1` (CI), where it fails.

mod common;

use common::cli::{command, have};
use common::{json, pack_json};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEPARTMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/departments");

/// Whether `tools` are all installed; when one is not, fails under
/// `BILAG_REQUIRE_EXTERNAL=1` and otherwise prints why the test is skipped.
fn tools(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    let note = format!(
        "{test}: {} mangler (scripts/install-test-deps.sh installerer det)",
        missing.join(", ")
    );
    if std::env::var("BILAG_REQUIRE_EXTERNAL").as_deref() == Ok("1") {
        panic!("{note}; BILAG_REQUIRE_EXTERNAL=1 kræver det");
    }
    eprintln!("springer over: {note}");
    false
}

/// `bilag build INBOX --out <tmp>/out`; returns OUT.
fn build(inbox: &Path, tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    let o = command()
        .arg("build")
        .arg(inbox)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .expect("bilag runs");
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "bilag build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("rapport.html").is_file());
    out
}

/// Runs headless Chromium on OUT/rapport.html with `args`, a profile of its
/// own, no network; returns stdout.
fn chromium(out: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let page = format!("file://{}", out.join("rapport.html").display());
    let o = Command::new("timeout")
        .args(["120", "chromium"])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(page)
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "chromium {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn dump_dom(out: &Path) -> String {
    chromium(out, &["--dump-dom".to_string()])
}

/// A text as the browser serializes it in a text node.
fn as_dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

#[test]
fn the_dom_holds_every_department_the_grand_total_and_every_finding() {
    if !tools("report_html", &["chromium"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = build(Path::new(DEPARTMENTS), tmp.path());
    let dom = dump_dom(&out);
    assert!(dom.contains("<html lang=\"da\">"), "{dom}");

    let model = json(&out.join("model.json"));
    let departments: Vec<&str> = model["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["department"].as_str().unwrap())
        .collect();
    assert_eq!(departments.len(), 4);
    for d in departments {
        assert!(dom.contains(&as_dom_text(d)), "department {d} missing");
    }
    assert!(dom.contains(">I ALT</th>"));
    assert!(dom.contains(">81,66 mio.</td>"), "the grand total");

    let findings = json(&out.join("findings.json"));
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let m = f["message"].as_str().unwrap();
        assert!(dom.contains(&as_dom_text(m)), "finding missing: {m}");
    }
    let pack = pack_json(&out);
    let id = pack["build"].as_str().unwrap();
    assert!(dom.contains(&format!("Kørsel {id}, ")), "build id {id}");
    for f in [
        "budget.xlsx",
        "appendix.docx",
        "model.json",
        "findings.json",
        "pack.json",
    ] {
        assert!(dom.contains(&format!("<a href=\"{f}\">{f}</a>")), "{f}");
        assert!(out.join(f).is_file());
    }
    // rapport.html is a pack file: pack.json names it with its sha256.
    assert!(pack["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "rapport.html"));
    // Self-contained: nothing loaded from elsewhere.
    let html = std::fs::read_to_string(out.join("rapport.html")).unwrap();
    for external in ["<link", "src=\"http", "url(", "@import", "<script"] {
        assert!(!html.contains(external), "{external}");
    }
    // The chart, with its text alternative.
    assert!(dom.contains("<svg role=\"img\" aria-labelledby=\"diagram-titel diagram-beskrivelse\""));
}

/// Decodes a PNG: (width, height, share of non-white pixels, distinct
/// colours seen).
fn png_stats(path: &Path) -> (u32, u32, f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let mut inked = 0usize;
    let mut colours = std::collections::HashSet::new();
    for px in pixels.chunks(channels) {
        let rgb = &px[..3.min(channels)];
        if rgb.iter().any(|&c| c < 235) {
            inked += 1;
        }
        if colours.len() < 1000 {
            colours.insert(rgb.to_vec());
        }
    }
    let total = (info.width * info.height) as f64;
    (info.width, info.height, inked as f64 / total, colours.len())
}

#[test]
fn screenshots_at_desktop_and_phone_width_are_not_blank() {
    if !tools("report_html", &["chromium"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = build(Path::new(DEPARTMENTS), tmp.path());
    for width in [1280, 390] {
        let shot = tmp.path().join(format!("rapport-{width}.png"));
        chromium(
            &out,
            &[
                format!("--screenshot={}", shot.display()),
                format!("--window-size={width},2000"),
            ],
        );
        let (w, h, inked, colours) = png_stats(&shot);
        assert_eq!((w, h), (width, 2000));
        // Text and tables cover a good part of the page; a blank or
        // error page does not.
        assert!(
            inked > 0.03,
            "{width} px: only {inked:.3} of the page is drawn"
        );
        assert!(colours > 20, "{width} px: {colours} colours");
    }
}

#[test]
fn printed_to_pdf_it_is_a4_pages_with_the_texts() {
    if !tools("report_html", &["chromium", "pdfinfo", "pdftotext"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = build(Path::new(DEPARTMENTS), tmp.path());
    let pdf = tmp.path().join("rapport.pdf");
    chromium(
        &out,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .expect("pdfinfo names the pages");
    assert!((2..=6).contains(&pages), "{pages} pages");
    assert!(info.contains("(A4)"), "{info}");

    let text = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Rapport over bilagspakken",
        "4 afdelinger har afleveret",
        "Status pr. afdeling",
        "Fund pr. afdeling",
        "Økonomisk oversigt",
        "I ALT",
        "81,66 mio.",
        "SSP København, Sekretariatet",
        "Mål- og Rammekontor for Misbrug og Bolig",
        "Diagram: årlige beløb pr. gruppe",
    ] {
        assert!(flat.contains(want), "{want} missing from the PDF:\n{text}");
    }
    // Each section's heading starts a page's text or follows other text on
    // it, never alone at the foot of a page.
    for page in text.split('\u{c}').filter(|p| !p.trim().is_empty()) {
        let last = page.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(
            ![
                "Status pr. afdeling",
                "Fund pr. afdeling",
                "Økonomisk oversigt"
            ]
            .contains(&last.trim()),
            "a heading ends a page: {last}"
        );
    }
}

/// A submission whose department, initiative title and budget line are
/// markup that would run if it were not escaped.
fn hostile_workbook(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Forside").unwrap();
    ws.write_string(0, 0, "Udvalg").unwrap();
    ws.write_string(0, 1, "Socialudvalget").unwrap();
    ws.write_string(1, 0, "Kontor").unwrap();
    ws.write_string(1, 1, HOSTILE_DEPARTMENT).unwrap();
    ws.write_string(2, 0, "Dato").unwrap();
    ws.write_string(2, 1, "03-03-2008").unwrap();
    let ws = wb.add_worksheet().set_name("Statusskema 1").unwrap();
    ws.write_string(0, 0, HOSTILE_TITLE).unwrap();
    ws.write_string(1, 0, "Økonomi").unwrap();
    ws.write_string(1, 1, "Der er afsat 1,0 mio. kr.").unwrap();
    ws.write_string(2, 0, "Målgruppe").unwrap();
    ws.write_string(2, 1, "Børn").unwrap();
    let ws = wb.add_worksheet().set_name("Økonomi").unwrap();
    ws.write_string(0, 0, "Beløb i mio. kr.").unwrap();
    ws.write_string(2, 0, "Indsats").unwrap();
    ws.write_number(2, 1, 2008.0).unwrap();
    ws.write_number(2, 2, 2009.0).unwrap();
    ws.write_string(2, 3, "I alt").unwrap();
    ws.write_string(3, 0, HOSTILE_TITLE).unwrap();
    ws.write_number(3, 1, 1.0).unwrap();
    ws.write_number(3, 2, 2.0).unwrap();
    ws.write_number(3, 3, 4.0).unwrap();
    wb.save(path).unwrap();
}

const HOSTILE_TITLE: &str = "<script>document.body.setAttribute('data-pwned','script')</script>";
const HOSTILE_DEPARTMENT: &str =
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">";

#[test]
fn markup_in_a_submission_shows_as_text_and_runs_nothing() {
    if !tools("report_html", &["chromium"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    hostile_workbook(&inbox.join("ondsindet.xlsx"));
    let out = build(&inbox, tmp.path());
    let model = json(&out.join("model.json"));
    let sub = &model["submissions"][0];
    assert_eq!(sub["department"], HOSTILE_DEPARTMENT, "{model:#}");
    assert_eq!(sub["budget_lines"][0]["title"], HOSTILE_TITLE, "{model:#}");

    let dom = dump_dom(&out);
    assert!(!dom.contains("data-pwned=\""), "the markup ran:\n{dom}");
    assert!(!dom.contains("<script"), "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert!(dom.contains(&as_dom_text(HOSTILE_TITLE)));
    assert!(dom.contains(&as_dom_text(HOSTILE_DEPARTMENT)));
    // The finding quoting the title shows it as text too.
    assert!(dom.contains("&lt;script&gt;document.body"));
}
