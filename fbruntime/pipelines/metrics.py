"""Counters of the pipeline service for Prometheus (``GET /metrics``).

The runner and the recorder bump plain integers (a dictionary lookup and an add per task, no
locks, no labels objects); the metric families are only built when ``/metrics`` is scraped
(:meth:`PipelineMetrics.families`). Exposed:

======================================  =========  ==========================================
metric                                  type       labels
======================================  =========  ==========================================
``fbrt_pipeline_runs_started_total``    counter
``fbrt_pipeline_runs_total``            counter    ``status`` (succeeded, failed, cancelled)
``fbrt_pipeline_run_seconds``           histogram  (runs that ended)
``fbrt_pipeline_tasks_total``           counter    ``status`` (succeeded, failed, skipped,
                                                   cancelled)
``fbrt_pipeline_attempts_total``        counter    ``status`` (succeeded, failed)
``fbrt_pipeline_attempt_seconds``       histogram
``fbrt_pipeline_runs_active``           gauge
``fbrt_pipeline_queue_depth``           gauge      tasks waiting for a worker, all runs
``fbrt_pipeline_threads_busy``          gauge      threads running synchronous operations
``fbrt_pipeline_threads_abandoned_total``  counter  attempts that timed out on a thread
``fbrt_pipeline_processes_busy``        gauge
``fbrt_pipeline_processes_killed_total``  counter  worker processes killed by a timeout
======================================  =========  ==========================================
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

__all__ = ["Histogram", "PipelineMetrics"]

ATTEMPT_BUCKETS = (0.0001, 0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0)
RUN_BUCKETS = (0.01, 0.1, 1.0, 10.0, 60.0, 300.0, 1800.0, 7200.0)


class Histogram:
    """Cumulative buckets as Prometheus wants them, filled with one bisect per value."""

    __slots__ = ("bounds", "count", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.total += value
        self.count += 1

    def family(self, name: str, documentation: str) -> HistogramMetricFamily:
        running = 0
        buckets: list[tuple[str, float]] = []
        for bound, count in zip((*map(str, self.bounds), "+Inf"), self.counts, strict=True):
            running += count
            buckets.append((bound, running))
        return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=self.total)


class PipelineMetrics:
    """What the service counts (see the module docstring)."""

    def __init__(self) -> None:
        self.runs_started = 0
        self.runs_ended: dict[str, int] = {}
        self.tasks_ended: dict[str, int] = {}
        self.attempts_ended: dict[str, int] = {}
        self.attempt_seconds = Histogram(ATTEMPT_BUCKETS)
        self.run_seconds = Histogram(RUN_BUCKETS)

    def run_started(self) -> None:
        self.runs_started += 1

    def run_ended(self, status: str, seconds: float) -> None:
        self.runs_ended[status] = self.runs_ended.get(status, 0) + 1
        self.run_seconds.observe(seconds)

    def task_ended(self, status: str) -> None:
        self.tasks_ended[status] = self.tasks_ended.get(status, 0) + 1

    def attempt_ended(self, status: str, seconds: float) -> None:
        self.attempts_ended[status] = self.attempts_ended.get(status, 0) + 1
        self.attempt_seconds.observe(seconds)

    def families(self, service: Any) -> Iterator[Metric]:
        """The metric families now; ``service`` gives the live gauges (runs, queues, pools)."""
        started = CounterMetricFamily(
            "fbrt_pipeline_runs_started", "Pipeline runs started (any trigger)"
        )
        started.add_metric([], self.runs_started)
        yield started
        yield _by_status("fbrt_pipeline_runs", "Pipeline runs ended, by status", self.runs_ended)
        yield self.run_seconds.family(
            "fbrt_pipeline_run_seconds", "How long pipeline runs took, start to end"
        )
        yield _by_status("fbrt_pipeline_tasks", "Tasks ended, by status", self.tasks_ended)
        yield _by_status(
            "fbrt_pipeline_attempts", "Task attempts ended, by status", self.attempts_ended
        )
        yield self.attempt_seconds.family(
            "fbrt_pipeline_attempt_seconds", "How long one attempt of a task took"
        )
        runs = service.active_runs()
        yield _gauge("fbrt_pipeline_runs_active", "Pipeline runs in progress", len(runs))
        yield _gauge(
            "fbrt_pipeline_queue_depth",
            "Tasks ready to run and waiting for a worker, all runs",
            sum(run.queued for run in runs),
        )
        threads = service.executors.threads
        yield _gauge(
            "fbrt_pipeline_threads_busy", "Threads running synchronous operations", threads.busy
        )
        abandoned = CounterMetricFamily(
            "fbrt_pipeline_threads_abandoned",
            "Attempts on a thread given up (timeout, cancel) while the thread went on",
        )
        abandoned.add_metric([], threads.abandoned)
        yield abandoned
        processes = service.executors.started_processes
        yield _gauge(
            "fbrt_pipeline_processes_busy",
            "Worker processes running an operation",
            processes.busy if processes is not None else 0,
        )
        killed = CounterMetricFamily(
            "fbrt_pipeline_processes_killed",
            "Worker processes killed because their attempt timed out or was cancelled",
        )
        killed.add_metric([], processes.killed if processes is not None else 0)
        yield killed


def _by_status(name: str, documentation: str, counts: dict[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=["status"])
    for status, count in sorted(counts.items()):
        family.add_metric([status], count)
    return family


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family
