#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a capture that exercises payload scanning across segments and rate_limit targets.

Every planted thing uses its own addresses (clients 10.2.0.x, servers 10.3.0.x, flooders
10.9.8.x), so each expected finding names exactly one of them. Frames are Ethernet / IPv4 /
TCP or UDP with correct checksums, microsecond pcap, one frame every 100 us (the floods:
every 40 us). What is planted (the truth itself comes from truth_policy.py, not from here):

  byte362     an HTTP POST whose JSON body puts a card number at byte 362 of the first data
              packet (10.2.0.1 -> 10.3.0.1:8080)
  split       a card number split over two segments of a POST (10.2.0.2 -> 10.3.0.1:80)
  deep        an upload of 62000 bytes in 1460-byte segments, a card near byte 60000
              (10.2.0.3 -> 10.3.0.1:80)
  beyond      an upload of 80000 bytes whose only card starts past byte 70000: not in the
              scanned 64 KiB (10.2.0.4 -> 10.3.0.1:80)
  response    a card near byte 30000 of an HTTP response (10.3.0.2:80 -> 10.2.0.5)
  tls         a TLS handshake on 443, then an application-data record that carries a
              Luhn-valid digit string: encrypted, no finding (10.2.0.6 -> 10.3.0.3:443)
  retrans     a segment sent twice, then a card: found (10.2.0.7 -> 10.3.0.1:80)
  gap         a segment never sent, then a card: the gap ends the direction (10.2.0.8)
  reorder     two segments swapped, the card in the later one (10.2.0.10)
  tail        a form body that ends with the card's digits, then FIN (10.2.0.11)
  udp         a card in a UDP datagram (10.2.0.9 -> 10.3.0.5:8080)
  flood-tcp   10.9.8.1 opens 1500 connections to 10.3.0.100:80 and 150 to 10.3.0.101:80,
              interleaved, in about 0.4 s
  flood-udp   10.9.8.2 sends 1300 DNS-like queries from new ports to 10.3.0.53:53

