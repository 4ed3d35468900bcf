"""Fingerprint of every bundled scenario's results at a small size: one sha256 per results table.

A change meant to leave behaviour unchanged (a refactor) must leave every line of the output the same:

    python tools/fingerprint.py > /tmp/before.txt      # on the commit before the change
    python tools/fingerprint.py > /tmp/after.txt       # after it
    diff /tmp/before.txt /tmp/after.txt                # no output: byte-identical results

The tables are written to CSV exactly as the results folder writes them (sim.results.write_csv), so a
change of a single fen, person or month of cover changes the hash.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402

TABLES = ("costs", "budget", "outcomes", "funds")


def fingerprint(path: Path, persons: int, reps: int) -> dict[str, str]:
    res = sim.run(path, persons=persons, reps=reps)
    out = {}
    for name in TABLES:
        csv = getattr(res, name).to_csv(index=False, float_format="%.10g").encode("utf-8")
        out[name] = hashlib.sha256(csv).hexdigest()[:16]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path,
                        default=sorted((ROOT / "scenarios").glob("*.toml")))
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    for path in args.scenarios:
        hashes = fingerprint(path, args.persons, args.reps)
        print(path.stem, " ".join(f"{name}={value}" for name, value in hashes.items()), flush=True)


if __name__ == "__main__":
    main()
