/* SPDX-License-Identifier: MIT */
/*
 * The warc input plugin: archives written by make_fixtures.py (in
 * WARC_FIXTURES) read through libfolio's registry and jobs, through a
 * host that records the order of the plugin's calls, and through the
 * built `folio` program (FOLIO_EXE).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folio/folio.h"
#include "testio.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static folio_registry *reg;
static const folio_plugin *warc;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    warc = folio_registry_find(reg, FOLIO_PLUGIN_INPUT, "warc");
    cr_assert_not_null(warc, "the warc plugin is not on FOLIO_PLUGIN_PATH");
}

static void teardown(void)
{
    folio_registry_free(reg);
}

static char *fixture_path(const char *name)
{
    static char path[4096];

    snprintf(path, sizeof path, "%s/%s", WARC_FIXTURES, name);
    return path;
}

static unsigned char *slurp(const char *name, size_t *len)
{
    const char *path = fixture_path(name);
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);

    cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
    cr_assert_not_null(buf);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
        cr_assert_not_null(buf);
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Reads fixture `name` with the warc plugin into a new job. */
static folio_job *read_fixture(const char *name, int *rc)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    size_t len;
    unsigned char *buf = slurp(name, &len);

    jo.input_path = name;
    folio_job *job = folio_job_new(reg, &jo);
    cr_assert_not_null(job);
    *rc = folio_job_read(job, warc, buf, len);
    free(buf);
    return job;
}

typedef struct sink {
    char *data;
    size_t len;
} sink;

static int sink_write(void *ctx, const char *bytes, size_t len)
{
    sink *s = ctx;
    char *p = realloc(s->data, s->len + len + 1);

    if (p == NULL)
        return -1;
    memcpy(p + s->len, bytes, len);
    s->len += len;
    p[s->len] = '\0';
    s->data = p;
    return 0;
}

/* Document i of the job as plain text (malloc'd). */
static char *doc_text(folio_job *job, size_t i)
{
    const folio_plugin *text =
        folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "text");
    sink s = { NULL, 0 };

    cr_assert_not_null(text);
    cr_assert_eq(folio_job_write(job, text, folio_job_doc(job, i),
                                 sink_write, &s), FOLIO_OK,
                 "%s", folio_job_error(job));
    cr_assert_not_null(s.data);
    return s.data;
}

static const folio_meta *meta(folio_job *job, size_t i)
{
    folio_doc *doc = folio_job_doc(job, i);

    cr_assert_not_null(doc, "no document %zu", i);
    return folio_doc_meta(doc);
}

/* True when some warning of the job contains every one of the strings
 * (a NULL-terminated list). */
static bool warned(folio_job *job, const char *const *needles)
{
    for (size_t i = 0; i < folio_job_warning_count(job); i++) {
        const char *w = folio_job_warning_at(job, i);
        bool all = true;

        for (size_t k = 0; needles[k] != NULL; k++)
            all = all && strstr(w, needles[k]) != NULL;
        if (all)
            return true;
    }
    return false;
}

#define WARNED(job, ...)                                                     \
    warned((job), (const char *const[]){ __VA_ARGS__, NULL })

