using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Jsonata.Bench;

/// <summary>
/// The shared definition of the JSONata benchmark: the expressions and the deterministic 10,000-object document.
/// <c>--quick</c> writes both to <c>bench/out/</c> so that <c>bench/jsonata-js/bench.mjs</c> measures exactly the same work.
/// </summary>
internal static class Cases
{
    private static readonly string[] Categories = ["books", "games", "music", "tools", "food"];

    /// <summary>Evaluating <c>1</c> over the document: with a JsonNode input this is the input conversion alone.</summary>
    public const string ConversionOnly = "1";

    public const string PathWithPredicate = "items[price > 50 and category = 'games'].name";
    public const string GroupBy = "items{category: {'total': $sum(price), 'count': $count(id)}}";
    public const string SumWithLambda = "$sum($map(items, function($i){ $i.price * $i.qty }))";

    public const string StringFunctions =
        "$join(items[id < 1000].($uppercase($substring(name, 0, 6)) & '-' & $pad($string(id), 5, '0')), ',')";

    /// <summary>Name and expression of every measured case, in report order.</summary>
    public static readonly IReadOnlyList<(string Name, string Expression)> All =
    [
        ("PathWithPredicate", PathWithPredicate),
        ("GroupByObjectConstructor", GroupBy),
        ("SumWithLambda", SumWithLambda),
        ("StringFunctions", StringFunctions),
        ("ConversionOnly", ConversionOnly),
    ];

    /// <summary><c>{"items": [...]}</c> with <paramref name="count"/> objects; a pure function of the index (no randomness).</summary>
    public static JsonObject CreateDocument(int count = 10_000)
    {
        var items = new JsonArray();
        for (var i = 0; i < count; i++)
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

        return new JsonObject { ["items"] = items };
    }
}
