#!/usr/bin/env bash
# API Gateway side by side with serverless-offline (issue 5): the same Node handler (bench/gateway-offline/handler.js)
# behind an HTTP API and a REST API (Lambda proxy) on Nimbus and on serverless-offline 13, plus a REST MOCK
# integration on Nimbus and a bare Kestrel endpoint (`nimbus-bench echo-server`, the machine's ceiling for one hop).
# autocannon (from the peer's node_modules) at 10 and 50 connections, GET, keep-alive. Only 127.0.0.1 traffic; stops
# everything it started. Knobs: DURATION (s per run, 10), WARMUP (s per cell, 20: steady state — with a few seconds the first Lambda cells run during .NET tier-1 JIT and V8 warm-up of 50 runtimes), CONNECTIONS ("10 50"), NO_BUILD=1,
# PEER_DIR (a folder whose node_modules has serverless@3, serverless-offline@13, autocannon; bench/gateway-peer),
# BEFORE_CLI (a second nimbus executable, e.g. a build of an older commit, measured side by side as before-*),
# TARGETS (a subset of the target names), ROUNDS (1: with N > 1 every cell is measured N times, round after round, the
# warm-up only in the first; the summary adds the median of each round's Nimbus/peer ratio; serverless-offline is
# restarted and warmed PEER_WARMUP s before each later round unless RESTART_PEER=0). When wrk is installed every cell is also run with wrk (C, one thread:
# autocannon itself takes about a core of this 2-core machine); CPU time of each Nimbus (with its runtime processes)
# per request is printed from /proc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/out/gateway-vs-offline"
duration=${DURATION:-10}
warmup=${WARMUP:-20}
connections=${CONNECTIONS:-"10 50"}
peer=${PEER_DIR:-$root/bench/gateway-peer}
autocannon="$peer/node_modules/.bin/autocannon"
[ -x "$autocannon" ] || { echo "no autocannon in $peer/node_modules: run npm ci in bench/gateway-peer (or set PEER_DIR)" >&2; exit 1; }
pids=()
tmp=$(mktemp -d /tmp/nimbus-bench-gwoff.XXXXXX)
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ "${NO_BUILD:-0}" != 1 ]; then
    dotnet build -c Release src/Nimbus.Cli -nologo -v q -clp:NoSummary
    dotnet build -c Release bench/Nimbus.Bench -nologo -v q -clp:NoSummary
