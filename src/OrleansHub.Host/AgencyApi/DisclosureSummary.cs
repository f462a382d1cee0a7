using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// What one answer of the agency API disclosed: the operation and purpose, and per citizen the fields (or the denial). The
/// disclosure service fills it in when the request asks for one (an idempotent request: its answer is kept for replays),
/// and a replay re-checks it against the agency's agreement and the consent in force before the kept answer is sent again.
/// </summary>
public sealed class DisclosureSummary
{
    public string? Operation { get; set; }

    public string? Purpose { get; set; }

    public List<DisclosedItem> Items { get; set; } = [];

    /// <summary>Records a decision about one citizen; <paramref name="refusal"/> is the denial's slug, null when fields were disclosed.</summary>
    public void Add(string operation, string purpose, string citizenId, IReadOnlyList<string> fields, string? refusal)
    {
        Operation = operation;
        Purpose = purpose;
        lock (Items)
        {
            Items.Add(new DisclosedItem(citizenId, [.. fields], refusal));
        }
    }

    /// <summary>The request's summary when it is being kept (an idempotent request), else null: nothing to record.</summary>
    public static DisclosureSummary? Of(HttpContext? http) => http?.Features.Get<DisclosureSummary>();
}

/// <summary>One citizen of a kept answer: the fields disclosed, or the denial's slug.</summary>
public sealed record DisclosedItem(string CitizenId, IReadOnlyList<string> Fields, string? Refusal);

/// <summary>Source-generated JSON of what the agency API keeps for itself.</summary>
[JsonSerializable(typeof(DisclosureSummary))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class AgencyApiJsonContext : JsonSerializerContext;
