using System.Diagnostics;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Store;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Compute.Tests;

public class ActivationStoreTests
{
    private static readonly string Hook = HookNames.ResidPost(2);

    private static List<Transcript> Transcripts(params string[] responses) => responses.Select((r, i) =>
        new Transcript($"t{i}", Splits.Eval, [ChatMessage.System("be honest"), ChatMessage.User($"question number {i} ?"), ChatMessage.Assistant(r)])).ToList();

    [Fact]
    public void A_rerun_reads_the_cache_instead_of_running_the_model()
    {
        using var dir = new TempDir();
        var model = new FakeModel();
        var ts = Transcripts("yes it is", "no", "maybe so they say");
        var first = new ActivationStore(dir.Path).Get(model, ts, Hook, "mean");
        Assert.Equal(3, model.ForwardCalls);
        var store2 = new ActivationStore(dir.Path);
        var second = store2.Get(model, ts, Hook, "mean");
        Assert.Equal(3, model.ForwardCalls);
        Assert.Equal(0, store2.ForwardPasses);
        Assert.Equal(first.Shape, second.Shape);
        Assert.Equal(first.Data, second.Data);
    }

    [Fact]
    public void Last_pools_the_final_response_token_and_mean_averages_the_response_tokens()
    {
        using var dir = new TempDir();
        var model = new FakeModel();
        var ts = Transcripts("alpha beta gamma", "delta");
        var store = new ActivationStore(dir.Path);
        var last = store.Get(model, ts, Hook, "last");
        var mean = store.Get(model, ts, Hook, "mean");
        for (int i = 0; i < ts.Count; i++)
        {
            string full = model.Render(new Prompt { Messages = ts[i].Messages, Render = ChatRenderOptions.Prefill });
            var ids = model.Tokenizer.Encode(full);
            int response = ts[i].Response.Split(' ').Length;
            for (int c = 0; c < 6; c++)
            {
                Assert.Equal(FakeModel.Value(ids[^1], ids.Length - 1, c, 2), last.Row(i)[c]);
                double expected = 0;
                for (int p = ids.Length - response; p < ids.Length; p++) expected += FakeModel.Value(ids[p], p, c, 2);
                Assert.Equal(expected / response, mean.Row(i)[c], 4);
            }
        }
    }

    [Fact]
    public void The_key_separates_adapters_hooks_pooling_and_transcripts()
    {
        using var dir = new TempDir();
        var store = new ActivationStore(dir.Path);
        var ts = Transcripts("a b", "c");
        var dirs = new[]
        {
            store.DirectoryFor(new FakeModel(), ts, Hook),
            store.DirectoryFor(new FakeModel(adapter: "/adapters/liar"), ts, Hook),
            store.DirectoryFor(new FakeModel(), ts, HookNames.ResidPost(3)),
            store.DirectoryFor(new FakeModel(), ts, Hook, "mean"),
            store.DirectoryFor(new FakeModel(), Transcripts("a b", "d"), Hook),
            store.DirectoryFor(new FakeModel(), Transcripts("c", "a b"), Hook),
        };
        Assert.Equal(dirs.Length, dirs.Distinct().Count());
        Assert.Equal(dirs[0], store.DirectoryFor(new FakeModel(), Transcripts("a b", "c"), Hook));
        Assert.Contains("blocks.2.hook_resid_post", dirs[0]);
    }

    [Fact]
    public void The_set_is_plain_safetensors_with_an_index()
    {
        using var dir = new TempDir();
        var model = new FakeModel();
        var ts = Transcripts("x y", "z");
        var store = new ActivationStore(dir.Path);
        var data = store.Get(model, ts, Hook);
        string set = store.DirectoryFor(model, ts, Hook);
        var index = ActivationIndex.Load(Path.Combine(set, "index.json"));
        Assert.Equal(["t0", "t1"], index.Ids);
        Assert.Equal(Hook, index.Hook);
        using var f = SafeTensorsFile.Open(Path.Combine(set, index.Shards[0].File));
        Assert.Equal([2L, 6L], f.Info("activations").Shape);
        Assert.Equal(data.Data, f.ReadFloat32("activations"));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(set)!), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void Python_reads_the_shards_as_is()
    {
        if (!File.Exists("/usr/bin/python3")) return; // the format check above still runs everywhere
        using var dir = new TempDir();
        var model = new FakeModel();
        var ts = Transcripts("one two", "three", "four five six");
        var store = new ActivationStore(dir.Path);
        var data = store.Get(model, ts, Hook, "mean");
        string script = Path.Combine(RepoRoot(), "benchmarks", "python", "read_activation_set.py");
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, store.DirectoryFor(model, ts, Hook, "mean")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        // the script prints rows, dim and the sum of all values
        var parts = stdout.Trim().Split(' ');
        Assert.Equal("3", parts[0]);
        Assert.Equal("6", parts[1]);
        Assert.Equal(data.Data.Sum(v => (double)v), double.Parse(parts[2]), 3);
    }

