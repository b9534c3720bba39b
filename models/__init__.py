"""The engines: translation, summarization and embeddings. Never imports ``review``."""
