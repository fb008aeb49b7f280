/* SPDX-License-Identifier: MIT */
/*
 * Page metadata from the parsed HTML, before extraction edits the tree.
 *
 * One iterative walk over the whole document collects <title>, <meta>,
 * <link>, the first <h1>s, <html>/<body> attributes and a DOM byline.
 * Then each field takes the first hit in the precedence of FORMATS.md §2:
 * OpenGraph / article:* → citation_* and Dublin Core → Twitter cards →
 * plain <meta name> → microdata and rel=author → DOM heuristics, with
 * JSON-LD (an Article-like object, also inside @graph) first of all.
 * libxml2 already decoded entities: values are only trimmed and their
 * whitespace collapsed, never decoded again.
 */
#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "job.h"

#include "folio/doc.h"
#include "dom.h"

/* Bounds against hostile pages: metadata lives in a few hundred tags. */
#define MAX_METAS 4096
#define MAX_H1 8
#define MAX_VALUE 4096
#define MAX_LD 16                 /* JSON-LD scripts looked at */
#define MAX_LD_BYTES (2u << 20)   /* a JSON-LD script larger is skipped */
#define LD_DEPTH 8                /* how deep an article is looked for */
#define LD_ITEMS 512              /* array items looked at */

typedef struct meta_kv {
    char key[64];          /* lower-cased, '.' folded to ':' */
    const char *value;     /* borrowed from the libxml2 tree */
    int prop;              /* from property=, the attribute RDFa and
                            * OpenGraph define, so preferred to name= */
} meta_kv;

typedef struct page {
    meta_kv *kv;
    size_t n, cap;
    const xmlNode *title;        /* first <title> outside <svg> */
    const xmlNode *h1[MAX_H1];
    size_t n_h1;
    const char *html_lang, *html_dir, *body_dir;
    const char *main_dir;        /* dir of the first <main>/<article> */
    const char *canonical;       /* <link rel=canonical href> */
    const char *image_src;       /* <link rel=image_src href> */
    const xmlNode *rel_author;   /* <a rel=author> */
    const xmlNode *prop_author;  /* itemprop=author element */
    const xmlNode *byline;       /* class/id byline or author */
    const char *time_published;  /* <time itemprop=datePublished> etc. */
    const char *time_modified;
    const char *time_near;       /* first <time datetime> after an <h1>
                                  * that is no "updated" time */
    const xmlNode *time_pub_el;  /* the elements of the two above */
    const xmlNode *time_near_el;
    const xmlNode *ld[MAX_LD];   /* <script type=application/ld+json> */
    size_t n_ld;
    json_t *ld_root;             /* the parsed script holding... */
    json_t *ld_art;              /* ...the article object (borrowed) */
} page;

static int
ascii_istarts(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return 0;
    return 1;
}

/* Does the whitespace-separated list `list` hold `word` (ASCII case
 * insensitive)? */
static int
has_token(const char *list, const char *word)
{
    size_t wl = strlen(word);
    const char *p = list;
    while (p && *p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if ((size_t)(p - s) == wl && strncasecmp(s, word, wl) == 0)
            return 1;
    }
    return 0;
}

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* A malloc'd copy of at most MAX_VALUE bytes of `s` with whitespace runs
 * (including U+00A0) collapsed to one space and trimmed; NULL when out of
 * memory. Cuts only at a UTF-8 boundary. */
static char *
clean_dup(const char *s, size_t len)
{
    if (len > MAX_VALUE) {
        len = MAX_VALUE;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    int space = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int ws = is_ws(c);
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
            ws = 1;
            i++;
        }
        if (ws) {
            if (!space)
                out[j++] = ' ';
            space = 1;
        } else {
            out[j++] = (char)c;
            space = 0;
        }
    }
    if (j > 0 && out[j - 1] == ' ')
        j--;
    out[j] = '\0';
    return out;
}

static char *
clean_str(const char *s)
{
    return s ? clean_dup(s, strlen(s)) : NULL;
}

/* Text content of an element, cleaned (malloc'd), or NULL. */
static char *
node_text(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    char *c = clean_str((const char *)t);
    xmlFree(t);
    return c;
}

static size_t word_count(const char *s, size_t len);

/* Letters and digits of `s`, lower-cased (ASCII), other code points kept:
 * for comparing names and headlines. */
static size_t
fold(char *out, size_t cap, const char *s, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len && s[i] && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            out[j++] = (char)c;
        else if (isalnum(c))
            out[j++] = (char)tolower(c);
    }
    out[j] = '\0';
    return j;
}

static int
same_text(const char *a, size_t la, const char *b, size_t lb)
{
    char fa[512], fb[512];
    size_t na = fold(fa, sizeof fa, a, la);
    size_t nb = fold(fb, sizeof fb, b, lb);
    return na > 0 && na == nb && memcmp(fa, fb, na) == 0;
}

/* Is `part` (cut from a title) the site name `site`? Equal, or one
 * starts with the other ("Site" vs "Site - tagline", "Site Inc"). */
static int
same_site(const char *part, size_t lp, const char *site, size_t ls)
{
    char fa[512], fb[512];
    size_t na = fold(fa, sizeof fa, part, lp);
    size_t nb = fold(fb, sizeof fb, site, ls);
    if (na == 0 || nb == 0)
        return 0;
    size_t m = na < nb ? na : nb;
    if (na == nb)
        return memcmp(fa, fb, na) == 0;
    return m >= 4 && memcmp(fa, fb, m) == 0 &&
           word_count(part, lp) <= 6;
}

/* Counts words; a CJK/Hangul character counts as half a word, so a
 * 12-character Chinese headline weighs like a 6-word English one. */
static size_t
word_count(const char *s, size_t len)
{
    size_t words = 0, cjk = 0;
    int in = 0;
    for (size_t i = 0; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE3 || c == 0xE4 || c == 0xE5 || c == 0xE6 || c == 0xE7 ||
            c == 0xE8 || c == 0xE9 || c == 0xEA || c == 0xEB || c == 0xEC ||
            c == 0xED) {
            cjk++;
            in = 0;
            i += 2;
            continue;
        }
        if (is_ws(c)) {
            in = 0;
        } else if (!in) {
            in = 1;
            words++;
        }
    }
    return words + cjk / 2;
}

/* ------------------------------------------------------------------ */
/* Collecting                                                         */
/* ------------------------------------------------------------------ */

static int
add_kv(page *pg, const char *key, size_t klen, const char *value, int prop)
{
    if (pg->n >= MAX_METAS || klen == 0 || klen >= sizeof pg->kv[0].key)
        return FOLIO_OK;
    if (pg->n == pg->cap) {
        size_t nc = pg->cap ? pg->cap * 2 : 64;
        meta_kv *kv = realloc(pg->kv, nc * sizeof *kv);
        if (!kv)
            return FOLIO_ENOMEM;
        pg->kv = kv;
        pg->cap = nc;
    }
    meta_kv *e = &pg->kv[pg->n++];
    for (size_t i = 0; i < klen; i++) {
        char c = (char)tolower((unsigned char)key[i]);
        e->key[i] = c == '.' ? ':' : c;
    }
    e->key[klen] = '\0';
    e->value = value;
    e->prop = prop;
    return FOLIO_OK;
}

/* <meta name|property|itemprop|http-equiv=KEYS content=VALUE>: every
 * space-separated key of the tag maps to the value. */
static int
collect_meta(page *pg, const xmlNode *n)
{
    static const char *const keyattrs[] = {
        "property", "name", "itemprop", "http-equiv", NULL
    };
    const char *value = dom_attr(n, "content");
    if (!value)
        value = dom_attr(n, "value");
    if (!value)
        return FOLIO_OK;
    for (size_t k = 0; keyattrs[k]; k++) {
        const char *keys = dom_attr(n, keyattrs[k]);
        const char *p = keys;
        while (p && *p) {
            while (*p && is_ws((unsigned char)*p))
                p++;
            const char *s = p;
            while (*p && !is_ws((unsigned char)*p))
                p++;
            if (p > s) {
                int rc = add_kv(pg, s, (size_t)(p - s), value, k == 0);
                if (rc < 0)
                    return rc;
            }
        }
    }
    return FOLIO_OK;
}

