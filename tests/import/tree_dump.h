/* SPDX-License-Identifier: MIT */
/* Test helper: a compact one-line dump of a folio tree, built with the
 * public iterator, so tests can assert on structure with strcmp/strstr.
 *
 *   paragraph{"Hello " emph{"world"}}
 *   list(ol,3,tight){item{paragraph{"a"}}}
 *   heading(2){...}  link(URL){...}  image(URL|alt|WxH)  code"x"
 *   codeblock(lang)"..."  hr  br  ref(1)  fndef(1){...}
 *   table{row(h){cell(h,right,1x1){...}}}  quote(cite){...}
 */
#ifndef FOLIO_TEST_TREE_DUMP_H
#define FOLIO_TEST_TREE_DUMP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"

typedef struct dump_buf {
    char *p;
    size_t len, cap;
} dump_buf;

static void dump_put(dump_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void dump_str(dump_buf *b, const char *s)
{
    dump_put(b, s, strlen(s));
}

static void FOLIO_PRINTF(2, 3) dump_fmt(dump_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        dump_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void dump_quoted(dump_buf *b, const char *s)
{
    dump_str(b, "\"");
    dump_str(b, s != NULL ? s : "");
    dump_str(b, "\"");
}

static const char *align_name(folio_align a)
{
    switch (a) {
    case FOLIO_ALIGN_LEFT: return "left";
    case FOLIO_ALIGN_CENTER: return "center";
    case FOLIO_ALIGN_RIGHT: return "right";
    default: return "none";
    }
}

/* Dumps `root` and its descendants. Returns a malloc'd string. */
static char *tree_dump(const folio_node *root)
{
    dump_buf b = { NULL, 0, 0 };
    folio_iter it;
    folio_event ev;

    dump_str(&b, "");
    folio_iter_init(&it, root);
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = folio_iter_node(&it);
        folio_node_type t = folio_node_type_of(n);

        if (ev == FOLIO_EVENT_EXIT) {
            dump_str(&b, "}");
            if (folio_node_next(n) != NULL && n != root)
                dump_str(&b, " ");
            continue;
        }
        switch (t) {
        case FOLIO_NODE_TEXT:
            dump_quoted(&b, folio_node_literal(n));
            break;
        case FOLIO_NODE_CODE:
            dump_str(&b, "code");
            dump_quoted(&b, folio_node_literal(n));
            break;
        case FOLIO_NODE_CODE_BLOCK:
            dump_fmt(&b, "codeblock(%s)", folio_node_code_language(n)
                     ? folio_node_code_language(n) : "");
            dump_quoted(&b, folio_node_literal(n));
            break;
        case FOLIO_NODE_THEMATIC_BREAK:
            dump_str(&b, "hr");
            break;
        case FOLIO_NODE_LINEBREAK:
            dump_str(&b, "br");
            break;
        case FOLIO_NODE_FOOTNOTE_REF:
            dump_fmt(&b, "ref(%s)", folio_node_label(n));
            break;
        case FOLIO_NODE_IMAGE:
            dump_fmt(&b, "image(%s|%s|%dx%d)", folio_node_url(n),
                     folio_node_alt(n), folio_node_image_width(n),
                     folio_node_image_height(n));
            break;
        case FOLIO_NODE_HEADING:
            dump_fmt(&b, "heading(%d){", folio_node_heading_level(n));
            break;
        case FOLIO_NODE_LIST:
            dump_fmt(&b, "list(%s,%d,%s){",
                     folio_node_list_ordered(n) ? "ol" : "ul",
                     folio_node_list_start(n),
                     folio_node_list_tight(n) ? "tight" : "loose");
            break;
        case FOLIO_NODE_LIST_ITEM:
            dump_str(&b, "item{");
            break;
        case FOLIO_NODE_BLOCKQUOTE:
            if (folio_node_url(n) != NULL)
                dump_fmt(&b, "quote(%s){", folio_node_url(n));
            else
                dump_str(&b, "quote{");
            break;
        case FOLIO_NODE_LINK:
            dump_fmt(&b, "link(%s){", folio_node_url(n));
            break;
        case FOLIO_NODE_TABLE_ROW:
            dump_str(&b, folio_node_is_header(n) ? "row(h){" : "row{");
            break;
        case FOLIO_NODE_TABLE_CELL:
            dump_fmt(&b, "cell(%s,%s,%dx%d){",
                     folio_node_is_header(n) ? "h" : "d",
                     align_name(folio_node_cell_align(n)),
                     folio_node_cell_colspan(n), folio_node_cell_rowspan(n));
            break;
        case FOLIO_NODE_FOOTNOTE_DEF:
            dump_fmt(&b, "fndef(%s){", folio_node_label(n));
            break;
        case FOLIO_NODE_PARAGRAPH: dump_str(&b, "paragraph{"); break;
        case FOLIO_NODE_EMPH: dump_str(&b, "emph{"); break;
        case FOLIO_NODE_STRONG: dump_str(&b, "strong{"); break;
        case FOLIO_NODE_STRIKE: dump_str(&b, "strike{"); break;
        case FOLIO_NODE_SUPERSCRIPT: dump_str(&b, "sup{"); break;
        case FOLIO_NODE_SUBSCRIPT: dump_str(&b, "sub{"); break;
        case FOLIO_NODE_FIGURE: dump_str(&b, "figure{"); break;
        case FOLIO_NODE_CAPTION: dump_str(&b, "caption{"); break;
        case FOLIO_NODE_CREDIT: dump_str(&b, "credit{"); break;
        case FOLIO_NODE_TABLE: dump_str(&b, "table{"); break;
        case FOLIO_NODE_ASIDE: dump_str(&b, "aside{"); break;
        case FOLIO_NODE_DEF_LIST: dump_str(&b, "dl{"); break;
        case FOLIO_NODE_DEF_TERM: dump_str(&b, "dt{"); break;
        case FOLIO_NODE_DEF_DESC: dump_str(&b, "dd{"); break;
        case FOLIO_NODE_DOCUMENT: dump_str(&b, "document{"); break;
        default: dump_fmt(&b, "%s{", folio_node_type_name(t)); break;
        }
        /* Leaves get no EXIT: separate them from what follows here. */
        if (folio_node_first_child(n) == NULL
            && (t == FOLIO_NODE_TEXT || t == FOLIO_NODE_CODE
                || t == FOLIO_NODE_CODE_BLOCK || t == FOLIO_NODE_IMAGE
                || t == FOLIO_NODE_LINEBREAK || t == FOLIO_NODE_FOOTNOTE_REF
                || t == FOLIO_NODE_THEMATIC_BREAK)
            && folio_node_next(n) != NULL && n != root)
            dump_str(&b, " ");
    }
    return b.p;
}

#endif
