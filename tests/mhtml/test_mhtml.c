/* SPDX-License-Identifier: MIT */
/*
 * The mhtml input plugin, three ways:
 *
 * - loaded with dlopen and driven through a recording host (the fake host
 *   of tests/plugins with import_html and add_asset replaced), to check
 *   exactly what it hands over: the decoded page bytes, charset, URL,
 *   capture time, title hint and every asset;
 * - through libfolio's registry and importer (FOLIO_PLUGIN_PATH), to check
 *   the document that results: metadata, text, attached images;
 * - through the built `folio` program (FOLIO_EXE), as a user runs it.
 *
 * Fixtures in tests/mhtml/fixtures/ are hand-made MHTML files; the
 * limits tests build their hostile inputs in memory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../plugins/fakehost.h"
#include "folio/folio.h"

/* ------------------------------------------------------------------ */
/* Files and buffers                                                  */
/* ------------------------------------------------------------------ */

static char *fixture_path(const char *name)
{
    static char paths[4][4096];
    static unsigned next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof paths[0], "%s/mhtml/fixtures/%s", FOLIO_TEST_SRCDIR,
             name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static unsigned char *fixture(const char *name, size_t *len)
{
    return slurp(fixture_path(name), len);
}

/* A growing string for building hostile inputs. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 256;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        cr_assert_not_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static bool contains(const void *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; n <= len && i <= len - n; i++) {
        if (memcmp((const char *)hay + i, needle, n) == 0)
            return true;
    }
    return false;
}

/* The article paragraph used by the in-memory inputs: long enough for
 * the extractor to see an article. */
#define ARTICLE                                                              \
    "<html><head><title>Harbour notes</title></head><body><article>"        \
    "<h1>Harbour notes</h1><p>The harbour master keeps a ledger of every "  \
    "vessel, its cargo and its crew, and reads it aloud each evening to "   \
    "the gulls, who have never once complained about the length.</p>"       \
    "<p>Tides come twice a day and the ledger grows by a page a week, "     \
    "which is why the shelves in the office are bowed in the middle.</p>"   \
    "</article></body></html>"

/* ------------------------------------------------------------------ */
/* Recording host                                                     */
/* ------------------------------------------------------------------ */

#define MAX_ASSETS 64

typedef struct rec_asset {
    char *url, *type;
    unsigned char *data;
    size_t len;
} rec_asset;

/* The fake host's functions cast the job to fake_job, so it comes first. */
typedef struct rec_job {
    fake_job fj;
    int imports;
    unsigned char *html;
    size_t html_len;
    char *charset, *url, *source, *captured, *title_hint;
    rec_asset assets[MAX_ASSETS];
    size_t n_assets;
    size_t assets_at_import;   /* assets added before import_html */
    int asset_rc;              /* what add_asset answers */
} rec_job;

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static int rec_import(folio_job *job, const folio_html_input *in)
{
    rec_job *r = (rec_job *)(void *)job;

    cr_assert_eq(in->size, sizeof *in);
    r->imports++;
    free(r->html);
    r->html = malloc(in->len + 1);
    cr_assert_not_null(r->html);
    memcpy(r->html, in->html, in->len);
    r->html[in->len] = '\0';
    r->html_len = in->len;
    r->charset = dup_or_null(in->charset);
    r->url = dup_or_null(in->url);
    r->source = dup_or_null(in->source);
    r->captured = dup_or_null(in->captured);
    r->title_hint = dup_or_null(in->title_hint);
    r->assets_at_import = r->n_assets;
    return FOLIO_OK;
}

static int rec_add_asset(folio_job *job, const char *url,
                         const char *media_type, const unsigned char *data,
                         size_t len)
{
    rec_job *r = (rec_job *)(void *)job;
    rec_asset *a;

    if (r->asset_rc != FOLIO_OK)
        return r->asset_rc;
    cr_assert_lt(r->n_assets, MAX_ASSETS);
    a = &r->assets[r->n_assets++];
    a->url = strdup(url);
    a->type = strdup(media_type);
    a->data = malloc(len + 1);
    cr_assert_not_null(a->data);
    memcpy(a->data, data, len);
    a->len = len;
    return FOLIO_OK;
}

static const folio_host *rec_host(void)
{
    static folio_host h;

    h = *fake_host();
    h.import_html = rec_import;
    h.add_asset = rec_add_asset;
    return &h;
}

static const folio_plugin *plugin(void)
{
    static const folio_plugin *p;

    if (p == NULL)
        p = fake_load_plugin(FOLIO_MHTML_PLUGIN);
    cr_assert_not_null(p, "cannot load %s", FOLIO_MHTML_PLUGIN);
    return p;
}

static void rec_init(rec_job *r)
{
    memset(r, 0, sizeof *r);
    fake_job_init(&r->fj, plugin());
}

static void rec_dispose(rec_job *r)
{
    free(r->html);
    free(r->charset);
    free(r->url);
    free(r->source);
    free(r->captured);
    free(r->title_hint);
    for (size_t i = 0; i < r->n_assets; i++) {
        free(r->assets[i].url);
        free(r->assets[i].type);
        free(r->assets[i].data);
    }
    fake_job_dispose(&r->fj);
}

static int rec_read(rec_job *r, const void *buf, size_t len)
{
    return plugin()->input->read(rec_host(), FAKE_JOB(&r->fj), buf, len);
}

static int rec_read_fixture(rec_job *r, const char *name)
{
    size_t len;
    unsigned char *buf = fixture(name, &len);
    int rc = rec_read(r, buf, len);

    free(buf);
    return rc;
}

static const rec_asset *rec_find(const rec_job *r, const char *url)
{
    for (size_t i = 0; i < r->n_assets; i++) {
        if (strcmp(r->assets[i].url, url) == 0)
            return &r->assets[i];
    }
    return NULL;
}

static int probe(const char *s)
{
    return plugin()->input->probe((const unsigned char *)s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Descriptor and probe                                               */
/* ------------------------------------------------------------------ */

Test(mhtml, descriptor_names_the_formats)
{
    const folio_plugin *p = plugin();
    bool mht = false, related = false;

    cr_assert_str_eq(p->name, "mhtml");
    cr_assert_eq(p->kind, FOLIO_PLUGIN_INPUT);
    for (const char *const *f = p->formats; *f != NULL; f++) {
        mht = mht || strcmp(*f, "mht") == 0;
        related = related || strcmp(*f, "multipart/related") == 0;
    }
    cr_assert(mht && related);
}

Test(mhtml, probe_recognises_chromium_headers)
{
    size_t len;
    unsigned char *buf = fixture("folded.mhtml", &len);

    cr_assert_eq(plugin()->input->probe(buf, len), 95);
    free(buf);
}

Test(mhtml, probe_accepts_leading_blank_lines_and_folded_type)
{
    cr_assert_eq(probe("\r\n\nMIME-Version: 1.0\nContent-Type:\n"
                       "  Multipart/Related; boundary=x\n\n--x\n"), 95);
    cr_assert_eq(probe("content-type: multipart/related;\r\n\tboundary=\"a\""
                       "\r\n"), 95);
    cr_assert_eq(probe("\xEF\xBB\xBF\r\nContent-Type: multipart/related; "
                       "boundary=a\r\n\r\n"), 95);
}

Test(mhtml, probe_recognises_single_part_saves)
{
    cr_assert_eq(probe("From: <Saved by monolith>\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/html; charset=utf-8\r\n\r\n"
                       "<p>x</p>"), 95);
}

Test(mhtml, probe_refuses_other_inputs)
{
    cr_assert_eq(probe("<!DOCTYPE html><html><body>x</body></html>"), 0);
    cr_assert_eq(probe("WARC/1.1\r\nWARC-Type: response\r\n"
                       "Content-Type: multipart/related\r\n"), 0);
    cr_assert_eq(probe("Subject: hi\nContent-Type: text/plain\n\n"
                       "Content-Type: multipart/related\n"), 0);
    cr_assert_eq(probe("MIME-Version: 1.0\nContent-Type: "
                       "multipart/alternative; boundary=x\n\n"), 0);
    cr_assert_eq(probe("From someone Sat Nov 28\nContent-Type: "
                       "multipart/related\n"), 0);
    cr_assert_eq(probe("  Content-Type: multipart/related\n"), 0);
    /* text/html counts only with MIME-Version, and only the first
     * Content-Type does. */
    cr_assert_eq(probe("Content-Type: text/html\n\n<p>x</p>"), 0);
    cr_assert_eq(probe("Content-Type: text/plain\nMIME-Version: 1.0\n"
                       "Content-Type: multipart/related\n\n"), 0);
    cr_assert_eq(probe("HTTP/1.1 200 OK\nContent-Type: multipart/related"
                       "\n\n"), 0);
    cr_assert_eq(probe(""), 0);
    cr_assert_eq(plugin()->input->probe(NULL, 0), 0);
}

/* ------------------------------------------------------------------ */
/* What read() hands over                                             */
/* ------------------------------------------------------------------ */

Test(mhtml, folded_headers_quoted_printable_and_provenance)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "folded.mhtml"), FOLIO_OK, "%s",
                 r.fj.error);
    cr_assert_eq(r.imports, 1);
    /* The Snapshot-Content-Location header, a lower-case "subject:"
     * folded over two encoded-words (Q and B) and an upper-case DATE. */
    cr_assert_str_eq(r.url, "http://example.test/news/lighthouse.html");
    cr_assert_str_eq(r.title_hint,
                     "Lighthouse keepers \xE2\x80\x94 caf\xC3\xA9 notes");
    cr_assert_str_eq(r.captured, "2026-11-28T10:23:07+01:00");
    cr_assert_null(r.charset);
    /* =3D, lower-case hex, soft breaks =CRLF / =LF / "=  CRLF" joined,
     * the malformed "=ZZ" kept. */
    cr_assert(contains(r.html, r.html_len, "<meta charset=\"utf-8\">"),
              "%s", r.html);
    cr_assert(contains(r.html, r.html_len, "caf\xC3\xA9 served soup"));
    cr_assert(contains(r.html, r.html_len, "a=b and 100% =ZZ honest"));
    cr_assert(contains(r.html, r.html_len,
                       "the keepers who watched over them through long "
                       "winter nights"));
    cr_assert(!contains(r.html, r.html_len, "=\r\n"));
    cr_assert(!contains(r.html, r.html_len, "=\n"));
    cr_assert_eq(r.fj.n_warnings, 0, "%s", r.fj.warning);
    rec_dispose(&r);
}

