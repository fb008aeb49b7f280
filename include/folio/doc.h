/* SPDX-License-Identifier: MIT */
/**
 * @file folio/doc.h
 * The folio document model: a tree of typed nodes, a metadata record and
 * an assets table, all owned by one folio_doc.
 *
 * Output plugins never call these functions directly (they link no folio
 * library); they reach the same functions through the folio_doc_api table
 * in folio_host::doc. Programs that link libfolio may call them directly.
 *
 * Ownership: every node, string and array reachable from a folio_doc lives
 * in the document's arena and is released at once by folio_doc_free().
 * Pointers returned by the accessors below are *Borrowed*: valid until the
 * document is freed. Setters copy their string arguments.
 *
 * Invariants the importer guarantees (and folio_doc_check() verifies):
 * all text is valid UTF-8 without control characters, inline whitespace is
 * collapsed, URLs are absolute whenever a base URL was known, and every
 * parent/child pair obeys the containment rules listed with
 * folio_node_can_contain().
 */
#ifndef FOLIO_DOC_H
#define FOLIO_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folio/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A document: tree + metadata + assets. Opaque. */
typedef struct folio_doc folio_doc;
/** One node of a document tree. Opaque; owned by its document. */
typedef struct folio_node folio_node;

/**
 * Node types. Values are fixed by the ABI. Block types lie in
 * [FOLIO_NODE_FIRST_BLOCK, FOLIO_NODE_LAST_BLOCK], inline types in
 * [FOLIO_NODE_FIRST_INLINE, FOLIO_NODE_LAST_INLINE]. A later minor ABI
 * version may add types at the end of either range, so renderers must
 * keep a `default:` branch (the iterator still visits the children of a
 * type a renderer does not know).
 */
typedef enum folio_node_type {
    FOLIO_NODE_NONE = 0,

    /* Blocks */
    FOLIO_NODE_DOCUMENT = 1,       /**< the root; contains blocks */
    FOLIO_NODE_HEADING = 2,        /**< level 1..6; contains inlines */
    FOLIO_NODE_PARAGRAPH = 3,      /**< contains inlines */
    FOLIO_NODE_LIST = 4,           /**< ordered?, start, tight; list items */
    FOLIO_NODE_LIST_ITEM = 5,      /**< contains blocks */
    FOLIO_NODE_BLOCKQUOTE = 6,     /**< contains blocks; optional cite url */
    FOLIO_NODE_CODE_BLOCK = 7,     /**< leaf: literal text + language */
    FOLIO_NODE_THEMATIC_BREAK = 8, /**< leaf */
    FOLIO_NODE_FIGURE = 9,         /**< blocks, then CAPTION and/or CREDIT */
    FOLIO_NODE_CAPTION = 10,       /**< figure caption; contains inlines */
    FOLIO_NODE_CREDIT = 11,        /**< figure credit; contains inlines */
    FOLIO_NODE_TABLE = 12,         /**< contains TABLE_ROWs */
    FOLIO_NODE_TABLE_ROW = 13,     /**< header?; contains TABLE_CELLs */
    FOLIO_NODE_TABLE_CELL = 14,    /**< align, spans, header?; inlines */
    FOLIO_NODE_FOOTNOTE_DEF = 15,  /**< label; contains blocks */
    FOLIO_NODE_ASIDE = 16,         /**< a note or box; contains blocks */
    FOLIO_NODE_DEF_LIST = 17,      /**< contains DEF_TERMs and DEF_DESCs */
    FOLIO_NODE_DEF_TERM = 18,      /**< contains inlines */
    FOLIO_NODE_DEF_DESC = 19,      /**< contains blocks */

    /* Inlines */
    FOLIO_NODE_TEXT = 64,          /**< leaf: literal UTF-8 text */
    FOLIO_NODE_EMPH = 65,          /**< contains inlines */
    FOLIO_NODE_STRONG = 66,        /**< contains inlines */
    FOLIO_NODE_STRIKE = 67,        /**< contains inlines */
    FOLIO_NODE_CODE = 68,          /**< leaf: literal code span */
    FOLIO_NODE_LINK = 69,          /**< url, title; contains inlines */
    FOLIO_NODE_IMAGE = 70,         /**< leaf: url, alt, title, size */
    FOLIO_NODE_LINEBREAK = 71,     /**< leaf: hard line break */
    FOLIO_NODE_SUPERSCRIPT = 72,   /**< contains inlines */
    FOLIO_NODE_SUBSCRIPT = 73,     /**< contains inlines */
    FOLIO_NODE_FOOTNOTE_REF = 74   /**< leaf: label of a FOOTNOTE_DEF */
} folio_node_type;

