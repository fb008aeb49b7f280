/* SPDX-License-Identifier: MIT */
/*
 * The yaml output plugin, loaded through the registry from the build's
 * plugin folders (FOLIO_PLUGIN_PATH), writing documents built with the
 * model API. Every output is read back with libyaml's parser: values must
 * come back as the same strings, and strings must be double-quoted so a
 * YAML 1.1 resolver cannot turn `no` into false or `1.10` into a float.
 * The last tests run the folio program (FOLIO_EXE) for the front matter
 * layout of `-t markdown --front-matter`.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

#include "folio/folio.h"

static folio_registry *reg;
static const folio_plugin *yaml;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    /* Only $FOLIO_PLUGIN_PATH: the plugins of this build. */
    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    yaml = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "yaml");
    cr_assert_not_null(yaml, "yaml plugin not found along %s",
                       getenv("FOLIO_PLUGIN_PATH"));
}

static void teardown(void)
{
    folio_registry_free(reg);
}

TestSuite(yaml, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* Rendering                                                          */
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

/* Writes `doc` with options given as "key", "value", ..., NULL. Returns
 * the output (malloc'd); asserts success. */
static char *render_opts(const folio_doc *doc, const char *const *opts)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    outbuf o = { NULL, 0, -1 };
    int rc;

    cr_assert_not_null(job);
    for (size_t i = 0; opts != NULL && opts[i] != NULL; i += 2)
        cr_assert_eq(folio_job_set_option(job, opts[i], opts[i + 1]),
                     FOLIO_OK);
    rc = folio_job_write(job, yaml, doc, sink, &o);
    cr_assert_eq(rc, FOLIO_OK, "write failed: %s", folio_job_error(job));
    cr_assert_not_null(o.p);
    folio_job_free(job);
    return o.p;
}

static char *render(const folio_doc *doc)
{
    return render_opts(doc, NULL);
}

/* Writes `doc` expecting a failure; returns the status and copies the
 * error message to msg. */
static int render_fail(const folio_doc *doc, const char *const *opts,
                       int fail_after, char *msg, size_t msglen)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    outbuf o = { NULL, 0, fail_after };
    int rc;

    cr_assert_not_null(job);
    for (size_t i = 0; opts != NULL && opts[i] != NULL; i += 2)
        cr_assert_eq(folio_job_set_option(job, opts[i], opts[i + 1]),
                     FOLIO_OK);
    rc = folio_job_write(job, yaml, doc, sink, &o);
    snprintf(msg, msglen, "%s",
             folio_job_error(job) != NULL ? folio_job_error(job) : "");
    free(o.p);
    folio_job_free(job);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading back with libyaml's parser                                 */
/* ------------------------------------------------------------------ */

#define MAX_ENTRIES 32
#define MAX_ITEMS 300

typedef struct scalar {
    char *text;
    yaml_scalar_style_t style;
} scalar;

typedef struct yentry {
    char *key;
    bool is_list;
    yaml_sequence_style_t seq_style;
    scalar value;            /* when !is_list */
    scalar items[MAX_ITEMS]; /* when is_list */
    size_t n_items;
} yentry;

typedef struct ymap {
    yentry e[MAX_ENTRIES];
    size_t n;
    bool explicit_start;
} ymap;

static void next_event(yaml_parser_t *p, yaml_event_t *ev)
{
    cr_assert(yaml_parser_parse(p, ev), "YAML parse error: %s (line %zu)",
              p->problem != NULL ? p->problem : "?",
              p->problem_mark.line + 1);
}

static scalar take_scalar(yaml_event_t *ev)
{
    scalar s;

    cr_assert_eq(ev->type, YAML_SCALAR_EVENT, "expected a scalar, got %d",
                 ev->type);
    s.text = strndup((const char *)ev->data.scalar.value,
                     ev->data.scalar.length);
    cr_assert_not_null(s.text);
    s.style = ev->data.scalar.style;
    return s;
}

/*
 * Parses the first `len` bytes of `text` as one YAML document holding a
 * flat mapping of scalars and lists of scalars, as the plugin writes it.
 * Fails the test on anything else.
 */
