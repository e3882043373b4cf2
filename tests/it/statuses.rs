//! Every one of the 36 statuses is reachable: walks fixtures/cnode/statuses.toml (the README's
//! status table as data), each entry on a fresh emulator.

use std::cell::Cell;

use cnode_emulator::cnode::status::Status;
use cnode_emulator::cnode::world::Mode;
use cnode_emulator::units::parse_duration;

use crate::harness::{start, xml_arguments, Emulator};

const TABLE: &str = include_str!("../../fixtures/cnode/statuses.toml");

fn entries() -> Vec<toml::Value> {
    let table: toml::Value = toml::from_str(TABLE).expect("statuses.toml parses");
    table["status"]
        .as_array()
        .expect("[[status]] entries")
        .clone()
}

#[test]
fn the_table_names_each_of_the_36_statuses_once() {
    let names: Vec<String> = entries()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    for status in Status::ALL {
        assert_eq!(
            names.iter().filter(|n| *n == status.as_str()).count(),
            1,
            "{status}"
        );
    }
    assert_eq!(names.len(), 36);
}

#[test]
fn the_readme_shows_the_table() {
    let readme = include_str!("../../README.md");
    for entry in entries() {
        let row = format!(
            "| `{}` | {} |",
            entry["status"].as_str().unwrap(),
            entry["how"].as_str().unwrap()
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

#[test]
fn every_status_is_reached_as_the_table_says() {
    let mut failures = Vec::new();
    for entry in entries() {
        let status = entry["status"].as_str().unwrap().to_owned();
        if let Err(why) = std::panic::catch_unwind(|| reach(&entry)) {
            let why = why
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| why.downcast_ref::<&str>().map(|s| s.to_string()));
            failures.push(format!("{status}: {}", why.unwrap_or_default()));
        }
    }
    assert!(failures.is_empty(), "unreached:\n{}", failures.join("\n"));
}

fn reach(entry: &toml::Value) {
    let target = entry["status"].as_str().unwrap();
    let emulator = start();
    if let Some(world) = entry.get("world") {
        change_world(&emulator, world);
    }
    let login = entry
        .get("login")
        .and_then(|l| l.as_str())
        .unwrap_or("shop");
    if !login.is_empty() {
        emulator.log_in_as(login);
    }
    let counter = Cell::new(0);
    let mut tasks: Vec<Option<String>> = Vec::new();
    for step in entry["steps"].as_array().unwrap() {
        let substitute = |text: &str| {
            let mut text = text.to_owned();
            if text.contains("{{uid}}") {
                counter.set(counter.get() + 1);
                text = text.replace("{{uid}}", &format!("uid-{}", counter.get()));
            }
            for (i, task) in tasks.iter().enumerate() {
                text = text.replace(
                    &format!("{{{{task{}}}}}", i + 1),
                    task.as_deref().unwrap_or(""),
                );
            }
            text
        };
        let operation = step["call"].as_str().unwrap();
        let reply = emulator.call_xml(operation, &xml_arguments(&step["args"], &substitute));
        assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
        let answer = reply.answer();
        assert_eq!(
            answer.get("requestStatus"),
            "SUCCESS",
            "{operation}: {:?}",
            answer.ret
        );
        tasks.push(
            answer
                .ret
                .child("taskId")
                .map(|t| t.text.clone())
                .filter(|t| !t.is_empty()),
        );
    }
    let checked = match entry.get("check").and_then(|c| c.as_integer()) {
        Some(step) => tasks[step as usize - 1].clone(),
        None => tasks.iter().rev().flatten().next().cloned(),
    };
    let task = checked.expect("a step made a task");
    emulator.advance_until(180, |e| e.history(&task).iter().any(|s| s == target));
}

fn change_world(emulator: &Emulator, changes: &toml::Value) {
    let mut world = emulator.node().world();
    if let Some(mode) = changes.get("mode").and_then(|m| m.as_str()) {
        world.node.mode = if mode == "master" {
            Mode::Master
        } else {
            Mode::Slave
        };
    }
    if let Some(delay) = changes
        .get("write_permission_delay")
        .and_then(|d| d.as_str())
    {
        world.node.write_permission_delay_ms = parse_duration(delay).unwrap().as_millis() as u64;
    }
    if let Some(available) = changes.get("bnode_available").and_then(|a| a.as_bool()) {
        world.node.bnode.available = available;
    }
}
