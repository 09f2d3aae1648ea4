using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Data.S3;

namespace Nimbus.Data.Provisioning;

/// <summary>Calls the S3 REST-XML API in-process (path-style requests), and reads objects for the stack engine.</summary>
internal sealed class S3Calls(IServiceProvider services) : IObjectReader
{
    public async Task<InProcessResponse> SendAsync(string method, string path, string? query, XElement? body, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var api = services.GetRequiredService<S3Api>();
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting));
        var response = await InProcessApi.SendAsync(services, api.HandleAsync, method, path, query, bytes, "application/xml", caller, "s3", cancellationToken);
        if (response.Status >= 400)
        {
            var text = Encoding.UTF8.GetString(response.Body);
            var doc = text.StartsWith('<') ? XDocument.Parse(text) : null;
            var code = doc?.Root?.Element("Code")?.Value ?? "S3Error";
            var message = doc?.Root?.Element("Message")?.Value ?? text;
            throw new AwsServiceException(code, message, response.Status);
        }

        return response;
    }

    public async Task<byte[]?> ReadAsync(string bucket, string key, string? versionId, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        try
        {
            var path = "/" + Uri.EscapeDataString(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
            var response = await SendAsync("GET", path, versionId is null ? null : "?versionId=" + Uri.EscapeDataString(versionId), null, caller, cancellationToken);
            return response.Body;
        }
        catch (AwsServiceException e) when (e.Error.StatusCode == 404)
        {
            return null;
        }
    }
}
