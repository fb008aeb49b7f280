/* SPDX-License-Identifier: MIT */
/*
 * Guessing the charset of a page that declares none and is not valid
 * UTF-8. Each candidate decoding of a sample is scored by how plausible
 * its non-ASCII characters are as text: letters of one script in words,
 * the common characters of Chinese and Korean, kana, lower-case Cyrillic
 * and accented Latin letters next to other letters score; replacement
 * characters, C1 controls, private-use code points and symbols inside
 * words cost. Wrong decodings of legacy text produce exactly those:
 * "Ïðèâåò" for Cyrillic read as windows-1252, "±" inside a Polish word
 * read the same way, rare ideographs for Korean read as GBK.
 */
#include "import.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Bytes of the page the guess looks at, from its first non-ASCII byte. */
#define SAMPLE_MAX (64 * 1024)

/* Fewer non-ASCII bytes than this are too little evidence to leave the
 * default for. */
#define EVIDENCE_MIN 16


/* The candidates, in the order that wins ties. */
static const char *const candidates[] = {
    "UTF-8", "WINDOWS-1252", "WINDOWS-1250", "ISO-8859-2", "WINDOWS-1251",
    "KOI8-R", "WINDOWS-1253", "WINDOWS-1255", "WINDOWS-1256", "CP874",
    "GB18030", "BIG5-HKSCS", "CP932", "EUC-JP", "CP949",
};

/* Frequent Chinese characters, simplified and traditional. */
static const char common_han[] =
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要"
    "下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只"
    "作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现"
    "分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名"
    "定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再"
    "平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书"
    "比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更"
    "反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接"
    "它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功"
    "指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达"
    "办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式"
    "李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广"
    "改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包"
    "组造落视济喜离虽坏兴切乎器准图們這個說來會時為國對後麼過還發當開無動兩"
    "長現將與點種聲話問機給間門東軍產萬別處師書員馬張難數車應條聽記邊戰許覺"
    "們請愛讓認論義術結連遠資隊帶變聯權傳領達辦運區轉輕廣議專讀觀爭組視濟喜"
    "離雖壞興圖經頭見樣實長";

/* Frequent Korean syllables. */
static const char common_hangul[] =
    "이다는의에을를하고가지한사으로기서리도어해자대나아수일있시정인그라게거"
    "니요들부전면과만주보것와국제상적동성무내년없화경우던까비말구여모실중위"
    "소마장되야생세각개관방간번할않원미신분식조문연회공결출통학선반오용날민"
    "후데물히계바명치습니까했고요며은던를께서라고하여";

/* Frequent letters of the alphabets with one-byte code pages. */
static const char common_cyrillic[] = "оеаинтсрвлкмдпуяыьгзбчйжшхюцщэфё";
static const char common_greek[] = "αοιετνσυρκμπλάέίόύήώςηδγ";
static const char common_arabic[] = "اليمونرتبهعدفكسقحجةإأشصخذطثزضآظغىئؤء";

/* Accented Latin letters common in European languages. */
static const char common_latin[] =
    "éèàçüöäßñáíóúêôâîûëïœÉÀÇÜÖÄÑÁÍÓÚÊÔÂÎÛÈ"
    "ěščřžýůťďňąęłńśźżőűćđĚŠČŘŽÝŮŤĎŇĄĘŁŃŚŹŻŐŰĆĐ"
    "ãõåæøğışăâîșțÃÕÅÆØĞİŞĂȘȚ";

typedef struct bitset {
    uint8_t *bits;
    uint32_t lo, hi;     /* code point range covered */
} bitset;

static bool bitset_init(bitset *b, const char *chars, uint32_t lo,
                        uint32_t hi)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)chars;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;

    b->lo = lo;
    b->hi = hi;
    b->bits = calloc((hi - lo) / 8 + 1, 1);
    if (b->bits == NULL)
        return false;
    while (*p != '\0' && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
        if ((uint32_t)cp >= lo && (uint32_t)cp <= hi)
            b->bits[((uint32_t)cp - lo) / 8] |=
                (uint8_t)(1u << (((uint32_t)cp - lo) % 8));
        p += n;
    }
    return true;
}

