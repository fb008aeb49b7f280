/* SPDX-License-Identifier: MIT */
/* libxml2 article subtree -> folio document tree.
 *
 * The walk is iterative (parent/next pointers) with an explicit stack of
 * frames, one per open element, so a page nested 100,000 deep costs
 * memory, not C stack.
 *
 * HTML mixes blocks and inlines freely; the folio model does not. The
 * converter keeps one open "holder" (a PARAGRAPH, HEADING, TABLE_CELL,
 * CAPTION, CREDIT or DEF_TERM) that receives inline content. Transparent
 * blocks (div, p, section...) only close the open paragraph; the next
 * inline content opens a new one. Inline elements (em, a...) are created
 * lazily, when content arrives, inside the current holder: so an <em>
 * that spans a <div> is re-created in each paragraph, and a space that
 * opens or closes an inline element lands outside it. */
#include "import.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "job.h"
#include "node.h"
#include "dom.h"

/* Nesting caps for the *output* tree: renderers and readers gain nothing
 * from 10,000 nested quotes, and some renderers recurse. Deeper HTML is
 * flattened (its content is kept). */
#define MAX_BLOCK_DEPTH 32
#define MAX_INLINE_DEPTH 16
#define WORDS_PER_MINUTE 238
#define MAX_SPAN 1000
#define MAX_LANG 31
/* A data: URI shorter than this is a lazy-loading placeholder. */
#define DATA_URI_MIN 100
/* Bound on the subtree search deciding whether a credit holds media. */
#define CREDIT_SCAN_MAX 256

/* ------------------------------------------------------------------ */
/* Tags                                                               */
/* ------------------------------------------------------------------ */

typedef enum tag {
    T_OTHER = 0,
    T_A, T_ASIDE, T_AUDIO, T_B, T_BIG, T_BLOCK, T_BLOCKQUOTE, T_BR,
    T_CAPTION, T_CITE, T_CODE, T_DD, T_DEL, T_DFN, T_DL, T_DT, T_EM,
    T_EMBED, T_FIGCAPTION, T_FIGURE, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6,
    T_HR, T_I, T_IFRAME, T_IMG, T_KBD, T_LI, T_MATH, T_OBJECT, T_OL,
    T_P, T_PRE, T_S, T_SAMP, T_SCRIPT, T_SKIP, T_SMALL, T_SPAN, T_STRIKE,
    T_STRONG, T_SUB, T_SUP, T_TABLE, T_TBODY, T_TD, T_TFOOT, T_TH,
    T_THEAD, T_TR, T_TT, T_UL, T_VAR, T_VIDEO
} tag;

typedef struct tag_entry {
    const char *name;
    tag t;
} tag_entry;

/* Sorted by name for bsearch. T_BLOCK: a transparent block (it breaks
 * paragraphs). T_SKIP: never converted. Unknown names are transparent
 * inlines: that includes the HTML5 void elements libxml2 2.9 does not
 * know (source, track, wbr), which it turns into containers of whatever
 * follows them, so their children must still be converted. */
static const tag_entry tags[] = {
    { "a", T_A },
    { "address", T_BLOCK },
    { "applet", T_SKIP },
    { "area", T_SKIP },
    { "article", T_BLOCK },
    { "aside", T_ASIDE },
    { "audio", T_AUDIO },
    { "b", T_B },
    { "base", T_SKIP },
    { "big", T_BIG },
    { "blockquote", T_BLOCKQUOTE },
    { "body", T_BLOCK },
    { "br", T_BR },
    { "button", T_SKIP },
    { "canvas", T_SKIP },
    { "caption", T_CAPTION },
    { "center", T_BLOCK },
    { "cite", T_CITE },
    { "code", T_CODE },
    { "col", T_SKIP },
    { "colgroup", T_SKIP },
    { "datalist", T_SKIP },
    { "dd", T_DD },
    { "del", T_DEL },
    { "details", T_BLOCK },
    { "dfn", T_DFN },
    { "dialog", T_SKIP },
    { "dir", T_UL },
    { "div", T_BLOCK },
    { "dl", T_DL },
    { "dt", T_DT },
    { "em", T_EM },
    { "embed", T_EMBED },
    { "fieldset", T_BLOCK },
    { "figcaption", T_FIGCAPTION },
    { "figure", T_FIGURE },
    { "footer", T_BLOCK },
    { "form", T_BLOCK },
    { "frame", T_SKIP },
    { "frameset", T_SKIP },
    { "h1", T_H1 },
    { "h2", T_H2 },
    { "h3", T_H3 },
    { "h4", T_H4 },
    { "h5", T_H5 },
    { "h6", T_H6 },
    { "head", T_SKIP },
    { "header", T_BLOCK },
    { "hgroup", T_BLOCK },
    { "hr", T_HR },
    { "html", T_BLOCK },
    { "i", T_I },
    { "iframe", T_IFRAME },
    { "img", T_IMG },
    { "input", T_SKIP },
    { "kbd", T_KBD },
    { "legend", T_BLOCK },
    { "li", T_LI },
    { "link", T_SKIP },
    { "main", T_BLOCK },
    { "map", T_SKIP },
    { "math", T_MATH },
    { "menu", T_UL },
    { "meta", T_SKIP },
    { "meter", T_SKIP },
    { "nav", T_BLOCK },
    { "noembed", T_SKIP },
    { "noframes", T_SKIP },
    { "noscript", T_SKIP },
    { "object", T_OBJECT },
    { "ol", T_OL },
    { "optgroup", T_SKIP },
    { "option", T_SKIP },
    { "output", T_SKIP },
    { "p", T_P },
    { "param", T_SKIP },
    { "pre", T_PRE },
    { "progress", T_SKIP },
    { "rp", T_SKIP },
    { "rt", T_SKIP },
    { "s", T_S },
    { "samp", T_SAMP },
    { "script", T_SCRIPT },
    { "search", T_BLOCK },
    { "section", T_BLOCK },
    { "select", T_SKIP },
    { "small", T_SMALL },
    { "span", T_SPAN },
    { "strike", T_STRIKE },
    { "strong", T_STRONG },
    { "style", T_SKIP },
    { "sub", T_SUB },
    { "summary", T_BLOCK },
    { "sup", T_SUP },
    { "svg", T_SKIP },
    { "table", T_TABLE },
    { "tbody", T_TBODY },
    { "td", T_TD },
    { "template", T_SKIP },
    { "textarea", T_SKIP },
    { "tfoot", T_TFOOT },
    { "th", T_TH },
    { "thead", T_THEAD },
    { "title", T_SKIP },
    { "tr", T_TR },
    { "tt", T_TT },
    { "ul", T_UL },
    { "var", T_VAR },
    { "video", T_VIDEO },
    { "xmp", T_PRE },
};

static int tag_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const tag_entry *)elem)->name);
}

static tag tag_of(xmlNodePtr el)
{
    const tag_entry *e;

    if (el->name == NULL)
        return T_OTHER;
    e = bsearch(el->name, tags, sizeof tags / sizeof tags[0],
                sizeof tags[0], tag_cmp);
    return e != NULL ? e->t : T_OTHER;
}

/* ------------------------------------------------------------------ */
/* Small DOM helpers                                                  */
/* ------------------------------------------------------------------ */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ASCII case-insensitive substring search. */
static int contains_ci(const char *hay, const char *needle)
{
    size_t nl = strlen(needle), i, k;

    if (hay == NULL)
        return 0;
    for (i = 0; hay[i] != '\0'; i++) {
        for (k = 0; k < nl; k++)
            if (lower((unsigned char)hay[i + k]) != needle[k])
                break;
        if (k == nl)
            return 1;
    }
    return 0;
}

static int eq_ci(const char *a, const char *b)
{
    if (a == NULL)
        return 0;
    while (*a != '\0' && lower((unsigned char)*a) == *b) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Trimmed copy of a space-separated token from `list` holding `prefix`:
 * writes the rest after the prefix into out. Returns 1 when found. */
static int class_suffix(const char *list, const char *prefix, char *out,
                        size_t cap)
{
    size_t pl = strlen(prefix);

    while (list != NULL && *list != '\0') {
        const char *s;
        size_t k, n;
        while (is_ws((unsigned char)*list))
            list++;
        s = list;
        while (*list != '\0' && !is_ws((unsigned char)*list))
            list++;
        n = (size_t)(list - s);
        if (n <= pl)
            continue;
        for (k = 0; k < pl; k++)
            if (lower((unsigned char)s[k]) != prefix[k])
                break;
        if (k < pl)
            continue;
        n -= pl;
        if (n >= cap)
            n = cap - 1;
        memcpy(out, s + pl, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

/* Leading decimal integer of `s` (after spaces), or `dflt`. Stops at a
 * unit ("100px") and refuses percentages. */
static long parse_int(const char *s, long dflt, long lo, long hi)
{
    long v = 0;
    int neg = 0, digits = 0;

    if (s == NULL)
        return dflt;
    while (is_ws((unsigned char)*s))
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9') {
        if (v < 100000000L)
            v = v * 10 + (*s - '0');
        s++;
        digits++;
    }
    if (digits == 0 || *s == '%')
        return dflt;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++;
        if (*s == '%')
            return dflt;
    }
    if (neg)
        v = -v;
    return v < lo ? lo : v > hi ? hi : v;
}

/* True when nothing but whitespace or comments follows `n` among its
 * siblings. */
static int is_last_content(xmlNodePtr n)
{
    for (n = n->next; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            return 0;
        if (n->type == XML_TEXT_NODE && n->content != NULL) {
            const xmlChar *p = n->content;
            while (*p != '\0' && is_ws(*p))
                p++;
            if (*p != '\0')
                return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Footnotes                                                          */
/* ------------------------------------------------------------------ */

typedef struct fnitem {
    xmlNodePtr el;
    const char *id;
    char label[16];
} fnitem;

typedef struct fnmap {
    fnitem *items;
    size_t n, cap;
    fnitem **by_id;     /* sorted by id */
    fnitem **by_el;     /* sorted by element address */
} fnmap;

static int fn_hint(const char *s)
{
    return (contains_ci(s, "footnote") || contains_ci(s, "endnote"))
           && !contains_ci(s, "ref") && !contains_ci(s, "back");
}

static int is_fn_container(xmlNodePtr el)
{
    static const char *const names[] = { "div", "section", "aside", "ol",
                                         "ul", "footer", "dl" };
    const char *role = dom_attr(el, "role");
    size_t k;
    int ok = 0;

    for (k = 0; k < sizeof names / sizeof names[0]; k++)
        if (dom_is(el, names[k]))
            ok = 1;
    if (!ok)
        return 0;
    if (eq_ci(role, "doc-endnotes") || eq_ci(role, "doc-footnotes"))
        return 1;
    if (fn_hint(dom_attr(el, "class")) || fn_hint(dom_attr(el, "id")))
        return 1;
    return (dom_is(el, "ol") || dom_is(el, "ul"))
           && contains_ci(dom_attr(el, "class"), "references");
}

static int fn_add(fnmap *m, xmlNodePtr el, const char *id)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        fnitem *p = realloc(m->items, cap * sizeof *p);
        if (p == NULL)
            return FOLIO_ENOMEM;
        m->items = p;
        m->cap = cap;
    }
    m->items[m->n].el = el;
    m->items[m->n].id = id;
    snprintf(m->items[m->n].label, sizeof m->items[m->n].label, "%zu",
             m->n + 1);
    m->n++;
    return FOLIO_OK;
}

static int is_fn_item(xmlNodePtr el)
{
    const char *id = dom_attr(el, "id"), *role = dom_attr(el, "role");

    if (id == NULL || *id == '\0')
        return 0;
    if (dom_is(el, "li"))
        return 1;
    if (eq_ci(role, "doc-footnote") || eq_ci(role, "doc-endnote"))
        return 1;
    return (dom_is(el, "div") || dom_is(el, "p") || dom_is(el, "aside")
            || dom_is(el, "section") || dom_is(el, "dd"))
           && (contains_ci(id, "fn") || contains_ci(id, "note")
               || contains_ci(id, "foot"));
}

static int fn_collect_container(fnmap *m, xmlNodePtr box)
{
    xmlNodePtr n = box->children;
    size_t before = m->n;
    int rc;

    while (n != NULL) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE && is_fn_item(n)) {
            if ((rc = fn_add(m, n, dom_attr(n, "id"))) < 0)
                return rc;
            skip = 1;
        }
        n = n == box ? NULL : dom_next(n, box, skip);
    }
    if (m->n == before) {
        const char *id = dom_attr(box, "id");
        if (id != NULL && *id != '\0' && !dom_is(box, "ol")
            && !dom_is(box, "ul"))
            return fn_add(m, box, id);
    }
    return FOLIO_OK;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp((*(fnitem *const *)a)->id, (*(fnitem *const *)b)->id);
}

static int cmp_el(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)(*(fnitem *const *)a)->el;
    uintptr_t y = (uintptr_t)(*(fnitem *const *)b)->el;
    return x < y ? -1 : x > y;
}

