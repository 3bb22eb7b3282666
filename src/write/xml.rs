//! Hand-written Office Open XML: the one place that escapes text, writes
//! numbers, column letters and cell and row markup for the parts bilag
//! writes itself instead of through a library.
//!
//! budget.xlsx's large sheets are written here and spliced into the
//! package rust_xlsxwriter made (see `write::xlsx`), so every function
//! imitates rust_xlsxwriter 0.102's own output byte for byte (its
//! `src/xmlwriter.rs` and `src/worksheet.rs`); `write::xlsx`'s differential
//! test feeds the same cells to both and compares. [`push_wml_text`] is
//! WordprocessingML's text escaping, for appendix.docx.
//!
//! Everything appends to a byte buffer: the sheets are written row by row
//! into a deflater, a million rows at a time for the largest inboxes.

use std::io::Write as _;

/// Text content escaped as rust_xlsxwriter's `escape_xml_data`: `&`, `<`
/// and `>` as entities; control characters other than tab and line feed,
/// and the non-characters U+FFFE and U+FFFF, as Excel's `_xHHHH_`
/// ("a<b\u{1}" → "a&lt;b_x0001_").
pub(crate) fn push_data(buf: &mut Vec<u8>, s: &str) {
    let mut last = 0;
    for (i, ch) in s.char_indices() {
        let rep: &[u8] = match ch {
            '&' => b"&amp;",
            '<' => b"&lt;",
            '>' => b"&gt;",
            '\t' | '\n' => continue,
            '\x00'..='\x1F' | '\u{FFFE}' | '\u{FFFF}' => {
                buf.extend_from_slice(&s.as_bytes()[last..i]);
                let _ = write!(buf, "_x{:04X}_", u32::from(ch));
                last = i + ch.len_utf8();
                continue;
            }
            _ => continue,
        };
        buf.extend_from_slice(&s.as_bytes()[last..i]);
        buf.extend_from_slice(rep);
        last = i + 1;
    }
    buf.extend_from_slice(&s.as_bytes()[last..]);
}

/// An attribute value escaped as rust_xlsxwriter's `escape_attributes`:
/// `&`, `"`, `<`, `>` as entities and a line feed as `&#xA;`.
pub(crate) fn push_attr(buf: &mut Vec<u8>, s: &str) {
    push_escaped(buf, s, |b| match b {
        b'&' => Some(b"&amp;"),
        b'"' => Some(b"&quot;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\n' => Some(b"&#xA;"),
        _ => None,
    })
}

/// WordprocessingML text content (`<w:t>`, and the elements of
/// appendix.docx's core properties): `&`, `<` and `>` as entities,
/// everything else as it is. The caller removes control characters first
/// (Word and LibreOffice refuse them however they are escaped).
pub(crate) fn push_wml_text(buf: &mut Vec<u8>, s: &str) {
    push_escaped(buf, s, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        _ => None,
    })
}

/// `s` with the ASCII bytes `rep` names replaced (ASCII bytes never occur
/// inside a multi-byte UTF-8 character).
fn push_escaped(buf: &mut Vec<u8>, s: &str, rep: impl Fn(u8) -> Option<&'static [u8]>) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        if let Some(r) = rep(b) {
            buf.extend_from_slice(&s.as_bytes()[last..i]);
            buf.extend_from_slice(r);
            last = i + 1;
        }
    }
    buf.extend_from_slice(&s.as_bytes()[last..]);
}

/// A text's `<t>` element as rust_xlsxwriter writes it, in a shared-string
/// entry (`<si>`) or an inline string (`<is>`): `xml:space="preserve"` when
/// it starts or ends with white space, and a literal `_xHHHH_` with its
/// underscore escaped (`escape_xml_escapes`), so Excel does not read it as
/// an escaped character.
pub(crate) fn push_t(buf: &mut Vec<u8>, s: &str) {
    let ws = ['\t', '\n', ' '];
    if s.starts_with(ws) || s.ends_with(ws) {
        buf.extend_from_slice(b"<t xml:space=\"preserve\">");
    } else {
        buf.extend_from_slice(b"<t>");
    }
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, _) in s.match_indices("_x") {
        let literal = i + 7 <= s.len()
            && bytes[i + 6] == b'_'
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit);
        if literal {
            push_data(buf, &s[last..i]);
            push_data(buf, "_x005F");
            last = i;
        }
    }
    push_data(buf, &s[last..]);
    buf.extend_from_slice(b"</t>");
}