Test(mhtml, nested_multipart_base64_image_under_both_urls)
{
    rec_job r;
    size_t png_len;
    unsigned char *png = fixture("red.png", &png_len);
    const rec_asset *byloc, *bycid;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "nested.mhtml"), FOLIO_OK, "%s",
                 r.fj.error);
    /* The HTML inside multipart/alternative, not the text/plain one. */
    cr_assert(contains(r.html, r.html_len, "<h1>Tide tables</h1>"));
    cr_assert(!contains(r.html, r.html_len, "Plain text alternative"));
    cr_assert_str_eq(r.charset, "utf-8");
    /* No Snapshot-Content-Location: the page part's Content-Location. */
    cr_assert_str_eq(r.url, "http://example.test/tides/");
    cr_assert_str_eq(r.title_hint, "Tide tables");
    cr_assert_null(r.captured);

    /* Only the image (not the stylesheet), under both names, added
     * before the page, bytes exact despite the blanks in the base64. */
    cr_assert_eq(r.n_assets, 2);
    cr_assert_eq(r.assets_at_import, 2);
    byloc = rec_find(&r, "http://example.test/img/red.png");
    bycid = rec_find(&r, "cid:red-square@folio.test");
    cr_assert_not_null(byloc);
    cr_assert_not_null(bycid);
    cr_assert_str_eq(byloc->type, "image/png");
    cr_assert_eq(byloc->len, png_len);
    cr_assert_eq(memcmp(byloc->data, png, png_len), 0);
    cr_assert_eq(bycid->len, png_len);
    cr_assert_eq(memcmp(bycid->data, png, png_len), 0);
    free(png);
    rec_dispose(&r);
}

