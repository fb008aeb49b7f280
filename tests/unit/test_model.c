/* SPDX-License-Identifier: MIT */
/* The document model: building, containment rules, iterator, metadata,
 * assets and the tree check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "folio/doc.h"

static folio_doc *doc;

static void setup(void)
{
    doc = folio_doc_new();
    cr_assert_not_null(doc);
}

static void teardown(void)
{
    folio_doc_free(doc);
}

TestSuite(model, .init = setup, .fini = teardown);

static folio_node *add(folio_node *parent, folio_node_type t)
{
    folio_node *n = folio_node_new(doc, t);
    cr_assert_not_null(n, "new %s", folio_node_type_name(t));
    cr_assert_eq(folio_node_append_child(parent, n), FOLIO_OK,
                 "%s in %s", folio_node_type_name(t),
                 folio_node_type_name(folio_node_type_of(parent)));
    return n;
}

static folio_node *text(folio_node *parent, const char *s)
{
    folio_node *n = add(parent, FOLIO_NODE_TEXT);
    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
    return n;
}

Test(model, new_doc_has_empty_document_root)
{
    const folio_node *root = folio_doc_root(doc);
    cr_assert_eq(folio_node_type_of(root), FOLIO_NODE_DOCUMENT);
    cr_assert_null(folio_node_first_child(root));
    cr_assert_null(folio_node_parent(root));
    cr_assert_eq(folio_doc_meta(doc)->size, sizeof(folio_meta));
    cr_assert_eq(folio_doc_check(doc), FOLIO_OK);
}

Test(model, node_new_refuses_document_and_unknown_types)
{
    cr_assert_null(folio_node_new(doc, FOLIO_NODE_DOCUMENT));
    cr_assert_null(folio_node_new(doc, FOLIO_NODE_NONE));
    cr_assert_null(folio_node_new(doc, (folio_node_type)40));
    cr_assert_null(folio_node_new(doc, (folio_node_type)999));
    cr_assert_null(folio_node_new(NULL, FOLIO_NODE_PARAGRAPH));
}

Test(model, append_rejects_cycle)
{
    folio_node *quote = folio_node_new(doc, FOLIO_NODE_BLOCKQUOTE);
    folio_node *inner = folio_node_new(doc, FOLIO_NODE_BLOCKQUOTE);
    cr_assert_eq(folio_node_append_child(quote, inner), FOLIO_OK);
    /* inner is attached; detach-free cycle attempt: quote under inner */
    cr_assert_eq(folio_node_append_child(inner, quote), FOLIO_EINVALID);
    cr_assert_eq(folio_node_append_child(quote, quote), FOLIO_EINVALID);
}

Test(model, append_rejects_attached_child_and_other_document)
{
    folio_node *root = folio_doc_root_mut(doc);
    folio_node *p = add(root, FOLIO_NODE_PARAGRAPH);
    folio_node *q = add(root, FOLIO_NODE_BLOCKQUOTE);
    cr_assert_eq(folio_node_append_child(q, p), FOLIO_EINVALID);

    folio_doc *other = folio_doc_new();
    folio_node *foreign = folio_node_new(other, FOLIO_NODE_PARAGRAPH);
    cr_assert_eq(folio_node_append_child(root, foreign), FOLIO_EINVALID);
    folio_doc_free(other);
}

