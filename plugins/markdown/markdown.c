/* SPDX-License-Identifier: MIT */
/*
 * markdown: writes a folio document as CommonMark with the GFM table and
 * strikethrough extensions and footnotes (docs: FORMATS.md §3.1).
 *
 * The document becomes a cmark-gfm node tree printed by cmark-gfm's
 * CommonMark renderer, so escaping follows the context the renderer
 * tracks (line starts, table cells, link destinations) instead of a regex
 * over the text. Around the renderer this file works around what the
 * renderer (Debian's 0.29.0.gfm.6) gets wrong or ugly:
 *  - spaces move out of emphasis and links (`*word* `, never `*word *`);
 *    adjacent runs of one emphasis merge (`*a**b*` does not parse);
 *    punctuation at the edge of emphasis next to a letter moves out
 *    (`**Note**:Text`, as `**Note:**Text` does not parse), and emphasis
 *    that still cannot open or close goes, keeping its text;
 *  - '!' and intraword '_' are printed unescaped where they cannot be
 *    syntax (the renderer escapes every one: "Wow\!");
 *  - hard breaks are a backslash (trailing spaces do not survive
 *    editors), never inside headings or table cells;
 *  - every code block gets an info string, "text" when the language is
 *    unknown: the renderer indents a code block without one;
 *  - footnotes are numbered 1, 2, ... in order of first use and their
 *    definitions printed here, content on the `[^n]:` line: the library
 *    cannot render footnote nodes it did not parse (a reference crashes,
 *    a definition loses its label);
 *  - a link whose first child is not plain text gets a guard against
 *    the renderer's autolink test (see guard_autolinks());
 *  - the text is parsed back to find code blocks (whose lines are never
 *    touched) and lists: blanks at the end of empty lines in quotes and
 *    items go; the "<!-- end list -->" between two lists becomes a change
 *    of marker ('-' to '*', '.' to ')'), the one before a fenced code
 *    block goes; an item starting with a table or a rule loses the blank
 *    line that made it an empty item.
 *
 * Choices for what Markdown has no syntax for:
 *  - FIGURE: its blocks, then one paragraph with the caption in emphasis
 *    followed by the credit ("*A cat on a mat.* Photo: Jane Doe"); a
 *    credit alone is emphasised.
 *  - ASIDE: a block quote. A BLOCKQUOTE's cite URL is dropped.
 *  - DEF_LIST: each term as a paragraph in strong emphasis, the blocks of
 *    its descriptions after it.
 *  - SUPERSCRIPT, SUBSCRIPT: their text (`^`, `~` are not portable);
 *    `<sup>`, `<sub>` with -O html=true.
 *  - Tables: a pipe table. Spans are flattened (content in the first
 *    cell, empty cells for the rest); a table without a header row gets
 *    an empty one (GFM requires one, pandoc does the same); line breaks in
 *    cells become spaces (`<br>` with -O html=true); more than
 *    MAX_COLUMNS columns are joined into the last one.
 *  - Images without a URL are dropped; links without one keep their text.
 *  - NBSP: a plain space, except between two digits ("10 000").
 *  - Block nesting deeper than MAX_BLOCK_DEPTH, inline nesting deeper than
 *    MAX_INLINE_DEPTH: flattened (with a warning); this bounds the size
 *    of the output and the recursion of the clean-up passes below.
 *  - Unknown node types (a newer host): their children are rendered.
 *
 * The title: unless -O title=false, the metadata title is printed as a
 * level-1 heading first, when the document does not already start with a
 * heading of the same text.
 *
 * Options for site generators:
 *  - -O preset=hugo|jekyll|eleventy guards the whole output against the
 *    generator's template engine (see hazards()); generic, astro and
 *    obsidian change nothing. The yaml plugin reads the same option.
 *  - -O links=references: each LINK becomes raw "[", its children and raw
 *    "][n]" just before rendering (refs_convert()), so the renderer still
 *    escapes the link text by context and no output is searched for
 *    links; the definitions follow the footnotes. Images stay inline.
 *
 * Memory: cmark-gfm allocates with its default allocator, which aborts
 * the process when calloc fails (cmark_mem cannot report failure); the
 * strings this file hands to cmark use the same allocator. The plugin's
 * own tables and buffers are checked and fail with FOLIO_ENOMEM.
 *
 * Threads: extension registration is global in cmark-gfm, so it happens
 * once in init(); write() only reads the registered extensions.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "folio/plugin.h"

/* Node types of the GFM extensions. libcmark-gfm-extensions exports them
 * but installs no header declaring them (they are in its private table.h
 * and strikethrough.h); registration in init() assigns their values. */
extern cmark_node_type CMARK_NODE_TABLE;
extern cmark_node_type CMARK_NODE_TABLE_ROW;
extern cmark_node_type CMARK_NODE_TABLE_CELL;
extern cmark_node_type CMARK_NODE_STRIKETHROUGH;

#define MAX_BLOCK_DEPTH 32  /* nested quotes, lists and list items */
#define MAX_INLINE_DEPTH 16 /* nested emphasis and links */
#define MAX_COLUMNS 256     /* table columns */
#define MAX_FLANK_PASSES 8  /* see fix_flanking() */

/* Set once by init(), read-only afterwards. */
static cmark_mem *mem;
static cmark_syntax_extension *table_ext;
static cmark_syntax_extension *strike_ext;

/* Marks the raw inline nodes that print a footnote reference. */
static int footnote_tag;

/* ------------------------------------------------------------------ */
/* Writer state                                                       */
/* ------------------------------------------------------------------ */

enum frame_kind {
    K_BLOCK,  /* a container holding blocks (document, quote, item) */
    K_LIST,
    K_INLINE, /* a node holding inlines */
    K_PASS,   /* no node of its own: children go to the parent's */
    K_FIGURE,
    K_TABLE,
    K_ROW,
    K_CELL,
    K_RAW     /* <sup>/<sub>: prints a closing tag when left */
};

enum frame_flags {
    F_INLINE = 1u << 0,  /* `cm` holds inlines */
    F_NOBREAK = 1u << 1, /* no hard breaks (headings, cells) */
    F_CELL = 1u << 2,    /* inside a table cell */
    F_NOBLOCK = 1u << 3  /* table, row: holds neither */
};

typedef struct frame {
    const folio_node *node; /* the folio node this frame belongs to */
    cmark_node *cm;         /* where the children go */
    int kind;
    unsigned flags;
    bool block_level;       /* counted in md.bdepth */
    bool inline_level;      /* counted in md.idepth */
    cmark_node *caption;    /* K_FIGURE: detached, emitted when left */
    cmark_node *credit;
    const char *raw_close;  /* K_RAW */
    int col, colspan, rowspan; /* K_CELL */
} frame;

typedef struct table_state {
    bool active;
    cmark_node *node;
    cmark_node *row;   /* the row being filled */
    int col;           /* next column of that row */
    int ncols;         /* widest row so far */
    int nrows;
    bool has_header;   /* the first row is a header row */
    bool in_header;    /* ... and is the row being filled */
    int carry[MAX_COLUMNS]; /* rows a rowspan still covers */
    /* Alignments (0, 'l', 'c', 'r'): a column takes its header cell's, else
     * the one all its body cells share. */
    uint8_t head_align[MAX_COLUMNS];
    uint8_t body_align[MAX_COLUMNS];
    bool body_seen[MAX_COLUMNS];
    bool body_mixed[MAX_COLUMNS];
} table_state;

typedef struct fn_def {
    const folio_node *node;
    const char *label;
    unsigned number; /* 0 until numbered */
} fn_def;

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

enum preset {
    P_GENERIC, P_HUGO, P_JEKYLL, P_ELEVENTY
};

/* A reference-style link target: one per distinct URL and title. */
typedef struct ref {
    char *url;
    char *title; /* "" when none */
} ref;

typedef struct md {
    const folio_host *h;
    const folio_doc_api *d;
    folio_job *job;
    folio_write_fn out;
    void *sink;
    bool html;     /* -O html */
    bool wrote;    /* something was written */
    int preset;    /* -O preset */
    bool hold;     /* emit() collects into `all` (see hazards()) */
    buf all;

    frame *st;
    size_t n, cap;
    int bdepth, idepth;
    bool warned_depth, warned_columns;
    cmark_node *impl_parent, *impl_para; /* paragraph for stray inlines */
    table_state tbl;

    fn_def *defs;
    size_t n_defs;
    size_t *slots; /* hash of labels: index + 1, 0 when empty */
    size_t n_slots;
    size_t *order; /* indexes of defs in number order */
    size_t n_order;

    bool refs;          /* -O links=references */
    ref *rv;            /* in number order: rv[i] is [i + 1] */
    size_t n_rv, cap_rv;
    size_t *rslots;     /* hash of url + title: index + 1, 0 when empty */
    size_t n_rslots;
} md;

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
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

static int buf_put(buf *b, const char *s, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        return FOLIO_ENOMEM;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap = cap > SIZE_MAX / 2 ? b->len + n + 1 : cap * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return FOLIO_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return FOLIO_OK;
}

static int nomem(md *w);

static int emit(md *w, const char *s, size_t n)
{
    if (n == 0)
        return FOLIO_OK;
    if (w->hold) {
        if (buf_put(&w->all, s, n) < 0)
            return nomem(w);
        w->wrote = true;
        return FOLIO_OK;
    }
    if (w->out(w->sink, s, n) != 0)
        return w->h->error(w->job, FOLIO_EUSER, "the output sink failed");
    w->wrote = true;
    return FOLIO_OK;
}

