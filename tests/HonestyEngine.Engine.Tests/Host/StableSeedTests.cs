using HonestyEngine.Engine.Running;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>Quick-profile item selection is seeded from these values; they must be the same in every process (the
/// constants below were computed independently in Python), or quick runs are irreproducible and never hit the cache.</summary>
public class StableSeedTests
{
    [Fact]
    public void Seeds_are_constants_not_per_process_hashes()
    {
        Assert.Equal(-633970419, StableHash.Of("taboo/eval"));
        Assert.Equal(492921428, StableHash.Mix(0, StableHash.Of("taboo/eval")));
        Assert.Equal(79745539, StableHash.Mix(7, StableHash.Of("taboo/eval")));
    }
}
