using HonestyEngine.Abstractions;

// Source shared by the plugins that train a top-k SAE (Probes: sae-feature-detector; WhiteBoxElicitation:
// sae-feature-tokens). Plugins reference only the contract, never each other, so each compiles this file into its
// own assembly; the namespace follows the compiling plugin so that its type stays distinct from the other's
// (the test project sees the internals of both).
#if WHITEBOX_ELICITATION
namespace HonestyEngine.Plugins.WhiteBoxElicitation;
#else
namespace HonestyEngine.Plugins.Probes;
#endif

/// <summary>A small top-k sparse autoencoder (Gao et al. 2024): z = TopK(W_enc (x - b_dec) + b_enc),
/// x_hat = W_dec z + b_dec, decoder rows kept at unit norm, trained with Adam on the MSE. Seeded and deterministic.
/// Inputs are divided by one scalar so that E|x|^2 = d (Gao et al. normalise activation scale the same way).</summary>
internal sealed class TopKSae
{
    public int Dim { get; }
    public int Latents { get; }
    public int K { get; }
    /// <summary>W_enc [latents, d] (row-major, one row per latent, the layout ProjectScores wants).</summary>
    public float[] Encoder { get; }
    public float[] EncoderBias { get; }
    /// <summary>W_dec [latents, d]: row i is latent i's direction in activation space.</summary>
    public float[] Decoder { get; }
    public float[] DecoderBias { get; }
    public float InputScale { get; private set; } = 1f;
    public double FinalMse { get; private set; } = double.NaN;

    public TopKSae(int dim, int latents, int k, int seed)
    {
        if (k < 1 || k > latents) throw new MethodInputException($"Top-k SAE needs 1 <= k <= latents (k = {k}, latents = {latents}).");
        Dim = dim; Latents = latents; K = k;
        Encoder = new float[latents * dim];
        EncoderBias = new float[latents];
        Decoder = new float[latents * dim];
        DecoderBias = new float[dim];
        var rng = new Random(seed);
        for (int i = 0; i < Decoder.Length; i++) Decoder[i] = (float)Gaussian(rng);
        NormalizeDecoderRows();
        Decoder.CopyTo(Encoder, 0); // Gao et al.: encoder initialised to the decoder's transpose
    }

    /// <summary>Trains on rows of <paramref name="x"/> (already-raw activations; the scale is fitted here).</summary>
    public void Train(IActivationCompute compute, Tensor x, int epochs, int batchSize, double lr, int seed)
    {
        int n = x.Rows, d = Dim, m = Latents;
        if (n == 0 || x.RowLength != d)
            throw new MethodInputException($"The top-k SAE needs training activations of width {d}; got {x}.");
        double meanSq = 0;
        for (int i = 0; i < x.Length; i++) meanSq += (double)x.Data[i] * x.Data[i];
        meanSq /= Math.Max(1, n);
        InputScale = meanSq > 0 ? (float)Math.Sqrt(d / meanSq) : 1f;
        var data = new float[x.Length];
        for (int i = 0; i < data.Length; i++) data[i] = x.Data[i] * InputScale;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) DecoderBias[j] += data[i * d + j] / n; // b_dec at the mean

