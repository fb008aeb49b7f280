/* SPDX-License-Identifier: MIT */
/*
 * The epub output plugin, loaded through the registry from this build's
 * plugin folders. Each book is opened with libzip (entries, order,
 * compression), its XML parts are parsed back with libxml2, and every
 * book the tests produce is validated by epubcheck with 0 errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "folio/folio.h"

static folio_registry *reg;
static const folio_plugin *epub;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;

    ro.only_dirs = true;
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
    epub = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "epub");
    cr_assert_not_null(epub, "epub plugin not found along %s",
                       getenv("FOLIO_PLUGIN_PATH"));
}

static void teardown(void)
{
    folio_registry_free(reg);
}

TestSuite(epub, .init = setup, .fini = teardown, .timeout = 300);

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

static outbuf render(const folio_doc *doc)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = folio_job_new(reg, &jo);
    outbuf o = { NULL, 0 };
    int rc;

    cr_assert_not_null(job);
    rc = folio_job_write(job, epub, doc, sink, &o);
    cr_assert_eq(rc, FOLIO_OK, "write failed: %s", folio_job_error(job));
    cr_assert_gt(o.len, 100);
    folio_job_free(job);
    return o;
}

static char *temp_path(const char *tag)
{
    char *p = malloc(256);

    cr_assert_not_null(p);
    snprintf(p, 256, "/tmp/folio-test-epub-%ld-%s.epub", (long)getpid(),
             tag);
    return p;
}

static void save(const char *path, const outbuf *o)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(o->p, 1, o->len, f), o->len);
    cr_assert_eq(fclose(f), 0);
}

/* Runs epubcheck on `path` and asserts 0 fatals and 0 errors. Returns
 * the warning count. */
static int epubcheck(const char *path)
{
    char cmd[1024], line[2048], *all = NULL;
    size_t all_len = 0;
    int fatals = -1, errors = -1, warnings = -1;
    FILE *p;

    snprintf(cmd, sizeof cmd, "'%s' -jar '%s' '%s' 2>&1", FOLIO_JAVA,
             FOLIO_EPUBCHECK, path);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    while (fgets(line, sizeof line, p) != NULL) {
        size_t n = strlen(line);
        char *q = realloc(all, all_len + n + 1);

        cr_assert_not_null(q);
        all = q;
        memcpy(all + all_len, line, n + 1);
        all_len += n;
        if (strncmp(line, "Messages:", 9) == 0)
            sscanf(line, "Messages: %d fatals / %d errors / %d warnings",
                   &fatals, &errors, &warnings);
    }
    pclose(p);
    cr_assert_geq(fatals, 0, "no epubcheck summary for %s:\n%s", path,
                  all != NULL ? all : "");
    cr_assert_eq(fatals + errors, 0, "epubcheck failed %s:\n%s", path, all);
    free(all);
    return warnings;
}

