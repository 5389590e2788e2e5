"""The fixed vocabulary of the model: blocs, openness levels, offering kinds, segments."""

from __future__ import annotations

#: Geopolitical blocs. Vendors, firms and governments belong to one; export limits and
#: bans name them. ROW is the rest of the world (including the developing nations).
BLOCS: tuple[str, ...] = ("US", "CN", "EU", "ROW")

#: Openness of a model. Closed: API only. Open-weight: weights published, training code
#: and data not. Open-source: weights, code and data published.
OPENNESS: tuple[str, ...] = ("closed", "open_weight", "open_source")

#: What a buyer can buy: a vendor's API, or a model's weights run on its own cloud.
KINDS: tuple[str, ...] = ("api", "self_host")

#: Nests of the nested logit: closed APIs, hosted open-weight APIs, self-hosting.
NESTS: tuple[str, ...] = ("closed_api", "open_api", "self_host")

#: Buyer segments, in the order they appear in outputs.
SEGMENTS: tuple[str, ...] = ("startups", "enterprises", "nations", "devices")

#: Seconds in an average month (365.25 / 12 days).
SECONDS_PER_MONTH: float = 365.25 / 12 * 24 * 3600

#: Chip kinds: advanced (export-controlled, Nvidia H100-class) and domestic (Ascend-class).
CHIP_KINDS: tuple[str, ...] = ("advanced", "domestic")
