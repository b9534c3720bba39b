"""Read German articles from .txt/.md/.json/.jsonl files or folders into segmented Articles."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

from review.article import LONE_SURROGATE, Article, Segment
from review.errors import BadInputError

SUFFIXES = (".txt", ".md", ".json", ".jsonl")
# News articles are a few KB; anything much bigger is a wrong file or a dump. Room for about a
# million characters of German (a 990,000-character line is 1.01 MB of UTF-8), which the
# segmenter cuts into segments of at most MAX_SEGMENT_CHARS and translation saves as it goes.
MAX_BYTES = 2_000_000
MAX_ID = 60
MAX_TITLE = 100
# Invisible characters that make a copy of an article look new: zero-width space, non-joiner and
# joiner, word joiner, BOM (also mid-text), soft hyphen, Mongolian vowel separator. Hashes of
# stores written before INVISIBLE grew are still found (previous_hashes).
INVISIBLE_V1 = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# ...and also marks of direction (LRM, RLM, ALM), bidi embeddings, overrides and isolates, the
# combining grapheme joiner, the invisible operators (function application, times, separator,
# plus) and tag characters.
INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u061c\u034f"
                       "\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]")
# Horizontal whitespace of any kind (no-break spaces included): one space for the hash.
SPACES = re.compile(r"[^\S\n]+")
# Bidi embedding/override/isolate controls: a title with U+202E shows reversed.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters (C0, DEL, C1) and bidi controls: never in a one-line field.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Names Windows reserves for devices, with any extension: never an article's file name.
RESERVED = re.compile(r"(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?", re.IGNORECASE)


def article_from_text(text: str, title: str | None = None, id: str | None = None,
                      source_path: str | None = None) -> Article:
    """Build a segmented Article from German text; the id is made safe as a file name."""
    from review.segment import segment_text

    text = normalise(text)
    digest = content_hash(text)
    spans = segment_text(text)
    title = BIDI.sub("", title or "").strip() or BIDI.sub("", first_line_title(text, spans))
    article_id = file_id(id) if id else derived_id(title, digest, source_path)
    segments = [Segment(index=i, start=s.start, end=s.end, source=s.text, kind=s.kind,
                        paragraph=s.paragraph) for i, s in enumerate(spans)]
    return Article(id=article_id, title=title, text=text, content_hash=digest,
                   source_path=source_path, segments=segments)


def normalise(text: str) -> str:
    """One canonical form, so the same article saved twice hashes the same."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def content_hash(text: str) -> str:
    """The hash duplicates are found by: of the text with invisible differences taken out
    (NFC, INVISIBLE characters removed, runs of spaces, tabs and no-break spaces one space,
    lines stripped), so a copy that differs only in those is a duplicate. The stored text keeps
    them as given. A text without any of them hashes as before (legacy_content_hash)."""
    return _canonical_hash(text, INVISIBLE)


def previous_hashes(text: str) -> list[str]:
    """Hashes that earlier versions of ``content_hash`` gave the text, other than today's:
    what older stores hold, still checked by ArticleStore.add so re-adds stay duplicates.
    Newest first: the hash with INVISIBLE_V1 taken out, then legacy_content_hash."""
    current = content_hash(text)
    older = dict.fromkeys((_canonical_hash(text, INVISIBLE_V1), legacy_content_hash(text)))
    return [digest for digest in older if digest != current]


def _canonical_hash(text: str, invisible: re.Pattern) -> str:
    canonical = SPACES.sub(" ", invisible.sub("", unicodedata.normalize("NFC", text)))
    canonical = "\n".join(line.strip(" ") for line in canonical.split("\n")).strip("\n")
    return legacy_content_hash(canonical)


