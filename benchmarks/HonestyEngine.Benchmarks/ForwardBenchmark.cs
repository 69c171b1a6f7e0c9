using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Benchmarks;

/// <summary>`forward [small|qwen0.5b|all] [--threads N]`: prefill and decode tokens/s of the runtime on a testbed-size
/// llama (d=256, 4 layers, vocab 2k) and a Qwen2.5-0.5B-shaped qwen2 (random weights), against PyTorch
/// (Debian python3-torch, /usr/bin/python3, benchmarks/HonestyEngine.Benchmarks/ForwardTorch.py) on the same
/// checkpoint in the same run, with OPENBLAS_CORETYPE unset and =Haswell for the torch side.</summary>
internal sealed class ForwardBenchmark : IBenchmarkSuite
{
    public string Name => "forward";
    public string Description => "Prefill/decode tokens/s vs PyTorch on a testbed llama and a Qwen2.5-0.5B-shaped model; args: [small|qwen0.5b|all] [--threads N] [--repeats R (best of R, both sides; raise it on a loaded machine)] [--no-torch]";

    private const int PrefillTokens = 128, DecodeSteps = 32;

    private sealed record Shape(string Name, string Type, int D, int Layers, int Heads, int KvHeads, int Ff, int Vocab, bool Tied, double Theta);

    private static readonly Shape[] Shapes =
    [
        new("small", "llama", 256, 4, 4, 2, 688, 2048, false, 10000),
        new("qwen0.5b", "qwen2", 896, 24, 14, 2, 4864, 151936, true, 1000000),
    ];

    public int Run(string[] args)
    {
        string which = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
        int threads = Environment.ProcessorCount;
        int ti = Array.IndexOf(args, "--threads");
        if (ti >= 0 && ti + 1 < args.Length) threads = int.Parse(args[ti + 1], CultureInfo.InvariantCulture);
        Gemm.Threads = threads;
        int ri = Array.IndexOf(args, "--repeats");
        int repeats = ri >= 0 && ri + 1 < args.Length ? int.Parse(args[ri + 1], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"forward: {threads} threads, GEMM provider {Gemm.Provider} (OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset"}), prefill {PrefillTokens} tokens, decode {DecodeSteps} steps after 16");
        Console.WriteLine($"{"model",-10} {"engine",-22} {"prefill tok/s",14} {"decode tok/s",13} {"prefill x",10} {"decode x",9}   {"per CPU-second: prefill",24} {"decode",8} {"prefill x",10} {"decode x",9}");
        foreach (var shape in Shapes.Where(s => which == "all" || s.Name == which))
        {
            var dir = Path.Combine(Path.GetTempPath(), $"he-forward-{shape.Name}-{Environment.ProcessId}");
            try
            {
                WriteCheckpoint(shape, dir);
                var ours = MeasureRuntime(dir, shape.Vocab, repeats);
                Console.WriteLine($"{shape.Name,-10} {"HonestyEngine",-22} {ours.Prefill,14:F1} {ours.Decode,13:F1} {"",10} {"",9}   {ours.PrefillCpu,24:F1} {ours.DecodeCpu,8:F1}");
                if (Gemm.OpenBlasAvailable)
                {
                    // The same engine on the other GEMM provider, for comparison (ratios: other / default provider).
                    var defaultProvider = Gemm.Provider;
                    var other = defaultProvider == GemmProvider.OpenBlas ? GemmProvider.Managed : GemmProvider.OpenBlas;
                    Gemm.Provider = other;
                    try
                    {
                        var m = MeasureRuntime(dir, shape.Vocab, repeats);
                        string label = other == GemmProvider.Managed ? "  with managed GEMM" : "  with OpenBLAS GEMM";
                        Console.WriteLine($"{shape.Name,-10} {label,-22} {m.Prefill,14:F1} {m.Decode,13:F1} {m.Prefill / ours.Prefill,10:F2} {m.Decode / ours.Decode,9:F2}   " +
                                          $"{m.PrefillCpu,24:F1} {m.DecodeCpu,8:F1} {m.PrefillCpu / ours.PrefillCpu,10:F2} {m.DecodeCpu / ours.DecodeCpu,9:F2}  (vs the default provider {defaultProvider})");
                    }
                    finally { Gemm.Provider = defaultProvider; }
                }
                if (args.Contains("--no-torch")) continue;
                foreach (var core in new string?[] { null, "Haswell" })
                {
                    var torch = MeasureTorch(dir, threads, core, repeats);
                    string label = "torch " + (core is null ? "(coretype unset)" : "(Haswell)");
                    if (torch is null) { Console.WriteLine($"{shape.Name,-10} {label,-22} {"unavailable (python3-torch not installed)",14}"); continue; }
                    var t = torch;
                    Console.WriteLine($"{shape.Name,-10} {label,-22} {t.Prefill,14:F1} {t.Decode,13:F1} {ours.Prefill / t.Prefill,10:F2} {ours.Decode / t.Decode,9:F2}   " +
                                      $"{t.PrefillCpu,24:F1} {t.DecodeCpu,8:F1} {ours.PrefillCpu / t.PrefillCpu,10:F2} {ours.DecodeCpu / t.DecodeCpu,9:F2}");
                }
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        }
        Console.WriteLine("x = HonestyEngine / torch (above 1: faster than PyTorch). Wall clock: best of the repeats; per CPU-second: tokens per second of");
        Console.WriteLine("process CPU time over all repeats (spinning threads count against their side), steadier than the wall clock on a shared machine.");
        return 0;
    }

