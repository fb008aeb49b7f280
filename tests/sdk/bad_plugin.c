/* SPDX-License-Identifier: MIT */
/*
 * Output plugins that misbehave while writing, for tests/sdk/test_sdk.c.
 * Both write part of a document first, so the tests can check that none
 * of it reaches the user:
 *
 *   BAD_FAIL   "sdkfail": then reports an error through the host
 *   BAD_CRASH  "sdkcrash": then dies of SIGSEGV, as a plugin with a
 *              wild pointer would (raise() rather than a real invalid
 *              access, which sanitizer builds would catch first)
 */
#include <signal.h>
#include <string.h>

#include "folio/plugin.h"

#if defined(BAD_FAIL)
#define BAD_NAME "sdkfail"
#elif defined(BAD_CRASH)
#define BAD_NAME "sdkcrash"
#else
#error "define BAD_FAIL or BAD_CRASH"
#endif

static int bad_write(const folio_host *h, folio_job *job,
                     const folio_doc *doc, folio_write_fn out, void *sink)
{
    static const char part[] = "PARTIAL OUTPUT\n";

    (void)doc;
    if (out(sink, part, strlen(part)) != 0)
        return h->error(job, FOLIO_EIO, "cannot write");
#if defined(BAD_FAIL)
    return h->error(job, FOLIO_EUNSUPPORTED, "gave up half way");
#else
    raise(SIGSEGV);
    return FOLIO_OK;
#endif
}

static const folio_output_ops bad_ops = {
    .size = sizeof(folio_output_ops),
    .write = bad_write,
    .extension = "txt",
    .media_type = "text/plain",
};

static const folio_plugin bad_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = BAD_NAME,
    .version = "0",
    .description = "a plugin that misbehaves while writing (tests only)",
    .output = &bad_ops,
};

FOLIO_PLUGIN_DEFINE(bad_plugin)
