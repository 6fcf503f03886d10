//! Counts at human scale, as messages print row estimates: `950`, `1.2K`, `120M`.

/// `n` rounded to two significant figures at most, with a K / M / B / T suffix from a
/// thousand on: 999 -> `999`, 1_234 -> `1.2K`, 20_000 -> `20K`, 120_000_000 -> `120M`.
pub fn human_count(n: u64) -> String {
    const UNITS: [&str; 4] = ["K", "M", "B", "T"];
    if n < 1000 {
        return n.to_string();
    }
    let mut value = n as f64;
    for (i, unit) in UNITS.iter().enumerate() {
        value /= 1000.0;
        let shown = if value < 9.95 {
            (value * 10.0).round() / 10.0
        } else {
            value.round()
        };
        if shown < 999.5 || i == UNITS.len() - 1 {
            return if shown < 10.0 && shown.fract() != 0.0 {
                format!("{shown:.1}{unit}")
            } else {
                format!("{}{unit}", shown as u64)
            };
        }
    }
    unreachable!("the last unit returns")
}

#[cfg(test)]
mod tests {
    use super::human_count;

    #[test]
    fn scales() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1K"),
            (1234, "1.2K"),
            (9_960, "10K"),
            (20_000, "20K"),
            (999_999, "1M"),
            (1_500_000, "1.5M"),
            (120_000_000, "120M"),
            (3_000_000_000, "3B"),
            (5_000_000_000_000_000, "5000T"),
        ];
        for (n, want) in cases {
            assert_eq!(human_count(n), want, "{n}");
        }
    }
}
