/* SPDX-License-Identifier: MIT */
/* Charset detection and conversion (core/import/charset.c), and the
 * charset rules seen through a whole import. */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "import.h"
#include "job.h"
#include "tree_dump.h"

#define U(s) ((const unsigned char *)(s))

static const char *detect(const char *buf, size_t len, const char *override,
                          const char *hint, const char **rule, size_t *bom)
{
    return folio__charset_detect(U(buf), len, override, hint, rule, bom);
}

#define DETECT(s, ov, hint, rule, bom)                                       \
    detect((s), sizeof(s) - 1, (ov), (hint), (rule), (bom))

/* ------------------------------------------------------------------ */
/* Detection                                                          */
/* ------------------------------------------------------------------ */

Test(charset_detect, bom_utf8)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("\xEF\xBB\xBF<p>caf\xC3\xA9</p>", NULL, NULL,
                            &rule, &bom);
    cr_assert_str_eq(cs, "UTF-8");
    cr_assert_str_eq(rule, "BOM");
    cr_assert_eq(bom, 3);
}

Test(charset_detect, bom_utf16)
{
    const char *rule;
    size_t bom;
    cr_assert_str_eq(DETECT("\xFF\xFE<\0p\0", NULL, NULL, &rule, &bom),
                     "UTF-16LE");
    cr_assert_str_eq(rule, "BOM");
    cr_assert_eq(bom, 2);
    cr_assert_str_eq(DETECT("\xFE\xFF\0<\0p", NULL, NULL, &rule, &bom),
                     "UTF-16BE");
    cr_assert_eq(bom, 2);
}

Test(charset_detect, bom_beats_transport_and_meta)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("\xEF\xBB\xBF<meta charset=koi8-r>", NULL,
                            "shift_jis", &rule, &bom);
    cr_assert_str_eq(cs, "UTF-8");
    cr_assert_str_eq(rule, "BOM");
}

Test(charset_detect, override_beats_everything)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("\xEF\xBB\xBF<meta charset=utf-8>", "latin1",
                            "utf-8", &rule, &bom);
    cr_assert_str_eq(cs, "WINDOWS-1252");
    cr_assert_str_eq(rule, "--encoding");
    /* A BOM of another encoding is left in the bytes. */
    cr_assert_eq(bom, 0);
    cs = DETECT("\xEF\xBB\xBFhi", "UTF-8", NULL, &rule, &bom);
    cr_assert_str_eq(cs, "UTF-8");
    cr_assert_eq(bom, 3);
}

Test(charset_detect, unknown_override_falls_through)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("<meta charset=koi8-r>", "klingon-8", NULL,
                            &rule, &bom);
    cr_assert_str_eq(cs, "KOI8-R");
    cr_assert_str_eq(rule, "meta");
}

Test(charset_detect, transport_beats_meta)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("<meta charset=\"utf-8\"><p>x</p>", NULL,
                            " Shift_JIS ", &rule, &bom);
    cr_assert_str_eq(cs, "CP932");
    cr_assert_str_eq(rule, "transport");
    cr_assert_eq(bom, 0);
}

Test(charset_detect, meta_charset_quote_styles)
{
    const char *rule;
    size_t bom;
    cr_assert_str_eq(DETECT("<html><head><meta charset=\"koi8-r\">", NULL,
                            NULL, &rule, &bom), "KOI8-R");
    cr_assert_str_eq(rule, "meta");
    cr_assert_str_eq(DETECT("<META CHARSET='ISO-8859-2'>", NULL, NULL,
                            &rule, &bom), "ISO-8859-2");
    cr_assert_str_eq(DETECT("<meta\tcharset = gbk >", NULL, NULL, &rule,
                            &bom), "GB18030");
    cr_assert_str_eq(DETECT("<meta name=x charset=euc-kr />", NULL, NULL,
                            &rule, &bom), "CP949");
}