static void parse_map(const char *text, size_t len, ymap *m)
{
    yaml_parser_t p;
    yaml_event_t ev;

    memset(m, 0, sizeof *m);
    cr_assert(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    next_event(&p, &ev);
    cr_assert_eq(ev.type, YAML_STREAM_START_EVENT);
    yaml_event_delete(&ev);
    next_event(&p, &ev);
    cr_assert_eq(ev.type, YAML_DOCUMENT_START_EVENT);
    m->explicit_start = !ev.data.document_start.implicit;
    yaml_event_delete(&ev);
    next_event(&p, &ev);
    cr_assert_eq(ev.type, YAML_MAPPING_START_EVENT);
    yaml_event_delete(&ev);
    for (;;) {
        yentry *e;

        next_event(&p, &ev);
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        cr_assert_lt(m->n, MAX_ENTRIES);
        e = &m->e[m->n++];
        {
            scalar k = take_scalar(&ev);

            e->key = k.text;
        }
        yaml_event_delete(&ev);
        next_event(&p, &ev);
        if (ev.type == YAML_SEQUENCE_START_EVENT) {
            e->is_list = true;
            e->seq_style = ev.data.sequence_start.style;
            yaml_event_delete(&ev);
            for (;;) {
                next_event(&p, &ev);
                if (ev.type == YAML_SEQUENCE_END_EVENT) {
                    yaml_event_delete(&ev);
                    break;
                }
                cr_assert_lt(e->n_items, MAX_ITEMS);
                e->items[e->n_items++] = take_scalar(&ev);
                yaml_event_delete(&ev);
            }
        } else {
            e->value = take_scalar(&ev);
            yaml_event_delete(&ev);
        }
    }
    next_event(&p, &ev);
    cr_assert_eq(ev.type, YAML_DOCUMENT_END_EVENT);
    yaml_event_delete(&ev);
    next_event(&p, &ev);
    cr_assert_eq(ev.type, YAML_STREAM_END_EVENT);
    yaml_event_delete(&ev);
    yaml_parser_delete(&p);
}

static void free_map(ymap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].key);
        free(m->e[i].value.text);
        for (size_t k = 0; k < m->e[i].n_items; k++)
            free(m->e[i].items[k].text);
    }
}

static const yentry *find(const ymap *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->e[i].key, key) == 0)
            return &m->e[i];
    }
    return NULL;
}

/* Asserts that `key` holds the double-quoted string `want`. */
static void assert_string(const ymap *m, const char *key, const char *want)
{
    const yentry *e = find(m, key);

    cr_assert_not_null(e, "key %s missing", key);
    cr_assert(!e->is_list, "%s is a list", key);
    cr_assert_str_eq(e->value.text, want, "%s", key);
    cr_assert_eq(e->value.style, YAML_DOUBLE_QUOTED_SCALAR_STYLE,
                 "%s: %s is not double-quoted", key, want);
}

/* Asserts that `key` holds the plain scalar `want` (a timestamp). */
static void assert_plain(const ymap *m, const char *key, const char *want)
{
    const yentry *e = find(m, key);

    cr_assert_not_null(e, "key %s missing", key);
    cr_assert(!e->is_list, "%s is a list", key);
    cr_assert_str_eq(e->value.text, want, "%s", key);
    cr_assert_eq(e->value.style, YAML_PLAIN_SCALAR_STYLE,
                 "%s: %s is not plain", key, want);
}

/* Asserts that `key` holds the list of double-quoted strings in `want`
 * (NULL-terminated) in style `style`. */
