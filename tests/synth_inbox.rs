//! The synthetic-inbox generator (src/synth.rs) that the benchmark uses:
//! deterministic, within the contract, and read back exactly.

use bilag::finding::Code;
use bilag::format::Format;
use bilag::inbox::{list_inbox, load_and_reconcile, read_bytes, read_one, sha256_hex, Outcome};
use bilag::internal::synth::{self, Layout};
use bilag::read::Limits;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashSet};

const SEED: u64 = 1;
const N: usize = 20;

fn format() -> Format {
    Format::default_format()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let f = format();
    for i in [0, 3, 7] {
        let a = synth::generate(SEED, i, &f).unwrap();
        let b = synth::generate(SEED, i, &f).unwrap();
        assert_eq!(sha256_hex(&a.bytes), sha256_hex(&b.bytes), "file {i}");
        assert_eq!(a.expect, b.expect);
        let c = synth::generate(SEED + 1, i, &f).unwrap();
        assert_ne!(sha256_hex(&a.bytes), sha256_hex(&c.bytes), "file {i}");
    }
}

#[test]
fn an_inbox_is_the_same_whatever_its_size_and_thread_count() {
    let f = format();
    let small = tempfile::tempdir().unwrap();
    let big = tempfile::tempdir().unwrap();
    let e5 = synth::write_inbox(small.path(), 5, SEED, &f).unwrap();
    let e8 = synth::write_inbox(big.path(), 8, SEED, &f).unwrap();
    assert_eq!(e5[..], e8[..5]);
    for e in &e5 {
        let a = std::fs::read(small.path().join(&e.file)).unwrap();
        let b = std::fs::read(big.path().join(&e.file)).unwrap();
        assert_eq!(sha256_hex(&a), sha256_hex(&b), "{}", e.file);
    }
    // File names sort in generation order.
    let listing = list_inbox(big.path()).unwrap();
    let names: Vec<String> = listing
        .files
        .iter()
        .map(|p| bilag::inbox::file_name(p))
        .collect();
    let want: Vec<String> = e8.iter().map(|e| e.file.clone()).collect();
    assert_eq!(names, want);
}

#[test]
fn twenty_submissions_read_back_with_their_counts_and_amounts() {
    let f = format();
    let dir = tempfile::tempdir().unwrap();
    let expects = synth::write_inbox(dir.path(), N, SEED, &f).unwrap();
    let layouts: HashSet<Layout> = expects.iter().map(|e| e.layout).collect();
    assert_eq!(
        layouts.len(),
        4,
        "all four layouts in 20 files: {layouts:?}"
    );

    for e in &expects {
        let path = dir.path().join(&e.file);
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(
            (5_000..=30_000).contains(&size),
            "{}: {size} bytes ({:?})",
            e.file,
            e.layout
        );
        let (sub, findings) = match read_one(&path, &f, &Limits::default()) {
            Outcome::Accepted(sub, findings) => (sub, findings),
            Outcome::Rejected(r) => panic!("{} ({:?}) rejected: {}", e.file, e.layout, r.message),
        };
        let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
        assert!(
            !codes.contains(&Code::FileRejected)
                && !codes.contains(&Code::AmountUnparseable)
                && !codes.contains(&Code::UnitAssumed)
                && !codes.contains(&Code::AmbiguousNumber),
            "{} ({:?}): {findings:#?}",
            e.file,
            e.layout
        );
        let ctx = format!("{} ({:?})", e.file, e.layout);
        assert_eq!(sub.initiatives.len(), e.initiatives, "{ctx} initiatives");
        assert_eq!(
            sub.initiatives.iter().filter(|i| i.section == 2).count(),
            e.section2,
            "{ctx} section 2"
        );
        assert_eq!(sub.budget_lines.len(), e.budget_lines, "{ctx} lines");
        assert_eq!(sub.stated_totals.len(), e.stated_totals, "{ctx} totals");
        let sum: Decimal = sub
            .budget_lines
            .iter()
            .flat_map(|l| l.amounts.values())
            .copied()
            .sum();
        assert_eq!(sum, e.line_sum, "{ctx} kroner");
        assert!((3..=12).contains(&e.initiatives), "{ctx}");
        assert!((4..=20).contains(&e.budget_lines), "{ctx}");

        // Titles and departments exactly as generated.
        let g = synth::generate(SEED, expects.iter().position(|x| x == e).unwrap(), &f)
            .unwrap()
            .expect
            .submission;
        let titles: Vec<&str> = sub.initiatives.iter().map(|i| i.title.as_str()).collect();
        let want: Vec<&str> = g.initiatives.iter().map(|i| i.title.as_str()).collect();
        let (a, b): (BTreeSet<_>, BTreeSet<_>) = (titles.iter().collect(), want.iter().collect());
        assert_eq!(a, b, "{ctx} titles");
        assert_eq!(sub.department, g.department, "{ctx} department");
        for (got, want) in sub.budget_lines.iter().zip(&g.budget_lines) {
            assert_eq!(got.title, want.title, "{ctx}");
            assert_eq!(got.amounts, want.amounts, "{ctx} {}", got.title);
            assert_eq!(got.format_group, want.format_group, "{ctx} {}", got.title);
        }
    }
}

#[test]
fn reconciling_finds_exactly_the_planted_errors() {
    let f = format();
    let dir = tempfile::tempdir().unwrap();
    // Enough files for some planted errors (seed 1: see the asserts).
    let n = 60;
    let expects = synth::write_inbox(dir.path(), n, SEED, &f).unwrap();
    let listing = list_inbox(dir.path()).unwrap();
    let loaded = load_and_reconcile(&listing.files, &f, &Limits::default());
    assert_eq!(loaded.accepted.len(), n);

    let files_with = |code: Code| -> BTreeSet<String> {
        loaded
            .findings
            .iter()
            .filter(|x| x.code == code)
            .map(|x| x.file.clone())
            .collect()
    };
    let planted_totals: BTreeSet<String> = expects
        .iter()
        .filter(|e| e.planted_total_error)
        .map(|e| e.file.clone())
        .collect();
    let planted_dups: BTreeSet<String> = expects
        .iter()
        .filter(|e| e.duplicate_title)
        .map(|e| e.file.clone())
        .collect();
    assert!(!planted_totals.is_empty() && !planted_dups.is_empty());
    assert_eq!(files_with(Code::TotalMismatch), planted_totals);
    assert_eq!(files_with(Code::DuplicateInitiative), planted_dups);
    let others: Vec<_> = loaded
        .findings
        .iter()
        .filter(|x| !matches!(x.code, Code::TotalMismatch | Code::DuplicateInitiative))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn a_small_huge_workbook_reads_back() {
    let f = format();
    let g = synth::generate_huge(SEED, 500, &f).unwrap();
    let e = &g.expect;
    match read_bytes(&e.file, &g.bytes, &f, &Limits::default()) {
        Outcome::Accepted(sub, findings) => {
            assert!(findings.is_empty(), "{findings:#?}");
            assert_eq!(sub.initiatives.len(), synth::HUGE_INITIATIVES);
            assert_eq!(sub.budget_lines.len(), 500);
            assert_eq!(sub.stated_totals.len(), 1);
            let sum: Decimal = sub
                .budget_lines
                .iter()
                .flat_map(|l| l.amounts.values())
                .copied()
                .sum();
            assert_eq!(sum, e.line_sum);
        }
        Outcome::Rejected(r) => panic!("rejected: {}", r.message),
    }
}
