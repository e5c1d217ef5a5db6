using Lodestar.LoadTest;

// A bounded HTTP load generator for `lodestar serve` (docs/service.md#load-test):
//   search URL INDEX QUERIES [--clients 1,8,64] [--requests N] [--duration S] [--k K]
//   rerank URL LLM_URL [--requests N] [--duration S]   (LLM_URL: the instant LLM that the server also uses)
//   llm PORT                                            (an instant OpenAI-compatible server, until Ctrl+C)
return args.Length > 0 ? args[0] switch
{
    "search" => await SearchLoad.RunAsync(args[1..]),
    "rerank" => await RerankLoad.RunAsync(args[1..]),
    "llm" => await InstantLlm.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
} : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: search URL INDEX QUERIES [--clients 1,8,64] [--requests N] [--duration S] [--k K] | rerank URL LLM_URL [--requests N] [--duration S] | llm PORT");
    return 2;
}
