INSERT INTO fee_ledger AS l (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd) VALUES ('BENCHU' || :client_id, current_date, 'SPDC04', 10, 50, 0, 0, 50000)
    ON CONFLICT (agency_code, day, product) DO UPDATE SET answers = l.answers + excluded.answers, fields = l.fields + excluded.fields, amount_vnd = l.amount_vnd + excluded.amount_vnd;
