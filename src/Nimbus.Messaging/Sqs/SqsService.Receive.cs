using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sqs;

/// <summary>Receiving: long polling, visibility, FIFO group ordering, redrive to dead-letter queues, retention.</summary>
internal sealed partial class SqsService
{
    private const long ReceiveAttemptWindowMs = 5 * 60 * 1000;

    /// <summary>A message as one receive saw it (the live message may change after the queue lock is released).</summary>
    internal sealed record ReceivedMessage(SqsMessage Message, string Receipt, int ReceiveCount, long FirstReceiveAt);

    private async Task<JsonObject> ReceiveMessageAsync(JsonObject input, SqsContext ctx, CancellationToken cancellationToken)
    {
        var queue = Resolve(input, ctx);
        var max = JsonInput.Long(input, "MaxNumberOfMessages") ?? 1;
        if (max is < 1 or > 10)
        {
            throw SqsErrors.InvalidParameter("MaxNumberOfMessages", max, "Must be between 1 and 10, if provided.");
        }

        var visibility = JsonInput.Long(input, "VisibilityTimeout");
        if (visibility is < 0 or > 43_200)
        {
            throw SqsErrors.InvalidParameter("VisibilityTimeout", visibility, "Must be >= 0 and <= 43200, if provided.");
        }

        var wait = JsonInput.Long(input, "WaitTimeSeconds");
        if (wait is < 0 or > 20)
        {
            throw SqsErrors.InvalidParameter("WaitTimeSeconds", wait, "Must be >= 0 and <= 20, if provided.");
        }

        var attemptId = JsonInput.String(input, "ReceiveRequestAttemptId");
        if (attemptId is not null && (attemptId.Length is 0 or > 128 || attemptId.Any(c => c < 0x21 || c > 0x7E)))
        {
            throw SqsErrors.InvalidParameter("ReceiveRequestAttemptId", attemptId, "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.");
        }

        var systemNames = JsonInput.Strings(input, "AttributeNames").Concat(JsonInput.Strings(input, "MessageSystemAttributeNames")).ToHashSet(StringComparer.Ordinal);
        var attributeNames = JsonInput.Strings(input, "MessageAttributeNames");
        var received = await ReceiveAsync(
            queue,
            (int)max,
            visibility is null ? null : TimeSpan.FromSeconds(visibility.Value),
            TimeSpan.FromSeconds(wait ?? queue.Settings.ReceiveWaitSeconds),
            queue.Fifo ? attemptId : null,
            cancellationToken);

        var result = new JsonObject();
        if (received.Count > 0)
        {
            result["Messages"] = new JsonArray(received.Select(r => (JsonNode)MessageJson(queue, r, systemNames, attributeNames)).ToArray());
        }

        return result;
    }

