using System.Globalization;
using System.Text;
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

    public static void Write(HttpResponse response, AllowanceView? view, DateTimeOffset now)
    {
        if (view?.Quota is not { } quota)
        {
            return;
        }

        var policy = new StringBuilder();
        var current = new StringBuilder();
        if (quota is { RatePerSecond: { } rate, Burst: { } burst })
        {
            // The rate's remaining units are those this silo holds for the agency now: a lower bound of what the cluster would admit.
            Append(policy, $"\"rate\";q={burst};w={Math.Max(1, (long)Math.Ceiling((double)burst / rate))}");
            Append(current, $"\"rate\";r={view.HeldBySilo};t={Seconds(view.RateRetryAt is { } retry ? retry - now : TimeSpan.Zero)}");
        }

        if (quota.DailyRequests is { } daily)
        {
            Append(policy, $"\"daily\";q={daily};w=86400");
            Append(current, $"\"daily\";r={view.DailyRemaining};t={Seconds(view.DayEndsAt - now)}");
        }

        if (quota.MonthlyRequests is { } monthly)
        {
            Append(policy, $"\"monthly\";q={monthly};w={Seconds(view.MonthEndsAt - view.MonthEndsAt.AddMonths(-1))}");
            Append(current, $"\"monthly\";r={view.MonthlyRemaining};t={Seconds(view.MonthEndsAt - now)}");
        }

        response.Headers[Policy] = policy.ToString();
        response.Headers[Current] = current.ToString();
    }

    /// <summary>Whole seconds, rounded up so a client waiting that long is never early; never negative.</summary>
    public static long Seconds(TimeSpan span) => Math.Max(0, (long)Math.Ceiling(span.TotalSeconds));

    private static void Append(StringBuilder field, string item)
    {
        if (field.Length > 0)
        {
            field.Append(", ");
        }

        field.Append(CultureInfo.InvariantCulture, $"{item}");
    }
}
