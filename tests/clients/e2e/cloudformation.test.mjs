// CloudFormation through @aws-sdk/client-cloudformation: stacks with real resources (function, queue, mapping, table, HTTP API),
// updates in place and by replacement, rollbacks with reasons, deletes, change sets with the SAM transform, exports and imports.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand, DescribeStackEventsCommand,
  DescribeStackResourceCommand, ListStackResourcesCommand, ListStacksCommand, GetTemplateCommand, ValidateTemplateCommand,
  CreateChangeSetCommand, DescribeChangeSetCommand, ExecuteChangeSetCommand, DeleteChangeSetCommand, ListChangeSetsCommand,
  ListExportsCommand, ListImportsCommand, GetTemplateSummaryCommand, waitUntilStackCreateComplete, waitUntilChangeSetCreateComplete,
} from "@aws-sdk/client-cloudformation";
import { InvokeCommand, GetFunctionCommand } from "@aws-sdk/client-lambda";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { DynamoDBClient, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { SNSClient, GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { endpoint, lambda, unique, waitFor, waitForLog, rejectsWith, decode, json } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const cfn = new CloudFormationClient(config);
const sqs = new SQSClient(config);
const dynamodb = new DynamoDBClient(config);
const sns = new SNSClient(config);

const TERMINAL = /(_COMPLETE|_FAILED)$/;

/** Polls DescribeStacks until the stack leaves its *_IN_PROGRESS status. */
async function settled(stackName) {
  return waitFor(async () => {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const s = Stacks[0];
    return TERMINAL.test(s.StackStatus) && !s.StackStatus.endsWith("_IN_PROGRESS") ? s : null;
  }, 60000, `stack ${stackName} to settle`);
}

const outputs = (stack) => Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

async function events(stackName) {
  const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return StackEvents;
}

const handlerCode = (greeting) => `exports.handler = async (event) => {
  if (event.Records) { for (const r of event.Records) console.log("queued " + r.body); return {}; }
  return { statusCode: 200, body: JSON.stringify({ greeting: ${JSON.stringify(greeting)}, path: event.rawPath }) };
};`;

/** A stack of a function behind an HTTP API, fed by a queue through a mapping, and a table. */
function appTemplate({ greeting, table = true, topic = false, broken = false }) {
  const resources = {
    Role: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
      },
    },
    Fn: {
      Type: "AWS::Lambda::Function",
      Properties: {
        Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Timeout: 10,
        Code: { ZipFile: handlerCode(greeting) },
        Environment: { Variables: { STAGE: { Ref: "Stage" }, QUEUE: { "Fn::Sub": "${Queue.QueueName}" } } },
      },
    },
    Queue: { Type: "AWS::SQS::Queue", Properties: { VisibilityTimeout: 30 } },
    Mapping: { Type: "AWS::Lambda::EventSourceMapping", Properties: { EventSourceArn: { "Fn::GetAtt": ["Queue", "Arn"] }, FunctionName: { Ref: "Fn" }, BatchSize: 1 } },
    Api: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: { "Fn::Sub": "${AWS::StackName}-api" }, ProtocolType: "HTTP", Target: { "Fn::GetAtt": ["Fn", "Arn"] } } },
    ApiPermission: {
      Type: "AWS::Lambda::Permission",
      Properties: { FunctionName: { Ref: "Fn" }, Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com" },
    },
  };
  if (table) {
    resources.Table = {
      Type: "AWS::DynamoDB::Table",
      DeletionPolicy: "Delete",
      Properties: { AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" },
    };
  }
  if (topic) resources.Topic = { Type: "AWS::SNS::Topic", Properties: { DisplayName: "updates" } };
  if (broken) resources.Vpc = { Type: "AWS::EC2::VPC", DependsOn: "Fn", Properties: { CidrBlock: "10.0.0.0/16" } };
  const out = {
    FunctionName: { Value: { Ref: "Fn" } },
    ApiId: { Value: { Ref: "Api" } },
    QueueUrl: { Value: { Ref: "Queue" } },
    RoleArn: { Value: { "Fn::GetAtt": ["Role", "Arn"] } },
  };
  if (table) out.TableName = { Value: { Ref: "Table" }, Export: { Name: { "Fn::Sub": "${AWS::StackName}-table" } } };
  if (topic) out.TopicArn = { Value: { Ref: "Topic" } };
  return JSON.stringify({
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "function, queue, mapping, table and HTTP API",
    Parameters: { Stage: { Type: "String", AllowedValues: ["dev", "prod"], Default: "dev" } },
    Resources: resources,
    Outputs: out,
  });
}

