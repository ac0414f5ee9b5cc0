import pymysql,time,sys
port=int(sys.argv[1]); n=int(sys.argv[2])
c=pymysql.connect(host='127.0.0.1',port=port,user='root',database='t1',autocommit=True)
cur=c.cursor()
lat=[]
for i in range(n):
    t=time.perf_counter()
    cur.execute("insert into a(k,c) values (%s,'abc')",(i,))
    lat.append((time.perf_counter()-t)*1000)
lat.sort()
print("n=%d avg=%.2f p50=%.2f p95=%.2f ms"%(n,sum(lat)/n,lat[n//2],lat[int(n*.95)]))
