#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Frame corpus for the e2e transparency test: craft, send, compare.

  frames.py corpus --src MAC --dst MAC --tag A2B --mtu 1500 OUT.pcap
  frames.py send IFACE IN.pcap          (run inside the sending host's namespace)
  frames.py compare SENT.pcap CAPTURED.pcap [--xfail KIND ...]

Run with /usr/bin/python3 (Debian's python3-scapy). Every frame carries a unique marker
"VBE2E:<tag>:<index>:" so that the capture on the far host can be matched frame by frame and
compared byte for byte; anything else on the wire (neighbour discovery, replies) is ignored.
Addresses: IPv4 198.18.0.0/15 only; the other frames use local-experimental EtherTypes or
link-local protocols that no host answers.
"""
import argparse
import socket
import sys

from scapy.all import (LLC, STP, Dot1AD, Dot1Q, Dot3, Ether, IP, UDP, Raw,  # noqa: E402
                       RawPcapReader, RawPcapWriter)

MARK = b"VBE2E:"
# A unicast MAC that belongs to nobody in the lab: a bridge must forward it anyway.
STRANGER = "02:00:5e:10:00:99"


def corpus(src, dst, tag, mtu):
    """Return [(kind, bytes)]: every frame kind the bridge must carry unchanged."""
    def mark(i):
        return MARK + f"{tag}:{i:02d}:".encode()

    ip4 = {"A2B": ("198.18.0.1", "198.18.0.2"), "B2A": ("198.18.0.2", "198.18.0.1")}[tag]

    def udp(i, extra=b""):
        return IP(src=ip4[0], dst=ip4[1], ttl=1) / UDP(sport=9, dport=9) / Raw(mark(i) + extra)

    def pad_to(pkt, size):
        b = bytes(pkt)
        return (b + bytes(range(256)) * (size // 256 + 1))[:size] if len(b) < size else b

    def exact(pkt, size):
        b = pad_to(pkt, size)
        if len(b) > size:
            raise SystemExit(f"frame {pkt.summary()} already {len(b)} > {size} bytes")
        return b

    frames = []

    def add(kind, pkt, size=None):
        i = len(frames)
        # Ethernet pads to 60 bytes (64 with the FCS); runts are not a kind worth testing.
        b = pad_to(pkt(i), 60) if size is None else exact(pkt(i), size)
        frames.append((kind, b))

    add("unicast-to-host", lambda i: Ether(src=src, dst=dst) / udp(i))
    add("unicast-to-stranger", lambda i: Ether(src=src, dst=STRANGER) / udp(i))
    add("unicast-from-stranger-src", lambda i: Ether(src="02:00:5e:10:00:98", dst=dst, type=0x88b5) / Raw(mark(i)))
    add("broadcast", lambda i: Ether(src=src, dst="ff:ff:ff:ff:ff:ff", type=0x88b5) / Raw(mark(i)))
    add("multicast-ipv4-mac", lambda i: Ether(src=src, dst="01:00:5e:00:00:01", type=0x88b5) / Raw(mark(i)))
    add("multicast-ipv6-mac", lambda i: Ether(src=src, dst="33:33:00:00:00:01", type=0x88b5) / Raw(mark(i)))
    add("stp-01:80:c2:00:00:00", lambda i: Dot3(src=src, dst="01:80:c2:00:00:00") / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP() / Raw(mark(i)))
    add("lacp-01:80:c2:00:00:02", lambda i: Ether(src=src, dst="01:80:c2:00:00:02", type=0x8809) / Raw(b"\x01\x01" + mark(i)))
    add("eapol-01:80:c2:00:00:03", lambda i: Ether(src=src, dst="01:80:c2:00:00:03", type=0x888e) / Raw(b"\x01\x01\x00\x00" + mark(i)))
    add("lldp-01:80:c2:00:00:0e", lambda i: Ether(src=src, dst="01:80:c2:00:00:0e", type=0x88cc) / Raw(b"\x02\x07\x04" + bytes.fromhex(src.replace(":", "")) + b"\x00\x00" + mark(i)))
    add("dot1q-vid100-pcp5", lambda i: Ether(src=src, dst=dst) / Dot1Q(vlan=100, prio=5) / udp(i))
    add("dot1q-priority-tag-vid0", lambda i: Ether(src=src, dst=dst) / Dot1Q(vlan=0, prio=3) / udp(i))
    add("qinq-88a8-8100", lambda i: Ether(src=src, dst=dst) / Dot1AD(vlan=200) / Dot1Q(vlan=100) / udp(i))
    add("double-8100", lambda i: Ether(src=src, dst=dst) / Dot1Q(vlan=300) / Dot1Q(vlan=100) / udp(i))
    add("ethertype-0x88b5", lambda i: Ether(src=src, dst=dst, type=0x88b5) / Raw(mark(i)))
    add("min-60-bytes", lambda i: Ether(src=src, dst=dst, type=0x88b5) / Raw(mark(i)), size=60)
    add("min-60-bytes-broadcast", lambda i: Ether(src=src, dst="ff:ff:ff:ff:ff:ff", type=0x88b5) / Raw(mark(i)), size=60)
    add(f"mtu-{mtu}-untagged-{mtu + 14}B", lambda i: Ether(src=src, dst=dst, type=0x88b5) / Raw(mark(i)), size=mtu + 14)
    add(f"mtu-{mtu}-dot1q-{mtu + 18}B", lambda i: Ether(src=src, dst=dst) / Dot1Q(vlan=100) / Raw(mark(i)), size=mtu + 18)
    return frames


def write_pcap(path, frames):
    w = RawPcapWriter(path, linktype=1, snaplen=65535, sync=True)
    for _, b in frames:
        w.write(b)
    w.close()
    with open(path + ".kinds", "w") as f:
        for kind, _ in frames:
            f.write(kind + "\n")


def read_pcap(path):
    return [bytes(b) for b, _ in RawPcapReader(path)]


def marker_of(b):
    i = b.find(MARK)
    if i < 0:
        return None
    j = b.find(b":", i + len(MARK) + 4)
    return b[i:j + 1] if j > 0 else None


def cmd_corpus(a):
    write_pcap(a.out, corpus(a.src, a.dst, a.tag, a.mtu))


def cmd_send(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for b in read_pcap(a.pcap):
        try:
            s.send(b)
        except OSError as e:
            print(f"send {len(b)} bytes on {a.iface}: {e}", file=sys.stderr)
            return 1
    return 0


def cmd_compare(a):
    sent = read_pcap(a.sent)
    with open(a.sent + ".kinds") as f:
        kinds = [k.strip() for k in f]
    got = {}
    for b in read_pcap(a.captured):
        m = marker_of(b)
        if m is not None:
            got.setdefault(m, []).append(b)
    bad = 0
    for kind, b in zip(kinds, sent):
        m = marker_of(b)
        seen = got.get(m, [])
        xfail = kind in a.xfail
        if len(seen) == 1 and seen[0] == b:
            res = "ok" if not xfail else "ok (expected to fail, passed: remove the xfail)"
        else:
            if not seen:
                res = "MISSING"
            elif len(seen) > 1:
                res = f"DUPLICATED x{len(seen)}"
            else:
                d = next((k for k in range(min(len(b), len(seen[0]))) if b[k] != seen[0][k]),
                         min(len(b), len(seen[0])))
                res = (f"CHANGED: sent {len(b)} B, got {len(seen[0])} B, first difference at "
                       f"byte {d}: sent {b[d:d + 4].hex()} got {seen[0][d:d + 4].hex()}")
            if xfail:
                res = "xfail (known PMD limitation): " + res
            else:
                bad += 1
        print(f"  {kind:34s} {len(b):5d} B  {res}")
    print(f"  {len(sent) - bad} of {len(sent)} frames as expected")
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("--src", required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--tag", choices=["A2B", "B2A"], required=True)
    c.add_argument("--mtu", type=int, default=1500)
    c.add_argument("out")
    s = sub.add_parser("send")
    s.add_argument("iface")
    s.add_argument("pcap")
    m = sub.add_parser("compare")
    m.add_argument("sent")
    m.add_argument("captured")
    m.add_argument("--xfail", nargs="*", default=[])
    a = p.parse_args()
    return {"corpus": cmd_corpus, "send": cmd_send, "compare": cmd_compare}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
