/* SPDX-License-Identifier: MIT */
/*
 * Runs the built `folio` (FOLIO_EXE) the way a user does and checks its
 * exit status, stdout, stderr and the files it leaves.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folio/plugin.h"
#include "folio/version.h"
#include "testio.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

typedef struct result {
    int status;     /* exit status, or 128 + signal */
    char *out;      /* stdout, NUL-terminated */
    size_t out_len;
    char *err;      /* stderr, NUL-terminated */
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

static const char *folio_exe(void)
{
    const char *exe = getenv("FOLIO_EXE");

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    return exe;
}

/* Returns the path of fixture `name`. A few calls may be used in one
 * argument list: each gets its own buffer from a small ring. */
static char *data_path(const char *name)
{
    static char paths[4][4096];
    static unsigned next;
    char *path = paths[next++ % 4];

    snprintf(path, sizeof paths[0], "%s/cli/data/%s", FOLIO_TEST_SRCDIR,
             name);
    return path;
}

static void spit(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    cr_assert(fd >= 0, "create %s: %s", path, strerror(errno));
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* How to run folio: stdin bytes (NULL: /dev/null), environment changes
 * ("K=V" sets, "K" unsets), and a stdout fd to use instead of capturing
 * (-1: capture). */
typedef struct run_opts {
    const char *in;
    size_t in_len;
    const char *const *env;
    int stdout_fd;
} run_opts;

static result run_argv(const run_opts *o, const char *const *args)
{
    result r = { 0 };
    int out = o->stdout_fd >= 0 ? -1 : test_scratch_fd();
    int err = test_scratch_fd();
    int in;
    pid_t pid;
    int st;

    if (o->in != NULL) {
        in = test_scratch_fd();
        cr_assert_eq(write(in, o->in, o->in_len), (ssize_t)o->in_len);
        lseek(in, 0, SEEK_SET);
    } else {
        in = open("/dev/null", O_RDONLY);
    }

    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[64];
        size_t n = 0;

        argv[n++] = "folio";
        for (size_t i = 0; args[i] != NULL && n < 63; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        for (size_t i = 0; o->env != NULL && o->env[i] != NULL; i++) {
            const char *eq = strchr(o->env[i], '=');

            if (eq == NULL) {
                unsetenv(o->env[i]);
            } else {
                char key[256];

                snprintf(key, sizeof key, "%.*s", (int)(eq - o->env[i]),
                         o->env[i]);
                setenv(key, eq + 1, 1);
            }
        }
        /* Start as a user's shell would: SIGPIPE at its default. */
        signal(SIGPIPE, SIG_DFL);
        dup2(in, 0);
        dup2(o->stdout_fd >= 0 ? o->stdout_fd : out, 1);
        dup2(err, 2);
        execv(folio_exe(), (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    if (WIFEXITED(st))
        r.status = WEXITSTATUS(st);
    else
        r.status = 128 + WTERMSIG(st);
    if (out >= 0) {
        r.out = test_read_fd(out, &r.out_len);
        close(out);
    } else {
        r.out = calloc(1, 1);
    }
    r.err = test_read_fd(err, NULL);
    close(err);
    close(in);
    return r;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Runs folio with the given arguments and no stdin. */
#define FOLIO(...) run_argv(&(run_opts){ .stdout_fd = -1 }, ARGS(__VA_ARGS__))

/* Runs folio with `in` as stdin. */
#define FOLIO_IN(in, ...)                                                    \
    run_argv(&(run_opts){ (in), strlen(in), NULL, -1 }, ARGS(__VA_ARGS__))

/* Runs folio with environment changes. */
#define FOLIO_ENV(env, ...)                                                  \
    run_argv(&(run_opts){ NULL, 0, (env), -1 }, ARGS(__VA_ARGS__))

static void assert_contains(const char *hay, const char *needle)
{
    cr_assert_not_null(strstr(hay, needle), "expected \"%s\" in:\n%s",
                       needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    cr_assert_null(strstr(hay, needle), "unexpected \"%s\" in:\n%s", needle,
                   hay);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* A fresh temporary folder, removed by rm_tree(). */
static char *make_tmpdir(void)
{
    static char dir[64];

    strcpy(dir, "/tmp/folio-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (d == NULL) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char sub[4096];
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            rm_tree(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

/* Number of entries in a folder, and whether any is a leftover temp. */
static size_t count_entries(const char *dir, bool *has_hidden)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d, "opendir %s", dir);
    if (has_hidden != NULL)
        *has_hidden = false;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (e->d_name[0] == '.' && has_hidden != NULL)
            *has_hidden = true;
    }
    closedir(d);
    return n;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);

    cr_assert_not_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *s = test_read_file(from, &len);

    spit(to, s, len);
    free(s);
}

/* ------------------------------------------------------------------ */
/* Bad inputs                                                         */
/* ------------------------------------------------------------------ */

Test(cli_input, missing_file_names_the_file)
{
    result r = FOLIO("-t", "json", "/nonexistent/folio-missing.html");

    cr_assert_eq(r.status, 1, "status %d, stderr: %s", r.status, r.err);
    assert_contains(r.err, "folio: /nonexistent/folio-missing.html: "
                           "No such file or directory");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);
}

Test(cli_input, folder_without_pages_fails)
{
    char *dir = make_tmpdir();
    char *css = path_in(dir, "style.css");
    char expect[256];
    result r;

    spit(css, "body { color: red }\n", 20);
    r = FOLIO("-t", "json", dir);
    snprintf(expect, sizeof expect, "folio: warning: %s: no page found in "
             "this folder", dir);
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, expect);
    assert_contains(r.err, "no page to convert");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);
    free(css);
    rm_tree(dir);
}

Test(cli_input, folder_stands_for_its_pages)
{
    char *dir = make_tmpdir();
    char *in = path_in(dir, "in"), *sub = path_in(dir, "in/sub");
    char *files = path_in(dir, "in/a_files");
    char *hidden = path_in(dir, "in/.cache");
    char *p;
    result r;

    cr_assert_eq(mkdir(in, 0777), 0);
    cr_assert_eq(mkdir(sub, 0777), 0);
    cr_assert_eq(mkdir(files, 0777), 0);
    cr_assert_eq(mkdir(hidden, 0777), 0);
    copy_file(data_path("article.html"), (p = path_in(in, "a.html")));
    free(p);
    copy_file(data_path("notes.html"), (p = path_in(sub, "b.htm")));
    free(p);
    /* Not pages: an image, a page's resource folder, a hidden folder. */
    spit((p = path_in(in, "pic.png")), "\x89PNG\r\n\x1a\n\0\0", 10);
    free(p);
    copy_file(data_path("notes.html"), (p = path_in(files, "frame.html")));
    free(p);
    copy_file(data_path("notes.html"), (p = path_in(hidden, "c.html")));
    free(p);

    r = FOLIO("-t", "text", in);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    {
        const char *a = strstr(r.out, "Harbour"), *b = strstr(r.out,
                                                               "nuthatch");
        cr_assert(a != NULL && b != NULL && a < b, "%s", r.out);
        cr_assert_null(strstr(b + 1, "nuthatch"), "read twice: %s", r.out);
    }
    result_free(&r);

    /* The resource folder on its own stands for its page. */
    copy_file(data_path("notes.html"), (p = path_in(in, "a.html")));
    free(p);
    r = FOLIO("-t", "text", files);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "nuthatch");
    result_free(&r);
    free(in);
    free(sub);
    free(files);
    free(hidden);
    rm_tree(dir);
}

Test(cli_input, binary_input_is_not_recognised)
{
    char *dir = make_tmpdir();
    char *bin = path_in(dir, "blob.bin");
    unsigned char bytes[2048];
    unsigned x = 12345;
    result r;

    /* Pseudo-random bytes with NULs, as an image or archive has. */
    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(x >> 16);
    }
    bytes[10] = 0;
    spit(bin, bytes, sizeof bytes);

    r = FOLIO("-t", "json", bin);
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, bin);
    assert_contains(r.err, "not a recognised input format");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);
    free(bin);
    rm_tree(dir);
}