const invokeApi = async (apiId) => {
  const res = await fetch(`${endpoint}/_api/${apiId}/hello`);
  assert.equal(res.status, 200);
  return res.json();
};

test("a stack of function, queue, mapping, table and HTTP API: create, invoke, update (code, add and remove resources), roll back, delete", async () => {
  const stackName = unique("app");
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: appTemplate({ greeting: "v1" }) })), "InsufficientCapabilitiesException");
  await rejectsWith(cfn.send(new CreateStackCommand({
    StackName: stackName, TemplateBody: appTemplate({ greeting: "v1" }), Capabilities: ["CAPABILITY_IAM"], Parameters: [{ ParameterKey: "Stage", ParameterValue: "qa" }],
  })), "ValidationError");

  const started = Date.now();
  const { StackId } = await cfn.send(new CreateStackCommand({
    StackName: stackName, TemplateBody: appTemplate({ greeting: "v1" }), Capabilities: ["CAPABILITY_IAM"], Tags: [{ Key: "team", Value: "orders" }],
  }));
  assert.match(StackId, /^arn:aws:cloudformation:us-east-1:000000000000:stack\/app-[0-9a-f]+\/[0-9a-f-]{36}$/);
  await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { StackName: stackName });
  const created = await settled(stackName);
  console.log(`create took ${Date.now() - started} ms`);
  assert.equal(created.StackStatus, "CREATE_COMPLETE");
  assert.deepEqual(created.Tags, [{ Key: "team", Value: "orders" }]);
  assert.deepEqual(created.Parameters, [{ ParameterKey: "Stage", ParameterValue: "dev" }]);
  const out = outputs(created);
  assert.match(out.RoleArn, /^arn:aws:iam::000000000000:role\/app-[0-9a-f]+-Role-[A-Z0-9]{12}$/);
  assert.match(out.FunctionName, new RegExp(`^${stackName}-Fn-[A-Z0-9]{12}$`));
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: appTemplate({ greeting: "v1" }), Capabilities: ["CAPABILITY_IAM"] })), "AlreadyExistsException");

  // The resources are real: the function answers through the API, the queue feeds it, the table exists.
  const fn = await lambda.send(new GetFunctionCommand({ FunctionName: out.FunctionName }));
  assert.equal(fn.Configuration.Role, out.RoleArn);
  assert.equal(fn.Configuration.Environment.Variables.STAGE, "dev");
  assert.equal((await invokeApi(out.ApiId)).greeting, "v1");
  await sqs.send(new SendMessageCommand({ QueueUrl: out.QueueUrl, MessageBody: "order-1" }));
  await waitForLog(out.FunctionName, "queued order-1");
  assert.equal((await dynamodb.send(new DescribeTableCommand({ TableName: out.TableName }))).Table.TableStatus, "ACTIVE");
  const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: stackName }))).StackResourceSummaries;
  assert.deepEqual(resources.map((r) => r.LogicalResourceId).sort(), ["Api", "ApiPermission", "Fn", "Mapping", "Queue", "Role", "Table"]);
  assert.ok(resources.every((r) => r.ResourceStatus === "CREATE_COMPLETE"));
  const detail = await cfn.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: "Queue" }));
  assert.equal(detail.StackResourceDetail.PhysicalResourceId, out.QueueUrl);
  assert.ok((await cfn.send(new ListExportsCommand({}))).Exports.some((e) => e.Name === `${stackName}-table` && e.Value === out.TableName));

  // Update: new code and parameter in place, a topic added, the table removed.
  await rejectsWith(cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: appTemplate({ greeting: "v1" }), Capabilities: ["CAPABILITY_IAM"] })), "ValidationError");
  await cfn.send(new UpdateStackCommand({
    StackName: stackName, TemplateBody: appTemplate({ greeting: "v2", table: false, topic: true }), Capabilities: ["CAPABILITY_IAM"],
    Parameters: [{ ParameterKey: "Stage", ParameterValue: "prod" }],
  }));
  const updated = await settled(stackName);
  assert.equal(updated.StackStatus, "UPDATE_COMPLETE", updated.StackStatusReason);
  const out2 = outputs(updated);
  assert.equal(out2.FunctionName, out.FunctionName, "an in-place update keeps the function");
  assert.equal((await invokeApi(out.ApiId)).greeting, "v2");
  assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: out.FunctionName }))).Configuration.Environment.Variables.STAGE, "prod");
  await rejectsWith(dynamodb.send(new DescribeTableCommand({ TableName: out.TableName })), "ResourceNotFoundException");
  assert.ok((await sns.send(new GetTopicAttributesCommand({ TopicArn: out2.TopicArn }))).Attributes.DisplayName === "updates");
  const statuses = (await events(stackName)).map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}`);
  for (const s of ["Fn:UPDATE_COMPLETE", "Topic:CREATE_COMPLETE", "Table:DELETE_COMPLETE", `${stackName}:UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`, `${stackName}:UPDATE_COMPLETE`]) {
    assert.ok(statuses.includes(s), `missing event ${s}`);
  }

  // A failing update (a resource type Nimbus does not run) rolls back to the previous state, saying why.
  await cfn.send(new UpdateStackCommand({
    StackName: stackName, TemplateBody: appTemplate({ greeting: "v3", table: false, topic: true, broken: true }), Capabilities: ["CAPABILITY_IAM"],
    Parameters: [{ ParameterKey: "Stage", UsePreviousValue: true }],
  }));
  const rolledBack = await settled(stackName);
  assert.equal(rolledBack.StackStatus, "UPDATE_ROLLBACK_COMPLETE");
  assert.equal((await invokeApi(out.ApiId)).greeting, "v2", "the code went back to v2");
  const failure = (await events(stackName)).find((e) => e.LogicalResourceId === "Vpc" && e.ResourceStatus === "CREATE_FAILED");
  assert.match(failure.ResourceStatusReason, /AWS::EC2::VPC is not supported by Nimbus/);
  const reasons = (await events(stackName)).filter((e) => e.LogicalResourceId === stackName).map((e) => `${e.ResourceStatus}:${e.ResourceStatusReason ?? ""}`);
  assert.ok(reasons.includes("UPDATE_ROLLBACK_IN_PROGRESS:The following resource(s) failed to create: [Vpc]. "), reasons.join("\n"));
  assert.ok(reasons.some((r) => r.startsWith("UPDATE_ROLLBACK_COMPLETE:")));

  // GetTemplate returns the template as submitted; the processed stage is JSON.
  const template = await cfn.send(new GetTemplateCommand({ StackName: stackName }));
  assert.equal(JSON.parse(template.TemplateBody).Resources.Topic.Type, "AWS::SNS::Topic");

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  const deleted = await waitFor(async () => {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: StackId }));
    return Stacks[0].StackStatus === "DELETE_COMPLETE" ? Stacks[0] : null;
  }, 30000, "delete");
  assert.ok(deleted.DeletionTime instanceof Date);
  await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: out.FunctionName })), "ResourceNotFoundException");
  const gone = await cfn.send(new DescribeStacksCommand({ StackName: stackName })).catch((e) => e);
  assert.equal(gone.name, "ValidationError");
  assert.equal(gone.message, `Stack with id ${stackName} does not exist`);
  const listed = (await cfn.send(new ListStacksCommand({ StackStatusFilter: ["DELETE_COMPLETE"] }))).StackSummaries;
  assert.ok(listed.some((s) => s.StackId === StackId));
});

test("a failing create rolls back every resource it made and reports ROLLBACK_COMPLETE", async () => {
  const stackName = unique("broken");
  await cfn.send(new CreateStackCommand({
    StackName: stackName,
    TemplateBody: JSON.stringify({
      Resources: {
        Queue: { Type: "AWS::SQS::Queue" },
        Dlq: { Type: "AWS::SQS::Queue", Properties: { MessageRetentionPeriod: 1209600 } },
        Bad: { Type: "AWS::SQS::Queue", DependsOn: ["Queue", "Dlq"], Properties: { QueueName: "bad", FifoQueue: true } },
      },
    }),
  }));
  const stack = await settled(stackName);
  assert.equal(stack.StackStatus, "ROLLBACK_COMPLETE");
  const all = await events(stackName);
  const failed = all.find((e) => e.LogicalResourceId === "Bad" && e.ResourceStatus === "CREATE_FAILED");
  assert.ok(failed.ResourceStatusReason.length > 0);
  assert.ok(all.some((e) => e.LogicalResourceId === "Queue" && e.ResourceStatus === "DELETE_COMPLETE"));
  assert.ok(all.some((e) => e.LogicalResourceId === stackName && e.ResourceStatus === "ROLLBACK_IN_PROGRESS"
    && e.ResourceStatusReason === "The following resource(s) failed to create: [Bad]. Rollback requested by user."));
  const queueUrl = all.find((e) => e.LogicalResourceId === "Queue" && e.ResourceStatus === "CREATE_COMPLETE").PhysicalResourceId;
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" })), "QueueDoesNotExist");
  await rejectsWith(cfn.send(new UpdateStackCommand({ StackName: stackName, UsePreviousTemplate: true })), "ValidationError");
  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
});

const samTemplate = (message) => `
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Prefix:
    Type: String
    Default: orders
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: |
        exports.handler = async (event) => ({ message: ${JSON.stringify(message)}, records: (event.Records || []).length });
      Environment:
        Variables:
          TABLE: !Ref Items
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
  Jobs:
    Type: AWS::SQS::Queue
  Items:
    Type: AWS::Serverless::SimpleTable
