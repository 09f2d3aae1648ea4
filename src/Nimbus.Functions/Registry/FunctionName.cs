using System.Text.RegularExpressions;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Functions.Registry;

/// <summary>Parses the forms Lambda accepts for a function: name, partial ARN or full ARN, each with an optional qualifier.</summary>
internal static partial class FunctionName
{
    private const string Pattern = @"^(arn:(aws[a-zA-Z-]*)?:lambda:)?((?<region>[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):)?((?<account>\d{12}):)?(function:)?(?<name>[a-zA-Z0-9-_\.]+)(:(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$";

    [GeneratedRegex(Pattern)]
    private static partial Regex Regex();

    /// <summary>Resolves <paramref name="text"/> to a key and qualifier, or fails with AWS's validation error.</summary>
    public static (FunctionKey Key, string? Qualifier) Parse(string text, AwsRequestContext caller, string member = "functionName")
    {
        var match = text.Length is > 0 and <= 170 ? Regex().Match(text) : Match.Empty;
        if (!match.Success)
        {
            throw Validation(text, member, $"Member must satisfy regular expression pattern: {Pattern[1..^1]}").ToException();
        }

        var name = match.Groups["name"].Value;
        if (name.Length > 64)
        {
            throw Validation(text, member, "Member must have length less than or equal to 64").ToException();
        }

        var account = match.Groups["account"].Success ? match.Groups["account"].Value : caller.AccountId;
        var region = match.Groups["region"].Success ? match.Groups["region"].Value : caller.Region;
        var qualifier = match.Groups["qualifier"].Success ? match.Groups["qualifier"].Value : null;
        return (new FunctionKey(account, region, name), qualifier);
    }

    public static AwsError Validation(string value, string member, string constraint) =>
        new("ValidationException", $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");
}
