/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700

#include "names.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH_MAX 16
#define ASSET_STEM_MAX 48

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 sequence starting with `c` (1 for stray bytes). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* True for the non-ASCII characters a slug drops like punctuation:
 * general punctuation, CJK and full-width punctuation, no-break space. */
static bool is_wide_punct(const unsigned char *s, size_t n)
{
    if (n == 2 && s[0] == 0xC2)
        return s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB || s[1] == 0xB7;
    if (n != 3)
        return false;
    if (s[0] == 0xE2 && s[1] >= 0x80 && s[1] <= 0x81)   /* U+2000-207F */
        return true;
    if (s[0] == 0xE3 && s[1] == 0x80)                   /* U+3000-303F */
        return true;
    if (s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD)) /* U+FF00-FF7F */
        return !(s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99) &&
               !(s[1] == 0xBC && s[2] >= 0xA1 && s[2] <= 0xBA) &&
               !(s[1] == 0xBD && s[2] >= 0x81 && s[2] <= 0x9A);
    return false;
}

char *cli_slug(const char *title)
{
    const unsigned char *p = (const unsigned char *)title;
    char *out;
    size_t n = 0;
    bool dash = false;

    if (title == NULL || (out = malloc(CLI_SLUG_MAX + 1)) == NULL)
        return NULL;
    while (*p != '\0') {
        size_t k = *p < 0x80 ? 1 : seq_len(*p);
        bool keep;

        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80)
                k = i;
        keep = k == 1 ? is_alnum(*p) : !is_wide_punct(p, k) && k > 1;
        if (!keep) {
            dash = n > 0;
            p += k;
            continue;
        }
        if (n + (dash ? 1 : 0) + k > CLI_SLUG_MAX)
            break;
        if (dash)
            out[n++] = '-';
        dash = false;
        for (size_t i = 0; i < k; i++)
            out[n++] = (char)lower(p[i]);
        p += k;
    }
    if (n == 0) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

static const char *ext_for_media(const char *mt)
{
    static const char *const map[][2] = {
        { "image/jpeg", "jpg" }, { "image/jpg", "jpg" },
        { "image/pjpeg", "jpg" }, { "image/png", "png" },
        { "image/apng", "png" }, { "image/gif", "gif" },
        { "image/webp", "webp" }, { "image/avif", "avif" },
        { "image/svg+xml", "svg" }, { "image/bmp", "bmp" },
        { "image/x-icon", "ico" }, { "image/vnd.microsoft.icon", "ico" },
        { "image/tiff", "tif" }, { "image/heic", "heic" },
        { "image/jxl", "jxl" },
    };
    size_t n;

    if (mt == NULL)
        return NULL;
    n = strcspn(mt, "; ");
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && strncasecmp(mt, map[i][0], n) == 0)
            return map[i][1];
    return NULL;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *cli_asset_name(const char *url, const char *media_type,
                     const unsigned char *data, size_t len)
{
    char stem[ASSET_STEM_MAX + 1], ext[9] = "";
    const char *seg = url, *end, *e;
    size_t n = 0;
    uint64_t h = 14695981039346656037u;
    char *out;

    for (size_t i = 0; i < len; i++)
        h = (h ^ data[i]) * 1099511628211u;

    /* The last path segment, before any query or fragment. */
    if (url == NULL || strncasecmp(url, "data:", 5) == 0) {
        seg = end = "";
    } else {
        end = url + strcspn(url, "?#");
        for (const char *s = url; s < end; s++)
            if (*s == '/' || *s == ':')
                seg = s + 1;
    }
    e = NULL;
    for (const char *s = seg; s < end; s++)
        if (*s == '.')
            e = s;
    if (e == NULL)
        e = end;
    /* The stem: %XX decoded, unsafe bytes as '-', no leading dots. */
    for (const char *s = seg; s < e && n < ASSET_STEM_MAX; s++) {
        unsigned char c = (unsigned char)*s;
        int hi, lo;

        if (c == '%' && s + 2 < e && (hi = hex_value(s[1])) >= 0 &&
            (lo = hex_value(s[2])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            s += 2;
        }
        if (is_alnum(c) || c == '_' || (c == '.' && n > 0))
            stem[n++] = (char)c;
        else if (n > 0 && stem[n - 1] != '-')
            stem[n++] = '-';
    }
    while (n > 0 && (stem[n - 1] == '-' || stem[n - 1] == '.'))
        n--;
    if (n == 0) {
        strcpy(stem, "image");
        n = 5;
    }
    stem[n] = '\0';

    if (ext_for_media(media_type) != NULL) {
        strcpy(ext, ext_for_media(media_type));
    } else if (e < end && end - e - 1 <= 5) {
        size_t k = 0;
        for (const char *s = e + 1; s < end; s++)
            if (is_alnum((unsigned char)*s))
                ext[k++] = (char)lower((unsigned char)*s);
        ext[k] = '\0';
    }
    if (ext[0] == '\0')
        strcpy(ext, "bin");

    out = malloc(n + 1 + 12 + 1 + strlen(ext) + 1);
    if (out != NULL)
        sprintf(out, "%s-%012llx.%s", stem,
                (unsigned long long)(h >> 16), ext);
    return out;
}

/* The absolute, lexically normalised form of `path`: components in
 * *parts (pointers into the returned buffer), count in *n. */
static char *split_abs(const char *path, char ***parts, size_t *n)
{
    char cwd[PATH_MAX];
    char *buf, *save = NULL, *tok;
    char **v;
    size_t cap, len = 0;

    if (path[0] != '/') {
        if (getcwd(cwd, sizeof cwd) == NULL)
            return NULL;
    } else {
        cwd[0] = '\0';
    }
    buf = malloc(strlen(cwd) + strlen(path) + 2);
    if (buf == NULL)
        return NULL;
    sprintf(buf, "%s/%s", cwd, path);
    cap = strlen(buf) / 2 + 2;
    if ((v = malloc(cap * sizeof *v)) == NULL) {
        free(buf);
        return NULL;
    }
    for (tok = strtok_r(buf, "/", &save); tok != NULL;
         tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (len > 0)
                len--;
            continue;
        }
        v[len++] = tok;
    }
    *parts = v;
    *n = len;
    return buf;
}