#define FOLIO_NODE_FIRST_BLOCK FOLIO_NODE_DOCUMENT
#define FOLIO_NODE_LAST_BLOCK FOLIO_NODE_DEF_DESC
#define FOLIO_NODE_FIRST_INLINE FOLIO_NODE_TEXT
#define FOLIO_NODE_LAST_INLINE FOLIO_NODE_FOOTNOTE_REF

/** Horizontal alignment of a table cell. */
typedef enum folio_align {
    FOLIO_ALIGN_NONE = 0,
    FOLIO_ALIGN_LEFT = 1,
    FOLIO_ALIGN_CENTER = 2,
    FOLIO_ALIGN_RIGHT = 3
} folio_align;

/**
 * Article metadata. Every string is UTF-8 or NULL when unknown; arrays
 * are NULL when their count is 0. Dates are ISO 8601 (`2024-05-01` or
 * `2024-05-01T09:30:00+02:00`), never with an invented time.
 *
 * Borrowed from the document. `size` is sizeof(folio_meta) of the libfolio
 * that filled it: later minor ABI versions append members, so check
 * `size` (with offsetof) before reading a member your headers know but an
 * older host may not.
 */
typedef struct folio_meta {
    size_t size;
    const char *title;          /**< the headline as a reader sees it */
    const char *subtitle;       /**< standfirst / dek */
    const char *const *authors; /**< de-duplicated names */
    size_t n_authors;
    const char *published;      /**< ISO 8601 */
    const char *modified;       /**< ISO 8601 */
    const char *site_name;
    const char *url;            /**< canonical URL of the article */
    const char *source;         /**< where it was read: URL or file path */
    const char *lang;           /**< BCP 47 tag */
    const char *dir;            /**< "ltr", "rtl" or NULL */
    const char *description;
    const char *image;          /**< lead image, absolute URL */
    const char *const *tags;
    size_t n_tags;
    const char *section;
    const char *captured;       /**< when a saved page was captured */
    size_t word_count;          /**< body words (CJK: characters) */
    unsigned reading_time_minutes;
} folio_meta;

/** Metadata string fields, for folio_doc_set_meta(). */
typedef enum folio_meta_field {
    FOLIO_META_TITLE = 1,
    FOLIO_META_SUBTITLE,
    FOLIO_META_PUBLISHED,
    FOLIO_META_MODIFIED,
    FOLIO_META_SITE_NAME,
    FOLIO_META_URL,
    FOLIO_META_SOURCE,
    FOLIO_META_LANG,
    FOLIO_META_DIR,
    FOLIO_META_DESCRIPTION,
    FOLIO_META_IMAGE,
    FOLIO_META_SECTION,
    FOLIO_META_CAPTURED
} folio_meta_field;

/**
 * One resource carried by the input (an image inside a saved page).
 * Borrowed from the document. `data` holds `len` bytes.
 */
typedef struct folio_asset {
    size_t size;                /**< sizeof(folio_asset) of the filler */
    const char *url;            /**< absolute URL the page refers to it by */
    const char *media_type;     /**< e.g. "image/png"; never NULL */
    const unsigned char *data;
    size_t len;
} folio_asset;

/** Iterator events. */
typedef enum folio_event {
    FOLIO_EVENT_DONE = 0,  /**< the walk is over */
    FOLIO_EVENT_ENTER = 1, /**< a node is entered (leaves: the only event) */
    FOLIO_EVENT_EXIT = 2   /**< a container node is left */
} folio_event;