static void assert_contains(const char *hay, const char *needle)
{
    cr_assert_not_null(hay);
    cr_assert_not_null(strstr(hay, needle), "expected \"%s\" in:\n%s",
                       needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    cr_assert_null(strstr(hay, needle), "unexpected \"%s\" in:\n%s", needle,
                   hay);
}

static void print_warnings(folio_job *job)
{
    for (size_t i = 0; i < folio_job_warning_count(job); i++)
        cr_log_info("warning: %s", folio_job_warning_at(job, i));
}

/* ------------------------------------------------------------------ */
/* Probe                                                              */
/* ------------------------------------------------------------------ */

TestSuite(warc, .init = setup, .fini = teardown, .timeout = 60);

static int probe_fixture(const char *name)
{
    size_t len;
    unsigned char *buf = slurp(name, &len);
    int score = warc->input->probe(buf, len);

    free(buf);
    return score;
}

Test(warc, probe_claims_plain_and_gzip_warc)
{
    static const unsigned char v10[] = "WARC/1.0\r\nWARC-Type: warcinfo\r\n";
    static const unsigned char v11[] = "WARC/1.1\r\n";

    cr_assert_eq(warc->input->probe(v10, sizeof v10 - 1), 98);
    cr_assert_eq(warc->input->probe(v11, sizeof v11 - 1), 98);
    cr_assert_eq(probe_fixture("mixed.warc"), 98);
    cr_assert_eq(probe_fixture("records.warc.gz"), 98);
    cr_assert_eq(probe_fixture("whole.warc.gz"), 98);
}

Test(warc, probe_refuses_other_input)
{
    static const unsigned char html[] = "<!DOCTYPE html><p>WARC/1.0</p>";
    static const unsigned char v2[] = "WARC/2.0\r\n";
    static const unsigned char gzip_head[] = { 0x1f, 0x8b, 0x08, 0, 0 };

    cr_assert_eq(warc->input->probe(html, sizeof html - 1), 0);
    cr_assert_eq(warc->input->probe(v2, sizeof v2 - 1), 0);
    cr_assert_eq(warc->input->probe(v2, 3), 0);
    cr_assert_eq(warc->input->probe(NULL, 0), 0);
    cr_assert_eq(warc->input->probe(gzip_head, sizeof gzip_head), 0);
    cr_assert_eq(probe_fixture("notwarc.html.gz"), 0);
}

Test(warc, sniffing_picks_warc_over_html)
{
    size_t len;
    unsigned char *buf = slurp("records.warc.gz", &len);
    folio_job *job = folio_job_new(reg, NULL);

    cr_assert_not_null(job);
    const folio_plugin *p = folio_job_sniff(job, buf, len);
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "warc");
    free(buf);
    buf = slurp("mixed.warc", &len);
    p = folio_job_sniff(job, buf, len);
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "warc");
    free(buf);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Records                                                            */
/* ------------------------------------------------------------------ */

