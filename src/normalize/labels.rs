//! Label and title text: normalization for matching, and the similarity rule
//! used to match headings and titles that are worded differently.
//!
//! ```
//! use bilag::normalize::labels::{normalize_label, label_matches};
//! assert_eq!(normalize_label("  Sagsnr.: "), "sagsnr");
//! assert_eq!(label_matches("Mål i {year}", "mål i 2009"), Some(Some("2009".to_string())));
//! ```

use std::collections::BTreeSet;

/// Lower-cases, turns every kind of space (NBSP, thin space, tab, line
/// break) into one space, trims, and drops trailing colons and full stops.
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for ch in s.chars() {
        if ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{2009}' || ch == '\u{202f}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(ch.to_lowercase());
    }
    while out.ends_with([':', '.', ' ']) {
        out.pop();
    }
    out
}

thread_local! {
    /// Normalized committee-format labels (patterns, markers, total
    /// labels), by their text as written: the format has a few hundred,
    /// and a large inbox compares them with millions of cells.
    static NORMALIZED: std::cell::RefCell<std::collections::HashMap<String, (String, String)>> =
        Default::default();
}

/// Calls `f` with [`normalize_label`] of a format label and the same with a
/// trailing space kept (see `normalize_label_keep_end`), computed once per
/// thread and label. Only for the format's own labels (a bounded set); a
/// cell's text is normalized by the caller.
pub fn with_normalized<R>(label: &str, f: impl FnOnce(&str, &str) -> R) -> R {
    NORMALIZED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(label) {
            if cache.len() > 10_000 {
                cache.clear();
            }
            let pair = (normalize_label(label), normalize_label_keep_end(label));
            cache.insert(label.to_string(), pair);
        }
        let (n, keep_end) = &cache[label];
        f(n, keep_end)
    })
}

/// Matches a label pattern against a cell text, both normalized. A pattern
/// may hold one placeholder, `{year}` (four digits) or `{n}` (a number).
/// Returns `None` when the text does not match, `Some(None)` for a match
/// without a placeholder and `Some(Some(digits))` with one.
pub fn label_matches(pattern: &str, text: &str) -> Option<Option<String>> {
    label_matches_normalized(pattern, &normalize_label(text))
}

/// [`label_matches`] for a text already passed through [`normalize_label`]:
/// normalize a cell once, then try every pattern against it.
pub fn label_matches_normalized(pattern: &str, text: &str) -> Option<Option<String>> {
    // Cheap rejection before normalizing the pattern: the normalized pattern
    // starts with its first non-space character, lower-cased.
    if let (Some(t0), Some(p0)) = (
        text.chars().next(),
        pattern.chars().find(|c| !c.is_whitespace()),
    ) {
        if !matches!(p0, '{' | ':' | '.') && p0.to_lowercase().next() != Some(t0) {
            return None;
        }
    }
    for ph in ["{year}", "{n}"] {
        if let Some(pos) = pattern.find(ph) {
            let prefix = with_normalized(&pattern[..pos], |_, keep_end| keep_end.to_string());
            let suffix = with_normalized(&pattern[pos + ph.len()..], |n, _| n.to_string());
            let rest = text.strip_prefix(prefix.as_str())?;
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after = rest[digits.len()..].trim();
            let ok_len = if ph == "{year}" {
                digits.len() == 4
            } else {
                !digits.is_empty() && digits.len() <= 3
            };
            if ok_len && after == suffix {
                return Some(Some(digits));
            }
            return None;
        }
    }
    with_normalized(pattern, |n, _| n == text).then_some(None)
}

/// Like [`normalize_label`] but keeps a trailing space (for pattern prefixes
/// such as "Mål i ").
fn normalize_label_keep_end(s: &str) -> String {
    let n = normalize_label(s);
    if s.ends_with(char::is_whitespace) && !n.is_empty() {
        n + " "
    } else {
        n
    }
}

/// Danish words that carry no meaning for matching titles.
const STOPWORDS: &[&str] = &[
    "af", "at", "de", "den", "der", "det", "dem", "en", "et", "for", "fra", "hvor", "i", "ift",
    "med", "og", "om", "på", "som", "til", "ved", "vil", "samt", "hhv", "mv", "kr", "mio",
];

/// The significant words of a title: lower-cased words of letters and digits,
/// without Danish stopwords. Numbers ("21", "18") are kept: they often carry
/// the identity of an initiative.
pub fn significant_words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Danish inflection endings: definite forms, plurals and the genitive.
const SUFFIXES: &[&str] = &[
    "e", "s", "en", "et", "er", "ne", "ens", "ets", "ene", "ers", "nes", "erne", "ernes",
];

