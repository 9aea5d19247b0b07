/// The one XML escaper of the reports (SVG plots, the HTML page, JUnit XML).
package enum XMLEscape {
    /// Escapes `s` for XML 1.0 (and HTML) text and attribute values: `& < > " '` become
    /// references (`'` as `&#39;`, which HTML also knows), a newline becomes `&#10;` (kept
    /// inside attributes), tab and CR stay, and characters XML 1.0 forbids (other C0 controls,
    /// U+FFFE, U+FFFF) become U+FFFD, so the output always parses.
    package static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "&#10;"
            case "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                let allowed = (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
                if allowed { out.unicodeScalars.append(scalar) } else { out += "\u{FFFD}" }
            }
        }
        return out
    }
}
