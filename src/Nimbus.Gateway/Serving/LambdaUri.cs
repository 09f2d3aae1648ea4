using System.Text.RegularExpressions;

namespace Nimbus.Gateway.Serving;

/// <summary>Reads the function to call out of an integration URI, after stage-variable substitution.</summary>
/// <remarks>Accepts a function name or ARN, and API Gateway's
/// <c>arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations</c> form.</remarks>
internal static partial class LambdaUri
{
    public static string FunctionOf(string uri, IReadOnlyDictionary<string, string> stageVariables)
    {
        var resolved = StageVariable().Replace(uri, m => stageVariables.GetValueOrDefault(m.Groups[1].Value, ""));
        const string Marker = ":lambda:path/";
        var at = resolved.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return resolved;
        }

        var rest = resolved[(at + Marker.Length)..];
        var functions = rest.IndexOf("/functions/", StringComparison.Ordinal);
        if (functions >= 0)
        {
            rest = rest[(functions + "/functions/".Length)..];
        }

        return rest.EndsWith("/invocations", StringComparison.Ordinal) ? rest[..^"/invocations".Length] : rest;
    }

    [GeneratedRegex(@"\$\{stageVariables\.([A-Za-z0-9_]+)\}")]
    private static partial Regex StageVariable();
}
