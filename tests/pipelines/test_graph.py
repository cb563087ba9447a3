from __future__ import annotations

import pytest

from fbruntime.pipelines import TaskGraph, find_cycles

# fetch -> (parse, audit) -> store -> notify;  cleanup is on its own, last in the config.
DIAMOND = {
    "fetch": [],
    "parse": ["fetch"],
    "audit": ["fetch"],
    "store": ["parse", "audit"],
    "notify": ["store"],
    "cleanup": [],
}


def test_order_puts_dependencies_first_and_otherwise_keeps_config_order() -> None:
    graph = TaskGraph(DIAMOND)
    assert graph.order == ("fetch", "parse", "audit", "store", "notify", "cleanup")
    later_first = TaskGraph({"b": ["a"], "a": [], "c": []})
    assert later_first.order == ("a", "b", "c")


def test_layers_group_tasks_that_can_run_together() -> None:
    assert TaskGraph(DIAMOND).layers == (
        ("fetch", "cleanup"),
        ("parse", "audit"),
        ("store",),
        ("notify",),
    )


def test_layer_is_the_longest_path_not_the_shortest() -> None:
    graph = TaskGraph({"a": [], "b": ["a"], "c": ["a", "b"]})
    assert graph.layers == (("a",), ("b",), ("c",))


def test_roots_leaves_and_neighbours() -> None:
    graph = TaskGraph(DIAMOND)
    assert graph.roots == ("fetch", "cleanup")
    assert graph.leaves == ("notify", "cleanup")
    assert graph.dependencies("store") == ("parse", "audit")
    assert graph.dependents("fetch") == ("parse", "audit")
    assert len(graph) == 6 and "store" in graph and "nope" not in graph
    assert graph.ids == tuple(DIAMOND)


@pytest.mark.parametrize(
    ("tasks", "include_self", "upstream", "downstream"),
    [
        ("store", False, ("fetch", "parse", "audit"), ("notify",)),
        ("store", True, ("fetch", "parse", "audit", "store"), ("store", "notify")),
        ("fetch", False, (), ("parse", "audit", "store", "notify")),
        (
            ["parse", "cleanup"],
            True,
            ("fetch", "parse", "cleanup"),
            ("parse", "store", "notify", "cleanup"),
        ),
        ([], False, (), ()),
    ],
)
def test_closures_come_in_run_order(
    tasks: str | list[str],
    include_self: bool,
    upstream: tuple[str, ...],
    downstream: tuple[str, ...],
) -> None:
    graph = TaskGraph(DIAMOND)
    assert graph.upstream(tasks, include_self=include_self) == upstream
    assert graph.downstream(tasks, include_self=include_self) == downstream


def test_closure_of_unknown_task_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="unknown task 'nope'"):
        TaskGraph(DIAMOND).downstream("nope")


@pytest.mark.parametrize(
    ("candidate", "task", "expected"),
    [
        ("fetch", "notify", True),
        ("audit", "store", True),
        ("parse", "audit", False),
        ("notify", "fetch", False),
        ("store", "store", False),
        ("cleanup", "notify", False),
    ],
)
def test_is_upstream_is_transitive_and_strict(candidate: str, task: str, expected: bool) -> None:
    assert TaskGraph(DIAMOND).is_upstream(candidate, task) is expected


def test_duplicate_dependency_entries_count_once() -> None:
    graph = TaskGraph({"a": [], "b": ["a", "a"]})
    assert graph.dependencies("b") == ("a",)
    assert graph.dependents("a") == ("b",)


@pytest.mark.parametrize(
    ("dependencies", "cycles"),
    [
        ({"a": [], "b": ["a"]}, []),
        ({"a": ["a"]}, [("a", "a")]),
        ({"a": ["b"], "b": ["a"]}, [("a", "b", "a")]),
        ({"a": ["c"], "b": ["a"], "c": ["b"]}, [("a", "b", "c", "a")]),
        (
            {"x": [], "a": ["c"], "b": ["a"], "c": ["b"], "d": ["d"], "e": ["x", "unknown"]},
            [("a", "b", "c", "a"), ("d", "d")],
        ),
        # A tangle with two loops through 'a': the shortest one is reported.
        ({"a": ["c", "b"], "b": ["a"], "c": ["d"], "d": ["a"]}, [("a", "b", "a")]),
    ],
)
def test_find_cycles_reports_one_path_per_tangle_in_run_direction(
    dependencies: dict[str, list[str]], cycles: list[tuple[str, ...]]
) -> None:
    assert find_cycles(dependencies) == cycles


def test_graph_refuses_cycles_and_unknown_dependencies() -> None:
    with pytest.raises(ValueError, match=r"^dependency cycle: a -> b -> a$"):
        TaskGraph({"a": ["b"], "b": ["a"]})
    with pytest.raises(ValueError, match=r"^task 'a' depends on unknown task 'z'$"):
        TaskGraph({"a": ["z"]})


def test_long_chain_needs_no_recursion() -> None:
    ids = [f"t{i}" for i in range(20_000)]
    chain = {task: ([ids[i - 1]] if i else []) for i, task in enumerate(ids)}
    graph = TaskGraph(chain)
    assert graph.order[-1] == "t19999"
    assert len(graph.layers) == 20_000
    assert graph.is_upstream("t0", "t19999")
    looped = dict(chain, t0=["t19999"])
    (cycle,) = find_cycles(looped)
    assert cycle[0] == cycle[-1] == "t0" and len(cycle) == 20_001