Test(charset_detect, valid_utf8_beats_stale_legacy_meta)
{
    const char *rule;
    size_t bom;
    /* Re-encoded to UTF-8 after the meta was written: the bytes win. */
    cr_assert_str_eq(DETECT("<meta charset=gb2312><p>\xe4\xb8\xad\xe6\x96"
                            "\x87</p>", NULL, NULL, &rule, &bom), "UTF-8");
    cr_assert_str_eq(rule, "utf-8 check (beats a stale meta label)");
    /* Real GBK bytes are not valid UTF-8: the meta stays in charge. */
    cr_assert_str_eq(DETECT("<meta charset=gb2312><p>\xd6\xd0\xce\xc4</p>",
                            NULL, NULL, &rule, &bom), "GB18030");
    cr_assert_str_eq(rule, "meta");
    /* Pure ASCII says nothing: the meta label is kept. */
    cr_assert_str_eq(DETECT("<meta charset=koi8-r><p>ascii</p>", NULL, NULL,
                            &rule, &bom), "KOI8-R");
}

Test(charset_detect, http_equiv_any_order)
{
    const char *rule;
    size_t bom;
    cr_assert_str_eq(DETECT("<meta http-equiv=\"Content-Type\" "
                            "content=\"text/html; charset=Shift_JIS\">",
                            NULL, NULL, &rule, &bom), "CP932");
    cr_assert_str_eq(rule, "meta");
    cr_assert_str_eq(DETECT("<meta content='text/html;charset=\"big5\"' "
                            "HTTP-EQUIV='content-type'>",
                            NULL, NULL, &rule, &bom), "BIG5-HKSCS");
    /* content without the pragma is not a declaration */
    cr_assert_str_eq(DETECT("<meta name=\"x\" content=\"text/html; "
                            "charset=koi8-r\"><p>ok</p>",
                            NULL, NULL, &rule, &bom), "UTF-8");
    cr_assert_str_eq(rule, "utf-8 check");
}

Test(charset_detect, meta_in_comment_ignored)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("<!-- <meta charset=koi8-r> --><p>caf\xC3\xA9",
                            NULL, NULL, &rule, &bom);
    cr_assert_str_eq(cs, "UTF-8");
    cr_assert_str_eq(rule, "utf-8 check");
    /* ...but found after the comment */
    cs = DETECT("<!-- x --><meta charset=koi8-r>", NULL, NULL, &rule, &bom);
    cr_assert_str_eq(cs, "KOI8-R");
}

Test(charset_detect, meta_in_attribute_value_ignored)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("<div title=\"<meta charset=koi8-r>\">x</div>",
                            NULL, NULL, &rule, &bom);
    cr_assert_str_eq(cs, "UTF-8");
}

Test(charset_detect, meta_after_1024_bytes_ignored)
{
    char buf[1400];
    const char *rule;
    size_t bom;

    memset(buf, ' ', sizeof buf);
    memcpy(buf, "<html>", 6);
    memcpy(buf + 1100, "<meta charset=koi8-r>", 21);
    cr_assert_str_eq(detect(buf, sizeof buf, NULL, NULL, &rule, &bom),
                     "UTF-8");
    memcpy(buf + 500, "<meta charset=koi8-r>", 21);
    cr_assert_str_eq(detect(buf, sizeof buf, NULL, NULL, &rule, &bom),
                     "KOI8-R");
}

Test(charset_detect, meta_utf16_means_utf8)
{
    const char *rule;
    size_t bom;
    cr_assert_str_eq(DETECT("<meta charset=utf-16>", NULL, NULL, &rule,
                            &bom), "UTF-8");
    cr_assert_str_eq(rule, "meta");
}

Test(charset_detect, unknown_meta_label_falls_through)
{
    const char *rule;
    size_t bom;
    const char *cs = DETECT("<meta charset=x-nonsense><p>\x93hi\x94</p>",
                            NULL, NULL, &rule, &bom);
    cr_assert_str_eq(cs, "WINDOWS-1252");
    cr_assert_str_eq(rule, "default (unknown meta label)");
}

