using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansHub.Grains;
using OrleansHub.Host.Security;
using OrleansHub.Host.Tests.Contract;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>The nine callers of the authorization matrix, one per column.</summary>
public enum Party
{
    Anonymous,
    AgencyA,
    AgencyB,
    SuspendedAgency,
    RevokedKey,
    CitizenX,
    CitizenY,
    Operator,
    DataProvider,
}

/// <summary>
/// An embedded hub (real Kestrel) with two consuming agencies A and B, a suspended agency, a key of A's that was revoked,
/// two citizens X and Y, the operator and a data provider (social security, owner of the health-insurance number). Agency A
/// has data of its own for the others to try: a subscription to X, a lookup of X (an access-log entry of X's and a fee line),
/// a dispute X raised against that lookup, and keys; citizen X has consents and that access-log entry.
/// </summary>
public class AuthorizationParties : IAsyncLifetime
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly ConcurrentDictionary<string, string> _citizens = new(StringComparer.Ordinal);

    private readonly ConcurrentBag<string> _secrets = [];

    public AuthorizationParties()
        : this(new EmbeddedHubFactory(), EmbeddedHubFactory.DevelopmentKey, ProviderOptions.DevelopmentKey(ProviderCode))
    {
    }

    /// <summary>
    /// The same parties on another host with its operator and provider keys: an in-process one that captures its logs, or
    /// (<paramref name="factory"/> null) silos in processes of their own, which <see cref="CreateClient"/> then reaches.
    /// </summary>
    protected AuthorizationParties(WebApplicationFactory<Program>? factory, string operatorKey, string providerKey)
    {
        (_factory, OperatorKey, ProviderKey) = (factory, operatorKey, providerKey);
        _secrets.Add(operatorKey);
        _secrets.Add(providerKey);
    }

    public string OperatorKey { get; }

    public string ProviderKey { get; }

    private readonly WebApplicationFactory<Program>? _factory;

    /// <summary>The in-process hub; none when the parties act on silos in processes of their own.</summary>
    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("These parties act on hub processes: use CreateClient.");

    /// <summary>A client of the hub without credentials.</summary>
    public virtual HttpClient CreateClient() => Factory.CreateCheckedClient();

    /// <summary>Every citizen this hub was given during the run, ID to full name: personal data that must stay out of logs.</summary>
    public IReadOnlyDictionary<string, string> Citizens => _citizens;

    /// <summary>Every credential used or issued during the run (keys, tokens): secrets that must stay out of logs and later answers.</summary>
    public IReadOnlyCollection<string> Secrets => _secrets;

    public void RememberSecret(string secret) => _secrets.Add(secret);

    /// <summary>One NDJSON import line for a fresh citizen, remembered like every other citizen.</summary>
    public string NewImportLine()
    {
        var (id, name) = (TestIds.NewCitizen(), NewName("Đỗ Văn"));
        _citizens[id] = name;
        return JsonSerializer.Serialize(new { id, fullName = name, dateOfBirth = TestIds.DateOfBirth, sex = TestIds.Sex }) + "\n";
    }

    public string AgencyA { get; } = NewCode("A");

    public string AgencyB { get; } = NewCode("B");

    public string Suspended { get; } = NewCode("S");

    public string KeyOfA { get; private set; } = "";

    public string KeyIdOfA { get; private set; } = "";

    public string KeyOfB { get; private set; } = "";

    public string KeyOfSuspended { get; private set; } = "";

    public string RevokedKeyOfA { get; private set; } = "";

    public string CitizenX { get; private set; } = "";

    public string NameOfX { get; } = NewName("Lê Thị");

    public string CitizenY { get; private set; } = "";

    public string NameOfY { get; } = NewName("Trần Văn");

    public string TokenOfX { get; private set; } = "";

    public string TokenOfY { get; private set; } = "";

    /// <summary>X's consent to VCB, which X keeps.</summary>
    public string ConsentOfX { get; private set; } = "";

    /// <summary>The access-log entry of agency A's lookup of X.</summary>
    public Guid AccessEntryOfX { get; private set; }

    /// <summary>The dispute X raised against that lookup.</summary>
    public Guid DisputeOfX { get; private set; }

    public string CardOfX { get; } = NewCardNumber();

    private Events.Webhooks.WebhookReceiver? _receiver;

    /// <summary>Where agency A's webhook points: a loopback receiver that answers the verification challenge and fails every delivery (retried).</summary>
    public string WebhookUrl => _receiver?.Url ?? throw new InvalidOperationException("Not initialized.");

    public const string Purpose = "tax-registration";

    public const string ProviderCode = "VSS";

    public static string ThisMonth => VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string NewCardNumber() => $"CC{Random.Shared.NextInt64(10_000_000_000):D10}";

    public static object AgencyDefinition(string status = "active") => new
    {
        name = "Cục Thử nghiệm Phân quyền",
        kind = "state",
        status,
        fields = new[] { "fullName", "dateOfBirth", "sex", "permanentResidence" },
        purposes = new[] { Purpose },
        requiresConsent = false,
    };

    public HttpClient Operator() => CreateClient().WithBearer(OperatorKey);

    /// <summary>A client for <paramref name="party"/>, with that party's credential (none for the anonymous caller).</summary>
    public HttpClient ClientFor(Party party)
    {
        var client = CreateClient();
        var credential = party switch
        {
            Party.Anonymous => null,
            Party.AgencyA => KeyOfA,
            Party.AgencyB => KeyOfB,
            Party.SuspendedAgency => KeyOfSuspended,
            Party.RevokedKey => RevokedKeyOfA,
            Party.CitizenX => TokenOfX,
            Party.CitizenY => TokenOfY,
            Party.Operator => OperatorKey,
            Party.DataProvider => ProviderKey,
            _ => throw new ArgumentOutOfRangeException(nameof(party)),
        };
        return credential is null ? client : client.WithBearer(credential);
    }

    public virtual async Task InitializeAsync()
    {
        _receiver = await Events.Webhooks.WebhookReceiver.StartAsync();
        _receiver.Answer = _ => HttpStatusCode.ServiceUnavailable;
        var admin = Operator();
        foreach (var code in new[] { AgencyA, AgencyB, Suspended })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/admin/agencies/{code}", AgencyDefinition())).StatusCode);
        }

        (KeyOfA, KeyIdOfA) = await IssueKeyAsync(AgencyA);
        (KeyOfB, _) = await IssueKeyAsync(AgencyB);
        (KeyOfSuspended, _) = await IssueKeyAsync(Suspended);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/agencies/{Suspended}", AgencyDefinition("suspended"))).StatusCode);
        string revokedKeyId;
        (RevokedKeyOfA, revokedKeyId) = await IssueKeyAsync(AgencyA);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/admin/agencies/{AgencyA}/keys/{revokedKeyId}")).StatusCode);

        CitizenX = await NewCitizenAsync(NameOfX);
        CitizenY = await NewCitizenAsync(NameOfY);
        TokenOfX = await IssueTokenAsync(CitizenX);
        TokenOfY = await IssueTokenAsync(CitizenY);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/admin/cards/{CardOfX}",
            new { citizenId = CitizenX, issuedOn = "2021-06-01", expiresOn = "2030-04-12", issuedBy = "Cục Cảnh sát quản lý hành chính về trật tự xã hội" })).StatusCode);
        ConsentOfX = await GrantConsentAsync(ClientFor(Party.CitizenX));

        var agencyA = ClientFor(Party.AgencyA);
        Assert.Equal(HttpStatusCode.Created, (await agencyA.PutAsJsonAsync($"/v1/subscriptions/citizens/{CitizenX}", new { purpose = Purpose })).StatusCode);
        var lookup = await agencyA.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenX, fields = new[] { "fullName" }, purpose = Purpose });
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        AccessEntryOfX = (await lookup.ReadJsonAsync()).GetProperty("auditId").GetGuid();
        var dispute = await ClientFor(Party.CitizenX).PostAsJsonAsync($"/me/access-log/{AccessEntryOfX}/disputes", new { kind = "notConsented", comment = "Tôi không yêu cầu" });
        Assert.Equal(HttpStatusCode.Created, dispute.StatusCode);
        DisputeOfX = (await dispute.ReadJsonAsync()).GetProperty("id").GetGuid();

        await RegisterWebhookAsync();

        // An event in A's feed about X, for B to fail to see.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchCitizenAsync(CitizenX, new { permanentResidence = "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội" })).StatusCode);
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    /// <summary>A new agency with a key and a webhook of its own, for the operator's webhook operations to act on; returns its code.</summary>
    public async Task<string> NewAgencyWithWebhookAsync()
    {
        var code = $"WH{Random.Shared.Next(1_000_000, 9_999_999)}";
        Assert.Equal(HttpStatusCode.Created, (await Operator().PutAsJsonAsync($"/admin/agencies/{code}", AgencyDefinition())).StatusCode);
        var (key, _) = await IssueKeyAsync(code);
        var registered = await CreateClient().WithBearer(key).PutAsJsonAsync("/v1/webhook", new { url = WebhookUrl });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        RememberSecret((await registered.ReadJsonAsync()).GetProperty("secret").GetString()!);
        return code;
    }

    public async Task<(string Key, string KeyId)> IssueKeyAsync(string code)
    {
        var response = await Operator().PostAsync($"/admin/agencies/{code}/keys", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = await response.ReadJsonAsync();
        RememberSecret(issued.GetProperty("key").GetString()!);
        return (issued.GetProperty("key").GetString()!, issued.GetProperty("keyId").GetString()!);
    }

    /// <summary>Registers (or re-registers) agency A's webhook.</summary>
    public async Task RegisterWebhookAsync()
    {
        var response = await ClientFor(Party.AgencyA).PutAsJsonAsync("/v1/webhook", new { url = WebhookUrl });
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if ((await response.ReadJsonAsync()).TryGetProperty("secret", out var secret) && secret.GetString() is { } text)
        {
            RememberSecret(text);
        }
    }

    /// <summary>
    /// Registers the bank the parties' consents name (VCB), for a hub on PostgreSQL: demo agencies are loaded only in
    /// embedded mode, and a consent to an agency without that purpose in its agreement is refused.
    /// </summary>
    protected async Task RegisterConsentingBankAsync()
    {
        var bank = await Operator().PutAsJsonAsync("/admin/agencies/VCB", new
        {
            name = "Ngân hàng TMCP Ngoại thương Việt Nam",
            kind = "commercial",
            status = "active",
            fields = new[] { "fullName", "dateOfBirth" },
            purposes = new[] { "kyc-onboarding" },
            requiresConsent = true,
        });
        Assert.Equal(HttpStatusCode.Created, bank.StatusCode);
    }

    /// <summary>A consent of the signed-in citizen to VCB; returns its ID.</summary>
    public static async Task<string> GrantConsentAsync(HttpClient citizen)
    {
        var response = await citizen.PostAsJsonAsync("/me/consents", ConsentBody());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static object ConsentBody() => new
    {
        agencyCode = "VCB",
        purpose = "kyc-onboarding",
        purposeText = "Mở tài khoản thanh toán",
        fields = new[] { "fullName" },
        validUntil = DateTimeOffset.UtcNow.AddDays(30),
        retentionDays = 365,
    };

    public async Task<string> NewCitizenAsync(string name)
    {
        var id = TestIds.NewCitizen();
        _citizens[id] = name;
        Assert.Equal(HttpStatusCode.Created, (await Operator().PutCitizenAsync(id, name, TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        return id;
    }

    /// <summary>A citizen's token, from the embedded hub's development issuer; remembered as a secret.</summary>
    protected virtual async Task<string> IssueTokenAsync(string citizenId)
    {
        var response = await Operator().PostAsJsonAsync("/dev/citizen-tokens", new { citizenId });
        response.EnsureSuccessStatusCode();
        var token = (await response.ReadJsonAsync()).GetProperty("token").GetString()!;
        RememberSecret(token);
        return token;
    }

    private static string NewCode(string prefix) => prefix + new string(Random.Shared.GetItems(Alphabet.AsSpan(), 9));

    // A surname and middle name with a random given name, so a leak of this citizen's name is found and nobody else's is.
    private static string NewName(string family) =>
        $"{family} {char.ToUpperInvariant(Random.Shared.GetItems("bcdghklmnpqstvx".AsSpan(), 1)[0])}{new string(Random.Shared.GetItems("aeiouyăâêôơư".AsSpan(), 1))}{new string(Random.Shared.GetItems("bcdghklmnpqrstvx".AsSpan(), 6))}";
}
