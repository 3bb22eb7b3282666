#!/usr/bin/env python3
"""Checks a bilag budget.xlsx against the model it was built from.

    python3 tests/py/check_budget_xlsx.py BUDGET.xlsx EXPECTED.json [--case seed|departments]
                                          [--libreoffice]

1. Every cached total on "Økonomisk oversigt" (line "I alt", "<group> i alt",
   "I ALT") and on each submission's sheet ("Beregnet: ..." rows, line
   "I alt (beregnet)") equals the sum computed here with Python Decimal from
   the model in EXPECTED.json, exactly; every total cell is a SUM formula.
   Each overview line names its department ("Afdeling", column B).
   Every amount of the model has a row on "Kilder" with its exact kroner.
2. With --libreoffice: a copy with all cached formula values removed is
   recalculated by LibreOffice headless (always-recalculate profile) and every
   recalculated formula value must equal the cached value of the original.

Exits 0 when everything matches, 1 on a mismatch (each one printed), 2 on
usage errors.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal

import openpyxl

OVERVIEW = "Økonomisk oversigt"
UNITS = {"mia.": Decimal(1_000_000_000), "mio.": Decimal(1_000_000),
         "t.kr.": Decimal(1000), "1.000 kr.": Decimal(1000), "kr.": Decimal(1)}

problems = []


def fail(msg):
    problems.append(msg)
    print("MISMATCH:", msg)


def dec(v):
    """A cell value as an exact Decimal (floats through their shortest repr)."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(str(v))


def pick_case(expected, wb, case):
    if case:
        return case
    sheets = set(wb.sheetnames)
    for name, c in expected.items():
        if not isinstance(c, dict) or "model" not in c:
            continue
        stems = {os.path.splitext(s["source"])[0][:31] for s in c["model"]["submissions"]}
        if stems <= sheets:
            return name
    print("cannot tell which case of expected.json this workbook is; use --case")
    sys.exit(2)


def unit_factor(caption):
    text = caption.replace("Beløb i", "").strip()
    for k in sorted(UNITS, key=len, reverse=True):
        if text.startswith(k):
            return UNITS[k]
    raise SystemExit(f"unknown unit caption {caption!r}")


def rows_by_title(ws):
    out = {}
    for row in ws.iter_rows():
        a = row[0].value
        if isinstance(a, str):
            out.setdefault(a, []).append(row)
    return out


def header_years(ws, header_row, first_col=2):
    """The year headers from column `first_col` (1-based) on."""
    years = []
    for c in ws[header_row][first_col - 1:]:
        if c.value is None:
            break
        try:
            years.append(str(int(c.value)))
        except (TypeError, ValueError):
            break
    return years


def find_header(ws):
    for row in ws.iter_rows(max_row=12):
        if row[0].value == "Indsats":
            return row[0].row
    raise SystemExit(f"{ws.title}: no header row 'Indsats'")


