/* SPDX-License-Identifier: MIT */
/*
 * Main-content extraction on the libxml2 tree.
 *
 * The page is indexed once: every element of <body> gets a record in an
 * array in document (pre-)order, so the subtree of element i is the index
 * range (i, end[i]) and every parent comes before its children. Bottom-up
 * sums (text length, link text, commas) are then one backward sweep and
 * top-down inheritance one forward sweep: the whole extractor is linear
 * and never recurses, whatever the nesting depth.
 *
 * Extraction runs in passes, strict to loose (the idea of Readability's
 * retry flags): pass 0 drops boilerplate by class/id/role hints, pass 1
 * keeps them but still weighs the hints, pass 2 ignores hints and the
 * conditional cleaning. A pass only marks records; the tree is edited
 * once, for the pass that wins. Each pass scores text blocks (length,
 * commas, link density) into their ancestors, picks the best candidate,
 * joins related siblings and cleans the result conditionally.
 */
#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "job.h"
#include "dom.h"

/* ------------------------------------------------------------------ */
/* Tags                                                               */
/* ------------------------------------------------------------------ */

enum tag {
    T_OTHER = 0, T_A, T_ADDRESS, T_ARTICLE, T_ASIDE, T_AUDIO, T_BLOCKQUOTE,
    T_BODY, T_BR, T_BUTTON, T_CANVAS, T_CAPTION, T_CENTER, T_CODE, T_DD,
    T_DETAILS, T_DIALOG, T_DIV, T_DL, T_DT, T_EMBED, T_FIELDSET,
    T_FIGCAPTION, T_FIGURE, T_FOOTER, T_FORM, T_H1, T_H2, T_H3, T_H4, T_H5,
    T_H6, T_HEADER, T_HR, T_HTML, T_IFRAME, T_IMG, T_INPUT, T_LI, T_MAIN,
    T_MATH, T_MENU, T_NAV, T_NOSCRIPT, T_OBJECT, T_OL, T_P, T_PICTURE,
    T_PRE, T_SECTION, T_SELECT, T_SOURCE, T_SPAN, T_SVG, T_TABLE, T_TBODY,
    T_TD, T_TEXTAREA, T_TFOOT, T_TH, T_THEAD, T_TR, T_UL, T_VIDEO,
    T_SCRIPT, T_STYLE
};

/* Tag kinds. */
#define K_BLOCK 0x01u   /* ends an inline run (for paragraph detection) */
#define K_JUNK 0x02u    /* always dropped */
#define K_TAGBAD 0x04u  /* boilerplate by its tag (nav, aside, footer) */
#define K_MEDIA 0x08u   /* content even without text */
#define K_HEAD 0x10u    /* h1..h6 */

typedef struct tagdef {
    const char *name;
    unsigned char id;
    unsigned char kind;
} tagdef;

/* Sorted by name for bsearch. */
static const tagdef tags[] = {
    {"a", T_A, 0},
    {"address", T_ADDRESS, K_BLOCK},
    {"applet", T_OTHER, K_JUNK},
    {"area", T_OTHER, K_JUNK},
    {"article", T_ARTICLE, K_BLOCK},
    {"aside", T_ASIDE, K_BLOCK | K_TAGBAD},
    {"audio", T_AUDIO, K_MEDIA},
    {"base", T_OTHER, K_JUNK},
    {"blockquote", T_BLOCKQUOTE, K_BLOCK},
    {"body", T_BODY, K_BLOCK},
    {"br", T_BR, 0},
    {"button", T_BUTTON, K_JUNK},
    {"canvas", T_CANVAS, K_JUNK},
    {"caption", T_CAPTION, K_BLOCK},
    {"center", T_CENTER, K_BLOCK},
    {"code", T_CODE, 0},
    {"datalist", T_OTHER, K_JUNK},
    {"dd", T_DD, K_BLOCK},
    {"details", T_DETAILS, K_BLOCK},
    {"dialog", T_DIALOG, K_BLOCK | K_JUNK},
    {"div", T_DIV, K_BLOCK},
    {"dl", T_DL, K_BLOCK},
    {"dt", T_DT, K_BLOCK},
    /* Plugin content (Flash and the like) nobody can play any more. */
    {"embed", T_EMBED, K_JUNK},
    {"fieldset", T_FIELDSET, K_BLOCK},
    {"figcaption", T_FIGCAPTION, K_BLOCK},
    {"figure", T_FIGURE, K_BLOCK},
    {"footer", T_FOOTER, K_BLOCK | K_TAGBAD},
    {"form", T_FORM, K_BLOCK | K_TAGBAD},
    {"frame", T_OTHER, K_JUNK},
    {"frameset", T_OTHER, K_JUNK},
    {"h1", T_H1, K_BLOCK | K_HEAD},
    {"h2", T_H2, K_BLOCK | K_HEAD},
    {"h3", T_H3, K_BLOCK | K_HEAD},
    {"h4", T_H4, K_BLOCK | K_HEAD},
    {"h5", T_H5, K_BLOCK | K_HEAD},
    {"h6", T_H6, K_BLOCK | K_HEAD},
    {"head", T_OTHER, K_JUNK},
    {"header", T_HEADER, K_BLOCK},
    {"hgroup", T_OTHER, K_BLOCK},
    {"hr", T_HR, K_BLOCK},
    {"html", T_HTML, K_BLOCK},
    {"iframe", T_IFRAME, K_MEDIA},
    {"img", T_IMG, K_MEDIA},
    {"input", T_INPUT, K_JUNK},
    {"keygen", T_OTHER, K_JUNK},
    {"label", T_OTHER, K_JUNK},
    {"li", T_LI, K_BLOCK},
    {"link", T_OTHER, K_JUNK},
    {"main", T_MAIN, K_BLOCK},
    {"map", T_OTHER, K_JUNK},
    {"math", T_MATH, K_MEDIA},
    {"menu", T_MENU, K_BLOCK | K_TAGBAD},
    {"meta", T_OTHER, K_JUNK},
    {"nav", T_NAV, K_BLOCK | K_TAGBAD},
    {"noscript", T_NOSCRIPT, K_JUNK},
    {"object", T_OBJECT, K_JUNK},  /* see "embed" */
    {"ol", T_OL, K_BLOCK},
    {"optgroup", T_OTHER, K_JUNK},
    {"option", T_OTHER, K_JUNK},
    {"output", T_OTHER, K_JUNK},
    {"p", T_P, K_BLOCK},
    {"param", T_OTHER, K_JUNK},
    {"picture", T_PICTURE, K_MEDIA},
    {"pre", T_PRE, K_BLOCK},
    {"progress", T_OTHER, K_JUNK},
    {"rp", T_OTHER, K_JUNK},
    {"rt", T_OTHER, K_JUNK},
    {"script", T_SCRIPT, K_JUNK},
    {"section", T_SECTION, K_BLOCK},
    {"select", T_SELECT, K_JUNK},
    {"source", T_SOURCE, 0},
    {"span", T_SPAN, 0},
    {"style", T_STYLE, K_JUNK},
    {"svg", T_SVG, K_JUNK},
    {"table", T_TABLE, K_BLOCK},
    {"tbody", T_TBODY, K_BLOCK},
    {"td", T_TD, K_BLOCK},
    {"template", T_OTHER, K_JUNK},
    {"textarea", T_TEXTAREA, K_JUNK},
    {"tfoot", T_TFOOT, K_BLOCK},
    {"th", T_TH, K_BLOCK},
    {"thead", T_THEAD, K_BLOCK},
    {"title", T_OTHER, K_JUNK},
    {"tr", T_TR, K_BLOCK},
    {"track", T_OTHER, K_JUNK},
    {"ul", T_UL, K_BLOCK},
    {"video", T_VIDEO, K_MEDIA},
};

static int
tagdef_cmp(const void *key, const void *elt)
{
    const unsigned char *a = key;
    const unsigned char *b = (const unsigned char *)((const tagdef *)elt)->name;
    /* strcmp's order; the first byte settles most probes without a call,
     * and this runs for every element. */
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return strcmp((const char *)a, (const char *)b);
}

static const tagdef *
tag_lookup(const xmlNode *n)
{
    static const tagdef other = {"", T_OTHER, 0};
    if (!n->name)
        return &other;
    const tagdef *d = bsearch(n->name, tags, sizeof tags / sizeof tags[0],
                              sizeof tags[0], tagdef_cmp);
    return d ? d : &other;
}

/* tag_lookup through a cache keyed by the name's address: the parser
 * interns element names, so all the <div>s of a page share one. */
#define TAGCACHE 64

typedef struct tagcache {
    const xmlChar *name[TAGCACHE];
    const tagdef *def[TAGCACHE];
} tagcache;

static const tagdef *
tag_lookup_cached(tagcache *tc, const xmlNode *n)
{
    size_t slot = ((uintptr_t)n->name >> 3) & (TAGCACHE - 1);
    if (n->name && tc->name[slot] == n->name)
        return tc->def[slot];
    const tagdef *d = tag_lookup(n);
    tc->name[slot] = n->name;
    tc->def[slot] = d;
    return d;
}

/* Copies at most cap-1 bytes of `s` lower-cased into `buf`. */
static void
lower_copy(char *buf, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < cap; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = '\0';
}

/* ------------------------------------------------------------------ */
/* Text measurement                                                   */
/* ------------------------------------------------------------------ */

/* Decodes one UTF-8 code point at *p (advancing it); invalid bytes are
 * returned as themselves so measuring never stalls. */
static uint32_t
utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    int n = 0;
    if (c < 0x80)
        n = 0;
    else if ((c & 0xE0) == 0xC0)
        n = 1, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 2, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 3, c &= 0x07;
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + 1;
            return s[0];
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *p = s + n + 1;
    return c;
}

/* Han, kana and Hangul carry about as much as a short word each, and the
 * languages that use them put no spaces between words: counting them as
 * several "characters" keeps every length threshold meaningful for CJK. */
static unsigned
char_weight(uint32_t c)
{
    if ((c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x2FFFF))
        return 3;
    if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF))
        return 2;
    return 1;
}

static int
is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == 0xA0 || c == 0x3000 || c == 0x200B;
}

static int
is_comma_cp(uint32_t c)
{
    return c == ',' || c == 0x060C || c == 0x3001 || c == 0xFF0C ||
           c == 0xFE50 || c == 0xFE10 || c == 0xFE11 || c == 0x2E41 ||
           c == 0xFF64;
}

static int
is_stop_cp(uint32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x3002 ||
           c == 0xFF01 || c == 0xFF1F || c == 0x061F || c == 0x0964 ||
           c == 0xFF0E;
}

typedef struct measure {
    uint64_t len;    /* weighted length, whitespace runs counted once */
    uint32_t commas;
    uint32_t stops;
} measure;

/* What measure_text counts of each ASCII byte. */
enum { A_OTHER, A_SPACE, A_COMMA, A_STOP };
static const unsigned char ascii_kind[128] = {
    ['\t'] = A_SPACE, ['\n'] = A_SPACE, ['\f'] = A_SPACE, ['\r'] = A_SPACE,
    [' '] = A_SPACE, [','] = A_COMMA, ['.'] = A_STOP, ['!'] = A_STOP,
    ['?'] = A_STOP,
};

static void
measure_text(measure *m, const xmlChar *text)
{
    if (!text)
        return;
    const unsigned char *p = text;
    int space = 1;
    while (*p) {
        uint32_t c = *p;
        if (c < 0x80) {
            /* ASCII: most text on most pages. */
            unsigned k = ascii_kind[c];
            p++;
            if (k == A_SPACE) {
                m->len += !space;
                space = 1;
                continue;
            }
            space = 0;
            m->len++;
            m->commas += k == A_COMMA;
            m->stops += k == A_STOP;
            continue;
        }
        c = utf8_next(&p);
        if (is_space_cp(c)) {
            if (!space)
                m->len++;
            space = 1;
            continue;
        }
        space = 0;
        m->len += char_weight(c);
        if (is_comma_cp(c))
            m->commas++;
        else if (is_stop_cp(c))
            m->stops++;
    }
}

/* ------------------------------------------------------------------ */
/* Class, id and role hints                                           */
/* ------------------------------------------------------------------ */

#define H_STRONG 0x1u   /* boilerplate even when a content word is near */
#define H_WEAK 0x2u     /* boilerplate unless a content word says no */
#define H_GOOD 0x4u     /* a content word */
#define H_MARKER 0x8u   /* the page says "this is the article" */
#define H_META 0x10u    /* a byline, date or tag line when short */

static const char *const strong_words[] = {
    "share", "sharing", "social", "comment", "disqus", "newsletter",
    "subscribe", "cookie", "consent", "gdpr", "related", "recommend",
    "promo", "sponsor", "advert", "adsense", "outbrain", "taboola",
    "popup", "modal", "skip-link", "skiplink", "skip-to", "breadcrumb",
    "paywall", "sr-only", "screen-reader", "visually-hidden",
    "visuallyhidden", "signup", "sign-up", "donate",
    NULL
};

static const char *const weak_words[] = {
    "nav", "menu", "footer", "masthead", "sidebar", "widget", "banner",
    "author-bio", "authorbio", "about-author", "author-box", "pagination",
    /* Author boxes under the article (WordPress themes and the like). */
    "author-info", "author_info", "author-description", "author-card",
    "author_card", "author-section", "author_section", "author-profile",
    "author-details", "about-the-author", "author-about",
    "pager", "toolbar", "tooltip", "shoutbox", "skyscraper", "combx",
    "community", "supplemental", "agegate", "rss", "login", "header",
    "byline-social", "more-stories", "trending", "most-popular",
    "legends", "replies", "remark", "cover-wrap", "ai2html",
    "mostpopular", "dropdown", "search",
    NULL
};

static const char *const good_words[] = {
    "article", "content", "body", "entry", "hentry", "main", "post",
    "story", "caption", "blog", "prose", "text", "mathjax", "figure",
    NULL
};

static int
has_word(const char *s, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (strstr(s, words[i]))
            return 1;
    return 0;
}

/* Parts of a class or id (split on '-' and '_') that name the lines
 * around an article: who wrote it, when, under which tags. */
static const char *const meta_parts[] = {
    "byline", "dateline", "date", "time", "timestamp", "meta", "author",
    "authors", "tags", "tag", "posted", "published", "categories",
    "category", "postmeta", "entrymeta", "postinfo", "pubdate", NULL
};

