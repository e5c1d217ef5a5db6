using System.Globalization;
using System.Text;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Cli.Commands.EvalBench;

/// <summary>One input pair of <c>lodestar bench eval</c>, written where both programs read it.</summary>
/// <param name="Name">The case's name.</param>
/// <param name="Qrels">TREC qrels path.</param>
/// <param name="Run">TREC run path.</param>
/// <param name="Topics">Topics in the run.</param>
/// <param name="RunLines">Lines of the run.</param>
internal sealed record EvalBenchCase(string Name, string Qrels, string Run, int Topics, long RunLines);

/// <summary>Converts the tasks' qrels and runs into the TREC files both programs read: ids with spaces written as
/// <c>%20</c> (trec_eval splits fields on white space), a three-topic case, one case per task, and all tasks together
/// with every topic filled to a fixed depth.</summary>
internal static class EvalBenchInputs
{
    /// <summary>Writes every case under <paramref name="work"/> and returns them, smallest first.</summary>
    /// <exception cref="InputException">No task has both a qrels file and a run.</exception>
    public static List<EvalBenchCase> Write(string qrelsDir, string runsDir, int depth, string work)
    {
        var tasks = new List<(string Name, string Qrels, Run Run)>();
        foreach (string dir in (Directory.Exists(runsDir) ? Directory.GetDirectories(runsDir) : []).Order(StringComparer.Ordinal))
        {
            string task = Path.GetFileName(dir);
            string qrels = Path.Combine(qrelsDir, task, "qrels.txt");
            string? run = FindRun(dir);
            if (File.Exists(qrels) && run is not null)
            {
                tasks.Add((task, qrels, run.EndsWith(".json", StringComparison.Ordinal) ? BrightScoreFormat.Read(run) : TrecRunFormat.Read(run)));
            }
        }

        if (tasks.Count == 0)
        {
            throw new InputException(new SourcePosition(runsDir, 1, 1), $"expected task folders holding a run (TREC or BRIGHT score JSON) with TASK/qrels.txt under {qrelsDir}, found none");
        }

        Directory.CreateDirectory(work);
        var cases = new List<EvalBenchCase>();
        (string first, string firstQrels, Run firstRun) = tasks[0];
        HashSet<string> three = [.. firstRun.TopicIds.Take(3)];
        cases.Add(WriteCase(work, $"{first}, 3 topics", QrelsLines(firstQrels, "").Where(l => three.Contains(l.Split(' ')[0])), [(firstRun, "", 0)], three));
        foreach ((string task, string qrels, Run run) in tasks)
        {
            cases.Add(WriteCase(work, task, QrelsLines(qrels, ""), [(run, "", 0)], null));
        }

        cases.Add(WriteCase(work, $"all {tasks.Count} tasks, {depth:N0} per topic", tasks.SelectMany(t => QrelsLines(t.Qrels, t.Name + ":")),
            [.. tasks.Select(t => (t.Run, t.Name + ":", depth))], null));
        return cases;
    }

    private static string? FindRun(string dir) =>
        Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).FirstOrDefault(f => Path.GetFileName(f) == "gpt4_score.json")
        ?? Directory.GetFiles(dir).Order(StringComparer.Ordinal).FirstOrDefault(f => f.EndsWith(".run", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("run", StringComparison.Ordinal))
        ?? Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).FirstOrDefault();

    private static IEnumerable<string> QrelsLines(string path, string prefix) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => prefix + string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

    private static EvalBenchCase WriteCase(string work, string name, IEnumerable<string> qrels, IReadOnlyList<(Run Run, string Prefix, int Depth)> runs, HashSet<string>? only)
    {
        string dir = Path.Combine(work, string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-')));
        Directory.CreateDirectory(dir);
        string qrelsPath = Path.Combine(dir, "qrels.txt"), runPath = Path.Combine(dir, "run.txt");
        File.WriteAllLines(qrelsPath, qrels);
        int topics = 0;
        long lines = 0;
        using (var writer = new StreamWriter(runPath, false, new UTF8Encoding(false)))
        {
            foreach ((Run run, string prefix, int depth) in runs)
            {
                foreach (string topic in run.TopicIds.Where(t => only is null || only.Contains(t)))
                {
                    topics++;
                    IReadOnlyList<Hit> hits = run[topic];
                    double score = 0;
                    int rank = 0;
                    foreach (Hit hit in hits)
                    {
                        score = hit.Score;
                        writer.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}{topic} Q0 {hit.DocId.Replace(" ", "%20", StringComparison.Ordinal)} {++rank} {hit.Score:R} bench\n"));
                    }

                    // Filler below the last hit: ids no qrels judge, distinct per topic (the worst case for a reader that interns ids),
                    // scores strictly decreasing, as a deeper run would have.
                    for (int i = hits.Count; i < depth; i++)
                    {
                        score -= 0.001;
                        writer.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}{topic} Q0 filler-{prefix}{topic}-{i} {++rank} {score:G10} bench\n"));
                    }

                    lines += Math.Max(hits.Count, depth);
                }
            }
        }

        return new EvalBenchCase(name, qrelsPath, runPath, topics, lines);
    }
}
