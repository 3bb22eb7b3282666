//! Reading: workbook file → [`Workbook`] (sheets of non-empty cells with
//! their positions). One entry point, [`read_workbook`], recognizes the format
//! by content (not by the extension, which may lie or be upper-case) and
//! enforces size limits before anything large is allocated.
//!
//! The layer is built like calamine's own: `sniff` picks the format, and one
//! module per format (`xlsx`, `xlsb`, `xls`, `ods`) turns the bytes into
//! sheets through one function signature, `FormatReader`. Limits are checked
//! before calamine allocates (see `limits`): zip bombs by the entries'
//! declared sizes; .xlsx/.xlsb are streamed cell by cell (calamine issue #693:
//! a dense `Range` over A1..XFD1048576 aborts the process); .xls and .ods, for
//! which calamine only builds dense ranges, are pre-scanned for their extent.
//! A panic inside calamine is caught and reported as [`ReadError::Corrupt`].
//!
//! The grid knows nothing of submissions: finding metadata, status schemas
//! and budget tables is the job of [`crate::normalize`].
//!
//! ```
//! use bilag::read::{read_workbook_bytes, Limits, ReadError};
//! // Not a spreadsheet, whatever the file is called.
//! let err = read_workbook_bytes(b"%PDF-1.7", &Limits::default()).unwrap_err();
//! assert!(matches!(err, ReadError::NotASpreadsheet));
//! ```

mod cfb;
mod grid;
mod hidden;
mod le;
mod limits;
mod ods;
mod sheet;
mod sniff;
mod xls;
mod xlsb;
mod xlsx;

pub use grid::*;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use hidden::ReadSheet;
use limits::Budget;

/// What each format module provides: the workbook's worksheets, in workbook
/// order, from the file's bytes, each with its visibility and its hidden rows
/// and columns. Cells are counted against the [`Budget`]'s limits as they are
/// read (hidden ones too).
type FormatReader = fn(&[u8], &mut Budget) -> Result<Vec<ReadSheet>, ReadError>;

fn format_reader(kind: SourceKind) -> FormatReader {
    match kind {
        SourceKind::Xlsx | SourceKind::Xlsm => xlsx::read,
        SourceKind::Xlsb => xlsb::read,
        SourceKind::Xls => xls::read,
        SourceKind::Ods => ods::read,
    }
}

/// Limits that protect against hostile or broken files (zip bombs, sheets
/// that claim a million rows). A file over a limit is rejected with a reason.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total uncompressed size of a zip-based workbook, in bytes.
    pub max_uncompressed_bytes: u64,
    /// Largest compression ratio of one zip entry (uncompressed / compressed)
    /// for entries over 1 MB uncompressed.
    pub max_compression_ratio: u64,
    /// Most non-empty cells read from one sheet.
    pub max_cells_per_sheet: usize,
    /// Most non-empty cells read from the whole workbook.
    pub max_cells_total: usize,
    /// Largest rectangle (rows × columns from the first to the last used
    /// cell) of one sheet in formats whose reader builds it densely in memory
    /// (.xls, .ods). Measured: 10 million cells peak at about 620 MB.
    pub max_dense_cells_per_sheet: u64,
    /// Most bytes of cell text in the whole workbook, after expanding
    /// repeated cells (.ods) and shared strings (.xlsx). calamine holds about
    /// three copies of .ods/.xls text while reading.
    pub max_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
            max_compression_ratio: 200,
            max_cells_per_sheet: 5_000_000,
            max_cells_total: 10_000_000,
            max_dense_cells_per_sheet: 10_000_000,
            max_text_bytes: 128 * 1024 * 1024,
        }
    }
}

/// Why a file could not be read. The Display text is Danish and names the
/// problem a caseworker can act on; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("filen kan ikke åbnes: {}", crate::internal::oserror::danish(.0))]
    Io(#[from] std::io::Error),
    #[error("filen er ikke et regneark (hverken .xlsx, .xlsm, .xlsb, .xls eller .ods)")]
    NotASpreadsheet,
    #[error("regnearket er beskyttet med adgangskode (krypteret); gem det uden adgangskode og send det igen")]
    Encrypted,
    #[error("regnearket er beskadiget og kan ikke læses ({})", corrupt_in_danish(.0))]
    Corrupt(String),
    #[error("regnearket er for stort: {0}")]
    TooLarge(String),
}

