using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lodestar.Pipeline;

/// <summary>The experiment manifest's JSON, generated at compile time (AOT-safe), with the options the reflection
/// serializer used (indented, camelCase), so manifests written before read unchanged.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExperimentManifest))]
internal sealed partial class ExperimentManifestJson : JsonSerializerContext;
