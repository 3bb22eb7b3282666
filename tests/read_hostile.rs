//! Hostile and broken files, built inside the tests: each must end in `Ok`
//! or the right `ReadError`, never a panic, an abort or a huge allocation.
//! A test that aborts the process (calamine issue #693) fails the whole run,
//! so a passing run is itself the proof that nothing was over-allocated.

use std::io::{Cursor, Write};

use bilag::read::{read_workbook_bytes, Limits, ReadError, SourceKind, Value, Workbook};
use rstest::rstest;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

// ---------------------------------------------------------------- builders

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// A zip of (name, bytes) entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, deflated()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn sheet_xml(dimension: &str, sheet_data: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    )
}

/// A one-sheet .xlsx ("Ark1") with this sheet XML and optional shared strings.
fn xlsx(sheet: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(sst) = shared_strings {
        entries.push(("xl/sharedStrings.xml", sst.as_bytes()));
    }
    zip_of(&entries)
}

/// Number cells "<c r=…><v>…</v></c>" in rows, for sheet XML.
fn number_rows(cells: &[(&str, u32, f64)]) -> String {
    let mut out = String::new();
    for (r, c, v) in cells {
        let _ = c;
        out.push_str(&format!(
            r#"<row r="{}"><c r="{r}"><v>{v}</v></c></row>"#,
            bilag::read::parse_a1(r).unwrap().0 + 1
        ));
    }
    out
}

/// A one-sheet .ods with this table body.
fn ods(table_body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Ark1">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    ods_parts(content.as_bytes(), manifest)
}

/// An .ods zip from its content.xml bytes and manifest.
fn ods_parts(content: &[u8], manifest: &str) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )
    .unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    for (name, data) in [
        ("content.xml", content),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ] {
        w.start_file(name, deflated()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A minimal Compound File (OLE2, version 3, 512-byte sectors) holding these
/// streams. Streams are padded to 4096 bytes so they live in regular sectors.
fn cfb(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FATSECT: u32 = 0xFFFF_FFFD;
    assert!(streams.len() <= 3, "one directory sector");
    // Sector 0: the FAT; sector 1: the directory; then the streams.
    let mut fat = vec![FATSECT, END];
    let mut body: Vec<u8> = Vec::new();
    let mut placed = Vec::new();
    for (_, data) in streams {
        let mut d = data.clone();
        d.resize(d.len().max(4096).div_ceil(512) * 512, 0);
        let start = fat.len() as u32;
        let n = d.len() / 512;
        for i in 0..n {
            fat.push(if i + 1 == n {
                END
            } else {
                start + i as u32 + 1
            });
        }
        placed.push((start, d.len() as u64));
        body.extend(d);
    }
    assert!(fat.len() <= 128, "one FAT sector");
    fat.resize(128, FREE);

    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes()); // minor version
    header[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // byte order
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // FAT sectors
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // first directory sector
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    for i in 0..109 {
        let v = if i == 0 { 0 } else { FREE };
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }

    let entry = |name: &str, kind: u8, right: u32, child: u32, start: u32, size: u64| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        let name_len = if name.is_empty() {
            0
        } else {
            (units.len() as u16 + 1) * 2
        };
        e[64..66].copy_from_slice(&name_len.to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..128].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut dir = entry(
        "Root Entry",
        5,
        FREE,
        if streams.is_empty() { FREE } else { 1 },
        END,
        0,
    );
    for (i, ((name, _), (start, size))) in streams.iter().zip(&placed).enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREE
        };
        dir.extend(entry(name, 2, right, FREE, *start, *size));
    }
    while dir.len() < 512 {
        dir.extend(entry("", 0, FREE, FREE, FREE, 0));
    }

    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(dir);
    out.extend(body);
    out
}

fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend((data.len() as u16).to_le_bytes());
    v.extend(data);
    v
}

fn biff_number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(value.to_le_bytes());
    biff(0x0203, &d)
}

/// A BIFF8 workbook stream: globals (extra records first) with one sheet
/// "Ark1" whose substream holds `sheet_records`.
fn workbook_stream(globals_extra: &[Vec<u8>], sheet_records: &[Vec<u8>]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend(dt.to_le_bytes());
        d.extend([0u8; 12]);
        biff(0x0809, &d)
    };
    let mut globals = bof(0x0005);
    for r in globals_extra {
        globals.extend(r);
    }
    let bound_at = globals.len() + 4;
    let mut bound = 0u32.to_le_bytes().to_vec();
    bound.extend([0, 0, 4, 0]);
    bound.extend(b"Ark1");
    globals.extend(biff(0x0085, &bound));
    globals.extend(biff(0x000A, &[]));
    let pos = globals.len() as u32;
    globals[bound_at..bound_at + 4].copy_from_slice(&pos.to_le_bytes());
    globals.extend(bof(0x0010));
    for r in sheet_records {
        globals.extend(r);
    }
    globals.extend(biff(0x000A, &[]));
    globals
}

