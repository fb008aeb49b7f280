/* SPDX-License-Identifier: MIT */
/*
 * Input plugin "complete": a page a browser saved as "Web Page, Complete"
 * — `page.html` plus a folder of its resources beside it, usually
 * `page_files/`.
 *
 * Chromium marks such a page with the Mark of the Web near its top,
 *
 *     <!-- saved from url=(0047)http://example.com/post -->
 *
 * where (NNNN) is the length of the URL that follows. That URL is the
 * page's address, and the base its links resolve against. The page links
 * to its saved resources relatively ("./page_files/a.png"); the plugin
 * hands every image in the folder to the host under the same relative
 * name ("page_files/a.png"), so the core resolves both to one address
 * and attaches the images the article uses.
 *
 * The folder is found beside the file being read (host->input_path): the
 * `<stem>_files` folder, and any folder the page's own "./X/..." links
 * name (Chromium localises the suffix). Only regular files directly in
 * it are read, never through symbolic links, and only those whose bytes
 * are an image.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio/plugin.h"

#include "ascii.h"

/* Chromium writes the comment right after the doctype; other tools (old
 * Internet Explorer) a little later, after <html>. */
#define PROBE_WINDOW 2048
#define SCORE_COMPLETE 92

/* Longest saved-from URL accepted: far above real addresses, far below
 * anything that would make the length field meaningless. */
