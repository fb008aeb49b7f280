/* SPDX-License-Identifier: MIT */
/* Main-content extraction (core/import/extract.c) on small pages: what is
 * dropped, what is kept, lazy images, fallbacks, CJK and deep trees. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "import.h"
#include "job.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static char *read_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fixtures/%s/source.html",
             FOLIO_TEST_SRCDIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static xmlDocPtr parse(const char *html)
{
    xmlDocPtr doc = folio__html_parse(html, strlen(html), NULL, NULL);
    cr_assert_not_null(doc);
    return doc;
}

static int is_block(const xmlNode *n)
{
    static const char *const names[] = {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
        "blockquote", "tr", "td", "th", "figcaption", "dd", "dt", "section",
        "article", "ul", "ol", "table", "figure", NULL
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return 0;
}

/* The text of a subtree, whitespace collapsed, one line per block.
 * Iterative, like the code under test. Caller frees. */
static char *text_of(xmlNode *root)
{
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    int space = 1;
    cr_assert_not_null(out);
    out[0] = '\0';
    xmlNode *n = root;
    while (n) {
        const char *add = NULL;
        if (n->type == XML_ELEMENT_NODE && is_block(n) && len > 0 &&
            out[len - 1] != '\n')
            add = "\n";
        else if (n->type == XML_TEXT_NODE && n->content)
            add = (const char *)n->content;
        for (const char *p = add; p && *p; p++) {
            char c = *p;
            if (c == ' ' || c == '\t' || c == '\r' || (c == '\n' && add != NULL
                                                       && add[0] != '\n')) {
                if (space)
                    continue;
                c = ' ';
                space = 1;
            } else {
                space = c == '\n';
            }
            if (len + 2 > cap) {
                cap *= 2;
                out = realloc(out, cap);
                cr_assert_not_null(out);
            }
            out[len++] = c;
            out[len] = '\0';
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = (n && n != root) ? n->next : NULL;
    }
    return out;
}

/* The `nth` (0-based) element named `name` below `root`, or NULL. */
static xmlNode *find_el(xmlNode *root, const char *name, int nth)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0 && nth-- == 0)
            return n;
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = (n && n != root) ? n->next : NULL;
    }
    return NULL;
}

static int count_el(xmlNode *root, const char *name)
{
    int n = 0;
    while (find_el(root, name, n))
        n++;
    return n;
}

