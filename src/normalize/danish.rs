//! Danish numbers, units and dates: small pure functions, each with a table
//! of test cases.
//!
//! API CONTRACT (implemented by the Danish-parsing work; callers depend on
//! these names and meanings):
//! - [`parse_unit`]: a text that IS a unit ("mio.", "mio. kr.", "(mio. kr.)",
//!   "t.kr.", "1.000 kr.", "kr.", "mia. kr.") → [`Unit`].
//! - [`find_unit`]: a unit mentioned in a header or caption ("Beløb i mio. kr.",
//!   "2008 (t.kr.)", "Beløb i 1.000 kr.") → [`Unit`].
//! - [`parse_amount`]: one amount cell's text ("6,0 mio.", "÷ 2,5", "(2,5)",
//!   "½ mio.", "kr. 15.000", "15.000,-", "1 234,5", "10.1 mio. kr.", "7, 5 mio.")
//!   → [`Amount`] (number as written, its own unit if any, an assumption if one
//!   was made); anything else is an [`AmountError`], never silently 0.
//! - [`find_amounts`]: the money amounts named in free text (a status schema's
//!   Økonomi field) → [`TextAmount`]s in kroner, with a per-year flag.
//! - [`float_to_decimal`]: a number cell's f64 → exact Decimal at the
//!   precision a person typed (15 significant digits: 12.290000000000001 → 12.29).
//! - [`parse_date_text`]: "03-03-2008", "3.3.2008", "2008-03-03",
//!   "3. marts 2008", "3. mar. 2008" → NaiveDate.
//! - [`format_amount`]: kroner → Danish display text in a unit ("6,0 mio."),
//!   at least one decimal, followed by the unit's short name
//!   ([`Unit::short_name`]: "kr.", "t.kr.", "mio.", "mia.").
//! - [`format_danish_decimal`]: 1234567.89 → "1.234.567,89".

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A unit amounts are stated in. `factor` converts to kroner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Canonical Danish name: "kr.", "t.kr.", "mio. kr.", "mia. kr.".
    pub name: &'static str,
    /// Kroner per unit: 1, 1000, 1000000, 1000000000.
    pub factor: Decimal,
}

/// An assumption made while reading a number; reported as ambiguous-number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assumption {
    /// "10.1": a dot followed by other than three digits, read as a decimal comma.
    DotAsDecimalComma,
    /// "7, 5": a space after the decimal comma, read as "7,5".
    StraySpace,
}

/// One amount as written in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// The number as written, before any unit ("6,0 mio." → 6.0).
    pub value: Decimal,
    /// The cell's own unit, if it names one.
    pub unit: Option<Unit>,
    pub assumption: Option<Assumption>,
}

/// Why a cell's text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Blank, or a lone dash ("-", "–"): no amount.
    Empty,
    /// Text that is not a number (message says why, in Danish).
    NotANumber(String),
}

/// An amount named in free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextAmount {
    /// The amount as written, with its unit: "10.1 mio. kr.".
    pub raw: String,
    /// Byte offset of `raw` in the text.
    pub start: usize,
    /// The amount in kroner.
    pub kroner: Decimal,
    /// The text says the amount is per year ("pr. år", "/år", "/ år", "årligt",
    /// "om året", "per år") right after the amount.
    pub per_year: bool,
    pub assumption: Option<Assumption>,
}

impl Unit {
    /// Kroner.
    pub const KR: Unit = Unit {
        name: "kr.",
        factor: Decimal::ONE,
    };
    /// Thousands of kroner ("t.kr.", "1.000 kr.").
    pub const TKR: Unit = Unit {
        name: "t.kr.",
        factor: Decimal::from_parts(1_000, 0, 0, false, 0),
    };
    /// Millions of kroner ("mio. kr.", "mio.").
    pub const MIO: Unit = Unit {
        name: "mio. kr.",
        factor: Decimal::from_parts(1_000_000, 0, 0, false, 0),
    };
    /// Billions of kroner ("mia. kr.", "mia.").
    pub const MIA: Unit = Unit {
        name: "mia. kr.",
        factor: Decimal::from_parts(1_000_000_000, 0, 0, false, 0),
    };

