using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Data.DynamoDb;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.Tests.DynamoDb;

/// <summary>A temporary state directory with a migrated store and the DynamoDB API over it; <see cref="Reopen"/> simulates a restart.</summary>
internal sealed class DynamoTestState : IDisposable
{
    private static readonly AwsRequestContext Caller = new("123456789012", "us-east-1", "req");

    public DynamoTestState()
    {
        Directory = Path.Combine(Path.GetTempPath(), "nimbus-ddb-tests-" + Guid.NewGuid().ToString("N"));
        Api = Open();
    }

    public string Directory { get; }

    public DynamoDbApi Api { get; private set; }

    public DynamoStore Store { get; private set; } = null!;

    private DynamoDbApi Open()
    {
        var store = new StateStore(Directory);
        store.Migrate([new DynamoDbMigrations()]);
        Store = new DynamoStore(store, []);
        return new DynamoDbApi(Store, TimeProvider.System);
    }

    public void Reopen()
    {
        SqliteConnection.ClearAllPools();
        Api = Open();
    }

    public JsonObject Call(string operation, string json) => Api.Dispatch(operation, JsonNode.Parse(json)!.AsObject(), Caller);

    public AwsError Fail(string operation, string json) => Assert.Throws<AwsServiceException>(() => Call(operation, json)).Error;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
