using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>Translates the Oniguruma patterns of tokenizer.json (Split pre-tokenizers, Replace normalizers)
/// into .NET regexes with the same meaning on code points.
/// Why a translation and not the pattern as-is: .NET matches UTF-16 code units, so <c>\p{L}</c> never matches
/// a letter outside the BMP and <c>[^\s\p{L}\p{N}]?</c> would consume half of an emoji. Here every character
/// class and <c>.</c> becomes a group matching exactly one code point (one char, or a surrogate pair whose
/// code point is in the class). Possessive quantifiers (<c>x?+</c>, <c>x++</c>, <c>x*+</c>) become atomic groups.
/// Compiled regexes are cached per pattern.</summary>
internal static class OnigRegexTranslator
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>The compiled, code-point-aware regex for an Oniguruma pattern; throws
    /// <see cref="ArgumentException"/> describing the unsupported construct.</summary>
    public static Regex Get(string pattern) => Cache.GetOrAdd(pattern, static p =>
        new Regex(Translate(p), RegexOptions.Compiled | RegexOptions.CultureInvariant));

    public static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length * 2);
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
                    groupStarts.Push(output.Length);
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
                    output.Append(pattern, start, i - start);
                    lastAtomStart = -1;
                    break;
                }
                case ')':
                    if (groupStarts.Count == 0) throw Error(pattern, i, "unbalanced ')'");
                    output.Append(')');
                    lastAtomStart = groupStarts.Pop();
                    i++;
                    break;
                case '|':
                case '^':
                case '$':
                    output.Append(c);
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
                            lastAtomStart = output.Length;
                            output.Append(@"\{");
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
                        output.Append(quantifier).Append(')');
                        i++;
                    }
                    else
                    {
                        output.Append(quantifier);
                        if (i < pattern.Length && pattern[i] == '?') { output.Append('?'); i++; }
                    }
                    lastAtomStart = -1;
                    break;
                }
                case '[':
                {
                    var set = CharClass.Parse(pattern, ref i);
                    lastAtomStart = output.Length;
                    output.Append(set.ToCodePointRegex());
                    break;
                }
                case '.':
                    lastAtomStart = output.Length;
                    output.Append(@"(?:[^\n\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])");
                    i++;
                    break;
                case '\\':
                {
                    if (i + 1 >= pattern.Length) throw Error(pattern, i, "trailing backslash");
                    char e = pattern[i + 1];
                    if (e is 'A' or 'z' or 'Z' or 'b' or 'B' or 'G')
                    {
                        output.Append('\\').Append(e);
                        lastAtomStart = -1;
                        i += 2;
                        break;
                    }
                    if (e is 'p' or 'P' or 's' or 'S' or 'd' or 'D' or 'w' or 'W' or 'h' or 'H')
                    {
                        var set = CharClass.ParseEscapeAsClass(pattern, ref i);
                        lastAtomStart = output.Length;
                        output.Append(set.ToCodePointRegex());
                        break;
                    }
                    int cp = CharClass.ParseEscapedCodePoint(pattern, ref i);
                    lastAtomStart = output.Length;
                    AppendLiteral(output, cp);
                    break;
                }
                default:
                {
                    int cp = char.ConvertToUtf32(pattern, i);
                    i += cp > 0xFFFF ? 2 : 1;
                    lastAtomStart = output.Length;
                    AppendLiteral(output, cp);
                    break;
                }
            }
        }
        if (groupStarts.Count != 0) throw Error(pattern, pattern.Length, "unclosed '('");
        return output.ToString();
    }

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

    private static void AppendLiteral(StringBuilder output, int cp)
    {
        string s = char.ConvertFromUtf32(cp);
        if (s.Length == 2) output.Append("(?:").Append(s).Append(')');
        else output.Append(Regex.Escape(s));
    }

    internal static ArgumentException Error(string pattern, int position, string what) =>
        new($"unsupported or malformed regex /{pattern}/ at position {position}: {what}");

    /// <summary>A character class as a predicate on code points, plus its BMP form for .NET.</summary>
    private sealed class CharClass
    {
        private readonly List<Func<int, bool>> _items = [];
        private bool _negated;

        public bool Contains(int cp)
        {
            bool any = false;
            foreach (var item in _items) if (item(cp)) { any = true; break; }
            return any != _negated;
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
                        var inner = ParseEscapeAsClass(pattern, ref i);
                        set._items.Add(inner.Contains);
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
                    int l = lo, h = hi;
                    set._items.Add(cp => cp >= l && cp <= h);
                }
                else
                {
                    int l = lo;
                    set._items.Add(cp => cp == l);
                }
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
                    set._items.Add(CategoryPredicate(pattern, name));
                    set._negated = neg;
                    return set;
                }
                case 's': case 'S':
                    set._items.Add(IsOnigSpace); set._negated = e == 'S'; return set;
                case 'd': case 'D':
                    set._items.Add(cp => Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.DecimalDigitNumber);
                    set._negated = e == 'D'; return set;
                case 'w': case 'W':
                    set._items.Add(IsWordChar); set._negated = e == 'W'; return set;
                default: // h, H: hexadecimal digit in Oniguruma
                    set._items.Add(cp => cp is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F');
                    set._negated = e == 'H'; return set;
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
                        int v = int.Parse(pattern.AsSpan(i + 1, close - i - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        i = close + 1;
                        return v;
                    }
                    int value = int.Parse(pattern.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    i += 2;
                    return value;
                }
                case 'u':
                {
                    int value = int.Parse(pattern.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    i += 4;
                    return value;
                }
                default:
                    if (char.IsAsciiLetterOrDigit(e)) throw Error(pattern, i - 2, $"unsupported escape \\{e}");
                    return e;
            }
        }

        private static bool IsOnigSpace(int cp) =>
            cp is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
                or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

        private static bool IsWordChar(int cp)
        {
            var cat = Rune.GetUnicodeCategory(new Rune(cp));
            return cat is <= UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;
        }

        private static Func<int, bool> CategoryPredicate(string pattern, string name)
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
                _ => throw Error(pattern, 0, $"unsupported Unicode property \\p{{{name}}} (supported: general categories such as L, Lu, N, Nd, P, S, Z, M, C)"),
            };
            uint mask = 0;
            foreach (var cat in cats) mask |= 1u << (int)cat;
            return cp => (mask & (1u << (int)Rune.GetUnicodeCategory(new Rune(cp)))) != 0;
        }

        /// <summary>A .NET group matching exactly one code point of this class.</summary>
        public string ToCodePointRegex()
        {
            var sb = new StringBuilder("(?:[");
            // BMP part: enumerate ranges directly (exact, and independent of .NET's own class semantics).
            AppendRanges(sb, 0, 0xFFFF, skipSurrogates: true);
            sb.Append(']');
            if (sb.Length == 5) sb.Clear().Append("(?:(?!)"); // empty BMP set
            // Supplementary part, grouped by high surrogate.
            int hiStart = -1;
            for (int hi = 0xD800; hi <= 0xDBFF; hi++)
            {
                int baseCp = 0x10000 + ((hi - 0xD800) << 10);
                bool all = true, none = true;
                for (int lo = 0; lo < 1024; lo++)
                {
                    if (Contains(baseCp + lo)) none = false; else all = false;
                    if (!all && !none) break;
                }
                if (all)
                {
                    if (hiStart < 0) hiStart = hi;
                    continue;
                }
                FlushFullHighs(sb, ref hiStart, hi - 1);
                if (none) continue;
                sb.Append('|').Append(Escape(hi)).Append('[');
                AppendRanges(sb, baseCp, baseCp + 1023, skipSurrogates: false, lowSurrogateOf: baseCp);
                sb.Append(']');
            }
            FlushFullHighs(sb, ref hiStart, 0xDBFF);
            sb.Append(')');
            return sb.ToString();
        }

        private static void FlushFullHighs(StringBuilder sb, ref int hiStart, int hiEnd)
        {
            if (hiStart < 0) return;
            sb.Append("|[").Append(Escape(hiStart));
            if (hiEnd > hiStart) sb.Append('-').Append(Escape(hiEnd));
            sb.Append(@"][\uDC00-\uDFFF]");
            hiStart = -1;
        }

        private void AppendRanges(StringBuilder sb, int from, int to, bool skipSurrogates, int lowSurrogateOf = -1)
        {
            int start = -1;
            for (int cp = from; cp <= to + 1; cp++)
            {
                bool inSet = cp <= to && !(skipSurrogates && cp is >= 0xD800 and <= 0xDFFF) && Contains(cp);
                if (inSet) { if (start < 0) start = cp; continue; }
                if (start < 0) continue;
                int a = start, b = cp - 1;
                if (lowSurrogateOf >= 0) { a = 0xDC00 + (a - lowSurrogateOf); b = 0xDC00 + (b - lowSurrogateOf); }
                sb.Append(Escape(a));
                if (b > a) sb.Append('-').Append(Escape(b));
                start = -1;
            }
        }

        private static string Escape(int unit) => $"\\u{unit:X4}";
    }
}
