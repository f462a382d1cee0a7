using System.Globalization;
using System.Text;
using OrleansHub.Grains.Fees;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Fees;

/// <summary>Counts and amounts of some answers: how many, the fields they counted, how many of both were exempt, the đồng charged.</summary>
public sealed record FeeTotals(long Answers, long Fields, long ExemptAnswers, long ExemptFields, long AmountVnd)
{
    public static FeeTotals Of(IEnumerable<FeeLedgerLine> lines)
    {
        long answers = 0, fields = 0, exemptAnswers = 0, exemptFields = 0, amount = 0;
        foreach (var line in lines)
        {
            answers += line.Answers;
            fields += line.Fields;
            exemptAnswers += line.ExemptAnswers;
            exemptFields += line.ExemptFields;
            amount += line.AmountVnd;
        }

        return new(answers, fields, exemptAnswers, exemptFields, amount);
    }
}

/// <summary>One product's totals in a statement.</summary>
public sealed record ProductTotals(string Product, FeeTotals Totals);

/// <summary>One day and product of a statement (fee-calendar day, UTC+07:00).</summary>
public sealed record DayTotals(DateOnly Day, string Product, FeeTotals Totals);

/// <summary>
/// An agency's usage and charges for one month (fee calendar, UTC+07:00): by product, by day and product, and in total.
/// <c>complete</c> is false for the running month. Read from the ledger, which equals the audit log.
/// </summary>
public sealed record FeeStatement(string AgencyCode, string Month, bool Complete, string TimeZone, IReadOnlyList<ProductTotals> Products, IReadOnlyList<DayTotals> Days, FeeTotals Totals)
{
    public static FeeStatement From(string agencyCode, DateOnly month, DateOnly today, IReadOnlyList<FeeLedgerLine> lines) => new(
        agencyCode,
        month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        Complete: today >= month.AddMonths(1),
        TimeZone: "+07:00",
        [.. lines.GroupBy(l => l.Product, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ProductTotals(g.Key, FeeTotals.Of(g)))],
        [.. lines.OrderBy(l => l.Day).ThenBy(l => l.Product, StringComparer.Ordinal).Select(l => new DayTotals(l.Day, l.Product, FeeTotals.Of([l])))],
        FeeTotals.Of(lines));
}

/// <summary>
/// The month's CSV for the finance system: per agency and product, then per agency (product <c>ALL</c>), then the grand
/// total (agency <c>ALL</c>), each with the collector / state-budget split. Amounts are whole đồng.
/// </summary>
public static class FeeCsv
{
    public const string Header = "month,agency_code,product,answers,fields,exempt_answers,exempt_fields,amount_vnd,collector_vnd,state_budget_vnd";

    public static string Write(DateOnly month, IReadOnlyList<FeeLedgerLine> lines, int collectorSharePercent)
    {
        var text = new StringBuilder(Header).Append('\n');
        var monthText = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var agency in lines.GroupBy(l => l.AgencyCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var product in agency.GroupBy(l => l.Product, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Row(text, monthText, agency.Key, product.Key, FeeTotals.Of(product), collectorSharePercent);
            }

            Row(text, monthText, agency.Key, "ALL", FeeTotals.Of(agency), collectorSharePercent);
        }

        Row(text, monthText, "ALL", "ALL", FeeTotals.Of(lines), collectorSharePercent);
        return text.ToString();
    }

    /// <summary>The collector's part of <paramref name="amountVnd"/>, rounded down to the đồng; the state budget gets the rest.</summary>
    public static long CollectorShare(long amountVnd, int collectorSharePercent) => amountVnd * collectorSharePercent / 100;

    private static void Row(StringBuilder text, string month, string agency, string product, FeeTotals totals, int collectorSharePercent)
    {
        // Agency codes and product codes are upper-case letters and digits: nothing to quote.
        var collector = CollectorShare(totals.AmountVnd, collectorSharePercent);
        text.Append(CultureInfo.InvariantCulture, $"{month},{agency},{product},{totals.Answers},{totals.Fields},{totals.ExemptAnswers},{totals.ExemptFields},")
            .Append(CultureInfo.InvariantCulture, $"{totals.AmountVnd},{collector},{totals.AmountVnd - collector}\n");
    }
}

/// <summary>Reads a statement month from a route: <c>yyyy-MM</c>, not after the running month.</summary>
public static class StatementMonth
{
    public const string Rule = "A month is written yyyy-MM (e.g. 2026-11) and must not be after the running month (fee calendar, UTC+07:00).";

    public static DateOnly? Parse(string text, DateOnly today) =>
        FeeCalendar.ParseMonth(text) is { } month && month <= new DateOnly(today.Year, today.Month, 1) ? month : null;
}
