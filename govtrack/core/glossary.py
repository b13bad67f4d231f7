"""The glossary: the hard words of the forums and of the network analysis, one anchor each.

Pages link a word where it appears with `term(key, text)` (templates/_glossary.html), which asks
`glossary_url(key)`: an unknown key fails the page's render (and its test) instead of leaving a link
to nowhere. Each word is named in both languages whatever the reader's; the explanation is in theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Term:
    """One word: its anchor, its name in Bahasa Indonesia and in English, what it means."""

    key: str
    name_id: str
    name_en: str
    meaning: LazyString
    example: LazyString | None = None


TERMS: tuple[Term, ...] = (
    Term("quorum", "Kuorum", "Quorum", _l(
        "The least number of eligible voters who must be present, in person or by proxy, for a meeting "
        "to decide. Each forum sets it as a fraction of its eligible voters, either “at least” (at least "
        "half) or “more than” (more than half), as the bylaws say. The roll of eligible voters is fixed "
        "when the meeting opens. A motion closed without a quorum has the outcome “no quorum”."),
        _l("Example: 12 eligible voters and a quorum of at least 1/2: the meeting decides once 6 are "
           "there; with “more than 1/2” it needs 7.")),
    Term("threshold", "Ambang suara", "Threshold", _l(
        "The share of the votes cast that a motion needs to be carried. Votes cast are yes plus no; "
        "abstentions are recorded but do not count. Simple majority: more yes than no. Two thirds or "
        "three quarters: yes is at least that share of the votes cast. Unanimous: at least one yes and "
        "no vote against. A motion with no votes cast is defeated."),
        _l("Example: 7 yes, 3 no and 2 abstaining: 10 votes cast; carried by a simple majority and by two "
           "thirds (7 ≥ 6.7), defeated under three quarters (7 < 7.5).")),
    Term("consensus", "Mufakat", "Consensus", _l(
        "Agreement reached by deliberation (musyawarah untuk mufakat), the first way Indonesian "
        "cooperative law asks a meeting to decide. A motion carried by consensus is recorded as carried "
        "with no objection, without counting votes; the meeting must be quorate. When there is no "
        "consensus, the meeting votes.")),
    Term("proxy", "Kuasa", "Proxy", _l(
        "A member who cannot attend may give their vote to another member who is present in person (the "
        "proxy holder). A member represented by proxy counts towards the quorum, and the holder votes for "
        "them. Each forum sets how many proxies one holder may carry; a holder who is not there in person "
        "cannot carry any.")),
    Term("hhi", "HHI (indeks Herfindahl-Hirschman)", "HHI (Herfindahl-Hirschman index)", _l(
        "How concentrated a flow (funding, liquidity, guarantees, supply, permits) is among partners: "
        "add up the squares of each partner’s percentage share. 10,000 means everything comes from one "
        "partner; above 2,500 is highly concentrated, 1,500 to 2,500 moderately, below 1,500 not "
        "concentrated. The effective number of sources, 10,000 divided by the HHI, says how many equal "
        "partners would give the same concentration."),
        _l("Example: two funders with shares of 80% and 20%: 80² + 20² = 6,800, highly concentrated; "
           "the effective number of sources is 1.5.")),
    Term("effective-sources", "Jumlah sumber efektif", "Effective number of sources", _l(
        "How many partners of equal size would give a flow the same concentration: 10,000 divided by "
        "its HHI. 1.0 means the cooperative depends on a single source; 4.0, that it depends on its "
        "sources as if it had four of the same size, however many it has in fact."),
        _l("Example: two funders with shares of 80% and 20% (HHI 6,800): 10,000 ÷ 6,800 = 1.5 "
           "sources, nearer one than two.")),
    Term("single-point-of-failure", "Titik rawan tunggal", "Single point of failure", _l(
        "A partner or agreement that alone holds parts of the dependency network together, or the only "
        "partner all the funding of a project passes through: if the partner leaves or the agreement "
        "ends, the network falls apart into pieces and what hangs on it loses its only tie. The network "
        "page lists them, and the links that are the only tie between two parts of the network "
        "(bridges); its picture and map ring in red the partners that hold the network together.")),
    Term("broker", "Perantara", "Broker", _l(
        "A partner that many of the strongest ties between other partners pass through (measured by "
        "betweenness: a large agreement is a short, strong tie), and so connects parts of the network "
        "that would otherwise be far apart. A broker is useful, and a risk: much passes through it. "
        "The network's picture and map mark brokers with a dashed black ring.")),
    Term("margin-of-error", "Margin kesalahan", "Margin of error", _l(
        "How far a share found among the members who answered a survey may be from the share among all "
        "the members it stands for: with a confidence of 95 %, the true share lies within that many "
        "percentage points above or below. It is smaller when more members answer, and nothing when everyone in the "
        "population answered (the finite-population correction)."),
        _l("Example: 62 % ± 4.3 points: among all members, most likely between 57.7 % and 66.3 %.")),
)

KEYS = frozenset(t.key for t in TERMS)


def glossary_url(key: str) -> str:
    """The glossary's address for one word (a template global); an unknown word is a bug."""
    if key not in KEYS:
        raise KeyError(f"no such glossary term: {key!r}")
    return url_for("core.glossary", _anchor=key)