/// A calamine error of one format. Its password error is an encrypted
/// workbook; anything else is a corrupt one.
trait FormatError: std::fmt::Display {
    fn is_password(&self) -> bool;
}

impl FormatError for calamine::XlsxError {
    fn is_password(&self) -> bool {
        matches!(self, calamine::XlsxError::Password)
    }
}

impl FormatError for calamine::XlsbError {
    fn is_password(&self) -> bool {
        matches!(self, calamine::XlsbError::Password)
    }
}

impl FormatError for calamine::XlsError {
    fn is_password(&self) -> bool {
        matches!(self, calamine::XlsError::Password)
    }
}

impl FormatError for calamine::OdsError {
    fn is_password(&self) -> bool {
        matches!(self, calamine::OdsError::Password)
    }
}

/// A format's error about the workbook as a [`ReadError`].
fn format_error(e: impl FormatError) -> ReadError {
    if e.is_password() {
        ReadError::Encrypted
    } else {
        ReadError::Corrupt(e.to_string())
    }
}

/// A format's error in one sheet: the reason names the sheet.
fn sheet_error(sheet: &str, e: impl FormatError) -> ReadError {
    if e.is_password() {
        ReadError::Encrypted
    } else {
        ReadError::Corrupt(format!("arket »{sheet}«: {e}"))
    }
}

/// Is `bytes` a spreadsheet bilag reads, whatever the file is called? A
/// look at the container only (zip entries, OLE streams), no cells: true
/// for an .xlsx/.xlsm/.xlsb/.xls/.ods (also encrypted or broken inside, so
/// that reading it gives the reason), false for a .docx, a PDF, a text.
///
/// ```
/// use bilag::read::{is_spreadsheet, Limits};
/// assert!(!is_spreadsheet(b"%PDF-1.7", &Limits::default()));
/// let seed = std::fs::read("fixtures/seed/socialudvalget-2008.xlsx").unwrap();
/// assert!(is_spreadsheet(&seed, &Limits::default()));
/// ```
pub fn is_spreadsheet(bytes: &[u8], limits: &Limits) -> bool {
    let sniffed = catch_panic(|| sniff::sniff(bytes, limits));
    matches!(
        sniffed,
        Ok(Ok(_)) | Ok(Err(ReadError::Encrypted)) | Ok(Err(ReadError::TooLarge(_)))
    )
}

/// The reason inside a [`ReadError::Corrupt`] for a person: the zip and
/// calamine errors bilag meets most are said in Danish; anything else is
/// named as the reader's own technical text.
///
/// ```
/// # use bilag::read::corrupt_in_danish;
/// assert_eq!(
///     corrupt_in_danish("invalid Zip archive: Could not find EOCD"),
///     "zip-arkivet er afkortet: slutningen mangler"
/// );
/// assert_eq!(corrupt_in_danish("arket »Ark1«: XML-fejl"), "arket »Ark1«: XML-fejl");
/// ```
pub fn corrupt_in_danish(reason: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        (
            "Could not find EOCD",
            "zip-arkivet er afkortet: slutningen mangler",
        ),
        (
            "Could not find central directory end",
            "zip-arkivet er afkortet: slutningen mangler",
        ),
        ("invalid Zip archive", "zip-arkivet er ugyldigt"),
        (
            "unsupported Zip archive",
            "zip-arkivet bruger en form, der ikke kan læses",
        ),
        (
            "Invalid checksum",
            "en del af filen er beskadiget (kontrolsummen passer ikke)",
        ),
        (
            "specified file not found in archive",
            "en del af regnearket mangler i filen",
        ),
        ("Cannot find", "en del af regnearket mangler i filen"),
        (
            "Unexpected end of",
            "filen slutter for tidligt (den er afkortet)",
        ),
        (
            "unexpected end of",
            "filen slutter for tidligt (den er afkortet)",
        ),
        ("Xml error", "regnearkets XML er ugyldig"),
        ("XML error", "regnearkets XML er ugyldig"),
        ("Io error", "filen kan ikke læses"),
    ];
    let ascii_english = reason.is_ascii() && reason.split_whitespace().count() > 1;
    for (needle, danish) in KNOWN {
        if reason.contains(needle) {
            return (*danish).to_string();
        }
    }
    if ascii_english && !reason.contains('»') {
        format!("læserens tekniske besked: {reason}")
    } else {
        reason.to_string()
    }
}

