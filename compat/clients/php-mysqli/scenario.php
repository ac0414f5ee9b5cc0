<?php
// Common compatibility scenario (compat/README.md) for PHP's mysqli (mysqlnd), plus its own
// steps: the text protocol next to prepared statements, and a persistent connection reused
// twice (mysqli resets a reused persistent link with COM_CHANGE_USER).
// Prints one JSON object per line on stdout; diagnostics go to stderr.

ini_set('display_errors', 'stderr'); // PHP's CLI would print warnings on stdout
error_reporting(E_ALL);
// Errors become mysqli_sql_exception, which carries the code and the SQLSTATE.
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

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
    } catch (mysqli_sql_exception $e) {
        emit(['step' => $name, 'error' => errorOf($e)]);
    } catch (Throwable $e) {
        fwrite(STDERR, "$name: $e\n");
        emit(['step' => $name, 'error' => ['code' => null, 'sqlstate' => null, 'message' => $e->getMessage()]]);
    }
}

function errorOf(mysqli_sql_exception $e): array
{
    return ['code' => $e->getCode(), 'sqlstate' => $e->getSqlState(), 'message' => $e->getMessage()];
}

// Binary string columns (charset 63, string/blob types) are bytes: lowercase hex. Not BIT:
// mysqlnd already decodes it to an integer in both protocols.
const BYTE_TYPES = [MYSQLI_TYPE_TINY_BLOB, MYSQLI_TYPE_MEDIUM_BLOB, MYSQLI_TYPE_LONG_BLOB,
    MYSQLI_TYPE_BLOB, MYSQLI_TYPE_STRING, MYSQLI_TYPE_VAR_STRING];

// PHP's plain string conversion of each value, with the contract's exceptions.
function rows(mysqli_result $res): array
{
    $fields = $res->fetch_fields();
    $out = [];
    foreach ($res->fetch_all(MYSQLI_NUM) as $row) {
        $line = [];
        foreach ($row as $i => $v) {
            $bytes = $fields[$i]->charsetnr === 63 && in_array($fields[$i]->type, BYTE_TYPES, true);
            $line[] = $v === null ? null : (is_string($v) && $bytes ? bin2hex($v) : (string) $v);
        }
        $out[] = $line;
    }
    $res->free();
    return $out;
}

function select(mysqli $m, string $sql): array
{
    return rows($m->query($sql));
}

// Runs a prepared statement and returns its rows (mysqlnd's get_result: binary protocol).
function execSelect(mysqli $m, string $sql, string $types, array $params): array
{
    $st = $m->prepare($sql);
    $st->bind_param($types, ...$params);
    $st->execute();
    $rows = rows($st->get_result());
    $st->close();
    return $rows;
}

// Every result of a multi_query: rows, or the affected rows of a result without columns.
function multiResults(mysqli $m, string $sql): array
{
    $m->multi_query($sql);
    $out = [];
    do {
        $res = $m->store_result();
        $out[] = $res === false ? ['affected_rows' => $m->affected_rows] : rows($res);
    } while ($m->more_results() && $m->next_result());
    return $out;
}

function connect(string $host, string $password = null): mysqli
{
    global $port, $user, $database;
    $m = new mysqli($host, $user, $password ?? $GLOBALS['password'], $database, $port);
    $m->set_charset('utf8mb4');
    return $m;
}

emit(['client' => 'mysqli', 'version' => PHP_VERSION . ' (' . mysqli_get_client_info() . ')']);

// Without a connection every later step still runs (and reports its own failure) so the
// transcript always lists every step.
$m = null;
step('connect', function () use (&$m, $host) {
    $m = connect($host);
    return select($m, 'SELECT 1');
});
if ($m === null) {
    $m = mysqli_init(); // unconnected: each statement throws
}

step('tls', function () use ($tls, $host, $port, $user, $password, $database) {
    if (!$tls) {
        return ['unsupported' => 'the server does not offer TLS'];
    }
    // The operator's certificate is self-signed: require TLS without verifying it.
    $c = mysqli_init();
    $c->ssl_set(null, null, null, null, null);
    $c->real_connect($host, $user, $password, $database, $port, null,
        MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT);
    $rows = select($c, 'SELECT 1');
    $c->close();
    return $rows;
});

step('wrong_password', function () use ($host, $password) {
    connect($host, $password . '-wrong')->close();
    return 'connected';
});

step('ddl', function () use ($m) {
    // `dec` is a reserved word in MariaDB: quoted. The table takes the database's character
    // set (utf8mb4, as the suite creates it) for the 4-byte characters of the unicode steps.
    $m->query('CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, '
        . 'ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ts DATETIME(6), '
        . 'tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL)');
    return ['affected_rows' => $m->affected_rows];
});

step('auto_increment', function () use ($m) {
    $m->query('INSERT INTO types (i) VALUES (1)');
    $a = $m->insert_id;
    $m->query('INSERT INTO types (i) VALUES (2)');
    $b = $m->insert_id;
    return ['insert_ids' => [$a, $b], 'last_insert_id' => select($m, 'SELECT LAST_INSERT_ID()')];
});

