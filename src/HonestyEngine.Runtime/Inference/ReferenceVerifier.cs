using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Inference;

/// <summary>One compared quantity of one reference case.</summary>
public sealed record VerificationEntry(int Case, string Quantity, double MaxAbsError, bool Passed, string? Detail = null);

/// <summary>The outcome of comparing a model with a reference.safetensors (format in
/// shared/fixtures/hf-reference/README.md: case{c}.input_ids, .embed, .layer{i}, .final_norm, .logits, .greedy).</summary>
public sealed record VerificationReport(IReadOnlyList<VerificationEntry> Entries)
{
    public bool Passed => Entries.Count > 0 && Entries.All(e => e.Passed);
}

/// <summary>Runs every case of a reference file through the model with hooks on the residual stream, compares each
/// quantity at an absolute tolerance, and checks the greedy continuation (decoded with the KV cache).</summary>
public static class ReferenceVerifier
{
    public static VerificationReport Verify(TransformerModel model, string referencePath, double tolerance = 1e-4, bool useAdapter = true)
    {
        using var reference = SafeTensorsFile.Open(referencePath);
        var entries = new List<VerificationEntry>();
        var c = model.Config;
        for (int k = 0; ; k++)
        {
            string p = $"case{k}.";
            if (!reference.Contains(p + "input_ids")) break;
            var ids = reference.ReadInt64(p + "input_ids").Select(v => checked((int)v)).ToArray();
            var hooks = new List<string> { HookNames.ResidPre(0), HookNames.FinalNorm };
            for (int l = 0; l < c.NumLayers; l++) hooks.Add(HookNames.ResidPost(l));
            var runner = new HookRunner(HookSpec.Reading(PositionSelector.All, [.. hooks]), ids.Length, c.HiddenSize, model.IsHook);
            var cache = model.NewCache(ids.Length + 16);
            var logits = model.Forward(cache, ids, runner, LogitsMode.All, useAdapter);
            var (acts, _) = runner.Results();

            void Compare(string quantity, ReadOnlySpan<float> actual)
            {
                string key = p + quantity;
                if (!reference.Contains(key)) { entries.Add(new(k, quantity, double.NaN, false, $"'{key}' not in the reference file")); return; }
                var expected = reference.ReadFloat32(key);
                if (expected.Length != actual.Length)
                {
                    entries.Add(new(k, quantity, double.NaN, false, $"reference has {expected.Length} values, model produced {actual.Length}"));
                    return;
                }
                double max = 0;
                for (int i = 0; i < expected.Length; i++)
                {
                    double e = Math.Abs((double)expected[i] - actual[i]);
                    if (!(e <= max)) max = double.IsNaN(e) ? double.PositiveInfinity : e;
                }
                entries.Add(new(k, quantity, max, max <= tolerance));
            }

            Compare("embed", acts[HookNames.ResidPre(0)].Data);
            for (int l = 0; l < c.NumLayers; l++) Compare($"layer{l}", acts[HookNames.ResidPost(l)].Data);
            Compare("final_norm", acts[HookNames.FinalNorm].Data);
            Compare("logits", logits);

            if (reference.Contains(p + "greedy"))
            {
                var expected = reference.ReadInt64(p + "greedy").Select(v => (int)v).ToArray();
                var got = Sampling.GreedyContinue(model, cache, logits.AsSpan(logits.Length - c.VocabSize), expected.Length, useAdapter);
                int firstDiff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => got[i] != expected[i], -1);
                entries.Add(new(k, "greedy", firstDiff < 0 ? 0 : 1, firstDiff < 0,
                    firstDiff < 0 ? $"[{string.Join(", ", got)}]" : $"expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}] (first difference at {firstDiff})"));
            }
        }
        if (entries.Count == 0)
            throw new SafeTensorsFormatException(reference.Path, null, "contains no case0.input_ids: not a reference file.");
        return new VerificationReport(entries);
    }
}
