using System.Diagnostics;
using System.Globalization;
using HonestyEngine.Training;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Benchmarks;

/// <summary>Training throughput on a testbed-size llama (d 256, 4 layers, GQA 8/4, vocab 2048,
/// 256-token sequences): tokens/s for full and LoRA fine-tuning, the achieved GFLOP/s (counted
/// analytically: 6 flops per parameter-token in the linears, plus causal attention and the head),
/// and that as a fraction of the GEMM peak measured in the same run with the same GEMM.
/// args: [steps=4] [batch=8] [seqlen=256]</summary>
internal sealed class TrainingBenchmark : IBenchmarkSuite
{
    public string Name => "training";
    public string Description => "Training tokens/s on a testbed-size llama and the fraction of GEMM peak it reaches";

    public int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        int seqLen = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 256;
        var config = new LlamaTrainingConfig
        {
            HiddenSize = 256, IntermediateSize = 688, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 4,
            VocabSize = 2048, MaxPositionEmbeddings = 256,
        };
        Console.WriteLine($"training benchmark: {config}, batch {batch} x {seqLen} tokens, {steps} timed steps, {Environment.ProcessorCount} cores");
        Console.WriteLine($"OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
        Console.WriteLine();
        Console.WriteLine($"{"gemm",-10} {"mode",-6} {"tokens/s",10} {"ms/step",9} {"GFLOP/s",9} {"GEMM peak",10} {"of peak",8}");

        foreach (var (gemmName, mm, provider) in GemmChoices())
        {
            if (provider is { } prov) Runtime.Numerics.Gemm.Provider = prov;
            double peak = GemmPeak(mm);
            foreach (var mode in new[] { "full", "lora" })
            {
                var model = ModelInit.Random(config, seed: 1);
                var data = Data(config, batch * 2, seqLen);
                var options = new TrainingOptions
                {
                    Steps = 1, BatchSize = batch, LearningRate = 1e-3f, Seed = 1,
                    Lora = mode == "lora" ? new LoraOptions { Rank = 8, Alpha = 16 } : null,
                };
                Trainer.Train(model, data, options, matMul: mm);                       // warm-up (JIT, buffers)
                model = ModelInit.Random(config, seed: 1);
                var clock = Stopwatch.StartNew();
                var report = Trainer.Train(model, data, options with { Steps = steps }, matMul: mm);
                double seconds = clock.Elapsed.TotalSeconds;
                double flops = StepFlops(config, batch, seqLen, mode == "lora", 8) * steps;
                double gflops = flops / seconds / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{gemmName,-10} {mode,-6} {report.TokensProcessed / seconds,10:F0} {seconds / steps * 1000,9:F0} {gflops,9:F1} {peak,10:F1} {gflops / peak,8:P0}"));
            }
        }
        Runtime.Numerics.Gemm.Provider = Runtime.Numerics.Gemm.OpenBlasAvailable ? Runtime.Numerics.GemmProvider.OpenBlas : Runtime.Numerics.GemmProvider.Managed;
        Breakdown(config, batch, seqLen);
        return 0;
    }

