/* SPDX-License-Identifier: MIT */
/*
 * A fake folio_host for plugin tests (STYLE.md §2): records errors and
 * warnings in a fake_job, answers option() from the job's key/value list
 * and the plugin's declared defaults, and hands out the real document
 * API (folio_doc_api_get). Also: loading a plugin file with dlopen, and
 * a memory sink that can be told to fail.
 *
 * Usage:
 *     const folio_plugin *p = fake_load_plugin(PATH);
 *     fake_job fj;
 *     fake_job_init(&fj, p);
 *     fake_job_set(&fj, "title", "false");
 *     fake_sink s = {0};
 *     int rc = p->output->write(fake_host(), FAKE_JOB(&fj), doc,
 *                               fake_sink_write, &s);
 *     ... s.data (NUL-terminated), fj.error ...
 *     fake_sink_free(&s);
 *     fake_job_dispose(&fj);
 */
#ifndef FOLIO_TESTS_FAKEHOST_H
#define FOLIO_TESTS_FAKEHOST_H

#include <stdbool.h>
#include <stddef.h>

#include "folio/plugin.h"

#define FAKE_MAX_OPTIONS 16

typedef struct fake_job {
    const folio_plugin *plugin; /* its declared options give defaults */
    int error_code;             /* first error recorded, 0 when none */
    char error[512];
    size_t n_warnings;
    char warning[512];          /* the last warning */
    const char *keys[FAKE_MAX_OPTIONS];
    const char *values[FAKE_MAX_OPTIONS];
    size_t n_options;
    void **allocs;              /* host->alloc blocks, freed by dispose */
    size_t n_allocs, cap_allocs;
    size_t fail_alloc_after;    /* 0: never; n: the n-th alloc fails */
} fake_job;

#define FAKE_JOB(fj) ((folio_job *)(void *)(fj))

/* The fake host table (static storage). */
const folio_host *fake_host(void);

void fake_job_init(fake_job *fj, const folio_plugin *plugin);
void fake_job_dispose(fake_job *fj);
/* Sets option `key`; both strings are borrowed for the job's life. */
void fake_job_set(fake_job *fj, const char *key, const char *value);

/* dlopens `path` (kept open) and returns its descriptor, or NULL with the
 * reason on stderr. */
const folio_plugin *fake_load_plugin(const char *path);

/* A memory sink; data is NUL-terminated. With fail_at > 0 the fail_at-th
 * call returns nonzero. */
typedef struct fake_sink {
    char *data;
    size_t len, cap;
    size_t calls;
    size_t fail_at;
} fake_sink;

int fake_sink_write(void *sink, const char *bytes, size_t len);
void fake_sink_free(fake_sink *s);

#endif
