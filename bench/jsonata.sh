#!/usr/bin/env bash
# JSONata throughput, Nimbus.Jsonata vs the reference implementation jsonata-js 2.x (issue 4), on the same machine,
# the same expressions and the same generated 10,000-object document. Prints a markdown table; raw JSON and the
# machine/load snapshot land in bench/out/ (git-ignored). Bounded: well under 3 minutes with the defaults.
#
# Knobs (environment): SECONDS_PER_CASE (measurement per case and variant, default 3), WARMUP (s, default 1),
# NO_BUILD=1 (reuse the last Release build).
#
# .NET side: `Nimbus.Jsonata.Bench --quick` writes bench/out/jsonata-data.json + jsonata-cases.json (the single data and
# expression definition, bench/Nimbus.Jsonata.Bench/Cases.cs), parses the data with JsonNode.Parse and times each
# expression twice: `jsonnode` (public Evaluate(JsonNode), input converted to the value model on every call) and
# `preconverted` (input converted once, internal entry point; the public API cannot take a pre-converted input).
# JS side: bench/jsonata-js/bench.mjs JSON.parse's the same file and times `await jsonata(expr).evaluate(data)`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/out"
seconds=${SECONDS_PER_CASE:-3}
warmup=${WARMUP:-1}
mkdir -p "$out"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    echo "dotnet: $(dotnet --version)"
    echo "node: $(node --version)"
    echo "uptime before: $(uptime)"
} >"$out/jsonata-machine.txt"

if [ "${NO_BUILD:-}" != 1 ]; then
    timeout 120 dotnet build -c Release -nologo -v q bench/Nimbus.Jsonata.Bench >"$out/jsonata-build.log" 2>&1 \
        || { cat "$out/jsonata-build.log" >&2; exit 1; }
fi
if [ ! -d bench/jsonata-js/node_modules/jsonata ]; then
    (cd bench/jsonata-js && timeout 120 npm ci --no-audit --no-fund >/dev/null)
fi

echo "uptime before runs: $(uptime)" >>"$out/jsonata-machine.txt"
timeout 100 bench/Nimbus.Jsonata.Bench/bin/Release/net10.0/Nimbus.Jsonata.Bench --quick --out "$out" \
    --seconds "$seconds" --warmup "$warmup" --json "$out/jsonata-nimbus.json" >&2
echo "uptime after nimbus: $(uptime)" >>"$out/jsonata-machine.txt"
timeout 60 node bench/jsonata-js/bench.mjs --out "$out" --seconds "$seconds" --warmup "$warmup" \
    --json "$out/jsonata-js.json" >&2
echo "uptime after jsonata-js: $(uptime)" >>"$out/jsonata-machine.txt"

cat "$out/jsonata-machine.txt"
echo
node --input-type=module - "$out/jsonata-nimbus.json" "$out/jsonata-js.json" <<'JS' | tee "$out/jsonata-report.md"
import { readFileSync } from 'node:fs';
const [nimbus, js] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const find = (rows, name, variant) => rows.find((r) => r.name === name && (!variant || r.variant === variant));
const num = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));
const ms = (x) => (x >= 0.01 ? x.toPrecision(3) : x.toExponential(1));
const cell = (r) => `${num(r.evalsPerSec)} (${ms(r.meanMs)} ms)`;
const ratio = (a, b) => {
  const r = a.evalsPerSec / b.evalsPerSec;
  return `${r >= 0.1 ? r.toFixed(1) : r.toPrecision(2)}×`;
};
console.log('| Expression | Nimbus, JsonNode input: evals/s (ms/eval) | Nimbus, pre-converted input | jsonata-js 2.x | Ratio Nimbus/js (JsonNode) | Ratio (pre-converted) | Same result |');
console.log('|---|---:|---:|---:|---:|---:|:-:|');
for (const j of js) {
  const a = find(nimbus, j.name, 'jsonnode');
  const b = find(nimbus, j.name, 'preconverted');
  const same = a.resultSha256 === j.resultSha256 && b.resultSha256 === j.resultSha256 ? 'yes' : 'NO';
  console.log(`| ${j.name}: \`${j.expression.replaceAll('|', '\\|')}\` | ${cell(a)} | ${cell(b)} | ${cell(j)} | ${ratio(a, j)} | ${ratio(b, j)} | ${same} |`);
}
JS
