namespace Nimbus.Functions.EventSources;

/// <summary>A Lambda event source mapping: a queue polled on a function's behalf.</summary>
/// <param name="FunctionArn">The function's ARN as the mapping names it (unqualified, or with a version or alias).</param>
/// <param name="Filters">The <c>FilterCriteria</c> patterns; a record matching any of them is processed.</param>
internal sealed record EventSourceMapping(
    string Uuid,
    string AccountId,
    string Region,
    string EventSourceArn,
    string FunctionArn,
    int BatchSize,
    int MaximumBatchingWindowInSeconds,
    bool Enabled,
    IReadOnlyList<string> FunctionResponseTypes,
    int? MaximumConcurrency,
    IReadOnlyList<string>? Filters,
    long LastModifiedMs)
{
    public string Arn => $"arn:aws:lambda:{Region}:{AccountId}:event-source-mapping:{Uuid}";

    public bool ReportsBatchItemFailures => FunctionResponseTypes.Contains("ReportBatchItemFailures");
}
