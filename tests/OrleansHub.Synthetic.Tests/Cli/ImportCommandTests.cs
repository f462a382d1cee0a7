using System.Globalization;
using System.Text;
using OrleansHub.Cli.Commands;
using OrleansHub.Cli.Importing;

namespace OrleansHub.Synthetic.Tests.Cli;

public sealed class ImportCommandTests
{
    private static async Task<string> WritePopulationAsync(TempFolder folder, string name, int count)
    {
        var path = folder.File(name);
        var run = await CliRun.InvokeAsync("generate", "--count", count.ToString(CultureInfo.InvariantCulture), "--today", "2025-06-30", "--out", path);
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        return path;
    }

    [Fact]
    public async Task Import_NdjsonFile_StreamedChunkedWithBearerKey_SummaryAndReport()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 3_000);
        await using var hub = await StandInHub.StartImportingAsync(rejectEvery: 100);

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", hub.Url.ToString(), "--key", "op-key", "--report", folder.File("rejections.ndjson"));

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var received = Assert.Single(hub.Received);
        Assert.Equal("Bearer op-key", received.Authorization);
        Assert.Equal("application/x-ndjson", received.ContentType);
        Assert.True(received.Chunked);
        Assert.Null(received.ContentLength);
        Assert.Equal(3_000, received.Lines);
        Assert.Contains("3,000 lines, 2,970 created, 0 updated, 0 unchanged, 30 rejected", run.Output, StringComparison.Ordinal);
        var report = await File.ReadAllLinesAsync(folder.File("rejections.ndjson"), Encoding.UTF8);
        Assert.Equal(30, report.Length);
        Assert.StartsWith("{\"line\":100,", report[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_CsvFile_SentAsTextCsv_FirstTwentyRejectionsOnStderr()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.csv", 60);
        await using var hub = await StandInHub.StartImportingAsync(rejectEvery: 2);

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", hub.Url.ToString(), "--key", "k");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("text/csv", Assert.Single(hub.Received).ContentType);
        Assert.Equal(ImportCommand.RejectionsShown, run.Error.Split('\n').Count(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Contains("line 2 (", run.Error, StringComparison.Ordinal);
        Assert.Contains("dateOfBirth: The date of birth cannot be in the future.", run.Error, StringComparison.Ordinal);
        Assert.Contains("more rejections", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_HubAnswersProblem_ExitOneWithTitleAndDetail()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 20);
        await using var hub = await StandInHub.StartFailingAsync(401, """{"type":"https://hub/problems/unauthorized","title":"Not authenticated","status":401,"detail":"The operator key is wrong."}""");

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", hub.Url.ToString(), "--key", "wrong");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.Contains("Not authenticated", run.Error, StringComparison.Ordinal);
        Assert.Contains("The operator key is wrong.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_HubRefusesALargeFileWithoutReadingIt_ExitOneWithTheProblem()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 10_000);
        await using var hub = await StandInHub.StartFailingAsync(415, """{"title":"Unsupported media type","status":415}""");

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", hub.Url.ToString(), "--key", "k");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Unsupported media type", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ResponseEndsWithoutSummary_ExitOne()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 20);
        await using var hub = await StandInHub.StartImportingAsync(rejectEvery: 5, sendSummary: false);

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", hub.Url.ToString(), "--key", "k");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("without a summary", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_NothingListening_ExitOne()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 5);
        Uri closed;
        await using (var hub = await StandInHub.StartImportingAsync(rejectEvery: 1))
        {
            closed = hub.Url;
        }

        var run = await CliRun.InvokeAsync("import", "--file", file, "--hub", closed.ToString(), "--key", "k");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Could not talk to the hub", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadArguments_ExitTwo()
    {
        using var folder = new TempFolder();
        var file = await WritePopulationAsync(folder, "people.ndjson", 5);
        File.Copy(file, folder.File("people.txt"));

        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import")).ExitCode);
        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import", "--file", folder.File("missing.ndjson"), "--key", "k")).ExitCode);
        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import", "--file", file, "--key", "k", "--hub", "not a url")).ExitCode);
        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import", "--file", file, "--key", "k", "--hub", "ftp://hub")).ExitCode);
        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import", "--file", file, "--key", "k", "--format", "xml")).ExitCode);
        Assert.Equal(ExitCodes.BadArguments, (await CliRun.InvokeAsync("import", "--file", file, "--key", " ")).ExitCode);
        var unknownExtension = await CliRun.InvokeAsync("import", "--file", folder.File("people.txt"), "--key", "k");
        Assert.Equal(ExitCodes.BadArguments, unknownExtension.ExitCode);
        Assert.Contains("--format", unknownExtension.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_Options_DefaultHubAndParsedValues()
    {
        var command = new ImportCommand();
        var parse = command.Parse(["--file", "a.csv", "--key", "k", "--format", "ndjson", "--report", "r.ndjson"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("a.csv", parse.GetValue(command.File));
        Assert.Equal("http://127.0.0.1:5080", parse.GetValue(command.Hub));
        Assert.Equal("k", parse.GetValue(command.Key));
        Assert.Equal("ndjson", parse.GetValue(command.Format));
        Assert.Equal("r.ndjson", parse.GetValue(command.Report));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/admin/citizens/import")]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/admin/citizens/import")]
    [InlineData("https://gateway.example/hub", "https://gateway.example/hub/admin/citizens/import")]
    public void ImportUri_KeepsAnyPathPrefix(string hub, string expected)
    {
        Assert.Equal(new Uri(expected), ImportClient.ImportUri(new Uri(hub)));
    }

    [Fact]
    public void Describe_Rejection_LineIdAndEveryError()
    {
        var rejection = new ImportRejection(17, "001090001234", [new("dateOfBirth", "In the future."), new("sex", "Must be male or female.")]);

        Assert.Equal("line 17 (001090001234): dateOfBirth: In the future.; sex: Must be male or female.", ImportCommand.Describe(rejection));
    }
}
