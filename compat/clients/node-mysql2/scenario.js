'use strict';
// Common compatibility scenario (compat/README.md) for the mysql2 driver, plus its own
// steps: the text protocol next to execute(), a reused prepared statement, COM_CHANGE_USER,
// COM_RESET_CONNECTION, a pool with query() and a pool with execute().
// Prints one JSON object per line on stdout; diagnostics go to stderr.

const crypto = require('crypto');
const tls = require('tls');
const mysql = require('mysql2/promise');
const T = require('mysql2').TypedParameter;

const env = process.env;
const base = {
  host: env.FLUXDB_HOST || '127.0.0.1',
  port: Number(env.FLUXDB_PORT || 3306),
  user: env.FLUXDB_USER || 'root',
  password: env.FLUXDB_PASSWORD || '',
  database: env.FLUXDB_DATABASE || 'compat',
  charset: 'utf8mb4_general_ci',
  // Deterministic decoding: dates as the server's strings (a JS Date drops microseconds and
  // depends on the time zone), big integers as exact strings instead of lossy numbers.
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  timezone: 'Z',
};

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

function rows(rs) {
  return rs.map((r) => r.map(cell));
}

// Rows as arrays, in column order (duplicate column names would collapse in objects).
async function select(conn, sql, params) {
  const [rs] = await conn.query({ sql, rowsAsArray: true }, params);
  return rows(rs);
}

