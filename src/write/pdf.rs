//! PDF copies of the pack (`--pdf`): `appendix.pdf` from `appendix.docx`
//! and `oversigt.pdf` from the sheet "Økonomisk oversigt" of `budget.xlsx`,
//! made by LibreOffice headless.
//!
//! - LibreOffice runs with a profile of its own in a temporary folder
//!   (`-env:UserInstallation=…`): it never waits for, or disturbs, a
//!   LibreOffice the user has open, and two builds never share a profile.
//!   The profile is seeded with Danish as locale and document language, so
//!   numbers read "81,66" and the PDF says `/Lang(da-DK)` also for the
//!   workbook (which carries no language of its own).
//! - The PDFs are tagged for PDF/UA (see [`EXPORT_OPTIONS`]); the title is
//!   the document's own (dc:title of appendix.docx is the format's title).
//! - Only the first sheet of budget.xlsx goes into oversigt.pdf: LibreOffice
//!   converts a copy of the workbook in which every other sheet is hidden
//!   (Calc does not print hidden sheets). Hiding, not deleting, keeps the
//!   overview's formulas pointing at the department sheets, and the page
//!   count of the overview may grow without a page range to compute.
//! - Each conversion has a time limit ([`DEFAULT_TIME_LIMIT`]); past it the
//!   whole process group is killed and the error names the file.
//! - LibreOffice answers 0 even when it could not convert; success is the
//!   PDF being there.

use super::WriteError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// File name of the appendix as PDF in the pack.
pub const APPENDIX_PDF: &str = "appendix.pdf";
/// File name of the overview sheet as PDF in the pack.
pub const OVERSIGT_PDF: &str = "oversigt.pdf";

/// How long one conversion may take before LibreOffice is stopped.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(120);

/// The PDF export options (LibreOffice 7.4 and later read them as JSON in
/// `--convert-to`): a tagged PDF that declares PDF/UA, shows the document
/// title instead of the file name, keeps headings as bookmarks, and has no
/// comments or form fields.
pub const EXPORT_OPTIONS: &str = concat!(
    r#"{"UseTaggedPDF":{"type":"boolean","value":"true"},"#,
    r#""PDFUACompliance":{"type":"boolean","value":"true"},"#,
    r#""DisplayPDFDocumentTitle":{"type":"boolean","value":"true"},"#,
    r#""ExportBookmarks":{"type":"boolean","value":"true"},"#,
    r#""ExportNotes":{"type":"boolean","value":"false"},"#,
    r#""ExportFormFields":{"type":"boolean","value":"false"}}"#
);

/// The private profile's settings: Danish locale (number and date formats)
/// and Danish as default document language.
const PROFILE_SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>da-DK</value></prop></item>
<item oor:path="/org.openoffice.Linguistic/General"><prop oor:name="DefaultLocale" oor:op="fuse"><value>da-DK</value></prop></item>
</oor:items>
"#;

/// LibreOffice, found, and how long a conversion may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soffice {
    program: PathBuf,
    time_limit: Duration,
}

impl Soffice {
    /// Finds LibreOffice: `given` (a path, or a program name looked up on
    /// PATH), else `soffice` or `libreoffice` on PATH, else where the
    /// Windows and macOS installers put it.
    ///
    /// ```no_run
    /// let soffice = bilag::write::pdf::Soffice::find(None)?;
    /// println!("{}", soffice.program().display());
    /// # Ok::<(), bilag::write::WriteError>(())
    /// ```
    ///
    /// # Errors
    /// A Danish message that says what to do when it is not found (or
    /// `given` is not a program).
    pub fn find(given: Option<&Path>) -> Result<Soffice, WriteError> {
        let program = match given {
            Some(p) if p.components().count() > 1 || p.is_absolute() => {
                if is_program(p) {
                    p.to_path_buf()
                } else {
                    return Err(not_found(&format!(
                        "{} findes ikke eller er ikke et program",
                        p.display()
                    )));
                }
            }
            Some(name) => on_path(name.as_os_str())
                .ok_or_else(|| not_found(&format!("{} findes ikke på PATH", name.display())))?,
            None => ["soffice", "libreoffice"]
                .iter()
                .find_map(|n| on_path(n.as_ref()))
                .or_else(installed)
                .ok_or_else(|| not_found("hverken soffice eller libreoffice findes på PATH"))?,
        };
        Ok(Soffice {
            program,
            time_limit: DEFAULT_TIME_LIMIT,
        })
    }

