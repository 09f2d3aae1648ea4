namespace Nimbus.Core.Functions;

/// <summary>What serving one function URL needs: the function to invoke, how callers authenticate, and CORS.</summary>
/// <param name="UrlId">32 lowercase letters and digits, as AWS's.</param>
/// <param name="FunctionName">The unqualified function ARN.</param>
/// <param name="Qualifier">The alias (or <c>$LATEST</c>) the URL invokes; null for the unqualified function.</param>
/// <param name="AuthType"><c>NONE</c> or <c>AWS_IAM</c>.</param>
/// <param name="InvokeMode"><c>BUFFERED</c> or <c>RESPONSE_STREAM</c>.</param>
public sealed record FunctionUrlEndpoint(
    string UrlId,
    string AccountId,
    string Region,
    string FunctionName,
    string? Qualifier,
    string AuthType,
    FunctionUrlCors? Cors,
    string InvokeMode);

/// <summary>A function URL's CORS settings (<c>Cors</c> of <c>CreateFunctionUrlConfig</c>).</summary>
public sealed record FunctionUrlCors(
    bool AllowCredentials,
    IReadOnlyList<string> AllowHeaders,
    IReadOnlyList<string> AllowMethods,
    IReadOnlyList<string> AllowOrigins,
    IReadOnlyList<string> ExposeHeaders,
    int? MaxAge);