Outputs:
  WorkerName:
    Value: !Ref Worker
  JobsUrl:
    Value: !Ref Jobs
    Export:
      Name: !Sub "\${Prefix}-\${AWS::StackName}-jobs"
`;

test("change sets with the SAM transform: create, no-op, modify, execute; exports, imports and the guard on deleting them", async () => {
  const stackName = unique("sam");
  const validated = await cfn.send(new ValidateTemplateCommand({ TemplateBody: samTemplate("one") }));
  assert.deepEqual(validated.DeclaredTransforms, ["AWS::Serverless-2016-10-31"]);
  assert.equal(validated.Parameters[0].ParameterKey, "Prefix");
  await rejectsWith(cfn.send(new ValidateTemplateCommand({ TemplateBody: "Resources: [" })), "ValidationError");
  const summary = await cfn.send(new GetTemplateSummaryCommand({ TemplateBody: samTemplate("one") }));
  assert.ok(summary.ResourceTypes.includes("AWS::Serverless::Function"));

  const first = await cfn.send(new CreateChangeSetCommand({
    StackName: stackName, ChangeSetName: "first", ChangeSetType: "CREATE", TemplateBody: samTemplate("one"), Capabilities: ["CAPABILITY_IAM"],
  }));
  await waitUntilChangeSetCreateComplete({ client: cfn, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { ChangeSetName: first.Id });
  const review = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks[0];
  assert.equal(review.StackStatus, "REVIEW_IN_PROGRESS");
  const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "first", StackName: stackName }));
  assert.equal(described.Status, "CREATE_COMPLETE");
  assert.equal(described.ExecutionStatus, "AVAILABLE");
  const adds = described.Changes.map((c) => `${c.ResourceChange.Action}:${c.ResourceChange.LogicalResourceId}:${c.ResourceChange.ResourceType}`).sort();
  assert.deepEqual(adds, [
    "Add:Items:AWS::DynamoDB::Table", "Add:Jobs:AWS::SQS::Queue", "Add:Worker:AWS::Lambda::Function",
    "Add:WorkerJobs:AWS::Lambda::EventSourceMapping", "Add:WorkerRole:AWS::IAM::Role",
  ]);
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: first.Id }));
  const created = await settled(stackName);
  assert.equal(created.StackStatus, "CREATE_COMPLETE", created.StackStatusReason);
  assert.equal(created.ChangeSetId, first.Id);
  const out = outputs(created);
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: out.WorkerName, Payload: new TextEncoder().encode("{}") }));
  assert.deepEqual(json(invoked.Payload), { message: "one", records: 0 });
  const fn = await lambda.send(new GetFunctionCommand({ FunctionName: out.WorkerName }));
  assert.match(fn.Configuration.Environment.Variables.TABLE, new RegExp(`^${stackName}-Items-`));
  assert.equal(fn.Tags["lambda:createdBy"], "SAM");

  // The same template again: the change set fails with AWS's "no changes" reason (what `sam deploy` looks for).
  const same = await cfn.send(new CreateChangeSetCommand({ StackName: stackName, ChangeSetName: "same", TemplateBody: samTemplate("one"), Capabilities: ["CAPABILITY_IAM"] }));
  const noop = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: same.Id }));
  assert.equal(noop.Status, "FAILED");
  assert.equal(noop.StatusReason, "The submitted information didn't contain changes. Submit different information to create a change set.");
  await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: same.Id }));

  const second = await cfn.send(new CreateChangeSetCommand({ StackName: stackName, ChangeSetName: "second", TemplateBody: samTemplate("two"), Capabilities: ["CAPABILITY_IAM"] }));
  const modify = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: second.Id }));
  assert.deepEqual(modify.Changes.map((c) => [c.ResourceChange.Action, c.ResourceChange.LogicalResourceId, c.ResourceChange.Replacement]), [["Modify", "Worker", "False"]]);
  assert.equal(modify.Changes[0].ResourceChange.Details[0].Target.Name, "Code");
  assert.equal((await cfn.send(new ListChangeSetsCommand({ StackName: stackName }))).Summaries.length, 1);
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: "second", StackName: stackName }));
  assert.equal((await settled(stackName)).StackStatus, "UPDATE_COMPLETE");
  const again = await lambda.send(new InvokeCommand({ FunctionName: out.WorkerName, Payload: new TextEncoder().encode("{}") }));
  assert.equal(json(again.Payload).message, "two");
  await rejectsWith(cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "second", StackName: stackName })), "ChangeSetNotFoundException");

  // Another stack imports the export; the exporter cannot go while it is used.
  const exportName = `orders-${stackName}-jobs`;
  const importer = unique("importer");
  await cfn.send(new CreateStackCommand({
    StackName: importer,
    TemplateBody: JSON.stringify({
      Resources: { Topic: { Type: "AWS::SNS::Topic", Properties: { DisplayName: { "Fn::Select": [4, { "Fn::Split": ["/", { "Fn::ImportValue": exportName }] }] } } } },
      Outputs: { Imported: { Value: { "Fn::ImportValue": exportName } } },
    }),
  }));
  const imported = await settled(importer);
  assert.equal(imported.StackStatus, "CREATE_COMPLETE", imported.StackStatusReason);
  assert.equal(outputs(imported).Imported, out.JobsUrl);
  const topicArn = (await cfn.send(new DescribeStackResourceCommand({ StackName: importer, LogicalResourceId: "Topic" }))).StackResourceDetail.PhysicalResourceId;
  assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes.DisplayName, out.JobsUrl.split("/")[4]);
  assert.deepEqual((await cfn.send(new ListImportsCommand({ ExportName: exportName }))).Imports, [importer]);
  const blocked = await cfn.send(new DeleteStackCommand({ StackName: stackName })).catch((e) => e);
  assert.equal(blocked.name, "ValidationError");
  assert.equal(blocked.message, `Export ${exportName} cannot be deleted as it is in use by ${importer}`);

  const processed = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: "Processed" }));
  assert.equal(JSON.parse(processed.TemplateBody).Resources.Worker.Type, "AWS::Lambda::Function");

  await cfn.send(new DeleteStackCommand({ StackName: importer }));
  await waitFor(async () => (await cfn.send(new ListStacksCommand({}))).StackSummaries.some((s) => s.StackName === importer && s.StackStatus === "DELETE_COMPLETE"), 30000, "importer deleted");
  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => (await cfn.send(new ListStacksCommand({}))).StackSummaries.some((s) => s.StackName === stackName && s.StackStatus === "DELETE_COMPLETE"), 30000, "stack deleted");
  await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: out.WorkerName })), "ResourceNotFoundException");
});

test("template and parameter errors are AWS's", async () => {
  const body = (resources, extra = {}) => JSON.stringify({ Resources: resources, ...extra });
  const cases = [
    [body({ Q: { Type: "AWS::SQS::Queue", Properties: { RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": ["Missing", "Arn"] } } } } }),
      "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template"],
    [body({}), "Template format error: At least one Resources member must be defined."],
    [body({ A: { Type: "AWS::SQS::Queue", DependsOn: "B" }, B: { Type: "AWS::SQS::Queue", DependsOn: "A" } }), "Circular dependency between resources: [A, B]"],
    [body({ Q: { Type: "AWS::SQS::Queue" } }, { Parameters: { Size: { Type: "Number" } } }), "Parameters: [Size] must have values"],
    [body({ Q: { Type: "AWS::SQS::Queue" } }, { Parameters: { Name: { Type: "String", AllowedPattern: "[a-z]+", Default: "ABC" } } }), "Parameter 'Name' must match pattern [a-z]+"],
  ];
  for (const [TemplateBody, message] of cases) {
    const e = await cfn.send(new CreateStackCommand({ StackName: unique("bad"), TemplateBody })).catch((x) => x);
    assert.equal(e.name, "ValidationError", TemplateBody);
    assert.equal(e.message, message);
  }

  const missing = await cfn.send(new DescribeStackEventsCommand({ StackName: "no-such-stack" })).catch((x) => x);
  assert.equal(missing.message, "Stack with id no-such-stack does not exist");
  await rejectsWith(cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "nope", StackName: "no-such-stack" })), "ChangeSetNotFoundException");
  await rejectsWith(cfn.send(new CreateChangeSetCommand({ StackName: "no-such-stack", ChangeSetName: "x", TemplateBody: body({ Q: { Type: "AWS::SQS::Queue" } }) })), "ValidationError");
  // DeleteStack of a stack that does not exist succeeds, as in AWS.
  await cfn.send(new DeleteStackCommand({ StackName: "no-such-stack" }));
});

const gradualTemplate = (greeting, hookStatus, preference = "Canary10Percent5Minutes") => `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: |
        exports.handler = async () => ({ greeting: ${JSON.stringify(greeting)} });
      AutoPublishAlias: live
      DeploymentPreference:
        Type: ${preference}
        Hooks:
          PreTraffic: !Ref PreTrafficHook
  PreTrafficHook:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          HOOK_STATUS: ${hookStatus}
      InlineCode: |
        exports.handler = async (event) => {
          const res = await fetch(process.env.AWS_ENDPOINT_URL + "/", {
            method: "POST",
            headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus" },
            body: JSON.stringify({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: process.env.HOOK_STATUS }),
          });
          console.log("hook reported", process.env.HOOK_STATUS, res.status);
        };