fn xls(sheet_records: &[Vec<u8>]) -> Vec<u8> {
    cfb(&[("Workbook", workbook_stream(&[], sheet_records))])
}

fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    read_workbook_bytes(bytes, &Limits::default())
}

fn too_large(result: Result<Workbook, ReadError>) -> String {
    match result {
        Err(ReadError::TooLarge(msg)) => msg,
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

fn cell_count(wb: &Workbook) -> usize {
    wb.sheets
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| r.cells.len())
        .sum()
}

// ------------------------------------------------------------------- tests

/// calamine issue #693: cells in A1 and XFD1048576 make `worksheet_range`
/// allocate 17 billion cells and abort. Streamed, it is two cells.
#[test]
fn issue_693_far_corners_read_as_two_cells() {
    let sheet = sheet_xml(
        "A1:XFD1048576",
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#,
    );
    let bytes = xlsx(&sheet, None);
    assert!(bytes.len() < 2048, "a tiny file: {} bytes", bytes.len());
    let wb = read(&bytes).expect("two cells");
    assert_eq!(wb.kind, SourceKind::Xlsx);
    assert_eq!(cell_count(&wb), 2);
    let s = &wb.sheets[0];
    assert_eq!(s.get(0, 0), Some(&Value::Number(1.0)));
    assert_eq!(s.get(1_048_575, 16_383), Some(&Value::Number(2.0)));
    assert_eq!(s.rows.len(), 2);
}

/// The same corners in .xls (65536 × 256 is the whole BIFF8 sheet) and with
/// a column number no .xls may have: calamine would build the dense range.
#[test]
fn xls_far_corners_are_refused_before_calamine_builds_them() {
    let msg = too_large(read(&xls(&[
        biff_number(0, 0, 1.0),
        biff_number(65535, 255, 2.0),
    ])));
    assert!(
        msg.contains("»Ark1«") && msg.contains("65.536 rækker × 256 kolonner = 16.777.216 celler"),
        "{msg}"
    );
    assert!(msg.contains("grænsen er 10.000.000"), "{msg}");
    let msg = too_large(read(&xls(&[
        biff_number(0, 0, 1.0),
        biff_number(40000, 65535, 2.0),
    ])));
    assert!(msg.contains("65.536 kolonner"), "{msg}");
}

/// A hand-built .xls that is fine: proves the builder makes files calamine
/// reads, so the refusals above are the limits' doing.
#[test]
fn small_handmade_xls_reads() {
    let wb = read(&xls(&[biff_number(0, 0, 1.5), biff_number(2, 1, 2.0)])).expect("readable");
    assert_eq!(wb.kind, SourceKind::Xls);
    assert_eq!(wb.sheets[0].name, "Ark1");
    assert_eq!(wb.sheets[0].get(0, 0), Some(&Value::Number(1.5)));
    assert_eq!(wb.sheets[0].get(2, 1), Some(&Value::Number(2.0)));
    assert_eq!(cell_count(&wb), 2);
}

/// A DIMENSIONS record claiming four billion rows: calamine reserves room for
/// rows × columns before reading a cell.
#[test]
fn xls_dimensions_claiming_four_billion_rows() {
    let mut d = 0u32.to_le_bytes().to_vec();
    d.extend(u32::MAX.to_le_bytes());
    d.extend([0, 0, 10, 0, 0, 0]);
    let msg = too_large(read(&xls(&[biff(0x0200, &d), biff_number(0, 0, 1.0)])));
    assert!(msg.contains("4.294.967.295 rækker"), "{msg}");
}

/// A record calamine trusts blindly (MERGECELLS counting five regions in two
/// bytes) makes it panic; the panic is caught and the file called corrupt.
#[test]
fn a_panic_inside_calamine_becomes_corrupt() {
    let merge = biff(0x00E5, &5u16.to_le_bytes());
    match read(&xls(&[biff_number(0, 0, 1.0), merge])) {
        Err(ReadError::Corrupt(msg)) => assert!(msg.contains("intern fejl"), "{msg}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// Zip bomb by ratio: 8 MB of zeros deflate to a few KB.
#[test]
fn zip_bomb_by_compression_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
    let msg = too_large(read(&bytes));
    assert!(
        msg.contains("xl/worksheets/sheet1.xml") && msg.contains("zip-bombe"),
        "{msg}"
    );
    assert!(msg.contains("grænsen er 200 gange"), "{msg}");
}

/// Sets an entry's declared uncompressed size in both the local and the
/// central header (what a bomb's directory says, without writing the bomb).
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut i = 0;
    while i + 46 <= zip.len() {
        let sig = &zip[i..i + 4];
        let (name_at, size_at) = if sig == b"PK\x03\x04" {
            (i + 30, i + 22)
        } else if sig == b"PK\x01\x02" {
            (i + 46, i + 24)
        } else {
            i += 1;
            continue;
        };
        let name_len_at = if sig == b"PK\x03\x04" { i + 26 } else { i + 28 };
        let n = u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]) as usize;
        if zip.get(name_at..name_at + n) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
        }
        i += 4;
    }
}

