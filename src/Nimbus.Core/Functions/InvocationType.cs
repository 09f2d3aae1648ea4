namespace Nimbus.Core.Functions;

/// <summary>Lambda's <c>X-Amz-Invocation-Type</c>.</summary>
public enum InvocationType
{
    RequestResponse,
    Event,
    DryRun,
}
