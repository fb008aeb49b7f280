/* SPDX-License-Identifier: MIT */
/*
 * The registry against the test plugins built in this folder (see
 * abi_plugin.c and meson.build): each broken plugin is refused with a
 * message naming the file and the problem, and the good ones still load.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folio/folio.h"

#define DIR_ ABI_PLUGIN_DIR

/* Good plugins in the folder: three inputs and one output. */
#define N_LOADED 5
/* Refused files: every variant but good, second, out and dup-a, plus
 * the text file named folio-abi-garbage.so. */
#define N_REFUSED 15

static folio_registry *reg;

static folio_registry *load(const char *const *dirs, size_t n)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    ro.dirs = dirs;
    ro.n_dirs = n;
    ro.only_dirs = true;
    folio_registry *r = NULL;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_OK);
    cr_assert_not_null(r);
    return r;
}

/* The test environment points FOLIO_PLUGIN_PATH at the real plugins;
 * these tests must see the test folder alone. */
static void setup(void)
{
    unsetenv("FOLIO_PLUGIN_PATH");
    static const char *const dirs[] = { DIR_ };
    reg = load(dirs, 1);
}

static void teardown(void)
{
    folio_registry_free(reg);
    reg = NULL;
}

static char expected[1024];

/* The failure message for the file folio-abi-<variant>.so. */
static const char *failure_of(const char *variant)
{
    char base[256];
    snprintf(base, sizeof base, "folio-abi-%s.so", variant);
    const char *msg = folio_registry_failure_for(reg, base);
    cr_assert_not_null(msg, "no failure recorded for %s", base);
    return msg;
}

static void assert_failure(const char *variant, const char *problem)
{
    snprintf(expected, sizeof expected, DIR_ "/folio-abi-%s.so: %s", variant,
             problem);
    cr_assert_str_eq(failure_of(variant), expected);
}

TestSuite(abi, .init = setup, .fini = teardown);

Test(abi, good_plugins_load_sorted_by_kind_then_name)
{
    cr_assert_eq(folio_registry_count(reg), N_LOADED);
    static const char *const names[] = {
        "abidup", "abigood", "abisecond", "abiold", "abiout",
    };
    for (size_t i = 0; i < N_LOADED; i++) {
        const folio_plugin *p = folio_registry_at(reg, i);
        cr_assert_not_null(p);
        cr_assert_str_eq(p->name, names[i]);
        cr_assert_eq(p->kind, i < 3 ? FOLIO_PLUGIN_INPUT
                                    : FOLIO_PLUGIN_OUTPUT);
        cr_assert_eq(folio_registry_path_of(reg, p),
                     folio_registry_path_at(reg, i));
    }
    cr_assert_null(folio_registry_at(reg, N_LOADED));
    cr_assert_null(folio_registry_path_at(reg, N_LOADED));
    cr_assert_str_eq(folio_registry_path_at(reg, 1),
                     DIR_ "/folio-abi-good.so");
}

Test(abi, plugin_built_for_1_0_loads_with_zero_flags)
{
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "abiold");
    cr_assert_not_null(p);
    cr_assert_eq(p->abi_minor, 0);
    cr_assert_eq(p->output->flags, 0u);
    cr_assert_eq(p->output->size, sizeof(folio_output_ops));
    p = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "abiout");
    cr_assert_eq(p->output->flags, 0u);
}

Test(abi, every_broken_file_is_refused_once)
{
    cr_assert_eq(folio_registry_failure_count(reg), N_REFUSED);
    for (size_t i = 0; i < N_REFUSED; i++) {
        const char *msg = folio_registry_failure_at(reg, i);
        cr_assert_not_null(msg);
        /* Every message starts with the file it is about. */
        cr_assert_eq(strncmp(msg, DIR_ "/folio-abi-", strlen(DIR_) + 11), 0,
                     "%s", msg);
    }
    cr_assert_null(folio_registry_failure_at(reg, N_REFUSED));
}

Test(abi, wrong_major_is_refused)
{
    char problem[128];
    snprintf(problem, sizeof problem, "built for ABI 2.0, host provides "
             "%d.%d", FOLIO_ABI_MAJOR, FOLIO_ABI_MINOR);
    assert_failure("major2", problem);
}

