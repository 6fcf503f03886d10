//! Every directory under ../shared/corpus/atlas/sum holds the `atlas.sum` Atlas wrote for it:
//! Cairn must reproduce each byte for byte, and validate accepts it.

use std::path::PathBuf;

use cairn_core::migrate::{DirFormat, HashFile, LocalDir};

fn corpus() -> PathBuf {
    std::env::var_os("CAIRN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("corpus/atlas/sum")
}

#[test]
fn reproduces_every_atlas_sum_byte_for_byte() {
    let mut checked = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(corpus())
        .expect("../shared/corpus/atlas/sum beside the checkout")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let dir = LocalDir::open(&d, DirFormat::Atlas, false).unwrap();
        let files = dir.files().unwrap();
        let want = dir.read_sum().unwrap();
        let Some(want) = want else {
            assert!(files.is_empty(), "{}: files without a sum", d.display());
            continue;
        };
        let got = HashFile::compute(&files).to_text();
        assert_eq!(got, want, "{}", d.display());
        dir.validate()
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} golden directories found");
}
