//! A real WSDL-driven client: Python zeep builds its stub from GET /?wsdl and walks the
//! register/login journey. `.ci/run` installs zeep; elsewhere the test says it was skipped.

use std::process::Command;

use crate::harness::start;

fn zeep_available() -> bool {
    Command::new("python3")
        .args(["-c", "import zeep"])
        .output()
        .is_ok_and(|out| out.status.success())
}

#[test]
fn zeep_completes_the_register_login_journey() {
    if !zeep_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install zeep (see .ci/run)"
        );
        eprintln!("skipped: python3 with zeep is not installed (pip install zeep)");
        return;
    }
    let emulator = start();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/zeep_journey.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(format!("http://{}/?wsdl", emulator.addr()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zeep journey failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("zeep journey: OK"));
}

#[test]
fn zeep_calls_every_family_of_operations() {
    if !zeep_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install zeep (see .ci/run)"
        );
        eprintln!("skipped: python3 with zeep is not installed (pip install zeep)");
        return;
    }
    let mut settings = cnode_emulator::Settings::for_tests();
    settings.world.node.mode = cnode_emulator::engine::world::Mode::Master;
    settings.world.node.logged_in = Some("shop".into());
    let emulator = crate::harness::start_with(settings);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/zeep_families.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(format!("http://{}/?wsdl", emulator.addr()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zeep families failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("zeep families: OK"));
}
