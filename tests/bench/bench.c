/* SPDX-License-Identifier: MIT */
/*
 * folio-bench: how fast is folio next to libxml2's own HTML parser?
 *
 *     folio-bench [-j N] [-r R] [-t FORMAT]... DIR
 *
 * Loads every regular file of DIR into memory, then times, in this one
 * process:
 *   parse     a bare libxml2 HTML parse of each page (the flags of
 *             core/import/parse.c, encoding left to libxml2), then free;
 *   pipeline  folio_job_import_html (charset, parse, metadata, extraction,
 *             document model), then free the job;
 *   +FORMAT   the pipeline plus that output plugin, writing to a sink that
 *             only counts bytes (every output plugin found, or each -t).
 * Each phase runs with 1 thread and with N threads (default: the online
 * cores), threads taking pages from a shared queue; each pass is repeated
 * R times (default 3) and the best time kept. Every phase runs in a forked
 * child so its peak RSS (VmHWM) is its own; "extra" is that peak minus
 * the RSS the child started with (the loaded pages, the plugins).
 *
 * Plugins are found as by folio: $FOLIO_PLUGIN_PATH, then the build tree.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "folio/folio.h"

typedef struct page {
    char *name;
    unsigned char *bytes;
    size_t len;
} page;

typedef enum phase_kind { PH_PARSE, PH_PIPELINE, PH_OUTPUT } phase_kind;

typedef struct phase {
    phase_kind kind;
    const char *label;
    const folio_plugin *out; /* PH_OUTPUT */
} phase;

/* What a forked phase reports back through its pipe. */
typedef struct phase_result {
    double secs[2];         /* best wall time: 1 thread, N threads */
    double cpu[2];          /* CPU time of those best passes */
    double ref_secs[2], ref_cpu[2]; /* the same for the bare parse */
    long peak_kb, base_kb;  /* VmHWM at the end, VmRSS at the start */
    long failures;          /* pages the pipeline refused */
    unsigned long long out_bytes;
} phase_result;

static page *pages;
static size_t n_pages;
static size_t total_bytes;
static const folio_registry *registry;

/* The pass being run, shared by its threads. */
static const phase *cur_phase;
static const phase parse_phase = { PH_PARSE, "libxml2 parse", NULL };
static atomic_size_t next_page;
static atomic_long n_failed;
static atomic_ullong n_out_bytes;

/* "folio-bench: WHAT[: DETAIL]", then exit 2. */
static void die(const char *what, const char *detail)
{
    fprintf(stderr, "folio-bench: %s%s%s\n", what,
            detail != NULL ? ": " : "", detail != NULL ? detail : "");
    exit(2);
}

static double clock_secs(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_secs(CLOCK_MONOTONIC);
}

/* A "Vm...:" figure of /proc/self/status in kB, or -1. */
static long proc_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t kl = strlen(key);
    long v = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const page *)a)->name, ((const page *)b)->name);
}

static void load_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;

    if (d == NULL)
        die("cannot open", dir);
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX];
        struct stat st;
        FILE *f;
        page *p;

        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
            (int)sizeof path)
            continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
            continue;
        if (n_pages == cap) {
            cap = cap != 0 ? cap * 2 : 256;
            pages = realloc(pages, cap * sizeof *pages);
            if (pages == NULL)
                die("out of memory", NULL);
        }
        p = &pages[n_pages];
        p->len = (size_t)st.st_size;
        p->bytes = malloc(p->len);
        p->name = strdup(e->d_name);
        f = fopen(path, "rb");
        if (p->bytes == NULL || p->name == NULL || f == NULL ||
            fread(p->bytes, 1, p->len, f) != p->len)
            die("cannot read", path);
        fclose(f);
        total_bytes += p->len;
        n_pages++;
    }
    closedir(d);
    if (n_pages == 0)
        die("no pages in", dir);
    qsort(pages, n_pages, sizeof *pages, by_name);
}

static int count_sink(void *sink, const char *bytes, size_t len)
{
    (void)bytes;
    *(unsigned long long *)sink += len;
    return 0;
}

static void run_parse(const page *p)
{
    /* parse.c's flags, less IGNORE_ENC: here libxml2 decodes the bytes
     * itself, as a program using it alone would. */
    const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET
                     | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                     | HTML_PARSE_COMPACT | XML_PARSE_HUGE;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    xmlDocPtr doc;

    if (ctxt == NULL) {
        atomic_fetch_add(&n_failed, 1);
        return;
    }
    doc = htmlCtxtReadMemory(ctxt, (const char *)p->bytes, (int)p->len,
                             NULL, NULL, opts);
    if (doc == NULL)
        atomic_fetch_add(&n_failed, 1);
    xmlFreeDoc(doc);
    htmlFreeParserCtxt(ctxt);
}

