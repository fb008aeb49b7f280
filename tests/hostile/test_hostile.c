/* SPDX-License-Identifier: MIT */
/*
 * Hostile inputs, run through the built `folio` (FOLIO_EXE) as a user
 * would: each input is made at test time in a fresh folder, converted
 * into an output folder inside it, and the run must
 *   - end within TIME_LIMIT seconds of CPU time (and, outside sanitizer
 *     builds, use less than 1 GB of memory),
 *   - exit with status 0 or 1 and name the input in a message,
 *   - leave either the one expected output file (status 0) or none
 *     (status 1): no partial file, no temporary file,
 *   - write nothing outside the output folder.
 * Then each test checks what the output must not contain (an expanded
 * entity, a file the page pointed at, invalid UTF-8, a NUL byte...).
 */
#define _GNU_SOURCE /* memmem, wait4 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>

#include "testio.h"
#endif

/* Time is CPU time (user + system), which a busy machine does not
 * inflate; a run is killed after WALL_LIMIT seconds of wall time.
 * Sanitizer builds run several times slower and use more memory; the
 * bounds of the acceptance apply to the normal build. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifdef SANITIZED
#define TIME_LIMIT 60.0
#define WALL_LIMIT 240.0
#else
#define TIME_LIMIT 10.0
#define WALL_LIMIT 60.0
#define MEMORY_LIMIT_KB (1024L * 1024L)
#endif

/* A paragraph long enough for extraction to call it an article. */
#define PARA "<p>This paragraph is plain article text, long enough that " \
             "the extraction keeps it as the body of the page.</p>"
#define ARTICLE "<h1>Title</h1>" PARA PARA PARA

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

typedef struct run {
    char dir[64];       /* the test's folder; out/ is the output folder */
    char input[64];     /* the input's name, relative to dir */
    int status;         /* exit status; 128 + n when killed by signal n */
    double secs;        /* CPU time */
    bool killed;        /* past WALL_LIMIT */
    long maxrss_kb;
    char *err;          /* stderr, NUL-terminated */
    char *out;          /* the output file (status 0), or NULL */
    size_t out_len;
} run;

static void run_free(run *r)
{
    free(r->err);
    free(r->out);
    r->err = r->out = NULL;
}

static int open_in(const run *r, const char *name, int flags)
{
    char path[1024];

    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    return open(path, flags, 0644);
}

/* Makes the test folder with an empty out/ in it, and names the input. */
static void setup(run *r, const char *input)
{
    char out[128];

    memset(r, 0, sizeof *r);
    strcpy(r->dir, "/tmp/folio-hostile-XXXXXX");
    cr_assert_not_null(mkdtemp(r->dir));
    snprintf(out, sizeof out, "%s/out", r->dir);
    cr_assert_eq(mkdir(out, 0755), 0);
    snprintf(r->input, sizeof r->input, "%s", input);
}

/* The input file, written piece by piece. */
static int create_input(const run *r)
{
    int fd = open_in(r, r->input, O_WRONLY | O_CREAT | O_TRUNC);

    cr_assert(fd >= 0, "create %s: %s", r->input, strerror(errno));
    return fd;
}

