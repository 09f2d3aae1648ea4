using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Tests.Patterns;

public sealed class FilterPolicyTests
{
    private static readonly Dictionary<string, (string, string)> Attributes = new()
    {
        ["store"] = ("String", "example_corp"),
        ["event"] = ("String", "order_placed"),
        ["customer_interests"] = ("String.Array", """["soccer", "rugby", "hockey"]"""),
        ["price_usd"] = ("Number", "210.75"),
        ["blob"] = ("Binary", "AAEC"),
        ["ip"] = ("String", "192.168.1.7"),
    };

    [Theory]
    [InlineData("""{"store": ["example_corp"]}""", true)]
    [InlineData("""{"store": ["other"]}""", false)]
    [InlineData("""{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}]}""", true)]
    [InlineData("""{"customer_interests": ["rugby", "football"]}""", true)]
    [InlineData("""{"customer_interests": ["baseball"]}""", false)]
    [InlineData("""{"price_usd": [{"numeric": [">=", 100]}]}""", true)]
    [InlineData("""{"price_usd": [{"numeric": ["<", 100]}]}""", false)]
    [InlineData("""{"price_usd": [210.75]}""", true)]
    [InlineData("""{"event": [{"prefix": "order"}]}""", true)]
    [InlineData("""{"event": [{"suffix": "_placed"}]}""", true)]
    [InlineData("""{"event": [{"equals-ignore-case": "ORDER_PLACED"}]}""", true)]
    [InlineData("""{"ip": [{"cidr": "192.168.1.0/24"}]}""", true)]
    [InlineData("""{"missing": [{"exists": false}]}""", true)]
    [InlineData("""{"store": [{"exists": false}]}""", false)]
    [InlineData("""{"blob": [{"exists": true}]}""", true)]
    [InlineData("""{"blob": ["AAEC"]}""", false)]
    [InlineData("""{"$or": [{"store": ["x"]}, {"event": ["order_placed"]}]}""", true)]
    public void Matches_MessageAttributes(string policy, bool expected)
    {
        Assert.Equal(expected, FilterPolicy.Parse(policy, bodyScope: false).Matches("ignored", Attributes));
    }

    [Theory]
    [InlineData("""{"order": {"status": ["paid"]}}""", true)]
    [InlineData("""{"order": {"total": [{"numeric": [">", 50]}]}}""", true)]
    [InlineData("""{"order": {"status": ["refunded"]}}""", false)]
    public void Matches_MessageBody(string policy, bool expected)
    {
        const string body = """{"order": {"status": "paid", "total": 99.5}}""";
        Assert.Equal(expected, FilterPolicy.Parse(policy, bodyScope: true).Matches(body, new Dictionary<string, (string, string)>()));
    }

    [Fact]
    public void Matches_BodyScope_NonJsonBodyNeverMatches()
    {
        Assert.False(FilterPolicy.Parse("""{"a": [{"exists": false}]}""", true).Matches("plain text", new Dictionary<string, (string, string)>()));
    }

    [Theory]
    [InlineData("""{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}""", "Filter policy can not have more than 5 keys")]
    [InlineData("""{"a": {"b": [1]}}""", "Filter policy scope MessageAttributes does not support nested filter policy")]
    [InlineData("""{"a": [{"wildcard": "x*"}]}""", "Unrecognized match type wildcard")]
    public void Parse_AttributeScope_RejectsWhatSnsRejects(string policy, string reason)
    {
        Assert.Equal(reason, Assert.Throws<PatternException>(() => FilterPolicy.Parse(policy, false)).Reason);
    }

    [Fact]
    public void Parse_TooManyCombinations_Throws()
    {
        var values = string.Join(",", Enumerable.Range(0, 13));
        var policy = $$"""{"a": [{{values}}], "b": [{{values}}]}""";
        Assert.Equal("Filter policy is too complex", Assert.Throws<PatternException>(() => FilterPolicy.Parse(policy, false)).Reason);
        Assert.NotNull(FilterPolicy.Parse($$"""{"a": [{{values}}], "b": [1, 2]}""", false));
    }
}
