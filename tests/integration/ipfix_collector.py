#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A loopback IPFIX collector for tests: every datagram received on 127.0.0.1:PORT for
SECONDS goes into a pcap file as a UDP packet to port 4739, for tshark to decode.
usage: ipfix_collector.py PORT OUT.pcap SECONDS [READY_FILE]
(READY_FILE is created once the socket is bound.) SIGTERM stops it after the datagram in
hand is written, so a test may stop it as soon as the socket's queue is empty."""
import signal, socket, struct, sys, time
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
# a loopback IPFIX collector: every datagram goes into a pcap (as UDP to port 4739)
port = int(sys.argv[1]); out = sys.argv[2]; secs = float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24); s.bind(('127.0.0.1', port)); s.settimeout(0.5)
f = open(out, 'wb'); f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)); f.flush()
if len(sys.argv) > 4:
    open(sys.argv[4], 'w').close()
end = time.time() + secs; n = 0
while time.time() < end and not stop:
    try: d = s.recv(65535)
    except socket.timeout: continue
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28 + len(d), 0, 0, 64, 17, 0, bytes([127,0,0,1]), bytes([127,0,0,1]))
    udp = struct.pack('!HHHH', 40000, 4739, 8 + len(d), 0)
    fr = b'\0'*12 + b'\x08\x00' + ip + udp + d
    f.write(struct.pack('<IIII', int(time.time()), 0, len(fr), len(fr)) + fr); f.flush(); n += 1
print(n, 'messages')
