using OrleansHub.Grains;
using OrleansHub.Grains.Fees;

namespace OrleansHub.Host.Audit;

/// <summary>
/// One line of the fee ledger: an agency's answers of one product on one fee-calendar day, the fields they counted,
/// how many of both were exempt, and the amount charged in đồng. The ledger is updated in the audit batch's transaction,
/// so it always equals the sum of the audit log's fees.
/// </summary>
public sealed record FeeLedgerLine(string AgencyCode, DateOnly Day, string Product, long Answers, long Fields, long ExemptAnswers, long ExemptFields, long AmountVnd)
{
    /// <summary>The ledger lines the charged entries of <paramref name="entries"/> add, ordered by agency, day and product.</summary>
    public static List<FeeLedgerLine> Aggregate(IEnumerable<AuditEntry> entries)
    {
        var lines = new SortedDictionary<(string Agency, DateOnly Day, string Product), FeeLedgerLine>();
        foreach (var entry in entries)
        {
            if (entry is not { Fee: { } fee, AgencyCode: { } agency })
            {
                continue;
            }

            var key = (agency, VietnamCalendar.DateOf(entry.At), fee.Product);
            var line = lines.TryGetValue(key, out var existing) ? existing : new FeeLedgerLine(agency, key.Item2, fee.Product, 0, 0, 0, 0, 0);
            lines[key] = line.Add(fee);
        }

        return [.. lines.Values];
    }

    public FeeLedgerLine Add(FeeCharge fee) => this with
    {
        Answers = Answers + 1,
        Fields = Fields + fee.Fields,
        ExemptAnswers = ExemptAnswers + (fee.Exempt ? 1 : 0),
        ExemptFields = ExemptFields + (fee.Exempt ? fee.Fields : 0),
        AmountVnd = AmountVnd + fee.Vnd,
    };

    public FeeLedgerLine Add(FeeLedgerLine other) => this with
    {
        Answers = Answers + other.Answers,
        Fields = Fields + other.Fields,
        ExemptAnswers = ExemptAnswers + other.ExemptAnswers,
        ExemptFields = ExemptFields + other.ExemptFields,
        AmountVnd = AmountVnd + other.AmountVnd,
    };
}

/// <summary>Reads the fee ledger, and the audit log's fees the same shape, for statements and reconciliation.</summary>
public interface IFeeLedger
{
    /// <summary>The ledger lines of a fee-calendar month (its first day), of one agency or (null) of every agency.</summary>
    Task<IReadOnlyList<FeeLedgerLine>> ReadMonthAsync(DateOnly month, string? agencyCode, CancellationToken cancellationToken);

    /// <summary>The same lines recomputed from the audit log's entries of that month.</summary>
    Task<IReadOnlyList<FeeLedgerLine>> RecomputeMonthFromAuditAsync(DateOnly month, CancellationToken cancellationToken);
}
