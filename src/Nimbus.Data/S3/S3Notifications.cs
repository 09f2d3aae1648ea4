using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.S3;

/// <summary>A configured destination: an ARN, the events it wants, its key filter.</summary>
internal sealed record NotificationTarget(string Id, string Arn, List<string> Events, string? Prefix, string? Suffix);

/// <summary>Bucket event notifications: the event records are written to a durable outbox in the same transaction as
/// the change, and a background loop delivers them through <see cref="IArnTargets"/>, retrying until they are accepted.</summary>
internal sealed class S3Notifications(S3Store store, IArnTargets targets, TimeProvider time, ILogger<S3Notifications> logger) : BackgroundService
{
    private const int MaxAttempts = 50;
    private readonly SemaphoreSlim _signal = new(0);

    public void Attach() => store.OnEvent = Enqueue;

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public static List<NotificationTarget> Parse(string? xml, out bool eventBridge)
    {
        eventBridge = false;
        var list = new List<NotificationTarget>();
        if (xml is null)
        {
            return list;
        }

        var root = XDocument.Parse(xml).Root!;
        foreach (var config in root.Elements())
        {
            var kind = config.Name.LocalName;
            if (kind == "EventBridgeConfiguration")
            {
                eventBridge = true;
                continue;
            }

            var arnElement = kind switch
            {
                "QueueConfiguration" => "Queue",
                "TopicConfiguration" => "Topic",
                "CloudFunctionConfiguration" => "CloudFunction",
                _ => null,
            };
            if (arnElement is null)
            {
                continue;
            }

            var arn = config.Elements().FirstOrDefault(e => e.Name.LocalName == arnElement)?.Value ?? "";
            var id = config.Elements().FirstOrDefault(e => e.Name.LocalName == "Id")?.Value ?? "";
            var events = config.Elements().Where(e => e.Name.LocalName == "Event").Select(e => e.Value).ToList();
            string? prefix = null, suffix = null;
            foreach (var rule in config.Descendants().Where(e => e.Name.LocalName == "FilterRule"))
            {
                var name = rule.Elements().FirstOrDefault(e => e.Name.LocalName == "Name")?.Value?.ToLowerInvariant();
                var value = rule.Elements().FirstOrDefault(e => e.Name.LocalName == "Value")?.Value;
                if (name == "prefix")
                {
                    prefix = value;
                }
                else if (name == "suffix")
                {
                    suffix = value;
                }
            }

            list.Add(new NotificationTarget(id, arn, events, prefix, suffix));
        }

        return list;
    }

    public static bool Matches(NotificationTarget t, string eventName, string key) =>
        t.Events.Any(e => e == "s3:" + eventName || (e.EndsWith(":*", StringComparison.Ordinal) && ("s3:" + eventName).StartsWith(e[..^1], StringComparison.Ordinal)))
        && (t.Prefix is null || key.StartsWith(t.Prefix, StringComparison.Ordinal))
        && (t.Suffix is null || key.EndsWith(t.Suffix, StringComparison.Ordinal));

    /// <summary>Writes the outbox rows for one change, inside the change's transaction.</summary>
    private void Enqueue(SqliteConnection c, SqliteTransaction tx, BucketRecord bucket, string eventName, ObjectRecord obj)
    {
        if (bucket.Notification is null)
        {
            return;
        }

        var configs = Parse(bucket.Notification, out var eventBridge);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var t in configs.Where(t => Matches(t, eventName, obj.Key)))
        {
            c.Execute("INSERT INTO s3_outbox (target, account, region, body, due) VALUES ($t, $a, $r, $b, $d)", tx,
                ("$t", t.Arn), ("$a", bucket.Account), ("$r", bucket.Region), ("$b", EventRecord(bucket, eventName, obj, t.Id)), ("$d", now));
        }

