/* SPDX-License-Identifier: MIT */
/*
 * The folio_host table: the only services a plugin may call. Each member
 * forwards to the job (core/job.c); the job knows which plugin is being
 * called, so messages get the plugin's name and option() its defaults.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#include "folio/folio.h"
#include "host.h"
#include "job.h"

static void *host_alloc(folio_job *job, size_t n)
{
    return folio__job_alloc(job, n);
}

static char *host_strndup(folio_job *job, const char *s, size_t n)
{
    return folio__job_strndup(job, s, n);
}

FOLIO_PRINTF(3, 4)
static int host_error(folio_job *job, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    folio__job_verror(job, true, code, fmt, ap);
    va_end(ap);
    return code;
}

FOLIO_PRINTF(2, 3)
static void host_warn(folio_job *job, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    folio__job_vwarn(job, true, fmt, ap);
    va_end(ap);
}

static const char *host_option(folio_job *job, const char *name)
{
    return folio__job_option(job, name);
}

static int host_import_html(folio_job *job, const folio_html_input *in)
{
    return folio_job_import_html(job, in);
}

static int host_add_asset(folio_job *job, const char *url,
                          const char *media_type, const unsigned char *data,
                          size_t len)
{
    return folio__job_add_asset(job, url, media_type, data, len);
}

static const char *host_input_path(folio_job *job)
{
    return job != NULL ? folio__job_options(job)->input_path : NULL;
}

/* folio_doc_api_get() returns a table whose address is not a constant
 * expression here, so the table is completed once, on first use; it is
 * never written after that, and pthread_once makes the first use safe
 * from any thread. */
static folio_host host;
static pthread_once_t host_once = PTHREAD_ONCE_INIT;

static void host_init(void)
{
    static const folio_host base = {
        .abi_major = FOLIO_ABI_MAJOR,
        .abi_minor = FOLIO_ABI_MINOR,
        .size = sizeof(folio_host),
        .alloc = host_alloc,
        .strndup = host_strndup,
        .error = host_error,
        .warn = host_warn,
        .option = host_option,
        .import_html = host_import_html,
        .add_asset = host_add_asset,
        .input_path = host_input_path,
        .doc = NULL,
    };
    host = base;
    host.doc = folio_doc_api_get();
}

const folio_host *folio_host_get(void)
{
    pthread_once(&host_once, host_init);
    return &host;
}
