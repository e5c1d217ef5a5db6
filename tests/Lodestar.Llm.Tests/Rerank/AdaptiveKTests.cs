using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.RetroStar;
using Xunit.Abstractions;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// Adaptive K for Retro*: the pure settling rule, and runs against a server whose per-pair scores follow known
/// distributions (<see cref="ScoreDistributionServer"/>): calls saved against fixed K = 16 and the rank agreement
/// (Kendall's tau) with it, pinned per distribution; a rerun asks nothing and gives the same run.
/// </summary>
public sealed class AdaptiveKTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-adaptive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void T975_IsStudentsQuantile_AndApproachesTheNormal()
    {
        Assert.Equal(12.706, AdaptiveSampling.T975(1));
        Assert.Equal(2.131, AdaptiveSampling.T975(15));
        Assert.Equal(2.042, AdaptiveSampling.T975(30));
        Assert.InRange(AdaptiveSampling.T975(60), 1.999, 2.001); // table value 2.000
        Assert.Equal(double.PositiveInfinity, AdaptiveSampling.T975(0));
    }

    [Fact]
    public void Interval_IsWhereTheMeanAtTheCapWillBe_WithAnSdFloor()
    {
        // 70, 80, 90 of a cap of 16: mean 80, sd 10, half-width 4.303 · 10 · √(13 / (16 · 3)) = 22.394.
        (double mean, double low, double high) = AdaptiveSampling.Interval([70, 80, 90], 5, 16);
        Assert.Equal(80, mean);
        Assert.Equal(80 - 22.394, low, 3);
        Assert.Equal(80 + 22.394, high, 3);
        // Four equal samples: the floor (5) stands in for the sd of 0: 3.182 · 5 · √(12 / 64) = 6.889.
        (_, low, high) = AdaptiveSampling.Interval([60, 60, 60, 60], 5, 16);
        Assert.Equal(53.111, low, 3);
        Assert.Equal(66.889, high, 3);
        // One value says nothing of the spread; at the cap the mean is the cap's mean.
        (_, low, high) = AdaptiveSampling.Interval([60], 5, 16);
        Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), (low, high));
        Assert.Equal((75.0, 75.0, 75.0), AdaptiveSampling.Interval([70, 80, 70, 80], 5, 4));
    }

    [Fact]
    public void NextCount_GrowsByHalf_UpToTheCap()
    {
        List<int> steps = [2];
        while (steps[^1] < 16)
        {
            steps.Add(AdaptiveSampling.NextCount(steps[^1], 16));
        }

        Assert.Equal([2, 3, 5, 8, 12, 16], steps);
        Assert.Equal(1, AdaptiveSampling.NextCount(0, 16));
        Assert.Equal(4, AdaptiveSampling.NextCount(3, 4));
    }

    [Fact]
    public void Settled_WhenTheIntervalClearsBothNeighbours()
    {
        // Means 90, 50, 48, 10 with sd floor 1 and 4 equal samples each (half-width 3.182 · √(12 / 64) = 1.378):
        // 90 and 10 are clear of everything; 50 and 48 overlap each other.
        PairSamples Of(double v, int rank) => new([v, v, v, v], 4, rank);
        var k = new AdaptiveK(2, 16, SdFloor: 1);
        Assert.Equal([true, false, false, true], AdaptiveSampling.Settled([Of(90, 0), Of(50, 1), Of(48, 2), Of(10, 3)], k));
        Assert.Equal([4, 6, 6, 4], AdaptiveSampling.Targets([Of(90, 0), Of(50, 1), Of(48, 2), Of(10, 3)], k));
        // Order is by mean, not by input: the same pairs shuffled give the same verdicts.
        Assert.Equal([false, true, true, false], AdaptiveSampling.Settled([Of(48, 2), Of(10, 3), Of(90, 0), Of(50, 1)], k));
        // A pair with no parsed sample is settled (it has no place), one below the minimum draws the minimum, one at the cap stops.
        Assert.Equal([4, 4], AdaptiveSampling.Targets([new([], 4, 0), new([50], 1, 1)], new AdaptiveK(4, 16)));
        Assert.Equal([16, 16], AdaptiveSampling.Targets([new([50, 50], 16, 0), new([50, 50], 16, 1)], k));
    }

    [Fact]
    public void KendallTau_CountsConcordantPairs()
    {
        Assert.Equal(1.0, AdaptiveSampling.KendallTau(["a", "b", "c", "d"], ["a", "b", "c", "d"]));
        Assert.Equal(-1.0, AdaptiveSampling.KendallTau(["a", "b", "c", "d"], ["d", "c", "b", "a"]));
        // One swap of neighbours among 4: 5 concordant, 1 discordant of 6 → 4/6.
        Assert.Equal(4.0 / 6, AdaptiveSampling.KendallTau(["a", "b", "c", "d"], ["b", "a", "c", "d"]), 12);
        // Items in one list only are ignored.
        Assert.Equal(1.0, AdaptiveSampling.KendallTau(["a", "x", "b"], ["a", "b", "y"]));
    }

    /// <summary>The scripted distributions: 4 topics × 30 pairs (the authors' K = 16 stage reranks the top 30).</summary>
    public static TheoryData<string> Distributions => ["separated", "close", "ties", "mixed"];

    private static (double Mean, double Sd) Distribution(string name, string topic, string doc)
    {
        int i = int.Parse(doc[1..]);
        int t = int.Parse(topic[1..]);
        return name switch
        {
            // neighbours 3.3 points apart, a consistent model (sd 2)
            "separated" => (97 - (3.3 * i), 2),
            // neighbours half a point apart, a noisy model (sd 8): K = 16 itself cannot order them
            "close" => (60 - (0.5 * i), 8),
            // ten groups of three identical distributions, 10 points apart
            "ties" => (90 - (10 * (i / 3)), 4),
            // BRIGHT-like: a few relevant documents high and spread, a crowd of irrelevant ones low and close
            _ => i < 5 ? (88 - (6 * i) - t, 5) : (20 - (0.4 * i), 6),
        };
    }

    private static (List<Topic> Topics, Run Run) Data()
    {
        var run = new Run("bm25");
        var topics = new List<Topic>();
        for (int t = 0; t < 4; t++)
        {
            topics.Add(new Topic($"q{t}", ScoreDistributionServer.TopicText($"q{t}")));
            // first-stage order: a fixed shuffle, so the reranker has work to do
            run.Set($"q{t}", [.. Enumerable.Range(0, 30).OrderBy(i => (i * 7) % 30).Select((i, r) => new Hit($"d{i}", 30 - r))]);
        }

        return (topics, run);
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public async Task AdaptiveK_SavesCalls_AndAgreesWithFixedK16(string name)
    {
        await using FakeOpenAiServer server = await ScoreDistributionServer.StartAsync((t, d) => Distribution(name, t, d));
        (List<Topic> topics, Run run) = Data();
        using var client = new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0, MaxInFlight = 16 });
        using var store = new JudgmentStore(Path.Combine(_dir, name + ".db"));
        var adaptive = new RerankOptions { Top = 30, Samples = 16, Adaptive = new AdaptiveK() };

        // 1. adaptive K on an empty store: what it costs
        (Run first, RerankSummary a) = await new RetroStarReranker(client, store, adaptive).RerankAsync(topics, run, ScoreDistributionServer.DocText);
        // 2. fixed K = 16 on the same store: asks only the samples adaptive did not draw
        (_, RerankSummary f) = await new RetroStarReranker(client, store, adaptive with { Adaptive = null }).RerankAsync(topics, run, ScoreDistributionServer.DocText);
        // 3. adaptive again: nothing asked, the same run, and now the agreement with fixed K is known
        int requestsBefore = server.Requests;
        (Run again, RerankSummary r) = await new RetroStarReranker(client, store, adaptive).RerankAsync(topics, run, ScoreDistributionServer.DocText);

        AdaptiveReport rep = r.Adaptive!;
        output.WriteLine($"{name}: adaptive {a.Requested} samples in {a.Adaptive!.Rounds} rounds ({server.Requests} HTTP requests in all), fixed K=16 {rep.FixedSamples}; " +
            $"saved {rep.Saved} ({100.0 * rep.Saved / rep.FixedSamples:F1}%), {rep.PairsAtCap} pairs at the cap, Kendall tau mean {rep.KendallTau:F4} min {rep.MinKendallTau:F4}");
        Assert.Equal(0, server.Requests - requestsBefore);
        Assert.Equal(0, r.Requested);
        Assert.Equal(TrecLines(first), TrecLines(again));
        Assert.Equal(a.Requested, rep.Samples);
        Assert.Equal(120 * 16, a.Requested + f.Requested);
        // the agreement is known at once only when every pair went to the cap (the fixed-K samples exist)
        Assert.Equal(a.Adaptive.PairsAtCap == 120, a.Adaptive.KendallTau is not null);
        Assert.Equal(120 * 16, rep.FixedSamples);
        Assert.True(rep.KendallTau >= 0.99, $"tau {rep.KendallTau}");
        (long samples, int rounds, int atCap, double tau) = Pinned[name];
        Assert.Equal((samples, rounds, atCap), (a.Requested, a.Adaptive.Rounds, rep.PairsAtCap));
        Assert.Equal(tau, rep.KendallTau!.Value, 4);
    }

    /// <summary>Samples adaptive K draws, its rounds, pairs at the cap and mean Kendall tau against K = 16, per
    /// distribution (4 topics × 30 pairs, fixed K = 16 draws 1,920).</summary>
    private static readonly Dictionary<string, (long Samples, int Rounds, int AtCap, double Tau)> Pinned = new()
    {
        ["separated"] = (1189, 6, 2, 1.0), // 38.1% saved
        ["close"] = (1916, 6, 119, 1.0), // 0.2% saved: neighbours K = 16 cannot tell apart go to the cap
        ["ties"] = (1908, 6, 117, 1.0), // 0.6% saved: tied pairs never settle
        ["mixed"] = (1809, 6, 101, 1.0), // 5.8% saved: the relevant head settles, the close crowd goes to the cap
    };

    private static List<string> TrecLines(Run run) =>
        [.. run.TopicIds.SelectMany(t => run[t].Select((h, i) => $"{t} {h.DocId} {i} {h.Score:R}"))];
}
