/* SPDX-License-Identifier: MIT */
/* libxml2 HTML parsing of a page already converted to UTF-8. */
#include "import.h"

#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "bounds.h"
#include "dom.h"
#include "job.h"

/* Swallows the messages libxml2 would print to stderr. */
static void silent_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void folio__parse_mark(folio__parse_marks *m, xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE || n->name == NULL)
        return;
    switch (n->name[0]) {
    case 'b':
        if (m->base == NULL && dom_is(n, "base")
            && dom_attr(n, "href") != NULL)
            m->base = n;
        break;
    case 'l':
        if (m->canonical == NULL && dom_is(n, "link")
            && dom_has_token(dom_attr(n, "rel"), "canonical")
            && dom_attr(n, "href") != NULL)
            m->canonical = n;
        break;
    case 'm':
        if (m->og_url == NULL && dom_is(n, "meta")) {
            const char *p = dom_attr(n, "property");
            if (p == NULL)
                p = dom_attr(n, "name");
            if (p != NULL && strcmp(p, "og:url") == 0
                && dom_attr(n, "content") != NULL)
                m->og_url = n;
        }
        break;
    case 'n':
        if (dom_is(n, "noscript"))
            m->noscript = true;
        break;
    case 's':
        if (m->n_ld < FOLIO__LD_MARKS && dom_is(n, "script")) {
            const char *type = dom_attr(n, "type");
            if (type != NULL && strstr(type, "ld+json") != NULL)
                m->ld[m->n_ld++] = n;
        }
        break;
    default:
        break;
    }
}

void folio__parse_marks_find(xmlDocPtr html, folio__parse_marks *m)
{
    xmlNodePtr root = xmlDocGetRootElement(html), n = root;

    memset(m, 0, sizeof *m);
    /* The hints live in <head>, but a <base> or <link> can stray into the
     * body of a broken page: walk everything. */
    for (; n != NULL; n = dom_next(n, root, 0))
        folio__parse_mark(m, n);
}

xmlDocPtr folio__html_parse(const char *utf8, size_t len, folio_job *job,
                            folio__parse_marks *marks)
{
    /* RECOVER: real pages are broken. NONET: never fetch anything.
     * NOERROR/NOWARNING: the parser's complaints are not the user's
     * business. IGNORE_ENC: the bytes are UTF-8 whatever a <meta charset>
     * says (we converted them; libxml2 must not re-decode them).
     * HUGE: lifts the nesting limit of 256, past which libxml2 silently
     * drops the rest of the page; every walk in folio is iterative, so deep
     * trees are safe. No NOBLANKS: whitespace is significant in <pre> and
     * between inline elements. */
    const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET
                     | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                     | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC
                     | XML_PARSE_HUGE;
    htmlParserCtxtPtr ctxt;
    xmlDocPtr doc = NULL;
    xmlGenericErrorFunc old_func;
    void *old_ctx;
    folio__node_budget budget;

    if (marks != NULL)
        memset(marks, 0, sizeof *marks);
    if (utf8 == NULL || len == 0 || len > INT_MAX)
        return NULL;
    if (folio__html_prescan(utf8, len, job) < 0)
        return NULL;
    folio__xmlmem_init();

    /* Belt and braces: with NOERROR the HTML parser reports nothing, but a
     * few libxml2 paths (encoding errors) go to the generic handler. In a
     * threaded libxml2 that handler is per thread, so setting it around
     * the call and restoring it changes no one else's state. */
    old_func = xmlGenericError;
    old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, silent_generic);

    ctxt = htmlNewParserCtxt();
    if (ctxt == NULL)
        goto done;
    /* No ID table: nothing looks elements up by id, and registering each
     * id attribute costs a hash insertion while parsing and a removal
     * while freeing. */
    ctxt->loadsubset |= XML_SKIP_IDS;
    folio__node_budget_install(&budget, ctxt, FOLIO__MAX_NODES);
    budget.marks = marks;
    doc = htmlCtxtReadMemory(ctxt, utf8, (int)len, NULL, "UTF-8", opts);
    htmlFreeParserCtxt(ctxt);
    if (folio__node_budget_check(&budget, job) < 0 && doc != NULL) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (doc != NULL && xmlDocGetRootElement(doc) == NULL) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    /* The repair walks the whole tree: only when it has work. */
    if (doc != NULL && budget.voids)
        folio__html_fix_voids(xmlDocGetRootElement(doc));
    if (marks != NULL && (doc == NULL || !budget.hooked)) {
        memset(marks, 0, sizeof *marks);
        if (doc != NULL)
            folio__parse_marks_find(doc, marks);
    }
done:
    xmlSetGenericErrorFunc(old_ctx, old_func);
    if (doc == NULL)
        folio__job_note(job, "libxml2 could not build a document");
    return doc;
}
