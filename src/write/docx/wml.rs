//! The one home of hand-written WordprocessingML: the bulk of the body —
//! status schema tables and the economy table — written directly as
//! markup, in the form the post-processing step would give it (schema
//! order, header rows marked w:tblHeader), into a buffer that goes to the
//! deflater in pieces. docx-rs builds one object per run, paragraph, cell
//! and property and serialises them through an XML event writer; for 3,700
//! schemas or 200,000 budget lines that was most of the time and memory of
//! the whole pack.
//!
//! Every function writes one named piece of markup; the tests below show
//! each one's exact output. The tests' package check (tests/docx_support)
//! holds the result to the schema order.

use std::borrow::Cow;
use std::io::Write;

/// Removes what may not stand in a WordprocessingML text: C0 control
/// characters other than tab and line feed (a carriage return becomes a
/// line feed) and the non-characters U+FFFE/U+FFFF. docx-rs passes them
/// through, and one such byte makes the whole part unreadable (LibreOffice
/// then opens an empty document).
pub(crate) fn clean_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_cleaning) {
        return Cow::Borrowed(s);
    }
    let s = s.replace("\r\n", "\n");
    Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\r' => Some('\n'),
                c if needs_cleaning(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A character [`clean_text`] removes or changes: C0 controls other than
/// tab and line feed, and U+FFFE/U+FFFF.
fn needs_cleaning(c: char) -> bool {
    ((c as u32) < 0x20 && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Paragraph properties the writer knows.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Para {
    pub keep_next: bool,
    pub right: bool,
}

/// Cell properties the writer knows.
#[derive(Debug, Clone, Copy)]
pub(super) struct CellProps<'s> {
    pub width: usize,
    pub span: usize,
    pub shade: Option<&'s str>,
}

/// A plain cell `width` twips wide.
pub(super) fn cell(width: usize) -> CellProps<'static> {
    CellProps {
        width,
        span: 1,
        shade: None,
    }
}

/// The borders of a table, in schema order (CT_TblBorders).
const TABLE_BORDER_SIDES: [&str; 6] = ["top", "left", "bottom", "right", "insideH", "insideV"];

/// Markup written into a buffer that goes to `out` in pieces
/// ([`Body::flush_if_full`]).
pub(super) struct Body<'w> {
    buf: Vec<u8>,
    out: &'w mut dyn Write,
}

const BODY_FLUSH: usize = 256 * 1024;

impl<'w> Body<'w> {
    pub fn new(out: &'w mut dyn Write) -> Body<'w> {
        Body {
            buf: Vec::with_capacity(BODY_FLUSH + 64 * 1024),
            out,
        }
    }

    /// Hands the buffer to `out` once it holds [`BODY_FLUSH`] bytes.
    pub fn flush_if_full(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= BODY_FLUSH {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub fn finish(self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)
    }

    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn num(&mut self, n: usize) {
        let _ = write!(self.buf, "{n}");
    }

    /// Escaped text content (the line is already free of control
    /// characters and line breaks, see [`clean_text`]).
    fn text(&mut self, line: &str) {
        crate::write::xml::push_wml_text(&mut self.buf, line);
    }

    /// `w:t` holding `piece`, spaces kept.
    pub fn t(&mut self, piece: &str) {
        self.raw("<w:t xml:space=\"preserve\">");
        self.text(piece);
        self.raw("</w:t>");
    }

    /// A tab character in a run.
    pub fn tab(&mut self) {
        self.raw("<w:tab/>");
    }

    /// One run of one line: tabs become [`Body::tab`], nothing for an
    /// empty line.
    pub fn run(&mut self, line: &str) {
        if line.is_empty() {
            return;
        }
        self.raw("<w:r>");
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                self.tab();
            }
            if !piece.is_empty() {
                self.t(piece);
            }
        }
        self.raw("</w:r>");
    }

    /// A paragraph's properties: its style, then what `p` asks for.
    pub fn paragraph_props(&mut self, style: &str, p: Para) {
        self.raw("<w:pPr><w:pStyle w:val=\"");
        self.raw(style);
        self.raw("\"/>");
        if p.keep_next {
            self.raw("<w:keepNext/>");
        }
        if p.right {
            self.raw("<w:jc w:val=\"right\"/>");
        }
        self.raw("</w:pPr>");
    }

    /// One paragraph of one line.
    pub fn paragraph(&mut self, style: &str, p: Para, line: &str) {
        self.raw("<w:p>");
        self.paragraph_props(style, p);
        self.run(line);
        self.raw("</w:p>");
    }