static bool in_set(const bitset *b, uint32_t cp)
{
    return cp >= b->lo && cp <= b->hi &&
           (b->bits[(cp - b->lo) / 8] & (1u << ((cp - b->lo) % 8))) != 0;
}

typedef struct sets {
    bitset han, hangul, latin, alpha;
} sets;

static bool is_letter(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);

    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static bool is_ascii_letter(utf8proc_int32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* How plausible code point `cp` is between `prev` and `next`, in tenths. */
static int weight(const sets *s, utf8proc_int32_t prev, utf8proc_int32_t cp,
                  utf8proc_int32_t next)
{
    uint32_t c = (uint32_t)cp;
    utf8proc_category_t cat = utf8proc_category(cp);
    bool lp = is_letter(prev), ln = is_letter(next);

    if (c == 0xFFFD || (c >= 0x80 && c < 0xA0))
        return -50;
    if ((c >= 0xE000 && c <= 0xF8FF) || cat == UTF8PROC_CATEGORY_CN ||
        cat == UTF8PROC_CATEGORY_CO)
        return -30;
    if (c >= 0x3040 && c <= 0x30FF)                 /* kana */
        return 10;
    if (c >= 0x4E00 && c <= 0x9FFF)
        return in_set(&s->han, c) ? 10 : 1;
    if (c >= 0xAC00 && c <= 0xD7A3)
        return in_set(&s->hangul, c) ? 10 : 3;
    /* A letter of another alphabet inside a Latin word ("cafй") is a
     * wrong decoding, not text. */
    if (((c >= 0x0370 && c <= 0x06FF) || (c >= 0x0E00 && c <= 0x0E7F)) &&
        (is_ascii_letter(prev) || is_ascii_letter(next)))
        return -10;
    if ((c >= 0x0370 && c <= 0x04FF) || (c >= 0x0600 && c <= 0x06FF)) {
        /* Greek, Cyrillic, Arabic: the frequent lower-case letters score
         * most, a capital inside a word costs. */
        if (cat == UTF8PROC_CATEGORY_LU)
            return lp && utf8proc_category(prev) == UTF8PROC_CATEGORY_LL
                       ? -5 : 4;
        if (!is_letter(cp))
            return c >= 0x064B && c <= 0x0652 ? 6 : 0; /* harakat */
        return in_set(&s->alpha, c) ? 10 : 4;
    }
    if (c >= 0x05D0 && c <= 0x05EA)                 /* Hebrew letters */
        return 10;
    if ((c >= 0x0591 && c <= 0x05C7) || (c >= 0x0E01 && c <= 0x0E5B))
        return 8;                                   /* points; Thai */
    if (is_letter(cp) && c < 0x0250) {              /* Latin */
        int w = in_set(&s->latin, c) ? 6 : 1;
        if (!lp && !ln)
            return -5;
        /* Accented letters sit among plain ones; a run of them is
         * another alphabet read through a Latin code page. */
        if (!is_ascii_letter(prev) && !is_ascii_letter(next))
            return -3;
        if (cat == UTF8PROC_CATEGORY_LU && lp &&
            utf8proc_category(prev) == UTF8PROC_CATEGORY_LL)
            return -5;                              /* "pÖrt" */
        return w;
    }
    if (c >= 0x2010 && c <= 0x206F)                 /* dashes, quotes */
        return 3;
    if (c >= 0x3000 && c <= 0x303F)                 /* CJK punctuation */
        return 5;
    if (c >= 0xFF01 && c <= 0xFF5E)                 /* full-width forms */
        return 3;
    return lp && ln ? -10 : 0;                      /* symbol in a word */
}

/* The average weight (in tenths) of the non-ASCII characters of `utf8`,
 * or a very low score when there are none. */
static double score(const sets *s, const char *utf8, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)utf8;
    const utf8proc_uint8_t *end = p + len;
    utf8proc_int32_t prev = ' ', cur = 0, next = 0;
    utf8proc_ssize_t n;
    long total = 0, count = 0;

    if (p < end && (n = utf8proc_iterate(p, end - p, &cur)) > 0)
        p += n;
    else
        return -1e9;
    while (cur != 0) {
        next = 0;
        if (p < end) {
            n = utf8proc_iterate(p, end - p, &next);
            if (n <= 0) {
                next = 0xFFFD;
                n = 1;
            }
            p += n;
        }
        if (cur >= 0x80) {
            total += weight(s, prev, cur, next == 0 ? ' ' : next);
            count++;
        }
        prev = cur;
        cur = next;
    }
    return count > 0 ? (double)total / (double)count : -1e9;
}

