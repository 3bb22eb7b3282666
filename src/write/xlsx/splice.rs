//! The package rust_xlsxwriter saved (the skeleton), rewritten with the
//! hand-written sheets: each sheet of [`Cells`] and the Kilder sheet get
//! their rows in place of the registration row rust_xlsxwriter wrote, and
//! the shared-string table gets their texts at its end. Every other part is
//! copied as it was compressed.
//!
//! Each registration row is where the styles' `xf` indices are learned
//! ([`Xfs::learn`]); the parts come in workbook order, so every style a
//! sheet uses was registered by it or an earlier sheet.

use super::cells::Cells;
use super::sources::SourcesPlan;
use super::strings::{fx, FxMap, Strings};
use super::styles::{StyleId, Xfs};
use super::{package_err as zip_err, Builder};
use crate::write::deflate::zip_part;
use crate::write::xml;
use rust_xlsxwriter::XlsxError;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, Write};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// The shared-string table's part.
const SST: &str = "xl/sharedStrings.xml";

/// What the hand-written sheets add to the skeleton.
pub(super) struct Parts<'p, 'm> {
    /// The overview's and the submission sheets' cells, by zip part.
    pub sheets: &'p mut [(String, Cells)],
    /// Every text of those sheets and of Kilder, by local index.
    pub strings: &'p Strings<'m>,
    /// Kilder's plan and the builder whose model its rows are walked from.
    pub sources: Option<(&'p SourcesPlan, &'p Builder<'m>)>,
    /// String cells copied into the skeleton for the chart's cache (counted
    /// in rust_xlsxwriter's table already).
    pub copied_strings: u64,
}

/// Writes the package into `out`: the skeleton with `parts` spliced in.
///
/// # Errors
/// A skeleton laid out otherwise than rust_xlsxwriter 0.102 lays it out,
/// or an error writing `out`.
pub(super) fn splice_package<W: Write + Seek>(
    skeleton: &[u8],
    parts: Parts<'_, '_>,
    out: W,
) -> Result<W, XlsxError> {
    let Parts {
        sheets,
        strings,
        sources,
        copied_strings,
    } = parts;
    let mut archive = zip::ZipArchive::new(Cursor::new(skeleton)).map_err(zip_err)?;
    let mut sst = Vec::new();
    archive
        .by_name(SST)
        .map_err(zip_err)?
        .read_to_end(&mut sst)
        .map_err(zip_err)?;
    // Cells in order first: the table's count needs their string cells.
    let dimensions: Vec<String> = sheets.iter_mut().map(|(_, c)| c.finish()).collect();
    let string_cells: u64 = sheets.iter().map(|(_, c)| c.string_cells()).sum::<u64>()
        + sources.map_or(0, |(plan, _)| plan.string_cells());
    let (table, added) = merge_table(&sst, strings, string_cells, copied_strings)?;
    let by_part: HashMap<String, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.clone(), i))
        .collect();
    let mut out = ZipWriter::new(out);
    let mut xfs = Xfs::default();
    for i in 0..archive.len() {
        let name = archive
            .by_index_raw(i)
            .map_err(zip_err)?
            .name()
            .map_err(zip_err)?
            .to_string();
        if let Some(&si) = by_part.get(&name) {
            let xml = read_part(&mut archive, i)?;
            let cells = &sheets[si].1;
            let sheet = CellsSheet::find(&xml, cells, &mut xfs)?;
            let local_xfs = cells
                .styles()
                .iter()
                .map(|s| xfs.get(*s))
                .collect::<Result<Vec<u32>, _>>()?;
            zip_part(&mut out, &name, options(), |w| {
                sheet.write(&xml, &dimensions[si], w, |w| {
                    cells.write(&local_xfs, &table.ids, w)
                })
            })
            .map_err(zip_err)?;
        } else if let Some((plan, b)) = sources.filter(|(p, _)| name == p.part && p.has_rows()) {
            let xml = read_part(&mut archive, i)?;
            splice_sources(&mut out, &name, &xml, plan, b, &table.ids, &mut xfs)?;
        } else if name == SST {
            zip_part(&mut out, &name, options(), |w| {
                write_table(w, &sst, &table, &added, strings)
            })
            .map_err(zip_err)?;
        } else {
            let f = archive.by_index_raw(i).map_err(zip_err)?;
            out.raw_copy_file(f).map_err(zip_err)?;
        }
    }
    out.finish().map_err(zip_err)
}

