//! Shared by the xlsx_* and template_* tests: the seed models from
//! expected.json, the committee format, and a normalized dump of an xlsx
//! file's XML for golden comparisons.
#![allow(dead_code)]

use bilag::finding::{Code, Finding, Severity};
use bilag::format::Format;
use bilag::model::Model;
use std::io::Read;

#[path = "../common/mod.rs"]
mod common;

pub use common::expected_json as expected;

/// `fixtures/expected.json`, for the Python checker's command line.
pub fn expected_path() -> std::path::PathBuf {
    common::fixtures_dir().join("expected.json")
}

/// `expected.json[case].model` as a Model, with `format_group = group` (the
/// fixture has no format_group).
pub fn model(case: &str) -> Model {
    common::expected_model(case)
}

/// The expected findings of a case, with their "about" text as message.
pub fn findings(case: &str) -> Vec<Finding> {
    let v = expected()[case]["expected_findings"].clone();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let code: Code = serde_json::from_value(f["code"].clone()).unwrap();
            let severity: Severity = serde_json::from_value(f["severity"].clone()).unwrap();
            Finding {
                code,
                severity,
                file: f["file"].as_str().unwrap().to_string(),
                sheet: f["sheet"].as_str().map(String::from),
                cell: f["cell"].as_str().map(String::from),
                message: f["about"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

pub fn format() -> Format {
    Format::default_format()
}

/// A normalized text dump of every XML part of an xlsx (sorted by part
/// name): one line per element with its attributes, text on its own line.
/// Per-run fields (creation and modification dates) are replaced by
/// "<stripped>".
pub fn xml_dump(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("zip entry name").to_string())
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let mut xml = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        out.push_str(&format!("== {name}\n"));
        dump_xml(&xml, &mut out);
    }
    out
}

fn dump_xml(xml: &str, out: &mut String) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_string();
                out.push_str(&format!("{}{}{}\n", "  ".repeat(depth), name, attrs(&e)));
                stack.push(name);
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                let name = e.name().as_ref().to_string();
                out.push_str(&format!("{}{}{}\n", "  ".repeat(depth), name, attrs(&e)));
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                stack.pop();
            }
            Ok(Event::Text(t)) => {
                let raw = t.as_ref().to_string();
                if raw.trim().is_empty() {
                    continue;
                }
                let per_run = stack
                    .last()
                    .is_some_and(|n| n == "dcterms:created" || n == "dcterms:modified");
                let text = if per_run {
                    "<stripped>".to_string()
                } else {
                    raw
                };
                out.push_str(&format!("{}= {}\n", "  ".repeat(depth), text));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("bad xml: {e}"),
        }
    }
}

fn attrs(e: &quick_xml::events::BytesStart<'_>) -> String {
    let mut s = String::new();
    for a in e.attributes().flatten() {
        s.push_str(&format!(" {}=\"{}\"", a.key.as_ref(), a.value));
    }
    s
}
