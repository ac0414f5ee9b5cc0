// Common compatibility scenario (compat/README.md) for Go's database/sql with
// github.com/go-sql-driver/mysql, plus its own step: the typed row again with
// interpolateParams=true (parameters escaped into COM_QUERY instead of server prepares).
// Prints one JSON object per line on stdout; diagnostics go to stderr.
package main

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Set at build time (run.sh) from the Debian package's version.
var driverVersion = "unknown"

var ctx = context.Background()

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

var (
	host     = env("FLUXDB_HOST", "127.0.0.1")
	port     = env("FLUXDB_PORT", "3306")
	user     = env("FLUXDB_USER", "root")
	password = os.Getenv("FLUXDB_PASSWORD")
	database = env("FLUXDB_DATABASE", "compat")
	tls      = os.Getenv("FLUXDB_TLS") == "1"
)

// dsn builds a data source name; interpolateParams=false means parameters travel through
// server-side prepared statements.
func dsn(pass, extra string) string {
	return fmt.Sprintf("%s:%s@tcp(%s:%s)/%s?charset=utf8mb4&interpolateParams=false%s",
		user, pass, host, port, database, extra)
}

func emit(line map[string]interface{}) {
	b, err := json.Marshal(line)
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(append(b, '\n'))
}

type unsupported string

// stepLine keeps "step" first on the line, as the contract's examples show (maps would be
// marshalled with sorted keys).
func stepLine(name, key string, value interface{}) {
	b, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	n, _ := json.Marshal(name)
	fmt.Fprintf(os.Stdout, "{\"step\":%s,\"%s\":%s}\n", n, key, b)
}

func step(name string, fn func() (interface{}, error)) {
	result, err := fn()
	if err != nil {
		stepLine(name, "error", errorOf(err))
	} else if u, ok := result.(unsupported); ok {
		stepLine(name, "unsupported", string(u))
	} else {
		stepLine(name, "result", result)
	}
}

// The driver's MySQLError carries the code and the message; this driver version does not
// expose the SQLSTATE.
func errorOf(err error) map[string]interface{} {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return map[string]interface{}{"code": me.Number, "sqlstate": nil, "message": me.Message}
	}
	fmt.Fprintf(os.Stderr, "non-server error: %v\n", err)
	return map[string]interface{}{"code": nil, "sqlstate": nil, "message": err.Error()}
}

// Column types whose values are bytes rather than text (shown as lowercase hex).
var byteTypes = map[string]bool{"BLOB": true, "TINYBLOB": true, "MEDIUMBLOB": true, "LONGBLOB": true,
	"BINARY": true, "VARBINARY": true, "BIT": true}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error)
}

// readRows converts the current result set: Go's plain string conversion (fmt.Sprint) of each
// value the driver returned, text columns' []byte as strings, NULL as nil.
func readRows(rows *sql.Rows) ([][]interface{}, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := [][]interface{}{}
	for rows.Next() {
		values := make([]interface{}, len(types))
		ptrs := make([]interface{}, len(types))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		line := make([]interface{}, len(types))
		for i, v := range values {
			switch x := v.(type) {
			case nil:
				line[i] = nil
			case []byte:
				if byteTypes[types[i].DatabaseTypeName()] {
					line[i] = hex.EncodeToString(x)
				} else {
					line[i] = string(x)
				}
			default:
				line[i] = fmt.Sprint(x)
			}
		}
		out = append(out, line)
	}
	return out, rows.Err()
}

func query(q querier, sqlText string, args ...interface{}) ([][]interface{}, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return readRows(rows)
}