/**
 * A depth-first walker over a subtree, in caller storage: no allocation,
 * no failure. Container nodes produce ENTER then EXIT; leaf types
 * (TEXT, CODE, IMAGE, LINEBREAK, FOOTNOTE_REF, CODE_BLOCK,
 * THEMATIC_BREAK) produce ENTER only. A container with no children
 * produces ENTER and EXIT. The members are private.
 */
typedef struct folio_iter {
    const folio_node *root_;
    const folio_node *node_;
    int event_;
} folio_iter;

/**
 * The document read API as a table of functions, so plugins can use it
 * without linking libfolio. Obtained from folio_host::doc, or from
 * folio_doc_api_get() in programs that link libfolio. Each member
 * behaves exactly like the free function of the same name below.
 * `size` is sizeof(folio_doc_api) of the host: members are only appended.
 */
typedef struct folio_doc_api {
    size_t size;
    const folio_node *(*root)(const folio_doc *doc);
    const folio_meta *(*meta)(const folio_doc *doc);
    size_t (*asset_count)(const folio_doc *doc);
    const folio_asset *(*asset_at)(const folio_doc *doc, size_t i);
    const folio_asset *(*asset_find)(const folio_doc *doc, const char *url);

    folio_node_type (*type)(const folio_node *n);
    const folio_node *(*parent)(const folio_node *n);
    const folio_node *(*first_child)(const folio_node *n);
    const folio_node *(*last_child)(const folio_node *n);
    const folio_node *(*next)(const folio_node *n);
    const folio_node *(*prev)(const folio_node *n);

    const char *(*literal)(const folio_node *n);
    int (*heading_level)(const folio_node *n);
    bool (*list_ordered)(const folio_node *n);
    int (*list_start)(const folio_node *n);
    bool (*list_tight)(const folio_node *n);
    const char *(*code_language)(const folio_node *n);
    const char *(*url)(const folio_node *n);
    const char *(*title)(const folio_node *n);
    const char *(*alt)(const folio_node *n);
    int (*image_width)(const folio_node *n);
    int (*image_height)(const folio_node *n);
    bool (*is_header)(const folio_node *n);
    folio_align (*cell_align)(const folio_node *n);
    int (*cell_colspan)(const folio_node *n);
    int (*cell_rowspan)(const folio_node *n);
    const char *(*label)(const folio_node *n);

    void (*iter_init)(folio_iter *it, const folio_node *root);
    folio_event (*iter_next)(folio_iter *it);
    const folio_node *(*iter_node)(const folio_iter *it);

    const char *(*type_name)(folio_node_type type);
    bool (*is_block)(folio_node_type type);
    bool (*is_inline)(folio_node_type type);
} folio_doc_api;

/* ------------------------------------------------------------------ */
/* Documents                                                          */
/* ------------------------------------------------------------------ */

/**
 * Creates an empty document holding one DOCUMENT root node.
 * Returns NULL when out of memory. Owned: free with folio_doc_free().
 */
folio_doc *folio_doc_new(void);

/** Frees `doc` with every node, string and asset it owns. NULL is a no-op. */
void folio_doc_free(folio_doc *doc);

/** Returns the DOCUMENT node. Borrowed. */
const folio_node *folio_doc_root(const folio_doc *doc);

/** Returns the mutable DOCUMENT node, for building a tree. Borrowed. */
folio_node *folio_doc_root_mut(folio_doc *doc);

/** Returns the metadata record (never NULL). Borrowed. */
const folio_meta *folio_doc_meta(const folio_doc *doc);

/**
 * Sets one metadata string field to a copy of `value` (NULL clears it).
 * Returns FOLIO_OK, FOLIO_EINVALID for an unknown field or invalid UTF-8,
 * FOLIO_ENOMEM.
 */
int folio_doc_set_meta(folio_doc *doc, folio_meta_field field,
                       const char *value);

/** Appends a copy of `name` to the authors unless already present. */
int folio_doc_add_author(folio_doc *doc, const char *name);

/** Appends a copy of `tag` to the tags unless already present. */
int folio_doc_add_tag(folio_doc *doc, const char *tag);

/** Sets the word count and reading time. */
void folio_doc_set_counts(folio_doc *doc, size_t words, unsigned minutes);

