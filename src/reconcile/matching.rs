//! Which budget lines belong to which initiative, matched by title.
//!
//! Departments rarely title a status schema and its budget line alike
//! ("Aftalen med de almene boligorganisationer om nye udlejningsmodeller" vs
//! "Aftalen om nye udlejningsmodeller"; "21 boligsociale helhedsplaner" vs
//! "Helhedsplaner for 21 almene boligområder"), and one initiative may cover
//! several lines ("§ 18 midler til integrationsformål og ressourcecenter på
//! Ydre Nørrebro" ↔ "§ 18 midler til integrationsformål" and "Ressourcecenter
//! på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig
//! forening.").
//!
//! # The rule
//!
//! Titles are compared by their *significant words* ([`significant_words`]:
//! lower-cased words of letters and digits without Danish stopwords); two
//! words are the same when equal or one is a Danish inflection of the other
//! ([`same_word`]: "mål" ≈ "målet", "projekt" ≈ "projekter").
//!
//! An initiative is compared by its whole title and, when the title joins
//! several things (" og ", " samt ", ", ", "; ", " + ", " & "), by each part
//! with at least two significant words. A title or part (the *key*) matches a
//! line title when
//!
//! 1. the shorter of the two (fewer significant words) has at least 60 % of
//!    its significant words in the other, and
//! 2. they share at least 2 significant words — or 1 when the shorter has
//!    only one, and
//! 3. every number in one is in the other: "21 boligsociale helhedsplaner"
//!    never matches "Helhedsplaner for 13 boligområder".
//!
//! Years (1900–2099) are left out of all three rules: a title may name its
//! period ("Boligsociale projekter 2008-2011").
//!
//! A match scores (share, shared words, whole title before part, fewer
//! words of the longer title left over). Lines are
//! assigned greedily, best score first, and a line goes to one initiative
//! only; an initiative may get several lines. Lines in the initiative's own
//! submission are tried first (all submissions at once); an initiative that
//! got none there may then take a still unassigned line from another
//! submission.
//!
//! Candidates come from an index of line words by their first four letters
//! (a word of three letters or fewer by itself), which finds every word
//! [`same_word`] accepts, so matching is never all-against-all.

use crate::model::Model;
use crate::normalize::labels::{same_word, significant_words};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How well a key of an initiative's title covers a line title.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchScore {
    /// Share of the shorter title's significant words found in the other.
    pub share: f64,
    /// How many significant words were shared.
    pub shared: usize,
    /// Matched by the initiative's whole title (not one of its parts).
    pub whole: bool,
    /// Words of the longer title not found in the shorter (fewer is closer).
    pub unmatched: usize,
}

impl MatchScore {
    /// A total order, best first when sorted descending.
    fn rank(&self) -> (u32, usize, bool, std::cmp::Reverse<usize>) {
        (
            (self.share * 1_000_000.0).round() as u32,
            self.shared,
            self.whole,
            std::cmp::Reverse(self.unmatched),
        )
    }
}

/// A budget line matched to an initiative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineMatch {
    /// Index into `model.submissions`.
    pub submission: usize,
    /// Index into that submission's `budget_lines`.
    pub line: usize,
    pub score: MatchScore,
}

/// The result of matching: for each initiative (submission index, initiative
/// index) its lines, in table order.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    lines: HashMap<(usize, usize), Vec<LineMatch>>,
    owner: HashMap<(usize, usize), (usize, usize)>,
}

impl Matching {
    /// The lines matched to initiative `initiative` of submission `submission`.
    pub fn lines_for(&self, submission: usize, initiative: usize) -> &[LineMatch] {
        self.lines
            .get(&(submission, initiative))
            .map_or(&[], Vec::as_slice)
    }

    /// The initiative (submission, initiative index) a line was matched to.
    pub fn initiative_of(&self, submission: usize, line: usize) -> Option<(usize, usize)> {
        self.owner.get(&(submission, line)).copied()
    }

    fn assign(&mut self, initiative: (usize, usize), m: LineMatch) {
        self.owner.insert((m.submission, m.line), initiative);
        let v = self.lines.entry(initiative).or_default();
        v.push(m);
        v.sort_by_key(|m| (m.submission, m.line));
    }
}

/// A title's words, split for matching.
#[derive(Debug, Clone)]
struct Words {
    words: BTreeSet<String>,
    numbers: BTreeSet<String>,
}

impl Words {
    fn of(title: &str) -> Words {
        let words: BTreeSet<String> = significant_words(title)
            .into_iter()
            .filter(|w| !is_year(w))
            .collect();
        let numbers = words
            .iter()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .cloned()
            .collect();
        Words { words, numbers }
    }
}

