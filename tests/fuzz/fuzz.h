/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the libFuzzer targets in tests/fuzz (see README.md
 * there). Each target is a plain C file defining LLVMFuzzerTestOneInput;
 * the plugins a target drives are compiled into it (their entry symbol
 * renamed where one target holds several), so the fuzzer's coverage
 * feedback reaches the plugin code too.
 */
#ifndef FOLIO_TESTS_FUZZ_H
#define FOLIO_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "folio/folio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Calls the plugin's init() once, as the registry does; aborts (a
 * finding) when it refuses, since a fuzz run without the plugin would
 * test nothing. */
void fuzz_plugin_init(const folio_plugin *p);

/* A job with a name, no registry, and the given flags: bit 0 converts
 * the whole page (--no-extract), bit 1 sets a base URL. Aborts when out
 * of memory. */
folio_job *fuzz_job(unsigned flags);

/* A sink that keeps only a running count, so writing costs no memory. */
int fuzz_sink(void *sink, const char *bytes, size_t len);

#endif
