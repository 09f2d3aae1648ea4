#!/usr/bin/env bash
# Nimbus benchmark run for issue 2's targets. Builds Nimbus (Release) and the harness, starts Nimbus on a free
# loopback port with a temporary state dir, creates the echo functions, runs the measurements, writes raw JSON to
# bench/out/ (git-ignored) and prints a markdown table. Only 127.0.0.1 traffic; stops everything it started.
#
# Knobs (environment): DURATION (s per warm-invoke run, default 8), WARMUP (s, default 1), COLD_COUNT (default 10),
# STARTUP_COUNT (default 5), NO_BUILD=1 (reuse existing Release builds).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/out"
duration=${DURATION:-8}
warmup=${WARMUP:-1}
cold_count=${COLD_COUNT:-10}
startup_count=${STARTUP_COUNT:-5}
run_started=$(date +%s)

pids=()
state=""
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    [ -n "$state" ] && rm -rf "$state"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_healthy() { # url, seconds
    for _ in $(seq 1 $(($2 * 20))); do
        curl -fs -o /dev/null "$1/_nimbus/health" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "not healthy: $1" >&2
    return 1
}

if [ "${NO_BUILD:-0}" != 1 ]; then
    echo "== build (Release)"
    dotnet build -c Release src/Nimbus.Cli -nologo -v q -clp:NoSummary
    dotnet build -c Release bench/Nimbus.Bench -nologo -v q -clp:NoSummary
fi
sh bench/functions/c-echo/build.sh

cli="$root/src/Nimbus.Cli/bin/Release/net10.0/nimbus"
bench="$root/bench/Nimbus.Bench/bin/Release/net10.0/nimbus-bench"
rm -rf "$out"
mkdir -p "$out"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src modified)')"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "kernel: $(uname -r)"
    echo "dotnet: $(dotnet --version)"
    echo "node: $(node --version 2>/dev/null || echo none)  python: $(python3 --version 2>&1)  bwrap: $(bwrap --version 2>/dev/null || echo none)"
    echo "memory:"
    free -h
    echo "uptime at start: $(uptime)"
} > "$out/machine.txt"
cat "$out/machine.txt"

# --- Nimbus under test -------------------------------------------------------------------------------------------
port=$(free_port)
endpoint="http://127.0.0.1:$port"
state=$(mktemp -d /tmp/nimbus-bench-state.XXXXXX)
"$cli" up --port "$port" --state-dir "$state" --log-level Warning > "$out/nimbus.log" 2>&1 &
nimbus_pid=$!
pids+=("$nimbus_pid")
wait_healthy "$endpoint" 30
echo "== Nimbus pid $nimbus_pid on $endpoint: $(head -1 "$out/nimbus.log")"

create() { # name runtime handler dir
    local body
    body=$(printf '{"FunctionName":"%s","Runtime":"%s","Handler":"%s","Role":"arn:aws:iam::000000000000:role/x","Timeout":30,"Code":{"S3Bucket":"hot-reload","S3Key":"%s"}}' "$1" "$2" "$3" "$4")
    curl -fsS -o /dev/null -X POST "$endpoint/2015-03-31/functions" -H 'Content-Type: application/json' -d "$body"
}
create node-echo nodejs20.x index.handler "$root/bench/functions/node-echo"
create python-echo python3.12 app.lambda_handler "$root/bench/functions/python-echo"
create c-echo provided.al2023 bootstrap "$root/bench/functions/c-echo"
for f in node-echo python-echo c-echo; do
    curl -fsS -o /dev/null -X POST "$endpoint/2015-03-31/functions/$f/invocations" -d '{"check":true}'
done

# --- loopback baseline (Kestrel echo, same client) --------------------------------------------------------------
echo_port=$(free_port)
"$bench" echo-server --port "$echo_port" > "$out/echo-server.log" 2>&1 &
echo_pid=$!
pids+=("$echo_pid")
for _ in $(seq 1 200); do curl -fs -o /dev/null -X POST "http://127.0.0.1:$echo_port/" -d '{}' 2>/dev/null && break; sleep 0.05; done

inv() { # file label endpoint function concurrency [extra...]
    local file=$1 label=$2 ep=$3 fn=$4 c=$5
    shift 5
    "$bench" invoke --endpoint "$ep" --function "$fn" --concurrency "$c" --duration "$duration" --warmup "$warmup" \
        --label "$label" --json "$out/$file.json" "$@"
}

echo "== warm invokes (${duration} s each)"
inv invoke-loopback-c1 "loopback HTTP (Kestrel echo)" "http://127.0.0.1:$echo_port" loopback 1
inv invoke-loopback-c10 "loopback HTTP (Kestrel echo)" "http://127.0.0.1:$echo_port" loopback 10
inv invoke-c-echo-c1 "c-echo (provided.al2023)" "$endpoint" c-echo 1
inv invoke-c-echo-c10 "c-echo (provided.al2023)" "$endpoint" c-echo 10
inv invoke-c-echo-c50 "c-echo (provided.al2023)" "$endpoint" c-echo 50
inv invoke-node-echo-c1 "node-echo (nodejs20.x)" "$endpoint" node-echo 1
inv invoke-node-echo-c10 "node-echo (nodejs20.x)" "$endpoint" node-echo 10
inv invoke-node-echo-c50 "node-echo (nodejs20.x)" "$endpoint" node-echo 50 --warmup 3
inv invoke-python-echo-c1 "python-echo (python3.12)" "$endpoint" python-echo 1
# The REPORT Duration (sandbox round trip as Nimbus times it) splits a warm invoke into edge + sandbox.
inv invoke-tail-c-echo-c1 "c-echo c=1 with log tail (REPORT Duration)" "$endpoint" c-echo 1 --tail
kill "$echo_pid" 2>/dev/null || true

echo "== Nimbus process after the warm runs: $(grep -E 'VmRSS|VmHWM|Threads' /proc/$nimbus_pid/status | tr -s ' \t' ' ' | tr '\n' ' ')"
grep -E 'VmRSS|VmHWM|Threads' "/proc/$nimbus_pid/status" > "$out/nimbus-after-load.txt"

if ! kill -0 "$nimbus_pid" 2>/dev/null; then
    echo "Nimbus (pid $nimbus_pid) exited during the warm runs; its log:" >&2
    tail -50 "$out/nimbus.log" >&2
    exit 1
fi

echo "== cold starts (${cold_count} each)"
"$bench" coldstart --endpoint "$endpoint" --runtime provided.al2023 --code bench/functions/c-echo --handler bootstrap \
    --count "$cold_count" --label "c-echo (provided.al2023)" --json "$out/coldstart-c-echo.json"
"$bench" coldstart --endpoint "$endpoint" --runtime nodejs20.x --code bench/functions/node-echo --handler index.handler \
    --count "$cold_count" --label "node-echo (nodejs20.x)" --json "$out/coldstart-node-echo.json"

kill "$nimbus_pid" 2>/dev/null || true
wait "$nimbus_pid" 2>/dev/null || true

echo "== startup and idle memory (${startup_count} runs)"
"$bench" startup --cli "$cli" --count "$startup_count" --idle 2 --label "nimbus up (Release)" --json "$out/startup.json"

echo "uptime at end: $(uptime)" >> "$out/machine.txt"
echo
"$bench" report --dir "$out" | tee "$out/report.md"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(tail -1 "$out/machine.txt")"
echo "raw results: $out  (run took $(( $(date +%s) - run_started )) s)"
