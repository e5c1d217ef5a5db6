using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lodestar.Cli.Tests;

/// <summary>
/// The <c>dotnet tool</c> package (issue 11, item 20): it carries Cranfield, and the tool installed from it runs
/// <c>lodestar quickstart</c> in an empty folder outside the repository with the README's figures. The package is
/// made once for the class (<c>dotnet pack --no-build</c>, about 30 s); installing and running take about 15 s more.
/// </summary>
public sealed class ToolPackageTests(ToolPackageTests.Package package) : IClassFixture<ToolPackageTests.Package>
{
    private static readonly string[] s_cranfield = ["corpus.jsonl.gz", "queries.jsonl", "qrels/test.tsv"];

    [Fact]
    public void Package_CarriesCranfieldBesideTheTool()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.Path);
        string root = CliTests.RepoRoot();
        Assert.NotNull(zip.GetEntry("tools/net10.0/any/lodestar.dll"));
        Assert.Contains("Command Name=\"lodestar\"", new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open()).ReadToEnd());
        foreach (string file in s_cranfield)
        {
            ZipArchiveEntry? entry = zip.GetEntry("tools/net10.0/any/data/cranfield/" + file);
            Assert.True(entry is not null, $"data/cranfield/{file} is not in the package");
            using Stream stream = entry.Open();
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, "data", "cranfield", file))), SHA256.HashData(stream));
        }
    }

    [Fact]
    public async Task InstalledTool_RunsQuickstartOutsideTheRepository()
    {
        string toolPath = Path.Combine(package.Folder, "tool");
        (int code, string log) = await Package.RunAsync("dotnet", ["tool", "install", "Lodestar.Cli", "--tool-path", toolPath, "--configfile", package.NuGetConfig, "--version", package.Version], package.Folder);
        Assert.True(code == 0, log);

        // An empty folder under the system's temporary folder: no data/cranfield above it, no model in the cache.
        string work = Directory.CreateTempSubdirectory("lodestar-tool-quickstart-").FullName;
        try
        {
            Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "data", "cranfield")));
            (code, log) = await Package.RunAsync(Path.Combine(toolPath, "lodestar"), ["quickstart"], work, new() { ["HF_HOME"] = Path.Combine(work, "hf") });
            Assert.True(code == 0, log);
            Assert.Contains("lodestar-bm25-bright  all    0.2655  0.4566  0.2102      0.7045   0.3205", log);
            Assert.Contains("lodestar-bm25-lucene  all    0.2892  0.5136  0.2240      0.7218   0.3520", log);
            Assert.True(File.Exists(Path.Combine(work, "out", "quickstart", "report.html")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The tool package, packed once from this build into a temporary folder with a NuGet config that lists
    /// only that folder.</summary>
    public sealed class Package : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("lodestar-pack-").FullName;

        /// <summary>A version of its own, so that no cached package of the same version stands in for this one.</summary>
        public string Version { get; } = "0.0.0-test." + Guid.NewGuid().ToString("N")[..8];

        public string Path => System.IO.Path.Combine(Folder, "packages", $"Lodestar.Cli.{Version}.nupkg");

        public string NuGetConfig => System.IO.Path.Combine(Folder, "nuget.config");

        public async Task InitializeAsync()
        {
            string root = CliTests.RepoRoot();
            // bin/Release/net10.0: pack what this configuration built.
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            string packages = System.IO.Path.Combine(Folder, "packages");
            (int code, string log) = await RunAsync("dotnet", ["pack", System.IO.Path.Combine(root, "src", "Lodestar.Cli", "Lodestar.Cli.csproj"), "-c", configuration, "--no-build",
                "-o", packages, $"-p:PackageVersion={Version}", $"-p:PublishDir={System.IO.Path.Combine(Folder, "publish")}/",
                $"-p:NuspecOutputPath={System.IO.Path.Combine(Folder, "nuspec")}/"], root);
            Assert.True(code == 0, log);
            File.WriteAllText(NuGetConfig,
                $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n    <add key=\"local\" value=\"{packages}\" />\n  </packageSources>\n</configuration>\n");
        }

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }

        public static async Task<(int Code, string Log)> RunAsync(string file, IEnumerable<string> args, string directory, Dictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            // The outer `dotnet test` sets these for its own MSBuild; the inner commands must start afresh.
            foreach (string name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" })
            {
                start.Environment.Remove(name);
            }

            foreach ((string name, string value) in environment ?? [])
            {
                start.Environment[name] = value;
            }

            using Process process = Process.Start(start)!;
            Task<string> err = process.StandardError.ReadToEndAsync();
            string output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output + await err);
        }
    }
}
