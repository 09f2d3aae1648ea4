using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static Nimbus.Server.Tests.NimbusServerFixture;

namespace Nimbus.Server.Tests;

public sealed class LambdaApiTests(NimbusServerFixture server) : IClassFixture<NimbusServerFixture>
{
    private Task<(HttpResponseMessage Response, JsonNode? Body)> GetAsync(string path, string accessKey = "test", string region = "us-east-1") =>
        server.SendAsync(Request(HttpMethod.Get, path, accessKey, region));

    [Fact]
    public async Task CreateFunction_Valid_Returns201PendingThenGetFunctionActive()
    {
        var name = UniqueName("create");
        var zip = BootstrapZip(EchoBootstrap);

        var (created, body) = await server.CreateFunctionAsync(name, zipBase64: Convert.ToBase64String(zip), extra: ""","MemorySize":256,"Environment":{"Variables":{"A":"b"}}""");
        var (got, get) = await GetAsync($"/2015-03-31/functions/{name}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(name, body!["FunctionName"]!.GetValue<string>());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}", body["FunctionArn"]!.GetValue<string>());
        Assert.Equal("Pending", body["State"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), body["CodeSha256"]!.GetValue<string>());
        Assert.Equal(zip.Length, body["CodeSize"]!.GetValue<long>());
        Assert.Null(body["_codeHex"]);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var config = get!["Configuration"]!;
        Assert.Equal("Active", config["State"]!.GetValue<string>());
        Assert.Equal(256, config["MemorySize"]!.GetValue<int>());
        Assert.Equal("b", config["Environment"]!["Variables"]!["A"]!.GetValue<string>());
        Assert.Equal("$LATEST", config["Version"]!.GetValue<string>());
        Assert.Equal("S3", get["Code"]!["RepositoryType"]!.GetValue<string>());

        var location = get["Code"]!["Location"]!.GetValue<string>();
        var download = await server.Http.GetByteArrayAsync(location);
        Assert.Equal(zip, download);
    }

