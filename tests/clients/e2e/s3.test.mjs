// S3 through @aws-sdk/client-s3: buckets, objects with checksums, ranges and conditions, listing with delimiters,
// copy, batch delete, multipart, tagging, versioning, CORS/policy, presigned URLs, and notifications to a Lambda function.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import http from "node:http";
import {
  S3Client, CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, DeleteBucketCommand, GetBucketLocationCommand,
  PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, CopyObjectCommand,
  ListObjectsCommand, ListObjectsV2Command, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectTaggingCommand, GetObjectTaggingCommand,
  DeleteObjectTaggingCommand, PutBucketTaggingCommand, GetBucketTaggingCommand, PutBucketVersioningCommand,
  GetBucketVersioningCommand, ListObjectVersionsCommand, PutBucketCorsCommand, GetBucketCorsCommand, PutBucketPolicyCommand,
  GetBucketPolicyCommand, PutBucketNotificationConfigurationCommand, GetBucketNotificationConfigurationCommand,
} from "@aws-sdk/client-s3";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { endpoint, lambda, zip, unique, role, waitForLog, rejectsWith } from "./helpers.mjs";

const s3 = new S3Client({
  endpoint, region: "us-east-1", forcePathStyle: true, maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

const bucketName = () => unique("bkt").toLowerCase();
const md5 = (b) => createHash("md5").update(b).digest("hex");
const text = async (out) => Buffer.from(await out.Body.transformToByteArray());
const created = [];
async function bucket() {
  const name = bucketName();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  created.push(name);
  return name;
}

after(async () => {
  for (const b of created) {
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: b })).catch(() => ({}));
    for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
      await s3.send(new DeleteObjectCommand({ Bucket: b, Key: v.Key, VersionId: v.VersionId })).catch(() => {});
    }
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: b })).catch(() => ({}));
    for (const u of uploads.Uploads ?? []) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: b, Key: u.Key, UploadId: u.UploadId })).catch(() => {});
    }
    await s3.send(new DeleteBucketCommand({ Bucket: b })).catch(() => {});
  }
});

test("buckets: create, head, list, location, errors, delete", async () => {
  const name = await bucket();
  await s3.send(new HeadBucketCommand({ Bucket: name }));
  const list = await s3.send(new ListBucketsCommand({}));
  assert.ok(list.Buckets.some((b) => b.Name === name));
  const loc = await s3.send(new GetBucketLocationCommand({ Bucket: name }));
  assert.equal(loc.LocationConstraint, undefined);
  await s3.send(new CreateBucketCommand({ Bucket: name })); // us-east-1: re-creating your own bucket succeeds
  await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })), "InvalidBucketName", 400);
  await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: bucketName() })), "NotFound", 404);
  await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: bucketName() })), "NoSuchBucket", 404);

  const eu = new S3Client({ endpoint, region: "eu-west-1", forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const euName = bucketName();
  await eu.send(new CreateBucketCommand({ Bucket: euName, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  created.push(euName);
  assert.equal((await eu.send(new GetBucketLocationCommand({ Bucket: euName }))).LocationConstraint, "eu-west-1");
  await rejectsWith(eu.send(new CreateBucketCommand({ Bucket: euName, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })), "BucketAlreadyOwnedByYou", 409);

  await s3.send(new PutObjectCommand({ Bucket: name, Key: "x", Body: "x" }));
  await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: name })), "BucketNotEmpty", 409);
  await s3.send(new DeleteObjectCommand({ Bucket: name, Key: "x" }));
  await s3.send(new DeleteBucketCommand({ Bucket: name }));
  await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: name })), "NotFound", 404);
});

