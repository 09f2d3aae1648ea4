using System.Text.Json.Nodes;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Tests;

public sealed class RestResourceTreeTests
{
    private static RestResource Resource(string id, string path, params string[] verbs) =>
        new(id, path, PathTemplate.Parse(path, out _)!, verbs.ToDictionary(v => v, v => new RestMethod(v, null)));

    private static readonly RestResourceTree Tree = new(
    [
        Resource("root", "/"),
        Resource("users", "/users", "GET"),
        Resource("user", "/users/{id}", "POST"),
        Resource("proxy", "/{proxy+}", "ANY"),
        Resource("files", "/files/{path+}", "GET"),
    ]);

    [Theory]
    [InlineData("GET", "/users", "users", "GET")]
    [InlineData("POST", "/users/7", "user", "POST")]
    [InlineData("DELETE", "/other/thing", "proxy", "ANY")]
    [InlineData("GET", "/files/a/b", "files", "GET")]
    public void Match_PicksTheMostSpecificResource(string verb, string path, string resource, string method)
    {
        var parameters = new Dictionary<string, string>();
        var match = Tree.Match(verb, path.Trim('/').Split('/'), parameters);
        Assert.NotNull(match);
        Assert.Equal(resource, match.Value.Resource.Id);
        Assert.Equal(method, match.Value.Method.HttpMethod);
    }

    [Theory]
    [InlineData("GET", "/users/7")]
    [InlineData("PUT", "/files/a")]
    [InlineData("GET", "")]
    public void Match_ResourceWithoutTheMethod_DoesNotFallBack(string verb, string path)
    {
        var segments = path.Length == 0 ? [] : path.Trim('/').Split('/');
        Assert.Null(Tree.Match(verb, segments, []));
    }

    [Fact]
    public void Mock_SelectsTheIntegrationResponseByStatus()
    {
        var integration = JsonNode.Parse("""
            {"type":"MOCK","requestTemplates":{"application/json":"{\"statusCode\": 404}"},
             "integrationResponses":{
               "200":{"statusCode":"200","responseTemplates":{"application/json":"{\"ok\":true}"}},
               "404":{"statusCode":"404","selectionPattern":"4\\d{2}","responseTemplates":{"application/json":"{\"ok\":false}"},
                      "responseParameters":{"method.response.header.X-Why":"'missing'","method.response.header.X-Dyn":"integration.response.header.x"}}}}
            """)!.AsObject();
        var mock = RestMock.From(integration);
        Assert.Equal(404, mock.StatusCode);
        Assert.Equal("{\"ok\":false}", mock.Body);
        Assert.Equal("missing", mock.Headers["X-Why"]);
        Assert.False(mock.Headers.ContainsKey("X-Dyn"));
    }

    [Fact]
    public void Mock_WithoutMatchingResponse_Is500()
    {
        var integration = JsonNode.Parse("""{"type":"MOCK","requestTemplates":{"application/json":"{\"statusCode\": 200}"}}""")!.AsObject();
        Assert.Equal(500, RestMock.From(integration).StatusCode);
    }

    [Fact]
    public void PatchOperations_ReplaceAddRemove_KeepTypes()
    {
        var target = JsonNode.Parse("""{"name":"a","apiKeyRequired":false,"binaryMediaTypes":["x/y"],"variables":{"a":"1"}}""")!.AsObject();
        var body = JsonNode.Parse("""
            {"patchOperations":[
              {"op":"replace","path":"/name","value":"b"},
              {"op":"replace","path":"/apiKeyRequired","value":"true"},
              {"op":"add","path":"/binaryMediaTypes/image~1png"},
              {"op":"remove","path":"/binaryMediaTypes/x~1y"},
              {"op":"replace","path":"/variables/b","value":"2"},
              {"op":"remove","path":"/variables/a"}]}
            """)!.AsObject();
        PatchOperations.Apply(target, body, "name", "apiKeyRequired", "binaryMediaTypes", "variables");
        Assert.Equal("""{"name":"b","apiKeyRequired":true,"binaryMediaTypes":["image/png"],"variables":{"b":"2"}}""", target.ToJsonString());
    }

    [Fact]
    public void PatchOperations_UnknownPath_IsBadRequest()
    {
        var e = Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() =>
            PatchOperations.Apply([], JsonNode.Parse("""{"patchOperations":[{"op":"replace","path":"/id","value":"x"}]}""")!.AsObject(), "name"));
        Assert.Equal("BadRequestException", e.Error.Code);
    }
}