    /// A cell's properties: width, span, shading.
    pub fn cell_props(&mut self, c: CellProps) {
        self.raw("<w:tcPr><w:tcW w:w=\"");
        self.num(c.width);
        self.raw("\" w:type=\"dxa\"/>");
        if c.span > 1 {
            self.raw("<w:gridSpan w:val=\"");
            self.num(c.span);
            self.raw("\"/>");
        }
        if let Some(fill) = c.shade {
            self.raw("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"");
            self.raw(fill);
            self.raw("\"/>");
        }
        self.raw("</w:tcPr>");
    }

    /// A table cell holding `text`, one paragraph per line (the seed's
    /// layout: each line of a cell is its own paragraph).
    pub fn cell(&mut self, c: CellProps, style: &str, p: Para, text: &str) {
        self.raw("<w:tc>");
        self.cell_props(c);
        for line in clean_text(text).split('\n') {
            self.paragraph(style, p, line);
        }
        self.raw("</w:tc>");
    }

    /// Opens a table `width` twips wide: fixed layout over `grid`, thin
    /// borders all round (as docx-rs's default table).
    pub fn table(&mut self, width: usize, grid: &[usize]) {
        self.raw("<w:tbl><w:tblPr><w:tblW w:w=\"");
        self.num(width);
        self.raw("\" w:type=\"dxa\"/><w:jc w:val=\"left\"/><w:tblBorders>");
        for side in TABLE_BORDER_SIDES {
            self.raw("<w:");
            self.raw(side);
            self.raw(" w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>");
        }
        self.raw("</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
        for w in grid {
            self.raw("<w:gridCol w:w=\"");
            self.num(*w);
            self.raw("\"/>");
        }
        self.raw("</w:tblGrid>");
    }

    /// Opens a row. A row that may not split moves to the next page whole;
    /// a header row is repeated at the top of every page the table spans.
    pub fn row(&mut self, cant_split: bool, header: bool) {
        self.raw("<w:tr>");
        if cant_split || header {
            self.raw("<w:trPr>");
            if cant_split {
                self.raw("<w:cantSplit/>");
            }
            if header {
                self.raw("<w:tblHeader/>");
            }
            self.raw("</w:trPr>");
        }
    }

    pub fn end_row(&mut self) {
        self.raw("</w:tr>");
    }

    pub fn end_table(&mut self) {
        self.raw("</w:tbl>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn xml(f: impl FnOnce(&mut Body)) -> String {
        let mut out = Vec::new();
        let mut body = Body::new(&mut out);
        f(&mut body);
        body.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[rstest]
    #[case::plain("abc", "<w:t xml:space=\"preserve\">abc</w:t>")]
    #[case::escaped(
        "=A1 & <b> \"q\" 'a'",
        "<w:t xml:space=\"preserve\">=A1 &amp; &lt;b&gt; \"q\" 'a'</w:t>"
    )]
    #[case::spaces("  x  ", "<w:t xml:space=\"preserve\">  x  </w:t>")]
    #[case::danish("Økonomi – §", "<w:t xml:space=\"preserve\">Økonomi – §</w:t>")]
    fn text(#[case] piece: &str, #[case] expected: &str) {
        assert_eq!(xml(|b| b.t(piece)), expected);
    }

    #[rstest]
    #[case::empty("", "")]
    #[case::one("a", "<w:r><w:t xml:space=\"preserve\">a</w:t></w:r>")]
    #[case::tab(
        "a\tb",
        "<w:r><w:t xml:space=\"preserve\">a</w:t><w:tab/><w:t xml:space=\"preserve\">b</w:t></w:r>"
    )]
    #[case::leading_tab("\tb", "<w:r><w:tab/><w:t xml:space=\"preserve\">b</w:t></w:r>")]
    #[case::only_tabs("\t\t", "<w:r><w:tab/><w:tab/></w:r>")]
    fn run(#[case] line: &str, #[case] expected: &str) {
        assert_eq!(xml(|b| b.run(line)), expected);
    }

