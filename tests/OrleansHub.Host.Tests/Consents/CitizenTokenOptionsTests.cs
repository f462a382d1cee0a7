using System.Security.Cryptography;
using OrleansHub.Host.Security.Citizens;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>What a valid <c>Hub:CitizenTokens</c> section is: all three members with a P-256 public key, or nothing.</summary>
public sealed class CitizenTokenOptionsTests
{
    private static string P256PublicPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
    }

    private static CitizenTokenOptions Complete() => new() { Issuer = "https://eid.example.vn", Audience = "orleanshub", PublicKeyPem = P256PublicPem() };

    [Fact]
    public void Empty_IsNotConfigured()
    {
        var options = new CitizenTokenOptions();

        Assert.False(options.IsConfigured);
        Assert.False(options.IsComplete);
    }

    [Fact]
    public void AllThreeWithP256PublicKey_IsComplete() => Assert.True(Complete().IsComplete);

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("key")]
    public void MissingOneMember_IsConfiguredButIncomplete(string missing)
    {
        var options = Complete();
        switch (missing)
        {
            case "issuer": options.Issuer = " "; break;
            case "audience": options.Audience = null; break;
            default: options.PublicKeyPem = ""; break;
        }

        Assert.True(options.IsConfigured);
        Assert.False(options.IsComplete);
    }

    [Fact]
    public void PrivateKeyInsteadOfPublic_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Null(CitizenTokenOptions.ReadKey(key.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public void P384Key_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Null(CitizenTokenOptions.ReadKey(key.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void RsaKey_IsRefused()
    {
        using var key = RSA.Create(2048);

        Assert.Null(CitizenTokenOptions.ReadKey(key.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void NotPem_IsRefused() => Assert.Null(CitizenTokenOptions.ReadKey("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));

    [Fact]
    public void P256PublicKey_IsRead()
    {
        using var key = CitizenTokenOptions.ReadKey(P256PublicPem());

        Assert.NotNull(key);
    }
}
