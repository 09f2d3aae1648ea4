using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Service;

/// <summary>Versions (immutable snapshots of a state machine's revision) and aliases (weighted routing to one or two versions).</summary>
internal sealed partial class StepFunctionsApi
{
    /// <summary>What StartExecution runs: the machine, and the version/alias it was addressed through.</summary>
    private sealed record ExecutionTarget(StateMachineRecord Machine, string Definition, string RoleArn, long Updated, string RevisionId, string? VersionArn, string? AliasArn, string? Logging);

    /// <summary>Splits <c>…:stateMachine:name[:qualifier]</c>; returns the unqualified ARN and the qualifier.</summary>
    private static (string MachineArn, string? Qualifier) SplitQualified(string arn)
    {
        var (_, _, _, parts) = ParseArn(arn, "stateMachine");
        return parts.Length switch
        {
            1 => (arn, null),
            2 when parts[1].Length > 0 => (arn[..arn.LastIndexOf(':')], parts[1]),
            _ => throw SfnErrors.InvalidArn(arn),
        };
    }

    private static bool IsVersionQualifier(string qualifier) => qualifier.All(char.IsAsciiDigit);

    private ExecutionTarget ResolveTarget(string arn)
    {
        var (machineArn, qualifier) = SplitQualified(arn);
        var machine = _store.Machine(machineArn) ?? throw SfnErrors.StateMachineDoesNotExist(arn);
        if (qualifier is null)
        {
            return new ExecutionTarget(machine, machine.Definition, machine.RoleArn, machine.Updated, machine.RevisionId, null, null, machine.Logging);
        }

        string? aliasArn = null;
        var versionArn = arn;
        if (!IsVersionQualifier(qualifier))
        {
            var alias = _store.Alias(arn) ?? throw SfnErrors.StateMachineDoesNotExist(arn);
            aliasArn = alias.Arn;
            versionArn = PickVersion(alias.Routing);
        }

        var version = _store.Version(versionArn) ?? throw SfnErrors.StateMachineDoesNotExist(versionArn);
        return new ExecutionTarget(machine, version.Definition, version.RoleArn, version.Created, version.RevisionId, version.Arn, aliasArn, version.Logging);
    }

    /// <summary>Weighted random choice between the alias's versions.</summary>
    private static string PickVersion(IReadOnlyList<(string VersionArn, int Weight)> routing)
    {
        var roll = Random.Shared.Next(100);
        foreach (var (versionArn, weight) in routing)
        {
            if (roll < weight)
            {
                return versionArn;
            }

            roll -= weight;
        }

        return routing[^1].VersionArn;
    }

    private JsonObject PublishStateMachineVersion(JsonObject body)
    {
        var arn = Required(body, "stateMachineArn");
        Machine(arn);
        var description = Optional(body, "description");
        CheckVersionDescription(description, "description");
        var (version, _) = _store.Publish(arn, Optional(body, "revisionId"), description, Now());
        return new JsonObject { ["creationDate"] = SfnJson.Epoch(version.Created), ["stateMachineVersionArn"] = version.Arn };
    }

    private static void CheckVersionDescription(string? description, string member)
    {
        if (description is { Length: > 256 })
        {
            throw SfnErrors.Validation($"1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to 256");
        }
    }