static void assert_list(const ymap *m, const char *key,
                        const char *const *want, yaml_sequence_style_t style)
{
    const yentry *e = find(m, key);
    size_t n = 0;

    cr_assert_not_null(e, "key %s missing", key);
    cr_assert(e->is_list, "%s is not a list", key);
    cr_assert_eq(e->seq_style, style, "%s: sequence style", key);
    while (want[n] != NULL)
        n++;
    cr_assert_eq(e->n_items, n, "%s: %zu items, want %zu", key, e->n_items,
                 n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(e->items[i].text, want[i]);
        cr_assert_eq(e->items[i].style, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    }
}

/* Asserts the keys, in order (NULL-terminated). */
static void assert_keys(const ymap *m, const char *const *want)
{
    size_t n = 0;

    while (want[n] != NULL)
        n++;
    cr_assert_eq(m->n, n, "%zu keys, want %zu", m->n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(m->e[i].key, want[i], "key %zu", i);
}

/* A document with every metadata field set. */
static folio_doc *full_doc(void)
{
    folio_doc *d = folio_doc_new();

    cr_assert_not_null(d);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_TITLE, "A Title"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_SUBTITLE, "Sub"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_PUBLISHED,
                                    "2024-05-01T09:30:00+02:00"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_MODIFIED, "2024-05-03"),
                 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_CAPTURED,
                                    "2024-06-01T10:00:00Z"), 0);
    cr_assert_eq(folio_doc_add_author(d, "Ada Lovelace"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_DESCRIPTION, "Desc"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_URL,
                                    "https://example.com/a"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_SOURCE, "/tmp/a.html"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_SITE_NAME, "Example"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_LANG, "en-GB"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_IMAGE,
                                    "https://example.com/i.png"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_SECTION, "Tech"), 0);
    cr_assert_eq(folio_doc_add_tag(d, "page-kw"), 0);
    return d;
}

/* ------------------------------------------------------------------ */
/* Round trips                                                        */
/* ------------------------------------------------------------------ */

/* Values a YAML 1.1 resolver or a careless emitter gets wrong, and what
 * they must read back as. */
static const struct {
    const char *in, *out;
} tricky[] = {
    { "no", "no" },
    { "yes", "yes" },
    { "null", "null" },
    { "~", "~" },
    { "On", "On" },
    { "1.10", "1.10" },
    { "0x1F", "0x1F" },
    { "1e3", "1e3" },
    { "2024-01-02", "2024-01-02" },
    { "Breaking: a title", "Breaking: a title" },
    { "a # not a comment", "a # not a comment" },
    { "#hashtag", "#hashtag" },
    { "@handle", "@handle" },
    { "- dash", "- dash" },
    { "[bracket]", "[bracket]" },
    { "{brace}", "{brace}" },
    { "*alias", "*alias" },
    { "&anchor", "&anchor" },
    { "!tag", "!tag" },
    { "%directive", "%directive" },
    { "| pipe", "| pipe" },
    { "> fold", "> fold" },
    { "---", "---" },
    { "...", "..." },
    { "He said \"hi\"", "He said \"hi\"" },
    { "'single'", "'single'" },
    { "C:\\path\\n", "C:\\path\\n" },
    { "two\nlines", "two lines" },
    { "tab\there", "tab here" },
    { "crlf\r\n  next", "crlf next" },
    { "  lead and trail  ", "  lead and trail  " },
    { "Café – 日本語 – עברית – 😀", "Café – 日本語 – עברית – 😀" },
    { "line\xe2\x80\xa8sep", "line sep" },
    { "para\xe2\x80\xa9sep", "para sep" },
    { "next\xc2\x85line", "next line" },
    { "", NULL },
};

Test(yaml, tricky_titles_round_trip)
{
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
        folio_doc *d = folio_doc_new();
        char *out;
        ymap m;

        cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_TITLE, tricky[i].in),
                     FOLIO_OK);
        cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_DESCRIPTION,
                                        tricky[i].in), FOLIO_OK);
        cr_assert_eq(folio_doc_add_author(d, tricky[i].in), FOLIO_OK);
        out = render(d);
        /* libyaml writes NEL/LS/PS as \N, \L, \P: none may appear. */
        cr_assert_null(strstr(out, "\\L"), "%s", out);
        cr_assert_null(strstr(out, "\\P"), "%s", out);
        cr_assert_null(strstr(out, "\\N"), "%s", out);
        parse_map(out, strlen(out), &m);
        if (tricky[i].out == NULL) {
            /* An empty value is omitted like an unknown one. */
            cr_assert_eq(m.n, 0, "%s", out);
        } else {
            const char *one[] = { tricky[i].out, NULL };

            assert_string(&m, "title", tricky[i].out);
            assert_string(&m, "description", tricky[i].out);
            assert_list(&m, "author", one, YAML_FLOW_SEQUENCE_STYLE);
        }
        free_map(&m);
        free(out);
        folio_doc_free(d);
    }
}

