#!/usr/bin/env bash
# Step Functions before/after in one run (issue 3): the peer, then this tree's and another tree's Release builds alternated.
#   bench/sfn-ab.sh BASE_TREE [seconds] [rounds]
# BASE_TREE: a copy of the baseline already built in Release, e.g.
#   git archive main | tar -x -C /tmp/base && (cd /tmp/base && dotnet build -c Release src/Nimbus.Cli && dotnet build -c Release bench/Nimbus.StepFunctions.Bench)
# Per round: peer (aws-local-stepfunctions), engine before/after (in-process), STANDARD 8 x 1,000 Pass states before/after
# (a fresh server each, `nimbus-sfn-bench standard`: 3 warm-up rounds then a measured one, with the server's CPU time),
# EXPRESS StartSyncExecution before/after (`nimbus-sfn-bench http`, first line only is printed per build).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1
SECS=${2:-3}
ROUNDS=${3:-2}
PORT=${PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
run_server() { # tree port state
  dotnet "$1/src/Nimbus.Cli/bin/Release/net10.0/nimbus.dll" up --port "$2" --state-dir "$3" >/dev/null 2>&1 &
  echo $!
}
standard() { # label tree
  local state; state=$(mktemp -d)
  local pid; pid=$(run_server "$2" "$PORT" "$state")
  until curl -sf "http://127.0.0.1:$PORT/_nimbus/health" >/dev/null; do kill -0 "$pid"; sleep 0.1; done
  echo "-- $1: standard"
  dotnet "$2/bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll" standard "http://127.0.0.1:$PORT" "$pid" | tail -1
  echo "-- $1: http (express sync, standard, start latency)"
  dotnet "$2/bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll" http "http://127.0.0.1:$PORT" "$SECS"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$state"
}
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S) UTC"
  echo "-- peer"; node bench/sfn-peer/peer.mjs "$SECS" 2>/dev/null
  echo "-- before: engine"; dotnet "$BASE/bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll" engine "$SECS"
  echo "-- after: engine"; dotnet bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll engine "$SECS"
  echo "-- peer"; node bench/sfn-peer/peer.mjs "$SECS" 2>/dev/null
  standard before "$BASE"
  standard after "$PWD"
done