static int
has_meta_part(const char *tok)
{
    const char *p = tok;
    while (*p) {
        while (*p == '-' || *p == '_')
            p++;
        const char *w = p;
        while (*p && *p != '-' && *p != '_')
            p++;
        size_t n = (size_t)(p - w);
        /* First byte first: this runs for every class and id token. The
         * parts have 3 to 10 letters. */
        for (size_t k = 0; n >= 3 && n <= 10 && meta_parts[k]; k++)
            if (meta_parts[k][0] == w[0] && strlen(meta_parts[k]) == n &&
                memcmp(w, meta_parts[k], n) == 0)
                return 1;
    }
    return strstr(tok, "byline") != NULL;
}

/* Advertising: "ad", "ads", "ad-slot", "top_ad", "ad-300x250", but not
 * "add", "load", "head", "shadow". */
static int
has_ad_token(const char *tok, size_t len)
{
    if ((len == 2 && memcmp(tok, "ad", 2) == 0) ||
        (len == 3 && memcmp(tok, "ads", 3) == 0))
        return 1;
    if (len > 3 && (memcmp(tok, "ad-", 3) == 0 || memcmp(tok, "ad_", 3) == 0))
        return 1;
    if (len > 4 &&
        (memcmp(tok, "ads-", 4) == 0 || memcmp(tok, "ads_", 4) == 0))
        return 1;
    if (len > 3 && (memcmp(tok + len - 3, "-ad", 3) == 0 ||
                    memcmp(tok + len - 3, "_ad", 3) == 0))
        return 1;
    if (len > 4 && (memcmp(tok + len - 4, "-ads", 4) == 0 ||
                    memcmp(tok + len - 4, "_ads", 4) == 0))
        return 1;
    for (size_t i = 0; i + 4 <= len; i++)
        if ((tok[i] == '-' || tok[i] == '_') && tok[i + 1] == 'a' &&
            tok[i + 2] == 'd' && (tok[i + 3] == '-' || tok[i + 3] == '_'))
            return 1;
    return 0;
}

/* An id made from a heading ("sharing-with-a-single-developer", as
 * documentation generators write them) says nothing about layout: four
 * or more words including a little word of prose, or six or more. */
static int
slug_like(const char *tok)
{
    /* Little words of prose in the languages that write ids this way:
     * "nav_nur_die_folie" is a heading anchor, not navigation. */
    static const char *const little[] = {
        "a", "an", "the", "with", "of", "and", "to", "in", "for", "is",
        "on", "how", "why", "what", "your", "my", "we", "you",
        "der", "die", "das", "und", "mit", "von", "zu", "im", "ist",
        "den", "dem", "des", "ein", "eine", "wie", "auf", "nur",
        "le", "la", "les", "de", "du", "et", "un", "une", "pour",
        "el", "los", "las", "y", "en", "del", "con", "il", "di", "che",
        "het", "een", "van", "och", "att", "og", "na", "za",
        NULL
    };
    int words = 0, prose = 0;
    const char *p = tok;
    /* Fewer than four words is never a slug: count them first, since
     * this runs for every class and id token and most have one or two. */
    int parts = 0;
    for (const char *q = tok; *q; q++)
        if (*q != '-' && *q != '_' && (q == tok || q[-1] == '-' ||
                                       q[-1] == '_'))
            parts++;
    if (parts < 4)
        return 0;
    while (*p) {
        while (*p == '-' || *p == '_')
            p++;
        const char *w = p;
        while (*p && *p != '-' && *p != '_') {
            if (!isalnum((unsigned char)*p))
                return 0;
            p++;
        }
        size_t n = (size_t)(p - w);
        if (n == 0)
            continue;
        words++;
        /* No little word is longer than four letters. */
        for (size_t k = 0; n <= 4 && little[k]; k++)
            if (little[k][0] == w[0] && strlen(little[k]) == n &&
                memcmp(w, little[k], n) == 0)
                prose = 1;
    }
    return (words >= 4 && prose) || words >= 6;
}

/* All hint words, bucketed by first letter, so a token is matched in
 * one scan instead of one strstr() per word. Built once. */
#define W_STRONG 1u
#define W_WEAK 2u
#define W_GOOD 4u
#define MAX_WORDS                                                          \
    (sizeof strong_words / sizeof *strong_words +                          \
     sizeof weak_words / sizeof *weak_words +                              \
     sizeof good_words / sizeof *good_words)

typedef struct wordref {
    const char *w;
    unsigned char len, bits;
} wordref;

static wordref word_tab[MAX_WORDS];
static unsigned short word_first[257]; /* bucket c: [first[c], first[c+1]) */
static pthread_once_t word_once = PTHREAD_ONCE_INIT;

static void
word_tab_init(void)
{
    const char *const *lists[] = {strong_words, weak_words, good_words};
    const unsigned bits[] = {W_STRONG, W_WEAK, W_GOOD};
    size_t n = 0;
    /* Counting sort by first byte. */
    unsigned short count[256] = {0};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; lists[l][i]; i++)
            count[(unsigned char)lists[l][i][0]]++;
    unsigned short pos[256];
    for (int c = 0; c < 256; c++) {
        word_first[c] = (unsigned short)n;
        pos[c] = (unsigned short)n;
        n += count[c];
    }
    word_first[256] = (unsigned short)n;
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; lists[l][i]; i++) {
            unsigned char c = (unsigned char)lists[l][i][0];
            wordref *w = &word_tab[pos[c]++];
            w->w = lists[l][i];
            w->len = (unsigned char)strlen(lists[l][i]);
            w->bits = (unsigned char)bits[l];
        }
}

/* W_* bits of the hint words found anywhere in `tok`. */
static unsigned
word_bits(const char *tok, size_t len)
{
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tok[i];
        for (unsigned k = word_first[c]; k < word_first[c + 1]; k++) {
            const wordref *w = &word_tab[k];
            /* The second byte rules out most words without a call. */
            if (w->len <= len - i &&
                (w->len < 2 || tok[i + 1] == w->w[1]) &&
                memcmp(tok + i, w->w, w->len) == 0)
                bits |= w->bits;
        }
    }
    return bits;
}

/* Hints of one token of a class or id value (lower case): utility
 * classes such as "text-center" or "hidden md:block" say nothing about
 * content. */
static unsigned
token_hints(const char *tok, size_t len)
{
    unsigned h = 0;
    if (strchr(tok, ':') || slug_like(tok))
        return 0;
    unsigned bits = word_bits(tok, len);
    if ((bits & W_STRONG) || has_ad_token(tok, len))
        h |= H_STRONG;
    else if (bits & W_WEAK)
        h |= H_WEAK;
    if (has_meta_part(tok))
        h |= H_META;
    if (strncmp(tok, "text-", 5) == 0 || strncmp(tok, "content-", 8) == 0)
        return h;
    if (bits & W_GOOD)
        h |= H_GOOD;
    return h;
}

/* Pages repeat the same class strings thousands of times, and the same
 * tokens in different combinations (utility-class frameworks): remember
 * the hints of recent values and of tokens (keyed by content) instead of
 * matching again. */
#define HCACHE 1024
#define TCACHE 2048
#define TPOOL (32 * 1024)

typedef struct hcache {
    const char *key[HCACHE];   /* borrowed from the tree being indexed */
    unsigned val[HCACHE];
    /* Tokens: text in `pool` at `toff`, `tlen` 0 for an empty slot. */
    uint32_t thash[TCACHE];
    uint16_t toff[TCACHE];
    unsigned char tlen[TCACHE];
    unsigned char tval[TCACHE];
    size_t pool_used;
    char pool[TPOOL];
} hcache;

static unsigned
token_hints_cached(hcache *hc, const char *tok, size_t len)
{
    if (!hc || len > UCHAR_MAX)
        return token_hints(tok, len);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)tok[i]) * 16777619u;
    size_t slot = h & (TCACHE - 1);
    if (hc->tlen[slot] == len && hc->thash[slot] == h &&
        memcmp(hc->pool + hc->toff[slot], tok, len) == 0)
        return hc->tval[slot];
    unsigned v = token_hints(tok, len);
    if (hc->pool_used + len <= TPOOL) {
        memcpy(hc->pool + hc->pool_used, tok, len);
        hc->thash[slot] = h;
        hc->toff[slot] = (uint16_t)hc->pool_used;
        hc->tlen[slot] = (unsigned char)len;
        hc->tval[slot] = (unsigned char)v;
        hc->pool_used += len;
    }
    return v;
}

/* Hints of one class or id value, token by token (`hc` may be NULL). */
static unsigned
hints_of(hcache *hc, const char *value)
{
    char buf[512];
    unsigned h = 0;
    if (!value || !*value)
        return 0;
    pthread_once(&word_once, word_tab_init);
    lower_copy(buf, sizeof buf, value);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t\n\r\f", &save); tok;
         tok = strtok_r(NULL, " \t\n\r\f", &save))
        h |= token_hints_cached(hc, tok, strlen(tok));
    return h;
}

static unsigned
hints_cached(hcache *hc, const char *value)
{
    if (!value || !*value)
        return 0;
    uint32_t h = 2166136261u;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        h = (h ^ *p) * 16777619u;
        if (++n > 512)
            return hints_of(hc, value);
    }
    size_t slot = h & (HCACHE - 1);
    if (hc->key[slot] && strcmp(hc->key[slot], value) == 0)
        return hc->val[slot];
    unsigned v = hints_of(hc, value);
    hc->key[slot] = value;
    hc->val[slot] = v;
    return v;
}

static unsigned
role_hints(const char *role)
{
    static const char *const bad[] = {
        "navigation", "menu", "menubar", "complementary", "dialog",
        "alertdialog", "alert", "banner", "contentinfo", "search", "toolbar",
        NULL
    };
    if (!role)
        return 0;
    if (ascii_ieq(role, "main") || ascii_ieq(role, "article"))
        return H_MARKER;
    for (size_t i = 0; bad[i]; i++)
        if (ascii_ieq(role, bad[i]))
            return H_WEAK;
    return 0;
}

/* Readability-style weight of a class or id value: -25 for boilerplate
 * words, +25 for content words (both may apply). */
static int
hint_weight(unsigned h)
{
    int w = 0;
    if (h & (H_STRONG | H_WEAK))
        w -= 25;
    if (h & H_GOOD)
        w += 25;
    return w;
}

/* Inline style that hides the element. */
static int
style_hidden(const char *style)
{
    char buf[512];
    size_t j = 0;
    if (!style)
        return 0;
    for (size_t i = 0; style[i] && j + 1 < sizeof buf; i++)
        if (!isspace((unsigned char)style[i]))
            buf[j++] = (char)tolower((unsigned char)style[i]);
    buf[j] = '\0';
    return strstr(buf, "display:none") != NULL ||
           strstr(buf, "visibility:hidden") != NULL;
}

/* ------------------------------------------------------------------ */
/* The index                                                          */
/* ------------------------------------------------------------------ */

#define NONE UINT32_MAX
#define MAX_HEADS 8
#define MAX_PEERS 64

/* Flags set once at indexing time. */
#define F_JUNK 0x0001u     /* always dropped (tag, hidden) */
#define F_STRONG 0x0002u   /* strong boilerplate hint */
#define F_WEAK 0x0004u     /* weak boilerplate hint */
#define F_GOOD 0x0008u     /* content hint */
#define F_MARKER 0x0010u   /* article / main / articleBody */
#define F_TAGBAD 0x0020u   /* boilerplate by tag */
#define F_INTABLE 0x0040u  /* inside a table, pre or code */
#define F_BIGMARK 0x0080u  /* holds a substantial marker */
#define F_DECLARED 0x0100u /* itemprop=articleBody, <main>, role=main */
#define F_META 0x0200u     /* byline/date/tags hint */

typedef struct el {
    xmlNode *node;
    uint32_t parent;
    uint32_t end;        /* descendants are the records (i, end) */
    unsigned char tag;
    unsigned char kind;
    uint16_t flags;
    int16_t weight;      /* class/id weight */
    measure own;         /* direct text children */
    uint64_t text0;      /* text without junk, for "holds most text" */
    uint64_t link0;      /* link text of text0 */
    /* Per pass. */
    uint64_t text, link, inl;
    uint32_t commas, stops, inl_commas;
    uint32_t nchild;     /* live element children */
    unsigned char dead;  /* removed in this pass (or an ancestor is) */
    unsigned char block; /* has a live block child */
    unsigned char cand;
    unsigned char cc;    /* removed by conditional cleaning */
    double score;
} el;

typedef struct elindex {
    el *v;
    uint32_t n, cap;
    hcache *hc;          /* while indexing */
    tagcache tc;         /* while indexing */
    uint64_t total;      /* text0 of the root */
    int declared;        /* the page marks its article (articleBody...) */
    uint32_t heads[MAX_HEADS]; /* headings that repeat the page title */
    int n_heads;
    /* The other <h1>s when the title heading is an <h1>: the headlines
     * of the other stories on a page that holds several. */
    uint32_t peers[MAX_PEERS];
    int n_peers;
} elindex;

