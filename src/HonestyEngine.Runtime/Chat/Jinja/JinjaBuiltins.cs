using System.Globalization;
using System.Text;

namespace HonestyEngine.Runtime.Chat.Jinja;

/// <summary>The globals, filters, tests and Python methods chat templates use.</summary>
internal static class JinjaBuiltins
{
    public static IEnumerable<(string Name, JinjaFunction Function)> Globals(Func<DateTime> clock)
    {
        yield return ("raise_exception", new JinjaFunction("raise_exception", (a, _) =>
            throw new JinjaRaisedException(a.Count > 0 ? PyValue.Str(a[0]) : "the chat template raised an exception")));
        yield return ("strftime_now", new JinjaFunction("strftime_now", (a, _) =>
            Strftime(clock(), a.Count > 0 && a[0] is string f ? f : throw new JinjaException("strftime_now expects a format string"))));
        yield return ("namespace", new JinjaFunction("namespace", (a, kw) =>
        {
            var ns = new JinjaNamespace();
            foreach (var arg in a)
                if (arg is Dictionary<string, object?> d) foreach (var (k, v) in d) ns[k] = v;
            foreach (var (k, v) in kw) ns[k] = v;
            return ns;
        }));
        yield return ("dict", new JinjaFunction("dict", (a, kw) =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var arg in a)
                if (arg is Dictionary<string, object?> src) foreach (var (k, v) in src) d[k] = v;
            foreach (var (k, v) in kw) d[k] = v;
            return d;
        }));
        yield return ("range", new JinjaFunction("range", (a, _) =>
        {
            long start = 0, stop, step = 1;
            if (a.Count == 1) stop = AsLong(a[0], "range");
            else if (a.Count is 2 or 3) { start = AsLong(a[0], "range"); stop = AsLong(a[1], "range"); if (a.Count == 3) step = AsLong(a[2], "range"); }
            else throw new JinjaException("range expects 1 to 3 arguments");
            if (step == 0) throw new JinjaException("range() arg 3 must not be zero");
            var list = new List<object?>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                list.Add(i);
                if (list.Count > 1_000_000) throw new JinjaException("range() is too long");
            }
            return list;
        }));
    }

    private static long AsLong(object? v, string where) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"{where}: expected an integer, got {PyValue.TypeName(v)}"),
    };

    private static string Strftime(DateTime t, string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length) { sb.Append(format[i]); continue; }
            char c = format[++i];
            sb.Append(c switch
            {
                'd' => t.ToString("dd", CultureInfo.InvariantCulture),
                'm' => t.ToString("MM", CultureInfo.InvariantCulture),
                'Y' => t.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => t.ToString("yy", CultureInfo.InvariantCulture),
                'b' => t.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => t.ToString("MMMM", CultureInfo.InvariantCulture),
                'a' => t.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => t.ToString("dddd", CultureInfo.InvariantCulture),
                'H' => t.ToString("HH", CultureInfo.InvariantCulture),
                'I' => t.ToString("hh", CultureInfo.InvariantCulture),
                'M' => t.ToString("mm", CultureInfo.InvariantCulture),
                'S' => t.ToString("ss", CultureInfo.InvariantCulture),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'j' => t.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => throw new JinjaException($"strftime_now: unsupported directive %{c}"),
            });
        }
        return sb.ToString();
    }

    private static object? Arg(List<object?> args, Dictionary<string, object?> kwargs, int index, string name, object? fallback) =>
        index < args.Count ? args[index] : kwargs.TryGetValue(name, out var v) ? v : fallback;

    private static string RequireString(object? v, string filter) => v switch
    {
        string s => s,
        Undefined u => throw new JinjaException($"{filter}: {u.Description}"),
        _ => PyValue.Str(v),
    };

    public static object? Filter(string name, object? value, List<object?> args, Dictionary<string, object?> kwargs, JinjaInterpreter interpreter, int line)
    {
        switch (name)
        {
            case "trim":
            {
                string s = RequireString(value, "trim");
                return Arg(args, kwargs, 0, "chars", null) is string chars ? s.Trim(chars.ToCharArray()) : PyStrip(s, null, true, true);
            }
            case "length":
            case "count":
                return value switch
                {
                    string s => (long)s.EnumerateRunes().Count(),
                    System.Collections.ICollection c => (long)c.Count,
                    Undefined => 0L,
                    _ => throw new JinjaException($"line {line}: object of type '{PyValue.TypeName(value)}' has no len()"),
                };
            case "tojson":
            {
                var indent = Arg(args, kwargs, 0, "indent", null);
                bool sortKeys = PyValue.Truthy(kwargs.GetValueOrDefault("sort_keys"));
                string? itemSep = null, keySep = null;
                if (kwargs.TryGetValue("separators", out var seps) && seps is System.Collections.IList sl && sl.Count == 2)
                {
                    itemSep = PyValue.Str(sl[0]);
                    keySep = PyValue.Str(sl[1]);
                }
                return PyValue.ToJson(value, indent is null ? null : (int)AsLong(indent, "tojson indent"), sortKeys, itemSep, keySep);
            }
            case "string": return PyValue.Str(value);
            case "safe": return value;
            case "e":
            case "escape":
                return RequireString(value, name).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");
            case "upper": return RequireString(value, name).ToUpperInvariant();
            case "lower": return RequireString(value, name).ToLowerInvariant();
            case "capitalize":
            {
                string s = RequireString(value, name);
                return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            }
            case "title": return Title(RequireString(value, name));
            case "replace":
            {
                string s = RequireString(value, name);
                string old = PyValue.Str(Arg(args, kwargs, 0, "old", "")), @new = PyValue.Str(Arg(args, kwargs, 1, "new", ""));
                var countArg = Arg(args, kwargs, 2, "count", null);
                return countArg is null ? PyReplace(s, old, @new, -1) : PyReplace(s, old, @new, AsLong(countArg, "replace"));
            }
            case "default":
            case "d":
            {
                var fallback = Arg(args, kwargs, 0, "default_value", "");
                bool boolean = PyValue.Truthy(Arg(args, kwargs, 1, "boolean", false));
                return value is Undefined || (boolean && !PyValue.Truthy(value)) ? fallback : value;
            }
            case "join":
            {
                string sep = PyValue.Str(Arg(args, kwargs, 0, "d", ""));
                var attribute = Arg(args, kwargs, 1, "attribute", null);
                var items = PyValue.Iterate(value);
                if (attribute is string attr) items = items.Select(x => JinjaInterpreter.GetAttribute(x, attr, line)).ToList();
                return string.Join(sep, items.Select(PyValue.Str));
            }
            case "list": return PyValue.Iterate(value);
            case "first": { var items = PyValue.Iterate(value); return items.Count > 0 ? items[0] : new Undefined("first of an empty sequence"); }
            case "last": { var items = PyValue.Iterate(value); return items.Count > 0 ? items[^1] : new Undefined("last of an empty sequence"); }
            case "reverse":
                if (value is string rs) { var runes = rs.EnumerateRunes().Select(r => r.ToString()).Reverse(); return string.Concat(runes); }
                { var items = PyValue.Iterate(value); items.Reverse(); return items; }
            case "unique":
            {
                var result = new List<object?>();
                foreach (var x in PyValue.Iterate(value)) if (!result.Any(y => PyValue.Equals(x, y))) result.Add(x);
                return result;
            }
            case "sort":
            {
                bool reverse = PyValue.Truthy(Arg(args, kwargs, 0, "reverse", false));
                var attribute = Arg(args, kwargs, 2, "attribute", null) as string;
                var items = PyValue.Iterate(value);
                Func<object?, object?> key = attribute is null ? x => x : x => JinjaInterpreter.GetAttribute(x, attribute, line);
                var sorted = items.Select((x, i) => (x, i)).ToList();
                sorted.Sort((p, q) => { int c = PyValue.Compare(key(p.x), key(q.x)); return c != 0 ? (reverse ? -c : c) : p.i.CompareTo(q.i); });
                return sorted.Select(p => p.x).ToList();
            }
            case "items":
                if (value is Dictionary<string, object?> dict) return dict.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
                if (value is Undefined) return new List<object?>();
                throw new JinjaException($"line {line}: items filter needs a mapping, got {PyValue.TypeName(value)}");
            case "int":
                return value switch
                {
                    long l => l,
                    bool b => b ? 1L : 0L,
                    double d => (long)Math.Truncate(d),
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long p) => p,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double pd) => (long)Math.Truncate(pd),
                    _ => Arg(args, kwargs, 0, "default", 0L),
                };
            case "float":
                return value switch
                {
                    long l => (double)l,
                    double d => d,
                    bool b => b ? 1.0 : 0.0,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double pd) => pd,
                    _ => Arg(args, kwargs, 0, "default", 0.0),
                };
            case "abs": return value is long al ? (object)Math.Abs(al) : (object)Math.Abs(PyValue.ToDouble(value));
            case "round":
            {
                long precision = AsLong(Arg(args, kwargs, 0, "precision", 0L), "round");
                return Math.Round(PyValue.ToDouble(value), (int)precision, MidpointRounding.ToEven);
            }
            case "sum": return PyValue.Iterate(value).Aggregate((object?)0L, (acc, x) => acc is long a && x is long b ? (object)(a + b) : (object)(PyValue.ToDouble(acc) + PyValue.ToDouble(x)));
            case "min": return PyValue.Iterate(value).Aggregate((a, b) => PyValue.Compare(a, b) <= 0 ? a : b);
            case "max": return PyValue.Iterate(value).Aggregate((a, b) => PyValue.Compare(a, b) >= 0 ? a : b);
            case "wordcount": return (long)RequireString(value, name).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "indent":
            {
                var width = Arg(args, kwargs, 0, "width", 4L);
                string pad = width is string ws ? ws : new string(' ', (int)AsLong(width, "indent"));
                bool first = PyValue.Truthy(Arg(args, kwargs, 1, "first", false));
                bool blank = PyValue.Truthy(Arg(args, kwargs, 2, "blank", false));
                string s = RequireString(value, name);
                var lines = s.Split('\n');
                var sb = new StringBuilder();
                for (int i = 0; i < lines.Length; i++)
                {
                    if (i > 0) sb.Append('\n');
                    bool indentThis = (i > 0 || first) && (blank || lines[i].Trim().Length > 0);
                    if (indentThis) sb.Append(pad);
                    sb.Append(lines[i]);
                }
                return sb.ToString();
            }
            case "map":
            {
                var items = PyValue.Iterate(value);
                if (kwargs.TryGetValue("attribute", out var attrName) && attrName is string attr)
                {
                    var def = kwargs.GetValueOrDefault("default");
                    return items.Select(x =>
                    {
                        var v = JinjaInterpreter.GetAttribute(x, attr, line);
                        return v is Undefined && kwargs.ContainsKey("default") ? def : v;
                    }).ToList();
                }
                if (args.Count > 0 && args[0] is string filterName)
                    return items.Select(x => Filter(filterName, x, args.Skip(1).ToList(), new Dictionary<string, object?>(), interpreter, line)).ToList();
                throw new JinjaException($"line {line}: map needs a filter name or attribute=");
            }
            case "select":
            case "reject":
            {
                bool keep = name == "select";
                var items = PyValue.Iterate(value);
                if (args.Count == 0) return items.Where(x => PyValue.Truthy(x) == keep).ToList();
                string test = PyValue.Str(args[0]);
                return items.Where(x => Test(test, x, args.Skip(1).ToList(), line) == keep).ToList();
            }
            case "selectattr":
            case "rejectattr":
            {
                bool keep = name == "selectattr";
                if (args.Count == 0 || args[0] is not string attr) throw new JinjaException($"line {line}: {name} needs an attribute name");
                var items = PyValue.Iterate(value);
                return items.Where(x =>
                {
                    var v = JinjaInterpreter.GetAttribute(x, attr, line);
                    bool r = args.Count == 1 ? PyValue.Truthy(v) : Test(PyValue.Str(args[1]), v, args.Skip(2).ToList(), line);
                    return r == keep;
                }).ToList();
            }
            case "batch":
            {
                long size = AsLong(Arg(args, kwargs, 0, "linecount", 1L), "batch");
                if (size <= 0) throw new JinjaException($"line {line}: batch size must be positive");
                return PyValue.Iterate(value).Chunk((int)size).Select(c => (object?)c.ToList()).ToList();
            }
            case "center":
            {
                string s = RequireString(value, name);
                int width = (int)AsLong(Arg(args, kwargs, 0, "width", 80L), "center");
                if (s.Length >= width) return s;
                int total = width - s.Length, left = total / 2 + (total % 2 & width % 2);
                return new string(' ', left) + s + new string(' ', total - left);
            }
            default:
                throw new JinjaException($"line {line}: unknown filter '{name}'");
        }
    }

    public static bool Test(string name, object? value, List<object?> args, int line)
    {
        object? A(int i) => i < args.Count ? args[i] : throw new JinjaException($"line {line}: test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is Dictionary<string, object?>,
            "sequence" => value is string or System.Collections.IList or Dictionary<string, object?>,
            "iterable" => value is string or System.Collections.IList or Dictionary<string, object?>,
            "callable" => value is JinjaFunction or JinjaMacro,
            "odd" => AsLong(value, "odd") % 2 != 0,
            "even" => AsLong(value, "even") % 2 == 0,
            "divisibleby" => AsLong(value, "divisibleby") % AsLong(A(0), "divisibleby") == 0,
            "eq" or "equalto" or "==" => PyValue.Equals(value, A(0)),
            "ne" or "!=" => !PyValue.Equals(value, A(0)),
            "lt" or "lessthan" or "<" => PyValue.Compare(value, A(0)) < 0,
            "le" or "<=" => PyValue.Compare(value, A(0)) <= 0,
            "gt" or "greaterthan" or ">" => PyValue.Compare(value, A(0)) > 0,
            "ge" or ">=" => PyValue.Compare(value, A(0)) >= 0,
            "in" => PyValue.Contains(A(0), value),
            "sameas" => ReferenceEquals(value, A(0)) || (value is null && A(0) is null) || (value is bool b1 && A(0) is bool b2 && b1 == b2),
            "lower" => value is string ls && ls == ls.ToLowerInvariant(),
            "upper" => value is string us && us == us.ToUpperInvariant(),
            "escaped" => false,
            _ => throw new JinjaException($"line {line}: unknown test '{name}'"),
        };
    }

    /// <summary>Python methods on str, dict and list (the immutable sandbox allows only non-mutating ones).</summary>
    public static object? Method(object? target, string name, List<object?> args, Dictionary<string, object?> kwargs, int line)
    {
        object? A(int i, string n, object? fallback = null) => Arg(args, kwargs, i, n, fallback);
        switch (target)
        {
            case string s:
                switch (name)
                {
                    case "startswith": return StartsOrEnds(s, A(0, "prefix"), true);
                    case "endswith": return StartsOrEnds(s, A(0, "suffix"), false);
                    case "strip": return PyStrip(s, A(0, "chars") as string, true, true);
                    case "lstrip": return PyStrip(s, A(0, "chars") as string, true, false);
                    case "rstrip": return PyStrip(s, A(0, "chars") as string, false, true);
                    case "split": return PySplit(s, A(0, "sep") as string, A(1, "maxsplit", -1L) is long m ? m : -1);
                    case "rsplit": return PyRSplit(s, A(0, "sep") as string, A(1, "maxsplit", -1L) is long rm ? rm : -1);
                    case "splitlines": return s.Replace("\r\n", "\n").Split('\n').Select(x => (object?)x).SkipLast(s.EndsWith('\n') ? 1 : 0).ToList();
                    case "upper": return s.ToUpperInvariant();
                    case "lower": return s.ToLowerInvariant();
                    case "title": return Title(s);
                    case "capitalize": return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
                    case "replace": return PyReplace(s, PyValue.Str(A(0, "old")), PyValue.Str(A(1, "new")), A(2, "count", -1L) is long c ? c : -1);
                    case "find": return (long)s.IndexOf(PyValue.Str(A(0, "sub")), StringComparison.Ordinal);
                    case "rfind": return (long)s.LastIndexOf(PyValue.Str(A(0, "sub")), StringComparison.Ordinal);
                    case "count":
                    {
                        string sub = PyValue.Str(A(0, "sub"));
                        if (sub.Length == 0) return (long)s.Length + 1;
                        long n = 0;
                        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
                        return n;
                    }
                    case "join": return string.Join(s, PyValue.Iterate(A(0, "iterable")).Select(PyValue.Str));
                    case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
                    case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
                    case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
                    case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
                    case "islower": return s.Any(char.IsLetter) && s == s.ToLowerInvariant();
                    case "isupper": return s.Any(char.IsLetter) && s == s.ToUpperInvariant();
                    case "format": return PyFormat(s, args, kwargs, line);
                }
                break;
            case Dictionary<string, object?> d:
                switch (name)
                {
                    case "items": return d.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
                    case "keys": return d.Keys.Select(k => (object?)k).ToList();
                    case "values": return d.Values.ToList();
                    case "get": return A(0, "key") is string k && d.TryGetValue(k, out var v) ? v : A(1, "default");
                }
                break;
            case System.Collections.IList list:
                switch (name)
                {
                    case "index":
                    {
                        var item = A(0, "value");
                        for (int i = 0; i < list.Count; i++) if (PyValue.Equals(list[i], item)) return (long)i;
                        throw new JinjaException($"line {line}: {PyValue.Repr(item)} is not in list");
                    }
                    case "count": return (long)list.Cast<object?>().Count(x => PyValue.Equals(x, A(0, "value")));
                    case "append" or "extend" or "insert" or "pop" or "remove" or "clear" or "sort" or "reverse":
                        throw new JinjaException($"line {line}: list.{name}() modifies a list, which transformers' immutable sandbox forbids");
                }
                break;
            case LoopInfo loop when name == "cycle":
                return args.Count == 0 ? throw new JinjaException($"line {line}: loop.cycle needs arguments") : args[loop.Index0 % args.Count];
            case Undefined u:
                throw new JinjaException($"line {line}: {u.Description} (calling .{name}())");
        }
        throw new JinjaException($"line {line}: '{PyValue.TypeName(target)}' object has no method '{name}'");
    }

    private static bool StartsOrEnds(string s, object? arg, bool start)
    {
        IEnumerable<object?> options = arg is object?[] tuple ? tuple : [arg];
        foreach (var o in options)
        {
            string p = o as string ?? throw new JinjaException($"{(start ? "startswith" : "endswith")} expects a string, got {PyValue.TypeName(o)}");
            if (start ? s.StartsWith(p, StringComparison.Ordinal) : s.EndsWith(p, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Python str.strip/lstrip/rstrip: whitespace by default, else any of <paramref name="chars"/>.</summary>
    public static string PyStrip(string s, string? chars, bool left, bool right)
    {
        int a = 0, b = s.Length;
        bool Strip(char c) => chars is null ? char.IsWhiteSpace(c) || c is '\x1c' or '\x1d' or '\x1e' or '\x1f' : chars.Contains(c);
        if (left) while (a < b && Strip(s[a])) a++;
        if (right) while (b > a && Strip(s[b - 1])) b--;
        return s[a..b];
    }

    private static List<object?> PySplit(string s, string? sep, long maxSplit)
    {
        var result = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxSplit >= 0 && result.Count == maxSplit) { result.Add(s[i..].TrimEnd()); break; }
                int j = i;
                while (j < s.Length && !char.IsWhiteSpace(s[j])) j++;
                result.Add(s[i..j]);
                i = j;
            }
            return result;
        }
        if (sep.Length == 0) throw new JinjaException("empty separator");
        int start = 0;
        while (true)
        {
            int idx = maxSplit >= 0 && result.Count == maxSplit ? -1 : s.IndexOf(sep, start, StringComparison.Ordinal);
            if (idx < 0) { result.Add(s[start..]); return result; }
            result.Add(s[start..idx]);
            start = idx + sep.Length;
        }
    }

    private static List<object?> PyRSplit(string s, string? sep, long maxSplit)
    {
        if (maxSplit < 0 || sep is null) return PySplit(s, sep, maxSplit);
        var result = new List<object?>();
        int end = s.Length;
        while (result.Count < maxSplit)
        {
            int idx = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, StringComparison.Ordinal);
            if (idx < 0 || idx + sep.Length > end) break;
            result.Insert(0, s[(idx + sep.Length)..end]);
            end = idx;
        }
        result.Insert(0, s[..end]);
        return result;
    }

    private static string PyReplace(string s, string old, string @new, long count)
    {
        if (count < 0) return old.Length == 0 ? s : s.Replace(old, @new, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int start = 0;
        for (long n = 0; n < count; n++)
        {
            int idx = s.IndexOf(old, start, StringComparison.Ordinal);
            if (idx < 0 || old.Length == 0) break;
            sb.Append(s, start, idx - start).Append(@new);
            start = idx + old.Length;
        }
        return sb.Append(s, start, s.Length - start).ToString();
    }

    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }
        return sb.ToString();
    }

    private static string PyFormat(string s, List<object?> args, Dictionary<string, object?> kwargs, int line)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < s.Length && s[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            int close = s.IndexOf('}', i);
            if (close < 0) throw new JinjaException($"line {line}: unmatched '{{' in format string");
            string field = s[(i + 1)..close];
            if (field.Contains(':') || field.Contains('!')) throw new JinjaException($"line {line}: format specs are not supported in str.format ('{{{field}}}')");
            object? v = field.Length == 0 ? (auto < args.Count ? args[auto++] : throw new JinjaException($"line {line}: format: not enough arguments"))
                : int.TryParse(field, out int idx) ? (idx < args.Count ? args[idx] : throw new JinjaException($"line {line}: format: index {idx} out of range"))
                : kwargs.TryGetValue(field, out var kv) ? kv : throw new JinjaException($"line {line}: format: missing key '{field}'");
            sb.Append(PyValue.Str(v));
            i = close;
        }
        return sb.ToString();
    }
}
