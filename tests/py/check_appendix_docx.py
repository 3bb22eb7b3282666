#!/usr/bin/env python3
"""Checks bilag's appendix.docx for the seed fixture with python-docx, an
implementation independent of the Rust code that wrote it.

    python3 tests/py/check_appendix_docx.py appendix.docx expected.json [--format FORMAT.toml]

- every text of the seed's appendix appears, in the seed's order: header
  fields, title, intro, goals, closing, section headings, every initiative's
  title, field labels and value lines, the economic overview with totals
  computed from the budget lines (not the stated ones);
- every XML part parses with lxml, every zip entry is deflated;
- the document is marked da-DK, has a title and a creation date, page
  numbers (PAGE / NUMPAGES) in the footer, and real heading styles;
- when the openxml-audit package is installed (pip install openxml-audit,
  a pure-Python port of the Open XML SDK validator): no schema or semantic
  error for Microsoft 365 and for Office 2007 (otherwise a note says so).

Exits 0 when all checks pass, 1 when one fails, 2 on wrong usage.
"""

import argparse
import json
import re
import sys
import tomllib
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HERE = Path(__file__).resolve().parent
DEFAULT_FORMAT = HERE.parent.parent / "templates" / "socialudvalget-2008.toml"

failures = []
passed = 0


def check(ok, message):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(message)


def squash(s):
    return " ".join(s.split())


def mio(kroner):
    """Kroner as the appendix shows them: "6,0 mio.", "12,29 mio."."""
    v = (Decimal(kroner) / Decimal(1_000_000)).quantize(Decimal("0.01"))
    text = f"{v:.2f}"
    if text.endswith("0"):
        text = text[:-1]
    return text.replace(".", ",") + " mio."


def body_texts(document):
    """Paragraph texts in document order, table cells included (a cell
    spanning columns once)."""
    out = []

    def cell_texts(table):
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                for item in cell.iter_inner_content():
                    if isinstance(item, Paragraph):
                        out.append(item.text)
                    elif isinstance(item, Table):
                        cell_texts(item)

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            out.append(item.text)
        elif isinstance(item, Table):
            cell_texts(item)
    return out


def seed_texts(expected, fmt):
    seed = expected["seed"]
    doc = seed["document"]
    sub = seed["model"]["submissions"][0]
    meta = sub["metadata"]
    d = date.fromisoformat(meta["date"])
    texts = [
        f"Til {meta['committee']}",
        d.strftime("%d-%m-%Y"),
        "Sagsnr.", meta["case_number"],
        "Dokumentnr.", meta["document_number"],
        "Sagsbehandler", meta["caseworker"],
        sub["department"],
        *meta["address"].split("\n"),
        "Telefon", meta["phone"],
        "Telefax", meta["fax"],
        "E-mail", meta["email"],
        "EAN nummer", meta["ean"],
        doc["title"],
        doc["intro"],
        *[f"{i}) {g}" for i, g in enumerate(doc["goals"], 1)],
        doc["intro_closing"],
    ]
    for section in fmt["sections"]:
        texts.append(section["heading"])
        for ini in sub["initiatives"]:
            if ini["section"] != section["number"]:
                continue
            texts.append(ini["title"])
            for label, value in ini["fields"].items():
                texts.append(label)
                texts.extend(value.split("\n"))
    texts.append(fmt["document"]["economy_heading"])

    # The economic overview, computed from the lines.
    lines = sub["budget_lines"]
    years = sorted({y for line in lines for y in line["amounts"]})
    groups = []
    for line in lines:
        if not groups or groups[-1][0] != line["group"]:
            groups.append((line["group"], []))
        groups[-1][1].append(line)
    grand = {y: Decimal(0) for y in years}
    for gi, (name, glines) in enumerate(groups):
        texts.append(name)
        if gi == 0:
            texts.extend(years)
            texts.append(fmt["document"]["total_column_label"])
        gtot = {y: Decimal(0) for y in years}
        for line in glines:
            texts.append(line["title"])
            for y in years:
                if y in line["amounts"]:
                    a = Decimal(line["amounts"][y])
                    texts.append(mio(a))
                    gtot[y] += a
                    grand[y] += a
            if line["amounts"]:
                texts.append(mio(sum(Decimal(v) for v in line["amounts"].values())))
        texts.append(fmt["document"]["total_column_label"])
        texts.extend(mio(gtot[y]) for y in years if any(y in l["amounts"] for l in glines))
        texts.append(mio(sum(gtot.values())))
    texts.append(fmt["document"]["total_caption"])
    texts.append(fmt["document"]["grand_total_label"])
    texts.extend(mio(grand[y]) for y in years)
    texts.append(mio(sum(grand.values())))
    return texts


