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
    /// <summary>Compares the model with every case of the reference file.</summary>
    /// <exception cref="SafeTensorsFormatException">The reference is malformed (names the file and the tensor): input
    /// ids that are empty, not 1-D or outside the vocabulary; a quantity whose shape is not [T, d] / [T, vocab]; an
    /// empty greedy continuation; a tensor that is not part of the format (e.g. a layer the model does not have).</exception>
    public static VerificationReport Verify(TransformerModel model, string referencePath, double tolerance = 1e-4, bool useAdapter = true)
    {
        using var reference = SafeTensorsFile.Open(referencePath);
        var entries = new List<VerificationEntry>();
        var c = model.Config;
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; ; k++)
        {
            string p = $"case{k}.";
            if (!reference.Contains(p + "input_ids")) break;
            var ids = TokenIds(reference, p + "input_ids", c.VocabSize, used);
            int[]? expectedGreedy = reference.Contains(p + "greedy") ? TokenIds(reference, p + "greedy", c.VocabSize, used) : null;
            int total = ids.Length + Math.Max(0, (expectedGreedy?.Length ?? 0) - 1);
            if (c.LearnedPositions && total > c.MaxPositions)
                throw new SafeTensorsFormatException(reference.Path, p + "input_ids",
                    $"{ids.Length} prompt tokens and {expectedGreedy?.Length ?? 0} greedy tokens exceed n_positions {c.MaxPositions} of the model.");
            var hooks = new List<string> { HookNames.ResidPre(0), HookNames.FinalNorm };
            for (int l = 0; l < c.NumLayers; l++) hooks.Add(HookNames.ResidPost(l));
            var runner = new HookRunner(HookSpec.Reading(PositionSelector.All, [.. hooks]), ids.Length, c.HiddenSize, model.IsHook);
            var cache = model.NewCache(total + 1);
            var logits = model.Forward(cache, ids, runner, LogitsMode.All, useAdapter);
            var (acts, _) = runner.Results();

            void Compare(string quantity, ReadOnlySpan<float> actual, int width)
            {
                string key = p + quantity;
                if (!reference.Contains(key)) { entries.Add(new(k, quantity, double.NaN, false, $"'{key}' not in the reference file")); return; }
                used.Add(key);
                var info = reference.Info(key);
                // The shape, not only the element count: [1, T * vocab] or [d, T] with the right numbers is not this format.
                if (!info.Shape.SequenceEqual([(long)ids.Length, width]))
                    throw new SafeTensorsFormatException(reference.Path, key,
                        $"has shape {info.ShapeText}; expected [{ids.Length}, {width}] ({ids.Length} input ids x {(quantity == "logits" ? $"vocab_size {width}" : $"hidden size {width}")}).");
                var expected = reference.ReadFloat32(key);
                double max = 0;
                for (int i = 0; i < expected.Length; i++)
                {
                    double e = Math.Abs((double)expected[i] - actual[i]);
                    if (!(e <= max)) max = double.IsNaN(e) ? double.PositiveInfinity : e;
                }
                entries.Add(new(k, quantity, max, max <= tolerance));
            }

            Compare("embed", acts[HookNames.ResidPre(0)].Data, c.HiddenSize);
            for (int l = 0; l < c.NumLayers; l++) Compare($"layer{l}", acts[HookNames.ResidPost(l)].Data, c.HiddenSize);
            Compare("final_norm", acts[HookNames.FinalNorm].Data, c.HiddenSize);
            Compare("logits", logits, c.VocabSize);

            if (expectedGreedy is null) entries.Add(new(k, "greedy", double.NaN, false, $"'{p}greedy' not in the reference file"));
            else
            {
                var expected = expectedGreedy;
                var got = Sampling.GreedyContinue(model, cache, logits.AsSpan(logits.Length - c.VocabSize), expected.Length, useAdapter);
                int firstDiff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => got[i] != expected[i], -1);
                entries.Add(new(k, "greedy", firstDiff < 0 ? 0 : 1, firstDiff < 0,
                    firstDiff < 0 ? $"[{string.Join(", ", got)}]" : $"expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}] (first difference at {firstDiff})"));
            }
        }
        if (entries.Count == 0)
            throw new SafeTensorsFormatException(reference.Path, null, "contains no case0.input_ids: not a reference file.");
        // Anything else would be silently ignored: a case after a gap, a layer this model does not have, a misspelt name.
        var unused = reference.Tensors.Keys.Where(n => !used.Contains(n)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unused is not null)
            throw new SafeTensorsFormatException(reference.Path, unused,
                $"is not a quantity this reference format has for a {c.NumLayers}-layer model (case{{c}}.input_ids, .embed, .layer{{0..{c.NumLayers - 1}}}, .final_norm, .logits, .greedy, for consecutive c from 0).");
        return new VerificationReport(entries);
    }

    /// <summary>A 1-D, non-empty integer tensor of ids within the vocabulary.</summary>
    private static int[] TokenIds(SafeTensorsFile reference, string name, int vocab, HashSet<string> used)
    {
        used.Add(name);
        var info = reference.Info(name);
        if (info.Shape.Length != 1) throw new SafeTensorsFormatException(reference.Path, name, $"has shape {info.ShapeText}; expected a 1-D list of token ids.");
        if (info.Shape[0] == 0) throw new SafeTensorsFormatException(reference.Path, name, "is empty; a reference needs at least one token here.");
        var raw = reference.ReadInt64(name);
        int bad = Array.FindIndex(raw, v => v < 0 || v >= vocab);
        if (bad >= 0) throw new SafeTensorsFormatException(reference.Path, name, $"has id {raw[bad]} at position {bad}, outside the model's vocabulary (vocab_size {vocab}).");
        return Array.ConvertAll(raw, v => (int)v);
    }
}