    /// <summary>Receives up to <paramref name="max"/> messages, waiting up to <paramref name="wait"/> for the first.</summary>
    /// <remarks>No polling loop: a waiter sleeps until a send, visibility change or purge signals the queue, or until
    /// the earliest invisible message's deadline, whichever comes first. Cancellation returns what there is (nothing).</remarks>
    internal async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(SqsQueue queue, int max, TimeSpan? visibility, TimeSpan wait, string? attemptId, CancellationToken cancellationToken)
    {
        var deadline = Now() + (long)wait.TotalMilliseconds;
        while (true)
        {
            Task changed;
            List<ReceivedMessage> got;
            long nextChange;
            List<(SqsQueue Dlq, SqsMessage Moved)> moved;
            lock (queue.Gate)
            {
                if (queue.Deleted)
                {
                    return [];
                }

                changed = queue.Changed;
                got = TryReceive(queue, max, visibility, attemptId, out nextChange, out moved);
            }

            foreach (var (dlq, message) in moved)
            {
                lock (dlq.Gate)
                {
                    if (!dlq.Deleted)
                    {
                        dlq.Messages[message.Seq] = message;
                        dlq.Signal();
                    }
                }
            }

            var now = Now();
            if (got.Count > 0 || now >= deadline)
            {
                return got;
            }

            var sleep = TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(deadline, nextChange) - now));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(sleep, _time, stop.Token);
            await Task.WhenAny(changed, timer).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    /// <summary>One pass over the queue under its lock. Also drops expired messages and redrives over-received ones.</summary>
    private List<ReceivedMessage> TryReceive(SqsQueue queue, int max, TimeSpan? visibility, string? attemptId, out long nextChange, out List<(SqsQueue, SqsMessage)> moved)
    {
        var now = Now();
        nextChange = long.MaxValue;
        moved = [];
        ExpireRetained(queue, now);
        if (attemptId is not null && RetryAttempt(queue, attemptId, now) is { } retried)
        {
            return retried;
        }

        var settings = queue.Settings;
        var visibilityMs = (long)(visibility ?? TimeSpan.FromSeconds(settings.VisibilityTimeout)).TotalMilliseconds;
        var redrive = settings.Redrive;
        var dlq = redrive is null ? null : FindByArn(redrive.DeadLetterTargetArn);
        HashSet<string>? blocked = null;
        if (queue.Fifo)
        {
            blocked = queue.Messages.Values.Where(m => m.IsInFlight(now)).Select(m => m.GroupId!).ToHashSet(StringComparer.Ordinal);
        }

        var taken = new List<SqsMessage>();
        var toDlq = new List<SqsMessage>();
        foreach (var m in queue.Messages.Values)
        {
            if (taken.Count >= max)
            {
                break;
            }

            if (blocked is not null && blocked.Contains(m.GroupId!))
            {
                if (m.VisibleAt > now)
                {
                    nextChange = Math.Min(nextChange, m.VisibleAt);
                }

                continue;
            }

            if (!m.IsVisible(now))
            {
                nextChange = Math.Min(nextChange, m.VisibleAt);
                blocked?.Add(m.GroupId!);
                continue;
            }

            if (dlq is not null && dlq != queue && m.ReceiveCount >= redrive!.MaxReceiveCount)
            {
                toDlq.Add(m);
                continue;
            }

            taken.Add(m);
        }

        if (toDlq.Count > 0)
        {
            moved = MoveToDeadLetter(queue, dlq!, toDlq);
        }

        if (taken.Count == 0)
        {
            return [];
        }

        var result = new List<ReceivedMessage>(taken.Count);
        var previous = taken.Select(m => (m.VisibleAt, m.ReceiveCount, m.FirstReceiveAt, m.Receipt)).ToList();
        foreach (var m in taken)
        {
            m.ReceiveCount++;
            m.FirstReceiveAt ??= now;
            m.VisibleAt = now + visibilityMs;
            m.Receipt = NewReceipt(queue, m);
        }

        try
        {
            _store.UpdateDelivery(queue.Id, taken);
        }
        catch
        {
            for (var i = 0; i < taken.Count; i++)
            {
                (taken[i].VisibleAt, taken[i].ReceiveCount, taken[i].FirstReceiveAt, taken[i].Receipt) = previous[i];
            }

            throw;
        }

        foreach (var m in taken)
        {
            result.Add(new ReceivedMessage(m, m.Receipt!, m.ReceiveCount, m.FirstReceiveAt!.Value));
        }

        if (attemptId is not null)
        {
            queue.ReceiveAttempts[attemptId] = (now + ReceiveAttemptWindowMs, taken.Select(m => m.Seq).ToArray(), taken.Select(m => m.Receipt!).ToArray());
        }

        return result;
    }

    /// <summary>A FIFO retry with the same ReceiveRequestAttemptId returns the same messages while they are still in flight.</summary>
    private static List<ReceivedMessage>? RetryAttempt(SqsQueue queue, string attemptId, long now)
    {
        foreach (var stale in queue.ReceiveAttempts.Where(a => a.Value.ExpiresAt <= now).Select(a => a.Key).ToList())
        {
            queue.ReceiveAttempts.Remove(stale);
        }

        if (!queue.ReceiveAttempts.TryGetValue(attemptId, out var attempt))
        {
            return null;
        }

        var again = new List<ReceivedMessage>();
        for (var i = 0; i < attempt.Seqs.Length; i++)
        {
            if (!queue.Messages.TryGetValue(attempt.Seqs[i], out var m) || m.Receipt != attempt.Receipts[i] || !m.IsInFlight(now))
            {
                queue.ReceiveAttempts.Remove(attemptId);
                return null;
            }

            again.Add(new ReceivedMessage(m, m.Receipt!, m.ReceiveCount, m.FirstReceiveAt ?? now));
        }

        return again;
    }

