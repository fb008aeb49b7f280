/* SPDX-License-Identifier: MIT */
/*
 * The json output plugin, loaded through the registry from the build's
 * plugin folders (FOLIO_PLUGIN_PATH), writing documents built with the
 * model API. The output is parsed back with jansson.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"

static folio_registry *reg;
static const folio_plugin *json;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    /* Only $FOLIO_PLUGIN_PATH: the plugins of this build. */
    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    json = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "json");
    cr_assert_not_null(json, "json plugin not found along %s",
                       getenv("FOLIO_PLUGIN_PATH"));
}

static void teardown(void)
{
    folio_registry_free(reg);
}

TestSuite(json, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

typedef struct outbuf {
    char *p;
    size_t len;
    int fail_after; /* calls allowed before the sink fails; -1: never */
} outbuf;

static int sink(void *data, const char *bytes, size_t len)
{
    outbuf *o = data;
    char *p;

    if (o->fail_after == 0)
        return -1;
    if (o->fail_after > 0)
        o->fail_after--;
    p = realloc(o->p, o->len + len + 1);
    cr_assert_not_null(p);
    memcpy(p + o->len, bytes, len);
    o->p = p;
    o->len += len;
    o->p[o->len] = '\0';
    return 0;
}

/* Writes `doc` with the json plugin (and -O pretty=`pretty` unless NULL).
 * Returns the output (malloc'd). */
static char *render(const folio_doc *doc, const char *pretty)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    outbuf o = { NULL, 0, -1 };
    int rc;

    cr_assert_not_null(job);
    if (pretty != NULL)
        cr_assert_eq(folio_job_set_option(job, "pretty", pretty), FOLIO_OK);
    rc = folio_job_write(job, json, doc, sink, &o);
    cr_assert_eq(rc, FOLIO_OK, "write failed: %s", folio_job_error(job));
    cr_assert_not_null(o.p);
    folio_job_free(job);
    return o.p;
}

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);

    cr_assert_not_null(v, "invalid JSON (%s, line %d): %s", e.text, e.line,
                       text);
    cr_assert(json_is_object(v));
    return v;
}

static folio_doc *doc;

static folio_node *add(folio_node *parent, folio_node_type t)
{
    folio_node *n = folio_node_new(doc, t);

    cr_assert_not_null(n);
    cr_assert_eq(folio_node_append_child(parent, n), FOLIO_OK,
                 "cannot put a %s in a %s", folio_node_type_name(t),
                 folio_node_type_name(folio_node_type_of(parent)));
    return n;
}

static folio_node *add_text(folio_node *parent, const char *s)
{
    folio_node *n = add(parent, FOLIO_NODE_TEXT);

    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
    return n;
}

static folio_node *add_para(folio_node *parent, const char *s)
{
    folio_node *p = add(parent, FOLIO_NODE_PARAGRAPH);

    add_text(p, s);
    return p;
}

static const char *const keys[] = {
    "title", "subtitle", "authors", "published", "modified", "site_name",
    "url", "source", "lang", "dir", "description", "image", "tags",
    "section", "word_count", "reading_time_minutes", "text", NULL,
};

/* Asserts the object has exactly `keys`, in order. */
static void assert_keys(json_t *obj)
{
    void *it = json_object_iter(obj);
    size_t i = 0;

    for (; it != NULL; it = json_object_iter_next(obj, it), i++) {
        cr_assert_not_null(keys[i], "extra key %s", json_object_iter_key(it));
        cr_assert_str_eq(json_object_iter_key(it), keys[i], "key %zu", i);
    }
    cr_assert_null(keys[i], "missing key %s", keys[i]);
    cr_assert_eq(json_object_size(obj), i);
}

static const char *str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    cr_assert(json_is_string(v), "%s is not a string", key);
    return json_string_value(v);
}