Test(mhtml, part_charset_is_the_transport_hint)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "windows-1252.mhtml"), FOLIO_OK);
    cr_assert_str_eq(r.charset, "windows-1252");
    /* 8bit: the bytes as they are, still in windows-1252. */
    cr_assert(contains(r.html, r.html_len, "Caf\xE9 \x93Le Phare\x94"));
    rec_dispose(&r);

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "shift_jis.mhtml"), FOLIO_OK);
    cr_assert_str_eq(r.charset, "Shift_JIS");
    /* An encoded-word in Shift_JIS, decoded through iconv. */
    cr_assert_str_eq(r.title_hint, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
    cr_assert_str_eq(r.captured, "2026-03-02T08:05:00Z");
    rec_dispose(&r);
}

Test(mhtml, snapshot_location_picks_the_second_html_part)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "snapshot.mhtml"), FOLIO_OK);
    cr_assert_eq(r.imports, 1);
    cr_assert(contains(r.html, r.html_len, "Wavecrest"));
    cr_assert(!contains(r.html, r.html_len, "Buyanything"));
    cr_assert_str_eq(r.url, "http://example.test/real/");
    rec_dispose(&r);
}

Test(mhtml, start_parameter_picks_the_root_part)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "start.mhtml"), FOLIO_OK);
    cr_assert(contains(r.html, r.html_len, "Rootmarker"));
    cr_assert(!contains(r.html, r.html_len, "Buyanything"));
    cr_assert_str_eq(r.url, "http://example.test/root/");
    rec_dispose(&r);
}

Test(mhtml, truncated_file_keeps_the_complete_parts)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "truncated.mhtml"), FOLIO_OK, "%s",
                 r.fj.error);
    cr_assert(contains(r.html, r.html_len, "Seafoam"));
    /* The complete image is kept, the one cut in half is not. */
    cr_assert_not_null(rec_find(&r, "http://example.test/a.png"));
    cr_assert_null(rec_find(&r, "http://example.test/b.png"));
    cr_assert_eq(r.fj.n_warnings, 2);
    cr_assert(strstr(r.fj.warning, "image part skipped") != NULL, "%s",
              r.fj.warning);
    rec_dispose(&r);
}

