//! Status schemas (contract §1.2) in block form — a title row alone in its
//! row, then rows whose first filled cell is a field label, continuation rows
//! with an empty label cell — and in tabular form — a header row of field
//! labels plus Indsats/Titel (and optionally Sektion), one row per
//! initiative. Metadata rows are read on the way (see [`super::metadata`]).
//!
//! The section of an initiative comes from, in order: a Sektion column, the
//! last section heading row above it ("1. Statusskema …"), the sheet name
//! ("Statusskema 1", "Skema 2"), and finally its field labels (fields only
//! section 2 has, such as "Aktivitet", make it section 2).

use super::{labels, metadata, row_texts, source, Ctx};
use crate::format::Format;
use crate::model::{Initiative, SourceRef, Submission};
use crate::read::{Row, Sheet};
use indexmap::IndexMap;
use std::collections::HashSet;

/// Reads the status schemas and metadata of one sheet, skipping rows claimed
/// by budget tables. Returns whether anything recognizable was found.
pub(crate) fn read_sheet(
    sheet: &Sheet,
    claimed: &HashSet<u32>,
    sub: &mut Submission,
    ctx: &mut Ctx,
) -> bool {
    let format = ctx.format;
    let is_meta_sheet = format
        .sheets
        .metadata
        .iter()
        .any(|n| labels::normalize_label(n) == labels::normalize_label(&sheet.name));
    let rows: Vec<(&Row, Vec<(u32, String)>)> = sheet
        .rows
        .iter()
        .filter(|r| !claimed.contains(&r.index))
        .map(|r| (r, row_texts(r)))
        .filter(|(_, t)| !t.is_empty())
        .collect();

    // Each row's first text, normalized once: it is tried as a field label
    // several times below.
    let norms: Vec<String> = rows
        .iter()
        .map(|(_, t)| labels::normalize_label(&t[0].1))
        .collect();
    let label_of =
        |i: usize, section: Option<u8>| field_label_normalized(&norms[i], section, format);

    let mut section = format.section_named_by(&sheet.name);
    let mut in_meta_zone = true;
    let mut block: Option<Block> = None;
    let mut recognized = false;
    let mut i = 0;
    while i < rows.len() {
        let (row, texts) = &rows[i];
        let (first_col, first_text) = (texts[0].0, texts[0].1.as_str());

        if let Some(header) = TabularHeader::recognize(texts, format) {
            finish(block.take(), section, sub, format);
            in_meta_zone = false;
            recognized = true;
            i = read_tabular(&rows, i, &header, section, sheet, sub, format);
            continue;
        }

        if texts.len() == 1 && label_of(i, None).is_none() {
            if let Some(n) = format.section_named_by(first_text) {
                finish(block.take(), section, sub, format);
                section = Some(n);
                in_meta_zone = false;
                recognized = true;
                i += 1;
                continue;
            }
        }

        if let Some(b) = block.as_mut() {
            if first_col > b.label_col {
                b.continue_field(texts);
                i += 1;
                continue;
            }
            if first_col == b.label_col {
                if let Some(label) = label_of(i, b.section.or(section)) {
                    b.add_field(label, texts, sheet, row.index);
                    i += 1;
                    continue;
                }
            }
        }

        if block.is_none() && (in_meta_zone || is_meta_sheet) {
            if let Some(m) = metadata::recognize(row, ctx) {
                metadata::apply(m, sheet, row.index, sub, ctx);
                i += 1;
                continue;
            }
        }

        // A label | value row on the Forside that the format does not know
        // is kept as written (contract §1.1), never silently dropped — as
        // long as it is not the start of a status schema.
        let next_is_field = i + 1 < rows.len() && label_of(i + 1, section).is_some();
        if block.is_none()
            && is_meta_sheet
            && texts.len() >= 2
            && !next_is_field
            && label_of(i, section).is_none()
        {
            metadata::keep_other(texts, sub);
            i += 1;
            continue;
        }

        let next_is_field = i + 1 < rows.len() && label_of(i + 1, section).is_some();
        if texts.len() == 1 && next_is_field && label_of(i, section).is_none() {
            finish(block.take(), section, sub, format);
            block = Some(Block::new(
                first_text.to_string(),
                source(sheet, row.index, first_col),
                first_col,
                section,
            ));
            in_meta_zone = false;
            recognized = true;
            i += 1;
            continue;
        }

        if let Some(label) = label_of(i, section) {
            // A block that starts without a title row.
            finish(block.take(), section, sub, format);
            let mut b = Block::new(
                String::new(),
                source(sheet, row.index, first_col),
                first_col,
                section,
            );
            b.add_field(label, texts, sheet, row.index);
            block = Some(b);
            in_meta_zone = false;
            recognized = true;
            i += 1;
            continue;
        }

        match block.as_mut() {
            // An unknown label inside a block: kept as written, not lost.
            Some(b) if texts.len() >= 2 && first_col == b.label_col => {
                b.add_field(
                    first_text.trim_end_matches(':').trim().to_string(),
                    texts,
                    sheet,
                    row.index,
                );
            }
            // Anything else ends the block.
            _ => finish(block.take(), section, sub, format),
        }
        i += 1;
    }
    finish(block, section, sub, format);
    recognized
}

