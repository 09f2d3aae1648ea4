// Processes each job (a JSON body {"jobId", "n"}): stores n squared. A body that is not a job, or asks to fail, is
// reported as a batch item failure so only that message is retried and, after maxReceiveCount, dead-lettered.
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");

const db = new DynamoDBClient({});

exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const job = JSON.parse(record.body);
      if (job.fail || typeof job.n !== "number") throw new Error(`cannot process ${record.body}`);
      await db.send(new PutItemCommand({
        TableName: process.env.RESULTS_TABLE,
        Item: { jobId: { S: String(job.jobId ?? record.messageId) }, result: { N: String(job.n * job.n) } },
      }));
      console.log(`job ${job.jobId ?? record.messageId}: ${job.n}^2 = ${job.n * job.n}`);
    } catch (e) {
      console.error(`message ${record.messageId} failed: ${e.message}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