def check_model(path, expected, case):
    values = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False)
    case = pick_case(expected, values, case)
    model = expected[case]["model"]
    ov, ovf = values[OVERVIEW], formulas[OVERVIEW]
    factor = unit_factor(ov["A3"].value)
    hr = find_header(ov)
    # Indsats | Afdeling | years | I alt (1-based columns).
    if ov.cell(row=hr, column=2).value != "Afdeling":
        fail(f"{OVERVIEW} header B is {ov.cell(row=hr, column=2).value!r}, not 'Afdeling'")
    first_year = 3
    years = header_years(ov, hr, first_year)
    total_col = first_year + len(years)

    lines = [l for s in model["submissions"] for l in s["budget_lines"]]
    department = {id(l): s.get("department") or s["source"]
                  for s in model["submissions"] for l in s["budget_lines"]}
    want_years = sorted({y for l in lines for y in l["amounts"]})
    if years != want_years:
        fail(f"overview years {years} != model years {want_years}")

    def shown(kroner):
        return (kroner / factor).normalize()

    def check_total(ws, wsf, row, col, want, what):
        cell = ws.cell(row=row, column=col)
        got = dec(cell.value)
        f = wsf.cell(row=row, column=col).value
        if not (isinstance(f, str) and f.startswith("=SUM(")):
            fail(f"{ws.title}!{cell.coordinate} ({what}) is not a SUM formula: {f!r}")
        if got is None or got.normalize() != shown(want):
            fail(f"{ws.title}!{cell.coordinate} ({what}): cached {got} != {shown(want)}")

    # Groups in order of appearance (the format's order is the fixtures' order).
    groups = {}
    for l in lines:
        groups.setdefault(l.get("format_group") or l["group"], []).append(l)
    by_title = rows_by_title(ov)
    grand = {y: Decimal(0) for y in years}
    checked = 0
    for g, gl in groups.items():
        gsum = {y: Decimal(0) for y in years}
        for l in gl:
            amounts = {y: Decimal(a) for y, a in l["amounts"].items()}
            for y, a in amounts.items():
                gsum[y] += a
                grand[y] += a
            row = by_title[l["title"]].pop(0)[0].row
            dept = ov.cell(row=row, column=2).value
            if dept != department[id(l)]:
                fail(f"{OVERVIEW} row {row} {l['title']!r}: Afdeling {dept!r} != {department[id(l)]!r}")
            for i, y in enumerate(years):
                got = dec(ov.cell(row=row, column=first_year + i).value)
                want = shown(amounts[y]) if y in amounts else None
                if (got.normalize() if got is not None else None) != want:
                    fail(f"{OVERVIEW} row {row} {l['title']!r} {y}: {got} != {want}")
            if amounts:
                check_total(ov, ovf, row, total_col, sum(amounts.values()), l["title"] + " I alt")
                checked += 1
        row = by_title[f"{g} i alt"][0][0].row
        for i, y in enumerate(years):
            check_total(ov, ovf, row, first_year + i, gsum[y], f"{g} i alt {y}")
            checked += 1
        check_total(ov, ovf, row, total_col, sum(gsum.values()), f"{g} i alt")
        checked += 1
    row = by_title["I ALT"][0][0].row
    for i, y in enumerate(years):
        check_total(ov, ovf, row, first_year + i, grand[y], f"I ALT {y}")
        checked += 1
    check_total(ov, ovf, row, total_col, sum(grand.values()), "I ALT")
    checked += 1

    # Each submission's sheet: the computed rows and line totals.
    for sub in model["submissions"]:
        name = os.path.splitext(sub["source"])[0][:31]
        ws, wsf = values[name], formulas[name]
        sh = find_header(ws)
        syears = header_years(ws, sh)
        computed_col = len(syears) + 2
        t = rows_by_title(ws)
        all_sum = {y: Decimal(0) for y in syears}
        for l in sub["budget_lines"]:
            amounts = {y: Decimal(a) for y, a in l["amounts"].items()}
            for y, a in amounts.items():
                all_sum[y] += a
            row = t[l["title"]].pop(0)[0].row
            if amounts:
                check_total(ws, wsf, row, computed_col, sum(amounts.values()), l["title"])
                checked += 1
        # Stated totals in the fixtures cover every line of their submission.
        labels = [f"Beregnet: {s['title']}" for s in sub["stated_totals"]]
        if not labels and sub["budget_lines"]:
            labels = ["Beregnet i alt"]
        for label in labels:
            row = t[label][0][0].row
            for i, y in enumerate(syears):
                check_total(ws, wsf, row, 2 + i, all_sum[y], f"{label} {y}")
                checked += 1
            check_total(ws, wsf, row, computed_col, sum(all_sum.values()), label)
            checked += 1
        for s in sub["stated_totals"]:
            row = t[f"Angivet: {s['title']}"][0][0].row
            if s["total"] is not None:
                got = dec(ws.cell(row=row, column=computed_col + 1).value)
                if got.normalize() != shown(Decimal(s["total"])):
                    fail(f"{name}: stated {s['title']} total {got} != {shown(Decimal(s['total']))}")
            differs = s["total"] is not None and Decimal(s["total"]) != sum(all_sum.values())
            mark = ws.cell(row=row, column=computed_col + 2).value or ""
            if differs != mark.startswith("Afviger"):
                fail(f"{name}: stated {s['title']} marked {mark!r}, differs={differs}")

    # Kilder: one row per line amount with its exact kroner.
    k = values["Kilder"]
    head = [c.value for c in k[4]]
    ci = {h: i for i, h in enumerate(head)}
    got = sorted(
        (r[ci["Fil"]], r[ci["Indsats"]], r[ci["År"]], r[ci["Kroner (eksakt)"]])
        for r in k.iter_rows(min_row=5, values_only=True)
        if r[ci["Art"]] == "Beløb")
    want = sorted(
        (s["source"], l["title"], y, format(Decimal(a).normalize(), "f"))
        for s in model["submissions"] for l in s["budget_lines"]
        for y, a in l["amounts"].items())
    if got != want:
        fail(f"Kilder rows differ from the model's amounts:\n  got  {got}\n  want {want}")
    for r in k.iter_rows(min_row=5, values_only=True):
        if r[ci["Kroner"]] is not None and dec(r[ci["Kroner"]]) != Decimal(r[ci["Kroner (eksakt)"]]):
            fail(f"Kilder: number {r[ci['Kroner']]} != exact {r[ci['Kroner (eksakt)']]}")
    print(f"{path}: case {case}, {checked} totals and {len(want)} sources checked")


