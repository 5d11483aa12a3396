"""A page opened as a person opens it: the operating system's Chromium, headless, driven
over the DevTools protocol (websocket-client), with the network switched off.

`open_page(path, shot)` loads a local file and returns what a test asserts on: every console
error, uncaught exception and browser log error (Content-Security-Policy violations among
them), every request the page made, and what a script measured on the rendered page; it
saves a full-page screenshot to `shot`.

Chromium comes from Debian's packages (`apt-get install chromium`; `.ci/run` installs it
where missing). Without it the tests that need it are skipped, except in CI (CI=true), where
they fail: there a missing browser is a broken install, not a choice.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
#: what works here: no sandbox as root, and no background traffic to a network there is not
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
)


def chromium() -> str:
    """The browser's path; skips the test without one (fails it in CI)."""
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    reason = "Chromium not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Page:
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    measured: Any = None
    screenshot: Path | None = None


class DevTools:
    """One page target's DevTools connection: commands, and the events seen meanwhile."""

    def __init__(self, url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.events: list[dict] = []
        self._id = 0

    def send(self, method: str, **params) -> dict:
        self._id += 1
        self.socket.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {seconds} s")
            self.events.append(json.loads(self.socket.recv()))

    def close(self) -> None:
        self.socket.close()


def _endpoint(profile: Path, process: subprocess.Popen, seconds: float = 30) -> int:
    """The DevTools port Chromium chose (it writes it into the profile)."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + seconds
    while not port_file.is_file() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Chromium did not start (exit code {process.poll()})")
        time.sleep(0.1)
    return int(port_file.read_text().split()[0])


def _errors(events: list[dict]) -> list[str]:
    found = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value", a)) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            found.append("exception: " + params["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"log ({params['entry'].get('source')}): {params['entry'].get('text')}")
    return found


def open_page(path: Path, shot: Path, measure: str = "null") -> Page:
    """Load the local file `path` offline; `measure` is a script expression whose (JSON)
    value is returned as `measured`."""
    browser = chromium()
    profile = Path(tempfile.mkdtemp(prefix="fakehouse-chromium-"))
    process = subprocess.Popen(
        [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = Page()
    try:
        port = _endpoint(profile, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        target = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(target["webSocketDebuggerUrl"])
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.send(f"{domain}.enable")
            tools.send(
                "Network.emulateNetworkConditions",
                offline=True,
                latency=0,
                downloadThroughput=-1,
                uploadThroughput=-1,
            )
            tools.events.clear()  # about:blank's own
            tools.send("Page.navigate", url=path.resolve().as_uri())
            tools.wait_for("Page.loadEventFired")
            size = tools.send("Page.getLayoutMetrics")["cssContentSize"]
            tools.send(
                "Emulation.setDeviceMetricsOverride",
                width=1280,
                height=int(size["height"]),
                deviceScaleFactor=1,
                mobile=False,
            )
            value = tools.send(
                "Runtime.evaluate", expression=f"JSON.stringify({measure})", returnByValue=True
            )
            page.measured = json.loads(value["result"]["value"])
            picture = tools.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            shot.write_bytes(base64.b64decode(picture["data"]))
            page.screenshot = shot
            time.sleep(0.2)  # let late console messages arrive
            tools.send("Runtime.evaluate", expression="1")
            page.errors = _errors(tools.events)
            page.requests = [
                e["params"]["request"]["url"]
                for e in tools.events
                if e.get("method") == "Network.requestWillBeSent"
            ]
        finally:
            tools.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return page