Test(model, containment_rules)
{
    struct {
        folio_node_type parent, child;
        bool ok;
    } cases[] = {
        {FOLIO_NODE_DOCUMENT, FOLIO_NODE_PARAGRAPH, true},
        {FOLIO_NODE_DOCUMENT, FOLIO_NODE_TEXT, false},
        {FOLIO_NODE_DOCUMENT, FOLIO_NODE_LIST_ITEM, false},
        {FOLIO_NODE_DOCUMENT, FOLIO_NODE_FOOTNOTE_DEF, true},
        {FOLIO_NODE_BLOCKQUOTE, FOLIO_NODE_FOOTNOTE_DEF, false},
        {FOLIO_NODE_PARAGRAPH, FOLIO_NODE_TEXT, true},
        {FOLIO_NODE_PARAGRAPH, FOLIO_NODE_PARAGRAPH, false},
        {FOLIO_NODE_HEADING, FOLIO_NODE_LINK, true},
        {FOLIO_NODE_LIST, FOLIO_NODE_LIST_ITEM, true},
        {FOLIO_NODE_LIST, FOLIO_NODE_PARAGRAPH, false},
        {FOLIO_NODE_LIST_ITEM, FOLIO_NODE_LIST, true},
        {FOLIO_NODE_LIST_ITEM, FOLIO_NODE_TEXT, false},
        {FOLIO_NODE_TABLE, FOLIO_NODE_TABLE_ROW, true},
        {FOLIO_NODE_TABLE, FOLIO_NODE_TABLE_CELL, false},
        {FOLIO_NODE_TABLE_ROW, FOLIO_NODE_TABLE_CELL, true},
        {FOLIO_NODE_TABLE_CELL, FOLIO_NODE_STRONG, true},
        {FOLIO_NODE_TABLE_CELL, FOLIO_NODE_PARAGRAPH, false},
        {FOLIO_NODE_FIGURE, FOLIO_NODE_CAPTION, true},
        {FOLIO_NODE_FIGURE, FOLIO_NODE_CREDIT, true},
        {FOLIO_NODE_FIGURE, FOLIO_NODE_PARAGRAPH, true},
        {FOLIO_NODE_DOCUMENT, FOLIO_NODE_CAPTION, false},
        {FOLIO_NODE_CAPTION, FOLIO_NODE_EMPH, true},
        {FOLIO_NODE_DEF_LIST, FOLIO_NODE_DEF_TERM, true},
        {FOLIO_NODE_DEF_LIST, FOLIO_NODE_PARAGRAPH, false},
        {FOLIO_NODE_DEF_DESC, FOLIO_NODE_LIST, true},
        {FOLIO_NODE_LINK, FOLIO_NODE_LINK, false},
        {FOLIO_NODE_LINK, FOLIO_NODE_IMAGE, true},
        {FOLIO_NODE_EMPH, FOLIO_NODE_PARAGRAPH, false},
        {FOLIO_NODE_TEXT, FOLIO_NODE_TEXT, false},
        {FOLIO_NODE_IMAGE, FOLIO_NODE_TEXT, false},
        {FOLIO_NODE_CODE_BLOCK, FOLIO_NODE_TEXT, false},
        {FOLIO_NODE_THEMATIC_BREAK, FOLIO_NODE_TEXT, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(folio_node_can_contain(cases[i].parent, cases[i].child),
                     cases[i].ok, "%s in %s",
                     folio_node_type_name(cases[i].child),
                     folio_node_type_name(cases[i].parent));
}

Test(model, link_never_holds_link_at_any_depth)
{
    folio_node *p = add(folio_doc_root_mut(doc), FOLIO_NODE_PARAGRAPH);
    folio_node *link = add(p, FOLIO_NODE_LINK);
    folio_node *em = add(link, FOLIO_NODE_EMPH);
    folio_node *inner = folio_node_new(doc, FOLIO_NODE_LINK);
    cr_assert_eq(folio_node_append_child(em, inner), FOLIO_EINVALID);

    /* A detached subtree holding a link cannot be put under a link. */
    folio_node *strong = folio_node_new(doc, FOLIO_NODE_STRONG);
    cr_assert_eq(folio_node_append_child(strong, inner), FOLIO_OK);
    cr_assert_eq(folio_node_append_child(em, strong), FOLIO_EINVALID);
    cr_assert_eq(folio_doc_check(doc), FOLIO_OK);
}

Test(model, unlink_and_reappend)
{
    folio_node *root = folio_doc_root_mut(doc);
    folio_node *a = add(root, FOLIO_NODE_PARAGRAPH);
    folio_node *b = add(root, FOLIO_NODE_HEADING);
    folio_node *c = add(root, FOLIO_NODE_THEMATIC_BREAK);
    folio_node_unlink(b);
    cr_assert_eq(folio_node_next(a), c);
    cr_assert_eq(folio_node_prev(c), a);
    cr_assert_null(folio_node_parent(b));
    cr_assert_eq(folio_node_append_child(root, b), FOLIO_OK);
    cr_assert_eq(folio_node_last_child(root), b);
    folio_node_unlink(a);
    cr_assert_eq(folio_node_first_child(root), c);
    folio_node_unlink(a); /* no-op */
    cr_assert_eq(folio_node_set_heading_level(b, 2), FOLIO_OK);
    cr_assert_eq(folio_doc_check(doc), FOLIO_OK);
}

Test(model, setters_check_types_and_values)
{
    folio_node *h = folio_node_new(doc, FOLIO_NODE_HEADING);
    folio_node *p = folio_node_new(doc, FOLIO_NODE_PARAGRAPH);
    folio_node *img = folio_node_new(doc, FOLIO_NODE_IMAGE);
    folio_node *cell = folio_node_new(doc, FOLIO_NODE_TABLE_CELL);
    folio_node *list = folio_node_new(doc, FOLIO_NODE_LIST);

    cr_expect_eq(folio_node_set_heading_level(h, 0), FOLIO_EINVALID);
    cr_expect_eq(folio_node_set_heading_level(h, 7), FOLIO_EINVALID);
    cr_expect_eq(folio_node_set_heading_level(h, 3), FOLIO_OK);
    cr_expect_eq(folio_node_heading_level(h), 3);
    cr_expect_eq(folio_node_set_heading_level(p, 3), FOLIO_EINVALID);
    cr_expect_eq(folio_node_heading_level(p), 0);

    cr_expect_eq(folio_node_set_literal(p, "x", 1), FOLIO_EINVALID);
    cr_expect_null(folio_node_literal(p));

    cr_expect_eq(folio_node_set_url(img, "https://e.example/a.png"),
                 FOLIO_OK);
    cr_expect_eq(folio_node_set_alt(img, "A cat"), FOLIO_OK);
    cr_expect_eq(folio_node_set_image_size(img, 640, 480), FOLIO_OK);
    cr_expect_str_eq(folio_node_url(img), "https://e.example/a.png");
    cr_expect_str_eq(folio_node_alt(img), "A cat");
    cr_expect_eq(folio_node_image_width(img), 640);
    cr_expect_eq(folio_node_image_height(img), 480);
    cr_expect_eq(folio_node_set_alt(p, "x"), FOLIO_EINVALID);

    cr_expect_eq(folio_node_cell_colspan(cell), 1);
    cr_expect_eq(folio_node_set_cell(cell, FOLIO_ALIGN_RIGHT, 2, 1),
                 FOLIO_OK);
    cr_expect_eq(folio_node_set_cell(cell, FOLIO_ALIGN_RIGHT, 0, 1),
                 FOLIO_EINVALID);
    cr_expect_eq(folio_node_cell_align(cell), FOLIO_ALIGN_RIGHT);
    cr_expect_eq(folio_node_cell_colspan(cell), 2);
    cr_expect_eq(folio_node_set_header(cell, true), FOLIO_OK);
    cr_expect(folio_node_is_header(cell));

    cr_expect_eq(folio_node_list_start(list), 1);
    cr_expect_eq(folio_node_set_list(list, true, 7, true), FOLIO_OK);
    cr_expect(folio_node_list_ordered(list));
    cr_expect_eq(folio_node_list_start(list), 7);
    cr_expect(folio_node_list_tight(list));
}

Test(model, literal_copies_and_rejects_invalid_utf8)
{
    folio_node *t = folio_node_new(doc, FOLIO_NODE_TEXT);
    char buf[] = "caf\xc3\xa9";
    cr_assert_eq(folio_node_set_literal(t, buf, strlen(buf)), FOLIO_OK);
    buf[0] = 'X';
    cr_expect_str_eq(folio_node_literal(t), "caf\xc3\xa9");
    cr_expect_eq(folio_node_set_literal(t, "\xc3(", 2), FOLIO_EINVALID);
    cr_expect_eq(folio_node_set_literal(t, "\xed\xa0\x80", 3),
                 FOLIO_EINVALID); /* a surrogate */
    cr_expect_eq(folio_node_set_literal(t, "\xc0\xaf", 2),
                 FOLIO_EINVALID); /* overlong */
    cr_expect_str_eq(folio_node_literal(t), "caf\xc3\xa9");
    /* Embedded length: only `len` bytes are taken. */
    cr_expect_eq(folio_node_set_literal(t, "abcdef", 3), FOLIO_OK);
    cr_expect_str_eq(folio_node_literal(t), "abc");
}

/* Walks the tree and records "+type" / "-type" events. */
static void walk(const folio_node *root, char *out, size_t cap)
{
    folio_iter it;
    folio_iter_init(&it, root);
    out[0] = '\0';
    folio_event ev;
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = folio_iter_node(&it);
        strncat(out, ev == FOLIO_EVENT_ENTER ? "+" : "-",
                cap - strlen(out) - 1);
        strncat(out, folio_node_type_name(folio_node_type_of(n)),
                cap - strlen(out) - 1);
        strncat(out, " ", cap - strlen(out) - 1);
    }
}

Test(model, iterator_enter_exit_order)
{
    folio_node *root = folio_doc_root_mut(doc);
    folio_node *h = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(h, 1);
    text(h, "Title");
    folio_node *list = add(root, FOLIO_NODE_LIST);
    folio_node *item = add(list, FOLIO_NODE_LIST_ITEM);
    folio_node *p = add(item, FOLIO_NODE_PARAGRAPH);
    folio_node *em = add(p, FOLIO_NODE_EMPH);
    text(em, "x");
    add(p, FOLIO_NODE_LINEBREAK);
    add(root, FOLIO_NODE_THEMATIC_BREAK);
    add(root, FOLIO_NODE_BLOCKQUOTE); /* empty container */

    char buf[512];
    walk(root, buf, sizeof buf);
    cr_assert_str_eq(buf,
                     "+document +heading +text -heading +list +list_item "
                     "+paragraph +emph +text -emph +linebreak -paragraph "
                     "-list_item -list +thematic_break +blockquote "
                     "-blockquote -document ");

    /* A walk over a subtree stays inside it. */
    walk(item, buf, sizeof buf);
    cr_assert_str_eq(buf, "+list_item +paragraph +emph +text -emph "
                          "+linebreak -paragraph -list_item ");

    /* A leaf root yields one ENTER. */
    walk(folio_node_first_child(h), buf, sizeof buf);
    cr_assert_str_eq(buf, "+text ");

    folio_iter it;
    folio_iter_init(&it, NULL);
    cr_assert_eq(folio_iter_next(&it), FOLIO_EVENT_DONE);
    cr_assert_null(folio_iter_node(&it));
}

/* The walk, the check and the free are iterative: a deep tree must not
 * overflow the stack (the importer caps model depth far below this). */
Test(model, deep_tree_walk_check_and_free_do_not_recurse, .timeout = 20)
{
    folio_node *cur = folio_doc_root_mut(doc);
    const size_t depth = 5000;
    for (size_t i = 0; i < depth; i++) {
        folio_node *q = folio_node_new(doc, FOLIO_NODE_BLOCKQUOTE);
        cr_assert_not_null(q);
        cr_assert_eq(folio_node_append_child(cur, q), FOLIO_OK);
        cur = q;
    }
    size_t enters = 0, exits = 0;
    folio_iter it;
    folio_iter_init(&it, folio_doc_root(doc));
    folio_event ev;
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        enters += ev == FOLIO_EVENT_ENTER;
        exits += ev == FOLIO_EVENT_EXIT;
    }
    cr_assert_eq(enters, depth + 1);
    cr_assert_eq(exits, depth + 1);
    cr_assert_eq(folio_doc_check(doc), FOLIO_OK);
}

