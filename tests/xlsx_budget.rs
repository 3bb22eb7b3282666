//! budget.xlsx for the seed and the four departments, read back with
//! calamine: the cached totals are the exact decimal sums, every total is a
//! SUM over the right cells, every amount has a source row.

// The package checks; docx_support also loads tests/common, as xlsx_support does.
#[allow(clippy::duplicate_mod)]
mod docx_support;
mod xlsx_support;

use bilag::finding::{Code, Finding};
use bilag::model::{AmountSource, Model};
use bilag::write::xlsx::{budget_workbook_bytes, write_budget};
use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use std::io::Cursor;
use std::str::FromStr;
use xlsx_support::{findings, format, model};

const G1: &str = "Integrationsindsatser i relation til mål i integrationspolitikken";
const G2: &str = "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken";

struct Book {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
}

impl Book {
    fn open(bytes: Vec<u8>) -> Book {
        Book {
            xlsx: open_workbook_from_rs(Cursor::new(bytes)).expect("budget.xlsx opens"),
        }
    }
    fn values(&mut self, sheet: &str) -> Range<Data> {
        self.xlsx.worksheet_range(sheet).expect(sheet)
    }
    fn formulas(&mut self, sheet: &str) -> Range<String> {
        self.xlsx.worksheet_formula(sheet).expect(sheet)
    }
}

/// "B10" → (row 9, col 1).
fn pos(a1: &str) -> (u32, u32) {
    bilag::read::parse_a1(a1).expect(a1)
}

fn text(r: &Range<Data>, a1: &str) -> String {
    match r.get_value(pos(a1)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("{a1}: expected text, got {other:?}"),
    }
}

/// The cell's number as an exact decimal (through its shortest text).
fn num(r: &Range<Data>, a1: &str) -> Decimal {
    match r.get_value(pos(a1)) {
        Some(Data::Float(f)) => Decimal::from_str(&f.to_string()).unwrap(),
        Some(Data::Int(i)) => Decimal::from(*i),
        other => panic!("{a1}: expected a number, got {other:?}"),
    }
}

