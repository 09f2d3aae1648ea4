namespace Nimbus.Jsonata.Values;

/// <summary>The JSON <c>null</c> value. C# <c>null</c> is reserved for JSONata <c>undefined</c>.</summary>
internal sealed class JNull
{
    public static readonly JNull Value = new();

    private JNull()
    {
    }

    public override string ToString() => "null";
}
