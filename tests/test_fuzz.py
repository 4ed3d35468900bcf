"""Fuzz test (issue 15): a few hundred mutated scenario and register files through the command line, in
process. Every one must end with exit 0 (ran) or 2 (a clear error): never a traceback, a hang or an exit
of another kind, and no register identifier may reach stdout, stderr, the logs or the results folder.

Seeded: the same mutants every time. Prints the counts table (tried / clean error / ran / traceback /
hang / crash) with `pytest -s`.
"""
from __future__ import annotations

import collections
import contextlib
import io
import logging
import os
import random
import signal
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.replicate import warm_up
from tests.conftest import UI_ONLY
from tests.test_register import CSV

SEED = 15
SCENARIO_MUTANTS = 240
REGISTER_MUTANTS = 80
SECONDS = 30                     # a case taking longer than this is a hang

# values a careless edit or a hostile file may put anywhere
TOKENS = ['""', '"=HYPERLINK(1)"', '"+1"', '"@x"', '"-1"', '"\\u0000"', '"a\\u0007b"', '"２０２４-01"',
          '"2024-01\\n"', "-1", "0", "1e308", "inf", "nan", "9999999999999999999999", "true", "[]", "{}",
          "[[1, 2], [3]]", '"' + "x" * 300 + '"', '"2024-13"', '"1900-01"', '"liupanshui/../x"', "1.5",
          '"zz_unknown"', "[" * 40 + "]" * 40]
# register identifiers planted in the wrong columns (all invented); none may be printed
PLANTED = ["张伟明", "李秀英兰", "139-0013-8000", "+8613900138000", "990101 19800101 1234", "13900138000",
           "王小二联系人"]


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


@pytest.fixture(scope="session")
def warm_kernels():
    """Kernels compiled (or loaded from numba's cache) before any case is timed."""
    warm_up(sim.load_scenario(UI_ONLY, months=1))


def _call(argv: list[str], seconds: int = SECONDS) -> tuple[str, str, str]:
    """(outcome, stdout, stderr+logs) of one command, outcome one of ran / clean error / traceback / hang /
    crash."""
    out, err, logs = io.StringIO(), io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(logs)
    logging.getLogger().addHandler(handler)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        outcome = {0: "ran", 2: "clean error"}.get(code, "traceback" if "Traceback" in err.getvalue() else "crash")
    except _Hang:
        outcome = "hang"
    except SystemExit as exit_:                 # argparse: exit 2 with a usage line
        outcome = "clean error" if exit_.code == 2 else "crash"
    except BaseException:                       # noqa: BLE001 — anything escaping main is a crash
        outcome = "crash"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        logging.getLogger().removeHandler(handler)
    if "Traceback" in err.getvalue() and outcome != "hang":
        outcome = "traceback"
    return outcome, out.getvalue(), err.getvalue() + logs.getvalue()


