// Writes reports/<time>.json for each scheduled event (EventBridge "Scheduled Event"), then reads it back.
const { S3Client, PutObjectCommand, HeadObjectCommand } = require("@aws-sdk/client-s3");

// Path-style addressing: bucket names in the path work against any S3 endpoint (AWS, Nimbus).
const s3 = new S3Client({ forcePathStyle: true });

exports.handler = async (event) => {
  if (event["detail-type"] !== "Scheduled Event") throw new Error(`not a scheduled event: ${JSON.stringify(event)}`);
  const key = `reports/${event.time.replace(/[:]/g, "-")}-${event.id}.json`;
  const report = { generatedAt: event.time, rule: event.resources[0], region: event.region, uptimeSeconds: Math.round(process.uptime()) };
  await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: key, Body: JSON.stringify(report), ContentType: "application/json" }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: process.env.BUCKET, Key: key }));
  console.log(`wrote s3://${process.env.BUCKET}/${key} (${head.ContentLength} bytes)`);
  return { bucket: process.env.BUCKET, key, size: head.ContentLength };
};
