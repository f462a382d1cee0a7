using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OrleansHub.Bench.Faults;

/// <summary>One check of the verification: what was compared and whether it held.</summary>
public sealed record Check(string Name, bool Passed, string Detail);

/// <summary>
/// After the faults: compares what the clients were told (acknowledged writes, consent changes and subscriptions, answered
/// lookups, events received) with the database and with the hub's own answers once it has recovered.
/// </summary>
public sealed class Verifier(MixedLoad load, HubTarget hub, CitizenIssuer issuer, string connectionString, string operatorKey)
{
    public async Task<IReadOnlyList<Check>> VerifyAsync()
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var checks = new List<Check>();
        checks.Add(await HealthAsync(http));
        checks.AddRange(await WritesAsync(http, db));
        checks.AddRange(await AnswersAsync(db));
        checks.Add(await ConsentsAsync(http));
        checks.Add(await SubscriptionsAsync(db));
        checks.AddRange(await FeedsAsync(db));
        return checks;
    }

    /// <summary>
    /// Where the webhook stands against the events it lacks: a cursor past one of them means it was skipped, a cursor before
    /// them means delivery stalled. Positions and counts only (the run's events are synthetic, but the report never needs more).
    /// </summary>
    private async Task<string> WebhookBehindAsync(NpgsqlDataSource db, Guid[] missing, WebhookReceiver receiver)
    {
        await using var command = db.CreateCommand("""
            SELECT w.status, w.delivered_through, w.attempts, coalesce(w.last_error, ''), coalesce(w.disabled_reason, ''),
                   (SELECT string_agg(f.feed_position::text || ' at ' || to_char(f.fed_at, 'HH24:MI:SS.MS'), ', ' ORDER BY f.feed_position)
                    FROM agency_feed f WHERE f.agency_code = w.agency_code AND f.event_id = ANY($2)),
                   (SELECT max(feed_position) FROM agency_feed f WHERE f.agency_code = w.agency_code),
                   (SELECT array_agg(f.feed_position ORDER BY f.feed_position) FROM agency_feed f WHERE f.agency_code = w.agency_code AND f.event_id = ANY($2))
            FROM agency_webhooks w WHERE w.agency_code = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.StateAgency });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = missing });
        string state;
        long[] positions;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return "no webhook row";
            }

            state = $"missing at feed positions [{(reader.IsDBNull(5) ? "none" : reader.GetString(5))}] of {(reader.IsDBNull(6) ? 0 : reader.GetInt64(6))}; "
                + $"webhook {reader.GetString(0)}, saved cursor {reader.GetInt64(1)}, {reader.GetInt32(2)} attempts, last error '{reader.GetString(3)}', disabled '{reader.GetString(4)}'";
            positions = reader.IsDBNull(7) ? [] : reader.GetFieldValue<long[]>(7);
        }

        // The messages the hub decided (and audited) with each missing position in them, and what the receiver answered to each.
        await using var offered = db.CreateCommand("""
            SELECT DISTINCT request_id, min(at) OVER (PARTITION BY request_id) FROM audit_log
            WHERE agency_code = $1 AND operation = 'event-delivered-webhook' AND request_id LIKE 'msg\_%'
              AND split_part(request_id, '_', 2)::bigint <= ANY ($2) AND split_part(request_id, '_', 3)::bigint >= ANY ($2)
            """);
        offered.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.StateAgency });
        offered.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = positions });
        var messages = new List<string>();
        await using (var reader = await offered.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (id, at) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
                if (positions.Any(p => Covers(id, p)))
                {
                    var answers = receiver.Answers.Where(a => a.MessageId == id).Select(a => $"{a.Status} at {a.AtMs} ms").ToList();
                    messages.Add($"{id} (audited {at.UtcDateTime:HH:mm:ss.fff}; receiver answered {(answers.Count == 0 ? "nothing" : string.Join(", ", answers))})");
                }
            }
        }

        var failures = receiver.Failures.ToArray();
        return state + $"; messages holding them: {(messages.Count == 0 ? "none audited" : string.Join("; ", messages))}"
            + (failures.Length == 0 ? "" : $"; receiver failures: {string.Join("; ", failures)}");

        static bool Covers(string messageId, long position)
        {
            var parts = messageId.Split('_');
            return parts.Length == 3 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var first)
                && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var last) && first <= position && position <= last;
        }
    }

    /// <summary>Whether <paramref name="agency"/>'s consumer has read every row of its feed in the database.</summary>
    public static async Task<bool> CaughtUpAsync(NpgsqlDataSource db, string agency, string cursor)
    {
        await using var command = db.CreateCommand("SELECT coalesce(max(feed_position), 0) FROM agency_feed WHERE agency_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agency });
        var last = (long)(await command.ExecuteScalarAsync())!;
        return long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var read) && read >= last;
    }

    private async Task<Check> HealthAsync(HttpClient http)
    {
        var notReady = new List<string>();
        for (var i = 0; i < hub.Count; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(hub.Url(i), "/health/ready"));
                if (!response.IsSuccessStatusCode)
                {
                    notReady.Add($"silo {i + 1}: {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException e)
            {
                notReady.Add($"silo {i + 1}: {e.Message}");
            }
        }

        return new Check("every silo ready (no manual restart beyond the faults' own recovery step)", notReady.Count == 0,
            notReady.Count == 0 ? $"{hub.Count} of {hub.Count} answer /health/ready 200" : string.Join("; ", notReady));
    }

    private async Task<IEnumerable<Check>> WritesAsync(HttpClient http, NpgsqlDataSource db)
    {
        var writes = load.Writes.ToList();
        var acked = writes.Where(w => w.AckedVersion is not null).ToList();
        var events = new HashSet<(string, long)>();
        await using (var command = db.CreateCommand("SELECT citizen_id, record_version FROM citizen_events WHERE citizen_id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. load.Citizens] });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var withoutEvent = acked.Count(w => !events.Contains((w.CitizenId, w.AckedVersion!.Value)));
        var lost = new List<string>();
        foreach (var citizen in writes.Select(w => w.CitizenId).Distinct())
        {
            var mine = writes.Where(w => w.CitizenId == citizen).ToList();
            var lastAcked = mine.FindLastIndex(w => w.AckedVersion is not null);
            if (lastAcked < 0)
            {
                continue;
            }

            // The acknowledged value, or one a later write whose answer was lost may have put there.
            var allowed = mine.Skip(lastAcked).Where((w, i) => i == 0 || w.Ambiguous).Select(w => w.Value).ToHashSet(StringComparer.Ordinal);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(hub.Url(0), $"/admin/citizens/{citizen}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
            using var response = await http.SendAsync(request);
            var record = await response.Content.ReadFromJsonAsync<JsonElement>();
            var version = record.GetProperty("version").GetInt64();
            var value = record.GetProperty("fields").GetProperty("permanentResidence").GetProperty("value").GetString();
            if (version < mine[lastAcked].AckedVersion || value is null || !allowed.Contains(value))
            {
                lost.Add($"a citizen at version {version}, last acknowledged {mine[lastAcked].AckedVersion}");
            }
        }

        return
        [
            new Check("every acknowledged write is in the record (its version or later, its value unless a later write changed it)", lost.Count == 0,
                $"{acked.Count} acknowledged writes to {acked.Select(w => w.CitizenId).Distinct().Count()} citizens, {writes.Count(w => w.Ambiguous)} unanswered; "
                + (lost.Count == 0 ? "none lost" : $"lost: {string.Join("; ", lost.Take(5))}")),
            new Check("every acknowledged write has its event in citizen_events", withoutEvent == 0, $"{acked.Count - withoutEvent} of {acked.Count}"),
        ];
    }

    private async Task<IEnumerable<Check>> AnswersAsync(NpgsqlDataSource db)
    {
        var answers = load.Answers.ToList();
        var rows = new Dictionary<Guid, (string Outcome, long? Fee)>();
        await using (var command = db.CreateCommand("SELECT id, outcome, fee_vnd FROM audit_log WHERE id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. answers.Select(a => a.AuditId)] });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[reader.GetGuid(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
        }

        var missing = answers.Count(a => !rows.TryGetValue(a.AuditId, out var row) || row.Outcome != "allowed" || row.Fee != a.FeeVnd);
        var checks = new List<Check>
        {
            new("every answered lookup has its audit row (allowed) with the fee the answer showed", missing == 0,
                $"{answers.Count - missing} of {answers.Count} answers ({answers.Count(a => a.AgencyCode == load.ChargedAgency)} charged agency, "
                + $"{answers.Count(a => a.AgencyCode == load.StateAgency)} state agency)"),
        };

        foreach (var agency in new[] { load.ChargedAgency, load.StateAgency })
        {
            await using var command = db.CreateCommand("""
                SELECT count(*) FILTER (WHERE outcome = 'allowed'), coalesce(sum(fee_vnd) FILTER (WHERE outcome = 'allowed'), 0),
                       count(*) FILTER (WHERE outcome = 'denied' AND coalesce(fee_vnd, 0) <> 0)
                FROM audit_log WHERE agency_code = $1 AND operation = 'lookup'
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agency });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (allowedRows, charged, chargedDenials) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            var received = answers.Where(a => a.AgencyCode == agency).ToList();
            var extra = allowedRows - received.Count;
            var unanswered = load.Unanswered.GetValueOrDefault(agency);
            var ledger = await LedgerAsync(db, agency);
            checks.Add(new Check($"nothing else charged ({(agency == load.ChargedAgency ? "charged" : "state")} agency)",
                extra >= 0 && extra <= unanswered && chargedDenials == 0 && ledger.Answers == allowedRows && ledger.Amount == charged,
                $"audit: {allowedRows} answered rows, VND {charged:N0}; received {received.Count} answers, VND {received.Sum(a => a.FeeVnd):N0}; "
                + $"{extra} rows for requests whose answer the client never got (at most {unanswered} unanswered requests); "
                + $"{chargedDenials} charged denials; ledger {ledger.Answers} answers, VND {ledger.Amount:N0}"));
        }

        return checks;
    }

    private static async Task<(long Answers, long Amount)> LedgerAsync(NpgsqlDataSource db, string agency)
    {
        await using var command = db.CreateCommand("SELECT coalesce(sum(answers), 0), coalesce(sum(amount_vnd), 0) FROM fee_ledger WHERE agency_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agency });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Per consent: an acknowledged grant is on record, and active unless a later revocation of it was sent (answered or
    /// not); an acknowledged revocation is on record as revoked.
    /// </summary>
    private async Task<Check> ConsentsAsync(HttpClient http)
    {
        var changes = load.ConsentChanges.ToList();
        var wrong = new List<string>();
        foreach (var citizen in changes.Select(c => c.CitizenId).Distinct())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(hub.Url(0), "/me/consents"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Sign(citizen));
            using var response = await http.SendAsync(request);
            var held = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consents").EnumerateArray()
                .ToDictionary(c => c.GetProperty("id").GetGuid(), c => c.GetProperty("status").GetString());
            var mine = changes.Where(c => c.CitizenId == citizen).ToList();
            for (var i = 0; i < mine.Count; i++)
            {
                var change = mine[i];
                if (!change.Acked || change.ConsentId is not { } id)
                {
                    continue;
                }

                var revokedLater = mine.Skip(i + 1).Any(c => !c.Grant && c.ConsentId == id);
                var expected = change.Grant && !revokedLater ? "active" : change.Grant ? null : "revoked";
                if (!held.TryGetValue(id, out var status) || (expected is not null && status != expected))
                {
                    wrong.Add($"{(change.Grant ? "grant" : "revocation")} {i}: {status ?? "missing"}");
                }
            }
        }

        return new Check("every acknowledged consent grant and revocation holds", wrong.Count == 0,
            $"{changes.Count(c => c.Acked)} acknowledged ({changes.Count(c => c.Acked && c.Grant)} grants), {changes.Count(c => c.Ambiguous)} unanswered; "
            + (wrong.Count == 0 ? "all on record as acknowledged" : $"{wrong.Count} wrong: {string.Join("; ", wrong.Take(5))}"));
    }

    private async Task<Check> SubscriptionsAsync(NpgsqlDataSource db)
    {
        var acked = load.AckedSubscriptions.Distinct().ToList();
        await using var command = db.CreateCommand("SELECT count(*) FROM citizen_subscriptions WHERE agency_code = $1 AND citizen_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.ChargedAgency });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. acked] });
        var present = (long)(await command.ExecuteScalarAsync())!;
        return new Check("every acknowledged subscription is stored", present == acked.Count, $"{present} of {acked.Count} citizens subscribed ({load.AckedSubscriptions.Count} acknowledged PUTs)");
    }

    private async Task<IEnumerable<Check>> FeedsAsync(NpgsqlDataSource db)
    {
        var received = load.Received.Concat(load.Webhook?.Received ?? []).ToList();
        var checks = new List<Check>();

        // Every residence change of the run's citizens reached the state agency's population feed, and its consumer.
        var changes = new List<(Guid EventId, string Citizen, long Sequence)>();
        await using (var command = db.CreateCommand("""
            SELECT e.event_id, e.citizen_id, e.sequence FROM citizen_events e
            WHERE e.citizen_id = ANY($1) AND e.type = $2
              AND e.appended_at > (SELECT created_at FROM population_subscriptions WHERE agency_code = $3 AND event_type = $2)
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. load.Citizens] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MixedLoad.ResidenceChanged });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.StateAgency });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                changes.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        var inFeed = new HashSet<Guid>();
        await using (var command = db.CreateCommand("SELECT event_id FROM agency_feed WHERE agency_code = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.StateAgency });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inFeed.Add(reader.GetGuid(0));
            }
        }

        var stateReceived = received.Where(e => e.AgencyCode == load.StateAgency).Select(e => e.EventId).ToHashSet();
        var ackedVersions = load.Writes.Where(w => w.AckedVersion is not null).Select(w => (w.CitizenId, w.AckedVersion!.Value)).ToHashSet();
        var receivedVersions = received.Where(e => e.AgencyCode == load.StateAgency && e.Type == MixedLoad.ResidenceChanged)
            .Select(e => (e.CitizenId, e.RecordVersion)).ToHashSet();
        checks.Add(new Check("the state agency's feed holds every residence change, and its consumer received each one",
            changes.All(c => inFeed.Contains(c.EventId) && stateReceived.Contains(c.EventId)) && ackedVersions.IsSubsetOf(receivedVersions),
            $"{changes.Count} events in citizen_events, {changes.Count(c => inFeed.Contains(c.EventId))} in agency_feed, "
            + $"{changes.Count(c => stateReceived.Contains(c.EventId))} received; acknowledged writes received: {ackedVersions.Count(receivedVersions.Contains)} of {ackedVersions.Count}"));

        // Per-citizen order, in the order each consumer received the events (a repeat of an event is allowed, a step back is not).
        var outOfOrder = 0;
        var duplicates = 0;
        foreach (var agency in received.GroupBy(e => e.AgencyCode))
        {
            var seen = new HashSet<Guid>();
            var last = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var e in agency)
            {
                if (!seen.Add(e.EventId))
                {
                    duplicates++;
                    continue;
                }

                if (last.TryGetValue(e.CitizenId, out var previous) && e.Sequence <= previous)
                {
                    outOfOrder++;
                }

                last[e.CitizenId] = e.Sequence;
            }
        }

        // Every acknowledged revocation reached the bank, the agency it concerns, as a consent-revoked event.
        var revoked = load.ConsentChanges.Where(c => !c.Grant && c.Acked).Select(c => c.ConsentId!.Value).Distinct().ToArray();
        var revocationEvents = new Dictionary<Guid, (Guid EventId, bool InFeed)>();
        await using (var command = db.CreateCommand("""
            SELECT e.consent_id, e.event_id, EXISTS (SELECT 1 FROM agency_feed f WHERE f.agency_code = $2 AND f.event_id = e.event_id)
            FROM citizen_events e WHERE e.type = $3 AND e.consent_id = ANY($1)
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = revoked });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = load.ChargedAgency });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MixedLoad.ConsentRevoked });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                revocationEvents[reader.GetGuid(0)] = (reader.GetGuid(1), reader.GetBoolean(2));
            }
        }

        var bankReceived = received.Where(e => e.AgencyCode == load.ChargedAgency).Select(e => e.EventId).ToHashSet();
        checks.Add(new Check("every acknowledged revocation reached the bank as a consent-revoked event",
            revoked.All(id => revocationEvents.TryGetValue(id, out var e) && e.InFeed && bankReceived.Contains(e.EventId)),
            $"{revoked.Length} revocations acknowledged; events: {revocationEvents.Count} in citizen_events, {revocationEvents.Values.Count(e => e.InFeed)} in the bank's feed, "
            + $"{revocationEvents.Values.Count(e => bankReceived.Contains(e.EventId))} received by its consumer"));

        if (load.Webhook is { } webhook)
        {
            var pushed = webhook.Received.Select(e => e.EventId).ToHashSet();
            var missing = changes.Where(c => !pushed.Contains(c.EventId)).Select(c => c.EventId).ToArray();
            checks.Add(new Check("the state agency's webhook got every residence change, each signed correctly",
                missing.Length == 0 && webhook.BadSignatures == 0,
                $"{changes.Count - missing.Length} of {changes.Count} events pushed in {webhook.Deliveries} deliveries; {webhook.BadSignatures} bad signatures"
                + (missing.Length == 0 ? "" : "; " + await WebhookBehindAsync(db, missing, webhook))));
        }

        checks.Add(new Check("feeds deliver in per-citizen order", outOfOrder == 0,
            $"{received.Count} events received by {(load.Webhook is null ? "two consumers" : "two consumers and the webhook")} ({duplicates} repeats), {outOfOrder} out of per-citizen order"));
        return checks;
    }
}
