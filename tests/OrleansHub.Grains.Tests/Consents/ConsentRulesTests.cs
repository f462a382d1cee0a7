using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Consents;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Consents;

public sealed class ConsentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static ConsentGrant Valid() =>
        new("VCB", "account-opening", "Mở tài khoản thanh toán tại Vietcombank", [F.FullName, F.DateOfBirth], Now, Now.AddYears(1), 365);

    private static IEnumerable<string> FieldsIn(ConsentGrant grant) => ConsentRules.Validate(grant, Now).Select(e => e.Field);

    [Fact]
    public void Validate_WellFormedGrant_HasNoErrors() => Assert.Empty(ConsentRules.Validate(Valid(), Now));

    [Theory]
    [InlineData("V")]
    [InlineData("vcb")]
    [InlineData("VCB-1")]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    [InlineData("VCB\n")]
    [InlineData("")]
    public void Validate_BadAgencyCode_NamesAgencyCode(string code) => Assert.Equal(["agencyCode"], FieldsIn(Valid() with { AgencyCode = code }));

    [Theory]
    [InlineData("ABCDEFGHIJKLMNOP")]
    [InlineData("C08")]
    public void Validate_AgencyCodeAtTheLimits_IsAccepted(string code) => Assert.Empty(FieldsIn(Valid() with { AgencyCode = code }));

    [Theory]
    [InlineData("a")]
    [InlineData("Account-opening")]
    [InlineData("account opening")]
    [InlineData("account_opening")]
    [InlineData("mở-tài-khoản")]
    [InlineData("account-opening\n")]
    public void Validate_BadPurposeCode_NamesPurpose(string purpose) => Assert.Equal(["purpose"], FieldsIn(Valid() with { Purpose = purpose }));

    [Fact]
    public void Validate_PurposeCodeOf41Characters_NamesPurpose() => Assert.Equal(["purpose"], FieldsIn(Valid() with { Purpose = new string('a', 41) }));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Mở tài khoản\nthanh toán")]
    [InlineData("Mở tài khoản\u0000")]
    [InlineData("Mở tài khoản \u202Eevil")]
    [InlineData("Mở tài\u200B khoản")]
    public void Validate_BadPurposeText_NamesPurposeText(string text) => Assert.Equal(["purposeText"], FieldsIn(Valid() with { PurposeText = text }));

    [Fact]
    public void Validate_PurposeTextLengthLimit_Is500Characters()
    {
        Assert.Empty(FieldsIn(Valid() with { PurposeText = new string('x', 500) }));
        Assert.Equal(["purposeText"], FieldsIn(Valid() with { PurposeText = new string('x', 501) }));
    }

    [Fact]
    public void Validate_NoFields_NamesFields() => Assert.Equal(["fields"], FieldsIn(Valid() with { Fields = [] }));

    [Fact]
    public void Validate_UnknownAndDuplicateFields_NamesEachByPositionWithoutEchoingIt()
    {
        var errors = ConsentRules.Validate(Valid() with { Fields = [F.FullName, "password", F.FullName, "FullName"] }, Now);

        Assert.Equal(["fields[1]", "fields[2]", "fields[3]"], errors.Select(e => e.Field));
        Assert.DoesNotContain(errors, e => e.Message.Contains("password", StringComparison.Ordinal) || e.Message.Contains("FullName", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EveryFieldOnce_IsAccepted() => Assert.Empty(FieldsIn(Valid() with { Fields = [.. FieldCatalog.Fields.Keys] }));

    [Fact]
    public void Validate_MoreFieldsThanTheCatalogue_IsOneError()
    {
        var errors = ConsentRules.Validate(Valid() with { Fields = [.. Enumerable.Repeat("x", 10_000)] }, Now);

        Assert.Equal("fields", Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_InternalFieldSuchAsCardStatus_IsAccepted() => Assert.Empty(FieldsIn(Valid() with { Fields = [F.CardStatus, F.CardNumber] }));

    [Fact]
    public void Validate_UntilNotAfterFrom_NamesValidUntil() =>
        Assert.Equal(["validUntil"], FieldsIn(Valid() with { ValidFrom = Now.AddDays(10), ValidUntil = Now.AddDays(10) }));

    [Fact]
    public void Validate_UntilInThePast_NamesValidUntil()
    {
        var errors = FieldsIn(Valid() with { ValidFrom = Now.AddMinutes(-1), ValidUntil = Now.AddSeconds(-1) }).ToList();

        Assert.Equal(["validUntil"], errors);
    }

    [Fact]
    public void Validate_ValidityLimit_IsFiveYearsFromValidFrom()
    {
        var from = Now.AddDays(30);
        Assert.Empty(FieldsIn(Valid() with { ValidFrom = from, ValidUntil = from.AddYears(5) }));
        Assert.Equal(["validUntil"], FieldsIn(Valid() with { ValidFrom = from, ValidUntil = from.AddYears(5).AddSeconds(1) }));
    }

    [Fact]
    public void Validate_StartInThePast_IsRefusedBeyondTheClockTolerance()
    {
        Assert.Empty(FieldsIn(Valid() with { ValidFrom = Now - ConsentRules.StartTolerance }));
        Assert.Equal(["validFrom"], FieldsIn(Valid() with { ValidFrom = Now.AddDays(-1) }));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3650, true)]
    [InlineData(-1, false)]
    [InlineData(3651, false)]
    public void Validate_RetentionDays_Between0And3650(int days, bool accepted) =>
        Assert.Equal(accepted ? [] : ["retentionDays"], FieldsIn(Valid() with { RetentionDays = days }));

    [Fact]
    public void Validate_EveryRuleBroken_ListsEveryViolation()
    {
        var grant = new ConsentGrant("x", "X", "", [], Now.AddDays(-2), Now.AddDays(-3), -5);

        var fields = FieldsIn(grant).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["agencyCode", "fields", "purpose", "purposeText", "retentionDays", "validFrom", "validUntil"], fields);
    }

    [Fact]
    public void Validate_NullMembersFromALooseCaller_AreErrorsNotExceptions()
    {
        var grant = new ConsentGrant(null!, null!, null!, null!, Now, Now.AddDays(1), 0);

        Assert.Equal(["agencyCode", "purpose", "purposeText", "fields"], FieldsIn(grant));
    }
}