Test(abi, newer_minor_is_refused)
{
    char problem[128];
    snprintf(problem, sizeof problem, "built for ABI %d.99, host provides "
             "%d.%d", FOLIO_ABI_MAJOR, FOLIO_ABI_MAJOR, FOLIO_ABI_MINOR);
    assert_failure("minor99", problem);
}

Test(abi, older_major_is_refused)
{
    char problem[128];
    snprintf(problem, sizeof problem, "built for ABI 0.9, host provides "
             "%d.%d", FOLIO_ABI_MAJOR, FOLIO_ABI_MINOR);
    assert_failure("major0", problem);
}

Test(abi, missing_entry_symbol_is_refused)
{
    assert_failure("noentry", "not a folio plugin (no folio_plugin_entry)");
}

Test(abi, null_descriptor_is_refused)
{
    assert_failure("nullentry", "folio_plugin_entry returned no descriptor");
}

Test(abi, short_descriptor_is_refused)
{
    char problem[128];
    snprintf(problem, sizeof problem, "plugin descriptor is %zu bytes, this "
             "host needs at least %zu", offsetof(folio_plugin, name),
             offsetof(folio_plugin, output) + sizeof(void *));
    assert_failure("short", problem);
}

Test(abi, short_ops_table_is_refused)
{
    char problem[160];
    snprintf(problem, sizeof problem, "output plugin abishortops: output "
             "table is %zu bytes, this host needs at least %zu",
             offsetof(folio_output_ops, write),
             offsetof(folio_output_ops, write) + sizeof(void *));
    assert_failure("shortops", problem);
}

Test(abi, output_without_write_is_refused)
{
    assert_failure("nowrite", "output plugin abinowrite has no write "
                   "function");
}

Test(abi, input_without_probe_is_refused)
{
    assert_failure("noprobe", "input plugin abinoprobe has no probe "
                   "function");
}

Test(abi, duplicate_name_names_both_files)
{
    assert_failure("dup-b", "plugin abidup is already loaded from "
                   DIR_ "/folio-abi-dup-a.so");
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                "abidup");
    cr_assert_not_null(p);
    cr_assert_str_eq(folio_registry_path_of(reg, p),
                     DIR_ "/folio-abi-dup-a.so");
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "abidup"));
}

Test(abi, failing_init_keeps_its_message)
{
    assert_failure("initfail", "plugin abiinitfail failed to initialise: "
                   "libexample is missing");
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                       "abiinitfail"));
}

Test(abi, invalid_name_is_refused)
{
    assert_failure("badname", "invalid plugin name \"Bad Name\" (use 1 to "
                   "64 of a-z, 0-9, '_' and '-')");
}

Test(abi, missing_name_is_refused)
{
    assert_failure("noname", "plugin has no name");
}

Test(abi, unknown_kind_is_refused)
{
    assert_failure("badkind", "plugin abibadkind has unknown kind 7");
}

Test(abi, non_elf_file_reports_dlopen_error)
{
    const char *msg = failure_of("garbage");
    const char *prefix = DIR_ "/folio-abi-garbage.so: ";
    cr_assert_eq(strncmp(msg, prefix, strlen(prefix)), 0, "%s", msg);
    /* dlerror's text follows, not doubled path. */
    cr_assert_gt(strlen(msg), strlen(prefix));
    cr_assert_null(strstr(msg + strlen(prefix), DIR_ "/folio-abi-garbage"),
                   "%s", msg);
}

Test(abi, failure_for_matches_basename_only)
{
    cr_assert_null(folio_registry_failure_for(reg, "good"));
    cr_assert_null(folio_registry_failure_for(reg, "nonexistent"));
    cr_assert_null(folio_registry_failure_for(reg, ""));
    cr_assert_null(folio_registry_failure_for(reg, NULL));
    /* The folder part of the path never matches. */
    cr_assert_null(folio_registry_failure_for(reg, "tests/abi"));
    cr_assert_not_null(folio_registry_failure_for(reg, "INITFAIL"));
}

Test(abi, find_by_name_and_format)
{
    const folio_plugin *out = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                                  "ABIOUT");
    cr_assert_not_null(out);
    cr_assert_str_eq(out->name, "abiout");
    cr_assert_eq(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "text/X-ABI"),
                 out);
    cr_assert_not_null(out->output);
    cr_assert_null(out->input, "an output plugin exposes no input ops");
    cr_assert_str_eq(out->output->extension, "abi");
    /* Names beat formats; among formats, registry order decides. */
    const folio_plugin *in = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                 "abisecond");
    cr_assert_str_eq(in->name, "abisecond");
    in = folio_registry_find(reg, FOLIO_PLUGIN_INPUT, "abi");
    cr_assert_str_eq(in->name, "abidup");
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_INPUT, "nothing"));
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_INPUT, NULL));
}

