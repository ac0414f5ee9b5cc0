# The common client scenario (compat/README.md) with the mysql2 gem.
# Prints one JSON object per line on stdout; diagnostics go to stderr.
require 'mysql2'
require 'bigdecimal'
require 'date'
require 'digest'
require 'json'

HOST = ENV.fetch('FLUXDB_HOST', '127.0.0.1')
PORT = Integer(ENV.fetch('FLUXDB_PORT', '3306'))
USER = ENV.fetch('FLUXDB_USER', 'root')
PASSWORD = ENV.fetch('FLUXDB_PASSWORD', '')
DATABASE = ENV.fetch('FLUXDB_DATABASE', 'compat')
TLS = ENV.fetch('FLUXDB_TLS', '0') == '1'

$stdout.sync = true

# A step whose driver cannot do what it asks.
class Unsupported < StandardError; end

def emit(pairs)
  # Hash order is insertion order: "step" comes first, as in the README.
  puts JSON.generate(pairs)
end

def connect(**options)
  Mysql2::Client.new(host: HOST, port: PORT, username: USER, password: PASSWORD, database: DATABASE,
                     encoding: 'utf8mb4', **options)
end

# The driver's value as a string: bytes (BINARY-encoded strings) as hex, times with their
# microseconds (Time#to_s drops them), decimals in plain notation.
def text(value)
  case value
  when nil then nil
  when String then value.encoding == Encoding::BINARY ? value.unpack1('H*') : value
  when Time then value.strftime('%Y-%m-%d %H:%M:%S.%6N')
  when BigDecimal then value.to_s('F')
  else value.to_s
  end
end

def rows(result)
  result.to_a.map { |row| row.map { |v| text(v) } }
end

# Uncast rows: mysql2 tags every column with the binary charset (numbers, dates) as bytes, so
# only the columns that really hold bytes are printed as hex.
def uncast_rows(result)
  binary = result.fields.map { |name| %w[b bit1].include?(name) }
  result.to_a.map do |row|
    row.each_with_index.map { |v, i| v.nil? || binary[i] ? text(v) : v.dup.force_encoding(Encoding::UTF_8) }
  end
end

def error_of(e)
  case e
  when Mysql2::Error
    { code: e.error_number, sqlstate: e.sql_state, message: e.message }
  else
    # A failure inside the driver that is no server error (e.g. a value it cannot decode).
    { code: nil, sqlstate: nil, message: "#{e.class}: #{e.message}" }
  end
end

# Runs one step: its result, or the error raised (expected or not, so that an unexpected
# failure is compared like any other outcome instead of stopping the scenario).
def step(name)
  result = yield
  emit(step: name, result: result)
rescue Unsupported => e
  emit(step: name, unsupported: e.message)
rescue StandardError => e
  warn "#{name}: #{e.class}: #{e.message}"
  emit(step: name, error: error_of(e))
end

def count_types(client)
  client.query('SELECT COUNT(*) FROM types', as: :array).first.first
end

# Every result set of the last query: multi statements and CALL.
def all_result_sets(client, first)
  sets = [rows(first)]
  while client.next_result
    result = client.store_result
    sets << rows(result) if result # the CALL's final status has no result set
  end
  sets
end

COLUMNS = 'i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n'.freeze
# mysql2 decodes a binary-protocol TIME into a Ruby Time and raises ArgumentError for one
# outside 00:00:00..23:59:59 (like -838:59:59), so that column is read back as text.
READ_BACK = 'id, i, big, ubig, f, d, `dec`, dt, ts, CAST(tm AS CHAR) AS tm, s, b, j, bit1, n'.freeze

TYPED_VALUES = [
  -2_147_483_648, -9_223_372_036_854_775_808, 18_446_744_073_709_551_615, 1.5, -2.25e100,
  BigDecimal('12345678901234.123456'), Date.new(2024, 2, 29), Time.new(2024, 2, 29, 23, 59, 59.123456r),
  '-838:59:59', 'héllo wörld ✓', "\x00\xff\x10".b, '{"a": [1, 2]}', 1, nil
].freeze

emit(client: 'mysql2', version: Mysql2::VERSION)

client = nil
step('connect') do
  client = connect
  rows(client.query('SELECT 1', as: :array))
end

step('tls') do
  raise Unsupported, 'the test MariaDB offers no TLS' unless TLS
  # mysql2 ignores ssl_mode with MariaDB Connector/C; any ssl* option turns TLS on, and
  # without sslca nor sslverify the operator's self-signed certificate is accepted. The
  # step reports whether the connection really is encrypted.
  secure = connect(sslcipher: 'DEFAULT', sslverify: false)
  result = { rows: rows(secure.query('SELECT 1', as: :array)), encrypted: !secure.ssl_cipher.nil? }
  secure.close
  result