    /// <summary>Moves messages to the dead-letter queue in one transaction; the caller publishes them to it after unlocking.</summary>
    /// <remarks>The moved copy keeps its message id, body, attributes, send time and receive count, and gains
    /// <c>DeadLetterQueueSourceArn</c>. If the store refuses (the target was deleted meanwhile), the messages stay.</remarks>
    private List<(SqsQueue, SqsMessage)> MoveToDeadLetter(SqsQueue source, SqsQueue dlq, List<SqsMessage> messages)
    {
        var copies = messages.Select(m => new SqsMessage
        {
            Seq = NextSeq(),
            MessageId = m.MessageId,
            Body = m.Body,
            Attributes = m.Attributes,
            SystemAttributes = m.SystemAttributes,
            SentAt = m.SentAt,
            SenderId = m.SenderId,
            GroupId = m.GroupId,
            DeduplicationId = m.DeduplicationId,
            SequenceNumber = m.SequenceNumber,
            DeadLetterSourceArn = source.Arn,
            VisibleAt = Now(),
            ReceiveCount = m.ReceiveCount,
            FirstReceiveAt = m.FirstReceiveAt,
        }).ToList();
        try
        {
            _store.Move(source.Id, messages.Select(m => m.Seq), dlq.Id, copies);
        }
        catch (SqliteException)
        {
            return [];
        }

        foreach (var m in messages)
        {
            source.Messages.Remove(m.Seq);
        }

        return copies.Select(c => (dlq, c)).ToList();
    }

    /// <summary>Drops messages older than the queue's retention period. Call under the queue lock.</summary>
    /// <remarks>A scan of the whole queue, so at most once a second per queue (retention is at least 60 s).</remarks>
    private void ExpireRetained(SqsQueue queue, long now)
    {
        var cutoff = now - (queue.Settings.RetentionSeconds * 1000L);
        if (queue.Messages.Count == 0 || now < queue.NextExpiryScan)
        {
            return;
        }

        queue.NextExpiryScan = now + 1000;

        var expired = queue.Messages.Values.Where(m => m.SentAt <= cutoff).Select(m => m.Seq).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        _store.Delete(queue.Id, expired);
        foreach (var seq in expired)
        {
            queue.Messages.Remove(seq);
        }
    }

    private JsonObject MessageJson(SqsQueue queue, ReceivedMessage r, HashSet<string> systemNames, IReadOnlyList<string> attributeNames)
    {
        var m = r.Message;
        var o = new JsonObject
        {
            ["MessageId"] = m.MessageId,
            ["ReceiptHandle"] = r.Receipt,
            ["MD5OfBody"] = m.Md5OfBody,
            ["Body"] = m.Body,
        };
        var system = SystemAttributes(queue, r);
        var all = systemNames.Contains("All");
        var attrs = new JsonObject();
        foreach (var (k, v) in system.Where(s => all || systemNames.Contains(s.Key)))
        {
            attrs[k] = v;
        }

        if (attrs.Count > 0)
        {
            o["Attributes"] = attrs;
        }

        var selected = SelectAttributes(m.Attributes, attributeNames);
        if (selected.Count > 0)
        {
            o["MD5OfMessageAttributes"] = MessageDigests.Attributes(selected);
            o["MessageAttributes"] = OutgoingMessage.ToJson(selected);
        }

        return o;
    }

    /// <summary>The system attributes of a received message, by their SQS names.</summary>
    internal static Dictionary<string, string> SystemAttributes(SqsQueue queue, ReceivedMessage r)
    {
        var m = r.Message;
        var d = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SenderId"] = m.SenderId,
            ["SentTimestamp"] = m.SentAt.ToString(CultureInfo.InvariantCulture),
            ["ApproximateReceiveCount"] = r.ReceiveCount.ToString(CultureInfo.InvariantCulture),
            ["ApproximateFirstReceiveTimestamp"] = r.FirstReceiveAt.ToString(CultureInfo.InvariantCulture),
        };
        if (m.GroupId is not null)
        {
            d["MessageGroupId"] = m.GroupId;
        }

        if (queue.Fifo)
        {
            d["SequenceNumber"] = m.SequenceNumber ?? "";
            d["MessageDeduplicationId"] = m.DeduplicationId ?? "";
        }

        if (m.SystemAttributes.FirstOrDefault(a => a.Name == "AWSTraceHeader") is { } trace)
        {
            d["AWSTraceHeader"] = trace.StringValue ?? "";
        }

        if (m.DeadLetterSourceArn is not null)
        {
            d["DeadLetterQueueSourceArn"] = m.DeadLetterSourceArn;
        }

