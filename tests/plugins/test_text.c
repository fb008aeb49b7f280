/* SPDX-License-Identifier: MIT */
/*
 * The text output plugin, loaded from the build tree with dlopen and
 * driven through the fake host (fakehost.h). Documents are built with the
 * model API and each test asserts the exact text. Widths are checked with
 * utf8proc, the library the plugin uses, so a CJK character counts two
 * columns and a combining mark none.
 *
 * The golden test renders every tests/fixtures/<case>/source.html through
 * the real importer with -O width=72 and compares with expected.txt
 * (FOLIO_UPDATE_GOLDEN=1 rewrites them); it also checks that no line of
 * any fixture is wider than 24 or 72 columns unless it holds one word.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbuild.h"
#include "fakehost.h"
#include "folio/folio.h"

#ifndef FOLIO_TEXT_PLUGIN
#error "FOLIO_TEXT_PLUGIN (path of the built plugin) must be defined"
#endif

static const folio_plugin *tp;

static void setup(void)
{
    tp = fake_load_plugin(FOLIO_TEXT_PLUGIN);
    cr_assert_not_null(tp, "cannot load %s", FOLIO_TEXT_PLUGIN);
    const char *msg = NULL;
    cr_assert_eq(tp->init(fake_host(), &msg), 0, "init: %s", msg);
    doc = folio_doc_new();
    cr_assert_not_null(doc);
    root = folio_doc_root_mut(doc);
}

static void teardown(void)
{
    folio_doc_free(doc);
    doc = NULL;
}

TestSuite(text, .init = setup, .fini = teardown);


static void set_title(const char *t)
{
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, t), FOLIO_OK);
}

/* ------------------------------------------------------------------ */
/* Rendering and checking                                             */
/* ------------------------------------------------------------------ */

static bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = p[i];
        size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2
                                 : (c >> 3) == 30 ? 3 : 9;
        if (n == 9 || i + n >= len + (n == 0))
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
        }
        i += n + 1;
    }
    return true;
}

/* What every output must be: UTF-8, LF, one trailing newline. */
static void check_text_file(const char *s, size_t len)
{
    cr_assert_eq(strlen(s), len, "NUL byte in the output");
    cr_assert(utf8_valid(s, len), "output is not UTF-8");
    cr_assert_null(memchr(s, '\r', len), "CR in the output");
    if (len == 0)
        return;
    cr_assert_eq(s[len - 1], '\n', "no final newline:\n%s", s);
    cr_assert(len == 1 || s[len - 2] != '\n', "blank line at the end:\n%s",
              s);
}


/* Display width of one line, as the plugin counts it. */
static size_t line_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        cr_assert_gt(k, 0, "bad UTF-8");
        int cw = utf8proc_charwidth(c);
        w += cw > 0 ? (size_t)cw : 0;
        i += (size_t)k;
    }
    return w;
}

/* Every line fits `width` columns, or holds one word after its
 * indentation and structural prefixes ("> ", "- ", "1. ", "[1] ", "# "). */
static void check_width(const char *s, size_t width, const char *what)
{
    for (const char *l = s; *l != '\0';) {
        const char *nl = strchr(l, '\n');
        size_t n = nl != NULL ? (size_t)(nl - l) : strlen(l);
        if (line_width(l, n) > width) {
            size_t i = 0;
            for (;;) {
                while (i < n && l[i] == ' ')
                    i++;
                size_t j = i;
                while (j < n && l[j] != ' ')
                    j++;
                bool marker = j > i && j < n &&
                              (strchr(">-#", l[i]) != NULL ||
                               (l[j - 1] == '.' || l[j - 1] == ']'));
                if (!marker)
                    break;
                i = j;
            }
            const char *sp = memchr(l + i, ' ', n - i);
            cr_expect_null(sp, "%s: line wider than %zu: \"%.*s\"", what,
                           width, (int)n, l);
        }
        l += n + (nl != NULL);
    }
}

