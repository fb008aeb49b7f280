/* SPDX-License-Identifier: MIT */
/* The HTML import pipeline: bytes -> UTF-8 -> libxml2 tree -> metadata ->
 * main content -> folio_doc. */
#include "import.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "dom.h"

#define DEFAULT_MAX_INPUT ((size_t)256 * 1024 * 1024)

/* True when the caller's folio_html_input is recent enough to hold
 * member `m` (plugins built against an older header pass a smaller
 * size). */
#define HAS(in, m)                                                           \
    ((in)->size >= offsetof(folio_html_input, m) + sizeof((in)->m))

static const char *field(const folio_html_input *in, size_t off, size_t sz,
                         const char *const *p)
{
    if (in->size < off + sz || *p == NULL || **p == '\0')
        return NULL;
    return *p;
}

#define FIELD(in, m)                                                         \
    field((in), offsetof(folio_html_input, m), sizeof((in)->m), &(in)->m)

/* True when `s` is a reference that stays relative without a base: not
 * absolute, not a fragment, not protocol-relative. */
static int is_relative_ref(const char *s)
{
    const char *p = s;

    if (s == NULL)
        return 0;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p == '\0' || *p == '#' || (p[0] == '/' && p[1] == '/'))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
           || (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'
           || *p == '.')
        p++;
    return *p != ':';
}

/* Whether the article holds links or images a base URL would resolve. */
static int has_relative_urls(xmlNodePtr root)
{
    xmlNodePtr n = root;

    for (; n != NULL; n = dom_next(n, root, 0)) {
        if ((dom_is(n, "a") && is_relative_ref(dom_attr(n, "href")))
            || (dom_is(n, "img") && is_relative_ref(dom_attr(n, "src"))))
            return 1;
    }
    return 0;
}

/* Pages without a declared description get their first real paragraph,
 * which is what readers and link previews show: the first paragraph at
 * the top level or in a list item of at least DESC_MIN bytes, or a
 * shorter full sentence of DESC_WORDS words, so that a lone "Contents",
 * "When" or "By Jane Doe, May 3" is passed over, and not mostly link
 * text (a menu). A paragraph longer than DESC_MAX bytes is cut at a
 * space and ends in an ellipsis. */
#define DESC_MIN 60
#define DESC_WORDS 4
#define DESC_MAX 1200
#define DESC_SCAN 4096  /* blocks looked at */

/* The next candidate block after `n` in document order: descends into
 * lists and list items only, never into quotes, asides or footnotes. */
static const folio_node *desc_next(const folio_node *n, bool enter)
{
    folio_node_type t = folio_node_type_of(n);
    if (enter && (t == FOLIO_NODE_LIST || t == FOLIO_NODE_LIST_ITEM)
        && folio_node_first_child(n) != NULL)
        return folio_node_first_child(n);
    while (n != NULL && folio_node_next(n) == NULL) {
        n = folio_node_parent(n);
        if (n != NULL && folio_node_type_of(n) == FOLIO_NODE_DOCUMENT)
            return NULL;
    }
    return n != NULL ? folio_node_next(n) : NULL;
}

