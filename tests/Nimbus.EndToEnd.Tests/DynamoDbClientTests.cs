namespace Nimbus.EndToEnd.Tests;

/// <summary>The DynamoDB API driven by @aws-sdk/client-dynamodb (tests/clients/e2e/dynamodb.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class DynamoDbClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task TablesItemsQueriesAndErrors_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "dynamodb.test.mjs")]);
}

/// <summary>Expressions, UpdateItem, secondary indexes and transactions through @aws-sdk/client-dynamodb and lib-dynamodb
/// (tests/clients/e2e/dynamodb-expressions.test.mjs).</summary>
[Collection("nimbus")]
public sealed class DynamoDbExpressionClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task ExpressionsIndexesAndTransactions_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "dynamodb-expressions.test.mjs")]);
}