/// Zip bomb by declared size: one entry says it unpacks to 4 GB (the real
/// bomb would be 1 GB+ of zeros; its directory is all that is read).
#[test]
fn zip_bomb_by_declared_size() {
    let sheet = sheet_xml("A1", &number_rows(&[("A1", 0, 1.0)]));
    let mut bytes = xlsx(&sheet, None);
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", u32::MAX);
    let msg = too_large(read(&bytes));
    assert!(
        msg.contains("xl/worksheets/sheet1.xml") && msg.contains("4.095 MB"),
        "{msg}"
    );
    assert!(msg.contains("grænsen er 2.048 MB"), "{msg}");
}

/// Several entries each under the limit, together over it.
#[test]
fn zip_bomb_by_total_size() {
    let sheet = sheet_xml("A1", &number_rows(&[("A1", 0, 1.0)]));
    let mut bytes = xlsx(&sheet, None);
    let limits = Limits {
        max_compression_ratio: u64::MAX,
        ..Limits::default()
    };
    for name in [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "[Content_Types].xml",
    ] {
        declare_size(&mut bytes, name, 1024 * 1024 * 1024);
    }
    let msg = too_large(read_workbook_bytes(&bytes, &limits));
    assert!(
        msg.starts_with("indholdet fylder 3.072 MB udpakket"),
        "{msg}"
    );
}

/// An entry that understates its size and inflates to far more: the zip
/// reader stops at the declared size, so calamine sees broken XML.
#[test]
fn understated_entry_is_cut_off_not_inflated() {
    let mut rows = String::new();
    for r in 1..=20_000 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    let sheet = sheet_xml("A1:A20000", &rows);
    let mut bytes = xlsx(&sheet, None);
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1000);
    assert!(matches!(read(&bytes), Err(ReadError::Corrupt(_))));
}

/// calamine reserves the shared-string table's declared uniqueCount up front:
/// 10^15 strings in a tiny file would abort the process.
#[test]
fn shared_strings_claiming_a_quadrillion_entries() {
    let sst = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1000000000000000"><si><t>Økonomi</t></si></sst>"#;
    let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let msg = too_large(read(&xlsx(&sheet, Some(sst))));
    assert!(msg.contains("1.000.000.000.000.000 tekster"), "{msg}");
    // An honest count reads.
    let honest = sst.replace("1000000000000000", "1");
    let wb = read(&xlsx(&sheet, Some(&honest))).unwrap();
    assert_eq!(wb.sheets[0].get(0, 0), Some(&Value::Text("Økonomi".into())));
}

/// One shared string of 1 MB referenced by many cells would be copied into
/// every cell: the text limit stops it.
#[test]
fn shared_string_copied_into_many_cells() {
    // Letters that do not compress much (a run of one letter would trip the
    // zip-bomb ratio first).
    let big: String = pseudo_random(1024 * 1024)
        .iter()
        .map(|b| (b'a' + b % 26) as char)
        .collect();
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>{big}</t></si></sst>"#
    );
    let mut rows = String::new();
    for r in 1..=100 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    let limits = Limits {
        max_text_bytes: 10 * 1024 * 1024,
        ..Limits::default()
    };
    let result = read_workbook_bytes(&xlsx(&sheet_xml("A1:A100", &rows), Some(&sst)), &limits);
    let msg = too_large(result);
    assert!(msg.contains("10 MB tekst"), "{msg}");
}

