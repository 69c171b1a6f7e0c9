using System.Numerics.Tensors;
using HonestyEngine.Abstractions;
using HonestyEngine.Training.Blocks;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Model;

/// <summary>Forward pass with saved activations and the hand-written backward pass of a whole
/// <see cref="LlamaModel"/>, in the HF LlamaForCausalLM order: embed -> per block
/// (x += o_proj(attn(rope(q), rope(k), v)) of input_layernorm(x); x += down(silu(gate) * up) of
/// post_attention_layernorm(x)) -> norm -> lm_head -> cross-entropy over the batch's loss rows.
/// Optional steering edits (<see cref="AddVectorEdit"/> on hook_resid_pre/mid/post) are added to
/// the residual stream during the forward pass; being constant shifts, they leave the backward
/// formulas unchanged.</summary>
public sealed class LlamaComputation
{
    private readonly LlamaModel _model;
    private readonly IMatMul _mm;
    private readonly RotaryEmbedding _rope;
    private readonly CausalAttention _attention;
    private readonly LayerActivations[] _layers;
    private float[] _xFinal = [], _rstdF = [], _hF = [], _hLoss = [], _logits = [];
    // Backward scratch.
    private float[] _dResid = [], _dH = [], _dTmp = [], _dAttn = [], _dQ = [], _dK = [], _dV = [], _dAct = [], _dGate = [], _dUp = [], _dHLoss = [], _loraScratch = [];
    private TrainingBatch? _batch;
    private float _gradScale;

    public IReadOnlyList<AddVectorEdit> Edits { get; set; } = [];

    public LlamaComputation(LlamaModel model, IMatMul? matMul = null)
    {
        _model = model;
        _mm = matMul ?? MatMulProvider.Default;
        var c = model.Config;
        _rope = new RotaryEmbedding(c.ResolvedHeadDim, c.RopeTheta, c.MaxPositionEmbeddings);
        _attention = new CausalAttention(c.NumAttentionHeads, c.NumKeyValueHeads, c.ResolvedHeadDim);
        _layers = new LayerActivations[c.NumHiddenLayers];
        for (int i = 0; i < _layers.Length; i++) _layers[i] = new LayerActivations();
    }

    /// <summary>Runs the forward pass, keeps what the backward pass needs, and returns the mean
    /// cross-entropy over the batch's loss targets (NaN when it has none).</summary>
    public double Forward(TrainingBatch batch) => Run(batch, keepLogits: false);

    /// <summary>Logits [T, vocab] at every position of one sequence (the parity check against inference).</summary>
    public float[] Logits(int[] tokenIds)
    {
        var batch = TrainingBatch.ForLogits(tokenIds, _model.Config.VocabSize, _model.Config.MaxPositionEmbeddings);
        Run(batch, keepLogits: true);
        return _logits.AsSpan(0, tokenIds.Length * _model.Config.VocabSize).ToArray();
    }

