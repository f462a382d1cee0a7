using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NetArchTest.Rules;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Tests.Embedded;

namespace OrleansHub.Host.Tests.Architecture;

/// <summary>
/// The host's folders and what each may use. Platform code (hosting, problems, telemetry, storage, security, and the
/// cluster and health plumbing) imports no feature; a feature imports the platform and only the features its row names,
/// so the folders form no cycle. The agency API (<c>/v1</c>) is declared once: every endpoint under it is one of the
/// AgencyApi group's, with its operation.
/// </summary>
public sealed class DependencyRulesTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Root = "OrleansHub.Host.";

    private static readonly string[] Platform = ["Hosting", "Problems", "Telemetry", "Storage", "Security", "Cluster", "Health"];

    /// <summary>Each feature and the other features it may import (besides the platform).</summary>
    private static readonly Dictionary<string, string[]> Features = new()
    {
        ["Audit"] = [],
        ["Citizens"] = ["Audit"],
        ["Cards"] = [],
        ["Consents"] = [],
        ["Demo"] = ["Citizens"],
        ["Quotas"] = ["Citizens"],
        ["AgencyApi"] = ["Audit", "Quotas"],
        ["Agencies"] = ["AgencyApi", "Citizens"],
        ["Fees"] = ["AgencyApi", "Audit"],
        ["Disclosures"] = ["AgencyApi", "Audit", "Fees"],
        ["Lookups"] = ["AgencyApi", "Citizens", "Disclosures", "Fees"],
        ["Events"] = ["AgencyApi", "Audit", "Disclosures"],
        ["Transparency"] = ["AgencyApi", "Audit"],
        ["Registry"] = ["Events"],
    };

    public static TheoryData<string> PlatformFolders() => [.. Platform];

    public static TheoryData<string> FeatureFolders() => [.. Features.Keys];

    [Theory]
    [MemberData(nameof(PlatformFolders))]
    public void PlatformFolder_ImportsNoFeature(string folder)
    {
        var result = TypesOf(folder).ShouldNot().HaveDependencyOnAny([.. Features.Keys.Select(f => Root + f + ".")]).GetResult();

        Assert.True(result.IsSuccessful, $"{folder} uses a feature: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [MemberData(nameof(FeatureFolders))]
    public void FeatureFolder_ImportsOnlyThePlatformAndItsListedFeatures(string folder)
    {
        var forbidden = Features.Keys.Where(f => f != folder && !Features[folder].Contains(f)).Select(f => Root + f + ".").ToArray();

        var result = TypesOf(folder).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{folder} uses a feature its row does not list: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Folders_AreEachPlatformOrAListedFeature()
    {
        var folders = typeof(Program).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .Where(n => n is not null && n.StartsWith(Root, StringComparison.Ordinal))
            .Select(n => n![Root.Length..].Split('.')[0])
            .Distinct()
            .ToList();

        Assert.All(folders, f => Assert.True(Platform.Contains(f) || Features.ContainsKey(f), $"Folder {f} has no row: add it to the rules."));
    }

    [Fact]
    public void FeatureRules_HaveNoCycle()
    {
        var done = new HashSet<string>();
        foreach (var feature in Features.Keys)
        {
            Visit(feature, []);
        }

        void Visit(string feature, List<string> path)
        {
            Assert.False(path.Contains(feature), $"Cycle: {string.Join(" -> ", path)} -> {feature}");
            if (done.Add(feature))
            {
                foreach (var next in Features[feature])
                {
                    Visit(next, [.. path, feature]);
                }
            }
        }
    }

    [Fact]
    public void AgencyApi_EveryEndpointUnderV1_IsTheGroupsWithItsOperation()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(AgencyApiGroup.Prefix, StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(e.Metadata.GetMetadata<AgencyOperation>() is not null,
            $"{e.RoutePattern.RawText} is under /v1 but not declared on the agency API's group (AsAgencyOperation)."));
    }

    private static PredicateList TypesOf(string folder) => Types.InAssembly(typeof(Program).Assembly).That().ResideInNamespace(Root + folder);
}