static int nomem(md *w)
{
    return w->h->error(w->job, FOLIO_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* cmark node helpers                                                 */
/* ------------------------------------------------------------------ */

static cmark_node *new_node(cmark_node_type t)
{
    return cmark_node_new_with_mem(t, mem);
}

static cmark_node_type type_of(cmark_node *n)
{
    return n != NULL ? cmark_node_get_type(n) : CMARK_NODE_NONE;
}

/* Appends, or frees `child` when cmark refuses the pair (only a tree the
 * containment rules forbid gets there). */
static void append(cmark_node *parent, cmark_node *child)
{
    if (!cmark_node_append_child(parent, child))
        cmark_node_free(child);
}

static void drop(cmark_node *n)
{
    cmark_node_unlink(n);
    cmark_node_free(n);
}

/* Replaces `x` with its children. */
static void unwrap(cmark_node *x)
{
    for (cmark_node *g; (g = cmark_node_first_child(x)) != NULL;) {
        cmark_node_unlink(g);
        cmark_node_insert_before(x, g);
    }
    drop(x);
}

/* Sets the literal of `n` to `len` bytes of `s` (which may point into the
 * current literal). */
static void set_lit_n(cmark_node *n, const char *s, size_t len)
{
    char *c = mem->calloc(len + 1, 1);
    memcpy(c, s, len);
    cmark_node_set_literal(n, c);
    mem->free(c);
}

static const char *lit(cmark_node *n)
{
    const char *s = cmark_node_get_literal(n);
    return s != NULL ? s : "";
}

static cmark_node *new_text(const char *s)
{
    cmark_node *t = new_node(CMARK_NODE_TEXT);
    cmark_node_set_literal(t, s);
    return t;
}

static cmark_node *new_raw(const char *s)
{
    cmark_node *t = new_node(CMARK_NODE_HTML_INLINE);
    cmark_node_set_literal(t, s);
    return t;
}

static cmark_node *new_cell(void)
{
    /* Created without the extension, which is attached afterwards: a
     * cell made with cmark_node_new_with_mem_and_ext() gets a private
     * record that cmark_node_free() never releases (gfm.6 leaks it). The
     * renderer only needs node->extension to be set. */
    cmark_node *c = new_node(CMARK_NODE_TABLE_CELL);
    cmark_node_set_syntax_extension(c, table_ext);
    return c;
}

static bool is_text(cmark_node *n)
{
    return type_of(n) == CMARK_NODE_TEXT;
}

static bool is_emph_type(cmark_node_type t)
{
    return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG ||
           t == CMARK_NODE_STRIKETHROUGH;
}

/* Inline containers whose edges the clean-up passes look at. */
static bool is_wrapper(cmark_node *n)
{
    cmark_node_type t = type_of(n);
    return is_emph_type(t) || t == CMARK_NODE_LINK;
}

static bool is_break(cmark_node *n)
{
    cmark_node_type t = type_of(n);
    return t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_SOFTBREAK;
}

/* ------------------------------------------------------------------ */
/* Text                                                               */
/* ------------------------------------------------------------------ */

/* Copies a TEXT (or CODE, `code`) literal for cmark: control whitespace
 * becomes a space (a raw newline would escape the container prefix), and
 * in text an NBSP becomes a space unless it sits between two digits,
 * where it groups a number. Allocated with `mem`. */
static char *norm_text(const char *s, bool code)
{
    size_t len = strlen(s);
    char *o = mem->calloc(len + 1, 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            o[j++] = ' ';
        } else if (!code && c == 0xc2 && i + 1 < len &&
                   (unsigned char)s[i + 1] == 0xa0) {
            if (j > 0 && is_digit(o[j - 1]) && i + 2 < len &&
                is_digit(s[i + 2])) {
                o[j++] = (char)0xc2;
                o[j++] = (char)0xa0;
            } else if ((j == 0 || o[j - 1] != ' ') && s[i + 2] != ' ') {
                o[j++] = ' '; /* one space where NBSP met a space */
            }
            i++;
        } else {
            o[j++] = (char)c;
        }
    }
    o[j] = '\0';
    return o;
}

/* Collapses whitespace runs (NBSP included) to one space and trims; for
 * the title. Allocated with `mem`. */
static char *squash(const char *s)
{
    size_t len = strlen(s);
    char *o = mem->calloc(len + 1, 1);
    size_t j = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ws = c == ' ' || (c >= '\t' && c <= '\r');
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0) {
            ws = true;
            i++;
        }
        if (ws) {
            space = j > 0;
            continue;
        }
        if (space)
            o[j++] = ' ';
        space = false;
        o[j++] = (char)c;
    }
    o[j] = '\0';
    return o;
}

enum { C_WS, C_PUNCT, C_OTHER };

/* Unicode punctuation (general category P) in the blocks where it is
 * common; punctuation of other scripts counts as a letter. */
static const uint32_t punct_ranges[][2] = {
    {0xa1, 0xa1}, {0xa7, 0xa7}, {0xab, 0xab}, {0xb6, 0xb7},
    {0xbb, 0xbb}, {0xbf, 0xbf}, {0x37e, 0x37e}, {0x387, 0x387},
    {0x55a, 0x55f}, {0x589, 0x58a}, {0x5be, 0x5be}, {0x5c0, 0x5c0},
    {0x5c3, 0x5c3}, {0x5c6, 0x5c6}, {0x5f3, 0x5f4}, {0x609, 0x60a},
    {0x60c, 0x60d}, {0x61b, 0x61b}, {0x61d, 0x61f}, {0x66a, 0x66d},
    {0x6d4, 0x6d4}, {0x964, 0x965}, {0x970, 0x970}, {0xe4f, 0xe4f},
    {0xe5a, 0xe5b}, {0x2010, 0x2027}, {0x2030, 0x2043}, {0x2045, 0x2051},
    {0x2053, 0x205e}, {0x207d, 0x207e}, {0x208d, 0x208e}, {0x2308, 0x230b},
    {0x2329, 0x232a}, {0x2768, 0x2775}, {0x27c5, 0x27c6}, {0x27e6, 0x27ef},
    {0x2983, 0x2998}, {0x29d8, 0x29db}, {0x29fc, 0x29fd}, {0x2e00, 0x2e4f},
    {0x3001, 0x3003}, {0x3008, 0x3011}, {0x3014, 0x301f}, {0x3030, 0x3030},
    {0x303d, 0x303d}, {0x30a0, 0x30a0}, {0x30fb, 0x30fb}, {0xfe10, 0xfe19},
    {0xfe30, 0xfe52}, {0xfe54, 0xfe61}, {0xfe63, 0xfe63}, {0xfe68, 0xfe68},
    {0xfe6a, 0xfe6b}, {0xff01, 0xff03}, {0xff05, 0xff0a}, {0xff0c, 0xff0f},
    {0xff1a, 0xff1b}, {0xff1f, 0xff20}, {0xff3b, 0xff3d}, {0xff3f, 0xff3f},
    {0xff5b, 0xff5b}, {0xff5d, 0xff5d}, {0xff5f, 0xff65},
};

/* Classifies a code point the way CommonMark's flanking rules do. */
static int classify(uint32_t c)
{
    if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 || c == 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) || c == 0x202f || c == 0x205f ||
        c == 0x3000)
        return C_WS;
    if (c < 0x80) {
        return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
                       (c >= '[' && c <= '`') || (c >= '{' && c <= '~')
                   ? C_PUNCT
                   : C_OTHER;
    }
    size_t n = sizeof punct_ranges / sizeof punct_ranges[0];
    for (size_t i = 0; i < n && punct_ranges[i][0] <= c; i++) {
        if (c <= punct_ranges[i][1])
            return C_PUNCT;
    }
    return C_OTHER;
}

/* Decodes the code point at `s` (lenient: any lead byte is accepted). */
static uint32_t decode_at(const unsigned char *s, size_t len)
{
    uint32_t c = s[0];
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (more > 0)
        c &= 0x3fu >> more;
    for (int k = 1; k <= more && (size_t)k < len; k++)
        c = (c << 6) | (s[k] & 0x3fu);
    return c;
}

static int class_first(const char *s)
{
    size_t len = strlen(s);
    return len == 0 ? C_WS : classify(decode_at((const unsigned char *)s, len));
}

static int class_last(const char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return C_WS;
    size_t i = len - 1;
    while (i > 0 && len - i < 4 && ((unsigned char)s[i] & 0xc0) == 0x80)
        i--;
    return classify(decode_at((const unsigned char *)s + i, len - i));
}

/* ------------------------------------------------------------------ */
/* Inline clean-up (runs on finished paragraphs, headings and cells)   */
/* ------------------------------------------------------------------ */

/* Every pass below recurses over inline containers only: the builder caps
 * their nesting at MAX_INLINE_DEPTH, so the recursion is bounded. */

static size_t count_lead(const char *s)
{
    size_t k = 0;
    while (s[k] == ' ')
        k++;
    return k;
}

static size_t count_trail(const char *s, size_t len)
{
    size_t k = 0;
    while (k < len && s[len - 1 - k] == ' ')
        k++;
    return k;
}

/* Strips leading spaces of a TEXT node; returns false when it is then
 * empty (and has been freed). */
static bool lstrip(cmark_node *t)
{
    const char *s = lit(t);
    size_t k = count_lead(s);
    if (s[k] == '\0') {
        drop(t);
        return false;
    }
    if (k > 0)
        set_lit_n(t, s + k, strlen(s + k));
    return true;
}

static bool rstrip(cmark_node *t)
{
    const char *s = lit(t);
    size_t len = strlen(s);
    size_t k = count_trail(s, len);
    if (k == len) {
        drop(t);
        return false;
    }
    if (k > 0)
        set_lit_n(t, s, len - k);
    return true;
}

/* Joins `first` and the TEXT nodes right after it into one, copying
 * each byte once: clean-up can leave long runs of text pieces. */
static void join_texts(cmark_node *first)
{
    size_t total = 0, count = 0;
    for (cmark_node *n = first; is_text(n); n = cmark_node_next(n)) {
        total += strlen(lit(n));
        count++;
    }
    if (count < 2)
        return;
    char *s = mem->calloc(total + 1, 1);
    size_t k = 0;
    cmark_node *n = first;
    for (size_t i = 0; i < count; i++) {
        cmark_node *nx = cmark_node_next(n);
        size_t len = strlen(lit(n));
        memcpy(s + k, lit(n), len);
        k += len;
        if (n != first)
            drop(n);
        n = nx;
    }
    cmark_node_set_literal(first, s);
    mem->free(s);
}

/* Removes empty TEXT nodes, joins adjacent ones and merges adjacent
 * emphasis of one kind: `*a**b*` does not read back as two emphases. */
static void merge_runs(cmark_node *c)
{
    cmark_node *ch = cmark_node_first_child(c);
    while (ch != NULL) {
        cmark_node_type t = type_of(ch);
        if (t == CMARK_NODE_TEXT) {
            join_texts(ch);
            cmark_node *nx = cmark_node_next(ch);
            if (lit(ch)[0] == '\0')
                drop(ch);
            ch = nx;
            continue;
        }
        if (is_emph_type(t)) {
            bool merged = false;
            for (cmark_node *nx; type_of(nx = cmark_node_next(ch)) == t;) {
                cmark_node *g;
                while ((g = cmark_node_first_child(nx)) != NULL) {
                    cmark_node_unlink(g);
                    append(ch, g);
                }
                drop(nx);
                merged = true;
            }
            if (merged)
                merge_runs(ch);
        }
        ch = cmark_node_next(ch);
    }
}

/* Bytes of the code point starting at s[0], within `len`. */
static size_t cp_len(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return n < len ? n : len;
}

/* Length of the run of code points at the start of `s` that are
 * whitespace (or, with `punct`, whitespace or punctuation). */
static size_t edge_prefix(const char *s, size_t len, bool punct)
{
    size_t k = 0;
    while (k < len) {
        int c = classify(decode_at((const unsigned char *)s + k, len - k));
        if (c == C_OTHER || (c == C_PUNCT && !punct))
            break;
        k += cp_len(s + k, len - k);
    }
    return k;
}

/* Offset where the same kind of run at the end of `s` starts. */
static size_t edge_suffix(const char *s, size_t len, bool punct)
{
    size_t keep = 0;
    for (size_t k = 0; k < len;) {
        int c = classify(decode_at((const unsigned char *)s + k, len - k));
        k += cp_len(s + k, len - k);
        if (c == C_OTHER || (c == C_PUNCT && !punct))
            keep = k;
    }
    return keep;
}

/* Moves the whitespace (and, with `punct`, punctuation) at the start of
 * wrapper `x`'s first text in front of `x`; hard breaks at its start
 * too. Returns true when something moved. */
static bool shed_start(cmark_node *x, bool punct)
{
    bool moved = false;
    for (cmark_node *f; (f = cmark_node_first_child(x)) != NULL;) {
        if (is_break(f)) {
            cmark_node_unlink(f);
            cmark_node_insert_before(x, f);
            moved = true;
            continue;
        }
        if (!is_text(f))
            break;
        const char *s = lit(f);
        size_t len = strlen(s), k = edge_prefix(s, len, punct);
        if (k == 0)
            break;
        cmark_node *t = new_node(CMARK_NODE_TEXT);
        set_lit_n(t, s, k);
        cmark_node_insert_before(x, t);
        moved = true;
        if (k < len) {
            set_lit_n(f, s + k, len - k);
            break;
        }
        drop(f);
    }
    return moved;
}

