"""Review German→English machine translation and summaries: the domain, store and CLI."""
