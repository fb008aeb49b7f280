/* SPDX-License-Identifier: MIT */
/*
 * The "singlefile" and "complete" input plugins: their probes, the
 * provenance they read (SingleFile's comment, the saved-from comment),
 * and the images a "Web Page, Complete" folder gives the page.
 *
 * Three views of the same work: the plugins called through a host that
 * records every add_asset() and import_html() (what the plugin hands
 * over, and in what order); the documents libfolio makes of it (meta and
 * assets); and the built `folio` program's JSON output.
 *
 * Fixtures: tests/savedpages/{singlefile,complete}/. Pages needing
 * symbolic links, FIFOs, huge or many files are built at run time in a
 * temporary folder.
 */
/* nftw() is an XSI function. */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folio/folio.h"
#include "testio.h"

/* ------------------------------------------------------------------ */
/* Files                                                              */
/* ------------------------------------------------------------------ */

static char *fixture(const char *name)
{
    static char paths[4][4096];
    static unsigned next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof paths[0], "%s/savedpages/%s", FOLIO_TEST_SRCDIR, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;

    cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
    for (;;) {
        if (n == cap) {
            cap = cap != 0 ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* A 1x1 GIF and a 1x1 PNG, for folders built at run time. */
static const unsigned char gif1[] = {
    'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, 0x21, 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0,
    1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b,
};
static const unsigned char png1[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H',
    'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53,
    0xde, 0, 0, 0, 12, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0xe0, 0xc2,
    0xc6, 0x05, 0, 0x01, 0xbc, 0, 0xdd, 0x19, 0x21, 0xc8, 0x4f, 0, 0, 0,
    0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
};

/* The temporary folder of the running test (Criterion forks per test,
 * so a static is private to it). */
static char tmp_root[64];

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void tmp_cleanup(void)
{
    if (tmp_root[0] != '\0')
        nftw(tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tmp_dir(void)
{
    if (tmp_root[0] == '\0') {
        strcpy(tmp_root, "/tmp/folio-savedpages-XXXXXX");
        cr_assert_not_null(mkdtemp(tmp_root));
    }
    return tmp_root;
}

/* Path `rel` in the temporary folder (a small ring of buffers). */
static char *tmp_path(const char *rel)
{
    static char paths[8][4096];
    static unsigned next;
    char *p = paths[next++ % 8];

    snprintf(p, sizeof paths[0], "%s/%s", tmp_dir(), rel);
    return p;
}

static void tmp_mkdir(const char *rel)
{
    cr_assert_eq(mkdir(tmp_path(rel), 0755), 0, "mkdir %s: %s", rel,
                 strerror(errno));
}

/* A page of enough prose to be an article, with `head` first (the
 * comment) and `body_extra` inside the article. */
static char *make_page(const char *head, const char *body_extra)
{
    static const char fmt[] =
        "%s<html><head><meta charset=\"utf-8\">"
        "<title>Winter Pruning of Apple Trees</title></head><body>"
        "<article><h1>Winter Pruning of Apple Trees</h1>"
        "<p>Apple trees are pruned in winter, when the leaves are off and "
        "the shape of the branches is easy to see. The aim is an open "
        "goblet that lets light and air reach every fruiting spur.</p>"
        "%s"
        "<p>Start with the dead, the damaged and the diseased wood, then "
        "take out branches that cross or rub. Only after that think about "
        "shape, and never remove more than a quarter of the canopy in one "
        "year, or the tree answers with a thicket of water shoots.</p>"
        "<p>Cut just above an outward-facing bud with a clean sloping cut, "
        "so that rain runs off and the new shoot grows away from the "
        "centre of the tree.</p></article></body></html>";
    size_t n = sizeof fmt + strlen(head) + strlen(body_extra);
    char *s = malloc(n);

    cr_assert_not_null(s);
    snprintf(s, n, fmt, head, body_extra);
    return s;
}

/* ------------------------------------------------------------------ */
/* libfolio and a recording host                                      */
/* ------------------------------------------------------------------ */

static folio_registry *registry(void)
{
    static folio_registry *reg;

    if (reg == NULL) {
        folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
        ro.only_dirs = true;
        cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    }
    return reg;
}

static const folio_plugin *input_plugin(const char *name)
{
    const folio_plugin *p =
        folio_registry_find(registry(), FOLIO_PLUGIN_INPUT, name);

    cr_assert_not_null(p, "input plugin %s not found (FOLIO_PLUGIN_PATH)",
                       name);
    return p;
}

#define MAX_RECORDS 64

/* What the plugin handed to the host. */
typedef struct record {
    size_t n_assets;
    char *url[MAX_RECORDS];
    char *type[MAX_RECORDS];
    size_t len[MAX_RECORDS];
    size_t n_imports;
    size_t assets_before_import; /* n_assets at the first import */
} record;

static record rec;

static int rec_add_asset(folio_job *job, const char *url,
                         const char *media_type, const unsigned char *data,
                         size_t len)
{
    if (rec.n_assets < MAX_RECORDS) {
        rec.url[rec.n_assets] = strdup(url);
        rec.type[rec.n_assets] = strdup(media_type);
        rec.len[rec.n_assets] = len;
        rec.n_assets++;
    }
    return folio_host_get()->add_asset(job, url, media_type, data, len);
}

static int rec_import_html(folio_job *job, const folio_html_input *in)
{
    if (rec.n_imports++ == 0)
        rec.assets_before_import = rec.n_assets;
    return folio_host_get()->import_html(job, in);
}

static const folio_host *recording_host(void)
{
    static folio_host h;

    h = *folio_host_get();
    h.add_asset = rec_add_asset;
    h.import_html = rec_import_html;
    return &h;
}

/* Returns the index of the recorded asset named `url`, or -1. */
static int rec_find(const char *url)
{
    for (size_t i = 0; i < rec.n_assets; i++) {
        if (strcmp(rec.url[i], url) == 0)
            return (int)i;
    }
    return -1;
}

/* A conversion through libfolio. */
typedef struct conv {
    folio_job *job;
    int rc;
    const folio_meta *meta; /* of the first document, or NULL */
    folio_doc *doc;
} conv;

/*
 * Reads `buf` as the file `input_path` (NULL: standard input) with
 * plugin `name` (NULL: sniffed), through the recording host when
 * `record_it` is true.
 */
static conv convert(const unsigned char *buf, size_t len,
                    const char *input_path, const char *name, bool record_it)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    conv c = { NULL, 0, NULL, NULL };

    jo.input_path = input_path;
    c.job = folio_job_new(registry(), &jo);
    cr_assert_not_null(c.job);
    if (record_it) {
        const folio_plugin *p = input_plugin(name);
        c.rc = p->input->read(recording_host(), c.job, buf, len);
    } else {
        c.rc = folio_job_read(c.job, name != NULL ? input_plugin(name) : NULL,
                              buf, len);
    }
    c.doc = folio_job_doc(c.job, 0);
    c.meta = c.doc != NULL ? folio_doc_meta(c.doc) : NULL;
    return c;
}

static conv convert_file(const char *path, const char *name, bool record_it)
{
    size_t len;
    unsigned char *buf = slurp(path, &len);
    conv c = convert(buf, len, path, name, record_it);

    free(buf);
    return c;
}

/* True when some warning of the job contains `needle`. */
static bool warned(const conv *c, const char *needle)
{
    for (size_t i = 0; i < folio_job_warning_count(c->job); i++) {
        if (strstr(folio_job_warning_at(c->job, i), needle) != NULL)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);

    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The document asset whose URL ends with "/" + `tail` (or is `tail`):
 * the core may keep the page's relative name or resolve it. */
static const folio_asset *doc_asset(const folio_doc *doc, const char *tail)
{
    char slash_tail[512];

    snprintf(slash_tail, sizeof slash_tail, "/%s", tail);
    for (size_t i = 0; i < folio_doc_asset_count(doc); i++) {
        const folio_asset *a = folio_doc_asset_at(doc, i);

        if (strcmp(a->url, tail) == 0 || ends_with(a->url, slash_tail))
            return a;
    }
    return NULL;
}

static void conv_free(conv *c)
{
    folio_job_free(c->job);
    for (size_t i = 0; i < rec.n_assets; i++) {
        free(rec.url[i]);
        free(rec.type[i]);
    }
    memset(&rec, 0, sizeof rec);
}

/* ------------------------------------------------------------------ */
/* The folio program                                                  */
/* ------------------------------------------------------------------ */

typedef struct run_result {
    int status;
    char *out, *err;
} run_result;

/* Runs `folio ARGS...` (NULL-terminated) with stdin from /dev/null. */
static run_result run_folio(const char *const *args)
{
    const char *exe = getenv("FOLIO_EXE");
    const char *argv[16];
    run_result r;
    int out = test_scratch_fd(), err = test_scratch_fd(), st;
    size_t n = 0;
    pid_t pid;

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    argv[n++] = exe;
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);

        dup2(in, 0);
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

static json_t *run_json(const char *path, run_result *r)
{
    json_error_t e;
    json_t *j;

    *r = run_folio((const char *const[]){ "-t", "json", path, NULL });
    cr_assert_eq(r->status, 0, "folio failed: %s", r->err);
    j = json_loads(r->out, 0, &e);
    cr_assert_not_null(j, "bad JSON (%s): %s", e.text, r->out);
    return j;
}

static const char *jstr(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

TestSuite(singlefile, .fini = tmp_cleanup);
TestSuite(complete, .fini = tmp_cleanup);

/* ------------------------------------------------------------------ */
/* singlefile                                                         */
/* ------------------------------------------------------------------ */

static int sf_probe(const char *s)
{
    return input_plugin("singlefile")->input->probe(
        (const unsigned char *)s, strlen(s));
}

Test(singlefile, probe_needs_the_leading_comment)
{
    char big[6000];

    cr_expect_eq(sf_probe("<!DOCTYPE html> <html lang=en style><!--\n"
                          " Page saved with SingleFile \n url: x\n-->"),
                 95);
    cr_expect_eq(sf_probe("\xEF\xBB\xBF<!doctype html>\n<html>\n<head>"
                          "<!--\n Page saved with SingleFile -->"),
                 95);
    cr_expect_eq(sf_probe("<html><!-- Archive processed by SingleFile -->"),
                 95);
    cr_expect_eq(sf_probe("<!--\n Page saved with SingleFile\n-->"), 95);
    /* Other first comments, text before it, or plain HTML: not ours. */
    cr_expect_eq(sf_probe("<!DOCTYPE html><html><!-- built by hand -->"
                          "<!-- Page saved with SingleFile -->"),
                 0);
    cr_expect_eq(sf_probe("<html><body><p>Page saved with SingleFile</p>"),
                 0);
    cr_expect_eq(sf_probe("<html><head><title>x</title><!-- Page saved "
                          "with SingleFile -->"),
                 0);
    cr_expect_eq(sf_probe("<!DOCTYPE html>\n<!-- saved from url=(0019)"
                          "http://example.com/ -->"),
                 0);
    cr_expect_eq(sf_probe(""), 0);
    /* Past the probe window. */
    memset(big, ' ', sizeof big);
    memcpy(big + 5000, "<!-- Page saved with SingleFile -->", 35);
    big[sizeof big - 1] = '\0';
    cr_expect_eq(sf_probe(big), 0);
}

Test(singlefile, comment_gives_source_and_capture_time)
{
    conv c = convert_file(fixture("singlefile/article.html"), NULL, false);

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    {
        static const char head[] = "<html><!-- Page saved with SingleFile "
                                   "-->";
        const folio_plugin *p = folio_job_sniff(
            c.job, (const unsigned char *)head, sizeof head - 1);

        cr_assert(p != NULL && strcmp(p->name, "singlefile") == 0);
    }
    cr_assert_str_eq(c.meta->title, "Reading Tide Tables Without Tears");
    cr_assert_str_eq(c.meta->source, "https://example.org/notes/tide-tables");
    cr_assert_not_null(c.meta->captured);
    cr_assert_str_eq(c.meta->captured, "2026-11-28T13:01:02+01:00");
    cr_assert_eq(folio_job_warning_count(c.job), 0, "%s",
                 folio_job_warning_at(c.job, 0));
    conv_free(&c);
}

Test(singlefile, json_output)
{
    run_result r;
    json_t *j = run_json(fixture("singlefile/article.html"), &r);

    cr_assert_str_eq(jstr(j, "title"), "Reading Tide Tables Without Tears");
    cr_assert_str_eq(jstr(j, "source"),
                     "https://example.org/notes/tide-tables");
    cr_assert_not_null(strstr(jstr(j, "text"), "rule of twelfths"));
    cr_assert_null(strstr(jstr(j, "text"), "harbour society"),
                   "the footer is not the article");
    cr_assert_str_eq(r.err, "");
    json_decref(j);
    free(r.out);
    free(r.err);
}

/* The core decodes data: images into assets for every input; the plugin
 * hands the HTML over untouched. */
Test(singlefile, data_image_becomes_an_asset)
{
    conv c = convert_file(fixture("singlefile/article.html"), "singlefile",
                          true);
    bool png = false;

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_imports, 1);
    cr_assert_eq(rec.n_assets, 0, "the plugin adds no assets itself");
    for (size_t i = 0; i < folio_doc_asset_count(c.doc); i++) {
        const folio_asset *a = folio_doc_asset_at(c.doc, i);

        if (strcmp(a->media_type, "image/png") == 0 && a->len == 389 &&
            memcmp(a->data, "\x89PNG", 4) == 0)
            png = true;
    }
    cr_assert(png, "the data: PNG is among the document's %zu assets",
              folio_doc_asset_count(c.doc));
    conv_free(&c);
}

Test(singlefile, unreadable_date_leaves_captured_empty)
{
    conv c = convert_file(fixture("singlefile/bad-date.html"), NULL, false);

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->source,
                     "https://example.org/notes/tide-tables?print=1");
    cr_assert_null(c.meta->captured);
    cr_assert(warned(&c, "saved date"));
    conv_free(&c);
}

static char *sf_captured(const char *date)
{
    char head[512];
    char *page, *out = NULL;
    conv c;

    snprintf(head, sizeof head,
             "<!DOCTYPE html><html><!--\n Page saved with SingleFile\n"
             " url: https://example.com/a\n saved date: %s\n-->",
             date);
    page = make_page(head, "");
    c = convert((const unsigned char *)page, strlen(page), "a.html", NULL,
                false);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    if (c.meta->captured != NULL)
        out = strdup(c.meta->captured);
    conv_free(&c);
    free(page);
    return out;
}

Test(singlefile, javascript_dates)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "Sat Nov 28 2026 13:01:02 GMT+0000 (Coordinated Universal Time)",
          "2026-11-28T13:01:02+00:00" },
        { "Mon Jan 15 2024 10:20:30 GMT-0530", "2024-01-15T10:20:30-05:30" },
        { "Thu Feb 29 2024 00:00:00 GMT+1400 (Line Islands Time)",
          "2024-02-29T00:00:00+14:00" },
        { "Fri Mar 1 2024 9:05:00 GMT+0100 (heure normale d’Europe)",
          "2024-03-01T09:05:00+01:00" },
        { "Thu Feb 29 2023 00:00:00 GMT+0000", NULL }, /* not a leap year */
        { "Sat Nov 31 2026 13:01:02 GMT+0000", NULL },
        { "Sat Nov 28 2026 24:01:02 GMT+0000", NULL },
        { "Sat Nov 28 2026 13:01:02 GMT+0060", NULL },
        { "Sat Nov 28 2026 13:01:02 GMT+1500", NULL },
        { "Sat Nov 28 2026 13:01:02 UTC", NULL },
        { "Sat Foo 28 2026 13:01:02 GMT+0000", NULL },
        { "2026-11-28T13:01:02Z", NULL },
        { "", NULL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = sf_captured(cases[i].in);

        if (cases[i].out == NULL)
            cr_expect_null(got, "'%s' gave %s", cases[i].in, got);
        else
            cr_expect(got != NULL && strcmp(got, cases[i].out) == 0,
                      "'%s' gave %s, not %s", cases[i].in,
                      got != NULL ? got : "NULL", cases[i].out);
        free(got);
    }
}

Test(singlefile, urls_that_are_no_page_address)
{
    char *page = make_page("<html><!--\n Page saved with SingleFile\n url: "
                           "file:///home/ann/apples.html\n-->",
                           "");
    conv c = convert((const unsigned char *)page, strlen(page), "a.html",
                     NULL, false);

    /* A file: URL says where the page came from but is never a base. */
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->source, "file:///home/ann/apples.html");
    conv_free(&c);
    free(page);

    page = make_page("<html><!--\n Page saved with SingleFile\n url: not "
                     "a url\n-->",
                     "");
    c = convert((const unsigned char *)page, strlen(page), "a.html", NULL,
                false);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->source, "a.html");
    cr_assert(warned(&c, "url"));
    conv_free(&c);
    free(page);
}

