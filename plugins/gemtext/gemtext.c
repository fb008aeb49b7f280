/* SPDX-License-Identifier: MIT */
/*
 * gemtext: writes a folio document as Gemini gemtext (text/gemini), the
 * line-oriented format of Gemini capsules. It is folio's example of a
 * plugin built out of tree: it includes only <folio/plugin.h> and uses
 * nothing but what the host hands it (docs/plugins.md).
 *
 * Gemtext has six line types: text, "=> URL label" links, "#"/"##"/"###"
 * headings, "* " list items, "> " quotes and "```" toggles around
 * preformatted text. Everything else is a choice made here:
 *  - a paragraph is one text line (hard breaks start new lines); inline
 *    markup (emphasis, code spans) keeps its text only;
 *  - links cannot sit inside text, so each block is followed by one
 *    "=> URL text" line per distinct link it holds (-O links=end puts
 *    them all at the end instead). A block that is nothing but one link
 *    becomes that link line alone, the idiom for link lists;
 *  - images become link lines labelled with their alt text;
 *  - headings deeper than 3 become "###"; list nesting is flattened
 *    (gemtext has one level); ordered items keep their number as text;
 *  - tables become preformatted text with aligned columns;
 *  - code blocks are preformatted text with the language as alt text; a
 *    code line that starts with "```" gets a leading space, since it would
 *    end the block;
 *  - a text line that would read as another line type (it starts with
 *    "#", ">", "=>", "* " or "```") gets a leading space;
 *  - block quotes and asides quote each of their lines with "> ";
 *  - footnote references print "[label]", definitions start with it;
 *  - node types this plugin does not know: their children are rendered.
 * Unless -O title=false, the metadata title comes first as "# TITLE",
 * when the document does not already start with a heading of that text.
 *
 * The walk is iterative (folio_iter), so deep documents cannot overflow
 * the stack. All state lives in one struct on write()'s stack: the host
 * may write several documents at once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "folio/plugin.h"

/* Table columns kept; the cells after them join the last one. */
#define MAX_COLUMNS 64
/* Widest column padding: one long cell must not pad every other row of
 * its column to its width (a hostile page could multiply the output). */
#define MAX_PAD 60
/* Links of one block compared for duplicates: bounds the work on a page
 * with a huge number of links in one paragraph. */
#define DEDUP_WINDOW 256

/* ------------------------------------------------------------------ */
/* Buffers                                                            */
/* ------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

typedef struct link {
    const char *url;   /* borrowed from the document */
    char *text;        /* job arena */
} link;

typedef struct list_state {
    bool ordered;
    long number;       /* of the next item */
} list_state;

typedef struct gm {
    const folio_host *h;
    const folio_doc_api *d;
    folio_job *job;
    folio_write_fn out;
    void *sink;
    bool failed;       /* the sink refused bytes */
    bool oom;
    bool links_at_end;

    buf line;          /* the text of the block being collected */
    link *links;       /* links of that block (or of the document) */
    size_t n_links, cap_links;
    size_t link_start; /* offset in `line` where the open link began */
    bool in_link;

    list_state *lists; /* open lists, innermost last */
    size_t n_lists, cap_lists;
    bool item_pending; /* the next text line opens a list item */
    long item_number;  /* its number; 0 when unordered */
    int quote_depth;
    const char *footnote; /* label for the next text line, or NULL */

    bool wrote_any;    /* a block was written: the next needs a blank */
    bool last_item;    /* the last block written was a list item */
} gm;

/* Grows *arr (of `size`-byte items) to hold `need` items. */
static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap != 0 ? *cap : 8;
    void *p;

    if (need <= *cap)
        return true;
    while (ncap < need) {
        if (ncap > ((size_t)-1 / 2) / size)
            return false;
        ncap *= 2;
    }
    p = realloc(*arr, ncap * size);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

