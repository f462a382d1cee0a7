using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Agencies;

[Collection(ClusterCollection.Name)]
public sealed class AgencyGrainTests(ClusterFixture fixture)
{
    private const string Operator = "registry";

    private IAgencyGrain NewAgency(out string code)
    {
        code = TestAgencies.NewCode();
        return fixture.Grains.GetGrain<IAgencyGrain>(code);
    }

    private async Task<IAgencyGrain> RegisteredAsync(string? code = null)
    {
        var grain = code is null ? NewAgency(out _) : fixture.Grains.GetGrain<IAgencyGrain>(code);
        Assert.Equal(AgencyFailure.None, (await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: 0, Operator)).Failure);
        return grain;
    }

    [Fact]
    public async Task Get_Unregistered_IsNull() => Assert.Null(await NewAgency(out _).GetAsync());

    [Fact]
    public async Task Register_New_CreatesVersionOne()
    {
        var grain = NewAgency(out var code);

        var result = await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: null, Operator);

        Assert.Equal(AgencyChangeKind.Created, result.Effect);
        var policy = await grain.GetAsync();
        Assert.Equal((code, 1L, fixture.Time.GetUtcNow()), (policy!.Code, policy.Version, policy.UpdatedAt));
        Assert.Equal(TestAgencies.Bank().Fields, policy.Definition.Fields);
        Assert.True(policy.IsActive && policy.AllowsField(F.CardStatus) && policy.AllowsPurpose("kyc-onboarding"));
    }

    [Fact]
    public async Task Register_Update_IncreasesVersionAndHistoryNamesWhatChanged()
    {
        var grain = await RegisteredAsync();

        var result = await grain.RegisterAsync(TestAgencies.Bank(AgencyStatus.Suspended), expectedVersion: 1, "someone");

        Assert.Equal((AgencyChangeKind.Updated, 2L), (result.Effect, result.Policy!.Version));
        var history = await grain.GetHistoryAsync();
        Assert.Equal([2L, 1L], history.Select(h => h.Version));
        Assert.Equal((AgencyChangeKind.Updated, "someone"), (history[0].Kind, history[0].Actor));
        Assert.Equal(["status"], history[0].Changed);
        Assert.Equal(AgencyChangeKind.Created, history[1].Kind);
    }

    [Fact]
    public async Task Register_SameDefinitionAgain_MakesNoNewVersion()
    {
        var grain = await RegisteredAsync();

        var result = await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: null, Operator);

        Assert.Equal((AgencyFailure.None, AgencyChangeKind.None, 1L), (result.Failure, result.Effect, result.Policy!.Version));
        Assert.Single(await grain.GetHistoryAsync());
    }

    [Fact]
    public async Task Register_StaleExpectedVersion_IsVersionMismatchAndChangesNothing()
    {
        var grain = await RegisteredAsync();
        await grain.RegisterAsync(TestAgencies.Bank() with { Name = "Tên mới" }, expectedVersion: 1, Operator);

        var result = await grain.RegisterAsync(TestAgencies.Bank(AgencyStatus.Suspended), expectedVersion: 1, Operator);

        Assert.Equal((AgencyFailure.VersionMismatch, 2L), (result.Failure, result.Policy!.Version));
        Assert.Equal(AgencyStatus.Active, (await grain.GetAsync())!.Definition.Status);
    }

    [Fact]
    public async Task Register_CreateOnlyWhenItExists_IsVersionMismatch()
    {
        var grain = await RegisteredAsync();

        Assert.Equal(AgencyFailure.VersionMismatch, (await grain.RegisterAsync(TestAgencies.StateBody(), expectedVersion: 0, Operator)).Failure);
    }

    [Fact]
    public async Task Register_InvalidDefinition_ListsEveryErrorAndStoresNothing()
    {
        var grain = NewAgency(out _);

        var result = await grain.RegisterAsync(TestAgencies.Bank() with { Fields = ["nope"], RequiresConsent = false }, expectedVersion: null, Operator);

        Assert.Equal(AgencyFailure.Invalid, result.Failure);
        Assert.Equal(["fields[0]", "requiresConsent"], result.Errors.Select(e => e.Field));
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task Register_MalformedCode_IsInvalid()
    {
        var result = await fixture.Grains.GetGrain<IAgencyGrain>("bad-code").RegisterAsync(TestAgencies.Bank(), null, Operator);

        Assert.Equal(["code"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task IssueKey_Unregistered_IsNotFound() =>
        Assert.Equal(AgencyFailure.NotFound, (await NewAgency(out _).IssueKeyAsync(Operator)).Failure);

    [Fact]
    public async Task IssueKey_ReturnsPlaintextOnceAndListsOnlyTheId()
    {
        var grain = NewAgency(out var code);
        await RegisteredAsync(code);

        var issued = (await grain.IssueKeyAsync(Operator)).Issued!;

        Assert.StartsWith($"ohk_{code}_{issued.Key.KeyId}_", issued.Plaintext);
        Assert.DoesNotContain(issued.Plaintext[^43..], issued.ToString());
        var listed = Assert.Single(await grain.ListKeysAsync());
        Assert.Equal((issued.Key.KeyId, (DateTimeOffset?)null), (listed.KeyId, listed.RevokedAt));
        Assert.Equal(AgencyChangeKind.KeyIssued, (await grain.GetHistoryAsync())[0].Kind);
    }

    [Fact]
    public async Task IssueKey_StateHoldsOnlyTheHash_NeverThePlaintext()
    {
        var grain = NewAgency(out var code);
        await RegisteredAsync(code);

        var issued = (await grain.IssueKeyAsync(Operator)).Issued!;

        // Read the state as storage holds it, serialized the way it is written.
        var services = fixture.Cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Directory);
        var stored = new GrainState<AgencyState>();
        await storage.ReadStateAsync("agency", grain.GetGrainId(), stored);
        var bytes = services.GetRequiredService<Serializer>().SerializeToArray(stored.State!);
        var secret = issued.Plaintext[^43..]; // the secret is 43 base64url characters and may itself hold '_'
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(issued.Plaintext)));
        Assert.Equal(AgencyKeys.Hash(issued.Plaintext), Assert.Single(stored.State!.Keys).Sha256);
    }

    [Fact]
    public async Task RevokeKey_MarksRevokedAndDropsItFromCredentials()
    {
        var grain = await RegisteredAsync();
        var kept = (await grain.IssueKeyAsync(Operator)).Issued!;
        var revoked = (await grain.IssueKeyAsync(Operator)).Issued!;

        var result = await grain.RevokeKeyAsync(revoked.Key.KeyId, "someone");

        Assert.Equal((fixture.Time.GetUtcNow(), "someone"), (result.Key!.RevokedAt, result.Key.RevokedBy));
        var credentials = await grain.GetCredentialsAsync();
        Assert.Equal([kept.Key.KeyId], credentials.Keys.Select(k => k.KeyId));
        Assert.Equal(2, (await grain.ListKeysAsync()).Count);
    }

    [Fact]
    public async Task RevokeKey_Twice_ChangesNothingTheSecondTime()
    {
        var grain = await RegisteredAsync();
        var issued = (await grain.IssueKeyAsync(Operator)).Issued!;
        await grain.RevokeKeyAsync(issued.Key.KeyId, Operator);
        var revision = (await grain.GetCredentialsAsync()).Revision;

        var again = await grain.RevokeKeyAsync(issued.Key.KeyId, Operator);

        Assert.Equal(AgencyFailure.None, again.Failure);
        Assert.Equal(revision, (await grain.GetCredentialsAsync()).Revision);
    }

    [Fact]
    public async Task RevokeKey_UnknownKeyId_IsKeyNotFound()
    {
        var grain = await RegisteredAsync();

        Assert.Equal(AgencyFailure.KeyNotFound, (await grain.RevokeKeyAsync("nosuchkey", Operator)).Failure);
    }

    [Fact]
    public async Task RotateKey_WithoutGrace_IssuesNewAndRevokesOldNow()
    {
        var grain = await RegisteredAsync();
        var old = (await grain.IssueKeyAsync(Operator)).Issued!;

        var result = await grain.RotateKeyAsync(old.Key.KeyId, TimeSpan.Zero, Operator);

        Assert.NotEqual(old.Plaintext, result.Issued!.Plaintext);
        Assert.Equal(fixture.Time.GetUtcNow(), result.Key!.RevokedAt);
        Assert.Equal([result.Issued.Key.KeyId], (await grain.GetCredentialsAsync()).Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task RotateKey_WithGrace_KeepsOldKeyUntilTheGraceEnds()
    {
        var grain = await RegisteredAsync();
        var old = (await grain.IssueKeyAsync(Operator)).Issued!;

        var result = await grain.RotateKeyAsync(old.Key.KeyId, TimeSpan.FromHours(1), Operator);

        Assert.Equal(fixture.Time.GetUtcNow().AddHours(1), result.Key!.RevokedAt);
        var credentials = await grain.GetCredentialsAsync();
        Assert.Equal(fixture.Time.GetUtcNow().AddHours(1), credentials.Keys.Single(k => k.KeyId == old.Key.KeyId).RevokesAt);
        Assert.Equal(2, credentials.Keys.Count);
        Assert.Equal([AgencyChangeKind.KeyIssued, AgencyChangeKind.KeyRevocationScheduled], (await grain.GetHistoryAsync()).Take(2).Select(h => h.Kind));
    }

    [Fact]
    public async Task RotateKey_AlreadyRevoked_IsKeyConflict()
    {
        var grain = await RegisteredAsync();
        var old = (await grain.IssueKeyAsync(Operator)).Issued!;
        await grain.RevokeKeyAsync(old.Key.KeyId, Operator);

        Assert.Equal(AgencyFailure.KeyConflict, (await grain.RotateKeyAsync(old.Key.KeyId, TimeSpan.Zero, Operator)).Failure);
    }

    [Fact]
    public async Task RotateKey_GraceBeyondThirtyDays_IsInvalid()
    {
        var grain = await RegisteredAsync();
        var old = (await grain.IssueKeyAsync(Operator)).Issued!;

        Assert.Equal(AgencyFailure.Invalid, (await grain.RotateKeyAsync(old.Key.KeyId, TimeSpan.FromDays(31), Operator)).Failure);
    }

    [Fact]
    public async Task IssueKey_BeyondTheActiveLimit_IsKeyConflictUntilOneIsRevoked()
    {
        var grain = await RegisteredAsync();
        var keys = new List<IssuedAgencyKey>();
        for (var i = 0; i < AgencyGrain.MaxActiveKeys; i++)
        {
            keys.Add((await grain.IssueKeyAsync(Operator)).Issued!);
        }

        Assert.Equal(AgencyFailure.KeyConflict, (await grain.IssueKeyAsync(Operator)).Failure);
        await grain.RevokeKeyAsync(keys[0].Key.KeyId, Operator);
        Assert.Equal(AgencyFailure.None, (await grain.IssueKeyAsync(Operator)).Failure);
    }

    [Fact]
    public async Task ImportKey_SameKeyTwice_IsStoredOnce()
    {
        var grain = NewAgency(out var code);
        await RegisteredAsync(code);
        var key = $"ohk_{code}_dev_a-fixed-development-key";

        await grain.ImportKeyAsync("dev", AgencyKeys.Hash(key), Operator);
        var again = await grain.ImportKeyAsync("dev", AgencyKeys.Hash(key), Operator);

        Assert.Equal(AgencyFailure.None, again.Failure);
        var stored = Assert.Single((await grain.GetCredentialsAsync()).Keys);
        Assert.Equal(AgencyKeys.Hash(key), stored.Sha256);
    }

    [Fact]
    public async Task ImportKey_IdTakenByAnotherKey_IsKeyConflict()
    {
        var grain = NewAgency(out var code);
        await RegisteredAsync(code);
        await grain.ImportKeyAsync("dev", AgencyKeys.Hash($"ohk_{code}_dev_first-development-key"), Operator);

        var result = await grain.ImportKeyAsync("dev", AgencyKeys.Hash($"ohk_{code}_dev_other-development-key"), Operator);

        Assert.Equal(AgencyFailure.KeyConflict, result.Failure);
    }

    [Fact]
    public async Task Catalog_RegisteredAgency_IsListedWithItsLatestRevision()
    {
        var grain = NewAgency(out var code);
        await RegisteredAsync(code);
        await grain.IssueKeyAsync(Operator);
        var catalog = fixture.Grains.GetGrain<IAgencyCatalogGrain>(IAgencyCatalogGrain.Key);

        var all = await catalog.GetChangesAsync(0);

        Assert.Contains(code, await catalog.ListCodesAsync());
        Assert.Equal((await grain.GetCredentialsAsync()).Revision, all.Changed.Single(c => c.Code == code).Revision);
        Assert.DoesNotContain(code, (await catalog.GetChangesAsync(all.Generation)).Changed.Select(c => c.Code));
    }
}
