using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Jsonata;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Asl.QueryLanguages;

/// <summary>
/// The <see cref="IJsonataEvaluator"/> backed by <c>Nimbus.Jsonata</c>, with the functions Step Functions adds to JSONata
/// (<c>$partition</c>, <c>$range</c>, <c>$hash</c>, <c>$random</c>, <c>$uuid</c>, <c>$parse</c>) and <c>$eval</c> disabled as on AWS.
/// Compiled expressions are cached (they are immutable and thread-safe); one instance serves any number of executions.
/// </summary>
public sealed class JsonataEvaluator : IJsonataEvaluator
{
    /// <summary>The shared default instance.</summary>
    public static JsonataEvaluator Default { get; } = new();

    /// <summary>AWS refuses <c>$range</c> results above this many elements ("memory limit exceeded").</summary>
    internal const int MaxRangeLength = 360_145;

    private const int MaxCacheEntries = 4096;

    private static readonly JsonataEvaluationOptions Guards = new() { TimeLimit = TimeSpan.FromSeconds(5) };

    private readonly ConcurrentDictionary<string, JsonataExpression> _cache = new(StringComparer.Ordinal);

    /// <summary>Compiles (or fetches from the cache) an expression with the Step Functions functions bound.</summary>
    /// <exception cref="JsonataException">The expression does not parse.</exception>
    public JsonataExpression Compile(string expression)
    {
        if (_cache.TryGetValue(expression, out var cached))
        {
            return cached;
        }

        var compiled = JsonataExpression.Compile(expression)
            .WithFunction("partition", Partition)
            .WithFunction("range", Range)
            .WithFunction("hash", Hash)
            .WithFunction("random", RandomNumber)
            .WithFunction("uuid", _ => JsonValue.Create(Guid.NewGuid().ToString()))
            .WithFunction("parse", Parse);
        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(expression, compiled);
    }

    /// <inheritdoc />
    /// <remarks>Returns C# <c>null</c> when the expression yields <em>undefined</em>, and a JSON-null <see cref="JsonValue"/> for <c>null</c>.
    /// Failures (syntax or evaluation) are reported as <see cref="StatesException"/> <c>States.QueryEvaluationError</c> carrying the JSONata message.</remarks>
    public JsonNode? Evaluate(string expression, JsonObject states, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(variables);
        try
        {
            var compiled = Compile(expression);
            var bindings = new Dictionary<string, JsonNode?>(variables.Count + 2, StringComparer.Ordinal);
            foreach (var (k, v) in variables)
            {
                bindings[k] = v;
            }

            // AWS disables $eval; binding a non-function makes a call fail like any call of a non-function (T1006).
            bindings["eval"] = JsonataExpression.CreateJsonNull();
            bindings["states"] = states;
            return compiled.Evaluate(null, bindings, Guards);
        }
        catch (JsonataException ex)
        {
            throw new StatesException(StatesErrors.QueryEvaluationError, ex.Message);
        }
    }

    private static JsonataException Fail(string function, string message) => new("D3137", $"{function}: {message}");

