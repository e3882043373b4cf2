//! storePassword, checkPassword and getMpin, with and without a logged-in user.

use std::time::Duration;

use cnode_emulator::Settings;

use crate::harness::{paced, start, start_with, Style, BOTH_STYLES};

#[test]
fn without_a_logged_in_user_they_answer_not_logged_in() {
    let emulator = start();
    for style in BOTH_STYLES {
        for op in ["storePassword", "checkPassword", "getMpin"] {
            let answer = emulator.call(style, op, &[("billonUserPassword", "test_password")]);
            assert_eq!(answer.get("requestStatus"), "ERR_VUI_NOT_LOGGEDIN", "{op}");
        }
    }
}

#[test]
fn they_check_the_logged_in_users_password() {
    let emulator = start();
    emulator.log_in("test_user", "test_password");
    for style in BOTH_STYLES {
        assert_eq!(
            emulator
                .call(
                    style,
                    "checkPassword",
                    &[("billonUserPassword", "test_password")]
                )
                .get("requestStatus"),
            "SUCCESS"
        );
        assert_eq!(
            emulator
                .call(
                    style,
                    "checkPassword",
                    &[("billonUserPassword", "Haslo123")]
                )
                .get("requestStatus"),
            "ERR_INVALID_PASSWORD"
        );

        let mpin = emulator.call(style, "getMpin", &[("billonUserPassword", "test_password")]);
        assert_eq!(
            mpin.field_names(),
            ["mpin", "requestStatus", "requestStatusDescription"]
        );
        assert_eq!(
            (mpin.get("mpin"), mpin.get("requestStatus")),
            ("JHV72", "SUCCESS")
        );
        let refused = emulator.call(style, "getMpin", &[("billonUserPassword", "haslo123")]);
        assert_eq!(
            (refused.get("mpin"), refused.get("requestStatus")),
            ("", "ERR_INVALID_PASSWORD")
        );
    }
    assert_eq!(
        emulator
            .call(
                Style::A,
                "storePassword",
                &[("billonUserPassword", "test_user")]
            )
            .get("requestStatus"),
        "ERR_INVALID_PASSWORD"
    );
    assert!(!emulator.node().world().node.autologin);
    assert_eq!(
        emulator
            .call(
                Style::A,
                "storePassword",
                &[("billonUserPassword", "test_password")]
            )
            .get("requestStatus"),
        "SUCCESS"
    );
    assert!(
        emulator.node().world().node.autologin,
        "the node would log in by itself next time"
    );
}

#[test]
fn store_password_waits_for_a_running_login() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in("test_user", "test_password");
    emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "alice"),
            ("billonUserPassword", "alice-password"),
        ],
    );
    let busy = emulator.call(
        Style::B,
        "storePassword",
        &[("billonUserPassword", "test_password")],
    );
    assert_eq!(busy.get("requestStatus"), "ERR_TASK_ALREADY_RUNNING");
}

#[test]
fn a_world_can_start_logged_in_with_its_own_mpin() {
    let mut settings = Settings::for_tests();
    settings.world.node.logged_in = Some("shop".into());
    settings.world.node.mpin = "L6UN8".into();
    let emulator = start_with(settings);
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("username"),
        "shop"
    );
    assert_eq!(
        emulator
            .call(
                Style::B,
                "getMpin",
                &[("billonUserPassword", "shop-password")]
            )
            .get("mpin"),
        "L6UN8"
    );
}
