// Measures the warm invoke round trip through each bootstrap against the fake Runtime API:
// time from queuing an event to receiving the POSTed response, for a small echo event.
// The C echo bootstrap is the baseline (its own cost is a few microseconds), so
// (bootstrap - c-echo) approximates the overhead a bootstrap adds.
//   node runtimes/bench/overhead.mjs [iterations]
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi } from '../test/fake-runtime-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const N = Number(process.argv[2] || 5000);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-bench-'));
const cbin = path.join(tmp, 'bootstrap');
const cBuilt = spawnSync('sh', [path.join(repo, 'bench/functions/c-echo/build.sh'), cbin]).status === 0;

const targets = [
  ...(cBuilt ? [['c-echo', [cbin], repo, '']] : []),
  ['node', [process.execPath, path.join(repo, 'runtimes/node/bootstrap.mjs')], path.join(repo, 'bench/functions/node-echo'), 'index.handler'],
  ['python', ['python3', path.join(repo, 'runtimes/python/bootstrap.py')], path.join(repo, 'bench/functions/python-echo'), 'app.lambda_handler'],
];

/** user+system CPU time of a process in microseconds (Linux /proc). */
function cpuMicros(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // assumes CLK_TCK = 100
  } catch {
    return NaN;
  }
}

const event = { key1: 'value1', key2: 'value2', n: 1 };
const results = [];
for (const [name, cmd, root, handler] of targets) {
  const api = new FakeRuntimeApi();
  const address = await api.start();
  const proc = spawn(cmd[0], cmd.slice(1), {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: address, _HANDLER: handler, LAMBDA_TASK_ROOT: root,
      AWS_LAMBDA_FUNCTION_NAME: 'bench', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' },
  });
  for (let i = 0; i < 1000; i++) await api.invoke(event); // warm-up (JIT, connection)
  const lat = new Float64Array(N);
  const cpu0 = cpuMicros(proc.pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await api.invoke(event);
    lat[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const total = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = (cpuMicros(proc.pid) - cpu0) / N;
  lat.sort();
  results.push({ name, mean: total / N, p50: lat[N >> 1], p99: lat[Math.floor(N * 0.99)], cpu });
  proc.kill('SIGKILL');
  await api.close();
}
fs.rmSync(tmp, { recursive: true, force: true });
const base = results.find((r) => r.name === 'c-echo');
console.log(`warm invoke round trip, ${N} sequential invokes (microseconds); cpu = bootstrap process CPU per invoke`);
for (const r of results) {
  const over = base ? `  p50 over c-echo ${(r.p50 - base.p50).toFixed(1).padStart(6)}` : '';
  console.log(
    `${r.name.padEnd(8)} mean ${r.mean.toFixed(1).padStart(7)}  p50 ${r.p50.toFixed(1).padStart(7)}  p99 ${r.p99.toFixed(1).padStart(7)}  cpu ${r.cpu.toFixed(1).padStart(6)}${over}`,
  );
}
