'use strict';
// Common compatibility scenario (compat/README.md) for the old `mysql` driver, plus its own
// steps: COM_CHANGE_USER, a pool, and the authentication plugins it lacks.
// The driver has no server-side prepared statements: every "prepared" step binds its
// parameters by escaping them into the SQL text on the client (COM_QUERY), and says so.
// Prints one JSON object per line on stdout; diagnostics go to stderr.

const crypto = require('crypto');
const mysql = require('mysql');

const env = process.env;
const base = {
  host: env.FLUXDB_HOST || '127.0.0.1',
  port: Number(env.FLUXDB_PORT || 3306),
  user: env.FLUXDB_USER || 'root',
  password: env.FLUXDB_PASSWORD || '',
  database: env.FLUXDB_DATABASE || 'compat',
  charset: 'UTF8MB4_GENERAL_CI',
  // Deterministic decoding: dates as the server's strings (a JS Date drops microseconds and
  // depends on the time zone), big integers as exact strings instead of lossy numbers.
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  timezone: 'Z',
};

const BINDING = 'client-side escaping into COM_QUERY (the driver has no server-side prepares)';

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// The language's plain string conversion, with the contract's exceptions:
// bytes as lowercase hex, NULL as null.
function cell(v) {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Rows come back as objects: put them back in column order using the field list.
function rows(rs, fields) {
  return rs.map((r) => fields.map((f) => cell(r[f.name])));
}

function connect(options) {
  return new Promise((resolve, reject) => {
    const c = mysql.createConnection(options);
    c.connect((err) => (err ? reject(err) : resolve(c)));
  });
}

function query(conn, sql, params) {
  return new Promise((resolve, reject) => {
    conn.query(sql, params, (err, res, fields) => (err ? reject(err) : resolve([res, fields])));
  });
}

async function select(conn, sql, params) {
  const [rs, fields] = await query(conn, sql, params);
  return rows(rs, fields);
}

function end(conn) {
  return new Promise((resolve) => conn.end(() => resolve()));
}

function errorOf(e) {
  if (e && e.errno !== undefined && e.sqlState !== undefined) {
    return { code: e.errno, sqlstate: e.sqlState, message: e.sqlMessage };
  }
  // Not a server error (network, driver): still reported, but without a code.
  return { code: null, sqlstate: null, message: String(e && e.message) };
}

async function step(name, fn) {
  try {
    const result = await fn();
    if (result && result.unsupported !== undefined) {
      emit({ step: name, unsupported: result.unsupported });
    } else {
      emit({ step: name, result });
    }
  } catch (e) {
    if (!(e && e.sqlState)) console.error(`${name}: ${e && e.stack}`);
    emit({ step: name, error: errorOf(e) });
  }
}

// One entry per result of a multi-result call: rows, or the OK packet's affected rows.
function results(sets, fieldSets) {
  return sets.map((s, i) =>
    Array.isArray(s) ? rows(s, fieldSets[i]) : { affected_rows: s.affectedRows }
  );
}

async function main() {
  emit({ client: 'mysql', version: require('mysql/package.json').version });

  // Without a connection every later step still runs (and reports its own failure) so the
  // transcript always lists every step.
  let conn;
  let connectFailure = null;
  try {
    conn = await connect(base);
  } catch (e) {
    connectFailure = e;
    const fail = (...args) => args[args.length - 1](e);
    conn = { query: fail, beginTransaction: fail, commit: fail, rollback: fail, end: (cb) => cb() };
  }
  await step('connect', () => {
    if (connectFailure) throw connectFailure;
    return select(conn, 'SELECT 1');
  });

  await step('tls', async () => {
    if (env.FLUXDB_TLS !== '1') return { unsupported: 'the server does not offer TLS' };
    // The operator's certificate is self-signed: encrypt without verifying it.
    const c = await connect({ ...base, ssl: { rejectUnauthorized: false } });
    try {
      const encrypted = Boolean(c._socket && c._socket.encrypted);
      return { encrypted, rows: await select(c, 'SELECT 1') };
    } finally {
      await end(c);
    }
  });

  await step('wrong_password', async () => {
    const c = await connect({ ...base, password: base.password + '-wrong' });
    await end(c);
    return 'connected';
  });

  await step('ddl', async () => {
    // `dec` is a reserved word in MariaDB: quoted. The table takes the database's character
    // set (utf8mb4, as the suite creates it) for the 4-byte characters of the unicode steps.
    const [ok] = await query(
      conn,
      'CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, ' +
        'ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ' +
        'ts DATETIME(6), tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL)'
    );
    return { affected_rows: ok.affectedRows };
  });

  await step('auto_increment', async () => {
    const [a] = await query(conn, 'INSERT INTO types (i) VALUES (1)');
    const [b] = await query(conn, 'INSERT INTO types (i) VALUES (2)');
    return {
      insert_ids: [a.insertId, b.insertId],
      last_insert_id: await select(conn, 'SELECT LAST_INSERT_ID()'),
    };
  });

  // The 64-bit values as strings: a JS number cannot hold them exactly, and the escaper
  // does not take BigInt.
  const params = [
    -2147483648,
    '-9223372036854775808',
    '18446744073709551615',
    1.5,
    -2.25e100,
    '12345678901234.123456',
    '2024-02-29',
    '2024-02-29 23:59:59.123456',
    '-838:59:59',
    'héllo wörld ✓',
    Buffer.from('00ff10', 'hex'),
    '{"a": [1, 2]}',
    1,
    null,
  ];
  let preparedId = null;
  await step('prepared_types', async () => {
    const [ok] = await query(
      conn,
      'INSERT INTO types (i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      params
    );
    preparedId = ok.insertId;
    return {
      binding: BINDING,
      insert_id: ok.insertId,
      rows: await select(conn, 'SELECT * FROM types WHERE id = ?', [preparedId]),
    };
  });

  await step('nulls', () => select(conn, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types"));

  await step('unicode', async () => {
    const [ok] = await query(conn, 'INSERT INTO types (s) VALUES (?)', ['😀 𝄞 中文 ☃']);
    return select(conn, 'SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?', [
      ok.insertId,
    ]);
  });

  await step('large_value', async () => {
    // BLOB holds 64 KiB only: the 4 MiB value needs a LONGBLOB column of its own. Escaped
    // as X'...', the statement is 8 MiB of text.
    await query(conn, 'CREATE TABLE large_value (id INT PRIMARY KEY, v LONGBLOB)');
    const value = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = i % 251;
    await query(conn, 'INSERT INTO large_value VALUES (?, ?)', [1, value]);
    const [rs] = await query(conn, 'SELECT v FROM large_value WHERE id = ?', [1]);
    const got = rs[0].v;
    return {
      binding: BINDING,
      length: got.length,
      sha1: crypto.createHash('sha1').update(got).digest('hex'),
    };
  });

  const count = () => select(conn, 'SELECT COUNT(*) FROM types');

  await step('transaction_rollback', async () => {
    const before = await count();
    await new Promise((res, rej) => conn.beginTransaction((e) => (e ? rej(e) : res())));
    await query(conn, 'INSERT INTO types (i) VALUES (100)');
    const inside = await count();
    await new Promise((res, rej) => conn.rollback((e) => (e ? rej(e) : res())));
    return { before, inside, after: await count() };
  });

  await step('transaction_commit', async () => {
    await new Promise((res, rej) => conn.beginTransaction((e) => (e ? rej(e) : res())));
    await query(conn, 'INSERT INTO types (i) VALUES (101)');
    await new Promise((res, rej) => conn.commit((e) => (e ? rej(e) : res())));
    const other = await connect(base);
    try {
      return await select(other, 'SELECT COUNT(*) FROM types');
    } finally {
      await end(other);
    }
  });

  await step('error_duplicate_key', () => query(conn, 'INSERT INTO types (id) VALUES (1)'));
  await step('error_syntax', () => query(conn, 'SELEC 1'));
  await step('error_no_table', () => query(conn, 'SELECT * FROM missing_table'));

  await step('multi_statements', async () => {
    const c = await connect({ ...base, multipleStatements: true });
    try {
      const [sets, fieldSets] = await query(c, 'SELECT 1; SELECT 2');
      return results(sets, fieldSets);
    } finally {
      await end(c);
    }
  });

  await step('stored_procedure', async () => {
    await query(
      conn,
      'CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END'
    );
    const [sets, fieldSets] = await query(conn, 'CALL p(5, @y)');
    return { call: results(sets, fieldSets), y: await select(conn, 'SELECT @y') };
  });

  // --- the driver's own steps ---

  // COM_CHANGE_USER: session state is dropped, the new default database applies.
  await step('change_user', async () => {
    const c = await connect(base);
    try {
      await query(c, 'SET @v = 42');
      await new Promise((res, rej) =>
        c.changeUser({ database: 'mysql' }, (e) => (e ? rej(e) : res()))
      );
      return select(c, 'SELECT DATABASE(), @v');
    } finally {
      await end(c);
    }
  });

  // 20 queries in parallel over a pool of 4 connections; results in submission order.
  await step('pool', async () => {
    const pool = mysql.createPool({ ...base, connectionLimit: 4 });
    try {
      const got = await Promise.all(
        [...Array(20).keys()].map((i) => select(pool, 'SELECT ? * 2 AS n, SLEEP(0.05)', [i]))
      );
      return got.map((rs) => rs[0][0]);
    } finally {
      await new Promise((resolve) => pool.end(() => resolve()));
    }
  });

  // Not run: the driver implements mysql_native_password (and the pre-4.1 scheme) only.
  await step('caching_sha2_password', () => ({
    unsupported: 'the driver implements mysql_native_password only',
  }));

  await end(conn);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
