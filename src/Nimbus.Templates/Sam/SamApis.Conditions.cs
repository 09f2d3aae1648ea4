using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// Functions with a <c>Condition</c> on REST APIs: conditional operations, paths and the implicit API itself (which also
/// takes its deletion policies from the functions).
/// </summary>
/// <remarks>
/// An operation added for a function with a Condition is wrapped in <c>Fn::If</c> (and so is its integration URI). On
/// an API whose document the translator generates, a path whose operations all come from conditional functions is
/// wrapped too, in their one condition or an <c>Fn::Or</c> of them named <c>&lt;Api&gt;&lt;path&gt;PathCondition</c>; the
/// implicit API gets the condition (or <c>ServerlessRestApiCondition</c>) when every one of its events is conditional.
/// Or-conditions take at most 10 operands, so longer lists chain through numbered conditions, as the translator does.
/// </remarks>
internal sealed partial class SamApis
{
    private const int MaxOrConditions = 10;

    /// <summary>The Condition of the function behind an event, or null.</summary>
    private string? EventCondition(ApiEvent ev) => Json.Str(context.InputResource(ev.FunctionId)?["Condition"]);

    private static JsonObject Conditional(string condition, JsonNode data) =>
        new() { ["Fn::If"] = new JsonArray(condition, data, Json.Ref("AWS::NoValue")) };

    /// <summary>The condition to put on the implicit REST API: null unless all of its events are conditional.</summary>
    private string? ImplicitRestApiCondition()
    {
        var conditions = _events.Where(e => !e.Http && e.ApiId == ImplicitRestApi && e.Path is not null && e.Method is not null).Select(EventCondition).ToList();
        if (conditions.Count == 0 || conditions.Any(c => c is null))
        {
            return null;
        }

        var distinct = conditions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1)
        {
            return distinct[0];
        }

        AddCombinedCondition(ImplicitRestApi + "Condition", distinct!);
        return ImplicitRestApi + "Condition";
    }

    /// <summary>
    /// The DeletionPolicy / UpdateReplacePolicy of the implicit REST API, from those of the functions with events on it:
    /// the most protective one any of them sets (Retain, then Snapshot, then Delete), or null when none sets one.
    /// </summary>
    private string? ImplicitRestApiPolicy(string attribute)
    {
        var policies = _events.Where(e => !e.Http && e.ApiId == ImplicitRestApi)
            .Select(e => Json.Str(context.InputResource(e.FunctionId)?[attribute]))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var policy in (string[])["Retain", "Snapshot", "Delete"])
        {
            if (policies.Contains(policy) && (policy != "Snapshot" || attribute == "UpdateReplacePolicy"))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>Wraps each path whose operations all come from conditional functions in their condition(s).</summary>
    private void MakePathsConditional(string apiId, JsonObject body)
    {
        if (body["paths"] is not JsonObject paths)
        {
            return;
        }

        foreach (var (pathName, item) in paths.ToList())
        {
            var conditions = _events.Where(e => !e.Http && e.ApiId == apiId && e.Path == pathName && e.Method is not null).Select(EventCondition).ToList();
            if (conditions.Count == 0 || conditions.Any(c => c is null) || item is null)
            {
                continue;
            }

            var distinct = conditions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var condition = distinct[0]!;
            if (distinct.Count > 1)
            {
                condition = apiId + pathName.Replace("/", "SLASH", StringComparison.Ordinal).Replace("{", "OB", StringComparison.Ordinal).Replace("}", "CB", StringComparison.Ordinal) + "PathCondition";
                AddCombinedCondition(condition, distinct!);
            }

            paths.Remove(pathName);
            var conditional = Conditional(condition, item);
            if (distinct.Count > 1)
            {
                // A condition name the translator makes up prints as a plain str; a function's own as unicode.
                SamDeploymentHash.Plain(((JsonArray)conditional["Fn::If"]!)[0]!);
            }

            paths[pathName] = conditional;
        }
    }

    /// <summary>Adds <paramref name="name"/> = Fn::Or of the conditions, chaining through numbered conditions past 10.</summary>
    internal void AddCombinedCondition(string name, List<string> conditions)
    {
        var count = 1;
        for (var length = conditions.Count; length > MaxOrConditions; length = length - MaxOrConditions + 1)
        {
            count++;
        }

        var suffix = count - 1;
        var remaining = new List<string>(conditions);
        while (remaining.Count > 1)
        {
            var conditionName = suffix > 0 ? name + TranslationContext.IntString(suffix--) : name;
            var operands = remaining.Take(MaxOrConditions).Select(c => (JsonNode?)new JsonObject { ["Condition"] = c }).ToArray();
            remaining = [.. remaining.Skip(MaxOrConditions), conditionName];
            context.AddCondition(conditionName, new JsonObject { ["Fn::Or"] = new JsonArray(operands) });
        }
    }
}
