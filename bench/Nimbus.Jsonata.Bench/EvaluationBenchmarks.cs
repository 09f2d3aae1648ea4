using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Nimbus.Jsonata.Bench;

/// <summary>Evaluation throughput of typical expressions over a 10,000-object document.</summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private static readonly string[] Categories = ["books", "games", "music", "tools", "food"];

    private JsonNode _document = null!;
    private JsonataExpression _pathWithPredicate = null!;
    private JsonataExpression _groupBy = null!;
    private JsonataExpression _sumWithLambda = null!;
    private JsonataExpression _stringFunctions = null!;
    private JsonataExpression _constant = null!;

    [GlobalSetup]
    public void Setup()
    {
        var items = new JsonArray();
        for (var i = 0; i < 10_000; i++)
        {
            items.Add(new JsonObject
            {
                ["id"] = i,
                ["name"] = "item-" + i.ToString(CultureInfo.InvariantCulture),
                ["category"] = Categories[i % Categories.Length],
                ["price"] = (i % 100) + 0.5,
                ["qty"] = i % 7,
            });
        }

        _document = new JsonObject { ["items"] = items };
        _constant = JsonataExpression.Compile("1");
        _pathWithPredicate = JsonataExpression.Compile("items[price > 50 and category = 'games'].name");
        _groupBy = JsonataExpression.Compile("items{category: {'total': $sum(price), 'count': $count(id)}}");
        _sumWithLambda = JsonataExpression.Compile("$sum($map(items, function($i){ $i.price * $i.qty }))");
        _stringFunctions = JsonataExpression.Compile(
            "$join(items[id < 1000].($uppercase($substring(name, 0, 6)) & '-' & $pad($string(id), 5, '0')), ',')");
    }

    /// <summary>Baseline: converting the 10,000-object input into the engine's value model.</summary>
    [Benchmark(Baseline = true)]
    public JsonNode? InputConversionOnly() => _constant.Evaluate(_document);

    [Benchmark]
    public JsonNode? PathWithPredicate() => _pathWithPredicate.Evaluate(_document);

    [Benchmark]
    public JsonNode? GroupByObjectConstructor() => _groupBy.Evaluate(_document);

    [Benchmark]
    public JsonNode? SumWithLambda() => _sumWithLambda.Evaluate(_document);

    [Benchmark]
    public JsonNode? StringFunctions() => _stringFunctions.Evaluate(_document);

    [Benchmark]
    public JsonataExpression Compile() => JsonataExpression.Compile("items[price > 50 and category = 'games'].{'n': name, 'p': price * 1.2}");
}
