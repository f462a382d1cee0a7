using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansHub.Bench.Faults;

/// <summary>What the load does; one row of the report each.</summary>
public enum Operation
{
    LookupCharged,
    LookupState,
    RegistryWrite,
    ConsentChange,
    Subscription,
    FeedRead,
}

/// <summary>
/// One request as the client saw it. <see cref="Status"/> 0: no answer (connection refused or reset, or the client's
/// timeout). An error is no answer or a 5xx; a 4xx is the hub deciding (a refusal the load expects, e.g. 412 or 403).
/// </summary>
public readonly record struct Outcome(long AtMs, Operation Operation, int Silo, int Status, bool TimedOut, bool ProblemJson, string? ProblemType)
{
    public bool IsError => Status is 0 or >= 500;

    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>Every request's outcome, in the order they finished, against one run clock.</summary>
public sealed class Timeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly ConcurrentQueue<(long AtMs, string Text)> _marks = new();

    public long NowMs => _clock.ElapsedMilliseconds;

    public IReadOnlyList<Outcome> Outcomes => [.. _outcomes];

    /// <summary>Fault injected, recovery step taken, and so on, with the time they happened.</summary>
    public IReadOnlyList<(long AtMs, string Text)> Marks => [.. _marks];

    public void Add(Outcome outcome) => _outcomes.Enqueue(outcome);

    public long Mark(string text)
    {
        var at = NowMs;
        _marks.Enqueue((at, text));
        return at;
    }
}

/// <summary>A registry write the load sent and what became of it.</summary>
public sealed record WriteAttempt(string CitizenId, string Value, long? AckedVersion, bool Ambiguous);

/// <summary>A consent grant or revocation and what became of it (<see cref="ConsentId"/> null: a grant without an answer).</summary>
public sealed record ConsentAttempt(string CitizenId, Guid? ConsentId, bool Grant, bool Acked, bool Ambiguous);

/// <summary>A lookup answered with 200: its audit entry and the fee the response showed.</summary>
public sealed record Answer(string AgencyCode, string CitizenId, Guid AuditId, long FeeVnd);

/// <summary>One event as a feed consumer or webhook receiver got it, and when (run clock).</summary>
public sealed record ReceivedEvent(string AgencyCode, Guid EventId, string CitizenId, long Sequence, long RecordVersion, string Type, long AtMs);