/// Is a file of `len` bytes within [`Limits::max_file_bytes`]?
///
/// # Errors
/// [`ReadError::TooLarge`] naming the size and the limit.
pub fn check_file_size(len: u64, limits: &Limits) -> Result<(), ReadError> {
    limits::check_file_size(len, limits)
}

/// Reads a workbook from disk. See [`read_workbook_bytes`].
///
/// # Errors
/// [`ReadError`] when the file is not a readable spreadsheet or breaks a limit.
pub fn read_workbook(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    let meta = std::fs::metadata(path)?;
    limits::check_file_size(meta.len(), limits)?;
    let bytes = std::fs::read(path)?;
    read_workbook_bytes(&bytes, limits)
}

/// Reads a workbook from its bytes, recognizing the format by content:
/// .xlsx, .xlsm, .xlsb, .xls or .ods, whatever the file is called.
///
/// Only worksheets are returned (chart sheets and macro sheets are left
/// out), in workbook order. Hidden and very hidden sheets, hidden rows and
/// hidden columns are not in [`Workbook::sheets`] but in
/// [`Workbook::hidden`] (contract §1.4: what the workbook shows is what
/// counts). Cells hold the stored value — for formulas the
/// cached result; empty cells and empty text are left out. Merged regions
/// are filled in for .xlsx/.xlsm and .xls (calamine reads none from .xlsb
/// and .ods).
///
/// # Errors
/// - [`ReadError::NotASpreadsheet`]: no known spreadsheet container (text,
///   PDF, an empty file, a .docx).
/// - [`ReadError::Encrypted`]: a password-protected workbook.
/// - [`ReadError::TooLarge`]: a [`Limits`] value was broken; the message
///   names the number found and the limit.
/// - [`ReadError::Corrupt`]: the container or a sheet cannot be parsed (also
///   when calamine panics on the file).
pub fn read_workbook_bytes(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    limits::check_file_size(bytes.len() as u64, limits)?;
    let outcome = quietly(|| {
        catch_panic(|| {
            let kind = sniff::sniff(bytes, limits)?;
            let mut budget = Budget::new(limits);
            let read = format_reader(kind)(bytes, &mut budget)?;
            let (sheets, hidden) = hidden::split(read);
            Ok(Workbook {
                kind,
                sheets,
                hidden,
            })
        })
    });
    match outcome {
        Ok(result) => result,
        Err(what) => Err(ReadError::Corrupt(format!(
            "intern fejl i regnearkslæseren: {what}"
        ))),
    }
}

/// Runs `f`; a panic in it (a reader's, on a malformed file) comes back as
/// its message instead of unwinding further ("ukendt fejl" when the panic
/// carried no text). The panic hook still runs unless the caller is
/// [`quietly`] reading.
pub(crate) fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "ukendt fejl".to_string())
    })
}

thread_local! {
    /// Set while a workbook is being read: a panic there is caught and
    /// reported as a corrupt file, so the panic hook stays silent.
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn quietly<R>(f: impl FnOnce() -> R) -> R {
    READING.with(|r| r.set(true));
    let out = f();
    READING.with(|r| r.set(false));
    out
}

/// Installs a panic hook that keeps a caught reader panic off the terminal
/// (the file is reported as corrupt instead) and leaves every other panic to
/// the default hook. The binary calls this once at start-up.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !READING.with(|r| r.get()) {
            default(info);
        }
    }));
}
