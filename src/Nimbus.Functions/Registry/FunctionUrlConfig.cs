using Nimbus.Core.Functions;

namespace Nimbus.Functions.Registry;

/// <summary>The function URL of one qualifier of a function (<c>CreateFunctionUrlConfig</c>).</summary>
/// <param name="Qualifier">An alias name, <c>$LATEST</c>, or null for the unqualified function (AWS allows no version numbers).</param>
/// <param name="UrlId">The URL's id: 32 lowercase letters and digits, fixed for the URL's life.</param>
internal sealed record FunctionUrlConfig(
    string? Qualifier,
    string UrlId,
    string AuthType,
    FunctionUrlCors? Cors,
    string InvokeMode,
    long CreationTimeMs,
    long LastModifiedTimeMs)
{
    /// <summary>The key of the config in <see cref="FunctionState.UrlConfigs"/> and its row ("" for the unqualified function).</summary>
    public string Slot => Qualifier ?? "";
}
