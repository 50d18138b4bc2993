"""Background jobs of the web app: one worker thread runs them one at a time, in the order they came.

Indexing is a build of the whole corpus folder and one build publishes at a time anyway (``Publisher``), so a
queue in front of it costs nothing and keeps a burst of uploads from stacking up threads that wait on the
publisher's lock. The table is in memory: a job is a request's receipt, kept for the last ``KEEP`` jobs; what
lasts is the corpus folder and the published index. The thread starts with the first job, so importing or
creating the app starts nothing.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KEEP = 200  # finished jobs kept for their pages; the oldest are forgotten first

Stage = Callable[[str], None]  # a job's way of saying what it is doing now
Work = Callable[[Stage], dict]  # does the job; returns its result; raises JobFailed to fail with a message


class JobFailed(Exception):
    """A job that ends without doing what it was for; ``message`` says why to the user, ``result`` what it did."""

    def __init__(self, message: str, result: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


@dataclass
class Job:
    id: str
    kind: str  # "add" or "delete"
    doc_id: str
    work: Work = field(repr=False)
    state: str = QUEUED
    stage: str = ""
    error: str | None = None
    result: dict = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None

    def to_json(self, ahead: int = 0) -> dict:
        """The job as the API shows it (``GET /api/jobs/<id>``); ``ahead``: jobs to run before a queued one."""
        running_for = (self.finished or time.time()) - self.started if self.started else None
        return {
            "id": self.id,
            "kind": self.kind,
            "doc_id": self.doc_id,
            "state": self.state,
            "stage": self.stage,
            "ahead": ahead if self.state == QUEUED else 0,
            "seconds": round(running_for, 1) if running_for is not None else None,
            "error": self.error,
            "result": self.result,
        }


class JobRunner:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}  # in submission order
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()  # guards the table and every job's fields
        self._thread: threading.Thread | None = None

    def submit(self, kind: str, doc_id: str, work: Work, stage: str) -> dict:
        """Queue ``work`` as a new job; its JSON, with an id no client can guess (jobs are read without the
        token: the job page reloads itself, and a reload cannot send a header)."""
        job = Job(secrets.token_hex(8), kind, doc_id, work, stage=stage)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="kazsearch-jobs", daemon=True)
                self._thread.start()
            snapshot = job.to_json(self._ahead(job))
        self._queue.put(job)
        return snapshot

    def get(self, job_id: str) -> dict | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.to_json(self._ahead(job)) if job else None

    def unfinished(self) -> list[dict]:
        """The queued and running jobs, oldest first: what the upload page shows as under way."""
        with self._lock:
            return [job.to_json(self._ahead(job)) for job in self._jobs.values() if job.state in (QUEUED, RUNNING)]

    def _ahead(self, job: Job) -> int:
        if job.state != QUEUED:
            return 0
        ahead = 0
        for other in self._jobs.values():  # in submission order
            if other is job:
                break
            ahead += other.state in (QUEUED, RUNNING)
        return ahead

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.state in (DONE, FAILED)]
        for job_id in finished[: max(0, len(finished) - KEEP)]:
            del self._jobs[job_id]

    def _serve(self) -> None:
        while True:
            self._run(self._queue.get())

    def _run(self, job: Job) -> None:
        self._update(job, state=RUNNING, started=time.time())
        outcome: dict[str, object]
        try:
            outcome = {"state": DONE, "result": job.work(lambda stage: self._update(job, stage=stage))}
        except JobFailed as failure:
            outcome = {"state": FAILED, "error": failure.message, "result": failure.result}
        except Exception as error:  # noqa: BLE001 - a job's failure is reported in the job, not lost in a thread
            log.exception("job %s (%s %s) failed", job.id, job.kind, job.doc_id)
            outcome = {"state": FAILED, "error": f"{type(error).__name__}: {error}"}
        self._update(job, finished=time.time(), **outcome)
        log.info("job %s (%s %s): %s %s", job.id, job.kind, job.doc_id, job.state, job.error or "")

    def _update(self, job: Job, **fields: object) -> None:
        with self._lock:
            for name, value in fields.items():
                setattr(job, name, value)
