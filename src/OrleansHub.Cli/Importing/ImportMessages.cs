namespace OrleansHub.Cli.Importing;

/// <summary>The final line of an import response: how the file's lines fared.</summary>
public sealed record ImportSummary(long Lines, long Created, long Updated, long Unchanged, long Rejected, long ElapsedMs);

/// <summary>One rejected input line: its 1-based number, the ID it carried (if any) and every broken rule.</summary>
public sealed record ImportRejection(long Line, string? Id, IReadOnlyList<ImportFieldError>? Errors);

/// <summary>One broken rule of a rejected line.</summary>
public sealed record ImportFieldError(string Field, string Message);

/// <summary>How an import ended: a summary when the hub ran it (even with rejections), otherwise why it did not.</summary>
public sealed record ImportOutcome(ImportSummary? Summary, long RejectionLines, string? Error)
{
    public bool Ran => Summary is not null;

    public static ImportOutcome Failed(string error, long rejectionLines = 0) => new(null, rejectionLines, error);
}