    #[rstest]
    #[case::plain(false, false, "<w:pPr><w:pStyle w:val=\"S\"/></w:pPr>")]
    #[case::keep_next(true, false, "<w:pPr><w:pStyle w:val=\"S\"/><w:keepNext/></w:pPr>")]
    #[case::right(
        false,
        true,
        "<w:pPr><w:pStyle w:val=\"S\"/><w:jc w:val=\"right\"/></w:pPr>"
    )]
    #[case::both(
        true,
        true,
        "<w:pPr><w:pStyle w:val=\"S\"/><w:keepNext/><w:jc w:val=\"right\"/></w:pPr>"
    )]
    fn paragraph_props(#[case] keep_next: bool, #[case] right: bool, #[case] expected: &str) {
        let p = Para { keep_next, right };
        assert_eq!(xml(|b| b.paragraph_props("S", p)), expected);
    }

    #[rstest]
    #[case::empty("", "<w:p><w:pPr><w:pStyle w:val=\"S\"/></w:pPr></w:p>")]
    #[case::text("x", "<w:p><w:pPr><w:pStyle w:val=\"S\"/></w:pPr><w:r><w:t xml:space=\"preserve\">x</w:t></w:r></w:p>")]
    fn paragraph(#[case] line: &str, #[case] expected: &str) {
        assert_eq!(xml(|b| b.paragraph("S", Para::default(), line)), expected);
    }

    #[rstest]
    #[case::plain(cell(2835), "<w:tcPr><w:tcW w:w=\"2835\" w:type=\"dxa\"/></w:tcPr>")]
    #[case::span(CellProps { width: 9638, span: 2, shade: None }, "<w:tcPr><w:tcW w:w=\"9638\" w:type=\"dxa\"/><w:gridSpan w:val=\"2\"/></w:tcPr>")]
    #[case::shade(CellProps { width: 1300, span: 1, shade: Some("F2F2F2") }, "<w:tcPr><w:tcW w:w=\"1300\" w:type=\"dxa\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/></w:tcPr>")]
    #[case::both(CellProps { width: 9638, span: 2, shade: Some("D9D9D9") }, "<w:tcPr><w:tcW w:w=\"9638\" w:type=\"dxa\"/><w:gridSpan w:val=\"2\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"D9D9D9\"/></w:tcPr>")]
    fn cell_props(#[case] c: CellProps<'static>, #[case] expected: &str) {
        assert_eq!(xml(|b| b.cell_props(c)), expected);
    }

    #[rstest]
    #[case::empty("", &[""])]
    #[case::lines("a\nb", &["a", "b"])]
    #[case::crlf_and_controls("=A1 & <b>\tx\u{7}\r\nanden", &["=A1 & <b>\tx", "anden"])]
    fn a_cell_has_one_paragraph_per_line(#[case] text: &str, #[case] lines: &[&str]) {
        let mut expected =
            String::from("<w:tc><w:tcPr><w:tcW w:w=\"100\" w:type=\"dxa\"/></w:tcPr>");
        for line in lines {
            expected += &xml(|b| b.paragraph("S", Para::default(), line));
        }
        expected += "</w:tc>";
        assert_eq!(
            xml(|b| b.cell(cell(100), "S", Para::default(), text)),
            expected
        );
    }

    #[test]
    fn table_opens_with_width_borders_layout_and_grid() {
        assert_eq!(
            xml(|b| b.table(9638, &[2835, 6803])),
            "<w:tbl><w:tblPr><w:tblW w:w=\"9638\" w:type=\"dxa\"/><w:jc w:val=\"left\"/>\
             <w:tblBorders>\
             <w:top w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             <w:left w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             <w:right w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideV w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>\
             </w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr>\
             <w:tblGrid><w:gridCol w:w=\"2835\"/><w:gridCol w:w=\"6803\"/></w:tblGrid>"
        );
        assert_eq!(xml(|b| b.end_table()), "</w:tbl>");
    }

    #[rstest]
    #[case::plain(false, false, "<w:tr>")]
    #[case::cant_split(true, false, "<w:tr><w:trPr><w:cantSplit/></w:trPr>")]
    #[case::header(false, true, "<w:tr><w:trPr><w:tblHeader/></w:trPr>")]
    #[case::both(true, true, "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")]
    fn row(#[case] cant_split: bool, #[case] header: bool, #[case] expected: &str) {
        assert_eq!(xml(|b| b.row(cant_split, header)), expected);
        assert_eq!(xml(|b| b.end_row()), "</w:tr>");
    }

    #[test]
    fn the_buffer_goes_out_in_pieces_and_whole() {
        let mut out = Vec::new();
        let mut body = Body::new(&mut out);
        body.tab();
        body.flush_if_full().unwrap();
        let big = "x".repeat(BODY_FLUSH);
        body.t(&big);
        body.flush_if_full().unwrap();
        assert!(body.buf.is_empty());
        body.tab();
        body.finish().unwrap();
        let t = "<w:t xml:space=\"preserve\"></w:t>";
        assert_eq!(out.len(), 2 * "<w:tab/>".len() + t.len() + big.len());
    }

    #[test]
    fn control_characters_are_stripped_tabs_and_breaks_kept() {
        assert_eq!(clean_text("a\u{0}b\u{7}c\u{1b}d"), "abcd");
        assert_eq!(clean_text("a\r\nb\rc\td"), "a\nb\nc\td");
        assert_eq!(clean_text("x\u{FFFE}y\u{FFFF}z"), "xyz");
        assert_eq!(clean_text("=SUM(A1)"), "=SUM(A1)");
    }
}
