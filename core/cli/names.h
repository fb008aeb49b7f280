/* SPDX-License-Identifier: MIT */
/* File names and paths the folio program makes: output names from
 * titles, asset file names, relative links, folder walks. Pure functions
 * of their arguments (and the file system for the walk), kept apart from
 * folio.c so tests can call them directly. */
#ifndef FOLIO_CLI_NAMES_H
#define FOLIO_CLI_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Longest slug cli_slug makes, in bytes. */
#define CLI_SLUG_MAX 80

/* A file-name-safe slug of `title`: ASCII letters lower-cased, digits and
 * non-ASCII letters kept, everything else runs of '-', trimmed, at most
 * CLI_SLUG_MAX bytes cut at a character boundary. NULL when nothing is
 * left (or no memory). malloc'd. */
char *cli_slug(const char *title);

/* The file name an asset is saved under: a safe stem from the URL's last
 * path segment ("image" for data: URIs), '-', 12 hex digits of a hash of
 * the bytes, '.', an extension from the media type (else the URL's).
 * Equal bytes get equal names, so one image used by several documents is
 * saved once. malloc'd, or NULL on no memory. */
char *cli_asset_name(const char *url, const char *media_type,
                     const unsigned char *data, size_t len);

/* The path of folder `to` as seen from folder `from` ("../img"), both
 * absolute or relative to the working directory; "." parts and ".."
 * parts are resolved by name, not by following symbolic links. Returns
 * "" when they are the same folder. malloc'd, NULL on no memory or when
 * the working directory is unknown. */
char *cli_relpath(const char *to, const char *from);

/* Lists the regular files under `dir`, sorted by name, depth first,
 * skipping names starting with '.' and folders named "*_files" (the
 * resources of a saved page beside them). At most `max` files and 16
 * levels. Returns 0 with *out (malloc'd array of malloc'd paths) and *n,
 * or -1 with errno set (E2BIG when over `max`). */
int cli_list_files(const char *dir, size_t max, char ***out, size_t *n);

#endif
