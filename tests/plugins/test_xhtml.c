/* SPDX-License-Identifier: MIT */
/*
 * The xhtml output plugin, loaded through the registry from this build's
 * plugin folders. Every output is parsed back by libxml2 as XML (no
 * network, no entity substitution) and checked against the EPUB 3.3
 * content document rules of FORMATS.md §3.4; fixtures go through the
 * real importer.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "folio/folio.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define EPUB_NS "http://www.idpf.org/2007/ops"

static folio_registry *reg;
static const folio_plugin *xhtml;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    xhtml = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "xhtml");
    cr_assert_not_null(xhtml, "xhtml plugin not found along %s",
                       getenv("FOLIO_PLUGIN_PATH"));
}

static void teardown(void)
{
    folio_registry_free(reg);
}

TestSuite(xhtml, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

typedef struct outbuf {
    char *p;
    size_t len;
} outbuf;

static int sink(void *data, const char *bytes, size_t len)
{
    outbuf *o = data;
    char *p = realloc(o->p, o->len + len + 1);

    cr_assert_not_null(p);
    memcpy(p + o->len, bytes, len);
    o->p = p;
    o->len += len;
    o->p[o->len] = '\0';
    return 0;
}

/* Writes `doc` with the xhtml plugin; `opt` is "key=value" or NULL. */
static char *render_opt(const folio_doc *doc, const char *key,
                        const char *value, size_t *warnings)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    outbuf o = { NULL, 0 };
    int rc;

    cr_assert_not_null(job);
    if (key != NULL)
        cr_assert_eq(folio_job_set_option(job, key, value), FOLIO_OK);
    rc = folio_job_write(job, xhtml, doc, sink, &o);
    cr_assert_eq(rc, FOLIO_OK, "write failed: %s", folio_job_error(job));
    cr_assert_not_null(o.p);
    if (warnings != NULL)
        *warnings = folio_job_warning_count(job);
    folio_job_free(job);
    return o.p;
}

static char *render(const folio_doc *doc)
{
    return render_opt(doc, NULL, NULL, NULL);
}

static bool is_void(const char *name)
{
    static const char *const v[] = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr",
    };

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (strcmp(name, v[i]) == 0)
            return true;
    }
    return false;
}

/* Checks on the serialized text: declaration, doctype, only the five
 * entities, no self-closed non-void element. */
static void check_text(const char *out)
{
    regex_t re;
    regmatch_t m[2];
    const char *p;

    cr_assert(strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                      39) == 0, "no XML declaration: %.60s", out);
    cr_assert_not_null(strstr(out, "\n<!DOCTYPE html>\n"));
    cr_assert_eq(strstr(out, "<!ENTITY"), NULL);

    cr_assert_eq(regcomp(&re, "&([A-Za-z][A-Za-z0-9]*);", REG_EXTENDED), 0);
    for (p = out; regexec(&re, p, 2, m, 0) == 0; p += m[0].rm_eo) {
        int n = (int)(m[1].rm_eo - m[1].rm_so);
        const char *e = p + m[1].rm_so;

        cr_assert((n == 3 && strncmp(e, "amp", 3) == 0) ||
                      (n == 2 && strncmp(e, "lt", 2) == 0) ||
                      (n == 2 && strncmp(e, "gt", 2) == 0) ||
                      (n == 4 && strncmp(e, "quot", 4) == 0) ||
                      (n == 4 && strncmp(e, "apos", 4) == 0),
                  "entity &%.*s;", n, e);
    }
    regfree(&re);

    cr_assert_eq(regcomp(&re, "<([A-Za-z][A-Za-z0-9]*)[^<>]*/>",
                         REG_EXTENDED), 0);
    for (p = out; regexec(&re, p, 2, m, 0) == 0; p += m[0].rm_eo) {
        char name[32];
        int n = (int)(m[1].rm_eo - m[1].rm_so);

        cr_assert_lt(n, (int)sizeof name);
        memcpy(name, p + m[1].rm_so, (size_t)n);
        name[n] = '\0';
        cr_assert(is_void(name), "self-closed <%s/>", name);
    }
    regfree(&re);
}