/* A document using every kind of block the text walk handles. */
static folio_doc *rich_doc(void)
{
    folio_node *root, *p, *link, *em, *list, *item, *quote, *code, *table;
    folio_node *row, *cell, *fig, *img, *cap;

    doc = folio_doc_new();
    cr_assert_not_null(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE,
                                    "Café crème — a story"), FOLIO_OK);
    folio_doc_set_meta(doc, FOLIO_META_SUBTITLE, "Milk, coffee, time");
    folio_doc_add_author(doc, "Anna Öberg");
    folio_doc_add_author(doc, "Bo Li");
    folio_doc_set_meta(doc, FOLIO_META_PUBLISHED, "2024-05-01T09:30:00+02:00");
    folio_doc_set_meta(doc, FOLIO_META_MODIFIED, "2024-05-02");
    folio_doc_set_meta(doc, FOLIO_META_SITE_NAME, "Le Journal");
    folio_doc_set_meta(doc, FOLIO_META_URL, "https://example.fr/cafe");
    folio_doc_set_meta(doc, FOLIO_META_SOURCE, "saved/cafe.html");
    folio_doc_set_meta(doc, FOLIO_META_LANG, "fr");
    folio_doc_set_meta(doc, FOLIO_META_DIR, "ltr");
    folio_doc_set_meta(doc, FOLIO_META_DESCRIPTION, "On café crème.");
    folio_doc_set_meta(doc, FOLIO_META_IMAGE, "https://example.fr/c.jpg");
    folio_doc_set_meta(doc, FOLIO_META_SECTION, "Food");
    folio_doc_add_tag(doc, "coffee");
    folio_doc_set_counts(doc, 42, 1);

    root = folio_doc_root_mut(doc);
    /* A leading heading repeating the title is not body text. */
    p = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(p, 1);
    add_text(p, "Café crème — a story");

    p = add(root, FOLIO_NODE_PARAGRAPH);
    add_text(p, "First paragraph with ");
    link = add(p, FOLIO_NODE_LINK);
    folio_node_set_url(link, "https://example.fr/x");
    add_text(link, "a link");
    add_text(p, " and ");
    img = add(p, FOLIO_NODE_IMAGE);
    folio_node_set_url(img, "https://example.fr/i.png");
    folio_node_set_alt(img, "ALT TEXT");
    em = add(p, FOLIO_NODE_EMPH);
    add_text(em, "emphasis");
    add_text(p, ".");

    p = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(p, 2);
    add_text(p, "Section");

    list = add(root, FOLIO_NODE_LIST);
    folio_node_set_list(list, false, 1, true);
    item = add(list, FOLIO_NODE_LIST_ITEM);
    add_para(item, "one");
    item = add(list, FOLIO_NODE_LIST_ITEM);
    add_para(item, "two");

    quote = add(root, FOLIO_NODE_BLOCKQUOTE);
    add_para(quote, "quoted");

    code = add(root, FOLIO_NODE_CODE_BLOCK);
    folio_node_set_literal(code, "int x;\n", 7);

    table = add(root, FOLIO_NODE_TABLE);
    for (int r = 0; r < 2; r++) {
        row = add(table, FOLIO_NODE_TABLE_ROW);
        for (int c = 0; c < 2; c++) {
            char s[2] = { (char)('a' + r * 2 + c), '\0' };

            cell = add(row, FOLIO_NODE_TABLE_CELL);
            add_text(cell, s);
        }
    }

    fig = add(root, FOLIO_NODE_FIGURE);
    p = add(fig, FOLIO_NODE_PARAGRAPH);
    img = add(p, FOLIO_NODE_IMAGE);
    folio_node_set_url(img, "https://example.fr/f.png");
    folio_node_set_alt(img, "FIGURE ALT");
    cap = add(fig, FOLIO_NODE_CAPTION);
    add_text(cap, "A caption");

    p = add(root, FOLIO_NODE_PARAGRAPH);
    add_text(p, "line one");
    add(p, FOLIO_NODE_LINEBREAK);
    add_text(p, "line two");

    add_para(root, "日本語のテキスト 😀");
    return doc;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

