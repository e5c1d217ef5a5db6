using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Lodestar.Llm.Engine;

/// <summary>
/// Finds, loads and checks llama.cpp's shared libraries once per process: <c>libllama</c>, <c>libggml</c> and the
/// CPU backends beside them (<c>ggml_backend_load_all_from_path</c>, which picks the best one for this CPU).
/// </summary>
/// <remarks>
/// Searched, in order: the explicit path (option or <c>--llama-lib</c>), <c>$LODESTAR_LLAMA_LIB</c>,
/// <c>tools/llama</c> under the working directory or any parent (where <c>scripts/setup-llama.sh</c> installs the
/// npm package <c>@node-llama-cpp/linux-x64@3.22.1</c>), the same under the tool's own directory, and
/// <c>~/.cache/lodestar/llama</c>. A folder may hold <c>libllama.v0.5.0.so</c> (the npm build) or
/// <c>libllama.so</c> (a build of your own, or LLamaSharp's backend).
/// </remarks>
public static class LlamaLibrary
{
    /// <summary>The npm package that ships the libraries.</summary>
    public const string Package = "@node-llama-cpp/linux-x64@3.22.1";

    /// <summary>The npm package that ships the CUDA build of the same release (loaded first when an NVIDIA GPU is present).</summary>
    public const string CudaPackage = "@node-llama-cpp/linux-x64-cuda@3.22.1";

    /// <summary>The llama.cpp release whose C API and struct layouts Lodestar binds.</summary>
    public const string ApiVersion = "0.5.";

    private const string PackageBins = "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64";
    private const string CudaPackageDir = "node_modules/@node-llama-cpp/linux-x64-cuda/bins";
    private static readonly Lock Gate = new();
    private static string? _loadedFrom;
    private static nint _llama, _ggml;

    /// <summary>The folder the libraries were loaded from, once loaded.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>The version string the library reports (<c>llama_version</c>).</summary>
    public static string Version { get; private set; } = "";