fn formula(r: &Range<String>, a1: &str) -> String {
    r.get_value(pos(a1)).cloned().unwrap_or_default()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn seed_bytes() -> Vec<u8> {
    let (bytes, truncated) =
        budget_workbook_bytes(&model("seed"), &findings("seed"), &format()).unwrap();
    assert!(truncated.is_empty());
    bytes
}

#[test]
fn seed_overview_has_the_seed_lines_and_exact_cached_totals() {
    let mut book = Book::open(seed_bytes());
    let v = book.values("Økonomisk oversigt");
    let f = book.formulas("Økonomisk oversigt");

    assert_eq!(
        text(&v, "A1"),
        "Bilag 1: Socialudvalgets redegørelse for integrationsindsatsen"
    );
    assert!(text(&v, "A2").starts_with("3. Økonomiske oversigt"));
    assert_eq!(text(&v, "A3"), "Beløb i mio. kr.");
    assert_eq!(text(&v, "A5"), "Indsats");
    assert_eq!(text(&v, "B5"), "Afdeling");
    for (c, y) in [("C5", 2008), ("D5", 2009), ("E5", 2010), ("F5", 2011)] {
        assert_eq!(num(&v, c), Decimal::from(y));
    }
    assert_eq!(text(&v, "G5"), "I alt");

    // Group 1: heading, three lines, subtotal.
    assert_eq!(text(&v, "A6"), G1);
    assert_eq!(text(&v, "A7"), "Aftalen om nye udlejningsmodeller");
    // Each line names the department it comes from; totals rows do not.
    for a in ["B7", "B8", "B9", "B13", "B14"] {
        assert_eq!(
            text(&v, a),
            "Mål- og Rammekontor for Misbrug og Bolig",
            "{a}"
        );
    }
    for a in ["B6", "B10", "B12", "B15", "B17", "B18"] {
        assert!(
            matches!(v.get_value(pos(a)), Some(Data::Empty) | None),
            "{a} is empty"
        );
    }
    assert_eq!(num(&v, "C7"), d("6"));
    assert_eq!(text(&v, "A8"), "Helhedsplaner for 21 almene boligområder");
    for c in ["C8", "D8", "E8", "F8", "G8"] {
        assert_eq!(v.get_value(pos(c)), Some(&Data::Empty), "{c} is empty");
    }
    assert_eq!(text(&v, "A9"), "Boligsociale projekter");
    assert_eq!(num(&v, "F9"), d("12.29"));
    assert_eq!(num(&v, "G9"), d("49.16"));
    assert_eq!(formula(&f, "G9"), "SUM(C9:F9)");
    assert_eq!(text(&v, "A10"), format!("{G1} i alt"));
    assert_eq!(num(&v, "C10"), d("18.29"));
    assert_eq!(formula(&f, "C10"), "SUM(C7:C9)");
    assert_eq!(formula(&f, "F10"), "SUM(F7:F9)");
    assert_eq!(num(&v, "G10"), d("73.16"));
    assert_eq!(formula(&f, "G10"), "SUM(C10:F10)");

    // Group 2.
    assert_eq!(text(&v, "A12"), G2);
    assert_eq!(text(&v, "A13"), "§ 18 midler til integrationsformål");
    assert_eq!(num(&v, "C13"), d("1"));
    assert_eq!(num(&v, "C14"), d("7.5"));
    assert_eq!(formula(&f, "C15"), "SUM(C13:C14)");
    assert_eq!(num(&v, "C15"), d("8.5"));
    assert_eq!(num(&v, "D15"), d("0"));
    assert_eq!(num(&v, "G15"), d("8.5"));

    // The seed's closing rows, with the computed (not the stated) total.
    assert_eq!(text(&v, "A17"), "Integrationsprojekter – samlet beløb");
    assert_eq!(text(&v, "A18"), "I ALT");
    assert_eq!(num(&v, "C18"), d("26.79"));
    assert_eq!(formula(&f, "C18"), "SUM(C10,C15)");
    for c in ["D18", "E18", "F18"] {
        assert_eq!(num(&v, c), d("18.29"), "{c}");
    }
    assert_eq!(num(&v, "G18"), d("81.66"));
    assert_eq!(formula(&f, "G18"), "SUM(C18:F18)");
}

#[test]
fn every_cached_total_equals_the_exact_sum_of_the_model() {
    // Independent of the layout: for every formula cell, recompute the SUM
    // over the cells it names (from the written values) and compare with
    // the cached value, in exact decimals.
    for case in ["seed", "departments"] {
        let m = model(case);
        let (bytes, _) = budget_workbook_bytes(&m, &findings(case), &format()).unwrap();
        let mut book = Book::open(bytes);
        let names = book.xlsx.sheet_names().to_vec();
        let mut checked = 0;
        for name in names
            .iter()
            .filter(|n| !["Kilder", "Afstemning", "Diagram"].contains(&n.as_str()))
        {
            let v = book.values(name);
            let f = book.formulas(name);
            for (r, c, ftext) in f.used_cells() {
                if ftext.is_empty() {
                    continue;
                }
                let (r0, c0) = f.start().unwrap();
                let (r, c) = (r0 + r as u32, c0 + c as u32);
                let cached = match v.get_value((r, c)) {
                    Some(Data::Float(x)) => Decimal::from_str(&x.to_string()).unwrap(),
                    Some(Data::Int(i)) => Decimal::from(*i),
                    other => panic!("{name} {r},{c}: no cached number: {other:?}"),
                };
                assert_eq!(
                    cached,
                    eval_sum(&v, ftext),
                    "{case} {name} ({r},{c}) ={ftext}"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{case}: only {checked} formulas");
    }
}

/// Evaluates "SUM(B7:B9,B12)" over the cached values of one sheet.
fn eval_sum(v: &Range<Data>, f: &str) -> Decimal {
    if f == "0" {
        return Decimal::ZERO;
    }
    let inner = f
        .strip_prefix("SUM(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a SUM: {f}"));
    let mut total = Decimal::ZERO;
    for part in inner.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        let ((r1, c1), (r2, c2)) = (pos(a), pos(b));
        for r in r1..=r2 {
            for c in c1..=c2 {
                match v.get_value((r, c)) {
                    Some(Data::Float(x)) => total += Decimal::from_str(&x.to_string()).unwrap(),
                    Some(Data::Int(i)) => total += Decimal::from(*i),
                    Some(Data::Empty) | None => {}
                    other => panic!("{part}: {other:?} in a summed cell"),
                }
            }
        }
    }
    total
}

#[test]
fn departments_overview_consolidates_four_submissions() {
    let m = model("departments");
    let (bytes, _) = budget_workbook_bytes(&m, &findings("departments"), &format()).unwrap();
    let mut book = Book::open(bytes);
    assert_eq!(
        book.xlsx.sheet_names(),
        vec![
            "Økonomisk oversigt",
            "Status",
            "Diagram",
            "01-bolig",
            "02-ssp",
            "03-boern-unge",
            "04-integration",
            "Kilder",
            "Afstemning"
        ]
    );
    let v = book.values("Økonomisk oversigt");
    assert_eq!(num(&v, "G10"), d("73.16"));
    assert_eq!(num(&v, "G15"), d("8.5"));
    assert_eq!(num(&v, "C18"), d("26.79"));
    assert_eq!(num(&v, "G18"), d("81.66"));
    // The lines name their departments.
    assert_eq!(text(&v, "B9"), "Mål- og Rammekontor for Misbrug og Bolig");
    assert_eq!(
        text(&v, "B13"),
        "Integrationssekretariatet, Socialforvaltningen"
    );
}

#[test]
fn seed_sheet_names_and_the_stated_total_beside_the_computed_one() {
    let mut book = Book::open(seed_bytes());
    assert_eq!(
        book.xlsx.sheet_names(),
        vec![
            "Økonomisk oversigt",
            "Status",
            "Diagram",
            "socialudvalget-2008",
            "Kilder",
            "Afstemning"
        ]
    );
    let v = book.values("socialudvalget-2008");
    let f = book.formulas("socialudvalget-2008");
    assert_eq!(text(&v, "A1"), "Mål- og Rammekontor for Misbrug og Bolig");
    assert_eq!(text(&v, "A5"), "Indsats");
    assert_eq!(text(&v, "F5"), "I alt (beregnet)");
    assert_eq!(text(&v, "G5"), "I alt (angivet)");
    assert_eq!(text(&v, "H5"), "Kontrol");
    // Lines under their headings as written.
    assert_eq!(text(&v, "A6"), G1);
    assert_eq!(text(&v, "A7"), "Aftalen om nye udlejningsmodeller");
    assert_eq!(num(&v, "F7"), d("24"));
    assert_eq!(num(&v, "G7"), d("24"));
    assert_eq!(text(&v, "H7"), "Stemmer");
    assert_eq!(text(&v, "A10"), G2);
    assert!(text(&v, "A12").starts_with("Ressourcecenter"));
    // Computed row for the stated "I ALT", then the stated row.
    assert_eq!(text(&v, "A14"), "Beregnet: I ALT");
    assert_eq!(formula(&f, "B14"), "SUM(B7:B9,B11:B12)");
    assert_eq!(num(&v, "F14"), d("81.66"));
    assert_eq!(text(&v, "A15"), "Angivet: I ALT");
    assert_eq!(num(&v, "B15"), d("26.79"));
    assert_eq!(num(&v, "G15"), d("73.19"));
    assert_eq!(
        text(&v, "H15"),
        "Afviger: I alt (8,47 mio. kr. under beregnet)"
    );
}

#[test]
fn kilder_has_one_row_per_amount_with_its_cell_and_raw_text() {
    let mut m = model("seed");
    // Give every amount a source, as the normalizer does.
    for l in &mut m.submissions[0].budget_lines {
        l.source.sheet = "Økonomi".into();
        let years: Vec<String> = l.amounts.keys().map(|y| y.to_string()).collect();
        for (i, y) in years.iter().enumerate() {
            let raw = format!(
                "{} mio.",
                bilag::model::kroner_string(&(l.amounts[y] / Decimal::from(1_000_000)))
                    .replace('.', ",")
            );
            l.amount_sources.insert(
                y.clone().into(),
                AmountSource {
                    cell: format!("{}2", ["B", "C", "D", "E"][i]).into(),
                    raw: raw.into(),
                    unit: Some("mio. kr. (i cellen)".into()),
                },
            );
        }
    }
    let (bytes, _) = budget_workbook_bytes(&m, &[], &format()).unwrap();
    let mut book = Book::open(bytes);
    let v = book.values("Kilder");
    let rows: Vec<Vec<Data>> = v.rows().map(|r| r.to_vec()).collect();
    let (r0, _) = v.start().unwrap();
    let header_idx = (3 - r0) as usize;
    let header: Vec<String> = rows[header_idx].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header,
        vec![
            "Afdeling",
            "Fil",
            "Ark",
            "Celle",
            "Indsats",
            "År",
            "Art",
            "Indtastet tekst",
            "Enhed",
            "Kroner",
            "Kroner (eksakt)",
            "Vist i"
        ]
    );
    let body = &rows[header_idx + 1..];
    // 10 line amounts + 2 stated line totals + the I ALT row (4 years + total).
    let amounts: Vec<_> = body.iter().filter(|r| r[6] == "Beløb").collect();
    assert_eq!(amounts.len(), 10);
    assert_eq!(body.len(), 17);
    let first = amounts[0];
    assert_eq!(
        first[0].to_string(),
        "Mål- og Rammekontor for Misbrug og Bolig"
    );
    assert_eq!(first[1].to_string(), "socialudvalget-2008.xlsx");
    assert_eq!(first[2].to_string(), "Økonomi");
    assert_eq!(first[3].to_string(), "B2");
    assert_eq!(first[4].to_string(), "Aftalen om nye udlejningsmodeller");
    assert_eq!(first[5].to_string(), "2008");
    assert_eq!(first[7].to_string(), "6 mio.");
    assert_eq!(first[9], Data::Float(6_000_000.0));
    assert_eq!(first[10].to_string(), "6000000");
    assert_eq!(first[11].to_string(), "Økonomisk oversigt C7");
    let boligsociale = amounts
        .iter()
        .find(|r| r[4] == "Boligsociale projekter" && r[5] == "2011")
        .unwrap();
    assert_eq!(boligsociale[10].to_string(), "12290000");
    assert_eq!(boligsociale[11].to_string(), "Økonomisk oversigt F9");
    let i_alt: Vec<_> = body
        .iter()
        .filter(|r| r[4] == "I ALT")
        .map(|r| (r[5].to_string(), r[10].to_string()))
        .collect();
    assert_eq!(
        i_alt,
        vec![
            ("2008".into(), "26790000".into()),
            ("2009".into(), "18290000".into()),
            ("2010".into(), "18290000".into()),
            ("2011".into(), "18290000".into()),
            ("I alt".into(), "73190000".into())
        ]
    );
}

#[test]
fn afstemning_lists_findings_errors_first() {
    let mut fs = findings("seed");
    fs.reverse(); // the error is last: the sheet must sort it first
    let (bytes, _) = budget_workbook_bytes(&model("seed"), &fs, &format()).unwrap();
    let mut book = Book::open(bytes);
    let v = book.values("Afstemning");
    let (r0, _) = v.start().unwrap();
    let rows: Vec<Vec<String>> = v
        .rows()
        .skip((4 - r0) as usize)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0][0], "total-mismatch");
    assert_eq!(rows[0][1], "total passer ikke");
    assert_eq!(rows[0][2], "fejl");
    assert_eq!(rows[0][4], "Økonomi");
    assert_eq!(rows[0][5], "F12");
    assert!(rows[1..].iter().all(|r| r[2] == "advarsel"));
    assert_eq!(
        text(&v, "A2"),
        "1 fejl, 5 advarsler, 0 info. Fejl står først."
    );
}

