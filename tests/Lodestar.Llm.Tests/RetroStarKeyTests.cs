using System.Text.Json;
using Lodestar.Rerank.RetroStar;

namespace Lodestar.Llm.Tests;

/// <summary>The sampling parameters in a judgment's key are written without reflection (for the native AOT build);
/// the bytes must stay what the serializer wrote, or every stored judgment would miss.</summary>
public class RetroStarKeyTests
{
    [Theory]
    [InlineData(0.6, 1.0, 40, 4096, false)]
    [InlineData(0.1, 0.95, 1, 32768, true)]
    [InlineData(0.0, 1e-7, 0, 1, false)]
    public void ParametersJson_EqualsTheSerializedObject(double temperature, double topP, int topK, int maxTokens, bool thinking)
    {
        var options = new RerankOptions { Temperature = temperature, TopP = topP, TopK = topK, MaxTokens = maxTokens, EnableThinking = thinking };
        string expected = JsonSerializer.Serialize(new
        {
            temperature = options.Temperature, top_p = options.TopP, top_k = options.TopK, max_tokens = options.MaxTokens,
            enable_thinking = options.EnableThinking,
        });
        Assert.Equal(expected, RetroStarReranker.ParametersJson(options));
    }

    [Fact]
    public void ParametersJson_Defaults_ArePinned() =>
        Assert.Equal("{\"temperature\":0.6,\"top_p\":1,\"top_k\":40,\"max_tokens\":4096,\"enable_thinking\":false}",
            RetroStarReranker.ParametersJson(new RerankOptions()));
}