static int
index_push(elindex *ix, xmlNode *node, uint32_t parent)
{
    if (ix->n == ix->cap) {
        if (ix->cap >= UINT32_MAX / 2 - 1)
            return FOLIO_ELIMIT;
        uint32_t nc = ix->cap ? ix->cap * 2 : 1024;
        el *v = realloc(ix->v, (size_t)nc * sizeof *v);
        if (!v)
            return FOLIO_ENOMEM;
        ix->v = v;
        ix->cap = nc;
    }
    el *e = &ix->v[ix->n];
    memset(e, 0, sizeof *e);
    e->node = node;
    e->parent = parent;
    e->end = NONE;
    const tagdef *d = tag_lookup_cached(&ix->tc, node);
    e->tag = d->id;
    e->kind = d->kind;
    unsigned hc = hints_cached(ix->hc, dom_attr(node, "class"));
    unsigned hi = hints_of(ix->hc, dom_attr(node, "id"));
    unsigned hr = role_hints(dom_attr(node, "role"));
    const char *ip = dom_attr(node, "itemprop");
    unsigned h = hc | hi | hr;
    int declared = (ip && strstr(ip, "articleBody")) || e->tag == T_MAIN ||
                   (hr & H_MARKER);
    if (ip && strstr(ip, "articleBody"))
        h |= H_MARKER | H_GOOD;
    if (ip && (strstr(ip, "comment") || strstr(ip, "Comment")))
        h |= H_STRONG;
    if (e->tag == T_ARTICLE || e->tag == T_MAIN)
        h |= H_MARKER;
    e->weight = (int16_t)(hint_weight(hc) + hint_weight(hi) +
                          ((hr & H_WEAK) ? -25 : 0) +
                          ((h & H_MARKER) ? 25 : 0));
    uint16_t f = 0;
    if (h & H_STRONG)
        f |= F_STRONG;
    if (h & H_WEAK)
        f |= F_WEAK;
    if (h & H_GOOD)
        f |= F_GOOD;
    if (h & H_MARKER)
        f |= F_MARKER;
    if (declared)
        f |= F_DECLARED;
    if (h & H_META)
        f |= F_META;
    if (d->kind & K_TAGBAD)
        f |= F_TAGBAD;
    if (d->kind & K_JUNK)
        f |= F_JUNK;
    if (dom_attr(node, "hidden") || style_hidden(dom_attr(node, "style")))
        f |= F_JUNK;
    const char *ah = dom_attr(node, "aria-hidden");
    if (ah && ascii_ieq(ah, "true") && e->tag != T_IMG &&
        e->tag != T_PICTURE && e->tag != T_FIGURE)
        f |= F_JUNK;
    /* Ad frames, and frames that show nothing. */
    if (e->tag == T_IFRAME) {
        const char *src = dom_attr(node, "src");
        if ((f & F_STRONG) || !src || !*src || ascii_ieq(src, "about:blank"))
            f |= F_JUNK;
    }
    if (parent != NONE) {
        const el *p = &ix->v[parent];
        if ((p->flags & F_INTABLE) || p->tag == T_TABLE || p->tag == T_PRE ||
            p->tag == T_CODE)
            f |= F_INTABLE;
    }
    e->flags = f;
    ix->n++;
    return FOLIO_OK;
}

static int index_build_walk(elindex *ix, xmlNode *root);

/* A script or style element, whose text the index does not measure. */
static int
raw_text(const el *e)
{
    return e->tag == T_SCRIPT || e->tag == T_STYLE;
}

/* The measured length of element i's own text (script and style text
 * measured now). */
static uint64_t
own_len(const elindex *ix, uint32_t i)
{
    const el *e = &ix->v[i];
    if (!raw_text(e))
        return e->own.len;
    measure m = {0, 0, 0};
    for (const xmlNode *c = e->node->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            measure_text(&m, c->content);
    return m.len;
}

/* Indexes the elements below and including `root` in document order and
 * measures their direct text. Iterative. */
static int
index_build(elindex *ix, xmlNode *root)
{
    ix->hc = calloc(1, sizeof *ix->hc);
    if (!ix->hc)
        return FOLIO_ENOMEM;
    /* Names are only stable while nothing is freed: one walk. */
    memset(&ix->tc, 0, sizeof ix->tc);
    int rc = index_build_walk(ix, root);
    free(ix->hc);
    ix->hc = NULL;
    return rc;
}

static int
index_build_walk(elindex *ix, xmlNode *root)
{
    int rc = index_push(ix, root, NONE);
    if (rc < 0)
        return rc;
    uint32_t parent = 0;
    xmlNode *n = root->children;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            rc = index_push(ix, n, parent);
            if (rc < 0)
                return rc;
            if (n->children) {
                parent = ix->n - 1;
                n = n->children;
                continue;
            }
            ix->v[ix->n - 1].end = ix->n;
        } else if (n->type == XML_TEXT_NODE ||
                   n->type == XML_CDATA_SECTION_NODE) {
            /* Script and style text is never article text, and often
             * most of a page's bytes: own_len measures it if asked. */
            if (!raw_text(&ix->v[parent]))
                measure_text(&ix->v[parent].own, n->content);
        }
        while (!n->next) {
            n = n->parent;
            if (!n || n == root) {
                n = NULL;
                break;
            }
            ix->v[parent].end = ix->n;
            parent = ix->v[parent].parent;
        }
        if (n)
            n = n->next;
    }
    ix->v[0].end = ix->n;
    return FOLIO_OK;
}

/* Junk-free text of every element, the page total, and which elements
 * hold a substantial article marker. */
static void
index_text0(elindex *ix)
{
    el *v = ix->v;
    for (uint32_t i = 0; i < ix->n; i++)
        v[i].text0 = v[i].own.len;
    for (uint32_t i = ix->n; i-- > 1;) {
        if (v[i].flags & F_JUNK)
            continue;
        if (v[i].tag == T_A)
            v[i].link0 = v[i].text0;
        v[v[i].parent].text0 += v[i].text0;
        v[v[i].parent].link0 += v[i].link0;
    }
    ix->total = (v[0].flags & F_JUNK) ? 0 : v[0].text0;
    /* Inside junk (a hidden block, a <template>) nothing counts. */
    for (uint32_t i = 0; i < ix->n; i++)
        v[i].dead = (v[i].flags & F_JUNK) ||
                    (i > 0 && v[v[i].parent].dead);
    uint64_t big = ix->total / 4;
    if (big < 200)
        big = 200;
    for (uint32_t i = ix->n; i-- > 0;) {
        if (v[i].dead)
            continue;
        if ((v[i].flags & F_MARKER) && v[i].text0 >= big)
            v[i].flags |= F_BIGMARK;
        if ((v[i].flags & F_BIGMARK) && i > 0)
            v[v[i].parent].flags |= F_BIGMARK;
        if ((v[i].flags & F_DECLARED) && v[i].text0 >= 200 &&
            v[i].text0 * 5 >= ix->total)
            ix->declared = 1;
    }
}

static int
is_ancestor(const elindex *ix, uint32_t a, uint32_t d)
{
    return a < d && d < ix->v[a].end;
}

/* ------------------------------------------------------------------ */
/* One pass                                                           */
/* ------------------------------------------------------------------ */

enum { PASS_STRICT = 0, PASS_KEEP_HINTS = 1, PASS_LOOSE = 2, NPASS = 3 };

/* Is element i a block, or an inline element alone in a container that
 * is not itself a paragraph? */
static int
standalone(const elindex *ix, uint32_t i)
{
    const el *e = &ix->v[i];
    if (e->kind & K_BLOCK)
        return 1;
    const el *p = &ix->v[e->parent];
    if (p->own.len > 1 || (p->kind & K_HEAD))
        return 0;
    switch (p->tag) {
    case T_P: case T_LI: case T_TD: case T_TH: case T_DD: case T_DT:
    case T_A: case T_SPAN: case T_CAPTION: case T_FIGCAPTION:
        return 0;
    default:
        return 1;
    }
}

/* Removed by hints in the strict pass? Never the root, links, layout
 * table cells, anything holding the marked article or most of the text. */
static int
hint_dead(const elindex *ix, uint32_t i)
{
    const el *e = &ix->v[i];
    if (i == 0 || e->tag == T_A || e->tag == T_BODY || e->tag == T_HTML)
        return 0;
    if (e->flags & F_BIGMARK)
        return 0;
    /* The page declared this to be the article: a share-button id on
     * it does not make it boilerplate. */
    if ((e->flags & F_DECLARED) && e->text0 >= 200)
        return 0;
    /* Holding most of the text protects a badly named wrapper, unless
     * the page marked its article elsewhere; and always when a content
     * word names it too ("article-body paywalled-content": the text of
     * a paid article, which the page holds). */
    if ((!ix->declared || (e->flags & F_GOOD)) &&
        e->text0 * 2 > ix->total && ix->total > 0)
        return 0;
    if (e->flags & F_TAGBAD)
        return 1;
    if (e->flags & F_STRONG)
        return 1;
    /* A short byline, date or tag line, on a line of its own (a date
     * inside a sentence is part of the sentence). */
    if ((e->flags & F_META) && e->text0 < 200 && !(e->flags & F_INTABLE) &&
        standalone(ix, i))
        return 1;
    /* A weak hint does not outweigh a third of the page's prose. */
    if ((e->flags & F_WEAK) && !(e->flags & F_GOOD) &&
        !(e->flags & F_INTABLE) &&
        !(!ix->declared && e->text0 * 3 >= ix->total &&
          e->link0 * 4 < e->text0))
        return 1;
    return 0;
}

static double
link_density(const el *e)
{
    return e->text ? (double)e->link / (double)e->text : 0.0;
}

/* Marks dead records and sums text, links, commas and inline runs. */
static void
pass_measure(elindex *ix, int pass)
{
    el *v = ix->v;
    for (uint32_t i = 0; i < ix->n; i++) {
        el *e = &v[i];
        int dead = (e->flags & F_JUNK) != 0;
        if (!dead && pass == PASS_STRICT && hint_dead(ix, i))
            dead = 1;
        if (i > 0 && v[e->parent].dead)
            dead = 1;
        e->dead = (unsigned char)dead;
        e->text = e->own.len;
        e->inl = e->own.len;
        e->commas = e->own.commas;
        e->inl_commas = e->own.commas;
        e->stops = e->own.stops;
        e->link = 0;
        e->nchild = 0;
        e->block = 0;
        e->cand = 0;
        e->cc = 0;
        e->score = 0;
    }
    for (uint32_t i = ix->n; i-- > 1;) {
        el *e = &v[i];
        if (e->dead)
            continue;
        if (e->tag == T_A)
            e->link = e->text;
        el *p = &v[e->parent];
        p->text += e->text;
        p->link += e->link;
        p->commas += e->commas;
        p->stops += e->stops;
        p->nchild++;
        if ((e->kind & K_BLOCK) || e->block) {
            p->block = 1;
        } else {
            p->inl += e->inl;
            p->inl_commas += e->inl_commas;
        }
    }
}

static double
tag_base(const el *e)
{
    switch (e->tag) {
    case T_DIV:
        return 5;
    case T_PRE: case T_TD: case T_BLOCKQUOTE:
        return 3;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT:
    case T_LI: case T_FORM:
        return -3;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
    case T_TH:
        return -5;
    default:
        return 0;
    }
}

static void
add_score(elindex *ix, uint32_t i, double s, int pass)
{
    el *e = &ix->v[i];
    if (!e->cand) {
        e->cand = 1;
        e->score = tag_base(e);
        if (pass != PASS_LOOSE)
            e->score += e->weight;
    }
    e->score += s;
}

/* Scores every text block into its first five ancestors. */
static void
pass_score(elindex *ix, int pass)
{
    el *v = ix->v;
    for (uint32_t i = 0; i < ix->n; i++) {
        el *e = &v[i];
        if (e->dead)
            continue;
        uint64_t len;
        uint32_t commas;
        uint32_t first;
        switch (e->tag) {
        case T_P: case T_PRE:
            len = e->text;
            commas = e->commas;
            first = e->parent;
            break;
        case T_TD: case T_LI: case T_DD:
            len = e->inl;
            commas = e->inl_commas;
            first = e->parent;
            break;
        default:
            /* Unknown (custom) elements holding blocks are containers. */
            if ((!(e->kind & K_BLOCK) && !e->block) || (e->kind & K_HEAD) ||
                e->tag == T_TABLE || e->tag == T_TR || e->tag == T_TBODY ||
                e->tag == T_THEAD || e->tag == T_TFOOT || e->tag == T_UL ||
                e->tag == T_OL || e->tag == T_DL || e->tag == T_CAPTION ||
                e->tag == T_FIGCAPTION || e->tag == T_TH)
                continue;
            /* A container's loose inline text is a paragraph of its own:
             * it scores the container when it also holds blocks, else
             * the container's parent (it is a paragraph itself). */
            len = e->inl;
            commas = e->inl_commas;
            first = e->block ? i : e->parent;
            break;
        }
        if (len < 25 || first == NONE)
            continue;
        /* A run that is mostly links is a menu, not prose. */
        if (e->block == 0 && e->text > 0 && link_density(e) > 0.5)
            continue;
        double s = 1.0 + commas + (len / 100 > 3 ? 3.0 : (double)(len / 100));
        uint32_t a = first;
        for (int level = 0; level < 5 && a != NONE; level++) {
            if (v[a].tag == T_HTML)
                break;
            double div = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
            add_score(ix, a, s / div, pass);
            a = v[a].parent;
        }
    }
    for (uint32_t i = 0; i < ix->n; i++)
        if (v[i].cand)
            v[i].score *= 1.0 - link_density(&v[i]);
}

/* The chosen candidate and its siblings. */
typedef struct pick {
    uint32_t *roots;
    uint32_t n, cap;
    uint32_t top;
    uint64_t text;       /* after conditional cleaning */
    int scored;          /* the pick won on scores (not by default) */
} pick;

static int
pick_add(pick *pk, uint32_t i)
{
    if (pk->n == pk->cap) {
        uint32_t nc = pk->cap ? pk->cap * 2 : 16;
        uint32_t *r = realloc(pk->roots, (size_t)nc * sizeof *r);
        if (!r)
            return FOLIO_ENOMEM;
        pk->roots = r;
        pk->cap = nc;
    }
    pk->roots[pk->n++] = i;
    return FOLIO_OK;
}

#define NTOP 5
#define NEAR_UP 4

/* Does `a` hold the headline of another story, outside `c` (c's own
 * subheadings are not other stories)? */
static int
holds_peer(const elindex *ix, uint32_t a, uint32_t c)
{
    for (int k = 0; k < ix->n_peers; k++)
        if (is_ancestor(ix, a, ix->peers[k]) &&
            !is_ancestor(ix, c, ix->peers[k]))
            return 1;
    return 0;
}

/* Does `c` open with another story's headline (a teaser, a widget, the
 * next article)? Subheadings come after some text. */
static int
leads_with_peer(const elindex *ix, uint32_t c)
{
    for (int k = 0; k < ix->n_peers; k++) {
        uint32_t p = ix->peers[k];
        if (!is_ancestor(ix, c, p) || p - c > 256)
            continue;
        uint64_t before = 0;
        for (uint32_t i = c + 1; i < p; i++)
            before += own_len(ix, i);
        if (before < 50)
            return 1;
    }
    return 0;
}