/// A shared-string table entry as rust_xlsxwriter writes it
/// (`xml_si_element`). rust_xlsxwriter writes a text that starts with
/// `<r>` and ends with `</r>` unescaped, as rich-text markup; bilag's
/// texts are data, so here it is escaped like any other.
pub(crate) fn push_si(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(b"<si>");
    push_t(buf, s);
    buf.extend_from_slice(b"</si>");
}

/// A whole number in decimal.
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// A number cell's value as rust_xlsxwriter writes it (Rust's `Display`
/// of the `f64`; whole numbers without a fraction, fast).
pub(crate) fn push_f64(buf: &mut Vec<u8>, n: f64) {
    if n.fract() == 0.0 && n.abs() < 1e15 && !(n == 0.0 && n.is_sign_negative()) {
        if n < 0.0 {
            buf.push(b'-');
        }
        push_u64(buf, n.abs() as u64);
    } else {
        let _ = write!(buf, "{n}");
    }
}

/// Column letters for a 0-based column: 0 → "A", 27 → "AB" (one
/// implementation, the reader's [`crate::read::col_name`]; the writer's
/// columns are u16).
pub(crate) fn col_name(col: u16) -> String {
    crate::read::col_name(col.into())
}

/// "B7" for 0-based (row 6, col 1): [`crate::read::a1`].
pub(crate) fn a1(row: u32, col: u16) -> String {
    crate::read::a1(row, col.into())
}

/// [`col_name`] appended (the first 26 without allocating).
pub(crate) fn push_col(buf: &mut Vec<u8>, col: u16) {
    if col < 26 {
        buf.push(b'A' + col as u8);
    } else {
        buf.extend_from_slice(col_name(col).as_bytes());
    }
}

/// [`a1`] appended: the 0-based (row, col)'s reference.
pub(crate) fn push_a1(buf: &mut Vec<u8>, row: u32, col: u16) {
    push_col(buf, col);
    push_u64(buf, u64::from(row) + 1);
}

/// [`a1`] appended to a text.
pub(crate) fn push_a1_str(buf: &mut String, row: u32, col: u16) {
    use std::fmt::Write as _;
    if col < 26 {
        buf.push(char::from(b'A' + col as u8));
    } else {
        buf.push_str(&col_name(col));
    }
    let _ = write!(buf, "{}", u64::from(row) + 1);
}

/// A row height in points as rust_xlsxwriter keeps it: whole pixels.
pub(crate) fn height_px(points: f64) -> u32 {
    (points * 4.0 / 3.0).round() as u32
}

/// The height rust_xlsxwriter's rows have unless set (15 points).
pub(crate) const DEFAULT_ROW_PX: u32 = 20;

/// A `<row>` start tag as rust_xlsxwriter writes it: the 1-based row
/// number, the `spans` of its block of 16 rows (standard mode only) and a
/// set height (`ht` in points from whole pixels); `empty` closes it at once.
pub(crate) fn push_row_open(
    buf: &mut Vec<u8>,
    row: u32,
    spans: Option<(u16, u16)>,
    height_px: Option<u32>,
    empty: bool,
) {
    buf.extend_from_slice(b"<row r=\"");
    push_u64(buf, u64::from(row) + 1);
    if let Some((a, b)) = spans {
        buf.extend_from_slice(b"\" spans=\"");
        push_u64(buf, u64::from(a) + 1);
        buf.push(b':');
        push_u64(buf, u64::from(b) + 1);
    }
    buf.push(b'"');
    if let Some(px) = height_px {
        buf.extend_from_slice(b" ht=\"");
        buf.extend_from_slice((f64::from(px) * 0.75).to_string().as_bytes());
        buf.extend_from_slice(b"\" customHeight=\"1\"");
    }
    buf.extend_from_slice(if empty { b"/>" } else { b">" });
}