Test(model, meta_fields_authors_tags_counts)
{
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "Hello: world"),
                 FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_LANG, "en-GB"), FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, (folio_meta_field)99, "x"),
                 FOLIO_EINVALID);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_DIR, "\xff"),
                 FOLIO_EINVALID);
    cr_assert_eq(folio_doc_add_author(doc, "Ann Smith"), FOLIO_OK);
    cr_assert_eq(folio_doc_add_author(doc, "Bo Li"), FOLIO_OK);
    cr_assert_eq(folio_doc_add_author(doc, "Ann Smith"), FOLIO_OK);
    for (int i = 0; i < 20; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "t%d", i);
        cr_assert_eq(folio_doc_add_tag(doc, tag), FOLIO_OK);
    }
    folio_doc_set_counts(doc, 1234, 6);

    const folio_meta *m = folio_doc_meta(doc);
    cr_expect_str_eq(m->title, "Hello: world");
    cr_expect_str_eq(m->lang, "en-GB");
    cr_expect_null(m->dir);
    cr_expect_eq(m->n_authors, 2);
    cr_expect_str_eq(m->authors[0], "Ann Smith");
    cr_expect_str_eq(m->authors[1], "Bo Li");
    cr_expect_eq(m->n_tags, 20);
    cr_expect_str_eq(m->tags[19], "t19");
    cr_expect_eq(m->word_count, 1234);
    cr_expect_eq(m->reading_time_minutes, 6);

    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, NULL), FOLIO_OK);
    cr_expect_null(m->title);
}