/* Is candidate `c` next to a heading that repeats the title: containing
 * it, or sharing an ancestor with it at most three levels up? Not when
 * that ancestor also holds the headline of another story, or `c` starts
 * with one: then `c` may be that story (a page of several articles one
 * after the other, or teasers beside the article). */
static int
near_title(const elindex *ix, uint32_t c)
{
    uint32_t a = c;
    if (leads_with_peer(ix, c))
        return 0;
    for (int up = 0; up < NEAR_UP && a != NONE && a != 0; up++) {
        for (int h = 0; h < ix->n_heads; h++)
            if (ix->heads[h] == a || is_ancestor(ix, a, ix->heads[h]))
                return !holds_peer(ix, a, c);
        a = ix->v[a].parent;
    }
    return 0;
}

static uint32_t
pass_top(elindex *ix, int *scored)
{
    el *v = ix->v;
    uint32_t top[NTOP];
    int nt = 0;
    for (uint32_t i = 0; i < ix->n; i++) {
        if (!v[i].cand || v[i].dead || v[i].tag == T_BODY ||
            v[i].tag == T_HTML)
            continue;
        int k = nt;
        while (k > 0 && v[top[k - 1]].score < v[i].score)
            k--;
        if (k >= NTOP)
            continue;
        if (nt < NTOP)
            nt++;
        memmove(&top[k + 1], &top[k], (size_t)(nt - 1 - k) * sizeof top[0]);
        top[k] = i;
    }
    if (nt > 0 && ix->n_heads > 0 && v[top[0]].score > 0 &&
        !near_title(ix, top[0])) {
        /* Pages that load the next stories below the first (or list
         * them beside it) hold several articles: the one under the
         * page's own headline is the article, if it scores at all. */
        /* Look at every candidate, not only the runners-up: a page
         * of ten stories has ten good candidates, and the headline's
         * may not be among the first five. */
        uint32_t t = NONE;
        int looks = 0;  /* bounded: each look walks a little of the tree */
        for (uint32_t i = 0; i < ix->n && looks < 256; i++) {
            if (!v[i].cand || v[i].dead || v[i].tag == T_BODY ||
                v[i].tag == T_HTML || v[i].score < 0.3 * v[top[0]].score ||
                (t != NONE && v[i].score <= v[t].score))
                continue;
            looks++;
            if (near_title(ix, i))
                t = i;
        }
        if (t != NONE) {
            int k = 0;
            while (k < nt && top[k] != t)
                k++;
            if (k == nt)
                k = nt - 1;  /* not a runner-up: it takes the last place */
            memmove(&top[1], &top[0], (size_t)k * sizeof top[0]);
            top[0] = t;
        }
    }
    if (nt == 0 || v[top[0]].score <= 0) {
        /* Paragraphs straight in <body>: the body is the article. */
        *scored = v[0].cand && v[0].score > 0;
        return 0;
    }
    *scored = 1;
    uint32_t best = top[0];
    /* Under the page's headline: never grow into the next story. */
    int own = ix->n_heads > 0 && near_title(ix, best);
    /* Several close runners-up below one ancestor: the article is split
     * into sections, take their common ancestor. */
    int close = 0;
    for (int k = 1; k < nt; k++)
        if (v[top[k]].score >= 0.75 * v[best].score)
            close++;
    if (close >= 3) {
        for (uint32_t a = v[best].parent; a != NONE && a != 0;
             a = v[a].parent) {
            int holds = 0;
            for (int k = 1; k < nt; k++)
                if (v[top[k]].score >= 0.75 * v[best].score &&
                    is_ancestor(ix, a, top[k]))
                    holds++;
            if (holds >= 3) {
                if (!(own && holds_peer(ix, a, best)))
                    best = a;
                break;
            }
        }
    }
    /* Climb while the parents' scores grow: more content is near. */
    double last = v[best].score;
    double floor_ = last / 3;
    for (uint32_t a = v[best].parent; a != NONE && a != 0;
         a = v[a].parent) {
        if (!v[a].cand)
            continue;
        if (v[a].score < floor_ || (own && holds_peer(ix, a, best)))
            break;
        if (v[a].score > last) {
            best = a;
            break;
        }
        last = v[a].score;
    }
    /* A list or a table is seldom a whole article (a reference list
     * full of commas outscores the text it ends): take the container
     * that has the text around it too. */
    if (v[best].tag == T_UL || v[best].tag == T_OL || v[best].tag == T_DL ||
        v[best].tag == T_TABLE || v[best].tag == T_TBODY) {
        uint32_t a = v[best].parent;
        for (int up = 0; up < 4 && a != NONE && a != 0; up++) {
            if (own && holds_peer(ix, a, best))
                break;
            if (v[a].cand && v[a].score * 4 >= v[best].score &&
                v[a].text * 20 >= v[best].text * 23) {
                best = a;
                break;
            }
            a = v[a].parent;
        }
    }
    /* An only child says nothing its parent does not. */
    while (v[best].parent != NONE && v[best].parent != 0 &&
           v[v[best].parent].nchild == 1)
        best = v[best].parent;
    return best;
}

static int
ends_sentence(const el *e)
{
    return e->stops > 0;
}

/* A paragraph, or wrappers with one child each around inline content
 * (a standfirst in its own little box next to the article body). */
static int
para_like(const elindex *ix, uint32_t i)
{
    const el *v = ix->v;
    for (;;) {
        const el *e = &v[i];
        if (e->tag == T_P || !e->block)
            return !(e->kind & K_HEAD) && e->tag != T_A;
        if (e->nchild != 1 || e->own.len > 1)
            return 0;
        uint32_t c = i + 1;
        while (c < e->end && v[c].dead)
            c = v[c].end;
        if (c >= e->end)
            return 0;
        i = c;
    }
}

