using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Citizens.Import;

/// <summary>One parsed line of an import file: the citizen's fields and optionally their card, or why the line is unusable.</summary>
public sealed record ImportLine(long Number, PersonalId? Id, IReadOnlyDictionary<string, FieldInput> Changes, CardSummary? Card, IReadOnlyList<FieldError> Errors)
{
    public static ImportLine Rejected(long number, string? id, params IReadOnlyList<FieldError> errors) =>
        new(number, PersonalId.TryParse(id, out var parsed, out _) ? parsed : null, new Dictionary<string, FieldInput>(), null, errors);
}


/// <summary>What happened to one line; rejected lines are reported back to the client.</summary>
public sealed record ImportLineResult(long Line, string? Id, WriteEffect Effect, IReadOnlyList<FieldError> Errors)
{
    public bool Rejected => Errors.Count > 0;
}

/// <summary>Counts of an import run, the last line of the report.</summary>
public sealed record ImportSummary(long Lines, long Created, long Updated, long Unchanged, long Rejected, long ElapsedMs);
