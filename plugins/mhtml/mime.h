/* SPDX-License-Identifier: MIT */
/*
 * MIME pieces for the mhtml plugin: RFC 5322 header fields (folded lines),
 * Content-Type parameters, the quoted-printable and base64 transfer
 * encodings, RFC 2047 encoded-words and RFC 5322 dates. Pure functions on
 * caller buffers, never reading outside the given bounds; only the
 * decoding of encoded-words in other charsets allocates (iconv).
 */
#ifndef FOLIO_MHTML_MIME_H
#define FOLIO_MHTML_MIME_H

#include <stdbool.h>
#include <stddef.h>

/* What mime_header_next() found. */
typedef enum mime_header_status {
    MIME_HEADER_FIELD = 1, /* a field: name and unfolded value */
    MIME_HEADER_END = 0,   /* the blank line ending the block */
    MIME_HEADER_EOF = 2,   /* the input ended inside the block */
    MIME_HEADER_LONG = -1  /* an unfolded field longer than the scratch */
} mime_header_status;

/* One header field: the name points into the input, the value into the
 * caller's scratch buffer (NUL-terminated, unfolded, trimmed). */
typedef struct mime_field {
    const unsigned char *name;
    size_t name_len;
    char *value;
    size_t value_len;
} mime_field;

/*
 * Reads the next header field of the block at buf[*pos..len). Lines end
 * with LF or CRLF; a line starting with space or tab continues the field
 * before it (RFC 5322 §2.2.3 folding: the line break goes, the blank
 * stays). Lines that are not fields are skipped. On MIME_HEADER_END *pos is
 * the first byte after the blank line; on MIME_HEADER_EOF it is len.
 * `scratch` holds `cap` bytes; a longer value gives MIME_HEADER_LONG.
 */
mime_header_status mime_header_next(const unsigned char *buf, size_t len,
                                    size_t *pos, mime_field *f,
                                    char *scratch, size_t cap);

/* True when the field's name is `name` (ASCII case-insensitive). */
bool mime_field_is(const mime_field *f, const char *name);

/* True when `a` equals the lower-case ASCII `b`, ignoring case. */
bool mime_eq_ci(const char *a, const char *b);

/* Copies the media type of a Content-Type value ("Text/HTML; x=y" gives
 * "text/html") into out[cap], lower-cased. An empty value gives "". */
void mime_media_type(const char *value, char *out, size_t cap);

/* Finds parameter `name` (lower-case) of a Content-Type value and copies
 * its value, unquoted, into out[cap] (truncated to fit). Returns true when
 * the parameter is present. */
bool mime_param(const char *value, const char *name, char *out, size_t cap);

/* Decodes quoted-printable in[0..len) into out (at least len bytes):
 * "=XX" (either case) is a byte, "=" before a line end (after optional
 * blanks) is a soft break, any other "=" stays as it is. Returns the
 * number of bytes written. */
size_t mime_qp_decode(unsigned char *out, const unsigned char *in,
                      size_t len);

/* Decodes base64 in[0..len) into out (at least len / 4 * 3 + 3 bytes) in
 * one pass: bytes outside the alphabet (line breaks, blanks) are skipped,
 * "=" ends the data, missing padding is tolerated. Returns the number of
 * bytes written. */
size_t mime_base64_decode(unsigned char *out, const unsigned char *in,
                          size_t len);

/* Decodes the RFC 2047 encoded-words of a header value into UTF-8 in
 * out[cap] (4 * strlen(in) + 16 bytes always suffice); words in UTF-8,
 * US-ASCII and ISO-8859-1 are decoded directly, others through iconv, and
 * a word that cannot be decoded is kept as it is. Blanks between two
 * encoded-words go, as RFC 2047 §6.2 says. Allocates only for iconv. */
void mime_decode_words(const char *in, char *out, size_t cap);

/* Converts an RFC 5322 date ("Sat, 28 Nov 2026 10:23:07 GMT") into ISO
 * 8601 ("2026-11-28T10:23:07Z") in out[32]. Returns false when the value
 * is not a date. */
bool mime_date_iso(const char *in, char out[32]);

#endif