Test(cli_input, empty_file_and_empty_stdin)
{
    char *dir = make_tmpdir();
    char *empty = path_in(dir, "empty.html");
    char expect[256];
    result r;

    spit(empty, "", 0);
    r = FOLIO("-t", "json", empty);
    snprintf(expect, sizeof expect, "folio: %s: empty input", empty);
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, expect);
    result_free(&r);

    r = FOLIO_IN("", "-t", "json", "-");
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, "folio: -: empty input");
    result_free(&r);
    free(empty);
    rm_tree(dir);
}

Test(cli_input, too_large_file_is_refused_before_reading)
{
    char *dir = make_tmpdir();
    char *big = path_in(dir, "big.html");
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    result r;

    /* A sparse file just over the 256 MiB limit: no disk is used. */
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, ((off_t)256 << 20) + 1), 0);
    close(fd);
    r = FOLIO("-t", "json", big);
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, big);
    assert_contains(r.err, "larger than the limit");
    result_free(&r);
    free(big);
    rm_tree(dir);
}

Test(cli_input, failing_input_does_not_stop_the_others)
{
    result r = FOLIO("-t", "json", "/nonexistent/a.html",
                     data_path("article.html"));

    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    assert_contains(r.err, "/nonexistent/a.html");
    assert_contains(r.out, "Harbour Moss");
    result_free(&r);
}

