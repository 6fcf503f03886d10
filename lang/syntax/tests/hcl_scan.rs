//! The scanner on a large file and on the constructs that must not end a block early.

use cairn_syntax::hcl::parse::parse_body;
use cairn_syntax::hcl::scan::{ItemKind, scan};

fn big_file(n: usize) -> String {
    let mut s = String::from("schema \"public\" {}\n\n");
    for i in 0..n {
        s.push_str(&format!(
            "# atlas:nolint DS103\ntable \"t{i:05}\" {{\n  schema = schema.public\n  comment = \"braces }} {{ and ${{\"interp\"}}\"\n  column \"id\" {{\n    type = bigint\n  }}\n  check \"c\" {{\n    expr = <<-SQL\n    id > 0 /* }} */\n    SQL\n  }}\n}}\n\n"
        ));
    }
    s
}

#[test]
fn splits_a_large_file_into_parseable_blocks() {
    let text = big_file(2000);
    let started = std::time::Instant::now();
    let s = scan("big.pg.hcl", &text);
    eprintln!("scanned {} bytes in {:?}", text.len(), started.elapsed());
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(s.items.len(), 2001);
    for item in &s.items[1..] {
        assert_eq!(item.kind, ItemKind::Block);
        assert_eq!(item.comments[0].text, "atlas:nolint DS103");
    }
    for item in s.items.iter().step_by(97) {
        let body = parse_body(&text[item.span.range()]).expect("each block parses alone");
        assert_eq!(body.blocks.len(), 1);
    }
}

#[test]
fn blank_line_detaches_comments_and_stray_text_is_reported() {
    let text = "# file header\n\ntable \"a\" {}\n}\ntable \"b\" {}\n";
    let s = scan("f.hcl", text);
    assert!(s.items[0].comments.is_empty());
    assert_eq!(s.items.len(), 2);
    assert_eq!(s.diagnostics.len(), 1);
    assert_eq!(s.diagnostics[0].code, "E2004");
    assert_eq!(s.diagnostics[0].span.start, 28);
}
