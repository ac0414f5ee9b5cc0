#!/usr/bin/perl
# The common client scenario (compat/README.md) with Perl DBI and DBD::MariaDB.
# Prints one JSON object per line on stdout; diagnostics go to stderr.
use strict;
use warnings;
use utf8;
use DBI qw(:sql_types);
use DBD::MariaDB;
use Digest::SHA qw(sha1_hex);
use JSON::PP;

binmode STDOUT, ':raw';

my $HOST     = $ENV{FLUXDB_HOST}     // '127.0.0.1';
my $PORT     = $ENV{FLUXDB_PORT}     // 3306;
my $USER     = $ENV{FLUXDB_USER}     // 'root';
my $PASSWORD = $ENV{FLUXDB_PASSWORD} // '';
my $DATABASE = $ENV{FLUXDB_DATABASE} // 'compat';
my $TLS      = ($ENV{FLUXDB_TLS} // '0') eq '1';

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

# Columns holding bytes: DBD::MariaDB hands back BLOB and TEXT alike (same TYPE), so the
# scenario, which created the table, says which ones to print as hex.
my %BINARY = map { $_ => 1 } qw(b bit1);

# One JSON line with its keys in the given order ("step" first, as in the README).
sub emit {
    my @pairs = @_;
    my @parts;
    while (my ($k, $v) = splice @pairs, 0, 2) {
        push @parts, $JSON->encode($k) . ': ' . $JSON->encode($v);
    }
    print '{' . join(', ', @parts) . "}\n";
}

sub connect_db {
    my (%options) = @_;
    my $dsn = "DBI:MariaDB:database=$DATABASE;host=$HOST;port=$PORT";
    my $password = delete $options{password} // $PASSWORD;
    return DBI->connect($dsn, $USER, $password,
        { RaiseError => 1, PrintError => 0, AutoCommit => 1, %options });
}

# The error DBI last recorded, as the README's "error" object.
sub last_error {
    my ($handle) = @_;
    my ($code, $state, $message) = $handle
        ? ($handle->err, $handle->state, $handle->errstr)
        : ($DBI::err, $DBI::state, $DBI::errstr);
    return {
        code     => defined $code ? 0 + $code : undef,
        sqlstate => defined $state && $state ne '' ? "$state" : undef,
        message  => defined $message ? "$message" : undef,
    };
}

# Runs one step: its result, or the error a statement raised (expected or not, so that an
# unexpected failure is compared like any other outcome instead of stopping the scenario).
my $current;    # the handle whose error a failing step reports
sub step {
    my ($name, $body) = @_;
    $current = undef;
    my $result = eval { $body->() };
    if (my $failure = $@) {
        print STDERR "$name: $failure";
        emit(step => $name, error => last_error($current));
        return;
    }
    if (ref $result eq 'HASH' && exists $result->{unsupported}) {
        emit(step => $name, unsupported => $result->{unsupported});
    } else {
        emit(step => $name, result => $result);
    }
}

sub cell {
    my ($column, $value) = @_;
    return undef unless defined $value;
    return unpack('H*', $value) if $BINARY{lc $column};
    return "$value";
}

# Every row of an executed statement handle, as arrays of strings.
sub rows_of {
    my ($sth) = @_;
    my @names = @{ $sth->{NAME} };
    my @rows;
    while (my $row = $sth->fetchrow_arrayref) {
        push @rows, [map { cell($names[$_], $row->[$_]) } 0 .. $#names];
    }
    return \@rows;
}

# Every result set of an executed statement handle (multi statements, CALL).
sub all_result_sets {
    my ($sth) = @_;
    my @sets;
    do {
        push @sets, rows_of($sth) if $sth->{NUM_OF_FIELDS};
    } while ($sth->more_results);
    return \@sets;
}

sub query {
    my ($dbh, $sql, @params) = @_;
    my $sth = $dbh->prepare($sql);
    $sth->execute(@params);
    return rows_of($sth);
}

sub count_types {
    my ($dbh) = @_;
    return 0 + $dbh->selectrow_array('SELECT COUNT(*) FROM types');
}

my $COLUMNS = 'i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n';

# Inserts the README's row with placeholders bound with explicit types (bytes as a BLOB so
# the driver sends them unchanged, BIT as an integer) and reads it back by id.
sub insert_and_read_typed_row {
    my ($dbh) = @_;
    my $insert = $dbh->prepare("INSERT INTO types ($COLUMNS) VALUES (" . join(', ', ('?') x 14) . ')');
    my @binds = (
        ['-2147483648', SQL_INTEGER], ['-9223372036854775808', SQL_BIGINT],
        ['18446744073709551615', SQL_VARCHAR], [1.5, SQL_DOUBLE], [-2.25e100, SQL_DOUBLE],
        ['12345678901234.123456', SQL_DECIMAL], ['2024-02-29', SQL_VARCHAR],
        ['2024-02-29 23:59:59.123456', SQL_VARCHAR], ['-838:59:59', SQL_VARCHAR],
        ['héllo wörld ✓', SQL_VARCHAR], ["\x00\xff\x10", SQL_BLOB], ['{"a": [1, 2]}', SQL_VARCHAR],
        [1, SQL_INTEGER], [undef, SQL_INTEGER],
    );
    for my $i (0 .. $#binds) {
        $insert->bind_param($i + 1, @{ $binds[$i] });
    }
    my $affected = $insert->execute;
    my $id = $dbh->last_insert_id(undef, undef, 'types', 'id');
    my $select = $dbh->prepare("SELECT id, $COLUMNS FROM types WHERE id = ?");
    $select->bind_param(1, $id, SQL_INTEGER);
    $select->execute;
    return { affected => 0 + $affected, insert_id => 0 + $id, rows => rows_of($select) };
}

emit(client => 'DBD::MariaDB', version => "$DBD::MariaDB::VERSION");

my $dbh;
step(connect => sub {
    $dbh = connect_db();
    $current = $dbh;
    return query($dbh, 'SELECT 1');
});

step(tls => sub {
    return { unsupported => 'the test MariaDB offers no TLS' } unless $TLS;
    # DBD::MariaDB refuses to enforce TLS without verifying the certificate, so TLS is asked
    # for as "optional" (the operator's certificate is self-signed) and the step reports
    # whether the connection really is encrypted.
    my $secure = connect_db(mariadb_ssl => 1, mariadb_ssl_optional => 1, mariadb_ssl_verify_server_cert => 0);
    $current = $secure;
    my $rows = query($secure, 'SELECT 1');
    my $encrypted = defined $secure->{mariadb_ssl_cipher} ? JSON::PP::true : JSON::PP::false;
    $secure->disconnect;
    return { rows => $rows, encrypted => $encrypted };
});

step(wrong_password => sub {
    my $wrong = connect_db(password => 'wrong-' . $PASSWORD);
    $wrong->disconnect;
    return 'connected';
});

step(ddl => sub {
    $current = $dbh;
    my $affected = $dbh->do('CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, '
        . 'ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ts DATETIME(6), tm TIME, '
        . 's VARCHAR(100), b BLOB, j JSON, bit1 BIT(1), n INT NULL) DEFAULT CHARSET=utf8mb4');
    return { affected => 0 + $affected };
});

step(auto_increment => sub {
    $current = $dbh;
    my @ids;
    for my $i (1, 2) {
        $dbh->do('INSERT INTO types (i) VALUES (?)', undef, $i);
        push @ids, 0 + $dbh->{mariadb_insertid};
    }
    return { insert_ids => \@ids, last_insert_id => query($dbh, 'SELECT LAST_INSERT_ID()') };
});

step(prepared_types => sub {
    $current = $dbh;
    return insert_and_read_typed_row($dbh);
});

step(nulls => sub {
    $current = $dbh;
    return query($dbh, q{SELECT NULL, IFNULL(NULL, 'x'), n FROM types ORDER BY id});
});

step(unicode => sub {
    $current = $dbh;
    my $text = '😀 𝄞 中文 ☃';
    $dbh->do('INSERT INTO types (s) VALUES (?)', undef, $text);
    my $id = $dbh->{mariadb_insertid};
    my $rows = query($dbh, 'SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?', $id);
    return { rows => $rows, round_trip => ($rows->[0][0] eq $text ? JSON::PP::true : JSON::PP::false) };
});

step(large_value => sub {
    $current = $dbh;
    # 4 MiB of every byte value, quotes and NULs included, so escaping is exercised.
    my $blob = join '', map { chr($_ % 256) } 0 .. 4 * 1024 * 1024 - 1;
    # types.b is a BLOB (64 KiB at most): the value needs a LONGBLOB of its own.
    $dbh->do('CREATE TABLE large_value (id INT PRIMARY KEY, b LONGBLOB)');
    my $insert = $dbh->prepare('INSERT INTO large_value (id, b) VALUES (1, ?)');
    $insert->bind_param(1, $blob, SQL_BLOB);
    $insert->execute;
    my ($back) = $dbh->selectrow_array('SELECT b FROM large_value WHERE id = 1');
    return { sent_sha1 => sha1_hex($blob), length => length($back), sha1 => sha1_hex($back) };
});

step(transaction_rollback => sub {
    $current = $dbh;
    my $before = count_types($dbh);
    $dbh->begin_work;
    $dbh->do('INSERT INTO types (i) VALUES (100)');
    my $inside = count_types($dbh);
    $dbh->rollback;
    return { before => $before, inside => $inside, after => count_types($dbh) };
});

step(transaction_commit => sub {
    $current = $dbh;
    my $before = count_types($dbh);
    $dbh->begin_work;
    $dbh->do('INSERT INTO types (i) VALUES (200)');
    $dbh->commit;
    my $other = connect_db();
    $current = $other;
    my $seen = count_types($other);
    $other->disconnect;
    return { before => $before, seen_by_other_connection => $seen };
});

step(error_duplicate_key => sub {
    $current = $dbh;
    $dbh->do('INSERT INTO types (id) VALUES (1)');
    return 'inserted';
});

step(error_syntax => sub {
    $current = $dbh;
    return query($dbh, 'SELEC 1');
});

step(error_no_table => sub {
    $current = $dbh;
    return query($dbh, 'SELECT * FROM missing_table');
});

step(multi_statements => sub {
    my $multi = connect_db(mariadb_multi_statements => 1);
    $current = $multi;
    my $sth = $multi->prepare('SELECT 1; SELECT 2');
    $sth->execute;
    my $sets = all_result_sets($sth);
    $multi->disconnect;
    return $sets;
});

step(stored_procedure => sub {
    $current = $dbh;
    $dbh->do('CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END');
    my $call = $dbh->prepare('CALL p(5, @y)');
    $call->execute;
    my $sets = all_result_sets($call);
    return { result_sets => $sets, y => query($dbh, 'SELECT @y') };
});

# Extra: the same typed row through server-side prepared statements (COM_STMT_PREPARE and
# COM_STMT_EXECUTE with binary rows) instead of the driver's client-side substitution.
step(server_prepare => sub {
    my $server = connect_db(mariadb_server_prepare => 1);
    $current = $server;
    my $result = insert_and_read_typed_row($server);
    $server->disconnect;
    return $result;
});

$dbh->disconnect if $dbh;
