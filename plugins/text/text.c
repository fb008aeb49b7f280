/* SPDX-License-Identifier: MIT */
/*
 * text: writes a folio document as plain UTF-8 text (docs: FORMATS.md
 * §3.3, docs/cli.md). LF line ends, one trailing newline, no escaping.
 *
 * Layout:
 *  - The title (unless -O title=false) first, underlined with '=' as wide
 *    as its longest line. A first heading with the same text is not
 *    repeated.
 *  - Headings: on their own lines, marked with one '#' per level and a
 *    space ("## Section"); wrapped lines are indented to the text.
 *  - One blank line between blocks; none between the items of a tight
 *    list, between a figure's caption and credit, or a term and its
 *    description.
 *  - Lists: "- " or "1. " markers; continuation lines and nested blocks
 *    are indented to the item's text (two spaces under "- ").
 *  - Quotes and asides: every line prefixed "> " (">" on blank lines).
 *  - Code blocks: verbatim, indented four spaces. Only with -O width, a
 *    line too wide breaks at spaces and continues at its own indentation
 *    (the width is a promise to the reader's terminal or mail client).
 *  - Thematic breaks: "* * *".
 *  - Tables: columns aligned by display width, two spaces apart, the
 *    header row underlined with '-'; right and centred cells keep their
 *    alignment. Spans are flattened (content in the first cell). When
 *    -O width is set and the table does not fit, each body row becomes
 *    a list item with one "Header: value" line per cell.
 *  - Figures: their blocks (an image is "[image: alt]", nothing when alt
 *    is empty), then the caption and the credit on lines of their own.
 *  - Definition lists: the term, then its description indented four.
 *  - Links: -O links=references (default) prints "text[1]" and lists
 *    "[1] URL" at the end, one number per distinct URL; inline prints
 *    "text (URL)"; none prints the text. A link whose text is its URL
 *    prints the URL once, without a reference; one without text (around
 *    an image without alt text) prints nothing.
 *  - Footnotes: numbered with the links ("text[2]"); the definition is
 *    listed at the end under its number like a link's URL. Definitions
 *    never referenced follow, in document order.
 *  - Emphasis, strong, strike, code spans, super- and subscripts: their
 *    text. Unknown node types (a newer host): their children.
 *
 * Characters: soft hyphens (U+00AD) and zero-width characters (U+200B..
 * U+200D, U+2060, U+FEFF) are removed everywhere; NBSP becomes a space;
 * other control characters in prose become spaces. Right-to-left text is
 * kept in logical order (a terminal or editor does the reordering).
 *
 * Wrapping (-O width=N, 0 = none): paragraphs, headings, list items,
 * quotes, captions and footnotes are filled greedily to N display columns
 * as utf8proc_charwidth() counts them (East Asian wide and fullwidth
 * characters two, combining marks zero), prefixes included. Lines break
 * at spaces, and between CJK characters except before closing and after
 * opening punctuation (a small kinsoku set). A word or URL is never
 * split: one wider than the line stands alone on its line.
 *
 * Limits: containers nested deeper than MAX_FRAMES are flattened (with a
 * warning), which bounds the prefix of every line; table columns past
 * MAX_COLUMNS are joined into the last. Every pass is linear: references
 * and footnote labels are found through hash tables.
 *
 * Memory and threads: scratch buffers use malloc and are freed before
 * returning; the output is built whole and handed to the sink once. No
 * global state: jobs may be written from several threads at once.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "folio/plugin.h"

#define MAX_FRAMES 64   /* nested containers; deeper ones are flattened */
#define MAX_COLUMNS 256 /* table columns; more are joined into the last */
#define MAX_WIDTH 100000

/* In collected text: a space that never breaks (inside URLs), and a mark
 * forbidding a break at its place (before "[1]"). The importer never
 * leaves control characters in text, and filter() turns any into
 * spaces, so these bytes cannot come from the document. */
#define GLUE '\x01'
#define NOBREAK '\x02'

enum links_mode { LINKS_REFERENCES, LINKS_INLINE, LINKS_NONE };

/* ------------------------------------------------------------------ */
/* Buffers                                                            */
/* ------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static int buf_grow(buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return FOLIO_ENOMEM;
    if (b->len + n + 1 <= b->cap)
        return FOLIO_OK;
    size_t cap = b->cap != 0 ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL)
        return FOLIO_ENOMEM;
    b->p = p;
    b->cap = cap;
    return FOLIO_OK;
}

static int buf_put(buf *b, const char *s, size_t n)
{
    if (buf_grow(b, n) < 0)
        return FOLIO_ENOMEM;
    if (n > 0)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return FOLIO_OK;
}

static int buf_puts(buf *b, const char *s)
{
    return buf_put(b, s, strlen(s));
}

static int buf_rep(buf *b, char c, size_t n)
{
    if (buf_grow(b, n) < 0)
        return FOLIO_ENOMEM;
    memset(b->p + b->len, c, n);
    b->len += n;
    b->p[b->len] = '\0';
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Characters                                                         */
/* ------------------------------------------------------------------ */

/* Decodes one code point at s[0..n); invalid bytes read as U+FFFD. */
static size_t decode(const char *s, size_t n, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)(n > 4 ? 4 : n),
                                          &c);
    if (k <= 0) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

static bool is_invisible(int32_t c)
{
    return c == 0xad || (c >= 0x200b && c <= 0x200d) || c == 0x2060 ||
           c == 0xfeff;
}

static int char_width(int32_t c)
{
    if (c == GLUE)
        return 1;
    if (c < 0x20)
        return 0;
    int w = utf8proc_charwidth(c);
    return w < 0 ? 0 : w;
}

/* Closing punctuation a line should not start with. */
static bool no_break_before(int32_t c)
{
    static const int32_t set[] = {
        '!', ')', ',', '.', ':', ';', '?', ']', '}', '%',
        0x2019, 0x201d, 0x2025, 0x2026, 0x3001, 0x3002, 0x3005, 0x3009,
        0x300b, 0x300d, 0x300f, 0x3011, 0x3015, 0x3017, 0x3019, 0x301b,
        0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
        0x3087, 0x308e, 0x309d, 0x309e, 0x30a1, 0x30a3, 0x30a5, 0x30a7,
        0x30a9, 0x30c3, 0x30e3, 0x30e5, 0x30e7, 0x30ee, 0x30f5, 0x30f6,
        0x30fb, 0x30fc, 0x30fd, 0x30fe, 0xff01, 0xff09, 0xff0c, 0xff0e,
        0xff1a, 0xff1b, 0xff1f, 0xff3d, 0xff5d, 0xff61, 0xff64,
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == c)
            return true;
    }
    return false;
}

