using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Citizens;

/// <summary>A citizen record as the admin API shows it: every held field with its source and last-updated time.</summary>
public sealed record CitizenResponse(string Id, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, SortedDictionary<string, FieldResponse> Fields)
{
    public static CitizenResponse From(CitizenRecord record) => new(
        record.Id.Value,
        record.Version,
        record.CreatedAt,
        record.UpdatedAt,
        new SortedDictionary<string, FieldResponse>(
            record.Fields.ToDictionary(f => f.Key, f => new FieldResponse(FieldJson.WriteValue(f.Value.Value), f.Value.Source, f.Value.UpdatedAt)),
            StringComparer.Ordinal));
}

/// <summary>One field: its value (a string, or a list for list fields), who wrote it and when.</summary>
public sealed record FieldResponse(object? Value, string Source, DateTimeOffset UpdatedAt);

/// <summary>A page of a record's change history, newest first; pass <c>nextBefore</c> as <c>before</c> for the next page.</summary>
public sealed record HistoryResponse(IReadOnlyList<ChangeResponse> Changes, long? NextBefore);

/// <summary>One accepted change: the version it produced, when, by which source, what kind, and which fields.</summary>
public sealed record ChangeResponse(long Version, DateTimeOffset At, string Source, string Kind, IReadOnlyList<string> Fields)
{
    public static ChangeResponse From(ChangeEntry entry) =>
        new(entry.Version, entry.At, entry.Source, System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(entry.Kind.ToString()), entry.Fields);
}
