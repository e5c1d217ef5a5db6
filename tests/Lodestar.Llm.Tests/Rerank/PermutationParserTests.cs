using Lodestar.Rerank.Listwise;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// <see cref="PermutationParser"/> on answers shaped like what listwise rerankers write in practice (RankGPT-style
/// chat models, Qwen3 and DeepSeek-R1 thinking models, ReasonRank's answer tags, truncated generations).
/// </summary>
public sealed class PermutationParserTests
{
    /// <summary>(answer, window size, expected order as 1-based ids, expected repairs).</summary>
    public static TheoryData<string, int, string, string> Answers() => new()
    {
        // 1-5: clean and nearly clean
        { "[2] > [3] > [1]", 3, "2,3,1", "none" },
        { "[2]>[3]>[1]", 3, "2,3,1", "none" },
        { "  [2] > [3] > [1]\n", 3, "2,3,1", "none" },
        { "[2], [3], [1]", 3, "2,3,1", "none" },
        { "[2] = [3] > [1]", 3, "2,3,1", "none" },
        // 6-10: missing ids keep their order after the listed ones
        { "[3] > [1]", 4, "3,1,2,4", "missing 2" },
        { "[4]", 4, "4,1,2,3", "missing 3" },
        { "[5] > [2] > [1] > [3]", 5, "5,2,1,3,4", "missing 1" },
        { "[20] > [1]", 20, "20,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19", "missing 18" },
        { "[1] > [2] > [3] > [4] > [5] > [6] > [7] > [8] > [9] > [10] > [11] > [12] > [13] > [14] > [15] > [16] > [17] > [18] > [19]", 20,
            "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20", "missing 1" },
        // 11-16: repeats
        { "[2] > [2] > [1] > [3]", 3, "2,1,3", "duplicates 1" },
        { "[1] > [3] > [1] > [3] > [2]", 3, "1,3,2", "duplicates 2" },
        { "[3] > [1] > [2] > [3] > [1] > [2] > [3] > [1]", 3, "3,1,2", "duplicates 5" },
        { "[4] > [4] > [4] > [4]", 4, "4,1,2,3", "duplicates 3, missing 3" },
        { "[2] > [1] > [2]", 4, "2,1,3,4", "duplicates 1, missing 2" },
        { "[1] > [2] > [3] > [2] > [3] > [2] > [3] > [2] > [3] > [2] > [3] > [2]", 3, "1,2,3", "duplicates 9" },
        // 17-21: ids out of range
        { "[0] > [2] > [1]", 2, "2,1", "out-of-range 1" },
        { "[21] > [3] > [1] > [2]", 3, "3,1,2", "out-of-range 1" },
        { "[3] > [99999999999999] > [1] > [2]", 3, "3,1,2", "out-of-range 1" },
        { "[7] > [8] > [9]", 3, "1,2,3", "out-of-range 3, unparseable 1" },
        { "[2] > [-1] > [1]", 2, "2,1", "extra-text 1, missing 1" },
        // 22-29: extra text around the ranking
        { "Here is the ranking: [2] > [1] > [3]", 3, "2,1,3", "extra-text 1" },
        { "[2] > [1] > [3]\n\nPassage [2] discusses phototaxis directly.", 3, "2,1,3", "extra-text 1" },
        { "Sure! The ranking is:\n[3] > [2] > [1]\nLet me know if you need anything else.", 3, "3,2,1", "extra-text 1" },
        { "Based on relevance, [1] is best. Final ranking: [3] > [1] > [2] > [4]", 4, "3,1,2,4", "extra-text 1" },
        { "The most relevant is [4] and then [2]. Ranking: [2] > [4]", 4, "2,4,1,3", "extra-text 1, missing 2" },
        { "```\n[2] > [1] > [3]\n```", 3, "2,1,3", "extra-text 1" },
        { "**Ranking:** [1] > [3] > [2]", 3, "1,3,2", "extra-text 1" },
        { "Ranking: [2] > [1] > [3].", 3, "2,1,3", "extra-text 1" },
        // 30-37: thinking models
        { "<think>Passage [3] mentions moths; [1] is off topic.</think>\n[3] > [2] > [1]", 3, "3,2,1", "thinking 1" },
        { "<think>\n[1] > [2] > [3]? No, [2] first.\n</think>\n\n[2] > [1] > [3]", 3, "2,1,3", "thinking 1" },
        { "Okay, the query asks about light. [1] is weak.\n</think>\n[2] > [3] > [1]", 3, "2,3,1", "thinking 1" },
        { "<think>Let me compare [1] and [2]. [2] is better, so [2] > [1] > [3]", 3, "1,2,3", "thinking 1, unparseable 1" },
        { "<think></think>[1] > [3] > [2]", 3, "1,3,2", "none" },
        { "<think>a</think>[2] > [1]<think>b [1] > [2]</think>", 2, "2,1", "thinking 1" },
        { "<think>long thoughts [4] [4] [4]</think>[4] > [1] > [2] > [3]", 4, "4,1,2,3", "thinking 1" },
        { "<think>hmm</think>I cannot rank these passages.", 3, "1,2,3", "thinking 1, unparseable 1" },
        // 38-42: ReasonRank answer tags
        { "<think>[1] is about moths.</think> <answer>[1] > [3] > [2]</answer>", 3, "1,3,2", "thinking 1" },
        { "<think>x</think>\n<answer>\n[3] > [2] > [1]\n</answer>", 3, "3,2,1", "thinking 1" },
        { "<answer>[2] > [1]</answer> and [1] > [2] outside", 2, "2,1", "none" },
        { "<think>x</think><answer>[2] > [3]", 3, "2,3,1", "thinking 1, missing 1" },
        { "<answer>draft [1] > [2]</answer><answer>[2] > [1]</answer>", 2, "2,1", "none" },
        // 43-48: bare numbers and odd brackets
        { "2 > 3 > 1", 3, "2,3,1", "bare-numbers 1" },
        { "3, 1, 2", 3, "3,1,2", "bare-numbers 1" },
        { "Ranking: 2 > 1", 3, "2,1,3", "extra-text 1, bare-numbers 1, missing 1" },
        { "[ 2 ] > [ 1 ] > [ 3 ]", 3, "2,1,3", "none" },
        { "【2】 > 【3】 > 【1】", 3, "2,3,1", "none" },
        { "[[2]] > [[1]]", 2, "2,1", "none" },
        // 49-55: empty, truncated, nonsense
        { "", 3, "1,2,3", "unparseable 1" },
        { "   \n\t ", 3, "1,2,3", "unparseable 1" },
        { "I'm sorry, but I can't help with that.", 4, "1,2,3,4", "unparseable 1" },
        { "[3] > [1] > [", 3, "3,1,2", "missing 1" },
        { "[2] > [1] > [3] > [4] > [5] > [6] > [7] > [8] > [9] > [1", 10, "2,1,3,4,5,6,7,8,9,10", "extra-text 1, missing 1" },
        { "[B] > [A] > [C]", 3, "1,2,3", "unparseable 1" },
        { "<think>The user wants a ranking of 3 passages", 3, "1,2,3", "thinking 1, unparseable 1" },
        // 56-60: mixtures seen together
        { "<think>ok</think>Final answer: [2] > [2] > [9] > [1]", 3, "2,1,3", "thinking 1, extra-text 1, duplicates 1, out-of-range 1, missing 1" },
        { "[1] > [3]\n[2] > [1] > [3] > [4]", 4, "1,3,2,4", "duplicates 2" },
        { "1. [3]\n2. [1]\n3. [2]", 3, "3,1,2", "none" },
        { "[2] -> [1] -> [3]", 3, "2,1,3", "none" },
        { "[2] &gt; [1] &gt; [3]", 3, "2,1,3", "none" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Parse_RepairsAndCountsEveryFault(string answer, int n, string expectedOrder, string expectedRepairs)
    {
        (int[] order, PermutationRepairs repairs) = PermutationParser.Parse(answer, n);
        Assert.Equal(expectedOrder, string.Join(",", order.Select(i => i + 1)));
        Assert.Equal(expectedRepairs, repairs.ToString());
    }

    [Fact]
    public void Answers_AreAtLeastFiftyAndEveryOrderIsAPermutation()
    {
        Assert.True(Answers().Count >= 50);
        foreach (object[] row in Answers())
        {
            (int[] order, _) = PermutationParser.Parse((string)row[0], (int)row[1]);
            Assert.Equal(Enumerable.Range(0, (int)row[1]), order.Order());
        }
    }

    [Fact]
    public void Parse_RandomText_NeverThrowsAndAlwaysPermutes()
    {
        var random = new Random(7);
        const string alphabet = "[]0123456789 >,<think></answer>【】x\n";
        for (int trial = 0; trial < 2000; trial++)
        {
            int n = random.Next(1, 25);
            string text = new([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            (int[] order, _) = PermutationParser.Parse(text, n);
            Assert.Equal(Enumerable.Range(0, n), order.Order());
        }
    }
}