Test(singlefile, plain_page_read_with_f_singlefile_is_refused)
{
    char *page = make_page("<!DOCTYPE html>", "");
    conv c = convert((const unsigned char *)page, strlen(page), "a.html",
                     "singlefile", false);

    cr_assert_eq(c.rc, FOLIO_EINVALID);
    cr_assert_not_null(strstr(folio_job_error(c.job), "not a SingleFile "
                              "page"), "%s", folio_job_error(c.job));
    conv_free(&c);
    free(page);
}

Test(complete, plain_page_read_with_f_complete_is_refused)
{
    char *page = make_page("<!DOCTYPE html>", "");
    conv c = convert((const unsigned char *)page, strlen(page),
                     "/nonexistent-folio-dir/a.html", "complete", false);

    cr_assert_eq(c.rc, FOLIO_EINVALID);
    cr_assert_not_null(strstr(folio_job_error(c.job), "not a \"Web Page, "
                              "Complete\" save"), "%s",
                       folio_job_error(c.job));
    conv_free(&c);
    free(page);
}

Test(singlefile, self_extracting_zip_is_refused)
{
    static const char page[] =
        "<!DOCTYPE html> <html data-sfz><!--\n Page saved with SingleFile"
        "\n url: https://example.com/\n--><body>PK\x03\x04...</body></html>";
    conv c = convert((const unsigned char *)page, sizeof page - 1, "z.html",
                     NULL, false);

    cr_assert_eq(c.rc, FOLIO_EUNSUPPORTED);
    cr_assert_not_null(strstr(folio_job_error(c.job), "ZIP"));
    conv_free(&c);
}

