//! The dashboard in a real browser: `tests/browser/run.sh` drives headless Chromium (over
//! chromedriver) through `/__admin/ui` of an emulator with an admin token. A task a SOAP call
//! created must appear in the page's list, and move to FINISHED_OK in it after a clock
//! advance clicked in the page; the page's screenshot is left in `target/browser/work/`
//! (`CNODE_UPDATE_SCREENSHOT=1 cargo test browser` copies it to `docs/dashboard.png`, which
//! the README shows).
//!
//! Without Chromium the test is skipped with the reason; under `CI=true` that fails, unless
//! `.ci/run` recorded why it could not install it (`target/interop/install-failed/browser`),
//! as for the interop stacks.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use cnode_emulator::Settings;

use crate::harness::start_with;
use crate::interop::{run_with_timeout, tail, target_dir};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/run.sh");
const SCREENSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/dashboard.png");
/// A token that must be escaped in the page's address.
const TOKEN: &str = "dash board/token";

#[test]
fn the_dashboard_shows_a_task_finish_after_an_advance_clicked_in_it() {
    let mut settings = Settings::for_tests();
    settings.admin_token = Some(TOKEN.into());
    let emulator = start_with(settings);
    let work = target_dir().join("browser/work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    let (code, output) = run_with_timeout(
        Command::new("bash")
            .arg(SCRIPT)
            .arg(format!("http://{}/", emulator.addr()))
            .arg(&work)
            .arg(TOKEN),
        Duration::from_secs(180),
    );
    eprintln!("{output}");
    let last = output.lines().rev().find(|l| !l.trim().is_empty());
    match code {
        Some(0) if last == Some("journey: OK") => {
            let shot = work.join("dashboard.png");
            assert!(shot.exists(), "no screenshot in {}", work.display());
            if std::env::var_os("CNODE_UPDATE_SCREENSHOT").is_some() {
                std::fs::copy(&shot, SCREENSHOT).unwrap();
            }
            assert!(Path::new(SCREENSHOT).exists(), "the README's screenshot");
        }
        Some(77) => {
            let reason = last.unwrap_or("Chromium is not installed");
            assert!(
                !ci_requires(),
                "skipped under CI, and .ci/run recorded no install failure: {reason}"
            );
            eprintln!("browser: skipped: {reason}");
        }
        _ => panic!("the browser journey failed:\n{}", tail(&output, 40)),
    }
}

fn ci_requires() -> bool {
    std::env::var_os("CI").is_some()
        && !target_dir().join("interop/install-failed/browser").exists()
}