/* ------------------------------------------------------------------ */
/* stdin and stdout                                                   */
/* ------------------------------------------------------------------ */

Test(cli_stdio, reads_stdin_with_dash_and_without_arguments)
{
    size_t len;
    char *page = test_read_file(data_path("article.html"), &len);
    result a = FOLIO_IN(page, "-t", "json", "-");
    result b = FOLIO_IN(page, "-t", "json");

    cr_assert_eq(a.status, 0, "stderr: %s", a.err);
    cr_assert_eq(b.status, 0, "stderr: %s", b.err);
    assert_contains(a.out, "\"title\": \"How the Harbour Bridge Was Painted");
    assert_contains(a.out, "crew of twelve painters");
    cr_assert_str_eq(a.out, b.out);
    result_free(&a);
    result_free(&b);
    free(page);
}

Test(cli_stdio, json_option_pretty_false_gives_one_line)
{
    result r = FOLIO("-t", "json", "-O", "pretty=false",
                     data_path("article.html"));

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1, "output: %s", r.out);
    cr_assert_eq(r.out[0], '{');
    cr_assert_eq(r.out[r.out_len - 1], '\n');
    result_free(&r);
}

Test(cli_stdio, closed_stdout_fails_with_one_message)
{
    int p[2];
    result r;
    size_t len;
    char *page = test_read_file(data_path("article.html"), &len);

    cr_assert_eq(pipe(p), 0);
    close(p[0]); /* nobody reads: every write gets EPIPE */
    r = run_argv(&(run_opts){ page, len, NULL, p[1] },
                 ARGS("-t", "json", "-", "-", "-"));
    close(p[1]);
    cr_assert_eq(r.status, 1, "status %d (128+n: killed by signal n)",
                 r.status);
    cr_assert_eq(count_lines(r.err), 1, "stderr: %s", r.err);
    assert_contains(r.err, "Broken pipe");
    result_free(&r);
    free(page);
}

Test(cli_stdio, from_html_reads_a_fragment)
{
    const char *frag =
        "<p>The lighthouse keeper kept a log of every ship that passed the "
        "point, with the weather, the hour and the ship's flag, for "
        "thirty-one years without missing a single day.</p>\n"
        "<p>His logbooks fill two shelves in the town museum today and are "
        "still read by historians of the coastal trade.</p>\n";
    result r = FOLIO_IN(frag, "-f", "html", "-t", "json");

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "lighthouse keeper");
    result_free(&r);
}

/* ------------------------------------------------------------------ */
/* Usage errors                                                       */
/* ------------------------------------------------------------------ */

Test(cli_usage, unknown_output_format)
{
    result r = FOLIO("-t", "nosuchformat", data_path("article.html"));

    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "folio: nosuchformat: unknown output format");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);
}

Test(cli_usage, unknown_input_format_and_wrong_kind)
{
    result r = FOLIO("-t", "json", "-f", "nosuchformat",
                     data_path("article.html"));

    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "nosuchformat: unknown input format");
    result_free(&r);

    r = FOLIO("-t", "json", "-f", "json", data_path("article.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "json: not an input format");
    result_free(&r);
}

Test(cli_usage, unknown_option_key_lists_known_keys)
{
    result r = FOLIO("-t", "json", "-O", "colour=red",
                     data_path("article.html"));

    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "colour");
    assert_contains(r.err, "pretty");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);
}

