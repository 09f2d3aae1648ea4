namespace Nimbus.Core.Protocols;

/// <summary>The AWS wire protocols, which decide how requests are read and errors are written.</summary>
public enum AwsProtocol
{
    RestJson,
    AwsJson10,
    AwsJson11,
    Query,
    RestXml,
}
