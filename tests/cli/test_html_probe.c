/* SPDX-License-Identifier: MIT */
/*
 * The html input plugin's probe(): loaded straight from the build's
 * plugin file with dlopen, so these tests need nothing but the plugin.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/plugin.h"

static void *handle;
static const folio_plugin *html;

/* Opens folio-html.so from the first FOLIO_PLUGIN_PATH folder that has
 * it. */
static void load_html(void)
{
    const char *path = getenv("FOLIO_PLUGIN_PATH");
    char *copy, *save = NULL;
    folio_plugin_entry_fn entry;

    cr_assert_not_null(path, "FOLIO_PLUGIN_PATH is not set");
    copy = strdup(path);
    for (char *d = strtok_r(copy, ":", &save); d != NULL && handle == NULL;
         d = strtok_r(NULL, ":", &save)) {
        char file[4096];

        snprintf(file, sizeof file, "%s/folio-html.so", d);
        handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    }
    free(copy);
    cr_assert_not_null(handle, "folio-html.so not found along %s", path);
    *(void **)&entry = dlsym(handle, FOLIO_PLUGIN_ENTRY_SYMBOL);
    cr_assert_not_null(entry);
    html = entry();
    cr_assert_not_null(html);
}

static void unload_html(void)
{
    if (handle != NULL)
        dlclose(handle);
}

TestSuite(html_probe, .init = load_html, .fini = unload_html);

static int probe_str(const char *s)
{
    return html->input->probe((const unsigned char *)s, strlen(s));
}

Test(html_probe, descriptor)
{
    static const char *const want[] = {
        "html", "htm", "xhtml", "text/html", "application/xhtml+xml", NULL,
    };

    cr_assert_eq(html->abi_major, FOLIO_ABI_MAJOR);
    cr_assert_eq(html->kind, FOLIO_PLUGIN_INPUT);
    cr_assert_str_eq(html->name, "html");
    cr_assert_str_eq(html->version, "0.1.0");
    cr_assert_not_null(html->input);
    cr_assert_not_null(html->input->read);
    for (size_t i = 0; want[i] != NULL; i++) {
        cr_assert_not_null(html->formats[i]);
        cr_assert_str_eq(html->formats[i], want[i]);
    }
}

Test(html_probe, documents_score_high)
{
    static const char *const docs[] = {
        "<!DOCTYPE html><html><body><p>x</p></body></html>",
        "<!doctype HTML>\n<title>x</title>",
        "\xEF\xBB\xBF  <html lang=\"en\">",
        "\n\n<!-- saved from url=(0023)https://example.com/ -->\n<html>",
        "<HEAD><title>t</title></HEAD>",
        "<body>text</body>",
        "<meta charset=\"utf-8\"><p>hello</p>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
        NULL,
    };

    for (size_t i = 0; docs[i] != NULL; i++)
        cr_assert_eq(probe_str(docs[i]), 90, "case %zu: %s", i, docs[i]);
}

Test(html_probe, fragments_score_lower)
{
    int frag = probe_str("<p>Just a paragraph of text.</p>");
    int div = probe_str("  <div class=\"post\"><h1>Title</h1></div>");
    int art = probe_str("<article><h2>x</h2></article>");
    int soup = probe_str("Some text first, then <p>one</p> and <p>two</p> "
                         "and <em>three</em>.");

    cr_assert(frag >= 30 && frag <= 60, "p: %d", frag);
    cr_assert(div >= 30 && div <= 60, "div: %d", div);
    cr_assert(art >= 30 && art <= 60, "article: %d", art);
    cr_assert(soup >= 30 && soup <= 60, "tag soup: %d", soup);
    cr_assert_lt(soup, frag);
}

Test(html_probe, late_marker_scores_between)
{
    int s = probe_str("garbage line\nmore garbage\n<html><body>x</body>");

    cr_assert(s > 30 && s < 90, "score %d", s);
}

Test(html_probe, not_html_scores_zero)
{
    static const char *const others[] = {
        "",
        "# A Markdown heading\n\nSome *text*.\n",
        "{\"title\": \"json\"}",
        "plain text that mentions <p> once",
        "<pre-formatted> is not a tag we know",
        "<!-- only a comment -->",
        "<!-- an unterminated comment <html>",
        "%PDF-1.7\n",
        NULL,
    };

    for (size_t i = 0; others[i] != NULL; i++)
        cr_assert_eq(probe_str(others[i]), 0, "case %zu: %s", i, others[i]);
    cr_assert_eq(html->input->probe(NULL, 0), 0);
}

Test(html_probe, nul_bytes_mean_binary)
{
    static const unsigned char bin[] = "<html>\0\x01\x02<body>";
    unsigned char big[8192];

    cr_assert_eq(html->input->probe(bin, sizeof bin - 1), 0);
    /* A NUL beyond the first 4 KiB is not looked at. */
    memset(big, ' ', sizeof big);
    memcpy(big, "<html>", 6);
    big[5000] = 0;
    cr_assert_eq(html->input->probe(big, sizeof big), 90);
}

Test(html_probe, utf16_with_bom)
{
    static const char ascii[] = "<!DOCTYPE html><html><body>";
    unsigned char le[2 + 2 * sizeof ascii], be[2 + 2 * sizeof ascii];
    size_t n = 2;

    le[0] = 0xFF;
    le[1] = 0xFE;
    be[0] = 0xFE;
    be[1] = 0xFF;
    for (size_t i = 0; i + 1 < sizeof ascii; i++, n += 2) {
        le[n] = (unsigned char)ascii[i];
        le[n + 1] = 0;
        be[n] = 0;
        be[n + 1] = (unsigned char)ascii[i];
    }
    cr_assert_eq(html->input->probe(le, n), 90);
    cr_assert_eq(html->input->probe(be, n), 90);
    /* The same bytes without a BOM are binary. */
    cr_assert_eq(html->input->probe(le + 2, n - 2), 0);
}
