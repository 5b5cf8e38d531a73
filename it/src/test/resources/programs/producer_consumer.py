import threading, queue, time
q = queue.Queue(maxsize=3)
out = []
def producer(n):
    for i in range(20):
        q.put((n, i))
        time.sleep(0.001 * n)
def consumer():
    for _ in range(40):
        out.append(q.get())
ts = [threading.Thread(target=producer, args=(k,)) for k in (1, 2)] + [threading.Thread(target=consumer)]
for t in ts: t.start()
for t in ts: t.join()
print(out, time.time())