/// The canonical label of a field label cell, looking in `section` first and
/// then in every section of the format.
pub fn field_label(text: &str, section: Option<u8>, format: &Format) -> Option<String> {
    field_label_normalized(&labels::normalize_label(text), section, format)
}

/// [`field_label`] for a text already passed through
/// [`labels::normalize_label`].
fn field_label_normalized(text: &str, section: Option<u8>, format: &Format) -> Option<String> {
    let preferred = section.and_then(|n| format.section(n));
    preferred
        .into_iter()
        .chain(format.sections.iter())
        .flat_map(|s| s.fields.iter())
        .find_map(|f| f.matches_normalized(text))
}

/// The section whose field set best explains these labels: the one with the
/// most labels that only it has; ties go to the lower number.
fn infer_section<'a>(labels: impl Iterator<Item = &'a String> + Clone, format: &Format) -> u8 {
    let has = |n: u8, label: &str| {
        format.section(n).is_some_and(|s| {
            s.fields
                .iter()
                .any(|f| f.matches(label).as_deref() == Some(label))
        })
    };
    let mut best = (0usize, format.sections[0].number);
    for s in &format.sections {
        let own = labels
            .clone()
            .filter(|l| {
                has(s.number, l)
                    && !format
                        .sections
                        .iter()
                        .any(|o| o.number != s.number && has(o.number, l))
            })
            .count();
        if own > best.0 {
            best = (own, s.number);
        }
    }
    best.1
}

/// A status schema being read in block form.
struct Block {
    title: String,
    source: SourceRef,
    label_col: u32,
    section: Option<u8>,
    fields: IndexMap<String, String>,
    field_sources: IndexMap<String, SourceRef>,
    last: Option<String>,
}

impl Block {
    fn new(title: String, source: SourceRef, label_col: u32, section: Option<u8>) -> Self {
        Block {
            title,
            source,
            label_col,
            section,
            fields: IndexMap::new(),
            field_sources: IndexMap::new(),
            last: None,
        }
    }

    fn add_field(&mut self, label: String, texts: &[(u32, String)], sheet: &Sheet, row: u32) {
        let value = join_values(&texts[1..]);
        let col = texts.get(1).map_or(texts[0].0 + 1, |t| t.0);
        match self.fields.get_mut(&label) {
            // The same label again continues the field.
            Some(existing) => append_line(existing, &value),
            None => {
                self.fields.insert(label.clone(), value);
                self.field_sources
                    .insert(label.clone(), source(sheet, row, col));
            }
        }
        self.last = Some(label);
    }

    fn continue_field(&mut self, texts: &[(u32, String)]) {
        let value = join_values(texts);
        match &self.last {
            Some(label) => append_line(
                self.fields.get_mut(label).expect("last field exists"),
                &value,
            ),
            // Text under a title before any label: keep it as a note.
            None => {
                let slot = self.fields.entry("Bemærkning".to_string()).or_default();
                append_line(slot, &value);
                self.last = Some("Bemærkning".to_string());
            }
        }
    }
}

