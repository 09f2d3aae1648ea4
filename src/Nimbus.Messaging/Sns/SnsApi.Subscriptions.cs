using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;
using static Nimbus.Messaging.Sns.SnsXml;

namespace Nimbus.Messaging.Sns;

/// <summary>Subscribe, confirm, unsubscribe, list and subscription attributes.</summary>
internal sealed partial class SnsApi
{
    private static readonly HashSet<string> SupportedProtocols = ["sqs", "lambda", "http", "https"];

    private static readonly HashSet<string> KnownProtocols = ["sqs", "lambda", "http", "https", "email", "email-json", "sms", "application", "firehose"];

    private string Subscribe(HttpContext http, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var topicArn = p.RequiredArn("TopicArn");
        var protocol = p.Required("Protocol").ToLowerInvariant();
        var endpoint = p.Get("Endpoint") ?? "";
        if (!KnownProtocols.Contains(protocol))
        {
            throw SnsErrors.InvalidParameter("Invalid protocol type: " + protocol);
        }

        var topic = RequireTopic(topicArn);
        if (!SupportedProtocols.Contains(protocol))
        {
            throw SnsErrors.InvalidParameter($"Protocol Reason: Nimbus does not deliver to {protocol} endpoints");
        }

        ValidateEndpoint(protocol, endpoint, topic);
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in p.Map("Attributes").OrderBy(a => a.Key == "FilterPolicyScope" ? 0 : 1))
        {
            attributes[k] = SnsAttributes.ValidateSubscription(k, v, protocol, attributes);
        }

        var existing = store.SubscriptionsOf(topic.Arn).FirstOrDefault(s => s.Protocol == protocol && s.Endpoint == endpoint);
        if (existing is not null)
        {
            if (attributes.Any(a => existing.Attributes.GetValueOrDefault(a.Key) != a.Value))
            {
                throw SnsErrors.InvalidParameter("Attributes Reason: Subscription already exists with different attributes");
            }

            return existing.Pending && p.Get("ReturnSubscriptionArn") != "true" ? "pending confirmation" : existing.Arn;
        }

        var pending = protocol is "http" or "https";
        var sub = new Subscription(
            $"{topic.Arn}:{Guid.NewGuid()}", topic.Arn, caller.AccountId, protocol, endpoint,
            attributes.ToImmutableSortedDictionary(StringComparer.Ordinal), pending,
            pending ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(64)) : null,
            $"{http.Request.Scheme}://{http.Request.Host}");
        if (pending)
        {
            publisher.SubscribePending(topic, sub);
            return p.Get("ReturnSubscriptionArn") == "true" ? sub.Arn : "pending confirmation";
        }

        store.PutSubscription(sub, time.GetUtcNow().ToUnixTimeMilliseconds());
        return sub.Arn;
    }

    private static void ValidateEndpoint(string protocol, string endpoint, Topic topic)
    {
        switch (protocol)
        {
            case "sqs" when !Arn.TryParse(endpoint, out var a) || a.Service != "sqs":
                throw SnsErrors.InvalidParameter("SQS endpoint ARN");
            case "lambda" when !Arn.TryParse(endpoint, out var l) || l.Service != "lambda":
                throw SnsErrors.InvalidParameter("Lambda endpoint ARN");
            case "http" when !endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(endpoint, UriKind.Absolute, out _):
            case "https" when !endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(endpoint, UriKind.Absolute, out _):
                throw SnsErrors.InvalidParameter("Endpoint must match the specified protocol");
        }

        if (topic.IsFifo && (protocol != "sqs" || !endpoint.EndsWith(".fifo", StringComparison.Ordinal)))
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Endpoint Reason: FIFO SNS Topics currently only support FIFO SQS Queues as endpoints");
        }
    }

    private string Confirm(IReadOnlyDictionary<string, string> p)
    {
        var topic = RequireTopic(p.RequiredArn("TopicArn"));
        var token = p.Required("Token");
        var sub = store.SubscriptionsOf(topic.Arn).FirstOrDefault(s => s.Token == token)
            ?? throw SnsErrors.InvalidParameter("Token");
        if (sub.Pending)
        {
            store.PutSubscription(sub with { Pending = false }, time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return sub.Arn;
    }

    private void Unsubscribe(IReadOnlyDictionary<string, string> p)
    {
        // Unsubscribing a subscription that does not exist succeeds in AWS (the API reference's NotFound is not raised).
        store.DeleteSubscription(p.RequiredArn("SubscriptionArn"));
    }

    private Task ListSubscriptions(HttpContext http, string action, IReadOnlyDictionary<string, string> p, IReadOnlyList<Subscription> subs)
    {
        var (page, next) = Page(subs, s => s.Arn, p.Get("NextToken"));
        return WriteAsync(http, action, RequestId(http),
            E("Subscriptions", page.Select(s => E("member",
                E("SubscriptionArn", s.Pending ? "PendingConfirmation" : s.Arn), E("Owner", s.Owner), E("Protocol", s.Protocol),
                E("Endpoint", s.Endpoint), E("TopicArn", s.TopicArn)))),
            next is null ? null : E("NextToken", next));
    }

    private static string RequestId(HttpContext http) => (string)http.Items[RequestIdKey]!;

    private static SortedDictionary<string, string> SubscriptionAttributes(Subscription s)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["SubscriptionArn"] = s.Arn,
            ["TopicArn"] = s.TopicArn,
            ["Owner"] = s.Owner,
            ["Protocol"] = s.Protocol,
            ["Endpoint"] = s.Endpoint,
            ["ConfirmationWasAuthenticated"] = s.Pending ? "false" : "true",
            ["PendingConfirmation"] = s.Pending ? "true" : "false",
            ["RawMessageDelivery"] = "false",
            ["SubscriptionPrincipal"] = $"arn:aws:iam::{s.Owner}:root",
        };
        if (s.Protocol is "http" or "https")
        {
            result["EffectiveDeliveryPolicy"] = """{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}""";
        }

        foreach (var (k, v) in s.Attributes)
        {
            result[k] = v;
        }

        if (result.ContainsKey("FilterPolicy") && !result.ContainsKey("FilterPolicyScope"))
        {
            result["FilterPolicyScope"] = "MessageAttributes";
        }

        return result;
    }

    private void SetSubscriptionAttribute(IReadOnlyDictionary<string, string> p)
    {
        var sub = RequireSubscription(p.RequiredArn("SubscriptionArn"));
        var name = p.Required("AttributeName");
        var value = SnsAttributes.ValidateSubscription(name, p.Get("AttributeValue") ?? "", sub.Protocol, sub.Attributes);
        var attributes = value.Length == 0 && name is "FilterPolicy" or "RedrivePolicy" ? sub.Attributes.Remove(name) : sub.Attributes.SetItem(name, value);
        store.PutSubscription(sub with { Attributes = attributes }, time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
