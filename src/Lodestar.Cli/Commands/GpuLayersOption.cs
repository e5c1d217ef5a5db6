using System.CommandLine;
using Lodestar.Llm.Engine;

namespace Lodestar.Cli.Commands;

/// <summary><c>--gpu-layers N|all</c> for the commands that load a model into the embedded engine.</summary>
internal static class GpuLayersOption
{
    /// <summary>The option; absent means all layers where the loaded library has a GPU, quietly the CPU otherwise.</summary>
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--gpu-layers")
        {
            Description = "Embedded engine: model layers on the GPU, N or all (default all where the CUDA build of llama.cpp and a GPU are present; 0 = CPU).",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is string v && Parse(v) is null)
            {
                r.AddError($"--gpu-layers: expected a number of layers (0 or more) or all, found '{v}'");
            }
        });
        return option;
    }

    /// <summary>Layers to offload: -1 for all, null when the value is not N or all.</summary>
    public static int? Parse(string value) => value == "all" ? -1 : int.TryParse(value, out int n) && n >= 0 ? n : null;

    /// <summary>Layers for <see cref="LlamaModel.Load(string, string?, int?)"/>: null (llama.cpp's default, all) when not given.</summary>
    public static int? Value(ParseResult parse, Option<string?> option) => parse.GetValue(option) is string v ? Parse(v) : null;

    /// <summary>Says where the model runs once loaded; a GPU asked for but not available falls back to the CPU with a note.</summary>
    public static void Report(CliContext context, int? layers)
    {
        IReadOnlyList<string> gpus = LlamaLibrary.GpuDevices();
        if (gpus.Count > 0 && layers != 0)
        {
            context.Error.WriteLine($"GPU: {string.Join(", ", gpus)}; {(layers is null or < 0 ? "all" : $"{layers}")} layers offloaded");
        }
        else if (gpus.Count == 0 && (layers is > 0 or < 0 || (layers is null && LlamaLibrary.GpuPresent)))
        {
            context.Error.WriteLine(LlamaLibrary.GpuPresent
                ? $"note: a GPU is present but the llama.cpp library loaded ({LlamaLibrary.LoadedFrom}) has no GPU backend; running on the CPU " +
                  $"(install the CUDA build {LlamaLibrary.CudaPackage} with `bash scripts/setup-llama.sh --cuda`)"
                : "note: no GPU on this machine; running on the CPU");
        }
    }
}