    /// <summary>Where a full fine-tuning step's time goes (runtime GEMM, default provider).</summary>
    private static void Breakdown(LlamaTrainingConfig config, int batch, int seqLen)
    {
        var model = ModelInit.Random(config, seed: 1);
        model.TrainAllParameters();
        var timed = new TimedMatMul(RuntimeMatMul.Instance);
        var compute = new LlamaComputation(model, timed);
        var packed = TrainingBatch.Create(Data(config, batch, seqLen), config.VocabSize, config.MaxPositionEmbeddings);
        var trainable = model.TrainableParameters();
        var adam = new HonestyEngine.Training.Optimization.AdamW(trainable) { WeightDecay = 0.01f };
        double fwd = 0, bwd = 0, opt = 0, gemmMs = 0, gemmFlops = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            timed.Reset();
            foreach (var p in trainable) p.ZeroGrad();
            var sw = Stopwatch.StartNew();
            compute.Forward(packed);
            double f = sw.Elapsed.TotalMilliseconds;
            compute.Backward();
            double b = sw.Elapsed.TotalMilliseconds - f;
            HonestyEngine.Training.Optimization.GradientClipping.Clip(trainable, 1.0);
            adam.Step(1e-3f);
            double o = sw.Elapsed.TotalMilliseconds - f - b;
            if (rep > 0) { fwd += f / 2; bwd += b / 2; opt += o / 2; gemmMs += timed.Milliseconds / 2; gemmFlops += timed.Flops / 2; }
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"full step breakdown ({Runtime.Numerics.Gemm.Provider}): forward {fwd:F0} ms, backward {bwd:F0} ms, clip+AdamW {opt:F0} ms; " +
            $"model GEMMs {gemmMs:F0} ms ({gemmMs / (fwd + bwd + opt):P0} of the step) at {gemmFlops / gemmMs / 1e6:F1} GFLOP/s; the rest is attention, norms, SwiGLU, softmax, optimizer"));
    }

    /// <summary>Times the model-level (multithreaded) GEMM calls; per-head attention GEMMs run through
    /// <see cref="Serial"/> inside parallel items and are not counted here.</summary>
    private sealed class TimedMatMul(IMatMul inner) : IMatMul
    {
        public double Milliseconds { get; private set; }
        public double Flops { get; private set; }
        public IMatMul Serial => inner.Serial;
        public void Reset() { Milliseconds = 0; Flops = 0; }

        public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            long t0 = Stopwatch.GetTimestamp();
            inner.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            Milliseconds += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            Flops += 2.0 * m * n * k;
        }
    }

    /// <summary>The runtime's SGEMM with each provider it has here, then the simple reference GEMM.</summary>
    private static IEnumerable<(string, IMatMul, Runtime.Numerics.GemmProvider?)> GemmChoices()
    {
        var original = Runtime.Numerics.Gemm.Provider;
        if (Runtime.Numerics.Gemm.OpenBlasAvailable) yield return ("openblas", RuntimeMatMul.Instance, Runtime.Numerics.GemmProvider.OpenBlas);
        yield return ("managed", RuntimeMatMul.Instance, Runtime.Numerics.GemmProvider.Managed);
        Runtime.Numerics.Gemm.Provider = original;
        yield return ("simple", SimpleMatMul.Instance, null);
    }

    /// <summary>Best GFLOP/s of the GEMM on the training step's own largest shapes (NT forward,
    /// NN input-gradient, TN weight-gradient), best of 5 runs each.</summary>
    private static double GemmPeak(IMatMul mm)
    {
        int m = 2048, n = 688, k = 256;
        var a = new float[m * Math.Max(n, k)]; var b = new float[Math.Max(n, m) * Math.Max(n, k)]; var c = new float[Math.Max(m, n) * Math.Max(n, k)];
        for (int i = 0; i < a.Length; i++) a[i] = (i % 17) * 0.01f;
        for (int i = 0; i < b.Length; i++) b[i] = (i % 13) * 0.01f;
        double best = 0;
        foreach (var (ta, tb, mm_, nn, kk) in new[] { (false, true, m, n, k), (false, false, m, k, n), (true, false, n, k, m) })
        {
            for (int rep = 0; rep < 5; rep++)
            {
                var sw = Stopwatch.StartNew();
                mm.Gemm(ta, tb, mm_, nn, kk, 1f, a.AsSpan(0, mm_ * kk), ta ? mm_ : kk, b.AsSpan(0, kk * nn), tb ? kk : nn, 0f, c.AsSpan(0, mm_ * nn), nn);
                best = Math.Max(best, 2.0 * mm_ * nn * kk / sw.Elapsed.TotalSeconds / 1e9);
            }
        }
        return best;
    }

    /// <summary>Flops of one optimizer step: linears 2 (forward) + 4 (backward; 2 when frozen, only dx)
    /// per weight per token, LoRA branches, causal attention (QK^T and PV: forward 2*L^2/2*hd per head
    /// each, backward twice that), head on every target row.</summary>
    private static double StepFlops(LlamaTrainingConfig c, int batch, int seqLen, bool lora, int rank)
    {
        double tokens = (double)batch * seqLen;
        int d = c.HiddenSize, ff = c.IntermediateSize, qw = c.QueryWidth, kw = c.KeyValueWidth;
        double layerWeights = (double)d * qw + 2.0 * d * kw + (double)qw * d + 3.0 * d * ff;
        double perWeight = lora ? 4 : 6;
        double linear = perWeight * layerWeights * tokens * c.NumHiddenLayers;
        if (lora)
        {
            double loraWeights = rank * ((d + qw) + 2.0 * (d + kw) + (qw + d) + 3.0 * (d + ff));
            linear += 6 * loraWeights * tokens * c.NumHiddenLayers;
        }
        double attention = 3 * (2 * 2.0 * seqLen * seqLen / 2 * c.ResolvedHeadDim * c.NumAttentionHeads) * batch * c.NumHiddenLayers;
        double head = (lora ? 4 : 6) * (double)d * c.VocabSize * (tokens - batch);
        return linear + attention + head;
    }

    private static List<TrainingExample> Data(LlamaTrainingConfig c, int count, int seqLen)
    {
        var rng = new SeededRandom(7);
        return Enumerable.Range(0, count)
            .Select(_ => new TrainingExample(Enumerable.Range(0, seqLen).Select(_ => rng.NextInt(c.VocabSize)).ToArray()))
            .ToList();
    }
}
