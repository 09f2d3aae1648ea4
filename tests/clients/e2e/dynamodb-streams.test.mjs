// DynamoDB Streams through @aws-sdk/client-dynamodb, -dynamodb-streams and -lambda: stream records, the Streams API,
// and Lambda event source mappings from streams (order per key, bisect + on-failure destination, errors).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  DescribeTableCommand, PutItemCommand, DeleteItemCommand, UpdateTableCommand, BatchWriteItemCommand, DeleteTableCommand,
} from "@aws-sdk/client-dynamodb";
import {
  ListStreamsCommand, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand,
} from "@aws-sdk/client-dynamodb-streams";
import {
  CreateEventSourceMappingCommand, GetEventSourceMappingCommand, DeleteEventSourceMappingCommand, DeleteFunctionCommand,
} from "@aws-sdk/client-lambda";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { endpoint, lambda, unique, waitFor, rejectsWith } from "./helpers.mjs";
import { ddb, streams, createTable, createSink, createConsumer, sinkContents } from "./dynamodb-streams-common.mjs";

const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
const cleanup = [];
after(async () => { for (const undo of cleanup.reverse()) await undo().catch(() => {}); });

const put = (table, pk, sk, extra = {}) => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: String(sk) }, ...extra } }));
const del = (table, pk, sk) => ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { N: String(sk) } } }));

async function readAll(streamArn, shardId, type = "TRIM_HORIZON", extra = {}) {
  let { ShardIterator: iterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...extra }));
  const records = [];
  for (let i = 0; i < 50 && iterator; i++) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
    records.push(...page.Records);
    iterator = page.NextShardIterator;
    if (page.Records.length === 0) break;
  }
  return records;
}

