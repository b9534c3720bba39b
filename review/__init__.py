"""Review German→English machine translation and summaries: the domain, store and CLI.

For scripts::

    from review import translate_articles
    results = translate_articles(["seeds/"], store="reviews")
"""


def __getattr__(name):
    # Lazy, so `import review` (and `python -m review --help`) stays instant.
    if name == "translate_articles":
        from review.batch import translate_articles

        return translate_articles
    if name == "ArticleStore":
        from review.store import ArticleStore

        return ArticleStore
    raise AttributeError(name)


__all__ = ["translate_articles", "ArticleStore"]
