"""REFEREE_EVAL_PLAN: several probe requests answered by one process."""
import json
import os

import pytest

import referee_probe
from referee_probe import eval_requests


def write_plan(tmp_path, obj, name="plan.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def test_no_requests_without_flag(tmp_path):
    plan = write_plan(tmp_path, {"requests": [{"shard": "a", "out": "b", "positions": []}]})
    assert eval_requests({}) == []
    assert eval_requests({"REFEREE_EVAL_ONLY": "0", "REFEREE_EVAL_PLAN": plan}) == []


def test_single_request_without_plan(tmp_path):
    reqs = eval_requests({"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_SHARD": "/s.bin",
                          "REFEREE_EVAL_OUT": str(tmp_path), "REFEREE_DIST_POSITIONS": "3,4"})
    assert [(r.shard, r.out_dir, r.positions) for r in reqs] == [("/s.bin", str(tmp_path), [3, 4])]


def test_plan_requests_in_order_and_plan_wins(tmp_path):
    plan = write_plan(tmp_path, {"requests": [
        {"shard": "/a.bin", "out": "/oa", "positions": [9, 2]},
        {"shard": "/b.bin", "out": "/ob", "positions": []},
        {"shard": "/c.bin", "out": "/oc"},
    ]})
    env = {"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": plan, "REFEREE_ARTIFACT": "/m.ptz",
           "REFEREE_EVAL_SHARD": "/a.bin", "REFEREE_EVAL_OUT": "/oa", "REFEREE_DIST_POSITIONS": "9,2"}
    reqs = eval_requests(env)
    assert [(r.shard, r.out_dir, r.positions) for r in reqs] == [
        ("/a.bin", "/oa", [9, 2]), ("/b.bin", "/ob", []), ("/c.bin", "/oc", [])]
    assert all(r.artifact_path("x") == "/m.ptz" for r in reqs)
    # an old submission reading only the single-request variables still answers the first one
    first = referee_probe.eval_request(env)
    assert (first.shard, first.out_dir, first.positions) == ("/a.bin", "/oa", [9, 2])


@pytest.mark.parametrize("content,needle", [
    ("{not json", "not a JSON document"),
    ({"requests": []}, "at least one request"),
    ([1, 2], "expected a JSON object"),
    ({"requests": [{"out": "/o", "positions": []}]}, r"requests\[0\]: 'shard'"),
    ({"requests": [{"shard": "/s", "out": "/o"}, {"shard": "/s", "positions": []}]}, r"requests\[1\]: 'out'"),
    ({"requests": [{"shard": "/s", "out": "/o", "positions": [1, "2"]}]}, "'positions' must be a list"),
    ({"requests": [{"shard": "/s", "out": "/o", "positions": [True]}]}, "'positions' must be a list"),
    ({"requests": [{"shard": "/s", "out": "/o", "positions": [0]}]}, "position 0 is not a target"),
])
def test_plan_errors_name_file_and_request(tmp_path, content, needle):
    plan = write_plan(tmp_path, content)
    with pytest.raises(ValueError, match=needle) as info:
        eval_requests({"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": plan})
    assert "plan.json" in str(info.value)


def test_missing_plan_file(tmp_path):
    with pytest.raises(ValueError, match="REFEREE_EVAL_PLAN: cannot read .*nowhere.json"):
        eval_requests({"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": str(tmp_path / "nowhere.json")})


def test_iter_follows_a_growing_plan(tmp_path):
    import threading
    req = lambda k: {"shard": "/s%d.bin" % k, "out": "/o%d" % k, "positions": [k + 1]}
    plan = write_plan(tmp_path, {"requests": [req(0), req(1)], "more": True})
    env = {"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": plan}
    assert [r.shard for r in eval_requests(env)] == ["/s0.bin", "/s1.bin"]  # the listed ones only
    seen = []
    it = referee_probe.iter_eval_requests(env, poll=0.01, wait=30)
    seen += [next(it).shard, next(it).shard]

    def extend():
        referee_probe._atomic_write(plan, json.dumps({"requests": [req(0), req(1), req(2), req(3)],
                                                      "more": False}).encode())
    timer = threading.Timer(0.2, extend)
    timer.start()
    seen += [r.shard for r in it]  # blocks until the plan grows, then ends (more: false)
    timer.join()
    assert seen == ["/s0.bin", "/s1.bin", "/s2.bin", "/s3.bin"]


def test_iter_single_request_and_wait_limit(tmp_path):
    single = {"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_SHARD": "/s.bin", "REFEREE_EVAL_OUT": str(tmp_path)}
    assert [r.shard for r in referee_probe.iter_eval_requests(single)] == ["/s.bin"]
    assert list(referee_probe.iter_eval_requests({})) == []
    plan = write_plan(tmp_path, {"requests": [{"shard": "/a", "out": "/o"}], "more": True})
    it = referee_probe.iter_eval_requests({"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": plan}, poll=0.01, wait=0.1)
    assert next(it).shard == "/a"
    with pytest.raises(TimeoutError, match="plan.json: still 'more': true and no request after #1"):
        next(it)
    bad = write_plan(tmp_path, {"requests": [{"shard": "/a", "out": "/o"}], "more": "yes"}, name="bad.json")
    with pytest.raises(ValueError, match="'more' must be true or false"):
        eval_requests({"REFEREE_EVAL_ONLY": "1", "REFEREE_EVAL_PLAN": bad})
