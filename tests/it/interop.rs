//! Real WSDL-driven clients: Python zeep builds its stub from GET /?wsdl and walks the
//! register/login journey, then calls every family of operations. `.ci/run` installs zeep;
//! elsewhere these tests say they were skipped.

use std::process::Command;

use cnode_emulator::engine::world::Mode;
use cnode_emulator::Settings;

use crate::harness::{start, start_with, Emulator};

fn zeep_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import zeep"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install zeep (see .ci/run)"
        );
        eprintln!("skipped: python3 with zeep is not installed (pip install zeep)");
    }
    found
}

/// Runs a script of tests/interop/ against the emulator's WSDL; it must end with `done`.
fn run_zeep(emulator: &Emulator, script: &str, done: &str) {
    let script = format!("{}/tests/interop/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{}/?wsdl", emulator.addr()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(done), "{stdout}");
}

#[test]
fn zeep_completes_the_register_login_journey() {
    if zeep_available() {
        run_zeep(&start(), "zeep_journey.py", "zeep journey: OK");
    }
}

#[test]
fn zeep_calls_every_family_of_operations() {
    if zeep_available() {
        let mut settings = Settings::for_tests();
        settings.world.node.mode = Mode::Master;
        settings.world.node.logged_in = Some("shop".into());
        run_zeep(
            &start_with(settings),
            "zeep_families.py",
            "zeep families: OK",
        );
    }
}
