//! Paths, files and expected data every test file may need, and in [`cli`]
//! running the built binary. Test files include it with `mod common;`, test
//! support modules with `#[path = "../common/mod.rs"] mod common;`.
#![allow(dead_code)]

pub mod cli;

use bilag::model::Model;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The fixtures in the repository (`fixtures/`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A path under `fixtures/`, e.g. `fixture("departments/01-bolig.xlsx")`.
pub fn fixture(rel: &str) -> PathBuf {
    fixtures_dir().join(rel)
}

/// The bytes of a file under `fixtures/`.
pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    let path = fixture(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sha256 of `bytes` in lower-case hex, as pack.json and the ledger have it.
pub fn sha(bytes: &[u8]) -> String {
    bilag::inbox::sha256_hex(bytes)
}

/// A JSON file, parsed; panics naming the file.
pub fn json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `OUT/pack.json`, parsed.
pub fn pack_json(out: &Path) -> Value {
    json(&out.join("pack.json"))
}

/// Writes `bytes` to `dir/name`.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The same workbook with a zip comment: other bytes, same content.
pub fn with_comment(bytes: &[u8], comment: &str) -> Vec<u8> {
    let n = bytes.len();
    assert_eq!(
        &bytes[n - 22..n - 18],
        b"PK\x05\x06",
        "no plain zip end record"
    );
    assert_eq!(&bytes[n - 2..], [0, 0], "zip already has a comment");
    let mut v = bytes.to_vec();
    v[n - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    v.extend_from_slice(comment.as_bytes());
    v
}

/// `fixtures/expected.json`: the exact model and findings of the public
/// fixtures.
pub fn expected_json() -> Value {
    let path = fixtures_dir().join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// `expected.json[case].model` as a Model, every budget line consolidated
/// into the group it names (expected.json has no `format_group`).
pub fn expected_model(case: &str) -> Model {
    let mut m: Model =
        serde_json::from_value(expected_json()[case]["model"].clone()).expect("model deserializes");
    for s in &mut m.submissions {
        for l in &mut s.budget_lines {
            l.format_group = l.group.clone();
        }
    }
    m
}

/// The calamine robustness corpus: `$BILAG_CORPUS`, else `shared/` beside
/// the checkout (where CI puts it). None when absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("BILAG_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/calamine-tests")
        });
    dir.is_dir().then_some(dir)
}
