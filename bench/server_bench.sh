#!/usr/bin/env bash
# The catalog API under load: cosmos-server (each listener kind) answering POST /package/search
# (no query, and a substring query) and POST /package/describe, measured with wrk on loopback,
# next to nginx (1 worker) serving the same response bytes as static files in the same run.
# Also measured: the time from start to the first search answering with the whole catalog (first
# start, fetching the file:// repositories; and restart, from the server's store), and the
# server's VmRSS / VmHWM.
#
# Scenarios: "corpus" (the real Universe corpus, built with repo-tool build) and
# "corpus+synthetic" (plus a synthetic repository of PACKAGES x REVISIONS revisions from
# synthetic-universe, about 25 KB of source each).
#
#   bench/server_bench.sh [--build DIR] [--server BINARY] [--work DIR] [--duration SECONDS] [--connections N]
#                         [--wrk-threads N] [--server-threads N] [--listeners "beast cpprest"]
#                         [--scenarios "corpus corpus+synthetic"] [--packages N] [--revisions M]
#                         [--log-level LEVEL]
#
# Needs wrk, nginx, curl and python3. WORK (default /tmp/universe-bench) keeps the built
# repositories between runs; delete it to rebuild them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build-bench"
WORK="${TMPDIR:-/tmp}/universe-bench"
DURATION=10
CONNECTIONS=16
WRK_THREADS=2
SERVER_THREADS=0
LISTENERS="beast cpprest"
SCENARIOS="corpus corpus+synthetic"
PACKAGES=1000
REVISIONS=10
LOG_LEVEL=info
SERVER=""
CORPUS_TREE="$ROOT/../shared/corpus/universe"

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=$2; shift 2 ;;
        --server) SERVER=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --wrk-threads) WRK_THREADS=$2; shift 2 ;;
        --server-threads) SERVER_THREADS=$2; shift 2 ;;
        --listeners) LISTENERS=$2; shift 2 ;;
        --scenarios) SCENARIOS=$2; shift 2 ;;
        --packages) PACKAGES=$2; shift 2 ;;
        --revisions) REVISIONS=$2; shift 2 ;;
        --log-level) LOG_LEVEL=$2; shift 2 ;;
        *) sed -n '2,21p' "$0" >&2; exit 2 ;;
    esac
done

SERVER="${SERVER:-$BUILD/cosmos/cosmos-server}"
REPO_TOOL="$BUILD/repo-tool/repo-tool"
SYNTHETIC="$BUILD/bench/synthetic-universe"
for bin in "$SERVER" "$REPO_TOOL" "$SYNTHETIC"; do
    [ -x "$bin" ] || { echo "missing $bin: build first" >&2; exit 1; }
done
for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

mkdir -p "$WORK"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/server-bench-XXXXXX")
chmod 755 "$RUN"  # nginx workers run as another user
SERVER_PID=""
LAUNCHER_PID=""
NGINX_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$LAUNCHER_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    rm -rf "$RUN"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- repositories ---------------------------------------------------------------------------
if [ ! -f "$WORK/corpus-out/repo-up-to-2.0.json" ]; then
    "$REPO_TOOL" build "$CORPUS_TREE" "$WORK/corpus-out" >/dev/null
fi
SYNTH_NAME="synthetic-${PACKAGES}x${REVISIONS}"
if [[ " $SCENARIOS " == *"synthetic"* ]] && [ ! -f "$WORK/$SYNTH_NAME-out/repo-up-to-2.0.json" ]; then
    echo "generating $SYNTH_NAME ..." >&2
    rm -rf "$WORK/$SYNTH_NAME"
    "$SYNTHETIC" "$WORK/$SYNTH_NAME" --packages "$PACKAGES" --revisions "$REVISIONS" >&2
    "$REPO_TOOL" build "$WORK/$SYNTH_NAME" "$WORK/$SYNTH_NAME-out" >/dev/null
fi

# repo files of a scenario, one per line
scenario_files() {
    echo "$WORK/corpus-out/repo-up-to-2.0.json"
    if [ "$1" = "corpus+synthetic" ]; then echo "$WORK/$SYNTH_NAME-out/repo-up-to-2.0.json"; fi
}