/* Frees `r` and returns (in buf) the names its plugins' fini wrote, one
 * per line, in the order they ran. */
static void free_and_read_fini(folio_registry *r, char *buf, size_t cap)
{
    char mark[] = "/tmp/folio-abi-fini-XXXXXX";
    int fd = mkstemp(mark);
    cr_assert_geq(fd, 0);
    close(fd);
    setenv("FOLIO_ABI_FINI_MARK", mark, 1);
    folio_registry_free(r);
    unsetenv("FOLIO_ABI_FINI_MARK");

    FILE *f = fopen(mark, "r");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(mark);
}

Test(abi, fini_runs_for_loaded_plugins_only)
{
    char buf[512];
    free_and_read_fini(reg, buf, sizeof buf);
    reg = NULL;
    /* Reverse registry order. */
    cr_assert_str_eq(buf, "abiout\nabiold\nabisecond\nabigood\nabidup\n");
}

/* ------------------------------------------------------------------ */
/* Search path                                                        */
/* ------------------------------------------------------------------ */

static void no_setup(void)
{
    unsetenv("FOLIO_PLUGIN_PATH");
}

Test(abi_path, env_path_finds_plugins, .init = no_setup)
{
    setenv("FOLIO_PLUGIN_PATH", "::" DIR_ ":", 1);
    folio_registry *r = load(NULL, 0);
    cr_assert_eq(folio_registry_count(r), N_LOADED);
    cr_assert_eq(folio_registry_failure_count(r), N_REFUSED);
    folio_registry_free(r);
}

Test(abi_path, relative_env_entries_are_ignored, .init = no_setup)
{
    setenv("FOLIO_PLUGIN_PATH", "relative/dir:" DIR_, 1);
    folio_registry *r = load(NULL, 0);
    cr_assert_eq(folio_registry_count(r), N_LOADED);
    cr_assert_eq(folio_registry_failure_count(r), N_REFUSED + 1);
    cr_assert_str_eq(folio_registry_failure_at(r, 0),
                     "FOLIO_PLUGIN_PATH: ignored relative folder "
                     "\"relative/dir\" (only absolute folders are searched)");
    /* A path problem is not a refused file. */
    cr_assert_null(folio_registry_failure_for(r, "relative"));
    folio_registry_free(r);
}

Test(abi_path, same_folder_twice_loads_once, .init = no_setup)
{
    setenv("FOLIO_PLUGIN_PATH", DIR_ "/../abi", 1);
    static const char *const dirs[] = { DIR_, DIR_ "/" };
    folio_registry *r = load(dirs, 2);
    cr_assert_eq(folio_registry_count(r), N_LOADED);
    cr_assert_eq(folio_registry_failure_count(r), N_REFUSED);
    folio_registry_free(r);
}

Test(abi_path, missing_dir_option_is_reported, .init = no_setup)
{
    static const char *const dirs[] = { "/nonexistent/folio-test", DIR_ };
    folio_registry *r = load(dirs, 2);
    cr_assert_eq(folio_registry_count(r), N_LOADED);
    cr_assert_str_eq(folio_registry_failure_at(r, 0),
                     "/nonexistent/folio-test: cannot open plugin folder: "
                     "No such file or directory");
    folio_registry_free(r);
}

Test(abi_path, only_dirs_without_dirs_is_empty, .init = no_setup)
{
    folio_registry *r = load(NULL, 0);
    cr_assert_eq(folio_registry_count(r), 0);
    cr_assert_eq(folio_registry_failure_count(r), 0);
    cr_assert_null(folio_registry_find(r, FOLIO_PLUGIN_INPUT, "html"));
    folio_registry_free(r);
}

