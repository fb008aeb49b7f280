#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The YAML front matter of folio over the readability corpus.

For every page: the header of `folio -t markdown --front-matter PAGE`
must be `---` at byte 0, a YAML mapping, `---` and one blank line; read
back by PyYAML's pure-Python loader and by its libyaml loader it must give
the same metadata as `folio -t json PAGE` (generic preset: title, date,
updated, author, description, source, site, lang, image), with no other
key and no null. Needs PyYAML (Debian python3-yaml).

    tests/eval/frontmatter_check.py [FOLIO] [--corpus DIR] [--only SUBSTRING]
                                    [--jobs N] [-v]

Prints pass/fail counts. Exits 0 when the corpus or folio is missing
(after saying so), 1 when a page fails.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 120

# Runs of white space holding a line break or tab become one space in the
# front matter (FORMATS.md 3.2): the plugin's one-line rule.
_BREAKS = re.compile("[ \t\n\r\v\f\x85\u2028\u2029]*"
                     "[\t\n\r\v\f\x85\u2028\u2029][ \t\n\r\v\f\x85\u2028"
                     "\u2029]*")


def one_line(s):
    if s is None or s == "":
        return None
    return _BREAKS.sub(" ", s)


def parse_date(s):
    """What a YAML 1.1 loader gives for the ISO 8601 string `s`."""
    try:
        if len(s) == 10:
            return datetime.date.fromisoformat(s)
        return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return s


def expected(meta):
    """The generic front matter for folio's JSON object."""
    want = {}

    def put(key, value):
        if value is not None and value != "" and value != []:
            want[key] = value

    put("title", one_line(meta.get("title")))
    for key, member in (("date", "published"), ("updated", "modified")):
        v = one_line(meta.get(member))
        put(key, parse_date(v) if v is not None else None)
    put("author", [one_line(a) for a in meta.get("authors") or []
                   if one_line(a) is not None])
    put("description", one_line(meta.get("description")))
    put("source", one_line(meta.get("url") or meta.get("source")))
    put("site", one_line(meta.get("site_name")))
    put("lang", one_line(meta.get("lang")))
    put("image", one_line(meta.get("image")))
    return want


def same(a, b):
    """Equal values, and equal offsets for aware datetimes."""
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return type(a) is type(b) and a == b


def split_front_matter(text):
    """Returns (yaml text, body) or raises ValueError."""
    if not text.startswith("---\n"):
        raise ValueError("output does not start with '---\\n'")
    if text.startswith("---\n---\n\n"):
        return "", text[9:]
    end = text.find("\n---\n\n", 4)
    if end < 0:
        raise ValueError("no closing '---' line followed by a blank line")
    return text[4:end + 1], text[end + 6:]


def run(folio, args, page):
    p = subprocess.run([folio, "-q"] + args + [page], capture_output=True,
                       timeout=TIMEOUT)
    if p.returncode != 0:
        raise ValueError("folio %s failed: %s" % (" ".join(args),
                         p.stderr.decode("utf-8", "replace").strip()))
    return p.stdout.decode("utf-8")


def check_page(job):
    """Returns (name, list of problems)."""
    import yaml  # imported per worker: the module may be missing

    folio, name, page = job
    problems = []
    try:
        meta = json.loads(run(folio, ["-t", "json"], page))
        text = run(folio, ["-t", "markdown", "--front-matter"], page)
        head, body = split_front_matter(text)
        if body.startswith("\n"):
            problems.append("more than one blank line after the header")
        want = expected(meta)
        loaders = [("PyYAML", yaml.SafeLoader)]
        if getattr(yaml, "CSafeLoader", None) is not None:
            loaders.append(("libyaml", yaml.CSafeLoader))
        for label, loader in loaders:
            got = yaml.load(head, Loader=loader) if head else {}
            if not isinstance(got, dict):
                problems.append("%s: not a mapping" % label)
                continue
            for key in sorted(set(got) | set(want)):
                if key not in want:
                    problems.append("%s: unexpected key %s: %r"
                                    % (label, key, got[key]))
                elif key not in got:
                    problems.append("%s: missing %s (want %r)"
                                    % (label, key, want[key]))
                elif not same(got[key], want[key]):
                    problems.append("%s: %s: got %r, want %r"
                                    % (label, key, got[key], want[key]))
    except (ValueError, UnicodeDecodeError, subprocess.TimeoutExpired,
            yaml.YAMLError) as e:
        problems.append(str(e))
    return name, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folio", nargs="?",
                    default=os.path.join(REPO, "build", "core", "folio"))
    ap.add_argument("--corpus",
                    default=os.path.join(REPO, "..", "shared", "corpus",
                                         "readability"))
    ap.add_argument("--only", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    try:
        import yaml  # noqa: F401
    except ImportError:
        print("frontmatter_check: PyYAML not installed (python3-yaml); "
              "skipped")
        return 0
    if not os.path.isdir(a.corpus):
        print("frontmatter_check: no corpus at %s; skipped" % a.corpus)
        return 0
    if not os.access(a.folio, os.X_OK):
        print("frontmatter_check: no folio at %s; skipped" % a.folio)
        return 0

    jobs = []
    for name in sorted(os.listdir(a.corpus)):
        page = os.path.join(a.corpus, name, "source.html")
        if a.only is not None and a.only not in name:
            continue
        if os.path.isfile(page):
            jobs.append((a.folio, name, page))

    with multiprocessing.Pool(max(1, a.jobs)) as pool:
        results = pool.map(check_page, jobs)

    failed = [(n, p) for n, p in results if p]
    for name, problems in failed:
        print("FAIL %s" % name)
        for p in problems[:10 if not a.verbose else None]:
            print("    %s" % p)
    print("front matter: %d pages, %d pass, %d fail"
          % (len(results), len(results) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