    /// <summary>Loads the libraries (once); later calls with another path are refused.</summary>
    /// <param name="path">A folder or a <c>libllama</c> file; null searches the usual places.</param>
    /// <exception cref="LlamaException">Not found, not loadable, or another version.</exception>
    public static void Load(string? path = null)
    {
        lock (Gate)
        {
            if (_loadedFrom is not null)
            {
                return;
            }

            (string folder, string llama, string ggml) = Locate(path);
            try
            {
                _ggml = NativeLibrary.Load(ggml);
                _llama = NativeLibrary.Load(llama);
            }
            catch (DllNotFoundException e)
            {
                throw new LlamaException($"{llama}: cannot load: {e.Message}");
            }

            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, Resolve);
            Initialize(folder);
            _loadedFrom = folder;
        }
    }

    /// <summary>The first folder that holds the libraries, or an error that lists every folder searched.</summary>
    /// <exception cref="LlamaException">None found.</exception>
    public static (string Folder, string Llama, string Ggml) Locate(string? path)
    {
        var searched = new List<string>();
        foreach (string folder in Candidates(path))
        {
            string? llama = LibraryIn(folder, "libllama");
            searched.Add(folder);
            if (llama is null)
            {
                continue;
            }

            string? ggml = LibraryIn(folder, "libggml");
            return ggml is null ? throw new LlamaException($"{folder}: found {Path.GetFileName(llama)} but no libggml beside it") : (folder, llama, ggml);
        }

        throw new LlamaException("llama.cpp library not found; searched:\n  " + string.Join("\n  ", searched) +
            $"\ninstall it with `bash scripts/setup-llama.sh` (npm install {Package} into tools/llama), " +
            "or point --llama-lib / LODESTAR_LLAMA_LIB at a folder holding libllama.so and libggml*.so");
    }

    private static IEnumerable<string> Candidates(string? path)
    {
        if (path is not null)
        {
            yield return File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : Path.GetFullPath(path);
            yield break;
        }

        if (Environment.GetEnvironmentVariable("LODESTAR_LLAMA_LIB") is { Length: > 0 } env)
        {
            yield return File.Exists(env) ? Path.GetDirectoryName(Path.GetFullPath(env))! : Path.GetFullPath(env);
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tools", "llama", PackageBins);
                if (GpuPresent && CudaBins(Path.Combine(dir.FullName, "tools", "llama")) is string cuda)
                {
                    yield return cuda;
                }

                if (Directory.Exists(candidate))
                {
                    yield return candidate;
                    break;
                }
            }
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        yield return Path.Combine(home, ".cache", "lodestar", "llama", PackageBins);
    }

    /// <summary>Whether this machine has an NVIDIA GPU with its driver loaded.</summary>
    public static bool GpuPresent => File.Exists("/proc/driver/nvidia/version");

    /// <summary>The folder of the CUDA package's libraries under an install root (<c>tools/llama</c>), if installed.</summary>
    private static string? CudaBins(string root)
    {
        string bins = Path.Combine(root, CudaPackageDir);
        return Directory.Exists(bins) ? Directory.EnumerateDirectories(bins).Order(StringComparer.Ordinal).FirstOrDefault(d => LibraryIn(d, "libllama") is not null) : null;
    }

    /// <summary>The GPU devices the loaded backends offer (empty with the CPU build, or when the CUDA build found no
    /// usable GPU).</summary>
    public static unsafe IReadOnlyList<string> GpuDevices()
    {
        var devices = new List<string>();
        for (nuint i = 0; i < Native.ggml_backend_dev_count(); i++)
        {
            nint dev = Native.ggml_backend_dev_get(i);
            if (Native.ggml_backend_dev_type(dev) is 1 or 2)
            {
                devices.Add(Marshal.PtrToStringUTF8((nint)Native.ggml_backend_dev_description(dev)) ?? "GPU");
            }
        }

        return devices;
    }

    private static string? LibraryIn(string folder, string stem)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string plain = Path.Combine(folder, stem + ".so");
        if (File.Exists(plain))
        {
            return plain;
        }

        return Directory.EnumerateFiles(folder, stem + ".v*.so").Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        Native.Llama => _llama,
        Native.Ggml => _ggml,
        _ => 0,
    };

    private static unsafe void Initialize(string folder)
    {
        Native.llama_log_set(&Log, null);
        Version = Marshal.PtrToStringUTF8((nint)Native.llama_version()) ?? "";
        if (!Version.StartsWith(ApiVersion, StringComparison.Ordinal))
        {
            throw new LlamaException($"{folder}: llama.cpp version {Version}, but Lodestar binds the C API of {ApiVersion}x ({Package})");
        }

        Native.ContextParams defaults = Native.llama_context_default_params();
        if (defaults.GetUInt(Native.ContextParams.NCtx) != 512 || defaults.GetUInt(Native.ContextParams.NBatch) != 2048
            || defaults.GetUInt(Native.ContextParams.NSeqMax) != 1 || defaults.GetUInt(Native.ContextParams.PoolingType) != uint.MaxValue
            || defaults.GetBool(Native.ContextParams.Embeddings) || !defaults.GetBool(Native.ContextParams.OffloadKqv)
            || Native.llama_model_default_params().GetInt(Native.ModelParams.NGpuLayers) != -1)
        {
            throw new LlamaException($"{folder}: llama_context_params does not have the layout of llama.cpp {ApiVersion}x; use {Package}");
        }

        Native.ggml_backend_load_all_from_path(folder);
        if (Native.ggml_backend_reg_count() == 0)
        {
            throw new LlamaException($"{folder}: no ggml backend could be loaded (libggml-cpu*.so)");
        }

        Native.llama_backend_init();
    }

    private static readonly StringBuilder Recent = new();

    /// <summary>The last warnings and errors llama.cpp logged (it explains failed loads there).</summary>
    internal static string TakeLog()
    {
        lock (Recent)
        {
            string text = Recent.ToString().Trim();
            Recent.Clear();
            return text;
        }
    }

    /// <summary>Minimum level printed to standard error: 0 none (default), else ggml's levels (2 info, 3 warn, 4 error).</summary>
    public static int EchoLevel { get; set; } = int.MaxValue;

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe void Log(int level, byte* text, void* userData)
    {
        string line = Marshal.PtrToStringUTF8((nint)text) ?? "";
        if (level >= 3)
        {
            lock (Recent)
            {
                if (Recent.Length > 8192)
                {
                    Recent.Remove(0, Recent.Length - 4096);
                }

                Recent.Append(line);
            }
        }

        if (level >= EchoLevel)
        {
            Console.Error.Write(line);
        }
    }
}

/// <summary>The embedded engine failed: library, model or inference.</summary>
public sealed class LlamaException(string message) : Exception(message);
