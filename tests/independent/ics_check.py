"""Reads Pathwise calendar files with an independent parser (Python's
`icalendar`) and prints each event as JSON, for the HTTP tests to check:
uid, sequence, status, start, end, summary and location.

Usage: python3 tests/independent/ics_check.py FILE.ics
"""
import json
import sys

try:
    import icalendar
except ImportError:
    sys.exit("the calendar check needs Python's icalendar: pip install icalendar")


def main(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = []
    for e in cal.walk("VEVENT"):
        events.append({
            "uid": str(e["UID"]),
            "sequence": int(e.get("SEQUENCE", 0)),
            "status": str(e.get("STATUS", "")),
            "start": e.decoded("DTSTART").isoformat(),
            "end": e.decoded("DTEND").isoformat(),
            "summary": str(e["SUMMARY"]),
            "location": str(e.get("LOCATION", "")),
            "stamped": "DTSTAMP" in e,
        })
    json.dump(events, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
