"""Run the web app, a Celery worker and Celery beat together until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Start the web app, a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: object, port: int, host: str, **options: object) -> None:
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "config"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            # One process per role keeps SQLite writers few; beat must only ever run once.
            "worker": [*celery, "worker", "--loglevel=INFO", "--pool=solo"],
            "beat": [*celery, "beat", "--loglevel=INFO"],
        }
        processes: dict[str, subprocess.Popen[bytes]] = {}
        stopping = False

        def stop(signum: int | None = None, frame: FrameType | None = None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, command in commands.items():
            # Own process group: Ctrl-C reaches us once and we stop the children in order.
            processes[name] = subprocess.Popen(command, env=env, start_new_session=True)
        self.stdout.write(
            self.style.SUCCESS(f"Claimtrack is running on http://{host}:{port}/ — Ctrl-C stops it.")
        )
        failed = None
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    failed = name
                    stopping = True
            time.sleep(0.3)
        self.stdout.write("Stopping web, worker and beat…")
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if failed:
            raise CommandError(f"{failed} exited with status {processes[failed].returncode}")
