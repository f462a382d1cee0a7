using OrleansHub.Bench.PlainLookup;

// The baseline of the lookup benchmark (issue 4, bench/lookup/run.sh): one process, one PostgreSQL, no actors.
// Configuration by environment variables:
//   ConnectionStrings__Plain   Npgsql connection string (pool size and auto-prepare defaults are added when absent)
//   Plain__ApiKeySha256        hex SHA-256 of the one accepted bearer key (the service never sees the key itself)
//   Plain__Agency              agency code written to the audit rows (default BENCH)
//   ASPNETCORE_URLS            where Kestrel listens
var builder = WebApplication.CreateSlimBuilder(args);

// Per-request logs would measure the console, not the lookup.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var options = PlainLookupOptions.From(builder.Configuration);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(_ => LookupStore.CreateDataSource(
    builder.Configuration.GetConnectionString("Plain")
        ?? throw new InvalidOperationException("ConnectionStrings__Plain is required")));
builder.Services.AddSingleton<LookupStore>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PlainJsonContext.Default));

var app = builder.Build();
await app.Services.GetRequiredService<LookupStore>().EnsureSchemaAsync(app.Lifetime.ApplicationStopping);
app.MapConstantApi();
app.MapLookupApi();
await app.RunAsync();

/// <summary>Entry point; public so tooling can find it.</summary>
public partial class Program;