#define URL_MAX 8192
/* Folders looked at: <stem>_files plus those the page's links name. */
#define FOLDERS_MAX 8
/* Entries read from one folder, resources added in total, and sizes. */
#define FILES_MAX 10000
#define FILE_BYTES_MAX ((size_t)64 * 1024 * 1024)
#define TOTAL_BYTES_MAX ((size_t)512 * 1024 * 1024)
/* Bytes of a file looked at to recognise SVG. */
#define SNIFF_TEXT 1024

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static bool ends_with_ci(const char *s, const char *w)
{
    size_t n = strlen(s), m = strlen(w);

    return n >= m && starts_with_ci((const unsigned char *)s + n - m, m, w);
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* ------------------------------------------------------------------ */
/* The Mark of the Web                                                */
/* ------------------------------------------------------------------ */

/* Where the saved-from comment is. */
typedef struct motw {
    size_t paren; /* offset of "(" after "url=" */
    size_t end;   /* offset of the "-->" closing the comment, or len */
} motw;

/* Finds "<!-- saved from url=(" in s[0..len), and the comment's end in
 * s[0..full) (the URL may reach past the probe window). Allocates
 * nothing (probe() uses it). */
static bool find_motw(const unsigned char *s, size_t len, size_t full,
                      motw *m)
{
    static const char key[] = "saved from url=(";

    for (size_t i = 0; i + 4 <= len; i++) {
        const unsigned char *p = memchr(s + i, '<', len - i);
        size_t j;

        if (p == NULL)
            break;
        i = (size_t)(p - s);
        if (len - i < 4 || memcmp(s + i, "<!--", 4) != 0)
            continue;
        j = i + 4;
        while (j < len && is_space(s[j]))
            j++;
        if (!starts_with_ci(s + j, len - j, key))
            continue;
        m->paren = j + sizeof key - 2;
        /* "(NNNN)", the URL and a little room for spaces. */
        if (full - m->paren > URL_MAX + 64)
            full = m->paren + URL_MAX + 64;
        m->end = full;
        for (size_t k = m->paren; k + 3 <= full; k++) {
            if (memcmp(s + k, "-->", 3) == 0) {
                m->end = k;
                break;
            }
        }
        return true;
    }
    return false;
}

static int complete_probe(const unsigned char *buf, size_t len)
{
    motw m;

    if (buf == NULL || len == 0)
        return 0;
    len = len < PROBE_WINDOW ? len : PROBE_WINDOW;
    return find_motw(buf, len, len, &m) ? SCORE_COMPLETE : 0;
}

/*
 * Reads the saved-from URL. The length in parentheses is checked against
 * the text up to the end of the comment: when they disagree (a page
 * edited by hand, a truncated file) the text is used if it is a URL on
 * its own, since the length is only a hint for Internet Explorer's zone
 * logic. Chromium writes "--" in the URL as "-%2D" so the comment stays
 * well-formed; %2D is '-', so the URL is decoded back. Only http(s)
 * addresses are returned: Chromium's own error pages (chrome-error://)
 * and about:internet (the marker people add to run a local page in the
 * Internet zone) are no page address. Returns NULL when there is none,
 * with a warning when the comment is damaged; sets *nomem on failure to
 * allocate.
 */
static char *saved_from_url(const folio_host *h, folio_job *job,
                            const unsigned char *buf, const motw *m,
                            bool *nomem)
{
    size_t i = m->paren + 1, declared = 0, ndigits = 0, a, b;
    char *url;

    *nomem = false;
    while (i < m->end && buf[i] >= '0' && buf[i] <= '9' && ndigits < 6) {
        declared = declared * 10 + (size_t)(buf[i] - '0');
        i++;
        ndigits++;
    }
    if (ndigits == 0 || i >= m->end || buf[i] != ')') {
        h->warn(job, "the saved-from comment has no URL length; its URL is "
                     "ignored");
        return NULL;
    }
    a = i + 1;
    b = m->end;
    while (b > a && is_space(buf[b - 1]))
        b--;
    if (declared != b - a) {
        if (declared < b - a && is_space(buf[a + declared])) {
            /* Something follows the URL in the comment: trust the
             * length. */
            b = a + declared;
        } else {
            h->warn(job, "the saved-from comment says the URL has %zu "
                         "characters but it has %zu",
                    declared, b - a);
        }
    }
    if (!plausible_url(buf + a, b - a, URL_MAX)) {
        h->warn(job, "the saved-from comment holds no valid URL; ignored");
        return NULL;
    }
    if (!starts_with_ci(buf + a, b - a, "http://") &&
        !starts_with_ci(buf + a, b - a, "https://"))
        return NULL;

    url = h->alloc(job, b - a + 1);
    if (url == NULL) {
        *nomem = true;
        return NULL;
    }
    {
        size_t n = 0;

        for (size_t k = a; k < b; k++) {
            if (buf[k] == '%' && k + 2 < b && buf[k + 1] == '2' &&
                lower(buf[k + 2]) == 'd') {
                url[n++] = '-';
                k += 2;
            } else {
                url[n++] = (char)buf[k];
            }
        }
        url[n] = '\0';
    }
    return url;
}

/* ------------------------------------------------------------------ */
/* Recognising images                                                 */
/* ------------------------------------------------------------------ */

/* Skips a BOM, whitespace, comments, <?...?> and <!DOCTYPE ...> in a
 * text prefix; returns the offset of the first other byte. */
static size_t skip_xml_prolog(const unsigned char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < len) {
        if (is_space(s[i])) {
            i++;
        } else if (starts_with_ci(s + i, len - i, "<!--")) {
            size_t j = i + 4;

            while (j + 3 <= len && memcmp(s + j, "-->", 3) != 0)
                j++;
            i = j + 3 <= len ? j + 3 : len;
        } else if (starts_with_ci(s + i, len - i, "<?") ||
                   starts_with_ci(s + i, len - i, "<!doctype")) {
            const unsigned char *gt = memchr(s + i, '>', len - i);

            i = gt != NULL ? (size_t)(gt - s) + 1 : len;
        } else {
            break;
        }
    }
    return i;
}

/* True when the ISO BMFF box at the start names an AVIF brand as its
 * major or one of its compatible brands. */
static bool is_avif(const unsigned char *s, size_t len)
{
    size_t box;

    if (len < 16 || memcmp(s + 4, "ftyp", 4) != 0)
        return false;
    box = (size_t)s[0] << 24 | (size_t)s[1] << 16 | (size_t)s[2] << 8 | s[3];
    if (box < 16 || box > len || box > 4096)
        box = len < 4096 ? len : 4096;
    if (memcmp(s + 8, "avif", 4) == 0 || memcmp(s + 8, "avis", 4) == 0)
        return true;
    /* Compatible brands follow the major brand and its version. */
    for (size_t i = 16; i + 4 <= box; i += 4) {
        if (memcmp(s + i, "avif", 4) == 0 || memcmp(s + i, "avis", 4) == 0)
            return true;
    }
    return false;
}