static int fn_build(fnmap *m, xmlNodePtr root)
{
    xmlNodePtr n = root;
    size_t i;
    int rc;

    while (n != NULL) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE && is_fn_container(n)) {
            if ((rc = fn_collect_container(m, n)) < 0)
                return rc;
            skip = 1;
        }
        n = dom_next(n, root, skip);
    }
    if (m->n == 0)
        return FOLIO_OK;
    m->by_id = malloc(m->n * sizeof *m->by_id);
    m->by_el = malloc(m->n * sizeof *m->by_el);
    if (m->by_id == NULL || m->by_el == NULL)
        return FOLIO_ENOMEM;
    for (i = 0; i < m->n; i++)
        m->by_id[i] = m->by_el[i] = &m->items[i];
    qsort(m->by_id, m->n, sizeof *m->by_id, cmp_id);
    qsort(m->by_el, m->n, sizeof *m->by_el, cmp_el);
    return FOLIO_OK;
}

static void fn_free(fnmap *m)
{
    free(m->items);
    free(m->by_id);
    free(m->by_el);
}

static const fnitem *fn_by_id(const fnmap *m, const char *id)
{
    fnitem key, *kp = &key, **r;

    if (m->n == 0 || id == NULL)
        return NULL;
    key.id = id;
    r = bsearch(&kp, m->by_id, m->n, sizeof *m->by_id, cmp_id);
    return r != NULL ? *r : NULL;
}

static const fnitem *fn_by_el(const fnmap *m, xmlNodePtr el)
{
    fnitem key, *kp = &key, **r;

    if (m->n == 0)
        return NULL;
    key.el = el;
    r = bsearch(&kp, m->by_el, m->n, sizeof *m->by_el, cmp_el);
    return r != NULL ? *r : NULL;
}

/* The footnote an <a href="#id"> points to, or NULL. */
static const fnitem *fn_target(const fnmap *m, xmlNodePtr a)
{
    const char *href = dom_attr(a, "href");

    if (href == NULL || href[0] != '#' || href[1] == '\0')
        return NULL;
    return fn_by_id(m, href + 1);
}

/* ------------------------------------------------------------------ */
/* Converter state                                                    */
/* ------------------------------------------------------------------ */

typedef enum kind {
    K_ROOT,      /* the document */
    K_NONE,      /* transparent inline, or skipped */
    K_BREAK,     /* transparent block */
    K_INLINE,    /* lazily materialised inline container */
    K_HOLDER,    /* fixed inline holder: heading, cell, caption... */
    K_CREDIT,    /* a CREDIT holder, possibly suspending a CAPTION */
    K_CONTAINER, /* block container: quote, item, figure, note... */
    K_LIST,
    K_DL,
    K_TABLE,
    K_TSECT,     /* thead/tbody/tfoot of a data table */
    K_ROW
} kind;

typedef struct frame {
    folio_node *node;     /* opened block/holder, or materialised inline */
    folio_node *aux;      /* LIST/DL: last item; INLINE: parent at
                             materialisation; CREDIT: suspended caption */
    char *url, *title;    /* LINK attributes (malloc'd) */
    /* FIGURE: a detached FIGURE collecting its CAPTIONs and CREDITs,
     * moved to the end of the real one when it closes, so that media
     * after a <figcaption> still come before the caption. */
    folio_node *tail;
    folio_node_type itype;
    unsigned gen;         /* INLINE: generation of `node` */
    int prev_scope, prev_fixed, prev_depth, prev_fndef;
    size_t ibase;         /* inline stack height when pushed */
    unsigned char kind;
    bool header;          /* TSECT: thead */
    bool saved_content, saved_visible; /* CREDIT: caption state */
} frame;

/* The open inline holder. */
typedef struct hstate {
    folio_node *holder;   /* NULL: none open */
    folio_node *inl;      /* insertion point inside holder */
    folio_node *last_lb;  /* the last thing emitted was this LINEBREAK */
    unsigned gen;
    size_t iresolved;     /* inline frames [scope base, iresolved) done */
    int idepth, links;
    bool pending_space, pending_break, has_content, visible, after_break;
} hstate;

typedef struct conv {
    folio_doc *doc;
    folio_job *job;
    const char *base;
    frame *st;
    size_t n, cap;
    size_t *ist;          /* indices of K_INLINE frames */
    size_t ni, icap;
    int scope, fixed, depth, fndef;
    unsigned gen_counter;
    hstate h;
    fnmap fn;
    char *buf;            /* scratch for normalised text */
    size_t buf_cap;
    char *gbuf;           /* scratch for gathered code text */
    size_t gbuf_len, gbuf_cap;
    /* Text of the TEXT node last created, kept here until another TEXT
     * node starts: merging adjacent text this way costs O(n), where
     * growing the node's literal each time would cost O(n^2). */
    folio_node *open_text;
    char *tbuf;
    size_t tlen, tcap;
} conv;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 64;
    void *np;

    if (need <= *cap)
        return FOLIO_OK;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return FOLIO_ENOMEM;
        c *= 2;
    }
    np = realloc(*p, c * elem);
    if (np == NULL)
        return FOLIO_ENOMEM;
    *p = np;
    *cap = c;
    return FOLIO_OK;
}

static frame *top(conv *c)
{
    return &c->st[c->n - 1];
}

static int push(conv *c)
{
    frame *f;

    if (grow((void **)&c->st, &c->cap, c->n + 1, sizeof *c->st) < 0)
        return FOLIO_ENOMEM;
    f = &c->st[c->n++];
    memset(f, 0, sizeof *f);
    f->kind = K_NONE;
    f->prev_scope = c->scope;
    f->prev_fixed = c->fixed;
    f->prev_depth = c->depth;
    f->prev_fndef = c->fndef;
    f->ibase = c->ni;
    return FOLIO_OK;
}

static folio_node *new_node(conv *c, folio_node_type t)
{
    return folio_node_new(c->doc, t);
}