    /// The short name shown after an amount in the appendix and the overview:
    /// "kr." → "kr.", "t.kr." → "t.kr.", "mio. kr." → "mio.", "mia. kr." → "mia.".
    pub fn short_name(&self) -> &'static str {
        match self.name {
            "mio. kr." => "mio.",
            "mia. kr." => "mia.",
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------
// Small text helpers. All matching is done on the original text so that byte
// offsets stay valid (lower-casing can change byte lengths).

/// A space that may separate thousands: normal, non-breaking, figure, thin
/// and narrow non-breaking space.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}')
}

/// A vulgar fraction that may follow (or be) a whole number: "½", "2½".
fn fraction_value(c: char) -> Option<Decimal> {
    match c {
        '½' => Some(Decimal::new(5, 1)),
        '¼' => Some(Decimal::new(25, 2)),
        '¾' => Some(Decimal::new(75, 2)),
        _ => None,
    }
}

fn chars_eq_ci(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// If `s` starts with `word` (case-insensitively), the number of bytes of `s`
/// it covers. A space in `word` matches any one space character.
fn eat_ci(s: &str, word: &str) -> Option<usize> {
    let mut it = s.char_indices();
    for w in word.chars() {
        let (_, c) = it.next()?;
        let same = if w == ' ' {
            c.is_whitespace()
        } else {
            chars_eq_ci(c, w)
        };
        if !same {
            return None;
        }
    }
    Some(it.next().map_or(s.len(), |(i, _)| i))
}

/// Bytes of leading whitespace (any kind, NBSP and thin spaces included).
fn skip_ws(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

/// True when `pos` is the end of `s` or the character there is not a letter
/// or digit: a unit or word ends here.
fn boundary_after(s: &str, pos: usize) -> bool {
    s[pos..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// True when a word may start at `pos`: the character before it is not a
/// letter or digit.
fn boundary_before(s: &str, pos: usize) -> bool {
    s[..pos]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

// ---------------------------------------------------------------------------
// Units

/// Scale words. `needs_currency`: "t." and "1.000" are units only with "kr."
/// after them; "mio." and "mia." are units on their own.
const UNIT_PREFIXES: &[(&str, Unit, bool)] = &[
    ("", Unit::KR, true),
    ("t.", Unit::TKR, true),
    ("t", Unit::TKR, true),
    ("1.000", Unit::TKR, true),
    ("1000", Unit::TKR, true),
    ("1 000", Unit::TKR, true),
    ("tusind", Unit::TKR, true),
    ("tusinde", Unit::TKR, true),
    ("mio.", Unit::MIO, false),
    ("mio", Unit::MIO, false),
    ("mill.", Unit::MIO, false),
    ("million", Unit::MIO, false),
    ("millioner", Unit::MIO, false),
    ("mia.", Unit::MIA, false),
    ("mia", Unit::MIA, false),
    ("milliard", Unit::MIA, false),
    ("milliarder", Unit::MIA, false),
];

const CURRENCIES: &[&str] = &["kroner", "kr.", "kr", "dkk"];

/// A unit found at the start of a text.
struct UnitMatch {
    unit: Unit,
    /// Bytes of the text the unit covers.
    len: usize,
    /// The match includes a currency word ("kr.", "kroner").
    currency: bool,
}

/// The longest unit at the very start of `s`, ending at a word boundary.
/// `numeric` allows the "1.000 kr." spellings.
fn match_unit_at(s: &str, numeric: bool) -> Option<UnitMatch> {
    let mut best: Option<UnitMatch> = None;
    for &(prefix, unit, needs_currency) in UNIT_PREFIXES {
        if !numeric && prefix.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let Some(n) = eat_ci(s, prefix) else { continue };
        let ws = skip_ws(&s[n..]);
        if prefix.is_empty() && ws > 0 {
            continue;
        }
        let with_currency = CURRENCIES
            .iter()
            .filter_map(|cur| eat_ci(&s[n + ws..], cur).map(|c| n + ws + c))
            .filter(|&end| boundary_after(s, end))
            .max();
        let candidate = match with_currency {
            Some(end) => UnitMatch {
                unit,
                len: end,
                currency: true,
            },
            None if !needs_currency && boundary_after(s, n) => UnitMatch {
                unit,
                len: n,
                currency: false,
            },
            None => continue,
        };
        if best.as_ref().is_none_or(|b| candidate.len > b.len) {
            best = Some(candidate);
        }
    }
    best
}

/// Removes one pair of surrounding parentheses: "(mio. kr.)" → "mio. kr.".
fn strip_parens(s: &str) -> &str {
    let t = s.trim();
    match t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => t,
    }
}

/// A text that is a unit, and nothing else, → its [`Unit`].
///
/// Accepts "kr.", "kr", "kroner", "t.kr.", "t. kr.", "tkr.", "1.000 kr.",
/// "1000 kr.", "mio.", "mio", "mio. kr.", "mio.kr", "mio kr.", "millioner",
/// "mia.", "mia. kr.", "milliarder" (any case, any kind of space), with or
/// without surrounding parentheses.
///
/// ```
/// use bilag::normalize::danish::{parse_unit, Unit};
/// assert_eq!(parse_unit("(mio. kr.)"), Some(Unit::MIO));
/// assert_eq!(parse_unit("1.000 kr."), Some(Unit::TKR));
/// assert_eq!(parse_unit("kroner i alt"), None);
/// ```
pub fn parse_unit(text: &str) -> Option<Unit> {
    let t = strip_parens(text);
    match_unit_at(t, true)
        .filter(|m| m.len == t.len())
        .map(|m| m.unit)
}

/// The first unit mentioned in a header or caption: "Beløb i mio. kr.",
/// "2008 (t.kr.)", "Beløb i 1.000 kr.", "Alle beløb er i kr." → [`Unit`].
///
/// A unit must be a word of its own: "kriminalitet", "Skr." and "mioxyz" name
/// no unit. A capitalised "Mia" without "kr." is taken as a name, not a unit.
pub fn find_unit(text: &str) -> Option<Unit> {
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || !boundary_before(text, i) {
            continue;
        }
        if c.is_ascii_digit() && text[..i].ends_with(['.', ',']) {
            continue;
        }
        let Some(m) = match_unit_at(&text[i..], true) else {
            continue;
        };
        let written = &text[i..i + m.len];
        if m.unit == Unit::MIA && !m.currency && written != written.to_lowercase() {
            continue;
        }
        return Some(m.unit);
    }
    None
}

// ---------------------------------------------------------------------------
// Numbers

/// Is `s` digits in thousands groups split by `is_sep`: "1.234.567", "1 234"?
/// The first group has 1–3 digits and does not start with 0, the others 3.
fn is_grouped(s: &str, is_sep: impl Fn(char) -> bool) -> bool {
    let groups: Vec<&str> = s.split(is_sep).collect();
    groups.len() >= 2
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (1..=3).contains(&groups[0].len())
        && !groups[0].starts_with('0')
        && groups[1..].iter().all(|g| g.len() == 3)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The whole-number part of a number with a decimal comma: plain digits or
/// thousands groups split by dots or by spaces (not both).
fn integer_part(s: &str) -> Result<String, String> {
    if all_digits(s) {
        return Ok(s.to_string());
    }
    if s.is_empty() {
        return Err("der mangler et tal før kommaet".into());
    }
    if is_grouped(s, |c| c == '.') || is_grouped(s, is_group_space) {
        return Ok(s.chars().filter(char::is_ascii_digit).collect());
    }
    Err("tusindtallene er ikke skrevet som 1.234.567 eller 1 234 567".into())
}

fn decimal_from_parts(int: &str, frac: &str) -> Result<Decimal, String> {
    let text = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    Decimal::from_str_exact(&text).map_err(|_| "tallet har for mange cifre".to_string())
}

/// A number as written in Danish — digits, thousands separators, a decimal
/// comma, a trailing ½ — without sign or unit.
fn parse_number(token: &str) -> Result<(Decimal, Option<Assumption>), String> {
    if let Some(last) = token.chars().next_back() {
        if let Some(frac) = fraction_value(last) {
            let whole = &token[..token.len() - last.len_utf8()];
            if whole.is_empty() {
                return Ok((frac, None));
            }
            if !all_digits(whole) {
                return Err("en brøk kan kun stå efter et helt tal (2½)".into());
            }
            return Ok((decimal_from_parts(whole, "")? + frac, None));
        }
    }
    if token.chars().any(|c| fraction_value(c).is_some()) {
        return Err("en brøk kan kun stå til sidst i tallet".into());
    }
    match token.matches(',').count() {
        0 => {}
        1 => {
            let (int, frac) = token.split_once(',').unwrap_or((token, ""));
            let (frac, assumption) = match frac.chars().next() {
                Some(c) if is_group_space(c) => {
                    (&frac[c.len_utf8()..], Some(Assumption::StraySpace))
                }
                _ => (frac, None),
            };
            if !all_digits(frac) {
                return Err("der skal stå cifre efter decimalkommaet".into());
            }
            return Ok((decimal_from_parts(&integer_part(int)?, frac)?, assumption));
        }
        _ => return Err("der er mere end ét komma i tallet".into()),
    }
    if all_digits(token) {
        return Ok((decimal_from_parts(token, "")?, None));
    }
    let has_dot = token.contains('.');
    let has_space = token.contains(is_group_space);
    if has_dot && has_space {
        return Err("tallet blander punktum og mellemrum som tusindtalsadskiller".into());
    }
    if is_grouped(token, |c| c == '.') || is_grouped(token, is_group_space) {
        let digits: String = token.chars().filter(char::is_ascii_digit).collect();
        return Ok((decimal_from_parts(&digits, "")?, None));
    }
    if has_dot && token.matches('.').count() == 1 {
        let (int, frac) = token.split_once('.').unwrap_or((token, ""));
        if all_digits(int) && all_digits(frac) {
            // "10.1": not thousands (those have exactly three digits after
            // the dot), so read as a decimal comma and say so.
            return Ok((
                decimal_from_parts(int, frac)?,
                Some(Assumption::DotAsDecimalComma),
            ));
        }
    }
    if has_dot {
        Err("punktummerne i tallet er hverken tusindtal eller decimalkomma".into())
    } else {
        Err("tusindtallene er ikke skrevet som 1.234.567 eller 1 234 567".into())
    }
}

/// The length in bytes of the number at the start of `s`: digits, a trailing
/// fraction (½), dots and commas followed by a digit, a space between digits,
/// and a single space after a decimal comma ("7, 5"). In free text
/// (`free_text`) that stray space is only taken after 1–3 plain digits.
fn scan_number(s: &str, free_text: bool) -> usize {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let next_is_digit = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_ascii_digit());
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if c.is_ascii_digit() {
            k += 1;
        } else if fraction_value(c).is_some() {
            k += 1;
            break;
        } else if k == 0 {
            break;
        } else if (c == '.' || c == ',') && next_is_digit(k + 1) {
            k += 1;
        } else if c == ','
            && chars.get(k + 1).is_some_and(|&(_, n)| is_group_space(n))
            && next_is_digit(k + 2)
        {
            let before = &s[..chars[k].0];
            if free_text && !(all_digits(before) && before.len() <= 3) {
                break;
            }
            k += 2;
        } else if is_group_space(c) && chars[k - 1].1.is_ascii_digit() && next_is_digit(k + 1) {
            k += 1;
        } else {
            break;
        }
    }
    chars.get(k).map_or(s.len(), |&(i, _)| i)
}

/// A leading sign: "-", "−" (minus), "–" (en dash typed as minus), "÷", "+".
/// Returns whether it is negative and the bytes it covers.
fn leading_sign(s: &str) -> Option<(bool, usize)> {
    let c = s.chars().next()?;
    match c {
        '-' | '−' | '–' | '÷' => Some((true, c.len_utf8())),
        '+' => Some((false, 1)),
        _ => None,
    }
}

/// "kr. " or "DKK " before the number: the bytes it covers.
fn leading_currency(s: &str) -> Option<usize> {
    CURRENCIES
        .iter()
        .filter_map(|cur| eat_ci(s, cur))
        .filter(|&n| s[n..].chars().next().is_none_or(|c| !c.is_alphabetic()))
        .max()
}

fn not_a_number(reason: impl Into<String>) -> AmountError {
    AmountError::NotANumber(reason.into())
}

/// Why a text without a number at its start is not an amount.
fn reason_without_number(s: &str) -> AmountError {
    let lower = s.to_lowercase();
    if s.starts_with('#') {
        not_a_number(format!("regnearket viser en fejl ({s}), ikke et beløb"))
    } else if lower.starts_with("ca.")
        || lower.starts_with("ca ")
        || lower.starts_with("cirka")
        || lower.starts_with("omkring")
    {
        not_a_number("et skøn (ca.) er ikke et præcist beløb")
    } else if s.starts_with([',', '.']) {
        not_a_number("der mangler et tal før kommaet")
    } else {
        not_a_number("teksten er ikke et tal")
    }
}

/// One amount cell's text → [`Amount`]: the number as written, the cell's own
/// unit if it names one, and an [`Assumption`] if the text was ambiguous.
///
/// Understood: "1.234.567,89", "1 234,5" (normal, non-breaking or thin
/// spaces), "6,0", negative "÷ 2,5", "-2,5", "−2,5" and "(2,5)", "½" and
/// "2½", "kr. 15.000", "15.000,-", and a unit after the number ("6,0 mio.",
/// "1,653 mio. kr.", "1.234,5 t.kr.", "2,5 mia. kr."). "1.000" is one
/// thousand; "10.1" (a dot followed by other than three digits) is read as
/// 10,1 with [`Assumption::DotAsDecimalComma`]; "7, 5" is read as 7,5 with
/// [`Assumption::StraySpace`]. The ",-" of whole kroner ("15.000,-") is
/// accepted but names no unit: only a unit word sets [`Amount::unit`].
///
/// # Errors
/// [`AmountError::Empty`] for a blank cell or a lone dash ("-", "–", "—");
/// [`AmountError::NotANumber`] with a short Danish reason for anything else
/// that is not one amount ("ca. 5 mio.", "5-6 mio.", "ikke oplyst", "12abc",
/// "1,2,3", "#REF!"). A text is never silently read as 0.
///
/// ```
/// use bilag::normalize::danish::{parse_amount, Assumption, AmountError, Unit};
/// use rust_decimal::Decimal;
///
/// let a = parse_amount("12,29 mio.").unwrap();
/// assert_eq!(a.value, Decimal::new(1229, 2));
/// assert_eq!(a.unit, Some(Unit::MIO));
///
/// assert_eq!(parse_amount("÷ 2,5").unwrap().value, Decimal::new(-25, 1));
/// assert_eq!(parse_amount("10.1 mio. kr.").unwrap().assumption, Some(Assumption::DotAsDecimalComma));
/// assert_eq!(parse_amount("–"), Err(AmountError::Empty));
/// assert!(matches!(parse_amount("ca. 5 mio."), Err(AmountError::NotANumber(_))));
/// ```
pub fn parse_amount(text: &str) -> Result<Amount, AmountError> {
    let s = text.trim();
    if s.is_empty() || matches!(s, "-" | "–" | "—" | "−") {
        return Err(AmountError::Empty);
    }
    let mut rest = s;
    // "(2,5)" and "(2,5) mio.": parentheses mark a negative amount; a unit
    // may follow the closing parenthesis.
    let mut paren_unit: Option<Unit> = None;
    let in_parens = match rest.strip_prefix('(') {
        Some(r) => match r.strip_suffix(')') {
            Some(inner) => {
                rest = inner.trim();
                true
            }
            None => match r
                .find(')')
                .map(|close| (close, parse_unit(r[close + 1..].trim())))
            {
                Some((close, Some(unit))) => {
                    paren_unit = Some(unit);
                    rest = r[..close].trim();
                    true
                }
                _ => false,
            },
        },
        None => false,
    };
    let mut sign: Option<bool> = None;
    let mut prefix_unit: Option<Unit> = None;
    loop {
        if sign.is_none() {
            if let Some((negative, n)) = leading_sign(rest) {
                sign = Some(negative);
                rest = rest[n..].trim_start();
                continue;
            }
        }
        if prefix_unit.is_none() {
            if let Some(n) = leading_currency(rest) {
                prefix_unit = Some(Unit::KR);
                rest = rest[n..].trim_start();
                continue;
            }
        }
        break;
    }
    if in_parens && sign.is_some() {
        return Err(not_a_number(
            "både parentes og fortegn – fortegnet er uklart",
        ));
    }
    let negative = in_parens || sign == Some(true);

    let end = scan_number(rest, false);
    if end == 0 {
        return Err(if sign.is_some() || prefix_unit.is_some() || in_parens {
            not_a_number("der står ikke et tal efter fortegnet eller enheden")
        } else {
            reason_without_number(s)
        });
    }
    let (value, assumption) = parse_number(&rest[..end]).map_err(not_a_number)?;

    let mut after = &rest[end..];
    for dash in [",-", ".-", ",–", ".–"] {
        if let Some(r) = after.strip_prefix(dash) {
            after = r;
            break;
        }
    }
    let after = after.trim();
    let suffix_unit = if after.is_empty() {
        None
    } else if let Some(unit) = parse_unit(after) {
        Some(unit)
    } else {
        return Err(reason_after_number(after));
    };

    let value = if negative && !value.is_zero() {
        -value
    } else {
        value
    };
    Ok(Amount {
        value,
        unit: suffix_unit.or(paren_unit).or(prefix_unit),
        assumption,
    })
}

/// Why the text after a number makes the cell something other than an amount.
fn reason_after_number(after: &str) -> AmountError {
    let mut chars = after.chars();
    let first = chars.next().unwrap_or(' ');
    let rest = chars.as_str().trim_start();
    if matches!(first, '-' | '–' | '—') && rest.starts_with(|c: char| c.is_ascii_digit()) {
        not_a_number("et interval (fx 5-6) er ikke ét beløb")
    } else if matches!(first, ',' | '.') {
        not_a_number("tallet har et komma eller punktum, der ikke hører til")
    } else if first == '%' {
        not_a_number("en procentsats er ikke et beløb")
    } else {
        let shown: String = after.chars().take(20).collect();
        not_a_number(format!("ukendt tekst efter tallet: «{shown}»"))
    }
}

// ---------------------------------------------------------------------------
// Amounts in free text

/// Ways of writing "per year" right after an amount; tokens may be separated
/// by spaces or not.
const PER_YEAR: &[&[&str]] = &[
    &["pr.", "år"],
    &["pr.", "året"],
    &["pr", "år"],
    &["per", "år"],
    &["/", "år"],
    &["/", "året"],
    &["om", "året"],
    &["om", "år"],
    &["årligt"],
    &["årlig"],
];

/// Does `s` start (after spaces) with a per-year marker?
fn per_year_at(s: &str) -> bool {
    PER_YEAR.iter().any(|tokens| {
        let mut pos = skip_ws(s);
        for tok in tokens.iter() {
            match eat_ci(&s[pos..], tok) {
                Some(n) => pos += n,
                None => return false,
            }
            pos += skip_ws(&s[pos..]);
        }
        let end = s[..pos].trim_end().len();
        boundary_after(s, end)
    })
}

/// Is the number at `pos` the second half of a range or fraction ("5-6",
/// "2007-9", "5 – 6", "1/2") or glued to a number before it?
fn continues_number_before(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    if let Some(b) = before.strip_suffix(['.', ',']) {
        if b.ends_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
    }
    let b = before.trim_end();
    match b.strip_suffix(['-', '–', '—', '/']) {
        Some(b) => b.trim_end().ends_with(|c: char| c.is_ascii_digit()),
        None => false,
    }
}

/// The money amounts named in free text (a status schema's Økonomi field):
/// numbers followed by a money unit ("kr.", "t.kr.", "mio.", "mio. kr.",
/// "mia. kr." …), each in kroner, with `per_year` when "pr. år", "pr år",
/// "/år", "/ år", "per år", "årligt", "om året" or "om år" follows.
///
/// Numbers without a unit are never amounts: years ("2007-9", "i 2010"),
/// counts ("25 unge"), percentages ("75 %"). The second number of a range
/// ("5-6 mio.") is not taken either, and signs are ignored (a "-" in free
/// text is as often a bullet as a minus). Ambiguous numbers ("10.1 mio. kr.",
/// "7, 5 mio.kr") are read as in [`parse_amount`] and carry the assumption.
///
/// ```
/// use bilag::normalize::danish::{find_amounts, Assumption};
/// use rust_decimal::Decimal;
///
/// let found = find_amounts("Der er afsat 10.1 mio. kr. i årene 2007-9 og 1,5 mio. kr. til etablering");
/// assert_eq!(found.len(), 2);
/// assert_eq!(found[0].raw, "10.1 mio. kr.");
/// assert_eq!(found[0].kroner, Decimal::new(10_100_000, 0));
/// assert_eq!(found[0].assumption, Some(Assumption::DotAsDecimalComma));
/// assert_eq!(found[1].kroner, Decimal::new(1_500_000, 0));
///
/// let yearly = find_amounts("6,0 mio pr. år");
/// assert!(yearly[0].per_year);
/// assert!(find_amounts("De resterende 25 % finansieres af 25 unge i 2010").is_empty());
/// ```
pub fn find_amounts(text: &str) -> Vec<TextAmount> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let starts_number = c.is_ascii_digit() || fraction_value(c).is_some();
        if !starts_number {
            i += c.len_utf8();
            continue;
        }
        let token_end = i + scan_number(&text[i..], true);
        // Where to go on if no amount starts here: past the first space-free
        // run, so "2007 1 mio." still finds "1 mio.".
        let first_run_end = text[i..token_end]
            .find(is_group_space)
            .map_or(token_end, |p| i + p);
        if !boundary_before(text, i) || continues_number_before(text, i) {
            i = first_run_end;
            continue;
        }
        // The longest reading first; then shorter ones ending at a space, so
        // "i 2007 1 mio." does not read "2007 1" as one number.
        let mut ends: Vec<usize> = text[i..token_end]
            .char_indices()
            .filter(|&(_, ch)| is_group_space(ch))
            .map(|(p, _)| i + p)
            .collect();
        ends.push(token_end);
        ends.reverse();
        let hit = ends.into_iter().find_map(|end| {
            let number_text = text[i..end].trim_end_matches(',');
            let (value, assumption) = parse_number(number_text).ok()?;
            let ws = skip_ws(&text[end..]);
            let unit = match_unit_at(&text[end + ws..], false)?;
            let unit_end = end + ws + unit.len;
            let kroner = value.checked_mul(unit.unit.factor)?.normalize();
            Some(TextAmount {
                raw: text[i..unit_end].to_string(),
                start: i,
                kroner,
                per_year: per_year_at(&text[unit_end..]),
                assumption,
            })
        });
        match hit {
            Some(amount) => {
                i = amount.start + amount.raw.len();
                found.push(amount);
            }
            None => i = first_run_end,
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Floats, dates, display

/// A number cell's f64 → the Decimal a person typed, at 15 significant digits
/// with trailing zeros removed: 12.290000000000001 → 12.29, 6.0 → 6,
/// 0.30000000000000004 → 0.3. The result is the float's exact decimal value
/// rounded half-even to 15 significant digits. NaN, infinities and numbers
/// beyond Decimal's range → `None`; magnitudes below 10⁻²⁸ round to 0.
///
/// ```
/// use bilag::normalize::danish::float_to_decimal;
/// assert_eq!(float_to_decimal(12.290000000000001).unwrap().to_string(), "12.29");
/// ```
pub fn float_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if let Some(d) = float_to_decimal_fast(f) {
        return Some(d);
    }
    float_to_decimal_by_text(f)
}

/// Powers of ten that are exact as f64 (10⁰ … 10²²): an integer below 2⁵³
/// divided or multiplied by one of them is correctly rounded.
pub(crate) const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// [`float_to_decimal`] without going through text, for the numbers a
/// budget holds (10⁻⁶ ≤ |f| < 10¹⁵); `None` where it cannot be sure of
/// giving the same result, and the caller goes the slow way.
///
/// An integer below 10¹⁵ is exact as it is. Otherwise f·10ˢ (s chosen so the
/// product has 15 digits before the point; 10ˢ is exact) is off from the
/// exact product by at most 0,12 — so when its fraction is not within 0,25 of
/// one half, rounding it to an integer gives the digits the exact value
/// rounds to. The digit count of the result checks the choice of s.
fn float_to_decimal_fast(f: f64) -> Option<Decimal> {
    let a = f.abs();
    if a < 1e15 && f.fract() == 0.0 {
        return Some(Decimal::from(f as i64));
    }
    if !(1e-6..1e15).contains(&a) {
        return None;
    }
    let e = a.log10().floor() as i32;
    let s = 14 - e;
    if !(0..=22).contains(&s) {
        return None;
    }
    let p = f * EXACT_POW10[s as usize];
    let n = p.round();
    if ((p - p.trunc()).abs() - 0.5).abs() < 0.25 {
        return None;
    }
    let digits = n.abs();
    if !(1e14..1e15).contains(&digits) {
        return None;
    }
    Some(Decimal::from_i128_with_scale(n as i128, s as u32).normalize())
}

/// [`float_to_decimal`] through the float's decimal text: exact for every
/// finite float, and slow (a formatted string per number).
fn float_to_decimal_by_text(f: f64) -> Option<Decimal> {
    let text = format!("{:.*e}", 14, f);
    let (_, exp) = text.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    if exp < -(Decimal::MAX_SCALE as i32) {
        return Some(Decimal::ZERO);
    }
    Decimal::from_scientific_lossy(&text)
        .ok()
        .map(|d| d.normalize())
}

const MONTHS: &[(&str, u32)] = &[
    ("januar", 1),
    ("jan", 1),
    ("februar", 2),
    ("feb", 2),
    ("marts", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("maj", 5),
    ("juni", 6),
    ("jun", 6),
    ("juli", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("oktober", 10),
    ("okt", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

fn date_from_parts(year: &str, month: u32, day: &str) -> Option<NaiveDate> {
    if year.len() != 4 || !all_digits(year) || !(1..=2).contains(&day.len()) || !all_digits(day) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)
}

/// "03-03-2008", "3.3.2008", "3/3/2008", "2008-03-03": one separator, a
/// four-digit year first or last.
fn numeric_date(s: &str) -> Option<NaiveDate> {
    let sep = s.chars().find(|c| matches!(c, '-' | '.' | '/'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    if !(1..=2).contains(&b.len()) || !all_digits(b) {
        return None;
    }
    let month: u32 = b.parse().ok()?;
    if a.len() == 4 {
        date_from_parts(a, month, c)
    } else {
        date_from_parts(c, month, a)
    }
}

/// "3. marts 2008", "3 marts 2008", "3. mar. 2008", "3. Marts 2008".
fn named_month_date(s: &str) -> Option<NaiveDate> {
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '.')
        .filter(|t| !t.is_empty())
        .collect();
    let [day, month, year] = tokens[..] else {
        return None;
    };
    let month = month.to_lowercase();
    let (_, m) = MONTHS.iter().find(|(name, _)| *name == month)?;
    date_from_parts(year, *m, day)
}

/// A model date (yyyy-mm-dd) as a Danish reader writes it: "2008-03-03" →
/// "03-03-2008"; anything else as written.
///
/// ```
/// use bilag::normalize::danish::date_dk;
/// assert_eq!(date_dk("2008-03-03"), "03-03-2008");
/// assert_eq!(date_dk("marts 2008"), "marts 2008");
/// ```
pub fn date_dk(iso: &str) -> String {
    NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d")
        .map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// An RFC 3339 time as a Danish reader writes it, in its own offset:
/// "05-12-2026 kl. 10:02" (or "kl. 10:02:15" with seconds); anything else
/// as written.
///
/// ```
/// use bilag::normalize::danish::time_dk;
/// assert_eq!(time_dk("2026-12-05T10:02:15+01:00", false), "05-12-2026 kl. 10:02");
/// assert_eq!(time_dk("2026-12-05T10:02:15+01:00", true), "05-12-2026 kl. 10:02:15");
/// assert_eq!(time_dk("i går", true), "i går");
/// ```
pub fn time_dk(rfc3339: &str, seconds: bool) -> String {
    let pattern = if seconds {
        "%d-%m-%Y kl. %H:%M:%S"
    } else {
        "%d-%m-%Y kl. %H:%M"
    };
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// A date written as text → [`NaiveDate`]: "03-03-2008", "3-3-2008",
/// "3.3.2008", "2008-03-03", "3/3/2008", "3. marts 2008", "3 marts 2008",
/// "3. mar. 2008" (Danish month names and the abbreviations jan., feb., mar.,
/// apr., maj, jun., jul., aug., sep., sept., okt., nov., dec., any case). A
/// leading "den"/"d." is allowed; surrounding spaces (NBSP too) are trimmed.
/// Days and months come before the year; a date that does not exist
/// ("31-02-2008") or any other text → `None`.
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let mut s = text.trim();
    for lead in ["den ", "d. "] {
        if let Some(n) = eat_ci(s, lead) {
            s = s[n..].trim_start();
            break;
        }
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '/'))
    {
        numeric_date(s)
    } else {
        named_month_date(s)
    }
}

/// Kroner → Danish display text in `unit`, followed by the unit's short name
/// ([`Unit::short_name`]: "kr.", "t.kr.", "mio.", "mia."). At least one
/// decimal and as many as the amount needs, thousands separated by dots:
/// 6000000 in mio. kr. → "6,0 mio.", 1653000 → "1,653 mio.", 1234500000 →
/// "1.234,5 mio.", 15000 in kr. → "15.000,0 kr.". Exact: no rounding.
///
/// ```
/// use bilag::normalize::danish::{format_amount, Unit};
/// use rust_decimal::Decimal;
/// assert_eq!(format_amount(Decimal::new(12_290_000, 0), &Unit::MIO), "12,29 mio.");
/// ```
pub fn format_amount(kroner: Decimal, unit: &Unit) -> String {
    let mut value = kroner
        .checked_div(unit.factor)
        .unwrap_or(kroner)
        .normalize();
    if value.scale() == 0 {
        value.rescale(1);
    }
    format!("{} {}", format_danish_decimal(value), unit.short_name())
}

/// A Decimal in Danish notation: dots between thousands, a decimal comma,
/// the decimals the value carries (its scale): 1234567.89 → "1.234.567,89",
/// 12.29 → "12,29", -5 → "-5", 1000 → "1.000".
pub fn format_danish_decimal(value: Decimal) -> String {
    let negative = value.is_sign_negative() && !value.is_zero();
    let plain = value.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    // ---- parse_unit ----------------------------------------------------

    #[rstest]
    #[case("kr.", "kr.")]
    #[case("kr", "kr.")]
    #[case("Kr.", "kr.")]
    #[case("kroner", "kr.")]
    #[case("DKK", "kr.")]
    #[case("(kr.)", "kr.")]
    #[case("t.kr.", "t.kr.")]
    #[case("t. kr.", "t.kr.")]
    #[case("tkr.", "t.kr.")]
    #[case("T.KR.", "t.kr.")]
    #[case("(t.kr.)", "t.kr.")]
    #[case("1.000 kr.", "t.kr.")]
    #[case("1000 kr.", "t.kr.")]
    #[case("1\u{a0}000 kr.", "t.kr.")]
    #[case("(1.000 kr.)", "t.kr.")]
    #[case("mio.", "mio. kr.")]
    #[case("mio", "mio. kr.")]
    #[case("mio. kr.", "mio. kr.")]
    #[case("mio.kr", "mio. kr.")]
    #[case("mio kr.", "mio. kr.")]
    #[case("mio.\u{a0}kr.", "mio. kr.")]
    #[case("Mio. kr.", "mio. kr.")]
    #[case("(mio. kr.)", "mio. kr.")]
    #[case(" ( mio. kr. ) ", "mio. kr.")]
    #[case("millioner", "mio. kr.")]
    #[case("millioner kroner", "mio. kr.")]
    #[case("mill. kr.", "mio. kr.")]
    #[case("mia.", "mia. kr.")]
    #[case("mia. kr.", "mia. kr.")]
    #[case("(mia. kr.)", "mia. kr.")]
    #[case("milliarder", "mia. kr.")]
    fn parse_unit_reads_units(#[case] text: &str, #[case] name: &str) {
        assert_eq!(parse_unit(text).map(|u| u.name), Some(name), "{text:?}");
    }

    #[rstest]
    #[case("")]
    #[case("t.")]
    #[case("1.000")]
    #[case("kroner i alt")]
    #[case("Beløb i mio. kr.")]
    #[case("mioxyz")]
    #[case("krone")]
    #[case("gryn")]
    #[case("%")]
    #[case("mio. kr. mio. kr.")]
    fn parse_unit_rejects_other_text(#[case] text: &str) {
        assert_eq!(parse_unit(text), None, "{text:?}");
    }

    #[rstest]
    #[case(Unit::KR, "1", "kr.")]
    #[case(Unit::TKR, "1000", "t.kr.")]
    #[case(Unit::MIO, "1000000", "mio.")]
    #[case(Unit::MIA, "1000000000", "mia.")]
    fn unit_factors_and_short_names(#[case] unit: Unit, #[case] factor: &str, #[case] short: &str) {
        assert_eq!(unit.factor, d(factor));
        assert_eq!(unit.short_name(), short);
        assert_eq!(parse_unit(unit.name), Some(unit));
    }

    // ---- find_unit -----------------------------------------------------

    #[rstest]
    #[case("Beløb i mio. kr.", Some("mio. kr."))]
    #[case("(mio. kr.)", Some("mio. kr."))]
    #[case("Beløb i 1.000 kr.", Some("t.kr."))]
    #[case("Beløb i 1000 kr.", Some("t.kr."))]
    #[case("2008 (t.kr.)", Some("t.kr."))]
    #[case("Alle beløb er i kr.", Some("kr."))]
    #[case("Alle beløb er i kroner", Some("kr."))]
    #[case("Beløb (mio.)", Some("mio. kr."))]
    #[case("Udgifter, mio. kr., 2008-priser", Some("mio. kr."))]
    #[case("Beløb i mia. kr.", Some("mia. kr."))]
    #[case("Beløb i\u{a0}mio.\u{a0}kr.", Some("mio. kr."))]
    #[case("BELØB I MIO. KR.", Some("mio. kr."))]
    #[case("Ungdomskriminalitet", None)]
    #[case("Unge og kriminalitet", None)]
    #[case("Skr.", None)]
    #[case("mioxyz", None)]
    #[case("Kontakt: Mia Hansen", None)]
    #[case("Beløb", None)]
    #[case("2008", None)]
    #[case("Tilskud 21.000 i alt", None)]
    #[case("", None)]
    fn find_unit_in_headers(#[case] text: &str, #[case] name: Option<&str>) {
        assert_eq!(find_unit(text).map(|u| u.name), name, "{text:?}");
    }

    // ---- parse_amount --------------------------------------------------

    #[rstest]
    #[case("1.234.567,89", "1234567.89", None)]
    #[case("12,29", "12.29", None)]
    #[case("6,0", "6.0", None)]
    #[case("0", "0", None)]
    #[case("24", "24", None)]
    #[case("÷ 2,5", "-2.5", None)]
    #[case("÷2,5", "-2.5", None)]
    #[case("-2,5", "-2.5", None)]
    #[case("- 2,5", "-2.5", None)]
    #[case("−2,5", "-2.5", None)]
    #[case("(2,5)", "-2.5", None)]
    #[case("( 2,5 )", "-2.5", None)]
    #[case("+2,5", "2.5", None)]
    #[case("½", "0.5", None)]
    #[case("2½", "2.5", None)]
    #[case("1 234,5", "1234.5", None)]
    #[case("1\u{a0}234,5", "1234.5", None)]
    #[case("1\u{2009}234,5", "1234.5", None)]
    #[case("1\u{202f}234,5", "1234.5", None)]
    #[case("1 234 567", "1234567", None)]
    #[case("\u{a0}12,29\u{a0}", "12.29", None)]
    #[case("1.000", "1000", None)]
    #[case("15.000", "15000", None)]
    #[case("1.000.000", "1000000", None)]
    #[case("15.000,-", "15000", None)]
    #[case("15.000.-", "15000", None)]
    #[case("10.1", "10.1", Some(Assumption::DotAsDecimalComma))]
    #[case("10.12", "10.12", Some(Assumption::DotAsDecimalComma))]
    #[case("0.500", "0.5", Some(Assumption::DotAsDecimalComma))]
    #[case("1234.567", "1234.567", Some(Assumption::DotAsDecimalComma))]
    #[case("7, 5", "7.5", Some(Assumption::StraySpace))]
    fn parse_amount_reads_plain_numbers(
        #[case] text: &str,
        #[case] value: &str,
        #[case] assumption: Option<Assumption>,
    ) {
        let a = parse_amount(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(a.value, d(value), "{text:?}");
        assert_eq!(a.assumption, assumption, "{text:?}");
        assert_eq!(a.unit, None, "{text:?}");
    }

    #[rstest]
    #[case("½ mio.", "0.5", Unit::MIO, None)]
    #[case("(1,5) mio.", "-1.5", Unit::MIO, None)]
    #[case("(2,5) t.kr.", "-2.5", Unit::TKR, None)]
    #[case("kr. 15.000", "15000", Unit::KR, None)]
    #[case("kr.15.000", "15000", Unit::KR, None)]
    #[case("kr. 15.000,-", "15000", Unit::KR, None)]
    #[case("DKK 1.234,50", "1234.5", Unit::KR, None)]
    #[case("15.000 kr.", "15000", Unit::KR, None)]
    #[case("15.000,- kr.", "15000", Unit::KR, None)]
    #[case("6,0 mio.", "6", Unit::MIO, None)]
    #[case("12,29 mio.", "12.29", Unit::MIO, None)]
    #[case("49,16 mio.", "49.16", Unit::MIO, None)]
    #[case("1,653 mio. kr.", "1.653", Unit::MIO, None)]
    #[case("1.234,5 t.kr.", "1234.5", Unit::TKR, None)]
    #[case("24 mio.", "24", Unit::MIO, None)]
    #[case("24 mio", "24", Unit::MIO, None)]
    #[case("2,5 mia. kr.", "2.5", Unit::MIA, None)]
    #[case(
        "10.1 mio. kr.",
        "10.1",
        Unit::MIO,
        Some(Assumption::DotAsDecimalComma)
    )]
    #[case("7, 5 mio.", "7.5", Unit::MIO, Some(Assumption::StraySpace))]
    #[case("7, 5 mio.kr", "7.5", Unit::MIO, Some(Assumption::StraySpace))]
    #[case("÷ 2,5 mio.", "-2.5", Unit::MIO, None)]
    #[case("(2,5 mio. kr.)", "-2.5", Unit::MIO, None)]
    #[case("2,5 (mio. kr.)", "2.5", Unit::MIO, None)]
    #[case("kr. 1,5 mio.", "1.5", Unit::MIO, None)]
    #[case("1.000 kr.", "1000", Unit::KR, None)]
    #[case("6,0\u{a0}mio.", "6", Unit::MIO, None)]
    fn parse_amount_reads_units(
        #[case] text: &str,
        #[case] value: &str,
        #[case] unit: Unit,
        #[case] assumption: Option<Assumption>,
    ) {
        let a = parse_amount(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(
            a,
            Amount {
                value: d(value),
                unit: Some(unit),
                assumption
            },
            "{text:?}"
        );
    }

    #[rstest]
    #[case("")]
    #[case("   ")]
    #[case("\u{a0}")]
    #[case("-")]
    #[case(" – ")]
    #[case("—")]
    fn parse_amount_empty(#[case] text: &str) {
        assert_eq!(parse_amount(text), Err(AmountError::Empty), "{text:?}");
    }

    #[rstest]
    #[case("ca. 5 mio.", "skøn")]
    #[case("Ca 5 mio.", "skøn")]
    #[case("5-6 mio.", "interval")]
    #[case("5 – 6 mio.", "interval")]
    #[case("ikke oplyst", "ikke et tal")]
    #[case("12abc", "«abc»")]
    #[case("1,2,3", "mere end ét komma")]
    #[case("#REF!", "#REF!")]
    #[case("75 %", "procentsats")]
    #[case("6,0 mio pr. år", "ukendt tekst")]
    #[case("1.2.3", "punktum")]
    #[case("12 34", "tusindtal")]
    #[case("1.234 567", "blander")]
    #[case("10.1,5", "tusindtal")]
    #[case(",5", "før kommaet")]
    #[case("5,", "hører til")]
    #[case("÷", "efter fortegnet")]
    #[case("kr.", "efter fortegnet")]
    #[case("(-2,5)", "fortegn")]
    #[case("1½,5", "hører til")]
    #[case("1,5½", "brøk")]
    #[case("99999999999999999999999999999999", "for mange cifre")]
    #[case("mio.", "ikke et tal")]
    fn parse_amount_rejects_non_numbers(#[case] text: &str, #[case] reason_part: &str) {
        match parse_amount(text) {
            Err(AmountError::NotANumber(reason)) => {
                assert!(reason.contains(reason_part), "{text:?}: {reason}")
            }
            other => panic!("{text:?}: expected NotANumber, got {other:?}"),
        }
    }

    // ---- find_amounts ---------------------------------------------------

    /// (raw, kroner, per_year, assumption) of each amount found.
    fn found(text: &str) -> Vec<(String, Decimal, bool, Option<Assumption>)> {
        find_amounts(text)
            .into_iter()
            .map(|a| (a.raw, a.kroner, a.per_year, a.assumption))
            .collect()
    }

    #[rstest]
    #[case("6,0 mio pr. år", &[("6,0 mio", "6000000", true, None)])]
    #[case("11,9 mio. kr./ år", &[("11,9 mio. kr.", "11900000", true, None)])]
    #[case("Der er afsat 1,653 mio. kr.", &[("1,653 mio. kr.", "1653000", false, None)])]
    #[case(
        "Der er afsat 10.1 mio. kr. til drift af institutionen i årene 2007-9 i medfør af budgetforliget for 2007. Der er endvidere afsat 1,5 mio. kr. til etablering i medfør af budgetforliget.",
        &[("10.1 mio. kr.", "10100000", false, Some(Assumption::DotAsDecimalComma)), ("1,5 mio. kr.", "1500000", false, None)]
    )]
    #[case(
        "7, 5 mio.kr plus 1 mio.kr",
        &[("7, 5 mio.kr", "7500000", false, Some(Assumption::StraySpace)), ("1 mio.kr", "1000000", false, None)]
    )]
    #[case("15.000 kr. årligt", &[("15.000 kr.", "15000", true, None)])]
    #[case("½ mio.", &[("½ mio.", "500000", false, None)])]
    #[case(
        "blev der afsat 1 mio. i 2007 og ½ mio. i årene fremover til imageforbedring",
        &[("1 mio.", "1000000", false, None), ("½ mio.", "500000", false, None)]
    )]
    #[case("tilskud på 15.000 kr. for husstande", &[("15.000 kr.", "15000", false, None)])]
    #[case("Fordeling af 1 mio.kr via § 18 med fokus", &[("1 mio.kr", "1000000", false, None)])]
    #[case("2 mio. kr. pr år", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. /år", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. per år", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. om året", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. om år", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. Pr. År", &[("2 mio. kr.", "2000000", true, None)])]
    #[case("2 mio. kr. om årets første måned", &[("2 mio. kr.", "2000000", false, None)])]
    #[case("2 mio. kr. i 2008 og 3 mio. kr. pr. år derefter", &[("2 mio. kr.", "2000000", false, None), ("3 mio. kr.", "3000000", true, None)])]
    #[case("500 t.kr. årligt", &[("500 t.kr.", "500000", true, None)])]
    #[case("2,5 mia. kr.", &[("2,5 mia. kr.", "2500000000", false, None)])]
    #[case("1 234 567 kr.", &[("1 234 567 kr.", "1234567", false, None)])]
    #[case("i 2007 1 mio. kr.", &[("1 mio. kr.", "1000000", false, None)])]
    #[case("i 2008, 3 mio. kr.", &[("3 mio. kr.", "3000000", false, None)])]
    #[case("i årene 2007-09, 5 mio. kr. årligt", &[("5 mio. kr.", "5000000", true, None)])]
    #[case("ca. 5 mio. kr.", &[("5 mio. kr.", "5000000", false, None)])]
    #[case("5mio. kr.", &[("5mio. kr.", "5000000", false, None)])]
    fn find_amounts_in_economy_texts(
        #[case] text: &str,
        #[case] want: &[(&str, &str, bool, Option<Assumption>)],
    ) {
        let want: Vec<_> = want
            .iter()
            .map(|&(raw, kr, py, a)| (raw.to_string(), d(kr), py, a))
            .collect();
        assert_eq!(found(text), want, "{text:?}");
    }

    #[rstest]
    #[case("Landsbyggefonden finansierer 75 % af budgetterne i helhedsplaner. De resterende 25 % tilvejebringes som medfinansiering fra f.eks. boligselskaberne og kommunens forvaltninger. Medfinansieringen kan bestå af arbejdstimer lagt i arbejdet med implementeringen af helhedsplanerne.")]
    #[case("Finansieres via SSP – sekretariatets ordinære ramme")]
    #[case("i årene 2007-9")]
    #[case("Forventes igangsat i 2010")]
    #[case("de 25 mest uroskabende unge fra 12 - 15 år")]
    #[case("6 unge i alderen 12-14 år")]
    #[case("pr. 1. april 2008")]
    #[case("5-6 mio. kr.")]
    #[case("5 – 6 mio. kr.")]
    #[case("1/2 mio. kr.")]
    #[case("25 kriminelle unge")]
    #[case("3 mioxyz")]
    #[case("A4 mio.")]
    #[case("")]
    fn find_amounts_ignores_what_is_not_money(#[case] text: &str) {
        assert_eq!(found(text), vec![], "{text:?}");
    }

    #[test]
    fn find_amounts_gives_byte_offsets_of_raw() {
        let text = "Økonomi: Der er afsat 1,653 mio. kr. og ½ mio. årligt";
        let amounts = find_amounts(text);
        assert_eq!(amounts.len(), 2);
        for a in &amounts {
            assert_eq!(&text[a.start..a.start + a.raw.len()], a.raw);
        }
        assert_eq!(amounts[0].start, "Økonomi: Der er afsat ".len());
        assert_eq!(amounts[1].raw, "½ mio.");
        assert!(amounts[1].per_year);
    }

    // ---- float_to_decimal ------------------------------------------------

    #[rstest]
    #[case(12.290000000000001, "12.29")]
    #[case(0.1 + 0.2, "0.3")]
    #[case(6.0, "6")]
    #[case(1.653, "1.653")]
    #[case(49.16, "49.16")]
    #[case(73.19, "73.19")]
    #[case(26.79, "26.79")]
    #[case(1e15, "1000000000000000")]
    #[case(12290000.0, "12290000")]
    #[case(-2.5, "-2.5")]
    #[case(0.0, "0")]
    #[case(-0.0, "0")]
    #[case(0.5, "0.5")]
    #[case(1e-20, "0.00000000000000000001")]
    #[case(1e-30, "0")]
    #[case(123456789012345.0, "123456789012345")]
    #[case(1e28, "10000000000000000000000000000")]
    #[case(-1234567.891, "-1234567.891")]
    fn float_to_decimal_at_typed_precision(#[case] f: f64, #[case] want: &str) {
        let got = float_to_decimal(f).unwrap_or_else(|| panic!("{f}"));
        assert_eq!(got.to_string(), want, "{f}");
    }

    /// The fast way gives what the exact way gives, across magnitudes, for
    /// amounts typed with a few decimals and for arbitrary bit patterns.
    #[test]
    fn float_to_decimal_fast_path_agrees_with_the_text_path() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut checked = 0;
        for i in 0..300_000u64 {
            let r = next();
            let f = match i % 3 {
                // Typed amounts: an integer of up to 12 digits with 0-6 decimals.
                0 => {
                    let digits = (r % 1_000_000_000_000) as f64;
                    let sign = if r & (1 << 63) != 0 { -1.0 } else { 1.0 };
                    sign * digits / EXACT_POW10[((r >> 40) % 7) as usize]
                }
                // Any finite float.
                1 => f64::from_bits(r),
                // Sums of typed amounts carry float noise.
                _ => (r % 100_000) as f64 / 100.0 + ((r >> 20) % 1000) as f64 / 1000.0,
            };
            if !f.is_finite() {
                continue;
            }
            if let Some(fast) = float_to_decimal_fast(f) {
                assert_eq!(
                    Some(fast.to_string()),
                    float_to_decimal_by_text(f).map(|d| d.to_string()),
                    "{f:e}"
                );
                checked += 1;
            }
        }
        assert!(checked > 150_000, "fast path taken only {checked} times");
    }

