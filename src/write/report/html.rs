//! HTML escaping: the one function every text of rapport.html goes through.

/// Escapes `text` for HTML text and for a double- or single-quoted
/// attribute value: `& < > " '` become character references, and control
/// characters (which no submission text should carry, and some parsers
/// choke on) become a space, except tab, line feed and carriage return.
///
/// ```ignore
/// assert_eq!(escape("<script>"), "&lt;script&gt;");
/// ```
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// As [`escape`], appending to `out` (no allocation per text).
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("", "")]
    #[case("Boligsociale projekter", "Boligsociale projekter")]
    #[case("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    #[case("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;")]
    #[case("\" onmouseover=\"x", "&quot; onmouseover=&quot;x")]
    #[case("' autofocus='", "&#39; autofocus=&#39;")]
    #[case("A & B", "A &amp; B")]
    #[case("&amp;", "&amp;amp;")]
    #[case("Øvrige § 18 – 7,5 mio.", "Øvrige § 18 – 7,5 mio.")]
    #[case("linje 1\nlinje 2\tx", "linje 1\nlinje 2\tx")]
    #[case("nul\u{0}byte\u{1b}[31m", "nul byte [31m")]
    #[case("]]><!--", "]]&gt;&lt;!--")]
    fn escapes_text_and_attribute_contexts(#[case] input: &str, #[case] expected: &str) {
        assert_eq!(escape(input), expected);
    }
}
