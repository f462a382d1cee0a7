using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Threading.Channels;
using OrleansHub.Abstractions.Citizens;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Registry;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Citizens.Import;

/// <summary>How many import lines are committed at once. Bound from <c>Hub:Import</c>.</summary>
public sealed class ImportOptions
{
    public const string Section = "Hub:Import";

    /// <summary>
    /// Lines in flight at once. Each line waits for two group commits (its card, then its citizen), so enough lines must be
    /// in flight to fill the registry storage's batches while earlier ones commit.
    /// </summary>
    [Range(1, 4_096)]
    public int Concurrency { get; set; } = 256;
}

/// <summary>
/// Commits import lines through the citizen and card grains, many at once (<see cref="ImportOptions.Concurrency"/>), so
/// the registry storage's batches fill. Lines are spread over lanes by ID, and a lane works in file order, so two lines
/// for the same citizen apply in the order the file gives them.
/// </summary>
public sealed partial class CitizenImporter(IGrainFactory grains, HubInstruments instruments, IOptions<ImportOptions> options, ILogger<CitizenImporter> logger)
{
    private const int LaneCapacity = 16;

    /// <summary>Imports every line; <paramref name="onRejected"/> is called (from one task at a time) for each rejected line.</summary>
    public async Task<ImportSummary> RunAsync(IAsyncEnumerable<ImportLine> lines, Func<ImportLineResult, Task> onRejected, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var counts = new long[Enum.GetValues<WriteEffect>().Length];
        long total = 0, rejected = 0;
        var laneCount = options.Value.Concurrency;
        var results = Channel.CreateBounded<ImportLineResult>(new BoundedChannelOptions(laneCount * LaneCapacity) { SingleReader = true });
        var lanes = Enumerable.Range(0, laneCount).Select(_ => Channel.CreateBounded<ImportLine>(LaneCapacity)).ToArray();

        var reporter = Task.Run(async () =>
        {
            await foreach (var result in results.Reader.ReadAllAsync(CancellationToken.None))
            {
                instruments.ImportLine(result.Rejected ? "rejected" : result.Effect.ToString().ToLowerInvariant());
                if (result.Rejected)
                {
                    rejected++;
                    await onRejected(result);
                }
                else
                {
                    counts[(int)result.Effect]++;
                }
            }
        }, CancellationToken.None);

        var workers = lanes.Select(lane => Task.Run(async () =>
        {
            await foreach (var line in lane.Reader.ReadAllAsync(CancellationToken.None))
            {
                await results.Writer.WriteAsync(await ImportOneAsync(line), CancellationToken.None);
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            await foreach (var line in lines.WithCancellation(cancellationToken))
            {
                total++;
                if (line.Errors.Count > 0 || line.Id is not { } id)
                {
                    await results.Writer.WriteAsync(new ImportLineResult(line.Number, line.Id?.Value, WriteEffect.None, line.Errors), cancellationToken);
                    continue;
                }

                await lanes[(int)((uint)id.Value.GetHashCode() % (uint)laneCount)].Writer.WriteAsync(line, cancellationToken);
            }
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Writer.Complete();
            }

            await Task.WhenAll(workers);
            results.Writer.Complete();
            await reporter;
        }

        return new ImportSummary(total, counts[(int)WriteEffect.Created], counts[(int)WriteEffect.Updated], counts[(int)WriteEffect.Unchanged], rejected, clock.ElapsedMilliseconds);
    }

    private async Task<ImportLineResult> ImportOneAsync(ImportLine line)
    {
        var id = line.Id!.Value;
        try
        {
            var write = new CitizenWrite(FieldOwnership.Registry, line.Changes, CreditOwners: true);
            var result = await grains.GetGrain<ICitizenGrain>(id.Value).ImportAsync(write, line.Card);
            if (result.Failure != CitizenWriteFailure.None)
            {
                return new ImportLineResult(line.Number, id.Value, WriteEffect.None, result.Errors.Count > 0 ? result.Errors : [new("$", result.Failure.ToString())]);
            }

            return new ImportLineResult(line.Number, id.Value, result.Effect, []);
        }
        catch (RegistryStateRefusedException refused)
        {
            // Not transient: the line itself makes a record the registry will not store; say why (the message holds no value).
            LogLineFailed(refused.GetType().Name, line.Number);
            return new ImportLineResult(line.Number, id.Value, WriteEffect.None, [new("$", refused.Message)]);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogLineFailed(exception.GetType().Name, line.Number);
            return new ImportLineResult(line.Number, id.Value, WriteEffect.None,
                [new("$", "The hub could not store this line (cluster or database unavailable). Re-run the import: lines already stored stay unchanged.")]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import line {Line} failed with {Failure}")]
    private partial void LogLineFailed(string failure, long line);
}
