using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.HonestyFineTuning;
using HonestyEngine.Plugins.SelfReport;
using HonestyEngine.Plugins.Tests.Synthetic;
using static HonestyEngine.Plugins.Tests.HonestyFineTuning.FineTuningBench;

namespace HonestyEngine.Plugins.Tests.HonestyFineTuning;

public class GenericHonestyFineTuneTests
{
    private static List<(string, string?)> Ids(IEnumerable<DatasetItem> items) => items.Select(i => (i.Id, i.Response)).ToList();

    [Fact]
    public void Goals_fine_tune_raises_honesty_over_no_intervention_and_the_baseline_fine_tune_does_not()
    {
        double none = NoIntervention(new FineTunableTestbed());
        double goals = Rate(new HonestyFineTuneGoals(), out var goalsBed);
        double baseline = Rate(new BaselineFineTuneInstructionFollowing(), out var baselineBed);
        Assert.Equal(0, none);
        Assert.True(goals >= 0.25, $"goals fine-tune {goals:F2} vs none {none:F2}");
        Assert.True(goals - baseline >= 0.2, $"goals {goals:F2} vs instruction-following control {baseline:F2}");
        Assert.Equal(none, baseline);

        var resources = new SyntheticResources();
        Assert.Equal(Ids(resources.Get(ResourceNames.HonestyGoals)), Ids(Assert.Single(goalsBed.Model.Requests).Data));
        Assert.Equal(Ids(resources.Get(ResourceNames.InstructionFollowing)), Ids(Assert.Single(baselineBed.Model.Requests).Data));
        // Generic fine-tunes answer the item's own conversation, without any honesty prompt, with the tuned model.
        var logged = goalsBed.Model.Inner.GenerationLog[0];
        Assert.Equal(TriggeredItems(goalsBed)[0].Messages, logged.Prompt.Messages);
        Assert.False(logged.Prompt.Render.ContinueFinalMessage);
        Assert.Contains(logged.Hooks!.Edits, e => e is AddVectorEdit);
    }

    [Fact]
    public void Follow_up_and_combined_mixes_raise_honesty_with_the_shared_recipe()
    {
        double followUp = Rate(new HonestyFineTuneFollowUp(), out var followBed);
        double both = Rate(new HonestyFineTuneGoalsFollowUp(), out var bothBed);
        Assert.True(followUp >= 0.25, $"follow-up {followUp:F2}");
        Assert.True(both >= 0.25, $"goals + follow-up {both:F2}");

        var resources = new SyntheticResources();
        var request = Assert.Single(bothBed.Model.Requests);
        Assert.Equal(Ids(resources.Get(ResourceNames.HonestyGoals).Concat(resources.Get(ResourceNames.HonestyFollowUp))), Ids(request.Data));
        Assert.Equal((200, 1e-3f, 8, 16f, 8, 1234, false), (request.Steps, request.LearningRate, request.LoraRank, request.LoraAlpha, request.BatchSize, request.Seed, request.FullFineTune));
        Assert.Equal("honesty-followup-seed1234", Assert.Single(followBed.Model.Requests).Name);
    }

    [Fact]
    public void The_quick_profile_trains_fewer_steps_in_its_own_cache_folder()
    {
        var bed = new FineTunableTestbed();
        string cache = NewCacheDirectory();
        var items = TriggeredItems(bed).Take(4).ToList();
        new HonestyFineTuneGoals().Run(Context(bed, cache: cache, profile: RunProfile.Quick), items.AsPrompts());
        new HonestyFineTuneGoals().Run(Context(bed, cache: cache), items.AsPrompts());
        Assert.Equal([HonestyFineTunes.QuickSteps, HonestyFineTunes.Steps], bed.Model.Requests.Select(r => r.Steps));
        Assert.NotEqual(bed.Model.Requests[0].OutputDirectory, bed.Model.Requests[1].OutputDirectory);
    }

