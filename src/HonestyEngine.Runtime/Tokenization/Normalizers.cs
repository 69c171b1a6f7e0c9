using System.Text;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A tokenizer.json normalizer: rewrites the text before pre-tokenization.</summary>
internal interface INormalizer
{
    string Normalize(string text);
}

internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => UnicodeNormalizer.Normalize(text, form);
}

internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}

/// <summary>Strip: removes whitespace at the left and/or right.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text) => (left, right) switch
    {
        (true, true) => text.Trim(),
        (true, false) => text.TrimStart(),
        (false, true) => text.TrimEnd(),
        _ => text,
    };
}

/// <summary>Replace: every match of a literal string or regex becomes <c>content</c>.</summary>
internal sealed class ReplaceNormalizer(ITextPattern pattern, string content) : INormalizer
{
    public string Normalize(string text) => Apply(text);

    public string Apply(string text) => pattern.Replace(text, content);
}

/// <summary>Prepend: adds a prefix to non-empty text (Gemma 2 / Llama 2 "▁").</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var n in normalizers) text = n.Normalize(text);
        return text;
    }
}

internal static class NormalizerFactory
{
    public const string Supported = "NFC, NFD, NFKC, NFKD, Lowercase, Strip, Replace, Prepend, Sequence";

    public static INormalizer? Create(JsonFields json)
    {
        if (json.IsNull) return null;
        string type = json.String("type");
        return type switch
        {
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(json.Bool("strip_left", true), json.Bool("strip_right", true)),
            "Replace" => new ReplaceNormalizer(json.Pattern("pattern"), json.String("content")),
            "Prepend" => new PrependNormalizer(json.String("prepend")),
            "Sequence" => new SequenceNormalizer(json.Child("normalizers").Items().Select(Create).OfType<INormalizer>().ToArray()),
            _ => throw json.Child("type").Error($"unsupported normalizer type '{type}' (supported: {Supported})"),
        };
    }
}