#[test]
fn titles_stay_text_and_over_long_text_is_cut_with_a_finding() {
    let mut m: Model = model("seed");
    let sub = &mut m.submissions[0];
    sub.budget_lines[0].title = "=HYPERLINK(\"http://x\",\"klik\")".into();
    sub.budget_lines[1].title = "x".repeat(40_000);
    sub.budget_lines[1].source.sheet = "Økonomi".into();
    sub.budget_lines[1].source.cell = "A4".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.xlsx");
    let truncated: Vec<Finding> = write_budget(&m, &[], &format(), &path).unwrap();
    // The long title appears on the overview and on the submission's sheet.
    assert_eq!(truncated.len(), 2);
    let t = &truncated[0];
    assert_eq!(t.code, Code::TextTruncated);
    assert_eq!(t.file, "socialudvalget-2008.xlsx");
    assert_eq!(t.sheet.as_deref(), Some("Økonomi"));
    assert_eq!(t.cell.as_deref(), Some("A4"));
    assert!(t.message.contains("40000 tegn"), "{}", t.message);

    let mut book = Book::open(std::fs::read(&path).unwrap());
    let v = book.values("Økonomisk oversigt");
    let f = book.formulas("Økonomisk oversigt");
    assert_eq!(text(&v, "A7"), "=HYPERLINK(\"http://x\",\"klik\")");
    assert_eq!(formula(&f, "A7"), "");
    let long = text(&v, "A8");
    assert_eq!(long.chars().count(), 32_767);
    assert!(long.ends_with('…'));
}