Test(charset_detect, whatwg_labels)
{
    cr_assert_str_eq(folio__charset_label("ISO-8859-1"), "WINDOWS-1252");
    cr_assert_str_eq(folio__charset_label("us-ascii"), "WINDOWS-1252");
    cr_assert_str_eq(folio__charset_label("Latin1"), "WINDOWS-1252");
    cr_assert_str_eq(folio__charset_label("gb2312"), "GB18030");
    cr_assert_str_eq(folio__charset_label("x-gbk"), "GB18030");
    cr_assert_str_eq(folio__charset_label("sjis"), "CP932");
    cr_assert_str_eq(folio__charset_label("windows-31j"), "CP932");
    cr_assert_str_eq(folio__charset_label("ms_kanji"), "CP932");
    cr_assert_str_eq(folio__charset_label("EUC-KR"), "CP949");
    cr_assert_str_eq(folio__charset_label("big5"), "BIG5-HKSCS");
    cr_assert_str_eq(folio__charset_label("koi8-u"), "KOI8-U");
    cr_assert_str_eq(folio__charset_label("iso-8859-15"), "ISO-8859-15");
    cr_assert_str_eq(folio__charset_label("iso-8859-9"), "WINDOWS-1254");
    cr_assert_str_eq(folio__charset_label("euc-jp"), "EUC-JP");
    cr_assert_str_eq(folio__charset_label("utf-16"), "UTF-16LE");
    cr_assert_str_eq(folio__charset_label("UTF8"), "UTF-8");
    cr_assert_null(folio__charset_label("utf-7"));
    cr_assert_null(folio__charset_label(""));
    cr_assert_null(folio__charset_label(NULL));
}

Test(charset_detect, utf8_check_and_default)
{
    const char *rule;
    size_t bom;
    cr_assert_str_eq(DETECT("<p>na\xC3\xAFve \xE2\x80\x9Cq\xE2\x80\x9D</p>",
                            NULL, NULL, &rule, &bom), "UTF-8");
    cr_assert_str_eq(rule, "utf-8 check");
    /* Overlong and surrogate encodings are not UTF-8. */
    cr_assert_str_eq(DETECT("<p>\xC0\xAF</p>", NULL, NULL, &rule, &bom),
                     "WINDOWS-1252");
    cr_assert_str_eq(rule, "default");
    cr_assert_str_eq(DETECT("<p>\xED\xA0\x80</p>", NULL, NULL, &rule, &bom),
                     "WINDOWS-1252");
    cr_assert_str_eq(DETECT("", NULL, NULL, &rule, &bom), "UTF-8");
}

/* ------------------------------------------------------------------ */
/* Conversion                                                         */
/* ------------------------------------------------------------------ */

static char *conv(const char *cs, const char *bytes, size_t len)
{
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(folio__charset_to_utf8(&out, &n, cs, U(bytes), len),
                 FOLIO_OK);
    cr_assert_not_null(out);
    cr_assert_eq(strlen(out), n);
    return out;
}

#define CONV(cs, s) conv((cs), (s), sizeof(s) - 1)

Test(charset_convert, windows1252_smart_quotes)
{
    char *s = CONV("WINDOWS-1252", "\x93Hello\x94 \x96 caf\xE9 \x80 5");
    cr_assert_str_eq(s, "\xE2\x80\x9CHello\xE2\x80\x9D \xE2\x80\x93 "
                        "caf\xC3\xA9 \xE2\x82\xAC 5");
    free(s);
}

Test(charset_convert, shift_jis)
{
    /* 日本語のテキスト */
    char *s = CONV("CP932", "\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x65\x83"
                            "\x4C\x83\x58\x83\x67");
    cr_assert_str_eq(s, "日本語のテキスト");
    free(s);
}

Test(charset_convert, gbk)
{
    char *s = CONV("GB18030", "\xD6\xD0\xCE\xC4 abc");
    cr_assert_str_eq(s, "中文 abc");
    free(s);
}

Test(charset_convert, koi8r)
{
    char *s = CONV("KOI8-R", "\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xC9\xD2!");
    cr_assert_str_eq(s, "Привет, мир!");
    free(s);
}

Test(charset_convert, utf16le_and_be)
{
    char *s = CONV("UTF-16LE", "<\0p\0>\0\xE9\0");
    cr_assert_str_eq(s, "<p>é");
    free(s);
    s = CONV("UTF-16BE", "\0<\0p\0>\x26\x03");
    cr_assert_str_eq(s, "<p>☃");
    free(s);
}

