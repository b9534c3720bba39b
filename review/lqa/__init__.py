"""Quality assessment the trade recognises (MQM, ISO 5060): error types and severities from a
profile (``profile``), scorecards per article, reviewer and model (``scorecard``), and the
errors a segment's flags suggest (``mapping``). Recording errors and comments on an article is
``review.annotations``.
"""
