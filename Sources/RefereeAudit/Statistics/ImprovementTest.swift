import Foundation

/// The `--against` significance test, in bits per byte.
///
/// val_loss is nats per *token*: two records with different tokenizers (sp1024 vs sp8192) have
/// different tokens per byte, so their val_loss values are not comparable, while val_bpb is.
/// The test therefore runs a one-sided ``WelchTest`` on the runs' val_bpb, with the rule's margin
/// (stated in nats, for the README's same-tokenizer case) converted to bits per byte at the new
/// record's own ratio: val_bpb / val_loss = tokens / (bytes · ln 2). With one tokenizer on both
/// sides the ratio is the same constant for every run, so the t statistic and the p-value are
/// exactly those of the test on val_loss in nats; with different tokenizers the nats test would
/// be meaningless and ``tokenizersDiffer`` says so.
package struct ImprovementTest: Sendable, Hashable {
    /// The Welch test on val_bpb with ``marginBPB``.
    package var welch: WelchTest
    /// The rule's margin in nats per token, and converted to bits per byte.
    package var marginNats: Double
    package var marginBPB: Double
    /// val_bpb per nat of val_loss on each side (nil when that side logged no val_loss).
    package var newBPBPerNat: Double?
    package var oldBPBPerNat: Double?

    /// Relative difference of the two ratios above which the tokenizers (or validation sets)
    /// are taken to differ; the ratio is exact for one tokenizer up to the logs' 8 decimals.
    package static let ratioTolerance = 1e-3

    /// True when both sides' val_bpb/val_loss ratios are known and differ: the records were
    /// tokenized differently, so only the bits-per-byte comparison means anything.
    package var tokenizersDiffer: Bool {
        guard let a = newBPBPerNat, let b = oldBPBPerNat, a > 0, b > 0 else { return false }
        return abs(a - b) / max(a, b) > Self.ratioTolerance
    }

    /// Nil when a side has fewer than 2 val_bpb values, neither side logged val_loss (the margin
    /// cannot be converted), or both sides have zero variance.
    package init?(newLosses: [Double], newBPBs: [Double], oldLosses: [Double], oldBPBs: [Double], marginNats: Double) {
        newBPBPerNat = Self.ratio(bpbs: newBPBs, losses: newLosses)
        oldBPBPerNat = Self.ratio(bpbs: oldBPBs, losses: oldLosses)
        guard let ratio = newBPBPerNat ?? oldBPBPerNat else { return nil }
        self.marginNats = marginNats
        marginBPB = marginNats * ratio
        guard let welch = WelchTest(new: newBPBs, old: oldBPBs, margin: marginBPB) else { return nil }
        self.welch = welch
    }

    /// mean(val_bpb) / mean(val_loss), nil without both.
    static func ratio(bpbs: [Double], losses: [Double]) -> Double? {
        guard !bpbs.isEmpty, !losses.isEmpty else { return nil }
        let loss = losses.reduce(0, +) / Double(losses.count)
        guard loss > 0 else { return nil }
        return (bpbs.reduce(0, +) / Double(bpbs.count)) / loss
    }

    /// The warning when ``tokenizersDiffer``: both ratios as tokens per byte.
    package var tokenizerWarning: String? {
        guard tokenizersDiffer, let a = newBPBPerNat, let b = oldBPBPerNat else { return nil }
        let perByte = { (r: Double) in String(format: "%.4f", r * log(2)) }
        return "the records use different tokenizers (\(perByte(a)) vs \(perByte(b)) tokens per byte): val_loss in nats is not comparable, so the test compares val_bpb"
    }
}