static void run_pipeline(const page *p, const folio_plugin *out)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;
    unsigned long long bytes = 0;

    jo.input_path = p->name;
    job = folio_job_new(registry, &jo);
    if (job == NULL) {
        atomic_fetch_add(&n_failed, 1);
        return;
    }
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = p->bytes;
    in.len = p->len;
    if (folio_job_import_html(job, &in) < 0) {
        atomic_fetch_add(&n_failed, 1);
        goto done;
    }
    for (size_t i = 0; out != NULL && i < folio_job_doc_count(job); i++) {
        if (folio_job_write(job, out, folio_job_doc(job, i), count_sink,
                            &bytes) < 0)
            atomic_fetch_add(&n_failed, 1);
    }
    atomic_fetch_add(&n_out_bytes, bytes);
done:
    folio_job_free(job);
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        size_t i = atomic_fetch_add(&next_page, 1);

        if (i >= n_pages)
            break;
        if (cur_phase->kind == PH_PARSE)
            run_parse(&pages[i]);
        else
            run_pipeline(&pages[i], cur_phase->out);
    }
    return NULL;
}

/* libxml2's allocation hooks as the process started: plain malloc/free.
 * folio installs its own on its first import (they pass through outside
 * an import), and the bare parse is timed with these, as a program using
 * libxml2 alone would run it. */
static xmlFreeFunc sys_free;
static xmlMallocFunc sys_malloc, sys_malloc_atomic;
static xmlReallocFunc sys_realloc;
static xmlStrdupFunc sys_strdup;

static void save_system_hooks(void)
{
    xmlInitParser();
    if (xmlGcMemGet(&sys_free, &sys_malloc, &sys_malloc_atomic,
                    &sys_realloc, &sys_strdup) != 0)
        die("cannot read libxml2's allocation hooks", NULL);
}

static double pass(unsigned threads, double *cpu);

/* A pass of the bare parse under the system hooks; folio's (if any) are
 * put back after it. Swapping is safe between passes: no import is
 * running, and outside one folio's hooks hand out plain malloc blocks. */
static double parse_pass(unsigned threads, double *cpu)
{
    xmlFreeFunc f;
    xmlMallocFunc m, ma;
    xmlReallocFunc r;
    xmlStrdupFunc sd;
    const phase *was = cur_phase;
    double s;

    if (xmlGcMemGet(&f, &m, &ma, &r, &sd) != 0
        || xmlGcMemSetup(sys_free, sys_malloc, sys_malloc_atomic,
                         sys_realloc, sys_strdup) != 0)
        die("cannot set libxml2's allocation hooks", NULL);
    cur_phase = &parse_phase;
    s = pass(threads, cpu);
    cur_phase = was;
    if (xmlGcMemSetup(f, m, ma, r, sd) != 0)
        die("cannot set libxml2's allocation hooks", NULL);
    return s;
}

/* One pass over every page with `threads` threads; returns seconds and
 * sets *cpu to the process CPU time it took. */
static double pass(unsigned threads, double *cpu)
{
    pthread_t tid[256];
    double t0, c0, t;

    atomic_store(&next_page, 0);
    c0 = clock_secs(CLOCK_PROCESS_CPUTIME_ID);
    t0 = now();
    if (threads <= 1) {
        worker(NULL);
        t = now() - t0;
        *cpu = clock_secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
        return t;
    }
    for (unsigned k = 0; k < threads; k++) {
        if (pthread_create(&tid[k], NULL, worker, NULL) != 0)
            die("cannot start a thread", NULL);
    }
    for (unsigned k = 0; k < threads; k++)
        pthread_join(tid[k], NULL);
    t = now() - t0;
    *cpu = clock_secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return t;
}