/// The zip options of a rewritten part (those rust_xlsxwriter uses).
fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(i64::from(crate::write::deflate::LEVEL)))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default())
}

/// Where a sheet of [`Cells`] goes in its skeleton's XML.
struct CellsSheet {
    /// Where the rows start: the registration row, or `<sheetData/>`.
    start: usize,
    /// Where the XML after `</sheetData>` starts.
    after: usize,
    /// `<sheetData>` when the skeleton's was empty (`<sheetData/>`).
    open: &'static str,
    /// The value of `<dimension ref="…">`.
    dimension: std::ops::Range<usize>,
}

impl CellsSheet {
    /// Finds the places in `xml` and learns the styles of its registration
    /// row (row 1), if the sheet registered any. Every row rust_xlsxwriter
    /// wrote (the registration row and the chart's copies) makes way for
    /// the sheet's own, up to and with `</sheetData>`; a sheet without any
    /// has an empty `<sheetData/>`, which opens here instead.
    fn find(xml: &str, cells: &Cells, xfs: &mut Xfs) -> Result<CellsSheet, XlsxError> {
        let (start, after, open) = match xml.find("<row r=\"1\"") {
            Some(start) if !cells.registered().is_empty() => {
                let end =
                    row_end(xml, start).ok_or_else(|| zip_err("registration row not closed"))?;
                xfs.learn(cells.registered(), &xml[start..end])?;
                let data_end = xml
                    .find("</sheetData>")
                    .ok_or_else(|| zip_err("sheetData not closed"))?;
                (start, data_end + "</sheetData>".len(), "")
            }
            Some(_) => return Err(zip_err("a row in a sheet that registered nothing")),
            None => {
                let at = xml
                    .find("<sheetData/>")
                    .ok_or_else(|| zip_err("sheetData not found"))?;
                (at, at + "<sheetData/>".len(), "<sheetData>")
            }
        };
        let d = xml[..start]
            .find("<dimension ref=\"")
            .map(|d| d + "<dimension ref=\"".len())
            .ok_or_else(|| zip_err("dimension not found"))?;
        let d_end = d + xml[d..start].find('"').unwrap_or(0);
        Ok(CellsSheet {
            start,
            after,
            open,
            dimension: d..d_end,
        })
    }

