# The load behind README's capture, on loopback only: three senders pushing about 30 MB/s each to sinks
# on 7001-7003, and a client making 20 HTTP requests to 127.0.0.1:8080 and 3 connects to the closed port
# 9999 a second, for SECONDS (argv[1]). Run by scripts/readme-capture.sh.
import socket, threading, time, http.server, sys
stop = time.time() + float(sys.argv[1])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'x' * 965
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 8080), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
def sink(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen(8)
    while time.time() < stop:
        c, _ = s.accept()
        threading.Thread(target=lambda c=c: [c.recv(1 << 16) for _ in iter(int, 1)], daemon=True).start()
def pusher(port):
    time.sleep(0.3); c = socket.create_connection(('127.0.0.1', port)); chunk = b'y' * 65536
    while time.time() < stop:
        t = time.time()
        for _ in range(46): c.sendall(chunk)   # ~3 MB per 0.1 s
        time.sleep(max(0, 0.1 - (time.time() - t)))
for p in (7001, 7002, 7003):
    threading.Thread(target=sink, args=(p,), daemon=True).start(); threading.Thread(target=pusher, args=(p,), daemon=True).start()
import urllib.request
while time.time() < stop:
    t = time.time()
    for _ in range(20): urllib.request.urlopen('http://127.0.0.1:8080/').read()
    for _ in range(3):
        try: socket.create_connection(('127.0.0.1', 9999), timeout=1)
        except OSError: pass
    time.sleep(max(0, 1 - (time.time() - t)))