        if (eventBridge)
        {
            c.Execute("INSERT INTO s3_outbox (target, account, region, body, due) VALUES ($t, $a, $r, $b, $d)", tx,
                ("$t", $"arn:aws:events:{bucket.Region}:{bucket.Account}:event-bus/default"), ("$a", bucket.Account), ("$r", bucket.Region),
                ("$b", EventBridgeDetail(bucket, eventName, obj)), ("$d", now));
        }
    }

    public void EnqueueTestEvent(BucketRecord bucket, string arn, string requestId)
    {
        var body = $$"""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"{{Iso(time.GetUtcNow().ToUnixTimeMilliseconds())}}","Bucket":{{JsonSerializer.Serialize(bucket.Name, S3Json.Default.String)}},"RequestId":"{{requestId}}","HostId":"{{requestId}}"}""";
        store.State.Write((c, tx) => c.Execute("INSERT INTO s3_outbox (target, account, region, body, due) VALUES ($t, $a, $r, $b, $d)", tx,
            ("$t", arn), ("$a", bucket.Account), ("$r", bucket.Region), ("$b", body), ("$d", time.GetUtcNow().ToUnixTimeMilliseconds())));
        Wake();
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string EncodeKey(string key)
    {
        // S3 event keys are URL-encoded as in an HTML form: spaces become '+'.
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '/')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>The S3 event message (<c>{"Records":[…]}</c>) as Lambda, SQS and SNS receive it.</summary>
    internal static string EventRecord(BucketRecord bucket, string eventName, ObjectRecord obj, string configurationId)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var principal = $"AWS:{bucket.Account}";
            w.WriteStartObject();
            w.WriteStartArray("Records");
            w.WriteStartObject();
            w.WriteString("eventVersion", "2.1");
            w.WriteString("eventSource", "aws:s3");
            w.WriteString("awsRegion", bucket.Region);
            w.WriteString("eventTime", Iso(obj.Modified));
            w.WriteString("eventName", eventName);
            w.WriteStartObject("userIdentity");
            w.WriteString("principalId", principal);
            w.WriteEndObject();
            w.WriteStartObject("requestParameters");
            w.WriteString("sourceIPAddress", "127.0.0.1");
            w.WriteEndObject();
            w.WriteStartObject("responseElements");
            w.WriteString("x-amz-request-id", obj.Seq.ToString("X16", CultureInfo.InvariantCulture));
            w.WriteString("x-amz-id-2", Convert.ToBase64String(Encoding.ASCII.GetBytes(obj.Seq.ToString(CultureInfo.InvariantCulture))));
            w.WriteEndObject();
            w.WriteStartObject("s3");
            w.WriteString("s3SchemaVersion", "1.0");
            w.WriteString("configurationId", configurationId);
            w.WriteStartObject("bucket");
            w.WriteString("name", bucket.Name);
            w.WriteStartObject("ownerIdentity");
            w.WriteString("principalId", bucket.Account);
            w.WriteEndObject();
            w.WriteString("arn", $"arn:aws:s3:::{bucket.Name}");
            w.WriteEndObject();
            w.WriteStartObject("object");
            w.WriteString("key", EncodeKey(obj.Key));
            if (eventName.StartsWith("ObjectCreated", StringComparison.Ordinal))
            {
                w.WriteNumber("size", obj.Size);
                w.WriteString("eTag", obj.ETag.Trim('"'));
            }

            if (obj.VersionId != "null")
            {
                w.WriteString("versionId", obj.VersionId);
            }

            w.WriteString("sequencer", obj.Seq.ToString("X16", CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The EventBridge detail for an S3 event ("Object Created" / "Object Deleted").</summary>
    internal static string EventBridgeDetail(BucketRecord bucket, string eventName, ObjectRecord obj)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("version", "0");
            w.WriteStartObject("bucket");
            w.WriteString("name", bucket.Name);
            w.WriteEndObject();
            w.WriteStartObject("object");
            w.WriteString("key", obj.Key);
            if (!obj.DeleteMarker)
            {
                w.WriteNumber("size", obj.Size);
                w.WriteString("etag", obj.ETag.Trim('"'));
            }

            if (obj.VersionId != "null")
            {
                w.WriteString("version-id", obj.VersionId);
            }

            w.WriteString("sequencer", obj.Seq.ToString("X16", CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteString("request-id", obj.Seq.ToString("X16", CultureInfo.InvariantCulture));
            w.WriteString("requester", bucket.Account);
            w.WriteString("reason", eventName switch
            {
                "ObjectCreated:Put" => "PutObject",
                "ObjectCreated:Copy" => "CopyObject",
                "ObjectCreated:CompleteMultipartUpload" => "CompleteMultipartUpload",
                _ => "DeleteObject",
            });
            if (eventName.StartsWith("ObjectRemoved", StringComparison.Ordinal))
            {
                w.WriteString("deletion-type", eventName == "ObjectRemoved:DeleteMarkerCreated" ? "Delete Marker Created" : "Permanently Deleted");
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "S3 notification delivery failed");
            }

            try
            {
                await _signal.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task DrainAsync(CancellationToken ct)
    {
        while (true)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            List<(long Id, string Target, string Account, string Region, string Body, int Attempts)> due;
            using (var c = store.State.Open())
            {
                due = c.Query("SELECT id, target, account, region, body, attempts FROM s3_outbox WHERE due <= $n ORDER BY id LIMIT 100",
                    r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5)), null, ("$n", now));
            }

            if (due.Count == 0)
            {
                return;
            }

            foreach (var (id, target, account, region, body, attempts) in due)
            {
                var caller = new AwsRequestContext(account, region, RequestIds.New());
                var message = new ArnMessage(body, caller);
                if (target.StartsWith("arn:aws:sns:", StringComparison.Ordinal))
                {
                    message = message with { Subject = "Amazon S3 Notification" };
                }
                else if (target.StartsWith("arn:aws:events:", StringComparison.Ordinal))
                {
                    message = message with { EventSource = "aws.s3", DetailType = body.Contains("\"deletion-type\"", StringComparison.Ordinal) ? "Object Deleted" : "Object Created" };
                }

                try
                {
                    await targets.DeliverAsync(target, message, ct);
                    store.State.Write((c, tx) => c.Execute("DELETE FROM s3_outbox WHERE id=$i", tx, ("$i", id)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (attempts + 1 >= MaxAttempts)
                    {
                        logger.LogError("S3 notification to {Target} dropped after {Attempts} attempts: {Error}", target, attempts + 1, e.Message);
                        store.State.Write((c, tx) => c.Execute("DELETE FROM s3_outbox WHERE id=$i", tx, ("$i", id)));
                    }
                    else
                    {
                        var delay = Math.Min(60_000, 200L << Math.Min(attempts, 9));
                        logger.LogWarning("S3 notification to {Target} failed (attempt {Attempts}): {Error}", target, attempts + 1, e.Message);
                        store.State.Write((c, tx) => c.Execute("UPDATE s3_outbox SET attempts=attempts+1, due=$d WHERE id=$i", tx, ("$d", now + delay), ("$i", id)));
                    }
                }
            }
        }
    }
}