fn join_values(texts: &[(u32, String)]) -> String {
    texts
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn append_line(slot: &mut String, value: &str) {
    if value.is_empty() {
        return;
    }
    if !slot.is_empty() {
        slot.push('\n');
    }
    slot.push_str(value);
}

fn finish(block: Option<Block>, section: Option<u8>, sub: &mut Submission, format: &Format) {
    let Some(b) = block else { return };
    if b.title.is_empty() && b.fields.values().all(|v| v.is_empty()) {
        return; // an empty block of a blank template
    }
    let section = b
        .section
        .or(section)
        .unwrap_or_else(|| infer_section(b.fields.keys(), format));
    sub.initiatives.push(Initiative {
        section,
        title: b.title,
        fields: b.fields,
        source: b.source,
        field_sources: b.field_sources,
    });
}

/// The columns of a tabular status schema.
struct TabularHeader {
    title_col: u32,
    section_col: Option<u32>,
    fields: Vec<(u32, String)>,
}

impl TabularHeader {
    /// A header row: a title label (Indsats, Titel …) and at least two field
    /// labels.
    fn recognize(texts: &[(u32, String)], format: &Format) -> Option<TabularHeader> {
        // Every cell of every row comes here: normalize each text once.
        let norm: Vec<(u32, String)> = texts
            .iter()
            .map(|(c, t)| (*c, labels::normalize_label(t)))
            .collect();
        let is = |ls: &[String], t: &str| {
            ls.iter()
                .any(|l| labels::label_matches_normalized(l, t).is_some())
        };
        let title_col = norm.iter().find(|(_, t)| is(&format.tabular.title, t))?.0;
        let section_col = norm
            .iter()
            .find(|(_, t)| is(&format.tabular.section, t))
            .map(|t| t.0);
        let fields: Vec<(u32, String)> = texts
            .iter()
            .filter(|(c, _)| *c != title_col && Some(*c) != section_col)
            .filter_map(|(c, t)| field_label(t, None, format).map(|l| (*c, l)))
            .collect();
        (fields.len() >= 2).then_some(TabularHeader {
            title_col,
            section_col,
            fields,
        })
    }
}

/// Reads the initiatives under a tabular header; returns the index of the
/// first row after the table.
fn read_tabular(
    rows: &[(&Row, Vec<(u32, String)>)],
    header_at: usize,
    header: &TabularHeader,
    section: Option<u8>,
    sheet: &Sheet,
    sub: &mut Submission,
    format: &Format,
) -> usize {
    let mut i = header_at + 1;
    let mut current: Option<Initiative> = None;
    let known_col = |c: u32| {
        c == header.title_col
            || Some(c) == header.section_col
            || header.fields.iter().any(|f| f.0 == c)
    };
    let mut prev_index = rows[header_at].0.index;
    while i < rows.len() {
        let (row, texts) = &rows[i];
        if row.index > prev_index + 2 || !texts.iter().any(|(c, _)| known_col(*c)) {
            break; // a gap of two empty rows, or a row outside the table's columns
        }
        if texts.len() == 1 && format.section_named_by(&texts[0].1).is_some() {
            break;
        }
        prev_index = row.index;
        let get = |col: u32| {
            texts
                .iter()
                .find(|(c, _)| *c == col)
                .map(|(_, t)| t.clone())
        };
        match get(header.title_col) {
            Some(title) => {
                if let Some(done) = current.take() {
                    sub.initiatives.push(done);
                }
                let mut fields = IndexMap::new();
                let mut field_sources = IndexMap::new();
                for (col, label) in &header.fields {
                    fields.insert(label.clone(), get(*col).unwrap_or_default());
                    field_sources.insert(label.clone(), source(sheet, row.index, *col));
                }
                let explicit = header
                    .section_col
                    .and_then(get)
                    .and_then(|s| format.section_in_column(&s));
                let filled = fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k);
                let section = explicit
                    .or(section)
                    .unwrap_or_else(|| infer_section(filled, format));
                // Columns of the other section stay out of this initiative when empty.
                if let Some(own) = format.section(section) {
                    let belongs = |label: &String| {
                        own.fields
                            .iter()
                            .any(|f| f.matches(label).as_deref() == Some(label.as_str()))
                    };
                    fields.retain(|k, v| !v.is_empty() || belongs(k));
                    field_sources.retain(|k, _| fields.contains_key(k));
                }
                current = Some(Initiative {
                    section,
                    title,
                    fields,
                    source: source(sheet, row.index, header.title_col),
                    field_sources,
                });
            }
            None => {
                // A continuation row: its values continue the fields above.
                if let Some(init) = current.as_mut() {
                    for (col, label) in &header.fields {
                        if let Some(v) = get(*col) {
                            append_line(init.fields.entry(label.clone()).or_default(), &v);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    if let Some(done) = current {
        sub.initiatives.push(done);
    }
    i
}
