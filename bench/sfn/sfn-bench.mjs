// Step Functions benchmarks through @aws-sdk/client-sfn (the copy installed for tests/clients; nothing is installed here).
// Usage: NIMBUS_ENDPOINT=http://127.0.0.1:P node bench/sfn/sfn-bench.mjs [runs]
// Prints a markdown table: a Pass chain of 1,000 states and a Map of 10,000 items, EXPRESS (StartSyncExecution) and
// STANDARD (StartExecution, duration from the history's ExecutionStarted → ExecutionSucceeded timestamps), and the
// StartExecution → first state latency (client send → first PassStateEntered timestamp, same clock).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tests/clients/package.json"));
const {
  SFNClient, CreateStateMachineCommand, DeleteStateMachineCommand, StartExecutionCommand, StartSyncExecutionCommand,
  DescribeExecutionCommand, GetExecutionHistoryCommand,
} = require("@aws-sdk/client-sfn");

const endpoint = process.env.NIMBUS_ENDPOINT ?? "http://127.0.0.1:4566";
const runs = Number(process.argv[2] ?? 10);
const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const sfn = new SFNClient(config);
const sfnSync = new SFNClient({ ...config, disableHostPrefix: true });
const role = "arn:aws:iam::000000000000:role/bench";

function passChain(n) {
  const states = {};
  for (let i = 0; i < n; i++) states[`S${i}`] = i === n - 1 ? { Type: "Pass", End: true } : { Type: "Pass", Next: `S${i + 1}` };
  return { StartAt: "S0", States: states };
}
const map = (mode) => ({
  StartAt: "Fan",
  States: {
    Fan: {
      Type: "Map", ItemsPath: "$.items", MaxConcurrency: mode === "DISTRIBUTED" ? 1000 : 40, ResultSelector: { "n.$": "States.ArrayLength($)" }, End: true,
      ItemProcessor: {
        ProcessorConfig: mode === "DISTRIBUTED" ? { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" } : { Mode: "INLINE" },
        StartAt: "P", States: { P: { Type: "Pass", End: true } },
      },
    },
  },
});

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const fmt = (xs) => `p50 ${pct(xs, 50).toFixed(1)} ms, p90 ${pct(xs, 90).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)} ms (n=${xs.length})`;

async function machine(name, definition, type) {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: `${name}-${Date.now()}`, definition: JSON.stringify(definition), roleArn: role, type }));
  return stateMachineArn;
}

async function events(executionArn, reverseOrder, maxResults) {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder, maxResults }))).events;
}

async function standardRun(arn, input) {
  const sent = Date.now();
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING") {
      if (d.status !== "SUCCEEDED") throw new Error(`${executionArn}: ${d.status} ${d.error} ${d.cause}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const first = await events(executionArn, false, 2);
  const last = await events(executionArn, true, 1);
  return {
    duration: last[0].timestamp.getTime() - first[0].timestamp.getTime(),
    firstState: first[1].timestamp.getTime() - sent,
  };
}

async function expressRun(arn, input) {
  const t = performance.now();
  const r = await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input }));
  if (r.status !== "SUCCEEDED") throw new Error(`${r.status} ${r.error} ${r.cause}`);
  return performance.now() - t;
}

const items = JSON.stringify({ items: Array.from({ length: 10000 }, (_, i) => i) });
const rows = [];
const cleanup = [];
try {
  const chainE = await machine("chain-e", passChain(1000), "EXPRESS");
  const chainS = await machine("chain-s", passChain(1000), "STANDARD");
  const mapE = await machine("map-e", map("INLINE"), "EXPRESS");
  const mapS = await machine("map-s", map("DISTRIBUTED"), "STANDARD");
  const one = await machine("one", passChain(1), "STANDARD");
  cleanup.push(chainE, chainS, mapE, mapS, one);

  for (const [label, arn, input, n] of [["Pass chain, 1,000 states, EXPRESS (StartSyncExecution round trip)", chainE, "{}", runs],
    ["Map of 10,000 items (INLINE, MaxConcurrency 40), EXPRESS (StartSyncExecution round trip)", mapE, items, Math.max(3, Math.floor(runs / 3))]]) {
    await expressRun(arn, input);
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(await expressRun(arn, input));
    rows.push([label, fmt(xs)]);
  }

  for (const [label, arn, input, n] of [["Pass chain, 1,000 states, STANDARD (ExecutionStarted → ExecutionSucceeded)", chainS, "{}", runs],
    ["Map of 10,000 items (DISTRIBUTED, EXPRESS children), STANDARD (ExecutionStarted → ExecutionSucceeded)", mapS, items, Math.max(3, Math.floor(runs / 3))]]) {
    await standardRun(arn, input);
    const xs = [];
    for (let i = 0; i < n; i++) xs.push((await standardRun(arn, input)).duration);
    rows.push([label, fmt(xs)]);
  }

  await standardRun(one, "{}");
  const firsts = [];
  for (let i = 0; i < runs * 3; i++) firsts.push((await standardRun(one, "{}")).firstState);
  rows.push(["StartExecution sent → first state entered (STANDARD, history timestamp, ms resolution)", fmt(firsts)]);
} finally {
  for (const arn of cleanup) await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
}

console.log("| Benchmark | Result |\n|---|---|");
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
