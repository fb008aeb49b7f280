/* SPDX-License-Identifier: MIT */
/* The HTML importer: the DOM -> folio conversion on small snippets
 * (core/import/convert.c, without extraction), and whole imports of the
 * fixture pages in tests/fixtures/<case>/source.html. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/folio.h"
#include "import.h"
#include "job.h"
#include "tree_dump.h"

#ifndef FOLIO_TEST_SRCDIR
#define FOLIO_TEST_SRCDIR "tests"
#endif

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static xmlNodePtr find_el(xmlNodePtr n, const char *name)
{
    xmlNodePtr root = n;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE
            && strcmp((const char *)n->name, name) == 0)
            return n;
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            return NULL;
        n = n->next;
    }
    return NULL;
}

/* Converts the <body> of `html` with folio__dom_to_doc alone. Returns
 * the document (caller frees). */
static folio_doc *convert_doc(const char *html, const char *base)
{
    xmlDocPtr x = folio__html_parse(html, strlen(html), NULL, NULL);
    folio_doc *doc = folio_doc_new();
    xmlNodePtr body;
    int rc;

    cr_assert_not_null(x);
    cr_assert_not_null(doc);
    body = find_el(xmlDocGetRootElement(x), "body");
    cr_assert_not_null(body);
    rc = folio__dom_to_doc(doc, body, base, NULL);
    cr_assert_eq(rc, FOLIO_OK);
    cr_assert_eq(folio_doc_check(doc), FOLIO_OK, "tree breaks the rules");
    xmlFreeDoc(x);
    return doc;
}

static char *convert(const char *html, const char *base)
{
    folio_doc *doc = convert_doc(html, base);
    char *d = tree_dump(folio_doc_root(doc));
    folio_doc_free(doc);
    return d;
}

#define EXPECT(html, base, want)                                             \
    do {                                                                     \
        char *got_ = convert((html), (base));                                \
        cr_assert_str_eq(got_, (want));                                      \
        free(got_);                                                          \
    } while (0)

static char *read_fixture(const char *name, size_t *len)
{
    char path[1024];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof path, "%s/fixtures/%s/source.html",
             FOLIO_TEST_SRCDIR, name);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

typedef struct imported {
    folio_job *job;
    folio_doc *doc;
    char *dump;
} imported;

static imported import_page(const char *bytes, size_t len, const char *url,
                            const folio_job_options *opts)
{
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    imported r;
    int rc;

    if (opts != NULL)
        jo = *opts;
    r.job = folio_job_new(NULL, &jo);
    cr_assert_not_null(r.job);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = (const unsigned char *)bytes;
    in.len = len;
    in.url = url;
    rc = folio_job_import_html(r.job, &in);
    cr_assert_eq(rc, FOLIO_OK, "import failed: %s",
                 folio_job_error(r.job));
    cr_assert_eq(folio_job_doc_count(r.job), 1);
    r.doc = folio_job_doc(r.job, 0);
    cr_assert_eq(folio_doc_check(r.doc), FOLIO_OK);
    r.dump = tree_dump(folio_doc_root(r.doc));
    return r;
}

static imported import_fixture(const char *name, const char *url)
{
    size_t len;
    char *page = read_fixture(name, &len);
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    imported r;

    jo.input_path = "source.html";
    r = import_page(page, len, url, &jo);
    free(page);
    return r;
}

static void release(imported *r)
{
    free(r->dump);
    folio_job_free(r->job);
}

#define HAS(dump, needle)                                                    \
    cr_assert_not_null(strstr((dump), (needle)), "missing %s in\n%s",        \
                       (needle), (dump))
#define HAS_NOT(dump, needle)                                                \
    cr_assert_null(strstr((dump), (needle)), "unexpected %s in\n%s",         \
                   (needle), (dump))

/* ------------------------------------------------------------------ */
/* Paragraphs, whitespace, inline mapping                             */
/* ------------------------------------------------------------------ */

Test(convert, paragraphs_and_whitespace)
{
    EXPECT("<body><p>  Hello,\n\t  <b>bold</b>   world.  </p>"
           "<p> </p><p>&nbsp;</p>\n<p>Second</p></body>", NULL,
           "document{paragraph{\"Hello, \" strong{\"bold\"} \" world.\"} "
           "paragraph{\"Second\"}}");
}

Test(convert, spaces_move_out_of_inline_elements)
{
    EXPECT("<body><p>a<em> b </em>c <a href='http://x.example/'> d</a>."
           "</p></body>", NULL,
           "document{paragraph{\"a \" emph{\"b\"} \" c \" "
           "link(http://x.example/){\"d\"} \".\"}}");
}

Test(convert, inline_mapping)
{
    EXPECT("<body><p><i>i</i> <cite>c</cite> <dfn>d</dfn> <b>b</b> "
           "<s>s</s> <del>x</del> <strike>k</strike> H<sub>2</sub>O "
           "x<sup>2</sup> <code>a  b</code> <kbd>Ctrl</kbd> <tt>t</tt> "
           "<span><font>plain</font></span> <u>u</u></p></body>", NULL,
           "document{paragraph{emph{\"i\"} \" \" emph{\"c\"} \" \" "
           "emph{\"d\"} \" \" strong{\"b\"} \" \" strike{\"s\"} \" \" "
           "strike{\"x\"} \" \" strike{\"k\"} \" H\" sub{\"2\"} \"O x\" "
           "sup{\"2\"} \" \" code\"a b\" \" \" code\"Ctrl\" \" \" "
           "code\"t\" \" plain u\"}}");
}

Test(convert, loose_inline_text_forms_paragraphs)
{
    EXPECT("<body>Intro text <b>here</b><div>Block one</div>tail"
           "<section><span>in span</span></section></body>", NULL,
           "document{paragraph{\"Intro text \" strong{\"here\"}} "
           "paragraph{\"Block one\"} paragraph{\"tail\"} "
           "paragraph{\"in span\"}}");
}