/* Renders `doc` with options (key, value, ..., NULL); asserts success. */
static char *render(const char *key, ...)
{
    fake_job fj;
    fake_job_init(&fj, tp);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k != NULL; k = va_arg(ap, const char *))
        fake_job_set(&fj, k, va_arg(ap, const char *));
    va_end(ap);
    fake_sink s = {0};
    int rc = tp->output->write(fake_host(), FAKE_JOB(&fj), doc,
                               fake_sink_write, &s);
    cr_assert_eq(rc, FOLIO_OK, "write: %d %s", rc, fj.error);
    fake_job_dispose(&fj);
    char *out = s.data != NULL ? s.data : strdup("");
    if (getenv("FOLIO_TEST_DUMP") != NULL) /* Criterion hides blank lines */
        fprintf(stderr, "<<<\n%s>>>\n", out);
    check_text_file(out, s.len);
    return out;
}

#define EXPECT_TEXT(expected, ...)                                          \
    do {                                                                    \
        char *got_ = render(__VA_ARGS__);                                   \
        cr_expect_str_eq(got_, expected,                                    \
                         "\n--- got:\n%s--- expected:\n%s---", got_,        \
                         expected);                                         \
        free(got_);                                                         \
    } while (0)

#define EXPECT(expected) EXPECT_TEXT(expected, NULL)
#define EXPECT_OPT(expected, ...) EXPECT_TEXT(expected, __VA_ARGS__, NULL)

/* ------------------------------------------------------------------ */
/* The descriptor                                                     */
/* ------------------------------------------------------------------ */

Test(text, descriptor)
{
    cr_expect_eq(tp->abi_major, FOLIO_ABI_MAJOR);
    cr_expect_eq(tp->kind, FOLIO_PLUGIN_OUTPUT);
    cr_expect_str_eq(tp->name, "text");
    cr_expect_str_eq(tp->output->extension, "txt");
    cr_expect_str_eq(tp->output->media_type, "text/plain");
    bool w = false, l = false, t = false;
    for (const folio_option *o = tp->options; o->name != NULL; o++) {
        w = w || (strcmp(o->name, "width") == 0 &&
                  o->type == FOLIO_OPTION_INT);
        l = l || (strcmp(o->name, "links") == 0 &&
                  o->type == FOLIO_OPTION_ENUM &&
                  strcmp(o->choices, "references|inline|none") == 0 &&
                  strcmp(o->default_value, "references") == 0);
        t = t || (strcmp(o->name, "title") == 0 &&
                  o->type == FOLIO_OPTION_BOOL);
    }
    cr_expect(w && l && t);
}