Test(warc, mixed_archive_gives_only_the_200_html_pages)
{
    int rc;
    folio_job *job = read_fixture("mixed.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 2);
    cr_assert_str_eq(meta(job, 0)->title,
                     "Harbour bridge reopens after repairs");
    cr_assert_str_eq(meta(job, 0)->source,
                     "http://news.example.test/2026/03/harbour.html");
    cr_assert_str_eq(meta(job, 0)->captured, "2026-03-14T09:26:53Z");
    /* The resource record (no HTTP headers, folded Content-Type). */
    cr_assert_str_eq(meta(job, 1)->title,
                     "Library opens a night reading room");
    cr_assert_str_eq(meta(job, 1)->source,
                     "http://news.example.test/2026/03/night.html");

    for (size_t i = 0; i < 2; i++) {
        char *t = doc_text(job, i);
        assert_lacks(t, "Page not found");
        assert_lacks(t, "Moved to the harbour page");
        assert_lacks(t, "color: red");
        assert_lacks(t, "folio test generator");
        assert_lacks(t, "GET /2026");
        free(t);
    }
    char *t = doc_text(job, 0);
    assert_contains(t, "nobody left before noon");
    assert_contains(t, "The harbour library committee");
    free(t);
    cr_assert_eq(folio_job_warning_count(job), 0);
    folio_job_free(job);
}

Test(warc, image_record_becomes_the_articles_asset)
{
    int rc;
    folio_job *job = read_fixture("mixed.warc", &rc);
    static const unsigned char png_sig[] = { 0x89, 'P', 'N', 'G' };

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    const folio_asset *a = folio_doc_asset_find(
        folio_job_doc(job, 0),
        "http://news.example.test/2026/03/img/bridge.png");
    cr_assert_not_null(a, "the bridge image is not attached");
    cr_assert_str_eq(a->media_type, "image/png");
    cr_assert_eq(a->len, 70);
    cr_assert_eq(memcmp(a->data, png_sig, sizeof png_sig), 0);
    /* The stylesheet and the HTML records are not assets. */
    for (size_t d = 0; d < folio_job_doc_count(job); d++) {
        folio_doc *doc = folio_job_doc(job, d);
        for (size_t i = 0; i < folio_doc_asset_count(doc); i++) {
            const folio_asset *x = folio_doc_asset_at(doc, i);
            cr_assert(strncmp(x->media_type, "image/", 6) == 0,
                      "asset %s is %s", x->url, x->media_type);
        }
    }
    folio_job_free(job);
}

/* Reads the page on its own, as the archive served it, and compares the
 * text with the archive's document i. */
static void assert_same_as_page(folio_job *job, size_t i, const char *name,
                                const char *url, const char *charset)
{
    size_t len;
    unsigned char *html = slurp(name, &len);
    folio_job *ref = folio_job_new(reg, NULL);
    folio_html_input in;

    cr_assert_not_null(ref);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = html;
    in.len = len;
    in.url = url;
    in.charset = charset;
    cr_assert_eq(folio_job_import_html(ref, &in), FOLIO_OK);
    free(html);

    char *want = doc_text(ref, 0);
    char *got = doc_text(job, i);
    cr_assert_str_eq(got, want, "document %zu differs from %s", i, name);
    free(want);
    free(got);
    folio_job_free(ref);
}

Test(warc, wget_warc10_bodies_are_decoded_exactly)
{
    static const char *const urls[] = {
        "http://old.example.test/ferry", "http://old.example.test/market",
        "http://old.example.test/weather", "http://old.example.test/stadium",
        "http://old.example.test/square", "http://old.example.test/council",
    };
    int rc;
    folio_job *job = read_fixture("wget10.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    print_warnings(job);
    cr_assert_eq(folio_job_warning_count(job), 0);
    cr_assert_eq(folio_job_doc_count(job), 6);
    for (size_t i = 0; i < 6; i++) {
        char name[32];

        /* <...> around WARC/1.0 target URIs is gone. */
        cr_assert_str_eq(meta(job, i)->source, urls[i]);
        snprintf(name, sizeof name, "wget10-%zu.html", i + 1);
        assert_same_as_page(job, i, name, urls[i],
                            i == 4 ? "windows-1252" : NULL);
    }
    cr_assert_str_eq(meta(job, 0)->title, "Chunked ferry timetable");
    cr_assert_str_eq(meta(job, 1)->title, "Gzipped market report");
    cr_assert_str_eq(meta(job, 2)->title, "Deflated weather column");
    cr_assert_str_eq(meta(job, 3)->title, "Wrapped deflate sports page");
    cr_assert_str_eq(meta(job, 5)->title,
                     "Chunked and gzipped council minutes");
    folio_job_free(job);
}

Test(warc, charset_comes_from_the_http_content_type)
{
    int rc;
    folio_job *job = read_fixture("wget10.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    /* The page has no <meta charset>; its bytes are windows-1252
     * (0xE9, 0x93, 0x94), which only the HTTP header says. */
    cr_assert_str_eq(meta(job, 4)->title,
                     "Caf\xc3\xa9 owners \xe2\x80\x9cwelcome\xe2\x80\x9d "
                     "the new square");
    folio_job_free(job);
}

Test(warc, chunked_body_keeps_no_chunk_syntax)
{
    int rc;
    folio_job *job = read_fixture("wget10.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    char *t = doc_text(job, 0);
    assert_lacks(t, "name=");
    assert_lacks(t, "X-Checksum");
    assert_contains(t, "The ferry library committee");
    free(t);
    folio_job_free(job);
}

static void check_gz_pair(const char *name)
{
    int rc;
    folio_job *job = read_fixture(name, &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s: %s", name, folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 2, "%s", name);
    cr_assert_str_eq(meta(job, 0)->title, "Spring tides flood the promenade");
    cr_assert_str_eq(meta(job, 1)->title, "Night ferry returns for summer");
    cr_assert_str_eq(meta(job, 1)->source, "http://gz.example.test/ferry");
    const folio_asset *a = folio_doc_asset_find(
        folio_job_doc(job, 0), "http://gz.example.test/pics/tide.png");
    cr_assert_not_null(a, "%s: the tide image is not attached", name);
    cr_assert_eq(a->len, 70);
    cr_assert_eq(folio_job_warning_count(job), 0);
    folio_job_free(job);
}

Test(warc, gzip_per_record_archive)
{
    check_gz_pair("records.warc.gz");
}

Test(warc, gzip_whole_file_archive)
{
    check_gz_pair("whole.warc.gz");
}

/* ------------------------------------------------------------------ */
/* Damage                                                             */
/* ------------------------------------------------------------------ */

Test(warc, truncated_gzip_keeps_the_complete_records)
{
    int rc;
    folio_job *job = read_fixture("truncated.warc.gz", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_str_eq(meta(job, 0)->title, "Spring tides flood the promenade");
    cr_assert(WARNED(job, "cut short", "member 5"));
    cr_assert(WARNED(job, "record 5", "uncompressed data"));
    folio_job_free(job);
}

Test(warc, lying_content_length_loses_only_its_record)
{
    int rc;
    folio_job *job = read_fixture("lying.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    print_warnings(job);
    cr_assert_eq(folio_job_doc_count(job), 2);
    cr_assert_str_eq(meta(job, 0)->title, "First honest article");
    cr_assert_str_eq(meta(job, 1)->title, "Third article after the damage");
    cr_assert(WARNED(job, "record 3 at byte 2292", "not followed by CRLF "
                     "CRLF", "looking for the next record"));
    cr_assert_eq(folio_job_warning_count(job), 1);
    folio_job_free(job);
}

Test(warc, junk_between_records_is_skipped)
{
    static const char head[] = "WARC/1.1\r\nWARC-Type: resource\r\n"
        "WARC-Target-URI: http://junk.example.test/\r\n"
        "Content-Type: text/html\r\nContent-Length: ";
    size_t len;
    unsigned char *page = slurp("wget10-1.html", &len);
    char num[32];
    size_t hl = strlen(head);
    int nl = snprintf(num, sizeof num, "%zu\r\n\r\n", len);
    static const char junk[] = "\r\n\r\nnot a record\nWARC/9 nor this\n";
    size_t total = sizeof junk - 1 + hl + (size_t)nl + len + 4;
    unsigned char *buf = malloc(total), *p = buf;

    cr_assert_not_null(buf);
    memcpy(p, junk, sizeof junk - 1);
    p += sizeof junk - 1;
    memcpy(p, head, hl);
    p += hl;
    memcpy(p, num, (size_t)nl);
    p += nl;
    memcpy(p, page, len);
    p += len;
    memcpy(p, "\r\n\r\n", 4);
    /* The file must start with a record, but junk after one is skipped. */
    folio_job *job = folio_job_new(reg, NULL);
    cr_assert_not_null(job);
    cr_assert_lt(folio_job_read(job, warc, buf, total), 0);
    folio_job_free(job);

    size_t wl;
    unsigned char *w = slurp("mixed.warc", &wl);
    unsigned char *both = malloc(wl + total);
    cr_assert_not_null(both);
    memcpy(both, w, wl);
    memcpy(both + wl, buf, total);
    job = folio_job_new(reg, NULL);
    cr_assert_not_null(job);
    cr_assert_eq(folio_job_read(job, warc, both, wl + total), FOLIO_OK,
                 "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 3);
    cr_assert_str_eq(meta(job, 2)->title, "Chunked ferry timetable");
    cr_assert_str_eq(meta(job, 2)->source, "http://junk.example.test/");
    cr_assert(WARNED(job, "does not start with a WARC/1.x line"));
    free(both);
    free(w);
    free(buf);
    free(page);
    folio_job_free(job);
}

Test(warc, content_length_past_the_end_of_file)
{
    int rc;
    folio_job *job = read_fixture("lying-eof.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_str_eq(meta(job, 0)->title, "First honest article");
    cr_assert(WARNED(job, "record 3", "runs past the end"));
    folio_job_free(job);
}

Test(warc, unusable_target_uris_are_dropped)
{
    int rc;
    folio_job *job = read_fixture("bad-uri.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_str_eq(meta(job, 0)->title, "Page with a broken address");
    cr_assert(meta(job, 0)->source == NULL ||
              strstr(meta(job, 0)->source, "bad.example.test") == NULL);
    cr_assert_eq(folio_doc_asset_count(folio_job_doc(job, 0)), 0);
    cr_assert(WARNED(job, "record 2", "not a valid URL"));
    cr_assert(WARNED(job, "record 3", "not a valid URL"));
    folio_job_free(job);
}

Test(warc, brotli_body_is_skipped_with_a_warning)
{
    int rc;
    folio_job *job = read_fixture("brotli.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    print_warnings(job);
    cr_assert_eq(folio_job_doc_count(job), 3);
    cr_assert_str_eq(meta(job, 0)->source, "http://br.example.test/plain");
    cr_assert(WARNED(job, "record 2", "\"br\"", "not supported"));
    cr_assert_eq(folio_job_warning_count(job), 1);
    /* Bodies stored decoded under a br or deflate header are read as
     * they are. */
    cr_assert_str_eq(meta(job, 1)->title,
                     "Brotli header over a decoded body");
    cr_assert_str_eq(meta(job, 2)->title,
                     "Deflate header over a decoded body");
    folio_job_free(job);
}

Test(warc, one_bad_page_does_not_stop_the_others)
{
    int rc;
    folio_job *job = read_fixture("empty-page.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_str_eq(meta(job, 0)->title, "The page that has content");
    cr_assert(WARNED(job, "record 2", "empty"));
    folio_job_free(job);
}

Test(warc, no_convertible_page_is_an_error)
{
    int rc;
    folio_job *job = read_fixture("only-empty.warc", &rc);

    cr_assert_lt(rc, 0);
    cr_assert_eq(folio_job_doc_count(job), 0);
    assert_contains(folio_job_error(job), "could be converted");
    folio_job_free(job);

    job = read_fixture("no-html.warc", &rc);
    cr_assert_eq(rc, FOLIO_ENOTFOUND);
    assert_contains(folio_job_error(job), "no HTML page");
    folio_job_free(job);
}

Test(warc, bodies_cut_short_keep_what_was_read)
{
    int rc;
    folio_job *job = read_fixture("cut-bodies.warc", &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    print_warnings(job);
    cr_assert_eq(folio_job_doc_count(job), 2);
    cr_assert_str_eq(meta(job, 0)->title, "Gzip body cut in half");
    cr_assert_str_eq(meta(job, 1)->title,
                     "Chunked body without its last chunk");
    cr_assert(WARNED(job, "record 2's body", "cut short"));
    cr_assert(WARNED(job, "record 3", "without its last chunk"));
    char *t = doc_text(job, 1);
    assert_contains(t, "The chunk cut committee met");
    assert_lacks(t, "258"); /* the second chunk's size line, in hex */
    free(t);
    folio_job_free(job);
}

Test(warc, header_over_the_limit_is_an_error)
{
    int rc;
    folio_job *job = read_fixture("big-header.warc", &rc);

    cr_assert_eq(rc, FOLIO_ELIMIT);
    assert_contains(folio_job_error(job), "record 2");
    assert_contains(folio_job_error(job), "64 KiB");
    folio_job_free(job);
}

Test(warc, gzip_bomb_hits_the_record_limit)
{
    int rc;
    folio_job *job = read_fixture("bomb.warc.gz", &rc);

    cr_assert_eq(rc, FOLIO_ELIMIT);
    cr_assert_eq(folio_job_doc_count(job), 0);
    assert_contains(folio_job_error(job), "256 MiB");
    folio_job_free(job);
}

Test(warc, record_count_is_bounded)
{
    int rc;
    folio_job *job = read_fixture("many.warc", &rc);

    cr_assert_eq(rc, FOLIO_ELIMIT);
    assert_contains(folio_job_error(job), "100000 records");
    folio_job_free(job);
}

Test(warc, page_count_is_bounded)
{
    int rc;
    folio_job *job = read_fixture("many-pages.warc", &rc);

    cr_assert_eq(rc, FOLIO_ELIMIT);
    cr_assert_eq(folio_job_doc_count(job), 0);
    assert_contains(folio_job_error(job), "10000 HTML pages");
    folio_job_free(job);
}

Test(warc, garbage_is_refused)
{
    static const unsigned char junk[] = "WARC/1.1\r\nno colon here";
    folio_job *job = folio_job_new(reg, NULL);

    cr_assert_not_null(job);
    cr_assert_lt(folio_job_read(job, warc, junk, sizeof junk - 1), 0);
    cr_assert_eq(folio_job_doc_count(job), 0);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Call order, through a recording host                               */
/* ------------------------------------------------------------------ */

static char calls[64];
static size_t n_calls;
static char seen_charset[64];

static int rec_import(folio_job *job, const folio_html_input *in)
{
    if (n_calls + 1 < sizeof calls)
        calls[n_calls++] = 'I';
    if (in->charset != NULL && seen_charset[0] == '\0')
        snprintf(seen_charset, sizeof seen_charset, "%s", in->charset);
    return folio_host_get()->import_html(job, in);
}

static int rec_asset(folio_job *job, const char *url, const char *type,
                     const unsigned char *data, size_t len)
{
    if (n_calls + 1 < sizeof calls)
        calls[n_calls++] = 'A';
    return folio_host_get()->add_asset(job, url, type, data, len);
}

static folio_host recording_host(void)
{
    folio_host h = *folio_host_get();

    h.import_html = rec_import;
    h.add_asset = rec_asset;
    n_calls = 0;
    memset(calls, 0, sizeof calls);
    seen_charset[0] = '\0';
    return h;
}

Test(warc, images_are_added_before_any_article)
{
    folio_host h = recording_host();
    size_t len;
    unsigned char *buf = slurp("mixed.warc", &len);
    folio_job *job = folio_job_new(reg, NULL);

    cr_assert_not_null(job);
    /* In the archive the image record comes after the first page. */
    cr_assert_eq(warc->input->read(&h, job, buf, len), FOLIO_OK);
    cr_assert_str_eq(calls, "AII");
    free(buf);
    folio_job_free(job);
}

Test(warc, charset_label_is_handed_to_the_importer)
{
    folio_host h = recording_host();
    size_t len;
    unsigned char *buf = slurp("wget10.warc", &len);
    folio_job *job = folio_job_new(reg, NULL);

    cr_assert_not_null(job);
    cr_assert_eq(warc->input->read(&h, job, buf, len), FOLIO_OK);
    cr_assert_str_eq(calls, "IIIIII");
    cr_assert_str_eq(seen_charset, "utf-8");
    free(buf);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* The folio program                                                  */
/* ------------------------------------------------------------------ */

typedef struct result {
    int status;
    char *out, *err;
} result;

static result run_folio(const char *const *args)
{
    const char *exe = getenv("FOLIO_EXE");
    int out = test_scratch_fd(), err = test_scratch_fd(), st;
    result r;

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[32] = { "folio" };
        size_t n = 1;

        for (size_t i = 0; args[i] != NULL && n < 31; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        dup2(out, 1);
        dup2(err, 2);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = test_read_fd(out, NULL);
    r.err = test_read_fd(err, NULL);
    close(out);
    close(err);
    return r;
}

#define FOLIO(...) run_folio((const char *const[]){ __VA_ARGS__, NULL })

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

Test(warc, cli_prints_one_json_document_per_article)
{
    result r = FOLIO("-t", "json", fixture_path("records.warc.gz"));

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count(r.out, "\"title\":"), 2, "%s", r.out);
    assert_contains(r.out, "Spring tides flood the promenade");
    assert_contains(r.out, "Night ferry returns for summer");
    assert_contains(r.out, "http://gz.example.test/ferry");
    free(r.out);
    free(r.err);
}

Test(warc, cli_reports_damage_and_keeps_going)
{
    result r = FOLIO("-t", "markdown", fixture_path("lying.warc"));

    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_contains(r.out, "# First honest article");
    assert_contains(r.out, "# Third article after the damage");
    assert_lacks(r.out, "Second article");
    assert_contains(r.err, "record 3 at byte");
    free(r.out);
    free(r.err);

    r = FOLIO("-t", "json", fixture_path("bomb.warc.gz"));
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, "warc:");
    assert_contains(r.err, "256 MiB");
    free(r.out);
    free(r.err);
}

Test(warc, cli_wrong_format_is_a_clear_error)
{
    result r = FOLIO("-f", "warc", fixture_path("wget10-1.html"));

    cr_assert_eq(r.status, 1);
    assert_contains(r.err, "warc: not a WARC 1.0 or 1.1 file");
    free(r.out);
    free(r.err);

    r = FOLIO("-f", "warc", fixture_path("notwarc.html.gz"));
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, "of the uncompressed data");
    free(r.out);
    free(r.err);
}

/* Counts the entries of `dir` (without . and ..), and those ending with
 * `suffix`. */
static size_t list_dir(const char *dir, const char *suffix, size_t *matching)
{
    DIR *d = opendir(dir);
    size_t n = 0;

    cr_assert_not_null(d, "opendir %s: %s", dir, strerror(errno));
    *matching = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (len >= sl && strcmp(e->d_name + len - sl, suffix) == 0)
            (*matching)++;
    }
    closedir(d);
    return n;
}

Test(warc, target_uri_with_dotdot_is_only_a_url)
{
    char top[] = "/tmp/folio-warc-XXXXXX";
    char out[64], arg[80], file[512];
    size_t md;

    cr_assert_not_null(mkdtemp(top));
    snprintf(out, sizeof out, "%s/out", top);
    snprintf(arg, sizeof arg, "%s/", out);
    result r = FOLIO("-t", "markdown", "-o", arg,
                     fixture_path("traversal.warc"));
    cr_assert_eq(r.status, 0, "%s", r.err);

    /* Everything written is inside out/, nothing beside it: the page
     * and its images are named from their titles and file names, never
     * from the ../ in their URIs. */
    cr_assert_eq(list_dir(top, "", &md), 1);
    cr_assert_eq(list_dir(out, ".md", &md), 2);     /* page.md, assets/ */
    cr_assert_eq(md, 1);
    snprintf(file, sizeof file, "%s/assets", out);
    cr_assert_eq(list_dir(file, ".png", &md), 2);
    cr_assert_eq(md, 2);
    snprintf(file, sizeof file, "%s/etc", top);
    cr_assert_neq(access(file, F_OK), 0);

    /* Both images are linked to files that exist. */
    DIR *d = opendir(out);
    cr_assert_not_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 3, ".md") != 0)
            continue;
        snprintf(file, sizeof file, "%s/%s", out, e->d_name);
        FILE *f = fopen(file, "r");
        char text[16384];
        size_t len = fread(text, 1, sizeof text - 1, f);
        text[len] = '\0';
        fclose(f);
        size_t links = 0;
        for (char *p = text; (p = strstr(p, "](assets/")) != NULL; p++) {
            char path[512], *end = strchr(p, ')');
            cr_assert_not_null(end);
            snprintf(path, sizeof path, "%s/%.*s", out,
                     (int)(end - p - 2), p + 2);
            cr_assert_eq(access(path, F_OK), 0, "missing %s", path);
            links++;
        }
        cr_assert_eq(links, 2, "%s", text);
    }
    closedir(d);
    free(r.out);
    free(r.err);

    r = FOLIO("-t", "json", fixture_path("traversal.warc"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_contains(r.out, "Escape attempt headline");
    assert_contains(r.out, "http://trav.example.test/a/b/../../../../etc/"
                    "passwd");
    free(r.out);
    free(r.err);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    cr_assert_eq(system(cmd), 0);
}
