//! The committee appendix built from the seed's model: every text of the
//! seed's appendix in the seed's order, computed totals, and a package
//! Word and LibreOffice open without repair (well-formed parts, schema
//! order, Danish language, core properties, page numbers, headings).

mod docx_support;

use bilag::format::{Format, DEFAULT_FORMAT_TOML};
use bilag::model::{BudgetLine, DocumentTexts, Initiative, Model, Submission};
use bilag::write::docx::{appendix_bytes, write_appendix};
use docx_support::*;
use indexmap::IndexMap;
use rust_decimal::Decimal;

fn text_of(docx: &[u8]) -> String {
    document_texts(docx).join("\n")
}

/// A part as text, empty-element tags written "<x/>" (docx-rs writes "<x />").
fn part_str(docx: &[u8], name: &str) -> String {
    String::from_utf8(part(docx, name).unwrap_or_else(|| panic!("no {name}")))
        .unwrap()
        .replace(" />", "/>")
}

fn initiative(section: u8, title: &str, fields: &[(&str, &str)]) -> Initiative {
    Initiative {
        section,
        title: title.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<IndexMap<_, _>>(),
        ..Default::default()
    }
}

#[test]
fn seed_appendix_has_every_text_in_the_seeds_order() {
    let model = seed_model();
    let path = out_dir().join("appendix-seed.docx");
    write_appendix(&model, &seed_format(), &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_in_order(&text_of(&bytes), &seed_texts(), "document.xml");
    // The stated (wrong) grand total is not what the appendix shows.
    assert!(!text_of(&bytes).contains("73,19 mio."));
}

#[test]
fn seed_package_is_well_formed_deflated_and_in_schema_order() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let problems = check_package(&bytes);
    assert!(problems.is_empty(), "{problems:#?}");
    // docx-rs can read it back.
    let doc = docx_rs::read_docx(&bytes).expect("docx-rs reads the appendix");
    assert!(!doc.document.children.is_empty());
}

/// What the post-processing repairs: docx-rs's own package stores its
/// entries and breaks the schema order; ours does neither.
#[test]
fn raw_docx_rs_output_fails_the_checks_the_appendix_passes() {
    use docx_rs::{Docx, Paragraph, Run, Style, StyleType};
    let mut raw = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .based_on("Normal")
                .bold(),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .keep_next(true)
                .add_run(Run::new().add_text("x")),
        )
        .build()
        .pack(&mut raw)
        .unwrap();
    let raw = raw.into_inner();
    let problems = check_package(&raw);
    assert!(
        problems.iter().any(|p| p.contains("ikke komprimeret")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("word/document.xml") && p.contains("i <w:pPr>")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("word/styles.xml") && p.contains("<w:basedOn>")),
        "{problems:#?}"
    );

    let ours = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    assert!(check_package(&ours).is_empty());
    // Deflating pays: the appendix is far smaller than its XML.
    let xml_len = part(&ours, "word/document.xml").unwrap().len();
    assert!(ours.len() * 2 < xml_len, "{} vs {xml_len}", ours.len());
}

#[test]
fn every_part_parses_as_xml() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| String::from_utf8_lossy(zip.by_index(i).unwrap().name_raw()).into_owned())
        .collect();
    assert!(names.contains(&"word/document.xml".to_string()));
    assert!(names.contains(&"docProps/core.xml".to_string()));
    assert_eq!(names[0], "[Content_Types].xml");
    for name in names {
        let mut f = zip.by_name(&name).unwrap();
        assert_eq!(f.compression(), zip::CompressionMethod::Deflated, "{name}");
        let mut xml = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut xml).unwrap();
        check_well_formed(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(check_order(&xml).is_empty(), "{name}");
    }
}