Test(abi_path, bad_options_are_rejected, .init = no_setup)
{
    folio_registry *r = (folio_registry *)&r;
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    cr_assert_eq(folio_registry_new(NULL, &ro), FOLIO_EINVALID);

    ro.version = 99;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_EINVALID);
    cr_assert_null(r);

    static const char *const empty[] = { "" };
    ro.version = FOLIO_REGISTRY_OPTIONS_VERSION;
    ro.dirs = empty;
    ro.n_dirs = 1;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_EINVALID);

    ro.dirs = NULL;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_EINVALID);
    folio_registry_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

static const folio_plugin *good(void)
{
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                "abigood");
    cr_assert_not_null(p);
    return p;
}

Test(abi, check_option_unknown_key_lists_known_keys)
{
    char msg[256];
    cr_assert_eq(folio_plugin_check_option(good(), "colour", "red", msg,
                                           sizeof msg), FOLIO_ENOTFOUND);
    cr_assert_str_eq(msg, "abigood has no option \"colour\" (known: mode, "
                     "count, strict, label)");
}

Test(abi, check_option_values_by_type)
{
    char msg[256];
    const folio_plugin *p = good();
    cr_assert_eq(folio_plugin_check_option(p, "mode", "slow", msg,
                                           sizeof msg), FOLIO_OK);
    cr_assert_str_eq(msg, "");
    cr_assert_eq(folio_plugin_check_option(p, "mode", "medium", msg,
                                           sizeof msg), FOLIO_EINVALID);
    cr_assert_str_eq(msg, "abigood option mode takes one of fast|slow, not "
                     "\"medium\"");
    /* "fas" is a prefix of a choice, not a choice. */
    cr_assert_eq(folio_plugin_check_option(p, "mode", "fas", msg,
                                           sizeof msg), FOLIO_EINVALID);

    cr_assert_eq(folio_plugin_check_option(p, "count", "-12", msg,
                                           sizeof msg), FOLIO_OK);
    cr_assert_eq(folio_plugin_check_option(p, "count", "12x", msg,
                                           sizeof msg), FOLIO_EINVALID);
    cr_assert_str_eq(msg, "abigood option count takes an integer, not "
                     "\"12x\"");
    cr_assert_eq(folio_plugin_check_option(p, "count", "", msg, sizeof msg),
                 FOLIO_EINVALID);
    cr_assert_eq(folio_plugin_check_option(p, "count",
                                           "99999999999999999999999", msg,
                                           sizeof msg), FOLIO_EINVALID);

    cr_assert_eq(folio_plugin_check_option(p, "strict", "YES", msg,
                                           sizeof msg), FOLIO_OK);
    cr_assert_eq(folio_plugin_check_option(p, "strict", "0", msg,
                                           sizeof msg), FOLIO_OK);
    cr_assert_eq(folio_plugin_check_option(p, "strict", "maybe", msg,
                                           sizeof msg), FOLIO_EINVALID);
    cr_assert(strstr(msg, "takes true or false") != NULL, "%s", msg);

    cr_assert_eq(folio_plugin_check_option(p, "label", "any text", msg,
                                           sizeof msg), FOLIO_OK);
    cr_assert_eq(folio_plugin_check_option(p, "label", NULL, msg,
                                           sizeof msg), FOLIO_EINVALID);
    cr_assert_str_eq(msg, "abigood option label needs a value");
}

Test(abi, check_option_truncates_message)
{
    char msg[12];
    memset(msg, 'x', sizeof msg);
    cr_assert_eq(folio_plugin_check_option(good(), "colour", "red", msg,
                                           sizeof msg), FOLIO_ENOTFOUND);
    cr_assert_str_eq(msg, "abigood has");
    cr_assert_eq(folio_plugin_check_option(good(), "colour", "red", NULL, 0),
                 FOLIO_ENOTFOUND);
}

/* ------------------------------------------------------------------ */
/* Jobs with loaded plugins                                           */
/* ------------------------------------------------------------------ */

static folio_job *job_for(const char *path)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.input_path = path;
    folio_job *job = folio_job_new(reg, &jo);
    cr_assert_not_null(job);
    return job;
}

#define BYTES(s) ((const unsigned char *)(s)), (sizeof(s) - 1)

Test(abi, sniff_picks_highest_score_then_registry_order)
{
    folio_job *job = job_for(NULL);
    const folio_plugin *p = folio_job_sniff(job, BYTES("ABISECOND page"));
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "abisecond");
    /* abidup, abigood and abisecond all score 70: the first wins. */
    p = folio_job_sniff(job, BYTES("ABIGOOD page"));
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "abidup");
    cr_assert_null(folio_job_sniff(job, BYTES("something else")));
    folio_job_free(job);
}