    private double Run(TrainingBatch batch, bool keepLogits)
    {
        var c = _model.Config;
        int rows = batch.Rows, d = c.HiddenSize, ff = c.IntermediateSize, qw = c.QueryWidth, kw = c.KeyValueWidth;
        int vocab = c.VocabSize, nLoss = batch.LossRows.Length;
        var edits = ResolveEdits(batch.Layout);
        var lora = _model.Lora;

        // Embedding (hook_embed = hook_resid_pre of block 0).
        float[] x = LayerActivations.Ensure(ref _layers[0].X, (long)rows * d);
        Embedding.Forward(_model.EmbedTokens.Value, batch.Tokens, rows, d, x);

        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var a = _layers[i];
            var p = _model.Layers[i];
            ApplyEdits(edits, i, "hook_resid_pre", a.X, batch.Layout, d);
            RmsNorm.Forward(a.X, p.InputLayerNorm.Value, LayerActivations.Ensure(ref a.H1, (long)rows * d), LayerActivations.Ensure(ref a.Rstd1, rows), rows, d, c.RmsNormEps);
            Project(a, "q_proj", p.QProj, lora, i, a.H1, rows, LayerActivations.Ensure(ref a.Q, (long)rows * qw));
            Project(a, "k_proj", p.KProj, lora, i, a.H1, rows, LayerActivations.Ensure(ref a.K, (long)rows * kw));
            Project(a, "v_proj", p.VProj, lora, i, a.H1, rows, LayerActivations.Ensure(ref a.V, (long)rows * kw));
            _rope.Apply(a.Q, batch.Layout.Positions, rows, c.NumAttentionHeads, inverse: false);
            _rope.Apply(a.K, batch.Layout.Positions, rows, c.NumKeyValueHeads, inverse: false);
            _attention.Forward(batch.Layout, a.Q, a.K, a.V, LayerActivations.Ensure(ref a.Attn, (long)rows * qw),
                LayerActivations.Ensure(ref a.Probs, _attention.ProbabilityLength(batch.Layout)), _mm);
            var xMid = LayerActivations.Ensure(ref a.XMid, (long)rows * d);
            Project(a, "o_proj", p.OProj, lora, i, a.Attn, rows, xMid);
            TensorPrimitives.Add(xMid.AsSpan(0, rows * d), a.X.AsSpan(0, rows * d), xMid.AsSpan(0, rows * d));
            ApplyEdits(edits, i, "hook_resid_mid", xMid, batch.Layout, d);

            RmsNorm.Forward(xMid, p.PostAttentionLayerNorm.Value, LayerActivations.Ensure(ref a.H2, (long)rows * d), LayerActivations.Ensure(ref a.Rstd2, rows), rows, d, c.RmsNormEps);
            Project(a, "gate_proj", p.GateProj, lora, i, a.H2, rows, LayerActivations.Ensure(ref a.Gate, (long)rows * ff));
            Project(a, "up_proj", p.UpProj, lora, i, a.H2, rows, LayerActivations.Ensure(ref a.Up, (long)rows * ff));
            SwiGlu.Forward(a.Gate, a.Up, LayerActivations.Ensure(ref a.Act, (long)rows * ff), rows * ff);
            float[] xOut = i + 1 < c.NumHiddenLayers ? LayerActivations.Ensure(ref _layers[i + 1].X, (long)rows * d) : LayerActivations.Ensure(ref _xFinal, (long)rows * d);
            Project(a, "down_proj", p.DownProj, lora, i, a.Act, rows, xOut);
            TensorPrimitives.Add(xOut.AsSpan(0, rows * d), xMid.AsSpan(0, rows * d), xOut.AsSpan(0, rows * d));
            ApplyEdits(edits, i, "hook_resid_post", xOut, batch.Layout, d);
        }

        RmsNorm.Forward(_xFinal, _model.Norm.Value, LayerActivations.Ensure(ref _hF, (long)rows * d), LayerActivations.Ensure(ref _rstdF, rows), rows, d, c.RmsNormEps);
        // Only rows that carry a loss target reach the head (assistant-only SFT skips most of them).
        var hLoss = LayerActivations.Ensure(ref _hLoss, (long)nLoss * d);
        for (int j = 0; j < nLoss; j++) _hF.AsSpan(batch.LossRows[j] * d, d).CopyTo(hLoss.AsSpan(j * d, d));
        var logits = LayerActivations.Ensure(ref _logits, (long)nLoss * vocab);
        _mm.Gemm(false, true, nLoss, vocab, d, 1f, hLoss.AsSpan(0, nLoss * d), d, _model.Head.Value, d, 0f, logits.AsSpan(0, nLoss * vocab), vocab);

