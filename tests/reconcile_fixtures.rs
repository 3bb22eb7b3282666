//! End to end on the public fixtures: read the workbooks, normalize, and
//! reconcile; the reader's findings and reconcile's together must be
//! exactly the fixture's real problems, at the cells a person must open.

mod reconcile_support;

use bilag::finding::{sort_findings, Code, Finding};
use bilag::format::Format;
use bilag::inbox::{list_inbox, load_files};
use bilag::read::Limits;
use bilag::reconcile::reconcile;
use reconcile_support::{k, keys, show};
use std::path::Path;

fn check(dir: &str) -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir);
    let format = Format::default_format();
    let listing = list_inbox(&dir).unwrap();
    let loaded = load_files(&listing.files, &format, &Limits::default());
    let mut fs = loaded.findings;
    fs.extend(reconcile(&loaded.model, &format));
    sort_findings(&mut fs);
    fs
}

#[test]
fn seed_workbook() {
    let fs = check("seed");
    let seed = "socialudvalget-2008.xlsx";
    assert_eq!(
        keys(&fs),
        vec![
            k(Code::TotalMismatch, seed, "Økonomi", "F12"),
            k(Code::EconomyMismatch, seed, "Statusskema 1", "B23"),
            k(Code::MissingBudgetLine, seed, "Statusskema 1", "B42"),
            k(Code::AmbiguousNumber, seed, "Statusskema 1", "B52"),
            k(Code::MissingBudgetLine, seed, "Statusskema 1", "B52"),
            k(Code::AmbiguousNumber, seed, "Statusskema 2", "B4"),
        ],
        "{}",
        show(&fs)
    );
    let total = &fs[0];
    for part in [
        "'73,19 mio.'",
        "73.190.000 kr.",
        "81,66 mio.",
        "81.660.000 kr.",
    ] {
        assert!(total.message.contains(part), "{part}: {}", total.message);
    }
}

#[test]
fn departments_workbooks() {
    let fs = check("departments");
    assert_eq!(
        keys(&fs),
        vec![
            k(
                Code::EconomyMismatch,
                "01-bolig.xlsx",
                "Statusskema 1",
                "B21"
            ),
            k(
                Code::MissingBudgetLine,
                "02-ssp.xlsx",
                "Statusskemaer",
                "B14"
            ),
            k(Code::AmbiguousNumber, "03-boern-unge.xlsx", "Skema 1", "B2"),
            k(
                Code::MissingBudgetLine,
                "03-boern-unge.xlsx",
                "Skema 1",
                "B2"
            ),
            k(
                Code::AmbiguousNumber,
                "04-integration.xlsx",
                "Sektion 2",
                "B2"
            ),
        ],
        "{}",
        show(&fs)
    );
}