Test(text, empty_document_writes_nothing)
{
    EXPECT("");
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */
/* ------------------------------------------------------------------ */

Test(text, title_is_underlined_and_not_repeated)
{
    set_title("A day  at the\u00a0sea");
    ADD(H(1, T("A day at the sea"), NULL), P(T("Body.")));
    EXPECT("A day at the sea\n================\n\nBody.\n");
}

Test(text, long_title_wraps_and_is_underlined_to_its_widest_line)
{
    set_title("The river rose overnight and the town woke up to water");
    EXPECT_OPT("The river rose overnight\nand the town woke up to\n"
               "water\n========================\n", "width", "24");
}

Test(text, title_option_false)
{
    set_title("Title");
    ADD(P(T("Body.")));
    EXPECT_OPT("Body.\n", "title", "false");
}

Test(text, title_underline_counts_display_width)
{
    set_title("東京の夏");
    ADD(H(2, T("Other"), NULL));
    EXPECT("東京の夏\n========\n\n## Other\n");
}

Test(text, headings_and_paragraphs)
{
    ADD(H(1, T("One"), NULL), P(T("First "), EM(T("para")), T(".")),
        H(3, T("Three"), NULL), P(STRONG(T("Bold")), T(" and "),
                                  STRIKE(T("gone")), T(" and "), CODE("x()")));
    EXPECT("# One\n\nFirst para.\n\n### Three\n\nBold and gone and x()\n");
}

Test(text, hard_breaks_and_whitespace)
{
    ADD(P(T("  line one "), BR(), T("line\ttwo\nstill two  ")));
    EXPECT("line one\nline two still two\n");
}

Test(text, tight_lists_nest_by_two_spaces)
{
    ADD(LIST(false, 1, true,
             ITEM(P(T("a")), LIST(false, 1, true, ITEM(P(T("a.1"))),
                                  ITEM(P(T("a.2"))), NULL)),
             ITEM(P(T("b"))), NULL),
        P(T("after")));
    EXPECT("- a\n  - a.1\n  - a.2\n- b\n\nafter\n");
}

Test(text, ordered_list_keeps_start_and_aligns_text)
{
    ADD(LIST(true, 9, true, ITEM(P(T("nine"))),
             ITEM(P(T("ten")), LIST(false, 1, true, ITEM(P(T("x"))), NULL)),
             NULL));
    EXPECT("9. nine\n10. ten\n    - x\n");
}

Test(text, loose_list_has_blank_lines)
{
    ADD(LIST(false, 1, false, ITEM(P(T("one")), P(T("more"))),
             ITEM(P(T("two"))), NULL));
    EXPECT("- one\n\n  more\n\n- two\n");
}

Test(text, quotes_are_prefixed)
{
    ADD(P(T("before")), QUOTE(P(T("q1")), P(T("q2")), QUOTE(P(T("deep")))),
        mk(FOLIO_NODE_ASIDE, P(T("note")), NULL));
    EXPECT("before\n\n> q1\n>\n> q2\n>\n> > deep\n\n> note\n");
}

Test(text, code_block_is_verbatim_and_indented)
{
    ADD(P(T("x")), CB("c", "int main(void)\r\n{\n\treturn 0;   \n\n}\n\n"),
        LIST(false, 1, true, ITEM(P(T("item")), CB(NULL, "a  b\n")), NULL));
    EXPECT("x\n\n    int main(void)\n    {\n    \treturn 0;\n\n    }\n\n"
           "- item\n      a  b\n");
}

/* Code is verbatim, except that with -O width a line too wide for it
 * breaks at spaces and continues at the line's own indentation. */
Test(text, code_lines_break_at_spaces_only_when_too_wide)
{
    ADD(CB(NULL, "  call(first, second, third)\n"
                 "x = supercalifragilistic + 1\n"
                 "short\n"));
    EXPECT("      call(first, second, third)\n"
           "    x = supercalifragilistic + 1\n"
           "    short\n");
    EXPECT_OPT("      call(first,\n"
               "      second, third)\n"
               "    x =\n"
               "    supercalifragilistic\n"
               "    + 1\n"
               "    short\n", "width", "20");
}

Test(text, thematic_break)
{
    ADD(P(T("a")), HR(), P(T("b")));
    EXPECT("a\n\n* * *\n\nb\n");
}

Test(text, figure_with_caption_and_credit)
{
    ADD(mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/i.png", "A cat", NULL)),
           mk(FOLIO_NODE_CAPTION, T("On a "), EM(T("mat")), T("."), NULL),
           mk(FOLIO_NODE_CREDIT, T("Photo: Jane"), NULL), NULL),
        mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/j.png", "", NULL)),
           mk(FOLIO_NODE_CAPTION, T("No alt"), NULL), NULL),
        P(T("x "), IMG("https://e.org/k.png", NULL, NULL), T("y")));
    EXPECT("[image: A cat]\nOn a mat.\nPhoto: Jane\n\nNo alt\n\nx y\n");
}

