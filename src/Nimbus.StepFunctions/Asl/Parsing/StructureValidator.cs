using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Validation;

namespace Nimbus.StepFunctions.Asl.Parsing;

/// <summary>Cross-state checks: transition targets exist, every state is reachable, there is a terminal state.</summary>
internal static class StructureValidator
{
    public static void Validate(StateMachineDefinition def, string location, ParseContext ctx)
    {
        if (def.States.Count == 0)
        {
            ctx.Error(location + "/States", "Field \"States\" must not be empty");
            return;
        }

        if (!def.States.ContainsKey(def.StartAt))
        {
            ctx.Error(location + "/StartAt", $"Missing 'StartAt' target: {def.StartAt}", AslDiagnostic.MissingTransitionTarget);
        }

        foreach (var (name, state) in def.States)
        {
            var sloc = $"{location}/States/{name}";
            foreach (var (target, field) in Transitions(state))
            {
                if (!def.States.ContainsKey(target))
                {
                    ctx.Error($"{sloc}/{field}", $"Missing '{field.Split('/')[^1]}' target: {target}", AslDiagnostic.MissingTransitionTarget);
                }
            }
        }

        var reachable = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        if (def.States.ContainsKey(def.StartAt))
        {
            queue.Enqueue(def.StartAt);
            reachable.Add(def.StartAt);
        }

        while (queue.Count > 0)
        {
            var s = def.States[queue.Dequeue()];
            foreach (var (target, _) in Transitions(s))
            {
                if (def.States.ContainsKey(target) && reachable.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        foreach (var name in def.States.Keys)
        {
            if (!reachable.Contains(name))
            {
                ctx.Error($"{location}/States/{name}", $"State \"{name}\" is not reachable", AslDiagnostic.UnreachableState);
            }
        }

        if (!def.States.Values.Any(s => s.IsTerminal))
        {
            ctx.Error(location + "/States", "No terminal state found: at least one state must be a Succeed or Fail state or have \"End\": true", AslDiagnostic.NoTerminalState);
        }
    }

    private static IEnumerable<(string Target, string Field)> Transitions(StateDefinition state)
    {
        if (state.Next is not null)
        {
            yield return (state.Next, "Next");
        }

        if (state is ChoiceState choice)
        {
            for (var i = 0; i < choice.Choices.Count; i++)
            {
                yield return (choice.Choices[i].Next, $"Choices/{i}/Next");
            }

            if (choice.Default is not null)
            {
                yield return (choice.Default, "Default");
            }
        }

        var catchers = state switch
        {
            ExecutableState e => e.Catch,
            _ => [],
        };
        for (var i = 0; i < catchers.Count; i++)
        {
            yield return (catchers[i].Next, $"Catch/{i}/Next");
        }
    }
}