    /// The same LibreOffice with another time limit per conversion.
    pub fn with_time_limit(mut self, limit: Duration) -> Soffice {
        self.time_limit = limit;
        self
    }

    /// The program that is run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The time limit per conversion.
    pub fn time_limit(&self) -> Duration {
        self.time_limit
    }

    /// Writes `appendix.pdf` from `docx` and `oversigt.pdf` from the first
    /// sheet of `xlsx` into `dir` (the pack's staging folder). LibreOffice
    /// works in a hidden folder inside `dir` and a temporary profile; both
    /// are removed, and only finished PDFs are renamed into `dir`.
    ///
    /// # Errors
    /// A Danish [`WriteError`] naming the PDF that could not be made:
    /// LibreOffice could not be started, stopped with an error, made no
    /// PDF, or ran past the time limit.
    pub fn convert_pack(&self, docx: &Path, xlsx: &Path, dir: &Path) -> Result<(), WriteError> {
        let io = |p: &Path| {
            let path = p.display().to_string();
            move |source| WriteError::Io { path, source }
        };
        let work = tempfile::Builder::new()
            .prefix(".bilag-pdf-")
            .tempdir_in(dir)
            .map_err(io(dir))?;
        let profile = tempfile::Builder::new()
            .prefix("bilag-libreoffice-")
            .tempdir()
            .map_err(io(&std::env::temp_dir()))?;
        let settings = profile
            .path()
            .join("user")
            .join("registrymodifications.xcu");
        std::fs::create_dir_all(profile.path().join("user")).map_err(io(profile.path()))?;
        std::fs::write(&settings, PROFILE_SETTINGS).map_err(io(&settings))?;

        let pdf = self.convert(docx, "writer_pdf_Export", work.path(), profile.path())?;
        let target = dir.join(APPENDIX_PDF);
        std::fs::rename(&pdf, &target).map_err(io(&target))?;

        let only_first = work.path().join("oversigt.xlsx");
        first_sheet_only(xlsx, &only_first)?;
        let pdf = self.convert(&only_first, "calc_pdf_Export", work.path(), profile.path())?;
        let target = dir.join(OVERSIGT_PDF);
        std::fs::rename(&pdf, &target).map_err(io(&target))?;
        Ok(())
    }

    /// Converts `input` to `<outdir>/<stem>.pdf` with `filter`.
    fn convert(
        &self,
        input: &Path,
        filter: &str,
        outdir: &Path,
        profile: &Path,
    ) -> Result<PathBuf, WriteError> {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = if filter.starts_with("calc") {
            OVERSIGT_PDF
        } else {
            APPENDIX_PDF
        };
        let fail = |message: String| WriteError::build(Path::new(shown), message);
        let target = outdir.join(format!("{stem}.pdf"));
        let log = outdir.join(format!("{stem}.log"));
        let log_file = std::fs::File::create(&log).map_err(|source| WriteError::Io {
            path: log.display().to_string(),
            source,
        })?;
        let log_err = log_file.try_clone().map_err(|source| WriteError::Io {
            path: log.display().to_string(),
            source,
        })?;
        let mut cmd = Command::new(&self.program);
        cmd.arg(format!("-env:UserInstallation={}", file_url(profile)))
            .args([
                "--headless",
                "--invisible",
                "--nologo",
                "--nodefault",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
            ])
            .arg(format!("pdf:{filter}:{EXPORT_OPTIONS}"))
            .arg("--outdir")
            .arg(outdir)
            .arg(input)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        #[cfg(unix)]
        {
            // Its own process group: a timeout stops LibreOffice and every
            // process it started (oosplash starts soffice.bin).
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| {
            fail(format!(
                "LibreOffice ({}) kan ikke startes: {e}",
                self.program.display()
            ))
        })?;
        let status = match wait_with_limit(&mut child, self.time_limit) {
            Ok(Some(status)) => status,
            Ok(None) => {
                return Err(fail(format!(
                    "LibreOffice blev ikke færdig inden for {} og er stoppet. Prøv igen; \
                     hjælper det ikke, så luk LibreOffice og byg uden --pdf",
                    seconds(self.time_limit)
                )))
            }
            Err(e) => return Err(fail(format!("LibreOffice kan ikke følges: {e}"))),
        };
        let said = last_line(&log);
        let made = std::fs::metadata(&target).is_ok_and(|m| m.is_file() && m.len() > 0);
        if !status.success() || !made {
            let why = if status.success() {
                "LibreOffice lavede ingen PDF".to_string()
            } else {
                match status.code() {
                    Some(code) => format!("LibreOffice stoppede med fejl (afslutningskode {code})"),
                    None => "LibreOffice blev stoppet udefra".to_string(),
                }
            };
            return Err(fail(match said {
                Some(line) => format!("{why}: {line}"),
                None => why,
            }));
        }
        Ok(target)
    }
}

