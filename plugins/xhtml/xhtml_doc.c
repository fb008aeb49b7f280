/* SPDX-License-Identifier: MIT */
/*
 * The XHTML content document shared by the "xhtml" and "epub" output
 * plugins: the folio tree becomes a fresh libxml2 tree in the XHTML
 * namespace, built element by element, so nothing of the source page
 * (scripts, handlers, styles, odd attributes) can leak through. The rules
 * are those of FORMATS.md §3.4.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlsave.h>

#include "xhtml_doc.h"

#define META_HAS(m, field)                                                   \
    ((m)->size >= offsetof(folio_meta, field) + sizeof((m)->field))
#define META_STR(m, field) (META_HAS(m, field) ? (m)->field : NULL)

#define X(s) ((const xmlChar *)(s))

/* ------------------------------------------------------------------ */
/* Text                                                               */
/* ------------------------------------------------------------------ */

/* Decodes one UTF-8 sequence at p (n bytes left). Returns its length, or
 * 0 when it is malformed; *cp gets the code point. */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        len = 2;
        c = p[0] & 0x1F;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        c = p[0] & 0x0F;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        c = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[k] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* XML 1.0 Char production, minus CR (a literal CR would be written as
 * &#13; and means nothing in article text). */
static bool xml_char_ok(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n';
    return c != 0xFFFE && c != 0xFFFF;
}

char *xhtml_clean_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, o = 0;
    char *r;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    r = malloc(n + 1);
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_next(p + i, n - i, &c);

        if (len == 0) {
            i++;
            continue;
        }
        if (xml_char_ok(c)) {
            memcpy(r + o, p + i, len);
            o += len;
        }
        i += len;
    }
    r[o] = '\0';
    return r;
}

/* Cleaned copy with runs of white space collapsed and both ends trimmed:
 * for titles, names and attribute values. */
static char *clean_line(const char *s)
{
    char *r = xhtml_clean_text(s);
    size_t o = 0;
    bool space = false;

    if (r == NULL)
        return NULL;
    for (size_t i = 0; r[i] != '\0'; i++) {
        char c = r[i];

        if (c == ' ' || c == '\t' || c == '\n') {
            space = o > 0;
            continue;
        }
        if (space)
            r[o++] = ' ';
        space = false;
        r[o++] = c;
    }
    r[o] = '\0';
    return r;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool isxdigit_ascii(unsigned char c)
{
    return is_digit((char)c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

bool xhtml_lang_ok(const char *s)
{
    size_t i = 0, n;

    if (s == NULL)
        return false;
    for (n = 0; is_alpha(s[i]); i++)
        n++;
    if (n < 2 || n > 8)
        return false;
    while (s[i] == '-') {
        i++;
        for (n = 0; is_alpha(s[i]) || is_digit(s[i]); i++)
            n++;
        if (n < 1 || n > 8)
            return false;
    }
    return s[i] == '\0';
}

/* Matches `n` digits at s; advances. */
static bool digits(const char **s, int n)
{
    for (int i = 0; i < n; i++) {
        if (!is_digit((*s)[i]))
            return false;
    }
    *s += n;
    return true;
}

bool xhtml_date_ok(const char *s)
{
    if (s == NULL || !digits(&s, 4))
        return false;
    if (*s == '\0')
        return true;
    if (*s++ != '-' || !digits(&s, 2))
        return false;
    if (*s == '\0')
        return true;
    if (*s++ != '-' || !digits(&s, 2))
        return false;
    if (*s == '\0')
        return true;
    if (*s++ != 'T' || !digits(&s, 2) || *s++ != ':' || !digits(&s, 2))
        return false;
    if (*s == ':') {
        s++;
        if (!digits(&s, 2))
            return false;
        if (*s == '.') {
            /* HTML's datetime allows one to three fraction digits. */
            int k = 0;

            for (s++; is_digit(*s); s++)
                k++;
            if (k < 1 || k > 3)
                return false;
        }
    }
    if (*s == 'Z')
        return s[1] == '\0';
    if (*s == '+' || *s == '-') {
        s++;
        return digits(&s, 2) && *s++ == ':' && digits(&s, 2) && *s == '\0';
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* URLs                                                               */
/* ------------------------------------------------------------------ */

enum url_kind {
    URL_BAD = 0,   /* executable, unknown scheme, or local file */
    URL_WEB,       /* http, https, mailto, ftp */
    URL_RELATIVE,  /* a path with no scheme */
    URL_FRAGMENT,  /* "#x": the page's own ids are gone */
    URL_DATA_IMAGE /* data:image/(png|gif|jpeg|webp) */
};

/* Classifies a URL by its scheme. Browsers ignore tabs and newlines
 * inside a URL ("java\nscript:"), so they are skipped here too. */
static enum url_kind url_kind(const char *u)
{
    char scheme[16];
    size_t n = 0;
    const char *p = u;

    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p == '\0')
        return URL_BAD;
    if (*p == '#')
        return URL_FRAGMENT;
    for (; *p != '\0' && *p != ':'; p++) {
        if (*p == '\t' || *p == '\n')
            continue;
        if (*p == '/' || *p == '?' || *p == '#')
            return URL_RELATIVE;
        if (n + 1 >= sizeof scheme)
            return URL_BAD;
        scheme[n++] = (char)(*p | 0x20);
    }
    if (*p == '\0')
        return URL_RELATIVE;
    scheme[n] = '\0';
    if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
        strcmp(scheme, "mailto") == 0 || strcmp(scheme, "ftp") == 0)
        return URL_WEB;
    if (strcmp(scheme, "data") == 0) {
        static const char *const ok[] = {
            "image/png;", "image/gif;", "image/jpeg;", "image/webp;",
        };

        p++;
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
            if (strncmp(p, ok[i], strlen(ok[i])) == 0)
                return URL_DATA_IMAGE;
        }
    }
    return URL_BAD;
}

/* A copy of `u` that is a valid URI reference: spaces, non-ASCII bytes,
 * characters RFC 3986 forbids, stray '%' and a second '#' are
 * percent-encoded (epubcheck RSC_020). NULL when out of memory. */
static char *url_escape(const char *u)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(u);
    char *r = malloc(3 * n + 1);
    size_t o = 0;
    bool hash = false;

    if (r == NULL)
        return NULL;
    while (*u == ' ' || *u == '\t' || *u == '\n')
        u++;
    for (const unsigned char *p = (const unsigned char *)u; *p != '\0';
         p++) {
        unsigned c = *p;
        bool enc;

        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '%')
            enc = !(isxdigit_ascii(p[1]) && isxdigit_ascii(p[2]));
        else if (c == '#')
            enc = hash;
        else
            enc = c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", (int)c);
        if (c == '#')
            hash = true;
        if (enc) {
            r[o++] = '%';
            r[o++] = hex[c >> 4];
            r[o++] = hex[c & 15];
        } else {
            r[o++] = (char)c;
        }
    }
    /* Trailing spaces were encoded; a URL ending in "%20" is still one. */
    r[o] = '\0';
    return r;
}

