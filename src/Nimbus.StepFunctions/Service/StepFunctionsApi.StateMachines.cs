using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Asl.Validation;

namespace Nimbus.StepFunctions.Service;

/// <summary>State machine operations and tags.</summary>
internal sealed partial class StepFunctionsApi
{
    private JsonObject CreateStateMachine(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "name");
        var definition = Required(body, "definition");
        var role = Required(body, "roleArn");
        var type = Optional(body, "type") ?? "STANDARD";
        if (type is not ("STANDARD" or "EXPRESS"))
        {
            throw SfnErrors.Validation($"1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]");
        }

        ValidateName(name);
        if (!role.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw SfnErrors.InvalidArn(role);
        }

        var parsed = AslParser.Parse(definition);
        if (!parsed.IsValid)
        {
            throw SfnErrors.InvalidDefinition(DefinitionErrors(parsed));
        }

        var now = Now();
        var arn = $"arn:aws:states:{caller.Region}:{caller.AccountId}:stateMachine:{name}";
        var record = new StateMachineRecord(
            arn, caller.AccountId, caller.Region, name, type, definition, role, now, now, Guid.NewGuid().ToString(),
            body["loggingConfiguration"]?.ToJsonString(), body["tracingConfiguration"]?.ToJsonString(), null);
        if (body["publish"]?.GetValue<bool>() != true && Optional(body, "versionDescription") is not null)
        {
            throw SfnErrors.Validation("Version description can only be set when publish is true");
        }

        var (stored, created) = _store.InsertMachine(record, ReadTags(body));
        if (!created && (stored.Definition != definition || stored.RoleArn != role || stored.Type != type))
        {
            throw SfnErrors.StateMachineAlreadyExists(arn);
        }

        var result = new JsonObject { ["stateMachineArn"] = stored.Arn, ["creationDate"] = SfnJson.Epoch(stored.Created) };
        if (PublishIfAsked(body, stored.Arn) is { } version)
        {
            result["stateMachineVersionArn"] = version;
        }