static void put(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        cr_assert(n > 0, "write: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

static void puts_fd(int fd, const char *s)
{
    put(fd, s, strlen(s));
}

/* Writes `s` `n` times, in big blocks. */
static void repeat(int fd, const char *s, size_t n)
{
    size_t len = strlen(s), per = (1u << 20) / len + 1, done = 0;
    char *block = malloc(per * len);

    cr_assert_not_null(block);
    for (size_t i = 0; i < per; i++)
        memcpy(block + i * len, s, len);
    while (done < n) {
        size_t k = n - done < per ? n - done : per;

        put(fd, block, k * len);
        done += k;
    }
    free(block);
}

static void write_input(const run *r, const void *data, size_t len)
{
    int fd = create_input(r);

    put(fd, data, len);
    close(fd);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *folio_exe(void)
{
    const char *exe = getenv("FOLIO_EXE");

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    return exe;
}

/* Runs `folio -v -t FMT [extra...] -o out/ INPUT` in the test folder,
 * killing it past the time limit. */
static void convert_args(run *r, const char *fmt, const char *const *extra)
{
    char errname[] = "/tmp/folio-hostile-err-XXXXXX";
    int err = mkstemp(errname);
    double start = now();
    struct rusage ru;
    pid_t pid;
    int st = 0;

    cr_assert(err >= 0);
    unlink(errname);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[32];
        size_t n = 0;
        int devnull = open("/dev/null", O_RDWR);

        argv[n++] = "folio";
        argv[n++] = "-v";
        argv[n++] = "-t";
        argv[n++] = fmt;
        for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 26; i++)
            argv[n++] = extra[i];
        argv[n++] = "-o";
        argv[n++] = "out/";
        argv[n++] = r->input;
        argv[n] = NULL;
        if (chdir(r->dir) != 0)
            _exit(126);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(err, 2);
        execv(folio_exe(), (char *const *)argv);
        _exit(127);
    }
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);

        cr_assert(w >= 0, "wait4: %s", strerror(errno));
        if (w == pid)
            break;
        if (now() - start > WALL_LIMIT) {
            r->killed = true;
            kill(pid, SIGKILL);
            cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
            break;
        }
        usleep(5000);
    }
    r->secs = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
              (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    r->maxrss_kb = ru.ru_maxrss;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->err = test_read_fd(err, NULL);
    close(err);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The checks every hostile run must pass (see the top of the file). On
 * status 0 the output is read into r->out. */
static void check_run(run *r, const char *ext)
{
    char path[512], name[256] = "", dot_ext[32];
    DIR *d;
    struct dirent *e;
    size_t n_out = 0;

    cr_log_info("%s: status %d, %.2f s CPU, %ld MB", r->input, r->status,
                r->secs, r->maxrss_kb / 1024);
    cr_assert(!r->killed, "%s: still running after %.0f s", r->input,
              WALL_LIMIT);
    cr_assert(r->secs <= TIME_LIMIT, "%s: ran %.1f s (limit %.0f s)",
              r->input, r->secs, TIME_LIMIT);
    cr_assert(r->status == 0 || r->status == 1,
              "%s: exit status %d (128+n: killed by signal n); stderr: %.500s",
              r->input, r->status, r->err);
    cr_assert_not_null(strstr(r->err, r->input),
                       "%s: no message names the input; stderr: %.500s",
                       r->input, r->err);
#ifdef MEMORY_LIMIT_KB
    cr_assert(r->maxrss_kb < MEMORY_LIMIT_KB, "%s: used %ld MB", r->input,
              r->maxrss_kb / 1024);
#endif

    /* The test folder holds only the input and out/ (and the files the
     * test itself made, named "given-*"). */
    d = opendir(r->dir);
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "out") == 0 ||
            strcmp(e->d_name, r->input) == 0 ||
            has_prefix(e->d_name, "given-"))
            continue;
        cr_assert_fail("%s: folio wrote %s outside the output folder",
                       r->input, e->d_name);
    }
    closedir(d);

    /* out/ holds one file named for the document (its title) with the
     * format's extension, or nothing; never a temporary file. */
    snprintf(dot_ext, sizeof dot_ext, ".%s", ext);
    snprintf(path, sizeof path, "%s/out", r->dir);
    d = opendir(path);
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        cr_assert(r->status == 0, "%s failed but left out/%s; stderr: %.300s",
                  r->input, e->d_name, r->err);
        /* Images the page carried (data: URIs) go to out/assets. */
        if (strcmp(e->d_name, "assets") == 0 && e->d_type == DT_DIR)
            continue;
        cr_assert(r->status == 0, "%s failed but left out/%s; stderr: %.300s",
                  r->input, e->d_name, r->err);
        cr_assert(e->d_name[0] != '.', "%s: left out/%s", r->input,
                  e->d_name);
        cr_assert(n > strlen(dot_ext) &&
                  strcmp(e->d_name + n - strlen(dot_ext), dot_ext) == 0,
                  "%s: unexpected out/%s", r->input, e->d_name);
        snprintf(name, sizeof name, "%s", e->d_name);
        n_out++;
    }
    closedir(d);
    cr_assert(n_out <= 1, "%s: %zu outputs", r->input, n_out);
    if (r->status == 0) {
        int fd;

        cr_assert_eq(n_out, 1, "%s: status 0 but no output", r->input);
        snprintf(path, sizeof path, "out/%s", name);
        fd = open_in(r, path, O_RDONLY);
        cr_assert(fd >= 0);
        r->out = test_read_fd(fd, &r->out_len);
        close(fd);
    }
}

static void convert(run *r, const char *fmt, const char *ext)
{
    convert_args(r, fmt, NULL);
    check_run(r, ext);
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 ? -1 : 0;
}

