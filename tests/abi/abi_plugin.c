/* SPDX-License-Identifier: MIT */
/*
 * One source for the test plugins of tests/abi: good ones and ones broken
 * in exactly one way each. tests/abi/meson.build builds it once per
 * variant with these macros:
 *
 *   ABI_NAME "x"     plugin name (default "abigood"); ABI_NO_NAME: NULL
 *   ABI_MAJOR/MINOR  ABI version claimed (default: the headers')
 *   ABI_OUTPUT       an output plugin (default: input)
 *   ABI_KIND n       a raw kind value instead
 *   ABI_SIZE n       descriptor size claimed (default: sizeof)
 *   ABI_NO_PROBE     input without probe
 *   ABI_NO_WRITE     output without write
 *   ABI_SHORT_OPS    ops table size too small for the required members
 *   ABI_OPS_1_0      output ops table of ABI 1.0 (no flags), built for 1.0
 *   ABI_INIT_FAIL    init fails with a message
 *   ABI_NO_ENTRY     no folio_plugin_entry symbol at all
 *   ABI_NULL_ENTRY   folio_plugin_entry returns NULL
 *   ABI_SECOND       probe scores "ABIGOOD" 70 and "ABISECOND" 80
 *   ABI_MANIFEST     carries a manifest matching the descriptor
 *   ABI_MANIFEST_WRONG  carries a manifest whose formats differ
 *   ABI_MANIFEST_UNTERMINATED  a manifest whose formats never end: the
 *                    host must ignore it and load the plugin at once
 *
 * The good input plugin scores 70 on input starting "ABIGOOD". Its read
 * exercises the host: it warns with its "mode" option, and fails with a
 * message unless the input starts "ABIGOOD-OK", which makes it add a
 * document through host->import_html.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/plugin.h"

#ifndef ABI_NAME
#define ABI_NAME "abigood"
#endif
#ifndef ABI_MAJOR
#define ABI_MAJOR FOLIO_ABI_MAJOR
#endif
#ifndef ABI_MINOR
#define ABI_MINOR FOLIO_ABI_MINOR
#endif
#ifndef ABI_SIZE
#define ABI_SIZE sizeof(folio_plugin)
#endif
#ifndef ABI_KIND
#ifdef ABI_OUTPUT
#define ABI_KIND FOLIO_PLUGIN_OUTPUT
#else
#define ABI_KIND FOLIO_PLUGIN_INPUT
#endif
#endif

static int starts(const unsigned char *buf, size_t len, const char *s)
{
    size_t n = strlen(s);
    return len >= n && memcmp(buf, s, n) == 0;
}

#ifndef ABI_NO_PROBE
static int abi_probe(const unsigned char *buf, size_t len)
{
#ifdef ABI_SECOND
    if (starts(buf, len, "ABISECOND"))
        return 80;
#endif
    return starts(buf, len, "ABIGOOD") ? 70 : 0;
}
#endif

static int abi_read(const folio_host *h, folio_job *job,
                    const unsigned char *buf, size_t len)
{
    const char *mode = h->option(job, "mode");
    h->warn(job, "mode is %s", mode != NULL ? mode : "(unset)");
    if (!starts(buf, len, "ABIGOOD-OK"))
        return h->error(job, FOLIO_EUNSUPPORTED, "cannot read this");
    static const char page[] =
        "<html><head><title>T</title></head><body><article>"
        "<p>Plugin test paragraph with enough words to be an article "
        "body for the importer to keep.</p></article></body></html>";
    folio_html_input in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = (const unsigned char *)page;
    in.len = sizeof page - 1;
    return h->import_html(job, &in);
}

#ifndef ABI_NO_WRITE
static int abi_write(const folio_host *h, folio_job *job,
                     const folio_doc *doc, folio_write_fn out, void *sink)
{
    (void)h;
    (void)job;
    (void)doc;
    return out(sink, "ok\n", 3) != 0 ? FOLIO_EUSER : FOLIO_OK;
}
#endif

static int abi_init(const folio_host *h, const char **message)
{
#ifdef ABI_INIT_FAIL
    (void)h;
    *message = "libexample is missing";
    return 1;
#else
    /* Checks the host table the registry passes. */
    if (h == NULL || h->abi_major != FOLIO_ABI_MAJOR ||
        h->size < sizeof(folio_host) || h->doc == NULL ||
        h->alloc == NULL || h->error == NULL) {
        *message = "bad host table";
        return 1;
    }
    return 0;
#endif
}