/* The same at the end of `x`, moved after it. */
static bool shed_end(cmark_node *x, bool punct)
{
    bool moved = false;
    for (cmark_node *l; (l = cmark_node_last_child(x)) != NULL;) {
        if (is_break(l)) {
            cmark_node_unlink(l);
            cmark_node_insert_after(x, l);
            moved = true;
            continue;
        }
        if (!is_text(l))
            break;
        const char *s = lit(l);
        size_t len = strlen(s), k = edge_suffix(s, len, punct);
        if (k == len)
            break;
        cmark_node *t = new_node(CMARK_NODE_TEXT);
        set_lit_n(t, s + k, len - k);
        cmark_node_insert_after(x, t);
        moved = true;
        if (k > 0) {
            set_lit_n(l, s, k);
            break;
        }
        drop(l);
    }
    return moved;
}

/* Moves the spaces (any Unicode space: U+3000 as well) and breaks at the
 * edges of wrapper `x` outside it: `*word *` does not close. */
static void hoist(cmark_node *x)
{
    shed_start(x, false);
    shed_end(x, false);
}

static void normalize(cmark_node *c)
{
    cmark_node *ch, *nx;
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        nx = cmark_node_next(ch);
        if (!is_wrapper(ch))
            continue;
        normalize(ch);
        /* Strong inside strong (emphasis inside emphasis) adds only a run
         * of delimiters: `****x****`. */
        if (type_of(ch) == type_of(c) && is_emph_type(type_of(c)))
            unwrap(ch);
    }
    merge_runs(c);
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        nx = cmark_node_next(ch);
        if (!is_wrapper(ch))
            continue;
        hoist(ch);
        if (cmark_node_first_child(ch) != NULL)
            continue;
        /* Empty: emphasis goes; a link shows its URL. */
        const char *url = cmark_node_get_url(ch);
        if (type_of(ch) == CMARK_NODE_LINK && url != NULL && *url != '\0')
            append(ch, new_text(url));
        else
            drop(ch);
    }
    merge_runs(c);
}

/* Trims spaces and breaks at the edges of block `b`. */
static void trim_edges(cmark_node *b)
{
    for (cmark_node *f; (f = cmark_node_first_child(b)) != NULL;) {
        if (is_break(f))
            drop(f);
        else if (!is_text(f) || lstrip(f))
            break;
    }
    for (cmark_node *l; (l = cmark_node_last_child(b)) != NULL;) {
        if (is_break(l))
            drop(l);
        else if (!is_text(l) || rstrip(l))
            break;
    }
}

/* Trims spaces around hard breaks and prints each as a backslash at the
 * end of the line: a raw "\" followed by a soft break (a newline plus the
 * container prefix). */
static void fix_breaks(cmark_node *c)
{
    cmark_node *ch, *nx;
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        if (type_of(ch) != CMARK_NODE_LINEBREAK) {
            if (is_wrapper(ch))
                fix_breaks(ch);
            nx = cmark_node_next(ch);
            continue;
        }
        cmark_node *p = cmark_node_previous(ch);
        if (is_text(p))
            rstrip(p);
        nx = cmark_node_next(ch);
        if (is_text(nx))
            lstrip(nx);
        nx = cmark_node_next(ch);
        cmark_node_insert_before(ch, new_raw("\\"));
        cmark_node_insert_before(ch, new_node(CMARK_NODE_SOFTBREAK));
        drop(ch);
    }
}

static int first_class(cmark_node *n)
{
    switch (type_of(n)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
        return class_first(lit(n));
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
        return C_WS;
    default:
        return C_PUNCT; /* a delimiter: * _ ~ ` [ < ! */
    }
}

static int last_class(cmark_node *n)
{
    switch (type_of(n)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
        return class_last(lit(n));
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
        return C_WS;
    default:
        return C_PUNCT; /* a delimiter: * _ ~ ` ) > */
    }
}

/* Would the delimiters printed around emphasis `x` open and close it?
 * (CommonMark's left/right-flanking rules for `*`; `_` is only used
 * between `*`s, `~~` follows the same rules.) */
static bool can_open(cmark_node *x)
{
    cmark_node *p = cmark_node_previous(x);
    bool nested = is_wrapper(cmark_node_parent(x));
    int before = p != NULL ? last_class(p) : nested ? C_PUNCT : C_WS;
    int first = first_class(cmark_node_first_child(x));
    return first != C_WS && (first != C_PUNCT || before != C_OTHER);
}

static bool can_close(cmark_node *x)
{
    cmark_node *nx = cmark_node_next(x);
    bool nested = is_wrapper(cmark_node_parent(x));
    int after = nx != NULL ? first_class(nx) : nested ? C_PUNCT : C_WS;
    int last = last_class(cmark_node_last_child(x));
    return last != C_WS && (last != C_PUNCT || after != C_OTHER);
}

/* Repairs emphasis that would print as literal asterisks: punctuation
 * at its edge next to a letter outside (`x*.y*`, `**Note:**Text`) moves
 * out of it (`**Note**:Text`); when that cannot help, the emphasis goes
 * and its text stays. Either changes the neighbours of other delimiters,
 * so the caller repeats the pass until nothing changes (at most
 * MAX_FLANK_PASSES times). */
static bool fix_flanking(cmark_node *c)
{
    bool changed = false;
    cmark_node *ch, *nx;
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        nx = cmark_node_next(ch);
        if (!is_wrapper(ch))
            continue;
        if (fix_flanking(ch))
            changed = true;
        if (!is_emph_type(type_of(ch)) || (can_open(ch) && can_close(ch)))
            continue;
        changed = true;
        if (!can_open(ch))
            shed_start(ch, true);
        if (!can_close(ch))
            shed_end(ch, true);
        if (cmark_node_first_child(ch) == NULL)
            drop(ch);
        else if (!can_open(ch) || !can_close(ch))
            unwrap(ch);
    }
    if (changed)
        merge_runs(c);
    return changed;
}

/* `[^1](x)` would read as a link and `[^1]:` at a line start as a
 * definition: escape a '(' or ':' right after a footnote reference. */
static void fix_footnotes(cmark_node *c)
{
    for (cmark_node *ch = cmark_node_first_child(c); ch != NULL;
         ch = cmark_node_next(ch)) {
        if (is_wrapper(ch)) {
            fix_footnotes(ch);
            continue;
        }
        if (cmark_node_get_user_data(ch) != &footnote_tag)
            continue;
        cmark_node *nx = cmark_node_next(ch);
        const char *s = is_text(nx) ? lit(nx) : "";
        if (s[0] != '(' && s[0] != ':')
            continue;
        const char *r = lit(ch);
        size_t lr = strlen(r);
        char *raw = mem->calloc(lr + 3, 1);
        memcpy(raw, r, lr);
        raw[lr] = '\\';
        raw[lr + 1] = s[0];
        cmark_node_set_literal(ch, raw);
        mem->free(raw);
        if (s[1] == '\0')
            drop(nx);
        else
            set_lit_n(nx, s + 1, strlen(s + 1));
    }
}

static bool is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Does inline `n` print a '[' first (a link, a footnote reference)? */
static bool starts_bracket(cmark_node *n)
{
    cmark_node_type t = type_of(n);
    return t == CMARK_NODE_LINK ||
           (t == CMARK_NODE_HTML_INLINE && lit(n)[0] == '[');
}

/* The renderer escapes every '!' and '_' ("Wow\!", "snake\_case"). A '!'
 * only matters before '[' (an image), and a '[' inside text is escaped
 * anyway; a '_' between two ASCII letters or digits can neither open nor
 * close emphasis. Those are printed as they are, through raw inline nodes
 * that the renderer copies without escaping. */
static void fix_overescape(cmark_node *c)
{
    cmark_node *ch, *nx;
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        nx = cmark_node_next(ch);
        if (is_wrapper(ch)) {
            fix_overescape(ch);
            continue;
        }
        if (!is_text(ch) || strpbrk(lit(ch), "!_") == NULL)
            continue;
        const char *s = lit(ch);
        size_t len = strlen(s), start = 0;
        char *copy = mem->calloc(len + 1, 1);
        memcpy(copy, s, len);
        for (size_t i = 0; i < len; i++) {
            bool raw = copy[i] == '!'
                           ? i + 1 < len || !starts_bracket(nx)
                           : copy[i] == '_' && i > 0 && is_alnum(copy[i - 1]) &&
                                 is_alnum(copy[i + 1]);
            if (!raw)
                continue;
            if (i > start) {
                cmark_node *t = new_node(CMARK_NODE_TEXT);
                set_lit_n(t, copy + start, i - start);
                cmark_node_insert_before(ch, t);
            }
            cmark_node_insert_before(ch, new_raw(copy[i] == '!' ? "!" : "_"));
            start = i + 1;
        }
        if (start > 0) {
            if (start < len)
                cmark_node_insert_before(ch, new_text(copy + start));
            drop(ch);
        }
        mem->free(copy);
    }
}

/* gfm.6 prints a link as an autolink `<url>` when its first child's
 * literal equals the URL, without checking that the child is text: an
 * image inside a link to the same URL reads as that literal (the two
 * share storage), and the image is lost; text followed by more content
 * loses the rest. An empty raw node first rules the case out. */
static void guard_autolinks(cmark_node *c)
{
    for (cmark_node *ch = cmark_node_first_child(c); ch != NULL;
         ch = cmark_node_next(ch)) {
        if (!is_wrapper(ch))
            continue;
        guard_autolinks(ch);
        cmark_node *f = cmark_node_first_child(ch);
        if (type_of(ch) == CMARK_NODE_LINK &&
            (!is_text(f) || cmark_node_next(f) != NULL))
            cmark_node_prepend_child(ch, new_raw(""));
    }
}

static void clean_inlines(cmark_node *b)
{
    normalize(b);
    trim_edges(b);
    fix_breaks(b);
    for (int i = 0; i < MAX_FLANK_PASSES && fix_flanking(b); i++)
        ;
    fix_footnotes(b);
    fix_overescape(b);
    guard_autolinks(b);
}

/* ------------------------------------------------------------------ */
/* Block clean-up                                                     */
/* ------------------------------------------------------------------ */

/* Can block `c` follow block `prev` in a tight list item, where no blank
 * line separates them? Not a paragraph (it would join the one before or
 * continue a quote lazily), a thematic break (`---` under a paragraph is
 * a heading), a table, or an ordered list not starting at 1 after a
 * paragraph (it cannot interrupt one); nothing after a list (the renderer
 * separates lists with an HTML comment). */
static bool tight_ok(cmark_node *prev, cmark_node *c)
{
    cmark_node_type t = type_of(c), tp = type_of(prev);
    if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_THEMATIC_BREAK ||
        t == CMARK_NODE_TABLE || t == CMARK_NODE_HTML_BLOCK ||
        tp == CMARK_NODE_LIST)
        return false;
    if (t == CMARK_NODE_LIST && tp == CMARK_NODE_PARAGRAPH &&
        cmark_node_get_list_type(c) == CMARK_ORDERED_LIST &&
        cmark_node_get_list_start(c) != 1)
        return false;
    return true;
}

static void decide_tight(cmark_node *list)
{
    if (!cmark_node_get_list_tight(list))
        return;
    for (cmark_node *it = cmark_node_first_child(list); it != NULL;
         it = cmark_node_next(it)) {
        cmark_node *prev = NULL;
        for (cmark_node *c = cmark_node_first_child(it); c != NULL;
             c = cmark_node_next(c)) {
            if (prev != NULL && !tight_ok(prev, c)) {
                cmark_node_set_list_tight(list, 0);
                return;
            }
            prev = c;
        }
    }
}

static bool holds_inlines(cmark_node_type t)
{
    return t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
           t == CMARK_NODE_TABLE_CELL;
}

/* Cleans every inline block below `b`, then removes the blocks left
 * empty and decides list tightness. Recursion is bounded by
 * MAX_BLOCK_DEPTH. */
