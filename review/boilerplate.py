"""Page furniture in scraped news: credits, bylines, dates, ads, comment and share prompts.

Such lines are kept in the article (offsets stay exact) but are not sent for translation.
Photo captions are not furniture: they describe the story and are translated.
"""
from __future__ import annotations

import re

_FLAGS = re.IGNORECASE
MAX_FURNITURE_CHARS = 400  # notices and credits are short; keeps long paragraphs cheap

# "Foto: dpa", "Quelle: https://...", "Tags: Russland, Nordkorea", "Autor: Max Muster".
_LABEL = re.compile(
    r"^\(?\s*(?:fotos?|bild(?:er|quelle|nachweis|rechte)?|fotocredits?|credits?|grafik|"
    r"illustration|titelbild|teaserbild|quellen?|tags|schlagw(?:o|ö)rte?r?|stichw(?:o|ö)rte?r?|"
    r"themen|autor(?:in|en)?|text|mitarbeit|redaktion|copyright|lesezeit|"
    r"aktualisiert|veröffentlicht|erstellt|stand|zuletzt aktualisiert)\s*[:|]", _FLAGS)

# Lines that are nothing but a navigation or section label.
_LABEL_ONLY = frozenset("""
    welt politik ausland inland wirtschaft sport kultur panorama meinung lokales regional
    digital wissen gesellschaft leben reise karriere nachrichten news startseite home menü
    suche anmelden login registrieren abo plus premium video videos podcast bildergalerie
    galerie newsticker liveticker schlagzeilen feuilleton finanzen börse technik gesundheit
    wetter teilen drucken merken zurück weiter impressum datenschutz kontakt tags themen
    schlagworte schlagwörter anzeige werbung advertisement gesponsert sponsored kommentare
    kommentar artikel weiterlesen mehr
""".split())

_PROMPTS = [
    # comment sections and their notices
    r"^kommentare?\s*(?:\(\d+\)|\d+)?\s*$",
    r"^zum kommentarbereich",
    r"\bkein(?:e)? kommentieren\b|kommentieren (?:ist )?(?:nicht |leider )?(?:mehr )?möglich",
    r"kommentarfunktion|kommentarbereich|kommentar schreiben|jetzt kommentieren|"
    r"kommentieren sie|zum kommentieren|mitzudiskutieren|diskutieren sie mit|community-team|"
    r"netiquette|forenregeln",
    r"\bbei fragen (?:können|wenden) sie sich",
    # ads
    r"^\[\s*(?:anzeige|werbung|ad|advertisement)[^\]]*\]$",
    # related-article teasers
    r"^(?:mehr zum thema|lesen sie (?:auch|mehr|hier)|auch interessant|das könnte sie "
    r"(?:auch )?interessieren|weitere artikel|verwandte artikel|ähnliche artikel|"
    r"empfohlene artikel|meistgelesen|zum artikel|zur startseite|hier klicken)\b",
    r"^(?:zum thema|mehr dazu|siehe auch)\s*(?:[:|»>→–-].*)?$",
    # social sharing and newsletters
    r"^(?:teilen|jetzt teilen|artikel teilen|teilen sie|share|tweet|link kopieren|"
    r"per (?:e-)?mail (?:teilen|versenden)|auf (?:facebook|twitter|x|whatsapp) teilen)\b",
    r"^(?:folgen sie (?:uns|\w+) auf|besuchen sie uns auf)\b",
    r"newsletter\b.*\b(?:abonnier|anmeld|bestell|registrier)|"
    r"(?:abonnier|melden sie sich|jetzt anmelden|bestellen sie).*\bnewsletter",
    # bylines ("Von Max Muster" is matched by _BYLINE, where case matters)
    r"^von unsere[mr] (?:korrespondent|reporter|redakteur|mitarbeiter)\w*",
    r"^(?:ein|eine)\s+(?:kommentar|analyse|kolumne|gastbeitrag|bericht|reportage|interview)\s+"
    r"von\s+[A-ZÄÖÜ]",
]
_PROMPT = re.compile("|".join(f"(?:{p})" for p in _PROMPTS), _FLAGS)
_BYLINE = re.compile(r"^[Vv]on\s+(?:[A-ZÄÖÜ][\w'’.-]*(?:\s*,\s*|\s+(?:und|&)\s+|\s+)?){1,6}$")

_SOCIAL = frozenset("facebook twitter x whatsapp e-mail email mail telegram linkedin xing "
                    "pinterest reddit flipboard instagram threads bluesky drucken teilen "
                    "kopieren link".split())
_AGENCIES = frozenset("dpa afp ap reuters kna epd sid apa ddp dts red tmn ots ag".split())