/* Returns the media type the bytes show, or NULL when they are no image
 * this plugin recognises. */
static const char *sniff_image(const unsigned char *s, size_t len)
{
    if (len >= 3 && s[0] == 0xFF && s[1] == 0xD8 && s[2] == 0xFF)
        return "image/jpeg";
    if (len >= 8 && memcmp(s, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 6 &&
        (memcmp(s, "GIF87a", 6) == 0 || memcmp(s, "GIF89a", 6) == 0))
        return "image/gif";
    if (len >= 12 && memcmp(s, "RIFF", 4) == 0 &&
        memcmp(s + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (is_avif(s, len))
        return "image/avif";
    /* ICO: reserved 0, type 1, at least one image. */
    if (len >= 6 && s[0] == 0 && s[1] == 0 && s[2] == 1 && s[3] == 0 &&
        (s[4] != 0 || s[5] != 0))
        return "image/x-icon";
    /* BMP: "BM", then a DIB header of one of the known sizes. */
    if (len >= 18 && s[0] == 'B' && s[1] == 'M') {
        unsigned dib = s[14] | (unsigned)s[15] << 8 | (unsigned)s[16] << 16 |
                       (unsigned)s[17] << 24;

        if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 ||
            dib == 108 || dib == 124)
            return "image/bmp";
    }
    {
        size_t n = len < SNIFF_TEXT ? len : SNIFF_TEXT;
        size_t i;

        if (memchr(s, 0, n) != NULL)
            return NULL;
        i = skip_xml_prolog(s, n);
        if (starts_with_ci(s + i, n - i, "<svg") &&
            (n - i == 4 || is_space(s[i + 4]) || s[i + 4] == '>' ||
             s[i + 4] == '/'))
            return "image/svg+xml";
    }
    return NULL;
}

/* Image types recognised only by their file name: formats whose bytes
 * sniff_image() does not know but a page may still show. */
static const char *image_type_by_name(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        { ".tif", "image/tiff" }, { ".tiff", "image/tiff" },
        { ".jxl", "image/jxl" },  { ".heic", "image/heic" },
        { ".heif", "image/heif" },
    };

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (ends_with_ci(name, types[i].ext))
            return types[i].type;
    }
    return NULL;
}

/* True when the bytes look like text (HTML, CSS, a script): an error page
 * saved under an image's name is not an image. */
static bool looks_like_text(const unsigned char *s, size_t len)
{
    size_t n = len < SNIFF_TEXT ? len : SNIFF_TEXT;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x09 || (s[i] > 0x0D && s[i] < 0x20))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Resource folders                                                   */
/* ------------------------------------------------------------------ */

typedef struct folders {
    char *names[FOLDERS_MAX];
    size_t n;
} folders;

/* Adds folder name `name` (job arena) unless listed. */
static void folders_add(folders *f, char *name)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->names[i], name) == 0)
            return;
    }
    if (f->n < FOLDERS_MAX)
        f->names[f->n++] = name;
}

/* True when the byte can end a URL's first path segment in markup. */
static bool ends_segment(unsigned char c)
{
    return c == '"' || c == '\'' || c == '<' || c == '>' || c == '?' ||
           c == '#' || c == '\\' || is_space(c);
}

/* Bounds on the scan for "./NAME/" links: distinct names looked at, and
 * links examined (a page repeats its folder in every resource link). */
#define LINKED_NAMES_MAX 64
#define LINKS_MAX 100000

/* True when folder `dfd` holds a directory `name` (not a link to one). */
static bool has_folder(int dfd, const char *name)
{
    struct stat st;

    return dfd >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISDIR(st.st_mode);
}

/*
 * Looks for the folders the page's links point into with "./NAME/...":
 * how Chromium rewrites every saved resource, in whatever language it
 * named the folder. The name is percent-decoded into a file name; names
 * that would leave the page's folder are refused. Those that are
 * folders in `dfd` (-1: none can be looked at) go to `f`. The first
 * that is not and is named like a saved page's folder ("X_files"; a
 * missing "./about/" is just a relative link) goes to *missing (job
 * arena), else that stays NULL.
 */