static char *prop(xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

#define ASSERT_HAS(text, s) \
    cr_assert(strstr((text), (s)) != NULL, "missing \"%s\" in:\n%s", (s), \
              (text))
#define ASSERT_HASNT(text, s) \
    cr_assert(strstr((text), (s)) == NULL, "unwanted \"%s\" in:\n%s", (s), \
              (text))

/* Extracts from a fixture or inline page; returns the text. */
static char *extract_text(const char *html, const char *title,
                          folio__extract_result *res, xmlDocPtr *doc)
{
    *doc = parse(html);
    int rc = folio__extract(res, *doc, title, NULL, NULL);
    cr_assert_eq(rc, FOLIO_OK, "extract failed: %d", rc);
    cr_assert_not_null(res->root);
    return text_of(res->root);
}

/* ------------------------------------------------------------------ */
/* Boilerplate                                                        */
/* ------------------------------------------------------------------ */

Test(extract, drops_boilerplate)
{
    char *html = read_fixture("extract-boilerplate");
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, "The Quiet Return of the River Otter", &res,
                           &doc);
    cr_assert_not(res.fallback);
    ASSERT_HAS(t, "For the first time in forty years");
    ASSERT_HAS(t, "photographed a young otter");
    ASSERT_HAS(t, "Ecologists say");
    ASSERT_HAS(t, "The council now plans");
    ASSERT_HASNT(t, "cookies");          /* consent banner */
    ASSERT_HASNT(t, "News section");     /* navigation */
    ASSERT_HASNT(t, "Share on");         /* share bar */
    ASSERT_HASNT(t, "Beavers return");   /* related list */
    ASSERT_HASNT(t, "Related stories");
    ASSERT_HASNT(t, "COMMENT-TEXT");     /* comments */
    ASSERT_HASNT(t, "Leave a reply");
    ASSERT_HASNT(t, "HIDDEN-STYLE");     /* display: none */
    ASSERT_HASNT(t, "HIDDEN-ATTR");      /* hidden */
    ASSERT_HASNT(t, "ARIA-HIDDEN");      /* aria-hidden=true */
    ASSERT_HASNT(t, "Subscribe");        /* newsletter */
    ASSERT_HASNT(t, "SCRIPT-TEXT");
    ASSERT_HASNT(t, "Copyright");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

Test(extract, declared_article_survives_bad_id)
{
    /* A share-widget id on the declared article body must not sink it,
     * and a longer caption list must not win over it. */
    const char *html =
        "<html><body><ul class='gallery-legends'>"
        "<li>Caption one of a long gallery, with words, commas, more words "
        "and yet more words to make it long enough to count.</li>"
        "<li>Caption two of a long gallery, with words, commas, more words "
        "and yet more words to make it long enough to count.</li>"
        "<li>Caption three of a long gallery, with words, commas, more "
        "words and yet more words to make it long enough to count.</li>"
        "</ul><div itemprop='articleBody' id='share-btns-container'>"
        "<p>The real article starts here, and it has a few sentences of "
        "text, which is what a reader came for.</p>"
        "<p>It goes on for another paragraph, with more detail about the "
        "story, and a quote from someone involved in it.</p></div>"
        "</body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "The real article starts here");
    ASSERT_HAS(t, "It goes on for another paragraph");
    ASSERT_HASNT(t, "Caption one");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, heading_ids_are_not_hints)
{
    /* Documentation generators derive ids from headings: a section about
     * "sharing" is not a share bar. */
    const char *html =
        "<html><body><div class='document'>"
        "<div class='section' id='introduction'><h2>Introduction</h2>"
        "<p>This guide explains how the tool works, step by step, with "
        "examples that you can type and run yourself.</p></div>"
        "<div class='section' id='sharing-with-a-single-developer'>"
        "<h2>Sharing with a single developer</h2><p>SECTION-TWO: when you "
        "work alone on two machines, you push and pull your drafts between "
        "them, and nothing else changes.</p></div>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "This guide explains");
    ASSERT_HAS(t, "SECTION-TWO");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, drops_link_lines_and_trailing_heading)
{
    const char *html =
        "<html><body><div class='post'>"
        "<p>The first paragraph of the post is long enough to be scored as "
        "prose, with commas, clauses, and a full stop at the end.</p>"
        "<p>Read also: <a href='/x'>Another story about something else</a>"
        "</p>"
        "<p>The second paragraph carries on the story, with more words, "
        "more commas, and another full stop at the end of it.</p>"
        "<h3>More from the blog</h3>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "The first paragraph");
    ASSERT_HAS(t, "The second paragraph");
    ASSERT_HASNT(t, "Another story");
    ASSERT_HASNT(t, "More from the blog");
    free(t);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* What the article keeps                                             */
/* ------------------------------------------------------------------ */

Test(extract, keeps_figures_tables_code_lists_quotes)
{
    char *html = read_fixture("extract-content");
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, "Measuring Rain at Home", &res, &doc);
    xmlNode *r = res.root;
    cr_assert_not(res.fallback);
    cr_assert_eq(count_el(r, "figure"), 1);
    cr_assert_eq(count_el(r, "figcaption"), 1);
    cr_assert_eq(count_el(r, "img"), 1);
    cr_assert_eq(count_el(r, "table"), 1);
    cr_assert_eq(count_el(r, "th"), 3);
    cr_assert_eq(count_el(r, "tr"), 4);
    cr_assert_eq(count_el(r, "pre"), 1);
    cr_assert_eq(count_el(r, "code"), 1);
    cr_assert_eq(count_el(r, "li"), 3);
    cr_assert_eq(count_el(r, "blockquote"), 1);
    cr_assert_eq(count_el(r, "dt"), 2);
    cr_assert_eq(count_el(r, "h2"), 2);
    ASSERT_HAS(t, "The finished gauge on its post");
    ASSERT_HAS(t, "print(sum(readings.values()))");
    ASSERT_HAS(t, "Downpour");
    ASSERT_HAS(t, "After a month");
    ASSERT_HASNT(t, "weekend projects series");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

/* A short article whose first heading is `h1`. */
static void article_with_h1(char *buf, size_t cap, const char *h1)
{
    snprintf(buf, cap, "<html><body><article><h1>%s</h1>"
             "<p>The opening paragraph has enough words, and commas, to be "
             "taken for the start of a real article by the scorer.</p>"
             "<h2>Details</h2><p>The second paragraph adds details, with "
             "more words, so that the article is long enough to stand on "
             "its own.</p></article></body></html>", h1);
}

Test(extract, drops_heading_that_repeats_title)
{
    char html[2048];
    folio__extract_result res;
    xmlDocPtr doc;

    article_with_h1(html, sizeof html, "Budget Day Explained");
    char *t = extract_text(html, "Budget Day Explained", &res, &doc);
    cr_assert_eq(count_el(res.root, "h1"), 0);
    cr_assert_eq(count_el(res.root, "h2"), 1);
    ASSERT_HASNT(t, "Budget Day Explained");
    free(t);
    xmlFreeDoc(doc);

    /* A heading that differs from the title stays. */
    article_with_h1(html, sizeof html, "What the Budget Means for You");
    t = extract_text(html, "Budget Day Explained", &res, &doc);
    cr_assert_eq(count_el(res.root, "h1"), 1);
    ASSERT_HAS(t, "What the Budget Means for You");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, merges_sibling_sections)
{
    /* One article cut into two same-class sections, a subhead between
     * them. */
    const char *html =
        "<html><body><div class='wrap'>"
        "<div class='part'><div><div><div><div><div>"
        "<p>PART-ONE opens the story, with a long sentence, several commas, "
        "and enough words to look like an article paragraph.</p>"
        "<p>It continues, with more of the same, so that this part of the "
        "page scores as prose and not as a menu.</p>"
        "</div></div></div></div></div></div>"
        "<div class='ad-slot'>Advertisement</div>"
        "<h2>SUBHEAD between the parts</h2>"
        "<div class='part'><div><div><div><div><div>"
        "<p>PART-TWO finishes the story, with its own long sentence, more "
        "commas, and a conclusion for the patient reader.</p>"
        "</div></div></div></div></div></div>"
        "</div><div class='sidebar'><p>Sidebar text that is not part of the "
        "story but is long enough to be scored by a naive scorer.</p></div>"
        "</body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "PART-ONE");
    ASSERT_HAS(t, "PART-TWO");
    ASSERT_HAS(t, "SUBHEAD");
    cr_assert(strstr(t, "PART-ONE") < strstr(t, "SUBHEAD") &&
              strstr(t, "SUBHEAD") < strstr(t, "PART-TWO"));
    ASSERT_HASNT(t, "Advertisement");
    ASSERT_HASNT(t, "Sidebar text");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, keeps_article_inside_noscript)
{
    const char *html =
        "<html><body><div id='app'></div><noscript><div class='post'>"
        "<p>NOSCRIPT-ARTICLE: this blog renders with JavaScript, so the "
        "server also sends the post inside a noscript element for readers "
        "without it.</p><p>That copy is the only one in the saved page, so "
        "it is the article, and it must be kept whole, every paragraph of "
        "it.</p></div></noscript>"
        "<noscript>Please enable JavaScript.</noscript></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "NOSCRIPT-ARTICLE");
    ASSERT_HAS(t, "every paragraph");
    ASSERT_HASNT(t, "enable JavaScript");
    free(t);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Images                                                             */
/* ------------------------------------------------------------------ */

Test(extract, fixes_lazy_images)
{
    char *html = read_fixture("extract-lazy-images");
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    xmlNode *r = res.root;
    const char *want[] = {
        "/img/point.jpg",      /* data-src over a data: placeholder */
        "/img/head-1600.jpg",  /* the largest srcset candidate */
        "/img/harbour.jpg",    /* the <noscript> fallback */
        "/img/map-2x.webp",    /* <picture><source> for a src-less img */
    };
    for (int i = 0; find_el(r, "img", i); i++) {
        char *src = prop(find_el(r, "img", i), "src");
        cr_log_info("img %d: %s", i, src ? src : "(none)");
        xmlFree(src);
    }
    cr_assert_eq(count_el(r, "img"), 4, "tracking pixel not dropped?");
    for (int i = 0; i < 4; i++) {
        char *src = prop(find_el(r, "img", i), "src");
        cr_assert_not_null(src, "img %d has no src", i);
        cr_assert_str_eq(src, want[i]);
        xmlFree(src);
    }
    cr_assert_eq(count_el(r, "noscript"), 0);
    ASSERT_HAS(t, "The harbour light is the smallest");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Fallbacks and failures                                             */
/* ------------------------------------------------------------------ */

Test(extract, flags_fallback_when_nothing_scores)
{
    const char *html =
        "<html><body><div>Opening hours</div><div>Mon-Fri 9-5</div>"
        "<div>Closed on Sundays</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    cr_assert(res.fallback);
    ASSERT_HAS(t, "Opening hours");
    ASSERT_HAS(t, "Closed on Sundays");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, body_article_is_not_a_fallback)
{
    /* Paragraphs straight in <body>: the body is the article. */
    const char *html =
        "<html><body><p>A page with its paragraphs directly in the body, "
        "which old hand-written sites do, with commas, and full stops.</p>"
        "<p>Another paragraph of the same page, also long enough to count "
        "as prose in the eyes of the scorer, truly.</p></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    cr_assert_not(res.fallback);
    ASSERT_HAS(t, "Another paragraph");
    free(t);
    xmlFreeDoc(doc);
}

Test(extract, no_text_is_not_found)
{
    const char *pages[] = {
        "<html><body><div><img src='a.png'></div></body></html>",
        "<html><body>   <script>var x = 'text';</script></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
    };
    for (size_t i = 0; i < 3; i++) {
        xmlDocPtr doc = parse(pages[i]);
        folio__extract_result res;
        int rc = folio__extract(&res, doc, NULL, NULL, NULL);
        cr_assert_eq(rc, FOLIO_ENOTFOUND, "page %zu: rc %d", i, rc);
        cr_assert_null(res.root);
        xmlFreeDoc(doc);
    }
}

/* ------------------------------------------------------------------ */
/* Scripts without spaces                                             */
/* ------------------------------------------------------------------ */

Test(extract, cjk_article)
{
    /* Short paragraphs by Latin standards: CJK characters are weighed as
     * words, so the article is found without a fallback. */
    char *html = read_fixture("extract-cjk");
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, "城市里的候鸟", &res, &doc);
    cr_assert_not(res.fallback);
    ASSERT_HAS(t, "每年秋天");
    ASSERT_HAS(t, "观鸟爱好者说");
    ASSERT_HAS(t, "专家提醒市民");
    ASSERT_HAS(t, "公园管理处表示");
    ASSERT_HASNT(t, "首页");
    ASSERT_HASNT(t, "版权所有");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Hostile shapes                                                     */
/* ------------------------------------------------------------------ */

#define DEPTH 100000

static char *deep_page(void)
{
    const char *para = "<p>Deep inside the page there is a paragraph, with "
                       "commas, words and a full stop, to be found.</p>";
    size_t cap = (size_t)DEPTH * 11 + 1024;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t len = 0;
    len += (size_t)sprintf(buf + len, "<html><body><nav>Menu</nav>");
    for (int i = 0; i < DEPTH; i++)
        len += (size_t)sprintf(buf + len, "<div>");
    len += (size_t)sprintf(buf + len, "%s%s", para, para);
    for (int i = 0; i < DEPTH; i++)
        len += (size_t)sprintf(buf + len, "</div>");
    sprintf(buf + len, "</body></html>");
    return buf;
}

Test(extract, deep_nesting_finishes, .timeout = 10)
{
    char *html = deep_page();
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Deep inside the page");
    ASSERT_HASNT(t, "Menu");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

Test(clean_whole, deep_nesting_finishes, .timeout = 10)
{
    char *html = deep_page();
    xmlDocPtr doc = parse(html);
    folio__extract_result res;
    cr_assert_eq(folio__clean_whole(&res, doc, NULL, NULL), FOLIO_OK);
    char *t = text_of(res.root);
    ASSERT_HAS(t, "Deep inside the page");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

/* ------------------------------------------------------------------ */
/* --no-extract                                                       */
/* ------------------------------------------------------------------ */

Test(clean_whole, keeps_page_drops_scripts_forms_hidden)
{
    const char *html =
        "<html><head><style>p{}</style></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        "<script>SCRIPT-TEXT</script><style>STYLE-TEXT</style>"
        "<p>Visible paragraph.</p>"
        "<form><input name='q'><label>Search</label><button>Go</button>"
        "</form>"
        "<div style='display:none'>HIDDEN-TEXT</div>"
        "<div class='share'>Share this</div>"
        "</body></html>";
    xmlDocPtr doc = parse(html);
    folio__extract_result res;
    cr_assert_eq(folio__clean_whole(&res, doc, NULL, NULL), FOLIO_OK);
    cr_assert_not_null(res.root);
    cr_assert_str_eq((const char *)res.root->name, "body");
    char *t = text_of(res.root);
    ASSERT_HAS(t, "Home");            /* the whole page: nav stays */
    ASSERT_HAS(t, "Visible paragraph.");
    ASSERT_HAS(t, "Share this");      /* no boilerplate guessing */
    ASSERT_HASNT(t, "SCRIPT-TEXT");
    ASSERT_HASNT(t, "STYLE-TEXT");
    ASSERT_HASNT(t, "HIDDEN-TEXT");
    ASSERT_HASNT(t, "Search");
    cr_assert_eq(count_el(res.root, "form"), 0);
    cr_assert_eq(count_el(res.root, "input"), 0);
    free(t);
    xmlFreeDoc(doc);
}

Test(clean_whole, keeps_page_wide_form)
{
    /* ASP.NET pages wrap the whole body in one form. */
    const char *html =
        "<html><body><form id='aspnetForm'><input type='hidden'>"
        "<p>The whole page lives inside a form, as on many old sites.</p>"
        "<form><input name='q'><p>x</p></form></form></body></html>";
    xmlDocPtr doc = parse(html);
    folio__extract_result res;
    cr_assert_eq(folio__clean_whole(&res, doc, NULL, NULL), FOLIO_OK);
    char *t = text_of(res.root);
    ASSERT_HAS(t, "The whole page lives inside a form");
    free(t);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Boilerplate lines (labels, leads, dates) in several languages      */
/* ------------------------------------------------------------------ */

Test(extract, drops_boilerplate_lines)
{
    char *html = read_fixture("extract-lines");
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, "Die Rückkehr der Störche", &res, &doc);
    ASSERT_HAS(t, "Seit dem Frühjahr");
    ASSERT_HAS(t, "Der Naturschutzbund");
    ASSERT_HAS(t, "Die Storchenbeauftragte");
    /* Inline words that look like labels stay inside their sentence. */
    ASSERT_HAS(t, "dazu. Kontakt");
    ASSERT_HAS(t, "Im Sommer 2019");
    /* Captions and credits are content. */
    ASSERT_HAS(t, "Foto: Anna Berg");
    /* List items with numbers are not dates. */
    ASSERT_HAS(t, "250 g Mehl");
    ASSERT_HAS(t, "Zutaten 2019");
    ASSERT_HASNT(t, "23.10.2018");          /* date line */
    ASSERT_HASNT(t, "Lesen Sie auch");      /* label ... */
    ASSERT_HASNT(t, "Kraniche");            /* ... and its link list */
    ASSERT_HASNT(t, "Читайте");             /* Cyrillic capital folded */
    ASSERT_HASNT(t, "Teilen Sie");
    ASSERT_HASNT(t, "Dieser Eintrag");
    ASSERT_HASNT(t, "Alle Rechte");
    free(t);
    xmlFreeDoc(doc);
    free(html);
}

Test(extract, drops_lines_in_other_languages)
{
    const char *html =
        "<html><body><div class='x'>"
        "<p>Le conseil municipal a voté hier soir le budget de l'année, "
        "après un long débat sur les écoles, les routes et la piscine, "
        "que la majorité veut rénover avant l'été prochain.</p>"
        "<p>Lire aussi</p>"
        "<p>L'opposition a voté contre, estimant que la dette de la ville "
        "est déjà trop élevée et que les impôts locaux vont augmenter, ce "
        "que le maire conteste formellement.</p>"
        "<p>MIRA: Otra noticia que no es parte del artículo</p>"
        "<p><a href='/list'>Back to top</a></p>"
        "<p>5 min read</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Le conseil municipal");
    ASSERT_HAS(t, "L'opposition");
    ASSERT_HASNT(t, "Lire aussi");
    ASSERT_HASNT(t, "Otra noticia");
    ASSERT_HASNT(t, "Back to top");
    ASSERT_HASNT(t, "min read");
    free(t);
    xmlFreeDoc(doc);

}

/* A long paragraph that merely starts like a label is prose. */
Test(extract, keeps_prose_starting_like_a_label)
{
    const char *html =
        "<html><body><div>"
        "<p>Comments from the minister came late on Tuesday, after the "
        "committee had already published its report on the state of the "
        "railways, which found that most lines run late.</p>"
        "<p>Related research, published last year, found the same, and "
        "the authors warned that nothing would change without money.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Comments from the minister");
    ASSERT_HAS(t, "Related research");
    free(t);
    xmlFreeDoc(doc);
}

/* Right-to-left text: no space-based thresholds, its labels known. */
Test(extract, arabic_article_drops_read_also)
{
    const char *html =
        "<html dir='rtl' lang='ar'><body><nav><a href='/'>الرئيسية</a> "
        "<a href='/n'>أخبار</a></nav><div class='post'>"
        "<p dir='rtl'>أعلنت البلدية يوم الثلاثاء عن افتتاح حديقة جديدة في "
        "وسط المدينة، بعد أعمال استمرت أكثر من عامين، وقالت إن الحديقة "
        "ستفتح أبوابها للجمهور مجانا طوال أيام الأسبوع.</p>"
        "<p dir='rtl'>وأضافت البلدية أن الحديقة تضم أكثر من ألف شجرة "
        "ومساحات للعب الأطفال، وأنها ستنظم فيها أنشطة ثقافية.</p>"
        "<p>اقرأ أيضا</p><ul><li><a href='/x'>خبر آخر</a></li></ul>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "أعلنت البلدية");
    ASSERT_HAS(t, "وأضافت البلدية");
    ASSERT_HASNT(t, "اقرأ");
    ASSERT_HASNT(t, "خبر آخر");
    ASSERT_HASNT(t, "الرئيسية");
    free(t);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Pages of several stories; the headline picks the article           */
/* ------------------------------------------------------------------ */

/* An endless-scroll page: the story under the page's title comes
 * second and is the shortest; the longer stories around it, each under
 * its own <h1>, are not the article, and the article does not grow into
 * them. */
Test(extract, picks_the_story_under_the_headline)
{
    const char *html =
        "<html><body><div class='stories'>"
        "<article class='story'><h1>Floods close the river road</h1>"
        "<div class='text'><p>The river road was closed on Monday after "
        "two days of rain, and the council said it would stay closed "
        "until the water falls, which may take a week or more.</p>"
        "<p>Drivers are asked to use the hill road, which adds twenty "
        "minutes, and buses will run every half hour, the operator "
        "said, as long as the bridge is safe to cross.</p>"
        "<p>Farmers along the river said, again, that the dykes were "
        "too low, and that they had written to the council about it, "
        "several times, without an answer.</p></div></article>"
        "<article class='story'><h1>Library opens on Sundays</h1>"
        "<div class='text'><p>From next month the town library opens "
        "on Sundays, from ten to four, the mayor announced, after a "
        "petition signed by eight hundred readers.</p>"
        "<p>Two new librarians will be hired, paid from the culture "
        "budget, which the council raised last spring.</p>"
        "</div></article>"
        "<article class='story'><h1>New bakery on the square</h1>"
        "<div class='text'><p>A bakery opened on the market square on "
        "Saturday, in the old post office, and by noon, the owners "
        "said, all the bread was sold.</p>"
        "<p>The owners, two sisters from the valley, bake with flour "
        "from the mill upstream, and plan, they said, to open a café "
        "in the back room next year, if the town agrees.</p>"
        "<p>Neighbours welcomed the smell of bread, though some, the "
        "sisters admitted, complained about the early deliveries, at "
        "four in the morning, every day.</p></div></article>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, "Library opens on Sundays", &res, &doc);
    ASSERT_HAS(t, "From next month the town library");
    ASSERT_HAS(t, "Two new librarians");
    ASSERT_HASNT(t, "river road");
    ASSERT_HASNT(t, "bakery");
    free(t);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Rules pinned by the corpus work                                    */
/* ------------------------------------------------------------------ */

/* An id made from a German heading ("nav_nur_die_folie") names an
 * anchor, not navigation: the subheading stays. */
Test(extract, keeps_heading_with_slug_id_in_german)
{
    const char *html =
        "<html><body><div class='article-content'>"
        "<p>Die Firma zerlegt alte Akkus in einer Stickstoffatmosphäre, "
        "damit nichts brennt, und gewinnt so Kobalt, Nickel und Mangan "
        "zurück, ohne die Zellen einzuschmelzen.</p>"
        "<h3 id='nav_nur_die_folie__1'>Nur die Folie bleibt zurück</h3>"
        "<p>Am Ende bleibt nur die Trennfolie übrig, die bisher noch "
        "verbrannt wird, wie der Geschäftsführer sagt, aber auch dafür "
        "sucht die Firma schon eine Lösung.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Nur die Folie bleibt zurück");
    ASSERT_HAS(t, "Am Ende bleibt");
    free(t);
    xmlFreeDoc(doc);
}

/* A copyright notice of a few sentences goes; a paragraph that starts
 * with a photo credit and goes on with the story stays. */
Test(extract, drops_long_copyright_notice)
{
    const char *html =
        "<html><body><div class='entry'>"
        "<p>© Provided by Example Wire. The council approved the new "
        "budget on Tuesday, after a long debate about schools, roads and "
        "the swimming pool, which the majority wants to renovate before "
        "next summer, and which the opposition, in a long speech by its "
        "leader, called a waste of money in hard times for the town.</p>"
        "<p>The opposition voted against it, saying the town's debt is "
        "already too high and that local taxes will have to rise, which "
        "the mayor denies, pointing to the savings of the last years.</p>"
        "<p>© 2022, Example News. This article is the copyrighted "
        "property of Example News. Written permission must be obtained "
        "before reprint in online or print media. REPRINTING CONTENT "
        "WITHOUT PERMISSION AND/OR PAYMENT IS THEFT AND PUNISHABLE BY "
        "LAW, and we will pursue it in every court of the land.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Provided by Example Wire. The council approved");
    ASSERT_HAS(t, "The opposition voted");
    ASSERT_HASNT(t, "copyrighted property");
    free(t);
    xmlFreeDoc(doc);
}

/* A post that is a list of links, each with a note: the linked titles
 * are the content, not "Read also" lines. */
Test(extract, keeps_link_roll_titles)
{
    const char *html =
        "<html><body><div class='entry-content'><ul class='links'>"
        "<li><p><a href='/a'>Study doubts state aid for newspapers</a></p>"
        "<p>via Horizont, a trade paper, which read the whole study and "
        "asked three publishers what they make of it.</p></li>"
        "<li><p><a href='/b'>Blame instead of protecting the victims</a>"
        "</p><p>via a blog on digital rights, about the new law on hate "
        "speech and what it asks of the platforms.</p></li>"
        "<li><p><a href='/c'>Brussels weighs a ban on face recognition"
        "</a></p><p>via the same blog, on a leaked paper of the "
        "Commission that proposes a pause of five years.</p></li>"
        "</ul></div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Study doubts state aid for newspapers");
    ASSERT_HAS(t, "Brussels weighs a ban on face recognition");
    ASSERT_HAS(t, "via a blog on digital rights");
    free(t);
    xmlFreeDoc(doc);
}

#define LD_BODY_TEXT                                                      \
    "The harbour board met on Thursday to decide the future of the old "  \
    "grain terminal, which has stood empty for six years.\\n\\nMembers "  \
    "heard three plans: a marina, a housing block, and a museum of the "  \
    "port, which the historical society has wanted for decades.\\n\\n"    \
    "The board chose none of them, and asked for a study of the costs "   \
    "of repairing the quay first, which will take until the spring, "     \
    "its chairwoman said after the meeting."

/* A page its scripts render: the markup holds no article, the JSON-LD
 * holds the text. */
Test(extract, uses_jsonld_body_when_markup_lacks_it)
{
    const char *html =
        "<html><head><script type='application/ld+json'>"
        "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\","
        "\"headline\":\"Terminal\",\"articleBody\":\"" LD_BODY_TEXT "\"}"
        "</script></head><body><div id='app'><nav><a href='/'>Home</a> "
        "<a href='/news'>News</a></nav><p>Loading the article, please "
        "wait a moment while the page gets ready.</p></div>"
        "</body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "The harbour board met on Thursday");
    ASSERT_HAS(t, "its chairwoman said after the meeting.");
    ASSERT_HASNT(t, "Loading the article");
    /* One paragraph per paragraph of the JSON text. */
    cr_assert_eq(count_el(res.root, "p"), 3);
    free(t);
    xmlFreeDoc(doc);
}

/* When the markup holds the same text, the markup wins: it has the
 * subheadings and links the JSON lacks. */
Test(extract, prefers_markup_that_has_the_jsonld_body)
{
    const char *html =
        "<html><head><script type='application/ld+json'>"
        "{\"@type\":\"NewsArticle\",\"articleBody\":\"" LD_BODY_TEXT "\"}"
        "</script></head><body><div class='story'>"
        "<p>The harbour board met on Thursday to decide the future of the "
        "old grain terminal, which has stood empty for six years.</p>"
        "<h2>Three plans</h2>"
        "<p>Members heard three plans: a marina, a housing block, and a "
        "museum of the port, which the historical society has wanted "
        "for decades.</p>"
        "<p>The board chose none of them, and asked for a study of the "
        "costs of repairing the quay first, which will take until the "
        "spring, its chairwoman said after the meeting.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Three plans");
    ASSERT_HAS(t, "The harbour board met");
    free(t);
    xmlFreeDoc(doc);
}

/* Calls to action and notes around an article, in several languages;
 * prose that starts with similar words stays. */
Test(extract, drops_calls_to_action)
{
    const char *html =
        "<html><body><div class='entry'>"
        "<p>For the latest quarter, the port reported more ships than in "
        "any quarter since the war, and the harbour master expects the "
        "trend to hold through the winter, weather permitting.</p>"
        "<p>Der Hafen will die Kaimauer bis zum Sommer erneuern, sagte "
        "die Sprecherin, und dafür zwei Millionen Euro ausgeben, die zum "
        "Teil vom Land kommen sollen.</p>"
        "<p>For the latest stories and breaking news updates download the "
        "Example News apps for iOS and Android.</p>"
        "<p>Mehr zum Thema auf example.de</p>"
        "<p>Sie sind aktuell nicht eingeloggt.</p>"
        "<p>Stand: 05. Februar 2020</p>"
        "<p>Puede escribirnos a redaccion@example.com o seguirnos en las "
        "redes sociales.</p>"
        "<p>We want to hear what you think about this article. Submit a "
        "letter to the editor.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "For the latest quarter");
    ASSERT_HAS(t, "Der Hafen will");
    ASSERT_HASNT(t, "breaking news updates");
    ASSERT_HASNT(t, "Mehr zum Thema");
    ASSERT_HASNT(t, "eingeloggt");
    ASSERT_HASNT(t, "Stand:");
    ASSERT_HASNT(t, "escribirnos");
    ASSERT_HASNT(t, "want to hear");
    free(t);
    xmlFreeDoc(doc);
}

/* A reference list, all commas, outscores the short paper above it:
 * the article is the container of both. */
Test(extract, reference_list_is_not_the_whole_article)
{
    const char *html =
        "<html><body><nav><a href='/'>Journal</a></nav>"
        "<div class='paper'><div class='abstract'>"
        "<p>Background: Vaccination reduces hospital stays among older "
        "people. We studied adults aged 55 to 75 years in one region "
        "during 2000 to 2014.</p>"
        "<p>Primary funding source: a national research council.</p>"
        "</div><ul class='refs'>"
        "<li>Smith A, Jones B, Brown C, et al. Influenza in adults, "
        "a cohort study, 2001-2010. J Med. 2012;3(4):10-20.</li>"
        "<li>Miller D, Wilson E, Moore F, et al. Costs, outcomes, and "
        "care, in a register study. Ann Med. 2014;5(2):30-41.</li>"
        "<li>Taylor G, Anderson H, Thomas I, et al. Vaccines, ageing, "
        "and immunity, a review. Rev Med. 2015;8(1):1-9.</li>"
        "<li>Jackson J, White K, Harris L, et al. Mortality, winter, "
        "and flu, revisited. Epid J. 2016;9(3):44-52.</li>"
        "<li>Martin M, Thompson N, Garcia O, et al. Hospital stays, "
        "costs, and policy, in Europe. Health P. 2017;2(2):5-15.</li>"
        "</ul></div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Vaccination reduces hospital stays");
    ASSERT_HAS(t, "Primary funding source");
    ASSERT_HAS(t, "Smith A, Jones B");
    free(t);
    xmlFreeDoc(doc);
}

/* The body of a paid article carries a paywall class, and the page
 * declares <main> elsewhere: a content word on it and most of the text
 * keep it. The author box under it goes. */
Test(extract, keeps_paywalled_body_drops_author_box)
{
    const char *html =
        "<html><body><main><article>"
        "<p class='lead'>A farmer sprayed a field next to a rural school "
        "inside the protected area, the neighbours say, and the "
        "association of parents, which has asked for a buffer zone since "
        "the school opened, wrote to the ministry, the mayor and the "
        "regional council on the same day, asking for the spraying to "
        "stop until the rules for the area are settled, which, after "
        "three years of talks between the farmers, the neighbours and "
        "the ministry, they still are not, as the plan for the area has "
        "been rewritten twice and is still waiting for a vote.</p>"
        "<div class='article-body paywalled-content'>"
        "<p>Two beekeepers walking past the school in March saw that the "
        "fields around it had been burnt by the spraying, and reported "
        "it to the ministry, which is in charge of such cases.</p>"
        "<p>Since 2011 a resolution forbids spraying within three hundred "
        "metres of a rural school, by air, and within fifty by land, but "
        "the neighbours say nobody checks it in the area.</p>"
        "<p>The ministry said it would send inspectors, and that the "
        "farmer could face a fine, once the samples are analysed.</p>"
        "<p>The farmer, reached by phone, said he had sprayed on a "
        "Sunday, when the school was closed, and that the wind blew "
        "away from it, so that no child was ever at risk, in his view.</p>"
        "<p>The parents do not believe it: the leaves of the trees in "
        "the schoolyard turned brown within days, they say, and they "
        "have photographs of it, taken on the Monday morning, which "
        "they sent to the ministry with their letter.</p>"
        "</div>"
        "<div class='author-info'><p>Jane Doe writes about farming, "
        "the environment and rural life, and has done so for twenty "
        "years, for papers in three countries.</p></div>"
        "</article></main></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Two beekeepers walking past");
    ASSERT_HAS(t, "The ministry said");
    ASSERT_HASNT(t, "writes about farming");
    free(t);
    xmlFreeDoc(doc);
}