Test(singlefile, unterminated_comment)
{
    static const char page[] =
        "<html><!-- Page saved with SingleFile\n url: https://example.com/";
    conv c = convert((const unsigned char *)page, sizeof page - 1, "u.html",
                     NULL, false);

    /* Nothing but the comment: no article, and no crash past the end. */
    cr_assert_lt(c.rc, 0);
    conv_free(&c);
}

/* ------------------------------------------------------------------ */
/* complete                                                           */
/* ------------------------------------------------------------------ */

static int cp_probe(const char *s)
{
    return input_plugin("complete")->input->probe((const unsigned char *)s,
                                                  strlen(s));
}

Test(complete, probe_needs_the_saved_from_comment)
{
    char big[4000];

    cr_expect_eq(cp_probe("<!DOCTYPE html>\n<!-- saved from url=(0019)"
                          "http://example.com/ -->\n<html>"),
                 92);
    cr_expect_eq(cp_probe("<html><!-- saved from url=(0014)about:internet "
                          "-->"),
                 92);
    cr_expect_eq(cp_probe("<!DOCTYPE html><html><body><p>saved from "
                          "url=(0019)</p>"),
                 0);
    cr_expect_eq(cp_probe("<!DOCTYPE html><html><!-- Page saved with "
                          "SingleFile -->"),
                 0);
    cr_expect_eq(cp_probe(""), 0);
    memset(big, ' ', sizeof big);
    memcpy(big + 3000, "<!-- saved from url=(0019)http://example.com/ -->",
           48);
    big[sizeof big - 1] = '\0';
    cr_expect_eq(cp_probe(big), 0);
}