test("a NEW_AND_OLD_IMAGES stream records inserts, modifications and removals, readable through the Streams API", async () => {
  const name = unique("st");
  const created = await createTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
  cleanup.push(() => ddb.send(new DeleteTableCommand({ TableName: name })));
  const streamArn = created.LatestStreamArn;
  assert.equal(streamArn, `${created.TableArn}/stream/${created.LatestStreamLabel}`);

  await put(name, "a", 1, { v: { S: "one" } });
  await put(name, "b", 1, { v: { S: "x" } });
  await put(name, "a", 1, { v: { S: "two" } });
  await put(name, "a", 1, { v: { S: "two" } }); // changes nothing: no record
  await del(name, "b", 1);
  await del(name, "zzz", 9); // deletes nothing: no record

  const listed = await streams.send(new ListStreamsCommand({ TableName: name }));
  assert.deepEqual(listed.Streams, [{ StreamArn: streamArn, TableName: name, StreamLabel: created.LatestStreamLabel }]);
  const { StreamDescription: d } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  assert.equal(d.StreamStatus, "ENABLED");
  assert.equal(d.StreamViewType, "NEW_AND_OLD_IMAGES");
  assert.equal(d.TableName, name);
  assert.deepEqual(d.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }]);
  assert.ok(d.CreationRequestDateTime instanceof Date);
  assert.equal(d.Shards.length, 1);
  const shard = d.Shards[0];
  assert.match(shard.ShardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
  assert.match(shard.SequenceNumberRange.StartingSequenceNumber, /^\d{21,}$/);
  assert.equal(shard.SequenceNumberRange.EndingSequenceNumber, undefined);

  const records = await readAll(streamArn, shard.ShardId);
  assert.deepEqual(records.map((r) => r.eventName), ["INSERT", "INSERT", "MODIFY", "REMOVE"]);
  for (const r of records) {
    assert.equal(r.eventVersion, "1.1");
    assert.equal(r.eventSource, "aws:dynamodb");
    assert.equal(r.awsRegion, "us-east-1");
    assert.match(r.eventID, /^[0-9a-f]{32}$/);
    assert.ok(r.dynamodb.ApproximateCreationDateTime instanceof Date);
    assert.equal(r.dynamodb.StreamViewType, "NEW_AND_OLD_IMAGES");
    assert.ok(r.dynamodb.SizeBytes > 0);
    assert.match(r.dynamodb.SequenceNumber, /^\d{21,}$/);
  }
  const seqs = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.deepEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)), seqs);
  assert.deepEqual(records[0].dynamodb.Keys, { pk: { S: "a" }, sk: { N: "1" } });
  assert.deepEqual(records[0].dynamodb.NewImage, { pk: { S: "a" }, sk: { N: "1" }, v: { S: "one" } });
  assert.equal(records[0].dynamodb.OldImage, undefined);
  assert.deepEqual(records[2].dynamodb.OldImage.v, { S: "one" });
  assert.deepEqual(records[2].dynamodb.NewImage.v, { S: "two" });
  assert.equal(records[3].dynamodb.NewImage, undefined);
  assert.deepEqual(records[3].dynamodb.OldImage, { pk: { S: "b" }, sk: { N: "1" }, v: { S: "x" } });

  // Iterator types.
  const at = await readAll(streamArn, shard.ShardId, "AT_SEQUENCE_NUMBER", { SequenceNumber: records[2].dynamodb.SequenceNumber });
  assert.deepEqual(at.map((r) => r.eventName), ["MODIFY", "REMOVE"]);
  const afterSeq = await readAll(streamArn, shard.ShardId, "AFTER_SEQUENCE_NUMBER", { SequenceNumber: records[2].dynamodb.SequenceNumber });
  assert.deepEqual(afterSeq.map((r) => r.eventName), ["REMOVE"]);
  const { ShardIterator: latest } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: "LATEST" }));
  const empty = await streams.send(new GetRecordsCommand({ ShardIterator: latest }));
  assert.deepEqual(empty.Records, []);
  assert.ok(empty.NextShardIterator);
  await put(name, "c", 3);
  const fresh = await streams.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator }));
  assert.deepEqual(fresh.Records.map((r) => r.dynamodb.Keys.pk.S), ["c"]);

  // Errors.
  await rejectsWith(streams.send(new GetRecordsCommand({ ShardIterator: latest, Limit: 1001 })), "ValidationException", 400);
  await rejectsWith(streams.send(new GetRecordsCommand({ ShardIterator: "not-an-iterator" })), "ValidationException", 400);
  await rejectsWith(streams.send(new DescribeStreamCommand({ StreamArn: `${created.TableArn}/stream/2000-01-01T00:00:00.000` })), "ResourceNotFoundException", 400);
  await rejectsWith(streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: "AT_SEQUENCE_NUMBER" })), "ValidationException");
  await rejectsWith(streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: "shardId-00000000000000000000-00000000", ShardIteratorType: "LATEST" })), "ResourceNotFoundException");

  // Disabling closes the stream; enabling again opens a new one with a new label.
  await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
  const closed = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription;
  assert.equal(closed.StreamStatus, "DISABLED");
  assert.match(closed.Shards[0].SequenceNumberRange.EndingSequenceNumber, /^\d{21,}$/);
  const drained = await streams.send(new GetRecordsCommand({ ShardIterator: (await streams.send(new GetShardIteratorCommand({
    StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: fresh.Records[0].dynamodb.SequenceNumber,
  }))).ShardIterator }));
  assert.deepEqual(drained.Records, []);
  assert.equal(drained.NextShardIterator, undefined, "a closed shard read to its end has no next iterator");
  await new Promise((r) => setTimeout(r, 5));
  const reenabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }));
  const newArn = reenabled.TableDescription.LatestStreamArn;
  assert.notEqual(newArn, streamArn);
  await put(name, "d", 4, { v: { S: "hidden" } });
  const newShard = (await streams.send(new DescribeStreamCommand({ StreamArn: newArn }))).StreamDescription.Shards[0];
  const keysOnly = await readAll(newArn, newShard.ShardId);
  assert.equal(keysOnly.length, 1);
  assert.deepEqual(keysOnly[0].dynamodb.Keys, { pk: { S: "d" }, sk: { N: "4" } });
  assert.equal(keysOnly[0].dynamodb.NewImage, undefined);
  assert.equal(keysOnly[0].dynamodb.StreamViewType, "KEYS_ONLY");
  const both = await streams.send(new ListStreamsCommand({ TableName: name }));
  assert.deepEqual(both.Streams.map((s) => s.StreamArn), [streamArn, newArn]);
});