/* The top candidate plus the siblings that look like more of it. */
static int
pass_siblings(elindex *ix, uint32_t best, pick *pk, int pass)
{
    el *v = ix->v;
    pk->n = 0;
    pk->top = best;
    if (best == 0)
        return pick_add(pk, 0);
    uint32_t par = v[best].parent;
    double thresh = v[best].score * 0.2;
    if (thresh < 10)
        thresh = 10;
    const char *bcls = dom_attr(v[best].node, "class");
    /* The story under the page's headline does not take in the next
     * stories, however alike their markup. */
    int own = ix->n_heads > 0 && near_title(ix, best);
    /* Headings between two kept siblings are the article's subheads. */
    uint32_t pending[16];
    int n_pending = 0;
    for (uint32_t c = par + 1; c < v[par].end; c = v[c].end) {
        el *s = &v[c];
        if (s->dead)
            continue;
        if ((s->kind & K_HEAD) && c != best) {
            if (pk->n > 0 && n_pending < 16)
                pending[n_pending++] = c;
            continue;
        }
        int take = 0;
        if (c == best) {
            take = 1;
        } else if (own && leads_with_peer(ix, c)) {
            take = 0;
        } else {
            double bonus = 0;
            const char *scls = dom_attr(s->node, "class");
            if (pass != PASS_LOOSE && bcls && scls && *bcls &&
                strcmp(bcls, scls) == 0)
                bonus = v[best].score * 0.2;
            if (s->cand && s->score + bonus >= thresh) {
                take = 1;
            } else if (bonus > 0 && s->text >= 100 &&
                       link_density(s) < 0.33) {
                /* The article cut into same-looking sections whose
                 * paragraphs sit too deep to have scored them. */
                take = 1;
            } else if (para_like(ix, c)) {
                double ld = link_density(s);
                if (s->text > 80 && ld < 0.25)
                    take = 1;
                else if (s->text > 0 && s->text <= 80 && ld == 0 &&
                         ends_sentence(s))
                    take = 1;
            }
        }
        if (take) {
            for (int k = 0; k < n_pending; k++) {
                int rc = pick_add(pk, pending[k]);
                if (rc < 0)
                    return rc;
            }
            int rc = pick_add(pk, c);
            if (rc < 0)
                return rc;
        }
        n_pending = 0;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Conditional cleaning of the picked subtrees                        */
/* ------------------------------------------------------------------ */

/* "div#id.class" for -v notes (truncated). */
static void
describe(const el *e, char *buf, size_t cap)
{
    const char *id = dom_attr(e->node, "id");
    const char *cls = dom_attr(e->node, "class");
    snprintf(buf, cap, "%s%s%.40s%s%.60s", (const char *)e->node->name,
             id ? "#" : "", id ? id : "", cls ? "." : "", cls ? cls : "");
}

typedef struct counts {
    uint32_t p, img, li, embed, rows, cols, cells;
    uint64_t text, link, head;
    uint32_t commas;
    unsigned char code, table, thx;
} counts;

static int
is_data_table(const el *e, const counts *c)
{
    const char *role = dom_attr(e->node, "role");
    if (role && ascii_ieq(role, "presentation"))
        return 0;
    const char *dt = dom_attr(e->node, "datatable");
    if (dt && strcmp(dt, "0") == 0)
        return 0;
    if (dom_attr(e->node, "summary"))
        return 1;
    if (c->thx)
        return 1;
    if (c->table)
        return 0;
    if (c->rows >= 10 || c->cols > 4)
        return 1;
    return (uint64_t)c->rows * c->cols > 10;
}

/* Decides, bottom-up over one picked subtree, which containers to drop:
 * Readability's conditional cleaning with counts that already exclude
 * what was dropped below. */
static int
pass_clean(elindex *ix, uint32_t root, int pass, uint64_t *kept,
           folio_job *job)
{
    el *v = ix->v;
    uint32_t n = v[root].end - root;
    counts *cs = calloc(n, sizeof *cs);
    unsigned char *up = calloc(n, 1); /* in a data table or figure */
    if (!cs || !up) {
        free(cs);
        free(up);
        return FOLIO_ENOMEM;
    }
    /* Tables first: whether each is a data table (bottom-up counts of
     * rows and cells that stop at nested tables). */
    for (uint32_t i = v[root].end; i-- > root;) {
        el *e = &v[i];
        counts *c = &cs[i - root];
        if (e->dead)
            continue;
        if (e->tag == T_TR) {
            c->rows = 1;
            c->cols = c->cells;
        }
        if (e->tag == T_TH || e->tag == T_THEAD || e->tag == T_TFOOT ||
            (e->tag == T_CAPTION && e->text > 0))
            c->thx = 1;
        if (i == root)
            break;
        counts *pc = &cs[e->parent - root];
        if (e->tag == T_TABLE) {
            pc->table = 1;
            continue;
        }
        if (e->tag == T_TD || e->tag == T_TH)
            pc->cells++;
        pc->rows += c->rows;
        if (c->cols > pc->cols)
            pc->cols = c->cols;
        pc->thx |= c->thx;
        pc->table |= c->table;
    }
    /* Flag the data tables through `up` (top-down), then reset. */
    for (uint32_t i = root; i < v[root].end; i++) {
        el *e = &v[i];
        if (e->dead)
            continue;
        unsigned char u = i > root ? up[e->parent - root] : 0;
        if (e->tag == T_TABLE && is_data_table(e, &cs[i - root]))
            u |= 1;
        if (e->tag == T_FIGURE)
            u |= 2;
        if (e->tag == T_PRE || e->tag == T_CODE)
            u |= 4;
        up[i - root] = u;
    }
    memset(cs, 0, (size_t)n * sizeof *cs);
    uint64_t total = v[root].text;
    for (uint32_t i = v[root].end; i-- > root;) {
        el *e = &v[i];
        counts *c = &cs[i - root];
        if (e->dead)
            continue;
        c->text += e->own.len;
        c->commas += e->own.commas;
        if (e->tag == T_A)
            c->link = c->text;
        if (e->kind & K_HEAD)
            c->head = c->text;
        switch (e->tag) {
        case T_P: c->p++; break;
        case T_IMG: c->img++; break;
        case T_LI: c->li++; break;
        case T_PRE: case T_CODE: c->code = 1; break;
        case T_EMBED: case T_OBJECT: case T_IFRAME: case T_VIDEO:
            c->embed++;
            break;
        default: break;
        }
        int drop = 0;
        int cleanable = e->tag == T_DIV || e->tag == T_TABLE ||
                        e->tag == T_UL || e->tag == T_FORM ||
                        e->tag == T_FIELDSET;
        if (pass != PASS_LOOSE && i != root &&
            (e->tag == T_ASIDE || e->tag == T_FOOTER || e->tag == T_NAV) &&
            e->text * 2 < total)
            drop = 1;
        /* Big headings the page styles as boilerplate ("widget-title"). */
        if (pass != PASS_LOOSE && i != root &&
            (e->tag == T_H1 || e->tag == T_H2) && e->weight < 0)
            drop = 1;
        /* A short paragraph that is mostly a link: "Read also: <a>".
         * Not inside a list item, where it is the item's title (a post
         * that is a list of links with notes). */
        if (!drop && pass != PASS_LOOSE && i != root && e->tag == T_P &&
            c->text < 200 && c->text > 0 && c->link * 2 > c->text &&
            !(up[i - root] & 1) && v[e->parent].tag != T_LI)
            drop = 1;
        if (!drop && pass != PASS_LOOSE && i != root && cleanable &&
            !(up[i - root] & 1) && !c->code &&
            !(i > root && (up[e->parent - root] & 4)) &&
            e->text * 2 < total) {
            int w = e->weight;
            /* A wrapper around a list (and nothing else that counts)
             * is judged as the list: an ingredient list with a few
             * shop links is not a menu. */
            int is_list = e->tag == T_UL ||
                          (c->li >= 3 && c->p == 0 &&
                           c->link * 2 < c->text);
            if (w < 0) {
                drop = 1;
            } else if (c->commas < 10) {
                double ld = c->text ? (double)c->link / (double)c->text : 0;
                double hd = c->text ? (double)c->head / (double)c->text : 0;
                int fig = (up[i - root] & 2) != 0;
                int li = (int)c->li - 100;
                if (c->img > 1 && (double)c->p / c->img < 0.5 && !fig)
                    drop = 1;
                else if (!is_list && li > (int)c->p)
                    drop = 1;
                else if (!is_list && hd < 0.9 && c->text < 25 &&
                         (c->img == 0 || c->img > 2) && !fig)
                    drop = 1;
                else if (!is_list && w < 25 && ld > 0.2)
                    drop = 1;
                else if (w >= 25 && ld > 0.5)
                    drop = 1;
                else if ((c->embed == 1 && c->text < 75) || c->embed > 1)
                    drop = 1;
                /* A list of pictures is a gallery, not a menu. */
                if (drop && is_list && c->img == c->li && c->img > 0)
                    drop = 0;
            }
        }
        if (drop) {
            e->cc = 1;
            if (job && c->text >= 200) {
                char d[128];
                describe(e, d, sizeof d);
                folio__job_note(job, "extract: dropped %s (%llu chars)", d,
                                (unsigned long long)c->text);
            }
            continue;
        }
        if (i == root)
            break;
        counts *pc = &cs[e->parent - root];
        pc->p += c->p;
        pc->img += c->img;
        pc->li += c->li;
        pc->embed += c->embed;
        pc->text += c->text;
        pc->link += c->link;
        pc->head += c->head;
        pc->commas += c->commas;
        pc->code |= c->code;
    }
    *kept = v[root].cc ? 0 : cs[0].text;
    free(cs);
    free(up);
    return FOLIO_OK;
}

static int
pass_run(elindex *ix, int pass, pick *pk, folio_job *job)
{
    pass_measure(ix, pass);
    pass_score(ix, pass);
    uint32_t best = pass_top(ix, &pk->scored);
    if (job) {
        char d[128];
        describe(&ix->v[best], d, sizeof d);
        folio__job_note(job, "extract: pass %d picked %s (score %.1f)", pass,
                        d, ix->v[best].score);
    }
    int rc = pass_siblings(ix, best, pk, pass);
    if (rc < 0)
        return rc;
    pk->text = 0;
    for (uint32_t k = 0; k < pk->n; k++) {
        uint64_t t = 0;
        rc = pass_clean(ix, pk->roots[k], pass, &t, job);
        if (rc < 0)
            return rc;
        pk->text += t;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Tree edits                                                         */
/* ------------------------------------------------------------------ */

static void
drop_node(xmlNode *n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Removes the records of `root`'s subtree that this pass dropped. */
static void
apply_removals(elindex *ix, uint32_t root, folio_job *job)
{
    el *v = ix->v;
    for (uint32_t i = root + 1; i < v[root].end;) {
        if (v[i].dead && job && v[i].text0 >= 200 &&
            !(v[i].flags & F_JUNK)) {
            char d[128];
            describe(&v[i], d, sizeof d);
            folio__job_note(job, "extract: dropped %s by its hints "
                            "(%llu chars)", d,
                            (unsigned long long)v[i].text0);
        }
        if (v[i].dead || v[i].cc) {
            uint32_t nx = v[i].end;
            drop_node(v[i].node);
            i = nx;
        } else {
            i++;
        }
    }
}

static void
drop_comments(xmlNode *top)
{
    xmlNode *n = top->children;
    while (n) {
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE ||
            n->type == XML_DTD_NODE) {
            xmlNode *nx = dom_next(n, top, 1);
            drop_node(n);
            n = nx;
        } else {
            n = dom_next(n, top, 0);
        }
    }
}

/* Sets attribute `name` of `n` to `value` (a copy). */
static void
set_attr(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

/* A `src` that stands in for the real image: missing, "#", a tiny data:
 * URI, or a file named like a placeholder. */
static int
placeholder_src(const char *src)
{
    if (!src)
        return 1;
    while (*src == ' ' || *src == '\t' || *src == '\n')
        src++;
    if (!*src || strcmp(src, "#") == 0 || strcmp(src, "about:blank") == 0)
        return 1;
    if (strncmp(src, "data:", 5) == 0)
        return strlen(src) < 200;
    char buf[256];
    lower_copy(buf, sizeof buf, src);
    static const char *const words[] = {
        "placeholder", "blank.gif", "spacer", "pixel.gif", "transparent.gif",
        "transparent.png", "1x1", "lazy", "loading.gif", "grey.gif",
        "clear.gif", "empty.gif", NULL
    };
    return has_word(buf, words);
}

/* Parses a srcset and returns the candidate with the largest width (w)
 * or density (x) descriptor, as a malloc'd string, or NULL. */
static char *
srcset_best(const char *srcset)
{
    const char *best = NULL;
    size_t best_len = 0;
    double best_v = -1;
    const char *p = srcset;
    while (p && *p) {
        while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        const char *u = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t ulen = (size_t)(p - u);
        /* A URL may end with the comma that separates candidates. */
        int had_comma = ulen > 0 && u[ulen - 1] == ',';
        if (had_comma)
            ulen--;
        double val = 1;
        if (!had_comma) {
            while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
            const char *d = p;
            while (*p && *p != ',')
                p++;
            if (p > d) {
                char *endp = NULL;
                double x = strtod(d, &endp);
                if (endp && endp > d && x > 0 &&
                    (*endp == 'w' || *endp == 'x'))
                    val = *endp == 'w' ? x : x * 1000.0;
            }
        }
        if (ulen > 0 && val > best_v) {
            best_v = val;
            best = u;
            best_len = ulen;
        }
    }
    if (!best)
        return NULL;
    char *r = malloc(best_len + 1);
    if (r) {
        memcpy(r, best, best_len);
        r[best_len] = '\0';
    }
    return r;
}

static int
looks_like_image_url(const char *s)
{
    char buf[512];
    if (!s || !*s || strchr(s, ' ') || strlen(s) >= sizeof buf)
        return 0;
    lower_copy(buf, sizeof buf, s);
    char *q = strpbrk(buf, "?#");
    if (q)
        *q = '\0';
    size_t n = strlen(buf);
    static const char *const ext[] = {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", NULL
    };
    for (size_t i = 0; ext[i]; i++) {
        size_t el_ = strlen(ext[i]);
        if (n > el_ && strcmp(buf + n - el_, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int
usable_source_type(const char *type)
{
    if (!type || !*type)
        return 1;
    static const char *const ok[] = {
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif",
        "image/svg+xml", NULL
    };
    for (size_t i = 0; ok[i]; i++)
        if (ascii_ieq(type, ok[i]))
            return 1;
    return 0;
}

static int
tiny_dim(const char *v)
{
    if (!v || !*v)
        return 0;
    char *endp = NULL;
    long x = strtol(v, &endp, 10);
    return endp != v && x >= 0 && x <= 1;
}

/* Repairs one <img>: lazy-loading attributes and srcset become `src`.
 * Returns 0 when the image is worthless (no source, a tracking pixel). */
static int
fix_image(xmlNode *img)
{
    static const char *const lazy[] = {
        "data-src", "data-original", "data-lazy-src", "data-actualsrc",
        "data-srv", "data-url", "data-img-src", "data-lazyload",
        "data-backup", "data-hi-res-src", "data-full-src", "data-lazy",
        "data-original-src", NULL
    };
    static const char *const lazy_set[] = {
        "data-srcset", "data-lazy-srcset", "data-original-srcset", NULL
    };
    const char *src = dom_attr(img, "src");
    int bad = placeholder_src(src);
    if (bad) {
        const char *repl = NULL;
        for (size_t i = 0; lazy[i] && !repl; i++) {
            const char *v = dom_attr(img, lazy[i]);
            if (v && *v && !placeholder_src(v))
                repl = v;
        }
        /* Any other attribute holding an image URL (sites invent their
         * own lazy-loading names). */
        for (const xmlAttr *a = img->properties; a && !repl; a = a->next) {
            if (!a->name || strcmp((const char *)a->name, "src") == 0 ||
                !a->children || !a->children->content)
                continue;
            const char *v = (const char *)a->children->content;
            if (looks_like_image_url(v))
                repl = v;
        }
        if (repl) {
            char *copy = strdup(repl);
            if (copy) {
                set_attr(img, "src", copy);
                free(copy);
                bad = 0;
            }
        }
    }
    const char *set = dom_attr(img, "srcset");
    if (!set || !*set || placeholder_src(set)) {
        for (size_t i = 0; lazy_set[i]; i++) {
            const char *v = dom_attr(img, lazy_set[i]);
            if (v && *v) {
                char *copy = strdup(v);
                if (copy) {
                    set_attr(img, "srcset", copy);
                    free(copy);
                }
                break;
            }
        }
    }
    set = dom_attr(img, "srcset");
    char *best = set && *set ? srcset_best(set) : NULL;
    /* <picture><source srcset> for an <img> without a source. libxml2
     * does not know <source> is empty and may nest the <img> in it. */
    xmlNode *pic = img->parent;
    for (int up = 0; pic && up < 3 && !dom_is(pic, "picture"); up++)
        pic = pic->parent;
    if (!best && bad && pic && dom_is(pic, "picture")) {
        for (xmlNode *s = pic->children; s && !best; s = dom_next(s, pic, 0)) {
            if (!dom_is(s, "source") ||
                !usable_source_type(dom_attr(s, "type")))
                continue;
            const char *ss = dom_attr(s, "srcset");
            if (!ss || !*ss)
                ss = dom_attr(s, "data-srcset");
            if (ss && *ss)
                best = srcset_best(ss);
        }
    }
    if (best) {
        if (!placeholder_src(best)) {
            /* A saved page's src may name its only local copy (a
             * "complete" save keeps srcset remote): keep it for the
             * converter, which prefers the images an input carries. */
            const char *old = dom_attr(img, "src");
            if (!bad && old && strcmp(old, best) != 0) {
                char *copy = strdup(old);
                if (copy) {
                    set_attr(img, FOLIO_SAVED_SRC_ATTR, copy);
                    free(copy);
                }
            }
            set_attr(img, "src", best);
            bad = 0;
        }
        free(best);
    }
    if (bad)
        return 0;
    if (tiny_dim(dom_attr(img, "width")) || tiny_dim(dom_attr(img, "height")))
        return 0;
    return 1;
}

/* The placeholder <img> a <noscript> fallback belongs to: the previous
 * element sibling if it is an image or wraps exactly one. */
static xmlNode *
noscript_target(xmlNode *ns)
{
    xmlNode *p = ns->prev;
    while (p && p->type != XML_ELEMENT_NODE)
        p = p->prev;
    if (!p)
        return NULL;
    if (dom_is(p, "img"))
        return p;
    xmlNode *found = NULL;
    int count = 0, seen = 0;
    /* A wrapper such as <span><img></span>: small, so look at a few
     * nodes only. */
    for (xmlNode *n = p->children; n; n = dom_next(n, p, 0)) {
        if (++seen > 32)
            return NULL;
        if (dom_is(n, "img")) {
            found = n;
            if (++count > 1)
                return NULL;
        }
    }
    return found;
}

/* <noscript> holds the real <img> of lazy-loaded pictures: move it into
 * the placeholder before it, or out of the noscript. Other noscript
 * content is dropped later with the junk, unless it is a whole article.
 * Each node is looked at a bounded number of times: noscripts inside a
 * kept one are kept without measuring them again (nested noscripts
 * would otherwise make this quadratic). */
static void
rescue_noscript(xmlNode *top)
{
    xmlNode *n = top->children;
    int in_kept = 0;
    xmlNode *kept_end = NULL;  /* first node after the kept region */
    while (n) {
        if (in_kept && n == kept_end)
            in_kept = 0;
        if (!dom_is(n, "noscript")) {
            n = dom_next(n, top, 0);
            continue;
        }
        xmlNode *ns = n;
        xmlNode *next = dom_next(ns, top, 1);
        int keep = in_kept;
        xmlNode *img = NULL;
        if (!keep) {
            /* Some sites (Blogger, old framesets) put the whole article in
             * <noscript> for readers without JavaScript: keep it. Where
             * the parser kept the content as raw text, it is markup for
             * scripts, not prose. */
            measure m = {0, 0, 0};
            int markup_as_text = 0;
            for (xmlNode *c = ns->children; c; c = dom_next(c, ns, 0)) {
                if (dom_is(c, "img") && !img)
                    img = c;
                if (c->type != XML_TEXT_NODE || !c->content)
                    continue;
                if (strchr((const char *)c->content, '<'))
                    markup_as_text = 1;
                if (c->parent != ns)
                    measure_text(&m, c->content);
            }
            keep = m.len >= 200 && !markup_as_text;
        }
        if (keep) {
            /* Moved text may merge into a text node before the noscript
             * (libxml2 frees the moved one), so restart from there. */
            xmlNode *prev = ns->prev, *parent = ns->parent;
            while (ns->children) {
                xmlNode *c = ns->children;
                xmlUnlinkNode(c);
                if (!xmlAddPrevSibling(ns, c))
                    xmlFreeNode(c);
            }
            drop_node(ns);
            if (!in_kept) {
                in_kept = 1;
                kept_end = next;
            }
            n = prev ? prev->next : parent->children;
            if (!n)
                n = next;
            continue;
        }
        if (img && !placeholder_src(dom_attr(img, "src"))) {
            xmlNode *target = noscript_target(ns);
            if (target && (placeholder_src(dom_attr(target, "src")) ||
                           dom_attr(target, "data-src") ||
                           dom_attr(target, "data-srcset"))) {
                /* Copy the real attributes over the placeholder's. */
                for (const xmlAttr *a = img->properties; a; a = a->next) {
                    if (!a->name || !a->children || !a->children->content)
                        continue;
                    const char *name = (const char *)a->name;
                    if (strcmp(name, "alt") == 0 && dom_attr(target, "alt") &&
                        *dom_attr(target, "alt"))
                        continue;
                    char *val = strdup((const char *)a->children->content);
                    if (val) {
                        set_attr(target, name, val);
                        free(val);
                    }
                }
            } else {
                xmlUnlinkNode(img);
                if (!xmlAddPrevSibling(ns, img))
                    xmlFreeNode(img);
            }
        }
        drop_node(ns);
        n = next;
    }
}

/* Fixes lazy images and drops pixels and sourceless images below top;
 * empties <iframe>s, whose text is a fallback for browsers without
 * frames, not content (the element stays for its src). */
static void
fix_images(xmlNode *top)
{
    xmlNode *n = top->children;
    while (n) {
        if (dom_is(n, "iframe")) {
            while (n->children)
                drop_node(n->children);
            n = dom_next(n, top, 1);
        } else if (dom_is(n, "img")) {
            xmlNode *nx = dom_next(n, top, 1);
            if (!fix_image(n))
                drop_node(n);
            n = nx;
        } else {
            n = dom_next(n, top, 0);
        }
    }
}

/* Containers that are worth nothing without text or media inside. */
static int
removable_when_empty(const xmlNode *n)
{
    static const char *const names[] = {
        "a", "article", "aside", "b", "blockquote", "center", "dd", "div",
        "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "i", "li", "main", "ol",
        "p", "section", "small", "span", "strong", "u", "ul", "picture",
        NULL
    };
    for (size_t i = 0; names[i]; i++)
        if (n->name[0] == (xmlChar)names[i][0]
            && strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return 0;
}

static int
blank_text(const xmlChar *s)
{
    if (!s)
        return 1;
    const unsigned char *p = s;
    while (*p) {
        uint32_t c = utf8_next(&p);
        if (!is_space_cp(c))
            return 0;
    }
    return 1;
}

static int
is_empty_el(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!blank_text(c->content))
                return 0;
        } else if (c->type == XML_ELEMENT_NODE) {
            if (!dom_is(c, "br") && !dom_is(c, "wbr"))
                return 0;
        }
    }
    return 1;
}

static xmlNode *
first_leaf(xmlNode *n)
{
    while (n->type == XML_ELEMENT_NODE && n->children)
        n = n->children;
    return n;
}

/* Post-order walk dropping empty containers, so emptiness travels up. */
static void
drop_empty(xmlNode *top)
{
    if (!top->children)
        return;
    xmlNode *n = first_leaf(top->children);
    while (n && n != top) {
        xmlNode *nx = n->next ? first_leaf(n->next) : n->parent;
        if (n->type == XML_ELEMENT_NODE && removable_when_empty(n) &&
            is_empty_el(n))
            drop_node(n);
        n = nx;
    }
}

/* The last child of `n` that is an element or non-blank text. */
static xmlNode *
last_meaningful(xmlNode *n)
{
    for (xmlNode *c = n->last; c; c = c->prev) {
        if (c->type == XML_ELEMENT_NODE)
            return c;
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            && !blank_text(c->content))
            return c;
    }
    return NULL;
}

static int
is_heading(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->name && n->name[0] == 'h' &&
           n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2];
}

/* A short "© 2020 Site. All rights reserved." line. */
static int
is_copyright(xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return 0;
    const char *p = (const char *)t;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    int r = strlen(p) < 200 &&
            (strncmp(p, "\xc2\xa9", 2) == 0 || strncmp(p, "Copyright", 9) == 0
             || strncmp(p, "(c) ", 4) == 0 || strncmp(p, "(C) ", 4) == 0);
    xmlFree(t);
    return r;
}

/* Drops what an article never ends with: a heading with nothing after
 * it (the title of a related-links box that was removed) or a copyright
 * line. Looks at the innermost last block, a few times over. */
static void
trim_tail(xmlNode *root)
{
    for (int round = 0; round < 8; round++) {
        xmlNode *n = root;
        xmlNode *last;
        while ((last = last_meaningful(n)) != NULL &&
               last->type == XML_ELEMENT_NODE && !is_heading(last) &&
               (dom_is(last, "div") || dom_is(last, "section") ||
                dom_is(last, "article") || dom_is(last, "main") ||
                dom_is(last, "header") || dom_is(last, "footer")) &&
               last->children)
            n = last;
        if (!last || last->type != XML_ELEMENT_NODE)
            return;
        if (!is_heading(last) &&
            !((dom_is(last, "p") || dom_is(last, "div") ||
               dom_is(last, "small") || dom_is(last, "span")) &&
              is_copyright(last)))
            return;
        drop_node(last);
        /* Containers left empty by the cut go too. */
        while (n != root && !last_meaningful(n)) {
            xmlNode *up = n->parent;
            drop_node(n);
            n = up;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Boilerplate lines                                                  */
/* ------------------------------------------------------------------ */

/* What class and id hints miss: short blocks whose words say what they
 * are. A "label" is a whole line that introduces links or widgets
 * ("Read also", "Share this:"); with only a few characters after it,
 * the block goes, and so does a link list right after it. A "lead" is
 * the start of a short paragraph that is never prose ("Posted in",
 * "Subscribe to"). A "mark" may stand anywhere in a short line ("All
 * rights reserved"). Lower-case; ASCII is folded when matching. Several
 * languages, since no page tells us which one to expect. */
static const char *const line_labels[] = {
    /* en */
    "related", "related articles", "related posts", "related stories",
    "related content", "related news", "related topics", "read more",
    "read also", "read next", "also read", "see also", "you may also like",
    "you might also like", "recommended", "recommended for you",
    "more from", "mehr von", "mehr aus", "more stories", "more on this",
    "more like this",
    "more news", "latest news", "top stories", "editor's picks",
    "view image", "enlarge image", "view gallery",
    "related coverage", "recommended reading", "popular now",
    "you may be interested in", "what to read next", "more to explore",
    "share this", "share this article", "share this post", "share on",
    "share:", "like this:", "leave a reply", "leave a comment",
    "comments", "back to top", "trending", "popular posts",
    "most popular", "most read", "don't miss", "further reading",
    /* de */
    "auch interessant", "das könnte sie auch interessieren",
    "das könnte dich auch interessieren", "das thema könnte",
    "lesen sie auch", "lies auch", "mehr zum thema", "mehr zu",
    "ähnliche themen", "meistgelesene artikel", "meistgelesen",
    "bild anzeigen", "bild vergrößern", "zur bildergalerie",
    "neueste artikel", "aktuelle artikel", "weitere nachrichten",
    "top-themen", "news rund um",
    "mehr themen", "weitere artikel", "weitere beiträge",
    "weitere meldungen", "weitere themen", "ähnliche artikel",
    "ähnliche beiträge", "empfohlene beiträge",
    "zum weiterlesen", "schon gelesen", "noch mehr", "teilen sie dies",
    "teilen mit", "diesen artikel teilen", "artikel teilen", "teilen:",
    "gefällt mir", "bewerten:", "kommentare", "kommentieren",
    "zurück nach oben", "nach oben", "zurück zur übersicht",
    "zurück zur liste", "zurück zur listenansicht", "verwandte artikel",
    "passend zum thema", "beliebte artikel", "meistgelesen",
    "weitere informationen", "weiterführende informationen",
    "weiterführende links", "zusatzinformationen", "kontakt",
    "unsere partner", "kommende events", "termine", "anzeige", "werbung",
    "quellenangaben", "originalartikel", "ansprechpartner",
    "ansprechpartnerin", "von:",
    "permalink", "permalien", "advertisement", "sponsored", "publicidad",
    "reklama", "contact", "our partners", "upcoming events",
    /* fr, es, pt, it */
    "lire aussi", "à lire aussi", "a lire aussi", "voir aussi",
    "à lire également", "audios et vidéos sur le sujet", "articles liés",
    "dans la même rubrique", "nos derniers articles", "les plus lus",
    "más información", "te recomendamos", "otras noticias",
    "lo más leído", "lo más visto", "mais lidas", "veja mais",
    "potrebbe interessarti", "ti potrebbe interessare", "i più letti",
    "sur le même sujet", "articles similaires", "partager",
    "temas relacionados", "notas relacionadas", "noticias relacionadas",
    "artículos relacionados", "video recomendado", "lee también",
    "lea también", "te puede interesar", "también te puede interesar",
    "compartir", "leia também", "leia mais", "veja também",
    "notícias relacionadas", "leggi anche", "articoli correlati",
    /* pl, ru */
    "czytaj także", "czytaj też", "zobacz także", "zobacz też",
    "podobne artykuły", "najczęściej czytane", "polecamy",
    "читайте также", "похожие статьи", "другие новости",
    "поделиться",
    /* zh, ja */
    "相关文章", "相关阅读", "相关新闻", "関連記事", "関連ニュース",
    /* ar, he */
    "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "مواضيع ذات صلة", "שתפו",
    "קראו גם", "כתבות נוספות",
    NULL
};

static const char *const line_leads[] = {
    /* en */
    "this entry was posted", "this post was", "posted in ",
    "posted on ", "filed under", "tagged ", "tags:", "tag:",
    "categories:", "category:", "category :", "last modified",
    "last updated", "release date:", "subscribe to", "subscribe now",
    "sign up for", "sign up to", "never miss", "follow us",
    "follow the ", "to view the full story", "if you enjoyed",
    "did you enjoy", "you must be logged in", "read more:",
    "read also:", "see also:", "related:", "pingback", "trackback",
    "comments are closed", "copyright ", "©", "(c) ",
    "for the latest news", "for the latest stories",
    "for the latest updates", "get the latest news",
    "get the latest stories", "get the latest updates", "download the app",
    "we want to hear what you think", "do you want to be informed",
    "suggested citation", "view all posts by", "news date",
    "you are not logged in", "instant access to",
    "let us know in the comments", "tell us in the comments",
    /* de */
    "dieser eintrag wurde", "dieser beitrag wurde",
    "veröffentlicht in", "erstellt am", "aktualisiert am",
    "zuletzt aktualisiert", "kategorie:", "kategorien:",
    "schlagwörter:", "schlagworte:", "abonnieren sie",
    "melden sie sich", "folgen sie uns", "lesen sie auch:",
    "mehr dazu:", "mehr zum thema:", "kommentare geschlossen",
    "sie müssen sich einloggen", "sie müssen angemeldet",
    "war der artikel", "war dieser artikel", "hat ihnen der artikel",
    "hat dir der artikel", "möchten sie den artikel", "gefällt dir",
    "pingback von", "werbung.", "werbung:", "anzeige:", "anzeige -",
    "advertisement:", "verfasst von:", "veröffentlichung:", "stand:",
    "zeige alle beiträge von", "alle beiträge von",
    "sie sind aktuell nicht eingeloggt", "sie sind nicht eingeloggt",
    "bei fragen und anregungen", "verraten sie uns", "verraten sie gerne",
    "schreiben sie uns in den kommentaren", "dieser text wurde veröffentlicht",
    "dieser artikel wurde veröffentlicht",
    "jetzt neu!", "mit diesem button",
    /* fr, es, pt, it, pl */
    "publié le", "mis à jour le", "lire aussi :", "à lire aussi :",
    "mira:", "mire:", "puedes ver:", "lea también:", "lee también:",
    "te puede interesar:", "lea más:", "leer más:", "únete",
    "¿ya sabías", "síguenos", "leia também:", "leggi anche:",
    "czytaj także:", "czytaj też:", "zobacz też:", "zapraszamy",
    "puede escribirnos", "suscríbete", "abonnez-vous", "inscrivez-vous",
    NULL
};

static const char *const line_marks[] = {
    "all rights reserved", "alle rechte vorbehalten",
    "todos los derechos reservados", "tous droits réservés",
    "wszelkie prawa zastrzeżone", "все права защищены",
    "tutti i diritti riservati", "todos os direitos reservados",
    "already a subscriber", "written permission", "copyrighted property",
    "sind bereits abonnent", "déjà abonné", "ya eres suscriptor",
    "angaben ohne gewähr", "unless otherwise noted",
    "unless otherwise stated", "sofern nicht anders ausgewiesen",
    "sofern nicht anders angegeben", "sauf mention contraire",
    "erfolgreich hinzugefügt", "added to your cart",
    "zum warenkorb hinzugefügt",
    NULL
};

#define LINE_CAP 512

/* The text under `n` into `buf` (LINE_CAP + 1 bytes), white space
 * collapsed, lower-cased (ASCII, Latin-1, Cyrillic); returns its length.
 * Visits a bounded number of nodes, so calling this for every block
 * keeps the whole sweep linear. Returns 0 when the subtree is too big to
 * be a line. */
static size_t
line_text(xmlNode *n, char *buf)
{
    size_t j = 0, total = 0;
    int visits = 0, space = 1;
    for (xmlNode *c = n->children; c;) {
        if (++visits > 96)
            return 0;
        if (c->type == XML_TEXT_NODE && c->content) {
            for (const unsigned char *s = c->content; *s; s++) {
                int sp = *s == ' ' || *s == '\t' || *s == '\n' ||
                         *s == '\r' || *s == '\f';
                if (s[0] == 0xC2 && s[1] == 0xA0) { /* no-break space */
                    s++;
                    sp = 1;
                }
                if (sp && space)
                    continue;
                space = sp;
                total++;
                if (total + 1 > LINE_CAP)
                    return 0;
                /* Latin-1 and Cyrillic capitals fold too ("Ähnliche",
                 * "Читайте"): two-byte sequences, same length. */
                if (s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E &&
                    s[1] != 0x97) {
                    buf[j++] = (char)s[0];
                    buf[j++] = (char)(s[1] + 0x20);
                    s++, total++;
                    continue;
                }
                if (s[0] == 0xD0 && s[1] >= 0x80 && s[1] <= 0xAF) {
                    unsigned u = s[1];
                    buf[j++] = (char)(u >= 0x90 && u <= 0x9F ? 0xD0 : 0xD1);
                    buf[j++] = (char)(u >= 0x90 && u <= 0x9F ? u + 0x20
                                      : u >= 0xA0 ? u - 0x20 : u + 0x10);
                    s++, total++;
                    continue;
                }
                buf[j++] = sp ? ' ' : (char)tolower(*s);
            }
        }
        c = dom_next(c, n, 0);
    }
    while (j && buf[j - 1] == ' ')
        j--;
    buf[j] = '\0';
    return j;
}

static int
starts_with(const char *s, const char *w)
{
    return *s == *w && strncmp(s, w, strlen(w)) == 0;
}

/* A short line that is only a date or a time ("23.10.2018", "5. Mai
 * 2014", "19:49"): mostly digits, with a year or a clock time. */
static int
date_line(const char *s, size_t len)
{
    size_t digits = 0, other = 0;
    int year = 0, clock = 0;
    if (len > 32)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c)) {
            digits++;
            if (i + 4 <= len && (strncmp(s + i, "19", 2) == 0 ||
                                 strncmp(s + i, "20", 2) == 0) &&
                isdigit((unsigned char)s[i + 2]) &&
                isdigit((unsigned char)s[i + 3]) &&
                (i + 4 == len || !isdigit((unsigned char)s[i + 4])) &&
                (i == 0 || !isdigit((unsigned char)s[i - 1])))
                year = 1;
            if (i + 3 < len && s[i + 1] == ':' &&
                isdigit((unsigned char)s[i + 2]) &&
                isdigit((unsigned char)s[i + 3]))
                clock = 1;
        } else if (c != ' ' && (c & 0xC0) != 0x80) {
            other++;
        }
    }
    return (year || clock) && digits * 10 >= (digits + other) * 4;
}

/* A teaser: a cut-off text that ends in an ellipsis and a "more" link
 * ("Auskunft über vergangenes Wetter… mehr", "…zu […]"). */
static int
teaser_line(const char *s, size_t len)
{
    static const char *const more[] = {
        "more", "read more", "mehr", "weiterlesen", "lire la suite",
        "leer más", "leia mais", "continua", "czytaj dalej", "[…]", "[...]",
        NULL
    };
    /* Trailing arrows, bullets and brackets of the link. */
    while (len > 0) {
        unsigned char c = (unsigned char)s[len - 1];
        if (c == ' ' || c == '>' || c == ')') {
            len--;
        } else if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 &&
                   (c == 0xBB || c == 0xB7)) {            /* » · */
            len -= 2;
        } else if (len >= 3 && (unsigned char)s[len - 3] == 0xE2 &&
                   ((unsigned char)s[len - 2] == 0x80 &&
                    (c == 0xA2 || c == 0xBA))) {          /* • › */
            len -= 3;
        } else {
            break;
        }
    }
    for (size_t i = 0; more[i]; i++) {
        size_t w = strlen(more[i]);
        if (len < w + 3 || memcmp(s + len - w, more[i], w) != 0)
            continue;
        if (more[i][0] == '[')
            return 1;
        /* An ellipsis just before the word. */
        size_t end = len - w;
        while (end > 0 && s[end - 1] == ' ')
            end--;
        if ((end >= 3 && memcmp(s + end - 3, "\xe2\x80\xa6", 3) == 0) ||
            (end >= 3 && memcmp(s + end - 3, "...", 3) == 0))
            return 1;
    }
    return 0;
}

/* 1: a label line, 2: a lead or a mark, 0: prose. */
static int
line_kind(const char *s, size_t len, int datable)
{
    for (;;) {
        if (*s && strchr(" -*>|/[(", *s)) {
            s++, len--;
        } else if (starts_with(s, "\xe2\x80\xa2") ||
                   starts_with(s, "\xe2\x86\x92")) { /* bullet, arrow */
            s += 3, len -= 3;
        } else if (starts_with(s, "\xc2\xbb")) { /* guillemet */
            s += 2, len -= 2;
        } else {
            break;
        }
    }
    for (size_t i = 0; line_labels[i]; i++) {
        if (line_labels[i][0] != *s)
            continue;
        size_t w = strlen(line_labels[i]);
        if (strncmp(s, line_labels[i], w) != 0)
            continue;
        /* The label alone, or with a short tail ("Mehr von Site",
         * "Comments (3)", "Mehr zum Thema auf site.de") but not the
         * start of a sentence. */
        const char *t = s + w;
        size_t tl = len - w;
        if (!*t || *t == ':' || *t == '?' || *t == '!' || *t == '.' ||
            *t == ' ' || *t == '(' || *t == ',')
            if (tl <= 32 && !strstr(t, ". ") &&
                !(tl > 1 && t[tl - 1] == '.'))
                return 1;
    }
    /* A copyright notice may run to a few sentences ("This article is
     * the property of... Written permission must be obtained..."). */
    /* So may a disclosure of affiliate links or of what a blocked
     * embed would send. */
    static const char *const long_leads[] = {
        "this post contains references to", "this post may contain",
        "this article contains affiliate", "this article may contain",
        "für links auf dieser seite", "wir respektieren deine privatsphäre",
        "wir respektieren ihre privatsphäre", NULL
    };
    for (size_t i = 0; len <= 400 && long_leads[i]; i++)
        if (starts_with(s, long_leads[i]))
            return 2;
    if (len > 240 && len <= 400 &&
        (starts_with(s, "\xc2\xa9") || starts_with(s, "copyright ") ||
         starts_with(s, "(c) "))) {
        static const char *const legal[] = {
            "permission", "reserved", "rights", "reprint", "reproduc",
            "genehmigung", "vorbehalten", "droits", "derechos", "diritti",
            NULL
        };
        for (size_t i = 0; legal[i]; i++)
            if (strstr(s, legal[i]))
                return 2;
    }
    if (len <= 400 && teaser_line(s, len))
        return 2;
    if (len > 240)
        return 0;
    for (size_t i = 0; line_leads[i]; i++)
        if (starts_with(s, line_leads[i]))
            return 2;
    if (datable && date_line(s, len))
        return 2;
    /* A byline: "By Jane Doe", "VON Sina Giebel", a name or two. */
    if (datable && len <= 48) {
        static const char *const by[] = {
            "by ", "von ", "par ", "por ", "door ", "av ", "od ", NULL
        };
        for (size_t i = 0; by[i]; i++) {
            if (!starts_with(s, by[i]))
                continue;
            int words = 1;
            for (const char *p = s; *p; p++)
                if (*p == ' ')
                    words++;
            if (words <= 5 && !strchr(s, '.') && !strchr(s, ','))
                return 2;
        }
    }
    /* "5 min read", "2 months ago", "By Jane Doe Feb 8, 2020 5 min
     * read", "Asked 8 years, 2 months ago", "vor 3 Stunden". */
    if (len < 24 && isdigit((unsigned char)s[0]) &&
        (strstr(s, " min read") || strstr(s, " ago")))
        return 2;
    if (len < 80 && strpbrk(s, "0123456789") &&
        (strstr(s, " min read") || strstr(s, " minutes read") ||
         strstr(s, " min. lesezeit") || strstr(s, " minuten lesezeit") ||
         strstr(s, " min de lecture") || strstr(s, " minutos de lectura") ||
         (len < 40 && len > 4 && strcmp(s + len - 4, " ago") == 0)))
        return 2;
    if (len < 24 && starts_with(s, "vor ") && isdigit((unsigned char)s[4]))
        return 2;
    if (len < 160)
        for (size_t i = 0; line_marks[i]; i++)
            if (strstr(s, line_marks[i]))
                return 2;
    return 0;
}

static int
line_block(const xmlNode *n)
{
    static const char *const names[] = {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd",
        "section", "header", "footer", "aside", "small", "span", "strong",
        "b", "ul", "nav", "address", "a", NULL
    };
    for (size_t i = 0; names[i]; i++)
        if (n->name[0] == (xmlChar)names[i][0]
            && strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return 0;
}

/* Inline elements count as lines only when they stand alone between
 * blocks or line breaks, never in the middle of a sentence. */
static int
inline_alone(const xmlNode *n)
{
    static const char *const phrasing[] = {
        "a", "span", "strong", "b", "em", "i", "small", "code", "u",
        "abbr", "time", "sup", "sub", "mark", "font", NULL
    };
    if (dom_is(n, "span") == 0 && dom_is(n, "strong") == 0 &&
        dom_is(n, "b") == 0 && dom_is(n, "small") == 0 &&
        dom_is(n, "a") == 0)
        return 1;
    const xmlNode *sib[2] = {n->prev, n->next};
    for (int k = 0; k < 2; k++) {
        for (const xmlNode *c = sib[k]; c; c = k ? c->next : c->prev) {
            if (c->type == XML_TEXT_NODE) {
                if (!blank_text(c->content))
                    return 0;
                continue;
            }
            if (c->type != XML_ELEMENT_NODE)
                continue;
            for (size_t i = 0; phrasing[i]; i++)
                if (strcmp((const char *)c->name, phrasing[i]) == 0)
                    return 0;
            break;
        }
    }
    return 1;
}

/* The element after `n`, skipping blank text. */
static xmlNode *
next_element(xmlNode *n)
{
    for (xmlNode *c = n->next; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return c;
        if (c->type == XML_TEXT_NODE && !blank_text(c->content))
            return NULL;
    }
    return NULL;
}

/* Mostly links, by a bounded count: what follows a "Read also". */
static int
link_list(xmlNode *n)
{
    uint64_t text = 0, link = 0;
    int visits = 0;
    for (xmlNode *c = n->children; c; c = dom_next(c, n, 0)) {
        if (++visits > 400)
            return 0;
        if (c->type != XML_TEXT_NODE || !c->content)
            continue;
        measure m = {0, 0, 0};
        measure_text(&m, c->content);
        text += m.len;
        for (xmlNode *p = c->parent; p && p != n; p = p->parent)
            if (dom_is(p, "a")) {
                link += m.len;
                break;
            }
    }
    return text > 0 && link * 10 >= text * 6;
}

/* Drops boilerplate lines inside the article. One pre-order walk; each
 * block costs at most a bounded look at its subtree. */
static void
drop_lines(xmlNode *root)
{
    char buf[LINE_CAP + 1];
    xmlNode *n = root->children;
    while (n) {
        /* Captions and credits are content, whatever they say. */
        if (dom_is(n, "figure") || dom_is(n, "figcaption") ||
            dom_is(n, "blockquote") || dom_is(n, "pre") ||
            dom_is(n, "table")) {
            n = dom_next(n, root, 1);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || !line_block(n) ||
            !inline_alone(n)) {
            n = dom_next(n, root, 0);
            continue;
        }
        size_t len = line_text(n, buf);
        /* Not list items ("250 g flour") nor headings ("1989"). */
        int datable = !dom_is(n, "li") && !is_heading(n) &&
                      !dom_is(n, "ul") && !dom_is(n, "dt") &&
                      !dom_is(n, "dd");
        int kind = len ? line_kind(buf, len, datable) : 0;
        if (!kind) {
            n = dom_next(n, root, 0);
            continue;
        }
        xmlNode *after = kind == 1 ? next_element(n) : NULL;
        xmlNode *nx = dom_next(n, root, 1);
        if (after && (dom_is(after, "ul") || dom_is(after, "ol") ||
                      dom_is(after, "div") || dom_is(after, "p")) &&
            link_list(after)) {
            nx = dom_next(after, root, 1);
            drop_node(after);
        }
        drop_node(n);
        n = nx;
    }
}

/* ------------------------------------------------------------------ */
/* Title duplicates                                                   */
/* ------------------------------------------------------------------ */

/* Lower-case letters and digits of `s` (ASCII folded, other code points
 * kept), for comparing headlines. */
static size_t
fold(char *out, size_t cap, const char *s)
{
    size_t j = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && j + 5 < cap) {
        const unsigned char *st = p;
        uint32_t c = utf8_next(&p);
        if (c < 0x80) {
            if (isalnum((int)c))
                out[j++] = (char)tolower((int)c);
        } else if (!is_space_cp(c) && !is_comma_cp(c) && !is_stop_cp(c) &&
                   !(c >= 0x2010 && c <= 0x206F)) {
            size_t k = (size_t)(p - st);
            memcpy(out + j, st, k);
            j += k;
        }
    }
    out[j] = '\0';
    return j;
}

static int
same_headline(const char *a, const char *b)
{
    char fa[1024], fb[1024];
    size_t la = fold(fa, sizeof fa, a);
    size_t lb = fold(fb, sizeof fb, b);
    if (la == 0 || lb == 0)
        return 0;
    if (la == lb)
        return strcmp(fa, fb) == 0;
    /* The title may carry a site name the heading lacks, or the other
     * way round: accept containment of most of the longer one. */
    const char *lo = la > lb ? fa : fb;
    const char *sh = la > lb ? fb : fa;
    size_t ll = la > lb ? la : lb, sl = la > lb ? lb : la;
    return sl * 4 >= ll * 3 && strstr(lo, sh) != NULL;
}

/* Records the first headings (h1..h3) that repeat the title. Small
 * headings only, and a bounded number, so this stays linear. */
static void
find_title_heads(elindex *ix, const char *title)
{
    int seen = 0;
    for (uint32_t i = 0; i < ix->n && seen < 64 && ix->n_heads < MAX_HEADS;
         i++) {
        el *e = &ix->v[i];
        if (e->tag != T_H1 && e->tag != T_H2 && e->tag != T_H3)
            continue;
        seen++;
        if ((e->flags & F_JUNK) || e->end - i > 64 || e->text0 > 2000)
            continue;
        xmlChar *t = xmlNodeGetContent(e->node);
        if (t && same_headline((const char *)t, title))
            ix->heads[ix->n_heads++] = i;
        else if (ix->n_peers < MAX_PEERS)
            ix->peers[ix->n_peers++] = i;
        xmlFree(t);
    }
    /* Only other <h1>s, when the title is one, are headlines: the
     * sections of an article titled by an <h2> are <h2>s too. */
    int k = 0;
    for (int j = 0; ix->n_heads > 0 && j < ix->n_peers; j++)
        if (ix->v[ix->heads[0]].tag == T_H1 &&
            ix->v[ix->peers[j]].tag == T_H1)
            ix->peers[k++] = ix->peers[j];
    ix->n_peers = k;
}

/* Drops a leading h1..h3 repeating the title. */
static void
drop_title_heading(xmlNode *top, const char *title)
{
    if (!title || !*title)
        return;
    uint64_t before = 0;
    for (xmlNode *n = top->children; n;) {
        if (n->type == XML_ELEMENT_NODE &&
            (dom_is(n, "h1") || dom_is(n, "h2") || dom_is(n, "h3"))) {
            xmlChar *t = xmlNodeGetContent(n);
            int same = t && same_headline((const char *)t, title);
            xmlFree(t);
            if (same) {
                drop_node(n);
                return;
            }
            n = dom_next(n, top, 1);
            continue;
        }
        if (n->type == XML_TEXT_NODE) {
            measure m = {0, 0, 0};
            measure_text(&m, n->content);
            before += m.len;
            if (before > 200)
                return;
        }
        n = dom_next(n, top, 0);
    }
}

/* ------------------------------------------------------------------ */
/* JSON-LD articleBody                                                */
/* ------------------------------------------------------------------ */

/* Many pages state their article text in JSON-LD. It is evidence, not
 * the answer: the markup has links, images and headings the JSON lacks,
 * and the JSON may hold a teaser only. It is used when the page's own
 * markup does not carry the text at all (a page its scripts render). */

#define LD_BYTES (2u << 20)   /* a larger JSON-LD script is skipped */
#define LD_SCRIPTS FOLIO__LD_MARKS /* JSON-LD scripts looked at */
#define LD_DEPTH 8            /* nesting looked into */
#define LD_ITEMS 512          /* array items / object members looked at */
#define LD_MIN_BODY 400       /* bytes: shorter is a summary */
#define NPROBE 6

/* The longest "articleBody" string in `v` (bounded depth and breadth). */
static void
ld_body_in(json_t *v, int depth, const char **best, size_t *best_len)
{
    if (!v || depth > LD_DEPTH)
        return;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < LD_ITEMS; i++)
            ld_body_in(json_array_get(v, i), depth + 1, best, best_len);
        return;
    }
    if (!json_is_object(v))
        return;
    const char *key;
    json_t *val;
    size_t seen = 0;
    json_object_foreach(v, key, val) {
        if (++seen > LD_ITEMS)
            break;
        if (strcmp(key, "articleBody") == 0 && json_is_string(val)) {
            size_t n = json_string_length(val);
            if (n > *best_len) {
                *best = json_string_value(val);
                *best_len = n;
            }
        } else if (json_is_object(val) || json_is_array(val)) {
            ld_body_in(val, depth + 1, best, best_len);
        }
    }
}

/* The longest JSON-LD articleBody of the page, malloc'd, or NULL. */
static char *
ld_article_body(const folio__parse_marks *marks)
{
    char *out = NULL;
    size_t out_len = 0;
    size_t n_found = marks->n_ld < LD_SCRIPTS ? marks->n_ld : LD_SCRIPTS;
    xmlNode *const *found = marks->ld;
    for (size_t k = 0; k < n_found; k++) {
        xmlChar *text = xmlNodeGetContent(found[k]);
        if (!text)
            continue;
        const char *js = (const char *)text;
        while (*js == ' ' || *js == '\t' || *js == '\n' || *js == '\r')
            js++;
        if (strncmp(js, "<![CDATA[", 9) == 0)
            js += 9;
        size_t len = strlen(js);
        const char *end = strstr(js, "]]>");
        if (end)
            len = (size_t)(end - js);
        json_error_t err;
        json_t *root = len <= LD_BYTES
                           ? json_loadb(js, len, JSON_DECODE_ANY, &err)
                           : NULL;
        xmlFree(text);
        if (!root)
            continue;
        const char *best = NULL;
        size_t best_len = 0;
        ld_body_in(root, 0, &best, &best_len);
        if (best && best_len > out_len) {
            char *copy = malloc(best_len + 1);
            if (copy) {
                memcpy(copy, best, best_len);
                copy[best_len] = '\0';
                free(out);
                out = copy;
                out_len = best_len;
            }
        }
        json_decref(root);
    }
    return out;
}

/* Growing text buffer, white space collapsed. */
typedef struct tbuf {
    char *s;
    size_t n, cap;
    int space;
} tbuf;

static int
tbuf_add(tbuf *b, const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        int sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                 c == '\f';
        if (sp) {
            if (b->space)
                continue;
            c = ' ';
        }
        b->space = sp;
        if (b->n + 2 > b->cap) {
            size_t nc = b->cap ? b->cap * 2 : 4096;
            char *ns = realloc(b->s, nc);
            if (!ns)
                return FOLIO_ENOMEM;
            b->s = ns;
            b->cap = nc;
        }
        b->s[b->n++] = c;
        b->s[b->n] = '\0';
    }
    return FOLIO_OK;
}

/* The visible text below `top` (no scripts or styles), collapsed. */
static char *
plain_text(xmlNode *top)
{
    tbuf b = {NULL, 0, 0, 1};
    if (tbuf_add(&b, " ", 1) < 0)
        return NULL;
    for (xmlNode *n = top->children; n;) {
        if (n->type == XML_ELEMENT_NODE &&
            (dom_is(n, "script") || dom_is(n, "style") ||
             dom_is(n, "template") || dom_is(n, "noscript"))) {
            n = dom_next(n, top, 1);
            continue;
        }
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            && n->content &&
            tbuf_add(&b, (const char *)n->content,
                     strlen((const char *)n->content)) < 0) {
            free(b.s);
            return NULL;
        }
        /* Blocks end words. */
        if (n->type == XML_ELEMENT_NODE && (tag_lookup(n)->kind & K_BLOCK) &&
            tbuf_add(&b, " ", 1) < 0) {
            free(b.s);
            return NULL;
        }
        n = dom_next(n, top, 0);
    }
    return b.s;
}