    #[rstest]
    #[case(f64::NAN)]
    #[case(f64::INFINITY)]
    #[case(f64::NEG_INFINITY)]
    #[case(1e30)]
    #[case(1e29)]
    fn float_to_decimal_rejects_non_numbers(#[case] f: f64) {
        assert_eq!(float_to_decimal(f), None, "{f}");
    }

    // ---- parse_date_text ---------------------------------------------------

    #[rstest]
    #[case("03-03-2008", 2008, 3, 3)]
    #[case("3-3-2008", 2008, 3, 3)]
    #[case("3.3.2008", 2008, 3, 3)]
    #[case("03.03.2008", 2008, 3, 3)]
    #[case("2008-03-03", 2008, 3, 3)]
    #[case("3/3/2008", 2008, 3, 3)]
    #[case("3. marts 2008", 2008, 3, 3)]
    #[case("3 marts 2008", 2008, 3, 3)]
    #[case("3. mar. 2008", 2008, 3, 3)]
    #[case("3. Marts 2008", 2008, 3, 3)]
    #[case("3.marts 2008", 2008, 3, 3)]
    #[case("den 3. marts 2008", 2008, 3, 3)]
    #[case("\u{a0} 3. marts 2008 \u{a0}", 2008, 3, 3)]
    #[case("3.\u{a0}marts\u{a0}2008", 2008, 3, 3)]
    #[case("1. januar 2008", 2008, 1, 1)]
    #[case("1. jan. 2008", 2008, 1, 1)]
    #[case("29. februar 2008", 2008, 2, 29)]
    #[case("2. feb. 2008", 2008, 2, 2)]
    #[case("4. april 2008", 2008, 4, 4)]
    #[case("4. apr. 2008", 2008, 4, 4)]
    #[case("5. maj 2008", 2008, 5, 5)]
    #[case("6. juni 2008", 2008, 6, 6)]
    #[case("6. jun. 2008", 2008, 6, 6)]
    #[case("7. juli 2008", 2008, 7, 7)]
    #[case("7. jul. 2008", 2008, 7, 7)]
    #[case("8. august 2008", 2008, 8, 8)]
    #[case("8. aug. 2008", 2008, 8, 8)]
    #[case("9. september 2008", 2008, 9, 9)]
    #[case("9. sep. 2008", 2008, 9, 9)]
    #[case("9. sept. 2008", 2008, 9, 9)]
    #[case("10. oktober 2008", 2008, 10, 10)]
    #[case("10. okt. 2008", 2008, 10, 10)]
    #[case("11. november 2008", 2008, 11, 11)]
    #[case("11. nov. 2008", 2008, 11, 11)]
    #[case("12. december 2008", 2008, 12, 12)]
    #[case("12. dec. 2008", 2008, 12, 12)]
    #[case("31. DECEMBER 2008", 2008, 12, 31)]
    fn parse_date_text_reads_danish_dates(
        #[case] text: &str,
        #[case] y: i32,
        #[case] m: u32,
        #[case] day: u32,
    ) {
        assert_eq!(
            parse_date_text(text),
            NaiveDate::from_ymd_opt(y, m, day),
            "{text:?}"
        );
    }

