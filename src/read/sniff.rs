//! Recognizing the format by content. The file name's extension is never
//! consulted: it may be upper-case, missing, or lie (an .xlsx saved as .xls).
//!
//! - ZIP (`PK\x03\x04`): every entry's declared size and compression ratio is
//!   checked first (zip bombs), then the entries tell the format: an
//!   OpenDocument `mimetype`, the OOXML `[Content_Types].xml`, or the
//!   well-known part names `xl/workbook.xml` / `xl/workbook.bin`.
//! - CFB/OLE (`D0 CF 11 E0 A1 B1 1A E1`): `EncryptionInfo`/`EncryptedPackage`
//!   streams mean a password-encrypted .xlsx/.xlsb; a `Workbook`/`Book`
//!   stream means .xls.
//! - Anything else (text, PDF, empty) is not a spreadsheet.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::cfb::{self, Cfb};
use super::limits;
use super::{Limits, ReadError, SourceKind};

const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// The format of `bytes`, after the container-level limits have been checked.
///
/// # Errors
/// [`ReadError::NotASpreadsheet`], [`ReadError::Encrypted`],
/// [`ReadError::TooLarge`] (zip entries) or [`ReadError::Corrupt`] (a
/// container that cannot be opened).
pub(crate) fn sniff(bytes: &[u8], limits: &Limits) -> Result<SourceKind, ReadError> {
    if bytes.starts_with(&cfb::MAGIC) {
        sniff_cfb(bytes)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        sniff_zip(bytes, limits)
    } else {
        Err(ReadError::NotASpreadsheet)
    }
}

fn sniff_cfb(bytes: &[u8]) -> Result<SourceKind, ReadError> {
    let cfb = Cfb::parse(bytes)
        .map_err(|e| ReadError::Corrupt(format!("OLE-beholderen kan ikke læses: {e}")))?;
    if cfb.has("EncryptionInfo") || cfb.has("EncryptedPackage") {
        return Err(ReadError::Encrypted);
    }
    let is_stream = |name: &str| {
        cfb.entries()
            .iter()
            .any(|e| e.kind == 2 && e.name.eq_ignore_ascii_case(name))
    };
    if is_stream("Workbook") || is_stream("Book") {
        Ok(SourceKind::Xls)
    } else {
        // A Word .doc, an Outlook .msg, ...
        Err(ReadError::NotASpreadsheet)
    }
}

/// A zip entry name as a comparable path: forward slashes, lower case.
pub(crate) fn norm_name(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .replace('\\', "/")
        .to_ascii_lowercase()
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<SourceKind, ReadError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::Corrupt(format!(
            "zip-arkivet er ufuldstændigt eller beskadiget: {e}"
        ))
    })?;
    let mut names = Vec::with_capacity(zip.len());
    let mut total: u64 = 0;
    let mut encrypted = false;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_data(i)
            .map_err(|e| ReadError::Corrupt(format!("zip-arkivet er beskadiget: {e}")))?;
        let name = norm_name(entry.name_raw());
        limits::check_zip_entry(&name, entry.size(), entry.compressed_size(), limits)?;
        total = total.saturating_add(entry.size());
        encrypted |= entry.encrypted();
        names.push(name);
    }
    limits::check_zip_total(total, limits)?;
    let has = |n: &str| names.iter().any(|x| x == n);
    let index_of = |n: &str| names.iter().position(|x| x == n);

    // OpenDocument: the mimetype entry says which kind.
    if let Some(i) = index_of("mimetype") {
        let mime = read_entry(&mut zip, i, 200)?;
        let mime = String::from_utf8_lossy(&mime);
        return if mime.trim().starts_with(ODS_MIME) {
            ods_or_encrypted(&mut zip, &names, encrypted)
        } else {
            Err(ReadError::NotASpreadsheet)
        };
    }

    let has_vba = names.iter().any(|n| n.ends_with("vbaproject.bin"));
    if let Some(i) = index_of("[content_types].xml") {
        let types = read_entry(&mut zip, i, 1024 * 1024)?;
        let types = String::from_utf8_lossy(&types).to_ascii_lowercase();
        let kind = if types.contains("application/vnd.ms-excel.sheet.binary.macroenabled.main") {
            Some(SourceKind::Xlsb)
        } else if types.contains("application/vnd.ms-excel.sheet.macroenabled.main+xml")
            || types.contains("application/vnd.ms-excel.template.macroenabled.main+xml")
        {
            Some(SourceKind::Xlsm)
        } else if types.contains("spreadsheetml.sheet.main+xml")
            || types.contains("spreadsheetml.template.main+xml")
        {
            Some(if has_vba {
                SourceKind::Xlsm
            } else {
                SourceKind::Xlsx
            })
        } else {
            None
        };
        if let Some(kind) = kind {
            return ooxml_or_encrypted(kind, encrypted);
        }
    }
    if has("xl/workbook.bin") {
        return ooxml_or_encrypted(SourceKind::Xlsb, encrypted);
    }
    if has("xl/workbook.xml") {
        let kind = if has_vba {
            SourceKind::Xlsm
        } else {
            SourceKind::Xlsx
        };
        return ooxml_or_encrypted(kind, encrypted);
    }
    if has("content.xml")
        && !names
            .iter()
            .any(|n| n.starts_with("word/") || n.starts_with("ppt/"))
    {
        return ods_or_encrypted(&mut zip, &names, encrypted);
    }
    Err(ReadError::NotASpreadsheet)
}

/// Zip-level (ZipCrypto/AES) encryption of the parts: calamine cannot read
/// them without the password.
fn ooxml_or_encrypted(kind: SourceKind, encrypted: bool) -> Result<SourceKind, ReadError> {
    if encrypted {
        Err(ReadError::Encrypted)
    } else {
        Ok(kind)
    }
}

/// A password-protected .ods keeps its parts encrypted and says so in the
/// manifest (`manifest:encryption-data`).
fn ods_or_encrypted(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    names: &[String],
    encrypted: bool,
) -> Result<SourceKind, ReadError> {
    let manifest_says = match names.iter().position(|n| n == "meta-inf/manifest.xml") {
        Some(i) => {
            let manifest = read_entry(zip, i, 4 * 1024 * 1024)?;
            String::from_utf8_lossy(&manifest).contains("encryption-data")
        }
        None => false,
    };
    ooxml_or_encrypted(SourceKind::Ods, encrypted || manifest_says)
}

/// The first `max` bytes of a (small) zip entry.
fn read_entry(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    i: usize,
    max: u64,
) -> Result<Vec<u8>, ReadError> {
    let entry = zip.by_index(i);
    let mut out = Vec::new();
    match entry {
        Ok(f) if !f.encrypted() => {
            f.take(max)
                .read_to_end(&mut out)
                .map_err(|e| ReadError::Corrupt(format!("zip-arkivet er beskadiget: {e}")))?;
        }
        Ok(_) => return Err(ReadError::Encrypted),
        Err(zip::result::ZipError::UnsupportedArchive(m))
            if m == zip::result::ZipError::PASSWORD_REQUIRED =>
        {
            return Err(ReadError::Encrypted)
        }
        Err(e) => {
            return Err(ReadError::Corrupt(format!(
                "zip-arkivet er beskadiget: {e}"
            )))
        }
    }
    Ok(out)
}
