"""The same event reported in several sentences becomes one event.

News repeats itself: the headline, the lead and the body often report the same act ("Kazakhstan, France
Sign Agreements Worth $1.4 Billion" … "Kazakhstan and France signed thirteen agreements worth more than
$1.4 billion"). Events of one type, with the same countries and the same modality, are one event; the body
is more precise than the headline, so for amounts and counts the later sentence wins, and the dyads of both
reports are united. An agreement whose parties are a strict part of an earlier one's, with no other count,
is that agreement seen with fewer of its parties.
"""

from __future__ import annotations

from kg.extract.dyads import Reported, unite
from kg.extraction import Agreement


def merge(reported: list[Reported], agreements: list[Agreement]) -> tuple[list[Reported], list[Agreement]]:
    """One event per (type, countries, intended), in order of first report; agreements re-indexed."""
    merged: dict[tuple, Reported] = {}
    kept_agreements: list[Agreement] = []
    seen: dict[int, set] = {}  # kept agreement → the sentences already merged into it
    for item in reported:
        event = item.event
        key = (event.type, frozenset(event.countries), event.intended)
        agreement = agreements[event.agreement] if event.agreement is not None else None
        if agreement is not None and any(agreement is kept for kept in kept_agreements):
            agreement = None  # a later act on an agreement already kept ("ratified the document")
            event.agreement = None
        if key not in merged:
            merged[key] = item
            if agreement is not None:
                kept_agreements.append(agreement)
                event.agreement = len(kept_agreements) - 1
                seen[event.agreement] = {agreement.evidence}
            continue
        kept = merged[key]
        kept.dyads = unite(kept.dyads, item.dyads)
        _absorb(kept.event, event)
        if agreement is None:
            continue
        index = kept.event.agreement
        if index is None:
            kept_agreements.append(agreement)
            kept.event.agreement = len(kept_agreements) - 1
            continue
        target = kept_agreements[index]
        if (agreement.count and target.count and agreement.count != target.count) or (
            agreement.evidence in seen.get(index, ())
        ):
            # a second signing in the same sentence was split off on purpose (other signers, other count):
            # "17 intergovernmental documents" and "23 commercial agreements"
            kept_agreements.append(agreement)
        else:
            seen.setdefault(index, set()).add(agreement.evidence)
            _absorb_agreement(target, agreement)
    return fold_partial_agreements(list(merged.values()), kept_agreements)


def _absorb(kept, event) -> None:
    """Participants, date, place and amounts of a later report of the same event."""
    kept.persons = list(dict.fromkeys(kept.persons + event.persons))
    kept.organizations = list(dict.fromkeys(kept.organizations + event.organizations))
    for role in ("visitors", "hosts", "donors", "recipients"):
        setattr(kept, role, list(dict.fromkeys(getattr(kept, role) + getattr(event, role))))
    kept.date = kept.date or event.date
    if not kept.place:
        kept.place, kept.place_country = event.place, event.place_country
    kept.amounts = event.amounts or kept.amounts


def _absorb_agreement(target: Agreement, agreement: Agreement) -> None:
    target.count = agreement.count or target.count
    target.amounts = agreement.amounts or target.amounts
    target.sectors = list(dict.fromkeys(target.sectors + agreement.sectors))
    target.organizations = list(dict.fromkeys(target.organizations + agreement.organizations))


def fold_partial_agreements(
    reported: list[Reported], agreements: list[Agreement]
) -> tuple[list[Reported], list[Agreement]]:
    """ "Kazakhstan, Masdar Sign Deal" (headline) and "… Ministry of Energy and Abu Dhabi-based Masdar signed an
    agreement" (lead): an agreement whose parties are a strict part of another's, with no other count, is the
    same act seen with fewer of its parties — unless it comes later ("… during which he and Japarov signed the
    border treaty": a later, smaller signing is its own)."""
    target: dict[int, int] = {}
    for index, agreement in enumerate(agreements):
        for other_index, other in enumerate(agreements):
            if other_index == index or other_index in target or not agreement.parties:
                continue
            if agreement.evidence is None or other.evidence is None:
                raise ValueError("an agreement to fold has no evidence: which sentence came first is unknown")
            if agreement.evidence.start > other.evidence.start:
                continue
            if set(agreement.parties) < set(other.parties) and agreement.count in (None, other.count):
                target[index] = other_index
                other.amounts = other.amounts or agreement.amounts
                break
    if not target:
        return reported, agreements
    kept = [i for i in range(len(agreements)) if i not in target]
    new_index = {old: new for new, old in enumerate(kept)}
    for item in reported:
        if item.event.agreement is not None:
            old = item.event.agreement
            while old in target:
                old = target[old]
            item.event.agreement = new_index[old]
    return reported, [agreements[i] for i in kept]
