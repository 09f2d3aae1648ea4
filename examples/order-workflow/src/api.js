// POST /orders starts the workflow; GET /orders/{id} reports its status and result.
const { randomUUID } = require("node:crypto");
const { SFNClient, StartExecutionCommand, DescribeExecutionCommand } = require("@aws-sdk/client-sfn");

const sfn = new SFNClient({});
const machine = process.env.STATE_MACHINE_ARN;
const json = (statusCode, body) => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const executionArn = (id) => machine.replace(":stateMachine:", ":execution:") + ":" + id;

exports.handler = async (event) => {
  if (event.requestContext.http.method === "POST") {
    let order;
    try {
      order = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString() : event.body);
    } catch {
      return json(400, { message: "body must be a JSON order" });
    }
    const orderId = randomUUID();
    await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: orderId, input: JSON.stringify({ ...order, orderId }) }));
    return json(202, { orderId });
  }

  const id = event.pathParameters.id;
  try {
    const run = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(id) }));
    return json(200, {
      orderId: id,
      status: run.status,
      result: run.output ? JSON.parse(run.output) : undefined,
      error: run.error,
    });
  } catch (e) {
    if (e.name === "ExecutionDoesNotExist") return json(404, { message: `order ${id} not found` });
    throw e;
  }
};
