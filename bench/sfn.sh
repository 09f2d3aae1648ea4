#!/usr/bin/env bash
# Step Functions benchmarks (issue 3): Nimbus's engine in-process and through the API, against aws-local-stepfunctions.
#   bench/sfn.sh [seconds]      (NO_BUILD=1 to skip the Release builds)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_CASE=${1:-5}
PORT=${PORT:-4790}
if [ -z "${NO_BUILD:-}" ]; then
  dotnet build -c Release src/Nimbus.Cli -v q -nologo >/dev/null
  dotnet build -c Release bench/Nimbus.StepFunctions.Bench -v q -nologo >/dev/null
fi
(cd bench/sfn-peer && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M) UTC"
echo "== peer: aws-local-stepfunctions $(node -p "require('./bench/sfn-peer/node_modules/aws-local-stepfunctions/package.json').version") (in-process, node $(node --version))"
node bench/sfn-peer/peer.mjs "$SECONDS_PER_CASE" 2>/dev/null
echo "== nimbus engine (in-process, no HTTP, no store)"
dotnet bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll engine "$SECONDS_PER_CASE"

echo "== nimbus through the API (Release server, fresh state directory)"
STATE=$(mktemp -d)
dotnet src/Nimbus.Cli/bin/Release/net10.0/nimbus.dll up --port "$PORT" --state-dir "$STATE" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$STATE"' EXIT
until curl -sf "http://127.0.0.1:$PORT/_nimbus/health" >/dev/null; do sleep 0.05; done
dotnet bench/Nimbus.StepFunctions.Bench/bin/Release/net10.0/nimbus-sfn-bench.dll http "http://127.0.0.1:$PORT" "$SECONDS_PER_CASE"
