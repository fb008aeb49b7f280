/* SPDX-License-Identifier: MIT */
/*
 * The plugin registry: finds plugin files, loads them with dlopen, checks
 * them against this host's ABI and keeps the ones that pass.
 *
 * Search order (first plugin of a name wins):
 *   1. folio_registry_options.dirs (--plugin-dir), in order; a relative
 *      folder here is used as given, since the user typed it;
 *   2. $FOLIO_PLUGIN_PATH, colon separated. Empty elements are skipped
 *      (in $PATH they would mean the current directory) and relative ones
 *      are ignored with a recorded message, because a relative entry
 *      would make what gets loaded depend on where folio is started;
 *   3. unless only_dirs: the build tree's plugins/<name>/ folders, but
 *      only when the running program itself lies inside the build tree
 *      (FOLIO_BUILD_ROOT), so an installed folio never loads stale
 *      modules from a build folder; then ~/.local/lib/folio/plugins;
 *      then the installed plugin folder (FOLIO_PLUGIN_DIR).
 * The current directory is never searched. A folder given twice, or a
 * file reached twice (symlinks), is loaded once. Environment variables
 * are ignored in set-user-ID/set-group-ID programs.
 *
 * Every problem with a given file is recorded as a failure and never
 * stops other plugins from loading. Besides refused files, the failure
 * list holds two path problems a user would otherwise not notice: a
 * relative $FOLIO_PLUGIN_PATH entry and a --plugin-dir that cannot be
 * opened.
 *
 * folio_registry_free() calls each loaded plugin's fini but never
 * dlclose()s it: a loaded module stays mapped until the process exits,
 * as GStreamer and OBS keep theirs. Unloading buys little (a second
 * registry's dlopen of the same file returns the same mapping) and costs
 * much: libraries a plugin links keep global state that then points into
 * unmapped memory (cmark-gfm's extension registry shows up as lost
 * blocks under valgrind with no symbols), and a library's thread-exit
 * destructor would run code that is gone. A refused plugin is closed at
 * once: its init never ran, or failed.
 */
/* realpath() is an X/Open function in glibc's headers. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio/folio.h"
#include "util.h"

/* Longest failure message kept. */
#define MSG_MAX 1024
/* Longest plugin name accepted. */
#define NAME_MAX_LEN 64

typedef struct entry {
    folio_plugin desc;        /* host copy; zero past the plugin's size */
    folio_input_ops input;    /* host copies of the ops tables */
    folio_output_ops output;
    char *path;               /* as found on the search path */
    void *handle;
    /* Read from the file when it has one; the descriptor must agree. */
    folio_plugin_manifest manifest;
    bool has_manifest;
} entry;

typedef struct failure {
    char *path;               /* NULL for a path problem, not a file */
    char *message;
} failure;

typedef struct str_list {
    char **items;
    size_t n, cap;
} str_list;

