"""Page furniture in a printed web page's text: what the browser and the news site print around the article.

A PDF printed from a news page holds, besides the article, the browser's print header (date, time and the
page's title) and URL line, the site's menu, a share bar, "Lees ook" lists, reader comments and the
newsletter and copyright footer. trafilatura drops these from HTML by the page's structure; a PDF has only
lines, so they are recognised here by what they are: repeated on every page, a URL or a date stamp, a
line of share buttons, the list under a "related" heading, a comment section, a footer's words.
"""

from __future__ import annotations

import re
import unicodedata

from qa import lang

SHARE_PLATFORMS = frozenset("whatsapp facebook twitter x linkedin e-mail email mail pinterest telegram bluesky "
                            "reddit messenger threads".split())
MAX_FURNITURE_WORDS = 30  # a footer or share line is short; an article sentence naming cookies is not furniture
MAX_LIST_ITEM_WORDS = 15  # the headlines listed under "Lees ook"
MAX_LINES_BEFORE_HEADLINE = 15  # a site's notice, menu and breadcrumbs fill a few lines, not pages …
MAX_MENU_LINES = 60  # … or, when every line before the headline is a menu item (short, no sentence), more
MAX_MENU_WORDS = 6
MIN_LIST_LINES = 3  # a block of this many short headline-like lines is a list of links, whatever its heading
MAX_LIST_LINE_WORDS = 12


def _cue(key: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{module.FURNITURE[key]})" for module in lang.LANGUAGES.values()), re.IGNORECASE)


_BYLINE, _RELATED, _COMMENTS = _cue("byline"), _cue("related"), _cue("comments")
_RELATIVE_TIME, _FOOTER, _SAID = _cue("relative_time"), _cue("footer"), _cue("said")
# The browser's print header: "11/30/26, 12:16 PM Title | Site", "30-11-2026 12:16 Title".
_PRINT_STAMP = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?\s*(.*)$", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:https?|file)://\S+(?:\s+\d+\s*/\s*\d+)?$", re.IGNORECASE)
# A comment's header: a name, then when it was written ("Marieke 02-04-2025 10:41", "Dai · 2 hours ago").
_TIMESTAMP = re.compile(r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4},?\s+(?:om\s+|at\s+)?\d{1,2}[:.]\d{2}|"
                        r"\d{1,2}\s+\w+\s+\d{4},?\s+(?:om\s+|at\s+)?\d{1,2}[:.]\d{2}|"
                        r"\w+\s+\d{1,2},?\s+\d{4},?\s+(?:at\s+)?\d{1,2}[:.]\d{2})(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)
_ENDS_SENTENCE = (".", "!", "?", '"', "”", "’", ":")


def _normal(line: str) -> str:
    return " ".join(re.sub(r"\d", "0", unicodedata.normalize("NFKC", line)).casefold().split())


def _whole(pattern: re.Pattern, line: str) -> bool:
    return pattern.fullmatch(_normal(line).strip(" :·-")) is not None


def _is_comment_header(line: str) -> bool:
    """A name, then when it was written ("Marieke 02-04-2025 10:41", "Dai · 2 hours ago"), or a name and
    "says:" ("Tom says:", "Karel zegt:")."""
    text = " ".join(line.split())
    if len(text.split()) > 8 or _BYLINE.match(text):
        return False
    said = re.fullmatch(r"\S+(?:\s+\S+){0,2}\s+(" + _SAID.pattern + r")\s*:", text, re.IGNORECASE)
    relative = _RELATIVE_TIME.search(text)
    return bool(said or _TIMESTAMP.search(text) or relative and relative.end() == len(text))


def _is_pointer(said: str) -> bool:
    """An inline pointer to another story between the paragraphs: "Lees ook: Kop", "Read more: Headline"."""
    head, colon, rest = said.partition(":")
    return bool(colon and rest.strip()) and _whole(_RELATED, head) and len(said.split()) <= MAX_LIST_ITEM_WORDS + 3


def _is_headline_list(block: list[int], lines: list[tuple[int, str]]) -> bool:
    """A block of short lines that each begin like a headline and end no sentence: a list of links (most
    read, latest news, tags), whatever its heading says. A paragraph's last line ends its sentence."""
    if len(block) < MIN_LIST_LINES:
        return False
    texts = [" ".join(lines[i][1].split()) for i in block]
    return all(t and len(t.split()) <= MAX_LIST_LINE_WORDS and (t[0].isupper() or t[0].isdigit())
               and not t.endswith(_ENDS_SENTENCE) for t in texts)


def _is_footer(line: str) -> bool:
    words = line.split()
    if not words or len(words) > MAX_FURNITURE_WORDS or _BYLINE.match(line):
        return False
    return "©" in line or line.count(" | ") >= 2 or bool(_FOOTER.search(line))


