//! Post-processing of the .docx docx-rs packs: a small pass over the zip
//! with quick-xml that does what docx-rs cannot express or gets wrong.
//!
//! - **Language**: `w:lang w:val="da-DK"` in the styles' default run
//!   properties (and the theme font language in settings), so Word and
//!   LibreOffice spell-check and hyphenate the document as Danish.
//! - **Core properties**: `docProps/core.xml` is written anew with the
//!   title, creator, language and the real creation time (docx-rs writes
//!   "unknown" and 1970).
//! - **Schema order**: the children of `w:pPr`, `w:rPr`, `w:tblPr`,
//!   `w:trPr`, `w:tcPr`, `w:sectPr`, `w:style`, `w:settings` and friends
//!   are put in the order the OOXML schema's sequences demand (docx-rs
//!   writes e.g. `w:rPr` first in `w:pPr` and `w:basedOn` last in
//!   `w:style`; Word then asks to repair the file, docx-rs issue #724).
//! - **Compression**: docx-rs stores every entry uncompressed; every entry
//!   is deflated here (a 3,700-table appendix shrinks about tenfold).
//!
//! The tests' package check (tests/docx_support) judges the result: every
//! part well-formed, every entry deflated, and the schema order of the
//! elements above; they run it on every appendix they build.
//! tests/docx_rs_order.rs shows which of these repairs docx-rs still needs.
//!
//! docx-rs always writes the WordprocessingML namespace with the prefix `w:`;
//! this pass matches qualified names and relies on that.

use super::schema_order::{order_of, slots_of};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// What goes into `docProps/core.xml`.
#[derive(Debug, Clone)]
pub(super) struct CoreProps {
    pub title: String,
    pub creator: String,
    /// BCP 47 tag, "da-DK"; also the document's language.
    pub language: String,
    pub created: chrono::DateTime<chrono::Utc>,
}

/// Rewrites a docx-rs package: see the module docs. The builder hands over
/// the parts unzipped ([`postprocess_parts_with`]); the tests run the pass
/// on whole packages.
///
/// # Errors
/// A message naming the part when the package or one of its XML parts
/// cannot be read or written.
#[cfg(test)]
fn postprocess(docx: &[u8], props: &CoreProps) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| format!("zip: {e}"))?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| format!("zip: {e}"))?;
        if f.is_dir() {
            // OPC packages have no folder entries.
            continue;
        }
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let mut bytes = Vec::with_capacity(f.size() as usize);
        f.read_to_end(&mut bytes)
            .map_err(|e| format!("{name}: {e}"))?;
        parts.push((name, bytes));
    }
    postprocess_parts_with(parts, props, None)
}

/// Writes the main document (`word/document.xml`, already fixed) into the
/// package: it gets the fixed part and the deflating writer, and may splice
/// in XML that is already in its final form (see [`super::wml`]), so the
/// bulk of a large appendix is neither parsed nor reordered.
pub(super) type DocumentWriter<'a> = &'a mut dyn FnMut(&[u8], &mut dyn Write) -> Result<(), String>;

/// Rewrites the package's parts (name, bytes) in package order, as docx-rs
/// hands them over before zipping, into a zipped package (see the module
/// docs), with `document` writing `word/document.xml` into the package
/// (see [`DocumentWriter`]); `None` writes it as it is.
///
/// # Errors
/// A message naming the part when one of the XML parts cannot be read or
/// written, and what `document` returns.
pub(super) fn postprocess_parts_with(
    mut parts: Vec<(String, Vec<u8>)>,
    props: &CoreProps,
    mut document: Option<DocumentWriter>,
) -> Result<Vec<u8>, String> {
    let total: usize = parts.iter().map(|(_, b)| b.len()).sum();
    add_theme(&mut parts)?;
    // [Content_Types].xml first, as Word writes it.
    parts.sort_by_key(|(n, _)| n != "[Content_Types].xml");

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total / 8)));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(2));
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options)
            .map_err(|e| format!("{name}: {e}"))?;
        write_part(&name, &bytes, props, &mut document, &mut out)
            .map_err(|e| format!("{name}: {e}"))?;
    }
    let cursor = out.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// Writes one part into the package entry just started: core properties