# Everything a date or time line is made of: "12.03.2024, 14:05 Uhr", "Oct 27, 2023 10:56
# Europe/Berlin", "vor 26 Wochen", "Aktualisiert am Dienstag, 3. Mai 2024".
_DATE_WORDS = frozenset("""
    januar jänner februar märz april mai juni juli august september oktober november dezember
    jan feb febr mär mrz apr jun jul aug sep sept okt oct nov dez dec march may june july
    october december january february
    montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi do fr sa so
    monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    uhr am um vom den der vor seit ab stand ago at on h min std
    sekunde sekunden minute minuten stunde stunden tag tage tagen woche wochen monat monate
    monaten jahr jahre jahren seconds minutes hour hours day days week weeks month months year
    years
    aktualisiert veröffentlicht erstellt zuletzt update updated published geändert
    mez mesz cet cest utc gmt am pm
""".split())
_SEPARATORS = re.compile(r"[\s|·•,/]+")
_TIMEZONE = re.compile(r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b")  # Europe/Berlin

# A bare name on its own line is a byline ("Peter Zeifert"): a common first name, then
# one to three capitalised words or initials.
_FIRST_NAMES = frozenset("""
    Peter Michael Thomas Andreas Stefan Stephan Christian Martin Markus Marcus Frank Klaus
    Jürgen Wolfgang Hans Uwe Matthias Daniel Alexander Sebastian Tobias Florian Jan Jens Jörg
    Dirk Tim Max Paul Lukas Felix David Simon Philipp Benjamin Johannes Julian Oliver Ralf Ralph
    Bernd Holger Sven Torsten Thorsten Carsten Kai Nils Marc Mark Robert Richard Georg Karl
    Heinz Helmut Gerhard Dieter Manfred Werner Günter Günther Rainer Volker Axel Christoph
    Patrick Dominik Fabian Moritz Jonas Niklas Leon Björn Lars Ulrich Ulf Bernhard Josef Joseph
    Anna Maria Julia Laura Lisa Sarah Sara Katharina Christina Christine Sabine Susanne Petra
    Andrea Claudia Nicole Stefanie Stephanie Melanie Sandra Birgit Ulrike Monika Barbara
    Elisabeth Eva Karin Anja Katrin Kathrin Nina Lena Hannah Hanna Sophie Sofia Marie Johanna
    Franziska Miriam Judith Silke Heike Kerstin Tanja Jana Carolin Caroline Charlotte Clara
    Klara Annette Antje Bettina Britta Doris Gabriele Ingrid Jutta Kristina Manuela Martina
    Simone Ute Vanessa Verena Svenja Theresa Teresa
    John James William Robert Timothy Matthew Joseph Charles George Edward Steven Kevin Brian
    Jennifer Jessica Emily Elizabeth Emma Olivia Rachel Rebecca Catherine Kate Michelle
""".split())
_NAME_WORD = re.compile(r"(?:[A-ZÄÖÜ][a-zäöüß'’-]+|(?:[A-Z]\.)+)")


def is_boilerplate(line: str) -> bool:
    """True for page furniture (credits, bylines, dates, ads, prompts), False for content."""
    line = line.strip()
    if not any(ch.isalpha() for ch in line):
        return True  # separators, bare numbers, stray punctuation
    if len(line) > MAX_FURNITURE_CHARS:
        return bool(_LABEL.match(line))  # a long line is content unless labelled "Tags:"...
    lowered = line.lower()
    return bool(
        _LABEL.match(line)
        or lowered.rstrip(":").strip() in _LABEL_ONLY
        or _PROMPT.search(line)
        or _BYLINE.match(line)
        or line.startswith("©") or ("©" in line and len(line) <= 100)
        or _only_words(lowered, _SOCIAL)
        or _only_words(lowered.strip("()"), _AGENCIES)
        or _is_date_line(line)
        or _is_bare_name(line))


def _only_words(lowered: str, vocabulary: frozenset[str]) -> bool:
    """Every word is in ``vocabulary`` ("Facebook | Twitter", "dpa/AFP")."""
    words = [w for w in _SEPARATORS.split(lowered) if w]
    return bool(words) and all(w in vocabulary for w in words)


def _is_date_line(line: str) -> bool:
    """A line made only of dates, times, weekdays, months and words like "Uhr" or "vor"."""
    if not any(ch.isdigit() for ch in line) or len(line) > 80:
        return False
    words = re.findall(r"[^\W\d_]+", _TIMEZONE.sub(" ", line))
    return all(word.lower() in _DATE_WORDS for word in words)


def _is_bare_name(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= 4 and words[0] in _FIRST_NAMES
            and all(_NAME_WORD.fullmatch(w) for w in words[1:]))
