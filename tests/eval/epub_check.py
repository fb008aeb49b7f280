#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The xhtml and epub outputs of folio over the readability corpus.

For every page: `folio -t xhtml PAGE` must parse as XML (no DTD loading,
no entities but the five) with an <html> root in the XHTML namespace and
nothing executable in it; `folio -t epub PAGE` must pass epubcheck with 0
errors (warnings are counted and reported). Standard library only; needs
java and /usr/share/java/epubcheck.jar (Debian package `epubcheck`).

    tests/eval/epub_check.py [FOLIO] [--corpus DIR] [--only SUBSTRING]
                             [--jobs N] [--no-epubcheck]

Exits 0 when the corpus or folio is missing (after saying so), 1 when a
page fails a check.
"""

import argparse
import collections
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EPUBCHECK = "/usr/share/java/epubcheck.jar"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
TIMEOUT = 120

FORBIDDEN = {"script", "form", "iframe", "object", "embed", "input",
             "button", "select", "textarea", "style", "base", "frame",
             "frameset", "applet"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "source", "track", "wbr"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_SELF_CLOSED = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)(\s[^<>]*)?/>")
_MESSAGES = re.compile(
    r"Messages:\s*(\d+) fatals?\s*/\s*(\d+) errors?\s*/\s*(\d+) warnings?")
_CODE = re.compile(r"^(ERROR|FATAL|WARNING)\(([A-Z]+-\d+[a-z]?)\)", re.M)


def check_xhtml(data):
    """Returns a list of problems with one XHTML document (bytes)."""
    problems = []
    text = data.decode("utf-8", errors="replace")
    if b"<!DOCTYPE" in data and b"<!DOCTYPE html>" not in data:
        problems.append("unexpected DOCTYPE")
    if "<!ENTITY" in text:
        problems.append("entity declaration")
    for m in _ENTITY.finditer(text):
        if m.group(1) not in ("amp", "lt", "gt", "quot", "apos"):
            problems.append("entity &%s;" % m.group(1))
            break
    for m in _SELF_CLOSED.finditer(text):
        if m.group(1) not in VOID:
            problems.append("self-closed <%s/>" % m.group(1))
            break
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        return problems + ["not XML: %s" % e]
    if root.tag != XHTML_NS + "html":
        problems.append("root is %s" % root.tag)
    lang = root.get("lang")
    xml_lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang or lang != xml_lang:
        problems.append("lang/xml:lang %r/%r" % (lang, xml_lang))
    title = root.find(XHTML_NS + "head/" + XHTML_NS + "title")
    if title is None or not "".join(title.itertext()).strip():
        problems.append("no title")
    ids = set()
    for el in root.iter():
        if not el.tag.startswith(XHTML_NS):
            problems.append("foreign element %s" % el.tag)
            continue
        name = el.tag[len(XHTML_NS):]
        if name in FORBIDDEN:
            problems.append("<%s>" % name)
        for k, v in el.attrib.items():
            if k.lower().startswith("on") or k == "style":
                problems.append("attribute %s" % k)
            if k in ("href", "src", "cite"):
                scheme = re.sub(r"[\s]", "", v).split(":", 1)[0].lower()
                if ":" in v and scheme in ("javascript", "vbscript",
                                           "file"):
                    problems.append("%s=%s" % (k, v[:40]))
                if scheme == "data" and not (
                        name == "img" and v.startswith("data:image/")):
                    problems.append("%s=%s" % (k, v[:40]))
            if k == "id":
                if v in ids:
                    problems.append("duplicate id %s" % v)
                if not re.match(r"^[A-Za-z][^\s]*$", v):
                    problems.append("bad id %s" % v)
                ids.add(v)
        if name == "img" and "alt" not in el.attrib:
            problems.append("img without alt")
    return problems


def run_page(args):
    folio, page, epubcheck = args
    src = os.path.join(page, "source.html")
    name = os.path.basename(page)
    res = {"page": name, "problems": [], "errors": 0, "warnings": 0,
           "codes": []}
    try:
        p = subprocess.run([folio, "-q", "-t", "xhtml", src],
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        res["problems"].append("xhtml: timeout")
        return res
    if p.returncode != 0:
        res["problems"].append("xhtml: exit %d: %s" %
                               (p.returncode, p.stderr.decode()[:200]))
    else:
        res["problems"] += ["xhtml: " + x for x in check_xhtml(p.stdout)]
    if not epubcheck:
        return res
    with tempfile.TemporaryDirectory() as tmp:
        book = os.path.join(tmp, "book.epub")
        try:
            p = subprocess.run([folio, "-q", "-t", "epub", "-o", book, src],
                               capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            res["problems"].append("epub: timeout")
            return res
        if p.returncode != 0:
            res["problems"].append("epub: exit %d: %s" %
                                   (p.returncode, p.stderr.decode()[:200]))
            return res
        try:
            p = subprocess.run(["java", "-jar", EPUBCHECK, book],
                               capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            res["problems"].append("epubcheck: timeout")
            return res
        out = p.stdout.decode(errors="replace") + \
            p.stderr.decode(errors="replace")
        m = _MESSAGES.search(out)
        if m is None:
            res["problems"].append("epubcheck: no summary: %s" % out[-300:])
            return res
        res["errors"] = int(m.group(1)) + int(m.group(2))
        res["warnings"] = int(m.group(3))
        res["codes"] = [(k, c) for k, c in _CODE.findall(out)]
        if res["errors"] > 0:
            lines = [ln for ln in out.splitlines()
                     if ln.startswith(("ERROR", "FATAL"))]
            res["problems"].append("epubcheck: " + " | ".join(lines[:3]))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folio", nargs="?",
                    default=os.path.join(REPO, "build", "core", "folio"))
    ap.add_argument("--corpus", default=os.path.join(
        os.path.dirname(REPO), "shared", "corpus"))
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-epubcheck", action="store_true")
    a = ap.parse_args()

    base = os.path.join(a.corpus, "readability")
    if not os.path.isdir(base):
        print("corpus not found at %s; nothing to check" % base)
        return 0
    if not os.access(a.folio, os.X_OK):
        print("folio not found at %s; build it first" % a.folio)
        return 0
    epubcheck = not a.no_epubcheck
    if epubcheck and not os.path.exists(EPUBCHECK):
        print("%s missing (apt-get install epubcheck)" % EPUBCHECK)
        return 1
    pages = sorted(os.path.join(base, d) for d in os.listdir(base)
                   if a.only in d and
                   os.path.exists(os.path.join(base, d, "source.html")))
    with multiprocessing.Pool(max(1, a.jobs)) as pool:
        results = pool.map(run_page, [(a.folio, p, epubcheck)
                                      for p in pages])

    failed = [r for r in results if r["problems"]]
    for r in failed:
        print("%s:" % r["page"])
        for x in r["problems"][:5]:
            print("  " + x)
    codes = collections.Counter(c for r in results for c in r["codes"])
    print("pages: %d, xhtml ok: %d" % (
        len(results),
        sum(1 for r in results
            if not any(x.startswith("xhtml") for x in r["problems"]))))
    if epubcheck:
        print("epubcheck: %d books with 0 errors, %d errors, %d warnings" % (
            sum(1 for r in results if r["errors"] == 0 and
                not any(x.startswith("epub") for x in r["problems"])),
            sum(r["errors"] for r in results),
            sum(r["warnings"] for r in results)))
        for (kind, code), n in codes.most_common():
            print("  %s %s: %d" % (kind, code, n))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