/* What the plugin hands over for the fixture save: every image of
 * page_files/ under its URL-escaped relative name, typed by content,
 * before the page; no CSS, frame, or error page under an image name. */
Test(complete, folder_images_are_added_before_the_page)
{
    conv c = convert_file(fixture("complete/page.html"), "complete", true);
    int i;

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_imports, 1);
    cr_assert_eq(rec.n_assets, 4);
    cr_assert_eq(rec.assets_before_import, 4);
    /* Sorted by file name. */
    cr_assert_str_eq(rec.url[0], "page_files/anim.gif");
    cr_assert_str_eq(rec.type[0], "image/gif");
    cr_assert_str_eq(rec.url[1], "page_files/caf%C3%A9%20photo.png");
    cr_assert_str_eq(rec.type[1], "image/png");
    cr_assert_eq(rec.len[1], 69);
    cr_assert_str_eq(rec.url[2], "page_files/counter");
    cr_assert_str_eq(rec.type[2], "image/gif", "the bytes decide the type");
    cr_assert_str_eq(rec.url[3], "page_files/photo.png");
    cr_assert_eq(rec.len[3], 73);
    cr_assert_eq(rec_find("page_files/style.css"), -1);
    cr_assert_eq(rec_find("page_files/frame.html"), -1);
    i = rec_find("page_files/missing.jpg");
    cr_assert_eq(i, -1, "an HTML error page named .jpg is no image");
    cr_assert_eq(folio_job_warning_count(c.job), 0, "%s",
                 folio_job_warning_at(c.job, 0));
    conv_free(&c);
}