    #[rstest]
    #[case("31-02-2008")]
    #[case("29. februar 2007")]
    #[case("2008-13-01")]
    #[case("32.1.2008")]
    #[case("foo")]
    #[case("")]
    #[case("3-3.2008")]
    #[case("3-3-08")]
    #[case("3. marts")]
    #[case("3. martsen 2008")]
    #[case("marts 2008")]
    #[case("2008")]
    #[case("03-03-2008 kl. 12")]
    fn parse_date_text_rejects_invalid(#[case] text: &str) {
        assert_eq!(parse_date_text(text), None, "{text:?}");
    }

    // ---- format_amount / format_danish_decimal ------------------------------

    #[rstest]
    #[case("6000000", Unit::MIO, "6,0 mio.")]
    #[case("12290000", Unit::MIO, "12,29 mio.")]
    #[case("73160000", Unit::MIO, "73,16 mio.")]
    #[case("73190000", Unit::MIO, "73,19 mio.")]
    #[case("1653000", Unit::MIO, "1,653 mio.")]
    #[case("24000000", Unit::MIO, "24,0 mio.")]
    #[case("-2500000", Unit::MIO, "-2,5 mio.")]
    #[case("500000", Unit::MIO, "0,5 mio.")]
    #[case("0", Unit::MIO, "0,0 mio.")]
    #[case("1234500000", Unit::MIO, "1.234,5 mio.")]
    #[case("1234567", Unit::MIO, "1,234567 mio.")]
    #[case("12290000.00", Unit::MIO, "12,29 mio.")]
    #[case("15000", Unit::KR, "15.000,0 kr.")]
    #[case("-500000.5", Unit::KR, "-500.000,5 kr.")]
    #[case("1234500", Unit::TKR, "1.234,5 t.kr.")]
    #[case("2500000000", Unit::MIA, "2,5 mia.")]
    fn format_amount_in_unit(#[case] kroner: &str, #[case] unit: Unit, #[case] want: &str) {
        assert_eq!(format_amount(d(kroner), &unit), want);
    }