def legacy_content_hash(text: str) -> str:
    """The hash of the text exactly as given: what stores written before content_hash ignored
    invisible differences hold (one of ``previous_hashes``)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_line_title(text: str, spans: list | None = None) -> str:
    """The heading (or first sentence) that opens the article after any dateline or byline,
    else the first line; shortened at a word boundary when long."""
    first = next((s for s in spans or [] if s.kind != "boilerplate"), None)
    line = first.text if first else next((line.strip() for line in text.split("\n")
                                          if line.strip()), "")
    if len(line) <= MAX_TITLE:
        return line
    return line[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def safe_id(raw: str) -> str:
    """Lower-case letters, digits, '_' and '-' only: a file name on every system, no dots."""
    ascii_only = unicodedata.normalize("NFKD", str(raw)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_only.lower()).strip("-_")
    return slug[:MAX_ID].rstrip("-_")


def file_id(raw: str) -> str:
    """``safe_id``, with "-doc" added to names Windows reserves (con, nul, com1...)."""
    slug = safe_id(raw)
    return f"{slug}-doc" if RESERVED.fullmatch(slug) else slug


def derived_id(title: str, digest: str, source_path: str | None) -> str:
    """From the file name when there is one, else from the title plus a piece of the hash."""
    if source_path:
        from_name = file_id(Path(source_path).stem)
        if from_name:
            return from_name
    short = digest.split(":")[1][:8]
    return "-".join(part for part in (safe_id(title)[:40].rstrip("-_"), short) if part)


def load_path(path: Path) -> list[Article]:
    """All articles in one file; BadInputError names the file (and line) and the fix."""
    articles, errors = load_path_lines(path)
    if errors:
        raise BadInputError(errors[0])
    return articles


def load_path_lines(path: Path) -> tuple[list[Article], list[str]]:
    """``load_path``, but a JSONL file's bad lines are error lines beside its good articles
    (BadInputError still for a bad file as a whole)."""
    path = Path(path)
    _check_suffix(str(path))
    try:
        size = path.stat().st_size
        _check_size(str(path), size)
        data = path.read_bytes()
    except OSError as err:
        raise BadInputError(f"{path}: cannot read ({err.strerror}); check the path and "
                            "permissions") from None
    return load_bytes_lines(str(path), data)


def load_bytes(name: str, data: bytes) -> list[Article]:
    """All articles in the content of a file called ``name`` (a path, or an upload's name)."""
    articles, errors = load_bytes_lines(name, data)
    if errors:
        raise BadInputError(errors[0])
    return articles


def load_bytes_lines(name: str, data: bytes) -> tuple[list[Article], list[str]]:
    """``load_bytes``, with a JSONL file's bad lines as error lines beside its articles."""
    try:
        return _load_bytes(name, data)
    except RecursionError:  # a last resort: parsing is guarded, but never a traceback
        raise BadInputError(f"{name}: nested too deeply to read; give one flat JSON object "
                            "per article") from None


def _load_bytes(name: str, data: bytes) -> tuple[list[Article], list[str]]:
    _check_suffix(name)
    _check_size(name, len(data))
    text = decode_text(data, name)
    suffix, path = Path(name).suffix.lower(), Path(name)
    if suffix == ".json":
        return [_from_record(_parse_json(text, name), name, name)], []
    if suffix == ".jsonl":
        return _from_jsonl(text, path)
    if suffix == ".md":
        text = strip_markdown(text)
    return [_checked(text, name, name)], []


def _check_suffix(name: str) -> None:
    suffix = Path(name).suffix
    if suffix.lower() not in SUFFIXES:
        raise BadInputError(f"{name}: unsupported file type {suffix or '(none)'}; "
                            f"use {', '.join(SUFFIXES)}")


def _check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        raise BadInputError(f"{name}: {size / 1e6:.1f} MB is over the {MAX_BYTES / 1e6:g} MB "
                            "limit for one article; split it into one file per article")


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (BOM dropped) that is neither binary nor empty."""
    if _looks_binary(data):
        raise BadInputError(f"{name}: binary file, not text; give a UTF-8 .txt/.md/.json file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInputError(f"{name}: not UTF-8 (bad byte at offset {err.start}); re-save it "
                            "as UTF-8, e.g. iconv -f latin1 -t utf-8") from None
    if not text.strip():
        raise BadInputError(f"{name}: empty file; put the German article text in it")
    return text


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or more control characters than any text has (tab/newline/CR/FF aside)."""
    controls = sum(data.count(bytes([c])) for c in (*range(0, 9), *range(14, 32), 127))
    return b"\x00" in data or controls > 0.05 * len(data)


def strip_markdown(text: str) -> str:
    """Drop heading marks so '# Titel' is segmented and translated as 'Titel'."""
    return re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+", "", text)


def _parse_json(text: str, name: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BadInputError(f"{name}: malformed JSON at line {err.lineno} column {err.colno} "
                            f"({err.msg}); fix the file") from None
    except RecursionError:
        raise BadInputError(f"{name}: JSON nested too deeply; give one flat object like "
                            '{"title": ..., "text": ...}') from None


def _from_jsonl(text: str, path: Path) -> tuple[list[Article], list[str]]:
    """The articles of a JSONL file's good lines, and one error line per bad line."""
    articles, errors = [], []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        name = f"{path} line {lineno}"
        try:
            articles.append(_from_record(_jsonl_record(line, name), name, f"{path}:{lineno}",
                                         default_id=f"{path.stem}-{lineno}"))
        except BadInputError as err:
            errors.append(str(err))
    if errors:
        return articles, errors
    if not articles:
        raise BadInputError(f"{path}: no articles (only blank lines); add one JSON object "
                            "per line")
    return articles, []


def _jsonl_record(line: str, name: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise BadInputError(f"{name}: malformed JSON ({err.msg} at column {err.colno}); "
                            "each line must be one JSON object") from None
    except RecursionError:
        raise BadInputError(f"{name}: JSON nested too deeply; each line must be one flat "
                            "JSON object") from None


def _from_record(record: object, name: str, source: str,
                 default_id: str | None = None) -> Article:
    """One {"id"?, "title"?, "text"} object."""
    if not isinstance(record, dict):
        raise BadInputError(f'{name}: expected a JSON object like {{"title": ..., "text": ...}}, '
                            f"got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise BadInputError(f'{name}: no "text" string; add the German article as "text"')
    title, raw_id = record.get("title"), record.get("id")
    for field, value in (("text", text), ("title", title), ("id", raw_id)):
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            raise BadInputError(f'{name}: "{field}" holds a lone surrogate (an escape like '
                                '\\ud800 that is not a character); fix or remove it')
    if title is not None and not isinstance(title, str):
        raise BadInputError(f'{name}: "title" must be a string')
    if raw_id is not None and (not isinstance(raw_id, (str, int)) or not safe_id(str(raw_id))):
        raise BadInputError(f'{name}: "id" must be a string with letters or digits')
    article_id = str(raw_id) if raw_id is not None else default_id
    date, url = _optional_field(record, "date", name), _optional_field(record, "url", name)
    if url is not None:
        _check_url(url, name)
    article = _checked(text, name, source, title=title, article_id=article_id)
    article.date, article.url = date, url
    return article


def _optional_field(record: dict, field: str, name: str) -> str | None:
    """An optional one-line string field of an input record ("date", "url"); None if absent."""
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInputError(f'{name}: "{field}" must be a string; give it as text or leave '
                            "it out")
    if CONTROL.search(value) or LONE_SURROGATE.search(value):
        raise BadInputError(f'{name}: "{field}" holds a control character or line break; '
                            "give it on one line of plain text")
    return value.strip() or None


def _check_url(url: str, name: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or any(ch.isspace() for ch in url):
        raise BadInputError(f'{name}: "url" must be an http:// or https:// address; fix it or '
                            "leave it out")


def _checked(text: str, name: str, source: str, title: str | None = None,
             article_id: str | None = None) -> Article:
    from review.language import ensure_german

    if not text.strip():
        raise BadInputError(f"{name}: empty text; put the German article text in it")
    ensure_german(text, name)
    return article_from_text(text, title=title, id=article_id, source_path=source)


def collect(paths: list[Path]) -> tuple[list[Article], list[str]]:
    """Articles from files and folders (walked for .txt/.md/.json/.jsonl), plus one error line
    per bad file; files with other extensions inside folders are ignored."""
    articles: list[Article] = []
    errors: list[str] = []
    for path in _files(paths, errors):
        try:
            found, bad_lines = load_path_lines(path)
            articles.extend(found)
            errors.extend(bad_lines)
        except BadInputError as err:
            errors.append(str(err))
    return articles, errors


def _files(paths: list[Path], errors: list[str]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in SUFFIXES and not _hidden(p, path)))
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder; check the path")
    return files


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
