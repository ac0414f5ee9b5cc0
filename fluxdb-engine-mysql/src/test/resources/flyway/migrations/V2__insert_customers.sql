INSERT INTO customer (name) VALUES ('Ada'), ('Grace'), ('Émile 🐬');
INSERT INTO purchase (customer_id, amount) SELECT id, id * 10.25 FROM customer;
