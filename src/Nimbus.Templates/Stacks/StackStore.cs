using System.Text.Json;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Templates.Stacks;

/// <summary>Durable stacks, resources, events, change sets, exports and imports in SQLite.</summary>
/// <remarks>Thread-safe: every call opens its own pooled connection; the engine serialises writes of one stack.</remarks>
internal sealed class StackStore(StateStore state)
{
    public void SaveStack(StackState stack) => state.Write((c, tx) => c.Execute(
        "INSERT INTO cfn_stacks (stack_id, account, region, name, deleted, created, doc) VALUES ($id, $a, $r, $n, $d, $c, $doc) " +
        "ON CONFLICT (stack_id) DO UPDATE SET deleted = $d, doc = $doc", tx,
        ("$id", stack.StackId), ("$a", stack.Account), ("$r", stack.Region), ("$n", stack.StackName), ("$d", stack.IsDeleted ? 1 : 0),
        ("$c", stack.CreationTime.ToUnixTimeMilliseconds()), ("$doc", JsonSerializer.Serialize(stack, StacksJson.Default.StackState))));

    public StackState? GetStack(string stackId)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_stacks WHERE stack_id = $id", r => Stack(r.GetString(0)), null, ("$id", stackId)).FirstOrDefault();
    }

    /// <summary>The live (not deleted) stack of that name.</summary>
    public StackState? FindLive(string account, string region, string name)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_stacks WHERE account = $a AND region = $r AND name = $n AND deleted = 0", r => Stack(r.GetString(0)), null,
            ("$a", account), ("$r", region), ("$n", name)).FirstOrDefault();
    }

    public List<StackState> ListStacks(string account, string region, bool includeDeleted)
    {
        using var c = state.Open();
        return c.Query($"SELECT doc FROM cfn_stacks WHERE account = $a AND region = $r {(includeDeleted ? "" : "AND deleted = 0")} ORDER BY created DESC",
            r => Stack(r.GetString(0)), null, ("$a", account), ("$r", region));
    }

    public List<StackState> InProgress()
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_stacks WHERE deleted = 0", r => Stack(r.GetString(0))).Where(s => StackStatus.InProgress(s.Status)).ToList();
    }

    public void SaveResource(string stackId, ResourceState resource) => state.Write((c, tx) => c.Execute(
        "INSERT INTO cfn_resources (stack_id, logical_id, doc) VALUES ($s, $l, $doc) ON CONFLICT (stack_id, logical_id) DO UPDATE SET doc = $doc", tx,
        ("$s", stackId), ("$l", resource.LogicalId), ("$doc", JsonSerializer.Serialize(resource, StacksJson.Default.ResourceState))));

    public void RemoveResource(string stackId, string logicalId) => state.Write((c, tx) =>
        c.Execute("DELETE FROM cfn_resources WHERE stack_id = $s AND logical_id = $l", tx, ("$s", stackId), ("$l", logicalId)));

    /// <summary>Replaces every resource record of a stack at once.</summary>
    public void ReplaceResources(string stackId, IEnumerable<ResourceState> resources) => state.Write((c, tx) =>
    {
        c.Execute("DELETE FROM cfn_resources WHERE stack_id = $s", tx, ("$s", stackId));
        foreach (var r in resources)
        {
            c.Execute("INSERT INTO cfn_resources (stack_id, logical_id, doc) VALUES ($s, $l, $doc)", tx,
                ("$s", stackId), ("$l", r.LogicalId), ("$doc", JsonSerializer.Serialize(r, StacksJson.Default.ResourceState)));
        }

        return 0;
    });

    public List<ResourceState> Resources(string stackId)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_resources WHERE stack_id = $s ORDER BY logical_id", r => JsonSerializer.Deserialize(r.GetString(0), StacksJson.Default.ResourceState)!, null, ("$s", stackId));
    }

    public void AddEvent(StackEventRecord e) => state.Write((c, tx) => c.Execute(
        "INSERT INTO cfn_events (stack_id, doc) VALUES ($s, $doc)", tx, ("$s", e.StackId), ("$doc", JsonSerializer.Serialize(e, StacksJson.Default.StackEventRecord))));

    /// <summary>Events newest first, as DescribeStackEvents returns them.</summary>
    public List<StackEventRecord> Events(string stackId)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_events WHERE stack_id = $s ORDER BY seq DESC", r => JsonSerializer.Deserialize(r.GetString(0), StacksJson.Default.StackEventRecord)!, null, ("$s", stackId));
    }

    public void SaveChangeSet(ChangeSetState cs) => state.Write((c, tx) => c.Execute(
        "INSERT INTO cfn_change_sets (change_set_id, stack_id, name, doc) VALUES ($id, $s, $n, $doc) ON CONFLICT (change_set_id) DO UPDATE SET doc = $doc", tx,
        ("$id", cs.ChangeSetId), ("$s", cs.StackId), ("$n", cs.ChangeSetName), ("$doc", JsonSerializer.Serialize(cs, StacksJson.Default.ChangeSetState))));

    public void DeleteChangeSet(string id) => state.Write((c, tx) => c.Execute("DELETE FROM cfn_change_sets WHERE change_set_id = $id", tx, ("$id", id)));

    public void DeleteChangeSetsOf(string stackId) => state.Write((c, tx) => c.Execute("DELETE FROM cfn_change_sets WHERE stack_id = $s", tx, ("$s", stackId)));

    public ChangeSetState? GetChangeSet(string id)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_change_sets WHERE change_set_id = $id", r => ChangeSet(r.GetString(0)), null, ("$id", id)).FirstOrDefault();
    }

    public List<ChangeSetState> ChangeSets(string stackId)
    {
        using var c = state.Open();
        return c.Query("SELECT doc FROM cfn_change_sets WHERE stack_id = $s ORDER BY rowid", r => ChangeSet(r.GetString(0)), null, ("$s", stackId));
    }

    public List<ExportRecord> Exports(string account, string region)
    {
        using var c = state.Open();
        return c.Query("SELECT name, value, stack_id FROM cfn_exports WHERE account = $a AND region = $r ORDER BY name",
            r => new ExportRecord(r.GetString(0), r.GetString(1), r.GetString(2)), null, ("$a", account), ("$r", region));
    }

    /// <summary>Replaces a stack's exports and imports in one transaction.</summary>
    public void SetExportsAndImports(StackState stack, IEnumerable<StackOutput> exports, IEnumerable<string> imports) => state.Write((c, tx) =>
    {
        c.Execute("DELETE FROM cfn_exports WHERE stack_id = $s", tx, ("$s", stack.StackId));
        c.Execute("DELETE FROM cfn_imports WHERE stack_id = $s", tx, ("$s", stack.StackId));
        foreach (var o in exports)
        {
            c.Execute("INSERT INTO cfn_exports (account, region, name, stack_id, value) VALUES ($a, $r, $n, $s, $v)", tx,
                ("$a", stack.Account), ("$r", stack.Region), ("$n", o.ExportName), ("$s", stack.StackId), ("$v", o.Value));
        }

        foreach (var name in imports.Distinct(StringComparer.Ordinal))
        {
            c.Execute("INSERT INTO cfn_imports (account, region, export_name, stack_id, stack_name) VALUES ($a, $r, $n, $s, $sn)", tx,
                ("$a", stack.Account), ("$r", stack.Region), ("$n", name), ("$s", stack.StackId), ("$sn", stack.StackName));
        }

        return 0;
    });

    /// <summary>Names of the stacks importing an export.</summary>
    public List<string> Importers(string account, string region, string exportName)
    {
        using var c = state.Open();
        return c.Query("SELECT stack_name FROM cfn_imports WHERE account = $a AND region = $r AND export_name = $n ORDER BY stack_name",
            r => r.GetString(0), null, ("$a", account), ("$r", region), ("$n", exportName));
    }

    private static StackState Stack(string doc) => JsonSerializer.Deserialize(doc, StacksJson.Default.StackState)!;

    private static ChangeSetState ChangeSet(string doc) => JsonSerializer.Deserialize(doc, StacksJson.Default.ChangeSetState)!;
}
