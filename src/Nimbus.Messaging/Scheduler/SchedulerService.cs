using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Messaging.Scheduler;

/// <summary>The EventBridge Scheduler operations over JSON shaped as the Smithy model's inputs and outputs.</summary>
/// <remarks>The REST front end (<see cref="SchedulerApi"/>) and the CloudFormation provisioners both call these; inputs carry the
/// HTTP labels and query members under their model member names (<c>Name</c>, <c>GroupName</c>, <c>MaxResults</c>…).</remarks>
internal sealed partial class SchedulerService(SchedulerStore store, IArnTargets targets, SchedulerSignal signal, TimeProvider time)
{
    private const string NamePattern = "^[0-9a-zA-Z-_.]+$";

    [GeneratedRegex(NamePattern)]
    private static partial Regex NameRegex();

    private double Now() => ScheduleDefinition.EpochSeconds(time.GetUtcNow());

    private ScheduleGroup RequireGroup(AwsRequestContext caller, string? name) =>
        store.Group(caller.AccountId, caller.Region, name ?? ScheduleGroup.Default) ?? throw SchedulerErrors.GroupNotFound(name!);

    private static string RequireName(JsonNode? node, string path)
    {
        var errors = new ConstraintErrors();
        var name = errors.Text(node, path, required: true, max: 64, pattern: NameRegex(), patternText: NamePattern);
        errors.ThrowIfAny();
        return name!;
    }

    private static string? OptionalGroupName(JsonNode? node, string path)
    {
        var errors = new ConstraintErrors();
        var name = errors.Text(node, path, required: false, max: 64, pattern: NameRegex(), patternText: NamePattern);
        errors.ThrowIfAny();
        return name;
    }

    private static (int Start, int Limit) Page(JsonObject input)
    {
        var errors = new ConstraintErrors();
        var limit = errors.Integer(input["MaxResults"], "maxResults", 1, 100) ?? 100;
        errors.ThrowIfAny();
        var start = 0;
        if (input["NextToken"]?.GetValue<string>() is { } token)
        {
            try
            {
                start = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw SchedulerErrors.Validation("Invalid NextToken.");
            }
        }

        return (start, limit);
    }

    private static JsonObject WithToken(JsonObject result, int start, int limit, int total)
    {
        if (start + limit < total)
        {
            result["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((start + limit).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return result;
    }
}