/* Removes the test folder and everything in it. */
static void teardown(run *r)
{
    nftw(r->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    run_free(r);
}

/* Empties out/ between two runs of one test. */
static void teardown_out(run *r)
{
    char out[128];

    snprintf(out, sizeof out, "%s/out", r->dir);
    nftw(out, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    cr_assert_eq(mkdir(out, 0755), 0);
    run_free(r);
}

/* An unnamed temporary file, for building bytes with put(). */
static int temp_page_fd(void)
{
    char name[] = "/tmp/folio-hostile-page-XXXXXX";
    int fd = mkstemp(name);

    cr_assert(fd >= 0);
    unlink(name);
    return fd;
}

/* Whether s[0..len) is valid UTF-8 (no overlong forms, no surrogates). */
static bool valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

static bool contains(const run *r, const char *needle)
{
    return r->out != NULL && memmem(r->out, r->out_len, needle,
                                    strlen(needle)) != NULL;
}

/* ------------------------------------------------------------------ */
/* HTML                                                               */
/* ------------------------------------------------------------------ */

Test(hostile_html, billion_laughs_is_not_expanded)
{
    run r;
    int fd;

    setup(&r, "laughs.html");
    fd = create_input(&r);
    puts_fd(fd, "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n"
                "<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        char line[256];
        int n = snprintf(line, sizeof line, "<!ENTITY lol%d \"", i);

        for (int k = 0; k < 10; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, "&lol%.0d;",
                          i - 1);
        snprintf(line + n, sizeof line - (size_t)n, "\">\n");
        puts_fd(fd, line);
    }
    puts_fd(fd, "]>\n<html><body><article>" ARTICLE
                "<p>&lol9;</p></article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(r.out_len < 64 * 1024, "output of %zu bytes", r.out_len);
    cr_assert(!contains(&r, "lollollol"), "the entity was expanded");
    teardown(&r);
}

/* The page names a file on this machine as an external entity, in both
 * the DOCTYPE and an XHTML form; its content must never appear. */
static void external_entity(const char *fmt, const char *ext)
{
    run r;
    char secret[256], page[2048];
    int fd;

    setup(&r, "xxe.html");
    snprintf(secret, sizeof secret, "%s/given-secret.txt", r.dir);
    fd = open(secret, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0);
    puts_fd(fd, "TOP-SECRET-MARKER\n");
    close(fd);
    snprintf(page, sizeof page,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file://%s\">\n"
             "<!ENTITY pw SYSTEM \"file:///etc/passwd\">]>\n"
             "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><article>"
             ARTICLE "<p>a &xxe; b &pw; c</p>"
             "<p><img src=\"file://%s\"/></p>"
             "<p><iframe src=\"file://%s\"></iframe></p>"
             "</article></body></html>\n", secret, secret, secret);
    write_input(&r, page, strlen(page));
    convert(&r, fmt, ext);
    cr_assert(!contains(&r, "TOP-SECRET-MARKER"), "the file was read");
    cr_assert(!contains(&r, "root:x:0"), "/etc/passwd was read");
    teardown(&r);
}

Test(hostile_html, external_entity_is_not_read_markdown)
{
    external_entity("markdown", "md");
}

Test(hostile_html, external_entity_is_not_read_epub)
{
    external_entity("epub", "epub");
}

Test(hostile_html, external_entity_is_not_read_xhtml)
{
    external_entity("xhtml", "xhtml");
}

static void nested(const char *fmt, const char *ext, const char *open_tag,
                   const char *close_tag)
{
    run r;
    int fd;

    setup(&r, "nested.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE);
    repeat(fd, open_tag, 100000);
    puts_fd(fd, "<p>The deepest words of the page are here, in a paragraph "
                "long enough to be kept.</p>");
    if (close_tag != NULL)
        repeat(fd, close_tag, 100000);
    puts_fd(fd, "</article></body></html>\n");
    close(fd);
    convert(&r, fmt, ext);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(contains(&r, "deepest words"), "the deepest text was lost");
    teardown(&r);
}

Test(hostile_html, nested_100000_divs, .timeout = 120)
{
    nested("markdown", "md", "<div>", "</div>");
}

Test(hostile_html, nested_100000_unclosed_spans, .timeout = 120)
{
    nested("text", "txt", "<span>", NULL);
}

Test(hostile_html, nested_100000_blockquotes_xhtml, .timeout = 120)
{
    nested("xhtml", "xhtml", "<blockquote>", "</blockquote>");
}

Test(hostile_html, nested_100000_lists_json, .timeout = 120)
{
    nested("json", "json", "<ul><li>", "</li></ul>");
}

/* libxml2 looks for each stray end tag through the whole stack of open
 * elements: 100,000 of each would take minutes. */
Test(hostile_html, stray_end_tags_under_deep_nesting, .timeout = 120)
{
    const char *strays[][2] = { { "<span>", "</q>" }, { "<div>", "</span>" },
                                { "<span>", "</div>" } };

    for (size_t i = 0; i < sizeof strays / sizeof strays[0]; i++) {
        run r;
        int fd;

        setup(&r, "stray.html");
        fd = create_input(&r);
        puts_fd(fd, "<html><body><article>" ARTICLE);
        if (i == 2)
            puts_fd(fd, "<div>");
        repeat(fd, strays[i][0], 100000);
        repeat(fd, strays[i][1], 100000);
        puts_fd(fd, "</article></body></html>\n");
        close(fd);
        convert(&r, "markdown", "md");
        teardown(&r);
    }
}

Test(hostile_html, attribute_of_30_mb, .timeout = 120)
{
    run r;
    int fd;

    setup(&r, "attr.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article><p title=\"");
    repeat(fd, "abcdefghijklmnopqrstuvwxyz01234", 1015000); /* 30 MiB */
    puts_fd(fd, "\">x</p><img alt=\"");
    repeat(fd, "a ", 512 * 1024);
    puts_fd(fd, "\" src=\"data:image/png;base64,");
    repeat(fd, "AAAA", 1024 * 1024);
    puts_fd(fd, "\">" ARTICLE "</article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    teardown(&r);
}

Test(hostile_html, millions_of_tiny_nodes_are_refused, .timeout = 120)
{
    run r;
    int fd;

    setup(&r, "tiny.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE);
    repeat(fd, "<b>x</b><!---->", 2000000);
    puts_fd(fd, "</article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "more than 500000 elements"), "%s",
                       r.err);
    teardown(&r);
}

Test(hostile_html, many_nodes_under_the_limit_convert, .timeout = 120)
{
    run r;
    int fd;

    setup(&r, "many.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE "<p>");
    repeat(fd, "<b>x</b> ", 400000);
    puts_fd(fd, "</p></article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(contains(&r, "**x**"));
    teardown(&r);
}

/* libxml2 compares each attribute with all earlier ones of its tag:
 * 200,000 distinct attributes would take minutes. */
Test(hostile_html, element_with_200000_attributes_is_refused, .timeout = 120)
{
    run r;
    int fd;
    char buf[32];

    setup(&r, "attrs.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE "<p ");
    for (int i = 0; i < 200000; i++) {
        snprintf(buf, sizeof buf, "a%d=\"x\"", i);
        puts_fd(fd, buf);
    }
    puts_fd(fd, ">x</p></article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "attributes"), "%s", r.err);
    teardown(&r);
}

/* The same attributes hidden from a naive scan: a quoted '>' first, then
 * the attributes without blanks between them. */
Test(hostile_html, attributes_after_a_quoted_gt_are_counted, .timeout = 120)
{
    run r;
    int fd;
    char buf[32];

    setup(&r, "attrs2.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE "<p a=\">\"");
    for (int i = 0; i < 200000; i++) {
        snprintf(buf, sizeof buf, "b%d='>'", i);
        puts_fd(fd, buf);
    }
    puts_fd(fd, ">x</p></article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 1);
    teardown(&r);
}

/* What only looks like a crowded tag is no reason to refuse a page:
 * a script comparing with '<', quoted values with blanks, 900 real
 * attributes. */
Test(hostile_html, crowded_but_legitimate_tags_convert)
{
    run r;
    int fd;
    char buf[32];

    setup(&r, "crowded.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><head><script>if (a<b ");
    repeat(fd, "x ", 5000);
    puts_fd(fd, ") {}</script><style>a<b ");
    repeat(fd, "y ", 5000);
    puts_fd(fd, "{}</style></head><body><article>" ARTICLE "<p title=\"");
    repeat(fd, "word ", 5000);
    puts_fd(fd, "\" ");
    for (int i = 0; i < 900; i++) {
        snprintf(buf, sizeof buf, "data-a%d='1' ", i);
        puts_fd(fd, buf);
    }
    puts_fd(fd, ">The last words.</p></article></body></html>\n");
    close(fd);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(contains(&r, "The last words."));
    teardown(&r);
}

Test(hostile_html, invalid_utf8_gives_valid_utf8)
{
    static const char page[] =
        "<html><head><meta charset=\"utf-8\"><title>Bad \xff\xfe bytes"
        "</title></head><body><article>" ARTICLE
        "<p>overlong \xc0\xaf, surrogate \xed\xa0\x80, too big \xf4\x90\x80"
        "\x80, cut \xe2\x82, lone \x80\xbf continuation</p>"
        "<p><a href=\"http://x.example/\xff\">link \xfe</a></p>"
        "</article></body></html>\n";
    const char *fmts[][2] = { { "markdown", "md" }, { "json", "json" },
                              { "xhtml", "xhtml" }, { "text", "txt" } };

    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        run r;

        setup(&r, "badutf8.html");
        write_input(&r, page, sizeof page - 1);
        convert(&r, fmts[i][0], fmts[i][1]);
        cr_assert_eq(r.status, 0, "%s: %s", fmts[i][0], r.err);
        cr_assert(valid_utf8((const unsigned char *)r.out, r.out_len),
                  "%s output is not valid UTF-8", fmts[i][0]);
        cr_assert(contains(&r, "continuation"));
        teardown(&r);
    }
}

Test(hostile_html, nul_bytes)
{
    static const char page[] =
        "<html><body><article>" ARTICLE
        "<p>before\0after</p><p title=\"a\0b\">x\0y</p>"
        "</article></body></html>\n";
    run r;

    /* Sniffed: NUL bytes say "binary", refused with a message. */
    setup(&r, "nul.html");
    write_input(&r, page, sizeof page - 1);
    convert(&r, "markdown", "md");
    run_free(&r);

    /* Read as HTML because the user says so: no NUL reaches the output. */
    convert_args(&r, "markdown", (const char *const[]){ "-f", "html", NULL });
    check_run(&r, "md");
    if (r.status == 0)
        cr_assert_null(memchr(r.out, '\0', r.out_len), "a NUL in the output");
    teardown(&r);
}

Test(hostile_html, utf16_without_bom)
{
    const char *ascii = "<html><body><article>" ARTICLE
                        "</article></body></html>\n";
    size_t n = strlen(ascii);
    char *page = malloc(2 * n);
    run r;

    cr_assert_not_null(page);
    for (size_t i = 0; i < n; i++) {
        page[2 * i] = ascii[i];
        page[2 * i + 1] = '\0';
    }
    setup(&r, "utf16.html");
    write_input(&r, page, 2 * n);
    convert(&r, "markdown", "md");
    run_free(&r);
    convert_args(&r, "json", (const char *const[]){ "-f", "html", NULL });
    check_run(&r, "json");
    if (r.status == 0)
        cr_assert(valid_utf8((const unsigned char *)r.out, r.out_len));
    teardown(&r);
    free(page);
}

Test(hostile_html, binary_file_named_html)
{
    unsigned char bytes[65536];
    uint32_t x = 12345;
    run r;

    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(x >> 16);
    }
    bytes[0] = '<'; /* looks like markup at first sight */
    setup(&r, "binary.html");
    write_input(&r, bytes, sizeof bytes);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 1);
    run_free(&r);
    convert_args(&r, "epub", (const char *const[]){ "-f", "html", NULL });
    check_run(&r, "epub");
    teardown(&r);
}

Test(hostile_html, empty_file)
{
    run r;

    setup(&r, "empty.html");
    write_input(&r, "", 0);
    convert(&r, "markdown", "md");
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "empty"), "%s", r.err);
    teardown(&r);
}

Test(hostile_html, max_input_size_must_be_a_size)
{
    static const char *const bad[] = { "0", "12Q", "-5", "K", "1.5M",
                                       "99999999999999999999G", "" };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run r;

        setup(&r, "x.html");
        write_input(&r, "<p>x</p>", 8);
        convert_args(&r, "markdown", (const char *const[]){
                         "--max-input-size", bad[i], NULL });
        cr_assert_eq(r.status, 2, "--max-input-size '%s': status %d",
                     bad[i], r.status);
        cr_assert_not_null(strstr(r.err, "--max-input-size"), "%s", r.err);
        teardown(&r);
    }
}

Test(hostile_html, input_over_max_input_size)
{
    run r;
    int fd;

    setup(&r, "big.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE);
    repeat(fd, PARA, 20000);
    puts_fd(fd, "</article></body></html>\n");
    close(fd);
    convert_args(&r, "markdown",
                 (const char *const[]){ "--max-input-size", "1M", NULL });
    check_run(&r, "md");
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "limit"), "%s", r.err);
    teardown(&r);
}

/* ------------------------------------------------------------------ */
/* Saved pages: MHTML and WARC                                        */
/* ------------------------------------------------------------------ */

#if defined(HAVE_MHTML) || defined(HAVE_WARC)
/* A small PNG from the project's fixtures, for the image parts. */
static char *read_png(size_t *len)
{
    char path[1024];
    int fd;
    char *png;

    snprintf(path, sizeof path, "%s/mhtml/fixtures/red.png",
             FOLIO_TEST_SRCDIR);
    fd = open(path, O_RDONLY);
    cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
    png = test_read_fd(fd, len);
    close(fd);
    return png;
}

/* Image names a hostile container may use, relative to the page at
 * https://example.org/a/page: each must be saved, if at all, inside the
 * output folder. "../../escaped" from out/assets/ is the test folder,
 * where check_run() looks. */
static const char *const bad_names[] = {
    "../../escaped-1.png",
    "../../../../../../../../tmp/folio-hostile-escaped-2.png",
    "/tmp/folio-hostile-escaped-3.png",
    "file:///tmp/folio-hostile-escaped-4.png",
    "https://example.org/..%2F..%2Fescaped-5.png",
    "https://example.org/a/%2e%2e/%2e%2e/escaped-6.png",
    "cid:../../escaped-7.png",
    "https://example.org/a/dir\\..\\..\\escaped-8.png",
    "https://example.org/a/.png",
    "https://example.org/a/..",
};
#define N_BAD (sizeof bad_names / sizeof bad_names[0])

static void check_no_escape(void)
{
    struct stat st;

    for (int i = 2; i <= 4; i++) {
        char path[128];

        snprintf(path, sizeof path, "/tmp/folio-hostile-escaped-%d.png", i);
        cr_assert(stat(path, &st) != 0, "folio wrote %s", path);
    }
}

/* The page, with an <img> for each bad name. */
static void put_page(int fd, const char *nl)
{
    puts_fd(fd, "<html><head><title>Saved page</title></head><body>"
                "<article>" ARTICLE);
    for (size_t i = 0; i < N_BAD; i++) {
        puts_fd(fd, "<p><img alt=\"picture\" src=\"");
        puts_fd(fd, bad_names[i]);
        puts_fd(fd, "\"></p>");
    }
    puts_fd(fd, "</article></body></html>");
    puts_fd(fd, nl);
}
#endif

#ifdef HAVE_MHTML
static void mhtml_head(int fd, const char *boundary)
{
    puts_fd(fd, "From: <Saved by Blink>\r\n"
                "Snapshot-Content-Location: https://example.org/a/page\r\n"
                "Subject: Saved page\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/related;\r\n\ttype=\"text/html\"");
    if (boundary != NULL) {
        puts_fd(fd, ";\r\n\tboundary=\"");
        puts_fd(fd, boundary);
        puts_fd(fd, "\"");
    }
    puts_fd(fd, "\r\n\r\n");
}

/* A whole MHTML file: the page, then one image part per bad name. */
static void mhtml_file(const run *r)
{
    size_t png_len;
    char *png = read_png(&png_len);
    int fd = create_input(r);

    mhtml_head(fd, "BB");
    puts_fd(fd, "--BB\r\nContent-Type: text/html\r\n"
                "Content-Location: https://example.org/a/page\r\n\r\n");
    put_page(fd, "\r\n");
    for (size_t i = 0; i < N_BAD; i++) {
        puts_fd(fd, "--BB\r\nContent-Type: image/png\r\n"
                    "Content-Transfer-Encoding: binary\r\n");
        if (strncmp(bad_names[i], "cid:", 4) == 0) {
            puts_fd(fd, "Content-ID: <");
            puts_fd(fd, bad_names[i] + 4);
            puts_fd(fd, ">\r\n\r\n");
        } else {
            puts_fd(fd, "Content-Location: ");
            puts_fd(fd, bad_names[i]);
            puts_fd(fd, "\r\n\r\n");
        }
        put(fd, png, png_len);
        puts_fd(fd, "\r\n");
    }
    puts_fd(fd, "--BB--\r\n");
    close(fd);
    free(png);
}

Test(hostile_mhtml, names_with_dotdot_and_absolute_paths)
{
    const char *fmts[][2] = { { "markdown", "md" }, { "epub", "epub" },
                              { "xhtml", "xhtml" } };

    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        run r;

        setup(&r, "names.mhtml");
        mhtml_file(&r);
        convert(&r, fmts[i][0], fmts[i][1]);
        cr_assert_eq(r.status, 0, "%s: %s", fmts[i][0], r.err);
        check_no_escape();
        teardown(&r);
    }
}

/* The file cut at every 7th byte of its last 3 KB: inside the image
 * parts, their headers, the boundaries. */
Test(hostile_mhtml, truncated, .timeout = 300)
{
    run r;
    char path[512];
    struct stat st;

    setup(&r, "cut.mhtml");
    mhtml_file(&r);
    snprintf(path, sizeof path, "%s/%s", r.dir, r.input);
    cr_assert_eq(stat(path, &st), 0);
    for (off_t len = st.st_size; len > 0 && len > st.st_size - 3000;
         len -= 7 * 37) {
        cr_assert_eq(truncate(path, len), 0);
        convert(&r, "markdown", "md");
        run_free(&r);
        teardown_out(&r);
    }
    teardown(&r);
}

Test(hostile_mhtml, without_a_boundary)
{
    run r;
    int fd;

    setup(&r, "noboundary.mhtml");
    fd = create_input(&r);
    mhtml_head(fd, NULL);
    puts_fd(fd, "--\r\nContent-Type: text/html\r\n\r\n");
    put_page(fd, "\r\n");
    puts_fd(fd, "----\r\n");
    close(fd);
    convert(&r, "markdown", "md");
    run_free(&r);
    teardown_out(&r);

    /* An empty boundary parameter, and one that never appears. */
    fd = create_input(&r);
    mhtml_head(fd, "");
    put_page(fd, "\r\n");
    close(fd);
    convert(&r, "markdown", "md");
    run_free(&r);
    teardown_out(&r);
    fd = create_input(&r);
    mhtml_head(fd, "never-there");
    put_page(fd, "\r\n");
    close(fd);
    convert(&r, "markdown", "md");
    teardown(&r);
}

Test(hostile_mhtml, twenty_thousand_parts, .timeout = 120)
{
    run r;
    int fd;

    setup(&r, "parts.mhtml");
    fd = create_input(&r);
    mhtml_head(fd, "P");
    puts_fd(fd, "--P\r\nContent-Type: text/html\r\n"
                "Content-Location: https://example.org/a/page\r\n\r\n");
    put_page(fd, "\r\n");
    repeat(fd, "--P\r\nContent-Type: image/gif\r\n"
               "Content-Location: https://example.org/x.gif\r\n\r\nGIF89a\r\n",
           20000);
    puts_fd(fd, "--P--\r\n");
    close(fd);
    convert(&r, "markdown", "md");
    teardown(&r);
}

/* Multiparts nested a thousand deep. */
Test(hostile_mhtml, nested_multiparts, .timeout = 120)
{
    run r;
    int fd;
    char line[128];

    setup(&r, "nested.mhtml");
    fd = create_input(&r);
    mhtml_head(fd, "b0");
    for (int i = 1; i < 1000; i++) {
        snprintf(line, sizeof line, "--b%d\r\nContent-Type: multipart/"
                 "related; boundary=\"b%d\"\r\n\r\n", i - 1, i);
        puts_fd(fd, line);
    }
    puts_fd(fd, "--b999\r\nContent-Type: text/html\r\n\r\n");
    put_page(fd, "\r\n");
    close(fd);
    convert(&r, "markdown", "md");
    teardown(&r);
}
#endif

#ifdef HAVE_WARC
/* One WARC response record; `length` is the Content-Length to declare,
 * NULL for the true one. */
static void warc_record(int fd, const char *uri, const char *type,
                        const void *body, size_t body_len,
                        const char *length)
{
    char head[1024], http[256], len[64];
    int hn = snprintf(http, sizeof http, "HTTP/1.1 200 OK\r\n"
                      "Content-Type: %s\r\n\r\n", type);

    snprintf(len, sizeof len, "%zu", (size_t)hn + body_len);
    snprintf(head, sizeof head,
             "WARC/1.0\r\nWARC-Type: response\r\n"
             "WARC-Target-URI: %s\r\nWARC-Date: 2024-06-01T10:00:00Z\r\n"
             "WARC-Record-ID: <urn:uuid:%08zx-0000-0000-0000-000000000000>\r\n"
             "Content-Type: application/http; msgtype=response\r\n"
             "Content-Length: %s\r\n\r\n", uri, body_len,
             length != NULL ? length : len);
    puts_fd(fd, head);
    puts_fd(fd, http);
    put(fd, body, body_len);
    puts_fd(fd, "\r\n\r\n");
}

/* The page, as a WARC body. */
static char *page_bytes(size_t *len)
{
    int fd = temp_page_fd();
    char *s;

    put_page(fd, "\n");
    s = test_read_fd(fd, len);
    close(fd);
    return s;
}

static void warc_file(const run *r, const char *page_length)
{
    size_t png_len, page_len;
    char *png = read_png(&png_len), *page = page_bytes(&page_len);
    int fd = create_input(r);

    for (size_t i = 0; i < N_BAD; i++)
        warc_record(fd, bad_names[i], "image/png", png, png_len, NULL);
    warc_record(fd, "https://example.org/a/page", "text/html", page,
                page_len, page_length);
    close(fd);
    free(png);
    free(page);
}

Test(hostile_warc, names_with_dotdot_and_absolute_paths)
{
    const char *fmts[][2] = { { "markdown", "md" }, { "epub", "epub" } };

    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        run r;

        setup(&r, "names.warc");
        warc_file(&r, NULL);
        convert(&r, fmts[i][0], fmts[i][1]);
        cr_assert_eq(r.status, 0, "%s: %s", fmts[i][0], r.err);
        check_no_escape();
        teardown(&r);
    }
}

Test(hostile_warc, content_length_lies, .timeout = 300)
{
    static const char *const lies[] = {
        "0", "1", "10", "99999999", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999", "-1", "-100",
        "0x10", "12abc", "", " 12", "1e9",
    };

    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        run r;

        setup(&r, "lies.warc");
        warc_file(&r, lies[i]);
        convert(&r, "markdown", "md");
        teardown(&r);
    }
}

#ifdef HAVE_ZLIB
/* A gzip member of `n` zero bytes. */
static unsigned char *gzip_zeros(size_t n, size_t *len)
{
    z_stream zs;
    unsigned char *in = calloc(1, n), *out = malloc(n / 100 + 4096);

    cr_assert(in != NULL && out != NULL);
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY),
                 Z_OK);
    zs.next_in = in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)(n / 100 + 4096);
    cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *len = zs.total_out;
    deflateEnd(&zs);
    free(in);
    return out;
}

