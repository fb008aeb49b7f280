/* SPDX-License-Identifier: MIT */
/*
 * Output plugin "epub": the article as a whole EPUB 3 book, zipped with
 * libzip in memory: mimetype (first, stored), META-INF/container.xml,
 * OEBPS/content.opf, OEBPS/nav.xhtml, OEBPS/content.xhtml (built by
 * xhtml_doc.c, shared with the "xhtml" plugin) and the images the input
 * carried. Images the book cannot hold become links, never broken
 * references (FORMATS.md §3.4).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <zip.h>

#include "folio/plugin.h"
#include "xhtml_doc.h"

#define META_HAS(m, field)                                                   \
    ((m)->size >= offsetof(folio_meta, field) + sizeof((m)->field))
#define META_STR(m, field) (META_HAS(m, field) ? (m)->field : NULL)

#define X(s) ((const xmlChar *)(s))

#define OPF_NS "http://www.idpf.org/2007/opf"
#define DC_NS "http://purl.org/dc/elements/1.1/"
/* Images per book: a bound on hostile inputs, far above real articles. */
#define MAX_IMAGES 2000

/* ------------------------------------------------------------------ */
/* Memory buffers                                                     */
/* ------------------------------------------------------------------ */

typedef struct membuf {
    char *p;
    size_t len, cap;
} membuf;

static int membuf_write(void *sink, const char *bytes, size_t len)
{
    membuf *m = sink;

    if (len > m->cap - m->len) {
        size_t cap = m->cap != 0 ? m->cap : 4096;
        char *p;

        while (len > cap - m->len) {
            if (cap > (size_t)-1 / 2)
                return -1;
            cap *= 2;
        }
        p = realloc(m->p, cap);
        if (p == NULL)
            return -1;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, bytes, len);
    m->len += len;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Images                                                             */
/* ------------------------------------------------------------------ */

typedef struct book_image {
    const char *url;      /* borrowed from the document */
    char href[32];        /* "images/img-001.png", relative to OEBPS */
    const char *media_type;
    const folio_asset *asset;
} book_image;

typedef struct book {
    const folio_host *h;
    folio_job *job;
    const folio_doc *doc;
    book_image *images;
    size_t n_images, cap_images;
    bool oom;
} book;

/* True when an SVG file is well-formed XML with an <svg> root in the SVG
 * namespace and no DOCTYPE (no entities to expand). */
static bool svg_ok(const unsigned char *data, size_t len)
{
    xmlDocPtr d;
    xmlNodePtr r;
    bool ok;

    if (len > 0x7FFFFFFF)
        return false;
    d = xmlReadMemory((const char *)data, (int)len, NULL, NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                          XML_PARSE_NOWARNING);
    if (d == NULL)
        return false;
    r = xmlDocGetRootElement(d);
    ok = d->intSubset == NULL && r != NULL && r->ns != NULL &&
         strcmp((const char *)r->name, "svg") == 0 &&
         strcmp((const char *)r->ns->href, "http://www.w3.org/2000/svg") ==
             0;
    xmlFreeDoc(d);
    return ok;
}

/* The EPUB core media type of an image, judged by its bytes (the
 * extension must match them, PKG_022), or NULL. `ext` gets the file
 * extension. */
static const char *sniff_image(const folio_asset *a, const char **ext)
{
    const unsigned char *p = a->data;
    size_t n = a->len;

    if (p == NULL)
        return NULL;
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        *ext = "png";
        return "image/png";
    }
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        *ext = "jpg";
        return "image/jpeg";
    }
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
                   memcmp(p, "GIF89a", 6) == 0)) {
        *ext = "gif";
        return "image/gif";
    }
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
        memcmp(p + 8, "WEBP", 4) == 0) {
        *ext = "webp";
        return "image/webp";
    }
    if (a->media_type != NULL &&
        strcmp(a->media_type, "image/svg+xml") == 0 && svg_ok(p, n)) {
        *ext = "svg";
        return "image/svg+xml";
    }
    return NULL;
}

