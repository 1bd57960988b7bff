"""`crosstally serve` for colleagues: a token for anything but loopback, compared in constant time;
security headers on every response; and a real server holding 200 concurrent clients on loopback
while a run writes to the database it serves."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crosstally.cli import cli
from crosstally.runner import sample_dir
from crosstally.web import app as web_app
from crosstally.web.app import TOKEN_COOKIE, create_app
from tests.test_crash import TOWNS, storm_article

TOKEN = "k3Xr-fictional-test-token-9Qw2"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("served") / "out"
    r = CliRunner().invoke(cli, ["run", str(sample_dir()), "--out", str(out), "--quiet"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_with_a_token_every_request_must_present_it(served):
    client = TestClient(create_app(str(served / "crosstally.db"), token=TOKEN), follow_redirects=False)
    for url in ("/", "/stories.json", "/openapi.json", "/search?q=killed"):
        r = client.get(url)
        assert r.status_code == 401, url
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "Derna" not in r.text
    assert client.get("/index.json", headers={"Authorization": "Bearer wrong-token-of-some-length"}).status_code == 401
    assert client.get("/index.json", headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
    assert client.get("/index.json", headers={"Authorization": f"Bearer {TOKEN[:-1]}"}).status_code == 401
    stranger = TestClient(create_app(str(served / "crosstally.db"), token=TOKEN))
    stranger.cookies.set(TOKEN_COOKIE, "not-the-token-at-all")
    assert stranger.get("/index.json").status_code == 401
    assert client.get("/static/style.css").status_code == 200  # the page asking for the token keeps its style

    ok = client.get("/index.json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["totals"]["articles"] == 4
    assert ok.headers["cache-control"] == "no-store"

    # A link with the token: redirected to the same address without it, and remembered in a cookie.
    r = client.get(f"/claims?measure=killed&token={TOKEN}")
    assert r.status_code == 303 and r.headers["location"] == "/claims?measure=killed"
    assert client.get(f"/%2Felsewhere.example/x?token={TOKEN}").headers["location"] == "/elsewhere.example/x"
    cookie = r.headers["set-cookie"]
    assert f"{TOKEN_COOKIE}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    browser = TestClient(create_app(str(served / "crosstally.db"), token=TOKEN))
    browser.cookies.set(TOKEN_COOKIE, TOKEN)
    assert browser.get("/claims?measure=killed").status_code == 200


def test_tokens_are_compared_in_constant_time(served, monkeypatch):
    compared = []

    def compare_digest(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(web_app.hmac, "compare_digest", compare_digest)
    client = TestClient(create_app(str(served / "crosstally.db"), token=TOKEN))
    assert client.get("/index.json", headers={"Authorization": "Bearer guess"}).status_code == 401
    assert compared == [(b"guess", TOKEN.encode())]


def test_serve_needs_a_token_beyond_loopback_and_a_strong_one(served, monkeypatch):
    r = CliRunner().invoke(cli, ["serve", str(served), "--host", "0.0.0.0"])
    assert r.exit_code != 0 and "not a loopback address" in r.output and "--token" in r.output
    r = CliRunner().invoke(cli, ["serve", str(served), "--host", "0.0.0.0", "--token", "short"])
    assert r.exit_code != 0 and "at least 16" in r.output
    monkeypatch.setenv("CROSSTALLY_TOKEN", "tiny")
    r = CliRunner().invoke(cli, ["serve", str(served), "--host", "192.0.2.1"])
    assert r.exit_code != 0 and "at least 16" in r.output, "the environment's token is the one checked"
    with pytest.raises(ValueError):
        create_app(str(served / "crosstally.db"), token=" " + TOKEN)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_storms(folder: Path, edition: int) -> None:
    for n, town in enumerate(TOWNS[:6]):
        text = storm_article(n, town) + f"\nThis report was updated {edition} times.\n"
        (folder / f"storm-{n:02d}.txt").write_text(text, encoding="utf-8")


def test_the_server_holds_200_clients_while_a_run_writes(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    _write_storms(corpus, 0)
    out = tmp_path / "out"
    run = [sys.executable, "-m", "crosstally.cli", "run", str(corpus), str(sample_dir()), "--out", str(out), "--quiet"]
    subprocess.run(run, check=True, capture_output=True)

    port = _free_port()
    env = {**os.environ, "CROSSTALLY_TOKEN": TOKEN}
    log = tmp_path / "serve.log"  # a file, not a pipe: a full pipe would stall the server
    server = subprocess.Popen([sys.executable, "-m", "crosstally.cli", "serve", str(out), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/index.json", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        load = subprocess.Popen([sys.executable, "-m", "tests.loadgen", base, "--clients", "200", "--seconds", "30",
                                 "--token", TOKEN], cwd=ROOT, stdout=subprocess.PIPE, stderr=(tmp_path / "load.log").open("wb"))
        runs = 0
        while load.poll() is None:  # every article changes and the story stage is rewritten, run after run
            runs += 1
            _write_storms(corpus, runs)
            subprocess.run(run, check=True, capture_output=True)
        stdout, _ = load.communicate()
        assert load.returncode == 0, (tmp_path / "load.log").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = json.loads(stdout)
    print("\nload:", json.dumps({**result, "runs while loaded": runs}))
    assert runs >= 2
    assert result["errors"] == {}
    assert not [s for s in result["statuses"] if s.startswith("5")], result["statuses"]
    assert result["statuses"].get("200", 0) >= 0.9 * result["requests"] and result["requests"] >= 300
    assert server.returncode in (0, -15), log.read_text()[-2000:]
