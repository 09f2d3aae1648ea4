using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Management;

/// <summary>Every API of both families: SQLite is the source of truth, memory holds immutable published entries.</summary>
/// <remarks>
/// Readers (the invoke path, Get/List calls) take the current <see cref="ApiEntry"/> without locking. Writers are
/// serialised by one lock: they clone the document, change the clone, commit it to SQLite, compile the stages'
/// serving snapshots and only then publish the new entry — a failed write leaves both store and memory unchanged.
/// </remarks>
internal sealed class ApiStore
{
    private readonly StateStore _store;
    private readonly ConcurrentDictionary<string, ApiEntry> _apis = new(StringComparer.Ordinal);
    private readonly Lock _write = new();

    public ApiStore(StateStore store, TimeProvider time)
    {
        _store = store;
        Time = time;
        using var connection = store.Open();
        var rows = connection.Query(
            "SELECT api_id, kind, account, region, doc FROM apigw_apis",
            r => (Id: r.GetString(0), Kind: Enum.Parse<ApiKind>(r.GetString(1)), Account: r.GetString(2), Region: r.GetString(3), Doc: r.GetString(4)));
        foreach (var row in rows)
        {
            var doc = JsonNode.Parse(row.Doc)!.AsObject();
            _apis[row.Id] = StageCompiler.Publish(new ApiEntry(row.Id, row.Kind, row.Account, row.Region, doc));
        }
    }

    public TimeProvider Time { get; }

    /// <summary>The published entry for an invoke URL, whoever owns it (API ids are global).</summary>
    public ApiEntry? Find(string apiId) => _apis.GetValueOrDefault(apiId);

    /// <summary>The caller's API of the given family, or NotFoundException.</summary>
    public ApiEntry Get(string apiId, ApiKind kind, AwsRequestContext caller)
    {
        if (_apis.TryGetValue(apiId, out var entry) && entry.Kind == kind && entry.Account == caller.AccountId && entry.Region == caller.Region)
        {
            return entry;
        }

        throw GatewayErrors.NotFound($"Invalid API identifier specified {caller.AccountId}:{apiId}", kind == ApiKind.Http ? "Api" : null);
    }

    public IReadOnlyList<ApiEntry> List(ApiKind kind, AwsRequestContext caller) =>
        [.. _apis.Values.Where(e => e.Kind == kind && e.Account == caller.AccountId && e.Region == caller.Region)
            .OrderBy(e => e.Doc["createdSeq"]?.GetValue<long>() ?? 0).ThenBy(e => e.ApiId, StringComparer.Ordinal)];

    public ApiEntry Create(ApiKind kind, AwsRequestContext caller, Action<string, JsonObject> build)
    {
        lock (_write)
        {
            string id;
            do
            {
                id = GatewayIds.Api();
            }
            while (_apis.ContainsKey(id));

            var doc = new JsonObject { ["createdSeq"] = Time.GetUtcNow().ToUnixTimeMilliseconds() };
            build(id, doc);
            var entry = StageCompiler.Publish(new ApiEntry(id, kind, caller.AccountId, caller.Region, doc));
            _store.Write((c, tx) => c.Execute(
                "INSERT INTO apigw_apis (api_id, kind, account, region, doc, updated) VALUES ($id, $k, $a, $r, $d, $u)", tx,
                ("$id", id), ("$k", kind.ToString()), ("$a", caller.AccountId), ("$r", caller.Region), ("$d", doc.ToJsonString()),
                ("$u", Time.GetUtcNow().ToUnixTimeMilliseconds())));
            _apis[id] = entry;
            return entry;
        }
    }

    /// <summary>Applies <paramref name="change"/> to a copy of the API's document, stores and publishes it.</summary>
    public T Update<T>(string apiId, ApiKind kind, AwsRequestContext caller, Func<JsonObject, T> change)
    {
        lock (_write)
        {
            var current = Get(apiId, kind, caller);
            var doc = current.Doc.DeepClone().AsObject();
            var result = change(doc);
            var entry = StageCompiler.Publish(current with { Doc = doc });
            _store.Write((c, tx) => c.Execute(
                "UPDATE apigw_apis SET doc = $d, updated = $u WHERE api_id = $id", tx,
                ("$id", apiId), ("$d", doc.ToJsonString()), ("$u", Time.GetUtcNow().ToUnixTimeMilliseconds())));
            _apis[apiId] = entry;
            return result;
        }
    }

    public void Delete(string apiId, ApiKind kind, AwsRequestContext caller)
    {
        lock (_write)
        {
            Get(apiId, kind, caller);
            _store.Write((c, tx) => c.Execute("DELETE FROM apigw_apis WHERE api_id = $id", tx, ("$id", apiId)));
            _apis.TryRemove(apiId, out _);
        }
    }
}