Test(model, assets_add_find_replace)
{
    const unsigned char png[] = {0x89, 'P', 'N', 'G'};
    cr_assert_eq(folio_doc_add_asset(doc, "https://e.example/a.png",
                                     "image/png", png, sizeof png),
                 FOLIO_OK);
    cr_assert_eq(folio_doc_add_asset(doc, "https://e.example/b.gif", NULL,
                                     png, 2),
                 FOLIO_OK);
    cr_assert_eq(folio_doc_asset_count(doc), 2);
    const folio_asset *a = folio_doc_asset_find(doc, "https://e.example/a.png");
    cr_assert_not_null(a);
    cr_expect_str_eq(a->media_type, "image/png");
    cr_expect_eq(a->len, 4);
    cr_expect_eq(memcmp(a->data, png, 4), 0);
    cr_expect_str_eq(folio_doc_asset_at(doc, 1)->media_type,
                     "application/octet-stream");
    cr_assert_eq(folio_doc_add_asset(doc, "https://e.example/a.png",
                                     "image/x-png", png, 1),
                 FOLIO_OK);
    cr_expect_eq(folio_doc_asset_count(doc), 2);
    cr_expect_eq(folio_doc_asset_find(doc, "https://e.example/a.png")->len, 1);
    cr_expect_null(folio_doc_asset_find(doc, "https://e.example/c.png"));
    cr_expect_null(folio_doc_asset_at(doc, 2));
    cr_expect_eq(folio_doc_add_asset(doc, NULL, "x", png, 1), FOLIO_EINVALID);
}