static void buf_put(gm *g, buf *b, const char *s, size_t n)
{
    if (g->oom || n == 0)
        return;
    if (n > (size_t)-1 - b->len - 1 ||
        !grow((void **)&b->p, &b->cap, b->len + n + 1, 1)) {
        g->oom = true;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(gm *g, buf *b, const char *s)
{
    buf_put(g, b, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Output                                                             */
/* ------------------------------------------------------------------ */

static void out(gm *g, const char *s, size_t n)
{
    if (!g->failed && n > 0 && g->out(g->sink, s, n) != 0)
        g->failed = true;
}

static void outs(gm *g, const char *s)
{
    out(g, s, strlen(s));
}

/* Starts a block: a blank line after the previous one, except between
 * two list items. */
static void begin_block(gm *g, bool is_item)
{
    if (g->wrote_any && !(is_item && g->last_item))
        outs(g, "\n");
    g->wrote_any = true;
    g->last_item = is_item;
}

/* Writes `n` bytes of one text line, guarding a start that gemtext would
 * read as another line type. */
static void out_text_line(gm *g, const char *s, size_t n)
{
    if (n > 0 && (s[0] == '#' || s[0] == '>' ||
                  (n >= 2 && memcmp(s, "=>", 2) == 0) ||
                  (n >= 2 && memcmp(s, "* ", 2) == 0) ||
                  (n >= 3 && memcmp(s, "```", 3) == 0)))
        outs(g, " ");
    out(g, s, n);
    outs(g, "\n");
}

/* Writes a URL, with spaces and control characters percent-encoded so
 * the first space on the line still ends it. */
static void out_url(gm *g, const char *url)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)url; *p != '\0';
         p++) {
        if (*p <= 0x20 || *p == 0x7f) {
            char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

            out(g, esc, 3);
        } else {
            out(g, (const char *)p, 1);
        }
    }
}

static void out_link_line(gm *g, const link *l)
{
    outs(g, "=> ");
    out_url(g, l->url);
    if (l->text[0] != '\0' && strcmp(l->text, l->url) != 0) {
        outs(g, " ");
        outs(g, l->text);
    }
    outs(g, "\n");
}

/* ------------------------------------------------------------------ */
/* Collecting inline text                                             */
/* ------------------------------------------------------------------ */

/* Copies `n` bytes of `s` with runs of white space (line breaks too)
 * made one space and the ends trimmed, into the job's arena. */
static char *squeeze(gm *g, const char *s, size_t n)
{
    char *t = g->h->alloc(g->job, n + 1);
    size_t k = 0;
    bool space = false;

    if (t == NULL) {
        g->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == ' ' || c == '\n' || c == '\t') {
            space = k > 0;
            continue;
        }
        if (space)
            t[k++] = ' ';
        space = false;
        t[k++] = c;
    }
    t[k] = '\0';
    return t;
}

static void add_link(gm *g, const char *url, const char *text, size_t n)
{
    char *t;

    if (url == NULL || url[0] == '\0')
        return;
    t = squeeze(g, text, n);
    if (t == NULL)
        return;
    if (!grow((void **)&g->links, &g->cap_links, g->n_links + 1,
              sizeof *g->links)) {
        g->oom = true;
        return;
    }
    g->links[g->n_links].url = url;
    g->links[g->n_links].text = t;
    g->n_links++;
}

/* Appends the inline content of `n` (and `n` itself, when it is an
 * inline node) to g->line, and its links and images to g->links.
 * `one_line`: hard breaks become spaces (headings, table cells). */