Test(mhtml, missing_boundary_is_a_clear_error)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "no-boundary.mhtml"), FOLIO_EINVALID);
    cr_assert_str_eq(r.fj.error, "no boundary in the multipart header (its "
                     "Content-Type has no boundary= parameter, so the parts "
                     "cannot be found)");
    cr_assert_eq(r.imports, 0);
    rec_dispose(&r);
}

Test(mhtml, dotdot_location_is_only_a_url_key)
{
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read_fixture(&r, "dotdot.mhtml"), FOLIO_OK);
    cr_assert_eq(r.n_assets, 1);
    cr_assert_str_eq(r.assets[0].url, "../../../../tmp/folio-mhtml-evil.png");
    rec_dispose(&r);
}

/* ------------------------------------------------------------------ */
/* Encodings and headers, in memory                                   */
/* ------------------------------------------------------------------ */

/* Reads a one-part file whose page part has the given extra headers and
 * body. */
static int read_one_part(rec_job *r, const char *top, const char *part,
                         const char *body)
{
    sbuf b = { 0 };
    int rc;

    sb_puts(&b, top);
    sb_puts(&b, "Content-Type: multipart/related; boundary=\"=_b\"\n\n"
                "--=_b\n");
    sb_puts(&b, part);
    sb_puts(&b, "\n");
    sb_puts(&b, body);
    sb_puts(&b, "\n--=_b--\n");
    rec_init(r);
    rc = rec_read(r, b.p, b.len);
    free(b.p);
    return rc;
}

Test(mhtml, base64_page_without_padding_or_line_structure)
{
    rec_job r;
    /* "<p>Hi!</p>" is PHA+SGkhPC9wPg== ; split oddly, padding dropped. */
    cr_assert_eq(read_one_part(&r, "",
                               "Content-Type: text/html\n"
                               "Content-Transfer-Encoding: BASE64\n",
                               " PHA+\r\n SGkh\tPC9\nwPg"),
                 FOLIO_OK);
    cr_assert_eq(r.html_len, 10);
    cr_assert_str_eq((char *)r.html, "<p>Hi!</p>");
    rec_dispose(&r);
}

Test(mhtml, identity_encodings_pass_bytes_through)
{
    rec_job r;

    cr_assert_eq(read_one_part(&r, "", "Content-Type: text/html\n"
                                       "Content-Transfer-Encoding: binary\n",
                               "<p>a=3D=\nb</p>"),
                 FOLIO_OK);
    cr_assert_str_eq((char *)r.html, "<p>a=3D=\nb</p>");
    rec_dispose(&r);
}

Test(mhtml, qp_edge_cases)
{
    rec_job r;

    cr_assert_eq(read_one_part(&r, "", "Content-Type: text/html\n"
                               "Content-Transfer-Encoding: quoted-printable\n",
                               "<p>x=4a=4Ay=\nz = w=\r\n=e2=80=94=G1=\t \n"
                               "end=3"),
                 FOLIO_OK);
    cr_assert_str_eq((char *)r.html,
                     "<p>xJJyz = w\xE2\x80\x94=G1end=3");
    rec_dispose(&r);
}

Test(mhtml, subject_and_date_variants)
{
    static const struct {
        const char *subject, *date, *title, *iso;
    } cases[] = {
        { "=?ISO-8859-1?Q?Caf=E9?= =?iso-8859-1?B?IGNy6G1l?=",
          "2 Mar 26 8:05 PST", "Caf\xC3\xA9 cr\xC3\xA8me",
          "2026-03-02T08:05-08:00" },
        { "plain =?x-unknown?Q?kept?= words", "Tue, 01 Jan 1999 23:59:60 "
          "-0230", "plain =?x-unknown?Q?kept?= words",
          "1999-01-01T23:59:60-02:30" },
        { "=?utf-8?q?a_b?=  c", "Fri, 31 Dec 2027 00:00:00 UT",
          "a b  c", "2027-12-31T00:00:00Z" },
        { "=?utf-8?Q?broken", "not a date", "=?utf-8?Q?broken", NULL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rec_job r;
        char top[512];

        snprintf(top, sizeof top, "Subject: %s\nDate: %s\n",
                 cases[i].subject, cases[i].date);
        cr_assert_eq(read_one_part(&r, top, "Content-Type: text/html\n",
                                   ARTICLE),
                     FOLIO_OK);
        cr_assert_str_eq(r.title_hint, cases[i].title, "case %zu", i);
        if (cases[i].iso == NULL)
            cr_assert_null(r.captured, "case %zu: %s", i, r.captured);
        else
            cr_assert_str_eq(r.captured, cases[i].iso, "case %zu", i);
        rec_dispose(&r);
    }
}

Test(mhtml, single_part_file_is_the_page)
{
    static const char doc[] =
        "From: <Saved by monolith>\r\n"
        "Subject: Lone page\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: http://example.test/lone\r\n"
        "\r\n"
        "<p>lone =E2=9C=93</p>\r\n";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_OK, "%s",
                 r.fj.error);
    cr_assert_str_eq((char *)r.html, "<p>lone \xE2\x9C\x93</p>\r\n");
    cr_assert_str_eq(r.url, "http://example.test/lone");
    cr_assert_str_eq(r.charset, "utf-8");
    rec_dispose(&r);
}