# --- helpers ----------------------------------------------------------------------------------
SEARCH_REQ="application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1"
SEARCH_RES="application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1"
DESCRIBE_REQ="application/vnd.dcos.package.describe-request+json;charset=utf-8;version=v1"
DESCRIBE_RES="application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3"
QUERY="${COSMOS_QUERY:-kaf}"
PACKAGE="${COSMOS_PACKAGE:-kafka}"
export COSMOS_QUERY="$QUERY" COSMOS_PACKAGE="$PACKAGE"

# Starts cosmos-server under launch_server.py, which times the load: from just before the start
# to the first search listing `expected` packages. Sets SERVER_PID, SERVER_URL and LOAD_MS.
start_server() {  # listener data_dir repositories_file expected_packages
    local port
    port=$(free_port)
    rm -f "$RUN/launch.out"
    python3 "$ROOT/bench/launch_server.py" "$RUN/launch.out" "$4" "$RUN/server.log" "$port" -- \
        "$SERVER" --listen "127.0.0.1:$port" --data-dir "$2" --repositories-file "$3" \
        --listener "$1" --threads "$SERVER_THREADS" --log-level "$LOG_LEVEL" \
        --refresh-interval 3600 &
    LAUNCHER_PID=$!
    while [ ! -f "$RUN/launch.out" ]; do
        kill -0 "$LAUNCHER_PID" 2>/dev/null || { echo "launch_server.py failed" >&2; exit 1; }
        sleep 0.05
    done
    read -r SERVER_PID LOAD_MS <"$RUN/launch.out"
    SERVER_URL="http://127.0.0.1:$port"
    if [ "$LOAD_MS" = failed ]; then
        echo "cosmos-server did not load its catalog; log:" >&2
        tail -20 "$RUN/server.log" >&2
        exit 1
    fi
}

stop_server() {
    kill "$SERVER_PID"
    wait "$LAUNCHER_PID" || true
    SERVER_PID=""
    LAUNCHER_PID=""
}

# Distinct package names over repository files.
count_names() {
    python3 -c '
import json, sys
names = set()
for f in sys.argv[1:]:
    names.update(p["name"] for p in json.load(open(f))["packages"])
print(len(names))' "$@"
}

# wrk run -> "requests_per_s p50_ms p99_ms errors"
run_wrk() {  # url script-or-empty seconds
    local out
    if [ -n "$2" ]; then
        out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$3"s --latency -s "$2" "$1")
    else
        out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$3"s --latency "$1")
    fi
    echo "$out" >>"$RUN/wrk.log"
    echo "$out" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\n\s+50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\n\s+99%\s+(\S+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
err = re.search(r"Socket errors: (.*)", text)
print("%.0f %.2f %.2f %s" % (rps, p50, p99, (bad.group(1) if bad else "0") + ("/" + err.group(1).replace(" ", "") if err else "")))'
}

rss_kb() {  # field
    awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status"
}

start_nginx() {  # root
    local port
    port=$(free_port)
    mkdir -p "$RUN/nginx/tmp"
    cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000000;
    client_body_temp_path $RUN/nginx/tmp;
    proxy_temp_path $RUN/nginx/tmp;
    fastcgi_temp_path $RUN/nginx/tmp;
    uwsgi_temp_path $RUN/nginx/tmp;
    scgi_temp_path $RUN/nginx/tmp;
    types { }
    server {
        listen 127.0.0.1:$port;
        root $1;
        location /search { default_type "$SEARCH_RES"; }
        location /describe { default_type "$DESCRIBE_RES"; }
    }
}
EOF
    nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" 2>>"$RUN/nginx/error.log" &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$port"
    for _ in $(seq 100); do curl -s -o /dev/null "$NGINX_URL/" && return 0; sleep 0.05; done
    echo "nginx did not start" >&2
    cat "$RUN/nginx/error.log" >&2
    exit 1
}