/* Opening punctuation a line should not end with. */
static bool no_break_after(int32_t c)
{
    static const int32_t set[] = {
        '(', '[', '{', 0x2018, 0x201c, 0x3008, 0x300a, 0x300c, 0x300e,
        0x3010, 0x3014, 0x3016, 0x3018, 0x301a, 0xff08, 0xff3b, 0xff5b,
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == c)
            return true;
    }
    return false;
}

/* May a line break between `a` and `b` (no space between them)? Only
 * next to wide (CJK) characters, which are written without spaces. */
static bool cjk_break(int32_t a, int32_t b)
{
    if (char_width(b) == 0)
        return false; /* never before a combining mark */
    if (char_width(a) != 2 && char_width(b) != 2)
        return false;
    return !no_break_before(b) && !no_break_after(a);
}

enum { FILTER_PROSE, FILTER_CODE, FILTER_URL };

/* Appends `s` to `b` cleaned for the output: invisible characters go,
 * NBSP becomes a space; in prose every control character becomes a
 * space, in code tabs and newlines stay (CR goes), in URLs spaces are
 * GLUE so a URL is one unbreakable word. */
static int filter(buf *b, const char *s, int mode)
{
    size_t n = strlen(s);
    if (buf_grow(b, n) < 0)
        return FOLIO_ENOMEM;
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t k = decode(s + i, n - i, &c);
        const char *src = s + i;
        i += k;
        if (is_invisible(c))
            continue;
        if (c == 0xa0)
            c = ' ';
        if (c == '\r' && mode == FILTER_CODE)
            continue;
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            if (mode == FILTER_CODE && (c == '\n' || c == '\t')) {
                b->p[b->len++] = (char)c;
                continue;
            }
            c = ' ';
        }
        if (c == ' ' && mode == FILTER_URL)
            c = GLUE;
        if (c < 0x80) {
            b->p[b->len++] = (char)c;
        } else if (c == 0xfffd && k == 1) {
            /* an invalid byte: write a real U+FFFD (3 bytes, while the
             * byte took 1, so grow) */
            if (buf_put(b, "\xef\xbf\xbd", 3) < 0)
                return FOLIO_ENOMEM;
            if (buf_grow(b, n - i) < 0)
                return FOLIO_ENOMEM;
        } else {
            memcpy(b->p + b->len, src, k);
            b->len += k;
        }
    }
    b->p[b->len] = '\0';
    return FOLIO_OK;
}

/* Display width of `n` bytes of plain UTF-8. */
static size_t str_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        int32_t c;
        i += decode(s + i, n - i, &c);
        w += (size_t)char_width(c);
    }
    return w;
}

/* Collapses runs of spaces in s[0..n) to one, trims them and drops
 * NOBREAK marks, in place; returns the new length. */
static size_t squash(char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == NOBREAK || (s[i] == ' ' && (j == 0 || s[j - 1] == ' ')))
            continue;
        s[j++] = s[i];
    }
    while (j > 0 && s[j - 1] == ' ')
        j--;
    return j;
}

/* ------------------------------------------------------------------ */
/* Writer state                                                       */
/* ------------------------------------------------------------------ */

enum frame_kind { K_LIST, K_ITEM, K_QUOTE, K_INDENT, K_FIGURE };

/* A container whose lines carry a prefix. `first` is printed on the
 * container's first line, `cont` on the others. */
typedef struct frame {
    const folio_node *node; /* NULL for frames the writer makes itself */
    int kind;
    char first[32], cont[32];
    size_t first_w, cont_w;
    bool pending;           /* `first` not printed yet */
    bool tight;             /* K_LIST, K_ITEM: no blank lines inside */
    int number;             /* K_LIST: number of the next item */
    bool ordered;
    size_t items;           /* K_LIST: items entered */
    bool first_item;        /* K_ITEM: the list's first */
} frame;

typedef struct ref {
    const char *url;        /* a link target, or NULL for a footnote */
    size_t def;             /* footnote: index in defs */
} ref;

typedef struct fn_def {
    const folio_node *node;
    const char *label;
    unsigned number;        /* 0 until referenced */
} fn_def;

/* String -> index + 1, open addressing (0 = empty slot). */
typedef struct strmap {
    size_t *slots;
    size_t n_slots, count;
} strmap;

typedef struct tx {
    const folio_host *h;
    const folio_doc_api *d;
    folio_job *job;
    size_t width;           /* 0: no wrapping */
    int links;
    bool dry;               /* collect() without numbering references */

    buf out;                /* the whole output */
    buf para;               /* inline text being collected */
    buf line;               /* the line being filled */
    buf tmp;

    frame st[MAX_FRAMES];
    size_t n;
    bool warned_depth;

    bool blank;             /* a blank line is due before the next block */
    bool started;           /* something was written */
    size_t max_line_w;      /* widest content line since reset */

    ref *refs;
    size_t n_refs, cap_refs;
    strmap url_map;         /* url -> ref */
    fn_def *defs;
    size_t n_defs, cap_defs;
    strmap def_map;         /* label -> def */
} tx;

