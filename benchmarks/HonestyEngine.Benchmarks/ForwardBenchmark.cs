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
    public string Description => "Prefill/decode tokens/s vs PyTorch on a testbed llama and a Qwen2.5-0.5B-shaped model.";

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
        Console.WriteLine($"forward: {threads} threads, GEMM provider {Gemm.Provider}, prefill {PrefillTokens} tokens, decode {DecodeSteps} steps after 16");
        Console.WriteLine($"{"model",-10} {"engine",-22} {"prefill tok/s",14} {"decode tok/s",13} {"prefill x",10} {"decode x",9}");
        foreach (var shape in Shapes.Where(s => which == "all" || s.Name == which))
        {
            var dir = Path.Combine(Path.GetTempPath(), $"he-forward-{shape.Name}-{Environment.ProcessId}");
            try
            {
                WriteCheckpoint(shape, dir);
                var (prefill, decode) = MeasureRuntime(dir, shape.Vocab);
                Console.WriteLine($"{shape.Name,-10} {"HonestyEngine",-22} {prefill,14:F1} {decode,13:F1}");
                if (args.Contains("--no-torch")) continue;
                foreach (var core in new string?[] { null, "Haswell" })
                {
                    var torch = MeasureTorch(dir, threads, core);
                    string label = "torch " + (core is null ? "(coretype unset)" : "(Haswell)");
                    if (torch is null) { Console.WriteLine($"{shape.Name,-10} {label,-22} {"unavailable (python3-torch not installed)",14}"); continue; }
                    Console.WriteLine($"{shape.Name,-10} {label,-22} {torch.Value.Prefill,14:F1} {torch.Value.Decode,13:F1} {prefill / torch.Value.Prefill,10:F2} {decode / torch.Value.Decode,9:F2}");
                }
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        }
        Console.WriteLine("x = HonestyEngine / torch (above 1: faster than PyTorch).");
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

    private static (double Prefill, double Decode) MeasureRuntime(string dir, int vocab)
    {
        var model = TransformerModel.Load(dir);
        var rng = new Random(0);
        var ids = Enumerable.Range(0, PrefillTokens).Select(_ => rng.Next(vocab)).ToArray();
        model.Forward(model.NewCache(), ids.AsSpan(0, 8), null, LogitsMode.Last); // warm-up / JIT
        double best = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            model.Forward(model.NewCache(PrefillTokens), ids, null, LogitsMode.Last);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        double prefill = PrefillTokens / best;
        best = double.MaxValue;
        for (int r = 0; r < 2; r++)
        {
            var cache = model.NewCache(16 + DecodeSteps);
            var logits = model.Forward(cache, ids.AsSpan(0, 16), null, LogitsMode.Last);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < DecodeSteps; i++)
                logits = model.Forward(cache, [HonestyEngine.Runtime.Inference.Sampling.Argmax(logits)], null, LogitsMode.Last);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return (prefill, DecodeSteps / best);
    }

    private static (double Prefill, double Decode)? MeasureTorch(string dir, int threads, string? coreType)
    {
        var script = FindScript();
        if (script is null || !File.Exists("/usr/bin/python3")) return null;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, dir, PrefillTokens.ToString(CultureInfo.InvariantCulture), DecodeSteps.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture) })
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
        return (doc.RootElement.GetProperty("prefill_tps").GetDouble(), doc.RootElement.GetProperty("decode_tps").GetDouble());
    }

    private static string? FindScript()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        return dir is null ? null : Path.Combine(dir.FullName, "benchmarks", "HonestyEngine.Benchmarks", "ForwardTorch.py");
    }
}
