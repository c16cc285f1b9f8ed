"""aiosmtpd handlers for the mail tests.

Scripted refuses the first N messages with a given reply code, then stores each message in a
Maildir like aiosmtpd.handlers.Mailbox. Every refusal is logged (one line with the time) to
DIR/refusals, so a test can read when each attempt came.

Holding stores each message as it arrives but holds back its reply ("250 OK") until the file
DIR/release exists, having logged the message's arrival to DIR/held: a test can make something
happen (stop the database, kill the sender) between the server accepting a message and the
sender hearing so.

Run as: python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c scripted_handler.Scripted MAILDIR CODE N
     or python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c scripted_handler.Holding MAILDIR
"""

import asyncio
import os
import time

from aiosmtpd.handlers import Mailbox


class Scripted(Mailbox):
    def __init__(self, mail_dir, code, count):
        super().__init__(mail_dir)
        self.dir = mail_dir
        self.code = int(code)
        self.left = int(count)

    async def handle_DATA(self, server, session, envelope):
        if self.left > 0:
            self.left -= 1
            with open(os.path.join(self.dir, "refusals"), "a") as log:
                log.write(f"{time.time()}\n")
            if self.code >= 500:
                return f"{self.code} 5.7.1 Scripted permanent refusal"
            return f"{self.code} 4.3.0 Scripted temporary refusal, try later"
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 3:
            parser.error("Scripted takes MAILDIR CODE COUNT")
        return cls(*args)


class Holding(Mailbox):
    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.dir = mail_dir

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        with open(os.path.join(self.dir, "held"), "a") as log:
            log.write(f"{time.time()}\n")
        while not os.path.exists(os.path.join(self.dir, "release")):
            await asyncio.sleep(0.02)
        return reply

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("Holding takes MAILDIR")
        return cls(*args)
