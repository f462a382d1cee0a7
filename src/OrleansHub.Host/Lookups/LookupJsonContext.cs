using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Fees;

namespace OrleansHub.Host.Lookups;

/// <summary>
/// Source-generated JSON for the lookup and verification bodies and answers: no reflection-built serializers on the agency
/// API's hottest path. Put first in the HTTP JSON resolver chain, so the app's options (strict members, camelCase) apply.
/// </summary>
[JsonSerializable(typeof(LookupRequest))]
[JsonSerializable(typeof(LookupResponse))]
[JsonSerializable(typeof(BatchLookupRequest))]
[JsonSerializable(typeof(BatchLookupResponse))]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(VerificationResponse))]
[JsonSerializable(typeof(FieldResponse))]
[JsonSerializable(typeof(FeeResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class LookupJsonContext : JsonSerializerContext;
