using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// A REST API's <c>Auth.UsagePlan</c>: a usage plan, API key and usage plan key per API (<c>PER_API</c>) or one set
/// shared by every API that asks for <c>SHARED</c> (its stages accumulate; the last API's copy is the one kept).
/// </summary>
internal sealed partial class SamApis
{
    private const string SharedUsagePlan = "ServerlessUsagePlan";
    private const string SharedApiKey = "ServerlessApiKey";
    private const string SharedUsagePlanKey = "ServerlessUsagePlanKey";

    private static readonly string[] UsagePlanProperties = ["CreateUsagePlan", "Description", "Quota", "Tags", "Throttle", "UsagePlanName"];

    private readonly List<string> _sharedDependsOn = [];
    private readonly List<JsonObject> _sharedApiStages = [];
    private readonly List<JsonObject> _sharedStageKeys = [];

    /// <param name="propagatedTags">The API's tags when it propagates them (PropagateTags): the plan and the key carry them too.</param>
    private void AddUsagePlan(string id, JsonObject resource, JsonObject auth, string stageId, JsonNode? propagatedTags, List<(string Id, JsonObject Resource)> output)
    {
        if (auth["UsagePlan"] is not { } planNode)
        {
            return;
        }

        if (planNode is not JsonObject plan)
        {
            throw new InvalidResourceException(id, "'UsagePlan' must be a dictionary");
        }

        if (plan.Any(kv => !UsagePlanProperties.Contains(kv.Key)))
        {
            throw new InvalidResourceException(id, "Invalid property for 'UsagePlan'");
        }

        if (plan["CreateUsagePlan"] is null)
        {
            throw new InvalidResourceException(id, "'CreateUsagePlan' is a required field for UsagePlan.");
        }

        var create = Json.Str(context.ResolveParameterRefs(plan["CreateUsagePlan"]));
        if (create is not ("SHARED" or "PER_API" or "NONE"))
        {
            throw new InvalidResourceException(id, "'CreateUsagePlan' accepts only NONE, PER_API and SHARED values.");
        }

        if (create == "NONE")
        {
            return;
        }

        var apiStage = new JsonObject { ["ApiId"] = Json.Ref(id), ["Stage"] = Json.Ref(stageId) };
        var stageKey = new JsonObject { ["RestApiId"] = Json.Ref(id), ["StageName"] = Json.Ref(stageId) };
        string planId, keyId, planKeyId;
        JsonArray apiStages, stageKeys, planDependsOn;
        JsonObject? attributes;
        if (create == "PER_API")
        {
            planId = id + "UsagePlan";
            keyId = id + "ApiKey";
            planKeyId = id + "UsagePlanKey";
            apiStages = [apiStage];
            stageKeys = [stageKey];
            planDependsOn = [id];
            attributes = resource;
        }
        else
        {
            planId = SharedUsagePlan;
            keyId = SharedApiKey;
            planKeyId = SharedUsagePlanKey;
            if (!_sharedDependsOn.Contains(id))
            {
                _sharedDependsOn.Add(id);
            }

            if (!_sharedApiStages.Any(s => JsonNode.DeepEquals(s, apiStage)))
            {
                _sharedApiStages.Add(apiStage);
            }

            if (!_sharedStageKeys.Any(s => JsonNode.DeepEquals(s, stageKey)))
            {
                _sharedStageKeys.Add(stageKey);
            }

            apiStages = [.. _sharedApiStages.Select(s => s.DeepClone())];
            stageKeys = [.. _sharedStageKeys.Select(s => s.DeepClone())];
            planDependsOn = [.. _sharedDependsOn.Select(d => (JsonNode)d)];
            attributes = null;
        }

        var planProperties = new JsonObject { ["ApiStages"] = apiStages };
        foreach (var name in (string[])["Description", "Quota", "Throttle", "UsagePlanName"])
        {
            if (plan[name] is { } value)
            {
                planProperties[name] = value.DeepClone();
            }
        }

        if (plan["Tags"] is { } tags)
        {
            planProperties["Tags"] = tags.DeepClone();
        }
        else if (propagatedTags is not null)
        {
            planProperties["Tags"] = propagatedTags.DeepClone();
        }

        var usagePlan = TranslationContext.NewResource("AWS::ApiGateway::UsagePlan", planProperties, attributes);
        usagePlan["DependsOn"] = planDependsOn;
        var apiKey = TranslationContext.NewResource("AWS::ApiGateway::ApiKey", new JsonObject { ["Enabled"] = true, ["StageKeys"] = stageKeys }, attributes);
        apiKey["DependsOn"] = new JsonArray(planId);
        if (propagatedTags is not null)
        {
            apiKey["Properties"]!["Tags"] = propagatedTags.DeepClone();
        }

        var planKey = TranslationContext.NewResource("AWS::ApiGateway::UsagePlanKey", new JsonObject
        {
            ["KeyId"] = Json.Ref(keyId),
            ["KeyType"] = "API_KEY",
            ["UsagePlanId"] = Json.Ref(planId),
        }, attributes);
        planKey["DependsOn"] = new JsonArray(keyId);
        output.Add((planId, usagePlan));
        output.Add((keyId, apiKey));
        output.Add((planKeyId, planKey));
    }
}
