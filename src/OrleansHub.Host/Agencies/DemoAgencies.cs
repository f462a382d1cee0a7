using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Host.Agencies;

/// <summary>
/// Registers three demo agencies in embedded mode, each with a fixed, public development key (listed in the README), so a
/// newcomer can call the agency API at once: the tax department (state), a commercial bank (needs consent) and social
/// security (state). The keys go in through the grain's hash-import path: the hub still stores only their hashes.
/// </summary>
public sealed partial class DemoAgencies(IGrainFactory grains, ILogger<DemoAgencies> logger) : IHostedService
{
    public const string Actor = "demo";

    /// <summary>The demo agencies and their development keys (public: never use them outside embedded mode).</summary>
    public static readonly IReadOnlyList<(string Code, AgencyDefinition Definition, string DevelopmentKey)> All =
    [
        ("GDT", new AgencyDefinition("Tổng cục Thuế", AgencyKind.State, AgencyStatus.Active,
                [F.FullName, F.DateOfBirth, F.PermanentResidence, F.TaxCode], ["tax-registration", "tax-assessment"], RequiresConsent: false),
            "ohk_GDT_dev_gdt-embedded-demo-key"),
        ("VCB", new AgencyDefinition("Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)", AgencyKind.Commercial, AgencyStatus.Active,
                [F.FullName, F.DateOfBirth, F.Sex, F.PermanentResidence, F.CardNumber, F.CardStatus], ["kyc-onboarding", "kyc-refresh"], RequiresConsent: true),
            "ohk_VCB_dev_vcb-embedded-demo-key"),
        ("VSS", new AgencyDefinition("Bảo hiểm xã hội Việt Nam", AgencyKind.State, AgencyStatus.Active,
                [F.FullName, F.DateOfBirth, F.Sex, F.PermanentResidence, F.HealthInsuranceNumber, F.SocialInsuranceNumber, F.DateOfDeath],
                ["insurance-enrolment", "benefit-eligibility"], RequiresConsent: false),
            "ohk_VSS_dev_vss-embedded-demo-key"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (code, definition, key) in All)
        {
            var grain = grains.GetGrain<IAgencyGrain>(code);
            var registered = await grain.RegisterAsync(definition, expectedVersion: null, Actor);
            AgencyKeys.TryParse(key, out _, out var keyId);
            var imported = await grain.ImportKeyAsync(keyId.ToString(), AgencyKeys.Hash(key), Actor);
            if (registered.Failure != AgencyFailure.None || imported.Failure != AgencyFailure.None)
            {
                throw new InvalidOperationException($"Demo agency {code} was refused ({registered.Failure}, {imported.Failure}); the demo data no longer matches the agency rules.");
            }
        }

        LogSeeded(All.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} demo agencies with their public development keys (see the README)")]
    private partial void LogSeeded(int count);
}