/// The start of a `<c>` element up to its attributes' end: the reference
/// and, unless it is the default (0), the style's xf index.
fn push_cell_open(buf: &mut Vec<u8>, row: u32, col: u16, xf: u32) {
    buf.extend_from_slice(b"<c r=\"");
    push_a1(buf, row, col);
    buf.push(b'"');
    if xf > 0 {
        buf.extend_from_slice(b" s=\"");
        push_u64(buf, u64::from(xf));
        buf.push(b'"');
    }
}

/// A formatted blank cell: `<c r="B2" s="3"/>`.
pub(crate) fn push_blank_cell(buf: &mut Vec<u8>, row: u32, col: u16, xf: u32) {
    push_cell_open(buf, row, col, xf);
    buf.extend_from_slice(b"/>");
}

/// A number cell: `<c r="B2" s="3"><v>12.29</v></c>`.
pub(crate) fn push_number_cell(buf: &mut Vec<u8>, row: u32, col: u16, xf: u32, n: f64) {
    push_cell_open(buf, row, col, xf);
    buf.extend_from_slice(b"><v>");
    push_f64(buf, n);
    buf.extend_from_slice(b"</v></c>");
}

/// A cell holding entry `id` of the shared-string table.
pub(crate) fn push_shared_string_cell(buf: &mut Vec<u8>, row: u32, col: u16, xf: u32, id: u32) {
    push_cell_open(buf, row, col, xf);
    buf.extend_from_slice(b" t=\"s\"><v>");
    push_u64(buf, u64::from(id));
    buf.extend_from_slice(b"</v></c>");
}

/// A cell holding its text itself, as rust_xlsxwriter's constant-memory
/// mode writes it: `<c r="B2" t="inlineStr"><is><t>…</t></is></c>`.
pub(crate) fn push_inline_string_cell(buf: &mut Vec<u8>, row: u32, col: u16, xf: u32, text: &str) {
    push_cell_open(buf, row, col, xf);
    buf.extend_from_slice(b" t=\"inlineStr\"><is>");
    push_t(buf, text);
    buf.extend_from_slice(b"</is></c>");
}

/// A formula cell with its cached result (`formula` without the leading
/// `=`); a result that is not a number makes it a string formula.
pub(crate) fn push_formula_cell(
    buf: &mut Vec<u8>,
    row: u32,
    col: u16,
    xf: u32,
    formula: &str,
    result: &str,
) {
    push_cell_open(buf, row, col, xf);
    if result.parse::<f64>().is_err() {
        buf.extend_from_slice(b" t=\"str\"");
    }
    buf.extend_from_slice(b"><f>");
    push_data(buf, formula);
    buf.extend_from_slice(b"</f><v>");
    push_data(buf, result);
    buf.extend_from_slice(b"</v></c>");
}