        _batch = batch;
        if (keepLogits) { _batch = null; return double.NaN; }
        if (nLoss == 0) { _gradScale = 0; return double.NaN; }
        _gradScale = 1f / nLoss;
        // The logits buffer becomes dLogits in place: the backward pass needs only the gradient.
        double sum = CrossEntropy.Forward(logits, batch.LossTargets, nLoss, vocab, logits, _gradScale);
        return sum / nLoss;
    }

    /// <summary>Accumulates gradients of the last <see cref="Forward"/>'s mean loss into every
    /// trainable parameter (base weights and/or LoRA A, B).</summary>
    public void Backward()
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward() needs a Forward() with loss targets first.");
        _batch = null;
        var c = _model.Config;
        int rows = batch.Rows, d = c.HiddenSize, ff = c.IntermediateSize, qw = c.QueryWidth, kw = c.KeyValueWidth;
        int vocab = c.VocabSize, nLoss = batch.LossRows.Length;
        var lora = _model.Lora;
        if (nLoss == 0) return;

        var dResid = LayerActivations.Ensure(ref _dResid, (long)rows * d);
        var dH = LayerActivations.Ensure(ref _dH, (long)rows * d);
        var dTmp = LayerActivations.Ensure(ref _dTmp, (long)rows * d);
        LayerActivations.Ensure(ref _dAttn, (long)rows * qw);
        LayerActivations.Ensure(ref _dQ, (long)rows * qw);
        LayerActivations.Ensure(ref _dK, (long)rows * kw);
        LayerActivations.Ensure(ref _dV, (long)rows * kw);
        LayerActivations.Ensure(ref _dAct, (long)rows * ff);
        LayerActivations.Ensure(ref _dGate, (long)rows * ff);
        LayerActivations.Ensure(ref _dUp, (long)rows * ff);
        if (lora is not null) LayerActivations.Ensure(ref _loraScratch, (long)rows * lora.Options.Rank);

        // Head: dh = dLogits W, dW += dLogits^T h.
        var dLogits = _logits.AsSpan(0, nLoss * vocab);
        var dHLoss = LayerActivations.Ensure(ref _dHLoss, (long)nLoss * d);
        _mm.Gemm(false, false, nLoss, d, vocab, 1f, dLogits, vocab, _model.Head.Value, d, 0f, dHLoss.AsSpan(0, nLoss * d), d);
        if (_model.Head.Grad is not null)
            _mm.Gemm(true, false, vocab, d, nLoss, 1f, dLogits, vocab, _hLoss.AsSpan(0, nLoss * d), d, 1f, _model.Head.Grad, d);
        Array.Clear(dH, 0, rows * d);
        for (int j = 0; j < nLoss; j++)
        {
            var dst = dH.AsSpan(batch.LossRows[j] * d, d);
            TensorPrimitives.Add(dst, dHLoss.AsSpan(j * d, d), dst);   // a row appears at most once, but stay safe
        }
        RmsNorm.Backward(dH, _xFinal, _model.Norm.Value, _rstdF, dResid, _model.Norm.Grad, rows, d);

        for (int i = c.NumHiddenLayers - 1; i >= 0; i--)
        {
            var a = _layers[i];
            var p = _model.Layers[i];
            // MLP: x_out = x_mid + down(silu(gate) * up).
            ProjectBack(a, "down_proj", p.DownProj, lora, i, dResid, a.Act, rows, _dAct, accumulate: false);
            SwiGlu.Backward(_dAct, a.Gate, a.Up, _dGate, _dUp, rows * ff);
            ProjectBack(a, "gate_proj", p.GateProj, lora, i, _dGate, a.H2, rows, dH, accumulate: false);
            ProjectBack(a, "up_proj", p.UpProj, lora, i, _dUp, a.H2, rows, dH, accumulate: true);
            RmsNorm.Backward(dH, a.XMid, p.PostAttentionLayerNorm.Value, a.Rstd2, dTmp, p.PostAttentionLayerNorm.Grad, rows, d);
            TensorPrimitives.Add(dResid.AsSpan(0, rows * d), dTmp.AsSpan(0, rows * d), dResid.AsSpan(0, rows * d));

            // Attention: x_mid = x + o_proj(attn).
            ProjectBack(a, "o_proj", p.OProj, lora, i, dResid, a.Attn, rows, _dAttn, accumulate: false);
            _attention.Backward(batch.Layout, a.Q, a.K, a.V, a.Probs, _dAttn, _dQ, _dK, _dV, _mm);
            _rope.Apply(_dQ, batch.Layout.Positions, rows, c.NumAttentionHeads, inverse: true);
            _rope.Apply(_dK, batch.Layout.Positions, rows, c.NumKeyValueHeads, inverse: true);
            ProjectBack(a, "q_proj", p.QProj, lora, i, _dQ, a.H1, rows, dH, accumulate: false);
            ProjectBack(a, "k_proj", p.KProj, lora, i, _dK, a.H1, rows, dH, accumulate: true);
            ProjectBack(a, "v_proj", p.VProj, lora, i, _dV, a.H1, rows, dH, accumulate: true);
            RmsNorm.Backward(dH, a.X, p.InputLayerNorm.Value, a.Rstd1, dTmp, p.InputLayerNorm.Grad, rows, d);
            TensorPrimitives.Add(dResid.AsSpan(0, rows * d), dTmp.AsSpan(0, rows * d), dResid.AsSpan(0, rows * d));
        }

        if (_model.EmbedTokens.Grad is not null)
            Embedding.Backward(dResid, batch.Tokens, rows, d, _model.EmbedTokens.Grad);
    }

    /// <summary>The gradient of the loss with respect to the embedded input (hook_embed) of the last
    /// backward pass, [rows, d]; used by the gradient checks.</summary>
    internal ReadOnlySpan<float> EmbeddingOutputGradient(int rows) => _dResid.AsSpan(0, rows * _model.Config.HiddenSize);

    private void Project(LayerActivations a, string module, ParameterTensor w, LoraAdapter? lora, int layer, float[] x, int rows, float[] y)
    {
        var pair = lora?.Pair(layer, module);
        float[]? xa = null;
        if (pair is not null)
        {
            a.LoraXA.TryGetValue(module, out xa);
            xa ??= [];
            LayerActivations.Ensure(ref xa, (long)rows * pair.Rank);
            a.LoraXA[module] = xa;
        }
        Linear.Forward(_mm, x, rows, w, pair, y, xa);
    }

    private void ProjectBack(LayerActivations a, string module, ParameterTensor w, LoraAdapter? lora, int layer,
        float[] dy, float[] x, int rows, float[] dx, bool accumulate)
    {
        var pair = lora?.Pair(layer, module);
        Linear.Backward(_mm, dy, x, rows, w, pair, pair is null ? null : a.LoraXA[module], dx, accumulate, pair is null ? null : _loraScratch);
    }

    private sealed record ResolvedEdit(int Layer, string Point, float[] Delta, int[][] Positions);

    private List<ResolvedEdit> ResolveEdits(SequenceLayout layout)
    {
        var list = new List<ResolvedEdit>();
        foreach (var e in Edits)
        {
            if (!HookNames.TryParseBlock(e.Hook, out int layer, out string point) || point is not ("hook_resid_pre" or "hook_resid_mid" or "hook_resid_post"))
                throw new ArgumentException($"Training steering supports blocks.{{i}}.hook_resid_pre/mid/post only; got '{e.Hook}'.");
            if (layer >= _model.Config.NumHiddenLayers)
                throw new ArgumentException($"Steering hook '{e.Hook}' names layer {layer}; the model has {_model.Config.NumHiddenLayers}.");
            if (e.Vector.Length != _model.Config.HiddenSize)
                throw new ArgumentException($"Steering vector for '{e.Hook}' has length {e.Vector.Length}; hidden_size is {_model.Config.HiddenSize}.");
            var delta = new float[e.Vector.Length];
            TensorPrimitives.Multiply(e.Vector, e.Coefficient, delta);
            var positions = new int[layout.Count][];
            for (int s = 0; s < layout.Count; s++) positions[s] = e.Positions.Resolve(layout.Lengths[s]);
            list.Add(new ResolvedEdit(layer, point, delta, positions));
        }
        return list;
    }

    private static void ApplyEdits(List<ResolvedEdit> edits, int layer, string point, float[] x, SequenceLayout layout, int d)
    {
        foreach (var e in edits)
        {
            if (e.Layer != layer || e.Point != point) continue;
            for (int s = 0; s < layout.Count; s++)
                foreach (int t in e.Positions[s])
                {
                    var row = x.AsSpan((layout.Offsets[s] + t) * d, d);
                    TensorPrimitives.Add(row, e.Delta, row);
                }
        }
    }
}