    private static long? Integer(JsonNode? node, string function, string argument)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            throw Fail(function, $"the {argument} argument must be a number");
        }

        var d = v.GetValue<double>();
        return double.IsFinite(d) ? (long)Math.Truncate(Math.Clamp(d, long.MinValue, long.MaxValue)) : throw Fail(function, $"the {argument} argument must be finite");
    }

    /// <summary><c>$partition(array, size)</c>: chunks of <c>size</c>, the last holding the remainder; undefined for an empty array or size 0.</summary>
    private static JsonNode? Partition(IReadOnlyList<JsonNode?> args)
    {
        var source = args.Count > 0 ? args[0] : null;
        if (source is null)
        {
            return null;
        }

        var items = source is JsonArray a ? a : new JsonArray(source.DeepClone());
        var size = Integer(args.Count > 1 ? args[1] : null, "$partition", "chunk size");
        if (size is null || size == 0 || items.Count == 0)
        {
            return null;
        }

        if (size < 0)
        {
            throw Fail("$partition", "the chunk size must be a positive integer");
        }

        var result = new JsonArray();
        JsonArray? chunk = null;
        foreach (var item in items)
        {
            if (chunk is null || chunk.Count >= size)
            {
                chunk = new JsonArray();
                result.Add(chunk);
            }

            chunk.Add(item?.DeepClone());
        }

        return result;
    }

    /// <summary><c>$range(start, end, step)</c>: inclusive of <c>end</c> when a step lands on it; undefined without a usable step.</summary>
    private static JsonNode? Range(IReadOnlyList<JsonNode?> args)
    {
        var start = Integer(args.Count > 0 ? args[0] : null, "$range", "start");
        var end = Integer(args.Count > 1 ? args[1] : null, "$range", "end");
        var step = Integer(args.Count > 2 ? args[2] : null, "$range", "step");
        if (start is null || end is null || step is null || step == 0 || (end > start && step < 0) || (end < start && step > 0))
        {
            return null;
        }

        var count = ((decimal)end.Value - start.Value) / step.Value;
        if (count + 1 > MaxRangeLength)
        {
            throw new JsonataException("D3138", "Expression evaluation memory limit exceeded: Check for excessive memory usage");
        }

        var result = new JsonArray();
        for (var v = start.Value; step > 0 ? v <= end : v >= end; v += step.Value)
        {
            result.Add(JsonValue.Create(v));
        }

        // Like a JSONata sequence, a single value is returned bare.
        return result.Count == 1 ? result[0]!.DeepClone() : result;
    }

    /// <summary><c>$hash(data, algorithm)</c>: lower-case hex digest; algorithm one of MD5, SHA-1, SHA-256, SHA-384, SHA-512.</summary>
    private static JsonNode? Hash(IReadOnlyList<JsonNode?> args)
    {
        var data = args.Count > 0 ? args[0] : null;
        var algorithm = args.Count > 1 ? args[1] : null;
        if (data is null || algorithm is null)
        {
            return null;
        }

        if (data is not JsonValue dv || dv.GetValueKind() != JsonValueKind.String)
        {
            throw Fail("$hash", "the data argument must be a string");
        }

        var name = algorithm is JsonValue av && av.GetValueKind() == JsonValueKind.String ? av.GetValue<string>() : null;
        var bytes = Encoding.UTF8.GetBytes(dv.GetValue<string>());
        byte[] digest = name switch
        {
#pragma warning disable CA5351, CA5350 // AWS offers these legacy algorithms; they are not used for security here.
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
#pragma warning restore CA5351, CA5350
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => throw Fail("$hash", $"unsupported hash algorithm '{name ?? algorithm.ToJsonString()}'; expected one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
        };
        return JsonValue.Create(Convert.ToHexStringLower(digest));
    }

    /// <summary><c>$random([seed])</c>: a number in [0, 1); the same integer seed gives the same number.</summary>
    private static JsonNode? RandomNumber(IReadOnlyList<JsonNode?> args)
    {
        var seed = Integer(args.Count > 0 ? args[0] : null, "$random", "seed");
        var value = seed is { } s ? new Random(unchecked((int)s ^ (int)(s >> 32))).NextDouble() : Random.Shared.NextDouble();
        return JsonValue.Create(value);
    }

    /// <summary><c>$parse(jsonString)</c>: the deserialized JSON value (AWS's replacement for <c>$eval</c>).</summary>
    private static JsonNode? Parse(IReadOnlyList<JsonNode?> args)
    {
        var text = args.Count > 0 ? args[0] : null;
        if (text is null)
        {
            return null;
        }

        if (text is not JsonValue tv || tv.GetValueKind() != JsonValueKind.String)
        {
            throw Fail("$parse", "the argument must be a string");
        }

        try
        {
            var node = JsonNode.Parse(tv.GetValue<string>(), documentOptions: new JsonDocumentOptions { MaxDepth = 512 });
            return node ?? JsonataExpression.CreateJsonNull();
        }
        catch (JsonException ex)
        {
            throw Fail("$parse", "the argument is not valid JSON: " + ex.Message.Split(" Path:", 2)[0].ToString(CultureInfo.InvariantCulture));
        }
    }
}
