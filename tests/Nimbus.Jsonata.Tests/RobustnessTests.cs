namespace Nimbus.Jsonata.Tests;

public class RobustnessTests
{
    [Theory]
    [InlineData("$pad('x', 1e10)")]
    [InlineData("$pad('x', -1e10, 'ab')")]
    [InlineData("$formatBase(1e300, 2)")]
    [InlineData("$fromMillis(1e20)")]
    [InlineData("$fromMillis(-1e20, '[Y]')")]
    [InlineData("$toMillis('99999-01-01', '[Y]-[M]-[D]')")]
    [InlineData("$substring('abc', 1e300, 1e300)")]
    [InlineData("$formatInteger(1e300, 'w')")]
    [InlineData("$formatInteger(1e300, 'I')")]
    [InlineData("$formatInteger(1e30, 'a')")]
    [InlineData("$formatNumber(1e300, '#,##0.00')")]
    [InlineData("$formatNumber(1e-300, '0.00e0')")]
    [InlineData("$round(1e300, 5)")]
    [InlineData("$number('0x' & '1' & $join($map([1..40], function(){'f'})))")]
    [InlineData("$split('abc', '', 1e300)")]
    [InlineData("$match('aaa', /a/, 1e300)")]
    [InlineData("$replace('aaa', 'a', 'b', 1e300)")]
    [InlineData("[1..3][1e300]")]
    [InlineData("[1..3][-1e300]")]
    [InlineData("$zip([1], 2, 'x')")]
    [InlineData("$each([1,2], function($v){$v})")]
    [InlineData("$sift([1,2], function($v){$v})")]
    [InlineData("$spread(function(){1})")]
    [InlineData("$keys(function(){1})")]
    [InlineData("$merge([{'a':1}, 2])")]
    [InlineData("$single([])")]
    [InlineData("$lookup([{'a':1},{'a':[2,3]}], 'a')")]
    [InlineData("$eval('$$$$')")]
    [InlineData("$eval('{')")]
    [InlineData("'abc'[0]")]
    [InlineData("{'a':1}.*[0].x")]
    [InlineData("/a/('banana').next().next()")]
    [InlineData("$base64decode('!!!')")]
    [InlineData("$decodeUrl('%')")]
    [InlineData("$parseInteger('abc', '#')")]
    [InlineData("$parseInteger('12', 'w')")]
    [InlineData("$toMillis('2020-13-45T25:61:61Z')")]
    [InlineData("$fromMillis(0, '[Y,3-2]')")]
    [InlineData("$fromMillis(0, '[Z0001]', '+99999')")]
    [InlineData("$fromMillis(0, '[h]:[m] [P]', 'abc')")]
    [InlineData("$formatNumber(12, '#', {'zero-digit': ''})")]
    [InlineData("$sort([{'a':1}], function($l, $r){$l.a > $r.a})")]
    [InlineData("function($x){$x}(1, 2, 3)")]
    [InlineData("$string($)")]
    [InlineData("$ ~> |$|{}|")]
    [InlineData("$ ~> |**|{'x':1}|")]
    public void Evaluate_EdgeCases_RaiseOnlyJsonataErrors(string expression)
    {
        try
        {
            _ = Eval.Run(expression, """{"a":[1,{"b":2}]}""");
        }
        catch (JsonataException)
        {
            // a JSONata error is an acceptable outcome; any other exception type is a bug
        }
    }
}
