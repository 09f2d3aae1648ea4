// DynamoDB stream → Lambda restart, phase 1: a table with a stream mapped to a function; changes A are delivered, then the
// mapping is disabled and changes D are written (durable in the stream, not yet delivered) before Nimbus is killed (-9).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, GetEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { lambda, unique, waitFor } from "../e2e/helpers.mjs";
import { ddb, createTable, createSink, createConsumer, sinkContents } from "../e2e/dynamodb-streams-common.mjs";

const name = unique("rst");
const created = await createTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
const sink = await createSink();
const fn = await createConsumer(sink);
const mapping = await lambda.send(new CreateEventSourceMappingCommand({
  FunctionName: fn.name, EventSourceArn: created.LatestStreamArn, StartingPosition: "LATEST", BatchSize: 3,
}));
await waitFor(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }))).State === "Enabled", 10000, "mapping enabled");

const put = (pk, v) => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk }, sk: { N: "1" }, v: { N: String(v) } } }));
for (let v = 1; v <= 3; v++) for (const k of ["a", "b"]) await put(k, v);
const seen = await waitFor(async () => { const s = await sinkContents(sink); return s.count >= 6 ? s : null; }, 60000, "changes A delivered");
assert.equal(seen.count, 6);
// Let the checkpoint of the last batch commit (it follows the invocation by a few milliseconds).
await new Promise((r) => setTimeout(r, 1500));

await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
await new Promise((r) => setTimeout(r, 1500));
for (let v = 4; v <= 5; v++) for (const k of ["a", "b"]) await put(k, v);
assert.equal((await sinkContents(sink)).count, 6, "nothing delivered while disabled");

writeFileSync(process.env.NIMBUS_DDBSTREAM_RESTART_FILE, JSON.stringify({ name, sink, uuid: mapping.UUID, fn: fn.name }));
console.log("phase 1 done");