fn small_cell_limits() -> Limits {
    Limits {
        max_cells_per_sheet: 10,
        ..Limits::default()
    }
}

/// More cells than a (small) limit: the message names the count and the limit.
#[test]
fn xlsx_sheet_over_the_cell_limit() {
    let cells: Vec<(String, u32, f64)> = (1..=25).map(|r| (format!("A{r}"), 0, r as f64)).collect();
    let refs: Vec<(&str, u32, f64)> = cells.iter().map(|(a, c, v)| (a.as_str(), *c, *v)).collect();
    let bytes = xlsx(&sheet_xml("A1:A25", &number_rows(&refs)), None);
    let msg = too_large(read_workbook_bytes(&bytes, &small_cell_limits()));
    assert_eq!(
        msg,
        "arket »Ark1« har 25 udfyldte celler; grænsen er 10 pr. ark"
    );
    // The same file within the default limits.
    assert_eq!(cell_count(&read(&bytes).unwrap()), 25);
}

#[test]
fn workbook_over_the_total_cell_limit() {
    let cells: Vec<(String, u32, f64)> = (1..=25).map(|r| (format!("A{r}"), 0, r as f64)).collect();
    let refs: Vec<(&str, u32, f64)> = cells.iter().map(|(a, c, v)| (a.as_str(), *c, *v)).collect();
    let bytes = xlsx(&sheet_xml("A1:A25", &number_rows(&refs)), None);
    let limits = Limits {
        max_cells_total: 20,
        ..Limits::default()
    };
    let msg = too_large(read_workbook_bytes(&bytes, &limits));
    assert_eq!(msg, "projektmappen har mindst 25 udfyldte celler (til og med arket »Ark1«); grænsen er 20 i alt");
}

/// The cell limit in the formats calamine reads densely is checked by the
/// pre-scan, before calamine parses: the seed's "Statusskema 1" has 95 cells.
#[rstest]
#[case::xlsx("seed/socialudvalget-2008.xlsx")]
#[case::xls("variants/socialudvalget-2008.xls")]
#[case::ods("variants/socialudvalget-2008.ods")]
fn cell_limit_in_every_format(#[case] rel: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let bytes = std::fs::read(path).unwrap();
    let limits = Limits {
        max_cells_per_sheet: 50,
        ..Limits::default()
    };
    let msg = too_large(read_workbook_bytes(&bytes, &limits));
    assert_eq!(
        msg, "arket »Statusskema 1« har 95 udfyldte celler; grænsen er 50 pr. ark",
        "{rel}"
    );
}

/// .ods repeat counts: a row of 16 384 filled cells repeated a million times
/// is 17 billion cells from a few hundred bytes.
#[test]
fn ods_repeated_cells_are_counted_before_calamine_expands_them() {
    let body = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let bytes = ods(body);
    assert!(bytes.len() < 2048);
    let msg = too_large(read(&bytes));
    assert_eq!(
        msg,
        "arket »Ark1« har 17.179.869.184 udfyldte celler; grænsen er 5.000.000 pr. ark"
    );
}

/// .ods corners A1 and XFD1048576 through an empty repeated row.
#[test]
fn ods_far_corners_break_the_dense_limit() {
    let body = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row>"#;
    let msg = too_large(read(&ods(body)));
    assert!(msg.contains("1.048.576 rækker × 16.384 kolonner"), "{msg}");
}

/// A small hand-made .ods reads, with its date as a date.
#[test]
fn small_handmade_ods_reads() {
    let body = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Dato</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2008-03-03"/></table:table-row>"#;
    let wb = read(&ods(body)).unwrap();
    assert_eq!(wb.kind, SourceKind::Ods);
    assert_eq!(wb.sheets[0].get(0, 0), Some(&Value::Text("Dato".into())));
    let d = chrono::NaiveDate::from_ymd_opt(2008, 3, 3)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(wb.sheets[0].get(0, 1), Some(&Value::Date(d)));
}

fn docx_like() -> Vec<u8> {
    zip_of(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        ("word/document.xml", b"<w:document/>"),
    ])
}

fn odt_like() -> Vec<u8> {
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<x/>"),
    ])
}

