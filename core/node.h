/* SPDX-License-Identifier: MIT */
/* Private layout of documents and nodes. */
#ifndef FOLIO_CORE_NODE_H
#define FOLIO_CORE_NODE_H

#include "folio/doc.h"
#include "arena.h"

struct folio_node {
    folio_node_type type;
    folio_doc *doc;
    folio_node *parent, *first, *last, *next, *prev;
    const char *literal;   /* TEXT, CODE, CODE_BLOCK */
    const char *url;       /* LINK, IMAGE, BLOCKQUOTE cite */
    const char *title;     /* LINK, IMAGE */
    const char *alt;       /* IMAGE */
    const char *lang;      /* CODE_BLOCK language */
    const char *label;     /* FOOTNOTE_REF, FOOTNOTE_DEF */
    int level;             /* HEADING */
    int start;             /* LIST */
    int width, height;     /* IMAGE */
    int colspan, rowspan;  /* TABLE_CELL */
    folio_align align;     /* TABLE_CELL */
    unsigned ordered : 1;  /* LIST */
    unsigned tight : 1;    /* LIST */
    unsigned header : 1;   /* TABLE_ROW, TABLE_CELL */
};

typedef struct folio__asset_rec {
    folio_asset pub;
} folio__asset_rec;

struct folio_doc {
    folio__arena arena;
    folio_node *root;
    folio_meta meta;
    size_t authors_cap, tags_cap;
    folio__asset_rec **assets;
    size_t n_assets, assets_cap;
};

/* Appends a string to the literal of a TEXT node (used by the importer
 * to merge adjacent text). */
int folio__node_append_literal(folio_node *n, const char *s, size_t len);

/* Allocates a node of any type (including DOCUMENT) in `doc`. */
folio_node *folio__node_alloc(folio_doc *doc, folio_node_type type);

/* True for types that never have children. */
bool folio__node_type_is_leaf(folio_node_type type);

/* Returns true when `s[0..len)` is valid UTF-8. */
int folio__utf8_valid(const char *s, size_t len);

#endif
