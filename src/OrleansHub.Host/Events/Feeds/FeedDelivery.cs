using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.Lookups;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>One event as an agency receives it: the fields it may see, and its feed position.</summary>
public sealed record DeliveredEvent(long Position, CloudEventResponse Event);

/// <summary>
/// Decides, at delivery time, what each feed item shows its agency: only the changed fields its agreement covers and, for
/// an agency that needs consent, that the citizen's consent for the subscription's purpose covers now. An item with nothing
/// left to show is not delivered, so a revoked consent stops the citizen's events at once (the consent-revoked event itself
/// is the one its agency still gets).
/// </summary>
public sealed class FeedDelivery(IGrainFactory grains)
{
    private readonly StringKeyedGrains<IConsentGrain> _consents = new(grains);

    public async Task<IReadOnlyList<DeliveredEvent>> FilterAsync(AgencyPolicy agency, IReadOnlyList<FeedItem> items)
    {
        var delivered = new List<DeliveredEvent>(items.Count);
        foreach (var item in items)
        {
            if (item.Event.Consent is not null)
            {
                // The agency's own consent ended: it is told, whatever the consent now allows.
                delivered.Add(new DeliveredEvent(item.Position, CloudEventResponse.From(item.Event)));
                continue;
            }

            IReadOnlyList<string> visible = [.. item.Event.ChangedFields.Where(agency.AllowsField)];
            if (visible.Count > 0 && agency.Definition.RequiresConsent)
            {
                var decision = await _consents.Get(item.Event.CitizenId).EvaluateAsync(agency.Code, item.Purpose, visible);
                visible = AccessRules.FromConsent(decision) == AccessDenial.None ? decision.AllowedFields : [];
            }

            if (visible.Count > 0)
            {
                delivered.Add(new DeliveredEvent(item.Position, CloudEventResponse.From(item.Event with { ChangedFields = visible })));
            }
        }

        return delivered;
    }
}
