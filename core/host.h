/* SPDX-License-Identifier: MIT */
/* Job services behind the host table: job.c implements them, host.c
 * wraps them in the folio_host functions plugins call. Private to
 * libfolio (owned by the registry/job module, not part of job.h's
 * contract with the importer). */
#ifndef FOLIO_CORE_HOST_H
#define FOLIO_CORE_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "folio/folio.h"

/* Job arena allocation (zeroed); NULL when out of memory or over the job's
 * arena limit. */
void *folio__job_alloc(folio_job *job, size_t n);

/* Copies at most `n` bytes of `s` (stopping at a NUL) into the job arena. */
char *folio__job_strndup(folio_job *job, const char *s, size_t n);

/* Records an error (first one wins) / a warning. `from_plugin` adds the
 * name of the plugin being called to the prefix: "INPUT: PLUGIN: msg". */
int folio__job_verror(folio_job *job, bool from_plugin, int code,
                      const char *fmt, va_list ap) FOLIO_PRINTF(4, 0);
void folio__job_vwarn(folio_job *job, bool from_plugin, const char *fmt,
                      va_list ap) FOLIO_PRINTF(3, 0);

/* host->option: the -O value of `name`, else the declared default of the
 * plugin being called, else NULL. */
const char *folio__job_option(folio_job *job, const char *name);

/* host->add_asset: stores a copy until the job ends. */
int folio__job_add_asset(folio_job *job, const char *url,
                         const char *media_type, const unsigned char *data,
                         size_t len);

#endif