#[test]
fn document_is_marked_danish() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let styles = part_str(&bytes, "word/styles.xml");
    let defaults =
        &styles[styles.find("<w:rPrDefault>").unwrap()..styles.find("</w:rPrDefault>").unwrap()];
    assert!(defaults.contains(r#"<w:lang w:val="da-DK""#), "{defaults}");
    let settings = part_str(&bytes, "word/settings.xml");
    assert!(
        settings.contains(r#"<w:themeFontLang w:val="da-DK"/>"#),
        "{settings}"
    );
    let core = part_str(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:language>da-DK</dc:language>"), "{core}");
}

#[test]
fn core_properties_have_the_title_and_a_real_date() {
    let before = chrono::Utc::now() - chrono::Duration::seconds(2);
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let core = part_str(&bytes, "docProps/core.xml");
    assert!(
        core.contains(
            "<dc:title>Bilag 1: Socialudvalgets redegørelse for integrationsindsatsen</dc:title>"
        ),
        "{core}"
    );
    assert!(core.contains("<dc:creator>bilag</dc:creator>"), "{core}");
    assert!(
        !core.contains("unknown") && !core.contains("1970"),
        "{core}"
    );
    let tag = r#"<dcterms:created xsi:type="dcterms:W3CDTF">"#;
    let start = core.find(tag).unwrap() + tag.len();
    let created = &core[start..start + 20];
    let created =
        chrono::DateTime::parse_from_rfc3339(created).unwrap_or_else(|e| panic!("{created}: {e}"));
    assert!(created >= before, "{created}");
    assert!(core.contains("<dcterms:modified"), "{core}");
}

#[test]
fn footer_numbers_pages_side_x_af_y() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let footer = part_str(&bytes, "word/footer1.xml");
    let texts = paragraph_texts(footer.as_bytes());
    // "Side " PAGE-result " af " NUMPAGES-result.
    assert_eq!(texts, vec!["Side 1 af 1"], "{footer}");
    let page = footer.find("<w:instrText>PAGE</w:instrText>").unwrap();
    let pages = footer.find("<w:instrText>NUMPAGES</w:instrText>").unwrap();
    assert!(page < pages);
    let doc = part_str(&bytes, "word/document.xml");
    assert!(doc.contains(r#"<w:footerReference w:type="default""#));
}

#[test]
fn a4_with_european_margins() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let doc = part_str(&bytes, "word/document.xml");
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(
        doc.contains(r#"<w:pgMar w:top="1418" w:right="1134" w:bottom="1418" w:left="1134""#),
        "2,5 cm top/bottom, 2 cm left/right"
    );
}

#[test]
fn title_and_sections_are_real_headings() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let styles = part_str(&bytes, "word/styles.xml");
    for (id, name, level) in [("Heading1", "heading 1", 0), ("Heading2", "heading 2", 1)] {
        let at = styles
            .find(&format!(r#"w:styleId="{id}""#))
            .unwrap_or_else(|| panic!("no {id}"));
        let style = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(
            style.contains(&format!(r#"<w:name w:val="{name}""#)),
            "{style}"
        );
        assert!(
            style.contains(&format!(r#"<w:outlineLvl w:val="{level}""#)),
            "{style}"
        );
        assert!(style.contains("<w:keepNext"), "{style}");
    }
    // The paragraphs that carry them, in order.
    let doc = part_str(&bytes, "word/document.xml");
    let mut headings = Vec::new();
    let tag = r#"<w:pStyle w:val="Heading"#;
    for (i, _) in doc.match_indices(tag) {
        let level = &doc[i + tag.len()..i + tag.len() + 1];
        let p_start = doc[..i].rfind("<w:p ").unwrap();
        let p_end = i + doc[i..].find("</w:p>").unwrap() + "</w:p>".len();
        let text = paragraph_texts(&doc.as_bytes()[p_start..p_end]);
        headings.push(format!("{level} {}", text.concat()));
    }
    let f = seed_format();
    assert_eq!(
        headings,
        vec![
            format!("1 {}", f.title()),
            format!("2 {}", f.sections[0].heading),
            format!("2 {}", f.sections[1].heading),
            format!("2 {}", f.document.economy_heading),
        ]
    );
}

#[test]
fn header_rows_repeat_and_title_rows_keep_with_their_first_field() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let doc = part_str(&bytes, "word/document.xml");
    // 7 initiative tables and the economic table: one header row each.
    assert_eq!(doc.matches("<w:tblHeader/>").count(), 8);
    let econ = &doc[doc.rfind("<w:tbl>").unwrap()..];
    let first_row = &econ[..econ.find("</w:tr>").unwrap()];
    assert!(first_row.contains("<w:tblHeader/>"), "{first_row}");
    assert!(first_row.contains(">2008<") && first_row.contains(">I alt<"));
    // Each initiative's title row: cannot split, keeps with the next row.
    let title = "Den korte snor";
    let at = doc.find(&format!(">{title}<")).unwrap();
    let row_start = doc[..at].rfind("<w:tr>").unwrap();
    let row = &doc[row_start..at];
    assert!(
        row.contains("<w:cantSplit/>") && row.contains("<w:tblHeader/>"),
        "{row}"
    );
    assert!(row.contains("<w:keepNext/>"), "{row}");
    assert!(row.contains(r#"<w:gridSpan w:val="2"/>"#), "{row}");
    assert!(row.contains(r#"w:fill="D9D9D9""#), "{row}");
}

#[test]
fn multi_line_values_keep_their_lines_as_paragraphs() {
    let bytes = appendix_bytes(&seed_model(), &seed_format()).unwrap();
    let texts = document_texts(&bytes);
    let i = texts
        .iter()
        .position(|t| t == "Evalueres indsatsen: Ja")
        .expect("a line of its own");
    assert_eq!(texts[i + 1], "Intern eller ekstern evaluering: begge dele.");
    assert_eq!(
        texts[i + 2],
        "Der gennemføres ikke statistiske opgørelser ift. målopfyldelsen."
    );
}

#[test]
fn control_characters_are_stripped_and_a_leading_equals_stays_literal() {
    let mut model = seed_model();
    model.submissions[0].initiatives[0].title = "=SUM(A1:A3) & <b>".into();
    model.submissions[0].initiatives[0].fields.insert(
        "Målgruppe".into(),
        "Unge\u{1} under\u{0} 18\u{b} år\u{FFFF}\r\nog deres forældre\tmv.".into(),
    );
    let bytes = appendix_bytes(&model, &seed_format()).unwrap();
    assert!(
        check_package(&bytes).is_empty(),
        "{:#?}",
        check_package(&bytes)
    );
    let texts = document_texts(&bytes);
    assert!(
        texts.contains(&"=SUM(A1:A3) & <b>".to_string()),
        "{texts:#?}"
    );
    assert!(
        texts.contains(&"Unge under 18 år".to_string()),
        "{texts:#?}"
    );
    assert!(
        texts.contains(&"og deres forældre\tmv.".to_string()),
        "{texts:#?}"
    );
    let core = part_str(&bytes, "docProps/core.xml");
    check_well_formed(core.as_bytes()).unwrap();
}

fn buu_format() -> Format {
    let text = DEFAULT_FORMAT_TOML
        .replace(
            "committee = \"Socialudvalget\"",
            "committee = \"Børne- og Ungdomsudvalget\"",
        )
        .replace(
            "committee_genitive = \"Socialudvalgets\"",
            "committee_genitive = \"Børne- og Ungdomsudvalgets\"",
        );
    Format::from_toml(&text, "buu.toml").unwrap()
}

#[test]
fn another_committee_gets_its_own_name_in_title_and_intro() {
    let mut model = seed_model();
    model.submissions[0].metadata.committee = None;
    let bytes = appendix_bytes(&model, &buu_format()).unwrap();
    let text = text_of(&bytes);
    assert_in_order(
        &text,
        &[
            "Til Børne- og Ungdomsudvalget".to_string(),
            "Bilag 1: Børne- og Ungdomsudvalgets redegørelse for integrationsindsatsen".into(),
            "Beskæftigelses- og Integrationsforvaltningen har bedt Børne- og Ungdomsudvalget om at redegøre".into(),
        ],
        "BUU",
    );
    assert!(!text.contains("Socialudvalget"), "{text}");
    let core = part_str(&bytes, "docProps/core.xml");
    assert!(
        core.contains("Børne- og Ungdomsudvalgets redegørelse"),
        "{core}"
    );
}

#[test]
fn a_submissions_own_texts_override_the_formats() {
    let mut model = seed_model();
    let mut second = Submission {
        source: "02.xlsx".into(),
        document: DocumentTexts {
            title: Some("Bilag 4: {udvalg_genitiv} status".into()),
            intro: Some("Vores egen indledning.".into()),
            goals: vec!["Første mål".into(), "Andet mål".into()],
            closing: None,
        },
        ..Default::default()
    };
    second.metadata.case_number = Some("1999-1".into());
    model.submissions.push(second);
    let bytes = appendix_bytes(&model, &seed_format()).unwrap();
    let text = text_of(&bytes);
    let f = seed_format();
    assert_in_order(
        &text,
        &[
            "Bilag 4: Socialudvalgets status".to_string(),
            "Vores egen indledning.".into(),
            "1) Første mål".into(),
            "2) Andet mål".into(),
            // No closing of its own: the format's.
            f.document.closing.clone(),
        ],
        "override",
    );
    // The letterhead is one sender's: the two Sagsnr. differ, so neither.
    assert!(!text.contains("1999-1"));
    assert!(!text.contains("2008-20510"));
    assert!(!text.contains("3) "));
    assert!(!text.contains(&f.title()));
}

#[test]
fn fields_follow_the_format_and_missing_ones_are_empty_rows() {
    let model = Model {
        submissions: vec![
            Submission {
                source: "01.xlsx".into(),
                initiatives: vec![
                    initiative(
                        2,
                        "Sektion to først i filen",
                        &[("Aktivitet", "Lektiecafé")],
                    ),
                    initiative(
                        1,
                        "Uden målgruppe",
                        &[
                            ("Ekstra felt", "kommer sidst"),
                            ("Mål i 2010", "Flere i job"),
                            ("Økonomi", "2,0 mio."),
                        ],
                    ),
                ],
                ..Default::default()
            },
            Submission {
                source: "02.xlsx".into(),
                initiatives: vec![initiative(1, "Fra fil to", &[("Økonomi", "")])],
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let bytes = appendix_bytes(&model, &seed_format()).unwrap();
    let texts = document_texts(&bytes);
    let f = seed_format();
    let at = |t: &str| {
        texts
            .iter()
            .position(|x| x == t)
            .unwrap_or_else(|| panic!("{t:?} missing: {texts:#?}"))
    };
    // By section, then submission, then workbook order.
    assert!(at(&f.sections[0].heading) < at("Uden målgruppe"));
    assert!(at("Uden målgruppe") < at("Fra fil to"));
    assert!(at("Fra fil to") < at(&f.sections[1].heading));
    assert!(at(&f.sections[1].heading) < at("Sektion to først i filen"));
    // Format order, the initiative's own year, an empty row for a missing
    // field, an unknown field last.
    let start = at("Uden målgruppe");
    let rows: Vec<&str> = texts[start + 1..start + 1 + 16]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        rows,
        vec![
            "Økonomi",
            "2,0 mio.",
            "Målgruppe",
            "",
            "Beskriv aktiviteterne",
            "",
            "Mål i 2010",
            "Flere i job",
            "Hvordan bidrager indsatsen til mål i integrationspolitikken",
            "",
            "Planlagt opfølgning",
            "",
            "Status ift. målopfyldelse",
            "",
            "Ekstra felt",
            "kommer sidst",
        ]
    );
    // An initiative without a goal year gets the year the others use.
    let start = at("Fra fil to");
    assert_eq!(texts[start + 7], "Mål i 2010");
    assert!(check_package(&bytes).is_empty());
}

#[test]
fn an_empty_model_still_makes_a_valid_document() {
    let bytes = appendix_bytes(&Model::default(), &seed_format()).unwrap();
    assert!(
        check_package(&bytes).is_empty(),
        "{:#?}",
        check_package(&bytes)
    );
    let text = text_of(&bytes);
    assert!(text.contains("Til Socialudvalget"));
    assert_eq!(text.matches("Ingen indsatser er indberettet.").count(), 2);
    assert!(text.contains("Ingen budgetlinjer er indberettet."));
}

#[test]
fn economic_table_is_computed_from_the_lines_and_right_aligned() {
    let mut model = seed_model();
    // A second submission's line joins the first group.
    let mut line = BudgetLine {
        group: Some("Integrationsindsatser i relation til mål i integrationspolitikken".into()),
        title: "Ny linje".into(),
        ..Default::default()
    };
    line.format_group = line.group.clone();
    line.amounts.insert("2009".into(), Decimal::from(1_000_000));
    model.submissions.push(Submission {
        source: "zz.xlsx".into(),
        budget_lines: vec![line],
        ..Default::default()
    });
    let bytes = appendix_bytes(&model, &seed_format()).unwrap();
    let text = text_of(&bytes);
    assert_in_order(
        &text,
        &[
            "Boligsociale projekter".to_string(),
            "Ny linje".into(),
            "1,0 mio.".into(),
            "I alt".into(),
            "18,29 mio.".into(),
            "19,29 mio.".into(),
            "74,16 mio.".into(),
            "I ALT".into(),
            "26,79 mio.".into(),
            "19,29 mio.".into(),
            "82,66 mio.".into(),
        ],
        "economy",
    );
    let doc = part_str(&bytes, "word/document.xml");
    let at = doc.find(">82,66 mio.<").unwrap();
    let p = &doc[doc[..at].rfind("<w:p ").unwrap()..at];
    assert!(p.contains(r#"<w:jc w:val="right"/>"#), "{p}");
}