static int nomem(tx *w)
{
    return w->h->error(w->job, FOLIO_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* String map                                                         */
/* ------------------------------------------------------------------ */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

typedef const char *(*key_fn)(const tx *w, size_t i);

static const char *ref_key(const tx *w, size_t i)
{
    return w->refs[i].url;
}

static const char *def_key(const tx *w, size_t i)
{
    return w->defs[i].label;
}

/* Returns index + 1 of `key`, or 0. */
static size_t map_find(const tx *w, const strmap *m, key_fn key,
                       const char *s)
{
    if (m->n_slots == 0)
        return 0;
    for (size_t i = hash_str(s) & (m->n_slots - 1);;
         i = (i + 1) & (m->n_slots - 1)) {
        size_t v = m->slots[i];
        if (v == 0)
            return 0;
        if (strcmp(key(w, v - 1), s) == 0)
            return v;
    }
}

static int map_add(const tx *w, strmap *m, key_fn key, size_t index)
{
    if ((m->count + 1) * 2 > m->n_slots) {
        size_t n = m->n_slots != 0 ? m->n_slots * 2 : 64;
        size_t *s = calloc(n, sizeof *s);
        if (s == NULL)
            return FOLIO_ENOMEM;
        for (size_t i = 0; i < m->n_slots; i++) {
            size_t v = m->slots[i];
            if (v == 0)
                continue;
            size_t j = hash_str(key(w, v - 1)) & (n - 1);
            while (s[j] != 0)
                j = (j + 1) & (n - 1);
            s[j] = v;
        }
        free(m->slots);
        m->slots = s;
        m->n_slots = n;
    }
    size_t j = hash_str(key(w, index)) & (m->n_slots - 1);
    while (m->slots[j] != 0)
        j = (j + 1) & (m->n_slots - 1);
    m->slots[j] = index + 1;
    m->count++;
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Lines and frames                                                   */
/* ------------------------------------------------------------------ */

static size_t prefix_width(const tx *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += w->st[i].pending ? w->st[i].first_w : w->st[i].cont_w;
    return n;
}

/* Writes the prefixes and `n` bytes of `s` as one line. GLUE becomes a
 * space and NOBREAK goes; a line without content loses the prefixes'
 * trailing spaces. `blank` lines leave pending first prefixes alone. */
static int put_line(tx *w, const char *s, size_t n, bool blank)
{
    buf *o = &w->out;
    size_t start = o->len;
    for (size_t i = 0; i < w->n; i++) {
        frame *f = &w->st[i];
        /* A blank line before a container's first line belongs to the
         * outside: no prefix from the containers just opened. */
        if (blank && f->pending)
            continue;
        if (buf_puts(o, f->pending ? f->first : f->cont) < 0)
            return FOLIO_ENOMEM;
        if (!blank)
            f->pending = false;
    }
    if (buf_grow(o, n + 1) < 0)
        return FOLIO_ENOMEM;
    size_t content = o->len;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == NOBREAK)
            continue;
        o->p[o->len++] = s[i] == GLUE ? ' ' : s[i];
    }
    size_t cw = str_width(o->p + content, o->len - content);
    if (o->len == content) {
        while (o->len > start && o->p[o->len - 1] == ' ')
            o->len--;
    }
    o->p[o->len++] = '\n';
    o->p[o->len] = '\0';
    if (cw > w->max_line_w)
        w->max_line_w = cw;
    w->started = true;
    return FOLIO_OK;
}

/* Called before the first line of a block: writes the blank line due
 * unless `tight` or nothing was written yet. */
static int begin_block(tx *w, bool tight)
{
    bool due = w->blank && w->started && !tight;
    w->blank = false;
    return due ? put_line(w, "", 0, true) : FOLIO_OK;
}

static void end_block(tx *w)
{
    w->blank = true;
}

/* Is the innermost container a tight list item? Its blocks are then not
 * separated by blank lines. */
static bool in_tight_item(const tx *w)
{
    for (size_t i = w->n; i-- > 0;) {
        /* The first item is set off from what precedes its list as the
         * container of the list would set off any block. */
        if (w->st[i].kind == K_ITEM && w->st[i].first_item &&
            w->st[i].pending)
            continue;
        if (w->st[i].kind == K_ITEM)
            return w->st[i].tight;
        if (w->st[i].kind != K_LIST && w->st[i].kind != K_FIGURE)
            return false;
    }
    return false;
}

static frame *push(tx *w, const folio_node *node, int kind,
                   const char *first, const char *cont)
{
    if (w->n == MAX_FRAMES) {
        if (!w->warned_depth)
            w->h->warn(w->job, "containers nested deeper than %d are "
                       "flattened", MAX_FRAMES);
        w->warned_depth = true;
        return NULL;
    }
    frame *f = &w->st[w->n++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->kind = kind;
    snprintf(f->first, sizeof f->first, "%s", first);
    snprintf(f->cont, sizeof f->cont, "%s", cont);
    f->first_w = strlen(f->first);
    f->cont_w = strlen(f->cont);
    f->pending = true;
    return f;
}

/* A frame whose first line carries `marker` and whose other lines are
 * indented to the same width. */
static frame *push_marker(tx *w, const folio_node *node, int kind,
                          const char *marker)
{
    char sp[32];
    size_t n = strlen(marker);
    if (n >= sizeof sp)
        n = sizeof sp - 1;
    memset(sp, ' ', n);
    sp[n] = '\0';
    return push(w, node, kind, marker, sp);
}

/* ------------------------------------------------------------------ */
/* Wrapping                                                           */
/* ------------------------------------------------------------------ */

static int flush_line(tx *w)
{
    if (w->line.len == 0)
        return FOLIO_OK;
    int rc = put_line(w, w->line.p, w->line.len, false);
    w->line.len = 0;
    return rc;
}

/* Writes `n` bytes of collected text (spaces between words, '\n' for a
 * hard break, GLUE, NOBREAK) as lines filled to the width. Leading and
 * trailing spaces and empty lines are dropped. */
static int put_text(tx *w, const char *s, size_t n)
{
    size_t lw = 0;       /* display width of w->line */
    bool space = false;  /* a space before the next atom */
    int32_t prev = 0;    /* last code point of the line, 0 after a space */
    w->line.len = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == ' ') {
            space = true;
            prev = 0;
            i++;
            continue;
        }
        if (c == '\n') {
            if (flush_line(w) < 0)
                return FOLIO_ENOMEM;
            lw = 0;
            space = false;
            prev = 0;
            i++;
            continue;
        }
        /* One atom: up to a space, a newline or a CJK break. */
        size_t a = i, aw = 0;
        int32_t last = prev;
        bool hold = false; /* NOBREAK seen: no break before the next */
        while (i < n && s[i] != ' ' && s[i] != '\n') {
            if (s[i] == NOBREAK) {
                hold = true;
                i++;
                continue;
            }
            int32_t cp;
            size_t k = decode(s + i, n - i, &cp);
            if (i > a && last != 0 && !hold && cjk_break(last, cp))
                break;
            hold = false;
            aw += (size_t)char_width(cp);
            last = cp;
            i += k;
        }
        size_t avail = 0;
        if (w->width != 0) {
            size_t pw = prefix_width(w);
            avail = w->width > pw ? w->width - pw : 1;
        }
        /* An atom that follows the line's text without a space starts
         * at a CJK break, so a new line may start there too. */
        if (w->line.len > 0 && avail != 0 &&
            lw + (space ? 1 : 0) + aw > avail) {
            if (flush_line(w) < 0)
                return FOLIO_ENOMEM;
            lw = 0;
        }
        if (w->line.len > 0 && space) {
            if (buf_put(&w->line, " ", 1) < 0)
                return FOLIO_ENOMEM;
            lw++;
        }
        if (buf_put(&w->line, s + a, i - a) < 0)
            return FOLIO_ENOMEM;
        lw += aw;
        space = false;
        prev = last;
    }
    return flush_line(w);
}

