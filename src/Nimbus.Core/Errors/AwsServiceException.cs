namespace Nimbus.Core.Errors;

/// <summary>An error an AWS API returns to its caller, with AWS's code, message and HTTP status.</summary>
/// <remarks>Thrown by control-plane handlers and mapped to the wire by the protocol's error writer.
/// Hot paths (invoke) return <see cref="AwsError"/> values instead.</remarks>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(AwsError error)
        : base(error.Message) => Error = error;

    public AwsServiceException(string code, string message, int statusCode = 400)
        : this(new AwsError(code, message, statusCode))
    {
    }

    public AwsError Error { get; }
}