Test(charset_convert, invalid_sequences_become_fffd)
{
    char *s = CONV("UTF-8", "a\xFF" "b\xE2\x82" "c\xC3");
    cr_assert_str_eq(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD");
    free(s);
    /* A lone Shift_JIS lead byte at the end */
    s = CONV("CP932", "ok\x93");
    cr_assert_str_eq(s, "ok\xEF\xBF\xBD");
    free(s);
    /* An undefined windows-1252 byte does not fail the page. */
    s = CONV("WINDOWS-1252", "x\x81y");
    cr_assert_str_eq(s, "x\xEF\xBF\xBDy");
    free(s);
}

Test(charset_convert, nul_becomes_fffd)
{
    char *s = conv("UTF-8", "a\0b", 3);
    cr_assert_str_eq(s, "a\xEF\xBF\xBD" "b");
    free(s);
    s = conv("WINDOWS-1252", "a\0b", 3);
    cr_assert_str_eq(s, "a\xEF\xBF\xBD" "b");
    free(s);
}

Test(charset_convert, unknown_charset)
{
    char *out = (char *)1;
    cr_assert_eq(folio__charset_to_utf8(&out, NULL, "NO-SUCH-CHARSET",
                                        U("x"), 1), FOLIO_EUNSUPPORTED);
    cr_assert_null(out);
}

/* ------------------------------------------------------------------ */
/* Whole imports                                                      */
/* ------------------------------------------------------------------ */

/* Converts UTF-8 text to `cs` with iconv, as a page saved in that
 * charset would hold it. */
static char *encode(const char *cs, const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open(cs, "UTF-8");
    size_t in_left = strlen(utf8), out_cap = in_left * 4 + 16;
    size_t out_left = out_cap;
    char *out = malloc(out_cap), *o = out, *in = (char *)utf8;

    cr_assert_neq(cd, (iconv_t)-1);
    cr_assert_neq(iconv(cd, &in, &in_left, &o, &out_left), (size_t)-1);
    iconv_close(cd);
    *len = out_cap - out_left;
    return out;
}

static folio_job *import_bytes(const char *bytes, size_t len,
                               const char *encoding, const char *hint,
                               int *rc)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;

    jo.encoding = encoding;
    jo.no_extract = true;
    job = folio_job_new(NULL, &jo);
    cr_assert_not_null(job);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = U(bytes);
    in.len = len;
    in.charset = hint;
    *rc = folio_job_import_html(job, &in);
    return job;
}

static char *body_dump(folio_job *job)
{
    cr_assert_eq(folio_job_doc_count(job), 1);
    return tree_dump(folio_doc_root(folio_job_doc(job, 0)));
}

static bool has_note(folio_job *job, const char *needle)
{
    size_t i;
    for (i = 0; i < folio__job_note_count(job); i++)
        if (strstr(folio__job_note_at(job, i), needle) != NULL)
            return true;
    return false;
}

Test(charset_import, shift_jis_http_equiv)
{
    size_t len;
    int rc;
    char *page = encode("SHIFT_JIS",
        "<html><head><meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=Shift_JIS\"><title>日本</title>"
        "</head><body><p>東京は晴れです。</p></body></html>", &len);
    folio_job *job = import_bytes(page, len, NULL, NULL, &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"東京は晴れです。\"}}");
    cr_assert(has_note(job, "CP932 (meta)"));
    free(d);
    free(page);
    folio_job_free(job);
}

Test(charset_import, windows1252_without_declaration)
{
    static const char page[] = "<p>\x93Quoted\x94 caf\xE9</p>";
    int rc;
    folio_job *job = import_bytes(page, sizeof page - 1, NULL, NULL, &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"“Quoted” café\"}}");
    cr_assert(has_note(job, "WINDOWS-1252 (default)"));
    free(d);
    folio_job_free(job);
}

Test(charset_import, transport_hint_koi8r)
{
    size_t len;
    int rc;
    char *page = encode("KOI8-R", "<p>Привет, мир!</p>", &len);
    folio_job *job = import_bytes(page, len, NULL, "koi8-r", &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"Привет, мир!\"}}");
    cr_assert(has_note(job, "KOI8-R (transport)"));
    free(d);
    free(page);
    folio_job_free(job);
}

Test(charset_import, encoding_override_gbk)
{
    size_t len;
    int rc;
    /* The page lies about its charset; --encoding knows better. */
    char *page = encode("GBK", "<meta charset=\"utf-8\"><p>中文网页</p>",
                        &len);
    folio_job *job = import_bytes(page, len, "gb2312", NULL, &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"中文网页\"}}");
    cr_assert(has_note(job, "(--encoding)"));
    free(d);
    free(page);
    folio_job_free(job);
}