static int describe_from_body(folio_doc *doc)
{
    const folio_node *p = folio_node_first_child(folio_doc_root(doc));
    char buf[DESC_MAX + 8];

    for (size_t seen = 0; p != NULL && seen < DESC_SCAN;
         p = desc_next(p, true), seen++) {
        if (folio_node_type_of(p) != FOLIO_NODE_PARAGRAPH)
            continue;
        size_t len = 0, words = 0, linked = 0;
        int in_link = 0;
        bool cut = false, space = true;
        folio_iter it;
        folio_iter_init(&it, p);
        folio_event ev;
        while (!cut && (ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
            const folio_node *n = folio_iter_node(&it);
            const char *t = folio_node_literal(n);
            if (folio_node_type_of(n) == FOLIO_NODE_LINK)
                in_link += ev == FOLIO_EVENT_ENTER ? 1 : -1;
            if (folio_node_type_of(n) == FOLIO_NODE_LINEBREAK)
                t = " ";
            if (ev != FOLIO_EVENT_ENTER || t == NULL)
                continue;
            if (in_link > 0)
                linked += strlen(t);
            for (; *t != '\0'; t++) {
                if (len >= DESC_MAX && (*t == ' ' || len >= DESC_MAX + 4)) {
                    cut = true;
                    break;
                }
                if (*t == ' ')
                    space = true;
                else if (space) {
                    space = false;
                    words++;
                }
                buf[len++] = *t;
            }
        }
        /* A short paragraph counts only as a sentence ("Lorem ipsum
         * dolor sit amet."), not as a label, a byline or a tagline; one
         * opening with punctuation is the tail of removed content. */
        size_t end = len;
        while (end > 0 && buf[end - 1] == ' ')
            end--;
        bool sentence = end > 0 && strchr(".!?:", buf[end - 1]) != NULL;
        if (end >= 3 && !sentence)
            sentence = memcmp(buf + end - 3, "\xe3\x80\x82", 3) == 0
                       || memcmp(buf + end - 3, "\xe2\x80\xa6", 3) == 0;
        size_t lead = 0;
        while (lead < len && buf[lead] == ' ')
            lead++;
        if (lead < len && strchr(",;:.)", buf[lead]) != NULL)
            continue;
        /* Mostly link text: a menu entry or a teaser, not prose. */
        if (linked * 2 > len)
            continue;
        if (len < DESC_MIN && (words < DESC_WORDS || !sentence))
            continue;
        if (cut) {
            /* Back off to a character boundary (dropping a last character
             * that may be incomplete), then to a space if there is one. */
            while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80)
                len--;
            if (len > 0 && (unsigned char)buf[len - 1] >= 0xC0)
                len--;
            size_t sp = len;
            while (sp > DESC_MIN && buf[sp - 1] != ' ')
                sp--;
            if (sp > DESC_MIN)
                len = sp - 1;
            memcpy(buf + len, "\xe2\x80\xa6", 3); /* ellipsis */
            len += 3;
        }
        /* Trim the spaces a line break may leave at either end. */
        while (len > 0 && buf[len - 1] == ' ')
            len--;
        buf[len] = '\0';
        const char *s = buf;
        while (*s == ' ')
            s++;
        int rc = folio_doc_set_meta(doc, FOLIO_META_DESCRIPTION, s);
        return rc == FOLIO_ENOMEM ? rc : FOLIO_OK;
    }
    return FOLIO_OK;
}

