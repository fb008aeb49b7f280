/* SPDX-License-Identifier: MIT */
/* libxml2's allocations during an import (core/import/xmlmem.c): carved
 * from per-thread chunks inside a window, passed through everywhere else.
 * Run under ASan and Valgrind in CI, which also check that nothing carved
 * reaches the system allocator and that dropping a window leaks nothing. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "import.h"

static void setup(void)
{
    folio__xmlmem_init();
}

TestSuite(xmlmem, .init = setup);

Test(xmlmem, blocks_are_aligned_and_writable)
{
    cr_assert(folio__xmlmem_begin());
    for (size_t n = 1; n < 300; n += 7) {
        unsigned char *p = xmlMalloc(n);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % 16, 0, "block of %zu misaligned", n);
        memset(p, 0xA5, n);
        char *d = xmlMemStrdup("eleven char");
        cr_assert_str_eq(d, "eleven char");
        cr_assert_eq(p[n - 1], 0xA5);
    }
    folio__xmlmem_end();
}

Test(xmlmem, newest_block_is_taken_back_and_grows_in_place)
{
    cr_assert(folio__xmlmem_begin());
    char *a = xmlMalloc(40);
    char *b = xmlMalloc(40);
    xmlFree(b);
    char *c = xmlMalloc(40);
    cr_assert_eq(c, b, "the freed newest block was not reused");
    memcpy(c, "grow me", 8);
    char *g = xmlRealloc(c, 4000);
    cr_assert_eq(g, c, "the newest block moved to grow");
    cr_assert_str_eq(g, "grow me");
    /* An older block moves, keeping its bytes. */
    memcpy(a, "older", 6);
    char *m = xmlRealloc(a, 100000);
    cr_assert_not_null(m);
    cr_assert_neq(m, a);
    cr_assert_str_eq(m, "older");
    m[99999] = 'x';
    folio__xmlmem_end();
}

Test(xmlmem, large_blocks_get_their_own_chunk)
{
    cr_assert(folio__xmlmem_begin());
    size_t n = 20u * 1024 * 1024;
    char *p = xmlMalloc(n);
    cr_assert_not_null(p);
    p[0] = 1;
    p[n - 1] = 2;
    char *q = xmlMalloc(16);
    cr_assert_not_null(q);
    cr_assert_eq(p[n - 1], 2);
    folio__xmlmem_end();
}

Test(xmlmem, windows_do_not_nest)
{
    cr_assert(folio__xmlmem_begin());
    cr_assert_not(folio__xmlmem_begin());
    folio__xmlmem_end();
    cr_assert(folio__xmlmem_begin());
    folio__xmlmem_end();
}

Test(xmlmem, blocks_from_outside_a_window_pass_through)
{
    /* Allocated by the system allocator before the window: freed and
     * grown by it inside (ASan would call a mismatch an error). */
    char *before = xmlMalloc(64);
    cr_assert_not_null(before);
    strcpy(before, "before");
    cr_assert(folio__xmlmem_begin());
    before = xmlRealloc(before, 128);
    cr_assert_str_eq(before, "before");
    char *kept = xmlMemStrdup("kept");
    folio__xmlmem_end();
    cr_assert_str_eq(before, "before");
    xmlFree(before);
    (void)kept; /* gone with the window */

    /* And outside any window, plain allocation. */
    char *after = xmlMemStrdup("after");
    cr_assert_str_eq(after, "after");
    free(after);
}

static void *other_thread(void *arg)
{
    (void)arg;
    /* Another thread's allocations never come from this thread's
     * window: this block outlives it and is freed by the system. */
    return xmlMemStrdup("from another thread");
}

Test(xmlmem, other_threads_use_the_system_allocator)
{
    pthread_t t;
    void *r = NULL;

    cr_assert(folio__xmlmem_begin());
    cr_assert_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
    cr_assert_eq(pthread_join(t, &r), 0);
    folio__xmlmem_end();
    cr_assert_str_eq(r, "from another thread");
    free(r);
}

Test(xmlmem, a_tree_is_dropped_with_its_window)
{
    static const char page[] =
        "<html><head><title>T</title></head><body><div class=a id=b>"
        "<p>one <b>two</b> &amp; three</p><p>four<br>five</div>"
        "</bo dy><p>unclosed <table><td>cell</table>";

    for (int round = 0; round < 3; round++) {
        cr_assert(folio__xmlmem_begin());
        xmlDocPtr d = folio__html_parse(page, sizeof page - 1, NULL, NULL);
        cr_assert_not_null(d);
        xmlNodePtr root = xmlDocGetRootElement(d);
        cr_assert_not_null(root);
        xmlChar *text = xmlNodeGetContent(root);
        cr_assert_not_null(strstr((char *)text, "two & three"));
        xmlFree(text);
        /* No xmlFreeDoc: the window takes the tree. */
        folio__xmlmem_end();
        /* The parser's last error, copied into a per-thread global, must
         * not point into the dropped chunks. */
        const xmlError *e = xmlGetLastError();
        cr_assert(e == NULL || e->message == NULL);
    }
}

Test(xmlmem, no_window_when_the_hooks_are_not_ours)
{
    xmlFreeFunc f;
    xmlMallocFunc m, ma;
    xmlReallocFunc r;
    xmlStrdupFunc s;

    cr_assert_eq(xmlGcMemGet(&f, &m, &ma, &r, &s), 0);
    cr_assert_eq(xmlMemSetup(free, malloc, realloc, strdup), 0);
    cr_assert_not(folio__xmlmem_begin());
    cr_assert_eq(xmlGcMemSetup(f, m, ma, r, s), 0);
    cr_assert(folio__xmlmem_begin());
    folio__xmlmem_end();
}
