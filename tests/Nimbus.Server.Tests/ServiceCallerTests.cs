using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Services;

namespace Nimbus.Server.Tests;

public sealed class ServiceCallerTests(NimbusServerFixture server) : IClassFixture<NimbusServerFixture>
{
    private IAwsServiceCaller Caller => server.Services.GetRequiredService<IAwsServiceCaller>();

    private static AwsRequestContext Context(string account) => new(account, "us-east-1", Guid.NewGuid().ToString());

    [Fact]
    public async Task CallAsync_JsonService_RunsTheOperationAndReturnsItsOutput()
    {
        var account = NimbusServerFixture.NewAccount();
        var name = NimbusServerFixture.UniqueName("/caller/group");

        await Caller.CallAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = name }, Context(account));
        var output = await Caller.CallAsync("logs", "DescribeLogGroups", new JsonObject { ["logGroupNamePrefix"] = "/caller/" }, Context(account));

        var group = Assert.Single(output!["logGroups"]!.AsArray());
        Assert.Equal(name, group!["logGroupName"]!.GetValue<string>());
        Assert.True(Caller.Has("logs"));
        Assert.True(Caller.Has("states"));
        Assert.False(Caller.Has("nosuchservice"));
    }

    [Fact]
    public async Task CallAsync_ServiceError_SurfacesAsAwsServiceExceptionWithItsCode()
    {
        var account = NimbusServerFixture.NewAccount();
        var name = NimbusServerFixture.UniqueName("/caller/twice");
        await Caller.CallAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = name }, Context(account));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            Caller.CallAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = name }, Context(account)));

        Assert.Equal("ResourceAlreadyExistsException", e.Error.Code);
        var unknown = await Assert.ThrowsAsync<AwsServiceException>(() => Caller.CallAsync("nosuchservice", "Op", [], Context(account)));
        Assert.Equal("UnknownServiceException", unknown.Error.Code);
    }
}
