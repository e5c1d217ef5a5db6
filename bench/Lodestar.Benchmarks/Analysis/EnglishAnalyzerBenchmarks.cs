using BenchmarkDotNet.Attributes;
using Lodestar.Analysis;

namespace Lodestar.Benchmarks.Analysis;

/// <summary>Analysis of the whole Cranfield corpus (1,400 documents, ~1.6 MB): strings out vs. the span callback
/// the index builder uses.</summary>
[MemoryDiagnoser]
public class EnglishAnalyzerBenchmarks
{
    private readonly EnglishAnalyzer _analyzer = new();
    private List<string> _texts = [];

    [GlobalSetup]
    public void Setup() => _texts = BenchData.Texts();

    [Benchmark(Baseline = true)]
    public int AnalyzeToStrings()
    {
        int n = 0;
        foreach (string text in _texts)
        {
            n += _analyzer.Analyze(text).Count;
        }

        return n;
    }

    [Benchmark]
    public int AnalyzeToSpans()
    {
        int n = 0;
        foreach (string text in _texts)
        {
            _analyzer.Analyze(text.AsSpan(), term => n += term.Length > 0 ? 1 : 0);
        }

        return n;
    }
}
