"""Warnings about a valid scenario that probably does not say what its author meant (printed, not fatal).

- a reform (``extends``) that keeps its parent's `name`, `title_zh` or `title_en`: its reports and results
  folder would carry the parent's title ("SMEs 60 %" after the share was changed);
- a reform that sets an instrument's `source`: the one source is then shown for every parameter the
  reform inherits from the parent as well;
- an instrument whose `valid` window lies entirely outside the run: it costs 0 in every month.
"""
from __future__ import annotations

from typing import Any

from sim.params.errors import display_path
from sim.params.loader import LoadedDocument
from sim.params.months import month_number


def scenario_notices(loaded: LoadedDocument, document: dict[str, Any]) -> list[str]:
    """The warnings for a loaded chain and its validated document (see the module docstring)."""
    notices = []
    own, head = loaded.files[0] if loaded.files else None, document["scenario"]
    shown = display_path(own) if own is not None else "scenario"
    if len(loaded.files) > 1:
        for key in ("name", "title_zh", "title_en"):
            origin = loaded.origins.get(("scenario", key))
            if origin is not None and origin != own:
                notices.append(f"{shown}: scenario.{key} = {head.get(key)!r} is inherited from "
                               f"{display_path(origin)}; give the reform its own {key}")
        for iid in document["instruments"]:
            introduced = loaded.origins.get(("instruments", iid))
            if loaded.origins.get(("instruments", iid, "source")) == own and introduced not in (None, own):
                inherited = sorted(key[2] for key, origin in loaded.origins.items()
                                   if key[:2] == ("instruments", iid) and len(key) == 3 and origin != own)
                if inherited:
                    notices.append(f"{shown}: instruments.{iid}.source replaces the source shown for the "
                                   f"parameters inherited from {display_path(introduced)} too "
                                   f"({', '.join(inherited)})")
    first, last = month_number(head["start"]), month_number(head["start"]) + head["months"] - 1
    for iid, body in document["instruments"].items():
        valid = body.get("valid")
        if isinstance(valid, list) and len(valid) == 2 and all(isinstance(m, str) for m in valid):
            if month_number(valid[1]) < first or month_number(valid[0]) > last:
                notices.append(f"{shown}: instruments.{iid}.valid = {valid} lies entirely outside the run "
                               f"({head['start']}, {head['months']} months): the instrument pays nothing")
    return notices
