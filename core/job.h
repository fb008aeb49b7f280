/* SPDX-License-Identifier: MIT */
/* Private job interface shared by core modules. */
#ifndef FOLIO_CORE_JOB_H
#define FOLIO_CORE_JOB_H

#include "folio/folio.h"
#include "folio/plugin.h"

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

/* Moves the assets added so far with host->add_asset into `doc`. */
int folio__job_attach_assets(folio_job *job, folio_doc *doc);

/* Number of notes and note `i` (for -v). */
size_t folio__job_note_count(const folio_job *job);
const char *folio__job_note_at(const folio_job *job, size_t i);

#endif
