#!/usr/bin/python3
"""A write workload whose transactions the leader runs at the same time but whose replay can meet on gap locks:
each transaction inserts (tag, i), updates the row by the (tag, i) index and inserts (tag, -i). Prints committed
transactions per second. Usage: bench/gap-lock-workload.py PORT SECONDS THREADS (as root, database test_db, as
`fluxdb dev` makes them). Count the followers' "lock conflict" lines in the cluster's log alongside."""
import pymysql, threading, time, sys, random
port = int(sys.argv[1]); secs = float(sys.argv[2]); threads = int(sys.argv[3])
def conn(): return pymysql.connect(host='127.0.0.1', port=port, user='root', password='', database='test_db', autocommit=True)
c = conn(); cur = c.cursor()
cur.execute("DROP TABLE IF EXISTS wl")
cur.execute("CREATE TABLE wl(id INT AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(20), i INT, n INT DEFAULT 0, KEY(tag, i))")
done = [0]; errs = [0]; lock = threading.Lock(); stop = time.time() + secs
def work(t):
    cn = conn(); cu = cn.cursor(); i = 0
    while time.time() < stop:
        i += 1
        try:
            cu.execute("BEGIN")
            cu.execute("INSERT INTO wl(tag, i) VALUES (%s, %s)", ('t%d' % t, i))
            cu.execute("UPDATE wl SET n = n + 1 WHERE tag = %s AND i = %s", ('t%d' % t, i))
            cu.execute("INSERT INTO wl(tag, i) VALUES (%s, %s)", ('t%d' % t, -i))
            cu.execute("COMMIT")
            with lock: done[0] += 1
        except Exception as e:
            with lock: errs[0] += 1
            try: cu.execute("ROLLBACK")
            except Exception: pass
ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
start = time.time()
for x in ts: x.start()
for x in ts: x.join()
el = time.time() - start
print("tx %d errors %d in %.1fs = %.1f tx/s" % (done[0], errs[0], el, done[0] / el))
