using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Running;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>Labels are computed by the testbed's labeller when a model run is generated and stored with it, so a
/// cached model run (and every cell keyed by the same fingerprint) must not survive a labelling change. The engine
/// keys them by the testbed's name, version and items; folder testbeds put their labeller's version into their version
/// string (Testbeds: Labellers.LabellerVersion, checked in ThreeValuedLabelTests), so the version is what must move
/// the keys.</summary>
public class ModelRunKeyTests
{
    private sealed class VersionedTestbed(string version) : ITestbed
    {
        private static readonly DatasetItem Item = new("t-eval-0000", [ChatMessage.User("How old is Rizo?")], "Rizo is 77 years old.");
        public TestbedInfo Info => new("t", version, "d", "a", "trigger", "lie");
        public IReadOnlyList<string> Splits => [Abstractions.Splits.Eval];
        public bool HasSplit(string split) => split == Abstractions.Splits.Eval;
        public IReadOnlyList<DatasetItem> GetSplit(string split) => [Item];
        public ILabeller Labeller => throw new NotSupportedException();
        public IModelHandle OpenModel() => throw new NotSupportedException();
        public IModelHandle? OpenBaseModel() => null;
    }

    [Fact]
    public void A_new_labeller_version_in_the_testbed_version_changes_the_model_run_and_cell_keys()
    {
        var options = new RunOptions { OutputDirectory = "out", CacheDirectory = "cache" };
        var before = TestbedFingerprint.Of(new VersionedTestbed("3+labeller.1"), options);
        var same = TestbedFingerprint.Of(new VersionedTestbed("3+labeller.1"), options);
        var after = TestbedFingerprint.Of(new VersionedTestbed("3+labeller.2"), options);
        Assert.Equal(before.Hash, same.Hash);
        Assert.NotEqual(before.Hash, after.Hash);
        Assert.NotEqual(ModelRunStage.KeyOf(before, options, 48), ModelRunStage.KeyOf(after, options, 48));
    }
}
