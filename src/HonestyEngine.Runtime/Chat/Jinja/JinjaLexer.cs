using System.Globalization;
using System.Text;

namespace HonestyEngine.Runtime.Chat.Jinja;

internal enum TokenKind { Text, VariableBegin, VariableEnd, BlockBegin, BlockEnd, Name, String, Integer, Float, Operator, Eof }

internal readonly record struct Token(TokenKind Kind, string Value, int Line)
{
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.VariableBegin => "'{{'",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.BlockBegin => "'{%'",
        TokenKind.BlockEnd => "'%}'",
        _ => $"'{Value}'",
    };
}

/// <summary>Splits a Jinja template into tokens with the whitespace rules transformers uses for chat templates:
/// trim_blocks=True (drop the first newline after a block or comment tag), lstrip_blocks=True (drop spaces and
/// tabs before a block or comment tag at the start of a line), '-' and '+' whitespace control, and
/// keep_trailing_newline=False.</summary>
internal static class JinjaLexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    public static List<Token> Tokenize(string source)
    {
        if (source.EndsWith("\r\n", StringComparison.Ordinal)) source = source[..^2];
        else if (source.EndsWith('\n')) source = source[..^1];
        var tokens = new List<Token>();
        int pos = 0, line = 1;
        bool lineStarting = true;
        bool stripNextText = false;
        while (pos < source.Length)
        {
            int tagStart = FindTag(source, pos);
            string text = source[pos..(tagStart < 0 ? source.Length : tagStart)];
            if (stripNextText) { text = text.TrimStart(); stripNextText = false; }
            if (tagStart < 0)
            {
                if (text.Length > 0) tokens.Add(new Token(TokenKind.Text, text, line));
                break;
            }
            char kind = source[tagStart + 1]; // '{', '%' or '#'
            char control = tagStart + 2 < source.Length ? source[tagStart + 2] : '\0';
            if (control == '-') text = text.TrimEnd();
            else if (control != '+' && kind != '{')
            {
                int lPos = text.LastIndexOf('\n') + 1;
                if ((lPos > 0 || lineStarting) && IsBlank(text.AsSpan(lPos))) text = text[..lPos];
            }
            if (text.Length > 0) tokens.Add(new Token(TokenKind.Text, text, line));
            line += CountNewlines(source, pos, tagStart);
            pos = tagStart + 2 + (control is '-' or '+' ? 1 : 0);

            if (kind == '#')
            {
                int end = source.IndexOf("#}", pos, StringComparison.Ordinal);
                if (end < 0) throw new JinjaException($"line {line}: unterminated comment");
                bool strip = end > pos && source[end - 1] == '-';
                line += CountNewlines(source, pos, end);
                pos = end + 2;
                pos = AfterBlockEnd(source, pos, strip, ref stripNextText, ref line);
                lineStarting = pos > 0 && source[pos - 1] == '\n';
                continue;
            }

            if (kind == '%' && IsRawBlock(source, pos, out int rawBodyStart))
            {
                int endTag = FindEndRaw(source, rawBodyStart, out int afterEndRaw, out bool stripBefore, out bool stripAfter);
                if (endTag < 0) throw new JinjaException($"line {line}: unterminated raw block");
                string body = source[rawBodyStart..endTag];
                if (stripBefore) body = body.TrimEnd();
                if (body.Length > 0) tokens.Add(new Token(TokenKind.Text, body, line));
                line += CountNewlines(source, pos, afterEndRaw);
                pos = AfterBlockEnd(source, afterEndRaw, stripAfter, ref stripNextText, ref line);
                lineStarting = pos > 0 && source[pos - 1] == '\n';
                continue;
            }

            tokens.Add(new Token(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, "", line));
            pos = LexInsideTag(source, pos, kind, tokens, ref line, out char endControl);
            if (kind == '%' && endControl != '+') pos = AfterBlockEnd(source, pos, endControl == '-', ref stripNextText, ref line);
            else if (endControl == '-') stripNextText = true;
            lineStarting = pos > 0 && source[pos - 1] == '\n';
        }
        tokens.Add(new Token(TokenKind.Eof, "", line));
        return tokens;
    }

    /// <summary>After a block/comment end: '-' strips all following whitespace, otherwise trim_blocks drops one newline.</summary>
    private static int AfterBlockEnd(string source, int pos, bool strip, ref bool stripNextText, ref int line)
    {
        if (strip) { stripNextText = true; return pos; }
        if (pos < source.Length && source[pos] == '\n') { line++; return pos + 1; }
        if (pos + 1 < source.Length && source[pos] == '\r' && source[pos + 1] == '\n') { line++; return pos + 2; }
        return pos;
    }

    private static int FindTag(string source, int from)
    {
        for (int i = from; i + 1 < source.Length; i++)
            if (source[i] == '{' && source[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    private static bool IsBlank(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsWhiteSpace(c)) return false;
        return true;
    }

    private static int CountNewlines(string s, int from, int to)
    {
        int n = 0;
        for (int i = from; i < to && i < s.Length; i++) if (s[i] == '\n') n++;
        return n;
    }

    private static bool IsRawBlock(string source, int pos, out int bodyStart)
    {
        bodyStart = -1;
        int i = pos;
        while (i < source.Length && char.IsWhiteSpace(source[i])) i++;
        if (string.CompareOrdinal(source, i, "raw", 0, 3) != 0) return false;
        i += 3;
        while (i < source.Length && char.IsWhiteSpace(source[i])) i++;
        if (i < source.Length && source[i] == '-') i++;
        if (string.CompareOrdinal(source, i, "%}", 0, 2) != 0) return false;
        bool strip = source[i - 1] == '-';
        bodyStart = i + 2;
        if (strip) while (bodyStart < source.Length && char.IsWhiteSpace(source[bodyStart])) bodyStart++;
        else if (bodyStart < source.Length && source[bodyStart] == '\n') bodyStart++;
        return true;
    }

    private static int FindEndRaw(string source, int from, out int after, out bool stripBefore, out bool stripAfter)
    {
        after = -1; stripBefore = stripAfter = false;
        for (int i = source.IndexOf("{%", from, StringComparison.Ordinal); i >= 0; i = source.IndexOf("{%", i + 2, StringComparison.Ordinal))
        {
            int j = i + 2;
            bool sb = j < source.Length && source[j] == '-';
            if (sb || (j < source.Length && source[j] == '+')) j++;
            while (j < source.Length && char.IsWhiteSpace(source[j])) j++;
            if (string.CompareOrdinal(source, j, "endraw", 0, 6) != 0) continue;
            j += 6;
            while (j < source.Length && char.IsWhiteSpace(source[j])) j++;
            bool sa = j < source.Length && source[j] == '-';
            if (sa) j++;
            if (string.CompareOrdinal(source, j, "%}", 0, 2) != 0) continue;
            after = j + 2; stripBefore = sb; stripAfter = sa;
            return i;
        }
        return -1;
    }

    private static int LexInsideTag(string s, int pos, char kind, List<Token> tokens, ref int line, out char endControl)
    {
        int depth = 0;
        while (true)
        {
            while (pos < s.Length && char.IsWhiteSpace(s[pos])) { if (s[pos] == '\n') line++; pos++; }
            if (pos >= s.Length) throw new JinjaException($"line {line}: unterminated tag (expected {(kind == '{' ? "'}}'" : "'%}'")})");
            // End of tag (optionally with '-' or '+').
            int endAt = pos;
            char control = '\0';
            if (s[endAt] is '-' or '+' && ((kind == '{' && Matches(s, endAt + 1, "}}")) || (kind == '%' && Matches(s, endAt + 1, "%}"))))
            {
                control = s[endAt];
                endAt++;
            }
            if (depth == 0 && ((kind == '{' && Matches(s, endAt, "}}")) || (kind == '%' && Matches(s, endAt, "%}"))))
            {
                tokens.Add(new Token(kind == '{' ? TokenKind.VariableEnd : TokenKind.BlockEnd, "", line));
                endControl = control;
                return endAt + 2;
            }
            char c = s[pos];
            if (c is '"' or '\'')
            {
                tokens.Add(new Token(TokenKind.String, ReadString(s, ref pos, ref line), line));
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                int start = pos;
                while (pos < s.Length && (char.IsAsciiDigit(s[pos]) || s[pos] == '_')) pos++;
                bool isFloat = false;
                if (pos + 1 < s.Length && s[pos] == '.' && char.IsAsciiDigit(s[pos + 1]))
                {
                    isFloat = true;
                    pos++;
                    while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
                }
                if (pos < s.Length && s[pos] is 'e' or 'E')
                {
                    int save = pos;
                    pos++;
                    if (pos < s.Length && s[pos] is '+' or '-') pos++;
                    if (pos < s.Length && char.IsAsciiDigit(s[pos])) { isFloat = true; while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++; }
                    else pos = save;
                }
                tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, s[start..pos].Replace("_", ""), line));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int start = pos;
                while (pos < s.Length && (char.IsLetterOrDigit(s[pos]) || s[pos] == '_')) pos++;
                tokens.Add(new Token(TokenKind.Name, s[start..pos], line));
                continue;
            }
            string? op = null;
            foreach (var candidate in Operators)
                if (Matches(s, pos, candidate)) { op = candidate; break; }
            if (op is null) throw new JinjaException($"line {line}: unexpected character '{c}' in tag");
            if (op is "(" or "[" or "{") depth++;
            else if (op is ")" or "]" or "}") depth = Math.Max(0, depth - 1);
            tokens.Add(new Token(TokenKind.Operator, op, line));
            pos += op.Length;
        }
    }

    private static bool Matches(string s, int pos, string what) => pos + what.Length <= s.Length && string.CompareOrdinal(s, pos, what, 0, what.Length) == 0;

    private static string ReadString(string s, ref int pos, ref int line)
    {
        char quote = s[pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= s.Length) throw new JinjaException($"line {line}: unterminated string literal");
            char c = s[pos++];
            if (c == quote) return sb.ToString();
            if (c == '\n') line++;
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= s.Length) throw new JinjaException($"line {line}: unterminated string literal");
            char e = s[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '0': sb.Append('\0'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '\n': line++; break; // line continuation
                case 'x': sb.Append((char)int.Parse(s.AsSpan(pos, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); pos += 2; break;
                case 'u': sb.Append((char)int.Parse(s.AsSpan(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); pos += 4; break;
                case 'U': sb.Append(char.ConvertFromUtf32(int.Parse(s.AsSpan(pos, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture))); pos += 8; break;
                default: sb.Append('\\').Append(e); break; // Python keeps unknown escapes verbatim
            }
        }
    }
}
