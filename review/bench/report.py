"""The bench figures as a table a person reads, with the targets they are held to."""
from __future__ import annotations

# key -> (label, unit, target as (comparison, value) or None)
ROWS = {
    "baseline_tok_s": ("translation, transformers fp32", "target tok/s", None),
    "engine_tok_s": ("translation, default engine (ctranslate2 int8)", "target tok/s", None),
    "ratio": ("speed-up over transformers, equal beam", "x", (">=", 3.0)),
    "engine_tok_s_beam1": ("  same engine, greedy", "target tok/s", None),
    "engine_tok_s_beam2": ("  same engine, beam 2", "target tok/s", None),
    "baseline_summary_s": ("one summary, transformers fp32", "s", None),
    "summary_s": ("one summary, ctranslate2 int8", "s", None),
    "load_s": ("translation model load (ctranslate2)", "s", ("<", 1.0)),
    "tokenizer_load_s": ("  its tokenizer load (transformers)", "s", None),
    "peak_rss_mb": ("peak memory, translation process", "MB", ("<", 1024.0)),
    "article_s": ("60-segment article: translate, check, summarize", "s", ("<", 15.0)),
    "article_translate_s": ("  of which translating", "s", None),
}


def table(result: dict) -> str:
    """One line per figure: label, value, unit, and the target with ok/MISSED when there is one."""
    lines = [_heading(result), ""]
    width = max(len(label) for label, _, _ in ROWS.values())
    for key, (label, unit, target) in ROWS.items():
        if key not in result:
            continue
        value = result[key]
        line = f"{label:<{width}}  {value:>9.2f} {unit:<12}"
        if target:
            sign, limit = target
            met = value >= limit if sign == ">=" else value < limit
            line += f" target {sign} {limit:g}: {'ok' if met else 'MISSED'}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _heading(result: dict) -> str:
    mode = "quick run" if result.get("quick") else "full run"
    return (f"{mode} on {result.get('cores')} cores: {result.get('sentences')} seed sentences, "
            f"{result.get('forced_tokens')} forced target tokens each, beam {result.get('beam')}, "
            f"transformers batches of 16, the engine its own; summary {result.get('summary_tokens_in')} tokens in, "
            f"{result.get('summary_tokens_out')} out, beam {result.get('summary_beam')}")