/// anew, WordprocessingML parts fixed, the rest as it is.
fn write_part(
    name: &str,
    bytes: &[u8],
    props: &CoreProps,
    document: &mut Option<DocumentWriter>,
    out: &mut dyn Write,
) -> Result<(), String> {
    if name == "docProps/core.xml" {
        return out
            .write_all(core_xml(props).as_bytes())
            .map_err(|e| e.to_string());
    }
    if !(name.ends_with(".xml") && name.starts_with("word/")) {
        return out.write_all(bytes).map_err(|e| e.to_string());
    }
    let ctx = Ctx {
        language: &props.language,
    };
    match document.as_mut() {
        Some(write_document) if name == "word/document.xml" => {
            let fixed = transform_part(bytes, &ctx)?;
            write_document(&fixed, out)
        }
        // Straight into the deflater: no second copy of the part.
        _ => transform_part_into(bytes, &ctx, out),
    }
}

const THEME_PART: &str = "word/theme/theme1.xml";
const THEME_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
const THEME_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.theme+xml";

/// A minimal theme (Office colours, Arial): the main document's theme
/// relationship is required by the schema, and docx-rs writes none.
const THEME_XML: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="bilag">"#,
    r#"<a:themeElements><a:clrScheme name="Office">"#,
    r#"<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>"#,
    r#"<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#,
    r#"<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>"#,
    r#"<a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2>"#,
    r#"<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>"#,
    r#"<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6>"#,
    r#"<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink>"#,
    r#"</a:clrScheme><a:fontScheme name="bilag">"#,
    r#"<a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>"#,
    r#"<a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>"#,
    r#"</a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"</a:fillStyleLst><a:lnStyleLst>"#,
    r#"<a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#,
    r#"<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#,
    r#"<a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#,
    r#"</a:lnStyleLst><a:effectStyleLst>"#,
    r#"<a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>"#,
    r#"<a:effectStyle><a:effectLst/></a:effectStyle>"#,
    r#"</a:effectStyleLst><a:bgFillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"#,
);

/// Adds the theme part, its content type and the document's relationship
/// to it, unless the package has a theme already.
fn add_theme(parts: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    if parts.iter().any(|(n, _)| n.starts_with("word/theme/")) {
        return Ok(());
    }
    let insert_before = |parts: &mut Vec<(String, Vec<u8>)>,
                         name: &str,
                         closing: &str,
                         what: String|
     -> Result<(), String> {
        let (_, bytes) = parts
            .iter_mut()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("{name} mangler"))?;
        let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
        let at = text
            .rfind(closing)
            .ok_or_else(|| format!("{name}: {closing} mangler"))?;
        let mut out = String::with_capacity(text.len() + what.len());
        out.push_str(&text[..at]);
        out.push_str(&what);
        out.push_str(&text[at..]);
        *bytes = out.into_bytes();
        Ok(())
    };
    insert_before(
        parts,
        "[Content_Types].xml",
        "</Types>",
        format!(r#"<Override PartName="/{THEME_PART}" ContentType="{THEME_CONTENT_TYPE}"/>"#),
    )?;
    insert_before(
        parts,
        "word/_rels/document.xml.rels",
        "</Relationships>",
        format!(
            r#"<Relationship Id="rIdBilagTheme1" Type="{THEME_REL}" Target="theme/theme1.xml"/>"#
        ),
    )?;
    parts.push((THEME_PART.to_string(), THEME_XML.as_bytes().to_vec()));
    Ok(())
}

/// Element text of core.xml, escaped as appendix.docx's other text is.
fn xml_escape(s: &str) -> String {
    let mut buf = Vec::with_capacity(s.len());
    crate::write::xml::push_wml_text(&mut buf, s);
    // Only ASCII bytes were replaced by ASCII: still UTF-8.
    String::from_utf8(buf).unwrap_or_default()
}

