"""Public pages against a bare view returning the same bytes, through the same middleware on the same gunicorn."""

import json
import re
import shutil
import subprocess

from django.conf import settings

from .client import Browser
from .report import Row, median, ratio, size

WARM_UP_SECONDS = 2
ROUND_SECONDS = 2
# Short rounds, many of them: a burst of load from another process falls on both sides alike.
ROUNDS = 6
# As many connections as the server has threads (4 workers × 2), from one wrk thread: wrk needs little CPU.
CONNECTIONS = 8

REQUESTS_PER_SECOND = re.compile(r"Requests/sec:\s+([\d.]+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def pages(call_slug):
    """(name, path, target ratio, label) of each public page measured."""
    return (
        ("call", f"/label/{call_slug}/", 0.5, f"Public call page `/label/{call_slug}/` (anonymous)"),
        ("home", "/", 0.5, "Home page `/` (anonymous)"),
        ("accessibility", "/accessibilite/", 0.7, "`/accessibilite/`, no query of its own (anonymous)"),
        ("catalogue", "/projets/", 0.5, "Catalogue `/projets/`, 5,000 published projects (anonymous)"),
        ("search", "/projets/?q=eclairage", 0.5, "Search `/projets/?q=eclairage`, 5,000 projects (anonymous)"),
    )


def capture(browser, name, path):
    """Store the bytes and content type an anonymous visitor gets, for the bare view to return."""
    answer = browser.get(path)
    if answer.status != 200:
        raise RuntimeError(f"GET {path} answered HTTP {answer.status}")
    folder = settings.BENCH_BARE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.body").write_bytes(answer.body)
    (folder / f"{name}.json").write_text(json.dumps({"path": path, "content_type": answer.headers["content-type"]}))
    return answer.body


def wrk(url, duration):
    """Requests per second of ``url`` under ``CONNECTIONS`` keep-alive connections; raises on any error."""
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = NON_2XX.search(output)
    sockets = SOCKET_ERRORS.search(output)
    if (errors and int(errors.group(1))) or (sockets and any(int(count) for count in sockets.groups())):
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    return float(REQUESTS_PER_SECOND.search(output).group(1))


def measure(port, call_slug):
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk; `make bench` installs it)")
    base = f"http://127.0.0.1:{port}"
    result = []
    for name, path, target, label in pages(call_slug):
        body = capture(Browser("127.0.0.1", port), name, path)
        bare_path = f"/_bench/bare/{name}/"
        bare = Browser("127.0.0.1", port).get(bare_path)
        if bare.status != 200 or bare.body != body:
            raise RuntimeError(f"The bare view {bare_path} does not return the bytes of {path}")
        urls = {"page": base + path, "bare": base + bare_path}
        for url in urls.values():
            wrk(url, WARM_UP_SECONDS)
        rates = {"page": [], "bare": []}
        for round_ in range(ROUNDS):
            # Page first, then bare first: neither always runs on the warmer machine.
            order = ("page", "bare") if round_ % 2 == 0 else ("bare", "page")
            for which in order:
                rates[which].append(wrk(urls[which], ROUND_SECONDS))
        page_rate, bare_rate = median(rates["page"]), median(rates["bare"])
        result.append(
            Row(
                work=f"{label}: requests/s, {size(len(body))}",
                median=f"{page_rate:,.0f} req/s",
                reference="bare view, same bytes, same server",
                reference_median=f"{bare_rate:,.0f} req/s",
                ratio=ratio(page_rate / bare_rate),
                target=f"≥ {target:g} ×",
                passed=page_rate / bare_rate >= target,
                details={"requests_per_second": rates, "rounds": ROUNDS, "round_seconds": ROUND_SECONDS},
            )
        )
    return result
