"""Drives real buquet (PyPI) for the tests: submits tasks and runs real buquet workers.

Reads S3_ENDPOINT / S3_BUCKET / S3_REGION / AWS_* from the environment, as buquet does.
  submit --count N --task-type T      prints {"ids": [...]}
  work --worker-id W --seconds S      runs a buquet.Worker on all 16 shards; prints {"done": n}
"""
import argparse
import asyncio
import json
import os
import sys

import buquet


async def submit(count: int, task_type: str) -> None:
    queue = await buquet.connect()
    ids = []
    for index in range(count):
        task = await queue.submit(task_type, {"n": index})
        ids.append(str(task.id))
    print(json.dumps({"ids": ids}), flush=True)


async def work(worker_id: str, seconds: float, task_type: str, task_seconds: float) -> None:
    queue = await buquet.connect()
    worker = buquet.Worker(queue, worker_id, [f"{i:x}" for i in range(16)])
    done = []

    @worker.task(task_type)
    async def handle(task_input):
        await asyncio.sleep(task_seconds)
        done.append(task_input)
        return {"ok": True}

    runner = asyncio.ensure_future(worker.run())
    print(json.dumps({"started": worker_id}), flush=True)
    await asyncio.sleep(seconds)
    runner.cancel()
    print(json.dumps({"done": len(done)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("submit")
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--task-type", default="echo")
    w = sub.add_parser("work")
    w.add_argument("--worker-id", required=True)
    w.add_argument("--seconds", type=float, required=True)
    w.add_argument("--task-type", default="echo")
    w.add_argument("--task-seconds", type=float, default=0.01)
    args = parser.parse_args()
    if args.command == "submit":
        asyncio.run(submit(args.count, args.task_type))
    else:
        asyncio.run(work(args.worker_id, args.seconds, args.task_type, args.task_seconds))
    # buquet 0.1.0's tokio threads can abort the process (SIGABRT, a pyo3 panic) while the
    # interpreter shuts down, after all work is done; leave without running that shutdown.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
