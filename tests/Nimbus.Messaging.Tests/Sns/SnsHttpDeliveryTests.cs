using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Nimbus.Messaging.Tests.Sns;

public sealed class SnsHttpDeliveryTests : IDisposable
{
    private readonly RecordingHandler _endpoint = new();
    private readonly Harness _h;

    public SnsHttpDeliveryTests() => _h = new Harness(http: _endpoint);

    public void Dispose() => _h.Dispose();

    private static string Value(string xml, string element) =>
        XDocument.Parse(xml).Descendants().First(e => e.Name.LocalName == element).Value;

    private static string Header(HttpRequestMessage r, string name) => string.Join(",", r.Headers.GetValues(name));

    [Fact]
    public async Task HttpSubscription_ConfirmsThenDeliversWithHeadersAndRetries()
    {
        var topic = Value((await _h.SnsAsync("CreateTopic", ("Name", "web"))).Body, "TopicArn");
        var (_, subscribed) = await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "https"), ("Endpoint", "https://example.test/hook"));
        Assert.Equal("pending confirmation", Value(subscribed, "SubscriptionArn"));

        await _h.SnsWorker.DrainAsync();
        var (confirmRequest, confirmBody) = Assert.Single(_endpoint.Requests);
        Assert.Equal("SubscriptionConfirmation", Header(confirmRequest, "x-amz-sns-message-type"));
        var confirmation = JsonNode.Parse(confirmBody)!;
        var token = confirmation["Token"]!.GetValue<string>();
        Assert.Contains("Action=ConfirmSubscription", confirmation["SubscribeURL"]!.GetValue<string>(), StringComparison.Ordinal);

        // Nothing is delivered while pending.
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "early"));
        await _h.SnsWorker.DrainAsync();
        Assert.Single(_endpoint.Requests);

        var subscription = Value((await _h.SnsAsync("ConfirmSubscription", ("TopicArn", topic), ("Token", token))).Body, "SubscriptionArn");
        _endpoint.Statuses.Enqueue(HttpStatusCode.InternalServerError);
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "late"));
        await _h.SnsWorker.DrainAsync();
        Assert.Equal(2, _endpoint.Requests.Count);

        // AWS's default HTTP policy: retry after 20 seconds.
        _h.Clock.Advance(TimeSpan.FromSeconds(19));
        await _h.SnsWorker.DrainAsync();
        Assert.Equal(2, _endpoint.Requests.Count);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.SnsWorker.DrainAsync();
        Assert.Equal(3, _endpoint.Requests.Count);

        var (request, body) = _endpoint.Requests[2];
        Assert.Equal("Notification", Header(request, "x-amz-sns-message-type"));
        Assert.Equal(topic, Header(request, "x-amz-sns-topic-arn"));
        Assert.Equal(subscription, Header(request, "x-amz-sns-subscription-arn"));
        Assert.Equal("late", JsonNode.Parse(body)!["Message"]!.GetValue<string>());
        Assert.Null(_h.SnsStore.NextDue());
    }

    [Fact]
    public async Task HttpSubscription_GivesUpAfterThreeRetries()
    {
        var topic = Value((await _h.SnsAsync("CreateTopic", ("Name", "web"))).Body, "TopicArn");
        var sub = Value((await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "http"), ("Endpoint", "http://example.test/"), ("ReturnSubscriptionArn", "true"))).Body, "SubscriptionArn");
        await _h.SnsWorker.DrainAsync();
        var token = JsonNode.Parse(_endpoint.Requests[0].Body)!["Token"]!.GetValue<string>();
        await _h.SnsAsync("ConfirmSubscription", ("TopicArn", topic), ("Token", token));
        Assert.Contains("<value>false</value>", (await _h.SnsAsync("GetSubscriptionAttributes", ("SubscriptionArn", sub))).Body, StringComparison.Ordinal);

        for (var i = 0; i < 10; i++)
        {
            _endpoint.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        }

        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "m"));
        for (var i = 0; i < 6; i++)
        {
            await _h.SnsWorker.DrainAsync();
            _h.Clock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(1 + 4, _endpoint.Requests.Count);
        Assert.Null(_h.SnsStore.NextDue());
    }

    [Fact]
    public async Task ListTopics_PagesByHundred()
    {
        for (var i = 0; i < 105; i++)
        {
            await _h.SnsAsync("CreateTopic", ("Name", $"t{i:D3}"));
        }

        var first = XDocument.Parse((await _h.SnsAsync("ListTopics")).Body);
        Assert.Equal(100, first.Descendants().Count(e => e.Name.LocalName == "TopicArn"));
        var token = first.Descendants().Single(e => e.Name.LocalName == "NextToken").Value;
        var second = XDocument.Parse((await _h.SnsAsync("ListTopics", ("NextToken", token))).Body);
        Assert.Equal(5, second.Descendants().Count(e => e.Name.LocalName == "TopicArn"));
        Assert.DoesNotContain(second.Descendants(), e => e.Name.LocalName == "NextToken");
    }

    [Fact]
    public async Task Responses_UseTheSnsNamespace()
    {
        var (_, body) = await _h.SnsAsync("CreateTopic", ("Name", "ns"));
        var root = XDocument.Parse(body).Root!;
        Assert.Equal("{http://sns.amazonaws.com/doc/2010-03-31/}CreateTopicResponse", root.Name.ToString());
        Assert.NotEmpty(root.Descendants().Where(e => e.Name.LocalName == "RequestId").Select(e => e.Value).First());
    }
}
