using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sqs;

/// <summary>Sending: SendMessage, SendMessageBatch and the enqueue path they share (delays, FIFO deduplication).</summary>
internal sealed partial class SqsService
{
    /// <summary>FIFO deduplication interval.</summary>
    private const long DeduplicationWindowMs = 5 * 60 * 1000;

    /// <summary>The largest SendMessageBatch payload (sum of the entries' message sizes).</summary>
    private const int MaxBatchBytes = QueueSettings.MaxMessageSize;

    private JsonObject SendMessage(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var message = OutgoingMessage.Read(input, queue.Settings);
        var sent = Enqueue(queue, [message], ctx.Caller.AccountId)[0];
        return SendResult(sent, null);
    }

    private JsonObject SendMessageBatch(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var entries = BatchEntries(input, "SendMessageBatchRequestEntry");
        var settings = queue.Settings;
        var ok = new List<(string Id, OutgoingMessage Message)>();
        var failed = new JsonArray();
        long total = 0;
        foreach (var entry in entries)
        {
            var id = entry["Id"]!.GetValue<string>();
            try
            {
                var message = OutgoingMessage.Read(entry, settings);
                ok.Add((id, message));
                total += message.Size;
            }
            catch (AwsServiceException e)
            {
                failed.Add(BatchError(id, e.Error));
                total += Encoding.UTF8.GetByteCount(JsonInput.String(entry, "MessageBody") ?? "");
            }
        }

        if (total > MaxBatchBytes)
        {
            throw SqsErrors.BatchRequestTooLong(MaxBatchBytes, total);
        }

        var successful = new JsonArray();
        if (ok.Count > 0)
        {
            var sent = Enqueue(queue, ok.Select(e => e.Message).ToList(), ctx.Caller.AccountId);
            for (var i = 0; i < ok.Count; i++)
            {
                successful.Add(SendResult(sent[i], ok[i].Id));
            }
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    /// <summary>What a send answers: the message id, digests and (FIFO) sequence number.</summary>
    internal sealed record SentMessage(string MessageId, string Md5OfBody, string? Md5OfAttributes, string? Md5OfSystemAttributes, string? SequenceNumber);

    /// <summary>Stores messages (one transaction) and wakes receivers. FIFO duplicates within five minutes return the original.</summary>
    /// <param name="redrive">A move task re-sending a dead-lettered message: FIFO deduplication does not apply (its id was
    /// recorded when it was first sent, and the redriven copy must not be dropped as a duplicate of itself).</param>
    internal IReadOnlyList<SentMessage> Enqueue(SqsQueue queue, IReadOnlyList<OutgoingMessage> messages, string senderId, bool redrive = false)
    {
        var results = new SentMessage[messages.Count];
        lock (queue.Gate)
        {
            if (queue.Deleted)
            {
                throw SqsErrors.NonExistentQueue();
            }

            var now = Now();
            var settings = queue.Settings;
            var fresh = new List<SqsMessage>(messages.Count);
            var dedup = new List<(string, DeduplicationEntry)>();
            var seenInBatch = new Dictionary<string, SentMessage>(StringComparer.Ordinal);
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                string? dedupId = null, dedupKey = null;
                if (settings.Fifo && redrive)
                {
                    dedupId = m.DeduplicationId;
                }
                else if (settings.Fifo)
                {
                    dedupId = m.DeduplicationId ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(m.Body)));
                    dedupKey = settings.DeduplicationPerGroup ? m.GroupId + "\n" + dedupId : dedupId;
                    if (seenInBatch.TryGetValue(dedupKey, out var twin))
                    {
                        results[i] = twin with { Md5OfBody = MessageDigests.Body(m.Body), Md5OfAttributes = MessageDigests.Attributes(m.Attributes) };
                        continue;
                    }

                    if (queue.Deduplication.TryGetValue(dedupKey, out var previous) && previous.ExpiresAt > now)
                    {
                        results[i] = new SentMessage(previous.MessageId, MessageDigests.Body(m.Body), MessageDigests.Attributes(m.Attributes),
                            MessageDigests.Attributes(m.SystemAttributes), previous.SequenceNumber);
                        continue;
                    }
                }

                var seq = NextSeq();
                var message = new SqsMessage
                {
                    Seq = seq,
                    MessageId = Guid.NewGuid().ToString("D"),
                    Body = m.Body,
                    Attributes = m.Attributes,
                    SystemAttributes = m.SystemAttributes,
                    SentAt = now,
                    SenderId = senderId,
                    GroupId = m.GroupId,
                    DeduplicationId = dedupId,
                    SequenceNumber = settings.Fifo ? seq.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) : null,
                    VisibleAt = now + ((m.DelaySeconds ?? settings.DelaySeconds) * 1000L),
                };
                fresh.Add(message);
                results[i] = new SentMessage(message.MessageId, message.Md5OfBody, message.Md5OfAttributes, message.Md5OfSystemAttributes, message.SequenceNumber);
                if (dedupKey is not null)
                {
                    var entry = new DeduplicationEntry(message.MessageId, message.SequenceNumber, now + DeduplicationWindowMs);
                    dedup.Add((dedupKey, entry));
                    seenInBatch[dedupKey] = results[i];
                }
            }

