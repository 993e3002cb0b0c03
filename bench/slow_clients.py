#!/usr/bin/env python3
"""Availability of a server's /healthz while slow clients hold connections open.

Opens SLOW connections that each send a request line and then one header byte every
TRICKLE seconds (slowloris), and meanwhile asks GET /healthz on a fresh connection every
0.1 s for DURATION seconds, each with a 2 s timeout. Prints the share answered 200 and the
probe latencies. Optional: --chunked sends that many MiB as a chunked POST to --path at
full speed and reports how much the server took before it refused.

Usage: bench/slow_clients.py HOST:PORT [--slow 200] [--trickle 3] [--duration 20]
       bench/slow_clients.py HOST:PORT --chunked 256 --path /api/v1/ask
"""
import argparse
import socket
import threading
import time


def probe(host, port):
    start = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.settimeout(2)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = s.recv(64)
            ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, time.monotonic() - start


def slowloris(args, host, port):
    conns = []
    for _ in range(args.slow):
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            conns.append(s)
        except OSError:
            pass
    stop = threading.Event()

    def trickle():
        while not stop.wait(args.trickle):
            for i, s in enumerate(conns):
                try:
                    s.sendall(b"X")
                except OSError:
                    # Cut off by the server: reconnect, as an attacker would.
                    try:
                        s.close()
                        s = socket.create_connection((host, port), timeout=2)
                        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                        conns[i] = s
                    except OSError:
                        pass

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    results = []
    end = time.monotonic() + args.duration
    while time.monotonic() < end:
        results.append(probe(host, port))
        time.sleep(0.1)
    stop.set()
    t.join()
    for s in conns:
        s.close()
    answered = sum(1 for ok, _ in results if ok)
    lat = sorted(d for ok, d in results if ok) or [0]
    print(f"slow connections: {len(conns)} (one byte every {args.trickle} s)")
    print(f"/healthz answered: {answered}/{len(results)} = {100.0 * answered / len(results):.1f}%")
    print(f"probe latency: p50 {1000 * lat[len(lat) // 2]:.1f} ms, "
          f"max {1000 * lat[-1]:.1f} ms")


def chunked(args, host, port):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(f"POST {args.path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              "Content-Type: application/json\r\n\r\n".encode())
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    sent = 0
    try:
        while sent < args.chunked * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError as e:
        print(f"server cut the body off after {sent / 1024:.0f} KiB sent: {e.strerror}")
    else:
        print(f"server took all {sent / 1024 / 1024:.0f} MiB")
    try:
        print("answer:", s.recv(200).split(b"\r\n")[0].decode())
    except OSError as e:
        print("answer: none:", e.strerror)
    s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("address")
    p.add_argument("--slow", type=int, default=200)
    p.add_argument("--trickle", type=float, default=3)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--chunked", type=int, default=0)
    p.add_argument("--path", default="/api/v1/ask")
    args = p.parse_args()
    host, port = args.address.rsplit(":", 1)
    if args.chunked:
        chunked(args, host, int(port))
    else:
        slowloris(args, host, int(port))


if __name__ == "__main__":
    main()
