/* SPDX-License-Identifier: MIT */
/*
 * A "json" output plugin built for a future ABI major (2.0): the host
 * must refuse it, and folio must name this file when -t json is then
 * unavailable. Used by test_cli.c only.
 */
#include "folio/plugin.h"

static int never_called(const folio_host *h, folio_job *job,
                        const folio_doc *doc, folio_write_fn out, void *sink)
{
    return h->error(job, FOLIO_EABI, "an ABI 2.0 plugin was called");
}

static const folio_output_ops abi2_ops = {
    .size = sizeof(folio_output_ops),
    .write = never_called,
    .extension = "json",
    .media_type = "application/json",
};

static const folio_plugin abi2_plugin = {
    .abi_major = FOLIO_ABI_MAJOR + 1,
    .abi_minor = 0,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "json",
    .version = "9.9.9",
    .description = "test plugin for a future ABI",
    .formats = (const char *const[]){ "json", NULL },
    .output = &abi2_ops,
};

FOLIO_PLUGIN_DEFINE(abi2_plugin)
