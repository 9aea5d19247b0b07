import Foundation
import RefereeCore
import RefereeTestSupport
@testable import RefereeProbe

/// Tiny real submissions (python3, standard library only) for probing: a "hashed bigram" model
/// whose distribution at i is (1 + 5·[t = h(x[i-1])]) / (V + 5), and dishonest variants.
/// Variants `plan…` answer `REFEREE_EVAL_PLAN`: `plan` follows it while it grows ("more"),
/// `plan-static` answers the requests listed at start, `plan-partial` only the first two;
/// the others read only the single-request variables. Each start appends a line to
/// `starts.log` in the working directory.
enum ProbeSubmissions {
    static let vocab = 1024

    /// Python source of a submission; `variant` picks the behaviour.
    static func script(_ variant: String) -> String {
        """
        import json, math, os, struct, sys, time
        V = \(vocab)
        VARIANT = "\(variant)"
        if os.environ.get("REFEREE_EVAL_ONLY") != "1":
            sys.exit(0)
        if VARIANT == "no-entry":
            sys.exit(0)
        if VARIANT == "sleep":
            time.sleep(60)
        with open(os.environ.get("REFEREE_ARTIFACT", "artifact.json")) as f:
            boost = json.load(f)["boost"]
        def answer(shard, out, positions):
            with open(shard, "rb") as f:
                head = f.read(1024)
                n = struct.unpack("<3i", head[:12])[2]
                x = struct.unpack("<%dH" % n, f.read(2 * n))
            def dist(i):
                h = (x[i - 1] * 7 + 3) % V
                p = [1.0] * V
                p[h] += boost
                if VARIANT == "future" and i + 1 < n:
                    p[h] += boost * (x[i + 1] % 3)  # the next token leaks into the weights
                if VARIANT == "peek":
                    p[x[i]] += boost  # built around the realised target, then renormalised
                s = sum(p) if VARIANT != "unnormalised" else V + boost + 3.0
                return [q / s for q in p]
            nll = []
            for i in range(1, n):
                h = (x[i - 1] * 7 + 3) % V
                if VARIANT in ("future", "peek", "unnormalised"):
                    d = dist(i)
                    nll.append(-math.log(d[x[i]]))
                else:
                    nll.append(-math.log((1.0 + (boost if x[i] == h else 0.0)) / (V + boost)))
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "nll.f64"), "wb") as f:
                f.write(struct.pack("<%dd" % len(nll), *nll))
            with open(os.path.join(out, "dists.jsonl"), "w") as f:
                for pos in positions:
                    f.write(json.dumps({"pos": pos, "probs": dist(pos)}) + "\\n")
        with open("starts.log", "a") as f:
            f.write("start\\n")
        plan = os.environ.get("REFEREE_EVAL_PLAN")
        def plan_requests():
            done = 0
            while True:
                with open(plan) as f:
                    p = json.load(f)
                if len(p["requests"]) > done:
                    for r in p["requests"][done:]:
                        done += 1
                        yield (r["shard"], r["out"], r["positions"])
                elif not p.get("more"):
                    return
                else:
                    time.sleep(0.01)
        if VARIANT.startswith("plan") and plan:
            requests = plan_requests()
            if VARIANT == "plan-static":
                with open(plan) as f:
                    requests = [(r["shard"], r["out"], r["positions"]) for r in json.load(f)["requests"]]
            if VARIANT == "plan-partial":
                requests = [r for _, r in zip(range(2), requests)]  # answers two, then stops (e.g. out of memory)
        else:
            requests = [(os.environ["REFEREE_EVAL_SHARD"], os.environ["REFEREE_EVAL_OUT"],
                         [int(p) for p in os.environ.get("REFEREE_DIST_POSITIONS", "").split(",") if p])]
        for shard, out, positions in requests:
            answer(shard, out, positions)
        """
    }

    /// A temp folder with `train_gpt.py` (the variant), `artifact.json`, and `data/` holding a
    /// synthetic validation shard with documents of 300 tokens.
    static func make(_ variant: String) throws -> URL {
        let root = try TestPaths.tempDir("probe-\(variant)")
        try script(variant).write(to: root.appendingPathComponent("train_gpt.py"), atomically: true, encoding: .utf8)
        try #"{"boost": 5.0}"#.write(to: root.appendingPathComponent("artifact.json"), atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 99)
        let tokens: [UInt16] = (0..<6000).map { $0 % 300 == 0 ? 1 : UInt16.random(in: 4..<UInt16(vocab), using: &rng) }
        try ProbeShard.write(tokens, to: data.appendingPathComponent("fineweb_val_000000.bin"))
        return root
    }
}