Test(yaml, long_title_is_not_folded)
{
    folio_doc *d = folio_doc_new();
    char title[2001];
    char *out;
    ymap m;

    for (size_t i = 0; i < 2000; i++)
        title[i] = i % 7 == 6 ? ' ' : 'a';
    title[2000] = '\0';
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_TITLE, title), 0);
    out = render(d);
    /* One line: the key, the quoted title, the newline. */
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s", out);
    parse_map(out, strlen(out), &m);
    assert_string(&m, "title", title);
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, default_keys_in_order)
{
    folio_doc *d = full_doc();
    char *out = render(d);
    ymap m;
    const char *keys[] = { "title", "date", "updated", "author",
                           "description", "source", "site", "lang",
                           "image", NULL };
    const char *authors[] = { "Ada Lovelace", NULL };

    parse_map(out, strlen(out), &m);
    cr_assert(!m.explicit_start, "a lone document has no '---': %s", out);
    assert_keys(&m, keys);
    assert_string(&m, "title", "A Title");
    assert_plain(&m, "date", "2024-05-01T09:30:00+02:00");
    assert_plain(&m, "updated", "2024-05-03");
    assert_list(&m, "author", authors, YAML_FLOW_SEQUENCE_STYLE);
    /* The canonical URL beats where the page was read. */
    assert_string(&m, "source", "https://example.com/a");
    assert_string(&m, "site", "Example");
    assert_string(&m, "lang", "en-GB");
    assert_string(&m, "image", "https://example.com/i.png");
    cr_assert_str_eq(out,
                     "title: \"A Title\"\n"
                     "date: 2024-05-01T09:30:00+02:00\n"
                     "updated: 2024-05-03\n"
                     "author: [\"Ada Lovelace\"]\n"
                     "description: \"Desc\"\n"
                     "source: \"https://example.com/a\"\n"
                     "site: \"Example\"\n"
                     "lang: \"en-GB\"\n"
                     "image: \"https://example.com/i.png\"\n");
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, unknown_values_are_omitted)
{
    folio_doc *d = folio_doc_new();
    char *out;
    ymap m;
    const char *keys[] = { "title", "source", NULL };

    out = render(d);
    cr_assert_str_eq(out, "{}\n");
    free(out);
    out = render_opts(d, (const char *[]){ "front-matter", "true", NULL });
    cr_assert_str_eq(out, "---\n---\n\n");
    free(out);

    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_TITLE, "Only"), 0);
    cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_SOURCE, "page.html"), 0);
    out = render(d);
    cr_assert_null(strstr(out, "null"), "%s", out);
    cr_assert_null(strstr(out, "~"), "%s", out);
    parse_map(out, strlen(out), &m);
    assert_keys(&m, keys);
    assert_string(&m, "source", "page.html");
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, dates_plain_only_when_valid_timestamps)
{
    /* out: the plain timestamp written, or NULL for a quoted string. */
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "2024-05-01", "2024-05-01" },
        { "2024-02-29", "2024-02-29" },
        { "2024-05-01T09:30:00Z", "2024-05-01T09:30:00Z" },
        { "2024-05-01T09:30:00.123456-05:00",
          "2024-05-01T09:30:00.123456-05:00" },
        /* Normalised to the one form YAML's timestamp type has. */
        { "2024-05-01T09:30:00+02", "2024-05-01T09:30:00+02:00" },
        { "2024-05-01T09:30:00+0200", "2024-05-01T09:30:00+02:00" },
        { "2024-05-01T09:30+02:00", "2024-05-01T09:30:00+02:00" },
        { "2024-05-01T09:30", "2024-05-01T09:30:00" },
        { "2024-05-01 09:30:00", "2024-05-01T09:30:00" },
        { "2020-11-11T12:00:00.000-0600", "2020-11-11T12:00:00.000-06:00" },
        { "2023-02-29", NULL },
        { "2024-13-01", NULL },
        { "0000-01-01", NULL },
        { "2024-05-01T24:00:00Z", NULL },
        { "2024-05-01T09:60:00Z", NULL },
        { "2023-12-20T20:09:56.0000000Z", "2023-12-20T20:09:56.000000Z" },
        { "2024-05-01T09:30:00.1234567Z", NULL },
        { "2024-05-01T09:30:00+02:0", NULL },
        { "2024-05-01T09:30:00+02:00x", NULL },
        { "2024-05-01T09:30:00 +02:00", NULL },
        { "2024-05-01T09", NULL },
        { "2024-5-1", NULL },
        { "yesterday", NULL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        folio_doc *d = folio_doc_new();
        char *out;
        ymap m;

        cr_assert_eq(folio_doc_set_meta(d, FOLIO_META_PUBLISHED,
                                        cases[i].in), 0);
        out = render(d);
        parse_map(out, strlen(out), &m);
        if (cases[i].out != NULL)
            assert_plain(&m, "date", cases[i].out);
        else
            assert_string(&m, "date", cases[i].in);
        free_map(&m);
        free(out);
        folio_doc_free(d);
    }
}

