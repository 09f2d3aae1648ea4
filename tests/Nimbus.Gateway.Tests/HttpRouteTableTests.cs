using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Tests;

public sealed class HttpRouteTableTests
{
    private static HttpRouteTable Table(params string[] keys) => new(keys.Select((k, i) =>
    {
        if (k == HttpRoute.DefaultKey)
        {
            return new HttpRoute($"r{i}", k, null, null, null);
        }

        var (method, path) = HttpRoute.ParseKey(k, out _)!.Value;
        return new HttpRoute($"r{i}", k, method == "ANY" ? null : method, path, null);
    }));

    private static (string? Key, Dictionary<string, string> Parameters) Match(HttpRouteTable table, string method, string path)
    {
        var parameters = new Dictionary<string, string>();
        var segments = path.Trim('/').Length == 0 ? [] : path.Trim('/').Split('/');
        return (table.Match(method, segments, parameters)?.RouteKey, parameters);
    }

    [Theory]
    [InlineData("GET", "/pets/dog", "GET /pets/dog")]
    [InlineData("GET", "/pets/cat", "GET /pets/{name}")]
    [InlineData("POST", "/pets/cat", "ANY /pets/{name}")]
    [InlineData("GET", "/pets/cat/toys/ball", "GET /pets/{proxy+}")]
    [InlineData("DELETE", "/pets/cat/toys", "ANY /{proxy+}")]
    [InlineData("GET", "/", "GET /")]
    [InlineData("PUT", "/", "$default")]
    [InlineData("GET", "/Pets/dog", "GET /{proxy+}")]
    public void Match_MostSpecificRouteWins(string method, string path, string expected)
    {
        var table = Table("$default", "ANY /{proxy+}", "GET /{proxy+}", "GET /pets/{proxy+}", "ANY /pets/{name}", "GET /pets/{name}", "GET /pets/dog", "GET /");
        Assert.Equal(expected, Match(table, method, path).Key);
    }

    [Fact]
    public void Match_GreedyCapturesTheRestOfThePath()
    {
        var (key, parameters) = Match(Table("ANY /files/{proxy+}"), "GET", "/files/a/b/c.txt");
        Assert.Equal("ANY /files/{proxy+}", key);
        Assert.Equal("a/b/c.txt", parameters["proxy"]);
    }

    [Fact]
    public void Match_GreedyNeedsAtLeastOneSegment()
    {
        Assert.Null(Match(Table("ANY /files/{proxy+}"), "GET", "/files").Key);
    }

    [Fact]
    public void Match_NothingAndNoDefault_ReturnsNull()
    {
        var (key, parameters) = Match(Table("GET /a/{id}"), "GET", "/b/1");
        Assert.Null(key);
        Assert.Empty(parameters);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("GET /a b")]
    [InlineData("FETCH /a")]
    [InlineData("GET a")]
    [InlineData("GET /{proxy+}/x")]
    [InlineData("GET /a//b")]
    [InlineData("GET /{}")]
    public void ParseKey_Invalid_ReturnsError(string key)
    {
        Assert.Null(HttpRoute.ParseKey(key.Replace("a b", "a{b", StringComparison.Ordinal), out var error));
        Assert.NotNull(error);
    }
}
