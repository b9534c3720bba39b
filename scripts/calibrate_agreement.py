"""Set the agreement threshold from a model and line-aligned human translations; prints JSON.

    python scripts/calibrate_agreement.py --mt-model Helsinki-NLP/opus-mt-de-en \
        [--source ../shared/data/newstest2014-deen.de --target ../shared/data/newstest2014-deen.en]
        [--pairs 1000] [--false-alarms 0.04] [--second-model Helsinki-NLP/opus-mt-tc-big-de-en]

Scores each human English under the model given its German (the agreement the checks use),
and the same English against another line's German (a certain mistranslation). The
threshold is the agreement below which at most --false-alarms of the correct pairs fall;
the report says how many mismatches it catches, and where COMFORTABLE_AGREEMENT (the median
of the correct pairs) lies. Put both figures into review/checks/risk.py.

With --second-model, both models translate the German and the chrF between their English
(``review.checks.second_opinion.chrf_between``) is reported beside the chrF between each model
and the human English. SECOND_OPINION_THRESHOLD is suggested as the chrF below which at most
--false-alarms of the (human, first model) pairs fall: two acceptable translations rarely
lie that far apart. COMFORTABLE_SECOND_OPINION is the median between the two models. Put
both into review/checks/second_opinion.py.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mt-model", required=True, help="hub id or folder of the model")
    parser.add_argument("--source", type=Path, default=DATA / "newstest2014-deen.de")
    parser.add_argument("--target", type=Path, default=DATA / "newstest2014-deen.en")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--false-alarms", type=float, default=0.04,
                        help="share of correct pairs allowed below the threshold")
    parser.add_argument("--second-model", help="a second model: calibrate the second opinion")
    args = parser.parse_args()
    from models import registry

    german = args.source.read_text(encoding="utf-8").splitlines()[:args.pairs]
    english = args.target.read_text(encoding="utf-8").splitlines()[:args.pairs]
    if len(german) != len(english) or len(german) < 10:
        sys.exit(f"{args.source} and {args.target} must be line-aligned with 10 lines or more")
    translator = registry.get_translator(args.mt_model)
    correct = [a for a in translator.score(german, english) if a is not None]
    shifted = english[len(english) // 2:] + english[:len(english) // 2]
    wrong = [a for a in translator.score(german, shifted) if a is not None]
    threshold = quantile(correct, args.false_alarms)
    report = {
        "model": args.mt_model, "pairs": len(correct),
        "correct": {"median": round(statistics.median(correct), 3),
                    "p05": round(quantile(correct, 0.05), 3)},
        "mismatched": {"median": round(statistics.median(wrong), 3)},
        "AGREEMENT_THRESHOLD": round(threshold, 2),
        "COMFORTABLE_AGREEMENT": round(statistics.median(correct), 2),
        "correct_flagged": round(sum(a < threshold for a in correct) / len(correct), 3),
        "mismatches_caught": round(sum(a < threshold for a in wrong) / len(wrong), 3),
    }
    if args.second_model:
        report["second_opinion"] = second_opinion(translator, args.second_model, german,
                                                  english, args.false_alarms)
    print(json.dumps(report, indent=1))


def second_opinion(translator, second_model: str, german: list[str], english: list[str],
                   false_alarms: float) -> dict:
    from models import registry
    from review.checks.second_opinion import SECOND_OPINION_THRESHOLD, chrf_between

    first = [o.text for o in translator.translate(german)]
    second = [o.text for o in registry.get_translator(second_model).translate(german)]
    between = [chrf_between(a, b) for a, b in zip(first, second)]
    human_first = [chrf_between(h, a) for h, a in zip(english, first)]
    human_second = [chrf_between(h, b) for h, b in zip(english, second)]

    def spread(values: list[float]) -> dict:
        return {"median": round(statistics.median(values), 1),
                "p05": round(quantile(values, 0.05), 1)}

    return {
        "model": second_model,
        "chrf_between_models": spread(between),
        "chrf_human_first": spread(human_first),
        "chrf_human_second": spread(human_second),
        "flagged_at_current_threshold": round(
            sum(c < SECOND_OPINION_THRESHOLD for c in between) / len(between), 3),
        "SECOND_OPINION_THRESHOLD": round(quantile(human_first, false_alarms), 1),
        "COMFORTABLE_SECOND_OPINION": round(statistics.median(between), 1),
    }


if __name__ == "__main__":
    main()