fn is_year(w: &str) -> bool {
    w.len() == 4
        && w.chars().all(|c| c.is_ascii_digit())
        && (w.starts_with("19") || w.starts_with("20"))
}

/// The keys an initiative title is matched by: the whole title, then its
/// parts when it joins several things.
fn title_keys(title: &str) -> Vec<(Words, bool)> {
    let mut keys = vec![(Words::of(title), true)];
    let mut t = format!(" {} ", title.to_lowercase());
    for sep in [" og ", " samt ", ", ", "; ", " + ", " & "] {
        t = t.replace(sep, "\u{1}");
    }
    let parts: Vec<Words> = t
        .split('\u{1}')
        .map(Words::of)
        .filter(|w| w.words.len() >= 2)
        .collect();
    if parts.len() >= 2 {
        keys.extend(parts.into_iter().map(|p| (p, false)));
    }
    keys
}

/// Does a key match a line title (rules 1–3 of the module doc)?
fn key_match(key: &Words, line: &Words, whole: bool) -> Option<MatchScore> {
    if key.numbers != line.numbers {
        return None;
    }
    let (short, long) = if key.words.len() <= line.words.len() {
        (&key.words, &line.words)
    } else {
        (&line.words, &key.words)
    };
    if short.is_empty() {
        return None;
    }
    let shared = short
        .iter()
        .filter(|w| long.iter().any(|v| same_word(w, v)))
        .count();
    let share = shared as f64 / short.len() as f64;
    let enough = if short.len() == 1 { 1 } else { 2 };
    if share < 0.6 || shared < enough {
        return None;
    }
    let unmatched = long
        .iter()
        .filter(|v| !short.iter().any(|w| same_word(w, v)))
        .count();
    Some(MatchScore {
        share,
        shared,
        whole,
        unmatched,
    })
}

/// The best match of an initiative title against a line title, if they
/// match by the rule of the module doc.
///
/// ```
/// use bilag::reconcile::matching::title_match;
/// let m = title_match(
///     "Aftalen med de almene boligorganisationer om nye udlejningsmodeller",
///     "Aftalen om nye udlejningsmodeller",
/// ).unwrap();
/// assert_eq!((m.share, m.shared, m.whole), (1.0, 3, true));
/// assert!(title_match("Den korte snor", "Boligsociale projekter").is_none());
/// ```
pub fn title_match(initiative: &str, line: &str) -> Option<MatchScore> {
    let lw = Words::of(line);
    best_match(&title_keys(initiative), &lw)
}

fn best_match(keys: &[(Words, bool)], line: &Words) -> Option<MatchScore> {
    keys.iter()
        .filter_map(|(k, whole)| key_match(k, line, *whole))
        .max_by_key(MatchScore::rank)
}

/// Index key of a word: its first four letters, or the word if shorter.
fn index_key(w: &str) -> String {
    w.chars().take(4).collect()
}

/// The index keys under which every word [`same_word`] accepts for `w` is
/// found (see [`index_key`]).
fn query_keys(w: &str) -> Vec<String> {
    let n = w.chars().count();
    if n >= 4 {
        vec![index_key(w), w.chars().take(3).collect()]
    } else if n == 3 && !w.chars().all(|c| c.is_ascii_digit()) {
        // A 3-letter word plus a Danish ending: the ending starts with e, s or n.
        vec![
            w.to_string(),
            format!("{w}e"),
            format!("{w}s"),
            format!("{w}n"),
        ]
    } else {
        vec![w.to_string()]
    }
}

/// Line titles indexed by word key; each bucket in (submission, line) order.
struct LineIndex {
    buckets: HashMap<String, Vec<(usize, usize)>>,
}