test("objects: put/get with metadata, ETag, checksums (header and aws-chunked trailer), NoSuchKey", async () => {
  const b = await bucket();
  const body = randomBytes(300_000);
  const put = await s3.send(new PutObjectCommand({
    Bucket: b, Key: "dir/a b+c.bin", Body: body, ContentType: "application/x-test", Metadata: { color: "blue" },
    ChecksumAlgorithm: "SHA256", CacheControl: "no-cache",
  }));
  assert.equal(put.ETag, `"${md5(body)}"`);
  assert.equal(put.ChecksumSHA256, createHash("sha256").update(body).digest("base64"));
  const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: "dir/a b+c.bin", ChecksumMode: "ENABLED" }));
  assert.deepEqual(await text(got), body);
  assert.equal(got.ContentType, "application/x-test");
  assert.equal(got.CacheControl, "no-cache");
  assert.deepEqual(got.Metadata, { color: "blue" });
  assert.equal(got.ContentLength, body.length);
  assert.equal(got.ChecksumSHA256, put.ChecksumSHA256);

  // A stream of unknown length goes as aws-chunked with a CRC32 trailer.
  const streamed = randomBytes(200_000);
  const put2 = await s3.send(new PutObjectCommand({ Bucket: b, Key: "streamed", Body: Readable.from([streamed.subarray(0, 70_000), streamed.subarray(70_000)]), ContentLength: streamed.length, ChecksumAlgorithm: "CRC32" }));
  assert.equal(put2.ETag, `"${md5(streamed)}"`);
  assert.ok(put2.ChecksumCRC32);
  assert.deepEqual(await text(await s3.send(new GetObjectCommand({ Bucket: b, Key: "streamed" }))), streamed);

  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: "streamed" }));
  assert.equal(head.ContentLength, streamed.length);
  assert.equal(head.ETag, put2.ETag);

  // A wrong Content-MD5 is refused and stores nothing.
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: b, Key: "bad", Body: "hello", ContentMD5: Buffer.from(createHash("md5").update("other").digest()).toString("base64") })), "BadDigest", 400);
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: b, Key: "bad" })), "NotFound", 404);
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: b, Key: "missing" })), "NoSuchKey", 404);
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: "k", Body: "x" })), "NoSuchBucket", 404);
});

test("objects: ranges, conditional gets, response overrides", async () => {
  const b = await bucket();
  const body = Buffer.from("0123456789abcdefghij");
  const { ETag } = await s3.send(new PutObjectCommand({ Bucket: b, Key: "r", Body: body }));
  const part = await s3.send(new GetObjectCommand({ Bucket: b, Key: "r", Range: "bytes=2-5" }));
  assert.equal(part.$metadata.httpStatusCode, 206);
  assert.equal(part.ContentRange, "bytes 2-5/20");
  assert.equal((await text(part)).toString(), "2345");
  assert.equal((await text(await s3.send(new GetObjectCommand({ Bucket: b, Key: "r", Range: "bytes=-3" })))).toString(), "hij");
  assert.equal((await text(await s3.send(new GetObjectCommand({ Bucket: b, Key: "r", Range: "bytes=15-" })))).toString(), "fghij");
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: b, Key: "r", Range: "bytes=50-60" })), "InvalidRange", 416);

  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: b, Key: "r", IfMatch: '"nope"' })), "PreconditionFailed", 412);
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: "r", IfNoneMatch: ETag })), (e) => e.$metadata.httpStatusCode === 304);
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: "r", IfModifiedSince: new Date(Date.now() + 60_000) })), (e) => e.$metadata.httpStatusCode === 304);
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: b, Key: "r", IfUnmodifiedSince: new Date(Date.now() - 3600_000) })), "PreconditionFailed", 412);
  const ok = await s3.send(new GetObjectCommand({ Bucket: b, Key: "r", IfMatch: ETag, ResponseContentType: "text/x-override", ResponseContentDisposition: "attachment" }));
  assert.equal(ok.ContentType, "text/x-override");
  assert.equal(ok.ContentDisposition, "attachment");
  assert.equal((await text(ok)).toString(), body.toString());
});

