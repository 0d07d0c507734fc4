"""``python -m careercredit.demo``: a demo campus directory and the app on port 5000.

Starts a throwaway slapd seeded with ``campus.ldif``, points the app at it,
signs records with a throwaway demo CA kept in ``instance/demo-ca/`` (unless
signing is configured), opens the port (``PORT``, default 5000), makes every
link point at it (unless ``CAREERCREDIT_BASE_URL`` says otherwise), upgrades
the database, adds the demo terms, catalogue, plans and one official record
to an empty database (``seed.py``) and serves the app with a job worker
beside it (``flask worker``) until Ctrl-C or SIGTERM, which stop them all,
also when started in the background (where the shell has SIGINT ignored).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from aiosmtpd.controller import Controller
from cryptography import x509
from werkzeug.serving import make_server

from careercredit.badges.keys import make_demo_key
from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory, app_settings
from careercredit.demo.mail import start_mail_sink
from careercredit.records.democa import DemoCA, make_demo_ca
from config import INSTANCE_DIR, read_settings

CAMPUS_LDIF = Path(__file__).with_name("campus.ldif")
#: Where ``make run`` keeps its demo CA between starts (instance/ is not committed).
DEMO_CA_DIR = INSTANCE_DIR / "demo-ca"
DEMO_PASSWORD = "campus-demo"  # noqa: S105  (printed for the demo; see campus.ldif)
ROLE_GROUPS = {
    "student": f"cn=students,ou=groups,{SUFFIX}",
    "advisor": f"cn=career-advisors,ou=groups,{SUFFIX}",
    "faculty": f"cn=faculty,ou=groups,{SUFFIX}",
    "registrar": f"cn=registrars,ou=groups,{SUFFIX}",
    "admin": f"cn=careercredit-admins,ou=groups,{SUFFIX}",
}


def demo_logins(ldif: str) -> dict[str, list[str]]:
    """Return the uids of each group of the demo LDIF, group name first."""
    logins: dict[str, list[str]] = {}
    for block in ldif.split("\n\n"):
        group = re.search(r"^dn: cn=([^,]+),ou=groups,", block, re.MULTILINE)
        if group:
            logins[group.group(1)] = re.findall(r"^member: uid=([^,]+),", block, re.MULTILINE)
    return logins


def start_demo_directory() -> tuple[CampusDirectory, dict[str, str]]:
    """Start the demo campus with a fresh service password; return it and the app's settings."""
    directory = CampusDirectory(CAMPUS_LDIF)
    return directory, open_demo_directory(directory)


def open_demo_directory(directory: CampusDirectory) -> dict[str, str]:
    """Start ``directory`` with a fresh service password; return the app's settings."""
    directory.start()
    service_password = secrets.token_urlsafe(24)
    directory.ldapmodify(
        f"dn: {SERVICE_DN}\nchangetype: modify\nreplace: userPassword\n"
        f"userPassword: {service_password}\n"
    )
    return app_settings(directory.ldap_uri, service_password, ROLE_GROUPS)


def demo_ca(directory: Path) -> DemoCA:
    """The demo CA in ``directory``: the one made earlier while it is valid, else a new one."""
    earlier = DemoCA.at(directory)
    if all(path.is_file() for path in (earlier.ca_cert, earlier.cert, earlier.key)):
        cert = x509.load_pem_x509_certificate(earlier.cert.read_bytes())
        if cert.not_valid_after_utc > datetime.now(UTC) + timedelta(days=1):
            return earlier
    return make_demo_ca(directory)


def configure_signing(environ: MutableMapping[str, str], directory: Path = DEMO_CA_DIR) -> str:
    """Sign with the demo CA unless ``environ`` configures signing; return a line saying how."""
    configured = read_settings(environ)
    if configured["SIGNING_CERT"] or configured["SIGNING_KEY"]:
        return f"Records are signed with {configured['SIGNING_CERT']}, as configured."
    ca = demo_ca(directory)
    environ["CAREERCREDIT_SIGNING_CERT"] = str(ca.cert)
    environ["CAREERCREDIT_SIGNING_KEY"] = str(ca.key)
    environ["CAREERCREDIT_SIGNING_CHAIN"] = str(ca.ca_cert)
    return (
        "Records are signed by a throwaway demo CA; trust its certificate in your PDF reader "
        f"to see the signature as valid: {ca.ca_cert}"
    )