/* xhtml_image_fn: the book path of an image the input carried. */
static const char *book_image_for(void *ctx, const char *url)
{
    book *b = ctx;
    const folio_asset *a;
    const char *mt, *ext = NULL;
    book_image *im;

    for (size_t i = 0; i < b->n_images; i++) {
        if (strcmp(b->images[i].url, url) == 0)
            return b->images[i].href;
    }
    a = b->h->doc->asset_find(b->doc, url);
    if (a == NULL || (mt = sniff_image(a, &ext)) == NULL ||
        b->n_images >= MAX_IMAGES)
        return NULL;
    if (b->n_images == b->cap_images) {
        size_t nc = b->cap_images != 0 ? b->cap_images * 2 : 16;
        book_image *p = realloc(b->images, nc * sizeof *p);

        if (p == NULL) {
            b->oom = true;
            return NULL;
        }
        b->images = p;
        b->cap_images = nc;
    }
    im = &b->images[b->n_images];
    im->url = url;
    im->media_type = mt;
    im->asset = a;
    snprintf(im->href, sizeof im->href, "images/img-%03zu.%s",
             b->n_images + 1, ext);
    b->n_images++;
    return im->href;
}

/* ------------------------------------------------------------------ */
/* Identifier and dates                                               */
/* ------------------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* A urn:uuid derived from `key` (the canonical URL, or the content), so
 * converting the same article again gives the same book identifier and
 * readers replace the old copy. Version 8 (custom) per RFC 9562. */
