#!/usr/bin/env python3
"""Writes calls_2025-10.tsv: a made-up bank call-centre export (fixed seed), for the replay tests.

Shaped like a telephony export: call ids repeat per IVR line (the id is line + call id), dates are
yyMMdd, customer 0 is an anonymous caller, 0:00:00 means "did not happen". Run again to reproduce
the file byte for byte: python3 make_calls.py > calls_2025-10.tsv
"""
import random
from datetime import datetime, timedelta

rnd = random.Random(20251001)
LINES = ["AA0101", "AA0102", "AA0103", "AA0104"]
TYPES = ["PS", "PS", "PS", "NW", "NE", "IN", "TT"]
CUSTOMERS = [str(rnd.randrange(10_000_000, 99_999_999)) for _ in range(90)]
next_id = {line: 33_100 for line in LINES}  # every line counts from the same number: ids repeat across lines
SENTINEL = "0:00:00"


def hms(t):
    assert (t.hour, t.minute, t.second) != (0, 0, 0), "a real time would read as the 0:00:00 sentinel"
    return f"{t.hour}:{t.minute:02d}:{t.second:02d}"


# Hand-made calls for the edges a daily figure must get right, added after each day's random calls
# (no random draws, so every other row stays as it was): (day, start, customer, IVR seconds,
# queue wait in seconds or None, outcome, service seconds or None).
REPEATER = "10000007"  # not one of CUSTOMERS: three calls whose gaps sit on the 7-day repeat window's edge
EDGES = [
    (6, "23:59:20", "0", 45, 14, "AGENT", 221),  # opened before midnight, queued and answered after it
    (8, "10:00:00", REPEATER, 30, None, "AGENT", 60),
    (9, "11:00:01", "0", 10, 20, "AGENT", 90),  # answered after exactly 20 s: within the service level
    (9, "11:30:01", "0", 10, 21, "AGENT", 90),  # 21 s: not within it
    (14, "23:59:40", "0", 50, None, "HANG", None),  # hung up in the IVR after midnight: closed the next day
    (15, "10:00:00", REPEATER, 30, None, "AGENT", 60),  # exactly 7 days after the previous call: a repeat
    (22, "10:00:01", REPEATER, 30, None, "AGENT", 60),  # 7 days and 1 s after: not a repeat
]
assert REPEATER not in CUSTOMERS

rows = []
for day in range(1, 32):
    date = datetime(2025, 10, day)
    n = rnd.randint(9, 15)
    starts = sorted(date + timedelta(seconds=rnd.randrange(7 * 3600, 22 * 3600)) for _ in range(n))
    if day in (3, 11, 19, 27):  # calls across midnight
        starts.append(date + timedelta(hours=23, minutes=rnd.randrange(52, 59), seconds=rnd.randrange(1, 60)))
    for start in starts:
        line = rnd.choice(LINES)
        call_id = next_id[line]
        next_id[line] += 1
        customer = "0" if rnd.random() < 0.25 else rnd.choice(CUSTOMERS)
        vru_exit = start + timedelta(seconds=rnd.randint(5, 60))
        kind = rnd.choices(["ivr_hangup", "abandoned", "answered", "answered_direct", "phantom", "no_end"],
                           [12, 14, 60, 6, 4, 4])[0]
        if start.hour == 23:
            kind = rnd.choice(["answered", "abandoned"])
        q_start = q_exit = ser_start = ser_exit = None
        outcome = {"ivr_hangup": "HANG", "abandoned": "HANG", "phantom": "PHANTOM"}.get(kind, "AGENT")
        if kind in ("abandoned", "answered", "no_end"):
            q_start = vru_exit
            q_exit = q_start + timedelta(seconds=rnd.randint(3, 420))
        if kind in ("answered", "no_end"):
            ser_start = q_exit
        if kind == "answered_direct":
            ser_start = vru_exit
        if kind in ("answered", "answered_direct"):
            ser_exit = ser_start + timedelta(seconds=rnd.randint(20, 1200))
        # no_end: answered, but the export lost the end of service (sentinel)
        server = rnd.choice(["ANNA", "BEN", "DAVID", "MIKE", "SHARON"]) if ser_start else "NO_SERVER"
        rows.append([line, str(call_id), customer, str(rnd.choice([0, 0, 1, 2])), rnd.choice(TYPES),
                     start.strftime("%y%m%d"), hms(start), hms(vru_exit),
                     hms(q_start) if q_start else SENTINEL, hms(q_exit) if q_exit else SENTINEL, outcome,
                     hms(ser_start) if ser_start else SENTINEL, hms(ser_exit) if ser_exit else SENTINEL, server])
    for edge_day, at, customer, ivr_s, wait_s, outcome, service_s in EDGES:
        if edge_day != day:
            continue
        line = "AA0104"
        call_id = next_id[line]
        next_id[line] += 1
        start = datetime.strptime(f"2025-10-{day:02d} {at}", "%Y-%m-%d %H:%M:%S")
        vru_exit = start + timedelta(seconds=ivr_s)
        q_start = vru_exit if wait_s is not None else None
        q_exit = q_start + timedelta(seconds=wait_s) if q_start else None
        ser_start = (q_exit or vru_exit) if outcome == "AGENT" else None
        ser_exit = ser_start + timedelta(seconds=service_s) if ser_start else None
        rows.append([line, str(call_id), customer, "0", "PS", start.strftime("%y%m%d"), hms(start), hms(vru_exit),
                     hms(q_start) if q_start else SENTINEL, hms(q_exit) if q_exit else SENTINEL, outcome,
                     hms(ser_start) if ser_start else SENTINEL, hms(ser_exit) if ser_exit else SENTINEL,
                     "ANNA" if ser_start else "NO_SERVER"])

rows[57][5] = "251O14"  # a typo in the export (letter O): rejected with a reason
print("\t".join(["vru_line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit",
                 "q_start", "q_exit", "outcome", "ser_start", "ser_exit", "server"]))
for r in rows:
    print("\t".join(r))
