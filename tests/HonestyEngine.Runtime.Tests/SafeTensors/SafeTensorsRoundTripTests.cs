using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.SafeTensors;

public class SafeTensorsRoundTripTests
{
    [Fact]
    public void WritesAndReadsEveryDType()
    {
        using var tmp = new TempDir();
        var path = tmp.File("a.safetensors");
        float[] f = [1.5f, -2.25f, 0.125f, 65504f, 0f, -0f];
        SafeTensorsWriter.Write(path, [
            ("f32", "F32", new[] { 2, 3 }, (Array)f),
            ("bf16", "BF16", new[] { 6 }, f),
            ("f16", "F16", new[] { 3, 2 }, f),
            ("i64", "I64", new[] { 3 }, new long[] { 1, -5, long.MaxValue }),
            ("i32", "I32", new[] { 2 }, new int[] { 7, -7 }),
            ("scalar", "F32", Array.Empty<int>(), new float[] { 42f }),
            ("empty", "F32", new[] { 0, 4 }, Array.Empty<float>()),
        ], new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(f, file.ReadFloat32("f32"));
        Assert.Equal(new long[] { 2, 3 }, file.Info("f32").Shape);
        Assert.Equal(f, file.ReadFloat32("f16")); // all exactly representable in half
        var bf = file.ReadFloat32("bf16");
        for (int i = 0; i < f.Length; i++) Assert.True(Math.Abs(bf[i] - f[i]) <= Math.Abs(f[i]) / 128, $"bf16 {i}");
        Assert.Equal(new long[] { 1, -5, long.MaxValue }, file.ReadInt64("i64"));
        Assert.Equal(new long[] { 7, -7 }, file.ReadInt64("i32"));
        Assert.Equal(new float[] { 42f }, file.ReadFloat32("scalar"));
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp")); // temp file renamed away
    }

    [Fact]
    public void BFloat16RoundingIsNearestEven()
    {
        // 1 + 2^-8 is exactly halfway between two bf16 values (1 and 1+2^-7): ties go to even (1).
        float[] src = [1f + 1f / 256, 1f + 3f / 256, float.NaN, float.PositiveInfinity];
        var dst = new ushort[4];
        DTypeConversion.Float32ToBFloat16(src, dst);
        var back = new float[4];
        DTypeConversion.BFloat16ToFloat32(dst, back);
        Assert.Equal(1f, back[0]);
        Assert.Equal(1f + 4f / 256, back[1]);
        Assert.True(float.IsNaN(back[2]));
        Assert.Equal(float.PositiveInfinity, back[3]);
    }

    [Fact]
    public void LargeBf16ConversionMatchesScalarPath()
    {
        var rng = new Random(3);
        var src = new ushort[1000];
        for (int i = 0; i < src.Length; i++) src[i] = (ushort)rng.Next(0, 65536);
        var dst = new float[src.Length];
        DTypeConversion.BFloat16ToFloat32(src, dst);
        for (int i = 0; i < src.Length; i++) Assert.Equal((uint)src[i] << 16, BitConverter.SingleToUInt32Bits(dst[i]));
    }

    [Fact]
    public void OverwritesExistingFileAtomically()
    {
        using var tmp = new TempDir();
        var path = tmp.File("b.safetensors");
        SafeTensorsWriter.Write(path, [SafeTensorsEntry.F32("x", [1], [1f])]);
        SafeTensorsWriter.Write(path, [SafeTensorsEntry.F32("y", [2], [2f, 3f])]);
        using var file = SafeTensorsFile.Open(path);
        Assert.False(file.Contains("x"));
        Assert.Equal(new[] { 2f, 3f }, file.ReadFloat32("y"));
    }

    [Fact]
    public void WriterRejectsMismatchedData()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.From("x", "F32", [2, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.From("x", "Q4", [1], new float[1]));
        using var tmp = new TempDir();
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(tmp.File("d.safetensors"),
            [SafeTensorsEntry.F32("x", [1], [1f]), SafeTensorsEntry.F32("x", [1], [1f])]));
    }

    [Fact]
    public void ReadsFixtureCheckpointSingleAndSharded()
    {
        using var single = SafeTensorsCheckpoint.Open(Fixtures.Model("llama"));
        Assert.True(single.Contains("model.embed_tokens.weight"));
        Assert.Equal(new long[] { 512, 64 }, single.Info("model.embed_tokens.weight").Shape);

        using var sharded = SafeTensorsCheckpoint.Open(Fixtures.Model("llama-sharded"));
        Assert.Equal(10, sharded.Files.Count);
        Assert.True(sharded.Contains("lm_head.weight"));
        Assert.EndsWith("model-00009-of-00010.safetensors", sharded.FileOf("lm_head.weight").Path);

        using var bf16 = SafeTensorsCheckpoint.Open(Fixtures.Model("qwen2-bf16"));
        Assert.Contains(bf16.TensorNames, n => bf16.Info(n).DType == SafeTensorDType.BF16);
    }
}
