/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: JSON-LD metadata, through the importer as a page carries
 * it. The input is the script's text; it is placed in a small page with
 * an article, so every run reaches the JSON-LD reader (import/meta.c).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char head[] =
    "<!DOCTYPE html><html lang=\"en\"><head><title>Page title</title>"
    "<script type=\"application/ld+json\">";
static const char tail[] =
    "</script></head><body><article><h1>Heading</h1><p>A paragraph of "
    "article text that is long enough to be the article, with some more "
    "words so that extraction keeps it.</p><p>Another paragraph, also "
    "long enough to count as the body of the article.</p></article>"
    "</body></html>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = sizeof head - 1 + size + sizeof tail - 1;
    unsigned char *page = malloc(len);
    folio_html_input in;
    folio_job *job;

    if (page == NULL)
        return 0;
    memcpy(page, head, sizeof head - 1);
    if (size > 0)
        memcpy(page + sizeof head - 1, data, size);
    memcpy(page + sizeof head - 1 + size, tail, sizeof tail - 1);

    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = page;
    in.len = len;
    in.url = "https://news.example/2024/05/story";
    job = fuzz_job(0);
    if (folio_job_import_html(job, &in) < 0 && folio_job_error(job) == NULL)
        abort();
    folio_job_free(job);
    free(page);
    return 0;
}