/// rust_xlsxwriter writes a text shaped like rich-text markup ("<r>…</r>")
/// unescaped; a submission's text is data and must come back as typed, in
/// a workbook whose every part is well-formed XML.
#[test]
fn a_text_shaped_like_rich_text_markup_stays_text() {
    let rich = "<r>Boligsociale & nye projekter</r>";
    let mut m: Model = model("seed");
    let sub = &mut m.submissions[0];
    sub.budget_lines[0].title = rich.into();
    sub.department = Some("<r>Socialforvaltningen</r>".into());
    let f = vec![Finding::new(Code::MissingBudgetLine, &sub.source, rich)];
    let (bytes, _) = budget_workbook_bytes(&m, &f, &format()).unwrap();

    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = String::from_utf8_lossy(part.name_raw()).into_owned();
        let mut xml = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut xml).unwrap();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            docx_support::check_well_formed(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let mut book = Book::open(bytes);
    let v = book.values("Økonomisk oversigt");
    assert_eq!(text(&v, "A7"), rich);
    let a = book.values("Afstemning");
    assert!(
        a.rows()
            .flatten()
            .any(|c| matches!(c, Data::String(s) if s == rich)),
        "the finding's message is in Afstemning as written"
    );
    let k = book.values("Kilder");
    assert!(k
        .rows()
        .flatten()
        .any(|c| matches!(c, Data::String(s) if s == rich)));
}

