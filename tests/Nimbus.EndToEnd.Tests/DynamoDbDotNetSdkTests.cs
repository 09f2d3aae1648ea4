using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Nimbus.EndToEnd.Tests;

/// <summary>DynamoDB through AWSSDK.DynamoDBv2 (which verifies the x-amz-crc32 of every response) against a running Nimbus.</summary>
[Collection("nimbus")]
public sealed class DynamoDbDotNetSdkTests(NimbusFixture fixture)
{
    [Fact]
    public async Task TablesItemsAndQueries_WorkThroughTheDotNetSdk()
    {
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig
        {
            ServiceURL = fixture.Nimbus.Endpoint,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        var name = "dotnet-" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("sk", ScalarAttributeType.N)],
        });
        Assert.Equal(TableStatus.ACTIVE, created.TableDescription.TableStatus);

        foreach (var n in new[] { "3", "-1", "20" })
        {
            await client.PutItemAsync(name, new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = "p" },
                ["sk"] = new() { N = n },
                ["big"] = new() { N = "98765432109876543210987654321098765432" },
            });
        }

        var got = await client.GetItemAsync(name, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "p" }, ["sk"] = new() { N = "3" } });
        Assert.Equal("98765432109876543210987654321098765432", got.Item["big"].N);

        var query = await client.QueryAsync(new QueryRequest
        {
            TableName = name,
            KeyConditionExpression = "pk = :p AND sk > :lo",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":p"] = new() { S = "p" }, [":lo"] = new() { N = "-5" } },
        });
        Assert.Equal(["-1", "3", "20"], query.Items.Select(i => i["sk"].N));

        var describe = await client.DescribeTableAsync(name);
        Assert.Equal(3, describe.Table.ItemCount);

        var error = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.GetItemAsync(name, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "p" } }));
        Assert.Equal("ValidationException", error.ErrorCode);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeTableAsync("no-such-table"));
        await client.DeleteTableAsync(name);
    }

    [Fact]
    public async Task UpdateItemGlobalIndexAndTransactions_WorkThroughTheDotNetSdk()
    {
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig
        {
            ServiceURL = fixture.Nimbus.Endpoint,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        var name = "dotnet-x-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("st", ScalarAttributeType.S), new AttributeDefinition("n", ScalarAttributeType.N)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "byStatus",
                    KeySchema = [new KeySchemaElement("st", KeyType.HASH), new KeySchemaElement("n", KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        static Dictionary<string, AttributeValue> Key(string pk) => new() { ["pk"] = new() { S = pk } };

        var updated = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = name,
            Key = Key("a"),
            UpdateExpression = "SET st = :open, n = if_not_exists(n, :zero) + :inc ADD tags :t",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":open"] = new() { S = "open" }, [":zero"] = new() { N = "0" }, [":inc"] = new() { N = "5" }, [":t"] = new() { SS = ["x"] },
            },
            ReturnValues = ReturnValue.ALL_NEW,
        });
        Assert.Equal("5", updated.Attributes["n"].N);
        Assert.Equal(["x"], updated.Attributes["tags"].SS);
        await client.PutItemAsync(name, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "b" }, ["st"] = new() { S = "open" }, ["n"] = new() { N = "1" } });

        var failed = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = name,
            Key = Key("a"),
            UpdateExpression = "SET n = n + :inc",
            ConditionExpression = "n > :limit",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":inc"] = new() { N = "1" }, [":limit"] = new() { N = "100" } },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        }));
        Assert.Equal("5", failed.Item["n"].N);

        var query = await client.QueryAsync(new QueryRequest
        {
            TableName = name,
            IndexName = "byStatus",
            KeyConditionExpression = "st = :s AND n BETWEEN :lo AND :hi",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new() { S = "open" }, [":lo"] = new() { N = "0" }, [":hi"] = new() { N = "10" } },
        });
        Assert.Equal(["b", "a"], query.Items.Select(i => i["pk"].S));

        await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem { Update = new Update { TableName = name, Key = Key("a"), UpdateExpression = "SET st = :d", ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":d"] = new() { S = "done" } } } },
                new TransactWriteItem { Delete = new Delete { TableName = name, Key = Key("b") } },
            ],
        });
        var cancelled = await Assert.ThrowsAsync<TransactionCanceledException>(() => client.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem { Put = new Put { TableName = name, Item = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "c" } } } },
                new TransactWriteItem { ConditionCheck = new ConditionCheck { TableName = name, Key = Key("b"), ConditionExpression = "attribute_exists(pk)" } },
            ],
        }));
        Assert.Equal(["None", "ConditionalCheckFailed"], cancelled.CancellationReasons.Select(r => r.Code));
        var got = await client.TransactGetItemsAsync(new TransactGetItemsRequest
        {
            TransactItems = [new TransactGetItem { Get = new Get { TableName = name, Key = Key("a") } }, new TransactGetItem { Get = new Get { TableName = name, Key = Key("c") } }],
        });
        Assert.Equal("done", got.Responses[0].Item["st"].S);
        Assert.True(got.Responses[1].Item is null or { Count: 0 });
        var open = await client.QueryAsync(new QueryRequest
        {
            TableName = name,
            IndexName = "byStatus",
            KeyConditionExpression = "st = :s",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new() { S = "open" } },
        });
        Assert.Equal(0, open.Count);
        await client.DeleteTableAsync(name);
    }
}
