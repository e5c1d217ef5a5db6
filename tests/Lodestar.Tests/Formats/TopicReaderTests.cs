using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Formats;

public class TopicReaderTests
{
    [SharedFact]
    public void BrightExamples_AllTwelveTasks_ReadWithExcludedIds()
    {
        int total = 0;
        foreach (string task in Directory.GetDirectories(Fixtures.Shared("data/bright")))
        {
            List<Topic> topics = TopicReader.Read(Path.Combine(task, "examples.jsonl.gz"));
            Assert.All(topics, t => Assert.DoesNotContain("N/A", t.ExcludedIds));
            Assert.All(topics, t => Assert.NotEmpty(t.GoldIds));
            Model.Qrels qrels = QrelsFormat.Read(Path.Combine(task, "qrels.txt"));
            Model.Qrels fromGold = QrelsFormat.FromGold(topics, longDocuments: false);
            Assert.Equal(qrels.TopicIds.Order(), fromGold.TopicIds.Order());
            total += topics.Count;
        }

        Assert.Equal(1384, total);
    }

    [Fact]
    public void TrecTsv_And_Beir_Read()
    {
        using var dir = new TempDir();
        List<Topic> tsv = TopicReader.Read(dir.Write("t.tsv", "101\twhy are insects drawn to light?\n102\tmoths\n"));
        Assert.Equal(["101", "102"], tsv.Select(t => t.Id));
        List<Topic> beir = TopicReader.Read(dir.Write("q.jsonl", "{\"_id\": \"1\", \"text\": \"moths\", \"metadata\": {}}\n"));
        Assert.Equal("moths", beir[0].Text);
    }
}
