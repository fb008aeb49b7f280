/* SPDX-License-Identifier: MIT */
/*
 * Bounds on what a page may ask of libxml2's HTML parser (bounds.c): the
 * number of nodes it builds and the number of attributes on one element.
 * Both are far above any real page and far below what would take the
 * parser minutes or gigabytes.
 */
#ifndef FOLIO_IMPORT_BOUNDS_H
#define FOLIO_IMPORT_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/HTMLparser.h>

#include "folio/plugin.h"

/* Elements, comments and processing instructions one page may hold. A
 * large real article has a few tens of thousands; each node costs the
 * parser and the model about a kilobyte in all. */
#define FOLIO__MAX_NODES ((size_t)500000)

/* Work the parser may spend on end tags that do not close the element
 * on top of its stack: libxml2 looks for each one through the whole
 * stack of open elements, so 100,000 open elements and 100,000 stray end
 * tags cost 10^10 steps. One step is one stack entry looked at; this many
 * take about a second. */
#define FOLIO__MAX_END_TAG_WORK ((size_t)200000000)

/* Attributes one start tag may carry. libxml2 checks each new attribute
 * against all earlier ones of the tag, so the time grows with the square
 * of the count: 200,000 attributes take minutes. */
#define FOLIO__MAX_ATTRS ((size_t)1000)

/*
 * Scans the UTF-8 page for a start tag with more than FOLIO__MAX_ATTRS
 * attributes, tokenizing tags the way libxml2's HTML parser does (never
 * counting fewer attributes than it will). Returns FOLIO_OK, or
 * FOLIO_ELIMIT with the error recorded on the job.
 */
int folio__html_prescan(const char *utf8, size_t len, folio_job *job);

/* Counts the nodes libxml2 builds and the work its misplaced end tags
 * cost, and stops the parser past either limit. */
typedef struct folio__node_budget {
    htmlParserCtxtPtr ctxt;
    startElementSAXFunc start_element;  /* libxml2's own handlers */
    commentSAXFunc comment;
    processingInstructionSAXFunc pi;
    xmlStructuredErrorFunc old_serror;  /* this thread's, restored */
    void *old_serror_ctx;
    size_t limit, left;
    size_t end_tag_work;
    bool over, tangled;
    bool hooked;  /* the counting handlers were installed */
    bool voids;   /* saw an element folio__html_fix_voids repairs */
    struct folio__parse_marks *marks;   /* filled in when not NULL */
} folio__node_budget;

/* Installs the budget's counting handlers on `ctxt`, and an error
 * handler for this thread (before parsing). */
void folio__node_budget_install(folio__node_budget *b,
                                htmlParserCtxtPtr ctxt, size_t limit);

/* After parsing: restores this thread's error handler. Returns FOLIO_OK,
 * or FOLIO_ELIMIT with the error recorded on the job when the page went
 * over a limit. */
int folio__node_budget_check(folio__node_budget *b, folio_job *job);

/*
 * Empties the void elements libxml2 2.9 parses as containers (embed,
 * source, track, wbr, keygen, param): HTML5 gives them no content, but
 * libxml2 nests everything up to the parent's end inside them, so the
 * rest of an article after an <embed> would be dropped with it. Their
 * children become their following siblings. Iterative.
 */
void folio__html_fix_voids(xmlNodePtr root);

#endif
