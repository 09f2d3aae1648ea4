namespace Nimbus.Functions.Registry;

/// <summary>Formats timestamps the way the Lambda API does (<c>2024-01-31T12:00:00.000+0000</c>).</summary>
internal static class LambdaTime
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", System.Globalization.CultureInfo.InvariantCulture);
}
