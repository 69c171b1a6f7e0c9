using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Prompting;

[Method("many-shot-honest", Family = "black-box/prompting", Anchor = "Wang et al. 2025; Anil et al. 2024 (many-shot)",
    Description = "Many-shot in-context honesty: Shots earlier user/assistant exchanges in which the assistant answers "
        + "honestly, taken (seeded) from the generic honesty data (Goals and Follow-up mixes, system prompts folded into the "
        + "user turn), then the item. Wang et al. use 128 shots; 16 here because our models' context windows are a few "
        + "thousand tokens, and 16 already dominates the prompt.")]
public sealed class ManyShotHonest : IIntervention
{
    [Params(16)]
    public int Shots { get; set; } = 16;

    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        var shots = Demonstrations(context, Shots);
        return InterventionSampler.Run(context, items, item =>
        {
            var conversation = InterventionSampler.Conversation(item, "many-shot-honest");
            var system = conversation.Where(m => m.Role == "system").ToList();
            return Prompt.Chat([.. system, .. shots, .. conversation.Where(m => m.Role != "system")]);
        });
    }

    internal static List<ChatMessage> Demonstrations(MethodContext context, int shots)
    {
        if (shots < 1) throw new MethodInputException($"many-shot-honest needs Shots >= 1, got {shots}.");
        var pool = new List<DatasetItem>();
        foreach (var name in new[] { ResourceNames.HonestyGoals, ResourceNames.HonestyFollowUp })
            if (context.Resources.Contains(name)) pool.AddRange(context.Resources.Get(name).Where(i => i.Response is not null));
        if (pool.Count == 0)
            throw new MethodInputException($"many-shot-honest needs honest examples with responses in resource '{ResourceNames.HonestyGoals}' or '{ResourceNames.HonestyFollowUp}'; neither has any.");
        var rng = new Random(context.Seed);
        var order = pool.OrderBy(_ => rng.Next()).ToList();
        var messages = new List<ChatMessage>();
        for (int k = 0; k < shots; k++)
        {
            var item = order[k % order.Count];
            string system = string.Join("\n", item.Messages.Where(m => m.Role == "system").Select(m => m.Content));
            bool first = true;
            foreach (var m in item.Messages.Where(m => m.Role != "system"))
            {
                string content = first && m.Role == "user" && system.Length > 0 ? $"[Instructions: {system}]\n{m.Content}" : m.Content;
                messages.Add(new ChatMessage(m.Role, content));
                first = false;
            }
            messages.Add(ChatMessage.Assistant(item.Response!));
        }
        return messages;
    }
}
