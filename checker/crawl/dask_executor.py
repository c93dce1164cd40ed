"""Run executor tasks on a dask.distributed cluster: one dask task per task, a lane's tasks chained, results streamed.

    executor = DaskExecutor("tcp://scheduler:8786")      # an existing cluster
    executor = DaskExecutor()                             # a LocalCluster for the run, closed at its end
    with DaskExecutor(n_workers=4) as executor:           # one cluster kept across several runs
        for result in executor.run(batches, work): ...

What crosses to the workers, and how:

- `work` (for the audit: originals, rule pack, fetch settings) is pickled once per run and installed on
  every worker as a WorkerPlugin; each dask task then carries only its executor task (a HostBatch) and
  the plugin's name. A plugin rather than `client.scatter(work, broadcast=True)`: the scheduler keeps a
  registered plugin and installs it on every worker that joins later or is restarted by its nanny, while
  scattered data dies with the last worker holding it (on a one-worker cluster, a single crash would fail the run:
  "lost scattered data, which can't be recovered"). The work callable must be picklable and must not
  hold what does not travel (a requests.Session, an open database): see `per_process` for the worker
  side of that, and `checker.shipped_checker.ShippedChecker` for the originals and the rule pack.
- One dask task per executor task (a HostBatch, a WarcFile), so per-host pacing, robots.txt and Crawl-delay
  hold inside the task with no coordination between workers. Chunks of a big host are chained by the
  client: chunk k+1 is submitted only when chunk k has finished, so two chunks of one host never run at
  the same time and run in order. Tasks go to the scheduler in one `client.map` per priority, and their
  results are gathered in the background as they finish (`bench/bench_dask.py --overhead-only`).
- Each task returns the batch's results as a list; the client streams them with `as_completed` as
  tasks finish. A task that raises is retried (`retries`); a task whose worker dies is rescheduled by
  the scheduler (up to `distributed.scheduler.allowed-failures` deaths, then KilledWorker). Either way
  only a finished task delivers results, so a batch that ran twice is delivered once.

This module imports dask lazily: it can be imported (and `per_process` used) without it.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
import uuid
from collections import OrderedDict
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

from checker.crawl.executor import ExecutorUnavailable, LaneOrderedExecutor, T
from checker.shipped_checker import ShippedChecker  # noqa: F401 - its former home; import it from there

log = logging.getLogger("syndicheck.dask")
R = TypeVar("R")
INSTALL_HINT = "pip install 'syndicheck[dask]'  (or: pip install 'dask[distributed]')"


class DaskUnavailable(ImportError):
    """dask.distributed is not installed (it is the optional extra `syndicheck[dask]`)."""


def require_distributed():
    """The `distributed` module, or DaskUnavailable with the install command."""
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailable(f"the dask executor needs dask.distributed, which is not installed: {INSTALL_HINT}") \
            from exc
    return distributed


# ------------------------------------------------------------------------------------------ worker side
_PER_PROCESS: "OrderedDict[Any, tuple[Any, Optional[Callable[[Any], None]]]]" = OrderedDict()
_PER_PROCESS_LOCK = threading.Lock()
_PER_PROCESS_KEEP = 4  # a long-lived worker serves run after run: keep the last few, close the rest


def drop_per_process(key: Any) -> None:
    """Close and forget this process's object for `key` (a run's end), if there is one."""
    with _PER_PROCESS_LOCK:
        entry = _PER_PROCESS.pop(key, None)
    if entry is not None and entry[1] is not None:
        try:
            entry[1](entry[0])
        except Exception:  # noqa: BLE001
            log.debug("closing a per-process resource failed", exc_info=True)


def per_process(key: Any, factory: Callable[[], Any], close: Optional[Callable[[Any], None]] = None) -> Any:
    """One object per process and key, made on first use and shared by the process's threads.

    For what must not be shipped (a Fetcher's requests.Session, a robots.txt cache): a worker makes its
    own. Key it by the run (a token) so a cluster that outlives a run does not serve stale robots.txt.
    """
    with _PER_PROCESS_LOCK:
        if key in _PER_PROCESS:
            _PER_PROCESS.move_to_end(key)
            return _PER_PROCESS[key][0]
        value = factory()
        _PER_PROCESS[key] = (value, close)
        evicted = []
        while len(_PER_PROCESS) > _PER_PROCESS_KEEP:
            evicted.append(_PER_PROCESS.popitem(last=False)[1])
    for old, closer in evicted:
        if closer is not None:
            try:
                closer(old)
            except Exception:  # noqa: BLE001 - closing an old run's session must not fail this one
                log.debug("closing a per-process resource failed", exc_info=True)
    return value


# Loggers that report, as errors with tracebacks, the connections a cluster being shut down drops on
# purpose (CommClosedError, StreamClosedError, "Task was destroyed but it is pending").
_SHUTDOWN_LOGGERS = ("distributed", "tornado", "asyncio")


def _silence_shutdown_logs() -> None:
    """Run in each worker and nanny of our own LocalCluster just before it is closed."""
    for name in _SHUTDOWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


class _quiet_shutdown:
    """While an executor closes its own cluster, its processes log nothing below CRITICAL: a user saw
    CommClosedError tracebacks after every run, each one a connection closed on purpose. Errors of the
    run itself are not affected: they came back through the futures before this point."""

    def __init__(self, client: Any):
        self.client = client
        self.levels: dict[str, int] = {}

    def __enter__(self) -> "_quiet_shutdown":
        if self.client is not None:
            try:  # the workers' and nannies' own loggers: they print in their own processes
                self.client.run(_silence_shutdown_logs, nanny=False)
                self.client.run(_silence_shutdown_logs, nanny=True)
            except Exception:  # noqa: BLE001 - a worker already gone cannot log either
                log.debug("could not quiet the workers before shutdown", exc_info=True)
        for name in _SHUTDOWN_LOGGERS:
            logger = logging.getLogger(name)
            self.levels[name] = logger.level
            logger.setLevel(logging.CRITICAL)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)


@functools.lru_cache(maxsize=None)
def _work_plugin_class():
    from distributed import WorkerPlugin  # imported here: the module stays importable without dask

    class ShippedWork(WorkerPlugin):
        """Carries the run's work callable to every worker: those running now and any that join or restart."""

        def __init__(self, work):
            self.work = work

        def teardown(self, worker) -> None:  # the run is over: let the work close what it opened here
            closer = getattr(self.work, "close_worker", None)
            if closer is not None:
                closer()

    return ShippedWork


def _run_task(plugin_name: str, task: Any) -> list:
    """The dask task: one executor task, all its results (a dask task cannot stream; a host batch is a few
    hundred pages at most, a WARC file's results are its copies)."""
    from distributed import get_worker

    plugin: Any = get_worker().plugins[plugin_name]  # a ShippedWork, set up once per worker
    work = plugin.work
    return list(work(task))


# ------------------------------------------------------------------------------------------ client side
class DaskExecutor(LaneOrderedExecutor):
    """The Executor protocol on dask.distributed (see the module docstring).

    `scheduler`: address of a running scheduler (tcp://host:8786); None starts a LocalCluster of
    `n_workers` processes (default: one per core) with `threads_per_worker` threads each
    (`processes=False`: threads in this process, for tests). A thread runs one host batch, mostly
    waiting on the host's delay, so a crawl wants many threads per process (the audit gives a
    LocalCluster `crawl.concurrency` threads in all; on a cluster, `dask worker --nthreads 16` or more).
    The cluster is started on first use and closed when the run ends, unless the executor is used as a
    context manager or `open()`ed first (then at `close()`). `client`: an existing dask Client to use.
    """

    def __init__(self, scheduler: Optional[str] = None, *, n_workers: Optional[int] = None,
                 threads_per_worker: int = 1, processes: bool = True, retries: int = 2,
                 client: Any = None):
        require_distributed()
        if threads_per_worker < 1 or (n_workers is not None and n_workers < 1) or retries < 0:
            raise ValueError("n_workers and threads_per_worker must be at least 1, retries at least 0")
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.threads_per_worker = threads_per_worker
        self.processes = processes
        self.retries = retries
        self._client = client
        self._cluster: Any = None
        self._owns = False

    # -------------------------------------------------------------------------------------- lifecycle
    @property
    def client(self):
        if self._client is None:
            self.open()
        return self._client

    def open(self) -> "DaskExecutor":
        if self._client is not None:
            return self
        from distributed import Client, LocalCluster

        if self.scheduler:
            log.info("connecting to the dask scheduler at %s", self.scheduler)
            try:
                self._client = Client(self.scheduler)
            except (OSError, TimeoutError) as exc:
                raise ExecutorUnavailable(f"cannot reach the dask scheduler {self.scheduler}: {exc}") from None
            except ValueError as exc:  # "not a url": distributed cannot parse the address at all
                raise ExecutorUnavailable(f"invalid dask scheduler address {self.scheduler!r}: {exc} "
                                          "(e.g. tcp://scheduler.internal:8786)") from None
        else:
            n = self.n_workers or os.cpu_count() or 1
            log.info("starting a local dask cluster: %d %s x %d threads", n,
                     "processes" if self.processes else "in-process workers", self.threads_per_worker)
            import dask

            # The workers' statistical profiler samples every thread's stack 100 times a second: measured at
            # about a fifth of a crawling worker's CPU (bench/bench_dask.py), for a dashboard view nobody reads.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = LocalCluster(n_workers=n, threads_per_worker=self.threads_per_worker,
                                             processes=self.processes, dashboard_address=":0")
            self._client = Client(self._cluster)
            log.info("dask dashboard: %s", self._client.dashboard_link)
        self._owns = True
        return self

    def close(self) -> None:
        client, cluster, owns = self._client, self._cluster, self._owns
        self._client = self._cluster = None
        self._owns = False
        if not owns:
            return
        with _quiet_shutdown(client if cluster is not None else None):
            try:
                if client is not None:
                    client.close()
            finally:
                if cluster is not None:
                    cluster.close()

    def __enter__(self) -> "DaskExecutor":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------------------------------- running
    def _stream(self, lanes: list[list[T]], work: Callable[[T], Iterable[R]]) -> Iterator[R]:
        from distributed import as_completed

        opened_here = self._client is None
        client = self.client
        token = uuid.uuid4().hex[:12]
        lane_of: dict[str, tuple[int, int]] = {}  # future key -> (lane number, index of the task in its lane)
        # with_results: each finished task's results are gathered in the background as it completes, not by a
        # blocking round trip per task in this thread.
        pending = as_completed(loop=client.loop, with_results=True)
        plugin = f"syndicheck-work-{token}"
        registered = False
        try:
            # The work (originals, rule pack, settings) goes to every worker once, not with every task.
            client.register_plugin(_work_plugin_class()(work), name=plugin)
            registered = True

            def submit(items: list[tuple[int, int]]) -> None:
                # One client.map (one graph, one message to the scheduler) per priority, not a submit per task:
                # the client's CPU per task was most of the executor's cost. Priority: work left in the lane.
                by_priority: dict[int, list[tuple[int, int]]] = {}
                for lane, index in items:
                    by_priority.setdefault(sum(t.size for t in lanes[lane][index:]), []).append((lane, index))
                for priority, group in sorted(by_priority.items(), reverse=True):
                    futures = client.map(_run_task, [plugin] * len(group), [lanes[ln][i] for ln, i in group],
                                         key=[f"syndicheck-task-{token}-{ln}-{i}" for ln, i in group],
                                         retries=self.retries, priority=priority, pure=False)
                    lane_of.update((f.key, item) for f, item in zip(futures, group))
                    pending.update(futures)

            submit([(lane, 0) for lane in range(len(lanes))])
            for future, results in pending:  # re-raises a task's exception once its retries are spent
                lane, index = lane_of.pop(future.key)
                future.release()
                if index + 1 < len(lanes[lane]):
                    submit([(lane, index + 1)])  # the next chunk of this host starts only now
                yield from results
        finally:
            # Early exit or failure: cancel what is queued or running; nothing more is delivered.
            leftover = list(pending.futures)  # not finished yet
            try:
                if leftover:
                    client.cancel(leftover)
                if registered:
                    client.unregister_worker_plugin(plugin)
            except Exception:  # noqa: BLE001 - a closing cluster must not hide the original error
                log.debug("cancelling dask futures failed", exc_info=True)
            if opened_here:
                self.close()
