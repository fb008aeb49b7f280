/* SPDX-License-Identifier: MIT */
/**
 * @file folio/plugin.h
 * The plugin ABI: what a folio plugin exports and what the host gives it.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * `folio_plugin_entry`, a function returning a pointer to a static
 * folio_plugin descriptor (use FOLIO_PLUGIN_DEFINE). A plugin links no
 * folio library: everything it may call arrives in the `const folio_host *`
 * passed to its functions, including the document read API (host->doc).
 *
 * Versioning: the host refuses a plugin whose abi_major differs from
 * FOLIO_ABI_MAJOR or whose abi_minor is newer than the host's, and one
 * whose descriptor or operation tables are shorter than the members the
 * host requires. Minor versions only append members at the end of
 * structs and add node types; see docs/ABI.md.
 *
 * Threads: the host may call a plugin's read/write on several jobs at
 * once from different threads. Keep no mutable global state outside
 * init/fini.
 */
#ifndef FOLIO_PLUGIN_H
#define FOLIO_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "folio/doc.h"
#include "folio/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Incompatible change: the host refuses a plugin with another major. */
#define FOLIO_ABI_MAJOR 1
/** Compatible additions: the host accepts plugins with minor <= its own. */
#define FOLIO_ABI_MINOR 2

#if defined(__GNUC__) || defined(__clang__)
#define FOLIO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define FOLIO_EXPORT __attribute__((visibility("default")))
#else
#define FOLIO_PRINTF(f, a)
#define FOLIO_EXPORT
#endif

/**
 * One conversion: an input being read, the documents it yields, the
 * options in force, messages. Opaque. Created and freed by the host; a
 * plugin only passes it back to host functions.
 */
typedef struct folio_job folio_job;

/**
 * A sink for output bytes. Returns 0 on success; nonzero aborts the
 * write, and the plugin must then return FOLIO_EUSER (or FOLIO_EIO).
 */
typedef int (*folio_write_fn)(void *sink, const char *bytes, size_t len);

/**
 * HTML handed by an input plugin to the core importer (host->import_html).
 * Zero-initialise it, set `size = sizeof(folio_html_input)`, fill what you
 * know. Strings are copied by the host; the bytes need only live for the
 * call.
 */
typedef struct folio_html_input {
    size_t size;
    const unsigned char *html;  /**< the page bytes, any charset */
    size_t len;
    const char *charset;        /**< transport label ("shift_jis") or NULL */
    const char *url;            /**< document URL: base for relative links */
    const char *source;         /**< provenance; NULL: same as url/path */
    const char *captured;       /**< ISO 8601 capture time, or NULL */
    const char *title_hint;     /**< e.g. an MHTML Subject, or NULL */
} folio_html_input;

/**
 * Services the host provides. Built by libfolio; plugins read it only.
 * Check `abi_minor` (or `size`) before calling a member added after the
 * minor version you were built against.
 */
typedef struct folio_host {
    uint32_t abi_major;
    uint32_t abi_minor;
    size_t size;

    /** Allocates `n` bytes in the job's arena, freed when the job ends.
     *  Returns NULL when out of memory (or over the job's memory limit). */
    void *(*alloc)(folio_job *job, size_t n);
    /** Copies `n` bytes of `s` plus a NUL into the job's arena. */
    char *(*strndup)(folio_job *job, const char *s, size_t n);
    /** Records an error message on the job (the host prefixes the input
     *  name) and returns `code`, so `return h->error(job, rc, ...)`. The
     *  first error recorded wins. */
    int (*error)(folio_job *job, int code, const char *fmt, ...)
        FOLIO_PRINTF(3, 4);
    /** Records a warning (shown unless the user asked for -q). */
    void (*warn)(folio_job *job, const char *fmt, ...) FOLIO_PRINTF(2, 3);
    /** Returns the value of the calling plugin's option `name` as given by
     *  -O, else its declared default, else NULL. Borrowed (job). */
    const char *(*option)(folio_job *job, const char *name);
    /** Input plugins: parses HTML, extracts the article and its metadata
     *  and appends the resulting document to the job. May be called more
     *  than once (one document per article in a container). Assets added
     *  before the call are attached to the document. */
    int (*import_html)(folio_job *job, const folio_html_input *in);
    /** Input plugins: adds a resource the page refers to by `url`
     *  (copied). Returns FOLIO_OK, FOLIO_ELIMIT or FOLIO_ENOMEM. */
    int (*add_asset)(folio_job *job, const char *url, const char *media_type,
                     const unsigned char *data, size_t len);
    /** Path of the file being read, or NULL for stdin. Borrowed (job). */
    const char *(*input_path)(folio_job *job);
    /** The document read API. */
    const folio_doc_api *doc;
    /* Append new members here only, and bump FOLIO_ABI_MINOR. */
} folio_host;

