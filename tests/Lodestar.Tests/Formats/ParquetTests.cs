using System.IO.Compression;
using System.Text.Json;
using Lodestar.Errors;
using Lodestar.Formats.Parquet;

namespace Lodestar.Tests.Formats;

/// <summary>
/// The Parquet reader against files written by two independent writers (parquet-wasm, Arrow's Rust implementation, and
/// DuckDB; tests/fixtures/parquet/make-fixtures.sh) from real BRIGHT records and Cranfield documents.
/// </summary>
public sealed class ParquetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-parquet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Fixtures.Path(Path.Combine("parquet", name));

    public static TheoryData<string> Files => new()
    {
        "examples-biology.snappy", "examples-leetcode.gzip-plain", "documents-cranfield.uncompressed", "documents-cranfield.v2-snappy", "numbers.snappy",
        "documents-small.zstd", "examples-economics.duckdb-zstd",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_fixture_is_read_exactly_as_the_writer_was_given_it(string name)
    {
        using var gz = new GZipStream(File.OpenRead(Fixture(name + ".expected.jsonl.gz")), CompressionMode.Decompress);
        List<JsonElement> expected = [.. new StreamReader(gz).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        string[] columns = [.. expected[0].EnumerateObject().Select(p => p.Name)];
        using ParquetFile file = ParquetFile.Open(Fixture(name + ".parquet"));
        Assert.Equal(expected.Count, file.RowCount);
        Assert.Equal(columns, file.Columns.Select(c => c.Name));
        int row = 0;
        foreach (object?[] values in file.ReadRows(columns))
        {
            for (int c = 0; c < columns.Length; c++)
            {
                AssertSame(expected[row].GetProperty(columns[c]), values[c], $"{name} row {row} column {columns[c]}");
            }

            row++;
        }

        Assert.Equal(expected.Count, row);
    }

    private static void AssertSame(JsonElement want, object? got, string where)
    {
        switch (want.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.True(got is null, $"{where}: expected null, found {got}");
                break;
            case JsonValueKind.String:
                Assert.True(got is string s ? s == want.GetString() : got is long big && big.ToString(System.Globalization.CultureInfo.InvariantCulture) == want.GetString(), $"{where}: expected {want}, found {got}");
                break;
            case JsonValueKind.Number:
                double value = got switch { int i => i, long l => l, double d => d, float f => f, _ => double.NaN };
                Assert.True(value == want.GetDouble(), $"{where}: expected {want}, found {got}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(want.GetBoolean(), Assert.IsType<bool>(got));
                break;
            case JsonValueKind.Array:
                List<object?> list = Assert.IsType<List<object?>>(got);
                Assert.True(list.Count == want.GetArrayLength(), $"{where}: expected {want.GetArrayLength()} items, found {list.Count}");
                int i2 = 0;
                foreach (JsonElement item in want.EnumerateArray())
                {
                    AssertSame(item, list[i2++], $"{where}[{i2 - 1}]");
                }

                break;
            default:
                throw new InvalidOperationException(where);
        }
    }

    [Fact]
    public void The_fixtures_cover_what_they_claim()
    {
        using (ParquetFile biology = ParquetFile.Open(Fixture("examples-biology.snappy.parquet")))
        {
            Assert.Equal(3, biology.RowGroupCount);
            Assert.True(biology.Columns.Single(c => c.Name == "gold_ids").IsList);
        }

        using ParquetFile leetcode = ParquetFile.Open(Fixture("examples-leetcode.gzip-plain.parquet"));
        int longest = leetcode.ReadRows("excluded_ids").Max(r => ((List<object?>)r[0]!).Count);
        Assert.True(longest > 100, $"excluded_ids lists of {longest}"); // many data pages per row group
    }

    [Fact]
    public void Zstd_files_from_both_writers_name_their_writer_and_codec()
    {
        using ParquetFile wasm = ParquetFile.Open(Fixture("documents-small.zstd.parquet"));
        Assert.StartsWith("parquet-rs", wasm.CreatedBy);
        using ParquetFile duck = ParquetFile.Open(Fixture("examples-economics.duckdb-zstd.parquet"));
        Assert.StartsWith("DuckDB", duck.CreatedBy);
        Assert.Equal(103, duck.RowCount);
        Assert.True(duck.Columns.Single(c => c.Name == "excluded_ids").IsList);
    }

    [Fact]
    public void A_wrong_magic_number_a_truncated_file_and_a_corrupt_page_are_clear_errors()
    {
        byte[] good = File.ReadAllBytes(Fixture("examples-biology.snappy.parquet"));

        string magic = Path.Combine(_dir, "magic.parquet");
        byte[] bad = [.. good];
        bad[0] = (byte)'X';
        File.WriteAllBytes(magic, bad);
        Assert.Equal($"{magic}: expected the Parquet magic number PAR1 at byte 0, found XAR1", Assert.Throws<InputException>(() => ParquetFile.Open(magic)).Message);

        string truncated = Path.Combine(_dir, "truncated.parquet");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        Assert.Contains("truncated", Assert.Throws<InputException>(() => ParquetFile.Open(truncated)).Message);

        // Overwrite the middle of the first column's data with garbage: the page can no longer be decoded.
        string corrupt = Path.Combine(_dir, "corrupt.parquet");
        bad = [.. good];
        for (int i = 8; i < 4000; i++)
        {
            bad[i] = 0xff;
        }

        File.WriteAllBytes(corrupt, bad);
        using ParquetFile file = ParquetFile.Open(corrupt);
        InputException e = Assert.Throws<InputException>(() => file.ReadRows("id").ToList());
        Assert.StartsWith($"{corrupt}: column 'id', row group 0, chunk at byte 4: ", e.Message);

        Assert.Contains("expected a column 'nope'", Assert.Throws<InputException>(() => ParquetFile.Open(Fixture("numbers.snappy.parquet")).ReadRows("nope").ToList()).Message);
    }
}