/* Reads entry `name` of the book; NUL-terminated, malloc'd. */
static char *entry(zip_t *za, const char *name, size_t *len)
{
    zip_stat_t st;
    zip_file_t *f;
    char *buf;

    cr_assert_eq(zip_stat(za, name, 0, &st), 0, "no entry %s", name);
    buf = malloc((size_t)st.size + 1);
    cr_assert_not_null(buf);
    f = zip_fopen(za, name, 0);
    cr_assert_not_null(f);
    cr_assert_eq(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    buf[st.size] = '\0';
    if (len != NULL)
        *len = (size_t)st.size;
    return buf;
}

static xmlDocPtr parse_entry(zip_t *za, const char *name)
{
    size_t len;
    char *s = entry(za, name, &len);
    xmlDocPtr d = xmlReadMemory(s, (int)len, NULL, NULL, XML_PARSE_NONET);

    cr_assert_not_null(d, "%s is not XML:\n%s", name, s);
    free(s);
    return d;
}

/* First element named `name` (any namespace) in document order. */
static xmlNodePtr find(xmlNodePtr root, const char *name)
{
    for (xmlNodePtr n = root; n != NULL;) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            return n;
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
    return NULL;
}

static int count(xmlNodePtr root, const char *name)
{
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

static bool has_text(xmlNodePtr n, const char *s)
{
    xmlChar *c = n != NULL ? xmlNodeGetContent(n) : NULL;
    bool ok = c != NULL && strcmp((const char *)c, s) == 0;

    xmlFree(c);
    return ok;
}

static bool attr_is(xmlNodePtr n, const char *name, const char *v)
{
    xmlChar *c = n != NULL ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    bool ok = c != NULL && strcmp((const char *)c, v) == 0;

    xmlFree(c);
    return ok;
}

/* The structure every book has: mimetype first, stored, exact; the
 * container points at the package; the package has its identifier,
 * title, language, modified date, nav and content. */
static zip_t *open_book(const outbuf *o)
{
    const unsigned char *b = (const unsigned char *)o->p;
    zip_error_t err;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t st;
    xmlDocPtr d;
    xmlNodePtr root, n;
    xmlChar *uid;
    char *s;

    /* The local header of the first entry: "mimetype", stored, no extra
     * field, then the bytes (what reading systems sniff). */
    cr_assert_eq(memcmp(b, "PK\x03\x04", 4), 0);
    cr_assert_eq(b[8] | (b[9] << 8), 0, "mimetype is compressed");
    cr_assert_eq(b[26] | (b[27] << 8), 8);
    cr_assert_eq(b[28] | (b[29] << 8), 0, "mimetype has an extra field");
    cr_assert_eq(memcmp(b + 30, "mimetypeapplication/epub+zip", 28), 0);

    zip_error_init(&err);
    src = zip_source_buffer_create(o->p, o->len, 0, &err);
    cr_assert_not_null(src);
    za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    cr_assert_not_null(za, "not a zip: %s", zip_error_strerror(&err));
    zip_error_fini(&err);

    cr_assert_str_eq(zip_get_name(za, 0, 0), "mimetype");
    cr_assert_eq(zip_stat_index(za, 0, 0, &st), 0);
    cr_assert_eq(st.comp_method, ZIP_CM_STORE);
    s = entry(za, "mimetype", NULL);
    cr_assert_str_eq(s, "application/epub+zip");
    free(s);

    d = parse_entry(za, "META-INF/container.xml");
    n = find(xmlDocGetRootElement(d), "rootfile");
    cr_assert(attr_is(n, "full-path", "OEBPS/content.opf"));
    cr_assert(attr_is(n, "media-type", "application/oebps-package+xml"));
    xmlFreeDoc(d);

    d = parse_entry(za, "OEBPS/content.opf");
    root = xmlDocGetRootElement(d);
    cr_assert_str_eq((const char *)root->name, "package");
    cr_assert_str_eq((const char *)root->ns->href,
                     "http://www.idpf.org/2007/opf");
    cr_assert(attr_is(root, "version", "3.0"));
    uid = xmlGetProp(root, (const xmlChar *)"unique-identifier");
    cr_assert_not_null(uid);
    n = find(root, "identifier");
    cr_assert(attr_is(n, "id", (const char *)uid));
    xmlFree(uid);
    s = (char *)xmlNodeGetContent(n);
    cr_assert(strncmp(s, "urn:uuid:", 9) == 0 && strlen(s) == 45, "%s", s);
    xmlFree(s);
    cr_assert_not_null(find(root, "title"));
    cr_assert_not_null(find(root, "language"));
    n = find(root, "meta");
    cr_assert(attr_is(n, "property", "dcterms:modified"));
    s = (char *)xmlNodeGetContent(n);
    cr_assert_eq(strlen(s), 20, "%s", s);
    cr_assert_eq(s[19], 'Z');
    xmlFree(s);
    cr_assert_geq(count(root, "item"), 2);
    n = find(root, "itemref");
    cr_assert(attr_is(n, "idref", "content"));
    xmlFreeDoc(d);

    d = parse_entry(za, "OEBPS/nav.xhtml");
    n = find(xmlDocGetRootElement(d), "nav");
    cr_assert_not_null(n);
    cr_assert_not_null(find(n, "a"));
    xmlFreeDoc(d);
    d = parse_entry(za, "OEBPS/content.xhtml");
    xmlFreeDoc(d);
    return za;
}

/* Imports a file with the real importer; returns the job. */
static folio_job *import_file(const char *path)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job;
    folio_html_input in = { 0 };
    FILE *f = fopen(path, "rb");
    char *html;
    long len;

    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    html = malloc((size_t)len + 1);
    cr_assert_not_null(html);
    cr_assert_eq(fread(html, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    jo.input_path = path;
    job = folio_job_new(reg, &jo);
    cr_assert_not_null(job);
    in.size = sizeof in;
    in.html = (const unsigned char *)html;
    in.len = (size_t)len;
    in.url = "https://fixtures.example/page.html";
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK, "import: %s",
                 folio_job_error(job));
    cr_assert_gt(folio_job_doc_count(job), 0);
    free(html);
    return job;
}

/* Imports a fixture, builds the book, checks it, runs epubcheck. */
static void fixture_book(const char *rel, const char *tag)
{
    char path[4096];
    folio_job *job;
    outbuf o;
    zip_t *za;
    char *file = temp_path(tag);

    snprintf(path, sizeof path, "%s/%s", FOLIO_TEST_SRCDIR, rel);
    job = import_file(path);
    o = render(folio_job_doc(job, 0));
    za = open_book(&o);
    zip_close(za);
    save(file, &o);
    epubcheck(file);
    unlink(file);
    free(file);
    free(o.p);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static const unsigned char png[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52"
    "\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    "\x89\x00\x00\x00\x0b\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x02\x00"
    "\x00\x05\x00\x01\x7a\x5e\xab\x3f\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82";
static const unsigned char gif[] =
    "\x47\x49\x46\x38\x39\x61\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00"
    "\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00"
    "\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";
static const unsigned char bmp[] = "BM\x3a\x00\x00\x00\x00\x00\x00\x00";

static folio_doc *doc;

static folio_node *add(folio_node *parent, folio_node_type t)
{
    folio_node *n = folio_node_new(doc, t);

    cr_assert_not_null(n);
    cr_assert_eq(folio_node_append_child(parent, n), FOLIO_OK);
    return n;
}

static void add_text(folio_node *parent, const char *s)
{
    folio_node *n = add(parent, FOLIO_NODE_TEXT);

    cr_assert_eq(folio_node_set_literal(n, s, strlen(s)), FOLIO_OK);
}

static void add_image(folio_node *parent, const char *url, const char *alt)
{
    folio_node *n = add(parent, FOLIO_NODE_IMAGE);

    cr_assert_eq(folio_node_set_url(n, url), FOLIO_OK);
    cr_assert_eq(folio_node_set_alt(n, alt), FOLIO_OK);
}

Test(epub, book_with_images)
{
    folio_node *root, *p, *h, *a;
    outbuf o, o2;
    zip_t *za;
    xmlDocPtr d;
    xmlNodePtr r, n;
    char *s, *file = temp_path("images");
    size_t len;
    bool png_item = false, gif_item = false, nav_item = false;

    doc = folio_doc_new();
    cr_assert_not_null(doc);
    root = folio_doc_root_mut(doc);
    folio_doc_set_meta(doc, FOLIO_META_TITLE, "Bilder & Töne");
    folio_doc_set_meta(doc, FOLIO_META_LANG, "de");
    folio_doc_set_meta(doc, FOLIO_META_PUBLISHED, "2024-05-01");
    folio_doc_set_meta(doc, FOLIO_META_URL, "https://example.org/bilder");
    folio_doc_add_author(doc, "Ana Muster");
    folio_doc_add_author(doc, "Bo <Bot>");
    cr_assert_eq(folio_doc_add_asset(doc, "https://example.org/a.png",
                                     "image/png", png, sizeof png - 1),
                 FOLIO_OK);
    /* Declared PNG, really a GIF: the bytes decide. */
    cr_assert_eq(folio_doc_add_asset(doc, "https://example.org/b.png",
                                     "image/png", gif, sizeof gif - 1),
                 FOLIO_OK);
    cr_assert_eq(folio_doc_add_asset(doc, "https://example.org/c.bmp",
                                     "image/bmp", bmp, sizeof bmp - 1),
                 FOLIO_OK);

    h = add(root, FOLIO_NODE_HEADING);
    folio_node_set_heading_level(h, 2);
    add_text(h, "Erster Teil");
    p = add(root, FOLIO_NODE_PARAGRAPH);
    add_image(p, "https://example.org/a.png", "A");
    add_image(p, "https://example.org/b.png", "B");
    add_image(p, "https://example.org/a.png", "A again");
    add_image(p, "https://example.org/c.bmp", "BMP");
    add_image(p, "https://example.org/remote.jpg", "");
    a = add(p, FOLIO_NODE_LINK);
    folio_node_set_url(a, "https://example.org/");
    add_image(a, "https://example.org/remote2.jpg", "inside a link");
    a = add(p, FOLIO_NODE_LINK);
    folio_node_set_url(a, "relative/page.html");
    add_text(a, "relative");

    o = render(doc);
    za = open_book(&o);

    d = parse_entry(za, "OEBPS/content.opf");
    r = xmlDocGetRootElement(d);
    cr_assert(has_text(find(r, "title"), "Bilder & Töne"));
    cr_assert(has_text(find(r, "language"), "de"));
    cr_assert(has_text(find(r, "creator"), "Ana Muster"));
    cr_assert_eq(count(r, "creator"), 2);
    cr_assert(has_text(find(r, "date"), "2024-05-01"));
    cr_assert(has_text(find(r, "source"), "https://example.org/bilder"));
    for (n = find(r, "manifest")->children; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (attr_is(n, "href", "images/img-001.png"))
            png_item = attr_is(n, "media-type", "image/png");
        if (attr_is(n, "href", "images/img-002.gif"))
            gif_item = attr_is(n, "media-type", "image/gif");
        if (attr_is(n, "href", "nav.xhtml"))
            nav_item = attr_is(n, "properties", "nav");
    }
    cr_assert(png_item && gif_item && nav_item);
    cr_assert_eq(count(r, "item"), 4, "nav, content and two images");
    xmlFreeDoc(d);

    s = entry(za, "OEBPS/content.xhtml", NULL);
    cr_assert_not_null(strstr(s, "<img src=\"images/img-001.png\" "
                                 "alt=\"A\"/>"));
    cr_assert_not_null(strstr(s, "<img src=\"images/img-002.gif\" "
                                 "alt=\"B\"/>"));
    cr_assert_not_null(strstr(s, "<img src=\"images/img-001.png\" "
                                 "alt=\"A again\"/>"));
    cr_assert_eq(strstr(s, "src=\"http"), NULL, "remote image: %s", s);
    cr_assert_not_null(strstr(s, "<a href=\"https://example.org/c.bmp\">"
                                 "BMP</a>"));
    cr_assert_not_null(strstr(
        s, "<a href=\"https://example.org/remote.jpg\">image</a>"));
    cr_assert_not_null(strstr(s, "inside a link</a>"));
    cr_assert_eq(strstr(s, "relative/page.html"), NULL);
    cr_assert_not_null(strstr(s, "<h2 id=\"sec1\">Erster Teil</h2>"));
    free(s);

    s = entry(za, "OEBPS/images/img-001.png", &len);
    cr_assert_eq(len, sizeof png - 1);
    cr_assert_eq(memcmp(s, png, len), 0);
    free(s);
    cr_assert_lt(zip_name_locate(za, "OEBPS/images/img-003.bmp", 0), 0);

    d = parse_entry(za, "OEBPS/nav.xhtml");
    s = (char *)xmlNodeGetContent(xmlDocGetRootElement(d));
    cr_assert_not_null(strstr(s, "Erster Teil"));
    xmlFree(s);
    xmlFreeDoc(d);
    s = entry(za, "OEBPS/nav.xhtml", NULL);
    cr_assert_not_null(strstr(s, "epub:type=\"toc\""));
    cr_assert_not_null(strstr(s, "href=\"content.xhtml#sec1\""));
    free(s);
    zip_close(za);

    /* The identifier comes from the URL: the same on every run. */
    o2 = render(doc);
    za = open_book(&o2);
    d = parse_entry(za, "OEBPS/content.opf");
    {
        xmlDocPtr d1;
        zip_t *z1 = open_book(&o);
        char *id1, *id2;

        d1 = parse_entry(z1, "OEBPS/content.opf");
        id1 = (char *)xmlNodeGetContent(find(xmlDocGetRootElement(d1),
                                             "identifier"));
        id2 = (char *)xmlNodeGetContent(find(xmlDocGetRootElement(d),
                                             "identifier"));
        cr_assert_str_eq(id1, id2);
        xmlFree(id1);
        xmlFree(id2);
        xmlFreeDoc(d1);
        zip_close(z1);
    }
    xmlFreeDoc(d);
    zip_close(za);

    save(file, &o);
    epubcheck(file);
    unlink(file);
    free(file);
    free(o.p);
    free(o2.p);
    folio_doc_free(doc);
}

/* No title, no language, nothing but a paragraph: still a valid book. */
Test(epub, minimal_book)
{
    folio_node *p;
    outbuf o;
    zip_t *za;
    xmlDocPtr d;
    char *file = temp_path("minimal");

    doc = folio_doc_new();
    cr_assert_not_null(doc);
    p = add(folio_doc_root_mut(doc), FOLIO_NODE_PARAGRAPH);
    add_text(p, "Just text.");
    o = render(doc);
    za = open_book(&o);
    d = parse_entry(za, "OEBPS/content.opf");
    cr_assert(has_text(find(xmlDocGetRootElement(d), "language"), "en"));
    cr_assert(has_text(find(xmlDocGetRootElement(d), "title"), "Untitled"));
    xmlFreeDoc(d);
    zip_close(za);
    save(file, &o);
    epubcheck(file);
    unlink(file);
    free(file);
    free(o.p);
    folio_doc_free(doc);
}

Test(epub, fixture_footnotes)
{
    fixture_book("fixtures/footnotes/source.html", "footnotes");
}

Test(epub, fixture_figure_credits)
{
    fixture_book("fixtures/figure-credits/source.html", "figures");
}

Test(epub, fixture_tables)
{
    fixture_book("fixtures/tables-align/source.html", "tables");
}

Test(epub, fixture_code_and_lists)
{
    fixture_book("fixtures/code-languages/source.html", "code");
    fixture_book("fixtures/lists-nested/source.html", "lists");
}

/* The CLI writes the binary book to a file with -o and to stdout, the
 * same bytes when SOURCE_DATE_EPOCH pins the time. */
Test(epub, cli_output)
{
    const char *exe = getenv("FOLIO_EXE");
    char cmd[8192];
    char *file = temp_path("cli"), *file2 = temp_path("cli-stdout");
    outbuf a = { NULL, 0 }, b = { NULL, 0 };
    FILE *f;
    char buf[4096];
    size_t n;
    zip_t *za;

    cr_assert_not_null(exe);
    snprintf(cmd, sizeof cmd,
             "SOURCE_DATE_EPOCH=1700000000 '%s' -q -t epub -o '%s' "
             "'%s/../examples/article.html' && "
             "SOURCE_DATE_EPOCH=1700000000 '%s' -q -t epub "
             "'%s/../examples/article.html' > '%s'",
             exe, file, FOLIO_TEST_SRCDIR, exe, FOLIO_TEST_SRCDIR, file2);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    f = fopen(file, "rb");
    cr_assert_not_null(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sink(&a, buf, n);
    fclose(f);
    f = fopen(file2, "rb");
    cr_assert_not_null(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sink(&b, buf, n);
    fclose(f);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.p, b.p, a.len), 0, "not reproducible");
    za = open_book(&a);
    {
        xmlDocPtr d = parse_entry(za, "OEBPS/content.opf");
        xmlNodePtr m = find(xmlDocGetRootElement(d), "meta");

        cr_assert(has_text(m, "2023-11-14T22:13:20Z"));
        xmlFreeDoc(d);
    }
    zip_close(za);
    epubcheck(file);
    unlink(file);
    unlink(file2);
    free(file);
    free(file2);
    free(a.p);
    free(b.p);
}
