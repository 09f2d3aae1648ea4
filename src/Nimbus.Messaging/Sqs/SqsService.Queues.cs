using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Sqs;

/// <summary>Queue operations: create, look up, list, delete, purge, attributes, tags, dead-letter sources.</summary>
internal sealed partial class SqsService
{
    private static readonly string[] Computed =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
    ];

    private JsonObject CreateQueue(JsonObject input, SqsContext ctx)
    {
        var name = JsonInput.Required(input, "QueueName");
        var attributes = JsonInput.StringMap(input, "Attributes");
        var tags = JsonInput.StringMap(input, "tags");
        var fifoRequested = attributes.TryGetValue("FifoQueue", out var f) && f.Equals("true", StringComparison.OrdinalIgnoreCase);
        var isFifoName = name.EndsWith(".fifo", StringComparison.Ordinal);
        var stem = isFifoName ? name[..^5] : name;
        if (name.Length > 80 || stem.Length == 0 || !stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw SqsErrors.InvalidParameterValue(fifoRequested
                ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }

        if (fifoRequested != isFifoName)
        {
            throw SqsErrors.InvalidParameterValue(fifoRequested
                ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }

        ValidateTags(tags, 0);
        var settings = QueueSettings.Defaults(isFifoName).With(attributes, creating: true, DeadLetterTargetIsFifo);
        var key = (ctx.Caller.AccountId, ctx.Caller.Region, name);
        lock (_registry)
        {
            if (_queues.TryGetValue(key, out var existing))
            {
                foreach (var attribute in attributes.Keys)
                {
                    if (settings.Get(attribute) != existing.Settings.Get(attribute))
                    {
                        throw SqsErrors.QueueNameExists(attribute);
                    }
                }

                return new JsonObject { ["QueueUrl"] = UrlOf(existing, ctx.BaseUrl) };
            }

            var now = Now();
            var draft = new SqsQueue(0, ctx.Caller.AccountId, ctx.Caller.Region, name, now)
            {
                Settings = settings,
                Tags = tags.ToImmutableSortedDictionary(StringComparer.Ordinal),
                LastModified = now,
            };
            var id = _store.InsertQueue(draft);
            var queue = new SqsQueue(id, draft.Account, draft.Region, name, now) { Settings = settings, Tags = draft.Tags, LastModified = now };
            _queues[key] = queue;
            return new JsonObject { ["QueueUrl"] = UrlOf(queue, ctx.BaseUrl) };
        }
    }

    private JsonObject GetQueueUrl(JsonObject input, SqsContext ctx)
    {
        var name = JsonInput.Required(input, "QueueName");
        var account = JsonInput.String(input, "QueueOwnerAWSAccountId") ?? ctx.Caller.AccountId;
        var queue = _queues.GetValueOrDefault((account, ctx.Caller.Region, name)) ?? throw SqsErrors.NonExistentQueue();
        return new JsonObject { ["QueueUrl"] = UrlOf(queue, ctx.BaseUrl) };
    }

    private JsonObject ListQueues(JsonObject input, SqsContext ctx)
    {
        var prefix = JsonInput.String(input, "QueueNamePrefix") ?? "";
        var mine = _queues.Values.Where(q => q.Account == ctx.Caller.AccountId && q.Region == ctx.Caller.Region
            && q.Name.StartsWith(prefix, StringComparison.Ordinal));
        var (urls, next) = Page(mine, input, ctx);
        var result = new JsonObject();
        if (urls.Count > 0)
        {
            result["QueueUrls"] = urls;
        }

        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    private JsonObject DeleteQueue(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        lock (_registry)
        {
            _store.DeleteQueue(queue.Id);
            _queues.TryRemove(new KeyValuePair<(string, string, string), SqsQueue>((queue.Account, queue.Region, queue.Name), queue));
        }

        lock (queue.Gate)
        {
            queue.Deleted = true;
            queue.Messages.Clear();
            queue.Signal();
        }

        return Empty();
    }

    private JsonObject PurgeQueue(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        lock (queue.Gate)
        {
            var now = Now();
            if (queue.LastPurge > 0 && now - queue.LastPurge < 60_000)
            {
                throw SqsErrors.PurgeQueueInProgress(queue.Arn);
            }

            _store.Purge(queue.Id, now);
            queue.LastPurge = now;
            queue.Messages.Clear();
            queue.ReceiveAttempts.Clear();
            queue.Signal();
        }

        return Empty();
    }

    private JsonObject GetQueueAttributes(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var names = JsonInput.Strings(input, "AttributeNames");
        var settings = queue.Settings;
        foreach (var n in names)
        {
            if (n != "All" && !Computed.Contains(n) && !QueueSettings.IsSettable(n, queue.Fifo))
            {
                throw SqsErrors.InvalidAttributeName(n);
            }
        }

        var all = names.Contains("All");
        var wanted = (string n) => all || names.Contains(n);
        var result = new JsonObject();
        if (Computed.Any(wanted))
        {
            var (visible, inFlight, delayed) = Counts(queue);
            var computed = new Dictionary<string, string>
            {
                ["ApproximateNumberOfMessages"] = visible.ToString(CultureInfo.InvariantCulture),
                ["ApproximateNumberOfMessagesNotVisible"] = inFlight.ToString(CultureInfo.InvariantCulture),
                ["ApproximateNumberOfMessagesDelayed"] = delayed.ToString(CultureInfo.InvariantCulture),
                ["CreatedTimestamp"] = Seconds(queue.Created),
                ["LastModifiedTimestamp"] = Seconds(Interlocked.Read(ref queue.LastModified)),
                ["QueueArn"] = queue.Arn,
            };
            foreach (var (k, v) in computed.Where(c => wanted(c.Key)))
            {
                result[k] = v;
            }
        }

        foreach (var (k, v) in settings.Values.Where(s => wanted(s.Key)))
        {
            result[k] = v;
        }

        return result.Count == 0 ? Empty() : new JsonObject { ["Attributes"] = result };
    }

    private JsonObject SetQueueAttributes(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var changes = JsonInput.StringMap(input, "Attributes");
        if (changes.Count == 0)
        {
            throw SqsErrors.MissingParameter("Attribute.1.Name");
        }

        lock (queue.Gate)
        {
            var settings = queue.Settings.With(changes, creating: false, DeadLetterTargetIsFifo);
            var now = Now();
            _store.UpdateQueue(queue.Id, settings, queue.Tags, now);
            queue.Settings = settings;
            queue.LastModified = now;
            queue.Signal();
        }

        return Empty();
    }

    private JsonObject TagQueue(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var tags = JsonInput.StringMap(input, "Tags");
        if (tags.Count == 0)
        {
            throw SqsErrors.MissingParameter("Tags");
        }

        lock (queue.Gate)
        {
            var merged = queue.Tags.SetItems(tags);
            ValidateTags(merged, 0);
            _store.UpdateQueue(queue.Id, queue.Settings, merged, Interlocked.Read(ref queue.LastModified));
            queue.Tags = merged;
        }

        return Empty();
    }

    private JsonObject UntagQueue(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var keys = JsonInput.Strings(input, "TagKeys");
        if (keys.Count == 0)
        {
            throw SqsErrors.MissingParameter("TagKeys");
        }

        lock (queue.Gate)
        {
            var remaining = queue.Tags.RemoveRange(keys);
            _store.UpdateQueue(queue.Id, queue.Settings, remaining, Interlocked.Read(ref queue.LastModified));
            queue.Tags = remaining;
        }

        return Empty();
    }

    private JsonObject ListQueueTags(JsonObject input, SqsContext ctx)
    {
        var queue = Resolve(input, ctx);
        var tags = new JsonObject();
        foreach (var (k, v) in queue.Tags)
        {
            tags[k] = v;
        }

        return tags.Count == 0 ? Empty() : new JsonObject { ["Tags"] = tags };
    }

    private JsonObject ListDeadLetterSourceQueues(JsonObject input, SqsContext ctx)
    {
        var dlq = Resolve(input, ctx);
        var sources = _queues.Values.Where(q => q.Settings.Redrive?.DeadLetterTargetArn == dlq.Arn);
        var (urls, next) = Page(sources, input, ctx);
        var result = new JsonObject { ["queueUrls"] = urls };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    /// <summary>Whether the dead-letter target exists and is FIFO; null when there is no such queue.</summary>
    private bool? DeadLetterTargetIsFifo(string arn) => FindByArn(arn)?.Fifo;

    private (int Visible, int InFlight, int Delayed) Counts(SqsQueue queue)
    {
        lock (queue.Gate)
        {
            var now = Now();
            ExpireRetained(queue, now);
            int visible = 0, inFlight = 0, delayed = 0;
            foreach (var m in queue.Messages.Values)
            {
                if (m.IsInFlight(now))
                {
                    inFlight++;
                }
                else if (m.IsDelayed(now))
                {
                    delayed++;
                }
                else
                {
                    visible++;
                }
            }

            return (visible, inFlight, delayed);
        }
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags, int existing)
    {
        if (tags.Count + existing > 50)
        {
            throw SqsErrors.InvalidParameterValue("Too many tags added for queue. A queue can have at most 50 tags.");
        }

        foreach (var (k, v) in tags)
        {
            if (k.Length is 0 or > 128 || v.Length > 256)
            {
                throw SqsErrors.InvalidParameterValue($"Tag key or value is invalid: '{k}'. Keys are 1 to 128 characters and values up to 256.");
            }
        }
    }
}
