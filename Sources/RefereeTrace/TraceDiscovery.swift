import Foundation

/// Finds the trace and probe evidence a record folder holds.
///
/// Layout written by `referee run`: `traces/seed<SEED>/rank<R>.jsonl` and `probes.json`.
public enum TraceDiscovery {
    /// The trace facts of every `traces/seed*/` folder under `recordRoot`, sorted by seed.
    /// Returns an empty array when the record has no traces.
    public static func traces(in recordRoot: URL) -> [TraceFacts] {
        // TODO(helper: trace): read and analyse each folder; unreadable traces become facts
        // that carry the problem, never a crash.
        []
    }

    /// The probe report stored in `recordRoot/probes.json`, nil when absent.
    public static func probes(in recordRoot: URL) -> ProbeReport? {
        // TODO(helper: trace)
        nil
    }
}
