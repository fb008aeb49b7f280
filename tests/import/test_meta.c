/* SPDX-License-Identifier: MIT */
/* Page metadata (core/import/meta.c): each source and the title rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "import.h"
#include "job.h"

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

/* Reads the metadata of `html` into a new document (caller frees). */
static folio_doc *meta_of(const char *html, const char *base)
{
    xmlDocPtr x = folio__html_parse(html, strlen(html), NULL, NULL);
    cr_assert_not_null(x);
    folio_doc *doc = folio_doc_new();
    cr_assert_not_null(doc);
    cr_assert_eq(folio__meta_extract(x, doc, base, NULL), FOLIO_OK);
    xmlFreeDoc(x);
    return doc;
}

static const folio_meta *M(folio_doc *doc)
{
    return folio_doc_meta(doc);
}

#define STR_EQ_OR_NULL(got, want)                                          \
    do {                                                                   \
        const char *g_ = (got), *w_ = (want);                              \
        if (w_ == NULL)                                                    \
            cr_assert_null(g_, "expected NULL, got \"%s\"", g_);           \
        else {                                                             \
            cr_assert_not_null(g_, "expected \"%s\", got NULL", w_);       \
            cr_assert_str_eq(g_, w_);                                      \
        }                                                                  \
    } while (0)

