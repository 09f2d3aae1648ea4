namespace Nimbus.Functions.EventSources;

/// <summary>A Lambda event source mapping: a queue or a stream polled on a function's behalf.</summary>
/// <remarks>The init-only members are the stream settings (DynamoDB streams); they are null for queues.</remarks>
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

    /// <summary>True for a DynamoDB stream source.</summary>
    public bool IsStream => EventSourceArn.Contains(":dynamodb:", StringComparison.Ordinal);

    /// <summary><c>TRIM_HORIZON</c>, <c>LATEST</c> or <c>AT_TIMESTAMP</c>.</summary>
    public string? StartingPosition { get; init; }

    /// <summary>For <c>AT_TIMESTAMP</c>: epoch milliseconds.</summary>
    public long? StartingPositionTimestampMs { get; init; }

    public bool? BisectBatchOnFunctionError { get; init; }

    /// <summary>-1: retry until the record expires.</summary>
    public int? MaximumRetryAttempts { get; init; }

    /// <summary>-1: records never expire (beyond the stream's own 24-hour retention).</summary>
    public int? MaximumRecordAgeInSeconds { get; init; }

    /// <summary>Accepted and reported; batches of one shard are processed one at a time (see docs/dynamodb.md).</summary>
    public int? ParallelizationFactor { get; init; }

    /// <summary>The <c>DestinationConfig.OnFailure</c> ARN (SQS queue or SNS topic).</summary>
    public string? OnFailureDestination { get; init; }
}
