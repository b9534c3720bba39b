"""Review German→English machine translation and summaries: the domain, store and CLI.

For scripts::

    from review import translate_articles
    results = translate_articles(["seeds/"], store="reviews")

or, with the run's options as one object and an observer that follows it::

    from review import RunObserver, TranslateOptions, run

    class Printer(RunObserver):
        def article_finished(self, result):
            print(result.id, result.status)

    results = run(TranslateOptions(targets=("seeds/",), store="reviews"), Printer())
"""


def __getattr__(name):
    # Lazy, so `import review` (and `python -m review --help`) stays instant.
    if name in ("translate_articles", "run"):
        from review import batch

        return getattr(batch, name)
    if name in ("TranslateOptions", "RunObserver"):
        from review import run_options

        return getattr(run_options, name)
    if name == "ArticleStore":
        from review.store import ArticleStore

        return ArticleStore
    raise AttributeError(name)


__all__ = ["translate_articles", "run", "TranslateOptions", "RunObserver", "ArticleStore"]
