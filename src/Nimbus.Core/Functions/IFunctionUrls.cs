namespace Nimbus.Core.Functions;

/// <summary>Finds the function URL configuration behind a URL id (the <c>{url-id}</c> of <c>{url-id}.lambda-url.{region}…</c>).</summary>
/// <remarks>Implemented by Functions (which owns the configurations); used by the HTTP front door that serves the URLs.
/// Lookups are lock-free reads of an in-memory index kept in step with the durable store.</remarks>
public interface IFunctionUrls
{
    FunctionUrlEndpoint? Find(string urlId);
}