static const char *const forbidden[] = {
    "script", "noscript", "form", "iframe", "object", "embed", "input",
    "button", "select", "textarea", "style", "base", "frame", "applet",
    "video", "audio", "canvas", "svg", "math", NULL,
};

/* True when `url` (tabs and newlines ignored) starts with `scheme`. */
static bool has_scheme(const char *url, const char *scheme)
{
    size_t k = 0;

    for (; *url != '\0' && scheme[k] != '\0'; url++) {
        if (*url == '\t' || *url == '\n' || *url == ' ')
            continue;
        if ((*url | 0x20) != scheme[k])
            return false;
        k++;
    }
    return scheme[k] == '\0';
}

/* Parses the output as XML and checks every rule of the content
 * document. Returns the parsed document (free it). */
static xmlDocPtr check_xhtml(const char *out)
{
    xmlDocPtr d;
    xmlNodePtr root, n;
    xmlChar *lang, *xml_lang, *title;
    char **ids = NULL;
    size_t n_ids = 0;
    bool uses_epub = false;

    check_text(out);
    d = xmlReadMemory(out, (int)strlen(out), NULL, NULL, XML_PARSE_NONET);
    cr_assert_not_null(d, "not well-formed XML:\n%s", out);
    cr_assert_not_null(d->intSubset);
    cr_assert_str_eq((const char *)d->intSubset->name, "html");
    cr_assert_null(d->intSubset->ExternalID);
    cr_assert_null(d->intSubset->SystemID);
    root = xmlDocGetRootElement(d);
    cr_assert_str_eq((const char *)root->name, "html");
    cr_assert_not_null(root->ns);
    cr_assert_str_eq((const char *)root->ns->href, XHTML_NS);
    lang = xmlGetProp(root, (const xmlChar *)"lang");
    xml_lang = xmlNodeGetLang(root);
    cr_assert_not_null(lang);
    cr_assert_not_null(xml_lang);
    cr_assert_str_eq((const char *)lang, (const char *)xml_lang);
    cr_assert_gt(strlen((const char *)lang), 1);
    xmlFree(lang);
    xmlFree(xml_lang);

    /* head: meta charset, then a non-empty title */
    n = root->children;
    while (n != NULL && n->type != XML_ELEMENT_NODE)
        n = n->next;
    cr_assert_not_null(n);
    cr_assert_str_eq((const char *)n->name, "head");
    title = NULL;
    for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, "title") == 0)
            title = xmlNodeGetContent(c);
    }
    cr_assert_not_null(title, "no <title>");
    cr_assert_gt(strlen((const char *)title), 0, "empty <title>");
    xmlFree(title);
    cr_assert_not_null(strstr(out, "<meta charset=\"utf-8\"/>"));

    /* Every element: XHTML namespace, nothing executable, ids unique and
     * starting with a letter, alt on every img. */
    for (n = root; n != NULL;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;

            cr_assert_not_null(n->ns, "<%s> without namespace", name);
            cr_assert_str_eq((const char *)n->ns->href, XHTML_NS);
            for (size_t i = 0; forbidden[i] != NULL; i++)
                cr_assert_str_neq(name, forbidden[i], "<%s> in output",
                                  name);
            if (strcmp(name, "img") == 0)
                cr_assert(xmlHasProp(n, (const xmlChar *)"alt") != NULL,
                          "<img> without alt");
            for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
                const char *an = (const char *)a->name;
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                const char *vs = (const char *)v;

                cr_assert(!((an[0] | 0x20) == 'o' && (an[1] | 0x20) == 'n'),
                          "handler %s", an);
                cr_assert_str_neq(an, "style");
                if (a->ns != NULL &&
                    strcmp((const char *)a->ns->href, EPUB_NS) == 0)
                    uses_epub = true;
                if (strcmp(an, "href") == 0 || strcmp(an, "src") == 0 ||
                    strcmp(an, "cite") == 0) {
                    cr_assert(!has_scheme(vs, "javascript:"), "%s", vs);
                    cr_assert(!has_scheme(vs, "vbscript:"), "%s", vs);
                    cr_assert(!has_scheme(vs, "file:"), "%s", vs);
                    cr_assert(!has_scheme(vs, "data:") ||
                                  (strcmp(an, "src") == 0 &&
                                   has_scheme(vs, "data:image/")),
                              "%s=%s", an, vs);
                }
                if (strcmp(an, "id") == 0 && a->ns == NULL) {
                    cr_assert(((vs[0] | 0x20) >= 'a' &&
                               (vs[0] | 0x20) <= 'z'),
                              "id %s", vs);
                    cr_assert_eq(strpbrk(vs, " \t\n"), NULL);
                    for (size_t i = 0; i < n_ids; i++)
                        cr_assert_str_neq(ids[i], vs, "duplicate id %s",
                                          vs);
                    ids = realloc(ids, (n_ids + 1) * sizeof *ids);
                    cr_assert_not_null(ids);
                    ids[n_ids++] = strdup(vs);
                }
                xmlFree(v);
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    /* The epub namespace is declared exactly when it is used. */
    cr_assert_eq(strstr(out, "xmlns:epub=") != NULL, uses_epub);
    /* Every fragment link resolves. */
    for (const char *p = out; (p = strstr(p, "href=\"#")) != NULL; p++) {
        char frag[64];
        size_t k = 0;
        bool found = false;

        p += 7;
        while (p[k] != '"' && k + 1 < sizeof frag) {
            frag[k] = p[k];
            k++;
        }
        frag[k] = '\0';
        for (size_t i = 0; i < n_ids; i++)
            found = found || strcmp(ids[i], frag) == 0;
        cr_assert(found, "#%s does not resolve", frag);
    }
    for (size_t i = 0; i < n_ids; i++)
        free(ids[i]);
    free(ids);
    return d;
}

