SELECT scratch_ledger_add(ARRAY['BENCHZ' || :client_id], ARRAY[current_date], ARRAY['SPDC04'], ARRAY[10::bigint], ARRAY[50::bigint], ARRAY[0::bigint], ARRAY[0::bigint], ARRAY[50000::bigint]);