/* Creates a node of type `t` and appends it to `parent`. */
static int add(conv *c, folio_node *parent, folio_node_type t,
               folio_node **out)
{
    folio_node *n = new_node(c, t);
    int rc;

    *out = NULL;
    if (n == NULL)
        return FOLIO_ENOMEM;
    rc = folio_node_append_child(parent, n);
    if (rc < 0)
        return folio__job_error(c->job, rc,
                                "internal: cannot put a %s in a %s",
                                folio_node_type_name(t),
                                folio_node_type_name(parent->type));
    *out = n;
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Holders and inline content                                         */
/* ------------------------------------------------------------------ */

static bool is_inline_container(folio_node_type t)
{
    return t == FOLIO_NODE_EMPH || t == FOLIO_NODE_STRONG
           || t == FOLIO_NODE_STRIKE || t == FOLIO_NODE_LINK
           || t == FOLIO_NODE_SUPERSCRIPT || t == FOLIO_NODE_SUBSCRIPT;
}

/* Length of s[0..len) without trailing spaces and no-break spaces. */
static size_t rtrim_len(const char *s, size_t len)
{
    for (;;) {
        if (len >= 1 && s[len - 1] == ' ')
            len--;
        else if (len >= 2 && s[len - 2] == '\xC2' && s[len - 1] == '\xA0')
            len -= 2;
        else
            return len;
    }
}

/* Removes no-break spaces that end the holder's text (left behind, say,
 * by a dropped footnote back-link), and the text or inline containers
 * they leave empty. Collapsible spaces are never emitted at the end. */
static int trim_once(conv *c)
{
    folio_node *n = c->h.holder, *t;
    size_t len;

    if (n == NULL)
        return FOLIO_OK;
    while (n->last != NULL && is_inline_container(n->last->type))
        n = n->last;
    t = n->last;
    if (t == NULL || t->type != FOLIO_NODE_TEXT)
        return FOLIO_OK;
    if (t == c->open_text) {
        c->tlen = rtrim_len(c->tbuf, c->tlen);
        len = c->tlen;
    } else {
        len = rtrim_len(t->literal, strlen(t->literal));
        if (len > 0 && len < strlen(t->literal)) {
            int rc = folio_node_set_literal(t, t->literal, len);
            if (rc < 0)
                return rc;
        }
    }
    if (len > 0)
        return FOLIO_OK;
    if (t == c->open_text)
        c->open_text = NULL;
    /* Unlink the empty text and the containers it was alone in. */
    for (;;) {
        folio_node *parent = t->parent;
        folio_node_unlink(t);
        if (parent == c->h.holder || parent->first != NULL)
            break;
        t = parent;
    }
    return 1;
}

static int trim_trailing(conv *c)
{
    int rc, rounds = 0;

    /* Removing an emptied container may expose more trailing spaces. */
    while ((rc = trim_once(c)) == 1 && ++rounds < 8)
        ;
    return rc < 0 ? rc : FOLIO_OK;
}

static void open_holder(conv *c, folio_node *holder)
{
    memset(&c->h, 0, sizeof c->h);
    c->h.holder = holder;
    c->h.inl = holder;
    c->h.gen = ++c->gen_counter;
    c->h.iresolved = c->st[c->scope].ibase;
}

static void close_holder(conv *c)
{
    hstate *h = &c->h;

    if (h->holder != NULL) {
        if (h->last_lb != NULL)
            folio_node_unlink(h->last_lb);
        /* Only fails on no memory; the text then keeps its spaces. */
        (void)trim_trailing(c);
        /* Empty paragraphs, headings, captions go; a table cell keeps its
         * place in the grid. */
        if (!h->visible && h->holder->type != FOLIO_NODE_TABLE_CELL)
            folio_node_unlink(h->holder);
    }
    memset(h, 0, sizeof *h);
    h->gen = ++c->gen_counter;
}

static void soft_break(conv *c)
{
    if (!c->h.has_content)
        return;
    if (c->h.holder->type == FOLIO_NODE_TABLE_CELL)
        c->h.pending_break = true;
    else
        c->h.pending_space = true;
}

/* A block boundary: inside a fixed holder (heading, cell) it is a soft
 * break; elsewhere it ends the paragraph. */
static void para_break(conv *c)
{
    if (c->fixed >= 0)
        soft_break(c);
    else
        close_holder(c);
}

static void note_space(conv *c)
{
    if (c->h.holder != NULL && c->h.has_content && !c->h.after_break)
        c->h.pending_space = true;
}

/* The node new blocks go into, or NULL when content here is dropped
 * (between table cells). Lists and definition lists take stray content
 * into their last item. */
static int block_parent(conv *c, folio_node **out)
{
    frame *f = &c->st[c->scope];
    int rc;

    *out = NULL;
    switch (f->kind) {
    case K_ROOT:
    case K_CONTAINER:
        *out = f->node;
        return FOLIO_OK;
    case K_LIST:
    case K_DL:
        if (f->aux == NULL) {
            rc = add(c, f->node, f->kind == K_LIST ? FOLIO_NODE_LIST_ITEM
                                                   : FOLIO_NODE_DEF_DESC,
                     &f->aux);
            if (rc < 0)
                return rc;
        }
        *out = f->aux;
        return FOLIO_OK;
    default:
        return FOLIO_OK;
    }
}

static int flush_text(conv *c)
{
    int rc = FOLIO_OK;

    if (c->open_text != NULL)
        rc = folio_node_set_literal(c->open_text, c->tbuf, c->tlen);
    c->open_text = NULL;
    c->tlen = 0;
    return rc;
}

static int append_text(conv *c, const char *s, size_t len)
{
    folio_node *last = c->h.inl->last, *t;
    int rc;

    if (last != NULL && last == c->open_text) {
        if (len > SIZE_MAX - c->tlen - 1
            || grow((void **)&c->tbuf, &c->tcap, c->tlen + len + 1, 1) < 0)
            return FOLIO_ENOMEM;
        memcpy(c->tbuf + c->tlen, s, len);
        c->tlen += len;
        return FOLIO_OK;
    }
    if (last != NULL && last->type == FOLIO_NODE_TEXT)
        return folio__node_append_literal(last, s, len);
    if ((rc = flush_text(c)) < 0
        || (rc = add(c, c->h.inl, FOLIO_NODE_TEXT, &t)) < 0)
        return rc;
    c->open_text = t;
    return append_text(c, s, len);
}

static int resolve_inlines(conv *c)
{
    hstate *h = &c->h;
    size_t k;
    int rc;

    for (k = h->iresolved; k < c->ni; k++) {
        frame *f = &c->st[c->ist[k]];
        folio_node *n;
        f->gen = h->gen;
        f->node = NULL;
        if (h->idepth >= MAX_INLINE_DEPTH)
            continue;
        /* LINK never nests in LINK: the inner one is transparent. */
        if (f->itype == FOLIO_NODE_LINK && h->links > 0)
            continue;
        if ((rc = add(c, h->inl, f->itype, &n)) < 0)
            return rc;
        if (f->itype == FOLIO_NODE_LINK) {
            if ((rc = folio_node_set_url(n, f->url)) < 0)
                return rc;
            if (f->title != NULL
                && (rc = folio_node_set_title(n, f->title)) < 0)
                return rc;
            h->links++;
        }
        f->aux = h->inl;
        f->node = n;
        h->inl = n;
        h->idepth++;
    }
    h->iresolved = c->ni;
    return FOLIO_OK;
}

/* Makes room for inline content: opens a paragraph if none is open,
 * emits a pending space or break, re-creates the open inline elements.
 * Returns 1 when c->h.inl takes content, 0 when it is dropped. */
static int begin_content(conv *c)
{
    hstate *h = &c->h;
    int rc;

    if (h->holder == NULL) {
        folio_node *bp, *p;
        if ((rc = block_parent(c, &bp)) < 0)
            return rc;
        if (bp == NULL)
            return 0;
        if ((rc = add(c, bp, FOLIO_NODE_PARAGRAPH, &p)) < 0)
            return rc;
        open_holder(c, p);
    }
    if (h->pending_break) {
        folio_node *lb;
        if ((rc = add(c, h->inl, FOLIO_NODE_LINEBREAK, &lb)) < 0)
            return rc;
    } else if (h->pending_space) {
        if ((rc = append_text(c, " ", 1)) < 0)
            return rc;
    }
    h->pending_break = h->pending_space = false;
    if ((rc = resolve_inlines(c)) < 0)
        return rc;
    h->has_content = true;
    h->after_break = false;
    h->last_lb = NULL;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Text normalisation                                                 */
/* ------------------------------------------------------------------ */

typedef struct tinfo {
    size_t len;
    bool lead, trail, visible;
} tinfo;

/* Decodes one code point of valid-or-not UTF-8; returns its length and
 * sets *cp (U+FFFD for an invalid byte). */
static size_t utf8_next(const unsigned char *s, size_t len, int32_t *cp)
{
    utf8proc_ssize_t n = utf8proc_iterate(s, (utf8proc_ssize_t)
                                          (len > 4 ? 4 : len), cp);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)n;
}

static int is_removed_control(int32_t cp)
{
    /* 0x0C and 0x0D only reach here in code, where they are noise. */
    return (cp >= 0 && cp <= 0x08) || (cp >= 0x0B && cp <= 0x1F)
           || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF
           || (cp >= 0xD800 && cp <= 0xDFFF);
}

static int ensure_buf(conv *c, size_t need)
{
    return grow((void **)&c->buf, &c->buf_cap, need, 1);
}

/* Is a text made of `cp` and characters like it already in NFC whatever
 * their order? True for Latin-1 to Latin Extended-B (no combining marks
 * below U+0300) and the common punctuation and currency signs: none has a
 * singleton decomposition or combines with a neighbour. Checked against
 * every pair of these characters; it spares utf8proc_NFC, a tenth of the
 * pipeline's time, on most European text. */
static bool nfc_stable(int32_t cp)
{
    return (cp >= 0xA0 && cp < 0x300) || (cp >= 0x2010 && cp <= 0x2027)
           || (cp >= 0x2030 && cp <= 0x205E)
           || (cp >= 0x20A0 && cp <= 0x20C0);
}

/* Normalises s[0..len) into c->buf: control characters removed, invalid
 * UTF-8 replaced, and unless `keep_ws`, ASCII whitespace runs collapsed
 * to one space with the edges trimmed (reported in ti->lead/trail).
 * Then NFC. NUL-terminated. */
static int normalise(conv *c, const char *s, size_t len, bool keep_ws,
                     tinfo *ti)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    bool space = false, stable = true;

    memset(ti, 0, sizeof *ti);
    if (len > SIZE_MAX / 2 - 8 || ensure_buf(c, len * 3 / 2 + 8) < 0)
        return FOLIO_ENOMEM;
    while (i < len) {
        int32_t cp;
        size_t n;
        if (p[i] < 0x80) {
            cp = p[i];
            n = 1;
        } else {
            n = utf8_next(p + i, len - i, &cp);
            if (!nfc_stable(cp))
                stable = false;
        }
        i += n;
        if (!keep_ws && is_ws(cp)) {
            if (o == 0)
                ti->lead = true;
            space = true;
            continue;
        }
        if (is_removed_control(cp) && !(keep_ws && (cp == '\t'
                                                   || cp == '\n')))
            continue;
        if (ensure_buf(c, o + 8) < 0)
            return FOLIO_ENOMEM;
        if (space && o > 0)
            c->buf[o++] = ' ';
        space = false;
        if (cp < 0x80) {
            c->buf[o++] = (char)cp;
        } else {
            o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)
                                              c->buf + o);
        }
        if (cp != ' ' && cp != 0xA0 && cp != '\t' && cp != '\n'
            && cp != 0x200B && cp != 0xFEFF)
            ti->visible = true;
    }
    ti->trail = space;
    c->buf[o] = '\0';
    if (!stable && o > 0) {
        utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)
                                             c->buf);
        if (nfc == NULL)
            return FOLIO_ENOMEM;
        o = strlen((const char *)nfc);
        if (ensure_buf(c, o + 1) < 0) {
            free(nfc);
            return FOLIO_ENOMEM;
        }
        memcpy(c->buf, nfc, o + 1);
        free(nfc);
    }
    ti->len = o;
    return FOLIO_OK;
}

/* Normalised, malloc'd copy of an attribute-like string (NULL when
 * empty). */
static int norm_copy(conv *c, const char *s, char **out)
{
    tinfo ti;
    int rc;

    *out = NULL;
    if (s == NULL)
        return FOLIO_OK;
    if ((rc = normalise(c, s, strlen(s), false, &ti)) < 0)
        return rc;
    if (ti.len == 0)
        return FOLIO_OK;
    *out = strdup(c->buf);
    return *out != NULL ? FOLIO_OK : FOLIO_ENOMEM;
}

/* Drops spaces and no-break spaces that would open a line: at the start
 * of a holder or after a line break they only indent. */
static void ltrim_line(conv *c, tinfo *ti)
{
    size_t i = 0;

    if (c->h.holder != NULL && c->h.has_content && !c->h.after_break)
        return;
    while (i < ti->len) {
        if (c->buf[i] == ' ')
            i++;
        else if (i + 1 < ti->len && c->buf[i] == '\xC2'
                 && c->buf[i + 1] == '\xA0')
            i += 2;
        else
            break;
    }
    if (i > 0) {
        memmove(c->buf, c->buf + i, ti->len - i + 1);
        ti->len -= i;
        ti->lead = true;
    }
}

static int emit_text(conv *c, const char *s, size_t len)
{
    tinfo ti;
    int rc;

    if ((rc = normalise(c, s, len, false, &ti)) < 0)
        return rc;
    ltrim_line(c, &ti);
    if (ti.len == 0) {
        if (ti.lead)
            note_space(c);
        return FOLIO_OK;
    }
    if (ti.lead)
        note_space(c);
    if ((rc = begin_content(c)) <= 0)
        return rc;
    /* begin_content may emit a space but does not touch c->buf. */
    if ((rc = append_text(c, c->buf, ti.len)) < 0)
        return rc;
    if (ti.visible)
        c->h.visible = true;
    if (ti.trail)
        note_space(c);
    return FOLIO_OK;
}

