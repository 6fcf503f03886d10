//! Version constraints for the `version_matches(version, constraint)` built-in: dotted numeric
//! versions (`3.1.10`, `1.4`) compared part by part as numbers, the way extension and package
//! advisories write them ("fixed in 3.1.10").

use std::cmp::Ordering;

/// Whether `version` satisfies `constraint`: `""` or `"*"` (every version), `"1.4"`, `"=1.4"` or
/// `"@1.4"` (that version), `"<3.1.10"`, `"<=1.2"`, `">2"`, `">=2.0"`. `None` when the answer
/// depends on a version that is not known (`version` is `None`) or the constraint names no
/// version to compare with (`"<"`).
pub fn version_matches(version: Option<&str>, constraint: &str) -> Option<bool> {
    let c = constraint.trim();
    if c.is_empty() || c == "*" {
        return Some(true);
    }
    let (op, wanted) = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
        ("@", Op::Eq),
    ]
    .into_iter()
    .find_map(|(p, op)| c.strip_prefix(p).map(|rest| (op, rest.trim())))
    .unwrap_or((Op::Eq, c));
    if wanted.is_empty() {
        return None;
    }
    let ord = compare_versions(version?.trim(), wanted);
    Some(match op {
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Eq => ord == Ordering::Equal,
        Op::Ge => ord != Ordering::Less,
        Op::Gt => ord == Ordering::Greater,
    })
}

#[derive(Clone, Copy)]
enum Op {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

/// Compares two versions part by part (parts split at `.`, `-` and `_`): a part's leading
/// digits as a number, then the rest as text, where a part with no rest sorts after one with a
/// rest (`1.0` after `1.0beta1`). Missing parts count as `0` (`1.2` equals `1.2.0`), and a
/// leading `v` is ignored.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<String> {
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        s.split(['.', '-', '_']).map(str::to_string).collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let x = pa.get(i).map_or("0", String::as_str);
        let y = pb.get(i).map_or("0", String::as_str);
        let ord = compare_part(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn compare_part(x: &str, y: &str) -> Ordering {
    fn split(s: &str) -> (&str, &str) {
        s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
    }
    let ((xn, xr), (yn, yr)) = (split(x), split(y));
    // Numbers of any length: without leading zeros, the longer is the larger.
    let (xn, yn) = (xn.trim_start_matches('0'), yn.trim_start_matches('0'));
    xn.len()
        .cmp(&yn.len())
        .then_with(|| xn.cmp(yn))
        .then_with(|| match (xr.is_empty(), yr.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => xr.cmp(yr),
        })
}

#[cfg(test)]
mod tests {
    use super::{compare_versions, version_matches};
    use std::cmp::Ordering::*;

    #[test]
    fn versions_compare_as_numbers_part_by_part() {
        for (a, b, want) in [
            ("3.1.9", "3.1.10", Less),
            ("3.1.10", "3.1.10", Equal),
            ("3.2", "3.1.10", Greater),
            ("1.2", "1.2.0", Equal),
            ("10.0", "9.9", Greater),
            ("1.0beta1", "1.0", Less),
            ("1.0beta1", "1.0beta2", Less),
            ("v2.0", "2", Equal),
            ("2.3.14", "2.3.2", Greater),
            ("0010", "10", Equal),
        ] {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn constraints() {
        let m = |v: &str, c: &str| version_matches(Some(v), c);
        assert_eq!(m("3.1.9", "<3.1.10"), Some(true));
        assert_eq!(m("3.1.10", "<3.1.10"), Some(false));
        assert_eq!(m("3.1.10", "<=3.1.10"), Some(true));
        assert_eq!(m("1.2.1", "<=1.2"), Some(false));
        assert_eq!(m("1.4", "@1.4"), Some(true));
        assert_eq!(m("1.4", "=1.4.0"), Some(true));
        assert_eq!(m("1.4", "1.5"), Some(false));
        assert_eq!(m("2.0", ">1.9"), Some(true));
        assert_eq!(m("2.0", ">=2"), Some(true));
        assert_eq!(m("1.0", ">= 1.1"), Some(false));
        assert_eq!(m("anything", ""), Some(true));
        assert_eq!(m("anything", "*"), Some(true));
        // Unknown: no version, or no version to compare with.
        assert_eq!(version_matches(None, "<3.1.10"), None);
        assert_eq!(version_matches(None, "@1.4"), None);
        assert_eq!(version_matches(None, ""), Some(true));
        assert_eq!(m("1.0", "<"), None);
    }
}
