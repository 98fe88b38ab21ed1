"""Render: answers, sources and articles as HTML for the web chat; every text is escaped."""

from __future__ import annotations

import html
import re

from qa import lang
from qa.answering.answer import Answer, Citation
from qa.archive.documents import Document

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")

CSS = """
.qa-sources .qa-source {border-left: 4px solid #d0d7de; padding: 6px 10px; margin: 8px 0; background: var(--block-background-fill);}
.qa-sources .qa-source.qa-cited {border-left-color: #e3a008;}
.qa-sources .qa-source.qa-near {border-left-style: dashed; opacity: 0.85;}
.qa-sources .qa-source:target {outline: 2px solid #e3a008; outline-offset: 2px;}
.qa-sources .qa-head {font-weight: 600; font-size: 0.9em; margin-bottom: 4px;}
.qa-sources .qa-marker {display: inline-block; min-width: 2em; color: #0969da;}
.qa-sources mark, .qa-article mark.qa-quote {background: #fff3b0; color: inherit; padding: 0 2px;}
.qa-article .qa-cited-passage {background: #fff8db;}
.qa-article p {margin: 0 0 0.9em 0; line-height: 1.55;}
.qa-article .qa-n {color: #8c959f; font-size: 0.8em; margin-right: 6px;}
.qa-sources strong.qa-short {background: #ffd33d; padding: 0 2px;}
.qa-inline {margin-top: 6px; font-size: 0.92em;}
.qa-inline .qa-inline-source {border-left: 3px solid #e3a008; padding: 2px 8px; margin: 4px 0;}
.qa-inline mark {background: #fff3b0; color: inherit; padding: 0 2px;}
/* On a wide screen the sources stand beside the chat; on a phone, under each answer (in the chat). */
@media (min-width: 641px) {
  #qa-chat .qa-inline {display: none;}
}
@media (max-width: 640px) {
  #qa-chat {height: 46vh !important; min-height: 240px;}
  #qa-title h1 {font-size: 1.4rem; margin: 0 0 2px 0;}
  #qa-input textarea {font-size: 16px;}
}
.qa-refusal {color: #8250df; font-style: italic;}
.qa-muted {color: #6e7781;}
"""


def escape_markdown(text: str) -> str:
    """Text that Gradio's markdown shows literally: HTML escaped, markdown syntax backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def chat_message(answer: Answer) -> str:
    """The assistant's chat message: escaped answer text whose `[n]` markers link to their source."""
    if not answer.answerable:
        return f"*{escape_markdown(answer.text)}*"
    text = escape_markdown(answer.text)
    for c in answer.citations:
        text = text.replace(f"\\[{c.n}\\]", f"[\\[{c.n}\\]](#qa-source-{c.n})")
    if answer.short:  # the exact words first, in bold; the sentence that says them below
        text = f"**{escape_markdown(answer.short)}**\n\n{text}"
    return text + "\n\n" + inline_sources(answer)


def inline_sources(answer: Answer) -> str:
    """The answer's cited passages, folded under it in the chat: what a phone shows instead of the panel
    beside the chat (which a narrow screen would put far below)."""
    labels = lang.get(answer.language).LABELS
    cited = [c for c in answer.citations if f"[{c.n}]" in answer.text]
    if not cited:
        return ""
    parts = [f'<details class="qa-inline"><summary>{html.escape(labels["sources"])} ({len(cited)})</summary>']
    for c in cited:
        where = f"{c.article or c.title or c.source} · {labels['paragraph']} {c.paragraph}"
        parts.append(f'<div class="qa-inline-source" data-n="{c.n}"><div class="qa-head">[{c.n}] '
                     f'{html.escape(where)}</div><div class="qa-text">{_highlighted(c)}</div></div>')
    return "".join(parts) + "</details>"


def generator_note(answer: Answer, generator: str) -> str:
    """A small line saying which generator answered, and what its verifier left out."""
    language = answer.language
    labels = lang.get(language).LABELS
    who = labels["llm"] if answer.generator == "llm" else labels["quoted"]
    parts = [f"{who} ({generator})" if answer.generator == "llm" else who]
    if answer.dropped:
        parts.append(f"{len(answer.dropped)} {labels['left_out']}")
    if answer.notice:
        parts.append(answer.notice)
    return "<sub>" + escape_markdown(" · ".join(parts)) + "</sub>"


def _highlighted(citation: Citation) -> str:
    offset = citation.start
    before = citation.text[: citation.quote_start - offset]
    quote = citation.text[citation.quote_start - offset: citation.quote_end - offset]
    after = citation.text[citation.quote_end - offset:]
    marked = html.escape(quote)
    if citation.quote_start <= citation.short_start < citation.short_end <= citation.quote_end:
        # The short answer, marked inside its highlighted sentence.
        a, b = citation.short_start - citation.quote_start, citation.short_end - citation.quote_start
        marked = (f'{html.escape(quote[:a])}<strong class="qa-short">{html.escape(quote[a:b])}</strong>'
                  f'{html.escape(quote[b:])}')
    return f"{html.escape(before)}<mark>{marked}</mark>{html.escape(after)}"