static int
ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does `v + i` start with `w` (ASCII case insensitive), within `len`? */
static int
word_at(const char *v, size_t i, size_t len, const char *w)
{
    size_t j = 0;
    while (w[j] && i + j < len &&
           ascii_lower((unsigned char)v[i + j]) == w[j])
        j++;
    return w[j] == '\0';
}

/* Does class or id value `v` name a byline: "byline", "author",
 * "dateline", "writtenby" or "p-author" (which holds "author"), ASCII
 * case insensitive, within its first 255 bytes? Matched in place, not on
 * a lower-cased copy: this runs for each element of the body until a
 * byline is found, which on most pages is all of them. */
static int
byline_hint(const char *v)
{
    if (!v)
        return 0;
    size_t len = strnlen(v, 255);
    for (size_t i = 0; i < len; i++) {
        switch (ascii_lower((unsigned char)v[i])) {
        case 'a':
            if (word_at(v, i, len, "author"))
                return 1;
            break;
        case 'b':
            if (word_at(v, i, len, "byline"))
                return 1;
            break;
        case 'd':
            if (word_at(v, i, len, "dateline"))
                return 1;
            break;
        case 'w':
            if (word_at(v, i, len, "writtenby"))
                return 1;
            break;
        default:
            break;
        }
    }
    return 0;
}

/* <time>: the published, modified and near-the-headline dates. */
static void
collect_time(page *pg, const xmlNode *n)
{
    const char *dt = dom_attr(n, "datetime");
    const char *ip = dom_attr(n, "itemprop");
    const char *cls = dom_attr(n, "class");
    int updated = (ip && strstr(ip, "dateModified")) ||
                  (cls && (strstr(cls, "updated") ||
                           strstr(cls, "modified")));
    if (dt && *dt && !pg->time_near && pg->n_h1 > 0 && !updated) {
        pg->time_near = dt;
        pg->time_near_el = n;
    }
    if (dt && *dt) {
        if (ip && strstr(ip, "dateModified")) {
            if (!pg->time_modified)
                pg->time_modified = dt;
        } else if ((ip && strstr(ip, "datePublished")) ||
                   dom_attr(n, "pubdate")) {
            if (!pg->time_published) {
                pg->time_published = dt;
                pg->time_pub_el = n;
            }
        }
    }
}

/* The value of attribute `a` as dom_attr() gives it. */
static const char *
attr_value(const xmlAttr *a)
{
    if (a->children && a->children->type == XML_TEXT_NODE &&
        a->children->content)
        return (const char *)a->children->content;
    return "";
}

static void
collect_element(page *pg, const xmlNode *n, int in_svg, int in_body)
{
    const char *name = (const char *)n->name;
    /* Dispatch on the first byte: most elements (div, span, p, a, li)
     * are none of these, and this runs for every element. */
    switch (name[0]) {
    case 'h':
        if (strcmp(name, "html") == 0) {
            if (!pg->html_lang)
                pg->html_lang = dom_attr(n, "lang");
            if (!pg->html_lang)
                pg->html_lang = dom_attr(n, "xml:lang");
            if (!pg->html_dir)
                pg->html_dir = dom_attr(n, "dir");
        } else if (strcmp(name, "h1") == 0) {
            if (pg->n_h1 < MAX_H1)
                pg->h1[pg->n_h1++] = n;
        }
        break;
    case 'b':
        if (strcmp(name, "body") == 0 && !pg->body_dir)
            pg->body_dir = dom_attr(n, "dir");
        break;
    case 'm':
    case 'a':
        if (strcmp(name, "main") == 0 || strcmp(name, "article") == 0) {
            if (!pg->main_dir && in_body)
                pg->main_dir = dom_attr(n, "dir");
        }
        break;
    case 'l':
        if (strcmp(name, "link") == 0) {
            const char *rel = dom_attr(n, "rel");
            const char *href = dom_attr(n, "href");
            if (rel && href && *href) {
                if (!pg->canonical && has_token(rel, "canonical"))
                    pg->canonical = href;
                if (!pg->image_src && has_token(rel, "image_src"))
                    pg->image_src = href;
            }
        }
        break;
    case 's':
        if (strcmp(name, "script") == 0) {
            const char *type = dom_attr(n, "type");
            if (type && pg->n_ld < MAX_LD && strstr(type, "ld+json"))
                pg->ld[pg->n_ld++] = n;
        }
        break;
    case 't':
        if (strcmp(name, "title") == 0) {
            if (!pg->title && !in_svg)
                pg->title = n;
        } else if (strcmp(name, "time") == 0) {
            collect_time(pg, n);
        }
        break;
    default:
        break;
    }
    if (!in_body || (pg->rel_author && pg->prop_author && pg->byline))
        return;
    /* The attributes every element of the body is asked for, in one pass
     * (the first of each name, as dom_attr() finds it). */
    const char *rel = NULL, *ip = NULL, *cls = NULL, *id = NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        const char **slot = NULL;
        if (!an)
            continue;
        if (an[0] == 'r' && strcmp(an, "rel") == 0)
            slot = &rel;
        else if (an[0] == 'i' && strcmp(an, "itemprop") == 0)
            slot = &ip;
        else if (an[0] == 'c' && strcmp(an, "class") == 0)
            slot = &cls;
        else if (an[0] == 'i' && strcmp(an, "id") == 0)
            slot = &id;
        if (slot && !*slot)
            *slot = attr_value(a);
    }
    if (!pg->rel_author && rel && has_token(rel, "author"))
        pg->rel_author = n;
    if (!pg->prop_author && ip && has_token(ip, "author"))
        pg->prop_author = n;
    if (!pg->byline && (byline_hint(cls) || byline_hint(id)))
        pg->byline = n;
}

/* Walks the whole document once, iteratively. */
static int
collect(page *pg, xmlNode *root)
{
    /* Depth of the <svg> / <body> we are in, tracked by node pointers so
     * the walk needs no stack. */
    const xmlNode *svg = NULL, *body = NULL;
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            if (!svg && dom_is(n, "svg"))
                svg = n;
            if (!body && dom_is(n, "body"))
                body = n;
            if (dom_is(n, "meta")) {
                int rc = collect_meta(pg, n);
                if (rc < 0)
                    return rc;
            } else {
                collect_element(pg, n, svg != NULL, body != NULL);
            }
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n && !n->next) {
            n = n->parent;
            if (n == svg)
                svg = NULL;
            if (!n || n == root || n->type == XML_DOCUMENT_NODE ||
                n->type == XML_HTML_DOCUMENT_NODE) {
                n = NULL;
                break;
            }
        }
        if (n) {
            if (n == svg)
                svg = NULL;
            n = n->next;
        }
    }
    return FOLIO_OK;
}

/* The first non-empty value of `key`, one given with property= before
 * one given with name=. */
static const char *
get(const page *pg, const char *key)
{
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < pg->n; i++)
            if ((pg->kv[i].prop != 0) == pass &&
                strcmp(pg->kv[i].key, key) == 0) {
                const char *v = pg->kv[i].value;
                while (*v && is_ws((unsigned char)*v))
                    v++;
                if (*v)
                    return pg->kv[i].value;
            }
    return NULL;
}

/* The first non-empty value of `key` given with property=. */
static const char *
get_prop(const page *pg, const char *key)
{
    for (size_t i = 0; i < pg->n; i++)
        if (pg->kv[i].prop && strcmp(pg->kv[i].key, key) == 0) {
            const char *v = pg->kv[i].value;
            while (*v && is_ws((unsigned char)*v))
                v++;
            if (*v)
                return pg->kv[i].value;
        }
    return NULL;
}

/* First non-empty value among `keys` (NULL-terminated); a key written
 * "=key" is taken only from property= (RDFa Dublin Core is written for
 * this page, <meta name=DC.title> is often the site's boilerplate). */
