/* SPDX-License-Identifier: MIT */
/*
 * The parser's limits and repairs (core/import/bounds.c), through the
 * internal API: the attribute scan never counts fewer attributes than
 * libxml2 will parse (so it cannot be slipped past), and never refuses a
 * tag for what is not an attribute; the node budget; void elements.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "bounds.h"
#include "dom.h"
#include "folio/folio.h"
#include "import.h"

/* A buffer grown by appending. */
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        cr_assert_not_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void adds(text *t, const char *s)
{
    add(t, s, strlen(s));
}

/* `head`, then `n` attributes made from `fmt` (its "%d", if any,
 * replaced by the attribute's number), then `tail`. */
static text tag_with(const char *head, const char *fmt, int n,
                     const char *tail)
{
    text t = { NULL, 0, 0 };
    const char *d = strstr(fmt, "%d");
    char buf[64];

    adds(&t, head);
    for (int i = 0; i < n; i++) {
        if (d != NULL)
            snprintf(buf, sizeof buf, "%.*s%d%s", (int)(d - fmt), fmt, i,
                     d + 2);
        else
            snprintf(buf, sizeof buf, "%s", fmt);
        adds(&t, buf);
    }
    adds(&t, tail);
    return t;
}

static int scan(const text *t)
{
    folio_job *job = folio_job_new(NULL, NULL);
    int rc;

    cr_assert_not_null(job);
    rc = folio__html_prescan(t->p, t->len, job);
    if (rc < 0)
        cr_assert_not_null(strstr(folio_job_error(job), "attributes"));
    folio_job_free(job);
    free(t->p);
    return rc;
}

/* How many attributes libxml2 itself gives the first <p>. */
static int libxml2_count(const text *t)
{
    folio_job *job = folio_job_new(NULL, NULL);
    xmlDocPtr doc = folio__html_parse(t->p, t->len, job, NULL);
    xmlNodePtr n = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    int count = -1;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE && strcmp((char *)n->name, "p") == 0) {
            count = 0;
            for (xmlAttrPtr a = n->properties; a != NULL; a = a->next)
                count++;
            break;
        }
        n = dom_next(n, NULL, 0);
    }
    xmlFreeDoc(doc);
    folio_job_free(job);
    return count;
}

Test(bounds, limit_is_exact)
{
    text ok = tag_with("<p ", "a%d ", (int)FOLIO__MAX_ATTRS, ">x</p>");
    text over = tag_with("<p ", "a%d ", (int)FOLIO__MAX_ATTRS + 1, ">x</p>");

    cr_assert_eq(scan(&ok), FOLIO_OK);
    cr_assert_eq(scan(&over), FOLIO_ELIMIT);
}

/* Spellings of many attributes that a naive scan would miss; for each,
 * libxml2 really parses them (checked under the limit), and the scan
 * refuses them over it. */
Test(bounds, every_spelling_libxml2_reads_is_counted)
{
    static const struct {
        const char *head, *fmt;
    } cases[] = {
        { "<p a=\">\" ", "b%d=1 " },          /* '>' inside quotes */
        { "<p a='>' ", "b%d='>'" },           /* no blanks between */
        { "<p ", "b%d=\"x\"" },               /* quoted, no blanks */
        { "<p ", "b%d\t" },                   /* tabs */
        { "<p\n", "b%d\n=\nv\n" },            /* newlines around '=' */
        { "<P ", "B%d=\"<script>\" " },       /* markup in values */
        { "<!-- x --><p ", "b%d " },          /* after a comment */
        { "<script>x</script><p ", "b%d " },  /* after a script */
        { "<script/><p ", "b%d " },           /* an empty script */
        { "<scripts><p ", "b%d " },           /* not a script */
    };
    const int small = 50;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        text t = tag_with(cases[i].head, cases[i].fmt, small, ">x</p>");
        int n = libxml2_count(&t);
        text big;

        free(t.p);
        cr_assert(n >= small, "case %zu: libxml2 read %d attributes", i, n);
        big = tag_with(cases[i].head, cases[i].fmt,
                       (int)FOLIO__MAX_ATTRS + 10, ">x</p>");
        cr_assert_eq(scan(&big), FOLIO_ELIMIT, "case %zu not refused", i);
    }
}

