/* SPDX-License-Identifier: MIT */
/*
 * folio: the command-line program.
 *
 *     folio [OPTIONS] [INPUT ...]
 *
 * Each input is read whole, converted by one job, and written to stdout,
 * to the file named by -o, or into the folder named by -o. A failing
 * input is reported and skipped; the exit status says whether every input
 * was converted (0), some failed (1) or the command line was wrong (2).
 * docs/cli.md is the user guide; docs/folio.1.md the manual page.
 */
/* sigaltstack() and SA_ONSTACK (the crash handler) are X/Open. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "folio/folio.h"
#include "names.h"

/* The libxml2 version for --version, when the build gives this program
 * libxml2's headers (and so links it). */
#if defined(__has_include)
#if __has_include(<libxml/xmlversion.h>)
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#define HAVE_LIBXML 1
#endif
#endif

#define PROG "folio"

enum { EXIT_CONVERTED = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

/* Largest input read by default, matching the job's default limit;
 * --max-input-size changes it. */
#define INPUT_LIMIT ((size_t)256 << 20)
static size_t input_limit = INPUT_LIMIT;

/* Bound on the -2, -3, ... suffixes tried for one output name. */
#define MAX_SUFFIX 10000

/* Most threads --jobs starts. */
#define MAX_JOBS 256

/* Most files taken from the folders given as inputs. */
#define MAX_WALK_FILES 100000

/* Bytes of a file in a folder input that decide whether it is a page. */
#define SNIFF_BYTES 65536

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

/* -1: errors only (-q); 0: errors and warnings; 1: notes too (-v). */
static int verbosity;

/* With --jobs, a worker thread's messages go to its input's log, printed
 * by the main thread in input order; NULL: straight to stderr. */
static _Thread_local FILE *message_log;

/* The last error reported by this thread, "FILE: message", for the
 * summary of failed inputs at the end of a run. */
static _Thread_local char last_error[512];

/* A progress line is on the terminal (main thread only): clear it before
 * anything else is printed. */
static bool progress_shown;

static void clear_progress(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = false;
    }
}

/* FOLIO_PRINTF(3, 0): `fmt` is checked at the callers, which pass their
 * own printf-checked format through. */
static void FOLIO_PRINTF(3, 0) vsay(const char *kind, const char *file,
                                    const char *fmt, va_list ap)
{
    FILE *f = message_log != NULL ? message_log : stderr;

    if (kind == NULL) {
        va_list copy;
        int n = snprintf(last_error, sizeof last_error, "%s%s",
                         file != NULL ? file : "", file != NULL ? ": " : "");

        va_copy(copy, ap);
        if (n >= 0 && (size_t)n < sizeof last_error)
            vsnprintf(last_error + n, sizeof last_error - (size_t)n, fmt,
                      copy);
        va_end(copy);
    }
    if (f == stderr)
        clear_progress();
    fputs(PROG ": ", f);
    if (kind != NULL)
        fprintf(f, "%s: ", kind);
    if (file != NULL)
        fprintf(f, "%s: ", file);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

/* "folio: FILE: message" (FILE may be NULL). */
static void FOLIO_PRINTF(2, 3) error_at(const char *file, const char *fmt,
                                        ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(NULL, file, fmt, ap);
    va_end(ap);
}

static void FOLIO_PRINTF(2, 3) warn_at(const char *file, const char *fmt,
                                       ...)
{
    va_list ap;

    if (verbosity < 0)
        return;
    va_start(ap, fmt);
    vsay("warning", file, fmt, ap);
    va_end(ap);
}

static void FOLIO_PRINTF(2, 3) note_at(const char *file, const char *fmt,
                                       ...)
{
    va_list ap;

    if (verbosity < 1)
        return;
    va_start(ap, fmt);
    vsay("note", file, fmt, ap);
    va_end(ap);
}

/* Reports a command-line mistake; the caller exits with EXIT_USAGE. */
static void FOLIO_PRINTF(1, 2) usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(NULL, NULL, fmt, ap);
    va_end(ap);
    fputs("Try '" PROG " --help' for more information.\n", stderr);
}

/* ------------------------------------------------------------------ */
/* Command line                                                       */
/* ------------------------------------------------------------------ */

typedef struct plugin_opt {
    char *key;          /* owned copy of the part before '=' */
    const char *value;  /* points into argv */
    const char *arg;    /* the whole -O argument, for messages */
} plugin_opt;

typedef struct cli {
    const char *to, *from, *output, *base_url, *encoding;
    plugin_opt *opts;
    size_t n_opts;
    const char **dirs;
    size_t n_dirs;
    bool no_extract, no_default_plugins, force;
    bool list_plugins, show_version, show_help;
    const char *help_plugin;  /* --help-plugin NAME, or NULL */
    const char *front_matter; /* --front-matter plugin name, or NULL */
    char *tags;               /* --tag values joined by ',' (owned) */
    char **inputs;
    size_t n_inputs;
    unsigned jobs;            /* --jobs; 0: the number of online cores */
    const char *assets;       /* --assets DIR, or NULL */
    bool no_assets;           /* --no-assets */
    char **walked;            /* inputs after expanding folders (owned) */
    size_t n_walked;
} cli;

enum {
    OPT_BASE_URL = 256,
    OPT_ENCODING,
    OPT_NO_EXTRACT,
    OPT_PLUGIN_DIR,
    OPT_NO_DEFAULT_PLUGINS,
    OPT_FORCE,
    OPT_LIST_PLUGINS,
    OPT_VERSION,
    OPT_HELP_PLUGIN,
    OPT_FRONT_MATTER,
    OPT_TAG,
    OPT_ASSETS,
    OPT_NO_ASSETS,
    OPT_MAX_INPUT_SIZE,
};

