// Prints the markdown tables of bench/gateway-vs-offline.sh's results: autocannon (one JSON file per run) and, when wrk
// was available, wrk (one --latency text file per run, `<target>@<c>.wrk.txt`).
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const files = fs.readdirSync(dir).sort();

function parseWrk(text) {
  // "    50%  1.23ms" — wrk prints us, ms or s.
  const ms = (v) => {
    const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
    if (!m) return NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
  };
  const pct = (p) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(text);
    return m ? ms(m[1]) : NaN;
  };
  const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(text) ?? [])[1]);
  const total = Number((/(\d+) requests in/.exec(text) ?? [])[1]);
  const non2xx = Number((/Non-2xx or 3xx responses:\s+(\d+)/.exec(text) ?? [0, 0])[1]);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50: pct(50), p99: pct(99), total, errors };
}

function table(title, rows, digits) {
  rows.sort((a, b) => a.target.localeCompare(b.target) || a.c - b.c);
  console.log(`${title}\n`);
  console.log("| Target | Connections | Requests/s (avg) | p50 ms | p99 ms | Requests | Errors / non-2xx |");
  console.log("|---|---|---|---|---|---|---|");
  const f = (x) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
  for (const r of rows) {
    console.log(`| ${r.target} | ${r.c} | ${Math.round(r.rps).toLocaleString("en-US")} | ${f(r.p50)} | ${f(r.p99)} | ${r.total.toLocaleString("en-US")} | ${r.errors} |`);
  }
  const ratio = (a, b, c) => {
    const x = rows.find((r) => r.target === a && r.c === c);
    const y = rows.find((r) => r.target === b && r.c === c);
    return x && y ? `${(x.rps / y.rps).toFixed(1)}× rps, p99 ${f(x.p99)} vs ${f(y.p99)} ms` : "n/a";
  };
  console.log();
  for (const c of [...new Set(rows.map((r) => r.c))]) {
    console.log(`- c=${c}: HTTP API ${ratio("nimbus-http-api", "offline-http-api", c)}; REST API ${ratio("nimbus-rest-api", "offline-rest-api", c)}`);
    if (rows.some((r) => r.target.startsWith("before-"))) {
      console.log(`  - this build vs the "before" build: HTTP API ${ratio("nimbus-http-api", "before-http-api", c)}; REST API ${ratio("nimbus-rest-api", "before-rest-api", c)}`);
    }
  }
  console.log();
}

const autocannon = [];
const wrk = [];
for (const file of files) {
  if (file.endsWith(".json")) {
    const r = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const [target, c] = file.replace(/\.json$/, "").split("@");
    const errors = (r.errors ?? 0) + (r.non2xx ?? 0) + (r.timeouts ?? 0);
    autocannon.push({ target, c: Number(c), rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, errors });
  } else if (file.endsWith(".wrk.txt")) {
    const [target, c] = file.replace(/\.wrk\.txt$/, "").split("@");
    wrk.push({ target, c: Number(c), ...parseWrk(fs.readFileSync(path.join(dir, file), "utf8")) });
  }
}
table("autocannon (Node; takes about a core of its own):", autocannon, 0);
if (wrk.length) table("wrk (C, one thread):", wrk, 2);
