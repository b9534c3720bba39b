"""The translation memory: every approved segment of the store, plus units imported from TMX.

    from review.memory import memory_for
    memory = memory_for(store)                     # cached; rebuilt when files change
    memory.lookup("Der Zug fährt ab.")             # [Match(unit, score)], exact first
    memory.search("Bundestag")                     # concordance hits with highlight spans
    memory.conflicts()                             # same German, different English; and back

Modules: ``text`` (normalize, search patterns), ``units`` (the data types), ``index`` (exact
and fuzzy lookup), ``core`` (Memory, memory_for), ``storage`` (the store layout and the
imported-units file), ``tmx`` (TMX import and export).
"""
from review.memory.core import Memory, memory_for
from review.memory.text import normalize
from review.memory.tmx import ImportResult, export_tmx, import_tmx, import_tmx_report
from review.memory.units import Conflict, CorruptMemoryError, Hit, Match, Unit

__all__ = ["normalize", "Unit", "Match", "Hit", "Conflict", "Memory", "memory_for",
           "import_tmx", "import_tmx_report", "ImportResult", "export_tmx",
           "CorruptMemoryError"]