// allResults reads every result set of one call.
func allResults(q querier, sqlText string) (interface{}, error) {
	rows, err := q.QueryContext(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sets := []interface{}{}
	for {
		set, err := readRows(rows)
		if err != nil {
			return nil, err
		}
		sets = append(sets, set)
		if !rows.NextResultSet() {
			break
		}
	}
	return sets, rows.Err()
}

// open returns one pinned connection: the scenario's session state (LAST_INSERT_ID, user
// variables, transactions) lives on it, which database/sql's pool would not guarantee.
func open(source string) (*sql.DB, *sql.Conn, error) {
	db, err := sql.Open("mysql", source)
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// withConn runs fn on a fresh connection opened from source, then closes it.
func withConn(source string, fn func(*sql.Conn) (interface{}, error)) (interface{}, error) {
	db, conn, err := open(source)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	defer conn.Close()
	return fn(conn)
}

const insertTypes = "INSERT INTO types (i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n) " +
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// The typed row, with Go's own types where it has one: the driver encodes int64, uint64,
// float32/64, time.Time and []byte natively.
func typedArgs() []interface{} {
	return []interface{}{
		int64(-2147483648),
		int64(math.MinInt64),
		uint64(math.MaxUint64),
		float32(1.5),
		float64(-2.25e100),
		"12345678901234.123456",
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC),
		"-838:59:59",
		"héllo wörld ✓",
		[]byte{0x00, 0xff, 0x10},
		`{"a": [1, 2]}`,
		int64(1),
		nil,
	}
}

func preparedTypes(conn *sql.Conn) (interface{}, error) {
	res, err := conn.ExecContext(ctx, insertTypes, typedArgs()...)
	if err != nil {
		return nil, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	rows, err := query(conn, "SELECT * FROM types WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"insert_id": id, "rows": rows}, nil
}

func main() {
	emit(map[string]interface{}{"client": "go-sql-driver/mysql", "version": driverVersion})

	// Without a connection every later step still runs (and reports its own failure) so the
	// transcript always lists every step.
	db, conn, connectErr := open(dsn(password, ""))
	if db != nil {
		defer db.Close()
	}
	need := func() (*sql.Conn, error) { return conn, connectErr }

	step("connect", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		return query(c, "SELECT 1")
	})

	step("tls", func() (interface{}, error) {
		if !tls {
			return unsupported("the server does not offer TLS"), nil
		}
		// The operator's certificate is self-signed: TLS without verification.
		return withConn(dsn(password, "&tls=skip-verify"), func(c *sql.Conn) (interface{}, error) {
			return query(c, "SELECT 1")
		})
	})

	step("wrong_password", func() (interface{}, error) {
		return withConn(dsn(password+"-wrong", ""), func(c *sql.Conn) (interface{}, error) {
			return "connected", nil
		})
	})

	step("ddl", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		// `dec` is a reserved word in MariaDB: quoted. The table takes the database's character
		// set (utf8mb4, as the suite creates it) for the 4-byte characters of the unicode steps.
		res, err := c.ExecContext(ctx, "CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, "+
			"big BIGINT, ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, "+
			"ts DATETIME(6), tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL)")
		if err != nil {
			return nil, err
		}
		n, err := res.RowsAffected()
		return map[string]interface{}{"affected_rows": n}, err
	})

	step("auto_increment", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		ids := []int64{}
		for _, v := range []int{1, 2} {
			res, err := c.ExecContext(ctx, fmt.Sprintf("INSERT INTO types (i) VALUES (%d)", v))
			if err != nil {
				return nil, err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		last, err := query(c, "SELECT LAST_INSERT_ID()")
		return map[string]interface{}{"insert_ids": ids, "last_insert_id": last}, err
	})

	step("prepared_types", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		return preparedTypes(c)
	})

	step("nulls", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		return query(c, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types")
	})

	step("unicode", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		res, err := c.ExecContext(ctx, "INSERT INTO types (s) VALUES (?)", "😀 𝄞 中文 ☃")
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		return query(c, "SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?", id)
	})

	step("large_value", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		// BLOB holds 64 KiB only: the 4 MiB value needs a LONGBLOB column of its own. A
		// parameter this large goes out as COM_STMT_SEND_LONG_DATA.
		if _, err := c.ExecContext(ctx, "CREATE TABLE large_value (id INT PRIMARY KEY, v LONGBLOB)"); err != nil {
			return nil, err
		}
		value := make([]byte, 4*1024*1024)
		for i := range value {
			value[i] = byte(i % 251)
		}
		if _, err := c.ExecContext(ctx, "INSERT INTO large_value VALUES (?, ?)", 1, value); err != nil {
			return nil, err
		}
		var got []byte
		if err := c.QueryRowContext(ctx, "SELECT v FROM large_value WHERE id = ?", 1).Scan(&got); err != nil {
			return nil, err
		}
		sum := sha1.Sum(got)
		return map[string]interface{}{"length": len(got), "sha1": hex.EncodeToString(sum[:])}, nil
	})

	count := func(q querier) ([][]interface{}, error) { return query(q, "SELECT COUNT(*) FROM types") }

	step("transaction_rollback", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		before, err := count(c)
		if err != nil {
			return nil, err
		}
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "INSERT INTO types (i) VALUES (100)"); err != nil {
			return nil, err
		}
		inside, err := count(tx)
		if err != nil {
			return nil, err
		}
		if err := tx.Rollback(); err != nil {
			return nil, err
		}
		after, err := count(c)
		return map[string]interface{}{"before": before, "inside": inside, "after": after}, err
	})

	step("transaction_commit", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "INSERT INTO types (i) VALUES (101)"); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		return withConn(dsn(password, ""), func(other *sql.Conn) (interface{}, error) { return count(other) })
	})

	failing := func(sqlText string) func() (interface{}, error) {
		return func() (interface{}, error) {
			c, err := need()
			if err != nil {
				return nil, err
			}
			_, err = c.ExecContext(ctx, sqlText)
			return "succeeded", err
		}
	}
	step("error_duplicate_key", failing("INSERT INTO types (id) VALUES (1)"))
	step("error_syntax", failing("SELEC 1"))
	step("error_no_table", failing("SELECT * FROM missing_table"))

	step("multi_statements", func() (interface{}, error) {
		return withConn(dsn(password, "&multiStatements=true"), func(c *sql.Conn) (interface{}, error) {
			return allResults(c, "SELECT 1; SELECT 2")
		})
	})

	step("stored_procedure", func() (interface{}, error) {
		c, err := need()
		if err != nil {
			return nil, err
		}
		if _, err := c.ExecContext(ctx, "CREATE PROCEDURE p(IN x INT, OUT y INT) "+
			"BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END"); err != nil {
			return nil, err
		}
		// database/sql lists the result sets with rows; the final status OK is not one.
		call, err := allResults(c, "CALL p(5, @y)")
		if err != nil {
			return nil, err
		}
		y, err := query(c, "SELECT @y")
		return map[string]interface{}{"call": call, "y": y}, err
	})

	// --- the driver's own step ---

	// The same typed row with interpolateParams=true: the driver escapes the parameters into
	// the SQL text (COM_QUERY), no server-side prepare.
	step("prepared_types_interpolated", func() (interface{}, error) {
		source := strings.Replace(dsn(password, ""), "interpolateParams=false", "interpolateParams=true", 1)
		return withConn(source, preparedTypes)
	})

	if conn != nil {
		conn.Close()
	}
}
