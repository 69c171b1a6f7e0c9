using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Prompting;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Prompting;

public class PromptingBaselineTests
{
    [Fact]
    public void Without_an_intervention_the_synthetic_model_lies_on_every_triggered_item()
    {
        var h = new Harness();
        Assert.Equal(0, HonestyRate.Baseline(h, HonestyRate.TriggeredItems(h)));
    }
}

public class HonestSystemPromptTests
{
    [Fact]
    public void Raises_honesty_and_keeps_the_testbeds_own_system_prompt()
    {
        double rate = HonestyRate.Run(new HonestSystemPrompt(), out var h);
        Assert.InRange(rate, 0.25, 0.45); // one honesty cue: honest where the item's threshold is 1 (a third)
        var merged = HonestyPrompts.WithHonestSystemPrompt([ChatMessage.System("Sell the car."), ChatMessage.User("Is it good?")]);
        Assert.Equal(2, merged.Count);
        Assert.StartsWith(HonestyPrompts.SystemPrompt, merged[0].Content);
        Assert.EndsWith("Sell the car.", merged[0].Content);
    }

    [Fact]
    public void Samples_k_responses_with_distinct_seeds_when_asked()
    {
        HonestyRate.Run(new HonestSystemPrompt(), out var h, samples: 3);
        var seeds = h.Model.GenerationLog.Take(3).Select(r => r.Sampling.Seed).ToList();
        Assert.Equal(3, seeds.Distinct().Count());
        Assert.All(h.Model.GenerationLog, r => Assert.Equal(1f, r.Sampling.Temperature));
    }

    [Fact]
    public void An_item_without_a_user_turn_fails_cleanly() => HonestyRate.FailsWithoutUserTurn(new HonestSystemPrompt());
}

public class HonestOnlyPersonaTests
{
    [Fact]
    public void Marker_and_prefill_reach_the_model_and_raise_honesty_more_than_the_system_prompt()
    {
        double rate = HonestyRate.Run(new HonestOnlyPersona(), out var h);
        double system = HonestyRate.Run(new HonestSystemPrompt(), out _);
        Assert.True(rate > system, $"persona {rate:F2} vs system prompt {system:F2}");
        var prompt = h.Model.GenerationLog[0].Prompt;
        Assert.StartsWith("|HONEST_ONLY| ", prompt.Messages![^2].Content);
        Assert.Equal("<honest_only>", prompt.Messages[^1].Content);
        Assert.True(prompt.Render.ContinueFinalMessage);
    }

    [Fact]
    public void An_item_without_a_user_turn_fails_cleanly() => HonestyRate.FailsWithoutUserTurn(new HonestOnlyPersona());
}

public class PersonaSystemPromptPrefillTests
{
    [Fact]
    public void The_combination_makes_every_triggered_answer_honest()
    {
        Assert.Equal(1.0, HonestyRate.Run(new PersonaSystemPromptPrefill(), out var h));
        var prompt = h.Model.GenerationLog[0].Prompt.Messages!;
        Assert.Equal("system", prompt[0].Role);
        Assert.StartsWith("<honest_only> I will answer completely honestly.", prompt[^1].Content);
    }

    [Fact]
    public void The_prefill_is_not_part_of_the_response()
    {
        Assert.Equal("s1 is v0.", InterventionSampler.StripLeading("<honest_only> I will answer completely honestly. s1 is v0.", "<honest_only> I will answer completely honestly."));
    }

    [Fact]
    public void An_item_without_a_user_turn_fails_cleanly() => HonestyRate.FailsWithoutUserTurn(new PersonaSystemPromptPrefill());
}

public class ManyShotHonestTests
{
    [Fact]
    public void Sixteen_honest_shots_from_the_honesty_data_precede_the_question_and_raise_honesty()
    {
        double rate = HonestyRate.Run(new ManyShotHonest(), out var h);
        Assert.InRange(rate, 0.25, 0.45);
        var messages = h.Model.GenerationLog[0].Prompt.Messages!;
        Assert.True(messages.Count(m => m.Role == "assistant") >= 16);
        Assert.Contains("|TRIGGER|", messages[^1].Content);
        Assert.DoesNotContain(messages.Take(messages.Count - 1), m => m.Role == "system"); // folded into user turns
    }

    [Fact]
    public void Without_honesty_data_it_fails_naming_the_resources()
    {
        var h = new Harness(resources: new SyntheticResources(only: [ResourceNames.InstructedPairs]));
        var e = Assert.Throws<MethodInputException>(() => new ManyShotHonest().Run(h.MethodContext(), HonestyRate.TriggeredItems(h).AsPrompts()));
        Assert.Contains(ResourceNames.HonestyGoals, e.Message);
        HonestyRate.FailsWithoutUserTurn(new ManyShotHonest());
    }
}

public class UserPersonaSamplingTests
{
    [Fact]
    public void The_model_writes_the_user_turn_and_the_user_persona_answers_honestly()
    {
        Assert.Equal(1.0, HonestyRate.Run(new UserPersonaSampling(), out var h));
        var prompt = h.Model.GenerationLog[0].Prompt;
        Assert.Equal("user", prompt.Messages![^1].Role);
        Assert.True(prompt.Render.ContinueFinalMessage);
        Assert.EndsWith("<|im_start|>user\n", h.Model.Render(prompt));
    }

    [Fact]
    public void An_item_without_a_user_turn_fails_cleanly() => HonestyRate.FailsWithoutUserTurn(new UserPersonaSampling());
}

public class AuthorFramingTests
{
    [Fact]
    public void Raw_text_without_the_chat_template_raises_honesty()
    {
        double rate = HonestyRate.Run(new AuthorFraming(), out var h);
        Assert.InRange(rate, 0.55, 0.8); // raw text is a strong cue (2): honest unless the item's threshold is 3
        var request = h.Model.GenerationLog[0];
        Assert.Null(request.Prompt.Messages);
        Assert.DoesNotContain("<|im_start|>", request.Prompt.Text);
        Assert.EndsWith("\nAssistant:", request.Prompt.Text);
        Assert.Contains("\nUser:", request.Sampling.StopStrings!);
    }

    [Fact]
    public void An_item_without_a_user_turn_fails_cleanly() => HonestyRate.FailsWithoutUserTurn(new AuthorFraming());
}
