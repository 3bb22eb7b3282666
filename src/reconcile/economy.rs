//! The amounts a status schema's Økonomi text names, against its budget
//! lines: `economy-mismatch`, `missing-budget-line` and `ambiguous-number`.
//!
//! The text is read as it is meant ([`parse_economy_text`]): every amount
//! [`find_amounts`] finds becomes a [`Claim`] with what it is an amount of
//! — a [`Scope`] — and, when it is a part of an amount before it, which one:
//!
//! - a part ("heraf", "hvoraf", "inkl.", "inklusive", "herunder", "svarende
//!   til", "deraf", "fordelt med", in parentheses; the amount before "ud af")
//!   is never added to the amount it is part of;
//! - "i perioden 2024-2027", "i årene 2007-9", "over fire år", "samlet",
//!   "i alt": the total of the lines; "pr. år", "/år", "årligt", "om året":
//!   every year of the lines; "i 2024", "for 2009": that year;
//! - nothing of the kind: the scope is unclear.
//!
//! The initiative's lines are those [`super::matching`] gave it; their
//! amounts are summed per year. Then [`compare`]:
//!
//! - no amount named ("Finansieres via SSP – sekretariatets ordinære ramme",
//!   a text with only percentages): nothing to check;
//! - amounts named, no line: `missing-budget-line`;
//! - amounts of one scope are summed ("7,5 mio. kr. plus 1 mio. kr.") and
//!   compared like with like: a total with the lines' total, a yearly amount
//!   with each year the lines state, a year's amount with that year (a year
//!   the lines do not state is not compared); a part is compared only when
//!   it is a plain year's or yearly amount of a total ("heraf 18,64 mio. kr.
//!   i 2024"), not when it is earmarked ("heraf 0,5 mio. kr. til
//!   evaluering");
//! - an amount of unclear scope agrees when it equals the total or one
//!   year's amount; when the lines have one year, every reading is the same
//!   and a difference is a difference;
//! - a difference: `economy-mismatch` (warning), one per status schema;
//! - when bilag cannot tell what an amount is of (an unclear amount that
//!   matches nothing, an unclear amount next to amounts it could be part
//!   of): `economy-mismatch` as *info*, saying that bilag could not tell —
//!   a caseworker is not asked to correct a text that may be right.
//!
//! Every amount read under an assumption ("10.1 mio. kr.", "7, 5 mio.kr")
//! is reported as `ambiguous-number`, also when it agrees with the budget.

use super::matching::{LineMatch, Matching};
use super::{display_unit, join_danish, located, money, quote};
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::model::{Initiative, Model, Year};
use crate::normalize::danish::{
    find_amounts, format_amount, format_danish_decimal, parse_amount, Assumption, TextAmount, Unit,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A text this long or shorter is quoted whole; a longer one by its amounts.
const QUOTE_WHOLE_MAX: usize = 100;

// ---------------------------------------------------------------------------
// Claims: what the text says.

/// What an amount in an Økonomi text is an amount of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The whole period: "i perioden 2024-2027", "over fire år", "samlet".
    Total,
    /// Every year: "pr. år", "/år", "årligt", "om året".
    PerYear,
    /// One year: "i 2024", "for 2009".
    Year(i32),
    /// The text does not say.
    Unclear,
}

/// One amount of an Økonomi text and what it is an amount of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub amount: TextAmount,
    pub scope: Scope,
    /// The claim this one is a part of ("heraf", "inkl.", in parentheses …):
    /// an index into the same list. A part is never added to its whole.
    pub part_of: Option<usize>,
    /// A part set aside for something ("til evaluering", "er
    /// medfinansiering"): a share of its scope, not all of it.
    pub earmarked: bool,
    /// "ca. 2 mio. kr.": agrees with what rounds to it.
    pub approx: bool,
}

impl Claim {
    /// Kroner the claim may be off by and still agree: half the last digit
    /// written for an approximate amount ("ca. 2 mio." → 500.000), else 0.
    fn tolerance(&self) -> Decimal {
        if !self.approx {
            return Decimal::ZERO;
        }
        match parse_amount(&self.amount.raw) {
            Ok(a) => {
                let factor = a.unit.map_or(Decimal::ONE, |u| u.factor);
                factor * Decimal::new(5, a.value.scale() + 1)
            }
            Err(_) => Decimal::ZERO,
        }
    }

    /// Compared with the lines at all: every whole amount, and a part that
    /// is a plain year's or yearly amount of a total or an unclear amount.
    fn compared(&self, claims: &[Claim]) -> bool {
        match self.part_of {
            None => true,
            Some(p) => {
                !self.earmarked
                    && matches!(self.scope, Scope::PerYear | Scope::Year(_))
                    && matches!(claims[p].scope, Scope::Total | Scope::Unclear)
            }
        }
    }
}

/// Words that make the amount after them a part of the amount before.
const PART_MARKERS: &[&str] = &[
    "heraf",
    "hvoraf",
    "deraf",
    "herunder",
    "heriblandt",
    "inkl.",
    "inkl",
    "inklusive",
    "inklusiv",
    "svarende til",
    "fordelt med",
    "fordelt på",
    "fordelt som",
];

/// Words that start a new amount of its own after a part.
const NEW_AMOUNT_MARKERS: &[&str] = &[
    "plus",
    "+",
    "endvidere",
    "derudover",
    "desuden",
    "hertil",
    "yderligere",
    "afsat",
    "afsættes",
    "bevilget",
    "bevilges",
];

/// Words before an amount that make it approximate.
const APPROX_MARKERS: &[&str] = &["ca.", "ca", "cirka", "omkring", "omtrent", "anslået"];

/// "Per year" words in a clause (those right after an amount are already in
/// [`TextAmount::per_year`]).
const PER_YEAR_WORDS: &[&str] = &[
    "pr. år",
    "pr år",
    "per år",
    "om året",
    "hvert år",
    "/år",
    "/ år",
    "årligt",
    "årlig",
    "årlige",
];

/// Whole-period words in a clause.
const TOTAL_WORDS: &[&str] = &[
    "i alt",
    "samlet",
    "samlede",
    "totalt",
    "perioden",
    "projektperioden",
    "budgetperioden",
    "årene",
];

/// Number words for "over fire år".
const NUMBER_WORDS: &[&str] = &[
    "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "et", "en", "1", "2", "3", "4",
    "5", "6", "7", "8", "9", "10",
];

