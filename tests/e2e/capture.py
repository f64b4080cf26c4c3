#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic of known composition for capture.sh (send it with: frames.py send IFACE PCAP).

gen OUT.pcap --src MAC --dst MAC --src-ip A --dst-ip B --arp N --icmp N --udp N --udp53 N
    --tcp N writes N frames of each kind to OUT.pcap, every one padded to at least 60 bytes,
    and prints "kind count bytes" lines (and "total count bytes").
    arp: ARP requests for an address nobody has (198.18.0.200): no replies.
    icmp: ICMP echo requests; udp: UDP to port 7000 + i (never 53); udp53: UDP from/to port 53
    (alternating: queries to 53, answers from 53); tcp: TCP SYN, ACK and PSH|ACK segments to
    port 80 and 5353 (never 53).
The destination MAC should belong to no host (the far host's kernel then ignores the frames,
so it sends nothing back): every frame the captures see is one of these, or background.
"""
import argparse
import sys

from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, Raw, RawPcapWriter  # noqa: E402


def pad(pkt):
    b = bytes(pkt)
    return b + b"\0" * (60 - len(b)) if len(b) < 60 else b


def frames(a):
    eth = Ether(src=a.src, dst=a.dst)
    out = []
    for i in range(a.arp):
        out.append(("arp", pad(Ether(src=a.src, dst="ff:ff:ff:ff:ff:ff") /
                               ARP(op=1, hwsrc=a.src, psrc=a.src_ip, pdst="198.18.0.200"))))
    for i in range(a.icmp):
        out.append(("icmp", pad(eth / IP(src=a.src_ip, dst=a.dst_ip) /
                                ICMP(type=8, id=0x4242, seq=i) / Raw(b"vbcap" * (i + 1)))))
    for i in range(a.udp):
        out.append(("udp", pad(eth / IP(src=a.src_ip, dst=a.dst_ip) /
                               UDP(sport=40000 + i, dport=7000 + i) / Raw(b"u" * (10 + i)))))
    for i in range(a.udp53):
        ports = dict(sport=40100 + i, dport=53) if i % 2 == 0 else dict(sport=53, dport=40100 + i)
        out.append(("udp53", pad(eth / IP(src=a.src_ip, dst=a.dst_ip) / UDP(**ports) /
                                 Raw(b"q" * (20 + i)))))
    flags = ["S", "A", "PA"]
    for i in range(a.tcp):
        out.append(("tcp", pad(eth / IP(src=a.src_ip, dst=a.dst_ip) /
                               TCP(sport=41000 + i, dport=80 if i % 2 == 0 else 5353,
                                   flags=flags[i % 3], seq=1000 + i, ack=1 if i % 3 else 0) /
                               Raw(b"t" * (i % 5)))))
    return out


def cmd_gen(a):
    fr = frames(a)
    w = RawPcapWriter(a.out, linktype=1, snaplen=65535, sync=True)
    for _, b in fr:
        w.write(b)
    w.close()
    kinds = {}
    for k, b in fr:
        c, n = kinds.get(k, (0, 0))
        kinds[k] = (c + 1, n + len(b))
    for k, (c, n) in kinds.items():
        print(k, c, n)
    print("total", len(fr), sum(len(b) for _, b in fr))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    for o in ("src", "dst", "src-ip", "dst-ip"):
        g.add_argument("--" + o, required=True)
    for o in ("arp", "icmp", "udp", "udp53", "tcp"):
        g.add_argument("--" + o, type=int, default=0)
    a = p.parse_args()
    return cmd_gen(a)


if __name__ == "__main__":
    sys.exit(main())
