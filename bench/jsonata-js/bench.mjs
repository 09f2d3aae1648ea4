// jsonata-js side of bench/jsonata.sh (issue 4): evaluations/s and ms/evaluation of the shared cases on the shared
// dataset, after a warm-up, over a bounded time per case. Same method as `Nimbus.Jsonata.Bench --quick`.
//
//   node bench.mjs [--out DIR] [--seconds S] [--warmup S] [--json FILE]
//
// DIR (default ../out) must hold jsonata-data.json and jsonata-cases.json, written by the .NET side
// (`dotnet run -c Release --project bench/Nimbus.Jsonata.Bench -- --quick`), so both sides share one data definition.
// The data is JSON.parse'd once; jsonata-js evaluates plain JS objects directly (no per-call conversion).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';

const here = dirname(fileURLToPath(import.meta.url));
const opts = { out: join(here, '..', 'out'), seconds: 3, warmup: 1, json: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || i + 1 >= argv.length) {
    console.error(`usage: node bench.mjs [--out DIR] [--seconds S] [--warmup S] [--json FILE] (bad '${argv[i]}')`);
    process.exit(2);
  }
  opts[key] = key === 'seconds' || key === 'warmup' ? Number(argv[++i]) : argv[++i];
}

const version = createRequire(import.meta.url)('jsonata/package.json').version;
const data = JSON.parse(readFileSync(join(opts.out, 'jsonata-data.json'), 'utf8'));
const cases = JSON.parse(readFileSync(join(opts.out, 'jsonata-cases.json'), 'utf8'));
const hash = (value) =>
  createHash('sha256').update(value === undefined ? 'undefined' : JSON.stringify(value)).digest('hex').slice(0, 16);
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

console.log(`jsonata-js ${version}: node ${process.version}, warm-up ${opts.warmup} s, measure ${opts.seconds} s per case`);
const results = [];
for (const { name, expression } of cases) {
  const compiled = jsonata(expression);
  const first = hash(await compiled.evaluate(data));
  const warmupEnd = now() + opts.warmup * 1000;
  for (let count = 1; now() < warmupEnd || count < 3; count++) {
    await compiled.evaluate(data);
  }

  const samples = [];
  const start = now();
  const end = start + opts.seconds * 1000;
  let last;
  let t = start;
  while (t < end || samples.length < 5) {
    const before = t;
    last = await compiled.evaluate(data);
    t = now();
    samples.push(t - before);
  }

  const elapsedMs = t - start;
  if (hash(last) !== first) throw new Error(`${name}: result changed between evaluations`);
  samples.sort((a, b) => a - b);
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  const result = {
    side: 'jsonata-js',
    variant: 'js',
    name,
    expression,
    n: samples.length,
    evalsPerSec: round(samples.length / (elapsedMs / 1000), 1),
    meanMs: round(elapsedMs / samples.length, 6),
    medianMs: round(samples[Math.floor(samples.length / 2)], 6),
    minMs: round(samples[0], 6),
    resultSha256: first,
  };
  results.push(result);
  console.log(
    `jsonata-js ${name.padEnd(26)} ${String(result.evalsPerSec).padStart(9)} evals/s  mean ${String(result.meanMs).padStart(8)} ms  ` +
      `median ${String(result.medianMs).padStart(8)} ms  n=${result.n}  result ${first}`,
  );
}

if (opts.json) writeFileSync(opts.json, JSON.stringify(results));
