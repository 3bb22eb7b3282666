//! Departments, not files (contract §1a): which files of an inbox are
//! versions of one submission, and which version is current.
//!
//! A drop folder holds re-saves ("01-bolig (rettet).xlsx"), copies ("Kopi af
//! 04-integration.xlsx") and old versions beside the current ones. Two files
//! are versions of one submission when
//!
//! 1. their bytes are identical (always one: `duplicate-file`);
//! 2. their names are equal once copy/version marks are removed
//!    ([`name_key`]) — unless their Forsider name two different departments;
//! 3. they name the same department and the same Dokumentnr.; or
//! 4. they name the same department and most initiative titles are common
//!    to both (more than half of the larger file's titles).
//!
//! The relation is closed transitively. Of each group of versions the
//! newest is CURRENT ([`newer`]: Forside Dato, then the time the file was
//! received, then the name); the others are set aside (`superseded`, or
//! `duplicate-file` for a byte-identical copy) and stay out of every sum,
//! the overview and the appendix.
//!
//! Everything here is pure: [`decide`] looks only at the submissions.

use crate::format::department_key;
use crate::model::{SetAside, SetAsideReason, Submission};
use crate::normalize::labels::normalize_label;
use regex::Regex;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One set-aside decision: submission `index` is not current; `current` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub index: usize,
    pub current: usize,
    pub reason: SetAsideReason,
    /// For a byte-identical copy: the file it is identical to (which may
    /// itself be an older version).
    pub identical_to: Option<usize>,
    /// Why the two are versions of one submission (Danish, for the message).
    pub why: String,
}

/// Copy and version marks as Windows, Excel, browsers and people make them,
/// removed from the end (or start) of a file name's stem until none is left.
static MARKS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // "Kopi af X", "Kopi (2) af X", "Copy of X", "Copy (2) of X"
        r"^(kopi|copy)(\s*\(\d+\))?\s+(af|of)\s+",
        // "X - Kopi", "X - Kopi (2)", "X - Copy"
        r"\s*-\s*(kopi|copy)(\s*\(\d+\))?$",
        // "X (1)", "X(2)"
        r"\s*\(\d+\)$",
        // "X (rettet)", "X (Gendannet)", "X (version 1)"
        r"\s*\(\s*(rettet|ny|nyeste|kopi|copy|korrigeret|endelig|final|opdateret|revideret|gendannet|recovered|autorecovered|version\s*\d+|v\s*\d+)\s*\)$",
        // "X - rettet", "X_ny", "X final", "X_korr"
        r"[\s_\-.]+(rettet|rettelse|ny|nyeste|korr|korrigeret|endelig|final|opdateret|revideret|kopi|copy|gammel|old|new|updated|corrected|revised)$",
        // "X v2", "X_v2", "X-v.3", "X version 2", "X ver2"
        r"[\s_\-.]+v\.?\s*\d+$",
        r"[\s_\-.]+(version|ver\.?)\s*\d+$",
        // "X 2008-03-05", "X_20080305", "X 5.3.2008", "X 05-03-08"
        r"[\s_\-.]+\d{4}-\d{1,2}-\d{1,2}$",
        r"[\s_\-.]+\d{8}$",
        r"[\s_\-.]+\d{1,2}[.\-]\d{1,2}[.\-](\d{4}|\d{2})$",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid pattern (tested)"))
    .collect()
});

/// The name two versions of one submission share: the file name without
/// its extension and without copy/version marks, lower case, letters and
/// digits only.
///
/// ```
/// use bilag::inbox::versions::name_key;
/// assert_eq!(name_key("01-bolig (rettet).xlsx"), name_key("01-bolig.xlsx"));
/// assert_eq!(name_key("Kopi af 04-integration.xlsx"), "04integration");
/// assert_ne!(name_key("01-bolig.xlsx"), name_key("02-ssp.xlsx"));
/// ```
pub fn name_key(file_name: &str) -> String {
    let stem = match file_name.rfind('.') {
        Some(i) if i > 0 => &file_name[..i],
        _ => file_name,
    };
    let mut s = stem.trim().to_lowercase();
    loop {
        let before = s.len();
        for re in MARKS.iter() {
            let next = re.replace(&s, "").trim().to_string();
            // Never strip a name down to nothing ("Kopi.xlsx", "v2.xlsx").
            if !next.chars().any(char::is_alphanumeric) {
                continue;
            }
            s = next;
        }
        if s.len() == before {
            break;
        }
    }
    department_key(&s)
}

