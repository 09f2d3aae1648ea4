using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Intrinsics;

/// <summary>The 18 JSONPath intrinsic functions with AWS's argument checks; failures raise <c>States.IntrinsicFailure</c>.</summary>
internal static partial class IntrinsicFunctions
{
    private const int MaxStringLength = 10_000;
    private const int MaxRangeItems = 1000;

    private static readonly HashSet<string> Known =
    [
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
        "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique",
        "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom",
        "States.MathAdd", "States.StringSplit", "States.UUID",
    ];

    public static bool IsKnown(string name) => Known.Contains(name);

    public static JsonNode? Evaluate(IntrinsicCall call, in PathScope scope, Random? random = null)
    {
        var args = new JsonNode?[call.Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = call.Arguments[i] switch
            {
                LiteralArgument l => l.Value?.DeepClone(),
                PathArgument p => ResolvePath(p.Path, scope, call),
                CallArgument c => Evaluate(c.Call, scope, random),
                _ => null,
            };
        }

        return call.Name switch
        {
            "States.Format" => Format(call, args),
            "States.StringToJson" => StringToJson(call, args),
            "States.JsonToString" => JsonToString(call, args),
            "States.Array" => new JsonArray(args),
            "States.ArrayPartition" => ArrayPartition(call, args),
            "States.ArrayContains" => ArrayContains(call, args),
            "States.ArrayRange" => ArrayRange(call, args),
            "States.ArrayGetItem" => ArrayGetItem(call, args),
            "States.ArrayLength" => ArrayLength(call, args),
            "States.ArrayUnique" => ArrayUnique(call, args),
            "States.Base64Encode" => Base64Encode(call, args),
            "States.Base64Decode" => Base64Decode(call, args),
            "States.Hash" => Hash(call, args),
            "States.JsonMerge" => JsonMerge(call, args),
            "States.MathRandom" => MathRandom(call, args, random ?? Random.Shared),
            "States.MathAdd" => MathAdd(call, args),
            "States.StringSplit" => StringSplit(call, args),
            "States.UUID" => UuidFunction(call, args),
            _ => throw Failure(call, $"Unsupported intrinsic function {call.Name}"),
        };
    }

    private static JsonNode? ResolvePath(JsonPath path, in PathScope scope, IntrinsicCall call)
    {
        if (!scope.TryResolve(path, out var value))
        {
            throw new StatesException(
                StatesErrors.Runtime,
                $"The JsonPath argument for the field '{call.Text}' could not be found in the input '{JsonText.Serialize(scope.Input)}'");
        }

        return value?.DeepClone();
    }

    internal static StatesException Failure(IntrinsicCall call, string message) =>
        new(StatesErrors.IntrinsicFailure, $"Invalid arguments in {call.Name}: {message}");

    private static void Arity(IntrinsicCall call, JsonNode?[] args, int min, int max)
    {
        if (args.Length < min || args.Length > max)
        {
            var expected = min == max ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{min} to {max}";
            throw Failure(call, $"The function {call.Name} expects {expected} arguments but received {args.Length}");
        }
    }

    private static string RequireString(IntrinsicCall call, JsonNode? arg, string what)
    {
        if (!JsonText.IsString(arg))
        {
            throw Failure(call, $"The {what} argument must be a string but was {Describe(arg)}");
        }

        return arg!.GetValue<string>();
    }

    private static JsonArray RequireArray(IntrinsicCall call, JsonNode? arg, string what) =>
        arg as JsonArray ?? throw Failure(call, $"The {what} argument must be an array but was {Describe(arg)}");

    private static long RequireInteger(IntrinsicCall call, JsonNode? arg, string what)
    {
        if (!JsonText.IsInteger(arg))
        {
            throw Failure(call, $"The {what} argument must be an integer but was {Describe(arg)}");
        }

        return (long)JsonText.ToDouble(arg!);
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : JsonText.Serialize(node);

    private static JsonNode Format(IntrinsicCall call, JsonNode?[] args)
    {
        if (args.Length < 1)
        {
            throw Failure(call, "The function States.Format expects at least 1 argument");
        }

        var template = call.Arguments[0] is LiteralArgument { FormatTemplate: { } t } ? t : RequireString(call, args[0], "first");
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length && template[i + 1] is '{' or '}')
            {
                sb.Append(template[++i]);
                continue;
            }

            if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= args.Length)
                {
                    throw Failure(call, "Number of arguments in the string do not match the number of provided arguments");
                }

