/* SPDX-License-Identifier: MIT */
/*
 * Jobs: message prefixes, first error wins, plugin options, limits,
 * assets, reading and writing through plugins defined in this file
 * (passed to folio_job_read/write directly, no registry needed).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "job.h"

#define BYTES(s) ((const unsigned char *)(s)), (sizeof(s) - 1)

static folio_job *new_job(const char *path)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.input_path = path;
    folio_job *job = folio_job_new(NULL, &jo);
    cr_assert_not_null(job);
    return job;
}

/* ------------------------------------------------------------------ */
/* A fake input plugin whose read does what `fake_mode` says          */
/* ------------------------------------------------------------------ */

enum {
    FAKE_ERROR_TWICE,    /* two errors and a warning */
    FAKE_SILENT_FAIL,    /* returns an error without a message */
    FAKE_NOTHING,        /* returns OK with no document */
    FAKE_ADD_DOC,        /* adds an empty document */
    FAKE_OPTIONS,        /* warns the values of some options */
    FAKE_HOST_MEMORY,    /* uses alloc/strndup/input_path */
};
static int fake_mode;

static int fake_probe(const unsigned char *buf, size_t len)
{
    (void)buf;
    (void)len;
    return 10;
}

static int fake_read(const folio_host *h, folio_job *job,
                     const unsigned char *buf, size_t len)
{
    (void)buf;
    (void)len;
    switch (fake_mode) {
    case FAKE_ERROR_TWICE:
        h->warn(job, "odd byte at %d", 7);
        h->error(job, FOLIO_EINVALID, "first problem");
        return h->error(job, FOLIO_EUNSUPPORTED, "second problem");
    case FAKE_SILENT_FAIL:
        return FOLIO_EUNSUPPORTED;
    case FAKE_NOTHING:
        return FOLIO_OK;
    case FAKE_ADD_DOC: {
        folio_doc *doc = folio_doc_new();
        if (doc == NULL || folio__job_add_doc(job, doc) < 0) {
            folio_doc_free(doc);
            return FOLIO_ENOMEM;
        }
        return FOLIO_OK;
    }
    case FAKE_OPTIONS: {
        const char *names[] = { "width", "style", "other", "missing" };
        for (size_t i = 0; i < 4; i++) {
            const char *v = h->option(job, names[i]);
            h->warn(job, "%s=%s", names[i], v != NULL ? v : "(null)");
        }
        return FOLIO_OK;
    }
    case FAKE_HOST_MEMORY: {
        char *p = h->alloc(job, 100);
        char *s = h->strndup(job, "abc\0def", 7);
        char *t = h->strndup(job, "abcdef", 3);
        const char *path = h->input_path(job);
        h->warn(job, "%s %s %s %s", p != NULL && p[99] == 0 ? "zeroed" : "?",
                s, t, path != NULL ? path : "(stdin)");
        return FOLIO_OK;
    }
    }
    return FOLIO_EINVALID;
}

static const folio_input_ops fake_input_ops = {
    .size = sizeof(folio_input_ops),
    .probe = fake_probe,
    .read = fake_read,
};

static const folio_option fake_options[] = {
    { "width", FOLIO_OPTION_INT, "80", NULL, "line width" },
    { "style", FOLIO_OPTION_ENUM, NULL, "a|b", "no default" },
    { .name = NULL },
};

static const folio_plugin fake_input = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "fake",
    .options = fake_options,
    .input = &fake_input_ops,
};

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

Test(job, core_messages_have_input_prefix)
{
    folio_job *job = new_job("dir/page.html");
    cr_assert_eq(folio__job_error(job, FOLIO_EINVALID, "bad %s %d", "x", 1),
                 FOLIO_EINVALID);
    cr_assert_str_eq(folio_job_error(job), "dir/page.html: bad x 1");
    folio__job_warn(job, "w%d", 1);
    folio__job_note(job, "n%d", 2);
    cr_assert_eq(folio_job_warning_count(job), 1);
    cr_assert_str_eq(folio_job_warning_at(job, 0), "dir/page.html: w1");
    cr_assert_null(folio_job_warning_at(job, 1));
    cr_assert_eq(folio__job_note_count(job), 1);
    cr_assert_str_eq(folio__job_note_at(job, 0), "dir/page.html: n2");
    cr_assert_null(folio__job_note_at(job, 1));
    folio_job_free(job);
}

