"""The statistics upload's limits, agreed by the kiosk (which splits its batches to fit) and the
server (which refuses anything larger). Defined once here so the two cannot drift apart.

Standard library only, like kiosk.signing: the kiosk imports it without any server dependency.

    >>> MAX_ITEMS, MAX_BODY_BYTES // 1024, MAX_FUNNEL_STEPS
    (500, 256, 200)
"""

from __future__ import annotations

# Items (day x lesson x version x language) in one batch: 90 days x 5 lessons x 1 language fit
# in one; a kiosk splits anything larger.
MAX_ITEMS = 500
# A batch's body in bytes: a 500-item batch is about 70 KiB.
MAX_BODY_BYTES = 256 * 1024
# The longest funnel (learners reaching each step) a lesson may report; real lessons have
# twelve steps at most, so a longer one is a forged or broken upload.
MAX_FUNNEL_STEPS = 200
