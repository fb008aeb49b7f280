/* SPDX-License-Identifier: MIT */
/* File helpers for the tests that run folio as a program and collect
 * what it wrote: whole files into memory, and unlinked scratch files for
 * a child's stdout and stderr. Static inline, so a test file takes only
 * what it uses. */
#ifndef FOLIO_TESTS_TESTIO_H
#define FOLIO_TESTS_TESTIO_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Everything in `fd` from its start, NUL-terminated (the offset is
 * rewound first: a child sharing the file moved it). `*len_out` (may be
 * NULL) gets the length. */
static inline char *test_read_fd(int fd, size_t *len_out)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);

    cr_assert_not_null(buf);
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        ssize_t n;

        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        n = read(fd, buf + len, cap - len - 1);
        cr_assert(n >= 0, "read: %s", strerror(errno));
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

/* The whole file at `path`, as test_read_fd. */
static inline char *test_read_file(const char *path, size_t *len_out)
{
    int fd = open(path, O_RDONLY);
    char *s;

    cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
    s = test_read_fd(fd, len_out);
    close(fd);
    return s;
}

/* A scratch file already unlinked, open for reading and writing. */
static inline int test_scratch_fd(void)
{
    char name[] = "/tmp/folio-test-io-XXXXXX";
    int fd = mkstemp(name);

    cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
    unlink(name);
    return fd;
}

#endif