static int emit_linebreak(conv *c)
{
    hstate *h = &c->h;
    folio_node *lb;
    int rc;

    if (h->holder == NULL || !h->has_content)
        return FOLIO_OK;
    /* A heading is one line. */
    if (h->holder->type == FOLIO_NODE_HEADING) {
        soft_break(c);
        return FOLIO_OK;
    }
    if (h->last_lb != NULL) {
        /* <br><br>: the author meant a new paragraph. */
        if (c->fixed < 0) {
            close_holder(c);
            return FOLIO_OK;
        }
        return FOLIO_OK;
    }
    h->pending_space = false;
    h->pending_break = false;
    if ((rc = trim_trailing(c)) < 0
        || (rc = add(c, h->inl, FOLIO_NODE_LINEBREAK, &lb)) < 0)
        return rc;
    h->last_lb = lb;
    h->after_break = true;
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Gathering code text                                                */
/* ------------------------------------------------------------------ */

static int gput(conv *c, const char *s, size_t n)
{
    if (grow((void **)&c->gbuf, &c->gbuf_cap, c->gbuf_len + n + 1, 1) < 0)
        return FOLIO_ENOMEM;
    memcpy(c->gbuf + c->gbuf_len, s, n);
    c->gbuf_len += n;
    c->gbuf[c->gbuf_len] = '\0';
    return FOLIO_OK;
}

static int is_gutter(xmlNodePtr el)
{
    const char *cls = dom_attr(el, "class");

    return contains_ci(cls, "gutter") || contains_ci(cls, "lineno")
           || contains_ci(cls, "line-number") || contains_ci(cls, "linenum");
}

static int is_line_block(xmlNodePtr el)
{
    return dom_is(el, "div") || dom_is(el, "p") || dom_is(el, "li")
           || dom_is(el, "tr");
}

/* Collects the text of `el` into c->gbuf as a browser would show it in
 * <pre>: <br> and line-per-element markup become newlines; script,
 * style and line-number gutters are left out. */
static int gather(conv *c, xmlNodePtr el)
{
    xmlNodePtr n = el->children;
    int rc;

    c->gbuf_len = 0;
    if ((rc = gput(c, "", 0)) < 0)
        return rc;
    while (n != NULL) {
        int skip = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL
                && (rc = gput(c, (const char *)n->content,
                              strlen((const char *)n->content))) < 0)
                return rc;
        } else if (n->type == XML_ELEMENT_NODE) {
            tag t = tag_of(n);
            if (t == T_BR) {
                if ((rc = gput(c, "\n", 1)) < 0)
                    return rc;
            } else if (t == T_SCRIPT || t == T_SKIP || is_gutter(n)) {
                skip = 1;
            } else if (is_line_block(n) && c->gbuf_len > 0
                       && c->gbuf[c->gbuf_len - 1] != '\n') {
                if ((rc = gput(c, "\n", 1)) < 0)
                    return rc;
            }
        } else {
            skip = 1;
        }
        n = dom_next(n, el, skip);
    }
    return FOLIO_OK;
}

/* Cleans gathered code in place: CR LF and CR become LF, invalid UTF-8
 * becomes U+FFFD (via normalise), one leading newline and all trailing
 * newlines go. Result in c->buf, length returned through *len. */
static int clean_code(conv *c, size_t *len)
{
    tinfo ti;
    size_t i, o = 0;
    char *s;
    int rc;

    for (i = 0; i < c->gbuf_len; i++) {
        char ch = c->gbuf[i];
        if (ch == '\r') {
            ch = '\n';
            if (i + 1 < c->gbuf_len && c->gbuf[i + 1] == '\n')
                i++;
        }
        c->gbuf[o++] = ch;
    }
    c->gbuf_len = o;
    if ((rc = normalise(c, c->gbuf, c->gbuf_len, true, &ti)) < 0)
        return rc;
    s = c->buf;
    o = ti.len;
    if (o > 0 && s[0] == '\n') {
        memmove(s, s + 1, o);
        o--;
    }
    while (o > 0 && s[o - 1] == '\n')
        o--;
    s[o] = '\0';
    /* All-blank code is no code. */
    for (i = 0; i < o; i++)
        if (!is_ws((unsigned char)s[i]))
            break;
    *len = i < o ? o : 0;
    return FOLIO_OK;
}

static void sanitize_lang(char *s)
{
    size_t i, o = 0;

    for (i = 0; s[i] != '\0' && o < MAX_LANG; i++) {
        int ch = lower((unsigned char)s[i]);
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
            || ch == '+' || ch == '#' || ch == '-' || ch == '_' || ch == '.')
            s[o++] = (char)ch;
        else
            break;
    }
    s[o] = '\0';
    if (strcmp(s, "none") == 0 || strcmp(s, "plain") == 0
        || strcmp(s, "plaintext") == 0 || strcmp(s, "text") == 0
        || strcmp(s, "nohighlight") == 0 || strcmp(s, "txt") == 0)
        s[0] = '\0';
}

static int lang_of_el(xmlNodePtr el, char *out, size_t cap)
{
    const char *v = dom_attr(el, "data-lang");
    const char *cls = dom_attr(el, "class");
    const char *brush;

    if (v == NULL)
        v = dom_attr(el, "data-language");
    if (v != NULL && *v != '\0') {
        snprintf(out, cap, "%s", v);
        return 1;
    }
    if (class_suffix(cls, "language-", out, cap)
        || class_suffix(cls, "lang-", out, cap)
        || class_suffix(cls, "highlight-source-", out, cap)
        || class_suffix(cls, "highlight-", out, cap))
        return 1;
    /* SyntaxHighlighter: class="brush: js; gutter: false" */
    brush = cls;
    while (brush != NULL && (brush = strstr(brush, "brush")) != NULL) {
        const char *p = brush + 5;
        while (is_ws((unsigned char)*p))
            p++;
        if (*p == ':') {
            p++;
            while (is_ws((unsigned char)*p))
                p++;
            snprintf(out, cap, "%s", p);
            return 1;
        }
        brush = p;
    }
    return 0;
}

/* The language of a code block: on <pre>, its <code> child, or the
 * wrappers highlighters put around it. */
static void code_language(xmlNodePtr pre, char *out, size_t cap)
{
    xmlNodePtr k, p;
    int up;

    out[0] = '\0';
    if (lang_of_el(pre, out, cap))
        goto done;
    for (k = pre->children; k != NULL; k = k->next)
        if (k->type == XML_ELEMENT_NODE) {
            if (dom_is(k, "code") && lang_of_el(k, out, cap))
                goto done;
            break;
        }
    for (p = pre->parent, up = 0; p != NULL && up < 3
         && p->type == XML_ELEMENT_NODE; p = p->parent, up++)
        if (lang_of_el(p, out, cap))
            goto done;
    return;
done:
    sanitize_lang(out);
}

/* ------------------------------------------------------------------ */
/* Leaves                                                             */
/* ------------------------------------------------------------------ */

static int emit_code_span(conv *c, const char *s, xmlNodePtr link_el)
{
    tinfo ti;
    folio_node *parent, *code, *link = NULL;
    int rc;

    if ((rc = normalise(c, s, strlen(s), false, &ti)) < 0)
        return rc;
    if (ti.len == 0) {
        if (ti.lead)
            note_space(c);
        return FOLIO_OK;
    }
    if (ti.lead)
        note_space(c);
    if ((rc = begin_content(c)) <= 0)
        return rc;
    parent = c->h.inl;
    if (link_el != NULL && c->h.links == 0) {
        bool dropped;
        char *url = folio__url_resolve(c->base, dom_attr(link_el, "href"),
                                       &dropped);
        if (url == NULL && !dropped)
            return FOLIO_ENOMEM;
        if (url != NULL) {
            rc = add(c, parent, FOLIO_NODE_LINK, &link);
            if (rc == FOLIO_OK)
                rc = folio_node_set_url(link, url);
            free(url);
            if (rc < 0)
                return rc;
            parent = link;
        }
    }
    if ((rc = add(c, parent, FOLIO_NODE_CODE, &code)) < 0)
        return rc;
    if ((rc = folio_node_set_literal(code, c->buf, ti.len)) < 0)
        return rc;
    c->h.visible = true;
    if (ti.trail)
        note_space(c);
    return FOLIO_OK;
}

/* An inline <code>: its text, and the link it wraps when it is the only
 * thing inside. */
static int emit_code_el(conv *c, xmlNodePtr el)
{
    xmlNodePtr k, link = NULL;
    int rc;

    for (k = el->children; k != NULL; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            if (link == NULL && dom_is(k, "a") && dom_attr(k, "href") != NULL)
                link = k;
            else {
                link = NULL;
                break;
            }
        }
    }
    if ((rc = gather(c, el)) < 0)
        return rc;
    return emit_code_span(c, c->gbuf, link);
}

static int usable_src(const char *s)
{
    while (s != NULL && is_ws((unsigned char)*s))
        s++;
    if (s == NULL || *s == '\0' || strcmp(s, "#") == 0
        || eq_ci(s, "about:blank"))
        return 0;
    if (strncmp(s, "data:", 5) == 0 || strncmp(s, "DATA:", 5) == 0)
        return strlen(s) >= DATA_URI_MIN;
    return 1;
}

/* The <picture> around an <img>. libxml2 2.9 nests the <img> inside the
 * <source> elements before it, since it does not know they are void. */
static xmlNodePtr picture_of(xmlNodePtr img)
{
    xmlNodePtr p = img->parent;
    int up = 0;

    while (p != NULL && dom_is(p, "source") && up++ < 16)
        p = p->parent;
    return dom_is(p, "picture") ? p : NULL;
}

static const char *const lazy_attrs[] = {
    "data-src", "data-original", "data-lazy-src", "data-actualsrc",
    "data-srv", "data-url", "data-img-src", "data-lazyload",
    "data-backup", NULL
};

/* Resolves `ref` (`len` bytes) and keeps it in *out when the input
 * carries that resource. Returns 1 when kept, 0 when not, or
 * FOLIO_ENOMEM. */
static int try_carried(conv *c, const char *ref, size_t len, char **out)
{
    char *r, *u;
    bool dropped;

    if (len == 0)
        return 0;
    if ((r = malloc(len + 1)) == NULL)
        return FOLIO_ENOMEM;
    memcpy(r, ref, len);
    r[len] = '\0';
    u = folio__url_resolve(c->base, r, &dropped);
    free(r);
    if (u == NULL)
        return dropped ? 0 : FOLIO_ENOMEM;
    if (!folio__job_asset_lookup(c->job, u, NULL, NULL, NULL)) {
        free(u);
        return 0;
    }
    *out = u;
    return 1;
}

/* Each URL of a srcset (descriptors skipped), tried with try_carried. */
static int try_carried_set(conv *c, const char *set, char **out)
{
    const char *p = set;
    int rc = 0, budget = 64;

    while (p != NULL && *p != '\0' && rc == 0 && budget-- > 0) {
        const char *u;
        size_t n;

        while (is_ws((unsigned char)*p) || *p == ',')
            p++;
        u = p;
        while (*p != '\0' && !is_ws((unsigned char)*p))
            p++;
        n = (size_t)(p - u);
        while (n > 0 && u[n - 1] == ',')
            n--;
        rc = try_carried(c, u, n, out);
        while (*p != '\0' && *p != ',')   /* the descriptors */
            p++;
    }
    return rc;
}

static int try_carried_attr(conv *c, xmlNodePtr el, const char *name,
                            char **out)
{
    const char *v = dom_attr(el, name);

    return v != NULL ? try_carried(c, v, strlen(v), out) : 0;
}

/* A saved page carries the one image the browser showed, which need not
 * be the candidate image_url() would pick from the markup: any candidate
 * the input carries wins, so the output shows the picture that was
 * saved. Returns 1 with *out set, 0 when none is carried, or an error. */
static int carried_image(conv *c, xmlNodePtr img, char **out)
{
    xmlNodePtr pic, s;
    int rc, budget = 64;

    if ((rc = try_carried_attr(c, img, "src", out)) != 0
        || (rc = try_carried_attr(c, img, FOLIO_SAVED_SRC_ATTR, out)) != 0
        || (rc = try_carried_set(c, dom_attr(img, "srcset"), out)) != 0
        || (rc = try_carried_set(c, dom_attr(img, "data-srcset"), out)) != 0)
        return rc;
    for (size_t k = 0; lazy_attrs[k] != NULL; k++)
        if ((rc = try_carried_attr(c, img, lazy_attrs[k], out)) != 0)
            return rc;
    if ((pic = picture_of(img)) == NULL)
        return 0;
    for (s = pic->children; s != NULL && budget-- > 0;
         s = dom_next(s, pic, 0)) {
        if (dom_is(s, "source")
            && ((rc = try_carried_set(c, dom_attr(s, "srcset"), out)) != 0
                || (rc = try_carried_set(c, dom_attr(s, "data-srcset"),
                                         out)) != 0))
            return rc;
    }
    return 0;
}

