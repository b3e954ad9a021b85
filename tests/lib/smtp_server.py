"""A real SMTP server for the tests (aiosmtpd): every message it accepts is
written whole to DIR as <n>.eml; a recipient whose address contains
"reject" is refused with 550, as a mail server refuses an unknown mailbox.

    /usr/bin/python3 tests/lib/smtp_server.py PORT DIR [DELAY_MS]

DELAY_MS holds each message that long before answering (a slow server,
to stop the sender in the middle of its work)."""
import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = len(os.listdir(folder))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay / 1000)
        self.count += 1
        path = os.path.join(self.folder, "%06d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    delay = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Handler(folder, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
