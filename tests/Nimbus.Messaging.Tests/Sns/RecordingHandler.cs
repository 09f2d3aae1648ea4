using System.Net;

namespace Nimbus.Messaging.Tests.Sns;

/// <summary>An http(s) subscriber: records each request and answers with the next queued status (200 when none).</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    public Queue<HttpStatusCode> Statuses { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request, body));
            return new HttpResponseMessage(Statuses.Count > 0 ? Statuses.Dequeue() : HttpStatusCode.OK);
        }
    }
}
