//! Real clients, unchanged, against the emulator: every stack of `tests/interop/stacks.toml`
//! (SOAP stacks for CNode, client libraries and the seeds' curl examples for the other front
//! doors) runs its door's journey of `tests/interop/README.md` through its own `run.sh`,
//! each against a fresh emulator whose tasks move one status per poll. The suite
//! writes the compatibility table (`target/interop/compatibility.md`) and checks the
//! README's copy of it; `CNODE_UPDATE_README=1 cargo test interop` rewrites that copy.
//!
//! A stack that is not installed is reported as skipped with its reason. Under `CI=true` a
//! skip fails the test unless `.ci/run` recorded why the stack could not be installed
//! (`target/interop/install-failed/<id>`): CI never passes a stack silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cnode_emulator::cnode::world::Mode;
use cnode_emulator::engine::task::Progression;
use cnode_emulator::Settings;

use crate::harness::{start_with, Emulator};

const INTEROP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const TABLE_BEGIN: &str = "<!-- interop-table:begin (written by tests/it/interop.rs) -->";
const TABLE_END: &str = "<!-- interop-table:end -->";
/// Stacks run side by side; Java and C++ builds make more than this slower, not faster.
const AT_ONCE: usize = 3;
const STACK_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(serde::Deserialize)]
struct Stacks {
    stack: Vec<Stack>,
}

#[derive(serde::Deserialize, Clone)]
struct Stack {
    id: String,
    name: String,
    /// The front door the stack's client talks to.
    #[serde(default = "cnode")]
    door: String,
    wsdl: String,
}

fn cnode() -> String {
    "cnode".into()
}

impl Stack {
    fn wsdl_url(&self) -> &'static str {
        match self.wsdl.as_str() {
            "default" => "`/?wsdl`",
            "rpc" => "`/?wsdl=rpc`",
            "encoded" => "`/?wsdl=encoded`",
            "none" if self.door != "cnode" => "-",
            "none" => "none (calls built in code)",
            other => panic!("stacks.toml: unknown wsdl flavour {other}"),
        }
    }
}

enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

struct Run {
    stack: Stack,
    version: String,
    outcome: Outcome,
    took: Duration,
}

#[test]
fn every_client_completes_its_journey() {
    let stacks: Stacks = toml::from_str(
        &std::fs::read_to_string(format!("{INTEROP}/stacks.toml")).expect("stacks.toml"),
    )
    .expect("stacks.toml parses");
    let runs = run_all(stacks.stack);
    let table = table(&runs);
    let out = target_dir().join("interop");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("compatibility.md"), &table).unwrap();
    eprintln!("{table}");
    for run in &runs {
        eprintln!(
            "{:<16} {:>6.1} s  {}",
            run.stack.id,
            run.took.as_secs_f64(),
            result_text(&run.outcome)
        );
    }

    let failures: Vec<String> = runs
        .iter()
        .filter_map(|run| match &run.outcome {
            Outcome::Failed(output) => Some(format!("--- {}:\n{output}", run.stack.name)),
            Outcome::Skipped(reason) if ci_requires(&run.stack) => Some(format!(
                "--- {}: skipped under CI, and .ci/run recorded no install failure: {reason}",
                run.stack.name
            )),
            _ => None,
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    check_readme(&runs, &table);
}

/// Runs every stack, a few at a time, each against its own emulator.
fn run_all(stacks: Vec<Stack>) -> Vec<Run> {
    let queue = Mutex::new(stacks.clone().into_iter());
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| loop {
                let next = queue.lock().unwrap().next();
                let Some(stack) = next else { break };
                let run = run_stack(stack);
                done.lock().unwrap().push(run);
            });
        }
    });
    let mut runs = done.into_inner().unwrap();
    // The table keeps stacks.toml's order, whatever finished first.
    runs.sort_by_key(|run| stacks.iter().position(|s| s.id == run.stack.id));
    runs
}

fn run_stack(stack: Stack) -> Run {
    let started = Instant::now();
    let emulator = journey_emulator();
    let work = target_dir().join("interop/work").join(&stack.id);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let script = Path::new(INTEROP).join(&stack.id).join("run.sh");
    let (code, output) = run_with_timeout(
        Command::new("bash")
            .arg(&script)
            .arg(format!("http://{}/", emulator.addr()))
            .arg(&work),
        STACK_TIMEOUT,
    );
    let version = output
        .lines()
        .find_map(|line| line.strip_prefix("version: "))
        .unwrap_or("")
        .trim()
        .to_owned();
    let last = output.lines().rev().find(|l| !l.trim().is_empty());
    let outcome = match code {
        Some(0) if last == Some("journey: OK") => Outcome::Passed,
        Some(77) => Outcome::Skipped(last.unwrap_or("not installed").to_owned()),
        _ => Outcome::Failed(tail(&output, 40)),
    };
    Run {
        stack,
        version,
        outcome,
        took: started.elapsed(),
    }
}