Test(job, stdin_is_shown_as_dash)
{
    folio_job *job = new_job(NULL);
    folio__job_error(job, FOLIO_EIO, "cannot read");
    cr_assert_str_eq(folio_job_error(job), "-: cannot read");
    folio_job_free(job);
}

Test(job, null_job_is_tolerated)
{
    cr_assert_eq(folio__job_error(NULL, FOLIO_ENOMEM, "x"), FOLIO_ENOMEM);
    folio__job_warn(NULL, "x");
    folio__job_note(NULL, "x");
    cr_assert_null(folio_job_error(NULL));
    cr_assert_eq(folio_job_warning_count(NULL), 0);
    folio_job_free(NULL);
}

Test(job, no_error_until_one_is_recorded)
{
    folio_job *job = new_job("a");
    cr_assert_null(folio_job_error(job));
    folio__job_warn(job, "only a warning");
    cr_assert_null(folio_job_error(job));
    folio_job_free(job);
}

Test(job, first_error_wins)
{
    folio_job *job = new_job("a.html");
    cr_assert_eq(folio__job_error(job, FOLIO_EINVALID, "first"),
                 FOLIO_EINVALID);
    cr_assert_eq(folio__job_error(job, FOLIO_ENOMEM, "second"), FOLIO_ENOMEM);
    cr_assert_str_eq(folio_job_error(job), "a.html: first");
    folio_job_free(job);
}

Test(job, plugin_messages_have_plugin_prefix)
{
    folio_job *job = new_job("in.html");
    fake_mode = FAKE_ERROR_TWICE;
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("x")),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "in.html: fake: first problem");
    cr_assert_eq(folio_job_warning_count(job), 1);
    cr_assert_str_eq(folio_job_warning_at(job, 0),
                     "in.html: fake: odd byte at 7");
    /* Outside a plugin call the host reports without a plugin name. */
    folio_host_get()->warn(job, "later");
    cr_assert_str_eq(folio_job_warning_at(job, 1), "in.html: later");
    folio_job_free(job);
}

Test(job, control_characters_are_replaced)
{
    folio_job *job = new_job("a\nb");
    folio__job_error(job, FOLIO_EINVALID, "title \x1b[31mred\x7f \xc2\x9b !");
    cr_assert_str_eq(folio_job_error(job), "a b: title ?[31mred? ?? !");
    folio_job_free(job);
}

