using System.Diagnostics;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class StaleBuildsTests
{
    [Fact]
    public void Build_RemovesTheTemporaryFoldersOfKilledBuilds_AndKeepsThoseOfLiveProcesses()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.jsonl", "{\"_id\":\"a\",\"text\":\"moths\"}\n");
        string output = dir.File("index");
        int dead;
        using (Process p = Process.Start(new ProcessStartInfo("true"))!)
        {
            p.WaitForExit();
            dead = p.Id;
        }

        string deadTemp = Directory.CreateDirectory($"{output}.tmp-{dead}").FullName;
        string deadOld = Directory.CreateDirectory($"{output}.old-{dead}").FullName;
        File.WriteAllText(Path.Combine(deadTemp, "postings.bin"), "half a build");
        string live = Directory.CreateDirectory($"{output}.tmp-1").FullName; // pid 1 is always alive
        string other = Directory.CreateDirectory($"{output}.tmp-notapid").FullName;

        IndexWriter.Build(corpus, output, new IndexBuildOptions());

        Assert.False(Directory.Exists(deadTemp));
        Assert.False(Directory.Exists(deadOld));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
        Assert.True(File.Exists(Path.Combine(output, IndexHeader.FileName)));
    }
}