/* ------------------------------------------------------------------ */
/* Tree building                                                      */
/* ------------------------------------------------------------------ */

typedef struct bld {
    const folio_host *h;
    folio_job *job;
    const folio_doc_api *d;
    const xhtml_opts *o;
    xhtml_result *res;
    xmlDocPtr xd;
    xmlNsPtr ns;      /* XHTML, the default namespace */
    xmlNsPtr epub_ns; /* NULL unless the document has footnotes */
    xmlNodePtr *stack;
    size_t depth, cap;
    int link_depth;   /* open <a> elements: links never nest */
    const char **fn_labels; /* FOOTNOTE_DEF labels, in document order */
    size_t n_fn;
    size_t *fn_refs;  /* references seen so far, per label */
    bool *fn_done;    /* the label's definition has been written */
    size_t n_sec;
    size_t cap_headings;
    bool oom;
} bld;

static xmlNodePtr el(bld *b, xmlNodePtr parent, const char *name)
{
    xmlNodePtr e = xmlNewDocNode(b->xd, b->ns, X(name), NULL);

    if (e == NULL) {
        b->oom = true;
        return NULL;
    }
    if (parent != NULL)
        xmlAddChild(parent, e);
    return e;
}

/* Appends text (cleaned first). */
static void text(bld *b, xmlNodePtr parent, const char *s)
{
    char *c;
    xmlNodePtr t;

    if (parent == NULL || s == NULL || *s == '\0')
        return;
    c = xhtml_clean_text(s);
    if (c == NULL) {
        b->oom = true;
        return;
    }
    if (*c != '\0') {
        t = xmlNewDocText(b->xd, X(c));
        if (t == NULL)
            b->oom = true;
        else
            xmlAddChild(parent, t);
    }
    free(c);
}

/* Sets an attribute to a cleaned, single-line copy of `v`. */
static void attr(bld *b, xmlNodePtr e, const char *name, const char *v)
{
    char *c;

    if (e == NULL || v == NULL)
        return;
    c = clean_line(v);
    if (c == NULL || xmlNewProp(e, X(name), X(c)) == NULL)
        b->oom = true;
    free(c);
}

static void attr_url(bld *b, xmlNodePtr e, const char *name, const char *u)
{
    char *c = clean_line(u);
    char *esc = c != NULL ? url_escape(c) : NULL;

    if (esc == NULL || xmlNewProp(e, X(name), X(esc)) == NULL)
        b->oom = true;
    free(esc);
    free(c);
}

static void attr_int(bld *b, xmlNodePtr e, const char *name, int v)
{
    char num[24];

    snprintf(num, sizeof num, "%d", v);
    attr(b, e, name, num);
}