static const char *
first_of(const page *pg, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        const char *v = keys[i][0] == '='
                            ? get_prop(pg, keys[i] + 1) : get(pg, keys[i]);
        if (v)
            return v;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* JSON-LD                                                            */
/* ------------------------------------------------------------------ */

/* schema.org types of an article: *Article, *Posting, Report, ... The
 * type may be written "NewsArticle", "schema:NewsArticle" or as a URL. */
static int
ld_type_name_ok(const char *t)
{
    const char *slash = strrchr(t, '/'), *colon = strrchr(t, ':');
    if (slash && (!colon || slash > colon))
        t = slash + 1;
    else if (colon)
        t = colon + 1;
    size_t n = strlen(t);
    return (n >= 7 && strcmp(t + n - 7, "Article") == 0) ||
           (n >= 7 && strcmp(t + n - 7, "Posting") == 0) ||
           strcmp(t, "Report") == 0 || strcmp(t, "APIReference") == 0;
}

static int
ld_is_article(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    if (json_is_string(t))
        return ld_type_name_ok(json_string_value(t));
    if (json_is_array(t)) {
        for (size_t i = 0; i < json_array_size(t) && i < 16; i++) {
            json_t *e = json_array_get(t, i);
            if (json_is_string(e) && ld_type_name_ok(json_string_value(e)))
                return 1;
        }
    }
    return 0;
}

/* The first article object in `v`: itself, an item of an array, or
 * inside @graph / mainEntity, at bounded depth. */
static json_t *
ld_find(json_t *v, int depth)
{
    if (!v || depth > LD_DEPTH)
        return NULL;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < LD_ITEMS; i++) {
            json_t *r = ld_find(json_array_get(v, i), depth + 1);
            if (r)
                return r;
        }
        return NULL;
    }
    if (!json_is_object(v))
        return NULL;
    if (ld_is_article(v))
        return v;
    json_t *r = ld_find(json_object_get(v, "@graph"), depth + 1);
    if (!r)
        r = ld_find(json_object_get(v, "mainEntity"), depth + 1);
    return r;
}

/* Parses the JSON-LD scripts until one holds an article. */
static void
ld_load(page *pg, folio_job *job)
{
    for (size_t i = 0; i < pg->n_ld && !pg->ld_art; i++) {
        xmlChar *text = xmlNodeGetContent(pg->ld[i]);
        if (!text)
            continue;
        /* Some sites wrap the JSON in <![CDATA[ ... ]]> (or a script
         * comment "//<![CDATA[" ... "//]]>"). */
        const char *js = (const char *)text;
        while (*js && is_ws((unsigned char)*js))
            js++;
        if (strncmp(js, "//", 2) == 0 && strstr(js, "<![CDATA[") == js + 2)
            js += 2;
        if (strncmp(js, "<![CDATA[", 9) == 0)
            js += 9;
        size_t len = strlen(js);
        if (js != (const char *)text) {
            const char *end = NULL;
            for (const char *q = strstr(js, "]]>"); q; q = strstr(q + 1, "]]>"))
                end = q;
            if (end) {
                len = (size_t)(end - js);
                if (len >= 2 && js[len - 1] == '/' && js[len - 2] == '/')
                    len -= 2;
            }
        }
        json_error_t err;
        json_t *root = len <= MAX_LD_BYTES
                           ? json_loadb(js, len, JSON_DECODE_ANY, &err)
                           : NULL;
        xmlFree(text);
        if (!root) {
            folio__job_note(job, "metadata: a JSON-LD script does not "
                            "parse");
            continue;
        }
        json_t *art = ld_find(root, 0);
        if (art) {
            pg->ld_root = root;
            pg->ld_art = art;
        } else {
            json_decref(root);
        }
    }
}

/* The object `v` refers to with {"@id": ...} when it has no name of its
 * own, looked up in the @graph of the script. */
static json_t *
ld_deref(const page *pg, json_t *v)
{
    if (!json_is_object(v) || json_object_get(v, "name"))
        return v;
    json_t *id = json_object_get(v, "@id");
    json_t *graph = json_is_object(pg->ld_root)
                        ? json_object_get(pg->ld_root, "@graph")
                        : pg->ld_root;
    if (!json_is_string(id) || !json_is_array(graph))
        return v;
    for (size_t i = 0; i < json_array_size(graph) && i < LD_ITEMS; i++) {
        json_t *o = json_array_get(graph, i);
        json_t *oid = json_object_get(o, "@id");
        if (json_is_string(oid) &&
            strcmp(json_string_value(oid), json_string_value(id)) == 0)
            return o;
    }
    return v;
}

/* A string value: a string, an object's "name" (or "@value", "url" when
 * `url`), or the first item of an array. */
static const char *
ld_str(const page *pg, json_t *v, int url)
{
    for (int guard = 0; v && guard < 4; guard++) {
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            while (*s && is_ws((unsigned char)*s))
                s++;
            return *s ? json_string_value(v) : NULL;
        }
        if (json_is_array(v)) {
            v = json_array_size(v) ? json_array_get(v, 0) : NULL;
            continue;
        }
        if (!json_is_object(v))
            return NULL;
        v = ld_deref(pg, v);
        json_t *n = json_object_get(v, url ? "url" : "name");
        if (!n)
            n = json_object_get(v, "@value");
        v = n;
    }
    return NULL;
}

/* A field of the article object as a string. */
static const char *
ld_get(const page *pg, const char *key)
{
    if (!pg->ld_art)
        return NULL;
    return ld_str(pg, json_object_get(pg->ld_art, key),
                  strcmp(key, "image") == 0 || strcmp(key, "url") == 0 ||
                      strcmp(key, "mainEntityOfPage") == 0);
}

/* ------------------------------------------------------------------ */
/* Setting fields                                                     */
/* ------------------------------------------------------------------ */

/* Sets a field to the cleaned `v`. A value the document refuses (bad
 * UTF-8) is skipped with a note: one field must not sink the import. */
static int
set_clean(folio_doc *doc, folio_job *job, folio_meta_field f,
          const char *v)
{
    if (!v)
        return FOLIO_OK;
    char *c = clean_str(v);
    if (!c)
        return FOLIO_ENOMEM;
    int rc = FOLIO_OK;
    if (*c)
        rc = folio_doc_set_meta(doc, f, c);
    free(c);
    if (rc == FOLIO_EINVALID) {
        folio__job_note(job, "metadata: field %d refused", (int)f);
        rc = FOLIO_OK;
    }
    return rc;
}

static int
looks_like_url(const char *s)
{
    return strstr(s, "://") || ascii_istarts(s, "www.") || s[0] == '/' ||
           ascii_istarts(s, "mailto:");
}

