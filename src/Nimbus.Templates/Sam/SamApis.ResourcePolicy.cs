using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>
/// <c>Auth.ResourcePolicy</c> of a REST API (and of an Api event): the <c>x-amazon-apigateway-policy</c> statements
/// allowing or denying accounts, IP ranges and VPCs (endpoints) per method of each path, plus the custom statements.
/// </summary>
internal sealed partial class SamApis
{
    private const string PolicyKey = "x-amazon-apigateway-policy";

    /// <summary>The API's ResourcePolicy on every path, then its CustomStatements once.</summary>
    private static void AddApiResourcePolicy(JsonObject body, JsonObject policy, JsonNode? stage, bool stageFromTemplate)
    {
        if (body["paths"] is JsonObject paths)
        {
            // The statements follow the order the translator iterates its (2.7) paths dict in.
            foreach (var pathName in SamDeploymentHash.IterationOrder(paths))
            {
                AddResourcePolicy(body, policy, pathName, stage, stageFromTemplate);
            }
        }

        AddCustomStatements(body, policy["CustomStatements"]);
    }

    /// <summary>An event's own Auth.ResourcePolicy, on its path (the stage is the API's; a state machine's explicit API gives none).</summary>
    private void AddEventResourcePolicy(JsonObject body, ApiEvent ev)
    {
        if (ev.Properties["Auth"]?["ResourcePolicy"] is not JsonObject policy || ev.Path is null || body["paths"]?[ev.Path] is null)
        {
            return;
        }

        JsonNode? stage = ev.StateMachine && !ev.Implicit ? null : JsonValue.Create(RestStageName(ev.ApiId, context.InputResource(ev.ApiId)) ?? "Prod");
        AddResourcePolicy(body, policy, ev.Path, stage, !ev.Implicit);
        AddCustomStatements(body, policy["CustomStatements"]);
    }

