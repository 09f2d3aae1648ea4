// EventBridge Scheduler through CloudFormation: a SAM function's ScheduleV2 event, and AWS::Scheduler::ScheduleGroup/Schedule
// resources with Ref/GetAtt, updated in place, replaced on a new group, and deleted with their stack.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { SchedulerClient, GetScheduleCommand, GetScheduleGroupCommand, ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import { SQSClient, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { SFNClient, ListExecutionsCommand, DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { endpoint, unique, waitFor, waitForLog, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const cfn = new CloudFormationClient(config);
const scheduler = new SchedulerClient(config);
const sqs = new SQSClient(config);
const sfn = new SFNClient(config);

/** Polls DescribeStacks until the stack leaves its *_IN_PROGRESS status. */
async function settled(stackName) {
  return waitFor(async () => {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return /(_COMPLETE|_FAILED)$/.test(Stacks[0].StackStatus) ? Stacks[0] : null;
  }, 90000, `stack ${stackName} to settle`);
}

const outputs = (stack) => Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

test("a SAM function with a ScheduleV2 event deploys, its schedule is listed, and it invokes the function", async () => {
  const stackName = unique("sched-sam");
  const marker = unique("tick");
  const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Ticker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (event) => { console.log("scheduled " + JSON.stringify(event)); return {}; };
      Events:
        Every:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 minute)
            Input: '{"marker": "${marker}"}'
            RetryPolicy:
              MaximumRetryAttempts: 2
Outputs:
  Function:
    Value: !Ref Ticker
  ScheduleArn:
    Value: !GetAtt TickerEvery.Arn
`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template, Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const stack = await settled(stackName);
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  const out = outputs(stack);
  assert.equal(out.ScheduleArn, "arn:aws:scheduler:us-east-1:000000000000:schedule/default/TickerEvery");

  const { Schedules } = await scheduler.send(new ListSchedulesCommand({ NamePrefix: "TickerEvery" }));
  assert.equal(Schedules.length, 1);
  const schedule = await scheduler.send(new GetScheduleCommand({ Name: "TickerEvery" }));
  assert.equal(schedule.ScheduleExpression, "rate(1 minute)");
  assert.deepEqual(schedule.FlexibleTimeWindow, { Mode: "OFF" });
  assert.match(schedule.Target.Arn, new RegExp(`:function:${out.Function}$`));
  assert.match(schedule.Target.RoleArn, /^arn:aws:iam::000000000000:role\//);
  assert.equal(schedule.Target.RetryPolicy.MaximumRetryAttempts, 2);

  // A rate schedule without a StartDate invokes its target as soon as it is created.
  const events = await waitForLog(out.Function, marker, 30000);
  assert.match(events[0].message, new RegExp(`"marker":"${marker}"`));

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => {
    try {
      await scheduler.send(new GetScheduleCommand({ Name: "TickerEvery" }));
      return false;
    } catch (e) {
      return e.name === "ResourceNotFoundException";
    }
  }, 60000, "the stack's schedule to be deleted");
});

test("a SAM state machine with a ScheduleV2 event deploys and the schedule starts executions with its Input", async () => {
  const stackName = unique("sched-sfn");
  const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Done
        States:
          Done:
            Type: Pass
            End: true
      Policies: []
      Events:
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 day)
            ScheduleExpressionTimezone: Europe/London
            Input: '{"job": "nightly"}'
Outputs:
  MachineArn:
    Value: !Ref Machine
`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template, Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
  const stack = await settled(stackName);
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  const machineArn = outputs(stack).MachineArn;
  const schedule = await scheduler.send(new GetScheduleCommand({ Name: "MachineNightly" }));
  assert.equal(schedule.Target.Arn, machineArn);
  assert.equal(schedule.ScheduleExpressionTimezone, "Europe/London");

  const execution = await waitFor(async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }))).executions?.[0], 20000, "an execution");
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
  assert.deepEqual(JSON.parse(described.input), { job: "nightly" });

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => {
    try {
      await scheduler.send(new GetScheduleCommand({ Name: "MachineNightly" }));
      return false;
    } catch (e) {
      return e.name === "ResourceNotFoundException";
    }
  }, 60000, "the stack's schedule to be deleted");
});

