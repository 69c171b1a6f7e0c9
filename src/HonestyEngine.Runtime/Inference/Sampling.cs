using HonestyEngine.Runtime.Models;

namespace HonestyEngine.Runtime.Inference;

/// <summary>Token selection from logits: greedy (argmax, lowest id on ties as torch.argmax) or seeded sampling with
/// temperature and top-p (nucleus) as transformers' TemperatureLogitsWarper and TopPLogitsWarper.</summary>
public static class Sampling
{
    public static int Argmax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Samples one token. Temperature &lt;= 0 is greedy. Top-p keeps the smallest set of most likely tokens
    /// whose probability reaches <paramref name="topP"/> (at least one token).</summary>
    public static int Sample(ReadOnlySpan<float> logits, float temperature, float topP, Random rng)
    {
        if (temperature <= 0) return Argmax(logits);
        int n = logits.Length;
        var probs = new double[n];
        double max = double.NegativeInfinity;
        for (int i = 0; i < n; i++) max = Math.Max(max, logits[i] / (double)temperature);
        double sum = 0;
        for (int i = 0; i < n; i++) { probs[i] = Math.Exp(logits[i] / (double)temperature - max); sum += probs[i]; }
        for (int i = 0; i < n; i++) probs[i] /= sum;
        var order = Enumerable.Range(0, n).ToArray();
        if (topP < 1f)
        {
            Array.Sort(order, (a, b) => probs[b].CompareTo(probs[a]) is var cmp && cmp != 0 ? cmp : a.CompareTo(b));
            double cum = 0;
            int keep = 0;
            while (keep < n) { cum += probs[order[keep]]; keep++; if (cum >= topP) break; }
            order = order[..keep];
        }
        double total = 0;
        foreach (var i in order) total += probs[i];
        double u = rng.NextDouble() * total, acc = 0;
        foreach (var i in order) { acc += probs[i]; if (u < acc) return i; }
        return order[^1];
    }

    /// <summary>Greedy decoding of <paramref name="count"/> tokens after a prefill whose last-row logits are given.</summary>
    public static int[] GreedyContinue(TransformerModel model, KvCache cache, ReadOnlySpan<float> lastLogits, int count, bool useAdapter = true)
    {
        var result = new int[count];
        if (count == 0) return result;
        result[0] = Argmax(lastLogits);
        for (int i = 1; i < count; i++)
        {
            var logits = model.Forward(cache, [result[i - 1]], null, LogitsMode.Last, useAdapter);
            result[i] = Argmax(logits);
        }
        return result;
    }
}
