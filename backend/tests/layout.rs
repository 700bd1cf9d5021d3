//! The shape of the backend crate, which the compiler does not check: the core imports no
//! feature, and docs/architecture.md names every folder of the tree.

use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first segment of every `crate::…` path in a file.
fn crate_paths(text: &str) -> Vec<String> {
    text.match_indices("crate::")
        .map(|(i, m)| text[i + m.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect()
}

#[test]
fn the_core_imports_no_feature() {
    let mut files = Vec::new();
    rust_files(&src().join("core"), &mut files);
    assert!(files.len() > 10, "the core's files were not found");
    let mut wrong = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for first in crate_paths(&text) {
            // The core may use itself and the process's typed configuration, nothing else.
            if first != "core" && first != "config" {
                wrong.push(format!("{}: crate::{first}", file.strip_prefix(src()).unwrap().display()));
            }
        }
    }
    assert!(wrong.is_empty(), "the core must not import features:\n{}", wrong.join("\n"));
}

#[test]
fn the_architecture_document_names_every_folder() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/architecture.md")).unwrap();
    let mut missing = Vec::new();
    let mut folders = vec![src()];
    while let Some(dir) = folders.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // The document draws the tree, so a nested folder appears by its own name.
                let name = format!("{}/", path.file_name().unwrap().to_string_lossy());
                if !doc.contains(&name) {
                    missing.push(name);
                }
                folders.push(path);
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "docs/architecture.md does not name these folders of backend/src: {missing:?}");
}

#[test]
fn crate_paths_are_found() {
    assert_eq!(crate_paths("use crate::core::db;\nlet x = crate::tickets::find::x;"), ["core", "tickets"]);
}
