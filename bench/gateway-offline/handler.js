// The benchmark's Node handler, the same file for Nimbus (hot-reload code folder) and serverless-offline.
exports.hello = async () => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message: "hello" }),
});
