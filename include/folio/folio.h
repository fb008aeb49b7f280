/* SPDX-License-Identifier: MIT */
/**
 * @file folio/folio.h
 * libfolio: the umbrella header for programs that convert documents.
 *
 * The flow: build a folio_registry (it finds and checks plugins), make a
 * folio_job per input, read the input with an input plugin (the job then
 * holds one folio_doc per article), write each document with an output
 * plugin to a sink, free the job.
 *
 *     folio_registry *reg;
 *     folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
 *     if (folio_registry_new(&reg, &ro) < 0) ...
 *     folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
 *     jo.input_path = "page.html";
 *     folio_job *job = folio_job_new(reg, &jo);
 *     if (folio_job_read(job, NULL, buf, len) < 0)
 *         fprintf(stderr, "%s\n", folio_job_error(job));
 *     const folio_plugin *md = folio_registry_find(reg,
 *         FOLIO_PLUGIN_OUTPUT, "markdown");
 *     folio_job_write(job, md, folio_job_doc(job, 0), my_sink, fp);
 *     folio_job_free(job);
 *     folio_registry_free(reg);
 *
 * Threads: a registry may be shared once built (a lazy one loads plugins
 * under its own lock); a job belongs to one thread at a time.
 *
 * libxml2: the first HTML import installs libxml2 allocation hooks
 * (xmlGcMemSetup) that pass every allocation through to the hooks found
 * installed, except libxml2's allocations on a thread while that thread
 * runs an import, which come from a per-thread arena dropped at its end.
 * A program that sets its own hooks should do so before the first
 * import (folio then uses them underneath) and never while an import
 * runs; set after, they simply turn the arena off.
 */
#ifndef FOLIO_FOLIO_H
#define FOLIO_FOLIO_H

#include <stdbool.h>
#include <stddef.h>

#include "folio/doc.h"
#include "folio/error.h"
#include "folio/plugin.h"
#include "folio/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Returns the libfolio version string ("0.1.0"). Static storage. */
const char *folio_version(void);

/** Returns a short English phrase for a status code. Static storage. */
const char *folio_status_str(int code);

/* ------------------------------------------------------------------ */
/* Registry                                                           */
/* ------------------------------------------------------------------ */

/** The set of loaded plugins. Opaque. */
typedef struct folio_registry folio_registry;

/** How to build a registry. */
typedef struct folio_registry_options {
    unsigned version;          /**< FOLIO_REGISTRY_OPTIONS_VERSION */
    /** Directories searched first, in order (--plugin-dir). Borrowed. */
    const char *const *dirs;
    size_t n_dirs;
    /** After `dirs`, $FOLIO_PLUGIN_PATH (colon separated) is searched.
     *  Unless `only_dirs` is true, then also the build tree's plugin
     *  folders (only for a program run from inside the build tree),
     *  ~/.local/lib/folio/plugins and the installed plugin folder, in that
     *  order. The current directory is never searched. */
    bool only_dirs;
    /** Version 2. Load output plugins that carry a manifest
     *  (FOLIO_PLUGIN_MANIFEST) only when folio_registry_find picks them,
     *  so a run pays only for the plugins it uses. Until then they are
     *  not counted by folio_registry_count and their load failures are
     *  not known; folio_registry_load_all loads the rest. */
    bool lazy;
} folio_registry_options;

/** 2 added `lazy`; a version 1 struct (without it) is still accepted. */
#define FOLIO_REGISTRY_OPTIONS_VERSION 2
#define FOLIO_REGISTRY_OPTIONS_INIT { FOLIO_REGISTRY_OPTIONS_VERSION, NULL, 0, false, false }

/**
 * Searches the plugin path, loads and checks every plugin found (the
 * first plugin of a name wins). A plugin that fails to load does not fail
 * the registry: it is recorded and reported by folio_registry_failure().
 * Returns FOLIO_OK, FOLIO_EINVALID (bad options) or FOLIO_ENOMEM.
 * Owned: free with folio_registry_free().
 */
int folio_registry_new(folio_registry **out,
                       const folio_registry_options *opts);

/** Calls every plugin's fini and frees the registry. NULL is a no-op. */
void folio_registry_free(folio_registry *reg);

/** Returns the number of plugins loaded. */
size_t folio_registry_count(const folio_registry *reg);

/** Returns plugin `i` (sorted by kind, then name; a lazy registry appends
 *  each plugin it loads on demand), or NULL. Borrowed. */
const folio_plugin *folio_registry_at(const folio_registry *reg, size_t i);

/**
 * Loads every plugin a lazy registry has not loaded yet (recording the
 * failures), then sorts them all by kind and name as an eager registry
 * would. A no-op for an eager registry. Not while another thread iterates
 * the registry by index. Returns FOLIO_OK or FOLIO_ENOMEM.
 */
int folio_registry_load_all(folio_registry *reg);

/** Returns the file plugin `i` was loaded from, or NULL. Borrowed. */
const char *folio_registry_path_at(const folio_registry *reg, size_t i);

/**
 * Finds a plugin of `kind` whose name, or one of whose formats, equals
 * `name` (ASCII case-insensitive). Returns NULL when none. Borrowed. In a
 * lazy registry this loads the plugin when it is not loaded yet; a
 * failure is then recorded as for any refused file.
 */