/* Leaves a mark so a test can see that fini ran. */
static void abi_fini(void)
{
    const char *mark = getenv("FOLIO_ABI_FINI_MARK");
    if (mark == NULL || mark[0] == '\0')
        return;
    FILE *f = fopen(mark, "a");
    if (f != NULL) {
        fputs(ABI_NAME "\n", f);
        fclose(f);
    }
}

static const folio_input_ops abi_input = {
#ifdef ABI_SHORT_OPS
    .size = offsetof(folio_input_ops, read),
#else
    .size = sizeof(folio_input_ops),
#endif
#ifndef ABI_NO_PROBE
    .probe = abi_probe,
#endif
    .read = abi_read,
};

static const folio_output_ops abi_output = {
#if defined(ABI_SHORT_OPS)
    .size = offsetof(folio_output_ops, write),
#elif defined(ABI_OPS_1_0)
    /* The table ends before `flags`: the host must read it as 0, whatever
     * lies in memory after the table a 1.0 plugin declared. */
    .size = offsetof(folio_output_ops, flags),
    .flags = FOLIO_OUTPUT_EMBEDS_ASSETS,
#else
    .size = sizeof(folio_output_ops),
#endif
#ifndef ABI_NO_WRITE
    .write = abi_write,
#endif
#ifdef ABI_OPS_1_0
    .extension = "abiold",
    .media_type = "text/x-abi-old",
#else
    .extension = "abi",
    .media_type = "text/x-abi",
#endif
};

static const folio_option abi_options[] = {
    { "mode", FOLIO_OPTION_ENUM, "fast", "fast|slow", "how hard to try" },
    { "count", FOLIO_OPTION_INT, "3", NULL, "how many" },
    { "strict", FOLIO_OPTION_BOOL, "false", NULL, "refuse odd input" },
    { "label", FOLIO_OPTION_STRING, NULL, NULL, "any text" },
    { .name = NULL },
};

#ifdef ABI_OPS_1_0
static const char *const abi_formats[] = { "abiold", NULL };
#else
static const char *const abi_formats[] = { "abi", "text/x-abi", NULL };
#endif

#if defined(ABI_MANIFEST)
FOLIO_PLUGIN_MANIFEST(ABI_KIND, ABI_NAME, "abi\0" "text/x-abi\0");
#elif defined(ABI_MANIFEST_WRONG)
FOLIO_PLUGIN_MANIFEST(ABI_KIND, ABI_NAME, "abi\0" "text/x-other\0");
#elif defined(ABI_MANIFEST_UNTERMINATED)
/* Written out by hand: the macro cannot make this mistake. "abi", then
 * letters to the end of the FOLIO_MANIFEST_FORMATS_MAX (192) bytes with
 * no NUL after them: read as strings, the second format would run past
 * the array. */
#define X8 "xxxxxxxx"
#define X64 X8 X8 X8 X8 X8 X8 X8 X8
__attribute__((used, section(FOLIO_MANIFEST_SECTION), aligned(8)))
static const folio_plugin_manifest abi_manifest = {
    .magic = FOLIO_MANIFEST_MAGIC,
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .kind = ABI_KIND,
    .name = ABI_NAME,
    .formats = "abi\0" X64 X64 X8 X8 X8 X8 X8 X8 X8 "xxxx",
};
#endif

static const folio_plugin abi_plugin = {
    .abi_major = ABI_MAJOR,
    .abi_minor = ABI_MINOR,
    .size = ABI_SIZE,
    .kind = ABI_KIND,
#ifdef ABI_NO_NAME
    .name = NULL,
#else
    .name = ABI_NAME,
#endif
    .version = "0.0.1",
    .description = "test plugin for tests/abi",
    .formats = abi_formats,
    .options = abi_options,
    .input = &abi_input,
    .output = &abi_output,
    .init = abi_init,
    .fini = abi_fini,
};

#if defined(ABI_NO_ENTRY)
/* Exports something, just not the entry point. */
FOLIO_EXPORT const folio_plugin *folio_plugin_entry_typo(void);
FOLIO_EXPORT const folio_plugin *folio_plugin_entry_typo(void)
{
    return &abi_plugin;
}
#elif defined(ABI_NULL_ENTRY)
FOLIO_EXPORT const folio_plugin *folio_plugin_entry(void);
FOLIO_EXPORT const folio_plugin *folio_plugin_entry(void)
{
    return NULL;
}
/* Referenced so the descriptor is not an unused static. */
const folio_plugin *abi_unused(void);
const folio_plugin *abi_unused(void)
{
    return &abi_plugin;
}
#else
FOLIO_PLUGIN_DEFINE(abi_plugin)
#endif