/* Picks the URL of an image: one the input carries, else the largest
 * srcset candidate, else a usable src, else the lazy-loading attributes,
 * else a <picture> source. */
static int image_url(conv *c, xmlNodePtr img, char **out)
{
    const char *const *lazy = lazy_attrs;
    const char *src = dom_attr(img, "src");
    const char *set = dom_attr(img, "srcset");
    char *u = NULL;
    xmlNodePtr pic;
    bool dropped;
    size_t k;

    int carried;

    *out = NULL;
    if ((carried = carried_image(c, img, out)) != 0)
        return carried < 0 ? carried : FOLIO_OK;
    if (set == NULL || *set == '\0')
        set = dom_attr(img, "data-srcset");
    if (set != NULL && *set != '\0') {
        u = folio__srcset_best(c->base, set);
        if (u != NULL && usable_src(u)) {
            *out = u;
            return FOLIO_OK;
        }
        free(u);
    }
    if (!usable_src(src)) {
        src = NULL;
        for (k = 0; lazy[k] != NULL && src == NULL; k++)
            if (usable_src(dom_attr(img, lazy[k])))
                src = dom_attr(img, lazy[k]);
    }
    if (src == NULL && (pic = picture_of(img)) != NULL) {
        xmlNodePtr s = pic->children;
        int budget = 64;
        for (; s != NULL && budget-- > 0; s = dom_next(s, pic, 0)) {
            if (!dom_is(s, "source"))
                continue;
            set = dom_attr(s, "srcset");
            if (set == NULL)
                set = dom_attr(s, "data-srcset");
            u = folio__srcset_best(c->base, set);
            if (u != NULL && usable_src(u)) {
                *out = u;
                return FOLIO_OK;
            }
            free(u);
        }
    }
    if (src == NULL) {
        /* Lazy loaders put the real <img> in a <noscript> next to the
         * placeholder. */
        xmlNodePtr ns = img->next, alt;
        while (ns != NULL && ns->type == XML_TEXT_NODE)
            ns = ns->next;
        if (dom_is(ns, "noscript"))
            for (alt = ns->children; alt != NULL && src == NULL;
                 alt = alt->next)
                if (dom_is(alt, "img") && usable_src(dom_attr(alt, "src")))
                    src = dom_attr(alt, "src");
    }
    if (src == NULL)
        return FOLIO_OK;
    u = folio__url_resolve(c->base, src, &dropped);
    if (u == NULL && !dropped)
        return FOLIO_ENOMEM;
    *out = u;
    return FOLIO_OK;
}

static int emit_image(conv *c, xmlNodePtr el)
{
    char *url = NULL, *alt = NULL, *title = NULL;
    folio_node *img;
    long w = parse_int(dom_attr(el, "width"), 0, 0, INT_MAX);
    long hgt = parse_int(dom_attr(el, "height"), 0, 0, INT_MAX);
    int rc;

    /* Tracking pixels. */
    if (w == 1 && hgt == 1)
        return FOLIO_OK;
    if ((rc = image_url(c, el, &url)) < 0 || url == NULL)
        return rc;
    if ((rc = norm_copy(c, dom_attr(el, "alt"), &alt)) < 0
        || (rc = norm_copy(c, dom_attr(el, "title"), &title)) < 0)
        goto done;
    if ((rc = begin_content(c)) <= 0)
        goto done;
    if ((rc = add(c, c->h.inl, FOLIO_NODE_IMAGE, &img)) < 0
        || (rc = folio_node_set_url(img, url)) < 0
        || (rc = folio_node_set_alt(img, alt != NULL ? alt : "")) < 0
        || (title != NULL && (rc = folio_node_set_title(img, title)) < 0)
        || (rc = folio_node_set_image_size(img, (int)w, (int)hgt)) < 0)
        goto done;
    c->h.visible = true;
    rc = FOLIO_OK;
done:
    free(url);
    free(alt);
    free(title);
    return rc;
}

/* iframe/video/audio/embed/object: a link to the media, on its own
 * paragraph unless inside a heading or cell. */
static int emit_media(conv *c, xmlNodePtr el)
{
    const char *src = dom_attr(el, "src"), *label;
    char *url = NULL, *title = NULL;
    folio_node *link;
    bool dropped;
    int rc;

    if (src == NULL || *src == '\0')
        src = dom_attr(el, "data");
    if ((src == NULL || *src == '\0') && el->children != NULL) {
        xmlNodePtr k;
        for (k = el->children; k != NULL; k = k->next)
            if (dom_is(k, "source") && dom_attr(k, "src") != NULL) {
                src = dom_attr(k, "src");
                break;
            }
    }
    if (src == NULL || *src == '\0' || eq_ci(src, "about:blank"))
        return FOLIO_OK;
    url = folio__url_resolve(c->base, src, &dropped);
    if (url == NULL)
        return dropped ? FOLIO_OK : FOLIO_ENOMEM;
    label = dom_attr(el, "title");
    if (label == NULL || *label == '\0')
        label = dom_attr(el, "aria-label");
    if ((rc = norm_copy(c, label, &title)) < 0)
        goto done;
    para_break(c);
    if ((rc = begin_content(c)) <= 0)
        goto done;
    if (c->h.links == 0) {
        if ((rc = add(c, c->h.inl, FOLIO_NODE_LINK, &link)) < 0
            || (rc = folio_node_set_url(link, url)) < 0)
            goto done;
        c->h.inl = link;
        rc = append_text(c, title != NULL ? title : "Embedded media",
                         strlen(title != NULL ? title : "Embedded media"));
        c->h.inl = link->parent;
    } else {
        rc = append_text(c, title != NULL ? title : "Embedded media",
                         strlen(title != NULL ? title : "Embedded media"));
    }
    if (rc < 0)
        goto done;
    c->h.visible = true;
    para_break(c);
    rc = FOLIO_OK;
done:
    free(url);
    free(title);
    return rc;
}

/* TeX source of a <math> (alttext, or a TeX annotation), or NULL. */
static const char *math_tex(xmlNodePtr math)
{
    const char *alt = dom_attr(math, "alttext");
    xmlNodePtr n = math->children;

    if (alt != NULL && *alt != '\0')
        return alt;
    while (n != NULL) {
        if (dom_is(n, "annotation")
            && contains_ci(dom_attr(n, "encoding"), "tex")
            && n->children != NULL && n->children->type == XML_TEXT_NODE)
            return (const char *)n->children->content;
        n = dom_next(n, math, 0);
    }
    return NULL;
}

/* MathML without TeX as one line of text: tokens spaced, x^2, x_i,
 * (a)/(b), √(x), rows of a table split by "; ". Bounded in depth, nodes
 * and length: math from the web can be anything. */
typedef struct mbuf {
    char s[2048];
    size_t n;
    int budget;
} mbuf;

static void mb_put(mbuf *b, const char *s, size_t n)
{
    if (n > sizeof b->s - 1 - b->n)
        n = sizeof b->s - 1 - b->n;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void mb_str(mbuf *b, const char *s)
{
    mb_put(b, s, strlen(s));
}

/* Appends the token's text, trimmed, with a space before it unless the
 * output just opened a group. */
static void mb_token(mbuf *b, const char *t)
{
    const char *e;

    while (*t != '\0' && is_ws((unsigned char)*t))
        t++;
    e = t + strlen(t);
    while (e > t && is_ws((unsigned char)e[-1]))
        e--;
    if (e == t)
        return;
    if (b->n > 0 && strchr(" (^_/√", b->s[b->n - 1]) == NULL &&
        !((e - t) == 1 && strchr("),;.]}!", *t) != NULL))
        mb_str(b, " ");
    mb_put(b, t, (size_t)(e - t));
}

static xmlNodePtr math_child(xmlNodePtr n, int i)
{
    for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
        if (n->type == XML_ELEMENT_NODE && i-- == 0)
            return n;
    return NULL;
}

static void math_lin(mbuf *b, xmlNodePtr n, int depth);

/* A script or argument: bare when it is one token, else in parentheses. */
static void math_arg(mbuf *b, xmlNodePtr n, int depth)
{
    bool token = n != NULL && (dom_is(n, "mi") || dom_is(n, "mn") ||
                               dom_is(n, "mo") || dom_is(n, "mtext"));

    if (!token)
        mb_str(b, "(");
    math_lin(b, n, depth + 1);
    if (!token)
        mb_str(b, ")");
}

static void math_lin(mbuf *b, xmlNodePtr n, int depth)
{
    if (n == NULL || depth > 32 || b->budget-- <= 0)
        return;
    if (n->type == XML_TEXT_NODE) {
        if (n->content != NULL)
            mb_token(b, (const char *)n->content);
        return;
    }
    if (n->type != XML_ELEMENT_NODE || dom_is(n, "annotation") ||
        dom_is(n, "annotation-xml") || dom_is(n, "mphantom") ||
        dom_is(n, "none") || dom_is(n, "mprescripts"))
        return;
    if (dom_is(n, "msup") || dom_is(n, "msub") || dom_is(n, "msubsup") ||
        dom_is(n, "mover") || dom_is(n, "munder") ||
        dom_is(n, "munderover")) {
        bool sub = dom_is(n, "msub") || dom_is(n, "munder");
        bool both = dom_is(n, "msubsup") || dom_is(n, "munderover");

        math_lin(b, math_child(n, 0), depth + 1);
        mb_str(b, sub || both ? "_" : "^");
        math_arg(b, math_child(n, 1), depth);
        if (both) {
            mb_str(b, "^");
            math_arg(b, math_child(n, 2), depth);
        }
        return;
    }
    if (dom_is(n, "mfrac")) {
        if (b->n > 0 && b->s[b->n - 1] != '(')
            mb_str(b, " ");
        math_arg(b, math_child(n, 0), depth);
        mb_str(b, "/");
        math_arg(b, math_child(n, 1), depth);
        return;
    }
    if (dom_is(n, "msqrt") || dom_is(n, "mroot")) {
        if (b->n > 0 && b->s[b->n - 1] != '(')
            mb_str(b, " ");
        mb_str(b, "√(");
        if (dom_is(n, "mroot"))
            math_lin(b, math_child(n, 0), depth + 1);
        else
            for (xmlNodePtr k = n->children; k != NULL; k = k->next)
                math_lin(b, k, depth + 1);
        mb_str(b, ")");
        return;
    }
    if (dom_is(n, "semantics")) {
        math_lin(b, math_child(n, 0), depth + 1);
        return;
    }
    for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
        math_lin(b, k, depth + 1);
        if (dom_is(k, "mtr") && k->next != NULL)
            mb_str(b, ";");
    }
}

/* A <math> as a code span: its TeX source when it carries one, else its
 * MathML written out on one line. */
static int emit_math(conv *c, xmlNodePtr math)
{
    const char *tex = math_tex(math);
    mbuf lin;

    if (tex != NULL)
        return emit_code_span(c, tex, NULL);
    lin.n = 0;
    lin.s[0] = '\0';
    lin.budget = 4096;
    math_lin(&lin, math, 0);
    return lin.n > 0 ? emit_code_span(c, lin.s, NULL) : FOLIO_OK;
}