test("the Streams API answers on the SDK's default host name (streams.dynamodb.<region>.amazonaws.com) too", async () => {
  const url = new URL(endpoint);
  const body = JSON.stringify({ Limit: 1 });
  const answer = await new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: "/", method: "POST",
      headers: {
        Host: "streams.dynamodb.us-east-1.amazonaws.com", "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDBStreams_20120810.ListStreams", "Content-Length": Buffer.byteLength(body),
        Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
      },
    }, (res) => { let text = ""; res.on("data", (c) => (text += c)); res.on("end", () => resolve({ status: res.statusCode, text })); });
    req.on("error", reject);
    req.end(body);
  });
  assert.equal(answer.status, 200, answer.text);
  assert.ok(Array.isArray(JSON.parse(answer.text).Streams));
});

test("a Lambda mapping on a stream delivers every change in order per key, in Lambda's DynamoDB event shape", async () => {
  const name = unique("src");
  const created = await createTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
  cleanup.push(() => ddb.send(new DeleteTableCommand({ TableName: name })));
  const sink = await createSink();
  cleanup.push(() => ddb.send(new DeleteTableCommand({ TableName: sink })));
  const fn = await createConsumer(sink);
  cleanup.push(() => lambda.send(new DeleteFunctionCommand({ FunctionName: fn.name })));

  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: created.LatestStreamArn })), "InvalidParameterValueException");
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: created.LatestStreamArn, StartingPosition: "TRIM_HORIZON", ParallelizationFactor: 11,
  })), "ValidationException");

  // Written before the mapping exists: TRIM_HORIZON still delivers it.
  await put(name, "k0", 0, { v: { N: "0" } });
  const mapping = await lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: created.LatestStreamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 7, ParallelizationFactor: 4,
  }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID })));
  assert.equal(mapping.StartingPosition, "TRIM_HORIZON");
  assert.equal(mapping.BatchSize, 7);
  assert.equal(mapping.ParallelizationFactor, 4);
  assert.equal(mapping.MaximumRetryAttempts, -1);
  assert.equal(mapping.MaximumRecordAgeInSeconds, -1);
  assert.equal(mapping.BisectBatchOnFunctionError, false);
  assert.deepEqual(mapping.DestinationConfig, { OnFailure: {} });
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: created.LatestStreamArn, StartingPosition: "LATEST",
  })), "ResourceConflictException");

  const expected = { "k0#0": ["INSERT"] };
  for (let round = 1; round <= 4; round++) {
    for (const k of ["k1", "k2", "k3"]) {
      await put(name, k, 1, { v: { N: String(round) } });
      (expected[`${k}#1`] ??= []).push(round === 1 ? "INSERT" : "MODIFY");
    }
  }
  await del(name, "k2", 1);
  expected["k2#1"].push("REMOVE");
  const total = Object.values(expected).reduce((n, l) => n + l.length, 0);

  const seen = await waitFor(async () => { const s = await sinkContents(sink); return s.count >= total ? s : null; }, 60000, `${total} deliveries`);
  assert.equal(seen.count, total, "each change delivered exactly once");
  for (const [key, names] of Object.entries(expected)) {
    const got = seen.byKey[key];
    assert.deepEqual(got.map((g) => g.eventName), names, `events of ${key}`);
    const seqs = got.map((g) => BigInt(g.seq));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `order of ${key}`);
  }
  const k1 = seen.byKey["k1#1"];
  assert.deepEqual(k1.map((g) => g.record.dynamodb.NewImage.v.N), ["1", "2", "3", "4"]);
  const r = k1[1].record;
  assert.deepEqual(Object.keys(r).sort(), ["awsRegion", "dynamodb", "eventID", "eventName", "eventSource", "eventSourceARN", "eventVersion"]);
  assert.equal(r.eventSourceARN, created.LatestStreamArn);
  assert.equal(r.eventSource, "aws:dynamodb");
  assert.equal(r.eventVersion, "1.1");
  assert.equal(typeof r.dynamodb.ApproximateCreationDateTime, "number");
  assert.deepEqual(r.dynamodb.OldImage.v, { N: "1" });
  assert.equal(r.dynamodb.StreamViewType, "NEW_AND_OLD_IMAGES");
  assert.equal(typeof r.dynamodb.SizeBytes, "number");
  const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
  assert.equal(got.State, "Enabled");
  assert.equal(got.LastProcessingResult, "OK");
});

