"""The error every refused config raises, and the checks shared by the validation modules."""

from __future__ import annotations

import math
from typing import Any

from sim.config.fields import CEILING, describe_range, lower_bound, upper_bound
from sim.core.calendar import parse_month


class ConfigError(ValueError):
    """A config value that makes no sense. The message names field, value and what is allowed."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        self.path, self.value, self.allowed = path, value, allowed
        super().__init__(f"{path} = {value!r} is not allowed: {allowed}")


def check_value(path: str, value: Any, meta: dict[str, Any]) -> None:
    """Check one value against its field metadata: a choice, a finite number in range.

    A field's ``why`` (see :func:`sim.config.fields.param`) is added to the message, so that
    a bound that is not obvious from the meaning (a numerical floor) says where it comes from.
    """
    if value is None:
        return
    choices = meta.get("choices")
    if choices and isinstance(value, str) and value not in choices:
        raise ConfigError(path, value, describe_range(meta))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    why = f"; {meta['why']}" if meta.get("why") else ""
    if not math.isfinite(value):
        raise ConfigError(path, value,
                          f"a finite number, {describe_range(meta)} ({meta['unit']}){why}")
    (lo, lo_open), hi = lower_bound(meta), meta.get("hi")
    too_low = lo is not None and (value <= lo if lo_open else value < lo)
    too_high = hi is not None and (value >= hi if meta.get("hi_open") else value > hi)
    if too_low or too_high:
        raise ConfigError(path, value, f"must be {describe_range(meta)} ({meta['unit']}){why}")
    ceiling = upper_bound(meta)
    if ceiling is not None and value > ceiling:  # a lower bound only: the shared ceiling
        raise ConfigError(path, value, f"must be {describe_range(meta)} and at most "
                                       f"{CEILING:g} ({meta['unit']}): larger values leave "
                                       "the float range in the model's sums")


def month(path: str, text: str) -> int:
    """The month number of ``text``, or a :class:`ConfigError` naming ``path``."""
    try:
        return parse_month(text)
    except (ValueError, TypeError) as err:
        raise ConfigError(path, text, "a month written YYYY-MM") from err