struct folio_registry {
    entry **items;
    size_t n, cap;
    /* Lazily: output plugins known by their manifest, not loaded yet.
     * Loading one moves it to `items` (appended); `lock` guards both. */
    entry **deferred;
    size_t n_deferred, cap_deferred;
    bool lazy;
    pthread_mutex_t lock;
    failure *fails;
    size_t n_fails, cap_fails;
    str_list seen;            /* real paths of folders and files tried */
    bool oom;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* "dir" + "/" + "name", malloc'd. */
static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    while (a > 1 && dir[a - 1] == '/')
        a--;
    char *p = malloc(a + 1 + b + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

static int str_list_add(str_list *l, char *s)
{
    if (folio__grow((void **)&l->items, &l->cap, l->n + 1,
                    sizeof *l->items) < 0)
        return FOLIO_ENOMEM;
    l->items[l->n++] = s;
    return FOLIO_OK;
}

static void str_list_dispose(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool ascii_eq_ci(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

static bool ascii_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < n && hay[i] != '\0' &&
               ascii_lower((unsigned char)hay[i]) ==
                   ascii_lower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Environment variables are not trusted in set-ID programs: they would
 * let the caller pick the code run with raised privileges. */
static const char *env(const char *name)
{
    if (getuid() != geteuid() || getgid() != getegid())
        return NULL;
    return getenv(name);
}

/* Failure messages may quote a plugin's name or init message; control
 * characters are replaced so they cannot drive the user's terminal. */
static void sanitize(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
}

FOLIO_PRINTF(3, 4)
static void add_failure(folio_registry *reg, const char *path,
                        const char *fmt, ...)
{
    char buf[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        snprintf(buf, sizeof buf, "%s: refused", path ? path : "plugin");
    sanitize(buf);

    failure f = { NULL, strdup(buf) };
    if (path != NULL)
        f.path = strdup(path);
    if (f.message == NULL || (path != NULL && f.path == NULL) ||
        folio__grow((void **)&reg->fails, &reg->cap_fails, reg->n_fails + 1,
                    sizeof *reg->fails) < 0) {
        free(f.path);
        free(f.message);
        reg->oom = true;
        return;
    }
    reg->fails[reg->n_fails++] = f;
}

/* Returns true when `real` was tried before; otherwise remembers it. */
static bool seen_before(folio_registry *reg, const char *real)
{
    for (size_t i = 0; i < reg->seen.n; i++) {
        if (strcmp(reg->seen.items[i], real) == 0)
            return true;
    }
    char *copy = strdup(real);
    if (copy == NULL || str_list_add(&reg->seen, copy) < 0) {
        free(copy);
        reg->oom = true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Checking one plugin                                                */
/* ------------------------------------------------------------------ */

/* End of the members a 1.x descriptor or table must have. Members after
 * them are optional: the host reads them as zero when `size` stops
 * short. */
#define DESC_REQUIRED                                                        \
    (offsetof(folio_plugin, output) + sizeof(const folio_output_ops *))
#define INPUT_REQUIRED                                                       \
    (offsetof(folio_input_ops, read) + sizeof(void (*)(void)))
#define OUTPUT_REQUIRED                                                      \
    (offsetof(folio_output_ops, write) + sizeof(void (*)(void)))

static bool valid_name(const char *name)
{
    size_t n = strnlen(name, NAME_MAX_LEN + 1);
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static const entry *find_loaded(const folio_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n; i++) {
        if (strcmp(reg->items[i]->desc.name, name) == 0)
            return reg->items[i];
    }
    for (size_t i = 0; i < reg->n_deferred; i++) {
        if (strcmp(reg->deferred[i]->manifest.name, name) == 0)
            return reg->deferred[i];
    }
    return NULL;
}

/* The formats of a manifest, one after the other ("" at the end). */
static const char *manifest_next(const folio_plugin_manifest *m,
                                 const char *f)
{
    const char *end = m->formats + sizeof m->formats;
    if (f == NULL)
        return m->formats;
    f += strnlen(f, (size_t)(end - f)) + 1;
    return f < end ? f : "";
}

/* True when the manifest names the descriptor's kind, name and formats,
 * in order. */
static bool manifest_matches(const folio_plugin_manifest *m,
                             const folio_plugin *p)
{
    if (m->kind != (uint32_t)p->kind || strcmp(m->name, p->name) != 0)
        return false;
    const char *f = manifest_next(m, NULL);
    if (p->formats != NULL) {
        for (const char *const *d = p->formats; *d != NULL; d++) {
            if (*f == '\0' || strcmp(f, *d) != 0)
                return false;
            f = manifest_next(m, f);
        }
    }
    return *f == '\0';
}

/* Copies the plugin's descriptor and ops tables into `e` and checks them.
 * Returns false with a failure recorded when the plugin is refused. */
static bool check_plugin(folio_registry *reg, entry *e,
                         const folio_plugin *d)
{
    const char *path = e->path;

    /* abi_major and abi_minor open the descriptor in every ABI version,
     * so they are safe to read before anything else is known. */
    if (d->abi_major != FOLIO_ABI_MAJOR || d->abi_minor > FOLIO_ABI_MINOR) {
        add_failure(reg, path, "%s: built for ABI %u.%u, host provides %u.%u",
                    path, (unsigned)d->abi_major, (unsigned)d->abi_minor,
                    (unsigned)FOLIO_ABI_MAJOR, (unsigned)FOLIO_ABI_MINOR);
        return false;
    }
    if (d->size < DESC_REQUIRED) {
        add_failure(reg, path, "%s: plugin descriptor is %zu bytes, this "
                    "host needs at least %zu", path, d->size,
                    (size_t)DESC_REQUIRED);
        return false;
    }
    memcpy(&e->desc, d, d->size < sizeof e->desc ? d->size : sizeof e->desc);
    e->desc.size = sizeof e->desc;
    folio_plugin *p = &e->desc;

    if (p->name == NULL) {
        add_failure(reg, path, "%s: plugin has no name", path);
        return false;
    }
    if (!valid_name(p->name)) {
        add_failure(reg, path, "%s: invalid plugin name \"%.*s\" (use 1 to "
                    "%d of a-z, 0-9, '_' and '-')", path, NAME_MAX_LEN + 1,
                    p->name, NAME_MAX_LEN);
        return false;
    }

    switch (p->kind) {
    case FOLIO_PLUGIN_INPUT: {
        const folio_input_ops *ops = p->input;
        if (ops == NULL) {
            add_failure(reg, path, "%s: input plugin %s has no input "
                        "functions", path, p->name);
            return false;
        }
        if (ops->size < INPUT_REQUIRED) {
            add_failure(reg, path, "%s: input plugin %s: input table is %zu "
                        "bytes, this host needs at least %zu", path,
                        p->name, ops->size, (size_t)INPUT_REQUIRED);
            return false;
        }
        memcpy(&e->input, ops,
               ops->size < sizeof e->input ? ops->size : sizeof e->input);
        e->input.size = sizeof e->input;
        if (e->input.probe == NULL) {
            add_failure(reg, path, "%s: input plugin %s has no probe "
                        "function", path, p->name);
            return false;
        }
        if (e->input.read == NULL) {
            add_failure(reg, path, "%s: input plugin %s has no read "
                        "function", path, p->name);
            return false;
        }
        p->input = &e->input;
        p->output = NULL;
        break;
    }
    case FOLIO_PLUGIN_OUTPUT: {
        const folio_output_ops *ops = p->output;
        if (ops == NULL) {
            add_failure(reg, path, "%s: output plugin %s has no output "
                        "functions", path, p->name);
            return false;
        }
        if (ops->size < OUTPUT_REQUIRED) {
            add_failure(reg, path, "%s: output plugin %s: output table is "
                        "%zu bytes, this host needs at least %zu", path,
                        p->name, ops->size, (size_t)OUTPUT_REQUIRED);
            return false;
        }
        memcpy(&e->output, ops,
               ops->size < sizeof e->output ? ops->size : sizeof e->output);
        e->output.size = sizeof e->output;
        if (e->output.write == NULL) {
            add_failure(reg, path, "%s: output plugin %s has no write "
                        "function", path, p->name);
            return false;
        }
        p->output = &e->output;
        p->input = NULL;
        break;
    }
    default:
        add_failure(reg, path, "%s: plugin %s has unknown kind %d", path,
                    p->name, (int)p->kind);
        return false;
    }

    if (e->has_manifest && !manifest_matches(&e->manifest, p)) {
        add_failure(reg, path, "%s: plugin %s: its manifest does not match "
                    "its descriptor (kind, name or formats)", path, p->name);
        return false;
    }
    /* A deferred plugin's name was checked when it was deferred. */
    const entry *first = find_loaded(reg, p->name);
    if (first != NULL && first != e) {
        add_failure(reg, path, "%s: plugin %s is already loaded from %s",
                    path, p->name, first->path);
        return false;
    }
    return true;
}

/* dlopen's message usually starts with the path already. */
static void dl_failure(folio_registry *reg, const char *path)
{
    const char *why = dlerror();
    if (why == NULL)
        why = "cannot load";
    size_t n = strlen(path);
    if (strncmp(why, path, n) == 0 && why[n] == ':')
        add_failure(reg, path, "%s", why);
    else
        add_failure(reg, path, "%s: %s", path, why);
}

/* ------------------------------------------------------------------ */
/* Manifests                                                          */
/* ------------------------------------------------------------------ */

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Ehdr elf_ehdr;
typedef Elf64_Shdr elf_shdr;
#define ELF_CLASS ELFCLASS64
#else
typedef Elf32_Ehdr elf_ehdr;
typedef Elf32_Shdr elf_shdr;
#define ELF_CLASS ELFCLASS32
#endif

/* Bounds on what is read of a plugin file to find its manifest. */
#define ELF_SECTIONS_MAX 4096
#define ELF_SHSTRTAB_MAX (1u << 20)

static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
    if (off > (uint64_t)INT64_MAX - len)
        return false;
    ssize_t got = pread(fd, buf, len, (off_t)off);
    return got >= 0 && (size_t)got == len;
}

static bool host_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Reads the manifest section of the ELF file at `path` (this host's
 * class and byte order) into `m` and checks it. False when there is
 * none or it is unusable: the file is then loaded the ordinary way, which
 * reports whatever is wrong with it. */
static bool read_manifest(const char *path, folio_plugin_manifest *m)
{
    bool ok = false;
    elf_ehdr eh;
    elf_shdr *sh = NULL;
    char *names = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return false;
    if (!read_at(fd, &eh, sizeof eh, 0)
        || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0
        || eh.e_ident[EI_CLASS] != ELF_CLASS
        || eh.e_ident[EI_DATA] != (host_little_endian() ? ELFDATA2LSB
                                                        : ELFDATA2MSB)
        || eh.e_shentsize != sizeof(elf_shdr) || eh.e_shnum == 0
        || eh.e_shnum > ELF_SECTIONS_MAX || eh.e_shstrndx >= eh.e_shnum)
        goto done;
    sh = malloc((size_t)eh.e_shnum * sizeof *sh);
    if (sh == NULL
        || !read_at(fd, sh, (size_t)eh.e_shnum * sizeof *sh, eh.e_shoff))
        goto done;
    const elf_shdr *strs = &sh[eh.e_shstrndx];
    if (strs->sh_size == 0 || strs->sh_size > ELF_SHSTRTAB_MAX)
        goto done;
    names = malloc((size_t)strs->sh_size + 1);
    if (names == NULL
        || !read_at(fd, names, (size_t)strs->sh_size, strs->sh_offset))
        goto done;
    names[strs->sh_size] = '\0';
    for (size_t i = 0; i < eh.e_shnum; i++) {
        if (sh[i].sh_name >= strs->sh_size
            || strcmp(names + sh[i].sh_name, FOLIO_MANIFEST_SECTION) != 0)
            continue;
        if (sh[i].sh_type != SHT_PROGBITS || sh[i].sh_size != sizeof *m
            || !read_at(fd, m, sizeof *m, sh[i].sh_offset))
            break;
        ok = memcmp(m->magic, FOLIO_MANIFEST_MAGIC, sizeof m->magic) == 0
             && m->abi_major == FOLIO_ABI_MAJOR
             && m->abi_minor <= FOLIO_ABI_MINOR
             && (m->kind == FOLIO_PLUGIN_INPUT
                 || m->kind == FOLIO_PLUGIN_OUTPUT)
             && memchr(m->name, '\0', sizeof m->name) != NULL
             && valid_name(m->name)
             /* Every format then ends inside the array. */
             && m->formats[sizeof m->formats - 1] == '\0';
        break;
    }
done:
    free(names);
    free(sh);
    close(fd);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */
/* ------------------------------------------------------------------ */

/* Loads and checks the plugin of `e` (whose path is set), and appends it
 * to the loaded plugins; or records why not and frees `e`. Returns the
 * entry or NULL. */
static entry *load_entry(folio_registry *reg, entry *e)
{
    const char *path = e->path;

    dlerror();
    e->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (e->handle == NULL) {
        dl_failure(reg, path);
        goto refused;
    }

    /* memcpy, because ISO C has no conversion from void * to a function
     * pointer; POSIX guarantees the representation matches. */
    void *sym = dlsym(e->handle, FOLIO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        add_failure(reg, path, "%s: not a folio plugin (no %s)", path,
                    FOLIO_PLUGIN_ENTRY_SYMBOL);
        goto refused;
    }
    folio_plugin_entry_fn entry_fn;
    memcpy(&entry_fn, &sym, sizeof entry_fn);
    const folio_plugin *d = entry_fn();
    if (d == NULL) {
        add_failure(reg, path, "%s: %s returned no descriptor", path,
                    FOLIO_PLUGIN_ENTRY_SYMBOL);
        goto refused;
    }
    if (!check_plugin(reg, e, d))
        goto refused;

    if (e->desc.init != NULL) {
        const char *why = NULL;
        if (e->desc.init(folio_host_get(), &why) != 0) {
            /* Format before dlclose: `why` lives in the plugin. */
            add_failure(reg, path, "%s: plugin %s failed to initialise: "
                        "%.300s", path, e->desc.name,
                        why != NULL ? why : "no reason given");
            goto refused;
        }
    }

    if (folio__grow((void **)&reg->items, &reg->cap, reg->n + 1,
                    sizeof *reg->items) < 0) {
        if (e->desc.fini != NULL)
            e->desc.fini();
        reg->oom = true;
        goto refused;
    }
    reg->items[reg->n++] = e;
    return e;

refused:
    if (e->handle != NULL)
        dlclose(e->handle);
    free(e->path);
    free(e);
    return NULL;
}

/* Loads the plugin file at `path`, or, when loading lazily and its
 * manifest says it is an output plugin, only remembers it. */
static void load_file(folio_registry *reg, const char *path)
{
    entry *e = calloc(1, sizeof *e);
    if (e == NULL || (e->path = strdup(path)) == NULL) {
        free(e);
        reg->oom = true;
        return;
    }
    /* A manifest is checked against the descriptor in either mode, so a
     * plugin whose manifest is wrong is refused however it is reached. */
    e->has_manifest = read_manifest(path, &e->manifest);
    if (reg->lazy && e->has_manifest
        && e->manifest.kind == FOLIO_PLUGIN_OUTPUT) {
        const entry *first = find_loaded(reg, e->manifest.name);
        if (first != NULL) {
            add_failure(reg, path, "%s: plugin %s is already loaded from %s",
                        path, e->manifest.name, first->path);
        } else if (folio__grow((void **)&reg->deferred, &reg->cap_deferred,
                               reg->n_deferred + 1,
                               sizeof *reg->deferred) < 0) {
            reg->oom = true;
        } else {
            reg->deferred[reg->n_deferred++] = e;
            return;
        }
        free(e->path);
        free(e);
        return;
    }
    load_entry(reg, e);
}

/* Loads deferred plugin `i` (the caller holds the lock). */
static const folio_plugin *load_deferred(folio_registry *reg, size_t i)
{
    entry *e = reg->deferred[i];

    memmove(&reg->deferred[i], &reg->deferred[i + 1],
            (reg->n_deferred - i - 1) * sizeof *reg->deferred);
    reg->n_deferred--;
    e = load_entry(reg, e);
    return e != NULL ? &e->desc : NULL;
}

/* ------------------------------------------------------------------ */
/* Searching                                                          */
/* ------------------------------------------------------------------ */

static bool has_so_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* Lists the entries of `dir` accepted by `want`, sorted bytewise so the
 * load order never depends on the file system or the locale. */
static int list_dir(str_list *out, const char *dir, bool want_dirs)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -errno;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.')
            continue;
        if (!want_dirs && !has_so_suffix(name))
            continue;
        char *full = join(dir, name);
        struct stat st;
        if (full == NULL) {
            rc = -ENOMEM;
            break;
        }
        /* stat, not lstat: a symlink to a module is fine. */
        bool ok = stat(full, &st) == 0 &&
                  (want_dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
        if (!ok) {
            free(full);
            continue;
        }
        if (str_list_add(out, full) < 0) {
            free(full);
            rc = -ENOMEM;
            break;
        }
    }
    closedir(d);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_str);
    return rc;
}

/* Loads every *.so in `dir`. `explicit_dir`: the user named this folder,
 * so a folder that cannot be opened is worth a message. */
static void scan_dir(folio_registry *reg, const char *dir, bool explicit_dir)
{
    char *real = realpath(dir, NULL);
    if (real == NULL) {
        if (errno == ENOMEM)
            reg->oom = true;
        else if (explicit_dir)
            add_failure(reg, NULL, "%s: cannot open plugin folder: %s", dir,
                        strerror(errno));
        return;
    }
    bool again = seen_before(reg, real);
    free(real);
    if (again)
        return;

    str_list files = { NULL, 0, 0 };
    int rc = list_dir(&files, dir, false);
    if (rc == -ENOMEM)
        reg->oom = true;
    else if (rc < 0 && explicit_dir)
        add_failure(reg, NULL, "%s: cannot open plugin folder: %s", dir,
                    strerror(-rc));
    for (size_t i = 0; i < files.n && !reg->oom; i++) {
        char *file_real = realpath(files.items[i], NULL);
        if (file_real == NULL)
            continue;
        bool dup = seen_before(reg, file_real);
        free(file_real);
        if (!dup)
            load_file(reg, files.items[i]);
    }
    str_list_dispose(&files);
}

static void scan_env_path(folio_registry *reg)
{
    const char *path = env("FOLIO_PLUGIN_PATH");
    if (path == NULL)
        return;
    char *copy = strdup(path);
    if (copy == NULL) {
        reg->oom = true;
        return;
    }
    char *rest = copy;
    while (rest != NULL) {
        char *elem = rest;
        char *colon = strchr(rest, ':');
        if (colon != NULL) {
            *colon = '\0';
            rest = colon + 1;
        } else {
            rest = NULL;
        }
        if (elem[0] == '\0')
            continue;
        if (elem[0] != '/') {
            add_failure(reg, NULL, "FOLIO_PLUGIN_PATH: ignored relative "
                        "folder \"%s\" (only absolute folders are searched)",
                        elem);
            continue;
        }
        scan_dir(reg, elem, false);
    }
    free(copy);
}

#ifdef FOLIO_BUILD_ROOT
/* True when this process runs a program inside the build tree (the CLI or
 * a test), where the freshly built plugins belong to it. */
static bool run_from_build_tree(const char *root_real)
{
    char *exe = realpath("/proc/self/exe", NULL);
    if (exe == NULL)
        return false;
    size_t n = strlen(root_real);
    bool inside = strncmp(exe, root_real, n) == 0 && exe[n] == '/';
    free(exe);
    return inside;
}

static void scan_build_tree(folio_registry *reg)
{
    char *root = realpath(FOLIO_BUILD_ROOT, NULL);
    if (root == NULL)
        return;
    if (!run_from_build_tree(root)) {
        free(root);
        return;
    }
    char *plugins = join(root, "plugins");
    free(root);
    if (plugins == NULL) {
        reg->oom = true;
        return;
    }
    str_list dirs = { NULL, 0, 0 };
    if (list_dir(&dirs, plugins, true) == -ENOMEM)
        reg->oom = true;
    for (size_t i = 0; i < dirs.n && !reg->oom; i++)
        scan_dir(reg, dirs.items[i], false);
    str_list_dispose(&dirs);
    free(plugins);
}
#endif

static void scan_user_dir(folio_registry *reg)
{
    const char *home = env("HOME");
    if (home == NULL || home[0] != '/')
        return;
    char *dir = join(home, ".local/lib/folio/plugins");
    if (dir == NULL) {
        reg->oom = true;
        return;
    }
    scan_dir(reg, dir, false);
    free(dir);
}

/* ------------------------------------------------------------------ */
/* Registry API                                                       */
/* ------------------------------------------------------------------ */

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a;
    const entry *y = *(entry *const *)b;
    if (x->desc.kind != y->desc.kind)
        return x->desc.kind < y->desc.kind ? -1 : 1;
    return strcmp(x->desc.name, y->desc.name);
}

static bool valid_options(const folio_registry_options *o)
{
    /* Version 1 ends before `lazy`. */
    if (o->version != 1 && o->version != FOLIO_REGISTRY_OPTIONS_VERSION)
        return false;
    if (o->n_dirs > 0 && o->dirs == NULL)
        return false;
    for (size_t i = 0; i < o->n_dirs; i++) {
        /* "" would mean the current directory. */
        if (o->dirs[i] == NULL || o->dirs[i][0] == '\0')
            return false;
    }
    return true;
}

int folio_registry_new(folio_registry **out,
                       const folio_registry_options *opts)
{
    folio_registry_options defaults = FOLIO_REGISTRY_OPTIONS_INIT;
    if (out == NULL)
        return FOLIO_EINVALID;
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (!valid_options(opts))
        return FOLIO_EINVALID;

    folio_registry *reg = calloc(1, sizeof *reg);
    if (reg == NULL)
        return FOLIO_ENOMEM;
    if (pthread_mutex_init(&reg->lock, NULL) != 0) {
        free(reg);
        return FOLIO_ENOMEM;
    }
    reg->lazy = opts->version >= 2 && opts->lazy;

    for (size_t i = 0; i < opts->n_dirs && !reg->oom; i++)
        scan_dir(reg, opts->dirs[i], true);
    if (!reg->oom)
        scan_env_path(reg);
    if (!opts->only_dirs) {
#ifdef FOLIO_BUILD_ROOT
        if (!reg->oom)
            scan_build_tree(reg);
#endif
        if (!reg->oom)
            scan_user_dir(reg);
#ifdef FOLIO_PLUGIN_DIR
        if (!reg->oom)
            scan_dir(reg, FOLIO_PLUGIN_DIR, false);
#endif
    }
    /* Folder and file names are only needed while searching. */
    str_list_dispose(&reg->seen);

    if (reg->oom) {
        folio_registry_free(reg);
        return FOLIO_ENOMEM;
    }
    if (reg->n > 1)
        qsort(reg->items, reg->n, sizeof *reg->items, cmp_entry);
    *out = reg;
    return FOLIO_OK;
}

void folio_registry_free(folio_registry *reg)
{
    if (reg == NULL)
        return;
    /* Reverse order; the modules stay mapped (see the top of the file). */
    for (size_t i = reg->n; i-- > 0;) {
        entry *e = reg->items[i];
        if (e->desc.fini != NULL)
            e->desc.fini();
        free(e->path);
        free(e);
    }
    free(reg->items);
    for (size_t i = 0; i < reg->n_deferred; i++) {
        free(reg->deferred[i]->path);
        free(reg->deferred[i]);
    }
    free(reg->deferred);
    pthread_mutex_destroy(&reg->lock);
    for (size_t i = 0; i < reg->n_fails; i++) {
        free(reg->fails[i].path);
        free(reg->fails[i].message);
    }
    free(reg->fails);
    str_list_dispose(&reg->seen);
    free(reg);
}

/* The registry is shared read-only, except that looking a plugin up may
 * load a deferred one: everything that reads the lists takes the lock. */
static folio_registry *locked(const folio_registry *reg)
{
    folio_registry *r = (folio_registry *)reg;
    pthread_mutex_lock(&r->lock);
    return r;
}

static void unlock(folio_registry *r)
{
    pthread_mutex_unlock(&r->lock);
}

size_t folio_registry_count(const folio_registry *reg)
{
    if (reg == NULL)
        return 0;
    folio_registry *r = locked(reg);
    size_t n = r->n;
    unlock(r);
    return n;
}

const folio_plugin *folio_registry_at(const folio_registry *reg, size_t i)
{
    if (reg == NULL)
        return NULL;
    folio_registry *r = locked(reg);
    const folio_plugin *p = i < r->n ? &r->items[i]->desc : NULL;
    unlock(r);
    return p;
}

const char *folio_registry_path_at(const folio_registry *reg, size_t i)
{
    if (reg == NULL)
        return NULL;
    folio_registry *r = locked(reg);
    const char *path = i < r->n ? r->items[i]->path : NULL;
    unlock(r);
    return path;
}

static const folio_plugin *find_in(folio_registry *r,
                                   folio_plugin_kind kind, const char *name)
{
    /* Names first: a plugin's own name beats another plugin's alias. */
    for (size_t i = 0; i < r->n; i++) {
        const folio_plugin *p = &r->items[i]->desc;
        if (p->kind == kind && ascii_eq_ci(p->name, name))
            return p;
    }
    for (size_t i = 0; i < r->n_deferred; i++) {
        const folio_plugin_manifest *m = &r->deferred[i]->manifest;
        if (m->kind == (uint32_t)kind && ascii_eq_ci(m->name, name))
            return load_deferred(r, i);
    }
    for (size_t i = 0; i < r->n; i++) {
        const folio_plugin *p = &r->items[i]->desc;
        if (p->kind != kind || p->formats == NULL)
            continue;
        for (const char *const *f = p->formats; *f != NULL; f++) {
            if (ascii_eq_ci(*f, name))
                return p;
        }
    }
    for (size_t i = 0; i < r->n_deferred; i++) {
        const folio_plugin_manifest *m = &r->deferred[i]->manifest;
        if (m->kind != (uint32_t)kind)
            continue;
        for (const char *f = manifest_next(m, NULL); *f != '\0';
             f = manifest_next(m, f)) {
            if (ascii_eq_ci(f, name))
                return load_deferred(r, i);
        }
    }
    return NULL;
}

const folio_plugin *folio_registry_find(const folio_registry *reg,
                                        folio_plugin_kind kind,
                                        const char *name)
{
    if (reg == NULL || name == NULL)
        return NULL;
    folio_registry *r = locked(reg);
    const folio_plugin *p = find_in(r, kind, name);
    unlock(r);
    return p;
}

int folio_registry_load_all(folio_registry *reg)
{
    if (reg == NULL)
        return FOLIO_OK;
    folio_registry *r = locked(reg);
    bool loaded = r->n_deferred > 0;
    while (r->n_deferred > 0 && !r->oom)
        load_deferred(r, 0);
    if (loaded && r->n > 1)
        qsort(r->items, r->n, sizeof *r->items, cmp_entry);
    int rc = r->oom ? FOLIO_ENOMEM : FOLIO_OK;
    unlock(r);
    return rc;
}

const char *folio_registry_path_of(const folio_registry *reg,
                                   const folio_plugin *p)
{
    if (reg == NULL || p == NULL)
        return NULL;
    folio_registry *r = locked(reg);
    const char *path = NULL;
    for (size_t i = 0; i < r->n && path == NULL; i++) {
        if (&r->items[i]->desc == p)
            path = r->items[i]->path;
    }
    unlock(r);
    return path;
}

size_t folio_registry_failure_count(const folio_registry *reg)
{
    if (reg == NULL)
        return 0;
    folio_registry *r = locked(reg);
    size_t n = r->n_fails;
    unlock(r);
    return n;
}

const char *folio_registry_failure_at(const folio_registry *reg, size_t i)
{
    if (reg == NULL)
        return NULL;
    folio_registry *r = locked(reg);
    const char *m = i < r->n_fails ? r->fails[i].message : NULL;
    unlock(r);
    return m;
}

const char *folio_registry_failure_for(const folio_registry *reg,
                                       const char *name)
{
    if (reg == NULL || name == NULL || name[0] == '\0')
        return NULL;
    folio_registry *r = locked(reg);
    const char *m = NULL;
    for (size_t i = 0; i < r->n_fails && m == NULL; i++) {
        const char *path = r->fails[i].path;
        if (path == NULL)
            continue;
        const char *base = strrchr(path, '/');
        base = base != NULL ? base + 1 : path;
        if (ascii_contains_ci(base, name))
            m = r->fails[i].message;
    }
    unlock(r);
    return m;
}

/* ------------------------------------------------------------------ */
/* Plugin options                                                     */
/* ------------------------------------------------------------------ */

FOLIO_PRINTF(3, 4)
static void put_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg == NULL || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(msg, msglen, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
}

/* Appends `s` to msg, keeping it NUL-terminated within msglen. */
static void append_msg(char *msg, size_t msglen, const char *s)
{
    if (msg == NULL || msglen == 0)
        return;
    size_t used = strnlen(msg, msglen - 1);
    snprintf(msg + used, msglen - used, "%s", s);
}

static bool parse_int(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    errno = 0;
    char *end;
    (void)strtol(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static bool is_bool(const char *s)
{
    static const char *const words[] = {
        "true", "false", "yes", "no", "on", "off", "1", "0",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (ascii_eq_ci(s, words[i]))
            return true;
    }
    return false;
}

/* True when `value` is one of the '|'-separated `choices`. */
static bool in_choices(const char *choices, const char *value)
{
    size_t n = strlen(value);
    const char *c = choices;
    while (c != NULL && *c != '\0') {
        const char *bar = strchr(c, '|');
        size_t len = bar != NULL ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, value, n) == 0)
            return true;
        c = bar != NULL ? bar + 1 : NULL;
    }
    return false;
}

int folio_plugin_check_option(const folio_plugin *p, const char *key,
                              const char *value, char *msg, size_t msglen)
{
    if (msg != NULL && msglen > 0)
        msg[0] = '\0';
    if (p == NULL || key == NULL) {
        put_msg(msg, msglen, "no plugin or option name given");
        return FOLIO_EINVALID;
    }
    const char *pname = p->name != NULL ? p->name : "plugin";

    const folio_option *opt = NULL;
    for (const folio_option *o = p->options; o != NULL && o->name != NULL;
         o++) {
        if (strcmp(o->name, key) == 0) {
            opt = o;
            break;
        }
    }
    if (opt == NULL) {
        if (p->options == NULL || p->options[0].name == NULL) {
            put_msg(msg, msglen, "%s has no option \"%.100s\" (it takes no "
                    "options)", pname, key);
            return FOLIO_ENOTFOUND;
        }
        put_msg(msg, msglen, "%s has no option \"%.100s\" (known:", pname,
                key);
        for (const folio_option *o = p->options; o->name != NULL; o++) {
            append_msg(msg, msglen, o == p->options ? " " : ", ");
            append_msg(msg, msglen, o->name);
        }
        append_msg(msg, msglen, ")");
        return FOLIO_ENOTFOUND;
    }

    if (value == NULL) {
        put_msg(msg, msglen, "%s option %s needs a value", pname, key);
        return FOLIO_EINVALID;
    }
    switch (opt->type) {
    case FOLIO_OPTION_INT:
        if (!parse_int(value)) {
            put_msg(msg, msglen, "%s option %s takes an integer, not "
                    "\"%.100s\"", pname, key, value);
            return FOLIO_EINVALID;
        }
        break;
    case FOLIO_OPTION_BOOL:
        if (!is_bool(value)) {
            put_msg(msg, msglen, "%s option %s takes true or false (or "
                    "yes/no, on/off, 1/0), not \"%.100s\"", pname, key,
                    value);
            return FOLIO_EINVALID;
        }
        break;
    case FOLIO_OPTION_ENUM:
        if (opt->choices == NULL || !in_choices(opt->choices, value)) {
            put_msg(msg, msglen, "%s option %s takes one of %s, not "
                    "\"%.100s\"", pname, key,
                    opt->choices != NULL ? opt->choices : "(none)", value);
            return FOLIO_EINVALID;
        }
        break;
    case FOLIO_OPTION_STRING:
    default:
        /* An unknown type comes from a newer plugin ABI; accept any
         * text rather than refuse an option the plugin will check. */
        break;
    }
    return FOLIO_OK;
}