const folio_plugin *folio_registry_find(const folio_registry *reg,
                                        folio_plugin_kind kind,
                                        const char *name);

/** Returns the file `p` was loaded from. Borrowed. */
const char *folio_registry_path_of(const folio_registry *reg,
                                   const folio_plugin *p);

/** Returns the number of plugin files that were refused. */
size_t folio_registry_failure_count(const folio_registry *reg);

/**
 * Returns the message for refused file `i`, e.g.
 * "/x/folio-md.so: built for ABI 2.0, host provides 1.0". Borrowed.
 */
const char *folio_registry_failure_at(const folio_registry *reg, size_t i);

/**
 * Returns the message for a refused plugin file whose name mentions
 * `name` ("markdown" matches ".../folio-markdown.so"), or NULL. Lets a
 * caller explain why `-t markdown` is unavailable. Borrowed.
 */
const char *folio_registry_failure_for(const folio_registry *reg,
                                       const char *name);

/**
 * Checks `value` for option `key` of plugin `p`. Returns FOLIO_OK, or
 * FOLIO_ENOTFOUND (unknown key) / FOLIO_EINVALID (bad value) with a
 * one-line explanation (naming the known keys or values) written to
 * `msg` (NUL-terminated, truncated to `msglen`).
 */
int folio_plugin_check_option(const folio_plugin *p, const char *key,
                              const char *value, char *msg, size_t msglen);

/* ------------------------------------------------------------------ */
/* Jobs                                                               */
/* ------------------------------------------------------------------ */

/** How to run one conversion. */
typedef struct folio_job_options {
    unsigned version;          /**< FOLIO_JOB_OPTIONS_VERSION */
    /** Name used in messages and handed to input plugins (NULL: stdin,
     *  shown as "-"). Borrowed for the job's life. */
    const char *input_path;
    /** Base URL that beats the page's own (--base-url), or NULL. */
    const char *base_url;
    /** Character encoding that beats every other hint (--encoding). */
    const char *encoding;
    /** Convert the whole page instead of extracting the article. */
    bool no_extract;
    /** Largest input accepted, in bytes (0: the default, 256 MiB). */
    size_t max_input;
} folio_job_options;

#define FOLIO_JOB_OPTIONS_VERSION 1
#define FOLIO_JOB_OPTIONS_INIT                                               \
    { FOLIO_JOB_OPTIONS_VERSION, NULL, NULL, NULL, false, 0 }

/**
 * Creates a job. `reg` may be NULL for jobs that only import HTML
 * (folio_job_import_html). Returns NULL when out of memory or when
 * `opts` has an unknown version. Owned: free with folio_job_free().
 */
folio_job *folio_job_new(const folio_registry *reg,
                         const folio_job_options *opts);

/** Frees the job with its documents, messages and arena. */
void folio_job_free(folio_job *job);

/**
 * Sets plugin option `key` to `value` (both copied) for the plugins this
 * job calls; host->option() returns it. Returns FOLIO_OK or FOLIO_ENOMEM.
 */
int folio_job_set_option(folio_job *job, const char *key, const char *value);

/**
 * Picks the input plugin for `buf`: the one with the highest probe score
 * (ties: registry order). Returns NULL when no plugin scores above 0.
 * Borrowed.
 */
const folio_plugin *folio_job_sniff(folio_job *job, const unsigned char *buf,
                                    size_t len);

/**
 * Reads an input with `input` (NULL: sniffed). On success the job holds
 * at least one document. Returns FOLIO_OK or a negative status, with the
 * message in folio_job_error(); FOLIO_ENOTFOUND when the page has no
 * article content.
 */
int folio_job_read(folio_job *job, const folio_plugin *input,
                   const unsigned char *buf, size_t len);

/** Imports HTML directly, as host->import_html does for input plugins. */
int folio_job_import_html(folio_job *job, const folio_html_input *in);

/** Returns the number of documents read. */
size_t folio_job_doc_count(const folio_job *job);

/** Returns document `i`, or NULL. Borrowed: owned by the job. */
folio_doc *folio_job_doc(const folio_job *job, size_t i);

/**
 * Writes `doc` with output plugin `output` to `out(sink, ...)`. Returns
 * FOLIO_OK or a negative status with the message in folio_job_error().
 */
int folio_job_write(folio_job *job, const folio_plugin *output,
                    const folio_doc *doc, folio_write_fn out, void *sink);

/**
 * Returns the first error recorded, as "INPUT: message" (the plugin name
 * is included when a plugin reported it), or NULL. Borrowed (job).
 */
const char *folio_job_error(const folio_job *job);

/** Returns the number of warnings recorded. */
size_t folio_job_warning_count(const folio_job *job);

/** Returns warning `i` as "INPUT: message", or NULL. Borrowed (job). */
const char *folio_job_warning_at(const folio_job *job, size_t i);

/** Returns the number of notes recorded: details shown with -v, such as
 *  which rule chose the charset. */
size_t folio_job_note_count(const folio_job *job);

/** Returns note `i` as "INPUT: message", or NULL. Borrowed (job). */
const char *folio_job_note_at(const folio_job *job, size_t i);

/** Returns the host table given to plugins (static storage). */
const folio_host *folio_host_get(void);

#ifdef __cplusplus
}
#endif

#endif /* FOLIO_FOLIO_H */