$preparedId = 0;
step('prepared_types', function () use ($m, &$preparedId) {
    $st = $m->prepare('INSERT INTO types (i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n) '
        . 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // The unsigned 64-bit maximum does not fit a PHP int: bound as a string. The blob is
    // bound as 'b' and sent with COM_STMT_SEND_LONG_DATA.
    $i = -2147483648; $big = PHP_INT_MIN; $ubig = '18446744073709551615'; $f = 1.5; $d = -2.25e100;
    $dec = '12345678901234.123456'; $dt = '2024-02-29'; $ts = '2024-02-29 23:59:59.123456';
    $tm = '-838:59:59'; $s = 'héllo wörld ✓'; $b = null; $j = '{"a": [1, 2]}'; $bit = 1; $n = null;
    $st->bind_param('iisddsssssbsii', $i, $big, $ubig, $f, $d, $dec, $dt, $ts, $tm, $s, $b, $j, $bit, $n);
    $st->send_long_data(10, hex2bin('00ff10'));
    $st->execute();
    $preparedId = $st->insert_id;
    $st->close();
    return ['insert_id' => $preparedId,
        'rows' => execSelect($m, 'SELECT * FROM types WHERE id = ?', 'i', [$preparedId])];
});

step('nulls', fn() => select($m, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types"));

step('unicode', function () use ($m) {
    $st = $m->prepare('INSERT INTO types (s) VALUES (?)');
    $s = '😀 𝄞 中文 ☃';
    $st->bind_param('s', $s);
    $st->execute();
    $id = $st->insert_id;
    $st->close();
    return execSelect($m, 'SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?', 'i', [$id]);
});

step('large_value', function () use ($m) {
    // BLOB holds 64 KiB only: the 4 MiB value needs a LONGBLOB column of its own.
    $m->query('CREATE TABLE large_value (id INT PRIMARY KEY, v LONGBLOB)');
    $value = '';
    for ($k = 0; $k < 251; $k++) {
        $value .= chr($k);
    }
    $value = substr(str_repeat($value, intdiv(4 * 1024 * 1024, 251) + 1), 0, 4 * 1024 * 1024);
    $st = $m->prepare('INSERT INTO large_value VALUES (1, ?)');
    $null = null;
    $st->bind_param('b', $null);
    // In 1 MiB pieces of COM_STMT_SEND_LONG_DATA, each below max_allowed_packet.
    foreach (str_split($value, 1024 * 1024) as $piece) {
        $st->send_long_data(0, $piece);
    }
    $st->execute();
    $st->close();
    $st = $m->prepare('SELECT v FROM large_value WHERE id = 1');
    $st->execute();
    $got = $st->get_result()->fetch_row()[0];
    $st->close();
    return ['length' => strlen($got), 'sha1' => sha1($got)];
});

$count = fn() => select($m, 'SELECT COUNT(*) FROM types');

step('transaction_rollback', function () use ($m, $count) {
    $before = $count();
    $m->begin_transaction();
    $m->query('INSERT INTO types (i) VALUES (100)');
    $inside = $count();
    $m->rollback();
    return ['before' => $before, 'inside' => $inside, 'after' => $count()];
});

step('transaction_commit', function () use ($m, $host) {
    $m->begin_transaction();
    $m->query('INSERT INTO types (i) VALUES (101)');
    $m->commit();
    $other = connect($host);
    $rows = select($other, 'SELECT COUNT(*) FROM types');
    $other->close();
    return $rows;
});

step('error_duplicate_key', fn() => $m->query('INSERT INTO types (id) VALUES (1)'));
step('error_syntax', fn() => $m->query('SELEC 1'));
step('error_no_table', fn() => $m->query('SELECT * FROM missing_table'));

// mysqli::multi_query turns multi-statements on for the call (COM_SET_OPTION).
step('multi_statements', fn() => multiResults($m, 'SELECT 1; SELECT 2'));

step('stored_procedure', function () use ($m) {
    $m->query('CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END');
    return ['call' => multiResults($m, 'CALL p(5, @y)'), 'y' => select($m, 'SELECT @y')];
});

// --- mysqli's own steps ---

// The prepared_types row read with the text protocol, next to get_result()'s binary rows.
step('text_protocol_types', fn() => select($m, 'SELECT * FROM types WHERE id = ' . (int) $preparedId));

// A persistent link ("p:" host) opened, released and taken again twice: on each reuse mysqli
// resets the session with COM_CHANGE_USER, so the user variable set before is gone.
step('persistent_connection', function () use ($host) {
    $out = [];
    $first = connect('p:' . $host);
    $thread = $first->thread_id;
    $first->query('SET @v = 42');
    $out[] = ['reused' => false, 'rows' => select($first, 'SELECT @v, DATABASE()')];
    $first->close(); // back to the persistent pool, not closed on the wire
    for ($k = 0; $k < 2; $k++) {
        $again = connect('p:' . $host);
        // Compared, never printed: thread ids differ between runs.
        $out[] = ['reused' => $again->thread_id === $thread, 'rows' => select($again, 'SELECT @v, DATABASE()')];
        $again->query('SET @v = 43');
        $again->close();
    }
    return $out;
});

try {
    $m->close();
} catch (Throwable $e) {
    // never connected
}