Test(text, definition_list)
{
    ADD(mk(FOLIO_NODE_DEF_LIST,
           mk(FOLIO_NODE_DEF_TERM, T("Term"), NULL),
           mk(FOLIO_NODE_DEF_DESC, P(T("Meaning.")), NULL),
           mk(FOLIO_NODE_DEF_TERM, T("Other"), NULL),
           mk(FOLIO_NODE_DEF_DESC, P(T("More.")), NULL), NULL));
    EXPECT("Term\n    Meaning.\n\nOther\n    More.\n");
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

Test(text, table_columns_are_aligned)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("Name"), CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("Count"), NULL),
               CELL(FOLIO_ALIGN_CENTER, 1, 1, T("Mid"), NULL), NULL),
           ROW(false, C("apples"), C("3"), C("x"), NULL),
           ROW(false, C("kiwi"), C("1200"), C("yyyyy"), NULL), NULL));
    EXPECT("Name    Count   Mid\n"
           "------  -----  -----\n"
           "apples      3    x\n"
           "kiwi     1200  yyyyy\n");
}

Test(text, table_alignment_counts_cjk_as_two_columns)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("都市"), C("人口"), NULL),
           ROW(false, C("東京"), CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("14"), NULL),
               NULL),
           ROW(false, C("Kyoto"), C("1.5"), NULL),
           ROW(false, C("e\u0301\u0301x"), C("1"), NULL), NULL));
    EXPECT("都市   人口\n"
           "-----  ----\n"
           "東京     14\n"
           "Kyoto   1.5\n"
           "e\u0301\u0301x        1\n");
}

Test(text, table_spans_are_flattened)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("a"), C("b"), C("c"), NULL),
           ROW(false, CELL(FOLIO_ALIGN_NONE, 2, 1, T("wide"), NULL), C("z"),
               NULL),
           ROW(false, CELL(FOLIO_ALIGN_NONE, 1, 2, T("tall"), NULL), C("1"),
               C("2"), NULL),
           ROW(false, C("3"), C("4"), NULL), NULL));
    EXPECT("a     b  c\n"
           "----  -  -\n"
           "wide     z\n"
           "tall  1  2\n"
           "      3  4\n");
}

Test(text, table_without_header_and_with_links)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(false, C("k"), CELL(FOLIO_ALIGN_NONE, 1, 1,
                                   LINK("https://e.org/", NULL, T("site"),
                                        NULL), T(" x"), BR(), T("y"), NULL),
               NULL),
           ROW(false, C("key"), C("v"), NULL), NULL));
    EXPECT("k    site[1] x y\n"
           "key  v\n"
           "\n"
           "[1] https://e.org/\n");
}

Test(text, table_too_wide_becomes_records)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("City"), C("Note"), NULL),
           ROW(false, C("Oslo"), C("cold in winter and mild in summer"),
               NULL),
           ROW(false, C("Rome"), C(""), NULL), NULL));
    EXPECT_OPT("- City: Oslo\n"
               "  Note: cold in winter and\n"
               "  mild in summer\n"
               "\n"
               "- City: Rome\n", "width", "26");
}

/* ------------------------------------------------------------------ */
/* Links and footnotes                                                */
/* ------------------------------------------------------------------ */

static void add_links(void)
{
    ADD(P(T("See "), LINK("https://a.org/x", NULL, T("this"), NULL),
          T(", "), LINK("https://b.org/", "B", EM(T("that")), NULL),
          T(" and "), LINK("https://a.org/x", NULL, T("again"), NULL),
          T(". "), LINK("https://c.org/", NULL, T("https://c.org/"), NULL),
          T(" "), LINK("https://d.org/", NULL, NULL),
          T(" "), LINK(NULL, NULL, T("no url"), NULL)));
}

Test(text, links_as_references)
{
    add_links();
    EXPECT("See this[1], that[2] and again[1]. https://c.org/ no url\n\n"
           "[1] https://a.org/x\n[2] https://b.org/\n");
}

Test(text, links_inline)
{
    add_links();
    EXPECT_OPT("See this (https://a.org/x), that (https://b.org/) and again "
               "(https://a.org/x). https://c.org/ no url\n",
               "links", "inline");
}

