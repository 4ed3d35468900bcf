"""`auto`, the command line's executor: worker processes only when there is more than one task to share out."""
from __future__ import annotations

import pytest

from sim.executors import executor, resolved


@pytest.mark.parametrize("tasks, workers, expected", [
    (1, 2, "serial"),            # one task: a pool would only add its start-up
    (0, 2, "serial"),            # every task found in the store
    (2, 2, "processes"),
    (15, 4, "processes"),
    (5, 1, "serial"),            # one core: nothing to share
])
def test_auto_is_processes_for_two_tasks_or_more_on_two_cores_or_more(tasks, workers, expected):
    assert resolved("auto", tasks, workers) == expected


@pytest.mark.parametrize("name", ["serial", "processes", "dask"])
def test_a_named_executor_is_used_as_named(name):
    assert resolved(name, 1, 1) == name


def test_auto_must_be_resolved_before_an_executor_is_opened():
    with pytest.raises(ValueError, match="resolve"):
        with executor("auto"):
            pass
