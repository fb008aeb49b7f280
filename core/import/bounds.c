/* SPDX-License-Identifier: MIT */
/*
 * Limits on a hostile page's demands on the HTML parser, and a repair of
 * what it builds (bounds.h).
 *
 * The node budget wraps libxml2's own SAX handlers: each element, comment
 * or processing instruction costs one unit, and when none are left the
 * parser is stopped, so a page of millions of tiny elements costs the
 * parse of the first FOLIO__MAX_NODES and no more. It also counts the
 * stack entries libxml2 looks through for end tags that do not match
 * (see FOLIO__MAX_END_TAG_WORK).
 *
 * The attribute scan runs before the parse because libxml2's quadratic
 * duplicate check happens inside one start tag, before any handler is
 * called. It follows libxml2 2.9's tokenizer where that decides what
 * belongs to a tag (quoted values, NUL bytes, the raw text of script and
 * style); everywhere else it errs towards counting more.
 */
#include "bounds.h"

#include <string.h>

#include <libxml/xmlerror.h>

#include "dom.h"
#include "import.h"
#include "job.h"

/* ------------------------------------------------------------------ */
/* Attributes per start tag                                           */
/* ------------------------------------------------------------------ */

static bool is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Characters libxml2 accepts in an HTML tag name after the first. */
static bool is_name_char(unsigned char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-'
           || c == '_' || c == '.';
}

static bool name_is(const char *s, size_t n, const char *lower)
{
    if (n != strlen(lower))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)lower[i])
            return false;
    }
    return true;
}

/* Skips the raw text of a script or style element: up to "</NAME"
 * (any case) or a NUL byte, where libxml2 also stops. */
static size_t skip_raw(const char *s, size_t i, size_t len, const char *name)
{
    size_t n = strlen(name);

    while (i < len) {
        /* memchr for the next '<', then for a NUL before it: scripts are
         * long and a byte-by-byte loop was most of this scan's time. */
        const char *lt = memchr(s + i, '<', len - i);
        size_t at = lt != NULL ? (size_t)(lt - s) : len;
        const char *nul = memchr(s + i, '\0', at - i);

        if (nul != NULL)
            return (size_t)(nul - s);
        if (lt == NULL)
            return len;
        i = at;
        if (i + 1 < len && s[i + 1] == '/' && len - (i + 2) >= n
            && name_is(s + i + 2, n, name))
            return i;
        i++;
    }
    return i;
}

int folio__html_prescan(const char *utf8, size_t len, folio_job *job)
{
    const char *s = utf8;
    size_t i = 0;

    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s) + 1;
        if (i >= len || !is_letter((unsigned char)s[i]))
            continue;

        /* A start tag: its name, then attributes up to '>', "/>", a NUL
         * or the end of the input. */
        size_t name = i, count = 0;
        while (i < len && is_name_char((unsigned char)s[i]))
            i++;
        size_t name_len = i - name;
        bool closed = false, empty = false;
        while (i < len && s[i] != '\0') {
            unsigned char c = (unsigned char)s[i];
            if (is_blank(c)) {
                i++;
                continue;
            }
            if (c == '>') {
                closed = true;
                i++;
                break;
            }
            if (c == '/' && i + 1 < len && s[i + 1] == '>') {
                closed = empty = true;
                i += 2;
                break;
            }
            /* An attribute name, or what libxml2 skips as a bogus one:
             * either way at most one attribute. */
            if (++count > FOLIO__MAX_ATTRS)
                return folio__job_error(job, FOLIO_ELIMIT,
                                        "an element has more than %zu "
                                        "attributes", FOLIO__MAX_ATTRS);
            while (i < len && s[i] != '\0' && !is_blank((unsigned char)s[i])
                   && s[i] != '>' && s[i] != '=')
                i++;
            while (i < len && is_blank((unsigned char)s[i]))
                i++;
            if (i >= len || s[i] != '=')
                continue;
            i++;
            while (i < len && is_blank((unsigned char)s[i]))
                i++;
            if (i < len && (s[i] == '"' || s[i] == '\'')) {
                char q = s[i++];
                while (i < len && s[i] != q && s[i] != '\0')
                    i++;
                if (i < len && s[i] == q)
                    i++;
            } else {
                while (i < len && s[i] != '\0'
                       && !is_blank((unsigned char)s[i]) && s[i] != '>')
                    i++;
            }
        }
        if (closed && !empty) {
            if (name_is(s + name, name_len, "script"))
                i = skip_raw(s, i, len, "script");
            else if (name_is(s + name, name_len, "style"))
                i = skip_raw(s, i, len, "style");
        }
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Node budget                                                        */
/* ------------------------------------------------------------------ */

/* Takes one unit; past the last one, stops the parser. libxml2 calls the
 * handlers with its parser context as the user data. */
