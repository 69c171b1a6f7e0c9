using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>Translates the Oniguruma patterns of tokenizer.json (Split pre-tokenizers, Replace normalizers)
/// into .NET regexes with the same meaning on code points.
/// Why: .NET matches UTF-16 code units, so <c>\p{L}</c> never matches a letter outside the BMP and
/// <c>[^\s\p{L}\p{N}]?</c> would consume half of an emoji. Instead of teaching the regex about surrogate pairs
/// (correct but 5-60x slower), every code point the BMP regex cannot see directly (supplementary planes, lone
/// surrogates, the Private Use Area U+E000-U+F8FF) is replaced, before matching, by a proxy character from the
/// Private Use Area that stands for exactly the set of pattern classes containing it; each class of the
/// translated regex includes the proxies of its members. Match boundaries are mapped back to the original text.
/// Possessive quantifiers (<c>x?+</c>, <c>x++</c>, <c>x*+</c>) become atomic groups. Results are cached per pattern.</summary>
internal static class OnigRegexTranslator
{
    private static readonly ConcurrentDictionary<string, CodePointRegex> Cache = new(StringComparer.Ordinal);

    /// <summary>The code-point-aware regex for an Oniguruma pattern; throws <see cref="ArgumentException"/>
    /// describing an unsupported or malformed construct.</summary>
    public static CodePointRegex Get(string pattern) => Cache.GetOrAdd(pattern, static p => Build(p));

    /// <summary>The .NET pattern (over proxied text) for an Oniguruma pattern, for inspection in tests.</summary>
    public static string Translate(string pattern) => Build(pattern).TranslatedPattern;

    private static CodePointRegex Build(string pattern)
    {
        var fragments = Parse(pattern);
        var classes = fragments.OfType<CharClass>().ToList();
        var proxies = new ProxyTable(classes, pattern);
        var sb = new StringBuilder();
        foreach (var f in fragments)
            if (f is CharClass c) sb.Append(c.ToBmpClass(proxies, classes.IndexOf(c)));
            else sb.Append((string)f);
        string translated = sb.ToString();
        return new CodePointRegex(new Regex(translated, RegexOptions.Compiled | RegexOptions.CultureInvariant), proxies, translated);
    }