/* Counts elements named `name` in the document. */
static int count(xmlDocPtr d, const char *name)
{
    xmlNodePtr root = xmlDocGetRootElement(d);
    int k = 0;

    for (xmlNodePtr n = root; n != NULL;) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            k++;
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    return k;
}

static folio_doc *doc;

static folio_node *add(folio_node *parent, folio_node_type t)
{
    folio_node *n = folio_node_new(doc, t);

    cr_assert_not_null(n);
    cr_assert_eq(folio_node_append_child(parent, n), FOLIO_OK);
    return n;
}

static folio_node *add_text(folio_node *parent, const char *s)
{
    folio_node *n = add(parent, FOLIO_NODE_TEXT);

    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
    return n;
}

static folio_node *add_para(folio_node *parent, const char *s)
{
    folio_node *p = add(parent, FOLIO_NODE_PARAGRAPH);

    add_text(p, s);
    return p;
}

static folio_node *add_link(folio_node *parent, const char *url,
                            const char *s)
{
    folio_node *a = add(parent, FOLIO_NODE_LINK);

    cr_assert_eq(folio_node_set_url(a, url), FOLIO_OK);
    add_text(a, s);
    return a;
}

static void new_doc(void)
{
    doc = folio_doc_new();
    cr_assert_not_null(doc);
}

/* Imports `html` with the real importer; returns the job (free it). */
static folio_job *import(const char *html, const char *url)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    folio_html_input in = { 0 };

    cr_assert_not_null(job);
    in.size = sizeof in;
    in.html = (const unsigned char *)html;
    in.len = strlen(html);
    in.url = url;
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK, "import: %s",
                 folio_job_error(job));
    cr_assert_gt(folio_job_doc_count(job), 0);
    return job;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

