/* SPDX-License-Identifier: MIT */
/* Helpers shared by the fuzz targets (fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_plugin_init(const folio_plugin *p)
{
    const char *msg = NULL;

    if (p->init != NULL && p->init(folio_host_get(), &msg) != 0) {
        fprintf(stderr, "fuzz: plugin %s refused to start: %s\n", p->name,
                msg != NULL ? msg : "(no message)");
        abort();
    }
}

folio_job *fuzz_job(unsigned flags)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job;

    jo.input_path = "fuzz.html";
    jo.no_extract = (flags & 1) != 0;
    if (flags & 2)
        jo.base_url = "https://example.org/dir/page.html?q=1#top";
    job = folio_job_new(NULL, &jo);
    if (job == NULL)
        abort();
    return job;
}

int fuzz_sink(void *sink, const char *bytes, size_t len)
{
    size_t *total = sink;

    /* Touch the bytes, so ASan checks the whole buffer is readable. */
    if (len > 0 && (bytes[0] == 1 || bytes[len - 1] == 1))
        (*total)++;
    *total += len;
    return 0;
}
