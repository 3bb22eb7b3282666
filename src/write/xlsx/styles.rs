//! budget.xlsx's cell styles, each named by a [`StyleId`]: the one place
//! that says what each style looks like (its rust_xlsxwriter `Format`) and
//! which `xf` index it has in the saved workbook.
//!
//! The hand-written sheets (see `cells` and `sources`) need each style's
//! index in styles.xml, which rust_xlsxwriter assigns when it saves. Each
//! sheet registers the styles it is first to use as formatted blanks in
//! one throw-away row of its skeleton; [`Xfs::learn`] reads the indices
//! back from that row in the saved package, once per style, and refuses a
//! style that comes back with two different indices. Asking
//! rust_xlsxwriter, instead of copying its numbering rules, keeps
//! styles.xml and every `s` attribute what it would write itself.

use super::{amount_num_format, package_err as unexpected, XlsxError};
use rust_xlsxwriter::{Color, Format as XFormat, FormatAlign, FormatBorder};

/// A cell style of budget.xlsx.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum StyleId {
    Title,
    Heading,
    Caption,
    Header,
    HeaderNum,
    Text,
    Wrap,
    Group,
    Amount,
    SubtotalText,
    SubtotalAmount,
    GrandText,
    GrandAmount,
    DiffersAmount,
    DiffersText,
    AgreesText,
    KronerInt,
    TextRight,
    KronerDec,
    Link,
}

/// Header and group-heading fills, shared with the submission template so
/// the workbook a department fills in and the pack look alike.
pub(crate) const FILL_HEADER: u32 = 0xD9E1F2;
pub(crate) const FILL_GROUP: u32 = 0xEDF1F9;
const FILL_GRAND: u32 = 0xD9E1F2;
const FILL_BAD: u32 = 0xFFC7CE;
const FONT_BAD: u32 = 0x9C0006;
const FONT_GOOD: u32 = 0x006100;

/// The font every cell of bilag's workbooks has: Calibri 11.
pub(crate) fn base_format() -> XFormat {
    XFormat::new().set_font_name("Calibri").set_font_size(11)
}

impl StyleId {
    /// Every style.
    pub const ALL: [StyleId; 20] = [
        StyleId::Title,
        StyleId::Heading,
        StyleId::Caption,
        StyleId::Header,
        StyleId::HeaderNum,
        StyleId::Text,
        StyleId::Wrap,
        StyleId::Group,
        StyleId::Amount,
        StyleId::SubtotalText,
        StyleId::SubtotalAmount,
        StyleId::GrandText,
        StyleId::GrandAmount,
        StyleId::DiffersAmount,
        StyleId::DiffersText,
        StyleId::AgreesText,
        StyleId::KronerInt,
        StyleId::TextRight,
        StyleId::KronerDec,
        StyleId::Link,
    ];

    /// Whether a text in this style wraps, and if so whether it is bold
    /// (for the row heights LibreOffice does not fit itself).
    pub fn wraps(self) -> Option<bool> {
        match self {
            StyleId::Wrap => Some(false),
            StyleId::Group | StyleId::SubtotalText | StyleId::Heading => Some(true),
            _ => None,
        }
    }

