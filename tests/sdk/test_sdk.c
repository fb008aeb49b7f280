/* SPDX-License-Identifier: MIT */
/*
 * The plugin SDK as a plugin author meets it.
 *
 * sdk/tutorial_plugin_builds_and_runs_from_an_install is the acceptance
 * test of docs/plugins.md: in a scratch folder it installs this build
 * (`meson install --destdir`), takes the one ```c block of the tutorial,
 * compiles it with exactly the cc line the tutorial gives against the
 * installed folio.pc, copies it into ~/.local/lib/folio/plugins of a
 * scratch HOME, and runs the installed folio: the plugin must be listed
 * and must convert a page. Nothing of the source tree is used besides the
 * tutorial text.
 *
 * A --destdir install keeps the configured prefix inside the scratch
 * folder, so two things stand in for what a real prefix gives for free:
 * PKG_CONFIG_SYSROOT_DIR makes pkg-config's paths point into it, and
 * LD_LIBRARY_PATH / FOLIO_PLUGIN_PATH point folio at the installed
 * library and built-in plugins (the compiled-in plugin folder is the
 * configured one, outside the scratch folder).
 *
 * The other tests: --help-plugin, and plugins that fail or crash while
 * writing (bad_plugin.c).
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SDK_MESON
#error "tests/sdk/meson.build defines the SDK_* paths"
#endif

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 4096;
    char *p;

    if (f == NULL)
        return NULL;
    p = malloc(cap);
    cr_assert_not_null(p);
    for (size_t n; (n = fread(p + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            p = realloc(p, cap);
            cr_assert_not_null(p);
        }
    }
    fclose(f);
    p[len] = '\0';
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "cannot create %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* A scratch folder, removed by the test's end. */
static char scratch[256];

static void make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "%s/folio-sdk-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    cr_assert_not_null(mkdtemp(scratch), "mkdtemp");
}

static void remove_scratch(void)
{
    char cmd[512];

    if (scratch[0] == '\0')
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", scratch);
    scratch[0] = '\0';
}

/* Runs `sh -c CMD` (CMD printf-formatted) with its stdout in *out and
 * stderr in *err (malloc'd, may be NULL). Returns the exit status, or
 * 128 + the signal that ended it. */