Test(convert, block_inside_link_rewraps)
{
    EXPECT("<body><a href='http://e.example/post'><div class=card>"
           "<h3>Card title</h3><p>Teaser text</p></div></a></body>", NULL,
           "document{heading(3){link(http://e.example/post){\"Card title\"}} "
           "paragraph{link(http://e.example/post){\"Teaser text\"}}}");
    EXPECT("<body><p><em>one<div>two</div>three</em></p></body>", NULL,
           "document{paragraph{emph{\"one\"}} paragraph{emph{\"two\"}} "
           "paragraph{emph{\"three\"}}}");
}

Test(convert, line_breaks)
{
    EXPECT("<body><p><br>Line one <br> line two<br><br>New para<br></p>"
           "</body>", NULL,
           "document{paragraph{\"Line one\" br \"line two\"} "
           "paragraph{\"New para\"}}");
}

Test(convert, nested_links_flattened)
{
    /* libxml2 closes the outer link; the space stays between them. */
    EXPECT("<body><p><a href='http://a.example/'>outer "
           "<a href='http://b.example/'>inner</a></a></p></body>", NULL,
           "document{paragraph{link(http://a.example/){\"outer\"} \" \" "
           "link(http://b.example/){\"inner\"}}}");
}

Test(convert, javascript_links_and_anchors_are_plain)
{
    EXPECT("<body><p><a href='javascript:void(0)'>Click</a> "
           "<a name='x'>anchor</a> <a href='#'>top</a></p></body>",
           "https://e.example/", "document{paragraph{\"Click anchor top\"}}");
}

Test(convert, link_title_and_resolution)
{
    EXPECT("<body><p><a href='../b c.html' title=' The  B '>B</a></p></body>",
           "https://e.example/x/y/",
           "document{paragraph{link(https://e.example/x/b%20c.html){\"B\"}}}");
}

Test(convert, script_and_style_never_emitted)
{
    EXPECT("<body><p>Keep<script>var x = 1;</script> this"
           "<style>p{}</style></p><noscript>Enable JS</noscript>"
           "<template><p>tpl</p></template><svg><text>svg</text></svg>"
           "<form><input value=v><textarea>ta</textarea>"
           "<button>Go</button><select><option>o</option></select></form>"
           "<p hidden>hidden</p></body>", NULL,
           "document{paragraph{\"Keep this\"}}");
}

Test(convert, controls_removed_and_nfc)
{
    /* U+0007, U+001B and U+FFFF go; e + U+0301 composes to é. */
    EXPECT("<body><p>a\x07" "b\x1B" "c \xEF\xBF\xBF" "d Cafe\xCC\x81</p>"
           "</body>", NULL,
           "document{paragraph{\"abc d Caf\xC3\xA9\"}}");
}

Test(convert, no_break_spaces_trimmed_at_line_edges)
{
    EXPECT("<body><p>&nbsp; Lead&nbsp;and&nbsp;inner <b>x&nbsp;</b>&nbsp;"
           "</p><p>a&nbsp;<br>&nbsp;b</p><h2>&nbsp;</h2></body>", NULL,
           "document{paragraph{\"Lead\xC2\xA0" "and\xC2\xA0" "inner \" "
           "strong{\"x\"}} paragraph{\"a\" br \"b\"}}");
}

