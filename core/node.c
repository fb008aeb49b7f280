/* SPDX-License-Identifier: MIT */
/* Nodes: creation, the containment rules (all of them live here), edits,
 * setters and accessors. */
#include "node.h"

#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Types                                                              */
/* ------------------------------------------------------------------ */

static const char *const block_names[] = {
    [FOLIO_NODE_DOCUMENT] = "document",
    [FOLIO_NODE_HEADING] = "heading",
    [FOLIO_NODE_PARAGRAPH] = "paragraph",
    [FOLIO_NODE_LIST] = "list",
    [FOLIO_NODE_LIST_ITEM] = "list_item",
    [FOLIO_NODE_BLOCKQUOTE] = "blockquote",
    [FOLIO_NODE_CODE_BLOCK] = "code_block",
    [FOLIO_NODE_THEMATIC_BREAK] = "thematic_break",
    [FOLIO_NODE_FIGURE] = "figure",
    [FOLIO_NODE_CAPTION] = "caption",
    [FOLIO_NODE_CREDIT] = "credit",
    [FOLIO_NODE_TABLE] = "table",
    [FOLIO_NODE_TABLE_ROW] = "table_row",
    [FOLIO_NODE_TABLE_CELL] = "table_cell",
    [FOLIO_NODE_FOOTNOTE_DEF] = "footnote_def",
    [FOLIO_NODE_ASIDE] = "aside",
    [FOLIO_NODE_DEF_LIST] = "def_list",
    [FOLIO_NODE_DEF_TERM] = "def_term",
    [FOLIO_NODE_DEF_DESC] = "def_desc",
};

static const char *const inline_names[] = {
    "text", "emph", "strong", "strike", "code", "link", "image",
    "linebreak", "superscript", "subscript", "footnote_ref",
};

bool folio_node_type_is_block(folio_node_type t)
{
    return t >= FOLIO_NODE_FIRST_BLOCK && t <= FOLIO_NODE_LAST_BLOCK;
}

bool folio_node_type_is_inline(folio_node_type t)
{
    return t >= FOLIO_NODE_FIRST_INLINE && t <= FOLIO_NODE_LAST_INLINE;
}

const char *folio_node_type_name(folio_node_type t)
{
    if (folio_node_type_is_block(t))
        return block_names[t];
    if (folio_node_type_is_inline(t))
        return inline_names[t - FOLIO_NODE_FIRST_INLINE];
    return "unknown";
}

static bool is_leaf(folio_node_type t)
{
    switch (t) {
    case FOLIO_NODE_TEXT:
    case FOLIO_NODE_CODE:
    case FOLIO_NODE_IMAGE:
    case FOLIO_NODE_LINEBREAK:
    case FOLIO_NODE_FOOTNOTE_REF:
    case FOLIO_NODE_CODE_BLOCK:
    case FOLIO_NODE_THEMATIC_BREAK:
        return true;
    default:
        return false;
    }
}

bool folio__node_type_is_leaf(folio_node_type t)
{
    return is_leaf(t);
}

/* Blocks that may stand in a flow of blocks (a document, a quote, a list
 * item...). The structural pieces of lists, tables, figures and
 * definition lists may not. */
static bool is_flow_block(folio_node_type t)
{
    switch (t) {
    case FOLIO_NODE_HEADING:
    case FOLIO_NODE_PARAGRAPH:
    case FOLIO_NODE_LIST:
    case FOLIO_NODE_BLOCKQUOTE:
    case FOLIO_NODE_CODE_BLOCK:
    case FOLIO_NODE_THEMATIC_BREAK:
    case FOLIO_NODE_FIGURE:
    case FOLIO_NODE_TABLE:
    case FOLIO_NODE_ASIDE:
    case FOLIO_NODE_DEF_LIST:
        return true;
    default:
        return false;
    }
}