def strip_cached(src, dst):
    """Copies an xlsx, removing the cached <v> of every formula cell."""
    cell_re = re.compile(r"(<c [^>]*>)(<f>.*?</f>)<v>.*?</v>(</c>)", re.S)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                text, n = cell_re.subn(r"\1\2\3", text)
                data = text.encode("utf-8")
            zout.writestr(item, data)


PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def check_libreoffice(path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: LibreOffice check skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = os.path.join(tmp, "profile")
        os.makedirs(os.path.join(profile, "user"))
        with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
            f.write(PROFILE_XCU)
        stripped = os.path.join(tmp, "in", "budget.xlsx")
        os.makedirs(os.path.dirname(stripped))
        strip_cached(path, stripped)
        out = os.path.join(tmp, "out")
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, stripped]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
        recalc_path = os.path.join(out, "budget.xlsx")
        if not os.path.exists(recalc_path):
            fail("LibreOffice wrote no output")
            return
        orig_f = openpyxl.load_workbook(path, data_only=False)
        orig_v = openpyxl.load_workbook(path, data_only=True)
        stripped_v = openpyxl.load_workbook(stripped, data_only=True)
        recalc = openpyxl.load_workbook(recalc_path, data_only=True)
        n = 0
        for ws in orig_f.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if not (isinstance(c.value, str) and c.value.startswith("=")):
                        continue
                    if stripped_v[ws.title][c.coordinate].value is not None:
                        fail(f"{ws.title}!{c.coordinate}: cached value not stripped")
                    cached = dec(orig_v[ws.title][c.coordinate].value)
                    got = dec(recalc[ws.title][c.coordinate].value)
                    # LibreOffice adds in binary floating point: compare at 9 decimals.
                    q = Decimal("1e-9")
                    if got is None or got.quantize(q) != cached.quantize(q):
                        fail(f"{ws.title}!{c.coordinate} {c.value}: LibreOffice {got} != cached {cached}")
                    n += 1
        print(f"LibreOffice recalculated {n} formulas; all equal the cached values"
              if not problems else f"LibreOffice recalculated {n} formulas")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xlsx")
    ap.add_argument("expected")
    ap.add_argument("--case")
    ap.add_argument("--libreoffice", action="store_true")
    a = ap.parse_args()
    with open(a.expected, encoding="utf-8") as f:
        expected = json.load(f)
    check_model(a.xlsx, expected, a.case)
    if a.libreoffice:
        check_libreoffice(a.xlsx)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