/// Words that may stand next to a part's amount without earmarking it:
/// scope words, connectors, years.
const PLAIN_WORDS: &[&str] = &[
    "i", "for", "og", "samt", "pr", "per", "om", "år", "året", "årene", "årligt", "årlig",
    "årlige", "hvert", "perioden", "alt", "samlet", "over", "fra", "kr", "mio",
];

/// The words the text's amounts stand between: `before` from the previous
/// amount (or the start), `after` up to the next (or the end).
struct Around<'a> {
    before: &'a str,
    after: &'a str,
    /// `after` reaches the end of the text.
    last: bool,
}

/// Reads an Økonomi text as it is meant: its amounts, each with its scope
/// and, for a part of an amount before it, that amount.
///
/// ```
/// use bilag::reconcile::economy::{parse_economy_text, Scope};
/// let claims = parse_economy_text(
///     "Der er afsat 59,59 mio. kr. i perioden 2024-2027, heraf 18,64 mio. kr. i 2024.",
/// );
/// assert_eq!(claims.len(), 2);
/// assert_eq!((claims[0].scope, claims[0].part_of), (Scope::Total, None));
/// assert_eq!((claims[1].scope, claims[1].part_of), (Scope::Year(2024), Some(0)));
/// ```
pub fn parse_economy_text(text: &str) -> Vec<Claim> {
    let amounts = find_amounts(text);
    let mut claims: Vec<Claim> = Vec::with_capacity(amounts.len());
    for (k, amount) in amounts.iter().enumerate() {
        let prev_end = k
            .checked_sub(1)
            .map_or(0, |p| amounts[p].start + amounts[p].raw.len());
        let end = amount.start + amount.raw.len();
        let next = amounts.get(k + 1).map_or(text.len(), |n| n.start);
        let around = Around {
            before: &text[prev_end..amount.start],
            after: &text[end..next],
            last: next == text.len(),
        };
        let depth = paren_depth(&text[..amount.start]);
        let depth_of = |i: usize| paren_depth(&text[..amounts[i].start]);
        let (claim, out_of) = read_claim(amount.clone(), &around, depth, &claims, depth_of);
        if out_of {
            // "2 mio. kr. ud af 8 mio. kr.": the amount before is the part.
            if let Some(prev) = claims.last_mut() {
                prev.part_of = Some(k);
            }
        }
        claims.push(claim);
    }
    claims
}

/// One amount as a claim, given the claims before it. The bool: the amount
/// before this one is a part of it ("ud af").
fn read_claim(
    amount: TextAmount,
    around: &Around,
    depth: usize,
    claims: &[Claim],
    depth_of: impl Fn(usize) -> usize,
) -> (Claim, bool) {
    let lead = lead_clause(around.before).to_lowercase();
    let lead = lead.as_str();
    let tail = tail_clause(around.after, around.last).to_lowercase();
    let approx = APPROX_MARKERS
        .iter()
        .any(|m| ends_with_word(&around.before.trim_end().to_lowercase(), m));
    let scope = if amount.per_year {
        Scope::PerYear
    } else {
        scope_after(&tail)
            .or_else(|| scope_before(own_lead(lead)))
            .unwrap_or(Scope::Unclear)
    };

    let whole = claims.iter().rposition(|c| c.part_of.is_none());
    let marker = PART_MARKERS
        .iter()
        .filter_map(|m| find_word(lead, m).map(|at| at + m.len()))
        .max();
    let out_of = find_word(lead, "ud af").is_some() && !claims.is_empty();
    let part_of = match whole {
        Some(w) if !out_of => {
            if marker.is_some() || depth > depth_of(w) {
                Some(w)
            } else {
                continued_part(claims, around.before, lead, depth, &depth_of)
            }
        }
        _ => None,
    };
    let earmarked = part_of.is_some()
        && (has_other_words(&tail) || find_word(&lead[marker.unwrap_or(0)..], "til").is_some());
    (
        Claim {
            amount,
            scope,
            part_of,
            earmarked,
            approx,
        },
        out_of,
    )
}

/// "heraf 6 mio. kr. i 2024 og 6 mio. kr. i 2025": an amount after a part,
/// in the same sentence and parentheses, with nothing that starts an amount
/// of its own, is a part of the same whole.
fn continued_part(
    claims: &[Claim],
    before: &str,
    lead: &str,
    depth: usize,
    depth_of: &impl Fn(usize) -> usize,
) -> Option<usize> {
    let prev = claims.len().checked_sub(1)?;
    let whole = claims[prev].part_of?;
    let same_sentence = sentence_break(before).is_none() && !before.contains(')');
    let new_amount = NEW_AMOUNT_MARKERS
        .iter()
        .any(|m| find_word(lead, m).is_some());
    (same_sentence && !new_amount && depth >= depth_of(prev)).then_some(whole)
}

/// How many parentheses are open at the end of `s`.
fn paren_depth(s: &str) -> usize {
    s.chars().fold(0usize, |d, c| match c {
        '(' => d + 1,
        ')' => d.saturating_sub(1),
        _ => d,
    })
}

/// Byte offset just after the last sentence end in `s` (". D", ";", a line
/// break), if any.
fn sentence_break(s: &str) -> Option<usize> {
    let mut found = None;
    for (i, c) in s.char_indices() {
        match c {
            ';' | '\n' => found = Some(i + c.len_utf8()),
            '.' | '!' | '?' => {
                let rest = &s[i + 1..];
                let next = rest.trim_start().chars().next();
                if rest.starts_with(char::is_whitespace) && next.is_some_and(char::is_uppercase) {
                    found = Some(i + 1);
                }
            }
            _ => {}
        }
    }
    found
}

/// The clause just before an amount: after the last sentence end, comma or
/// parenthesis of `before`.
fn lead_clause(before: &str) -> &str {
    let from = before
        .rfind([',', '(', ')', ';', '\n'])
        .map(|i| i + 1)
        .into_iter()
        .chain(sentence_break(before))
        .max()
        .unwrap_or(0);
    &before[from..]
}

/// Words that join two amounts: what stands before them in a lead belongs
/// to the amount before ("11,9 mio. kr./ år og 2 mio. kr.").
const JOINING_WORDS: &[&str] = &["og", "samt", "plus", "+", "men", "mens"];

/// The part of a lead that is the amount's own: after the last joining word.
fn own_lead(lead: &str) -> &str {
    let from = JOINING_WORDS
        .iter()
        .filter_map(|w| word_positions(lead, w).last().map(|i| i + w.len()))
        .max()
        .unwrap_or(0);
    &lead[from..]
}

