using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Abstractions.Quotas;

/// <summary>
/// An agency's contracted limits, set by the operator. A limit left null does not apply; rate and burst are set together.
/// A request costs one unit per citizen it names (a batch of N IDs costs N).
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyQuota")]
public sealed record AgencyQuota(
    [property: Id(0)] long? RatePerSecond,
    [property: Id(1)] long? Burst,
    [property: Id(2)] long? DailyRequests,
    [property: Id(3)] long? MonthlyRequests);

/// <summary>
/// An agency's quota as the hub holds it: the version (the ETag) increases with every change; removing it is a change too.
/// <see cref="Quota"/> is the quota in force: the agency's own, or the configured default when <see cref="IsDefault"/>
/// (null only when the default is configured away too: unlimited).
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaSettings")]
public sealed record QuotaSettings(
    [property: Id(0)] AgencyQuota? Quota,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] bool IsDefault = false);

/// <summary>Which contracted limit refused (or would refuse) a request.</summary>
public enum QuotaLimit
{
    None = 0,
    Rate,
    Daily,
    Monthly,
}

/// <summary>Why a quota change changed nothing.</summary>
public enum QuotaFailure
{
    None = 0,
    Invalid,
    VersionMismatch,
}

/// <summary>The outcome of setting or removing a quota: the settings now held, or why nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaWriteResult")]
public sealed record QuotaWriteResult(
    [property: Id(0)] QuotaFailure Failure,
    [property: Id(1)] IReadOnlyList<FieldError> Errors,
    [property: Id(2)] QuotaSettings Settings,
    [property: Id(3)] bool Changed);

/// <summary>One change to an agency's quota: the version after it, when, by whom, and the quota set (null: removed).</summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaChange")]
public sealed record QuotaChange(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] AgencyQuota? Quota);

/// <summary>
/// A silo's call to the quota grain: it hands back <see cref="Returned"/> units it leased on <see cref="ReturnedDay"/> and did
/// not use, and asks for <see cref="Wanted"/> more (0: only learn the current quota and usage).
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaLeaseRequest")]
public sealed record QuotaLeaseRequest(
    [property: Id(0)] int Wanted,
    [property: Id(1)] int Returned,
    [property: Id(2)] DateOnly ReturnedDay);

/// <summary>
/// The grain's answer: the units granted (already counted against the daily and monthly quotas), the quota in force, the
/// usage after the grant, and, when fewer than wanted were granted, which limit held them back and when to ask again.
/// <see cref="BucketTokens"/> is what the rate's bucket still held after the grant (0 without a rate): with the units a silo
/// holds, what it could still admit at once.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaLease")]
public sealed record QuotaLease(
    [property: Id(0)] int Granted,
    [property: Id(1)] QuotaSettings Settings,
    [property: Id(2)] DateOnly Day,
    [property: Id(3)] long DailyUsed,
    [property: Id(4)] long MonthlyUsed,
    [property: Id(5)] QuotaLimit HeldBackBy,
    [property: Id(6)] TimeSpan RetryAfter,
    [property: Id(7)] DateTimeOffset DayEndsAt,
    [property: Id(8)] DateTimeOffset MonthEndsAt,
    [property: Id(9)] long BucketTokens = 0);

/// <summary>An agency's counted usage: units leased to silos and not handed back, in the current day and month (Vietnam time).</summary>
[GenerateSerializer, Immutable, Alias("hub.QuotaUsage")]
public sealed record QuotaUsage(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long DailyUsed,
    [property: Id(2)] long MonthlyUsed);
