namespace Nimbus.Functions.Registry;

/// <summary>Identifies a function (all its versions) within an account and region.</summary>
internal readonly record struct FunctionKey(string AccountId, string Region, string Name)
{
    public string UnqualifiedArn => $"arn:aws:lambda:{Region}:{AccountId}:function:{Name}";

    public string ArnFor(string? qualifier) => qualifier is null ? UnqualifiedArn : $"{UnqualifiedArn}:{qualifier}";
}