static void finish_block(cmark_node *b)
{
    cmark_node_type t = type_of(b);
    if (holds_inlines(t)) {
        clean_inlines(b);
        return;
    }
    cmark_node *c, *nx;
    for (c = cmark_node_first_child(b); c != NULL; c = nx) {
        nx = cmark_node_next(c);
        finish_block(c);
        cmark_node_type ct = type_of(c);
        bool empty = cmark_node_first_child(c) == NULL;
        if (empty && (ct == CMARK_NODE_PARAGRAPH || ct == CMARK_NODE_HEADING ||
                      ct == CMARK_NODE_BLOCK_QUOTE || ct == CMARK_NODE_ITEM ||
                      ct == CMARK_NODE_LIST))
            drop(c);
    }
    if (t == CMARK_NODE_LIST)
        decide_tight(b);
}

/* ------------------------------------------------------------------ */
/* Footnote labels                                                    */
/* ------------------------------------------------------------------ */

static size_t hash_label(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

static fn_def *fn_find(md *w, const char *label)
{
    if (w->n_slots == 0 || label == NULL)
        return NULL;
    size_t mask = w->n_slots - 1;
    for (size_t i = hash_label(label) & mask;; i = (i + 1) & mask) {
        size_t v = w->slots[i];
        if (v == 0)
            return NULL;
        if (strcmp(w->defs[v - 1].label, label) == 0)
            return &w->defs[v - 1];
    }
}

/* Collects the FOOTNOTE_DEFs at the top of the document (the first of a
 * label wins; the others print as unreferenced definitions). */
static int fn_collect(md *w, const folio_node *root)
{
    const folio_doc_api *d = w->d;
    size_t n = 0;
    for (const folio_node *c = d->first_child(root); c != NULL;
         c = d->next(c)) {
        if (d->type(c) == FOLIO_NODE_FOOTNOTE_DEF)
            n++;
    }
    if (n == 0)
        return FOLIO_OK;
    size_t slots = 16;
    while (slots < n * 2)
        slots *= 2;
    w->defs = calloc(n, sizeof *w->defs);
    w->order = calloc(n, sizeof *w->order);
    w->slots = calloc(slots, sizeof *w->slots);
    if (w->defs == NULL || w->order == NULL || w->slots == NULL)
        return nomem(w);
    w->n_slots = slots;
    for (const folio_node *c = d->first_child(root); c != NULL;
         c = d->next(c)) {
        if (d->type(c) != FOLIO_NODE_FOOTNOTE_DEF)
            continue;
        const char *label = d->label(c);
        fn_def *def = &w->defs[w->n_defs++];
        def->node = c;
        def->label = label != NULL ? label : "";
        if (fn_find(w, def->label) != NULL)
            continue;
        size_t i = hash_label(def->label) & (slots - 1);
        while (w->slots[i] != 0)
            i = (i + 1) & (slots - 1);
        w->slots[i] = w->n_defs;
    }
    return FOLIO_OK;
}

static unsigned fn_number(md *w, fn_def *def)
{
    if (def->number == 0) {
        w->order[w->n_order++] = (size_t)(def - w->defs);
        def->number = (unsigned)w->n_order;
    }
    return def->number;
}

/* ------------------------------------------------------------------ */
/* Building the cmark tree                                            */
/* ------------------------------------------------------------------ */

static frame *top(md *w)
{
    return &w->st[w->n - 1];
}

static frame *push(md *w, const folio_node *n, int kind, cmark_node *cm,
                   unsigned flags)
{
    if (w->n == w->cap) {
        size_t cap = w->cap != 0 ? w->cap * 2 : 64;
        frame *st = realloc(w->st, cap * sizeof *st);
        if (st == NULL)
            return NULL;
        w->st = st;
        w->cap = cap;
    }
    frame *f = &w->st[w->n++];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->kind = kind;
    f->cm = cm;
    f->flags = flags;
    return f;
}

static int push_rc(md *w, const folio_node *n, int kind, cmark_node *cm,
                   unsigned flags)
{
    return push(w, n, kind, cm, flags) != NULL ? FOLIO_OK : nomem(w);
}

/* A frame without a node of its own: the children land where the
 * parent's would. */
static int push_pass(md *w, const folio_node *n)
{
    frame *f = top(w);
    return push_rc(w, n, K_PASS, f->cm, f->flags);
}

/* The innermost container that holds blocks. */
static cmark_node *block_parent(md *w)
{
    for (size_t i = w->n; i-- > 1;) {
        if (!(w->st[i].flags & (F_INLINE | F_NOBLOCK)))
            return w->st[i].cm;
    }
    return w->st[0].cm;
}

static void add_block(md *w, cmark_node *b)
{
    append(block_parent(w), b);
}

/* Appends an inline; one that arrives among blocks (a node type this
 * plugin does not know) gets a paragraph. */
static void add_inline(md *w, cmark_node *x)
{
    frame *f = top(w);
    if (f->flags & F_INLINE) {
        append(f->cm, x);
        return;
    }
    cmark_node *parent = block_parent(w);
    if (w->impl_parent != parent || w->impl_para == NULL ||
        cmark_node_last_child(parent) != w->impl_para) {
        w->impl_para = new_node(CMARK_NODE_PARAGRAPH);
        w->impl_parent = parent;
        append(parent, w->impl_para);
    }
    append(w->impl_para, x);
}

static bool too_deep(md *w, bool block)
{
    if (block ? w->bdepth < MAX_BLOCK_DEPTH : w->idepth < MAX_INLINE_DEPTH)
        return false;
    if (!w->warned_depth) {
        w->warned_depth = true;
        w->h->warn(w->job, "nesting deeper than %d levels was flattened",
                   block ? MAX_BLOCK_DEPTH : MAX_INLINE_DEPTH);
    }
    return true;
}

static int push_block(md *w, const folio_node *n, int kind, cmark_node *b)
{
    add_block(w, b);
    frame *f = push(w, n, kind, b, 0);
    if (f == NULL)
        return nomem(w);
    f->block_level = true;
    w->bdepth++;
    return FOLIO_OK;
}

/* Adds inline container `x` and enters it. */
static int push_wrapper(md *w, const folio_node *n, cmark_node *x)
{
    unsigned inherit = top(w)->flags & (F_NOBREAK | F_CELL);
    add_inline(w, x);
    frame *f = push(w, n, K_INLINE, x, F_INLINE | inherit);
    if (f == NULL)
        return nomem(w);
    f->inline_level = true;
    w->idepth++;
    return FOLIO_OK;
}

static int enter_paragraph(md *w, const folio_node *n)
{
    cmark_node *p = new_node(CMARK_NODE_PARAGRAPH);
    add_block(w, p);
    return push_rc(w, n, K_INLINE, p, F_INLINE);
}

static void enter_code_block(md *w, const folio_node *n)
{
    const folio_doc_api *d = w->d;
    const char *src = d->literal(n);
    src = src != NULL ? src : "";
    /* LF only: CR LF and lone CR become LF. */
    size_t len = strlen(src), j = 0;
    char *code = mem->calloc(len + 1, 1);
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\r') {
            code[j++] = '\n';
            if (src[i + 1] == '\n')
                i++;
        } else {
            code[j++] = src[i];
        }
    }
    /* The info string: the first word of the language, without the
     * backticks a backtick fence cannot carry. */
    const char *lang = d->code_language(n);
    char info[64];
    size_t k = 0;
    for (; lang != NULL && *lang != '\0' && k < sizeof info - 1; lang++) {
        unsigned char c = (unsigned char)*lang;
        if (c <= ' ') {
            if (k > 0)
                break;
        } else if (c != '`' && c != '~') {
            info[k++] = (char)c;
        }
    }
    info[k] = '\0';
    cmark_node *cb = new_node(CMARK_NODE_CODE_BLOCK);
    cmark_node_set_literal(cb, code);
    cmark_node_set_fence_info(cb, k > 0 ? info : "text");
    mem->free(code);
    add_block(w, cb);
}

static int enter_table(md *w, const folio_node *n)
{
    table_state *t = &w->tbl;
    if (t->active || (top(w)->flags & F_INLINE))
        return push_pass(w, n);
    memset(t, 0, sizeof *t);
    t->active = true;
    t->node = cmark_node_new_with_mem_and_ext(CMARK_NODE_TABLE, mem,
                                              table_ext);
    add_block(w, t->node);
    return push_rc(w, n, K_TABLE, t->node, F_NOBLOCK);
}

/* A row is a header row when marked so or when all its cells are. */
static bool row_is_header(md *w, const folio_node *row)
{
    const folio_doc_api *d = w->d;
    if (d->is_header(row))
        return true;
    const folio_node *c = d->first_child(row);
    if (c == NULL)
        return false;
    for (; c != NULL; c = d->next(c)) {
        if (!d->is_header(c))
            return false;
    }
    return true;
}

static int enter_row(md *w, const folio_node *n)
{
    table_state *t = &w->tbl;
    if (top(w)->kind != K_TABLE)
        return push_pass(w, n);
    cmark_node *r = cmark_node_new_with_mem_and_ext(CMARK_NODE_TABLE_ROW,
                                                    mem, table_ext);
    append(t->node, r);
    t->in_header = t->nrows == 0 && row_is_header(w, n);
    if (t->in_header) {
        t->has_header = true;
        cmark_gfm_extensions_set_table_row_is_header(r, 1);
    }
    t->nrows++;
    t->row = r;
    t->col = 0;
    return push_rc(w, n, K_ROW, r, F_NOBLOCK);
}

static void add_empty_cell(table_state *t)
{
    append(t->row, new_cell());
    t->col++;
}

/* Adds the empty cells that rowspans from the rows above put here. */
static void fill_carry(table_state *t)
{
    while (t->col < MAX_COLUMNS && t->carry[t->col] > 0) {
        t->carry[t->col]--;
        add_empty_cell(t);
    }
}

static int enter_cell(md *w, const folio_node *n)
{
    const folio_doc_api *d = w->d;
    table_state *t = &w->tbl;
    if (top(w)->kind != K_ROW)
        return push_pass(w, n);
    fill_carry(t);
    if (t->col >= MAX_COLUMNS) {
        /* Too wide: the content joins the last cell. */
        if (!w->warned_columns) {
            w->warned_columns = true;
            w->h->warn(w->job, "table columns past %d were merged",
                       MAX_COLUMNS);
        }
        cmark_node *last = cmark_node_last_child(t->row);
        append(last, new_text(" "));
        return push_rc(w, n, K_INLINE, last, F_INLINE | F_NOBREAK | F_CELL);
    }
    cmark_node *c = new_cell();
    append(t->row, c);
    folio_align fa = d->cell_align(n);
    uint8_t a = fa == FOLIO_ALIGN_LEFT     ? 'l'
                : fa == FOLIO_ALIGN_CENTER ? 'c'
                : fa == FOLIO_ALIGN_RIGHT  ? 'r'
                                           : 0;
    if (t->in_header) {
        t->head_align[t->col] = a;
    } else if (!t->body_seen[t->col]) {
        t->body_seen[t->col] = true;
        t->body_align[t->col] = a;
    } else if (t->body_align[t->col] != a) {
        t->body_mixed[t->col] = true;
    }
    frame *f = push(w, n, K_CELL, c, F_INLINE | F_NOBREAK | F_CELL);
    if (f == NULL)
        return nomem(w);
    f->col = t->col;
    f->colspan = d->cell_colspan(n) > 1 ? d->cell_colspan(n) : 1;
    f->rowspan = d->cell_rowspan(n) > 1 ? d->cell_rowspan(n) : 1;
    t->col++;
    return FOLIO_OK;
}

