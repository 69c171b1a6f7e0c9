using System.Text.Json;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A Hugging Face tokenizer read from tokenizer.json, producing the same ids as the Rust `tokenizers`
/// library for the BPE tokenizers of GPT-2, Llama 3, Qwen 2/3 (byte-level BPE with regex Split) and
/// Gemma (SentencePiece-style BPE with byte fallback).
/// Pipeline, as in HF: added tokens are cut out first (non-normalized ones on the raw text), the rest is
/// normalized, normalized added tokens are cut out, the remainder is pre-tokenized into words and each word
/// is merged by the BPE model; the post-processor adds special tokens when asked.</summary>
public sealed class HfTokenizer : ITokenizer
{
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly BpeModel _model;
    private readonly IPostProcessor? _postProcessor;
    private readonly IDecoder? _decoder;
    private readonly AddedVocabulary _added;
    private readonly int[] _stopTokenIds;
    private readonly Dictionary<string, string> _specialTokensMap;

    /// <summary>Where the tokenizer came from (file path or a caller-supplied name), for error messages.</summary>
    public string SourceName { get; }
    public int VocabSize { get; }
    public IReadOnlyList<int> StopTokenIds => _stopTokenIds;
    /// <summary>The added tokens of tokenizer.json (special and not).</summary>
    public IReadOnlyCollection<AddedToken> AddedTokens => _added.Tokens;
    /// <summary>bos_token, eos_token, pad_token, unk_token ... from tokenizer_config.json (what chat templates see).</summary>
    public IReadOnlyDictionary<string, string> SpecialTokensMap => _specialTokensMap;
    public string? BosToken => _specialTokensMap.GetValueOrDefault("bos_token");
    public string? EosToken => _specialTokensMap.GetValueOrDefault("eos_token");

    private HfTokenizer(string sourceName, INormalizer? normalizer, IPreTokenizer? preTokenizer, BpeModel model,
        IPostProcessor? postProcessor, IDecoder? decoder, AddedVocabulary added)
    {
        SourceName = sourceName;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        _postProcessor = postProcessor;
        _decoder = decoder;
        _added = added;
        int maxAdded = added.Tokens.Count == 0 ? -1 : added.Tokens.Max(t => t.Id);
        VocabSize = Math.Max(model.VocabSize, maxAdded + 1);
        _stopTokenIds = [];
        _specialTokensMap = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private HfTokenizer(HfTokenizer source, Dictionary<string, string> specialTokensMap, int[] stopTokenIds)
        : this(source.SourceName, source._normalizer, source._preTokenizer, source._model, source._postProcessor, source._decoder, source._added)
    {
        _specialTokensMap = specialTokensMap;
        _stopTokenIds = stopTokenIds;
    }

    /// <summary>Loads <c>tokenizer.json</c> from a model folder, plus the bos/eos tokens of
    /// <c>tokenizer_config.json</c> and the eos ids of <c>generation_config.json</c> when present.</summary>
    public static HfTokenizer Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new TokenizerFormatException($"{dir}: tokenizer folder does not exist");
        string path = Path.Combine(dir, "tokenizer.json");
        if (!File.Exists(path)) throw new TokenizerFormatException($"{path}: file not found (a Hugging Face tokenizer folder needs tokenizer.json)");
        var tokenizer = FromJson(ReadText(path), path);

        var specials = new Dictionary<string, string>(StringComparer.Ordinal);
        var stops = new List<int>();
        string configPath = Path.Combine(dir, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using var config = ParseDocument(ReadText(configPath), configPath);
            var root = new JsonFields(config.RootElement, configPath, "$");
            if (root.Element.ValueKind != JsonValueKind.Object) throw root.Error("expected a JSON object");
            foreach (var name in (string[])["bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token"])
            {
                if (!root.TryChild(name, out var value)) continue;
                string? content = value.Element.ValueKind switch
                {
                    JsonValueKind.String => value.AsString(),
                    JsonValueKind.Object => value.String("content"),
                    _ => throw value.Error("expected a string or an object with \"content\""),
                };
                specials[name] = content;
            }
            if (specials.TryGetValue("eos_token", out var eos))
            {
                int? id = tokenizer.TokenId(eos);
                if (id is null) throw root.Child("eos_token").Error($"'{eos}' is not a token of {path}");
                stops.Add(id.Value);
            }
        }
        string generationPath = Path.Combine(dir, "generation_config.json");
        if (File.Exists(generationPath))
        {
            using var gen = ParseDocument(ReadText(generationPath), generationPath);
            var root = new JsonFields(gen.RootElement, generationPath, "$");
            if (root.TryChild("eos_token_id", out var eosIds))
            {
                if (eosIds.Element.ValueKind == JsonValueKind.Array) stops.AddRange(eosIds.Items().Select(i => i.AsInt()));
                else stops.Add(eosIds.AsInt());
            }
        }
        return new HfTokenizer(tokenizer, specials, stops.Distinct().ToArray());
    }

