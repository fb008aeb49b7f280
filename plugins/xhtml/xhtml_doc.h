/* SPDX-License-Identifier: MIT */
/*
 * Shared by the "xhtml" and "epub" output plugins (compiled into both
 * modules, never into a library): builds an EPUB 3.3 XHTML content
 * document as a libxml2 tree and serializes libxml2 trees to a folio sink.
 * Internal names carry no folio_ prefix: nothing here is exported.
 */
#ifndef FOLIO_XHTML_DOC_H
#define FOLIO_XHTML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "folio/plugin.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define EPUB_NS "http://www.idpf.org/2007/ops"

/* Maps an image URL to the relative path of a file in the book, or NULL
 * when the image is not carried (it then becomes a link or text). The
 * returned string must live as long as the tree being built. */
typedef const char *(*xhtml_image_fn)(void *ctx, const char *url);

/* One heading of the content document, for a table of contents. */
typedef struct xhtml_heading {
    int level;
    char *id;   /* malloc'd */
    char *text; /* malloc'd, flattened text */
} xhtml_heading;

typedef struct xhtml_opts {
    /* epub: the document goes into a book, so only absolute links that a
     * reading system can follow survive, and images go through `image`. */
    bool book;
    xhtml_image_fn image;
    void *image_ctx;
    const char *stylesheet; /* href of a stylesheet link, or NULL */
} xhtml_opts;

typedef struct xhtml_result {
    xmlDocPtr doc;
    char *lang;  /* the language written on <html> (malloc'd) */
    char *title; /* the <title> text (malloc'd) */
    xhtml_heading *headings;
    size_t n_headings;
} xhtml_result;

/* Builds the content document of `doc` into `res` (zeroed by the call).
 * Returns FOLIO_OK or an error recorded on the job; free `res` with
 * xhtml_result_free() in both cases. */
int xhtml_build(const folio_host *h, folio_job *job, const folio_doc *doc,
                const xhtml_opts *o, xhtml_result *res);

void xhtml_result_free(xhtml_result *res);

/* Returns a malloc'd copy of `s` that is valid XML 1.0 character data:
 * invalid UTF-8, XML-invalid code points and CR are dropped (FORMATS.md
 * §0). NULL for NULL input or no memory. */
char *xhtml_clean_text(const char *s);

/* True for a BCP 47-shaped language tag ("en", "pt-BR", "zh-Hant-TW"). */
bool xhtml_lang_ok(const char *s);

/* True for an HTML/W3CDTF date or date-time ("2024-05-01",
 * "2024-05-01T09:30:00+02:00", "2024-05-01T09:30Z"). */
bool xhtml_date_ok(const char *s);

/* Prepares a finished tree for serialization: every empty element that
 * is not void gets an empty text child, so it is written <p></p> and not
 * <p/> (FORMATS.md §3.4, libxml2 pitfalls). Iterative. Returns FOLIO_OK
 * or FOLIO_ENOMEM. */
int xhtml_fix_empty(xmlNodePtr root);

/* Serializes `doc` as XML (declaration, UTF-8, no entities but the five)
 * to `out`; `indent` only for documents without mixed content (OPF).
 * Returns FOLIO_OK, or an error recorded on the job. */
int xhtml_serialize(const folio_host *h, folio_job *job, xmlDocPtr doc,
                    bool indent, folio_write_fn out, void *sink);

#endif
