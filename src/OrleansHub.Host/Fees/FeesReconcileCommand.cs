using System.Globalization;
using Npgsql;
using OrleansHub.Grains.Fees;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Fees;

/// <summary>
/// <c>OrleansHub.Host fees reconcile --month 2026-11</c>: recomputes a fee-calendar month from the audit log and compares
/// it with the fee ledger, line by line (agency, day, product). Exit 0 when they agree, 1 listing every difference
/// (agency codes and counts only, never a citizen), 2 when it cannot run.
/// </summary>
public static class FeesReconcileCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var monthIndex = Array.IndexOf(args, "--month");
        if (monthIndex < 0 || monthIndex + 1 >= args.Length || FeeCalendar.ParseMonth(args[monthIndex + 1]) is not { } month)
        {
            await Console.Error.WriteLineAsync("fees reconcile: give --month yyyy-MM, e.g. --month 2026-11.");
            return 2;
        }

        var rest = args.Where((_, i) => i != monthIndex && i != monthIndex + 1).ToArray();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(rest);
        if (builder.Configuration.GetStorageMode() != StorageMode.Postgres)
        {
            await Console.Error.WriteLineAsync("fees reconcile: set ConnectionStrings__Postgres to the database to reconcile.");
            return 2;
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddNpgsqlDataSource(builder.Configuration.GetPostgresConnectionString());
        builder.Services.AddSingleton<IFeeLedger, PostgresFeeLedger>();
        using var host = builder.Build();
        try
        {
            var ledger = host.Services.GetRequiredService<IFeeLedger>();
            var recorded = await ledger.ReadMonthAsync(month, agencyCode: null, CancellationToken.None);
            var recomputed = await ledger.RecomputeMonthFromAuditAsync(month, CancellationToken.None);
            var differences = FeeReconciliation.Compare(recorded, recomputed);
            var monthText = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            foreach (var difference in differences)
            {
                await Console.Out.WriteLineAsync($"fees reconcile: DIFFERENCE {difference}");
            }

            var totals = FeeTotals.Of(recomputed);
            await Console.Out.WriteLineAsync(differences.Count == 0
                ? $"fees reconcile: {monthText} agrees: {recomputed.Count} ledger line(s), {totals.Answers} answer(s), {totals.AmountVnd} VND."
                : $"fees reconcile: {monthText}: {differences.Count} difference(s) between the ledger and the audit log.");
            return differences.Count == 0 ? 0 : 1;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await Console.Error.WriteLineAsync("fees reconcile: the database has no fee ledger; run migrate first.");
            return 2;
        }
        catch (NpgsqlException exception)
        {
            await Console.Error.WriteLineAsync($"fees reconcile: the database refused: {exception.GetType().Name} {(exception as PostgresException)?.SqlState}");
            return 2;
        }
    }
}

/// <summary>Compares the ledger with the audit log's recomputation, line by line.</summary>
public static class FeeReconciliation
{
    /// <summary>One description per (agency, day, product) whose figures differ, or that only one side has.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<FeeLedgerLine> ledger, IReadOnlyList<FeeLedgerLine> audit)
    {
        static (string, DateOnly, string) Key(FeeLedgerLine l) => (l.AgencyCode, l.Day, l.Product);
        var recorded = ledger.ToDictionary(Key);
        var recomputed = audit.ToDictionary(Key);
        var differences = new List<string>();
        foreach (var key in recorded.Keys.Union(recomputed.Keys).Order())
        {
            var inLedger = recorded.GetValueOrDefault(key);
            var inAudit = recomputed.GetValueOrDefault(key);
            if (inLedger != inAudit)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture,
                    $"agency {key.Item1} day {key.Item2:yyyy-MM-dd} product {key.Item3}: ledger {Describe(inLedger)}; audit log {Describe(inAudit)}"));
            }
        }

        return differences;
    }

    private static string Describe(FeeLedgerLine? line) => line is null
        ? "none"
        : string.Create(CultureInfo.InvariantCulture,
            $"{line.Answers} answers, {line.Fields} fields, {line.ExemptAnswers} exempt answers, {line.ExemptFields} exempt fields, {line.AmountVnd} VND");
}