char *cli_relpath(const char *to, const char *from)
{
    char **a = NULL, **b = NULL;
    size_t na = 0, nb = 0, common = 0, size = 1;
    char *ba = split_abs(to, &a, &na), *bb = NULL, *out = NULL;

    if (ba == NULL || (bb = split_abs(from, &b, &nb)) == NULL)
        goto done;
    while (common < na && common < nb && strcmp(a[common], b[common]) == 0)
        common++;
    size += (nb - common) * 3;
    for (size_t i = common; i < na; i++)
        size += strlen(a[i]) + 1;
    if ((out = malloc(size)) == NULL)
        goto done;
    out[0] = '\0';
    for (size_t i = common; i < nb; i++)
        strcat(out, "../");
    for (size_t i = common; i < na; i++) {
        strcat(out, a[i]);
        strcat(out, "/");
    }
    if (out[0] != '\0')
        out[strlen(out) - 1] = '\0';
done:
    free(a);
    free(b);
    free(ba);
    free(bb);
    return out;
}

typedef struct file_list {
    char **v;
    size_t n, cap, max;
} file_list;

static int push(file_list *l, char *path)
{
    if (l->n >= l->max) {
        free(path);
        errno = E2BIG;
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);

        if (v == NULL) {
            free(path);
            errno = ENOMEM;
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = path;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int walk(const char *dir, int depth, file_list *l)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (depth > WALK_DEPTH_MAX)
        return 0;
    if ((d = opendir(dir)) == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char *name;

        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **v = realloc(names, nc * sizeof *v);
            if (v == NULL) {
                rc = -1;
                break;
            }
            names = v;
            cap = nc;
        }
        if ((name = strdup(e->d_name)) == NULL) {
            rc = -1;
            break;
        }
        names[n++] = name;
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        char *path = NULL;

        if (rc == 0 &&
            (path = malloc(strlen(dir) + strlen(names[i]) + 2)) == NULL)
            rc = -1;
        if (rc == 0) {
            bool slash = dir[0] != '\0' && dir[strlen(dir) - 1] == '/';
            sprintf(path, slash ? "%s%s" : "%s/%s", dir, names[i]);
            /* lstat: a symbolic link to a folder is not followed, so a
             * walk cannot loop or leave the tree it was given. */
            if (lstat(path, &st) != 0) {
                free(path);
            } else if (S_ISDIR(st.st_mode)) {
                if (!ends_with(names[i], "_files"))
                    rc = walk(path, depth + 1, l);
                free(path);
            } else if (S_ISREG(st.st_mode) ||
                       (S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
                        S_ISREG(st.st_mode))) {
                rc = push(l, path);
            } else {
                free(path);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int cli_list_files(const char *dir, size_t max, char ***out, size_t *n)
{
    file_list l = { NULL, 0, 0, max };

    if (walk(dir, 0, &l) != 0) {
        int saved = errno;

        for (size_t i = 0; i < l.n; i++)
            free(l.v[i]);
        free(l.v);
        errno = saved;
        return -1;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}