static int linked_folders(const folio_host *h, folio_job *job,
                          const unsigned char *s, size_t len, int dfd,
                          folders *f, char **missing)
{
    char *seen[LINKED_NAMES_MAX];
    size_t n_seen = 0, links = 0;
    const unsigned char *p = s;

    *missing = NULL;
    while (f->n < FOLDERS_MAX && n_seen < LINKED_NAMES_MAX &&
           links < LINKS_MAX) {
        size_t i, j, n = 0;
        bool dup = false;
        char *name;

        p = memchr(p, '.', len - (size_t)(p - s));
        if (p == NULL)
            break;
        i = (size_t)(p - s);
        p++;
        /* Attribute values, srcset lists and CSS url(): the "./" starts a
         * value, so it follows a quote, '=', '(', ',' or a space. */
        if (i == 0 || i + 2 >= len || s[i + 1] != '/' ||
            !(s[i - 1] == '"' || s[i - 1] == '\'' || s[i - 1] == '=' ||
              s[i - 1] == '(' || s[i - 1] == ',' || is_space(s[i - 1])))
            continue;
        links++;
        for (j = i + 2; j < len && j - i < 512; j++) {
            if (s[j] == '/' || ends_segment(s[j]))
                break;
        }
        if (j >= len || s[j] != '/' || j == i + 2)
            continue;

        name = h->alloc(job, j - i);
        if (name == NULL)
            return FOLIO_ENOMEM;
        for (size_t k = i + 2; k < j; k++) {
            int hi, lo;

            if (s[k] == '%' && k + 2 < j && (hi = hex_value(s[k + 1])) >= 0 &&
                (lo = hex_value(s[k + 2])) >= 0) {
                name[n++] = (char)(hi << 4 | lo);
                k += 2;
            } else {
                name[n++] = (char)s[k];
            }
        }
        name[n] = '\0';
        if (n == 0 || memchr(name, '/', n) != NULL || strlen(name) != n ||
            strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        for (size_t k = 0; k < n_seen && !dup; k++)
            dup = strcmp(seen[k], name) == 0;
        if (dup)
            continue;
        seen[n_seen++] = name;
        if (has_folder(dfd, name))
            folders_add(f, name);
        else if (*missing == NULL && ends_with_ci(name, "_files"))
            *missing = name;
    }
    return FOLIO_OK;
}

/* Appends the URL form of the file name `s` to `out`: bytes outside the
 * unreserved and sub-delims sets are percent-encoded, as the page's
 * links carry them. Returns the new length. */
static size_t url_escape(char *out, size_t n, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=", c) != NULL) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    return n;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What reading the folders has used of the bounds. */
typedef struct budget {
    size_t files, bytes;
    bool files_warned, bytes_warned, host_full;
} budget;

/* Bytes read first, to tell an image from the rest. */
#define SNIFF_BYTES 4096

/* One file of the folder, read. */
typedef struct file_data {
    unsigned char *data; /* malloc'd */
    size_t len;
    const char *type;    /* media type */
} file_data;

/* Reads up to `n` bytes at buf; returns how many (fewer at the end of
 * the file, or on an error). */
static size_t read_fully(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/*
 * Reads the file `name` in the open folder `dfd` when it is a regular
 * file whose first bytes are an image, and the bounds allow it. `label`
 * is its URL-escaped name for messages (a file name may hold terminal
 * control bytes). Returns 1 with *f filled, 0 when it is skipped, or
 * FOLIO_ENOMEM.
 */
static int read_image(const folio_host *h, folio_job *job, int dfd,
                      const char *name, const char *label, budget *bg,
                      file_data *f)
{
    struct stat st;
    unsigned char *buf = NULL;
    size_t size, got;
    int fd, rc = 0;

    /* O_NOFOLLOW: a link in the folder may point anywhere on the
     * machine; O_NONBLOCK: opening a FIFO must not hang. */
    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        goto done;

    /* Look at the start first: a folder also holds scripts and
     * stylesheets, maybe large ones, that are not worth reading. */
    {
        unsigned char head[SNIFF_BYTES];
        size_t n = read_fully(fd, head, sizeof head);

        f->type = sniff_image(head, n);
        if (f->type == NULL && n > 0 && !looks_like_text(head, n))
            f->type = image_type_by_name(name);
        if (f->type == NULL)
            goto done;
    }
    if ((uintmax_t)st.st_size > FILE_BYTES_MAX) {
        h->warn(job, "%s: %jd bytes, over the limit of %zu MiB for one "
                     "image; skipped",
                label, (intmax_t)st.st_size, FILE_BYTES_MAX >> 20);
        goto done;
    }
    size = (size_t)st.st_size;
    if (size > TOTAL_BYTES_MAX - bg->bytes) {
        if (!bg->bytes_warned)
            h->warn(job, "%s: images over the limit of %zu MiB in all; it "
                         "and the rest are skipped",
                    label, TOTAL_BYTES_MAX >> 20);
        bg->bytes_warned = true;
        goto done;
    }
    buf = malloc(size);
    if (buf == NULL) {
        rc = FOLIO_ENOMEM;
        goto done;
    }
    /* A file that shrinks while being read gives what it has. */
    if (lseek(fd, 0, SEEK_SET) != 0 || (got = read_fully(fd, buf, size)) == 0)
        goto done;
    f->data = buf;
    f->len = got;
    buf = NULL;
    rc = 1;
done:
    free(buf);
    close(fd);
    return rc;
}

/* Adds every image directly in folder `folder` (opened as `dfd`). */
static int add_folder_images(const folio_host *h, folio_job *job, int dfd,
                             const char *folder, budget *bg)
{
    DIR *dir;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int dup_fd, rc = FOLIO_OK;

    dup_fd = dup(dfd);
    if (dup_fd < 0)
        return FOLIO_OK;
    dir = fdopendir(dup_fd);
    if (dir == NULL) {
        close(dup_fd);
        return FOLIO_OK;
    }
    /* Sorted, so the assets (and the names outputs give them) do not
     * depend on the order the file system lists them in. */
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (bg->files + n >= FILES_MAX) {
            if (!bg->files_warned)
                h->warn(job, "more than %d files in the page's folders; "
                             "the rest are skipped",
                        FILES_MAX);
            bg->files_warned = true;
            break;
        }
        if (n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 64;
            char **grown = realloc(names, ncap * sizeof *grown);

            if (grown == NULL) {
                rc = h->error(job, FOLIO_ENOMEM, "out of memory");
                goto done;
            }
            names = grown;
            cap = ncap;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            rc = h->error(job, FOLIO_ENOMEM, "out of memory");
            goto done;
        }
        n++;
    }
    bg->files += n;
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);

    for (size_t i = 0; i < n && !bg->host_full; i++) {
        file_data f = { NULL, 0, NULL };
        /* Each byte becomes at most three. */
        char *url = malloc(3 * (strlen(folder) + strlen(names[i])) + 2);
        size_t k;
        int r;

        if (url == NULL) {
            rc = h->error(job, FOLIO_ENOMEM, "out of memory");
            goto done;
        }
        k = url_escape(url, 0, folder);
        url[k++] = '/';
        url[url_escape(url, k, names[i])] = '\0';

        r = read_image(h, job, dfd, names[i], url, bg, &f);
        if (r == 1) {
            r = h->add_asset(job, url, f.type, f.data, f.len);
            if (r == FOLIO_ELIMIT)
                bg->host_full = true; /* it has warned; it takes no more */
            else if (r == FOLIO_OK)
                bg->bytes += f.len;
        }
        if (r < 0 && r != FOLIO_ELIMIT)
            rc = h->error(job, r, "cannot keep the image %s: %s", url,
                          r == FOLIO_ENOMEM ? "out of memory"
                                            : "refused by the host");
        free(f.data);
        free(url);
        if (rc < 0)
            goto done;
    }
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dir);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Read                                                               */
/* ------------------------------------------------------------------ */

/* The folder part of `path` (job arena): "." for a bare file name. */
static char *parent_of(const folio_host *h, folio_job *job, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return h->strndup(job, ".", 1);
    if (slash == path)
        return h->strndup(job, "/", 1);
    return h->strndup(job, path, (size_t)(slash - path));
}

/* "<stem>_files" for the file name of `path` (job arena), or "" when
 * the path names no file. */
static char *stem_folder(const folio_host *h, folio_job *job,
                         const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t stem;
    char *out;

    base = base != NULL ? base + 1 : path;
    dot = strrchr(base, '.');
    stem = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
    out = h->alloc(job, stem + sizeof "_files");
    if (out == NULL)
        return NULL;
    /* A path ending in '/' names no file, so no folder goes with it. */
    if (stem == 0)
        return out;
    memcpy(out, base, stem);
    memcpy(out + stem, "_files", sizeof "_files");
    return out;
}

static int complete_read(const folio_host *h, folio_job *job,
                         const unsigned char *buf, size_t len)
{
    folio_html_input in;
    folders found = { { NULL }, 0 };
    budget bg = { 0, 0, false, false, false };
    const char *path;
    char *missing = NULL;
    motw m;
    bool has_motw;
    int pfd = -1, rc = FOLIO_OK;

    if (buf == NULL || len == 0)
        return h->error(job, FOLIO_EINVALID, "empty input");

    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = buf;
    in.len = len;

    has_motw = find_motw(buf, len < PROBE_WINDOW ? len : PROBE_WINDOW, len,
                         &m);
    if (has_motw) {
        bool nomem;
        char *url = saved_from_url(h, job, buf, &m, &nomem);

        if (nomem)
            return h->error(job, FOLIO_ENOMEM, "out of memory");
        in.url = in.source = url;
    }

    /* Standard input has no folder beside it. */
    path = h->input_path(job);
    if (path != NULL && path[0] != '\0' && strcmp(path, "-") != 0) {
        char *dirpath = parent_of(h, job, path);
        char *stem = stem_folder(h, job, path);

        if (dirpath == NULL || stem == NULL)
            return h->error(job, FOLIO_ENOMEM, "out of memory");
        pfd = open(dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (stem[0] != '\0' && has_folder(pfd, stem))
            folders_add(&found, stem);
    }
    if ((rc = linked_folders(h, job, buf, len, pfd, &found, &missing)) < 0) {
        rc = h->error(job, rc, "out of memory");
        goto done;
    }

    for (size_t i = 0; i < found.n; i++) {
        /* O_NOFOLLOW: the folder itself must not lead elsewhere either
         * (has_folder() looked, but the folder may have changed since). */
        int dfd = openat(pfd, found.names[i],
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (dfd < 0)
            continue;
        rc = add_folder_images(h, job, dfd, found.names[i], &bg);
        close(dfd);
        if (rc < 0)
            goto done;
    }

    /* Only -f complete gets a page with neither mark here: a wrong
     * format named by the user is an error, not a silent fallback. */
    if (!has_motw && found.n == 0 && missing == NULL) {
        rc = h->error(job, FOLIO_EINVALID,
                      "not a \"Web Page, Complete\" save: no saved-from "
                      "comment and no folder of its files (read it with "
                      "-f html)");
        goto done;
    }

    /* A page whose links point into a folder that is not there (moved
     * without it, only page.html copied, read from stdin) still
     * converts, with remote links. */
    if (missing != NULL && found.n == 0) {
        /* The name came from the page: show it URL-escaped, so no
         * control byte reaches the terminal. */
        char *label = h->alloc(job, 3 * strlen(missing) + 1);

        if (label == NULL) {
            rc = h->error(job, FOLIO_ENOMEM, "out of memory");
            goto done;
        }
        label[url_escape(label, 0, missing)] = '\0';
        missing = label;
        if (pfd >= 0)
            h->warn(job, "no folder %s/ beside the page, so its images are "
                         "not kept",
                    missing);
        else
            h->warn(job, "read from standard input, so the page's folder "
                         "%s/ cannot be found and its images are not kept",
                    missing);
    }
    rc = h->import_html(job, &in);
done:
    if (pfd >= 0)
        close(pfd);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const folio_input_ops complete_ops = {
    .size = sizeof(folio_input_ops),
    .probe = complete_probe,
    .read = complete_read,
};

static const folio_plugin complete_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "complete",
    .version = "0.1.0",
    .description = "\"Web Page, Complete\" save: page.html with its "
                   "page_files/ folder",
    .formats = NULL,
    .input = &complete_ops,
};

FOLIO_PLUGIN_DEFINE(complete_plugin)