/// Kilder writes the texts that differ on every row (cell, text as typed,
/// exact kroner, link) in the cell itself (`t="inlineStr"`): awkward texts
/// there read back as typed, and the shared-string table no longer holds
/// them.
#[test]
fn kilder_inline_texts_read_back_as_typed() {
    let awkward = [
        "<r>12 & 13</r>",
        "=SUM(A1:A2)",
        "a\u{1}b",
        "_x0041_ mio.",
        "6,0 mio.\nkr.",
    ];
    let mut m = model("seed");
    let line = &mut m.submissions[0].budget_lines[0];
    line.source.sheet = "Økonomi".into();
    let years: Vec<String> = line.amounts.keys().map(|y| y.to_string()).collect();
    assert!(years.len() >= awkward.len() - 1, "{years:?}");
    for (y, raw) in years.iter().zip(awkward) {
        line.amount_sources.insert(
            y.clone().into(),
            AmountSource {
                cell: format!("B{}", 7 + raw.len()).into(),
                raw: raw.into(),
                unit: None,
            },
        );
    }
    let (bytes, _) = budget_workbook_bytes(&m, &[], &format()).unwrap();
    let mut book = Book::open(bytes.clone());
    let k = book.values("Kilder");
    let rows: Vec<Vec<String>> = k
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    for (y, raw) in years.iter().zip(awkward) {
        let row = rows
            .iter()
            .find(|r| r[5] == *y && r[6] == "Beløb" && r[7] == raw)
            .unwrap_or_else(|| panic!("a Kilder row for {y} with {raw:?}"));
        assert_eq!(row[3], format!("B{}", 7 + raw.len()));
        assert_eq!(row[2], "Økonomi");
    }
    // In the sheet's XML: inline, escaped; and not in the shared strings.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let sst = part("xl/sharedStrings.xml");
    let kilder = (1..20)
        .map(|i| part(&format!("xl/worksheets/sheet{i}.xml")))
        .find(|x| x.contains("Kilder: hvor") || x.contains("t=\"inlineStr\""))
        .unwrap();
    assert!(kilder.contains("t=\"inlineStr\"><is><t>&lt;r&gt;12 &amp; 13&lt;/r&gt;</t></is>"));
    assert!(kilder.contains("<is><t>a_x0001_b</t></is>"));
    assert!(kilder.contains("<is><t>_x005F_x0041_ mio.</t></is>"));
    assert!(!sst.contains("12 &amp; 13"));
    assert!(!sst.contains(">Økonomisk oversigt C7<"));
}

