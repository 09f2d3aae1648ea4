namespace Nimbus.Functions.Registry;

/// <summary>How Event invocations of one function qualifier are retried and where their outcomes go
/// (<c>PutFunctionEventInvokeConfig</c>). Unset members take AWS's defaults: 2 retries, 6 hours.</summary>
internal sealed record EventInvokeConfig(
    string Qualifier,
    int? MaximumRetryAttempts,
    int? MaximumEventAgeInSeconds,
    string? OnSuccess,
    string? OnFailure,
    long LastModifiedMs)
{
    public const int DefaultRetryAttempts = 2;
    public const int DefaultEventAgeSeconds = 21600;

    public int RetryAttempts => MaximumRetryAttempts ?? DefaultRetryAttempts;

    public int EventAgeSeconds => MaximumEventAgeInSeconds ?? DefaultEventAgeSeconds;
}
