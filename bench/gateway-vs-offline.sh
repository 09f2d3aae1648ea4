#!/usr/bin/env bash
# API Gateway side by side with serverless-offline (issue 5): the same Node handler (bench/gateway-offline/handler.js)
# behind an HTTP API and a REST API (Lambda proxy) on Nimbus and on serverless-offline 13, plus a REST MOCK
# integration on Nimbus and a bare Kestrel endpoint (`nimbus-bench echo-server`, the machine's ceiling for one hop).
# autocannon (from the peer's node_modules) at 10 and 50 connections, GET, keep-alive. Only 127.0.0.1 traffic; stops
# everything it started. Knobs: DURATION (s per run, 10), WARMUP (s, 2), CONNECTIONS ("10 50"), NO_BUILD=1,
# PEER_DIR (a folder whose node_modules has serverless@3, serverless-offline@13, autocannon; bench/gateway-peer).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/out/gateway-vs-offline"
duration=${DURATION:-10}
warmup=${WARMUP:-2}
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

# Nimbus.
port=$(free_port)
nimbus="http://127.0.0.1:$port"
NIMBUS_APIGW_ACCOUNT_RATE=${NIMBUS_APIGW_ACCOUNT_RATE:-1000000} NIMBUS_APIGW_ACCOUNT_BURST=${NIMBUS_APIGW_ACCOUNT_BURST:-1000000} "$cli" up --port "$port" --state-dir "$tmp/state" --log-level Warning > "$out/nimbus.log" 2>&1 &
pids+=($!)
wait_ok "$nimbus/_nimbus/health"

# Bare Kestrel.
kport=$(free_port)
"$bench" echo-server --port "$kport" > "$out/kestrel.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:$kport/"

# serverless-offline, in a scratch copy of the service with the peer's node_modules.
svc="$tmp/offline"
mkdir -p "$svc"
cp bench/gateway-offline/serverless.yml bench/gateway-offline/handler.js "$svc/"
ln -s "$peer/node_modules" "$svc/node_modules"
(cd "$svc" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
    exec node node_modules/serverless/bin/serverless.js offline start > "$out/offline.log" 2>&1) &
pids+=($!)
wait_ok "http://127.0.0.1:3055/hello"

# The same handler on Nimbus: one function (hot-reload code folder), an HTTP API and a REST API in front of it.
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() { curl -fsS -X "$1" "$nimbus$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
fn_arn="arn:aws:lambda:us-east-1:000000000000:function:bench-hello"
call POST /2015-03-31/functions "{\"FunctionName\":\"bench-hello\",\"Runtime\":\"nodejs20.x\",\"Handler\":\"handler.hello\",\"Role\":\"arn:aws:iam::000000000000:role/x\",\"Timeout\":30,\"Code\":{\"S3Bucket\":\"hot-reload\",\"S3Key\":\"$root/bench/gateway-offline\"}}" > /dev/null
http_api=$(call POST /v2/apis "{\"name\":\"bench-http\",\"protocolType\":\"HTTP\",\"routeKey\":\"GET /hello\",\"target\":\"$fn_arn\"}" | json '["apiId"]')
rest_api=$(call POST /restapis '{"name":"bench-rest"}' | json '["id"]')
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

declare -A targets=(
    [nimbus-http-api]="$nimbus/_api/$http_api/hello"
    [nimbus-rest-api]="$nimbus/_api/$rest_api/bench/hello"
    [nimbus-rest-mock]="$nimbus/_api/$rest_api/bench/mock"
    [offline-http-api]="http://127.0.0.1:3055/hello"
    [offline-rest-api]="http://127.0.0.1:3055/rest/hello"
    [kestrel-bare]="http://127.0.0.1:$kport/"
)
for name in "${!targets[@]}"; do
    curl -fsS -o /dev/null "${targets[$name]}" || { echo "$name: ${targets[$name]} does not answer 200" >&2; exit 1; }
done
curl -fsS "${targets[nimbus-http-api]}"; echo
curl -fsS "${targets[offline-http-api]}"; echo

# Both sides start function workers on demand: one burst of 60 concurrent requests per Lambda target first, so the
# c=50 runs measure warm workers rather than a storm of cold starts (on a loaded machine those exceed autocannon's 10 s).
for name in nimbus-http-api nimbus-rest-api offline-http-api offline-rest-api; do
    seq 1 60 | xargs -P 60 -I{} curl -s -o /dev/null --max-time 120 "${targets[$name]}"
done

{ echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"; echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; echo "uptime at start: $(uptime)"; } | tee "$out/machine.txt"
for name in kestrel-bare nimbus-rest-mock nimbus-http-api offline-http-api nimbus-rest-api offline-rest-api; do
    for c in $connections; do
        "$autocannon" -c "$c" -d "$warmup" "${targets[$name]}" > /dev/null 2>&1
        "$autocannon" -c "$c" -d "$duration" -j "${targets[$name]}" > "$out/$name@$c.json" 2> /dev/null
        echo "$name c=$c: $(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(Math.round(r.requests.average)+" req/s, p50 "+r.latency.p50+" ms, p99 "+r.latency.p99+" ms, non2xx "+r.non2xx+", errors "+r.errors)' "$out/$name@$c.json")"
    done
done
echo "uptime at end: $(uptime)" | tee -a "$out/machine.txt"
node bench/gateway-offline/summary.mjs "$out" | tee "$out/summary.md"