def check_in_order(hay_texts, needles):
    hay = squash("\n".join(hay_texts))
    pos = 0
    for i, n in enumerate(needles):
        n = squash(n)
        if not n:
            continue
        at = hay.find(n, pos)
        if at < 0:
            where = "out of order" if n in hay else "missing"
            prev = squash(needles[i - 1]) if i else ""
            check(False, f"text #{i} {n!r} is {where} (after {prev!r})")
            return
        pos = at + len(n)
        check(True, "")


def check_package(path):
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            check(not info.is_dir(), f"{info.filename}: folder entry")
            check(info.compress_type == zipfile.ZIP_DEFLATED,
                  f"{info.filename}: not deflated")
            if info.filename.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(z.read(info.filename))
                    check(True, "")
                except etree.XMLSyntaxError as e:
                    check(False, f"{info.filename}: not well-formed: {e}")
        styles = etree.fromstring(z.read("word/styles.xml"))
        langs = styles.findall(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        check([l.get(f"{W}val") for l in langs] == ["da-DK"],
              "styles.xml: default language is not da-DK")
        footers = [n for n in z.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
        instr = " ".join(
            t.text or ""
            for n in footers
            for t in etree.fromstring(z.read(n)).iter(f"{W}instrText")
        ).split()
        check("PAGE" in instr and "NUMPAGES" in instr,
              f"footer fields are {instr}, want PAGE and NUMPAGES")


def check_schema(path):
    try:
        from openxml_audit import FileFormat, OpenXmlValidator
    except ImportError:
        print("note: openxml-audit is not installed; OOXML schema validation skipped")
        return
    for fmt in (FileFormat.MICROSOFT_365, FileFormat.OFFICE_2007):
        result = OpenXmlValidator(file_format=fmt, max_errors=100).validate(path)
        check(result.is_valid and not result.errors,
              f"openxml-audit ({fmt.name}): " + "; ".join(str(e) for e in result.errors[:5]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docx")
    ap.add_argument("expected")
    ap.add_argument("--format", default=str(DEFAULT_FORMAT))
    args = ap.parse_args()
    try:
        expected = json.loads(Path(args.expected).read_text(encoding="utf-8"))
        fmt = tomllib.loads(Path(args.format).read_text(encoding="utf-8"))
        document = docx.Document(args.docx)
    except Exception as e:  # noqa: BLE001 - report any unreadable input
        print(f"cannot read input: {e}", file=sys.stderr)
        return 2

    check_in_order(body_texts(document), seed_texts(expected, fmt))
    check_package(args.docx)
    check_schema(args.docx)

    core = document.core_properties
    check(core.title == expected["seed"]["document"]["title"],
          f"core title is {core.title!r}")
    check(core.created is not None and core.created.year >= 2020,
          f"core created is {core.created!r}")
    check(core.language == "da-DK", f"core language is {core.language!r}")

    headings = [(p.style.name.lower(), p.text) for p in document.paragraphs
                if p.style is not None and p.style.name.lower().startswith("heading")]
    want = [("heading 1", expected["seed"]["document"]["title"])]
    want += [("heading 2", s["heading"]) for s in fmt["sections"]]
    want.append(("heading 2", fmt["document"]["economy_heading"]))
    check(headings == want, f"headings are {headings}")

    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