Test(xhtml, document_shell)
{
    folio_node *root;
    char *out;
    xmlDocPtr d;

    new_doc();
    root = folio_doc_root_mut(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE,
                                    "Fish & \"chips\" <today>"), FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_LANG, "fr-CA"),
                 FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_PUBLISHED,
                                    "2024-05-01T09:30:00+02:00"), FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_URL,
                                    "https://example.org/a"), FOLIO_OK);
    cr_assert_eq(folio_doc_add_author(doc, "Ana"), FOLIO_OK);
    cr_assert_eq(folio_doc_add_author(doc, "Bo"), FOLIO_OK);
    add_para(root, "Crème brûlée — 東京");
    add(root, FOLIO_NODE_PARAGRAPH); /* empty */
    out = render(doc);
    d = check_xhtml(out);

    cr_assert_not_null(strstr(out, "lang=\"fr-CA\" xml:lang=\"fr-CA\""));
    cr_assert_not_null(strstr(
        out, "<title>Fish &amp; \"chips\" &lt;today&gt;</title>"));
    cr_assert_not_null(strstr(
        out, "<h1>Fish &amp; \"chips\" &lt;today&gt;</h1>"));
    cr_assert_not_null(strstr(out, "<p class=\"byline\">Ana and Bo</p>"));
    cr_assert_not_null(strstr(
        out, "<time datetime=\"2024-05-01T09:30:00+02:00\">2024-05-01"
             "</time>"));
    /* Non-ASCII as UTF-8, never as references. */
    cr_assert_not_null(strstr(out, "<p>Crème brûlée — 東京</p>"));
    cr_assert_eq(strstr(out, "&#"), NULL);
    cr_assert_not_null(strstr(out, "<p></p>"));
    cr_assert_eq(strstr(out, "xmlns:epub"), NULL);
    cr_assert_eq(strstr(out, "dir="), NULL);
    cr_assert_eq(count(d, "header"), 1);
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, no_title_no_lang)
{
    size_t warnings = 0;
    char *out;
    xmlDocPtr d;

    new_doc();
    add_para(folio_doc_root_mut(doc), "text");
    out = render_opt(doc, NULL, NULL, &warnings);
    d = check_xhtml(out);
    cr_assert_not_null(strstr(out, "lang=\"en\" xml:lang=\"en\""));
    cr_assert_not_null(strstr(out, "<title>Untitled</title>"));
    cr_assert_geq(warnings, 1, "no warning about the missing language");
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, rtl)
{
    char *out;
    xmlDocPtr d;

    new_doc();
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_LANG, "ar"), FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_DIR, "rtl"), FOLIO_OK);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "مرحبا"),
                 FOLIO_OK);
    add_para(folio_doc_root_mut(doc), "مرحبا بالعالم");
    out = render(doc);
    d = check_xhtml(out);
    cr_assert_not_null(strstr(out, "lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""));
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, dangerous_urls_become_text)
{
    static const char *const bad[] = {
        "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\nscript:x()",
        "vbscript:msgbox", "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd", "#nowhere",
    };
    folio_node *root, *p, *img;
    char *out;
    xmlDocPtr d;

    new_doc();
    root = folio_doc_root_mut(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "Links"),
                 FOLIO_OK);
    p = add(root, FOLIO_NODE_PARAGRAPH);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        add_link(p, bad[i], "click");
    add_link(p, "https://example.org/a b?q=\"x\"", "ok");
    add_link(p, "mailto:a@example.org", "mail");
    img = add(p, FOLIO_NODE_IMAGE);
    cr_assert_eq(folio_node_set_url(img, "javascript:alert(2)"), FOLIO_OK);
    cr_assert_eq(folio_node_set_alt(img, "bad image"), FOLIO_OK);
    img = add(p, FOLIO_NODE_IMAGE);
    cr_assert_eq(folio_node_set_url(img, "https://example.org/i.png"),
                 FOLIO_OK);
    out = render(doc);
    d = check_xhtml(out);
    /* Only the safe links and the safe image (with alt="" added) stay. */
    cr_assert_eq(count(d, "a"), 2, "%s", out);
    cr_assert_eq(count(d, "img"), 1);
    cr_assert_not_null(strstr(
        out, "<img src=\"https://example.org/i.png\" alt=\"\"/>"));
    cr_assert_not_null(strstr(out, "clickclick"));
    cr_assert_not_null(strstr(out, "bad image"));
    cr_assert_not_null(
        strstr(out, "href=\"https://example.org/a%20b?q=%22x%22\""));
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, blocks)
{
    folio_node *root, *list, *item, *fig, *para, *img, *cap, *credit;
    folio_node *table, *row, *cell, *code, *q, *dl, *h;
    char *out;
    xmlDocPtr d;

    new_doc();
    root = folio_doc_root_mut(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "Blocks"),
                 FOLIO_OK);
    h = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(h, 1);
    add_text(h, "Blocks"); /* repeats the title: dropped */
    h = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(h, 2);
    add_text(h, "Part one");

    list = add(root, FOLIO_NODE_LIST);
    folio_node_set_list(list, true, 3, true);
    item = add(list, FOLIO_NODE_LIST_ITEM);
    add_para(item, "three");

    fig = add(root, FOLIO_NODE_FIGURE);
    para = add(fig, FOLIO_NODE_PARAGRAPH);
    img = add(para, FOLIO_NODE_IMAGE);
    folio_node_set_url(img, "https://example.org/x.jpg");
    folio_node_set_alt(img, "An X");
    cap = add(fig, FOLIO_NODE_CAPTION);
    add_text(cap, "The caption.");
    credit = add(fig, FOLIO_NODE_CREDIT);
    add_text(credit, "Photo: Me");

    table = add(root, FOLIO_NODE_TABLE);
    row = add(table, FOLIO_NODE_TABLE_ROW);
    folio_node_set_header(row, true);
    cell = add(row, FOLIO_NODE_TABLE_CELL);
    folio_node_set_cell(cell, FOLIO_ALIGN_NONE, 2, 1);
    add_text(cell, "wide");
    row = add(table, FOLIO_NODE_TABLE_ROW);
    cell = add(row, FOLIO_NODE_TABLE_CELL);
    folio_node_set_cell(cell, FOLIO_ALIGN_RIGHT, 1, 2);
    add_text(cell, "1");
    cell = add(row, FOLIO_NODE_TABLE_CELL);
    add(row, FOLIO_NODE_TABLE_CELL); /* empty cell */

    code = add(root, FOLIO_NODE_CODE_BLOCK);
    folio_node_set_code_language(code, "c\"><script>");
    folio_node_set_literal(code, "if (a < b && c)\n  x();\n", 23);

    q = add(root, FOLIO_NODE_BLOCKQUOTE);
    folio_node_set_url(q, "https://example.org/src");
    add_para(q, "quoted");
    add(root, FOLIO_NODE_THEMATIC_BREAK);

    dl = add(root, FOLIO_NODE_DEF_LIST);
    add_text(add(dl, FOLIO_NODE_DEF_TERM), "term");
    add_para(add(dl, FOLIO_NODE_DEF_DESC), "desc");

    para = add(root, FOLIO_NODE_PARAGRAPH);
    add_text(add(para, FOLIO_NODE_EMPH), "em");
    add_text(add(para, FOLIO_NODE_STRONG), "strong");
    add_text(add(para, FOLIO_NODE_STRIKE), "gone");
    add_text(add(para, FOLIO_NODE_SUPERSCRIPT), "2");
    add_text(add(para, FOLIO_NODE_SUBSCRIPT), "i");
    add(para, FOLIO_NODE_LINEBREAK);
    folio_node_set_literal(add(para, FOLIO_NODE_CODE), "x<y", 3);

    out = render(doc);
    d = check_xhtml(out);
    cr_assert_eq(count(d, "h1"), 1, "the repeated title heading stays");
    cr_assert_not_null(strstr(out, "<h2 id=\"sec1\">Part one</h2>"));
    cr_assert_not_null(strstr(out, "<ol start=\"3\">"));
    cr_assert_not_null(strstr(
        out, "<figcaption>The caption. <small>Photo: Me</small>"
             "</figcaption>\n</figure>"));
    cr_assert_not_null(strstr(out, "<img src=\"https://example.org/x.jpg\" "
                                   "alt=\"An X\"/>"));
    cr_assert_not_null(strstr(out, "<thead>\n<tr>\n<th colspan=\"2\">wide"));
    cr_assert_not_null(strstr(out, "<tbody>"));
    cr_assert(strstr(out, "<td class=\"align-right\" "
                          "rowspan=\"2\">1</td>") != NULL ||
              strstr(out, "<td rowspan=\"2\" "
                          "class=\"align-right\">1</td>") != NULL);
    cr_assert_not_null(strstr(out, "<td></td>"));
    cr_assert_not_null(strstr(
        out, "<pre><code class=\"language-cscript\">if (a &lt; b &amp;&amp; "
             "c)\n  x();\n</code></pre>"));
    cr_assert_not_null(strstr(
        out, "<blockquote cite=\"https://example.org/src\">"));
    cr_assert_not_null(strstr(out, "<hr/>"));
    cr_assert_not_null(strstr(out, "<dt>term</dt>"));
    cr_assert_not_null(strstr(
        out, "<em>em</em><strong>strong</strong><s>gone</s><sup>2</sup>"
             "<sub>i</sub><br/><code>x&lt;y</code>"));
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, footnotes)
{
    folio_node *root, *p, *ref, *def;
    char *out;
    xmlDocPtr d;

    new_doc();
    root = folio_doc_root_mut(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_TITLE, "Notes"),
                 FOLIO_OK);
    p = add_para(root, "Claim");
    ref = add(p, FOLIO_NODE_FOOTNOTE_REF);
    folio_node_set_label(ref, "1");
    ref = add(p, FOLIO_NODE_FOOTNOTE_REF);
    folio_node_set_label(ref, "1"); /* second reference, same note */
    ref = add(p, FOLIO_NODE_FOOTNOTE_REF);
    folio_node_set_label(ref, "missing");
    def = add(root, FOLIO_NODE_FOOTNOTE_DEF);
    folio_node_set_label(def, "1");
    add_para(def, "The source.");
    out = render(doc);
    d = check_xhtml(out);
    cr_assert_not_null(strstr(out, "xmlns:epub=\"" EPUB_NS "\""));
    cr_assert_not_null(strstr(
        out, "<a epub:type=\"noteref\" href=\"#fn1\" id=\"fnref1\">1</a>"));
    cr_assert_not_null(strstr(out, "id=\"fnref1-2\""));
    cr_assert_not_null(strstr(out, "[missing]"));
    cr_assert_not_null(strstr(out, "<aside epub:type=\"footnote\" "
                                   "id=\"fn1\">"));
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

