using HonestyEngine.Training.Lora;

namespace HonestyEngine.Training.Model;

/// <summary>A trainable llama-family decoder: HF-named parameters (see <see cref="AllParameters"/>),
/// an optional LoRA adapter, and which parameters are currently trainable.</summary>
public sealed class LlamaModel
{
    public LlamaTrainingConfig Config { get; }
    public ParameterTensor EmbedTokens { get; }
    public LlamaLayerParameters[] Layers { get; }
    public ParameterTensor Norm { get; }
    /// <summary>Null when the head is tied to <see cref="EmbedTokens"/>.</summary>
    public ParameterTensor? LmHead { get; }
    /// <summary>The adapter being trained or applied; null for a plain model.</summary>
    public LoraAdapter? Lora { get; private set; }

    public LlamaModel(LlamaTrainingConfig config)
    {
        config.Validate();
        Config = config;
        EmbedTokens = new ParameterTensor("model.embed_tokens.weight", [config.VocabSize, config.HiddenSize]);
        Layers = new LlamaLayerParameters[config.NumHiddenLayers];
        for (int i = 0; i < Layers.Length; i++) Layers[i] = LlamaLayerParameters.Create(config, i);
        Norm = new ParameterTensor("model.norm.weight", [config.HiddenSize]);
        LmHead = config.TieWordEmbeddings ? null : new ParameterTensor("lm_head.weight", [config.VocabSize, config.HiddenSize]);
    }

    /// <summary>The unembedding matrix [vocab, d]: lm_head, or the embeddings when tied.</summary>
    public ParameterTensor Head => LmHead ?? EmbedTokens;

    /// <summary>Every base parameter in HF order (embedding, layers, norm, head).</summary>
    public IEnumerable<ParameterTensor> AllParameters()
    {
        yield return EmbedTokens;
        foreach (var layer in Layers)
            foreach (var p in layer.All()) yield return p;
        yield return Norm;
        if (LmHead is not null) yield return LmHead;
    }

    public ParameterTensor Parameter(string name) =>
        AllParameters().FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"The model has no parameter '{name}'.");

    /// <summary>The parameters the optimizer updates (those with a gradient buffer).</summary>
    public IReadOnlyList<ParameterTensor> TrainableParameters()
    {
        var list = AllParameters().Where(p => p.Trainable).ToList();
        if (Lora is not null) list.AddRange(Lora.Parameters().Where(p => p.Trainable));
        return list;
    }

    /// <summary>Full fine-tuning: every base parameter trainable; the adapter (if any) frozen.</summary>
    public void TrainAllParameters()
    {
        foreach (var p in AllParameters()) p.SetTrainable(true);
        if (Lora is not null) foreach (var p in Lora.Parameters()) p.SetTrainable(false);
    }

    /// <summary>Attaches an adapter; the base is frozen and only its A and B train.</summary>
    public void AttachLora(LoraAdapter adapter, bool trainAdapter = true)
    {
        if (adapter.Config != Config && (adapter.Config.HiddenSize != Config.HiddenSize || adapter.Config.NumHiddenLayers != Config.NumHiddenLayers))
            throw new ArgumentException("The LoRA adapter was built for a different model shape.");
        Lora = adapter;
        foreach (var p in AllParameters()) p.SetTrainable(false);
        foreach (var p in adapter.Parameters()) p.SetTrainable(trainAdapter);
    }

    public void DetachLora()
    {
        if (Lora is not null) foreach (var p in Lora.Parameters()) p.SetTrainable(false);
        Lora = null;
    }

    /// <summary>Folds the attached adapter into the base weights (W += scale * B A, as PEFT's
    /// merge_and_unload) and detaches it, so the result saves as a plain checkpoint.</summary>
    public void MergeLora()
    {
        var adapter = Lora ?? throw new InvalidOperationException("No LoRA adapter is attached to merge.");
        foreach (var pair in adapter.Pairs)
        {
            var w = Layers[pair.Layer].Projection(pair.Module);
            Numerics.MatMulProvider.Default.Gemm(false, false, w.Rows, w.Cols, pair.Rank, pair.Scale,
                pair.B.Value, pair.Rank, pair.A.Value, w.Cols, 1f, w.Value, w.Cols);
        }
        DetachLora();
    }

    public void FreezeAll()
    {
        foreach (var p in AllParameters()) p.SetTrainable(false);
        if (Lora is not null) foreach (var p in Lora.Parameters()) p.SetTrainable(false);
    }

    public long ParameterCount => AllParameters().Sum(p => (long)p.Length);
}
