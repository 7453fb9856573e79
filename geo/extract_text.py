"""Article text for extraction: loading (.txt, .md, .html, folders, stdin), the leading
metadata/dateline, and sentence splitting with character offsets.

Every offset in the extraction output refers to :attr:`Article.text`: the decoded file for
text and Markdown, the visible text for HTML (tags removed, entities decoded).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from geo.errors import InputError

#: File name suffixes read as articles.
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"


@dataclass
class Article:
    """One article ready for extraction.

    Attributes
    ----------
    file : the path as given ("-" for stdin)
    text : the article text; all offsets refer to it
    body_start : offset where the body starts (after metadata and dateline)
    pub_date : publication date (from ``--date``, a metadata line or the dateline), or None
    dateline_place : place name of the dateline ("New Delhi"), or None
    """

    file: str
    text: str
    body_start: int = 0
    pub_date: dt.date | None = None
    dateline_place: str | None = None


class _TextOfHTML(HTMLParser):
    """Collect the visible text of an HTML page; block elements become paragraph breaks."""

    BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
             "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "title", "dd", "dt"}
    HIDDEN = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.meta_date: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag == "meta":
            a = dict(attrs)
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if a.get("content") and key in {"date", "article:published_time", "datepublished",
                                             "pubdate", "publishdate", "dc.date"}:
                self.meta_date = self.meta_date or a["content"]
        elif tag == "time" and not self.meta_date:
            self.meta_date = dict(attrs).get("datetime")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Return the visible text of an HTML page and its published-date meta value (or None)."""
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n[\n ]*", lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", text)
    return text.strip(), parser.meta_date


def article_paths(paths: list[str]) -> list[str]:
    """Expand folders into their article files (sorted); keep files and "-" as given.

    Raises
    ------
    InputError
        A path does not exist, or a folder holds no article file.
    """
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(str(f) for f in path.iterdir()
                           if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES)
            if not found:
                raise InputError(f"no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder",
                                 file=p)
            out.extend(found)
        elif path.exists():
            out.append(p)
        else:
            raise InputError("no such file or folder", file=p)
    return out


def load_article(path: str, date: dt.date | None = None) -> Article:
    """Read one article (a file path or "-" for stdin) and parse its metadata and dateline.

    Parameters
    ----------
    path : file path (.txt, .md, .html; any other suffix is read as plain text) or "-"
    date : publication date that overrides the one in the text

    Raises
    ------
    InputError
        The file cannot be read, is not UTF-8 text, or is empty.
    """
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, expected an article file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if b"\x00" in raw[:4096]:
        raise InputError("binary data, expected an article (UTF-8 text, Markdown or HTML)", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=path, line=line) from None
    meta_date = None
    is_html = path.lower().endswith((".html", ".htm")) or (
        path == "-" and re.match(r"\s*<(!doctype html|html|body|p|div)\b", text, re.I))
    if is_html:
        text, meta_date = html_to_text(text)
    if not text.strip():
        raise InputError("empty article", file=path)
    article = Article(file=path, text=text)
    parse_header(article, meta_date)
    if date is not None:
        article.pub_date = date
    return article


_META_RE = re.compile(
    r"\s*(?:---\s*\n)?(?:(?:title|author|source|url)\s*[:=][^\n]*\n\s*)*"
    r"(?:date|dated|published|pubdate)\s*[:=]?\s*(?P<value>\d{4}-\d{2}-\d{2}|" + MONTH_RE
    + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+" + MONTH_RE + r",?\s+\d{4})[^\S\n]*(?:\n(?:---\s*\n)?)?",
    re.I,
)
_DATELINE_RE = re.compile(
    r"\s*(?P<place>(?:[A-Z][A-Za-z.'\-]+|[A-Z]{2,})(?:[ ](?:[A-Z][A-Za-z.'\-]+|[A-Z]{2,})){0,3})"
    r"(?:\s*\([^)\n]{1,40}\))?,?\s+(?P<date>" + MONTH_RE + r"\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+"
    + MONTH_RE + r"(?:,?\s+\d{4})?)(?:\s*\([^)\n]{1,40}\))?\s*(?:[:\-\u2013\u2014|]+\s*|\s)"
)
_WIRE_DATELINE_RE = re.compile(
    r"\s*(?P<place>[A-Z]{2,}(?:[ \-][A-Z]{2,}){0,3})\s*(?:,\s*[A-Z][a-z]+\s*)?\([^)\n]{1,40}\)\s*[\-\u2013\u2014:]+\s*"
)