test("listing: v2 pagination with delimiter, v1 markers, url encoding", async () => {
  const b = await bucket();
  const keys = ["a/1", "a/2", "b/1", "c", "d", "e/x/y", "f g"];
  for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
  const all = await s3.send(new ListObjectsV2Command({ Bucket: b }));
  assert.deepEqual(all.Contents.map((c) => c.Key), keys);
  assert.equal(all.KeyCount, keys.length);

  const seen = [];
  let token;
  let pages = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: b, Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
    seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix), ...(page.Contents ?? []).map((c) => c.Key));
    token = page.NextContinuationToken;
    assert.equal(page.IsTruncated, token !== undefined);
    pages++;
  } while (token);
  assert.deepEqual(seen.sort(), ["a/", "b/", "c", "d", "e/", "f g"]);
  assert.equal(pages, 3);

  const under = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: "e/", Delimiter: "/" }));
  assert.deepEqual(under.CommonPrefixes.map((p) => p.Prefix), ["e/x/"]);
  const after = await s3.send(new ListObjectsV2Command({ Bucket: b, StartAfter: "c" }));
  assert.deepEqual(after.Contents.map((c) => c.Key), ["d", "e/x/y", "f g"]);

  const v1 = await s3.send(new ListObjectsCommand({ Bucket: b, Delimiter: "/", MaxKeys: 3 }));
  assert.equal(v1.IsTruncated, true);
  assert.equal(v1.NextMarker, "c");
  const v1b = await s3.send(new ListObjectsCommand({ Bucket: b, Delimiter: "/", Marker: v1.NextMarker }));
  assert.deepEqual([...(v1b.Contents ?? []).map((c) => c.Key), ...(v1b.CommonPrefixes ?? []).map((p) => p.Prefix)].sort(), ["d", "e/", "f g"]);
  const encoded = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: "f", EncodingType: "url" }));
  assert.equal(encoded.Contents[0].Key, "f%20g"); // client-s3 returns url-encoded keys as sent
  assert.equal(encoded.EncodingType, "url");
});

test("copy and batch delete", async () => {
  const b = await bucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: "src", Body: "copy me", ContentType: "text/plain", Metadata: { m: "1" } }));
  const copy = await s3.send(new CopyObjectCommand({ Bucket: b, Key: "dst", CopySource: `${b}/src` }));
  assert.equal(copy.CopyObjectResult.ETag, `"${md5("copy me")}"`);
  const dst = await s3.send(new GetObjectCommand({ Bucket: b, Key: "dst" }));
  assert.equal((await text(dst)).toString(), "copy me");
  assert.deepEqual(dst.Metadata, { m: "1" });
  await s3.send(new CopyObjectCommand({ Bucket: b, Key: "dst2", CopySource: `${b}/src`, MetadataDirective: "REPLACE", Metadata: { n: "2" }, ContentType: "text/x" }));
  const dst2 = await s3.send(new HeadObjectCommand({ Bucket: b, Key: "dst2" }));
  assert.deepEqual(dst2.Metadata, { n: "2" });
  assert.equal(dst2.ContentType, "text/x");
  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: b, Key: "src", CopySource: `${b}/src` })), "InvalidRequest", 400);
  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: b, Key: "x", CopySource: `${b}/nope` })), "NoSuchKey", 404);

  const del = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: "src" }, { Key: "dst" }, { Key: "never" }] } }));
  assert.deepEqual(del.Deleted.map((d) => d.Key).sort(), ["dst", "never", "src"]);
  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: "dst2" }], Quiet: true } }));
  assert.equal(quiet.Deleted, undefined);
  assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: b }))).KeyCount, 0);
});

test("multipart: upload, list, complete with the multipart ETag; errors", async () => {
  const b = await bucket();
  const p1 = randomBytes(5 * 1024 * 1024);
  const p2 = randomBytes(1234);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: "big", ContentType: "application/zip" }));
  const u1 = await s3.send(new UploadPartCommand({ Bucket: b, Key: "big", UploadId, PartNumber: 1, Body: p1 }));
  const u2 = await s3.send(new UploadPartCommand({ Bucket: b, Key: "big", UploadId, PartNumber: 2, Body: p2 }));
  assert.equal(u1.ETag, `"${md5(p1)}"`);
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: b }));
  assert.deepEqual(uploads.Uploads.map((u) => u.UploadId), [UploadId]);
  const parts = await s3.send(new ListPartsCommand({ Bucket: b, Key: "big", UploadId }));
  assert.deepEqual(parts.Parts.map((p) => [p.PartNumber, p.Size]), [[1, p1.length], [2, p2.length]]);

  await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: u2.ETag }, { PartNumber: 1, ETag: u1.ETag }] } })), "InvalidPartOrder", 400);
  await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00"' }] } })), "InvalidPart", 400);
  await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: u2.ETag }, { PartNumber: 3, ETag: u2.ETag }] } })), "InvalidPart", 400);

  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: u1.ETag }, { PartNumber: 2, ETag: u2.ETag }] } }));
  const expected = createHash("md5").update(Buffer.concat([createHash("md5").update(p1).digest(), createHash("md5").update(p2).digest()])).digest("hex");
  assert.equal(done.ETag, `"${expected}-2"`);
  const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: "big" }));
  assert.equal(got.ContentType, "application/zip");
  assert.ok((await text(got)).equals(Buffer.concat([p1, p2])));
  await rejectsWith(s3.send(new ListPartsCommand({ Bucket: b, Key: "big", UploadId })), "NoSuchUpload", 404);

  // A non-last part under 5 MiB is too small.
  const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: "small" }));
  const s1 = await s3.send(new UploadPartCommand({ Bucket: b, Key: "small", UploadId: small.UploadId, PartNumber: 1, Body: "tiny" }));
  const s2 = await s3.send(new UploadPartCommand({ Bucket: b, Key: "small", UploadId: small.UploadId, PartNumber: 2, Body: "tiny" }));
  await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "small", UploadId: small.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] } })), "EntityTooSmall", 400);
  await s3.send(new AbortMultipartUploadCommand({ Bucket: b, Key: "small", UploadId: small.UploadId }));
  await rejectsWith(s3.send(new UploadPartCommand({ Bucket: b, Key: "small", UploadId: small.UploadId, PartNumber: 3, Body: "x" })), "NoSuchUpload", 404);
});