/* Title of a page made of `head` and `body` snippets. */
static void check_title(const char *head, const char *body,
                        const char *want_title, const char *want_site)
{
    char html[4096];
    snprintf(html, sizeof html, "<html><head>%s</head><body>%s</body></html>",
             head, body);
    folio_doc *doc = meta_of(html, NULL);
    STR_EQ_OR_NULL(M(doc)->title, want_title);
    STR_EQ_OR_NULL(M(doc)->site_name, want_site);
    folio_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* A page with every source                                           */
/* ------------------------------------------------------------------ */

Test(meta, full_page)
{
    char *html = read_fixture("meta-full");
    folio_doc *doc = meta_of(html, "https://rail.example/news/");
    const folio_meta *m = M(doc);

    /* og:title beats <title>; whitespace collapsed. */
    cr_assert_str_eq(m->title, "Night trains are back in fashion across "
                     "Europe");
    cr_assert_str_eq(m->site_name, "The Rail Review");
    /* og:description beats description; the entity was decoded once, by
     * the parser ("&amp;amp;" is the text "&amp;"). */
    cr_assert_str_eq(m->description,
                     "Sleeper services are returning, &amp; booking fast.");
    /* canonical beats og:url, resolved against the base. */
    cr_assert_str_eq(m->url, "https://rail.example/2024/05/night-trains");
    cr_assert_str_eq(m->image, "https://rail.example/img/sleeper.jpg");
    cr_assert_str_eq(m->published, "2024-05-01T09:30:00+02:00");
    cr_assert_str_eq(m->modified, "2024-05-02T10:00:00");
    /* article:author is a profile URL: skipped; "and" splits names. */
    cr_assert_eq(m->n_authors, 2);
    cr_assert_str_eq(m->authors[0], "Inès Moreau");
    cr_assert_str_eq(m->authors[1], "Tom Baker");
    cr_assert_str_eq(m->section, "Travel");
    cr_assert_eq(m->n_tags, 2);
    cr_assert_str_eq(m->tags[0], "trains");
    cr_assert_str_eq(m->tags[1], "Europe");
    cr_assert_str_eq(m->lang, "en-GB");
    cr_assert_str_eq(m->dir, "ltr");
    folio_doc_free(doc);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Title rules                                                        */
/* ------------------------------------------------------------------ */

Test(meta, title_site_suffix_removed_when_it_is_the_site)
{
    check_title("<title>Budget Day Explained | Daily Planet</title>"
                "<meta property='og:site_name' content='Daily Planet'>", "",
                "Budget Day Explained", "Daily Planet");
    check_title("<title>Budget Day Explained \xe2\x80\x94 Daily Planet"
                "</title><meta name='application-name' "
                "content='Daily Planet'>", "",
                "Budget Day Explained", "Daily Planet");
}

Test(meta, title_site_prefix_removed_when_it_is_the_site)
{
    check_title("<title>Daily Planet: Budget Day Explained in Full</title>"
                "<meta property='og:site_name' content='Daily Planet'>", "",
                "Budget Day Explained in Full", "Daily Planet");
    check_title("<title>Daily Planet | Budget Day Explained</title>"
                "<meta property='og:site_name' content='Daily Planet'>", "",
                "Budget Day Explained", "Daily Planet");
}

Test(meta, title_from_matching_h1)
{
    check_title("<title>Budget Day Explained - DP News</title>",
                "<h1>Budget Day Explained</h1>",
                "Budget Day Explained", "DP News");
}

Test(meta, title_never_cut_when_short_or_not_the_site)
{
    /* A short title with a dash is the title. */
    check_title("<title>Star Wars - The Force Awakens</title>", "",
                "Star Wars - The Force Awakens", NULL);
    /* The site is known and the suffix is not it. */
    check_title("<title>A Tale of Two Cities Retold | Chapter One</title>"
                "<meta property='og:site_name' content='Penguin'>", "",
                "A Tale of Two Cities Retold | Chapter One", "Penguin");
    /* A logo <h1> equal to the short tail does not become the title. */
    check_title("<title>Shared Mutable History \xe2\x80\x94 evolve</title>",
                "<h1>evolve</h1>",
                "Shared Mutable History \xe2\x80\x94 evolve", NULL);
}

Test(meta, title_bare_separators_only_next_to_non_ascii)
{
    /* CJK sites join parts with a bare '_' or a fullwidth bar. */
    check_title("<title>\xe5\x9f\x8e\xe5\xb8\x82\xe9\xb8\x9f_"
                "\xe9\xa2\x91\xe9\x81\x93_\xe7\xbd\x91</title>",
                "<h1>\xe5\x9f\x8e\xe5\xb8\x82\xe9\xb8\x9f</h1>",
                "\xe5\x9f\x8e\xe5\xb8\x82\xe9\xb8\x9f", "\xe7\xbd\x91");
    /* In Latin text they are part of the title. */
    check_title("<title>Why my_variable shadows the global one in "
                "Python closures</title>",
                "<h1>Why my</h1>",
                "Why my_variable shadows the global one in Python closures",
                NULL);
}

Test(meta, title_long_headline_loses_short_suffix)
{
    check_title("<title>How the city council finally fixed the ring road | "
                "Metro</title>", "",
                "How the city council finally fixed the ring road", "Metro");
}

Test(meta, title_from_h1_without_title)
{
    check_title("", "<h1>  Only a <em>heading</em>  </h1>", "Only a heading",
                NULL);
}

Test(meta, og_title_keeps_its_own_suffix_unless_site)
{
    check_title("<meta property='og:title' content='Ten Years | A "
                "Retrospective'><meta property='og:site_name' "
                "content='Arts Weekly'>", "",
                "Ten Years | A Retrospective", "Arts Weekly");
    check_title("<meta property='og:title' content='Ten Years On - Arts "
                "Weekly'><meta property='og:site_name' content='Arts Weekly'>",
                "", "Ten Years On", "Arts Weekly");
}

/* ------------------------------------------------------------------ */
/* Language and direction                                             */
/* ------------------------------------------------------------------ */

static void check_lang(const char *html, const char *want_lang,
                       const char *want_dir)
{
    folio_doc *doc = meta_of(html, NULL);
    STR_EQ_OR_NULL(M(doc)->lang, want_lang);
    STR_EQ_OR_NULL(M(doc)->dir, want_dir);
    folio_doc_free(doc);
}

Test(meta, lang_normalised_to_bcp47)
{
    check_lang("<html lang='EN-us'><body><p>x</p></body></html>", "en-US",
               NULL);
    check_lang("<html lang='zh-hant-tw'><body></body></html>", "zh-Hant-TW",
               NULL);
    check_lang("<html><head><meta http-equiv='Content-Language' "
               "content='de-at, en'></head><body></body></html>", "de-AT",
               NULL);
    check_lang("<html><head><meta property='og:locale' content='pt_BR'>"
               "</head><body></body></html>", "pt-BR", NULL);
    /* Not a language tag: the next source wins. */
    check_lang("<html lang='english please!'><head><meta property="
               "'og:locale' content='en_GB'></head><body></body></html>",
               "en-GB", NULL);
}

Test(meta, dir_from_html_body_or_article)
{
    check_lang("<html dir='RTL' lang='ar'><body></body></html>", "ar",
               "rtl");
    check_lang("<html dir='ltr'><body dir='rtl'></body></html>", NULL,
               "rtl");
    check_lang("<html><body><main dir='rtl'><p>x</p></main></body></html>",
               NULL, "rtl");
    check_lang("<html dir='auto'><body></body></html>", NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* URLs, descriptions, images                                         */
/* ------------------------------------------------------------------ */

Test(meta, canonical_falls_back_to_og_url)
{
    folio_doc *doc = meta_of("<html><head><meta property='og:url' "
                             "content='/a/b?c=1'></head></html>",
                             "https://example.org/x/y");
    cr_assert_str_eq(M(doc)->url, "https://example.org/a/b?c=1");
    folio_doc_free(doc);

    doc = meta_of("<html><head><link rel='alternate canonical' "
                  "href='https://example.org/c'></head></html>", NULL);
    cr_assert_str_eq(M(doc)->url, "https://example.org/c");
    folio_doc_free(doc);
}

Test(meta, description_sources)
{
    folio_doc *doc = meta_of("<html><head><meta name='description' "
                             "content='  Plain\n description. '></head>"
                             "</html>", NULL);
    cr_assert_str_eq(M(doc)->description, "Plain description.");
    folio_doc_free(doc);

    doc = meta_of("<html><head><meta name='twitter:description' "
                  "content='From the card.'></head></html>", NULL);
    cr_assert_str_eq(M(doc)->description, "From the card.");
    folio_doc_free(doc);
}

Test(meta, image_absolute)
{
    folio_doc *doc = meta_of("<html><head><meta name='twitter:image' "
                             "content='pics/a.png'></head></html>",
                             "https://example.org/blog/post");
    cr_assert_str_eq(M(doc)->image, "https://example.org/blog/pics/a.png");
    folio_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* Authors, dates, tags                                               */
/* ------------------------------------------------------------------ */

Test(meta, author_rules)
{
    folio_doc *doc = meta_of("<html><head><meta name='author' "
                             "content='By John Smith, Jr.'></head></html>",
                             NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "John Smith, Jr.");
    folio_doc_free(doc);

    doc = meta_of("<html><head><meta name='author' content='Ann Lee; Bo "
                  "Chen &amp; Cy Diaz'></head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 3);
    cr_assert_str_eq(M(doc)->authors[2], "Cy Diaz");
    folio_doc_free(doc);

    /* A byline in the page, with a date glued on. */
    doc = meta_of("<html><body><div class='byline'>By <a href='/jd'>Jane "
                  "Doe</a> \xc2\xb7 3 May 2021</div><p>Text</p></body></html>",
                  NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Jane Doe");
    folio_doc_free(doc);

    doc = meta_of("<html><body><p class='author'>Lucas Nolan22 Dec 2016</p>"
                  "</body></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Lucas Nolan");
    folio_doc_free(doc);
}

static void check_date(const char *value, const char *want)
{
    char html[512];
    snprintf(html, sizeof html, "<html><head><meta name='citation_date' "
             "content='%s'></head></html>", value);
    folio_doc *doc = meta_of(html, NULL);
    STR_EQ_OR_NULL(M(doc)->published, want);
    folio_doc_free(doc);
}

Test(meta, dates_iso_kept_others_normalised)
{
    check_date("2015-07-10T09:53:00-04:00", "2015-07-10T09:53:00-04:00");
    check_date("2017-11-03 03:01:00.000000", "2017-11-03T03:01:00.000000");
    check_date("2015-07-10", "2015-07-10");
    check_date("2015/07/10", "2015-07-10");
    check_date("July 10, 2015", "2015-07-10");
    check_date("Fri, 10 Jul 2015 09:53:00 -0400", "2015-07-10");
    check_date("last Tuesday", NULL);
}

Test(meta, time_element_date)
{
    folio_doc *doc = meta_of("<html><body><time itemprop='datePublished' "
                             "datetime='2020-02-29'>29 Feb</time></body>"
                             "</html>", NULL);
    cr_assert_str_eq(M(doc)->published, "2020-02-29");
    folio_doc_free(doc);
}

Test(meta, keywords_become_tags)
{
    folio_doc *doc = meta_of("<html><head><meta name='keywords' "
                             "content='rain, weather ,, gauges ;diy'></head>"
                             "</html>", NULL);
    cr_assert_eq(M(doc)->n_tags, 4);
    cr_assert_str_eq(M(doc)->tags[0], "rain");
    cr_assert_str_eq(M(doc)->tags[1], "weather");
    cr_assert_str_eq(M(doc)->tags[2], "gauges");
    cr_assert_str_eq(M(doc)->tags[3], "diy");
    folio_doc_free(doc);
}

Test(meta, empty_page_has_no_metadata)
{
    folio_doc *doc = meta_of("<html><body><p>Just text.</p></body></html>",
                             NULL);
    const folio_meta *m = M(doc);
    cr_assert_null(m->title);
    cr_assert_null(m->lang);
    cr_assert_null(m->url);
    cr_assert_null(m->description);
    cr_assert_eq(m->n_authors, 0);
    folio_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* JSON-LD                                                            */
/* ------------------------------------------------------------------ */

Test(meta, jsonld_first)
{
    const char *html =
        "<html><head><title>Old Title | Site</title>"
        "<meta property='og:title' content='OG title'>"
        "<meta property='article:published_time' content='2001-01-01'>"
        "<script type='application/ld+json'>{\"@context\": "
        "\"https://schema.org\", \"@type\": \"NewsArticle\", \"headline\": "
        "\"The LD headline\", \"author\": [{\"@type\": \"Person\", \"name\": "
        "\"Ann Lee\"}, \"Bo Chen\"], \"datePublished\": "
        "\"2024-12-06T22:00:40.000Z\", \"dateModified\": \"2024-12-07\", "
        "\"description\": \"LD description\", \"image\": {\"@type\": "
        "\"ImageObject\", \"url\": \"/lead.jpg\"}, \"articleSection\": "
        "[\"World\", \"Asia\"], \"keywords\": [\"one\", \"two\"], "
        "\"inLanguage\": \"fr-FR\"}</script></head><body></body></html>";
    folio_doc *doc = meta_of(html, "https://news.example/a/b");
    const folio_meta *m = M(doc);
    cr_assert_str_eq(m->title, "The LD headline");
    cr_assert_eq(m->n_authors, 2);
    cr_assert_str_eq(m->authors[0], "Ann Lee");
    cr_assert_str_eq(m->authors[1], "Bo Chen");
    cr_assert_str_eq(m->published, "2024-12-06T22:00:40.000Z");
    cr_assert_str_eq(m->modified, "2024-12-07");
    cr_assert_str_eq(m->description, "LD description");
    cr_assert_str_eq(m->image, "https://news.example/lead.jpg");
    cr_assert_str_eq(m->section, "World");
    cr_assert_eq(m->n_tags, 2);
    cr_assert_str_eq(m->lang, "fr-FR");
    folio_doc_free(doc);
}

Test(meta, jsonld_graph_cdata_and_references)
{
    /* Article inside @graph, author by @id, the JSON in CDATA, a broken
     * script before it that is skipped. */
    const char *html =
        "<html><head>"
        "<script type='application/ld+json'>{ not json</script>"
        "<script type='application/ld+json'>\n  <![CDATA[\n"
        "{\"@context\": \"https://schema.org\", \"@graph\": ["
        "{\"@type\": \"WebPage\", \"name\": \"Page\"},"
        "{\"@type\": [\"BlogPosting\"], \"headline\": \"Graph headline\","
        " \"author\": {\"@id\": \"#p1\"}},"
        "{\"@type\": \"Person\", \"@id\": \"#p1\", \"name\": \"Cy Diaz\"}"
        "]}\n  ]]>\n</script></head><body></body></html>";
    folio_doc *doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "Graph headline");
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Cy Diaz");
    folio_doc_free(doc);
}

Test(meta, jsonld_truncated_or_descriptive_headline_skipped)
{
    const char *html =
        "<html><head><title>Full headline that is quite long | S</title>"
        "<meta property='og:title' content='Full headline that is quite "
        "long'><script type='application/ld+json'>{\"@type\": \"Article\", "
        "\"headline\": \"Full headline that...\"}</script></head></html>";
    folio_doc *doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "Full headline that is quite long");
    folio_doc_free(doc);

    /* headline is a description, name is what the <title> shows. */
    html = "<html><head><title>List of rivers - Wiki</title>"
           "<script type='application/ld+json'>{\"@type\": \"Article\", "
           "\"name\": \"List of rivers\", \"headline\": \"Wikimedia list "
           "article\"}</script></head></html>";
    doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "List of rivers");
    folio_doc_free(doc);
}

Test(meta, jsonld_non_article_ignored)
{
    const char *html =
        "<html><head><title>Shop</title><script type='application/ld+json'>"
        "{\"@type\": \"Product\", \"name\": \"A kettle\", \"author\": "
        "\"Nobody\"}</script></head></html>";
    folio_doc *doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "Shop");
    cr_assert_eq(M(doc)->n_authors, 0);
    folio_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* Conflicts between sources                                          */
/* ------------------------------------------------------------------ */

Test(meta, conflicting_sources_fixture)
{
    char *html = read_fixture("meta-conflict");
    folio_doc *doc = meta_of(html, "https://alpenpost.example/panorama/");
    const folio_meta *m = M(doc);

    /* The JSON-LD headline adds " - Author - Site" to og:title: the
     * shorter, declared headline wins over the longer. */
    cr_assert_str_eq(m->title, "Schnee im Mai: Ein Dorf gräbt sich aus");
    /* og:site_name with a tagline, the publisher (by @id) names it. */
    cr_assert_str_eq(m->site_name, "Alpenpost");
    /* JSON-LD authors beat name=author ("admin") and the visible byline;
     * the repeated name once, the address after a name dropped. */
    cr_assert_eq(m->n_authors, 2);
    cr_assert_str_eq(m->authors[0], "Vera Huber");
    cr_assert_str_eq(m->authors[1], "Jonas Egger");
    /* 22:30 UTC is the 2nd in the page's zone, which it prints. */
    cr_assert_str_eq(m->published, "2024-05-02T00:30:00+02:00");
    cr_assert_str_eq(m->modified, "2024-05-02T08:00:00+02:00");
    cr_assert_str_eq(m->section, "Panorama");
    cr_assert_eq(m->n_tags, 2);
    cr_assert_str_eq(m->tags[0], "Schnee");
    cr_assert_str_eq(m->tags[1], "Alpen");
    cr_assert_str_eq(m->lang, "de-DE");
    folio_doc_free(doc);
    free(html);
}

Test(meta, property_beats_name_and_dublin_core_beats_opengraph)
{
    const char *html =
        "<html><head><title>T</title>"
        "<meta name='og:title' content='OG by name'>"
        "<meta name='DC.title' content='DC by name'>"
        "<meta property='dc:title' content='DC by property'>"
        "<meta property='og:title' content='OG by property'>"
        "<meta name='DC.creator' content='Name Creator'>"
        "<meta property='dc:creator' content='Property Creator'>"
        "<meta property='og:description x:description' content='OG'>"
        "<meta property='dc:description og:description' content='DC'>"
        "</head><body></body></html>";
    folio_doc *doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "DC by property");
    cr_assert_str_eq(M(doc)->description, "DC");
    /* The name= list repeats the property= one: only the latter. */
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Property Creator");
    folio_doc_free(doc);

    /* dc:creator repeats, one tag per author: all are kept. */
    doc = meta_of("<html><head><meta name='DC.Creator' content='Kooman, "
                  "F.'><meta name='DC.Creator' content='Jong, Michiel de'>"
                  "</head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 2);
    cr_assert_str_eq(M(doc)->authors[0], "Kooman, F.");
    cr_assert_str_eq(M(doc)->authors[1], "Jong, Michiel de");
    folio_doc_free(doc);
}

Test(meta, site_name_trimmed)
{
    check_title("<title>A storm over the bay | Harbour</title>"
                "<meta property='og:site_name' content='Harbour Inc'>",
                "", "A storm over the bay", "Harbour");
    check_title("<title>A storm over the bay</title>"
                "<meta property='og:site_name' content='Harbour, Inc.'>",
                "", "A storm over the bay", "Harbour");
    /* Without a publisher to confirm it, a dash stays in the name. */
    check_title("<title>A storm</title>"
                "<meta property='og:site_name' content='Sun - Times'>",
                "", "A storm", "Sun - Times");
}

Test(meta, jsonld_name_that_is_the_site_is_no_headline)
{
    const char *html =
        "<html><head><title>Other page text</title>"
        "<meta property='og:site_name' content='Denik.cz'>"
        "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
        "\"name\": \"Denik.cz\", \"headline\": \"Floods reach the "
        "capital\", \"publisher\": {\"@type\": \"Organization\", \"name\": "
        "\"Denik.cz\"}}</script></head><body></body></html>";
    folio_doc *doc = meta_of(html, NULL);
    cr_assert_str_eq(M(doc)->title, "Floods reach the capital");
    folio_doc_free(doc);
}

Test(meta, generic_og_title_loses_to_title_that_is_the_h1)
{
    check_title("<title>Space ship breaks up over Siberia</title>"
                "<meta property='og:title' content='Yahoo News - Latest "
                "News &amp; Headlines'>",
                "<h1>Space ship breaks up over Siberia</h1>",
                "Space ship breaks up over Siberia", NULL);
    /* A <title> and logo <h1> that only name the site do not count. */
    check_title("<title>The Harbour Gazette</title>"
                "<meta property='og:site_name' content='The Harbour "
                "Gazette'><meta property='og:title' content='Storm "
                "closes the bay'>",
                "<h1>The Harbour Gazette</h1>", "Storm closes the bay",
                "The Harbour Gazette");
    /* og:title differing from a matching <h1> is kept when it contains
     * the heading. */
    check_title("<title>Floods</title>"
                "<meta property='og:title' content='Live: Floods'>",
                "<h1>Floods</h1>", "Live: Floods", NULL);
}

Test(meta, author_addresses_handles_and_admin_dropped)
{
    folio_doc *doc = meta_of("<html><head><meta name='author' content="
                             "'Bradley M. Kuhn (http://ebb.org/bkuhn/)'>"
                             "</head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Bradley M. Kuhn");
    folio_doc_free(doc);

    doc = meta_of("<html><head><meta name='author' content='Ann Lee "
                  "&lt;ann@example.org&gt;'></head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Ann Lee");
    folio_doc_free(doc);

    /* A JSON-LD account name gives way to the byline in the page. */
    doc = meta_of("<html><head><script type='application/ld+json'>"
                  "{\"@type\": \"BlogPosting\", \"author\": \"CC7567\"}"
                  "</script><meta name='author' content='admin'></head>"
                  "<body><div class='byline'><span class='author-name'>"
                  "James Akinaka</span></div></body></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "James Akinaka");
    folio_doc_free(doc);

    /* A bare profile URL is no name. */
    doc = meta_of("<html><head><meta property='article:author' content="
                  "'https://news.example/staff/ann'></head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 0);
    folio_doc_free(doc);
}

Test(meta, jsonld_article_types_and_arrays)
{
    static const char *const types[] = {
        "ReportageNewsArticle", "LiveBlogPosting", "ScholarlyArticle",
        "schema:TechArticle", "https://schema.org/OpinionNewsArticle",
        "Report", NULL
    };
    for (size_t i = 0; types[i]; i++) {
        char html[1024];
        snprintf(html, sizeof html,
                 "<html><head><script type='application/ld+json'>"
                 "[{\"@type\": \"BreadcrumbList\"}, {\"@type\": [\"Thing\", "
                 "\"%s\"], \"headline\": \"Typed headline\"}]</script>"
                 "</head></html>", types[i]);
        folio_doc *doc = meta_of(html, NULL);
        STR_EQ_OR_NULL(M(doc)->title, "Typed headline");
        folio_doc_free(doc);
    }
}

/* The published date of a page with a declared date and a <time>. */
static void check_zone(const char *declared, const char *shown,
                       const char *want)
{
    char html[1024];
    snprintf(html, sizeof html,
             "<html><head><meta property='article:published_time' "
             "content='%s'></head><body><h1>Headline</h1>"
             "<time datetime='%s'>printed</time></body></html>",
             declared, shown);
    folio_doc *doc = meta_of(html, NULL);
    STR_EQ_OR_NULL(M(doc)->published, want);
    folio_doc_free(doc);
}

Test(meta, utc_timestamp_vs_printed_day)
{
    /* A day apart only by the zone: the day the reader sees. */
    check_zone("2024-05-01T22:30:00Z", "2024-05-02T00:30:00+02:00",
               "2024-05-02T00:30:00+02:00");
    check_zone("2024-05-02T01:00:00+00:00", "2024-05-01T21:00:00-04:00",
               "2024-05-01T21:00:00-04:00");
    /* Same day, or a declared local offset: the declared value stays. */
    check_zone("2024-05-01T10:30:00Z", "2024-05-01T12:30:00+02:00",
               "2024-05-01T10:30:00Z");
    check_zone("2024-05-01T22:30:00-07:00", "2024-05-02T07:30:00+02:00",
               "2024-05-01T22:30:00-07:00");
    /* Days further apart are different events (an update, a related
     * story), not a zone. */
    check_zone("2024-05-01T22:30:00Z", "2024-05-09T10:00:00+02:00",
               "2024-05-01T22:30:00Z");
    /* Month and year ends. */
    check_zone("2023-12-31T23:30:00Z", "2024-01-01T00:30:00+01:00",
               "2024-01-01T00:30:00+01:00");
    /* Another moment on the next day (an update): not the zone. */
    check_zone("2020-08-14T21:30:04+00:00", "2020-08-15T09:35:53-07:00",
               "2020-08-14T21:30:04+00:00");
    /* A printed date alone, or a time without an offset that is the
     * same moment in some zone. */
    check_zone("2024-05-01T22:30:00Z", "2024-05-02", "2024-05-02");
    check_zone("2024-05-01T03:00:00Z", "2024-05-02", "2024-05-01T03:00:00Z");
    check_zone("2023-11-09T05:30:59Z", "2023-11-08T23:30:59",
               "2023-11-08T23:30:59");
    check_zone("2023-11-09T05:30:59Z", "2023-11-08T23:11:00",
               "2023-11-09T05:30:59Z");
}

Test(meta, dates_in_many_forms)
{
    check_date("2024-05-01T09:30:00+02:00", "2024-05-01T09:30:00+02:00");
    check_date("2024-05-01", "2024-05-01");
    check_date("2024-05-01T09:30Z", "2024-05-01T09:30Z");
    check_date("2024.05.01", "2024-05-01");
    check_date("1 May 2024", "2024-05-01");
    check_date("May 1st, 2024", "2024-05-01");
    check_date("Wed, 01 May 2024 09:30:00 GMT", "2024-05-01");
    check_date("2024-13-45", NULL);
    check_date("", NULL);
}

Test(meta, time_near_headline_is_a_date_source)
{
    folio_doc *doc = meta_of("<html><body><time datetime='2019-01-01'>"
                             "old</time><h1>Headline</h1><p>By Ann Lee "
                             "<time datetime='2024-03-09'>9 March</time>"
                             "</p></body></html>", NULL);
    cr_assert_str_eq(M(doc)->published, "2024-03-09");
    folio_doc_free(doc);
}

Test(meta, author_markup_entities_and_languages)
{
    folio_doc *doc = meta_of("<html><head><meta name='author' content='"
                             "&lt;a href=\"/staff/mg\"&gt;Mateusz "
                             "Gniazdowski&lt;/a&gt;'></head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Mateusz Gniazdowski");
    folio_doc_free(doc);

    /* Escaped twice: "&#039;" must not split the name at "&" and ";". */
    doc = meta_of("<html><head><meta name='author' content='Lindsey "
                  "O&amp;#039;Donnell'></head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Lindsey O'Donnell");
    folio_doc_free(doc);

    doc = meta_of("<html><body><h1>Titular</h1><p class='byline'>Por "
                  "Ana Ruiz</p></body></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 1);
    cr_assert_str_eq(M(doc)->authors[0], "Ana Ruiz");
    folio_doc_free(doc);

    doc = meta_of("<html><body><h1>Titre</h1><div class='author'>Par "
                  "Luc Martin et Anne Roy</div></body></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 2);
    cr_assert_str_eq(M(doc)->authors[0], "Luc Martin");
    cr_assert_str_eq(M(doc)->authors[1], "Anne Roy");
    folio_doc_free(doc);

    /* A site given as the author of a syndicated piece, an account. */
    doc = meta_of("<html><head><meta name='author' content='oe24.at'>"
                  "</head></html>", NULL);
    cr_assert_eq(M(doc)->n_authors, 0);
    folio_doc_free(doc);
}

Test(meta, time_text_is_the_day_the_reader_sees)
{
    folio_doc *doc = meta_of("<html><body><h1>Headline</h1><time "
                             "datetime='2016-12-01T23:29:49.000Z'>December "
                             "2, 2016</time></body></html>", NULL);
    cr_assert_str_eq(M(doc)->published, "2016-12-02");
    folio_doc_free(doc);

    /* The same day printed: the timestamp stays. */
    doc = meta_of("<html><body><h1>Headline</h1><time datetime="
                  "'2016-12-01T13:29:49Z'>1 December 2016</time></body>"
                  "</html>", NULL);
    cr_assert_str_eq(M(doc)->published, "2016-12-01T13:29:49Z");
    folio_doc_free(doc);

    /* An "updated" time by the headline is no published date. */
    doc = meta_of("<html><body><h1>Headline</h1><time itemprop="
                  "'dateModified' datetime='2016-09-14T07:07:00-04:00'>"
                  "Updated</time></body></html>", NULL);
    cr_assert_null(M(doc)->published);
    cr_assert_str_eq(M(doc)->modified, "2016-09-14T07:07:00-04:00");
    folio_doc_free(doc);
}