static void collect(gm *g, const folio_node *n, bool one_line)
{
    const folio_doc_api *d = g->d;
    folio_iter it;
    folio_event ev;

    d->iter_init(&it, n);
    while ((ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *x = d->iter_node(&it);
        folio_node_type t = d->type(x);

        if (ev == FOLIO_EVENT_EXIT) {
            if (t == FOLIO_NODE_LINK && g->in_link) {
                g->in_link = false;
                /* A link whose text added nothing may leave the line
                 * unallocated: NULL + 0 is undefined. */
                add_link(g, d->url(x),
                         g->line.p != NULL ? g->line.p + g->link_start : "",
                         g->line.len - g->link_start);
            }
            continue;
        }
        switch (t) {
        case FOLIO_NODE_TEXT:
        case FOLIO_NODE_CODE:
            buf_puts(g, &g->line, d->literal(x));
            break;
        case FOLIO_NODE_LINEBREAK:
            buf_puts(g, &g->line, one_line ? " " : "\n");
            break;
        case FOLIO_NODE_LINK:
            /* LINK never holds another LINK (doc.h). */
            if (!g->in_link && d->first_child(x) != NULL) {
                g->in_link = true;
                g->link_start = g->line.len;
            } else if (d->first_child(x) == NULL) {
                add_link(g, d->url(x), "", 0);
            }
            break;
        case FOLIO_NODE_IMAGE: {
            const char *alt = d->alt(x);

            if (alt == NULL || alt[0] == '\0')
                alt = d->title(x);
            if (alt == NULL || alt[0] == '\0')
                alt = "Image";
            add_link(g, d->url(x), alt, strlen(alt));
            break;
        }
        case FOLIO_NODE_FOOTNOTE_REF: {
            const char *label = d->label(x);

            buf_puts(g, &g->line, "[");
            buf_puts(g, &g->line, label != NULL ? label : "?");
            buf_puts(g, &g->line, "]");
            break;
        }
        default:
            /* Emphasis and the like keep their text; so do node types
             * newer than this plugin: the iterator visits their
             * children. */
            break;
        }
    }
    g->in_link = false;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */
/* ------------------------------------------------------------------ */

static void clear_block(gm *g)
{
    g->line.len = 0;
    if (g->line.p != NULL)
        g->line.p[0] = '\0';
    if (!g->links_at_end)
        g->n_links = 0;
}

/* Writes the link lines of the block just written, each URL once. */
static void out_block_links(gm *g, size_t first)
{
    for (size_t i = first; i < g->n_links; i++) {
        size_t from = i - first > DEDUP_WINDOW ? i - DEDUP_WINDOW : first;
        bool dup = false;

        for (size_t j = from; j < i && !dup; j++)
            dup = strcmp(g->links[j].url, g->links[i].url) == 0;
        if (!dup)
            out_link_line(g, &g->links[i]);
    }
}

static void out_number(gm *g, long v)
{
    char num[24];
    size_t k = sizeof num;
    bool neg = v < 0;
    unsigned long u = neg ? 0UL - (unsigned long)v : (unsigned long)v;

    do {
        num[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0 && k > 1);
    if (neg)
        num[--k] = '-';
    out(g, num + k, sizeof num - k);
}

/* Writes the collected text (g->line) as a paragraph-like block: a list
 * item, a quote, a footnote or plain text lines, then its links. */
static void flush_text(gm *g, size_t first_link)
{
    const char *text = g->line.p != NULL ? g->line.p : "";
    size_t len = g->line.len;
    bool item = g->item_pending;
    size_t start = 0;

    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n'))
        len--;
    while (start < len && (text[start] == ' ' || text[start] == '\n'))
        start++;

    /* Nothing but one link (or image): the link line alone. */
    if (g->n_links == first_link + 1 &&
        (start == len ||
         (strlen(g->links[first_link].text) == len - start &&
          memcmp(g->links[first_link].text, text + start, len - start) ==
              0))) {
        begin_block(g, item);
        out_link_line(g, &g->links[first_link]);
        g->n_links = first_link;
        goto done;
    }
    if (start == len) {
        /* Only images: their link lines stand in for the block, in
         * place even with links=end. */
        if (g->n_links > first_link) {
            begin_block(g, item);
            out_block_links(g, first_link);
            g->n_links = first_link;
        }
        goto done;
    }

    begin_block(g, item);
    for (bool first = true; start < len; first = false) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t a = start, b = end;

        while (a < b && text[a] == ' ')
            a++;
        while (b > a && text[b - 1] == ' ')
            b--;
        start = end + 1;
        if (a == b)
            continue;
        if (first && item) {
            outs(g, "* ");
            if (g->item_number != 0) {
                out_number(g, g->item_number);
                outs(g, ". ");
            }
        } else if (g->quote_depth > 0) {
            outs(g, "> ");
        }
        if (first && !item && g->footnote != NULL) {
            outs(g, "[");
            outs(g, g->footnote);
            outs(g, "] ");
        }
        if ((first && item) || g->quote_depth > 0 ||
            (first && g->footnote != NULL)) {
            out(g, text + a, b - a);
            outs(g, "\n");
        } else {
            out_text_line(g, text + a, b - a);
        }
    }
    if (!g->links_at_end)
        out_block_links(g, first_link);

done:
    g->item_pending = false;
    g->footnote = NULL;
    clear_block(g);
}

static void heading(gm *g, const folio_node *n)
{
    size_t first = g->n_links;
    int level = g->d->heading_level(n);
    size_t a = 0, len;

    collect(g, n, true);
    len = g->line.len;
    while (a < len && g->line.p[a] == ' ')
        a++;
    while (len > a && g->line.p[len - 1] == ' ')
        len--;
    if (len > a) {
        begin_block(g, false);
        outs(g, level <= 1 ? "# " : level == 2 ? "## " : "### ");
        out(g, g->line.p + a, len - a);
        outs(g, "\n");
        if (!g->links_at_end)
            out_block_links(g, first);
    }
    g->item_pending = false;
    clear_block(g);
}

static void code_block(gm *g, const folio_node *n)
{
    const char *lang = g->d->code_language(n);
    const char *s = g->d->literal(n);
    size_t len = s != NULL ? strlen(s) : 0;

    begin_block(g, false);
    g->item_pending = false;
    outs(g, "```");
    if (lang != NULL)
        outs(g, lang);
    outs(g, "\n");
    while (len > 0 && s[len - 1] == '\n')
        len--;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(s + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - s) : len;

        if (end - start >= 3 && memcmp(s + start, "```", 3) == 0)
            outs(g, " ");
        out(g, s + start, end - start);
        outs(g, "\n");
        start = end + 1;
    }
    outs(g, "```\n");
}

/* Display columns of a UTF-8 string: East Asian wide characters count
 * two, combining marks none. */
static size_t text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;

    while (*p != '\0') {
        unsigned long c = *p;
        int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

        if (extra > 0)
            c &= 0x3fUL >> extra;
        p++;
        for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++, p++)
            c = (c << 6) | (*p & 0x3f);
        if ((c >= 0x300 && c <= 0x36f) || c == 0x200b || c == 0x200d)
            continue;
        if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
            (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
            (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
            (c >= 0xffe0 && c <= 0xffe6) ||
            (c >= 0x20000 && c <= 0x3fffd))
            w += 2;
        else
            w += 1;
    }
    return w;
}