/// A `<hyperlink>` from the cell `at` to the cell `to` on the sheet
/// `sheet` (quoted as a formula quotes it), showing `display`.
pub(crate) fn push_hyperlink(
    buf: &mut Vec<u8>,
    at: (u32, u16),
    sheet: &str,
    to: (u32, u16),
    display: &str,
) {
    buf.extend_from_slice(b"<hyperlink ref=\"");
    push_a1(buf, at.0, at.1);
    buf.extend_from_slice(b"\" location=\"");
    push_attr(buf, sheet);
    buf.push(b'!');
    push_a1(buf, to.0, to.1);
    buf.extend_from_slice(b"\" display=\"");
    push_attr(buf, display);
    buf.extend_from_slice(b"\"/>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[rstest]
    #[case("plain", "plain")]
    #[case("<b>&", "&lt;b&gt;&amp;")]
    #[case("\"quoted\" 'single'", "\"quoted\" 'single'")]
    #[case("tab\tand\nline", "tab\tand\nline")]
    #[case("ctl\u{1}\u{8}\u{b}\u{1f}\r", "ctl_x0001__x0008__x000B__x001F__x000D_")]
    #[case("\u{0}", "_x0000_")]
    #[case("non\u{FFFE}\u{FFFF}char", "non_xFFFE__xFFFF_char")]
    #[case("æøå €", "æøå €")]
    #[case("=SUM(A1)", "=SUM(A1)")]
    #[case("", "")]
    fn data_is_escaped_as_rust_xlsxwriter_does(#[case] input: &str, #[case] want: &str) {
        assert_eq!(text(|b| push_data(b, input)), want);
    }

    #[rstest]
    #[case("plain", "plain")]
    #[case("a&b\"c<d>e", "a&amp;b&quot;c&lt;d&gt;e")]
    #[case("line\nbreak", "line&#xA;break")]
    #[case("'Økonomisk oversigt'!C7", "'Økonomisk oversigt'!C7")]
    #[case("tab\t", "tab\t")]
    fn attributes_are_escaped_as_rust_xlsxwriter_does(#[case] input: &str, #[case] want: &str) {
        assert_eq!(text(|b| push_attr(b, input)), want);
    }

    #[rstest]
    #[case("a & b <c> \"d\"", "a &amp; b &lt;c&gt; \"d\"")]
    #[case("æøå", "æøå")]
    #[case("_x0041_", "_x0041_")]
    fn wordprocessing_text_escapes_only_markup(#[case] input: &str, #[case] want: &str) {
        assert_eq!(text(|b| push_wml_text(b, input)), want);
    }

    #[rstest]
    #[case("plain", "<t>plain</t>")]
    #[case(" lead", "<t xml:space=\"preserve\"> lead</t>")]
    #[case("trail ", "<t xml:space=\"preserve\">trail </t>")]
    #[case("\ttab", "<t xml:space=\"preserve\">\ttab</t>")]
    #[case("mid dle", "<t>mid dle</t>")]
    #[case("_x0041_", "<t>_x005F_x0041_</t>")]
    #[case("a_x00G1_b", "<t>a_x00G1_b</t>")]
    #[case("__x0041__x1", "<t>__x005F_x0041__x1</t>")]
    #[case("_x00", "<t>_x00</t>")]
    #[case("æ_xABCD_", "<t>æ_x005F_xABCD_</t>")]
    #[case("<r>a & b</r>", "<t>&lt;r&gt;a &amp; b&lt;/r&gt;</t>")]
    fn t_elements_are_written_as_rust_xlsxwriter_does(#[case] input: &str, #[case] want: &str) {
        assert_eq!(text(|b| push_t(b, input)), want);
        assert_eq!(text(|b| push_si(b, input)), format!("<si>{want}</si>"));
    }

    #[rstest]
    #[case(0.0, "0")]
    #[case(-0.0, "-0")]
    #[case(12.0, "12")]
    #[case(-7.0, "-7")]
    #[case(12.29, "12.29")]
    #[case(-0.5, "-0.5")]
    #[case(1e15, "1000000000000000")]
    #[case(999_999_999_999_999.0, "999999999999999")]
    #[case(1e20, "100000000000000000000")]
    #[case(1.5e-7, "0.00000015")]
    #[case(123_456_789.123_456_78, "123456789.12345678")]
    fn numbers_are_written_as_display(#[case] n: f64, #[case] want: &str) {
        assert_eq!(text(|b| push_f64(b, n)), want);
        assert_eq!(want, n.to_string());
    }

    #[rstest]
    #[case(0, "0")]
    #[case(7, "7")]
    #[case(1_048_576, "1048576")]
    #[case(u64::MAX, "18446744073709551615")]
    fn whole_numbers(#[case] n: u64, #[case] want: &str) {
        assert_eq!(text(|b| push_u64(b, n)), want);
    }

    #[rstest]
    #[case(0, 0, "A1")]
    #[case(6, 1, "B7")]
    #[case(0, 25, "Z1")]
    #[case(9, 26, "AA10")]
    #[case(0, 27, "AB1")]
    #[case(0, 701, "ZZ1")]
    #[case(0, 702, "AAA1")]
    #[case(1_048_575, 16_383, "XFD1048576")]
    fn references(#[case] row: u32, #[case] col: u16, #[case] want: &str) {
        assert_eq!(a1(row, col), want);
        assert_eq!(text(|b| push_a1(b, row, col)), want);
        let mut s = String::new();
        push_a1_str(&mut s, row, col);
        assert_eq!(s, want);
        let letters = want.trim_end_matches(|c: char| c.is_ascii_digit());
        assert_eq!(col_name(col), letters);
        assert_eq!(text(|b| push_col(b, col)), letters);
    }

    #[rstest]
    #[case(15.0, 20)]
    #[case(21.0, 28)]
    #[case(30.0, 40)]
    #[case(16.1, 21)]
    fn heights_are_whole_pixels(#[case] points: f64, #[case] px: u32) {
        assert_eq!(height_px(points), px);
    }

    #[rstest]
    #[case(0, None, None, false, "<row r=\"1\">")]
    #[case(4, Some((0, 5)), None, false, "<row r=\"5\" spans=\"1:6\">")]
    #[case(
        4,
        Some((0, 5)),
        Some(40),
        false,
        "<row r=\"5\" spans=\"1:6\" ht=\"30\" customHeight=\"1\">"
    )]
    #[case(
        9,
        None,
        Some(41),
        true,
        "<row r=\"10\" ht=\"30.75\" customHeight=\"1\"/>"
    )]
    fn row_tags(
        #[case] row: u32,
        #[case] spans: Option<(u16, u16)>,
        #[case] px: Option<u32>,
        #[case] empty: bool,
        #[case] want: &str,
    ) {
        assert_eq!(text(|b| push_row_open(b, row, spans, px, empty)), want);
    }

    #[rstest]
    #[case(
        (5, 11),
        "'Økonomisk oversigt'",
        (6, 2),
        "Økonomisk oversigt C7",
        "<hyperlink ref=\"L6\" location=\"'Økonomisk oversigt'!C7\" display=\"Økonomisk oversigt C7\"/>"
    )]
    #[case(
        (0, 0),
        "'A & \"B\"'",
        (0, 27),
        "A & \"B\" AB1",
        "<hyperlink ref=\"A1\" location=\"'A &amp; &quot;B&quot;'!AB1\" display=\"A &amp; &quot;B&quot; AB1\"/>"
    )]
    fn hyperlinks(
        #[case] at: (u32, u16),
        #[case] sheet: &str,
        #[case] to: (u32, u16),
        #[case] display: &str,
        #[case] want: &str,
    ) {
        assert_eq!(text(|b| push_hyperlink(b, at, sheet, to, display)), want);
    }

    #[derive(Debug)]
    enum Cell {
        Blank,
        Number(f64),
        Shared(u32),
        Inline(&'static str),
        Formula(&'static str, &'static str),
    }

    #[rstest]
    #[case(Cell::Blank, 3, "<c r=\"C2\" s=\"3\"/>")]
    #[case(Cell::Blank, 0, "<c r=\"C2\"/>")]
    #[case(Cell::Number(-12.5), 0, "<c r=\"C2\"><v>-12.5</v></c>")]
    #[case(Cell::Number(1e6), 4, "<c r=\"C2\" s=\"4\"><v>1000000</v></c>")]
    #[case(Cell::Shared(17), 2, "<c r=\"C2\" s=\"2\" t=\"s\"><v>17</v></c>")]
    #[case(
        Cell::Inline(" <b>&"),
        5,
        "<c r=\"C2\" s=\"5\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> &lt;b&gt;&amp;</t></is></c>"
    )]
    #[case(
        Cell::Formula("SUM(C1:C1)", "12.29"),
        6,
        "<c r=\"C2\" s=\"6\"><f>SUM(C1:C1)</f><v>12.29</v></c>"
    )]
    #[case(
        Cell::Formula("\"a\"&\"<b>\"", "a<b>"),
        0,
        "<c r=\"C2\" t=\"str\"><f>\"a\"&amp;\"&lt;b&gt;\"</f><v>a&lt;b&gt;</v></c>"
    )]
    fn cells(#[case] cell: Cell, #[case] xf: u32, #[case] want: &str) {
        let got = text(|b| match cell {
            Cell::Blank => push_blank_cell(b, 1, 2, xf),
            Cell::Number(n) => push_number_cell(b, 1, 2, xf, n),
            Cell::Shared(id) => push_shared_string_cell(b, 1, 2, xf, id),
            Cell::Inline(t) => push_inline_string_cell(b, 1, 2, xf, t),
            Cell::Formula(f, r) => push_formula_cell(b, 1, 2, xf, f, r),
        });
        assert_eq!(got, want);
    }
}
