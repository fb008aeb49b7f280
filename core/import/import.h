/* SPDX-License-Identifier: MIT */
/* The HTML importer: bytes -> libxml2 tree -> metadata, extraction,
 * cleaning -> folio_doc. Private to libfolio. */
#ifndef FOLIO_IMPORT_H
#define FOLIO_IMPORT_H

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdbool.h>

#include "folio/folio.h"

/* --- import.c: the whole pipeline -------------------------------------- */

/* Converts `in` into a new document, using the job's options (base URL,
 * encoding, no_extract) and reporting through the job. On success *out is
 * owned by the caller. Errors: FOLIO_EINVALID (unparseable, not HTML),
 * FOLIO_ENOTFOUND (no article content), FOLIO_ELIMIT, FOLIO_ENOMEM. */
int folio__import_html(folio_doc **out, folio_job *job,
                       const folio_html_input *in);

/* --- charset.c ---------------------------------------------------------- */

/* Decides the charset of `buf`: override (--encoding) > BOM > transport
 * hint > <meta charset>/http-equiv in the first 1024 bytes > UTF-8 if
 * valid > windows-1252. Labels are normalised per the WHATWG Encoding
 * standard (iso-8859-1/us-ascii -> windows-1252, gb2312 -> GBK, ...).
 * Returns a static canonical name usable with iconv; `*rule` names the rule
 * that won (static). `*bom_len` is set to the BOM length to skip. */
const char *folio__charset_detect(const unsigned char *buf, size_t len,
                                  const char *override, const char *hint,
                                  const char **rule, size_t *bom_len);

/* Maps an encoding label ("Shift_JIS", " latin1 ") to the static iconv
 * name folio__charset_detect would use, or NULL when the label is unknown.
 * Lets the importer report an unusable --encoding or transport label. */
const char *folio__charset_label(const char *label);

/* True when `len` bytes are valid UTF-8 without NUL bytes: exactly the
 * input folio__charset_to_utf8 would copy unchanged from "UTF-8". */
bool folio__utf8_clean(const unsigned char *s, size_t len);

/* Converts `len` bytes in `charset` to UTF-8 (malloc'd, NUL-terminated,
 * invalid sequences replaced with U+FFFD). Returns FOLIO_OK,
 * FOLIO_EUNSUPPORTED (unknown charset) or FOLIO_ENOMEM. */
int folio__charset_to_utf8(char **out, size_t *out_len, const char *charset,
                           const unsigned char *buf, size_t len);

/* --- guess.c ----------------------------------------------------------- */

/* For a page that declares no charset and is not valid UTF-8: the
 * candidate (UTF-8 with stray bytes, windows-125x, ISO-8859-2, KOI8-R,
 * GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR, ...) whose decoding of a
 * sample reads most like text. Returns a static iconv name, or NULL when
 * the page has too few non-ASCII bytes to tell. */
const char *folio__charset_guess(const unsigned char *buf, size_t len);

/* --- xmlmem.c: libxml2's allocations during an import ------------------- */

/* Installs folio's libxml2 allocation hooks once per process (after
 * xmlInitParser; idempotent). They pass everything through to the hooks
 * found installed, except inside a window on the calling thread. */
void folio__xmlmem_init(void);

/* Opens a window on the calling thread: until folio__xmlmem_end, whatever
 * libxml2 allocates on this thread is carved from per-thread chunks and
 * its frees cost nothing. Returns false (and opens nothing) when a window
 * is already open here or the hooks are not folio's. */
bool folio__xmlmem_begin(void);

/* Closes the window opened by a successful folio__xmlmem_begin and gives
 * back everything libxml2 allocated in it: every tree, string and parser
 * context of the window is gone, freed or not; none may be used after. */
void folio__xmlmem_end(void);

/* --- parse.c ------------------------------------------------------------ */

/* Elements the parse notices on its way, so that later steps need not
 * walk the whole tree for them: the first of each in document order. */
#define FOLIO__LD_MARKS 16

