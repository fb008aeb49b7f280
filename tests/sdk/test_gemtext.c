/* SPDX-License-Identifier: MIT */
/*
 * The gemtext example plugin (plugins/gemtext), run through the folio
 * program as a user runs it: exact output for each construct, then the
 * golden files tests/fixtures/<case>/expected.gmi for the cases listed in
 * golden_cases (FOLIO_UPDATE_GOLDEN=1 rewrites them).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads all of `f`; malloc'd, NUL-terminated. */
static char *slurp(FILE *f)
{
    size_t len = 0, cap = 4096;
    char *p = malloc(cap);

    cr_assert_not_null(p);
    for (size_t n; (n = fread(p + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            p = realloc(p, cap);
            cr_assert_not_null(p);
        }
    }
    p[len] = '\0';
    return p;
}

/* Runs folio -t gemtext with `args` on `path`; returns its stdout, or
 * NULL when folio failed. */
static char *run_gemtext(const char *args, const char *path)
{
    const char *exe = getenv("FOLIO_EXE");
    char cmd[8192];
    FILE *f;
    char *out;
    int st;

    if (exe == NULL)
        return NULL;
    snprintf(cmd, sizeof cmd, "'%s' -q -t gemtext %s '%s'", exe, args, path);
    f = popen(cmd, "r");
    if (f == NULL)
        return NULL;
    out = slurp(f);
    st = pclose(f);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static char *gemtext_of_file(const char *args, const char *path)
{
    char *out = run_gemtext(args, path);

    cr_assert_not_null(out, "folio -t gemtext %s %s failed", args, path);
    return out;
}

/* The same for a page given as a string (the whole page converted). */
static char *gemtext_of(const char *args, const char *html)
{
    char path[] = "/tmp/folio-gemtext-XXXXXX";
    char all[4096];
    int fd = mkstemp(path);
    char *out;

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, html, strlen(html)), (ssize_t)strlen(html));
    close(fd);
    snprintf(all, sizeof all,
             "--no-extract --base-url https://ex.example/ -O title=false %s",
             args);
    out = run_gemtext(all, path);
    unlink(path);
    cr_assert_not_null(out, "folio -t gemtext %s failed on:\n%s", all, html);
    return out;
}

#define PAGE(body) "<!DOCTYPE html><html><body>" body "</body></html>"

static void expect_gemtext(const char *args, const char *html,
                           const char *want)
{
    char *got = gemtext_of(args, html);

    cr_expect_str_eq(got, want, "for %s\n--- got:\n%s--- want:\n%s", html,
                     got, want);
    free(got);
}

Test(gemtext, headings_map_to_three_levels)
{
    expect_gemtext("", PAGE("<h1>Top</h1><h2>Second</h2><h3>Third</h3>"
                            "<h5>Fifth <em>deep</em></h5>"),
                   "# Top\n\n## Second\n\n### Third\n\n### Fifth deep\n");
}

Test(gemtext, links_follow_their_paragraph_once_each)
{
    expect_gemtext("",
                   PAGE("<p>Read <a href='/a'>the first</a> and <a "
                        "href='/b'>the second</a>, again <a "
                        "href='/a'>here</a>.<img src='/i.png' alt='A "
                        "cat'></p><p>Next.</p>"),
                   "Read the first and the second, again here.\n"
                   "=> https://ex.example/a the first\n"
                   "=> https://ex.example/b the second\n"
                   "=> https://ex.example/i.png A cat\n"
                   "\n"
                   "Next.\n");
}

Test(gemtext, links_at_end_option)
{
    expect_gemtext("-O links=end",
                   PAGE("<p>One <a href='/a'>A</a>.</p>"
                        "<p>Two <a href='/b'>B</a>.</p>"),
                   "One A.\n\nTwo B.\n\n"
                   "=> https://ex.example/a A\n"
                   "=> https://ex.example/b B\n");
}

Test(gemtext, a_lone_link_is_just_a_link_line)
{
    expect_gemtext("",
                   PAGE("<p><a href='/only'>Only a link</a></p>"
                        "<ul><li><a href='/x'>X site</a></li>"
                        "<li><a href='/y'>Y site</a></li></ul>"),
                   "=> https://ex.example/only Only a link\n\n"
                   "=> https://ex.example/x X site\n"
                   "=> https://ex.example/y Y site\n");
}

Test(gemtext, lists_and_numbers)
{
    expect_gemtext("",
                   PAGE("<ul><li>Plain <b>item</b></li><li>two</li></ul>"
                        "<ol start='3'><li>three</li><li>four</li></ol>"),
                   "* Plain item\n* two\n\n* 3. three\n* 4. four\n");
}

Test(gemtext, quotes_quote_every_line)
{
    expect_gemtext("",
                   PAGE("<blockquote><p>Quoted one.</p>"
                        "<p>Quoted<br>two.</p></blockquote>"),
                   "> Quoted one.\n\n> Quoted\n> two.\n");
}

Test(gemtext, code_blocks_are_preformatted_with_language)
{
    expect_gemtext("",
                   PAGE("<pre><code class='language-python'>print(1)\n"
                        "```inner\n</code></pre>"),
                   "```python\nprint(1)\n ```inner\n```\n");
}

Test(gemtext, text_that_looks_like_markup_is_guarded)
{
    expect_gemtext("",
                   PAGE("<p># not a heading</p><p>=&gt; not a link</p>"
                        "<p>* not an item</p><p>&gt; not a quote</p>"),
                   " # not a heading\n\n => not a link\n\n"
                   " * not an item\n\n > not a quote\n");
}

