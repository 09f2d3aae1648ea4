using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Nimbus.Jsonata.Bench;

/// <summary>Evaluation throughput of typical expressions over a 10,000-object document.</summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private JsonNode _document = null!;
    private JsonataExpression _pathWithPredicate = null!;
    private JsonataExpression _groupBy = null!;
    private JsonataExpression _sumWithLambda = null!;
    private JsonataExpression _stringFunctions = null!;
    private JsonataExpression _constant = null!;

    [GlobalSetup]
    public void Setup()
    {
        _document = Cases.CreateDocument();
        _constant = JsonataExpression.Compile(Cases.ConversionOnly);
        _pathWithPredicate = JsonataExpression.Compile(Cases.PathWithPredicate);
        _groupBy = JsonataExpression.Compile(Cases.GroupBy);
        _sumWithLambda = JsonataExpression.Compile(Cases.SumWithLambda);
        _stringFunctions = JsonataExpression.Compile(Cases.StringFunctions);
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
