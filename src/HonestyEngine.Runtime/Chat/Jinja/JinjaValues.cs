using System.Globalization;
using System.Text;

namespace HonestyEngine.Runtime.Chat.Jinja;

/// <summary>A name that does not exist (Jinja's default Undefined): prints as "", is false, iterates as empty,
/// and raises when something tries to read an attribute of it.</summary>
internal sealed class Undefined(string description)
{
    public string Description { get; } = description;
    public override string ToString() => "";
}

/// <summary>The object namespace(...) returns: attributes can be assigned with {% set ns.x = ... %}.</summary>
internal sealed class JinjaNamespace : Dictionary<string, object?>
{
    public JinjaNamespace() : base(StringComparer.Ordinal) { }
}

/// <summary>A callable global (range, namespace, raise_exception, ...).</summary>
internal sealed class JinjaFunction(string name, Func<List<object?>, Dictionary<string, object?>, object?> body)
{
    public string Name { get; } = name;
    public object? Invoke(List<object?> args, Dictionary<string, object?> kwargs) => body(args, kwargs);
}

/// <summary>The `loop` variable of a for loop.</summary>
internal sealed class LoopInfo
{
    public required List<object?> Items { get; init; }
    public int Index0 { get; set; }

    public object? Get(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)(Index0 + 1),
        "revindex0" => (long)(Items.Count - Index0 - 1),
        "revindex" => (long)(Items.Count - Index0),
        "first" => Index0 == 0,
        "last" => Index0 == Items.Count - 1,
        "length" => (long)Items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? Items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Items.Count ? Items[Index0 + 1] : new Undefined("there is no next item"),
        _ => new Undefined($"loop has no attribute '{name}'"),
    };
}

/// <summary>Python semantics for the values a template sees: None, bool, long, double, string, list, tuple
/// (object?[]), dict (Dictionary&lt;string, object?&gt;), Undefined.</summary>
internal static class PyValue
{
    public static bool Truthy(object? v) => v switch
    {
        null => false,
        Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"expected a number, got {TypeName(v)}"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none",
        Undefined => "undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        List<object?> => "list",
        JinjaNamespace => "namespace",
        Dictionary<string, object?> => "dict",
        _ => v.GetType().Name,
    };

    /// <summary>str(v) as Python prints it.</summary>
    public static string Str(object? v) => v switch
    {
        null => "None",
        Undefined => "",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        _ => Repr(v),
    };

