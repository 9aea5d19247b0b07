"""bench/autotrace/pool_interleaved.py: pooled ratio of means over interleaved pairs, and bad
input named with exit 2 (BENCHMARKS.md, "Autotrace", fifth measurement)."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "autotrace", "pool_interleaved.py")


def line(plain, traced):
    fmt = lambda xs: " ".join(f"{x:.4f}" for x in xs)
    return (f"interleaved eval wall seconds: plain median {sorted(plain)[len(plain) // 2]:.4f} ({fmt(plain)}); "
            f"autotrace median {sorted(traced)[len(traced) // 2]:.4f} ({fmt(traced)}); ratio of medians 1.0\n")


class PoolInterleavedTests(unittest.TestCase):
    def run_on(self, *texts):
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for i, text in enumerate(texts):
                paths.append(os.path.join(d, f"bench{i}.txt"))
                with open(paths[-1], "w", encoding="utf-8") as f:
                    f.write(text)
            p = subprocess.run([sys.executable, SCRIPT, *paths], capture_output=True, text=True)
            return p.returncode, p.stdout, p.stderr

    def test_pairs_pool_across_files(self):
        # ratio of means = (1.1 + 2.2 + 3.0) / (1 + 2 + 3) = 1.05; pair ratios 1.1, 1.1, 1.0
        code, out, _ = self.run_on(line([1.0, 2.0], [1.1, 2.2]), line([3.0], [3.0]))
        self.assertEqual(code, 0)
        self.assertIn("3 pairs from 2 file(s): ratio of means 1.050", out)
        self.assertIn("median pair ratio 1.100", out)

    def test_a_file_without_the_line_is_named(self):
        code, _, err = self.run_on("runs: 158.8 s\n")
        self.assertEqual(code, 2)
        self.assertIn("bench0.txt: no 'interleaved eval wall seconds", err)

    def test_unequal_rounds_are_refused(self):
        code, _, err = self.run_on(line([1.0, 2.0], [1.1]))
        self.assertEqual(code, 2)
        self.assertIn("2 plain rounds but 1 autotrace rounds", err)


if __name__ == "__main__":
    unittest.main()