/// The default world, tasks of every front door moving one status per poll: every
/// client's polling loop really loops, and no journey waits on a clock.
fn journey_emulator() -> Emulator {
    let emulator = start_with(Settings::for_tests());
    emulator
        .engine()
        .set_progression("*", Progression::PerPoll { polls: 1 });
    emulator
}

/// Runs a command to its end or the timeout; its exit code (None when killed) and its
/// stdout and stderr together.
pub(crate) fn run_with_timeout(command: &mut Command, timeout: Duration) -> (Option<i32>, String) {
    let log = tempfile_path();
    let file = std::fs::File::create(&log).unwrap();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("bash runs");
    let deadline = Instant::now() + timeout;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let output = match code {
        None => format!("{output}\n(killed after {} s)", timeout.as_secs()),
        Some(_) => output,
    };
    (code, output)
}

fn tempfile_path() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = target_dir().join("interop");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("run-{}-{n}.log", std::process::id()))
}

pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Under CI every stack must run, unless `.ci/run` wrote down why it could not install it.
fn ci_requires(stack: &Stack) -> bool {
    std::env::var_os("CI").is_some()
        && !target_dir()
            .join("interop/install-failed")
            .join(&stack.id)
            .exists()
}

fn result_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => "journey passes".to_owned(),
        Outcome::Skipped(reason) => format!("skipped: {reason}"),
        Outcome::Failed(_) => "FAILS".to_owned(),
    }
}

fn table(runs: &[Run]) -> String {
    let mut table =
        String::from("| stack | version | front door | WSDL | result |\n|---|---|---|---|---|\n");
    for run in runs {
        let version = if run.version.is_empty() {
            "-"
        } else {
            &run.version
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            run.stack.name,
            version,
            run.stack.door,
            run.stack.wsdl_url(),
            result_text(&run.outcome)
        ));
    }
    table
}

/// The README shows the table this suite produced. Checked only when every stack ran, as
/// a machine without some stacks cannot say what they do; versions are not compared (a
/// Debian point release changes them), everything else is.
fn check_readme(runs: &[Run], table: &str) {
    let readme = std::fs::read_to_string(README).unwrap();
    let (Some(begin), Some(end)) = (readme.find(TABLE_BEGIN), readme.find(TABLE_END)) else {
        panic!("README.md has no {TABLE_BEGIN} ... {TABLE_END} section");
    };
    let shown = &readme[begin + TABLE_BEGIN.len()..end];
    if std::env::var_os("CNODE_UPDATE_README").is_some() {
        let updated = format!(
            "{}{TABLE_BEGIN}\n{table}{}",
            &readme[..begin],
            &readme[end..]
        );
        std::fs::write(README, updated).unwrap();
        return;
    }
    if !runs
        .iter()
        .all(|run| matches!(run.outcome, Outcome::Passed))
    {
        eprintln!("README's compatibility table not checked: not every stack ran here");
        return;
    }
    let without_versions = |table: &str| -> Vec<String> {
        table
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| stack"))
            .map(|line| {
                let cells: Vec<&str> = line.split(" | ").collect();
                format!("{} | {}", cells[0], cells[2..].join(" | "))
            })
            .collect()
    };
    assert_eq!(
        without_versions(shown),
        without_versions(table),
        "README.md's compatibility table is not what the suite saw: CNODE_UPDATE_README=1 cargo test interop"
    );
}

// ---- zeep through every family of operations (beyond the shared journey) ----

#[test]
fn zeep_calls_every_family_of_operations() {
    let mut settings = Settings::for_tests();
    settings.world.node.mode = Mode::Master;
    settings.world.node.logged_in = Some("shop".into());
    let emulator = start_with(settings);
    let work = target_dir().join("interop/work/zeep-families");
    std::fs::create_dir_all(&work).unwrap();
    let (code, output) = run_with_timeout(
        Command::new("bash")
            .arg(format!("{INTEROP}/zeep/run.sh"))
            .arg(format!("http://{}/", emulator.addr()))
            .arg(&work)
            .arg("families.py"),
        STACK_TIMEOUT,
    );
    match code {
        Some(77) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install zeep: {output}"
            );
            eprintln!("skipped: {output}");
        }
        _ => assert!(
            code == Some(0) && output.contains("zeep families: OK"),
            "{output}"
        ),
    }
}
