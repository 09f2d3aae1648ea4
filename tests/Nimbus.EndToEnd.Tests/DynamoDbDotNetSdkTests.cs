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
}
