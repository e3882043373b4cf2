//! The layers ARCHITECTURE.md promises, read from the source: the engine knows no wire and no
//! front door; CNode's SOAP layer knows neither the engine nor the operations and does no I/O;
//! no front door reaches into another.

use std::path::Path;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![Path::new(SRC).join(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path.display().to_string(), text));
        }
    }
    assert!(!found.is_empty(), "no sources under src/{dir}");
    found
}

fn forbid(dir: &str, words: &[&str]) {
    for (path, text) in sources(dir) {
        for word in words {
            assert!(!text.contains(word), "{path} uses {word}");
        }
    }
}

#[test]
fn the_engine_knows_no_wire_and_no_front_door() {
    forbid(
        "engine",
        &[
            "quick_xml",
            "actix",
            "crate::cnode",
            "crate::mobizon",
            "crate::bitrix24",
            "crate::ricloud",
            "crate::http",
            "crate::admin",
            "crate::state",
            "crate::callbacks",
            "reqwest",
        ],
    );
}

#[test]
fn soap_knows_neither_the_engine_nor_the_operations_and_does_no_io() {
    forbid(
        "cnode/soap",
        &[
            "crate::engine",
            "cnode::ops",
            "super::ops",
            "std::fs",
            "std::net",
            "actix",
        ],
    );
}

#[test]
fn the_shared_http_edge_knows_no_door_and_no_admin() {
    forbid(
        "http",
        &[
            "crate::cnode",
            "crate::mobizon",
            "crate::bitrix24",
            "crate::ricloud",
            "crate::admin",
        ],
    );
}

#[test]
fn no_front_door_reaches_into_another() {
    const DOORS: [&str; 5] = ["cnode", "mobizon", "bitrix24", "ricloud", "intellectmoney"];
    for door in DOORS {
        let others: Vec<String> = DOORS
            .iter()
            .filter(|other| **other != door)
            .map(|other| format!("crate::{other}"))
            .collect();
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        forbid(door, &others);
    }
}

/// A job reaches other tasks only through its world, and starts one only through
/// `Step::spawn`: no file that implements a job holds the engine.
#[test]
fn no_job_holds_the_engine() {
    for dir in [
        "cnode/jobs",
        "mobizon",
        "bitrix24",
        "ricloud",
        "intellectmoney",
    ] {
        for (path, text) in sources(dir) {
            if text.contains("impl Job for") {
                for word in ["Arc<Engine>", "&Engine", "engine::Engine"] {
                    assert!(
                        !text.contains(word),
                        "{path} implements a job and uses {word}"
                    );
                }
            }
        }
    }
}
