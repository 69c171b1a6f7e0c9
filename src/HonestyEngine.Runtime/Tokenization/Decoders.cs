using System.Text;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A tokenizer.json decoder step: maps the list of token strings to a new list (HF's decode_chain);
/// the final text is the concatenation.</summary>
internal interface IDecoder
{
    List<string> DecodeChain(List<string> tokens);
}

/// <summary>ByteLevel: alphabet chars back to bytes, then UTF-8 with U+FFFD for invalid sequences. A token
/// with a char outside the alphabet (an added token such as CJK text) contributes its own UTF-8 bytes.</summary>
internal sealed class ByteLevelDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
            if (!ByteLevelAlphabet.TryAppendBytes(t, bytes)) bytes.AddRange(Encoding.UTF8.GetBytes(t));
        return [Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }
}

/// <summary>ByteFallback: runs of &lt;0xXX&gt; tokens become their UTF-8 text, or one U+FFFD per byte if invalid.</summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly UTF8Encoding Strict = new(false, true);

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var t in tokens)
        {
            if (TryParseByte(t, out byte b)) { pending.Add(b); continue; }
            Flush(pending, result);
            result.Add(t);
        }
        Flush(pending, result);
        return result;
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        try { result.Add(Strict.GetString(pending.ToArray())); }
        catch (DecoderFallbackException)
        {
            for (int i = 0; i < pending.Count; i++) result.Add("\uFFFD");
        }
        pending.Clear();
    }

    private static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out value);
    }
}

internal sealed class FuseDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>Replace on each token (Gemma/Llama 2: "▁" -> " ").</summary>
internal sealed class ReplaceDecoder(ReplaceNormalizer replace) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.Select(replace.Apply).ToList();
}

/// <summary>Strip: removes up to <c>start</c> leading and <c>stop</c> trailing occurrences of a char from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.Select(t =>
    {
        int a = 0, b = t.Length;
        while (a < start && a < b && t[a] == content) a++;
        int removed = 0;
        while (removed < stop && b > a && t[b - 1] == content) { b--; removed++; }
        return t[a..b];
    }).ToList();
}

/// <summary>Metaspace decoder: ▁ -> space, and the leading space of the first token is dropped when a prefix was added.</summary>
internal sealed class MetaspaceDecoder(char replacement, bool stripFirst) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i].Replace(replacement, ' ');
            if (i == 0 && stripFirst && t.StartsWith(' ')) t = t[1..];
            result.Add(t);
        }
        return result;
    }
}

/// <summary>WordPiece decoder: "##" continuations glued to the previous token, others separated by spaces.</summary>
internal sealed class WordPieceDecoder(string prefix) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (i > 0) t = t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : " " + t;
            result.Add(t);
        }
        return result;
    }
}

internal sealed class SequenceDecoder(IReadOnlyList<IDecoder> steps) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var s in steps) tokens = s.DecodeChain(tokens);
        return tokens;
    }
}

internal static class DecoderFactory
{
    public const string Supported = "ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace, WordPiece, Sequence";

    public static IDecoder? Create(JsonFields json)
    {
        if (json.IsNull) return null;
        string type = json.String("type");
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder();
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Replace":
                return new ReplaceDecoder(new ReplaceNormalizer(json.Pattern("pattern"), json.String("content")));
            case "Strip":
            {
                string content = json.String("content");
                if (content.Length != 1) throw json.Child("content").Error("expected a single character");
                return new StripDecoder(content[0], json.Int("start", 0), json.Int("stop", 0));
            }
            case "Metaspace":
            {
                string rep = json.String("replacement");
                if (rep.Length != 1) throw json.Child("replacement").Error("expected a single character");
                string scheme = json.OptionalString("prepend_scheme") ?? (json.Bool("add_prefix_space", true) ? "always" : "never");
                return new MetaspaceDecoder(rep[0], scheme != "never");
            }
            case "WordPiece": return new WordPieceDecoder(json.OptionalString("prefix") ?? "##");
            case "Sequence":
                return new SequenceDecoder(json.Child("decoders").Items().Select(Create).OfType<IDecoder>().ToArray());
            default:
                throw json.Child("type").Error($"unsupported decoder type '{type}' (supported: {Supported})");
        }
    }
}