static void pad(gm *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        outs(g, " ");
}

typedef struct cell {
    const char *text;  /* job arena */
    size_t width;
    folio_align align;
} cell;

/* A table as preformatted text: "| a | b |" rows with padded columns and
 * a dashed rule under the header rows. Links in cells follow the block. */
static void table(gm *g, const folio_node *t)
{
    const folio_doc_api *d = g->d;
    size_t rows = 0, cols = 0, first = g->n_links, k = 0;
    size_t *widths = NULL;
    cell *cells = NULL;
    bool *header = NULL;

    for (const folio_node *r = d->first_child(t); r != NULL; r = d->next(r)) {
        size_t nc = 0;

        for (const folio_node *c = d->first_child(r); c != NULL;
             c = d->next(c))
            nc++;
        if (nc > cols)
            cols = nc < MAX_COLUMNS ? nc : MAX_COLUMNS;
        rows++;
    }
    if (rows == 0 || cols == 0)
        return;
    if (rows > ((size_t)-1 / sizeof *cells) / cols) {
        g->oom = true;
        return;
    }
    cells = calloc(rows * cols, sizeof *cells);
    widths = calloc(cols, sizeof *widths);
    header = calloc(rows, sizeof *header);
    if (cells == NULL || widths == NULL || header == NULL) {
        g->oom = true;
        goto done;
    }

    for (const folio_node *r = d->first_child(t); r != NULL;
         r = d->next(r), k++) {
        size_t j = 0;
        bool all_header = d->first_child(r) != NULL;

        for (const folio_node *c = d->first_child(r); c != NULL;
             c = d->next(c), j++) {
            size_t col = j < cols ? j : cols - 1;
            cell *x = &cells[k * cols + col];

            /* Cells past the last column join it. */
            if (j >= cols)
                buf_puts(g, &g->line, " ");
            else
                x->align = d->cell_align(c);
            all_header = all_header && d->is_header(c);
            collect(g, c, true);
            if (col == cols - 1 && d->next(c) != NULL)
                continue;
            x->text = squeeze(g, g->line.p != NULL ? g->line.p : "",
                              g->line.len);
            g->line.len = 0;
            if (x->text == NULL)
                goto done;
            x->width = text_width(x->text);
            if (x->width > widths[col])
                widths[col] = x->width;
        }
        header[k] = d->is_header(r) || all_header;
    }

    begin_block(g, false);
    g->item_pending = false;
    outs(g, "```table\n");
    for (size_t j = 0; j < cols; j++) {
        if (widths[j] > MAX_PAD)
            widths[j] = MAX_PAD;
    }
    for (k = 0; k < rows; k++) {
        for (size_t j = 0; j < cols; j++) {
            const cell *x = &cells[k * cols + j];
            size_t room = x->width < widths[j] ? widths[j] - x->width : 0;
            size_t left = x->align == FOLIO_ALIGN_RIGHT    ? room
                          : x->align == FOLIO_ALIGN_CENTER ? room / 2
                                                           : 0;

            outs(g, j == 0 ? "| " : " | ");
            pad(g, left);
            outs(g, x->text != NULL ? x->text : "");
            pad(g, room - left);
        }
        outs(g, " |\n");
        /* The rule goes under the last header row of the top group. */
        if (header[k] && (k + 1 == rows || !header[k + 1])) {
            for (size_t j = 0; j < cols; j++) {
                outs(g, "|");
                for (size_t i = 0; i < widths[j] + 2; i++)
                    outs(g, "-");
            }
            outs(g, "|\n");
        }
    }
    outs(g, "```\n");
    if (!g->links_at_end)
        out_block_links(g, first);

done:
    clear_block(g);
    free(cells);
    free(widths);
    free(header);
}