Test(charset_import, utf16_with_bom)
{
    size_t len;
    int rc;
    char *body = encode("UTF-16LE", "<p>Grüße</p>", &len);
    char *page = malloc(len + 2);
    folio_job *job;
    char *d;

    page[0] = '\xFF';
    page[1] = '\xFE';
    memcpy(page + 2, body, len);
    job = import_bytes(page, len + 2, NULL, NULL, &rc);
    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"Grüße\"}}");
    free(d);
    free(body);
    free(page);
    folio_job_free(job);
}

Test(charset_import, converted_page_not_redecoded_by_libxml2)
{
    /* Declared windows-1252, really UTF-8 by --encoding: libxml2 must not
     * re-decode the converted bytes because of the <meta>. */
    static const char page[] =
        "<html><head><meta charset=\"windows-1252\"></head>"
        "<body><p>caf\xC3\xA9 \xE2\x80\x94 \xE6\x97\xA5</p></body></html>";
    int rc;
    folio_job *job = import_bytes(page, sizeof page - 1, "utf-8", NULL, &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"café — 日\"}}");
    free(d);
    folio_job_free(job);
}

Test(charset_import, unknown_encoding_option_warns)
{
    static const char page[] = "<p>plain</p>";
    int rc;
    folio_job *job = import_bytes(page, sizeof page - 1, "no-such-thing",
                                  NULL, &rc);

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_geq(folio_job_warning_count(job), 1);
    cr_assert_not_null(strstr(folio_job_warning_at(job, 0), "no-such-thing"));
    folio_job_free(job);
}

/* The importer hands valid UTF-8 to the parser without a copy; everything
 * else goes through the converter, which mends it. */
Test(charset, utf8_clean_accepts_only_what_needs_no_mending)
{
#define CLEAN(s) folio__utf8_clean((const unsigned char *)(s), sizeof(s) - 1)
    cr_assert(CLEAN(""));
    cr_assert(CLEAN("plain ASCII, longer than one machine word"));
    cr_assert(CLEAN("caf\xC3\xA9 \xE2\x80\x94 \xE6\x97\xA5 \xF0\x9F\x98\x80"));
    cr_assert_not(CLEAN("a NUL \0 after eight bytes"));
    cr_assert_not(CLEAN("\0"));
    cr_assert_not(CLEAN("bad \xFF byte"));
    cr_assert_not(CLEAN("cut \xE2\x82"));
    cr_assert_not(CLEAN("overlong \xC0\xAF"));
    cr_assert_not(CLEAN("surrogate \xED\xA0\x80"));
#undef CLEAN
}

Test(charset_import, forced_utf8_mends_nul_and_bad_bytes)
{
    static const char bad[] =
        "<p>a\0b \xFF c\xC3\xA9 d\xE2\x82</p>";
    static const char good[] = "<p>caf\xC3\xA9 \xE2\x80\x94 ok</p>";
    int rc;
    folio_job *job = import_bytes(bad, sizeof bad - 1, "utf-8", NULL, &rc);
    char *d;

    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"a\xEF\xBF\xBD" "b \xEF\xBF\xBD"
                        " c\xC3\xA9 d\xEF\xBF\xBD\"}}");
    free(d);
    folio_job_free(job);

    job = import_bytes(good, sizeof good - 1, "utf-8", NULL, &rc);
    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    d = body_dump(job);
    cr_assert_str_eq(d, "document{paragraph{\"caf\xC3\xA9 \xE2\x80\x94 ok\"}}");
    free(d);
    folio_job_free(job);
}

/* Pages that declare no charset: the bytes decide (core/import/guess.c).
 * Each text is written in the charset named; -x escapes end a string
 * literal before a hex digit could join them. */
