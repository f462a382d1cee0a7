using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Host.Quotas;

/// <summary>
/// Writes the IETF draft rate-limit fields (draft-ietf-httpapi-ratelimit-headers): <c>RateLimit-Policy</c> names each
/// contracted limit with its quota <c>q</c> and window <c>w</c> in seconds; <c>RateLimit</c> gives for each the units
/// remaining <c>r</c> and the seconds <c>t</c> until it resets. Unlimited agencies get neither field.
/// </summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";

    // The policy field depends only on the quota (and the month's length): made once per quota, not per answer.
    private static readonly ConditionalWeakTable<AgencyQuota, StrongBox<(DateTimeOffset MonthEndsAt, string Field)>> Policies = [];

    public static void Write(HttpResponse response, AllowanceView? view, DateTimeOffset now)
    {
        if (view?.Quota is not { } quota)
        {
            return;
        }

        var cached = Policies.GetValue(quota, static _ => new StrongBox<(DateTimeOffset, string)>((DateTimeOffset.MinValue, "")));
        var policy = cached.Value;
        if (policy.MonthEndsAt != view.MonthEndsAt)
        {
            policy = (view.MonthEndsAt, PolicyField(quota, view.MonthEndsAt));
            cached.Value = policy;
        }

        // Written on every answer: formatted into a stack buffer, so the field's string is its only allocation. Each item is
        // at most 55 characters (a name, two 20-digit numbers), three items and their separators fit in 256.
        Span<char> current = stackalloc char[256];
        var length = 0;
        if (quota is { RatePerSecond: not null, Burst: not null })
        {
            // What this silo can grant now within the rate: the units it holds plus the agency's bucket as of its last lease
            // (refilled since, at most the burst). Reporting only the units held said r=0 to an agency far below its rate.
            Item(current, ref length, "rate", view.RateRemaining ?? view.HeldBySilo, view.RateRetryAt is { } retry ? retry - now : TimeSpan.Zero);
        }

        if (quota.DailyRequests is not null)
        {
            Item(current, ref length, "daily", view.DailyRemaining, view.DayEndsAt - now);
        }

        if (quota.MonthlyRequests is not null)
        {
            Item(current, ref length, "monthly", view.MonthlyRemaining, view.MonthEndsAt - now);
        }

        response.Headers[Policy] = policy.Field;
        response.Headers[Current] = new string(current[..length]);
    }

    /// <summary>Appends <c>"name";r=remaining;t=seconds</c>, after a separator unless it is the first item.</summary>
    private static void Item(Span<char> field, ref int length, string name, long? remaining, TimeSpan resetsIn)
    {
        if (length > 0)
        {
            ", ".CopyTo(field[length..]);
            length += 2;
        }

        // A null count is written empty, as string interpolation of the nullable did.
        var fits = remaining is { } units
            ? field[length..].TryWrite(CultureInfo.InvariantCulture, $"\"{name}\";r={units};t={Seconds(resetsIn)}", out var written)
            : field[length..].TryWrite(CultureInfo.InvariantCulture, $"\"{name}\";r=;t={Seconds(resetsIn)}", out written);
        if (!fits)
        {
            throw new InvalidOperationException("The RateLimit field outgrew its buffer.");
        }

        length += written;
    }

    private static string PolicyField(AgencyQuota quota, DateTimeOffset monthEndsAt)
    {
        var policy = new StringBuilder();
        if (quota is { RatePerSecond: { } rate, Burst: { } burst })
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"rate\";q={burst};w={Math.Max(1, (long)Math.Ceiling((double)burst / rate))}");
        }

        if (quota.DailyRequests is { } daily)
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"daily\";q={daily};w=86400");
        }

        if (quota.MonthlyRequests is { } monthly)
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"monthly\";q={monthly};w={Seconds(monthEndsAt - monthEndsAt.AddMonths(-1))}");
        }

        return policy.ToString();
    }

    /// <summary>Whole seconds, rounded up so a client waiting that long is never early; never negative.</summary>
    public static long Seconds(TimeSpan span) => Math.Max(0, (long)Math.Ceiling(span.TotalSeconds));

    /// <summary>Appends the separator before the field's next item (none before the first), then returns the builder.</summary>
    private static StringBuilder Separate(StringBuilder field) => field.Length > 0 ? field.Append(", ") : field;
}
