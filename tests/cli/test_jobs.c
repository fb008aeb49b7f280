/* SPDX-License-Identifier: MIT */
/*
 * folio --jobs: converting inputs in parallel must give exactly what one
 * job gives — the same files under the same names, the same standard
 * output, the same messages in the same order, the same exit status.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testio.h"

#define N_PAGES 12

typedef struct result {
    int status;
    char *out, *err;
    size_t out_len;
} result;

/* Runs folio with argv `args` (NULL-terminated), stdin from `in_path`. */
static result run_in(const char *const *args, const char *in_path)
{
    result r = { 0 };
    int out = test_scratch_fd(), err = test_scratch_fd();
    const char *exe = getenv("FOLIO_EXE");
    pid_t pid;
    int st;

    cr_assert_not_null(exe, "FOLIO_EXE is not set");
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[128];
        size_t n = 0;
        int in = open(in_path, O_RDONLY);

        argv[n++] = "folio";
        for (size_t i = 0; args[i] != NULL && n < 127; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = test_read_fd(out, &r.out_len);
    r.err = test_read_fd(err, NULL);
    close(out);
    close(err);
    return r;
}

/* Runs folio with argv `args` (NULL-terminated), stdin /dev/null. */
static result run(const char *const *args)
{
    return run_in(args, "/dev/null");
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

static void spit(const char *path, const char *data)
{
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f, "cannot create %s", path);
    fputs(data, f);
    fclose(f);
}

static char *make_tmpdir(void)
{
    char *dir = strdup("/tmp/folio-jobs-XXXXXX");

    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void rm_tree(const char *path)
{
    char cmd[4200];

    /* Test scratch folders only: made by mkdtemp above. */
    cr_assert(strncmp(path, "/tmp/folio-jobs-", 16) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    cr_assert_eq(system(cmd), 0);
}

/* Writes page `i`: an article of varied length, so that the workers
 * finish out of order. Pages 3 and 9 share the title "Same Story" (and
 * the file name "same.html" in two folders), so the numbered output names
 * depend on input order. */
static void write_page(const char *dir, int i, char *path, size_t size)
{
    char sub[2048];
    size_t cap = 64 * 1024, len = 0;
    char *html = malloc(cap);
    int paras = 1 + (i * 7) % 40;

    cr_assert_not_null(html);
    len += (size_t)snprintf(html + len, cap - len,
                            "<!doctype html><html lang=\"en\"><head>"
                            "<title>%s</title></head><body>"
                            "<nav><a href=\"/\">Home</a></nav><article>"
                            "<h1>Story number %d</h1>",
                            i == 3 || i == 9 ? "Same Story" : "A story",
                            i);
    for (int p = 0; p < paras; p++)
        len += (size_t)snprintf(html + len, cap - len,
                                "<p>Paragraph %d of story %d tells how the "
                                "river rose, how the town answered, and "
                                "what was saved &amp; lost — caf\u00e9 "
                                "<em>notes</em> and <a href=\"/p%d\">"
                                "links</a>.</p>",
                                p, i, p);
    snprintf(html + len, cap - len, "</article><footer>(c)</footer>"
                                    "</body></html>\n");
    snprintf(sub, sizeof sub, "%s/%s", dir, i == 9 ? "b" : "a");
    mkdir(sub, 0777);
    if (i == 3 || i == 9)
        snprintf(path, size, "%s/same.html", sub);
    else
        snprintf(path, size, "%s/page%02d.html", sub, i);
    spit(path, html);
    free(html);
}

/* Lists `dir` sorted into `names` (at most max); returns the count. */
static size_t list_dir(const char *dir, char names[][256], size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d, "cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        cr_assert_lt(n, max);
        snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Asserts that folders a and b hold the same files, byte for byte. */
static void assert_same_tree(const char *a, const char *b)
{
    static char na[64][256], nb[64][256];
    size_t n = list_dir(a, na, 64), m = list_dir(b, nb, 64);

    cr_assert_eq(n, m, "%zu files vs %zu", n, m);
    for (size_t i = 0; i < n; i++) {
        char pa[4400], pb[4400];
        size_t la, lb;
        char *da, *db;

        cr_assert_str_eq(na[i], nb[i]);
        snprintf(pa, sizeof pa, "%s/%s", a, na[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, nb[i]);
        da = test_read_file(pa, &la);
        db = test_read_file(pb, &lb);
        cr_assert(la == lb && memcmp(da, db, la) == 0,
                  "%s differs from %s", pa, pb);
        free(da);
        free(db);
    }
}

/* Converts the pages with --jobs 1 and --jobs 4 into folders, and to
 * stdout, and compares everything. */
static void check_format(const char *format, const char *ext)
{
    char *dir = make_tmpdir();
    char paths[N_PAGES][4200], o1[4300], o4[4300];
    const char *args[N_PAGES + 16];
    result r1 = { 0 }, r4 = { 0 }, s1 = { 0 }, s4 = { 0 };
    size_t n;

    for (int i = 0; i < N_PAGES; i++)
        write_page(dir, i, paths[i], sizeof paths[i]);
    snprintf(o1, sizeof o1, "%s/out1/", dir);
    snprintf(o4, sizeof o4, "%s/out4/", dir);

    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        args[n++] = "-t";
        args[n++] = format;
        args[n++] = "-v";
        args[n++] = "--jobs";
        args[n++] = pass == 0 ? "1" : "4";
        args[n++] = "-o";
        args[n++] = pass == 0 ? o1 : o4;
        for (int i = 0; i < N_PAGES; i++)
            args[n++] = paths[i];
        args[n] = NULL;
        if (pass == 0)
            r1 = run(args);
        else
            r4 = run(args);
    }
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    cr_assert_eq(r4.status, 0, "%s", r4.err);
    assert_same_tree(o1, o4);
    {
        /* Both same.html inputs landed, numbered by input order, and the
         * -v report names the outputs in input order too. */
        char p[4400], *first, *second;

        snprintf(p, sizeof p, "%ssame-story.%s", o1, ext);
        first = test_read_file(p, NULL);
        snprintf(p, sizeof p, "%ssame-story-2.%s", o1, ext);
        second = test_read_file(p, NULL);
        cr_assert_not_null(strstr(first, "Story number 3"), "%s", first);
        cr_assert_not_null(strstr(second, "Story number 9"), "%s", second);
        free(first);
        free(second);
    }
    /* The folder names differ (out1/out4); the rest of stderr must not. */
    {
        char *e1 = r1.err, *e4 = r4.err;
        size_t i = 0, j = 0;

        while (e1[i] != '\0' && e4[j] != '\0') {
            if (strncmp(e1 + i, "out1/", 5) == 0 &&
                strncmp(e4 + j, "out4/", 5) == 0) {
                i += 5;
                j += 5;
                continue;
            }
            cr_assert_eq(e1[i], e4[j], "messages differ:\n%s\n---\n%s", e1,
                         e4);
            i++;
            j++;
        }
        cr_assert(e1[i] == '\0' && e4[j] == '\0',
                  "messages differ:\n%s\n---\n%s", e1, e4);
        cr_assert_not_null(strstr(e1, "wrote"), "%s", e1);
    }

    /* Standard output: the documents one after the other, in order. */
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        args[n++] = "-t";
        args[n++] = format;
        args[n++] = "--jobs";
        args[n++] = pass == 0 ? "1" : "4";
        for (int i = 0; i < N_PAGES; i++)
            args[n++] = paths[i];
        args[n] = NULL;
        if (pass == 0)
            s1 = run(args);
        else
            s4 = run(args);
    }
    cr_assert_eq(s1.status, 0, "%s", s1.err);
    cr_assert_eq(s4.status, 0, "%s", s4.err);
    cr_assert_gt(s1.out_len, 1000);
    cr_assert(s1.out_len == s4.out_len &&
              memcmp(s1.out, s4.out, s1.out_len) == 0,
              "stdout differs between --jobs 1 and --jobs 4");
    cr_assert_str_eq(s1.err, s4.err);
    {
        const char *a = strstr(s1.out, "Story number 0");
        const char *b = strstr(s1.out, "Story number 11");

        cr_assert(a != NULL && b != NULL && a < b, "not in input order");
    }

    result_free(&r1);
    result_free(&r4);
    result_free(&s1);
    result_free(&s4);
    rm_tree(dir);
    free(dir);
}

Test(cli_jobs, json_outputs_match_one_job)
{
    check_format("json", "json");
}

Test(cli_jobs, markdown_outputs_match_one_job)
{
    check_format("markdown", "md");
}

Test(cli_jobs, errors_are_reported_in_input_order)
{
    char *dir = make_tmpdir();
    char good[3][4200], missing[2][4300], binary[4300];
    result r1, r4;

    for (int i = 0; i < 3; i++)
        write_page(dir, i * 5, good[i], sizeof good[i]);
    snprintf(missing[0], sizeof missing[0], "%s/missing-one.html", dir);
    snprintf(missing[1], sizeof missing[1], "%s/missing-two.html", dir);
    snprintf(binary, sizeof binary, "%s/binary.bin", dir);
    {
        FILE *f = fopen(binary, "wb");
        static const unsigned char junk[] = { 0x00, 0x01, 0xff, 0xfe, 0x00,
                                              0x7f, 0x80, 0x00, 0x02 };

        cr_assert_not_null(f);
        for (int k = 0; k < 64; k++)
            fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    }
    r1 = run((const char *const[]){ "-t", "json", "--jobs", "1", missing[0],
                                    good[0], binary, good[1], missing[1],
                                    good[2], NULL });
    r4 = run((const char *const[]){ "-t", "json", "--jobs", "4", missing[0],
                                    good[0], binary, good[1], missing[1],
                                    good[2], NULL });
    cr_assert_eq(r1.status, 1);
    cr_assert_eq(r4.status, 1);
    cr_assert_str_eq(r1.err, r4.err);
    {
        const char *a = strstr(r4.err, "missing-one.html");
        const char *b = strstr(r4.err, "binary.bin");
        const char *c = strstr(r4.err, "missing-two.html");

        cr_assert(a != NULL && b != NULL && c != NULL && a < b && b < c,
                  "errors out of order:\n%s", r4.err);
    }
    cr_assert(r1.out_len == r4.out_len &&
              memcmp(r1.out, r4.out, r1.out_len) == 0);
    cr_assert_not_null(strstr(r4.out, "Story number 10"));
    result_free(&r1);
    result_free(&r4);
    rm_tree(dir);
    free(dir);
}

Test(cli_jobs, bad_job_counts_are_usage_errors)
{
    const char *bad[] = { "0", "-2", "abc", "4x", "100000" };

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        result r = run((const char *const[]){ "--jobs", bad[i], NULL });

        cr_assert_eq(r.status, 2, "--jobs %s: %d", bad[i], r.status);
        cr_assert_not_null(strstr(r.err, "--jobs"), "%s", r.err);
        result_free(&r);
    }
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p != NULL;
         p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Only the first "-" reads standard input, whatever thread gets to it
 * first; a later "-" finds it used up, exactly as with --jobs 1. */
Test(cli_jobs, stdin_goes_to_the_first_dash_only)
{
    char *dir = make_tmpdir();
    char good[4200], in_path[4300];

    write_page(dir, 3, good, sizeof good);
    snprintf(in_path, sizeof in_path, "%s/stdin.html", dir);
    spit(in_path, "<html><head><title>From stdin</title></head><body>"
                  "<article><p>The ferry timetable changes on Monday, "
                  "with two extra crossings, an earlier first boat and a "
                  "later last one.</p></article></body></html>");
    /* Many dashes and threads give a later "-" every chance to win a
     * race for the bytes if there were one. */
    result r1 = run_in((const char *const[]){ "-q", "-t", "json", "--jobs",
                                              "1", "-", "-", "-", "-", "-",
                                              "-", good, "-", NULL },
                       in_path);
    for (int round = 0; round < 8; round++) {
        result r4 = run_in((const char *const[]){ "-q", "-t", "json",
                                                  "--jobs", "8", "-", "-",
                                                  "-", "-", "-", "-", good,
                                                  "-", NULL },
                           in_path);
        cr_assert_eq(r4.status, 1);
        cr_assert_str_eq(r4.err, r1.err);
        cr_assert_eq(count_of(r4.err, "folio: -: empty input\n"), 6);
        cr_assert(r1.out_len == r4.out_len &&
                  memcmp(r1.out, r4.out, r1.out_len) == 0,
                  "round %d differs", round);
        result_free(&r4);
    }
    cr_assert_not_null(strstr(r1.out, "ferry timetable"));
    result_free(&r1);
    rm_tree(dir);
    free(dir);
}