fn core_xml(p: &CoreProps) -> String {
    let when = p.created.format("%Y-%m-%dT%H:%M:%SZ");
    let title = xml_escape(&super::wml::clean_text(&p.title).replace('\n', " "));
    let creator = xml_escape(&p.creator);
    let lang = xml_escape(&p.language);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{creator}</cp:lastModifiedBy><dc:language>{lang}</dc:language><cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>"#
    )
}

// ---------------------------------------------------------------------------
// A small owned tree for the subtrees that get rewritten

#[derive(Debug, Clone)]
enum Node<'a> {
    Elem {
        start: BytesStart<'a>,
        children: Vec<Node<'a>>,
    },
    Other(Event<'a>),
}

impl<'a> Node<'a> {
    fn elem(name: &str) -> Node<'a> {
        Node::Elem {
            start: BytesStart::new(name.to_string()),
            children: Vec::new(),
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Node::Elem { start, .. } => Some(start.name().into_inner()),
            Node::Other(_) => None,
        }
    }

    fn children_mut(&mut self) -> Option<&mut Vec<Node<'a>>> {
        match self {
            Node::Elem { children, .. } => Some(children),
            Node::Other(_) => None,
        }
    }

    fn child(&self, name: &str) -> Option<&Node<'a>> {
        match self {
            Node::Elem { children, .. } => children.iter().find(|c| c.name() == Some(name)),
            Node::Other(_) => None,
        }
    }

    /// The child named `name`, created at the end if missing.
    fn child_or_insert(&mut self, name: &str) -> &mut Node<'a> {
        let children = self.children_mut().expect("an element");
        let pos = match children.iter().position(|c| c.name() == Some(name)) {
            Some(p) => p,
            None => {
                children.push(Node::elem(name));
                children.len() - 1
            }
        };
        &mut children[pos]
    }

    fn attr(&self, name: &str) -> Option<String> {
        match self {
            Node::Elem { start, .. } => start
                .try_get_attribute(name)
                .ok()
                .flatten()
                .map(|a| a.value.into_owned()),
            Node::Other(_) => None,
        }
    }
}

fn read_subtree<'a>(
    reader: &mut Reader<&'a [u8]>,
    start: BytesStart<'a>,
) -> Result<Node<'a>, String> {
    let mut children = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(s) => children.push(read_subtree(reader, s)?),
            Event::Empty(s) => children.push(Node::Elem {
                start: s,
                children: Vec::new(),
            }),
            Event::End(_) => return Ok(Node::Elem { start, children }),
            Event::Eof => return Err("unexpected end of the part".into()),
            e => children.push(Node::Other(e)),
        }
    }
}

fn write_node<W: Write>(w: &mut Writer<W>, node: &Node) -> Result<(), String> {
    let err = |e: std::io::Error| e.to_string();
    match node {
        Node::Other(e) => w.write_event(e.borrow()).map_err(err),
        Node::Elem { start, children } if children.is_empty() => {
            w.write_event(Event::Empty(start.borrow())).map_err(err)
        }
        Node::Elem { start, children } => {
            w.write_event(Event::Start(start.borrow())).map_err(err)?;
            for c in children {
                write_node(w, c)?;
            }
            w.write_event(Event::End(start.to_end())).map_err(err)
        }
    }
}

struct Ctx<'a> {
    language: &'a str,
}

/// Fixes a subtree bottom-up: language and the other repairs, then child
/// order.
fn fix(node: &mut Node, ctx: &Ctx) {
    if let Node::Elem { children, .. } = node {
        for c in children.iter_mut() {
            fix(c, ctx);
        }
    }
    match node.name() {
        Some("w:docDefaults") => fix_doc_defaults(node, ctx),
        Some("w:styles") => fix_styles(node, ctx),
        Some("w:gridCol") => remove_attr(node, "w:type"),
        Some("w:style" | "w:lvl" | "w:pPrDefault") => move_general_ppr_rpr(node),
        Some("w:settings") => set_theme_font_lang(node, ctx.language),
        _ => {}
    }
    sort_children(node);
}