            if (fresh.Count > 0)
            {
                _store.Insert(queue.Id, fresh, dedup);
                foreach (var m in fresh)
                {
                    queue.Messages[m.Seq] = m;
                }

                foreach (var (key, entry) in dedup)
                {
                    queue.Deduplication[key] = entry;
                }

                PruneDeduplication(queue, now);
                queue.Signal();
            }
        }

        return results;
    }

    private static void PruneDeduplication(SqsQueue queue, long now)
    {
        if (queue.Deduplication.Count < 1024)
        {
            return;
        }

        foreach (var key in queue.Deduplication.Where(d => d.Value.ExpiresAt <= now).Select(d => d.Key).ToList())
        {
            queue.Deduplication.Remove(key);
        }
    }

    private static JsonObject SendResult(SentMessage sent, string? batchId)
    {
        var o = new JsonObject();
        if (batchId is not null)
        {
            o["Id"] = batchId;
        }

        o["MessageId"] = sent.MessageId;
        o["MD5OfMessageBody"] = sent.Md5OfBody;
        if (sent.Md5OfAttributes is not null)
        {
            o["MD5OfMessageAttributes"] = sent.Md5OfAttributes;
        }

        if (sent.Md5OfSystemAttributes is not null)
        {
            o["MD5OfMessageSystemAttributes"] = sent.Md5OfSystemAttributes;
        }

        if (sent.SequenceNumber is not null)
        {
            o["SequenceNumber"] = sent.SequenceNumber;
        }

        return o;
    }

    /// <summary>Validates a batch's entries as a whole: present, at most ten, well-formed and distinct ids.</summary>
    private static List<JsonObject> BatchEntries(JsonObject input, string entryName)
    {
        var entries = JsonInput.Array(input, "Entries");
        if (entries is null || entries.Count == 0)
        {
            throw SqsErrors.EmptyBatchRequest(entryName);
        }

        if (entries.Count > 10)
        {
            throw SqsErrors.TooManyEntries(entries.Count);
        }

        var list = entries.Select(e => e as JsonObject ?? throw CommonErrors.SerializationException("Unexpected batch entry.").ToException()).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in list)
        {
            var id = JsonInput.String(e, "Id");
            if (id is null)
            {
                throw SqsErrors.MissingParameter($"{entryName}.Id");
            }

            if (id.Length is 0 or > 80 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw SqsErrors.InvalidBatchEntryId();
            }

            if (!seen.Add(id))
            {
                throw SqsErrors.BatchEntryIdsNotDistinct(id);
            }
        }

        return list;
    }

    private static JsonObject BatchError(string id, AwsError error) => new()
    {
        ["Id"] = id,
        ["SenderFault"] = error.IsSenderFault,
        ["Code"] = error.Code,
        ["Message"] = error.Message,
    };
}
