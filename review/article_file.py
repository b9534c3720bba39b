"""An article file's bytes: the layout the store writes, the title read from its head, and
which bytes were validated already in this process."""
from __future__ import annotations

import json
import os
import re

from pathlib import Path

from review import legacy
from review.article import SCHEMA_VERSION, Article
from review.errors import CorruptArticleError

# The last bytes of each recently read article file that passed validation (path -> bytes),
# in this process: a file read again unchanged skips it (a decision's snapshot and its locked
# read, then the page, the sidebar's list, the memory: one version of an 11,000-segment
# article is read several times). Equal bytes, not an equal stat, so nothing is assumed.
_VALIDATED: dict[str, bytes] = {}
VALIDATED_FILES = 16
# Shared readings (``ArticleStore.view``): path -> (bytes, the Article parsed from them), the
# newest few; equal bytes give the same object, which its holders only read.
_SHARED: dict[str, tuple[bytes, Article]] = {}
SHARED_FILES = 4
TITLE_HEAD = 64 * 1024  # bytes read for a title
_HEAD = re.compile(r'\{\n "id": ("(?:[^"\\]|\\.)*"),\n "title": ("(?:[^"\\]|\\.)*"),\n')


def article_json(article: Article) -> str:
    """The article file's text: one field a line, and one segment or history entry a line
    (diffs stay readable), made by the C JSON encoder; ``indent=1`` took 4x as long.

    It begins as ``json.dumps(..., indent=1)`` did, id then title (``review.listing._head``).
    """
    def value(item) -> str:
        return json.dumps(item, ensure_ascii=False)

    lines = []
    for key, item in article.to_dict().items():
        if isinstance(item, list) and item:
            rows = ",\n  ".join(value(row) for row in item)
            lines.append(f" {value(key)}: [\n  {rows}\n ]")
        else:
            lines.append(f" {value(key)}: {value(item)}")
    return "{\n" + ",\n".join(lines) + "\n}"


def validated(path: str | os.PathLike, raw: bytes) -> bool:
    """Whether these very bytes of ``path`` passed validation before in this process."""
    return _VALIDATED.get(str(path)) == raw


def remember(path: str | os.PathLike, raw: bytes) -> None:
    """Note that ``raw``, read from ``path``, passed validation (the oldest notes go first)."""
    _keep(_VALIDATED, str(path), raw, VALIDATED_FILES)


def shared(path: str | os.PathLike, raw: bytes) -> Article | None:
    """The shared reading of these very bytes of ``path``, if one is kept."""
    kept = _SHARED.get(str(path))
    return kept[1] if kept is not None and kept[0] == raw else None


def share(path: str | os.PathLike, raw: bytes, article: Article) -> None:
    """Keep ``article``, parsed from ``raw`` of ``path``, as its shared reading."""
    _keep(_SHARED, str(path), (raw, article), SHARED_FILES)


def _keep(memo: dict, key: str, value, most: int) -> None:
    """Put ``key`` last in ``memo``, dropping the oldest keys beyond ``most``."""
    memo.pop(key, None)
    memo[key] = value
    while len(memo) > most:
        memo.pop(next(iter(memo)), None)


def head_title(path: str | os.PathLike, article_id: str) -> str | None:
    """The title at the head of the file of ``article_id`` as ``article_json`` writes it;
    None when the head is not so (another layout: read the whole file instead)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(TITLE_HEAD).decode("utf-8", errors="ignore")
        found = _HEAD.match(head)
        if found and json.loads(found.group(1)) == article_id:
            title = json.loads(found.group(2))
            return title if isinstance(title, str) else None
    except (OSError, ValueError):
        pass
    return None


def parse(data: object, path: Path, article_id: str, validated: bool = False) -> Article:
    """The article in a file's JSON ``data``; CorruptArticleError, one line naming ``path``,
    when it is none (or of a newer schema, or another article's). ``validated``: these very
    bytes passed validation before. A file of an older schema is brought up to date
    (``review.legacy``)."""
    if not isinstance(data, dict):
        raise CorruptArticleError(f"{path}: not an article object; it is left untouched: fix "
                                  "it or move it out of the store")
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise CorruptArticleError(f"{path}: schema_version {version} is newer than this tool "
                                  f"understands ({SCHEMA_VERSION}); upgrade the review tool")
    try:
        article = Article.from_dict(data, validated=validated)
    except (TypeError, KeyError, ValueError, AttributeError) as err:
        raise CorruptArticleError(f"{path}: not a valid article ({reason(err)}); it is left "
                                  "untouched: fix it or move it out of the store") from None
    if article.id != article_id:
        raise CorruptArticleError(f"{path}: holds article id {article.id!r}; rename the file "
                                  f"to {article.id}.json or fix its id")
    legacy.upgrade(article, version)
    return article


def reason(err: Exception) -> str:
    """Why a file could not be read or parsed, in a few words."""
    if isinstance(err, RecursionError):
        return "JSON nested too deeply"
    return getattr(err, "strerror", None) or str(err).splitlines()[0][:120]

