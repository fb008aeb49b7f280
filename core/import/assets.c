/* SPDX-License-Identifier: MIT */
/* Gives each imported document the resources it uses: the ones its input
 * plugin carried (host->add_asset) that its images and links name, and
 * the images embedded in the page as data: URIs. */
#include "import.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "folio/doc.h"
#include "job.h"
#include "util.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool starts_ci(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++)
        if (lower((unsigned char)*s) != *prefix)
            return false;
    return true;
}

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decodes the payload of a data: URI in place of `out` (at most
 * strlen(p) bytes). Base64 skips whitespace and stops at '='; a stray
 * character makes the whole URI unusable (returns false). */
static bool decode_payload(const char *p, bool base64, unsigned char *out,
                           size_t *len)
{
    size_t n = 0;

    if (base64) {
        unsigned acc = 0;
        int bits = 0;
        for (; *p != '\0' && *p != '='; p++) {
            int v, c = (unsigned char)*p, hi, lo;

            /* A URL writer may have %-escaped any byte: '+', '/', '=',
             * the white space inside a long value. */
            if (c == '%' && (hi = folio__hex_value((unsigned char)p[1])) >= 0 &&
                (lo = folio__hex_value((unsigned char)p[2])) >= 0) {
                c = hi * 16 + lo;
                p += 2;
                if (c == '=')
                    break;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
                continue;
            if ((v = b64_value(c)) < 0)
                return false;
            acc = (acc << 6) | (unsigned)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (unsigned char)(acc >> bits);
                acc &= (1u << bits) - 1;
            }
        }
    } else {
        for (; *p != '\0'; p++) {
            int hi, lo;
            if (*p == '%' && (hi = folio__hex_value((unsigned char)p[1])) >= 0
                && (lo = folio__hex_value((unsigned char)p[2])) >= 0) {
                out[n++] = (unsigned char)(hi * 16 + lo);
                p += 2;
            } else {
                out[n++] = (unsigned char)*p;
            }
        }
    }
    *len = n;
    return n > 0;
}

/* Adds the image a data: URI holds as an asset named by the URI itself,
 * so the document's image node already points at it. Other media types
 * (data:text/html and the like) are never assets. */
static int add_data_image(folio_doc *doc, const char *uri)
{
    const char *mt = uri + 5;
    const char *comma = strchr(mt, ',');
    char media[128];
    size_t mlen, plen, len = 0;
    bool base64 = false;
    unsigned char *bytes;
    int rc;

    if (comma == NULL || !starts_ci(mt, "image/"))
        return FOLIO_OK;
    mlen = strcspn(mt, ";,");
    if (mlen >= sizeof media)
        return FOLIO_OK;
    for (size_t i = 0; i < mlen; i++)
        media[i] = (char)lower((unsigned char)mt[i]);
    media[mlen] = '\0';
    for (const char *p = mt + mlen; p < comma; p++)
        if (*p == ';' && (size_t)(comma - p) == 7 && starts_ci(p, ";base64"))
            base64 = true;

    plen = strlen(comma + 1);
    if ((bytes = malloc(plen + 1)) == NULL)
        return FOLIO_ENOMEM;
    rc = FOLIO_OK;
    if (decode_payload(comma + 1, base64, bytes, &len))
        rc = folio_doc_add_asset(doc, uri, media, bytes, len);
    free(bytes);
    return rc;
}

int folio__assets_attach(folio_doc *doc, folio_job *job)
{
    folio_iter it;
    const folio_node *n;
    folio_event ev;

    folio_iter_init(&it, folio_doc_root(doc));
    while ((ev = folio_iter_next(&it)) != FOLIO_EVENT_DONE) {
        folio_node_type t;
        const char *url, *media;
        const unsigned char *data;
        size_t len;
        int rc = FOLIO_OK;

        if (ev != FOLIO_EVENT_ENTER)
            continue;
        n = folio_iter_node(&it);
        t = folio_node_type_of(n);
        if (t != FOLIO_NODE_IMAGE && t != FOLIO_NODE_LINK)
            continue;
        url = folio_node_url(n);
        if (url == NULL || folio_doc_asset_find(doc, url) != NULL)
            continue;
        if (folio__job_asset_lookup(job, url, &media, &data, &len))
            rc = folio_doc_add_asset(doc, url, media, data, len);
        else if (t == FOLIO_NODE_IMAGE && starts_ci(url, "data:"))
            rc = add_data_image(doc, url);
        if (rc < 0)
            return folio__job_error(job, rc, "cannot keep the page's "
                                    "image %.80s: %s", url,
                                    folio_status_str(rc));
    }
    return FOLIO_OK;
}
