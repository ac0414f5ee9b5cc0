ALTER TABLE customer ADD COLUMN email VARCHAR(200) NULL AFTER name;
UPDATE customer SET email = CONCAT(LOWER(SUBSTRING_INDEX(name, ' ', 1)), '@example.org');
CREATE INDEX ix_customer_email ON customer (email);
