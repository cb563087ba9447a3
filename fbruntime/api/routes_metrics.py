"""``GET /metrics``: Prometheus text exposition of the engine and whatever else is composed in.

The engine's part is read from the Orchestrator when scraped, per application and resource:

* ``fbrt_resource_events_total``  events the resource has dispatched since its blocks were made
  (the arrivals at every event input, from the engine's always-on totals);
* ``fbrt_resource_faults_total``  faults recorded on the resource's blocks (exceptions in Python
  handlers, runtime errors in ST), the sum of each block's fault count;
* ``fbrt_resource_queue_depth``   events waiting in the resource's FIFO right now;
* ``fbrt_applications``            applications by state.

Other parts (the pipeline service's counters) come in as *collectors*: callables that yield
``prometheus_client`` metric families. The API itself knows nothing about them; ``fbrt serve``
passes them in. Reading ``/metrics`` needs the token whenever other reads do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from fbruntime.orchestrator import Orchestrator

__all__ = ["engine_families", "metrics_router"]

Families = Callable[[], Iterable[Metric]]


def engine_families(orchestrator: Orchestrator) -> Iterator[Metric]:
    """Events, faults and queue depth per resource, applications per state."""
    events = CounterMetricFamily(
        "fbrt_resource_events",
        "Events dispatched by a resource (arrivals at its blocks' event inputs)",
        labels=["app", "resource"],
    )
    faults = CounterMetricFamily(
        "fbrt_resource_faults",
        "Faults recorded on the blocks of a resource (exceptions in handlers, ST errors)",
        labels=["app", "resource"],
    )
    depth = GaugeMetricFamily(
        "fbrt_resource_queue_depth",
        "Events waiting in a resource's FIFO",
        labels=["app", "resource"],
    )
    states: dict[str, int] = {}
    for app in orchestrator.apps():
        states[app.state] = states.get(app.state, 0) + 1
        device = app.device
        if device is None:
            continue
        for name, resource in device.resources.items():
            totals = resource.totals
            dispatched = failed = 0
            for inst in resource.network.walk():
                failed += inst.rt__fault_count
                at = inst.rt__totals_at
                if at >= 0:
                    dispatched += sum(totals[at : at + len(inst.rt__type.interface.event_inputs)])
            events.add_metric([app.name, name], dispatched)
            faults.add_metric([app.name, name], failed)
            depth.add_metric([app.name, name], len(resource.queue))
    apps = GaugeMetricFamily("fbrt_applications", "Applications by state", labels=["state"])
    for state, count in sorted(states.items()):
        apps.add_metric([state], count)
    yield apps
    yield events
    yield faults
    yield depth


class _Collect(Collector):
    def __init__(self, sources: list[Families]) -> None:
        self.sources = sources

    def collect(self) -> Iterable[Metric]:
        for source in self.sources:
            yield from source()


def metrics_router(
    orchestrator: Orchestrator,
    collectors: Iterable[Families] = (),
    read_dependency: Callable[..., Any] | None = None,
) -> APIRouter:
    """``GET /metrics`` over the engine's families and ``collectors``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collect([lambda: engine_families(orchestrator), *collectors]))
    reading = [Depends(read_dependency)] if read_dependency is not None else []
    router = APIRouter(tags=["metrics"])

    @router.get("/metrics", dependencies=reading, response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
