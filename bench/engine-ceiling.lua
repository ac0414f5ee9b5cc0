-- sysbench workload: the engine statements one replicated oltp_insert costs a 3-node FluxDB
-- cluster, sent straight to three plain MariaDB servers with no operator in between. Its
-- throughput is what the engines alone allow that design on this machine: an upper bound for
-- FluxDB's, whatever the operators cost. The statements are those a 3-node `fluxdb dev` cluster
-- sends its engines for one autocommit INSERT through the leader (read from the engines'
-- general logs; see docs/performance.md, "What the engines alone allow"):
--
--   leader, the client's session:  SET TRANSACTION READ WRITE, XA START, the session capture,
--       SET timestamp, the INSERT, the leader_commits row, XA END, XA PREPARE, XA COMMIT
--   leader, the apply bookkeeping: autocommit off, the applied_log row, the leader_commits row
--       deleted, COMMIT, autocommit on
--   each follower:                 the session restore, autocommit off, the applied_log row, the
--       floor and leader_commits check, SET insert_id, the INSERT, COMMIT, autocommit on
--
-- Each sysbench thread holds four connections: two to the engine named by --leader-port (the
-- session and the bookkeeping) and one to each of the two others. sysbench hands out connections
-- round-robin over its --mysql-host/--mysql-port lists, so a thread opens connections until it
-- has those four and closes the rest.

sysbench.cmdline.options = {
    leader_port = {"port of the engine that plays the leader", 0},
    tables = {"number of sbtest tables", 4},
    table_size = {"rows per table (the range of k)", 10000},
    group = {"client transactions per log entry: each event runs this many on the leader, records them in one"
        .. " bookkeeping transaction and replays them in one engine transaction on each follower", 1},
}

local SESSION_CAPTURE = "SET STATEMENT character_set_results = utf8mb4 FOR SELECT DATABASE(), @@session.sql_mode,"
    .. " @@session.time_zone, @@session.character_set_client, @@session.character_set_connection,"
    .. " @@session.character_set_results, @@session.collation_connection"
local SESSION_RESTORE = "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,"
    .. "NO_ENGINE_SUBSTITUTION', time_zone = 'SYSTEM', character_set_client = 'utf8mb4',"
    .. " character_set_connection = 'utf8mb4', collation_connection = 'utf8mb4_general_ci',"
    .. " foreign_key_checks = 1, unique_checks = 1, auto_increment_increment = 1, auto_increment_offset = 1"

local function port_of(con)
    return tonumber(con:query_row("SELECT @@port"))
end

function thread_init()
    drv = sysbench.sql.driver()
    local leader_port = sysbench.opt.leader_port
    local by_port = {}
    local extra = {}
    for _ = 1, 24 do
        local con = drv:connect()
        local port = port_of(con)
        by_port[port] = by_port[port] or {}
        local wanted = port == leader_port and 2 or 1
        if #by_port[port] < wanted then
            table.insert(by_port[port], con)
        else
            table.insert(extra, con)
        end
        local followers = 0
        for p, list in pairs(by_port) do
            if p ~= leader_port and #list == 1 then
                followers = followers + 1
            end
        end
        if by_port[leader_port] and #by_port[leader_port] == 2 and followers == 2 then
            break
        end
    end
    for _, con in ipairs(extra) do
        con:disconnect()
    end
    assert(by_port[leader_port] and #by_port[leader_port] == 2, "no two connections to the leader port")
    session, bookkeeping = by_port[leader_port][1], by_port[leader_port][2]
    followers = {}
    for p, list in pairs(by_port) do
        if p ~= leader_port then
            table.insert(followers, list[1])
        end
    end
    assert(#followers == 2, "expected connections to two other engines, got " .. #followers)
    session:query("SET SESSION TRANSACTION READ ONLY")
    for _, con in ipairs({bookkeeping, followers[1], followers[2]}) do
        con:query("SET autocommit = 1")
    end
    -- row ids (INT), log indexes and XA ids: above every row the tables hold, 10 million apart per thread
    local parts = {}
    for i = 1, sysbench.opt.tables do
        table.insert(parts, string.format("SELECT MAX(id) AS m FROM sbtest%d", i))
    end
    local highest = tonumber(session:query_row("SELECT COALESCE(MAX(m), 0) FROM (" .. table.concat(parts, " UNION ALL ")
        .. ") AS highest")) or 0
    next_id = highest + 1 + sysbench.tid * 10000000
end

function event()
    local writes = {}
    for _ = 1, sysbench.opt.group do
        next_id = next_id + 1
        local id = next_id
        local xid = string.format("'fx-%d'", id)
        local t = sysbench.rand.uniform(1, sysbench.opt.tables)
        local k = sysbench.rand.default(1, sysbench.opt.table_size)
        local c = sysbench.rand.string(string.rep("###########-", 10))
        local pad = sysbench.rand.string(string.rep("###########-", 5))
        local insert = string.format("INSERT INTO sbtest%d (id, k, c, pad) VALUES (%d, %d, '%s', '%s')",
            t, id, k, c, pad)
        table.insert(writes, {id = id, xid = xid, insert = insert})

        session:query("SET TRANSACTION READ WRITE")
        session:query("XA START " .. xid)
        session:query(SESSION_CAPTURE)
        session:query(string.format("SET timestamp = %d.%06d", os.time(), id % 1000000))
        session:query(insert)
        session:query("INSERT INTO fluxdb.leader_commits (xid) VALUES (" .. xid .. ")")
        session:query("XA END " .. xid)
        session:query("XA PREPARE " .. xid)
        session:query("XA COMMIT " .. xid)
    end
    local first = writes[1]

    bookkeeping:query("SET autocommit = 0")
    bookkeeping:query(string.format("INSERT INTO fluxdb.applied_log (idx, error_code) VALUES (%d, NULL)", first.id))
    for _, w in ipairs(writes) do
        bookkeeping:query("SET STATEMENT innodb_lock_wait_timeout = 1 FOR DELETE FROM fluxdb.leader_commits WHERE xid = "
            .. w.xid)
    end
    bookkeeping:query("COMMIT")
    bookkeeping:query("SET autocommit = 1")

    for _, con in ipairs(followers) do
        -- the first transaction's session is restored before the engine transaction opens, as apply does
        con:query(SESSION_RESTORE)
        con:query("SET autocommit = 0")
        con:query(string.format("INSERT INTO fluxdb.applied_log (idx, error_code) VALUES (%d, NULL)", first.id))
        con:query("SELECT (SELECT idx FROM fluxdb.applied_floor WHERE id = 1),"
            .. " (SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = " .. first.xid .. ")")
        for i, w in ipairs(writes) do
            if i > 1 then
                con:query(SESSION_RESTORE)
            end
            con:query("SET insert_id = " .. w.id)
            con:query(w.insert)
        end
        con:query("COMMIT")
        con:query("SET autocommit = 1")
    end
end

function thread_done()
    for _, con in ipairs({session, bookkeeping, followers[1], followers[2]}) do
        con:disconnect()
    end
end