/* ------------------------------------------------------------------ */
/* Presets                                                            */
/* ------------------------------------------------------------------ */

Test(yaml, preset_hugo)
{
    folio_doc *d = full_doc();
    char *out = render_opts(d, (const char *[]){ "preset", "hugo", NULL });
    ymap m;
    const char *keys[] = { "title", "date", "lastmod", "author",
                           "description", "source", "site", "lang",
                           "images", NULL };
    const char *images[] = { "https://example.com/i.png", NULL };
    const char *two[] = { "Ada Lovelace", "Charles Babbage", NULL };

    parse_map(out, strlen(out), &m);
    assert_keys(&m, keys);
    assert_plain(&m, "lastmod", "2024-05-03");
    /* One author: a string; the image: a list. */
    assert_string(&m, "author", "Ada Lovelace");
    assert_list(&m, "images", images, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    free(out);

    cr_assert_eq(folio_doc_add_author(d, "Charles Babbage"), 0);
    out = render_opts(d, (const char *[]){ "preset", "hugo", NULL });
    parse_map(out, strlen(out), &m);
    assert_list(&m, "author", two, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, preset_jekyll_eleventy_astro)
{
    folio_doc *d = full_doc();
    char *out;
    ymap m;
    const char *jekyll[] = { "title", "date", "last_modified_at", "author",
                             "description", "source", "site", "lang",
                             "image", NULL };
    const char *eleventy[] = { "title", "date", "updated", "author",
                               "description", "source", "site", "lang",
                               "image", NULL };
    const char *astro[] = { "title", "pubDate", "updatedDate", "author",
                            "description", "source", "site", "lang",
                            "heroImage", NULL };
    const char *authors[] = { "Ada Lovelace", NULL };

    out = render_opts(d, (const char *[]){ "preset", "jekyll", NULL });
    parse_map(out, strlen(out), &m);
    assert_keys(&m, jekyll);
    assert_string(&m, "author", "Ada Lovelace");
    assert_string(&m, "image", "https://example.com/i.png");
    free_map(&m);
    free(out);

    out = render_opts(d, (const char *[]){ "preset", "eleventy", NULL });
    parse_map(out, strlen(out), &m);
    assert_keys(&m, eleventy);
    assert_list(&m, "author", authors, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    free(out);

    out = render_opts(d, (const char *[]){ "preset", "astro", NULL });
    parse_map(out, strlen(out), &m);
    assert_keys(&m, astro);
    assert_plain(&m, "pubDate", "2024-05-01T09:30:00+02:00");
    assert_plain(&m, "updatedDate", "2024-05-03");
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, preset_obsidian)
{
    folio_doc *d = full_doc();
    char *out = render_opts(d, (const char *[]){ "preset", "obsidian",
                                                 NULL });
    ymap m;
    const char *keys[] = { "title", "published", "created", "author",
                           "description", "source", "site", "lang",
                           "image", "tags", NULL };
    const char *authors[] = { "Ada Lovelace", NULL };
    const char *clippings[] = { "clippings", NULL };
    const char *clean[] = { "My-Tag", "nested/tag", "c-sharp", "v2",
                            "日本", NULL };

    parse_map(out, strlen(out), &m);
    assert_keys(&m, keys);
    /* Dates only; no modification date; block lists; [clippings]. */
    assert_plain(&m, "published", "2024-05-01");
    assert_plain(&m, "created", "2024-06-01");
    assert_list(&m, "author", authors, YAML_BLOCK_SEQUENCE_STYLE);
    assert_list(&m, "tags", clippings, YAML_BLOCK_SEQUENCE_STYLE);
    free_map(&m);
    free(out);

    /* User tags replace the default, sanitised: no '#', no spaces, not
     * all digits, '/' kept. */
    out = render_opts(d, (const char *[]){
        "preset", "obsidian", "tag",
        "#My Tag!,nested/tag,2024,c#sharp,v2, ,日本,My Tag", NULL });
    parse_map(out, strlen(out), &m);
    assert_list(&m, "tags", clean, YAML_BLOCK_SEQUENCE_STYLE);
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

/* ------------------------------------------------------------------ */
/* keys, tags                                                         */
/* ------------------------------------------------------------------ */

Test(yaml, keys_choose_and_rename)
{
    folio_doc *d = full_doc();
    char *out;
    ymap m;
    const char *keys[] = { "date", "name", "author", "canonical",
                           "section", "subtitle", NULL };
    const char *hugo[] = { "lastmod", "title", NULL };

    out = render_opts(d, (const char *[]){
        "keys", "date,title:name,author,url:canonical,section,subtitle",
        NULL });
    parse_map(out, strlen(out), &m);
    assert_keys(&m, keys);
    assert_string(&m, "name", "A Title");
    assert_string(&m, "canonical", "https://example.com/a");
    free_map(&m);
    free(out);

    /* Without a rename, a field takes the preset's name. */
    out = render_opts(d, (const char *[]){ "preset", "hugo", "keys",
                                           "updated,title", NULL });
    parse_map(out, strlen(out), &m);
    assert_keys(&m, hugo);
    free_map(&m);
    free(out);

    /* A key a YAML 1.1 resolver reads as a boolean is quoted. */
    out = render_opts(d, (const char *[]){ "keys", "title:yes", NULL });
    cr_assert_str_eq(out, "\"yes\": \"A Title\"\n");
    free(out);
    folio_doc_free(d);
}

Test(yaml, keys_errors)
{
    folio_doc *d = full_doc();
    char msg[512];

    cr_assert_eq(render_fail(d, (const char *[]){ "keys", "title,bogus",
                                                  NULL }, -1, msg,
                             sizeof msg), FOLIO_EINVALID);
    cr_assert_not_null(strstr(msg, "unknown field 'bogus'"), "%s", msg);
    cr_assert_eq(render_fail(d, (const char *[]){ "keys", "title:x y",
                                                  NULL }, -1, msg,
                             sizeof msg), FOLIO_EINVALID);
    cr_assert_not_null(strstr(msg, "not a valid key"), "%s", msg);
    cr_assert_eq(render_fail(d, (const char *[]){ "keys", "title:a,date:a",
                                                  NULL }, -1, msg,
                             sizeof msg), FOLIO_EINVALID);
    cr_assert_not_null(strstr(msg, "twice"), "%s", msg);
    cr_assert_eq(render_fail(d, (const char *[]){ "keys", "title,,date",
                                                  NULL }, -1, msg,
                             sizeof msg), FOLIO_EINVALID);
    folio_doc_free(d);
}

Test(yaml, tags_only_when_asked)
{
    folio_doc *d = full_doc();
    char *out;
    ymap m;
    const char *user[] = { "one", "two words", NULL };
    const char *both[] = { "one", "page-kw", NULL };

    out = render(d);
    cr_assert_null(strstr(out, "tags"), "%s", out);
    free(out);

    out = render_opts(d, (const char *[]){ "tag", "one,two words,one",
                                           NULL });
    parse_map(out, strlen(out), &m);
    assert_list(&m, "tags", user, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    free(out);

    out = render_opts(d, (const char *[]){ "tag", "one", "tags", "page",
                                           NULL });
    parse_map(out, strlen(out), &m);
    assert_list(&m, "tags", both, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, front_matter_layout)
{
    folio_doc *d = full_doc();
    char *out = render_opts(d, (const char *[]){ "front-matter", "true",
                                                 NULL });
    size_t n = strlen(out);
    ymap m;

    cr_assert_eq(strncmp(out, "---\ntitle: \"A Title\"\n", 21), 0, "%s",
                 out);
    cr_assert_str_eq(out + n - 5, "---\n\n");
    /* Only one closing line; libyaml's "..." never appears. */
    cr_assert_null(strstr(out + 4, "---\n---"));
    cr_assert_null(strstr(out, "..."));
    parse_map(out, n - 5, &m);
    cr_assert(m.explicit_start);
    assert_string(&m, "title", "A Title");
    free_map(&m);
    free(out);
    folio_doc_free(d);
}

Test(yaml, sink_failure_is_reported)
{
    folio_doc *d = full_doc();
    char msg[512];

    int rc = render_fail(d, NULL, 0, msg, sizeof msg);

    /* The host turns a sink failure into FOLIO_EIO, whatever the plugin
     * returns (FOLIO_EUSER). */
    cr_assert_eq(rc, FOLIO_EIO, "%d %s", rc, msg);
    cr_assert_not_null(strstr(msg, "write"), "%s", msg);
    /* The closing "---" line fails after the mapping was written. */
    cr_assert_eq(render_fail(d, (const char *[]){ "front-matter", "true",
                                                  NULL }, 1, msg,
                             sizeof msg), FOLIO_EIO);
    folio_doc_free(d);
}

/* ------------------------------------------------------------------ */
/* The program: folio -t markdown --front-matter                      */
/* ------------------------------------------------------------------ */

static const char page[] =
    "<!DOCTYPE html><html lang=\"en\"><head>"
    "<title>no: a title #1</title>"
    "<meta property=\"og:title\" content=\"no: a title #1\">"
    "<meta name=\"author\" content=\"Jane Doe\">"
    "<meta property=\"article:published_time\" "
    "content=\"2024-05-01T09:30:00+02:00\">"
    "<meta name=\"description\" content=\"A page about yes and null.\">"
    "<link rel=\"canonical\" href=\"https://example.com/post\">"
    "</head><body><article><h1>no: a title #1</h1>"
    "<p>The first paragraph of the body, long enough to be the article "
    "and not some boilerplate that an extractor would drop.</p>"
    "<p>A second paragraph, so that the article has some substance and "
    "the extractor keeps it all.</p></article></body></html>";

/* Runs folio with `args` on the page (written to a temporary file) and
 * returns its standard output (malloc'd) and exit status. */
static char *run_folio(const char *args, int *status)
{
    const char *exe = getenv("FOLIO_EXE");
    char path[] = "/tmp/folio-yaml-test-XXXXXX";
    char cmd[1024];
    int fd = mkstemp(path);
    FILE *f;
    outbuf o = { NULL, 0, -1 };
    char buf[4096];
    size_t n;

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, page, sizeof page - 1), (ssize_t)(sizeof page - 1));
    close(fd);
    snprintf(cmd, sizeof cmd, "'%s' -q %s '%s' 2>/dev/null", exe, args,
             path);
    f = popen(cmd, "r");
    cr_assert_not_null(f);
    sink(&o, "", 0);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sink(&o, buf, n);
    *status = pclose(f);
    unlink(path);
    *status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
    return o.p;
}

Test(yaml, cli_markdown_front_matter)
{
    int status;
    char *out = run_folio("-t markdown --front-matter --tag a --tag 'b c'",
                          &status);
    const char *end, *body;
    ymap m;
    const char *tags[] = { "a", "b c", NULL };
    const char *authors[] = { "Jane Doe", NULL };

    cr_assert_eq(status, 0);
    cr_assert_eq(strncmp(out, "---\n", 4), 0, "%s", out);
    end = strstr(out + 4, "\n---\n\n");
    cr_assert_not_null(end, "%s", out);
    body = end + 6;
    parse_map(out, (size_t)(end - out) + 1, &m);
    assert_string(&m, "title", "no: a title #1");
    assert_plain(&m, "date", "2024-05-01T09:30:00+02:00");
    assert_list(&m, "author", authors, YAML_FLOW_SEQUENCE_STYLE);
    assert_string(&m, "source", "https://example.com/post");
    assert_list(&m, "tags", tags, YAML_FLOW_SEQUENCE_STYLE);
    free_map(&m);
    /* The title lives in the front matter, not in an extra H1. */
    cr_assert_eq(strncmp(body, "The first paragraph", 19), 0, "%s", body);
    cr_assert_null(strstr(body, "# no: a title"), "%s", body);
    free(out);

    /* The user may still ask for the H1. */
    out = run_folio("--front-matter -O title=true -O preset=hugo", &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "---\n\n# no: a title \\#1\n"), "%s",
                       out);
    cr_assert_not_null(strstr(out, "\nauthor: \"Jane Doe\"\n"), "%s", out);
    free(out);
}

Test(yaml, cli_yaml_alone_and_usage_errors)
{
    int status;
    char *out = run_folio("-t yaml -O keys=title,date", &status);

    cr_assert_eq(status, 0);
    cr_assert_str_eq(out, "title: \"no: a title #1\"\n"
                          "date: 2024-05-01T09:30:00+02:00\n");
    free(out);

    out = run_folio("-t yaml --front-matter", &status);
    cr_assert_eq(status, 2);
    free(out);
    out = run_folio("-t markdown --tag x", &status);
    cr_assert_eq(status, 2);
    free(out);
    out = run_folio("--front-matter -O preset=nope", &status);
    cr_assert_eq(status, 2);
    free(out);
    out = run_folio("--front-matter=no-such-plugin", &status);
    cr_assert_eq(status, 2);
    free(out);
    out = run_folio("--tag 'a,b' --front-matter", &status);
    cr_assert_eq(status, 2);
    free(out);
}

Test(yaml, hostile_option_sizes)
{
    folio_doc *d = full_doc();
    char *spec = malloc(70 * 8 + 1);
    char *tags = malloc(1000 * 6 + 1);
    char msg[512];
    char *out;
    ymap m;
    const yentry *e;

    /* More entries than the plugin holds: refused, not overrun. */
    spec[0] = '\0';
    for (int i = 0; i < 70; i++)
        strcat(spec, i == 0 ? "title:a0" : ",lang");
    cr_assert_eq(render_fail(d, (const char *[]){ "keys", spec, NULL }, -1,
                             msg, sizeof msg), FOLIO_EINVALID);
    /* An over-long key name is refused. */
    memset(spec, 'k', 100);
    memcpy(spec, "title:", 6);
    spec[100] = '\0';
    cr_assert_eq(render_fail(d, (const char *[]){ "keys", spec, NULL }, -1,
                             msg, sizeof msg), FOLIO_EINVALID);
    /* A thousand distinct tags: the list is bounded, the output valid. */
    tags[0] = '\0';
    for (int i = 0; i < 1000; i++)
        sprintf(tags + strlen(tags), "%st%03d", i == 0 ? "" : ",", i);
    out = render_opts(d, (const char *[]){ "tag", tags, NULL });
    parse_map(out, strlen(out), &m);
    e = find(&m, "tags");
    cr_assert_not_null(e);
    cr_assert(e->is_list);
    cr_assert_eq(e->n_items, 256);
    cr_assert_str_eq(e->items[255].text, "t255");
    free_map(&m);
    free(out);
    free(spec);
    free(tags);
    folio_doc_free(d);
}
