// A distributed Map reading its items from S3 (ItemReader: JSON, CSV, JSON Lines, an S3 listing) and writing its results
// back to S3 (ResultWriter), and aws-sdk:s3:* tasks — through @aws-sdk/client-sfn, checked with @aws-sdk/client-s3.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { endpoint, unique } from "./helpers.mjs";
import { sfn, createMachine, deleteMachine, waitForCompletion } from "./sfn-helpers.mjs";

const s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const cleanup = [];
after(async () => { for (const undo of cleanup.reverse()) await undo().catch(() => {}); });

async function bucketWith(objects) {
  const bucket = unique("sfn-items");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(objects)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  return bucket;
}

async function run(definition, input) {
  const arn = await createMachine(unique("s3map"), definition);
  cleanup.push(() => deleteMachine(arn));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }));
  return waitForCompletion(executionArn);
}

const text = async (bucket, key) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body.transformToString();

const distributed = (reader, extra = {}) => ({
  StartAt: "Each",
  States: {
    Each: {
      Type: "Map",
      ItemReader: reader,
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Shape",
        States: { Shape: { Type: "Pass", Parameters: { "seen.$": "$" }, End: true } },
      },
      ...extra,
      End: true,
    },
  },
});

test("ItemReader s3:getObject JSON (key from the input) feeds the Map; ResultWriter writes manifest and SUCCEEDED file", async () => {
  const bucket = await bucketWith({ "in/items.json": JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]) });
  const done = await run(distributed(
    { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" }, Parameters: { Bucket: bucket, "Key.$": "$.key" } },
    { ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: bucket, Prefix: "results" } } },
  ), { key: "in/items.json" });
  assert.equal(done.status, "SUCCEEDED", done.cause);
  const output = JSON.parse(done.output);
  assert.match(output.MapRunArn, /:mapRun:/);
  assert.equal(output.ResultWriterDetails.Bucket, bucket);
  assert.match(output.ResultWriterDetails.Key, /^results\/[0-9a-f-]+\/manifest\.json$/);

  const manifest = JSON.parse(await text(bucket, output.ResultWriterDetails.Key));
  assert.equal(manifest.DestinationBucket, bucket);
  assert.equal(manifest.MapRunArn, output.MapRunArn);
  assert.deepEqual(manifest.ResultFiles.FAILED, []);
  assert.equal(manifest.ResultFiles.SUCCEEDED.length, 1);
  const succeeded = JSON.parse(await text(bucket, manifest.ResultFiles.SUCCEEDED[0].Key));
  assert.deepEqual(succeeded.map((r) => JSON.parse(r.Output)), [{ seen: { n: 1 } }, { seen: { n: 2 } }, { seen: { n: 3 } }]);
  assert.ok(succeeded.every((r) => r.Status === "SUCCEEDED"));
});

test("ItemReader CSV with a header row and MaxItems; JSON Lines; listObjectsV2 items", async () => {
  const bucket = await bucketWith({
    "rows.csv": "id,name\n1,\"Smith, Jo\"\n2,Lee\n3,Kim\n",
    "rows.jsonl": "{\"a\":1}\n{\"a\":2}\n",
    "data/x.txt": "x",
    "data/y.txt": "yy",
  });

  const csv = await run(distributed({ Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItems: 2 }, Parameters: { Bucket: bucket, Key: "rows.csv" } }), {});
  assert.equal(csv.status, "SUCCEEDED", csv.cause);
  assert.deepEqual(JSON.parse(csv.output), [{ seen: { id: "1", name: "Smith, Jo" } }, { seen: { id: "2", name: "Lee" } }]);

  const jsonl = await run(distributed({ Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSONL" }, Parameters: { Bucket: bucket, Key: "rows.jsonl" } }), {});
  assert.equal(jsonl.status, "SUCCEEDED", jsonl.cause);
  assert.deepEqual(JSON.parse(jsonl.output), [{ seen: { a: 1 } }, { seen: { a: 2 } }]);

  const listed = await run(distributed({ Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: bucket, Prefix: "data/" } }), {});
  assert.equal(listed.status, "SUCCEEDED", listed.cause);
  const items = JSON.parse(listed.output).map((o) => o.seen);
  assert.deepEqual(items.map((i) => [i.Key, i.Size, i.StorageClass]), [["data/x.txt", 1, "STANDARD"], ["data/y.txt", 2, "STANDARD"]]);
  assert.equal(typeof items[0].LastModified, "number");
  assert.match(items[0].Etag, /^"[0-9a-f]{32}"$/);
});

test("a missing object fails the Map with States.ItemReaderFailed; aws-sdk:s3 tasks read and write objects", async () => {
  const bucket = await bucketWith({});
  const missing = await run(distributed({ Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" }, Parameters: { Bucket: bucket, Key: "nope.json" } }), {});
  assert.equal(missing.status, "FAILED");
  assert.equal(missing.error, "States.ItemReaderFailed");
  assert.match(missing.cause, /S3\.NoSuchKeyException/);

  const sdk = await run({
    StartAt: "Put",
    States: {
      Put: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:putObject", Parameters: { Bucket: bucket, Key: "note.txt", "Body.$": "$.text" }, ResultPath: "$.put", Next: "Get" },
      Get: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:getObject", Parameters: { Bucket: bucket, Key: "note.txt" }, ResultSelector: { "body.$": "$.Body" }, ResultPath: "$.got", Next: "Missing" },
      Missing: {
        Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:getObject", Parameters: { Bucket: bucket, Key: "absent" },
        Catch: [{ ErrorEquals: ["S3.NoSuchKeyException"], ResultPath: "$.caught", Next: "Done" }], End: true,
      },
      Done: { Type: "Pass", End: true },
    },
  }, { text: "hello from a state machine" });
  assert.equal(sdk.status, "SUCCEEDED", sdk.cause);
  const output = JSON.parse(sdk.output);
  assert.match(output.put.ETag, /^"[0-9a-f]{32}"$/);
  assert.equal(output.got.body, "hello from a state machine");
  assert.equal(output.caught.Error, "S3.NoSuchKeyException");
  assert.equal(await text(bucket, "note.txt"), "hello from a state machine");
});