Test(json, descriptor)
{
    cr_assert_str_eq(json->name, "json");
    cr_assert_eq(json->kind, FOLIO_PLUGIN_OUTPUT);
    cr_assert_str_eq(json->output->extension, "json");
    cr_assert_str_eq(json->output->media_type, "application/json");
    cr_assert_eq(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                     "application/json"), json);
}

Test(json, every_key_in_order_with_types)
{
    folio_doc *d = rich_doc();
    char *out = render(d, NULL);
    json_t *obj = parse(out);
    json_t *authors = json_object_get(obj, "authors");
    json_t *tags = json_object_get(obj, "tags");

    assert_keys(obj);
    cr_assert_str_eq(str(obj, "title"), "Café crème — a story");
    cr_assert_str_eq(str(obj, "subtitle"), "Milk, coffee, time");
    cr_assert(json_is_array(authors));
    cr_assert_eq(json_array_size(authors), 2);
    cr_assert_str_eq(json_string_value(json_array_get(authors, 0)),
                     "Anna Öberg");
    cr_assert_str_eq(json_string_value(json_array_get(authors, 1)), "Bo Li");
    cr_assert_str_eq(str(obj, "published"), "2024-05-01T09:30:00+02:00");
    cr_assert_str_eq(str(obj, "modified"), "2024-05-02");
    cr_assert_str_eq(str(obj, "site_name"), "Le Journal");
    cr_assert_str_eq(str(obj, "url"), "https://example.fr/cafe");
    cr_assert_str_eq(str(obj, "source"), "saved/cafe.html");
    cr_assert_str_eq(str(obj, "lang"), "fr");
    cr_assert_str_eq(str(obj, "dir"), "ltr");
    cr_assert_str_eq(str(obj, "description"), "On café crème.");
    cr_assert_str_eq(str(obj, "image"), "https://example.fr/c.jpg");
    cr_assert(json_is_array(tags));
    cr_assert_eq(json_array_size(tags), 1);
    cr_assert_str_eq(json_string_value(json_array_get(tags, 0)), "coffee");
    cr_assert_str_eq(str(obj, "section"), "Food");
    cr_assert(json_is_integer(json_object_get(obj, "word_count")));
    cr_assert_eq(json_integer_value(json_object_get(obj, "word_count")), 42);
    cr_assert_eq(json_integer_value(
                     json_object_get(obj, "reading_time_minutes")), 1);
    json_decref(obj);
    free(out);
    folio_doc_free(d);
}

Test(json, text_is_plain_paragraphs)
{
    folio_doc *d = rich_doc();
    char *out = render(d, NULL);
    json_t *obj = parse(out);
    const char *text = str(obj, "text");

    cr_assert_str_eq(text,
                     "First paragraph with a link and emphasis.\n"
                     "\n"
                     "Section\n"
                     "\n"
                     "one\n"
                     "two\n"
                     "\n"
                     "quoted\n"
                     "\n"
                     "int x;\n"
                     "\n"
                     "a\tb\n"
                     "c\td\n"
                     "\n"
                     "A caption\n"
                     "\n"
                     "line one\n"
                     "line two\n"
                     "\n"
                     "日本語のテキスト 😀");
    /* Neither the title nor image alt text is part of the body. */
    cr_assert_null(strstr(text, "Café"));
    cr_assert_null(strstr(text, "ALT"));
    json_decref(obj);
    free(out);
    folio_doc_free(d);
}

Test(json, unicode_is_written_as_is)
{
    folio_doc *d = rich_doc();
    char *out = render(d, NULL);

    /* UTF-8 bytes, not \u escapes (JSON_ENSURE_ASCII is off). */
    cr_assert_not_null(strstr(out, "\"Café crème — a story\""));
    cr_assert_not_null(strstr(out, "日本語のテキスト 😀"));
    cr_assert_null(strstr(out, "\\u"));
    free(out);
    folio_doc_free(d);
}

