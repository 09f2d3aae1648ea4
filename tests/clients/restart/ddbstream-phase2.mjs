// DynamoDB stream → Lambda restart, phase 2: after the kill, the mapping resumes after its checkpoint: changes A are not
// delivered again, changes D (written before the kill) and C (after) are delivered, each exactly once and in order per key.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PutItemCommand, DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { lambda, waitFor } from "../e2e/helpers.mjs";
import { ddb, sinkContents } from "../e2e/dynamodb-streams-common.mjs";

const { name, sink, uuid } = JSON.parse(readFileSync(process.env.NIMBUS_DDBSTREAM_RESTART_FILE, "utf8"));
await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" }, v: { N: "6" } } }));
await ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "b" }, sk: { N: "1" } } }));

const seen = await waitFor(async () => { const s = await sinkContents(sink); return s.count >= 12 ? s : null; }, 60000, "all 12 changes delivered");
await new Promise((r) => setTimeout(r, 2000));
const final = await sinkContents(sink);
assert.equal(final.count, 12, "every change exactly once");
const values = (key) => final.byKey[key].map((g) => (g.eventName === "REMOVE" ? "REMOVE" : g.record.dynamodb.NewImage.v.N));
assert.deepEqual(values("a#1"), ["1", "2", "3", "4", "5", "6"]);
assert.deepEqual(values("b#1"), ["1", "2", "3", "4", "5", "REMOVE"]);
for (const key of ["a#1", "b#1"]) {
  const seqs = final.byKey[key].map((g) => BigInt(g.seq));
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `sequence order of ${key}`);
}
assert.equal(seen.count, 12);
console.log("phase 2 done");