static bool spend(void *ctx)
{
    htmlParserCtxtPtr ctxt = ctx;
    folio__node_budget *b = ctxt->_private;

    if (b->left > 0) {
        b->left--;
        return true;
    }
    if (!b->over) {
        b->over = true;
        xmlStopParser(ctxt);
    }
    return false;
}

/* The void elements libxml2 2.9 parses as containers (see
 * folio__html_fix_voids); `name` as the HTML parser gives it, lower case. */
static bool is_void_name(const xmlChar *name)
{
    const char *s = (const char *)name;

    switch (s[0]) {
    case 'e': return strcmp(s, "embed") == 0;
    case 's': return strcmp(s, "source") == 0;
    case 't': return strcmp(s, "track") == 0;
    case 'w': return strcmp(s, "wbr") == 0;
    case 'k': return strcmp(s, "keygen") == 0;
    case 'p': return strcmp(s, "param") == 0;
    default: return false;
    }
}

static void count_start_element(void *ctx, const xmlChar *name,
                                const xmlChar **atts)
{
    htmlParserCtxtPtr ctxt = ctx;
    folio__node_budget *b = ctxt->_private;

    if (!spend(ctx))
        return;
    if (name != NULL && !b->voids && is_void_name(name))
        b->voids = true;
    if (b->start_element == NULL)
        return;
    b->start_element(ctx, name, atts);
    /* The element just made is the parser's current node. */
    if (b->marks == NULL || name == NULL || ctxt->node == NULL
        || ctxt->node->type != XML_ELEMENT_NODE
        || !xmlStrEqual(ctxt->node->name, name))
        return;
    folio__parse_mark(b->marks, ctxt->node);
}

static void count_comment(void *ctx, const xmlChar *value)
{
    htmlParserCtxtPtr ctxt = ctx;
    folio__node_budget *b = ctxt->_private;

    if (spend(ctx) && b->comment != NULL)
        b->comment(ctx, value);
}

static void count_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    htmlParserCtxtPtr ctxt = ctx;
    folio__node_budget *b = ctxt->_private;

    if (spend(ctx) && b->pi != NULL)
        b->pi(ctx, target, data);
}

/* libxml2 reports each end tag it could not match at the top of its
 * stack as XML_ERR_TAG_NAME_MISMATCH, after looking through the stack:
 * the report comes through this thread's structured error handler even
 * with HTML_PARSE_NOERROR (which only silences the SAX ones). */
static void count_error(void *ctx, xmlErrorPtr err)
{
    folio__node_budget *b = ctx;

    if (err == NULL || err->code != XML_ERR_TAG_NAME_MISMATCH
        || b->ctxt == NULL || b->tangled)
        return;
    b->end_tag_work += (size_t)(b->ctxt->nameNr > 0 ? b->ctxt->nameNr : 0);
    if (b->end_tag_work > FOLIO__MAX_END_TAG_WORK) {
        b->tangled = true;
        xmlStopParser(b->ctxt);
    }
}

void folio__node_budget_install(folio__node_budget *b,
                                htmlParserCtxtPtr ctxt, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = b->left = limit;
    /* Without the counting handlers nothing tells whether a repair is
     * needed: assume it is. */
    b->voids = true;
    if (ctxt == NULL || ctxt->sax == NULL)
        return;
    b->voids = false;
    b->ctxt = ctxt;
    b->old_serror = xmlStructuredError;
    b->old_serror_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(b, count_error);
    b->start_element = ctxt->sax->startElement;
    b->comment = ctxt->sax->comment;
    b->pi = ctxt->sax->processingInstruction;
    ctxt->_private = b;
    ctxt->sax->startElement = count_start_element;
    ctxt->sax->comment = count_comment;
    ctxt->sax->processingInstruction = count_pi;
    b->hooked = true;
}

int folio__node_budget_check(folio__node_budget *b, folio_job *job)
{
    if (b->ctxt != NULL) {
        xmlSetStructuredErrorFunc(b->old_serror_ctx, b->old_serror);
        b->ctxt = NULL;
    }
    if (b->over)
        return folio__job_error(job, FOLIO_ELIMIT, "the page has more than "
                                "%zu elements", b->limit);
    if (b->tangled)
        return folio__job_error(job, FOLIO_ELIMIT, "the page has too many "
                                "misplaced end tags inside deeply nested "
                                "elements");
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Void elements                                                      */
/* ------------------------------------------------------------------ */

static bool is_void_container(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->children != NULL
           && n->name != NULL && is_void_name(n->name);
}

void folio__html_fix_voids(xmlNodePtr root)
{
    xmlNodePtr n = root;

    while (n != NULL) {
        if (is_void_container(n)) {
            /* Last child first, each placed right after n, keeps their
             * order; the walk then visits them as n's next siblings. */
            while (n->last != NULL) {
                xmlNodePtr c = n->last;
                xmlUnlinkNode(c);
                if (xmlAddNextSibling(n, c) == NULL) {
                    xmlFreeNode(c);
                    break;
                }
            }
        }
        n = dom_next(n, root, 0);
    }
}
