"""Agreement: how likely the translation model finds the English for the German.

Agreement is the mean log-probability per token of the English given the German under the
translation model (``Translator.score``, kept in step by ``core.refresh_agreement``).
"""
from __future__ import annotations

from review.article import Flag
from review.checks.base import Check, Code

# Below AGREEMENT_THRESHOLD the segment is flagged "low_agreement"; between it and
# COMFORTABLE_AGREEMENT a soft term raises the risk (``review.checks.risk``). Not yet calibrated
# on opus-mt-de-en: both come from the tiny test model (tests/test_agreement.py), whose own
# translations score about -1.2 to -2.4 and other sentences' English -2.3 to -7.7; a model's
# own beam output usually lies above -1.5. Change them here only: the check and the risk read
# these.
AGREEMENT_THRESHOLD = -3.0
COMFORTABLE_AGREEMENT = -1.5


def agreement_flags(agreement: float | None) -> list[Flag]:
    """"low_agreement" when the model finds the English improbable for the German."""
    if agreement is not None and agreement < AGREEMENT_THRESHOLD:
        return [Flag("low_agreement", f"the translation model finds this English unlikely "
                                      f"for this German (mean log-probability {agreement:.2f} "
                                      f"< {AGREEMENT_THRESHOLD})")]
    return []


CHECKS = (
    Check(agreement_flags, (
        Code("low_agreement", 0.45, "The model finds this English unlikely for this German",
             "Scored under the translation model, this English is improbable given the "
             "German: it may mean something else or be garbled."),),
          reads=("agreement",), needs=("german", "agreement"), rank=110),
)
