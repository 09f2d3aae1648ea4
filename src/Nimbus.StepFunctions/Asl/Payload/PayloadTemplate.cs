using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Intrinsics;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Payload;

/// <summary>
/// A compiled payload template (Parameters, ResultSelector, ItemSelector, Assign in JSONPath mode):
/// fields ending in <c>.$</c> are paths or intrinsic calls; everything else is copied literally.
/// </summary>
internal abstract class PayloadTemplate
{
    public abstract JsonNode? Evaluate(in PathScope scope);

    /// <summary>Compiles a template; problems are reported to <paramref name="problems"/> as (location, message).</summary>
    public static PayloadTemplate Compile(JsonNode? node, string location, List<(string Location, string Message)> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                var fields = new List<Field>(obj.Count);
                foreach (var (key, value) in obj)
                {
                    var loc = location + "/" + key;
                    if (key.EndsWith(".$", StringComparison.Ordinal) && key.Length > 2)
                    {
                        var name = key[..^2];
                        if (!JsonText.IsString(value))
                        {
                            problems.Add((loc, $"Field \"{key}\" must be a string containing a JSONPath or intrinsic function expression"));
                            continue;
                        }

                        var expr = value!.GetValue<string>();
                        var dyn = CompileExpression(expr, key, loc, problems);
                        if (dyn is not null)
                        {
                            fields.Add(new Field(name, key, dyn));
                        }
                    }
                    else
                    {
                        fields.Add(new Field(key, key, Compile(value, loc, problems)));
                    }
                }

                return new ObjectTemplate(fields);
            case JsonArray arr:
                var items = new List<PayloadTemplate>(arr.Count);
                for (var i = 0; i < arr.Count; i++)
                {
                    items.Add(Compile(arr[i], location + "/" + i, problems));
                }

                return new ArrayTemplate(items);
            default:
                return new LiteralTemplate(node?.DeepClone());
        }
    }

    private static PayloadTemplate? CompileExpression(string expr, string key, string location, List<(string, string)> problems)
    {
        if (expr.StartsWith('$'))
        {
            if (JsonPath.TryParse(expr, out var path, out _))
            {
                return new PathTemplate(path!, key);
            }
        }
        else if (IntrinsicCall.LooksLikeCall(expr))
        {
            try
            {
                return new IntrinsicTemplate(IntrinsicCall.Parse(expr), key);
            }
            catch (FormatException ex)
            {
                problems.Add((location, $"The value for the field '{key}' is not a JSONPath or intrinsic function expression: {ex.Message}"));
                return null;
            }
        }

        problems.Add((location, $"The value for the field '{key}' is not a JSONPath or intrinsic function expression: {expr}"));
        return null;
    }

    private sealed record Field(string Name, string Key, PayloadTemplate Value);

    private sealed class ObjectTemplate(List<Field> fields) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathScope scope)
        {
            var result = new JsonObject();
            foreach (var f in fields)
            {
                result[f.Name] = f.Value.Evaluate(scope);
            }

            return result;
        }

        /// <summary>Evaluates each field separately (Assign needs the names).</summary>
        public IEnumerable<(string Name, PayloadTemplate Value)> Fields => fields.Select(f => (f.Name, f.Value));
    }

    private sealed class ArrayTemplate(List<PayloadTemplate> items) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathScope scope)
        {
            var result = new JsonArray();
            foreach (var i in items)
            {
                result.Add(i.Evaluate(scope));
            }

            return result;
        }
    }

    private sealed class LiteralTemplate(JsonNode? value) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathScope scope) => value?.DeepClone();
    }

    private sealed class PathTemplate(JsonPath path, string key) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathScope scope)
        {
            if (!scope.TryResolve(path, out var value))
            {
                var source = path.Root switch
                {
                    PathRoot.Context => JsonText.Serialize(scope.Context),
                    _ => JsonText.Serialize(scope.Input),
                };
                throw new StatesException(
                    StatesErrors.Runtime,
                    $"The JSONPath '{path.Text}' specified for the field '{key}' could not be found in the input '{source}'");
            }

            return value?.DeepClone();
        }
    }

    private sealed class IntrinsicTemplate(IntrinsicCall call, string key) : PayloadTemplate
    {
        public string Key => key;

        public override JsonNode? Evaluate(in PathScope scope) => IntrinsicFunctions.Evaluate(call, scope);
    }
}