Outputs:
  ApiName:
    Value: !Ref Api
`;

test("gradual deployment: AutoPublishAlias with DeploymentPreference shifts the alias on schedule after the PreTraffic hook, and rolls back when the hook fails", async () => {
  const stackName = unique("gradual");
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: gradualTemplate("v1", "Succeeded"), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const created = await settled(stackName);
  assert.equal(created.StackStatus, "CREATE_COMPLETE", created.StackStatusReason);
  const fn = outputs(created).ApiName;
  const call = async () => json((await lambda.send(new InvokeCommand({ FunctionName: fn, Qualifier: "live", Payload: new TextEncoder().encode("{}") }))).Payload).greeting;
  assert.equal(await call(), "v1");

  // New code: a new version; the hook says Succeeded; 10% for 5 minutes (5 s at the e2e time scale of 60), then all of it.
  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: gradualTemplate("v2", "Succeeded"), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const during = await waitFor(async () => (await events(stackName)).find((e) => e.ResourceStatusReason?.includes("10% of traffic on version 2")), 30000, "the canary step");
  assert.equal(during.LogicalResourceId, "ApiAliaslive");
  const updated = await settled(stackName);
  assert.equal(updated.StackStatus, "UPDATE_COMPLETE", updated.StackStatusReason);
  const reasons = (await events(stackName)).map((e) => e.ResourceStatusReason ?? "");
  assert.ok(reasons.some((r) => /running the BeforeAllowTraffic hook/.test(r)));
  assert.ok(reasons.some((r) => /100% of traffic on version 2/.test(r)));
  assert.equal(await call(), "v2");

  // The hook now reports Failed: the alias stays on version 2 and the stack rolls back.
  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: gradualTemplate("v3", "Failed", "AllAtOnce"), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const rolledBack = await settled(stackName);
  assert.equal(rolledBack.StackStatus, "UPDATE_ROLLBACK_COMPLETE");
  const failed = (await events(stackName)).find((e) => e.LogicalResourceId === "ApiAliaslive" && e.ResourceStatus === "UPDATE_FAILED");
  assert.match(failed.ResourceStatusReason, /The BeforeAllowTraffic hook .* reported Failed\./);
  assert.equal(await call(), "v2");

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
});
