#!/usr/bin/env bash
# A/B of two Nimbus builds on the gateway's Lambda path: both servers up at once, each with the bench handler
# (bench/gateway-offline) behind a quick-created HTTP API (REST=1, or REST_A/REST_B=1 for one side: a REST API, Lambda
# proxy — A=B with REST_B=1 compares the two API kinds on one build), each warmed WU s, then wrk
# alternating between them ROUNDS times, DUR s each, printing req/s, p99 and server+runtime CPU per request for every
# round. Alternating keeps both under the same machine conditions (this machine's speed drifts by ±30 % over minutes).
#   A=/path/to/old/nimbus B=src/Nimbus.Cli/bin/Release/net10.0/nimbus [C=50] [ROUNDS=6] [DUR=8] [WU=40] bench/gateway-ab.sh
# FNENV_A / FNENV_B: a CreateFunction JSON fragment for one side, e.g. '"Environment":{"Variables":{"NODE_OPTIONS":"--v8-pool-size=1"}},'.
# Build the old one in a worktree: git worktree add /tmp/old <commit> && dotnet build -c Release /tmp/old/src/Nimbus.Cli
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/nimbus-gateway-ab.XXXXXX)
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
c=${C:-50}; rounds=${ROUNDS:-6}; d=${DUR:-8}
declare -A url pid
trap 'kill ${pid[A]:-} ${pid[B]:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
start() { # name cli
  local st port base api
  st=$(mktemp -d "$tmp/st.XXXX")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  NIMBUS_APIGW_ACCOUNT_RATE=1000000 NIMBUS_APIGW_ACCOUNT_BURST=1000000 $2 up --port $port --state-dir $st --log-level Warning > $st/log 2>&1 &
  pid[$1]=$!
  base=http://127.0.0.1:$port
  for _ in $(seq 1 300); do curl -fs -o /dev/null $base/_nimbus/health && break; sleep 0.1; done
  local fnenv=""
  [ "$1" = A ] && fnenv=${FNENV_A:-}
  [ "$1" = B ] && fnenv=${FNENV_B:-}
  curl -fsS -X POST $base/2015-03-31/functions -H 'Content-Type: application/json' -d "{\"FunctionName\":\"bench-hello\",\"Runtime\":\"nodejs20.x\",\"Handler\":\"handler.hello\",\"Role\":\"arn:aws:iam::000000000000:role/x\",\"Timeout\":30,$fnenv\"Code\":{\"S3Bucket\":\"hot-reload\",\"S3Key\":\"$root/bench/gateway-offline\"}}" >/dev/null
  local rest=${REST:-0}
  [ "$1" = A ] && rest=${REST_A:-$rest}
  [ "$1" = B ] && rest=${REST_B:-$rest}
  if [ "$rest" = 1 ]; then
    local rid root_id hid
    rid=$(curl -fsS -X POST $base/restapis -H 'Content-Type: application/json' -d '{"name":"b"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
    root_id=$(curl -fsS $base/restapis/$rid/resources | python3 -c 'import json,sys;print(json.load(sys.stdin)["item"][0]["id"])')
    hid=$(curl -fsS -X POST $base/restapis/$rid/resources/$root_id -H 'Content-Type: application/json' -d '{"pathPart":"hello"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
    curl -fsS -X PUT $base/restapis/$rid/resources/$hid/methods/GET -H 'Content-Type: application/json' -d '{"authorizationType":"NONE"}' >/dev/null
    curl -fsS -X PUT $base/restapis/$rid/resources/$hid/methods/GET/integration -H 'Content-Type: application/json' -d '{"type":"AWS_PROXY","httpMethod":"POST","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:bench-hello/invocations"}' >/dev/null
    curl -fsS -X POST $base/restapis/$rid/deployments -H 'Content-Type: application/json' -d '{"stageName":"bench"}' >/dev/null
    url[$1]=$base/_api/$rid/bench/hello
  else
    api=$(curl -fsS -X POST $base/v2/apis -H 'Content-Type: application/json' -d "{\"name\":\"b\",\"protocolType\":\"HTTP\",\"routeKey\":\"GET /hello\",\"target\":\"arn:aws:lambda:us-east-1:000000000000:function:bench-hello\"}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiId"])')
    url[$1]=$base/_api/$api/hello
  fi
  curl -fsS ${url[$1]} >/dev/null || echo "$1 not answering"
  seq 1 60 | xargs -P 60 -I{} curl -s -o /dev/null --max-time 120 ${url[$1]}
}
start A "$A"; start B "$B"
descendants() { local x; for x in $(pgrep -P "$1"); do echo "$x"; descendants "$x"; done; }
ticks() { local t=0 p; for p in "$1" $(descendants "$1"); do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
for n in A B; do wrk -t1 -c$c -d${WU:-40} ${url[$n]} >/dev/null 2>&1; done
for r in $(seq 1 $rounds); do
  for n in A B; do
    t0=$(ticks ${pid[$n]})
    wrk -t1 -c$c -d$d --latency ${url[$n]} > $tmp/ab-$n.txt 2>&1
    t1=$(ticks ${pid[$n]})
    req=$(awk '/requests in/{print $1}' $tmp/ab-$n.txt)
    echo "$n round $r $(grep Requests/sec $tmp/ab-$n.txt | awk '{print $2}') rps p99 $(awk '$1=="99%"{print $2}' $tmp/ab-$n.txt) cpu $(( (t1-t0)*10000/req ))us/req $(grep -E 'Non-2xx' $tmp/ab-$n.txt|xargs)"
  done
done
