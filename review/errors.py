"""Errors a user can cause. Each message is one line naming the input and the fix."""


class ReviewError(Exception):
    """Base class: the CLI prints the message and exits 2; the app shows it."""

    exit_code = 2


class BadInputError(ReviewError):
    """A file or text that cannot be ingested (empty, binary, not German, malformed...)."""


class UnknownArticleError(ReviewError):
    pass


class DuplicateArticleError(ReviewError):
    pass


class CorruptArticleError(ReviewError):
    """An article file that is not valid JSON or not our schema; it is never overwritten."""


class StaleRevisionError(ReviewError):
    """A decision based on an older revision of the same segment or summary."""


class NothingToDoError(ReviewError):
    """E.g. an export with nothing approved, a summary before any translation."""


class NothingToUndoError(ReviewError):
    """An undo on a segment or summary whose decisions are all undone already (or never made)."""
