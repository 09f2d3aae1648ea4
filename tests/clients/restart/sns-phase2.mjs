// SNS/EventBridge restart test, after the crash: the subscriber is back and receives both deliveries accepted before.
import assert from "node:assert/strict";
import http from "node:http";
import { waitFor } from "../e2e/helpers.mjs";

const name = process.env.NIMBUS_SNS_RESTART_NAME;
const port = Number(process.env.NIMBUS_SNS_RESTART_PORT);
const messages = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    res.end();
    if (req.headers["x-amz-sns-message-type"] === "Notification") messages.push(JSON.parse(body).Message);
  });
});
await new Promise((r) => server.listen(port, "127.0.0.1", r));
await waitFor(() => messages.length >= 2, 30000, "deliveries accepted before the restart");
server.close();
assert.ok(messages.includes(`${name}-survivor`), JSON.stringify(messages));
const event = messages.map((m) => { try { return JSON.parse(m); } catch { return null; } }).find((m) => m?.source === name);
assert.equal(event?.detail.marker, `${name}-event`);
console.log("phase 2 done");
