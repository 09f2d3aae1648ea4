// Prints the markdown table of bench/gateway-vs-offline.sh's autocannon results (one JSON file per run).
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const rows = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const [target, c] = file.replace(/\.json$/, "").split("@");
  const errors = (r.errors ?? 0) + (r.non2xx ?? 0) + (r.timeouts ?? 0);
  rows.push({ target, c: Number(c), rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, errors });
}
rows.sort((a, b) => a.target.localeCompare(b.target) || a.c - b.c);
console.log("| Target | Connections | Requests/s (avg) | p50 ms | p99 ms | Requests | Errors / non-2xx |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.target} | ${r.c} | ${Math.round(r.rps).toLocaleString("en-US")} | ${r.p50} | ${r.p99} | ${r.total.toLocaleString("en-US")} | ${r.errors} |`);
}
const ratio = (a, b, c) => {
  const x = rows.find((r) => r.target === a && r.c === c);
  const y = rows.find((r) => r.target === b && r.c === c);
  return x && y ? `${(x.rps / y.rps).toFixed(1)}× rps, p99 ${x.p99} vs ${y.p99} ms` : "n/a";
};
console.log();
for (const c of [10, 50]) {
  console.log(`- c=${c}: HTTP API ${ratio("nimbus-http-api", "offline-http-api", c)}; REST API ${ratio("nimbus-rest-api", "offline-rest-api", c)}`);
}