/** Operations of an input plugin. */
typedef struct folio_input_ops {
    size_t size;
    /** Returns 0..100: how sure the plugin is that these bytes (the whole
     *  input, or its first part) are its format. Must not allocate. */
    int (*probe)(const unsigned char *buf, size_t len);
    /** Reads the input and calls host->import_html for each article.
     *  Returns FOLIO_OK or a negative status set with host->error. */
    int (*read)(const folio_host *h, folio_job *job, const unsigned char *buf,
                size_t len);
} folio_input_ops;

/** Operations of an output plugin. */
typedef struct folio_output_ops {
    size_t size;
    /** Writes `doc` to the sink. Returns FOLIO_OK or a negative status set
     *  with host->error. The host discards a partly written output. */
    int (*write)(const folio_host *h, folio_job *job, const folio_doc *doc,
                 folio_write_fn out, void *sink);
    /** File name extension for outputs, without the dot ("md"). */
    const char *extension;
    /** Media type of the output ("text/markdown"). */
    const char *media_type;
    /** Added in ABI 1.1: FOLIO_OUTPUT_* bits (a 1.0 plugin reads as 0). */
    unsigned flags;
    /* Append new members here only, and bump FOLIO_ABI_MINOR. */
} folio_output_ops;

/**
 * folio_output_ops::flags bit: the output carries the document's assets
 * inside itself (an EPUB zip), so the host writes no asset files and
 * leaves the assets' URLs as the input gave them. Without it, a host
 * that saves the assets beside the output (folio --assets) renames them
 * with folio_doc_rename_asset() first, so links and images point at the
 * saved files.
 */
#define FOLIO_OUTPUT_EMBEDS_ASSETS 0x1u

/** Types of plugin options; -O values are checked against them. */
typedef enum folio_option_type {
    FOLIO_OPTION_STRING = 1, /**< any text */
    FOLIO_OPTION_INT = 2,    /**< a decimal integer */
    FOLIO_OPTION_BOOL = 3,   /**< true/false, yes/no, on/off, 1/0 */
    FOLIO_OPTION_ENUM = 4    /**< one of `choices` ("a|b|c") */
} folio_option_type;

/** One option a plugin accepts. A zeroed entry ends the array. */
typedef struct folio_option {
    const char *name;          /**< key for -O KEY=VALUE */
    folio_option_type type;
    const char *default_value; /**< or NULL */
    const char *choices;       /**< FOLIO_OPTION_ENUM: "a|b|c" */
    const char *help;          /**< one line */
} folio_option;

/** Plugin kinds. */
typedef enum folio_plugin_kind {
    FOLIO_PLUGIN_INPUT = 1,
    FOLIO_PLUGIN_OUTPUT = 2
} folio_plugin_kind;

/**
 * The descriptor a plugin returns from folio_plugin_entry(). Static
 * storage; the host copies what it needs and never writes to it.
 */
typedef struct folio_plugin {
    uint32_t abi_major;        /**< FOLIO_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;        /**< FOLIO_ABI_MINOR the plugin was built with */
    size_t size;               /**< sizeof(folio_plugin) */
    folio_plugin_kind kind;
    const char *name;          /**< unique, [a-z0-9_-]+ ; used by -t/-f */
    const char *version;       /**< the plugin's own version */
    const char *description;   /**< one line */
    /** Other names, file extensions and media types it handles; NULL
     *  terminated; may be NULL. */
    const char *const *formats;
    const folio_option *options; /**< ends with a zeroed entry; may be NULL */
    const folio_input_ops *input;   /**< required when kind is INPUT */
    const folio_output_ops *output; /**< required when kind is OUTPUT */
    /** Optional, called once after the checks. Returns 0, or nonzero with
     *  `*message` set to a static string; the plugin is then refused. */
    int (*init)(const folio_host *h, const char **message);
    /** Optional, called once at exit. */
    void (*fini)(void);
} folio_plugin;

