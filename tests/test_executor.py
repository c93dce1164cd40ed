"""The Executor protocol: every executor opened and closed the same way (a context manager), tasks of one lane
never overlapping and in order, scan-warc's WarcFile as a task of its own, an unreachable scheduler said in a line."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pytest

from checker.crawl.executor import Executor, ExecutorUnavailable, LocalExecutor, lanes_in_order, make_executor
from checker.crawl.hostbatch import HostBatch
from checker.scan_warc import WarcFile, warc_files


@dataclass(frozen=True)
class Job:
    lane: str
    seq: int
    size: int = 1


def test_local_executor_is_a_context_manager_and_closes_twice_harmlessly():
    with make_executor("local", concurrency=3) as ex:
        assert isinstance(ex, LocalExecutor)
        out = sorted(ex.run([HostBatch("a", ("1", "2")), HostBatch("b", ("3",))], lambda b: list(b.urls)))
    assert out == ["1", "2", "3"]
    ex.close()  # idempotent
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        make_executor("spark", concurrency=1)


def test_lanes_of_any_task_type_run_in_order_and_never_overlap():
    active: dict[str, int] = defaultdict(int)
    overlap, seen = [], defaultdict(list)
    lock = threading.Lock()

    def work(job: Job):
        with lock:
            active[job.lane] += 1
            overlap.append(active[job.lane] > 1)
            seen[job.lane].append(job.seq)
        time.sleep(0.01)
        with lock:
            active[job.lane] -= 1
        yield job.lane, job.seq

    jobs = [Job(lane, seq) for seq in (2, 0, 1) for lane in ("x", "y", "z")]
    executor: Executor = make_executor("local", concurrency=3)
    with executor:
        assert len(list(executor.run(jobs, work))) == 9
    assert not any(overlap)
    assert all(seqs == [0, 1, 2] for seqs in seen.values())


def test_warc_files_are_their_own_tasks_biggest_first(tmp_path):
    small, big = tmp_path / "small.warc", tmp_path / "big.warc"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 1000)
    tasks = warc_files([str(small), str(big), "s3://bucket/remote.warc.gz"])
    assert tasks[0] == WarcFile(str(small), 10) and tasks[1] == WarcFile(str(big), 1000)
    assert tasks[2] == WarcFile("s3://bucket/remote.warc.gz", 0)
    assert [lane[0].path for lane in lanes_in_order(tasks)][:2] == [str(big), str(small)]


def test_unreachable_scheduler_is_executor_unavailable():
    pytest.importorskip("distributed")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        executor = make_executor("dask", concurrency=1, scheduler="tcp://127.0.0.1:1")
        with pytest.raises(ExecutorUnavailable, match=r"cannot reach the dask scheduler tcp://127\.0\.0\.1:1"):
            with executor:
                pass
    executor.close()
