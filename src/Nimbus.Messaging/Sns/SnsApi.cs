using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using static Nimbus.Messaging.Sns.SnsXml;

namespace Nimbus.Messaging.Sns;

/// <summary>The SNS API over the query protocol (<c>Action=…</c>, XML responses): topics, subscriptions, publishing, tags.</summary>
internal sealed partial class SnsApi(SnsStore store, SnsPublisher publisher, TimeProvider time) : IQueryProtocolService
{
    private const int PageSize = 100;
    private const string RequestIdKey = "nimbus.sns.requestId";

    private static readonly HashSet<string> Actions =
    [
        "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes",
        "Subscribe", "ConfirmSubscription", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic",
        "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch",
        "TagResource", "UntagResource", "ListTagsForResource",
    ];

    public string SigningName => "sns";

    public bool Handles(string action) => Actions.Contains(action);

    public Task HandleAsync(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var id = caller.RequestId;
        http.Items[RequestIdKey] = id;
        return action switch
        {
            "CreateTopic" => WriteAsync(http, action, id, E("TopicArn", CreateTopic(p, caller).Arn)),
            "DeleteTopic" => Run(http, action, id, () => store.DeleteTopic(p.RequiredArn("TopicArn"))),
            "ListTopics" => ListTopics(http, action, p, caller),
            "GetTopicAttributes" => WriteAsync(http, action, id, Entries("Attributes", TopicAttributes(RequireTopic(p.RequiredArn("TopicArn"))))),
            "SetTopicAttributes" => Run(http, action, id, () => SetTopicAttribute(p)),
            "Subscribe" => WriteAsync(http, action, id, E("SubscriptionArn", Subscribe(http, p, caller))),
            "ConfirmSubscription" => WriteAsync(http, action, id, E("SubscriptionArn", Confirm(p))),
            "Unsubscribe" => Run(http, action, id, () => Unsubscribe(p)),
            "ListSubscriptions" => ListSubscriptions(http, action, p, store.ListSubscriptions(caller.AccountId, caller.Region)),
            "ListSubscriptionsByTopic" => ListSubscriptions(http, action, p, store.SubscriptionsOf(RequireTopic(p.RequiredArn("TopicArn")).Arn)),
            "GetSubscriptionAttributes" => WriteAsync(http, action, id, Entries("Attributes", SubscriptionAttributes(RequireSubscription(p.RequiredArn("SubscriptionArn"))))),
            "SetSubscriptionAttributes" => Run(http, action, id, () => SetSubscriptionAttribute(p)),
            "Publish" => Publish(http, action, p),
            "PublishBatch" => PublishBatch(http, action, p),
            "TagResource" => Run(http, action, id, () => Tag(p)),
            "UntagResource" => Run(http, action, id, () => Untag(p)),
            "ListTagsForResource" => WriteAsync(http, action, id, E("Tags", TagsOf(p.RequiredArn("ResourceArn")).Select(t => E("member", E("Key", t.Key), E("Value", t.Value))))),
            _ => throw Core.Errors.CommonErrors.InvalidAction(action).ToException(),
        };
    }

    private static Task Run(HttpContext http, string action, string requestId, Action work)
    {
        work();
        return WriteAsync(http, action, requestId);
    }

    internal Topic RequireTopic(string arn) => store.Topic(arn) ?? throw SnsErrors.TopicNotFound();

    private Subscription RequireSubscription(string arn) => store.Subscription(arn) ?? throw SnsErrors.SubscriptionNotFound();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TopicName();

    internal Topic CreateTopic(IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var name = p.Required("Name");
        var attributes = p.Map("Attributes");
        var fifo = attributes.GetValueOrDefault("FifoTopic") == "true";
        var bare = name.EndsWith(".fifo", StringComparison.Ordinal) ? name[..^5] : name;
        if (fifo && (!name.EndsWith(".fifo", StringComparison.Ordinal) || !TopicName().IsMatch(bare) || name.Length > 256))
        {
            throw SnsErrors.InvalidParameter("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.");
        }

        if (!fifo && !TopicName().IsMatch(name))
        {
            throw SnsErrors.InvalidParameter("Topic Name");
        }

        foreach (var (k, v) in attributes)
        {
            SnsAttributes.ValidateTopic(k, v, fifo);
        }

        if (fifo)
        {
            attributes["FifoTopic"] = "true";
            attributes.TryAdd("ContentBasedDeduplication", "false");
        }
        else
        {
            attributes.Remove("FifoTopic");
        }

        var tags = ReadTags(p);
        var topic = new Topic(Topic.ArnFor(caller, name), name, caller.AccountId, caller.Region,
            attributes.ToImmutableSortedDictionary(StringComparer.Ordinal), tags.ToImmutableSortedDictionary(StringComparer.Ordinal));
        var (stored, created) = store.CreateTopic(topic, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!created)
        {
            foreach (var (k, v) in attributes)
            {
                if (stored.Attributes.GetValueOrDefault(k) != v)
                {
                    throw SnsErrors.InvalidParameter("Attributes Reason: Topic already exists with different attributes");
                }
            }

            if (tags.Count > 0 && tags.Any(t => stored.Tags.GetValueOrDefault(t.Key) != t.Value))
            {
                throw SnsErrors.InvalidParameter("Tags Reason: Topic already exists with different tags");
            }
        }

        return stored;
    }