fi
cli="$root/src/Nimbus.Cli/bin/Release/net10.0/nimbus"
bench="$root/bench/Nimbus.Bench/bin/Release/net10.0/nimbus-bench"
rm -rf "$out"
mkdir -p "$out"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ok() { for _ in $(seq 1 600); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not ready: $1" >&2; return 1; }

# Nimbus (and the "before" build, if any).
start_nimbus() { # executable, state dir, log → sets started_url, started_pid
    local p
    p=$(free_port)
    NIMBUS_APIGW_ACCOUNT_RATE=${NIMBUS_APIGW_ACCOUNT_RATE:-1000000} NIMBUS_APIGW_ACCOUNT_BURST=${NIMBUS_APIGW_ACCOUNT_BURST:-1000000} "$1" up --port "$p" --state-dir "$2" --log-level Warning > "$3" 2>&1 &
    started_pid=$!
    pids+=($started_pid)
    started_url="http://127.0.0.1:$p"
    wait_ok "$started_url/_nimbus/health"
}
start_nimbus "$cli" "$tmp/state" "$out/nimbus.log"
nimbus=$started_url
nimbus_pid=$started_pid
if [ -n "${BEFORE_CLI:-}" ]; then
    start_nimbus "$BEFORE_CLI" "$tmp/state-before" "$out/nimbus-before.log"
    before=$started_url
    before_pid=$started_pid
fi

# Bare Kestrel (unless TARGETS leaves it out).
kport=$(free_port)
if [ -z "${TARGETS:-}" ] || [[ " $TARGETS " == *" kestrel-bare "* ]]; then
    "$bench" echo-server --port "$kport" > "$out/kestrel.log" 2>&1 &
    pids+=($!)
    wait_ok "http://127.0.0.1:$kport/"
fi

# serverless-offline, in a scratch copy of the service with the peer's node_modules.
svc="$tmp/offline"
mkdir -p "$svc"
cp bench/gateway-offline/serverless.yml bench/gateway-offline/handler.js "$svc/"
ln -s "$peer/node_modules" "$svc/node_modules"
start_offline() {
    (cd "$svc" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
        exec node node_modules/serverless/bin/serverless.js offline start >> "$out/offline.log" 2>&1) &
    offline_pid=$!
    pids+=($offline_pid)
    wait_ok "http://127.0.0.1:3055/hello"
}
start_offline

# The same handler on Nimbus: one function (hot-reload code folder), an HTTP API and a REST API in front of it.
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
fn_arn="arn:aws:lambda:us-east-1:000000000000:function:bench-hello"
setup_nimbus() { # base URL → sets http_api, rest_api
    local base=$1
    call() { curl -fsS -X "$1" "$base$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
    call POST /2015-03-31/functions "{\"FunctionName\":\"bench-hello\",\"Runtime\":\"nodejs20.x\",\"Handler\":\"handler.hello\",\"Role\":\"arn:aws:iam::000000000000:role/x\",\"Timeout\":30,\"Code\":{\"S3Bucket\":\"hot-reload\",\"S3Key\":\"$root/bench/gateway-offline\"}}" > /dev/null
    http_api=$(call POST /v2/apis "{\"name\":\"bench-http\",\"protocolType\":\"HTTP\",\"routeKey\":\"GET /hello\",\"target\":\"$fn_arn\"}" | json '["apiId"]')
    rest_api=$(call POST /restapis '{"name":"bench-rest"}' | json '["id"]')
    local root_id hello_id mock_id r
    root_id=$(call GET "/restapis/$rest_api/resources" | json '["item"][0]["id"]')
    hello_id=$(call POST "/restapis/$rest_api/resources/$root_id" '{"pathPart":"hello"}' | json '["id"]')
    mock_id=$(call POST "/restapis/$rest_api/resources/$root_id" '{"pathPart":"mock"}' | json '["id"]')
    for r in "$hello_id" "$mock_id"; do call PUT "/restapis/$rest_api/resources/$r/methods/GET" '{"authorizationType":"NONE"}' > /dev/null; done
    call PUT "/restapis/$rest_api/resources/$hello_id/methods/GET/integration" \
        "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/$fn_arn/invocations\"}" > /dev/null
    call PUT "/restapis/$rest_api/resources/$mock_id/methods/GET/integration" '{"type":"MOCK","requestTemplates":{"application/json":"{\"statusCode\": 200}"}}' > /dev/null
    call PUT "/restapis/$rest_api/resources/$mock_id/methods/GET/responses/200" '{}' > /dev/null
    call PUT "/restapis/$rest_api/resources/$mock_id/methods/GET/integration/responses/200" '{"responseTemplates":{"application/json":"{\"message\":\"hello\"}"}}' > /dev/null
    call POST "/restapis/$rest_api/deployments" '{"stageName":"bench"}' > /dev/null
}
setup_nimbus "$nimbus"

declare -A targets=(
    [nimbus-http-api]="$nimbus/_api/$http_api/hello"
    [nimbus-rest-api]="$nimbus/_api/$rest_api/bench/hello"
    [nimbus-rest-mock]="$nimbus/_api/$rest_api/bench/mock"
    [offline-http-api]="http://127.0.0.1:3055/hello"
    [offline-rest-api]="http://127.0.0.1:3055/rest/hello"
    [kestrel-bare]="http://127.0.0.1:$kport/"
)
declare -A server_pid=([nimbus-http-api]=$nimbus_pid [nimbus-rest-api]=$nimbus_pid [nimbus-rest-mock]=$nimbus_pid)
order="kestrel-bare nimbus-rest-mock nimbus-http-api offline-http-api nimbus-rest-api offline-rest-api"
lambda_targets="nimbus-http-api nimbus-rest-api offline-http-api offline-rest-api"
if [ -n "${BEFORE_CLI:-}" ]; then
    setup_nimbus "$before"
    targets[before-http-api]="$before/_api/$http_api/hello"
    targets[before-rest-api]="$before/_api/$rest_api/bench/hello"
    server_pid[before-http-api]=$before_pid
    server_pid[before-rest-api]=$before_pid
    order="$order before-http-api before-rest-api"
    lambda_targets="$lambda_targets before-http-api before-rest-api"
fi
order=${TARGETS:-$order}
for name in $order; do
    curl -fsS -o /dev/null "${targets[$name]}" || { echo "$name: ${targets[$name]} does not answer 200" >&2; exit 1; }
done
curl -fsS "${targets[nimbus-http-api]}"; echo
curl -fsS "${targets[offline-http-api]}"; echo

# Both sides start function workers on demand: one burst of 60 concurrent requests per Lambda target first, so the
# c=50 runs measure warm workers rather than a storm of cold starts (on a loaded machine those exceed autocannon's 10 s).
for name in $lambda_targets; do
    seq 1 60 | xargs -P 60 -I{} curl -s -o /dev/null --max-time 120 "${targets[$name]}"
done

{ echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"; echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; echo "uptime at start: $(uptime)"; } | tee "$out/machine.txt"
# CPU time (user+system, in clock ticks) of a process and all its descendants (a Nimbus, bwrap and the runtimes).
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
ticks() { local t=0 p; for p in "$1" $(descendants "$1"); do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
per_request() { # name, ticks before, ticks after, requests
    [ -n "${server_pid[$1]:-}" ] && [ "$4" -gt 0 ] && echo ", server+runtimes CPU $(( ($3 - $2) * 1000000 / $(getconf CLK_TCK) / $4 )) us/request ($(pgrep -P "${server_pid[$1]}" | wc -l) runtime processes)"
    true
}
rounds=${ROUNDS:-1}
for round in $(seq 1 "$rounds"); do
[ "$rounds" -gt 1 ] && echo "round $round of $rounds"
if [ "$round" -gt 1 ] && [ "${RESTART_PEER:-1}" = 1 ]; then
    # serverless-offline slows down the longer it runs (c=10: 543 → 273 → 201 req/s over three 4-minute rounds in
    # one run): each round gets a fresh peer, warmed up again, so later rounds do not flatter Nimbus.
    kill "$offline_pid" 2>/dev/null || true
    wait "$offline_pid" 2>/dev/null || true
    start_offline
    for name in $order; do
        case $name in offline-*)
            seq 1 60 | xargs -P 60 -I{} curl -s -o /dev/null --max-time 120 "${targets[$name]}"
            "$autocannon" -c 10 -d "${PEER_WARMUP:-10}" "${targets[$name]}" > /dev/null 2>&1 ;;
        esac
    done
fi
for name in $order; do
    for c in $connections; do
        pid=${server_pid[$name]:-}
        [ "$round" = 1 ] && "$autocannon" -c "$c" -d "$warmup" "${targets[$name]}" > /dev/null 2>&1
        t0=$([ -n "$pid" ] && ticks "$pid" || echo 0)
        "$autocannon" -c "$c" -d "$duration" -j "${targets[$name]}" > "$out/$name@$c.json" 2> /dev/null
        t1=$([ -n "$pid" ] && ticks "$pid" || echo 0)
        n=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).requests.total)' "$out/$name@$c.json")
        echo "$name c=$c autocannon: $(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(Math.round(r.requests.average)+" req/s, p50 "+r.latency.p50+" ms, p99 "+r.latency.p99+" ms, non2xx "+r.non2xx+", errors "+r.errors)' "$out/$name@$c.json")$(per_request "$name" "$t0" "$t1" "$n")"
        if command -v wrk > /dev/null; then
            t0=$([ -n "$pid" ] && ticks "$pid" || echo 0)
            wrk -t1 -c"$c" -d"$duration" --latency "${targets[$name]}" > "$out/$name@$c.wrk.txt" 2>&1
            t1=$([ -n "$pid" ] && ticks "$pid" || echo 0)
            n=$(awk '/requests in/{print $1}' "$out/$name@$c.wrk.txt")
            echo "$name c=$c wrk: $(grep -E 'Requests/sec' "$out/$name@$c.wrk.txt" | xargs), p50 $(awk '$1=="50%"{print $2}' "$out/$name@$c.wrk.txt"), p99 $(awk '$1=="99%"{print $2}' "$out/$name@$c.wrk.txt")$(per_request "$name" "$t0" "$t1" "${n:-0}")"
            printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$c" "$(awk '/Requests\/sec/{print $2}' "$out/$name@$c.wrk.txt")" "$(awk '$1=="99%"{print $2}' "$out/$name@$c.wrk.txt")" >> "$out/rounds.tsv"
        fi
    done
done
done
echo "uptime at end: $(uptime)" | tee -a "$out/machine.txt"
node bench/gateway-offline/summary.mjs "$out" | tee "$out/summary.md"
if [ "$rounds" -gt 1 ] && [ -f "$out/rounds.tsv" ]; then
    # Paired ratios: each round runs every cell once, Nimbus next to the peer, so a round's ratio compares the two under
    # the same machine conditions (this machine's speed drifts by ±30 % over minutes); the median over rounds is reported.
    python3 - "$out/rounds.tsv" <<'PY' | tee -a "$out/summary.md"
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
rps = {(r, n, c): float(v) for r, n, c, v, _ in rows}
print(f"\nwrk, {len({r for r, *_ in rows})} interleaved rounds (median of the per-round ratios; every round's figures in rounds.tsv):\n")
print("| API | c | Nimbus req/s (median) | peer req/s (median) | ratio per round | median ratio |")
print("|---|---|---|---|---|---|")
for api, ours, peer in (("HTTP API", "nimbus-http-api", "offline-http-api"), ("REST API", "nimbus-rest-api", "offline-rest-api")):
    for c in sorted({c for _, n, c, *_ in rows if n == ours}, key=int):
        rounds = sorted({r for r, n, cc, *_ in rows if n == ours and cc == c and (r, peer, c) in rps}, key=int)
        if not rounds:
            continue
        ratios = [rps[(r, ours, c)] / rps[(r, peer, c)] for r in rounds]
        print(f"| {api} | {c} | {statistics.median(rps[(r, ours, c)] for r in rounds):,.0f} | {statistics.median(rps[(r, peer, c)] for r in rounds):,.0f} | "
              + " / ".join(f"{x:.1f}×" for x in ratios) + f" | **{statistics.median(ratios):.1f}×** |")
PY
fi
