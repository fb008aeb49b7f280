/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for one input plugin (mhtml, warc, singlefile, complete):
 * the plugin is compiled into the target (meson builds one target per
 * plugin) and reads the input as folio would, importing each page it
 * finds and adding its resources.
 */
#include "fuzz.h"

#include <stdlib.h>

const folio_plugin *folio_plugin_entry(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const folio_plugin *p;
    folio_job *job;
    int rc;

    if (p == NULL) {
        p = folio_plugin_entry();
        fuzz_plugin_init(p);
    }
    (void)p->input->probe(data, size);
    job = fuzz_job(0);
    rc = folio_job_read(job, p, data, size);
    if (rc < 0 && folio_job_error(job) == NULL)
        abort(); /* every failure must carry a message */
    folio_job_free(job);
    return 0;
}
