#!/usr/bin/env python3
"""A test resolver: answers every A question with one address, counts the questions it got.
Usage: dns-server.py BIND_ADDR ANSWER_ADDR COUNT_FILE"""
import socket
import struct
import sys

bind, answer, count_file = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind, 53))
count = 0
while True:
    q, peer = s.recvfrom(1500)
    count += 1
    with open(count_file, "w") as f:
        f.write(f"{count}\n")
    qid, flags = struct.unpack("!HH", q[:4])
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    qtype = struct.unpack("!H", q[end + 1:end + 3])[0]
    answers = b""
    if qtype == 1:
        answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(answer)
    header = struct.pack("!HHHHHH", qid, 0x8180 | (flags & 0x0100), 1, 1 if answers else 0, 0, 0)
    s.sendto(header + question + answers, peer)
