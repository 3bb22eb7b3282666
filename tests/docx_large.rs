//! Size and speed sanity check (not a timed test; ignored by default):
//! an appendix with 3,700 status schemas.
//!
//!     cargo test --release --test docx_large -- --ignored --nocapture

mod docx_support;

use bilag::write::docx::appendix_bytes;
use docx_support::*;
use std::time::Instant;

#[test]
#[ignore = "size/speed sanity check; run by hand with --ignored --nocapture"]
fn appendix_with_3700_initiatives() {
    let seed = seed_model();
    let mut model = seed.clone();
    let sub = &mut model.submissions[0];
    sub.initiatives.clear();
    let base = &seed.submissions[0].initiatives;
    for i in 0..3_700 {
        let mut ini = base[i % base.len()].clone();
        ini.title = format!("{} ({})", ini.title, i + 1);
        sub.initiatives.push(ini);
    }
    let lines = seed.submissions[0].budget_lines.clone();
    for i in 0..500 {
        for l in &lines {
            let mut l = l.clone();
            l.title = format!("{} ({})", l.title, i + 1);
            sub.budget_lines.push(l);
        }
    }
    let format = seed_format();
    let t = Instant::now();
    let bytes = appendix_bytes(&model, &format).unwrap();
    let build = t.elapsed();
    let xml = part(&bytes, "word/document.xml").unwrap().len();
    let t = Instant::now();
    let problems = check_package(&bytes);
    let check = t.elapsed();
    assert!(problems.is_empty(), "{problems:#?}");
    println!(
        "3,700 initiatives, {} budget lines: appendix {:.1} MB (document.xml {:.1} MB) built in {:.2} s, checked in {:.2} s",
        model.submissions[0].budget_lines.len(),
        bytes.len() as f64 / 1e6,
        xml as f64 / 1e6,
        build.as_secs_f64(),
        check.as_secs_f64()
    );
    std::fs::write(out_dir().join("appendix-3700.docx"), &bytes).unwrap();
}