/// The document's default run properties get the language.
fn fix_doc_defaults(doc_defaults: &mut Node, ctx: &Ctx) {
    let r_pr = doc_defaults
        .child_or_insert("w:rPrDefault")
        .child_or_insert("w:rPr");
    set_lang(r_pr, ctx.language);
    sort_children(r_pr);
}

/// Styles without document defaults get them first (with the language);
/// then one definition per style id ([`dedupe_styles`]).
fn fix_styles(styles: &mut Node, ctx: &Ctx) {
    if styles.child("w:docDefaults").is_none() {
        let mut dd = Node::elem("w:docDefaults");
        fix(&mut dd, ctx);
        styles.children_mut().expect("an element").insert(0, dd);
    }
    dedupe_styles(styles);
}

/// The settings' theme font language, replacing one docx-rs wrote.
fn set_theme_font_lang(settings: &mut Node, language: &str) {
    let children = settings.children_mut().expect("an element");
    children.retain(|c| c.name() != Some("w:themeFontLang"));
    let mut tfl = BytesStart::new("w:themeFontLang");
    tfl.push_attribute(("w:val", language));
    children.push(Node::Elem {
        start: tfl,
        children: Vec::new(),
    });
}

/// Drops one attribute (docx-rs writes `w:type` on `w:gridCol`, which the
/// schema does not declare).
fn remove_attr(node: &mut Node, name: &str) {
    let Node::Elem { start, .. } = node else {
        return;
    };
    if start.try_get_attribute(name).ok().flatten().is_none() {
        return;
    }
    let keep: Vec<(String, String)> = start
        .attributes()
        .flatten()
        .filter(|a| a.key.into_inner() != name)
        .map(|a| (a.key.into_inner().to_string(), a.value.into_owned()))
        .collect();
    start.clear_attributes();
    for (k, v) in &keep {
        start.push_attribute((k.as_str(), v.as_str()));
    }
}

/// The paragraph properties of a style, a numbering level and the document
/// defaults (CT_PPrGeneral) may not hold run properties; docx-rs writes an
/// empty `w:rPr` there. An empty one is dropped, a non-empty one's children
/// move into the style's or level's own `w:rPr`.
fn move_general_ppr_rpr(node: &mut Node) {
    let is_owner = matches!(node.name(), Some("w:style" | "w:lvl"));
    let Some(children) = node.children_mut() else {
        return;
    };
    let mut moved = Vec::new();
    for c in children.iter_mut() {
        if c.name() == Some("w:pPr") {
            let kids = c.children_mut().expect("an element");
            let mut i = 0;
            while i < kids.len() {
                if kids[i].name() == Some("w:rPr") {
                    if let Node::Elem { children, .. } = kids.remove(i) {
                        moved.extend(children);
                    }
                } else {
                    i += 1;
                }
            }
        }
    }
    if moved.is_empty() || !is_owner {
        return;
    }
    let r_pr = node.child_or_insert("w:rPr");
    let kids = r_pr.children_mut().expect("an element");
    for m in moved {
        if !kids
            .iter()
            .any(|k| k.name().is_some() && k.name() == m.name())
        {
            kids.push(m);
        }
    }
    sort_children(r_pr);
}

/// docx-rs always writes a bare "Normal" style before the ones added, so a
/// document that defines its own Normal has two: keep the last definition
/// of each style id. Marks "Normal" as the default paragraph style when no
/// paragraph style is (Word's own Normal has `w:default="1"`).
fn dedupe_styles(styles: &mut Node) {
    let children = styles.children_mut().expect("an element");
    let id_of = |n: &Node| match n.name() {
        Some("w:style") => n.attr("w:styleId"),
        _ => None,
    };
    let mut seen = std::collections::HashSet::new();
    let mut keep = vec![true; children.len()];
    for (i, c) in children.iter().enumerate().rev() {
        if let Some(id) = id_of(c) {
            if !seen.insert(id) {
                keep[i] = false;
            }
        }
    }
    let mut k = keep.into_iter();
    children.retain(|_| k.next().unwrap_or(true));
    let is_paragraph = |n: &Node| n.attr("w:type").as_deref() == Some("paragraph");
    let has_default = children.iter().any(|c| {
        c.name() == Some("w:style")
            && is_paragraph(c)
            && matches!(c.attr("w:default").as_deref(), Some("1" | "true" | "on"))
    });
    if !has_default {
        if let Some(Node::Elem { start, .. }) = children.iter_mut().find(|c| {
            c.name() == Some("w:style")
                && is_paragraph(c)
                && c.attr("w:styleId").as_deref() == Some("Normal")
        }) {
            start.push_attribute(("w:default", "1"));
        }
    }
}

