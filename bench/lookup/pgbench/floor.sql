INSERT INTO scratch_t VALUES (1);
