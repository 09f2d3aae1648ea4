using System.Net;

namespace Nimbus.Server.Tests;

/// <summary>EventBridge Scheduler's REST routes reach it by the SigV4 signing name, even on paths other services share.</summary>
public sealed class SchedulerRoutingTests(NimbusServerFixture server) : IClassFixture<NimbusServerFixture>
{
    [Fact]
    public async Task SignedForScheduler_SchedulesAndTags_ReachTheScheduler()
    {
        var account = NimbusServerFixture.NewAccount();
        var (created, body) = await server.SendAsync(NimbusServerFixture.Request(HttpMethod.Post, "/schedule-groups/routed", account, service: "scheduler",
            content: NimbusServerFixture.Json("""{"Tags": [{"Key": "k", "Value": "v"}]}""")));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var arn = body!["ScheduleGroupArn"]!.GetValue<string>();
        Assert.Equal($"arn:aws:scheduler:us-east-1:{account}:schedule-group/routed", arn);

        // /tags/{arn} is also API Gateway's path: the signing name decides.
        var (tags, tagBody) = await server.SendAsync(NimbusServerFixture.Request(HttpMethod.Get, "/tags/" + Uri.EscapeDataString(arn), account, service: "scheduler"));
        Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
        Assert.Equal("v", tagBody!["Tags"]![0]!["Value"]!.GetValue<string>());

        var (missing, error) = await server.SendAsync(NimbusServerFixture.Request(HttpMethod.Get, "/schedules/nope?groupName=routed", account, service: "scheduler"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ResourceNotFoundException", missing.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("Schedule nope does not exist.", error!["Message"]!.GetValue<string>());
    }
}
