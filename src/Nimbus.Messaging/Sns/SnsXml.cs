using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Messaging.Sns;

/// <summary>Writes SNS query-protocol responses: <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;…</c> in SNS's namespace.</summary>
internal static class SnsXml
{
    public static readonly XNamespace Ns = "http://sns.amazonaws.com/doc/2010-03-31/";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content);

    public static XElement Entries(string name, IEnumerable<KeyValuePair<string, string>> map) =>
        E(name, map.Select(kv => E("entry", E("key", kv.Key), E("value", kv.Value))));

    public static Task WriteAsync(HttpContext http, string action, string requestId, params object?[] result)
    {
        var doc = E($"{action}Response",
            result.Length == 0 ? null : E($"{action}Result", result),
            E("ResponseMetadata", E("RequestId", requestId)));
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/xml";
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        return http.Response.WriteAsync(doc.ToString(SaveOptions.DisableFormatting));
    }
}