/// An over-long text as typed (Kilder's "Indtastet tekst", written in the
/// cell) is cut to Excel's limit with a finding that points at the
/// submission's cell, as the shared texts are.
#[test]
fn kilder_over_long_typed_text_is_cut_with_a_finding() {
    let mut m = model("seed");
    let line = &mut m.submissions[0].budget_lines[0];
    line.source.sheet = "Økonomi".into();
    let year = line.amounts.keys().next().unwrap().to_string();
    line.amount_sources.insert(
        year.clone().into(),
        AmountSource {
            cell: "B7".into(),
            raw: format!("6,0 mio. {}", "x".repeat(40_000)).into(),
            unit: None,
        },
    );
    let (bytes, truncated) = budget_workbook_bytes(&m, &[], &format()).unwrap();
    assert_eq!(truncated.len(), 1, "{truncated:?}");
    let t = &truncated[0];
    assert_eq!(t.code, Code::TextTruncated);
    assert_eq!(t.sheet.as_deref(), Some("Økonomi"));
    assert_eq!(t.cell.as_deref(), Some("B7"));
    assert!(t.message.contains("40009 tegn"), "{}", t.message);
    assert!(t.message.contains("Kilder"), "{}", t.message);
    let mut book = Book::open(bytes);
    let k = book.values("Kilder");
    let cut = k
        .rows()
        .find(|r| r[3] == "B7")
        .map(|r| r[7].to_string())
        .expect("the Kilder row of B7");
    assert_eq!(cut.chars().count(), 32_767);
    assert!(cut.starts_with("6,0 mio. xxx"));
    assert!(cut.ends_with('…'));
}