def _mutate_scenario(text: str, rng: random.Random) -> str | bytes:
    lines = text.splitlines()
    kind = rng.randrange(9)
    k = rng.randrange(len(lines))
    if kind == 0:                                               # a value replaced
        assignments = [i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]
        i = rng.choice(assignments)
        lines[i] = lines[i].split("=", 1)[0] + "= " + rng.choice(TOKENS)
    elif kind == 1:
        del lines[k]
    elif kind == 2:
        lines.insert(k, lines[rng.randrange(len(lines))])
    elif kind == 3:
        lines.insert(k, rng.choice(["[instruments.X-1]", "[scenario]", "junk", "[[a]]", 'extends = "nowhere.toml"',
                                    'extends = "scenario.toml"', "x = 1", 'locality = "nowhere"']))
    elif kind == 4:                                             # truncated
        return text[:rng.randrange(len(text))]
    elif kind == 5:                                             # bytes flipped
        raw = bytearray(text.encode("utf-8"))
        for _ in range(rng.randrange(1, 8)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    elif kind == 6:
        lines = lines[:k]
    elif kind == 7:                                             # a key moved to another section
        i = rng.randrange(len(lines))
        lines.append(lines.pop(i))
    else:                                                       # two values replaced
        for _ in range(2):
            assignments = [i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]
            i = rng.choice(assignments)
            lines[i] = lines[i].split("=", 1)[0] + "= " + rng.choice(TOKENS)
    return "\n".join(lines) + "\n"


def _special(path: Path, kind: str) -> Path:
    """A special file at `path`: a FIFO, a symlink to /dev/zero, a symlink loop or a folder."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "loop":
        path.symlink_to(path.name)
    else:
        path.mkdir()
    return path


def _mutate_register(frame: pd.DataFrame, rng: random.Random) -> tuple[pd.DataFrame, str | None]:
    """A mutated copy and, for a header mutation, the CSV text to write instead."""
    frame = frame.copy()
    kind = rng.randrange(8)
    row = rng.randrange(len(frame))
    column = rng.choice(list(frame.columns[3:]))
    if kind == 0:                                                 # an identifier in a data column
        frame.loc[row, column] = rng.choice(PLANTED + list(frame["姓名"]) + list(frame["身份证号"]))
    elif kind == 1:
        frame.loc[row, column] = rng.choice(["", " ", "x", "-1", "1e9", "９９", "2024-01\n", "=1+1", "\x00", "999999"])
    elif kind == 2:                                               # a column renamed into a duplicate
        names = list(frame.columns)
        names[rng.randrange(3, len(names))] = rng.choice(names[3:])
        return frame, ",".join(names) + "\n" + frame.to_csv(index=False, header=False)
    elif kind == 3:                                               # no header row
        return frame, frame.to_csv(index=False, header=False)
    elif kind == 4:
        frame = frame.drop(columns=[column])
    elif kind == 5:                                               # identifiers under an unknown header
        frame["联系人"] = rng.choice(PLANTED)
        frame.loc[row, "性别"] = frame.loc[row, "联系人"]
    elif kind == 6:
        frame["权重"] = rng.choice(["1e9", "0", "12.5", "abc", PLANTED[2]])
    else:
        frame.loc[row, "累计缴费月数"] = rng.choice(["720", "0", "1000", PLANTED[5]])
    return frame, None


def _identifiers(frame: pd.DataFrame) -> list[str]:
    return [v for c in ("姓名", "身份证号", "手机号") for v in frame[c] if v] + PLANTED


def _leaks(texts: list[str], identifiers: list[str]) -> list[str]:
    return [value for value in identifiers if any(value in text for text in texts)]


def _folder_text(out: Path) -> str:
    if not out.exists():
        return ""
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*")
                   if p.is_file() and p.suffix in (".json", ".csv", ".html", ".txt"))


def test_mutated_scenarios_and_registers_exit_0_or_2_without_traceback_hang_or_identifier(tmp_path,
                                                                                      warm_kernels):
    rng = random.Random(SEED)
    counts = collections.Counter()
    failures = []
    base = UI_ONLY.read_text(encoding="utf-8")
    for n in range(SCENARIO_MUTANTS):
        path = tmp_path / f"s{n}" / "scenario.toml"
        path.parent.mkdir()
        special = rng.random() < 0.08
        if special:
            kind = rng.choice(["fifo", "zero", "loop", "folder", "extends", "nul"])
            if kind == "extends":                                 # a special file as the extends target
                _special(path.parent / "parent.toml", rng.choice(["fifo", "zero", "loop", "folder"]))
                path.write_text('[scenario]\nextends = "parent.toml"\nname = "x"\n', encoding="utf-8")
            elif kind == "nul":
                path = Path(str(path) + "\0x")
            else:
                _special(path, kind)
        else:
            mutant = _mutate_scenario(base, rng)
            path.write_bytes(mutant if isinstance(mutant, bytes) else mutant.encode("utf-8"))
        outcome, _, err = _call(["validate", str(path)])
        counts[outcome] += 1
        if outcome not in ("ran", "clean error"):
            failures.append((outcome, path, err[-2000:]))
    frame = pd.read_csv(CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig").head(12)
    for n in range(REGISTER_MUTANTS):
        folder = tmp_path / f"r{n}"
        folder.mkdir()
        path, out = folder / "register.csv", folder / "out"
        if rng.random() < 0.1:
            _special(path, rng.choice(["fifo", "zero", "loop", "folder"]))
            mutant = frame
        else:
            mutant, text = _mutate_register(frame, rng)
            if text is None:
                mutant.to_csv(path, index=False)
            else:
                path.write_text(text, encoding="utf-8")
        argv = ["run", str(UI_ONLY), "--population", str(path), "--months", "1", "--out", str(out), "--no-report"]
        if rng.random() < 0.3:
            argv.append("--drop-invalid")
        outcome, stdout, err = _call(argv)
        counts[outcome] += 1
        if outcome not in ("ran", "clean error"):
            failures.append((outcome, path, err[-2000:]))
        leaked = _leaks([stdout, err, _folder_text(out)], _identifiers(mutant) if path.is_file() else PLANTED)
        if leaked:
            failures.append(("identifier", path, f"{len(leaked)} identifier(s) printed or written"))
    tried = SCENARIO_MUTANTS + REGISTER_MUTANTS
    table = {"tried": tried, **{k: counts[k] for k in ("clean error", "ran", "traceback", "hang", "crash")}}
    print("\nfuzz counts:", table)
    assert not failures, failures[:5]
    assert table["clean error"] + table["ran"] == tried
    assert table["clean error"] > tried // 3 and table["ran"] > 10          # the mutants reach both outcomes