def _is_share_bar(line: str) -> bool:
    words = re.findall(r"[\w-]+", unicodedata.normalize("NFKC", line).casefold())
    return 0 < len(words) <= MAX_LIST_ITEM_WORDS and sum(w in SHARE_PLATFORMS for w in words) >= 2


def _is_list(block: list[int], lines: list[tuple[int, str]], said: str) -> bool:
    """Whether a block is a list of headlines: short lines that end no sentence, and no new heading."""
    if _whole(_COMMENTS, said) or _is_comment_header(lines[block[0]][1]):
        return False
    return all(len(lines[i][1].split()) <= MAX_LIST_ITEM_WORDS and not lines[i][1].strip().endswith(_ENDS_SENTENCE)
               for i in block)


def headline(title: str) -> str:
    """The article's headline from the page's title: "Headline | Site" → "Headline"."""
    return re.split(r"\s+[|–—-]\s+[^|–—-]*$", title.strip())[0].strip()


def strip(pages: list[list[str]], title: str = "") -> list[list[str]]:
    """Each page's lines without the furniture. A dropped block leaves a blank line (it ends a paragraph);
    the print header and URL line leave nothing, so a paragraph running on over a page break stays whole.
    `title` is the document's own title ("Headline | Site"), for a page printed without a header."""
    repeated: set[str] = set()
    if len(pages) >= 2:
        counts: dict[str, int] = {}
        for page in pages:
            for key in {_normal(line) for line in page if line.strip()}:
                counts[key] = counts.get(key, 0) + 1
        repeated = {key for key, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}
    wanted_title = headline(title) if title else ""
    lines: list[tuple[int, str]] = []  # (page, line) of what the browser's print lines leave
    for number, page in enumerate(pages):
        for line in page:
            plain = " ".join(unicodedata.normalize("NFKC", line).split())
            stamp = _PRINT_STAMP.match(plain)
            if stamp:
                wanted_title = headline(stamp.group(1)) or wanted_title
            elif not plain or (_normal(line) not in repeated and not _URL_LINE.match(plain)):
                lines.append((number, line))

    # Blocks: runs of non-blank lines, as the page sets them apart.
    blocks: list[list[int]] = []
    for i, (_, line) in enumerate(lines):
        if line.strip():
            if i == 0 or not lines[i - 1][1].strip() or not blocks:
                blocks.append([])
            blocks[-1].append(i)
    text = [" ".join(lines[i][1].strip() for i in block) for block in blocks]
    drop: set[int] = set()  # indices into `lines`

    # Before the headline the print holds only the site: its cookie notice, menu and breadcrumbs. Looked
    # for near the top only: a report whose title recurs in its text loses nothing.
    wanted = _normal(wanted_title)
    if wanted:
        def menu_like(i: int) -> bool:
            words = lines[i][1].split()
            return len(words) <= MAX_MENU_WORDS and not lines[i][1].strip().endswith(_ENDS_SENTENCE)

        top = [b for b, block in enumerate(blocks) if sum(len(x) for x in blocks[:b]) < MAX_LINES_BEFORE_HEADLINE
               or sum(len(x) for x in blocks[:b]) < MAX_MENU_LINES and all(menu_like(i) for x in blocks[:b] for i in x)]
        for b in top:
            if wanted in _normal(text[b]):
                first = next((i for i in blocks[b] if wanted.startswith(_normal(lines[i][1]))), blocks[b][0])
                drop.update(range(first))
                break

    b = 0
    while b < len(blocks):
        block, said = blocks[b], text[b]
        if _whole(_COMMENTS, said):
            following = [t for t in text[b + 1:b + 4]]
            if any(_is_comment_header(t) or _is_comment_header(lines[blocks[c][0]][1])
                   for c, t in enumerate(following, b + 1)):
                drop.update(range(block[0], len(lines)))  # the comments run to the end, the footer after them
                break
            drop.update(block)  # a heading alone
        elif _whole(_RELATED, said):  # the heading, and the headlines listed under it
            drop.update(block)
            while b + 1 < len(blocks) and _is_list(blocks[b + 1], lines, text[b + 1]):
                b += 1
                drop.update(blocks[b])
        elif _is_comment_header(lines[block[0]][1]):  # a comment's header, and its text
            drop.update(block)
            if len(block) == 1 and b + 1 < len(blocks):
                b += 1
                drop.update(blocks[b])
        elif _is_share_bar(said) or _is_footer(said) or _is_pointer(said) or _is_headline_list(block, lines):
            drop.update(block)
        b += 1

    result: list[list[str]] = [[] for _ in pages]
    for i, (number, line) in enumerate(lines):
        result[number].append("" if i in drop else line)
    return result