/** Signature of the one symbol a plugin exports. */
typedef const folio_plugin *(*folio_plugin_entry_fn)(void);

/** Name of the exported entry symbol. */
#define FOLIO_PLUGIN_ENTRY_SYMBOL "folio_plugin_entry"

/**
 * Defines the exported entry point returning `&desc`, where `desc` is a
 * static const folio_plugin. Build the plugin with hidden visibility
 * (-fvisibility=hidden) so this is its only export.
 */
#define FOLIO_PLUGIN_DEFINE(desc)                                            \
    FOLIO_EXPORT const folio_plugin *folio_plugin_entry(void);               \
    FOLIO_EXPORT const folio_plugin *folio_plugin_entry(void)                \
    {                                                                        \
        return &(desc);                                                      \
    }

/* ------------------------------------------------------------------ */
/* Manifest (ABI 1.2)                                                  */
/* ------------------------------------------------------------------ */

/** ELF section holding a plugin's manifest. */
#define FOLIO_MANIFEST_SECTION ".folio_manifest"
/** First bytes of a manifest (8, no terminating NUL). */
#define FOLIO_MANIFEST_MAGIC "folio-m1"
/** Room for the name, and for the formats, in a manifest. */
#define FOLIO_MANIFEST_NAME_MAX 64
#define FOLIO_MANIFEST_FORMATS_MAX 192

/**
 * What a host can learn about a plugin from its file, without loading it
 * (and the libraries it links): its kind, name and formats. Optional. A
 * host that is asked to load lazily reads it and dlopens an output plugin
 * only when a caller looks that plugin up; plugins without a manifest,
 * and input plugins (whose probes sniff every input), are loaded at once.
 * No pointers: the bytes are read from the file, before any relocation.
 * Declare it with FOLIO_PLUGIN_MANIFEST; the host checks that it matches
 * the descriptor when the plugin loads, and refuses the plugin if not.
 */
typedef struct folio_plugin_manifest {
    char magic[8];         /**< FOLIO_MANIFEST_MAGIC */
    uint32_t abi_major;    /**< FOLIO_ABI_MAJOR */
    uint32_t abi_minor;    /**< FOLIO_ABI_MINOR */
    uint32_t kind;         /**< a folio_plugin_kind */
    uint32_t reserved;     /**< 0 */
    /** The descriptor's name, NUL terminated. */
    char name[FOLIO_MANIFEST_NAME_MAX];
    /** The descriptor's formats in the same order, each NUL terminated,
     *  then an empty one (a string literal such as "md\0gfm\0" does it:
     *  the rest of the array is zero). */
    char formats[FOLIO_MANIFEST_FORMATS_MAX];
} folio_plugin_manifest;

#if defined(__GNUC__) || defined(__clang__)
/**
 * Places the plugin's manifest in its file, e.g.
 *     FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "markdown",
 *                           "md\0" "gfm\0")
 * `kind`, `name` and `formats` must match the descriptor's. A name or a
 * format list too long for the arrays does not compile.
 */
#define FOLIO_PLUGIN_MANIFEST(kind_, name_, formats_)                        \
    __attribute__((used, section(FOLIO_MANIFEST_SECTION), aligned(8)))      \
    static const folio_plugin_manifest folio_plugin_manifest_ = {            \
        FOLIO_MANIFEST_MAGIC, FOLIO_ABI_MAJOR, FOLIO_ABI_MINOR, (kind_), 0,  \
        name_, formats_                                                      \
    }
#else
#define FOLIO_PLUGIN_MANIFEST(kind_, name_, formats_)                        \
    typedef int folio_plugin_manifest_unsupported_
#endif

#ifdef __cplusplus
}
#endif

#endif /* FOLIO_PLUGIN_H */