Test(json, pretty_by_default_compact_on_request)
{
    folio_doc *d = rich_doc();
    char *pretty = render(d, NULL);
    char *yes = render(d, "yes");
    char *compact = render(d, "false");
    size_t n = strlen(compact);
    json_t *a, *b;

    cr_assert(strncmp(pretty, "{\n  \"title\": ", 13) == 0, "%s", pretty);
    cr_assert_str_eq(yes, pretty);
    cr_assert(strncmp(compact, "{\"title\":", 9) == 0, "%s", compact);
    cr_assert_eq(strchr(compact, '\n'), compact + n - 1,
                 "compact output has inner newlines");
    cr_assert_eq(pretty[strlen(pretty) - 1], '\n');
    cr_assert_eq(compact[n - 1], '\n');
    a = parse(pretty);
    b = parse(compact);
    cr_assert(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    free(pretty);
    free(yes);
    free(compact);
    folio_doc_free(d);
}

Test(json, empty_document_has_nulls_and_empty_arrays)
{
    char *out;
    json_t *obj;

    doc = folio_doc_new();
    out = render(doc, NULL);
    obj = parse(out);
    assert_keys(obj);
    for (size_t i = 0; keys[i] != NULL; i++) {
        json_t *v = json_object_get(obj, keys[i]);

        if (strcmp(keys[i], "authors") == 0 || strcmp(keys[i], "tags") == 0)
            cr_assert(json_is_array(v) && json_array_size(v) == 0, "%s",
                      keys[i]);
        else if (strcmp(keys[i], "word_count") == 0 ||
                 strcmp(keys[i], "reading_time_minutes") == 0)
            cr_assert(json_is_integer(v) && json_integer_value(v) == 0);
        else if (strcmp(keys[i], "text") == 0)
            cr_assert_str_eq(json_string_value(v), "");
        else
            cr_assert(json_is_null(v), "%s is not null", keys[i]);
    }
    json_decref(obj);
    free(out);
    folio_doc_free(doc);
}

Test(json, heading_that_is_not_the_title_is_kept)
{
    folio_node *h;
    char *out;
    json_t *obj;

    doc = folio_doc_new();
    folio_doc_set_meta(doc, FOLIO_META_TITLE, "The title");
    h = add(folio_doc_root_mut(doc), FOLIO_NODE_HEADING);
    folio_node_set_heading_level(h, 2);
    add_text(h, "Another heading");
    add_para(folio_doc_root_mut(doc), "Body.");
    out = render(doc, NULL);
    obj = parse(out);
    cr_assert_str_eq(str(obj, "text"), "Another heading\n\nBody.");
    json_decref(obj);
    free(out);
    folio_doc_free(doc);
}

Test(json, sink_failure_is_reported)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    folio_doc *d = rich_doc();

    for (int allowed = 0; allowed < 3; allowed++) {
        outbuf o = { NULL, 0, allowed };
        int rc = folio_job_write(job, json, d, sink, &o);

        cr_assert_lt(rc, 0, "a failing sink must fail the write");
        cr_assert_not_null(folio_job_error(job));
        free(o.p);
    }
    folio_job_free(job);
    folio_doc_free(d);
}

Test(json, deep_nesting_is_walked_without_recursion, .timeout = 20)
{
    folio_node *n;
    char *out;
    json_t *obj;

    doc = folio_doc_new();
    /* Built from the inside out: appending under a detached node is O(1),
     * where appending at depth d walks d ancestors. */
    n = folio_node_new(doc, FOLIO_NODE_BLOCKQUOTE);
    add_para(n, "deep");
    for (int i = 0; i < 100000; i++) {
        folio_node *q = folio_node_new(doc, FOLIO_NODE_BLOCKQUOTE);

        cr_assert_eq(folio_node_append_child(q, n), FOLIO_OK);
        n = q;
    }
    cr_assert_eq(folio_node_append_child(folio_doc_root_mut(doc), n),
                 FOLIO_OK);
    out = render(doc, "false");
    obj = parse(out);
    cr_assert_str_eq(str(obj, "text"), "deep");
    json_decref(obj);
    free(out);
    folio_doc_free(doc);
}
