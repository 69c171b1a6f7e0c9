namespace HonestyEngine.Abstractions;

/// <summary>Hook point names, exactly as TransformerLens spells them, so papers translate directly.</summary>
public static class HookNames
{
    public static string ResidPre(int layer) => $"blocks.{layer}.hook_resid_pre";
    public static string ResidMid(int layer) => $"blocks.{layer}.hook_resid_mid";
    public static string ResidPost(int layer) => $"blocks.{layer}.hook_resid_post";
    public static string AttnOut(int layer) => $"blocks.{layer}.hook_attn_out";
    public static string MlpOut(int layer) => $"blocks.{layer}.hook_mlp_out";
    public const string Embed = "hook_embed";
    public const string FinalNorm = "ln_final.hook_normalized";

    /// <summary>Parses "blocks.{i}.hook_x" into (i, "hook_x"); returns false for other names.</summary>
    public static bool TryParseBlock(string name, out int layer, out string point)
    {
        layer = -1; point = "";
        if (!name.StartsWith("blocks.", StringComparison.Ordinal)) return false;
        int dot = name.IndexOf('.', 7);
        if (dot < 0 || !int.TryParse(name.AsSpan(7, dot - 7), out layer)) return false;
        point = name[(dot + 1)..];
        return point is "hook_resid_pre" or "hook_resid_mid" or "hook_resid_post" or "hook_attn_out" or "hook_mlp_out";
    }
}

/// <summary>Which token positions a hook reads or writes.</summary>
public sealed record PositionSelector
{
    public PositionKind Kind { get; init; }
    /// <summary>For <see cref="PositionKind.Mask"/>: one flag per token of the sequence.</summary>
    public bool[]? Mask { get; init; }
    /// <summary>For <see cref="PositionKind.FromIndex"/>: positions from this index (negative counts from the end).</summary>
    public int Start { get; init; }

    public static readonly PositionSelector All = new() { Kind = PositionKind.All };
    public static readonly PositionSelector Last = new() { Kind = PositionKind.Last };
    public static PositionSelector FromMask(bool[] mask) => new() { Kind = PositionKind.Mask, Mask = mask };
    public static PositionSelector From(int start) => new() { Kind = PositionKind.FromIndex, Start = start };

    /// <summary>Resolves to concrete indices for a sequence of <paramref name="length"/> tokens.</summary>
    public int[] Resolve(int length)
    {
        switch (Kind)
        {
            case PositionKind.All: return Enumerable.Range(0, length).ToArray();
            case PositionKind.Last: return length == 0 ? [] : [length - 1];
            case PositionKind.FromIndex:
                int s = Start < 0 ? Math.Max(0, length + Start) : Math.Min(Start, length);
                return Enumerable.Range(s, length - s).ToArray();
            case PositionKind.Mask:
                if (Mask is null || Mask.Length != length)
                    throw new ArgumentException($"Position mask has length {Mask?.Length ?? 0} but the sequence has {length} tokens.");
                var idx = new List<int>();
                for (int i = 0; i < length; i++) if (Mask[i]) idx.Add(i);
                return idx.ToArray();
            default: throw new ArgumentOutOfRangeException(nameof(Kind));
        }
    }
}

public enum PositionKind { All, Last, Mask, FromIndex }

/// <summary>A write hook applied during the forward pass. A read at the same hook point sees the
/// edited value, so a cache shows what the later layers actually received.</summary>
public abstract record HookEdit(string Hook, PositionSelector Positions);

/// <summary>x += Coefficient * Vector (steering).</summary>
public sealed record AddVectorEdit(string Hook, float[] Vector, float Coefficient, PositionSelector Positions) : HookEdit(Hook, Positions);

/// <summary>x *= Factor.</summary>
public sealed record ScaleEdit(string Hook, float Factor, PositionSelector Positions) : HookEdit(Hook, Positions);

/// <summary>x += N(0, Std^2) noise drawn from a generator seeded with Seed (fuzzing).</summary>
public sealed record GaussianNoiseEdit(string Hook, float Std, int Seed, PositionSelector Positions) : HookEdit(Hook, Positions);

/// <summary>x[p] = Values[row] for the selected positions, in order (activation patching).</summary>
public sealed record ReplaceEdit(string Hook, Tensor Values, PositionSelector Positions) : HookEdit(Hook, Positions);

/// <summary>What a forward pass should record and change.</summary>
public sealed record HookSpec(IReadOnlyList<string> Read, PositionSelector Positions, IReadOnlyList<HookEdit> Edits)
{
    public static readonly HookSpec None = new([], PositionSelector.Last, []);
    public static HookSpec Reading(PositionSelector positions, params string[] hooks) => new(hooks, positions, []);
    public static HookSpec Editing(params HookEdit[] edits) => new([], PositionSelector.Last, edits);
}
