using HonestyEngine.Training.Blocks;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;
using static HonestyEngine.Training.Tests.GradientCheck;

namespace HonestyEngine.Training.Tests;

/// <summary>Each block's hand-written backward pass against finite differences of
/// L = sum(block(x) * R) for a fixed random R (so dL/dy = R).</summary>
public class BlockGradientTests
{
    [Fact]
    public void RmsNorm_input_and_weight_gradients_match_finite_differences()
    {
        int rows = 5, d = 12;
        var x = RandomArray(rows * d, 1);
        var w = RandomArray(d, 2, 0.5).Select(v => v + 1f).ToArray();
        var r = RandomArray(rows * d, 3);
        var y = new float[rows * d]; var rstd = new float[rows];
        double Loss() { RmsNorm.Forward(x, w, y, rstd, rows, d, 1e-5f); return Project(y, r, rows * d); }
        Loss();
        var dx = new float[rows * d]; var dw = new float[d];
        RmsNorm.Backward(r, x, w, rstd, dx, dw, rows, d);
        Check("rmsnorm dx", x, dx, Loss);
        Check("rmsnorm dw", w, dw, Loss);
    }

    [Fact]
    public void SwiGlu_gradients_match_finite_differences()
    {
        int n = 40;
        var gate = RandomArray(n, 4, 2); var up = RandomArray(n, 5); var r = RandomArray(n, 6);
        var act = new float[n];
        double Loss() { SwiGlu.Forward(gate, up, act, n); return Project(act, r, n); }
        var dg = new float[n]; var du = new float[n];
        SwiGlu.Backward(r, gate, up, dg, du, n);
        Check("swiglu dgate", gate, dg, Loss);
        Check("swiglu dup", up, du, Loss);
    }

    [Fact]
    public void Rope_backward_is_the_transpose_rotation()
    {
        int rows = 6, heads = 3, hd = 8;
        var rope = new RotaryEmbedding(hd, 10000f, 64);
        int[] pos = [0, 1, 2, 7, 30, 63];
        var x = RandomArray(rows * heads * hd, 7); var r = RandomArray(rows * heads * hd, 8);
        var y = new float[x.Length];
        double Loss() { x.CopyTo(y, 0); rope.Apply(y, pos, rows, heads, false); return Project(y, r, y.Length); }
        var dx = (float[])r.Clone();
        rope.Apply(dx, pos, rows, heads, inverse: true);
        Check("rope dx", x, dx, Loss);
    }

    [Fact]
    public void Rope_follows_the_hf_rotate_half_convention()
    {
        // Position 1, head_dim 4, theta 100: pair 0 has frequency 1, pair 1 has 100^(-1/2) = 0.1.
        var rope = new RotaryEmbedding(4, 100f, 4);
        float[] x = [1f, 2f, 3f, 4f];
        rope.Apply(x, [1], 1, 1, false);
        double c0 = Math.Cos(1), s0 = Math.Sin(1), c1 = Math.Cos(0.1), s1 = Math.Sin(0.1);
        // rotate_half: out = x*cos + cat(-x2, x1)*sin over halves (x1 = [1,2], x2 = [3,4]).
        Assert.Equal(1 * c0 - 3 * s0, x[0], 5);
        Assert.Equal(2 * c1 - 4 * s1, x[1], 5);
        Assert.Equal(3 * c0 + 1 * s0, x[2], 5);
        Assert.Equal(4 * c1 + 2 * s1, x[3], 5);
    }

    [Theory]
    [InlineData(64)]   // one block per sequence
    [InlineData(2)]    // several causal blocks, a ragged last one
    public void Grouped_query_causal_attention_gradients_match_finite_differences(int blockRows)
    {
        int heads = 4, kv = 2, hd = 6;
        var att = new CausalAttention(heads, kv, hd, blockRows);
        var layout = new SequenceLayout([5, 3]);     // two sequences, packed: no padding in between
        int rows = layout.Rows;
        var q = RandomArray(rows * heads * hd, 9); var k = RandomArray(rows * kv * hd, 10); var v = RandomArray(rows * kv * hd, 11);
        var r = RandomArray(rows * heads * hd, 12);
        var o = new float[rows * heads * hd]; var probs = new float[att.ProbabilityLength(layout)];
        double Loss() { att.Forward(layout, q, k, v, o, probs); return Project(o, r, o.Length); }
        Loss();
        var dq = new float[q.Length]; var dk = new float[k.Length]; var dv = new float[v.Length];
        att.Backward(layout, q, k, v, probs, r, dq, dk, dv);
        Check("attention dq", q, dq, Loss);
        Check("attention dk", k, dk, Loss);
        Check("attention dv", v, dv, Loss);
    }

