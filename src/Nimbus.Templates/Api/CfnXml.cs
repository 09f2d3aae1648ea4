using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Templates.Api;

/// <summary>Writes CloudFormation query-protocol responses: <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;…</c> in its namespace.</summary>
internal static class CfnXml
{
    public static readonly XNamespace Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content);

    /// <summary>An element only when the value is present (absent members are omitted, as AWS does).</summary>
    public static XElement? Opt(string name, object? value) => value switch
    {
        null => null,
        string s => E(name, s),
        bool b => E(name, b ? "true" : "false"),
        DateTimeOffset t => E(name, Time(t)),
        _ => E(name, value),
    };

    public static XElement Members(string name, IEnumerable<object?> items) => E(name, items.Select(i => E("member", i)));

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static Task WriteAsync(HttpContext http, string action, string requestId, params object?[] result)
    {
        var doc = E($"{action}Response",
            E($"{action}Result", result),
            E("ResponseMetadata", E("RequestId", requestId)));
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/xml";
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        return http.Response.WriteAsync(doc.ToString(SaveOptions.DisableFormatting));
    }
}
