using System.Security.Cryptography;
using System.Text;
using OrleansHub.Grains.Agencies;

namespace OrleansHub.Grains.Tests.Agencies;

public sealed class AgencyKeysTests
{
    [Fact]
    public void NewKey_HasTheDocumentedFormatAndParsesBack()
    {
        var keyId = AgencyKeys.NewKeyId();

        var key = AgencyKeys.NewKey("VCB", keyId);

        Assert.Matches("^ohk_VCB_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$", key);
        Assert.True(AgencyKeys.TryParse(key, out var code, out var parsedId));
        Assert.Equal(("VCB", keyId), (code.ToString(), parsedId.ToString()));
    }

    [Fact]
    public void NewKey_TwoKeys_Differ() => Assert.NotEqual(AgencyKeys.NewKey("VCB", "abc"), AgencyKeys.NewKey("VCB", "abc"));

    [Fact]
    public void TryParse_SecretContainingUnderscores_KeepsCodeAndKeyId()
    {
        Assert.True(AgencyKeys.TryParse("ohk_C08_dev_a_b_c-d_e_f_g_h_i_j_k", out var code, out var keyId));
        Assert.Equal(("C08", "dev"), (code.ToString(), keyId.ToString()));
    }

    [Theory]
    [InlineData("dev-operator-key")]
    [InlineData("ohk_VCB_dev")]
    [InlineData("ohk_vcb_dev_aaaaaaaaaaaaaaaaaaaa")]
    [InlineData("ohk_VCB_DEV_aaaaaaaaaaaaaaaaaaaa")]
    [InlineData("ohk_VCB_dev_short")]
    [InlineData("ohk_VCB_dev_aaaaaaaaaaaaaaaaaaaa=")]
    [InlineData("ohk_VCB_dev_aaaaaaaaaaaaaaaaaaaa aa")]
    [InlineData("OHK_VCB_dev_aaaaaaaaaaaaaaaaaaaa")]
    public void TryParse_Malformed_IsRefused(string key) => Assert.False(AgencyKeys.TryParse(key, out _, out _));

    [Fact]
    public void TryParse_VeryLongKey_IsRefused() => Assert.False(AgencyKeys.TryParse("ohk_VCB_dev_" + new string('a', 10_000), out _, out _));

    [Fact]
    public void Hash_IsSha256OfTheWholeKey()
    {
        var key = AgencyKeys.NewKey("GDT", "abcdefgh");

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), AgencyKeys.Hash(key));
        Assert.True(AgencyKeys.Matches(key, AgencyKeys.Hash(key)));
        Assert.False(AgencyKeys.Matches(key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), AgencyKeys.Hash(key)));
    }
}