    private JsonObject ListStateMachineVersions(JsonObject body)
    {
        var arn = Required(body, "stateMachineArn");
        Machine(arn);
        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = _store.Versions(arn);
        var result = new JsonObject
        {
            ["stateMachineVersions"] = new JsonArray([.. all.Skip(offset).Take(size).Select(v => (JsonNode)new JsonObject
            {
                ["stateMachineVersionArn"] = v.Arn,
                ["creationDate"] = SfnJson.Epoch(v.Created),
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    private JsonObject DeleteStateMachineVersion(JsonObject body)
    {
        var arn = Required(body, "stateMachineVersionArn");
        var (machineArn, qualifier) = SplitQualified(arn);
        if (qualifier is null || !IsVersionQualifier(qualifier))
        {
            throw SfnErrors.InvalidArn(arn);
        }

        // Idempotent: deleting a version that does not exist succeeds. Running executions of the version continue.
        _store.DeleteVersion(arn, machineArn);
        return [];
    }

    private JsonObject DescribeVersion(string arn)
    {
        var v = _store.Version(arn) ?? throw SfnErrors.StateMachineDoesNotExist(arn);
        var machine = _store.Machine(v.MachineArn);
        var result = new JsonObject
        {
            ["stateMachineArn"] = v.Arn,
            ["name"] = machine?.Name ?? v.MachineArn[(v.MachineArn.LastIndexOf(':') + 1)..],
            ["status"] = "ACTIVE",
            ["definition"] = v.Definition,
            ["roleArn"] = v.RoleArn,
            ["type"] = v.Type,
            ["creationDate"] = SfnJson.Epoch(v.Created),
            ["loggingConfiguration"] = Logging(v.Logging),
            ["tracingConfiguration"] = Tracing(v.Tracing),
            ["revisionId"] = v.RevisionId,
        };
        if (v.Description is not null)
        {
            result["description"] = v.Description;
        }

        return result;
    }

    // ---- aliases ----------------------------------------------------------------------------------------------------

    /// <summary>Validates a routing configuration: 1–2 distinct existing versions of one machine, weights summing to 100.</summary>
    private List<(string VersionArn, int Weight)> ReadRouting(JsonObject body, out string machineArn)
    {
        var list = body["routingConfiguration"] as JsonArray ?? throw SfnErrors.Missing("routingConfiguration");
        if (list.Count is < 1 or > 2)
        {
            throw SfnErrors.Validation($"1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2 and greater than or equal to 1");
        }

        var routing = new List<(string VersionArn, int Weight)>();
        string? machine = null;
        foreach (var item in list)
        {
            var versionArn = item?["stateMachineVersionArn"]?.GetValue<string>() ?? throw SfnErrors.Missing("routingConfiguration.member.stateMachineVersionArn");
            var weight = item["weight"]?.GetValue<int>() ?? 0;
            if (weight is < 0 or > 100)
            {
                throw SfnErrors.Validation($"1 validation error detected: Value '{weight}' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100");
            }

            var (m, qualifier) = SplitQualified(versionArn);
            if (qualifier is null || !IsVersionQualifier(qualifier))
            {
                throw SfnErrors.InvalidArn(versionArn);
            }

            if (machine is not null && machine != m)
            {
                throw SfnErrors.Validation("Routing configuration must contain state machine versions of the same state machine.");
            }

            if (routing.Any(r => r.VersionArn == versionArn))
            {
                throw SfnErrors.Validation("Routing configuration must contain distinct state machine versions.");
            }

            if (_store.Version(versionArn) is null)
            {
                throw SfnErrors.ResourceNotFound(versionArn);
            }

            machine = m;
            routing.Add((versionArn, weight));
        }

        if (routing.Sum(r => r.Weight) != 100)
        {
            throw SfnErrors.Validation("Sum of routing configuration weights must be equal to 100.");
        }

        machineArn = machine!;
        return routing;
    }

    private static void CheckAliasDescription(string? description)
    {
        if (description is { Length: > 256 })
        {
            throw SfnErrors.Validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
        }
    }

    private JsonObject CreateStateMachineAlias(JsonObject body)
    {
        var name = Required(body, "name");
        if (name.Length is 0 or > 80 || !name.Any(ch => char.IsAsciiLetter(ch) || ch is '_' or '-' or '.') || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
        {
            throw SfnErrors.InvalidName(name);
        }

        var description = Optional(body, "description");
        CheckAliasDescription(description);
        var routing = ReadRouting(body, out var machineArn);
        var now = Now();
        var alias = new AliasRecord($"{machineArn}:{name}", machineArn, name, description, routing, now, now);
        var (stored, created) = _store.InsertAlias(alias);
        if (!created && (stored.Description != description || !stored.Routing.SequenceEqual(routing)))
        {
            throw SfnErrors.Conflict($"Failed to create alias because an alias with the same name and a different routing configuration already exists: '{stored.Arn}'");
        }

        return new JsonObject { ["stateMachineAliasArn"] = stored.Arn, ["creationDate"] = SfnJson.Epoch(stored.Created) };
    }

    private AliasRecord Alias(string arn)
    {
        var (_, qualifier) = SplitQualified(arn);
        if (qualifier is null || IsVersionQualifier(qualifier))
        {
            throw SfnErrors.InvalidArn(arn);
        }

        return _store.Alias(arn) ?? throw SfnErrors.ResourceNotFound(arn);
    }

    private static JsonArray RoutingJson(IEnumerable<(string VersionArn, int Weight)> routing) =>
        new([.. routing.Select(r => (JsonNode)new JsonObject { ["stateMachineVersionArn"] = r.VersionArn, ["weight"] = r.Weight })]);

    private JsonObject DescribeStateMachineAlias(JsonObject body)
    {
        var a = Alias(Required(body, "stateMachineAliasArn"));
        var result = new JsonObject
        {
            ["stateMachineAliasArn"] = a.Arn,
            ["name"] = a.Name,
            ["routingConfiguration"] = RoutingJson(a.Routing),
            ["creationDate"] = SfnJson.Epoch(a.Created),
            ["updateDate"] = SfnJson.Epoch(a.Updated),
        };
        if (a.Description is not null)
        {
            result["description"] = a.Description;
        }

        return result;
    }

    private JsonObject UpdateStateMachineAlias(JsonObject body)
    {
        var a = Alias(Required(body, "stateMachineAliasArn"));
        var description = Optional(body, "description");
        if (description is null && body["routingConfiguration"] is null)
        {
            throw SfnErrors.Validation("Either the description or the routingConfiguration must be specified.");
        }

        CheckAliasDescription(description);
        var routing = a.Routing;
        if (body["routingConfiguration"] is not null)
        {
            var updatedRouting = ReadRouting(body, out var machineArn);
            if (machineArn != a.MachineArn)
            {
                throw SfnErrors.Validation("Routing configuration must contain state machine versions of the alias's state machine.");
            }

            routing = updatedRouting;
        }

        var updated = a with { Description = description ?? a.Description, Routing = routing, Updated = Math.Max(Now(), a.Updated + 1) };
        _store.UpdateAlias(updated);
        return new JsonObject { ["updateDate"] = SfnJson.Epoch(updated.Updated) };
    }

    private JsonObject DeleteStateMachineAlias(JsonObject body)
    {
        var a = Alias(Required(body, "stateMachineAliasArn"));
        _store.DeleteAlias(a.Arn);
        return [];
    }

    private JsonObject ListStateMachineAliases(JsonObject body)
    {
        var arn = Required(body, "stateMachineArn");
        var (machineArn, qualifier) = SplitQualified(arn);
        if (qualifier is not null)
        {
            throw SfnErrors.InvalidArn(arn);
        }

        if (_store.Machine(machineArn) is null)
        {
            throw SfnErrors.StateMachineDoesNotExist(arn);
        }

        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = _store.Aliases(machineArn);
        var result = new JsonObject
        {
            ["stateMachineAliases"] = new JsonArray([.. all.Skip(offset).Take(size).Select(a => (JsonNode)new JsonObject
            {
                ["stateMachineAliasArn"] = a.Arn,
                ["creationDate"] = SfnJson.Epoch(a.Created),
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    /// <summary>For Create/Update with <c>publish: true</c>: publishes the current revision; returns the version ARN.</summary>
    private string? PublishIfAsked(JsonObject body, string machineArn)
    {
        var description = Optional(body, "versionDescription");
        CheckVersionDescription(description, "versionDescription");
        if (body["publish"]?.GetValue<bool>() != true)
        {
            if (description is not null)
            {
                throw SfnErrors.Validation("Version description can only be set when publish is true");
            }

            return null;
        }

        return _store.Publish(machineArn, null, description, Now()).Version.Arn;
    }
}
