using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OrleansHub.Bench.Faults;

// faults-driver issuer --key FILE
//     Creates an e-ID signing key (private PEM in FILE) and prints its public PEM for Hub__CitizenTokens__PublicKeyPem.
// faults-driver run --silos URL,URL,... --operator-key KEY --connection CS --key FILE --out FILE
//     [--citizens 40] [--baseline 20] [--observe 30] [--webhook-port P] [--fault "NAME|HOLD_SECONDS|INJECT_COMMAND|RECOVER_COMMAND"]...
//     Mixed load on the silos; the faults run one after another (commands through bash), then the verification. With
//     --webhook-port the state agency also registers a webhook received on that port (@webhook-stop, @webhook-start as commands).
//     Writes the figures as Markdown to --out; exit 0 when every check passed, 1 otherwise.
try
{
    var options = Options.Parse(args);
    if (options.Command == "issuer")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(options.Get("key"), key.ExportPkcs8PrivateKeyPem());
        Console.WriteLine(key.ExportSubjectPublicKeyInfoPem());
        return 0;
    }

    if (options.Command != "run")
    {
        throw new ArgumentException("usage: faults-driver issuer|run ...");
    }

    var signing = ECDsa.Create();
    signing.ImportFromPem(await File.ReadAllTextAsync(options.Get("key")));
    using var issuer = new CitizenIssuer(signing, CitizenIssuer.DefaultIssuer, CitizenIssuer.DefaultAudience);
    var hub = new HubTarget(options.Get("silos").Split(',').Select(u => new Uri(u)));
    var timeline = new Timeline();
    await using var webhook = options.Int("webhook-port", 0) is > 0 and var port ? new WebhookReceiver(port, timeline) : null;
    var faults = options.All("fault").Select(spec => ParseFault(spec, webhook)).ToList();
    var result = await FaultSession.RunAsync(hub, issuer, options.Get("connection"),
        new LoadOptions(options.Get("operator-key")) { Citizens = options.Int("citizens", 40), Webhook = webhook },
        faults, TimeSpan.FromSeconds(options.Int("baseline", 20)), TimeSpan.FromSeconds(options.Int("observe", 30)), timeline,
        line => Console.Error.WriteLine($"faults-driver: {line}"));
    await File.WriteAllTextAsync(options.Get("out"), result.Markdown);
    foreach (var check in result.Checks)
    {
        Console.Error.WriteLine($"faults-driver: {(check.Passed ? "pass" : "FAIL")}: {check.Name}: {check.Detail}");
    }

    return result.Checks.All(c => c.Passed) ? 0 : 1;
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"faults-driver: {e.Message}");
    return 2;
}

// INJECT and RECOVER are bash commands, or @webhook-stop / @webhook-start for the driver's own receiver.
static Fault ParseFault(string spec, WebhookReceiver? webhook)
{
    var parts = spec.Split('|');
    if (parts.Length != 4)
    {
        throw new ArgumentException($"--fault takes NAME|HOLD_SECONDS|INJECT|RECOVER, got '{spec}'");
    }

    Func<Task> Step(string command) => command switch
    {
        "@webhook-stop" => (webhook ?? throw new ArgumentException("@webhook-stop needs --webhook-port")).StopAsync,
        "@webhook-start" => (webhook ?? throw new ArgumentException("@webhook-start needs --webhook-port")).StartAsync,
        _ => () => Bash(command),
    };

    return new Fault(parts[0], Step(parts[2]), TimeSpan.FromSeconds(int.Parse(parts[1], CultureInfo.InvariantCulture)), Step(parts[3]),
        StopsWebhook: parts[2] == "@webhook-stop");
}

static async Task Bash(string command)
{
    if (string.IsNullOrWhiteSpace(command))
    {
        return;
    }

    using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]))!;
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"fault command failed ({process.ExitCode}): {command}");
    }
}

namespace OrleansHub.Bench.Faults
{
    /// <summary>--name value pairs after the command; a name may repeat.</summary>
    internal sealed class Options(string command, List<(string Name, string Value)> pairs)
    {
        public string Command => command;

        public static Options Parse(string[] args)
        {
            if (args.Length == 0 || args.Length % 2 == 0)
            {
                throw new ArgumentException("usage: faults-driver issuer|run --name value ...");
            }

            var pairs = new List<(string, string)>();
            for (var i = 1; i < args.Length; i += 2)
            {
                pairs.Add((args[i].TrimStart('-'), args[i + 1]));
            }

            return new Options(args[0], pairs);
        }

        public string Get(string name) => pairs.LastOrDefault(p => p.Name == name).Value ?? throw new ArgumentException($"--{name} is required");

        public int Int(string name, int fallback) => pairs.Any(p => p.Name == name) ? int.Parse(Get(name), CultureInfo.InvariantCulture) : fallback;

        public IEnumerable<string> All(string name) => pairs.Where(p => p.Name == name).Select(p => p.Value);
    }
}

// Internal: the ASP.NET Core framework reference (the webhook receiver runs on Kestrel) would make the entry point public,
// clashing with the hub's Program in the tests that reference both.
internal partial class Program;