Test(convert, empty_inline_containers_dropped)
{
    EXPECT("<body><p><em> </em>x<strong></strong><a href='http://e/'>"
           "</a></p><p><span> </span></p></body>", NULL,
           "document{paragraph{\"x\"}}");
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */
/* ------------------------------------------------------------------ */

Test(convert, headings)
{
    EXPECT("<body><h1>One</h1><h2> Two <small>sub</small></h2>"
           "<h3></h3><h6><div>Six</div>more</h6><h4>a<br>b</h4></body>", NULL,
           "document{heading(1){\"One\"} heading(2){\"Two sub\"} "
           "heading(6){\"Six more\"} heading(4){\"a b\"}}");
}

Test(convert, lists_nested_start_tight)
{
    EXPECT("<body><ol start='3'><li>three</li><li>four<ul><li>a</li>"
           "<li>b</li></ul></li></ol><ul><li><p>p1</p><p>p2</p></li></ul>"
           "</body>", NULL,
           "document{list(ol,3,tight){item{paragraph{\"three\"}} "
           "item{paragraph{\"four\"} list(ul,1,tight){item{paragraph{\"a\"}} "
           "item{paragraph{\"b\"}}}}} "
           "list(ul,1,loose){item{paragraph{\"p1\"} paragraph{\"p2\"}}}}");
}

Test(convert, list_stray_content_joins_items)
{
    /* A list directly inside a list belongs to the previous item. */
    EXPECT("<body><ul><li>a</li><ul><li>a1</li></ul><li>b</li></ul>"
           "<ul> <li></li> </ul></body>", NULL,
           "document{list(ul,1,tight){item{paragraph{\"a\"} "
           "list(ul,1,tight){item{paragraph{\"a1\"}}}} "
           "item{paragraph{\"b\"}}}}");
}

Test(convert, blockquote_with_cite)
{
    EXPECT("<body><blockquote cite='/src'><p>Quoted.</p>"
           "<footer>- Someone</footer></blockquote></body>",
           "https://e.example/a/b",
           "document{quote(https://e.example/src){paragraph{\"Quoted.\"} "
           "paragraph{\"- Someone\"}}}");
}

Test(convert, thematic_break)
{
    EXPECT("<body><p>a</p><hr><p>b</p></body>", NULL,
           "document{paragraph{\"a\"} hr paragraph{\"b\"}}");
}

Test(convert, definition_lists)
{
    EXPECT("<body><dl><dt>Term</dt><dd>Desc <b>one</b></dd>"
           "<div><dt>T2</dt><dd><p>D2</p></dd></div></dl></body>", NULL,
           "document{dl{dt{\"Term\"} dd{paragraph{\"Desc \" "
           "strong{\"one\"}}} dt{\"T2\"} dd{paragraph{\"D2\"}}}}");
}

Test(convert, aside_is_kept_as_aside)
{
    EXPECT("<body><aside><p>Note</p></aside></body>", NULL,
           "document{aside{paragraph{\"Note\"}}}");
}

/* ------------------------------------------------------------------ */
/* Code                                                               */
/* ------------------------------------------------------------------ */

Test(convert, code_blocks_exact_text)
{
    EXPECT("<body><pre><code class='language-python'>\n"
           "def f(x):\n    return  x &lt; 2\n\n</code></pre></body>", NULL,
           "document{codeblock(python)\"def f(x):\n    return  x < 2\"}");
}

Test(convert, code_languages)
{
    EXPECT("<body><div class='highlight highlight-source-ruby'><pre>puts 1"
           "</pre></div><pre class='brush: js; gutter: false'>x()</pre>"
           "<pre data-lang='Go'>go f()</pre><pre class='lang-sql'>SELECT 1"
           "</pre><pre><code class='hljs language-plaintext'>t</code></pre>"
           "</body>", NULL,
           "document{codeblock(ruby)\"puts 1\" codeblock(js)\"x()\" "
           "codeblock(go)\"go f()\" codeblock(sql)\"SELECT 1\" "
           "codeblock()\"t\"}");
}

Test(convert, code_block_lines_and_gutters)
{
    EXPECT("<body><pre><span class='lineno'>1</span>a<br>"
           "<span class='lineno'>2</span>b\r\nc</pre>"
           "<pre><div>one</div><div>two</div></pre><pre>  </pre></body>",
           NULL,
           "document{codeblock()\"a\nb\nc\" codeblock()\"one\ntwo\"}");
    /* Form feeds and other controls go, tabs stay. */
    EXPECT("<body><pre>a\x0C" "b\tc\x01</pre></body>", NULL,
           "document{codeblock()\"ab\tc\"}");
}

Test(convert, inline_code_wrapping_a_link)
{
    EXPECT("<body><p>See <code><a href='/doc'>fn()</a></code>.</p></body>",
           "https://e.example/",
           "document{paragraph{\"See \" link(https://e.example/doc)"
           "{code\"fn()\"} \".\"}}");
}

Test(convert, math_as_tex)
{
    EXPECT("<body><p>Area <span class='katex'><span class='katex-mathml'>"
           "<math><semantics><mi>r</mi><annotation encoding='application/"
           "x-tex'>\\pi r^2</annotation></semantics></math></span>"
           "<span class='katex-html' aria-hidden='true'>πr2</span></span>"
           " and <math alttext='e^x'><mi>e</mi></math>.</p></body>", NULL,
           "document{paragraph{\"Area \" code\"\\pi r^2\" \" and \" "
           "code\"e^x\" \".\"}}");
}

Test(convert, mathml_without_tex_is_written_out)
{
    /* MathJax 3 CHTML: CSS glyphs (hidden) and an assistive MathML copy. */
    EXPECT("<body><p>So <mjx-container class='MathJax'><mjx-math "
           "aria-hidden='true'><mjx-c class='mjx-c78'></mjx-c></mjx-math>"
           "<mjx-assistive-mml><math><mi>x</mi><mo>=</mo><mfrac><mrow>"
           "<mo>-</mo><mi>b</mi><mo>+</mo><msqrt><msup><mi>b</mi><mn>2</mn>"
           "</msup><mo>-</mo><mn>4</mn><mi>a</mi><mi>c</mi></msqrt></mrow>"
           "<mrow><mn>2</mn><mi>a</mi></mrow></mfrac></math>"
           "</mjx-assistive-mml></mjx-container> and <math><msub><mi>a</mi>"
           "<mi>k</mi></msub><mo>(</mo><mi>t</mi><mo>)</mo></math>.</p>"
           "</body>", NULL,
           "document{paragraph{\"So \" code\"x = (- b + √(b^2 - 4 a c))/(2 "
           "a)\" \" and \" code\"a_k (t)\" \".\"}}");
}

/* ------------------------------------------------------------------ */
/* Images and media                                                   */
/* ------------------------------------------------------------------ */

Test(convert, images)
{
    EXPECT("<body><p><img src='a.png' alt=' An  image ' width='640' "
           "height='480px' title='T'></p>"
           "<img src='pixel.gif' width=1 height=1>"
           "<img alt='no src'>"
           "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' "
           "data-src='lazy.jpg' width='50%'>"
           "<img src='s.jpg' srcset='m.jpg 2x, l.jpg 3x'></body>",
           "https://e.example/p/",
           "document{paragraph{image(https://e.example/p/a.png|An image|"
           "640x480)} paragraph{image(https://e.example/p/lazy.jpg||0x0) "
           "image(https://e.example/p/l.jpg||0x0)}}");
}

Test(convert, noscript_image_replaces_placeholder)
{
    EXPECT("<body><p><img class=lazy src='data:image/gif;base64,R0lGOD=' "
           "alt='Dog'>\n<noscript><img src='/dog.jpg' alt='Dog'></noscript>"
           "</p></body>", "https://e.example/",
           "document{paragraph{image(https://e.example/dog.jpg|Dog|0x0)}}");
}

Test(convert, picture_sources)
{
    EXPECT("<body><picture><source srcset='/w.webp 800w, /x.webp 1200w'>"
           "<img alt='pic'></picture></body>", "https://e.example/",
           "document{paragraph{image(https://e.example/x.webp|pic|0x0)}}");
}

Test(convert, embedded_media_become_links)
{
    EXPECT("<body><p>Watch:<iframe src='https://video.example/embed/42' "
           "title='Launch video'></iframe>after</p>"
           "<video controls><source src='/clip.mp4' type='video/mp4'>"
           "Your browser cannot play this.</video>"
           "<iframe src='javascript:alert(1)'></iframe></body>",
           "https://e.example/",
           "document{paragraph{\"Watch:\"} "
           "paragraph{link(https://video.example/embed/42){\"Launch video\"}} "
           "paragraph{\"after\"} "
           "paragraph{link(https://e.example/clip.mp4){\"Embedded media\"}}}");
}

Test(convert, void_html5_elements_keep_following_content)
{
    /* libxml2 2.9 nests what follows <embed>, <wbr>, <source> in them. */
    EXPECT("<body><p>a<embed src='/e.swf'>b</p><p>long<wbr>word</p>"
           "</body>", "https://e.example/",
           "document{paragraph{\"a\"} "
           "paragraph{link(https://e.example/e.swf){\"Embedded media\"}} "
           "paragraph{\"b\"} paragraph{\"longword\"}}");
}

/* ------------------------------------------------------------------ */
/* Figures                                                            */
/* ------------------------------------------------------------------ */

Test(convert, figure_caption_credit_class)
{
    EXPECT("<body><figure><img src='http://i.example/a.jpg' alt='A'>"
           "<figcaption>A cat on a wall. <span class='photo-credit'>"
           "Photo: Jo Bloggs</span></figcaption></figure>"
           "<p>After</p></body>", NULL,
           "document{figure{paragraph{image(http://i.example/a.jpg|A|0x0)} "
           "caption{\"A cat on a wall.\"} credit{\"Photo: Jo Bloggs\"}} "
           "paragraph{\"After\"}}");
}

Test(convert, figure_credit_small_at_end)
{
    EXPECT("<body><figure><img src='http://i.example/b.jpg'>"
           "<figcaption>Harbour at dawn <cite>Ann Lee</cite></figcaption>"
           "</figure><figure><img src='http://i.example/c.jpg'>"
           "<small>&copy; Archive</small></figure></body>", NULL,
           "document{figure{paragraph{image(http://i.example/b.jpg||0x0)} "
           "caption{\"Harbour at dawn\"} credit{\"Ann Lee\"}} "
           "figure{paragraph{image(http://i.example/c.jpg||0x0)} "
           "credit{\"© Archive\"}}}");
}

Test(convert, figure_credit_by_wording)
{
    EXPECT("<body><figure><img src='http://i.example/e.jpg'><figcaption>"
           "Old pier. <i>Photo: R. Diaz</i></figcaption></figure>"
           "<figure><img src='http://i.example/f.jpg'><figcaption>Pier "
           "<i>at night</i></figcaption></figure></body>", NULL,
           "document{figure{paragraph{image(http://i.example/e.jpg||0x0)} "
           "caption{\"Old pier.\"} credit{\"Photo: R. Diaz\"}} "
           "figure{paragraph{image(http://i.example/f.jpg||0x0)} "
           "caption{\"Pier \" emph{\"at night\"}}}}");
}

Test(convert, figure_caption_first_goes_last)
{
    EXPECT("<body><figure><figcaption>Cap <span class=credit>Me</span>"
           "</figcaption><img src='http://i.example/d.jpg'></figure>"
           "<figure><figcaption><span class=credit>Only credit</span>"
           "</figcaption><img src='http://i.example/e.jpg'></figure></body>",
           NULL,
           "document{figure{paragraph{image(http://i.example/d.jpg||0x0)} "
           "caption{\"Cap\"} credit{\"Me\"}} "
           "figure{paragraph{image(http://i.example/e.jpg||0x0)} "
           "credit{\"Only credit\"}}}");
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

Test(convert, data_table)
{
    EXPECT("<body><table><caption>Prices</caption><thead><tr>"
           "<th align=left>Item</th><th style='text-align: right'>Cost</th>"
           "</tr></thead><tbody><tr><td>Tea</td><td align=right>2</td></tr>"
           "<tr><td colspan=2 style='TEXT-ALIGN:center'>none</td></tr>"
           "</tbody></table></body>", NULL,
           "document{paragraph{\"Prices\"} table{row(h){cell(h,left,1x1)"
           "{\"Item\"} cell(h,right,1x1){\"Cost\"}} row{cell(d,none,1x1)"
           "{\"Tea\"} cell(d,right,1x1){\"2\"}} row{cell(d,none,2x1)"
           "{\"none\"}}}}");
}

Test(convert, table_cells_flatten_blocks)
{
    EXPECT("<body><table><tr><th>A</th><th>B</th></tr><tr><td><p>one</p>"
           "<p>two</p></td><td><ul><li>x</li><li>y</li></ul></td></tr>"
           "<tr><td></td><td>z</td></tr></table></body>", NULL,
           "document{table{row(h){cell(h,none,1x1){\"A\"} "
           "cell(h,none,1x1){\"B\"}} row{cell(d,none,1x1){\"one\" br "
           "\"two\"} cell(d,none,1x1){\"x\" br \"y\"}} "
           "row{cell(d,none,1x1){} cell(d,none,1x1){\"z\"}}}}");
}

Test(convert, layout_tables_unwrapped)
{
    EXPECT("<body><table><tr><td><h2>Title</h2><p>Body text</p></td></tr>"
           "</table><table role=presentation><tr><td>L</td><td>R</td></tr>"
           "<tr><td>L2</td><td>R2</td></tr></table>"
           "<table><tr><td>nav</td><td><table><tr><th>k</th><th>v</th></tr>"
           "<tr><td>1</td><td>2</td></tr></table></td></tr></table></body>",
           NULL,
           "document{heading(2){\"Title\"} paragraph{\"Body text\"} "
           "paragraph{\"L\"} paragraph{\"R\"} paragraph{\"L2\"} "
           "paragraph{\"R2\"} paragraph{\"nav\"} "
           "table{row(h){cell(h,none,1x1){\"k\"} cell(h,none,1x1){\"v\"}} "
           "row{cell(d,none,1x1){\"1\"} cell(d,none,1x1){\"2\"}}}}");
}

/* ------------------------------------------------------------------ */
/* Footnotes                                                          */
/* ------------------------------------------------------------------ */

Test(convert, footnotes_kramdown_style)
{
    EXPECT("<body><p>Claim.<sup id='fnref:1'><a href='#fn:1' "
           "class='footnote'>1</a></sup> More.</p>"
           "<div class='footnotes' role='doc-endnotes'><ol>"
           "<li id='fn:1'><p>The source. <a href='#fnref:1' "
           "class='reversefootnote'>&#8617;</a></p></li></ol></div></body>",
           NULL,
           "document{paragraph{\"Claim.\" ref(1) \" More.\"} "
           "fndef(1){paragraph{\"The source.\"}}}");
}

Test(convert, footnotes_references_list)
{
    EXPECT("<body><p>Fact<sup class=reference><a href='#cite_note-1'>[1]"
           "</a></sup> and<a href='#cite_note-2'>[2]</a>.</p>"
           "<ol class='references'><li id='cite_note-1'><a "
           "href='#cite_ref-1'>^</a> Book one.</li>"
           "<li id='cite_note-2'>Book two.</li></ol></body>", NULL,
           "document{paragraph{\"Fact\" ref(1) \" and\" ref(2) \".\"} "
           "fndef(1){paragraph{\"Book one.\"}} "
           "fndef(2){paragraph{\"Book two.\"}}}");
}

Test(convert, sup_without_footnote_stays_superscript)
{
    EXPECT("<body><p>E = mc<sup>2</sup> and <sup><a href='#nowhere'>3</a>"
           "</sup></p></body>", "https://e.example/",
           "document{paragraph{\"E = mc\" sup{\"2\"} \" and \" "
           "sup{link(https://e.example/#nowhere){\"3\"}}}}");
}

/* ------------------------------------------------------------------ */
/* Counts                                                             */
/* ------------------------------------------------------------------ */

Test(convert, word_count_and_reading_time)
{
    folio_doc *doc = convert_doc("<body><p>One two, three&mdash;four. "
                                 "<em>fi</em>ve \xE2\x80\x94 don't</p>"
                                 "<pre>not counted here</pre></body>",
                                 NULL);
    const folio_meta *m = folio_doc_meta(doc);

    /* Words split at whitespace: One two, three—four. five don't (the
     * lone dash is no word; code blocks are not counted). */
    cr_assert_eq(m->word_count, 5);
    cr_assert_eq(m->reading_time_minutes, 1);
    folio_doc_free(doc);
}

Test(convert, word_count_cjk)
{
    folio_doc *doc = convert_doc("<body><p>東京は晴れ。 hello ภาษา</p></body>",
                                 NULL);
    const folio_meta *m = folio_doc_meta(doc);

    /* 東 京 は 晴 れ (5) + hello (1) + ภ า ษ า (4) */
    cr_assert_eq(m->word_count, 10);
    folio_doc_free(doc);
}

Test(convert, reading_time_rounds_up)
{
    char *html = malloc(300 * 6 + 64);
    folio_doc *doc;
    size_t i, o;

    o = (size_t)sprintf(html, "<body><p>");
    for (i = 0; i < 300; i++)
        o += (size_t)sprintf(html + o, "word ");
    strcpy(html + o, "</p></body>");
    doc = convert_doc(html, NULL);
    cr_assert_eq(folio_doc_meta(doc)->word_count, 300);
    cr_assert_eq(folio_doc_meta(doc)->reading_time_minutes, 2);
    folio_doc_free(doc);
    free(html);
}

/* ------------------------------------------------------------------ */
/* Hostile input                                                      */
/* ------------------------------------------------------------------ */

static char *nested(const char *open, const char *close, size_t depth,
                    const char *middle)
{
    size_t ol = strlen(open), cl = strlen(close), ml = strlen(middle);
    char *s = malloc(depth * (ol + cl) + ml + 32), *p = s;
    size_t i;

    cr_assert_not_null(s);
    memcpy(p, "<body>", 6);
    p += 6;
    for (i = 0; i < depth; i++, p += ol)
        memcpy(p, open, ol);
    memcpy(p, middle, ml);
    p += ml;
    for (i = 0; i < depth; i++, p += cl)
        memcpy(p, close, cl);
    strcpy(p, "<p>after</p></body>");
    return s;
}

Test(convert, deep_divs, .timeout = 10)
{
    char *html = nested("<div>", "</div>", 100000, "deep text");
    EXPECT(html, NULL,
           "document{paragraph{\"deep text\"} paragraph{\"after\"}}");
    free(html);
}

Test(convert, deep_inline_and_quotes_capped, .timeout = 10)
{
    char *html = nested("<em>", "</em>", 20000, "x");
    folio_doc *doc = convert_doc(html, NULL);
    char *d = tree_dump(folio_doc_root(doc));
    HAS(d, "\"x\"");
    HAS(d, "\"after\"");
    folio_doc_free(doc);
    free(d);
    free(html);

    html = nested("<blockquote>", "</blockquote>", 20000, "q");
    doc = convert_doc(html, NULL);
    d = tree_dump(folio_doc_root(doc));
    HAS(d, "\"q\"");
    folio_doc_free(doc);
    free(d);
    free(html);
}

Test(import, deep_nesting_100k_full_pipeline, .timeout = 20)
{
    char *html = nested("<div>", "</div>", 100000,
                        "<p>The only paragraph of real text in this very "
                        "deep page, long enough to look like an article "
                        "body to any extractor, with commas, and full "
                        "stops. It goes on for a second sentence, too.</p>");
    imported r = import_page(html, strlen(html), NULL, NULL);

    HAS(r.dump, "The only paragraph of real text");
    release(&r);
    free(html);
}

Test(import, no_stderr_output, .init = cr_redirect_stderr)
{
    static const char page[] =
        "<html><body><p>Broken &nosuch; <b><i>markup</b></i> <<<>>> "
        "<p =x>&#xD800; &#0; <table><td>cell</div></table></p>"
        "<p>Second paragraph with enough words to be kept by anyone.</p>"
        "</body></html></html><p>trailing";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    imported r;

    jo.no_extract = true;
    r = import_page(page, sizeof page - 1, NULL, &jo);
    HAS(r.dump, "Second paragraph");
    release(&r);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

Test(import, empty_and_script_only_pages)
{
    static const char shell[] = "<html><head><script src='app.js'></script>"
                                "</head><body><div id='root'></div>"
                                "<script>render()</script></body></html>";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;

    jo.no_extract = true;
    job = folio_job_new(NULL, &jo);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = (const unsigned char *)shell;
    in.len = sizeof shell - 1;
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_ENOTFOUND);
    cr_assert_not_null(strstr(folio_job_error(job),
                              "no article content found"));
    cr_assert_eq(folio_job_doc_count(job), 0);
    folio_job_free(job);

    job = folio_job_new(NULL, &jo);
    in.len = 0;
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_EINVALID);
    folio_job_free(job);
}

Test(import, input_limit)
{
    static const char page[] = "<p>Some text that is longer than the limit"
                               ".</p>";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;

    jo.max_input = 10;
    job = folio_job_new(NULL, &jo);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = (const unsigned char *)page;
    in.len = sizeof page - 1;
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_ELIMIT);
    cr_assert_not_null(folio_job_error(job));
    folio_job_free(job);
}

