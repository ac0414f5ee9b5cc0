CREATE TABLE customer (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL
) CHARACTER SET utf8mb4;

CREATE TABLE purchase (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    amount DECIMAL(10, 2) NOT NULL,
    CONSTRAINT fk_purchase_customer FOREIGN KEY (customer_id) REFERENCES customer (id)
) CHARACTER SET utf8mb4;
