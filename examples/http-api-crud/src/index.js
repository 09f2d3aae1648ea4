// Items CRUD over DynamoDB, behind an HTTP API (payload format 2.0). CommonJS, so the runtime's AWS SDK v3 resolves.
const { randomUUID } = require("node:crypto");
const { DynamoDBClient, GetItemCommand, PutItemCommand, DeleteItemCommand, ScanCommand } = require("@aws-sdk/client-dynamodb");

const db = new DynamoDBClient({});
const table = process.env.TABLE_NAME;

const json = (statusCode, body) => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const toItem = (record) => ({ id: record.id.S, ...JSON.parse(record.doc?.S ?? "{}") });

exports.handler = async (event) => {
  const method = event.requestContext.http.method;
  const id = event.pathParameters?.id;
  let input = {};
  if (event.body) {
    try {
      input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body);
    } catch {
      return json(400, { message: "body must be JSON" });
    }
  }

  if (!id && method === "GET") {
    const page = await db.send(new ScanCommand({ TableName: table }));
    return json(200, { items: page.Items.map(toItem).sort((a, b) => a.id.localeCompare(b.id)) });
  }
  if (!id && method === "POST") {
    const item = { ...input, id: randomUUID() };
    await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: item.id }, doc: { S: JSON.stringify(input) } } }));
    return json(201, item);
  }
  if (id && method === "GET") {
    const found = await db.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } }));
    return found.Item ? json(200, toItem(found.Item)) : json(404, { message: `item ${id} not found` });
  }
  if (id && method === "PUT") {
    await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, doc: { S: JSON.stringify(input) } } }));
    return json(200, { ...input, id });
  }
  if (id && method === "DELETE") {
    await db.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: id } } }));
    return { statusCode: 204 };
  }
  return json(405, { message: `${method} not allowed` });
};
