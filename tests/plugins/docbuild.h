/* SPDX-License-Identifier: MIT */
/* Builders for test documents: each makes a node in `doc` (which the
 * test's setup creates, with `root` its DOCUMENT node), appends the
 * NULL-terminated children given, and fails the test on any refusal. */
#ifndef FOLIO_TEST_DOCBUILD_H
#define FOLIO_TEST_DOCBUILD_H

#include <stdbool.h>

#include "folio/doc.h"

extern folio_doc *doc;
extern folio_node *root;

folio_node *mk(folio_node_type t, ...);
void add(folio_node *first, ...);
folio_node *T(const char *s);
folio_node *CODE(const char *s);
folio_node *BR(void);
folio_node *H(int level, ...);
/* The parameter before "..." is an int, not a bool: va_start on a
 * parameter that undergoes promotion is undefined. */
folio_node *LIST(bool ordered, int start, int tight, ...);
folio_node *LINK(const char *url, const char *title, ...);
folio_node *IMG(const char *url, const char *alt, const char *title);
folio_node *CB(const char *lang, const char *code);
folio_node *HR(void);
folio_node *ROW(int header, ...);
folio_node *CELL(folio_align align, int colspan, int rowspan, ...);
folio_node *C(const char *s);
folio_node *FNREF(const char *label);
folio_node *FNDEF(const char *label, ...);

#define ADD(...) add(__VA_ARGS__, NULL)
#define P(...) mk(FOLIO_NODE_PARAGRAPH, __VA_ARGS__, NULL)
#define EM(...) mk(FOLIO_NODE_EMPH, __VA_ARGS__, NULL)
#define STRONG(...) mk(FOLIO_NODE_STRONG, __VA_ARGS__, NULL)
#define STRIKE(...) mk(FOLIO_NODE_STRIKE, __VA_ARGS__, NULL)
#define QUOTE(...) mk(FOLIO_NODE_BLOCKQUOTE, __VA_ARGS__, NULL)
#define ITEM(...) mk(FOLIO_NODE_LIST_ITEM, __VA_ARGS__, NULL)
#define SUP(...) mk(FOLIO_NODE_SUPERSCRIPT, __VA_ARGS__, NULL)
#define SUB(...) mk(FOLIO_NODE_SUBSCRIPT, __VA_ARGS__, NULL)

#endif
