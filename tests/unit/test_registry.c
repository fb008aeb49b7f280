/* SPDX-License-Identifier: MIT */
/*
 * The registry with the real plugins of this build (html, markdown,
 * json), found through FOLIO_PLUGIN_PATH as set by tests/meson.build.
 * The broken-plugin cases live in tests/abi.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"

static folio_registry *reg;

static void setup(void)
{
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    /* Only FOLIO_PLUGIN_PATH: plugins the user installed must not
     * change the result. */
    ro.only_dirs = true;
    cr_assert_not_null(getenv("FOLIO_PLUGIN_PATH"),
                       "run through meson test");
    cr_assert_eq(folio_registry_new(&reg, &ro), FOLIO_OK);
}

static void teardown(void)
{
    folio_registry_free(reg);
    reg = NULL;
}

TestSuite(registry, .init = setup, .fini = teardown);

static bool ends_with(const char *s, const char *end)
{
    size_t a = strlen(s), b = strlen(end);
    return a >= b && strcmp(s + a - b, end) == 0;
}

Test(registry, loads_build_plugins_without_failures)
{
    for (size_t i = 0; i < folio_registry_failure_count(reg); i++)
        cr_log_error("%s", folio_registry_failure_at(reg, i));
    cr_assert_eq(folio_registry_failure_count(reg), 0);
    cr_assert_geq(folio_registry_count(reg), 3);
}

Test(registry, sorted_by_kind_then_name)
{
    size_t n = folio_registry_count(reg);
    for (size_t i = 1; i < n; i++) {
        const folio_plugin *a = folio_registry_at(reg, i - 1);
        const folio_plugin *b = folio_registry_at(reg, i);
        cr_assert(a->kind < b->kind ||
                  (a->kind == b->kind && strcmp(a->name, b->name) < 0),
                  "%s before %s", a->name, b->name);
    }
}

Test(registry, find_by_name_case_insensitive)
{
    const folio_plugin *html = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                   "HTML");
    cr_assert_not_null(html);
    cr_assert_str_eq(html->name, "html");
    cr_assert_eq(html->kind, FOLIO_PLUGIN_INPUT);
    cr_assert_not_null(html->input);
    cr_assert_not_null(html->input->probe);
    cr_assert(ends_with(folio_registry_path_of(reg, html),
                        "/plugins/html/folio-html.so"));

    const folio_plugin *json = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                                   "Json");
    cr_assert_not_null(json);
    cr_assert_str_eq(json->name, "json");
    cr_assert(ends_with(folio_registry_path_of(reg, json),
                        "/plugins/json/folio-json.so"));
}

Test(registry, find_by_format)
{
    const folio_plugin *md = folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                                 "markdown");
    cr_assert_not_null(md);
    cr_assert_eq(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "md"), md);
    cr_assert_eq(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                     "text/markdown"), md);
    cr_assert_eq(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT,
                                     "TEXT/Markdown"), md);
    const folio_plugin *html = folio_registry_find(reg, FOLIO_PLUGIN_INPUT,
                                                   "text/html");
    cr_assert_not_null(html);
    cr_assert_str_eq(html->name, "html");
}

Test(registry, find_respects_kind)
{
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_INPUT, "markdown"));
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "html"));
    cr_assert_null(folio_registry_find(reg, FOLIO_PLUGIN_OUTPUT, "nope"));
    cr_assert_null(folio_registry_failure_for(reg, "markdown"));
}

Test(registry, path_of_foreign_descriptor_is_null)
{
    static const folio_plugin other = { .name = "html" };
    cr_assert_null(folio_registry_path_of(reg, &other));
    cr_assert_null(folio_registry_path_of(reg, NULL));
}

