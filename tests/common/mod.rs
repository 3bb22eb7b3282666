//! Paths and expected data every test file may need. Test support modules
//! include it with `#[path = "../common/mod.rs"] mod common;`.
#![allow(dead_code)]

use bilag::model::Model;
use std::path::PathBuf;

/// The fixtures in the repository (`fixtures/`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `fixtures/expected.json`: the exact model and findings of the public
/// fixtures.
pub fn expected_json() -> serde_json::Value {
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