    /// The sheet's XML with `dimension` and the rows `rows` writes (which
    /// returns the `<mergeCells>` element that follows `</sheetData>`).
    fn write(
        &self,
        xml: &str,
        dimension: &str,
        w: &mut dyn Write,
        rows: impl FnOnce(&mut dyn Write) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<()> {
        let xml = xml.as_bytes();
        w.write_all(&xml[..self.dimension.start])?;
        w.write_all(dimension.as_bytes())?;
        w.write_all(&xml[self.dimension.end..self.start])?;
        w.write_all(self.open.as_bytes())?;
        let merges = rows(w)?;
        w.write_all(b"</sheetData>")?;
        w.write_all(&merges)?;
        w.write_all(&xml[self.after..])
    }
}

/// The Kilder sheet: its data rows in place of the registration row (the
/// first data row), and their hyperlinks before `<printOptions>` or
/// `<pageMargins>`.
fn splice_sources<W: Write + Seek>(
    out: &mut ZipWriter<W>,
    name: &str,
    xml: &str,
    plan: &SourcesPlan,
    b: &Builder<'_>,
    ids: &[u32],
    xfs: &mut Xfs,
) -> Result<(), XlsxError> {
    let large = plan.estimate() + xml.len() as u64 > u64::from(u32::MAX) / 2;
    let open = format!("<row r=\"{}\"", plan.first_row() + 1);
    let start = xml
        .find(&open)
        .ok_or_else(|| zip_err("Kilder: registration row not found"))?;
    let end = row_end(xml, start).ok_or_else(|| zip_err("Kilder: registration row not closed"))?;
    xfs.learn(plan.registered(), &xml[start..end])?;
    let mut row_xfs = [0u32; StyleId::ALL.len()];
    for s in plan.registered() {
        row_xfs[*s as usize] = xfs.get(*s)?;
    }
    zip_part(out, name, options().large_file(large), |w| {
        w.write_all(&xml.as_bytes()[..start])?;
        let mut links = Vec::new();
        plan.write_rows(b, ids, &row_xfs, w, &mut links)?;
        let rest = &xml[end..];
        let at = rest
            .find("<printOptions")
            .or_else(|| rest.find("<pageMargins"))
            .unwrap_or(rest.len());
        w.write_all(&rest.as_bytes()[..at])?;
        if !links.is_empty() {
            w.write_all(b"<hyperlinks>")?;
            w.write_all(&links)?;
            w.write_all(b"</hyperlinks>")?;
        }
        w.write_all(&rest.as_bytes()[at..])
    })
    .map_err(zip_err)
}

/// The merged shared-string table: rust_xlsxwriter's head with the new
/// counts, its entries, then the `added` strings.
fn write_table(
    w: &mut dyn Write,
    sst: &[u8],
    table: &Table,
    added: &[usize],
    strings: &Strings<'_>,
) -> std::io::Result<()> {
    let [h0, h1, h2] = &table.head;
    w.write_all(&sst[h0.clone()])?;
    write!(w, "{}", table.count)?;
    w.write_all(&sst[h1.clone()])?;
    write!(w, "{}", table.unique)?;
    w.write_all(&sst[h2.clone()])?;
    w.write_all(&sst[table.body.clone()])?;
    let mut buf = Vec::with_capacity(1 << 16);
    for local in added {
        xml::push_si(&mut buf, strings.get(*local as u32));
        if buf.len() > 60_000 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    w.write_all(&sst[table.body.end..])
}

/// The workbook's shared-string table as rust_xlsxwriter saved it, with
/// the hand-written sheets' strings added at its end: where each local
/// index ends up, and the new table's parts.
struct Table {
    /// Local index → index in the table.
    ids: Vec<u32>,
    count: u64,
    unique: u64,
    /// The `<si>` elements rust_xlsxwriter wrote (bytes of `xml`).
    body: std::ops::Range<usize>,
    /// Text before `count`'s value, between count and uniqueCount's, and
    /// after uniqueCount's up to the end of the `<sst>` start tag.
    head: [std::ops::Range<usize>; 3],
}

fn attr_value(xml: &[u8], tag_end: usize, name: &[u8]) -> Option<std::ops::Range<usize>> {
    let at = xml[..tag_end].windows(name.len()).position(|w| w == name)? + name.len();
    let end = at + xml[at..tag_end].iter().position(|b| *b == b'"')?;
    Some(at..end)
}

fn number(xml: &[u8], r: &std::ops::Range<usize>) -> Result<u64, XlsxError> {
    std::str::from_utf8(&xml[r.clone()])
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| zip_err("sharedStrings.xml: bad count"))
}

/// rust_xlsxwriter's table `xml` with `strings` added: the texts it does
/// not have yet (returned by local index) go at its end. `count` grows by
/// the string cells of the hand-written sheets (`string_cells`) less those
/// copied into the skeleton and so counted already (`copied`).
fn merge_table(
    xml: &[u8],
    strings: &Strings<'_>,
    string_cells: u64,
    copied: u64,
) -> Result<(Table, Vec<usize>), XlsxError> {
    let head = SstHead::parse(xml)?;
    let entries = Entries::index(xml, head.tag_end, head.close)?;
    let (ids, added) = entries.number(strings, head.unique as u32);
    Ok((
        Table {
            ids,
            count: (head.count + string_cells).saturating_sub(copied),
            unique: head.unique + added.len() as u64,
            body: head.tag_end..head.close,
            head: [
                0..head.count_at.start,
                head.count_at.end..head.unique_at.start,
                head.unique_at.end..head.tag_end,
            ],
        },
        added,
    ))
}

fn bad_table() -> XlsxError {
    zip_err("sharedStrings.xml: unexpected layout")
}

/// Where the parts of rust_xlsxwriter's `<sst>` element are, and its
/// counts.
struct SstHead {
    /// The end of the `<sst>` start tag.
    tag_end: usize,
    /// The values of `count` and `uniqueCount`.
    count_at: std::ops::Range<usize>,
    unique_at: std::ops::Range<usize>,
    /// The start of `</sst>`.
    close: usize,
    count: u64,
    unique: u64,
}

impl SstHead {
    fn parse(xml: &[u8]) -> Result<SstHead, XlsxError> {
        let sst = xml
            .windows(4)
            .position(|w| w == b"<sst")
            .ok_or_else(bad_table)?;
        let tag_end = sst
            + xml[sst..]
                .iter()
                .position(|b| *b == b'>')
                .ok_or_else(bad_table)?
            + 1;
        let count_at = attr_value(xml, tag_end, b" count=\"").ok_or_else(bad_table)?;
        let unique_at = attr_value(xml, tag_end, b" uniqueCount=\"").ok_or_else(bad_table)?;
        if count_at.end > unique_at.start {
            return Err(bad_table());
        }
        let close = xml
            .windows(6)
            .rposition(|w| w == b"</sst>")
            .ok_or_else(bad_table)?;
        Ok(SstHead {
            count: number(xml, &count_at)?,
            unique: number(xml, &unique_at)?,
            tag_end,
            count_at,
            unique_at,
            close,
        })
    }
}

/// rust_xlsxwriter's `<si>` entries, indexed by their bytes.
struct Entries<'x> {
    xml: &'x [u8],
    /// Entry bytes' hash → its first entry with them.
    known: FxMap<u64, u32>,
    /// Each entry's bytes in `xml`.
    spans: Vec<std::ops::Range<usize>>,
    /// Entries whose hash an entry with other bytes has already.
    clash: HashMap<&'x [u8], u32>,
}