test("a failing batch is bisected and the bad record goes to the SQS on-failure destination", async () => {
  const name = unique("bis");
  const created = await createTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
  cleanup.push(() => ddb.send(new DeleteTableCommand({ TableName: name })));
  const sink = await createSink();
  cleanup.push(() => ddb.send(new DeleteTableCommand({ TableName: sink })));
  const fn = await createConsumer(sink);
  cleanup.push(() => lambda.send(new DeleteFunctionCommand({ FunctionName: fn.name })));
  const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: unique("onfail") }));
  cleanup.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl: dlq })));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }));

  // All six are written before the mapping starts, so they arrive as one batch of six.
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [0, 1, 2, 3, 4, 5].map((i) => ({
    PutRequest: { Item: { pk: { S: `p${i}` }, sk: { N: "1" }, ...(i === 4 ? { poison: { BOOL: true } } : {}) } },
  })) } }));
  const mapping = await lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: created.LatestStreamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 10,
    BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: Attributes.QueueArn } },
  }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID })));
  assert.equal(mapping.BisectBatchOnFunctionError, true);
  assert.equal(mapping.MaximumRetryAttempts, 1);
  assert.deepEqual(mapping.DestinationConfig, { OnFailure: { Destination: Attributes.QueueArn } });

  const message = await waitFor(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }))).Messages?.[0], 60000, "the on-failure record");
  const failure = JSON.parse(message.Body);
  assert.equal(failure.version, "1.0");
  assert.match(failure.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(failure.requestContext.functionArn, fn.arn);
  assert.equal(failure.requestContext.condition, "RetryAttemptsExhausted");
  assert.equal(failure.requestContext.approximateInvokeCount, 2);
  assert.equal(failure.responseContext.functionError, "Unhandled");
  assert.equal(failure.responseContext.statusCode, 200);
  assert.equal(failure.responseContext.executedVersion, "$LATEST");
  const info = failure.DDBStreamBatchInfo;
  assert.equal(info.batchSize, 1, "bisected down to the bad record alone");
  assert.equal(info.startSequenceNumber, info.endSequenceNumber);
  assert.equal(info.streamArn, created.LatestStreamArn);
  assert.match(info.shardId, /^shardId-/);
  assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const seen = await waitFor(async () => { const s = await sinkContents(sink); return s.count >= 5 ? s : null; }, 30000, "the five good records");
  assert.deepEqual(Object.keys(seen.byKey).sort(), ["p0#1", "p1#1", "p2#1", "p3#1", "p5#1"]);
  assert.equal(seen.count, 5);
  const poisonSeq = BigInt(info.startSequenceNumber);
  assert.ok(BigInt(seen.byKey["p3#1"][0].seq) < poisonSeq && BigInt(seen.byKey["p5#1"][0].seq) > poisonSeq);
});