/**
 * Adds an asset, copying `url`, `media_type` and `len` bytes of `data`.
 * An asset with the same URL is replaced. Returns FOLIO_OK,
 * FOLIO_EINVALID (NULL url), FOLIO_ENOMEM.
 */
int folio_doc_add_asset(folio_doc *doc, const char *url,
                        const char *media_type, const unsigned char *data,
                        size_t len);

/**
 * Renames asset `url` to `new_url` (copied) and points every link, image
 * and metadata image that named `url` at `new_url` instead: how a host
 * makes a document refer to its images where it wrote them. Returns
 * FOLIO_OK, FOLIO_ENOTFOUND (no such asset), FOLIO_EINVALID (NULL
 * argument, invalid UTF-8, or another asset already has `new_url`),
 * FOLIO_ENOMEM.
 */
int folio_doc_rename_asset(folio_doc *doc, const char *url,
                           const char *new_url);

/** Returns the number of assets. */
size_t folio_doc_asset_count(const folio_doc *doc);

/** Returns asset `i` (in insertion order), or NULL. Borrowed. */
const folio_asset *folio_doc_asset_at(const folio_doc *doc, size_t i);

/** Returns the asset whose URL is exactly `url`, or NULL. Borrowed. */
const folio_asset *folio_doc_asset_find(const folio_doc *doc,
                                        const char *url);

/**
 * Checks the whole tree against the containment rules and invariants.
 * Returns FOLIO_OK or FOLIO_EINVALID. Iterative: safe on deep trees.
 */
int folio_doc_check(const folio_doc *doc);

/** Returns the doc read API table (static storage). */
const folio_doc_api *folio_doc_api_get(void);

/* ------------------------------------------------------------------ */
/* Nodes: building                                                    */
/* ------------------------------------------------------------------ */

/**
 * Creates a detached node of `type` in `doc`'s arena. Returns NULL for
 * FOLIO_NODE_NONE, FOLIO_NODE_DOCUMENT, an unknown type, or no memory.
 * Borrowed: the document owns it even while detached.
 */
folio_node *folio_node_new(folio_doc *doc, folio_node_type type);

/**
 * Returns true when a node of type `parent` may hold a child of type
 * `child`. The rules: DOCUMENT, BLOCKQUOTE, LIST_ITEM, FOOTNOTE_DEF,
 * ASIDE and DEF_DESC hold blocks (not CAPTION, CREDIT, LIST_ITEM,
 * TABLE_ROW, TABLE_CELL, DEF_TERM, DEF_DESC, FOOTNOTE_DEF outside
 * DOCUMENT); FIGURE holds those blocks plus CAPTION and CREDIT; LIST
 * holds LIST_ITEMs; TABLE holds TABLE_ROWs; TABLE_ROW holds TABLE_CELLs;
 * DEF_LIST holds DEF_TERMs and DEF_DESCs; HEADING, PARAGRAPH, CAPTION,
 * CREDIT, DEF_TERM, TABLE_CELL and the inline containers hold inlines,
 * except that LINK never holds another LINK at any depth. Leaves hold
 * nothing.
 */
bool folio_node_can_contain(folio_node_type parent, folio_node_type child);

/**
 * Appends `child` (detached, same document) as the last child of
 * `parent`. Returns FOLIO_OK or FOLIO_EINVALID when the containment rules
 * refuse it, the child is attached, belongs to another document, or the
 * edit would make a cycle.
 */
int folio_node_append_child(folio_node *parent, folio_node *child);

/** Detaches `node` from its parent (no-op when detached). */
void folio_node_unlink(folio_node *node);

/**
 * Sets the literal text of a TEXT, CODE or CODE_BLOCK node to a copy of
 * `len` bytes of `s`. Returns FOLIO_EINVALID for other types or invalid
 * UTF-8.
 */
int folio_node_set_literal(folio_node *n, const char *s, size_t len);

/** Sets the level (1..6) of a HEADING. */
int folio_node_set_heading_level(folio_node *n, int level);

/** Sets the list kind, start number (ordered lists) and tightness. */
int folio_node_set_list(folio_node *n, bool ordered, int start, bool tight);

/** Sets the language of a CODE_BLOCK (NULL clears it). */
int folio_node_set_code_language(folio_node *n, const char *lang);

