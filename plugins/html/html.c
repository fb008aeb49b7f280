/* SPDX-License-Identifier: MIT */
/*
 * Input plugin "html": raw HTML (or XHTML) from a file or stdin.
 *
 * The plugin only recognises HTML and hands the bytes to the core importer
 * (host->import_html), which decides the charset, parses, extracts the
 * article and fills the metadata. Raw HTML carries no provenance of its
 * own, so the URL stays NULL: the importer takes it from the page
 * (canonical link, og:url) or from --base-url.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "folio/plugin.h"

#include "ascii.h"

/* probe() looks at this much of the input; FORMATS.md says the markers a
 * browser sniffs for sit at the start of the page. */
#define PROBE_WINDOW 4096

/* Scores returned by probe(). */
#define SCORE_DOCUMENT 90   /* starts like an HTML document */
#define SCORE_LATE_MARKER 60 /* a document marker, after other text */
#define SCORE_FRAGMENT 50   /* starts with a common HTML tag */
#define SCORE_TAG_SOUP 30   /* text with several common HTML tags */

/* ------------------------------------------------------------------ */
/* Probe                                                              */
/* ------------------------------------------------------------------ */

/* True when a tag name of the given length ends at s[n]: the next byte
 * closes or separates it, so "<p>" matches "p" but "<pre" does not. */
static bool name_ends(const unsigned char *s, size_t len, size_t n)
{
    return n == len || is_space(s[n]) || s[n] == '>' || s[n] == '/';
}

/* True when s[0..len) is "<name" followed by the end of the name. */
static bool is_tag(const unsigned char *s, size_t len, const char *name)
{
    size_t n = strlen(name);

    return len > n && s[0] == '<' && starts_with_ci(s + 1, len - 1, name) &&
           name_ends(s, len, n + 1);
}

/* Tags that mark a whole HTML document. "<meta" counts only with a
 * charset, since other formats (SVG, feeds) rarely start that way but
 * meta-only headers of saved fragments do. */
static bool is_document_marker(const unsigned char *s, size_t len)
{
    if (starts_with_ci(s, len, "<!doctype") && len > 9) {
        size_t i = 9;

        while (i < len && is_space(s[i]))
            i++;
        return starts_with_ci(s + i, len - i, "html");
    }
    if (is_tag(s, len, "html") || is_tag(s, len, "head") ||
        is_tag(s, len, "body"))
        return true;
    if (is_tag(s, len, "meta")) {
        /* Look for charset inside this tag only. */
        for (size_t i = 5; i < len && s[i] != '>'; i++) {
            if (starts_with_ci(s + i, len - i, "charset"))
                return true;
        }
    }
    return false;
}

/* Tags common in article fragments (copied HTML, CMS exports). */
static const char *const fragment_tags[] = {
    "p", "div", "article", "section", "main", "header", "footer", "nav",
    "aside", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table",
    "tr", "td", "th", "blockquote", "pre", "figure", "figcaption", "img",
    "a", "span", "em", "strong", "b", "i", "br", "hr", "title", "meta",
    "link", "script", "style", "dl", "dt", "dd", "code", "time", NULL,
};

static bool is_fragment_tag(const unsigned char *s, size_t len)
{
    if (len < 2 || s[0] != '<')
        return false;
    for (size_t i = 0; fragment_tags[i] != NULL; i++) {
        if (is_tag(s, len, fragment_tags[i]))
            return true;
    }
    return false;
}

/* Skips whitespace, comments, an XML declaration / processing
 * instructions and a UTF-8 BOM. Returns the offset of the first
 * significant byte. An unterminated comment swallows the rest. */
static size_t skip_prolog(const unsigned char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < len) {
        if (is_space(s[i])) {
            i++;
        } else if (starts_with_ci(s + i, len - i, "<!--")) {
            size_t j = i + 4;

            while (j + 2 < len &&
                   !(s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>'))
                j++;
            i = j + 2 < len ? j + 3 : len;
        } else if (starts_with_ci(s + i, len - i, "<?")) {
            size_t j = i + 2;

            while (j < len && s[j] != '>')
                j++;
            i = j < len ? j + 1 : len;
        } else {
            break;
        }
    }
    return i;
}

/* Scores an ASCII-compatible window (no NUL bytes). */
static int score_text(const unsigned char *s, size_t len)
{
    size_t start = skip_prolog(s, len);
    size_t ntags = 0;
    bool late_marker = false;

    if (start == len)
        return 0;
    if (is_document_marker(s + start, len - start))
        return SCORE_DOCUMENT;

    /* Pages that begin with a stray tag (a PHP warning's "<br />", a
     * <style> block) before their <!DOCTYPE> still count as documents. */
    for (size_t i = start; i < len; i++) {
        if (s[i] != '<')
            continue;
        if (is_document_marker(s + i, len - i))
            late_marker = true;
        else if (is_fragment_tag(s + i, len - i))
            ntags++;
    }
    if (late_marker)
        return SCORE_LATE_MARKER;
    if (is_fragment_tag(s + start, len - start))
        return SCORE_FRAGMENT;
    /* Prose that mentions one tag is not HTML; several tags are. */
    if (ntags >= 3)
        return SCORE_TAG_SOUP;
    return 0;
}

static int html_probe(const unsigned char *buf, size_t len)
{
    size_t n = len < PROBE_WINDOW ? len : PROBE_WINDOW;

    if (buf == NULL || n == 0)
        return 0;

    /* UTF-16 with a BOM: project the code units onto ASCII (others become
     * '?') so the same rules apply. Without a BOM, UTF-16 is too rare on
     * the web to be worth guessing, and NUL bytes mean binary. */
    if (n >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) ||
                   (buf[0] == 0xFE && buf[1] == 0xFF))) {
        unsigned char ascii[PROBE_WINDOW / 2];
        bool le = buf[0] == 0xFF;
        size_t m = 0;

        for (size_t i = 2; i + 1 < n; i += 2) {
            unsigned hi = le ? buf[i + 1] : buf[i];
            unsigned lo = le ? buf[i] : buf[i + 1];

            if (hi == 0 && lo == 0)
                return 0;
            ascii[m++] = hi == 0 && lo < 0x80 ? (unsigned char)lo : '?';
        }
        return score_text(ascii, m);
    }

    if (memchr(buf, 0, n) != NULL)
        return 0;
    return score_text(buf, n);
}

/* ------------------------------------------------------------------ */
/* Read                                                               */
/* ------------------------------------------------------------------ */

static int html_read(const folio_host *h, folio_job *job,
                     const unsigned char *buf, size_t len)
{
    folio_html_input in;

    if (buf == NULL || len == 0)
        return h->error(job, FOLIO_EINVALID, "empty input");

    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = buf;
    in.len = len;
    in.url = NULL;
    return h->import_html(job, &in);
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const char *const html_formats[] = {
    "html", "htm", "xhtml", "text/html", "application/xhtml+xml", NULL,
};

static const folio_input_ops html_ops = {
    .size = sizeof(folio_input_ops),
    .probe = html_probe,
    .read = html_read,
};

static const folio_plugin html_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "html",
    .version = "0.1.0",
    .description = "Raw HTML or XHTML page",
    .formats = html_formats,
    .input = &html_ops,
};

FOLIO_PLUGIN_DEFINE(html_plugin)
