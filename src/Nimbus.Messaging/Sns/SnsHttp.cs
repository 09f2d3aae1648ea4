namespace Nimbus.Messaging.Sns;

/// <summary>The HTTP client SNS posts to http(s) subscribers with (a test substitutes its handler).</summary>
internal sealed class SnsHttp(HttpClient client)
{
    public HttpClient Client => client;

    public static SnsHttp Create() => new(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = TimeSpan.FromSeconds(15),
    });
}