/* True when the document starts with a heading whose text is `title`. */
static bool starts_with_title(gm *g, const folio_node *root,
                              const char *title)
{
    const folio_node *first = g->d->first_child(root);
    size_t n_links = g->n_links;
    char *text;
    bool same;

    if (first == NULL || g->d->type(first) != FOLIO_NODE_HEADING)
        return false;
    collect(g, first, true);
    text = squeeze(g, g->line.p != NULL ? g->line.p : "", g->line.len);
    same = text != NULL && strcmp(text, title) == 0;
    g->line.len = 0;
    g->n_links = n_links;
    return same;
}

static bool option_true(const char *v)
{
    return v == NULL || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
           strcmp(v, "on") == 0 || strcmp(v, "1") == 0;
}

/* Skips the rest of the subtree the iterator has just entered at `n`. */
static void skip_subtree(const folio_doc_api *d, folio_iter *it,
                         const folio_node *n)
{
    folio_event ev;

    while ((ev = d->iter_next(it)) != FOLIO_EVENT_DONE) {
        if (ev == FOLIO_EVENT_EXIT && d->iter_node(it) == n)
            return;
    }
}

/* True for node types whose ENTER event has no matching EXIT. */
static bool is_leaf(folio_node_type t)
{
    return t == FOLIO_NODE_CODE_BLOCK || t == FOLIO_NODE_THEMATIC_BREAK ||
           t == FOLIO_NODE_TEXT || t == FOLIO_NODE_CODE ||
           t == FOLIO_NODE_IMAGE || t == FOLIO_NODE_LINEBREAK ||
           t == FOLIO_NODE_FOOTNOTE_REF;
}

