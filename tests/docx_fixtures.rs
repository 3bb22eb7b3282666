//! End to end: the fixture workbooks read by bilag's own reader give an
//! appendix with every text of the seed's appendix in the seed's order —
//! the seed as one workbook, and the same content split over four
//! departments' workbooks in their own layouts.

mod docx_support;

use bilag::inbox::load_files;
use bilag::read::Limits;
use bilag::write::docx::appendix_bytes;
use docx_support::*;
use std::path::PathBuf;

fn appendix_of(paths: Vec<PathBuf>, name: &str) -> Vec<u8> {
    let format = seed_format();
    let loaded = load_files(&paths, &format, &Limits::default());
    assert!(
        !loaded.model.submissions.is_empty(),
        "nothing read from {paths:?}"
    );
    let bytes = appendix_bytes(&loaded.model, &format).unwrap();
    std::fs::write(out_dir().join(name), &bytes).unwrap();
    let problems = check_package(&bytes);
    assert!(problems.is_empty(), "{problems:#?}");
    bytes
}

#[test]
fn the_seed_workbook_gives_the_seeds_appendix() {
    let bytes = appendix_of(
        vec![fixtures_dir().join("seed/socialudvalget-2008.xlsx")],
        "appendix-seed-workbook.docx",
    );
    assert_in_order(
        &document_texts(&bytes).join("\n"),
        &seed_texts(),
        "seed workbook",
    );
}

#[test]
fn four_departments_give_the_seeds_appendix() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join("departments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 4);
    let bytes = appendix_of(paths, "appendix-departments.docx");
    // The letterhead is one sender's (contract §1a): without a [sender] or
    // a coordinator, only what all four share — the addressee, Dato and
    // Sagsnr.; no one department's Dokumentnr., caseworker or office.
    let seed = seed_texts();
    let title = seed.iter().position(|t| t.starts_with("Bilag 1:")).unwrap();
    let texts: Vec<String> = ["Til Socialudvalget", "03-03-2008", "Sagsnr.", "2008-20510"]
        .iter()
        .map(|t| t.to_string())
        .chain(seed[title..].iter().cloned())
        .collect();
    let letterhead = letterhead_cells(&bytes).concat().join("\n");
    for one in [
        "Dokumentnr.",
        "Sagsbehandler",
        "Susan Fiil Præstegaard",
        "Telefon",
    ] {
        assert!(!letterhead.contains(one), "{one} in {letterhead}");
    }
    assert_in_order(&document_texts(&bytes).join("\n"), &texts, "departments");
}