    private Task ListTopics(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var (page, next) = Page(store.ListTopics(caller.AccountId, caller.Region), t => t.Arn, p.Get("NextToken"));
        return WriteAsync(http, action, caller.RequestId, E("Topics", page.Select(t => E("member", E("TopicArn", t.Arn)))), next is null ? null : E("NextToken", next));
    }

    /// <summary>Pages a sorted list by key: the token is the first key of the next page.</summary>
    private static (List<T> Page, string? Next) Page<T>(IReadOnlyList<T> items, Func<T, string> key, string? token)
    {
        var start = 0;
        if (token is not null)
        {
            var from = DecodeToken(token);
            start = items.Count(i => string.CompareOrdinal(key(i), from) < 0);
        }

        var page = items.Skip(start).Take(PageSize).ToList();
        var next = start + PageSize < items.Count ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key(items[start + PageSize]))) : null;
        return (page, next);
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw SnsErrors.InvalidParameter("NextToken");
        }
    }

    private IEnumerable<KeyValuePair<string, string>> TopicAttributes(Topic t)
    {
        var subs = store.SubscriptionsOf(t.Arn);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["TopicArn"] = t.Arn,
            ["Owner"] = t.Account,
            ["DisplayName"] = "",
            ["SubscriptionsConfirmed"] = subs.Count(s => !s.Pending).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SubscriptionsPending"] = subs.Count(s => s.Pending).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SubscriptionsDeleted"] = "0",
            ["Policy"] = DefaultPolicy(t),
            ["EffectiveDeliveryPolicy"] = """{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}""",
        };
        foreach (var (k, v) in t.Attributes)
        {
            result[k] = v;
        }

        return result;
    }

    private static string DefaultPolicy(Topic t) =>
        "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
        + "\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],"
        + $"\"Resource\":\"{t.Arn}\",\"Condition\":{{\"StringEquals\":{{\"AWS:SourceOwner\":\"{t.Account}\"}}}}}}]}}";

    private void SetTopicAttribute(IReadOnlyDictionary<string, string> p)
    {
        var topic = RequireTopic(p.RequiredArn("TopicArn"));
        var name = p.Required("AttributeName");
        var value = p.Get("AttributeValue") ?? "";
        if (name == "FifoTopic")
        {
            throw SnsErrors.InvalidParameter("AttributeName");
        }

        SnsAttributes.ValidateTopic(name, value, topic.IsFifo);
        store.UpdateTopic(topic with { Attributes = topic.Attributes.SetItem(name, value) });
    }

    private static Dictionary<string, string> ReadTags(IReadOnlyDictionary<string, string> p)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in p.Members("Tags"))
        {
            var key = m.GetValueOrDefault("Key") ?? "";
            if (key.Length is 0 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new Core.Errors.AwsServiceException("TagPolicy", "Tag key is not valid", 400);
            }

            var value = m.GetValueOrDefault("Value") ?? "";
            if (value.Length > 256)
            {
                throw new Core.Errors.AwsServiceException("TagPolicy", "Tag value is not valid", 400);
            }

            tags[key] = value;
        }

        return tags;
    }

    private IReadOnlyDictionary<string, string> TagsOf(string arn) => (store.Topic(arn) ?? throw SnsErrors.ResourceNotFound()).Tags;

    private void Tag(IReadOnlyDictionary<string, string> p)
    {
        var topic = store.Topic(p.RequiredArn("ResourceArn")) ?? throw SnsErrors.ResourceNotFound();
        var tags = topic.Tags.SetItems(ReadTags(p));
        if (tags.Count > 50)
        {
            throw new Core.Errors.AwsServiceException("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400);
        }

        store.UpdateTopic(topic with { Tags = tags });
    }

    private void Untag(IReadOnlyDictionary<string, string> p)
    {
        var topic = store.Topic(p.RequiredArn("ResourceArn")) ?? throw SnsErrors.ResourceNotFound();
        store.UpdateTopic(topic with { Tags = topic.Tags.RemoveRange(p.Strings("TagKeys")) });
    }
}