Test(import, provenance_and_hints)
{
    static const char page[] = "<html><body><p>Only text, no title.</p>"
                               "</body></html>";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;
    const folio_meta *m;

    jo.no_extract = true;
    jo.input_path = "saved/page.mhtml";
    job = folio_job_new(NULL, &jo);
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = (const unsigned char *)page;
    in.len = sizeof page - 1;
    in.captured = "2024-05-01T09:30:00+02:00";
    in.title_hint = "Subject from the container";
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK,
                 "%s", folio_job_error(job));
    m = folio_doc_meta(folio_job_doc(job, 0));
    cr_assert_str_eq(m->source, "saved/page.mhtml");
    cr_assert_str_eq(m->captured, "2024-05-01T09:30:00+02:00");
    cr_assert_str_eq(m->title, "Subject from the container");
    folio_job_free(job);

    job = folio_job_new(NULL, &jo);
    in.url = "https://site.example/a.html";
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK);
    cr_assert_str_eq(folio_doc_meta(folio_job_doc(job, 0))->source,
                     "https://site.example/a.html");
    folio_job_free(job);

    job = folio_job_new(NULL, &jo);
    in.source = "https://archive.example/snap/1";
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK);
    cr_assert_str_eq(folio_doc_meta(folio_job_doc(job, 0))->source,
                     "https://archive.example/snap/1");
    folio_job_free(job);
}