static void leave_cell(md *w, const frame *f)
{
    table_state *t = &w->tbl;
    int end = f->col + 1;
    for (int k = 1; k < f->colspan && t->col < MAX_COLUMNS; k++) {
        add_empty_cell(t);
        end = t->col;
    }
    for (int c = f->col; f->rowspan > 1 && c < end; c++) {
        if (t->carry[c] < f->rowspan - 1)
            t->carry[c] = f->rowspan - 1;
    }
}

static void leave_row(md *w)
{
    table_state *t = &w->tbl;
    int last = -1;
    for (int c = t->col; c < MAX_COLUMNS; c++) {
        if (t->carry[c] > 0)
            last = c;
    }
    while (t->col <= last) {
        if (t->carry[t->col] > 0)
            t->carry[t->col]--;
        add_empty_cell(t);
    }
    if (t->col > t->ncols)
        t->ncols = t->col;
    t->row = NULL;
}

static void leave_table(md *w)
{
    table_state *t = &w->tbl;
    t->active = false;
    if (t->ncols == 0) {
        drop(t->node);
        return;
    }
    if (!t->has_header) {
        cmark_node *r = cmark_node_new_with_mem_and_ext(CMARK_NODE_TABLE_ROW,
                                                        mem, table_ext);
        cmark_gfm_extensions_set_table_row_is_header(r, 1);
        cmark_node_prepend_child(t->node, r);
    }
    /* GFM wants every row as wide as the delimiter row. */
    for (cmark_node *r = cmark_node_first_child(t->node); r != NULL;
         r = cmark_node_next(r)) {
        int k = 0;
        for (cmark_node *c = cmark_node_first_child(r); c != NULL;
             c = cmark_node_next(c))
            k++;
        for (; k < t->ncols; k++)
            append(r, new_cell());
    }
    uint8_t align[MAX_COLUMNS];
    for (int c = 0; c < t->ncols; c++) {
        align[c] = t->head_align[c] ? t->head_align[c]
                   : t->body_mixed[c] ? 0
                                      : t->body_align[c];
    }
    cmark_gfm_extensions_set_table_columns(t->node, (uint16_t)t->ncols);
    /* Copied by the extension. */
    cmark_gfm_extensions_set_table_alignments(t->node, (uint16_t)t->ncols,
                                              align);
}

/* FIGURE: the caption (emphasised) and the credit, as one paragraph
 * after the figure's blocks. */
static void leave_figure(frame *f)
{
    cmark_node *p = new_node(CMARK_NODE_PARAGRAPH);
    if (f->caption != NULL && cmark_node_first_child(f->caption) != NULL) {
        /* Emphasis inside the emphasised caption adds nothing but a
         * run of asterisks. */
        cmark_node *c, *nx;
        for (c = cmark_node_first_child(f->caption); c != NULL; c = nx) {
            nx = cmark_node_next(c);
            if (type_of(c) == CMARK_NODE_EMPH)
                unwrap(c);
        }
        append(p, f->caption);
    }
    else if (f->caption != NULL)
        cmark_node_free(f->caption);
    if (f->credit != NULL && cmark_node_first_child(f->credit) != NULL) {
        cmark_node *into = p;
        if (cmark_node_first_child(p) != NULL) {
            append(p, new_text(" "));
        } else {
            into = new_node(CMARK_NODE_EMPH);
            append(p, into);
        }
        for (cmark_node *g; (g = cmark_node_first_child(f->credit)) != NULL;) {
            cmark_node_unlink(g);
            append(into, g);
        }
    }
    if (f->credit != NULL)
        cmark_node_free(f->credit);
    f->caption = f->credit = NULL;
    if (cmark_node_first_child(p) != NULL)
        append(f->cm, p);
    else
        cmark_node_free(p);
}

static int enter_caption(md *w, const folio_node *n, bool caption)
{
    frame *f = top(w);
    if (f->kind != K_FIGURE)
        return enter_paragraph(w, n);
    cmark_node **slot = caption ? &f->caption : &f->credit;
    if (*slot == NULL)
        *slot = new_node(caption ? CMARK_NODE_EMPH : CMARK_NODE_PARAGRAPH);
    else
        append(*slot, new_text(" "));
    return push_rc(w, n, K_INLINE, *slot, F_INLINE);
}

static void enter_footnote_ref(md *w, const folio_node *n)
{
    const char *label = w->d->label(n);
    fn_def *def = fn_find(w, label != NULL ? label : "");
    if (def == NULL) {
        /* No definition to point to: keep the label as text. */
        size_t len = label != NULL ? strlen(label) : 0;
        char *s = mem->calloc(len + 3, 1);
        s[0] = '[';
        if (len > 0)
            memcpy(s + 1, label, len);
        s[len + 1] = ']';
        char *t = norm_text(s, false);
        add_inline(w, new_text(t));
        mem->free(t);
        mem->free(s);
        return;
    }
    char raw[32];
    snprintf(raw, sizeof raw, "[^%u]", fn_number(w, def));
    cmark_node *r = new_raw(raw);
    cmark_node_set_user_data(r, &footnote_tag);
    add_inline(w, r);
}

static void enter_image(md *w, const folio_node *n)
{
    const folio_doc_api *d = w->d;
    const char *url = d->url(n);
    if (url == NULL || *url == '\0')
        return;
    cmark_node *img = new_node(CMARK_NODE_IMAGE);
    cmark_node_set_url(img, url);
    const char *title = d->title(n);
    if (title != NULL && *title != '\0')
        cmark_node_set_title(img, title);
    const char *alt = d->alt(n);
    if (alt != NULL && *alt != '\0') {
        char *t = norm_text(alt, false);
        append(img, new_text(t));
        mem->free(t);
    }
    add_inline(w, img);
}

static int enter(md *w, const folio_node *n)
{
    const folio_doc_api *d = w->d;
    frame *f = top(w);
    cmark_node *x;

    switch (d->type(n)) {
    case FOLIO_NODE_HEADING: {
        int level = d->heading_level(n);
        x = new_node(CMARK_NODE_HEADING);
        cmark_node_set_heading_level(x, level < 1 ? 1 : level > 6 ? 6 : level);
        add_block(w, x);
        return push_rc(w, n, K_INLINE, x, F_INLINE | F_NOBREAK);
    }
    case FOLIO_NODE_PARAGRAPH:
        return enter_paragraph(w, n);
    case FOLIO_NODE_LIST: {
        if (too_deep(w, true))
            return push_pass(w, n);
        x = new_node(CMARK_NODE_LIST);
        if (d->list_ordered(n)) {
            int start = d->list_start(n);
            cmark_node_set_list_type(x, CMARK_ORDERED_LIST);
            cmark_node_set_list_delim(x, CMARK_PERIOD_DELIM);
            /* CommonMark allows at most nine digits. */
            cmark_node_set_list_start(x, start < 0           ? 0
                                         : start > 999999999 ? 999999999
                                                             : start);
        } else {
            cmark_node_set_list_type(x, CMARK_BULLET_LIST);
        }
        cmark_node_set_list_tight(x, d->list_tight(n));
        return push_block(w, n, K_LIST, x);
    }
    case FOLIO_NODE_LIST_ITEM: {
        if (f->kind != K_LIST)
            return push_pass(w, n);
        x = new_node(CMARK_NODE_ITEM);
        append(f->cm, x);
        frame *fr = push(w, n, K_BLOCK, x, 0);
        if (fr == NULL)
            return nomem(w);
        fr->block_level = true;
        w->bdepth++;
        return FOLIO_OK;
    }
    case FOLIO_NODE_BLOCKQUOTE:
    case FOLIO_NODE_ASIDE:
        if (too_deep(w, true))
            return push_pass(w, n);
        return push_block(w, n, K_BLOCK, new_node(CMARK_NODE_BLOCK_QUOTE));
    case FOLIO_NODE_CODE_BLOCK:
        enter_code_block(w, n);
        return FOLIO_OK;
    case FOLIO_NODE_THEMATIC_BREAK:
        add_block(w, new_node(CMARK_NODE_THEMATIC_BREAK));
        return FOLIO_OK;
    case FOLIO_NODE_FIGURE:
        return push_rc(w, n, K_FIGURE, block_parent(w), 0);
    case FOLIO_NODE_CAPTION:
        return enter_caption(w, n, true);
    case FOLIO_NODE_CREDIT:
        return enter_caption(w, n, false);
    case FOLIO_NODE_TABLE:
        return enter_table(w, n);
    case FOLIO_NODE_TABLE_ROW:
        return enter_row(w, n);
    case FOLIO_NODE_TABLE_CELL:
        return enter_cell(w, n);
    case FOLIO_NODE_DEF_TERM: {
        cmark_node *p = new_node(CMARK_NODE_PARAGRAPH);
        add_block(w, p);
        x = new_node(CMARK_NODE_STRONG);
        append(p, x);
        return push_rc(w, n, K_INLINE, x, F_INLINE);
    }
    case FOLIO_NODE_TEXT: {
        const char *s = d->literal(n);
        if (s == NULL || *s == '\0')
            return FOLIO_OK;
        char *t = norm_text(s, false);
        add_inline(w, new_text(t));
        mem->free(t);
        return FOLIO_OK;
    }
    case FOLIO_NODE_CODE: {
        const char *s = d->literal(n);
        if (s == NULL || *s == '\0')
            return FOLIO_OK;
        char *t = norm_text(s, true);
        x = new_node(CMARK_NODE_CODE);
        cmark_node_set_literal(x, t);
        mem->free(t);
        add_inline(w, x);
        return FOLIO_OK;
    }
    case FOLIO_NODE_EMPH:
    case FOLIO_NODE_STRONG:
        if (too_deep(w, false))
            return push_pass(w, n);
        return push_wrapper(w, n,
                            new_node(d->type(n) == FOLIO_NODE_EMPH
                                         ? CMARK_NODE_EMPH
                                         : CMARK_NODE_STRONG));
    case FOLIO_NODE_STRIKE:
        if (too_deep(w, false))
            return push_pass(w, n);
        return push_wrapper(w, n,
                            cmark_node_new_with_mem_and_ext(
                                CMARK_NODE_STRIKETHROUGH, mem, strike_ext));
    case FOLIO_NODE_LINK: {
        const char *url = d->url(n);
        if (url == NULL || *url == '\0' || too_deep(w, false))
            return push_pass(w, n);
        x = new_node(CMARK_NODE_LINK);
        cmark_node_set_url(x, url);
        const char *title = d->title(n);
        if (title != NULL && *title != '\0')
            cmark_node_set_title(x, title);
        return push_wrapper(w, n, x);
    }
    case FOLIO_NODE_IMAGE:
        enter_image(w, n);
        return FOLIO_OK;
    case FOLIO_NODE_LINEBREAK:
        if (!(f->flags & F_NOBREAK))
            add_inline(w, new_node(CMARK_NODE_LINEBREAK));
        else if ((f->flags & F_CELL) && w->html)
            add_inline(w, new_raw("<br>"));
        else
            add_inline(w, new_text(" "));
        return FOLIO_OK;
    case FOLIO_NODE_SUPERSCRIPT:
    case FOLIO_NODE_SUBSCRIPT: {
        if (!w->html)
            return push_pass(w, n);
        bool sup = d->type(n) == FOLIO_NODE_SUPERSCRIPT;
        add_inline(w, new_raw(sup ? "<sup>" : "<sub>"));
        frame *fr = push(w, n, K_RAW, f->cm, f->flags);
        if (fr == NULL)
            return nomem(w);
        fr->raw_close = sup ? "</sup>" : "</sub>";
        return FOLIO_OK;
    }
    case FOLIO_NODE_FOOTNOTE_REF:
        enter_footnote_ref(w, n);
        return FOLIO_OK;
    case FOLIO_NODE_DOCUMENT:
    case FOLIO_NODE_DEF_LIST:
    case FOLIO_NODE_DEF_DESC:
    case FOLIO_NODE_FOOTNOTE_DEF: /* below the top: not a definition */
        return push_pass(w, n);
    default:
        /* A type newer than this plugin: its children only. One without
         * children may be a leaf of the newer host's iterator, which then
         * sends no EXIT: push no frame for it. */
        if (d->first_child(n) != NULL)
            return push_pass(w, n);
        return FOLIO_OK;
    }
}