/// Two words are the same word when equal, or when one is a Danish inflection
/// of the other: the longer is the shorter plus a Danish ending ("mål" ≈
/// "målet"), or they share a stem of at least 6 letters covering all but the
/// last 3 letters of the longer ("integrationspolitikken" ≈
/// "integrationspolitikens"). Numbers are only ever equal to themselves.
pub fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.chars().chain(b.chars()).any(|c| c.is_ascii_digit()) {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.chars().count() >= 3 {
        if let Some(rest) = long.strip_prefix(short) {
            if SUFFIXES.contains(&rest) {
                return true;
            }
        }
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    let longer = a.len().max(b.len());
    common >= 6 && common + 3 >= longer
}

/// The share of `a`'s significant words that `b` has too (0.0–1.0), and how
/// many. Used to match a heading as written against the format's group names:
/// "Integrationsindsatser ud over mål i integrationspolitikken" is covered
/// 5/5 by "Øvrige integrationsindsatser, hvor målet ligger ud over
/// integrationspolitikken" and 3/5 by "Integrationsindsatser i relation til
/// mål i integrationspolitikken".
pub fn coverage(a: &str, b: &str) -> (f64, usize) {
    let wa = significant_words(a);
    let wb = significant_words(b);
    coverage_of(&wa, &wb)
}

fn coverage_of(wa: &BTreeSet<String>, wb: &BTreeSet<String>) -> (f64, usize) {
    if wa.is_empty() {
        return (0.0, 0);
    }
    let shared = wa
        .iter()
        .filter(|w| wb.iter().any(|v| same_word(w, v)))
        .count();
    (shared as f64 / wa.len() as f64, shared)
}

/// How alike two titles are: the coverage of the SHORTER title's significant
/// words by the longer one (0.0–1.0), and how many words were shared.
///
/// "Aftalen om nye udlejningsmodeller" vs "Aftalen med de almene
/// boligorganisationer om nye udlejningsmodeller" → (1.0, 3).
pub fn title_similarity(a: &str, b: &str) -> (f64, usize) {
    let wa = significant_words(a);
    let wb = significant_words(b);
    if wa.len() <= wb.len() {
        coverage_of(&wa, &wb)
    } else {
        coverage_of(&wb, &wa)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("Sagsnr.", "sagsnr")]
    #[case("  E-mail: ", "e-mail")]
    #[case("EAN\u{a0}nummer", "ean nummer")]
    #[case("Mål  i\t2009", "mål i 2009")]
    #[case("I ALT", "i alt")]
    #[case("Status ift. målopfyldelse", "status ift. målopfyldelse")]
    #[case("Beløb i mio. kr.", "beløb i mio. kr")]
    #[case("", "")]
    #[case(" : ", "")]
    fn normalizes(#[case] input: &str, #[case] want: &str) {
        assert_eq!(normalize_label(input), want);
    }

    #[rstest]
    #[case("Økonomi", "økonomi:", Some(None))]
    #[case("Mål i {year}", "Mål i 2009", Some(Some("2009")))]
    #[case("Mål i {year}", "Mål i 09", None)]
    #[case("Mål i {year}", "Mål i 2009 og 2010", None)]
    #[case("Mål {n}", "Mål 3", Some(Some("3")))]
    #[case("Mål {n}", "Mål 3:", Some(Some("3")))]
    #[case("Mål {n}", "Målgruppe", None)]
    #[case("Dato", "Datoen", None)]
    // The first-character shortcut: case, leading spaces, NBSP and a pattern
    // that begins with spaces or a placeholder.
    #[case("ØKONOMI", "\u{a0} økonomi", Some(None))]
    #[case("  Sagsnr.", "SAGSNR:", Some(None))]
    #[case("{n}. mål", "2. Mål", Some(Some("2")))]
    #[case("Økonomi", "Målgruppe", None)]
    #[case("Økonomi", "", None)]
    fn matches_patterns(
        #[case] pattern: &str,
        #[case] text: &str,
        #[case] want: Option<Option<&str>>,
    ) {
        assert_eq!(
            label_matches(pattern, text),
            want.map(|o| o.map(String::from))
        );
    }

    #[rstest]
    #[case(
        "Aftalen om nye udlejningsmodeller",
        "Aftalen med de almene boligorganisationer om nye udlejningsmodeller",
        1.0,
        3
    )]
    #[case("Helhedsplaner for 21 almene boligområder", "21 boligsociale helhedsplaner", 2.0 / 3.0, 2)]
    #[case("Boligsociale projekter", "Boligsociale projekter", 1.0, 2)]
    #[case(
        "§ 18 midler til integrationsformål",
        "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro",
        1.0,
        3
    )]
    #[case("Den korte snor", "Boligsociale projekter", 0.0, 0)]
    fn similarity(#[case] a: &str, #[case] b: &str, #[case] share: f64, #[case] shared: usize) {
        let (s, n) = title_similarity(a, b);
        assert!((s - share).abs() < 1e-9, "{a} / {b}: {s}");
        assert_eq!(n, shared, "{a} / {b}");
    }

    #[rstest]
    #[case(
        "Integrationsindsatser ud over mål i integrationspolitikken",
        "Øvrige integrationsindsatser, hvor målet ligger ud over integrationspolitikken",
        1.0,
        5
    )]
    #[case(
        "Integrationsindsatser ud over mål i integrationspolitikken",
        "Integrationsindsatser i relation til mål i integrationspolitikken",
        0.6,
        3
    )]
    #[case(
        "Helhedsplaner for 21 almene boligområder",
        "Integrationsindsatser i relation til mål i integrationspolitikken",
        0.0,
        0
    )]
    fn group_coverage(#[case] a: &str, #[case] b: &str, #[case] share: f64, #[case] shared: usize) {
        let (s, n) = coverage(a, b);
        assert!((s - share).abs() < 1e-9, "{a} / {b}: {s}");
        assert_eq!(n, shared, "{a} / {b}");
    }

    #[rstest]
    #[case("mål", "målet", true)]
    #[case("projekt", "projekter", true)]
    #[case("integrationspolitikken", "integrationspolitikens", true)]
    #[case("helhedsplaner", "helhedsplanerne", true)]
    #[case("boligsociale", "boligområder", false)]
    #[case("ny", "nye", false)]
    #[case("bo", "boe", false)]
    #[case("2008", "2009", false)]
    fn inflections(#[case] a: &str, #[case] b: &str, #[case] want: bool) {
        assert_eq!(same_word(a, b), want);
    }
}
