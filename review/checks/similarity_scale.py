"""The similarity's two marks and the low_similarity flag's words; nothing imported, so the
reading of older files (review.legacy) can use them too."""
from __future__ import annotations

# Cosine similarity below which a human translation is rare (0.4% of newstest2014, see
# scripts/calibrate_checks.py): the English likely says something else or leaves much out.
LOW_SIMILARITY = 0.835
# Similarity of 95% of human translations; the learned risk's similarity_gap feature counts
# from here (review.checks.features), and a pair without a similarity is taken to have it.
COMFORTABLE_SIMILARITY = 0.87


def low_similarity_detail(similarity: float) -> str:
    """The low_similarity flag's words for ``similarity`` (below LOW_SIMILARITY)."""
    return (f"the English means something else or leaves much out (similarity "
            f"{similarity:.2f}, below {LOW_SIMILARITY:g})")