Test(mhtml, monolith_placeholder_location_gives_way_to_its_comment)
{
    static const char doc[] =
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html\r\n"
        "Content-Location: http://example.com/\r\n"
        "\r\n"
        "<!-- Saved from https://news.example.org/a/b?c=1 at "
        "2026-11-28T10:23:07Z using monolith v2.8.3 -->" ARTICLE;
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_OK, "%s",
                 r.fj.error);
    cr_assert_str_eq(r.url, "https://news.example.org/a/b?c=1");
    rec_dispose(&r);
}

Test(mhtml, untyped_root_part_takes_the_multipart_type)
{
    static const char doc[] =
        "Content-Type: multipart/related; boundary=b; type=\"text/html\"\n"
        "\n--b\nContent-Location: http://example.test/untyped\n\n"
        ARTICLE "\n--b--\n";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_OK, "%s",
                 r.fj.error);
    cr_assert(contains(r.html, r.html_len, "harbour master"));
    cr_assert_str_eq(r.url, "http://example.test/untyped");
    rec_dispose(&r);
}

Test(mhtml, bom_and_blank_lines_before_the_headers)
{
    size_t len;
    unsigned char *buf = fixture("snapshot.mhtml", &len);
    sbuf b = { 0 };
    rec_job r;

    sb_puts(&b, "\xEF\xBB\xBF\r\n\n");
    sb_add(&b, (const char *)buf, len);
    rec_init(&r);
    cr_assert_eq(rec_read(&r, b.p, b.len), FOLIO_OK, "%s", r.fj.error);
    cr_assert(contains(r.html, r.html_len, "Wavecrest"));
    cr_assert_str_eq(r.title_hint, "Second page");
    rec_dispose(&r);
    free(b.p);
    free(buf);
}

Test(mhtml, asset_limit_from_the_host_is_not_fatal)
{
    rec_job r;

    rec_init(&r);
    r.asset_rc = FOLIO_ELIMIT;
    cr_assert_eq(rec_read_fixture(&r, "nested.mhtml"), FOLIO_OK);
    cr_assert_eq(r.imports, 1);
    cr_assert_eq(r.n_assets, 0);
    rec_dispose(&r);
}

/* ------------------------------------------------------------------ */
/* Hostile inputs                                                     */
/* ------------------------------------------------------------------ */

Test(mhtml, boundary_that_never_occurs)
{
    static const char doc[] =
        "Content-Type: multipart/related; boundary=zzz\n\n"
        "--yyy\nContent-Type: text/html\n\n<p>x</p>\n--yyy--\n";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_EINVALID);
    cr_assert(strstr(r.fj.error, "boundary \"zzz\" never") != NULL, "%s",
              r.fj.error);
    rec_dispose(&r);
}

Test(mhtml, nested_multipart_without_boundary)
{
    static const char doc[] =
        "Content-Type: multipart/related; boundary=b\n\n"
        "--b\nContent-Type: multipart/alternative\n\n<p>x</p>\n--b--\n";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_EINVALID);
    cr_assert(strstr(r.fj.error, "part 1: no boundary in the multipart "
                     "header") == r.fj.error, "%s", r.fj.error);
    rec_dispose(&r);
}

Test(mhtml, no_html_part)
{
    static const char doc[] =
        "Content-Type: multipart/related; boundary=b\n\n"
        "--b\nContent-Type: text/css\n\np{}\n--b--\n";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_ENOTFOUND);
    cr_assert(strstr(r.fj.error, "no HTML part") != NULL, "%s", r.fj.error);
    rec_dispose(&r);
}

Test(mhtml, headers_without_end)
{
    static const char doc[] = "Content-Type: multipart/related; boundary=b";
    rec_job r;

    rec_init(&r);
    cr_assert_eq(rec_read(&r, doc, sizeof doc - 1), FOLIO_EINVALID);
    cr_assert(strstr(r.fj.error, "no blank line") != NULL, "%s", r.fj.error);
    rec_dispose(&r);
}