/// The clause just after an amount: up to the first comma,
/// parenthesis, semicolon, line break, sentence end or part marker ("2 mio.
/// kr. ud af …", "4 mio. kr. inkl. …"). `last`: the text ends
/// with it, so a final full stop ends the sentence.
fn tail_clause(after: &str, last: bool) -> &str {
    let mut end = after.len();
    for (i, c) in after.char_indices() {
        let stop = match c {
            ',' | '(' | ')' | ';' | '\n' | ':' => true,
            '.' | '!' | '?' => {
                let rest = &after[i + 1..];
                (last && rest.trim().is_empty())
                    || (rest.starts_with(char::is_whitespace)
                        && rest
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(|n| !n.is_lowercase()))
            }
            _ => false,
        };
        if stop {
            end = i;
            break;
        }
    }
    let clause = &after[..end];
    let lower = clause.to_lowercase();
    let cut = PART_MARKERS
        .iter()
        .chain(&["ud af"])
        .filter_map(|m| find_word(&lower, m))
        .min()
        .filter(|_| lower.len() == clause.len())
        .unwrap_or(clause.len());
    &clause[..cut]
}

/// The words of `s` with where each starts.
fn words_at(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Where `word` first stands in `hay` as a word of its own.
fn find_word(hay: &str, word: &str) -> Option<usize> {
    word_positions(hay, word).next()
}

fn word_positions<'a>(hay: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    hay.match_indices(word).map(|(i, _)| i).filter(move |&i| {
        let before_ok = !word.starts_with(is_word_char)
            || hay[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
        let after_ok = !word.ends_with(is_word_char)
            || hay[i + word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c));
        before_ok && after_ok
    })
}

fn ends_with_word(hay: &str, word: &str) -> bool {
    hay.ends_with(word)
        && hay[..hay.len() - word.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c))
}

/// A year as written in Økonomi texts: 1990–2099, a word of its own.
fn year_at(s: &str, i: usize) -> Option<i32> {
    let digits = s.get(i..i + 4)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s[..i].chars().next_back().is_some_and(is_word_char)
        || s[i + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    let y: i32 = digits.parse().ok()?;
    (1990..=2099).contains(&y).then_some(y)
}

/// The scope words of a clause, each with where it stands.
fn scope_words(clause: &str) -> Vec<(usize, Scope)> {
    let mut found = Vec::new();
    for w in PER_YEAR_WORDS {
        found.extend(word_positions(clause, w).map(|i| (i, Scope::PerYear)));
    }
    for w in TOTAL_WORDS {
        found.extend(word_positions(clause, w).map(|i| (i, Scope::Total)));
    }
    // "4-årig", "fireårig", "flerårige".
    found.extend(clause.match_indices("årig").map(|(i, _)| (i, Scope::Total)));
    // "over fire år", "i 4 år".
    let words = words_at(clause);
    for win in words.windows(3) {
        let [(at, a), (_, n), (_, y)] = [win[0], win[1], win[2]];
        if matches!(a, "over" | "i") && NUMBER_WORDS.contains(&n) && y == "år" {
            found.push((at, Scope::Total));
        }
    }
    for (i, _) in clause.char_indices() {
        let Some(y) = year_at(clause, i) else {
            continue;
        };
        if let Some(scope) = year_scope(clause, i, y) {
            found.push((i, scope));
        }
    }
    found.sort();
    found
}

/// What the year `y` at `i` of a clause makes an amount: a range ("2024-2027",
/// "2007-9", "fra 2024 til 2027") the whole period, a list ("i 2009 og 2010")
/// unclear, "i 2024", "for 2009", "2024:" that year; anything else
/// ("budgetforliget 2007", "2024-priser") nothing.
fn year_scope(clause: &str, i: usize, y: i32) -> Option<Scope> {
    let rest = &clause[i + 4..];
    let after = rest.trim_start();
    if let Some(r) = after.strip_prefix(['-', '–', '—', '/']) {
        return if r.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
            Some(Scope::Total)
        } else {
            None
        };
    }
    let next_year = |r: &str| {
        let r = r.trim_start();
        r.len() >= 4 && year_at(r, 0).is_some()
    };
    let previous = clause[..i]
        .split(|c: char| !is_word_char(c))
        .rfind(|w| !w.is_empty())
        .unwrap_or("");
    if let Some(r) = after
        .strip_prefix("til og med")
        .or_else(|| after.strip_prefix("til"))
    {
        if previous == "fra" && next_year(r) {
            return Some(Scope::Total);
        }
    }
    if let Some(r) = after.strip_prefix("og").or_else(|| after.strip_prefix(',')) {
        if next_year(r) {
            return Some(Scope::Unclear);
        }
    }
    if rest.starts_with(':') {
        return Some(Scope::Year(y));
    }
    matches!(
        previous,
        "i" | "for" | "år" | "året" | "budgetår" | "budgetåret" | "regnskabsåret"
    )
    .then_some(Scope::Year(y))
}

/// The scope the clause after an amount gives it: its first scope word.
fn scope_after(tail: &str) -> Option<Scope> {
    scope_words(tail).first().map(|&(_, s)| s)
}

/// The scope the clause before an amount gives it: its last scope word.
fn scope_before(lead: &str) -> Option<Scope> {
    scope_words(lead).last().map(|&(_, s)| s)
}

/// Does the clause after a part's amount say what the part is for ("til
/// evaluering", "er medfinansiering"), beyond scope words and connectors?
fn has_other_words(tail: &str) -> bool {
    tail.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .any(|w| {
            !PLAIN_WORDS.contains(&w)
                && !NUMBER_WORDS.contains(&w)
                && !w.chars().all(|c| c.is_ascii_digit())
        })
}

// ---------------------------------------------------------------------------
// Comparing: what the lines say.

/// The lines' amounts per year, summed over the lines matched to one
/// initiative.
pub type LineYears = BTreeMap<Year, Decimal>;

/// What comparing an Økonomi text with its lines found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The text and the lines disagree (a warning).
    Differs(Vec<Difference>),
    /// bilag cannot tell what these claims are amounts of (info).
    CannotTell(Vec<usize>),
}

/// One comparison that failed: the claims (indices) whose sum was compared,
/// read as `scope`, and what the lines have instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub claims: Vec<usize>,
    pub scope: Scope,
    pub said: Decimal,
    pub line: LineSays,
}

/// What the lines have where a text differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineSays {
    /// No amount at all.
    Nothing,
    /// This total over all their years.
    Total(Decimal),
    /// These amounts in these years (each amount with its years).
    Years(Vec<(Decimal, Vec<Year>)>),
}

