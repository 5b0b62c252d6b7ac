#!/usr/bin/env python3
"""Tiny UDP sniffer used once to capture the golden udpcast datagrams (no tcpdump here).
Run inside a network namespace on the bridge or veth: sniff.py IFACE SECONDS.
Prints one line per IPv4/UDP datagram: src:port > dst:port len hex (first 200 bytes)."""
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
end = time.time() + float(sys.argv[2])
seen = set()
while time.time() < end:
    try:
        frame, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    direction = "out" if addr[2] == socket.PACKET_OUTGOING else "in"
    if frame[12:14] != b'\x08\x00': continue
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 17: continue
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    sp, dp, ln = struct.unpack('!HHH', ip[ihl:ihl+6])
    payload = ip[ihl+8:ihl+ln]
    op = payload[:2].hex()
    print(f"{time.time():.3f} {direction} {src}:{sp} > {dst}:{dp} len={len(payload)} {payload[:200].hex()}", flush=True)
