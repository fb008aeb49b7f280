#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Saved pages against their sources: does folio read the same article
from a browser's save as from the page itself?

For every saved page in CORPUS/{mhtml,complete,singlefile,warc} it runs
folio on the save and on CORPUS/readability/NAME/source.html and compares
the two texts with the word 4-gram F1 (\\w+ tokens, 4-grams counted as
multisets, P = tp/(tp+fp), R = tp/(tp+fn)). Prints one line per saved
page and the minimum and mean; exits 1 when a page scores under the
threshold (0.98) or fails to convert. A format whose input plugin is not
in `folio --list-plugins` is reported as "not available" and not failed.
With no corpus it says so and exits 0. Standard library only.

    tests/eval/saved_check.py [CORPUS] [--folio PATH] [--min 0.98]
                              [--only SUBSTRING]

Plain saves run `folio -t text -O links=none` on both sides (links off:
a saved page knows its URL and the bare source does not, so reference
lists would differ for no reason). A WARC holds many pages: it runs
`folio -t json -o TMPDIR/ FILE` and matches each output to its source by
the page URL http://127.0.0.1:8871/readability/NAME/ (the corpus README);
those pages are compared on the JSON `text` of both sides.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CORPUS = os.path.join(REPO, "..", "shared", "corpus")
TIMEOUT = 120
WORD = re.compile(r"\w+")
PAGE_URL = re.compile(r"^https?://127\.0\.0\.1:8871/readability/([^/?#]+)/")

# Saved-page folders and the input plugin each needs.
FORMATS = [("mhtml", "mhtml"), ("complete", "complete"),
           ("singlefile", "singlefile"), ("warc", "warc")]


def shingles(text, n=4):
    toks = WORD.findall(text or "")
    if len(toks) < n:
        return collections.Counter([tuple(toks)] if toks else [])
    return collections.Counter(tuple(toks[i:i + n])
                               for i in range(len(toks) - n + 1))


def f1(reference, candidate):
    """Word 4-gram F1 of `candidate` against `reference`."""
    ref, cand = shingles(reference), shingles(candidate)
    tp = sum((ref & cand).values())
    fp = sum((cand - ref).values())
    fn = sum((ref - cand).values())
    if tp + fp + fn == 0:
        return 1.0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def run(cmd):
    """Runs cmd; returns (stdout text, error message or None)."""
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "", "timed out after %ds" % TIMEOUT
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return "", "exit %d: %s" % (proc.returncode,
                                    err[-1] if err else "no message")
    return proc.stdout.decode("utf-8", "replace"), None


def input_plugins(folio):
    out, err = run([folio, "--list-plugins"])
    if err is not None:
        sys.exit("saved_check: %s --list-plugins failed: %s" % (folio, err))
    names = set()
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 2 and cols[1] == "input":
            names.add(cols[0])
    return names


def json_docs(text):
    """Every JSON value in `text` (one document, or several in a row)."""
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        value, i = dec.raw_decode(text, i)
        docs.extend(value if isinstance(value, list) else [value])


class Source:
    """Converts readability/NAME/source.html once per mode."""

    def __init__(self, folio, corpus):
        self.folio, self.corpus, self.cache = folio, corpus, {}

    def path(self, name):
        return os.path.join(self.corpus, "readability", name, "source.html")

    def text(self, name, mode):
        key = (name, mode)
        if key not in self.cache:
            if mode == "text":
                self.cache[key] = run([self.folio, "-t", "text", "-O",
                                       "links=none", self.path(name)])
            else:
                out, err = run([self.folio, "-t", "json", self.path(name)])
                if err is None:
                    docs = json_docs(out)
                    out = docs[0].get("text") or "" if docs else ""
                self.cache[key] = (out, err)
        return self.cache[key]


def saved_inputs(corpus, folder):
    """(display name, readability NAME, input path) of a plain folder."""
    base = os.path.join(corpus, folder)
    out = []
    for entry in sorted(os.listdir(base)):
        path = os.path.join(base, entry)
        if folder == "complete":
            if os.path.isdir(path):
                out.append((entry, entry, os.path.join(path, "page.html")))
        elif folder == "mhtml" and entry.endswith((".mhtml", ".mht")):
            out.append((entry, os.path.splitext(entry)[0], path))
        elif folder == "singlefile" and entry.endswith(".html"):
            out.append((entry, os.path.splitext(entry)[0], path))
    return out


