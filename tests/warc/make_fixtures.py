#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the WARC fixtures of tests/warc into the folder given as argv[1].

Every archive is built here from small hand-written pages, so the bytes
the tests check (lengths, codings, damage) are visible in one place.
Output is deterministic (gzip mtime 0).

    make_fixtures.py OUTDIR
"""
import gzip
import io
import os
import sys
import zlib


def para(topic, n=4):
    """A few sentences of article prose about `topic`."""
    sentences = [
        f"The {topic} committee met on a wet Tuesday morning to go through "
        "the plans line by line, and nobody left before noon.",
        f"Residents who had followed the {topic} story for months asked "
        "pointed questions about the budget and the timetable.",
        f"Engineers explained that the {topic} work would happen in three "
        "phases, each one reviewed by an independent panel.",
        f"By the evening the {topic} proposal had been amended twice and "
        "the final vote was scheduled for the following week.",
        f"Local papers carried long reports on the {topic} meeting, with "
        "photographs of the crowded hall and the maps on the wall.",
    ]
    return " ".join(sentences[i % len(sentences)] for i in range(n))


def page(title, topic, extra="", charset_meta=True):
    """A small HTML article page (str)."""
    meta = '<meta charset="utf-8">' if charset_meta else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head>" + meta +
        f"<title>{title}</title></head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
        f"<article><h1>{title}</h1>{extra}"
        f"<p>{para(topic)}</p><p>{para(topic + ' bridge', 5)}</p>"
        f"<p>{para(topic + ' library', 3)}</p></article>"
        "<footer>Copyright the example paper</footer></body></html>\n")


# A 1x1 PNG, written out byte by byte.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4"
    "3b0000000049454e44ae426082")


def http_response(status, headers, body):
    head = f"HTTP/1.1 {status}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1") + body


record_number = 0


def record(rtype, uri, block, version="1.1", ctype=None, extra=(),
           length=None, date="2026-03-14T09:26:53Z", wrap_uri=False):
    """One WARC record (bytes). `length` overrides Content-Length."""
    if ctype is None:
        ctype = {"response": "application/http; msgtype=response",
                 "request": "application/http; msgtype=request",
                 "warcinfo": "application/warc-fields",
                 "metadata": "application/warc-fields"}.get(rtype)
    lines = [f"WARC/{version}", f"WARC-Type: {rtype}"]
    if uri is not None:
        lines.append("WARC-Target-URI: " + (f"<{uri}>" if wrap_uri else uri))
    lines.append(f"WARC-Date: {date}")
    global record_number
    record_number += 1
    lines.append("WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012d>"
                 % record_number)
    if ctype is not None:
        lines.append(f"Content-Type: {ctype}")
    lines.extend(extra)
    lines.append("Content-Length: %d" %
                 (len(block) if length is None else length))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + block + \
        b"\r\n\r\n"


def warcinfo(version="1.1"):
    return record("warcinfo", None,
                  b"software: folio test generator\r\nformat: WARC File "
                  b"Format " + version.encode() + b"\r\n", version=version)


def request(uri, version="1.1", wrap_uri=False):
    host = uri.split("/")[2]
    path = "/" + "/".join(uri.split("/")[3:])
    block = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
             "User-Agent: folio-test\r\n\r\n").encode()
    return record("request", uri, block, version=version, wrap_uri=wrap_uri)


def chunked(data, sizes, ext=False, trailer=False):
    """`data` in chunks of the given sizes (the rest in one more)."""
    out, pos = b"", 0
    for i, n in enumerate(sizes + [len(data)]):
        piece = data[pos:pos + n]
        pos += len(piece)
        if not piece:
            continue
        e = ';name="v%d"' % i if ext and i % 2 == 0 else ""
        out += b"%x%s\r\n" % (len(piece), e.encode()) + piece + b"\r\n"
    out += b"0\r\n"
    if trailer:
        out += b"X-Checksum: 1234\r\nX-Other: yes\r\n"
    return out + b"\r\n"


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)

    # --- mixed.warc: WARC/1.1, every kind of record folio must skip
    # around two articles and an image.
    base = "http://news.example.test/2026/03/"
    html_a = page("Harbour bridge reopens after repairs", "harbour",
                  extra='<figure><img src="img/bridge.png" alt="The '
                  'bridge at dawn"><figcaption>The bridge at dawn'
                  '</figcaption></figure>')
    html_b = page("Library opens a night reading room", "reading room")
    html_404 = page("Page not found", "missing page")
    mixed = warcinfo()
    mixed += request(base + "harbour.html")
    # Folded HTTP Content-Type, mixed-case names.
    mixed += record("response", base + "harbour.html", http_response(
        "200 OK", [("content-TYPE", "text/html;"), ("Server", "test")],
        b"")[:-2].replace(b"text/html;\r\n",
                          b"text/html;\r\n\tcharset=utf-8\r\n") +
        b"\r\n" + html_a.encode())
    mixed += record("metadata", base + "harbour.html",
                    b"via: " + base.encode() + b"\r\n")
    mixed += record("response", base + "gone.html", http_response(
        "404 Not Found", [("Content-Type", "text/html; charset=utf-8")],
        html_404.encode()))
    mixed += record("response", base + "old.html", http_response(
        "301 Moved Permanently", [("Location", base + "harbour.html"),
                                  ("Content-Type", "text/html")],
        b"<html><body><p>Moved to the harbour page.</p></body></html>"))
    mixed += record("response", base + "img/bridge.png", http_response(
        "200 OK", [("Content-Type", "image/png")], PNG))
    mixed += record("response", base + "style.css", http_response(
        "200 OK", [("Content-Type", "text/css")], b"p { color: red }"))
    mixed += record("revisit", base + "harbour.html", b"",
                    ctype="message/http", extra=[
                        "WARC-Profile: http://netpreserve.org/warc/1.1/"
                        "revisit/identical-payload-digest"])
    # A resource record: the block is the page itself. Folded WARC header.
    mixed += record("resource", base + "night.html", html_b.encode(),
                    ctype="text/html;\r\n charset=utf-8")
    write(outdir, "mixed.warc", mixed)

    # --- wget10.warc: WARC/1.0 with <...> around the URIs (as wget
    # writes), a chunked body with extensions and trailers, gzip and
    # deflate content codings, and a windows-1252 page whose charset
    # comes only from the HTTP Content-Type.
    wb = "http://old.example.test/"
    chunk_page = page("Chunked ferry timetable", "ferry")
    gz_page = page("Gzipped market report", "market")
    defl_page = page("Deflated weather column", "weather")
    cp_page = page("Caf\u00e9 owners \u201cwelcome\u201d the new square",
                   "square", charset_meta=False)
    both_page = page("Chunked and gzipped council minutes", "council")
    w = warcinfo("1.0")
    w += request(wb + "ferry", "1.0", True)
    w += record("response", wb + "ferry", http_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Transfer-Encoding", "chunked")],
        chunked(chunk_page.encode(), [100, 7, 1, 4000], ext=True,
                trailer=True)), version="1.0", wrap_uri=True)
    w += record("response", wb + "market", http_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip")], gz(gz_page.encode())),
        version="1.0", wrap_uri=True)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    w += record("response", wb + "weather", http_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "deflate")],
        raw.compress(defl_page.encode()) + raw.flush()),
        version="1.0", wrap_uri=True)
    zlib_page = page("Wrapped deflate sports page", "stadium")
    w += record("response", wb + "stadium", http_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "deflate")], zlib.compress(zlib_page.encode())),
        version="1.0", wrap_uri=True)
    w += record("response", wb + "square", http_response("200 OK", [
        ("Content-Type", 'text/html; charset="windows-1252"')],
        cp_page.encode("cp1252")), version="1.0", wrap_uri=True)
    w += record("response", wb + "council", http_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked")],
        chunked(gz(both_page.encode()), [50, 50])), version="1.0",
        wrap_uri=True)
    write(outdir, "wget10.warc", w)
    # The pages as served, for comparing what folio reads from the
    # archive with what it reads from the page itself.
    for i, (text, enc) in enumerate([
            (chunk_page, "utf-8"), (gz_page, "utf-8"), (defl_page, "utf-8"),
            (zlib_page, "utf-8"), (cp_page, "cp1252"),
            (both_page, "utf-8")], 1):
        write(outdir, f"wget10-{i}.html", text.encode(enc))

    # --- per-record gzip (the usual .warc.gz) and one gzip stream for
    # the whole file.
    gb = "http://gz.example.test/"
    recs = [warcinfo(), request(gb + "tide"),
            record("response", gb + "tide", http_response("200 OK", [
                ("Content-Type", "text/html; charset=utf-8")],
                page("Spring tides flood the promenade", "tide",
                     extra='<img src="/pics/tide.png" alt="Flooded '
                     'promenade">').encode())),
            record("response", gb + "pics/tide.png", http_response(
                "200 OK", [("Content-Type", "image/png")], PNG)),
            record("response", gb + "ferry", http_response("200 OK", [
                ("Content-Type", "text/html; charset=utf-8")],
                page("Night ferry returns for summer", "night ferry")
                .encode()))]
    write(outdir, "records.warc.gz", b"".join(gz(r) for r in recs))
    write(outdir, "whole.warc.gz", gz(b"".join(recs)))
    # Cut inside the last member: the first article survives.
    members = [gz(r) for r in recs]
    cut = b"".join(members[:4]) + members[4][:len(members[4]) // 2]
    write(outdir, "truncated.warc.gz", cut)
    # A gzip file that is not a WARC, for the probe.
    write(outdir, "notwarc.html.gz", gz(page("Plain page", "plain")
                                        .encode()))

    # --- lying.warc: the second article's Content-Length is 10 bytes
    # short, so its block is not followed by CRLF CRLF: that record is
    # lost, and reading goes on at the next WARC/1.x line (the third).
    lb = "http://lies.example.test/"
    good = record("response", lb + "first", http_response("200 OK", [
        ("Content-Type", "text/html")],
        page("First honest article", "honest").encode()))
    liar_block = http_response("200 OK", [("Content-Type", "text/html")],
                               page("Second article with a bad length",
                                    "liar").encode())
    liar = record("response", lb + "second", liar_block,
                  length=len(liar_block) - 10)
    third = record("response", lb + "third", http_response("200 OK", [
        ("Content-Type", "text/html")],
        page("Third article after the damage", "third").encode()))
    write(outdir, "lying.warc", warcinfo() + good + liar + third)
    # The last record claims more bytes than the file holds.
    long_block = http_response("200 OK", [("Content-Type", "text/html")],
                               page("Article cut by the end of file",
                                    "cut").encode())
    write(outdir, "lying-eof.warc", warcinfo() + good +
          record("response", lb + "cut", long_block,
                 length=len(long_block) + 5000))

    # --- traversal.warc: target URIs with ../ are URL keys only. The
    # page's own URI has dot segments; its images' URIs keep ../ where
    # URL resolution leaves it (a query, an encoded slash), so they match
    # the page's <img> addresses and get written out.
    tb = "http://trav.example.test/"
    write(outdir, "traversal.warc", warcinfo() + record(
        "response", tb + "a/b/../../../../etc/passwd", http_response(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")],
            page("Escape attempt headline", "escape",
                 extra='<img src="/get?f=../../../../tmp/evil.png" alt="q">'
                 '<img src="/pics/..%2F..%2F..%2Fevil2.png" alt="e">')
            .encode())) + record(
        "response", tb + "get?f=../../../../tmp/evil.png",
        http_response("200 OK", [("Content-Type", "image/png")], PNG)) +
        record("response", tb + "pics/..%2F..%2F..%2Fevil2.png",
               http_response("200 OK", [("Content-Type", "image/png")],
                             PNG)))

    # --- bad-uri.warc: target URIs that are no usable URL (a control
    # byte, invalid UTF-8) are dropped, not handed on.
    write(outdir, "bad-uri.warc", warcinfo() + record(
        "response", "http://bad.example.test/\x01page", http_response(
            "200 OK", [("Content-Type", "text/html")],
            page("Page with a broken address", "broken").encode())) +
        record("response", "http://bad.example.test/\xffimg.png",
               http_response("200 OK", [("Content-Type", "image/png")],
                             PNG)))

    # --- brotli.warc: a br body is skipped with a warning; the other
    # articles convert, among them bodies a browser-based archiver
    # stored decoded under their original Content-Encoding.
    bb = "http://br.example.test/"
    write(outdir, "brotli.warc", warcinfo() + record(
        "response", bb + "packed", http_response("200 OK", [
            ("Content-Type", "text/html"), ("Content-Encoding", "br")],
            b"\x1b\x03\x00\xf8\x8d\x94\x6e\xde")) + record(
        "response", bb + "plain", http_response("200 OK", [
            ("Content-Type", "text/html")],
            page("Plain article next to a brotli one", "plain").encode())) +
        record("response", bb + "decoded-br", http_response("200 OK", [
            ("Content-Type", "text/html"), ("Content-Encoding", "br")],
            page("Brotli header over a decoded body", "decoded").encode())) +
        record("response", bb + "decoded-deflate", http_response("200 OK", [
            ("Content-Type", "text/html"), ("Content-Encoding", "deflate")],
            page("Deflate header over a decoded body", "unpacked")
            .encode())))

    # --- empty-page.warc: one page with no content (import fails) and
    # one good page; only-empty.warc: just the empty one.
    eb = "http://empty.example.test/"
    empty = record("response", eb + "blank", http_response("200 OK", [
        ("Content-Type", "text/html")], b""))
    write(outdir, "empty-page.warc", warcinfo() + empty + record(
        "response", eb + "full", http_response("200 OK", [
            ("Content-Type", "text/html")],
            page("The page that has content", "content").encode())))
    write(outdir, "only-empty.warc", warcinfo() + empty)
    # No HTML at all.
    write(outdir, "no-html.warc", warcinfo() + request(eb + "x"))

    # --- cut-bodies.warc: a gzip body and a chunked body both cut short
    # (inside one record whose length is right): the part read is kept.
    cb = "http://cut.example.test/"
    gz_full = gz(page("Gzip body cut in half", "gzip cut").encode())
    ch_full = chunked(page("Chunked body without its last chunk",
                           "chunk cut").encode(), [600, 600])
    write(outdir, "cut-bodies.warc", warcinfo() + record(
        "response", cb + "gz", http_response("200 OK", [
            ("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            gz_full[:len(gz_full) * 2 // 3])) + record(
        "response", cb + "chunked", http_response("200 OK", [
            ("Content-Type", "text/html"),
            ("Transfer-Encoding", "chunked")], ch_full[:1300])))

    # --- big-header.warc: a WARC header over the 64 KiB limit.
    write(outdir, "big-header.warc", warcinfo() + record(
        "resource", "http://big.example.test/", b"<p>x</p>",
        ctype="text/html", extra=["X-Padding: " + "a" * (70 * 1024)]))

    # --- bomb.warc.gz: a gzip member that inflates past 256 MiB.
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = record("resource", "http://bomb.example.test/", b"",
                  ctype="text/plain", length=300 << 20)[:-4]
    zero = bytes(1 << 20)
    bomb = co.compress(head)
    for _ in range(300):
        bomb += co.compress(zero)
    write(outdir, "bomb.warc.gz", bomb + co.flush())

    # --- many-pages.warc: more HTML pages than the limit of 10000.
    write(outdir, "many-pages.warc", b"".join(
        b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/html\r\n"
        b"Content-Length: 8\r\n\r\n<p>x</p>\r\n\r\n" for _ in range(10001)))

    # --- many.warc: more records than the limit of 100000.
    write(outdir, "many.warc",
          b"WARC/1.1\r\nWARC-Type: metadata\r\nContent-Length: 0\r\n\r\n"
          b"\r\n\r\n" * 100001)


if __name__ == "__main__":
    main()
