"""A WACZ signer of our own, on 127.0.0.1, for tests: Webrecorder's authsign server (the one
browsertrix users run) with certificates made here instead of Let's Encrypt's, and an RFC 3161
time-stamping authority answered by ``openssl ts -reply``.

authsign trusts what its ``trusted_roots`` file names, so the test's roots are named there; the
signature, the certificate chains and the time stamp are checked by authsign's own verifier,
reached by ``wacz validate --verify-auth --verifier-url``.
"""

from __future__ import annotations

import binascii
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.tools import free_port, tool_bin

DOMAIN = "signer.test"
TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool, eku=None) -> x509.Certificate:
    now = datetime.now(UTC) - timedelta(minutes=1)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def _fingerprint(cert: x509.Certificate) -> str:
    return binascii.b2a_hex(cert.fingerprint(hashes.SHA256())).decode()


class _TimeStamps(BaseHTTPRequestHandler):
    """RFC 3161 over HTTP: the query in, ``openssl ts -reply``'s answer out."""

    folder: Path

    def do_POST(self):  # noqa: N802 (http.server's name)
        query = self.rfile.read(int(self.headers["Content-Length"]))
        with tempfile.TemporaryDirectory(dir=self.folder) as work:
            (Path(work) / "q.tsq").write_bytes(query)
            result = subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", "q.tsq",
                 "-signer", str(self.folder / "tsa.pem"), "-inkey", str(self.folder / "tsa.key"),
                 "-chain", str(self.folder / "tsa-root.pem"), "-out", "r.tsr"],
                cwd=work, capture_output=True)
            answer = (Path(work) / "r.tsr").read_bytes() if result.returncode == 0 else b""
        self.send_response(200 if answer else 500)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def _write_keys(folder: Path) -> tuple[str, str]:
    """The domain certificate (EC, as authsign wants) under a root of ours, and the time-stamping
    authority's (RSA, timeStamping usage) under another; returns the two roots' fingerprints."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Test Signing Root", root_key, "Test Signing Root", root_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    domain = _cert(DOMAIN, key, "Test Signing Root", root_key, ca=False)
    data = folder / "data"
    data.mkdir()
    (data / "cert.pem").write_bytes(_pem(domain, root))
    (data / "private-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase")))  # authsign's fixed passphrase
    tsa_root_key = rsa.generate_private_key(65537, 2048)
    tsa_root = _cert("Test TSA Root", tsa_root_key, "Test TSA Root", tsa_root_key, ca=True)
    tsa_key = rsa.generate_private_key(65537, 2048)
    tsa = _cert("Test TSA", tsa_key, "Test TSA Root", tsa_root_key, ca=False, eku=ExtendedKeyUsageOID.TIME_STAMPING)
    (folder / "tsa-root.pem").write_bytes(_pem(tsa_root))
    (folder / "tsa.pem").write_bytes(_pem(tsa))
    (folder / "tsa.key").write_bytes(tsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(serial=folder / "tsa-serial"))
    (folder / "tsa-serial").write_text("01\n")
    return _fingerprint(root), _fingerprint(tsa_root)


@contextmanager
def local_signer(folder: Path):
    """Yields the authsign server's base URL (``/sign``, ``/verify``); stops it after."""
    if not shutil.which("openssl"):
        pytest.skip("no openssl command to answer time-stamp requests")
    tools = tool_bin("wacz")  # py-wacz with authsign (wacz[signing])
    folder.mkdir(parents=True, exist_ok=True)
    domain_root, tsa_root = _write_keys(folder)
    handler = type("TimeStamps", (_TimeStamps,), {"folder": folder})
    tsa = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=tsa.serve_forever, daemon=True).start()
    (folder / "roots.yaml").write_text(f"domain_cert_roots:\n  - {domain_root}\ntimestamp_cert_roots:\n  - {tsa_root}\n")
    (folder / "config.yaml").write_text(
        f"signing:\n  domain: {DOMAIN}\n  email: desk@example.org\n  port: 80\n  output: {folder / 'data'}\n"
        f"  timestamping:\n    - url: http://127.0.0.1:{tsa.server_address[1]}/\n"
        f"trusted_roots: {folder / 'roots.yaml'}\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(CONFIG=str(folder / "config.yaml"), NO_RENEW="1")
    log = open(folder / "authsign.log", "wb")
    server = subprocess.Popen([str(tools / "uvicorn"), "authsign.main:app", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail(f"authsign did not start: {(folder / 'authsign.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/docs", timeout=2).close()
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("authsign did not answer")
        yield url
    finally:
        server.terminate()
        server.wait(10)
        log.close()
        tsa.shutdown()
        tsa.server_close()
