//! Golden exchanges: `fixtures/exchanges/<scenario>/NN-<op>.request.xml` is posted in order
//! to a fresh emulator (default world, tasks finish at once) and the answer must equal
//! `NN-<op>.response.xml`, with task ids masked as `{{task:NN}}` (the id step NN returned)
//! and the process id as `{{pid}}`. Requests may use `{{task:NN}}` too.
//! `BLESS=1 cargo test exchanges` rewrites the responses from what the emulator answers.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::start;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/exchanges");

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

fn replay(scenario: &Path, bless: bool) -> Vec<String> {
    let emulator = start();
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
        let request = unmask(&fs::read_to_string(&request_path).unwrap(), &task_ids);
        let reply = emulator.post(&request);
        if reply.status == 200 {
            let answer = reply.answer();
            if let Some(id) = answer
                .ret
                .child("taskId")
                .map(|e| e.text.clone())
                .filter(|id| !id.is_empty())
            {
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
    masked.replace(
        &format!("<pid>{}</pid>", std::process::id()),
        "<pid>{{pid}}</pid>",
    )
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