/* Multiparts nested `levels` deep, the page in the innermost. */
static int read_nested(rec_job *r, int levels)
{
    sbuf b = { 0 };
    char line[128];
    int rc;

    sb_puts(&b, "Content-Type: multipart/related; boundary=b0\n\n");
    for (int i = 0; i < levels; i++) {
        snprintf(line, sizeof line, "--b%d\nContent-Type: multipart/mixed;"
                 " boundary=b%d\n\n", i, i + 1);
        sb_puts(&b, line);
    }
    snprintf(line, sizeof line, "--b%d\nContent-Type: text/html\n\n", levels);
    sb_puts(&b, line);
    sb_puts(&b, ARTICLE);
    for (int i = levels; i >= 0; i--) {
        snprintf(line, sizeof line, "\n--b%d--\n", i);
        sb_puts(&b, line);
    }
    rec_init(r);
    rc = rec_read(r, b.p, b.len);
    free(b.p);
    return rc;
}

Test(mhtml, nesting_depth_is_bounded)
{
    rec_job r;

    cr_assert_eq(read_nested(&r, 7), FOLIO_OK, "%s", r.fj.error);
    cr_assert(contains(r.html, r.html_len, "harbour master"));
    rec_dispose(&r);
    cr_assert_eq(read_nested(&r, 8), FOLIO_ELIMIT);
    cr_assert(strstr(r.fj.error, "nested over 8 levels") != NULL, "%s",
              r.fj.error);
    rec_dispose(&r);
    cr_assert_eq(read_nested(&r, 5000), FOLIO_ELIMIT);
    rec_dispose(&r);
}

Test(mhtml, part_count_is_bounded, .timeout = 20)
{
    sbuf b = { 0 };
    rec_job r;

    sb_puts(&b, "Content-Type: multipart/related; boundary=b\n\n"
                "--b\nContent-Type: text/html\n\n" ARTICLE "\n");
    for (int i = 0; i < 10000; i++)
        sb_puts(&b, "--b\nContent-Type: text/css\n\n\n");
    sb_puts(&b, "--b--\n");
    rec_init(&r);
    cr_assert_eq(rec_read(&r, b.p, b.len), FOLIO_ELIMIT);
    cr_assert(strstr(r.fj.error, "over 10000 MIME parts") != NULL, "%s",
              r.fj.error);
    rec_dispose(&r);
    free(b.p);
}

Test(mhtml, header_field_size_is_bounded)
{
    sbuf b = { 0 };
    rec_job r;

    sb_puts(&b, "Content-Type: multipart/related; boundary=b\n\n"
                "--b\nContent-Type: text/html\nX-Long: a");
    /* A field folded over many lines, 70 KiB once unfolded. */
    for (int i = 0; i < 1000; i++)
        sb_puts(&b, "\n ........................................"
                    "..............................");
    sb_puts(&b, "\n\n" ARTICLE "\n--b--\n");
    rec_init(&r);
    cr_assert_eq(rec_read(&r, b.p, b.len), FOLIO_ELIMIT);
    cr_assert(strstr(r.fj.error, "part 1: a header field is over 64 KiB")
                  != NULL, "%s", r.fj.error);
    rec_dispose(&r);
    free(b.p);
}

/* Every prefix of a real file: never a crash or a read past the end (the
 * sanitizer builds check that), always a status. */
Test(mhtml, every_prefix_is_handled, .timeout = 60)
{
    size_t len;
    unsigned char *buf = fixture("nested.mhtml", &len);

    for (size_t n = 0; n <= len; n++) {
        rec_job r;
        unsigned char *copy = malloc(n != 0 ? n : 1);
        int rc;

        cr_assert_not_null(copy);
        memcpy(copy, buf, n);
        rec_init(&r);
        rc = rec_read(&r, copy, n);
        cr_assert(rc == FOLIO_OK || rc < 0);
        if (rc < 0)
            cr_assert_neq(r.fj.error[0], '\0', "prefix %zu", n);
        rec_dispose(&r);
        free(copy);
    }
    free(buf);
}

/* Random byte changes to real files (a fixed seed, so a failure repeats):
 * no crash, no read past the end, always a status with a message. */
Test(mhtml, mutated_inputs_are_handled, .timeout = 120)
{
    static const char *const names[] = { "nested.mhtml", "folded.mhtml",
                                         "truncated.mhtml" };
    static const char noise[] = "-\r\n=:; \t\"<>?B";
    unsigned seed = 12345;

    for (size_t f = 0; f < 3; f++) {
        size_t len;
        unsigned char *orig = fixture(names[f], &len);

        for (int round = 0; round < 300; round++) {
            unsigned char *buf = malloc(len);
            rec_job r;
            int rc;

            cr_assert_not_null(buf);
            memcpy(buf, orig, len);
            for (int k = 0; k < 1 + round % 8; k++) {
                seed = seed * 1103515245u + 12345u;
                buf[(seed >> 8) % len] =
                    (unsigned char)noise[(seed >> 20) % (sizeof noise - 1)];
            }
            rec_init(&r);
            rc = rec_read(&r, buf, len);
            cr_assert(rc == FOLIO_OK || r.fj.error[0] != '\0',
                      "%s round %d", names[f], round);
            rec_dispose(&r);
            free(buf);
        }
        free(orig);
    }
}

