/* SPDX-License-Identifier: MIT */
/* URL resolution, srcset choice and the document base
 * (core/import/url.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "import.h"

static void check(const char *base, const char *ref, const char *want)
{
    bool dropped = true;
    char *got = folio__url_resolve(base, ref, &dropped);

    cr_assert_not_null(got, "%s + %s gave NULL", base, ref);
    cr_assert_not(dropped);
    cr_assert_str_eq(got, want, "%s + %s", base ? base : "(none)", ref);
    free(got);
}

static void check_dropped(const char *base, const char *ref)
{
    bool dropped = false;
    char *got = folio__url_resolve(base, ref, &dropped);

    cr_assert_null(got, "%s was kept as %s", ref, got);
    cr_assert(dropped);
}

#define BASE "https://news.example/world/2024/story.html?id=7"

Test(url_resolve, relative_paths)
{
    check(BASE, "photo.jpg", "https://news.example/world/2024/photo.jpg");
    check(BASE, "../2023/old.html", "https://news.example/world/2023/old.html");
    check(BASE, "../../../../../up.html", "https://news.example/up.html");
    check(BASE, "/about", "https://news.example/about");
    check(BASE, "./a/./b/../c", "https://news.example/world/2024/a/c");
    check("http://example.com", "a.html", "http://example.com/a.html");
}

Test(url_resolve, query_and_fragment)
{
    check(BASE, "?page=2", "https://news.example/world/2024/story.html?page=2");
    check(BASE, "#comments",
          "https://news.example/world/2024/story.html?id=7#comments");
    check(BASE, "", "https://news.example/world/2024/story.html?id=7");
}

Test(url_resolve, absolute_kept)
{
    check(BASE, "https://other.example/x?y=1#z",
          "https://other.example/x?y=1#z");
    check(BASE, "HTTP://Other.example/Path", "http://Other.example/Path");
    check(BASE, "mailto:desk@news.example", "mailto:desk@news.example");
    check(BASE, "data:image/png;base64,iVBORw0KGgo=",
          "data:image/png;base64,iVBORw0KGgo=");
}

Test(url_resolve, protocol_relative)
{
    check(BASE, "//cdn.example/img/a.png", "https://cdn.example/img/a.png");
    check("http://plain.example/", "//cdn.example/a.png",
          "http://cdn.example/a.png");
    check(NULL, "//cdn.example/a.png", "https://cdn.example/a.png");
}

Test(url_resolve, script_urls_dropped)
{
    check_dropped(BASE, "javascript:alert(1)");
    check_dropped(BASE, "  JavaScript:void(0)");
    check_dropped(BASE, "java\nscript:alert(1)");
    check_dropped(BASE, "vbscript:msgbox");
    check_dropped(BASE, "data:text/html,<script>alert(1)</script>");
    check_dropped(NULL, "javascript:x()");
}

Test(url_resolve, spaces_and_controls_escaped)
{
    check(BASE, "  my file.pdf  ",
          "https://news.example/world/2024/my%20file.pdf");
    check(BASE, "a\tb\nc.html", "https://news.example/world/2024/abc.html");
    check(BASE, "50%.html", "https://news.example/world/2024/50%25.html");
    check(BASE, "a%20b.html", "https://news.example/world/2024/a%20b.html");
    check(BASE, "caf\xC3\xA9.html",
          "https://news.example/world/2024/caf%C3%A9.html");
    check(BASE, "q?x=\"<y>\"",
          "https://news.example/world/2024/q?x=%22%3Cy%3E%22");
}

Test(url_resolve, no_usable_base_keeps_relative)
{
    check(NULL, "images/a.png", "images/a.png");
    check(NULL, "../up.html", "../up.html");
    check("file:///home/me/page.html", "images/a.png", "images/a.png");
    check("chrome-extension://abcdef/page.html", "x.html", "x.html");
    check(NULL, "#top", "#top");
}

Test(srcset, widest_candidate)
{
    char *u = folio__srcset_best(BASE, "small.jpg 400w, big.jpg 1600w, "
                                       "mid.jpg 800w");
    cr_assert_str_eq(u, "https://news.example/world/2024/big.jpg");
    free(u);
}

Test(srcset, highest_density)
{
    char *u = folio__srcset_best(BASE, "a.png, b.png 2x,c.png 1.5x");
    cr_assert_str_eq(u, "https://news.example/world/2024/b.png");
    free(u);
}

Test(srcset, commas_inside_urls)
{
    char *u = folio__srcset_best(NULL, "https://img.example/a,b/x.jpg 300w,"
                                       " https://img.example/c.jpg 200w");
    cr_assert_str_eq(u, "https://img.example/a,b/x.jpg");
    free(u);
    /* WHATWG: a URL runs to whitespace, so this is one candidate... */
    u = folio__srcset_best(NULL, "one.jpg,two.jpg 2x");
    cr_assert_str_eq(u, "one.jpg,two.jpg");
    free(u);
    /* ...while a comma after a descriptor separates candidates. */
    u = folio__srcset_best(NULL, "one.jpg 1x,two.jpg 2x");
    cr_assert_str_eq(u, "two.jpg");
    free(u);
}

Test(srcset, empty_or_junk)
{
    cr_assert_null(folio__srcset_best(BASE, ""));
    cr_assert_null(folio__srcset_best(BASE, " , ,"));
    cr_assert_null(folio__srcset_best(BASE, NULL));
    cr_assert_null(folio__srcset_best(BASE, "javascript:x() 2x"));
}

