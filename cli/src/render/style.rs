//! Colour, only when stderr is a terminal (and NO_COLOR is unset).

use std::io::IsTerminal;

pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

pub fn error_label() -> &'static str {
    if color_stderr() {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    }
}
