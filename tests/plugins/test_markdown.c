/* SPDX-License-Identifier: MIT */
/*
 * The markdown output plugin, loaded from the build tree with dlopen and
 * driven through a fake host (fakehost.h). Documents are built with the
 * model API; each test asserts the exact Markdown, and most also parse
 * the output back with cmark-gfm and compare its structure with the
 * document's. The golden test renders every tests/fixtures/<case>/
 * source.html and compares with expected.md (FOLIO_UPDATE_GOLDEN=1
 * rewrites them).
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "docbuild.h"
#include "fakehost.h"
#include "folio/folio.h"

#ifndef FOLIO_MD_PLUGIN
#error "FOLIO_MD_PLUGIN (path of the built plugin) must be defined"
#endif

static const folio_plugin *md;

static void setup(void)
{
    md = fake_load_plugin(FOLIO_MD_PLUGIN);
    cr_assert_not_null(md, "cannot load %s", FOLIO_MD_PLUGIN);
    const char *msg = NULL;
    cr_assert_eq(md->init(fake_host(), &msg), 0, "init: %s", msg);
    doc = folio_doc_new();
    cr_assert_not_null(doc);
    root = folio_doc_root_mut(doc);
}

static void teardown(void)
{
    folio_doc_free(doc);
    doc = NULL;
}

TestSuite(markdown, .init = setup, .fini = teardown);

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

/* Renders `doc` with options (key, value, ..., NULL); asserts success. */
static char *render(const char *key, ...)
{
    fake_job fj;
    fake_job_init(&fj, md);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k != NULL; k = va_arg(ap, const char *))
        fake_job_set(&fj, k, va_arg(ap, const char *));
    va_end(ap);
    fake_sink s = {0};
    int rc = md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                               fake_sink_write, &s);
    cr_assert_eq(rc, FOLIO_OK, "write: %d %s", rc, fj.error);
    fake_job_dispose(&fj);
    char *out = s.data != NULL ? s.data : strdup("");
    check_text_file(out, s.len);
    return out;
}

#define RENDER() render(NULL)

static void expect_md(const char *expected, const char *key, ...)
{
    fake_job fj;
    fake_job_init(&fj, md);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k != NULL; k = va_arg(ap, const char *))
        fake_job_set(&fj, k, va_arg(ap, const char *));
    va_end(ap);
    fake_sink s = {0};
    int rc = md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                               fake_sink_write, &s);
    cr_assert_eq(rc, FOLIO_OK, "write: %d %s", rc, fj.error);
    fake_job_dispose(&fj);
    const char *got = s.data != NULL ? s.data : "";
    if (getenv("FOLIO_TEST_DUMP") != NULL) /* Criterion hides blank lines */
        fprintf(stderr, "<<<\n%s>>>\n", got);
    check_text_file(got, s.len);
    cr_expect_str_eq(got, expected, "\n--- got:\n%s--- expected:\n%s---",
                     got, expected);
    fake_sink_free(&s);
}

#define EXPECT_MD(expected) expect_md(expected, NULL)
#define EXPECT_MD_OPT(expected, ...) expect_md(expected, __VA_ARGS__, NULL)

/* Counts of the structures that must survive a round trip. */
enum {
    S_HEADING, S_LIST, S_ITEM, S_QUOTE, S_CODE_BLOCK, S_HR, S_TABLE,
    S_EMPH, S_STRONG, S_STRIKE, S_LINK, S_IMAGE, S_CODE, S_FNREF, S_FNDEF,
    S_COUNT
};

static const char *const s_names[S_COUNT] = {
    "heading", "list", "item", "block_quote", "code_block",
    "thematic_break", "table", "emph", "strong", "strikethrough", "link",
    "image", "code", "footnote_reference", "footnote_definition",
};

static void count_doc(const folio_node *r, int *c)
{
    folio_iter it;
    folio_iter_init(&it, r);
    for (folio_event ev; (ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE;) {
        const folio_node *n = folio_iter_node(&it);
        if (ev != FOLIO_EVENT_ENTER)
            continue;
        switch (folio_node_type_of(n)) {
        case FOLIO_NODE_HEADING: c[S_HEADING]++; break;
        case FOLIO_NODE_LIST: c[S_LIST]++; break;
        case FOLIO_NODE_LIST_ITEM: c[S_ITEM]++; break;
        case FOLIO_NODE_BLOCKQUOTE:
        case FOLIO_NODE_ASIDE: c[S_QUOTE]++; break;
        case FOLIO_NODE_CODE_BLOCK: c[S_CODE_BLOCK]++; break;
        case FOLIO_NODE_THEMATIC_BREAK: c[S_HR]++; break;
        case FOLIO_NODE_TABLE: c[S_TABLE]++; break;
        case FOLIO_NODE_EMPH: c[S_EMPH]++; break;
        case FOLIO_NODE_STRONG:
        case FOLIO_NODE_DEF_TERM: c[S_STRONG]++; break;
        case FOLIO_NODE_STRIKE: c[S_STRIKE]++; break;
        case FOLIO_NODE_LINK: c[S_LINK]++; break;
        case FOLIO_NODE_IMAGE: c[S_IMAGE]++; break;
        case FOLIO_NODE_CODE: c[S_CODE]++; break;
        case FOLIO_NODE_FOOTNOTE_REF: c[S_FNREF]++; break;
        case FOLIO_NODE_FOOTNOTE_DEF: c[S_FNDEF]++; break;
        case FOLIO_NODE_FIGURE: {
            /* The caption paragraph is emphasised. */
            for (const folio_node *k = folio_node_first_child(n); k != NULL;
                 k = folio_node_next(k)) {
                if (folio_node_type_of(k) == FOLIO_NODE_CAPTION ||
                    folio_node_type_of(k) == FOLIO_NODE_CREDIT) {
                    c[S_EMPH]++;
                    break;
                }
            }
            break;
        }
        default: break;
        }
    }
}

static cmark_node *parse_md(const char *s)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    cmark_parser_attach_syntax_extension(p,
                                         cmark_find_syntax_extension("table"));
    cmark_parser_attach_syntax_extension(
        p, cmark_find_syntax_extension("strikethrough"));
    cmark_parser_feed(p, s, strlen(s));
    cmark_node *r = cmark_parser_finish(p);
    cmark_parser_free(p);
    return r;
}

static void count_md(const char *s, int *c)
{
    cmark_node *r = parse_md(s);
    cmark_iter *it = cmark_iter_new(r);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        /* gfm.6 names footnote nodes "<unknown>". */
        if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE) {
            c[S_FNREF]++;
            continue;
        }
        if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION) {
            c[S_FNDEF]++;
            continue;
        }
        const char *name = cmark_node_get_type_string(n);
        for (int i = 0; i < S_COUNT; i++) {
            if (strcmp(name, s_names[i]) == 0)
                c[i]++;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(r);
}

/* Parses `out` back and compares its structure with the document's;
 * `title` is 1 when a title heading was added. */
static void check_roundtrip(const char *out, int title)
{
    int want[S_COUNT] = {0}, got[S_COUNT] = {0};
    count_doc(folio_doc_root(doc), want);
    want[S_HEADING] += title;
    count_md(out, got);
    for (int i = 0; i < S_COUNT; i++) {
        cr_expect_eq(got[i], want[i], "%s: parsed %d, document has %d in\n%s",
                     s_names[i], got[i], want[i], out);
    }
}

/* The text of the first node of type `name` in the parsed output
 * (literal of the first text or code below it). */
static char *parsed_literal(const char *out, const char *name)
{
    cmark_node *r = parse_md(out);
    cmark_iter *it = cmark_iter_new(r);
    char *res = NULL;
    bool inside = false;
    for (cmark_event_type ev; res == NULL &&
                              (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER &&
            strcmp(cmark_node_get_type_string(n), name) == 0)
            inside = true;
        if (inside && ev == CMARK_EVENT_ENTER &&
            cmark_node_get_literal(n) != NULL)
            res = strdup(cmark_node_get_literal(n));
    }
    cmark_iter_free(it);
    cmark_node_free(r);
    return res;
}

/* ------------------------------------------------------------------ */
/* The descriptor                                                     */
/* ------------------------------------------------------------------ */

