using System.Diagnostics;
using Lodestar.Formats.Parquet;

// Reads every row of a shard, all columns, through ParquetFile; prints rows/s, peak RSS and bytes allocated.
// dotnet run -c Release -- SHARD.parquet LABEL
string path = args[0];
var sw = Stopwatch.StartNew();
long rows = 0, chars = 0;
using (ParquetFile file = ParquetFile.Open(path))
{
    string[] columns = [.. file.Columns.Where(c => c.Supported).Select(c => c.Name)];
    foreach (object?[] row in file.ReadRows(columns))
    {
        rows++;
        foreach (object? v in row)
        {
            if (v is string s) chars += s.Length;
        }
    }
}
sw.Stop();
string hwm = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(':')[1].Trim();
Console.WriteLine($"{args.ElementAtOrDefault(1)} rows {rows} chars {chars} seconds {sw.Elapsed.TotalSeconds:F3} rows/s {rows / sw.Elapsed.TotalSeconds:F0} peak_rss {hwm} allocated_MB {GC.GetTotalAllocatedBytes() / 1048576}");