        return d;
    }

    /// <summary>Message attributes selected by name: <c>All</c>, <c>.*</c>, <c>prefix.*</c> or exact names.</summary>
    internal static List<Nimbus.Core.Messaging.QueueMessageAttribute> SelectAttributes(IReadOnlyList<Nimbus.Core.Messaging.QueueMessageAttribute> attributes, IReadOnlyList<string> names)
    {
        if (names.Count == 0 || attributes.Count == 0)
        {
            return [];
        }

        return attributes.Where(a => names.Any(n =>
            n is "All" or ".*"
            || (n.EndsWith(".*", StringComparison.Ordinal) && a.Name.StartsWith(n[..^1], StringComparison.Ordinal))
            || n == a.Name)).ToList();
    }

    // ---- receipts, delete, visibility ------------------------------------------------------------------------------

    private static string NewReceipt(SqsQueue queue, SqsMessage m)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{queue.Id}:{m.Seq}:{m.ReceiveCount}:{Guid.NewGuid():N}:{m.MessageId}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads the queue id and message sequence a receipt handle names; throws ReceiptHandleIsInvalid if malformed.</summary>
    private static (long QueueId, long Seq) ParseReceipt(string handle)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(handle)).Split(':');
            if (parts.Length == 5 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var q) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var s))
            {
                return (q, s);
            }
        }
        catch (FormatException)
        {
        }

        throw SqsErrors.ReceiptHandleIsInvalid(handle);
    }

    private JsonObject DeleteMessage(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        DeleteOne(queue, JsonInput.Required(input, "ReceiptHandle"));
        return Empty();
    }

    /// <summary>Deletes the message a receipt handle names, if that handle is its latest; an unknown message is already gone.</summary>
    internal void DeleteOne(SqsQueue queue, string handle)
    {
        var (queueId, seq) = ParseReceipt(handle);
        if (queueId != queue.Id)
        {
            throw SqsErrors.ReceiptHandleIsInvalid(handle);
        }

        lock (queue.Gate)
        {
            if (!queue.Messages.TryGetValue(seq, out var m) || m.Receipt != handle)
            {
                return;
            }

            if (queue.Fifo && !m.IsInFlight(Now()))
            {
                throw SqsErrors.InvalidParameter("ReceiptHandle", handle, "The receipt handle has expired.");
            }

            _store.Delete(queue.Id, [seq]);
            queue.Messages.Remove(seq);
            if (queue.Fifo)
            {
                queue.Signal();
            }
        }
    }

    private JsonObject DeleteMessageBatch(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var entries = BatchEntries(input, "DeleteMessageBatchRequestEntry");
        return RunBatch(entries, e =>
        {
            DeleteOne(queue, JsonInput.Required(e, "ReceiptHandle"));
            return new JsonObject { ["Id"] = e["Id"]!.GetValue<string>() };
        });
    }

    private JsonObject ChangeMessageVisibility(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var handle = JsonInput.Required(input, "ReceiptHandle");
        var timeout = JsonInput.Long(input, "VisibilityTimeout") ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
        ChangeVisibility(queue, handle, timeout);
        return Empty();
    }

    /// <summary>Sets a received message's visibility timeout, counted from now.</summary>
    internal void ChangeVisibility(SqsQueue queue, string handle, long timeoutSeconds)
    {
        if (timeoutSeconds is < 0 or > 43_200)
        {
            throw SqsErrors.InvalidParameter("VisibilityTimeout", timeoutSeconds, "Must be between 0 and 43200, if provided.");
        }

        var (queueId, seq) = ParseReceipt(handle);
        if (queueId != queue.Id)
        {
            throw SqsErrors.ReceiptHandleIsInvalid(handle);
        }

        lock (queue.Gate)
        {
            var now = Now();
            if (!queue.Messages.TryGetValue(seq, out var m) || m.Receipt != handle)
            {
                throw SqsErrors.InvalidParameter("ReceiptHandle", handle, "Message does not exist or is not available for visibility timeout change.");
            }

            if (!m.IsInFlight(now))
            {
                throw SqsErrors.MessageNotInflight();
            }

            var previous = m.VisibleAt;
            m.VisibleAt = now + (timeoutSeconds * 1000);
            try
            {
                _store.UpdateDelivery(queue.Id, [m]);
            }
            catch
            {
                m.VisibleAt = previous;
                throw;
            }

            queue.Signal();
        }
    }

    private JsonObject ChangeMessageVisibilityBatch(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var entries = BatchEntries(input, "ChangeMessageVisibilityBatchRequestEntry");
        return RunBatch(entries, e =>
        {
            var timeout = JsonInput.Long(e, "VisibilityTimeout") ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
            ChangeVisibility(queue, JsonInput.Required(e, "ReceiptHandle"), timeout);
            return new JsonObject { ["Id"] = e["Id"]!.GetValue<string>() };
        });
    }

    private static JsonObject RunBatch(List<JsonObject> entries, Func<JsonObject, JsonObject> run)
    {
        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var e in entries)
        {
            try
            {
                successful.Add(run(e));
            }
            catch (AwsServiceException ex)
            {
                failed.Add(BatchError(e["Id"]!.GetValue<string>(), ex.Error));
            }
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }
}