    #[rstest]
    #[case("1234567.89", "1.234.567,89")]
    #[case("12.29", "12,29")]
    #[case("-5", "-5")]
    #[case("0", "0")]
    #[case("1000", "1.000")]
    #[case("999", "999")]
    #[case("100000", "100.000")]
    #[case("-1234.5", "-1.234,5")]
    #[case("6.0", "6,0")]
    #[case("0.001", "0,001")]
    fn format_danish_decimal_cases(#[case] value: &str, #[case] want: &str) {
        assert_eq!(format_danish_decimal(d(value)), want);
    }

    #[rstest]
    #[case("6,0 mio.")]
    #[case("12,29 mio.")]
    #[case("1,653 mio.")]
    #[case("1.234,5 mio.")]
    #[case("-2,5 mio.")]
    fn format_amount_reads_back(#[case] text: &str) {
        let a = parse_amount(text).unwrap();
        let kroner = a.value * a.unit.unwrap().factor;
        assert_eq!(format_amount(kroner, &Unit::MIO), text);
    }

    /// Every short text over an alphabet of awkward characters: no panic, no
    /// amount of 0 unless a 0 is written, and `raw` is always the text at
    /// `start`.
    #[test]
    fn no_panic_and_no_silent_zero_on_awkward_text() {
        let alphabet = [
            '1', '0', '.', ',', ' ', '\u{a0}', '½', '-', '(', ')', 'k', 'r', 'm', 'å',
        ];
        let mut level = vec![String::new()];
        let mut texts = Vec::new();
        for _ in 0..4 {
            level = level
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(level.iter().cloned());
        }
        assert_eq!(texts.len(), 14 + 14 * 14 + 14 * 14 * 14 + 14 * 14 * 14 * 14);
        for text in &texts {
            if let Ok(a) = parse_amount(text) {
                assert!(!a.value.is_zero() || text.contains('0'), "{text:?} → {a:?}");
            }
            for a in find_amounts(text) {
                assert_eq!(&text[a.start..a.start + a.raw.len()], a.raw, "{text:?}");
            }
            let _ = (parse_unit(text), find_unit(text), parse_date_text(text));
        }
    }
}
