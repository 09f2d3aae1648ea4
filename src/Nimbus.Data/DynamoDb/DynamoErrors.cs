using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb;

/// <summary>DynamoDB errors whose body carries structured members (<c>Item</c>, <c>CancellationReasons</c>).</summary>
/// <remarks><see cref="AwsError.Fields"/> holds strings only, so the structured members ride alongside the error and
/// <see cref="DynamoDbApi"/> writes them into the JSON error body.</remarks>
internal static class DynamoErrors
{
    private static readonly ConditionalWeakTable<AwsError, JsonObject> Extras = new();

    public static AwsServiceException WithMembers(AwsError error, JsonObject members)
    {
        Extras.AddOrUpdate(error, members);
        return error.ToException();
    }

    public static JsonObject? Members(AwsError error) => Extras.TryGetValue(error, out var m) ? m : null;

    /// <summary>ConditionalCheckFailedException; with ReturnValuesOnConditionCheckFailure ALL_OLD it carries the item as it was.</summary>
    public static AwsServiceException ConditionalCheckFailed(JsonObject? old, string returnValuesOnFailure)
    {
        var error = new AwsError("ConditionalCheckFailedException", "The conditional request failed");
        return returnValuesOnFailure == "ALL_OLD" && old is not null
            ? WithMembers(error, new JsonObject { ["Item"] = old.DeepClone() })
            : error.ToException();
    }
}
