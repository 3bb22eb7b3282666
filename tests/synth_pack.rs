//! A generated workbook with more amounts than Excel opens hyperlinks on
//! one sheet: budget.xlsx still lists every amount in Kilder, links the
//! first 65,530 and names the rest's target as text.

use bilag::format::Format;
use bilag::internal::synth;
use bilag::model::Model;
use bilag::write::xlsx::{budget_workbook_bytes, MAX_LINKS_PER_SHEET};
use std::io::Read;

#[test]
fn kilder_links_stop_at_excels_limit_and_keep_every_row() {
    let f = Format::default_format();
    // 19,000 lines of ~4 amounts each: more than 65,530 Kilder rows.
    // The generated model itself (no need to read it back here).
    let sub = synth::generate_huge(3, 19_000, &f)
        .unwrap()
        .expect
        .submission;
    let amounts: usize = sub.budget_lines.iter().map(|l| l.amounts.len()).sum();
    assert!(amounts > MAX_LINKS_PER_SHEET + 1000, "{amounts}");
    let model = Model {
        format: f.id.clone(),
        submissions: vec![sub],
        ..Default::default()
    };
    let (bytes, truncated) = budget_workbook_bytes(&model, &[], &f).unwrap();
    assert!(truncated.is_empty());

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    // Kilder's part, through the workbook's relationships (the chart sheet
    // is not a worksheet, so positions do not give the file name).
    let rid = workbook
        .split("<sheet name=\"Kilder\"")
        .nth(1)
        .and_then(|s| s.split("r:id=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let mut rels = String::new();
    zip.by_name("xl/_rels/workbook.xml.rels")
        .unwrap()
        .read_to_string(&mut rels)
        .unwrap();
    let target = rels
        .split(&format!("Id=\"{rid}\""))
        .nth(1)
        .and_then(|s| s.split("Target=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let mut xml = String::new();
    zip.by_name(&format!("xl/{target}"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let links = xml.matches("<hyperlink ").count();
    assert_eq!(links, MAX_LINKS_PER_SHEET);
    // Rows in order, none twice; the header is row 4, then one row per
    // amount, then the blank row that closes the sheet.
    let rows: Vec<u32> = xml
        .split("<row r=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        rows.windows(2).all(|w| w[0] < w[1]),
        "rows out of order or twice"
    );
    let last = 4 + amounts as u32;
    assert_eq!(rows.last(), Some(&(last + 1)));
    // The first rows past the limit still name where the amount is shown.
    assert!(xml.contains(&format!("<c r=\"L{last}\"")));
    assert!(!xml.contains(&format!("<hyperlink ref=\"L{last}\"")));
    assert!(xml.contains(&format!("<hyperlink ref=\"L{}\"", 4 + MAX_LINKS_PER_SHEET)));
}