/// Claims of one scope, summed.
#[derive(Debug, Default, Clone)]
struct Sum {
    claims: Vec<usize>,
    kroner: Decimal,
    tolerance: Decimal,
}

impl Sum {
    fn add(&mut self, i: usize, c: &Claim) {
        self.claims.push(i);
        self.kroner += c.amount.kroner;
        self.tolerance += c.tolerance();
    }

    fn agrees(&self, line: Decimal) -> bool {
        (line - self.kroner).abs() <= self.tolerance
    }

    fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }
}

/// Compares what a text claims with its lines' amounts; `None` when they
/// agree or there is nothing to compare.
///
/// ```
/// use bilag::reconcile::economy::{compare, parse_economy_text, LineYears, Verdict};
/// use rust_decimal::Decimal;
/// let mio = |m: i64| Decimal::new(m, 2) * Decimal::from(1_000_000);
/// let line: LineYears = [("2024", 1864), ("2025", 1365), ("2026", 1365), ("2027", 1365)]
///     .into_iter()
///     .map(|(y, a)| (y.into(), mio(a)))
///     .collect();
/// let text = "Der er afsat 59,59 mio. kr. i perioden 2024-2027, heraf 18,64 mio. kr. i 2024.";
/// assert_eq!(compare(&parse_economy_text(text), &line), None);
/// let text = "Der er afsat 59,59 mio. kr. i perioden 2024-2027, heraf 18 mio. kr. i 2024.";
/// assert!(matches!(compare(&parse_economy_text(text), &line), Some(Verdict::Differs(_))));
/// ```
pub fn compare(claims: &[Claim], line: &LineYears) -> Option<Verdict> {
    let heads: Vec<usize> = (0..claims.len())
        .filter(|&i| claims[i].part_of.is_none())
        .collect();
    if heads.is_empty() {
        return None;
    }
    if line.is_empty() {
        let mut all = Sum::default();
        heads.iter().for_each(|&i| all.add(i, &claims[i]));
        let scope = common_scope(claims, &heads);
        return Some(Verdict::Differs(vec![Difference {
            claims: all.claims,
            scope,
            said: all.kroner,
            line: LineSays::Nothing,
        }]));
    }

    let (mut total, mut each, mut unclear) = (Sum::default(), Sum::default(), Sum::default());
    let mut years: BTreeMap<i32, Sum> = BTreeMap::new();
    for &i in &heads {
        let c = &claims[i];
        match c.scope {
            Scope::Total => total.add(i, c),
            Scope::PerYear => each.add(i, c),
            Scope::Year(y) => years.entry(y).or_default().add(i, c),
            Scope::Unclear => unclear.add(i, c),
        }
    }
    let line_total: Decimal = line.values().copied().sum();
    let mut diffs = Vec::new();
    let mut unclear_placed = unclear.is_empty();

    if !total.is_empty() {
        let mut with_unclear = total.clone();
        with_unclear.kroner += unclear.kroner;
        with_unclear.tolerance += unclear.tolerance;
        if !unclear.is_empty() && with_unclear.agrees(line_total) {
            // "… i årene 2007-9. Der er endvidere afsat 1,5 mio. kr.": on top.
            unclear_placed = true;
        } else if !total.agrees(line_total) {
            diffs.push(total_difference(&total, Scope::Total, line_total));
        }
    }
    diffs.extend(yearly_differences(&each, &years, line));
    for (i, c) in claims.iter().enumerate() {
        if c.part_of.is_some() && c.compared(claims) {
            let mut one = Sum::default();
            one.add(i, c);
            diffs.extend(part_difference(&one, c.scope, line, line_total));
        }
    }

    if !unclear_placed {
        let scoped = !total.is_empty() || !each.is_empty() || !years.is_empty();
        if scoped {
            // An amount next to others it may be part of or on top of.
            return Some(Verdict::CannotTell(unclear.claims));
        }
        let fits = unclear.agrees(line_total) || line.values().any(|&a| unclear.agrees(a));
        if !fits {
            // An amount without a scope that agrees with no reading (not the
            // total, not any year) disagrees whatever it means: a warning,
            // compared with the line's total as the text most likely means.
            diffs.push(total_difference(&unclear, Scope::Unclear, line_total));
        }
    }
    (!diffs.is_empty()).then_some(Verdict::Differs(diffs))
}

/// The scope all of `idx` share, else unclear.
fn common_scope(claims: &[Claim], idx: &[usize]) -> Scope {
    let first = idx.first().map_or(Scope::Unclear, |&i| claims[i].scope);
    if idx.iter().all(|&i| claims[i].scope == first) {
        first
    } else {
        Scope::Unclear
    }
}

fn total_difference(sum: &Sum, scope: Scope, line_total: Decimal) -> Difference {
    Difference {
        claims: sum.claims.clone(),
        scope,
        said: sum.kroner,
        line: LineSays::Total(line_total),
    }
}

/// A yearly amount against every year the lines state, and a year's amount
/// against that year (on top of a yearly amount, or alone: "6 mio. kr.
/// årligt, i 2024 dog 8 mio. kr." and "… hertil 2 mio. kr. i 2024" both
/// read). A year the lines do not state is not compared.
fn yearly_differences(each: &Sum, years: &BTreeMap<i32, Sum>, line: &LineYears) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut each_differs: BTreeMap<Decimal, Vec<Year>> = BTreeMap::new();
    for (y, &amount) in line {
        let in_year = y.parse::<i32>().ok().and_then(|y| years.get(&y));
        match in_year {
            Some(ys) => {
                let mut both = ys.clone();
                both.kroner += each.kroner;
                both.tolerance += each.tolerance;
                both.claims.extend(&each.claims);
                if !ys.agrees(amount) && (each.is_empty() || !both.agrees(amount)) {
                    let said = if each.is_empty() { ys } else { &both };
                    out.push(year_difference(said, y, amount));
                }
            }
            None if !each.is_empty() && !each.agrees(amount) => {
                each_differs.entry(amount).or_default().push(y.clone());
            }
            None => {}
        }
    }
    if !each_differs.is_empty() {
        out.insert(
            0,
            Difference {
                claims: each.claims.clone(),
                scope: Scope::PerYear,
                said: each.kroner,
                line: LineSays::Years(each_differs.into_iter().collect()),
            },
        );
    }
    out
}

fn year_difference(said: &Sum, year: &Year, amount: Decimal) -> Difference {
    Difference {
        claims: said.claims.clone(),
        scope: Scope::Year(year.parse().unwrap_or_default()),
        said: said.kroner,
        line: LineSays::Years(vec![(amount, vec![year.clone()])]),
    }
}

