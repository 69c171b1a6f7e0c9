using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;

namespace HonestyEngine.Training;

/// <summary>Turns a <see cref="DatasetItem"/> into a loss-masked token sequence, rendered with the model's chat template.
/// Chat items: Messages + assistant Response, loss on the assistant tokens only (meta "loss" = "all": every token).
/// Documents (meta "format" = "document", no Messages): every token of Response.</summary>
public static class FineTuneExamples
{
    public static TrainingExample FromItem(TransformerModelHandle handle, DatasetItem item, int index, string jobName)
    {
        string where = $"fine-tune '{jobName}', item {index} ('{item?.Id}')";
        if (item is null) throw new MethodInputException($"{where}: the item is null.");
        if (string.IsNullOrEmpty(item.Response))
            throw new MethodInputException($"{where}: the item has no Response to train on.");
        var tokenizer = handle.Tokenizer;
        bool document = item.GetMeta("format") == "document";
        if (document || item.Messages is null || item.Messages.Count == 0)
        {
            if (!document) throw new MethodInputException($"{where}: the item has no Messages (mark plain documents with meta format=document).");
            return new TrainingExample(tokenizer.Encode(item.Response, addSpecialTokens: true));
        }

        string prompt = handle.Render(new Prompt { Messages = item.Messages, Render = ChatRenderOptions.Generation });
        string full = handle.Render(new Prompt { Messages = [.. item.Messages, ChatMessage.Assistant(item.Response)], Render = ChatRenderOptions.Complete });
        if (!full.StartsWith(prompt, StringComparison.Ordinal))
            throw new MethodInputException($"{where}: the chat template does not render the prompt as a prefix of the full conversation.");
        int[] promptIds = tokenizer.Encode(prompt, addSpecialTokens: false);
        int[] ids = tokenizer.Encode(full, addSpecialTokens: false);
        if (item.GetMeta("loss") == "all") return new TrainingExample(ids);
        // The prompt's tokens are normally a prefix of the full sequence's; where a merge crosses the boundary,
        // the loss starts at the first token that differs.
        int start = 0;
        while (start < promptIds.Length && start < ids.Length && promptIds[start] == ids[start]) start++;
        var mask = new bool[ids.Length];
        for (int t = Math.Max(start, 1); t < ids.Length; t++) mask[t] = true;
        if (start >= ids.Length) throw new MethodInputException($"{where}: the response adds no tokens after the prompt.");
        return new TrainingExample(ids, mask);
    }
}
