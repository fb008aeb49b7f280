/* SPDX-License-Identifier: MIT */
/* Charset detection (a WHATWG-style prescan) and conversion to UTF-8. */
#include "import.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How far the <meta> prescan looks, as in the WHATWG "prescan a byte
 * stream" algorithm. */
#define PRESCAN_LIMIT 1024u

/* Longest label we consider; real labels are far shorter. */
#define LABEL_MAX 40u

/* ------------------------------------------------------------------ */
/* Labels                                                             */
/* ------------------------------------------------------------------ */

/* WHATWG Encoding labels mapped to glibc iconv names. Sorted by label
 * (ASCII, lower case) for bsearch. Where the WHATWG decoder is a superset
 * of the legacy charset (gb2312 -> GBK -> gb18030, shift_jis -> windows-31j,
 * euc-kr -> windows-949, iso-8859-1 -> windows-1252) the superset is used,
 * because that is what browsers decode and what pages actually contain. */
typedef struct label_entry {
    const char *label;
    const char *iconv_name;
} label_entry;

static const label_entry labels[] = {
    { "866", "IBM866" },
    { "ansi_x3.4-1968", "WINDOWS-1252" },
    { "arabic", "ISO-8859-6" },
    { "ascii", "WINDOWS-1252" },
    { "asmo-708", "ISO-8859-6" },
    { "big5", "BIG5-HKSCS" },
    { "big5-hkscs", "BIG5-HKSCS" },
    { "chinese", "GB18030" },
    { "cn-big5", "BIG5-HKSCS" },
    { "cp1250", "WINDOWS-1250" },
    { "cp1251", "WINDOWS-1251" },
    { "cp1252", "WINDOWS-1252" },
    { "cp1253", "WINDOWS-1253" },
    { "cp1254", "WINDOWS-1254" },
    { "cp1255", "WINDOWS-1255" },
    { "cp1256", "WINDOWS-1256" },
    { "cp1257", "WINDOWS-1257" },
    { "cp1258", "WINDOWS-1258" },
    { "cp819", "WINDOWS-1252" },
    { "cp866", "IBM866" },
    { "csbig5", "BIG5-HKSCS" },
    { "cseuckr", "CP949" },
    { "cseucpkdfmtjapanese", "EUC-JP" },
    { "csgb2312", "GB18030" },
    { "csibm866", "IBM866" },
    { "csiso2022jp", "ISO-2022-JP" },
    { "csiso58gb231280", "GB18030" },
    { "csiso88596e", "ISO-8859-6" },
    { "csiso88596i", "ISO-8859-6" },
    { "csiso88598e", "ISO-8859-8" },
    { "csiso88598i", "ISO-8859-8" },
    { "csisolatin1", "WINDOWS-1252" },
    { "csisolatin2", "ISO-8859-2" },
    { "csisolatin3", "ISO-8859-3" },
    { "csisolatin4", "ISO-8859-4" },
    { "csisolatin5", "WINDOWS-1254" },
    { "csisolatin6", "ISO-8859-10" },
    { "csisolatin9", "ISO-8859-15" },
    { "csisolatinarabic", "ISO-8859-6" },
    { "csisolatincyrillic", "ISO-8859-5" },
    { "csisolatingreek", "ISO-8859-7" },
    { "csisolatinhebrew", "ISO-8859-8" },
    { "cskoi8r", "KOI8-R" },
    { "csksc56011987", "CP949" },
    { "csmacintosh", "MACINTOSH" },
    { "csshiftjis", "CP932" },
    { "csunicode", "UTF-16LE" },
    { "cyrillic", "ISO-8859-5" },
    { "dos-874", "CP874" },
    { "ecma-114", "ISO-8859-6" },
    { "ecma-118", "ISO-8859-7" },
    { "elot_928", "ISO-8859-7" },
    { "euc-jp", "EUC-JP" },
    { "euc-kr", "CP949" },
    { "gb18030", "GB18030" },
    { "gb2312", "GB18030" },
    { "gb_2312", "GB18030" },
    { "gb_2312-80", "GB18030" },
    { "gbk", "GB18030" },
    { "greek", "ISO-8859-7" },
    { "greek8", "ISO-8859-7" },
    { "hebrew", "ISO-8859-8" },
    { "ibm819", "WINDOWS-1252" },
    { "ibm866", "IBM866" },
    { "iso-10646-ucs-2", "UTF-16LE" },
    { "iso-2022-jp", "ISO-2022-JP" },
    { "iso-8859-1", "WINDOWS-1252" },
    { "iso-8859-10", "ISO-8859-10" },
    { "iso-8859-11", "CP874" },
    { "iso-8859-13", "ISO-8859-13" },
    { "iso-8859-14", "ISO-8859-14" },
    { "iso-8859-15", "ISO-8859-15" },
    { "iso-8859-16", "ISO-8859-16" },
    { "iso-8859-2", "ISO-8859-2" },
    { "iso-8859-3", "ISO-8859-3" },
    { "iso-8859-4", "ISO-8859-4" },
    { "iso-8859-5", "ISO-8859-5" },
    { "iso-8859-6", "ISO-8859-6" },
    { "iso-8859-6-e", "ISO-8859-6" },
    { "iso-8859-6-i", "ISO-8859-6" },
    { "iso-8859-7", "ISO-8859-7" },
    { "iso-8859-8", "ISO-8859-8" },
    { "iso-8859-8-e", "ISO-8859-8" },
    { "iso-8859-8-i", "ISO-8859-8" },
    { "iso-8859-9", "WINDOWS-1254" },
    { "iso-ir-100", "WINDOWS-1252" },
    { "iso-ir-101", "ISO-8859-2" },
    { "iso-ir-109", "ISO-8859-3" },
    { "iso-ir-110", "ISO-8859-4" },
    { "iso-ir-126", "ISO-8859-7" },
    { "iso-ir-127", "ISO-8859-6" },
    { "iso-ir-138", "ISO-8859-8" },
    { "iso-ir-144", "ISO-8859-5" },
    { "iso-ir-148", "WINDOWS-1254" },
    { "iso-ir-149", "CP949" },
    { "iso-ir-157", "ISO-8859-10" },
    { "iso-ir-58", "GB18030" },
    { "iso8859-1", "WINDOWS-1252" },
    { "iso8859-10", "ISO-8859-10" },
    { "iso8859-11", "CP874" },
    { "iso8859-13", "ISO-8859-13" },
    { "iso8859-14", "ISO-8859-14" },
    { "iso8859-15", "ISO-8859-15" },
    { "iso8859-2", "ISO-8859-2" },
    { "iso8859-3", "ISO-8859-3" },
    { "iso8859-4", "ISO-8859-4" },
    { "iso8859-5", "ISO-8859-5" },
    { "iso8859-6", "ISO-8859-6" },
    { "iso8859-7", "ISO-8859-7" },
    { "iso8859-8", "ISO-8859-8" },
    { "iso8859-9", "WINDOWS-1254" },
    { "iso88591", "WINDOWS-1252" },
    { "iso885910", "ISO-8859-10" },
    { "iso885911", "CP874" },
    { "iso885913", "ISO-8859-13" },
    { "iso885914", "ISO-8859-14" },
    { "iso885915", "ISO-8859-15" },
    { "iso88592", "ISO-8859-2" },
    { "iso88593", "ISO-8859-3" },
    { "iso88594", "ISO-8859-4" },
    { "iso88595", "ISO-8859-5" },
    { "iso88596", "ISO-8859-6" },
    { "iso88597", "ISO-8859-7" },
    { "iso88598", "ISO-8859-8" },
    { "iso88599", "WINDOWS-1254" },
    { "iso_8859-1", "WINDOWS-1252" },
    { "iso_8859-15", "ISO-8859-15" },
    { "iso_8859-1:1987", "WINDOWS-1252" },
    { "iso_8859-2", "ISO-8859-2" },
    { "iso_8859-2:1987", "ISO-8859-2" },
    { "iso_8859-3", "ISO-8859-3" },
    { "iso_8859-3:1988", "ISO-8859-3" },
    { "iso_8859-4", "ISO-8859-4" },
    { "iso_8859-4:1988", "ISO-8859-4" },
    { "iso_8859-5", "ISO-8859-5" },
    { "iso_8859-5:1988", "ISO-8859-5" },
    { "iso_8859-6", "ISO-8859-6" },
    { "iso_8859-6:1987", "ISO-8859-6" },
    { "iso_8859-7", "ISO-8859-7" },
    { "iso_8859-7:1987", "ISO-8859-7" },
    { "iso_8859-8", "ISO-8859-8" },
    { "iso_8859-8:1988", "ISO-8859-8" },
    { "iso_8859-9", "WINDOWS-1254" },
    { "iso_8859-9:1989", "WINDOWS-1254" },
    { "koi", "KOI8-R" },
    { "koi8", "KOI8-R" },
    { "koi8-r", "KOI8-R" },
    { "koi8-ru", "KOI8-U" },
    { "koi8-u", "KOI8-U" },
    { "koi8_r", "KOI8-R" },
    { "korean", "CP949" },
    { "ks_c_5601-1987", "CP949" },
    { "ks_c_5601-1989", "CP949" },
    { "ksc5601", "CP949" },
    { "ksc_5601", "CP949" },
    { "l1", "WINDOWS-1252" },
    { "l2", "ISO-8859-2" },
    { "l3", "ISO-8859-3" },
    { "l4", "ISO-8859-4" },
    { "l5", "WINDOWS-1254" },
    { "l6", "ISO-8859-10" },
    { "l9", "ISO-8859-15" },
    { "latin1", "WINDOWS-1252" },
    { "latin2", "ISO-8859-2" },
    { "latin3", "ISO-8859-3" },
    { "latin4", "ISO-8859-4" },
    { "latin5", "WINDOWS-1254" },
    { "latin6", "ISO-8859-10" },
    { "logical", "ISO-8859-8" },
    { "mac", "MACINTOSH" },
    { "macintosh", "MACINTOSH" },
    { "ms932", "CP932" },
    { "ms_kanji", "CP932" },
    { "shift-jis", "CP932" },
    { "shift_jis", "CP932" },
    { "sjis", "CP932" },
    { "sun_eu_greek", "ISO-8859-7" },
    { "tis-620", "CP874" },
    { "ucs-2", "UTF-16LE" },
    { "unicode", "UTF-16LE" },
    { "unicode-1-1-utf-8", "UTF-8" },
    { "unicode11utf8", "UTF-8" },
    { "unicode20utf8", "UTF-8" },
    { "unicodefeff", "UTF-16LE" },
    { "unicodefffe", "UTF-16BE" },
    { "us-ascii", "WINDOWS-1252" },
    { "utf-16", "UTF-16LE" },
    { "utf-16be", "UTF-16BE" },
    { "utf-16le", "UTF-16LE" },
    { "utf-8", "UTF-8" },
    { "utf8", "UTF-8" },
    { "visual", "ISO-8859-8" },
    { "windows-1250", "WINDOWS-1250" },
    { "windows-1251", "WINDOWS-1251" },
    { "windows-1252", "WINDOWS-1252" },
    { "windows-1253", "WINDOWS-1253" },
    { "windows-1254", "WINDOWS-1254" },
    { "windows-1255", "WINDOWS-1255" },
    { "windows-1256", "WINDOWS-1256" },
    { "windows-1257", "WINDOWS-1257" },
    { "windows-1258", "WINDOWS-1258" },
    { "windows-31j", "CP932" },
    { "windows-874", "CP874" },
    { "windows-949", "CP949" },
    { "x-cp1250", "WINDOWS-1250" },
    { "x-cp1251", "WINDOWS-1251" },
    { "x-cp1252", "WINDOWS-1252" },
    { "x-cp1253", "WINDOWS-1253" },
    { "x-cp1254", "WINDOWS-1254" },
    { "x-cp1255", "WINDOWS-1255" },
    { "x-cp1256", "WINDOWS-1256" },
    { "x-cp1257", "WINDOWS-1257" },
    { "x-cp1258", "WINDOWS-1258" },
    { "x-euc-jp", "EUC-JP" },
    { "x-gbk", "GB18030" },
    { "x-mac-cyrillic", "MAC-CYRILLIC" },
    { "x-mac-roman", "MACINTOSH" },
    { "x-mac-ukrainian", "MAC-CYRILLIC" },
    { "x-sjis", "CP932" },
    { "x-unicode20utf8", "UTF-8" },
    { "x-user-defined", "WINDOWS-1252" },
    { "x-x-big5", "BIG5-HKSCS" },
};