fn set_lang(r_pr: &mut Node, language: &str) {
    let children = r_pr.children_mut().expect("an element");
    children.retain(|c| c.name() != Some("w:lang"));
    let mut lang = BytesStart::new("w:lang");
    lang.push_attribute(("w:val", language));
    lang.push_attribute(("w:eastAsia", language));
    children.push(Node::Elem {
        start: lang,
        children: Vec::new(),
    });
}

/// The parents whose children docx-rs 0.4.22 writes out of schema order,
/// or whose children this pass adds out of order (w:rPr gets w:lang, w:style
/// the run properties of its w:pPr). tests/docx_rs_order.rs shows docx-rs's
/// share; the schema orders more parents ([`super::schema_order`]), which
/// docx-rs writes in order and the tests check.
const REORDERED: &[&str] = &[
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:sectPr",
    "w:style",
    "w:settings",
];

/// Stable sort of an element's children into its schema sequence, for the
/// parents in [`REORDERED`]. A child the sequence does not name keeps its
/// place after its known predecessor.
fn sort_children(node: &mut Node) {
    let Node::Elem { start, children } = node else {
        return;
    };
    let name = start.name().into_inner();
    if !REORDERED.contains(&name) {
        return;
    }
    let Some(slots) = slots_of(name) else {
        return;
    };
    let mut keys: Vec<usize> = Vec::with_capacity(children.len());
    let mut last = 0;
    for c in children.iter() {
        let key = match c.name().and_then(|n| slots.get(n)) {
            Some(&s) => {
                last = s;
                s
            }
            None => last,
        };
        keys.push(key);
    }
    if keys.is_sorted() {
        return;
    }
    let mut keyed: Vec<(usize, Node)> = keys.into_iter().zip(children.drain(..)).collect();
    keyed.sort_by_key(|(k, _)| *k);
    children.extend(keyed.into_iter().map(|(_, c)| c));
}

/// Rewrites one XML part: every element the schema orders is read as a
/// subtree, fixed and written back; everything else streams through.
fn transform_part(xml: &[u8], ctx: &Ctx) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(xml.len() + 4096);
    transform_part_into(xml, ctx, &mut out)?;
    Ok(out)
}

/// As `transform_part`, writing to `out`.
fn transform_part_into<W: Write>(xml: &[u8], ctx: &Ctx, out: W) -> Result<(), String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(std::io::BufWriter::with_capacity(64 * 1024, out));
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML-fejl ved byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(s) if order_of(s.name().into_inner()).is_some() => {
                let mut node = read_subtree(&mut reader, s)?;
                fix(&mut node, ctx);
                write_node(&mut writer, &node)?;
            }
            Event::Empty(s) if order_of(s.name().into_inner()).is_some() => {
                let mut node = Node::Elem {
                    start: s,
                    children: Vec::new(),
                };
                fix(&mut node, ctx);
                write_node(&mut writer, &node)?;
            }
            Event::Eof => break,
            e => writer.write_event(e).map_err(|e| e.to_string())?,
        }
    }
    writer
        .into_inner()
        .into_inner()
        .map(|_| ())
        .map_err(|e| e.error().to_string())
}

#[cfg(test)]
mod tests {
    use super::super::schema_order::order_problems;
    use super::*;