/* The sample: from a line start before the first non-ASCII byte, up to
 * SAMPLE_MAX bytes, ending after a line break so that no multi-byte
 * character is cut in two. */
static void sample(const unsigned char *buf, size_t len, size_t *from,
                   size_t *n)
{
    size_t first = 0, start, stop;

    while (first < len && buf[first] < 0x80)
        first++;
    start = first;
    while (start > 0 && buf[start - 1] != '\n' && first - start < 1024)
        start--;
    stop = len - start > SAMPLE_MAX ? start + SAMPLE_MAX : len;
    if (stop < len) {
        size_t s = stop;
        while (s > first && buf[s - 1] != '\n' && buf[s - 1] != '>')
            s--;
        if (s > first)
            stop = s;
    }
    *from = start;
    *n = stop - start;
}

/* True when the sample is UTF-8 but for a few stray bytes: many valid
 * multi-byte sequences, and invalid bytes under a twentieth of them. A
 * legacy page almost never forms valid multi-byte UTF-8 by chance. */
static bool mostly_utf8(const unsigned char *p, size_t n)
{
    size_t good = 0, bad = 0, i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k;

        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k > 1) {
            good++;
            i += (size_t)k;
        } else {
            bad++;
            i++;
        }
    }
    return good >= 8 && bad * 20 < good;
}

const char *folio__charset_guess(const unsigned char *buf, size_t len)
{
    const char *best = NULL;
    double best_score = -1e18;
    size_t from, n, high = 0;
    sets s;

    memset(&s, 0, sizeof s);
    if (buf == NULL || len == 0)
        return NULL;
    sample(buf, len, &from, &n);
    for (size_t i = from; i < from + n; i++)
        high += buf[i] >= 0x80;
    if (high < EVIDENCE_MIN)
        return NULL;
    if (mostly_utf8(buf + from, n))
        return "UTF-8";
    if (!bitset_init(&s.han, common_han, 0x4E00, 0x9FFF) ||
        !bitset_init(&s.hangul, common_hangul, 0xAC00, 0xD7A3) ||
        !bitset_init(&s.latin, common_latin, 0xC0, 0x24F) ||
        !bitset_init(&s.alpha, common_cyrillic, 0x370, 0x6FF))
        goto done;
    for (size_t k = 0; k < 2; k++) {
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(
            k == 0 ? common_greek : common_arabic);
        utf8proc_int32_t cp;
        utf8proc_ssize_t m;

        while (*p != '\0' && (m = utf8proc_iterate(p, -1, &cp)) > 0) {
            uint32_t off = (uint32_t)cp - s.alpha.lo;
            s.alpha.bits[off / 8] |= (uint8_t)(1u << (off % 8));
            p += m;
        }
    }
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        char *utf8 = NULL;
        size_t ulen = 0;
        double sc;

        if (folio__charset_to_utf8(&utf8, &ulen, candidates[i], buf + from,
                                   n) != FOLIO_OK)
            continue;
        sc = score(&s, utf8, ulen);
        free(utf8);
        /* A strictly better score wins: ties keep the earlier, more
         * common candidate. */
        if (sc > best_score + 1e-9) {
            best_score = sc;
            best = candidates[i];
        }
    }
done:
    free(s.han.bits);
    free(s.hangul.bits);
    free(s.latin.bits);
    free(s.alpha.bits);
    return best;
}