    [Fact]
    public void One_tune_per_model_and_mix_is_shared_across_cells_and_with_honest_persona_self_classification()
    {
        var bed = new FineTunableTestbed();
        var items = TriggeredItems(bed).Take(4).ToList();
        var first = new HonestyFineTuneFollowUp().Run(Context(bed), items.AsPrompts());
        var second = new HonestyFineTuneFollowUp().Run(Context(bed), items.AsPrompts());
        Assert.Equal(first.SelectMany(o => o.Responses), second.SelectMany(o => o.Responses));

        // The detector lives in another plugin assembly; the tune is shared through the process-wide table.
        var transcript = new Transcript("t0", Splits.Eval, [ChatMessage.User("What is s1?"), ChatMessage.Assistant("s1 is v0.")]);
        new HonestPersonaSelfClassification().Score(DetectorContext(bed), [transcript]);
        Assert.Equal(1, bed.Model.Trained);
        Assert.Single(bed.Model.Requests);
    }

    [Fact]
    public void A_rerun_with_the_same_cache_directory_reuses_the_saved_adapter()
    {
        string cache = NewCacheDirectory();
        var first = new FineTunableTestbed();
        var items = TriggeredItems(first);
        var log = new List<string>();
        double before = HonestyRate(first, items, new HonestyFineTuneGoals().Run(Context(first, cache: cache, log: log), items.AsPrompts()));
        string output = Assert.Single(first.Model.Requests).OutputDirectory!;
        Assert.StartsWith(Path.Combine(cache, "fine-tunes", "honesty-goals-seed1234-"), output);
        Assert.Contains(log, l => l.Contains("fine-tuning") && l.Contains(output));

        // A new process: a fresh model object (no in-process cache entry), the same cell cache folder.
        var rerun = new FineTunableTestbed();
        double after = HonestyRate(rerun, items, new HonestyFineTuneGoals().Run(Context(rerun, cache: cache), items.AsPrompts()));
        Assert.Equal((0, 1), (rerun.Model.Trained, rerun.Model.Reused));
        Assert.Equal(before, after);

        // Different data is a different adapter folder.
        var other = new FineTunableTestbed();
        var fewer = new SubsetResources(new SyntheticResources(), ResourceNames.HonestyGoals, 8);
        new HonestyFineTuneGoals().Run(Context(other, fewer, cache), items.Take(2).ToList().AsPrompts());
        Assert.Equal(1, other.Model.Trained);
        Assert.NotEqual(output, other.Model.Requests[0].OutputDirectory);
    }

    [Fact]
    public void Missing_or_empty_resources_fail_naming_the_resource_before_any_training()
    {
        var bed = new FineTunableTestbed();
        var items = TriggeredItems(bed);
        var e = Assert.Throws<MethodInputException>(() => new HonestyFineTuneGoalsFollowUp().Run(
            Context(bed, new SyntheticResources(only: [ResourceNames.HonestyGoals])), items.AsPrompts()));
        Assert.Contains(ResourceNames.HonestyFollowUp, e.Message);
        e = Assert.Throws<MethodInputException>(() => new BaselineFineTuneInstructionFollowing().Run(
            Context(bed, new SubsetResources(new SyntheticResources(), ResourceNames.InstructionFollowing, 0)), items.AsPrompts()));
        Assert.Contains("'instruction-following' is empty", e.Message);
        Assert.Empty(bed.Model.Requests);
    }

    [Fact]
    public void Items_without_responses_or_user_turns_fail_naming_the_item()
    {
        var bed = new FineTunableTestbed();
        var broken = new SubsetResources(new SyntheticResources(), ResourceNames.HonestyGoals, 16, item => item.Id == "goals-3" ? item with { Response = null } : item);
        var e = Assert.Throws<MethodInputException>(() => new HonestyFineTuneGoals().Run(Context(bed, broken), TriggeredItems(bed).AsPrompts()));
        Assert.Contains("goals-3", e.Message);
        Assert.Contains("no Response", e.Message);

        var noUser = new DatasetItem("no-user", [ChatMessage.System("You are terse.")]);
        e = Assert.Throws<MethodInputException>(() => new HonestyFineTuneFollowUp().Run(Context(bed), [noUser.AsPrompt()]));
        Assert.Contains("no-user", e.Message);
        Assert.Empty(bed.Model.Requests);
    }