Test(gemtext, tables_are_aligned_preformatted_text)
{
    expect_gemtext("",
                   PAGE("<table><tr><th>Name</th><th align='right'>Qty</th>"
                        "</tr><tr><td>Apples</td><td align='right'>3</td>"
                        "</tr><tr><td>Kiwis</td><td align='right'>12</td>"
                        "</tr></table>"),
                   "```table\n"
                   "| Name   | Qty |\n"
                   "|--------|-----|\n"
                   "| Apples |   3 |\n"
                   "| Kiwis  |  12 |\n"
                   "```\n");
}

Test(gemtext, wide_characters_count_twice_in_tables)
{
    expect_gemtext("",
                   PAGE("<table><tr><th>城市</th><th>n</th></tr>"
                        "<tr><td>ab</td><td>1</td></tr></table>"),
                   "```table\n"
                   "| 城市 | n |\n"
                   "|------|---|\n"
                   "| ab   | 1 |\n"
                   "```\n");
}

Test(gemtext, extra_cells_join_the_last_column_and_padding_is_capped)
{
    char html[8192];
    char *p = html;
    char *got;

    p += sprintf(p, "<table><tr>");
    for (int i = 0; i < 70; i++)
        p += sprintf(p, "<td>%d</td>", i % 10);
    p += sprintf(p, "</tr><tr><td>");
    for (int i = 0; i < 100; i++)
        *p++ = 'x';
    p += sprintf(p, "</td><td>y</td></tr></table>");
    got = gemtext_of("", html);
    /* 63 columns of their own, then "3 4 5 6 7 8 9" in the last one;
     * the 100-wide cell pads its column to 60 only. */
    cr_expect(strncmp(got, "```table\n| 0", 12) == 0, "%s", got);
    cr_expect(strstr(got, " | 3 4 5 6 7 8 9 |\n") != NULL, "%s", got);
    cr_expect(strstr(got, "\n| 0" "                                        "
                          "                    | 1 |") != NULL,
              "%s", got);
    cr_expect(strlen(got) < 1000, "padding not capped: %zu bytes",
              strlen(got));
    free(got);
}

Test(gemtext, title_comes_first_unless_the_text_has_it)
{
    char *a = gemtext_of("-O title=true",
                         "<html><head><title>Hello</title></head><body>"
                         "<p>Text.</p></body></html>");
    char *b = gemtext_of("-O title=true",
                         "<html><head><title>Hello</title></head><body>"
                         "<h1>Hello</h1><p>Text.</p></body></html>");

    cr_expect_str_eq(a, "# Hello\n\nText.\n");
    cr_expect_str_eq(b, "# Hello\n\nText.\n");
    free(a);
    free(b);
}

Test(gemtext, hard_breaks_and_rules)
{
    expect_gemtext("", PAGE("<p>Line one<br>Line two</p><hr><p>After</p>"),
                   "Line one\nLine two\n\n---\n\nAfter\n");
}

Test(gemtext, deep_nesting_does_not_overflow)
{
    size_t depth = 20000;
    size_t cap = depth * sizeof "<blockquote>" + 256;
    char *html = malloc(cap);
    char *p = html;
    char path[] = "/tmp/folio-gemtext-XXXXXX";
    int fd;
    char *got;

    cr_assert_not_null(html);
    p += sprintf(p, "<html><body>");
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "<blockquote>");
    p += sprintf(p, "<p>deep</p></body></html>");
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, html, (size_t)(p - html)), p - html);
    close(fd);
    got = run_gemtext("--no-extract -O title=false", path);
    unlink(path);
    cr_assert_not_null(got, "folio failed on a deep page");
    cr_expect(strstr(got, "> deep\n") != NULL, "got: %.200s", got);
    free(got);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Golden files                                                       */
/* ------------------------------------------------------------------ */

static const char *const golden_cases[] = {
    "code-languages", "extract-content", "figure-credits", "footnotes",
    "lists-nested",   "relative-urls",   "tables-align",
};

Test(gemtext, golden_fixtures)
{
    const char *e = getenv("FOLIO_UPDATE_GOLDEN");
    bool update = e != NULL && strcmp(e, "1") == 0;

    for (size_t i = 0; i < sizeof golden_cases / sizeof *golden_cases; i++) {
        char src[4096], gmi[4096];
        char *got;
        FILE *f;

        snprintf(src, sizeof src, "%s/fixtures/%s/source.html",
                 FOLIO_TEST_SRCDIR, golden_cases[i]);
        snprintf(gmi, sizeof gmi, "%s/fixtures/%s/expected.gmi",
                 FOLIO_TEST_SRCDIR, golden_cases[i]);
        got = gemtext_of_file("", src);
        if (update) {
            f = fopen(gmi, "wb");
            cr_assert_not_null(f, "cannot write %s", gmi);
            fputs(got, f);
            fclose(f);
        } else {
            char *want;

            f = fopen(gmi, "rb");
            cr_expect_not_null(f, "%s: missing (FOLIO_UPDATE_GOLDEN=1 "
                                  "writes it)", gmi);
            if (f != NULL) {
                want = slurp(f);
                fclose(f);
                cr_expect_str_eq(got, want, "%s: output differs:\n%s",
                                 golden_cases[i], got);
                free(want);
            }
        }
        free(got);
    }
}