static const struct option long_options[] = {
    { "to", required_argument, NULL, 't' },
    { "from", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "option", required_argument, NULL, 'O' },
    { "base-url", required_argument, NULL, OPT_BASE_URL },
    { "encoding", required_argument, NULL, OPT_ENCODING },
    { "no-extract", no_argument, NULL, OPT_NO_EXTRACT },
    { "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
    { "no-default-plugins", no_argument, NULL, OPT_NO_DEFAULT_PLUGINS },
    { "force", no_argument, NULL, OPT_FORCE },
    { "list-plugins", no_argument, NULL, OPT_LIST_PLUGINS },
    { "version", no_argument, NULL, OPT_VERSION },
    { "help-plugin", required_argument, NULL, OPT_HELP_PLUGIN },
    { "front-matter", optional_argument, NULL, OPT_FRONT_MATTER },
    { "tag", required_argument, NULL, OPT_TAG },
    { "assets", required_argument, NULL, OPT_ASSETS },
    { "no-assets", no_argument, NULL, OPT_NO_ASSETS },
    { "max-input-size", required_argument, NULL, OPT_MAX_INPUT_SIZE },
    { "jobs", required_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
};

static const char help_text[] =
    "Usage: " PROG " [OPTIONS] [INPUT ...]\n"
    "Convert web articles (HTML pages) into clean documents.\n"
    "\n"
    "INPUT is a file, a folder (every page in it), or '-' for standard\n"
    "input (the default when no INPUT is given). Pages may be HTML or\n"
    "saved pages: MHTML, \"Web Page, Complete\", SingleFile, WARC. The\n"
    "result goes to standard output unless -o is given.\n"
    "\n"
    "Options:\n"
    "  -t, --to FORMAT         output format (default: markdown)\n"
    "  -f, --from FORMAT       input format (default: detected from the\n"
    "                          input's bytes)\n"
    "  -o, --output PATH       write to file PATH when one document\n"
    "                          results, else into folder PATH (created)\n"
    "                          as <title>.<extension>; a trailing '/'\n"
    "                          makes PATH a folder; '-' is standard output\n"
    "  -O, --option KEY=VALUE  set an option of the input or output plugin\n"
    "                          (repeatable; --list-plugins lists them)\n"
    "      --base-url URL      resolve relative links against URL\n"
    "      --encoding NAME     read the input as character encoding NAME\n"
    "      --no-extract        convert the whole page, not just the article\n"
    "      --front-matter[=FORMAT]\n"
    "                          start the output with the metadata as front\n"
    "                          matter written by plugin FORMAT (default\n"
    "                          yaml); Markdown then leaves out the title H1\n"
    "      --tag TAG           add TAG to the front matter's tags\n"
    "                          (repeatable; same as -O tag=TAG,...)\n"
    "      --force             let outputs written into a folder replace\n"
    "                          existing files (default: add -2, -3, ...)\n"
    "      --assets DIR        save the images a saved page carries in DIR\n"
    "                          and link to them there (default with -o:\n"
    "                          'assets' beside the output)\n"
    "      --no-assets         save no images; keep their original URLs\n"
    "      --max-input-size SIZE\n"
    "                          refuse inputs larger than SIZE bytes (K, M\n"
    "                          and G suffixes; default 256M)\n"
    "      --plugin-dir DIR    search DIR for plugins first (repeatable)\n"
    "      --no-default-plugins\n"
    "                          search only --plugin-dir folders and\n"
    "                          $FOLIO_PLUGIN_PATH for plugins\n"
    "      --list-plugins      list the plugins found, their options and\n"
    "                          the plugin files refused, then exit\n"
    "      --help-plugin NAME  describe plugin NAME and its options, then\n"
    "                          exit (also: -t NAME --help)\n"
    "  -j, --jobs N            convert N inputs at a time (default: the\n"
    "                          number of cores); output is the same\n"
    "  -q, --quiet             print errors only, no warnings\n"
    "  -v, --verbose           print notes as well as warnings\n"
    "  -h, --help              print this help, then exit\n"
    "      --version           print version information, then exit\n"
    "\n"
    "Environment:\n"
    "  FOLIO_PLUGIN_PATH       colon-separated plugin folders, searched\n"
    "                          after the --plugin-dir folders\n"
    "\n"
    "Exit status: 0 if every input was converted, 1 if some input failed,\n"
    "2 for a usage error.\n";

static void cli_free(cli *c)
{
    for (size_t i = 0; i < c->n_opts; i++)
        free(c->opts[i].key);
    free(c->opts);
    free(c->dirs);
    free(c->tags);
    for (size_t i = 0; i < c->n_walked; i++)
        free(c->walked[i]);
    free(c->walked);
}

/* Returns `arr` (of `size`-byte items) grown to hold n + 1 items, or NULL
 * on no memory (then `arr` is unchanged). */
static void *grow_array(void *arr, size_t n, size_t size)
{
    if (n >= ((size_t)-1 / 2) / size)
        return NULL;
    return realloc(arr, (n + 1) * size);
}

/* Parses "123", "64K", "10M", "1G" (powers of 1024) into *out. Returns
 * 0, or -1 for anything else, zero, or a value that does not fit. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v, mul = 1;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || v == 0)
        return -1;
    switch (*end) {
    case 'k': case 'K': mul = 1ULL << 10; end++; break;
    case 'm': case 'M': mul = 1ULL << 20; end++; break;
    case 'g': case 'G': mul = 1ULL << 30; end++; break;
    default: break;
    }
    if (*end != '\0' || v > (unsigned long long)(SIZE_MAX - 1) / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

/* "256 MiB", "64 KiB" or "1000 bytes", for messages about limits. */
static const char *size_text(size_t n, char *buf, size_t size)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(buf, size, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, size, "%zu KiB", n >> 10);
    else
        snprintf(buf, size, "%zu bytes", n);
    return buf;
}

/* Parses argv. Returns EXIT_CONVERTED to go on, or the exit status. */
static int parse_args(cli *c, int argc, char **argv)
{
    int ch;

    memset(c, 0, sizeof *c);
    opterr = 1;
    while ((ch = getopt_long(argc, argv, "t:f:o:O:j:hqv", long_options,
                             NULL)) != -1) {
        switch (ch) {
        case 't':
            c->to = optarg;
            break;
        case 'f':
            c->from = optarg;
            break;
        case 'o':
            if (*optarg == '\0') {
                usage_error("-o: empty path");
                return EXIT_USAGE;
            }
            c->output = optarg;
            break;
        case 'O': {
            const char *eq = strchr(optarg, '=');
            plugin_opt *o;

            if (eq == NULL || eq == optarg) {
                usage_error("-O %s: expected KEY=VALUE", optarg);
                return EXIT_USAGE;
            }
            o = grow_array(c->opts, c->n_opts, sizeof *c->opts);
            if (o == NULL)
                goto nomem;
            c->opts = o;
            o = &c->opts[c->n_opts];
            o->key = strndup(optarg, (size_t)(eq - optarg));
            if (o->key == NULL)
                goto nomem;
            o->value = eq + 1;
            o->arg = optarg;
            c->n_opts++;
            break;
        }
        case 'j': {
            char *end;
            unsigned long n;

            errno = 0;
            n = strtoul(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || n < 1 ||
                n > MAX_JOBS || optarg[0] == '-') {
                usage_error("--jobs %s: expected a number from 1 to %d",
                            optarg, MAX_JOBS);
                return EXIT_USAGE;
            }
            c->jobs = (unsigned)n;
            break;
        }
        case OPT_BASE_URL:
            c->base_url = optarg;
            break;
        case OPT_ENCODING:
            c->encoding = optarg;
            break;
        case OPT_NO_EXTRACT:
            c->no_extract = true;
            break;
        case OPT_PLUGIN_DIR: {
            const char **d = grow_array(c->dirs, c->n_dirs, sizeof *c->dirs);

            if (d == NULL)
                goto nomem;
            c->dirs = d;
            c->dirs[c->n_dirs++] = optarg;
            break;
        }
        case OPT_NO_DEFAULT_PLUGINS:
            c->no_default_plugins = true;
            break;
        case OPT_FORCE:
            c->force = true;
            break;
        case OPT_LIST_PLUGINS:
            c->list_plugins = true;
            break;
        case OPT_VERSION:
            c->show_version = true;
            break;
        case OPT_HELP_PLUGIN:
            c->help_plugin = optarg;
            break;
        case OPT_FRONT_MATTER:
            if (optarg != NULL && *optarg == '\0') {
                usage_error("--front-matter=: empty format name");
                return EXIT_USAGE;
            }
            c->front_matter = optarg != NULL ? optarg : "yaml";
            break;
        case OPT_TAG: {
            /* The tags travel as one comma-separated option value. */
            size_t old = c->tags != NULL ? strlen(c->tags) : 0;
            char *t;

            if (*optarg == '\0' || strchr(optarg, ',') != NULL) {
                usage_error("--tag '%s': a tag is non-empty and has no ','",
                            optarg);
                return EXIT_USAGE;
            }
            t = realloc(c->tags, old + strlen(optarg) + 2);
            if (t == NULL)
                goto nomem;
            if (old > 0)
                t[old++] = ',';
            strcpy(t + old, optarg);
            c->tags = t;
            break;
        }
        case OPT_ASSETS:
            if (*optarg == '\0') {
                usage_error("--assets: empty path");
                return EXIT_USAGE;
            }
            c->assets = optarg;
            break;
        case OPT_NO_ASSETS:
            c->no_assets = true;
            break;
        case OPT_MAX_INPUT_SIZE:
            if (parse_size(optarg, &input_limit) != 0) {
                usage_error("--max-input-size %s: expected a size in bytes "
                            "with an optional K, M or G suffix", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            c->show_help = true;
            break;
        case 'q':
            verbosity = -1;
            break;
        case 'v':
            verbosity = 1;
            break;
        default:
            /* getopt_long has printed what is wrong. */
            fputs("Try '" PROG " --help' for more information.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (c->assets != NULL && c->no_assets) {
        usage_error("--assets and --no-assets contradict each other");
        return EXIT_USAGE;
    }
    c->inputs = argv + optind;
    c->n_inputs = (size_t)(argc - optind);
    return EXIT_CONVERTED;

nomem:
    error_at(NULL, "out of memory");
    return EXIT_SOME_FAILED;
}

/* ------------------------------------------------------------------ */
/* --version and --list-plugins                                       */
/* ------------------------------------------------------------------ */

static void print_version(void)
{
    printf("%s %s\n", PROG, folio_version());
    printf("plugin ABI %d.%d\n", FOLIO_ABI_MAJOR, FOLIO_ABI_MINOR);
#ifdef HAVE_LIBXML
    {
        /* xmlParserVersion is the run-time library's, e.g. "20914". */
        long v = strtol(xmlParserVersion, NULL, 10);

        printf("libxml2 %ld.%ld.%ld\n", v / 10000, v / 100 % 100, v % 100);
    }
#else
    printf("libxml2 (version not known to this build)\n");
#endif
}

static const char *kind_name(folio_plugin_kind k)
{
    return k == FOLIO_PLUGIN_INPUT    ? "input"
           : k == FOLIO_PLUGIN_OUTPUT ? "output"
                                      : "?";
}

/* Writes a plugin's formats as "a, b, c" into buf. */
static void format_list(const folio_plugin *p, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; p->formats != NULL && p->formats[i] != NULL; i++) {
        int n = snprintf(buf + len, size - len, "%s%s", i > 0 ? ", " : "",
                         p->formats[i]);

        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    if (len == 0)
        snprintf(buf, size, "-");
}

static int cell_width(const char *s, int w)
{
    size_t n = strlen(s);

    return n > (size_t)w ? (n > 200 ? 200 : (int)n) : w;
}

/* Describes an option's values: "bool", "a|b|c", ... */
static const char *option_values(const folio_option *o)
{
    switch (o->type) {
    case FOLIO_OPTION_STRING:
        return "text";
    case FOLIO_OPTION_INT:
        return "integer";
    case FOLIO_OPTION_BOOL:
        return "true|false";
    case FOLIO_OPTION_ENUM:
        return o->choices != NULL ? o->choices : "?";
    default:
        return "?";
    }
}

/* Lists the -O keys of every plugin that has some. */
static void print_options(const folio_registry *reg)
{
    size_t n = folio_registry_count(reg);
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        const folio_plugin *p = folio_registry_at(reg, i);

        for (size_t k = 0; p->options != NULL && p->options[k].name != NULL;
             k++) {
            const folio_option *o = &p->options[k];

            if (!any)
                printf("\nOptions (-O KEY=VALUE):\n");
            any = true;
            printf("  %s: %s=%s", p->name, o->name, option_values(o));
            if (o->default_value != NULL)
                printf(" (default %s)", o->default_value);
            if (o->help != NULL)
                printf("\n      %s", o->help);
            putchar('\n');
        }
    }
}

static void list_plugins(const folio_registry *reg)
{
    size_t n = folio_registry_count(reg);
    size_t nf = folio_registry_failure_count(reg);
    int wn = 4, wk = 4, wv = 7, wf = 7;
    char fmt[512];

    for (size_t i = 0; i < n; i++) {
        const folio_plugin *p = folio_registry_at(reg, i);

        format_list(p, fmt, sizeof fmt);
        wn = cell_width(p->name != NULL ? p->name : "", wn);
        wk = cell_width(kind_name(p->kind), wk);
        wv = cell_width(p->version != NULL ? p->version : "", wv);
        wf = cell_width(fmt, wf);
    }

    if (n == 0) {
        printf("No plugins found.\n");
    } else {
        printf("%-*s  %-*s  %-*s  %-*s  %s\n", wn, "NAME", wk, "KIND", wv,
               "VERSION", wf, "FORMATS", "PATH");
        for (size_t i = 0; i < n; i++) {
            const folio_plugin *p = folio_registry_at(reg, i);
            const char *path = folio_registry_path_at(reg, i);

            format_list(p, fmt, sizeof fmt);
            printf("%-*s  %-*s  %-*s  %-*s  %s\n", wn,
                   p->name != NULL ? p->name : "", wk, kind_name(p->kind),
                   wv, p->version != NULL ? p->version : "", wf, fmt,
                   path != NULL ? path : "(built in)");
        }
    }

    print_options(reg);

    if (nf > 0) {
        printf("\nRefused plugin files:\n");
        for (size_t i = 0; i < nf; i++)
            printf("  %s\n", folio_registry_failure_at(reg, i));
    }
}

/* ------------------------------------------------------------------ */
/* Plugin selection and -O checks                                     */
/* ------------------------------------------------------------------ */

/* Finds the plugin for -t/-f, or explains why there is none. */
static const folio_plugin *pick_plugin(const folio_registry *reg,
                                       folio_plugin_kind kind,
                                       const char *name)
{
    const folio_plugin *p = folio_registry_find(reg, kind, name);
    const char *what = kind == FOLIO_PLUGIN_INPUT ? "input" : "output";
    const char *why;

    if (p != NULL)
        return p;
    why = folio_registry_failure_for(reg, name);
    if (why != NULL) {
        error_at(name, "%s format not available (%s)", what, why);
    } else if (folio_registry_find(reg,
                                   kind == FOLIO_PLUGIN_INPUT
                                       ? FOLIO_PLUGIN_OUTPUT
                                       : FOLIO_PLUGIN_INPUT,
                                   name) != NULL) {
        error_at(name, "not an %s format (it is an %s format)", what,
                 kind == FOLIO_PLUGIN_INPUT ? "output" : "input");
    } else {
        error_at(name,
                 "unknown %s format ('" PROG " --list-plugins' lists them)",
                 what);
    }
    return NULL;
}

/* Prints what --help-plugin shows: the plugin's description, the file
 * it was loaded from, the formats it answers to and its options. */
static void print_plugin_help(const folio_registry *reg,
                              const folio_plugin *p)
{
    const char *path = NULL;
    char fmt[512];

    for (size_t i = 0; i < folio_registry_count(reg); i++) {
        if (folio_registry_at(reg, i) == p)
            path = folio_registry_path_at(reg, i);
    }
    format_list(p, fmt, sizeof fmt);
    printf("%s %s: %s plugin\n", p->name,
           p->version != NULL ? p->version : "", kind_name(p->kind));
    if (p->description != NULL)
        printf("  %s\n", p->description);
    printf("\nFile:     %s\n", path != NULL ? path : "(built in)");
    printf("Formats:  %s\n", fmt);
    if (p->output != NULL && p->output->extension != NULL)
        printf("Files:    *.%s (%s)\n", p->output->extension,
               p->output->media_type != NULL ? p->output->media_type
                                             : "?");
    if (p->options == NULL || p->options[0].name == NULL) {
        printf("\nOptions:  none\n");
        return;
    }
    printf("\nOptions (-O KEY=VALUE):\n");
    for (size_t k = 0; p->options[k].name != NULL; k++) {
        const folio_option *o = &p->options[k];

        printf("  %s=%s", o->name, option_values(o));
        if (o->default_value != NULL)
            printf(" (default %s)", o->default_value);
        if (o->help != NULL)
            printf("\n      %s", o->help);
        putchar('\n');
    }
}

/* --help-plugin NAME, or --help with -t/-f: describes those plugins.
 * Returns the exit status. */
static int plugin_help(const cli *c, const folio_registry *reg)
{
    const folio_plugin *p;

    if (c->help_plugin != NULL) {
        const char *why;

        p = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, c->help_plugin);
        if (p == NULL)
            p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                    c->help_plugin);
        if (p != NULL) {
            print_plugin_help(reg, p);
            return EXIT_CONVERTED;
        }
        why = folio_registry_failure_for(reg, c->help_plugin);
        if (why != NULL)
            error_at(c->help_plugin, "plugin not available (%s)", why);
        else
            error_at(c->help_plugin, "no such plugin ('" PROG
                     " --list-plugins' lists them)");
        return EXIT_USAGE;
    }
    if (c->from != NULL) {
        p = pick_plugin(reg, FOLIO_PLUGIN_INPUT, c->from);
        if (p == NULL)
            return EXIT_USAGE;
        print_plugin_help(reg, p);
    }
    if (c->to != NULL) {
        p = pick_plugin(reg, FOLIO_PLUGIN_OUTPUT, c->to);
        if (p == NULL)
            return EXIT_USAGE;
        if (c->from != NULL)
            putchar('\n');
        print_plugin_help(reg, p);
    }
    return EXIT_CONVERTED;
}

/* Appends "key (plugin)" for each option of p to buf. */
static void append_keys(const folio_plugin *p, char *buf, size_t size,
                        size_t *len)
{
    for (size_t i = 0; p->options != NULL && p->options[i].name != NULL;
         i++) {
        int n = snprintf(buf + *len, size - *len, "%s%s (%s)",
                         *len > 0 ? ", " : "", p->options[i].name, p->name);

        if (n < 0 || (size_t)n >= size - *len)
            return;
        *len += (size_t)n;
    }
}

/* True when plugin p declares option `key`. */
static bool declares_option(const folio_plugin *p, const char *key)
{
    for (size_t i = 0; p->options != NULL && p->options[i].name != NULL;
         i++) {
        if (strcmp(p->options[i].name, key) == 0)
            return true;
    }
    return false;
}

/* True when the user gave -O `key`=... */
static bool user_set(const cli *c, const char *key)
{
    for (size_t i = 0; i < c->n_opts; i++) {
        if (strcmp(c->opts[i].key, key) == 0)
            return true;
    }
    return false;
}

/*
 * Checks every -O against the output plugin and the --front-matter one
 * (a key both declare must suit both), then the input plugin (the -f one,
 * else every input plugin, since the input's format is only known once it
 * is read). Returns true when all are accepted.
 */
static bool check_options(const cli *c, const folio_registry *reg,
                          const folio_plugin *out, const folio_plugin *fm,
                          const folio_plugin *in)
{
    size_t np = folio_registry_count(reg);

    for (size_t i = 0; i < c->n_opts; i++) {
        const plugin_opt *o = &c->opts[i];
        char msg[512];
        char keys[1024];
        size_t klen = 0;
        int rc;
        bool ok = false;
        const folio_plugin *used[2] = { out, fm };

        for (size_t u = 0; u < 2; u++) {
            if (used[u] == NULL)
                continue;
            rc = folio_plugin_check_option(used[u], o->key, o->value, msg,
                                           sizeof msg);
            if (rc == FOLIO_OK) {
                ok = true;
            } else if (rc != FOLIO_ENOTFOUND) {
                usage_error("-O %s: %s", o->arg, msg);
                return false;
            } else {
                append_keys(used[u], keys, sizeof keys, &klen);
            }
        }
        if (ok)
            continue;
        for (size_t k = 0; k < np && !ok; k++) {
            const folio_plugin *p = folio_registry_at(reg, k);

            if (p->kind != FOLIO_PLUGIN_INPUT || (in != NULL && p != in))
                continue;
            rc = folio_plugin_check_option(p, o->key, o->value, msg,
                                           sizeof msg);
            if (rc == FOLIO_OK) {
                ok = true;
            } else if (rc != FOLIO_ENOTFOUND) {
                usage_error("-O %s: %s", o->arg, msg);
                return false;
            } else {
                append_keys(p, keys, sizeof keys, &klen);
            }
        }
        if (ok)
            continue;
        if (klen == 0)
            usage_error("-O %s: unknown option '%s' (the plugins in use "
                        "take no options)",
                        o->arg, o->key);
        else
            usage_error("-O %s: unknown option '%s'; known keys: %s", o->arg,
                        o->key, keys);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Reading an input                                                   */
/* ------------------------------------------------------------------ */

/* Reads all of `fd` into *out (malloc'd). Returns 0, or -1 with a message
 * printed. `known` is the size fstat reported for a regular file. */
static int read_fd(int fd, const char *name, size_t known,
                   unsigned char **out, size_t *out_len)
{
    size_t cap = known > 0 ? known + 1 : 64 * 1024;
    size_t len = 0;
    unsigned char *buf = malloc(cap);
    char sz[32];

    if (buf == NULL) {
        error_at(name, "out of memory");
        return -1;
    }
    for (;;) {
        ssize_t n;

        if (len == cap) {
            size_t ncap = cap * 2;
            unsigned char *nb;

            /* One byte past the limit is enough to know it is too big. */
            if (ncap > input_limit + 1)
                ncap = input_limit + 1;
            if (ncap <= len) {
                error_at(name, "input is larger than the limit (%s)",
                         size_text(input_limit, sz, sizeof sz));
                free(buf);
                return -1;
            }
            nb = realloc(buf, ncap);
            if (nb == NULL) {
                error_at(name, "out of memory");
                free(buf);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error_at(name, "%s", strerror(errno));
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > input_limit) {
        error_at(name, "input is larger than the limit (%s)",
                 size_text(input_limit, sz, sizeof sz));
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* Reads `path` ("-": stdin) whole. Returns 0, or -1 with a message. */
static int read_input(const char *path, const char *name,
                      unsigned char **out, size_t *out_len)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t known = 0;
    int rc = -1;

    if (fd < 0) {
        error_at(name, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        error_at(name, "%s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        error_at(name, "is a directory");
        goto done;
    }
    if (S_ISREG(st.st_mode)) {
        /* Refuse a too-large file before reading any of it. */
        if ((unsigned long long)st.st_size > input_limit) {
            char sz[32];

            error_at(name, "input is larger than the limit (%s)",
                     size_text(input_limit, sz, sizeof sz));
            goto done;
        }
        known = (size_t)st.st_size;
    }
    if (read_fd(fd, name, known, out, out_len) < 0)
        goto done;
    if (*out_len == 0) {
        free(*out);
        *out = NULL;
        error_at(name, "empty input");
        goto done;
    }
    rc = 0;

done:
    if (!is_stdin)
        close(fd);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing outputs                                                    */
/* ------------------------------------------------------------------ */

/* An output held in memory until it is complete, so a failed conversion
 * never leaves half a document on stdout or on disk. */
typedef struct membuf {
    char *p;
    size_t len, cap;
} membuf;

static int membuf_write(void *sink, const char *bytes, size_t len)
{
    membuf *m = sink;

    if (len > m->cap - m->len) {
        size_t cap = m->cap != 0 ? m->cap : 16 * 1024;
        char *p;

        while (len > cap - m->len) {
            if (cap > (size_t)-1 / 2)
                return -1;
            cap *= 2;
        }
        p = realloc(m->p, cap);
        if (p == NULL)
            return -1;
        m->p = p;
        m->cap = cap;
    }
    if (len > 0)
        memcpy(m->p + m->len, bytes, len);
    m->len += len;
    return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The temporary file being written, removed if a signal ends the run. */
static char pending_tmp[PATH_MAX];
static volatile sig_atomic_t pending_tmp_set;

static void on_fatal_signal(int sig)
{
    if (pending_tmp_set)
        unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_pending_tmp(const char *path)
{
    pending_tmp_set = 0;
    if (path != NULL && strlen(path) < sizeof pending_tmp) {
        memcpy(pending_tmp, path, strlen(path) + 1);
        pending_tmp_set = 1;
    }
}

/*
 * Crashes in plugins. A plugin is code folio did not write; when one
 * crashes, the user should learn which plugin and which input, not see
 * folio vanish. The plugin running and its input are copied here around
 * every read and write call; the handler prints them with write(2) only
 * (async-signal-safe), then dies of the same signal. Per thread, since
 * --jobs workers run plugins at once and a fault is delivered to the
 * thread that caused it. (Only the main thread has the alternate signal
 * stack, so a stack overflow in a worker dies without the message.)
 */
enum { CRASH_NONE, CRASH_READING, CRASH_WRITING };
static _Thread_local char crash_plugin[80];
static _Thread_local char crash_input[PATH_MAX];
static _Thread_local volatile sig_atomic_t crash_doing;

static void copy_trunc(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Appends `s` to the line being built in `buf` (async-signal-safe: no
 * library calls), keeping room for the NUL. */
static void line_add(char *buf, size_t size, size_t *len, const char *s)
{
    while (*s != '\0' && *len + 1 < size)
        buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

static void on_crash(int sig)
{
    /* A fault inside the handler itself goes straight to the default. */
    static _Thread_local volatile sig_atomic_t in_handler;

    if (in_handler) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    in_handler = 1;
    if (crash_doing != CRASH_NONE) {
        char num[16];
        size_t k = sizeof num - 1;
        unsigned v = sig > 0 ? (unsigned)sig : 0;

        num[k] = '\0';
        do {
            num[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v > 0 && k > 0);
        /* One write(2) for the whole line, so that two threads crashing
         * at once under --jobs cannot interleave their messages. */
        char line[1024];
        size_t len = 0;
        line_add(line, sizeof line, &len, PROG ": ");
        line_add(line, sizeof line, &len, crash_input);
        line_add(line, sizeof line, &len, ": plugin ");
        line_add(line, sizeof line, &len, crash_plugin);
        line_add(line, sizeof line, &len,
                 crash_doing == CRASH_READING ? " crashed while reading"
                                              : " crashed while writing");
        line_add(line, sizeof line, &len, " (signal ");
        line_add(line, sizeof line, &len, num + k);
        line_add(line, sizeof line, &len, ")\n");
        for (const char *p = line; len > 0;) {
            ssize_t w = write(STDERR_FILENO, p, len);
            if (w <= 0)
                break;
            p += w;
            len -= (size_t)w;
        }
    }
    if (pending_tmp_set)
        unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handlers(void)
{
    /* A plugin that overflows its stack leaves none for the handler. */
    static char alt_stack[64 * 1024];
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    stack_t ss;
    struct sigaction sa;

    memset(&ss, 0, sizeof ss);
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESETHAND: a second thread crashing at the same moment must
     * still reach the handler and print its line, not die silently by
     * the default action before the first thread has written. */
    sa.sa_flags = SA_NODEFER;
    if (sigaltstack(&ss, NULL) == 0)
        sa.sa_flags |= SA_ONSTACK;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* folio_job_read with the crash context set. */
static int plugin_read(folio_job *job, const folio_plugin *in,
                       const char *label, const unsigned char *buf,
                       size_t len)
{
    int rc;

    crash_doing = CRASH_NONE;
    copy_trunc(crash_input, sizeof crash_input, label);
    copy_trunc(crash_plugin, sizeof crash_plugin, in->name);
    crash_doing = CRASH_READING;
    rc = folio_job_read(job, in, buf, len);
    crash_doing = CRASH_NONE;
    return rc;
}

/* folio_job_write with the crash context set (the input is the one the
 * last plugin_read named). */
static int plugin_write(folio_job *job, const folio_plugin *out,
                        const folio_doc *doc, folio_write_fn fn, void *sink)
{
    int rc;

    crash_doing = CRASH_NONE;
    copy_trunc(crash_plugin, sizeof crash_plugin, out->name);
    crash_doing = CRASH_WRITING;
    rc = folio_job_write(job, out, doc, fn, sink);
    crash_doing = CRASH_NONE;
    return rc;
}

/* The mode a new output file gets, as open(0666) would give it. */
static mode_t new_file_mode;

/* Returns a malloc'd "a/b" (or "b" when a is "."), NULL on no memory. */
static char *join_path(const char *dir, const char *name)
{
    size_t ld = strlen(dir), ln = strlen(name);
    bool slash = ld > 0 && dir[ld - 1] != '/';
    char *s = malloc(ld + ln + 2);

    if (s == NULL)
        return NULL;
    memcpy(s, dir, ld);
    if (slash)
        s[ld++] = '/';
    memcpy(s + ld, name, ln + 1);
    return s;
}

/* Returns a malloc'd copy of the folder part of `path` ("." if none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/*
 * Writes `data` to a new temporary file in `dir`. On success *tmp_out is
 * its malloc'd path; on failure returns -1 with errno set and no file
 * left behind.
 */
static int write_temp(const char *dir, const char *data, size_t len,
                      char **tmp_out)
{
    char *tmp = join_path(dir, ".folio-XXXXXX");
    int fd, saved;

    if (tmp == NULL) {
        errno = ENOMEM;
        return -1;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        free(tmp);
        errno = saved;
        return -1;
    }
    set_pending_tmp(tmp);
    /* mkstemp makes the file 0600; give it the mode a plain create would. */
    if (fchmod(fd, new_file_mode) != 0 || write_all(fd, data, len) != 0) {
        saved = errno;
        close(fd);
        goto fail;
    }
    if (close(fd) != 0) {
        saved = errno;
        goto fail;
    }
    *tmp_out = tmp;
    return 0;

fail:
    unlink(tmp);
    set_pending_tmp(NULL);
    free(tmp);
    errno = saved;
    return -1;
}

/* Moves `tmp` to `dest` unless `dest` exists. Returns 0, -1 with errno
 * (EEXIST when taken). link() makes the check and the move one step, so
 * two runs cannot both take the same name. */
static int place_noclobber(const char *tmp, const char *dest)
{
    int fd;

    if (link(tmp, dest) == 0) {
        unlink(tmp);
        return 0;
    }
    if (errno == EEXIST)
        return -1;
    /* File systems without hard links: claim the name, then replace it. */
    fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    close(fd);
    if (rename(tmp, dest) != 0) {
        int saved = errno;

        unlink(dest);
        errno = saved;
        return -1;
    }
    return 0;
}

/* Creates `path` and its missing parents, like mkdir -p. */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    int rc = 0;

    if (p == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char saved = *s;

            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                rc = -1;
                break;
            }
            *s = saved;
            if (saved == '\0')
                break;
        }
    }
    free(p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The run                                                            */
/* ------------------------------------------------------------------ */

typedef enum out_mode { TO_STDOUT, TO_FILE, TO_DIR } out_mode;

typedef struct run {
    const cli *c;
    folio_registry *reg;
    const folio_plugin *out, *in;
    const folio_plugin *fm; /* writes the front matter, or NULL */
    const char *ext;     /* extension of output files, without the dot */
    bool embeds;         /* the output carries its assets (EPUB) */
    bool progress;       /* show a progress line on stderr */
    out_mode mode;
    char **claimed;      /* paths written in this run (TO_DIR) */
    size_t n_claimed;
    bool stdout_broken;  /* stdout is gone: stop converting */
    /* The first "-" among the inputs (an argv pointer): only it reads
     * stdin. A later "-" finds stdin used up, as it would one by one;
     * deciding by position keeps --jobs from racing for the bytes. */
    const char *stdin_reader;
} run;

static bool is_claimed(const run *r, const char *path)
{
    for (size_t i = 0; i < r->n_claimed; i++) {
        if (strcmp(r->claimed[i], path) == 0)
            return true;
    }
    return false;
}

/* Records `path` (taking ownership). Returns false on no memory. */
static bool claim(run *r, char *path)
{
    char **p = grow_array(r->claimed, r->n_claimed, sizeof *r->claimed);

    if (p == NULL)
        return false;
    r->claimed = p;
    r->claimed[r->n_claimed++] = path;
    return true;
}

/* The input's file name without folder and last extension ("stdin" for
 * "-"). malloc'd. */
static char *input_stem(const char *input)
{
    const char *base = strrchr(input, '/');
    const char *dot;

    if (strcmp(input, "-") == 0)
        return strdup("stdin");
    base = base != NULL ? base + 1 : input;
    if (*base == '\0')
        return strdup("output");
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return strdup(base);
    return strndup(base, (size_t)(dot - base));
}

/*
 * Places a finished temporary file under `dir` as STEM.EXT, or STEM-2.EXT,
 * STEM-3.EXT... when the name is taken by an earlier output of this run
 * or, without --force, by an existing file. `label` names the input.
 */
static int place_numbered(run *r, const char *label, const char *tmp,
                          const char *dir, const char *stem, const char *ext)
{
    bool renamed_for_existing = false;
    char *first = NULL;

    for (unsigned k = 1; k <= MAX_SUFFIX; k++) {
        char name[NAME_MAX + 1];
        char *path;
        int n;

        if (k == 1)
            n = snprintf(name, sizeof name, "%s%s%s", stem,
                         ext != NULL ? "." : "", ext != NULL ? ext : "");
        else
            n = snprintf(name, sizeof name, "%s-%u%s%s", stem, k,
                         ext != NULL ? "." : "", ext != NULL ? ext : "");
        if (n < 0 || (size_t)n >= sizeof name) {
            error_at(label, "output file name too long for %s", dir);
            goto fail;
        }
        path = join_path(dir, name);
        if (path == NULL) {
            error_at(label, "out of memory");
            goto fail;
        }
        if (is_claimed(r, path)) {
            free(path);
            continue;
        }
        if (r->c->force ? rename(tmp, path) == 0
                        : place_noclobber(tmp, path) == 0) {
            if (renamed_for_existing)
                warn_at(label, "%s exists; wrote %s instead (--force "
                        "replaces existing files)", first, path);
            note_at(label, "wrote %s", path);
            free(first);
            if (!claim(r, path)) {
                free(path);
                error_at(label, "out of memory");
                return -1;
            }
            return 0;
        }
        if (errno != EEXIST) {
            error_at(label, "%s: %s", path, strerror(errno));
            free(path);
            goto fail;
        }
        if (first == NULL) {
            first = path;
            renamed_for_existing = true;
        } else {
            free(path);
        }
    }
    error_at(label, "no free output name for %s in %s", stem, dir);

fail:
    free(first);
    unlink(tmp);
    return -1;
}

/* The name an output file gets in a folder: the slug of the document's
 * title, else the input's name (numbered when the input holds several
 * documents). malloc'd. */
static char *output_stem(const char *input, const char *slug, size_t i,
                         size_t n)
{
    char *stem, *numbered;

    if (slug != NULL)
        return strdup(slug);
    stem = input_stem(input);
    if (stem == NULL || n <= 1)
        return stem;
    numbered = malloc(strlen(stem) + 24);
    if (numbered != NULL)
        sprintf(numbered, "%s-%zu", stem, i + 1);
    free(stem);
    return numbered;
}

/* Writes output `i` of `n` of one input to its destination. With -o FILE
 * and an input holding several documents, FILE becomes a folder. */
static int emit(run *r, const char *input, const char *label,
                const membuf *m, const char *slug, size_t i, size_t n)
{
    const char *output = r->c->output;
    char *dir = NULL, *stem = NULL, *tmp = NULL;
    const char *ext = r->ext;
    int rc = -1;

    if (r->mode == TO_STDOUT) {
        if (write_all(STDOUT_FILENO, m->p, m->len) != 0) {
            error_at(label, "cannot write to standard output: %s",
                     strerror(errno));
            r->stdout_broken = true;
            return -1;
        }
        return 0;
    }

    if (r->mode == TO_FILE && n == 1) {
        dir = dir_of(output);
    } else {
        struct stat st;

        if (r->mode == TO_FILE && stat(output, &st) == 0 &&
            !S_ISDIR(st.st_mode)) {
            error_at(label, "holds %zu documents, but -o %s is a file; "
                     "name a folder", n, output);
            goto done;
        }
        if (r->mode == TO_FILE && make_dirs(output) != 0) {
            error_at(label, "cannot create the folder %s: %s", output,
                     strerror(errno));
            goto done;
        }
        dir = strdup(output);
        stem = output_stem(input, slug, i, n);
    }
    if (dir == NULL || (stem == NULL && !(r->mode == TO_FILE && n == 1))) {
        error_at(label, "out of memory");
        goto done;
    }

    if (write_temp(dir, m->p, m->len, &tmp) != 0) {
        error_at(label, "cannot write in %s: %s", dir, strerror(errno));
        goto done;
    }
    if (r->mode == TO_FILE && n == 1) {
        /* The user named this file: replacing it is what they asked. */
        if (rename(tmp, output) != 0) {
            error_at(label, "%s: %s", output, strerror(errno));
            unlink(tmp);
            goto done;
        }
        note_at(label, "wrote %s", output);
        rc = 0;
    } else {
        rc = place_numbered(r, label, tmp, dir, stem, ext);
    }

done:
    set_pending_tmp(NULL);
    free(tmp);
    free(stem);
    free(dir);
    return rc;
}

/* Prints the job's notes (with -v) and warnings (unless -q). */
static void print_warnings(const folio_job *job)
{
    size_t n = folio_job_note_count(job);

    for (size_t i = 0; i < n; i++)
        note_at(NULL, "%s", folio_job_note_at(job, i));
    n = folio_job_warning_count(job);
    for (size_t i = 0; i < n; i++)
        warn_at(NULL, "%s", folio_job_warning_at(job, i));
}

/* Sets the job option "tag" from --tag, after any -O tag=... */
static int set_tags(const cli *c, folio_job *job)
{
    const char *given = NULL;
    char *joined;
    int rc;

    if (c->tags == NULL)
        return FOLIO_OK;
    for (size_t i = 0; i < c->n_opts; i++) {
        if (strcmp(c->opts[i].key, "tag") == 0)
            given = c->opts[i].value;
    }
    if (given == NULL || *given == '\0')
        return folio_job_set_option(job, "tag", c->tags);
    joined = malloc(strlen(given) + strlen(c->tags) + 2);
    if (joined == NULL)
        return FOLIO_ENOMEM;
    sprintf(joined, "%s,%s", given, c->tags);
    rc = folio_job_set_option(job, "tag", joined);
    free(joined);
    return rc;
}

/*
 * Writes one document into `m`: with --front-matter, the front matter
 * plugin first, told by its option front-matter=true, then the output
 * proper. Job options are shared by every plugin the job calls, so the
 * flag is cleared again before the output proper runs; and since the
 * title now lives in the front matter, an output with a "title" option
 * (Markdown's H1) is told title=false unless the user chose.
 */
static int write_doc(const run *r, folio_job *job, const folio_doc *doc,
                     membuf *m)
{
    int rc;

    if (r->fm != NULL) {
        if ((rc = folio_job_set_option(job, "front-matter", "true")) < 0 ||
            (rc = plugin_write(job, r->fm, doc, membuf_write, m)) < 0 ||
            (rc = folio_job_set_option(job, "front-matter", "false")) < 0)
            return rc;
        if (declares_option(r->out, "title") && !user_set(r->c, "title") &&
            (rc = folio_job_set_option(job, "title", "false")) < 0)
            return rc;
    }
    return plugin_write(job, r->out, doc, membuf_write, m);
}

/* An image to save beside the outputs (--assets). */
typedef struct saved_asset {
    char *path;
    unsigned char *data; /* a copy: the job is gone when it is written */
    size_t len;
} saved_asset;

/* One input converted but not yet written out (see convert, emit_all). */
typedef struct converted {
    membuf *outs;        /* ndocs outputs */
    char **slugs;        /* ndocs title slugs, each may be NULL */
    size_t ndocs;
    saved_asset *assets; /* images the outputs link to, to save first */
    size_t n_assets;
    char *assets_dir;
    int rc;              /* convert's result */
    char *log;           /* --jobs: the messages, printed before emitting */
    size_t log_len;
    bool ready;          /* --jobs: a worker finished it */
    char *reason;        /* why convert failed ("FILE: message"), or NULL */
} converted;

/* The folder the documents of an input holding `ndocs` go into, which
 * their links are relative to; NULL for standard output. malloc'd. */
static char *docs_dir(const run *r, size_t ndocs)
{
    if (r->mode == TO_STDOUT)
        return NULL;
    if (r->mode == TO_FILE && ndocs == 1)
        return dir_of(r->c->output);
    return strdup(r->c->output);
}

/* "name.ext" with "-K" before the extension, for two different images
 * of one document whose bytes are equal. malloc'd. */
static char *numbered_name(const char *name, unsigned k)
{
    const char *dot = strrchr(name, '.');
    size_t stem = dot != NULL ? (size_t)(dot - name) : strlen(name);
    char *out = malloc(strlen(name) + 16);

    if (out != NULL)
        sprintf(out, "%.*s-%u%s", (int)stem, name, k,
                dot != NULL ? dot : "");
    return out;
}

/* Records `path` with a copy of the bytes in cv, once per path. */
static int keep_asset(converted *cv, char *path, const folio_asset *a)
{
    saved_asset *v;

    for (size_t i = 0; i < cv->n_assets; i++) {
        if (strcmp(cv->assets[i].path, path) == 0) {
            free(path);
            return 0;
        }
    }
    v = grow_array(cv->assets, cv->n_assets, sizeof *v);
    if (v == NULL) {
        free(path);
        return -1;
    }
    cv->assets = v;
    v = &cv->assets[cv->n_assets];
    v->path = path;
    v->len = a->len;
    v->data = malloc(a->len > 0 ? a->len : 1);
    if (v->data == NULL) {
        free(path);
        return -1;
    }
    if (a->len > 0)
        memcpy(v->data, a->data, a->len);
    cv->n_assets++;
    return 0;
}

/*
 * --assets: names a file for each image the documents carry, points the
 * documents at it (relative to where they are written) and keeps the
 * bytes in cv for emit_all to save. Nothing happens for standard output
 * without --assets, with --no-assets, or for an output that embeds its
 * assets. Returns 0 or -1 (out of memory, reported).
 */
static int localize_assets(const run *r, const char *label, folio_job *job,
                           converted *cv)
{
    const cli *c = r->c;
    size_t ndocs = folio_job_doc_count(job), total = 0;
    char *ddir = NULL, *adir = NULL, *prefix = NULL;
    int rc = -1;

    for (size_t i = 0; i < ndocs; i++)
        total += folio_doc_asset_count(folio_job_doc(job, i));
    if (total == 0 || c->no_assets || r->embeds ||
        (r->mode == TO_STDOUT && c->assets == NULL))
        return 0;

    ddir = docs_dir(r, ndocs);
    if (ddir == NULL && r->mode != TO_STDOUT)
        goto nomem;
    adir = c->assets != NULL ? strdup(c->assets) : join_path(ddir, "assets");
    if (adir == NULL)
        goto nomem;
    if (ddir != NULL) {
        prefix = cli_relpath(adir, ddir);
    } else {
        /* Standard output: links as the user spelled the folder. */
        prefix = strdup(adir);
        while (prefix != NULL && strlen(prefix) > 1 &&
               prefix[strlen(prefix) - 1] == '/')
            prefix[strlen(prefix) - 1] = '\0';
    }
    if (prefix == NULL)
        goto nomem;

    for (size_t i = 0; i < ndocs; i++) {
        folio_doc *doc = folio_job_doc(job, i);

        for (size_t k = 0; k < folio_doc_asset_count(doc); k++) {
            const folio_asset *a = folio_doc_asset_at(doc, k);
            char *url = strdup(a->url), *base = NULL, *name = NULL;
            char *link = NULL;
            int ren = FOLIO_ENOMEM;

            if (url != NULL)
                base = cli_asset_name(url, a->media_type, a->data, a->len);
            /* Two images of one document with equal bytes get one name
             * each: NAME, NAME-2, ... */
            for (unsigned n = 1; base != NULL && n < 100; n++) {
                free(name);
                free(link);
                link = NULL;
                name = n == 1 ? strdup(base) : numbered_name(base, n);
                if (name != NULL)
                    link = prefix[0] != '\0' ? join_path(prefix, name)
                                             : strdup(name);
                if (link == NULL) {
                    ren = FOLIO_ENOMEM;
                    break;
                }
                ren = folio_doc_rename_asset(doc, url, link);
                if (ren != FOLIO_EINVALID)
                    break;
            }
            if (ren == FOLIO_OK && keep_asset(cv, join_path(adir, name),
                                              folio_doc_asset_at(doc, k)) < 0)
                ren = FOLIO_ENOMEM;
            free(url);
            free(base);
            free(name);
            free(link);
            if (ren == FOLIO_ENOMEM)
                goto nomem;
            if (ren != FOLIO_OK) {
                error_at(label, "cannot link the images saved in %s: %s",
                         adir, folio_status_str(ren));
                goto done;
            }
        }
    }
    cv->assets_dir = adir;
    adir = NULL;
    rc = 0;
    goto done;
nomem:
    error_at(label, "out of memory");
done:
    free(ddir);
    free(adir);
    free(prefix);
    return rc;
}

/*
 * Converts one input into memory: on success cv holds the outputs, for
 * emit_all to write. Only reads `r`, so workers can run it at the same
 * time. Returns 0 or -1 (reported).
 */
static int convert(const run *r, const char *input, converted *cv)
{
    const cli *c = r->c;
    bool is_stdin = strcmp(input, "-") == 0;
    const char *label = input;
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_job *job = NULL;
    const folio_plugin *in = r->in;
    unsigned char *buf = NULL;
    size_t len = 0, ndocs = 0;
    membuf *outs = NULL;
    int rc = -1;

    if (is_stdin && input != r->stdin_reader) {
        error_at(label, "empty input");
        return -1;
    }
    if (read_input(input, label, &buf, &len) != 0)
        return -1;

    jo.input_path = is_stdin ? NULL : input;
    jo.base_url = c->base_url;
    jo.encoding = c->encoding;
    jo.no_extract = c->no_extract;
    jo.max_input = input_limit;
    job = folio_job_new(r->reg, &jo);
    if (job == NULL) {
        error_at(label, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c->n_opts; i++) {
        if (folio_job_set_option(job, c->opts[i].key, c->opts[i].value) <
            0) {
            error_at(label, "out of memory");
            goto done;
        }
    }
    if (set_tags(c, job) < 0) {
        error_at(label, "out of memory");
        goto done;
    }

    if (in == NULL) {
        in = folio_job_sniff(job, buf, len);
        if (in == NULL) {
            error_at(label, "not a recognised input format");
            goto done;
        }
        note_at(label, "reading as %s (detected)", in->name);
    }
    if (plugin_read(job, in, label, buf, len) < 0) {
        const char *e = folio_job_error(job);

        print_warnings(job);
        if (e != NULL)
            error_at(NULL, "%s", e);
        else
            error_at(label, "cannot read the input");
        goto done;
    }

    ndocs = folio_job_doc_count(job);
    if (ndocs == 0) {
        print_warnings(job);
        error_at(label, "no document found");
        goto done;
    }
    outs = calloc(ndocs, sizeof *outs);
    cv->slugs = calloc(ndocs, sizeof *cv->slugs);
    if (outs == NULL || cv->slugs == NULL) {
        error_at(label, "out of memory");
        goto done;
    }
    cv->ndocs = ndocs; /* so free_converted frees the slugs */
    for (size_t i = 0; i < ndocs; i++)
        cv->slugs[i] = cli_slug(folio_doc_meta(folio_job_doc(job, i))->title);
    if (localize_assets(r, label, job, cv) != 0)
        goto done;
    for (size_t i = 0; i < ndocs; i++) {
        if (write_doc(r, job, folio_job_doc(job, i), &outs[i]) < 0) {
            const char *e = folio_job_error(job);

            print_warnings(job);
            if (e != NULL)
                error_at(NULL, "%s", e);
            else
                error_at(label, "cannot write the output");
            goto done;
        }
    }
    print_warnings(job);

    rc = 0;
    cv->outs = outs;
    cv->ndocs = ndocs;
    outs = NULL;

done:
    for (size_t i = 0; outs != NULL && i < ndocs; i++)
        free(outs[i].p);
    free(outs);
    folio_job_free(job);
    free(buf);
    return rc;
}

/* Frees what convert left in cv. */
static void free_converted(converted *cv)
{
    for (size_t i = 0; cv->outs != NULL && i < cv->ndocs; i++)
        free(cv->outs[i].p);
    free(cv->outs);
    for (size_t i = 0; cv->slugs != NULL && i < cv->ndocs; i++)
        free(cv->slugs[i]);
    free(cv->slugs);
    for (size_t i = 0; i < cv->n_assets; i++) {
        free(cv->assets[i].path);
        free(cv->assets[i].data);
    }
    free(cv->assets);
    free(cv->assets_dir);
    free(cv->reason);
    free(cv->log);
    memset(cv, 0, sizeof *cv);
}

/* True when file `path` holds exactly `len` bytes equal to `data`. */
static bool same_content(const char *path, const unsigned char *data,
                         size_t len)
{
    unsigned char buf[65536];
    struct stat st;
    size_t off = 0;
    bool same = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (size_t)st.st_size != len)
        goto done;
    while (off < len) {
        ssize_t got = read(fd, buf, sizeof buf);

        if (got <= 0 || (size_t)got > len - off ||
            memcmp(buf, data + off, (size_t)got) != 0)
            goto done;
        off += (size_t)got;
    }
    same = true;
done:
    close(fd);
    return same;
}

/* Saves one image. A file already there with the same bytes is the same
 * image (the names come from the bytes): nothing to do. Other bytes
 * under that name are the user's, kept unless --force. */
static int save_asset(const run *r, const char *label, const saved_asset *a)
{
    char *dir = dir_of(a->path), *tmp = NULL;
    struct stat st;
    int rc = -1;

    if (dir == NULL) {
        error_at(label, "out of memory");
        return -1;
    }
    if (lstat(a->path, &st) == 0) {
        if (same_content(a->path, a->data, a->len)) {
            rc = 0;
            goto done;
        }
        if (!r->c->force) {
            error_at(label, "%s exists with other content; not replaced "
                     "(--force replaces it)", a->path);
            goto done;
        }
    }
    if (write_temp(dir, (const char *)a->data, a->len, &tmp) != 0) {
        error_at(label, "cannot write in %s: %s", dir, strerror(errno));
        goto done;
    }
    if (r->c->force ? rename(tmp, a->path) == 0
                    : place_noclobber(tmp, a->path) == 0) {
        note_at(label, "saved %s", a->path);
        rc = 0;
    } else if (errno == EEXIST && same_content(a->path, a->data, a->len)) {
        unlink(tmp);  /* another run saved the same image meanwhile */
        rc = 0;
    } else {
        error_at(label, "%s: %s", a->path, strerror(errno));
        unlink(tmp);
    }
done:
    set_pending_tmp(NULL);
    free(tmp);
    free(dir);
    return rc;
}

/* Prints cv's messages, writes its outputs and frees it. Returns 0 or -1
 * (reported). Main thread only: it names the files, in input order. */
static int emit_all(run *r, const char *input, converted *cv)
{
    int rc = cv->rc;

    if (cv->log_len > 0) {
        clear_progress();
        fwrite(cv->log, 1, cv->log_len, stderr);
    }
    if (rc == 0 && cv->n_assets > 0 && make_dirs(cv->assets_dir) != 0) {
        error_at(input, "cannot create the folder %s: %s", cv->assets_dir,
                 strerror(errno));
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < cv->n_assets; i++)
        rc = save_asset(r, input, &cv->assets[i]);
    for (size_t i = 0; rc == 0 && i < cv->ndocs; i++) {
        if (emit(r, input, input, &cv->outs[i], cv->slugs[i], i,
                 cv->ndocs) != 0) {
            rc = -1;
            if (r->stdout_broken)
                break;
        }
    }
    free_converted(cv);
    return rc;
}

/*
 * --jobs: workers convert inputs in parallel, each with its own job (the
 * registry is only read); the main thread prints and writes the results
 * strictly in input order, so the output files, their names and the
 * messages are the same as with one job. Workers run at most `window`
 * inputs ahead of the one being written, which bounds the memory held.
 */
typedef struct pool {
    const run *r;
    converted *cv;
    size_t n, next, written, window;
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t done_cond, room_cond;
} pool;

static void *pool_worker(void *arg)
{
    pool *p = arg;

    for (;;) {
        size_t i;
        converted *cv;
        FILE *log;

        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->n &&
               p->next >= p->written + p->window)
            pthread_cond_wait(&p->room_cond, &p->mu);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        i = p->next++;
        pthread_mutex_unlock(&p->mu);

        cv = &p->cv[i];
        log = open_memstream(&cv->log, &cv->log_len);
        message_log = log;
        last_error[0] = '\0';
        cv->rc = convert(p->r, p->r->c->inputs[i], cv);
        if (cv->rc != 0)
            cv->reason = strdup(last_error);
        message_log = NULL;
        if (log == NULL) {
            /* No log: the messages went straight to stderr. */
            cv->log = NULL;
            cv->log_len = 0;
        } else if (fclose(log) != 0) {
            free(cv->log);
            cv->log = NULL;
            cv->log_len = 0;
        }

        pthread_mutex_lock(&p->mu);
        cv->ready = true;
        pthread_cond_broadcast(&p->done_cond);
        pthread_mutex_unlock(&p->mu);
    }
}

/* The failed inputs of a run, listed again at its end. */
typedef struct failures {
    char **why;
    size_t n;
} failures;

static void add_failure(failures *f, char *why)
{
    char **v;

    if (why == NULL)
        return;
    if ((v = grow_array(f->why, f->n, sizeof *v)) == NULL) {
        free(why);
        return;
    }
    f->why = v;
    f->why[f->n++] = why;
}

/* After a run of several inputs, the ones that failed and why, so a long
 * run's failures need not be searched for among its messages. */
static void report_failures(failures *f, size_t inputs)
{
    if (f->n > 0 && inputs > 1) {
        error_at(NULL, "%zu of %zu inputs failed:", f->n, inputs);
        for (size_t i = 0; i < f->n; i++)
            fprintf(stderr, "  %s\n", f->why[i]);
    }
    for (size_t i = 0; i < f->n; i++)
        free(f->why[i]);
    free(f->why);
}

/* "[3/12] saved/page.html" on the terminal while a long run goes on. */
static void show_progress(const run *r, size_t i, size_t n,
                          const char *input)
{
    size_t len = strlen(input);

    if (!r->progress)
        return;
    clear_progress();
    if (len > 60)
        fprintf(stderr, "[%zu/%zu] ...%s", i + 1, n, input + len - 57);
    else
        fprintf(stderr, "[%zu/%zu] %s", i + 1, n, input);
    fflush(stderr);
    progress_shown = true;
}

/* Converts every input with `jobs` threads (none when jobs is 1: then
 * all in this thread). Returns 0, or -1 when some input failed. */
static int convert_all(run *r, unsigned jobs)
{
    const cli *c = r->c;
    pool p;
    pthread_t *tid;
    failures fails = { NULL, 0 };
    unsigned started = 0;
    int status = 0;
    size_t i;

    memset(&p, 0, sizeof p);
    p.r = r;
    p.n = c->n_inputs;
    p.window = (size_t)jobs * 2;
    p.cv = calloc(p.n, sizeof *p.cv);
    tid = calloc(jobs, sizeof *tid);
    if (p.cv == NULL || tid == NULL) {
        free(p.cv);
        free(tid);
        error_at(NULL, "out of memory");
        return -1;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.done_cond, NULL);
    pthread_cond_init(&p.room_cond, NULL);
    for (; jobs > 1 && started < jobs; started++) {
        if (pthread_create(&tid[started], NULL, pool_worker, &p) != 0)
            break;
    }
    if (started == 0)
        p.stop = true;  /* no thread at all: convert here, in order */

    for (i = 0; i < p.n; i++) {
        converted *cv = &p.cv[i];
        char *reason;

        show_progress(r, i, p.n, c->inputs[i]);
        if (started == 0) {
            last_error[0] = '\0';
            cv->rc = convert(r, c->inputs[i], cv);
            if (cv->rc != 0)
                cv->reason = strdup(last_error);
        } else {
            pthread_mutex_lock(&p.mu);
            while (!cv->ready)
                pthread_cond_wait(&p.done_cond, &p.mu);
            pthread_mutex_unlock(&p.mu);
        }
        reason = cv->reason;
        cv->reason = NULL;
        last_error[0] = '\0';
        if (emit_all(r, c->inputs[i], cv) != 0) {
            status = -1;
            add_failure(&fails, reason != NULL ? reason : strdup(last_error));
        } else {
            free(reason);
        }

        pthread_mutex_lock(&p.mu);
        p.written = i + 1;
        if (r->stdout_broken)
            p.stop = true;
        pthread_cond_broadcast(&p.room_cond);
        pthread_mutex_unlock(&p.mu);
        if (r->stdout_broken)
            break;
    }
    clear_progress();
    /* A closed standard output stopped the run: one message said so. */
    report_failures(&fails, r->stdout_broken ? 0 : p.n);
    for (unsigned k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    /* Stopped early: drop what the workers converted meanwhile. */
    for (size_t k = 0; k < p.n; k++)
        free_converted(&p.cv[k]);
    pthread_cond_destroy(&p.room_cond);
    pthread_cond_destroy(&p.done_cond);
    pthread_mutex_destroy(&p.mu);
    free(tid);
    free(p.cv);
    return status;
}

/* True when the first bytes of `path` look like a page some input plugin
 * reads: a folder input skips its images, styles and scripts. */
static bool looks_like_page(const folio_registry *reg, const char *path)
{
    unsigned char *buf = malloc(SNIFF_BYTES);
    ssize_t got = -1;
    bool page = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd >= 0 && buf != NULL)
        got = read(fd, buf, SNIFF_BYTES);
    if (fd >= 0)
        close(fd);
    for (size_t i = 0; got > 0 && !page && i < folio_registry_count(reg);
         i++) {
        const folio_plugin *p = folio_registry_at(reg, i);

        /* 50: at least a fragment that starts with an HTML tag. */
        page = p->kind == FOLIO_PLUGIN_INPUT &&
               p->input->probe(buf, (size_t)got) >= 50;
    }
    free(buf);
    return page;
}

/* The page a "Web Page, Complete" resource folder X_files belongs to
 * (X.html or X.htm beside it), or NULL. malloc'd. */
static char *page_of_files_dir(const char *dir)
{
    static const char *const exts[] = { ".html", ".htm", ".xhtml" };
    size_t n = strlen(dir);
    struct stat st;

    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n < 6 || strncmp(dir + n - 6, "_files", 6) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char *page = malloc(n + 8);

        if (page == NULL)
            return NULL;
        sprintf(page, "%.*s%s", (int)(n - 6), dir, exts[i]);
        if (stat(page, &st) == 0 && S_ISREG(st.st_mode))
            return page;
        free(page);
    }
    return NULL;
}

/* Folders among the inputs stand for the pages in them, in name order
 * (their subfolders too, except a saved page's X_files folder, which is
 * read with the page); an X_files folder given on its own stands for its
 * page. Returns EXIT_CONVERTED or an exit status (reported). */
static int expand_inputs(cli *c, const folio_registry *reg)
{
    char **list = NULL;
    size_t n = 0;
    bool any_dir = false;
    struct stat st;

    for (size_t i = 0; i < c->n_inputs && !any_dir; i++)
        any_dir = strcmp(c->inputs[i], "-") != 0 &&
                  stat(c->inputs[i], &st) == 0 && S_ISDIR(st.st_mode);
    if (!any_dir)
        return EXIT_CONVERTED;

    for (size_t i = 0; i < c->n_inputs; i++) {
        const char *in = c->inputs[i];
        char **files = NULL, *page = NULL;
        size_t nf = 0, before = n;

        if (strcmp(in, "-") == 0 || stat(in, &st) != 0 ||
            !S_ISDIR(st.st_mode) || (page = page_of_files_dir(in)) != NULL) {
            char **grown = grow_array(list, n, sizeof *list);

            if (grown == NULL || (page == NULL && (page = strdup(in)) == NULL))
                goto nomem;
            list = grown;
            list[n++] = page;
            continue;
        }
        if (cli_list_files(in, MAX_WALK_FILES, &files, &nf) != 0) {
            error_at(in, "cannot list the folder: %s",
                     errno == E2BIG ? "too many files" : strerror(errno));
            goto fail;
        }
        for (size_t k = 0; k < nf; k++) {
            char **grown;

            if (!looks_like_page(reg, files[k])) {
                note_at(files[k], "skipped: not a page");
                free(files[k]);
                continue;
            }
            if ((grown = grow_array(list, n, sizeof *list)) == NULL) {
                for (; k < nf; k++)
                    free(files[k]);
                free(files);
                goto nomem;
            }
            list = grown;
            list[n++] = files[k];
        }
        free(files);
        if (n == before)
            warn_at(in, "no page found in this folder");
    }
    if (n == 0) {
        error_at(NULL, "no page to convert");
        free(list);
        return EXIT_SOME_FAILED;
    }
    c->walked = list;
    c->n_walked = n;
    c->inputs = list;
    c->n_inputs = n;
    return EXIT_CONVERTED;

nomem:
    error_at(NULL, "out of memory");
fail:
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return EXIT_SOME_FAILED;
}

/* Decides where outputs go. Returns EXIT_CONVERTED, or an exit status. */
static int choose_output(run *r)
{
    const cli *c = r->c;
    const char *o = c->output;
    struct stat st;
    bool exists, is_dir, trailing;

    if (o == NULL || strcmp(o, "-") == 0) {
        r->mode = TO_STDOUT;
        return EXIT_CONVERTED;
    }
    exists = stat(o, &st) == 0;
    is_dir = exists && S_ISDIR(st.st_mode);
    trailing = o[strlen(o) - 1] == '/';

    if (is_dir) {
        r->mode = TO_DIR;
        return EXIT_CONVERTED;
    }
    if (trailing) {
        if (exists) {
            usage_error("-o %s: not a directory", o);
            return EXIT_USAGE;
        }
        if (make_dirs(o) != 0) {
            error_at(o, "cannot create the directory: %s", strerror(errno));
            return EXIT_SOME_FAILED;
        }
        r->mode = TO_DIR;
        return EXIT_CONVERTED;
    }
    if (c->n_inputs > 1) {
        /* Several inputs make several documents: a folder. */
        if (exists) {
            usage_error("-o %s: several inputs need a folder, and %s is "
                        "a file", o, o);
            return EXIT_USAGE;
        }
        if (make_dirs(o) != 0) {
            error_at(o, "cannot create the directory: %s", strerror(errno));
            return EXIT_SOME_FAILED;
        }
        r->mode = TO_DIR;
        return EXIT_CONVERTED;
    }
    r->mode = TO_FILE;
    return EXIT_CONVERTED;
}

int main(int argc, char **argv)
{
    static char *stdin_only[] = { "-", NULL };
    cli c;
    run r;
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    int status;
    mode_t mask;

    /* A closed pipe shows up as EPIPE from write(), reported once, rather
     * than killing the program mid-file. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    signal(SIGHUP, on_fatal_signal);
    install_crash_handlers();
    mask = umask(0);
    umask(mask);
    new_file_mode = 0666 & ~mask;

    memset(&r, 0, sizeof r);
    status = parse_args(&c, argc, argv);
    if (status != EXIT_CONVERTED)
        goto done;
    /* -t NAME --help describes the plugin, once the plugins are loaded. */
    if (c.show_help && c.to == NULL && c.from == NULL) {
        fputs(help_text, stdout);
        goto done;
    }
    if (c.show_version) {
        print_version();
        goto done;
    }
    if (c.n_inputs == 0) {
        c.inputs = stdin_only;
        c.n_inputs = 1;
    }

    ro.dirs = c.dirs;
    ro.n_dirs = c.n_dirs;
    ro.only_dirs = c.no_default_plugins;
    /* A run loads the output plugin it writes with, not every one (the
     * EPUB plugin's libraries alone cost more than converting a page);
     * listing them all loads them all. */
    ro.lazy = true;
    if (folio_registry_new(&r.reg, &ro) < 0) {
        error_at(NULL, "cannot set up the plugins: out of memory");
        status = EXIT_SOME_FAILED;
        goto done;
    }
    for (size_t i = 0; i < folio_registry_failure_count(r.reg); i++)
        note_at(NULL, "plugin refused: %s",
                folio_registry_failure_at(r.reg, i));
    if (c.list_plugins) {
        if (folio_registry_load_all(r.reg) < 0) {
            error_at(NULL, "cannot load the plugins: out of memory");
            status = EXIT_SOME_FAILED;
            goto done;
        }
        list_plugins(r.reg);
        goto done;
    }
    if (c.help_plugin != NULL || c.show_help) {
        status = plugin_help(&c, r.reg);
        goto done;
    }

    r.c = &c;
    if (c.from != NULL) {
        r.in = pick_plugin(r.reg, FOLIO_PLUGIN_INPUT, c.from);
        if (r.in == NULL) {
            status = EXIT_USAGE;
            goto done;
        }
    }
    r.out = pick_plugin(r.reg, FOLIO_PLUGIN_OUTPUT,
                        c.to != NULL ? c.to : "markdown");
    if (r.out == NULL) {
        status = EXIT_USAGE;
        goto done;
    }
    if (c.front_matter != NULL) {
        r.fm = pick_plugin(r.reg, FOLIO_PLUGIN_OUTPUT, c.front_matter);
        if (r.fm == NULL) {
            status = EXIT_USAGE;
            goto done;
        }
        if (r.fm == r.out) {
            usage_error("--front-matter=%s: the output is already %s",
                        c.front_matter, r.out->name);
            status = EXIT_USAGE;
            goto done;
        }
        if (!declares_option(r.fm, "front-matter")) {
            usage_error("--front-matter=%s: plugin %s cannot write front "
                        "matter (it has no option 'front-matter')",
                        c.front_matter, r.fm->name);
            status = EXIT_USAGE;
            goto done;
        }
    }
    if (!check_options(&c, r.reg, r.out, r.fm, r.in)) {
        status = EXIT_USAGE;
        goto done;
    }
    if (c.tags != NULL && !declares_option(r.out, "tag") &&
        (r.fm == NULL || !declares_option(r.fm, "tag"))) {
        usage_error("--tag: the output has no tags; add --front-matter");
        status = EXIT_USAGE;
        goto done;
    }
    r.ext = r.out->output != NULL && r.out->output->extension != NULL &&
                    r.out->output->extension[0] != '\0'
                ? r.out->output->extension
                : r.out->name;
    r.embeds = r.out->output != NULL &&
               (r.out->output->flags & FOLIO_OUTPUT_EMBEDS_ASSETS) != 0;
    status = expand_inputs(&c, r.reg);
    if (status != EXIT_CONVERTED)
        goto done;
    status = choose_output(&r);
    if (status != EXIT_CONVERTED)
        goto done;

    if (c.jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        c.jobs = n > 0 ? (unsigned)(n < MAX_JOBS ? n : MAX_JOBS) : 1;
    }
    if (c.jobs > c.n_inputs)
        c.jobs = (unsigned)c.n_inputs;
    /* Progress only where a person watches and the documents do not go
     * to the same terminal. */
    r.progress = c.n_inputs > 1 && r.mode != TO_STDOUT && verbosity >= 0 &&
                 isatty(STDERR_FILENO);
    for (size_t i = 0; i < c.n_inputs && r.stdin_reader == NULL; i++) {
        if (strcmp(c.inputs[i], "-") == 0)
            r.stdin_reader = c.inputs[i];
    }
    if (convert_all(&r, c.jobs) != 0)
        status = EXIT_SOME_FAILED;

done:
    if (fflush(stdout) != 0 && status == EXIT_CONVERTED) {
        error_at(NULL, "cannot write to standard output: %s",
                 strerror(errno));
        status = EXIT_SOME_FAILED;
    }
    for (size_t i = 0; i < r.n_claimed; i++)
        free(r.claimed[i]);
    free(r.claimed);
    folio_registry_free(r.reg);
    cli_free(&c);
    return status;
}
