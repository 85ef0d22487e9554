#!/usr/bin/env python3
# A console socket for tests, the receiving end engines implement: listen on
# PATH, take one pty master over SCM_RIGHTS, print the name sent with it,
# write INPUT to the terminal, then copy everything the terminal says to
# stdout until the container side closes.
import os, socket, sys

path, data = sys.argv[1], sys.argv[2].encode() if len(sys.argv) > 2 else b''
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print('ready', flush=True)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
print('name', msg.decode(), flush=True)
master = fds[0]
if data:
    os.write(master, data)
out = b''
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break  # EIO: every slave fd is closed
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors='replace'))
