"""Tables computed from a run's results, computed once while its reports are written (issue 14).

The HTML report and the workbook show mostly the same tables, and the targets, baseline checks and
bureau formats read the same moments (`sim.moments`). A function marked `@once` remembers its result
while `reports_being_written()` is active (`sim.report.build`) and hands every caller its own copy (a
caller that changes a table in place changes only its copy). Outside that block (a calibration, a
test, the app calling one table) it computes as before. Arguments are told apart by value (text,
numbers, tuples of them) or else by identity: inside the block the results being reported are not
changed, and the memo keeps each argument alive so no identity is reused.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import functools

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("report_tables", default=None)
_BY_VALUE = (str, int, float, bool, type(None))


@contextlib.contextmanager
def reports_being_written():
    """While active, every `@once` function computes each table once (per thread or task: a context
    variable, so two reports written at the same time never share a memo)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def once(function):
    @functools.wraps(function)
    def remembered(*args, **kwargs):
        memo = _MEMO.get()
        if memo is None:
            return function(*args, **kwargs)
        key = (function.__qualname__, tuple(_key(a) for a in args),
               tuple(sorted((name, _key(a)) for name, a in kwargs.items())))
        if key not in memo:
            memo[key] = (function(*args, **kwargs), args, kwargs)     # the arguments kept alive: ids stay theirs
        return copy.deepcopy(memo[key][0])
    return remembered


def _key(argument):
    if isinstance(argument, _BY_VALUE) or (isinstance(argument, tuple) and all(isinstance(a, _BY_VALUE)
                                                                              for a in argument)):
        return argument
    return ("id", id(argument))
