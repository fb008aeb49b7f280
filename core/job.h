/* SPDX-License-Identifier: MIT */
/* Private job interface shared by core modules. */
#ifndef FOLIO_CORE_JOB_H
#define FOLIO_CORE_JOB_H

#include "folio/folio.h"
#include "folio/plugin.h"

#include <stdbool.h>

/* Records an error on the job ("INPUT: [plugin: ]message"); the first one
 * wins. Returns `code`. `job` may be NULL (then nothing is recorded). */
int folio__job_error(folio_job *job, int code, const char *fmt, ...)
    FOLIO_PRINTF(3, 4);

/* Records a warning. `job` may be NULL. */
void folio__job_warn(folio_job *job, const char *fmt, ...) FOLIO_PRINTF(2, 3);

/* Records a message shown only with -v (rules that fired, e.g. which
 * charset rule won). `job` may be NULL. */
void folio__job_note(folio_job *job, const char *fmt, ...) FOLIO_PRINTF(2, 3);

/* Returns the job's options (never NULL). */
const folio_job_options *folio__job_options(const folio_job *job);

/* Appends a document produced by the importer; the job owns it after a
 * successful call. */
int folio__job_add_doc(folio_job *job, folio_doc *doc);

/* Indexes the assets added so far with host->add_asset by their URL
 * resolved against `base` (NULL: as given), for folio__job_asset_lookup.
 * Returns FOLIO_OK or FOLIO_ENOMEM. */
int folio__job_assets_index(folio_job *job, const char *base);

/* Finds the asset an absolute URL names (as indexed last); fragments and
 * %XX escapes do not matter. The out pointers (each may be NULL) borrow
 * the job's copy. */
bool folio__job_asset_lookup(const folio_job *job, const char *url,
                             const char **media_type,
                             const unsigned char **data, size_t *len);

/* Number of notes and note `i` (for -v). */
size_t folio__job_note_count(const folio_job *job);
const char *folio__job_note_at(const folio_job *job, size_t i);

#endif
