// AWS::Serverless::WebSocketApi end to end: @aws-sdk/client-cloudformation creates a SAM stack whose WebSocket API
// (ApiGatewayV2 Api with ProtocolType WEBSOCKET, one Route + Lambda Integration + Permission per route, auto-deployed
// stage) the SAM transform generates; the `ws` package connects to the deployed stage, $connect can refuse the
// upgrade, messages reach the route their body selects, $disconnect runs; deleting the stack removes the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { ApiGatewayV2Client, GetApiCommand, GetRoutesCommand, GetStageCommand } from "@aws-sdk/client-apigatewayv2";
import { endpoint, unique, waitFor, waitForLog, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const cfn = new CloudFormationClient(config);
const apigw2 = new ApiGatewayV2Client(config);
const port = new URL(endpoint).port;

const handler = `exports.handler = async (event) => {
  const rc = event.requestContext;
  let text = "";
  try { text = JSON.parse(event.body).text ?? ""; } catch {}
  console.log("SAMWS " + rc.eventType + " " + rc.routeKey + " " + text);
  if (rc.eventType === "CONNECT" && event.queryStringParameters && event.queryStringParameters.deny) return { statusCode: 403 };
  return { statusCode: 200 };
};`;

const template = JSON.stringify({
  Transform: "AWS::Serverless-2016-10-31",
  Resources: {
    Handler: { Type: "AWS::Serverless::Function", Properties: { InlineCode: handler, Handler: "index.handler", Runtime: "nodejs20.x" } },
    Chat: {
      Type: "AWS::Serverless::WebSocketApi",
      Properties: {
        RouteSelectionExpression: "$request.body.action",
        StageName: "prod",
        StageVariables: { color: "blue" },
        Routes: {
          $connect: { FunctionArn: { "Fn::GetAtt": ["Handler", "Arn"] } },
          $disconnect: { FunctionArn: { "Fn::GetAtt": ["Handler", "Arn"] } },
          $default: { FunctionArn: { "Fn::GetAtt": ["Handler", "Arn"] } },
          send: { FunctionArn: { "Fn::GetAtt": ["Handler", "Arn"] }, IntegrationTimeout: 10000 },
        },
      },
    },
  },
  Outputs: {
    ApiId: { Value: { Ref: "Chat" } },
    FunctionName: { Value: { Ref: "Handler" } },
  },
});

async function settled(stackName) {
  return waitFor(async () => {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const s = Stacks[0];
    return /(_COMPLETE|_FAILED)$/.test(s.StackStatus) ? s : null;
  }, 90000, `stack ${stackName} to settle`);
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.closed = new Promise((res) => ws.on("close", (code) => res(code)));
    ws.on("open", () => resolve(ws));
    ws.on("unexpected-response", (req, res) => { req.destroy(); res.destroy(); reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { status: res.statusCode })); });
    ws.on("error", reject);
  });
}

test("a SAM WebSocketApi deploys through CloudFormation, serves connect/messages/disconnect, and deletes", async () => {
  const stackName = unique("sam-ws");
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template, Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const stack = await settled(stackName);
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  const out = Object.fromEntries(stack.Outputs.map((o) => [o.OutputKey, o.OutputValue]));

  const { StackResources } = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const types = Object.fromEntries(StackResources.map((r) => [r.LogicalResourceId, r.ResourceType]));
  assert.equal(types.Chat, "AWS::ApiGatewayV2::Api");
  assert.equal(types.ChatConnectRoute, "AWS::ApiGatewayV2::Route");
  assert.equal(types.ChatSendIntegration, "AWS::ApiGatewayV2::Integration");
  assert.equal(types.ChatDefaultPermission, "AWS::Lambda::Permission");
  assert.equal(types.ChatprodStage, "AWS::ApiGatewayV2::Stage");

  const api = await apigw2.send(new GetApiCommand({ ApiId: out.ApiId }));
  assert.equal(api.ProtocolType, "WEBSOCKET");
  assert.equal(api.RouteSelectionExpression, "$request.body.action");
  assert.equal(api.Tags["websocketapi:createdBy"], "SAM");
  const routes = (await apigw2.send(new GetRoutesCommand({ ApiId: out.ApiId }))).Items.map((r) => r.RouteKey).sort();
  assert.deepEqual(routes, ["$connect", "$default", "$disconnect", "send"]);
  const stage = await apigw2.send(new GetStageCommand({ ApiId: out.ApiId, StageName: "prod" }));
  assert.equal(stage.AutoDeploy, true);
  assert.equal(stage.StageVariables.color, "blue");

  const url = `ws://127.0.0.1:${port}/_api/${out.ApiId}/prod`;
  await assert.rejects(open(url + "?deny=1"), (e) => e.status === 403);
  const ws = await open(url);
  await waitForLog(out.FunctionName, "SAMWS CONNECT $connect");
  ws.send(JSON.stringify({ action: "send", text: "hello" }));
  await waitForLog(out.FunctionName, "SAMWS MESSAGE send hello");
  ws.send(JSON.stringify({ action: "unknown" }));
  await waitForLog(out.FunctionName, "SAMWS MESSAGE $default");
  ws.close();
  await ws.closed;
  await waitForLog(out.FunctionName, "SAMWS DISCONNECT $disconnect");

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => {
    try {
      await apigw2.send(new GetApiCommand({ ApiId: out.ApiId }));
      return null;
    } catch (e) {
      return e.name === "NotFoundException" ? true : null;
    }
  }, 60000, "the API to be deleted with the stack");
  await rejectsWith(apigw2.send(new GetApiCommand({ ApiId: out.ApiId })), "NotFoundException", 404);
});