Test(complete, document_carries_the_images)
{
    conv c = convert_file(fixture("complete/page.html"), NULL, false);
    const folio_asset *a;

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->title, "How to Split Hostas in Spring");
    cr_assert_str_eq(c.meta->source,
                     "https://example.net/garden/how-to-split-hostas");
    cr_assert_null(c.meta->captured);
    a = doc_asset(c.doc, "page_files/photo.png");
    cr_assert_not_null(a);
    cr_assert_str_eq(a->media_type, "image/png");
    cr_assert_eq(a->len, 73);
    cr_assert_eq(memcmp(a->data, "\x89PNG\r\n\x1a\n", 8), 0);
    cr_assert_not_null(doc_asset(c.doc, "page_files/anim.gif"));
    cr_assert_not_null(doc_asset(c.doc, "page_files/caf%C3%A9%20photo.png"));
    cr_assert_null(doc_asset(c.doc, "page_files/style.css"));
    cr_assert_null(doc_asset(c.doc, "page_files/frame.html"));
    cr_assert_null(doc_asset(c.doc, "page_files/missing.jpg"));
    conv_free(&c);
}

Test(complete, json_output)
{
    run_result r;
    json_t *j = run_json(fixture("complete/page.html"), &r);

    cr_assert_str_eq(jstr(j, "title"), "How to Split Hostas in Spring");
    cr_assert_str_eq(jstr(j, "source"),
                     "https://example.net/garden/how-to-split-hostas");
    cr_assert_not_null(strstr(jstr(j, "text"), "old bread knife"));
    cr_assert_null(strstr(jstr(j, "text"), "frame was blocked"));
    cr_assert_str_eq(r.err, "");
    json_decref(j);
    free(r.out);
    free(r.err);
}

