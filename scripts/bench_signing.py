"""Time signing a record, plain (PAdES B-B) and time-stamped (B-LTA), against building it.

Run from the repository root: .venv/bin/python scripts/bench_signing.py [N]

Prints milliseconds per record for building it unsigned (build_record), for building
and certifying it without a time-stamping authority (B-B), and for building and
certifying it with one (B-LTA: a signature time-stamp, the chain's OCSP responses and
CRLs fetched and embedded, a document time-stamp), each with its ratio to the unsigned
build. The time-stamping authority, OCSP responder and CRLs are the test PKI's
(certomancer, served on 127.0.0.1 by a process of its own, as in the tests), so the
B-LTA figure is the work on this machine plus loopback round trips to a busy
neighbour: a real authority adds the network's, a few round trips per record.
"""

import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from careercredit.pdf import RecordData, build_record
from careercredit.records.signing import SigningSettings, TimeStamping, sign_pdf
from tests.pdf.sample import make_record
from tests.records.certomancer import CampusPKI, serve_pki

#: Rounds of each builder; the best one counts (a busy machine only makes a round slower).
ROUNDS = 3


def records(n: int) -> list[RecordData]:
    return [
        make_record(
            terms=2,
            plans=3,
            verification_code=f"CC-SIGN-{i:08d}",
            verification_url=f"https://records.example.edu/verify/CC-SIGN-{i:08d}",
        )
        for i in range(n)
    ]


def best_ms(builders: dict[str, Callable[[RecordData], bytes]], n: int) -> dict[str, float]:
    """The best milliseconds per record of each builder, rounds alternating."""
    for build in builders.values():
        build(make_record(terms=2, plans=3))  # warm up: fonts, the signer, connections
    best = dict.fromkeys(builders, float("inf"))
    for _ in range(ROUNDS):
        for name, build in builders.items():
            datas = records(n)
            start = time.perf_counter()
            for data in datas:
                build(data)
            best[name] = min(best[name], (time.perf_counter() - start) * 1000 / n)
    return best


def _serve(directory: str, pipe: Connection) -> None:
    with serve_pki(Path(directory)) as pki:
        pipe.send(pki)
        pipe.recv()  # until the bench is done


@contextmanager
def pki_in_another_process(directory: str) -> Iterator[CampusPKI]:
    """The test PKI served by a process of its own, as a real authority is not this one."""
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(directory, theirs), daemon=True)
    server.start()
    try:
        yield ours.recv()
    finally:
        ours.send("done")
        server.join()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as directory, pki_in_another_process(directory) as pki:
        plain = SigningSettings(
            cert=str(pki.signing_cert), key=str(pki.signing_key), chain=(str(pki.root_cert),)
        )
        stamped = SigningSettings(
            cert=plain.cert,
            key=plain.key,
            chain=plain.chain,
            tsa=TimeStamping(pki.tsa_url("tsa-old")),
        )
        times = best_ms(
            {
                "unsigned": build_record,
                "b-b": lambda data: sign_pdf(build_record(data), plain),
                "b-lta": lambda data: sign_pdf(build_record(data), stamped),
            },
            n,
        )
    unsigned = times["unsigned"]
    print(f"unsigned build:      {unsigned:8.2f} ms per record ({n} records a round)")
    for name, label in (("b-b", "signed, B-B:"), ("b-lta", "time-stamped, B-LTA:")):
        print(
            f"{label:20s} {times[name]:8.2f} ms per record; ratio to unsigned "
            f"{times[name] / unsigned:.2f}x"
        )
    print(
        "B-LTA asks a local test TSA and OCSP responder (certomancer on 127.0.0.1): "
        "a real authority adds its network round trips (two time-stamps and the "
        "revocation data per record)."
    )


if __name__ == "__main__":
    main()
