"""The README's nginx block, run for real: TLS in front of `cashdesk serve --public-url`, the page
and its websocket through the proxy, and the tab's console ending when its websocket closes."""

from __future__ import annotations

import asyncio
import re
import shutil
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from serve_support import PATIENCE_S, Served, free_port, need

README = Path(__file__).resolve().parents[2] / "README.md"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
OPENSSL = shutil.which("openssl")
UNVERIFIED = ssl._create_unverified_context()  # the test's own self-signed certificate
MAIN_CONF = """daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/cashdesk.conf;
}}
"""


def readme_nginx_block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) == 1, "the README should show one nginx block"
    return blocks[0]


def replaced(text: str, changes: dict[str, str]) -> str:
    """The README's block with this machine's ports, certificate and address: each change must apply,
    so the README and this test cannot drift apart unnoticed."""
    for old, new in changes.items():
        assert old in text, f"the README's nginx block no longer has {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def nginx_dir(tmp_path: Path) -> Path:
    need([name for name, found in (("nginx", NGINX), ("openssl", OPENSSL)) if not found], "the reverse-proxy test")
    folder = tmp_path / "nginx"
    folder.mkdir()
    made = subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=counter.example.council", "-keyout", str(folder / "key.pem"),
                           "-out", str(folder / "cert.pem")], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return folder


def nginx(folder: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                             str(folder / "error.log"), *args], **popen)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=PATIENCE_S, context=UNVERIFIED) as answer:
        assert answer.status == 200, url
        return answer.read().decode()


def wait_for_tls(url: str, proxy: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        try:
            fetch(url)
            return
        except OSError:
            if proxy.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((folder / "error.log").read_text(errors="replace")) from None
            time.sleep(0.05)


async def console_through(websocket_url: str, served: Served) -> set[int]:
    """Open the console's websocket through the proxy, read until the sign-in screen arrives; the
    consoles the server ran meanwhile. The websocket is closed on return, as a closed tab's is."""
    import aiohttp

    received = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{websocket_url}?width=80&height=24", ssl=UNVERIFIED) as socket:
            async with asyncio.timeout(PATIENCE_S):
                while b"User name" not in received:
                    message = await socket.receive()
                    assert message.type == aiohttp.WSMsgType.BINARY, message
                    received += message.data
            return served.consoles()


def test_the_readme_nginx_block_proxies_the_console_with_tls(demo_template: Path, tmp_path: Path,
                                                                nginx_dir: Path):
    db = tmp_path / "ledger.db"
    shutil.copyfile(demo_template, db)
    tls_port = free_port()
    public_url = f"https://127.0.0.1:{tls_port}"
    served = Served(db, "--public-url", public_url).start()
    try:
        (nginx_dir / "cashdesk.conf").write_text(replaced(readme_nginx_block(), {
            "listen 443 ssl;": f"listen 127.0.0.1:{tls_port} ssl;",
            "/etc/ssl/certs/counter.example.council.pem": str(nginx_dir / "cert.pem"),
            "/etc/ssl/private/counter.example.council.key": str(nginx_dir / "key.pem"),
            "proxy_pass http://127.0.0.1:8000;": f"proxy_pass http://127.0.0.1:{served.port};",
            "deny all;": "allow 127.0.0.1;\n    deny all;",
        }))
        (nginx_dir / "nginx.conf").write_text(MAIN_CONF.format(dir=nginx_dir))
        checked = nginx(nginx_dir, "-t", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert checked.wait(timeout=PATIENCE_S) == 0, checked.stdout.read()
        proxy = nginx(nginx_dir)
        try:
            wait_for_tls(f"{public_url}/", proxy, nginx_dir)
            page = fetch(f"{public_url}/")
            assert f'data-session-websocket-url="wss://127.0.0.1:{tls_port}/ws"' in page
            assert "Terminal" in fetch(f"{public_url}/static/js/textual.js")
            during = asyncio.run(console_through(f"wss://127.0.0.1:{tls_port}/ws", served))
            assert len(during) == 1, during
            served.wait_for_consoles(lambda pids: not pids, "closing the websocket should end its console")
        finally:
            proxy.terminate()
            proxy.wait(timeout=PATIENCE_S)
    finally:
        assert served.stop() == 0, served.output()
    assert f"open {public_url}/ in a browser" in served.output()