/** Sets the URL of a LINK, IMAGE or BLOCKQUOTE (its cite). */
int folio_node_set_url(folio_node *n, const char *url);

/** Sets the title of a LINK or IMAGE. */
int folio_node_set_title(folio_node *n, const char *title);

/** Sets the alternative text of an IMAGE. */
int folio_node_set_alt(folio_node *n, const char *alt);

/** Sets the intrinsic size of an IMAGE (0 = unknown). */
int folio_node_set_image_size(folio_node *n, int width, int height);

/** Marks a TABLE_ROW or TABLE_CELL as a header. */
int folio_node_set_header(folio_node *n, bool header);

/** Sets alignment and spans (>= 1) of a TABLE_CELL. */
int folio_node_set_cell(folio_node *n, folio_align align, int colspan,
                        int rowspan);

/** Sets the label of a FOOTNOTE_REF or FOOTNOTE_DEF. */
int folio_node_set_label(folio_node *n, const char *label);

/* ------------------------------------------------------------------ */
/* Nodes: reading (also in folio_doc_api)                             */
/* ------------------------------------------------------------------ */

/** Returns the type of `n` (FOLIO_NODE_NONE for NULL). */
folio_node_type folio_node_type_of(const folio_node *n);
/** Tree navigation. Each returns NULL at the edge. Borrowed. */
const folio_node *folio_node_parent(const folio_node *n);
const folio_node *folio_node_first_child(const folio_node *n);
const folio_node *folio_node_last_child(const folio_node *n);
const folio_node *folio_node_next(const folio_node *n);
const folio_node *folio_node_prev(const folio_node *n);

/** Literal text of TEXT, CODE, CODE_BLOCK; "" for those when empty;
 *  NULL for other types. Borrowed. */
const char *folio_node_literal(const folio_node *n);
/** HEADING level 1..6; 0 for other types. */
int folio_node_heading_level(const folio_node *n);
/** LIST: ordered? (false for other types). */
bool folio_node_list_ordered(const folio_node *n);
/** LIST: first number of an ordered list (default 1). */
int folio_node_list_start(const folio_node *n);
/** LIST: true when items are single short paragraphs. */
bool folio_node_list_tight(const folio_node *n);
/** CODE_BLOCK language ("python"), or NULL. Borrowed. */
const char *folio_node_code_language(const folio_node *n);
/** LINK href, IMAGE src, BLOCKQUOTE cite, or NULL. Borrowed. */
const char *folio_node_url(const folio_node *n);
/** LINK or IMAGE title, or NULL. Borrowed. */
const char *folio_node_title(const folio_node *n);
/** IMAGE alternative text ("" when empty), or NULL. Borrowed. */
const char *folio_node_alt(const folio_node *n);
/** IMAGE width and height in CSS pixels, 0 when unknown. */
int folio_node_image_width(const folio_node *n);
int folio_node_image_height(const folio_node *n);
/** TABLE_ROW or TABLE_CELL: header? */
bool folio_node_is_header(const folio_node *n);
/** TABLE_CELL alignment. */
folio_align folio_node_cell_align(const folio_node *n);
/** TABLE_CELL spans (1 when not spanning; 0 for other types). */
int folio_node_cell_colspan(const folio_node *n);
int folio_node_cell_rowspan(const folio_node *n);
/** FOOTNOTE_REF / FOOTNOTE_DEF label, or NULL. Borrowed. */
const char *folio_node_label(const folio_node *n);

/** Starts a walk over `root` and its descendants. */
void folio_iter_init(folio_iter *it, const folio_node *root);
/** Advances; returns the event for the node now current. */
folio_event folio_iter_next(folio_iter *it);
/** Returns the current node (NULL once DONE). Borrowed. */
const folio_node *folio_iter_node(const folio_iter *it);

/** Returns a lower-case name for `type` ("heading"), "unknown" if none. */
const char *folio_node_type_name(folio_node_type type);
/** True for block types. */
bool folio_node_type_is_block(folio_node_type type);
/** True for inline types. */
bool folio_node_type_is_inline(folio_node_type type);

#ifdef __cplusplus
}
#endif

#endif /* FOLIO_DOC_H */