/// A part that is a plain year's or yearly amount ("heraf 18,64 mio. kr. i
/// 2024", "(6 mio. kr. årligt)") against that year or every year.
fn part_difference(
    part: &Sum,
    scope: Scope,
    line: &LineYears,
    line_total: Decimal,
) -> Option<Difference> {
    match scope {
        Scope::Total if !part.agrees(line_total) => Some(total_difference(part, scope, line_total)),
        Scope::PerYear | Scope::Year(_) => {
            let years = match scope {
                Scope::Year(y) => [(y, part.clone())].into_iter().collect(),
                _ => BTreeMap::new(),
            };
            let each = if scope == Scope::PerYear {
                part.clone()
            } else {
                Sum::default()
            };
            yearly_differences(&each, &years, line).into_iter().next()
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Findings.

/// The economy findings of the whole model.
pub fn check_economy(model: &Model, format: &Format, matching: &Matching) -> Vec<Finding> {
    let unit = display_unit(format);
    let mut out = Vec::new();
    for (s, sub) in model.submissions.iter().enumerate() {
        for (i, init) in sub.initiatives.iter().enumerate() {
            let Some((label, text)) = economy_text(init, format) else {
                continue;
            };
            let claims = parse_economy_text(text);
            if claims.is_empty() {
                continue;
            }
            let at = init
                .field_sources
                .get(label)
                .filter(|src| !src.sheet.is_empty())
                .unwrap_or(&init.source);
            let finding = |code, msg: String| located(Finding::new(code, &sub.source, msg), at);

            for c in claims.iter().filter(|c| c.amount.assumption.is_some()) {
                out.push(finding(
                    Code::AmbiguousNumber,
                    ambiguous_message(init, label, &c.amount, &unit),
                ));
            }

            let lines = matching.lines_for(s, i);
            let said = Said {
                label,
                title: &init.title,
                text,
                claims: &claims,
                unit: &unit,
            };
            if lines.is_empty() {
                out.push(finding(Code::MissingBudgetLine, said.missing_line()));
                continue;
            }
            let line = line_years(model, lines);
            let phrase = lines_phrase(model, s, lines);
            match compare(&claims, &line) {
                None => {}
                Some(Verdict::Differs(diffs)) => out.push(finding(
                    Code::EconomyMismatch,
                    said.differs(&diffs, &phrase, &line),
                )),
                Some(Verdict::CannotTell(unclear)) => out.push(finding(
                    Code::EconomyUnclear,
                    said.cannot_tell(&unclear, &phrase, &line),
                )),
            }
        }
    }
    out
}

/// The lines' amounts summed per year.
fn line_years(model: &Model, lines: &[LineMatch]) -> LineYears {
    let mut sums = LineYears::new();
    for m in lines {
        for (y, a) in &model.submissions[m.submission].budget_lines[m.line].amounts {
            *sums.entry(y.clone()).or_default() += *a;
        }
    }
    sums
}

/// An Økonomi text and its claims, for messages.
struct Said<'a> {
    label: &'a str,
    title: &'a str,
    text: &'a str,
    claims: &'a [Claim],
    unit: &'a Unit,
}

impl Said<'_> {
    /// The claims `idx` as quoted: the whole text when it is short and they
    /// are all its amounts, else their amounts as written.
    fn named(&self, idx: &[usize]) -> String {
        if idx.len() == self.claims.len() && self.text.chars().count() <= QUOTE_WHOLE_MAX {
            quote(self.text, QUOTE_WHOLE_MAX)
        } else {
            let parts: Vec<String> = idx
                .iter()
                .map(|&i| quote(&self.claims[i].amount.raw, 40))
                .collect();
            join_danish(&parts)
        }
    }

    fn missing_line(&self) -> String {
        let heads: Vec<usize> = (0..self.claims.len())
            .filter(|&i| self.claims[i].part_of.is_none())
            .collect();
        let sum: Decimal = heads.iter().map(|&i| self.claims[i].amount.kroner).sum();
        format!(
            "Statusskemaet '{}' nævner {} = {} under {}, men ingen budgetlinje matcher titlen; tilføj budgetlinjen, eller ret titlen, så den svarer til budgettets.",
            self.title,
            self.named(&heads),
            money(sum, self.unit),
            self.label,
        )
    }

    /// "Økonomi for 'X' siger '…' = 18,64 mio. (…) i 2024, men budgetlinjen
    /// 'X' har 18,0 mio. (…) i 2024; ret teksten eller budgettet."
    fn differs(&self, diffs: &[Difference], phrase: &str, line: &LineYears) -> String {
        let parts: Vec<String> = diffs
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let (verb, lines) = if k == 0 {
                    (format!("{} for '{}' siger", self.label, self.title), phrase)
                } else {
                    (format!("{} siger også", self.label), "den")
                };
                format!(
                    "{verb} {} = {}{}, men {lines} har {}",
                    self.named(&d.claims),
                    money(d.said, self.unit),
                    scope_phrase(d.scope),
                    self.line_says(&d.line, line),
                )
            })
            .collect();
        format!("{}; ret teksten eller budgettet.", parts.join("; "))
    }

    fn line_says(&self, says: &LineSays, line: &LineYears) -> String {
        match says {
            LineSays::Nothing => "ingen beløb".to_string(),
            LineSays::Total(t) => format!("{} i alt{}", money(*t, self.unit), span(line)),
            LineSays::Years(groups) => {
                let parts: Vec<String> = groups
                    .iter()
                    .map(|(a, ys)| {
                        let ys: Vec<String> = ys.iter().map(|y| y.to_string()).collect();
                        format!("{} i {}", money(*a, self.unit), join_danish(&ys))
                    })
                    .collect();
                join_danish(&parts)
            }
        }
    }

    /// The info when bilag cannot tell what an amount is of.
    fn cannot_tell(&self, unclear: &[usize], phrase: &str, line: &LineYears) -> String {
        let sum: Decimal = unclear.iter().map(|&i| self.claims[i].amount.kroner).sum();
        let amount = format!("{} = {}", self.named(unclear), money(sum, self.unit));
        let others = (0..self.claims.len()).any(|i| {
            !unclear.contains(&i)
                && self.claims[i].part_of.is_none()
                && self.claims[i].scope != Scope::Unclear
        });
        let why = if others {
            "teksten siger ikke, om det er en del af de andre beløb, kommer oveni eller dækker noget andet"
        } else {
            "teksten siger ikke, om det gælder i alt, pr. år eller et bestemt år, og det svarer hverken til linjernes samlede beløb eller til et enkelt års"
        };
        let year = line
            .keys()
            .next()
            .map_or("2009".to_string(), |y| y.to_string());
        format!(
            "bilag kan ikke afgøre, hvad {amount} under {} for '{}' er et beløb for ({why}); {phrase} har {}; skriv fx 'i alt', 'pr. år' eller 'i {year}' ved beløbet, hvis det skal kontrolleres.",
            self.label,
            self.title,
            self.line_summary(line),
        )
    }

    /// "12,29 mio. (…) i 2008, 2009, 2010 og 2011 (49,16 mio. i alt)" when
    /// every year is the same, else "49,16 mio. (…) i alt for 2008–2011 (12,0 mio. i 2008, …)".
    fn line_summary(&self, line: &LineYears) -> String {
        let years: Vec<String> = line.keys().map(|y| y.to_string()).collect();
        let first = line.values().next().copied().unwrap_or_default();
        let total: Decimal = line.values().copied().sum();
        if line.values().all(|&a| a == first) {
            return format!(
                "{} i {} ({} i alt)",
                money(first, self.unit),
                join_danish(&years),
                format_amount(total, self.unit)
            );
        }
        let each: Vec<String> = line
            .iter()
            .map(|(y, a)| format!("{} i {y}", format_amount(*a, self.unit)))
            .collect();
        format!(
            "{} i alt{} ({})",
            money(total, self.unit),
            span(line),
            each.join(", ")
        )
    }
}

