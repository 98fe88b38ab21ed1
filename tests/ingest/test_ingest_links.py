"""Links: fetched with a timeout and a size cap, http(s) only, never into the server's own network."""

import http.server
import threading
import time

import pytest

from qa.bench.ingest import PAGES
from qa.ingest import IngestError
from qa.ingest.url import extract_url, fetch

PAGE = (PAGES / "bbc-rail.html").read_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path == "/slow":
            time.sleep(3)
        if self.path.startswith("/redirect-to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect-to/"):])
            self.end_headers()
            return
        body = PAGE if self.path != "/huge" else b"<html><body><p>" + b"x" * 3_000_000 + b"</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_link_on_loopback_is_refused_by_default_and_fetched_when_allowed(site):
    with pytest.raises(IngestError, match="local or private"):
        extract_url(f"{site}/news/rail-strike")
    extracted = extract_url(f"{site}/news/rail-strike", allow_private=True)
    assert extracted.title == "Rail strike: Passengers warned of disruption on Friday"
    assert "fifteen operators" in extracted.text and "Skip to content" not in extracted.text
    assert extracted.url.endswith("/news/rail-strike")


@pytest.mark.parametrize("url", [
    "http://10.0.0.7/admin", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://0.0.0.0/", "http://localhost/", "http://172.16.5.4/",
])
def test_private_network_addresses_are_refused(url):
    with pytest.raises(IngestError, match="local or private"):
        fetch(url, timeout=2)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "gopher://x/",
                                 "not a link"])
def test_only_http_and_https_links_are_taken(url):
    with pytest.raises(IngestError, match="only http"):
        fetch(url, timeout=2)


def test_a_redirect_is_checked_like_the_first_link(site):
    with pytest.raises(IngestError, match="only http"):
        fetch(f"{site}/redirect-to/file:///etc/passwd", allow_private=True)
    # A redirect within what is allowed is followed, to the page it leads to.
    final, body = fetch(f"{site}/redirect-to/{site}/news", allow_private=True)
    assert final == f"{site}/news" and body == PAGE


def test_a_slow_site_times_out_and_a_huge_page_is_cut_off(site):
    started = time.perf_counter()
    with pytest.raises(IngestError, match="did not answer within"):
        fetch(f"{site}/slow", timeout=0.5, allow_private=True)
    assert time.perf_counter() - started < 2.5
    with pytest.raises(IngestError, match="over the 1 MB limit"):
        fetch(f"{site}/huge", max_bytes=1_000_000, allow_private=True)


def test_a_host_that_does_not_exist_is_a_clear_error():
    with pytest.raises(IngestError, match="cannot find the host"):
        fetch("http://no-such-host.invalid/", timeout=2)
