using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Functions.Api;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Tests;

public sealed class FunctionSettingsTests : IDisposable
{
    private const string Role = "arn:aws:iam::123456789012:role/lambda-role";
    private static readonly AwsRequestContext Caller = new("123456789012", "us-east-1", "req");
    private static readonly FunctionKey Key = new("123456789012", "us-east-1", "fn");

    private readonly TestState _state = new();
    private readonly FunctionRegistry _registry;

    public FunctionSettingsTests() => _registry = new FunctionRegistry(_state.Store);

    public void Dispose() => _state.Dispose();

    private static FunctionConfig Blank() => TestState.Config(Key) with { Runtime = null, Handler = null };

    private static JsonObject Body(string extra = "") =>
        JsonNode.Parse($$"""{"Role":"{{Role}}","Runtime":"provided.al2023","Handler":"bootstrap"{{extra}}}""")!.AsObject();

    private AwsServiceException Fails(JsonObject body, bool create = true) =>
        Assert.Throws<AwsServiceException>(() => FunctionSettings.Apply(body, Blank(), create, _registry, Caller));

    [Fact]
    public void Apply_ValidBody_AppliesEveryMember()
    {
        var body = Body("""
            ,"MemorySize":256,"Timeout":30,"Description":"d","Environment":{"Variables":{"A":"1","B":"two"}},
            "EphemeralStorage":{"Size":1024},"TracingConfig":{"Mode":"Active"},"Architectures":["arm64"],
            "LoggingConfig":{"LogFormat":"JSON","LogGroup":"/custom"}
            """);

        var c = FunctionSettings.Apply(body, Blank(), create: true, _registry, Caller);

        Assert.Equal("provided.al2023", c.Runtime);
        Assert.Equal("bootstrap", c.Handler);
        Assert.Equal(Role, c.Role);
        Assert.Equal(256, c.MemorySize);
        Assert.Equal(30, c.Timeout);
        Assert.Equal("d", c.Description);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" }, c.Environment!.Variables);
        Assert.Equal(1024, c.EphemeralStorage.Size);
        Assert.Equal("Active", c.TracingConfig.Mode);
        Assert.Equal(["arm64"], c.Architectures);
        Assert.Equal("JSON", c.LoggingConfig.LogFormat);
        Assert.Equal("/custom", c.LoggingConfig.LogGroup);
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(10240, 900)]
    public void Apply_BoundaryValues_Accepted(int memory, int timeout)
    {
        var c = FunctionSettings.Apply(Body($$""","MemorySize":{{memory}},"Timeout":{{timeout}}"""), Blank(), true, _registry, Caller);

        Assert.Equal(memory, c.MemorySize);
        Assert.Equal(timeout, c.Timeout);
    }

    [Fact]
    public void Apply_MemoryAndTimeoutTooLow_OneValidationExceptionListingBoth()
    {
        var e = Fails(Body(""","MemorySize":127,"Timeout":0"""));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.Equal(400, e.Error.StatusCode);
        Assert.Equal(
            "2 validation errors detected: "
            + "Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; "
            + "Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1",
            e.Error.Message);
    }