/// " i alt", " pr. år", " i 2024" after an amount read as `scope`.
fn scope_phrase(scope: Scope) -> String {
    match scope {
        Scope::Total | Scope::Unclear => " i alt".to_string(),
        Scope::PerYear => " pr. år".to_string(),
        Scope::Year(y) => format!(" i {y}"),
    }
}

/// " for 2008–2011", " for 2008", or nothing.
fn span(line: &LineYears) -> String {
    match (line.keys().next(), line.keys().next_back()) {
        (Some(a), Some(b)) if a != b => format!(" for {a}–{b}"),
        (Some(a), _) => format!(" for {a}"),
        _ => String::new(),
    }
}

/// The initiative's economy field label and text, if it has one.
fn economy_text<'a>(init: &'a Initiative, format: &'a Format) -> Option<(&'a str, &'a str)> {
    let labels: Vec<&str> = match format.section(init.section) {
        Some(sec) => sec
            .fields
            .iter()
            .filter(|f| f.economy)
            .map(|f| f.label.as_str())
            .collect(),
        None => format
            .sections
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.economy)
            .map(|f| f.label.as_str())
            .collect(),
    };
    labels
        .into_iter()
        .find_map(|l| init.fields.get_key_value(l))
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

fn ambiguous_message(init: &Initiative, label: &str, a: &TextAmount, unit: &Unit) -> String {
    let why = match a.assumption {
        Some(Assumption::DotAsDecimalComma) => "punktummet er læst som decimalkomma",
        Some(Assumption::StraySpace) => "mellemrummet efter kommaet er ignoreret",
        None => "",
    };
    format!(
        "'{}' under {label} i '{}' er læst som {} = {} kr. ({why}); ret teksten, hvis beløbet er ment anderledes.",
        a.raw,
        init.title,
        format_amount(a.kroner, unit),
        format_danish_decimal(a.kroner),
    )
}