/* The <math> inside a KaTeX or MathJax wrapper, if any. *//* The <math> inside a KaTeX or MathJax wrapper, if any. */
static xmlNodePtr find_math(xmlNodePtr el)
{
    xmlNodePtr n = el->children;
    int budget = 512;

    while (n != NULL && budget-- > 0) {
        if (dom_is(n, "math"))
            return n;
        n = dom_next(n, el, 0);
    }
    return NULL;
}

static int is_math_wrapper(xmlNodePtr el)
{
    const char *cls = dom_attr(el, "class");

    if (el->name != NULL && strcmp((const char *)el->name,
                                   "mjx-container") == 0)
        return 1;
    if (cls == NULL)
        return 0;
    return (dom_is(el, "span") || dom_is(el, "div"))
           && (strncmp(cls, "katex", 5) == 0
               || contains_ci(cls, " katex"));
}

/* ------------------------------------------------------------------ */
/* Footnote references                                                */
/* ------------------------------------------------------------------ */

static int emit_fnref(conv *c, const fnitem *it)
{
    folio_node *ref;
    int rc;

    if ((rc = begin_content(c)) <= 0)
        return rc;
    if ((rc = add(c, c->h.inl, FOLIO_NODE_FOOTNOTE_REF, &ref)) < 0)
        return rc;
    c->h.visible = true;
    return folio_node_set_label(ref, it->label);
}

/* The footnote a <sup> refers to: it holds (shallowly) one link to a
 * collected footnote. */
static const fnitem *sup_fnref(conv *c, xmlNodePtr sup)
{
    xmlNodePtr k, g;

    for (k = sup->children; k != NULL; k = k->next) {
        if (dom_is(k, "a"))
            return fn_target(&c->fn, k);
        if (k->type == XML_ELEMENT_NODE)
            for (g = k->children; g != NULL; g = g->next)
                if (dom_is(g, "a"))
                    return fn_target(&c->fn, g);
    }
    return NULL;
}

/* A bare <a> that is a note reference. */
static const fnitem *a_fnref(conv *c, xmlNodePtr a)
{
    const fnitem *it = fn_target(&c->fn, a);
    const char *cls, *role;
    xmlNodePtr k;
    size_t textlen = 0;

    if (it == NULL)
        return NULL;
    role = dom_attr(a, "role");
    cls = dom_attr(a, "class");
    if (eq_ci(role, "doc-noteref") || contains_ci(cls, "footnote")
        || contains_ci(cls, "fnref") || contains_ci(cls, "noteref"))
        return it;
    for (k = a->children; k != NULL; k = k->next) {
        if (dom_is(k, "sup"))
            return it;
        if (k->type == XML_TEXT_NODE && k->content != NULL)
            textlen += strlen((const char *)k->content);
    }
    return textlen > 0 && textlen <= 4 ? it : NULL;
}

static int is_backlink(conv *c, xmlNodePtr el)
{
    const char *cls = dom_attr(el, "class"), *href;

    if (c->fndef == 0)
        return 0;
    if (eq_ci(dom_attr(el, "role"), "doc-backlink")
        || contains_ci(cls, "backref")
        || contains_ci(cls, "backlink") || contains_ci(cls, "footnote-back")
        || contains_ci(cls, "reversefootnote"))
        return 1;
    if (!dom_is(el, "a"))
        return 0;
    href = dom_attr(el, "href");
    return href != NULL && href[0] == '#' && fn_target(&c->fn, el) == NULL;
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

/* True for a table that holds data rather than page layout: at least two
 * columns, and two rows or a header, no nested tables or big blocks. */
static int table_is_data(xmlNodePtr t)
{
    const char *role = dom_attr(t, "role");
    xmlNodePtr n;
    size_t rows = 0, maxcols = 0, th = 0;

    if (eq_ci(role, "presentation") || eq_ci(role, "none"))
        return 0;
    n = t->children;
    while (n != NULL) {
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE) {
            tag g = tag_of(n);
            switch (g) {
            case T_TABLE: case T_BLOCKQUOTE: case T_PRE: case T_FIGURE:
            case T_HR: case T_IFRAME: case T_VIDEO: case T_H1: case T_H2:
            case T_H3: case T_H4: case T_H5: case T_H6:
                return 0;
            case T_TR: {
                xmlNodePtr k;
                size_t cols = 0;
                rows++;
                for (k = n->children; k != NULL; k = k->next)
                    if (dom_is(k, "td") || dom_is(k, "th"))
                        cols++;
                if (cols > maxcols)
                    maxcols = cols;
                break;
            }
            case T_TH:
                th++;
                break;
            default:
                break;
            }
        } else {
            skip = 1;
        }
        n = dom_next(n, t, skip);
    }
    if (rows == 0 || maxcols < 2)
        return 0;
    return rows >= 2 || th > 0;
}

static folio_align cell_align(xmlNodePtr cell)
{
    const char *a = dom_attr(cell, "align"), *style;

    if (a == NULL && dom_is(cell->parent, "tr"))
        a = dom_attr(cell->parent, "align");
    style = dom_attr(cell, "style");
    if (style != NULL) {
        const char *p = style;
        while ((p = strstr(p, "text-align")) != NULL) {
            p += 10;
            while (is_ws((unsigned char)*p))
                p++;
            if (*p != ':')
                continue;
            p++;
            while (is_ws((unsigned char)*p))
                p++;
            a = p;
            break;
        }
    }
    if (a == NULL)
        return FOLIO_ALIGN_NONE;
    if (strncmp(a, "left", 4) == 0 || strncmp(a, "start", 5) == 0
        || strncmp(a, "LEFT", 4) == 0)
        return FOLIO_ALIGN_LEFT;
    if (strncmp(a, "center", 6) == 0 || strncmp(a, "CENTER", 6) == 0
        || strncmp(a, "middle", 6) == 0)
        return FOLIO_ALIGN_CENTER;
    if (strncmp(a, "right", 5) == 0 || strncmp(a, "end", 3) == 0
        || strncmp(a, "RIGHT", 5) == 0)
        return FOLIO_ALIGN_RIGHT;
    return FOLIO_ALIGN_NONE;
}

static int row_all_th(xmlNodePtr tr)
{
    xmlNodePtr k;
    int any = 0;

    for (k = tr->children; k != NULL; k = k->next) {
        if (dom_is(k, "td"))
            return 0;
        if (dom_is(k, "th"))
            any = 1;
    }
    return any;
}

/* ------------------------------------------------------------------ */
/* Figures                                                            */
/* ------------------------------------------------------------------ */

static int holds_media(xmlNodePtr el)
{
    xmlNodePtr n = el->children;
    int budget = CREDIT_SCAN_MAX;

    while (n != NULL && budget-- > 0) {
        if (dom_is(n, "img") || dom_is(n, "picture") || dom_is(n, "video")
            || dom_is(n, "iframe") || dom_is(n, "figure"))
            return 1;
        n = dom_next(n, el, 0);
    }
    return budget <= 0;
}

static int credit_hint(const char *s)
{
    return contains_ci(s, "credit") || contains_ci(s, "copyright")
           || contains_ci(s, "author") || contains_ci(s, "source")
           || contains_ci(s, "byline");
}

/* True when the text of `el` opens like a credit line ("Photo: ...",
 * "© ...", "Courtesy of ..."). Reads at most the first 48 bytes. */
static int credit_words(xmlNodePtr el)
{
    static const char *const marks[] = {
        "\xC2\xA9", "(c) ", "photo", "image:", "image by", "credit",
        "courtesy", "illustration", "picture:", "source:", "foto", "bild:",
        "copyright", NULL
    };
    char text[49];
    size_t len = 0, k;
    xmlNodePtr n = el->children;
    int budget = 64;

    while (n != NULL && len < sizeof text - 1 && budget-- > 0) {
        if (n->type == XML_TEXT_NODE && n->content != NULL) {
            const char *p = (const char *)n->content;
            while (*p != '\0' && len < sizeof text - 1) {
                if (len == 0 && is_ws((unsigned char)*p)) {
                    p++;
                    continue;
                }
                text[len++] = (char)lower((unsigned char)*p++);
            }
        }
        n = dom_next(n, el, 0);
    }
    text[len] = '\0';
    for (k = 0; marks[k] != NULL; k++)
        if (strncmp(text, marks[k], strlen(marks[k])) == 0)
            return 1;
    return 0;
}

/* True for an element of a figure or caption that names who made the
 * picture. */