static int is_ascii_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int label_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const label_entry *)elem)->label);
}

/* Normalises `len` bytes of a label (trim, lower case) and looks it up. */
static const char *label_lookup(const char *s, size_t len)
{
    char key[LABEL_MAX + 1];
    const label_entry *e;
    size_t i;

    while (len > 0 && is_ascii_ws((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_ascii_ws((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len > LABEL_MAX)
        return NULL;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        key[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    key[len] = '\0';
    e = bsearch(key, labels, sizeof labels / sizeof labels[0],
                sizeof labels[0], label_cmp);
    return e != NULL ? e->iconv_name : NULL;
}

const char *folio__charset_label(const char *label)
{
    if (label == NULL)
        return NULL;
    return label_lookup(label, strlen(label));
}

static int is_utf16(const char *name)
{
    return strcmp(name, "UTF-16LE") == 0 || strcmp(name, "UTF-16BE") == 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8 validity                                                     */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when invalid or
 * truncated. Rejects overlongs, surrogates and code points past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        if (len >= 2 && (s[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        if (len >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80)
            return 3;
        return 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (len >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80
            && (s[3] & 0xC0) == 0x80)
            return 4;
        return 0;
    }
    return 0;
}

/* Length of the maximal subpart of an ill-formed sequence at s (at least
 * 1): a valid lead byte and the continuation bytes that could still have
 * completed it. One U+FFFD replaces it, as WHATWG decoders do. */
static size_t utf8_bad_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3;
    else
        return 1;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (i = 1; i <= need && i < len; i++) {
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            break;
    }
    return i;
}

/* True when `s` holds a byte >= 0x80 (valid or not). */
static bool has_multibyte(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 0x80)
            return true;
    return false;
}

/* Length of the run of ASCII bytes at s (NUL bytes too unless
 * `stop_at_nul`), eight at a time: pages are mostly ASCII, and these
 * scans see every byte of every page. */
static size_t ascii_run(const unsigned char *s, size_t len, bool stop_at_nul)
{
    const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
    size_t i = 0;

    while (len - i >= 8) {
        uint64_t w;

        memcpy(&w, s + i, 8);
        if ((w & high) != 0 || (stop_at_nul && ((w - ones) & ~w & high) != 0))
            break;
        i += 8;
    }
    while (i < len && s[i] < 0x80 && !(stop_at_nul && s[i] == 0))
        i++;
    return i;
}

static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n;
        if (s[i] < 0x80) {
            i += ascii_run(s + i, len - i, false);
            continue;
        }
        n = utf8_seq(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

bool folio__utf8_clean(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n;
        if (s[i] < 0x80) {
            size_t run = ascii_run(s + i, len - i, true);
            if (run == 0)
                return false; /* a NUL */
            i += run;
            continue;
        }
        n = utf8_seq(s + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The <meta> prescan                                                 */
/* ------------------------------------------------------------------ */

typedef struct prescan {
    const unsigned char *p;
    size_t len, i;
} prescan;

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int starts_ci(const prescan *ps, const char *lit)
{
    size_t n = strlen(lit), k;

    if (ps->len - ps->i < n)
        return 0;
    for (k = 0; k < n; k++)
        if (lower(ps->p[ps->i + k]) != lit[k])
            return 0;
    return 1;
}

/* One attribute as the WHATWG "get an attribute" steps read it. Name and
 * value point into the buffer; names are compared case-insensitively. The
 * value is not lower-cased here. Returns 0 at the end of the tag. */
typedef struct pattr {
    const unsigned char *name, *value;
    size_t name_len, value_len;
} pattr;

static int prescan_attr(prescan *ps, pattr *a)
{
    const unsigned char *p = ps->p;
    size_t n = ps->len;

    while (ps->i < n && (is_ascii_ws(p[ps->i]) || p[ps->i] == '/'))
        ps->i++;
    if (ps->i >= n || p[ps->i] == '>')
        return 0;
    a->name = p + ps->i;
    a->name_len = 0;
    a->value = NULL;
    a->value_len = 0;
    /* The name: an '=' as the first byte belongs to it. */
    if (p[ps->i] == '=') {
        ps->i++;
        a->name_len = 1;
    }
    while (ps->i < n && !is_ascii_ws(p[ps->i]) && p[ps->i] != '='
           && p[ps->i] != '/' && p[ps->i] != '>') {
        ps->i++;
        a->name_len++;
    }
    while (ps->i < n && is_ascii_ws(p[ps->i]))
        ps->i++;
    if (ps->i >= n || p[ps->i] != '=')
        return 1;            /* no value */
    ps->i++;
    while (ps->i < n && is_ascii_ws(p[ps->i]))
        ps->i++;
    if (ps->i >= n)
        return 1;
    if (p[ps->i] == '"' || p[ps->i] == '\'') {
        unsigned char q = p[ps->i++];
        a->value = p + ps->i;
        while (ps->i < n && p[ps->i] != q) {
            ps->i++;
            a->value_len++;
        }
        if (ps->i < n)
            ps->i++;
        return 1;
    }
    a->value = p + ps->i;
    while (ps->i < n && !is_ascii_ws(p[ps->i]) && p[ps->i] != '>') {
        ps->i++;
        a->value_len++;
    }
    return 1;
}

static int name_is(const pattr *a, const char *lit)
{
    size_t n = strlen(lit), k;

    if (a->name_len != n)
        return 0;
    for (k = 0; k < n; k++)
        if (lower(a->name[k]) != lit[k])
            return 0;
    return 1;
}

/* The WHATWG "extract a character encoding from a meta element": finds
 * `charset`, skips spaces, an '=', spaces, then takes a quoted or bare
 * value. Sets *out and *out_len and returns 1 when found. */
static int charset_from_content(const unsigned char *s, size_t len,
                                const unsigned char **out, size_t *out_len)
{
    size_t i = 0;

    for (;;) {
        size_t k;
        int found = 0;
        for (; i + 7 <= len; i++) {
            for (k = 0; k < 7; k++)
                if (lower(s[i + k]) != "charset"[k])
                    break;
            if (k == 7) {
                found = 1;
                break;
            }
        }
        if (!found)
            return 0;
        i += 7;
        while (i < len && is_ascii_ws(s[i]))
            i++;
        if (i < len && s[i] == '=')
            break;
        /* "charset" not followed by '=': look further. */
    }
    i++;
    while (i < len && is_ascii_ws(s[i]))
        i++;
    if (i >= len)
        return 0;
    if (s[i] == '"' || s[i] == '\'') {
        unsigned char q = s[i++];
        size_t start = i;
        while (i < len && s[i] != q)
            i++;
        if (i >= len)
            return 0;           /* unmatched quote: nothing */
        *out = s + start;
        *out_len = i - start;
        return 1;
    }
    {
        size_t start = i;
        while (i < len && !is_ascii_ws(s[i]) && s[i] != ';')
            i++;
        *out = s + start;
        *out_len = i - start;
        return i > start;
    }
}

/* Reads one <meta> tag whose attributes start at ps->i. Returns:
 * 1 with *name set (a known label), -1 when the tag named an unknown
 * label, 0 when it names no charset. */
static int prescan_meta(prescan *ps, const char **name)
{
    pattr a;
    int got_pragma = 0, need_pragma = -1; /* -1: null */
    const unsigned char *cs = NULL;
    size_t cs_len = 0;
    int seen_http_equiv = 0, seen_content = 0, seen_charset = 0;
    const char *enc;

    while (prescan_attr(ps, &a)) {
        if (name_is(&a, "http-equiv") && !seen_http_equiv) {
            seen_http_equiv = 1;
            if (a.value != NULL && a.value_len == 12) {
                size_t k;
                for (k = 0; k < 12; k++)
                    if (lower(a.value[k]) != "content-type"[k])
                        break;
                if (k == 12)
                    got_pragma = 1;
            }
        } else if (name_is(&a, "content") && !seen_content) {
            const unsigned char *v;
            size_t vl;
            seen_content = 1;
            if (cs == NULL && a.value != NULL
                && charset_from_content(a.value, a.value_len, &v, &vl)) {
                cs = v;
                cs_len = vl;
                need_pragma = 1;
            }
        } else if (name_is(&a, "charset") && !seen_charset) {
            seen_charset = 1;
            cs = a.value != NULL ? a.value : (const unsigned char *)"";
            cs_len = a.value_len;
            need_pragma = 0;
        }
    }
    if (ps->i < ps->len)
        ps->i++;                /* the '>' */
    if (need_pragma == -1 || (need_pragma == 1 && !got_pragma))
        return 0;
    if (cs == NULL || cs_len == 0)
        return 0;
    enc = label_lookup((const char *)cs, cs_len);
    if (enc == NULL)
        return -1;
    /* A page cannot declare itself UTF-16 from inside: the bytes that
     * spelled the declaration were ASCII-compatible (WHATWG). */
    if (is_utf16(enc))
        enc = "UTF-8";
    *name = enc;
    return 1;
}

/* Skips to just after the next '>' (or the end). */
static void skip_to_gt(prescan *ps)
{
    while (ps->i < ps->len && ps->p[ps->i] != '>')
        ps->i++;
    if (ps->i < ps->len)
        ps->i++;
}

/* Returns 1 and a known charset, -1 when only unknown labels were seen,
 * 0 when nothing was declared. */
static int prescan_run(const unsigned char *buf, size_t len,
                       const char **name)
{
    prescan ps;
    int unknown = 0;

    ps.p = buf;
    ps.len = len < PRESCAN_LIMIT ? len : PRESCAN_LIMIT;
    ps.i = 0;
    while (ps.i < ps.len) {
        if (ps.p[ps.i] != '<') {
            ps.i++;
            continue;
        }
        if (starts_ci(&ps, "<!--")) {
            /* The comment ends at the first "-->" after "<!--", which may
             * reuse the dashes of the opener ("<!-->"). */
            ps.i += 2;
            while (ps.i < ps.len && !starts_ci(&ps, "-->"))
                ps.i++;
            ps.i = ps.i + 3 <= ps.len ? ps.i + 3 : ps.len;
        } else if (starts_ci(&ps, "<meta")
                   && ps.i + 5 < ps.len
                   && (is_ascii_ws(ps.p[ps.i + 5]) || ps.p[ps.i + 5] == '/')) {
            int r;
            ps.i += 5;
            r = prescan_meta(&ps, name);
            if (r == 1)
                return 1;
            if (r == -1)
                unknown = 1;
        } else if (ps.i + 1 < ps.len
                   && (is_alpha(ps.p[ps.i + 1])
                       || (ps.p[ps.i + 1] == '/' && ps.i + 2 < ps.len
                           && is_alpha(ps.p[ps.i + 2])))) {
            pattr a;
            /* Any other tag: skip its name, then its attributes, so that
             * a '>' or "<meta" inside a quoted value is not taken for
             * markup. */
            ps.i += ps.p[ps.i + 1] == '/' ? 2 : 1;
            while (ps.i < ps.len && !is_ascii_ws(ps.p[ps.i])
                   && ps.p[ps.i] != '>')
                ps.i++;
            while (prescan_attr(&ps, &a))
                ;
            if (ps.i < ps.len)
                ps.i++;
        } else if (starts_ci(&ps, "<!") || starts_ci(&ps, "</")
                   || starts_ci(&ps, "<?")) {
            skip_to_gt(&ps);
        } else {
            ps.i++;
        }
    }
    return unknown ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Detection                                                          */
/* ------------------------------------------------------------------ */

static const char *bom_charset(const unsigned char *buf, size_t len,
                               size_t *bom_len)
{
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        *bom_len = 3;
        return "UTF-8";
    }
    if (len >= 2 && buf[0] == 0xFF && buf[1] == 0xFE) {
        *bom_len = 2;
        return "UTF-16LE";
    }
    if (len >= 2 && buf[0] == 0xFE && buf[1] == 0xFF) {
        *bom_len = 2;
        return "UTF-16BE";
    }
    *bom_len = 0;
    return NULL;
}

const char *folio__charset_detect(const unsigned char *buf, size_t len,
                                  const char *override, const char *hint,
                                  const char **rule, size_t *bom_len)
{
    const char *bom, *enc, *dummy_rule;
    size_t blen, dummy_len;
    int r, unknown_meta;

    if (rule == NULL)
        rule = &dummy_rule;
    if (bom_len == NULL)
        bom_len = &dummy_len;
    if (buf == NULL)
        len = 0;
    bom = bom_charset(buf, len, &blen);
    *bom_len = 0;

    enc = folio__charset_label(override);
    if (enc != NULL) {
        /* The user knows best, but a BOM of that very encoding is still
         * not text. */
        if (bom != NULL && strcmp(bom, enc) == 0)
            *bom_len = blen;
        *rule = "--encoding";
        return enc;
    }
    if (bom != NULL) {
        *bom_len = blen;
        *rule = "BOM";
        return bom;
    }
    enc = folio__charset_label(hint);
    if (enc != NULL) {
        *rule = "transport";
        return enc;
    }
    r = prescan_run(buf, len, &enc);
    if (r == 1) {
        /* A page that declares a legacy charset but whose bytes are valid
         * UTF-8 with multi-byte sequences was re-encoded after the meta
         * was written (a save or a CMS conversion keeps the stale label).
         * Legacy-encoded text almost never forms valid multi-byte UTF-8
         * by chance, so the bytes win over the label. */
        if (strcmp(enc, "UTF-8") != 0 && has_multibyte(buf, len) &&
            utf8_valid(buf, len)) {
            *rule = "utf-8 check (beats a stale meta label)";
            return "UTF-8";
        }
        *rule = "meta";
        return enc;
    }
    unknown_meta = r == -1;
    if (utf8_valid(buf, len)) {
        *rule = unknown_meta ? "utf-8 check (unknown meta label)"
                             : "utf-8 check";
        return "UTF-8";
    }
    /* No label, not UTF-8: read the bytes as the text they most look
     * like, when there are enough of them to tell. */
    enc = folio__charset_guess(buf, len);
    if (enc != NULL) {
        *rule = unknown_meta ? "guessed from the bytes (unknown meta label)"
                             : "guessed from the bytes";
        return enc;
    }
    *rule = unknown_meta ? "default (unknown meta label)" : "default";
    return "WINDOWS-1252";
}

/* ------------------------------------------------------------------ */
/* Conversion                                                         */
/* ------------------------------------------------------------------ */

typedef struct obuf {
    char *p;
    size_t len, cap;
} obuf;

static int obuf_reserve(obuf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > SIZE_MAX - b->len - 1)
        return FOLIO_ENOMEM;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return FOLIO_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return FOLIO_ENOMEM;
    b->p = p;
    b->cap = cap;
    return FOLIO_OK;
}

static const char replacement[3] = { '\xEF', '\xBF', '\xBD' };

/* Copies UTF-8 input, replacing each maximal invalid subpart with U+FFFD
 * and NUL with U+FFFD (libxml2 would otherwise stop at it). */
static int copy_utf8(obuf *b, const unsigned char *s, size_t len)
{
    size_t i = 0;

    if (obuf_reserve(b, len) < 0)
        return FOLIO_ENOMEM;
    while (i < len) {
        size_t start = i, n;
        i += ascii_run(s + i, len - i, true);
        if (i > start) {
            if (obuf_reserve(b, i - start) < 0)
                return FOLIO_ENOMEM;
            memcpy(b->p + b->len, s + start, i - start);
            b->len += i - start;
        }
        if (i >= len)
            break;
        n = s[i] == 0 ? 0 : utf8_seq(s + i, len - i);
        if (obuf_reserve(b, n > 0 ? n : 3) < 0)
            return FOLIO_ENOMEM;
        if (n > 0) {
            memcpy(b->p + b->len, s + i, n);
            b->len += n;
            i += n;
            continue;
        }
        memcpy(b->p + b->len, replacement, 3);
        b->len += 3;
        i += s[i] == 0 ? 1 : utf8_bad_len(s + i, len - i);
    }
    return FOLIO_OK;
}

/* Replaces NUL bytes that a decoder produced (from a NUL in the input)
 * with U+FFFD, in place growing the buffer. */
static int fix_nuls(obuf *b)
{
    size_t i, nul = 0;

    for (i = 0; i < b->len; i++)
        if (b->p[i] == '\0')
            nul++;
    if (nul == 0)
        return FOLIO_OK;
    if (obuf_reserve(b, nul * 2) < 0)
        return FOLIO_ENOMEM;
    {
        size_t src = b->len, dst = b->len + nul * 2;
        b->len = dst;
        while (src > 0) {
            char c = b->p[--src];
            if (c == '\0') {
                dst -= 3;
                memcpy(b->p + dst, replacement, 3);
            } else {
                b->p[--dst] = c;
            }
        }
    }
    return FOLIO_OK;
}

static int convert_iconv(obuf *b, const char *charset,
                         const unsigned char *buf, size_t len)
{
    iconv_t cd;
    char *in = (char *)buf;
    size_t in_left = len;
    int rc = FOLIO_OK;
    size_t unit = is_utf16(charset) ? 2 : 1;

    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return errno == ENOMEM ? FOLIO_ENOMEM : FOLIO_EUNSUPPORTED;
    /* Most pages grow little; CJK text grows by half. */
    if (obuf_reserve(b, len < SIZE_MAX / 2 - 16 ? len + len / 2 + 16 : len)
        < 0) {
        rc = FOLIO_ENOMEM;
        goto done;
    }
    while (in_left > 0) {
        char *out = b->p + b->len;
        size_t out_left = b->cap - b->len - 1, before = out_left;
        size_t r = iconv(cd, &in, &in_left, &out, &out_left);
        b->len += before - out_left;
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            if (obuf_reserve(b, in_left * 2 + 16) < 0) {
                rc = FOLIO_ENOMEM;
                goto done;
            }
            continue;
        }
        /* EILSEQ (invalid) or EINVAL (truncated at the end): one U+FFFD
         * per bad unit, then resynchronise. */
        if (obuf_reserve(b, 3) < 0) {
            rc = FOLIO_ENOMEM;
            goto done;
        }
        memcpy(b->p + b->len, replacement, 3);
        b->len += 3;
        if (errno == EINVAL || in_left <= unit) {
            in_left = 0;
            break;
        }
        in += unit;
        in_left -= unit;
        /* Reset shift state (ISO-2022-JP). */
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    /* Flush a stateful encoder. */
    {
        char *out;
        size_t out_left;
        if (obuf_reserve(b, 16) < 0) {
            rc = FOLIO_ENOMEM;
            goto done;
        }
        out = b->p + b->len;
        out_left = b->cap - b->len - 1;
        {
            size_t before = out_left;
            iconv(cd, NULL, NULL, &out, &out_left);
            b->len += before - out_left;
        }
    }
    rc = fix_nuls(b);
done:
    iconv_close(cd);
    return rc;
}

int folio__charset_to_utf8(char **out, size_t *out_len, const char *charset,
                           const unsigned char *buf, size_t len)
{
    obuf b = { NULL, 0, 0 };
    int rc;

    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (buf == NULL)
        len = 0;
    if (charset == NULL)
        charset = "UTF-8";
    if (strcmp(charset, "UTF-8") == 0)
        rc = copy_utf8(&b, buf, len);
    else
        rc = convert_iconv(&b, charset, buf, len);
    if (rc == FOLIO_OK)
        rc = obuf_reserve(&b, 0);
    if (rc < 0) {
        free(b.p);
        return rc;
    }
    b.p[b.len] = '\0';
    *out = b.p;
    if (out_len != NULL)
        *out_len = b.len;
    return FOLIO_OK;
}
