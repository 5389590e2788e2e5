"""The model the dashboard runs: :class:`sim.model.AIMarket` built from the page's levers.

SolaraViz's Reset rebuilds the model as ``model.__class__(**model_params)`` (Mesa 3.3), so
every lever is a keyword of :class:`DashboardModel`; the keywords are the fields of
:class:`sim.dashboard.levers.Levers`, with the same defaults. The page builds through
:func:`with_settings`: a subclass whose levers not given come from the settings the page
last accepted, so that Reset runs them at the moment it is pressed.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any

from sim.dashboard.levers import Levers, build_config, make_levers
from sim.model import AIMarket


class DashboardModel(AIMarket):
    """The AI market of the page's levers.

    Args:
        **levers: any field of :class:`~sim.dashboard.levers.Levers` (world, scenario,
            seed, export_limit, export_level, ...); the others keep their defaults.

    Raises:
        ConfigError: a lever value the command line would refuse (same message);
            nothing is built.

    Attributes:
        levers: the settings it was built from.
        step_seconds: wall time of the last :meth:`step`.
        lock: held while a month is simulated; the page reads the tables under it, so
            that it can draw while the model plays on in another thread.
        closed: set by :meth:`close` when its page goes (browser closed, or Reset built
            another model): a closed model's steps do nothing, so a play loop left behind
            computes nothing.
    """

    def __init__(self, **levers: Any) -> None:
        settings = make_levers(**levers)
        super().__init__(build_config(settings))
        self.levers = settings
        self.step_seconds = 0.0
        self.lock = threading.RLock()
        self.closed = False

    def close(self) -> None:
        """Stop for good: the page that shows this model has gone."""
        with self.lock:
            self.closed = True
            self.running = False

    def step(self) -> None:
        """Simulate one month (and time it); past the last month, or closed, do nothing."""
        with self.lock:
            if self.closed or self.month > self.clock.end:
                self.running = False
                return
            clock = time.perf_counter()
            super().step()
            self.step_seconds = time.perf_counter() - clock


# inspect.signature(DashboardModel) (and SolaraViz's parameter check) lists every lever
DashboardModel.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default)
       for f in dataclasses.fields(Levers)])


def with_settings(current: Callable[[], Levers]) -> type[DashboardModel]:
    """A subclass of :class:`DashboardModel` whose levers not given are ``current()``'s,
    and which simulates its first month when it is built.

    SolaraViz reads its ``model_params`` once, when it is mounted; the page passes none,
    and Reset's ``model.__class__()`` builds from the settings of the moment. The first
    month is the page's first view: a session opens (and Reset lands) on the market of
    the run's first month, its figures and headline numbers drawn from that first record,
    without a press of Step (the recorder records a month when it is simulated: a model
    just built has no record to draw).
    """

    class PageModel(DashboardModel):
        def __init__(self, **levers: Any) -> None:
            super().__init__(**{**dataclasses.asdict(current()), **levers})
            self.step()  # the first record: the page's first view

    PageModel.__init__.__signature__ = DashboardModel.__init__.__signature__
    PageModel.__name__ = PageModel.__qualname__ = "DashboardModel"
    return PageModel