    fn ctx() -> Ctx<'static> {
        Ctx { language: "da-DK" }
    }

    fn run(xml: &str) -> String {
        // docx-rs writes "<w:b />"; the space is kept, ignore it here.
        String::from_utf8(transform_part(xml.as_bytes(), &ctx()).unwrap())
            .unwrap()
            .replace(" />", "/>")
    }

    #[test]
    fn paragraph_properties_are_put_in_schema_order() {
        // docx-rs writes w:rPr first and w:keepNext after w:jc.
        let xml = r#"<w:document><w:body><w:p><w:pPr><w:rPr /><w:pStyle w:val="X" /><w:jc w:val="right" /><w:keepNext /></w:pPr><w:r><w:t>a</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(order_problems(xml.as_bytes()).len(), 3);
        let out = run(xml);
        assert_eq!(
            out,
            r#"<w:document><w:body><w:p><w:pPr><w:pStyle w:val="X"/><w:keepNext/><w:jc w:val="right"/><w:rPr/></w:pPr><w:r><w:t>a</w:t></w:r></w:p></w:body></w:document>"#
        );
        assert!(order_problems(out.as_bytes()).is_empty());
    }

    #[test]
    fn style_elements_are_put_in_schema_order() {
        let xml = r#"<w:styles><w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 1" /><w:rPr><w:sz w:val="28" /><w:b /></w:rPr><w:pPr><w:outlineLvl w:val="0" /><w:keepNext /></w:pPr><w:next w:val="Normal" /><w:qFormat /><w:basedOn w:val="Normal" /></w:style></w:styles>"#;
        let out = run(xml);
        assert!(order_problems(out.as_bytes()).is_empty(), "{out}");
        assert!(out.contains(r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>"#), "{out}");
        // No docDefaults: one is made, with the language.
        assert!(out.starts_with(r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="da-DK" w:eastAsia="da-DK"/></w:rPr></w:rPrDefault></w:docDefaults>"#), "{out}");
    }

    #[test]
    fn a_style_defined_twice_keeps_its_last_definition_and_normal_is_default() {
        let xml = r#"<w:styles><w:docDefaults/><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /></w:style><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /><w:rPr><w:sz w:val="20" /></w:rPr></w:style></w:styles>"#;
        let out = run(xml);
        assert_eq!(out.matches("w:styleId=\"Normal\"").count(), 1, "{out}");
        assert!(out.contains(r#"<w:style w:type="paragraph" w:styleId="Normal" w:default="1"><w:name w:val="Normal"/><w:rPr><w:sz w:val="20"/></w:rPr></w:style>"#), "{out}");
        assert!(order_problems(out.as_bytes()).is_empty());
    }

    #[test]
    fn grid_columns_lose_the_undeclared_type_attribute() {
        let xml = r#"<w:tbl><w:tblGrid><w:gridCol w:w="5669" w:type="dxa" /></w:tblGrid></w:tbl>"#;
        let out = run(xml);
        assert_eq!(
            out,
            r#"<w:tbl><w:tblGrid><w:gridCol w:w="5669"/></w:tblGrid></w:tbl>"#
        );
        assert!(order_problems(out.as_bytes()).is_empty());
    }

    #[test]
    fn run_properties_leave_the_paragraph_properties_of_styles_and_levels() {
        let xml = r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr/></w:rPrDefault><w:pPrDefault><w:pPr><w:rPr /></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="A"><w:name w:val="A" /><w:rPr><w:sz w:val="20" /></w:rPr><w:pPr><w:rPr><w:b /><w:sz w:val="30" /></w:rPr><w:jc w:val="left" /></w:pPr></w:style></w:styles>"#;
        // rPr in two general pPr, w:pPr after w:rPr, w:jc after w:rPr.
        assert_eq!(order_problems(xml.as_bytes()).len(), 4);
        let out = run(xml);
        assert!(
            out.contains(r#"<w:pPrDefault><w:pPr/></w:pPrDefault>"#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"<w:pPr><w:jc w:val="left"/></w:pPr><w:rPr><w:b/><w:sz w:val="20"/></w:rPr>"#
            ),
            "{out}"
        );
        assert!(order_problems(out.as_bytes()).is_empty(), "{out}");
        let lvl = r#"<w:numbering><w:abstractNum><w:lvl w:ilvl="0"><w:start w:val="1" /><w:pPr><w:ind w:left="420" /><w:rPr /></w:pPr><w:rPr /></w:lvl></w:abstractNum></w:numbering>"#;
        let out = run(lvl);
        assert!(
            out.contains(r#"<w:pPr><w:ind w:left="420"/></w:pPr><w:rPr/></w:lvl>"#),
            "{out}"
        );
        assert!(order_problems(out.as_bytes()).is_empty());
    }

    #[test]
    fn a_theme_is_added_once_with_its_relationship_and_content_type() {
        let mut parts = vec![
            (
                "[Content_Types].xml".to_string(),
                br#"<Types x="1"><Default Extension="xml"/></Types>"#.to_vec(),
            ),
            (
                "word/_rels/document.xml.rels".to_string(),
                br#"<Relationships><Relationship Id="rId1"/></Relationships>"#.to_vec(),
            ),
        ];
        add_theme(&mut parts).unwrap();
        add_theme(&mut parts).unwrap();
        assert_eq!(parts.len(), 3);
        let ct = String::from_utf8(parts[0].1.clone()).unwrap();
        assert!(ct.ends_with(r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/></Types>"#), "{ct}");
        let rels = String::from_utf8(parts[1].1.clone()).unwrap();
        assert!(rels.contains(r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/></Relationships>"#), "{rels}");
        assert_eq!(parts[2].0, THEME_PART);
    }

    #[test]
    fn language_replaces_an_existing_one() {
        let xml = r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US" /><w:rFonts w:ascii="Arial" /><w:sz w:val="20" /></w:rPr></w:rPrDefault></w:docDefaults></w:styles>"#;
        let out = run(xml);
        assert_eq!(
            out,
            r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial"/><w:sz w:val="20"/><w:lang w:val="da-DK" w:eastAsia="da-DK"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>"#
        );
    }

    #[test]
    fn text_and_entities_survive_unchanged() {
        let xml = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">a &amp; b &lt;c&gt; &#230; "=SUM(A1)"</w:t></w:r></w:p>"#;
        assert_eq!(run(xml), xml);
    }

    #[test]
    fn core_properties_are_escaped_and_dated() {
        let props = CoreProps {
            title: "Bilag 1: A & B <x>\u{1}".into(),
            creator: "bilag".into(),
            language: "da-DK".into(),
            created: chrono::DateTime::parse_from_rfc3339("2026-03-03T10:11:12Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        };
        let xml = core_xml(&props);
        assert!(
            xml.contains("<dc:title>Bilag 1: A &amp; B &lt;x&gt;</dc:title>"),
            "{xml}"
        );
        assert!(xml.contains(
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-03T10:11:12Z</dcterms:created>"#
        ));
        assert!(xml.contains("<dc:language>da-DK</dc:language>"));
    }

    #[test]
    fn the_pass_leaves_its_own_output_as_it_is() {
        let model = crate::model::Model::default();
        let format = crate::format::Format::default_format();
        let bytes = super::super::appendix_bytes(&model, &format).unwrap();
        let props = CoreProps {
            title: "x".into(),
            creator: "bilag".into(),
            language: "da-DK".into(),
            created: chrono::Utc::now(),
        };
        let again = postprocess(&bytes, &props).unwrap();
        let parts = |docx: &[u8]| {
            let mut zip = zip::ZipArchive::new(Cursor::new(docx.to_vec())).unwrap();
            (0..zip.len())
                .map(|i| {
                    let mut f = zip.by_index(i).unwrap();
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut f, &mut b).unwrap();
                    (String::from_utf8_lossy(f.name_raw()).into_owned(), b)
                })
                .filter(|(n, _)| n != "docProps/core.xml")
                .collect::<Vec<_>>()
        };
        assert_eq!(parts(&bytes), parts(&again));
    }
}
