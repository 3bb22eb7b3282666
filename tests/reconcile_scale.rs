//! Reconciling many submissions: run by hand with
//! `cargo test --release --test reconcile_scale -- --ignored --nocapture`.
//! Prints the time; asserts only the findings (no timed assertions).

mod reconcile_support;

use bilag::finding::Code;
use bilag::format::Format;
use bilag::reconcile::reconcile;
use reconcile_support::departments_model;
use std::time::Instant;

#[test]
#[ignore]
fn five_thousand_submissions() {
    let base = departments_model();
    let mut m = base.clone();
    m.submissions.clear();
    for n in 0..1250 {
        for s in &base.submissions {
            let mut s = s.clone();
            s.source = format!("{n:04}-{}", s.source);
            // Distinct titles per copy, so duplicates do not dominate; a
            // free line per copy that only round 2 can place.
            for i in &mut s.initiatives {
                i.title = format!("{} nr {n}", i.title);
            }
            for l in &mut s.budget_lines {
                l.title = format!("{} nr {n}", l.title);
            }
            m.submissions.push(s);
        }
    }
    assert_eq!(m.submissions.len(), 5000);
    let t = Instant::now();
    let fs = reconcile(&m, &Format::default_format());
    println!(
        "5000 submissions: {} findings in {:?}",
        fs.len(),
        t.elapsed()
    );
    assert_eq!(
        fs.iter()
            .filter(|f| f.code == Code::EconomyMismatch)
            .count(),
        1250
    );
    assert_eq!(
        fs.iter()
            .filter(|f| f.code == Code::MissingBudgetLine)
            .count(),
        2500
    );
}