Test(xhtml, stylesheet_option)
{
    char *out;
    xmlDocPtr d;

    new_doc();
    add_para(folio_doc_root_mut(doc), "x");
    out = render_opt(doc, "stylesheet", "css/book.css", NULL);
    d = check_xhtml(out);
    cr_assert_not_null(strstr(out, "<link rel=\"stylesheet\" "
                                   "type=\"text/css\" href=\"css/book.css\""
                                   "/>"));
    xmlFreeDoc(d);
    free(out);
    out = render_opt(doc, "stylesheet", "javascript:x()", NULL);
    d = check_xhtml(out);
    cr_assert_eq(strstr(out, "<link"), NULL);
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}

/* A hostile page through the real importer: nothing executable may come
 * out, whatever the importer keeps. */
Test(xhtml, hostile_page)
{
    static const char html[] =
        "<!DOCTYPE html><html><head><title>Hostile &amp; page</title>"
        "<script>alert(1)</script><style>p{}</style></head><body>"
        "<article><h1>Hostile &amp; page</h1>"
        "<p onclick=\"x()\" style=\"color:red\">First paragraph with "
        "enough words to be kept by the extractor, really, it is long "
        "enough <a href=\"javascript:alert(1)\">evil link</a> and "
        "<a href=\"https://example.org/ok\" onmouseover=\"y()\">good</a>"
        "&nbsp;text&#1;here\xc2\xa0.</p>"
        "<iframe src=\"https://evil.example/\"></iframe>"
        "<form action=\"/x\"><input name=\"q\"><button>Go</button></form>"
        "<p>Second paragraph, also long enough to count as article text "
        "for the extractor. <img src=\"pic.png\" onerror=\"z()\"></p>"
        "<object data=\"x.swf\"></object><svg><script>1</script></svg>"
        "<p>Third <a href=\"vbscript:msgbox\">vb</a> "
        "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">data</a>.</p>"
        "</article></body></html>";
    folio_job *job = import(html, "https://example.org/page");
    char *out = render(folio_job_doc(job, 0));
    xmlDocPtr d = check_xhtml(out);

    cr_assert_not_null(strstr(out, "evil link"));
    cr_assert_not_null(strstr(out, "href=\"https://example.org/ok\""));
    cr_assert_eq(strstr(out, "&nbsp;"), NULL);
    cr_assert_not_null(strstr(out, "\xc2\xa0"));
    xmlFreeDoc(d);
    free(out);
    folio_job_free(job);
}

