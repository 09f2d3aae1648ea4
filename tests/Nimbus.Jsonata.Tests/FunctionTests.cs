namespace Nimbus.Jsonata.Tests;

public class FunctionTests
{
    [Theory]
    [InlineData("$string(1e21)", "\"1e+21\"")]
    [InlineData("$string(123456789012345680000)", "\"123456789012345680000\"")]
    [InlineData("$string(1e-7)", "\"1e-7\"")]
    [InlineData("$string(0.000001)", "\"0.000001\"")]
    [InlineData("$string({'a':[1,true,null]})", "\"{\\\"a\\\":[1,true,null]}\"")]
    [InlineData("$number('0x1F')", "31")]
    [InlineData("$round(2.5)", "2")]
    [InlineData("$round(3.5)", "4")]
    [InlineData("$round(1.005, 2)", "1")]
    [InlineData("$formatNumber(12345.6, '#,###.00')", "\"12,345.60\"")]
    [InlineData("$formatBase(255, 16)", "\"ff\"")]
    [InlineData("$formatInteger(1999, 'I')", "\"MCMXCIX\"")]
    [InlineData("$formatInteger(21, 'w;o')", "\"twenty-first\"")]
    [InlineData("$parseInteger('twelve', 'w')", "12")]
    [InlineData("$pad('x', -3, '#')", "\"##x\"")]
    [InlineData("$substring('hello', -3, 2)", "\"ll\"")]
    [InlineData("$length('😀a')", "2")]
    [InlineData("$join(['a','b'], '-')", "\"a-b\"")]
    [InlineData("$sort([3,1,2])", "[1,2,3]")]
    [InlineData("$distinct([1,2,1,[1],[1]])", "[1,2,[1]]")]
    [InlineData("$keys({'a':1,'b':2})", "[\"a\",\"b\"]")]
    [InlineData("$sift({'a':1,'b':2}, function($v){$v > 1})", "{\"b\":2}")]
    [InlineData("$each({'a':1}, function($v, $k){$k & $v})", "\"a1\"")]
    [InlineData("$reduce([1,2,3], function($a, $b){$a + $b})", "6")]
    [InlineData("$map([1,2], function($v, $i){$v * $i})", "[0,2]")]
    [InlineData("$zip([1,2],[3,4])", "[[1,3],[2,4]]")]
    [InlineData("$type(function(){1})", "\"function\"")]
    [InlineData("$eval('1 + 1')", "2")]
    [InlineData("$base64encode('hello')", "\"aGVsbG8=\"")]
    [InlineData("$encodeUrlComponent('a b&c')", "\"a%20b%26c\"")]
    [InlineData("$match('abc', /b(c)/).groups", "[\"c\"]")]
    [InlineData("$match('b', /(x)?b/).groups", "[null]")]
    [InlineData("$replace('b', /(x)?b/, '[$1]')", "\"[]\"")]
    public void Evaluate_BuiltIns_MatchReference(string expression, string expected)
    {
        Assert.Equal(expected, Eval.Json(expression));
    }

    [Theory]
    [InlineData("$fromMillis(0)", "\"1970-01-01T00:00:00.000Z\"")]
    [InlineData("$fromMillis(1521801216617, '[D1o] [MNn] [Y]')", "\"23rd March 2018\"")]
    [InlineData("$fromMillis(1521801216617, '[H01]:[m01] [z]', '-0500')", "\"05:33 GMT-05:00\"")]
    [InlineData("$toMillis('2018-03-23T10:33:36.617Z')", "1521801216617")]
    [InlineData("$toMillis('23/03/2018', '[D]/[M]/[Y]')", "1521763200000")]
    public void Evaluate_DateTime_MatchReference(string expression, string expected)
    {
        Assert.Equal(expected, Eval.Json(expression));
    }

    [Fact]
    public void Evaluate_NowAndMillis_AreStableWithinOneEvaluation()
    {
        Assert.Equal("true", Eval.Json("$millis() = $millis() and $now() = $now()"));
    }

    [Fact]
    public void Evaluate_Error_ThrowsD3137WithMessage()
    {
        var ex = Eval.Error("$error('boom')");

        Assert.Equal("D3137", ex.Code);
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public void Evaluate_SignatureViolation_ThrowsT0410()
    {
        var ex = Eval.Error("$uppercase(1)");

        Assert.Equal("T0410", ex.Code);
        Assert.Equal("uppercase", ex.Token);
    }

    [Fact]
    public void Evaluate_StringOfInfinity_ThrowsD3001()
    {
        Assert.Equal("D3001", Eval.Error("$string(1/0)").Code);
    }
}