Test(abi, read_unrecognised_input)
{
    folio_job *job = job_for(NULL);
    cr_assert_eq(folio_job_read(job, NULL, BYTES("something else")),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "-: not a recognised input format");
    cr_assert_eq(folio_job_doc_count(job), 0);
    folio_job_free(job);
}

Test(abi, read_reports_through_the_plugin_prefix)
{
    folio_job *job = job_for("page.abi");
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                "abigood");
    cr_assert_eq(folio_job_read(job, p, BYTES("ABIGOOD page")),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "page.abi: abigood: cannot read "
                     "this");
    cr_assert_eq(folio_job_warning_count(job), 1);
    cr_assert_str_eq(folio_job_warning_at(job, 0),
                     "page.abi: abigood: mode is fast");
    folio_job_free(job);
}

Test(abi, read_sees_options_set_on_the_job)
{
    folio_job *job = job_for("page.abi");
    cr_assert_eq(folio_job_set_option(job, "mode", "slow"), FOLIO_OK);
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                "abigood");
    folio_job_read(job, p, BYTES("ABIGOOD page"));
    cr_assert_str_eq(folio_job_warning_at(job, 0),
                     "page.abi: abigood: mode is slow");
    folio_job_free(job);
}

Test(abi, read_imports_through_the_host)
{
    folio_job *job = job_for("page.abi");
    const folio_plugin *p = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                "abigood");
    int rc = folio_job_read(job, p, BYTES("ABIGOOD-OK"));
    cr_assert_eq(rc, FOLIO_OK, "%s", folio_job_error(job));
    cr_assert_eq(folio_job_doc_count(job), 1);
    cr_assert_not_null(folio_job_doc(job, 0));
    folio_job_free(job);
}

Test(abi, read_respects_max_input)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    jo.input_path = "big.abi";
    jo.max_input = 4;
    folio_job *job = folio_job_new(reg, &jo);
    cr_assert_eq(folio_job_read(job, NULL, BYTES("ABIGOOD page")),
                 FOLIO_ELIMIT);
    cr_assert_str_eq(folio_job_error(job), "big.abi: input is 12 bytes, over "
                     "the limit of 4 bytes");
    cr_assert_eq(folio_job_warning_count(job), 0, "the plugin never ran");
    folio_job_free(job);
}

typedef struct sink {
    char buf[64];
    size_t len;
    bool fail;
} sink;

static int sink_write(void *ctx, const char *bytes, size_t len)
{
    sink *s = ctx;
    if (s->fail || len > sizeof s->buf - 1 - s->len)
        return -1;
    memcpy(s->buf + s->len, bytes, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return 0;
}

Test(abi, write_with_loaded_output)
{
    folio_job *job = job_for("page.abi");
    folio_doc *doc = folio_doc_new();
    cr_assert_not_null(doc);
    const folio_plugin *out = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                                  "abi");
    sink s = { "", 0, false };
    cr_assert_eq(folio_job_write(job, out, doc, sink_write, &s), FOLIO_OK);
    cr_assert_str_eq(s.buf, "ok\n");

    /* The plugin returns FOLIO_EUSER on a failed sink; the host says EIO
     * and keeps its own, earlier message. */
    s.fail = true;
    cr_assert_eq(folio_job_write(job, out, doc, sink_write, &s), FOLIO_EIO);
    cr_assert_str_eq(folio_job_error(job), "page.abi: cannot write the "
                     "output");

    /* An input plugin cannot write. */
    const folio_plugin *in = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                 "abigood");
    cr_assert_eq(folio_job_write(job, in, doc, sink_write, &s),
                 FOLIO_EINVALID);
    folio_doc_free(doc);
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Lazy registries (tests/abi/lazy)                                   */
/* ------------------------------------------------------------------ */

#define LAZY_DIR ABI_LAZY_DIR

static folio_registry *load_lazy(bool lazy)
{
    static const char *const dirs[] = { LAZY_DIR };
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    ro.dirs = dirs;
    ro.n_dirs = 1;
    ro.only_dirs = true;
    ro.lazy = lazy;
    folio_registry *r = NULL;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_OK);
    return r;
}

