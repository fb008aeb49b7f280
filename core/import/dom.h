/* SPDX-License-Identifier: MIT */
/* Small read-only helpers over libxml2's HTML tree, shared by the
 * importer's modules. They are static inline, so each module has its own
 * copy and the short names never leave the file that includes them. */
#ifndef FOLIO_IMPORT_DOM_H
#define FOLIO_IMPORT_DOM_H

#include <ctype.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <string.h>

/* True when `n` is an element named `name` (libxml2's HTML parser
 * lower-cases element names). */
static inline bool dom_is(const xmlNode *n, const char *name)
{
    /* The first byte rules out most names without a call: the walks
     * ask this of every node. */
    return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
           n->name[0] == (xmlChar)name[0] &&
           strcmp((const char *)n->name, name) == 0;
}

/* The node after `n` in document order within `top` (iterative
 * pre-order; only elements are descended into), or NULL past the end.
 * `skip` passes over n's children. */
static inline xmlNode *dom_next(xmlNode *n, const xmlNode *top, int skip)
{
    if (!skip && n->children != NULL && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n != NULL && n != top) {
        if (n->next != NULL)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* The value of attribute `name` without allocating: "" when present but
 * empty, NULL when absent. The HTML parser lower-cases attribute names
 * and stores each value as a single text child. Borrowed from the tree. */
static inline const char *dom_attr(const xmlNode *el, const char *name)
{
    for (const xmlAttr *a = el->properties; a != NULL; a = a->next) {
        if (a->name == NULL || a->name[0] != (xmlChar)name[0] ||
            strcmp((const char *)a->name, name) != 0)
            continue;
        if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
            a->children->content != NULL)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/* True when the white-space-separated `list` (may be NULL) holds `token`
 * (lower case), compared ASCII case-insensitively: rel="Canonical". */
static inline bool dom_has_token(const char *list, const char *token)
{
    size_t tl = strlen(token);

    while (list != NULL && *list != '\0') {
        const char *s;
        size_t k;
        while (*list == ' ' || *list == '\t' || *list == '\n'
               || *list == '\r' || *list == '\f')
            list++;
        s = list;
        while (*list != '\0' && *list != ' ' && *list != '\t'
               && *list != '\n' && *list != '\r' && *list != '\f')
            list++;
        if ((size_t)(list - s) != tl)
            continue;
        for (k = 0; k < tl; k++) {
            unsigned char c = (unsigned char)s[k];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)token[k])
                break;
        }
        if (k == tl)
            return true;
    }
    return false;
}

/* ASCII case-insensitive equality. */
static inline bool ascii_ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* Where the extractor keeps an <img>'s own src when it replaces it with
 * the best srcset candidate: the converter still finds the copy a saved
 * page carries under that name. */
#define FOLIO_SAVED_SRC_ATTR "data-folio-saved-src"

#endif