def sources_panel(answer: Answer | None) -> str:
    """The sources beside the chat: each cited passage with its supporting sentence highlighted."""
    language = answer.language if answer else lang.ARTICLES.CODE
    labels = lang.get(language).LABELS
    if answer is None:
        return f'<div class="qa-sources"><p class="qa-muted">{labels["empty"]}</p></div>'
    if not answer.answerable or not answer.citations:
        parts = [f'<div class="qa-sources"><p class="qa-refusal">{html.escape(labels["none"])}</p>']
        if answer.related:
            # The nearest passages, for the reader to judge: shown as related, never as support.
            parts.append(f'<h3 class="qa-muted">{html.escape(labels["near"])}</h3>')
            for c in answer.related:
                where = f"{c.article or c.title or c.source} · {labels['paragraph']} {c.paragraph}" + (f" · {c.date}" if c.date else "")
                parts.append(f'<div class="qa-source qa-near" data-n="{c.n}"><div class="qa-head">'
                             f'{html.escape(where)}</div><div class="qa-text">{html.escape(c.text)}</div></div>')
        return "".join(parts) + "</div>"
    parts = [f'<div class="qa-sources"><h3>{labels["sources"]}</h3>']
    related_open = False
    for c in answer.citations:
        cited = f"[{c.n}]" in answer.text
        where = f"{c.article or c.title or c.source} · {labels['paragraph']} {c.paragraph}" + (f" · {c.date}" if c.date else "")
        body = (_highlighted(c) if cited else html.escape(c.text)).replace("\n\n", "<br>")
        if not cited and not related_open:
            # Passages retrieved but not cited are context, not evidence: folded away.
            parts.append(f'<details class="qa-related"><summary class="qa-muted">{labels["related"]}</summary>')
            related_open = True
        parts.append(
            f'<div class="qa-source{" qa-cited" if cited else ""}" id="qa-source-{c.n}" data-n="{c.n}">'
            f'<div class="qa-head"><span class="qa-marker">[{c.n}]</span>{html.escape(where)}</div>'
            f'<div class="qa-text">{body}</div></div>')
    parts.append("</details></div>" if related_open else "</div>")
    return "".join(parts)


# Up to this much article text goes to the page whole; past it, only the articles an answer cites, so
# that an archive does not travel with every answer.
ARTICLE_VIEW_CHARS = 100_000


def article_view(documents: list[Document], answer: Answer | None) -> str:
    """The articles in full, the passages the answer cites highlighted and its quote marked. Past
    `ARTICLE_VIEW_CHARS` of text: only the articles the answer cites (or refers to), else their titles."""
    cited = {}
    if answer and answer.answerable:
        cited = {(c.source, c.start): c for c in answer.citations if f"[{c.n}]" in answer.text}
    shown = documents
    if sum(len(d.text) for d in documents) > ARTICLE_VIEW_CHARS:
        sources = {source for source, _ in cited} or {c.source for c in (answer.related if answer else [])[:1]}
        shown = [d for d in documents if d.source in sources]
        if not shown:
            items = "".join(f"<li>{html.escape(d.title or d.source)}" + (f" ({html.escape(d.date)})" if d.date else "")
                            + "</li>" for d in documents)
            return f'<div class="qa-article"><ul class="qa-muted">{items}</ul></div>'
    parts = ['<div class="qa-article">']
    for document in shown:
        title = document.title or document.headline  # what a reader knows it by, not its file name
        parts.append(f"<h3>{html.escape(title)}</h3>")
        if document.date:
            parts.append(f'<p class="qa-muted">{html.escape(document.date)}</p>')
        for number, block in enumerate(document.blocks, start=1):
            text = document.block_text(block)
            hits = [c for (source, start), c in cited.items()
                    if source == document.source and block.start <= start < block.end]
            body = html.escape(text)
            css = ""
            if hits:
                c = hits[0]
                q0, q1 = c.quote_start - block.start, c.quote_end - block.start
                body = (html.escape(text[:q0]) + f'<mark class="qa-quote">{html.escape(text[q0:q1])}</mark>'
                        + html.escape(text[q1:]))
                css = ' class="qa-cited-passage"'
            body = body.replace("\n\n", "<br>")
            parts.append(f'<p{css}><span class="qa-n">{number}</span>{body}</p>')
    parts.append("</div>")
    return "".join(parts)


def title_html(documents: list[Document]) -> str:
    """The page heading: what is being asked over (the one article, or how many and the latest ones),
    or, over an empty folder, that an article is to be added first."""
    labels = lang.WEB_LABELS
    if not documents:
        subtitle = labels["no_articles"]
    elif len(documents) == 1:
        d = documents[0]
        subtitle = d.headline + (f" ({d.date})" if d.date else "")
    else:
        latest = sorted(documents, key=lambda d: d.date, reverse=True)
        names = [d.headline for d in latest[:3]]
        more = f" + {len(documents) - 3}" if len(documents) > 3 else ""
        subtitle = labels["articles"].format(n=len(documents)) + ": " + "; ".join(names) + more
    return (f"<h1 style='margin-bottom:0'>Vraag het artikel · Ask the article</h1>"
            f"<p class='qa-muted' id='qa-subtitle'>{html.escape(subtitle)}</p>")


def article_note(citation: Citation) -> str:
    """A small line under an answer in an archive: the article it comes from."""
    name = citation.article or citation.title or citation.source
    return "<sub>" + escape_markdown(f"— {name}" + (f" ({citation.date})" if citation.date else "")) + "</sub>"


def notice_note(notice: str) -> str:
    """A small line under an answer: e.g. that it is quoted from an article in another language."""
    return "<sub>" + escape_markdown(notice) + "</sub>"