fn pseudo_random(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[rstest]
#[case::empty(Vec::new())]
#[case::random_bytes(pseudo_random(4096))]
#[case::pdf(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".to_vec())]
#[case::csv("Titel;2008;2009\nBoligsociale projekter;12,29;12,29\n".as_bytes().to_vec())]
#[case::html_posing_as_xls(b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec())]
#[case::docx(docx_like())]
#[case::odt(odt_like())]
#[case::word_97_doc(cfb(&[("WordDocument", vec![0u8; 100])]))]
fn not_a_spreadsheet(#[case] bytes: Vec<u8>) {
    match read(&bytes) {
        Err(ReadError::NotASpreadsheet) => {}
        other => panic!("expected NotASpreadsheet, got {other:?}"),
    }
}

#[rstest]
#[case::xlsx_half("seed/socialudvalget-2008.xlsx", 2)]
#[case::xlsx_most("seed/socialudvalget-2008.xlsx", 100)]
#[case::xls_half("variants/socialudvalget-2008.xls", 2)]
#[case::ods_half("variants/socialudvalget-2008.ods", 2)]
fn truncated_file_is_corrupt(#[case] rel: &str, #[case] keep_parts: usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let bytes = std::fs::read(path).unwrap();
    // Keep all but the last 1/keep_parts of the file (at least one byte cut).
    let cut = (bytes.len() / keep_parts).max(1);
    let truncated = &bytes[..bytes.len() - cut];
    match read(truncated) {
        Err(ReadError::Corrupt(msg)) => assert!(!msg.is_empty()),
        other => panic!("{rel}: expected Corrupt, got {other:?}"),
    }
}

/// A password-encrypted .xlsx is a Compound File with EncryptionInfo and
/// EncryptedPackage streams (MS-OFFCRYPTO), whatever its extension.
#[test]
fn encrypted_ooxml_is_encrypted() {
    let bytes = cfb(&[
        ("EncryptionInfo", vec![4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", pseudo_random(5000)),
    ]);
    assert!(matches!(read(&bytes), Err(ReadError::Encrypted)));
    // Either stream alone is enough to tell.
    let bytes = cfb(&[("EncryptedPackage", pseudo_random(5000))]);
    assert!(matches!(read(&bytes), Err(ReadError::Encrypted)));
}

/// An .xls with a FILEPASS record (RC4 or XOR obfuscation) is encrypted.
#[rstest]
#[case::rc4(1)]
#[case::xor_obfuscation(0)]
fn xls_with_filepass_is_encrypted(#[case] kind: u16) {
    let filepass = biff(
        0x002F,
        &[kind.to_le_bytes().as_slice(), &[0u8; 52]].concat(),
    );
    let stream = workbook_stream(&[filepass], &[biff_number(0, 0, 1.0)]);
    let bytes = cfb(&[("Workbook", stream)]);
    assert!(matches!(read(&bytes), Err(ReadError::Encrypted)));
}

/// An .xlsx whose parts are zip-encrypted (ZipCrypto) cannot be read either.
#[test]
fn zip_encrypted_parts_are_encrypted() {
    let mut bytes = xlsx(&sheet_xml("A1", &number_rows(&[("A1", 0, 1.0)])), None);
    // Set the "encrypted" flag (bit 0) in every local and central header.
    let mut i = 0;
    while i + 10 <= bytes.len() {
        let at = match &bytes[i..i + 4] {
            b"PK\x03\x04" => Some(i + 6),
            b"PK\x01\x02" => Some(i + 8),
            _ => None,
        };
        if let Some(at) = at {
            bytes[at] |= 1;
        }
        i += 1;
    }
    assert!(matches!(read(&bytes), Err(ReadError::Encrypted)));
}

/// The file-size limit applies before anything is parsed.
#[test]
fn file_over_the_size_limit() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let msg = too_large(read_workbook_bytes(&pseudo_random(20_000), &limits));
    assert_eq!(msg, "filen fylder 19 KB; grænsen er 1.000 bytes");
}

/// A password-protected .ods: the manifest lists encryption data and
/// content.xml is ciphertext.
#[test]
fn encrypted_ods_is_encrypted() {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
    let bytes = ods_parts(&pseudo_random(3000), manifest);
    assert!(matches!(read(&bytes), Err(ReadError::Encrypted)));
}

/// content.xml that is not XML: refused before calamine parses it.
#[test]
fn ods_with_broken_content_is_corrupt() {
    let plain = r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#;
    match read(&ods_parts(&pseudo_random(3000), plain)) {
        Err(ReadError::Corrupt(msg)) => assert!(msg.contains("content.xml"), "{msg}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
