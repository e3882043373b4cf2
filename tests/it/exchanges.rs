//! Golden exchanges: `fixtures/cnode/exchanges/<scenario>/NN-<op>.request.xml` is posted in order
//! to a fresh emulator (default world, tasks finish at once) and the answer must equal
//! `NN-<op>.response.xml`, with task ids masked as `{{task:NN}}` (the id step NN returned)
//! (or the requestPaymentIdConfirmation it returned), the process id as `{{pid}}`, and dates
//! and times as `{{datetime}}`, `{{date}}` and `{{time}}`. Requests may use `{{task:NN}}` too.
//! A scenario with a `world.toml` runs on that world instead of the default one.
//! `BLESS=1 cargo test exchanges` rewrites the responses from what the emulator answers.

use std::fs;
use std::path::{Path, PathBuf};

use cnode_emulator::cnode::ops::operation_names;
use cnode_emulator::cnode::world::WorldFile;
use cnode_emulator::Settings;

use crate::harness::start_with;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cnode/exchanges");

#[test]
fn every_golden_exchange_replays() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut scenarios: Vec<PathBuf> = fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 10, "the exchanges are missing");
    let mut failures = Vec::new();
    for scenario in &scenarios {
        failures.extend(replay(scenario, bless));
    }
    assert!(
        failures.is_empty(),
        "{} exchange(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_operation_has_exchanges_in_both_styles() {
    let names: Vec<String> = walk(Path::new(DIR))
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    for operation in operation_names() {
        for style in ["style-a", "style-b"] {
            let found = names
                .iter()
                .any(|n| n.contains(style) && n.ends_with(&format!("-{operation}.request.xml")));
            assert!(found, "no {style} exchange for {operation}");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .flat_map(|p| if p.is_dir() { walk(&p) } else { vec![p] })
        .collect()
}

fn replay(scenario: &Path, bless: bool) -> Vec<String> {
    let mut settings = Settings::for_tests();
    if let Ok(world) = fs::read_to_string(scenario.join("world.toml")) {
        settings.world =
            WorldFile::from_toml(&world).unwrap_or_else(|e| panic!("{}: {e}", scenario.display()));
    }
    let emulator = start_with(settings);
    let mut requests: Vec<PathBuf> = fs::read_dir(scenario)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".request.xml"))
        .collect();
    requests.sort();
    let mut task_ids: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    for request_path in requests {
        let step = file_name(&request_path)[..2].to_owned();
        let response_path = PathBuf::from(
            request_path
                .to_string_lossy()
                .replace(".request.xml", ".response.xml"),
        );
        // Requests in other encodings (ISO-8859-2, UTF-16, ...) are sent byte for byte.
        let request = match String::from_utf8(fs::read(&request_path).unwrap()) {
            Ok(text) => unmask(&text, &task_ids).into_bytes(),
            Err(not_utf8) => not_utf8.into_bytes(),
        };
        let reply = emulator.post(&request);
        if reply.status == 200 {
            let answer = reply.answer();
            let id = answer
                .ret
                .child_of(&["taskId", "requestPaymentIdConfirmation"])
                .map(|e| e.text.clone());
            if let Some(id) = id.filter(|id| id.len() == 26) {
                if !task_ids.iter().any(|(_, known)| *known == id) {
                    task_ids.push((step.clone(), id));
                }
            }
        }
        let actual = pretty(&mask(
            &format!("<!-- HTTP {} -->{}", reply.status, reply.body),
            &task_ids,
        ));
        if bless {
            fs::write(&response_path, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&response_path).unwrap_or_else(|_| {
            panic!("{} is missing (BLESS=1 writes it)", response_path.display())
        });
        if normalize(&expected) != normalize(&actual) {
            failures.push(format!(
                "--- {}\nexpected:\n{expected}\nactual:\n{actual}",
                response_path.display()
            ));
        }
    }
    failures
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn unmask(text: &str, task_ids: &[(String, String)]) -> String {
    task_ids.iter().fold(text.to_owned(), |text, (step, id)| {
        text.replace(&format!("{{{{task:{step}}}}}"), id)
    })
}

fn mask(text: &str, task_ids: &[(String, String)]) -> String {
    let masked = task_ids.iter().fold(text.to_owned(), |text, (step, id)| {
        text.replace(id.as_str(), &format!("{{{{task:{step}}}}}"))
    });
    let masked = masked.replace(
        &format!("<pid>{}</pid>", std::process::id()),
        "<pid>{{pid}}</pid>",
    );
    mask_times(&masked)
}

/// `2026-11-22 10:00:00` → `{{datetime}}`, `2026/11/22` → `{{date}}`, `10:00:00` → `{{time}}`.
fn mask_times(text: &str) -> String {
    let shapes = [
        ("dddd-dd-dd dd:dd:dd", "{{datetime}}"),
        ("dddd/dd/dd", "{{date}}"),
        ("dd:dd:dd", "{{time}}"),
    ];
    let bytes = text.as_bytes();
    let fits = |at: usize, shape: &str| {
        bytes.len() >= at + shape.len()
            && shape.bytes().zip(&bytes[at..]).all(|(s, &b)| {
                if s == b'd' {
                    b.is_ascii_digit()
                } else {
                    s == b
                }
            })
    };
    let mut out = String::new();
    let mut at = 0;
    while at < bytes.len() {
        match shapes.iter().find(|(shape, _)| fits(at, shape)) {
            Some((shape, mask)) => {
                out.push_str(mask);
                at += shape.len();
            }
            None => {
                let ch = text[at..].chars().next().unwrap();
                out.push(ch);
                at += ch.len_utf8();
            }
        }
    }
    out
}

fn normalize(xml: &str) -> String {
    xml.lines().map(str::trim).collect()
}

/// One tag per line, indented; an element holding only text stays on one line.
fn pretty(xml: &str) -> String {
    let mut tokens = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let end = if rest.starts_with('<') {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else {
            rest.find('<').unwrap_or(rest.len())
        };
        tokens.push(&rest[..end]);
        rest = &rest[end..];
    }
    let mut out = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let is_open = token.starts_with('<')
            && !token.starts_with("</")
            && !token.starts_with("<?")
            && !token.starts_with("<!")
            && !token.ends_with("/>");
        let indent = "  ".repeat(depth);
        if is_open
            && tokens.get(i + 2).is_some_and(|t| t.starts_with("</"))
            && !tokens[i + 1].starts_with('<')
        {
            out.push_str(&format!(
                "{indent}{token}{}{}\n",
                tokens[i + 1],
                tokens[i + 2]
            ));
            i += 3;
            continue;
        }
        if is_open && tokens.get(i + 1).is_some_and(|t| t.starts_with("</")) {
            out.push_str(&format!("{indent}{token}{}\n", tokens[i + 1]));
            i += 2;
            continue;
        }
        if token.starts_with("</") {
            depth = depth.saturating_sub(1);
            out.push_str(&format!("{}{token}\n", "  ".repeat(depth)));
        } else {
            out.push_str(&format!("{indent}{token}\n"));
            if is_open {
                depth += 1;
            }
        }
        i += 1;
    }
    out
}
