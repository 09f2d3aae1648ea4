using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal static class S3Errors
{
    public static AwsServiceException NoSuchBucket(string bucket) => new("NoSuchBucket", "The specified bucket does not exist", 404);

    public static AwsServiceException NoSuchKey(string key) => new("NoSuchKey", "The specified key does not exist.", 404);

    public static AwsServiceException NoSuchUpload() =>
        new("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404);

    public static AwsServiceException InvalidArgument(string message) => new("InvalidArgument", message, 400);

    public static AwsServiceException Malformed() => new("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
}
