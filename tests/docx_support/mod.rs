//! Shared helpers of the appendix tests: the seed model from the fixtures'
//! expected.json, text extraction from a .docx, an in-order matcher, and
//! the package checks ([`package`]).
#![allow(dead_code)]

use bilag::format::Format;
use bilag::model::Model;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::{Cursor, Read};
use std::path::PathBuf;

#[path = "../common/mod.rs"]
mod common;
pub mod package;

#[allow(unused_imports)]
pub use package::{check_order, check_package, check_well_formed};

#[allow(unused_imports)]
pub use common::{expected_json, fixtures_dir};

/// The seed's model, as a correct reading of the seed workbook gives it,
/// with every budget line consolidated into the group it names.
pub fn seed_model() -> Model {
    common::expected_model("seed")
}

pub fn seed_format() -> Format {
    Format::default_format()
}

/// Where tests put files a person may want to look at.
pub fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/out");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One part of a .docx package.
pub fn part(docx: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    Some(out)
}

/// The text of every paragraph of an XML part, in document order (table
/// cells included): w:t as text, w:tab as a tab, w:br as a line feed.
pub fn paragraph_texts(xml: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut in_t = false;
    // A w:tab in the paragraph properties is a tab stop, not text.
    let mut in_ppr = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(s) => match s.name().into_inner() {
                "w:p" => cur = Some(String::new()),
                "w:t" => in_t = true,
                "w:pPr" => in_ppr = true,
                _ => {}
            },
            Event::Empty(s) => match s.name().into_inner() {
                "w:p" => out.push(String::new()),
                "w:tab" if !in_ppr => {
                    if let Some(c) = &mut cur {
                        c.push('\t')
                    }
                }
                "w:br" => {
                    if let Some(c) = &mut cur {
                        c.push('\n')
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().into_inner() {
                "w:p" => out.extend(cur.take()),
                "w:t" => in_t = false,
                "w:pPr" => in_ppr = false,
                _ => {}
            },
            Event::Text(t) if in_t => {
                if let Some(c) = &mut cur {
                    c.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let Some(c) = &mut cur {
                    let ch = match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    c.extend(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

pub fn document_texts(docx: &[u8]) -> Vec<String> {
    paragraph_texts(&part(docx, "word/document.xml").expect("word/document.xml"))
}

/// Collapses every run of whitespace into one space and trims.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that every needle occurs in `text`, in the given order (after
/// collapsing whitespace on both sides). Names the first one missing.
pub fn assert_in_order(text: &str, needles: &[String], what: &str) {
    let hay = squash(text);
    let mut pos = 0;
    for (i, n) in needles.iter().enumerate() {
        let n = squash(n);
        if n.is_empty() {
            continue;
        }
        match hay[pos..].find(&n) {
            Some(at) => pos += at + n.len(),
            None => {
                let anywhere = hay.contains(&n);
                let prev = if i > 0 {
                    squash(&needles[i - 1])
                } else {
                    String::new()
                };
                panic!(
                    "{what}: text #{i} {n:?} {} (after {prev:?})",
                    if anywhere {
                        "is there but out of order"
                    } else {
                        "is missing"
                    }
                );
            }
        }
    }
}

/// Every text of the seed's appendix, in the seed's order, with the
/// economic overview's totals as bilag computes them.
pub fn seed_texts() -> Vec<String> {
    let json = expected_json();
    let seed = &json["seed"];
    let doc = &seed["document"];
    let sub = &seed["model"]["submissions"][0];
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    let mut t: Vec<String> = vec![
        "Til Socialudvalget".into(),
        "03-03-2008".into(),
        "Sagsnr.".into(),
        "2008-20510".into(),
        "Dokumentnr.".into(),
        "2008-124406".into(),
        "Sagsbehandler".into(),
        "Susan Fiil Præstegaard".into(),
        "Mål- og Rammekontor for Misbrug og Bolig".into(),
        "Bernstorffsgade 17, 5".into(),
        "1592 København V".into(),
        "Telefon".into(),
        "3317 3214".into(),
        "Telefax".into(),
        "33173731".into(),
        "E-mail".into(),
        "PA07@SOF.kk.dk".into(),
        "EAN nummer".into(),
        "5798009682833".into(),
        "Bilag 1: Socialudvalgets redegørelse for integrationsindsatsen".into(),
    ];
    assert_eq!(s(&doc["title"]), t.last().unwrap().as_str());
    t.push(s(&doc["intro"]));
    for (i, g) in doc["goals"].as_array().unwrap().iter().enumerate() {
        t.push(format!("{}) {}", i + 1, s(g)));
    }
    t.push(s(&doc["intro_closing"]));
    let headings = [
        "1. Statusskema for integrationsindsatser, der bidrager til at nå målene i integrationspolitikken:",
        "2. Statusskema for integrationsindsatser, der ligger ud over integrationspolitikens mål (enkelt indsatser)",
    ];
    for (n, heading) in [1, 2].into_iter().zip(headings) {
        t.push(heading.into());
        for ini in sub["initiatives"].as_array().unwrap() {
            if ini["section"].as_u64() != Some(n) {
                continue;
            }
            t.push(s(&ini["title"]));
            for (label, value) in ini["fields"].as_object().unwrap() {
                t.push(label.clone());
                t.extend(value.as_str().unwrap().split('\n').map(String::from));
            }
        }
    }
    t.push("3. Økonomiske oversigt, for hele udvalgets integrationsindsats, herunder også den samlede økonomi i forhold til integrationsprojekter:".into());
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    t.extend(row(&[
        "Integrationsindsatser i relation til mål i integrationspolitikken",
        "2008",
        "2009",
        "2010",
        "2011",
        "I alt",
        "Aftalen om nye udlejningsmodeller",
        "6,0 mio.",
        "6,0 mio.",
        "6,0 mio.",
        "6,0 mio.",
        "Helhedsplaner for 21 almene boligområder",
        "Boligsociale projekter",
        "12,29 mio.",
        "12,29 mio.",
        "12,29 mio.",
        "12,29 mio.",
        "49,16 mio.",
        "I alt",
        "18,29 mio.",
        "73,16 mio.",
        "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken",
        "§ 18 midler til integrationsformål",
        "1,0 mio.",
        "Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.",
        "7,5 mio.",
        "I alt",
        "8,5 mio.",
        "Integrationsprojekter – samlet beløb",
        "I ALT",
        "26,79 mio.",
        "18,29 mio.",
        "18,29 mio.",
        "18,29 mio.",
        "81,66 mio.",
    ]));
    t
}

/// The letterhead of an appendix: the paragraph texts of each cell of the
/// document's first table (left: addressee, Dato, numbers, caseworker;
/// right: the sending office). Label and value are joined by a tab
/// ("Dato\t03-03-2008"); a cell without text gives no paragraphs.
pub fn letterhead_cells(docx: &[u8]) -> Vec<Vec<String>> {
    let xml = String::from_utf8(part(docx, "word/document.xml").expect("word/document.xml"))
        .expect("UTF-8");
    let start = xml.find("<w:tbl>").expect("a letterhead table");
    let end = start + xml[start..].find("</w:tbl>").expect("a closed table");
    let table = &xml[start..end];
    let mut cells = Vec::new();
    let mut rest = table;
    while let Some(at) = find_open_tag(rest, "w:tc") {
        let close = at + rest[at..].find("</w:tc>").expect("a closed cell");
        let cell = &rest[at..close + "</w:tc>".len()];
        let texts: Vec<String> =
            paragraph_texts(format!("<w:x xmlns:w=\"w\">{cell}</w:x>").as_bytes())
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect();
        cells.push(texts);
        rest = &rest[close + "</w:tc>".len()..];
    }
    cells
}

/// Where `<tag>` or `<tag …>` opens (not `<tagPr>`).
fn find_open_tag(xml: &str, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let at = from + i;
        match xml[at + open.len()..].chars().next() {
            Some('>') | Some(' ') | Some('/') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}
