<?php
// Common compatibility scenario (compat/README.md) for PHP's PDO (pdo_mysql, mysqlnd).
// The common parameterised steps use server-side prepared statements
// (PDO::ATTR_EMULATE_PREPARES false); the same steps run again afterwards with PDO's
// client-side emulation (named <step>_emulated), then multi-statements turned off.
// Prints one JSON object per line on stdout; diagnostics go to stderr.

ini_set('display_errors', 'stderr'); // PHP's CLI would print warnings on stdout
error_reporting(E_ALL);

$host = getenv('FLUXDB_HOST') ?: '127.0.0.1';
$port = (int) (getenv('FLUXDB_PORT') ?: 3306);
$user = getenv('FLUXDB_USER') ?: 'root';
$password = getenv('FLUXDB_PASSWORD') ?: '';
$database = getenv('FLUXDB_DATABASE') ?: 'compat';
$tls = getenv('FLUXDB_TLS') === '1';

function emit(array $line): void
{
    echo json_encode($line, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
}

function step(string $name, callable $fn): void
{
    try {
        $result = $fn();
        if (is_array($result) && array_key_exists('unsupported', $result)) {
            emit(['step' => $name, 'unsupported' => $result['unsupported']]);
        } else {
            emit(['step' => $name, 'result' => $result]);
        }
    } catch (PDOException $e) {
        emit(['step' => $name, 'error' => errorOf($e)]);
    } catch (Throwable $e) {
        fwrite(STDERR, "$name: $e\n");
        emit(['step' => $name, 'error' => ['code' => null, 'sqlstate' => null, 'message' => $e->getMessage()]]);
    }
}

// errorInfo is [SQLSTATE, driver code, driver message]. A failed connection has no
// errorInfo: its getCode() is the server's error code and the message carries the rest.
function errorOf(PDOException $e): array
{
    $info = $e->errorInfo;
    if (is_array($info) && isset($info[1])) {
        return ['code' => $info[1], 'sqlstate' => $info[0], 'message' => $info[2]];
    }
    return ['code' => $e->getCode(), 'sqlstate' => null, 'message' => $e->getMessage()];
}

// PHP's plain string conversion. PDO does not expose a column's character set: a string
// that is not valid UTF-8 text (or holds control characters) is taken as bytes, shown in hex.
function cell($v): ?string
{
    if ($v === null) {
        return null;
    }
    if (is_string($v) && (!preg_match('//u', $v) || preg_match('/[\x00-\x08\x0b\x0c\x0e-\x1f]/', $v))) {
        return bin2hex($v);
    }
    return (string) $v;
}

function rows(PDOStatement $st): array
{
    return array_map(fn($r) => array_map('cell', $r), $st->fetchAll(PDO::FETCH_NUM));
}

function select(PDO $db, string $sql, array $params = []): array
{
    if (!$params) {
        return rows($db->query($sql));
    }
    $st = $db->prepare($sql);
    $st->execute($params);
    return rows($st);
}

// Every result of the statement: rows, or the affected rows of a result without columns.
function allResults(PDOStatement $st): array
{
    $out = [];
    do {
        $out[] = $st->columnCount() > 0 ? rows($st) : ['affected_rows' => $st->rowCount()];
    } while ($st->nextRowset());
    return $out;
}

function connect(array $options = [], string $password = null): PDO
{
    global $host, $port, $user, $database;
    $dsn = "mysql:host=$host;port=$port;dbname=$database;charset=utf8mb4";
    return new PDO($dsn, $user, $password ?? $GLOBALS['password'], $options + [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_EMULATE_PREPARES => false,
    ]);
}

$mysqlnd = (new ReflectionExtension('pdo_mysql'))->getVersion();
emit(['client' => 'PDO (pdo_mysql)', 'version' => "$mysqlnd (" . PHP_VERSION . ')']);

// Without a connection every later step still runs (and reports its own failure) so the
// transcript always lists every step.
$connectError = null;
try {
    $db = connect();
} catch (PDOException $e) {
    $connectError = $e;
}
$need = function () use (&$db, &$connectError): PDO {
    if ($connectError !== null) {
        throw $connectError;
    }
    return $db;
};

step('connect', fn() => select($need(), 'SELECT 1'));

step('tls', function () use ($tls) {
    if (!$tls) {
        return ['unsupported' => 'the server does not offer TLS'];
    }
    // An (empty) CA asks mysqlnd for TLS; the operator's certificate is self-signed, so it is
    // not verified.
    $c = connect([PDO::MYSQL_ATTR_SSL_CA => '', PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false]);
    return select($c, 'SELECT 1');
});

step('wrong_password', function () use ($password) {
    connect([], $password . '-wrong');
    return 'connected';
});

step('ddl', function () use ($need) {
    // `dec` is a reserved word in MariaDB: quoted. The table takes the database's character
    // set (utf8mb4, as the suite creates it) for the 4-byte characters of the unicode steps.
    return ['affected_rows' => $need()->exec('CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, '
        . 'i INT, big BIGINT, ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, '
        . 'ts DATETIME(6), tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL)')];
});

step('auto_increment', function () use ($need) {
    $db = $need();
    $db->exec('INSERT INTO types (i) VALUES (1)');
    $a = $db->lastInsertId();
    $db->exec('INSERT INTO types (i) VALUES (2)');
    $b = $db->lastInsertId();
    return ['insert_ids' => [$a, $b], 'last_insert_id' => select($db, 'SELECT LAST_INSERT_ID()')];
});

// The parameterised steps, run once per value of PDO::ATTR_EMULATE_PREPARES.
$preparedTypes = function (PDO $db): array {
    $st = $db->prepare('INSERT INTO types (i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n) '
        . 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // PDO binds ints, strings, LOBs and NULL. Floats have no PDO type: bound as strings, as
    // is the unsigned 64-bit maximum, which does not fit a PHP int.
    $values = [
        [-2147483648, PDO::PARAM_INT], [PHP_INT_MIN, PDO::PARAM_INT], ['18446744073709551615', PDO::PARAM_STR],
        ['1.5', PDO::PARAM_STR], ['-2.25e100', PDO::PARAM_STR], ['12345678901234.123456', PDO::PARAM_STR],
        ['2024-02-29', PDO::PARAM_STR], ['2024-02-29 23:59:59.123456', PDO::PARAM_STR],
        ['-838:59:59', PDO::PARAM_STR], ['héllo wörld ✓', PDO::PARAM_STR], [hex2bin('00ff10'), PDO::PARAM_LOB],
        ['{"a": [1, 2]}', PDO::PARAM_STR], [1, PDO::PARAM_INT], [null, PDO::PARAM_NULL],
    ];
    foreach ($values as $k => [$value, $type]) {
        $st->bindValue($k + 1, $value, $type);
    }
    $st->execute();
    $id = $db->lastInsertId();
    return ['insert_id' => $id, 'rows' => select($db, 'SELECT * FROM types WHERE id = ?', [$id])];
};

$unicode = function (PDO $db): array {
    $db->prepare('INSERT INTO types (s) VALUES (?)')->execute(['😀 𝄞 中文 ☃']);
    return select($db, 'SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?', [$db->lastInsertId()]);
};

$largeValue = function (PDO $db, int $id): array {
    // BLOB holds 64 KiB only: the 4 MiB value needs a LONGBLOB column of its own.
    $db->exec('CREATE TABLE IF NOT EXISTS large_value (id INT PRIMARY KEY, v LONGBLOB)');
    $value = '';
    for ($k = 0; $k < 251; $k++) {
        $value .= chr($k);
    }
    $value = substr(str_repeat($value, intdiv(4 * 1024 * 1024, 251) + 1), 0, 4 * 1024 * 1024);
    $st = $db->prepare('INSERT INTO large_value VALUES (?, ?)');
    $st->bindValue(1, $id, PDO::PARAM_INT);
    $st->bindValue(2, $value, PDO::PARAM_LOB);
    $st->execute();
    $st = $db->prepare('SELECT v FROM large_value WHERE id = ?');
    $st->execute([$id]);
    $got = $st->fetchColumn();
    return ['length' => strlen($got), 'sha1' => sha1($got)];
};

step('prepared_types', fn() => $preparedTypes($need()));

step('nulls', fn() => select($need(), "SELECT NULL, IFNULL(NULL, 'x'), n FROM types"));

step('unicode', fn() => $unicode($need()));

step('large_value', fn() => $largeValue($need(), 1));

$count = fn() => select($need(), 'SELECT COUNT(*) FROM types');

step('transaction_rollback', function () use ($need, $count) {
    $before = $count();
    $need()->beginTransaction();
    $need()->exec('INSERT INTO types (i) VALUES (100)');
    $inside = $count();
    $need()->rollBack();
    return ['before' => $before, 'inside' => $inside, 'after' => $count()];
});

step('transaction_commit', function () use ($need) {
    $need()->beginTransaction();
    $need()->exec('INSERT INTO types (i) VALUES (101)');
    $need()->commit();
    return select(connect(), 'SELECT COUNT(*) FROM types');
});

step('error_duplicate_key', fn() => $need()->exec('INSERT INTO types (id) VALUES (1)'));
step('error_syntax', fn() => $need()->query('SELEC 1'));
step('error_no_table', fn() => $need()->query('SELECT * FROM missing_table'));

// Emulated prepares: PDO::query() then sends COM_QUERY (a server-side prepare would refuse
// two statements whatever the option).
step('multi_statements', function () {
    $c = connect([PDO::MYSQL_ATTR_MULTI_STATEMENTS => true, PDO::ATTR_EMULATE_PREPARES => true]);
    return allResults($c->query('SELECT 1; SELECT 2'));
});

step('stored_procedure', function () use ($need) {
    $db = $need();
    $db->exec('CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END');
    return ['call' => allResults($db->query('CALL p(5, @y)')), 'y' => select($db, 'SELECT @y')];
});

// --- PDO's own steps: the parameterised steps again, with client-side emulation ---

$emulated = function () use ($need): PDO {
    $db = $need();
    $db->setAttribute(PDO::ATTR_EMULATE_PREPARES, true);
    return $db;
};
step('prepared_types_emulated', fn() => $preparedTypes($emulated()));
step('unicode_emulated', fn() => $unicode($emulated()));
step('large_value_emulated', fn() => $largeValue($emulated(), 2));

// Multi-statements refused at connect time: the server rejects the second statement.
step('multi_statements_disabled', function () {
    $c = connect([PDO::MYSQL_ATTR_MULTI_STATEMENTS => false, PDO::ATTR_EMULATE_PREPARES => true]);
    return allResults($c->query('SELECT 1; SELECT 2'));
});
