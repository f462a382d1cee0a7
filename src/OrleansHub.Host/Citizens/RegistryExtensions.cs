using OrleansHub.Grains.Citizens;
using OrleansHub.Host.Citizens.Import;

namespace OrleansHub.Host.Citizens;

/// <summary>Services of the population registry: field ownership from configuration, and the bulk importer.</summary>
public static class RegistryExtensions
{
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FieldOwnership>()
            .BindConfiguration(FieldOwnership.Section)
            .Validate(o => o.Owners.Keys.All(f => FieldCatalog.Fields.TryGetValue(f, out var spec) && !spec.Internal),
                "Hub:Registry:Owners may name only writable citizen fields (see FieldCatalog).")
            .Validate(o => o.Owners.Values.All(code => code is { Length: > 0 and <= 20 } && code.All(char.IsAsciiLetterOrDigit) && code != FieldOwnership.Hub),
                "Owner codes in Hub:Registry:Owners are 1-20 ASCII letters or digits.")
            .ValidateOnStart();
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CitizenImporter>();
        builder.Services.AddSingleton<ProviderWrites>();
        return builder;
    }
}