    [Fact]
    public void Large_sets_are_split_into_shards_and_read_back_whole()
    {
        using var dir = new TempDir();
        var t = new Tensor([10, 3], Enumerable.Range(0, 30).Select(i => (float)i).ToArray());
        var index = new ActivationIndex { Hook = Hook, Pooling = "last", Rows = 10, Dim = 3, Ids = Enumerable.Range(0, 10).Select(i => $"r{i}").ToList() };
        string set = Path.Combine(dir.Path, "set");
        ActivationSetIO.Write(set, index, t, maxShardBytes: 4 * 3 * 4);
        var (readIndex, back) = ActivationSetIO.Read(set);
        Assert.Equal(3, readIndex.Shards.Count);
        Assert.Equal(t.Data, back.Data);
    }

    [Fact]
    public void NaN_from_the_model_is_reported_and_nothing_is_cached()
    {
        using var dir = new TempDir();
        var model = new FakeModel { Override = (p, c, l) => c == 4 ? float.NaN : 1f };
        var ts = Transcripts("a", "b");
        var store = new ActivationStore(dir.Path);
        var e = Assert.Throws<MethodInputException>(() => store.Get(model, ts, Hook));
        Assert.Contains("'t0'", e.Message);
        Assert.Contains("column 4", e.Message);
        Assert.False(Directory.Exists(store.DirectoryFor(model, ts, Hook)));
    }

    [Fact]
    public void Mean_pooling_needs_a_response_and_pooling_names_are_checked()
    {
        using var dir = new TempDir();
        var store = new ActivationStore(dir.Path);
        var t = new Transcript("p", Splits.Eval, [ChatMessage.User("hi")]);
        Assert.Contains("does not end with an assistant message", Assert.Throws<MethodInputException>(() => store.Get(new FakeModel(), [t], Hook, "mean")).Message);
        Assert.Contains("Unknown pooling 'max'", Assert.Throws<MethodInputException>(() => store.Get(new FakeModel(), [t], Hook, "max")).Message);
        Assert.Equal(1, store.Get(new FakeModel(), [t], Hook, "last").Rows);
    }

    [Fact]
    public void A_shard_whose_header_disagrees_with_the_index_is_named()
    {
        using var dir = new TempDir();
        var model = new FakeModel();
        var ts = Transcripts("a b", "c d");
        var store = new ActivationStore(dir.Path);
        store.Get(model, ts, Hook);
        string set = store.DirectoryFor(model, ts, Hook);
        string shard = Path.Combine(set, "shard-00000.safetensors");
        SafeTensorsWriter.Write(shard, [SafeTensorsEntry.F32("activations", [3, 4], new float[12])]);
        var e = Assert.Throws<InvalidDataException>(() => new ActivationStore(dir.Path).Get(model, ts, Hook));
        Assert.Contains(shard, e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }

    [Fact]
    public void A_safetensors_header_that_lies_about_its_data_is_named()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "lies.safetensors");
        // header claims 2 x 4 float32 (32 bytes) but only 8 bytes of data follow
        string header = "{\"layer_0\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,32]}}";
        using (var fs = File.Create(path))
        {
            fs.Write(BitConverter.GetBytes((ulong)header.Length));
            fs.Write(System.Text.Encoding.UTF8.GetBytes(header));
            fs.Write(new byte[8]);
        }
        string labels = Path.Combine(dir.Path, "labels.jsonl");
        File.WriteAllLines(labels, ["{\"id\":\"a\",\"label\":0,\"split\":\"train\"}", "{\"id\":\"b\",\"label\":1,\"split\":\"train\"}"]);
        var e = Assert.ThrowsAny<Exception>(() => ImportedActivations.Open(path, labels));
        Assert.IsType<SafeTensorsFormatException>(e);
        Assert.Contains(path, e.Message);
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "HonestyEngine.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("HonestyEngine.sln not found above the test binaries.");
    }
}