    /// The style's rust_xlsxwriter format; `num` is the amounts' number
    /// format.
    fn format(self, num: &str) -> XFormat {
        let base = base_format();
        match self {
            StyleId::Title => base.clone().set_bold().set_font_size(14),
            StyleId::Heading => base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            StyleId::Caption => base.clone().set_italic(),
            StyleId::Header => base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_HEADER))
                .set_border_bottom(FormatBorder::Thin),
            StyleId::HeaderNum => base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_HEADER))
                .set_border_bottom(FormatBorder::Thin),
            StyleId::Text => base.clone().set_align(FormatAlign::Top),
            StyleId::Wrap => base.clone().set_text_wrap().set_align(FormatAlign::Top),
            StyleId::Group => base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_GROUP)),
            StyleId::Amount => base.clone().set_num_format(num).set_align(FormatAlign::Top),
            StyleId::SubtotalText => base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_top(FormatBorder::Thin),
            StyleId::SubtotalAmount => base
                .clone()
                .set_bold()
                .set_num_format(num)
                .set_align(FormatAlign::Top)
                .set_border_top(FormatBorder::Thin),
            StyleId::GrandText => base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(FILL_GRAND))
                .set_border_top(FormatBorder::Thin)
                .set_border_bottom(FormatBorder::Double),
            StyleId::GrandAmount => base
                .clone()
                .set_bold()
                .set_num_format(num)
                .set_background_color(Color::RGB(FILL_GRAND))
                .set_border_top(FormatBorder::Thin)
                .set_border_bottom(FormatBorder::Double),
            StyleId::DiffersAmount => base
                .clone()
                .set_num_format(num)
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_BAD))
                .set_font_color(Color::RGB(FONT_BAD)),
            // Indented: the Kontrol column stands right after a
            // right-aligned amount ("1,0Stemmer" when printed otherwise).
            StyleId::DiffersText => base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Top)
                .set_indent(1)
                .set_background_color(Color::RGB(FILL_BAD))
                .set_font_color(Color::RGB(FONT_BAD)),
            StyleId::AgreesText => base
                .clone()
                .set_align(FormatAlign::Top)
                .set_indent(1)
                .set_font_color(Color::RGB(FONT_GOOD)),
            StyleId::TextRight => base
                .clone()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::Top),
            StyleId::KronerInt => base
                .clone()
                .set_num_format("#,##0")
                .set_align(FormatAlign::Top),
            StyleId::KronerDec => base
                .clone()
                .set_num_format("#,##0.00####")
                .set_align(FormatAlign::Top),
            StyleId::Link => base
                .clone()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single)
                .set_indent(1)
                .set_align(FormatAlign::Top),
        }
    }
}

/// Every style's format, made once for a workbook.
pub(crate) struct Styles {
    formats: Vec<XFormat>,
}

impl Styles {
    /// The styles for amounts shown with up to `decimals` decimals.
    pub fn new(decimals: u32) -> Styles {
        let num = amount_num_format(decimals);
        Styles {
            formats: StyleId::ALL.iter().map(|s| s.format(&num)).collect(),
        }
    }
}

impl std::ops::Index<StyleId> for Styles {
    type Output = XFormat;
    fn index(&self, id: StyleId) -> &XFormat {
        &self.formats[id as usize]
    }
}

/// Each style's `xf` index in the saved workbook, as rust_xlsxwriter gave
/// it (learned from the registration rows, see the module text).
#[derive(Default)]
pub(super) struct Xfs([Option<u32>; StyleId::ALL.len()]);

impl Xfs {
    /// Learns the indices of `registered` (the styles of a registration
    /// row, by column) from that row's XML as rust_xlsxwriter saved it.
    ///
    /// # Errors
    /// A style without a cell in the row, or that already had another
    /// index.
    pub fn learn(&mut self, registered: &[StyleId], row_xml: &str) -> Result<(), XlsxError> {
        let mut found: Vec<Option<u32>> = vec![None; registered.len()];
        for c in row_xml.split("<c ").skip(1) {
            let tag = &c[..c.find('>').unwrap_or(c.len())];
            let attr = |name: &str| {
                let at = tag.find(name)? + name.len();
                tag[at..].split('"').next()
            };
            let col = attr("r=\"")
                .and_then(crate::read::parse_a1)
                .map(|(_, c)| c as usize);
            // A cell without `s` has the default style, 0.
            let xf = attr(" s=\"").map_or(Some(0), |v| v.parse().ok());
            if let (Some(slot), Some(xf)) = (col.and_then(|c| found.get_mut(c)), xf) {
                *slot = Some(xf);
            }
        }
        for (id, xf) in registered.iter().zip(found) {
            let xf =
                xf.ok_or_else(|| unexpected(format!("{id:?} is not in its registration row")))?;
            match self.0[*id as usize] {
                Some(had) if had != xf => {
                    return Err(unexpected(format!(
                        "rust_xlsxwriter gave {id:?} the styles {had} and {xf}"
                    )))
                }
                _ => self.0[*id as usize] = Some(xf),
            }
        }
        Ok(())
    }

    /// The index of a style some sheet registered.
    ///
    /// # Errors
    /// A style no sheet registered (before this one).
    pub fn get(&self, id: StyleId) -> Result<u32, XlsxError> {
        self.0[id as usize].ok_or_else(|| unexpected(format!("{id:?} was never registered")))
    }
}
