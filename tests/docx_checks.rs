//! The package checks the docx tests judge every appendix by
//! (tests/docx_support/package.rs): that they do catch what they promise.

mod docx_support;

use docx_support::{check_order, check_well_formed};

#[test]
fn well_formedness() {
    assert!(check_well_formed(b"<?xml version=\"1.0\"?><a><b x=\"1\"/>t&amp;</a>").is_ok());
    for bad in [
        &b"<a><b></a>"[..],
        b"<a>x\x01y</a>",
        b"<a/><b/>",
        b"<a>",
        b"<a>&nbsp;</a>",
        b"<a x=\"1\" x></a>",
        "<a>\u{FFFF}</a>".as_bytes(),
    ] {
        assert!(
            check_well_formed(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn children_out_of_schema_order_are_reported_one_by_one() {
    // docx-rs's habit: w:rPr first in w:pPr, w:keepNext after w:jc.
    let xml = r#"<w:p><w:pPr><w:rPr/><w:pStyle w:val="X"/><w:jc w:val="right"/><w:keepNext/></w:pPr></w:p>"#;
    let problems = check_order(xml.as_bytes());
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].ends_with("<w:pStyle> efter <w:rPr> i <w:pPr>"));
    let fixed = r#"<w:p><w:pPr><w:pStyle w:val="X"/><w:keepNext/><w:jc w:val="right"/><w:rPr/></w:pPr></w:p>"#;
    assert!(check_order(fixed.as_bytes()).is_empty());
}

#[test]
fn run_properties_in_a_styles_paragraph_properties_are_reported() {
    let xml = r#"<w:styles><w:style w:styleId="A"><w:pPr><w:rPr/></w:pPr></w:style></w:styles>"#;
    let problems = check_order(xml.as_bytes());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].ends_with("<w:rPr> i <w:pPr> i <w:style>"));
}

#[test]
fn a_header_row_after_a_body_row_is_reported() {
    let xml =
        r#"<w:tbl><w:tr><w:tc/></w:tr><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc/></w:tr></w:tbl>"#;
    let problems = check_order(xml.as_bytes());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let first =
        r#"<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc/></w:tr><w:tr><w:tc/></w:tr></w:tbl>"#;
    assert!(check_order(first.as_bytes()).is_empty());
}

#[test]
fn a_style_defined_twice_and_a_typed_grid_column_are_reported() {
    let xml = r#"<w:styles><w:style w:styleId="Normal"/><w:style w:styleId="Normal"/></w:styles>"#;
    assert_eq!(check_order(xml.as_bytes()).len(), 1);
    let xml = r#"<w:tbl><w:tblGrid><w:gridCol w:w="5669" w:type="dxa"/></w:tblGrid></w:tbl>"#;
    assert_eq!(check_order(xml.as_bytes()).len(), 1);
}