                sb.Append(JsonText.ToJavaString(args[next++]));
                i++;
                continue;
            }

            sb.Append(c);
        }

        if (next != args.Length)
        {
            throw Failure(call, "Number of arguments in the string do not match the number of provided arguments");
        }

        return JsonValue.Create(sb.ToString());
    }

    private static JsonNode? StringToJson(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        var s = RequireString(call, args[0], "first");
        if (string.IsNullOrWhiteSpace(s))
        {
            return null;
        }

        if (!JsonText.TryParse(s, out var node))
        {
            throw Failure(call, $"The input string '{s}' is not valid JSON");
        }

        return node;
    }

    private static JsonNode JsonToString(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        return JsonValue.Create(JsonText.Serialize(args[0]));
    }

    private static JsonNode ArrayPartition(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var array = RequireArray(call, args[0], "first");
        var size = RequireInteger(call, args[1], "second");
        if (size <= 0)
        {
            throw Failure(call, $"The chunk size must be a positive integer but was {size}");
        }

        var result = new JsonArray();
        JsonArray? chunk = null;
        foreach (var item in array)
        {
            if (chunk is null || chunk.Count == size)
            {
                chunk = [];
                result.Add(chunk);
            }

            chunk.Add(item?.DeepClone());
        }

        return result;
    }

    private static JsonNode ArrayContains(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var array = RequireArray(call, args[0], "first");
        return JsonValue.Create(array.Any(x => JsonText.DeepEquals(x, args[1])));
    }

    private static JsonNode ArrayRange(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 3, 3);
        var start = RequireInteger(call, args[0], "first");
        var end = RequireInteger(call, args[1], "second");
        var step = RequireInteger(call, args[2], "third");
        if (step == 0)
        {
            throw Failure(call, "The step argument cannot be 0");
        }

        var result = new JsonArray();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            if (result.Count == MaxRangeItems)
            {
                throw Failure(call, $"The array cannot contain more than {MaxRangeItems} items");
            }

            result.Add(JsonValue.Create(v));
        }

        return result;
    }

    private static JsonNode? ArrayGetItem(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var array = RequireArray(call, args[0], "first");
        var index = RequireInteger(call, args[1], "second");
        if (index < 0 || index >= array.Count)
        {
            throw Failure(call, $"The index {index} is out of bounds for an array of length {array.Count}");
        }

        return array[(int)index]?.DeepClone();
    }

    private static JsonNode ArrayLength(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        return JsonValue.Create(RequireArray(call, args[0], "first").Count);
    }

    private static JsonNode ArrayUnique(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        var array = RequireArray(call, args[0], "first");
        var result = new JsonArray();
        foreach (var item in array)
        {
            if (!result.Any(x => JsonText.DeepEquals(x, item)))
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }

    private static JsonNode Base64Encode(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        var s = RequireString(call, args[0], "first");
        if (s.Length > MaxStringLength)
        {
            throw Failure(call, $"The input string cannot be longer than {MaxStringLength} characters");
        }

        return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(s)));
    }

    private static JsonNode Base64Decode(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 1, 1);
        var s = RequireString(call, args[0], "first");
        if (s.Length > MaxStringLength)
        {
            throw Failure(call, $"The input string cannot be longer than {MaxStringLength} characters");
        }

        try
        {
            return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(s)));
        }
        catch (FormatException)
        {
            throw Failure(call, $"The input string '{s}' is not valid Base64");
        }
    }

    private static JsonNode Hash(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var data = args[0] is null || JsonText.IsString(args[0]) ? args[0]?.GetValue<string>() ?? "null" : JsonText.Serialize(args[0]);
        if (data.Length > MaxStringLength)
        {
            throw Failure(call, $"The input data cannot be longer than {MaxStringLength} characters");
        }

        var algorithm = RequireString(call, args[1], "second");
        var bytes = Encoding.UTF8.GetBytes(data);
        byte[] hash = algorithm switch
        {
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => throw Failure(call, $"The hashing algorithm '{algorithm}' is not supported. Supported algorithms: MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
        };
        return JsonValue.Create(Convert.ToHexStringLower(hash));
    }

    private static JsonNode JsonMerge(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 3, 3);
        var left = args[0] as JsonObject ?? throw Failure(call, $"The first argument must be a JSON object but was {Describe(args[0])}");
        var right = args[1] as JsonObject ?? throw Failure(call, $"The second argument must be a JSON object but was {Describe(args[1])}");
        if (!JsonText.IsBoolean(args[2]))
        {
            throw Failure(call, "The third argument must be a boolean");
        }

        if (args[2]!.GetValue<bool>())
        {
            throw Failure(call, "Deep merge is not supported; the third argument must be false");
        }

        var result = (JsonObject)left.DeepClone();
        foreach (var p in right)
        {
            result[p.Key] = p.Value?.DeepClone();
        }

        return result;
    }

    private static JsonNode MathRandom(IntrinsicCall call, JsonNode?[] args, Random random)
    {
        Arity(call, args, 2, 3);

        // As for MathAdd, AWS rounds non-integer bounds to the nearest integer (the recorded run with 12.5 and 44.51 succeeds).
        var start = JavaRound(RequireNumber(call, args[0], "first"));
        var end = JavaRound(RequireNumber(call, args[1], "second"));
        if (start >= end)
        {
            throw Failure(call, "The start value must be less than the end value");
        }

        if (args.Length == 3)
        {
            var seed = RequireInteger(call, args[2], "third");
            random = new Random(unchecked((int)seed));
        }

        return JsonValue.Create(random.NextInt64(start, end));
    }

    private static JsonNode MathAdd(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var a = RequireNumber(call, args[0], "first");
        var b = RequireNumber(call, args[1], "second");
        return JsonValue.Create(JavaRound(a) + JavaRound(b));
    }

    private static double RequireNumber(IntrinsicCall call, JsonNode? arg, string what)
    {
        if (!JsonText.IsNumber(arg))
        {
            throw Failure(call, $"The {what} argument must be a number but was {Describe(arg)}");
        }

        var d = JsonText.ToDouble(arg!);
        if (d is > int.MaxValue or < int.MinValue)
        {
            throw Failure(call, $"The {what} argument must be between {int.MinValue} and {int.MaxValue}");
        }

        return d;
    }

    /// <summary>Java's Math.round: half rounds towards positive infinity.</summary>
    private static long JavaRound(double d) => (long)Math.Floor(d + 0.5);

    private static JsonNode StringSplit(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 2, 2);
        var s = RequireString(call, args[0], "first");
        var delimiters = RequireString(call, args[1], "second");
        var parts = s.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        var result = new JsonArray();
        foreach (var p in parts)
        {
            result.Add(JsonValue.Create(p));
        }

        return result;
    }

    private static JsonNode UuidFunction(IntrinsicCall call, JsonNode?[] args)
    {
        Arity(call, args, 0, 0);
        return JsonValue.Create(Guid.NewGuid().ToString());
    }
}