/* A .warc.gz whose one record claims 4 GiB and is 4 GiB of zeros: 4,096
 * gzip members of 1 MiB each, about 4 MB on disk. */
Test(hostile_warc, gzip_bomb, .timeout = 300)
{
    static const char head[] =
        "WARC/1.0\r\nWARC-Type: response\r\n"
        "WARC-Target-URI: https://example.org/a/page\r\n"
        "WARC-Date: 2024-06-01T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        "Content-Length: 4294967296\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        "<html><body><article>" ARTICLE;
    size_t zlen, hlen;
    unsigned char *zeros = gzip_zeros(1 << 20, &zlen), *hz;
    z_stream zs;
    run r;
    int fd;

    /* The header as its own member. */
    hz = malloc(sizeof head + 1024);
    cr_assert_not_null(hz);
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY),
                 Z_OK);
    zs.next_in = (unsigned char *)head;
    zs.avail_in = sizeof head - 1;
    zs.next_out = hz;
    zs.avail_out = sizeof head + 1024;
    cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    hlen = zs.total_out;
    deflateEnd(&zs);

    setup(&r, "bomb.warc.gz");
    fd = create_input(&r);
    put(fd, hz, hlen);
    for (int i = 0; i < 4096; i++)
        put(fd, zeros, zlen);
    close(fd);
    convert(&r, "markdown", "md");
    teardown(&r);
    free(zeros);
    free(hz);
}
#endif
#endif

