using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Mapping.Vtl;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

/// <summary>The Velocity engine against the examples of AWS's "Mapping template reference", "$input variables" and
/// "Examples using variables for mapping template transformations" pages, and Velocity 1.7 semantics.</summary>
public sealed class VtlTemplateTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private static TemplateScope Scope(
        string query = "",
        Dictionary<string, string>? path = null,
        (string, string)[]? headers = null,
        Dictionary<string, string>? stageVariables = null)
    {
        var request = new GatewayRequest(
            "POST",
            "/pets/7",
            query,
            [.. (headers ?? [("Content-Type", "application/json"), ("User-Agent", "curl/7.84.0")]).Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))],
            ReadOnlyMemory<byte>.Empty,
            "192.0.2.1",
            "HTTP/1.1",
            "abcd1234.execute-api.localhost",
            4566);
        var ctx = new EventContext(
            "111122223333", "abcd1234", "prod", "/prod", "/pets/{id}", "efg567",
            path ?? new Dictionary<string, string> { ["id"] = "7" },
            stageVariables ?? new Dictionary<string, string> { ["version"] = "v1" },
            "req-1", "ext-1", "Root=1-abc", Now);
        return TemplateScope.For(request, ctx, "POST", "/pets/{id}");
    }

    private static string Render(string template, string body = "", TemplateScope? scope = null) => (scope ?? Scope()).Render(template, body);

    private static string Vtl(string template, Dictionary<string, object?>? vars = null) =>
        VtlRenderer.Render(template, vars ?? new Dictionary<string, object?>());

    // ---- AWS "$input variables" examples ----

    private const string PetBody = """{"name":"Cat","type":"pet","price":249.99,"tags":["a","b"],"owner":{"id":5,"name":"Ann"}}""";

    [Fact]
    public void InputJson_WholeBodyAndSubPaths_AreJsonText()
    {
        Assert.Equal(
            """{"name":"Cat","type":"pet","price":249.99,"tags":["a","b"],"owner":{"id":5,"name":"Ann"}}""",
            Render("$input.json('$')", PetBody));
        Assert.Equal("\"Cat\"", Render("$input.json('$.name')", PetBody));
        Assert.Equal("249.99", Render("$input.json('$.price')", PetBody));
        Assert.Equal("""["a","b"]""", Render("$input.json('$.tags')", PetBody));
        Assert.Equal("""{"id":5,"name":"Ann"}""", Render("$input.json('$.owner')", PetBody));
        Assert.Equal("{}", Render("$input.json('$')", ""));
    }

    [Fact]
    public void InputPath_ReturnsObjectsRenderedAsJava()
    {
        Assert.Equal("Cat", Render("$input.path('$.name')", PetBody));
        Assert.Equal("{id=5, name=Ann}", Render("$input.path('$.owner')", PetBody));
        Assert.Equal("[a, b]", Render("$input.path('$.tags')", PetBody));
        Assert.Equal("2", Render("$input.path('$.tags').size()", PetBody));
        Assert.Equal("Ann", Render("$input.path('$.owner').name", PetBody));
        Assert.Equal("", Render("$input.path('$.missing')", PetBody));
    }

    [Fact]
    public void InputPath_AwsArrayExample_LoopsOverItems()
    {
        // From "$input variables": iterating $input.path('$.things') of a body with a map of things.
        const string body = """{"things":{"1d4e5":{},"a3x2m":{"value":7}}}""";
        const string template = """
            #set($allThings = $input.path('$.things'))
            {
            #foreach($thing in $allThings.entrySet())
              "$thing.key": "$thing.value"#if($foreach.hasNext),#end
            #end
            }
            """;
        Assert.Equal("{\n  \"1d4e5\": \"{}\",\n  \"a3x2m\": \"{value=7}\"\n}", Render(template, body));
    }

    [Fact]
    public void InputParams_AllAndByName_SearchPathThenQueryThenHeader()
    {
        var scope = Scope(query: "q=dogs&limit=5&id=fromquery", headers: [("X-Custom", "h1"), ("Content-Type", "application/json")]);
        Assert.Equal("7", Render("$input.params('id')", scope: scope));
        Assert.Equal("dogs", Render("$input.params('q')", scope: scope));
        Assert.Equal("h1", Render("$input.params('X-Custom')", scope: scope));
        Assert.Equal("h1", Render("$input.params().header.get('x-custom')", scope: scope));
        Assert.Equal("", Render("$input.params('nope')", scope: scope));
        Assert.Equal(
            "{path={id=7}, querystring={q=dogs, limit=5, id=fromquery}, header={X-Custom=h1, Content-Type=application/json}}",
            Render("$input.params()", scope: scope));
        Assert.Equal("[path, querystring, header]", Render("$input.params().keySet()", scope: scope));
    }

    [Fact]
    public void AwsExample_PassAllParametersThroughJson()
    {
        // "Example 2: Pass all request parameters to the integration endpoint through a JSON payload".
        const string template = """
            #set($allParams = $input.params())
            {
              "params" : {
                #foreach($type in $allParams.keySet())
                #set($params = $allParams.get($type))
                "$type" : {
                  #foreach($paramName in $params.keySet())
                  "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
                  #if($foreach.hasNext),#end
                  #end
                }
                #if($foreach.hasNext),#end
                #end
              }
            }
            """;
        var scope = Scope(query: "name=a'b", headers: [("Accept", "*/*")]);
        var output = Render(template, scope: scope);
        var parsed = JsonNode.Parse(output.Replace("\\'", "'", StringComparison.Ordinal))!;
        Assert.Equal("7", parsed["params"]!["path"]!["id"]!.GetValue<string>());
        Assert.Equal("a'b", parsed["params"]!["querystring"]!["name"]!.GetValue<string>());
        Assert.Equal("*/*", parsed["params"]!["header"]!["Accept"]!.GetValue<string>());
        Assert.Contains("\"name\" : \"a\\'b\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AwsExample_ContextVariables()
    {
        const string template = """
            {
                "stage" : "$context.stage",
                "request_id" : "$context.requestId",
                "api_id" : "$context.apiId",
                "resource_path" : "$context.resourcePath",
                "resource_id" : "$context.resourceId",
                "http_method" : "$context.httpMethod",
                "source_ip" : "$context.identity.sourceIp",
                "user-agent" : "$context.identity.userAgent",
                "account_id" : "$context.identity.accountId",
                "epoch" : $context.requestTimeEpoch
            }
            """;
        var o = JsonNode.Parse(Render(template))!;
        Assert.Equal("prod", o["stage"]!.GetValue<string>());
        Assert.Equal("req-1", o["request_id"]!.GetValue<string>());
        Assert.Equal("abcd1234", o["api_id"]!.GetValue<string>());
        Assert.Equal("/pets/{id}", o["resource_path"]!.GetValue<string>());
        Assert.Equal("efg567", o["resource_id"]!.GetValue<string>());
        Assert.Equal("POST", o["http_method"]!.GetValue<string>());
        Assert.Equal("192.0.2.1", o["source_ip"]!.GetValue<string>());
        Assert.Equal("curl/7.84.0", o["user-agent"]!.GetValue<string>());
        Assert.Equal("", o["account_id"]!.GetValue<string>());
        Assert.Equal(1_700_000_000_123, o["epoch"]!.GetValue<long>());
    }

    [Fact]
    public void StageVariables_AreReadable()
    {
        Assert.Equal("v1 v1", Render("$stageVariables.version ${stageVariables.version}"));
        Assert.Equal("[version]", Render("$stageVariables.keySet()"));
    }

    // ---- $util ----

    [Fact]
    public void Util_EscapeJavaScript_MatchesCommonsLang()
    {
        Assert.Equal("He said \\\"hi\\\" \\'there\\' a\\/b \\\\ \\n\\t\\u00E9", Render("$util.escapeJavaScript($input.path('$.s'))", """{"s":"He said \"hi\" 'there' a/b \\ \n\té"}"""));
    }

    [Fact]
    public void Util_ParseJson_ReturnsObjects()
    {
        Assert.Equal("Ann", Render("#set($o = $util.parseJson($input.path('$.raw')))$o.name", """{"raw":"{\"name\":\"Ann\",\"n\":[1,2]}"}"""));
        Assert.Equal("2", Render("$util.parseJson('[1,2]').size()"));
    }

    [Fact]
    public void Util_UrlAndBase64()
    {
        Assert.Equal("a+b%26c%3Dd%C3%A9*_-.", Render("$util.urlEncode('a b&c=dé*_-.')"));
        Assert.Equal("a b&c", Render("$util.urlDecode('a+b%26c')"));
        Assert.Equal("aGVsbG8=", Render("$util.base64Encode('hello')"));
        Assert.Equal("hello", Render("$util.base64Decode('aGVsbG8=')"));
    }

    // ---- Velocity language ----

    [Fact]
    public void Set_If_ElseIf_Else()
    {
        const string template = """
            #set($n = $input.path('$.n'))
            #if($n > 10)
            big
            #elseif($n == 10)
            ten
            #else
            small
            #end
            """;
        Assert.Equal("big\n", Render(template, """{"n":11}"""));
        Assert.Equal("ten\n", Render(template, """{"n":10}"""));
        Assert.Equal("small\n", Render(template, """{"n":1}"""));
    }

    [Fact]
    public void Operators_WordAndSymbolForms()
    {
        Assert.Equal("yes", Vtl("#if(1 < 2 && !(3 == 4) || false)yes#end"));
        Assert.Equal("yes", Vtl("#if(1 lt 2 and not false and 2 ge 2 and 'a' eq 'a' and 'a' ne 'b')yes#end"));
        Assert.Equal("7 1 12 2 1 2.5", Vtl("#set($a = 3 + 4)#set($b = 4 - 3)#set($c = 3 * 4)#set($d = 5 / 2)#set($e = 5 % 2)#set($f = 5.0 / 2)$a $b $c $d $e $f"));
        Assert.Equal("ab1", Vtl("#set($s = 'a' + \"b\" + 1)$s"));
        Assert.Equal("true", Vtl("#set($x = 1 == 1.0)$x"));
        Assert.Equal("true", Vtl("#set($x = '5' == 5)$x"));
    }

    [Fact]
    public void Truthiness_NullAndFalseOnly()
    {
        Assert.Equal("A", Vtl("#if($missing)x#else A#end").Trim());
        Assert.Equal("e", Vtl("#if('')e#end"));
        Assert.Equal("0", Vtl("#if(0)0#end"));
        Assert.Equal("", Vtl("#if(false)f#end"));
    }

    [Fact]
    public void Foreach_IndexCountHasNextAndVelocityCount()
    {
        Assert.Equal("0:1:true:1 1:2:true:2 2:3:false:3 ", Vtl("#foreach($x in ['a','b','c'])$foreach.index:$foreach.count:$foreach.hasNext:$velocityCount #end"));
        Assert.Equal("1,2,3", Vtl("#foreach($i in [1..3])$i#if($foreach.hasNext),#end#end"));
        Assert.Equal("3 2 1 ", Vtl("#foreach($i in [3..1])$i #end"));
        Assert.Equal("ab", Vtl("#foreach($x in ['a','b','c'])#if($x == 'c')#break#end$x#end"));
        Assert.Equal("x", Vtl("#set($x = 'x')#foreach($x in ['a'])#end$x"));
    }

    [Fact]
    public void Foreach_NestedLoopsHaveTheirOwnState()
    {
        Assert.Equal("0.0 0.1 1.0 1.1 ", Vtl("#foreach($a in [1,2])#set($outer = $foreach.index)#foreach($b in [1,2])$outer.$foreach.index #end#end"));
    }

    [Fact]
    public void Foreach_StopsAfterAThousandIterations()
    {
        Assert.Throws<VtlException>(() => Vtl("#foreach($i in [1..2000])x#end"));
    }

    [Fact]
    public void QuietAndUndefinedReferences_RenderNothing()
    {
        Assert.Equal("[][]", Vtl("[$!nothing][$nothing.at.all]"));
        Assert.Equal("[x]", Vtl("#set($v = 'x')[$!v]"));
        Assert.Equal("[x]", Vtl("#set($v = 'x')[$!{v}]"));
    }

    [Fact]
    public void SetNull_LeavesTheVariableUnchanged()
    {
        Assert.Equal("keep", Vtl("#set($v = 'keep')#set($v = $nothing)$v"));
    }

    [Fact]
    public void Comments_AreDropped()
    {
        Assert.Equal("a\nb\nc", Vtl("a\n## a line comment\nb\n#* block\ncomment *#\nc"));
        Assert.Equal("a \nb", Vtl("a ## trailing\nb"));
    }

    [Fact]
    public void DirectiveOnlyLines_LeaveNoWhitespace()
    {
        Assert.Equal("{\n  \"a\": 1\n}", Vtl("{\n  #set($x = 1)\n  \"a\": $x\n}"));
    }

    [Fact]
    public void BracedDirectivesAndEscapes()
    {
        Assert.Equal("yes$x#", Vtl("#{if}(true)yes#{else}no#{end}\\$x\\#"));
        Assert.Equal("cost: $5 #notadirective", Vtl("cost: $5 #notadirective"));
        Assert.Equal("$input.body", Vtl("#[[$input.body]]#"));
    }

    [Fact]
    public void StringMethods_JavaLike()
    {
        var vars = new Dictionary<string, object?> { ["s"] = "Hello, World" };
        Assert.Equal("12", Vtl("$s.length()", vars));
        Assert.Equal("true", Vtl("$s.contains('World')", vars));
        Assert.Equal("World", Vtl("$s.substring(7)", vars));
        Assert.Equal("Hell", Vtl("$s.substring(0, 4)", vars));
        Assert.Equal("hello, world", Vtl("$s.toLowerCase()", vars));
        Assert.Equal("HELLO, WORLD", Vtl("$s.toUpperCase()", vars));
        Assert.Equal("Hello! World", Vtl("$s.replace(',', '!')", vars));
        Assert.Equal("H-ll-, W-rld", Vtl("$s.replaceAll('[aeiou]', '-')", vars));
        Assert.Equal("[Hello, World]", Vtl("$s.split(', ')", vars));
        Assert.Equal("2", Vtl("$s.split(',').size()", vars));
        Assert.Equal("true false 7 true", Vtl("$s.startsWith('He') $s.endsWith('x') $s.indexOf('W') $s.matches('H.*d')", vars));
        Assert.Equal("x", Vtl("#set($t = '  x  ')$t.trim()"));
        Assert.Equal("true", Vtl("#set($e = '')$e.isEmpty()"));
        Assert.Equal("true", Vtl("$s.equalsIgnoreCase('hello, world')", vars));
        Assert.Equal("[a, b]", Vtl("#set($p = 'a,b,,')$p.split(',')"));
    }

    [Fact]
    public void ListAndMapMethods()
    {
        Assert.Equal("3 b true false", Vtl("#set($l = ['a','b','c'])$l.size() $l.get(1) $l.contains('c') $l.isEmpty()"));
        Assert.Equal("[a, b, z]", Vtl("#set($l = ['a','b'])#set($ignored = $l.add('z'))$l"));
        Assert.Equal("{a=1, b=2} 2 [a, b] [1, 2] true 1", Vtl("#set($m = {'a': 1, 'b': 2})$m $m.size() $m.keySet() $m.values() $m.containsKey('b') $m.get('a')"));
        Assert.Equal("{a=1, c=3}", Vtl("#set($m = {'a': 1})#set($m.c = 3)$m"));
        Assert.Equal("{a=9}", Vtl("#set($m = {'a': 1})#set($ignored = $m.put('a', 9))$m"));
        Assert.Equal("a=1;b=2;", Vtl("#set($m = {'a': 1, 'b': 2})#foreach($e in $m.entrySet())$e.key=$e.value;#end"));
        Assert.Equal("12", Vtl("#set($m = {'a': 1, 'b': 2})#foreach($v in $m)$v#end"));
        Assert.Equal("b", Vtl("#set($l = ['a','b'])$l[1]"));
        Assert.Equal("1", Vtl("#set($m = {'a': 1})$m['a']"));
    }

    [Fact]
    public void InterpolatedStrings_AndLiterals()
    {
        Assert.Equal("id-7", Render("#set($k = \"id-$input.params('id')\")$k"));
        Assert.Equal("no $interp", Vtl("#set($k = 'no $interp')$k"));
        Assert.Equal("a \"q\" b", Vtl("#set($k = \"a \"\"q\"\" b\")$k"));
        Assert.Equal("\\\\'", Vtl("#set($k = \"\\\\'\")$k"));
    }

    [Fact]
    public void Numbers_RenderAsJava()
    {
        Assert.Equal("3.0 10.5 1.0E20 -2", Vtl("#set($a = 1.5 * 2)#set($b = 10.5)#set($c = 100000000000.0 * 1000000000.0)$a $b $c -2"));
    }

    [Fact]
    public void ResponseOverride_IsSetThroughContext()
    {
        var scope = Scope();
        Render("#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Thing = 'v')", scope: scope);
        var overrides = (VtlMap)scope.Context["responseOverride"]!;
        Assert.Equal(418L, overrides["status"]);
        Assert.Equal("v", ((VtlMap)overrides["header"]!)["X-Thing"]);
    }

    [Fact]
    public void InvalidJsonBody_FailsInputJsonWithTheAwsMessage()
    {
        var e = Assert.Throws<BodyParseException>(() => Render("$input.json('$')", "{not json"));
        Assert.StartsWith("Could not parse request body into json:", e.Message, StringComparison.Ordinal);
        Assert.Equal("{not json", Render("$input.body", "{not json"));
    }

    [Fact]
    public void ParseErrors_AreVtlExceptions()
    {
        Assert.Throws<VtlException>(() => Vtl("#if(true)no end"));
        Assert.Throws<VtlException>(() => Vtl("#set($x = )"));
        Assert.Throws<VtlException>(() => Vtl("#end"));
    }

    [Fact]
    public void Stop_EndsRendering()
    {
        Assert.Equal("a", Vtl("a#stop b"));
    }
}
