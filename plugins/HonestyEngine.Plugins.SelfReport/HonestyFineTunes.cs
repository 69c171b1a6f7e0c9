using System.Runtime.CompilerServices;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

/// <summary>The generic honesty fine-tune of a testbed model (Wang et al.'s Follow-up mix), trained once per
/// (model, data, seed) in this process and shared by every cell that asks for it.</summary>
internal static class HonestyFineTunes
{
    private static readonly ConditionalWeakTable<IModelHandle, Dictionary<string, IModelHandle>> Cache = new();

    public static IModelHandle FollowUp(MethodContext context, string method)
    {
        var data = context.Resources.Get(ResourceNames.HonestyFollowUp);
        if (data.Count == 0)
            throw new MethodInputException($"{method}: resource '{ResourceNames.HonestyFollowUp}' is empty, so there is nothing to fine-tune on.");
        var model = context.Model;
        string key = $"{ResourceNames.HonestyFollowUp}/{data.Count}/{context.Seed}";
        var perModel = Cache.GetOrCreateValue(model);
        lock (perModel)
        {
            if (perModel.TryGetValue(key, out var tuned)) return tuned;
            context.Log($"{method}: fine-tuning {model.Info.Name} on '{ResourceNames.HonestyFollowUp}' ({data.Count} examples, LoRA rank 8)");
            // The request name identifies the adapter (data + seed), so a runtime that persists adapters can reuse it.
            tuned = model.FineTune(new FineTuneRequest(
                Name: $"honesty-followup-seed{context.Seed}",
                Data: data,
                Seed: context.Seed), context.CancellationToken);
            perModel[key] = tuned;
            return tuned;
        }
    }
}