/// "budgetlinjen 'X'" / "budgetlinjerne 'X' og 'Y'", naming another file
/// when a line is not in the initiative's own submission.
fn lines_phrase(model: &Model, own: usize, lines: &[LineMatch]) -> String {
    let names: Vec<String> = lines
        .iter()
        .map(|m| {
            let sub = &model.submissions[m.submission];
            let line = &sub.budget_lines[m.line];
            let mut s = format!("'{}'", line.title.trim());
            let src = &line.source;
            if m.submission != own {
                s.push_str(&format!(" i {}", sub.source));
            }
            if !src.sheet.is_empty() && !src.cell.is_empty() {
                s.push_str(&format!(" ({}!{})", src.sheet, src.cell));
            }
            s
        })
        .collect();
    let noun = if lines.len() == 1 {
        "budgetlinjen"
    } else {
        "budgetlinjerne"
    };
    format!("{noun} {}", join_danish(&names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// A claim as "kroner scope [<whole] [earmarked] [ca]": "18640000 2024 <0".
    fn show(claims: &[Claim]) -> Vec<String> {
        claims
            .iter()
            .map(|c| {
                let mut s = format!("{} ", c.amount.kroner);
                s.push_str(&match c.scope {
                    Scope::Total => "total".to_string(),
                    Scope::PerYear => "per-year".to_string(),
                    Scope::Year(y) => y.to_string(),
                    Scope::Unclear => "?".to_string(),
                });
                if let Some(p) = c.part_of {
                    s.push_str(&format!(" <{p}"));
                }
                if c.earmarked {
                    s.push_str(" earmarked");
                }
                if c.approx {
                    s.push_str(" ca");
                }
                s
            })
            .collect()
    }

    #[rstest]
    // The issue's text: a part is not added, a year's part is that year's.
    #[case::period_heraf_year(
        "Der er afsat 59,59 mio. kr. i perioden 2024-2027, heraf 18,64 mio. kr. i 2024.",
        &["59590000 total", "18640000 2024 <0"]
    )]
    #[case::period_en_dash_heraf(
        "Der er afsat 24 mio. kr. i perioden 2008–2011, heraf 6 mio. kr. i 2008.",
        &["24000000 total", "6000000 2008 <0"]
    )]
    #[case::seed_per_year("6,0 mio pr. år", &["6000000 per-year"])]
    #[case::seed_slash_year("11,9 mio. kr./ år", &["11900000 per-year"])]
    #[case::slash_year_glued("11,9 mio. kr./år", &["11900000 per-year"])]
    #[case::seed_afsat("Der er afsat 1,653 mio. kr.", &["1653000 ?"])]
    #[case::samlet_over_years_parenthesised_yearly(
        "Samlet 24 mio. kr. over 4 år (6 mio. kr. årligt)",
        &["24000000 total", "6000000 per-year <0"]
    )]
    #[case::over_fire_aar("Der er afsat 24 mio. kr. over fire år.", &["24000000 total"])]
    #[case::two_years(
        "2,5 mio. kr. i 2009 og 3 mio. kr. i 2010",
        &["2500000 2009", "3000000 2010"]
    )]
    #[case::hvoraf_earmarked(
        "Budget: 4 mio. kr., hvoraf 1 mio. kr. er medfinansiering",
        &["4000000 ?", "1000000 ? <0 earmarked"]
    )]
    #[case::no_amount("Finansieres via SSP – sekretariatets ordinære ramme", &[])]
    #[case::percentages_only("Landsbyggefonden finansierer 75 % af budgetterne", &[])]
    #[case::ca_yearly("ca. 2 mio. kr. årligt", &["2000000 per-year ca"])]
    #[case::cirka_yearly("Cirka 2 mio. kr. årligt", &["2000000 per-year ca"])]
    #[case::kroner_om_aaret("12.290.000 kr. om året", &["12290000 per-year"])]
    #[case::parenthesised_heraf_earmarked(
        "1,5 mio. kr. (heraf 0,5 mio. kr. til evaluering)",
        &["1500000 ?", "500000 ? <0 earmarked"]
    )]
    #[case::inkl_earmarked(
        "Der er afsat 4 mio. kr. inkl. 0,4 mio. kr. til administration.",
        &["4000000 ?", "400000 ? <0 earmarked"]
    )]
    #[case::inklusive_year(
        "I alt 10 mio. kr. inklusive 2,5 mio. kr. i 2011.",
        &["10000000 total", "2500000 2011 <0"]
    )]
    #[case::herunder("Der er afsat 3 mio. kr., herunder 1 mio. kr. til løn.", &["3000000 ?", "1000000 ? <0 earmarked"])]
    #[case::svarende_til(
        "Der er afsat 24 mio. kr., svarende til 6 mio. kr. årligt.",
        &["24000000 ?", "6000000 per-year <0"]
    )]
    #[case::ud_af(
        "Kommunen betaler 2 mio. kr. ud af i alt 8 mio. kr.",
        &["2000000 ? <1", "8000000 total"]
    )]
    #[case::deraf("Samlet 5 mio. kr., deraf 1 mio. kr. fra fonden.", &["5000000 total", "1000000 ? <0 earmarked"])]
    #[case::fordelt_med(
        "24 mio. kr. fordelt med 6 mio. kr. i 2008, 8 mio. kr. i 2009 og 10 mio. kr. i 2010.",
        &["24000000 ?", "6000000 2008 <0", "8000000 2009 <0", "10000000 2010 <0"]
    )]
    #[case::heraf_two_years(
        "Der er afsat 20 mio. kr. i perioden, heraf 5 mio. kr. i 2008 og 7 mio. kr. i 2009.",
        &["20000000 total", "5000000 2008 <0", "7000000 2009 <0"]
    )]
    #[case::plus_adds("7, 5 mio.kr plus 1 mio.kr", &["7500000 ?", "1000000 ?"])]
    #[case::seed_two_sentences(
        "Der er afsat 10.1 mio. kr. til drift af institutionen i årene 2007-9 i medfør af budgetforliget for 2007. Der er endvidere afsat 1,5 mio. kr. til etablering i medfør af budgetforliget.",
        &["10100000 total", "1500000 ?"]
    )]
    #[case::year_first("I 2009 er der afsat 2 mio. kr.", &["2000000 2009"])]
    #[case::for_year("Der er afsat 2 mio. kr. for 2009.", &["2000000 2009"])]
    #[case::year_colon("2009: 2 mio. kr., 2010: 3 mio. kr.", &["2000000 2009", "3000000 2010"])]
    #[case::fra_til("Der er afsat 9 mio. kr. fra 2009 til 2011.", &["9000000 total"])]
    #[case::projektperioden("Samlet budget 3,2 mio. kr. i projektperioden.", &["3200000 total"])]
    #[case::t_kr_per_year(
        "Der er afsat 1.230 t.kr. pr. år til aktiviteterne.",
        &["1230000 per-year"]
    )]
    #[case::aarlig_before("Den årlige bevilling er 6 mio. kr.", &["6000000 per-year"])]
    #[case::hvert_aar_after("6 mio. kr. til drift hvert år", &["6000000 per-year"])]
    #[case::prices_are_not_a_year("24 mio. kr. i 2024-priser", &["24000000 ?"])]
    #[case::year_list_unclear("3 mio. kr. i 2009 og 2010", &["3000000 ?"])]
    #[case::paren_closed_ends_part(
        "6 mio. kr. årligt (heraf 1 mio. kr. til evaluering) og 2 mio. kr. til etablering",
        &["6000000 per-year", "1000000 ? <0 earmarked", "2000000 ?"]
    )]
    #[case::new_sentence_ends_part(
        "Samlet 8 mio. kr., heraf 2 mio. kr. i 2008. Hertil kommer 1 mio. kr. i 2009.",
        &["8000000 total", "2000000 2008 <0", "1000000 2009"]
    )]
    #[case::fireaarig("En fireårig bevilling på 12 mio. kr.", &["12000000 total"])]
    fn parses_economy_texts(#[case] text: &str, #[case] want: &[&str]) {
        assert_eq!(show(&parse_economy_text(text)), want, "{text}");
    }

    fn line(years: &[(&str, i64)]) -> LineYears {
        years
            .iter()
            .map(|&(y, k)| (Year::from(y), Decimal::from(k)))
            .collect()
    }

    const Y4: [&str; 4] = ["2008", "2009", "2010", "2011"];

    /// The same amount in each of 2008–2011.
    fn flat(kroner: i64) -> LineYears {
        line(&Y4.map(|y| (y, kroner)))
    }

    /// The given amounts in 2008, 2009 …
    fn varied(kroner: &[i64]) -> LineYears {
        line(
            &Y4.iter()
                .zip(kroner)
                .map(|(y, k)| (*y, *k))
                .collect::<Vec<_>>(),
        )
    }

    #[derive(Debug, PartialEq)]
    enum Want {
        Agrees,
        Warns,
        Info,
    }
    use Want::*;

    #[rstest]
    #[case::heraf_year_agrees(
        "Der er afsat 59,59 mio. kr. i perioden 2008-2011, heraf 18,64 mio. kr. i 2008.",
        varied(&[18_640_000, 13_650_000, 13_650_000, 13_650_000]), Agrees
    )]
    #[case::heraf_year_differs(
        "Der er afsat 59,59 mio. kr. i perioden 2008-2011, heraf 18,64 mio. kr. i 2008.",
        varied(&[18_000_000, 14_290_000, 13_650_000, 13_650_000]), Warns
    )]
    #[case::heraf_total_differs(
        "Der er afsat 60 mio. kr. i perioden 2008-2011, heraf 18,64 mio. kr. i 2008.",
        varied(&[18_640_000, 13_650_000, 13_650_000, 13_650_000]), Warns
    )]
    #[case::per_year_agrees("6,0 mio pr. år", flat(6_000_000), Agrees)]
    #[case::seed_per_year_differs("11,9 mio. kr./ år", flat(12_290_000), Warns)]
    #[case::per_year_one_year_differs(
        "6,0 mio pr. år", varied(&[6_000_000, 6_000_000, 6_000_000, 6_500_000]), Warns
    )]
    #[case::kroner_om_aaret("12.290.000 kr. om året", flat(12_290_000), Agrees)]
    #[case::samlet_with_yearly_agrees(
        "Samlet 24 mio. kr. over 4 år (6 mio. kr. årligt)",
        flat(6_000_000),
        Agrees
    )]
    #[case::samlet_with_yearly_one_year_differs(
        "Samlet 24 mio. kr. over 4 år (6 mio. kr. årligt)",
        varied(&[6_000_000, 6_000_000, 5_000_000, 7_000_000]), Warns
    )]
    #[case::two_years_agree(
        "2,5 mio. kr. i 2009 og 3 mio. kr. i 2010", varied(&[1_000_000, 2_500_000, 3_000_000, 0]), Agrees
    )]
    #[case::two_years_one_differs(
        "2,5 mio. kr. i 2009 og 3 mio. kr. i 2010", varied(&[1_000_000, 2_500_000, 3_500_000, 0]), Warns
    )]
    #[case::year_not_in_lines_not_compared(
        "Der er afsat 1 mio. kr. i 2007.",
        flat(6_000_000),
        Agrees
    )]
    #[case::hvoraf_agrees(
        "Budget: 4 mio. kr., hvoraf 1 mio. kr. er medfinansiering",
        flat(1_000_000),
        Agrees
    )]
    #[case::parenthesised_part_not_added(
        "1,5 mio. kr. (heraf 0,5 mio. kr. til evaluering)", line(&[("2008", 1_500_000)]), Agrees
    )]
    #[case::parenthesised_part_whole_differs(
        "1,5 mio. kr. (heraf 0,5 mio. kr. til evaluering)", line(&[("2008", 2_000_000)]), Warns
    )]
    #[case::ca_within_rounding("ca. 2 mio. kr. årligt", flat(2_150_000), Agrees)]
    #[case::ca_beyond_rounding("ca. 2 mio. kr. årligt", flat(2_600_000), Warns)]
    #[case::unclear_is_total("Der er afsat 1,653 mio. kr.", varied(&[1_000_000, 653_000, 0, 0]), Agrees)]
    #[case::unclear_is_each_year("Der er afsat 6 mio. kr.", flat(6_000_000), Agrees)]
    // Whatever an amount without a scope means, 49 mio. agrees with no reading of
    // 12,29 mio. a year (49,16 in all): a real disagreement, warned.
    #[case::unclear_matches_nothing("Der er afsat 49 mio. kr.", flat(12_290_000), Warns)]
    #[case::unclear_one_year_differs("Der er afsat 2 mio. kr.", line(&[("2008", 1_653_000)]), Warns)]
    #[case::plus_sums_to_total("7, 5 mio.kr plus 1 mio.kr", line(&[("2008", 8_500_000)]), Agrees)]
    #[case::unrelated_amounts(
        "11,9 mio. kr./ år og 2 mio. kr. til evaluering",
        flat(12_290_000),
        Info
    )]
    #[case::extra_amount_on_top_of_total(
        "Der er afsat 10.1 mio. kr. til drift i årene 2008-11. Der er endvidere afsat 1,5 mio. kr. til etablering.",
        varied(&[4_100_000, 2_500_000, 2_500_000, 2_500_000]), Agrees
    )]
    #[case::fordelt_med_agrees(
        "24 mio. kr. fordelt med 6 mio. kr. i 2008, 8 mio. kr. i 2009 og 10 mio. kr. i 2010.",
        varied(&[6_000_000, 8_000_000, 10_000_000]), Agrees
    )]
    #[case::fordelt_med_part_differs(
        "24 mio. kr. fordelt med 6 mio. kr. i 2008, 8 mio. kr. i 2009 og 10 mio. kr. i 2010.",
        varied(&[6_000_000, 9_000_000, 9_000_000]), Warns
    )]
    #[case::svarende_til_agrees(
        "Der er afsat 24 mio. kr., svarende til 6 mio. kr. årligt.",
        flat(6_000_000),
        Agrees
    )]
    #[case::no_amounts_in_line("Der er afsat 3 mio. kr. pr. år", LineYears::new(), Warns)]
    #[case::no_amount_in_text(
        "Finansieres via SSP – sekretariatets ordinære ramme",
        flat(1),
        Agrees
    )]
    #[case::percent_is_no_amount(
        "Landsbyggefonden finansierer 75 % af budgetterne",
        flat(1),
        Agrees
    )]
    #[case::ud_af_whole_is_compared(
        "Kommunen betaler 2 mio. kr. ud af i alt 8 mio. kr.",
        flat(2_000_000),
        Agrees
    )]
    #[case::year_first_differs("I 2009 er der afsat 2 mio. kr.", flat(2_500_000), Warns)]
    fn compares_claims_with_lines(#[case] text: &str, #[case] line: LineYears, #[case] want: Want) {
        let claims = parse_economy_text(text);
        let got = match compare(&claims, &line) {
            None => Agrees,
            Some(Verdict::Differs(_)) => Warns,
            Some(Verdict::CannotTell(_)) => Info,
        };
        assert_eq!(got, want, "{text}: {:?}", show(&claims));
    }

    #[test]
    fn a_year_is_compared_with_that_year_only() {
        let claims = parse_economy_text(
            "Der er afsat 59,59 mio. kr. i perioden 2008-2011, heraf 18,64 mio. kr. i 2008.",
        );
        let line = varied(&[18_000_000, 14_290_000, 13_650_000, 13_650_000]);
        let Some(Verdict::Differs(d)) = compare(&claims, &line) else {
            panic!("no difference");
        };
        assert_eq!(
            d,
            vec![Difference {
                claims: vec![1],
                scope: Scope::Year(2008),
                said: Decimal::from(18_640_000),
                line: LineSays::Years(vec![(Decimal::from(18_000_000), vec!["2008".into()])]),
            }]
        );
    }
}