/* What libxml2 does not read as attributes of one tag is not refused. */
Test(bounds, text_that_only_looks_like_attributes_passes)
{
    static const char *const heads[] = {
        "<script>if (a<b ",           /* script text */
        "<style>a<b ",                /* style text */
        "<p title=\"",                /* inside one quoted value */
        "a < b ",                     /* '<' not before a letter */
        "<p>x</p> ",                  /* text after a closed tag */
    };
    static const char *const tails[] = {
        ") {}</script><p>x</p>", "{}</style><p>x</p>", "\">x</p>",
        "<p>x</p>", "<p>x</p>",
    };

    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        text t = tag_with(heads[i], "w%d ", 5000, tails[i]);

        cr_assert_eq(scan(&t), FOLIO_OK, "case %zu refused", i);
    }
}

Test(bounds, node_budget_stops_the_parse)
{
    text t = tag_with("<html><body>", "<b>%d</b>", 600000, "</body></html>");
    folio_job *job = folio_job_new(NULL, NULL);
    xmlDocPtr doc = folio__html_parse(t.p, t.len, job, NULL);

    cr_assert_null(doc);
    cr_assert_not_null(strstr(folio_job_error(job), "more than 500000 "
                                                    "elements"));
    folio_job_free(job);
    free(t.p);

    /* Under the limit the whole page is there. */
    t = tag_with("<html><body>", "<b>%d</b>", 1000, "</body></html>");
    job = folio_job_new(NULL, NULL);
    doc = folio__html_parse(t.p, t.len, job, NULL);
    cr_assert_not_null(doc);
    cr_assert_null(folio_job_error(job));
    xmlFreeDoc(doc);
    folio_job_free(job);
    free(t.p);
}

Test(bounds, stray_end_tags_are_bounded)
{
    text t = tag_with("<html><body>", "<span>", 100000, "");
    folio_job *job = folio_job_new(NULL, NULL);
    xmlDocPtr doc;

    for (int i = 0; i < 100000; i++)
        adds(&t, "</q>");
    doc = folio__html_parse(t.p, t.len, job, NULL);
    cr_assert_null(doc);
    cr_assert_not_null(strstr(folio_job_error(job), "misplaced end tags"));
    folio_job_free(job);
    free(t.p);
}

/* The void elements libxml2 2.9 fills keep nothing inside: what follows
 * them stays in the page, in order. */
Test(bounds, void_elements_hold_nothing)
{
    static const char page[] =
        "<html><body><p>one<embed src=x>two<wbr>three</p>"
        "<video><source src=a><track src=b>four</video>"
        "<p>five<keygen>six</p><embed><embed>seven</body></html>";
    folio_job *job = folio_job_new(NULL, NULL);
    xmlDocPtr doc = folio__html_parse(page, sizeof page - 1, job, NULL);
    xmlNodePtr n;
    text words = { NULL, 0, 0 };

    cr_assert_not_null(doc);
    n = xmlDocGetRootElement(doc);
    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE &&
            (strcmp((char *)n->name, "embed") == 0 ||
             strcmp((char *)n->name, "wbr") == 0 ||
             strcmp((char *)n->name, "source") == 0 ||
             strcmp((char *)n->name, "track") == 0 ||
             strcmp((char *)n->name, "keygen") == 0))
            cr_assert_null(n->children, "<%s> has children", n->name);
        if (n->type == XML_TEXT_NODE) {
            adds(&words, (char *)n->content);
            adds(&words, " ");
        }
        n = dom_next(n, NULL, 0);
    }
    cr_assert_str_eq(words.p, "one two three four five six seven ");
    free(words.p);
    xmlFreeDoc(doc);
    folio_job_free(job);
}
