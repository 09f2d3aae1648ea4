using System.Globalization;
using System.Text;

namespace Nimbus.Templates.Sam;

/// <summary>
/// CPython 2.7's string hash, dictionary iteration order and <c>repr</c>, as the SAM translator reproduces them when it
/// hashes <c>str(swagger)</c> into a REST API's deployment logical id.
/// </summary>
/// <remarks>
/// The translator runs on Python 3 but keeps the ids its Python 2.7 releases gave (a changed id replaces the deployment):
/// its <c>py27hash_fix</c> orders keys the way a 2.7 <c>dict</c> hash table does (open addressing over 8, 32, 128...
/// slots with the 2.7 perturbation probe; the order is the slot order, so it depends on which keys collided and when),
/// prints strings that came from the template as <c>u'...'</c> (2.7 unicode) and the translator's own literals as
/// <c>'...'</c>. Hash randomisation was off in 2.7, so the string hash is the plain FNV-like 2.7 algorithm on a 64-bit
/// build.
/// </remarks>
internal static class Py27Hash
{
    private const int MinSize = 8;
    private const int PerturbShift = 5;

    /// <summary>CPython 2.7's <c>hash()</c> of a string (64-bit, randomisation off), as an unsigned slot seed.</summary>
    public static ulong StringHash(string s)
    {
        if (s.Length == 0)
        {
            return 0;
        }

        var codePoints = CodePoints(s);
        var x = (ulong)codePoints[0] << 7;
        foreach (var c in codePoints)
        {
            x = unchecked((1000003UL * x) ^ (ulong)c);
        }

        x ^= (ulong)codePoints.Count;
        return x == ulong.MaxValue ? ulong.MaxValue - 1 : x;
    }

    private static List<int> CodePoints(string s)
    {
        var result = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                i++;
            }
            else
            {
                result.Add(s[i]);
            }
        }

        return result;
    }

    /// <summary>The 2.7 iteration order of a dict built by inserting <paramref name="insertionOrder"/>, then deep-copied <paramref name="copies"/> times.</summary>
    /// <remarks>A deep copy re-inserts the keys in their current iteration order into a fresh table, which can reorder colliding keys.</remarks>
    public static List<string> Order(IEnumerable<string> insertionOrder, int copies = 0)
    {
        var keys = new Keys();
        foreach (var key in insertionOrder)
        {
            keys.Add(key);
        }

        for (var i = 0; i < copies; i++)
        {
            var copy = new Keys();
            foreach (var key in keys.InOrder())
            {
                copy.Add(key);
            }

            keys = copy;
        }

        return keys.InOrder();
    }

    /// <summary>
    /// The 2.7 order of a dict whose keys went in over several editor passes: each pass deep-copies the document when it
    /// starts (after the dict's first) and when it ends, so keys of a later pass meet a table the copies rebuilt.
    /// </summary>
    public static List<string> OrderByPasses(IEnumerable<(string Key, int Pass)> insertion)
    {
        Keys? keys = null;
        foreach (var group in insertion.Select((k, i) => (k.Key, k.Pass, Index: i)).GroupBy(k => k.Pass).OrderBy(g => g.Key))
        {
            keys = keys is null ? new Keys() : Copy(keys);
            foreach (var (key, _, _) in group.OrderBy(k => k.Index))
            {
                keys.Add(key);
            }

            keys = Copy(keys);
        }

        return keys?.InOrder() ?? [];
    }

    private static Keys Copy(Keys keys)
    {
        var copy = new Keys();
        foreach (var key in keys.InOrder())
        {
            copy.Add(key);
        }

        return copy;
    }

    /// <summary>Python 3's <c>repr()</c> of a <c>str</c> (the translator's own literals).</summary>
    public static string StrRepr(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>
    /// <c>repr()</c> of a Python 2.7 unicode string as the translator prints it: <c>u</c> + the repr of its
    /// <c>unicode_escape</c> encoding, with the doubled backslashes undone.
    /// </summary>
    public static string UnicodeRepr(string s)
    {
        var escaped = new StringBuilder(s.Length);
        foreach (var cp in CodePoints(s))
        {
            switch (cp)
            {
                case '\\': escaped.Append("\\\\"); break;
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                default:
                    if (cp < 0x20 || (cp >= 0x7f && cp < 0x100))
                    {
                        escaped.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (cp >= 0x100 && cp < 0x10000)
                    {
                        escaped.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (cp >= 0x10000)
                    {
                        escaped.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        escaped.Append((char)cp);
                    }

                    break;
            }
        }

        return "u" + StrRepr(escaped.ToString()).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    /// <summary>The key table of one 2.7 dict: slot index to key (null marks a deleted slot), as <c>dictobject.c</c> fills it.</summary>
    private sealed class Keys
    {
        private readonly SortedDictionary<ulong, string?> _slots = [];
        private Dictionary<ulong, string?> _lookup = [];
        private int _size;
        private int _fill;
        private ulong _mask = MinSize - 1;

        public void Add(string key)
        {
            var startSize = _size;
            var i = Index(key);
            if (!_lookup.TryGetValue(i, out var existing))
            {
                _size++;
                _fill++;
                Set(i, key);
            }
            else
            {
                if (existing is null)
                {
                    _size++;
                }

                Set(i, key);
            }

            if (_size > startSize && (ulong)_fill * 3 >= (_mask + 1) * 2)
            {
                Resize(_size * (_size > 50000 ? 2 : 4));
            }
        }

        public List<string> InOrder() => _slots.Values.Where(k => k is not null).Select(k => k!).ToList();

        private void Set(ulong slot, string? key)
        {
            _slots[slot] = key;
            _lookup[slot] = key;
        }

        private ulong Index(string key)
        {
            var h = StringHash(key);
            var i = h & _mask;
            if (!_lookup.TryGetValue(i, out var atI) || atI == key)
            {
                return i;
            }

            ulong? free = atI is null ? i : null;
            var walker = i;
            var perturb = h;
            while (_lookup.TryGetValue(i, out var at) && at != key)
            {
                walker = unchecked((walker << 2) + walker + perturb + 1);
                i = walker & _mask;
                if (!_lookup.TryGetValue(i, out var next))
                {
                    return free ?? i;
                }

                if (next == key)
                {
                    return i;
                }

                if (free is null && next is null)
                {
                    free = i;
                }

                perturb >>= PerturbShift;
            }

            return i;
        }

        private void Resize(int request)
        {
            ulong newSize = MinSize;
            while (newSize <= (ulong)request)
            {
                newSize <<= 1;
            }

            _mask = newSize - 1;
            var old = _slots.Values.ToList();
            _slots.Clear();
            _lookup = [];
            _fill = _size = 0;
            foreach (var key in old)
            {
                if (key is not null)
                {
                    Add(key);
                }
            }
        }
    }
}
