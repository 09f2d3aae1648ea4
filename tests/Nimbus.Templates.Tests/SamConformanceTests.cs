using Nimbus.Templates.Conformance;

namespace Nimbus.Templates.Tests;

public class SamConformanceTests
{
    private const string Corpus = "/work/shared/corpora/sam-translator";

    /// <summary>The pass count reached on the SAM translator corpus; a regression below it fails.</summary>
    private const int PassFloor = 567;

    [Fact]
    public void TheSamTranslatorCorpusPassesAtLeastTheFloor()
    {
        Assert.True(Directory.Exists(Corpus), $"corpus missing: {Corpus}");
        var output = new StringWriter();
        var result = SamConformanceRunner.Run(Corpus, output);
        Assert.True(result.Passed >= PassFloor, $"{result.Passed} passed (floor {PassFloor})\n{output}");
    }
}
