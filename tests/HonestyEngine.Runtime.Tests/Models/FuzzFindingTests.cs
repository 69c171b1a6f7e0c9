using System.Text;
using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Tests.Models;

/// <summary>Defects found by the input fuzz test (HonestyEngine.Compute.Tests.InputFuzzTests, issue 17 item 10), one
/// focused test each.</summary>
public class FuzzFindingTests
{
    private static byte[] Header(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes, .. new byte[8]];
    }

    [Theory]
    [InlineData("""["0", 8]""")]
    [InlineData("""[0, true]""")]
    [InlineData("""[null, 8]""")]
    [InlineData("""[0, [8]]""")]
    public void DataOffsetsThatAreNotIntegersAreNamed(string offsets)
    {
        // Found as: InvalidOperationException "The requested operation requires an element of type 'Number'".
        using var tmp = new TempDir();
        var path = tmp.File("x.safetensors");
        File.WriteAllBytes(path, Header("""{"w":{"dtype":"F32","shape":[2],"data_offsets":""" + offsets + "}}"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("data_offsets", e.Message);
    }

    [Theory]
    [InlineData("[true]")]
    [InlineData("[[\"LlamaForCausalLM\"]]")]
    [InlineData("[5]")]
    [InlineData("\"LlamaForCausalLM\"")]
    public void ArchitecturesThatAreNotAListOfStringsAreNamed(string architectures)
    {
        // Found as: InvalidOperationException "The requested operation requires an element of type 'String'".
        using var tmp = new TempDir();
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Model("llama"), "config.json")))!.AsObject();
        cfg["architectures"] = JsonNode.Parse(architectures);
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains(tmp.File("config.json"), e.Message);
        Assert.Contains("architectures", e.Message);
    }

    /// <summary>A copy of <paramref name="text"/> with one byte of the value of <paramref name="key"/> replaced by 0xFF
    /// (never valid in UTF-8): Python's json and Rust's serde_json refuse such a file.</summary>
    private static byte[] InvalidUtf8In(string text, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        int at = text.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, key);
        bytes[Encoding.UTF8.GetByteCount(text[..at]) + 2] = 0xFF; // inside the key itself
        return bytes;
    }

    [Fact]
    public void ConfigJsonThatIsNotUtf8IsRefused()
    {
        // Found as: the model loaded (an unread key was corrupted), or InvalidOperationException "Cannot transcode
        // invalid UTF-8 JSON text" (a read key).
        using var tmp = new TempDir();
        File.Copy(Path.Combine(Fixtures.Model("llama"), "model.safetensors"), tmp.File("model.safetensors"));
        var text = File.ReadAllText(Path.Combine(Fixtures.Model("llama"), "config.json"));
        foreach (var key in new[] { "initializer_range", "model_type" })
        {
            File.WriteAllBytes(tmp.File("config.json"), InvalidUtf8In(text, key));
            var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(tmp.Path));
            Assert.Contains(tmp.File("config.json"), e.Message);
            Assert.Contains("UTF-8", e.Message);
        }
        File.WriteAllText(tmp.File("config.json"), text);
        File.WriteAllBytes(tmp.File("generation_config.json"), InvalidUtf8In("""{"eos_token_id": 2, "transformers_version": "5"}""", "transformers_version"));
        Assert.Contains(tmp.File("generation_config.json"), Assert.Throws<ModelConfigException>(() => TransformerModel.Load(tmp.Path)).Message);
    }

    [Fact]
    public void AdapterConfigThatIsNotUtf8IsRefused()
    {
        using var tmp = new TempDir();
        var adapter = Path.Combine(Fixtures.Model("llama-lora"), "adapter");
        File.Copy(Path.Combine(adapter, "adapter_model.safetensors"), tmp.File("adapter_model.safetensors"));
        File.WriteAllBytes(tmp.File("adapter_config.json"), InvalidUtf8In(File.ReadAllText(Path.Combine(adapter, "adapter_config.json")), "megatron_core"));
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Fixtures.Model("llama-lora"), tmp.Path));
        Assert.Contains(tmp.File("adapter_config.json"), e.Message);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void ShardIndexThatIsNotUtf8IsRefused()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama-sharded"), "model*"))
            File.Copy(f, tmp.File(Path.GetFileName(f)));
        File.WriteAllBytes(tmp.File("model.safetensors.index.json"), InvalidUtf8In(File.ReadAllText(tmp.File("model.safetensors.index.json")), "total_size"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(tmp.Path));
        Assert.Contains("model.safetensors.index.json", e.Message);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void TokenizerJsonThatIsNotUtf8IsRefused()
    {
        // Found as: File.ReadAllText replaced the bad byte with U+FFFD and the tokenizer loaded with a different string.
        using var tmp = new TempDir();
        var src = Path.Combine(Fixtures.RepoRoot, "testbeds", "_base", "model", "tokenizer.json");
        var text = File.ReadAllText(src);
        File.WriteAllBytes(tmp.File("tokenizer.json"), InvalidUtf8In(text, "decoder"));
        var e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(tmp.Path));
        Assert.Contains(tmp.File("tokenizer.json"), e.Message);
        Assert.Contains("UTF-8", e.Message);

        File.WriteAllText(tmp.File("tokenizer.json"), text);
        File.WriteAllBytes(tmp.File("tokenizer_config.json"), InvalidUtf8In("""{"eos_token": "<|im_end|>", "model_max_length": 512}""", "model_max_length"));
        e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(tmp.Path));
        Assert.Contains(tmp.File("tokenizer_config.json"), e.Message);
    }
}