Test(text, links_none)
{
    add_links();
    EXPECT_OPT("See this, that and again. https://c.org/ no url\n",
               "links", "none");
}

Test(text, footnotes_are_references_too)
{
    ADD(P(T("A"), FNREF("n1"), T(" "), LINK("https://e.org/", NULL, T("b"),
                                            NULL),
          T(" c"), FNREF("n2"), T(" d"), FNREF("n1"), T(" "), FNREF("gone")),
        FNDEF("n1", P(T("First note with "),
                      LINK("https://f.org/", NULL, T("a link"), NULL)),
              NULL),
        FNDEF("n2", P(T("Second.")), P(T("Two paras.")), NULL),
        FNDEF("n3", P(T("Never cited.")), NULL));
    EXPECT("A[1] b[2] c[3] d[1] [gone]\n"
           "\n"
           "[1] First note with a link[4]\n"
           "[2] https://e.org/\n"
           "[3] Second.\n"
           "\n"
           "    Two paras.\n"
           "[4] https://f.org/\n"
           "[5] Never cited.\n");
}

/* ------------------------------------------------------------------ */
/* Characters                                                         */
/* ------------------------------------------------------------------ */

Test(text, invisible_characters_are_removed)
{
    ADD(P(T("co\u00adop\u200ber\u200cat\u200dion\u2060\ufeff a\u00a0b")),
        CB(NULL, "x\u00ady\n"));
    EXPECT("cooperation a b\n\n    xy\n");
}

Test(text, rtl_text_is_kept_in_logical_order)
{
    ADD(P(T("שלום עולם, "), T("مرحبا بالعالم")));
    EXPECT("שלום עולם, مرحبا بالعالم\n");
}

/* ------------------------------------------------------------------ */
/* Wrapping                                                           */
/* ------------------------------------------------------------------ */

Test(text, no_wrapping_by_default)
{
    ADD(P(T("one two three four five six seven eight nine ten eleven twelve "
            "thirteen fourteen fifteen sixteen seventeen eighteen nineteen")));
    char *out = render(NULL);
    cr_expect_eq(strchr(out, '\n'), out + strlen(out) - 1);
    free(out);
}

Test(text, wraps_paragraphs_at_the_width)
{
    ADD(P(T("The quick brown fox jumps over the lazy dog again and again.")));
    EXPECT_OPT("The quick brown\nfox jumps over\nthe lazy dog\nagain and\n"
               "again.\n", "width", "15");
    EXPECT_OPT("The quick brown\nfox jumps over\nthe lazy dog\nagain and "
               "again.\n", "width", "16");
}

Test(text, prefixes_count_in_the_width)
{
    ADD(QUOTE(P(T("aaa bbb ccc ddd"))),
        LIST(true, 1, true, ITEM(P(T("eee fff ggg hhh"))), NULL),
        H(2, T("iii jjj kkk"), NULL));
    EXPECT_OPT("> aaa bbb\n> ccc ddd\n\n1. eee fff\n   ggg hhh\n\n"
               "## iii jjj\n   kkk\n", "width", "10");
}

Test(text, long_word_stands_alone)
{
    ADD(P(T("a supercalifragilistic b")));
    EXPECT_OPT("a\nsupercalifragilistic\nb\n", "width", "8");
}

Test(text, long_url_is_never_split)
{
    ADD(P(T("Read "), LINK("https://example.org/a/very/long/path?q=1 2",
                           NULL, T("the report"), NULL),
          T(" now.")));
    EXPECT_OPT("Read the\nreport\n"
               "(https://example.org/a/very/long/path?q=1 2)\nnow.\n",
               "width", "12", "links", "inline");
    EXPECT_OPT("Read the\nreport[1]\nnow.\n\n"
               "[1] https://example.org/a/very/long/path?q=1 2\n",
               "width", "12");
}

Test(text, reference_marker_stays_with_its_word)
{
    ADD(P(T("aaaa bbbbbb"), FNREF("x"), T(" 日本語"), FNREF("x")),
        FNDEF("x", P(T("n")), NULL));
    EXPECT_OPT("aaaa\nbbbbbb[1]\n日本語[1]\n\n[1] n\n", "width", "10");
}