    [Fact]
    public void Blocked_and_unblocked_attention_agree()
    {
        int heads = 2, kv = 1, hd = 8;
        var layout = new SequenceLayout([70, 9]);
        var q = RandomArray(79 * heads * hd, 31); var k = RandomArray(79 * kv * hd, 32); var v = RandomArray(79 * kv * hd, 33);
        var dO = RandomArray(79 * heads * hd, 34);
        float[] Run(int block, out float[] dq, out float[] dk, out float[] dv)
        {
            var att = new CausalAttention(heads, kv, hd, block);
            var o = new float[q.Length]; var p = new float[att.ProbabilityLength(layout)];
            att.Forward(layout, q, k, v, o, p);
            dq = new float[q.Length]; dk = new float[k.Length]; dv = new float[v.Length];
            att.Backward(layout, q, k, v, p, dO, dq, dk, dv);
            return o;
        }
        var o1 = Run(1000, out var dq1, out var dk1, out var dv1);
        var o2 = Run(16, out var dq2, out var dk2, out var dv2);
        foreach (var (a, b) in new[] { (o1, o2), (dq1, dq2), (dk1, dk2), (dv1, dv2) })
            for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-5, $"element {i}: {a[i]} vs {b[i]}");
    }

    [Fact]
    public void Attention_is_causal_and_sequences_do_not_see_each_other()
    {
        int heads = 2, kv = 1, hd = 4;
        var att = new CausalAttention(heads, kv, hd);
        var layout = new SequenceLayout([4, 4]);
        var q = RandomArray(8 * heads * hd, 13); var k = RandomArray(8 * kv * hd, 14); var v = RandomArray(8 * kv * hd, 15);
        var o1 = new float[q.Length]; var p = new float[att.ProbabilityLength(layout)];
        att.Forward(layout, q, k, v, o1, p);
        // Changing a later token of sequence 0, or anything in sequence 1, leaves sequence 0's row 1 unchanged.
        k[3 * kv * hd] += 5f; v[3 * kv * hd] += 5f; v[6 * kv * hd] += 5f;
        var o2 = new float[q.Length];
        att.Forward(layout, q, k, v, o2, p);
        for (int j = 0; j < heads * hd; j++) Assert.Equal(o1[1 * heads * hd + j], o2[1 * heads * hd + j]);
        Assert.NotEqual(o1[3 * heads * hd], o2[3 * heads * hd]);
    }

    [Fact]
    public void Linear_with_lora_gradients_match_finite_differences()
    {
        int rows = 4, inF = 7, outF = 5, rank = 3;
        var w = new ParameterTensor("w", [outF, inF], RandomArray(outF * inF, 16, 0.3));
        var pair = new LoraPair(0, "q_proj", rank, inF, outF, scale: 2f);
        RandomArray(rank * inF, 17, 0.3).CopyTo(pair.A.Value, 0);
        RandomArray(outF * rank, 18, 0.3).CopyTo(pair.B.Value, 0);
        w.SetTrainable(true); pair.A.SetTrainable(true); pair.B.SetTrainable(true);
        var x = RandomArray(rows * inF, 19); var r = RandomArray(rows * outF, 20);
        var y = new float[rows * outF]; var xa = new float[rows * rank];
        var mm = SimpleMatMul.Instance;
        double Loss() { Linear.Forward(mm, x, rows, w, pair, y, xa); return Project(y, r, y.Length); }
        Loss();
        var dx = new float[x.Length];
        Linear.Backward(mm, r, x, rows, w, pair, xa, dx, accumulateDx: false, new float[rows * rank]);
        Check("linear dx", x, dx, Loss);
        Check("linear dW", w.Value, w.Grad!, Loss);
        Check("lora dA", pair.A.Value, pair.A.Grad!, Loss);
        Check("lora dB", pair.B.Value, pair.B.Grad!, Loss);
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences_and_the_loss_is_exact()
    {
        int rows = 3, vocab = 11;
        var logits = RandomArray(rows * vocab, 21, 2);
        int[] targets = [0, 5, 10];
        var grad = new float[logits.Length];
        double Loss() => CrossEntropy.Forward(logits, targets, rows, vocab, null, 1f);
        CrossEntropy.Forward(logits, targets, rows, vocab, grad, 1f);
        Check("cross-entropy dlogits", logits, grad, Loss);
        // Exact value for row 0 from the definition.
        double lse = Math.Log(Enumerable.Range(0, vocab).Sum(j => Math.Exp(logits[j])));
        double row0 = lse - logits[0];
        double all = Loss();
        Assert.True(all > row0);
        var single = CrossEntropy.Forward(logits, [0], 1, vocab, null, 1f);
        Assert.Equal(row0, single, 5);
    }

    [Fact]
    public void Embedding_backward_scatters_rows_by_token()
    {
        int d = 3, rows = 4;
        var table = RandomArray(5 * d, 22);
        int[] tokens = [2, 0, 2, 4];
        var r = RandomArray(rows * d, 23);
        var y = new float[rows * d];
        double Loss() { Embedding.Forward(table, tokens, rows, d, y); return Project(y, r, y.Length); }
        var dTable = new float[table.Length];
        Embedding.Backward(r, tokens, rows, d, dTable);
        Check("embedding dtable", table, dTable, Loss, coordinates: 2);
        Assert.Equal(0f, dTable[1 * d]);   // token 1 never appears
    }
}
