"""HTER: TER from a machine translation to its human post-edit (Snover et al., 2006).

The post-edit plays the reference: the score is the share of words an editor changed
(insertions, deletions, substitutions, shifts), so 0 means the machine text was approved as
it was. Computed by sacrebleu's TER, whose signature is reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.metrics.base import MetricScore
from tarjama.metrics.ter import TER


class HTER(TER):
    name = "HTER"
    kind = "post-edit"

    def post_edit(self, machine: Sequence[str], edited: Sequence[str]) -> MetricScore:
        """HTER of ``machine`` against its post-edits ``edited`` (aligned, one per segment)."""
        return self.corpus(machine, [edited])
