using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping;

namespace Nimbus.Gateway.Tests;

public sealed class JsonPathTests
{
    private static readonly JsonNode Store = JsonNode.Parse("""
        {"store":{"book":[
          {"category":"reference","author":"Nigel Rees","title":"Sayings","price":8.95},
          {"category":"fiction","author":"Evelyn Waugh","title":"Sword","price":12.99},
          {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553","price":8.99}],
          "bicycle":{"color":"red","price":19.95}},
         "odd key":{"x":1}}
        """)!;

    private static string Json(string path)
    {
        var (matches, definite) = JsonPath.Evaluate(Store, path);
        return definite ? (matches.Count == 0 ? "<none>" : VtlJson.Write(matches[0])) : VtlJson.Write(new JsonArray([.. matches.Select(m => m?.DeepClone())]));
    }

    [Theory]
    [InlineData("$.store.bicycle.color", "\"red\"")]
    [InlineData("$['store']['bicycle']['price']", "19.95")]
    [InlineData("$.store.book[0].author", "\"Nigel Rees\"")]
    [InlineData("$.store.book[-1].title", "\"Moby Dick\"")]
    [InlineData("$.store.book[*].author", "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\"]")]
    [InlineData("$..author", "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\"]")]
    [InlineData("$.store.book[0,2].price", "[8.95,8.99]")]
    [InlineData("$.store.book[:2].title", "[\"Sayings\",\"Sword\"]")]
    [InlineData("$.store.book[?(@.isbn)].title", "[\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.price < 10)].title", "[\"Sayings\",\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.category == 'fiction')].author", "[\"Evelyn Waugh\",\"Herman Melville\"]")]
    [InlineData("$['odd key'].x", "1")]
    [InlineData("$.store.nothing", "<none>")]
    [InlineData("$.store.book.length()", "3")]
    public void Evaluates(string path, string expected) => Assert.Equal(expected, Json(path));
}