Test(import, older_input_struct_size)
{
    /* A plugin built against a header that ended at `len`. */
    static const char page[] = "<p>Short input struct.</p>";
    folio_job_options jo = FOLIO_JOB_OPTIONS_INIT;
    folio_html_input in;
    folio_job *job;

    jo.no_extract = true;
    job = folio_job_new(NULL, &jo);
    memset(&in, 0, sizeof in);
    in.html = (const unsigned char *)page;
    in.len = sizeof page - 1;
    in.url = (const char *)0x1; /* beyond `size`: must not be read */
    in.size = offsetof(folio_html_input, len) + sizeof in.len;
    cr_assert_eq(folio_job_import_html(job, &in), FOLIO_OK,
                 "%s", folio_job_error(job));
    folio_job_free(job);
}

/* ------------------------------------------------------------------ */
/* Fixture pages, whole pipeline                                      */
/* ------------------------------------------------------------------ */

Test(fixture, lists_nested)
{
    imported r = import_fixture("lists-nested", NULL);

    HAS(r.dump, "heading(2){\"Before you dig\"} list(ul,1,tight){item{"
                "paragraph{\"Find out who owns the land.\"} list(ul,1,tight)"
                "{item{paragraph{\"Check the city's parcel map;");
    HAS(r.dump, "item{paragraph{\"Agree on a \" emph{\"simple\"} \" set of "
                "rules – watering rotas");
    HAS(r.dump, "list(ol,3,tight){item{paragraph{\"Lay cardboard");
    HAS(r.dump, "item{paragraph{\"Fill each bed in layers:\"} "
                "list(ol,1,tight){item{paragraph{\"coarse branches");
    HAS(r.dump, "list(ol,1,loose){item{paragraph{strong{\"Put the water "
                "butt in first.\"} \" We carried cans");
    HAS(r.dump, "at least 60\xC2\xA0" "cm");
    HAS_NOT(r.dump, "dataLayer");
    HAS_NOT(r.dump, "All rights reserved");
    HAS_NOT(r.dump, "Share on Facebook");
    cr_assert_gt(folio_doc_meta(r.doc)->word_count, 250);
    cr_assert_eq(folio_doc_meta(r.doc)->reading_time_minutes, 2);
    cr_assert_str_eq(folio_doc_meta(r.doc)->source, "source.html");
    release(&r);
}

