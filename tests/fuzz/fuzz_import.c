/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the HTML importer with extraction and metadata, as the
 * html input plugin drives it (compiled in). The input is the page; its
 * last byte also picks the options (whole page or article, base URL,
 * transport charset, plugin or direct import), so the seeds are plain
 * pages.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

const folio_plugin *folio_plugin_entry(void);

static const char *const charsets[8] = {
    NULL, "utf-8", "windows-1252", "shift_jis", "utf-16le", "iso-2022-jp",
    "gb18030", "x-no-such-charset",
};

/* Reads every node and metadata field, so a dangling pointer or a bad
 * string in the model shows up here rather than in some output. */
static size_t walk(const folio_doc *doc)
{
    const folio_meta *m = folio_doc_meta(doc);
    size_t total = 0;
    folio_iter it;

    if (m->title != NULL)
        total += strlen(m->title);
    if (m->description != NULL)
        total += strlen(m->description);
    for (size_t i = 0; i < m->n_authors; i++)
        total += strlen(m->authors[i]);
    folio_iter_init(&it, folio_doc_root(doc));
    while (folio_iter_next(&it) != FOLIO_EVENT_DONE) {
        const char *s = folio_node_literal(folio_iter_node(&it));
        if (s != NULL)
            total += strlen(s);
    }
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const folio_plugin *html;
    unsigned flags;
    folio_job *job;
    int rc;

    if (html == NULL) {
        html = folio_plugin_entry();
        fuzz_plugin_init(html);
    }
    if (size == 0)
        return 0;
    flags = data[size - 1];
    job = fuzz_job(flags);
    if (flags & 0x80) {
        folio_html_input in;

        memset(&in, 0, sizeof in);
        in.size = sizeof in;
        in.html = data;
        in.len = size;
        in.charset = charsets[(flags >> 2) & 7];
        if (flags & 0x20)
            in.url = "http://example.com/a/b/";
        if (flags & 0x40) {
            in.captured = "2024-02-29T12:00:00Z";
            in.title_hint = "Hint \xe2\x80\x94 title";
        }
        rc = folio_job_import_html(job, &in);
    } else {
        (void)html->input->probe(data, size);
        rc = folio_job_read(job, html, data, size);
    }
    if (rc == FOLIO_OK) {
        for (size_t i = 0; i < folio_job_doc_count(job); i++)
            (void)walk(folio_job_doc(job, i));
    } else if (folio_job_error(job) == NULL) {
        abort(); /* every failure must carry a message */
    }
    folio_job_free(job);
    return 0;
}