        var adam = new Adam(Encoder.Length + EncoderBias.Length + Decoder.Length + DecoderBias.Length, lr);
        var gEnc = new float[Encoder.Length]; var gEncB = new float[m]; var gDec = new float[Decoder.Length]; var gDecB = new float[d];
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        var batch = new float[batchSize * d];
        var pre = new float[batchSize * m];
        var top = new int[K];
        var recon = new float[d];
        var err = new float[d];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            rng.Shuffle(order);
            double sse = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                int b = Math.Min(batchSize, n - start);
                for (int r = 0; r < b; r++)
                    for (int j = 0; j < d; j++) batch[r * d + j] = data[order[start + r] * d + j] - DecoderBias[j];
                compute.ProjectScores(batch.AsSpan(0, b * d), b, d, Encoder, m, EncoderBias, pre.AsSpan(0, b * m));
                Array.Clear(gEnc); Array.Clear(gEncB); Array.Clear(gDec); Array.Clear(gDecB);
                float inv = 1f / (b * d);
                for (int r = 0; r < b; r++)
                {
                    var z = pre.AsSpan(r * m, m);
                    int count = SelectTopK(z, top);
                    for (int j = 0; j < d; j++) recon[j] = DecoderBias[j];
                    for (int t = 0; t < count; t++)
                    {
                        int i = top[t]; float zi = z[i];
                        for (int j = 0; j < d; j++) recon[j] += zi * Decoder[i * d + j];
                    }
                    int row = order[start + r];
                    for (int j = 0; j < d; j++) { err[j] = recon[j] - data[row * d + j]; sse += err[j] * err[j]; }
                    for (int j = 0; j < d; j++) gDecB[j] += 2 * err[j] * inv;
                    for (int t = 0; t < count; t++)
                    {
                        int i = top[t]; float zi = z[i];
                        float gz = 0;
                        for (int j = 0; j < d; j++)
                        {
                            gDec[i * d + j] += 2 * err[j] * zi * inv;
                            gz += 2 * err[j] * Decoder[i * d + j] * inv;
                        }
                        gEncB[i] += gz;
                        for (int j = 0; j < d; j++) gEnc[i * d + j] += gz * batch[r * d + j];
                    }
                }
                int o = 0;
                adam.Step(Encoder, gEnc, ref o); adam.Step(EncoderBias, gEncB, ref o);
                adam.Step(Decoder, gDec, ref o); adam.Step(DecoderBias, gDecB, ref o);
                adam.Advance();
                NormalizeDecoderRows();
            }
            FinalMse = sse / ((double)n * d);
            if (!double.IsFinite(FinalMse)) throw new MethodInputException($"The top-k SAE diverged (non-finite MSE at epoch {epoch}).");
        }
    }

    /// <summary>Encoder pre-activations [n, latents] of raw activations (before ReLU/top-k, so every latent has a
    /// graded value per input: what a feature detector ranks by).</summary>
    public Tensor PreActivations(IActivationCompute compute, Tensor x)
    {
        int n = x.Rows, d = Dim;
        var shifted = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) shifted[i * d + j] = x.Data[i * d + j] * InputScale - DecoderBias[j];
        var result = new Tensor([n, Latents]);
        compute.ProjectScores(shifted, n, d, Encoder, Latents, EncoderBias, result.Data);
        return result;
    }

    /// <summary>Sparse codes [n, latents] of raw activations: ReLU then top-k of the pre-activations, the latents the
    /// decoder reconstructs from (what "the features active on this token" means for a top-k SAE).</summary>
    public Tensor Encode(IActivationCompute compute, Tensor x)
    {
        var pre = PreActivations(compute, x);
        var codes = new Tensor([x.Rows, Latents]);
        var top = new int[K];
        for (int r = 0; r < x.Rows; r++)
        {
            var z = pre.Row(r);
            int count = SelectTopK(z, top);
            var code = codes.Row(r);
            for (int t = 0; t < count; t++) code[top[t]] = z[top[t]];
        }
        return codes;
    }

    /// <summary>Indices of the k largest positive entries (ReLU then top-k); returns how many.</summary>
    private int SelectTopK(Span<float> z, int[] top)
    {
        int count = 0;
        for (int i = 0; i < z.Length; i++)
        {
            if (z[i] <= 0) continue;
            if (count < K) { top[count++] = i; SiftUp(z, top, count); continue; }
            if (z[i] > z[top[0]]) { top[0] = i; SiftDown(z, top, count); }
        }
        return count;
    }

    // A min-heap on z over the selected indices: top[0] is the smallest kept value.
    private static void SiftUp(Span<float> z, int[] h, int count)
    {
        int c = count - 1;
        while (c > 0) { int p = (c - 1) / 2; if (z[h[p]] <= z[h[c]]) break; (h[p], h[c]) = (h[c], h[p]); c = p; }
    }

    private static void SiftDown(Span<float> z, int[] h, int count)
    {
        int p = 0;
        while (true)
        {
            int l = 2 * p + 1, r = l + 1, s = p;
            if (l < count && z[h[l]] < z[h[s]]) s = l;
            if (r < count && z[h[r]] < z[h[s]]) s = r;
            if (s == p) return;
            (h[p], h[s]) = (h[s], h[p]); p = s;
        }
    }

    private void NormalizeDecoderRows()
    {
        for (int i = 0; i < Latents; i++)
        {
            var row = Decoder.AsSpan(i * Dim, Dim);
            double norm = 0;
            foreach (var v in row) norm += v * v;
            norm = Math.Sqrt(norm);
            if (norm > 0) for (int j = 0; j < Dim; j++) row[j] = (float)(row[j] / norm);
        }
    }

    private static double Gaussian(Random rng)
        => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Adam over several parameter arrays laid end to end (float moments, System.Numerics.Vector lanes: the
    /// update touches every parameter each step, which dominated training time in double-precision scalar form).</summary>
    private sealed class Adam(int size, double lr)
    {
        private readonly float[] _m = new float[size], _v = new float[size];
        private int _t = 1;

        public void Step(float[] p, float[] g, ref int offset)
        {
            float c1 = (float)(1 - Math.Pow(0.9, _t)), c2 = (float)(1 - Math.Pow(0.999, _t));
            float stepSize = (float)lr / c1, invC2 = 1f / c2;
            var m = _m.AsSpan(offset, p.Length);
            var v = _v.AsSpan(offset, p.Length);
            int i = 0, w = System.Numerics.Vector<float>.Count;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                var b1 = new System.Numerics.Vector<float>(0.9f); var b1c = new System.Numerics.Vector<float>(0.1f);
                var b2 = new System.Numerics.Vector<float>(0.999f); var b2c = new System.Numerics.Vector<float>(0.001f);
                var eps = new System.Numerics.Vector<float>(1e-8f); var inv2 = new System.Numerics.Vector<float>(invC2);
                var step = new System.Numerics.Vector<float>(stepSize);
                for (; i <= p.Length - w; i += w)
                {
                    var gi = new System.Numerics.Vector<float>(g, i);
                    var mi = b1 * new System.Numerics.Vector<float>(m[i..]) + b1c * gi;
                    var vi = b2 * new System.Numerics.Vector<float>(v[i..]) + b2c * gi * gi;
                    mi.CopyTo(m[i..]); vi.CopyTo(v[i..]);
                    var pi = new System.Numerics.Vector<float>(p, i) - step * mi / (System.Numerics.Vector.SquareRoot(vi * inv2) + eps);
                    pi.CopyTo(p, i);
                }
            }
            for (; i < p.Length; i++)
            {
                m[i] = 0.9f * m[i] + 0.1f * g[i];
                v[i] = 0.999f * v[i] + 0.001f * g[i] * g[i];
                p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i] * invC2) + 1e-8f);
            }
            offset += p.Length;
        }

        public void Advance() => _t++;
    }
}
