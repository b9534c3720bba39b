"""What a segment's flags suggest a reviewer record, and MQM types as ITS issue types.

``suggest`` pre-fills the error picker: each active flag whose check names a kind of error
(a changed number, a missing glossary term, English that is still German...) gives that error
type with a default severity and the flag's detail as the note. Flags that only say "look
here" (low confidence, a second model differs) suggest nothing.
"""
from __future__ import annotations

from review.article import Flag, QualityError
from review.lqa.profile import DEFAULT, Profile

# flag code -> (error type, default severity)
FLAG_ERRORS = {
    "empty_output": ("accuracy/omission", "major"),
    "untranslated": ("accuracy/untranslated", "major"),
    "repetition": ("accuracy/addition", "major"),
    "number_mismatch": ("locale/number-date-unit", "major"),
    "number_scale": ("locale/number-date-unit", "major"),
    "number_format": ("locale/number-date-unit", "minor"),
    "number_missing": ("accuracy/omission", "major"),
    "number_added": ("accuracy/addition", "major"),
    "length_short": ("accuracy/omission", "major"),
    "length_long": ("accuracy/addition", "minor"),
    "low_similarity": ("accuracy/mistranslation", "major"),
    "name_added": ("accuracy/addition", "minor"),
    "glossary_term": ("terminology", "minor"),
    "quote_missing": ("linguistic/punctuation", "minor"),
    "empty_source": ("accuracy/addition", "major"),
    "inconsistent_translation": ("terminology", "minor"),
    "spelling": ("linguistic/spelling", "minor"),
    "summary_number_unsupported": ("accuracy/addition", "major"),
    "summary_name_unsupported": ("accuracy/addition", "major"),
}

# MQM type -> ITS 2.0 Localization Quality Issue type (locQualityIssueType)
ITS_TYPES = {
    "accuracy/mistranslation": "mistranslation", "accuracy/omission": "omission",
    "accuracy/addition": "addition", "accuracy/untranslated": "untranslated",
    "terminology": "terminology", "linguistic/grammar": "grammar",
    "linguistic/spelling": "misspelling", "linguistic/punctuation": "typographical",
    "style/awkward": "style", "locale/number-date-unit": "locale-violation",
    "audience/culture": "locale-specific-content",
}
# A profile's own type takes its branch's ITS type, else "other".
ITS_BRANCHES = {"accuracy": "mistranslation", "terminology": "terminology",
                "linguistic": "grammar", "fluency": "grammar", "style": "style",
                "locale": "locale-violation", "audience": "locale-specific-content",
                "design": "formatting"}


def suggest(flags: list[Flag], profile: Profile = DEFAULT) -> list[QualityError]:
    """The errors ``flags`` suggest, one per flag that maps to a type of ``profile`` (the
    flag's detail as the note), most severe first, then in the flags' order; a severity the
    profile lacks becomes its lightest."""
    found = []
    for flag in flags:
        if flag.code not in FLAG_ERRORS or FLAG_ERRORS[flag.code][0] not in profile.types:
            continue
        type_, severity = FLAG_ERRORS[flag.code]
        if severity not in profile.severities:
            severity = min(profile.severities, key=profile.weight)
        found.append(QualityError(type_, severity, note=flag.detail or None))
    return sorted(found, key=lambda error: -profile.weight(error.severity))


def suggest_for(segment, profile: Profile = DEFAULT) -> list[QualityError]:
    """``suggest`` for a segment's flags that no reviewer dismissed."""
    return suggest(segment.active_flags, profile)


def its_type(type_: str) -> str:
    """The ITS issue type of an MQM type (``ITS_TYPES``, else its branch's, else "other")."""
    if type_ in ITS_TYPES:
        return ITS_TYPES[type_]
    return ITS_BRANCHES.get(type_.split("/", 1)[0], "other")