Test(markdown, descriptor)
{
    cr_assert_eq(md->abi_major, FOLIO_ABI_MAJOR);
    cr_assert_eq(md->kind, FOLIO_PLUGIN_OUTPUT);
    cr_assert_str_eq(md->name, "markdown");
    cr_assert_str_eq(md->output->extension, "md");
    cr_assert_str_eq(md->output->media_type, "text/markdown");
    const char *want[] = {"markdown", "md", "gfm", "commonmark",
                          "text/markdown"};
    size_t i = 0;
    for (; md->formats[i] != NULL; i++) {
        cr_assert_lt(i, 5);
        cr_assert_str_eq(md->formats[i], want[i]);
    }
    cr_assert_eq(i, 5);
    bool title = false, html = false;
    for (const folio_option *o = md->options; o->name != NULL; o++) {
        if (strcmp(o->name, "title") == 0) {
            title = true;
            cr_assert_eq(o->type, FOLIO_OPTION_BOOL);
            cr_assert_str_eq(o->default_value, "true");
        }
        if (strcmp(o->name, "html") == 0) {
            html = true;
            cr_assert_str_eq(o->default_value, "false");
        }
    }
    cr_assert(title && html);
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */
/* ------------------------------------------------------------------ */

Test(markdown, empty_document_writes_nothing)
{
    EXPECT_MD("");
}

Test(markdown, headings_and_paragraphs)
{
    ADD(H(1, T("One"), NULL), P(T("First paragraph.")), H(2, T("Two"), NULL),
        H(3, T("Three"), NULL), H(6, T("Six"), NULL), P(T("Last.")));
    EXPECT_MD("# One\n\nFirst paragraph.\n\n## Two\n\n### Three\n\n"
              "###### Six\n\nLast.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, line_start_escapes)
{
    ADD(P(T("1. not a list")), P(T("# not a heading")),
        P(T("- not an item")), P(T("+ nor this")), P(T("> not a quote")),
        P(T("---")), P(T("2024) was a year")));
    EXPECT_MD("1\\. not a list\n\n\\# not a heading\n\n\\- not an item\n\n"
              "\\+ nor this\n\n\\> not a quote\n\n\\---\n\n"
              "2024\\) was a year\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    char *back = parsed_literal(out, "paragraph");
    cr_expect_str_eq(back, "1. not a list");
    free(back);
    free(out);
}

Test(markdown, inline_escapes)
{
    ADD(P(T("a *b* _c_ [d] `e` <f> \\ g & h &amp; i # j")));
    EXPECT_MD("a \\*b\\* \\_c\\_ \\[d\\] \\`e\\` \\<f\\> \\\\ g & h \\&amp; "
              "i \\# j\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    char *back = parsed_literal(out, "paragraph");
    cr_expect_str_eq(back, "a *b* _c_ [d] `e` <f> \\ g & h &amp; i # j");
    free(back);
    free(out);
}

Test(markdown, bang_and_intraword_underscore_are_not_escaped)
{
    ADD(P(T("Wow! snake_case _x_ a__b !"),
          LINK("https://e.org/", NULL, T("l"), NULL), T(" !["), T("x]!")));
    EXPECT_MD("Wow! snake_case \\_x\\_ a\\_\\_b \\![l](https://e.org/) "
              "!\\[x\\]!\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    char *back = parsed_literal(out, "paragraph");
    cr_expect_str_eq(back, "Wow! snake_case _x_ a__b !");
    free(back);
    free(out);
}

Test(markdown, line_start_escapes_after_hard_break)
{
    ADD(P(T("a"), BR(), T("1. b"), BR(), T("- c"), BR(), T("# d"), BR(),
          T("=== e")));
    EXPECT_MD("a\\\n1\\. b\\\n\\- c\\\n\\# d\\\n\\=== e\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, thematic_break_after_paragraph)
{
    ADD(P(T("Above")), HR(), P(T("Below")));
    EXPECT_MD("Above\n\n-----\n\nBelow\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, block_quote_and_aside)
{
    ADD(QUOTE(P(T("Quoted")), P(T("Second"))),
        mk(FOLIO_NODE_ASIDE, P(T("A note")), NULL));
    EXPECT_MD("> Quoted\n>\n> Second\n\n> A note\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, code_block_with_language)
{
    ADD(CB("python", "def f():\n    return 1\n"));
    EXPECT_MD("``` python\ndef f():\n    return 1\n```\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    char *back = parsed_literal(out, "code_block");
    cr_expect_str_eq(back, "def f():\n    return 1\n");
    free(back);
    free(out);
}

Test(markdown, code_block_without_language_is_fenced_as_text)
{
    ADD(P(T("Run:")), CB(NULL, "make all\n"));
    EXPECT_MD("Run:\n\n``` text\nmake all\n```\n");
}

Test(markdown, code_block_keeps_whitespace_exactly)
{
    const char *code = "\n  indented\n\t tab\n   \n\nlast  \n";
    ADD(QUOTE(CB("c", code), NULL));
    char *out = RENDER();
    char *back = parsed_literal(out, "code_block");
    cr_assert_not_null(back, "%s", out);
    cr_expect_str_eq(back, code, "round trip of the code in\n%s", out);
    free(back);
    free(out);
}

Test(markdown, code_block_fence_longer_than_backticks_inside)
{
    ADD(CB("md", "```\ncode\n````\n"));
    EXPECT_MD("````` md\n```\ncode\n````\n`````\n");
    char *out = RENDER();
    char *back = parsed_literal(out, "code_block");
    cr_expect_str_eq(back, "```\ncode\n````\n");
    free(back);
    free(out);
}

Test(markdown, code_block_language_is_one_word)
{
    ADD(CB("c++ extra`words", "x\n"));
    EXPECT_MD("``` c++\nx\n```\n");
}

Test(markdown, code_block_crlf_becomes_lf)
{
    ADD(CB("sh", "a\r\nb\rc\n"));
    EXPECT_MD("``` sh\na\nb\nc\n```\n");
}

/* ------------------------------------------------------------------ */
/* Lists                                                              */
/* ------------------------------------------------------------------ */

Test(markdown, tight_bullet_list)
{
    ADD(LIST(false, 1, true, ITEM(P(T("one"))), ITEM(P(T("two"))), NULL),
        P(T("After.")));
    EXPECT_MD("  - one\n  - two\n\nAfter.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, ordered_list_keeps_start)
{
    ADD(LIST(true, 3, true, ITEM(P(T("three"))), ITEM(P(T("four"))), NULL));
    EXPECT_MD("3.  three\n4.  four\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    cr_expect(strstr(out, "3.") == out);
    free(out);
}

Test(markdown, nested_lists)
{
    ADD(LIST(false, 1, true,
             ITEM(P(T("a")),
                  LIST(true, 1, true, ITEM(P(T("a1"))), ITEM(P(T("a2"))),
                       NULL)),
             ITEM(P(T("b")),
                  LIST(false, 1, true,
                       ITEM(P(T("b1")),
                            LIST(false, 1, true, ITEM(P(T("deep"))), NULL)),
                       NULL)),
             NULL));
    EXPECT_MD("  - a\n    1.  a1\n    2.  a2\n  - b\n      - b1\n"
              "          - deep\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, loose_list)
{
    ADD(LIST(false, 1, false, ITEM(P(T("one")), P(T("more"))),
             ITEM(P(T("two"))), NULL));
    EXPECT_MD("  - one\n\n    more\n\n  - two\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, tight_list_with_two_paragraphs_becomes_loose)
{
    /* Printed tight, the two paragraphs would join into one. */
    ADD(LIST(false, 1, true, ITEM(P(T("one")), P(T("more"))),
             ITEM(P(T("two"))), NULL));
    EXPECT_MD("  - one\n\n    more\n\n  - two\n");
}

Test(markdown, adjacent_lists_stay_apart)
{
    ADD(LIST(false, 1, true, ITEM(P(T("a"))), NULL),
        LIST(false, 1, true, ITEM(P(T("b"))), NULL));
    /* A blank line would join them: the second uses another marker. */
    EXPECT_MD("  - a\n\n  * b\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, adjacent_lists_alternate_markers)
{
    ADD(LIST(false, 1, true, ITEM(P(T("a"))), ITEM(P(T("a2"))), NULL),
        LIST(false, 1, true, ITEM(P(T("b"))), ITEM(P(T("b2"))), NULL),
        LIST(false, 1, false, ITEM(P(T("c"))), NULL),
        LIST(true, 1, true, ITEM(P(T("d"))), NULL),
        LIST(true, 5, true, ITEM(P(T("e"))), ITEM(P(T("f"))), NULL),
        LIST(true, 1, true, ITEM(P(T("g"))), NULL));
    EXPECT_MD("  - a\n  - a2\n\n  * b\n  * b2\n\n  - c\n\n1.  d\n\n"
              "5)  e\n6)  f\n\n1.  g\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, adjacent_lists_in_a_quote_and_an_item)
{
    ADD(QUOTE(LIST(false, 1, true, ITEM(P(T("a"))), NULL),
              LIST(false, 1, true, ITEM(P(T("b"))), NULL)),
        LIST(false, 1, false,
             ITEM(LIST(true, 1, true, ITEM(P(T("x"))), NULL),
                  LIST(true, 1, true, ITEM(P(T("y"))), NULL)),
             NULL));
    EXPECT_MD(">   - a\n>\n>   * b\n\n  - 1.  x\n\n    1)  y\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, list_then_code_block_has_no_comment)
{
    ADD(LIST(false, 1, true, ITEM(P(T("a"))), NULL), CB("sh", "ls\n"));
    EXPECT_MD("  - a\n\n``` sh\nls\n```\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, items_starting_with_any_block_round_trip)
{
    ADD(LIST(false, 1, true, ITEM(HR(), P(T("after rule"))),
             ITEM(H(3, T("Head"), NULL), P(T("x"))),
             ITEM(QUOTE(P(T("q")))), ITEM(CB("c", "int x;\n")),
             ITEM(LIST(true, 1, true, ITEM(P(T("inner"))), NULL)),
             ITEM(mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL),
                     ROW(false, C("v"), NULL), NULL)),
             NULL),
        LIST(true, 1, true, ITEM(HR()), ITEM(P(T("b"))), NULL));
    EXPECT_MD("  -\n    -----\n\n    after rule\n\n  - ### Head\n\n    x\n\n"
              "  - > q\n\n  - ``` c\n    int x;\n    ```\n\n"
              "  - 1.  inner\n\n  -\n    | h |\n    | --- |\n    | v |\n\n"
              "1.\n    -----\n2.  b\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, code_lines_that_look_like_markers_are_kept)
{
    const char *code = "  - \n\n    x\n1. \n   \n";
    ADD(LIST(false, 1, false, ITEM(P(T("a")), CB("md", code)), NULL));
    char *out = RENDER();
    char *back = parsed_literal(out, "code_block");
    cr_expect_str_eq(back, code, "in\n%s", out);
    free(back);
    free(out);
}

Test(markdown, empty_items_and_paragraphs_are_dropped)
{
    ADD(P(T("  ")), LIST(false, 1, true, ITEM(P(T("a"))), ITEM(P(T(" "))),
                          NULL),
        QUOTE(P(T(" "))), H(2, T(" "), NULL), P(T("end")));
    EXPECT_MD("  - a\n\nend\n");
}

/* ------------------------------------------------------------------ */
/* Inlines                                                            */
/* ------------------------------------------------------------------ */

Test(markdown, emphasis_strong_strike)
{
    ADD(P(T("a "), EM(T("em")), T(" b "), STRONG(T("strong")), T(" c "),
          STRIKE(T("gone")), T(" d "), STRONG(EM(T("both"))), T(".")));
    EXPECT_MD("a *em* b **strong** c ~~gone~~ d ***both***.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, intraword_emphasis)
{
    ADD(P(T("un"), EM(T("believ")), T("able")));
    EXPECT_MD("un*believ*able\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, spaces_move_outside_emphasis)
{
    ADD(P(T("a"), EM(T(" word ")), T("b"), STRONG(T("x "), EM(T("y "))),
          T("z")));
    EXPECT_MD("a *word* b**x *y*** z\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, spaces_move_outside_emphasis_nested)
{
    ADD(P(T("a"), STRONG(EM(T(" both "))), T("b")));
    EXPECT_MD("a ***both*** b\n");
}

Test(markdown, emphasis_inside_the_same_emphasis_is_flattened)
{
    ADD(P(STRONG(STRONG(T("x"))), T(" "), EM(T("a "), EM(T("b")), T(" c"))));
    EXPECT_MD("**x** *a b c*\n");
}

Test(markdown, adjacent_emphasis_is_merged)
{
    ADD(P(EM(T("one")), EM(T("two")), T(" "), STRONG(T("a")), STRONG(T("b"))));
    EXPECT_MD("*onetwo* **ab**\n");
}

Test(markdown, punctuation_moves_out_of_emphasis_that_cannot_close)
{
    /* `**Note:**Text` and `x*.y*` read back as literal asterisks. */
    ADD(P(STRONG(T("Note:")), T("Text and "), EM(T("fine")), T(". x"),
          EM(T(". y")), T(" z")));
    EXPECT_MD("**Note**:Text and *fine*. x. *y* z\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, emphasis_that_cannot_close_is_dropped)
{
    /* Nothing to move: the code span ends the emphasis. */
    ADD(P(T("a "), EM(CODE("x")), T("y "), STRONG(T("...")), T("z")));
    EXPECT_MD("a `x`y ...z\n");
    char *out = RENDER();
    int got[S_COUNT] = {0};
    count_md(out, got);
    cr_expect_eq(got[S_STRONG], 0);
    cr_expect_eq(got[S_EMPH], 0);
    free(out);
}

Test(markdown, unicode_spaces_move_outside_emphasis)
{
    ADD(P(STRONG(T("\xe3\x80\x80\xe3\x80\x80" "作者")), T("x")));
    EXPECT_MD("\xe3\x80\x80\xe3\x80\x80**作者**x\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, empty_emphasis_is_dropped)
{
    ADD(P(T("a"), EM(T(" ")), T("b"), STRONG(NULL), T("c")));
    EXPECT_MD("a bc\n");
}

Test(markdown, code_spans)
{
    ADD(P(T("Use "), CODE("x*y"), T(", "), CODE("a`b"), T(", "),
          CODE("``"), T(" and "), CODE("`edge`"), T(".")));
    EXPECT_MD("Use `x*y`, ``a`b``, ` `` ` and `` `edge` ``.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, code_span_round_trips)
{
    ADD(P(CODE("a ``b`` c")));
    char *out = RENDER();
    char *back = parsed_literal(out, "code");
    cr_expect_str_eq(back, "a ``b`` c", "in %s", out);
    free(back);
    free(out);
}

Test(markdown, links)
{
    ADD(P(T("See "), LINK("https://example.com/a", NULL, T("the page"), NULL),
          T(", "), LINK("https://example.com/b", "The \"B\"", T("b"), NULL),
          T(" and "),
          LINK("https://example.com/", NULL, T("https://example.com/"), NULL),
          T(".")));
    EXPECT_MD("See [the page](https://example.com/a), "
              "[b](https://example.com/b \"The \\\"B\\\"\") and "
              "<https://example.com/>.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, link_text_brackets_are_escaped)
{
    ADD(P(LINK("https://e.org/", NULL, T("[6]"), NULL)));
    EXPECT_MD("[\\[6\\]](https://e.org/)\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, link_url_with_space_and_parentheses)
{
    ADD(P(LINK("https://e.org/a b_(c)", NULL, T("x"), NULL)));
    char *out = RENDER();
    check_roundtrip(out, 0);
    cr_expect_str_eq(out, "[x](https://e.org/a%20b_\\(c\\))\n");
    free(out);
}

Test(markdown, empty_link_shows_url_and_link_without_url_keeps_text)
{
    ADD(P(LINK("https://e.org/x", NULL, NULL), T(" "),
          LINK(NULL, NULL, T("plain"), NULL)));
    EXPECT_MD("<https://e.org/x> plain\n");
}

Test(markdown, spaces_move_outside_links)
{
    ADD(P(T("a"), LINK("https://e.org/", NULL, T(" b "), NULL), T("c")));
    EXPECT_MD("a [b](https://e.org/) c\n");
}

Test(markdown, image_linked_to_itself_is_kept)
{
    ADD(P(LINK("https://e.org/a.jpg", NULL, IMG("https://e.org/a.jpg", NULL,
                                                  NULL), NULL),
          T(" "),
          LINK("https://e.org/", NULL, T("https://e.org/"), EM(T("more")),
               NULL)));
    EXPECT_MD("[![](https://e.org/a.jpg)](https://e.org/a.jpg) "
              "[https://e.org/*more*](https://e.org/)\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, images)
{
    ADD(P(IMG("https://e.org/cat.png", "A [cat]", "Cat"), T(" "),
          IMG("https://e.org/dog.png", NULL, NULL)));
    EXPECT_MD("![A \\[cat\\]](https://e.org/cat.png \"Cat\") "
              "![](https://e.org/dog.png)\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, hard_breaks)
{
    ADD(P(T("one "), BR(), T(" two"), BR(), T("three"), BR()),
        QUOTE(P(T("q1"), BR(), T("q2"))));
    EXPECT_MD("one\\\ntwo\\\nthree\n\n> q1\\\n> q2\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    int got[S_COUNT] = {0};
    count_md(out, got);
    cmark_node *r = parse_md(out);
    char *html = cmark_render_html(r, 0, NULL);
    cr_expect_str_eq(html, "<p>one<br />\ntwo<br />\nthree</p>\n"
                           "<blockquote>\n<p>q1<br />\nq2</p>\n"
                           "</blockquote>\n");
    free(html);
    cmark_node_free(r);
    free(out);
}

Test(markdown, break_in_heading_is_a_space)
{
    ADD(H(2, T("Top"), BR(), T("Bottom"), NULL));
    EXPECT_MD("## Top Bottom\n");
}

Test(markdown, nbsp_is_a_space_except_between_digits)
{
    ADD(P(T("a\xc2\xa0" "b 10\xc2\xa0" "000 \xc2\xa0" "x 5\xc2\xa0" "kg")));
    EXPECT_MD("a b 10\xc2\xa0" "000 x 5 kg\n");
}

Test(markdown, superscript_and_subscript_keep_text)
{
    ADD(P(T("x"), SUP(T("2")), T(" H"), SUB(T("2")), T("O")));
    EXPECT_MD("x2 H2O\n");
    EXPECT_MD_OPT("x<sup>2</sup> H<sub>2</sub>O\n", "html", "true");
}

Test(markdown, non_ascii_text_passes_through)
{
    ADD(P(T("Größe — 東京 « ok » \xf0\x9f\x98\x80")));
    EXPECT_MD("Größe — 東京 « ok » \xf0\x9f\x98\x80\n");
}

Test(markdown, emphasis_next_to_unicode_punctuation)
{
    /* “*a*”x: the closing * follows a letter, fine; *“b”*y would not
     * close (punctuation before, a letter after): the quote moves out. */
    ADD(P(T("\xe2\x80\x9c"), EM(T("a")), T("\xe2\x80\x9d" "x ")),
        P(EM(T("\xe2\x80\x9c" "b" "\xe2\x80\x9d")), T("y")));
    EXPECT_MD("\xe2\x80\x9c*a*\xe2\x80\x9dx\n\n"
              "*\xe2\x80\x9c" "b*\xe2\x80\x9dy\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

Test(markdown, table_with_alignment_and_pipes)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, CELL(FOLIO_ALIGN_LEFT, 1, 1, T("Name"), NULL),
               CELL(FOLIO_ALIGN_CENTER, 1, 1, T("Op"), NULL),
               CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("Value"), NULL), NULL),
           ROW(false, C("or"), CELL(FOLIO_ALIGN_NONE, 1, 1, T("a | b"), NULL),
               CELL(FOLIO_ALIGN_NONE, 1, 1, CODE("x|y"), NULL), NULL),
           ROW(false, C("and"), CELL(FOLIO_ALIGN_NONE, 1, 1,
                                     STRONG(T("&")), NULL),
               C("1"), NULL),
           NULL));
    EXPECT_MD("| Name | Op | Value |\n| :-- | :-: | --: |\n"
              "| or | a \\| b | `x\\|y` |\n| and | **&** | 1 |\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    char *back = parsed_literal(out, "code");
    cr_expect_str_eq(back, "x|y");
    free(back);
    free(out);
}

Test(markdown, table_alignment_from_header_or_agreeing_body)
{
    /* Column 1: every body cell is right-aligned; column 2: they differ,
     * so the column is not aligned; column 3: the header decides. */
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("n"), C("m"), CELL(FOLIO_ALIGN_LEFT, 1, 1, T("h"), NULL),
               NULL),
           ROW(false, CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("1"), NULL),
               CELL(FOLIO_ALIGN_CENTER, 1, 1, T("x"), NULL),
               CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("a"), NULL), NULL),
           ROW(false, CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("22"), NULL), C("y"),
               C("b"), NULL),
           NULL));
    EXPECT_MD("| n | m | h |\n| --: | --- | :-- |\n| 1 | x | a |\n"
              "| 22 | y | b |\n");
}

Test(markdown, table_header_from_header_cells)
{
    folio_node *h1 = C("A"), *h2 = C("B");
    cr_assert_eq(folio_node_set_header(h1, true), FOLIO_OK);
    cr_assert_eq(folio_node_set_header(h2, true), FOLIO_OK);
    ADD(mk(FOLIO_NODE_TABLE, ROW(false, h1, h2, NULL),
           ROW(false, C("1"), C("2"), NULL), NULL));
    EXPECT_MD("| A | B |\n| --- | --- |\n| 1 | 2 |\n");
}

Test(markdown, table_without_header_gets_an_empty_one)
{
    ADD(mk(FOLIO_NODE_TABLE, ROW(false, C("1"), C("2"), NULL),
           ROW(false, C("3"), C("4"), NULL), NULL));
    EXPECT_MD("|  |  |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, table_spans_are_flattened)
{
    ADD(mk(FOLIO_NODE_TABLE,
           ROW(true, C("a"), C("b"), C("c"), NULL),
           ROW(false, CELL(FOLIO_ALIGN_NONE, 2, 1, T("wide"), NULL), C("x"),
               NULL),
           ROW(false, CELL(FOLIO_ALIGN_NONE, 1, 3, T("tall"), NULL), C("y"),
               C("z"), NULL),
           ROW(false, C("p"), C("q"), NULL),
           ROW(false, NULL),
           NULL));
    EXPECT_MD("| a | b | c |\n| --- | --- | --- |\n| wide |  | x |\n"
              "| tall | y | z |\n|  | p | q |\n|  |  |  |\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, table_ragged_rows_are_padded)
{
    ADD(mk(FOLIO_NODE_TABLE, ROW(true, C("a"), NULL),
           ROW(false, C("1"), C("2"), C("3"), NULL), NULL));
    EXPECT_MD("| a |  |  |\n| --- | --- | --- |\n| 1 | 2 | 3 |\n");
}

Test(markdown, table_cell_breaks_and_links)
{
    ADD(mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL),
           ROW(false,
               CELL(FOLIO_ALIGN_NONE, 1, 1, T("one"), BR(), T("two "),
                    LINK("https://e.org/a|b", NULL, T("l"), NULL), NULL),
               NULL),
           NULL));
    EXPECT_MD("| h |\n| --- |\n| one two [l](https://e.org/a\\|b) |\n");
    EXPECT_MD_OPT("| h |\n| --- |\n| one<br>two [l](https://e.org/a\\|b) |\n",
                  "html", "true");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, table_in_list_item)
{
    ADD(LIST(false, 1, true,
             ITEM(P(T("x")), mk(FOLIO_NODE_TABLE,
                                ROW(true, C("a"), NULL),
                                ROW(false, C("1"), NULL), NULL)),
             NULL));
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, very_wide_table_is_capped)
{
    folio_node *r1 = mk(FOLIO_NODE_TABLE_ROW, NULL);
    for (int i = 0; i < 300; i++)
        cr_assert_eq(folio_node_append_child(r1, C("c")), FOLIO_OK);
    ADD(mk(FOLIO_NODE_TABLE, r1, NULL));
    char *out = RENDER();
    int got[S_COUNT] = {0};
    count_md(out, got);
    cr_expect_eq(got[S_TABLE], 1);
    /* Nothing lost: the last column holds the rest. */
    size_t n = 0;
    for (const char *p = out; (p = strchr(p, 'c')) != NULL; p++)
        n++;
    cr_expect_eq(n, 300);
    free(out);
}

/* ------------------------------------------------------------------ */
/* Figures, definition lists, footnotes                              */
/* ------------------------------------------------------------------ */

Test(markdown, figure_with_caption_and_credit)
{
    ADD(mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/sun.jpg", "Sunset", NULL)),
           mk(FOLIO_NODE_CAPTION, T("Sunset over the bay."), NULL),
           mk(FOLIO_NODE_CREDIT, T("Photo: Jane Doe"), NULL), NULL),
        mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/b.jpg", "B", NULL)),
           mk(FOLIO_NODE_CREDIT, T("Reuters"), NULL), NULL));
    EXPECT_MD("![Sunset](https://e.org/sun.jpg)\n\n"
              "*Sunset over the bay.* Photo: Jane Doe\n\n"
              "![B](https://e.org/b.jpg)\n\n*Reuters*\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, figure_caption_emphasis_is_not_doubled)
{
    ADD(mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/x.jpg", "X", NULL)),
           mk(FOLIO_NODE_CAPTION, T("The crew. "), EM(T("Courtesy.")), NULL),
           NULL));
    EXPECT_MD("![X](https://e.org/x.jpg)\n\n*The crew. Courtesy.*\n");
}

Test(markdown, figure_caption_first_still_follows_the_image)
{
    ADD(mk(FOLIO_NODE_FIGURE, mk(FOLIO_NODE_CAPTION, T("Cap"), NULL),
           P(IMG("https://e.org/x.jpg", "X", NULL)), NULL));
    EXPECT_MD("![X](https://e.org/x.jpg)\n\n*Cap*\n");
}

Test(markdown, definition_list)
{
    ADD(mk(FOLIO_NODE_DEF_LIST, mk(FOLIO_NODE_DEF_TERM, T("Term"), NULL),
           mk(FOLIO_NODE_DEF_DESC, P(T("Its meaning.")), NULL),
           mk(FOLIO_NODE_DEF_TERM, T("Other"), NULL),
           mk(FOLIO_NODE_DEF_DESC, P(T("First.")), NULL),
           mk(FOLIO_NODE_DEF_DESC, P(T("Second.")), NULL), NULL));
    EXPECT_MD("**Term**\n\nIts meaning.\n\n**Other**\n\nFirst.\n\nSecond.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, footnotes_numbered_by_first_use)
{
    ADD(P(T("Alpha"), FNREF("b"), T(" beta"), FNREF("a"), T(" again"),
          FNREF("b"), T(".")),
        FNDEF("a", P(T("Note A.")), NULL), FNDEF("b", P(T("Note B.")), NULL));
    EXPECT_MD("Alpha[^1] beta[^2] again[^1].\n\n[^1]: Note B.\n"
              "[^2]: Note A.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, footnote_with_several_blocks)
{
    ADD(P(T("Text"), FNREF("n")),
        FNDEF("n", P(T("First.")), P(T("Second.")),
              CB("sh", "echo hi\n"), NULL),
        FNDEF("m", P(T("Unused.")), NULL));
    EXPECT_MD("Text[^1]\n\n[^1]: First.\n\n    Second.\n\n    ``` sh\n"
              "    echo hi\n    ```\n\n[^2]: Unused.\n");
    char *out = RENDER();
    int got[S_COUNT] = {0};
    count_md(out, got);
    cr_expect_eq(got[S_FNREF], 1);
    cr_expect_eq(got[S_CODE_BLOCK], 1);
    free(out);
}

Test(markdown, footnote_starting_with_a_list)
{
    ADD(P(T("x"), FNREF("1")),
        FNDEF("1", LIST(false, 1, true, ITEM(P(T("a"))), ITEM(P(T("b"))),
                        NULL), NULL));
    EXPECT_MD("x[^1]\n\n[^1]:\n      - a\n      - b\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, footnote_ref_before_parenthesis_is_not_a_link)
{
    ADD(P(T("See"), FNREF("1"), T("(x) and"), FNREF("1"), T(": y")),
        P(FNREF("1"), T(": at start")),
        FNDEF("1", P(T("N.")), NULL));
    EXPECT_MD("See[^1]\\(x) and[^1]\\: y\n\n[^1]\\: at start\n\n"
              "[^1]: N.\n");
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, footnote_without_definition_keeps_its_label)
{
    ADD(P(T("Dangling"), FNREF("9"), T(".")));
    EXPECT_MD("Dangling\\[9\\].\n");
}

Test(markdown, footnote_refs_inside_definitions_are_numbered)
{
    ADD(P(T("a"), FNREF("x")),
        FNDEF("y", P(T("Why.")), NULL),
        FNDEF("x", P(T("See"), FNREF("y"), T(".")), NULL));
    EXPECT_MD("a[^1]\n\n[^1]: See[^2].\n[^2]: Why.\n");
}

/* ------------------------------------------------------------------ */
/* Title                                                              */
/* ------------------------------------------------------------------ */

Test(markdown, title_becomes_a_heading)
{
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "A  *Title*\n"),
                 FOLIO_OK);
    ADD(P(T("Body.")));
    EXPECT_MD("# A \\*Title\\*\n\nBody.\n");
    EXPECT_MD_OPT("Body.\n", "title", "false");
    char *out = RENDER();
    check_roundtrip(out, 1);
    free(out);
}

Test(markdown, title_not_repeated)
{
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "The Title"),
                 FOLIO_OK);
    ADD(H(1, T("The "), EM(T("Title")), NULL), P(T("Body.")));
    EXPECT_MD("# The *Title*\n\nBody.\n");
}

Test(markdown, title_added_when_first_heading_differs)
{
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "Title"),
                 FOLIO_OK);
    ADD(H(2, T("Intro"), NULL));
    EXPECT_MD("# Title\n\n## Intro\n");
}

/* ------------------------------------------------------------------ */
/* Failures and limits                                                */
/* ------------------------------------------------------------------ */

Test(markdown, sink_failure_is_reported)
{
    ADD(P(T("x"), FNREF("a")), FNDEF("a", P(T("y")), NULL));
    for (size_t at = 1; at <= 3; at++) {
        fake_job fj;
        fake_job_init(&fj, md);
        fake_sink s = {.fail_at = at};
        int rc = md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s);
        cr_expect_eq(rc, FOLIO_EUSER, "fail at %zu: %d", at, rc);
        cr_expect_eq(fj.error_code, FOLIO_EUSER);
        cr_expect_neq(fj.error[0], '\0');
        fake_sink_free(&s);
        fake_job_dispose(&fj);
    }
}

Test(markdown, deep_block_nesting_is_flattened, .timeout = 20)
{
    folio_node *inner = P(T("deep"));
    for (int i = 0; i < 20000; i++)
        inner = QUOTE(inner);
    ADD(inner);
    fake_job fj;
    fake_job_init(&fj, md);
    fake_sink s = {0};
    cr_assert_eq(md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_OK);
    cr_expect_gt(fj.n_warnings, 0);
    cr_expect_lt(s.len, 200);
    cr_expect_neq(strstr(s.data, "> deep\n"), NULL);
    fake_sink_free(&s);
    fake_job_dispose(&fj);
}

Test(markdown, deep_inline_nesting_is_flattened, .timeout = 20)
{
    folio_node *inner = T("x");
    for (int i = 0; i < 20000; i++)
        inner = i % 2 ? EM(inner) : STRONG(inner);
    ADD(P(T("a "), inner));
    char *out = RENDER();
    cr_expect_lt(strlen(out), 200);
    cr_expect_neq(strstr(out, "x"), NULL);
    free(out);
}

/* Hostile shapes that a careless clean-up makes quadratic. */
Test(markdown, wide_paragraphs_stay_fast, .timeout = 30)
{
    folio_node *p1 = mk(FOLIO_NODE_PARAGRAPH, NULL);
    folio_node *p2 = mk(FOLIO_NODE_PARAGRAPH, NULL);
    folio_node *p3 = mk(FOLIO_NODE_PARAGRAPH, NULL);
    for (int i = 0; i < 50000; i++) {
        /* emphasis that must go, leaving runs of text to join */
        cr_assert_eq(folio_node_append_child(p1, T("a")), FOLIO_OK);
        cr_assert_eq(folio_node_append_child(p1, EM(T("."))), FOLIO_OK);
        /* adjacent emphasis to merge */
        cr_assert_eq(folio_node_append_child(p2, STRONG(T("b"))), FOLIO_OK);
        /* breaks */
        cr_assert_eq(folio_node_append_child(p3, T("c ")), FOLIO_OK);
        cr_assert_eq(folio_node_append_child(p3, BR()), FOLIO_OK);
    }
    ADD(p1, p2, p3);
    char *out = RENDER();
    cr_expect_gt(strlen(out), 250000);
    cr_expect_eq(strncmp(out, "a.a.a.", 6), 0);
    free(out);
}

Test(markdown, many_footnotes_and_rows_stay_fast, .timeout = 60)
{
    folio_node *p = mk(FOLIO_NODE_PARAGRAPH, NULL);
    folio_node *t = mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL), NULL);
    char label[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(label, sizeof label, "n%d", i);
        cr_assert_eq(folio_node_append_child(p, FNREF(label)), FOLIO_OK);
        cr_assert_eq(folio_node_append_child(root, FNDEF(label,
                                                         P(T("note")), NULL)),
                     FOLIO_OK);
        cr_assert_eq(folio_node_append_child(t, ROW(false, C("r"), NULL)),
                     FOLIO_OK);
    }
    cr_assert_eq(folio_node_append_child(root, p), FOLIO_OK);
    cr_assert_eq(folio_node_append_child(root, t), FOLIO_OK);
    char *out = RENDER();
    cr_expect_neq(strstr(out, "[^3000]: note\n"), NULL);
    int got[S_COUNT] = {0};
    count_md(out, got);
    cr_expect_eq(got[S_FNREF], 3000);
    cr_expect_eq(got[S_FNDEF], 3000);
    free(out);
}

Test(markdown, deep_list_nesting_round_trips_up_to_the_cap)
{
    folio_node *inner = LIST(false, 1, true, ITEM(P(T("leaf"))), NULL);
    for (int i = 0; i < 10; i++)
        inner = LIST(false, 1, true, ITEM(P(T("n")), inner), NULL);
    ADD(inner);
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
}

/* A host newer than the plugin may send node types it does not know:
 * ASIDE, SUPERSCRIPT and THEMATIC_BREAK are reported as unknown types
 * here (a container block, a container inline, a leaf). */
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

Test(markdown, unknown_node_types_render_their_children)
{
    folio_doc_api api = *folio_doc_api_get();
    api.type = future_type;
    folio_host host = *fake_host();
    host.doc = &api;
    ADD(mk(FOLIO_NODE_ASIDE, P(T("inside")), NULL),
        P(T("x"), SUP(T("2")), T(" y")), HR(),
        mk(FOLIO_NODE_ASIDE, NULL), P(T("end")));
    fake_job fj;
    fake_job_init(&fj, md);
    fake_sink s = {0};
    cr_assert_eq(md->output->write(&host, FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_OK);
    cr_expect_str_eq(s.data, "inside\n\nx2 y\n\nend\n");
    fake_sink_free(&s);
    fake_job_dispose(&fj);
}

Test(markdown, write_refuses_an_old_host)
{
    folio_host host = *fake_host();
    host.size = offsetof(folio_host, doc);
    fake_job fj;
    fake_job_init(&fj, md);
    fake_sink s = {0};
    cr_expect_eq(md->output->write(&host, FAKE_JOB(&fj), doc,
                                   fake_sink_write, &s),
                 FOLIO_EINVALID);
    cr_expect_neq(fj.error[0], '\0');
    const char *msg = NULL;
    cr_expect_neq(md->init(&host, &msg), 0);
    cr_expect_not_null(msg);
    fake_job_dispose(&fj);
}

/* The host may write several jobs at once from different threads. */
static void *write_thread(void *arg)
{
    fake_job fj;
    fake_job_init(&fj, md);
    fake_sink *s = arg;
    for (int i = 0; i < 20; i++) {
        fake_sink_free(s);
        if (md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                              fake_sink_write, s) != FOLIO_OK)
            break;
    }
    fake_job_dispose(&fj);
    return NULL;
}

Test(markdown, concurrent_writes_agree, .timeout = 60)
{
    ADD(H(2, T("T"), NULL), P(T("a "), EM(T("b")), FNREF("x")),
        mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL), ROW(false, C("v"), NULL),
           NULL),
        LIST(false, 1, true, ITEM(P(T("i"))), NULL),
        LIST(false, 1, true, ITEM(P(T("j"))), NULL),
        FNDEF("x", P(T("n")), NULL));
    char *want = RENDER();
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
/* Everything at once                                                 */
/* ------------------------------------------------------------------ */

Test(markdown, kitchen_sink_round_trips)
{
    ADD(H(1, T("Kitchen "), CODE("sink"), NULL),
        P(T("Intro with "), EM(T("em")), T(", "), STRONG(T("strong")), T(", "),
          STRIKE(T("old")), T(", "),
          LINK("https://e.org/p?a=1&b=2", "T", T("a link"), NULL), T(" and "),
          IMG("https://e.org/i.png", "pic", NULL), T("."), FNREF("f")),
        QUOTE(P(T("Quote "), EM(T("here"))),
              LIST(true, 2, true, ITEM(P(T("x"))), ITEM(P(T("y"))), NULL)),
        LIST(false, 1, false, ITEM(P(T("loose")), CB("js", "let a = `b`;\n")),
             ITEM(QUOTE(P(T("in item")))), NULL),
        mk(FOLIO_NODE_TABLE,
           ROW(true, C("k"), CELL(FOLIO_ALIGN_RIGHT, 1, 1, T("v"), NULL), NULL),
           ROW(false, C("*"), CELL(FOLIO_ALIGN_NONE, 1, 1, EM(T("e")), NULL),
               NULL),
           NULL),
        HR(),
        mk(FOLIO_NODE_FIGURE, P(IMG("https://e.org/f.png", "F", NULL)),
           mk(FOLIO_NODE_CAPTION, T("Fig "), STRONG(T("1")), NULL), NULL),
        FNDEF("f", P(T("The note "), LINK("https://e.org/n", NULL, T("n"),
                                          NULL)),
              NULL));
    char *out = RENDER();
    check_roundtrip(out, 0);
    free(out);
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

    fake_job fj;
    fake_job_init(&fj, md);
    fake_sink s = {0};
    rc = md->output->write(fake_host(), FAKE_JOB(&fj), d, fake_sink_write, &s);
    cr_expect_eq(rc, FOLIO_OK, "%s: write: %s", name, fj.error);
    const char *got = s.data != NULL ? s.data : "";
    check_text_file(got, s.len);

    /* The structure survives: same tables, code blocks, lists, quotes. */
    int want[S_COUNT] = {0}, back[S_COUNT] = {0};
    count_doc(folio_doc_root(d), want);
    count_md(got, back);
    int blocks[] = {S_LIST, S_ITEM, S_QUOTE, S_CODE_BLOCK, S_TABLE, S_IMAGE,
                    S_FNREF};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        cr_expect_eq(back[blocks[i]], want[blocks[i]], "%s: %s: %d vs %d",
                     name, s_names[blocks[i]], back[blocks[i]],
                     want[blocks[i]]);
    }

    snprintf(path, sizeof path, "%s/%s/expected.md", dir, name);
    if (update) {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f, "cannot write %s", path);
        fwrite(got, 1, s.len, f);
        fclose(f);
    } else {
        size_t elen;
        char *exp = read_file(path, &elen);
        cr_expect_not_null(exp, "%s: no expected.md (FOLIO_UPDATE_GOLDEN=1 "
                                "writes it)", name);
        if (exp != NULL)
            cr_expect_str_eq(got, exp, "%s: output differs from %s:\n%s",
                             name, path, got);
        free(exp);
    }
    fake_sink_free(&s);
    fake_job_dispose(&fj);
    folio_job_free(job);
    free(html);
}

Test(markdown, golden_fixtures, .timeout = 60)
{
    const char *e = getenv("FOLIO_UPDATE_GOLDEN");
    bool update = e != NULL && strcmp(e, "1") == 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fixtures", FOLIO_TEST_SRCDIR);
    DIR *dp = opendir(dir);
    cr_assert_not_null(dp, "no %s", dir);
    /* Sorted, so failures come in a stable order. */
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

/* ------------------------------------------------------------------ */
/* -O preset: template engines                                        */
/* ------------------------------------------------------------------ */

/* Renders with the options and records the warnings count in `*warn`. */
static char *render_warn(size_t *warn, const char *key, ...)
{
    fake_job fj;
    fake_job_init(&fj, md);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k != NULL; k = va_arg(ap, const char *))
        fake_job_set(&fj, k, va_arg(ap, const char *));
    va_end(ap);
    fake_sink s = {0};
    int rc = md->output->write(fake_host(), FAKE_JOB(&fj), doc,
                               fake_sink_write, &s);
    cr_assert_eq(rc, FOLIO_OK, "write: %d %s", rc, fj.error);
    *warn = fj.n_warnings;
    fake_job_dispose(&fj);
    char *out = s.data != NULL ? s.data : strdup("");
    check_text_file(out, s.len);
    return out;
}

/* Strips the `{% raw %}\n\n` ... `\n{% endraw %}\n` wrapping, undoing the
 * split raw tags the way Liquid prints them; fails when it is absent. */
static char *unwrap_raw(const char *out)
{
    const char *open = "{% raw %}\n\n", *close = "\n{% endraw %}\n";
    size_t len = strlen(out), lo = strlen(open), lc = strlen(close);
    cr_assert_geq(len, lo + lc, "no raw block in\n%s", out);
    cr_assert_eq(strncmp(out, open, lo), 0, "no {%% raw %%} in\n%s", out);
    cr_assert_str_eq(out + len - lc, close, "no {%% endraw %%} in\n%s", out);
    const char *split = "{% endraw %}{{ \"{\" }}{% raw %}";
    char *res = calloc(len + 1, 1);
    cr_assert_not_null(res);
    size_t n = 0;
    for (size_t i = lo; i < len - lc;) {
        if (strncmp(out + i, split, strlen(split)) == 0) {
            res[n++] = '{';
            i += strlen(split);
            continue;
        }
        /* Anything else that ends the block early is a failure. */
        cr_assert(strncmp(out + i, "{% endraw", 9) != 0 &&
                      strncmp(out + i, "{%- endraw", 10) != 0,
                  "raw block ends early in\n%s", out);
        res[n++] = out[i++];
    }
    return res;
}

static void hazard_doc(void)
{
    ADD(P(T("Use {{ page.title }} here.")),
        CB("liquid", "{% if x %}{{ x }}{% endif %}\n"));
}

Test(markdown, preset_option_is_declared)
{
    bool preset = false, links = false;
    for (const folio_option *o = md->options; o->name != NULL; o++) {
        if (strcmp(o->name, "preset") == 0) {
            preset = true;
            cr_expect_eq(o->type, FOLIO_OPTION_ENUM);
            cr_expect_str_eq(o->default_value, "generic");
            cr_expect_str_eq(o->choices,
                             "generic|hugo|jekyll|eleventy|astro|obsidian");
        }
        if (strcmp(o->name, "links") == 0) {
            links = true;
            cr_expect_eq(o->type, FOLIO_OPTION_ENUM);
            cr_expect_str_eq(o->default_value, "inline");
            cr_expect_str_eq(o->choices, "inline|references");
        }
    }
    cr_expect(preset && links);
}

Test(markdown, preset_generic_astro_obsidian_change_nothing)
{
    hazard_doc();
    ADD(P(T("{{< shortcode >}} and {{% sc %}}")));
    char *plain = RENDER();
    cr_expect_str_eq(plain, "Use {{ page.title }} here.\n\n"
                            "``` liquid\n{% if x %}{{ x }}{% endif %}\n"
                            "```\n\n{{\\< shortcode \\>}} and {{% sc %}}\n");
    const char *presets[] = {"generic", "astro", "obsidian"};
    for (size_t i = 0; i < 3; i++) {
        size_t warn;
        char *out = render_warn(&warn, "preset", presets[i], NULL);
        cr_expect_str_eq(out, plain, "preset %s", presets[i]);
        cr_expect_eq(warn, 0);
        free(out);
    }
    free(plain);
}

Test(markdown, preset_jekyll_and_eleventy_wrap_in_raw)
{
    hazard_doc();
    char *plain = RENDER();
    const char *presets[] = {"jekyll", "eleventy"};
    for (size_t i = 0; i < 2; i++) {
        size_t warn;
        char *out = render_warn(&warn, "preset", presets[i], NULL);
        cr_expect_eq(warn, 0);
        char *body = unwrap_raw(out);
        cr_expect_str_eq(body, plain, "preset %s", presets[i]);
        /* The wrapping adds no Markdown: the same blocks parse. */
        check_roundtrip(out, 0);
        free(body);
        free(out);
    }
    free(plain);
}

Test(markdown, preset_jekyll_leaves_text_without_tags_alone)
{
    ADD(P(T("Braces { alone } and a % sign, "), CODE("{# not Liquid #}")));
    char *plain = RENDER();
    size_t warn;
    char *out = render_warn(&warn, "preset", "jekyll", NULL);
    cr_expect_str_eq(out, plain);
    free(out);
    /* Nunjucks comments do count for Eleventy. */
    out = render_warn(&warn, "preset", "eleventy", NULL);
    char *body = unwrap_raw(out);
    cr_expect_str_eq(body, plain);
    free(body);
    free(out);
    free(plain);
}

Test(markdown, preset_jekyll_splits_endraw_in_the_body)
{
    ADD(P(T("Close it: {% endraw %} and {%- endraw -%}.")),
        CB("liquid", "{% raw %}{{ x }}{%endraw%}\n"));
    char *plain = RENDER();
    const char *presets[] = {"jekyll", "eleventy"};
    for (size_t i = 0; i < 2; i++) {
        size_t warn;
        char *out = render_warn(&warn, "preset", presets[i], NULL);
        cr_expect_eq(warn, 1, "preset %s: %zu warnings", presets[i], warn);
        char *body = unwrap_raw(out);
        cr_expect_str_eq(body, plain, "preset %s", presets[i]);
        free(body);
        free(out);
    }
    free(plain);
}

Test(markdown, preset_jekyll_wraps_footnotes_and_references_too)
{
    ADD(P(T("See"), FNREF("a"), T(" "),
          LINK("https://e.org/", NULL, T("x"), NULL)),
        FNDEF("a", P(T("Note {{ y }}.")), NULL));
    size_t warn;
    char *out = render_warn(&warn, "preset", "jekyll", "links", "references",
                            NULL);
    cr_expect_str_eq(out, "{% raw %}\n\nSee[^1] [x][1]\n\n[^1]: Note {{ y }}.\n"
                          "\n[1]: https://e.org/\n\n{% endraw %}\n");
    free(out);
}

Test(markdown, preset_hugo_breaks_shortcodes_everywhere)
{
    ADD(P(T("Text {{< sc >}}, {{% sc %}} and {{ .Title }}; "),
          CODE("{{< a >}}")),
        CB("go-html-template", "{{{< b >}}\n{{%c%}}\n{{ d }}\n"));
    size_t warn;
    char *out = render_warn(&warn, "preset", "hugo", NULL);
    cr_expect_eq(warn, 0);
    cr_expect_str_eq(out,
                     "Text {{\\< sc \\>}}, {{\xe2\x80\x8b% sc %}} and "
                     "{{ .Title }}; `{{\xe2\x80\x8b< a >}}`\n\n"
                     "``` go-html-template\n{{{\xe2\x80\x8b< b >}}\n"
                     "{{\xe2\x80\x8b%c%}}\n{{ d }}\n```\n");
    cr_expect_null(strstr(out, "{{<"));
    cr_expect_null(strstr(out, "{{%"));
    free(out);
}

/* ------------------------------------------------------------------ */
/* -O links=references                                                 */
/* ------------------------------------------------------------------ */

/* Appends the parsed tree of `s` to `b` as one line per node (type, then
 * literal, URL, title), adjacent text merged: the parser splits text at
 * brackets and the two link styles bracket differently. */
static char *dump_tree(const char *s)
{
    cmark_node *r = parse_md(s);
    cmark_iter *it = cmark_iter_new(r);
    char *b = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&b, &n);
    cr_assert_not_null(f);
    bool in_text = false;
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *x = cmark_iter_get_node(it);
        const char *type = cmark_node_get_type_string(x);
        bool text = strcmp(type, "text") == 0;
        if (in_text && !text)
            fputs("\n", f);
        if (text) {
            if (!in_text)
                fputs("text ", f);
            fputs(cmark_node_get_literal(x), f);
            in_text = true;
            continue;
        }
        in_text = false;
        if (ev == CMARK_EVENT_EXIT) {
            fprintf(f, "/%s\n", type);
            continue;
        }
        const char *l = cmark_node_get_literal(x);
        const char *u = strcmp(type, "link") == 0 || strcmp(type, "image") == 0
                            ? cmark_node_get_url(x) : NULL;
        const char *t = u != NULL ? cmark_node_get_title(x) : NULL;
        fprintf(f, "%s [%s] <%s> \"%s\"\n", type, l != NULL ? l : "",
                u != NULL ? u : "", t != NULL ? t : "");
    }
    fclose(f);
    cmark_iter_free(it);
    cmark_node_free(r);
    return b;
}

/* Renders inline and with references and checks that both parse to the
 * same tree; returns the reference output. */
static char *check_refs_equivalent(void)
{
    char *in = RENDER();
    char *ref = render("links", "references", NULL);
    char *a = dump_tree(in), *b = dump_tree(ref);
    cr_expect_str_eq(b, a, "\n--- reference:\n%s--- inline:\n%s--- trees:\n"
                     "%s---\n%s", ref, in, b, a);
    free(a);
    free(b);
    free(in);
    return ref;
}

Test(markdown, reference_links_numbered_and_deduplicated)
{
    ADD(P(T("See "), LINK("https://e.org/a", NULL, T("one"), NULL), T(", "),
          LINK("https://e.org/b", "The \"B\"", T("two"), NULL), T(", "),
          LINK("https://e.org/a", NULL, T("one again"), NULL), T(", "),
          LINK("https://e.org/b", NULL, T("B untitled"), NULL), T(" and "),
          LINK("https://e.org/b", "The \"B\"", T("two again"), NULL),
          T(".")));
    char *out = check_refs_equivalent();
    cr_expect_str_eq(out, "See [one][1], [two][2], [one again][1], "
                          "[B untitled][3] and [two again][2].\n\n"
                          "[1]: https://e.org/a\n"
                          "[2]: https://e.org/b \"The \\\"B\\\"\"\n"
                          "[3]: https://e.org/b\n");
    free(out);
}

Test(markdown, reference_links_in_emphasis_headings_tables_lists)
{
    ADD(H(2, T("About "), LINK("https://e.org/h", NULL, T("it"), NULL), NULL),
        P(EM(LINK("https://e.org/e", NULL, T("emph"), NULL)), T(" and "),
          STRONG(T("bold "), LINK("https://e.org/s", "t", EM(T("x")), NULL))),
        mk(FOLIO_NODE_TABLE, ROW(true, C("h"), NULL),
           ROW(false,
               CELL(FOLIO_ALIGN_NONE, 1, 1,
                    LINK("https://e.org/a|b", NULL, T("c|d"), NULL), NULL),
               NULL),
           NULL),
        LIST(false, 1, true,
             ITEM(P(LINK("https://e.org/l", NULL, T("item"), NULL))),
             ITEM(P(T("x "), LINK("https://e.org/h", NULL, T("[6]"), NULL))),
             NULL));
    char *out = check_refs_equivalent();
    cr_expect_str_eq(out, "## About [it][1]\n\n"
                          "*[emph][2]* and **bold [*x*][3]**\n\n"
                          "| h |\n| --- |\n| [c\\|d][4] |\n\n"
                          "  - [item][5]\n  - x [\\[6\\]][1]\n\n"
                          "[1]: https://e.org/h\n[2]: https://e.org/e\n"
                          "[3]: https://e.org/s \"t\"\n"
                          "[4]: https://e.org/a|b\n[5]: https://e.org/l\n");
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, reference_destinations_and_titles_are_escaped)
{
    ADD(P(LINK("https://e.org/a b_(c)", NULL, T("space"), NULL), T(" "),
          LINK("https://e.org/<x>\\y", "back\\slash & \"q\"", T("odd"),
               NULL),
          T(" "), LINK("https://e.org/?a=1&b=2", NULL, T("query"), NULL)));
    char *out = check_refs_equivalent();
    cr_expect_str_eq(out, "[space][1] [odd][2] [query][3]\n\n"
                          "[1]: <https://e.org/a%20b_(c)>\n"
                          "[2]: <https://e.org/\\<x\\>\\\\y> "
                          "\"back\\\\slash & \\\"q\\\"\"\n"
                          "[3]: https://e.org/?a=1&b=2\n");
    free(out);
}

/* Text that reads as an entity stays text in definitions. (Inline links
 * are not compared: their renderer leaves "&amp;" as it is.) */
Test(markdown, reference_entities_are_not_decoded)
{
    ADD(P(LINK("https://e.org/?x=1&copy;", "a &amp; b", T("e"), NULL)));
    char *out = render("links", "references", NULL);
    cr_expect_str_eq(out, "[e][1]\n\n"
                          "[1]: https://e.org/?x=1&amp;copy; "
                          "\"a &amp;amp; b\"\n");
    cmark_node *r = parse_md(out);
    cmark_node *l = cmark_node_first_child(cmark_node_first_child(r));
    cr_assert_str_eq(cmark_node_get_type_string(l), "link");
    cr_expect_str_eq(cmark_node_get_url(l), "https://e.org/?x=1&copy;");
    cr_expect_str_eq(cmark_node_get_title(l), "a &amp; b");
    cmark_node_free(r);
    free(out);
}

Test(markdown, reference_links_images_stay_inline)
{
    ADD(P(LINK("https://e.org/big.jpg", NULL,
               IMG("https://e.org/small.jpg", "a cat", NULL), NULL),
          T(" "), IMG("https://e.org/b.png", "b", "B"), T(" wow! "),
          LINK("https://e.org/w", NULL, T("w"), NULL)));
    char *out = check_refs_equivalent();
    cr_expect_str_eq(out, "[![a cat](https://e.org/small.jpg)][1] "
                          "![b](https://e.org/b.png \"B\") wow! [w][2]\n\n"
                          "[1]: https://e.org/big.jpg\n[2]: https://e.org/w\n");
    free(out);
}

Test(markdown, reference_links_in_footnotes_follow_on)
{
    ADD(P(T("A"), FNREF("n"), T(" "), LINK("https://e.org/1", NULL,
                                           T("one"), NULL)),
        FNDEF("n", P(T("See "), LINK("https://e.org/2", NULL, T("two"), NULL),
                     T(" and "), LINK("https://e.org/1", NULL, T("one"),
                                      NULL)),
              NULL));
    char *out = check_refs_equivalent();
    cr_expect_str_eq(out, "A[^1] [one][1]\n\n[^1]: See [two][2] and "
                          "[one][1]\n\n[1]: https://e.org/1\n"
                          "[2]: https://e.org/2\n");
    check_roundtrip(out, 0);
    free(out);
}

Test(markdown, reference_links_without_links_add_nothing)
{
    ADD(P(T("No links, [brackets] only.")));
    char *in = RENDER();
    char *ref = render("links", "references", NULL);
    cr_expect_str_eq(ref, in);
    free(in);
    free(ref);
}
