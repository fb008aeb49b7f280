/* SPDX-License-Identifier: MIT */
/*
 * Safe output: a page full of script, handlers, script URLs and text that
 * looks like markup or template syntax is converted by the built `folio`
 * (FOLIO_EXE), and the result is checked the way it will be used:
 *   - XHTML is parsed as XML, each file of an EPUB likewise;
 *   - Markdown is rendered to HTML with cmark-gfm, raw HTML allowed (as a
 *     static site generator would), and the HTML parsed;
 * then no element may run code (script, iframe, object, embed, form,
 * frames, SVG/MathML), no attribute may be an event handler, and no URL
 * may use javascript:, vbscript: or data:text/html, or hold a space or a
 * control character. Template presets are checked against the engine's
 * own rules.
 */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <zip.h>

#include "testio.h"

/* The hostile page. Every construct is paired with plain article text so
 * the extraction keeps it. */
static const char evil_page[] =
    "<!DOCTYPE html><html><head><title>Evil {{ .Title }} {% raw %} page"
    "</title><script>alert(0)</script>"
    "<base href=\"javascript:alert(-1)//\"></head>"
    "<body onload=\"alert(-2)\"><article>"
    "<h1 onclick=\"alert(1)\">Evil {{ title }} {% if x %} page</h1>"
    "<p>This paragraph is plain article text, long enough that the "
    "extraction keeps it as the body of the page, and there is more.</p>"
    "<p>Text &lt;script&gt;alert(2)&lt;/script&gt; and &lt;img src=x "
    "onerror=alert(3)&gt; and &lt;iframe src=//evil.example&gt; stay "
    "text, as does &lt;a href=\"javascript:alert(4)\"&gt;this&lt;/a&gt;.</p>"
    "<p>Template {{ site.secret }} and {% include evil.html %} and "
    "{{< shortcode >}} and {{% shortcode %}} and {%raw%} and "
    "{% endraw %} and {{- x -}} and {%- y -%} stay text in this long "
    "paragraph of the article.</p>"
    "<p>Fake link [click](javascript:alert(5)) and ![img](javascript:x) "
    "and &lt;javascript:alert(6)&gt; and [ref]: javascript:alert(7) are "
    "text too, in a paragraph long enough to keep.</p>"
    "<p>Links: <a href=\"javascript:alert(8)\">one</a>, "
    "<a href=\"JaVa&#x09;ScRiPt:alert(9)\">two</a>, "
    "<a href=\" &#106;avascript:alert(10)\">three</a>, "
    "<a href=\"vbscript:msgbox(11)\">four</a>, "
    "<a href=\"data:text/html,&lt;script&gt;alert(12)&lt;/script&gt;\">"
    "five</a>, <a href=\"DATA:Text/HTML;base64,PHNjcmlwdD4=\">six</a>, "
    "<a href=\"java&#10;script:alert(13)\">seven</a>, "
    "<a href=\"http://example.com/a b&#9;c)d(e\">eight</a>, "
    "<a href=\"http://example.com/x&quot; onclick=&quot;alert(14)\">nine"
    "</a>, <a href=\"http://example.com/ok\" onclick=\"alert(15)\">ten</a>"
    " and some words so this is a paragraph.</p>"
    "<p>Images: <img src=\"javascript:alert(16)\" alt=\"a&quot;&gt;&lt;"
    "script&gt;alert(17)&lt;/script&gt;\"> <img src=\"data:image/svg+xml,"
    "&lt;svg onload=alert(18)&gt;\" alt=\"svg\"> "
    "<img src=\"http://example.com/i.png\" onerror=\"alert(19)\" "
    "alt=\"fine image\"> in a paragraph of text.</p>"
    "<p onclick=\"alert(20)\" style=\"background:url(javascript:alert(21))"
    "\">A paragraph with handlers and a style, and enough words.</p>"
    "<script>alert(22)</script><noscript><p>noscript text</p></noscript>"
    "<iframe src=\"http://evil.example/\"></iframe>"
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">"
    "<form action=\"javascript:alert(23)\"><input value=\"x\"></form>"
    "<svg><script>alert(24)</script><a xlink:href=\"javascript:alert(25)\">"
    "svg link</a></svg><math><mi xlink:href=\"javascript:alert(26)\">m</mi>"
    "</math><frameset><frame src=\"javascript:alert(27)\"></frameset>"
    "<blockquote cite=\"javascript:alert(28)\"><p>A quotation long enough "
    "to be kept in the article body.</p></blockquote>"
    "<pre><code>```\n</code></pre><p>fence</p><pre><code>~~~\n&lt;script&gt;"
    "alert(29)&lt;/script&gt;\n```</code></pre>"
    "<table><tr><td>&lt;b onmouseover=alert(30)&gt;cell</td><td>a|b</td>"
    "</tr></table>"
    "<p><sup>&lt;sup onclick=1&gt;</sup> and <sub>&lt;/sub&gt;&lt;script"
    "&gt;</sub> and a last sentence.</p>"
    "</article></body></html>\n";

/* ------------------------------------------------------------------ */
/* Running folio                                                      */
/* ------------------------------------------------------------------ */

