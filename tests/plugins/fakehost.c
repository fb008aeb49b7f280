/* SPDX-License-Identifier: MIT */
/* A fake folio_host for plugin tests; see fakehost.h. */
#include "fakehost.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fake_job *job_of(folio_job *job)
{
    return (fake_job *)(void *)job;
}

static void *fake_alloc(folio_job *job, size_t n)
{
    fake_job *fj = job_of(job);
    if (fj->fail_alloc_after != 0 && fj->n_allocs + 1 >= fj->fail_alloc_after)
        return NULL;
    if (fj->n_allocs == fj->cap_allocs) {
        size_t cap = fj->cap_allocs != 0 ? fj->cap_allocs * 2 : 16;
        void **a = realloc(fj->allocs, cap * sizeof *a);
        if (a == NULL)
            return NULL;
        fj->allocs = a;
        fj->cap_allocs = cap;
    }
    void *p = calloc(1, n != 0 ? n : 1);
    if (p != NULL)
        fj->allocs[fj->n_allocs++] = p;
    return p;
}

static char *fake_strndup(folio_job *job, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = fake_alloc(job, len + 1);
    if (p != NULL)
        memcpy(p, s, len);
    return p;
}

FOLIO_PRINTF(3, 4)
static int fake_error(folio_job *job, int code, const char *fmt, ...)
{
    fake_job *fj = job_of(job);
    if (fj->error_code == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(fj->error, sizeof fj->error, fmt, ap);
        va_end(ap);
        fj->error_code = code;
    }
    return code;
}

FOLIO_PRINTF(2, 3)
static void fake_warn(folio_job *job, const char *fmt, ...)
{
    fake_job *fj = job_of(job);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fj->warning, sizeof fj->warning, fmt, ap);
    va_end(ap);
    fj->n_warnings++;
}

static const char *fake_option(folio_job *job, const char *name)
{
    fake_job *fj = job_of(job);
    for (size_t i = 0; i < fj->n_options; i++) {
        if (strcmp(fj->keys[i], name) == 0)
            return fj->values[i];
    }
    if (fj->plugin == NULL || fj->plugin->options == NULL)
        return NULL;
    for (const folio_option *o = fj->plugin->options; o->name != NULL; o++) {
        if (strcmp(o->name, name) == 0)
            return o->default_value;
    }
    return NULL;
}

static int fake_import_html(folio_job *job, const folio_html_input *in)
{
    (void)in;
    return fake_error(job, FOLIO_EUNSUPPORTED, "fake host: no importer");
}

static int fake_add_asset(folio_job *job, const char *url,
                          const char *media_type, const unsigned char *data,
                          size_t len)
{
    (void)job, (void)url, (void)media_type, (void)data, (void)len;
    return FOLIO_OK;
}

static const char *fake_input_path(folio_job *job)
{
    (void)job;
    return "fake-input";
}

const folio_host *fake_host(void)
{
    static folio_host host;
    if (host.size == 0) {
        host.abi_major = FOLIO_ABI_MAJOR;
        host.abi_minor = FOLIO_ABI_MINOR;
        host.alloc = fake_alloc;
        host.strndup = fake_strndup;
        host.error = fake_error;
        host.warn = fake_warn;
        host.option = fake_option;
        host.import_html = fake_import_html;
        host.add_asset = fake_add_asset;
        host.input_path = fake_input_path;
        host.doc = folio_doc_api_get();
        host.size = sizeof host;
    }
    return &host;
}

void fake_job_init(fake_job *fj, const folio_plugin *plugin)
{
    memset(fj, 0, sizeof *fj);
    fj->plugin = plugin;
}

void fake_job_dispose(fake_job *fj)
{
    for (size_t i = 0; i < fj->n_allocs; i++)
        free(fj->allocs[i]);
    free(fj->allocs);
    fj->allocs = NULL;
    fj->n_allocs = fj->cap_allocs = 0;
}

void fake_job_set(fake_job *fj, const char *key, const char *value)
{
    for (size_t i = 0; i < fj->n_options; i++) {
        if (strcmp(fj->keys[i], key) == 0) {
            fj->values[i] = value;
            return;
        }
    }
    if (fj->n_options < FAKE_MAX_OPTIONS) {
        fj->keys[fj->n_options] = key;
        fj->values[fj->n_options++] = value;
    }
}

const folio_plugin *fake_load_plugin(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    folio_plugin_entry_fn entry;
    void *sym = dlsym(h, FOLIO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        fprintf(stderr, "%s: no %s\n", path, FOLIO_PLUGIN_ENTRY_SYMBOL);
        dlclose(h);
        return NULL;
    }
    /* POSIX guarantees that a data pointer from dlsym converts. */
    memcpy(&entry, &sym, sizeof entry);
    return entry();
}

int fake_sink_write(void *sink, const char *bytes, size_t len)
{
    fake_sink *s = sink;
    s->calls++;
    if (s->fail_at != 0 && s->calls >= s->fail_at)
        return -1;
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap != 0 ? s->cap : 256;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *p = realloc(s->data, cap);
        if (p == NULL)
            return -1;
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, bytes, len);
    s->len += len;
    s->data[s->len] = '\0';
    return 0;
}

void fake_sink_free(fake_sink *s)
{
    free(s->data);
    s->data = NULL;
    s->len = s->cap = s->calls = 0;
}