static void walk(gm *g, const folio_node *root)
{
    const folio_doc_api *d = g->d;
    bool loose = false; /* inline nodes met outside a text block */
    size_t loose_links = 0;
    folio_iter it;
    folio_event ev;

    d->iter_init(&it, root);
    while (!g->failed && !g->oom &&
           (ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = d->iter_node(&it);
        folio_node_type t = d->type(n);

        if (ev == FOLIO_EVENT_ENTER && d->is_inline(t)) {
            /* Only an unknown container holds inlines directly: gather
             * consecutive ones into one text line. */
            if (!loose)
                loose_links = g->n_links;
            loose = true;
            collect(g, n, false);
            if (!is_leaf(t))
                skip_subtree(d, &it, n);
            continue;
        }
        if (loose) {
            flush_text(g, loose_links);
            loose = false;
        }

        if (ev == FOLIO_EVENT_EXIT) {
            switch (t) {
            case FOLIO_NODE_LIST:
                if (g->n_lists > 0)
                    g->n_lists--;
                break;
            case FOLIO_NODE_LIST_ITEM:
                g->item_pending = false;
                break;
            case FOLIO_NODE_BLOCKQUOTE:
            case FOLIO_NODE_ASIDE:
                g->quote_depth--;
                break;
            case FOLIO_NODE_FOOTNOTE_DEF:
                g->footnote = NULL;
                break;
            default:
                break;
            }
            continue;
        }

        switch (t) {
        case FOLIO_NODE_HEADING:
            heading(g, n);
            skip_subtree(d, &it, n);
            break;
        case FOLIO_NODE_PARAGRAPH:
        case FOLIO_NODE_CAPTION:
        case FOLIO_NODE_CREDIT:
        case FOLIO_NODE_DEF_TERM: {
            size_t first = g->n_links;

            collect(g, n, false);
            flush_text(g, first);
            skip_subtree(d, &it, n);
            break;
        }
        case FOLIO_NODE_CODE_BLOCK:
            code_block(g, n);
            break;
        case FOLIO_NODE_THEMATIC_BREAK:
            begin_block(g, false);
            outs(g, "---\n");
            break;
        case FOLIO_NODE_TABLE:
            table(g, n);
            skip_subtree(d, &it, n);
            break;
        case FOLIO_NODE_LIST:
            /* Two lists in a row stay apart; a nested one joins in. */
            if (g->n_lists == 0)
                g->last_item = false;
            if (!grow((void **)&g->lists, &g->cap_lists, g->n_lists + 1,
                      sizeof *g->lists)) {
                g->oom = true;
                break;
            }
            g->lists[g->n_lists].ordered = d->list_ordered(n);
            g->lists[g->n_lists].number = d->list_start(n);
            g->n_lists++;
            break;
        case FOLIO_NODE_LIST_ITEM:
            g->item_pending = true;
            g->item_number = 0;
            if (g->n_lists > 0 && g->lists[g->n_lists - 1].ordered)
                g->item_number = g->lists[g->n_lists - 1].number++;
            break;
        case FOLIO_NODE_BLOCKQUOTE:
        case FOLIO_NODE_ASIDE:
            g->quote_depth++;
            break;
        case FOLIO_NODE_FOOTNOTE_DEF:
            g->footnote = d->label(n);
            break;
        default:
            /* DOCUMENT, FIGURE, DEF_LIST, DEF_DESC and types newer than
             * this plugin: their children are walked. */
            break;
        }
    }
    if (loose)
        flush_text(g, loose_links);
}

static int gm_write(const folio_host *h, folio_job *job,
                    const folio_doc *doc, folio_write_fn outfn, void *sink)
{
    gm g;
    const folio_meta *meta;
    const folio_node *root;
    int rc = FOLIO_OK;

    memset(&g, 0, sizeof g);
    g.h = h;
    g.d = h->doc;
    g.job = job;
    g.out = outfn;
    g.sink = sink;
    {
        const char *links = h->option(job, "links");

        g.links_at_end = links != NULL && strcmp(links, "end") == 0;
    }
    root = g.d->root(doc);
    meta = g.d->meta(doc);

    if (option_true(h->option(job, "title")) && meta->title != NULL &&
        meta->title[0] != '\0' && !starts_with_title(&g, root, meta->title)) {
        begin_block(&g, false);
        outs(&g, "# ");
        outs(&g, meta->title);
        outs(&g, "\n");
    }
    walk(&g, root);
    if (g.links_at_end && g.n_links > 0 && !g.oom) {
        begin_block(&g, false);
        out_block_links(&g, 0);
    }

    if (g.oom)
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
    else if (g.failed)
        rc = h->error(job, FOLIO_EIO, "cannot write the output");
    free(g.line.p);
    free(g.links);
    free(g.lists);
    return rc;
}

static const char *const gm_formats[] = {
    "gemtext", "gemini", "gmi", "text/gemini", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "gemtext",
                      "gemtext\0" "gemini\0" "gmi\0" "text/gemini\0");


static const folio_option gm_options[] = {
    { "title", FOLIO_OPTION_BOOL, "true", NULL,
      "start with the title as a '#' heading (unless the text does)" },
    { "links", FOLIO_OPTION_ENUM, "paragraph", "paragraph|end",
      "where link lines go: after the block holding the link, or all at "
      "the end" },
    { NULL, 0, NULL, NULL, NULL },
};

static const folio_output_ops gm_ops = {
    .size = sizeof(folio_output_ops),
    .write = gm_write,
    .extension = "gmi",
    .media_type = "text/gemini",
};

static const folio_plugin gm_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "gemtext",
    .version = "0.1.0",
    .description = "Gemini gemtext (text/gemini) for Gemini capsules",
    .formats = gm_formats,
    .options = gm_options,
    .output = &gm_ops,
};

FOLIO_PLUGIN_DEFINE(gm_plugin)