Test(fixture, tables_align)
{
    imported r = import_fixture("tables-align",
                                "https://weatherlog.example/2023/gauges");

    HAS(r.dump, "paragraph{\"Monthly rainfall by gauge (mm)\"} table{"
                "row(h){cell(h,left,1x1){\"Month\"} cell(h,right,1x1)"
                "{\"Plastic cone\"} cell(h,right,1x1){\"Tipping bucket\"} "
                "cell(h,right,1x1){\"Copper 5″\"}} row{cell(d,none,1x1)"
                "{\"June\"} cell(d,right,1x1){\"61.5\"}");
    HAS(r.dump, "row{cell(d,none,1x1){strong{\"Total\"}}");
    HAS(r.dump, "cell(h,none,2x1){\"Calibration\"}");
    HAS(r.dump, "cell(d,center,2x1){\"club standard\"}");
    HAS_NOT(r.dump, "Archives");
    release(&r);
}

Test(fixture, figure_credits)
{
    imported r = import_fixture("figure-credits", NULL);
    const char *base = "https://coastal-histories.example";
    char want[512];

    snprintf(want, sizeof want, "figure{paragraph{image(%s/img/rubha-mor-"
             "1600.jpg|A white lighthouse on a dark rock under storm "
             "clouds|800x533)} caption{\"Rubha Mor light in a January "
             "gale.\"} credit{\"Photograph: Calum Ross\"}}", base);
    HAS(r.dump, want);
    snprintf(want, sizeof want, "figure{paragraph{image(%s/img/logbook-"
             "1921.jpg|An open logbook with copperplate handwriting|0x0)} "
             "caption{\"A page from the 1921 logbook, recording a week of "
             "fog.\"} credit{\"© Northern Lighthouse Archive\"}}", base);
    HAS(r.dump, want);
    snprintf(want, sizeof want, "figure{paragraph{image(%s/img/keepers-"
             "1950.jpg||0x0)} caption{\"The last crew before automation, "
             "1950s.\"} credit{\"Courtesy of the Ross family.\"}}",
             base);
    HAS(r.dump, want);
    HAS_NOT(r.dump, "newsletter");
    HAS_NOT(r.dump, "Sign up");
    release(&r);
}

