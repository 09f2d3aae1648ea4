using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Protocols;

/// <summary>Writes an <see cref="AwsError"/> to the response in the shape of the given protocol.</summary>
/// <remarks>
/// REST-JSON (Lambda): <c>x-amzn-ErrorType</c> header and <c>{"Type":"User","message":"…"}</c>. Lambda's model spells the
/// message member <c>Message</c> for some errors and <c>message</c> for others; both SDKs read either, we follow the model.
/// JSON 1.0/1.1: <c>{"__type":"…","message":"…"}</c>. Query: the <c>ErrorResponse</c> XML document.
/// </remarks>
public static class ErrorWriter
{
    private static readonly HashSet<string> CapitalMessage =
    [
        "ResourceNotFoundException", "ServiceException", "ResourceInUseException", "EC2AccessDeniedException",
        "InvalidRuntimeException", "KMSAccessDeniedException", "SubnetIPAddressLimitReachedException",
    ];

    public static Task WriteAsync(HttpContext http, AwsError error, AwsProtocol protocol, string requestId)
    {
        var response = http.Response;
        response.StatusCode = error.StatusCode;
        response.Headers["x-amzn-RequestId"] = requestId;
        if (error.Headers is not null)
        {
            foreach (var (k, v) in error.Headers)
            {
                response.Headers[k] = v;
            }
        }

        switch (protocol)
        {
            case AwsProtocol.Query:
            case AwsProtocol.RestXml:
                response.ContentType = "text/xml";
                return response.WriteAsync(QueryXml(error, requestId));
            default:
                response.Headers["x-amzn-ErrorType"] = error.Code;
                response.ContentType = protocol == AwsProtocol.RestJson ? "application/json" : $"application/x-amz-json-{(protocol == AwsProtocol.AwsJson10 ? "1.0" : "1.1")}";
                var body = protocol == AwsProtocol.RestJson ? RestJson(error) : AwsJson(error);
                return response.Body.WriteAsync(body).AsTask();
        }
    }

    public static byte[] RestJson(AwsError error)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("Type", error.IsSenderFault ? "User" : "Service");
            w.WriteString(CapitalMessage.Contains(error.Code) ? "Message" : "message", error.Message);
            WriteFields(w, error);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] AwsJson(AwsError error)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("__type", error.Code);
            w.WriteString("message", error.Message);
            WriteFields(w, error);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static string QueryXml(AwsError error, string requestId)
    {
        var sb = new StringBuilder();
        sb.Append("<ErrorResponse xmlns=\"http://webservices.amazon.com/AWSFault/2005-15-09\"><Error><Type>")
          .Append(error.IsSenderFault ? "Sender" : "Receiver")
          .Append("</Type><Code>").Append(SecurityElement.Escape(error.Code))
          .Append("</Code><Message>").Append(SecurityElement.Escape(error.Message))
          .Append("</Message></Error><RequestId>").Append(requestId).Append("</RequestId></ErrorResponse>");
        return sb.ToString();
    }

    private static void WriteFields(Utf8JsonWriter w, AwsError error)
    {
        if (error.Fields is null)
        {
            return;
        }

        foreach (var (k, v) in error.Fields)
        {
            w.WriteString(k, v);
        }
    }
}