static void make_uuid(char out[46], const char *key, size_t len)
{
    uint64_t a = fnv1a(0xcbf29ce484222325ULL, key, len);
    uint64_t b = fnv1a(0x84222325cbf29ce4ULL ^ a, key, len);
    unsigned char u[16];

    for (int i = 0; i < 8; i++) {
        u[i] = (unsigned char)(a >> (56 - 8 * i));
        u[8 + i] = (unsigned char)(b >> (56 - 8 * i));
    }
    u[6] = (unsigned char)((u[6] & 0x0F) | 0x80);
    u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
    snprintf(out, 46,
             "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
             u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Seconds since the epoch of a broken-down UTC time (timegm is not
 * POSIX). Days from the civil date: Howard Hinnant's algorithm. */
static time_t utc_seconds(const struct tm *tm)
{
    long long y = (long long)tm->tm_year + 1900 - (tm->tm_mon + 1 <= 2);
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long mp = (tm->tm_mon + 1 + 9) % 12;
    long long doy = (153 * mp + 2) / 5 + tm->tm_mday - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = era * 146097 + doe - 719468;

    return (time_t)(days * 86400 + tm->tm_hour * 3600 + tm->tm_min * 60 +
                    tm->tm_sec);
}

/* dcterms:modified: SOURCE_DATE_EPOCH for reproducible builds, else the
 * capture time when it is already in CCYY-MM-DDThh:mm:ssZ form, else
 * now. `*when` gets the time for the zip entries. */
static void modified_time(const folio_meta *m, char out[21], time_t *when)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    const char *cap = META_STR(m, captured);
    struct tm tm;
    time_t t = time(NULL);

    if (epoch != NULL && *epoch != '\0') {
        char *end;
        long long v = strtoll(epoch, &end, 10);

        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    } else if (cap != NULL && strlen(cap) == 20 && cap[19] == 'Z' &&
               xhtml_date_ok(cap)) {
        memset(&tm, 0, sizeof tm);
        if (sscanf(cap, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
            memcpy(out, cap, 21);
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            *when = utc_seconds(&tm);
            return;
        }
    }
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
        strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        memcpy(out, "2000-01-01T00:00:00Z", 21);
    *when = t;
}

/* ------------------------------------------------------------------ */
/* Package and navigation documents                                   */
/* ------------------------------------------------------------------ */

typedef struct xb {
    xmlDocPtr doc;
    bool oom;
} xb;

static xmlNodePtr node(xb *x, xmlNodePtr parent, xmlNsPtr ns,
                       const char *name, const char *content)
{
    xmlNodePtr e;
    char *c = NULL;

    if (parent == NULL)
        return NULL;
    if (content != NULL) {
        c = xhtml_clean_text(content);
        if (c == NULL) {
            x->oom = true;
            return NULL;
        }
    }
    /* xmlNewDocNode with content would parse entities; the text goes in
     * as a text node instead. */
    e = xmlNewDocNode(x->doc, ns, X(name), NULL);
    if (e == NULL) {
        x->oom = true;
    } else {
        xmlAddChild(parent, e);
        if (c != NULL && *c != '\0') {
            xmlNodePtr t = xmlNewDocText(x->doc, X(c));

            if (t == NULL)
                x->oom = true;
            else
                xmlAddChild(e, t);
        }
    }
    free(c);
    return e;
}

static void prop(xb *x, xmlNodePtr e, const char *name, const char *v)
{
    char *c;

    if (e == NULL || v == NULL)
        return;
    c = xhtml_clean_text(v);
    if (c == NULL || xmlNewProp(e, X(name), X(c)) == NULL)
        x->oom = true;
    free(c);
}

/* True when the cleaned `s` has a non-space character. */
static bool has_text(const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return true;
    }
    return false;
}

static xmlDocPtr build_opf(book *b, const xhtml_result *r,
                           const char *uuid, const char *modified)
{
    const folio_meta *m = b->h->doc->meta(b->doc);
    size_t n_authors = META_HAS(m, n_authors) ? m->n_authors : 0;
    const char *pub = META_STR(m, published);
    const char *src = META_STR(m, url);
    const char *site = META_STR(m, site_name);
    const char *desc = META_STR(m, description);
    xb x = { xmlNewDoc(X("1.0")), false };
    xmlNodePtr pkg, md, man, spine, e;
    xmlNsPtr opf, dc;

    if (x.doc == NULL)
        return NULL;
    pkg = xmlNewDocNode(x.doc, NULL, X("package"), NULL);
    if (pkg == NULL)
        goto fail;
    xmlDocSetRootElement(x.doc, pkg);
    opf = xmlNewNs(pkg, X(OPF_NS), NULL);
    if (opf == NULL)
        goto fail;
    xmlSetNs(pkg, opf);
    prop(&x, pkg, "version", "3.0");
    prop(&x, pkg, "unique-identifier", "bookid");
    xmlNodeSetLang(pkg, X(r->lang));

    md = node(&x, pkg, opf, "metadata", NULL);
    if (md == NULL || (dc = xmlNewNs(md, X(DC_NS), X("dc"))) == NULL)
        goto fail;
    e = node(&x, md, dc, "identifier", uuid);
    prop(&x, e, "id", "bookid");
    node(&x, md, dc, "title", r->title);
    node(&x, md, dc, "language", r->lang);
    for (size_t i = 0; i < n_authors && m->authors != NULL; i++) {
        if (has_text(m->authors[i]))
            node(&x, md, dc, "creator", m->authors[i]);
    }
    if (xhtml_date_ok(pub))
        node(&x, md, dc, "date", pub);
    if (src == NULL)
        src = META_STR(m, source);
    if (has_text(src))
        node(&x, md, dc, "source", src);
    if (has_text(site))
        node(&x, md, dc, "publisher", site);
    if (has_text(desc))
        node(&x, md, dc, "description", desc);
    e = node(&x, md, opf, "meta", modified);
    prop(&x, e, "property", "dcterms:modified");

    man = node(&x, pkg, opf, "manifest", NULL);
    e = node(&x, man, opf, "item", NULL);
    prop(&x, e, "id", "nav");
    prop(&x, e, "href", "nav.xhtml");
    prop(&x, e, "media-type", "application/xhtml+xml");
    prop(&x, e, "properties", "nav");
    e = node(&x, man, opf, "item", NULL);
    prop(&x, e, "id", "content");
    prop(&x, e, "href", "content.xhtml");
    prop(&x, e, "media-type", "application/xhtml+xml");
    for (size_t i = 0; i < b->n_images; i++) {
        char id[24];

        snprintf(id, sizeof id, "img%03zu", i + 1);
        e = node(&x, man, opf, "item", NULL);
        prop(&x, e, "id", id);
        prop(&x, e, "href", b->images[i].href);
        prop(&x, e, "media-type", b->images[i].media_type);
    }
    spine = node(&x, pkg, opf, "spine", NULL);
    e = node(&x, spine, opf, "itemref", NULL);
    prop(&x, e, "idref", "content");
    if (x.oom)
        goto fail;
    return x.doc;

fail:
    xmlFreeDoc(x.doc);
    return NULL;
}

/* nav.xhtml: the table of contents, the article and its headings. */
static xmlDocPtr build_nav(const xhtml_result *r)
{
    xb x = { xmlNewDoc(X("1.0")), false };
    xmlNodePtr html, head, body, nav, ol, li, a, e;
    xmlNsPtr ns, epub;

    if (x.doc == NULL)
        return NULL;
    if (xmlCreateIntSubset(x.doc, X("html"), NULL, NULL) == NULL)
        goto fail;
    html = xmlNewDocNode(x.doc, NULL, X("html"), NULL);
    if (html == NULL)
        goto fail;
    xmlDocSetRootElement(x.doc, html);
    ns = xmlNewNs(html, X(XHTML_NS), NULL);
    epub = xmlNewNs(html, X(EPUB_NS), X("epub"));
    if (ns == NULL || epub == NULL)
        goto fail;
    xmlSetNs(html, ns);
    prop(&x, html, "lang", r->lang);
    xmlNodeSetLang(html, X(r->lang));
    head = node(&x, html, ns, "head", NULL);
    e = node(&x, head, ns, "meta", NULL);
    prop(&x, e, "charset", "utf-8");
    node(&x, head, ns, "title", r->title);
    body = node(&x, html, ns, "body", NULL);
    nav = node(&x, body, ns, "nav", NULL);
    if (nav == NULL ||
        xmlNewNsProp(nav, epub, X("type"), X("toc")) == NULL)
        goto fail;
    prop(&x, nav, "id", "toc");
    node(&x, nav, ns, "h1", "Contents");
    ol = node(&x, nav, ns, "ol", NULL);
    li = node(&x, ol, ns, "li", NULL);
    a = node(&x, li, ns, "a", r->title);
    prop(&x, a, "href", "content.xhtml");
    if (r->n_headings > 0) {
        ol = node(&x, li, ns, "ol", NULL);
        for (size_t i = 0; i < r->n_headings; i++) {
            char *href = malloc(strlen(r->headings[i].id) + 16);

            if (href == NULL)
                goto fail;
            sprintf(href, "content.xhtml#%s", r->headings[i].id);
            li = node(&x, ol, ns, "li", NULL);
            a = node(&x, li, ns, "a", r->headings[i].text);
            prop(&x, a, "href", href);
            free(href);
        }
    }
    if (x.oom || xhtml_fix_empty(html) < 0)
        goto fail;
    return x.doc;

fail:
    xmlFreeDoc(x.doc);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Zip                                                                */
/* ------------------------------------------------------------------ */

static const char container_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<container version=\"1.0\" "
    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
    "<rootfiles>\n"
    "<rootfile full-path=\"OEBPS/content.opf\" "
    "media-type=\"application/oebps-package+xml\"/>\n"
    "</rootfiles>\n"
    "</container>\n";

/* Adds one entry; the bytes must live until zip_close. */
static int add_entry(zip_t *za, const char *name, const void *data,
                     size_t len, bool store, time_t when)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    zip_int64_t idx;

    if (s == NULL)
        return -1;
    idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return -1;
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx,
                                 store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 store ? 0 : 9) < 0 ||
        zip_file_set_mtime(za, (zip_uint64_t)idx, when, 0) < 0)
        return -1;
    return 0;
}