Test(complete, bogus_length_still_gives_the_url)
{
    run_result r;
    json_t *j = run_json(fixture("complete/bogus-length.html"), &r);

    cr_assert_str_eq(jstr(j, "title"), "Mulch Matters");
    cr_assert_str_eq(jstr(j, "source"),
                     "https://example.net/garden/mulch-matters");
    cr_assert_not_null(strstr(r.err, "999"), "%s", r.err);
    json_decref(j);
    free(r.out);
    free(r.err);
}

/* Converts a page whose head is `head` (read as tmp/page.html) and
 * returns its source (malloc'd). */
static char *cp_source(const char *head, bool *warn_out)
{
    char *page = make_page(head, "");
    char *path = tmp_path("page.html");
    char *out;
    conv c;

    spit(path, page, strlen(page));
    c = convert((const unsigned char *)page, strlen(page), path, NULL,
                false);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    {
        const folio_plugin *p = folio_job_sniff(
            c.job, (const unsigned char *)page, strlen(page));

        cr_assert(p != NULL && strcmp(p->name, "complete") == 0);
    }
    out = strdup(c.meta->source);
    if (warn_out != NULL)
        *warn_out = folio_job_warning_count(c.job) > 0;
    conv_free(&c);
    free(page);
    return out;
}

Test(complete, saved_from_url_forms)
{
    bool w;
    char *s;

    /* The length is right, and something follows the URL. */
    s = cp_source("<!-- saved from url=(0021)https://example.net/a "
                  "extra -->",
                  &w);
    cr_expect_str_eq(s, "https://example.net/a");
    cr_expect(!w);
    free(s);
    /* Chromium writes "--" as "-%2D" and counts that. */
    s = cp_source("<!-- saved from url=(0026)https://example.net/a-%2Db"
                  " -->",
                  &w);
    cr_expect_str_eq(s, "https://example.net/a--b");
    cr_expect(!w);
    free(s);
    /* Chromium's error pages and IE's zone marker: no address. */
    s = cp_source("<!-- saved from url=(0029)chrome-error://chromewebdata/"
                  " -->",
                  &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    cr_expect(!w);
    free(s);
    s = cp_source("<!-- saved from url=(0014)about:internet -->", &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    free(s);
    /* Damaged: no length, no URL, spaces, huge length. */
    s = cp_source("<!-- saved from url=()https://example.net/ -->", &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    cr_expect(w);
    free(s);
    s = cp_source("<!-- saved from url=(0005)  -->", &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    cr_expect(w);
    free(s);
    s = cp_source("<!-- saved from url=(0030)https://example.net/a b c d e "
                  "-->",
                  &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    cr_expect(w);
    free(s);
    s = cp_source("<!-- saved from url=(99999999999)https://example.net/ "
                  "-->",
                  &w);
    cr_expect(ends_with(s, "/page.html"), "source %s", s);
    cr_expect(w);
    free(s);
}

Test(complete, page_without_its_folder_converts)
{
    conv c = convert_file(fixture("complete/nofolder.html"), NULL, false);

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->title, "Mulch Matters");
    cr_assert_str_eq(c.meta->source,
                     "https://example.net/garden/mulch-matters");
    cr_assert_eq(folio_doc_asset_count(c.doc), 0);
    cr_assert(warned(&c, "nofolder_files/"));
    conv_free(&c);
}

Test(complete, stdin_has_no_folder)
{
    size_t len;
    unsigned char *buf = slurp(fixture("complete/page.html"), &len);
    conv c = convert(buf, len, NULL, "complete", true);

    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_str_eq(c.meta->source,
                     "https://example.net/garden/how-to-split-hostas");
    cr_assert_eq(rec.n_assets, 0);
    cr_assert(warned(&c, "standard input"));
    conv_free(&c);
    free(buf);
}

/* Links out of page_files/ are not followed: a symbolic link to a file
 * elsewhere, a folder link, a subfolder, a FIFO (which must not hang). */
Test(complete, symlinks_and_special_files_are_skipped)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "<p><img src=\"./page_files/real.png\" width=300 "
                           "height=200><img src=\"./page_files/evil.png\" "
                           "width=300 height=200></p>");
    conv c;

    tmp_mkdir("site");
    tmp_mkdir("site/page_files");
    tmp_mkdir("site/page_files/sub");
    tmp_mkdir("elsewhere");
    spit(tmp_path("site/page.html"), page, strlen(page));
    spit(tmp_path("site/page_files/real.png"), png1, sizeof png1);
    spit(tmp_path("outside.png"), png1, sizeof png1);
    spit(tmp_path("elsewhere/x.png"), png1, sizeof png1);
    spit(tmp_path("site/page_files/sub/deep.png"), png1, sizeof png1);
    cr_assert_eq(symlink("../../outside.png",
                         tmp_path("site/page_files/evil.png")),
                 0);
    cr_assert_eq(symlink("../../elsewhere",
                         tmp_path("site/page_files/linked")),
                 0);
    cr_assert_eq(mkfifo(tmp_path("site/page_files/pipe.png"), 0644), 0);

    c = convert_file(tmp_path("site/page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 1, "%zu assets, first %s", rec.n_assets,
                 rec.n_assets > 0 ? rec.url[0] : "");
    cr_assert_str_eq(rec.url[0], "page_files/real.png");
    conv_free(&c);
    free(page);
}

Test(complete, folder_that_is_a_link_is_not_followed)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "<p><img src=\"./page_files/x.png\"></p>");
    conv c;

    tmp_mkdir("elsewhere");
    spit(tmp_path("elsewhere/x.png"), png1, sizeof png1);
    spit(tmp_path("page.html"), page, strlen(page));
    cr_assert_eq(symlink("elsewhere", tmp_path("page_files")), 0);
    c = convert_file(tmp_path("page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 0);
    conv_free(&c);
    free(page);
}

/* A link "./%2E%2E/x.png" names the parent folder: refused. */
Test(complete, links_cannot_name_the_parent_folder)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "<p><img src=\"./%2E%2E/secret.png\"><img "
                           "src=\"./../secret.png\"></p>");
    conv c;

    tmp_mkdir("site");
    spit(tmp_path("secret.png"), png1, sizeof png1);
    spit(tmp_path("site/page.html"), page, strlen(page));
    c = convert_file(tmp_path("site/page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 0, "took %s", rec.url[0]);
    conv_free(&c);
    free(page);
}

/* Chromium names the folder in the user's language ("Seite-Dateien");
 * the page's "./NAME/" links find it. A stem_files folder is found even
 * when the page links elsewhere. */
Test(complete, folder_names)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "<p><img src=\"./Seite-Dateien/bild.gif\"></p>"
                           "<p><img srcset=\"./Seite-Dateien/b%C3%A4r.png "
                           "2x\"></p>");
    conv c;

    tmp_mkdir("Seite-Dateien");
    tmp_mkdir("seite_files");
    spit(tmp_path("seite.htm"), page, strlen(page));
    spit(tmp_path("Seite-Dateien/bild.gif"), gif1, sizeof gif1);
    spit(tmp_path("Seite-Dateien/b\xC3\xA4r.png"), png1, sizeof png1);
    spit(tmp_path("seite_files/logo.png"), png1, sizeof png1);
    c = convert_file(tmp_path("seite.htm"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 3);
    cr_assert_neq(rec_find("seite_files/logo.png"), -1);
    cr_assert_neq(rec_find("Seite-Dateien/bild.gif"), -1);
    cr_assert_neq(rec_find("Seite-Dateien/b%C3%A4r.png"), -1);
    conv_free(&c);
    free(page);
}

Test(complete, file_over_the_size_limit_is_skipped)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "<p><img src=\"./page_files/huge.png\"></p>");
    unsigned char head[4096];
    conv c;
    int fd;

    tmp_mkdir("page_files");
    spit(tmp_path("page.html"), page, strlen(page));
    spit(tmp_path("page_files/small.png"), png1, sizeof png1);
    /* A sparse file: 65 MiB on paper, a few bytes on disk. */
    memset(head, 0, sizeof head);
    memcpy(head, png1, sizeof png1);
    /* Its name holds an escape byte, which the message must not. */
    spit(tmp_path("page_files/huge\x1b.png"), head, sizeof head);
    fd = open(tmp_path("page_files/huge\x1b.png"), O_WRONLY);
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, (off_t)65 * 1024 * 1024), 0);
    close(fd);
    /* A big script is no image: skipped without reading it, silently. */
    spit(tmp_path("page_files/bundle.js"), "var x;\n", 7);
    fd = open(tmp_path("page_files/bundle.js"), O_WRONLY);
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, (off_t)100 * 1024 * 1024), 0);
    close(fd);

    c = convert_file(tmp_path("page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 1);
    cr_assert_str_eq(rec.url[0], "page_files/small.png");
    cr_assert(warned(&c, "page_files/huge%1B.png"));
    cr_assert(warned(&c, "64 MiB"));
    cr_assert(!warned(&c, "bundle"));
    cr_assert_eq(folio_job_warning_count(c.job), 1);
    conv_free(&c);
    free(page);
}

Test(complete, too_many_files, .timeout = 60)
{
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "");
    conv c;

    tmp_mkdir("page_files");
    spit(tmp_path("page.html"), page, strlen(page));
    for (int i = 0; i < 10001; i++) {
        char name[64];
        int fd;

        snprintf(name, sizeof name, "page_files/%05d.txt", i);
        fd = open(tmp_path(name), O_WRONLY | O_CREAT, 0644);
        cr_assert(fd >= 0);
        close(fd);
    }
    c = convert_file(tmp_path("page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    cr_assert_eq(rec.n_assets, 0);
    cr_assert(warned(&c, "more than 10000 files"));
    conv_free(&c);
    free(page);
}

/* Every image format the folder may hold is recognised by its bytes. */
Test(complete, image_sniffing)
{
/* A byte string and its length, NULs included. */
#define BYTES(s) s, sizeof s - 1
    static const struct {
        const char *name;
        const char *bytes;
        size_t len;
        const char *type; /* NULL: skipped */
    } files[] = {
        { "a.jpg", BYTES("\xFF\xD8\xFF\xE0\0\x10JFIF"), "image/jpeg" },
        { "b.webp", BYTES("RIFF\x24\0\0\0WEBPVP8 "), "image/webp" },
        { "c.avif", BYTES("\0\0\0\x1C" "ftypavif\0\0\0\0avifmif1miaf"),
          "image/avif" },
        { "d.svg",
          BYTES("<?xml version=\"1.0\"?>\n<!-- drawn -->\n<!DOCTYPE svg>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
          "image/svg+xml" },
        { "e.ico", BYTES("\0\0\1\0\1\0\x10\x10"), "image/x-icon" },
        { "f.bmp", BYTES("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0"),
          "image/bmp" },
        { "g.tiff", BYTES("II*\0\x08\0\0\0"), "image/tiff" },
        { "h.png", BYTES("not a png at all"), NULL },
        { "i.js", BYTES("console.log(1)"), NULL },
        { "j.svg", BYTES("<html><svg></svg></html>"), NULL },
        { "k", BYTES("\xFF\xD8\xFF\xDB"), "image/jpeg" },
    };
#undef BYTES
    char *page = make_page("<!-- saved from url=(0020)https://example.net/"
                           " -->",
                           "");
    conv c;

    tmp_mkdir("page_files");
    spit(tmp_path("page.html"), page, strlen(page));
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[64];

        snprintf(rel, sizeof rel, "page_files/%s", files[i].name);
        spit(tmp_path(rel), files[i].bytes, files[i].len);
    }
    c = convert_file(tmp_path("page.html"), "complete", true);
    cr_assert_eq(c.rc, FOLIO_OK, "%s", folio_job_error(c.job));
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char url[64];
        int k;

        snprintf(url, sizeof url, "page_files/%s", files[i].name);
        k = rec_find(url);
        if (files[i].type == NULL) {
            cr_expect_eq(k, -1, "%s was added", files[i].name);
        } else {
            cr_expect_neq(k, -1, "%s was not added", files[i].name);
            if (k >= 0)
                cr_expect_str_eq(rec.type[k], files[i].type, "%s",
                                 files[i].name);
        }
    }
    conv_free(&c);
    free(page);
}

/* The whole way through the program: -o writes the folder's images
 * beside the Markdown and every image link names a file that exists. */
Test(complete, markdown_links_to_saved_images)
{
    char *out = tmp_path("out/page.md");
    char dir[4096], *md, *p;
    size_t len, links = 0;
    run_result r = run_folio((const char *const[]){
        "-t", "markdown", "-o", out, fixture("complete/page.html"), NULL });

    cr_assert_eq(r.status, 0, "folio failed: %s", r.err);
    md = (char *)slurp(out, &len);
    snprintf(dir, sizeof dir, "%s/out", tmp_dir());
    for (p = strstr(md, "]("); p != NULL; p = strstr(p + 2, "](")) {
        char rel[512], path[4096 + 512];
        size_t n = strcspn(p + 2, ") ");

        if (p == md || strncmp(p + 2, "http", 4) == 0)
            continue;
        cr_assert_lt(n, sizeof rel);
        memcpy(rel, p + 2, n);
        rel[n] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        cr_assert_eq(access(path, R_OK), 0, "%s does not exist", path);
        links++;
    }
    cr_assert_eq(links, 4, "image links in:\n%s", md);
    free(md);
    free(r.out);
    free(r.err);
}

/* A URL longer than the probe window is still read whole. */
Test(complete, long_saved_from_url)
{
    char head[4000], url[3100];
    char *s;
    bool w;

    strcpy(url, "https://example.net/search?q=");
    memset(url + 29, 'a', 3000);
    url[3029] = '\0';
    snprintf(head, sizeof head, "<!-- saved from url=(%04zu)%s -->",
             strlen(url), url);
    s = cp_source(head, &w);
    cr_assert_str_eq(s, url);
    cr_assert(!w);
    free(s);
}
