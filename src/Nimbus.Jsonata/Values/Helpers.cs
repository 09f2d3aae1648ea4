namespace Nimbus.Jsonata.Values;

/// <summary>Type tests and equality of the reference implementation's utils.js.</summary>
internal static class Helpers
{
    public static readonly object True = true;
    public static readonly object False = false;

    public static object Box(bool b) => b ? True : False;

    public static bool IsNumeric(object? v)
    {
        if (v is double d)
        {
            if (double.IsNaN(d))
            {
                return false;
            }

            if (double.IsInfinity(d))
            {
                throw JsonataException.WithValue("D1001", d);
            }

            return true;
        }

        return false;
    }

    public static bool IsArrayOfStrings(object? v)
    {
        if (v is not JArray a)
        {
            return false;
        }

        foreach (var item in a)
        {
            if (item is not string)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsArrayOfNumbers(object? v)
    {
        if (v is not JArray a)
        {
            return false;
        }

        foreach (var item in a)
        {
            if (!IsNumeric(item))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsSequence(object? v) => v is JArray { Sequence: true };

    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        switch (a)
        {
            case double da:
                return b is double db && da == db;
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case bool ba:
                return b is bool bb && ba == bb;
            case JArray aa:
                {
                    if (b is not JArray ab || aa.Count != ab.Count)
                    {
                        return false;
                    }

                    for (var i = 0; i < aa.Count; i++)
                    {
                        if (!DeepEquals(aa[i], ab[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case JObject oa:
                {
                    if (b is not JObject ob || oa.Count != ob.Count)
                    {
                        return false;
                    }

                    foreach (var kv in oa)
                    {
                        if (!ob.TryGetValue(kv.Key, out var other) || !DeepEquals(kv.Value, other))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    /// <summary>JavaScript strict equality (===): value equality for primitives, identity for objects.</summary>
    public static bool StrictEquals(object? a, object? b) => a switch
    {
        double da => b is double db && da == db,
        string sa => b is string sb && string.Equals(sa, sb, StringComparison.Ordinal),
        bool ba => b is bool bb && ba == bb,
        _ => ReferenceEquals(a, b),
    };

    /// <summary>Effective boolean value ($boolean); undefined stays undefined (null).</summary>
    public static bool? ToBoolean(object? arg)
    {
        if (arg is null)
        {
            return null;
        }

        return Truthy(arg);
    }

    public static bool Truthy(object? arg)
    {
        switch (arg)
        {
            case null:
                return false;
            case JArray a:
                if (a.Count == 1)
                {
                    return Truthy(a[0]);
                }

                foreach (var item in a)
                {
                    if (Truthy(item))
                    {
                        return true;
                    }
                }

                return false;
            case string s:
                return s.Length > 0;
            case double d:
                return IsNumeric(d) && d != 0;
            case bool b:
                return b;
            case JObject o:
                return o.Count > 0;
            default:
                return false;
        }
    }

    /// <summary>Number of code points (JavaScript stringToArray length).</summary>
    public static int[] CodePoints(string s)
    {
        var list = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                i++;
            }
            else
            {
                list.Add(s[i]);
            }
        }

        return [.. list];
    }

    public static List<string> StringToArray(string s)
    {
        var list = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                list.Add(s[i].ToString());
            }
        }

        return list;
    }

    /// <summary>fn.append: concatenation with undefined skipping.</summary>
    public static object? AppendValues(object? arg1, object? arg2)
    {
        if (arg1 is null)
        {
            return arg2;
        }

        if (arg2 is null)
        {
            return arg1;
        }

        JArray result;
        if (arg1 is JArray a1)
        {
            result = new JArray(a1.Count + 1);
            result.AddRange(a1);
        }
        else
        {
            result = [arg1];
        }

        if (arg2 is JArray a2)
        {
            result.AddRange(a2);
        }
        else
        {
            result.Add(arg2);
        }

        return result;
    }
}
