"""The German check: articles and headlines pass; other languages and junk are refused."""
from __future__ import annotations

import random
import time

import pytest

from review.errors import BadInputError
from review.language import ensure_german, looks_german

GERMAN_HEADLINES = [
    "Russland intensiviert Kontakt mit Nordkorea",
    "Nordkoreanische Außenministerin in Moskau",
    "Militärische Zusammenarbeit mit dem Iran",
    "Putin besucht Pjöngjang",
    "Scholz schweigt",
    "Krieg in der Ukraine",
]

OTHER_LANGUAGES = {
    "English": "North Korea has become Russia's largest supplier of weapons, the head of "
               "Ukraine's military intelligence said in an interview with the Financial Times.",
    "French": "La Corée du Nord est devenue le principal fournisseur d'armes de la Russie, a "
              "déclaré le chef du renseignement militaire ukrainien dans une interview.",
    "Spanish": "Corea del Norte se ha convertido en el mayor proveedor de armas de Rusia, según "
               "el jefe de la inteligencia militar de Ucrania en una entrevista.",
    "Italian": "La Corea del Nord è diventata il principale fornitore di armi della Russia, ha "
               "detto il capo dell'intelligence militare ucraina in un'intervista.",
    "Dutch": "Noord-Korea is de grootste wapenleverancier van Rusland geworden, zei het hoofd "
             "van de Oekraïense militaire inlichtingendienst in een interview.",
}


def test_seed_articles_are_german(seed_files):
    for path in seed_files:
        text = path.read_text(encoding="utf-8")
        assert looks_german(text), path.name
        ensure_german(text, path.name)  # does not raise


@pytest.mark.parametrize("headline", GERMAN_HEADLINES)
def test_short_german_headlines_pass(headline):
    assert looks_german(headline)


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_other_languages_are_refused_and_named(language):
    text = OTHER_LANGUAGES[language]
    assert not looks_german(text)
    with pytest.raises(BadInputError) as caught:
        ensure_german(text, "artikel.txt")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("artikel.txt: text does not look like German")
    assert f"it looks like {language}" in message


def test_english_article_with_german_names_is_refused():
    text = ("Russian President Vladimir Putin will travel to Pjöngjang, the Kremlin said on "
            "Monday. North Korean foreign minister Choe Son Hui met Sergej Lawrow in Moscow.")
    assert not looks_german(text)


def test_german_article_quoting_english_passes(seed_files):
    german = seed_files[0].read_text(encoding="utf-8")
    assert looks_german(german + '\n"We are ready," the spokesman said in English.')


@pytest.mark.parametrize("junk", [
    "", "   \n\t", "%%%% 1234 $$$ ### 5678 @@@@",
    "asdkj qwpoe zmxnc vbnm lkjh poiu trewq",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
    "".join(chr(c) for c in range(0x2500, 0x2560)),
])
def test_junk_is_refused(junk):
    assert not looks_german(junk)
    with pytest.raises(BadInputError, match="does not look like German"):
        ensure_german(junk, "junk.txt")


def test_random_letter_soup_is_refused():
    rng = random.Random(7)
    soup = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöü") for _ in range(6))
                    for _ in range(200))
    assert not looks_german(soup)


def test_check_is_instant_on_a_long_article(seed_files):
    text = "\n".join(p.read_text(encoding="utf-8") for p in seed_files) * 300  # ~4.5 MB
    started = time.perf_counter()
    assert looks_german(text)
    assert time.perf_counter() - started < 0.5
