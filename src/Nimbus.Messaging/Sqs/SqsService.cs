using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Sqs;

/// <summary>The SQS service core: queues and messages, spoken in the JSON protocol's shapes by both front ends.</summary>
/// <remarks>
/// Every queue lives in memory (<see cref="SqsQueue"/>) and in SQLite (<see cref="SqsStore"/>); a change commits to the
/// store under the queue's lock before it becomes visible, so a restart finds exactly what clients were told.
/// Queue lifecycle (create, delete) is serialised by one registry lock; messages of different queues never contend.
/// Errors are thrown as <see cref="AwsServiceException"/> with the query protocol's codes (<see cref="SqsErrors"/>).
/// </remarks>
internal sealed partial class SqsService
{
    private readonly SqsStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Account, string Region, string Name), SqsQueue> _queues = new();
    private readonly Lock _registry = new();
    private readonly Lazy<bool> _loaded;
    private long _lastSeq;

    public SqsService(SqsStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _loaded = new Lazy<bool>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The base URL of queue URLs for callers that are not HTTP requests (event source mappings, ARN targets).</summary>
    public string DefaultBaseUrl { get; set; } = "http://localhost:4566";

    /// <summary>Runs one operation; <paramref name="operation"/> is the API name (e.g. <c>SendMessage</c>).</summary>
    public async Task<JsonObject> InvokeAsync(string operation, JsonObject input, SqsContext ctx, CancellationToken cancellationToken)
    {
        _ = _loaded.Value;
        return operation switch
        {
            "CreateQueue" => CreateQueue(input, ctx),
            "GetQueueUrl" => GetQueueUrl(input, ctx),
            "ListQueues" => ListQueues(input, ctx),
            "DeleteQueue" => DeleteQueue(input, ctx),
            "PurgeQueue" => PurgeQueue(input, ctx),
            "GetQueueAttributes" => GetQueueAttributes(input, ctx),
            "SetQueueAttributes" => SetQueueAttributes(input, ctx),
            "TagQueue" => TagQueue(input, ctx),
            "UntagQueue" => UntagQueue(input, ctx),
            "ListQueueTags" => ListQueueTags(input, ctx),
            "ListDeadLetterSourceQueues" => ListDeadLetterSourceQueues(input, ctx),
            "SendMessage" => SendMessage(input, ctx),
            "SendMessageBatch" => SendMessageBatch(input, ctx),
            "ReceiveMessage" => await ReceiveMessageAsync(input, ctx, cancellationToken),
            "DeleteMessage" => DeleteMessage(input, ctx),
            "DeleteMessageBatch" => DeleteMessageBatch(input, ctx),
            "ChangeMessageVisibility" => ChangeMessageVisibility(input, ctx),
            "ChangeMessageVisibilityBatch" => ChangeMessageVisibilityBatch(input, ctx),
            "StartMessageMoveTask" => StartMessageMoveTask(input, ctx),
            "ListMessageMoveTasks" => ListMessageMoveTasks(input, ctx),
            "CancelMessageMoveTask" => CancelMessageMoveTask(input, ctx),
            "AddPermission" or "RemovePermission" => throw SqsErrors.UnsupportedOperation($"Nimbus does not implement {operation}; set the queue's Policy attribute instead."),
            _ => throw CommonErrors.InvalidAction(operation).ToException(),
        };
    }

    /// <summary>The queue with this ARN, or null.</summary>
    public SqsQueue? FindByArn(string arn)
    {
        _ = _loaded.Value;
        if (!Arn.TryParse(arn, out var parsed) || parsed.Service != "sqs")
        {
            return null;
        }

        return _queues.GetValueOrDefault((parsed.Account, parsed.Region, parsed.Resource));
    }

    public string UrlOf(SqsQueue q, string baseUrl) => $"{baseUrl}/{q.Account}/{q.Name}";

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A message sequence: increasing across the process and across restarts (it starts from the clock).</summary>
    private long NextSeq()
    {
        var floor = Now() * 1000;
        while (true)
        {
            var last = Interlocked.Read(ref _lastSeq);
            var next = Math.Max(last + 1, floor);
            if (Interlocked.CompareExchange(ref _lastSeq, next, last) == last)
            {
                return next;
            }
        }
    }

    private bool Load()
    {
        var now = Now();
        foreach (var q in _store.LoadAll(now))
        {
            _queues[(q.Account, q.Region, q.Name)] = q;
            if (q.Messages.Count > 0)
            {
                _lastSeq = Math.Max(_lastSeq, q.Messages.Keys.Max());
            }
        }

        _store.PruneDeduplication(now);
        return true;
    }

    /// <summary>Resolves a queue URL (<c>http://host/account/name</c>; a bare name or <c>account/name</c> also works).</summary>
    private SqsQueue Resolve(JsonObject input, SqsContext ctx) => Resolve(JsonInput.Required(input, "QueueUrl"), ctx);

    private SqsQueue Resolve(string queueUrl, SqsContext ctx)
    {
        var region = ctx.Caller.Region;
        var path = queueUrl;
        if (Uri.TryCreate(queueUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            path = uri.AbsolutePath;
            var host = uri.Host.Split('.');
            if (host.Length > 2 && host[0] == "sqs" && host[1].Count(c => c == '-') >= 2)
            {
                region = host[1];
            }
        }

        var parts = path.Trim('/').Split('/');
        var (account, name) = parts.Length >= 2 ? (parts[^2], parts[^1]) : (ctx.Caller.AccountId, parts[^1]);
        return _queues.GetValueOrDefault((account, region, name)) ?? throw SqsErrors.NonExistentQueue();
    }

    private static JsonObject Empty() => [];

    private static string Token(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + lastName));

    private static string? FromToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("after:", StringComparison.Ordinal))
            {
                return text[6..];
            }
        }
        catch (FormatException)
        {
        }

        throw SqsErrors.InvalidParameterValue("Invalid or expired next token.");
    }

    private static int? MaxResults(JsonObject input)
    {
        var n = JsonInput.Long(input, "MaxResults");
        if (n is < 1 or > 1000)
        {
            throw SqsErrors.InvalidParameter("MaxResults", n, "MaxResults must be an integer between 1 and 1000.");
        }

        return (int?)n;
    }

    /// <summary>One page of queue URLs sorted by name, with a token when <c>MaxResults</c> was given and more remain.</summary>
    private (JsonArray Urls, string? Next) Page(IEnumerable<SqsQueue> queues, JsonObject input, SqsContext ctx)
    {
        var max = MaxResults(input);
        var after = FromToken(JsonInput.String(input, "NextToken"));
        var sorted = queues.Where(q => after is null || string.CompareOrdinal(q.Name, after) > 0)
            .OrderBy(q => q.Name, StringComparer.Ordinal).ToList();
        var page = sorted.Take(max ?? 1000).ToList();
        var urls = new JsonArray(page.Select(q => (JsonNode)UrlOf(q, ctx.BaseUrl)).ToArray());
        return (urls, max is not null && sorted.Count > page.Count ? Token(page[^1].Name) : null);
    }

    private static string Seconds(long ms) => (ms / 1000).ToString(CultureInfo.InvariantCulture);
}