/* Zips the parts in memory and sends the archive to the sink. */
static int write_zip(book *b, const membuf *opf, const membuf *nav,
                     const membuf *content, time_t when, folio_write_fn out,
                     void *sink)
{
    const folio_host *h = b->h;
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *za = NULL;
    zip_stat_t st;
    char *buf = NULL;
    int rc = FOLIO_OK;

    zip_error_init(&zerr);
    src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    if (src == NULL) {
        zip_error_fini(&zerr);
        return h->error(b->job, FOLIO_ENOMEM, "out of memory");
    }
    za = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    if (za == NULL) {
        rc = h->error(b->job, FOLIO_ENOMEM, "cannot create the zip: %s",
                      zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return rc;
    }
    /* Keep the memory source after zip_close to read the archive. */
    zip_source_keep(src);
    if (add_entry(za, "mimetype", "application/epub+zip", 20, true, when) <
            0 ||
        add_entry(za, "META-INF/container.xml", container_xml,
                  sizeof container_xml - 1, false, when) < 0 ||
        add_entry(za, "OEBPS/content.opf", opf->p, opf->len, false, when) <
            0 ||
        add_entry(za, "OEBPS/nav.xhtml", nav->p, nav->len, false, when) <
            0 ||
        add_entry(za, "OEBPS/content.xhtml", content->p, content->len,
                  false, when) < 0)
        goto zip_fail;
    for (size_t i = 0; i < b->n_images; i++) {
        char name[48];
        const folio_asset *a = b->images[i].asset;

        snprintf(name, sizeof name, "OEBPS/%s", b->images[i].href);
        /* Images are compressed already: store them. */
        if (add_entry(za, name, a->data, a->len, true, when) < 0)
            goto zip_fail;
    }
    if (zip_close(za) < 0)
        goto zip_fail;
    za = NULL;

    if (zip_source_open(src) < 0)
        goto src_fail;
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
        zip_source_close(src);
        goto src_fail;
    }
    buf = malloc(st.size > 0 ? (size_t)st.size : 1);
    if (buf == NULL) {
        zip_source_close(src);
        rc = h->error(b->job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }
    if (zip_source_read(src, buf, st.size) != (zip_int64_t)st.size) {
        zip_source_close(src);
        goto src_fail;
    }
    zip_source_close(src);
    if (out(sink, buf, (size_t)st.size) != 0)
        rc = h->error(b->job, FOLIO_EUSER, "writing the output failed");
    goto done;

zip_fail:
    rc = h->error(b->job, FOLIO_ENOMEM, "cannot build the zip: %s",
                  za != NULL ? zip_strerror(za) : "error");
    if (za != NULL)
        zip_discard(za);
    goto done;
src_fail:
    rc = h->error(b->job, FOLIO_ENOMEM, "cannot read the zip back: %s",
                  zip_error_strerror(zip_source_error(src)));
done:
    free(buf);
    zip_source_free(src);
    zip_error_fini(&zerr);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Write                                                              */
/* ------------------------------------------------------------------ */

static int epub_write(const folio_host *h, folio_job *job,
                      const folio_doc *doc, folio_write_fn out, void *sink)
{
    book b;
    xhtml_opts o = { 0 };
    xhtml_result res;
    membuf content = { 0 }, opf_buf = { 0 }, nav_buf = { 0 };
    xmlDocPtr opf = NULL, nav = NULL;
    const folio_meta *m;
    const char *key;
    char uuid[46], modified[21];
    time_t when = 0;
    int rc;

    memset(&b, 0, sizeof b);
    b.h = h;
    b.job = job;
    b.doc = doc;
    o.book = true;
    o.image = book_image_for;
    o.image_ctx = &b;
    rc = xhtml_build(h, job, doc, &o, &res);
    if (rc == FOLIO_OK && b.oom)
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
    if (rc == FOLIO_OK)
        rc = xhtml_serialize(h, job, res.doc, false, membuf_write, &content);
    if (rc != FOLIO_OK)
        goto done;

    m = h->doc->meta(doc);
    key = META_STR(m, url);
    if (key != NULL && *key != '\0')
        make_uuid(uuid, key, strlen(key));
    else
        make_uuid(uuid, content.p, content.len);
    modified_time(m, modified, &when);

    opf = build_opf(&b, &res, uuid, modified);
    nav = build_nav(&res);
    if (opf == NULL || nav == NULL) {
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = xhtml_serialize(h, job, opf, true, membuf_write, &opf_buf)) <
            0 ||
        (rc = xhtml_serialize(h, job, nav, false, membuf_write, &nav_buf)) <
            0)
        goto done;
    rc = write_zip(&b, &opf_buf, &nav_buf, &content, when, out, sink);

done:
    xmlFreeDoc(opf);
    xmlFreeDoc(nav);
    xhtml_result_free(&res);
    free(b.images);
    free(content.p);
    free(opf_buf.p);
    free(nav_buf.p);
    return rc;
}

static const char *const epub_formats[] = {
    "epub", "application/epub+zip", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "epub",
                      "epub\0" "application/epub+zip\0");


static const folio_output_ops epub_ops = {
    .size = sizeof(folio_output_ops),
    .write = epub_write,
    .extension = "epub",
    .media_type = "application/epub+zip",
    .flags = FOLIO_OUTPUT_EMBEDS_ASSETS,
};

static const folio_plugin epub_plugin_desc = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "epub",
    .version = "0.1.0",
    .description = "EPUB 3 book with the article and its images",
    .formats = epub_formats,
    .options = NULL,
    .output = &epub_ops,
};

FOLIO_PLUGIN_DEFINE(epub_plugin_desc)