Test(abi_lazy, outputs_with_a_manifest_load_when_found, .init = no_setup)
{
    folio_registry *r = load_lazy(true);

    /* Only the plugins without a usable manifest are loaded so far. */
    cr_assert_eq(folio_registry_count(r), 2);
    cr_assert_str_eq(folio_registry_at(r, 0)->name, "abiodd");
    cr_assert_str_eq(folio_registry_at(r, 1)->name, "abiplain");
    cr_assert_eq(folio_registry_failure_count(r), 0);

    const folio_plugin *p = folio_registry_find(r, FOLIO_PLUGIN_OUTPUT,
                                                "ABILAZY");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "abilazy");
    cr_assert_not_null(p->output);
    cr_assert_not_null(p->output->write);
    cr_assert_eq(folio_registry_count(r), 3);
    cr_assert_eq(folio_registry_at(r, 2), p, "appended, not sorted in");
    cr_assert_str_eq(folio_registry_path_of(r, p),
                     LAZY_DIR "/folio-abi-lazy.so");
    cr_assert_eq(folio_registry_find(r, FOLIO_PLUGIN_OUTPUT, "abilazy"), p);
    /* An input lookup never loads an output plugin. */
    cr_assert_null(folio_registry_find(r, FOLIO_PLUGIN_INPUT,
                                       "abilazywrong"));
    cr_assert_eq(folio_registry_count(r), 3);
    folio_registry_free(r);
}

Test(abi_lazy, manifest_must_match_the_descriptor, .init = no_setup)
{
    folio_registry *r = load_lazy(true);

    /* Found by a format only its manifest lists: loaded, then refused. */
    cr_assert_null(folio_registry_find(r, FOLIO_PLUGIN_OUTPUT,
                                       "text/x-other"));
    cr_assert_eq(folio_registry_failure_count(r), 1);
    cr_assert_str_eq(folio_registry_failure_for(r, "lazywrong"),
                     LAZY_DIR "/folio-abi-lazywrong.so: plugin abilazywrong: "
                     "its manifest does not match its descriptor (kind, "
                     "name or formats)");
    /* Tried once: no longer waiting. */
    cr_assert_null(folio_registry_find(r, FOLIO_PLUGIN_OUTPUT,
                                       "abilazywrong"));
    cr_assert_eq(folio_registry_failure_count(r), 1);
    folio_registry_free(r);
}

Test(abi_lazy, load_all_gives_the_eager_list, .init = no_setup)
{
    folio_registry *lazy = load_lazy(true);
    folio_registry *eager = load_lazy(false);

    cr_assert_eq(folio_registry_load_all(lazy), FOLIO_OK);
    cr_assert_eq(folio_registry_load_all(eager), FOLIO_OK);
    /* Both refuse the plugin whose manifest is wrong. */
    cr_assert_eq(folio_registry_count(eager), 3);
    cr_assert_eq(folio_registry_count(lazy), 3);
    cr_assert_eq(folio_registry_failure_count(eager), 1);
    cr_assert_eq(folio_registry_failure_count(lazy), 1);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(folio_registry_at(lazy, i)->name,
                         folio_registry_at(eager, i)->name);
    cr_assert_str_eq(folio_registry_at(lazy, 0)->name, "abilazy");
    cr_assert_str_eq(folio_registry_at(lazy, 1)->name, "abiodd");
    cr_assert_str_eq(folio_registry_at(lazy, 2)->name, "abiplain");
    folio_registry_free(lazy);
    folio_registry_free(eager);
}

Test(abi_lazy, plugins_never_found_are_never_initialised, .init = no_setup)
{
    char buf[256];
    free_and_read_fini(load_lazy(true), buf, sizeof buf);
    /* Reverse registry order; abilazy and abilazywrong never ran. */
    cr_assert_str_eq(buf, "abiplain\nabiodd\n");
}

Test(abi_lazy, version_1_options_are_still_accepted, .init = no_setup)
{
    static const char *const dirs[] = { LAZY_DIR };
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    ro.version = 1;
    ro.dirs = dirs;
    ro.n_dirs = 1;
    ro.only_dirs = true;
    ro.lazy = true; /* not part of version 1: ignored */
    folio_registry *r = NULL;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_OK);
    cr_assert_eq(folio_registry_count(r), 3);
    cr_assert_eq(folio_registry_failure_count(r), 1);
    folio_registry_free(r);
}