typedef struct folio__parse_marks {
    xmlNodePtr base;       /* <base> with an href */
    xmlNodePtr canonical;  /* <link> with "canonical" in rel and an href */
    xmlNodePtr og_url;     /* <meta> with property (else name) "og:url"
                            * and a content */
    bool noscript;         /* the page has a <noscript> */
    xmlNodePtr ld[FOLIO__LD_MARKS]; /* the first <script>s whose type
                                     * holds "ld+json" */
    size_t n_ld;
} folio__parse_marks;

/* Parses UTF-8 HTML with libxml2 (recover, no network, no entities, no
 * errors printed). Returns NULL on failure. Free with xmlFreeDoc. When
 * `marks` is not NULL it is filled in (with NULLs on failure). */
xmlDocPtr folio__html_parse(const char *utf8, size_t len, folio_job *job,
                            folio__parse_marks *marks);

/* Records `n` in `m` when it is an element `m` notes (see
 * folio__parse_marks): for the parser's start-tag hook, in document
 * order. */
void folio__parse_mark(folio__parse_marks *m, xmlNodePtr n);

/* Fills `m` by a walk of the whole tree, as the parse would have. */
void folio__parse_marks_find(xmlDocPtr html, folio__parse_marks *m);

/* --- url.c -------------------------------------------------------------- */

/* Resolves `ref` against `base` (either may be NULL). Returns a malloc'd
 * absolute URL, or a malloc'd copy of `ref` when it cannot be resolved;
 * NULL only when out of memory. javascript:/vbscript: refs return NULL
 * with *dropped set. */
char *folio__url_resolve(const char *base, const char *ref, bool *dropped);

/* Picks the best candidate of a srcset attribute value (the widest `w`
 * descriptor, else the highest density `x`, else the first) and resolves it
 * against `base`. Returns a malloc'd URL, or NULL when there is no usable
 * candidate (or no memory). */
char *folio__srcset_best(const char *base, const char *srcset);


/* Returns the document base: --base-url, else <base href> resolved
 * against the document URL, else the document URL, else the canonical
 * link / og:url. malloc'd or NULL. The elements are those of `marks`
 * when given (from folio__html_parse), else found by a walk of `html`. */
char *folio__url_base(xmlDocPtr html, const char *doc_url,
                      const char *override,
                      const folio__parse_marks *marks);

/* --- meta.c ------------------------------------------------------------- */

/* Reads metadata from the parsed page (before extraction alters it) into
 * `doc`: title, lang, dir, canonical URL, description, site name, and
 * whatever else is cheap and reliable. */
int folio__meta_extract(xmlDocPtr html, folio_doc *doc, const char *base_url,
                        folio_job *job);

/* --- extract.c ---------------------------------------------------------- */

typedef struct folio__extract_result {
    xmlNodePtr root;     /* the article subtree (inside `html`) */
    bool fallback;       /* a looser pass or <body> was used */
} folio__extract_result;

/* Finds and cleans the main content of `html` in place. `title` (may be
 * NULL) lets the extractor drop a duplicated headline. Returns FOLIO_OK,
 * FOLIO_ENOTFOUND (nothing usable), FOLIO_ENOMEM. */
int folio__extract(folio__extract_result *out, xmlDocPtr html,
                   const char *title, const folio__parse_marks *marks,
                   folio_job *job);

/* For --no-extract: cleans the whole <body> (scripts, styles, forms,
 * hidden elements) and returns it. `marks` (from the parse) may be NULL
 * in both: they are then found by a walk. */
int folio__clean_whole(folio__extract_result *out, xmlDocPtr html,
                       const folio__parse_marks *marks, folio_job *job);

/* --- convert.c ---------------------------------------------------------- */

/* Converts the article subtree `root` into blocks under the document
 * root of `doc`, resolving every URL against `base_url`. Fills
 * word_count and reading time. */
int folio__dom_to_doc(folio_doc *doc, xmlNodePtr root, const char *base_url,
                      folio_job *job);

/* --- assets.c ---------------------------------------------------------- */

/* Attaches to `doc` the resources its images and links name: the job's
 * assets (indexed with folio__job_assets_index) and data: URI images.
 * Returns FOLIO_OK, or FOLIO_ENOMEM/FOLIO_ELIMIT recorded on the job. */
int folio__assets_attach(folio_doc *doc, folio_job *job);

#endif