/// Does the file name carry a copy or version mark?
fn has_marks(file_name: &str) -> bool {
    let stem = match file_name.rfind('.') {
        Some(i) if i > 0 => &file_name[..i],
        _ => file_name,
    };
    name_key(file_name) != department_key(stem)
}

/// Which of two versions is newer: Forside Dato when both have one, then
/// when the file was received, then the name (in natural order, so
/// "X v10" is newer than "X v9" and "X (rettet)" newer than "X").
pub fn newer(a: &Submission, b: &Submission) -> Ordering {
    let date = match (&a.metadata.date, &b.metadata.date) {
        (Some(x), Some(y)) => x.cmp(y),
        _ => Ordering::Equal,
    };
    date.then_with(|| received_cmp(a.received.as_deref(), b.received.as_deref()))
        .then_with(|| natural_cmp(&stem_of(&a.source), &stem_of(&b.source)))
}

fn stem_of(name: &str) -> String {
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_lowercase(),
        _ => name.to_lowercase(),
    }
}

fn received_cmp(a: Option<&str>, b: Option<&str>) -> Ordering {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (a.and_then(parse), b.and_then(parse)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => Ordering::Equal,
    }
}

/// Text order with runs of digits compared as numbers ("v9" < "v10").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n.trim_start_matches('0').to_string()
                };
                let (x, y) = (take(&mut a), take(&mut b));
                let o = x.len().cmp(&y.len()).then_with(|| x.cmp(&y));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut i = i;
        while self.parent[i] != r {
            let next = self.parent[i];
            self.parent[i] = r;
            i = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

fn dept(s: &Submission) -> Option<String> {
    crate::reconcile::departments::department_of(s)
        .map(department_key)
        .filter(|k| !k.is_empty())
}

fn doc_number(s: &Submission) -> Option<String> {
    s.metadata
        .document_number
        .as_deref()
        .map(department_key)
        .filter(|k| !k.is_empty())
}

/// Why `a` and `b` are versions of one submission, if they are (the first
/// rule that holds, in the order of the module docs).
pub fn version_rule(a: &Submission, b: &Submission) -> Option<String> {
    if !a.sha256.is_empty() && a.sha256 == b.sha256 {
        return Some("filerne er byte for byte ens".into());
    }
    let (da, db) = (dept(a), dept(b));
    let same_dept = da.is_some() && da == db;
    let conflict = da.is_some() && db.is_some() && da != db;
    if !conflict && name_key(&a.source) == name_key(&b.source) {
        return Some("samme filnavn, når kopi- og versionsmærker fjernes".into());
    }
    if !same_dept {
        return None;
    }
    if let (Some(x), Some(y)) = (doc_number(a), doc_number(b)) {
        if x == y {
            return Some(format!(
                "samme afdeling og samme dokumentnr. ({})",
                a.metadata
                    .document_number
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
            ));
        }
    }
    let (ta, tb) = (titles(a), titles(b));
    let common = ta.iter().filter(|t| tb.contains(t)).count();
    if common > 0 && 2 * common > ta.len().max(tb.len()) {
        return Some(format!(
            "samme afdeling og {common} af {} statusskemaers titler er ens",
            ta.len().max(tb.len())
        ));
    }
    None
}

fn titles(s: &Submission) -> Vec<String> {
    let mut t: Vec<String> = s
        .initiatives
        .iter()
        .map(|i| normalize_label(&i.title))
        .filter(|t| !t.is_empty())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Decides, for submissions read from one inbox, which are set aside and
/// which current file each one yields to. Submissions not named in the
/// result are current. Pure and deterministic: the result does not depend
/// on the order of `subs`' equal elements beyond their file names.
pub fn decide(subs: &[Submission]) -> Vec<Decision> {
    let n = subs.len();
    let mut sets = Sets::new(n);
    // Candidates pairs by the keys that can make two files versions; pairs
    // are checked with version_rule, so the union is exactly the relation.
    let mut by_key: HashMap<(u8, String), Vec<usize>> = HashMap::new();
    for (i, s) in subs.iter().enumerate() {
        if !s.sha256.is_empty() {
            by_key.entry((0, s.sha256.clone())).or_default().push(i);
        }
        by_key.entry((1, name_key(&s.source))).or_default().push(i);
        if let Some(d) = dept(s) {
            if let Some(doc) = doc_number(s) {
                by_key
                    .entry((2, format!("{d}\u{1}{doc}")))
                    .or_default()
                    .push(i);
            }
            for t in titles(s) {
                by_key
                    .entry((3, format!("{d}\u{1}{t}")))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for members in by_key.values() {
        if members.len() < 2 || members.len() > 2_000 {
            // A title every submission of a department shares ("Status")
            // says nothing; beyond 2,000 files the pairs are not worth it.
            continue;
        }
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut rule: HashMap<(usize, usize), String> = HashMap::new();
    for (a, b) in pairs {
        if let Some(why) = version_rule(&subs[a], &subs[b]) {
            sets.union(a, b);
            rule.insert((a, b), why);
        }
    }

    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        groups.entry(sets.find(i)).or_default().push(i);
    }
    let mut out = Vec::new();
    let mut roots: Vec<usize> = groups.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let members = &groups[&root];
        if members.len() < 2 {
            continue;
        }
        // Byte-identical files are one: keep the unmarked, earliest, first
        // named of each.
        let mut by_sha: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in members {
            by_sha.entry(subs[i].sha256.as_str()).or_default().push(i);
        }
        let mut representatives = Vec::new();
        let mut copies: Vec<(usize, usize)> = Vec::new();
        for (_, mut same) in by_sha {
            same.sort_by(|&a, &b| {
                has_marks(&subs[a].source)
                    .cmp(&has_marks(&subs[b].source))
                    .then_with(|| {
                        received_cmp(subs[a].received.as_deref(), subs[b].received.as_deref())
                    })
                    .then_with(|| natural_cmp(&subs[a].source, &subs[b].source))
            });
            representatives.push(same[0]);
            copies.extend(same[1..].iter().map(|&c| (c, same[0])));
        }
        representatives.sort_unstable();
        let current = *representatives
            .iter()
            .max_by(|&&a, &&b| newer(&subs[a], &subs[b]))
            .expect("a group has members");
        let why_between = |a: usize, b: usize| -> String {
            rule.get(&(a.min(b), a.max(b)))
                .cloned()
                .unwrap_or_else(|| "via en anden version af samme aflevering".into())
        };
        for &r in &representatives {
            if r != current {
                out.push(Decision {
                    index: r,
                    current,
                    reason: SetAsideReason::Superseded,
                    identical_to: None,
                    why: why_between(r, current),
                });
            }
        }
        for (c, same_as) in copies {
            out.push(Decision {
                index: c,
                current,
                reason: SetAsideReason::DuplicateFile,
                identical_to: Some(same_as),
                why: "filerne er byte for byte ens".into(),
            });
        }
    }
    out.sort_by_key(|d| d.index);
    out
}

/// The `set_aside` entry of model.json for a decision.
pub fn set_aside_entry(subs: &[Submission], d: &Decision) -> SetAside {
    let s = &subs[d.index];
    SetAside {
        source: s.source.clone(),
        sha256: s.sha256.clone(),
        reason: d.reason,
        current: subs[d.current].source.clone(),
        department: crate::reconcile::departments::department_of(s).map(String::from),
        date: s.metadata.date.clone(),
        received: s.received.clone(),
        why: d.why.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Initiative, Metadata};
    use rstest::rstest;

    #[rstest]
    #[case("01-bolig.xlsx", "01bolig")]
    #[case("01-bolig (rettet).xlsx", "01bolig")]
    #[case("01-bolig - rettet.xlsx", "01bolig")]
    #[case("01-bolig_rettet.xlsx", "01bolig")]
    #[case("01-bolig_ny.xlsx", "01bolig")]
    #[case("01-bolig NY.XLSX", "01bolig")]
    #[case("01-bolig v2.xlsx", "01bolig")]
    #[case("01-bolig_v3.xlsx", "01bolig")]
    #[case("01-bolig-v.12.xlsx", "01bolig")]
    #[case("01-bolig version 2.xlsx", "01bolig")]
    #[case("01-bolig (version 1).xlsx", "01bolig")]
    #[case("01-bolig 2008-03-05.xlsx", "01bolig")]
    #[case("01-bolig_20080305.xlsx", "01bolig")]
    #[case("01-bolig 5.3.2008.xlsx", "01bolig")]
    #[case("01-bolig (1).xlsx", "01bolig")]
    #[case("01-bolig(2).xlsx", "01bolig")]
    #[case("01-bolig - Kopi.xlsx", "01bolig")]
    #[case("01-bolig - Kopi (2).xlsx", "01bolig")]
    #[case("01-bolig - Copy.xlsx", "01bolig")]
    #[case("Kopi af 01-bolig.xlsx", "01bolig")]
    #[case("Kopi (2) af 01-bolig.xlsx", "01bolig")]
    #[case("Copy of 01-bolig.xlsx", "01bolig")]
    #[case("Kopi af 01-bolig (rettet) v2.xlsx", "01bolig")]
    #[case("01-bolig (Gendannet).xlsx", "01bolig")]
    #[case("01-bolig endelig.xlsx", "01bolig")]
    #[case("01-bolig_final_final.xlsx", "01bolig")]
    #[case("02-ssp.xlsx", "02ssp")]
    #[case("Integration 2008.xlsx", "integration2008")]
    #[case("Kopi.xlsx", "kopi")]
    #[case("v2.xlsx", "v2")]
    #[case("budget.ods", "budget")]
    #[case("Center Nord.xlsx", "centernord")]
    #[case("Center Syd.xlsx", "centersyd")]
    #[case("Børn og unge.xls", "børnogunge")]
    fn copy_and_version_marks_are_removed(#[case] name: &str, #[case] key: &str) {
        assert_eq!(name_key(name), key, "{name}");
    }

    #[rstest]
    #[case("x v9", "x v10", Ordering::Less)]
    #[case("01-bolig", "01-bolig (rettet)", Ordering::Less)]
    #[case("a2b", "a02b", Ordering::Equal)]
    #[case("b", "a", Ordering::Greater)]
    fn natural_order(#[case] a: &str, #[case] b: &str, #[case] want: Ordering) {
        assert_eq!(natural_cmp(a, b), want);
    }

    fn sub(name: &str, sha: &str, dept: Option<&str>) -> Submission {
        Submission {
            source: name.into(),
            sha256: sha.into(),
            department: dept.map(String::from),
            metadata: Metadata {
                department: dept.map(String::from),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn with_titles(mut s: Submission, titles: &[&str]) -> Submission {
        s.initiatives = titles
            .iter()
            .map(|t| Initiative {
                section: 1,
                title: t.to_string(),
                ..Default::default()
            })
            .collect();
        s
    }

    fn dated(mut s: Submission, date: Option<&str>, received: Option<&str>) -> Submission {
        s.metadata.date = date.map(String::from);
        s.received = received.map(String::from);
        s
    }

    /// (set aside, current, reason) by file name.
    fn decided(subs: &[Submission]) -> Vec<(String, String, SetAsideReason)> {
        decide(subs)
            .iter()
            .map(|d| {
                (
                    subs[d.index].source.clone(),
                    subs[d.current].source.clone(),
                    d.reason,
                )
            })
            .collect()
    }

    const BOLIG: Option<&str> = Some("Mål- og Rammekontor for Misbrug og Bolig");
    const SSP: Option<&str> = Some("SSP København");

    #[test]
    fn a_resave_supersedes_by_name_marks() {
        let subs = [
            dated(
                sub("01-bolig (rettet).xlsx", "b", BOLIG),
                Some("2008-03-05"),
                None,
            ),
            dated(sub("01-bolig.xlsx", "a", BOLIG), Some("2008-03-03"), None),
        ];
        assert_eq!(
            decided(&subs),
            [(
                "01-bolig.xlsx".into(),
                "01-bolig (rettet).xlsx".into(),
                SetAsideReason::Superseded
            )]
        );
    }

    #[test]
    fn identical_bytes_are_one_whatever_the_names() {
        let subs = [
            sub("04-integration.xlsx", "same", None),
            sub("Kopi af 04-integration.xlsx", "same", None),
            sub("noget helt andet.xlsx", "same", SSP),
        ];
        let d = decided(&subs);
        assert_eq!(d.len(), 2, "{d:?}");
        for (set_aside, current, reason) in d {
            assert_eq!(current, "04-integration.xlsx");
            assert_eq!(reason, SetAsideReason::DuplicateFile);
            assert_ne!(set_aside, "04-integration.xlsx");
        }
    }

    #[test]
    fn same_department_and_document_number_are_versions() {
        let mut a = sub("bolig marts.xlsx", "a", BOLIG);
        a.metadata.document_number = Some("2008-118177".into());
        let mut b = sub(
            "bolig april.xlsx",
            "b",
            Some("MÅL- OG RAMMEKONTOR FOR MISBRUG OG BOLIG"),
        );
        b.metadata.document_number = Some("2008 118177".into());
        let subs = [
            dated(a, Some("2008-03-03"), None),
            dated(b, Some("2008-04-01"), None),
        ];
        let d = decide(&subs);
        assert_eq!(d.len(), 1);
        assert_eq!(subs[d[0].current].source, "bolig april.xlsx");
        assert!(d[0].why.contains("dokumentnr"), "{}", d[0].why);
        // Another department with the same number is not a version.
        let mut c = subs[1].clone();
        c.department = SSP.map(String::from);
        c.sha256 = "c".into();
        assert!(decide(&[subs[0].clone(), c]).is_empty());
    }

    #[test]
    fn same_department_and_most_titles_are_versions() {
        let a = with_titles(sub("a.xlsx", "a", BOLIG), &["Et", "To", "Tre"]);
        let b = with_titles(sub("b.xlsx", "b", BOLIG), &["et", "TO", "Tre", "Fire"]);
        let d = decide(&[a.clone(), b.clone()]);
        assert_eq!(d.len(), 1);
        assert!(d[0].why.contains("3 af 4"), "{}", d[0].why);
        // Half is not most.
        let c = with_titles(sub("c.xlsx", "c", BOLIG), &["Et", "Fem", "Seks", "Syv"]);
        assert!(decide(&[a.clone(), c]).is_empty());
        // The same titles from another department are not a version.
        let e = with_titles(sub("e.xlsx", "e", SSP), &["Et", "To", "Tre"]);
        assert!(decide(&[a, e]).is_empty());
    }

    #[test]
    fn a_department_with_two_real_workbooks_keeps_both() {
        let mut nord = with_titles(sub("Center Nord.xlsx", "n", BOLIG), &["Lektiecafé", "Klub"]);
        nord.metadata.document_number = Some("1".into());
        let mut syd = with_titles(sub("Center Syd.xlsx", "s", BOLIG), &["Mentorer", "Klub"]);
        syd.metadata.document_number = Some("2".into());
        assert!(decide(&[nord, syd]).is_empty());
    }

    #[test]
    fn equal_names_of_two_departments_are_not_versions() {
        // Both downloaded the template and saved it under the same name.
        let a = sub("Indberetning.xlsx", "a", BOLIG);
        let b = sub("Indberetning (1).xlsx", "b", SSP);
        assert!(decide(&[a.clone(), b]).is_empty());
        // Without a department on one of them, the name decides.
        let c = sub("Indberetning (1).xlsx", "c", None);
        assert_eq!(decide(&[a, c]).len(), 1);
    }

    #[rstest]
    // Forside Dato decides first, whatever the modification time.
    #[case(
        Some("2008-03-05"),
        Some("2026-01-01T10:00:00+01:00"),
        Some("2008-03-03"),
        Some("2026-02-01T10:00:00+01:00"),
        "a v2.xlsx"
    )]
    // Same date: the later received.
    #[case(
        Some("2008-03-05"),
        Some("2026-01-01T10:00:00+01:00"),
        Some("2008-03-05"),
        Some("2026-02-01T10:00:00+01:00"),
        "a.xlsx"
    )]
    // One without a date: received decides.
    #[case(
        None,
        Some("2026-03-01T10:00:00+01:00"),
        Some("2008-03-05"),
        Some("2026-02-01T10:00:00+01:00"),
        "a v2.xlsx"
    )]
    // Everything equal: the name, in natural order.
    #[case(Some("2008-03-05"), None, Some("2008-03-05"), None, "a v2.xlsx")]
    fn the_newest_version_is_current(
        #[case] date_v2: Option<&str>,
        #[case] rec_v2: Option<&str>,
        #[case] date_a: Option<&str>,
        #[case] rec_a: Option<&str>,
        #[case] current: &str,
    ) {
        let subs = [
            dated(sub("a v2.xlsx", "2", BOLIG), date_v2, rec_v2),
            dated(sub("a.xlsx", "1", BOLIG), date_a, rec_a),
        ];
        let d = decide(&subs);
        assert_eq!(d.len(), 1);
        assert_eq!(subs[d[0].current].source, current);
    }

    #[test]
    fn the_inbox_of_the_issue() {
        // 01-bolig, its corrected re-save, 03, 04 and a byte copy of 04.
        let subs = [
            dated(
                sub("01-bolig (rettet).xlsx", "b2", BOLIG),
                Some("2008-03-03"),
                Some("2026-12-02T09:00:00+01:00"),
            ),
            dated(
                sub("01-bolig.xlsx", "b1", BOLIG),
                Some("2008-03-03"),
                Some("2026-12-01T09:00:00+01:00"),
            ),
            sub("03-boern-unge.xlsx", "c", None),
            sub("04-integration.xlsx", "d", None),
            sub("Kopi af 04-integration.xlsx", "d", None),
        ];
        assert_eq!(
            decided(&subs),
            [
                (
                    "01-bolig.xlsx".into(),
                    "01-bolig (rettet).xlsx".into(),
                    SetAsideReason::Superseded
                ),
                (
                    "Kopi af 04-integration.xlsx".into(),
                    "04-integration.xlsx".into(),
                    SetAsideReason::DuplicateFile
                ),
            ]
        );
    }

    #[test]
    fn a_copy_of_an_old_version_yields_to_the_current_one() {
        let subs = [
            dated(sub("01-bolig.xlsx", "old", BOLIG), Some("2008-03-03"), None),
            dated(
                sub("Kopi af 01-bolig.xlsx", "old", BOLIG),
                Some("2008-03-03"),
                None,
            ),
            dated(
                sub("01-bolig v2.xlsx", "new", BOLIG),
                Some("2008-03-09"),
                None,
            ),
        ];
        let d = decide(&subs);
        assert_eq!(d.len(), 2);
        assert!(d
            .iter()
            .all(|d| subs[d.current].source == "01-bolig v2.xlsx"));
        let copy = d.iter().find(|d| d.index == 1).unwrap();
        assert_eq!(copy.reason, SetAsideReason::DuplicateFile);
        assert_eq!(copy.identical_to, Some(0));
    }

    #[test]
    fn many_submissions_of_one_department_are_not_versions() {
        let subs: Vec<Submission> = (0..300)
            .map(|i| {
                let mut s = with_titles(
                    sub(&format!("{i:05}-center.xlsx"), &format!("{i}"), BOLIG),
                    &[
                        &format!("Projekt {i}"),
                        &format!("Klub {i}"),
                        "Fælles indsats",
                    ],
                );
                s.metadata.document_number = Some(format!("2008-{i}"));
                s
            })
            .collect();
        assert!(decide(&subs).is_empty());
    }
}