/* Teasers cut off with an ellipsis and a "more" link go; prose that
 * trails off stays. */
Test(extract, drops_teaser_lines)
{
    const char *html =
        "<html><body><div class='entry-content'>"
        "<p>The weather service publishes its yearly report on the "
        "climate of the country, with the temperatures, the rain and the "
        "sunshine of every month, compared with the long-term mean.</p>"
        "<p>This year was the warmest since records began, and the "
        "driest in the east, while the west had more rain than usual, "
        "he said, and then, after a pause: \"We will see…\"</p>"
        "<div class='box'><p>Information about past weather… more "
        "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2</p></div>"
        "<div class='box'><p>Berechnung der erwartbaren Energieproduktion"
        "\xe2\x80\xa6 mehr \xc2\xbb</p></div>"
        "<div class='box'><p>Final sale: get the hottest bargains of the "
        "season before they are gone, and without emptying your purse "
        "[\xe2\x80\xa6]</p></div>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "The weather service publishes");
    ASSERT_HAS(t, "We will see");
    ASSERT_HASNT(t, "past weather");
    ASSERT_HASNT(t, "Energieproduktion");
    ASSERT_HASNT(t, "bargains");
    free(t);
    xmlFreeDoc(doc);
}

/* More notes around articles: reading times, relative dates, related
 * labels in French, licence and shop notes. */