    [Fact]
    public void A_model_that_cannot_be_fine_tuned_fails_the_cell_with_a_clear_input_error()
    {
        var bed = new FineTunableTestbed(canFineTune: false);
        var e = Assert.Throws<MethodInputException>(() => new HonestyFineTuneGoals().Run(Context(bed), TriggeredItems(bed).AsPrompts()));
        Assert.Contains("honesty-finetune-goals", e.Message);
        Assert.Contains("cannot be fine-tuned", e.Message);
        Assert.Contains("llama-family", e.Message);
        Assert.Contains(bed.Info.Name, e.Message);
    }
}

public class HonestPersonaFineTuneTests
{
    [Fact]
    public void Trains_and_answers_in_the_persona_format_and_beats_the_persona_prompt_alone()
    {
        double tuned = Rate(new HonestPersonaFineTuneGoals(), out var bed);
        double promptOnly = Rate(new HonestyEngine.Plugins.Prompting.HonestOnlyPersona(), out _);
        Assert.True(tuned - promptOnly >= 0.1, $"persona fine-tune {tuned:F2} vs persona prompt on the untuned model {promptOnly:F2}");

        var request = Assert.Single(bed.Model.Requests);
        Assert.All(request.Data, item =>
        {
            Assert.StartsWith("|HONEST_ONLY| ", item.Messages.Last(m => m.Role == "user").Content);
            Assert.StartsWith("<honest_only> ", item.Response);
        });
        Assert.StartsWith("honest-persona-honesty-goals-seed1234", request.Name);
    }

    [Fact]
    public void Follow_up_and_combined_persona_variants_raise_honesty_and_differ_from_the_generic_tunes()
    {
        double followUp = Rate(new HonestPersonaFineTuneFollowUp(), out var followBed);
        double both = Rate(new HonestPersonaFineTuneGoalsFollowUp(), out var bothBed);
        Assert.True(followUp >= 0.5, $"persona follow-up {followUp:F2}");
        Assert.True(both >= 0.5, $"persona goals + follow-up {both:F2}");
        Assert.Equal(32, Assert.Single(bothBed.Model.Requests).Data.Count);
        Assert.NotEqual("honesty-followup-seed1234", Assert.Single(followBed.Model.Requests).Name);
    }

    [Fact]
    public void A_training_item_without_a_user_turn_fails_naming_it()
    {
        var bed = new FineTunableTestbed();
        var broken = new SubsetResources(new SyntheticResources(), ResourceNames.HonestyFollowUp, 16,
            item => item.Id == "followup-2" ? item with { Messages = [ChatMessage.System("Be brief.")] } : item);
        var e = Assert.Throws<MethodInputException>(() => new HonestPersonaFineTuneFollowUp().Run(Context(bed, broken), TriggeredItems(bed).AsPrompts()));
        Assert.Contains("followup-2", e.Message);
        Assert.Contains("|HONEST_ONLY|", e.Message);
    }
}

/// <summary>A catalog with one resource cut to its first <c>count</c> items (optionally edited).</summary>
internal sealed class SubsetResources(IResourceCatalog inner, string name, int count, Func<DatasetItem, DatasetItem>? edit = null) : IResourceCatalog
{
    public IReadOnlyList<string> Names => inner.Names;
    public bool Contains(string resource) => inner.Contains(resource);
    public IReadOnlyList<DatasetItem> Get(string resource)
        => resource == name ? inner.Get(resource).Take(count).Select(i => edit is null ? i : edit(i)).ToList() : inner.Get(resource);
}