/* How many of NPROBE pieces of `body` (collapsed) occur in `text`. */
static int
probe_hits(const char *body, const char *text)
{
    size_t len = strlen(body);
    int hits = 0;
    for (int k = 0; k < NPROBE; k++) {
        size_t at = len * (size_t)(2 * k + 1) / (2 * NPROBE);
        /* From the start of a word, 32 bytes, whole characters. */
        while (at < len && body[at] != ' ')
            at++;
        while (at < len && body[at] == ' ')
            at++;
        size_t n = len - at < 32 ? len - at : 32;
        while (n > 0 && ((unsigned char)body[at + n] & 0xC0) == 0x80)
            n--;
        if (n < 12)
            continue;
        char probe[40];
        memcpy(probe, body + at, n);
        probe[n] = '\0';
        if (strstr(text, probe))
            hits++;
    }
    return hits;
}

/* The articleBody as paragraphs in a new <div> at the end of `body`:
 * line breaks and <p>/<br> (some sites put markup in it) end paragraphs,
 * other tags are dropped. */
static xmlNode *
ld_body_tree(xmlDocPtr html, xmlNode *body, const char *ab)
{
    xmlNode *div = xmlNewDocNode(html, NULL, (const xmlChar *)"div", NULL);
    if (!div)
        return NULL;
    tbuf line = {NULL, 0, 0, 1};
    for (const char *p = ab;; p++) {
        int brk = *p == '\0' || *p == '\n';
        const char *q = *p == '<' && (isalpha((unsigned char)p[1]) ||
                                      p[1] == '/') ? strchr(p, '>') : NULL;
        if (q) {
            char name[4] = {0};
            const char *t = p[1] == '/' ? p + 2 : p + 1;
            for (int i = 0; i < 3 && isalnum((unsigned char)t[i]); i++)
                name[i] = (char)tolower((unsigned char)t[i]);
            brk = strcmp(name, "p") == 0 || strcmp(name, "br") == 0 ||
                  strcmp(name, "div") == 0 || strcmp(name, "li") == 0;
            if (!brk && tbuf_add(&line, " ", 1) < 0)
                break;
            p = q;
        } else if (!brk && tbuf_add(&line, p, 1) < 0) {
            break;
        }
        if (brk) {
            size_t a = 0, z = line.n;
            while (a < z && line.s[a] == ' ')
                a++;
            while (z > a && line.s[z - 1] == ' ')
                z--;
            if (z > a) {
                xmlNode *para = xmlNewDocNode(html, NULL,
                                              (const xmlChar *)"p", NULL);
                if (!para)
                    break;
                xmlNodeAddContentLen(para, (const xmlChar *)line.s + a,
                                     (int)(z - a));
                xmlAddChild(div, para);
            }
            line.n = 0;
            line.space = 1;
            if (*p == '\0')
                break;
        }
    }
    free(line.s);
    if (!div->children) {
        xmlFreeNode(div);
        return NULL;
    }
    xmlAddChild(body, div);
    return div;
}

