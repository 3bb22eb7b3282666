//! Differential tests of the hand-written XML: the same cells written
//! through rust_xlsxwriter's own `Worksheet` and through [`Cells`] and the
//! splice, and the saved sheets compared. Only what legitimately differs is
//! normalized: a shared string's index becomes its text (the splice adds
//! its texts after rust_xlsxwriter's, and writes a text shaped like rich
//! text as plain text). A rust_xlsxwriter upgrade that changes how it
//! writes a cell, a row, a style index or a string fails here.

use super::cells::{Cells, Direct, Sink};
use super::splice::{splice_package, Parts};
use super::strings::Strings;
use super::styles::{StyleId, Styles};
use crate::write::xml;
use rust_xlsxwriter::{Workbook, Worksheet};
use std::collections::HashSet;
use std::io::{Cursor, Read};

/// One write, as a sheet writer makes it.
#[derive(Clone, Debug)]
enum Put {
    Text(u32, u16, &'static str, StyleId),
    Number(u32, u16, f64, StyleId),
    Formula(u32, u16, &'static str, &'static str, StyleId),
    Blank(u32, u16, StyleId),
    Merge(u32, u16, u16, &'static str, StyleId),
    Height(u32, f64),
}

const TEXTS: [&str; 16] = [
    "plain",
    "=SUM(A1)",
    "=HYPERLINK(\"http://x\",\"klik\")",
    "<b>&",
    "a \"quoted\" 'text'",
    " leading",
    "trailing ",
    "\ttab first",
    "line\nbreak",
    "_x0041_",
    "a_x00G1_b__x12AB_",
    "ctl\u{1}\u{8}\u{b}\u{1f}\r",
    "Økonomi: æøå ÆØÅ €",
    "non\u{FFFE}char",
    "<r>Boligsociale & nye</r>",
    "",
];

const NUMBERS: [f64; 14] = [
    0.0,
    1.0,
    -1.0,
    12.29,
    -0.5,
    1.653,
    24_580_000.0,
    -7_500_000.25,
    999_999_999_999_999.0,
    1e15,
    1e20,
    1.5e-7,
    0.1 + 0.2,
    123_456_789.123_456_78,
];

/// Every kind of cell the overview and the submission sheets write, in
/// every style.
fn puts() -> Vec<Put> {
    let mut v = Vec::new();
    v.push(Put::Merge(0, 0, 5, "Titel & <mere>", StyleId::Title));
    v.push(Put::Height(0, 21.0));
    for (i, t) in TEXTS.iter().enumerate() {
        let style = StyleId::ALL[i % StyleId::ALL.len()];
        v.push(Put::Text(2 + i as u32, 0, t, style));
    }
    for (i, n) in NUMBERS.iter().enumerate() {
        let style = StyleId::ALL[(i + 3) % StyleId::ALL.len()];
        v.push(Put::Number(2 + i as u32, 1, *n, style));
    }
    v.push(Put::Formula(
        2,
        2,
        "=SUM(B3:B5)",
        "12.29",
        StyleId::SubtotalAmount,
    ));
    v.push(Put::Formula(
        3,
        2,
        "=SUM(B3,B5:B6)",
        "-0.5",
        StyleId::GrandAmount,
    ));
    v.push(Put::Formula(4, 2, "=0", "0", StyleId::Amount));
    v.push(Put::Formula(5, 2, "=\"a\"&\"<b>\"", "a<b>", StyleId::Text));
    for (i, s) in StyleId::ALL.iter().enumerate() {
        v.push(Put::Blank(20 + i as u32, 3, *s));
        v.push(Put::Number(20 + i as u32, 4, i as f64 * 1.5, *s));
        v.push(Put::Text(20 + i as u32, 40, "Stemmer", *s));
    }
    v.push(Put::Merge(45, 0, 2, "Gruppe", StyleId::Group));
    v.push(Put::Height(45, 30.0));
    v.push(Put::Height(46, 45.75));
    v.push(Put::Height(60, 16.5)); // a row with a height and no cells
                                   // A later write replaces an earlier one.
    v.push(Put::Text(47, 0, "først", StyleId::Text));
    v.push(Put::Number(47, 0, 2.0, StyleId::Amount));
    v
}

/// Feeds `puts` to a sink; merges go to `merge`.
fn feed<S: Sink>(
    sink: &mut S,
    strings: &mut Strings<'_>,
    puts: &[Put],
    mut merge: impl FnMut(&mut S, &mut Strings<'_>, &Put),
) {
    for p in puts {
        match *p {
            Put::Text(r, c, t, s) => sink.put_string(strings, r, c, t, s).unwrap(),
            Put::Number(r, c, n, s) => sink.put_number(r, c, n, s).unwrap(),
            Put::Formula(r, c, f, res, s) => sink.put_formula(r, c, f, res.to_string(), s).unwrap(),
            Put::Blank(..) | Put::Merge(..) => merge(sink, strings, p),
            Put::Height(r, h) => sink.put_row_height(r, h).unwrap(),
        }
    }
}

/// The parts of a saved workbook the sheets decide.
#[derive(Debug)]
struct Saved {
    sheet: String,
    styles: String,
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The texts of a shared-string table, by index (each entry's `<t>`
/// elements joined and unescaped, so a rich string of one run and the same
/// text written plainly are equal).
fn table_texts(sst: &str) -> Vec<String> {
    let unescape = |t: &str| {
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    sst.split("<si>")
        .skip(1)
        .map(|si| {
            let si = &si[..si.find("</si>").unwrap()];
            si.split("<t")
                .skip(1)
                .filter(|t| t.starts_with('>') || t.starts_with(' '))
                .map(|t| {
                    let body = &t[t.find('>').unwrap() + 1..];
                    unescape(&body[..body.find("</t>").unwrap()])
                })
                .collect()
        })
        .collect()
}

/// The sheet with every shared-string index replaced by its text.
fn resolve_strings(sheet: &str, texts: &[String]) -> String {
    const OPEN: &str = " t=\"s\"><v>";
    let mut out = String::new();
    let mut rest = sheet;
    while let Some(at) = rest.find(OPEN) {
        let v = at + OPEN.len();
        let end = v + rest[v..].find("</v>").unwrap();
        let id: usize = rest[v..end].parse().unwrap();
        out.push_str(&rest[..v]);
        out.push_str(&format!("{{{}}}", texts[id]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn saved(bytes: &[u8]) -> Saved {
    let texts = table_texts(&part(bytes, "xl/sharedStrings.xml"));
    Saved {
        sheet: resolve_strings(&part(bytes, "xl/worksheets/sheet1.xml"), &texts),
        styles: part(bytes, "xl/styles.xml"),
    }
}

/// `puts` through rust_xlsxwriter, cell by cell.
fn through_rust_xlsxwriter(puts: &[Put], styles: &Styles) -> Vec<u8> {
    let mut ws = Worksheet::new();
    ws.set_name("Ark").unwrap();
    let mut strings = Strings::new();
    {
        let mut d = Direct::new(&mut ws, styles);
        feed(&mut d, &mut strings, puts, |d, _, p| match *p {
            Put::Blank(r, c, s) => {
                d.ws.write_blank(r, c, &d.styles[s]).unwrap();
            }
            Put::Merge(r, c1, c2, t, s) => {
                d.ws.merge_range(r, c1, r, c2, t, &d.styles[s]).unwrap();
            }
            _ => unreachable!(),
        });
    }
    let mut wb = Workbook::new();
    wb.push_worksheet(ws);
    wb.push_worksheet(other_sheet());
    wb.save_to_buffer().unwrap()
}

/// A second sheet with a text, as budget.xlsx's others have: the splice
/// adds to rust_xlsxwriter's shared-string table, it does not make one.
fn other_sheet() -> Worksheet {
    let mut ws = Worksheet::new();
    ws.write_string(0, 0, "et andet ark").unwrap();
    ws
}

/// `puts` into [`Cells`], a skeleton that registers their styles, and the
/// splice.
fn through_the_splice(puts: &[Put], styles: &Styles) -> Vec<u8> {
    let mut strings = Strings::new();
    let mut cells = Cells::new("Ark");
    feed(&mut cells, &mut strings, puts, |c, strings, p| match *p {
        Put::Blank(r, col, s) => c.write_blank(r, col, s).unwrap(),
        Put::Merge(r, c1, c2, t, s) => c.merge_range(strings, r, c1, r, c2, t, s).unwrap(),
        _ => unreachable!(),
    });
    let mut sk = Worksheet::new();
    sk.set_name("Ark").unwrap();
    cells
        .register_formats(&mut sk, styles, &mut HashSet::new())
        .unwrap();
    let mut wb = Workbook::new();
    wb.push_worksheet(sk);
    wb.push_worksheet(other_sheet());
    let skeleton = wb.save_to_buffer().unwrap();
    let mut sheets = vec![("xl/worksheets/sheet1.xml".to_string(), cells)];
    let parts = Parts {
        sheets: &mut sheets,
        strings: &strings,
        sources: None,
        copied_strings: 0,
    };
    splice_package(&skeleton, parts, Cursor::new(Vec::new()))
        .unwrap()
        .into_inner()
}

#[test]
fn the_splice_writes_the_sheet_rust_xlsxwriter_writes() {
    let styles = Styles::new(3);
    let puts = puts();
    let want = saved(&through_rust_xlsxwriter(&puts, &styles));
    let got = saved(&through_the_splice(&puts, &styles));
    assert_eq!(got.styles, want.styles, "styles.xml");
    assert_eq!(got.sheet, want.sheet, "sheet1.xml");
    // The comparison saw every style and kind of cell.
    for s in StyleId::ALL {
        assert!(puts
            .iter()
            .any(|p| matches!(p, Put::Blank(_, _, x) if *x == s)));
    }
    assert!(want.sheet.contains("<f>SUM(B3:B5)</f><v>12.29</v>"));
    assert!(want.sheet.contains("{=SUM(A1)}"));
    assert!(want.sheet.contains("<mergeCell ref=\"A1:F1\"/>"));
    assert!(want.sheet.contains("customHeight=\"1\""));
}

/// rust_xlsxwriter numbers styles in order of first use: a sheet that
/// uses them in another order, or uses only some, still gets the index
/// rust_xlsxwriter would give.
#[test]
fn style_indices_are_the_ones_rust_xlsxwriter_gives() {
    let styles = Styles::new(1);
    let mut order: Vec<StyleId> = StyleId::ALL.to_vec();
    order.reverse();
    order.retain(|s| !matches!(s, StyleId::Text | StyleId::Caption));
    let puts: Vec<Put> = order
        .iter()
        .enumerate()
        .map(|(i, s)| Put::Number(i as u32, (i % 3) as u16, 1.0, *s))
        .collect();
    let want = saved(&through_rust_xlsxwriter(&puts, &styles));
    let got = saved(&through_the_splice(&puts, &styles));
    assert_eq!(got.styles, want.styles);
    assert_eq!(got.sheet, want.sheet);
}

/// Kilder's texts are matched against rust_xlsxwriter's table by their
/// written form, and written after it in that form: it must be exactly
/// rust_xlsxwriter's (a text shaped like rich text aside, which
/// rust_xlsxwriter would write unescaped).
#[test]
fn table_entries_are_written_as_rust_xlsxwriter_writes_them() {
    let samples: Vec<&str> = TEXTS
        .iter()
        .copied()
        .filter(|s| !s.is_empty() && !s.starts_with("<r>"))
        .chain(["__x0041__x1", "æøå €_xABCD_", "nonchar\u{FFFF}"])
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, s) in samples.iter().enumerate() {
        ws.write_string(i as u32, 0, *s).unwrap();
    }
    let sst = part(&wb.save_to_buffer().unwrap(), "xl/sharedStrings.xml");
    let mut want = Vec::new();
    for s in &samples {
        xml::push_si(&mut want, s);
    }
    let want = String::from_utf8(want).unwrap();
    assert!(sst.contains(&want), "{sst}\n{want}");
}

/// Kilder's rows as its writer makes them (inline texts, numbers, heights)
/// are the rows rust_xlsxwriter writes in constant-memory mode, where it
/// writes texts inline too.
#[test]
fn kilder_rows_are_the_rows_rust_xlsxwriter_writes_inline() {
    let styles = Styles::new(1);
    let texts: Vec<&str> = TEXTS.iter().copied().filter(|s| !s.is_empty()).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    let mut want_rows = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let row = i as u32;
        let (text_style, num_style) = if i % 2 == 0 {
            (StyleId::Wrap, StyleId::KronerInt)
        } else {
            (StyleId::Text, StyleId::KronerDec)
        };
        let n = NUMBERS[i % NUMBERS.len()];
        if i % 3 == 0 {
            ws.set_row_height(row, 31.0).unwrap();
        }
        // Cell by cell, as write_text would (a rich-text shaped text is a
        // rich string there; Kilder writes it plainly).
        if !t.starts_with("<r>") {
            ws.write_string_with_format(row, 0, *t, &styles[text_style])
                .unwrap();
        }
        ws.write_number_with_format(row, 1, n, &styles[num_style])
            .unwrap();
        want_rows.push((row, *t, n, text_style, num_style));
    }
    let bytes = wb.save_to_buffer().unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    let xf = |s: StyleId| -> u32 {
        // The index rust_xlsxwriter gave: read from its first cell in `s`.
        let mut order: Vec<StyleId> = Vec::new();
        for (_, t, _, a, b) in &want_rows {
            for x in [(!t.starts_with("<r>")).then_some(*a), Some(*b)]
                .into_iter()
                .flatten()
            {
                if !order.contains(&x) {
                    order.push(x);
                }
            }
        }
        1 + order.iter().position(|x| *x == s).unwrap() as u32
    };
    let mut got = Vec::new();
    for (row, t, n, a, b) in &want_rows {
        let px = (*row % 3 == 0).then(|| xml::height_px(31.0));
        xml::push_row_open(&mut got, *row, None, px, false);
        if !t.starts_with("<r>") {
            xml::push_inline_string_cell(&mut got, *row, 0, xf(*a), t);
        }
        xml::push_number_cell(&mut got, *row, 1, xf(*b), *n);
        got.extend_from_slice(b"</row>");
    }
    let got = String::from_utf8(got).unwrap();
    assert!(sheet.contains(&got), "{sheet}\n{got}");
}
