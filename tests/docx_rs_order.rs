//! What docx-rs (pinned =0.4.22) itself writes against the OOXML schema,
//! with no bilag post-processing: a minimal document using the docx-rs
//! features the appendix uses (styles with based-on, next, bold, size,
//! outline level, spacing, keep-next; default fonts and size; page size
//! and margins; a footer with page numbers; a borderless fixed table with
//! grid, widths and cell margins; paragraphs with indent, tab stops and
//! spacing; runs with bold, size, tabs and breaks).
//!
//! The test asserts exactly which problems docx-rs has. Each is repaired by
//! a step of src/write/docx/post.rs. WHEN THIS TEST FAILS AFTER A DOCX-RS
//! UPGRADE because a problem is gone, the post-processing step named beside
//! it can shrink or go; when a new one appears, the pass needs a new step
//! (or the ORDER table a new parent).

mod docx_support;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, NumPages, PageMargin, PageNum, Paragraph,
    Run, RunFonts, SpecialIndentType, Style, StyleType, Tab, TabValueType, Table, TableCell,
    TableCellMargins, TableLayoutType, TableRow, WidthType,
};
use docx_support::check_package;
use std::collections::BTreeSet;

fn plain_docx_rs_package() -> Vec<u8> {
    let fonts = || {
        RunFonts::new()
            .ascii("Arial")
            .hi_ansi("Arial")
            .cs("Arial")
            .east_asia("Arial")
    };
    let mut normal = Style::new("Normal", StyleType::Paragraph)
        .name("Normal")
        .fonts(fonts())
        .size(20)
        .line_spacing(LineSpacing::new().after(120).line(264));
    normal.paragraph_property = normal.paragraph_property.widow_control(true);
    let mut h1 = Style::new("Heading1", StyleType::Paragraph)
        .name("heading 1")
        .based_on("Normal")
        .next("Normal")
        .bold()
        .size(28)
        .outline_lvl(0)
        .line_spacing(LineSpacing::new().before(240).after(240));
    h1.paragraph_property = h1.paragraph_property.keep_next(true).keep_lines(true);
    let footer_style = Style::new("Footer", StyleType::Paragraph)
        .name("footer")
        .based_on("Normal")
        .size(16)
        .align(AlignmentType::Right);
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .style("Footer")
            .add_run(Run::new().add_text("Side "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" af "))
            .add_num_pages(NumPages::new()),
    );
    let cell = |w: usize, text: &str| {
        TableCell::new()
            .width(w, WidthType::Dxa)
            .clear_all_border()
            .add_paragraph(
                Paragraph::new()
                    .style("Normal")
                    .line_spacing(LineSpacing::new().before(120).after(0).line(240))
                    .add_tab(Tab::new().val(TabValueType::Left).pos(1304))
                    .add_run(Run::new().add_text(text).bold().size(24))
                    .add_run(Run::new().add_tab())
                    .add_run(
                        Run::new()
                            .add_text("a")
                            .add_break(BreakType::TextWrapping)
                            .add_text("b"),
                    ),
            )
    };
    let table = Table::without_borders(vec![TableRow::new(vec![
        cell(5669, "Til"),
        cell(3969, "Fra"),
    ])
    .cant_split()])
    .set_grid(vec![5669, 3969])
    .layout(TableLayoutType::Fixed)
    .width(9638, WidthType::Dxa)
    .margins(TableCellMargins::new().margin(0, 0, 0, 0));
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .default_fonts(fonts())
        .default_size(20)
        .add_style(normal)
        .add_style(h1)
        .add_style(footer_style)
        .page_size(11_906, 16_838)
        .page_margin(
            PageMargin::new()
                .top(1418)
                .bottom(1418)
                .left(1134)
                .right(1134)
                .header(709)
                .footer(567)
                .gutter(0),
        )
        .footer(footer)
        .add_table(table)
        .add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text("Titel")),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Normal")
                .indent(Some(567), Some(SpecialIndentType::Hanging(567)), None, None)
                .add_tab(Tab::new().val(TabValueType::Left).pos(567))
                .add_run(Run::new().add_text("1)").add_tab().add_text("Mål")),
        )
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

/// The package's problems, without byte offsets, each once.
fn problems(docx: &[u8]) -> BTreeSet<String> {
    check_package(docx)
        .into_iter()
        .map(|p| match p.split_once(": ved byte ") {
            Some((part, rest)) => {
                let what = rest.split_once(": ").map_or(rest, |(_, w)| w);
                format!("{part}: {what}")
            }
            None => p,
        })
        .collect()
}

