using OrleansHub.Abstractions.Agencies;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Agencies;

/// <summary>Fresh agency codes and valid definitions, so each test owns its agency.</summary>
public static class TestAgencies
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A random, well-formed agency code no other test uses.</summary>
    public static string NewCode() => "T" + new string(Random.Shared.GetItems(Alphabet.AsSpan(), 9));

    public static AgencyDefinition Bank(AgencyStatus status = AgencyStatus.Active) => new(
        "Ngân hàng Thử nghiệm", AgencyKind.Commercial, status, [F.FullName, F.DateOfBirth, F.CardStatus], ["kyc-onboarding"], RequiresConsent: true);

    public static AgencyDefinition StateBody() => new(
        "Cục Thuế Thử nghiệm", AgencyKind.State, AgencyStatus.Active, [F.FullName, F.TaxCode], ["tax-assessment", "tax-registration"], RequiresConsent: false);
}