/* ------------------------------------------------------------------ */
/* Never losing data                                                  */
/* ------------------------------------------------------------------ */

/* A reader that takes a few bytes of a large output and goes away: folio
 * must stop with status 1 and say so, not die of SIGPIPE. */
Test(hostile_io, pipe_closed_after_a_few_bytes, .timeout = 120)
{
    run r;
    int fd, p[2], err;
    char errname[] = "/tmp/folio-hostile-err-XXXXXX", buf[64];
    pid_t pid;
    int st;
    char *msg;

    setup(&r, "long.html");
    fd = create_input(&r);
    puts_fd(fd, "<html><body><article>" ARTICLE);
    repeat(fd, PARA, 200000);
    puts_fd(fd, "</article></body></html>\n");
    close(fd);
    err = mkstemp(errname);
    cr_assert(err >= 0);
    unlink(errname);
    cr_assert_eq(pipe(p), 0);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[] = { "folio", "-t", "text", r.input, NULL };

        if (chdir(r.dir) != 0)
            _exit(126);
        signal(SIGPIPE, SIG_DFL); /* as a shell starts it */
        close(p[0]);
        dup2(p[1], 1);
        dup2(err, 2);
        execv(folio_exe(), (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    cr_assert(read(p[0], buf, sizeof buf) > 0);
    close(p[0]);
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    msg = test_read_fd(err, NULL);
    close(err);
    cr_assert(WIFEXITED(st), "killed by signal %d", WTERMSIG(st));
    cr_assert_eq(WEXITSTATUS(st), 1, "status %d; stderr: %s",
                 WEXITSTATUS(st), msg);
    cr_assert_not_null(strstr(msg, "Broken pipe"), "%s", msg);
    free(msg);
    teardown(&r);
}

/* An output name already taken in the folder: the file keeps its bytes
 * and the new output gets another name; a failing input changes
 * nothing. */
Test(hostile_io, existing_files_are_never_replaced)
{
    static const char page[] = "<html><head><title>Same</title></head>"
                               "<body><article>" ARTICLE
                               "</article></body></html>\n";
    static const char mine[] = "my own notes, not to be lost\n";
    run r;
    int fd;
    char *kept;
    size_t len;

    setup(&r, "same.html");
    write_input(&r, page, sizeof page - 1);
    fd = open_in(&r, "out/same.md", O_WRONLY | O_CREAT | O_TRUNC);
    cr_assert(fd >= 0);
    put(fd, mine, sizeof mine - 1);
    close(fd);
    convert_args(&r, "markdown", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    fd = open_in(&r, "out/same.md", O_RDONLY);
    cr_assert(fd >= 0);
    kept = test_read_fd(fd, &len);
    close(fd);
    cr_assert_str_eq(kept, mine, "the existing file was replaced");
    free(kept);
    fd = open_in(&r, "out/same-2.md", O_RDONLY);
    cr_assert(fd >= 0, "the new output is not beside it: %s", r.err);
    close(fd);
    run_free(&r);

    /* A binary input of the same name fails and touches nothing. */
    write_input(&r, "\x01\x02\x03\x00binary", 10);
    convert_args(&r, "markdown", (const char *const[]){ "-f", "html",
                                                        NULL });
    fd = open_in(&r, "out/same.md", O_RDONLY);
    cr_assert(fd >= 0);
    kept = test_read_fd(fd, &len);
    close(fd);
    cr_assert_str_eq(kept, mine);
    free(kept);
    teardown(&r);
}
