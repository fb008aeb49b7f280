#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Converts docs/folio.1.md to a roff manual page (man(7) macros).

    md2man.py INPUT.md OUTPUT.1

Only the Markdown subset the manual uses is understood, so the build
needs nothing beyond python3:

    % NAME(SECTION) SOURCE | MANUAL     title line (first line)
    # HEADING                           section (.SH)
    **bold**, *italic*, _italic_        font changes
    \\<  \\>  \\*  \\_                  escaped characters
    TERM                                definition list item (.TP):
    :   DEFINITION                      the term, then ':' plus spaces
        continued definition            (4-space continuation lines)
        indented block                  literal display (.nf/.fi)
    blank lines                         paragraph breaks (.PP)

Anything else is kept as text, escaped for roff.
"""
import re
import sys

INLINE = re.compile(r"\\(.)|\*\*(.+?)\*\*|\*(.+?)\*|(?<![\w])_(.+?)_(?![\w])")


def escape(text):
    """Escapes roff's special characters in plain text."""
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    return text


def inline(text):
    """Converts inline Markdown to roff font escapes."""
    out = []
    pos = 0
    for m in INLINE.finditer(text):
        out.append(escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append(escape(m.group(1)))
        elif m.group(2) is not None:
            out.append("\\fB" + inline(m.group(2)) + "\\fR")
        else:
            body = m.group(3) if m.group(3) is not None else m.group(4)
            out.append("\\fI" + inline(body) + "\\fR")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def line_start(s):
    """A roff text line must not start with '.' or '\''."""
    if s.startswith(".") or s.startswith("'"):
        return "\\&" + s
    return s


def convert(lines):
    out = []
    title = lines[0] if lines and lines[0].startswith("% ") else None
    if title is not None:
        lines = lines[1:]
        m = re.match(r"% (\S+)\((\w+)\)\s*([^|]*?)\s*(?:\|\s*(.*))?$", title)
        if not m:
            raise SystemExit("md2man: bad title line: " + title)
        name, section, source, manual = m.groups()
        out.append('.TH "%s" "%s" "" "%s" "%s"' % (
            name, section, source or "", manual or ""))
    i = 0
    para = []

    def flush():
        if para:
            out.append(".PP")
            out.extend(line_start(inline(p)) for p in para)
            del para[:]

    while i < len(lines):
        ln = lines[i]
        if ln.startswith("# "):
            flush()
            out.append('.SH "%s"' % ln[2:].strip().upper())
            i += 1
        elif ln.strip() == "":
            flush()
            i += 1
        elif (i + 1 < len(lines) and lines[i + 1].startswith(":")
              and not ln.startswith(" ")):
            # Definition list item: term, ':   first line', continuations.
            flush()
            out.append(".TP")
            out.append(line_start(inline(ln.strip())))
            i += 1
            body = [lines[i][1:].strip()]
            i += 1
            while i < len(lines) and (lines[i].startswith("    ")
                                      or (lines[i].strip() == ""
                                          and i + 1 < len(lines)
                                          and lines[i + 1].startswith("    ")
                                          )):
                body.append(lines[i].strip())
                i += 1
            for b in body:
                out.append(line_start(inline(b)) if b else ".IP")
        elif ln.startswith("    "):
            # Literal display: the text stays as written, roff-escaped.
            flush()
            out.append(".IP")
            out.append(".nf")
            while i < len(lines) and (lines[i].startswith("    ")
                                      or lines[i].strip() == ""):
                if lines[i].strip() == "" and (
                        i + 1 >= len(lines)
                        or not lines[i + 1].startswith("    ")):
                    break
                out.append(line_start(escape(lines[i][4:])))
                i += 1
            out.append(".fi")
            out.append(".PP")
        else:
            para.append(ln.strip())
            i += 1
    flush()
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: md2man.py INPUT.md OUTPUT.1\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    roff = convert(text.splitlines())
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(roff)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
