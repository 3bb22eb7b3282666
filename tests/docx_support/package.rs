//! Checks of a .docx package for the tests: every part well-formed, every
//! entry deflated, children in schema order, header rows first, no style
//! defined twice, a theme. Test code only: the library repairs, these
//! checks judge the result.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashSet;
use std::io::{Cursor, Read};
use zip::CompressionMethod;

/// The child order the OOXML schema demands: the same table the
/// post-processing pass sorts by, read from its one home in src.
#[path = "../../src/write/docx/schema_order.rs"]
mod schema_order;

pub use schema_order::order_problems;

const THEME_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";

/// Checks that an XML part is well-formed: tags nest and match, attributes
/// and entity references parse, exactly one root element, valid UTF-8 and no
/// character XML 1.0 forbids (C0 controls other than tab, LF and CR;
/// U+FFFE, U+FFFF).
///
/// # Errors
/// What is wrong, and where (byte offset).
pub fn check_well_formed(xml: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(xml).map_err(|e| format!("ikke UTF-8: {e}"))?;
    if let Some((i, c)) = text.char_indices().find(|(_, c)| {
        ((*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }) {
        return Err(format!("forbudt tegn U+{:04X} ved byte {i}", c as u32));
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("ved byte {pos}: {e}"))?;
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::Start(s) | Event::Empty(s) => {
                if depth == 0 {
                    roots += 1;
                }
                for a in s.attributes() {
                    let a = a.map_err(|e| format!("ved byte {pos}: {e}"))?;
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| format!("ved byte {pos}: {e}"))?;
                }
                if is_start {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("ved byte {pos}: slut-tag uden start"))?;
            }
            Event::Text(t) if depth == 0 && !t.chars().all(|c| c.is_ascii_whitespace()) => {
                return Err(format!("ved byte {pos}: tekst uden for rodelementet"));
            }
            Event::GeneralRef(r) => {
                let known = matches!(&*r, "amp" | "lt" | "gt" | "quot" | "apos");
                if !known && r.resolve_char_ref().map_err(|e| e.to_string())?.is_none() {
                    return Err(format!("ved byte {pos}: ukendt entitet &{};", &*r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("elementer er ikke lukket".into());
    }
    if roots != 1 {
        return Err(format!("{roots} rodelementer, ikke 1"));
    }
    Ok(())
}

/// [`order_problems`] (children out of schema order, run properties in the
/// paragraph properties of a style, level or the defaults), and what else
/// Word or the schema object to: repeated header rows (w:tblHeader) that are
/// not the first rows of their table, a style id defined twice, and the
/// undeclared `w:type` on `w:gridCol`. One message per problem.
pub fn check_order(xml: &[u8]) -> Vec<String> {
    let mut problems = order_problems(xml);
    problems.extend(header_row_problems(xml));
    problems.extend(style_and_grid_problems(xml));
    problems
}

/// Header rows (w:tblHeader) after a row that is not one.
fn header_row_problems(xml: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = Reader::from_reader(xml);
    // Per open table: has a row without tblHeader been seen; is the current
    // row a header row.
    let mut tables: Vec<(bool, bool)> = Vec::new();
    loop {
        let pos = reader.buffer_position();
        let (name, empty) = match reader.read_event() {
            Ok(Event::Start(s)) => (s.name().into_inner().to_string(), false),
            Ok(Event::Empty(s)) => (s.name().into_inner().to_string(), true),
            Ok(Event::End(e)) => {
                match e.name().into_inner() {
                    "w:tbl" => {
                        tables.pop();
                    }
                    "w:tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.0 |= !t.1;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match name.as_str() {
            "w:tbl" if !empty => tables.push((false, false)),
            "w:tr" => {
                if let Some(t) = tables.last_mut() {
                    t.1 = false;
                }
            }
            "w:tblHeader" => {
                if let Some(t) = tables.last_mut() {
                    t.1 = true;
                    if t.0 {
                        problems.push(format!(
                            "ved byte {pos}: <w:tblHeader> på en række efter tabellens første rækker"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    problems
}

/// A style id defined twice; `w:type` on `w:gridCol`.
fn style_and_grid_problems(xml: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = Reader::from_reader(xml);
    let mut style_ids = HashSet::new();
    loop {
        let pos = reader.buffer_position();
        let s = match reader.read_event() {
            Ok(Event::Start(s) | Event::Empty(s)) => s,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match s.name().into_inner() {
            "w:gridCol" if matches!(s.try_get_attribute("w:type"), Ok(Some(_))) => {
                problems.push(format!(
                    "ved byte {pos}: <w:gridCol> med w:type, som skemaet ikke kender"
                ));
            }
            "w:style" => {
                if let Ok(Some(id)) = s.try_get_attribute("w:styleId") {
                    let id = id.value.into_owned();
                    if !style_ids.insert(id.clone()) {
                        problems.push(format!(
                            "ved byte {pos}: typografien {id} er defineret to gange"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    problems
}

/// Checks a whole package: every entry deflated, every XML part (`.xml`,
/// `.rels`) well-formed, [`check_order`] on every part, and the main
/// document related to a theme. Returns one message per problem, naming
/// the part; empty when all is well.
pub fn check_package(docx: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut has_theme = false;
    let mut archive = match zip::ZipArchive::new(Cursor::new(docx)) {
        Ok(a) => a,
        Err(e) => return vec![format!("zip: {e}")],
    };
    for i in 0..archive.len() {
        let mut f = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("zip: {e}"));
                continue;
            }
        };
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        if f.is_dir() {
            problems.push(format!("{name}: mappeindgang i pakken"));
            continue;
        }
        if f.compression() != CompressionMethod::Deflated {
            problems.push(format!("{name}: ikke komprimeret ({})", f.compression()));
        }
        let mut bytes = Vec::new();
        if let Err(e) = f.read_to_end(&mut bytes) {
            problems.push(format!("{name}: {e}"));
            continue;
        }
        if name == "word/_rels/document.xml.rels" {
            has_theme = String::from_utf8_lossy(&bytes).contains(THEME_REL);
        }
        if name.ends_with(".xml") || name.ends_with(".rels") {
            if let Err(e) = check_well_formed(&bytes) {
                problems.push(format!("{name}: {e}"));
            }
            problems.extend(
                check_order(&bytes)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
        }
    }
    if !has_theme {
        problems.push("word/_rels/document.xml.rels: ingen relation til et tema".into());
    }
    problems
}