/* ------------------------------------------------------------------ */
/* References                                                         */
/* ------------------------------------------------------------------ */

static int add_ref(tx *w, const char *url, size_t def, size_t *number)
{
    if (w->n_refs == w->cap_refs) {
        size_t cap = w->cap_refs != 0 ? w->cap_refs * 2 : 16;
        ref *r = realloc(w->refs, cap * sizeof *r);
        if (r == NULL)
            return FOLIO_ENOMEM;
        w->refs = r;
        w->cap_refs = cap;
    }
    w->refs[w->n_refs].url = url;
    w->refs[w->n_refs].def = def;
    if (url != NULL && map_add(w, &w->url_map, ref_key, w->n_refs) < 0)
        return FOLIO_ENOMEM;
    *number = ++w->n_refs;
    return FOLIO_OK;
}

static int url_ref(tx *w, const char *url, size_t *number)
{
    size_t i = map_find(w, &w->url_map, ref_key, url);
    if (i != 0) {
        *number = i;
        return FOLIO_OK;
    }
    return add_ref(w, url, 0, number);
}

static int def_number(tx *w, size_t i, size_t *number)
{
    if (w->defs[i].number != 0) {
        *number = w->defs[i].number;
        return FOLIO_OK;
    }
    int rc = add_ref(w, NULL, i, number);
    if (rc == FOLIO_OK)
        w->defs[i].number = (unsigned)*number;
    return rc;
}

