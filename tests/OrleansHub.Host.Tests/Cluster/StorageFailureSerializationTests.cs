using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using OrleansHub.Host.Tests.Embedded;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>
/// A grain whose storage fails while PostgreSQL is down answers another silo with Orleans' exception wrapping Npgsql's.
/// That answer must cross the wire: if it cannot be serialized, the caller sees a codec failure (a 500) instead of the
/// database failure the hub answers with 503 (found by bench/faults/run.sh).
/// </summary>
public sealed class StorageFailureSerializationTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public void StorageFailure_WrappingAPostgresException_RoundTripsThroughTheSiloSerializer()
    {
        var serializer = factory.Services.GetRequiredService<Serializer>();
        var failure = new OrleansException("Error from storage provider during WriteStateAsync",
            new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"));

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));

        var wrapper = Assert.IsAssignableFrom<OrleansException>(copy);
        Assert.IsAssignableFrom<NpgsqlException>(wrapper.InnerException);
    }
}