/* Every fixture page through the real importer. */
Test(xhtml, fixtures)
{
    char dir[4096];
    DIR *dp;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof dir, "%s/fixtures", FOLIO_TEST_SRCDIR);
    dp = opendir(dir);
    cr_assert_not_null(dp, "%s", dir);
    while ((e = readdir(dp)) != NULL) {
        char path[8192];
        FILE *f;
        char *html;
        long len;
        folio_job *job;
        char *out;
        xmlDocPtr d;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/source.html", dir, e->d_name);
        f = fopen(path, "rb");
        if (f == NULL)
            continue;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        html = malloc((size_t)len + 1);
        cr_assert_not_null(html);
        cr_assert_eq(fread(html, 1, (size_t)len, f), (size_t)len);
        html[len] = '\0';
        fclose(f);
        job = import(html, "https://fixtures.example/page.html");
        out = render(folio_job_doc(job, 0));
        d = check_xhtml(out);
        xmlFreeDoc(d);
        free(out);
        free(html);
        folio_job_free(job);
        n++;
    }
    closedir(dp);
    cr_assert_gt(n, 5);
}

/* A definition list cut by the extractor still has complete dt/dd
 * groups; a date epubcheck would refuse gets no <time>. */
Test(xhtml, repairs)
{
    folio_node *root, *dl;
    char *out;
    xmlDocPtr d;

    new_doc();
    root = folio_doc_root_mut(doc);
    cr_assert_eq(folio_doc_set_meta(doc, FOLIO_META_PUBLISHED,
                                    "2017-03-13T19:09:04.123456+00:00"),
                 FOLIO_OK);
    dl = add(root, FOLIO_NODE_DEF_LIST);
    add_para(add(dl, FOLIO_NODE_DEF_DESC), "orphan description");
    add_text(add(dl, FOLIO_NODE_DEF_TERM), "term");
    add_para(add(dl, FOLIO_NODE_DEF_DESC), "desc");
    add_text(add(dl, FOLIO_NODE_DEF_TERM), "last term");
    out = render(doc);
    d = check_xhtml(out);
    cr_assert_not_null(strstr(out, "<dl>\n<dt></dt>\n<dd>"), "%s", out);
    cr_assert_not_null(strstr(out, "<dt>last term</dt>\n<dd></dd>\n</dl>"),
                       "%s", out);
    cr_assert_eq(strstr(out, "<time"), NULL);
    xmlFreeDoc(d);
    free(out);
    folio_doc_free(doc);
}
