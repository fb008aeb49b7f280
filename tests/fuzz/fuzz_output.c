/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: every output plugin, fed with the document the importer
 * builds from the fuzzed page. The plugins are compiled in, each with its
 * entry symbol renamed (meson: -Dfolio_plugin_entry=fuzz_entry_NAME); the
 * FUZZ_HAVE_NAME macros say which were built. The last input byte picks
 * the import flags and each plugin's option values.
 */
#include "fuzz.h"

#include <stdlib.h>

/* An option value chosen by one bit of the flags byte. */
typedef struct choice {
    const char *key, *off, *on;
} choice;

typedef struct target {
    const folio_plugin *(*entry)(void);
    choice opts[4];
} target;

#define DECLARE(name) const folio_plugin *fuzz_entry_##name(void);
#ifdef FUZZ_HAVE_MARKDOWN
DECLARE(markdown)
#endif
#ifdef FUZZ_HAVE_JSON
DECLARE(json)
#endif
#ifdef FUZZ_HAVE_YAML
DECLARE(yaml)
#endif
#ifdef FUZZ_HAVE_TEXT
DECLARE(text)
#endif
#ifdef FUZZ_HAVE_XHTML
DECLARE(xhtml)
#endif
#ifdef FUZZ_HAVE_EPUB
DECLARE(epub)
#endif
#ifdef FUZZ_HAVE_GEMTEXT
DECLARE(gemtext)
#endif

static const target targets[] = {
#ifdef FUZZ_HAVE_MARKDOWN
    { fuzz_entry_markdown, {
        { "html", "false", "true" },
        { "preset", "generic", "hugo" },
        { "links", "inline", "references" },
        { "title", "true", "false" } } },
#endif
#ifdef FUZZ_HAVE_JSON
    { fuzz_entry_json, { { "pretty", "true", "false" } } },
#endif
#ifdef FUZZ_HAVE_YAML
    { fuzz_entry_yaml, {
        { "front-matter", "false", "true" },
        { "preset", "generic", "jekyll" },
        { "tags", "none", "page" },
        { "tag", "", "a, b,{{x}}" } } },
#endif
#ifdef FUZZ_HAVE_TEXT
    { fuzz_entry_text, {
        { "width", "0", "24" },
        { "links", "references", "inline" },
        { "title", "true", "false" } } },
#endif
#ifdef FUZZ_HAVE_XHTML
    { fuzz_entry_xhtml, { { "stylesheet", "", "../style sheet.css" } } },
#endif
#ifdef FUZZ_HAVE_EPUB
    { fuzz_entry_epub, { { NULL, NULL, NULL } } },
#endif
#ifdef FUZZ_HAVE_GEMTEXT
    { fuzz_entry_gemtext, {
        { "links", "paragraph", "end" },
        { "title", "true", "false" } } },
#endif
};

#define N_TARGETS (sizeof targets / sizeof targets[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const folio_plugin *plugins[N_TARGETS];
    folio_html_input in = { 0 };
    unsigned flags;
    folio_job *job;

    if (plugins[0] == NULL) {
        for (size_t i = 0; i < N_TARGETS; i++) {
            plugins[i] = targets[i].entry();
            fuzz_plugin_init(plugins[i]);
        }
    }
    if (size == 0)
        return 0;
    flags = data[size - 1];
    job = fuzz_job(flags);
    in.size = sizeof in;
    in.html = data;
    in.len = size;
    in.url = (flags & 4) ? "https://example.org/x/y" : NULL;
    if (folio_job_import_html(job, &in) < 0) {
        folio_job_free(job);
        return 0;
    }
    for (size_t i = 0; i < N_TARGETS; i++) {
        for (size_t k = 0; k < 4 && targets[i].opts[k].key != NULL; k++) {
            const choice *c = &targets[i].opts[k];
            const char *v = (flags >> (3 + k)) & 1 ? c->on : c->off;

            if (folio_job_set_option(job, c->key, v) < 0)
                abort();
        }
        for (size_t d = 0; d < folio_job_doc_count(job); d++) {
            size_t total = 0;
            int rc = folio_job_write(job, plugins[i], folio_job_doc(job, d),
                                     fuzz_sink, &total);

            if (rc < 0 && folio_job_error(job) == NULL)
                abort();
        }
    }
    folio_job_free(job);
    return 0;
}