/* Allocation n fails, for n = 1, 2, ... until none does: each run
 * reports FOLIO_ENOMEM with a message and leaks nothing. */
Test(mhtml, allocation_failures)
{
    static const char *const names[] = { "folded.mhtml", "nested.mhtml" };

    for (size_t i = 0; i < 2; i++) {
        size_t len;
        unsigned char *buf = fixture(names[i], &len);
        int rc = FOLIO_ENOMEM;

        for (size_t n = 1; rc != FOLIO_OK; n++) {
            rec_job r;

            cr_assert_lt(n, 100);
            rec_init(&r);
            r.fj.fail_alloc_after = n;
            rc = rec_read(&r, buf, len);
            if (rc != FOLIO_OK) {
                cr_assert_eq(rc, FOLIO_ENOMEM, "%s n=%zu: %s", names[i], n,
                             r.fj.error);
                cr_assert_str_eq(r.fj.error, "out of memory");
                cr_assert_eq(r.imports, 0);
            }
            rec_dispose(&r);
        }
        free(buf);
    }
}

/* ------------------------------------------------------------------ */
/* Through libfolio                                                   */
/* ------------------------------------------------------------------ */

static folio_registry *reg;

static void reg_setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
}

static void reg_teardown(void)
{
    folio_registry_free(reg);
}

typedef struct outbuf {
    char *p;
    size_t len;
} outbuf;

static int sink(void *data, const char *bytes, size_t len)
{
    outbuf *o = data;

    o->p = realloc(o->p, o->len + len + 1);
    cr_assert_not_null(o->p);
    memcpy(o->p + o->len, bytes, len);
    o->len += len;
    o->p[o->len] = '\0';
    return 0;
}

/* Reads fixture `name`, sniffing the format; returns the job (one
 * document) and the Markdown of that document in *md (malloc'd). */
static folio_job *convert(const char *name, char **md)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    const folio_plugin *markdown =
        folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "markdown");
    folio_job *job;
    size_t len;
    unsigned char *buf = fixture(name, &len);
    outbuf o = { NULL, 0 };

    cr_assert_not_null(markdown);
    jo.input_path = fixture_path(name);
    job = folio_job_new(reg, &jo);
    cr_assert_not_null(job);
    cr_assert_str_eq(folio_job_sniff(job, buf, len)->name, "mhtml");
    cr_assert_eq(folio_job_read(job, NULL, buf, len), FOLIO_OK, "%s",
                 folio_job_error(job));
    free(buf);
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_eq(folio_job_write(job, markdown, folio_job_doc(job, 0), sink,
                                 &o),
                 FOLIO_OK, "%s", folio_job_error(job));
    *md = o.p;
    return job;
}

TestSuite(mhtml_doc, .init = reg_setup, .fini = reg_teardown);

Test(mhtml_doc, metadata_and_text)
{
    char *md;
    folio_job *job = convert("folded.mhtml", &md);
    const folio_meta *m = folio_doc_meta(folio_job_doc(job, 0));

    cr_assert_str_eq(m->title, "Lighthouse keepers");
    cr_assert_str_eq(m->source, "http://example.test/news/lighthouse.html");
    cr_assert_str_eq(m->captured, "2026-11-28T10:23:07+01:00");
    cr_assert(strstr(md, "The keeper's café served soup; a sign said a=b "
                         "and 100% =ZZ honest.") != NULL, "%s", md);
    free(md);
    folio_job_free(job);
}

Test(mhtml_doc, subject_is_the_title_when_the_page_has_none)
{
    char *md;
    folio_job *job = convert("windows-1252.mhtml", &md);
    const folio_meta *m = folio_doc_meta(folio_job_doc(job, 0));

    cr_assert_str_eq(m->title, "Café Le Phare");
    cr_assert(strstr(md, "Café “Le Phare” opened in 1921.") != NULL, "%s",
              md);
    free(md);
    folio_job_free(job);
}

Test(mhtml_doc, legacy_charset_part)
{
    char *md;
    folio_job *job = convert("shift_jis.mhtml", &md);

    cr_assert(strstr(md, "日本語の記事です。"
                         "灯台守は毎晩灯りをともしました。") != NULL, "%s",
              md);
    cr_assert_str_eq(folio_doc_meta(folio_job_doc(job, 0))->title,
                     "日本語");
    free(md);
    folio_job_free(job);
}

