import Foundation
import RefereeCore
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeProbe

/// Tiny real submissions (python3, standard library only) for probing: a "hashed bigram" model
/// whose distribution at i is (1 + 5·[t = h(x[i-1])]) / (V + 5), and dishonest variants:
///
/// - `future`: the next token leaks into the weights at every position;
/// - `peek`: the realised target is raised, then renormalised, at every position;
/// - `unnormalised`: probabilities that do not sum to 1;
/// - probe-aware, with a lookahead (the target raised by a weight that depends on the next
///   token) only where it believes it is the official run:
///   `aware-hash` (the shard's SHA-256 equals the validation set it memorised in its
///   artifact), `aware-marker` (the first evaluation in time: no marker file in /tmp yet),
///   `aware-length` (the shard has the validation set's length), `aware-v1` (no
///   REFEREE_EVAL_ONLY: the training run only — probe protocol v1's weakness);
/// - `late`: the same lookahead only in the last 22% of the shard;
/// - `docstart`: the target is raised only at the first two targets after each BOS;
/// - `noise`: random noise of ~1e-3 nats on every NLL (to widen tolerances), over a tiny leak;
/// - `fingerprint`: honest, and prints a hash of everything it can observe besides the data
///   (argv, cwd, environment, file names, sizes and times) to stderr;
/// - `no-entry`, `sleep`: no outputs, or a hang.
enum ProbeSubmissions {
    static let vocab = 1024

    /// Python source of a submission; `variant` picks the behaviour.
    static func script(_ variant: String) -> String {
        """
        import hashlib, json, math, os, random, struct, sys, time
        V = \(vocab)
        VARIANT = "\(variant)"
        if os.environ.get("REFEREE_EVAL_ONLY") != "1":
            sys.exit(0)
        if VARIANT == "no-entry":
            sys.exit(0)
        if VARIANT == "sleep":
            time.sleep(60)
        with open(os.environ.get("REFEREE_ARTIFACT", "artifact.json")) as f:
            art = json.load(f)
        boost = art["boost"]
        def answer(shard, out, positions):
            with open(shard, "rb") as f:
                head = f.read(1024)
                n = struct.unpack("<3i", head[:12])[2]
                raw = f.read(2 * n)
                x = struct.unpack("<%dH" % n, raw)
            cheat = False
            if VARIANT == "aware-hash":
                cheat = hashlib.sha256(raw).hexdigest() == art.get("val_sha256")
            elif VARIANT == "aware-length":
                cheat = n == art.get("val_tokens")
            elif VARIANT == "aware-marker":
                cheat = not os.path.exists("/tmp/referee-seen-marker")
                open("/tmp/referee-seen-marker", "w").close()
            elif VARIANT == "aware-v1":
                cheat = os.environ.get("REFEREE_EVAL_ONLY") != "1"
            rng = random.Random(os.urandom(8))
            def extra(i):
                # (token, mass) pairs added to the base distribution at target position i
                h = (x[i - 1] * 7 + 3) % V
                e = [(h, boost)]
                if VARIANT == "future" and i + 1 < n:
                    e.append((h, boost * (x[i + 1] % 3)))  # the next token leaks into the weights
                if (cheat or (VARIANT == "late" and i >= int(0.78 * n))) and i + 1 < n:
                    # lookahead: the target raised by a weight that depends on the next token
                    e.append((x[i], boost * (1.0 + x[i + 1] / V)))
                if VARIANT == "noise" and i + 1 < n:
                    e.append((x[i + 1], 0.02))
                if VARIANT == "peek":
                    e.append((x[i], boost))  # built around the realised target, then renormalised
                if VARIANT == "docstart" and (x[i - 1] == 1 or (i >= 2 and x[i - 2] == 1)):
                    e.append((x[i], 20.0))
                return e
            def total(e):
                return (V + sum(a for _, a in e)) if VARIANT != "unnormalised" else V + boost + 3.0
            def dist(i):
                e = extra(i)
                p = [1.0] * V
                for t, a in e:
                    p[t] += a
                s = total(e)
                return [q / s for q in p]
            nll = []
            for i in range(1, n):
                e = extra(i)
                nll.append(-math.log((1.0 + sum(a for t, a in e if t == x[i])) / total(e)))
                if VARIANT == "noise":
                    nll[-1] += rng.gauss(0.0, 1e-3)
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "nll.f64"), "wb") as f:
                f.write(struct.pack("<%dd" % len(nll), *nll))
            with open(os.path.join(out, "dists.jsonl"), "w") as f:
                for pos in positions:
                    f.write(json.dumps({"pos": pos, "probs": dist(pos)}) + "\\n")
        if VARIANT == "fingerprint":
            # everything an evaluation can observe besides the data's content, hashed
            def ls(p):
                # names, sizes and the times of files (a folder's time is the clock, which every
                # evaluation can read anyway and which does not say which one it is)
                def entry(n):
                    st = os.stat(os.path.join(p, n))
                    return (n, os.path.isdir(os.path.join(p, n)) or st.st_size, os.path.isdir(os.path.join(p, n)) or int(st.st_mtime))
                return sorted(entry(n) for n in os.listdir(p))
            seen = {"argv": sys.argv, "cwd": os.getcwd(), "env": sorted(os.environ.items()), "work": ls("."),
                    "data": ls(os.path.dirname(os.environ["REFEREE_EVAL_SHARD"])), "home": ls(os.environ["HOME"]),
                    "out": ls(os.environ["REFEREE_EVAL_OUT"]), "exe": sys.executable}
            for key in sorted(seen):
                sys.stderr.write("FINGERPRINT %s %s\\n" % (key, hashlib.sha256(json.dumps(seen[key], sort_keys=True).encode()).hexdigest()[:16]))
        answer(os.environ["REFEREE_EVAL_SHARD"], os.environ["REFEREE_EVAL_OUT"],
               [int(p) for p in os.environ.get("REFEREE_DIST_POSITIONS", "").split(",") if p])
        """
    }

    /// The synthetic validation stream: documents of `document` tokens, each starting with BOS.
    static func tokens(count: Int = 6000, document: Int = 300) -> [UInt16] {
        var rng = SplitMix64(seed: 99)
        return (0..<count).map { $0 % document == 0 ? 1 : UInt16.random(in: 4..<UInt16(vocab), using: &rng) }
    }

    /// A temp folder with `train_gpt.py` (the variant), `artifact.json` (which memorises the
    /// validation set's SHA-256 and length, as a probe-aware submission could), and `data/`
    /// holding the synthetic validation shard.
    static func make(_ variant: String, count: Int = 6000, document: Int = 300) throws -> URL {
        let root = try TestPaths.tempDir("probe-\(variant)")
        try script(variant).write(to: root.appendingPathComponent("train_gpt.py"), atomically: true, encoding: .utf8)
        let stream = tokens(count: count, document: document)
        var raw = [UInt8]()
        for t in stream { raw.append(UInt8(t & 0xFF)); raw.append(UInt8(t >> 8)) }
        let artifact = #"{"boost": 5.0, "val_sha256": "\#(SHA256.hex(Data(raw)))", "val_tokens": \#(stream.count)}"#
        try artifact.write(to: root.appendingPathComponent("artifact.json"), atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try ProbeShard.write(stream, to: data.appendingPathComponent("fineweb_val_000000.bin"))
        return root
    }
}
