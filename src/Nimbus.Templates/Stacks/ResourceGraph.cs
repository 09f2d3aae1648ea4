using System.Text.Json.Nodes;

namespace Nimbus.Templates.Stacks;

/// <summary>The dependencies between a template's resources (Ref, GetAtt, Sub, DependsOn), and their execution in parallel waves.</summary>
internal sealed class ResourceGraph
{
    private ResourceGraph(Dictionary<string, HashSet<string>> dependencies) => Dependencies = dependencies;

    /// <summary>For each resource, the resources it depends on (all inside the graph).</summary>
    public Dictionary<string, HashSet<string>> Dependencies { get; }

    public static ResourceGraph Build(JsonObject resources, IReadOnlyCollection<string> included)
    {
        var set = included.ToHashSet(StringComparer.Ordinal);
        var deps = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var id in included)
        {
            var r = (JsonObject)resources[id]!;
            deps[id] = TemplateReferences.Names(r["Properties"]).Concat(TemplatePreparer.DependsOn(r))
                .Where(n => set.Contains(n) && n != id).ToHashSet(StringComparer.Ordinal);
        }

        var graph = new ResourceGraph(deps);
        graph.CheckCycles();
        return graph;
    }

    /// <summary>The reverse graph: each resource waits for the resources that depend on it (deletion order).</summary>
    public Dictionary<string, HashSet<string>> Dependents()
    {
        var result = Dependencies.Keys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (id, deps) in Dependencies)
        {
            foreach (var d in deps)
            {
                result[d].Add(id);
            }
        }

        return result;
    }

    private void CheckCycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var id in Dependencies.Keys)
        {
            Visit(id);
        }

        void Visit(string id)
        {
            if (state.GetValueOrDefault(id) == 2)
            {
                return;
            }

            if (state.GetValueOrDefault(id) == 1)
            {
                var cycle = stack.Skip(stack.IndexOf(id)).Order(StringComparer.Ordinal);
                throw StackErrors.Validation($"Circular dependency between resources: [{string.Join(", ", cycle)}]");
            }

            state[id] = 1;
            stack.Add(id);
            foreach (var d in Dependencies[id])
            {
                Visit(d);
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }
    }

    /// <summary>Runs <paramref name="work"/> for every node once all its prerequisites finished, independent ones in parallel.</summary>
    /// <remarks>After the first failure no new node starts; nodes already running finish. Returns the first failure, if any.</remarks>
    public static async Task<Exception?> RunAsync(Dictionary<string, HashSet<string>> prerequisites, Func<string, Task> work)
    {
        var pending = prerequisites.Keys.ToHashSet(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var running = new Dictionary<Task, string>();
        Exception? failure = null;
        while (true)
        {
            if (failure is null)
            {
                foreach (var id in pending.Where(id => prerequisites[id].All(done.Contains)).ToList())
                {
                    pending.Remove(id);
                    running[Task.Run(() => work(id))] = id;
                }
            }

            if (running.Count == 0)
            {
                return failure;
            }

            var finished = await Task.WhenAny(running.Keys);
            var name = running[finished];
            running.Remove(finished);
            if (finished.Exception is { } e)
            {
                failure ??= e.InnerException ?? e;
            }
            else
            {
                done.Add(name);
            }
        }
    }
}
