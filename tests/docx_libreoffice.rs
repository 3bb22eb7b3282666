//! LibreOffice opens the appendix: headless conversion to PDF succeeds and
//! the PDF's text (pdftotext) holds every text of the seed's appendix in
//! order; converted to ODT, the document's language is Danish. Skips with a
//! note when soffice or pdftotext is missing.

mod docx_support;

mod external;
use bilag::write::docx::write_appendix;
use docx_support::*;
use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Converts `file` with LibreOffice into `dir`, with a profile of its own so
/// parallel runs and a running LibreOffice do not block each other.
fn convert(file: &Path, to: &str, dir: &Path) -> std::path::PathBuf {
    let profile = dir.join(format!("lo-profile-{to}"));
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .expect("soffice runs");
    let target = dir.join(file.with_extension(to).file_name().unwrap());
    assert!(
        out.status.success() && target.exists(),
        "soffice --convert-to {to} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    target
}

/// The PDF's text without what page breaks add: the footer ("Side 2 af 5")
/// and the header rows a table repeats at the top of a page.
fn pdf_text(pdf: &Path, repeated: &[String]) -> (String, usize) {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let mut kept = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let footer = format!("Side {} af {}", i + 1, pages.len());
        assert_eq!(
            lines.last().map(|l| l.trim()),
            Some(footer.as_str()),
            "page {}",
            i + 1
        );
        lines.pop();
        // A repeat is a header-row text already seen before this page.
        while lines.first().is_some_and(|l| {
            repeated.iter().any(|r| r == l.trim())
                && kept.iter().any(|k: &&str| k.trim() == l.trim())
        }) {
            lines.remove(0);
        }
        kept.extend(lines);
    }
    (kept.join("\n"), pages.len())
}

#[test]
fn libreoffice_converts_the_seed_appendix_to_a_pdf_with_every_text() {
    if !external::available(
        "LibreOffice (soffice) or poppler-utils (pdftotext)",
        have("soffice") && have("pdftotext"),
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("appendix.docx");
    write_appendix(&seed_model(), &seed_format(), &docx).unwrap();
    let pdf = convert(&docx, "pdf", dir.path());

    // Rows a table may repeat at the top of a page: initiative titles and
    // the economic table's header row.
    let model = seed_model();
    let mut repeated: Vec<String> = model.submissions[0]
        .initiatives
        .iter()
        .map(|i| i.title.clone())
        .collect();
    repeated.extend(
        [
            "Integrationsindsatser i relation til mål i integrationspolitikken",
            "2008",
            "2009",
            "2010",
            "2011",
            "I alt",
        ]
        .map(String::from),
    );
    let (text, pages) = pdf_text(&pdf, &repeated);
    assert!((3..=8).contains(&pages), "{pages} pages");
    // The letter head sets labels and values in tab-aligned columns, which
    // pdftotext reads column by column: there, every text must be on the
    // first page; from the title on, in the seed's order.
    let texts = seed_texts();
    let title = texts
        .iter()
        .position(|t| t.starts_with("Bilag 1:"))
        .unwrap();
    let (head, body) = texts.split_at(title);
    let first_page = squash(&text[..text.find(&texts[title]).unwrap()]);
    for t in head {
        assert!(
            first_page.contains(&squash(t)),
            "{t:?} not in the PDF's letter head"
        );
    }
    // pdftotext reads the many small cells of the economic table in no
    // reliable order: there, every text must be present (as often as the
    // table has it) after the section heading.
    let econ = body
        .iter()
        .position(|t| t.starts_with("3. Økonomiske oversigt"))
        .unwrap();
    let (before, table) = body.split_at(econ + 1);
    assert_in_order(&text, before, "PDF");
    let heading = squash(&before[econ]);
    let squashed = squash(&text);
    let rest = &squashed[squashed.find(&heading).unwrap() + heading.len()..];
    for t in table {
        let want = table.iter().filter(|x| *x == t).count();
        let have = rest.matches(squash(t).as_str()).count();
        assert!(
            have >= want,
            "{t:?}: {have} times in the PDF's table, want {want}"
        );
    }
}

#[test]
fn libreoffice_sees_the_document_as_danish() {
    if !external::available("LibreOffice (soffice)", have("soffice")) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("appendix.docx");
    write_appendix(&seed_model(), &seed_format(), &docx).unwrap();
    let odt = convert(&docx, "odt", dir.path());
    let styles = part(&std::fs::read(odt).unwrap(), "styles.xml").unwrap();
    let styles = String::from_utf8(styles).unwrap();
    assert!(
        styles.contains(r#"fo:language="da" fo:country="DK""#),
        "no Danish default language in the ODT's styles"
    );
}