int folio__import_html(folio_doc **out, folio_job *job,
                       const folio_html_input *in)
{
    const folio_job_options *opts = folio__job_options(job);
    const char *charset, *rule, *hint = NULL, *url = NULL, *source;
    const unsigned char *bytes;
    size_t max, len, bom = 0, ulen = 0;
    char *utf8 = NULL, *base = NULL;
    const char *src = NULL;   /* the UTF-8 page: `utf8` or the input */
    xmlDocPtr html = NULL;
    folio_doc *doc = NULL;
    folio__extract_result res = { NULL, false };
    const folio_meta *meta;
    bool window = false;
    folio__parse_marks marks;
    int rc;

    if (out == NULL)
        return FOLIO_EINVALID;
    *out = NULL;
    if (in == NULL || !HAS(in, len) || (in->html == NULL && in->len > 0))
        return folio__job_error(job, FOLIO_EINVALID, "no HTML given");
    bytes = in->html;
    len = in->len;
    hint = FIELD(in, charset);
    url = FIELD(in, url);

    max = opts->max_input != 0 ? opts->max_input : DEFAULT_MAX_INPUT;
    if (len > max)
        return folio__job_error(job, FOLIO_ELIMIT,
                                "input is %zu bytes, over the limit of %zu",
                                len, max);
    if (len == 0)
        return folio__job_error(job, FOLIO_EINVALID, "empty input");

    /* Charset. */
    if (opts->encoding != NULL && folio__charset_label(opts->encoding) == NULL)
        folio__job_warn(job, "unknown encoding '%s' ignored", opts->encoding);
    if (hint != NULL && folio__charset_label(hint) == NULL)
        folio__job_note(job, "unknown charset label '%s' ignored", hint);
    charset = folio__charset_detect(bytes, len, opts->encoding, hint, &rule,
                                    &bom);
    folio__job_note(job, "charset %s (%s)", charset, rule);
    if (strcmp(charset, "UTF-8") == 0
        && folio__utf8_clean(bytes + bom, len - bom)) {
        /* Already what the parser reads: no copy (libxml2 makes its own
         * anyway). */
        src = (const char *)bytes + bom;
        ulen = len - bom;
        rc = FOLIO_OK;
    } else {
        rc = folio__charset_to_utf8(&utf8, &ulen, charset, bytes + bom,
                                    len - bom);
        src = utf8;
    }
    if (rc == FOLIO_EUNSUPPORTED) {
        folio__job_warn(job, "charset %s is not available; read as "
                        "windows-1252", charset);
        rc = folio__charset_to_utf8(&utf8, &ulen, "WINDOWS-1252",
                                    bytes + bom, len - bom);
        src = utf8;
    }
    if (rc < 0) {
        rc = folio__job_error(job, rc, "cannot convert the page from %s",
                              charset);
        goto done;
    }

    /* Parse. From here to the end, libxml2 allocates from a window that
     * is dropped whole at the end instead of freeing the tree node by
     * node. */
    window = folio__xmlmem_begin();
    html = folio__html_parse(src, ulen, job, &marks);
    if (html == NULL) {
        rc = folio__job_error(job, FOLIO_EINVALID, "cannot parse the page "
                              "as HTML");
        goto done;
    }
    free(utf8);
    utf8 = NULL;

    base = folio__url_base(html, url, opts->base_url, &marks);
    if (folio__job_assets_index(job, base) < 0) {
        rc = folio__job_error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }
    doc = folio_doc_new();
    if (doc == NULL) {
        rc = folio__job_error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }

    /* Metadata first: extraction removes the parts it reads. Missing
     * metadata is no reason to lose the article. */
    rc = folio__meta_extract(html, doc, base, job);
    if (rc == FOLIO_ENOMEM)
        goto done;
    if (rc < 0)
        folio__job_note(job, "metadata: %s", folio_status_str(rc));
    meta = folio_doc_meta(doc);
    if (opts->no_extract)
        rc = folio__clean_whole(&res, html, &marks, job);
    else
        rc = folio__extract(&res, html, meta->title, &marks, job);
    if (rc == FOLIO_ENOTFOUND || (rc == FOLIO_OK && res.root == NULL)) {
        rc = folio__job_error(job, FOLIO_ENOTFOUND,
                              "no article content found");
        goto done;
    }
    if (rc < 0)
        goto done;
    if (res.fallback)
        folio__job_warn(job, "no clear article found; converted a "
                        "broader part of the page");
    if (base == NULL && has_relative_urls(res.root))
        folio__job_warn(job, "no base URL: relative links are kept as "
                        "they are (use --base-url)");

    if ((rc = folio__dom_to_doc(doc, res.root, base, job)) < 0)
        goto done;
    if (folio_node_first_child(folio_doc_root(doc)) == NULL) {
        rc = folio__job_error(job, FOLIO_ENOTFOUND,
                              "no article content found");
        goto done;
    }
    if ((rc = folio__assets_attach(doc, job)) < 0)
        goto done;

    /* Provenance. */
    source = FIELD(in, source);
    if (source == NULL)
        source = url;
    if (source == NULL && opts->input_path != NULL
        && strcmp(opts->input_path, "-") != 0)
        source = opts->input_path;
    if (source != NULL
        && folio_doc_set_meta(doc, FOLIO_META_SOURCE, source)
           == FOLIO_ENOMEM) {
        rc = FOLIO_ENOMEM;
        goto done;
    }
    /* Hints from the container: a bad one (invalid UTF-8) is skipped. */
    if (FIELD(in, captured) != NULL
        && folio_doc_set_meta(doc, FOLIO_META_CAPTURED, FIELD(in, captured))
           == FOLIO_ENOMEM) {
        rc = FOLIO_ENOMEM;
        goto done;
    }
    if (folio_doc_meta(doc)->title == NULL && FIELD(in, title_hint) != NULL
        && folio_doc_set_meta(doc, FOLIO_META_TITLE, FIELD(in, title_hint))
           == FOLIO_ENOMEM) {
        rc = FOLIO_ENOMEM;
        goto done;
    }

    if (folio_doc_meta(doc)->description == NULL
        && (rc = describe_from_body(doc)) < 0)
        goto done;

#ifndef NDEBUG
    if (folio_doc_check(doc) < 0) {
        rc = folio__job_error(job, FOLIO_EINVALID, "internal: the imported "
                              "document breaks the model's rules");
        goto done;
    }
#endif
    *out = doc;
    doc = NULL;
    rc = FOLIO_OK;
done:
    if (rc == FOLIO_ENOMEM)
        folio__job_error(job, rc, "out of memory");
    folio_doc_free(doc);
    if (window)
        folio__xmlmem_end();
    else if (html != NULL)
        xmlFreeDoc(html);
    free(base);
    free(utf8);
    return rc;
}