static void push(bld *b, xmlNodePtr parent)
{
    if (b->depth == b->cap) {
        size_t cap = b->cap != 0 ? b->cap * 2 : 64;
        xmlNodePtr *s = realloc(b->stack, cap * sizeof *s);

        if (s == NULL) {
            b->oom = true;
            return;
        }
        b->stack = s;
        b->cap = cap;
    }
    b->stack[b->depth++] = parent;
}

static xmlNodePtr pop(bld *b)
{
    return b->depth > 0 ? b->stack[--b->depth] : NULL;
}

static bool is_el(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/* Returns the index of footnote `label`, or -1. */
static long fn_index(const bld *b, const char *label)
{
    for (size_t i = 0; label != NULL && i < b->n_fn; i++) {
        if (strcmp(b->fn_labels[i], label) == 0)
            return (long)i;
    }
    return -1;
}

/* Collects the footnote definitions first: a reference becomes a link
 * only when its target exists (RSC_012). */
static void scan_footnotes(bld *b, const folio_node *root)
{
    const folio_doc_api *d = b->d;
    size_t cap = 0;

    for (const folio_node *n = d->first_child(root); n != NULL;
         n = d->next(n)) {
        const char *label = d->label(n);

        if (d->type(n) != FOLIO_NODE_FOOTNOTE_DEF || label == NULL ||
            fn_index(b, label) >= 0)
            continue;
        if (b->n_fn == cap) {
            size_t nc = cap != 0 ? cap * 2 : 8;
            const char **l = realloc(b->fn_labels, nc * sizeof *l);
            size_t *r = l != NULL ? realloc(b->fn_refs, nc * sizeof *r)
                                  : NULL;
            bool *f = r != NULL ? realloc(b->fn_done, nc * sizeof *f)
                                : NULL;

            if (l != NULL)
                b->fn_labels = l;
            if (r != NULL)
                b->fn_refs = r;
            if (f != NULL)
                b->fn_done = f;
            if (l == NULL || r == NULL || f == NULL) {
                b->oom = true;
                return;
            }
            cap = nc;
        }
        b->fn_refs[b->n_fn] = 0;
        b->fn_done[b->n_fn] = false;
        b->fn_labels[b->n_fn++] = label;
    }
}

/* Plain text of a folio subtree (a heading), for comparisons. */
static char *flat_text(bld *b, const folio_node *n)
{
    const folio_doc_api *d = b->d;
    folio_iter it;
    folio_event ev;
    size_t len = 0, cap = 64;
    char *s = malloc(cap), *r;

    if (s == NULL)
        return NULL;
    d->iter_init(&it, n);
    while ((ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *c = d->iter_node(&it);
        const char *lit = d->literal(c);
        size_t k;

        if (ev != FOLIO_EVENT_ENTER || lit == NULL ||
            (d->type(c) != FOLIO_NODE_TEXT && d->type(c) != FOLIO_NODE_CODE))
            continue;
        k = strlen(lit);
        if (k >= cap - len) {
            char *p;

            while (k >= cap - len)
                cap *= 2;
            p = realloc(s, cap);
            if (p == NULL) {
                free(s);
                return NULL;
            }
            s = p;
        }
        memcpy(s + len, lit, k);
        len += k;
    }
    s[len] = '\0';
    r = clean_line(s);
    free(s);
    return r;
}

static void add_heading(bld *b, int level, const char *id, xmlNodePtr e)
{
    xhtml_result *res = b->res;
    xmlChar *content = xmlNodeGetContent(e);
    char *t = content != NULL ? clean_line((const char *)content) : NULL;
    char *idc = strdup(id);

    xmlFree(content);
    if (t == NULL || idc == NULL || *t == '\0') {
        b->oom = b->oom || t == NULL || idc == NULL;
        free(t);
        free(idc);
        return;
    }
    if (res->n_headings == b->cap_headings) {
        size_t nc = b->cap_headings != 0 ? b->cap_headings * 2 : 16;
        xhtml_heading *p = realloc(res->headings, nc * sizeof *p);

        if (p == NULL) {
            b->oom = true;
            free(t);
            free(idc);
            return;
        }
        res->headings = p;
        b->cap_headings = nc;
    }
    res->headings[res->n_headings].level = level;
    res->headings[res->n_headings].id = idc;
    res->headings[res->n_headings].text = t;
    res->n_headings++;
}

/* An image the output cannot show as <img> becomes a link to it (or its
 * alternative text inside a link), never a broken reference. */
static void image_fallback(bld *b, xmlNodePtr cur, const char *url,
                           const char *alt)
{
    const char *label = alt != NULL && *alt != '\0' ? alt : "image";

    if (b->link_depth == 0 && url != NULL && url_kind(url) == URL_WEB) {
        xmlNodePtr a = el(b, cur, "a");

        attr_url(b, a, "href", url);
        text(b, a, label);
    } else if (alt != NULL) {
        text(b, cur, alt);
    }
}

static void image(bld *b, xmlNodePtr cur, const folio_node *n)
{
    const folio_doc_api *d = b->d;
    const char *url = d->url(n), *alt = d->alt(n), *title = d->title(n);
    const char *src = NULL;
    xmlNodePtr img;

    if (url != NULL && b->o->image != NULL)
        src = b->o->image(b->o->image_ctx, url);
    if (src == NULL && url != NULL && !b->o->book) {
        enum url_kind k = url_kind(url);

        if (k == URL_WEB || k == URL_RELATIVE || k == URL_DATA_IMAGE)
            src = url;
    }
    if (src == NULL) {
        image_fallback(b, cur, url, alt);
        return;
    }
    img = el(b, cur, "img");
    attr_url(b, img, "src", src);
    attr(b, img, "alt", alt != NULL ? alt : "");
    if (title != NULL && *title != '\0')
        attr(b, img, "title", title);
    if (d->image_width(n) > 0)
        attr_int(b, img, "width", d->image_width(n));
    if (d->image_height(n) > 0)
        attr_int(b, img, "height", d->image_height(n));
}

static void footnote_ref(bld *b, xmlNodePtr cur, const folio_node *n)
{
    const char *label = b->d->label(n);
    long i = fn_index(b, label);
    char id[48], href[48];
    xmlNodePtr sup, a;

    if (label == NULL)
        return;
    if (i < 0 || b->link_depth > 0 || b->epub_ns == NULL) {
        text(b, cur, "[");
        text(b, cur, label);
        text(b, cur, "]");
        return;
    }
    b->fn_refs[i]++;
    if (b->fn_refs[i] == 1)
        snprintf(id, sizeof id, "fnref%ld", i + 1);
    else
        snprintf(id, sizeof id, "fnref%ld-%zu", i + 1, b->fn_refs[i]);
    snprintf(href, sizeof href, "#fn%ld", i + 1);
    sup = el(b, cur, "sup");
    a = el(b, sup, "a");
    if (a == NULL)
        return;
    if (xmlNewNsProp(a, b->epub_ns, X("type"), X("noteref")) == NULL)
        b->oom = true;
    attr(b, a, "href", href);
    attr(b, a, "id", id);
    text(b, a, label);
}

/* <thead> or <tbody> of `table` for the next row: header rows go to the
 * thead as long as no body row came first. */
static xmlNodePtr row_group(bld *b, xmlNodePtr table, bool header)
{
    xmlNodePtr last = table->last;

    if (header && (last == NULL || is_el(last, "thead")))
        return last != NULL ? last : el(b, table, "thead");
    if (is_el(last, "tbody"))
        return last;
    return el(b, table, "tbody");
}

/* The single <figcaption> of a figure, made on first use. */
static xmlNodePtr figcaption(bld *b, xmlNodePtr figure)
{
    for (xmlNodePtr c = figure->children; c != NULL; c = c->next) {
        if (is_el(c, "figcaption")) {
            text(b, c, " ");
            return c;
        }
    }
    return el(b, figure, "figcaption");
}

static const char *block_name(folio_node_type t)
{
    switch (t) {
    case FOLIO_NODE_PARAGRAPH: return "p";
    case FOLIO_NODE_LIST_ITEM: return "li";
    case FOLIO_NODE_BLOCKQUOTE: return "blockquote";
    case FOLIO_NODE_FIGURE: return "figure";
    case FOLIO_NODE_TABLE: return "table";
    case FOLIO_NODE_ASIDE: return "aside";
    case FOLIO_NODE_DEF_LIST: return "dl";
    case FOLIO_NODE_DEF_TERM: return "dt";
    case FOLIO_NODE_DEF_DESC: return "dd";
    case FOLIO_NODE_EMPH: return "em";
    case FOLIO_NODE_STRONG: return "strong";
    case FOLIO_NODE_STRIKE: return "s";
    case FOLIO_NODE_SUPERSCRIPT: return "sup";
    case FOLIO_NODE_SUBSCRIPT: return "sub";
    default: return NULL;
    }
}

/* Language class of a code block: only characters safe in a class
 * token, "language-" prefix as highlighters expect. */
static void code_class(bld *b, xmlNodePtr code, const char *lang)
{
    char cls[64] = "language-";
    size_t o = strlen(cls);

    if (lang == NULL)
        return;
    for (; *lang != '\0' && o + 1 < sizeof cls; lang++) {
        char c = *lang;

        if (is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '+' ||
            c == '.' || c == '#')
            cls[o++] = c;
    }
    cls[o] = '\0';
    if (o > strlen("language-"))
        attr(b, code, "class", cls);
}

/* Enters a container node: returns the element its children go into
 * (the current one when the node makes no element). */
static xmlNodePtr enter(bld *b, xmlNodePtr cur, const folio_node *n)
{
    const folio_doc_api *d = b->d;
    folio_node_type t = d->type(n);
    const char *name = block_name(t);
    xmlNodePtr e;

    switch (t) {
    case FOLIO_NODE_HEADING: {
        int level = d->heading_level(n);
        char tag[4], id[32];

        if (level < 1)
            level = 1;
        if (level > 6)
            level = 6;
        snprintf(tag, sizeof tag, "h%d", level);
        snprintf(id, sizeof id, "sec%zu", ++b->n_sec);
        e = el(b, cur, tag);
        attr(b, e, "id", id);
        return e;
    }
    case FOLIO_NODE_LIST:
        e = el(b, cur, d->list_ordered(n) ? "ol" : "ul");
        if (d->list_ordered(n) && d->list_start(n) != 1)
            attr_int(b, e, "start", d->list_start(n));
        return e;
    case FOLIO_NODE_BLOCKQUOTE:
        e = el(b, cur, name);
        if (d->url(n) != NULL && url_kind(d->url(n)) == URL_WEB)
            attr_url(b, e, "cite", d->url(n));
        return e;
    case FOLIO_NODE_CAPTION:
        return is_el(cur, "figure") ? figcaption(b, cur) : el(b, cur, "p");
    case FOLIO_NODE_CREDIT:
        if (is_el(cur, "figure"))
            return el(b, figcaption(b, cur), "small");
        return el(b, cur, "p");
    case FOLIO_NODE_TABLE_ROW:
        return el(b, row_group(b, cur, d->is_header(n)), "tr");
    case FOLIO_NODE_TABLE_CELL: {
        bool th = d->is_header(n) || d->is_header(d->parent(n));

        e = el(b, cur, th ? "th" : "td");
        if (d->cell_colspan(n) > 1)
            attr_int(b, e, "colspan", d->cell_colspan(n));
        if (d->cell_rowspan(n) > 1)
            attr_int(b, e, "rowspan", d->cell_rowspan(n));
        switch (d->cell_align(n)) {
        case FOLIO_ALIGN_LEFT: attr(b, e, "class", "align-left"); break;
        case FOLIO_ALIGN_CENTER: attr(b, e, "class", "align-center"); break;
        case FOLIO_ALIGN_RIGHT: attr(b, e, "class", "align-right"); break;
        default: break;
        }
        return e;
    }
    case FOLIO_NODE_FOOTNOTE_DEF: {
        long i = fn_index(b, d->label(n));
        char id[32];

        e = el(b, cur, "aside");
        if (i >= 0 && b->epub_ns != NULL && e != NULL &&
            b->fn_refs != NULL) {
            snprintf(id, sizeof id, "fn%ld", i + 1);
            if (xmlNewNsProp(e, b->epub_ns, X("type"), X("footnote")) ==
                NULL)
                b->oom = true;
            /* Only the first definition of a label gets the id. */
            if (!b->fn_done[i])
                attr(b, e, "id", id);
            b->fn_done[i] = true;
        }
        return e;
    }
    case FOLIO_NODE_LINK: {
        const char *url = d->url(n);
        enum url_kind k = url != NULL ? url_kind(url) : URL_BAD;
        bool ok = k == URL_WEB || (k == URL_RELATIVE && !b->o->book);

        if (!ok || b->link_depth > 0)
            return cur; /* the link text stays, as text */
        e = el(b, cur, "a");
        attr_url(b, e, "href", url);
        if (d->title(n) != NULL && *d->title(n) != '\0')
            attr(b, e, "title", d->title(n));
        b->link_depth++;
        return e;
    }
    default:
        if (name != NULL)
            return el(b, cur, name);
        /* A type from a later ABI: its children still count. */
        if (d->is_block(t) && !is_el(cur, "p"))
            return el(b, cur, "div");
        return cur;
    }
}

static void leaf(bld *b, xmlNodePtr cur, const folio_node *n)
{
    const folio_doc_api *d = b->d;
    xmlNodePtr e;

    switch (d->type(n)) {
    case FOLIO_NODE_TEXT:
        text(b, cur, d->literal(n));
        break;
    case FOLIO_NODE_CODE:
        e = el(b, cur, "code");
        text(b, e, d->literal(n));
        break;
    case FOLIO_NODE_CODE_BLOCK:
        e = el(b, el(b, cur, "pre"), "code");
        if (e != NULL) {
            code_class(b, e, d->code_language(n));
            text(b, e, d->literal(n));
        }
        break;
    case FOLIO_NODE_THEMATIC_BREAK:
        el(b, cur, "hr");
        break;
    case FOLIO_NODE_LINEBREAK:
        el(b, cur, "br");
        break;
    case FOLIO_NODE_IMAGE:
        image(b, cur, n);
        break;
    case FOLIO_NODE_FOOTNOTE_REF:
        footnote_ref(b, cur, n);
        break;
    default:
        break;
    }
}

static bool is_leaf_type(folio_node_type t)
{
    return t == FOLIO_NODE_TEXT || t == FOLIO_NODE_CODE ||
           t == FOLIO_NODE_CODE_BLOCK || t == FOLIO_NODE_THEMATIC_BREAK ||
           t == FOLIO_NODE_LINEBREAK || t == FOLIO_NODE_IMAGE ||
           t == FOLIO_NODE_FOOTNOTE_REF;
}

/* Walks the folio tree with the host's iterator (no recursion). */
static void walk(bld *b, xmlNodePtr article, const folio_node *root,
                 const char *title)
{
    const folio_doc_api *d = b->d;
    const folio_node *first = d->first_child(root), *skip = NULL;
    xmlNodePtr cur = article;
    folio_iter it;
    folio_event ev;

    /* A leading heading that repeats the title is already the <h1>. */
    if (first != NULL && d->type(first) == FOLIO_NODE_HEADING &&
        title != NULL) {
        char *t = flat_text(b, first);

        if (t != NULL && strcmp(t, title) == 0)
            skip = first;
        free(t);
    }

    d->iter_init(&it, root);
    while (!b->oom && (ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = d->iter_node(&it);
        folio_node_type t = d->type(n);

        if (n == root)
            continue;
        if (skip != NULL) {
            if (n == skip && ev == FOLIO_EVENT_EXIT)
                skip = NULL;
            continue;
        }
        if (is_leaf_type(t)) {
            leaf(b, cur, n);
        } else if (ev == FOLIO_EVENT_ENTER) {
            xmlNodePtr e = enter(b, cur, n);

            push(b, cur);
            if (e == NULL)
                b->oom = true;
            else
                cur = e;
        } else {
            xmlNodePtr parent = pop(b);

            if (parent == NULL)
                parent = article;
            if (t == FOLIO_NODE_LINK && parent != cur && b->link_depth > 0)
                b->link_depth--;
            if (t == FOLIO_NODE_HEADING && cur != NULL) {
                xmlChar *id = xmlGetProp(cur, X("id"));

                if (id != NULL)
                    add_heading(b, d->heading_level(n), (const char *)id,
                                cur);
                xmlFree(id);
            }
            cur = parent;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Finishing                                                          */
/* ------------------------------------------------------------------ */

static bool is_void(const xmlChar *name)
{
    static const char *const v[] = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr",
    };

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (strcmp((const char *)name, v[i]) == 0)
            return true;
    }
    return false;
}

/* Elements that hold only elements, where a newline between children
 * reads better and means nothing. */
static bool is_blocky(const xmlChar *name)
{
    static const char *const v[] = {
        "html", "head", "body", "article", "header", "nav", "ul", "ol",
        "table", "thead", "tbody", "tr", "blockquote", "figure", "dl",
        "aside", "li", "dd", "package", "metadata", "manifest", "spine",
        "container", "rootfiles",
    };

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (strcmp((const char *)name, v[i]) == 0)
            return true;
    }
    return false;
}

/* One element: empty non-void ones get an empty text child; block
 * containers with element children only get newlines between them. */
static void finish_element(xmlNodePtr e)
{
    bool only_elements = e->children != NULL;

    if (e->children == NULL) {
        if (!is_void(e->name)) {
            xmlNodePtr t = xmlNewDocText(e->doc, X(""));

            if (t != NULL)
                xmlAddChild(e, t);
        }
        return;
    }
    for (xmlNodePtr c = e->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            only_elements = false;
    }
    if (!only_elements || !is_blocky(e->name))
        return;
    for (xmlNodePtr c = e->children; c != NULL;) {
        xmlNodePtr next = c->next;
        xmlNodePtr nl = xmlNewDocText(e->doc, X("\n"));

        if (nl != NULL)
            xmlAddPrevSibling(c, nl);
        c = next;
    }
    {
        xmlNodePtr nl = xmlNewDocText(e->doc, X("\n"));

        /* xmlAddChild would merge it into the last text node; append by
         * hand after the last element instead. */
        if (nl != NULL)
            xmlAddNextSibling(e->last, nl);
    }
}

int xhtml_fix_empty(xmlNodePtr root)
{
    xmlNodePtr *all = NULL;
    size_t n_all = 0, cap = 0;

    /* Elements in document order; finished in reverse, so children are
     * done before their parent puts newlines around them. Only text
     * nodes are added, so the list stays valid. */
    for (xmlNodePtr n = root; n != NULL;) {
        if (n->type == XML_ELEMENT_NODE) {
            if (n_all == cap) {
                size_t nc = cap != 0 ? cap * 2 : 256;
                xmlNodePtr *p = realloc(all, nc * sizeof *p);

                if (p == NULL) {
                    free(all);
                    return FOLIO_ENOMEM;
                }
                all = p;
                cap = nc;
            }
            all[n_all++] = n;
        }
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    while (n_all > 0)
        finish_element(all[--n_all]);
    free(all);
    return FOLIO_OK;
}

static xmlNodePtr first_element(xmlNodePtr n)
{
    while (n != NULL && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

/* A <dl> is groups of dt+ then dd+: a list that starts with a dd gets an
 * empty dt before it, one that ends with a dt an empty dd after it (the
 * source page's list may be cut either way). */
static void fix_dl(xmlNodePtr dl)
{
    xmlNodePtr first = first_element(dl->children), last = NULL;

    for (xmlNodePtr c = first; c != NULL; c = first_element(c->next))
        last = c;
    if (first != NULL && is_el(first, "dd")) {
        xmlNodePtr dt = xmlNewDocNode(dl->doc, first->ns, X("dt"), NULL);

        if (dt != NULL)
            xmlAddPrevSibling(first, dt);
    }
    if (last != NULL && is_el(last, "dt")) {
        xmlNodePtr dd = xmlNewDocNode(dl->doc, last->ns, X("dd"), NULL);

        if (dd != NULL)
            xmlAddNextSibling(last, dd);
    }
}

/* <figcaption> must be the first or last child of <figure>; <dl> groups
 * must be complete. */
static void figure_captions_last(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n != NULL;) {
        if (is_el(n, "dl"))
            fix_dl(n);
        if (is_el(n, "figure")) {
            for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
                if (is_el(c, "figcaption") && c != n->last) {
                    xmlUnlinkNode(c);
                    xmlAddChild(n, c);
                    break;
                }
            }
        }
        if (n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
}

/* ------------------------------------------------------------------ */
/* The document                                                       */
/* ------------------------------------------------------------------ */

/* Does the tree use footnotes (so the epub namespace is needed)? */
static bool has_footnotes(const bld *b, const folio_node *root)
{
    const folio_doc_api *d = b->d;
    folio_iter it;
    folio_event ev;

    if (b->n_fn == 0)
        return false;
    d->iter_init(&it, root);
    while ((ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = d->iter_node(&it);

        if (d->type(n) == FOLIO_NODE_FOOTNOTE_REF ||
            d->type(n) == FOLIO_NODE_FOOTNOTE_DEF)
            return true;
    }
    return false;
}

/* The article's header: headline, standfirst, byline, date, source. */
static void header(bld *b, xmlNodePtr article, const folio_meta *m,
                   const char *title)
{
    xmlNodePtr hd = el(b, article, "header"), e;
    const char *sub = META_STR(m, subtitle);
    const char *pub = META_STR(m, published);
    const char *src = META_STR(m, url);
    size_t n_authors = META_HAS(m, n_authors) ? m->n_authors : 0;

    text(b, el(b, hd, "h1"), title);
    if (sub != NULL && *sub != '\0') {
        e = el(b, hd, "p");
        attr(b, e, "class", "subtitle");
        text(b, e, sub);
    }
    if (n_authors > 0 && m->authors != NULL) {
        e = el(b, hd, "p");
        attr(b, e, "class", "byline");
        for (size_t i = 0; i < n_authors; i++) {
            if (i > 0)
                text(b, e, i + 1 == n_authors ? " and " : ", ");
            text(b, e, m->authors[i]);
        }
    }
    if (pub != NULL && xhtml_date_ok(pub)) {
        xmlNodePtr t;
        char day[11];

        e = el(b, hd, "p");
        attr(b, e, "class", "date");
        t = el(b, e, "time");
        attr(b, t, "datetime", pub);
        snprintf(day, sizeof day, "%s", pub);
        text(b, t, day);
    }
    if (src == NULL)
        src = META_STR(m, source);
    if (src != NULL && url_kind(src) == URL_WEB) {
        xmlNodePtr a;

        e = el(b, hd, "p");
        attr(b, e, "class", "source");
        a = el(b, e, "a");
        attr_url(b, a, "href", src);
        text(b, a, src);
    }
}

int xhtml_build(const folio_host *h, folio_job *job, const folio_doc *doc,
                const xhtml_opts *o, xhtml_result *res)
{
    const folio_doc_api *d = h->doc;
    const folio_meta *m;
    const folio_node *root;
    bld b;
    xmlNodePtr html, head, body, article, e;
    const char *lang, *dir;
    int rc = FOLIO_OK;

    memset(res, 0, sizeof *res);
    memset(&b, 0, sizeof b);
    if (d == NULL || doc == NULL)
        return h->error(job, FOLIO_EINVALID, "no document");
    m = d->meta(doc);
    root = d->root(doc);
    b.h = h;
    b.job = job;
    b.d = d;
    b.o = o;
    b.res = res;

    lang = META_STR(m, lang);
    if (!xhtml_lang_ok(lang)) {
        h->warn(job, "the document has no usable language tag; "
                     "declaring \"en\"");
        lang = "en";
    }
    res->lang = strdup(lang);
    res->title = clean_line(META_STR(m, title));
    if (res->title != NULL && *res->title == '\0') {
        free(res->title);
        res->title = NULL;
    }
    if (res->title == NULL) {
        const char *site = META_STR(m, site_name);

        res->title = clean_line(site != NULL && *site != '\0' ? site
                                                               : "Untitled");
        if (res->title != NULL && *res->title == '\0') {
            free(res->title);
            res->title = strdup("Untitled");
        }
    }
    if (res->lang == NULL || res->title == NULL)
        goto oom;

    b.xd = res->doc = xmlNewDoc(X("1.0"));
    if (b.xd == NULL ||
        xmlCreateIntSubset(b.xd, X("html"), NULL, NULL) == NULL)
        goto oom;
    html = xmlNewDocNode(b.xd, NULL, X("html"), NULL);
    if (html == NULL)
        goto oom;
    xmlDocSetRootElement(b.xd, html);
    b.ns = xmlNewNs(html, X(XHTML_NS), NULL);
    if (b.ns == NULL)
        goto oom;
    xmlSetNs(html, b.ns);

    scan_footnotes(&b, root);
    if (has_footnotes(&b, root)) {
        b.epub_ns = xmlNewNs(html, X(EPUB_NS), X("epub"));
        if (b.epub_ns == NULL)
            goto oom;
    }
    attr(&b, html, "lang", lang);
    xmlNodeSetLang(html, X(lang));
    dir = META_STR(m, dir);
    if (dir != NULL && strcmp(dir, "rtl") == 0)
        attr(&b, html, "dir", "rtl");

    head = el(&b, html, "head");
    e = el(&b, head, "meta");
    attr(&b, e, "charset", "utf-8");
    text(&b, el(&b, head, "title"), res->title);
    if (o->stylesheet != NULL) {
        enum url_kind k = url_kind(o->stylesheet);

        if (k == URL_WEB || k == URL_RELATIVE) {
            e = el(&b, head, "link");
            attr(&b, e, "rel", "stylesheet");
            attr(&b, e, "type", "text/css");
            attr_url(&b, e, "href", o->stylesheet);
        } else {
            h->warn(job, "ignoring stylesheet URL \"%s\"", o->stylesheet);
        }
    }
    body = el(&b, html, "body");
    article = el(&b, body, "article");
    if (b.oom || article == NULL)
        goto oom;
    header(&b, article, m, res->title);
    walk(&b, article, root, res->title);
    if (b.oom)
        goto oom;
    figure_captions_last(html);
    if (xhtml_fix_empty(html) < 0)
        goto oom;
    goto done;

oom:
    rc = h->error(job, FOLIO_ENOMEM, "out of memory");
done:
    free(b.stack);
    free(b.fn_labels);
    free(b.fn_refs);
    free(b.fn_done);
    return rc;
}

void xhtml_result_free(xhtml_result *res)
{
    if (res == NULL)
        return;
    if (res->doc != NULL)
        xmlFreeDoc(res->doc);
    for (size_t i = 0; i < res->n_headings; i++) {
        free(res->headings[i].id);
        free(res->headings[i].text);
    }
    free(res->headings);
    free(res->lang);
    free(res->title);
    memset(res, 0, sizeof *res);
}

/* ------------------------------------------------------------------ */
/* Serialization                                                      */
/* ------------------------------------------------------------------ */

typedef struct sink_ctx {
    folio_write_fn out;
    void *sink;
    bool failed;
} sink_ctx;

static int save_write(void *ctx, const char *buf, int len)
{
    sink_ctx *s = ctx;

    if (s->failed)
        return -1;
    if (len > 0 && s->out(s->sink, buf, (size_t)len) != 0) {
        s->failed = true;
        return -1;
    }
    return len;
}

static int save_close(void *ctx)
{
    (void)ctx;
    return 0;
}

int xhtml_serialize(const folio_host *h, folio_job *job, xmlDocPtr doc,
                    bool indent, folio_write_fn out, void *sink)
{
    sink_ctx s = { out, sink, false };
    xmlSaveCtxtPtr save;
    long r;

    /* XML_SAVE_AS_XML: never libxml2's XHTML 1.0 mode; no
     * XML_SAVE_FORMAT: indentation inside <p> or <pre> would change the
     * text (newlines are already placed between blocks). */
    save = xmlSaveToIO(save_write, save_close, &s, "UTF-8",
                       XML_SAVE_AS_XML | (indent ? XML_SAVE_FORMAT : 0));
    if (save == NULL)
        return h->error(job, FOLIO_ENOMEM, "out of memory");
    r = xmlSaveDoc(save, doc);
    if (xmlSaveClose(save) < 0 || r < 0 || s.failed) {
        if (s.failed)
            return h->error(job, FOLIO_EUSER, "writing the output failed");
        return h->error(job, FOLIO_ENOMEM, "cannot serialize the document");
    }
    /* libxml2 ends the document right after the root's end tag; text
     * files end with a newline. */
    if (out(sink, "\n", 1) != 0)
        return h->error(job, FOLIO_EUSER, "writing the output failed");
    return FOLIO_OK;
}
