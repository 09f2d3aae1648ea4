namespace Nimbus.Jsonata.Temporal;

internal enum IntegerPrimary
{
    Decimal,
    Letters,
    Roman,
    Words,
    Sequence,
}

internal enum LetterCase
{
    Upper,
    Lower,
    Title,
}

internal sealed record GroupingSeparator(int Position, string Character);

/// <summary>An analysed integer picture string (datetime.js analyseIntegerPicture).</summary>
internal sealed class IntegerFormat
{
    public IntegerPrimary Primary { get; set; } = IntegerPrimary.Decimal;

    public LetterCase Case { get; set; } = LetterCase.Lower;

    public bool Ordinal { get; set; }

    public int ZeroCode { get; set; } = 0x30;

    public int MandatoryDigits { get; set; }

    public int OptionalDigits { get; set; }

    public bool Regular { get; set; }

    public List<GroupingSeparator> GroupingSeparators { get; set; } = [];

    public string? Token { get; set; }

    public int? ParseWidth { get; set; }
}
