#!/usr/bin/env bash
# API Gateway overhead: warm invokes of the same function directly (Lambda Invoke API) and through an HTTP API
# ($default route, AWS_PROXY, payload 2.0, invoke URL path form /_api/{apiId}/…), same client, same payload.
# Only 127.0.0.1 traffic; stops everything it started. Knobs: DURATION (s per run, 8), WARMUP (1), NO_BUILD=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/out/gateway"
duration=${DURATION:-8}
warmup=${WARMUP:-1}
pids=()
state=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "$state" ] && rm -rf "$state"
}
trap cleanup EXIT INT TERM

if [ "${NO_BUILD:-0}" != 1 ]; then
    dotnet build -c Release src/Nimbus.Cli -nologo -v q -clp:NoSummary
    dotnet build -c Release bench/Nimbus.Bench -nologo -v q -clp:NoSummary
fi
sh bench/functions/c-echo/build.sh

cli="$root/src/Nimbus.Cli/bin/Release/net10.0/nimbus"
bench="$root/bench/Nimbus.Bench/bin/Release/net10.0/nimbus-bench"
rm -rf "$out"
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:$port"
state=$(mktemp -d /tmp/nimbus-bench-gw.XXXXXX)
"$cli" up --port "$port" --state-dir "$state" --log-level Warning > "$out/nimbus.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do curl -fs -o /dev/null "$endpoint/_nimbus/health" 2>/dev/null && break; sleep 0.05; done

create() { # name runtime handler dir
    curl -fsS -o /dev/null -X POST "$endpoint/2015-03-31/functions" -H 'Content-Type: application/json' \
        -d "$(printf '{"FunctionName":"%s","Runtime":"%s","Handler":"%s","Role":"arn:aws:iam::000000000000:role/x","Timeout":30,"Code":{"S3Bucket":"hot-reload","S3Key":"%s"}}' "$1" "$2" "$3" "$4")"
}
api() { # function -> apiId of a quick-created HTTP API targeting it
    curl -fsS -X POST "$endpoint/v2/apis" -H 'Content-Type: application/json' \
        -d "{\"name\":\"bench-$1\",\"protocolType\":\"HTTP\",\"target\":\"arn:aws:lambda:us-east-1:000000000000:function:$1\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["apiId"])'
}
create c-echo provided.al2023 bootstrap "$root/bench/functions/c-echo"
create node-echo nodejs20.x index.handler "$root/bench/functions/node-echo"
echo "uptime at start: $(uptime)" | tee "$out/machine.txt"

inv() { # file label function concurrency [extra...]
    local file=$1 label=$2 fn=$3 c=$4
    shift 4
    "$bench" invoke --endpoint "$endpoint" --function "$fn" --concurrency "$c" --duration "$duration" --warmup "$warmup" \
        --label "$label" --json "$out/$file.json" "$@"
}
for fn in c-echo node-echo; do
    id=$(api "$fn")
    for c in 1 10; do
        inv "direct-$fn-c$c" "$fn direct Invoke" "$fn" "$c"
        inv "gateway-$fn-c$c" "$fn through HTTP API" "$fn" "$c" --path "/_api/$id/bench"
    done
done
echo "uptime at end: $(uptime)" | tee -a "$out/machine.txt"
