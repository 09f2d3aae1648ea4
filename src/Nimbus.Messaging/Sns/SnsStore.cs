using System.Collections.Immutable;
using System.Text.Json;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Sns;

/// <summary>Topics, subscriptions and the delivery outbox, in SQLite with an in-memory snapshot of topics and subscriptions.</summary>
/// <remarks>
/// SQLite is the source of truth: every change commits before the in-memory maps are swapped. Thread-safe: writers take
/// <c>_gate</c>; readers see the last committed snapshot. The maps load on first use (after migrations ran).
/// </remarks>
internal sealed partial class SnsStore(StateStore store)
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, Topic>? _topics;
    private ImmutableDictionary<string, Subscription> _subscriptions = ImmutableDictionary<string, Subscription>.Empty;

    public StateStore State => store;

    private ImmutableDictionary<string, Topic> Topics
    {
        get
        {
            if (_topics is { } loaded)
            {
                return loaded;
            }

            lock (_gate)
            {
                if (_topics is null)
                {
                    Load();
                }

                return _topics!;
            }
        }
    }

    public Topic? Topic(string arn) => Topics.GetValueOrDefault(arn);

    public IReadOnlyList<Topic> ListTopics(string account, string region) =>
        Topics.Values.Where(t => t.Account == account && t.Region == region).OrderBy(t => t.Arn, StringComparer.Ordinal).ToList();

    public Subscription? Subscription(string arn)
    {
        _ = Topics;
        return _subscriptions.GetValueOrDefault(arn);
    }

    public IReadOnlyList<Subscription> SubscriptionsOf(string topicArn)
    {
        _ = Topics;
        return _subscriptions.Values.Where(s => s.TopicArn == topicArn).OrderBy(s => s.Arn, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<Subscription> ListSubscriptions(string account, string region)
    {
        _ = Topics;
        var prefix = $"arn:aws:sns:{region}:{account}:";
        return _subscriptions.Values.Where(s => s.TopicArn.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(s => s.Arn, StringComparer.Ordinal).ToList();
    }

    /// <summary>Inserts a topic, or returns the existing one of that ARN (the caller compares attributes).</summary>
    public (Topic Topic, bool Created) CreateTopic(Topic topic, long now)
    {
        lock (_gate)
        {
            if (Topics.TryGetValue(topic.Arn, out var existing))
            {
                return (existing, false);
            }

            store.Write((c, tx) => c.Execute(
                "INSERT INTO sns_topics (arn, account, region, name, attributes, tags, created) VALUES ($a, $ac, $r, $n, $at, $t, $c)", tx,
                ("$a", topic.Arn), ("$ac", topic.Account), ("$r", topic.Region), ("$n", topic.Name),
                ("$at", ToJson(topic.Attributes)), ("$t", ToJson(topic.Tags)), ("$c", now)));
            _topics = _topics!.SetItem(topic.Arn, topic);
            return (topic, true);
        }
    }

    public void UpdateTopic(Topic topic)
    {
        lock (_gate)
        {
            var rows = store.Write((c, tx) => c.Execute(
                "UPDATE sns_topics SET attributes = $at, tags = $t WHERE arn = $a", tx,
                ("$a", topic.Arn), ("$at", ToJson(topic.Attributes)), ("$t", ToJson(topic.Tags))));
            if (rows == 0)
            {
                throw SnsErrors.TopicNotFound();
            }

            _topics = Topics.SetItem(topic.Arn, topic);
        }
    }

    public void DeleteTopic(string arn)
    {
        lock (_gate)
        {
            store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM sns_subscriptions WHERE topic_arn = $a", tx, ("$a", arn));
                c.Execute("DELETE FROM sns_dedup WHERE topic_arn = $a", tx, ("$a", arn));
                return c.Execute("DELETE FROM sns_topics WHERE arn = $a", tx, ("$a", arn));
            });
            _topics = Topics.Remove(arn);
            _subscriptions = _subscriptions.RemoveRange(_subscriptions.Values.Where(s => s.TopicArn == arn).Select(s => s.Arn));
        }
    }

    /// <summary>Inserts or updates a subscription, committing its confirmation request (if any) in the same transaction.</summary>
    public void PutSubscription(Subscription sub, long now, OutboxEntry? confirmation = null)
    {
        lock (_gate)
        {
            store.Write((c, tx) =>
            {
                if (confirmation is not null)
                {
                    Insert(c, tx, confirmation);
                }

                return c.Execute(
                """
                INSERT INTO sns_subscriptions (arn, topic_arn, owner, protocol, endpoint, attributes, pending, token, base_url, created)
                VALUES ($a, $t, $o, $p, $e, $at, $pe, $tk, $b, $c)
                ON CONFLICT (arn) DO UPDATE SET attributes = excluded.attributes, pending = excluded.pending, token = excluded.token
                """, tx,
                ("$a", sub.Arn), ("$t", sub.TopicArn), ("$o", sub.Owner), ("$p", sub.Protocol), ("$e", sub.Endpoint),
                ("$at", ToJson(sub.Attributes)), ("$pe", sub.Pending ? 1 : 0), ("$tk", sub.Token), ("$b", sub.BaseUrl), ("$c", now));
            });
            _ = Topics;
            _subscriptions = _subscriptions.SetItem(sub.Arn, sub.WithCompiledFilter());
        }
    }

    public bool DeleteSubscription(string arn)
    {
        lock (_gate)
        {
            var rows = store.Write((c, tx) => c.Execute("DELETE FROM sns_subscriptions WHERE arn = $a", tx, ("$a", arn)));
            _subscriptions = _subscriptions.Remove(arn);
            return rows > 0;
        }
    }

    private void Load()
    {
        using var c = store.Open();
        // Subscriptions first: readers take the lock-free path as soon as _topics is set.
        var topics = c.Query("SELECT arn, name, account, region, attributes, tags FROM sns_topics", r => new Topic(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), FromJson(r.GetString(4)), FromJson(r.GetString(5))))
            .ToImmutableDictionary(t => t.Arn, StringComparer.Ordinal);
        _subscriptions = c.Query("SELECT arn, topic_arn, owner, protocol, endpoint, attributes, pending, token, base_url FROM sns_subscriptions", r => new Subscription(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), FromJson(r.GetString(5)),
            r.GetInt32(6) != 0, r.StringOrNull(7), r.GetString(8)).WithCompiledFilter())
            .ToImmutableDictionary(s => s.Arn, StringComparer.Ordinal);
        Volatile.Write(ref _topics, topics);
    }

    internal static string ToJson(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(map, SnsJsonContext.Default.IReadOnlyDictionaryStringString);

    internal static ImmutableSortedDictionary<string, string> FromJson(string json) =>
        (JsonSerializer.Deserialize(json, SnsJsonContext.Default.DictionaryStringString) ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal);

}