/* ------------------------------------------------------------------ */
/* The base                                                           */
/* ------------------------------------------------------------------ */

/* Both ways to the base: with the elements the parse marked, and with a
 * walk of the tree. */
static void check_base(const char *html, const char *doc_url,
                       const char *override, const char *want)
{
    folio__parse_marks marks;
    xmlDocPtr d = folio__html_parse(html, strlen(html), NULL, &marks);
    cr_assert_not_null(d);

    for (int walk = 0; walk < 2; walk++) {
        char *b = folio__url_base(d, doc_url, override,
                                  walk ? NULL : &marks);
        if (want == NULL)
            cr_assert_null(b, "expected no base, got %s", b);
        else
            cr_assert_str_eq(b, want, "%s", walk ? "walk" : "marks");
        free(b);
    }
    xmlFreeDoc(d);
}

static const char page_with_base[] =
    "<html><head><base href=\"../static/\">"
    "<link rel=\"canonical\" href=\"https://canon.example/a\">"
    "<meta property=\"og:url\" content=\"https://og.example/a\">"
    "</head><body><p>x</p></body></html>";

Test(url_base, override_wins)
{
    check_base(page_with_base, "https://site.example/blog/post.html",
               "https://override.example/dir/",
               "https://override.example/dir/");
}

Test(url_base, base_href_relative_to_document)
{
    check_base(page_with_base, "https://site.example/blog/post.html", NULL,
               "https://site.example/static/");
}

Test(url_base, absolute_base_href)
{
    check_base("<head><base href='https://mirror.example/x/'></head><p>a",
               "https://site.example/blog/post.html", NULL,
               "https://mirror.example/x/");
}

Test(url_base, document_url_then_canonical)
{
    check_base("<p>no hints</p>", "https://site.example/p.html", NULL,
               "https://site.example/p.html");
    /* No document URL: a relative <base> means nothing; the canonical
     * link is next. */
    check_base(page_with_base, NULL, NULL, "https://canon.example/a");
    check_base("<head><meta property=og:url content='https://og.example/b'>"
               "</head><p>x", NULL, NULL, "https://og.example/b");
}

Test(url_base, first_qualifying_element_of_each_kind)
{
    /* A <base> without href, a canonical link without href and an
     * og:url without content are passed over; the body counts too. */
    static const char page[] =
        "<html><head><base target=_blank>"
        "<link rel='stylesheet' href='/s.css'>"
        "<link rel='Canonical' data-x=1>"
        "<meta name=og:url>"
        "</head><body><p>x</p>"
        "<link rel='alternate CANONICAL' href='https://two.example/'>"
        "<meta property=og:url name=other content='https://og2.example/'>"
        "<base href='https://late.example/dir/'>"
        "</body></html>";

    check_base(page, "https://site.example/a.html", NULL,
               "https://late.example/dir/");
    check_base(page, NULL, NULL, "https://late.example/dir/");

    folio__parse_marks m;
    xmlDocPtr d = folio__html_parse(page, sizeof page - 1, NULL, &m);
    cr_assert_not_null(d);
    cr_assert_not_null(m.canonical);
    xmlChar *href = xmlGetProp(m.canonical, (const xmlChar *)"href");
    cr_assert_str_eq((const char *)href, "https://two.example/");
    xmlFree(href);
    cr_assert_not_null(m.og_url);
    cr_assert_not_null(m.base);
    xmlFreeDoc(d);
}

Test(url_base, file_document_url_is_not_a_base)
{
    check_base(page_with_base, "file:///home/me/saved.html", NULL,
               "https://canon.example/a");
    check_base("<p>nothing</p>", "file:///home/me/saved.html", NULL, NULL);
}

Test(parse_marks, scripts_and_noscript)
{
    char page[8192];
    size_t n = 0;
    folio__parse_marks m;

    n += (size_t)snprintf(page + n, sizeof page - n,
                          "<html><head><script>var a;</script>"
                          "<script type='text/javascript'>b()</script>");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(page + n, sizeof page - n,
                              "<script type='application/ld+json'>"
                              "{\"n\": %d}</script>", i);
    n += (size_t)snprintf(page + n, sizeof page - n,
                          "</head><body><p>text</p></body></html>");

    xmlDocPtr d = folio__html_parse(page, n, NULL, &m);
    cr_assert_not_null(d);
    /* The parse's hook and a walk of the tree note the same elements. */
    folio__parse_marks walked;
    folio__parse_marks_find(d, &walked);
    cr_assert_eq(memcmp(&m, &walked, sizeof m), 0);
    cr_assert_not(m.noscript);
    cr_assert_eq(m.n_ld, FOLIO__LD_MARKS, "kept %zu", m.n_ld);
    xmlChar *first = xmlNodeGetContent(m.ld[0]);
    xmlChar *last = xmlNodeGetContent(m.ld[FOLIO__LD_MARKS - 1]);
    cr_assert_str_eq((const char *)first, "{\"n\": 0}");
    cr_assert_str_eq((const char *)last, "{\"n\": 15}");
    xmlFree(first);
    xmlFree(last);
    xmlFreeDoc(d);

    static const char with[] =
        "<body><p>x</p><noscript><img src=a.jpg></noscript></body>";
    d = folio__html_parse(with, sizeof with - 1, NULL, &m);
    cr_assert_not_null(d);
    cr_assert(m.noscript);
    cr_assert_eq(m.n_ld, 0);
    xmlFreeDoc(d);
}