    /// <summary>Splits the pattern into .NET regex text and character classes (each class stands for one code point).</summary>
    private static List<object> Parse(string pattern)
    {
        var output = new List<object>();
        var groupStarts = new Stack<int>();
        int lastAtomStart = -1;
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            switch (c)
            {
                case '(':
                {
                    groupStarts.Push(output.Count);
                    // Copy the group opener: "(", "(?:", "(?i:", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?<name>".
                    int start = i++;
                    if (i < pattern.Length && pattern[i] == '?')
                    {
                        i++;
                        if (i < pattern.Length && pattern[i] == '<' && i + 1 < pattern.Length && pattern[i + 1] is not ('=' or '!'))
                        {
                            int close = pattern.IndexOf('>', i);
                            if (close < 0) throw Error(pattern, i, "unterminated group name");
                            i = close + 1;
                        }
                        else
                        {
                            while (i < pattern.Length && pattern[i] is not (':' or ')' or '=' or '!' or '>')) i++;
                            if (i < pattern.Length && pattern[i] != ')') i++;
                        }
                    }
                    output.Add(pattern[start..i]);
                    lastAtomStart = -1;
                    break;
                }
                case ')':
                    if (groupStarts.Count == 0) throw Error(pattern, i, "unbalanced ')'");
                    output.Add(")");
                    lastAtomStart = groupStarts.Pop();
                    i++;
                    break;
                case '|':
                case '^':
                case '$':
                    output.Add(c.ToString());
                    lastAtomStart = -1;
                    i++;
                    break;
                case '?':
                case '*':
                case '+':
                case '{':
                {
                    int start = i;
                    if (c == '{')
                    {
                        int close = pattern.IndexOf('}', i);
                        if (close < 0 || !IsCountedRepeat(pattern.AsSpan(i + 1, close - i - 1)))
                        {
                            // A literal '{' (Oniguruma allows it unescaped when it is not a repeat).
                            lastAtomStart = output.Count;
                            output.Add(@"\{");
                            i++;
                            break;
                        }
                        i = close + 1;
                    }
                    else i++;
                    if (lastAtomStart < 0) throw Error(pattern, start, "quantifier without a preceding atom");
                    string quantifier = pattern[start..i];
                    if (i < pattern.Length && pattern[i] == '+')
                    {
                        // Possessive: x?+ == (?>x?)
                        output.Insert(lastAtomStart, "(?>");
                        output.Add(quantifier + ")");
                        i++;
                    }
                    else
                    {
                        output.Add(quantifier);
                        if (i < pattern.Length && pattern[i] == '?') { output.Add("?"); i++; }
                    }
                    lastAtomStart = -1;
                    break;
                }
                case '[':
                    lastAtomStart = output.Count;
                    output.Add(CharClass.Parse(pattern, ref i));
                    break;
                case '.':
                    lastAtomStart = output.Count;
                    output.Add(CharClass.AnyButNewline());
                    i++;
                    break;
                case '\\':
                {
                    if (i + 1 >= pattern.Length) throw Error(pattern, i, "trailing backslash");
                    char e = pattern[i + 1];
                    if (e is 'A' or 'z' or 'Z' or 'b' or 'B' or 'G')
                    {
                        output.Add("\\" + e);
                        lastAtomStart = -1;
                        i += 2;
                        break;
                    }
                    lastAtomStart = output.Count;
                    if (e is 'p' or 'P' or 's' or 'S' or 'd' or 'D' or 'w' or 'W' or 'h' or 'H')
                        output.Add(CharClass.ParseEscapeAsClass(pattern, ref i));
                    else
                        output.Add(Literal(CharClass.ParseEscapedCodePoint(pattern, ref i)));
                    break;
                }
                default:
                {
                    int cp = char.ConvertToUtf32(pattern, i);
                    i += cp > 0xFFFF ? 2 : 1;
                    lastAtomStart = output.Count;
                    output.Add(Literal(cp));
                    break;
                }
            }
        }
        if (groupStarts.Count != 0) throw Error(pattern, pattern.Length, "unclosed '('");
        return output;
    }

    /// <summary>A literal BMP character as regex text; a literal that would be proxied becomes a one-member class.</summary>
    private static object Literal(int cp) =>
        ProxyTable.IsProxied(cp) ? CharClass.Single(cp) : Regex.Escape(((char)cp).ToString());

    private static bool IsCountedRepeat(ReadOnlySpan<char> body)
    {
        if (body.IsEmpty) return false;
        int comma = body.IndexOf(',');
        if (comma < 0) return IsDigits(body);
        return (comma == 0 ? true : IsDigits(body[..comma])) && (comma == body.Length - 1 || IsDigits(body[(comma + 1)..])) && body.Length > 1;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (char c in s) if (c is < '0' or > '9') return false;
        return true;
    }

    internal static ArgumentException Error(string pattern, int position, string what) =>
        new($"unsupported or malformed regex /{pattern}/ at position {position}: {what}");

    /// <summary>A character class as a predicate on code points: a set of general categories, explicit ranges,
    /// nested classes (\p{..}, \s, ... inside brackets), and negation.</summary>
    internal sealed class CharClass
    {
        private uint _categories;
        private readonly List<(int Lo, int Hi)> _ranges = [];
        private readonly List<CharClass> _nested = [];
        private bool _negated;

        public bool Contains(int cp) => Contains(cp, CharUnicodeInfo.GetUnicodeCategory(cp));

        private bool Contains(int cp, UnicodeCategory category)
        {
            bool hit = (_categories & (1u << (int)category)) != 0;
            if (!hit)
                foreach (var (lo, hi) in _ranges)
                    if (cp >= lo && cp <= hi) { hit = true; break; }
            if (!hit)
                foreach (var n in _nested)
                    if (n.Contains(cp, category)) { hit = true; break; }
            return hit != _negated;
        }

        public static CharClass Single(int cp)
        {
            var c = new CharClass();
            c._ranges.Add((cp, cp));
            return c;
        }

        public static CharClass AnyButNewline()
        {
            var c = new CharClass { _negated = true };
            c._ranges.Add(('\n', '\n'));
            return c;
        }

        public static CharClass Parse(string pattern, ref int i)
        {
            int open = i;
            var set = new CharClass();
            i++;
            if (i < pattern.Length && pattern[i] == '^') { set._negated = true; i++; }
            bool first = true;
            while (true)
            {
                if (i >= pattern.Length) throw Error(pattern, open, "unterminated character class");
                char c = pattern[i];
                if (c == ']' && !first) { i++; break; }
                first = false;
                if (c == '[') throw Error(pattern, i, "nested character classes are not supported");
                if (c == '&' && i + 1 < pattern.Length && pattern[i + 1] == '&') throw Error(pattern, i, "class intersection '&&' is not supported");
                int lo;
                if (c == '\\')
                {
                    char e = i + 1 < pattern.Length ? pattern[i + 1] : '\0';
                    if (e is 'p' or 'P' or 's' or 'S' or 'd' or 'D' or 'w' or 'W' or 'h' or 'H')
                    {
                        set._nested.Add(ParseEscapeAsClass(pattern, ref i));
                        continue;
                    }
                    lo = ParseEscapedCodePoint(pattern, ref i);
                }
                else
                {
                    lo = char.ConvertToUtf32(pattern, i);
                    i += lo > 0xFFFF ? 2 : 1;
                }
                if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
                {
                    i++;
                    int hi;
                    if (pattern[i] == '\\') hi = ParseEscapedCodePoint(pattern, ref i);
                    else { hi = char.ConvertToUtf32(pattern, i); i += hi > 0xFFFF ? 2 : 1; }
                    if (hi < lo) throw Error(pattern, i, "range out of order");
                    set._ranges.Add((lo, hi));
                }
                else set._ranges.Add((lo, lo));
            }
            return set;
        }

        /// <summary>\p{..}, \P{..}, \s, \S, \d, \D, \w, \W, \h, \H as a class.</summary>
        public static CharClass ParseEscapeAsClass(string pattern, ref int i)
        {
            char e = pattern[i + 1];
            var set = new CharClass();
            i += 2;
            switch (e)
            {
                case 'p':
                case 'P':
                {
                    if (i >= pattern.Length || pattern[i] != '{') throw Error(pattern, i, "expected '{' after \\p");
                    int close = pattern.IndexOf('}', i);
                    if (close < 0) throw Error(pattern, i, "unterminated \\p{");
                    string name = pattern[(i + 1)..close];
                    i = close + 1;
                    bool neg = e == 'P';
                    if (name.StartsWith('^')) { neg = !neg; name = name[1..]; }
                    set._categories = CategoryMask(pattern, name);
                    set._negated = neg;
                    return set;
                }
                case 's': case 'S':
                    // Oniguruma's Unicode \s (the White_Space property).
                    set._ranges.AddRange([(0x09, 0x0D), (0x20, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
                        (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]);
                    set._negated = e == 'S';
                    return set;
                case 'd': case 'D':
                    set._categories = 1u << (int)UnicodeCategory.DecimalDigitNumber;
                    set._negated = e == 'D';
                    return set;
                case 'w': case 'W':
                    set._categories = CategoryMask(pattern, "L") | CategoryMask(pattern, "M")
                        | 1u << (int)UnicodeCategory.DecimalDigitNumber | 1u << (int)UnicodeCategory.ConnectorPunctuation;
                    set._negated = e == 'W';
                    return set;
                default: // h, H: hexadecimal digit in Oniguruma
                    set._ranges.AddRange([('0', '9'), ('a', 'f'), ('A', 'F')]);
                    set._negated = e == 'H';
                    return set;
            }
        }

        public static int ParseEscapedCodePoint(string pattern, ref int i)
        {
            char e = pattern[i + 1];
            i += 2;
            switch (e)
            {
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'f': return '\f';
                case 'v': return '\v';
                case 'a': return '\a';
                case 'e': return 0x1B;
                case '0': return 0;
                case 'x':
                {
                    if (i < pattern.Length && pattern[i] == '{')
                    {
                        int close = pattern.IndexOf('}', i);
                        if (close < 0) throw Error(pattern, i, "unterminated \\x{");
                        if (!int.TryParse(pattern.AsSpan(i + 1, close - i - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v) || v > 0x10FFFF)
                            throw Error(pattern, i, "bad \\x{...} code point");
                        i = close + 1;
                        return v;
                    }
                    if (i + 2 > pattern.Length || !int.TryParse(pattern.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int value))
                        throw Error(pattern, i, "bad \\x escape");
                    i += 2;
                    return value;
                }
                case 'u':
                {
                    if (i + 4 > pattern.Length || !int.TryParse(pattern.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int value))
                        throw Error(pattern, i, "bad \\u escape");
                    i += 4;
                    return value;
                }
                default:
                    if (char.IsAsciiLetterOrDigit(e)) throw Error(pattern, i - 2, $"unsupported escape \\{e}");
                    return e;
            }
        }

        private static uint CategoryMask(string pattern, string name)
        {
            UnicodeCategory[] cats = name switch
            {
                "L" or "Letter" => [UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter, UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter],
                "Lu" => [UnicodeCategory.UppercaseLetter],
                "Ll" => [UnicodeCategory.LowercaseLetter],
                "Lt" => [UnicodeCategory.TitlecaseLetter],
                "Lm" => [UnicodeCategory.ModifierLetter],
                "Lo" => [UnicodeCategory.OtherLetter],
                "M" or "Mark" => [UnicodeCategory.NonSpacingMark, UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark],
                "Mn" => [UnicodeCategory.NonSpacingMark],
                "Mc" => [UnicodeCategory.SpacingCombiningMark],
                "Me" => [UnicodeCategory.EnclosingMark],
                "N" or "Number" => [UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber],
                "Nd" => [UnicodeCategory.DecimalDigitNumber],
                "Nl" => [UnicodeCategory.LetterNumber],
                "No" => [UnicodeCategory.OtherNumber],
                "P" or "Punctuation" => [UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.OpenPunctuation, UnicodeCategory.ClosePunctuation, UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.FinalQuotePunctuation, UnicodeCategory.OtherPunctuation],
                "Pc" => [UnicodeCategory.ConnectorPunctuation],
                "Pd" => [UnicodeCategory.DashPunctuation],
                "Ps" => [UnicodeCategory.OpenPunctuation],
                "Pe" => [UnicodeCategory.ClosePunctuation],
                "Pi" => [UnicodeCategory.InitialQuotePunctuation],
                "Pf" => [UnicodeCategory.FinalQuotePunctuation],
                "Po" => [UnicodeCategory.OtherPunctuation],
                "S" or "Symbol" => [UnicodeCategory.MathSymbol, UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.OtherSymbol],
                "Sm" => [UnicodeCategory.MathSymbol],
                "Sc" => [UnicodeCategory.CurrencySymbol],
                "Sk" => [UnicodeCategory.ModifierSymbol],
                "So" => [UnicodeCategory.OtherSymbol],
                "Z" or "Separator" => [UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator],
                "Zs" => [UnicodeCategory.SpaceSeparator],
                "Zl" => [UnicodeCategory.LineSeparator],
                "Zp" => [UnicodeCategory.ParagraphSeparator],
                "C" or "Other" => [UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.Surrogate, UnicodeCategory.PrivateUse, UnicodeCategory.OtherNotAssigned],
                "Cc" => [UnicodeCategory.Control],
                "Cf" => [UnicodeCategory.Format],
                "Co" => [UnicodeCategory.PrivateUse],
                "Cn" => [UnicodeCategory.OtherNotAssigned],
                "Cs" => [UnicodeCategory.Surrogate],
                _ => throw Error(pattern, 0, $"unsupported Unicode property \\p{{{name}}} (supported: general categories such as L, Lu, N, Nd, P, S, Z, M, C)"),
            };
            uint mask = 0;
            foreach (var cat in cats) mask |= 1u << (int)cat;
            return mask;
        }

        /// <summary>A .NET character class of the BMP members that are not proxied, plus the proxies of the
        /// signatures that include this class (index <paramref name="classIndex"/>). Written with .NET's own
        /// \p{..} categories where possible (the same Unicode tables as <see cref="CharUnicodeInfo"/>, and fast in
        /// compiled regexes); enumerated range by range otherwise.</summary>
        public string ToBmpClass(ProxyTable proxies, int classIndex)
        {
            var items = new StringBuilder();
            if (TryAppendItems(items))
            {
                var sb = new StringBuilder("[");
                if (_negated)
                {
                    // Not in the class: neither an item nor a proxy of a signature without this class.
                    sb.Append('^').Append(items);
                    var inClass = proxies.ProxiesOfClass(classIndex).ToHashSet();
                    AppendRange(sb, 0xD800, 0xDFFF);
                    int start = -1;
                    for (int cp = 0xE000; cp <= 0xF900; cp++)
                    {
                        bool outside = cp <= 0xF8FF && !inClass.Contains((char)cp);
                        if (outside) { if (start < 0) start = cp; continue; }
                        if (start >= 0) { AppendRange(sb, start, cp - 1); start = -1; }
                    }
                }
                else
                {
                    sb.Append(items);
                    foreach (char proxy in proxies.ProxiesOfClass(classIndex)) AppendRange(sb, proxy, proxy);
                }
                if (sb.Length == 1) return "(?!)";
                return sb.Append(']').ToString();
            }
            return EnumeratedBmpClass(proxies, classIndex);
        }

        /// <summary>The class's items as .NET class syntax, if they can be written without touching proxied code
        /// points (no Co/Cs categories, no ranges into the surrogates or the Private Use Area, no negated nesting).</summary>
        private bool TryAppendItems(StringBuilder sb)
        {
            const uint proxiedCategories = (1u << (int)UnicodeCategory.PrivateUse) | (1u << (int)UnicodeCategory.Surrogate);
            if ((_categories & proxiedCategories) != 0) return false;
            for (int c = 0; c < 32; c++)
                if ((_categories & (1u << c)) != 0) sb.Append(@"\p{").Append(ShortNames[c]).Append('}');
            foreach (var (lo, hi) in _ranges)
            {
                if (lo > 0xFFFF) continue; // supplementary members are covered by proxies
                int h = Math.Min(hi, 0xFFFF);
                if (h >= 0xD800 && lo <= 0xF8FF) return false;
                AppendRange(sb, lo, h);
            }
            foreach (var n in _nested)
                if (n._negated || !n.TryAppendItems(sb)) return false;
            return true;
        }

        private static readonly string[] ShortNames = BuildShortNames();

        private static string[] BuildShortNames()
        {
            var names = new string[32];
            Array.Fill(names, "Cn");
            (UnicodeCategory Cat, string Name)[] map =
            [
                (UnicodeCategory.UppercaseLetter, "Lu"), (UnicodeCategory.LowercaseLetter, "Ll"), (UnicodeCategory.TitlecaseLetter, "Lt"),
                (UnicodeCategory.ModifierLetter, "Lm"), (UnicodeCategory.OtherLetter, "Lo"), (UnicodeCategory.NonSpacingMark, "Mn"),
                (UnicodeCategory.SpacingCombiningMark, "Mc"), (UnicodeCategory.EnclosingMark, "Me"), (UnicodeCategory.DecimalDigitNumber, "Nd"),
                (UnicodeCategory.LetterNumber, "Nl"), (UnicodeCategory.OtherNumber, "No"), (UnicodeCategory.SpaceSeparator, "Zs"),
                (UnicodeCategory.LineSeparator, "Zl"), (UnicodeCategory.ParagraphSeparator, "Zp"), (UnicodeCategory.Control, "Cc"),
                (UnicodeCategory.Format, "Cf"), (UnicodeCategory.Surrogate, "Cs"), (UnicodeCategory.PrivateUse, "Co"),
                (UnicodeCategory.ConnectorPunctuation, "Pc"), (UnicodeCategory.DashPunctuation, "Pd"), (UnicodeCategory.OpenPunctuation, "Ps"),
                (UnicodeCategory.ClosePunctuation, "Pe"), (UnicodeCategory.InitialQuotePunctuation, "Pi"), (UnicodeCategory.FinalQuotePunctuation, "Pf"),
                (UnicodeCategory.OtherPunctuation, "Po"), (UnicodeCategory.MathSymbol, "Sm"), (UnicodeCategory.CurrencySymbol, "Sc"),
                (UnicodeCategory.ModifierSymbol, "Sk"), (UnicodeCategory.OtherSymbol, "So"), (UnicodeCategory.OtherNotAssigned, "Cn"),
            ];
            foreach (var (cat, name) in map) names[(int)cat] = name;
            return names;
        }

        private string EnumeratedBmpClass(ProxyTable proxies, int classIndex)
        {
            var sb = new StringBuilder("[");
            int start = -1;
            for (int cp = 0; cp <= 0x10000; cp++)
            {
                bool inSet = cp < 0x10000 && !ProxyTable.IsProxied(cp) && Contains(cp);
                if (inSet) { if (start < 0) start = cp; continue; }
                if (start < 0) continue;
                AppendRange(sb, start, cp - 1);
                start = -1;
            }
            foreach (char proxy in proxies.ProxiesOfClass(classIndex)) AppendRange(sb, proxy, proxy);
            if (sb.Length == 1) return "(?!)"; // matches nothing
            return sb.Append(']').ToString();
        }

        private static void AppendRange(StringBuilder sb, int a, int b)
        {
            sb.Append($"\\u{a:X4}");
            if (b > a) sb.Append($"-\\u{b:X4}");
        }
    }

    /// <summary>The proxy characters: one per distinct set of pattern classes ("signature") that some proxied code
    /// point belongs to.</summary>
    internal sealed class ProxyTable
    {
        private const int ProxyBase = 0xE000, ProxyLimit = 0xF8FF;
        private readonly IReadOnlyList<CharClass> _classes;
        private readonly Dictionary<ulong, char> _proxyOfSignature = [];
        private readonly List<ulong> _signatures = [];

        /// <summary>Code points replaced by proxies before matching: surrogates, the Private Use Area, and everything
        /// outside the BMP.</summary>
        public static bool IsProxied(int cp) => cp >= 0x10000 || cp is >= 0xD800 and <= 0xDFFF || cp is >= ProxyBase and <= ProxyLimit;

        public ProxyTable(IReadOnlyList<CharClass> classes, string pattern)
        {
            if (classes.Count > 64) throw Error(pattern, 0, $"too many character classes ({classes.Count}, at most 64)");
            _classes = classes;
            for (int cp = 0xD800; cp <= 0x10FFFF; cp++)
            {
                if (cp == ProxyLimit + 1) cp = 0x10000;
                ulong sig = Signature(cp);
                if (_proxyOfSignature.ContainsKey(sig)) continue;
                if (ProxyBase + _signatures.Count > ProxyLimit) throw Error(pattern, 0, "too many distinct character-class combinations");
                _proxyOfSignature[sig] = (char)(ProxyBase + _signatures.Count);
                _signatures.Add(sig);
            }
        }

        private ulong Signature(int cp)
        {
            ulong sig = 0;
            for (int k = 0; k < _classes.Count; k++)
                if (_classes[k].Contains(cp)) sig |= 1UL << k;
            return sig;
        }

        public char ProxyOf(int cp) => _proxyOfSignature[Signature(cp)];

        public IEnumerable<char> ProxiesOfClass(int classIndex)
        {
            for (int i = 0; i < _signatures.Count; i++)
                if ((_signatures[i] & (1UL << classIndex)) != 0) yield return (char)(ProxyBase + i);
        }
    }
}

/// <summary>A regex that matches code points as Oniguruma does (see <see cref="OnigRegexTranslator"/>).</summary>
internal sealed class CodePointRegex : ITextPattern
{
    private readonly Regex _regex;
    private readonly OnigRegexTranslator.ProxyTable _proxies;

    public string TranslatedPattern { get; }

    internal CodePointRegex(Regex regex, OnigRegexTranslator.ProxyTable proxies, string translated)
    {
        _regex = regex;
        _proxies = proxies;
        TranslatedPattern = translated;
    }

    /// <summary>Non-overlapping matches as (start, length) in <paramref name="text"/>, left to right.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && span.IndexOfAnyInRange('\uE000', '\uF8FF') < 0)
        {
            for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
                if (m.Length > 0) result.Add((m.Index, m.Length));
            return result;
        }
        // Replace each proxied code point by its proxy; origin[i] is the index in text of mapped char i.
        var mapped = new char[text.Length];
        var origin = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length;)
        {
            origin[n] = i;
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                mapped[n++] = _proxies.ProxyOf(char.ConvertToUtf32(c, text[i + 1]));
                i += 2;
            }
            else
            {
                mapped[n++] = OnigRegexTranslator.ProxyTable.IsProxied(c) ? _proxies.ProxyOf(c) : c;
                i++;
            }
        }
        origin[n] = text.Length;
        string proxiedText = new(mapped, 0, n);
        for (var m = _regex.Match(proxiedText); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            int start = origin[m.Index];
            result.Add((start, origin[m.Index + m.Length] - start));
        }
        return result;
    }

    /// <summary>Every match replaced by <paramref name="replacement"/> (taken literally).</summary>
    public string Replace(string text, string replacement)
    {
        var matches = Matches(text);
        if (matches.Count == 0) return text;
        var sb = new StringBuilder(text.Length);
        int last = 0;
        foreach (var (start, length) in matches)
        {
            sb.Append(text, last, start - last).Append(replacement);
            last = start + length;
        }
        return sb.Append(text, last, text.Length - last).ToString();
    }
}