static const struct { const char *want, *bytes; } undeclared[] = {
    { "WINDOWS-1252",
        "Le conseil municipal a vot\xE9 hier soir le budget de l'ann"
        "\xE9" "e prochaine. Les \xE9lus ont d\xE9" "battu des priorit\xE9s"
        " : \xE9" "coles, th\xE9\xE2tre, r\xE9novation. \xAB Nous devons"
        " \xEAtre prudents \xBB, a d\xE9" "clar\xE9 le maire." },
    { "WINDOWS-1250",
        "M\xECstsk\xE1 rada v\xE8" "era ve\xE8" "er schv\xE1lila rozpo\xE8" "e"
        "t na p\xF8\xED\x9At\xED rok. Zastupitel\xE9 t\xF8i hodiny di"
        "skutovali o priorit\xE1" "ch: \x9Akoly, doprava a oprava divadl"
        "a. Starosta \xF8" "ekl, \x9E" "e mus\xEDme b\xFDt opatrn\xED." },
    { "WINDOWS-1251",
        "\xC3\xEE\xF0\xEE\xE4\xF1\xEA\xEE\xE9 \xF1\xEE\xE2\xE5\xF2 "
        "\xE2\xF7\xE5\xF0\xE0 \xE2\xE5\xF7\xE5\xF0\xEE\xEC \xF3\xF2"
        "\xE2\xE5\xF0\xE4\xE8\xEB \xE1\xFE\xE4\xE6\xE5\xF2 \xED\xE0 "
        "\xF1\xEB\xE5\xE4\xF3\xFE\xF9\xE8\xE9 \xE3\xEE\xE4. \xC4\xE5"
        "\xEF\xF3\xF2\xE0\xF2\xFB \xF2\xF0\xE8 \xF7\xE0\xF1\xE0 \xEE"
        "\xE1\xF1\xF3\xE6\xE4\xE0\xEB\xE8 \xEF\xF0\xE8\xEE\xF0\xE8"
        "\xF2\xE5\xF2\xFB." },
    { "KOI8-R",
        "\xE7\xCF\xD2\xCF\xC4\xD3\xCB\xCF\xCA \xD3\xCF\xD7\xC5\xD4 "
        "\xD7\xDE\xC5\xD2\xC1 \xD7\xC5\xDE\xC5\xD2\xCF\xCD \xD5\xD4"
        "\xD7\xC5\xD2\xC4\xC9\xCC \xC2\xC0\xC4\xD6\xC5\xD4 \xCE\xC1 "
        "\xD3\xCC\xC5\xC4\xD5\xC0\xDD\xC9\xCA \xC7\xCF\xC4. \xE4\xC5"
        "\xD0\xD5\xD4\xC1\xD4\xD9 \xD4\xD2\xC9 \xDE\xC1\xD3\xC1 \xCF"
        "\xC2\xD3\xD5\xD6\xC4\xC1\xCC\xC9 \xD0\xD2\xC9\xCF\xD2\xC9"
        "\xD4\xC5\xD4\xD9." },
    { "WINDOWS-1253",
        "\xD4\xEF \xE4\xE7\xEC\xEF\xF4\xE9\xEA\xFC \xF3\xF5\xEC\xE2"
        "\xEF\xFD\xEB\xE9\xEF \xE5\xED\xDD\xEA\xF1\xE9\xED\xE5 \xF7"
        "\xE8\xE5\xF2 \xF4\xEF \xE2\xF1\xDC\xE4\xF5 \xF4\xEF\xED \xF0"
        "\xF1\xEF\xFB\xF0\xEF\xEB\xEF\xE3\xE9\xF3\xEC\xFC \xF4\xEF"
        "\xF5 \xE5\xF0\xFC\xEC\xE5\xED\xEF\xF5 \xDD\xF4\xEF\xF5\xF2." },
    { "GB18030",
        "\xCA\xD0\xD2\xE9\xBB\xE1\xD7\xF2\xCD\xED\xCD\xA8\xB9\xFD\xC1"
        "\xCB\xC3\xF7\xC4\xEA\xB5\xC4\xD4\xA4\xCB\xE3\xA1\xA3\xD2\xE9"
        "\xD4\xB1\xC3\xC7\xBE\xCD\xD1\xA7\xD0\xA3\xA1\xA2\xBD\xBB\xCD"
        "\xA8\xBA\xCD\xBE\xE7\xD4\xBA\xB7\xAD\xD0\xDE\xB5\xC8\xD3\xC5"
        "\xCF\xC8\xCA\xC2\xCF\xEE\xBD\xF8\xD0\xD0\xC1\xCB\xC8\xFD\xB8"
        "\xF6\xD0\xA1\xCA\xB1\xB5\xC4\xCC\xD6\xC2\xDB\xA1\xA3" },
    { "BIG5-HKSCS",
        "\xA5\xAB\xC4\xB3\xB7|\xACQ\xB1\xDF\xB3q\xB9L\xA4" "F\xA9\xFA"
        "\xA6~\xAA\xBA\xB9w\xBA\xE2\xA1" "C\xC4\xB3\xAD\xFB\xAD\xCC\xB4N"
        "\xBE\xC7\xAE\xD5\xA1" "B\xA5\xE6\xB3q\xA9M\xBC@\xB0|\xC2\xBD"
        "\xAD\xD7\xB5\xA5\xC0u\xA5\xFD\xA8\xC6\xB6\xB5\xB6i\xA6\xE6"
        "\xA4" "F\xA4T\xAD\xD3\xA4p\xAE\xC9\xAA\xBA\xB0Q\xBD\xD7\xA1" "C" },
    { "CP932",
        "\x8Es\x8B" "c\x89\xEF\x82\xCD\x8D\xF0\x96\xE9\x81" "A\x97\x88\x94N"
        "\x93x\x82\xCC\x97\x5C\x8EZ\x82\xF0\x89\xC2\x8C\x88\x82\xB5"
        "\x82\xBD\x81" "B\x8B" "c\x88\xF5\x82\xBD\x82\xBF\x82\xCD\x8Aw\x8DZ"
        "\x82\xE2\x8C\xF0\x92\xCA\x82\xC9\x82\xC2\x82\xA2\x82\xC4\x8E"
        "O\x8E\x9E\x8A\xD4\x82\xC9\x82\xED\x82\xBD\x82\xE8\x8B" "c\x98_"
        "\x82\xB5\x82\xBD\x81" "B" },
    { "CP949",
        "\xBD\xC3\xC0\xC7\xC8\xB8\xB4\xC2 \xBE\xEE\xC1\xA6 \xC0\xFA"
        "\xB3\xE1 \xB3\xBB\xB3\xE2\xB5\xB5 \xBF\xB9\xBB\xEA\xC0\xBB "
        "\xC5\xEB\xB0\xFA\xBD\xC3\xC4\xD7\xB4\xD9. \xC0\xC7\xBF\xF8"
        "\xB5\xE9\xC0\xBA \xC7\xD0\xB1\xB3\xBF\xCD \xB1\xB3\xC5\xEB"
        "\xBF\xA1 \xB4\xEB\xC7\xD8 \xBC\xBC \xBD\xC3\xB0\xA3 \xB5\xBF"
        "\xBE\xC8 \xC5\xE4\xB7\xD0\xC7\xDF\xB4\xD9." },
};

