#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the line widths of `folio -t text -O width=N` on the corpus.

The acceptance check of the text plugin: for every page in
../shared/corpus/readability/, no line of `folio -t text -O width=72` is
wider than 72 display columns unless it holds a single unbreakable word
(after its indentation and structural prefixes: "> ", "- ", "1. ",
"[1] ", "## "). Display width as a terminal counts it: East Asian Wide
and Fullwidth characters two columns, combining marks (and other
zero-width marks) none, everything else one. Standard library only.

    tests/eval/text_width_check.py [FOLIO] [--corpus DIR] [--width N]
                                   [--jobs N] [--show N]

Prints the figures and exits 1 when some line breaks the rule, 0 when
none does; says so and exits 0 when the corpus or folio is missing.
"""

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 60

# A structural prefix token: quote marker, bullet, heading marks, an
# ordered-list number or a reference number.
_MARKER = re.compile(r"^(>|-|#{1,6}|\d+\.|\[\d+\])$")


def char_width(c):
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me",
                                                               "Cf"):
        return 0
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return 2
    if ord(c) < 0x20:
        return 0
    return 1


def width(line):
    return sum(char_width(c) for c in line)


def single_word(line):
    """Is the line one word after its indentation and prefixes?"""
    tokens = line.split(" ")
    tokens = [t for t in tokens if t != ""]
    while len(tokens) > 1 and _MARKER.match(tokens[0]):
        tokens.pop(0)
    return len(tokens) <= 1


def check_page(args):
    folio, page, cols = args
    try:
        p = subprocess.run([folio, "-q", "-t", "text", "-O",
                            "width=%d" % cols, page],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return page, "timeout", 0, 0, []
    if p.returncode != 0:
        return page, p.stderr.decode("utf-8", "replace").strip(), 0, 0, []
    try:
        text = p.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return page, "output is not UTF-8", 0, 0, []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    wide = 0
    bad = []
    for ln in lines:
        if width(ln) <= cols:
            continue
        if single_word(ln):
            wide += 1
        else:
            bad.append(ln)
    return page, None, len(lines), wide, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folio", nargs="?",
                    default=os.path.join(REPO, "build", "core", "folio"))
    ap.add_argument("--corpus", default=os.path.join(
        os.path.dirname(REPO), "shared", "corpus"))
    ap.add_argument("--width", type=int, default=72)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=10,
                    help="print at most N offending lines")
    a = ap.parse_args()

    base = os.path.join(a.corpus, "readability")
    if not os.path.isdir(base):
        print("text_width_check: no corpus at %s; nothing to check" % base)
        return 0
    if not os.access(a.folio, os.X_OK):
        print("text_width_check: no folio at %s; build it first" % a.folio)
        return 0

    pages = sorted(os.path.join(base, d, "source.html")
                   for d in os.listdir(base)
                   if os.path.isfile(os.path.join(base, d, "source.html")))
    with multiprocessing.Pool(max(1, a.jobs)) as pool:
        results = pool.map(check_page, [(a.folio, p, a.width)
                                        for p in pages])

    failed = [(p, e) for p, e, _, _, _ in results if e is not None]
    n_lines = sum(r[2] for r in results)
    n_wide = sum(r[3] for r in results)
    bad = [(p, ln) for p, e, _, _, b in results for ln in b]
    bad_pages = sum(1 for r in results if r[4])

    print("pages: %d, converted: %d, failed: %d" %
          (len(pages), len(pages) - len(failed), len(failed)))
    print("lines: %d; wider than %d: %d single unbreakable words, "
          "%d other lines (on %d pages)" %
          (n_lines, a.width, n_wide, len(bad), bad_pages))
    for p, e in failed:
        print("  failed: %s: %s" % (os.path.relpath(p, a.corpus), e))
    for p, ln in bad[:a.show]:
        print("  too wide (%d): %s: %s" %
              (width(ln), os.path.relpath(os.path.dirname(p), a.corpus), ln))
    return 1 if bad or failed else 0


if __name__ == "__main__":
    sys.exit(main())
