using Nimbus.Logs.Api;

namespace Nimbus.Logs.Tests;

public class FilterPatternTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Matches_EmptyPattern_MatchesEverything(string? pattern)
    {
        Assert.True(FilterPattern.Parse(pattern).Matches("anything at all"));
        Assert.True(FilterPattern.Parse(pattern).Matches(""));
    }

    [Theory]
    [InlineData("ERROR timeout", "ERROR: request timeout after 3s", true)]
    [InlineData("ERROR timeout", "ERROR: request failed", false)]
    [InlineData("ERROR timeout", "timeout only", false)]
    [InlineData("ERROR", "error lowercase", false)]
    public void Matches_Terms_AllMustAppearCaseSensitively(string pattern, string message, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Parse(pattern).Matches(message));
    }

    [Theory]
    [InlineData("\"request failed\"", "the request failed badly", true)]
    [InlineData("\"request failed\"", "failed request", false)]
    [InlineData("\"request failed\" ERROR", "ERROR the request failed", true)]
    [InlineData("\"request failed\" ERROR", "WARN the request failed", false)]
    public void Matches_QuotedPhrase_MustAppearAsWhole(string pattern, string message, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Parse(pattern).Matches(message));
    }

    [Theory]
    [InlineData("?ERROR ?WARN", "WARN disk low", true)]
    [InlineData("?ERROR ?WARN", "ERROR disk full", true)]
    [InlineData("?ERROR ?WARN", "INFO all good", false)]
    [InlineData("?\"out of memory\" ?OOM", "killed: out of memory", true)]
    public void Matches_Alternatives_AnyOneSuffices(string pattern, string message, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Parse(pattern).Matches(message));
    }

    [Theory]
    [InlineData("ERROR -retry", "ERROR giving up", true)]
    [InlineData("ERROR -retry", "ERROR will retry", false)]
    [InlineData("-\"health check\"", "health ok, check later", true)]
    [InlineData("-\"health check\"", "health check ok", false)]
    [InlineData("-DEBUG", "INFO x", true)]
    public void Matches_Exclusions_RejectMessagesContainingThem(string pattern, string message, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Parse(pattern).Matches(message));
    }

    [Fact]
    public void Matches_CombinedTermsAlternativesAndExclusions_AllRulesApply()
    {
        var pattern = FilterPattern.Parse("REPORT ?timeout ?error -ignored");

        Assert.True(pattern.Matches("REPORT Status: timeout"));
        Assert.True(pattern.Matches("REPORT Status: error"));
        Assert.False(pattern.Matches("REPORT Status: ok"));
        Assert.False(pattern.Matches("REPORT timeout ignored"));
        Assert.False(pattern.Matches("timeout without the term"));
    }

    [Theory]
    [InlineData("{ $.level = \"ERROR\" }")]
    [InlineData("  { $.x = 1 }")]
    [InlineData("[ip, user, status = 500]")]
    public void Matches_JsonOrSpaceDelimitedPattern_IsUnsupportedAndMatchesNothing(string pattern)
    {
        var parsed = FilterPattern.Parse(pattern);

        Assert.False(parsed.Matches("{\"level\":\"ERROR\",\"x\":1}"));
        Assert.False(parsed.Matches("127.0.0.1 bob 500"));
    }
}
