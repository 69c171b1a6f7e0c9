using System.Buffers.Binary;
using System.Diagnostics;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.SafeTensors;

/// <summary>Seeded mutations of real fixture files: opening them must either succeed or fail with the format
/// exceptions, never crash otherwise, never hang.</summary>
public class FuzzTests
{
    private static byte[] Mutate(byte[] src, Random rng, int headerEnd)
    {
        var b = (byte[])src.Clone();
        switch (rng.Next(6))
        {
            case 0: // flip bytes inside the header
                for (int i = 0, n = rng.Next(1, 8); i < n; i++) b[rng.Next(8, headerEnd)] ^= (byte)rng.Next(1, 256);
                break;
            case 1: // replace a header byte with a JSON-significant character
                for (int i = 0, n = rng.Next(1, 4); i < n; i++) b[rng.Next(8, headerEnd)] = (byte)"{}[],:\"0123456789-eE."[rng.Next(21)];
                break;
            case 2: // lie about the header length
                BinaryPrimitives.WriteUInt64LittleEndian(b, rng.Next(3) switch { 0 => (ulong)rng.NextInt64(), 1 => (ulong)rng.Next(0, headerEnd + 64), _ => ulong.MaxValue - (ulong)rng.Next(100) });
                break;
            case 3: // truncate
                return b[..rng.Next(0, b.Length)];
            case 4: // overwrite a digit run in the header (offsets and shapes)
                {
                    int i = rng.Next(8, headerEnd);
                    while (i < headerEnd && (b[i] < '0' || b[i] > '9')) i++;
                    for (; i < headerEnd && b[i] >= '0' && b[i] <= '9'; i++) b[i] = (byte)('0' + rng.Next(10));
                    break;
                }
            default: // append garbage
                return [.. b, .. Enumerable.Range(0, rng.Next(1, 64)).Select(_ => (byte)rng.Next(256))];
        }
        return b;
    }

    [Fact]
    public void MutatedSafetensorsNeverCrashOrHang()
    {
        var src = File.ReadAllBytes(Path.Combine(Fixtures.Model("gpt2"), "model.safetensors"));
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(src);
        using var tmp = new TempDir();
        var rng = new Random(20261123);
        int failures = 0, opened = 0;
        for (int iter = 0; iter < 250; iter++)
        {
            var path = tmp.File($"m{iter % 4}.safetensors");
            File.WriteAllBytes(path, Mutate(src, rng, headerEnd));
            var sw = Stopwatch.StartNew();
            try
            {
                using var f = SafeTensorsFile.Open(path);
                foreach (var name in f.Tensors.Keys) f.ReadFloat32(name);
                opened++;
            }
            catch (SafeTensorsFormatException e) { Assert.Contains(path, e.Message); failures++; }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"iteration {iter} took {sw.Elapsed}");
        }
        Assert.True(failures > 60, $"only {failures} mutations were rejected");
    }

    [Fact]
    public void MutatedModelFoldersFailWithModelOrFormatErrorsOnly()
    {
        var dir = Fixtures.Model("qwen3");
        var weights = File.ReadAllBytes(Path.Combine(dir, "model.safetensors"));
        var config = File.ReadAllBytes(Path.Combine(dir, "config.json"));
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(weights);
        using var tmp = new TempDir();
        var rng = new Random(7);
        for (int iter = 0; iter < 30; iter++)
        {
            bool mutateConfig = iter % 2 == 0;
            var cfg = (byte[])config.Clone();
            if (mutateConfig)
                for (int i = 0, n = rng.Next(1, 4); i < n; i++) cfg[rng.Next(cfg.Length)] = (byte)"{}[],:\"0123456789-.ax"[rng.Next(21)];
            File.WriteAllBytes(tmp.File("config.json"), cfg);
            File.WriteAllBytes(tmp.File("model.safetensors"), mutateConfig ? weights : Mutate(weights, rng, headerEnd));
            try { TransformerModel.Load(tmp.Path); }
            catch (Exception e) when (e is ModelConfigException or SafeTensorsFormatException) { Assert.False(string.IsNullOrWhiteSpace(e.Message)); }
        }
    }
}