test("tagging, versioning, CORS and policy", async () => {
  const b = await bucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: "t", Body: "x", Tagging: "a=1&b=two%20words" }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: "t" }))).TagSet, [{ Key: "a", Value: "1" }, { Key: "b", Value: "two words" }]);
  const tagged = await s3.send(new GetObjectCommand({ Bucket: b, Key: "t" }));
  assert.equal(tagged.TagCount, 2);
  assert.equal((await text(tagged)).toString(), "x");
  await s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: "t", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: "t" }))).TagSet, [{ Key: "k", Value: "v" }]);
  await s3.send(new DeleteObjectTaggingCommand({ Bucket: b, Key: "t" }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: "t" }))).TagSet ?? [], []);

  await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: b })), "NoSuchTagSet", 404);
  await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: "team", Value: "core" }] } }));
  assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet, [{ Key: "team", Value: "core" }]);

  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, undefined);
  await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, "Enabled");
  const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: "v", Body: "one" }));
  const v2 = await s3.send(new PutObjectCommand({ Bucket: b, Key: "v", Body: "two" }));
  assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
  assert.equal((await text(await s3.send(new GetObjectCommand({ Bucket: b, Key: "v", VersionId: v1.VersionId })))).toString(), "one");
  const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: "v" }));
  assert.equal(del.DeleteMarker, true);
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: b, Key: "v" })), "NoSuchKey", 404);
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: "v" }));
  assert.deepEqual(versions.Versions.map((v) => v.VersionId), [v2.VersionId, v1.VersionId]);
  assert.equal(versions.DeleteMarkers.length, 1);
  assert.equal(versions.DeleteMarkers[0].IsLatest, true);
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: "v", VersionId: del.VersionId }));
  assert.equal((await text(await s3.send(new GetObjectCommand({ Bucket: b, Key: "v" })))).toString(), "two");

  await s3.send(new PutBucketCorsCommand({ Bucket: b, CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"], MaxAgeSeconds: 60 }] } }));
  const cors = await s3.send(new GetBucketCorsCommand({ Bucket: b }));
  assert.deepEqual(cors.CORSRules[0].AllowedMethods, ["GET"]);
  assert.equal(cors.CORSRules[0].MaxAgeSeconds, 60);
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${b}/*` }] });
  await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
  assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: b }))).Policy, policy);
});

/** Presigns a GET with SigV4 query parameters, independently of the SDK. */
function presign(bucket, key, { expires = 300, date = new Date(), secret = "test" } = {}) {
  const url = new URL(endpoint);
  const amzDate = date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const path = `/${bucket}/${key.split("/").map(enc).join("/")}`;
  const params = { "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": `test/${scope}`, "X-Amz-Date": amzDate, "X-Amz-Expires": String(expires), "X-Amz-SignedHeaders": "host" };
  const query = Object.keys(params).sort().map((k) => `${enc(k)}=${enc(params[k])}`).join("&");
  const canonical = ["GET", path, query, `host:${url.host}\n`, "host", "UNSIGNED-PAYLOAD"].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  let k = createHmac("sha256", "AWS4" + secret).update(day).digest();
  for (const part of ["us-east-1", "s3", "aws4_request"]) k = createHmac("sha256", k).update(part).digest();
  const sig = createHmac("sha256", k).update(toSign).digest("hex");
  return `${url.origin}${path}?${query}&X-Amz-Signature=${sig}`;
}

test("presigned URLs: verified signatures, expiry", async () => {
  const b = await bucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: "p/q r.txt", Body: "presigned!" }));
  const ok = await fetch(presign(b, "p/q r.txt"));
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "presigned!");
  const bad = await fetch(presign(b, "p/q r.txt", { secret: "wrong" }));
  assert.equal(bad.status, 403);
  assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const expired = await fetch(presign(b, "p/q r.txt", { expires: 60, date: new Date(Date.now() - 3600_000) }));
  assert.equal(expired.status, 403);
  const body = await expired.text();
  assert.match(body, /<Code>AccessDenied<\/Code>/);
  assert.match(body, /Request has expired/);
});

