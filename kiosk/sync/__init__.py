"""Anonymised statistics from this kiosk to the programme managers' server. No Kivy.

- :mod:`kiosk.sync.aggregate`  per (day, lesson, version, language) counts, cumulative, revised
- :mod:`kiosk.sync.outbox`     batches waiting for the server, in the progress store's own file
- :mod:`kiosk.sync.client`     enrolment, signed uploads with backoff, a clock learnt from ``Date``
- :mod:`kiosk.sync.worker`     the background thread that uploads on a schedule and when online
- :mod:`kiosk.sync.bundle`     ``sync export DIR``: a signed bundle for a USB stick
- :mod:`kiosk.sync.salvage`    figures still queued in a damaged progress file, sent after all

See docs/SYNC.md for what is sent and what happens when a kiosk is offline for weeks.
"""
