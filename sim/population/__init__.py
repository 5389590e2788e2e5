"""Buyer segments behind one interface (:class:`sim.population.segment.BuyerSegment`): the
vectorized populations (firms, nations) and their per-agent counterparts."""