Test(fixture, code_languages)
{
    imported r = import_fixture("code-languages", NULL);

    HAS(r.dump, "codeblock(python)\"import csv\n\nwith open(\"people.csv\", "
                "newline=\"\") as f:\n");
    HAS(r.dump, "    for row in csv.reader(f):\n        print(row[1])\"");
    HAS(r.dump, "codeblock(js)\"import { parse } from \"csv-parse/sync\";");
    HAS(r.dump, "codeblock(bash)\"cut -d, -f2 people.csv | head -n 5\"");
    HAS(r.dump, "codeblock(c)\"#include <stdio.h>\n#include <string.h>\n\n"
                "int main(void)\n{\n    char line[1024];");
    HAS(r.dump, "while (f && fgets(line, sizeof line, f)) {");
    HAS(r.dump, "codeblock()\"Ada Lovelace\nGrace Hopper\n   (indented "
                "line kept as is)\"");
    HAS(r.dump, "link(https://docs.python.example/3/library/csv.html)"
                "{code\"csv\" \" module\"}");
    HAS(r.dump, "\"In Node you will want a parser from npm; the built-in \" "
                "code\"split\" \" breaks on quoted fields.\"");
    HAS_NOT(r.dump, "hljs");
    release(&r);
}

Test(fixture, relative_urls)
{
    imported r = import_fixture("relative-urls",
                                "https://field-journal.example/journal/"
                                "2023/old-drove-road.html");

    /* <base href="/journal/"> is resolved against the document URL. */
    HAS(r.dump, "link(https://field-journal.example/journal/glossary.html"
                "#waymarker){\"waymarker\"}");
    HAS(r.dump, "link(https://field-journal.example/journal/maps/drove-"
                "road.gpx){\"GPX track\"}");
    HAS(r.dump, "link(https://field-journal.example/downloads/drove-road-"
                "notes.pdf){\"printable set of notes\"}");
    HAS(r.dump, "image(https://field-journal.example/journal/images/"
                "ford.jpg|Stepping stones across a peaty river|640x427)");
    HAS(r.dump, "link(https://field-journal.example/safety/moorland.html)");
    HAS(r.dump, "link(https://bothies.example/listing/allt-beag)");
    HAS_NOT(r.dump, "javascript");
    for (size_t i = 0; i < folio_job_warning_count(r.job); i++)
        cr_assert_null(strstr(folio_job_warning_at(r.job, i), "base URL"),
                       "no base warning expected when a base is known");
    release(&r);
}

Test(fixture, relative_urls_without_base_warns_once)
{
    size_t len, i, n = 0;
    char *page = read_fixture("relative-urls", &len);
    /* Strip the <base> and canonical link: no base at all. */
    char *p = strstr(page, "<base href");
    imported r;

    memcpy(p, "<meta data-x", 12);
    p = strstr(page, "<link rel=\"canonical\"");
    memcpy(p, "<link rel=\"cano-ical\"", 21);
    r = import_page(page, len, NULL, NULL);
    HAS(r.dump, "link(maps/drove-road.gpx){\"GPX track\"}");
    HAS(r.dump, "link(../downloads/drove-road-notes.pdf)");
    for (i = 0; i < folio_job_warning_count(r.job); i++)
        if (strstr(folio_job_warning_at(r.job, i), "base URL") != NULL)
            n++;
    cr_assert_eq(n, 1);
    release(&r);
    free(page);
}