# The exact bytes cosmos-server answers, for nginx to serve.
save_answers() {  # dir
    mkdir -p "$1"
    curl -sf -X POST -H "Content-Type: $SEARCH_REQ" -H "Accept: $SEARCH_RES" -d '{}' \
        "$SERVER_URL/package/search" -o "$1/search-all"
    curl -sf -X POST -H "Content-Type: $SEARCH_REQ" -H "Accept: $SEARCH_RES" \
        -d "{\"query\":\"$QUERY\"}" "$SERVER_URL/package/search" -o "$1/search-query"
    curl -sf -X POST -H "Content-Type: $DESCRIBE_REQ" -H "Accept: $DESCRIBE_RES" \
        -d "{\"packageName\":\"$PACKAGE\"}" "$SERVER_URL/package/describe" -o "$1/describe"
}

# --- runs -------------------------------------------------------------------------------------
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: $WRK_THREADS threads, $CONNECTIONS connections, ${DURATION}s per run (1 s warm-up);" \
    "cosmos-server --threads $SERVER_THREADS --log-level $LOG_LEVEL; nginx 1 worker"
echo "query \"$QUERY\", describe \"$PACKAGE\""

RESULTS="$RUN/results"
: >"$RESULTS"
for scenario in $SCENARIOS; do
    mapfile -t files < <(scenario_files "$scenario")
    repos="$RUN/$scenario.repositories.json"
    python3 -c '
import json, sys
names = ["Universe", "Synthetic"]
print(json.dumps([{"name": names[i], "uri": "file://" + f} for i, f in enumerate(sys.argv[1:])]))' \
        "${files[@]}" >"$repos"
    expected=$(count_names "${files[@]}")
    repo_bytes=$(cat "${files[@]}" | wc -c)
    echo
    echo "## $scenario: $expected packages, repository JSON $(python3 -c "print('%.1f MB' % ($repo_bytes / 1048576))")"
    echo
    echo "| listener | endpoint | answer bytes | req/s | p50 ms | p99 ms | nginx req/s | nginx p50 ms | nginx p99 ms | ratio | non-2xx |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for listener in $LISTENERS; do
        data="$RUN/data-$scenario-$listener"
        start_server "$listener" "$data" "$repos" "$expected"
        first_load=$LOAD_MS
        answers="$RUN/www-$scenario-$listener"
        save_answers "$answers"
        [ -n "$NGINX_PID" ] || start_nginx "$RUN/www"
        rm -rf "$RUN/www" && cp -r "$answers" "$RUN/www"
        for file in search-all search-query describe; do
            got=$(curl -s -o /dev/null -w "%{http_code} %{size_download}" "$NGINX_URL/$file")
            if [ "$got" != "200 $(wc -c <"$answers/$file")" ]; then
                echo "nginx answers $got for $file" >&2
                exit 1
            fi
        done
        for endpoint in search_all search_query describe; do
            case $endpoint in
                search_all) file=search-all ;;
                search_query) file=search-query ;;
                describe) file=describe ;;
            esac
            script="$ROOT/bench/wrk/$endpoint.lua"
            run_wrk "$SERVER_URL" "$script" 1 >/dev/null
            read -r rps p50 p99 bad <<<"$(run_wrk "$SERVER_URL" "$script" "$DURATION")"
            run_wrk "$NGINX_URL/$file" "" 1 >/dev/null
            read -r nrps np50 np99 _ <<<"$(run_wrk "$NGINX_URL/$file" "" "$DURATION")"
            ratio=$(python3 -c "print('%.2f' % ($rps / $nrps))")
            bytes=$(wc -c <"$answers/$file")
            echo "| $listener | $endpoint | $bytes | $rps | $p50 | $p99 | $nrps | $np50 | $np99 | $ratio | $bad |"
        done
        rss=$(rss_kb VmRSS)
        hwm=$(rss_kb VmHWM)
        stop_server
        start_server "$listener" "$data" "$repos" "$expected"
        restart_load=$LOAD_MS
        restart_rss=$(rss_kb VmRSS)
        stop_server
        python3 -c "
b = $repo_bytes / 1048576
print('$scenario $listener: first load %s ms, restart load %s ms; after the runs VmRSS %.1f MB, VmHWM %.1f MB (%.2fx / %.2fx the %.1f MB of repository JSON); after restart VmRSS %.1f MB' % ('$first_load', '$restart_load', $rss / 1024, $hwm / 1024, $rss / 1024 / b, $hwm / 1024 / b, b, $restart_rss / 1024))" >>"$RESULTS"
    done
done
echo
cat "$RESULTS"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