def parse_day(text: str, year: int | None = None) -> dt.date | None:
    """Parse "2025-05-05", "May 5, 2025", "5 May 2025" or (with `year`) "May 5"; None if not a date."""
    text = text.strip().rstrip(".,")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?", text) or None
        if m:
            month, day, yr = m.group(1), m.group(2), m.group(3)
        else:
            m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?(?:,?\s+(\d{4}))?", text)
            if not m:
                return None
            day, month, yr = m.group(1), m.group(2), m.group(3)
        number = MONTHS.get(month.lower())
        y = int(yr) if yr else year
        if number is None or y is None:
            return None
        return dt.date(y, number, int(day))
    except ValueError:
        return None


def parse_header(article: Article, meta_date: str | None = None) -> None:
    """Set publication date, dateline place and body start from the article's opening.

    Recognised: a metadata line (``date 2025-05-05``, ``Date: May 5, 2025``, Markdown front
    matter), then a dateline (``New Delhi, May 5``, ``NEW DELHI, May 5 (Reuters) -``,
    ``ISLAMABAD (AP) --``). A dateline without a year takes the metadata year.
    """
    text, pos = article.text, 0
    date = parse_day(meta_date[:10]) if meta_date and re.match(r"\d{4}-\d{2}-\d{2}", meta_date) else None
    m = _META_RE.match(text)
    if m:
        date = parse_day(m.group("value")) or date
        pos = m.end()
    for start in _line_starts(text, pos):
        m = _DATELINE_RE.match(text, start)
        if m and not _looks_like_sentence_start(m.group("place")):
            day = parse_day(m.group("date"), date.year if date else None)
            article.dateline_place = _title(m.group("place"))
            date = date or day
            pos = m.end()
            break
        m = _WIRE_DATELINE_RE.match(text, start)
        if m:
            article.dateline_place = _title(m.group("place"))
            pos = m.end()
            break
    article.pub_date = date
    article.body_start = pos


def _line_starts(text: str, pos: int, headlines: int = 3):
    """Where a dateline may start: at `pos`, or after up to `headlines` headline lines (short,
    no full stop inside; Markdown "#" headings included), which the body then leaves out."""
    yield pos
    for _ in range(headlines):
        end = text.find("\n", pos)
        line = text[pos:end if end >= 0 else len(text)].strip()
        if end < 0 or len(line) > 150 or re.search(r"[.!?]\s", line + " ") and not line.startswith("#"):
            return
        pos = end + 1
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        yield pos


def _looks_like_sentence_start(place: str) -> bool:
    return place.split()[0].lower() in {"the", "on", "in", "at", "by", "since", "until", "from", "last", "a"}


def _title(place: str) -> str:
    return place.title() if place.isupper() else place


_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "brig", "adm", "gov", "sen",
    "rep", "st", "no", "vs", "jr", "sr", "prof", "rev", "hon", "cpl", "pvt", "insp", "supt", "dept",
    "co", "inc", "ltd", "corp", "mt", "ft", "approx", "est", "fig", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "etc",
}
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])|\n\s*\n")


def split_sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Split ``text[start:]`` into sentences; return (start, end) offsets, whitespace trimmed.

    A sentence ends at ., ! or ? (with closing quotes) before an upper-case letter or digit,
    unless the word before the full stop is a known abbreviation or an initial, and at every
    blank line.
    """
    spans: list[tuple[int, int]] = []
    begin = start
    for m in _BOUNDARY_RE.finditer(text, start):
        if m.group().startswith("."):
            word = text[max(begin, text.rfind(" ", begin, m.start()) + 1, text.rfind("\n", begin, m.start()) + 1):m.start()]
            if word.lower() in _ABBREV or (len(word) == 1 and word.isupper()):
                continue
        _add_span(text, begin, m.end(), spans)
        begin = m.end()
    _add_span(text, begin, len(text), spans)
    return spans


def _add_span(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[begin:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    if end - trail > begin + lead:
        spans.append((begin + lead, end - trail))
