"""A real SMTP server for the test-suite (aiosmtpd) on loopback. Every message
it accepts is written to OUT twice, numbered: as received (.eml) and as read
by Python's email parser (.json: envelope recipients, From, To, Subject,
Message-ID, and the text and HTML parts decoded). It prints one line,
"listening on PORT", and serves until stopped."""

import argparse
import asyncio
import itertools
import json
import os
import signal

from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = itertools.count(len([f for f in os.listdir(out) if f.endswith(".eml")]) + 1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.count)
        path = os.path.join(self.out, f"{n:05d}.eml")
        with open(path + ".part", "wb") as f:
            f.write(f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        parsed = {
            "envelope_to": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "text": text.get_content() if text else None,
            "html": html.get_content() if html else None,
        }
        with open(path[:-4] + ".json.part", "w") as f:
            json.dump(parsed, f)
        os.rename(path[:-4] + ".json.part", path[:-4] + ".json")
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(Sink(args.out), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"listening on {args.port}", flush=True)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
