namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A tokenizer.json post-processor: adds special tokens around a single sequence when
/// add_special_tokens is true (ids only; offsets are not tracked by this engine).</summary>
internal interface IPostProcessor
{
    int[] Process(int[] ids);
}

/// <summary>TemplateProcessing: the "single" template, e.g. [bos] $A.</summary>
internal sealed class TemplatePostProcessor(IReadOnlyList<int[]?> pieces) : IPostProcessor
{
    // Each piece is either the ids of a special token, or null for the sequence itself.
    public int[] Process(int[] ids)
    {
        var result = new List<int>(ids.Length + 4);
        foreach (var p in pieces)
            if (p is null) result.AddRange(ids);
            else result.AddRange(p);
        return result.ToArray();
    }
}

/// <summary>Bert/Roberta processing: [cls] $A [sep].</summary>
internal sealed class ClsSepPostProcessor(int cls, int sep) : IPostProcessor
{
    public int[] Process(int[] ids) => [cls, .. ids, sep];
}

/// <summary>ByteLevel only trims offsets; ids pass through.</summary>
internal sealed class IdentityPostProcessor : IPostProcessor
{
    public int[] Process(int[] ids) => ids;
}

internal sealed class SequencePostProcessor(IReadOnlyList<IPostProcessor> steps) : IPostProcessor
{
    public int[] Process(int[] ids)
    {
        foreach (var s in steps) ids = s.Process(ids);
        return ids;
    }
}

internal static class PostProcessorFactory
{
    public const string Supported = "TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence";

    public static IPostProcessor? Create(JsonFields json)
    {
        if (json.IsNull) return null;
        string type = json.String("type");
        switch (type)
        {
            case "ByteLevel":
                return new IdentityPostProcessor();
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (json.TryChild("special_tokens", out var st))
                    foreach (var (name, value) in st.Properties())
                        specials[name] = value.Child("ids").Items().Select(i => i.AsInt()).ToArray();
                var pieces = new List<int[]?>();
                foreach (var item in json.Child("single").Items())
                {
                    if (item.TryChild("SpecialToken", out var special))
                    {
                        string id = special.String("id");
                        if (!specials.TryGetValue(id, out var ids)) throw special.Child("id").Error($"special token '{id}' is not listed in special_tokens");
                        pieces.Add(ids);
                    }
                    else if (item.TryChild("Sequence", out var seq))
                    {
                        string id = seq.String("id");
                        if (id != "A") throw seq.Child("id").Error($"the single template can only use sequence A, got '{id}'");
                        pieces.Add(null);
                    }
                    else throw item.Error("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
                }
                return new TemplatePostProcessor(pieces);
            }
            case "BertProcessing":
            case "RobertaProcessing":
            {
                int cls = json.Child("cls").Items().ElementAt(1).AsInt();
                int sep = json.Child("sep").Items().ElementAt(1).AsInt();
                return new ClsSepPostProcessor(cls, sep);
            }
            case "Sequence":
                return new SequencePostProcessor(json.Child("processors").Items().Select(Create).OfType<IPostProcessor>().ToArray());
            default:
                throw json.Child("type").Error($"unsupported post_processor type '{type}' (supported: {Supported})");
        }
    }
}