    [Fact]
    public void Apply_MemoryAndTimeoutTooHigh_OneValidationExceptionListingBoth()
    {
        var e = Fails(Body(""","MemorySize":10241,"Timeout":901"""));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.StartsWith("2 validation errors detected: ", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SingleProblem_SaysOneValidationError()
    {
        var e = Fails(Body(""","Timeout":901"""));

        Assert.Equal("1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", e.Error.Message);
    }

    [Fact]
    public void Apply_CreateWithoutRoleAndBadRuntime_ListsBothProblems()
    {
        var body = JsonNode.Parse("""{"Runtime":"cobol85","Handler":"h","MemorySize":64}""")!.AsObject();

        var e = Fails(body);

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.StartsWith("3 validation errors detected: ", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Value 'cobol85' at 'runtime'", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'role' failed to satisfy constraint: Member must not be null", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Value '64' at 'memorySize'", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UpdateWithoutRole_DoesNotRequireRole()
    {
        var start = TestState.Config(Key);
        var body = JsonNode.Parse("""{"Timeout":10}""")!.AsObject();

        var c = FunctionSettings.Apply(body, start, create: false, _registry, Caller);

        Assert.Equal(10, c.Timeout);
        Assert.Equal(start.Role, c.Role);
    }

    [Theory]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_LAMBDA_RUNTIME_API")]
    [InlineData("_HANDLER")]
    public void Apply_ReservedEnvironmentKey_ThrowsInvalidParameterNamingKey(string reserved)
    {
        var e = Fails(Body($$$""","Environment":{"Variables":{"OK":"1","{{{reserved}}}":"x"}}"""));

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Contains("reserved keys", e.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Reserved keys used in this request: {reserved}", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_EnvironmentOver4KB_ThrowsInvalidParameter()
    {
        var e = Fails(Body($$$""","Environment":{"Variables":{"BIG":"{{{new string('x', 4094)}}}"}}"""));

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Contains("exceeded the 4KB limit", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_EnvironmentExactly4KB_Accepted()
    {
        var c = FunctionSettings.Apply(Body($$$""","Environment":{"Variables":{"BIG":"{{{new string('x', 4093)}}}"}}"""), Blank(), true, _registry, Caller);

        Assert.Equal(4093, c.Environment!.Variables["BIG"].Length);
    }

    [Fact]
    public void Apply_MoreThanFiveLayers_ThrowsInvalidParameter()
    {
        var layers = string.Join(",", Enumerable.Range(1, 6).Select(i => $"\"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1\""));

        var e = Fails(Body($""","Layers":[{layers}]"""));

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Equal("Cannot reference more than 5 layers.", e.Error.Message);
    }

    [Fact]
    public void Apply_UnknownLayerVersion_ThrowsInvalidParameter()
    {
        var e = Fails(Body(""","Layers":["arn:aws:lambda:us-east-1:123456789012:layer:missing:1"]"""));

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Equal("Layer version arn:aws:lambda:us-east-1:123456789012:layer:missing:1 does not exist.", e.Error.Message);
    }

    [Fact]
    public void Apply_PublishedLayer_ResolvesCodeOfLayer()
    {
        var record = _registry.PublishLayer("123456789012", "us-east-1", "shared", v => new LayerVersionRecord
        {
            Content = new LayerVersionContent("loc", "c2hh", 42) { CodeHex = "abcd" },
            LayerArn = "arn:aws:lambda:us-east-1:123456789012:layer:shared",
            LayerVersionArn = $"arn:aws:lambda:us-east-1:123456789012:layer:shared:{v}",
            CreatedDate = "2024-01-31T12:00:00.000+0000",
            Version = v,
        });

        var c = FunctionSettings.Apply(Body($""","Layers":["{record.LayerVersionArn}"]"""), Blank(), true, _registry, Caller);

        var layer = Assert.Single(c.Layers!);
        Assert.Equal(record.LayerVersionArn, layer.Arn);
        Assert.Equal(42, layer.CodeSize);
        Assert.Equal("abcd", layer.CodeHex);
    }

    [Fact]
    public void Apply_MalformedLayerArn_ThrowsValidationException()
    {
        var e = Fails(Body(""","Layers":["not-a-layer"]"""));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.Contains("at 'layers'", e.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Role":"arn:aws:iam::123456789012:role/r"}""")]
    [InlineData("""{"Role":"arn:aws:iam::123456789012:role/r","Runtime":"python3.12"}""")]
    [InlineData("""{"Role":"arn:aws:iam::123456789012:role/r","Handler":"index.handler"}""")]
    public void Apply_ZipWithoutRuntimeOrHandler_ThrowsInvalidParameter(string json)
    {
        var e = Fails(JsonNode.Parse(json)!.AsObject());

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Equal("Runtime and Handler are mandatory parameters for functions created with deployment packages.", e.Error.Message);
    }
}
