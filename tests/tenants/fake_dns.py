"""A tiny authoritative DNS server on a loopback UDP port, answering TXT queries from a dict:
the real dnspython resolver (tenants/domains.txt_records) is pointed at it through
settings.TREMPLIN_DNS_NAMESERVERS, so domain verification is tested down to the wire."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class FakeDns:
    port: int
    txt: dict[str, list[str]] = field(default_factory=dict)  # name (no trailing dot) → values
    queries: list[str] = field(default_factory=list)
    silent: bool = False  # True: never answer (the resolver times out)

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def reset(self) -> None:
        self.txt.clear()
        self.queries.clear()
        self.silent = False

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        self.queries.append(name)
        if self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        values = self.txt.get(name)
        if values is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT:
            quoted = [f'"{value}"' for value in values]
            response.answer.append(
                dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, "TXT", quoted)
            )
        return response.to_wire()


def start_fake_dns() -> tuple[FakeDns, threading.Event]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    fake = FakeDns(port=sock.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        with sock:
            while not stop.is_set():
                try:
                    wire, client = sock.recvfrom(4096)
                except TimeoutError:
                    continue
                reply = fake.answer(wire)
                if reply is not None:
                    sock.sendto(reply, client)

    threading.Thread(target=serve, name="fake-dns", daemon=True).start()
    return fake, stop