/* Resolves `ref` against the base and sets `f` to it. */
static int
set_url(folio_doc *doc, folio_job *job, folio_meta_field f, const char *ref,
        const char *base)
{
    if (!ref)
        return FOLIO_OK;
    char *c = clean_str(ref);
    if (!c)
        return FOLIO_ENOMEM;
    bool dropped = false;
    char *abs = *c ? folio__url_resolve(base, c, &dropped) : NULL;
    int rc = FOLIO_OK;
    if (!abs && *c && !dropped)
        rc = FOLIO_ENOMEM;
    else if (abs)
        rc = set_clean(doc, job, f, abs);
    free(abs);
    free(c);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Title and site name                                                */
/* ------------------------------------------------------------------ */

/* Separators between a headline and a site name, longest first. */
static const char *const seps[] = {
    " :: ", " | ", " – ", " — ", " - ", " · ", " » ", " // ", " ~ ", NULL
};

/* Separators written without spaces, as CJK sites do ("标题_频道_网站",
 * "見出し｜サイト"). Only taken next to a non-ASCII character, so that
 * "snake_case" or "A|B" in a Latin title is never cut. */
static const char *const bare_seps[] = {
    "\xef\xbd\x9c", /* fullwidth vertical line */
    "_", "|", NULL
};

static bool
bare_sep_ok(const char *s, const char *p, size_t len)
{
    bool before = p > s && (unsigned char)p[-1] >= 0x80;
    bool after = (unsigned char)p[len] >= 0x80;
    return before || after;
}

/* Finds the first separator at or after `from`; sets *sl to its length. */
static const char *
find_sep(const char *s, const char *from, size_t *sl)
{
    const char *best = NULL;
    for (size_t k = 0; seps[k]; k++) {
        const char *p = strstr(from, seps[k]);
        if (p && (!best || p < best)) {
            best = p;
            *sl = strlen(seps[k]);
        }
    }
    for (size_t k = 0; bare_seps[k]; k++) {
        size_t len = strlen(bare_seps[k]);
        for (const char *p = strstr(from, bare_seps[k]); p != NULL;
             p = strstr(p + len, bare_seps[k])) {
            if (best != NULL && p >= best)
                break;
            /* Part of a spaced separator (" | ") is handled above. */
            if (p > s && p[-1] == ' ')
                continue;
            if (bare_sep_ok(s, p, len)) {
                best = p;
                *sl = len;
                break;
            }
        }
    }
    return best;
}

/* Looks for a site name at the end (" | Site") or start ("Site | ",
 * "Site: ") of `t`. Returns a malloc'd headline without it, or NULL. */
static char *
strip_site(const char *t, const char *site)
{
    if (!site || !*site)
        return NULL;
    size_t tl = strlen(t), sitel = strlen(site);
    size_t sl = 0;
    for (const char *p = find_sep(t, t, &sl); p;
         p = find_sep(t, p + 1, &sl)) {
        const char *tail = p + sl;
        size_t head_len = (size_t)(p - t);
        if (head_len > 0 &&
            same_site(tail, tl - (size_t)(tail - t), site, sitel))
            return clean_dup(t, head_len);
        if (head_len > 0 && same_site(t, head_len, site, sitel) &&
            *tail)
            return clean_str(tail);
    }
    /* "Site: Headline" */
    const char *colon = strstr(t, ": ");
    if (colon && colon > t && same_site(t, (size_t)(colon - t), site, sitel)
        && colon[2])
        return clean_str(colon + 2);
    return NULL;
}

/* The headline inside a <title>: the site name removed when known, an
 * <h1> the title starts or ends with, or the part before the last
 * separator when that part is clearly the longer, real headline.
 * Returns malloc'd; *suffix (malloc'd or NULL) gets the removed part
 * when it looks like a site name. */
static char *
headline_of(const char *t, const char *site, char *const *h1, size_t n_h1,
            char **suffix)
{
    *suffix = NULL;
    char *s = strip_site(t, site);
    if (s)
        return s;
    size_t tl = strlen(t);
    for (size_t i = 0; i < n_h1; i++) {
        const char *h = h1[i];
        size_t hl = strlen(h);
        if (!hl || hl > tl)
            continue;
        if (same_text(t, tl, h, hl))
            return clean_str(t);
        size_t sl = 0;
        for (const char *p = find_sep(t, t, &sl); p;
             p = find_sep(t, p + 1, &sl)) {
            const char *tail = p + sl;
            if (same_text(t, (size_t)(p - t), h, hl)) {
                *suffix = clean_str(tail);
                return clean_str(h);
            }
            /* "Site | Headline": the tail is the headline only when it
             * is the longer part (a logo <h1> often names the site). */
            size_t tail_len = tl - (size_t)(tail - t);
            if (same_text(tail, tail_len, h, hl) &&
                word_count(tail, tail_len) >
                    word_count(t, (size_t)(p - t)))
                return clean_str(h);
        }
    }
    /* No site name known and no heading to match: cut the last part only
     * when it is short, name-like, and what remains is a long headline.
     * (With a known site name that the part is not, it is no site.) */
    size_t sl = 0, last_sl = 0;
    const char *last = NULL;
    for (const char *p = find_sep(t, t, &sl); p;
         p = find_sep(t, p + 1, &sl)) {
        last = p;
        last_sl = sl;
    }
    if (last && !site) {
        const char *tail = last + last_sl;
        size_t tail_len = tl - (size_t)(tail - t);
        size_t head_len = (size_t)(last - t);
        if (word_count(tail, tail_len) <= 4 && tail_len <= 40 &&
            word_count(t, head_len) >= 5) {
            *suffix = clean_str(tail);
            return clean_dup(t, head_len);
        }
    }
    return clean_str(t);
}

/* Trims a declared site name in place: "Site - tagline" when the
 * publisher is named "Site", and a company form ("Site Inc") that is no
 * part of the name readers know. */
static void
site_trim(char *site, const char *publisher)
{
    static const char *const forms[] = {
        ", Inc.", " Inc.", " Inc", " LLC", " Ltd.", " Ltd", " GmbH", NULL
    };
    size_t sl = 0, n = strlen(site);
    const char *p = find_sep(site, site, &sl);
    if (p && publisher &&
        same_text(site, (size_t)(p - site), publisher, strlen(publisher))) {
        site[p - site] = '\0';
        n = strlen(site);
    }
    for (size_t k = 0; forms[k]; k++) {
        size_t fl = strlen(forms[k]);
        if (n > fl + 2 && strcmp(site + n - fl, forms[k]) == 0) {
            site[n - fl] = '\0';
            break;
        }
    }
}

/* A declared title that is another declared title plus a separator and
 * more ("Headline - Author - Site" in JSON-LD, "Headline" in og:title)
 * gives way to the shorter one. */
static const char *
shorter_title(const page *pg, const char *t)
{
    static const char *const keys[] = {
        "og:title", "twitter:title", "dc:title", NULL
    };
    if (!t)
        return NULL;
    size_t tl = strlen(t);
    for (size_t i = 0; keys[i]; i++) {
        const char *o = get(pg, keys[i]);
        size_t ol = o ? strlen(o) : 0;
        if (ol < 8 || ol >= tl || strncmp(t, o, ol) != 0)
            continue;
        for (size_t k = 0; seps[k]; k++)
            if (strncmp(t + ol, seps[k], strlen(seps[k])) == 0)
                return o;
    }
    return t;
}

static int
do_title(folio_doc *doc, folio_job *job, const page *pg)
{
    static const char *const title_keys[] = {
        "=dc:title", "=dcterms:title", "og:title", "citation_title",
        "dc:title", "dcterm:title", "dcterms:title", "twitter:title",
        "parsely-title", "sailthru:title", "title", "headline", NULL
    };
    static const char *const site_keys[] = {
        "og:site_name", "application-name", "apple-mobile-web-app-title",
        NULL
    };
    int rc = FOLIO_OK;
    char *title = NULL, *site = NULL, *raw = NULL, *suffix = NULL;
    char *h1[MAX_H1];
    size_t n_h1 = 0;
    for (size_t i = 0; i < pg->n_h1; i++) {
        char *h = node_text(pg->h1[i]);
        if (h && *h)
            h1[n_h1++] = h;
        else
            free(h);
    }
    const char *s = first_of(pg, site_keys);
    if (s && !looks_like_url(s)) {
        site = clean_str(s);
        if (!site) {
            rc = FOLIO_ENOMEM;
            goto done;
        }
    }
    if (pg->title) {
        raw = node_text(pg->title);
        if (raw && !*raw) {
            free(raw);
            raw = NULL;
        }
    }
    /* JSON-LD: the headline, unless it is a description and the name
     * is what the <title> shows. */
    const char *meta_title = ld_get(pg, "headline");
    const char *ld_name = ld_get(pg, "name");
    /* Some pages put the site's name in the article's "name". */
    const char *publisher = pg->ld_art
        ? ld_str(pg, json_object_get(pg->ld_art, "publisher"), 0) : NULL;
    if (ld_name && ((site && same_site(ld_name, strlen(ld_name), site,
                                       strlen(site))) ||
                    (publisher && strcmp(ld_name, publisher) == 0)))
        ld_name = NULL;
    if (!meta_title || (ld_name && raw && strcmp(meta_title, ld_name) != 0 &&
                        !strstr(raw, meta_title) && strstr(raw, ld_name)))
        meta_title = ld_name;
    /* Headlines in JSON-LD are often cut to 110 characters. */
    if (meta_title) {
        size_t ml = strlen(meta_title);
        if ((ml >= 3 && strcmp(meta_title + ml - 3, "...") == 0) ||
            (ml >= 3 && strcmp(meta_title + ml - 3, "\xe2\x80\xa6") == 0))
            meta_title = NULL;
    }
    if (!meta_title)
        meta_title = first_of(pg, title_keys);
    meta_title = shorter_title(pg, meta_title);
    /* A <title> that is also an <h1> is the headline a reader sees; a
     * declared title matching neither is the site's generic one. */
    if (meta_title && raw && !strstr(raw, meta_title)) {
        size_t rl = strlen(raw), ml = strlen(meta_title);
        int raw_h1 = 0, meta_h1 = 0;
        for (size_t i = 0; i < n_h1; i++) {
            size_t hl = strlen(h1[i]);
            raw_h1 |= same_text(raw, rl, h1[i], hl);
            meta_h1 |= same_text(meta_title, ml, h1[i], hl) ||
                       strstr(meta_title, h1[i]) != NULL;
        }
        /* ...unless that <title> is only the site's name (a logo <h1>
         * on a sloppy theme), or too short to tell. */
        int site_like = (site && same_site(raw, rl, site, strlen(site))) ||
                        (publisher && same_text(raw, rl, publisher,
                                                strlen(publisher))) ||
                        word_count(raw, rl) < 3;
        if (raw_h1 && !meta_h1 && !site_like)
            meta_title = NULL;
    }
    if (meta_title) {
        char *c = clean_str(meta_title);
        if (!c) {
            rc = FOLIO_ENOMEM;
            goto done;
        }
        title = strip_site(c, site);
        if (title && *title)
            free(c);
        else {
            free(title);
            title = c;
        }
    } else if (raw) {
        title = headline_of(raw, site, h1, n_h1, &suffix);
    } else if (n_h1 > 0) {
        title = clean_str(h1[0]);
    }
    rc = set_clean(doc, job, FOLIO_META_TITLE, title);
    if (rc < 0)
        goto done;
    /* No declared site name: what the <title> adds after the headline. */
    if (!site && raw && title && !suffix) {
        size_t tl = strlen(title), rl = strlen(raw);
        size_t sl = 0;
        if (rl > tl && strncmp(raw, title, tl) == 0) {
            const char *p = find_sep(raw, raw + tl, &sl);
            if (p == raw + tl && p[sl])
                suffix = clean_str(p + sl);
        }
    }
    /* "Section | Site": the site is the last part. */
    const char *site_part = suffix;
    if (suffix) {
        size_t sl = 0;
        for (const char *p = find_sep(suffix, suffix, &sl); p && p[sl];
             p = find_sep(suffix, p + 1, &sl))
            site_part = p + sl;
    }
    if (site) {
        site_trim(site, publisher);
        rc = set_clean(doc, job, FOLIO_META_SITE_NAME, site);
    } else if (site_part && word_count(site_part, strlen(site_part)) <= 5)
        rc = set_clean(doc, job, FOLIO_META_SITE_NAME, site_part);
    else if (pg->ld_art)
        rc = set_clean(doc, job, FOLIO_META_SITE_NAME,
                       ld_str(pg, json_object_get(pg->ld_art, "publisher"),
                              0));
done:
    for (size_t i = 0; i < n_h1; i++)
        free(h1[i]);
    free(title);
    free(site);
    free(raw);
    free(suffix);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Language and direction                                             */
/* ------------------------------------------------------------------ */

/* Normalises a language tag to BCP 47 case ("en_us" -> "en-US",
 * "zh-hant-tw" -> "zh-Hant-TW"). Only the first tag of a list is kept.
 * Returns 0 when `in` is not a plausible tag. */
static int
norm_lang(char *out, size_t cap, const char *in)
{
    while (*in && is_ws((unsigned char)*in))
        in++;
    size_t n = 0;
    while (in[n] && in[n] != ',' && in[n] != ';' &&
           !is_ws((unsigned char)in[n]))
        n++;
    if (n < 2 || n >= cap || n > 35)
        return 0;
    size_t start = 0, sub = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? in[i] : '-';
        if (c == '_')
            c = '-';
        if (c != '-' && !isalnum((unsigned char)c))
            return 0;
        if (c != '-') {
            out[i] = c;
            continue;
        }
        size_t len = i - start;
        /* The primary language subtag has two or three letters. */
        if (len == 0 || len > 8 || (sub == 0 && (len < 2 || len > 3)))
            return 0;
        for (size_t k = start; k < i; k++) {
            unsigned char ch = (unsigned char)out[k];
            if (sub == 0) {
                if (!isalpha(ch))
                    return 0;
                out[k] = (char)tolower(ch);
            } else if (len == 2 && isalpha((unsigned char)out[start])) {
                out[k] = (char)toupper(ch);
            } else if (len == 4 && isalpha((unsigned char)out[start])) {
                out[k] = (char)(k == start ? toupper(ch) : tolower(ch));
            } else {
                out[k] = (char)tolower(ch);
            }
        }
        if (i < n)
            out[i] = '-';
        start = i + 1;
        sub++;
    }
    out[n] = '\0';
    return 1;
}

static int
do_lang_dir(folio_doc *doc, folio_job *job, const page *pg)
{
    const char *cands[] = {
        pg->html_lang, get(pg, "content-language"), ld_get(pg, "inLanguage"),
        get(pg, "og:locale"), get(pg, "dc:language"), get(pg, "language"),
        NULL
    };
    char tag[40];
    int rc = FOLIO_OK;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        if (cands[i] && norm_lang(tag, sizeof tag, cands[i])) {
            rc = set_clean(doc, job, FOLIO_META_LANG, tag);
            break;
        }
    }
    if (rc < 0)
        return rc;
    /* The closest container of the article says most about its text. */
    const char *dirs[] = {pg->main_dir, pg->body_dir, pg->html_dir};
    for (size_t i = 0; i < 3; i++) {
        char *d = dirs[i] ? clean_str(dirs[i]) : NULL;
        if (dirs[i] && !d)
            return FOLIO_ENOMEM;
        int ok = d && (ascii_ieq(d, "rtl") || ascii_ieq(d, "ltr"));
        if (ok) {
            for (char *p = d; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            rc = set_clean(doc, job, FOLIO_META_DIR, d);
        }
        free(d);
        if (ok || rc < 0)
            break;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Dates                                                              */
/* ------------------------------------------------------------------ */

static int
digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int
month_of(const char *s)
{
    static const char *const m[] = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
        "oct", "nov", "dec"
    };
    for (int i = 0; i < 12; i++)
        if (ascii_istarts(s, m[i]))
            return i + 1;
    return 0;
}

/* Normalises a date to ISO 8601 into `out`: ISO forms are kept as given
 * (a space before the time becomes "T"); "2015/07/10", "July 10, 2015",
 * "10 Jul 2015" and RFC 822 dates become dates without an invented time.
 * Returns 0 when the value is not a recognisable date. */
static int
norm_date(char *out, size_t cap, const char *in)
{
    while (*in && is_ws((unsigned char)*in))
        in++;
    size_t n = strlen(in);
    while (n > 0 && is_ws((unsigned char)in[n - 1]))
        n--;
    if (cap < 11)
        return 0;
    if (n >= 10 && digits(in, 4) && in[4] == '-' && digits(in + 5, 2) &&
        in[7] == '-' && digits(in + 8, 2)) {
        int mo = atoi(in + 5), da = atoi(in + 8);
        if (mo < 1 || mo > 12 || da < 1 || da > 31)
            return 0;
        /* Keep a time only when one follows, up to the first character
         * that cannot belong to a time or an offset. */
        size_t keep = 10;
        if (n >= 16 && (in[10] == 'T' || in[10] == 't' || in[10] == ' ') &&
            digits(in + 11, 2) && in[13] == ':') {
            keep = 11;
            while (keep < n && keep + 1 < cap &&
                   (isdigit((unsigned char)in[keep]) || in[keep] == ':' ||
                    in[keep] == '.' || in[keep] == '+' || in[keep] == '-' ||
                    in[keep] == 'Z' || in[keep] == 'z'))
                keep++;
        }
        memcpy(out, in, keep);
        out[keep] = '\0';
        if (keep > 10)
            out[10] = 'T';
        return 1;
    }
    if (n >= 8 && digits(in, 4) && (in[4] == '/' || in[4] == '.')) {
        int y = atoi(in), mo = atoi(in + 5);
        const char *d = strchr(in + 5, in[4]);
        int da = d ? atoi(d + 1) : 0;
        if (mo >= 1 && mo <= 12 && da >= 1 && da <= 31) {
            snprintf(out, cap, "%04d-%02d-%02d", y, mo, da);
            return 1;
        }
        return 0;
    }
    /* "Fri, 10 Jul 2015 ...", "10 July 2015", "July 10, 2015" */
    const char *p = in;
    if (isalpha((unsigned char)*p) && strchr(p, ',') &&
        strchr(p, ',') - p <= 4 && !month_of(p)) {
        p = strchr(p, ',') + 1;
        while (*p == ' ')
            p++;
    }
    int day = 0, mon = 0, year = 0;
    if (isdigit((unsigned char)*p)) {
        day = atoi(p);
        while (isdigit((unsigned char)*p))
            p++;
        while (*p == ' ' || *p == '.')
            p++;
        mon = month_of(p);
        while (isalpha((unsigned char)*p))
            p++;
        while (*p == ' ' || *p == ',' || *p == '.')
            p++;
        if (digits(p, 4))
            year = atoi(p);
    } else if ((mon = month_of(p)) != 0) {
        while (isalpha((unsigned char)*p) || *p == '.')
            p++;
        while (*p == ' ')
            p++;
        day = atoi(p);
        while (isdigit((unsigned char)*p))
            p++;
        while (*p == ' ' || *p == ',' || *p == 's' || *p == 't' ||
               *p == 'n' || *p == 'd' || *p == 'r' || *p == 'h')
            p++;
        if (digits(p, 4))
            year = atoi(p);
    }
    if (year >= 1900 && mon && day >= 1 && day <= 31) {
        snprintf(out, cap, "%04d-%02d-%02d", year, mon, day);
        return 1;
    }
    return 0;
}

/* Is the normalised date a time in UTC ("...Z", "...+00:00")? */
static int
is_utc(const char *d)
{
    size_t n = strlen(d);
    if (n <= 10)
        return 0;
    return d[n - 1] == 'Z' || d[n - 1] == 'z' ||
           (n >= 6 && (strcmp(d + n - 6, "+00:00") == 0 ||
                       strcmp(d + n - 5, "+0000") == 0));
}

/* Days since 1970-01-01 of the date part of a normalised date. */
static int
day_number(const char *d)
{
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Minutes since 1970 of a normalised date's local time (*off gets the
 * offset in minutes, or INT_MIN when the value has none). Returns 0 for
 * a date without a time. */
static int
local_minutes(const char *d, long *mins, int *off)
{
    if (strlen(d) < 16 || d[10] != 'T' || !digits(d + 11, 2) ||
        !digits(d + 14, 2))
        return 0;
    *mins = (long)day_number(d) * 1440 + atoi(d + 11) * 60 + atoi(d + 14);
    *off = INT_MIN;
    const char *z = d + 16;
    while (*z && (isdigit((unsigned char)*z) || *z == ':' || *z == '.'))
        z++;
    if (*z == 'Z' || *z == 'z')
        *off = 0;
    else if ((*z == '+' || *z == '-') && digits(z + 1, 2)) {
        int h = atoi(z + 1);
        int m = z[3] == ':' ? atoi(z + 4) : digits(z + 3, 2) ? atoi(z + 3) : 0;
        *off = (*z == '-' ? -1 : 1) * (h * 60 + m);
    }
    return 1;
}

/* Is the printed `shown` the UTC time `utc` written in some zone, on
 * another day? A printed time is the same moment (give or take the
 * minutes a page rounds to) in a real zone; a printed date alone is one
 * day off with a UTC time a zone could move across midnight. */
static int
same_moment(const char *utc, const char *shown)
{
    long um, sm;
    int uo, so;
    int du = day_number(utc), ds = day_number(shown);
    if (du == ds || !local_minutes(utc, &um, &uo) || uo != 0)
        return 0;
    if (!local_minutes(shown, &sm, &so)) {
        long tod = um % 1440;
        return strlen(shown) == 10 &&
               ((ds == du + 1 && tod >= 10 * 60) ||
                (ds == du - 1 && tod < 12 * 60));
    }
    if (so == 0)
        return 0;
    long zone = sm - um;  /* the shown time's offset, if one moment */
    if (so != INT_MIN)
        return labs(zone - so) <= 5;
    return zone >= -12 * 60 && zone <= 14 * 60 &&
           (labs(zone) % 15 <= 1 || labs(zone) % 15 >= 14);
}

static int
do_dates(folio_doc *doc, folio_job *job, const page *pg)
{
    static const char *const pub_keys[] = {
        "article:published_time", "og:article:published_time",
        "article:published", "datepublished", "citation_publication_date",
        "citation_date", "citation_online_date", "dc:date:issued",
        "dcterms:issued", "dc:date", "dcterms:date", "dcterms:created",
        "parsely-pub-date", "sailthru:date", "pubdate", "publishdate",
        "publish-date", "publish_date", "date", NULL
    };
    static const char *const mod_keys[] = {
        "article:modified_time", "og:updated_time", "datemodified",
        "dcterms:modified", "dc:date:modified", "last-modified", NULL
    };
    char buf[64];
    int rc = FOLIO_OK;
    const char *v = ld_get(pg, "datePublished");
    if (v && !norm_date(buf, sizeof buf, v))
        v = NULL;
    for (size_t i = 0; pub_keys[i] && !v; i++) {
        v = get(pg, pub_keys[i]);
        if (v && !norm_date(buf, sizeof buf, v))
            v = NULL;
    }
    if (!v && pg->time_published &&
        norm_date(buf, sizeof buf, pg->time_published))
        v = pg->time_published;
    if (!v && pg->time_near && norm_date(buf, sizeof buf, pg->time_near))
        v = pg->time_near;
    /* A UTC timestamp on another day than the date the page prints next
     * to the headline, only because of the zone: the reader's day wins. */
    char shown[64];
    const char *t = pg->time_published ? pg->time_published : pg->time_near;
    const xmlNode *el = pg->time_published ? pg->time_pub_el
                                           : pg->time_near_el;
    if (v && t && is_utc(buf) && norm_date(shown, sizeof shown, t) &&
        same_moment(buf, shown))
        memcpy(buf, shown, sizeof buf);
    /* <time datetime="...T23:29Z">December 2, 2016</time>: the text is
     * the day the reader sees. */
    char *text = v && el && is_utc(buf) ? node_text(el) : NULL;
    if (text && strlen(text) < 64 && norm_date(shown, sizeof shown, text) &&
        strlen(shown) == 10 && same_moment(buf, shown))
        memcpy(buf, shown, sizeof buf);
    free(text);
    if (v)
        rc = set_clean(doc, job, FOLIO_META_PUBLISHED, buf);
    if (rc < 0)
        return rc;
    v = ld_get(pg, "dateModified");
    if (v && !norm_date(buf, sizeof buf, v))
        v = NULL;
    for (size_t i = 0; mod_keys[i] && !v; i++) {
        v = get(pg, mod_keys[i]);
        if (v && !norm_date(buf, sizeof buf, v))
            v = NULL;
    }
    if (!v && pg->time_modified &&
        norm_date(buf, sizeof buf, pg->time_modified))
        v = pg->time_modified;
    if (v)
        rc = set_clean(doc, job, FOLIO_META_MODIFIED, buf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Authors and tags                                                   */
/* ------------------------------------------------------------------ */

/* Removes "<tag ...>" and "</tag>" from `s` in place; an address in
 * angle brackets ("<jane@example.org>") is left for add_name. */
static void
strip_tags(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '<' && (isalpha((unsigned char)r[1]) || r[1] == '/')) {
            char *end = strchr(r, '>');
            char *at = strchr(r, '@');
            if (end && (!at || at > end)) {
                r = end + 1;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Adds one cleaned name unless it is a URL, a handle or noise. */
static int
add_name(folio_doc *doc, folio_job *job, const char *s, size_t len,
         int from_dom, int *added)
{
    char *c = clean_dup(s, len);
    if (!c)
        return FOLIO_ENOMEM;
    /* Markup pasted into a meta value ("<a href=...>Jane Doe</a>"). */
    strip_tags(c);
    char *p = c;
    while (*p == ' ')
        p++;
    if (ascii_istarts(p, "by ") || ascii_istarts(p, "by:"))
        p += 3;
    else if (ascii_istarts(p, "von ") || ascii_istarts(p, "par ") ||
             ascii_istarts(p, "por "))
        p += 4;
    while (*p == ' ' || *p == ':')
        p++;
    if (from_dom) {
        /* DOM bylines glue dates on ("Jane Doe22 Dec 2016"): keep the
         * part before the first digit. */
        char *d = p;
        while (*d && !isdigit((unsigned char)*d))
            d++;
        *d = '\0';
    }
    /* "Jane Doe (https://jane.example/)", "Jane Doe <jane@example.org>":
     * the address is no part of the name. */
    for (char *q = p; *q; q++)
        if ((q[0] == '(' || q[0] == '<') && q > p &&
            (looks_like_url(q + 1) || strchr(q, '@'))) {
            *q = '\0';
            break;
        }
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == ',' || p[n - 1] == '|'
                     || p[n - 1] == '-'))
        p[--n] = '\0';
    /* One word with digits is an account ("CC7567", "user42"). */
    bool handle = false;
    if (!strchr(p, ' '))
        for (const char *q = p; *q && !handle; q++)
            handle = isdigit((unsigned char)*q) != 0;
    int rc = FOLIO_OK;
    if (n > 1 && n <= 100 && !looks_like_url(p) && p[0] != '@' && !handle &&
        !ascii_ieq(p, "admin") && !ascii_ieq(p, "administrator") &&
        word_count(p, n) <= 8) {
        rc = folio_doc_add_author(doc, p);
        if (rc == FOLIO_EINVALID) {
            folio__job_note(job, "metadata: author refused");
            rc = FOLIO_OK;
        } else if (rc == FOLIO_OK) {
            (*added)++;
        }
    }
    free(c);
    return rc;
}

/* Decodes character references a page escaped twice ("O&#039;Donnell",
 * "&amp;") in place, before "&" and ";" split names. Names hold no
 * literal "&#"; a reference that is not understood stays as it is. */
static void
decode_refs(char *s)
{
    static const struct { const char *name; char c; } named[] = {
        {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&lt;", '<'},
        {"&gt;", '>'}
    };
    char *w = s;
    for (char *r = s; *r;) {
        if (*r == '&' && r[1] == '#') {
            char *end = NULL;
            int hex = r[2] == 'x' || r[2] == 'X';
            unsigned long cp = strtoul(r + 2 + hex, &end, hex ? 16 : 10);
            if (end && end > r + 2 + hex && *end == ';' && cp >= 0x20 &&
                cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
                /* UTF-8 is never longer than the reference it replaces. */
                if (cp < 0x80) {
                    *w++ = (char)cp;
                } else if (cp < 0x800) {
                    *w++ = (char)(0xC0 | (cp >> 6));
                    *w++ = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    *w++ = (char)(0xE0 | (cp >> 12));
                    *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                    *w++ = (char)(0x80 | (cp & 0x3F));
                } else {
                    *w++ = (char)(0xF0 | (cp >> 18));
                    *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                    *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                    *w++ = (char)(0x80 | (cp & 0x3F));
                }
                r = end + 1;
                continue;
            }
        }
        int done = 0;
        for (size_t k = 0; *r == '&' && k < sizeof named / sizeof named[0];
             k++) {
            size_t nl = strlen(named[k].name);
            if (strncmp(r, named[k].name, nl) == 0) {
                *w++ = named[k].c;
                r += nl;
                done = 1;
                break;
            }
        }
        if (!done)
            *w++ = *r++;
    }
    *w = '\0';
}

/* Splits a byline on " and ", "&", ";", "|" and — when every part is a
 * full name — on commas (so "Smith, Jr." and "Jong, Michiel" stay). */
static int
add_authors(folio_doc *doc, folio_job *job, const char *v, int from_dom,
            int *added)
{
    /* Only a bare URL is refused here: "Name (https://...)" is cut to
     * the name by add_name. */
    if (!v || (looks_like_url(v) && !strchr(v, '(') && !strchr(v, '<')))
        return FOLIO_OK;
    char *c = clean_str(v);
    if (!c)
        return FOLIO_ENOMEM;
    decode_refs(c);
    int split_commas = 1;
    size_t parts = 0;
    for (const char *p = c; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (word_count(p, len) < 2)
            split_commas = 0;
        parts++;
        if (!e)
            break;
        p = e + 1;
    }
    if (parts < 2)
        split_commas = 0;
    int rc = FOLIO_OK;
    const char *p = c;
    while (*p && rc == FOLIO_OK) {
        size_t len = 0, skip = 0;
        for (; p[len]; len++) {
            if (strncmp(p + len, " and ", 5) == 0) {
                skip = 5;
                break;
            }
            if (strncmp(p + len, " und ", 5) == 0 ||
                strncmp(p + len, " et ", 4) == 0) {
                skip = p[len + 2] == 't' ? 4 : 5;
                break;
            }
            if (p[len] == '&' || p[len] == ';' || p[len] == '|' ||
                (split_commas && p[len] == ',')) {
                skip = 1;
                break;
            }
        }
        rc = add_name(doc, job, p, len, from_dom, added);
        p += len + skip;
    }
    free(c);
    return rc;
}

/* Cuts a DOM byline before what bylines glue onto names: digits of a
 * date, an English month or weekday, a " - " or " | " and the like. */
static void
cut_byline(char *t)
{
    static const char *const stops[] = {
        " - ", " | ", " \xe2\x80\x94 ", " \xe2\x80\x93 ", "\xe2\x80\xa2",
        "\xc2\xb7", " on ", " published", " updated", " posted", NULL
    };
    static const char *const months[] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "jan ",
        "feb ", "mar ", "apr ", "jun ", "jul ", "aug ", "sep ", "sept ",
        "oct ", "nov ", "dec ", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", NULL
    };
    for (char *p = t; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            *p = '\0';
            break;
        }
        int cut = 0;
        for (size_t k = 0; stops[k] && !cut; k++)
            if (ascii_istarts(p, stops[k]))
                cut = 1;
        if (!cut && p > t && p[-1] == ' ')
            for (size_t k = 0; months[k] && !cut; k++)
                if (ascii_istarts(p, months[k]) &&
                    !isalpha((unsigned char)p[strlen(months[k])]))
                    cut = 1;
        if (cut) {
            *p = '\0';
            break;
        }
    }
}

/* Authors from a byline element: an itemprop=name inside it, else its
 * short links (one per author), else its own text cut before dates. */
static int
dom_byline(folio_doc *doc, folio_job *job, const xmlNode *e, int *added)
{
    const char *content = dom_attr(e, "content");
    if (content)
        return add_authors(doc, job, content, 1, added);
    const xmlNode *name = NULL;
    size_t links = 0;
    for (const xmlNode *n = e->children; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *ip = dom_attr(n, "itemprop");
            if (!name && ip && has_token(ip, "name"))
                name = n;
            if (dom_is(n, "a"))
                links++;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != e && !n->next)
            n = n->parent;
        n = (n && n != e) ? n->next : NULL;
    }
    int rc = FOLIO_OK;
    if (name) {
        const char *c = dom_attr(name, "content");
        char *t = c ? clean_str(c) : node_text(name);
        if (!t)
            return FOLIO_ENOMEM;
        rc = add_authors(doc, job, t, 1, added);
        free(t);
        return rc;
    }
    if (links > 0 && links <= 4) {
        for (const xmlNode *n = e->children; n && rc == FOLIO_OK;) {
            if (dom_is(n, "a")) {
                char *t = node_text(n);
                if (!t)
                    return FOLIO_ENOMEM;
                if (strlen(t) < 60)
                    rc = add_authors(doc, job, t, 1, added);
                free(t);
            } else if (n->type == XML_ELEMENT_NODE && n->children) {
                n = n->children;
                continue;
            }
            while (n && n != e && !n->next)
                n = n->parent;
            n = (n && n != e) ? n->next : NULL;
        }
        if (*added)
            return rc;
    }
    char *t = node_text(e);
    if (!t)
        return FOLIO_ENOMEM;
    if (strlen(t) < 100) {
        cut_byline(t);
        rc = add_authors(doc, job, t, 1, added);
    }
    free(t);
    return rc;
}

static int
do_authors(folio_doc *doc, folio_job *job, const page *pg)
{
    static const char *const keys[] = {
        "article:author", "og:article:author", "citation_author",
        "dc:creator", "dcterm:creator", "dcterms:creator", "author",
        "parsely-author", "sailthru:author", "byl", NULL
    };
    int added = 0;
    json_t *au = pg->ld_art ? json_object_get(pg->ld_art, "author") : NULL;
    if (!au && pg->ld_art)
        au = json_object_get(pg->ld_art, "creator");
    for (size_t i = 0; au && i < (json_is_array(au) ? json_array_size(au)
                                                  : 1) && i < 32; i++) {
        json_t *one = json_is_array(au) ? json_array_get(au, i) : au;
        const char *name = ld_str(pg, one, 0);
        if (name) {
            int rc = add_authors(doc, job, name, 0, &added);
            if (rc < 0)
                return rc;
        }
    }
    for (size_t i = 0; keys[i] && !added; i++) {
        /* citation_author and dc:creator repeat, one tag per author. */
        int many = strcmp(keys[i], "citation_author") == 0 ||
                   strcmp(keys[i], "dc:creator") == 0;
        /* One tag per author, but DC.creator by name= beside dc:creator
         * by property= is the same list twice: property= first, name=
         * only when that gave nobody. */
        for (int pass = 1; pass >= 0 && !added; pass--) {
            for (size_t k = 0; k < pg->n; k++) {
                const meta_kv *e = &pg->kv[k];
                if ((e->prop != 0) != pass || strcmp(e->key, keys[i]) != 0)
                    continue;
                int rc = add_authors(doc, job, e->value, 0, &added);
                if (rc < 0)
                    return rc;
                if (added && !many)
                    break;
            }
        }
    }
    const xmlNode *dom[] = {pg->prop_author, pg->rel_author, pg->byline};
    for (size_t i = 0; i < 3 && !added; i++) {
        if (!dom[i])
            continue;
        int rc = dom_byline(doc, job, dom[i], &added);
        if (rc < 0)
            return rc;
    }
    return FOLIO_OK;
}

static int
add_tag_list(folio_doc *doc, folio_job *job, const char *v, size_t *count)
{
    char *c = clean_str(v);
    if (!c)
        return FOLIO_ENOMEM;
    int rc = FOLIO_OK;
    for (char *p = c; *p && rc == FOLIO_OK && *count < 64;) {
        size_t len = strcspn(p, ",;");
        char *t = clean_dup(p, len);
        if (!t) {
            rc = FOLIO_ENOMEM;
            break;
        }
        if (*t && strlen(t) <= 100) {
            rc = folio_doc_add_tag(doc, t);
            if (rc == FOLIO_EINVALID)
                rc = FOLIO_OK;
            (*count)++;
        }
        free(t);
        p += len;
        if (*p)
            p++;
    }
    free(c);
    if (rc == FOLIO_EINVALID)
        folio__job_note(job, "metadata: tag refused");
    return rc;
}

static int
do_tags(folio_doc *doc, folio_job *job, const page *pg)
{
    size_t count = 0;
    json_t *kw = pg->ld_art ? json_object_get(pg->ld_art, "keywords") : NULL;
    if (json_is_string(kw)) {
        int rc = add_tag_list(doc, job, json_string_value(kw), &count);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; json_is_array(kw) && i < json_array_size(kw) &&
                       count < 64; i++) {
        json_t *e = json_array_get(kw, i);
        if (!json_is_string(e))
            continue;
        int rc = add_tag_list(doc, job, json_string_value(e), &count);
        if (rc < 0)
            return rc;
    }
    if (count > 0)
        return FOLIO_OK;
    for (size_t k = 0; k < pg->n; k++) {
        if (strcmp(pg->kv[k].key, "article:tag") != 0)
            continue;
        char *t = clean_str(pg->kv[k].value);
        if (!t)
            return FOLIO_ENOMEM;
        int rc = FOLIO_OK;
        if (*t && strlen(t) <= 100 && count < 64) {
            rc = folio_doc_add_tag(doc, t);
            count++;
        }
        free(t);
        if (rc == FOLIO_ENOMEM)
            return rc;
    }
    if (count == 0) {
        const char *kwv = get(pg, "keywords");
        if (!kwv)
            kwv = get(pg, "news_keywords");
        if (kwv)
            return add_tag_list(doc, job, kwv, &count);
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

int
folio__meta_extract(xmlDocPtr html, folio_doc *doc, const char *base_url,
                    folio_job *job)
{
    static const char *const desc_keys[] = {
        "=dc:description", "=dcterms:description", "og:description",
        "dc:description", "dcterm:description", "dcterms:description",
        "twitter:description", "description",
        "citation_abstract", NULL
    };
    static const char *const image_keys[] = {
        "og:image", "og:image:url", "og:image:secure_url", "twitter:image",
        "twitter:image:src", "thumbnailurl", NULL
    };
    static const char *const section_keys[] = {
        "article:section", "og:article:section", "parsely-section",
        "section", NULL
    };
    page pg;
    memset(&pg, 0, sizeof pg);
    xmlNode *root = html ? xmlDocGetRootElement(html) : NULL;
    if (!root || !doc)
        return FOLIO_OK;
    int rc = collect(&pg, root);
    if (rc < 0)
        goto done;
    ld_load(&pg, job);
    if ((rc = do_title(doc, job, &pg)) < 0 ||
        (rc = do_lang_dir(doc, job, &pg)) < 0)
        goto done;
    const char *canon = pg.canonical ? pg.canonical : get(&pg, "og:url");
    if (!canon)
        canon = ld_get(&pg, "url");
    if ((rc = set_url(doc, job, FOLIO_META_URL, canon, base_url)) < 0)
        goto done;
    const char *desc = ld_get(&pg, "description");
    if (!desc)
        desc = first_of(&pg, desc_keys);
    if ((rc = set_clean(doc, job, FOLIO_META_DESCRIPTION, desc)) < 0)
        goto done;
    const char *img = ld_get(&pg, "image");
    if (!img)
        img = first_of(&pg, image_keys);
    if (!img)
        img = pg.image_src;
    if (img && strncmp(img, "data:", 5) != 0 &&
        (rc = set_url(doc, job, FOLIO_META_IMAGE, img, base_url)) < 0)
        goto done;
    const char *section = ld_get(&pg, "articleSection");
    if (!section)
        section = first_of(&pg, section_keys);
    if ((rc = set_clean(doc, job, FOLIO_META_SECTION, section)) < 0)
        goto done;
    if ((rc = do_dates(doc, job, &pg)) < 0 ||
        (rc = do_authors(doc, job, &pg)) < 0 ||
        (rc = do_tags(doc, job, &pg)) < 0)
        goto done;
done:
    free(pg.kv);
    json_decref(pg.ld_root);
    return rc;
}