/* Finds every footnote definition (they are only DOCUMENT children). */
static int collect_defs(tx *w, const folio_node *root)
{
    const folio_doc_api *d = w->d;
    for (const folio_node *n = d->first_child(root); n != NULL;
         n = d->next(n)) {
        if (d->type(n) != FOLIO_NODE_FOOTNOTE_DEF)
            continue;
        const char *label = d->label(n);
        if (label == NULL)
            label = "";
        if (map_find(w, &w->def_map, def_key, label) != 0)
            continue; /* the first definition of a label wins */
        if (w->n_defs == w->cap_defs) {
            size_t cap = w->cap_defs != 0 ? w->cap_defs * 2 : 8;
            fn_def *p = realloc(w->defs, cap * sizeof *p);
            if (p == NULL)
                return FOLIO_ENOMEM;
            w->defs = p;
            w->cap_defs = cap;
        }
        w->defs[w->n_defs] = (fn_def){n, label, 0};
        if (map_add(w, &w->def_map, def_key, w->n_defs) < 0)
            return FOLIO_ENOMEM;
        w->n_defs++;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Inline text                                                        */
/* ------------------------------------------------------------------ */

/* Is b[from..) exactly `url` once spaces at the edges are trimmed? */
static bool text_is_url(const buf *b, size_t from, const char *url)
{
    const char *s = b->p + from;
    size_t n = b->len - from;
    while (n > 0 && *s == ' ') {
        s++;
        n--;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n == strlen(url) && memcmp(s, url, n) == 0;
}

static bool text_empty(const buf *b, size_t from)
{
    for (size_t i = from; i < b->len; i++) {
        if (b->p[i] != ' ')
            return false;
    }
    return true;
}

static int put_number(buf *b, size_t number)
{
    char num[32];
    snprintf(num, sizeof num, "%c[%zu]", NOBREAK, number);
    return buf_puts(b, num);
}

static int link_end(tx *w, buf *b, const folio_node *n, size_t from)
{
    const char *url = w->d->url(n);
    if (url == NULL || url[0] == '\0' || w->links == LINKS_NONE || w->dry)
        return FOLIO_OK;
    if (text_is_url(b, from, url))
        return FOLIO_OK;
    if (text_empty(b, from))
        return FOLIO_OK; /* e.g. around an image without alt text */
    if (w->links == LINKS_INLINE) {
        if (buf_puts(b, " (") < 0 || filter(b, url, FILTER_URL) < 0)
            return FOLIO_ENOMEM;
        return buf_puts(b, ")");
    }
    size_t number;
    if (url_ref(w, url, &number) < 0)
        return FOLIO_ENOMEM;
    return put_number(b, number);
}

/* Appends the text of the inlines under `node` (and of `node` itself) to
 * `b`. `cell`: hard breaks become spaces. */
static int collect(tx *w, const folio_node *node, buf *b, bool cell)
{
    const folio_doc_api *d = w->d;
    size_t starts[16];
    size_t depth = 0;
    folio_iter it;
    d->iter_init(&it, node);
    for (folio_event ev; (ev = d->iter_next(&it)) != FOLIO_EVENT_DONE;) {
        const folio_node *n = d->iter_node(&it);
        bool enter = ev == FOLIO_EVENT_ENTER;
        int rc = FOLIO_OK;
        switch (d->type(n)) {
        case FOLIO_NODE_TEXT:
        case FOLIO_NODE_CODE: {
            const char *s = d->literal(n);
            rc = filter(b, s != NULL ? s : "", FILTER_PROSE);
            break;
        }
        case FOLIO_NODE_LINK:
            /* Links do not nest; deeper ones are counted, not tracked. */
            if (enter) {
                if (depth < sizeof starts / sizeof starts[0])
                    starts[depth] = b->len;
                depth++;
            } else if (depth > 0 &&
                       --depth < sizeof starts / sizeof starts[0]) {
                rc = link_end(w, b, n, starts[depth]);
            }
            break;
        case FOLIO_NODE_IMAGE: {
            const char *alt = d->alt(n);
            if (alt == NULL || alt[0] == '\0')
                break;
            size_t at = b->len;
            if (filter(b, alt, FILTER_PROSE) < 0)
                return FOLIO_ENOMEM;
            bool empty = text_empty(b, at);
            b->len = at;
            b->p[at] = '\0';
            if (!empty && (buf_puts(b, "[image: ") < 0 ||
                           filter(b, alt, FILTER_PROSE) < 0 ||
                           buf_puts(b, "]") < 0))
                return FOLIO_ENOMEM;
            break;
        }
        case FOLIO_NODE_LINEBREAK:
            rc = buf_puts(b, cell ? " " : "\n");
            break;
        case FOLIO_NODE_FOOTNOTE_REF: {
            const char *label = d->label(n);
            size_t i = map_find(w, &w->def_map, def_key,
                                label != NULL ? label : "");
            size_t number;
            if (i == 0 || w->dry) {
                rc = buf_put(b, "\x02[", 2);
                if (rc == FOLIO_OK)
                    rc = filter(b, label != NULL ? label : "", FILTER_URL);
                if (rc == FOLIO_OK)
                    rc = buf_puts(b, "]");
            } else if ((rc = def_number(w, i - 1, &number)) == FOLIO_OK) {
                rc = put_number(b, number);
            }
            break;
        }
        default:
            break; /* containers and unknown types: their children */
        }
        if (rc < 0)
            return FOLIO_ENOMEM;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */
/* ------------------------------------------------------------------ */

/* Writes the collected text in w->para as one block. */
static int put_para(tx *w, bool tight)
{
    if (text_empty(&w->para, 0)) {
        w->para.len = 0;
        return FOLIO_OK;
    }
    bool nl_only = true;
    for (size_t i = 0; i < w->para.len && nl_only; i++)
        nl_only = w->para.p[i] == ' ' || w->para.p[i] == '\n';
    if (nl_only) {
        w->para.len = 0;
        return FOLIO_OK;
    }
    int rc = begin_block(w, tight || in_tight_item(w));
    if (rc == FOLIO_OK)
        rc = put_text(w, w->para.p, w->para.len);
    w->para.len = 0;
    end_block(w);
    return rc;
}

static int put_inline_block(tx *w, const folio_node *n, bool tight)
{
    w->para.len = 0;
    if (collect(w, n, &w->para, false) < 0)
        return FOLIO_ENOMEM;
    return put_para(w, tight);
}

static int put_heading(tx *w, const folio_node *n)
{
    char marker[16];
    int level = w->d->heading_level(n);
    if (level < 1 || level > 6)
        level = 1;
    memset(marker, '#', (size_t)level);
    marker[level] = ' ';
    marker[level + 1] = '\0';
    frame *f = push_marker(w, NULL, K_INDENT, marker);
    int rc = put_inline_block(w, n, false);
    if (f != NULL)
        w->n--;
    return rc;
}

/* One line of a code block. It is written as it is unless -O width is
 * set and it does not fit: then it is broken at spaces (never inside a
 * word) and the pieces after the first get the line's own indentation,
 * so nothing is lost and the promise of the width is kept. */
static int put_code_line(tx *w, const char *s, size_t n)
{
    size_t pw = prefix_width(w);
    size_t avail = w->width > pw ? w->width - pw : 1;
    if (w->width == 0 || n == 0 || str_width(s, n) <= avail)
        return put_line(w, s, n, n == 0);
    size_t ind = 0;
    while (ind < n && (s[ind] == ' ' || s[ind] == '\t'))
        ind++;
    size_t iw = str_width(s, ind);
    if (iw * 2 > avail)
        ind = iw = 0; /* deep indentation: continue at the margin */
    buf *l = &w->line;
    size_t at = 0;
    for (bool first = true; at < n; first = false) {
        size_t room = first ? avail : avail - iw;
        size_t cut = 0, width = 0, i = at;
        /* the last space that keeps the piece within the room; a piece
         * keeps at least one word */
        while (i < n) {
            int32_t cp;
            size_t k = decode(s + i, n - i, &cp);
            if (cp == ' ' && i > at && s[i - 1] != ' ') {
                if (width <= room || cut == 0)
                    cut = i;
                if (width > room)
                    break;
            }
            width += (size_t)char_width(cp);
            i += k;
        }
        if (i >= n && width <= room)
            cut = n;
        if (cut == 0)
            cut = n;
        l->len = 0;
        if ((!first && buf_put(l, s, ind) < 0) ||
            buf_put(l, s + at, cut - at) < 0)
            return FOLIO_ENOMEM;
        size_t e = l->len;
        while (e > 0 && l->p[e - 1] == ' ')
            e--;
        if (put_line(w, l->p, e, e == 0) < 0)
            return FOLIO_ENOMEM;
        l->len = 0;
        at = cut;
        while (at < n && s[at] == ' ')
            at++;
    }
    return FOLIO_OK;
}

static int put_code(tx *w, const folio_node *n)
{
    const char *s = w->d->literal(n);
    buf *t = &w->tmp;
    t->len = 0;
    if (filter(t, s != NULL ? s : "", FILTER_CODE) < 0)
        return FOLIO_ENOMEM;
    while (t->len > 0 && t->p[t->len - 1] == '\n')
        t->len--;
    if (t->len == 0)
        return FOLIO_OK;
    int rc = begin_block(w, in_tight_item(w));
    frame *f = push(w, NULL, K_INDENT, "    ", "    ");
    for (size_t i = 0; rc == FOLIO_OK && i <= t->len;) {
        const char *line = t->p + i;
        const char *nl = memchr(line, '\n', t->len - i);
        size_t len = nl != NULL ? (size_t)(nl - line) : t->len - i;
        size_t end = len;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
            end--;
        rc = put_code_line(w, line, end);
        i += len + 1;
    }
    if (f != NULL)
        w->n--;
    end_block(w);
    return rc;
}

static int put_rule(tx *w)
{
    int rc = begin_block(w, false);
    if (rc == FOLIO_OK)
        rc = put_line(w, "* * *", 5, false);
    end_block(w);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

typedef struct cell {
    size_t off, len, width; /* text in table.text */
    int align;
} cell;

typedef struct table {
    buf text;
    cell *cells;            /* rows x ncols */
    size_t nrows, ncols, cap;
    size_t n_head;          /* leading header rows */
    int carry[MAX_COLUMNS]; /* rows a rowspan still covers */
} table;

static int table_row(table *t)
{
    if ((t->nrows + 1) * MAX_COLUMNS > t->cap) {
        size_t cap = t->cap != 0 ? t->cap * 2 : 4 * MAX_COLUMNS;
        cell *c = realloc(t->cells, cap * sizeof *c);
        if (c == NULL)
            return FOLIO_ENOMEM;
        t->cells = c;
        t->cap = cap;
    }
    memset(&t->cells[t->nrows * MAX_COLUMNS], 0,
           MAX_COLUMNS * sizeof(cell));
    t->nrows++;
    return FOLIO_OK;
}

/* Reads the table's cells (text collapsed to one line). */
static int read_table(tx *w, const folio_node *tn, table *t)
{
    const folio_doc_api *d = w->d;
    bool body_seen = false;
    for (const folio_node *r = d->first_child(tn); r != NULL; r = d->next(r)) {
        if (d->type(r) != FOLIO_NODE_TABLE_ROW)
            continue;
        if (table_row(t) < 0)
            return FOLIO_ENOMEM;
        cell *row = &t->cells[(t->nrows - 1) * MAX_COLUMNS];
        bool header = d->is_header(r), all_th = true, any = false;
        size_t col = 0;
        for (const folio_node *c = d->first_child(r); c != NULL;
             c = d->next(c)) {
            while (col < MAX_COLUMNS && t->carry[col] > 0) {
                t->carry[col]--;
                col++;
            }
            size_t at = col < MAX_COLUMNS ? col : MAX_COLUMNS - 1;
            cell *x = &row[at];
            size_t start = t->text.len;
            if (x->len > 0 && buf_puts(&t->text, " ") < 0)
                return FOLIO_ENOMEM;
            if (collect(w, c, &t->text, true) < 0)
                return FOLIO_ENOMEM;
            if (x->len == 0) {
                x->off = start;
                x->align = d->cell_align(c);
            }
            x->len = t->text.len - x->off;
            any = true;
            all_th = all_th && d->is_header(c);
            int span = d->cell_colspan(c), rspan = d->cell_rowspan(c);
            if (span < 1)
                span = 1;
            for (int k = 0; k < span && col < MAX_COLUMNS; k++, col++) {
                if (rspan > 1)
                    t->carry[col] = rspan - 1;
            }
            if (span < 1 || col >= MAX_COLUMNS)
                col = MAX_COLUMNS;
        }
        while (col < MAX_COLUMNS && t->carry[col] > 0)
            t->carry[col]--, col++;
        if (col > t->ncols)
            t->ncols = col;
        if (!body_seen && (header || (all_th && any)))
            t->n_head = t->nrows;
        else
            body_seen = true;
    }
    if (t->ncols > MAX_COLUMNS)
        t->ncols = MAX_COLUMNS;
    /* Trim and measure: the text was collected as prose. */
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            cell *x = &t->cells[r * MAX_COLUMNS + c];
            char *s = t->text.p + x->off;
            size_t j = squash(s, x->len);
            x->len = j;
            x->width = 0;
            for (size_t i = 0; i < j;) {
                int32_t cp;
                i += decode(s + i, j - i, &cp);
                x->width += (size_t)char_width(cp);
            }
        }
    }
    return FOLIO_OK;
}

/* A column takes the first alignment set in it (the header's, else the
 * body's). */
static int column_align(const table *t, size_t c)
{
    for (size_t r = 0; r < t->nrows; r++) {
        int a = t->cells[r * MAX_COLUMNS + c].align;
        if (a != FOLIO_ALIGN_NONE)
            return a;
    }
    return FOLIO_ALIGN_NONE;
}

static int put_grid(tx *w, const table *t, const size_t *cw)
{
    buf *l = &w->line;
    for (size_t r = 0; r < t->nrows; r++) {
        l->len = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            const cell *x = &t->cells[r * MAX_COLUMNS + c];
            size_t pad = cw[c] - x->width, left = 0;
            int a = column_align(t, c);
            if (a == FOLIO_ALIGN_RIGHT)
                left = pad;
            else if (a == FOLIO_ALIGN_CENTER)
                left = pad / 2;
            if ((c > 0 && buf_rep(l, ' ', 2) < 0) ||
                buf_rep(l, ' ', left) < 0 ||
                buf_put(l, t->text.p + x->off, x->len) < 0 ||
                buf_rep(l, ' ', pad - left) < 0)
                return FOLIO_ENOMEM;
        }
        size_t n = l->len;
        while (n > 0 && l->p[n - 1] == ' ')
            n--;
        if (put_line(w, l->p, n, false) < 0)
            return FOLIO_ENOMEM;
        if (r + 1 == t->n_head) {
            l->len = 0;
            for (size_t c = 0; c < t->ncols; c++) {
                if ((c > 0 && buf_rep(l, ' ', 2) < 0) ||
                    buf_rep(l, '-', cw[c]) < 0)
                    return FOLIO_ENOMEM;
            }
            if (put_line(w, l->p, l->len, false) < 0)
                return FOLIO_ENOMEM;
        }
    }
    return FOLIO_OK;
}

/* Too wide for -O width: one list item per body row, one line per
 * cell ("Header: value"), wrapped like a paragraph. */
static int put_records(tx *w, const table *t)
{
    size_t first = t->n_head < t->nrows ? t->n_head : 0;
    const cell *head = t->n_head > 0 && first > 0
                           ? &t->cells[(t->n_head - 1) * MAX_COLUMNS]
                           : NULL;
    for (size_t r = first; r < t->nrows; r++) {
        frame *f = NULL;
        bool opened = false;
        for (size_t c = 0; c < t->ncols; c++) {
            const cell *x = &t->cells[r * MAX_COLUMNS + c];
            if (x->len == 0)
                continue;
            if (!opened) {
                if (begin_block(w, false) < 0)
                    return FOLIO_ENOMEM;
                f = push_marker(w, NULL, K_INDENT, "- ");
                opened = true;
            }
            w->para.len = 0;
            if (head != NULL && head[c].len > 0 &&
                (buf_put(&w->para, t->text.p + head[c].off, head[c].len) < 0 ||
                 buf_puts(&w->para, ": ") < 0))
                return FOLIO_ENOMEM;
            if (buf_put(&w->para, t->text.p + x->off, x->len) < 0)
                return FOLIO_ENOMEM;
            int rc = put_text(w, w->para.p, w->para.len);
            w->para.len = 0;
            if (rc < 0)
                return rc;
        }
        if (f != NULL)
            w->n--;
        if (opened)
            end_block(w);
    }
    return FOLIO_OK;
}

static int put_table(tx *w, const folio_node *n)
{
    table t = {0};
    size_t *cw = NULL;
    int rc = read_table(w, n, &t);
    if (rc < 0 || t.ncols == 0)
        goto done;
    if ((cw = calloc(t.ncols, sizeof *cw)) == NULL) {
        rc = FOLIO_ENOMEM;
        goto done;
    }
    size_t total = 0;
    bool any = false;
    for (size_t c = 0; c < t.ncols; c++) {
        for (size_t r = 0; r < t.nrows; r++) {
            const cell *x = &t.cells[r * MAX_COLUMNS + c];
            if (x->width > cw[c])
                cw[c] = x->width;
            any = any || x->len > 0;
        }
        if (cw[c] == 0)
            cw[c] = 1;
        total += cw[c] + (c > 0 ? 2 : 0);
    }
    if (!any)
        goto done;
    if (w->width != 0 && total + prefix_width(w) > w->width) {
        rc = put_records(w, &t);
    } else {
        rc = begin_block(w, in_tight_item(w));
        if (rc == FOLIO_OK)
            rc = put_grid(w, &t, cw);
        end_block(w);
    }
done:
    free(cw);
    free(t.cells);
    free(t.text.p);
    return rc < 0 ? FOLIO_ENOMEM : FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */
/* ------------------------------------------------------------------ */

static int enter_item(tx *w, const folio_node *n)
{
    frame *list = w->n > 0 && w->st[w->n - 1].kind == K_LIST
                      ? &w->st[w->n - 1]
                      : NULL;
    char marker[32];
    bool tight = false;
    if (list != NULL && list->ordered) {
        snprintf(marker, sizeof marker, "%d. ", list->number);
        if (list->number < INT_MAX)
            list->number++;
    } else {
        snprintf(marker, sizeof marker, "- ");
    }
    bool first = true;
    if (list != NULL) {
        tight = list->tight;
        first = list->items++ == 0;
    }
    frame *f = push_marker(w, n, K_ITEM, marker);
    if (f != NULL) {
        f->tight = tight;
        f->first_item = first;
    }
    return FOLIO_OK;
}

/* Is `n` a heading whose text is the title (then it is skipped: the
 * title is printed)? */
static int same_as_title(tx *w, const folio_node *n, const char *title,
                         bool *same)
{
    *same = false;
    if (w->d->type(n) != FOLIO_NODE_HEADING)
        return FOLIO_OK;
    buf *a = &w->tmp;
    a->len = 0;
    w->dry = true;
    int rc = collect(w, n, a, true);
    w->dry = false;
    if (rc < 0)
        return FOLIO_ENOMEM;
    size_t hn = squash(a->p, a->len);
    a->len = hn;
    if (filter(a, title, FILTER_PROSE) < 0)
        return FOLIO_ENOMEM;
    size_t tn = squash(a->p + hn, a->len - hn);
    *same = hn == tn && memcmp(a->p, a->p + hn, hn) == 0;
    return FOLIO_OK;
}

static int put_title(tx *w, const char *title)
{
    w->para.len = 0;
    if (filter(&w->para, title, FILTER_PROSE) < 0)
        return FOLIO_ENOMEM;
    if (text_empty(&w->para, 0))
        return FOLIO_OK;
    w->max_line_w = 0;
    int rc = put_text(w, w->para.p, w->para.len);
    w->para.len = 0;
    w->line.len = 0;
    if (rc == FOLIO_OK && w->max_line_w > 0) {
        size_t uw = w->max_line_w;
        if (w->width != 0 && uw > w->width)
            uw = w->width;
        if (buf_rep(&w->line, '=', uw) < 0 ||
            put_line(w, w->line.p, w->line.len, false) < 0)
            rc = FOLIO_ENOMEM;
        w->line.len = 0;
    }
    end_block(w);
    return rc;
}

/* Renders the blocks under `root` (not `root` itself). Footnote
 * definitions are skipped: they are listed at the end. */
static int walk(tx *w, const folio_node *root, const folio_node *skip)
{
    const folio_doc_api *d = w->d;
    const folio_node *n = d->first_child(root);
    bool implicit = false; /* w->para holds stray inlines */
    int rc = FOLIO_OK;
    w->para.len = 0;
    while (n != NULL && rc == FOLIO_OK) {
        folio_node_type t = d->type(n);
        bool descend = false;
        if (implicit && !d->is_inline(t)) {
            implicit = false;
            if ((rc = put_para(w, false)) < 0)
                break;
        }
        if (n == skip) {
            t = FOLIO_NODE_NONE; /* the heading repeating the title */
        }
        switch (t) {
        case FOLIO_NODE_NONE:
            break;
        case FOLIO_NODE_PARAGRAPH:
        case FOLIO_NODE_DEF_TERM:
            rc = put_inline_block(w, n, false);
            break;
        case FOLIO_NODE_CAPTION:
        case FOLIO_NODE_CREDIT:
            /* right under the figure's image, if it printed one */
            rc = put_inline_block(w, n, w->n > 0 &&
                                  w->st[w->n - 1].kind == K_FIGURE &&
                                  !w->st[w->n - 1].pending);
            break;
        case FOLIO_NODE_HEADING:
            rc = put_heading(w, n);
            break;
        case FOLIO_NODE_CODE_BLOCK:
            rc = put_code(w, n);
            break;
        case FOLIO_NODE_THEMATIC_BREAK:
            rc = put_rule(w);
            break;
        case FOLIO_NODE_TABLE:
            rc = put_table(w, n);
            break;
        case FOLIO_NODE_FOOTNOTE_DEF:
            break;
        case FOLIO_NODE_LIST: {
            frame *f = push(w, n, K_LIST, "", "");
            if (f != NULL) {
                f->ordered = d->list_ordered(n);
                f->number = d->list_start(n);
                f->tight = d->list_tight(n);
            }
            descend = true;
            break;
        }
        case FOLIO_NODE_LIST_ITEM:
            rc = enter_item(w, n);
            descend = true;
            break;
        case FOLIO_NODE_BLOCKQUOTE:
        case FOLIO_NODE_ASIDE:
            push(w, n, K_QUOTE, "> ", "> ");
            descend = true;
            break;
        case FOLIO_NODE_DEF_DESC:
            w->blank = false; /* right under its term */
            push(w, n, K_INDENT, "    ", "    ");
            descend = true;
            break;
        case FOLIO_NODE_FIGURE:
            push(w, n, K_FIGURE, "", "");
            descend = true;
            break;
        default:
            if (d->is_inline(t)) {
                /* stray inlines in a block container */
                implicit = true;
                rc = collect(w, n, &w->para, false);
            } else {
                descend = true; /* DEF_LIST, unknown: the children */
            }
            break;
        }
        if (rc < 0)
            break;
        const folio_node *c = descend ? d->first_child(n) : NULL;
        if (c != NULL) {
            n = c;
            continue;
        }
        /* Leave `n` and every ancestor whose last child it is. */
        for (;;) {
            if (descend && w->n > 0 && w->st[w->n - 1].node == n) {
                int kind = w->st[w->n - 1].kind;
                w->n--;
                if (kind == K_LIST || kind == K_QUOTE)
                    w->blank = true;
            }
            descend = true; /* ancestors were all descended into */
            const folio_node *next = d->next(n);
            if (next != NULL) {
                n = next;
                break;
            }
            if (implicit) { /* stray inlines end with their container */
                implicit = false;
                if ((rc = put_para(w, false)) < 0)
                    break;
            }
            n = d->parent(n);
            if (n == root || n == NULL) {
                n = NULL;
                break;
            }
        }
    }
    return rc;
}

/* The references: "[n] URL" for links, "[n] " and the blocks of a
 * footnote; numbers may be added while footnotes are rendered. Then the
 * footnotes never referenced. */
static int put_refs(tx *w)
{
    size_t scan = 0;
    bool first = true;
    for (size_t i = 0;; i++) {
        while (i == w->n_refs && scan < w->n_defs) {
            size_t number;
            if (w->defs[scan].number == 0 &&
                def_number(w, scan, &number) < 0)
                return FOLIO_ENOMEM;
            scan++;
        }
        if (i == w->n_refs)
            break;
        char marker[32];
        snprintf(marker, sizeof marker, "[%zu] ", i + 1);
        if (first) {
            w->blank = true;
            if (begin_block(w, false) < 0)
                return FOLIO_ENOMEM;
            first = false;
        }
        w->blank = false;
        frame *f = push_marker(w, NULL, K_ITEM, marker);
        int rc = FOLIO_OK;
        if (w->refs[i].url != NULL) {
            w->para.len = 0;
            rc = filter(&w->para, w->refs[i].url, FILTER_URL);
            if (rc == FOLIO_OK)
                rc = put_text(w, w->para.p, w->para.len);
            w->para.len = 0;
        } else {
            size_t before = w->out.len;
            rc = walk(w, w->defs[w->refs[i].def].node, NULL);
            if (rc == FOLIO_OK && w->out.len == before)
                rc = put_line(w, "", 0, false); /* an empty footnote */
        }
        if (f != NULL)
            w->n--;
        if (rc < 0)
            return rc;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Plugin entry points                                                */
/* ------------------------------------------------------------------ */

static bool host_ok(const folio_host *h)
{
    return h != NULL && h->abi_major == FOLIO_ABI_MAJOR &&
           h->size >= offsetof(folio_host, doc) + sizeof h->doc &&
           h->doc != NULL &&
           h->doc->size >= offsetof(folio_doc_api, is_inline) +
                               sizeof h->doc->is_inline;
}

static bool ascii_caseeq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
        int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static int read_options(tx *w, bool *title)
{
    const folio_host *h = w->h;
    if (h->option == NULL)
        return FOLIO_OK;
    const char *v = h->option(w->job, "title");
    if (v != NULL) {
        if (ascii_caseeq(v, "false") || ascii_caseeq(v, "no") ||
            ascii_caseeq(v, "off") || strcmp(v, "0") == 0)
            *title = false;
        else if (!(ascii_caseeq(v, "true") || ascii_caseeq(v, "yes") ||
                   ascii_caseeq(v, "on") || strcmp(v, "1") == 0))
            return h->error(w->job, FOLIO_EINVALID,
                            "option title takes true or false, not \"%.64s\"",
                            v);
    }
    v = h->option(w->job, "width");
    if (v != NULL && v[0] != '\0') {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end != '\0' || n < 0)
            return h->error(w->job, FOLIO_EINVALID,
                            "option width takes a number of columns >= 0, "
                            "not \"%.64s\"", v);
        w->width = n > MAX_WIDTH ? MAX_WIDTH : (size_t)n;
    }
    v = h->option(w->job, "links");
    w->links = LINKS_REFERENCES;
    if (v != NULL && strcmp(v, "inline") == 0)
        w->links = LINKS_INLINE;
    else if (v != NULL && strcmp(v, "none") == 0)
        w->links = LINKS_NONE;
    else if (v != NULL && strcmp(v, "references") != 0)
        return h->error(w->job, FOLIO_EINVALID,
                        "option links takes references, inline or none, "
                        "not \"%.64s\"", v);
    return FOLIO_OK;
}

static int text_write(const folio_host *h, folio_job *job,
                      const folio_doc *doc, folio_write_fn out, void *sink)
{
    if (h == NULL)
        return FOLIO_EINVALID;
    if (!host_ok(h))
        return h->error(job, FOLIO_EINVALID, "the host lacks the document "
                        "API");
    if (doc == NULL || out == NULL)
        return h->error(job, FOLIO_EINVALID, "no document or no sink");

    tx w = {0};
    w.h = h;
    w.d = h->doc;
    w.job = job;
    bool title = true;
    w.links = LINKS_REFERENCES;
    int rc = read_options(&w, &title);
    if (rc < 0)
        return rc;
    const folio_node *root = w.d->root(doc);
    const folio_meta *meta = w.d->meta(doc);
    const char *t = title && meta != NULL ? meta->title : NULL;
    const folio_node *skip = NULL;
    bool same = false;

    if ((rc = collect_defs(&w, root)) < 0)
        goto nomem;
    if (t != NULL) {
        const folio_node *first = w.d->first_child(root);
        if (first != NULL && (rc = same_as_title(&w, first, t, &same)) < 0)
            goto nomem;
        if (same)
            skip = first;
        if ((rc = put_title(&w, t)) < 0)
            goto nomem;
    }
    if ((rc = walk(&w, root, skip)) < 0)
        goto nomem;
    if ((rc = put_refs(&w)) < 0)
        goto nomem;
    if (w.out.len > 0 && out(sink, w.out.p, w.out.len) != 0)
        rc = h->error(job, FOLIO_EUSER, "the output sink failed");
    goto done;
nomem:
    rc = nomem(&w);
done:
    free(w.out.p);
    free(w.para.p);
    free(w.line.p);
    free(w.tmp.p);
    free(w.refs);
    free(w.url_map.slots);
    free(w.defs);
    free(w.def_map.slots);
    return rc;
}

static int text_init(const folio_host *h, const char **message)
{
    if (!host_ok(h)) {
        *message = "the host lacks the document API";
        return 1;
    }
    return 0;
}

static const char *const text_formats[] = {
    "text", "txt", "plain", "text/plain", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "text",
                      "text\0" "txt\0" "plain\0" "text/plain\0");


static const folio_option text_options[] = {
    {"title", FOLIO_OPTION_BOOL, "true", NULL,
     "start with the title, underlined with '='"},
    {"width", FOLIO_OPTION_INT, "0", NULL,
     "wrap lines to this many display columns (0: no wrapping)"},
    {"links", FOLIO_OPTION_ENUM, "references", "references|inline|none",
     "links as numbered references listed at the end, inline URLs, or "
     "text only"},
    {NULL, 0, NULL, NULL, NULL},
};

static const folio_output_ops text_ops = {
    .size = sizeof(folio_output_ops),
    .write = text_write,
    .extension = "txt",
    .media_type = "text/plain",
};

static const folio_plugin text_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "text",
    .version = "0.1.0",
    .description = "plain UTF-8 text, optionally wrapped to a width",
    .formats = text_formats,
    .options = text_options,
    .output = &text_ops,
    .init = text_init,
};

FOLIO_PLUGIN_DEFINE(text_plugin)
