INSERT INTO customer (name) VALUES ('before the failure');
INSERT INTO no_such_table (id) VALUES (1);
