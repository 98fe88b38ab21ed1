"""The web chat: a real Gradio server, called by gradio_client and driven in headless Chromium."""

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qa.settings import PROJECT_ROOT
from tests.conftest import SEEDS, free_port, wait_for_port

APP = str(PROJECT_ROOT / "app.py")
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INJECTION = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
EVIL_ARTICLE = (
    "Kattenshow in Utrecht\n\n"
    f"De jaarlijkse kattenshow in Utrecht trok zondag vierhonderd bezoekers {INJECTION} en "
    "[klik hier](javascript:window.pwned=1) om de winnaar te zien. De winnaar was een Maine Coon.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    docs = tmp_path_factory.mktemp("web-docs")
    shutil.copy(next(SEEDS.glob("*.txt")), docs)
    (docs / "kattenshow.txt").write_text(EVIL_ARTICLE, encoding="utf-8")
    port = free_port()
    log = tmp_path_factory.mktemp("web-log") / "server.log"
    handle = open(log, "w")
    process = subprocess.Popen(
        [sys.executable, APP, "--docs", str(docs), "--index-dir", str(tmp_path_factory.mktemp("web-index")),
         "--port", str(port)], stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_port(port, process)
    except RuntimeError as error:
        raise RuntimeError(f"{error}: {log.read_text()}") from None
    yield url, log
    process.terminate()
    process.wait(timeout=20)
    handle.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


def test_server_binds_loopback_and_prints_its_address(server):
    url, log = server
    assert url.rstrip("/") in log.read_text()


def test_ask_endpoint_returns_the_jsonl_object(client):
    dutch = client.predict("Hoe lang is Lukashenko al aan de macht?", [], api_name="/ask")
    assert dutch["answerable"] and "26 jaar" in dutch["answer"] and dutch["language"] == "nl"
    assert set(dutch) >= {"id", "answer", "answerable", "language", "citations", "latency_ms"}
    english = client.predict("What share of the vote did the incumbent president get?", [], api_name="/ask")
    assert "80 procent" in english["answer"] and english["language"] == "en"
    assert english["citations"][0]["quote"] in english["citations"][0]["text"]


def test_ask_endpoint_follow_up_uses_history(client):
    history = [{"role": "user", "content": "Wat willen de ministers van Buitenlandse Zaken van de EU?"},
               {"role": "assistant", "content": "Sancties opleggen. [1]"}]
    result = client.predict("Wanneer hebben ze dat besloten?", history, api_name="/ask")
    assert "vrijdag" in result["answer"]


def test_ask_endpoint_bad_input_is_an_error_not_a_crash(client):
    assert "too long" in client.predict("x" * 2001, [], api_name="/ask")["error"]
    assert "empty" in client.predict("", [], api_name="/ask")["error"]
    assert client.predict("Wat zei het Kremlin?", [], api_name="/ask")["answerable"]  # still serving


@pytest.mark.slow
def test_twenty_concurrent_clients_each_get_their_own_answer(server):
    from gradio_client import Client

    questions = [("Hoe lang is Lukashenko al aan de macht?", "26 jaar"),
                 ("Wat willen de ministers van Buitenlandse Zaken van de EU?", "sancties"),
                 ("Hoeveel procent van de stemmen kreeg de zittende president?", "80 procent"),
                 ("Wie hebben de demonstranten opgepakt?", "oproerpolitie")]

    def one(i):
        question, expected = questions[i % len(questions)]
        result = Client(server[0], verbose=False).predict(question, [], api_name="/ask")
        return expected in result["answer"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert all(pool.map(one, range(20)))


def test_json_endpoint_answers_like_the_protocol_and_refuses_bad_bodies(server):
    import httpx

    api = server[0] + "api/ask"
    answer = httpx.post(api, content=json.dumps({"id": "q1", "question": "Hoe lang is Lukashenko al aan de macht?"}))
    assert answer.status_code == 200 and answer.json()["id"] == "q1" and "26 jaar" in answer.json()["answer"]
    for body, status in ((b"not json", 400), (b'{"id": 2}', 400), (b'{"question": "Wie \\ud800?"}', 400),
                         (b"[" * 100_000, 400), (b"x" * 1_100_000, 413)):
        refused = httpx.post(api, content=body)
        assert refused.status_code == status and "error" in refused.json(), body[:20]
    assert httpx.post(api, content=json.dumps({"question": "Wat zei het Kremlin?"})).json()["answerable"]


@pytest.mark.slow
def test_the_load_bench_counts_requests_and_finds_no_wrong_answers(server):
    from qa.bench import load

    for endpoint in load.ENDPOINTS:
        result = load.run(server[0], endpoint, clients=4, seconds=2, questions=load.QUESTIONS[:3])
        assert result.requests >= 4 and result.errors == 0 and result.wrong == 0, endpoint
        assert result.row()["p95 ms"] >= result.row()["p50 ms"] > 0


# -- in a real browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI: .ci/run must install it (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _ask(page, question: str, wait_for: str = "#qa-sources .qa-source, #qa-sources .qa-refusal") -> float:
    box = page.locator("#qa-input textarea")
    box.fill(question)
    count = page.locator("#qa-chat .message").count()
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#qa-chat .message').length >= {count + 2}")
    page.locator(wait_for).first.wait_for()
    return time.perf_counter() - started


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server[0])
    page.locator("#qa-input textarea").wait_for()
    yield page
    context.close()


@pytest.mark.slow
def test_browser_page_asks_no_outside_host_and_uses_fonts_it_has(browser, server):
    context = browser.new_context()
    page = context.new_page()
    blocked = []

    def only_the_server(route):
        if route.request.url.startswith(server[0].rstrip("/")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto(server[0])
    page.locator("#qa-input textarea").wait_for()
    _ask(page, "Wat zei het Kremlin?")
    assert blocked == []
    assert page.evaluate("Array.from(document.fonts).filter(f => f.status === 'error').length") == 0
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith("system-ui")  # no web font that lacks glyphs
    assert "🛈" not in page.locator("body").inner_text()
    context.close()


@pytest.mark.slow
def test_browser_cited_answer_with_marker_and_highlighted_source(page):
    seconds = _ask(page, "Hoe lang is Lukashenko al aan de macht?")
    chat = page.locator("#qa-chat").inner_text()
    assert "26 jaar" in chat and "[1]" in chat
    marker = page.locator("#qa-chat a[href='#qa-source-1']")
    assert marker.count() >= 1
    highlighted = page.locator("#qa-source-1 mark").inner_text()
    assert "26 jaar aan de macht" in highlighted
    assert "alinea 3" in page.locator("#qa-source-1").inner_text()
    page.get_by_role("tab", name="Artikel / Article").click()
    assert "26 jaar" in page.locator("#qa-article mark.qa-quote").inner_text()
    heading = page.locator("#qa-article h3").first.inner_text()
    assert "Lukashenko" in heading and not heading.endswith(".txt")  # the article, not its file name
    assert page.get_by_text("Use via API").count() == 0  # Gradio's endpoints are not ours to advertise
    page.get_by_role("tab", name="Bronnen / Sources").click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cited-answer.png"), full_page=True)
    (ARTIFACTS / "timing.json").write_text(json.dumps({"answer_on_screen_s": seconds}))
    warm = _ask(page, "Wat willen de ministers van Buitenlandse Zaken van de EU?")
    print(f"answer on screen after {seconds:.2f} s (first), {warm:.2f} s (warm)")


@pytest.mark.slow
def test_browser_refusal_looks_different_and_cites_nothing(page):
    _ask(page, "Hoe heet de burgemeester van Amsterdam?")  # (the capital of France now finds "hoofdstad Minsk")
    assert "Dat staat niet in het artikel." in page.locator("#qa-chat").inner_text()
    assert page.locator("#qa-sources .qa-refusal").count() == 1
    # The nearest passages are shown as related, never as support: no cited source, no highlighted quote.
    assert page.locator("#qa-sources .qa-source.qa-cited, #qa-sources mark").count() == 0
    assert page.locator("#qa-sources .qa-source.qa-near").count() >= 1


@pytest.mark.slow
def test_browser_renders_article_and_question_text_as_text(page):
    _ask(page, "Hoeveel bezoekers trok de kattenshow in Utrecht?")
    _ask(page, INJECTION + " wat is dit?")
    page.get_by_role("tab", name="Artikel / Article").click()
    page.wait_for_function("document.querySelector('#qa-article').innerText.includes('<img src=x')")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<img src=x" in page.locator("#qa-article").inner_text()
    assert "<img src=x" in page.locator("#qa-chat").inner_text()
    assert page.locator("#qa-article img, #qa-sources img, #qa-chat img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


@pytest.mark.slow
def test_browser_sessions_are_separate_and_reset_forgets(browser, server):
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    for page in (first, second):
        page.goto(server[0])
        page.locator("#qa-input textarea").wait_for()
    _ask(first, "Wat willen de ministers van Buitenlandse Zaken van de EU?")
    _ask(second, "Hoeveel procent van de stemmen kreeg de zittende president?")
    assert "sancties" not in second.locator("#qa-chat").inner_text()
    _ask(first, "Wanneer hebben ze dat besloten?")
    assert "vrijdag" in first.locator("#qa-chat").inner_text()
    first.locator("#qa-reset").click()
    first.wait_for_function("document.querySelectorAll('#qa-chat .message').length === 0")
    for page in (first, second):
        page.context.close()


@pytest.mark.slow
def test_browser_overlong_and_empty_messages(page):
    _ask(page, "woord " * 450, wait_for="#qa-sources .qa-muted")
    # The error comes in the question's language.
    page.wait_for_function("document.querySelector('#qa-chat').innerText.includes('vraag te lang')")
    _ask(page, "Hoe lang is Lukashenko al aan de macht?")  # and the chat goes on
    assert "26 jaar" in page.locator("#qa-chat .message").last.inner_text()


def test_generated_answers_stream_verified_sentences_into_the_chat(engine):
    from qa.faces.web.page import respond
    from tests.test_grounded import prompt_number, scripted, with_model

    question = "Wat willen de ministers van Buitenlandse Zaken van de EU?"
    n = prompt_number(engine, question, 9)
    model = scripted(f"De ministers willen sancties opleggen aan de Wit-Russische functionarissen [{n}]. "
                     f"Ze sturen 40 tanks [{n}]. Dat hebben ze vrijdag tijdens een ingelaste vergadering besloten [{n}].")
    updates = list(respond(with_model(engine, model), question, []))
    assert updates[0][1][-1]["content"] == "…"  # the question shows at once, the answer is on its way
    partial = updates[1][1][-1]["content"]
    assert "sancties" in partial and partial.endswith("…") and "tanks" not in partial
    final = updates[-1][1][-1]["content"]
    assert "tanks" not in final and "#qa-source-1" in final
    assert "taalmodel" in final and "weggelaten" in final


@pytest.mark.slow
def test_non_loopback_without_auth_warns_and_auth_protects(tmp_path):
    from gradio_client import Client

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, APP, "--docs", str(SEEDS), "--index-dir", str(tmp_path / "i"), "--host", "0.0.0.0",
         "--port", str(port), "--auth", "reader:secret"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, process)
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError, match="credentials were not provided"):  # no login, no answers
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict("Wat zei het Kremlin?", [], api_name="/ask")
        import httpx

        assert httpx.post(f"http://127.0.0.1:{port}/gradio_api/call/ask", json={"data": ["x", []]}).status_code == 401
        client = Client(f"http://127.0.0.1:{port}/", auth=("reader", "secret"), verbose=False)
        assert client.predict("Wat zei het Kremlin?", [], api_name="/ask")["answerable"]

        login = f"http://127.0.0.1:{port}/login"
        api = f"http://127.0.0.1:{port}/api/ask"
        body = json.dumps({"id": 1, "question": "Wat zei het Kremlin?"})
        # Asking without credentials is no failed login: it slows no one and locks no one out.
        assert all(httpx.post(api, content=body).status_code == 401 for _ in range(20))
        # A guesser gets its five tries, answered at once, then 429 with the seconds to wait.
        guesser = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        codes = [guesser.post(login, data={"username": "reader", "password": "guess"}).status_code
                 for _ in range(7)]
        assert codes == [400] * 5 + [429] * 2
        refused = guesser.post(login, data={"username": "reader", "password": "secret"})
        assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 60
        assert guesser.post(api, content=body, auth=("reader", "secret")).status_code == 429
        # X-Forwarded-For is believed from no one by default: a new one on each try is the same client.
        spoofer = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"))
        codes = [spoofer.post(login, data={"username": "reader", "password": "guess"},
                              headers={"X-Forwarded-For": f"203.0.113.{k}"}).status_code for k in range(7)]
        assert codes == [400] * 5 + [429] * 2
        # The reader on another address logs in at once, the guesser notwithstanding.
        ok = httpx.post(login, data={"username": "reader", "password": "secret"})
        assert ok.status_code == 200 and "retry-after" not in ok.headers
        # The plain JSON endpoint takes the same account, by HTTP Basic auth.
        assert httpx.post(api, content=body, auth=("reader", "wrong")).status_code == 401
        assert httpx.post(api, content=body, auth=("reader", "secret")).json()["answerable"]
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "warning" not in process.stderr.read()  # with --auth, no warning
    warned = subprocess.run([sys.executable, APP, "--docs", str(SEEDS), "--index-dir", str(tmp_path / "i"),
                             "--host", "0.0.0.0", "--port", "1", "--auth", "nopassword"],
                            capture_output=True, text=True, timeout=60)
    assert warned.returncode == 2 and "USER:PASSWORD" in warned.stderr


def test_binding_beyond_loopback_without_auth_prints_a_warning(tmp_path):
    from qa.faces.web.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
    # A missing articles folder stops the server right after the warning, so nothing listens here.
    result = subprocess.run([sys.executable, APP, "--host", "0.0.0.0", "--docs", str(tmp_path / "none")],
                            capture_output=True, text=True, timeout=60)
    assert "warning: listening on 0.0.0.0 without --auth" in result.stderr
    assert result.returncode == 2 and "articles folder not found" in result.stderr


def test_an_empty_message_adds_nothing_to_the_chat(engine):
    from qa.faces.web.page import respond

    for message in ("", "   "):
        updates = list(respond(engine, message, []))
        assert len(updates) == 1 and updates[0][1] == []


def test_the_question_shows_at_once_with_a_sign_of_work(engine):
    from qa.faces.web.page import respond

    first = next(respond(engine, "Wat zei het Kremlin?", []))
    chat = first[1]
    assert chat[0] == {"role": "user", "content": "Wat zei het Kremlin?"}
    assert chat[1]["role"] == "assistant" and chat[1]["content"] == "…"


def test_the_heading_names_the_articles_not_their_lead_sentences(tmp_path):
    from qa.archive.documents import load_documents
    from qa.faces.render import title_html

    (tmp_path / "a.txt").write_text("Stroom wordt duurder\n\nDe prijs van stroom stijgt volgend jaar.\n")
    (tmp_path / "b.txt").write_text("Nieuwe brug open\n\nDe brug over de Waal is vandaag geopend.\n")
    heading = title_html(load_documents(tmp_path))
    assert "2 artikelen" in heading and "Stroom wordt duurder" in heading and "Nieuwe brug open" in heading
    assert "De prijs" not in heading and "Lukashenko" not in heading


@pytest.mark.slow
def test_an_article_edited_while_the_chat_runs_is_answered_from_its_new_text(tmp_path):
    from gradio_client import Client

    docs = tmp_path / "docs"
    docs.mkdir()
    article = docs / "seed.txt"
    article.write_text(next(SEEDS.glob("*.txt")).read_text("utf-8"), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([sys.executable, APP, "--docs", str(docs), "--index-dir", str(tmp_path / "index"),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, process)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        question = "Hoe lang is Lukashenko al aan de macht?"
        assert "26 jaar" in client.predict(question, [], api_name="/ask")["answer"]
        article.write_text(article.read_text("utf-8").replace("26 jaar", "31 jaar"), encoding="utf-8")
        (docs / "new.txt").write_text("Nieuwe brug open\n\nDe nieuwe brug over de Waal bij Nijmegen is "
                                      "dinsdag geopend door de koning.\n", encoding="utf-8")
        result = client.predict(question, [], api_name="/ask")
        quoted = " ".join(c["text"] for c in result["citations"])
        assert "31 jaar" in quoted and "26 jaar" not in quoted + result["answer"]
        for cited in result["citations"]:  # offsets into each cited article's text as it is now
            text = (docs / cited["source"]).read_text("utf-8")
            assert text[cited["start"]:cited["end"]] == cited["text"]
        assert "koning" in client.predict("Wie opende de brug over de Waal?", [], api_name="/ask")["answer"]
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "articles changed" in process.stderr.read()


@pytest.mark.slow
@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_an_ipv6_loopback_host_serves_instead_of_crashing(tmp_path, host):
    port = free_port()
    process = subprocess.Popen([sys.executable, APP, "--host", host, "--port", str(port), "--index-dir",
                                str(tmp_path / "index")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, process)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Traceback" not in output and "127.0.0.1" in output


def test_a_large_archive_does_not_travel_with_every_answer(engine, monkeypatch):
    from qa.faces import render

    answer = engine.ask("Hoe lang is Lukashenko al aan de macht?").answer
    whole = render.article_view(engine.documents, answer)
    monkeypatch.setattr(render, "ARTICLE_VIEW_CHARS", 100)  # as if the seed were a big archive
    other = engine.documents[0].__class__("other.txt", "Een ander artikel. " * 50, "Ander artikel", "", (), "")
    view = render.article_view(engine.documents + [other], answer)
    assert "26 jaar" in view and "Een ander artikel" not in view and view == whole  # only the cited article
    listing = render.article_view(engine.documents + [other], None)
    assert "Ander artikel" in listing and "26 jaar" not in listing


# -- adding articles ---------------------------------------------------------------------------

def test_adding_in_the_chat_reports_progress_then_the_article_or_why_not(tmp_path, docs_dir):
    from qa.answering.chat import Engine
    from qa.archive.library import Library
    from qa.bench.ingest import PAGES
    from qa.faces.web.page import add_article, remove_article, scope_choices
    from qa.settings import Settings

    engine = Engine.open(Settings(docs_dir=docs_dir, index_dir=tmp_path / "index"), progress=False)
    library = Library(engine)
    upload = tmp_path / "gradio-temp" / "nos-dijken.html"
    upload.parent.mkdir()
    upload.write_bytes((PAGES / "nos-dijken.html").read_bytes())
    steps = list(add_article(library, "file", str(upload)))
    assert steps[0].startswith("⏳") and steps[-1].startswith("✓") and "5 passages" in steps[-1]
    assert not upload.exists()  # Gradio's temporary copy is not left behind
    assert any("Waterschappen" in label and "5 passages" in label for label, _ in scope_choices(engine, None))
    refusals = {
        "link": ("http://127.0.0.1:9/nieuws", "local or private"),
        "text": ("kort", "paste the article"),
    }
    for how, (value, reason) in refusals.items():
        last = list(add_article(library, how, value))[-1]
        assert last.startswith("⚠") and reason in last.replace("\\", ""), last
    png = tmp_path / "foto.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert "it is a PNG image" in list(add_article(library, "file", str(png)))[-1]
    assert "choose a file" in list(add_article(library, "file", None))[-1]
    again = tmp_path / "gradio-temp" / "kopie.html"
    again.write_bytes((PAGES / "nos-dijken.html").read_bytes())
    assert "already there" in list(add_article(library, "file", str(again)))[-1]
    legacy = tmp_path / "gradio-temp" / "..\\..\\café één.txt"  # an odd, path-like name in a legacy encoding
    legacy.write_bytes("Het café in Zeeland heropent na één jaar verbouwing, zegt de eigenaar tegen de "
                       "regionale omroep.".encode("cp1252"))
    assert list(add_article(library, "file", str(legacy)))[-1].startswith("✓")
    assert sorted(p.name for p in engine.settings.uploads.iterdir()) == ["café-één.txt", "nos-dijken.html"]
    large = tmp_path / "gradio-temp" / "groot.txt"
    large.write_bytes(b"Een zin over niets. " * 1000)
    small = engine.settings.replace(max_upload_bytes=10_000)
    engine.settings, settings = small, engine.settings
    assert "over the 0.01 MB limit" in list(add_article(library, "file", str(large)))[-1].replace("\\", "")
    engine.settings = settings
    assert "één jaar" in engine.ask("Wanneer heropent het café?").answer.text
    assert remove_article(library, engine.documents[0].source).startswith("⚠")  # the server's own article stays
    assert remove_article(library, "uploads/nos-dijken.html").startswith("✓")
    assert [d.source for d in engine.documents] == [engine.documents[0].source, "uploads/café-één.txt"]


@pytest.mark.slow
def test_a_slow_link_being_fetched_holds_up_no_other_upload(tmp_path, docs_dir):
    import threading

    from qa.answering.chat import Engine
    from qa.archive.library import Library
    from qa.faces.web.page import add_article
    from qa.settings import Settings
    from tests.ingest.test_ingest_links import Handler, Site

    site = Site(("127.0.0.1", 0), Handler)  # its /drip sends a byte a second
    threading.Thread(target=site.serve_forever, daemon=True).start()
    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index", allow_private_urls=True, fetch_timeout=6)
    library = Library(Engine.open(settings, progress=False))
    try:
        slow = {}
        link = threading.Thread(target=lambda: slow.update(
            said=list(add_article(library, "link", f"http://127.0.0.1:{site.server_address[1]}/drip"))[-1]))
        link.start()
        time.sleep(1)  # the link is being fetched
        said = list(add_article(library, "text", "De gemeente plant dit najaar 1200 nieuwe bomen in het centrum. "
                                                 "Het planten begint in november.", "Bomen"))[-1]
        fetching = link.is_alive()  # the text was added while the link was still being fetched
        link.join(30)
        assert said.startswith("✓") and fetching
        assert "did not send the page within" in slow["said"]
    finally:
        site.shutdown()


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory):
    """A web chat that may fetch links on loopback, and a local site to fetch them from."""
    import http.server
    import threading
    from functools import partial

    from qa.bench.ingest import PAGES

    site = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=str(PAGES)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    docs = tmp_path_factory.mktemp("upload-docs")
    shutil.copy(next(SEEDS.glob("*.txt")), docs)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, APP, "--docs", str(docs), "--index-dir", str(tmp_path_factory.mktemp("upload-index")),
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "QA_ALLOW_PRIVATE_URLS": "1"})
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{site.server_address[1]}/"
    process.terminate()
    process.wait(timeout=20)
    site.shutdown()


def _choose_file(page, path) -> None:
    """Choose a file with the add panel's button (which adds it at once)."""
    page.locator("#qa-upload").locator("xpath=..").locator("input[type=file]").set_input_files(str(path))


def _status(page, contains: str) -> str:
    page.wait_for_function("(t) => document.querySelector('#qa-status').innerText.includes(t)", arg=contains,
                           timeout=90_000)
    return page.locator("#qa-status").inner_text()


@pytest.mark.slow
def test_browser_uploads_a_page_pastes_text_adds_a_link_and_asks_about_each(browser, upload_server, tmp_path):
    from qa.bench.ingest import PAGES

    chat, site = upload_server
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(chat)
    page.locator("#qa-input textarea").wait_for()
    page.locator("#qa-add").click()
    _choose_file(page, PAGES / "nos-dijken.html")
    assert "Waterschappen versterken" in _status(page, "✓")
    page.get_by_role("tab", name="Tekst plakken / Paste text").click()
    page.locator("#qa-paste-title textarea, #qa-paste-title input").first.fill("Bomen in Utrecht")
    page.locator("#qa-paste textarea").fill("De gemeente Utrecht plant 1200 nieuwe bomen langs de Catharijnesingel. "
                                            "Het planten begint in november en duurt drie maanden.")
    page.locator("#qa-add-text").click()
    _status(page, "Bomen in Utrecht")
    page.get_by_role("tab", name="Link").click()
    page.locator("#qa-link textarea, #qa-link input").first.fill(site + "bbc-rail.html")
    page.locator("#qa-add-link").click()
    _status(page, "Rail strike")
    # A file that is no article (a picture under a text file's name; the picker refuses .png itself): a
    # clear message, and the chat goes on.
    picture = tmp_path / "foto.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    page.get_by_role("tab", name="Bestand / File").click()
    _choose_file(page, picture)
    assert "it is a PNG image" in _status(page, "⚠")

    for question, expected, source in (("Hoeveel kost de versterking van de dijken?", "310 miljoen", "nos-dijken"),
                                       ("Hoeveel bomen worden er geplant?", "1200", "bomen-in-utrecht"),
                                       ("What pay rise was the drivers' latest offer?", "four percent", "rail-strike")):
        _ask(page, question)
        assert expected in page.locator("#qa-chat .message").last.inner_text()
        assert source in page.locator("#qa-sources").inner_text().replace(" ", "-").lower() or \
            expected in page.locator("#qa-sources mark").first.inner_text()
    # The picker lists each article and limits the conversation to the one chosen.
    page.locator("#qa-scope input").click()
    options = [o.inner_text() for o in page.locator("[role=option]").all()]
    assert any("Rail strike" in o and "passages" in o for o in options) and len(options) == 5
    page.get_by_role("option", name="Bomen in Utrecht").first.click()
    _ask(page, "Hoe lang is Lukashenko al aan de macht?")
    assert "Bomen in Utrecht" in page.locator("#qa-sources").inner_text()
    assert "Lukashenko" not in page.locator("#qa-sources").inner_text()


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    docs = tmp_path_factory.mktemp("empty-docs")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, APP, "--docs", str(docs), "--index-dir", str(tmp_path_factory.mktemp("empty-index")),
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/", docs
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.slow
def test_browser_over_an_empty_folder_adds_a_page_and_answers_from_it(browser, empty_server):
    from qa.bench.ingest import PAGES
    from qa.bench.sets import OWN_DIR

    url, _ = empty_server
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.locator("#qa-input textarea").wait_for()
    assert "Nog geen artikelen: voeg er een toe / No articles yet: add one" in page.locator("#qa-title").inner_text()
    page.locator("#qa-upload").wait_for(state="visible", timeout=15_000)  # the add panel is open
    assert "Drop File Here" not in page.content() and "Click to Upload" not in page.content()
    _choose_file(page, PAGES / "nos-dijken.html")
    status = _status(page, "✓")
    assert "Waterschappen versterken" in status
    # The result stands by the button: inside the add panel, not at the foot of the page.
    assert page.locator("#qa-add #qa-status").count() == 1
    page.wait_for_function("document.querySelector('#qa-title').innerText.includes('Waterschappen')")
    _ask(page, "Hoeveel kost de versterking van de dijken?")
    assert "310 miljoen" in page.locator("#qa-chat .message").last.inner_text()
    assert "310 miljoen" in page.locator("#qa-sources strong.qa-short").first.inner_text()
    # A second article: the heading counts them, and an answer names the article it comes from.
    page.get_by_role("tab", name="Tekst plakken / Paste text").click()
    page.locator("#qa-paste textarea").fill((OWN_DIR / "docs" / "2025-08-museum-heist.txt").read_text("utf-8"))
    page.locator("#qa-add-text").click()
    _status(page, "Gold helmet")
    page.wait_for_function("document.querySelector('#qa-title').innerText.includes('2 artikelen / 2 articles')")
    _ask(page, "Where was the stolen helmet found?")
    answer = page.locator("#qa-chat .message").last.inner_text()
    assert "Ploiești" in answer and "Gold helmet stolen" in answer
    # Removing: no button while every article is chosen; for an added one there is.
    assert not page.locator("#qa-remove").is_visible()
    page.locator("#qa-scope input").click()
    page.get_by_role("option", name="Waterschappen").first.click()
    page.locator("#qa-remove").wait_for(state="visible")
    page.locator("#qa-remove").click()
    _status(page, "Verwijderd")
    page.wait_for_function("!document.querySelector('#qa-title').innerText.includes('2 artikelen')")


TREES = ("De gemeente Utrecht plant 1200 nieuwe bomen langs de Catharijnesingel. "
         "Het planten begint in november en duurt drie maanden.")


def _paste(page, title: str, text: str) -> str:
    page.locator("#qa-add").click()
    page.get_by_role("tab", name="Tekst plakken / Paste text").click()
    page.locator("#qa-paste-title textarea, #qa-paste-title input").first.fill(title)
    page.locator("#qa-paste textarea").fill(text)
    page.locator("#qa-add-text").click()
    return _status(page, "✓" if title else "⚠")


def _options(page) -> list[str]:
    page.locator("#qa-scope input").click()
    options = [o.inner_text() for o in page.locator("[role=option]").all()]
    page.keyboard.press("Escape")
    return options


@pytest.fixture(scope="module")
def private_server(tmp_path_factory):
    docs = tmp_path_factory.mktemp("private-docs")
    shutil.copy(next(SEEDS.glob("*.txt")), docs)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, APP, "--docs", str(docs), "--index-dir", str(tmp_path_factory.mktemp("private-index")),
         "--port", str(port), "--private-uploads"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/"
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.slow
def test_browser_private_uploads_are_keyed_to_the_servers_cookie_not_to_what_a_client_sends(
        browser, private_server):
    import httpx

    owner = browser.new_context().new_page()
    owner.goto(private_server)
    owner.locator("#qa-input textarea").wait_for()
    session = next(c for c in owner.context.cookies() if c["name"] == "qa_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    # A public question naming words only the upload holds: the upload must not move its figures (IDF,
    # BM25 and the vocabulary would tell that some private article holds "Catharijnesingel").
    probe = json.dumps({"question": "Hoeveel bomen komen er langs de Catharijnesingel in Utrecht?"})
    before = httpx.post(private_server + "api/ask", content=probe).json()
    _paste(owner, "Bomen in Utrecht", TREES)
    assert any("Bomen in Utrecht" in o for o in _options(owner))
    after = httpx.post(private_server + "api/ask", content=probe).json()
    assert "1200" not in after["answer"]
    assert (after["confidence"], after["answer"], after["related"]) == \
        (before["confidence"], before["answer"], before["related"])
    _ask(owner, "Hoeveel bomen komen er langs de Catharijnesingel in Utrecht?")
    assert "1200" in owner.locator("#qa-chat .message").last.inner_text()
    owner.reload()  # the same browser keeps its uploads across a reload
    owner.locator("#qa-input textarea").wait_for()
    assert any("Bomen in Utrecht" in o for o in _options(owner))
    # Another browser, and one that forges a session cookie: neither sees the upload or its words.
    forger = browser.new_context()
    forger.add_cookies([{"name": "qa_session", "value": session["value"].split(".")[0] + ".forged",
                         "url": private_server}])
    for other in (browser.new_context().new_page(), forger.new_page()):
        other.goto(private_server)
        other.locator("#qa-input textarea").wait_for()
        assert not any("Bomen" in o for o in _options(other))
        _ask(other, "Hoeveel bomen plant de gemeente Utrecht?")
        assert "1200" not in other.locator("#qa-chat .message").last.inner_text()
        other.context.close()
    owner.context.close()


@pytest.mark.slow
def test_browser_only_the_browser_that_added_an_article_may_remove_it(browser, empty_server):
    url, _ = empty_server
    adder, stranger = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (adder, stranger):
        page.goto(url)
        page.locator("#qa-input textarea").wait_for()
    _paste(adder, "Bomen langs de singel", TREES)
    stranger.reload()
    stranger.locator("#qa-input textarea").wait_for()
    for page, outcome in ((stranger, "⚠"), (adder, "Verwijderd")):
        page.locator("#qa-scope input").click()
        page.get_by_role("option", name="Bomen langs de singel").first.click()
        page.locator("#qa-remove").wait_for(state="visible")
        page.locator("#qa-remove").click()
        said = _status(page, outcome)
    assert "only who added the article can remove it" in stranger.locator("#qa-status").inner_text()
    assert "Verwijderd" in said


@pytest.mark.slow
def test_browser_stops_a_long_article_being_added_and_nothing_is_added(browser, empty_server):
    url, _ = empty_server
    page = browser.new_context().new_page()
    page.goto(url)
    page.locator("#qa-input textarea").wait_for()
    before = _options(page)
    long_text = "\n\n".join(f"In {1800 + k} telde de haven van Harlingen {k} schepen, meldt het archief van de "
                              f"gemeente in een overzicht van de scheepvaart." for k in range(400))
    page.locator("#qa-add").click()
    page.get_by_role("tab", name="Tekst plakken / Paste text").click()
    page.locator("#qa-paste-title textarea, #qa-paste-title input").first.fill("Haven van Harlingen")
    page.locator("#qa-paste textarea").fill(long_text)
    assert not page.locator("#qa-cancel").is_visible()  # only while an article is being added
    page.locator("#qa-add-text").click()
    _status(page, "⏳")
    page.wait_for_timeout(1500)  # under way: 400 paragraphs take the bundled model about half a minute
    page.locator("#qa-cancel").click()
    assert "stopped" in _status(page, "⚠")
    page.locator("#qa-cancel").wait_for(state="hidden")
    page.reload()
    page.locator("#qa-input textarea").wait_for()
    assert _options(page) == before


@pytest.mark.slow
def test_browser_on_a_phone_shows_the_whole_question_box(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server[0])
    box = page.locator("#qa-input textarea")
    box.wait_for()
    box.scroll_into_view_if_needed()
    bounds = box.bounding_box()
    assert bounds["y"] + bounds["height"] <= 844 and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390
    placeholder = page.evaluate("(e) => e.scrollWidth <= e.clientWidth", box.element_handle())
    assert placeholder  # the placeholder is not clipped
    assert page.locator("#qa-chat").evaluate("(e) => e.getBoundingClientRect().height") <= 0.6 * 844
    context.close()


@pytest.mark.slow
def test_browser_on_a_phone_each_answers_sources_fold_out_right_under_it(browser, server):
    """At 390×844 the sources beside the chat would stand below the whole chat column; so each answer
    carries its own, folded under it, and "New" fits the first screen. A wide screen shows the panel."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server[0])
    page.locator("#qa-input textarea").wait_for()
    assert page.locator("#qa-reset").bounding_box()["y"] + page.locator("#qa-reset").bounding_box()["height"] <= 844
    _ask(page, "Hoe lang is Lukashenko al aan de macht?")
    answer = page.locator("#qa-chat .message").last
    folded = answer.locator("details.qa-inline")
    assert folded.count() == 1 and folded.is_visible()
    folded.locator("summary").click()
    source = folded.locator(".qa-inline-source").first
    source.wait_for()
    assert "26 jaar aan de macht" in source.locator("mark").inner_text()
    source.scroll_into_view_if_needed()
    top = answer.bounding_box()["y"]
    box = source.bounding_box()
    # Within one screen below the answer's top, and nothing between them but the answer's own fold.
    assert 0 <= box["y"] - top < 844 and box["y"] + box["height"] <= 844 + 1
    assert source.evaluate("(e) => e.closest('.message') === e.ownerDocument.querySelectorAll('#qa-chat .message')"
                           "[e.ownerDocument.querySelectorAll('#qa-chat .message').length - 1]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-answer.png"))
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(server[0])
    wide.locator("#qa-input textarea").wait_for()
    _ask(wide, "Hoe lang is Lukashenko al aan de macht?")
    assert not wide.locator("#qa-chat details.qa-inline").first.is_visible()  # the panel beside says it
    assert wide.locator("#qa-source-1").is_visible()
    wide.screenshot(path=str(ARTIFACTS / "desktop-answer.png"))
    wide.context.close()


def test_the_json_api_answers_a_lone_surrogate_id_with_json_and_keeps_the_connection(server):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(server[0])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", "/api/ask", body=b'{"id": "a\\ud800", "question": "Wie?"}')
    bad = connection.getresponse()
    assert bad.status == 400 and "not acceptable JSON" in json.loads(bad.read().decode("utf-8"))["error"]
    connection.request("POST", "/api/ask", body=json.dumps({"id": 2, "question": "Hoe lang is Lukashenko al aan de macht?"}))
    good = connection.getresponse()
    assert good.status == 200 and json.loads(good.read())["short"] == "26 jaar"
    connection.close()


def test_a_port_held_only_by_closed_connections_can_be_listened_on_again():
    """After a server stops, its port's connections sit in TIME-WAIT for a minute; uvicorn binds over them
    (SO_REUSEADDR), so the start-up check must too, or a restart is refused as "already in use"."""
    import socket

    from qa.faces.web.serve import _port_problem

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end waits in TIME-WAIT
    server.close()
    client.close()
    assert _port_problem("127.0.0.1", port) == ""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert "already in use" in _port_problem("127.0.0.1", busy.getsockname()[1])


def _article(topic: str, sentences: int) -> str:
    lines = [f"{topic}\n"]
    for k in range(1, sentences + 1):
        lines.append(f"In week {k} sloeg {topic} {k * 37} containers over, meldde havenmeester Jansen-{k}.")
    return "\n\n".join(" ".join(lines[i:i + 5]) for i in range(0, len(lines), 5))


@pytest.mark.slow
def test_two_servers_on_one_index_keep_answering_while_a_third_process_adds(tmp_path):
    """Two web servers share one articles folder and one index; `add` writes to it while both answer.
    Neither dies (the SIGBUS of a file cut short under a map), nothing is lost, and afterwards both know
    both new articles."""
    import httpx

    docs, index = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(SEEDS, docs)
    subprocess.run([sys.executable, APP, "index", "--docs", str(docs), "--index-dir", str(index)],
                   check=True, capture_output=True, timeout=300)
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([sys.executable, APP, "--docs", str(docs), "--index-dir", str(index), "--port", str(p)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for p in ports]
    try:
        for port, server in zip(ports, servers):
            wait_for_port(port, server)
        first, second = tmp_path / "alpha-haven.txt", tmp_path / "beta-haven.txt"
        first.write_text(_article("Alphahaven", 200), "utf-8")
        second.write_text(_article("Betahaven", 60), "utf-8")

        def ask(port: int, question: str, article: str | None = None) -> dict:
            body = {"id": 1, "question": question} | ({"articles": [article]} if article else {})
            return httpx.post(f"http://127.0.0.1:{port}/api/ask", json=body, timeout=120).json()

        for item in (first, second):
            writer = subprocess.Popen([sys.executable, APP, "add", "--docs", str(docs), "--index-dir", str(index),
                                       str(item)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while writer.poll() is None:  # both keep answering while the writer embeds
                for port in ports:
                    assert "error" not in ask(port, "Met wie had Lukashenko contact?")
            assert writer.returncode == 0, writer.stderr.read()
        for port, server in zip(ports, servers):
            deadline = time.time() + 120
            known = {}
            while time.time() < deadline and len(known) < 2:  # each server catches up beside its questions
                for name in ("alpha-haven.txt", "beta-haven.txt"):
                    reply = ask(port, "Hoeveel containers werden in week 3 overgeslagen?", name)
                    if "error" not in reply:
                        known[name] = reply
                time.sleep(0.5)
            assert set(known) == {"alpha-haven.txt", "beta-haven.txt"}, f"server on {port} missed an article"
            for name, reply in known.items():
                cited = reply.get("citations") or reply.get("related")
                assert cited and all(c["source"] == name for c in cited)
            assert server.poll() is None, server.stderr.read()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    assert all(server.returncode in (0, -15) for server in servers)  # stopped by us, not by a bus error (-7)


@pytest.mark.slow
def test_a_body_sent_too_slowly_is_answered_408_and_the_server_goes_on(tmp_path):
    import socket

    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, APP, "--docs", str(SEEDS), "--index-dir", str(tmp_path / "i"),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "QA_BODY_TIMEOUT": "2"})
    try:
        wait_for_port(port, process)
        with socket.create_connection(("127.0.0.1", port), timeout=20) as half:
            half.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 900000\r\n\r\n" + b" " * 500_000)
            answer = half.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")  # the deadline's answer, not a timeout of ours
        reply = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"id": 1, "question": "Wat zei het Kremlin?"},
                           timeout=60)
        assert reply.status_code == 200 and "error" not in reply.json()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_large_bodies_in_flight_are_capped_and_questions_and_requests_without_a_body_pass():
    import asyncio

    from qa.faces.web.limits import BodyLimits

    async def app(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def run():
        limits = BodyLimits(app, deadline=5, in_flight=2)
        gate = asyncio.Event()
        sent: dict[int, list] = {}

        async def request(k: int, body: bool, length: bytes = b"100000"):
            headers = [(b"content-length", length)] if body else []
            first = True

            async def receive():
                nonlocal first
                if first and body:
                    first = False
                    await gate.wait()
                    return {"type": "http.request", "body": b"x" * 5, "more_body": True}
                return {"type": "http.request", "body": b"x" * 5, "more_body": False}

            async def send(message):
                sent.setdefault(k, []).append(message)

            await limits({"type": "http", "method": "POST", "headers": headers}, receive, send)

        tasks = [asyncio.create_task(request(k, True)) for k in range(2)]
        await asyncio.sleep(0.05)
        await request(2, True)  # a third body while two are being received: refused at once
        await request(3, False)  # no body: not counted
        tasks.append(asyncio.create_task(request(4, True, b"300")))  # a question's small body: not counted
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*tasks)
        return {k: v[0]["status"] for k, v in sent.items()}, limits.receiving

    # A loop of its own, in a thread of its own: a browser test may have left one running in this thread.
    with ThreadPoolExecutor(1) as pool:
        statuses, left = pool.submit(lambda: asyncio.run(run())).result(timeout=30)
    assert statuses == {0: 200, 1: 200, 2: 503, 3: 200, 4: 200}
    assert left == 0
