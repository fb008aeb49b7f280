#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,
# undefined) and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]
#
# SECONDS: time per target (default 60). TARGET: import, jsonld, output,
# mhtml, warc, singlefile, complete (default: every target built).
# Environment: FUZZ_BUILD (build dir, default build-fuzz), FUZZ_WORK
# (corpora and findings, default $FUZZ_BUILD/fuzz-work), FUZZ_JOBS (ninja
# jobs, default 2). Seed corpora are made from tests/fixtures at each run;
# what the fuzzer finds is added to $FUZZ_WORK/corpus/TARGET. A finding
# (crash, leak, timeout over 10 s, more than 1 GB) is saved in
# $FUZZ_WORK/findings/TARGET and makes the script exit 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
secs=${1:-60}
shift || true
build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-$build/fuzz-work}

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzzing=true -Dtests=false \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized
fi
ninja -C "$build" -j "${FUZZ_JOBS:-2}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for t in import jsonld output mhtml warc singlefile complete; do
        [ -x "$build/tests/fuzz/fuzz_$t" ] && targets+=("$t")
    done
fi

# Seeds: the project's own fixtures, by kind; the containers (MHTML,
# WARC) are built around the fixture pages here, so no binary seed is
# kept in the tree.
pages() {
    local f
    for f in "$src"/tests/fixtures/*/*.html "$src"/examples/*.html; do
        [ -f "$f" ] && echo "$f"
    done
}
png=$src/tests/savedpages/complete/page_files/photo.png

mhtml_of() {
    local page=$1 b="----MultipartBoundary--fuzz"
    printf 'From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.org/a/page\r\n'
    printf 'Subject: =?utf-8?Q?A_title?=\r\nDate: Sat, 1 Jun 2024 10:00:00 -0000\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="%s"\r\n\r\n' "$b"
    printf -- '--%s\r\nContent-Type: text/html\r\nContent-ID: <frame-0@mhtml.blink>\r\n' "$b"
    printf 'Content-Transfer-Encoding: 8bit\r\nContent-Location: https://example.org/a/page\r\n\r\n'
    cat "$page"
    printf '\r\n--%s\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n' "$b"
    printf 'Content-Location: https://example.org/a/photo.png\r\n\r\n'
    [ -f "$png" ] && base64 "$png" | sed 's/$/\r/'
    printf '\r\n--%s--\r\n' "$b"
}

warc_record() { # TYPE URI FILE-WITH-BLOCK
    printf 'WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\n' "$1" "$2"
    printf 'WARC-Date: 2024-06-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:%s>\r\n' \
        "$(cksum < "$3" | cut -d' ' -f1)"
    printf 'Content-Type: application/http; msgtype=response\r\n'
    printf 'Content-Length: %s\r\n\r\n' "$(wc -c < "$3")"
    cat "$3"
    printf '\r\n\r\n'
}

warc_of() { # PAGE TMPDIR
    local page=$1 tmp=$2
    { printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
      cat "$page"; } > "$tmp/block1"
    warc_record response https://example.org/a/page "$tmp/block1"
    if [ -f "$png" ]; then
        { printf 'HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n'
          cat "$png"; } > "$tmp/block2"
        warc_record response https://example.org/a/photo.png "$tmp/block2"
    fi
}

seed() {
    local t=$1 dir=$2 f n
    mkdir -p "$dir"
    case $t in
    import|output)
        pages | while read -r f; do
            cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"
        done ;;
    jsonld)
        # The JSON-LD blocks of the fixture pages, one file each.
        pages | while read -r f; do
            awk -v out="$dir/$(basename "$(dirname "$f")")" '
                /application\/ld\+json/ { on = 1; n++; sub(/.*ld\+json"?[^>]*>/, "") }
                on { s = $0; if (sub(/<\/script>.*/, "", s)) on = 0;
                     print s > (out "-" n ".json") }' "$f"
        done ;;
    mhtml)
        pages | while read -r f; do
            mhtml_of "$f" > "$dir/$(basename "$(dirname "$f")").mhtml"
        done ;;
    warc)
        pages | while read -r f; do
            n=$dir/$(basename "$(dirname "$f")")
            warc_of "$f" "$dir" > "$n.warc"
            gzip -c < "$n.warc" > "$n.warc.gz"
        done
        rm -f "$dir/block1" "$dir/block2" ;;
    singlefile|complete)
        for f in "$src"/tests/savedpages/"$t"/*.html; do
            [ -f "$f" ] && cp "$f" "$dir/"
        done ;;
    esac
    return 0
}

status=0
for t in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$exe" ]; then
        echo "run.sh: no target $t (not built)" >&2
        status=1
        continue
    fi
    corpus=$work/corpus/$t
    findings=$work/findings/$t
    mkdir -p "$corpus" "$findings"
    seed "$t" "$work/seeds/$t"
    dict=()
    case $t in
    import|output|singlefile|complete) d=$src/tests/fuzz/html.dict ;;
    *) d=$src/tests/fuzz/$t.dict ;;
    esac
    [ -f "$d" ] && dict=(-dict="$d")
    echo "== fuzz_$t: $secs s"
    rc=0
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$src/tests/lsan.supp \
        "$exe" "${dict[@]}" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=1024 -max_len=1048576 -print_final_stats=1 \
        -artifact_prefix="$findings/" "$corpus" "$work/seeds/$t" \
        > "$work/$t.log" 2>&1 || rc=$?
    # The start and end figures (executions/s, cov:, ft:) and any report.
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|SUMMARY|stat::' \
        "$work/$t.log" || true
    if [ "$rc" -ne 0 ] || ls "$findings"/* >/dev/null 2>&1; then
        echo "run.sh: fuzz_$t failed (status $rc): $(ls "$findings")" \
             "- see $work/$t.log" >&2
        status=1
    fi
done
exit $status