/// The problems of `kind`: those whose text contains it.
fn of_kind<'a>(found: &'a BTreeSet<String>, kind: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|p| p.contains(kind))
        .map(String::as_str)
        .collect()
}

/// Children out of schema order, by part and parent. post.rs sorts the
/// children of exactly these parents (`REORDERED`): w:pPr, w:rPr, w:tblPr,
/// w:sectPr, w:style, w:settings. A parent that leaves this list can leave
/// `REORDERED`.
#[test]
fn what_docx_rs_writes_out_of_schema_order() {
    let found = problems(&plain_docx_rs_package());
    assert_eq!(
        of_kind(&found, " efter "),
        [
            "word/document.xml: <w:b> efter <w:szCs> i <w:rPr>",
            "word/document.xml: <w:bCs> efter <w:szCs> i <w:rPr>",
            "word/document.xml: <w:footerReference> efter <w:cols> i <w:sectPr>",
            "word/document.xml: <w:ind> efter <w:rPr> i <w:pPr>",
            "word/document.xml: <w:pStyle> efter <w:rPr> i <w:pPr>",
            "word/document.xml: <w:spacing> efter <w:rPr> i <w:pPr>",
            "word/document.xml: <w:tabs> efter <w:rPr> i <w:pPr>",
            "word/document.xml: <w:tblLayout> efter <w:tblCellMar> i <w:tblPr>",
            "word/footer1.xml: <w:pStyle> efter <w:rPr> i <w:pPr>",
            "word/numbering.xml: <w:ind> efter <w:rPr> i <w:pPr>",
            "word/settings.xml: <w:zoom> efter <w:defaultTabStop> i <w:settings>",
            "word/styles.xml: <w:b> efter <w:szCs> i <w:rPr>",
            "word/styles.xml: <w:bCs> efter <w:szCs> i <w:rPr>",
            "word/styles.xml: <w:basedOn> efter <w:rPr> i <w:style>",
            "word/styles.xml: <w:jc> efter <w:rPr> i <w:pPr>",
            "word/styles.xml: <w:keepLines> efter <w:rPr> i <w:pPr>",
            "word/styles.xml: <w:keepNext> efter <w:rPr> i <w:pPr>",
            "word/styles.xml: <w:next> efter <w:rPr> i <w:style>",
            "word/styles.xml: <w:outlineLvl> efter <w:rPr> i <w:pPr>",
            "word/styles.xml: <w:pPr> efter <w:rPr> i <w:style>",
            "word/styles.xml: <w:qFormat> efter <w:rPr> i <w:style>",
            "word/styles.xml: <w:rFonts> efter <w:szCs> i <w:rPr>",
            "word/styles.xml: <w:spacing> efter <w:rPr> i <w:pPr>",
            "word/styles.xml: <w:widowControl> efter <w:rPr> i <w:pPr>",
        ]
    );
}

/// What else post.rs repairs, each with its step.
#[test]
fn what_else_docx_rs_writes_against_the_schema_or_word() {
    let docx = plain_docx_rs_package();
    let found = problems(&docx);
    // move_general_ppr_rpr: run properties in CT_PPrGeneral.
    assert_eq!(
        of_kind(&found, "> i <w:pPr> i <"),
        [
            "word/numbering.xml: <w:rPr> i <w:pPr> i <w:lvl>",
            "word/styles.xml: <w:rPr> i <w:pPr> i <w:pPrDefault>",
            "word/styles.xml: <w:rPr> i <w:pPr> i <w:style>",
        ]
    );
    // remove_attr on w:gridCol; dedupe_styles.
    assert_eq!(
        of_kind(&found, "document.xml: <w:gridCol> med w:type").len(),
        1
    );
    assert_eq!(
        of_kind(&found, "typografien Normal er defineret to gange").len(),
        1
    );
    // add_theme.
    assert_eq!(of_kind(&found, "ingen relation til et tema").len(), 1);
    // The zip writer of postprocess_parts_with (and package_parts, which
    // never zips docx-rs's folder entries): stored entries, folders.
    assert!(!of_kind(&found, "ikke komprimeret (Stored)").is_empty());
    assert!(!of_kind(&found, "mappeindgang i pakken").is_empty());
    // core_xml: "unknown" creator and 1970 dates; set_lang: no language.
    let core = String::from_utf8(docx_support::part(&docx, "docProps/core.xml").unwrap()).unwrap();
    assert!(core.contains("1970-01-01"), "{core}");
    let styles = String::from_utf8(docx_support::part(&docx, "word/styles.xml").unwrap()).unwrap();
    assert!(!styles.contains("w:lang"), "{styles}");
}