Test(extract, drops_reading_times_and_notes)
{
    const char *html =
        "<html><body><div class='entry-content'>"
        "<p>By Jane Doe Feb 8, 2020 5 min read</p>"
        "<p>Asked 8 years, 2 months ago</p>"
        "<p>Le conseil municipal a voté hier soir le budget de l'année, "
        "après un long débat sur les écoles, les routes et la piscine, "
        "que la majorité veut rénover avant l'été prochain.</p>"
        "<p>L'opposition a voté contre, estimant que la dette de la ville "
        "est déjà trop élevée et que les impôts locaux vont augmenter.</p>"
        "<p>Audios et vidéos sur le sujet</p>"
        "<ul><li><a href='/a'>Le budget de l'an dernier</a></li>"
        "<li><a href='/b'>La piscine fermée</a></li></ul>"
        "<p>Sauf mention contraire, les contenus sont sous licence CC-BY."
        "</p>"
        "<p>Der Artikel wurde erfolgreich hinzugefügt.</p>"
        "</div></body></html>";
    folio__extract_result res;
    xmlDocPtr doc;
    char *t = extract_text(html, NULL, &res, &doc);
    ASSERT_HAS(t, "Le conseil municipal");
    ASSERT_HAS(t, "L'opposition");
    ASSERT_HASNT(t, "min read");
    ASSERT_HASNT(t, "months ago");
    ASSERT_HASNT(t, "Audios et vidéos");
    ASSERT_HASNT(t, "La piscine fermée");
    ASSERT_HASNT(t, "licence");
    ASSERT_HASNT(t, "hinzugefügt");
    free(t);
    xmlFreeDoc(doc);
}
