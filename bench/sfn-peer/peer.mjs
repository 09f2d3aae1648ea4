// The peer: aws-local-stepfunctions (in-process, Node) running the same machines as bench/Nimbus.StepFunctions.Bench.
// node peer.mjs [seconds]
import { StateMachine } from "aws-local-stepfunctions";

const seconds = Number(process.argv[2] ?? 5);

function passChain(n) {
  const States = {};
  for (let i = 0; i < n; i++) States[`P${i}`] = i === n - 1 ? { Type: "Pass", End: true } : { Type: "Pass", Next: `P${i + 1}` };
  return { StartAt: "P0", States };
}

const map = {
  StartAt: "M",
  States: {
    M: {
      Type: "Map", ItemsPath: "$.items", End: true,
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
    },
  },
};

async function loop(definition, input) {
  const machine = new StateMachine(definition);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    await machine.run(input).result;
    runs++;
  }
  return { runs, ms: performance.now() - start };
}

const chainInput = { n: 1 };
await loop(passChain(1000), chainInput);
const chain = await loop(passChain(1000), chainInput);
console.log(`peer pass-chain-1000: ${chain.runs} executions in ${chain.ms.toFixed(0)} ms = ${(chain.ms / chain.runs).toFixed(2)} ms/execution, ${(chain.runs * 1000 / (chain.ms / 1000)).toFixed(0)} states/s`);

const mapInput = { items: Array.from({ length: 10_000 }, (_, i) => i) };
await loop(map, mapInput);
const m = await loop(map, mapInput);
console.log(`peer map-10k: ${m.runs} executions in ${m.ms.toFixed(0)} ms = ${(m.ms / m.runs).toFixed(2)} ms/execution, ${(m.runs * 10_000 / (m.ms / 1000)).toFixed(0)} items/s`);