static void leave(md *w, const folio_node *n)
{
    /* EXIT of a node that got no frame (a childless unknown type). */
    if (w->n <= 1 || top(w)->node != n)
        return;
    frame *f = top(w);
    if (f->block_level)
        w->bdepth--;
    if (f->inline_level)
        w->idepth--;
    switch (f->kind) {
    case K_FIGURE:
        leave_figure(f);
        break;
    case K_TABLE:
        leave_table(w);
        break;
    case K_ROW:
        leave_row(w);
        break;
    case K_CELL:
        leave_cell(w, f);
        break;
    default:
        break;
    }
    const char *close = f->kind == K_RAW ? f->raw_close : NULL;
    w->n--;
    if (close != NULL)
        add_inline(w, new_raw(close));
}

/* Frees what unfinished frames hold and resets the builder. */
static void unwind(md *w)
{
    for (size_t i = 0; i < w->n; i++) {
        if (w->st[i].caption != NULL)
            cmark_node_free(w->st[i].caption);
        if (w->st[i].credit != NULL)
            cmark_node_free(w->st[i].credit);
    }
    w->n = 0;
    w->bdepth = w->idepth = 0;
    w->tbl.active = false;
    w->impl_parent = w->impl_para = NULL;
}

/* Builds the blocks `first` and its siblings into `doc`, skipping the
 * footnote definitions when `skip_defs`. */
static int build(md *w, const folio_node *first, cmark_node *doc,
                 bool skip_defs)
{
    const folio_doc_api *d = w->d;
    int rc = FOLIO_OK;
    if (push(w, NULL, K_BLOCK, doc, 0) == NULL)
        return nomem(w);
    for (const folio_node *c = first; c != NULL; c = d->next(c)) {
        if (skip_defs && d->type(c) == FOLIO_NODE_FOOTNOTE_DEF)
            continue;
        folio_iter it;
        d->iter_init(&it, c);
        for (folio_event ev; (ev = d->iter_next(&it)) != FOLIO_EVENT_DONE;) {
            const folio_node *n = d->iter_node(&it);
            if (ev == FOLIO_EVENT_ENTER) {
                if ((rc = enter(w, n)) < 0)
                    goto done;
            } else {
                leave(w, n);
            }
        }
    }
done:
    unwind(w);
    if (rc == FOLIO_OK)
        finish_block(doc);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Title                                                              */
/* ------------------------------------------------------------------ */

/* Does `h` (a HEADING) read `title`? */
static bool heading_is(md *w, const folio_node *h, const char *title)
{
    const folio_doc_api *d = w->d;
    size_t limit = strlen(title) * 2 + 16, len = 0;
    char *s = mem->calloc(limit + 1, 1);
    folio_iter it;
    d->iter_init(&it, h);
    for (folio_event ev; (ev = d->iter_next(&it)) != FOLIO_EVENT_DONE;) {
        const folio_node *n = d->iter_node(&it);
        folio_node_type t = d->type(n);
        const char *l = NULL;
        if (ev == FOLIO_EVENT_ENTER &&
            (t == FOLIO_NODE_TEXT || t == FOLIO_NODE_CODE))
            l = d->literal(n);
        else if (t == FOLIO_NODE_LINEBREAK)
            l = " ";
        size_t k = l != NULL ? strlen(l) : 0;
        if (k > limit - len) {
            mem->free(s);
            return false;
        }
        if (k > 0)
            memcpy(s + len, l, k);
        len += k;
    }
    char *q = squash(s);
    bool same = strcmp(q, title) == 0;
    mem->free(q);
    mem->free(s);
    return same;
}

/* Prints the metadata title as a level-1 heading unless the document
 * starts with a heading of that text. */
static void add_title(md *w, cmark_node *doc, const folio_doc *fd)
{
    const folio_doc_api *d = w->d;
    const folio_meta *m = d->meta(fd);
    if (m == NULL || m->title == NULL)
        return;
    char *t = squash(m->title);
    const folio_node *first = d->first_child(d->root(fd));
    if (*t != '\0' && !(d->type(first) == FOLIO_NODE_HEADING &&
                        heading_is(w, first, t))) {
        cmark_node *h = new_node(CMARK_NODE_HEADING);
        cmark_node_set_heading_level(h, 1);
        append(h, new_text(t));
        append(doc, h);
    }
    mem->free(t);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                          */
/* ------------------------------------------------------------------ */

/* What render() does to a line of the renderer's output. */
enum { FIX_CODE, FIX_DROP, FIX_MARK };

typedef struct line_fix {
    int line;   /* 1-based */
    int kind;
    int end;    /* FIX_CODE: last line of the code block */
    size_t col; /* FIX_MARK: byte of the list marker to replace */
    char repl;
} line_fix;

typedef struct fixes {
    line_fix *v;
    size_t n, cap;
} fixes;

static bool add_fix(fixes *f, int line, int kind, int end, size_t col,
                    char repl)
{
    if (f->n == f->cap) {
        size_t cap = f->cap != 0 ? f->cap * 2 : 16;
        line_fix *v = realloc(f->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = (line_fix){line, kind, end, col, repl};
    return true;
}

static int cmp_fix(const void *a, const void *b)
{
    const line_fix *x = a, *y = b;
    return x->line != y->line ? (x->line > y->line) - (x->line < y->line)
                              : (x->kind > y->kind) - (x->kind < y->kind);
}

static bool blankish(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '>')
            return false;
    }
    return true;
}

typedef struct lines {
    const char *text;
    size_t len;
    size_t *start; /* offset of each line */
    int n;
} lines;

/* Returns line `ln` (1-based) and its length, or NULL. */
static const char *line_at(const lines *L, int ln, size_t *n)
{
    if (ln < 1 || ln > L->n)
        return NULL;
    size_t a = L->start[ln - 1];
    size_t b = ln < L->n ? L->start[ln] - 1 : L->len;
    *n = b > a && L->text[b - 1] == '\n' ? b - a - 1 : b - a;
    return L->text + a;
}

/* The renderer separates two lists of one kind with "<!-- end list -->"
 * (a blank line alone would join them). Switching the second list's
 * marker ('-' to '*', '.' to ')') keeps them apart without the comment,
 * which Hugo prints as "raw HTML omitted". `prev_list`/`prev_mark`: the
 * last list switched, so that a third list switches back. Returns false
 * (comment kept) when a marker is not where the parse says. */
static bool switch_marker(fixes *fx, const lines *L, cmark_node *list,
                          char from, char *to)
{
    size_t mark = fx->n;
    bool ordered = from == '.';
    for (cmark_node *it = cmark_node_first_child(list); it != NULL;
         it = cmark_node_next(it)) {
        size_t n = 0;
        int ln = cmark_node_get_start_line(it);
        const char *s = line_at(L, ln, &n);
        int c = cmark_node_get_start_column(it);
        size_t col = c > 0 ? (size_t)c - 1 : n;
        while (ordered && col < n && is_digit(s[col]))
            col++;
        if (s == NULL || col >= n || s[col] != from ||
            (*to != from && !add_fix(fx, ln, FIX_MARK, 0, col, *to))) {
            fx->n = mark;
            return false;
        }
    }
    return true;
}

static int index_lines(lines *L)
{
    size_t count = 1;
    for (size_t i = 0; i < L->len; i++)
        count += L->text[i] == '\n';
    if (count > INT_MAX)
        return FOLIO_ENOMEM;
    if ((L->start = malloc(count * sizeof *L->start)) == NULL)
        return FOLIO_ENOMEM;
    L->n = 0;
    L->start[L->n++] = 0;
    for (size_t i = 0; i + 1 < L->len; i++) {
        if (L->text[i] == '\n')
            L->start[L->n++] = i + 1;
    }
    return FOLIO_OK;
}

static cmark_node *parse_back(const char *text, size_t len)
{
    cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, mem);
    cmark_parser_attach_syntax_extension(p, table_ext);
    cmark_parser_feed(p, text, len);
    cmark_node *root = cmark_parser_finish(p);
    cmark_parser_free(p);
    return root;
}

/* Is line `ln` only container prefixes and list markers ("  - 1.  ")? */
static bool marker_only(const lines *L, int ln)
{
    size_t n;
    const char *s = line_at(L, ln, &n);
    bool marker = false;
    for (size_t i = 0; s != NULL && i < n;) {
        if (s[i] == ' ' || s[i] == '>') {
            i++;
            continue;
        }
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d && (s[i] == '-' || s[i] == '*' || s[i] == '+'))
            i++;
        else if (i > d && i - d <= 9 && i < n && (s[i] == '.' || s[i] == ')'))
            i++;
        else
            return false;
        if (i < n && s[i] != ' ')
            return false;
        marker = true;
    }
    return marker;
}

static bool blank_line(const lines *L, int ln)
{
    size_t n;
    const char *s = line_at(L, ln, &n);
    return s != NULL && blankish(s, n);
}

/* A list item whose first block is a table or a thematic break comes out
 * as the marker alone, a blank line, then the block: CommonMark reads an
 * empty item and an indented code block. Such a blank line goes (an item
 * may start with one blank line). No item is ever empty here (empty
 * items are dropped), so a marker alone on its line is always this
 * case; the lines of code blocks are left alone. */
static int join_marker_lines(md *w, char **textp)
{
    lines L = {*textp, strlen(*textp), NULL, 0};
    int *code = NULL;
    buf b = {0};
    int rc = FOLIO_OK;
    if (index_lines(&L) < 0) {
        rc = nomem(w);
        goto done;
    }
    int ln = 1;
    while (ln + 2 <= L.n && !(marker_only(&L, ln) && blank_line(&L, ln + 1) &&
                             !blank_line(&L, ln + 2)))
        ln++;
    if (ln + 2 > L.n)
        goto done;

    /* code[i] != 0: line i + 1 is in a code block */
    if ((code = calloc((size_t)L.n, sizeof *code)) == NULL) {
        rc = nomem(w);
        goto done;
    }
    cmark_node *root = parse_back(L.text, L.len);
    cmark_iter *it = cmark_iter_new(root);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || type_of(n) != CMARK_NODE_CODE_BLOCK)
            continue;
        int a = cmark_node_get_start_line(n), z = cmark_node_get_end_line(n);
        for (int k = a < 1 ? 1 : a; k <= z && k <= L.n; k++)
            code[k - 1] = 1;
    }
    cmark_iter_free(it);
    cmark_node_free(root);

    for (ln = 1; ln <= L.n; ln++) {
        size_t n;
        const char *s = line_at(&L, ln, &n);
        if (ln > 1 && ln < L.n && !code[ln - 2] && !code[ln - 1] &&
            marker_only(&L, ln - 1) && blank_line(&L, ln) &&
            !blank_line(&L, ln + 1))
            continue;
        if (buf_put(&b, s, n) < 0 || buf_put(&b, "\n", 1) < 0) {
            rc = nomem(w);
            goto done;
        }
    }
    char *t = mem->calloc(b.len + 1, 1);
    memcpy(t, b.p, b.len);
    mem->free(*textp);
    *textp = t;