end

step('wrong_password') do
  Mysql2::Client.new(host: HOST, port: PORT, username: USER, password: "wrong-#{PASSWORD}", database: DATABASE)
  'connected'
end

step('ddl') do
  client.query('CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, ' \
               'ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ts DATETIME(6), ' \
               'tm TIME, s VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL) DEFAULT CHARSET=utf8mb4')
  { affected: client.affected_rows }
end

step('auto_increment') do
  ids = [1, 2].map do |i|
    client.query("INSERT INTO types (i) VALUES (#{i})")
    client.last_id
  end
  { insert_ids: ids, last_insert_id: rows(client.query('SELECT LAST_INSERT_ID()', as: :array)) }
end

step('prepared_types') do
  insert = client.prepare("INSERT INTO types (#{COLUMNS}) VALUES (#{(['?'] * 14).join(', ')})")
  insert.execute(*TYPED_VALUES)
  id = insert.last_id
  select = client.prepare("SELECT #{READ_BACK} FROM types WHERE id = ?")
  { affected: insert.affected_rows, insert_id: id, rows: rows(select.execute(id, as: :array)) }
end

step('nulls') do
  rows(client.query("SELECT NULL, IFNULL(NULL, 'x'), n FROM types ORDER BY id", as: :array))
end

step('unicode') do
  value = '😀 𝄞 中文 ☃'
  client.query("INSERT INTO types (s) VALUES ('#{client.escape(value)}')")
  found = rows(client.query("SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = #{client.last_id}", as: :array))
  { rows: found, round_trip: found.dig(0, 0) == value }
end

step('large_value') do
  # 4 MiB of every byte value, quotes and NULs included. types.b is a BLOB (64 KiB at most):
  # the value needs a LONGBLOB of its own.
  blob = (0...4 * 1024 * 1024).map { |i| i % 256 }.pack('C*')
  client.query('CREATE TABLE large_value (id INT PRIMARY KEY, b LONGBLOB)')
  client.prepare('INSERT INTO large_value (id, b) VALUES (1, ?)').execute(blob)
  back = client.query('SELECT b FROM large_value WHERE id = 1', as: :array).first.first
  { sent_sha1: Digest::SHA1.hexdigest(blob), length: back.bytesize, sha1: Digest::SHA1.hexdigest(back) }
end

step('transaction_rollback') do
  before = count_types(client)
  client.query('BEGIN')
  client.query('INSERT INTO types (i) VALUES (100)')
  inside = count_types(client)
  client.query('ROLLBACK')
  { before: before, inside: inside, after: count_types(client) }
end

step('transaction_commit') do
  before = count_types(client)
  client.query('BEGIN')
  client.query('INSERT INTO types (i) VALUES (200)')
  client.query('COMMIT')
  other = connect
  seen = count_types(other)
  other.close
  { before: before, seen_by_other_connection: seen }
end

step('error_duplicate_key') do
  client.query('INSERT INTO types (id) VALUES (1)')
  'inserted'
end

step('error_syntax') do
  rows(client.query('SELEC 1', as: :array))
end

step('error_no_table') do
  rows(client.query('SELECT * FROM missing_table', as: :array))
end

step('multi_statements') do
  multi = connect(flags: Mysql2::Client::MULTI_STATEMENTS)
  sets = all_result_sets(multi, multi.query('SELECT 1; SELECT 2', as: :array))
  multi.close
  sets
end

step('stored_procedure') do
  client.query('CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END')
  sets = all_result_sets(client, client.query('CALL p(5, @y)', as: :array))
  { result_sets: sets, y: rows(client.query('SELECT @y', as: :array)) }
end

# Extra: the same typed row through the text protocol (values escaped by the driver into the
# statement), read back uncast: the server's own text for every column.
step('text_protocol') do
  literals = TYPED_VALUES.map do |v|
    case v
    when nil then 'NULL'
    when Integer, Float then v.to_s
    when BigDecimal then v.to_s('F')
    when Date then "'#{v.iso8601}'"
    when Time then "'#{v.strftime('%Y-%m-%d %H:%M:%S.%6N')}'"
    when String then v.encoding == Encoding::BINARY ? "x'#{v.unpack1('H*')}'" : "'#{client.escape(v)}'"
    end
  end
  literals[12] = "b'1'" # BIT(1) from a bit literal
  client.query("INSERT INTO types (#{COLUMNS}) VALUES (#{literals.join(', ')})")
  id = client.last_id
  { affected: client.affected_rows, insert_id: id,
    rows: uncast_rows(client.query("SELECT id, #{COLUMNS} FROM types WHERE id = #{id}", as: :array, cast: false)) }
end

client&.close
