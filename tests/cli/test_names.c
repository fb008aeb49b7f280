/* SPDX-License-Identifier: MIT */
/* The names the folio program makes: title slugs, asset file names,
 * relative links, folder walks (core/cli/names.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"

static void assert_slug(const char *title, const char *want)
{
    char *got = cli_slug(title);

    if (want == NULL)
        cr_assert_null(got, "slug of '%s': %s", title, got);
    else
        cr_assert_str_eq(got, want, "slug of '%s'", title);
    free(got);
}

Test(names, slugs)
{
    assert_slug("How the Harbour Bridge Was Painted",
                "how-the-harbour-bridge-was-painted");
    assert_slug("  C'est l'été — déjà!  ", "c-est-l-été-déjà");
    assert_slug("東京の天気：晴れ", "東京の天気-晴れ");
    assert_slug("«Привет», мир", "Привет-мир"); /* ASCII case only */
    assert_slug("../../etc/passwd", "etc-passwd");
    assert_slug("!!!", NULL);
    assert_slug("", NULL);
    assert_slug(NULL, NULL);
}

Test(names, slug_is_bounded_at_a_character_boundary)
{
    char title[400] = "";
    char *s;

    for (int i = 0; i < 100; i++)
        strcat(title, "é");
    s = cli_slug(title);
    cr_assert_not_null(s);
    cr_assert_leq(strlen(s), CLI_SLUG_MAX);
    cr_assert_eq(strlen(s) % 2, 0, "cut inside a character");
    free(s);
}

Test(names, asset_names)
{
    static const unsigned char a[] = "AAAA", b[] = "BBBB";
    char *n1 = cli_asset_name("https://e.org/img/My%20Photo.JPG?w=300",
                              "image/jpeg", a, 4);
    char *n2 = cli_asset_name("https://e.org/other/My%20Photo.JPG",
                              "image/jpeg", a, 4);
    char *n3 = cli_asset_name("https://e.org/img/My%20Photo.JPG",
                              "image/jpeg", b, 4);
    char *n4 = cli_asset_name("data:image/png;base64,AAAA", "image/png", a,
                              4);
    char *n5 = cli_asset_name("cid:../../x.sh@mhtml", "image/gif", a, 4);
    char *n6 = cli_asset_name("https://e.org/pic.webp", NULL, a, 4);

    cr_assert_eq(strncmp(n1, "My-Photo-", 9), 0, "%s", n1);
    cr_assert_eq(strlen(n1), 9 + 12 + 4, "%s", n1);
    cr_assert_str_eq(n1 + strlen(n1) - 4, ".jpg");
    cr_assert_str_eq(n1, n2, "same bytes, same name");
    cr_assert_str_neq(n1, n3, "other bytes, other name");
    cr_assert_eq(strncmp(n4, "image-", 6), 0, "%s", n4);
    cr_assert_str_eq(n4 + strlen(n4) - 4, ".png");
    cr_assert_null(strchr(n5, '/'), "%s", n5);
    cr_assert_neq(n5[0], '.', "%s", n5);
    cr_assert_str_eq(n6 + strlen(n6) - 5, ".webp");
    free(n1);
    free(n2);
    free(n3);
    free(n4);
    free(n5);
    free(n6);
}

static void assert_rel(const char *to, const char *from, const char *want)
{
    char *got = cli_relpath(to, from);

    cr_assert_str_eq(got, want, "from %s to %s", from, to);
    free(got);
}

Test(names, relative_paths)
{
    assert_rel("/a/b/assets", "/a/b", "assets");
    assert_rel("/a/img", "/a/b/c", "../../img");
    assert_rel("/a/b", "/a/b/", "");
    assert_rel("/a/./b/../c", "/a", "c");
    assert_rel("x/assets", "x", "assets");
    assert_rel("img", "out/posts", "../../img");
}

Test(names, walk_lists_pages_in_order_and_skips_resources)
{
    char dir[] = "/tmp/folio-names-XXXXXX";
    char p[256];
    char **files;
    size_t n;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/b", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/a_files", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/.git", dir);
    mkdir(p, 0777);
    static const char *const names[] = { "z.html", "a.html", "b/c.html",
                                         "a_files/x.png", ".git/h.html",
                                         ".hidden.html" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        cr_assert_not_null(f);
        fputs("<p>x</p>", f);
        fclose(f);
    }
    /* A link back up must not make the walk loop. */
    snprintf(p, sizeof p, "%s/b/loop", dir);
    cr_assert_eq(symlink(dir, p), 0);

    cr_assert_eq(cli_list_files(dir, 100, &files, &n), 0);
    cr_assert_eq(n, 3);
    snprintf(p, sizeof p, "%s/a.html", dir);
    cr_assert_str_eq(files[0], p);
    snprintf(p, sizeof p, "%s/b/c.html", dir);
    cr_assert_str_eq(files[1], p);
    snprintf(p, sizeof p, "%s/z.html", dir);
    cr_assert_str_eq(files[2], p);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);

    cr_assert_eq(cli_list_files(dir, 2, &files, &n), -1);
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    cr_assert_eq(system(p), 0);
}