usage: gen_inspect.py OUT.pcap
"""

import struct
import sys

T0 = 1700000000 * 10**6     # us
CARD_A = b"4111 1111 1111 1111"
CARD_B = b"5500005555555559"
CARD_C = b"4012888888881881"
CARD_D = b"6011111111111117"
CARD_E = b"3782 822463 10005"
CARD_F = b"4222222222222"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.t = T0

    def frame(self, src, dst, proto, l4, step=100):
        self.t += step
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0,
                         ip4(src), ip4(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
        f = eth + ip + l4
        self.f.write(struct.pack("<IIII", self.t // 10**6, self.t % 10**6, len(f), len(f)))
        self.f.write(f)

    def l4(self, src, dst, proto, hdr, payload):
        pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(hdr) + len(payload))
        c = csum(pseudo + hdr + payload)
        off = 16 if proto == 6 else 6
        return hdr[:off] + struct.pack("!H", c) + hdr[off + 2:] + payload

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b"", step=100):
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                          5 << 4, flags, 65535, 0, 0)
        self.frame(src, dst, 6, self.l4(src, dst, 6, hdr, payload), step)

    def udp(self, src, dst, sport, dport, payload, step=100):
        hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
        self.frame(src, dst, 17, self.l4(src, dst, 17, hdr, payload), step)


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class Conn:
    """A TCP connection: handshake, data either way, close."""

    def __init__(self, pc, cli, srv, cport, sport, step=100):
        self.pc, self.cli, self.srv, self.cport, self.sport, self.step = \
            pc, cli, srv, cport, sport, step
        self.cseq, self.sseq = 1000 + cport * 7, 900000 + sport * 13
        pc.tcp(cli, srv, cport, sport, self.cseq, 0, SYN, step=step)
        pc.tcp(srv, cli, sport, cport, self.sseq, self.cseq + 1, SYN | ACK, step=step)
        self.cseq += 1
        self.sseq += 1
        pc.tcp(cli, srv, cport, sport, self.cseq, self.sseq, ACK, step=step)

    def send(self, from_client, data, seq=None, advance=True):
        """One segment; seq overrides the next sequence number (retransmissions, gaps)."""
        if from_client:
            s = self.cseq if seq is None else seq
            self.pc.tcp(self.cli, self.srv, self.cport, self.sport, s, self.sseq,
                        PSH | ACK, data, self.step)
            if advance:
                self.cseq = s + len(data)
        else:
            s = self.sseq if seq is None else seq
            self.pc.tcp(self.srv, self.cli, self.sport, self.cport, s, self.cseq,
                        PSH | ACK, data, self.step)
            if advance:
                self.sseq = s + len(data)

    def stream(self, from_client, data, mss=1460):
        for i in range(0, len(data), mss):
            self.send(from_client, data[i:i + mss])

    def close(self):
        p = self.pc
        p.tcp(self.cli, self.srv, self.cport, self.sport, self.cseq, self.sseq, FIN | ACK,
              step=self.step)
        p.tcp(self.srv, self.cli, self.sport, self.cport, self.sseq, self.cseq + 1, FIN | ACK,
              step=self.step)
        p.tcp(self.cli, self.srv, self.cport, self.sport, self.cseq + 1, self.sseq + 1, ACK,
              step=self.step)


def filler(n, seed):
    """Text without digits: words of lower-case letters."""
    out = bytearray()
    x = seed
    while len(out) < n:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out += bytes([97 + (x >> 8) % 26])
        if (x >> 16) % 6 == 0:
            out += b" "
    return bytes(out[:n])


def post(path, body):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: shop.example\r\nContent-Type: "
            b"application/json\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\n\r\n" + body)


def main():
    pc = Pcap(sys.argv[1])
    srv1 = "10.3.0.1"

    # byte362: the digits start at byte 362 of the first data packet
    pad = 0
    while True:
        body = b'{"items":[' + b" " * pad + b'"card":" ' + CARD_B + b'"}]}'
        seg = post(b"/api/orders", body)
        if seg.find(CARD_B) >= 362:
            break
        pad += 1
    assert seg.find(CARD_B) == 362, seg.find(CARD_B)
    c = Conn(pc, "10.2.0.1", srv1, 40001, 8080)
    c.send(True, seg)
    c.send(False, b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
    c.close()

    # split: "4111 1111 11" | "11 1111"
    c = Conn(pc, "10.2.0.2", srv1, 40002, 80)
    data = post(b"/pay", b"card=" + CARD_A + b"&cvv=123")
    cut = data.find(CARD_A) + 12
    c.send(True, data[:cut])
    c.send(True, data[cut:])
    c.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    c.close()

    # deep: a card near byte 60000 of a 62000-byte upload; beyond: the only card starts past
    # byte 70000
    for n, size, at, card in ((3, 62000, 60000, CARD_C), (4, 80000, 70100, CARD_D)):
        c = Conn(pc, "10.2.0.%d" % n, srv1, 40000 + n, 80)
        data = bytearray(post(b"/upload", filler(size, n)))
        data[at:at + 18] = b" " + card + b" "
        c.stream(True, bytes(data))
        c.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        c.close()

    # response: a card near byte 30000 of what the server sends
    c = Conn(pc, "10.2.0.5", "10.3.0.2", 40005, 80)
    c.send(True, b"GET /statement HTTP/1.1\r\nHost: bank\r\n\r\n")
    data = bytearray(b"HTTP/1.1 200 OK\r\nContent-Length: 32000\r\n\r\n" + filler(32000, 5))
    data[30000:30000 + 19] = b" " + CARD_E + b" "
    c.stream(False, bytes(data))
    c.close()

    # tls: handshake, then a record that carries a Luhn-valid digit string
    c = Conn(pc, "10.2.0.6", "10.3.0.3", 40006, 443)
    hello = bytes([0x16, 3, 1, 0, 0x40, 1, 0, 0, 0x3c, 3, 3]) + bytes(range(32, 32 + 58))
    c.send(True, hello)
    c.send(False, bytes([0x16, 3, 3, 0, 0x30, 2, 0, 0, 0x2c, 3, 3]) + bytes(range(48)))
    c.send(True, bytes([0x17, 3, 3, 0, 0x20]) + b" " + CARD_A + b" padding...")
    c.send(True, b"pan " + CARD_B + b" in a later segment of the record ")
    c.close()

    # retrans: the second segment is sent twice, the card follows
    c = Conn(pc, "10.2.0.7", srv1, 40007, 80)
    data = post(b"/pay", filler(600, 7) + b" pan=" + CARD_C + b" ok")
    c.send(True, data[:300])
    s2 = c.cseq
    c.send(True, data[300:600])
    c.send(True, data[300:600], seq=s2)
    c.send(True, data[600:])
    c.close()

    # gap: the second segment is never sent; the card is in the third
    c = Conn(pc, "10.2.0.8", srv1, 40008, 80)
    data = post(b"/pay", filler(600, 8) + b" pan=" + CARD_D + b" ok")
    c.send(True, data[:300])
    c.cseq += 300
    c.send(True, data[600:])
    c.close()

    # reorder: the third segment arrives before the second
    c = Conn(pc, "10.2.0.10", srv1, 40010, 80)
    data = post(b"/pay", filler(600, 10) + b" pan=" + CARD_F + b" ok")
    c.send(True, data[:300])
    s2 = c.cseq
    c.send(True, data[600:], seq=s2 + 300, advance=False)
    c.send(True, data[300:600], seq=s2)
    c.cseq = s2 + len(data) - 300
    c.close()

    # tail: the body ends with the digits
    c = Conn(pc, "10.2.0.11", srv1, 40011, 80)
    c.send(True, b"POST /f HTTP/1.1\r\nContent-Length: 20\r\n\r\npan=" + CARD_B)
    c.close()

    # udp
    pc.udp("10.2.0.9", "10.3.0.5", 40009, 8080, b"event card=" + CARD_C + b" end")

    # flood-tcp: 1500 connections to .100, 150 to .101, interleaved
    for k in range(1650):
        dst = "10.3.0.101" if k % 11 == 10 else "10.3.0.100"
        c = Conn(pc, "10.9.8.1", dst, 20000 + k, 80, step=40)
        c.close()
    # flood-udp
    for k in range(1300):
        q = struct.pack("!HHHHHH", k, 0x0100, 1, 0, 0, 0) + b"\x03api\x07example\x00\x00\x01\x00\x01"
        pc.udp("10.9.8.2", "10.3.0.53", 30000 + k, 53, q, step=40)
    pc.f.close()


if __name__ == "__main__":
    main()