static int sh(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int sh(char **out, char **err, const char *fmt, ...)
{
    char cmd[16384], full[17200], o[300], e[300];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(o, sizeof o, "%s/.stdout", scratch);
    snprintf(e, sizeof e, "%s/.stderr", scratch);
    /* No core files from the crash test. */
    snprintf(full, sizeof full, "ulimit -c 0; ( %s ) >'%s' 2>'%s'", cmd, o,
             e);
    st = system(full);
    if (out != NULL)
        *out = read_file(o);
    if (err != NULL)
        *err = read_file(e);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Like sh(), asserting success; returns stdout. */
static char *sh_ok(const char *what, const char *cmd)
{
    char *out = NULL, *err = NULL;
    int rc = sh(&out, &err, "%s", cmd);

    cr_assert_eq(rc, 0, "%s failed (%d): %s\n%s", what, rc, cmd,
                 err != NULL ? err : "");
    free(err);
    return out;
}

/* The only ```c block of `md`, malloc'd. */
static char *c_block(const char *md)
{
    const char *start = strstr(md, "\n```c\n");
    const char *end;
    char *code;

    cr_assert_not_null(start, "docs/plugins.md has no ```c block");
    start += strlen("\n```c\n");
    end = strstr(start, "\n```\n");
    cr_assert_not_null(end, "the ```c block does not end");
    cr_assert_null(strstr(end, "\n```c\n"),
                   "docs/plugins.md has more than one ```c block");
    code = strndup(start, (size_t)(end - start) + 1);
    cr_assert_not_null(code);
    return code;
}

/* The value of `.name = "..."` in the plugin's source. */
static char *plugin_name(const char *code)
{
    const char *p = strstr(code, ".name = \"");
    const char *q;

    cr_assert_not_null(p, "the tutorial plugin sets no .name");
    p += strlen(".name = \"");
    q = strchr(p, '"');
    cr_assert_not_null(q);
    return strndup(p, (size_t)(q - p));
}

static const char page[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>Keeping bees on a city roof</title></head><body>\n"
    "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\n"
    "<article><h1>Keeping bees on a city roof</h1>\n"
    "<p>Three years ago the library put two hives on its flat roof, and "
    "the bees have done better than anyone expected, feeding on the "
    "lime trees along the avenue and the gardens behind the station.</p>\n"
    "<h2>Starting out</h2>\n"
    "<p>The first colony came from a local club, which lent the suits and "
    "a smoker, and sent an experienced keeper every week that summer to "
    "show the staff how to check the frames without hurry.</p>\n"
    "<h3>What the <em>neighbours</em> said</h3>\n"
    "<p>Nobody complained, although one office asked for the swarm "
    "season dates so that they could keep the windows closed in May and "
    "June, which seemed a fair request to everyone involved.</p>\n"
    "<h2>The first harvest</h2>\n"
    "<p>In September the hives gave eleven kilograms of honey, sold in "
    "the lobby within a day, with the money going to the children's "
    "reading programme that runs on Saturday mornings.</p>\n"
    "</article><footer>Copyright</footer></body></html>\n";

/* ------------------------------------------------------------------ */
/* The acceptance test                                                */
/* ------------------------------------------------------------------ */

Test(sdk, tutorial_plugin_builds_and_runs_from_an_install, .timeout = 60,
     .fini = remove_scratch)
{
    char stage[512], root[600], libdir[700], plugindir[800], pcdir[800];
    char home[512], work[512], userdir[600], env[4096], path[900];
    char *md, *code, *name, *out, *err = NULL;
    int rc;

    make_scratch();
    snprintf(stage, sizeof stage, "%s/stage", scratch);
    snprintf(root, sizeof root, "%s%s", stage, SDK_PREFIX);
    snprintf(libdir, sizeof libdir, "%s/%s", root, SDK_LIBDIR);
    snprintf(plugindir, sizeof plugindir, "%s/folio/plugins", libdir);
    snprintf(pcdir, sizeof pcdir, "%s/pkgconfig", libdir);
    snprintf(home, sizeof home, "%s/home", scratch);
    snprintf(work, sizeof work, "%s/work", scratch);
    snprintf(userdir, sizeof userdir, "%s/.local/lib/folio/plugins", home);

    /* 1. Install this build into the scratch folder. */
    {
        char cmd[2048];

        snprintf(cmd, sizeof cmd,
                 "'%s' install -C '%s' --destdir '%s' --no-rebuild --quiet",
                 SDK_MESON, SDK_BUILD_ROOT, stage);
        free(sh_ok("meson install", cmd));
    }

    /* Everything a plugin author and a user need is there. */
    {
        static const char *const files[] = {
            "include/folio/plugin.h", "include/folio/doc.h",
            "include/folio/error.h",  "include/folio/folio.h",
            "include/folio/version.h",
        };
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            snprintf(path, sizeof path, "%s/%s", root, files[i]);
            cr_expect(exists(path), "not installed: %s", path);
        }
        snprintf(path, sizeof path, "%s/%s/folio", root, SDK_BINDIR);
        cr_assert(exists(path), "not installed: %s", path);
        snprintf(path, sizeof path, "%s/libfolio.so.0", libdir);
        cr_expect(exists(path), "not installed: %s", path);
        snprintf(path, sizeof path, "%s/folio.pc", pcdir);
        cr_assert(exists(path), "not installed: %s", path);
        snprintf(path, sizeof path, "%s/%s/man1/folio.1", root, SDK_MANDIR);
        cr_expect(exists(path), "not installed: %s", path);
        snprintf(path, sizeof path, "%s/folio-html.so", plugindir);
        cr_assert(exists(path), "not installed: %s", path);
    }

    /* 2. pkg-config finds the installed headers and plugin folder. */
    snprintf(env, sizeof env,
             "export PKG_CONFIG_PATH='%s' PKG_CONFIG_LIBDIR='%s' "
             "PKG_CONFIG_SYSROOT_DIR='%s';",
             pcdir, pcdir, stage);
    rc = sh(&out, &err, "%s pkg-config --variable=plugindir folio", env);
    cr_assert_eq(rc, 0, "pkg-config: %s", err);
    cr_expect_str_eq(out, (snprintf(path, sizeof path, "%s\n", plugindir),
                           path));
    free(out);
    free(err);
    rc = sh(&out, &err, "%s pkg-config --cflags folio", env);
    cr_assert_eq(rc, 0, "pkg-config: %s", err);
    cr_expect(strstr(out, stage) != NULL && strstr(out, SDK_SOURCE_ROOT) ==
                                                NULL,
              "cflags must point into the install only: %s", out);
    free(out);
    free(err);

    /* 3. The tutorial's plugin, compiled exactly as the tutorial says. */
    snprintf(path, sizeof path, "%s/docs/plugins.md", SDK_SOURCE_ROOT);
    md = read_file(path);
    cr_assert_not_null(md, "cannot read %s", path);
    code = c_block(md);
    name = plugin_name(code);
    cr_assert(mkdir(work, 0700) == 0);
    snprintf(path, sizeof path, "%s/plugin.c", work);
    write_file(path, code);
    cr_assert_not_null(strstr(md, "cc -std=c11 -shared -fPIC -o "),
                       "the tutorial no longer gives the cc line");
    rc = sh(NULL, &err,
            "cd '%s' && %s cc -std=c11 -shared -fPIC -o %s.so plugin.c "
            "$(pkg-config --cflags folio)",
            work, env, name);
    cr_assert_eq(rc, 0, "the tutorial's plugin does not compile:\n%s", err);
    free(err);
    /* It is clean code too, as an example should be. */
    rc = sh(NULL, &err,
            "cd '%s' && %s cc -std=c11 -pedantic -Wall -Wextra -Werror "
            "-shared -fPIC -o strict.so plugin.c "
            "$(pkg-config --cflags folio)",
            work, env);
    cr_expect_eq(rc, 0, "the tutorial's plugin has warnings:\n%s", err);
    free(err);

    /* 4. Into the user's plugin folder. */
    {
        char cmd[2048];

        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s/%s.so' '%s/'",
                 userdir, work, name, userdir);
        free(sh_ok("copy", cmd));
    }
    snprintf(path, sizeof path, "%s/page.html", work);
    write_file(path, page);

    /* 5. The installed folio lists it and uses it. */
    snprintf(env, sizeof env,
             "env -u FOLIO_PLUGIN_PATH HOME='%s' LD_LIBRARY_PATH='%s' "
             "FOLIO_PLUGIN_PATH='%s' '%s/%s/folio'",
             home, libdir, plugindir, root, SDK_BINDIR);
    rc = sh(&out, &err, "%s --list-plugins", env);
    cr_assert_eq(rc, 0, "folio --list-plugins: %s", err);
    {
        char line[1024];

        snprintf(line, sizeof line, "\n%s ", name);
        cr_expect_not_null(strstr(out, line), "%s not listed:\n%s", name,
                           out);
        snprintf(line, sizeof line, "%s/%s.so\n", userdir, name);
        cr_expect_not_null(strstr(out, line), "%s not loaded from %s:\n%s",
                           name, userdir, out);
        cr_expect_not_null(strstr(out, "outline: depth=integer (default 6)"),
                           "options not listed:\n%s", out);
        cr_expect_null(strstr(out, "Refused"), "refused plugins:\n%s", out);
    }
    free(out);
    free(err);

    rc = sh(&out, &err, "%s -t %s '%s/page.html'", env, name, work);
    cr_assert_eq(rc, 0, "folio -t %s: %s", name, err);
    cr_expect_str_eq(out, "Keeping bees on a city roof\n"
                          "\n"
                          "  - Starting out\n"
                          "    - What the neighbours said\n"
                          "  - The first harvest\n");
    free(out);
    free(err);

    rc = sh(&out, &err, "%s -t toc -O depth=2 -O bullet='*' '%s/page.html'",
            env, work);
    cr_assert_eq(rc, 0, "folio -t toc: %s", err);
    cr_expect_str_eq(out, "Keeping bees on a city roof\n"
                          "\n"
                          "  * Starting out\n"
                          "  * The first harvest\n");
    free(out);
    free(err);

    /* An unknown key is refused with the known ones. */
    rc = sh(&out, &err, "%s -t %s -O colour=red '%s/page.html'", env, name,
            work);
    cr_expect_eq(rc, 2);
    cr_expect_not_null(strstr(err, "depth (outline)"), "%s", err);
    free(out);
    free(err);

    free(name);
    free(code);
    free(md);
}

/* ------------------------------------------------------------------ */
/* Help, failing and crashing plugins (through the build tree's folio) */
/* ------------------------------------------------------------------ */

static int folio(char **out, char **err, const char *args)
{
    return sh(out, err, "'%s' --plugin-dir '%s' %s", getenv("FOLIO_EXE"),
              SDK_BAD_DIR, args);
}

Test(sdk, help_plugin_prints_description_and_options,
     .init = make_scratch, .fini = remove_scratch)
{
    char *out, *err;
    int rc = folio(&out, &err, "--help-plugin gemtext");

    cr_assert_eq(rc, 0, "%s", err);
    cr_expect_not_null(strstr(out, "gemtext 0.1.0: output plugin\n"), "%s",
                       out);
    cr_expect_not_null(strstr(out, "Gemini gemtext"), "%s", out);
    cr_expect_not_null(strstr(out, "Formats:  gemtext, gemini, gmi, "
                                   "text/gemini\n"), "%s", out);
    cr_expect_not_null(strstr(out, "  links=paragraph|end (default "
                                   "paragraph)\n      where link lines go"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "  title=true|false (default true)\n"),
                       "%s", out);
    free(err);

    /* -t NAME --help says the same; a format name works too. */
    {
        char *out2;

        rc = folio(&out2, &err, "-t gmi --help");
        cr_assert_eq(rc, 0, "%s", err);
        cr_expect_str_eq(out2, out);
        free(out2);
        free(err);
    }
    free(out);

    rc = folio(&out, &err, "-t no-such-thing --help");
    cr_expect_eq(rc, 2);
    cr_expect_not_null(strstr(err, "no-such-thing: unknown output format"),
                       "%s", err);
    free(out);
    free(err);

    rc = folio(&out, &err, "--help-plugin no-such-thing");
    cr_expect_eq(rc, 2);
    cr_expect_not_null(strstr(err, "no-such-thing: no such plugin"), "%s",
                       err);
    free(out);
    free(err);
}

Test(sdk, failing_plugin_leaves_no_partial_output, .init = make_scratch,
     .fini = remove_scratch)
{
    char *out, *err, args[1024], target[512];
    int rc;

    snprintf(target, sizeof target, "%s/page.txt", scratch);
    snprintf(args, sizeof args, "%s/page.html", scratch);
    write_file(args, page);

    /* To standard output: nothing at all. */
    snprintf(args, sizeof args, "-t sdkfail '%s/page.html'", scratch);
    rc = folio(&out, &err, args);
    cr_expect_eq(rc, 1);
    cr_expect_str_eq(out, "");
    cr_expect_not_null(strstr(err, "gave up half way"), "%s", err);
    free(out);
    free(err);

    /* To a file: none created, no temporary left behind. */
    snprintf(args, sizeof args, "-t sdkfail -o '%s' '%s/page.html'", target,
             scratch);
    rc = folio(&out, &err, args);
    cr_expect_eq(rc, 1);
    cr_expect(!exists(target), "partial output file written");
    free(out);
    free(err);
    rc = sh(&out, NULL, "ls -A '%s'", scratch);
    cr_expect_str_eq(out, ".stderr\n.stdout\npage.html\n");
    free(out);

    /* An existing file is left as it was. */
    write_file(target, "before\n");
    rc = folio(&out, &err, args);
    cr_expect_eq(rc, 1);
    free(out);
    free(err);
    out = read_file(target);
    cr_expect_str_eq(out, "before\n");
    free(out);
}

Test(sdk, crashing_plugin_is_named, .init = make_scratch,
     .fini = remove_scratch)
{
    char *out, *err, args[1024], target[512];
    int rc;

    snprintf(args, sizeof args, "%s/page.html", scratch);
    write_file(args, page);
    snprintf(target, sizeof target, "%s/page.txt", scratch);
    snprintf(args, sizeof args, "-t sdkcrash -o '%s' '%s/page.html'",
             target, scratch);
    rc = folio(&out, &err, args);
    cr_expect_eq(rc, 128 + SIGSEGV, "exit %d", rc);
    snprintf(args, sizeof args,
             "folio: %s/page.html: plugin sdkcrash crashed while writing "
             "(signal %d)\n",
             scratch, SIGSEGV);
    cr_expect_not_null(strstr(err, args), "stderr: %s", err);
    cr_expect(!exists(target), "partial output file written");
    free(out);
    free(err);

    /* With --jobs the crash happens in a worker thread: still named. */
    snprintf(args, sizeof args, "-j 2 -t sdkcrash -o '%s/out/' '%s/page.html' "
             "'%s/page.html'", scratch, scratch, scratch);
    rc = folio(&out, &err, args);
    cr_expect_eq(rc, 128 + SIGSEGV, "exit %d", rc);
    snprintf(args, sizeof args,
             "folio: %s/page.html: plugin sdkcrash crashed while writing "
             "(signal %d)\n",
             scratch, SIGSEGV);
    cr_expect_not_null(strstr(err, args), "stderr: %s", err);
    free(out);
    free(err);
}