Test(text, cjk_counts_two_columns_and_breaks_between_ideographs)
{
    /* 12 ideographs = 24 columns */
    ADD(P(T("一二三四五六七八九十百千")));
    EXPECT_OPT("一二三四五\n六七八九十\n百千\n", "width", "10");
    EXPECT_OPT("一二三四五\n六七八九十\n百千\n", "width", "11");
}

Test(text, cjk_closing_punctuation_does_not_start_a_line)
{
    ADD(P(T("今日は晴れ。明日も「晴れ」です。")));
    /* width 10: 今日は晴 would leave "れ。" fine; check no line starts
     * with 。 or 」 and none ends with 「 */
    char *out = render("width", "10", NULL);
    for (const char *l = out; *l != '\0';) {
        const char *nl = strchr(l, '\n');
        cr_expect(strncmp(l, "。", 3) != 0 && strncmp(l, "」", 3) != 0,
                  "%s", out);
        cr_expect(nl - l < 3 || strncmp(nl - 3, "「", 3) != 0, "%s", out);
        cr_expect_leq(line_width(l, (size_t)(nl - l)), 10, "%s", out);
        l = nl + 1;
    }
    free(out);
    EXPECT_OPT("今日は晴\nれ。明日も\n「晴れ」で\nす。\n", "width", "10");
}

Test(text, mixed_cjk_and_latin)
{
    ADD(P(T("東京 Tokyo は日本の首都です")));
    EXPECT_OPT("東京 Tokyo\nは日本の首\n都です\n", "width", "10");
}

Test(text, combining_marks_take_no_width)
{
    /* "e" + U+0301 five times = 5 columns, 10 code points */
    ADD(P(T("e\u0301e\u0301e\u0301e\u0301e\u0301 "
            "e\u0301e\u0301e\u0301e\u0301e\u0301")));
    EXPECT_OPT("e\u0301e\u0301e\u0301e\u0301e\u0301 "
               "e\u0301e\u0301e\u0301e\u0301e\u0301\n", "width", "11");
    EXPECT_OPT("e\u0301e\u0301e\u0301e\u0301e\u0301\n"
               "e\u0301e\u0301e\u0301e\u0301e\u0301\n", "width", "10");
}

Test(text, hangul_wraps_at_spaces_or_between_syllables)
{
    ADD(P(T("안녕하세요 세계")));
    EXPECT_OPT("안녕하세요\n세계\n", "width", "10");
}

/* ------------------------------------------------------------------ */
/* Options, errors, robustness                                        */
/* ------------------------------------------------------------------ */

