using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Tokenization;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Tokenization;
using HonestyEngine.Training;

namespace HonestyEngine.Testbeds.Build;

/// <summary>Dataset items as loss-masked token sequences, tokenized by the tokenizer.json the runtime loads and
/// rendered with the same ChatML template, so what is trained is exactly what the organism later sees:
/// chat items train the assistant turn (plus its end marker), or every token with meta loss=all (user-turn
/// generation); documents train every token and end with &lt;|endoftext|&gt;.</summary>
public static class ChatExamples
{
    public static TrainingExample From(HfTokenizer tokenizer, DatasetItem item, string source, int maxTokens)
    {
        string where = $"{source}, item '{item.Id}'";
        if (string.IsNullOrEmpty(item.Response)) throw new InvalidDataException($"{where}: no response to train on.");
        int[] ids;
        bool[]? mask = null;
        if (TrainingItems.IsDocument(item))
            ids = tokenizer.Encode(item.Response + ChatMl.EndOfText, addSpecialTokens: false);
        else
        {
            if (item.Messages.Count == 0) throw new InvalidDataException($"{where}: a chat item without messages (documents need meta format=document).");
            string prompt = ChatMl.Render(item.Messages, ChatRenderOptions.Generation);
            string full = ChatMl.Render(TrainingItems.Conversation(item), ChatRenderOptions.Complete);
            ids = tokenizer.Encode(full, addSpecialTokens: false);
            if (item.GetMeta(TrainingItems.LossKey) != "all")
            {
                int[] promptIds = tokenizer.Encode(prompt, addSpecialTokens: false);
                int start = 0;
                while (start < promptIds.Length && start < ids.Length && promptIds[start] == ids[start]) start++;
                if (start >= ids.Length) throw new InvalidDataException($"{where}: the response adds no tokens after the prompt.");
                mask = new bool[ids.Length];
                for (int t = Math.Max(start, 1); t < ids.Length; t++) mask[t] = true;
            }
        }
        if (ids.Length > maxTokens)
            throw new InvalidDataException($"{where}: {ids.Length} tokens, more than the model's {maxTokens} positions.");
        return new TrainingExample(ids, mask);
    }
}
