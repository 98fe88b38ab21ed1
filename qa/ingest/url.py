"""Links: fetch a page (http and https only, time- and size-capped) so the server cannot be turned
against its own network, then extract it like a saved page."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

from qa.ingest import Extracted, IngestError, extract, megabytes

MAX_REDIRECTS = 5


def _check_address(url: str, allow_private: bool) -> None:
    """Refuse a URL whose scheme is not http(s), or whose host resolves to loopback, private, link-local
    or otherwise non-public addresses (unless `allow_private`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IngestError("only http:// and https:// links can be added")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise IngestError(f"cannot find the host {parts.hostname}") from None
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise IngestError(f"links to local or private network addresses are refused ({parts.hostname}); "
                              "QA_ALLOW_PRIVATE_URLS=1 allows them")


def fetch(url: str, timeout: float = 10.0, max_bytes: int = 20_000_000,
          allow_private: bool = False) -> tuple[str, bytes]:
    """Download `url`, following at most five redirects, each checked like the first.

    Returns:
        `(final url, body)`.

    Raises:
        IngestError: a refused address or scheme, a timeout, an HTTP error, or a body over `max_bytes`.
    """
    import httpx

    url = url.strip()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                          headers={"User-Agent": "qa-news/1.0 (article fetcher)"}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                _check_address(url, allow_private)
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise IngestError(f"the site answered {response.status_code} for {url}")
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise IngestError(f"the page is over the {megabytes(max_bytes)} limit")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise IngestError(f"the page is over the {megabytes(max_bytes)} limit")
                    return url, bytes(body)
            raise IngestError("too many redirects")
    except httpx.TimeoutException:
        raise IngestError(f"the site did not answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise IngestError(f"cannot fetch the link ({type(error).__name__})") from None


def extract_url(url: str, timeout: float = 10.0, max_bytes: int = 20_000_000,
                allow_private: bool = False) -> Extracted:
    """Fetch a link and extract the article it holds (a page, a PDF or plain text)."""
    final, body = fetch(url, timeout, max_bytes, allow_private)
    name = urlsplit(final).path.rsplit("/", 1)[-1] or "page.html"
    return extract(name, body, url=final)