/* The message for an unknown key lists every option the plugin has. */
static void check_unknown_key(const char *name, folio_plugin_kind kind)
{
    const folio_plugin *p = folio_registry_find(reg, kind, name);
    cr_assert_not_null(p, "%s", name);
    char msg[512];
    cr_assert_eq(folio_plugin_check_option(p, "no-such-key", "1", msg,
                                           sizeof msg), FOLIO_ENOTFOUND);
    char head[128];
    snprintf(head, sizeof head, "%s has no option \"no-such-key\" (", name);
    cr_assert_eq(strncmp(msg, head, strlen(head)), 0, "%s", msg);
    if (p->options == NULL || p->options[0].name == NULL) {
        cr_assert_str_eq(msg + strlen(head), "it takes no options)");
        return;
    }
    cr_assert_eq(strncmp(msg + strlen(head), "known: ", 7), 0, "%s", msg);
    for (const folio_option *o = p->options; o->name != NULL; o++) {
        cr_assert_not_null(strstr(msg, o->name), "%s lacks %s", msg,
                           o->name);
        /* And every declared option with its default is accepted. */
        char why[256];
        if (o->default_value != NULL)
            cr_assert_eq(folio_plugin_check_option(p, o->name,
                                                   o->default_value, why,
                                                   sizeof why),
                         FOLIO_OK, "%s=%s: %s", o->name, o->default_value,
                         why);
    }
}

Test(registry, check_option_lists_known_keys)
{
    check_unknown_key("html", FOLIO_PLUGIN_INPUT);
    check_unknown_key("markdown", FOLIO_PLUGIN_OUTPUT);
    check_unknown_key("json", FOLIO_PLUGIN_OUTPUT);
}

Test(registry, sniff_with_real_plugins)
{
    folio_job *job = folio_job_new(reg, NULL);
    cr_assert_not_null(job);
    static const char page[] = "<!DOCTYPE html><html><head><title>x</title>"
                               "</head><body><p>hi</p></body></html>";
    const folio_plugin *p = folio_job_sniff(job, (const unsigned char *)page,
                                            sizeof page - 1);
    cr_assert_not_null(p);
    cr_assert_str_eq(p->name, "html");
    static const unsigned char binary[] = { 0x00, 0x01, 0x02, 0xff, 0xfe };
    cr_assert_null(folio_job_sniff(job, binary, sizeof binary));
    cr_assert_eq(folio_job_read(job, NULL, binary, sizeof binary),
                 FOLIO_EUNSUPPORTED);
    cr_assert_str_eq(folio_job_error(job), "-: not a recognised input format");
    folio_job_free(job);
}

/* The test programs live in the build tree, so without only_dirs and
 * without FOLIO_PLUGIN_PATH the registry still finds this build's
 * plugins. */
Test(registry_search, build_tree_plugins_found_from_build_tree)
{
    unsetenv("FOLIO_PLUGIN_PATH");
    folio_registry *r = NULL;
    cr_assert_eq(folio_registry_new(&r, NULL), FOLIO_OK);
    const folio_plugin *html = folio_registry_find(r, FOLIO_PLUGIN_INPUT,
                                                   "html");
    cr_assert_not_null(html);
    const char *builddir = getenv("FOLIO_TEST_BUILDDIR");
    cr_assert_not_null(builddir);
    /* FOLIO_TEST_BUILDDIR is <build>/tests; the plugin is in
     * <build>/plugins/html/. */
    const char *path = folio_registry_path_of(r, html);
    size_t root_len = strlen(builddir) - strlen("/tests");
    cr_assert_eq(strncmp(path, builddir, root_len), 0, "%s", path);
    cr_assert_str_eq(path + root_len, "/plugins/html/folio-html.so");
    folio_registry_free(r);
}

Test(registry_search, only_dirs_skips_build_tree)
{
    unsetenv("FOLIO_PLUGIN_PATH");
    folio_registry_options ro = FOLIO_REGISTRY_OPTIONS_INIT;
    ro.only_dirs = true;
    folio_registry *r = NULL;
    cr_assert_eq(folio_registry_new(&r, &ro), FOLIO_OK);
    cr_assert_eq(folio_registry_count(r), 0);
    folio_registry_free(r);
}
