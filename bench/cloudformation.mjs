// CloudFormation deploy time: CreateStack of a four-resource stack (function, queue, event source mapping, table) until
// CREATE_COMPLETE, a no-op UpdateStack (rejected as AWS does), a code-change update and DeleteStack, polling DescribeStacks
// every 10 ms. Usage: node bench/cloudformation.mjs ENDPOINT [RUNS=5]   (resolves the SDK from tests/clients/node_modules)
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "clients", "package.json"));
const { CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand } = require("@aws-sdk/client-cloudformation");

const [endpoint = "http://127.0.0.1:4566", runs = "5"] = process.argv.slice(2);
const cfn = new CloudFormationClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });

const template = (greeting) => JSON.stringify({
  Resources: {
    Fn: {
      Type: "AWS::Lambda::Function",
      Properties: {
        Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/bench",
        Code: { ZipFile: `exports.handler = async () => (${JSON.stringify(greeting)});` },
      },
    },
    Queue: { Type: "AWS::SQS::Queue" },
    Mapping: { Type: "AWS::Lambda::EventSourceMapping", Properties: { EventSourceArn: { "Fn::GetAtt": ["Queue", "Arn"] }, FunctionName: { Ref: "Fn" } } },
    Table: {
      Type: "AWS::DynamoDB::Table",
      Properties: { AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" },
    },
  },
});

async function until(name, predicate) {
  for (;;) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks[0];
    if (predicate(stack.StackStatus)) return stack;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const rows = { create: [], noop: [], update: [], delete: [] };
for (let i = 0; i < Number(runs); i++) {
  const name = `bench-${Date.now()}-${i}`;
  let t = performance.now();
  const { StackId } = await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: template("v1") }));
  const created = await until(StackId, (s) => !s.endsWith("_IN_PROGRESS"));
  if (created.StackStatus !== "CREATE_COMPLETE") throw new Error(`${created.StackStatus}: ${created.StackStatusReason}`);
  rows.create.push(performance.now() - t);

  t = performance.now();
  await cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: template("v1") })).catch((e) => { if (e.message !== "No updates are to be performed.") throw e; });
  rows.noop.push(performance.now() - t);

  t = performance.now();
  await cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: template("v2") }));
  await until(StackId, (s) => s === "UPDATE_COMPLETE");
  rows.update.push(performance.now() - t);

  t = performance.now();
  await cfn.send(new DeleteStackCommand({ StackName: name }));
  await until(StackId, (s) => s === "DELETE_COMPLETE");
  rows.delete.push(performance.now() - t);
}

const fmt = (xs) => { const s = [...xs].sort((a, b) => a - b); return `median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)}`; };
for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(7)} ${fmt(v)}`);
