SELECT fee_ledger_add(ARRAY['BENCHX'], ARRAY[current_date], ARRAY['SPDC04'], ARRAY[10::bigint], ARRAY[50::bigint], ARRAY[0::bigint], ARRAY[0::bigint], ARRAY[50000::bigint]);