    private static JsonObject PolicyDocument(JsonObject body)
    {
        if (body[PolicyKey] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        body[PolicyKey] = created;
        return created;
    }

    private static void AddResourcePolicy(JsonObject body, JsonObject policy, string pathName, JsonNode? stage, bool stageFromTemplate)
    {
        List<JsonNode> Resources() => MethodUris(body, pathName, stage, stageFromTemplate);
        if (policy["AwsAccountWhitelist"] is { } allowAccounts)
        {
            AddIamStatement(body, allowAccounts, "Allow", Resources());
        }

        if (policy["AwsAccountBlacklist"] is { } denyAccounts)
        {
            AddIamStatement(body, denyAccounts, "Deny", Resources());
        }

        if (policy["IpRangeWhitelist"] is { } allowIps)
        {
            AddConditionStatements(body, allowIps, "NotIpAddress", "aws:SourceIp", Resources);
        }

        if (policy["IpRangeBlacklist"] is { } denyIps)
        {
            AddConditionStatements(body, denyIps, "IpAddress", "aws:SourceIp", Resources);
        }

        if (policy["SourceVpcBlacklist"] is not null || policy["IntrinsicVpcBlacklist"] is not null || policy["IntrinsicVpceBlacklist"] is not null)
        {
            AddVpcStatements(body, policy["SourceVpcBlacklist"], policy["IntrinsicVpcBlacklist"], policy["IntrinsicVpceBlacklist"], "StringEquals", Resources);
        }

        if (policy["SourceVpcWhitelist"] is not null || policy["IntrinsicVpcWhitelist"] is not null || policy["IntrinsicVpceWhitelist"] is not null)
        {
            AddVpcStatements(body, policy["SourceVpcWhitelist"], policy["IntrinsicVpcWhitelist"], policy["IntrinsicVpceWhitelist"], "StringNotEquals", Resources);
        }
    }

    /// <summary>execute-api:/${__Stage__}/METHOD/path for each method of the path (greedy parts as *, no trailing slash).</summary>
    private static List<JsonNode> MethodUris(JsonObject body, string pathName, JsonNode? stage, bool stageFromTemplate)
    {
        var path = GreedyPathPart().Replace(pathName, "*");
        if (path.Length > 1 && path.EndsWith('/'))
        {
            path = path[..^1];
        }

        var methods = Branches(body["paths"]?[pathName]).SelectMany(item => item.Select(kv => kv.Key)).Distinct().ToList();
        return
        [
            .. methods.Select(m => (JsonNode)new JsonObject
            {
                ["Fn::Sub"] = new JsonArray(
                    SamDeploymentHash.FromTemplate(JsonValue.Create("execute-api:/${__Stage__}/" + (m is "x-amazon-apigateway-any-method" or "any" ? "*" : m.ToUpperInvariant()) + path)),
                    new JsonObject { ["__Stage__"] = stage is null ? null : stageFromTemplate ? SamDeploymentHash.FromTemplate(stage.DeepClone()) : stage.DeepClone() }),
            }),
        ];
    }

    private static void AddIamStatement(JsonObject body, JsonNode accounts, string effect, List<JsonNode> resources)
    {
        if (!Json.IsTruthy(accounts))
        {
            return;
        }

        if (accounts is not (JsonObject or JsonArray))
        {
            throw new InvalidTemplateException($"Type of '{Json.Str(accounts)}' must be a list or dictionary");
        }

        var document = PolicyDocument(body);
        document["Version"] = SamDeploymentHash.Plain(JsonValue.Create("2012-10-17"));
        var statement = new JsonObject
        {
            ["Effect"] = effect,
            ["Action"] = "execute-api:Invoke",
            ["Resource"] = new JsonArray([.. resources]),
            ["Principal"] = new JsonObject { ["AWS"] = accounts is JsonArray ? SamDeploymentHash.FromTemplate(accounts.DeepClone()) : new JsonArray(SamDeploymentHash.FromTemplate(accounts.DeepClone())) },
        };
        AppendStatements(document, [statement], dedupe: false);
    }

    private static void AddConditionStatements(JsonObject body, JsonNode values, string conditional, string conditionKey, Func<List<JsonNode>> resources)
    {
        if (!Json.IsTruthy(values))
        {
            return;
        }

        var list = values is JsonArray ? SamDeploymentHash.FromTemplate(values.DeepClone()) : new JsonArray(SamDeploymentHash.FromTemplate(values.DeepClone()));
        AddAllowDeny(body, new JsonObject { [conditional] = new JsonObject { [conditionKey] = list } }, resources);
    }

    private static void AddVpcStatements(JsonObject body, JsonNode? endpoints, JsonNode? intrinsicVpcs, JsonNode? intrinsicVpces, string conditional, Func<List<JsonNode>> resources)
    {
        var condition = new JsonObject();
        JsonArray Values(string key) => condition[key] as JsonArray ?? (JsonArray)(condition[key] = new JsonArray());
        if (endpoints is JsonArray list)
        {
            var vpcs = list.Where(e => Json.Str(e)?.StartsWith("vpc-", StringComparison.Ordinal) == true).ToList();
            var vpces = list.Where(e => Json.Str(e)?.StartsWith("vpce-", StringComparison.Ordinal) == true).ToList();
            foreach (var vpc in vpcs)
            {
                Values("aws:SourceVpc").Add(SamDeploymentHash.FromTemplate(vpc!.DeepClone()));
            }

            foreach (var vpce in vpces)
            {
                Values("aws:SourceVpce").Add(SamDeploymentHash.FromTemplate(vpce!.DeepClone()));
            }
        }

        foreach (var (given, key) in (ReadOnlySpan<(JsonNode?, string)>)[(intrinsicVpcs, "aws:SourceVpc"), (intrinsicVpces, "aws:SourceVpce")])
        {
            if (given is JsonArray items)
            {
                foreach (var item in items)
                {
                    Values(key).Add(SamDeploymentHash.FromTemplate(item!.DeepClone()));
                }
            }
        }

        if (condition["aws:SourceVpc"] is not JsonArray { Count: > 0 } && condition["aws:SourceVpce"] is not JsonArray { Count: > 0 })
        {
            return;
        }

        AddAllowDeny(body, new JsonObject { [conditional] = condition }, resources);
    }

    private static void AddAllowDeny(JsonObject body, JsonObject condition, Func<List<JsonNode>> resources)
    {
        var document = PolicyDocument(body);
        document["Version"] = SamDeploymentHash.Plain(JsonValue.Create("2012-10-17"));
        var allow = new JsonObject
        {
            ["Effect"] = "Allow",
            ["Action"] = "execute-api:Invoke",
            ["Resource"] = new JsonArray([.. resources()]),
            ["Principal"] = "*",
        };
        var deny = new JsonObject
        {
            ["Effect"] = "Deny",
            ["Action"] = "execute-api:Invoke",
            ["Resource"] = new JsonArray([.. resources()]),
            ["Principal"] = "*",
            ["Condition"] = condition,
        };
        if (document["Statement"] is null)
        {
            document["Statement"] = new JsonArray(allow, deny);
            return;
        }

        AppendStatements(document, [allow, deny], dedupe: true);
    }

    /// <summary>Adds statements to the policy (Statement becomes a list once it has more than one).</summary>
    private static void AppendStatements(JsonObject document, List<JsonNode> statements, bool dedupe)
    {
        if (document["Statement"] is null)
        {
            document["Statement"] = statements.Count == 1 ? statements[0] : new JsonArray([.. statements]);
            return;
        }

        var existing = document["Statement"]!;
        document.Remove("Statement");
        var list = existing as JsonArray ?? new JsonArray(existing);
        foreach (var statement in statements)
        {
            if (!dedupe || !list.Any(s => JsonNode.DeepEquals(s, statement)))
            {
                list.Add(statement);
            }
        }

        document["Statement"] = list;
    }

    private static void AddCustomStatements(JsonObject body, JsonNode? custom)
    {
        if (custom is null)
        {
            return;
        }

        var document = PolicyDocument(body);
        document["Version"] = SamDeploymentHash.Plain(JsonValue.Create("2012-10-17"));
        var statements = custom is JsonArray a ? a.Select(s => SamDeploymentHash.FromTemplate(s!.DeepClone())).ToList() : [SamDeploymentHash.FromTemplate(custom.DeepClone())];
        if (document["Statement"] is null)
        {
            document["Statement"] = custom is JsonArray ? new JsonArray([.. statements]) : statements[0];
            return;
        }

        AppendStatements(document, statements, dedupe: true);
    }

    [GeneratedRegex(@"\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}")]
    private static partial Regex GreedyPathPart();
}