done:
    free(L.start);
    free(code);
    free(b.p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reference-style links (-O links=references)                         */
/* ------------------------------------------------------------------ */

static size_t hash_ref(const char *url, const char *title)
{
    return hash_label(url) * 31u + hash_label(title);
}

static int ref_grow(md *w)
{
    if (w->n_rv == w->cap_rv) {
        size_t cap = w->cap_rv != 0 ? w->cap_rv * 2 : 16;
        ref *v = realloc(w->rv, cap * sizeof *v);
        if (v == NULL)
            return FOLIO_ENOMEM;
        w->rv = v;
        w->cap_rv = cap;
    }
    /* Keep the table at most half full. */
    if ((w->n_rv + 1) * 2 <= w->n_rslots)
        return FOLIO_OK;
    size_t n = w->n_rslots != 0 ? w->n_rslots * 2 : 64;
    size_t *sl = calloc(n, sizeof *sl);
    if (sl == NULL)
        return FOLIO_ENOMEM;
    for (size_t k = 0; k < w->n_rv; k++) {
        size_t i = hash_ref(w->rv[k].url, w->rv[k].title) & (n - 1);
        while (sl[i] != 0)
            i = (i + 1) & (n - 1);
        sl[i] = k + 1;
    }
    free(w->rslots);
    w->rslots = sl;
    w->n_rslots = n;
    return FOLIO_OK;
}

/* The number of the reference for `url` and `title`, given in order of
 * first use; 0 when out of memory. */
static size_t ref_number(md *w, const char *url, const char *title)
{
    if (ref_grow(w) < 0)
        return 0;
    size_t mask = w->n_rslots - 1;
    size_t i = hash_ref(url, title) & mask;
    for (; w->rslots[i] != 0; i = (i + 1) & mask) {
        ref *r = &w->rv[w->rslots[i] - 1];
        if (strcmp(r->url, url) == 0 && strcmp(r->title, title) == 0)
            return w->rslots[i];
    }
    ref r = {strdup(url), strdup(title)};
    if (r.url == NULL || r.title == NULL) {
        free(r.url);
        free(r.title);
        return 0;
    }
    w->rv[w->n_rv++] = r;
    w->rslots[i] = w->n_rv;
    return w->n_rv;
}

/* Replaces every LINK under `c` by "[", its children and "][n]", the
 * brackets as raw inline nodes, which the renderer copies as they are
 * while it still escapes the children's text by context (a '[' in the
 * text stays "\["). Runs after the inline clean-ups, which see the links
 * as links; the depth is bounded by MAX_BLOCK_DEPTH and MAX_INLINE_DEPTH
 * like theirs. */
static int refs_convert(md *w, cmark_node *c)
{
    cmark_node *ch, *nx;
    for (ch = cmark_node_first_child(c); ch != NULL; ch = nx) {
        nx = cmark_node_next(ch);
        if (type_of(ch) != CMARK_NODE_LINK) {
            if (refs_convert(w, ch) < 0)
                return FOLIO_ENOMEM;
            continue;
        }
        const char *url = cmark_node_get_url(ch);
        const char *title = cmark_node_get_title(ch);
        size_t n = ref_number(w, url != NULL ? url : "",
                              title != NULL ? title : "");
        if (n == 0 || refs_convert(w, ch) < 0)
            return FOLIO_ENOMEM;
        char close[32];
        snprintf(close, sizeof close, "][%zu]", n);
        cmark_node_insert_before(ch, new_raw("["));
        cmark_node_insert_after(ch, new_raw(close));
        unwrap(ch);
    }
    return FOLIO_OK;
}

/* Would `s` (at an '&') read as an entity or character reference? */
static bool entity_at(const char *s)
{
    size_t i = 1;
    if (s[i] == '#')
        i++;
    size_t start = i;
    while (is_alnum((unsigned char)s[i]))
        i++;
    return i > start && s[i] == ';';
}

/* Appends `s` for a definition's destination (`dest`) or title: '\\',
 * '"' (titles), '<' and '>' (destinations) get a backslash; an '&' that
 * would start an entity is written "&amp;" (cmark-gfm decodes entities
 * before backslash escapes, so "\\&" would not survive); spaces and line
 * breaks in a destination are percent-encoded like the renderer does,
 * in a title line breaks become spaces (a blank line would end the
 * definition). */
static int put_ref_part(buf *o, const char *s, bool dest)
{
    int rc = FOLIO_OK;
    for (; rc == FOLIO_OK && *s != '\0'; s++) {
        char c = *s;
        if (c == '\n' || c == '\r' || (dest && c == ' '))
            rc = dest ? buf_put(o, c == '\n'   ? "%0A"
                                   : c == '\r' ? "%0D"
                                               : "%20",
                                3)
                      : buf_put(o, " ", 1);
        else if (c == '&' && entity_at(s))
            rc = buf_put(o, "&amp;", 5);
        else if (c == '\\' || (dest ? c == '<' || c == '>' : c == '"'))
            rc = buf_put(o, "\\", 1) == 0 ? buf_put(o, s, 1) : FOLIO_ENOMEM;
        else
            rc = buf_put(o, s, 1);
    }
    return rc;
}

/* A destination without spaces, controls, brackets, parentheses or
 * backslashes is written bare, others between '<' and '>'. */
static bool bare_url(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c == 0x7f || strchr("<>()\\", c) != NULL)
            return false;
    }
    return true;
}