/// "120 sekunder", "1 sekund", "0,5 sekunder".
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s == 1.0 {
        "1 sekund".to_string()
    } else if s.fract() == 0.0 {
        format!("{s:.0} sekunder")
    } else {
        format!("{} sekunder", format!("{s:.1}").replace('.', ","))
    }
}

/// Waits for `child` at most `limit`; past it, kills its process group and
/// returns `None`.
fn wait_with_limit(
    child: &mut Child,
    limit: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            kill_group(child);
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn kill_group(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with the negated id of the process group the child
        // leads (process_group(0)); it only sends a signal.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

/// The last line LibreOffice wrote that says something (not the javaldx
/// warning every headless run prints).
fn last_line(log: &Path) -> Option<String> {
    let text = std::fs::read_to_string(log).ok()?;
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.contains("javaldx"))
        .map(|l| l.chars().take(300).collect())
}

fn not_found(what: &str) -> WriteError {
    WriteError::build(
        Path::new("PDF'erne"),
        format!(
            "LibreOffice skal bruges til --pdf, men {what}. Installér LibreOffice \
             (https://da.libreoffice.org), angiv programmet med --soffice STI, \
             eller byg uden --pdf"
        ),
    )
}

fn is_program(p: &Path) -> bool {
    let Ok(m) = std::fs::metadata(p) else {
        return false;
    };
    if !m.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// `name` in a folder on PATH (with `.exe` on Windows).
fn on_path(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let p = dir.join(name);
        let exe = p.with_extension(std::env::consts::EXE_EXTENSION);
        [p, exe].into_iter().find(|c| is_program(c))
    })
}

/// Where the installers put LibreOffice when it is not on PATH (the usual
/// case on Windows and macOS).
fn installed() -> Option<PathBuf> {
    let mut places: Vec<PathBuf> = Vec::new();
    if cfg!(windows) {
        for var in ["ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"] {
            if let Some(dir) = std::env::var_os(var) {
                places.push(
                    PathBuf::from(dir)
                        .join("LibreOffice")
                        .join("program")
                        .join("soffice.exe"),
                );
            }
        }
    }
    if cfg!(target_os = "macos") {
        places.push("/Applications/LibreOffice.app/Contents/MacOS/soffice".into());
    }
    places.into_iter().find(|p| is_program(p))
}

/// `file:///…` for a folder, with every byte outside the unreserved set
/// percent-encoded (a temporary folder may hold spaces or non-ASCII).
fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                url.push(b as char)
            }
            b':' if url.len() == "file:///".len() + 1 => url.push(':'),
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// Copies the workbook `from` to `to` with every sheet but the first
/// hidden (`state="hidden"` on its `<sheet>` in xl/workbook.xml); every
/// other part is copied as it is, still compressed.
///
/// # Errors
/// [`WriteError`] naming `from` when it is not a workbook bilag can read.
pub fn first_sheet_only(from: &Path, to: &Path) -> Result<(), WriteError> {
    let fail = |m: String| WriteError::build(from, m);
    let file = std::fs::File::open(from).map_err(|source| WriteError::Io {
        path: from.display().to_string(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| fail(format!("zip: {e}")))?;
    let out = std::fs::File::create(to).map_err(|source| WriteError::Io {
        path: to.display().to_string(),
        source,
    })?;
    let mut writer = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let mut found = false;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| fail(format!("zip: {e}")))?;
        if entry.name_raw() == b"xl/workbook.xml" {
            found = true;
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            let name = "xl/workbook.xml";
            let mut xml = Vec::new();
            let mut entry = entry;
            entry
                .read_to_end(&mut xml)
                .map_err(|e| fail(format!("{name}: {e}")))?;
            let hidden = hide_all_but_first(&xml).map_err(|e| fail(format!("{name}: {e}")))?;
            writer
                .start_file(name, options)
                .map_err(|e| fail(format!("{name}: {e}")))?;
            writer
                .write_all(&hidden)
                .map_err(|e| fail(format!("{name}: {e}")))?;
        } else {
            writer
                .raw_copy_file(entry)
                .map_err(|e| fail(format!("zip: {e}")))?;
        }
    }
    if !found {
        return Err(fail("xl/workbook.xml mangler".to_string()));
    }
    let mut inner = writer.finish().map_err(|e| fail(format!("zip: {e}")))?;
    inner.flush().map_err(|source| WriteError::Io {
        path: to.display().to_string(),
        source,
    })?;
    Ok(())
}