Test(cli_usage, bad_option_value_and_bad_syntax)
{
    result r = FOLIO("-t", "json", "-O", "pretty=perhaps",
                     data_path("article.html"));

    cr_assert_eq(r.status, 2, "stderr: %s", r.err);
    assert_contains(r.err, "pretty");
    result_free(&r);

    r = FOLIO("-t", "json", "-O", "pretty", data_path("article.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "KEY=VALUE");
    result_free(&r);
}

Test(cli_usage, unknown_flag)
{
    result r = FOLIO("--no-such-flag");

    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "no-such-flag");
    assert_contains(r.err, "--help");
    result_free(&r);
}

Test(cli_usage, several_inputs_make_a_folder)
{
    char *dir = make_tmpdir();
    char *target = path_in(dir, "out");
    char *file = path_in(dir, "taken.json");
    struct stat st;
    result r = FOLIO("-t", "json", "-o", target, data_path("article.html"),
                     data_path("notes.html"));

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(stat(target, &st) == 0 && S_ISDIR(st.st_mode));
    cr_assert_eq(count_entries(target, NULL), 2);
    result_free(&r);

    /* An existing file cannot become that folder. */
    spit(file, "mine\n", 5);
    r = FOLIO("-t", "json", "-o", file, data_path("article.html"),
              data_path("notes.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "is a file");
    {
        char *text = test_read_file(file, NULL);
        cr_assert_str_eq(text, "mine\n");
        free(text);
    }
    result_free(&r);
    free(file);
    free(target);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* --help, --version, --list-plugins                                  */
/* ------------------------------------------------------------------ */

Test(cli_info, help_lists_every_flag)
{
    static const char *const flags[] = {
        "-t, --to", "-f, --from", "-o, --output", "-O, --option",
        "--base-url", "--encoding", "--no-extract", "--force",
        "--plugin-dir", "--no-default-plugins", "--list-plugins",
        "-q, --quiet", "-v, --verbose", "-h, --help", "--version",
        "FOLIO_PLUGIN_PATH", "Exit status", NULL,
    };
    result r = FOLIO("--help");

    cr_assert_eq(r.status, 0);
    assert_contains(r.out, "Usage: folio [OPTIONS] [INPUT ...]");
    for (size_t i = 0; flags[i] != NULL; i++)
        assert_contains(r.out, flags[i]);
    cr_assert_str_empty(r.err);
    result_free(&r);
}

Test(cli_info, version_names_folio_abi_and_libxml2)
{
    char line[128];
    result r = FOLIO("--version");

    cr_assert_eq(r.status, 0);
    snprintf(line, sizeof line, "folio %s\n", FOLIO_VERSION);
    cr_assert(strncmp(r.out, line, strlen(line)) == 0, "got: %s", r.out);
    snprintf(line, sizeof line, "plugin ABI %d.%d\n", FOLIO_ABI_MAJOR,
             FOLIO_ABI_MINOR);
    assert_contains(r.out, line);
    assert_contains(r.out, "libxml2 2.");
    result_free(&r);
}

Test(cli_info, list_plugins_shows_the_table)
{
    result r = FOLIO("--list-plugins");

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "NAME");
    assert_contains(r.out, "KIND");
    assert_contains(r.out, "VERSION");
    assert_contains(r.out, "FORMATS");
    assert_contains(r.out, "PATH");
    assert_contains(r.out, "application/xhtml+xml");
    assert_contains(r.out, "/folio-html.so");
    assert_contains(r.out, "/folio-json.so");
    assert_contains(r.out, " input ");
    assert_contains(r.out, " output ");
    assert_contains(r.out, "0.1.0");
    assert_contains(r.out, "\nOptions (-O KEY=VALUE):\n");
    assert_contains(r.out, "  json: pretty=true|false (default true)\n");
    assert_lacks(r.out, "Refused");
    result_free(&r);
}

/* ------------------------------------------------------------------ */
/* -o FILE and -o DIR                                                 */
/* ------------------------------------------------------------------ */

Test(cli_output, file_is_written_whole_without_temp_left)
{
    char *dir = make_tmpdir();
    char *target = path_in(dir, "out.json");
    bool hidden;
    char *text;
    struct stat st;
    result r;

    spit(target, "old contents\n", 13);
    r = FOLIO("-t", "json", "-o", target, data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(r.out_len, 0);
    text = test_read_file(target, NULL);
    cr_assert_eq(text[0], '{');
    assert_contains(text, "Harbour Moss");
    assert_lacks(text, "old contents");
    cr_assert_eq(count_entries(dir, &hidden), 1);
    cr_assert(!hidden, "a temporary file was left behind");
    /* A normal file mode, not mkstemp's 0600. */
    cr_assert_eq(stat(target, &st), 0);
    {
        mode_t mask = umask(0);

        umask(mask);
        cr_assert_eq(st.st_mode & 0777, 0666 & ~mask, "mode %o",
                     (unsigned)st.st_mode);
    }
    free(text);
    result_free(&r);
    free(target);
    rm_tree(dir);
}

Test(cli_output, failed_input_leaves_the_target_alone)
{
    char *dir = make_tmpdir();
    char *target = path_in(dir, "out.json");
    char *bin = path_in(dir, "x.bin");
    char *text;
    bool hidden;
    result r;

    spit(bin, "\x01\x00\x02\x03", 4);
    spit(target, "keep me\n", 8);
    r = FOLIO("-t", "json", "-o", target, bin);
    cr_assert_eq(r.status, 1);
    text = test_read_file(target, NULL);
    cr_assert_str_eq(text, "keep me\n");
    cr_assert_eq(count_entries(dir, &hidden), 2);
    cr_assert(!hidden);
    free(text);
    result_free(&r);
    free(bin);
    free(target);
    rm_tree(dir);
}

Test(cli_output, directory_gets_one_file_per_input)
{
    char *dir = make_tmpdir();
    char outdir[128];
    char *a, *b;
    char *text;
    bool hidden;
    result r;

    /* A trailing slash asks folio to create the folder. */
    snprintf(outdir, sizeof outdir, "%s/out/", dir);
    r = FOLIO("-t", "json", "-o", outdir, data_path("article.html"),
              data_path("notes.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(r.out_len, 0);
    outdir[strlen(outdir) - 1] = '\0';
    cr_assert_eq(count_entries(outdir, &hidden), 2);
    cr_assert(!hidden);
    /* Named from the titles. */
    a = path_in(outdir, "how-the-harbour-bridge-was-painted.json");
    b = path_in(outdir, "field-notes-on-winter-birds.json");
    text = test_read_file(a, NULL);
    assert_contains(text, "Harbour Moss");
    free(text);
    text = test_read_file(b, NULL);
    assert_contains(text, "nuthatch");
    free(text);
    free(a);
    free(b);
    result_free(&r);
    rm_tree(dir);
}

Test(cli_output, same_stem_gets_a_suffix)
{
    char *dir = make_tmpdir();
    char *x = path_in(dir, "x"), *y = path_in(dir, "y");
    char *out = path_in(dir, "out");
    char *xp, *yp, *p1, *p2;
    result r;

    cr_assert_eq(mkdir(x, 0777), 0);
    cr_assert_eq(mkdir(y, 0777), 0);
    cr_assert_eq(mkdir(out, 0777), 0);
    xp = path_in(x, "page.html");
    yp = path_in(y, "page.html");
    copy_file(data_path("article.html"), xp);
    copy_file(data_path("article.html"), yp);

    r = FOLIO("-t", "json", "-O", "pretty=false", "-o", out, xp, yp);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    p1 = path_in(out, "how-the-harbour-bridge-was-painted.json");
    p2 = path_in(out, "how-the-harbour-bridge-was-painted-2.json");
    {
        char *t1 = test_read_file(p1, NULL), *t2 = test_read_file(p2, NULL);

        assert_contains(t1, "x/page.html");
        assert_contains(t2, "y/page.html");
        free(t1);
        free(t2);
    }
    cr_assert_eq(count_entries(out, NULL), 2);
    result_free(&r);
    free(p1);
    free(p2);
    free(xp);
    free(yp);
    free(x);
    free(y);
    free(out);
    rm_tree(dir);
}

Test(cli_output, existing_file_is_kept_unless_force)
{
    char *dir = make_tmpdir();
    char *out = path_in(dir, "out");
    char *p1, *p2, *text;
    result r;

    cr_assert_eq(mkdir(out, 0777), 0);
    p1 = path_in(out, "how-the-harbour-bridge-was-painted.json");
    p2 = path_in(out, "how-the-harbour-bridge-was-painted-2.json");
    spit(p1, "mine\n", 5);

    r = FOLIO("-t", "json", "-o", out, data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    text = test_read_file(p1, NULL);
    cr_assert_str_eq(text, "mine\n");
    free(text);
    text = test_read_file(p2, NULL);
    assert_contains(text, "Harbour Moss");
    free(text);
    assert_contains(r.err, "warning");
    assert_contains(r.err, "--force");
    result_free(&r);

    r = FOLIO("-t", "json", "--force", "-o", out, data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    text = test_read_file(p1, NULL);
    assert_contains(text, "Harbour Moss");
    free(text);
    cr_assert_eq(count_entries(out, NULL), 2);
    result_free(&r);

    /* -q silences the warning, not the renaming. */
    r = FOLIO("-q", "-t", "json", "-o", out, data_path("article.html"));
    cr_assert_eq(r.status, 0);
    cr_assert_str_empty(r.err);
    cr_assert_eq(count_entries(out, NULL), 3);
    result_free(&r);

    free(p1);
    free(p2);
    free(out);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* Plugins missing or refused                                         */
/* ------------------------------------------------------------------ */

/* Copies the build's plugin files (found along FOLIO_PLUGIN_PATH) into
 * `dir`, leaving out those whose name contains `skip`. */
static void copy_plugins(const char *dir, const char *skip)
{
    const char *path = getenv("FOLIO_PLUGIN_PATH");
    char *copy, *save = NULL;
    size_t copied = 0;

    cr_assert_not_null(path, "FOLIO_PLUGIN_PATH is not set");
    copy = strdup(path);
    for (char *d = strtok_r(copy, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
        DIR *dd = opendir(d);
        struct dirent *e;

        if (dd == NULL)
            continue;
        while ((e = readdir(dd)) != NULL) {
            size_t n = strlen(e->d_name);
            char *from, *to;

            if (n < 4 || strcmp(e->d_name + n - 3, ".so") != 0 ||
                strncmp(e->d_name, "folio-", 6) != 0)
                continue;
            if (skip != NULL && strstr(e->d_name, skip) != NULL)
                continue;
            from = path_in(d, e->d_name);
            to = path_in(dir, e->d_name);
            copy_file(from, to);
            copied++;
            free(from);
            free(to);
        }
        closedir(dd);
    }
    free(copy);
    cr_assert(copied >= 2, "found only %zu plugin files", copied);
}

Test(cli_plugins, missing_output_plugin_is_a_usage_error)
{
    char *dir = make_tmpdir();
    char env_path[128];
    const char *env[] = { env_path, NULL };
    result r;

    copy_plugins(dir, "json");
    snprintf(env_path, sizeof env_path, "FOLIO_PLUGIN_PATH=%s", dir);

    r = FOLIO_ENV(env, "--no-default-plugins", "-t", "json",
                  data_path("article.html"));
    cr_assert_eq(r.status, 2, "stderr: %s", r.err);
    assert_contains(r.err, "json");
    assert_contains(r.err, "output format");
    cr_assert_eq(r.out_len, 0);
    result_free(&r);

    r = FOLIO_ENV(env, "--no-default-plugins", "-t", "markdown",
                  data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "Harbour Moss");
    result_free(&r);

    r = FOLIO_ENV(env, "--no-default-plugins", "--list-plugins");
    cr_assert_eq(r.status, 0);
    assert_contains(r.out, dir);
    assert_lacks(r.out, "folio-json.so");
    result_free(&r);
    rm_tree(dir);
}

Test(cli_plugins, plugin_dir_flag_is_searched)
{
    char *dir = make_tmpdir();
    const char *env[] = { "FOLIO_PLUGIN_PATH", NULL };
    result r;

    copy_plugins(dir, NULL);
    r = FOLIO_ENV(env, "--no-default-plugins", "--plugin-dir", dir, "-t",
                  "json", data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "Harbour Moss");
    result_free(&r);

    /* Nothing to search: no plugins at all. */
    r = FOLIO_ENV(env, "--no-default-plugins", "-t", "json",
                  data_path("article.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "json");
    result_free(&r);
    rm_tree(dir);
}

Test(cli_plugins, refused_plugin_is_named)
{
    char *dir = make_tmpdir();
    char env_path[128];
    const char *env[] = { env_path, NULL };
    char *abi2 = path_in(dir, "folio-json-abi2.so");
    result r;

    copy_plugins(dir, "json");
    copy_file(CLI_ABI2_PLUGIN, abi2);
    snprintf(env_path, sizeof env_path, "FOLIO_PLUGIN_PATH=%s", dir);

    r = FOLIO_ENV(env, "--no-default-plugins", "--list-plugins");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "Refused plugin files:");
    assert_contains(r.out, abi2);
    result_free(&r);

    r = FOLIO_ENV(env, "--no-default-plugins", "-t", "json",
                  data_path("article.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "folio: json: output format not available (");
    assert_contains(r.err, abi2);
    result_free(&r);
    free(abi2);
    rm_tree(dir);
}

/* An output plugin is loaded when a run writes with it: a broken one that
 * declares a manifest troubles no other run. */
Test(cli_plugins, output_plugins_load_when_used)
{
    char *dir = make_tmpdir();
    char env_path[128];
    const char *env[] = { env_path, NULL };
    char *wrong = path_in(dir, "folio-abilazywrong.so");
    result r;

    copy_plugins(dir, NULL);
    copy_file(CLI_LAZYWRONG_PLUGIN, wrong);
    snprintf(env_path, sizeof env_path, "FOLIO_PLUGIN_PATH=%s", dir);

    r = FOLIO_ENV(env, "--no-default-plugins", "-v", "-t", "markdown",
                  data_path("article.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "Harbour Moss");
    assert_lacks(r.err, "lazywrong");
    result_free(&r);

    r = FOLIO_ENV(env, "--no-default-plugins", "-t", "abilazywrong",
                  data_path("article.html"));
    cr_assert_eq(r.status, 2);
    assert_contains(r.err, "output format not available (");
    assert_contains(r.err, "its manifest does not match its descriptor");
    result_free(&r);

    /* Listing loads every plugin, and shows what was refused. */
    r = FOLIO_ENV(env, "--no-default-plugins", "--list-plugins");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "epub");
    assert_contains(r.out, "Refused plugin files:");
    assert_contains(r.out, wrong);
    result_free(&r);
    free(wrong);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

Test(cli_messages, verbose_notes_and_quiet_errors)
{
    result r = FOLIO("-v", "-t", "json", data_path("article.html"));

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.err, "folio: note: ");
    assert_contains(r.err, "html");
    result_free(&r);

    r = FOLIO("-q", "-t", "json", "/nonexistent/q.html");
    cr_assert_eq(r.status, 1);
    assert_contains(r.err, "/nonexistent/q.html");
    result_free(&r);
}

Test(cli_messages, library_warnings_are_shown_unless_quiet)
{
    char prefix[512];
    result r = FOLIO("-t", "markdown", data_path("relative.html"));

    /* The page has a relative link and no address of its own. */
    snprintf(prefix, sizeof prefix, "folio: warning: %s: ",
             data_path("relative.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.err, prefix);
    result_free(&r);

    r = FOLIO("-q", "-t", "markdown", data_path("relative.html"));
    cr_assert_eq(r.status, 0);
    cr_assert_str_empty(r.err);
    result_free(&r);

    r = FOLIO("-t", "markdown", "--base-url", "https://example.org/a/",
              data_path("relative.html"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "https://example.org/archive/logs");
    result_free(&r);
}

Test(cli_messages, no_extract_keeps_the_whole_page)
{
    result a = FOLIO("-t", "json", data_path("article.html"));
    result b = FOLIO("-t", "json", "--no-extract", data_path("article.html"));

    cr_assert_eq(a.status, 0, "stderr: %s", a.err);
    cr_assert_eq(b.status, 0, "stderr: %s", b.err);
    /* The navigation and the footer are not article text. */
    assert_lacks(a.out, "Privacy");
    assert_contains(b.out, "Privacy");
    result_free(&a);
    result_free(&b);
}

Test(cli_messages, encoding_overrides_the_page)
{
    char *dir = make_tmpdir();
    char *page = path_in(dir, "latin.html");
    const char *html =
        "<!doctype html><html><head><title>Menu</title></head><body>"
        "<article><h1>Menu</h1><p>Every morning the small caf\xe9 by the "
        "harbour serves bread baked in the night, strong coffee and a soup "
        "of the day that the regulars never tire of.</p><p>In winter it "
        "opens an hour later, when the fishing boats come back in.</p>"
        "</article></body></html>";
    result r;

    spit(page, html, strlen(html));
    /* Byte 0xE9 is "é" in windows-1252 (the fallback) and "ι" in Greek. */
    r = FOLIO("-t", "json", page);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "small café");
    result_free(&r);

    r = FOLIO("-t", "json", "--encoding", "iso-8859-7", page);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    assert_contains(r.out, "small caf\xce\xb9");
    result_free(&r);
    free(page);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* Assets                                                             */
/* ------------------------------------------------------------------ */

/* A page with one data: image (GIF bytes), long enough to be kept. */
static char *page_with_image(const char *dir)
{
    char *path = path_in(dir, "pic.html");
    char html[4096], b64[400] = "";

    for (int i = 0; i < 40; i++)
        strcat(b64, "R0lGODlh");
    snprintf(html, sizeof html, "<html><head><title>Pic Page</title>"
             "</head><body><article><h1>Pic Page</h1><p>Enough words in "
             "this paragraph for the importer to keep the article.</p>"
             "<img alt=\"the pic\" src=\"data:image/gif;base64,%s\"><p>And "
             "some more words after the picture as well.</p></article>"
             "</body></html>", b64);
    spit(path, html, strlen(html));
    return path;
}

/* The target of the first Markdown image link in `md`, malloc'd. */
static char *image_target(const char *md)
{
    const char *p = strstr(md, "](");
    const char *e;

    cr_assert_not_null(p, "no image in %s", md);
    p += 2;
    e = strchr(p, ')');
    cr_assert_not_null(e);
    return strndup(p, (size_t)(e - p));
}

Test(cli_assets, images_are_saved_beside_the_output)
{
    char *dir = make_tmpdir();
    char *page = page_with_image(dir);
    char *out = path_in(dir, "posts/pic.md");
    char *md, *target, *img, *bytes;
    size_t len;
    result r;

    cr_assert_eq(mkdir(path_in(dir, "posts"), 0777), 0);
    r = FOLIO("-o", out, page);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    md = test_read_file(out, NULL);
    target = image_target(md);
    cr_assert_eq(strncmp(target, "assets/image-", 13), 0, "%s", target);
    img = path_in(dir, "posts");
    {
        char *full = path_in(img, target);
        bytes = test_read_file(full, &len);
        cr_assert_eq(len, 40 * 6);
        cr_assert_eq(memcmp(bytes, "GIF89aGIF89a", 12), 0);
        free(bytes);

        /* Other bytes under that name are the user's: kept, input fails,
         * the output not written. */
        spit(full, "mine", 4);
        unlink(out);
        result_free(&r);
        r = FOLIO("-o", out, page);
        cr_assert_eq(r.status, 1);
        assert_contains(r.err, "exists with other content");
        bytes = test_read_file(full, &len);
        cr_assert_eq(len, 4);
        free(bytes);
        cr_assert_neq(access(out, F_OK), 0);
        result_free(&r);

        /* --force replaces it. */
        r = FOLIO("--force", "-o", out, page);
        cr_assert_eq(r.status, 0, "stderr: %s", r.err);
        bytes = test_read_file(full, &len);
        cr_assert_eq(len, 40 * 6);
        free(bytes);
        free(full);
    }
    free(md);
    free(target);
    free(img);
    free(out);
    free(page);
    result_free(&r);
    rm_tree(dir);
}

Test(cli_assets, assets_folder_and_standard_output)
{
    char *dir = make_tmpdir();
    char *page = page_with_image(dir);
    char *imgs = path_in(dir, "imgs");
    char *target;
    result r;

    /* Standard output keeps the original URL... */
    r = FOLIO(page);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    target = image_target(r.out);
    cr_assert_eq(strncmp(target, "data:image/gif;base64,", 22), 0);
    free(target);
    result_free(&r);

    /* ... unless --assets names a folder. */
    r = FOLIO("--assets", imgs, page);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    target = image_target(r.out);
    cr_assert_eq(strncmp(target, imgs, strlen(imgs)), 0, "%s", target);
    cr_assert_eq(access(target, R_OK), 0, "%s missing", target);
    free(target);
    result_free(&r);

    /* --no-assets keeps the URL even with -o. */
    {
        char *out = path_in(dir, "o.md");
        char *md;

        r = FOLIO("--no-assets", "-o", out, page);
        cr_assert_eq(r.status, 0, "stderr: %s", r.err);
        md = test_read_file(out, NULL);
        assert_contains(md, "](data:image/gif;base64,");
        free(md);
        free(out);
        result_free(&r);
    }
    r = FOLIO("--assets", imgs, "--no-assets", page);
    cr_assert_eq(r.status, 2);
    result_free(&r);
    free(imgs);
    free(page);
    rm_tree(dir);
}