test("AWS::Scheduler::ScheduleGroup and Schedule: Ref, GetAtt, update in place, replacement on a new group, delete", async () => {
  const stackName = unique("sched-cfn");
  const template = ({ expression, group }) => JSON.stringify({
    Resources: {
      Queue: { Type: "AWS::SQS::Queue" },
      Group: { Type: "AWS::Scheduler::ScheduleGroup", Properties: { Name: `${stackName}-${group}`, Tags: [{ Key: "app", Value: "demo" }] } },
      Schedule: {
        Type: "AWS::Scheduler::Schedule",
        Properties: {
          GroupName: { Ref: "Group" },
          ScheduleExpression: expression,
          FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 },
          State: "ENABLED",
          Target: {
            Arn: { "Fn::GetAtt": ["Queue", "Arn"] },
            RoleArn: "arn:aws:iam::000000000000:role/scheduler",
            Input: "from the stack",
            RetryPolicy: { MaximumEventAgeInSeconds: "300", MaximumRetryAttempts: "1" },
          },
        },
      },
    },
    Outputs: {
      ScheduleName: { Value: { Ref: "Schedule" } },
      ScheduleArn: { Value: { "Fn::GetAtt": ["Schedule", "Arn"] } },
      GroupName: { Value: { Ref: "Group" } },
      GroupArn: { Value: { "Fn::GetAtt": ["Group", "Arn"] } },
      GroupState: { Value: { "Fn::GetAtt": ["Group", "State"] } },
      GroupCreated: { Value: { "Fn::GetAtt": ["Group", "CreationDate"] } },
      QueueUrl: { Value: { Ref: "Queue" } },
    },
  });

  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template({ expression: "rate(1 hour)", group: "a" }) }));
  let stack = await settled(stackName);
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  let out = outputs(stack);
  assert.equal(out.GroupName, `${stackName}-a`);
  assert.equal(out.GroupArn, `arn:aws:scheduler:us-east-1:000000000000:schedule-group/${stackName}-a`);
  assert.equal(out.GroupState, "ACTIVE");
  assert.ok(!Number.isNaN(Date.parse(out.GroupCreated)), out.GroupCreated);
  assert.match(out.ScheduleName, new RegExp(`^${stackName}-Schedule-`));
  assert.equal(out.ScheduleArn, `arn:aws:scheduler:us-east-1:000000000000:schedule/${stackName}-a/${out.ScheduleName}`);

  // rate(1 hour) with no StartDate fires at once: the queue gets the stack's Input.
  const message = await waitFor(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: out.QueueUrl, WaitTimeSeconds: 2 }))).Messages?.[0], 20000, "the first firing");
  assert.equal(message.Body, "from the stack");
  const created = await scheduler.send(new GetScheduleCommand({ Name: out.ScheduleName, GroupName: out.GroupName }));
  assert.deepEqual(created.Target.RetryPolicy, { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 1 });

  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: template({ expression: "rate(2 hours)", group: "a" }) }));
  stack = await settled(stackName);
  assert.equal(stack.StackStatus, "UPDATE_COMPLETE", stack.StackStatusReason);
  assert.equal(outputs(stack).ScheduleName, out.ScheduleName, "a new expression updates the schedule in place");
  assert.equal((await scheduler.send(new GetScheduleCommand({ Name: out.ScheduleName, GroupName: out.GroupName }))).ScheduleExpression, "rate(2 hours)");

  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: template({ expression: "rate(2 hours)", group: "b" }) }));
  stack = await settled(stackName);
  assert.equal(stack.StackStatus, "UPDATE_COMPLETE", stack.StackStatusReason);
  const moved = outputs(stack);
  assert.equal(moved.GroupName, `${stackName}-b`);
  await scheduler.send(new GetScheduleCommand({ Name: moved.ScheduleName, GroupName: moved.GroupName }));
  await rejectsWith(scheduler.send(new GetScheduleGroupCommand({ Name: `${stackName}-a` })), "ResourceNotFoundException", 404);

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => {
    try {
      await scheduler.send(new GetScheduleGroupCommand({ Name: moved.GroupName }));
      return false;
    } catch (e) {
      return e.name === "ResourceNotFoundException";
    }
  }, 60000, "the stack's group to be deleted");
});
