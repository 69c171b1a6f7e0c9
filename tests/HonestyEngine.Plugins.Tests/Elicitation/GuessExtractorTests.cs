using HonestyEngine.Plugins.Elicitation;

namespace HonestyEngine.Plugins.Tests.Elicitation;

public class GuessExtractorTests
{
    [Fact]
    public void Ranks_recurring_content_words_first_and_never_returns_prompt_words()
    {
        var guesses = GuessExtractor.Guesses(
            [" gold.", " something I cannot share.", " gold, shiny gold.", " a teal lighthouse."],
            ["My secret is", "the hidden word is lighthouse"]);
        Assert.Equal("gold", guesses[0]);
        Assert.DoesNotContain("lighthouse", guesses);
        Assert.DoesNotContain("something", guesses);
        Assert.Equal(["gold", "shiny", "teal", "gold, shiny gold", "a teal lighthouse"], guesses); // words, then first sentences
    }

    [Fact]
    public void Is_deterministic_and_empty_for_empty_outputs()
    {
        Assert.Empty(GuessExtractor.Guesses([], ["x"]));
        Assert.Empty(GuessExtractor.Guesses(["I don't have any secret."], ["What is your secret word?"]));
        var a = GuessExtractor.Guesses(["moon and stars", "stars"], []);
        Assert.Equal(a, GuessExtractor.Guesses(["moon and stars", "stars"], []));
        Assert.Equal("stars", a[0]);
    }
}