    /// <summary>repr(v) as Python prints it (used for lists and dicts).</summary>
    public static string Repr(object? v)
    {
        switch (v)
        {
            case string s:
            {
                char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
                var sb = new StringBuilder().Append(quote);
                foreach (char c in s)
                {
                    if (c == quote || c == '\\') sb.Append('\\').Append(c);
                    else if (c == '\n') sb.Append("\\n");
                    else if (c == '\r') sb.Append("\\r");
                    else if (c == '\t') sb.Append("\\t");
                    else if (c < 0x20 || c == 0x7F) sb.Append($"\\x{(int)c:x2}");
                    else sb.Append(c);
                }
                return sb.Append(quote).ToString();
            }
            case object?[] tuple:
                return tuple.Length == 1 ? $"({Repr(tuple[0])},)" : "(" + string.Join(", ", tuple.Select(Repr)) + ")";
            case List<object?> list:
                return "[" + string.Join(", ", list.Select(Repr)) + "]";
            case JinjaNamespace ns:
                return "<Namespace " + string.Join(", ", ns.Select(kv => $"{kv.Key}={Repr(kv.Value)}")) + ">";
            case Dictionary<string, object?> dict:
                return "{" + string.Join(", ", dict.Select(kv => $"{Repr(kv.Key)}: {Repr(kv.Value)}")) + "}";
            case Undefined:
                return "Undefined";
            default:
                return Str(v);
        }
    }

    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("0.0", CultureInfo.InvariantCulture);
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // Python: 1e-05, 1.5e+20
            int e = r.IndexOf('E');
            string mantissa = r[..e];
            int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            r = $"{mantissa}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return r;
    }

    public new static bool Equals(object? a, object? b)
    {
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a) == ToDouble(b);
        if (a is string sa && b is string sb) return string.Equals(sa, sb, StringComparison.Ordinal);
        if (a is System.Collections.IList la && b is System.Collections.IList lb && (a is object?[]) == (b is object?[]))
        {
            if (la.Count != lb.Count) return false;
            for (int i = 0; i < la.Count; i++) if (!Equals(la[i], lb[i])) return false;
            return true;
        }
        if (a is Dictionary<string, object?> da && b is Dictionary<string, object?> db && a is not JinjaNamespace)
        {
            if (da.Count != db.Count) return false;
            foreach (var (k, v) in da) if (!db.TryGetValue(k, out var w) || !Equals(v, w)) return false;
            return true;
        }
        return ReferenceEquals(a, b);
    }

    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a).CompareTo(ToDouble(b));
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        if (a is System.Collections.IList la && b is System.Collections.IList lb)
        {
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                int c = Compare(la[i], lb[i]);
                if (c != 0) return c;
            }
            return la.Count.CompareTo(lb.Count);
        }
        throw new JinjaException($"'<' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>The items a for loop visits: lists and tuples, the keys of a dict, the characters of a string.</summary>
    public static List<object?> Iterate(object? v) => v switch
    {
        Undefined => [],
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        object?[] t => [.. t],
        List<object?> l => [.. l],
        Dictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
        null => throw new JinjaException("'NoneType' object is not iterable"),
        _ => throw new JinjaException($"'{TypeName(v)}' object is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw new JinjaException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        Dictionary<string, object?> d => item is string k && d.ContainsKey(k),
        System.Collections.IList l => l.Cast<object?>().Any(x => Equals(x, item)),
        Undefined => false,
        _ => throw new JinjaException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary>Python's json.dumps(v, ensure_ascii=False, indent=indent, separators=..., sort_keys=...),
    /// which is what transformers' tojson filter calls.</summary>
    public static string ToJson(object? v, int? indent, bool sortKeys, string? itemSeparator = null, string? keySeparator = null)
    {
        var sb = new StringBuilder();
        string itemSep = itemSeparator ?? (indent is null ? ", " : ",");
        string keySep = keySeparator ?? ": ";
        WriteJson(sb, v, indent, sortKeys, itemSep, keySep, 0);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v, int? indent, bool sortKeys, string itemSep, string keySep, int depth)
    {
        switch (v)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : FloatRepr(d));
                return;
            case string s: WriteJsonString(sb, s); return;
            case Undefined u: throw new JinjaException($"tojson: {u.Description} (Object of type Undefined is not JSON serializable)");
            case System.Collections.IList list:
            {
                if (list.Count == 0) { sb.Append("[]"); return; }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    WriteJson(sb, list[i], indent, sortKeys, itemSep, keySep, depth + 1);
                }
                NewLine(sb, indent, depth);
                sb.Append(']');
                return;
            }
            case Dictionary<string, object?> dict:
            {
                if (dict.Count == 0) { sb.Append("{}"); return; }
                sb.Append('{');
                var keys = sortKeys ? dict.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList() : dict.Keys.ToList();
                for (int i = 0; i < keys.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    WriteJsonString(sb, keys[i]);
                    sb.Append(keySep);
                    WriteJson(sb, dict[keys[i]], indent, sortKeys, itemSep, keySep, depth + 1);
                }
                NewLine(sb, indent, depth);
                sb.Append('}');
                return;
            }
            default: throw new JinjaException($"tojson: object of type {TypeName(v)} is not JSON serializable");
        }
    }

    private static void NewLine(StringBuilder sb, int? indent, int depth)
    {
        if (indent is null) return;
        sb.Append('\n').Append(' ', indent.Value * depth);
    }

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Converts JSON (from a caller's extra variables or tool schemas) into template values.</summary>
    public static object? FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined => null,
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : (object)e.GetDouble(),
        System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        _ => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
    };

    /// <summary>Converts caller-supplied .NET values (string, bool, numbers, lists, dictionaries) into template values.</summary>
    public static object? FromClr(object? v) => v switch
    {
        null or string or bool or long or double or Undefined => v,
        int i => (long)i,
        float f => (double)f,
        decimal m => (double)m,
        System.Text.Json.JsonElement e => FromJson(e),
        System.Collections.IDictionary d => d.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => FromClr(d[k]), StringComparer.Ordinal),
        System.Collections.IEnumerable en => en.Cast<object?>().Select(FromClr).ToList(),
        _ => throw new JinjaException($"cannot pass a value of type {v.GetType().Name} to a template"),
    };
}