Test(mhtml_doc, images_become_assets)
{
    char *md;
    folio_job *job = convert("nested.mhtml", &md);
    const folio_doc *doc = folio_job_doc(job, 0);
    const folio_asset *a =
        folio_doc_asset_find(doc, "http://example.test/img/red.png");
    const folio_asset *c =
        folio_doc_asset_find(doc, "cid:red-square@folio.test");

    cr_assert_not_null(a);
    cr_assert_not_null(c);
    cr_assert_str_eq(a->media_type, "image/png");
    cr_assert_eq(a->len, 73);
    cr_assert(strstr(md, "![same square](http://example.test/img/red.png)")
                  != NULL, "%s", md);
    free(md);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Through the folio program                                          */
/* ------------------------------------------------------------------ */

typedef struct run_result {
    int status;
    char *out, *err;
} run_result;

/* Runs FOLIO_EXE with argv (NULL-terminated, argv[0] ignored) in `dir`. */
static run_result run(const char *dir, const char *const *argv)
{
    char outp[] = "/tmp/folio-mhtml-out-XXXXXX";
    char errp[] = "/tmp/folio-mhtml-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp), st;
    size_t n;
    pid_t pid;
    run_result r;

    cr_assert(ofd >= 0 && efd >= 0);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *exe = getenv("FOLIO_EXE");

        dup2(ofd, 1);
        dup2(efd, 2);
        if (dir != NULL && chdir(dir) != 0)
            _exit(126);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    close(ofd);
    close(efd);
    r.out = (char *)slurp(outp, &n);
    r.err = (char *)slurp(errp, &n);
    unlink(outp);
    unlink(errp);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

Test(mhtml_cli, sniffed_and_converted)
{
    const char *argv[] = { "folio", "-t", "markdown",
                           fixture_path("snapshot.mhtml"), NULL };
    run_result r = run(NULL, argv);

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "# Real article\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "Buyanything") == NULL, "%s", r.out);
    run_free(&r);
}

Test(mhtml_cli, json_carries_the_source)
{
    const char *argv[] = { "folio", "-f", "mhtml", "-t", "json",
                           fixture_path("start.mhtml"), NULL };
    run_result r = run(NULL, argv);

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"title\": \"Root page\"") != NULL, "%s",
              r.out);
    cr_assert(strstr(r.out, "\"source\": \"http://example.test/root/\"")
                  != NULL, "%s", r.out);
    run_free(&r);
}

Test(mhtml_cli, missing_boundary_fails_with_the_reason)
{
    const char *argv[] = { "folio", "-t", "text",
                           fixture_path("no-boundary.mhtml"), NULL };
    run_result r = run(NULL, argv);

    cr_assert_neq(r.status, 0);
    cr_assert_str_empty(r.out);
    cr_assert(strstr(r.err, "no-boundary.mhtml: mhtml: no boundary in the "
                            "multipart header") != NULL, "%s", r.err);
    run_free(&r);
}

Test(mhtml_cli, truncated_file_warns_and_converts)
{
    const char *argv[] = { "folio", "-t", "text",
                           fixture_path("truncated.mhtml"), NULL };
    run_result r = run(NULL, argv);

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "Seafoam is written here again.") != NULL);
    cr_assert(strstr(r.err, "cut short (no closing boundary)") != NULL,
              "%s", r.err);
    run_free(&r);
}

Test(mhtml_cli, dotdot_location_writes_nothing_outside)
{
    char dir[] = "/tmp/folio-mhtml-dd-XXXXXX";
    char sub[4096], out[4096];
    const char *argv[] = { "folio", "-t", "markdown", "-o", out,
                           fixture_path("dotdot.mhtml"), NULL };
    struct stat st;
    run_result r;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/a", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    snprintf(out, sizeof out, "%s/a/page.md", dir);
    unlink("/tmp/folio-mhtml-evil.png");
    r = run(sub, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(stat("/tmp/folio-mhtml-evil.png", &st), -1);
    cr_assert_eq(stat(out, &st), 0);
    run_free(&r);
    {
        /* The image link points to a file inside the output folder. */
        size_t n;
        char *md = (char *)slurp(out, &n), *link = strstr(md, "![evil](");
        char *end, target[8192 + 2];

        cr_assert_not_null(link, "%s", md);
        link += 8;
        end = strchr(link, ')');
        cr_assert_not_null(end);
        *end = '\0';
        cr_assert(strstr(link, "..") == NULL && link[0] != '/' &&
                      strchr(link, ':') == NULL, "%s", link);
        snprintf(target, sizeof target, "%s/%s", sub, link);
        cr_assert_eq(stat(target, &st), 0, "%s", target);
        free(md);
    }
    {
        const char *rm[] = { "rm", "-rf", dir, NULL };
        pid_t pid = fork();
        int ws;

        cr_assert(pid >= 0);
        if (pid == 0) {
            execvp("rm", (char *const *)rm);
            _exit(127);
        }
        cr_assert_eq(waitpid(pid, &ws, 0), pid);
    }
}
