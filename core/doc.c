/* SPDX-License-Identifier: MIT */
/* Documents: the arena that owns everything, metadata, assets, the tree
 * check, and the read API table handed to plugins. */
#include "node.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

folio_doc *folio_doc_new(void)
{
    folio_doc *doc = calloc(1, sizeof *doc);
    if (doc == NULL)
        return NULL;
    folio__arena_init(&doc->arena, 0);
    doc->meta.size = sizeof doc->meta;
    doc->root = folio__node_alloc(doc, FOLIO_NODE_DOCUMENT);
    if (doc->root == NULL) {
        folio__arena_dispose(&doc->arena);
        free(doc);
        return NULL;
    }
    return doc;
}

void folio_doc_free(folio_doc *doc)
{
    if (doc == NULL)
        return;
    free(doc->assets);
    folio__arena_dispose(&doc->arena);
    free(doc);
}

const folio_node *folio_doc_root(const folio_doc *doc)
{
    return doc == NULL ? NULL : doc->root;
}

folio_node *folio_doc_root_mut(folio_doc *doc)
{
    return doc == NULL ? NULL : doc->root;
}

const folio_meta *folio_doc_meta(const folio_doc *doc)
{
    return doc == NULL ? NULL : &doc->meta;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                           */
/* ------------------------------------------------------------------ */

static const char **meta_slot(folio_doc *doc, folio_meta_field field)
{
    folio_meta *m = &doc->meta;
    switch (field) {
    case FOLIO_META_TITLE: return &m->title;
    case FOLIO_META_SUBTITLE: return &m->subtitle;
    case FOLIO_META_PUBLISHED: return &m->published;
    case FOLIO_META_MODIFIED: return &m->modified;
    case FOLIO_META_SITE_NAME: return &m->site_name;
    case FOLIO_META_URL: return &m->url;
    case FOLIO_META_SOURCE: return &m->source;
    case FOLIO_META_LANG: return &m->lang;
    case FOLIO_META_DIR: return &m->dir;
    case FOLIO_META_DESCRIPTION: return &m->description;
    case FOLIO_META_IMAGE: return &m->image;
    case FOLIO_META_SECTION: return &m->section;
    case FOLIO_META_CAPTURED: return &m->captured;
    }
    return NULL;
}

static const char *copy_valid(folio_doc *doc, const char *s)
{
    size_t len = strlen(s);
    if (!folio__utf8_valid(s, len))
        return NULL;
    return folio__arena_strndup(&doc->arena, s, len);
}

int folio_doc_set_meta(folio_doc *doc, folio_meta_field field,
                       const char *value)
{
    if (doc == NULL)
        return FOLIO_EINVALID;
    const char **slot = meta_slot(doc, field);
    if (slot == NULL)
        return FOLIO_EINVALID;
    if (value == NULL) {
        *slot = NULL;
        return FOLIO_OK;
    }
    if (!folio__utf8_valid(value, strlen(value)))
        return FOLIO_EINVALID;
    const char *copy = copy_valid(doc, value);
    if (copy == NULL)
        return FOLIO_ENOMEM;
    *slot = copy;
    return FOLIO_OK;
}

/* Appends to one of the string arrays, growing it in the arena (the old
 * array stays there: metadata lists are short). */
static int list_add(folio_doc *doc, const char *const **list, size_t *n,
                    size_t *cap, const char *s)
{
    if (doc == NULL || s == NULL)
        return FOLIO_EINVALID;
    if (!folio__utf8_valid(s, strlen(s)))
        return FOLIO_EINVALID;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return FOLIO_OK;
    if (*n == *cap) {
        size_t ncap = *cap == 0 ? 4 : *cap * 2;
        const char **grown = folio__arena_alloc(&doc->arena,
                                                ncap * sizeof *grown);
        if (grown == NULL)
            return FOLIO_ENOMEM;
        if (*n > 0)
            memcpy(grown, *list, *n * sizeof *grown);
        *list = grown;
        *cap = ncap;
    }
    const char *copy = copy_valid(doc, s);
    if (copy == NULL)
        return FOLIO_ENOMEM;
    ((const char **)*list)[(*n)++] = copy;
    return FOLIO_OK;
}

int folio_doc_add_author(folio_doc *doc, const char *name)
{
    if (doc == NULL)
        return FOLIO_EINVALID;
    return list_add(doc, &doc->meta.authors, &doc->meta.n_authors,
                    &doc->authors_cap, name);
}

int folio_doc_add_tag(folio_doc *doc, const char *tag)
{
    if (doc == NULL)
        return FOLIO_EINVALID;
    return list_add(doc, &doc->meta.tags, &doc->meta.n_tags, &doc->tags_cap,
                    tag);
}

void folio_doc_set_counts(folio_doc *doc, size_t words, unsigned minutes)
{
    if (doc == NULL)
        return;
    doc->meta.word_count = words;
    doc->meta.reading_time_minutes = minutes;
}

/* ------------------------------------------------------------------ */
/* Assets                                                             */
/* ------------------------------------------------------------------ */

int folio_doc_add_asset(folio_doc *doc, const char *url,
                        const char *media_type, const unsigned char *data,
                        size_t len)
{
    if (doc == NULL || url == NULL || (data == NULL && len > 0))
        return FOLIO_EINVALID;
    if (media_type == NULL)
        media_type = "application/octet-stream";
    folio__asset_rec *rec = folio__arena_alloc(&doc->arena, sizeof *rec);
    if (rec == NULL)
        return FOLIO_ENOMEM;
    unsigned char *bytes = folio__arena_alloc(&doc->arena, len);
    const char *u = folio__arena_strdup(&doc->arena, url);
    const char *t = folio__arena_strdup(&doc->arena, media_type);
    if (bytes == NULL || u == NULL || t == NULL)
        return FOLIO_ENOMEM;
    if (len > 0)
        memcpy(bytes, data, len);
    rec->pub.size = sizeof rec->pub;
    rec->pub.url = u;
    rec->pub.media_type = t;
    rec->pub.data = bytes;
    rec->pub.len = len;

    for (size_t i = 0; i < doc->n_assets; i++) {
        if (strcmp(doc->assets[i]->pub.url, url) == 0) {
            doc->assets[i] = rec;
            return FOLIO_OK;
        }
    }
    if (doc->n_assets == doc->assets_cap) {
        size_t ncap = doc->assets_cap == 0 ? 8 : doc->assets_cap * 2;
        if (ncap > SIZE_MAX / sizeof *doc->assets)
            return FOLIO_ENOMEM;
        folio__asset_rec **grown =
            realloc(doc->assets, ncap * sizeof *grown);
        if (grown == NULL)
            return FOLIO_ENOMEM;
        doc->assets = grown;
        doc->assets_cap = ncap;
    }
    doc->assets[doc->n_assets++] = rec;
    return FOLIO_OK;
}

int folio_doc_rename_asset(folio_doc *doc, const char *url,
                           const char *new_url)
{
    folio__asset_rec *rec = NULL;
    const char *u;

    if (doc == NULL || url == NULL || new_url == NULL)
        return FOLIO_EINVALID;
    for (size_t i = 0; i < doc->n_assets && rec == NULL; i++)
        if (strcmp(doc->assets[i]->pub.url, url) == 0)
            rec = doc->assets[i];
    if (rec == NULL)
        return FOLIO_ENOTFOUND;
    if (folio__utf8_valid(new_url, strlen(new_url)) == 0)
        return FOLIO_EINVALID;
    for (size_t i = 0; i < doc->n_assets; i++)
        if (doc->assets[i] != rec
            && strcmp(doc->assets[i]->pub.url, new_url) == 0)
            return FOLIO_EINVALID;
    if ((u = folio__arena_strdup(&doc->arena, new_url)) == NULL)
        return FOLIO_ENOMEM;

    /* Pre-order walk by the links themselves: no stack, any depth. */
    for (folio_node *n = doc->root; n != NULL;) {
        if (n->url != NULL && strcmp(n->url, url) == 0)
            n->url = u;
        if (n->first != NULL) {
            n = n->first;
            continue;
        }
        while (n != NULL && n->next == NULL)
            n = n->parent;
        if (n != NULL)
            n = n->next;
    }
    if (doc->meta.image != NULL && strcmp(doc->meta.image, url) == 0)
        doc->meta.image = u;
    rec->pub.url = u;
    return FOLIO_OK;
}

size_t folio_doc_asset_count(const folio_doc *doc)
{
    return doc == NULL ? 0 : doc->n_assets;
}

const folio_asset *folio_doc_asset_at(const folio_doc *doc, size_t i)
{
    if (doc == NULL || i >= doc->n_assets)
        return NULL;
    return &doc->assets[i]->pub;
}

const folio_asset *folio_doc_asset_find(const folio_doc *doc,
                                        const char *url)
{
    if (doc == NULL || url == NULL)
        return NULL;
    for (size_t i = 0; i < doc->n_assets; i++)
        if (strcmp(doc->assets[i]->pub.url, url) == 0)
            return &doc->assets[i]->pub;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Checking                                                           */
/* ------------------------------------------------------------------ */

static bool str_ok(const char *s)
{
    return s == NULL || folio__utf8_valid(s, strlen(s));
}

int folio_doc_check(const folio_doc *doc)
{
    if (doc == NULL || doc->root == NULL ||
        doc->root->type != FOLIO_NODE_DOCUMENT || doc->root->parent != NULL)
        return FOLIO_EINVALID;
    size_t link_depth = 0;
    folio_iter it;
    folio_iter_init(&it, doc->root);
    folio_event ev;
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = folio_iter_node(&it);
        if (ev == FOLIO_EVENT_EXIT) {
            if (n->type == FOLIO_NODE_LINK)
                link_depth--;
            continue;
        }
        if (n->doc != doc)
            return FOLIO_EINVALID;
        if (n != doc->root &&
            (n->parent == NULL ||
             !folio_node_can_contain(n->parent->type, n->type)))
            return FOLIO_EINVALID;
        if (n->first != NULL && (n->first->prev != NULL ||
                                 n->first->parent != n))
            return FOLIO_EINVALID;
        if (n->next != NULL && n->next->prev != n)
            return FOLIO_EINVALID;
        if (n->type == FOLIO_NODE_LINK && link_depth++ > 0)
            return FOLIO_EINVALID;
        if (n->type == FOLIO_NODE_HEADING && (n->level < 1 || n->level > 6))
            return FOLIO_EINVALID;
        if (!str_ok(n->literal) || !str_ok(n->url) || !str_ok(n->title) ||
            !str_ok(n->alt) || !str_ok(n->lang) || !str_ok(n->label))
            return FOLIO_EINVALID;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* The read API table                                                 */
/* ------------------------------------------------------------------ */

static const folio_doc_api doc_api = {
    .size = sizeof(folio_doc_api),
    .root = folio_doc_root,
    .meta = folio_doc_meta,
    .asset_count = folio_doc_asset_count,
    .asset_at = folio_doc_asset_at,
    .asset_find = folio_doc_asset_find,
    .type = folio_node_type_of,
    .parent = folio_node_parent,
    .first_child = folio_node_first_child,
    .last_child = folio_node_last_child,
    .next = folio_node_next,
    .prev = folio_node_prev,
    .literal = folio_node_literal,
    .heading_level = folio_node_heading_level,
    .list_ordered = folio_node_list_ordered,
    .list_start = folio_node_list_start,
    .list_tight = folio_node_list_tight,
    .code_language = folio_node_code_language,
    .url = folio_node_url,
    .title = folio_node_title,
    .alt = folio_node_alt,
    .image_width = folio_node_image_width,
    .image_height = folio_node_image_height,
    .is_header = folio_node_is_header,
    .cell_align = folio_node_cell_align,
    .cell_colspan = folio_node_cell_colspan,
    .cell_rowspan = folio_node_cell_rowspan,
    .label = folio_node_label,
    .iter_init = folio_iter_init,
    .iter_next = folio_iter_next,
    .iter_node = folio_iter_node,
    .type_name = folio_node_type_name,
    .is_block = folio_node_type_is_block,
    .is_inline = folio_node_type_is_inline,
};

const folio_doc_api *folio_doc_api_get(void)
{
    return &doc_api;
}
