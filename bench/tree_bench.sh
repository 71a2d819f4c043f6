#!/usr/bin/env bash
# repo-tool on a synthetic Universe: N packages x M revisions of about 25 KB each.
#   bench/tree_bench.sh [BUILD_DIR] [PACKAGES] [REVISIONS]
# Prints the wall time and peak memory of `repo-tool validate` and `repo-tool build`, and the
# size of the build output. Run it on a quiet machine; it uses every core (repo-tool's default).
set -euo pipefail
command -v /usr/bin/time > /dev/null || { echo "tree_bench.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
build=${1:-build}
packages=${2:-1000}
revisions=${3:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$build/bench/synthetic-universe" "$work/tree" --packages "$packages" --revisions "$revisions"
sync

measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out"
    read -r seconds kbytes < "$work/time"
    awk -v l="$label" -v s="$seconds" -v k="$kbytes" -v t="$(tail -n 1 "$work/out")" \
        'BEGIN { printf "%-10s %8.2f s  peak RSS %8.1f MB   %s\n", l, s, k / 1024, t }'
}

measure validate "$build/repo-tool/repo-tool" validate "$work/tree"
measure build "$build/repo-tool/repo-tool" build "$work/tree" "$work/out-repo"
output=$(du -sb "$work/out-repo" | cut -f1)
awk -v b="$output" -v n="$(ls "$work/out-repo" | wc -l)" \
    'BEGIN { printf "build output %.1f MB in %d files\n", b / 1e6, n }'
