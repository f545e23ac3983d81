"""CAMEO event codes and their published Goldstein scores.

GDELT and ICEWS code events as (source, CAMEO code, target) and weigh them on
the Goldstein scale (−10 conflict … +10 cooperation), a fixed look-up on the
code. Coding rules from the CAMEO/PLOVER manuals: announced or future events
are intent (03x), not the act; a visit is 042 for the visitor, 043 for the host.
"""

from __future__ import annotations

GOLDSTEIN = {
    "010": 0.0,  # make statement
    "030": 4.0,  # express intent to cooperate
    "031": 5.2,  # express intent to engage in material cooperation
    "033": 5.2,  # express intent to provide material aid
    "036": 4.0,  # express intent to meet or negotiate
    "040": 1.0,  # consult
    "041": 1.0,  # discuss by telephone
    "042": 1.9,  # make a visit
    "043": 2.8,  # host a visit
    "044": 2.5,  # meet at a "third" location
    "046": 7.0,  # engage in negotiation
    "051": 3.4,  # praise or endorse
    "057": 8.0,  # sign formal agreement
    "061": 6.4,  # cooperate economically
    "071": 7.4,  # provide economic aid
    "073": 7.4,  # provide humanitarian aid
}

#: The code of an event type that happened, and of the same type announced or planned.
_CODES = {
    "Meeting": ("040", "036"),
    "Visit": ("042", "036"),
    "Summit": ("044", "036"),
    "AgreementSigning": ("057", "030"),
    "Ratification": ("057", "030"),
    "Aid": ("071", "033"),
    "Trade": ("061", "031"),
    "Statement": ("010", "010"),
    "Award": ("051", "051"),
}


def cameo_code(event_type: str, *, intended: bool, humanitarian: bool = False, by_phone: bool = False) -> str | None:
    """The CAMEO code of an event, or None for types CAMEO does not cover (elections, culture)."""
    codes = _CODES.get(event_type)
    if codes is None:
        return None
    if intended:
        return codes[1]
    if event_type == "Aid" and humanitarian:
        return "073"
    if event_type == "Meeting" and by_phone:
        return "041"
    return codes[0]
