using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Logs.Api;
using Nimbus.Logs.Store;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Tests;

/// <summary>A temporary state directory with a migrated store, a log store and the API over it.</summary>
internal sealed class LogsTestState : IAsyncDisposable
{
    public LogsTestState()
    {
        Directory = Path.Combine(Path.GetTempPath(), "nimbus-logs-tests-" + Guid.NewGuid().ToString("N"));
        Store = new StateStore(Directory);
        Store.Migrate([new LogsMigrations()]);
        Logs = new LogStore(Store, TimeProvider.System);
        Api = new LogsApi(Logs, TimeProvider.System);
    }

    public string Directory { get; }

    public StateStore Store { get; }

    public LogStore Logs { get; }

    public LogsApi Api { get; }


    /// <summary>Flushes the store, failing (rather than hanging) when the writer does not answer within 30 s.</summary>
    public Task FlushAsync() => Logs.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await Logs.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Calls one operation as <paramref name="caller"/> and returns the parsed response body.</summary>
    public async Task<JsonObject> CallAsync(string operation, string json, AwsRequestContext? caller = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var response = new MemoryStream();
        http.Response.Body = response;
        // Bounded: a log writer that stopped would otherwise hang the test run instead of failing it.
        await Api.HandleAsync(http, operation, caller ?? new AwsRequestContext("123456789012", "us-east-1", "req")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("application/x-amz-json-1.1", http.Response.ContentType);
        return JsonNode.Parse(response.ToArray())!.AsObject();
    }

    public async Task<AwsError> FailAsync(string operation, string json)
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => CallAsync(operation, json));
        return e.Error;
    }
}