    /// <summary>Parses the contents of a tokenizer.json; <paramref name="sourceName"/> names it in errors.</summary>
    public static HfTokenizer FromJson(string json, string sourceName)
    {
        using var doc = ParseDocument(json, sourceName);
        var root = new JsonFields(doc.RootElement, sourceName, "$");
        if (root.Element.ValueKind != JsonValueKind.Object) throw root.Error("expected a JSON object");

        var normalizer = root.TryChild("normalizer", out var n) ? NormalizerFactory.Create(n) : null;
        var preTokenizer = root.TryChild("pre_tokenizer", out var p) ? PreTokenizerFactory.Create(p) : null;
        var postProcessor = root.TryChild("post_processor", out var pp) ? PostProcessorFactory.Create(pp) : null;
        var decoder = root.TryChild("decoder", out var d) ? DecoderFactory.Create(d) : null;
        var model = CreateModel(root.Child("model"));

        var addedTokens = new List<AddedToken>();
        if (root.TryChild("added_tokens", out var added))
            foreach (var t in added.Items())
            {
                bool special = t.Bool("special", false);
                int id = t.Child("id").AsInt();
                if (id < 0) throw t.Child("id").Error($"negative id {id}");
                addedTokens.Add(new AddedToken(id, t.String("content"), special, t.Bool("lstrip", false), t.Bool("rstrip", false),
                    t.Bool("normalized", !special), t.Bool("single_word", false)));
            }
        return new HfTokenizer(sourceName, normalizer, preTokenizer, model, postProcessor, decoder, new AddedVocabulary(addedTokens, normalizer));
    }

    /// <summary>The file as text, refusing bytes that are not UTF-8 (which File.ReadAllText would silently replace).</summary>
    private static string ReadText(string path) =>
        Text.StrictUtf8.ReadAllText(path, problem => new TokenizerFormatException($"{path}: {problem}"));

    private static JsonDocument ParseDocument(string json, string sourceName)
    {
        try { return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e) { throw new TokenizerFormatException($"{sourceName}: not valid JSON: {e.Message}", e); }
    }

    private static BpeModel CreateModel(JsonFields json)
    {
        string type = json.OptionalString("type") ?? (json.TryChild("merges", out _) ? "BPE" : "(missing)");
        if (type != "BPE")
            throw json.Error($"unsupported model type '{type}' in field model.type (supported: BPE; WordPiece, WordLevel and Unigram tokenizers are not implemented)");
        if (json.TryChild("dropout", out var dropout) && dropout.Element.ValueKind == JsonValueKind.Number && dropout.Element.GetDouble() > 0)
            throw dropout.Error("BPE dropout is a training-time option; set it to null for inference");

        var vocabJson = json.Child("vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, id) in vocabJson.Properties()) vocab[token] = id.AsInt();

        var merges = new List<(string, string)>();
        if (json.TryChild("merges", out var mergesJson))
            foreach (var m in mergesJson.Items())
            {
                if (m.Element.ValueKind == JsonValueKind.String)
                {
                    string s = m.AsString();
                    int space = s.IndexOf(' ');
                    if (space <= 0 || space == s.Length - 1 || s.IndexOf(' ', space + 1) >= 0)
                        throw m.Error($"merge '{s}' is not two tokens separated by one space");
                    merges.Add((s[..space], s[(space + 1)..]));
                }
                else
                {
                    var parts = m.Items().ToArray();
                    if (parts.Length != 2) throw m.Error($"a merge must be a pair of tokens, got {parts.Length} items");
                    merges.Add((parts[0].AsString(), parts[1].AsString()));
                }
            }

        string source = json.Source;
        return new BpeModel(vocab, merges, json.OptionalString("unk_token"), json.Bool("fuse_unk", false), json.Bool("byte_fallback", false),
            json.Bool("ignore_merges", false), json.OptionalString("continuing_subword_prefix"), json.OptionalString("end_of_word_suffix"),
            (rank, what) => new TokenizerFormatException($"{source}: model.merges[{rank}]: {what}"),
            what => new TokenizerFormatException($"{source}: model: {what}"));
    }

    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        var raw = new List<(string Text, int Offset, AddedToken? Token)>();
        var normalizedSegments = new List<(string Text, int Offset, AddedToken? Token)>();
        var pieces = new List<Piece>();
        _added.SplitRaw(text, 0, raw);
        foreach (var segment in raw)
        {
            if (segment.Token is not null) { ids.Add(segment.Token.Id); continue; }
            string normalized = _normalizer?.Normalize(segment.Text) ?? segment.Text;
            normalizedSegments.Clear();
            _added.SplitNormalized(normalized, segment.Offset, normalizedSegments);
            foreach (var part in normalizedSegments)
            {
                if (part.Token is not null) { ids.Add(part.Token.Id); continue; }
                var piece = new Piece(part.Text, part.Offset == 0);
                if (_preTokenizer is null) { _model.Tokenize(piece.Text, ids); continue; }
                pieces.Clear();
                _preTokenizer.Split(piece, pieces);
                foreach (var word in pieces) _model.Tokenize(word.Text, ids);
            }
        }
        var result = ids.ToArray();
        return addSpecialTokens && _postProcessor is not null ? _postProcessor.Process(result) : result;
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            var added = _added.ById(id);
            if (added is not null)
            {
                if (!(skipSpecialTokens && added.Special)) tokens.Add(added.Content);
                continue;
            }
            var token = _model.IdToToken(id);
            if (token is not null) tokens.Add(token);
        }
        if (_decoder is null) return string.Join(' ', tokens);
        return string.Concat(_decoder.DecodeChain(tokens));
    }

    public string TokenText(int id) => Decode([id]);

    /// <summary>The raw vocabulary string of an id (e.g. "Ġthe"), or null if the id is unknown.</summary>
    public string? IdToToken(int id) => _added.ById(id)?.Content ?? _model.IdToToken(id);

    /// <summary>The id of a vocabulary entry (added tokens first, then the model vocab, e.g. "Ġthe");
    /// failing that, the id of <paramref name="token"/> read as text when it encodes to exactly one token
    /// (so " Yes" finds "ĠYes"). Null otherwise.</summary>
    public int? TokenId(string token)
    {
        var added = _added.ByContent(token);
        if (added is not null) return added.Id;
        var id = _model.TokenToId(token);
        if (id is not null) return id;
        if (token.Length == 0) return null;
        var ids = Encode(token);
        return ids.Length == 1 ? ids[0] : null;
    }
}
