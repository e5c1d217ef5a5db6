namespace Lodestar.Rerank.Listwise;

/// <summary>Which listwise prompt a window is asked with.</summary>
public enum ListwisePromptStyle
{
    /// <summary>RankGPT's multi-turn conversation (Sun et al. 2023; sunnweiwei/RankGPT rank_gpt.py), for chat models.</summary>
    RankGpt,

    /// <summary>ReasonRank's reasoning prompt (Liu et al. 2025; 8421BCD/ReasonRank utils.py and listwise_prompt_r1.toml,
    /// mode rank_GPT_reasoning): think in <c>&lt;think&gt;</c>, answer in <c>&lt;answer&gt;</c>.</summary>
    ReasonRank,
}