bool folio_node_can_contain(folio_node_type parent, folio_node_type child)
{
    switch (parent) {
    case FOLIO_NODE_DOCUMENT:
        return is_flow_block(child) || child == FOLIO_NODE_FOOTNOTE_DEF;
    case FOLIO_NODE_BLOCKQUOTE:
    case FOLIO_NODE_LIST_ITEM:
    case FOLIO_NODE_FOOTNOTE_DEF:
    case FOLIO_NODE_ASIDE:
    case FOLIO_NODE_DEF_DESC:
        return is_flow_block(child);
    case FOLIO_NODE_FIGURE:
        return is_flow_block(child) || child == FOLIO_NODE_CAPTION ||
               child == FOLIO_NODE_CREDIT;
    case FOLIO_NODE_LIST:
        return child == FOLIO_NODE_LIST_ITEM;
    case FOLIO_NODE_TABLE:
        return child == FOLIO_NODE_TABLE_ROW;
    case FOLIO_NODE_TABLE_ROW:
        return child == FOLIO_NODE_TABLE_CELL;
    case FOLIO_NODE_DEF_LIST:
        return child == FOLIO_NODE_DEF_TERM || child == FOLIO_NODE_DEF_DESC;
    case FOLIO_NODE_HEADING:
    case FOLIO_NODE_PARAGRAPH:
    case FOLIO_NODE_CAPTION:
    case FOLIO_NODE_CREDIT:
    case FOLIO_NODE_DEF_TERM:
    case FOLIO_NODE_TABLE_CELL:
    case FOLIO_NODE_EMPH:
    case FOLIO_NODE_STRONG:
    case FOLIO_NODE_STRIKE:
    case FOLIO_NODE_SUPERSCRIPT:
    case FOLIO_NODE_SUBSCRIPT:
        return folio_node_type_is_inline(child);
    case FOLIO_NODE_LINK:
        return folio_node_type_is_inline(child) && child != FOLIO_NODE_LINK;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                              */
/* ------------------------------------------------------------------ */

int folio__utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            min = 0x10000;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        unsigned cp = c & (0x3Fu >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Building                                                           */
/* ------------------------------------------------------------------ */

folio_node *folio__node_alloc(folio_doc *doc, folio_node_type type)
{
    folio_node *n = folio__arena_alloc(&doc->arena, sizeof *n);
    if (n == NULL)
        return NULL;
    n->type = type;
    n->doc = doc;
    if (type == FOLIO_NODE_LIST)
        n->start = 1;
    if (type == FOLIO_NODE_TABLE_CELL)
        n->colspan = n->rowspan = 1;
    return n;
}

folio_node *folio_node_new(folio_doc *doc, folio_node_type type)
{
    if (doc == NULL || type == FOLIO_NODE_DOCUMENT)
        return NULL;
    if (!folio_node_type_is_block(type) && !folio_node_type_is_inline(type))
        return NULL;
    return folio__node_alloc(doc, type);
}

int folio_node_append_child(folio_node *parent, folio_node *child)
{
    if (parent == NULL || child == NULL || parent == child)
        return FOLIO_EINVALID;
    if (child->parent != NULL || child->doc != parent->doc ||
        child->type == FOLIO_NODE_DOCUMENT)
        return FOLIO_EINVALID;
    if (!folio_node_can_contain(parent->type, child->type))
        return FOLIO_EINVALID;
    /* No cycles: the child must not be the parent or one of its
     * ancestors (a detached child may still be the root of the subtree
     * the parent sits in). One walk also tells whether the new position
     * is inside a link, where no other link may appear at any depth. */
    bool in_link = false;
    for (const folio_node *a = parent; a != NULL; a = a->parent) {
        if (a == child)
            return FOLIO_EINVALID;
        if (a->type == FOLIO_NODE_LINK)
            in_link = true;
    }
    if (in_link && !is_leaf(child->type)) {
        folio_iter it;
        folio_iter_init(&it, child);
        folio_event ev;
        while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE)
            if (ev == FOLIO_EVENT_ENTER &&
                folio_iter_node(&it)->type == FOLIO_NODE_LINK)
                return FOLIO_EINVALID;
    }

    child->parent = parent;
    child->prev = parent->last;
    child->next = NULL;
    if (parent->last != NULL)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    return FOLIO_OK;
}

void folio_node_unlink(folio_node *n)
{
    if (n == NULL || n->parent == NULL)
        return;
    if (n->prev != NULL)
        n->prev->next = n->next;
    else
        n->parent->first = n->next;
    if (n->next != NULL)
        n->next->prev = n->prev;
    else
        n->parent->last = n->prev;
    n->parent = n->prev = n->next = NULL;
}

static int set_str(folio_node *n, const char **slot, const char *s,
                   size_t len)
{
    if (s == NULL) {
        *slot = NULL;
        return FOLIO_OK;
    }
    if (!folio__utf8_valid(s, len))
        return FOLIO_EINVALID;
    const char *copy = folio__arena_strndup(&n->doc->arena, s, len);
    if (copy == NULL)
        return FOLIO_ENOMEM;
    *slot = copy;
    return FOLIO_OK;
}

int folio_node_set_literal(folio_node *n, const char *s, size_t len)
{
    if (n == NULL || (n->type != FOLIO_NODE_TEXT &&
                      n->type != FOLIO_NODE_CODE &&
                      n->type != FOLIO_NODE_CODE_BLOCK))
        return FOLIO_EINVALID;
    if (s == NULL)
        len = 0;
    return set_str(n, &n->literal, s == NULL ? "" : s, len);
}

int folio__node_append_literal(folio_node *n, const char *s, size_t len)
{
    if (n == NULL || n->type != FOLIO_NODE_TEXT)
        return FOLIO_EINVALID;
    if (!folio__utf8_valid(s, len))
        return FOLIO_EINVALID;
    size_t old = n->literal != NULL ? strlen(n->literal) : 0;
    if (len > SIZE_MAX - old - 1)
        return FOLIO_ENOMEM;
    char *p = folio__arena_alloc(&n->doc->arena, old + len + 1);
    if (p == NULL)
        return FOLIO_ENOMEM;
    if (old > 0)
        memcpy(p, n->literal, old);
    memcpy(p + old, s, len);
    p[old + len] = '\0';
    n->literal = p;
    return FOLIO_OK;
}

static int set_cstr(folio_node *n, const char **slot, const char *s)
{
    return set_str(n, slot, s, s == NULL ? 0 : strlen(s));
}

int folio_node_set_heading_level(folio_node *n, int level)
{
    if (n == NULL || n->type != FOLIO_NODE_HEADING || level < 1 || level > 6)
        return FOLIO_EINVALID;
    n->level = level;
    return FOLIO_OK;
}

int folio_node_set_list(folio_node *n, bool ordered, int start, bool tight)
{
    if (n == NULL || n->type != FOLIO_NODE_LIST || start < 0)
        return FOLIO_EINVALID;
    n->ordered = ordered;
    n->start = start;
    n->tight = tight;
    return FOLIO_OK;
}

int folio_node_set_code_language(folio_node *n, const char *lang)
{
    if (n == NULL || n->type != FOLIO_NODE_CODE_BLOCK)
        return FOLIO_EINVALID;
    return set_cstr(n, &n->lang, lang);
}

int folio_node_set_url(folio_node *n, const char *url)
{
    if (n == NULL || (n->type != FOLIO_NODE_LINK &&
                      n->type != FOLIO_NODE_IMAGE &&
                      n->type != FOLIO_NODE_BLOCKQUOTE))
        return FOLIO_EINVALID;
    return set_cstr(n, &n->url, url);
}

int folio_node_set_title(folio_node *n, const char *title)
{
    if (n == NULL ||
        (n->type != FOLIO_NODE_LINK && n->type != FOLIO_NODE_IMAGE))
        return FOLIO_EINVALID;
    return set_cstr(n, &n->title, title);
}

int folio_node_set_alt(folio_node *n, const char *alt)
{
    if (n == NULL || n->type != FOLIO_NODE_IMAGE)
        return FOLIO_EINVALID;
    return set_cstr(n, &n->alt, alt);
}

int folio_node_set_image_size(folio_node *n, int width, int height)
{
    if (n == NULL || n->type != FOLIO_NODE_IMAGE || width < 0 || height < 0)
        return FOLIO_EINVALID;
    n->width = width;
    n->height = height;
    return FOLIO_OK;
}

int folio_node_set_header(folio_node *n, bool header)
{
    if (n == NULL || (n->type != FOLIO_NODE_TABLE_ROW &&
                      n->type != FOLIO_NODE_TABLE_CELL))
        return FOLIO_EINVALID;
    n->header = header;
    return FOLIO_OK;
}

int folio_node_set_cell(folio_node *n, folio_align align, int colspan,
                        int rowspan)
{
    if (n == NULL || n->type != FOLIO_NODE_TABLE_CELL || colspan < 1 ||
        rowspan < 1 || align < FOLIO_ALIGN_NONE || align > FOLIO_ALIGN_RIGHT)
        return FOLIO_EINVALID;
    n->align = align;
    n->colspan = colspan;
    n->rowspan = rowspan;
    return FOLIO_OK;
}

int folio_node_set_label(folio_node *n, const char *label)
{
    if (n == NULL || (n->type != FOLIO_NODE_FOOTNOTE_REF &&
                      n->type != FOLIO_NODE_FOOTNOTE_DEF))
        return FOLIO_EINVALID;
    return set_cstr(n, &n->label, label);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

folio_node_type folio_node_type_of(const folio_node *n)
{
    return n == NULL ? FOLIO_NODE_NONE : n->type;
}

const folio_node *folio_node_parent(const folio_node *n)
{
    return n == NULL ? NULL : n->parent;
}

const folio_node *folio_node_first_child(const folio_node *n)
{
    return n == NULL ? NULL : n->first;
}

const folio_node *folio_node_last_child(const folio_node *n)
{
    return n == NULL ? NULL : n->last;
}

const folio_node *folio_node_next(const folio_node *n)
{
    return n == NULL ? NULL : n->next;
}

const folio_node *folio_node_prev(const folio_node *n)
{
    return n == NULL ? NULL : n->prev;
}

const char *folio_node_literal(const folio_node *n)
{
    if (n == NULL || (n->type != FOLIO_NODE_TEXT &&
                      n->type != FOLIO_NODE_CODE &&
                      n->type != FOLIO_NODE_CODE_BLOCK))
        return NULL;
    return n->literal != NULL ? n->literal : "";
}

int folio_node_heading_level(const folio_node *n)
{
    if (n == NULL || n->type != FOLIO_NODE_HEADING)
        return 0;
    return n->level >= 1 ? n->level : 1;
}

bool folio_node_list_ordered(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_LIST && n->ordered;
}

int folio_node_list_start(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_LIST ? n->start : 0;
}

bool folio_node_list_tight(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_LIST && n->tight;
}

const char *folio_node_code_language(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_CODE_BLOCK ? n->lang : NULL;
}

const char *folio_node_url(const folio_node *n)
{
    return n != NULL && (n->type == FOLIO_NODE_LINK ||
                         n->type == FOLIO_NODE_IMAGE ||
                         n->type == FOLIO_NODE_BLOCKQUOTE)
               ? n->url
               : NULL;
}

const char *folio_node_title(const folio_node *n)
{
    return n != NULL &&
                   (n->type == FOLIO_NODE_LINK || n->type == FOLIO_NODE_IMAGE)
               ? n->title
               : NULL;
}

const char *folio_node_alt(const folio_node *n)
{
    if (n == NULL || n->type != FOLIO_NODE_IMAGE)
        return NULL;
    return n->alt != NULL ? n->alt : "";
}

int folio_node_image_width(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_IMAGE ? n->width : 0;
}

int folio_node_image_height(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_IMAGE ? n->height : 0;
}

bool folio_node_is_header(const folio_node *n)
{
    return n != NULL && (n->type == FOLIO_NODE_TABLE_ROW ||
                         n->type == FOLIO_NODE_TABLE_CELL) && n->header;
}

folio_align folio_node_cell_align(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_TABLE_CELL ? n->align
                                                         : FOLIO_ALIGN_NONE;
}

int folio_node_cell_colspan(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_TABLE_CELL ? n->colspan : 0;
}

int folio_node_cell_rowspan(const folio_node *n)
{
    return n != NULL && n->type == FOLIO_NODE_TABLE_CELL ? n->rowspan : 0;
}

const char *folio_node_label(const folio_node *n)
{
    return n != NULL && (n->type == FOLIO_NODE_FOOTNOTE_REF ||
                         n->type == FOLIO_NODE_FOOTNOTE_DEF)
               ? n->label
               : NULL;
}