static int is_credit(xmlNodePtr el, tag t)
{
    switch (t) {
    case T_IMG: case T_A: case T_FIGURE: case T_FIGCAPTION: case T_IFRAME:
    case T_VIDEO: case T_AUDIO: case T_OBJECT: case T_EMBED: case T_SKIP:
    case T_SCRIPT: case T_TABLE: case T_UL: case T_OL: case T_BR:
        return 0;
    default:
        break;
    }
    if (credit_hint(dom_attr(el, "class"))
        || credit_hint(dom_attr(el, "itemprop")))
        return !holds_media(el);
    if (!is_last_content(el)
        || !(dom_is(el->parent, "figure") || dom_is(el->parent, "figcaption")))
        return 0;
    if (t == T_SMALL || t == T_CITE)
        return !holds_media(el);
    /* The last piece of a caption, set apart and worded as a credit. */
    if (t == T_EM || t == T_I || t == T_SPAN || t == T_B || t == T_STRONG
        || t == T_P || t == T_BLOCK)
        return credit_words(el) && !holds_media(el);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */
/* ------------------------------------------------------------------ */

static int push_inline(conv *c, folio_node_type t)
{
    frame *f = top(c);

    if (grow((void **)&c->ist, &c->icap, c->ni + 1, sizeof *c->ist) < 0)
        return FOLIO_ENOMEM;
    f->kind = K_INLINE;
    f->itype = t;
    c->ist[c->ni++] = c->n - 1;
    return FOLIO_OK;
}

/* Turns the top frame into a fixed holder of `node`. */
static void start_holder(conv *c, folio_node *node, unsigned char k)
{
    frame *f = top(c);

    f->kind = k;
    f->node = node;
    c->fixed = (int)(c->n - 1);
    open_holder(c, node);
}

/* Turns the top frame into a block container scope. */
static int start_container(conv *c, folio_node_type t, unsigned char k,
                           folio_node **out)
{
    folio_node *bp, *node;
    frame *f;
    int rc;

    *out = NULL;
    close_holder(c);
    if ((rc = block_parent(c, &bp)) < 0)
        return rc;
    if (bp == NULL)
        return FOLIO_OK;
    if ((rc = add(c, bp, t, &node)) < 0)
        return rc;
    f = top(c);
    f->kind = k;
    f->node = node;
    c->scope = (int)(c->n - 1);
    c->depth++;
    *out = node;
    return FOLIO_OK;
}

static frame *figure_scope(conv *c)
{
    frame *f = &c->st[c->scope];

    return f->kind == K_CONTAINER && f->node->type == FOLIO_NODE_FIGURE
           ? f : NULL;
}

static int figure_tail(conv *c, frame *fig, folio_node **out)
{
    if (fig->tail == NULL && (fig->tail = new_node(c, FOLIO_NODE_FIGURE))
                             == NULL)
        return FOLIO_ENOMEM;
    *out = fig->tail;
    return FOLIO_OK;
}

static int enter_heading(conv *c, int level)
{
    folio_node *bp, *h;
    int rc;

    if (c->fixed >= 0) {
        soft_break(c);
        top(c)->kind = K_BREAK;
        return FOLIO_OK;
    }
    close_holder(c);
    if ((rc = block_parent(c, &bp)) < 0)
        return rc;
    if (bp == NULL)
        return FOLIO_OK;
    if ((rc = add(c, bp, FOLIO_NODE_HEADING, &h)) < 0)
        return rc;
    if ((rc = folio_node_set_heading_level(h, level)) < 0)
        return rc;
    start_holder(c, h, K_HOLDER);
    return FOLIO_OK;
}

static int enter_pre(conv *c, xmlNodePtr el)
{
    char lang[MAX_LANG + 2];
    folio_node *bp, *cb;
    size_t len;
    int rc;

    if (c->fixed >= 0) {
        if ((rc = gather(c, el)) < 0)
            return rc;
        return emit_code_span(c, c->gbuf, NULL);
    }
    close_holder(c);
    if ((rc = gather(c, el)) < 0 || (rc = clean_code(c, &len)) < 0)
        return rc;
    if (len == 0)
        return FOLIO_OK;
    if ((rc = block_parent(c, &bp)) < 0 || bp == NULL)
        return rc;
    code_language(el, lang, sizeof lang);
    if ((rc = add(c, bp, FOLIO_NODE_CODE_BLOCK, &cb)) < 0
        || (rc = folio_node_set_literal(cb, c->buf, len)) < 0)
        return rc;
    if (lang[0] != '\0')
        return folio_node_set_code_language(cb, lang);
    return FOLIO_OK;
}

static int enter_link(conv *c, xmlNodePtr el)
{
    const char *href = dom_attr(el, "href");
    char *url, *title = NULL;
    bool dropped;
    int rc;

    if (href == NULL)
        return FOLIO_OK;
    while (is_ws((unsigned char)*href))
        href++;
    if (*href == '\0' || strcmp(href, "#") == 0)
        return FOLIO_OK;
    url = folio__url_resolve(c->base, href, &dropped);
    if (url == NULL)
        return dropped ? FOLIO_OK : FOLIO_ENOMEM;
    if ((rc = norm_copy(c, dom_attr(el, "title"), &title)) < 0
        || (rc = push_inline(c, FOLIO_NODE_LINK)) < 0) {
        free(url);
        free(title);
        return rc;
    }
    top(c)->url = url;
    top(c)->title = title;
    return FOLIO_OK;
}

static int enter_table(conv *c, xmlNodePtr el, tag t, bool *descend)
{
    frame *f = top(c), *s = &c->st[c->scope];
    folio_node *bp, *node;
    int rc;

    if (c->fixed >= 0) {
        soft_break(c);
        f->kind = K_BREAK;
        return FOLIO_OK;
    }
    switch (t) {
    case T_TABLE:
        close_holder(c);
        if (!table_is_data(el) || c->depth >= MAX_BLOCK_DEPTH) {
            f->kind = K_BREAK;
            return FOLIO_OK;
        }
        f->kind = K_TABLE;
        c->scope = (int)(c->n - 1);
        return FOLIO_OK;
    case T_THEAD: case T_TBODY: case T_TFOOT:
        if (s->kind != K_TABLE) {
            f->kind = K_BREAK;
            close_holder(c);
            return FOLIO_OK;
        }
        f->kind = K_TSECT;
        f->header = t == T_THEAD;
        c->scope = (int)(c->n - 1);
        return FOLIO_OK;
    case T_TR: {
        frame *tbl = s;
        bool header = false;
        if (s->kind == K_TSECT) {
            header = s->header;
            tbl = &c->st[s->prev_scope];
        }
        if (tbl->kind != K_TABLE) {
            f->kind = K_BREAK;
            close_holder(c);
            return FOLIO_OK;
        }
        if (tbl->node == NULL) {
            /* The TABLE node appears with its first row, so that a
             * <caption> before it lands before it. */
            int save = c->scope;
            c->scope = tbl->prev_scope;
            rc = block_parent(c, &bp);
            c->scope = save;
            if (rc < 0)
                return rc;
            if (bp == NULL) {
                *descend = false;
                return FOLIO_OK;
            }
            f = top(c);
            tbl = s->kind == K_TSECT ? &c->st[s->prev_scope] : s;
            if ((rc = add(c, bp, FOLIO_NODE_TABLE, &node)) < 0)
                return rc;
            tbl->node = node;
        }
        if ((rc = add(c, tbl->node, FOLIO_NODE_TABLE_ROW, &node)) < 0)
            return rc;
        if ((header || row_all_th(el))
            && (rc = folio_node_set_header(node, true)) < 0)
            return rc;
        f = top(c);
        f->kind = K_ROW;
        f->node = node;
        f->header = header;
        c->scope = (int)(c->n - 1);
        return FOLIO_OK;
    }
    case T_TD: case T_TH: {
        folio_node *cell;
        if (s->kind != K_ROW) {
            f->kind = K_BREAK;
            close_holder(c);
            return FOLIO_OK;
        }
        if ((rc = add(c, s->node, FOLIO_NODE_TABLE_CELL, &cell)) < 0)
            return rc;
        rc = folio_node_set_cell(cell, cell_align(el),
                                 (int)parse_int(dom_attr(el, "colspan"), 1, 1,
                                                MAX_SPAN),
                                 (int)parse_int(dom_attr(el, "rowspan"), 1, 1,
                                                MAX_SPAN));
        if (rc < 0)
            return rc;
        if ((t == T_TH || s->header)
            && (rc = folio_node_set_header(cell, true)) < 0)
            return rc;
        start_holder(c, cell, K_HOLDER);
        return FOLIO_OK;
    }
    case T_CAPTION: {
        /* A table caption becomes a paragraph before the table. */
        folio_node *p;
        if (s->kind != K_TABLE || s->node != NULL) {
            f->kind = K_BREAK;
            close_holder(c);
            return FOLIO_OK;
        }
        {
            int save = c->scope;
            c->scope = s->prev_scope;
            rc = block_parent(c, &bp);
            c->scope = save;
        }
        if (rc < 0)
            return rc;
        if (bp == NULL) {
            *descend = false;
            return FOLIO_OK;
        }
        if ((rc = add(c, bp, FOLIO_NODE_PARAGRAPH, &p)) < 0)
            return rc;
        start_holder(c, p, K_HOLDER);
        return FOLIO_OK;
    }
    default:
        return FOLIO_OK;
    }
}

/* Configures the (already pushed, K_NONE) top frame for element `el`.
 * Sets *descend to false to skip its children. */
static int enter(conv *c, xmlNodePtr el, bool *descend)
{
    tag t = tag_of(el);
    frame *s;
    const fnitem *it;
    folio_node *node;
    int rc;

    *descend = true;

    /* Hidden by the page itself. */
    if (dom_attr(el, "hidden") != NULL) {
        *descend = false;
        return FOLIO_OK;
    }
    if (is_backlink(c, el)) {
        *descend = false;
        return FOLIO_OK;
    }
    /* A footnote body: a FOOTNOTE_DEF at the document level. */
    if (c->fn.n > 0 && (it = fn_by_el(&c->fn, el)) != NULL && c->fixed < 0) {
        frame *f;
        close_holder(c);
        if ((rc = add(c, c->st[0].node, FOLIO_NODE_FOOTNOTE_DEF, &node)) < 0
            || (rc = folio_node_set_label(node, it->label)) < 0)
            return rc;
        f = top(c);
        f->kind = K_CONTAINER;
        f->node = node;
        c->scope = (int)(c->n - 1);
        c->depth = 1;
        c->fndef++;
        return FOLIO_OK;
    }
    /* Credits inside a figure or its caption. */
    if (t != T_OTHER || el->properties != NULL) {
        frame *fig = figure_scope(c);
        bool in_caption = c->fixed >= 0
                          && c->st[c->fixed].kind == K_HOLDER
                          && c->st[c->fixed].node->type
                             == FOLIO_NODE_CAPTION;
        if (fig != NULL && (c->fixed < 0 || in_caption) && is_credit(el, t)) {
            frame *f;
            folio_node *credit, *tail;
            if ((rc = figure_tail(c, fig, &tail)) < 0
                || (rc = add(c, tail, FOLIO_NODE_CREDIT, &credit)) < 0)
                return rc;
            f = top(c);
            if (in_caption) {
                f->aux = c->h.holder;
                f->saved_content = c->h.has_content;
                f->saved_visible = c->h.visible;
            } else {
                close_holder(c);
            }
            start_holder(c, credit, K_CREDIT);
            return FOLIO_OK;
        }
    }
    if (is_math_wrapper(el)) {
        xmlNodePtr m = find_math(el);
        const char *tex = m != NULL ? math_tex(m) : NULL;
        if (tex != NULL) {
            *descend = false;
            return emit_code_span(c, tex, NULL);
        }
        if (m != NULL) {
            /* The wrapper's own glyphs are CSS art: its MathML speaks. */
            *descend = false;
            return emit_math(c, m);
        }
    }

    s = &c->st[c->scope];
    switch (t) {
    case T_SKIP:
        *descend = false;
        return FOLIO_OK;
    case T_SCRIPT: {
        /* MathJax 2 keeps TeX in <script type="math/tex">. */
        const char *type = dom_attr(el, "type");
        *descend = false;
        if (type != NULL && strncmp(type, "math/tex", 8) == 0
            && el->children != NULL && el->children->content != NULL)
            return emit_code_span(c, (const char *)el->children->content,
                                  NULL);
        return FOLIO_OK;
    }
    case T_MATH:
        *descend = false;
        return emit_math(c, el);
    case T_BLOCK:
    case T_P:
        top(c)->kind = K_BREAK;
        para_break(c);
        return FOLIO_OK;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
        return enter_heading(c, (int)(t - T_H1) + 1);
    case T_BR:
        *descend = false;
        return emit_linebreak(c);
    case T_HR:
        *descend = false;
        if (c->fixed >= 0) {
            soft_break(c);
            return FOLIO_OK;
        }
        close_holder(c);
        if ((rc = block_parent(c, &node)) < 0 || node == NULL)
            return rc;
        return add(c, node, FOLIO_NODE_THEMATIC_BREAK, &node);
    case T_PRE:
        *descend = false;
        return enter_pre(c, el);
    case T_CODE: case T_KBD: case T_SAMP: case T_TT:
        *descend = false;
        return emit_code_el(c, el);
    case T_IMG:
        *descend = false;
        return emit_image(c, el);
    case T_EMBED:
        /* libxml2 2.9 makes the void <embed> hold what follows it. */
        return emit_media(c, el);
    case T_IFRAME: case T_VIDEO: case T_AUDIO: case T_OBJECT:
        /* Their children are fallback content. */
        *descend = false;
        return emit_media(c, el);
    case T_EM: case T_I: case T_CITE: case T_DFN: case T_VAR:
        return push_inline(c, FOLIO_NODE_EMPH);
    case T_STRONG: case T_B:
        return push_inline(c, FOLIO_NODE_STRONG);
    case T_S: case T_DEL: case T_STRIKE:
        return push_inline(c, FOLIO_NODE_STRIKE);
    case T_SUB:
        return push_inline(c, FOLIO_NODE_SUBSCRIPT);
    case T_SUP:
        if ((it = sup_fnref(c, el)) != NULL) {
            *descend = false;
            return emit_fnref(c, it);
        }
        return push_inline(c, FOLIO_NODE_SUPERSCRIPT);
    case T_A:
        if ((it = a_fnref(c, el)) != NULL) {
            *descend = false;
            return emit_fnref(c, it);
        }
        return enter_link(c, el);
    case T_BLOCKQUOTE: case T_ASIDE: case T_FIGURE:
        if (c->fixed >= 0 || c->depth >= MAX_BLOCK_DEPTH) {
            top(c)->kind = K_BREAK;
            para_break(c);
            return FOLIO_OK;
        }
        rc = start_container(c, t == T_BLOCKQUOTE ? FOLIO_NODE_BLOCKQUOTE
                                : t == T_ASIDE ? FOLIO_NODE_ASIDE
                                : FOLIO_NODE_FIGURE, K_CONTAINER, &node);
        if (rc < 0)
            return rc;
        if (node == NULL) {
            top(c)->kind = K_BREAK;
            return FOLIO_OK;
        }
        if (t == T_BLOCKQUOTE && dom_attr(el, "cite") != NULL) {
            bool dropped;
            char *u = folio__url_resolve(c->base, dom_attr(el, "cite"),
                                         &dropped);
            if (u == NULL && !dropped)
                return FOLIO_ENOMEM;
            if (u != NULL && *u != '\0')
                rc = folio_node_set_url(node, u);
            free(u);
        }
        return rc;
    case T_UL: case T_OL: case T_DL:
        if (c->fixed >= 0 || c->depth >= MAX_BLOCK_DEPTH) {
            top(c)->kind = K_BREAK;
            para_break(c);
            return FOLIO_OK;
        }
        rc = start_container(c, t == T_DL ? FOLIO_NODE_DEF_LIST
                                          : FOLIO_NODE_LIST,
                             t == T_DL ? K_DL : K_LIST, &node);
        if (rc < 0)
            return rc;
        if (node == NULL) {
            top(c)->kind = K_BREAK;
            return FOLIO_OK;
        }
        if (t != T_DL)
            rc = folio_node_set_list(node, t == T_OL,
                                     t == T_OL
                                     ? (int)parse_int(dom_attr(el, "start"), 1,
                                                      -1000000000L,
                                                      1000000000L)
                                     : 1, true);
        return rc;
    case T_LI: case T_DD:
        if (c->fixed < 0 && ((t == T_LI && s->kind == K_LIST)
                             || (t == T_DD && s->kind == K_DL))) {
            frame *f;
            close_holder(c);
            if ((rc = add(c, s->node, t == T_LI ? FOLIO_NODE_LIST_ITEM
                                                : FOLIO_NODE_DEF_DESC,
                          &node)) < 0)
                return rc;
            s->aux = node;
            f = top(c);
            f->kind = K_CONTAINER;
            f->node = node;
            c->scope = (int)(c->n - 1);
            c->depth++;
            return FOLIO_OK;
        }
        top(c)->kind = K_BREAK;
        para_break(c);
        return FOLIO_OK;
    case T_DT:
        if (c->fixed < 0 && s->kind == K_DL) {
            close_holder(c);
            if ((rc = add(c, s->node, FOLIO_NODE_DEF_TERM, &node)) < 0)
                return rc;
            /* Stray content after a term must not join the previous
             * description. */
            s->aux = NULL;
            start_holder(c, node, K_HOLDER);
            return FOLIO_OK;
        }
        top(c)->kind = K_BREAK;
        para_break(c);
        return FOLIO_OK;
    case T_FIGCAPTION: {
        frame *fig = figure_scope(c);
        if (c->fixed < 0 && fig != NULL) {
            bool credit = credit_hint(dom_attr(el, "class"));
            folio_node *tail;
            close_holder(c);
            if ((rc = figure_tail(c, fig, &tail)) < 0
                || (rc = add(c, tail, credit ? FOLIO_NODE_CREDIT
                                             : FOLIO_NODE_CAPTION,
                             &node)) < 0)
                return rc;
            start_holder(c, node, credit ? K_CREDIT : K_HOLDER);
            return FOLIO_OK;
        }
        top(c)->kind = K_BREAK;
        para_break(c);
        return FOLIO_OK;
    }
    case T_TABLE: case T_THEAD: case T_TBODY: case T_TFOOT: case T_TR:
    case T_TD: case T_TH: case T_CAPTION:
        return enter_table(c, el, t, descend);
    default:
        /* span, font, small, u, abbr, time, picture, custom elements. */
        return FOLIO_OK;
    }
}

static bool has_children(const folio_node *n)
{
    return n->first != NULL;
}

/* LIST: tight unless an item holds more than one paragraph or anything
 * but paragraphs and nested lists. */
static int finish_list(folio_node *list)
{
    folio_node *item, *ch;
    bool tight = true;

    for (item = list->first; item != NULL && tight; item = item->next) {
        int paras = 0;
        for (ch = item->first; ch != NULL; ch = ch->next) {
            if (ch->type == FOLIO_NODE_PARAGRAPH)
                paras++;
            else if (ch->type != FOLIO_NODE_LIST)
                tight = false;
        }
        if (paras > 1)
            tight = false;
    }
    return folio_node_set_list(list, list->ordered, list->start, tight);
}

static int leave(conv *c)
{
    frame *f = top(c);
    int rc = FOLIO_OK;

    switch (f->kind) {
    case K_BREAK:
        para_break(c);
        break;
    case K_INLINE:
        if (f->gen == c->h.gen && c->h.holder != NULL && f->node != NULL) {
            c->h.inl = f->aux;
            c->h.idepth--;
            if (f->itype == FOLIO_NODE_LINK)
                c->h.links--;
        }
        c->ni--;
        if (c->h.iresolved > c->ni)
            c->h.iresolved = c->ni;
        break;
    case K_HOLDER:
        close_holder(c);
        break;
    case K_CREDIT:
        close_holder(c);
        if (f->aux != NULL) {
            /* Back to the caption the credit interrupted; its open
             * inline elements are re-created after the credit. */
            open_holder(c, f->aux);
            c->h.has_content = f->saved_content;
            c->h.visible = f->saved_visible;
            c->h.pending_space = f->saved_content;
        }
        break;
    case K_CONTAINER:
    case K_LIST:
    case K_DL:
        close_holder(c);
        while (f->tail != NULL && f->tail->first != NULL) {
            folio_node *k = f->tail->first;
            folio_node_unlink(k);
            if ((rc = folio_node_append_child(f->node, k)) < 0)
                break;
        }
        if (f->node != NULL && !has_children(f->node))
            folio_node_unlink(f->node);
        else if (f->kind == K_LIST)
            rc = finish_list(f->node);
        break;
    case K_TABLE:
        close_holder(c);
        if (f->node != NULL && !has_children(f->node))
            folio_node_unlink(f->node);
        break;
    case K_ROW:
        if (!has_children(f->node))
            folio_node_unlink(f->node);
        break;
    default:
        break;
    }
    free(f->url);
    free(f->title);
    c->scope = f->prev_scope;
    c->fixed = f->prev_fixed;
    c->depth = f->prev_depth;
    c->fndef = f->prev_fndef;
    c->n--;
    return rc;
}

static int walk(conv *c, xmlNodePtr root)
{
    xmlNodePtr n = root;
    int rc = FOLIO_OK;

    for (;;) {
        bool descend = false;
        if (n->type == XML_ELEMENT_NODE) {
            if ((rc = push(c)) < 0 || (rc = enter(c, n, &descend)) < 0)
                return rc;
            if (descend && n->children != NULL) {
                n = n->children;
                continue;
            }
            if ((rc = leave(c)) < 0)
                return rc;
        } else if (n->type == XML_TEXT_NODE
                   || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL
                && (rc = emit_text(c, (const char *)n->content,
                                   strlen((const char *)n->content))) < 0)
                return rc;
        }
        while (n != root && n->next == NULL) {
            n = n->parent;
            if ((rc = leave(c)) < 0)
                return rc;
        }
        if (n == root)
            break;
        n = n->next;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Word count                                                         */
/* ------------------------------------------------------------------ */

/* Scripts written without spaces: each character is a word. */
static int is_cjk(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
           || (cp >= 0x20000 && cp <= 0x2FFFF)
           || (cp >= 0xF900 && cp <= 0xFAFF)
           || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF)
           || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF)
           || (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x0E00 && cp <= 0x0E7F);
}

