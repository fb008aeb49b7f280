/* SPDX-License-Identifier: MIT */
/* A small language for building test documents with the model API,
 * shared by the output plugins' tests. */
#include "docbuild.h"

#include <criterion/criterion.h>
#include <stdarg.h>

folio_doc *doc;
folio_node *root;

static folio_node *mkv(folio_node_type t, va_list ap)
{
    folio_node *n = folio_node_new(doc, t);
    cr_assert_not_null(n, "new %s", folio_node_type_name(t));
    for (folio_node *c; (c = va_arg(ap, folio_node *)) != NULL;) {
        cr_assert_eq(folio_node_append_child(n, c), FOLIO_OK, "%s in %s",
                     folio_node_type_name(folio_node_type_of(c)),
                     folio_node_type_name(t));
    }
    return n;
}

/* A node of type `t` with the children that follow, NULL-terminated. */
folio_node *mk(folio_node_type t, ...)
{
    va_list ap;
    va_start(ap, t);
    folio_node *n = mkv(t, ap);
    va_end(ap);
    return n;
}

/* Appends blocks to the document, NULL-terminated. */
void add(folio_node *first, ...)
{
    va_list ap;
    va_start(ap, first);
    for (folio_node *c = first; c != NULL; c = va_arg(ap, folio_node *))
        cr_assert_eq(folio_node_append_child(root, c), FOLIO_OK);
    va_end(ap);
}


folio_node *T(const char *s)
{
    folio_node *n = folio_node_new(doc, FOLIO_NODE_TEXT);
    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
    return n;
}

folio_node *CODE(const char *s)
{
    folio_node *n = folio_node_new(doc, FOLIO_NODE_CODE);
    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
    return n;
}

folio_node *BR(void)
{
    return mk(FOLIO_NODE_LINEBREAK, NULL);
}

folio_node *H(int level, ...)
{
    va_list ap;
    va_start(ap, level);
    folio_node *n = mkv(FOLIO_NODE_HEADING, ap);
    va_end(ap);
    cr_assert_eq(folio_node_set_heading_level(n, level), FOLIO_OK);
    return n;
}

folio_node *LIST(bool ordered, int start, int tight, ...)
{
    va_list ap;
    va_start(ap, tight);
    folio_node *n = mkv(FOLIO_NODE_LIST, ap);
    va_end(ap);
    cr_assert_eq(folio_node_set_list(n, ordered, start, tight), FOLIO_OK);
    return n;
}

folio_node *LINK(const char *url, const char *title, ...)
{
    va_list ap;
    va_start(ap, title);
    folio_node *n = mkv(FOLIO_NODE_LINK, ap);
    va_end(ap);
    if (url != NULL)
        cr_assert_eq(folio_node_set_url(n, url), FOLIO_OK);
    if (title != NULL)
        cr_assert_eq(folio_node_set_title(n, title), FOLIO_OK);
    return n;
}

folio_node *IMG(const char *url, const char *alt, const char *title)
{
    folio_node *n = folio_node_new(doc, FOLIO_NODE_IMAGE);
    cr_assert_eq(folio_node_set_url(n, url), FOLIO_OK);
    if (alt != NULL)
        cr_assert_eq(folio_node_set_alt(n, alt), FOLIO_OK);
    if (title != NULL)
        cr_assert_eq(folio_node_set_title(n, title), FOLIO_OK);
    return n;
}

folio_node *CB(const char *lang, const char *code)
{
    folio_node *n = folio_node_new(doc, FOLIO_NODE_CODE_BLOCK);
    cr_assert_eq(folio_node_set_literal(n, code, strlen(code)), FOLIO_OK);
    if (lang != NULL)
        cr_assert_eq(folio_node_set_code_language(n, lang), FOLIO_OK);
    return n;
}

folio_node *HR(void)
{
    return mk(FOLIO_NODE_THEMATIC_BREAK, NULL);
}

folio_node *ROW(int header, ...)
{
    va_list ap;
    va_start(ap, header);
    folio_node *n = mkv(FOLIO_NODE_TABLE_ROW, ap);
    va_end(ap);
    if (header)
        cr_assert_eq(folio_node_set_header(n, true), FOLIO_OK);
    return n;
}

folio_node *CELL(folio_align align, int colspan, int rowspan, ...)
{
    va_list ap;
    va_start(ap, rowspan);
    folio_node *n = mkv(FOLIO_NODE_TABLE_CELL, ap);
    va_end(ap);
    cr_assert_eq(folio_node_set_cell(n, align, colspan, rowspan), FOLIO_OK);
    return n;
}

/* A plain cell holding text `s`. */
folio_node *C(const char *s)
{
    return CELL(FOLIO_ALIGN_NONE, 1, 1, T(s), NULL);
}

folio_node *FNREF(const char *label)
{
    folio_node *n = folio_node_new(doc, FOLIO_NODE_FOOTNOTE_REF);
    cr_assert_eq(folio_node_set_label(n, label), FOLIO_OK);
    return n;
}

folio_node *FNDEF(const char *label, ...)
{
    va_list ap;
    va_start(ap, label);
    folio_node *n = mkv(FOLIO_NODE_FOOTNOTE_DEF, ap);
    va_end(ap);
    cr_assert_eq(folio_node_set_label(n, label), FOLIO_OK);
    return n;
}