/* Runs phase `ph` in a child process; fills *res. */
static void run_phase(const phase *ph, unsigned threads, unsigned repeat,
                      phase_result *res)
{
    int fd[2];
    pid_t pid;
    int st;

    if (pipe(fd) != 0)
        die("pipe", strerror(errno));
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork", strerror(errno));
    if (pid == 0) {
        phase_result r;
        unsigned tcounts[2] = { 1, threads };

        memset(&r, 0, sizeof r);
        close(fd[0]);
        r.base_kb = proc_status_kb("VmRSS");
        cur_phase = ph;
        for (int t = 0; t < 2; t++) {
            r.secs[t] = -1;
            r.ref_secs[t] = -1;
            for (unsigned k = 0; k < repeat; k++) {
                double s, cpu;

                /* A bare parse pass next to each pass of the phase: the
                 * ratio then compares passes run under the same machine
                 * load, whatever else the machine is doing. */
                if (ph->kind != PH_PARSE) {
                    s = parse_pass(tcounts[t], &cpu);
                    if (r.ref_secs[t] < 0 || s < r.ref_secs[t]) {
                        r.ref_secs[t] = s;
                        r.ref_cpu[t] = cpu;
                    }
                }
                atomic_store(&n_failed, 0);
                atomic_store(&n_out_bytes, 0);
                s = ph->kind == PH_PARSE ? parse_pass(tcounts[t], &cpu)
                                         : pass(tcounts[t], &cpu);
                if (r.secs[t] < 0 || s < r.secs[t]) {
                    r.secs[t] = s;
                    r.cpu[t] = cpu;
                }
            }
            if (ph->kind == PH_PARSE) {
                r.ref_secs[t] = r.secs[t];
                r.ref_cpu[t] = r.cpu[t];
            }
        }
        r.failures = atomic_load(&n_failed);
        r.out_bytes = atomic_load(&n_out_bytes);
        r.peak_kb = proc_status_kb("VmHWM");
        if (r.peak_kb < 0) {
            struct rusage ru;

            getrusage(RUSAGE_SELF, &ru);
            r.peak_kb = ru.ru_maxrss;
        }
        if (write(fd[1], &r, sizeof r) != (ssize_t)sizeof r)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (read(fd[0], res, sizeof *res) != (ssize_t)sizeof *res)
        die("a phase failed", ph->label);
    close(fd[0]);
    waitpid(pid, &st, 0);
}

static void usage(void)
{
    fputs("usage: folio-bench [-j THREADS] [-r REPEAT] [-t FORMAT]... DIR\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = ncpu > 0 ? (unsigned)ncpu : 1;
    unsigned repeat = 3;
    const char *formats[16];
    size_t n_formats = 0, n_phases = 0;
    folio_registry *reg = NULL;
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    phase phases[32];
    int c;

    while ((c = getopt(argc, argv, "j:r:t:")) != -1) {
        switch (c) {
        case 'j':
            threads = (unsigned)strtoul(optarg, NULL, 10);
            if (threads < 1 || threads > 256)
                usage();
            break;
        case 'r':
            repeat = (unsigned)strtoul(optarg, NULL, 10);
            if (repeat < 1)
                usage();
            break;
        case 't':
            if (n_formats == sizeof formats / sizeof *formats)
                usage();
            formats[n_formats++] = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind + 1 != argc)
        usage();

    load_dir(argv[optind]);
    /* Before any thread: libxml2 and the plugins are set up once here. */
    save_system_hooks();
    if (folio_registry_new(&reg, &ro) < 0)
        die("cannot load the plugins", NULL);
    registry = reg;

    phases[n_phases++] = parse_phase;
    phases[n_phases++] = (phase){ PH_PIPELINE, "pipeline", NULL };
    if (n_formats > 0) {
        for (size_t i = 0; i < n_formats; i++) {
            const folio_plugin *p =
                folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, formats[i]);

            if (p == NULL)
                die("no output plugin for", formats[i]);
            phases[n_phases++] = (phase){ PH_OUTPUT, p->name, p };
        }
    } else {
        for (size_t i = 0; i < folio_registry_count(reg) && n_phases < 32;
             i++) {
            const folio_plugin *p = folio_registry_at(reg, i);

            if (p->kind == FOLIO_PLUGIN_OUTPUT)
                phases[n_phases++] = (phase){ PH_OUTPUT, p->name, p };
        }
    }

    printf("%zu pages, %.1f MB; threads: 1 and %u; best of %u\n\n", n_pages,
           (double)total_bytes / 1e6, threads, repeat);
    printf("%-17s %7s %8s %7s %6s %6s %8s %8s %6s\n", "phase", "threads",
           "pages/s", "MB/s", "ratio", "cpu", "peak MB", "extra MB",
           "failed");
    for (size_t i = 0; i < n_phases; i++) {
        phase_result r;
        char label[64];

        run_phase(&phases[i], threads, repeat, &r);
        snprintf(label, sizeof label, "%s%s",
                 phases[i].kind == PH_OUTPUT ? "pipeline+" : "",
                 phases[i].label);
        for (int t = 0; t < 2; t++) {
            double rate = (double)n_pages / r.secs[t];

            printf("%-17s %7u %8.1f %7.1f %6.2f %6.2f %8.1f %8.1f %6ld\n",
                   label, t == 0 ? 1 : threads, rate,
                   (double)total_bytes / 1e6 / r.secs[t],
                   r.ref_secs[t] / r.secs[t], r.ref_cpu[t] / r.cpu[t],
                   (double)r.peak_kb / 1024,
                   (double)(r.peak_kb - r.base_kb) / 1024, r.failures);
        }
        fflush(stdout);
    }
    printf("\nratio: pages/s over those of bare parse passes run alternately "
           "with the phase's,\nsame threads; cpu: the same ratio in CPU "
           "time; peak: the phase's process peak\nRSS (both thread counts, "
           "its parse passes too); extra: peak minus the loaded\npages.\n");

    folio_registry_free(reg);
    for (size_t i = 0; i < n_pages; i++) {
        free(pages[i].bytes);
        free(pages[i].name);
    }
    free(pages);
    return 0;
}