def configure_badges(environ: MutableMapping[str, str], directory: Path = DEMO_CA_DIR) -> str:
    """Sign digital credentials with a demo Ed25519 key unless ``environ`` names one."""
    configured = read_settings(environ)
    if configured["BADGE_KEY"]:
        return f"Digital credentials are signed with {configured['BADGE_KEY']}, as configured."
    key = directory / "badge.key"
    if not key.is_file():
        make_demo_key(key)
    environ["CAREERCREDIT_BADGE_KEY"] = str(key)
    return f"Digital credentials are signed with a throwaway demo key: {key}"


def main() -> int:
    """Run the demo until Ctrl-C or SIGTERM; stop the directory either way."""
    stop_on_signals()
    directory = CampusDirectory(CAMPUS_LDIF)
    try:
        serve(directory, open_demo_directory(directory))
    except KeyboardInterrupt:
        pass  # stopped while starting; the server itself returns when stopped
    finally:
        directory.stop()
    print("\nStopped the app and the demo directory.")
    return 0


def stop_on_signals() -> None:
    """Turn Ctrl-C and SIGTERM into ``KeyboardInterrupt``, whatever the shell left us.

    A shell starts a background job with SIGINT ignored, and Python then
    leaves it ignored; SIGTERM would end the process without running any
    ``finally``, leaving slapd behind.
    """

    def interrupt(signum: int, frame: FrameType | None) -> None:
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)  # one stop at a time: let the first finish
        raise KeyboardInterrupt

    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, interrupt)


def serve(directory: CampusDirectory, settings: dict[str, str]) -> None:
    """Open the port, upgrade the database, add the demo data to an empty one, and serve."""
    os.environ.update(settings)
    os.environ["CAREERCREDIT_ENV"] = "development"
    os.environ.setdefault("CAREERCREDIT_SECRET_KEY", secrets.token_hex(32))
    signing = configure_signing(os.environ)
    badges = configure_badges(os.environ)
    sink = start_mail_sink(os.environ)
    try:
        _serve(directory, signing, badges, sink)
    finally:
        if sink is not None:
            sink.stop()


def _serve(directory: CampusDirectory, signing: str, badges: str, sink: Controller | None) -> None:
    from flask_migrate import upgrade

    from careercredit import create_app
    from careercredit.auth.services import directory as campus_directory
    from careercredit.demo.seed import seed_demo

    app = create_app()
    server = make_server("127.0.0.1", int(os.environ.get("PORT", "5000")), app, threaded=True)
    address = f"http://127.0.0.1:{server.server_port}"
    # Links in e-mail and the QR code of issued records carry the address really served.
    app.config["BASE_URL"] = os.environ.get("CAREERCREDIT_BASE_URL") or address
    with app.app_context():
        upgrade()
        added = seed_demo(campus_directory())
    if added:
        print(f"\nDemo data added: {added}")
    else:
        print("\nDemo data: the database already has terms or employers; left as it is.")
    print(f"\nDemo campus directory: {directory.ldap_uri}")
    print(f"Every demo person's password is: {DEMO_PASSWORD}")
    for group, uids in demo_logins(CAMPUS_LDIF.read_text(encoding="utf-8")).items():
        print(f"  {group:<20} {', '.join(uids)}")
    print(f"\n{signing}")
    print(badges)
    os.environ.setdefault("CAREERCREDIT_BASE_URL", address)  # the worker's e-mail links
    worker = start_worker()
    print(f"Background jobs: a worker beside the app (pid {worker.pid}, queue instance/jobs.db)")
    if sink is not None:
        print(
            f"E-mail: sent to a local server on 127.0.0.1:{sink.port} that keeps nothing; "
            f"read each message at {address}/dev/outbox"
        )
    print(f"\nCareerCredit: {address}  (Ctrl-C stops the app and the directory)\n", flush=True)
    try:
        server.serve_forever()
    finally:
        stop_worker(worker)


def start_worker() -> subprocess.Popen[bytes]:
    """``flask --app wsgi worker`` beside the app, with its environment (the demo's settings)."""
    root = Path(__file__).resolve().parent.parent.parent
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    return subprocess.Popen(command, cwd=root, env=os.environ.copy())


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Let the worker finish the job in hand (SIGINT), then stop it."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


if __name__ == "__main__":
    sys.exit(main())