/* Converts the evil page (on stdin) with `args`; returns stdout. */
static char *convert(const char *const *args, size_t *len)
{
    const char *exe = getenv("FOLIO_EXE");
    int in = test_scratch_fd(), out = test_scratch_fd(), err = test_scratch_fd();
    pid_t pid;
    int st;
    char *data, *msg;
    size_t n;

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    cr_assert_eq(write(in, evil_page, sizeof evil_page - 1),
                 (ssize_t)(sizeof evil_page - 1));
    lseek(in, 0, SEEK_SET);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[32];
        size_t k = 0;

        argv[k++] = "folio";
        for (size_t i = 0; args[i] != NULL && k < 30; i++)
            argv[k++] = args[i];
        argv[k++] = "-";
        argv[k] = NULL;
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    msg = test_read_fd(err, &n);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "folio failed: %s",
              msg);
    free(msg);
    data = test_read_fd(out, len);
    close(in);
    close(out);
    close(err);
    return data;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ------------------------------------------------------------------ */
/* Checking a tree                                                    */
/* ------------------------------------------------------------------ */

/* Elements that run code or load active content. */
static bool active_element(const char *name)
{
    static const char *const bad[] = {
        "script", "iframe", "object", "embed", "applet", "form", "input",
        "button", "frame", "frameset", "svg", "math", "base", "style",
        "noscript", "template", "portal",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (strcasecmp(name, bad[i]) == 0)
            return true;
    }
    return false;
}

static bool url_attribute(const char *name)
{
    static const char *const urls[] = {
        "href", "src", "cite", "action", "formaction", "poster", "data",
        "srcset", "background", "longdesc", "usemap",
    };

    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        if (strcasecmp(name, urls[i]) == 0)
            return true;
    }
    return false;
}

/* A URL value a browser would run, or one holding a space or control
 * character (which must have been percent-encoded). */
static void check_url(const char *where, const char *attr, const char *v)
{
    char scheme[32];
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        cr_assert(*p > 0x20 && *p != 0x7f,
                  "%s: %s=\"%s\" holds a space or control character",
                  where, attr, v);
    /* The scheme as a browser reads it: C0 and spaces dropped. */
    for (const char *p = v; *p != '\0' && *p != ':' && n + 1 < sizeof scheme;
         p++) {
        if ((unsigned char)*p > 0x20)
            scheme[n++] = (char)(*p | 0x20);
    }
    scheme[n] = '\0';
    cr_assert(strcmp(scheme, "javascript") != 0 &&
              strcmp(scheme, "vbscript") != 0 &&
              strcmp(scheme, "livescript") != 0,
              "%s: %s=\"%s\" runs script", where, attr, v);
    if (strcmp(scheme, "data") == 0)
        cr_assert(strncasecmp(strchr(v, ':') + 1, "image/png", 9) == 0 ||
                  strncasecmp(strchr(v, ':') + 1, "image/jpeg", 10) == 0 ||
                  strncasecmp(strchr(v, ':') + 1, "image/gif", 9) == 0 ||
                  strncasecmp(strchr(v, ':') + 1, "image/webp", 10) == 0,
                  "%s: %s=\"%.60s\" is an active data: URL", where, attr, v);
}

/* Walks the tree (iteratively) and fails on anything active. */
static void check_tree(const char *where, xmlNodePtr root)
{
    xmlNodePtr n = root;
    size_t elements = 0;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            elements++;
            cr_assert(!active_element((const char *)n->name),
                      "%s: a <%s> element", where, n->name);
            for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
                const char *name = (const char *)a->name;
                xmlChar *v;

                cr_assert(strncasecmp(name, "on", 2) != 0,
                          "%s: <%s %s=...>: an event handler", where,
                          n->name, name);
                cr_assert(strcasecmp(name, "style") != 0,
                          "%s: <%s style=...>", where, n->name);
                if (!url_attribute(name))
                    continue;
                v = xmlNodeGetContent((xmlNodePtr)a);
                if (v != NULL)
                    check_url(where, name, (const char *)v);
                xmlFree(v);
            }
            if (n->children != NULL) {
                n = n->children;
                continue;
            }
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    cr_assert(elements > 5, "%s: the document is almost empty", where);
}

static void check_xml(const char *where, const char *data, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET);

    cr_assert_not_null(doc, "%s: not well-formed XML", where);
    check_tree(where, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
}

static void check_html(const char *where, const char *html)
{
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);

    cr_assert_not_null(doc, "%s: cannot parse the rendered HTML", where);
    check_tree(where, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
}

/* Renders Markdown as a static site generator would: GFM, raw HTML let
 * through. */
static char *render_markdown(const char *md, size_t len)
{
    cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_UNSAFE);
    char *html;

    cr_assert_not_null(doc);
    html = cmark_render_html(doc, CMARK_OPT_UNSAFE, NULL);
    cmark_node_free(doc);
    cr_assert_not_null(html);
    return html;
}