/// xl/workbook.xml with `state="hidden"` on every `<sheet>` but the first
/// (whose own state, if any, is dropped: it is shown).
fn hide_all_but_first(xml: &[u8]) -> Result<Vec<u8>, String> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len() + 512));
    let mut sheets = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Empty(s) if s.name().as_ref() == "sheet" => {
                sheets += 1;
                let mut sheet = BytesStart::new("sheet");
                for a in s.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    if a.key.as_ref() != "state" {
                        sheet.push_attribute(a);
                    }
                }
                if sheets > 1 {
                    sheet.push_attribute(("state", "hidden"));
                }
                writer
                    .write_event(Event::Empty(sheet))
                    .map_err(|e| e.to_string())?;
            }
            Event::Empty(s) if s.name().as_ref() == "workbookView" => {
                // The first sheet is the active one.
                let mut view = BytesStart::new("workbookView");
                for a in s.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    if !matches!(a.key.as_ref(), "activeTab" | "firstSheet") {
                        view.push_attribute(a);
                    }
                }
                writer
                    .write_event(Event::Empty(view))
                    .map_err(|e| e.to_string())?;
            }
            Event::Eof => break,
            e => writer.write_event(e).map_err(|e| e.to_string())?,
        }
    }
    if sheets == 0 {
        return Err("ingen ark".to_string());
    }
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sheet_but_the_first_is_hidden() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="r"><bookViews><workbookView xWindow="240" activeTab="2"/></bookViews><sheets><sheet name="&#216;konomisk oversigt" sheetId="1" state="hidden" r:id="rId1"/><sheet name="Status" sheetId="2" r:id="rId2"/><sheet name="A&gt;B" sheetId="3" state="veryHidden" r:id="rId3"/></sheets></workbook>"#;
        let out = String::from_utf8(hide_all_but_first(xml).unwrap()).unwrap();
        assert!(
            out.contains(r#"<sheet name="&#216;konomisk oversigt" sheetId="1" r:id="rId1"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<sheet name="Status" sheetId="2" r:id="rId2" state="hidden"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<sheet name="A&gt;B" sheetId="3" r:id="rId3" state="hidden"/>"#),
            "{out}"
        );
        assert!(out.contains(r#"<workbookView xWindow="240"/>"#), "{out}");
        assert!(hide_all_but_first(b"<workbook><sheets/></workbook>").is_err());
    }

    #[test]
    fn the_profile_url_is_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/bilag lo/æ")),
            "file:///tmp/bilag%20lo/%C3%A6"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Temp\bilag")),
            "file:///C:/Temp/bilag"
        );
    }

    #[test]
    fn a_missing_program_is_told_in_danish_with_what_to_do() {
        let err = Soffice::find(Some(Path::new("/nonexistent/soffice"))).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/nonexistent/soffice findes ikke"), "{text}");
        assert!(text.contains("--soffice"), "{text}");
        assert!(text.contains("uden --pdf"), "{text}");
    }

    #[test]
    fn seconds_are_danish() {
        assert_eq!(seconds(Duration::from_secs(120)), "120 sekunder");
        assert_eq!(seconds(Duration::from_secs(1)), "1 sekund");
        assert_eq!(seconds(Duration::from_millis(500)), "0,5 sekunder");
    }
}