impl<'x> Entries<'x> {
    /// The entries between `start` and `close`.
    fn index(xml: &'x [u8], start: usize, close: usize) -> Result<Self, XlsxError> {
        let mut e = Entries {
            xml,
            known: FxMap::default(),
            spans: Vec::new(),
            clash: HashMap::new(),
        };
        let mut at = start;
        while at < close {
            let len = xml[at..close]
                .windows(5)
                .position(|w| w == b"</si>")
                .ok_or_else(bad_table)?
                + 5;
            let si = &xml[at..at + len];
            let n = e.spans.len() as u32;
            match e.known.get(&fx(si)) {
                Some(&i) if &xml[e.spans[i as usize].clone()] == si => {}
                Some(_) => {
                    e.clash.entry(si).or_insert(n);
                }
                None => {
                    e.known.insert(fx(si), n);
                }
            }
            e.spans.push(at..at + len);
            at += len;
        }
        Ok(e)
    }

    /// The entry with the bytes `si`.
    fn find(&self, si: &[u8]) -> Option<u32> {
        match self.known.get(&fx(si)) {
            Some(&i) if self.xml[self.spans[i as usize].clone()] == *si => Some(i),
            _ => self.clash.get(si).copied(),
        }
    }

    /// Each local string's index in the merged table, and the strings to
    /// add (by local index), numbered from `unique` on.
    fn number(&self, strings: &Strings<'_>, unique: u32) -> (Vec<u32>, Vec<usize>) {
        let mut ids = Vec::with_capacity(strings.len());
        let mut added = Vec::new();
        let mut buf = Vec::new();
        let mut next = unique;
        for (local, s) in strings.iter().enumerate() {
            buf.clear();
            xml::push_si(&mut buf, s);
            ids.push(match self.find(&buf) {
                Some(i) => i,
                None => {
                    added.push(local);
                    next += 1;
                    next - 1
                }
            });
        }
        (ids, added)
    }
}

/// Part `i` of the skeleton package, as text.
fn read_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<String, XlsxError> {
    let mut xml = String::new();
    archive
        .by_index(i)
        .map_err(zip_err)?
        .read_to_string(&mut xml)
        .map_err(zip_err)?;
    Ok(xml)
}

/// Where the `<row>` element starting at `start` ends (after `</row>`).
fn row_end(xml: &str, start: usize) -> Option<usize> {
    xml[start..]
        .find("</row>")
        .map(|e| start + e + "</row>".len())
}