Test(model, api_table_matches_functions)
{
    const folio_doc_api *api = folio_doc_api_get();
    cr_assert_eq(api->size, sizeof(folio_doc_api));
    folio_node *p = add(folio_doc_root_mut(doc), FOLIO_NODE_PARAGRAPH);
    text(p, "hi");
    const folio_node *root = api->root(doc);
    cr_assert_eq(api->type(root), FOLIO_NODE_DOCUMENT);
    cr_assert_eq(api->first_child(root), p);
    cr_assert_str_eq(api->literal(api->first_child(p)), "hi");
    cr_assert(api->is_block(FOLIO_NODE_FIGURE));
    cr_assert(api->is_inline(FOLIO_NODE_FOOTNOTE_REF));
    cr_assert_str_eq(api->type_name(FOLIO_NODE_CODE_BLOCK), "code_block");
    cr_assert_str_eq(api->type_name((folio_node_type)50), "unknown");
}

Test(model, type_ranges_cover_every_name)
{
    for (int t = FOLIO_NODE_FIRST_BLOCK; t <= FOLIO_NODE_LAST_BLOCK; t++)
        cr_expect_str_neq(folio_node_type_name((folio_node_type)t),
                          "unknown");
    for (int t = FOLIO_NODE_FIRST_INLINE; t <= FOLIO_NODE_LAST_INLINE; t++)
        cr_expect_str_neq(folio_node_type_name((folio_node_type)t),
                          "unknown");
}