Test(text, bad_option_values_are_refused)
{
    ADD(P(T("x")));
    const char *bad[][2] = {
        {"width", "-1"}, {"width", "ten"}, {"links", "footnotes"},
        {"title", "maybe"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fake_job fj;
        fake_job_init(&fj, tp);
        fake_job_set(&fj, bad[i][0], bad[i][1]);
        fake_sink s = {0};
        cr_expect_eq(tp->output->write(fake_host(), FAKE_JOB(&fj), doc,
                                       fake_sink_write, &s),
                     FOLIO_EINVALID, "%s=%s", bad[i][0], bad[i][1]);
        cr_expect_neq(fj.error[0], '\0');
        cr_expect_eq(s.len, 0);
        fake_sink_free(&s);
        fake_job_dispose(&fj);
    }
}

Test(text, sink_failure_is_reported)
{
    ADD(P(T("x")));
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_sink s = {.fail_at = 1};
    cr_expect_eq(tp->output->write(fake_host(), FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_EUSER);
    cr_expect_neq(fj.error[0], '\0');
    fake_sink_free(&s);
    fake_job_dispose(&fj);
}

Test(text, deep_nesting_is_flattened, .timeout = 20)
{
    folio_node *inner = P(T("deep words here"));
    for (int i = 0; i < 5000; i++)
        inner = QUOTE(inner);
    ADD(inner);
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_job_set(&fj, "width", "40");
    fake_sink s = {0};
    cr_assert_eq(tp->output->write(fake_host(), FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_OK);
    cr_expect_eq(fj.n_warnings, 1);
    cr_expect_lt(s.len, 1000);
    cr_expect_not_null(strstr(s.data, "deep"));
    fake_sink_free(&s);
    fake_job_dispose(&fj);
}

Test(text, big_documents_stay_fast, .timeout = 20)
{
    /* one 2 MB paragraph, 20000 links, a 2000-row table */
    size_t n = 2000000;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 7 == 6 ? ' ' : 'a';
    big[n] = '\0';
    folio_node *p = P(T(big));
    free(big);
    char url[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(url, sizeof url, "https://e.org/%d", i % 5000);
        cr_assert_eq(folio_node_append_child(p, LINK(url, NULL, T("l"),
                                                     NULL)),
                     FOLIO_OK);
    }
    folio_node *t = mk(FOLIO_NODE_TABLE, NULL);
    for (int i = 0; i < 2000; i++)
        cr_assert_eq(folio_node_append_child(t, ROW(false, C("cell"),
                                                    C("value"), NULL)),
                     FOLIO_OK);
    ADD(p, t);
    char *out = render("width", "72", NULL);
    cr_expect_not_null(strstr(out, "[5000] https://e.org/4999\n"));
    free(out);
}

/* ASIDE, SUPERSCRIPT and THEMATIC_BREAK are reported as unknown types
 * (a container block, a container inline, a leaf). */
static folio_node_type future_type(const folio_node *n)
{
    switch (folio_node_type_of(n)) {
    case FOLIO_NODE_ASIDE: return (folio_node_type)(FOLIO_NODE_LAST_BLOCK + 1);
    case FOLIO_NODE_SUPERSCRIPT:
        return (folio_node_type)(FOLIO_NODE_LAST_INLINE + 1);
    case FOLIO_NODE_THEMATIC_BREAK:
        return (folio_node_type)(FOLIO_NODE_LAST_BLOCK + 2);
    default: return folio_node_type_of(n);
    }
}

Test(text, unknown_node_types_render_their_children)
{
    folio_doc_api api = *folio_doc_api_get();
    api.type = future_type;
    folio_host host = *fake_host();
    host.doc = &api;
    ADD(mk(FOLIO_NODE_ASIDE, P(T("inside")), NULL),
        P(T("x"), SUP(T("2")), T(" y")), HR(),
        mk(FOLIO_NODE_ASIDE, NULL), P(T("end")));
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_sink s = {0};
    cr_assert_eq(tp->output->write(&host, FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_OK);
    cr_expect_str_eq(s.data, "inside\n\nx2 y\n\nend\n");
    fake_sink_free(&s);
    fake_job_dispose(&fj);
}

Test(text, write_refuses_an_old_host)
{
    folio_host host = *fake_host();
    host.size = offsetof(folio_host, doc);
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_sink s = {0};
    cr_expect_eq(tp->output->write(&host, FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_EINVALID);
    const char *msg = NULL;
    cr_expect_neq(tp->init(&host, &msg), 0);
    cr_expect_not_null(msg);
    fake_job_dispose(&fj);
}

static void *write_thread(void *arg)
{
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_job_set(&fj, "width", "12");
    fake_sink *s = arg;
    for (int i = 0; i < 20; i++) {
        fake_sink_free(s);
        if (tp->output->write(fake_host(), FAKE_JOB(&fj), doc,
                              fake_sink_write, s) != FOLIO_OK)
            break;
    }
    fake_job_dispose(&fj);
    return NULL;
}

Test(text, concurrent_writes_agree, .timeout = 60)
{
    set_title("Concurrent");
    ADD(H(2, T("T"), NULL),
        P(T("a "), EM(T("b")), FNREF("x"), T(" 日本語の文章")),
        mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL), ROW(false, C("v"), NULL),
           NULL),
        LIST(false, 1, true, ITEM(P(LINK("https://e.org/", NULL, T("i"),
                                         NULL))), NULL),
        FNDEF("x", P(T("n")), NULL));
    char *want = render("width", "12", NULL);
    pthread_t th[4];
    fake_sink s[4] = {{0}};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, write_thread, &s[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        cr_expect_str_eq(s[i].data != NULL ? s[i].data : "", want);
        fake_sink_free(&s[i]);
    }
    free(want);
}

/* ------------------------------------------------------------------ */
/* Golden files                                                       */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    for (size_t k; p != NULL && (k = fread(p + n, 1, cap - n - 1, f)) > 0;) {
        n += k;
        if (cap - n - 1 == 0) {
            char *q = realloc(p, cap * 2);
            if (q == NULL) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (p != NULL)
        p[n] = '\0';
    *len = n;
    return p;
}


static char *write_doc(folio_doc *d, const char *width, size_t *len)
{
    fake_job fj;
    fake_job_init(&fj, tp);
    fake_job_set(&fj, "width", width);
    fake_sink s = {0};
    int rc = tp->output->write(fake_host(), FAKE_JOB(&fj), d, fake_sink_write,
                               &s);
    cr_expect_eq(rc, FOLIO_OK, "write: %s", fj.error);
    fake_job_dispose(&fj);
    *len = s.len;
    return s.data != NULL ? s.data : strdup("");
}

static void golden_case(const char *dir, const char *name, bool update)
{
    char path[8192];
    size_t len;
    snprintf(path, sizeof path, "%s/%s/source.html", dir, name);
    char *html = read_file(path, &len);
    if (html == NULL)
        return; /* not an HTML fixture */

    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.input_path = path;
    folio_job *job = folio_job_new(NULL, &jo);
    cr_assert_not_null(job);
    folio_html_input in = {0};
    in.size = sizeof in;
    in.html = (const unsigned char *)html;
    in.len = len;
    int rc = folio_job_import_html(job, &in);
    cr_expect_eq(rc, FOLIO_OK, "%s: import: %s", name, folio_job_error(job));
    if (rc != FOLIO_OK || folio_job_doc_count(job) == 0) {
        folio_job_free(job);
        free(html);
        return;
    }
    folio_doc *d = folio_job_doc(job, 0);

    char *got = write_doc(d, "72", &len);
    check_text_file(got, len);
    check_width(got, 72, name);
    size_t n24;
    char *narrow = write_doc(d, "24", &n24);
    check_text_file(narrow, n24);
    check_width(narrow, 24, name);
    free(narrow);

    snprintf(path, sizeof path, "%s/%s/expected.txt", dir, name);
    if (update) {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f, "cannot write %s", path);
        fwrite(got, 1, len, f);
        fclose(f);
    } else {
        size_t elen;
        char *exp = read_file(path, &elen);
        cr_expect_not_null(exp, "%s: no expected.txt (FOLIO_UPDATE_GOLDEN=1 "
                                "writes it)", name);
        if (exp != NULL)
            cr_expect_str_eq(got, exp, "%s: output differs from %s:\n%s",
                             name, path, got);
        free(exp);
    }
    free(got);
    folio_job_free(job);
    free(html);
}

Test(text, golden_fixtures, .timeout = 60)
{
    const char *e = getenv("FOLIO_UPDATE_GOLDEN");
    bool update = e != NULL && strcmp(e, "1") == 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fixtures", FOLIO_TEST_SRCDIR);
    DIR *dp = opendir(dir);
    cr_assert_not_null(dp, "no %s", dir);
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (de->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        cr_assert_not_null(names);
        names[n++] = strdup(de->d_name);
    }
    closedir(dp);
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        golden_case(dir, names[i], update);
        free(names[i]);
    }
    free(names);
}
