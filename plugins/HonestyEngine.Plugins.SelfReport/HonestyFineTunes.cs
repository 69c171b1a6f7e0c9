using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

/// <summary>A fine-tuning data mix: the resources concatenated in order, optionally re-rendered item by item
/// (the honest-persona format). <paramref name="Label"/> names the mix in the request and the cache.</summary>
internal sealed record FineTuneMix(string Label, IReadOnlyList<string> Resources, Func<DatasetItem, DatasetItem>? Render = null);

/// <summary>Wang et al.'s generic honesty fine-tunes (and their controls) of a testbed model, shared by every method
/// that needs one: the honesty fine-tuning interventions (plugin HonestyFineTuning, which compiles this file in) and
/// <c>honest-persona-self-classification</c>. A tune is trained once per (model, mix, data, recipe, seed) in the
/// process and saved under the cell's cache directory (<see cref="FineTuneRequest.OutputDirectory"/>), so a runtime
/// that reuses saved adapters skips training on a rerun.
/// <para>Recipe: Wang et al. (2025) fine-tune Claude models and publish no epochs, learning rate or rank. Ours, for
/// models of a few million parameters: a LoRA of rank 8 (alpha 16) on every projection, learning rate 1e-3, batch 8,
/// 200 steps (1,600 examples: 5-7 epochs over our 240-300-item mixes, 3 over Goals + Follow-up). Every mix gets the
/// same steps, so mixes are compared at equal compute. The quick profile trains <see cref="QuickSteps"/> steps (named and
/// cached apart).</para></summary>
internal static class HonestyFineTunes
{
    public const int Steps = 200;
    /// <summary>Steps in the quick profile. `honesty run --quick` must finish all ~42 methods on ~18 testbeds in 10 minutes
    /// on 2 cores, and it trains about 8 tunes per testbed (3 honesty mixes, 3 honest-persona mixes, the baseline control,
    /// the introspection adapter): ~140 tunes. A step (batch 8 of ~80 tokens, rank-8 LoRA on the 3.4M-parameter base) took
    /// 0.2-0.8 s here depending on load, so 16 steps keep each tune to a few seconds. 16 steps at lr 1e-3 move the
    /// model only a little: quick-profile numbers for the fine-tuned methods are a smoke test, not results.</summary>
    public const int QuickSteps = 16;
    public const float LearningRate = 1e-3f;
    public const int LoraRank = 8;
    public const float LoraAlpha = 16;
    public const int BatchSize = 8;

    /// <summary>model -> (mix + fingerprint) -> tuned model. Each plugin is its own assembly (and load context), so a
    /// static table would give each plugin its own copy; the table lives in AppContext, whose value types (BCL and
    /// contract types) every plugin shares, so a tune made for one plugin's cell serves the others.</summary>
    private const string TableKey = "HonestyEngine.HonestyFineTunes.v1";

    public static IModelHandle FollowUp(MethodContext context, string method)
        => Tune(context, method, new FineTuneMix(ResourceNames.HonestyFollowUp, [ResourceNames.HonestyFollowUp]));

    /// <summary>The mix's training items, checked: each resource present and non-empty, every item with a response.</summary>
    public static List<DatasetItem> Data(MethodContext context, string method, FineTuneMix mix)
    {
        var data = new List<DatasetItem>();
        foreach (var name in mix.Resources)
        {
            var items = context.Resources.Get(name);
            if (items.Count == 0)
                throw new MethodInputException($"{method}: resource '{name}' is empty, so there is nothing to fine-tune on.");
            foreach (var item in items)
            {
                if (string.IsNullOrEmpty(item.Response))
                    throw new MethodInputException($"{method}: item '{item.Id}' of resource '{name}' has no Response to train on.");
                data.Add(mix.Render is null ? item : mix.Render(item));
            }
        }
        return data;
    }

    /// <summary>The request for a mix (name, recipe, output folder under the cell's cache, keyed by a data fingerprint).</summary>
    public static FineTuneRequest Request(MethodContext context, FineTuneMix mix, IReadOnlyList<DatasetItem> data)
    {
        var request = new FineTuneRequest(
            Name: $"{mix.Label}-seed{context.Seed}",
            Data: data,
            Steps: context.Profile == RunProfile.Quick ? QuickSteps : Steps,
            LearningRate: LearningRate,
            LoraRank: LoraRank,
            LoraAlpha: LoraAlpha,
            BatchSize: BatchSize,
            Seed: context.Seed);
        return request with { OutputDirectory = Path.Combine(context.CacheDirectory, "fine-tunes", $"{request.Name}-{Fingerprint(request)}") };
    }

    public static IModelHandle Tune(MethodContext context, string method, FineTuneMix mix)
    {
        var data = Data(context, method, mix);
        var request = Request(context, mix, data);
        var model = context.Model;
        var perModel = Table().GetValue(model, _ => new Dictionary<string, IModelHandle>());
        string key = Path.GetFileName(request.OutputDirectory!);
        lock (perModel)
        {
            if (perModel.TryGetValue(key, out var tuned)) return tuned;
            context.Log($"{method}: fine-tuning {model.Info.Name} on {string.Join(" + ", mix.Resources.Select(r => $"'{r}'"))} " +
                        $"({data.Count} examples, LoRA rank {LoraRank}, {request.Steps} steps, lr {LearningRate}) -> {request.OutputDirectory}");
            try
            {
                tuned = model.FineTune(request, context.CancellationToken);
            }
            catch (NotSupportedException e)
            {
                throw new MethodInputException($"{method}: model '{model.Info.Name}' of testbed '{context.Testbed.Name}' cannot be fine-tuned: {e.Message}", e);
            }
            perModel[key] = tuned;
            return tuned;
        }
    }

    private static ConditionalWeakTable<IModelHandle, Dictionary<string, IModelHandle>> Table()
    {
        // Locking on the contract's request type: the one object every plugin assembly sees as the same.
        lock (typeof(FineTuneRequest))
        {
            if (AppContext.GetData(TableKey) is ConditionalWeakTable<IModelHandle, Dictionary<string, IModelHandle>> table) return table;
            table = new();
            AppContext.SetData(TableKey, table);
            return table;
        }
    }

    /// <summary>12 hex digits of SHA-256 over the recipe and every item's id, messages and response.</summary>
    internal static string Fingerprint(FineTuneRequest request)
    {
        var sb = new StringBuilder();
        sb.Append(request.Name).Append('|').Append(request.Steps).Append('|').Append(request.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
          .Append('|').Append(request.LoraRank).Append('|').Append(request.LoraAlpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
          .Append('|').Append(request.FullFineTune).Append('|').Append(request.BatchSize).Append('|').Append(request.Seed).Append('\n');
        foreach (var item in request.Data)
        {
            sb.Append(item.Id).Append('\u0001');
            foreach (var m in item.Messages) sb.Append(m.Role).Append('\u0002').Append(m.Content).Append('\u0003');
            sb.Append(item.Response).Append('\u0001');
            if (item.Meta is not null)
                foreach (var kv in item.Meta.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(kv.Key).Append('=').Append(kv.Value).Append(';');
            sb.Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..12];
    }
}