        return result;
    }

    private StateMachineRecord Machine(string arn)
    {
        ParseArn(arn, "stateMachine");
        return _store.Machine(arn) ?? throw SfnErrors.StateMachineDoesNotExist(arn);
    }

    private static JsonNode Logging(string? json) =>
        json is not null ? JsonNode.Parse(json)! : new JsonObject { ["level"] = "OFF", ["includeExecutionData"] = false };

    private static JsonNode Tracing(string? json) => json is not null ? JsonNode.Parse(json)! : new JsonObject { ["enabled"] = false };

    private JsonObject DescribeStateMachine(JsonObject body)
    {
        var arn = Required(body, "stateMachineArn");
        if (SplitQualified(arn).Qualifier is { } qualifier)
        {
            return IsVersionQualifier(qualifier) ? DescribeVersion(arn) : throw SfnErrors.InvalidArn(arn);
        }

        var m = Machine(arn);
        var result = new JsonObject
        {
            ["stateMachineArn"] = m.Arn,
            ["name"] = m.Name,
            ["status"] = "ACTIVE",
            ["definition"] = m.Definition,
            ["roleArn"] = m.RoleArn,
            ["type"] = m.Type,
            ["creationDate"] = SfnJson.Epoch(m.Created),
            ["loggingConfiguration"] = Logging(m.Logging),
            ["tracingConfiguration"] = Tracing(m.Tracing),
            ["revisionId"] = m.RevisionId,
        };
        if (m.Description is not null)
        {
            result["description"] = m.Description;
        }

        return result;
    }

    private JsonObject UpdateStateMachine(JsonObject body)
    {
        var m = Machine(Required(body, "stateMachineArn"));
        var definition = Optional(body, "definition");
        var role = Optional(body, "roleArn");
        var publish = body["publish"]?.GetValue<bool>() == true;
        if (definition is null && role is null && body["loggingConfiguration"] is null && body["tracingConfiguration"] is null && !publish)
        {
            throw new Nimbus.Core.Errors.AwsServiceException("MissingRequiredParameter", "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified");
        }

        if (definition is not null)
        {
            var parsed = AslParser.Parse(definition);
            if (!parsed.IsValid)
            {
                throw SfnErrors.InvalidDefinition(DefinitionErrors(parsed));
            }
        }

        if (role is not null && !role.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw SfnErrors.InvalidArn(role);
        }

        var updated = m with
        {
            Definition = definition ?? m.Definition,
            RoleArn = role ?? m.RoleArn,
            Logging = body["loggingConfiguration"]?.ToJsonString() ?? m.Logging,
            Tracing = body["tracingConfiguration"]?.ToJsonString() ?? m.Tracing,
        };

        // A new revision only when something changed (publishing an unchanged machine returns its existing version).
        if (updated != m)
        {
            updated = updated with { Updated = Math.Max(Now(), m.Updated + 1), RevisionId = Guid.NewGuid().ToString() };
            _store.UpdateMachine(updated);
        }

        var result = new JsonObject { ["updateDate"] = SfnJson.Epoch(updated.Updated), ["revisionId"] = updated.RevisionId };
        if (PublishIfAsked(body, m.Arn) is { } version)
        {
            result["stateMachineVersionArn"] = version;
        }

        return result;
    }

    private JsonObject DeleteStateMachine(JsonObject body)
    {
        var arn = Required(body, "stateMachineArn");
        if (SplitQualified(arn).Qualifier is not null)
        {
            throw SfnErrors.Validation($"Invalid input for state machine ARN. Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete versions or aliases: '{arn}'");
        }

        _store.DeleteMachine(arn);
        return [];
    }

    private JsonObject ListStateMachines(JsonObject body, AwsRequestContext caller)
    {
        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = _store.Machines(caller.AccountId, caller.Region);
        var result = new JsonObject
        {
            ["stateMachines"] = new JsonArray([.. all.Skip(offset).Take(size).Select(m => (JsonNode)new JsonObject
            {
                ["stateMachineArn"] = m.Arn,
                ["name"] = m.Name,
                ["type"] = m.Type,
                ["creationDate"] = SfnJson.Epoch(m.Created),
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    private static JsonObject ValidateStateMachineDefinition(JsonObject body)
    {
        var definition = Required(body, "definition");
        var severity = Optional(body, "severity") ?? "ERROR";
        var max = body["maxResults"]?.GetValue<int>() is { } m and > 0 ? m : 100;
        var parsed = AslParser.Parse(definition);
        var shown = parsed.Diagnostics.Where(d => severity == "WARNING" || d.Severity == DiagnosticSeverity.Error).ToList();
        return new JsonObject
        {
            ["result"] = parsed.IsValid ? "OK" : "FAIL",
            ["diagnostics"] = new JsonArray([.. shown.Take(max).Select(d => (JsonNode)new JsonObject
            {
                ["severity"] = d.Severity == DiagnosticSeverity.Error ? "ERROR" : "WARNING",
                ["code"] = d.Code,
                ["message"] = d.Message,
                ["location"] = d.Location.Length == 0 ? "/" : d.Location,
            })]),
            ["truncated"] = shown.Count > max,
        };
    }

    // ---- tags -------------------------------------------------------------------------------------------------------

    private string TaggableResource(JsonObject body)
    {
        var arn = Required(body, "resourceArn");
        var (_, _, type, _) = ParseArn(arn);
        if (type switch { "stateMachine" => _store.Machine(arn) is null, "activity" => _store.Activity(arn) is null, _ => true })
        {
            throw SfnErrors.ResourceNotFound(arn);
        }

        return arn;
    }

    private JsonObject TagResource(JsonObject body)
    {
        var arn = TaggableResource(body);
        var tags = ReadTags(body);
        if (_store.Tags(arn).Select(t => t.Key).Union(tags.Select(t => t.Key)).Count() > 50)
        {
            throw new Nimbus.Core.Errors.AwsServiceException("TooManyTags", $"Too many tags on resource: '{arn}'");
        }

        _store.Tag(arn, tags);
        return [];
    }

    private JsonObject UntagResource(JsonObject body)
    {
        var arn = TaggableResource(body);
        var keys = (body["tagKeys"] as JsonArray ?? throw SfnErrors.Missing("tagKeys")).Select(k => k!.GetValue<string>()).ToList();
        _store.Untag(arn, keys);
        return [];
    }

    private JsonObject ListTagsForResource(JsonObject body) => new() { ["tags"] = TagsJson(_store.Tags(TaggableResource(body))) };
}