test("notifications: a Lambda function receives the S3 event record", async () => {
  const fn = unique("s3-recorder");
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (event) => { console.log("s3event " + JSON.stringify(event)); return "ok"; };` }) },
  }));
  try {
    const b = await bucket();
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: b,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Id: "uploads", LambdaFunctionArn: created.FunctionArn, Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
          Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "in/" }, { Name: "suffix", Value: ".txt" }] } },
        }],
      },
    }));
    const cfg = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: b }));
    assert.equal(cfg.LambdaFunctionConfigurations[0].Id, "uploads");
    assert.equal(cfg.LambdaFunctionConfigurations[0].LambdaFunctionArn, created.FunctionArn);

    await s3.send(new PutObjectCommand({ Bucket: b, Key: "out/skip.txt", Body: "no" }));
    const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: "in/hello world.txt", Body: "hello" }));
    const lines = await waitForLog(fn, "ObjectCreated:Put");
    const event = JSON.parse(lines[0].message.slice(lines[0].message.indexOf("s3event ") + 8));
    const r = event.Records[0];
    assert.equal(r.eventVersion, "2.1");
    assert.equal(r.eventSource, "aws:s3");
    assert.equal(r.awsRegion, "us-east-1");
    assert.equal(r.eventName, "ObjectCreated:Put");
    assert.equal(r.s3.s3SchemaVersion, "1.0");
    assert.equal(r.s3.configurationId, "uploads");
    assert.equal(r.s3.bucket.name, b);
    assert.equal(r.s3.bucket.arn, `arn:aws:s3:::${b}`);
    assert.equal(r.s3.object.key, "in/hello+world.txt");
    assert.equal(r.s3.object.size, 5);
    assert.equal(`"${r.s3.object.eTag}"`, put.ETag);
    assert.ok(r.s3.object.sequencer);
    assert.ok(r.userIdentity.principalId);
    assert.ok(r.eventTime);

    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: "in/hello world.txt" }));
    await waitForLog(fn, "ObjectRemoved:Delete");
    const all = await waitForLog(fn, "s3event");
    assert.ok(all.every((e) => !e.message.includes("out/skip.txt")), "filtered keys are not delivered");
  } finally {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn })).catch(() => {});
  }
});

test("virtual-hosted style: {bucket}.s3.localhost", async () => {
  // *.s3.localhost does not resolve here: the agent sends every host to the loopback address.
  const agent = new http.Agent({ lookup: (_host, opts, cb) => (opts?.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) });
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  const port = new URL(endpoint).port;
  const vs3 = new S3Client({
    endpoint: `http://s3.localhost:${port}`, region: "us-east-1", forcePathStyle: false, maxAttempts: 1,
    credentials: { accessKeyId: "test", secretAccessKey: "test" }, requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  const name = bucketName();
  await vs3.send(new CreateBucketCommand({ Bucket: name }));
  created.push(name);
  await vs3.send(new PutObjectCommand({ Bucket: name, Key: "v/h.txt", Body: "virtual" }));
  assert.equal((await text(await vs3.send(new GetObjectCommand({ Bucket: name, Key: "v/h.txt" })))).toString(), "virtual");
  assert.deepEqual((await vs3.send(new ListObjectsV2Command({ Bucket: name }))).Contents.map((c) => c.Key), ["v/h.txt"]);
  // The same object is visible path-style.
  assert.equal((await text(await s3.send(new GetObjectCommand({ Bucket: name, Key: "v/h.txt" })))).toString(), "virtual");
});
