"""Links: fetched with a timeout and a size cap, http(s) only, never into the server's own network."""

import http.server
import threading
import time

import pytest

from qa.archive.ingest import IngestError
from qa.archive.ingest.url import extract_url, fetch
from qa.bench.ingest import PAGES

PAGE = (PAGES / "bbc-rail.html").read_bytes()


def _gzip_bomb(size: int, layers: int = 1) -> bytes:
    import gzip

    body = b"\0" * size
    for _ in range(layers):
        body = gzip.compress(body, 9)
    return body


BOMB = _gzip_bomb(200_000_000)  # about 200 KB on the wire, 200 MB decoded
STACKED = _gzip_bomb(20_000, 2)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path == "/drip":  # headers at once, then a byte a second for ever
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path in ("/bomb", "/stacked", "/brotli"):
            body, encoding = {"/bomb": (BOMB, "gzip"), "/stacked": (STACKED, "gzip, gzip"),
                              "/brotli": (b"\x1b\xff\xff", "br")}[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path == "/slow":
            time.sleep(3)
        if self.path.startswith("/redirect-to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect-to/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGE if self.path != "/huge" else b"<html><body><p>" + b"x" * 3_000_000 + b"</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def log_message(self, *args):
        pass


class Site(http.server.ThreadingHTTPServer):
    """A local site whose client may hang up mid-page (the fetcher giving up is what is tested): that is
    no error of the site's, so it prints no traceback."""

    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def site():
    server = Site(("127.0.0.1", 0), Handler)
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
    with pytest.raises(IngestError, match="did not send the page within"):
        fetch(f"{site}/slow", timeout=0.5, allow_private=True)
    with pytest.raises(IngestError, match="over the 1 MB limit"):
        fetch(f"{site}/huge", max_bytes=1_000_000, allow_private=True)


def test_a_host_that_does_not_exist_is_a_clear_error():
    with pytest.raises(IngestError, match="cannot find the host"):
        fetch("http://no-such-host.invalid/", timeout=2)


def test_a_site_that_drips_is_given_up_on_at_the_overall_deadline(site):
    # Each read gets its byte within a second: only a deadline over the whole body gives up.
    with pytest.raises(IngestError, match="within 3 s"):
        fetch(f"{site}/drip", timeout=3, allow_private=True)


def test_a_compression_bomb_stops_at_the_cap_as_it_is_decoded(site):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(IngestError, match="over the"):
        fetch(f"{site}/bomb", max_bytes=5_000_000, allow_private=True)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # never the 200 MB the body inflates to


@pytest.mark.parametrize("path", ["/stacked", "/brotli"])
def test_stacked_or_unasked_encodings_are_refused(site, path):
    with pytest.raises(IngestError, match="encoding we do not decode"):
        fetch(f"{site}{path}", allow_private=True)


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "64:ff9b::a00:1", "::10.0.0.1", "2002:c0a8:101::",
                                     "fec0::1", "::ffff:169.254.169.254"])
def test_ipv6_forms_that_embed_a_private_ipv4_address_are_not_public(address):
    import ipaddress

    from qa.archive.ingest.url import is_public

    assert not is_public(ipaddress.ip_address(address))
    assert is_public(ipaddress.ip_address("64:ff9b::808:808"))  # NAT64 of a public address is fine


def _stand_in_public(monkeypatch, address: str) -> None:
    """Let one loopback address count as public: it stands in for a server on the internet."""
    import qa.archive.ingest.url as url_module

    real = url_module.is_public
    monkeypatch.setattr(url_module, "is_public", lambda a: str(a) == address or real(a))


def test_a_public_link_that_redirects_to_a_private_address_is_refused(site, monkeypatch):
    public = Site(("127.0.0.2", 0), Handler)
    threading.Thread(target=public.serve_forever, daemon=True).start()
    try:
        _stand_in_public(monkeypatch, "127.0.0.2")
        start = f"http://127.0.0.2:{public.server_address[1]}"
        assert fetch(f"{start}/news")[1] == PAGE  # the stand-in public site itself is fetched
        with pytest.raises(IngestError, match="local or private"):
            fetch(f"{start}/redirect-to/{site}/news")
    finally:
        public.shutdown()


def test_a_name_that_rebinds_to_a_private_address_after_the_check_is_never_connected_to(site, monkeypatch):
    import socket

    real = socket.getaddrinfo
    port = int(site.rsplit(":", 1)[1])
    answers = iter(["93.184.216.34"])  # public for the first look-up, loopback for every later one

    def rebinding(host, *args, **kwargs):
        if host != "news.example":
            return real(host, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(IngestError, match="local or private"):
        fetch(f"http://news.example:{port}/news", timeout=5)


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://[::1/", "http://example.com:abc/"])
def test_a_malformed_link_is_a_bad_link_not_a_crash(url):
    with pytest.raises(IngestError, match="not a valid link"):
        fetch(url, timeout=2)


def test_a_redirect_to_a_malformed_link_is_a_bad_link(site):
    port = site.rsplit(":", 1)[1]
    with pytest.raises(IngestError):
        fetch(f"{site}/redirect-to/http:\\\\127.0.0.1:{port}\\x", allow_private=True, timeout=5)


def test_add_reports_each_malformed_link_and_adds_the_rest(tmp_path):
    import shutil
    import subprocess
    import sys

    from qa.settings import PROJECT_ROOT

    docs = tmp_path / "docs"
    shutil.copytree(PROJECT_ROOT / "seeds", docs)
    article = tmp_path / "gamma.txt"
    article.write_text("Gamma\n\n" + " ".join(f"De haven van Gamma sloeg in week {k} een record aantal containers over."
                                              for k in range(1, 8)), "utf-8")
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), "add", "--docs", str(docs), "--index-dir",
                             str(tmp_path / "index"), "http://example.com:99999/", "http://[::1/", str(article)],
                            capture_output=True, text=True, timeout=300)
    assert result.stderr.count("not a valid link") == 2
    assert "Traceback" not in result.stderr
    assert (docs / "gamma.txt").exists()
