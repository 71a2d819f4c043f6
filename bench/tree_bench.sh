#!/usr/bin/env bash
# repo-tool on a synthetic Universe.
#   bench/tree_bench.sh [BUILD_DIR] [PACKAGES|universe] [REVISIONS] [RUNS]
# PACKAGES x REVISIONS revisions of about 25 KB each (default 1000 x 10), or "universe": the
# shape of the real Universe (185 packages, 1,235 revisions, about 33 MB; see
# synthetic-universe --shape universe). Times `repo-tool validate` and `repo-tool build` RUNS
# times each (default 5) and prints every run, then the median, fastest and slowest, with the
# load average before and after, the peak memory and the size of the build output. Run it on a
# quiet machine; it uses every core (repo-tool's default).
set -euo pipefail
command -v /usr/bin/time > /dev/null || { echo "tree_bench.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
build=${1:-build}
packages=${2:-1000}
revisions=${3:-10}
runs=${4:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$packages" = universe ]; then
    "$build/bench/synthetic-universe" "$work/tree" --shape universe
else
    "$build/bench/synthetic-universe" "$work/tree" --packages "$packages" --revisions "$revisions"
fi
sync

load() { cut -d' ' -f1-3 /proc/loadavg; }

measure() {
    local label=$1
    shift
    local times=()
    echo "$label: load before $(load)"
    for run in $(seq "$runs"); do
        rm -rf "$work/out-repo"
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out"
        read -r seconds kbytes < "$work/time"
        times+=("$seconds")
        awk -v l="$label" -v r="$run" -v s="$seconds" -v k="$kbytes" -v t="$(tail -n 1 "$work/out")" \
            'BEGIN { printf "  %-9s run %d %7.2f s  peak RSS %7.1f MB   %s\n", l, r, s, k / 1024, t }'
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v load="$(load)" \
        '{ t[NR] = $1 } END { printf "%-9s median %.2f s (fastest %.2f s, slowest %.2f s, %d runs); load after %s\n", l, t[int((NR + 1) / 2)], t[1], t[NR], NR, load }'
}

measure validate "$build/repo-tool/repo-tool" validate "$work/tree"
measure build "$build/repo-tool/repo-tool" build "$work/tree" "$work/out-repo"
output=$(du -sb "$work/out-repo" | cut -f1)
awk -v b="$output" -v n="$(ls "$work/out-repo" | wc -l)" \
    'BEGIN { printf "build output %.1f MB in %d files\n", b / 1e6, n }'