Test(charset_guess, undeclared_legacy_pages)
{
    for (size_t i = 0; i < sizeof undeclared / sizeof undeclared[0]; i++) {
        char page[1024];
        const char *rule;
        size_t bom;

        snprintf(page, sizeof page, "<html><body><p>%s</p><p>%s</p></body>"
                 "</html>", undeclared[i].bytes, undeclared[i].bytes);
        cr_assert_str_eq(folio__charset_detect((const unsigned char *)page,
                                               strlen(page), NULL, NULL,
                                               &rule, &bom),
                         undeclared[i].want);
        cr_assert_str_eq(rule, "guessed from the bytes");
    }
}

Test(charset_guess, utf8_with_a_stray_byte_stays_utf8)
{
    static const char page[] =
        "<p>Le conseil a vot\xC3\xA9 hier le budget de l'ann\xC3\xA9" "e "
        "prochaine. Les \xC3\xA9lus ont d\xC3\xA9" "battu des priorit\xC3\xA9s "
        "\xFF : \xC3\xA9" "coles, th\xC3\xA9\xC3\xA2tre, r\xC3\xA9novation, "
        "\xC3\xA9t\xC3\xA9, \xC3\xA0 Montr\xC3\xA9" "al.</p>";
    const char *rule;
    size_t bom;

    cr_assert_str_eq(folio__charset_detect((const unsigned char *)page,
                                           sizeof page - 1, NULL, NULL,
                                           &rule, &bom), "UTF-8");
    cr_assert_str_eq(rule, "guessed from the bytes");
}