static size_t count_words(const folio_doc *doc)
{
    folio_iter it;
    folio_event ev;
    size_t words = 0;
    bool in_word = false;

    folio_iter_init(&it, folio_doc_root(doc));
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = folio_iter_node(&it);
        folio_node_type t = folio_node_type_of(n);
        const unsigned char *s;
        size_t len, i = 0;

        if (t != FOLIO_NODE_TEXT && t != FOLIO_NODE_CODE) {
            if (t == FOLIO_NODE_LINEBREAK || folio_node_type_is_block(t))
                in_word = false;
            continue;
        }
        s = (const unsigned char *)folio_node_literal(n);
        len = strlen((const char *)s);
        while (i < len) {
            int32_t cp;
            utf8proc_category_t cat;
            i += utf8_next(s + i, len - i, &cp);
            if (is_cjk(cp)) {
                words++;
                in_word = false;
                continue;
            }
            cat = utf8proc_category(cp);
            if (cp < 0x80 ? is_ws(cp) : (cat == UTF8PROC_CATEGORY_ZS
                                         || cat == UTF8PROC_CATEGORY_ZL
                                         || cat == UTF8PROC_CATEGORY_ZP)) {
                in_word = false;
                continue;
            }
            if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
                || (cat >= UTF8PROC_CATEGORY_ND
                    && cat <= UTF8PROC_CATEGORY_NO)) {
                if (!in_word)
                    words++;
                in_word = true;
            }
        }
    }
    return words;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

int folio__dom_to_doc(folio_doc *doc, xmlNodePtr root, const char *base_url,
                      folio_job *job)
{
    conv c;
    size_t words;
    int rc;

    if (doc == NULL || root == NULL)
        return FOLIO_EINVALID;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.job = job;
    c.base = base_url;
    c.fixed = -1;
    if ((rc = fn_build(&c.fn, root)) < 0)
        goto done;
    if ((rc = push(&c)) < 0)
        goto done;
    c.st[0].kind = K_ROOT;
    c.st[0].node = folio_doc_root_mut(doc);
    c.st[0].prev_fixed = -1;
    c.scope = 0;
    c.h.gen = ++c.gen_counter;
    rc = walk(&c, root);
    if (rc == FOLIO_OK)
        close_holder(&c);
    if (rc == FOLIO_OK)
        rc = flush_text(&c);
    if (rc == FOLIO_OK) {
        words = count_words(doc);
        folio_doc_set_counts(doc, words,
                             words == 0 ? 0
                             : (unsigned)((words + WORDS_PER_MINUTE - 1)
                                          / WORDS_PER_MINUTE));
    }
done:
    while (c.n > 0) {
        free(c.st[c.n - 1].url);
        free(c.st[c.n - 1].title);
        c.n--;
    }
    free(c.st);
    free(c.ist);
    free(c.buf);
    free(c.gbuf);
    free(c.tbuf);
    fn_free(&c.fn);
    if (rc == FOLIO_ENOMEM)
        folio__job_error(job, rc, "out of memory converting the page");
    return rc;
}