/* Is `root` missing the text the page states in JSON-LD, and the page's
 * markup too? Then the JSON is the only copy of the article. */
static int
needs_ld_body(xmlNode *root, xmlNode *body, const char *ab)
{
    tbuf nb = {NULL, 0, 0, 1};
    if (tbuf_add(&nb, ab, strlen(ab)) < 0)
        return 0;
    int use = 0;
    if (nb.n >= LD_MIN_BODY) {
        char *rt = root ? plain_text(root) : NULL;
        if (!root || (rt && probe_hits(nb.s, rt) * 2 < NPROBE &&
                      strlen(rt) * 2 < nb.n)) {
            char *bt = plain_text(body);
            use = bt && probe_hits(nb.s, bt) * 2 < NPROBE;
            free(bt);
        }
        free(rt);
    }
    free(nb.s);
    return use;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                       */
/* ------------------------------------------------------------------ */

static xmlNode *
find_body(xmlDocPtr html)
{
    xmlNode *root = xmlDocGetRootElement(html);
    if (!root)
        return NULL;
    if (dom_is(root, "body"))
        return root;
    for (xmlNode *c = root->children; c; c = c->next)
        if (dom_is(c, "body"))
            return c;
    return root;
}

/* The shortest article we accept from a strict pass before trying a
 * looser one (weighted characters, so ~170 CJK characters). */
#define MIN_ARTICLE 500
#define MIN_DECLARED 140

static void
finish(xmlNode *root, const char *title)
{
    drop_comments(root);
    fix_images(root);
    if (title)
        drop_title_heading(root, title);
    drop_empty(root);
}

int
folio__extract(folio__extract_result *out, xmlDocPtr html,
               const char *title, const folio__parse_marks *marks,
               folio_job *job)
{
    elindex ix;
    memset(&ix, 0, sizeof ix);
    pick pk = {NULL, 0, 0, 0, 0, 0};
    int rc = FOLIO_OK;
    char *ab = NULL;
    out->root = NULL;
    out->fallback = false;
    xmlNode *body = html ? find_body(html) : NULL;
    if (!body)
        return FOLIO_ENOTFOUND;
    /* Read before extraction removes the scripts. */
    folio__parse_marks found;
    if (!marks) {
        folio__parse_marks_find(html, &found);
        marks = &found;
    }
    ab = ld_article_body(marks);
    if (marks->noscript)
        rescue_noscript(body);
    rc = index_build(&ix, body);
    if (rc < 0)
        goto done;
    index_text0(&ix);
    if (ix.total == 0) {
        /* Nothing in the markup: the JSON-LD may hold the article. */
        if (ab && needs_ld_body(NULL, body, ab) &&
            (out->root = ld_body_tree(html, body, ab)) != NULL) {
            folio__job_note(job, "extract: the article text is the page's "
                            "JSON-LD articleBody");
            goto done;
        }
        rc = FOLIO_ENOTFOUND;
        goto done;
    }
    if (title)
        find_title_heads(&ix, title);
    int chosen = -1, last = -1;
    uint64_t best_len = 0;
    for (int pass = 0; pass < NPASS; pass++) {
        rc = pass_run(&ix, pass, &pk, job);
        if (rc < 0)
            goto done;
        folio__job_note(job, "extract: pass %d kept %llu characters", pass,
                        (unsigned long long)pk.text);
        if (pk.text > best_len + best_len / 4 || chosen < 0) {
            best_len = pk.text;
            chosen = pass;
        }
        last = pass;
        if (pk.text >= MIN_ARTICLE)
            break;
        /* The strict pass found what the page declares as its article:
         * a short article is still the article. */
        if (pass == PASS_STRICT && pk.text >= MIN_DECLARED &&
            (ix.v[pk.top].flags & F_DECLARED))
            break;
    }
    if (best_len == 0) {
        /* Nothing scored: the <body> without junk. */
        rc = pass_run(&ix, PASS_LOOSE, &pk, NULL);
        if (rc < 0)
            goto done;
        pk.n = 0;
        pk.scored = 0;
        rc = pick_add(&pk, 0);
        if (rc < 0)
            goto done;
        chosen = NPASS;
    } else if (chosen != last) {
        rc = pass_run(&ix, chosen, &pk, NULL);
        if (rc < 0)
            goto done;
    }
    out->fallback = chosen != PASS_STRICT || !pk.scored;
    if (out->fallback)
        folio__job_note(job, "extract: fallback (pass %d)", chosen);
    for (uint32_t k = 0; k < pk.n; k++)
        apply_removals(&ix, pk.roots[k], job);
    xmlNode *root;
    if (pk.n == 1) {
        root = ix.v[pk.roots[0]].node;
    } else {
        root = xmlNewDocNode(html, NULL, (const xmlChar *)"div", NULL);
        if (!root) {
            rc = FOLIO_ENOMEM;
            goto done;
        }
        xmlNode *first = ix.v[pk.roots[0]].node;
        if (!xmlAddPrevSibling(first, root)) {
            xmlFreeNode(root);
            rc = FOLIO_ENOMEM;
            goto done;
        }
        for (uint32_t k = 0; k < pk.n; k++) {
            xmlNode *c = ix.v[pk.roots[k]].node;
            xmlUnlinkNode(c);
            xmlAddChild(root, c);
        }
    }
    finish(root, title);
    drop_lines(root);
    drop_empty(root);
    trim_tail(root);
    if (ab && needs_ld_body(root->children ? root : NULL, body, ab)) {
        xmlNode *ld = ld_body_tree(html, body, ab);
        if (ld) {
            folio__job_note(job, "extract: the markup lacks the text of the "
                            "page's JSON-LD articleBody: using that");
            root = ld;
            out->fallback = false;
        }
    }
    if (!root->children) {
        rc = FOLIO_ENOTFOUND;
        goto done;
    }
    out->root = root;
done:
    free(ab);
    free(ix.v);
    free(pk.roots);
    return rc;
}

int
folio__clean_whole(folio__extract_result *out, xmlDocPtr html,
                   const folio__parse_marks *marks, folio_job *job)
{
    elindex ix;
    memset(&ix, 0, sizeof ix);
    int rc = FOLIO_OK;
    (void)job;
    out->root = NULL;
    out->fallback = false;
    xmlNode *body = html ? find_body(html) : NULL;
    if (!body)
        return FOLIO_ENOTFOUND;
    folio__parse_marks found;
    if (!marks) {
        folio__parse_marks_find(html, &found);
        marks = &found;
    }
    if (marks->noscript)
        rescue_noscript(body);
    rc = index_build(&ix, body);
    if (rc < 0)
        goto done;
    pass_measure(&ix, PASS_LOOSE);
    /* Forms go too: --no-extract keeps the page, not its controls. But
     * not a form around the whole page (ASP.NET wraps <body> in one). */
    for (uint32_t i = 1; i < ix.n; i++)
        if ((ix.v[i].tag == T_FORM || ix.v[i].tag == T_FIELDSET) &&
            ix.v[i].text * 2 <= ix.v[0].text)
            ix.v[i].cc = 1;
    apply_removals(&ix, 0, NULL);
    finish(body, NULL);
    out->root = body;
done:
    free(ix.v);
    return rc;
}
