using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Asl.Paths;

/// <summary>Supplies the context object (<c>$$</c>, built lazily) and variables (<c>$name</c>) to path evaluation.</summary>
internal interface IEvaluationEnvironment
{
    JsonNode? ContextDocument { get; }

    bool TryGetVariable(string name, out JsonNode? value);
}

/// <summary>The documents a path can address: the state input (<c>$</c>), the context object (<c>$$</c>) and variables (<c>$name</c>).</summary>
internal readonly struct PathScope(JsonNode? input, IEvaluationEnvironment? environment)
{
    public JsonNode? Input => input;

    public JsonNode? Context => environment?.ContextDocument;

    public PathScope WithInput(JsonNode? newInput) => new(newInput, environment);

    public bool TryResolve(JsonPath path, out JsonNode? value)
    {
        switch (path.Root)
        {
            case PathRoot.Context:
                return path.TryEvaluate(environment?.ContextDocument, out value);
            case PathRoot.Variable:
                if (environment is null || !environment.TryGetVariable(path.VariableName!, out var v))
                {
                    value = null;
                    return false;
                }

                return path.TryEvaluate(v, out value);
            default:
                return path.TryEvaluate(input, out value);
        }
    }
}
