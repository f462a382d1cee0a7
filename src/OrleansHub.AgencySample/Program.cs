// An agency's program, as a tax office would write it on OrleansHub.Client: who it is, a lookup, a verification, a
// subscription to a citizen's residence changes, then one read of its feed from the cursor it keeps in a file.
//
//   dotnet run --project src/OrleansHub.AgencySample -- --hub http://localhost:5080 \
//       --key ohk_GDT_dev_gdt-embedded-demo-key --citizen 001090001234 --cursor-file gdt.cursor
//
// Exit code 0 when every step was answered; 1 with the hub's problem type when one was refused.
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Client;
using OrleansHub.Client.Generated.Models;

namespace OrleansHub.AgencySample;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var arguments = Arguments.Parse(args);
        var services = new ServiceCollection();
        services.AddAgencyHubClient(o =>
        {
            o.BaseAddress = new Uri(arguments["hub"]);
            o.ApiKey = arguments["key"];
        });
        await using var provider = services.BuildServiceProvider();
        var hub = provider.GetRequiredService<AgencyHubClient>();
        var citizen = arguments["citizen"];
        var purpose = arguments.GetValueOrDefault("purpose", "tax-registration");

        try
        {
            var agency = await hub.Api.V1.Agency.GetAsync();
            Console.WriteLine($"agency: {agency?.Code} ({agency?.Kind}), purposes {string.Join(", ", agency?.Purposes ?? [])}");

            var lookup = await hub.Api.V1.Lookups.PostAsync(new LookupRequest { CitizenId = citizen, Fields = ["fullName", "dateOfBirth"], Purpose = purpose });
            Console.WriteLine($"lookup: {lookup?.Fields?.FullName?.Value}, born {lookup?.Fields?.DateOfBirth?.Value}, audit {lookup?.AuditId}");

            var verification = await hub.Api.V1.Verifications.PostAsync(new VerificationRequest
            {
                CitizenId = citizen,
                Purpose = purpose,
                Claims = new VerificationRequest_claims { AdditionalData = { ["fullName"] = arguments.GetValueOrDefault("claimed-name", "Nguyễn Văn An") } },
            });
            var answered = verification?.Claims?.AdditionalData.TryGetValue("fullName", out var match) == true ? match : null;
            Console.WriteLine($"verification: fullName {Describe(answered)}");

            var subscription = await hub.Api.V1.Subscriptions.Citizens[citizen].PutAsync(new CitizenSubscriptionRequest
            {
                Purpose = purpose,
                EventTypes = ["vn.orleanshub.citizen.residence-changed.v1"],
            });
            Console.WriteLine($"subscription: following {subscription?.CitizenId} for {subscription?.Purpose}");

            var read = await hub.Feed(new FileCursorStore(arguments.GetValueOrDefault("cursor-file", "agency.cursor"))).ReadPageAsync((e, _) =>
            {
                Console.WriteLine($"event: {e.Type} {e.Id} citizen {e.Data?.CitizenId} sequence {e.Sequence}");
                return Task.CompletedTask;
            }, waitSeconds: int.Parse(arguments.GetValueOrDefault("wait", "0"), System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"feed: {read} events");
            return 0;
        }
        catch (ProblemDetails problem)
        {
            Console.Error.WriteLine($"refused: {problem.Status} {problem.Type} {problem.Title}");
            return 1;
        }
    }

    private static string Describe(object? value) => value switch
    {
        Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean b => b.GetValue() ? "matches" : "does not match",
        bool b => b ? "matches" : "does not match",
        _ => "not answered",
    };
}

/// <summary><c>--name value</c> pairs; hub, key and citizen are required.</summary>
internal static class Arguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            parsed[args[i].TrimStart('-')] = args[i + 1];
        }

        foreach (var required in new[] { "hub", "key", "citizen" })
        {
            if (!parsed.ContainsKey(required))
            {
                Console.Error.WriteLine($"usage: --hub <url> --key <agency key> --citizen <12-digit id> [--purpose p] [--cursor-file f] [--wait s]; --{required} is missing");
                Environment.Exit(2);
            }
        }

        return parsed;
    }
}
