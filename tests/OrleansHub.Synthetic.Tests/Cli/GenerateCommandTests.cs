using System.Text;
using OrleansHub.Cli.Commands;
using OrleansHub.Synthetic.Tests.Formats;
using OrleansHub.Synthetic.Tests.Generation;

namespace OrleansHub.Synthetic.Tests.Cli;

public sealed class GenerateCommandTests
{
    [Theory]
    [InlineData("generate")]
    [InlineData("generate", "--count", "0")]
    [InlineData("generate", "--count", "ten")]
    [InlineData("generate", "--count", "5", "--today", "30/06/2025")]
    [InlineData("generate", "--count", "5", "--format", "xml")]
    [InlineData("generate", "--count", "5", "--colour", "red")]
    [InlineData("frobnicate")]
    [InlineData]
    public async Task Generate_BadArguments_ExitTwoWithAReason(params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);

        Assert.Equal(ExitCodes.BadArguments, run.ExitCode);
        Assert.NotEqual("", run.Error.Trim());
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Generate_AllOptions_Parsed()
    {
        var command = new GenerateCommand();
        var parse = command.Parse(["-n", "12", "--seed", "-4", "--today", "2024-02-29", "--format", "csv", "--out", "people.txt"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(12, parse.GetValue(command.Count));
        Assert.Equal(-4, parse.GetValue(command.Seed));
        Assert.Equal(new DateOnly(2024, 2, 29), parse.GetValue(command.Today));
        Assert.Equal("csv", parse.GetValue(command.Format));
        Assert.Equal("people.txt", parse.GetValue(command.Out));
    }

    [Fact]
    public void Generate_Defaults_SeedOneStdoutAndToday()
    {
        var command = new GenerateCommand();
        var parse = command.Parse(["--count", "3"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(1, parse.GetValue(command.Seed));
        Assert.Equal("-", parse.GetValue(command.Out));
        Assert.Null(parse.GetValue(command.Format));
        Assert.InRange(parse.GetValue(command.Today), DateOnly.FromDateTime(DateTime.Now).AddDays(-1), DateOnly.FromDateTime(DateTime.Now).AddDays(1));
    }

    [Fact]
    public async Task Generate_ToAFileTwice_SameBytesAndTheCountOfLines()
    {
        using var folder = new TempFolder();
        string[] args = ["generate", "--count", "250", "--seed", "5", "--today", "2025-06-30"];

        var first = await CliRun.InvokeAsync([.. args, "--out", folder.File("a.ndjson")]);
        var second = await CliRun.InvokeAsync([.. args, "--out", folder.File("b.ndjson")]);

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        var bytes = await File.ReadAllBytesAsync(folder.File("a.ndjson"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(folder.File("b.ndjson")));
        Assert.Equal(250, bytes.Count(b => b == (byte)'\n'));
        Assert.Equal(PopulationSample.Ndjson(5, 250, new DateOnly(2025, 6, 30)), bytes);
        Assert.Contains("generated 250 citizens", first.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_CsvExtension_WritesCsvWithHeader()
    {
        using var folder = new TempFolder();

        var run = await CliRun.InvokeAsync("generate", "-n", "10", "--today", "2025-06-30", "-o", folder.File("people.csv"));

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var text = await File.ReadAllTextAsync(folder.File("people.csv"), Encoding.UTF8);
        Assert.StartsWith("id,fullName,otherNames,dateOfBirth,", text, StringComparison.Ordinal);
        Assert.Equal(11, CsvTestReader.Read(text).Count);
    }

    [Fact]
    public async Task Generate_UnwritableOutput_ExitOneWithTheReason()
    {
        using var folder = new TempFolder();

        var run = await CliRun.InvokeAsync("generate", "-n", "3", "--out", folder.File("no-such-folder/people.ndjson"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Could not write", run.Error, StringComparison.Ordinal);
    }
}
