#!/usr/bin/env python3
"""A tiny WebSocket client (RFC 6455, text frames only, stdlib only) for
packaging/test-install: drives a running wind-server through a scenario.

  wsclient.py http://127.0.0.1:18080 accounts  ALICE_TOKEN BOB_TOKEN
      heartbeat + auth for both, a friend request and its acceptance, a DM
      from alice that bob receives; prints what it checked.
  wsclient.py http://127.0.0.1:18080 frame TOKEN TYPE PAYLOAD_JSON
      heartbeat + auth, then one frame; prints the first answer of TYPE.
Exits non-zero with a message on anything unexpected. Every receive has a
timeout, so it never hangs.
"""
import base64
import json
import os
import socket
import struct
import sys
import urllib.parse

TIMEOUT_S = 10


class WebSocket:
    def __init__(self, base_url):
        url = urllib.parse.urlparse(base_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=TIMEOUT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("handshake refused: " + head.decode(errors="replace"))

    def send(self, type_, payload):
        data = json.dumps({"type": type_, "payload": payload}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(data))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        """The next text message as a dict (server frames are unmasked, unfragmented)."""
        while True:
            b0, b1 = self._read(2)
            length = b1 & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            data = self._read(length)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
                raise RuntimeError(f"server closed the WebSocket: {code} {data[2:].decode(errors='replace')}")
            if opcode == 0x1:
                return json.loads(data)

    def expect(self, type_):
        """Skips other frames until one of type_; fails on an error frame."""
        while True:
            frame = self.receive()
            if frame["type"] == "error":
                raise RuntimeError(f"expected {type_}, got error {frame['payload']}")
            if frame["type"] == type_:
                return frame["payload"]


def open_session(base_url, token):
    ws = WebSocket(base_url)
    ws.send("heartbeat", {"count": 1})
    echoed = ws.expect("heartbeat")
    if echoed != {"count": 1}:
        raise RuntimeError(f"heartbeat echo differs: {echoed}")
    ws.send("auth", {"auth": token})
    me = ws.expect("auth")["self_user"]
    return ws, me


def accounts(base_url, alice_token, bob_token):
    alice, alice_user = open_session(base_url, alice_token)
    bob, bob_user = open_session(base_url, bob_token)
    print(f"heartbeat echoed and auth ok: alice={alice_user['id']} bob={bob_user['id']}")
    alice.send("mutual_users", {"type": "request", "id": bob_user["id"]})
    alice.expect("ok")
    bob.expect("mutual_users")
    bob.send("mutual_users", {"type": "response", "id": alice_user["id"]})
    bob.expect("ok")
    print("friend request sent and accepted")
    room = str(int(alice_user["id"]) ^ int(bob_user["id"]))
    alice.send("chat", {"type": "send", "chat_id": room, "content": "hello from the package test"})
    got = bob.expect("chat")
    if got["content"] != "hello from the package test" or got["user_id"] != alice_user["id"]:
        raise RuntimeError(f"bob got the wrong message: {got}")
    print(f"DM delivered: {json.dumps(got)}")


def frame(base_url, token, type_, payload_json):
    ws, _ = open_session(base_url, token)
    ws.send(type_, json.loads(payload_json))
    print(json.dumps({"type": type_, "payload": ws.expect(type_)}))


def main(argv):
    try:
        if len(argv) == 5 and argv[2] == "accounts":
            accounts(argv[1], argv[3], argv[4])
        elif len(argv) == 6 and argv[2] == "frame":
            frame(argv[1], argv[3], argv[4], argv[5])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (RuntimeError, OSError, KeyError, ValueError) as e:
        print(f"wsclient: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