impl LineIndex {
    fn build<'a>(lines: impl Iterator<Item = ((usize, usize), &'a Words)>) -> LineIndex {
        let mut buckets: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (id, words) in lines {
            let keys: BTreeSet<String> = words.words.iter().map(|w| index_key(w)).collect();
            for k in keys {
                buckets.entry(k).or_default().push(id);
            }
        }
        LineIndex { buckets }
    }

    /// Lines sharing a possible word with any key, optionally only those of
    /// one submission.
    fn candidates(&self, keys: &[(Words, bool)], only: Option<usize>) -> Vec<(usize, usize)> {
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let mut out = Vec::new();
        let words: BTreeSet<&String> = keys.iter().flat_map(|(k, _)| k.words.iter()).collect();
        for w in words {
            for q in query_keys(w) {
                let Some(bucket) = self.buckets.get(&q) else {
                    continue;
                };
                let slice = match only {
                    Some(s) => {
                        let a = bucket.partition_point(|&(bs, _)| bs < s);
                        let b = bucket.partition_point(|&(bs, _)| bs <= s);
                        &bucket[a..b]
                    }
                    None => &bucket[..],
                };
                for &id in slice {
                    if seen.insert(id) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }
}

type Pair = ((usize, usize), LineMatch);

/// Assigns lines greedily, best score first; a line goes to one initiative.
/// The candidate lines that match an initiative's title keys, scored.
fn scored(
    who: (usize, usize),
    keys: &[(Words, bool)],
    candidates: Vec<(usize, usize)>,
    line_words: &[Vec<Words>],
) -> Vec<Pair> {
    candidates
        .into_iter()
        .filter_map(|(ls, l)| {
            best_match(keys, &line_words[ls][l]).map(|score| {
                (
                    who,
                    LineMatch {
                        submission: ls,
                        line: l,
                        score,
                    },
                )
            })
        })
        .collect()
}

fn assign_greedy(matching: &mut Matching, mut pairs: Vec<Pair>) {
    pairs.sort_by(|a, b| {
        b.1.score
            .rank()
            .cmp(&a.1.score.rank())
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| (a.1.submission, a.1.line).cmp(&(b.1.submission, b.1.line)))
    });
    for (init, m) in pairs {
        if matching.initiative_of(m.submission, m.line).is_none() {
            matching.assign(init, m);
        }
    }
}

/// Matches every initiative of the model to its budget lines by the rule of
/// the module doc.
pub fn match_initiatives(model: &Model) -> Matching {
    let line_words: Vec<Vec<Words>> = model
        .submissions
        .iter()
        .map(|s| s.budget_lines.iter().map(|l| Words::of(&l.title)).collect())
        .collect();
    let init_keys: Vec<Vec<Vec<(Words, bool)>>> = model
        .submissions
        .iter()
        .map(|s| s.initiatives.iter().map(|i| title_keys(&i.title)).collect())
        .collect();

    let all = line_words
        .iter()
        .enumerate()
        .flat_map(|(s, ls)| ls.iter().enumerate().map(move |(l, w)| ((s, l), w)));
    let index = LineIndex::build(all);

    let mut matching = Matching::default();

    // Round 1: each initiative against the lines of its own submission.
    for (s, inits) in init_keys.iter().enumerate() {
        let mut pairs = Vec::new();
        for (i, keys) in inits.iter().enumerate() {
            pairs.extend(scored(
                (s, i),
                keys,
                index.candidates(keys, Some(s)),
                &line_words,
            ));
        }
        assign_greedy(&mut matching, pairs);
    }

    // Round 2: initiatives still without a line, against the lines of other
    // submissions nobody took.
    let free = line_words.iter().enumerate().flat_map(|(s, ls)| {
        let m = &matching;
        ls.iter()
            .enumerate()
            .filter(move |(l, _)| m.initiative_of(s, *l).is_none())
            .map(move |(l, w)| ((s, l), w))
    });
    let free_index = LineIndex::build(free);
    if free_index.buckets.is_empty() {
        return matching;
    }
    let mut pairs = Vec::new();
    for (s, inits) in init_keys.iter().enumerate() {
        for (i, keys) in inits.iter().enumerate() {
            if !matching.lines_for(s, i).is_empty() {
                continue;
            }
            let mut others = free_index.candidates(keys, None);
            others.retain(|(ls, _)| *ls != s);
            pairs.extend(scored((s, i), keys, others, &line_words));
        }
    }
    assign_greedy(&mut matching, pairs);
    matching
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BudgetLine, Initiative, Submission};
    use rstest::rstest;

    #[rstest]
    #[case(
        "Aftalen med de almene boligorganisationer om nye udlejningsmodeller",
        "Aftalen om nye udlejningsmodeller",
        Some((1.0, 3, true))
    )]
    #[case(
        "21 boligsociale helhedsplaner",
        "Helhedsplaner for 21 almene boligområder",
        Some((2.0 / 3.0, 2, true))
    )]
    #[case("Boligsociale projekter", "Boligsociale projekter", Some((1.0, 2, true)))]
    #[case(
        "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro",
        "§ 18 midler til integrationsformål",
        Some((1.0, 3, true))
    )]
    // Only the part after "og" covers this line (whole title: 3/6 and the 18 is missing).
    #[case(
        "§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro",
        "Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.",
        Some((1.0, 3, false))
    )]
    #[case(
        "Boligsociale projekter",
        "Helhedsplaner for 21 almene boligområder",
        None
    )]
    #[case("21 boligsociale helhedsplaner", "Boligsociale projekter", None)]
    #[case("Den korte snor", "Boligsociale projekter", None)]
    #[case(
        "Ny døgninstitution til unge der begår personfarlig kriminalitet",
        "Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.",
        None
    )]
    // A number in one title must be in the other.
    #[case(
        "21 boligsociale helhedsplaner",
        "Helhedsplaner for 13 almene boligområder",
        None
    )]
    #[case("§ 18 midler", "§ 17 midler", None)]
    // Years do not count as numbers.
    #[case("Boligsociale projekter 2008-2011", "Boligsociale projekter", Some((1.0, 2, true)))]
    // A one-word title needs its one word.
    #[case("Lektiehjælp og rollemodeller", "Lektiehjælp", Some((1.0, 1, true)))]
    // One shared word of two is not enough.
    #[case("Styrket SSP indsats", "SSP sekretariatet", None)]
    fn title_rule(
        #[case] initiative: &str,
        #[case] line: &str,
        #[case] want: Option<(f64, usize, bool)>,
    ) {
        let got = title_match(initiative, line).map(|m| (m.share, m.shared, m.whole));
        match (got, want) {
            (Some(g), Some(w)) => {
                assert!((g.0 - w.0).abs() < 1e-9, "{initiative} / {line}: {g:?}");
                assert_eq!((g.1, g.2), (w.1, w.2), "{initiative} / {line}");
            }
            (g, w) => assert_eq!(g.is_some(), w.is_some(), "{initiative} / {line}: {g:?}"),
        }
    }

    #[test]
    fn query_keys_find_every_inflection() {
        for (a, b) in [
            ("mål", "målet"),
            ("projekt", "projekter"),
            ("integrationspolitikken", "integrationspolitikens"),
            ("helhedsplaner", "helhedsplanerne"),
        ] {
            assert!(same_word(a, b));
            for (x, y) in [(a, b), (b, a)] {
                assert!(query_keys(x).contains(&index_key(y)), "{x} → {y}");
            }
        }
    }

    fn sub(source: &str, inits: &[&str], lines: &[&str]) -> Submission {
        Submission {
            source: source.into(),
            initiatives: inits
                .iter()
                .map(|t| Initiative {
                    section: 1,
                    title: t.to_string(),
                    ..Default::default()
                })
                .collect(),
            budget_lines: lines
                .iter()
                .map(|t| BudgetLine {
                    title: t.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn one_initiative_takes_both_of_its_lines() {
        let model = Model {
            submissions: vec![sub(
                "a.xlsx",
                &["§ 18 midler til integrationsformål og ressourcecenter på Ydre Nørrebro"],
                &[
                    "§ 18 midler til integrationsformål",
                    "Ressourcecenter på ydre Nørrebro og indgåelse af partnerskabsaftale med frivillig forening.",
                ],
            )],
            ..Default::default()
        };
        let m = match_initiatives(&model);
        let lines: Vec<usize> = m.lines_for(0, 0).iter().map(|l| l.line).collect();
        assert_eq!(lines, vec![0, 1]);
    }

    #[test]
    fn a_line_goes_to_the_best_initiative_only() {
        // Both initiatives match "Boligsociale projekter"; the exact title wins
        // and the other initiative gets nothing.
        let model = Model {
            submissions: vec![sub(
                "a.xlsx",
                &[
                    "Boligsociale projekter i Tingbjerg og Husum",
                    "Boligsociale projekter",
                ],
                &["Boligsociale projekter"],
            )],
            ..Default::default()
        };
        let m = match_initiatives(&model);
        assert_eq!(m.lines_for(0, 1).len(), 1);
        assert!(m.lines_for(0, 0).is_empty());
        assert_eq!(m.initiative_of(0, 0), Some((0, 1)));
    }

    #[test]
    fn own_submission_first_then_free_lines_elsewhere() {
        let model = Model {
            submissions: vec![
                sub(
                    "01.xlsx",
                    &["Boligsociale projekter"],
                    &["Boligsociale projekter"],
                ),
                // Same title, own line: keeps its own.
                sub(
                    "02.xlsx",
                    &["Boligsociale projekter"],
                    &["Boligsociale projekter", "Den korte snor"],
                ),
                // No own line: takes the free line of 02.
                sub("03.xlsx", &["Den korte snor"], &[]),
            ],
            ..Default::default()
        };
        let m = match_initiatives(&model);
        assert_eq!(
            m.lines_for(0, 0)
                .iter()
                .map(|l| (l.submission, l.line))
                .collect::<Vec<_>>(),
            vec![(0, 0)]
        );
        assert_eq!(
            m.lines_for(1, 0)
                .iter()
                .map(|l| (l.submission, l.line))
                .collect::<Vec<_>>(),
            vec![(1, 0)]
        );
        assert_eq!(
            m.lines_for(2, 0)
                .iter()
                .map(|l| (l.submission, l.line))
                .collect::<Vec<_>>(),
            vec![(1, 1)]
        );
    }
}