def check_plain(args, src, folder, rows, failures):
    for label, name, path in saved_inputs(args.corpus, folder):
        label = "%s/%s" % (folder, label)
        if args.only and args.only not in label:
            continue
        saved, err = run([args.folio, "-t", "text", "-O", "links=none",
                          path])
        if err is not None:
            failures.append("%s: conversion failed: %s" % (label, err))
            print("%-40s FAILED  %s" % (label, err))
            continue
        ref, err = src.text(name, "text")
        if err is not None:
            failures.append("%s: source failed: %s" % (label, err))
            print("%-40s FAILED  source: %s" % (label, err))
            continue
        score = f1(ref, saved)
        rows.append((label, score))
        print("%-40s %.4f" % (label, score))


def check_warc(args, src, rows, failures):
    base = os.path.join(args.corpus, "warc")
    for entry in sorted(os.listdir(base)):
        if not entry.endswith((".warc", ".warc.gz")):
            continue
        label = "warc/" + entry
        if args.only and args.only not in label:
            continue
        with tempfile.TemporaryDirectory(prefix="saved_check.") as tmp:
            out, err = run([args.folio, "-t", "json", "-o", tmp + "/",
                            os.path.join(base, entry)])
            if err is not None:
                failures.append("%s: conversion failed: %s" % (label, err))
                print("%-40s FAILED  %s" % (label, err))
                continue
            docs = json_docs(out)
            # One JSON file per article; the assets folder beside them
            # holds images.
            for fn in sorted(os.listdir(tmp)):
                path = os.path.join(tmp, fn)
                if not fn.endswith(".json") or not os.path.isfile(path):
                    continue
                with open(path, encoding="utf-8") as f:
                    docs.extend(json_docs(f.read()))
        by_name, extra = {}, 0
        for d in docs:
            url = d.get("source") or d.get("url") or ""
            m = PAGE_URL.match(url)
            if m is None:
                extra += 1
                continue
            # The page URL itself wins over variants (a query string).
            exact = url == m.group(0)
            if m.group(1) not in by_name or exact:
                by_name[m.group(1)] = d
        if not by_name:
            failures.append("%s: no page of the corpus found among %d "
                            "outputs" % (label, len(docs)))
            print("%-40s FAILED  no corpus page among %d outputs"
                  % (label, len(docs)))
            continue
        for name in sorted(by_name):
            plabel = "%s#%s" % (label, name)
            ref, err = src.text(name, "json")
            if err is not None:
                failures.append("%s: source failed: %s" % (plabel, err))
                print("%-40s FAILED  source: %s" % (plabel, err))
                continue
            score = f1(ref, by_name[name].get("text") or "")
            rows.append((plabel, score))
            print("%-40s %.4f" % (plabel, score))
        if extra:
            print("%-40s (%d other documents, not scored)" % (label, extra))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--folio", default=os.path.join(REPO, "build", "core",
                                                     "folio"))
    ap.add_argument("--min", type=float, default=0.98,
                    help="lowest acceptable F1 (default 0.98)")
    ap.add_argument("--only", help="check only saves whose label has this")
    args = ap.parse_args()

    if not os.path.isdir(os.path.join(args.corpus, "readability")):
        print("saved_check: no corpus at %s; nothing checked" % args.corpus)
        return 0
    if not os.access(args.folio, os.X_OK):
        print("saved_check: no folio executable at %s (build it, or use "
              "--folio)" % args.folio)
        return 1
    plugins = input_plugins(args.folio)
    src = Source(args.folio, args.corpus)
    rows, failures = [], []
    for folder, plugin in FORMATS:
        if not os.path.isdir(os.path.join(args.corpus, folder)):
            continue
        if plugin not in plugins:
            print("%-40s not available (no '%s' input plugin)"
                  % (folder + "/", plugin))
            continue
        if folder == "warc":
            check_warc(args, src, rows, failures)
        else:
            check_plain(args, src, folder, rows, failures)

    low = [(label, s) for label, s in rows if s < args.min]
    if rows:
        print("\n%d pages: min %.4f, mean %.4f"
              % (len(rows), min(s for _, s in rows),
                 sum(s for _, s in rows) / len(rows)))
    for label, s in low:
        failures.append("%s: F1 %.4f < %.2f" % (label, s, args.min))
    if failures:
        print("\n%d problem%s:" % (len(failures),
                                   "" if len(failures) == 1 else "s"))
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