Test(fixture, deep_nesting)
{
    imported r = import_fixture("deep-nesting", NULL);

    HAS(r.dump, "paragraph{\"Open the source of a page made with a "
                "drag-and-drop builder");
    HAS(r.dump, "paragraph{\"If you maintain such a site, try flattening "
                "one template at a time, and measure before and after.\"}");
    HAS_NOT(r.dump, "Markup Matters");
    release(&r);
}

Test(fixture, footnotes)
{
    imported r = import_fixture("footnotes", NULL);

    HAS(r.dump, "the ship some thirty nautical miles east of where it "
                "really was.\" ref(1)");
    HAS(r.dump, "by hand.\" ref(2) \" Ships on long voyages");
    HAS(r.dump, "\"Wikipedia-style references work too.\" ref(3)");
    HAS(r.dump, "fndef(1){paragraph{\"At the equator, four minutes of time "
                "equal one degree of longitude, or sixty nautical miles.\"}}");
    HAS(r.dump, "fndef(2){paragraph{\"The correction tables were printed in "
                "the ship's \" emph{\"chronometer journal\"} \".\"}}");
    HAS(r.dump, "fndef(3){paragraph{\"Rupert Gould, \" emph{\"The Marine "
                "Chronometer\"} \", 1923.\"}}");
    HAS_NOT(r.dump, "↩");
    HAS_NOT(r.dump, "\"^\"");
    release(&r);
}

Test(fixture, charset_windows_1252)
{
    imported r = import_fixture("charset-windows-1252", NULL);

    HAS(r.dump, "« On a vu grandir trois générations d’habitués », "
                "raconte Josiane");
    HAS(r.dump, "“Ce ne sera jamais pareil”, soupire Gérard");
    HAS(r.dump, "Entrée libre — chacun apporte un plat.");
    release(&r);
}

/* ------------------------------------------------------------------ */
/* Description from the body                                          */
/* ------------------------------------------------------------------ */

#define ARTICLE_PAGE(head, body)                                             \
    "<html><head><title>Harbour works</title>" head "</head><body>"          \
    "<article><h1>Harbour works</h1>" body "</article></body></html>"

static const char *description_of(const char *page, imported *r)
{
    *r = import_page(page, strlen(page), NULL, NULL);
    return folio_doc_meta(r->doc)->description;
}

Test(describe, first_real_paragraph_when_page_declares_none)
{
    imported r;
    const char *d = description_of(ARTICLE_PAGE("",
        "<p>Short line.</p>"
        "<p>The harbour wall, rebuilt over two winters, now <em>shelters</em> "
        "forty boats, and the fishing co-operative has come back.</p>"
        "<p>A second paragraph, long enough to be a description on its "
        "own, that must not be chosen.</p>"), &r);
    cr_assert_str_eq(d, "The harbour wall, rebuilt over two winters, now "
                        "shelters forty boats, and the fishing co-operative "
                        "has come back.");
    release(&r);
}

Test(describe, short_sentence_counts_but_labels_and_menus_do_not)
{
    imported r;
    const char *d = description_of(ARTICLE_PAGE("",
        "<p>Contents</p>"
        "<p>By Ann Lee, 3 May 2024</p>"
        "<p><a href='/a'>Harbour news and more harbour news and more "
        "harbour news</a></p>"
        "<p>The harbour wall is back.</p>"
        "<p>A second paragraph, long enough to be a description on its "
        "own, that must not be chosen.</p>"), &r);
    cr_assert_str_eq(d, "The harbour wall is back.");
    release(&r);

    /* A paragraph inside a list item is a paragraph too. */
    d = description_of(ARTICLE_PAGE("",
        "<ol><li><p>Nothing in the harbour has changed so far, and the "
        "boats still wait</p></li></ol>"), &r);
    cr_assert_str_eq(d, "Nothing in the harbour has changed so far, and "
                        "the boats still wait");
    release(&r);
}

Test(describe, declared_description_wins)
{
    imported r;
    const char *d = description_of(ARTICLE_PAGE(
        "<meta name=description content='Declared.'>",
        "<p>The harbour wall, rebuilt over two winters, now shelters forty "
        "boats, and the fishing co-operative has come back.</p>"), &r);
    cr_assert_str_eq(d, "Declared.");
    release(&r);
}

Test(describe, long_paragraph_cut_at_a_space_with_ellipsis)
{
    char body[4096] = "<p>";
    for (int i = 0; i < 60; i++)
        strcat(body, "Boats return, nets dry. ");
    strcat(body, "</p>");
    char page[5000];
    snprintf(page, sizeof page, ARTICLE_PAGE("", "%s"), body);
    imported r;
    const char *d = description_of(page, &r);
    size_t len = strlen(d);
    cr_assert_leq(len, 1200 + 3);
    cr_assert_geq(len, 1000);
    cr_assert_str_eq(d + len - 3, "\xe2\x80\xa6");
    cr_assert_neq(d[len - 4], ' ');
    cr_assert_eq(strncmp(d, "Boats return, nets dry. Boats", 29), 0);
    release(&r);
}

Test(describe, cjk_paragraph_cut_on_a_character_boundary)
{
    char body[8192] = "<p>";
    for (int i = 0; i < 500; i++)
        strcat(body, "\xe6\xb8\xaf"); /* a 3-byte character, no spaces */
    strcat(body, "</p>");
    char page[9000];
    snprintf(page, sizeof page, ARTICLE_PAGE("", "%s"), body);
    imported r;
    const char *d = description_of(page, &r);
    size_t len = strlen(d);
    cr_assert_eq(len % 3, 0, "cut inside a character: %zu bytes", len);
    cr_assert_str_eq(d + len - 3, "\xe2\x80\xa6");
    release(&r);
}
