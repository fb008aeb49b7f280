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
