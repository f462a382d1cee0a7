using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Audit;

/// <summary>What the audit log, its reader and the dispute store do in every storage mode.</summary>
public abstract class AuditLogBehaviourTests
{
    /// <summary>Fresh, empty audit services of the mode under test.</summary>
    protected abstract Task<AuditServices> CreateAsync(int maxBatchEntries = 2_000);

    [Fact]
    public async Task AppendAsync_ManyConcurrentCallers_AllEntriesBecomeReadableAndTheChainVerifies()
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        var citizen = TestIds.NewCitizen();
        var entries = Enumerable.Range(0, 2_000).Select(_ => AuditEntries.New(citizenId: citizen)).ToList();

        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (entry, ct) => await audit.Log.AppendAsync([entry], ct));

        var read = await ReadAllAsync(audit.Reader, citizen, pageSize: 1_000);
        Assert.Equal(entries.Select(e => e.Id).Order(), read.Select(e => e.Id).Order());
        var verification = await audit.Verifier.VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal(entries.Count, verification.Entries);
    }

    [Fact]
    public async Task AppendAsync_CallersQueuedWhileTheWriterIsBusy_ShareOneBatch()
    {
        await using var audit = await CreateAsync();
        var appends = Enumerable.Range(0, 300).Select(_ => audit.Log.AppendAsync([AuditEntries.New()]).AsTask()).ToList();

        await audit.StartAsync();
        await Task.WhenAll(appends);

        var verification = await audit.Verifier.VerifyAsync();
        Assert.Equal((1, 1L, 300L), (verification.Chains, verification.Batches, verification.Entries));
    }

    [Fact]
    public async Task AppendAsync_MoreQueuedThanTheBatchCap_SplitsIntoBatchesOfAtMostTheCap()
    {
        await using var audit = await CreateAsync(maxBatchEntries: 10);
        var appends = Enumerable.Range(0, 25).Select(_ => audit.Log.AppendAsync([AuditEntries.New()]).AsTask()).ToList();
        // One caller with more entries than the cap still goes in one batch, whole.
        appends.Add(audit.Log.AppendAsync([.. Enumerable.Range(0, 12).Select(_ => AuditEntries.New())]).AsTask());

        await audit.StartAsync();
        await Task.WhenAll(appends);

        var verification = await audit.Verifier.VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal((4L, 37L), (verification.Batches, verification.Entries));
    }

    [Fact]
    public async Task AppendAsync_CallerCancelsWhileWaiting_ItsEntryIsStillWrittenAndTheBatchIsIntact()
    {
        await using var audit = await CreateAsync();
        var citizen = TestIds.NewCitizen();
        using var cancel = new CancellationTokenSource();
        var abandoned = AuditEntries.New(citizenId: citizen);
        var kept = AuditEntries.New(citizenId: citizen);
        var abandonedAppend = audit.Log.AppendAsync([abandoned], cancel.Token).AsTask();
        var keptAppend = audit.Log.AppendAsync([kept]).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandonedAppend);
        await audit.StartAsync();
        await keptAppend;

        await audit.Writer.StopAsync(CancellationToken.None);
        Assert.NotNull(await audit.Reader.FindAsync(abandoned.Id));
        Assert.NotNull(await audit.Reader.FindAsync(kept.Id));
        Assert.True((await audit.Verifier.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AppendAsync_EntryTheDatabaseWouldRefuse_IsRefusedAloneAndOthersAreWritten()
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        var good = AuditEntries.New();

        await Assert.ThrowsAsync<ArgumentException>(() => audit.Log.AppendAsync([AuditEntries.New() with { RequestId = null! }]).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => audit.Log.AppendAsync([AuditEntries.New() with { Purpose = "a\0b" }]).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => audit.Log.AppendAsync([AuditEntries.New(at: DateTimeOffset.MaxValue)]).AsTask());
        await audit.Log.AppendAsync([good]);

        Assert.NotNull(await audit.Reader.FindAsync(good.Id));
    }

    [Fact]
    public async Task AppendAsync_AfterTheWriterStopped_IsRefusedAsUnavailable()
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        var written = AuditEntries.New();
        await audit.Log.AppendAsync([written]);

        await audit.Writer.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => audit.Log.AppendAsync([AuditEntries.New()]).AsTask());
        Assert.NotNull(await audit.Reader.FindAsync(written.Id));
    }

    [Fact]
    public async Task FindAsync_WrittenEntry_ReturnsEveryValue()
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        var entry = AuditEntries.New(outcome: AuditOutcome.Denied) with { AgencyCode = null, Fee = null, Fields = ["full_name"] };

        await audit.Log.AppendAsync([entry]);
        var found = await audit.Reader.FindAsync(entry.Id);

        Assert.NotNull(found);
        Assert.Equal(entry.At.ToUnixTimeMilliseconds(), found.At.ToUnixTimeMilliseconds());
        Assert.Equal(
            (entry.AgencyCode, entry.CitizenId, entry.Operation, entry.Purpose, entry.Outcome, entry.Reason, entry.Fee, entry.RequestId),
            (found.AgencyCode, found.CitizenId, found.Operation, found.Purpose, found.Outcome, found.Reason, found.Fee, found.RequestId));
        Assert.Equal(entry.Fields, found.Fields);
        Assert.Null(await audit.Reader.FindAsync(Guid.NewGuid()));
    }

    [Theory]
    [InlineData(5)] // written in one round trip
    [InlineData(130)] // copied
    public async Task FindAsync_EntriesOfOneBatch_EachReadsBackWithItsOwnFieldListAndFee(int count)
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        // Field names are whatever a refused request asked for: separators, quotes, braces, backslashes, empty lists.
        string[][] lists = [[], ["a,b", "{x}", "\"q\"", "back\\slash"], ["fullName"], [], ["name with space", "", "NULL"]];
        var entries = Enumerable.Range(0, count)
            .Select(i => AuditEntries.New(outcome: i % 2 == 0 ? AuditOutcome.Allowed : AuditOutcome.Denied) with { Fields = lists[i % lists.Length] })
            .ToList();

        await audit.Log.AppendAsync(entries);

        foreach (var entry in entries)
        {
            var found = await audit.Reader.FindAsync(entry.Id);
            Assert.NotNull(found);
            Assert.Equal(entry.Fields, found.Fields);
            Assert.Equal((entry.Outcome, entry.Reason, entry.Fee), (found.Outcome, found.Reason, found.Fee));
        }
    }

    [Fact]
    public async Task ReadByCitizenAsync_Paged_ReturnsOnlyThatCitizenNewestFirstWithoutGapsOrRepeats()
    {
        await using var audit = await CreateAsync();
        await audit.StartAsync();
        var citizen = TestIds.NewCitizen();
        var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        // Pairs share a time, so paging must order by ID within a time.
        var mine = Enumerable.Range(0, 23).Select(i => AuditEntries.New(citizenId: citizen, at: start.AddSeconds(i / 2))).ToList();
        await audit.Log.AppendAsync([.. mine, AuditEntries.New(at: start)]);

        var pages = new List<AuditPage>();
        AuditCursor? cursor = null;
        do
        {
            var page = await audit.Reader.ReadByCitizenAsync(citizen, cursor, limit: 5);
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal([5, 5, 5, 5, 3], pages.Select(p => p.Entries.Count));
        var expected = mine.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id);
        Assert.Equal(expected, pages.SelectMany(p => p.Entries).Select(e => e.Id));
        Assert.Empty((await audit.Reader.ReadByCitizenAsync(TestIds.NewCitizen(), null, 5)).Entries);
    }

    [Fact]
    public async Task ReadByCitizenAsync_LimitOutOfRange_IsRefused()
    {
        await using var audit = await CreateAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audit.Reader.ReadByCitizenAsync(TestIds.NewCitizen(), null, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audit.Reader.ReadByCitizenAsync(TestIds.NewCitizen(), null, AuditPaging.MaxPageSize + 1));
    }

    [Fact]
    public async Task RecordAsync_SameKindTwiceOnOneEntry_ReturnsTheFirst()
    {
        await using var audit = await CreateAsync();
        var first = NewDispute(AuditEntries.NewAgency(), DateTimeOffset.UtcNow.AddMinutes(-1), DisputeKind.NotMe);
        var again = first with { Id = Guid.NewGuid(), Comment = "second time", At = DateTimeOffset.UtcNow };
        var otherKind = first with { Id = Guid.NewGuid(), Kind = DisputeKind.NotConsented };

        var recorded = await audit.Disputes.RecordAsync(first);
        var repeated = await audit.Disputes.RecordAsync(again);
        var other = await audit.Disputes.RecordAsync(otherKind);

        Assert.Equal(first.Id, recorded.Id);
        Assert.Equal((first.Id, first.Comment), (repeated.Id, repeated.Comment));
        Assert.Equal(otherKind.Id, other.Id);
        Assert.Equal(2, (await audit.Disputes.ListByAgencyAsync(first.AgencyCode, null, 10)).Count);
    }

    [Fact]
    public async Task ListByAgencyAsync_Paged_ReturnsOnlyThatAgencyNewestFirst()
    {
        await using var audit = await CreateAsync();
        var agency = AuditEntries.NewAgency();
        var start = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        var mine = Enumerable.Range(0, 7).Select(i => NewDispute(agency, start.AddMinutes(i), DisputeKind.NotConsented)).ToList();
        foreach (var dispute in mine.Append(NewDispute(AuditEntries.NewAgency(), start, DisputeKind.NotMe)))
        {
            await audit.Disputes.RecordAsync(dispute);
        }

        var first = await audit.Disputes.ListByAgencyAsync(agency, null, 4);
        var second = await audit.Disputes.ListByAgencyAsync(agency, first[^1].At, 4);

        Assert.Equal(mine.AsEnumerable().Reverse().Select(d => d.Id), first.Concat(second).Select(d => d.Id));
        Assert.All(first.Concat(second), d => Assert.Equal(agency, d.AgencyCode));
        Assert.Empty(await audit.Disputes.ListByAgencyAsync(AuditEntries.NewAgency(), null, 4));
    }

    private static Dispute NewDispute(string agency, DateTimeOffset at, DisputeKind kind) =>
        new(Guid.NewGuid(), Guid.NewGuid(), TestIds.NewCitizen(), agency, kind, "I never applied to this bank", at);

    private static async Task<List<AuditEntry>> ReadAllAsync(IAuditReader reader, string citizen, int pageSize)
    {
        var all = new List<AuditEntry>();
        AuditCursor? cursor = null;
        do
        {
            var page = await reader.ReadByCitizenAsync(citizen, cursor, pageSize);
            all.AddRange(page.Entries);
            cursor = page.Next;
        }
        while (cursor is not null);

        return all;
    }
}

public sealed class InMemoryAuditLogTests : AuditLogBehaviourTests
{
    protected override Task<AuditServices> CreateAsync(int maxBatchEntries = 2_000) => Task.FromResult(AuditServices.Create(null, maxBatchEntries));
}