async function execSelect(conn, sql, params) {
  const [rs] = await conn.execute({ sql, rowsAsArray: true }, params);
  return rows(rs);
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

// Turns what a multi-result call returned into one entry per result: rows or the OK packet.
function results(sets) {
  return sets.map((s) => (Array.isArray(s) ? rows(s) : { affected_rows: s.affectedRows }));
}

async function main() {
  emit({ client: 'mysql2', version: require('mysql2/package.json').version });

  // Without a connection every later step still runs (and reports its own failure) so the
  // transcript always lists every step.
  let conn;
  let connectFailure = null;
  try {
    conn = await mysql.createConnection(base);
  } catch (e) {
    connectFailure = e;
    const fail = () => Promise.reject(e);
    conn = {
      query: fail, execute: fail, prepare: fail, beginTransaction: fail, commit: fail,
      rollback: fail, end: () => Promise.resolve(),
    };
  }
  await step('connect', () => {
    if (connectFailure) throw connectFailure;
    return select(conn, 'SELECT 1');
  });

  await step('tls', async () => {
    if (env.FLUXDB_TLS !== '1') return { unsupported: 'the server does not offer TLS' };
    // The operator's certificate is self-signed: encrypt without verifying it.
    const c = await mysql.createConnection({ ...base, ssl: { rejectUnauthorized: false } });
    try {
      const encrypted = c.connection.stream instanceof tls.TLSSocket;
      return { encrypted, rows: await select(c, 'SELECT 1') };
    } finally {
      await c.end();
    }
  });

  await step('wrong_password', async () => {
    const c = await mysql.createConnection({ ...base, password: base.password + '-wrong' });
    await c.end();
    return 'connected';
  });

  await step('ddl', async () => {
    // `dec` is a reserved word in MariaDB: quoted. The table takes the database's character
    // set (utf8mb4, as the suite creates it) for the 4-byte characters of the unicode steps.
    const [ok] = await conn.query(
      'CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, ' +
        'ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ' +
        'ts DATETIME(6), tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL)'
    );
    return { affected_rows: ok.affectedRows };
  });

  await step('auto_increment', async () => {
    const [a] = await conn.query('INSERT INTO types (i) VALUES (1)');
    const [b] = await conn.query('INSERT INTO types (i) VALUES (2)');
    return {
      insert_ids: [a.insertId, b.insertId],
      last_insert_id: await select(conn, 'SELECT LAST_INSERT_ID()'),
    };
  });

  // Every column bound with the wire type matching it (mysql2's typed parameters); DATETIME
  // as a string because a JS Date cannot carry microseconds.
  const typedParams = [
    T.LONG(-2147483648),
    T.LONGLONG(-9223372036854775808n),
    T.LONGLONG.unsigned(18446744073709551615n),
    T.FLOAT(1.5),
    T.DOUBLE(-2.25e100),
    T.NEWDECIMAL('12345678901234.123456'),
    T.DATE(new Date(Date.UTC(2024, 1, 29))),
    '2024-02-29 23:59:59.123456',
    T.TIME('-838:59:59'),
    'héllo wörld ✓',
    Buffer.from('00ff10', 'hex'),
    '{"a": [1, 2]}',
    T.TINY(1),
    null,
  ];
  const insertAll =
    'INSERT INTO types (i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  let preparedId = null;
  await step('prepared_types', async () => {
    const [ok] = await conn.execute(insertAll, typedParams);
    preparedId = ok.insertId;
    return {
      insert_id: ok.insertId,
      rows: await execSelect(conn, 'SELECT * FROM types WHERE id = ?', [preparedId]),
    };
  });

  await step('nulls', () => select(conn, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types"));

  await step('unicode', async () => {
    const [ok] = await conn.query('INSERT INTO types (s) VALUES (?)', ['😀 𝄞 中文 ☃']);
    return select(conn, 'SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?', [
      ok.insertId,
    ]);
  });

  await step('large_value', async () => {
    // BLOB holds 64 KiB only: the 4 MiB value needs a LONGBLOB column of its own.
    await conn.query('CREATE TABLE large_value (id INT PRIMARY KEY, v LONGBLOB)');
    const value = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = i % 251;
    await conn.execute('INSERT INTO large_value VALUES (?, ?)', [1, value]);
    const [rs] = await conn.execute('SELECT v FROM large_value WHERE id = ?', [1]);
    const got = rs[0].v;
    return { length: got.length, sha1: crypto.createHash('sha1').update(got).digest('hex') };
  });

  const count = () => select(conn, 'SELECT COUNT(*) FROM types');

  await step('transaction_rollback', async () => {
    const before = await count();
    await conn.beginTransaction();
    await conn.query('INSERT INTO types (i) VALUES (100)');
    const inside = await count();
    await conn.rollback();
    return { before, inside, after: await count() };
  });

  await step('transaction_commit', async () => {
    await conn.beginTransaction();
    await conn.query('INSERT INTO types (i) VALUES (101)');
    await conn.commit();
    const other = await mysql.createConnection(base);
    try {
      return await select(other, 'SELECT COUNT(*) FROM types');
    } finally {
      await other.end();
    }
  });

  await step('error_duplicate_key', () => conn.query('INSERT INTO types (id) VALUES (1)'));
  await step('error_syntax', () => conn.query('SELEC 1'));
  await step('error_no_table', () => conn.query('SELECT * FROM missing_table'));

  await step('multi_statements', async () => {
    const c = await mysql.createConnection({ ...base, multipleStatements: true });
    try {
      const [sets] = await c.query({ sql: 'SELECT 1; SELECT 2', rowsAsArray: true });
      return results(sets);
    } finally {
      await c.end();
    }
  });

  await step('stored_procedure', async () => {
    await conn.query(
      'CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END'
    );
    const [sets] = await conn.query({ sql: 'CALL p(5, @y)', rowsAsArray: true });
    return { call: results(sets), y: await select(conn, 'SELECT @y') };
  });

  // --- mysql2's own steps ---

  // The prepared_types row decoded from the text protocol, next to execute()'s binary rows.
  await step('text_protocol_types', () =>
    select(conn, 'SELECT * FROM types WHERE id = ?', [preparedId])
  );

  // One server-side statement executed twice, then closed (COM_STMT_CLOSE).
  await step('prepared_reuse', async () => {
    const stmt = await conn.prepare('SELECT ? + 1, ?');
    try {
      const [a] = await stmt.execute([1, 'a']);
      const [b] = await stmt.execute([41, 'b']);
      return [a, b].map((rs) => rs.map((r) => Object.values(r).map(cell)));
    } finally {
      await stmt.close();
    }
  });

  // COM_CHANGE_USER: session state is dropped, the new default database applies.
  await step('change_user', async () => {
    const c = await mysql.createConnection(base);
    try {
      await c.query('SET @v = 42');
      await c.changeUser({ user: base.user, password: base.password, database: 'mysql' });
      return select(c, 'SELECT DATABASE(), @v');
    } finally {
      await c.end();
    }
  });

  // COM_RESET_CONNECTION: user variables and temporary tables are gone afterwards.
  await step('reset_connection', async () => {
    const c = await mysql.createConnection(base);
    try {
      await c.query('SET @v = 42');
      await c.query('CREATE TEMPORARY TABLE tmp (x INT)');
      await c.reset();
      const v = await select(c, 'SELECT @v, DATABASE()');
      const tmp = await c.query('SELECT * FROM tmp').then(
        () => 'still there',
        (e) => ({ error: errorOf(e) })
      );
      return { after_reset: v, temporary_table: tmp };
    } finally {
      await c.end();
    }
  });

  // 20 queries in parallel over a pool of 4 connections; results in submission order.
  await step('pool', async () => {
    const pool = mysql.createPool({ ...base, connectionLimit: 4 });
    try {
      const n = [...Array(20).keys()];
      const got = await Promise.all(
        n.map((i) => pool.query({ sql: 'SELECT ? * 2, SLEEP(0.05)', rowsAsArray: true }, [i]))
      );
      return got.map(([rs]) => rows(rs)[0][0]);
    } finally {
      await pool.end();
    }
  });

  // The pool with execute() (server-side prepared statements): 15 in parallel over 3
  // connections, then one connection released and taken again: the same session (its user
  // variable is still set: the pool does not reset it) whose cached statement is reused without a
  // new COM_STMT_PREPARE. After end() the pool refuses work.
  await step('pool_execute', async () => {
    const pool = mysql.createPool({ ...base, connectionLimit: 3 });
    let ended = false;
    try {
      const got = await Promise.all(
        [...Array(15).keys()].map((i) => pool.execute({ sql: 'SELECT ? * 3', rowsAsArray: true }, [i]))
      );
      const parallel = got.map(([rs]) => rows(rs)[0][0]);
      const single = mysql.createPool({ ...base, connectionLimit: 1 });
      let reuse;
      try {
        const first = await single.getConnection();
        const thread = first.threadId;
        await first.query("SET @pooled = 'kept'");
        const a = await execSelect(first, 'SELECT ? + 100', [1]);
        first.release();
        const again = await single.getConnection();
        const prepares = async () => (await select(again, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"))[0][1];
        const before = await prepares();
        const b = await execSelect(again, 'SELECT ? + 100', [2]);
        const after = await prepares();
        reuse = {
          // Compared, never printed: thread ids differ between runs.
          same_session: again.threadId === thread,
          variable: await select(again, 'SELECT @pooled'),
          results: [a, b],
          prepares_on_reuse: Number(after) - Number(before),
        };
        again.release();
      } finally {
        await single.end();
      }
      await pool.end();
      ended = true;
      const afterEnd = await pool.execute('SELECT 1').then(
        () => 'still open',
        (e) => ({ error: errorOf(e) })
      );
      return { parallel, reuse, after_end: afterEnd };
    } finally {
      if (!ended) await pool.end();
    }
  });

  await conn.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
