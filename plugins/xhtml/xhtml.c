/* SPDX-License-Identifier: MIT */
/*
 * Output plugin "xhtml": the article as one EPUB 3.3 XHTML content
 * document (FORMATS.md §3.4), ready for an e-book packager. The tree is
 * built fresh with libxml2 (xhtml_doc.c, shared with the "epub" plugin)
 * and serialized as XML.
 */
#include <stddef.h>
#include <stdlib.h>

#include "folio/plugin.h"
#include "xhtml_doc.h"

static int xhtml_write(const folio_host *h, folio_job *job,
                       const folio_doc *doc, folio_write_fn out, void *sink)
{
    xhtml_opts o = { 0 };
    xhtml_result res;
    int rc;

    o.stylesheet = h->option(job, "stylesheet");
    if (o.stylesheet != NULL && *o.stylesheet == '\0')
        o.stylesheet = NULL;
    rc = xhtml_build(h, job, doc, &o, &res);
    if (rc == FOLIO_OK)
        rc = xhtml_serialize(h, job, res.doc, false, out, sink);
    xhtml_result_free(&res);
    return rc;
}

static const char *const xhtml_formats[] = {
    "xhtml", "application/xhtml+xml", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "xhtml",
                      "xhtml\0" "application/xhtml+xml\0");


static const folio_option xhtml_options[] = {
    { "stylesheet", FOLIO_OPTION_STRING, NULL, NULL,
      "URL of a CSS stylesheet to link from the document head" },
    { NULL, 0, NULL, NULL, NULL },
};

static const folio_output_ops xhtml_ops = {
    .size = sizeof(folio_output_ops),
    .write = xhtml_write,
    .extension = "xhtml",
    .media_type = "application/xhtml+xml",
};

static const folio_plugin xhtml_plugin_desc = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "xhtml",
    .version = "0.1.0",
    .description = "EPUB 3.3 XHTML content document",
    .formats = xhtml_formats,
    .options = xhtml_options,
    .output = &xhtml_ops,
};

FOLIO_PLUGIN_DEFINE(xhtml_plugin_desc)