    [Fact]
    public async Task DeleteFunction_Existing_Returns204ThenGetIsResourceNotFound()
    {
        var name = UniqueName("delete");
        await server.CreateFunctionAsync(name);

        var (deleted, _) = await server.SendAsync(Request(HttpMethod.Delete, $"/2015-03-31/functions/{name}"));
        var (got, body) = await GetAsync($"/2015-03-31/functions/{name}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, got.StatusCode);
        Assert.Equal("ResourceNotFoundException", got.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("User", body!["Type"]!.GetValue<string>());
        Assert.Equal($"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{name}", body["Message"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteFunction_Missing_ReturnsResourceNotFound()
    {
        var (response, _) = await server.SendAsync(Request(HttpMethod.Delete, $"/2015-03-31/functions/{UniqueName("missing")}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task ListFunctions_MaxItems_PagesWithNextMarker()
    {
        var account = NewAccount();
        foreach (var name in new[] { "fn-c", "fn-a", "fn-b" })
        {
            Assert.Equal(HttpStatusCode.Created, (await server.CreateFunctionAsync(name, account)).Response.StatusCode);
        }

        var (r1, p1) = await GetAsync("/2015-03-31/functions/?MaxItems=2", account);
        var marker = Uri.EscapeDataString(p1!["NextMarker"]!.GetValue<string>());
        var (_, p2) = await GetAsync($"/2015-03-31/functions/?MaxItems=2&Marker={marker}", account);
        var (_, all) = await GetAsync("/2015-03-31/functions/", account);

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(["fn-a", "fn-b"], p1["Functions"]!.AsArray().Select(f => f!["FunctionName"]!.GetValue<string>()));
        Assert.Equal(["fn-c"], p2!["Functions"]!.AsArray().Select(f => f!["FunctionName"]!.GetValue<string>()));
        Assert.Null(p2["NextMarker"]);
        Assert.Equal(3, all!["Functions"]!.AsArray().Count);
        Assert.Null(all["NextMarker"]);
    }

    [Fact]
    public async Task ListFunctions_MaxItemsZero_ReturnsValidationException()
    {
        var (response, body) = await GetAsync("/2015-03-31/functions/?MaxItems=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("maxItems", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateFunction_InvalidSettings_ReturnsValidationExceptionListingAll()
    {
        var name = UniqueName("invalid");

        var (response, body) = await server.CreateFunctionAsync(name, extra: ""","MemorySize":127,"Timeout":901""");
        var (got, _) = await GetAsync($"/2015-03-31/functions/{name}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var message = body!["message"]!.GetValue<string>();
        Assert.StartsWith("2 validation errors detected: ", message, StringComparison.Ordinal);
        Assert.Contains("'memorySize'", message, StringComparison.Ordinal);
        Assert.Contains("'timeout'", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, got.StatusCode);
    }

    [Fact]
    public async Task CreateFunction_InvalidZip_ReturnsInvalidParameterValue()
    {
        var (response, body) = await server.CreateFunctionAsync(UniqueName("badzip"), zipBase64: Convert.ToBase64String([1, 2, 3]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameterValueException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("Could not unzip uploaded file. Please check your file, then try to upload again.", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateFunction_MalformedJson_ReturnsInvalidRequestContent()
    {
        var (response, _) = await server.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", content: Json("{oops")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestContentException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task CreateFunction_NameWithDot_ReturnsValidationException()
    {
        var (response, _) = await server.CreateFunctionAsync("has.dot-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task CreateFunction_Duplicate_ReturnsResourceConflict()
    {
        var name = UniqueName("dup");
        await server.CreateFunctionAsync(name);

        var (response, body) = await server.CreateFunctionAsync(name);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ResourceConflictException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal($"Function already exist: {name}", body!["message"]!.GetValue<string>());
        Assert.Equal("User", body["Type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetFunction_InvalidName_ReturnsValidationException()
    {
        var (response, body) = await GetAsync("/2015-03-31/functions/bad%20name");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.StartsWith("1 validation error detected: Value 'bad name' at 'functionName'", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetFunction_ByFullArn_FindsFunction()
    {
        var name = UniqueName("byarn");
        await server.CreateFunctionAsync(name);

        var (response, body) = await GetAsync($"/2015-03-31/functions/{Uri.EscapeDataString($"arn:aws:lambda:us-east-1:000000000000:function:{name}")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(name, body!["Configuration"]!["FunctionName"]!.GetValue<string>());
    }

    [Fact]
    public async Task PublishVersionAndAliases_Lifecycle_ResolvesAndPersistsVersions()
    {
        var name = UniqueName("versions");
        var f = $"/2015-03-31/functions/{name}";
        await server.CreateFunctionAsync(name);

        var (p1, v1) = await server.SendAsync(Request(HttpMethod.Post, f + "/versions", content: Json("""{"Description":"first"}""")));
        var (_, again) = await server.SendAsync(Request(HttpMethod.Post, f + "/versions", content: Json("{}")));
        var (updated, _) = await server.SendAsync(Request(HttpMethod.Put, f + "/configuration", content: Json("""{"Timeout":42}""")));
        var (_, v2) = await server.SendAsync(Request(HttpMethod.Post, f + "/versions", content: Json("{}")));
        var (aliasCreated, alias) = await server.SendAsync(Request(HttpMethod.Post, f + "/aliases", content: Json("""{"Name":"live","FunctionVersion":"1"}""")));
        var (_, viaAlias) = await GetAsync(f + "?Qualifier=live");
        var (dupAlias, _) = await server.SendAsync(Request(HttpMethod.Post, f + "/aliases", content: Json("""{"Name":"live","FunctionVersion":"2"}""")));
        var (_, aliasUpdated) = await server.SendAsync(Request(HttpMethod.Put, f + "/aliases/live", content: Json("""{"FunctionVersion":"2"}""")));
        var (_, viaAlias2) = await GetAsync(f + "/configuration?Qualifier=live");
        var (_, versions) = await GetAsync(f + "/versions");
        var (_, aliases) = await GetAsync(f + "/aliases");
        var (deleteV1, _) = await server.SendAsync(Request(HttpMethod.Delete, f + "?Qualifier=1"));
        var (deleteV2, inUse) = await server.SendAsync(Request(HttpMethod.Delete, f + "?Qualifier=2"));
        var (gotV1, _) = await GetAsync(f + "?Qualifier=1");

        Assert.Equal(HttpStatusCode.Created, p1.StatusCode);
        Assert.Equal("1", v1!["Version"]!.GetValue<string>());
        Assert.Equal("first", v1["Description"]!.GetValue<string>());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}:1", v1["FunctionArn"]!.GetValue<string>());
        Assert.Equal("1", again!["Version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("2", v2!["Version"]!.GetValue<string>());
        Assert.Equal(42, v2["Timeout"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, aliasCreated.StatusCode);
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}:live", alias!["AliasArn"]!.GetValue<string>());
        Assert.Equal("1", viaAlias!["Configuration"]!["Version"]!.GetValue<string>());
        Assert.Equal(3, viaAlias["Configuration"]!["Timeout"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, dupAlias.StatusCode);
        Assert.Equal("2", aliasUpdated!["FunctionVersion"]!.GetValue<string>());
        Assert.NotEqual(alias["RevisionId"]!.GetValue<string>(), aliasUpdated["RevisionId"]!.GetValue<string>());
        Assert.Equal("2", viaAlias2!["Version"]!.GetValue<string>());
        Assert.Equal(["$LATEST", "1", "2"], versions!["Versions"]!.AsArray().Select(v => v!["Version"]!.GetValue<string>()));
        Assert.Equal(["live"], aliases!["Aliases"]!.AsArray().Select(a => a!["Name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NoContent, deleteV1.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteV2.StatusCode);
        Assert.Contains("live", inUse!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, gotV1.StatusCode);
    }

    [Fact]
    public async Task GetAlias_Missing_ReturnsResourceNotFound()
    {
        var name = UniqueName("noalias");
        await server.CreateFunctionAsync(name);

        var (response, body) = await GetAsync($"/2015-03-31/functions/{name}/aliases/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal($"Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:{name}:nope", body!["Message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SameName_DifferentAccountKey_IsADifferentFunction()
    {
        var name = UniqueName("scoped");
        var a = NewAccount();
        var b = NewAccount();

        var (createdA, bodyA) = await server.CreateFunctionAsync(name, a);
        var (missingInB, _) = await GetAsync($"/2015-03-31/functions/{name}", b);
        var (createdB, bodyB) = await server.CreateFunctionAsync(name, b);
        var (deletedA, _) = await server.SendAsync(Request(HttpMethod.Delete, $"/2015-03-31/functions/{name}", a));
        var (stillInB, getB) = await GetAsync($"/2015-03-31/functions/{name}", b);
        var (_, listA) = await GetAsync("/2015-03-31/functions/", a);

        Assert.Equal(HttpStatusCode.Created, createdA.StatusCode);
        Assert.Equal($"arn:aws:lambda:us-east-1:{a}:function:{name}", bodyA!["FunctionArn"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missingInB.StatusCode);
        Assert.Equal(HttpStatusCode.Created, createdB.StatusCode);
        Assert.Equal($"arn:aws:lambda:us-east-1:{b}:function:{name}", bodyB!["FunctionArn"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deletedA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillInB.StatusCode);
        Assert.Equal($"arn:aws:lambda:us-east-1:{b}:function:{name}", getB!["Configuration"]!["FunctionArn"]!.GetValue<string>());
        Assert.Empty(listA!["Functions"]!.AsArray());
    }

    [Fact]
    public async Task SameName_DifferentRegion_IsADifferentFunction()
    {
        var name = UniqueName("regional");
        var account = NewAccount();

        await server.CreateFunctionAsync(name, account, region: "eu-west-1");
        var (inEast, _) = await GetAsync($"/2015-03-31/functions/{name}", account, "us-east-1");
        var (inWest, body) = await GetAsync($"/2015-03-31/functions/{name}", account, "eu-west-1");

        Assert.Equal(HttpStatusCode.NotFound, inEast.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inWest.StatusCode);
        Assert.Equal($"arn:aws:lambda:eu-west-1:{account}:function:{name}", body!["Configuration"]!["FunctionArn"]!.GetValue<string>());
    }
}