static void check_markdown(const char *where, const char *md, size_t len)
{
    char *html = render_markdown(md, len);

    check_html(where, html);
    /* Text that looked like markup is still there, as text. */
    cr_assert_not_null(strstr(html, "&lt;script&gt;alert(2)"),
                       "%s: the escaped text was lost:\n%s", where, html);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

Test(safe_output, markdown_renders_to_nothing_active)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown"), &len);

    check_markdown("markdown", md, len);
    free(md);
}

Test(safe_output, markdown_with_raw_html_renders_to_nothing_active)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "-O", "html=true"), &len);

    check_markdown("markdown -O html=true", md, len);
    free(md);
}

Test(safe_output, markdown_reference_links_render_to_nothing_active)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "-O", "links=references",
                            "--no-extract"), &len);

    check_markdown("markdown -O links=references", md, len);
    free(md);
}

Test(safe_output, markdown_whole_page_renders_to_nothing_active)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "--no-extract", "-O",
                            "html=true"), &len);

    check_markdown("markdown --no-extract", md, len);
    free(md);
}

Test(safe_output, xhtml_has_nothing_active)
{
    size_t len;
    char *x = convert(ARGS("-t", "xhtml"), &len);

    check_xml("xhtml", x, len);
    free(x);
}

Test(safe_output, xhtml_whole_page_has_nothing_active)
{
    size_t len;
    char *x = convert(ARGS("-t", "xhtml", "--no-extract"), &len);

    check_xml("xhtml --no-extract", x, len);
    free(x);
}

Test(safe_output, epub_has_nothing_active)
{
    size_t len;
    char *book = convert(ARGS("-t", "epub", "--no-extract"), &len);
    zip_error_t ze;
    zip_source_t *src;
    zip_t *z;
    zip_int64_t n;
    size_t documents = 0;

    zip_error_init(&ze);
    src = zip_source_buffer_create(book, len, 0, &ze);
    cr_assert_not_null(src);
    z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    cr_assert_not_null(z, "not a zip file");
    n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        zip_stat_t st;
        zip_file_t *f;
        char *data;

        cr_assert_not_null(name);
        /* Names stay inside the book. */
        cr_assert(name[0] != '/' && strstr(name, "..") == NULL,
                  "entry name %s", name);
        if (strlen(name) < 6 ||
            strcmp(name + strlen(name) - 6, ".xhtml") != 0)
            continue;
        cr_assert_eq(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
        data = malloc(st.size + 1);
        cr_assert_not_null(data);
        f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        cr_assert_not_null(f);
        cr_assert_eq(zip_fread(f, data, st.size), (zip_int64_t)st.size);
        zip_fclose(f);
        data[st.size] = '\0';
        check_xml(name, data, st.size);
        free(data);
        documents++;
    }
    cr_assert(documents >= 1, "no XHTML document in the book");
    zip_discard(z);
    free(book);
}

/* Liquid (Jekyll, Eleventy) runs every {{ and {% outside a raw block,
 * which ends at the first endraw tag. What remains outside must be the
 * raw tags themselves or the escape {{ "{" }}. */
static void check_liquid(const char *md)
{
    const char *p = md;
    bool raw = false;

    while ((p = strchr(p, '{')) != NULL) {
        if (raw) {
            if (strncmp(p, "{% endraw %}", 12) == 0) {
                raw = false;
                p += 12;
            } else {
                p++;
            }
            continue;
        }
        if (strncmp(p, "{% raw %}", 9) == 0) {
            raw = true;
            p += 9;
        } else if (strncmp(p, "{{ \"{\" }}", 9) == 0) {
            p += 9;
        } else {
            cr_assert(p[1] != '{' && p[1] != '%',
                      "template syntax outside a raw block: %.40s", p);
            p++;
        }
    }
    cr_assert(!raw, "a raw block is left open");
}

Test(safe_output, jekyll_preset_leaves_no_liquid_tag_live)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "-O", "preset=jekyll"), &len);

    check_liquid(md);
    cr_assert_not_null(strstr(md, "site.secret"), "the text was lost");
    free(md);
}

Test(safe_output, eleventy_preset_leaves_no_template_tag_live)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "-O", "preset=eleventy"),
                       &len);

    check_liquid(md);
    free(md);
}

/* Hugo runs shortcodes, {{< ... >}} and {{% ... %}}, even in code. */
Test(safe_output, hugo_preset_leaves_no_shortcode_live)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "-O", "preset=hugo"), &len);

    cr_assert_null(memmem(md, len, "{{<", 3), "a live shortcode: %s", md);
    cr_assert_null(memmem(md, len, "{{%", 3), "a live shortcode: %s", md);
    cr_assert_not_null(strstr(md, "shortcode"), "the text was lost");
    free(md);
}

/* The front matter is YAML: a title full of markup and template syntax
 * must come back as the same string. */
Test(safe_output, front_matter_title_stays_a_string)
{
    size_t len;
    char *md = convert(ARGS("-t", "markdown", "--front-matter",
                            "-O", "preset=jekyll"), &len);

    cr_assert(strncmp(md, "---\n", 4) == 0, "%s", md);
    check_liquid(strstr(md + 4, "\n---\n"));
    free(md);
}