    private static void WriteCheckpoint(Shape s, string dir)
    {
        Directory.CreateDirectory(dir);
        int hd = s.D / s.Heads;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(s.Type == "llama" ? "LlamaForCausalLM" : "Qwen2ForCausalLM"),
            ["model_type"] = s.Type, ["hidden_size"] = s.D, ["num_hidden_layers"] = s.Layers, ["num_attention_heads"] = s.Heads,
            ["num_key_value_heads"] = s.KvHeads, ["head_dim"] = hd, ["intermediate_size"] = s.Ff, ["vocab_size"] = s.Vocab,
            ["rms_norm_eps"] = 1e-6, ["tie_word_embeddings"] = s.Tied, ["max_position_embeddings"] = 4096,
            ["rope_parameters"] = new JsonObject { ["rope_theta"] = s.Theta, ["rope_type"] = "default" },
        };
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var rng = new Random(1);
        float[] Rand(long n, float std)
        {
            var x = new float[n];
            for (long i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * std * 1.7320508f;
            return x;
        }
        float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();
        var entries = new List<SafeTensorsEntry> { SafeTensorsEntry.F32("model.embed_tokens.weight", [s.Vocab, s.D], Rand((long)s.Vocab * s.D, 0.02f)) };
        int q = s.Heads * hd, kv = s.KvHeads * hd;
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            entries.Add(SafeTensorsEntry.F32(p + "input_layernorm.weight", [s.D], Ones(s.D)));
            entries.Add(SafeTensorsEntry.F32(p + "post_attention_layernorm.weight", [s.D], Ones(s.D)));
            entries.Add(SafeTensorsEntry.F32(p + "self_attn.q_proj.weight", [q, s.D], Rand((long)q * s.D, 0.02f)));
            entries.Add(SafeTensorsEntry.F32(p + "self_attn.k_proj.weight", [kv, s.D], Rand((long)kv * s.D, 0.02f)));
            entries.Add(SafeTensorsEntry.F32(p + "self_attn.v_proj.weight", [kv, s.D], Rand((long)kv * s.D, 0.02f)));
            entries.Add(SafeTensorsEntry.F32(p + "self_attn.o_proj.weight", [s.D, q], Rand((long)q * s.D, 0.02f)));
            if (s.Type == "qwen2")
            {
                entries.Add(SafeTensorsEntry.F32(p + "self_attn.q_proj.bias", [q], Rand(q, 0.02f)));
                entries.Add(SafeTensorsEntry.F32(p + "self_attn.k_proj.bias", [kv], Rand(kv, 0.02f)));
                entries.Add(SafeTensorsEntry.F32(p + "self_attn.v_proj.bias", [kv], Rand(kv, 0.02f)));
            }
            entries.Add(SafeTensorsEntry.F32(p + "mlp.gate_proj.weight", [s.Ff, s.D], Rand((long)s.Ff * s.D, 0.02f)));
            entries.Add(SafeTensorsEntry.F32(p + "mlp.up_proj.weight", [s.Ff, s.D], Rand((long)s.Ff * s.D, 0.02f)));
            entries.Add(SafeTensorsEntry.F32(p + "mlp.down_proj.weight", [s.D, s.Ff], Rand((long)s.Ff * s.D, 0.02f)));
        }
        entries.Add(SafeTensorsEntry.F32("model.norm.weight", [s.D], Ones(s.D)));
        if (!s.Tied) entries.Add(SafeTensorsEntry.F32("lm_head.weight", [s.Vocab, s.D], Rand((long)s.Vocab * s.D, 0.02f)));
        SafeTensorsWriter.Write(Path.Combine(dir, "model.safetensors"), entries);
    }

    /// <summary>Wall-clock tokens/s (best of the repeats) and tokens per CPU-second of the whole process (all repeats):
    /// on a machine shared with other jobs the wall clock mostly measures the scheduler, the CPU time much less.</summary>
    private sealed record Throughput(double Prefill, double Decode, double PrefillCpu, double DecodeCpu);

    private static Throughput MeasureRuntime(string dir, int vocab, int repeats)
    {
        var model = TransformerModel.Load(dir);
        var rng = new Random(0);
        var ids = Enumerable.Range(0, PrefillTokens).Select(_ => rng.Next(vocab)).ToArray();
        // Warm-up until the JIT has tiered up (library code such as TensorPrimitives starts as quick unoptimised code and
        // is recompiled in the background; 1.5 s was not enough on a loaded machine): steady-state throughput.
        var warm = Stopwatch.StartNew();
        for (int r = 0; r < 3 || warm.Elapsed.TotalSeconds < 4; r++)
        {
            var cache = model.NewCache(PrefillTokens + 8);
            var last = model.Forward(cache, ids, null, LogitsMode.Last);
            for (int i = 0; i < 8; i++) last = model.Forward(cache, [HonestyEngine.Runtime.Inference.Sampling.Argmax(last)], null, LogitsMode.Last);
        }
        double best = double.MaxValue;
        var cpu0 = Environment.CpuUsage.TotalTime;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            model.Forward(model.NewCache(PrefillTokens), ids, null, LogitsMode.Last);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        double prefill = PrefillTokens / best;
        double prefillCpu = (double)PrefillTokens * repeats / (Environment.CpuUsage.TotalTime - cpu0).TotalSeconds;
        best = double.MaxValue;
        int rounds = Math.Max(2, repeats - 1);
        var decodeCpuTime = TimeSpan.Zero;
        for (int r = 0; r < rounds; r++)
        {
            var cache = model.NewCache(16 + DecodeSteps);
            var logits = model.Forward(cache, ids.AsSpan(0, 16), null, LogitsMode.Last);
            var sw = Stopwatch.StartNew();
            cpu0 = Environment.CpuUsage.TotalTime;
            for (int i = 0; i < DecodeSteps; i++)
                logits = model.Forward(cache, [HonestyEngine.Runtime.Inference.Sampling.Argmax(logits)], null, LogitsMode.Last);
            decodeCpuTime += Environment.CpuUsage.TotalTime - cpu0;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return new(prefill, DecodeSteps / best, prefillCpu, (double)DecodeSteps * rounds / decodeCpuTime.TotalSeconds);
    }

    private static Throughput? MeasureTorch(string dir, int threads, string? coreType, int repeats)
    {
        var script = FindScript();
        if (script is null || !File.Exists("/usr/bin/python3")) return null;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, dir, PrefillTokens.ToString(CultureInfo.InvariantCulture), DecodeSteps.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        if (coreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = coreType;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            if (stderr.Result.Contains("No module named 'torch'")) return null;
            throw new InvalidOperationException($"ForwardTorch.py failed ({p.ExitCode}): {stderr.Result}");
        }
        using var doc = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        return new(root.GetProperty("prefill_tps").GetDouble(), root.GetProperty("decode_tps").GetDouble(),
            root.GetProperty("prefill_cpu_tps").GetDouble(), root.GetProperty("decode_cpu_tps").GetDouble());
    }

    private static string? FindScript()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        return dir is null ? null : Path.Combine(dir.FullName, "benchmarks", "HonestyEngine.Benchmarks", "ForwardTorch.py");
    }
}
