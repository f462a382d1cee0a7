using System.CommandLine;

namespace OrleansHub.Cli.Commands;

/// <summary>The <c>orleanshub</c> command tree, and its invocation with the exit codes of <see cref="ExitCodes"/>.</summary>
public static class HubCommandLine
{
    public static RootCommand CreateRootCommand() => new("Operator tools for the OrleansHub population hub.")
    {
        new GenerateCommand(),
        new ImportCommand(),
    };

    /// <summary>Parses and runs <paramref name="args"/>; a parse error prints the reasons and returns <see cref="ExitCodes.BadArguments"/>.</summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        var parseResult = CreateRootCommand().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var error = configuration?.Error ?? Console.Error;
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run 'orleanshub --help' or 'orleanshub <command> --help' for usage.");
            return ExitCodes.BadArguments;
        }

        return await parseResult.InvokeAsync(configuration);
    }
}