Test(job, long_messages_are_cut_on_a_character)
{
    folio_job *job = new_job("p");
    char big[3000];
    /* "é" is two bytes: a cut in the middle would leave invalid UTF-8. */
    for (size_t i = 0; i + 2 < sizeof big; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    big[sizeof big - 2] = '\0';
    folio__job_error(job, FOLIO_EINVALID, "%s", big);
    const char *msg = folio_job_error(job);
    size_t n = strlen(msg);
    cr_assert_lt(n, 1024);
    cr_assert_gt(n, 1000);
    cr_assert_str_eq(msg + n - 3, "...");
    /* Before the dots: a whole "é". */
    cr_assert_eq((unsigned char)msg[n - 4], 0xa9);
    cr_assert_eq((unsigned char)msg[n - 5], 0xc3);
    folio_job_free(job);
}

Test(job, warnings_are_capped)
{
    folio_job *job = new_job("p");
    for (int i = 0; i < 1500; i++)
        folio__job_warn(job, "warning %d", i);
    cr_assert_eq(folio_job_warning_count(job), 1001);
    cr_assert_str_eq(folio_job_warning_at(job, 999), "p: warning 999");
    cr_assert_str_eq(folio_job_warning_at(job, 1000),
                     "p: too many messages; the rest are not shown");
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

Test(job, options_default_and_set)
{
    folio_job *job = new_job("p");
    fake_mode = FAKE_OPTIONS;
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("x")),
                 FOLIO_ENOTFOUND);
    cr_assert_str_eq(folio_job_warning_at(job, 0), "p: fake: width=80");
    cr_assert_str_eq(folio_job_warning_at(job, 1), "p: fake: style=(null)");
    cr_assert_str_eq(folio_job_warning_at(job, 2), "p: fake: other=(null)");
    cr_assert_str_eq(folio_job_warning_at(job, 3),
                     "p: fake: missing=(null)");
    folio_job_free(job);

    job = new_job("p");
    cr_assert_eq(folio_job_set_option(job, "width", "100"), FOLIO_OK);
    cr_assert_eq(folio_job_set_option(job, "other", "x"), FOLIO_OK);
    cr_assert_eq(folio_job_set_option(job, "width", "120"), FOLIO_OK);
    cr_assert_eq(folio_job_set_option(job, NULL, "x"), FOLIO_EINVALID);
    folio_job_read(job, &fake_input, BYTES("x"));
    cr_assert_str_eq(folio_job_warning_at(job, 0), "p: fake: width=120");
    cr_assert_str_eq(folio_job_warning_at(job, 2), "p: fake: other=x");
    /* Outside a plugin call there are no defaults, only set values. */
    const folio_host *h = folio_host_get();
    cr_assert_null(h->option(job, "style"));
    cr_assert_str_eq(h->option(job, "width"), "120");
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

Test(job, read_without_document_is_not_found)
{
    folio_job *job = new_job("empty.html");
    fake_mode = FAKE_NOTHING;
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("x")),
                 FOLIO_ENOTFOUND);
    cr_assert_str_eq(folio_job_error(job),
                     "empty.html: no article content found");
    folio_job_free(job);
}

Test(job, silent_plugin_failure_gets_a_message)
{
    folio_job *job = new_job("p.html");
    fake_mode = FAKE_SILENT_FAIL;
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("x")),
                 FOLIO_EUNSUPPORTED);
    char want[256];
    snprintf(want, sizeof want, "p.html: fake: reading failed: %s",
             folio_status_str(FOLIO_EUNSUPPORTED));
    cr_assert_str_eq(folio_job_error(job), want);
    folio_job_free(job);
}

Test(job, read_success_keeps_documents)
{
    folio_job *job = new_job("p.html");
    fake_mode = FAKE_ADD_DOC;
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("x")), FOLIO_OK);
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("y")), FOLIO_OK);
    cr_assert_eq(folio_job_doc_count(job), 2);
    cr_assert_not_null(folio_job_doc(job, 1));
    cr_assert_null(folio_job_doc(job, 2));
    cr_assert_null(folio_job_error(job));
    folio_job_free(job);
}

Test(job, host_memory_and_input_path)
{
    folio_job *job = new_job("mem.html");
    fake_mode = FAKE_HOST_MEMORY;
    folio_job_read(job, &fake_input, BYTES("x"));
    cr_assert_str_eq(folio_job_warning_at(job, 0),
                     "mem.html: fake: zeroed abc abc mem.html");
    folio_job_free(job);

    job = new_job(NULL);
    folio_job_read(job, &fake_input, BYTES("x"));
    cr_assert_str_eq(folio_job_warning_at(job, 0),
                     "-: fake: zeroed abc abc (stdin)");
    folio_job_free(job);
}

Test(job, max_input_default_and_custom)
{
    static const unsigned char byte[1] = { 'x' };
    folio_job *job = new_job("huge");
    fake_mode = FAKE_ADD_DOC;
    /* The limit is checked before the bytes are touched, so a length
     * past the one-byte buffer is safe here. */
    size_t limit = (size_t)256 * 1024 * 1024;
    cr_assert_eq(folio_job_read(job, &fake_input, byte, limit + 1),
                 FOLIO_ELIMIT);
    char want[128];
    snprintf(want, sizeof want, "huge: input is %zu bytes, over the limit "
             "of %zu bytes", limit + 1, limit);
    cr_assert_str_eq(folio_job_error(job), want);
    cr_assert_eq(folio_job_doc_count(job), 0);
    folio_job_free(job);

    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.max_input = 3;
    job = folio_job_new(NULL, &jo);
    cr_assert_eq(folio__job_options(job)->max_input, 3);
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("abcd")),
                 FOLIO_ELIMIT);
    folio_job_free(job);

    job = folio_job_new(NULL, &jo);
    cr_assert_eq(folio_job_read(job, &fake_input, BYTES("abc")), FOLIO_OK);
    folio_job_free(job);
}