/* Writes the definitions "[n]: URL "title"", a blank line first. */
static int write_refs(md *w)
{
    buf o = {0};
    int rc = w->wrote ? buf_put(&o, "\n", 1) : FOLIO_OK;
    for (size_t i = 0; rc == FOLIO_OK && i < w->n_rv; i++) {
        const ref *r = &w->rv[i];
        bool bare = *r->url != '\0' && bare_url(r->url);
        char head[40];
        snprintf(head, sizeof head, "[%zu]: %s", i + 1, bare ? "" : "<");
        rc = buf_put(&o, head, strlen(head));
        if (rc == FOLIO_OK)
            rc = put_ref_part(&o, r->url, true);
        if (rc == FOLIO_OK && !bare)
            rc = buf_put(&o, ">", 1);
        if (rc == FOLIO_OK && *r->title != '\0') {
            rc = buf_put(&o, " \"", 2);
            if (rc == FOLIO_OK)
                rc = put_ref_part(&o, r->title, false);
            if (rc == FOLIO_OK)
                rc = buf_put(&o, "\"", 1);
        }
        if (rc == FOLIO_OK)
            rc = buf_put(&o, "\n", 1);
    }
    if (rc < 0)
        rc = nomem(w);
    else
        rc = emit(w, o.p, o.len);
    free(o.p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Template engines (-O preset)                                       */
/* ------------------------------------------------------------------ */

static const char zwsp[] = "\xe2\x80\x8b"; /* U+200B ZERO WIDTH SPACE */

/* Does the tag starting at `s` ("{%") open or close a raw block? Liquid
 * ends `{% raw %}` at the first endraw tag; Nunjucks also counts nested
 * raw tags and has verbatim as a synonym. Whitespace control ('-') and
 * spacing vary, so any such tag counts. */
static bool raw_tag_at(const char *s)
{
    s += 2;
    if (*s == '-')
        s++;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (strncmp(s, "end", 3) == 0)
        s += 3;
    return strncmp(s, "raw", 3) == 0 || strncmp(s, "verbatim", 8) == 0;
}

/* Makes the text in `w->all` safe for the preset's template engine and
 * writes it:
 *  - jekyll (Liquid) and eleventy (Liquid or Nunjucks) run `{{`, `{%`
 *    (Nunjucks: `{#`) anywhere in the file, code included: text with any
 *    of them goes inside `{% raw %}` ... `{% endraw %}`, each on its own
 *    line with a blank line after the opening one (so the engine leaves
 *    the same Markdown). A raw tag inside the text would end the block
 *    early: its '{' is printed by the engine instead, from outside the
 *    block (`{% endraw %}{{ "{" }}{% raw %}% endraw %}`), with a warning.
 *  - hugo runs `{{<` and `{{%` as shortcodes, also in code: a U+200B
 *    ZERO WIDTH SPACE goes between the braces and the '<' or '%'. */
static int hazards(md *w)
{
    const char *s = w->all.p != NULL ? w->all.p : "";
    size_t len = w->all.len;
    buf o = {0};
    int rc = FOLIO_OK;
    bool nunjucks = w->preset == P_ELEVENTY;
    bool wrap = false;
    if (w->preset != P_HUGO) {
        for (size_t i = 0; i + 1 < len && !wrap; i++)
            wrap = s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%' ||
                                   (nunjucks && s[i + 1] == '#'));
        if (!wrap) {
            w->hold = false;
            return emit(w, s, len);
        }
        rc = buf_put(&o, "{% raw %}\n\n", 11);
    }
    bool warned = false;
    size_t from = 0;
    for (size_t i = 0; rc == FOLIO_OK && i + 1 < len; i++) {
        if (s[i] != '{')
            continue;
        if (w->preset == P_HUGO) {
            if (s[i + 1] != '{' || (s[i + 2] != '<' && s[i + 2] != '%'))
                continue;
            rc = buf_put(&o, s + from, i + 2 - from);
            if (rc == FOLIO_OK)
                rc = buf_put(&o, zwsp, 3);
            from = i + 2;
            i++;
            continue;
        }
        if (s[i + 1] != '%' || !raw_tag_at(s + i))
            continue;
        if (!warned)
            w->h->warn(w->job, "a raw template tag in the text was split "
                               "so that it prints as text");
        warned = true;
        static const char esc[] = "{% endraw %}{{ \"{\" }}{% raw %}";
        rc = buf_put(&o, s + from, i - from);
        if (rc == FOLIO_OK)
            rc = buf_put(&o, esc, sizeof esc - 1);
        from = i + 1;
    }
    if (rc == FOLIO_OK)
        rc = buf_put(&o, s + from, len - from);
    if (rc == FOLIO_OK && wrap)
        rc = buf_put(&o, "\n{% endraw %}\n", 14);
    w->hold = false;
    if (rc < 0)
        rc = nomem(w);
    else
        rc = emit(w, o.p, o.len);
    free(o.p);
    return rc;
}

/* Whether the tidying in render() can change the text: it drops or
 * rewrites only around a "<!-- end list -->" and trims only lines of
 * container prefixes or list markers that end in a blank. Most documents
 * have neither, and then the costly parse back is skipped. */
static bool needs_tidy(const lines *L)
{
    static const char end_list[] = "<!-- end list -->";
    for (int ln = 1; ln <= L->n; ln++) {
        size_t n = 0;
        const char *s = line_at(L, ln, &n);
        if (n > 0 && s[n - 1] == ' ' &&
            (blankish(s, n) || marker_only(L, ln)))
            return true;
        for (const char *p = s; n >= sizeof end_list - 1 &&
                                (p = memchr(p, '<', (size_t)(s + n - p)))
                                != NULL; p++) {
            if ((size_t)(s + n - p) >= sizeof end_list - 1 &&
                memcmp(p, end_list, sizeof end_list - 1) == 0)
                return true;
        }
    }
    return false;
}

/* Renders `doc` and tidies the text (see the file comment): lines that
 * are only container prefixes lose their trailing blanks, and each
 * "<!-- end list -->" goes with the blank line after it (before a code
 * block, which is always fenced, it is not needed; between two lists see
 * switch_marker()). What is what comes from parsing the text back; the
 * lines of code blocks are never touched. The result, without trailing
 * newlines, is left in `out`. */
static int render(md *w, cmark_node *doc, buf *out)
{
    if (w->refs && refs_convert(w, doc) < 0)
        return nomem(w);
    char *text = cmark_render_commonmark_with_mem(doc, CMARK_OPT_DEFAULT, 0,
                                                  mem);
    fixes fx = {0};
    int rc = join_marker_lines(w, &text);
    lines L = {text, strlen(text), NULL, 0};
    if (rc < 0)
        goto done;
    if (index_lines(&L) < 0) {
        rc = nomem(w);
        goto done;
    }
    if (!needs_tidy(&L)) {
        /* Parsing back would find nothing to change. */
        if (buf_put(out, text, L.len) < 0)
            rc = nomem(w);
        goto trim;
    }

    cmark_node *root = parse_back(text, L.len);
    cmark_node *prev_list = NULL;
    char prev_mark = 0;
    bool ok = true;
    cmark_iter *it = cmark_iter_new(root);
    for (cmark_event_type ev; ok && (ev = cmark_iter_next(it)) !=
                                        CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = type_of(n);
        int ln = cmark_node_get_start_line(n);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (t == CMARK_NODE_CODE_BLOCK) {
            ok = add_fix(&fx, ln, FIX_CODE, cmark_node_get_end_line(n), 0, 0);
            continue;
        }
        if (t != CMARK_NODE_HTML_BLOCK ||
            strncmp(lit(n), "<!-- end list -->", 17) != 0)
            continue;
        cmark_node *a = cmark_node_previous(n), *b = cmark_node_next(n);
        bool drop = type_of(b) == CMARK_NODE_CODE_BLOCK;
        if (type_of(a) == CMARK_NODE_LIST && type_of(b) == CMARK_NODE_LIST) {
            cmark_list_type ta = cmark_node_get_list_type(a);
            char from = ta == CMARK_ORDERED_LIST ? '.' : '-';
            char was = a == prev_list ? prev_mark : from;
            char to = was != from ? from : from == '.' ? ')' : '*';
            drop = ta != cmark_node_get_list_type(b) ||
                   switch_marker(&fx, &L, b, from, &to);
            if (drop && ta == cmark_node_get_list_type(b)) {
                prev_list = b;
                prev_mark = to;
            }
        }
        if (drop)
            ok = add_fix(&fx, ln, FIX_DROP, 0, 0, 0);
    }
    cmark_iter_free(it);
    cmark_node_free(root);
    if (!ok) {
        rc = nomem(w);
        goto done;
    }
    if (fx.n > 1)
        qsort(fx.v, fx.n, sizeof *fx.v, cmp_fix);

    size_t r = 0;
    int code_until = 0;
    bool skip_blank = false;
    for (int ln = 1; rc == FOLIO_OK && ln <= L.n; ln++) {
        size_t n;
        const char *s = line_at(&L, ln, &n);
        size_t f0 = r;
        bool drop = false;
        for (; r < fx.n && fx.v[r].line <= ln; r++) {
            if (fx.v[r].kind == FIX_CODE && fx.v[r].end > code_until)
                code_until = fx.v[r].end;
            drop = drop || (fx.v[r].kind == FIX_DROP && fx.v[r].line == ln);
        }
        if (drop) {
            skip_blank = true;
            continue;
        }
        if (ln > code_until && blankish(s, n)) {
            if (skip_blank) {
                skip_blank = false;
                continue;
            }
            while (n > 0 && s[n - 1] == ' ')
                n--;
        } else if (ln > code_until && marker_only(&L, ln)) {
            while (n > 0 && s[n - 1] == ' ')
                n--;
        }
        skip_blank = false;
        size_t at = out->len;
        if (buf_put(out, s, n) < 0 || buf_put(out, "\n", 1) < 0) {
            rc = nomem(w);
            break;
        }
        for (size_t k = f0; k < r; k++) {
            if (fx.v[k].kind == FIX_MARK && fx.v[k].line == ln &&
                fx.v[k].col < n)
                out->p[at + fx.v[k].col] = fx.v[k].repl;
        }
    }
trim:
    while (out->len > 0 && out->p[out->len - 1] == '\n')
        out->p[--out->len] = '\0';
done:
    free(L.start);
    free(fx.v);
    mem->free(text);
    return rc;
}

/* Writes one footnote definition: "[^n]: " and the content, continuation
 * lines indented four spaces; content that does not start with a
 * paragraph starts on the next line. `*prev`: -1 before the first
 * definition, else whether the previous one took several lines. */
static int write_def(md *w, fn_def *def, int *prev)
{
    buf text = {0}, o = {0};
    cmark_node *doc = new_node(CMARK_NODE_DOCUMENT);
    int rc = build(w, w->d->first_child(def->node), doc, false);
    bool para = type_of(cmark_node_first_child(doc)) == CMARK_NODE_PARAGRAPH;
    if (rc == FOLIO_OK)
        rc = render(w, doc, &text);
    cmark_node_free(doc);
    if (rc < 0 || text.len == 0)
        goto done;

    bool multi = memchr(text.p, '\n', text.len) != NULL;
    char head[40];
    snprintf(head, sizeof head, "[^%u]:%s", def->number, para ? " " : "\n");
    /* A blank line before the first definition and around long ones. */
    if (w->wrote && (*prev != 0 || multi))
        rc = buf_put(&o, "\n", 1);
    if (rc == FOLIO_OK)
        rc = buf_put(&o, head, strlen(head));
    for (size_t i = 0; rc == FOLIO_OK && i < text.len;) {
        const char *s = text.p + i;
        const char *nl = memchr(s, '\n', text.len - i);
        size_t n = nl != NULL ? (size_t)(nl - s) : text.len - i;
        if (n > 0 && (i > 0 || !para))
            rc = buf_put(&o, "    ", 4);
        if (rc == FOLIO_OK)
            rc = buf_put(&o, s, n);
        if (rc == FOLIO_OK)
            rc = buf_put(&o, "\n", 1);
        i += n + 1;
    }
    if (rc < 0)
        rc = nomem(w);
    else
        rc = emit(w, o.p, o.len);
    *prev = multi;
done:
    free(text.p);
    free(o.p);
    return rc;
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

static bool opt_bool(const folio_host *h, folio_job *job, const char *name,
                     bool dflt)
{
    const char *v = h->option != NULL ? h->option(job, name) : NULL;
    if (v == NULL)
        return dflt;
    if (ascii_caseeq(v, "true") || ascii_caseeq(v, "yes") ||
        ascii_caseeq(v, "on") || strcmp(v, "1") == 0)
        return true;
    if (ascii_caseeq(v, "false") || ascii_caseeq(v, "no") ||
        ascii_caseeq(v, "off") || strcmp(v, "0") == 0)
        return false;
    return dflt;
}

static int md_write(const folio_host *h, folio_job *job, const folio_doc *doc,
                    folio_write_fn out, void *sink)
{
    if (h == NULL)
        return FOLIO_EINVALID;
    if (table_ext == NULL || strike_ext == NULL || !host_ok(h))
        return h->error(job, FOLIO_EINVALID, "plugin not initialised");
    if (doc == NULL || out == NULL)
        return h->error(job, FOLIO_EINVALID, "no document or no sink");

    md w = {0};
    w.h = h;
    w.d = h->doc;
    w.job = job;
    w.out = out;
    w.sink = sink;
    w.html = opt_bool(h, job, "html", false);
    bool title = opt_bool(h, job, "title", true);
    const char *v = h->option != NULL ? h->option(job, "preset") : NULL;
    w.preset = v == NULL                  ? P_GENERIC
               : strcmp(v, "hugo") == 0   ? P_HUGO
               : strcmp(v, "jekyll") == 0 ? P_JEKYLL
               : strcmp(v, "eleventy") == 0 ? P_ELEVENTY
                                            : P_GENERIC;
    w.hold = w.preset != P_GENERIC;
    v = h->option != NULL ? h->option(job, "links") : NULL;
    w.refs = v != NULL && strcmp(v, "references") == 0;
    const folio_node *root = w.d->root(doc);
    buf body = {0};
    cmark_node *cdoc = NULL;
    int rc = fn_collect(&w, root);
    if (rc < 0)
        goto done;

    cdoc = new_node(CMARK_NODE_DOCUMENT);
    if (title)
        add_title(&w, cdoc, doc);
    if ((rc = build(&w, w.d->first_child(root), cdoc, true)) < 0)
        goto done;
    if ((rc = render(&w, cdoc, &body)) < 0)
        goto done;
    if (body.len > 0 && ((rc = emit(&w, body.p, body.len)) < 0 ||
                         (rc = emit(&w, "\n", 1)) < 0))
        goto done;

    /* Definitions in number order; rendering one may number others.
     * Then the unreferenced ones, in document order. */
    int prev = -1;
    size_t i = 0, scan = 0;
    for (;;) {
        if (i < w.n_order) {
            if ((rc = write_def(&w, &w.defs[w.order[i++]], &prev)) < 0)
                goto done;
            continue;
        }
        while (scan < w.n_defs && w.defs[scan].number != 0)
            scan++;
        if (scan == w.n_defs)
            break;
        fn_number(&w, &w.defs[scan]);
    }
    if (w.n_rv > 0 && (rc = write_refs(&w)) < 0)
        goto done;
    if (w.hold)
        rc = hazards(&w);
done:
    if (cdoc != NULL)
        cmark_node_free(cdoc);
    free(body.p);
    free(w.all.p);
    for (size_t k = 0; k < w.n_rv; k++) {
        free(w.rv[k].url);
        free(w.rv[k].title);
    }
    free(w.rv);
    free(w.rslots);
    free(w.st);
    free(w.defs);
    free(w.slots);
    free(w.order);
    return rc;
}

static int md_init(const folio_host *h, const char **message)
{
    if (!host_ok(h)) {
        *message = "the host lacks the document API";
        return 1;
    }
    cmark_gfm_core_extensions_ensure_registered();
    mem = cmark_get_default_mem_allocator();
    table_ext = cmark_find_syntax_extension("table");
    strike_ext = cmark_find_syntax_extension("strikethrough");
    if (table_ext == NULL || strike_ext == NULL) {
        *message = "cmark-gfm lacks the table or strikethrough extension";
        return 1;
    }
    return 0;
}

static const char *const md_formats[] = {
    "markdown", "md", "gfm", "commonmark", "text/markdown", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "markdown",
                      "markdown\0" "md\0" "gfm\0" "commonmark\0"
                      "text/markdown\0");


static const folio_option md_options[] = {
    {"title", FOLIO_OPTION_BOOL, "true", NULL,
     "start with the title as a level-1 heading (unless the text does)"},
    {"html", FOLIO_OPTION_BOOL, "false", NULL,
     "allow raw HTML: <sup>, <sub>, <br> in table cells"},
    {"preset", FOLIO_OPTION_ENUM, "generic",
     "generic|hugo|jekyll|eleventy|astro|obsidian",
     "target site generator: guards {{ and {% for its template engine"},
    {"links", FOLIO_OPTION_ENUM, "inline", "inline|references",
     "links as [text](url) or [text][n] with definitions at the end"},
    {NULL, 0, NULL, NULL, NULL},
};

static const folio_output_ops md_ops = {
    .size = sizeof(folio_output_ops),
    .write = md_write,
    .extension = "md",
    .media_type = "text/markdown",
};

static const folio_plugin md_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "markdown",
    .version = "0.1.0",
    .description = "CommonMark with GFM tables, strikethrough and footnotes",
    .formats = md_formats,
    .options = md_options,
    .output = &md_ops,
    .init = md_init,
};

FOLIO_PLUGIN_DEFINE(md_plugin)
