namespace OrleansHub.Cli.Commands;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The command ran; an import that rejected some lines still ran.</summary>
    public const int Success = 0;

    /// <summary>The hub could not be reached, answered with an error, or broke the response protocol.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: unknown option, missing value, missing file or key.</summary>
    public const int BadArguments = 2;
}