Test(job, no_registry_means_no_sniffing)
{
    folio_job *job = new_job("p");
    cr_assert_null(folio_job_sniff(job, BYTES("<html>")));
    cr_assert_eq(folio_job_read(job, NULL, BYTES("<html>")),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "p: not a recognised input format");
    folio_job_free(job);
}

Test(job, options_are_copied)
{
    char path[] = "orig.html";
    char base[] = "https://example.org/";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.input_path = path;
    jo.base_url = base;
    jo.encoding = "latin1";
    jo.no_extract = true;
    folio_job *job = folio_job_new(NULL, &jo);
    memcpy(path, "XXXX", 4);
    memcpy(base, "XXXX", 4);
    const folio_job_options *o = folio__job_options(job);
    cr_assert_str_eq(o->input_path, "orig.html");
    cr_assert_str_eq(o->base_url, "https://example.org/");
    cr_assert_str_eq(o->encoding, "latin1");
    cr_assert(o->no_extract);
    cr_assert_eq(o->max_input, (size_t)256 * 1024 * 1024);
    folio_job_free(job);

    jo.version = 42;
    cr_assert_null(folio_job_new(NULL, &jo));
}

Test(job, wrong_plugin_kind_is_refused)
{
    folio_job *job = new_job("p");
    static const folio_plugin no_ops = {
        .abi_major = FOLIO_ABI_MAJOR, .size = sizeof(folio_plugin),
        .kind = FOLIO_PLUGIN_OUTPUT, .name = "writer",
    };
    cr_assert_eq(folio_job_read(job, &no_ops, BYTES("x")), FOLIO_EINVALID);
    cr_assert_str_eq(folio_job_error(job), "p: writer is not an input "
                     "plugin");
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Assets                                                             */
/* ------------------------------------------------------------------ */

static int import_page(folio_job *job, const char *html, const char *url)
{
    folio_html_input in = { .size = sizeof in };
    in.html = (const unsigned char *)html;
    in.len = strlen(html);
    in.url = url;
    return folio_job_import_html(job, &in);
}

Test(job, documents_get_the_assets_they_use)
{
    folio_job *job = new_job("p");
    const folio_host *h = folio_host_get();
    cr_assert_eq(h->add_asset(job, "https://e.org/a.png", "image/png",
                              BYTES("PNG1")), FOLIO_OK);
    /* Relative: resolved against the page's URL like its links. */
    cr_assert_eq(h->add_asset(job, "page_files/b%20c.gif", "image/gif",
                              BYTES("GIF")), FOLIO_OK);
    /* Same URL: replaced, not added. */
    cr_assert_eq(h->add_asset(job, "https://e.org/a.png", "image/png",
                              BYTES("PNG22")), FOLIO_OK);
    cr_assert_eq(h->add_asset(job, NULL, "image/png", BYTES("x")),
                 FOLIO_EINVALID);

    cr_assert_eq(import_page(job, "<html><body><article><p>One two three "
                             "four five six seven.</p><img src='/a.png' "
                             "alt=a></article></body></html>",
                             "https://e.org/post/"), FOLIO_OK);
    cr_assert_eq(import_page(job, "<html><body><article><p>Eight nine ten "
                             "eleven twelve.</p><img src='./page_files/"
                             "b c.gif#x' alt=b></article></body></html>",
                             "https://e.org/post/"), FOLIO_OK);
    cr_assert_eq(folio_job_doc_count(job), 2);

    folio_doc *d0 = folio_job_doc(job, 0), *d1 = folio_job_doc(job, 1);
    cr_assert_eq(folio_doc_asset_count(d0), 1);
    const folio_asset *a = folio_doc_asset_at(d0, 0);
    cr_assert_str_eq(a->url, "https://e.org/a.png");
    cr_assert_eq(a->len, 5);
    cr_assert_eq(memcmp(a->data, "PNG22", 5), 0);
    cr_assert_eq(folio_doc_asset_count(d1), 1);
    a = folio_doc_asset_at(d1, 0);
    cr_assert_str_eq(a->media_type, "image/gif");
    cr_assert_eq(a->len, 3);
    folio_job_free(job);
}

Test(job, carried_image_beats_the_best_srcset_candidate)
{
    folio_job *job = new_job("p");
    const folio_host *h = folio_host_get();
    cr_assert_eq(h->add_asset(job, "https://e.org/m.jpg", "image/jpeg",
                              BYTES("JPG")), FOLIO_OK);
    cr_assert_eq(import_page(job, "<html><body><article><p>One two three "
                             "four five six.</p><img src='s.jpg' "
                             "srcset='s.jpg 300w, m.jpg 600w, l.jpg 1200w'>"
                             "</article></body></html>", "https://e.org/"),
                 FOLIO_OK);
    folio_doc *d = folio_job_doc(job, 0);
    cr_assert_eq(folio_doc_asset_count(d), 1);
    cr_assert_str_eq(folio_doc_asset_at(d, 0)->url, "https://e.org/m.jpg");
    folio_job_free(job);
}

Test(job, saved_src_beats_a_remote_srcset)
{
    folio_job *job = new_job("p");
    const folio_host *h = folio_host_get();
    /* A "complete" save: src is the local copy, srcset stays remote. */
    cr_assert_eq(h->add_asset(job, "p_files/a.png", "image/png",
                              BYTES("PNG")), FOLIO_OK);
    cr_assert_eq(import_page(job, "<html><body><article><p>One two three "
                             "four five six.</p><img src='./p_files/a.png' "
                             "srcset='https://cdn.example/a-800.png 800w, "
                             "https://cdn.example/a-1600.png 1600w'>"
                             "</article></body></html>",
                             "https://e.org/post/"), FOLIO_OK);
    folio_doc *d = folio_job_doc(job, 0);
    cr_assert_eq(folio_doc_asset_count(d), 1);
    cr_assert_str_eq(folio_doc_asset_at(d, 0)->url,
                     "https://e.org/post/p_files/a.png");
    folio_job_free(job);
}

Test(job, asset_urls_match_with_dot_segments)
{
    folio_job *job = new_job("p");
    const folio_host *h = folio_host_get();
    cr_assert_eq(h->add_asset(job, "https://e.org/a/./b/../../img/x.png",
                              "image/png", BYTES("PNG")), FOLIO_OK);
    cr_assert_eq(h->add_asset(job, "https://e.org/a/..", "image/png",
                              BYTES("ROOT")), FOLIO_OK);
    cr_assert_eq(import_page(job, "<html><body><article><p>One two three "
                             "four five six.</p><img src='../img/x.png'>"
                             "<img src='/'></article></body></html>",
                             "https://e.org/post/"), FOLIO_OK);
    folio_doc *d = folio_job_doc(job, 0);
    cr_assert_eq(folio_doc_asset_count(d), 2);
    cr_assert_str_eq(folio_doc_asset_at(d, 0)->url,
                     "https://e.org/img/x.png");
    cr_assert_eq(folio_doc_asset_at(d, 1)->len, 4);
    folio_job_free(job);
}

Test(job, data_uri_images_become_assets)
{
    folio_job *job = new_job("p");
    char page[2048];
    char b64[512] = "";

    /* 30 times "GIF89a", base64-encoded, with a line break inside: long
     * enough not to be taken for a lazy-loading placeholder. */
    for (int i = 0; i < 30; i++)
        strcat(b64, i == 15 ? "R0lGODlh\n" : "R0lGODlh");
    snprintf(page, sizeof page, "<html><body><article><p>One two three "
             "four five six.</p><img alt=x src='data:image/gif;base64,%s'>"
             "<img alt=y src='data:text/html;base64,%s'></article></body>"
             "</html>", b64, b64);
    cr_assert_eq(import_page(job, page, NULL), FOLIO_OK);
    folio_doc *d = folio_job_doc(job, 0);
    cr_assert_eq(folio_doc_asset_count(d), 1);
    const folio_asset *a = folio_doc_asset_at(d, 0);
    cr_assert_str_eq(a->media_type, "image/gif");
    cr_assert_eq(a->len, 30 * 6);
    cr_assert_eq(memcmp(a->data, "GIF89aGIF89a", 12), 0);
    folio_job_free(job);
}

Test(job, asset_count_limit)
{
    folio_job *job = new_job("p");
    const folio_host *h = folio_host_get();
    char url[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(url, sizeof url, "https://e.org/%d", i);
        cr_assert_eq(h->add_asset(job, url, "image/gif", BYTES("G")),
                     FOLIO_OK);
    }
    cr_assert_eq(h->add_asset(job, "https://e.org/x", "image/gif",
                              BYTES("G")), FOLIO_ELIMIT);
    cr_assert_eq(h->add_asset(job, "https://e.org/y", "image/gif",
                              BYTES("G")), FOLIO_ELIMIT);
    /* Replacing an existing one is still fine. */
    cr_assert_eq(h->add_asset(job, "https://e.org/5", "image/gif",
                              BYTES("GG")), FOLIO_OK);
    cr_assert_eq(folio_job_warning_count(job), 1, "warned once");
    cr_assert_str_eq(folio_job_warning_at(job, 0), "p: embedded resources "
                     "over the limit of 10000 files; the rest are dropped");
    cr_assert_null(folio_job_error(job), "a limit on assets is no error");
    folio_job_free(job);
}

Test(job, asset_size_limit)
{
    static const unsigned char byte[1] = { 'x' };
    folio_job *job = new_job("p");
    /* Checked before copying, so the short buffer is never read. */
    cr_assert_eq(folio_host_get()->add_asset(job, "https://e.org/big",
                                             "image/png", byte,
                                             ((size_t)1 << 30) + 1),
                 FOLIO_ELIMIT);
    cr_assert_eq(folio_job_warning_count(job), 1);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

enum { OUT_TWO_PIECES, OUT_IGNORE_SINK, OUT_SILENT_FAIL, OUT_OWN_ERROR };
static int out_mode;
static int out_calls_after_failure;

static int fake_write(const folio_host *h, folio_job *job,
                      const folio_doc *doc, folio_write_fn out, void *sink)
{
    (void)doc;
    switch (out_mode) {
    case OUT_TWO_PIECES:
        if (out(sink, "hello ", 6) != 0 || out(sink, "world", 5) != 0)
            return h->error(job, FOLIO_EUSER, "output aborted");
        return FOLIO_OK;
    case OUT_IGNORE_SINK:
        /* A careless plugin: ignores failures and keeps writing. */
        out(sink, "a", 1);
        if (out(sink, "b", 1) != 0)
            out_calls_after_failure++;
        return FOLIO_OK;
    case OUT_SILENT_FAIL:
        return FOLIO_EINVALID;
    case OUT_OWN_ERROR:
        return h->error(job, FOLIO_EUNSUPPORTED, "cannot draw %s", "tables");
    }
    return FOLIO_EINVALID;
}

static const folio_output_ops fake_output_ops = {
    .size = sizeof(folio_output_ops),
    .write = fake_write,
};

static const folio_plugin fake_output = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "fake-out",
    .output = &fake_output_ops,
};

typedef struct sink {
    char buf[64];
    size_t len;
    int fail_at;          /* fail the n-th call (1-based); 0: never */
    int calls;
} sink;

static int sink_write(void *ctx, const char *bytes, size_t len)
{
    sink *s = ctx;
    s->calls++;
    if (s->fail_at != 0 && s->calls >= s->fail_at)
        return -1;
    if (len > sizeof s->buf - 1 - s->len)
        return -1;
    memcpy(s->buf + s->len, bytes, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return 0;
}

Test(job, write_ok)
{
    folio_job *job = new_job("p");
    folio_doc *doc = folio_doc_new();
    sink s = { .fail_at = 0 };
    out_mode = OUT_TWO_PIECES;
    cr_assert_eq(folio_job_write(job, &fake_output, doc, sink_write, &s),
                 FOLIO_OK);
    cr_assert_str_eq(s.buf, "hello world");
    cr_assert_null(folio_job_error(job));
    folio_doc_free(doc);
    folio_job_free(job);
}

Test(job, sink_failure_is_eio_with_core_message)
{
    folio_job *job = new_job("p");
    folio_doc *doc = folio_doc_new();
    sink s = { .fail_at = 2 };
    out_mode = OUT_TWO_PIECES;
    cr_assert_eq(folio_job_write(job, &fake_output, doc, sink_write, &s),
                 FOLIO_EIO);
    cr_assert_str_eq(folio_job_error(job), "p: cannot write the output");
    folio_doc_free(doc);
    folio_job_free(job);
}

Test(job, sink_is_not_called_after_it_failed)
{
    folio_job *job = new_job("p");
    folio_doc *doc = folio_doc_new();
    sink s = { .fail_at = 1 };
    out_mode = OUT_IGNORE_SINK;
    out_calls_after_failure = 0;
    cr_assert_eq(folio_job_write(job, &fake_output, doc, sink_write, &s),
                 FOLIO_EIO);
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(out_calls_after_failure, 1);
    folio_doc_free(doc);
    folio_job_free(job);
}

Test(job, silent_write_failure_names_plugin)
{
    folio_job *job = new_job("p");
    folio_doc *doc = folio_doc_new();
    sink s = { .fail_at = 0 };
    out_mode = OUT_SILENT_FAIL;
    cr_assert_eq(folio_job_write(job, &fake_output, doc, sink_write, &s),
                 FOLIO_EINVALID);
    char want[256];
    snprintf(want, sizeof want, "p: fake-out: writing failed: %s",
             folio_status_str(FOLIO_EINVALID));
    cr_assert_str_eq(folio_job_error(job), want);
    folio_doc_free(doc);
    folio_job_free(job);
}

Test(job, write_error_from_plugin)
{
    folio_job *job = new_job("p");
    folio_doc *doc = folio_doc_new();
    sink s = { .fail_at = 0 };
    out_mode = OUT_OWN_ERROR;
    cr_assert_eq(folio_job_write(job, &fake_output, doc, sink_write, &s),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "p: fake-out: cannot draw tables");
    /* Wrong kind and missing arguments. */
    cr_assert_eq(folio_job_write(job, &fake_input, doc, sink_write, &s),
                 FOLIO_EINVALID);
    cr_assert_eq(folio_job_write(job, &fake_output, NULL, sink_write, &s),
                 FOLIO_EINVALID);
    cr_assert_eq(folio_job_write(job, &fake_output, doc, NULL, &s),
                 FOLIO_EINVALID);
    folio_doc_free(doc);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Status strings and version                                         */
/* ------------------------------------------------------------------ */

Test(status, every_code_has_a_phrase)
{
    const char *unknown = folio_status_str(-1000);
    cr_assert_str_eq(unknown, "unknown status");
    for (int code = FOLIO_ELIMIT; code <= FOLIO_OK; code++) {
        const char *s = folio_status_str(code);
        cr_assert_not_null(s);
        cr_assert_str_neq(s, unknown, "code %d", code);
        for (int other = code + 1; other <= FOLIO_OK; other++)
            cr_assert_str_neq(s, folio_status_str(other));
    }
    cr_assert_str_eq(folio_status_str(1), unknown);
}

Test(status, version_matches_header)
{
    cr_assert_str_eq(folio_version(), FOLIO_VERSION);
    cr_assert_not_null(strchr(folio_version(), '.'));
}

Test(host, table_is_complete)
{
    const folio_host *h = folio_host_get();
    cr_assert_eq(h, folio_host_get());
    cr_assert_eq(h->abi_major, FOLIO_ABI_MAJOR);
    cr_assert_eq(h->abi_minor, FOLIO_ABI_MINOR);
    cr_assert_eq(h->size, sizeof(folio_host));
    cr_assert(h->alloc && h->strndup && h->error && h->warn && h->option &&
              h->import_html && h->add_asset && h->input_path);
    cr_assert_eq(h->doc, folio_doc_api_get());
}
